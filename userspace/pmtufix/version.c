// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

#define MODULE_VERSION_FILE "/sys/module/xt_PMTUFIX/version"

int version_main(int argc, const char *argv[])
{
	char modver[64];
	FILE *f;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s %s\n", prog, argv[0]);
		return 2;
	}

	printf("pmtufix %s\n", PMTUFIX_VERSION);
	f = fopen(MODULE_VERSION_FILE, "r");
	if (!f) {
		printf("module: not loaded\n");
		return 0;
	}
	if (fgets(modver, sizeof(modver), f)) {
		modver[strcspn(modver, "\n")] = '\0';
		printf("module: xt_PMTUFIX %s\n", modver);
	}
	fclose(f);
	return 0;
}

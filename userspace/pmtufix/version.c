// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "subcommands.h"

#define MODULE_VERSION_FILE "/sys/module/xt_PMTUFIX/version"

void version_help(int argc, const char *argv[])
{
	printf("Usage: %s version [-j|--json]\n"
	       "\n"
	       "Shows the version of the command and of the loaded module, or\n"
	       "that the module is not loaded (JSON: \"module\": null).\n",
	       prog);
}

/* The loaded module's version into @buf, or "" when it is not loaded. */
static void module_version(char *buf, size_t size)
{
	FILE *f = fopen(MODULE_VERSION_FILE, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

int version_main(int argc, const char *argv[])
{
	char modver[64];
	struct json j;

	if (argc > 1) {
		fprintf(stderr, "Usage: %s %s [-j|--json]\n", prog, argv[0]);
		return 2;
	}
	module_version(modver, sizeof(modver));
	if (pmtufix_json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "version", PMTUFIX_VERSION);
		json_key(&j, "module");
		if (*modver)
			json_string(&j, modver);
		else
			json_null(&j);
		json_object_end(&j);
		return 0;
	}
	printf("pmtufix %s\n", PMTUFIX_VERSION);
	if (*modver)
		printf("module: xt_PMTUFIX %s\n", modver);
	else
		printf("module: not loaded\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix: drive the xt_PMTUFIX module.
 */
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

const char *prog;
int pmtufix_json;

static const struct {
	const char *name;
	int (*main)(int argc, const char *argv[]);
	const char *description;
} subcommands[] = {
	{ "table", table_main, "Creates, loads, changes, shows and destroys tables" },
	{ "lookup", lookup_main, "Shows the entry an address matches and the MSS it gets" },
	{ "stats", stats_main, "Shows or resets the counters" },
	{ "overhead", overhead_main, "Shows the MTU and MSS left behind encapsulation layers" },
	{ "version", version_main, "Shows the version of the command and of the loaded module" },
	{ "help", help_main, "Shows this help" },
};

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s <cmd> [<args>]\n\n", prog);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i)
		fprintf(file, "  %-10s%s\n", subcommands[i].name,
			subcommands[i].description);
	fprintf(file, "\nYou may pass `--help' to any of these subcommands to view usage.\n");
}

int help_main(int argc, const char *argv[])
{
	(void)argc;
	(void)argv;
	show_usage(stdout);
	return 0;
}

int main(int argc, const char *argv[])
{
	size_t i;

	prog = argv[0];

	while (argc > 1 && (!strcmp(argv[1], "-j") ||
			    !strcmp(argv[1], "--json"))) {
		pmtufix_json = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		show_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return version_main(argc - 1, argv + 1);

	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); ++i) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].main(argc - 1, argv + 1);
	}

	fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
	show_usage(stderr);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix: drive the xt_PMTUFIX module.
 */
#include <stdio.h>
#include <string.h>

#include "subcommands.h"

const char *prog;
int pmtufix_json;

static void help_help(int argc, const char *argv[]);

static const struct {
	const char *name;
	int (*main)(int argc, const char *argv[]);
	void (*help)(int argc, const char *argv[]);
	const char *description;
} subcommands[] = {
	{ "table", table_main, table_help,
	  "Creates, loads, saves, changes, shows and destroys tables" },
	{ "lookup", lookup_main, lookup_help,
	  "Shows the entry an address matches and the MSS it gets" },
	{ "stats", stats_main, stats_help, "Shows or resets the counters" },
	{ "derive", derive_main, derive_help,
	  "Derives a table from xfrm, tunnels and IPVS, or checks one" },
	{ "nft", nft_main, nft_help,
	  "Prints a table file as an nftables script, for hosts without the module" },
	{ "overhead", overhead_main, overhead_help,
	  "Shows the MTU and MSS left behind encapsulation layers" },
	{ "version", version_main, version_help,
	  "Shows the version of the command and of the loaded module" },
	{ "help", help_main, help_help, "Shows this help, or a subcommand's" },
};

#define NSUBCOMMANDS	(sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *file)
{
	size_t i;

	fprintf(file, "Usage: %s [-j|--json] <cmd> [<args>]\n\n", prog);
	fprintf(file, "Available subcommands:\n");
	for (i = 0; i < NSUBCOMMANDS; i++)
		fprintf(file, "  %-10s%s\n", subcommands[i].name,
			subcommands[i].description);
	fprintf(file, "\n-j or --json, anywhere, asks for JSON output; --help or -h,\n"
		      "anywhere, shows the help of the subcommand it follows.\n");
}

static int find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < NSUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name))
			return (int)i;
	return -1;
}

static void help_help(int argc, const char *argv[])
{
	show_usage(stdout);
}

/* help [SUBCOMMAND [TABLE-COMMAND]] */
int help_main(int argc, const char *argv[])
{
	int i = argc > 1 ? find_subcommand(argv[1]) : -1;

	if (argc > 1 && i < 0) {
		fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
		show_usage(stderr);
		return 2;
	}
	if (i >= 0)
		subcommands[i].help(argc - 1, argv + 1);
	else
		show_usage(stdout);
	return 0;
}

/*
 * Takes the options every subcommand shares out of argv, wherever they
 * are (no argument of any subcommand starts with `-'): -j and --json set
 * pmtufix_json, -h and --help are counted into *@help.  Stops at "--".
 */
static int take_common(int argc, const char *argv[], int *help)
{
	int i, j;

	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			pmtufix_json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			*help = 1;
		else
			argv[j++] = argv[i];
	}
	argv[j] = NULL;
	return j;
}

int main(int argc, const char *argv[])
{
	int help = 0, i;

	prog = argv[0];
	argc = take_common(argc, argv, &help);

	if (argc < 2) {
		if (help)
			return help_main(1, argv);
		show_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return version_main(argc - 1, argv + 1);
	i = find_subcommand(argv[1]);
	if (i < 0) {
		fprintf(stderr, "Invalid subcommand: `%s'\n", argv[1]);
		show_usage(stderr);
		return 2;
	}
	if (help) {
		subcommands[i].help(argc - 1, argv + 1);
		return 0;
	}
	return subcommands[i].main(argc - 1, argv + 1);
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_SUBCOMMANDS_H
#define _PMTUFIX_SUBCOMMANDS_H

extern const char *prog;
/* -j or --json given before the subcommand. */
extern int pmtufix_json;

int help_main(int argc, const char *argv[]);
int version_main(int argc, const char *argv[]);
int overhead_main(int argc, const char *argv[]);
int table_main(int argc, const char *argv[]);
int lookup_main(int argc, const char *argv[]);
int stats_main(int argc, const char *argv[]);

#endif

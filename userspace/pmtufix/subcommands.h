/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_SUBCOMMANDS_H
#define _PMTUFIX_SUBCOMMANDS_H

extern const char *prog;
/* -j or --json given anywhere on the command line. */
extern int pmtufix_json;

int help_main(int argc, const char *argv[]);
int version_main(int argc, const char *argv[]);
int overhead_main(int argc, const char *argv[]);
int table_main(int argc, const char *argv[]);
int lookup_main(int argc, const char *argv[]);
int stats_main(int argc, const char *argv[]);
int derive_main(int argc, const char *argv[]);
int nft_main(int argc, const char *argv[]);

/*
 * The full help of a subcommand, on standard output: what --help or -h
 * anywhere after it prints.  argv[0] is the subcommand's name; the table
 * command's help looks at argv[1] for the table command asked about.
 */
void version_help(int argc, const char *argv[]);
void overhead_help(int argc, const char *argv[]);
void table_help(int argc, const char *argv[]);
void lookup_help(int argc, const char *argv[]);
void stats_help(int argc, const char *argv[]);
void derive_help(int argc, const char *argv[]);
void nft_help(int argc, const char *argv[]);

#endif

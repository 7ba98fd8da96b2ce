/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_SUBCOMMANDS_H
#define _PMTUFIX_SUBCOMMANDS_H

#include <stddef.h>
#include <stdio.h>

extern const char *prog;
/* -j or --json given before the subcommand. */
extern int pmtufix_json;

int help_main(int argc, const char *argv[]);
int version_main(int argc, const char *argv[]);
int overhead_main(int argc, const char *argv[]);
int table_main(int argc, const char *argv[]);
int lookup_main(int argc, const char *argv[]);
int stats_main(int argc, const char *argv[]);

struct pmtufix_nl;
struct pmtufix_table_reply;
struct pmtufix_entry_reply;
struct json;

/* Every table (@name NULL) or one; *@out is malloc'ed. */
int pmtufix_get_tables(struct pmtufix_nl *h, const char *name,
		       struct pmtufix_table_reply **out, size_t *n);
void pmtufix_print_entry(FILE *out, const struct pmtufix_entry_reply *r);
void pmtufix_json_entry(struct json *j, const struct pmtufix_entry_reply *r);
void pmtufix_json_entry_counters(struct json *j,
				 const struct pmtufix_entry_reply *r);

#endif

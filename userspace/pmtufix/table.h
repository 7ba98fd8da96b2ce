/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the table subcommands share: table.c (tables and entries one by
 * one) and tablefile.c (whole tables as files: load, check, save,
 * restore).
 */
#ifndef _PMTUFIX_TABLE_H
#define _PMTUFIX_TABLE_H

#include <stdio.h>

#include "genl.h"
#include "parse.h"

/* What messages name: "table SUB NAME". */
#define ACTION_LEN	96

/* "Usage: pmtufix table SUB ..." on stderr; returns 2. */
int table_usage(const char *sub);

/*
 * @action for @sub on table @name: 0, or -1 after saying why @name is not
 * a table name.
 */
int table_action(char action[ACTION_LEN], const char *sub, const char *name);

/*
 * Removes every @flag from argv[1..]: whether there was one.  Options may
 * come anywhere after the subcommand's name.
 */
int table_take_flag(int *argc, const char *argv[], const char *flag);

/*
 * Refuses words starting with '-' in argv[1..]: 0, or 2 after a message,
 * which says that table names cannot start with '-' if argv[1] is where
 * the command takes one.
 */
int table_no_options(const char *sub, int argc, const char *argv[]);

/*
 * Creates table @name, with @s (may be NULL).  0 if created, 1 if it
 * existed and @exist allows that, -1 after a message otherwise.
 */
int table_create(struct pmtufix_nl *h, const char *action, const char *name,
		 const struct pmtufix_settings *s, int exist);

/* The settings of a TABLE_GET reply, in the order of pmtufix_setting_descs. */
void table_settings_of(const struct pmtufix_table_reply *t,
		       u32 v[PMTUFIX_NSETTINGS]);

/*
 * What an --exist command did: "table NAME: WHAT" on stdout, or with -j
 * {"table":NAME,"changed":CHANGED}.
 */
void table_report(const char *name, const char *what, int changed);

/*
 * Reads the file of one table (@path, "-" for standard input) line by
 * line, for commands that use a table file without loading it: each
 * entry to @entry (with its line number; nonzero from it stops the read
 * and fails it), the settings of its `set' lines merged into @set.  Every
 * error is printed as "pmtufix WHO: PATH:LINE:COLUMN: ...", a `table' line
 * being one.  0, or -1 when anything failed.
 */
int table_file_read(const char *path, const char *who,
		    struct pmtufix_settings *set,
		    int (*entry)(const struct pmtufix_entry_spec *e,
				 unsigned int lineno, void *data),
		    void *data);

int table_load(int argc, const char *argv[]);
int table_check(int argc, const char *argv[]);
int table_save(int argc, const char *argv[]);
int table_restore(int argc, const char *argv[]);
int table_flush(int argc, const char *argv[]);

#endif /* _PMTUFIX_TABLE_H */

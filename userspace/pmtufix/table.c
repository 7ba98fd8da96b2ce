// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix table create|destroy|list|set|add|del|show, the help of every
 * table command, and their dispatch (whole-table commands are in
 * tablefile.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pmtufix.h>

#include "core/limits.h"
#include "genl.h"
#include "json.h"
#include "parse.h"
#include "print.h"
#include "request.h"
#include "subcommands.h"
#include "table.h"

#define SETTINGS_USAGE	"[mtu N] [floor4 N] [floor6 N] " \
			"[too-big-rate N] [too-big-burst N] " \
			"[too-big-src-rate N] [too-big-src-burst N]"

static int cmd_create(int argc, const char *argv[]);
static int cmd_set(int argc, const char *argv[]);
static int cmd_destroy(int argc, const char *argv[]);
static int cmd_list(int argc, const char *argv[]);
static int cmd_add(int argc, const char *argv[]);
static int cmd_del(int argc, const char *argv[]);
static int cmd_show(int argc, const char *argv[]);

static const struct {
	const char *name;
	int (*cmd)(int argc, const char *argv[]);
	const char *usage;	/* after "table " */
	const char *help;
} commands[] = {
	{ "create", cmd_create, "create [--exist] NAME " SETTINGS_USAGE,
	  "Creates an empty table with the settings given (the others take\n"
	  "their defaults).  With --exist, a table that exists with the\n"
	  "settings given is no error.\n" },
	{ "set", cmd_set, "set NAME " SETTINGS_USAGE,
	  "Changes settings of a table; the others stay as they are.\n" },
	{ "destroy", cmd_destroy, "destroy [--exist] NAME",
	  "Destroys a table no iptables rule uses.  With --exist, a table that\n"
	  "does not exist is no error.\n" },
	{ "list", cmd_list, "list [--names]",
	  "Lists the tables of the network namespace with their settings,\n"
	  "or only their names.\n" },
	{ "flush", table_flush, "flush NAME",
	  "Removes every entry of a table, in one step.\n" },
	{ "load", table_load, "load [--check] NAME FILE",
	  "Replaces the entries of a table, in one step, with those of FILE\n"
	  "(`-': standard input), and applies its `set' lines with them.\n"
	  "Creates the table if need be.  The whole file is checked first;\n"
	  "with --check, only that: no change, exit 1 if FILE has errors.\n" },
	{ "check", table_check, "check FILE...",
	  "Checks table files, or restore files, without the module: every\n"
	  "error is shown as FILE:LINE:COLUMN: message; exit 1 if any.\n" },
	{ "save", table_save, "save [NAME]",
	  "Prints a table as `table load' reads it back: a `set' line with\n"
	  "every setting, then the entries.  Without NAME, every table, each\n"
	  "after a `table NAME' line, as `table restore' reads it back.\n" },
	{ "restore", table_restore, "restore [--check] [FILE]",
	  "Loads every table of FILE (default: standard input), as `table\n"
	  "save' prints them, creating those that do not exist.  Each table\n"
	  "changes in one step; tables not in FILE are left alone.  With\n"
	  "--check, only checks FILE.\n" },
	{ "add", cmd_add, "add [--exist] [--replace] NAME PREFIX [mtu N] [LAYER...]",
	  "Adds an entry.  --replace changes the entry of the same prefix;\n"
	  "with --exist, the same entry being there already is no error.\n" },
	{ "del", cmd_del, "del [--exist] NAME PREFIX...",
	  "Deletes entries, all or none.  With --exist, prefixes that are not\n"
	  "in the table are no error; the others are deleted.\n" },
	{ "show", cmd_show, "show NAME",
	  "Shows a table's settings and entries with their counters.\n" },
};

#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static int find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return (int)i;
	return -1;
}

int table_usage(const char *sub)
{
	int i = find_command(sub);

	fprintf(stderr, "Usage: %s table %s\n", prog,
		i >= 0 ? commands[i].usage : sub);
	return 2;
}

/* @text, each of its lines indented by four spaces. */
static void print_indented(const char *text)
{
	const char *nl;

	while (*text) {
		nl = strchrnul(text, '\n');
		printf("    %.*s\n", (int)(nl - text), text);
		text = *nl ? nl + 1 : nl;
	}
}

void table_help(int argc, const char *argv[])
{
	int i = argc > 1 ? find_command(argv[1]) : -1;
	size_t k;

	if (i >= 0) {
		printf("Usage: %s table %s\n\n%s", prog, commands[i].usage,
		       commands[i].help);
	} else {
		printf("Usage: %s table COMMAND ...\n", prog);
		for (k = 0; k < NCOMMANDS; k++) {
			printf("\n  table %s\n", commands[k].usage);
			print_indented(commands[k].help);
		}
	}
	printf("\n-j or --json, anywhere, gives JSON where there is output (not\n"
	       "for save, whose format is text).  See pmtufix(8), TABLE FILE FORMAT.\n");
}

int table_action(char action[ACTION_LEN], const char *sub, const char *name)
{
	struct pmtufix_parse_error err;

	snprintf(action, ACTION_LEN, "table %s %s", sub, name);
	if (name[0] == '-') {
		fprintf(stderr,
			"pmtufix table %s: unknown option `%s' (table names cannot start with `-')\n",
			sub, name);
		return -1;
	}
	if (pmtufix_check_table_name(name, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", action, err.msg);
		return -1;
	}
	return 0;
}

int table_take_flag(int *argc, const char *argv[], const char *flag)
{
	int i, j, found = 0;

	for (i = j = 1; i < *argc; i++) {
		if (!strcmp(argv[i], flag))
			found = 1;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return found;
}

int table_no_options(const char *sub, int argc, const char *argv[])
{
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || !strcmp(argv[i], "-"))
			continue;
		fprintf(stderr, "pmtufix table %s: unknown option `%s'%s\n",
			sub, argv[i],
			i == 1 && strcmp(sub, "restore") ?
			" (table names cannot start with `-')" : "");
		return 2;
	}
	return 0;
}

void table_report(const char *name, const char *what, int changed)
{
	struct json j;

	if (!pmtufix_json) {
		printf("table %s: %s\n", name, what);
		return;
	}
	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "table", name);
	json_key(&j, "changed");
	json_bool(&j, changed);
	json_object_end(&j);
}

/* Settings of table @name other than those @s gives: how many, and which. */
static int settings_differ(struct pmtufix_nl *h, const char *name,
			   const struct pmtufix_settings *s, char *why,
			   size_t size)
{
	struct pmtufix_table_reply *t = NULL;
	u32 v[PMTUFIX_NSETTINGS];
	unsigned int k;
	size_t n, len = 0;
	int ret, differ = 0;

	ret = pmtufix_get_tables(h, name, &t, &n);
	if (ret || n != 1) {
		free(t);
		return ret ? ret : -ENOENT;
	}
	table_settings_of(t, v);
	free(t);
	for (k = 0; k < PMTUFIX_NSETTINGS; k++) {
		if (!(s->given & (1U << k)) || v[k] == s->value[k])
			continue;
		if (len < size)
			len += (size_t)snprintf(why + len, size - len, "%s%s %u",
						differ ? ", " : "",
						pmtufix_setting_descs[k].word,
						v[k]);
		differ++;
	}
	return differ;
}

int table_create(struct pmtufix_nl *h, const char *action, const char *name,
		 const struct pmtufix_settings *s, int exist)
{
	struct nlmsghdr *nlh;
	char why[256];
	unsigned int k;
	int ret;

	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_TABLE_NEW, NLM_F_ACK);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	for (k = 0; s && k < PMTUFIX_NSETTINGS; k++)
		if (s->given & (1U << k))
			mnl_attr_put_u32(nlh, pmtufix_setting_descs[k].attr,
					 s->value[k]);
	ret = pmtufix_nl_talk(h, nlh, NULL, NULL);
	if (!ret)
		return 0;
	if (ret != -EEXIST || !exist) {
		pmtufix_nl_perror(h, action, ret);
		return -1;
	}
	if (!s || !s->given)
		return 1;
	ret = settings_differ(h, name, s, why, sizeof(why));
	if (ret < 0) {
		pmtufix_nl_perror(h, action, ret);
		return -1;
	}
	if (ret) {
		fprintf(stderr,
			"pmtufix %s: the table exists with other settings (%s); table set changes them\n",
			action, why);
		return -1;
	}
	return 1;
}

/* create [--exist] NAME [SETTINGS], set NAME SETTINGS */
static int create_or_set(int argc, const char *argv[], int exist)
{
	const char *sub = argv[0];
	struct pmtufix_parse_error err;
	struct pmtufix_settings s = {};
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	unsigned int k;
	int ret;

	if (argc < 2 || (!strcmp(sub, "set") && argc < 4))
		return table_usage(sub);
	if (table_action(action, sub, argv[1]))
		return 2;
	ret = table_no_options(sub, argc, argv);
	if (ret)
		return ret;
	if (pmtufix_parse_settings(argc - 2, argv + 2, &s, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", action, err.msg);
		return 2;
	}
	if (!strcmp(sub, "set")) {
		struct pmtufix_u32_attr attrs[PMTUFIX_NSETTINGS];
		size_t n = 0;

		for (k = 0; k < PMTUFIX_NSETTINGS; k++) {
			if (!(s.given & (1U << k)))
				continue;
			attrs[n].type = pmtufix_setting_descs[k].attr;
			attrs[n++].value = s.value[k];
		}
		return pmtufix_simple_request(action, PMTUFIX_CMD_TABLE_SET,
					      argv[1], attrs, n);
	}
	if (pmtufix_nl_open(&h, action))
		return 1;
	ret = table_create(&h, action, argv[1], &s, exist);
	pmtufix_nl_close(&h);
	if (ret >= 0 && exist)
		table_report(argv[1], ret ? "exists, unchanged" : "created",
			     !ret);
	return ret < 0 ? 1 : 0;
}

static int cmd_create(int argc, const char *argv[])
{
	int exist = table_take_flag(&argc, argv, "--exist");

	return create_or_set(argc, argv, exist);
}

static int cmd_set(int argc, const char *argv[])
{
	return create_or_set(argc, argv, 0);
}

static int cmd_destroy(int argc, const char *argv[])
{
	int exist = table_take_flag(&argc, argv, "--exist");
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	struct nlmsghdr *nlh;
	int ret;

	if (argc != 2)
		return table_usage("destroy");
	if (table_action(action, "destroy", argv[1]))
		return 2;
	if (pmtufix_nl_open(&h, action))
		return 1;
	nlh = pmtufix_nl_request(&h, PMTUFIX_CMD_TABLE_DEL, NLM_F_ACK);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, argv[1]);
	ret = pmtufix_nl_talk(&h, nlh, NULL, NULL);
	if (ret && !(exist && ret == -ENOENT))
		pmtufix_nl_perror(&h, action, ret);
	else if (exist)
		table_report(argv[1], ret ? "absent, unchanged" : "destroyed",
			     !ret);
	pmtufix_nl_close(&h);
	return ret && !(exist && ret == -ENOENT) ? 1 : 0;
}

/* Tables */

/* The settings of a table, as keys of the object being written. */
static void json_settings(struct json *j, const struct pmtufix_table_reply *t)
{
	json_kv_u64(j, "mtu", t->mtu);
	json_kv_u64(j, "floor4", t->floor4);
	json_kv_u64(j, "floor6", t->floor6);
	json_kv_u64(j, "too_big_rate", t->too_big_rate);
	json_kv_u64(j, "too_big_burst", t->too_big_burst);
	json_kv_u64(j, "too_big_src_rate", t->too_big_src_rate);
	json_kv_u64(j, "too_big_src_burst", t->too_big_src_burst);
}

static void list_json(const struct pmtufix_table_reply *t, size_t n)
{
	struct json j;
	size_t k;

	json_init(&j, stdout);
	json_array_begin(&j);
	for (k = 0; k < n; k++) {
		json_object_begin(&j);
		json_kv_string(&j, "table", t[k].name);
		json_settings(&j, &t[k]);
		json_kv_u64(&j, "entries4", t[k].count4);
		json_kv_u64(&j, "entries6", t[k].count6);
		json_kv_u64(&j, "rules", t[k].rules);
		json_object_end(&j);
	}
	json_array_end(&j);
}

/* The too-big buckets, table-wide and per source, as RATE/BURST. */
static void list_text(const struct pmtufix_table_reply *t, size_t n)
{
	char all[24], src[24];
	size_t k;

	if (n)
		printf("%-24s %6s %6s %6s %10s %10s %6s %12s %12s\n", "TABLE",
		       "MTU", "FLOOR4", "FLOOR6", "IPV4", "IPV6", "RULES",
		       "TOO-BIG", "PER-SOURCE");
	for (k = 0; k < n; k++) {
		snprintf(all, sizeof(all), "%u/%u", t[k].too_big_rate,
			 t[k].too_big_burst);
		snprintf(src, sizeof(src), "%u/%u", t[k].too_big_src_rate,
			 t[k].too_big_src_burst);
		printf("%-24s %6u %6u %6u %10u %10u %6u %12s %12s\n",
		       t[k].name, t[k].mtu, t[k].floor4, t[k].floor6,
		       t[k].count4, t[k].count6, t[k].rules, all, src);
	}
}

static int cmd_list(int argc, const char *argv[])
{
	struct pmtufix_table_reply *t = NULL;
	int names = 0, json = pmtufix_json, i, ret;
	struct pmtufix_nl h;
	size_t n = 0, k;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--names"))
			names = 1;
		else if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = 1;
		else
			return table_usage("list");
	}
	if (pmtufix_nl_open(&h, "table list"))
		return 1;
	ret = pmtufix_get_tables(&h, NULL, &t, &n);
	if (ret) {
		pmtufix_nl_perror(&h, "table list", ret);
		pmtufix_nl_close(&h);
		return 1;
	}
	if (json)
		list_json(t, n);
	else if (names)
		for (k = 0; k < n; k++)
			printf("%s\n", t[k].name);
	else
		list_text(t, n);
	free(t);
	pmtufix_nl_close(&h);
	return 0;
}

/* A request of table add or del, and the action its messages name. */
struct entry_request {
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	struct nlmsghdr *nlh;
	struct nlattr *entries;
};

/* Starts a request for @cmd on table @name, up to the nest of entries. */
static void entry_request_start(struct entry_request *r, uint8_t cmd,
				const char *name, uint32_t flags)
{
	r->nlh = pmtufix_nl_request(&r->h, cmd, NLM_F_ACK);
	mnl_attr_put_strz(r->nlh, PMTUFIX_A_TABLE, name);
	if (flags)
		mnl_attr_put_u32(r->nlh, PMTUFIX_A_FLAGS, flags);
	r->entries = mnl_attr_nest_start(r->nlh, PMTUFIX_A_ENTRIES);
}

/* Sends the request: 0 or a negative errno. */
static int entry_request_send(struct entry_request *r)
{
	mnl_attr_nest_end(r->nlh, r->entries);
	return pmtufix_nl_talk(&r->h, r->nlh, NULL, NULL);
}

/* Finds the entry of @e's prefix in a dump of the table. */
struct find_ctx {
	const struct pmtufix_entry_spec *want;
	struct pmtufix_entry_spec got;
	int found;
};

static int find_cb(const struct nlmsghdr *nlh, void *data)
{
	struct find_ctx *ctx = data;
	struct pmtufix_entry_reply r;
	const struct nlattr *a, *e;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != PMTUFIX_A_ENTRIES &&
		    mnl_attr_get_type(a) != PMTUFIX_A_ENTRY)
			continue;
		if (mnl_attr_get_type(a) == PMTUFIX_A_ENTRY) {
			if (!pmtufix_parse_reply_entry(a, &r) &&
			    r.spec.plen == ctx->want->plen) {
				ctx->got = r.spec;
				ctx->found = 1;
			}
			continue;
		}
		mnl_attr_for_each_nested(e, a) {
			if (pmtufix_parse_reply_entry(e, &r) ||
			    r.spec.family != ctx->want->family ||
			    r.spec.plen != ctx->want->plen ||
			    memcmp(r.spec.addr, ctx->want->addr, 16))
				continue;
			ctx->got = r.spec;
			ctx->found = 1;
		}
	}
	return MNL_CB_OK;
}

/*
 * The entry of @e's prefix in table @name, as a table file line into
 * @line: 1 if there is one, 0 if not, or a negative errno.  A lookup of
 * the prefix's address finds it unless a longer prefix covers that
 * address; then the table is read through.
 */
static int entry_in_table(struct pmtufix_nl *h, const char *name,
			  const struct pmtufix_entry_spec *e, char *line,
			  size_t size)
{
	struct find_ctx ctx = { .want = e };
	struct nlmsghdr *nlh;
	int ret, tries = 0;

	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_LOOKUP, NLM_F_ACK);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	mnl_attr_put(nlh, PMTUFIX_A_ADDR, e->family == PMTUFIX_IPV4 ? 4 : 16,
		     e->addr);
	ret = pmtufix_nl_talk(h, nlh, find_cb, &ctx);
	while (!ret && !ctx.found) {
		nlh = pmtufix_nl_request(h, PMTUFIX_CMD_ENTRY_GET, NLM_F_DUMP);
		mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
		ret = pmtufix_nl_talk(h, nlh, find_cb, &ctx);
		if (!h->dump_intr || ++tries >= PMTUFIX_DUMP_TRIES)
			break;
		ctx.found = 0;
	}
	if (ret)
		return ret;
	if (ctx.found)
		pmtufix_format_entry(&ctx.got, line, size);
	return ctx.found;
}

/* add [--exist] [--replace] NAME PREFIX [mtu N] [LAYER...] */
static int cmd_add(int argc, const char *argv[])
{
	int exist = table_take_flag(&argc, argv, "--exist");
	int replace = table_take_flag(&argc, argv, "--replace");
	char want[1024], have[1024];
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	struct entry_request r;
	int ret;

	if (argc < 3)
		return table_usage("add");
	if (table_action(r.action, "add", argv[1]))
		return 2;
	ret = table_no_options("add", argc, argv);
	if (ret)
		return ret;
	if (pmtufix_parse_entry_argv(argc - 2, argv + 2, &e, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", r.action, err.msg);
		return 2;
	}
	if (pmtufix_nl_open(&r.h, r.action))
		return 1;
	entry_request_start(&r, PMTUFIX_CMD_ENTRY_ADD, argv[1],
			    replace ? PMTUFIX_F_REPLACE : 0);
	pmtufix_put_request_entry(r.nlh, r.h.buflen, &e, 1);
	ret = entry_request_send(&r);
	pmtufix_format_entry(&e, want, sizeof(want));
	if (ret == -EEXIST && exist) {
		/* Unchanged only if the entry there is the one asked for. */
		ret = entry_in_table(&r.h, argv[1], &e, have, sizeof(have));
		if (ret == 1 && !strcmp(want, have)) {
			ret = 0;
			table_report(argv[1], "exists, unchanged", 0);
			goto close;
		}
		if (ret >= 0) {
			fprintf(stderr,
				"pmtufix %s: the table holds %s; --replace changes it\n",
				r.action, ret ? have : "another entry");
			ret = 1;
			goto close;
		}
	}
	if (ret)
		pmtufix_nl_perror(&r.h, r.action, ret);
	else if (exist)
		table_report(argv[1], "added", 1);
close:
	pmtufix_nl_close(&r.h);
	return ret ? 1 : 0;
}

/* Deletes the prefixes of argv, or (@one) only argv[@one]. */
static int del_request(struct entry_request *r, const char *name, int argc,
		       const char *argv[], int one)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	int i;

	entry_request_start(r, PMTUFIX_CMD_ENTRY_DEL, name, 0);
	for (i = one ? one : 2; i < (one ? one + 1 : argc); i++) {
		if (pmtufix_parse_prefix(argv[i], &e, &err)) {
			fprintf(stderr, "pmtufix %s: %s\n", r->action, err.msg);
			return 2;
		}
		if (pmtufix_put_request_entry(r->nlh, r->h.buflen, &e, 0)) {
			fprintf(stderr,
				"pmtufix %s: too many prefixes for one request\n",
				r->action);
			return 2;
		}
	}
	return 0;
}

/*
 * del --exist after ENOENT: no such table, or some prefixes are missing;
 * then each of the others is deleted by itself.
 */
static int del_each(struct entry_request *r, const char *name, int argc,
		    const char *argv[])
{
	struct pmtufix_table_reply *t = NULL;
	int i, ret, deleted = 0;
	size_t n;

	ret = pmtufix_get_tables(&r->h, name, &t, &n);
	free(t);
	if (ret == -ENOENT) {
		table_report(name, "absent, unchanged", 0);
		return 0;
	}
	for (i = 2; !ret && i < argc; i++) {
		del_request(r, name, argc, argv, i);
		ret = entry_request_send(r);
		if (!ret)
			deleted++;
		else if (ret == -ENOENT)
			ret = 0;
	}
	if (ret) {
		pmtufix_nl_perror(&r->h, r->action, ret);
		return 1;
	}
	table_report(name, deleted ? "deleted" : "absent, unchanged", deleted);
	return 0;
}

/* del [--exist] NAME PREFIX... */
static int cmd_del(int argc, const char *argv[])
{
	int exist = table_take_flag(&argc, argv, "--exist");
	struct entry_request r;
	int ret;

	if (argc < 3)
		return table_usage("del");
	if (table_action(r.action, "del", argv[1]))
		return 2;
	ret = table_no_options("del", argc, argv);
	if (ret)
		return ret;
	if (pmtufix_nl_open(&r.h, r.action))
		return 1;
	ret = del_request(&r, argv[1], argc, argv, 0);
	if (ret)
		goto close;
	ret = entry_request_send(&r);
	if (ret == -ENOENT && exist) {
		ret = del_each(&r, argv[1], argc, argv);
		goto close;
	}
	if (ret)
		pmtufix_nl_perror(&r.h, r.action, ret);
	else if (exist)
		table_report(argv[1], "deleted", 1);
	ret = ret ? 1 : 0;
close:
	pmtufix_nl_close(&r.h);
	return ret;
}

/* Showing */

struct show_ctx {
	FILE *out;
	struct json *j;
	size_t n;
};

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	struct show_ctx *ctx = data;
	struct pmtufix_entry_reply r;
	const struct nlattr *a, *e;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != PMTUFIX_A_ENTRIES)
			continue;
		mnl_attr_for_each_nested(e, a) {
			if (pmtufix_parse_reply_entry(e, &r))
				continue;
			if (ctx->j)
				pmtufix_json_entry(ctx->j, &r);
			else
				pmtufix_print_entry(ctx->out, &r);
			ctx->n++;
		}
	}
	return MNL_CB_OK;
}

/* The table's settings, opening the list of entries. */
static void show_head(struct show_ctx *ctx, const struct pmtufix_table_reply *t)
{
	if (ctx->j) {
		json_object_begin(ctx->j);
		json_kv_string(ctx->j, "table", t->name);
		json_settings(ctx->j, t);
		json_kv_u64(ctx->j, "rules", t->rules);
		json_key(ctx->j, "entries");
		json_array_begin(ctx->j);
		return;
	}
	fprintf(ctx->out,
		"table %s: mtu %u, floor4 %u, floor6 %u, too-big-rate %u, too-big-burst %u, too-big-src-rate %u, too-big-src-burst %u, %u IPv4 and %u IPv6 entries, %u rules\n",
		t->name, t->mtu, t->floor4, t->floor6, t->too_big_rate,
		t->too_big_burst, t->too_big_src_rate, t->too_big_src_burst,
		t->count4, t->count6, t->rules);
	if (t->count4 + t->count6)
		fprintf(ctx->out, "%-43s %5s %5s %5s %12s %12s  %s\n",
			"PREFIX", "MTU", "INNER", "MSS", "HITS", "CLAMPED",
			"LAYERS");
}

/* Table @name with its entries, as text or JSON, into @out. */
static int show_once(struct pmtufix_nl *h, const char *name, int json,
		     FILE *out)
{
	struct pmtufix_table_reply *t = NULL;
	struct show_ctx ctx = { .out = out };
	struct nlmsghdr *nlh;
	struct json j;
	size_t n;
	int ret;

	ret = pmtufix_get_tables(h, name, &t, &n);
	if (ret || n != 1) {
		free(t);
		return ret;
	}
	if (json) {
		json_init(&j, out);
		ctx.j = &j;
	}
	show_head(&ctx, t);
	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_ENTRY_GET, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	ret = pmtufix_nl_talk(h, nlh, show_cb, &ctx);
	if (json) {
		json_array_end(&j);
		json_object_end(&j);
	}
	free(t);
	return ret;
}

/*
 * The output of show_once() in *@text: printed only once whole, since a
 * table changed during the dump is dumped again, from the start.
 */
static int show_table(struct pmtufix_nl *h, const char *name, int json,
		      char **text, size_t *len)
{
	int ret, tries = 0;
	FILE *out;

	do {
		free(*text);
		*text = NULL;
		out = open_memstream(text, len);
		if (!out)
			return -errno;
		ret = show_once(h, name, json, out);
		fclose(out);
	} while (!ret && h->dump_intr && ++tries < PMTUFIX_DUMP_TRIES);
	return ret;
}

static int cmd_show(int argc, const char *argv[])
{
	int json = pmtufix_json, ret, i;
	const char *name = NULL;
	char action[ACTION_LEN], *text = NULL;
	struct pmtufix_nl h;
	size_t textlen = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = 1;
		else if (!name)
			name = argv[i];
		else
			return table_usage("show");
	}
	if (!name)
		return table_usage("show");
	if (table_action(action, "show", name))
		return 2;
	if (pmtufix_nl_open(&h, action))
		return 1;
	ret = show_table(&h, name, json, &text, &textlen);
	if (ret) {
		pmtufix_nl_perror(&h, action, ret);
	} else if (h.dump_intr) {
		fprintf(stderr,
			"pmtufix %s: the table kept changing during the dump\n",
			action);
		ret = -EINTR;
	} else {
		fwrite(text, 1, textlen, stdout);
	}
	free(text);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

int table_main(int argc, const char *argv[])
{
	int i = argc > 1 ? find_command(argv[1]) : -1;

	if (i >= 0)
		return commands[i].cmd(argc - 1, argv + 1);
	if (argc > 1)
		fprintf(stderr, "pmtufix table: unknown command `%s'\n", argv[1]);
	fprintf(stderr,
		"Usage: %s table create|destroy|list|flush|set|load|check|save|restore|add|del|show ...\n",
		prog);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Whole tables as files: table load, check, save, restore and flush.
 *
 * A table file holds entries, one a line, and `set' directives carrying
 * the table's settings; a restore file is table files one after the
 * other, each introduced by a `table NAME' line, which is what `table
 * save' prints without a name.  Files are read and checked whole before
 * the kernel hears of them; every error is reported, not only the first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pmtufix.h>

#include "array.h"
#include "genl.h"
#include "json.h"
#include "parse.h"
#include "request.h"
#include "subcommands.h"
#include "table.h"

/* Loading */

/* The room the settings take at the end of a load's last message. */
#define SETTINGS_ROOM	(PMTUFIX_NSETTINGS * MNL_ALIGN(MNL_ATTR_HDRLEN + 4))

/* Sends the request being built, opening the next one on success. */
struct loader {
	struct pmtufix_nl *h;
	const char *name;
	const char *action;
	const struct pmtufix_settings *set;	/* sent with COMMIT, or NULL */
	struct nlmsghdr *nlh;
	struct nlattr *entries;
	size_t sent, total;
	int progress;
};

static void loader_start(struct loader *ld, uint32_t flags)
{
	ld->nlh = pmtufix_nl_request(ld->h, PMTUFIX_CMD_TABLE_LOAD, NLM_F_ACK);
	mnl_attr_put_strz(ld->nlh, PMTUFIX_A_TABLE, ld->name);
	mnl_attr_put_u32(ld->nlh, PMTUFIX_A_LOAD, flags);
	ld->entries = mnl_attr_nest_start(ld->nlh, PMTUFIX_A_ENTRIES);
}

/* The settings given, as attributes of the message being built. */
static void loader_put_settings(struct loader *ld)
{
	unsigned int k;

	for (k = 0; ld->set && k < PMTUFIX_NSETTINGS; k++)
		if (ld->set->given & (1U << k))
			mnl_attr_put_u32(ld->nlh, pmtufix_setting_descs[k].attr,
					 ld->set->value[k]);
}

static int loader_send(struct loader *ld, uint32_t extra)
{
	uint32_t *load;
	struct nlattr *a;
	int ret;

	mnl_attr_nest_end(ld->nlh, ld->entries);
	/* The flags attribute was put second; patch in COMMIT if last. */
	mnl_attr_for_each(a, ld->nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == PMTUFIX_A_LOAD) {
			load = mnl_attr_get_payload(a);
			*load |= extra;
		}
	}
	/* Settings go with COMMIT: the kernel applies them with the swap. */
	if (extra & PMTUFIX_LOAD_COMMIT)
		loader_put_settings(ld);
	ret = pmtufix_nl_talk(ld->h, ld->nlh, NULL, NULL);
	if (ret) {
		if (ld->progress)
			fputc('\n', stderr);
		pmtufix_nl_perror(ld->h, ld->action, ret);
		return -1;
	}
	if (ld->progress)
		fprintf(stderr, "\rpmtufix %s: %zu of %zu entries sent",
			ld->action, ld->sent, ld->total);
	return 0;
}

static int loader_add(struct loader *ld, const struct pmtufix_entry_spec *e)
{
	size_t room = ld->h->buflen - SETTINGS_ROOM;

	if (pmtufix_put_request_entry(ld->nlh, room, e, 1) == 0) {
		ld->sent++;
		return 0;
	}
	if (loader_send(ld, 0))
		return -1;
	loader_start(ld, 0);
	if (pmtufix_put_request_entry(ld->nlh, room, e, 1)) {
		fprintf(stderr, "pmtufix %s: an entry does not fit a message\n",
			ld->action);
		return -1;
	}
	ld->sent++;
	return 0;
}

/* Reading files */

/* Where an entry is in the file, and what sorts it into table order. */
struct load_key {
	uint8_t family;
	uint8_t plen;
	uint8_t addr[16];
	unsigned int line;
	size_t off;
	size_t len;
};

static int load_key_cmp(const void *pa, const void *pb)
{
	const struct load_key *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* One table of a file: a table file has one, unnamed. */
struct load_table {
	char name[PMTUFIX_TABLE_NAME_LEN];
	unsigned int line;		/* of its `table' line */
	struct pmtufix_settings set;
	struct load_key *keys;
	size_t nkeys, cap;
};

struct load_error {
	unsigned int line, column;
	char *msg;
};

/* What a file may hold: one table, tables after `table' lines, or either. */
enum load_mode { LOAD_ONE, LOAD_RESTORE, LOAD_EITHER };

/* A file, read whole, its tables and what is wrong with it. */
struct load_file {
	const char *shown;	/* its name in messages */
	char *buf;
	size_t len;
	struct load_table *t;
	size_t nt, tcap;
	struct load_error *err;
	size_t nerr, errcap;
	int oom;
};

static void load_file_free(struct load_file *lf)
{
	size_t i;

	for (i = 0; i < lf->nt; i++)
		free(lf->t[i].keys);
	for (i = 0; i < lf->nerr; i++)
		free(lf->err[i].msg);
	free(lf->t);
	free(lf->err);
	free(lf->buf);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 1 << 16, n = 0, r;
	char *buf, *p;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			cap *= 2;
			p = realloc(buf, cap);
			if (!p)
				free(buf);
			buf = p;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* Reads @path ("-": standard input): 0, or -1 after a message. */
static int load_read(struct load_file *lf, const char *action,
		     const char *path)
{
	lf->shown = strcmp(path, "-") ? path : "<stdin>";
	lf->buf = read_all(path, &lf->len);
	if (lf->buf)
		return 0;
	fprintf(stderr, "pmtufix %s: cannot read %s: %s\n", action, lf->shown,
		strerror(errno ? errno : ENOMEM));
	return -1;
}

__attribute__((format(printf, 4, 5)))
static void load_error(struct load_file *lf, unsigned int line,
		       unsigned int column, const char *fmt, ...)
{
	struct load_error *e;
	va_list ap;
	char *msg;

	e = array_grow(lf->err, &lf->errcap, lf->nerr, sizeof(*lf->err), 16);
	if (!e) {
		lf->oom = 1;
		return;
	}
	lf->err = e;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0) {
		lf->oom = 1;
		msg = NULL;
	}
	va_end(ap);
	if (msg)
		lf->err[lf->nerr++] = (struct load_error){ line, column, msg };
}

static int load_error_cmp(const void *pa, const void *pb)
{
	const struct load_error *a = pa, *b = pb;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column < b->column ? -1 : a->column > b->column;
}

/* Every error, in the order of the file: how many. */
static size_t load_print_errors(struct load_file *lf)
{
	size_t i;

	qsort(lf->err, lf->nerr, sizeof(*lf->err), load_error_cmp);
	for (i = 0; i < lf->nerr; i++)
		fprintf(stderr, "%s:%u:%u: %s\n", lf->shown, lf->err[i].line,
			lf->err[i].column, lf->err[i].msg);
	if (lf->oom)
		fprintf(stderr, "%s: out of memory\n", lf->shown);
	return lf->nerr + lf->oom;
}

static struct load_table *load_new_table(struct load_file *lf,
					 const char *name, unsigned int line)
{
	struct load_table *t;

	t = array_grow(lf->t, &lf->tcap, lf->nt, sizeof(*lf->t), 4);
	if (!t) {
		lf->oom = 1;
		return NULL;
	}
	lf->t = t;
	t = &lf->t[lf->nt++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->line = line;
	return t;
}

static void load_add_key(struct load_file *lf, struct load_table *t,
			 const struct pmtufix_entry_spec *e, unsigned int line,
			 size_t off, size_t len)
{
	struct load_key *k;

	k = array_grow(t->keys, &t->cap, t->nkeys, sizeof(*t->keys), 1024);
	if (!k) {
		lf->oom = 1;
		return;
	}
	t->keys = k;
	k = &t->keys[t->nkeys++];
	memset(k, 0, sizeof(*k));
	k->family = e->family;
	k->plen = e->plen;
	memcpy(k->addr, e->addr, e->family == PMTUFIX_IPV4 ? 4 : 16);
	k->line = line;
	k->off = off;
	k->len = len;
}

/* A later `set' line overrides what an earlier one gave. */
static void merge_settings(struct pmtufix_settings *to,
			   const struct pmtufix_settings *from)
{
	unsigned int k;

	for (k = 0; k < PMTUFIX_NSETTINGS; k++)
		if (from->given & (1U << k))
			to->value[k] = from->value[k];
	to->given |= from->given;
}

/* A `table NAME' line: a new table, unless the name was given before. */
static struct load_table *load_table_line(struct load_file *lf,
					  enum load_mode *mode,
					  const char *name, unsigned int line)
{
	size_t i;

	*mode = LOAD_RESTORE;
	for (i = 0; i < lf->nt; i++) {
		if (!strcmp(lf->t[i].name, name)) {
			load_error(lf, line, 7,
				   "table %s given twice (first on line %u)",
				   name, lf->t[i].line);
			return NULL;
		}
	}
	return load_new_table(lf, name, line);
}

/*
 * Every line of the file into its tables; errors are collected.  An entry
 * of a table refused (named twice, say) is still parsed, for its errors.
 */
static void load_parse(struct load_file *lf, enum load_mode mode)
{
	struct load_table *t = NULL, skip;
	struct pmtufix_parse_error err;
	struct pmtufix_line pl;
	unsigned int line = 0;
	size_t off, end;
	char *nl;
	int r;

	memset(&skip, 0, sizeof(skip));
	for (off = 0; off < lf->len; off = nl ? end + 1 : lf->len) {
		nl = memchr(lf->buf + off, '\n', lf->len - off);
		end = nl ? (size_t)(nl - lf->buf) : lf->len;
		line++;
		r = pmtufix_parse_file_line(lf->buf + off, end - off, &pl, &err);
		if (r < 0) {
			load_error(lf, line, err.column, "%s", err.msg);
			continue;
		}
		if (r == PMTUFIX_LINE_BLANK)
			continue;
		if (r == PMTUFIX_LINE_TABLE && mode == LOAD_ONE) {
			/* The entries after it still go to this table. */
			load_error(lf, line, 1,
				   "`table' lines belong in restore files (table restore)");
			continue;
		}
		if (r == PMTUFIX_LINE_TABLE) {
			t = load_table_line(lf, &mode, pl.table, line);
			if (!t)
				t = &skip;
			continue;
		}
		if (!t && mode == LOAD_RESTORE) {
			load_error(lf, line, 1,
				   "a `table NAME' line must come first");
			t = &skip;
		}
		if (!t) {
			mode = LOAD_ONE;
			t = load_new_table(lf, "", 0);
			if (!t)
				return;
		}
		if (r == PMTUFIX_LINE_SET)
			merge_settings(&t->set, &pl.settings);
		else if (t != &skip)
			load_add_key(lf, t, &pl.entry, line, off, end - off);
	}
	if (!lf->nt && mode != LOAD_RESTORE)
		load_new_table(lf, "", 0);	/* an empty file empties */
}

/* Entry @i of @t in table order, which parsed before. */
static void load_entry(const struct load_file *lf, const struct load_table *t,
		       size_t i, struct pmtufix_entry_spec *e)
{
	pmtufix_parse_line(lf->buf + t->keys[i].off, t->keys[i].len, e, NULL);
}

/* Sorts the entries into table order; each prefix there twice is an error. */
static void load_sort(struct load_file *lf, struct load_table *t)
{
	const struct load_key *k;
	struct pmtufix_entry_spec e;
	size_t i, first = 0;
	char pfx[64];

	qsort(t->keys, t->nkeys, sizeof(*t->keys), load_key_cmp);
	k = t->keys;
	for (i = 1; i < t->nkeys; i++) {
		if (k[i].family != k[first].family ||
		    k[i].plen != k[first].plen ||
		    memcmp(k[i].addr, k[first].addr, 16)) {
			first = i;
			continue;
		}
		load_entry(lf, t, i, &e);
		pmtufix_format_prefix(&e, pfx, sizeof(pfx));
		load_error(lf, k[i].line, 1,
			   "duplicate prefix %s (first on line %u)", pfx,
			   k[first].line);
	}
}

/*
 * Reads, parses and checks @path as @mode allows: 0 if it is fit to load,
 * else 1 after printing every error.
 */
static int load_file_check(struct load_file *lf, const char *action,
			   const char *path, enum load_mode mode)
{
	size_t i;

	if (load_read(lf, action, path))
		return 1;
	load_parse(lf, mode);
	for (i = 0; i < lf->nt; i++)
		load_sort(lf, &lf->t[i]);
	return load_print_errors(lf) ? 1 : 0;
}

/* Sending */

/* Replaces the entries and the settings given of table @name. */
static int load_send(struct pmtufix_nl *h, const char *action,
		     const char *name, const struct load_file *lf,
		     const struct load_table *t)
{
	struct pmtufix_entry_spec e;
	struct loader ld = {};
	size_t i;

	if (t->set.given && h->version < 2) {
		fprintf(stderr,
			"pmtufix %s: the loaded module (protocol version %u) cannot apply settings with a load: upgrade it, or give them with table set\n",
			action, h->version);
		return -1;
	}
	ld.h = h;
	ld.name = name;
	ld.action = action;
	ld.set = &t->set;
	ld.total = t->nkeys;
	ld.progress = isatty(STDERR_FILENO) && t->nkeys > 10000;
	loader_start(&ld, PMTUFIX_LOAD_BEGIN);
	for (i = 0; i < t->nkeys; i++) {
		load_entry(lf, t, i, &e);
		if (loader_add(&ld, &e))
			return -1;
	}
	if (loader_send(&ld, PMTUFIX_LOAD_COMMIT))
		return -1;
	if (ld.progress)
		fputc('\n', stderr);
	return 0;
}

/* Creates table @name unless it exists, then loads @t into it. */
static int load_into(struct pmtufix_nl *h, const char *action,
		     const char *name, const struct load_file *lf,
		     const struct load_table *t)
{
	if (table_create(h, action, name, NULL, 1) < 0)
		return -1;
	return load_send(h, action, name, lf, t);
}

/*
 * load [--check] NAME FILE: checks the whole file first (every line
 * parses, no prefix twice), then sends the entries in table order, so that
 * the kernel need not sort, and the settings with the last message.  The
 * table is created if it does not exist.
 */
int table_load(int argc, const char *argv[])
{
	int check = table_take_flag(&argc, argv, "--check");
	struct load_file lf = {};
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	int ret;

	ret = table_no_options("load", argc, argv);
	if (ret)
		return ret;
	if (argc != 3)
		return table_usage("load");
	if (table_action(action, "load", argv[1]))
		return 2;
	ret = load_file_check(&lf, action, argv[2], LOAD_ONE);
	if (ret) {
		/* Refused before the kernel: a usage error, unless checking. */
		load_file_free(&lf);
		return check || !lf.buf ? 1 : 2;
	}
	if (!check) {
		ret = 1;
		if (!pmtufix_nl_open(&h, action)) {
			ret = load_into(&h, action, argv[1], &lf, &lf.t[0]) ?
			      1 : 0;
			pmtufix_nl_close(&h);
		}
	}
	load_file_free(&lf);
	return ret;
}

/* check FILE...: table files or restore files, every error of each. */
int table_check(int argc, const char *argv[])
{
	int i, ret = 0;

	if (argc < 2)
		return table_usage("check");
	for (i = 1; i < argc; i++) {
		struct load_file lf = {};

		if (load_file_check(&lf, "table check", argv[i], LOAD_EITHER))
			ret = 1;
		load_file_free(&lf);
	}
	return ret;
}

/* restore [--check] [FILE]: what `table save' printed, table by table. */
int table_restore(int argc, const char *argv[])
{
	int check = table_take_flag(&argc, argv, "--check");
	const char *path = argc > 1 ? argv[1] : "-";
	char action[ACTION_LEN];
	struct load_file lf = {};
	struct pmtufix_nl h;
	int ret;
	size_t i;

	ret = table_no_options("restore", argc, argv);
	if (ret)
		return ret;
	if (argc > 2)
		return table_usage("restore");
	ret = load_file_check(&lf, "table restore", path, LOAD_RESTORE);
	if (ret) {
		load_file_free(&lf);
		return check || !lf.buf ? 1 : 2;
	}
	if (!check && pmtufix_nl_open(&h, "table restore")) {
		ret = 1;
	} else if (!check) {
		/* Table by table, each in one step; the first failure stops. */
		for (i = 0; !ret && i < lf.nt; i++) {
			snprintf(action, sizeof(action), "table restore %s",
				 lf.t[i].name);
			if (load_into(&h, action, lf.t[i].name, &lf, &lf.t[i]))
				ret = 1;
		}
		pmtufix_nl_close(&h);
	}
	load_file_free(&lf);
	return ret;
}

/* flush NAME: a load of nothing, which leaves the settings alone. */
int table_flush(int argc, const char *argv[])
{
	struct loader ld = {};
	struct pmtufix_nl h;
	char action[ACTION_LEN];
	int ret;

	if (argc != 2)
		return table_usage("flush");
	if (table_action(action, "flush", argv[1]))
		return 2;
	if (pmtufix_nl_open(&h, action))
		return 1;
	ld.h = &h;
	ld.name = argv[1];
	ld.action = action;
	loader_start(&ld, PMTUFIX_LOAD_BEGIN);
	ret = loader_send(&ld, PMTUFIX_LOAD_COMMIT);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

/* Reading, for derive and nft */

int table_file_read(const char *path, const char *who,
		    struct pmtufix_settings *set,
		    int (*entry)(const struct pmtufix_entry_spec *e,
				 unsigned int lineno, void *data),
		    void *data)
{
	struct pmtufix_parse_error err;
	struct pmtufix_line line;
	unsigned int lineno = 0;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int kind, bad = 0;
	FILE *in;

	in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		fprintf(stderr, "pmtufix %s: cannot open %s: %s\n", who, path,
			strerror(errno));
		return -1;
	}
	while ((len = getline(&buf, &cap, in)) >= 0) {
		lineno++;
		kind = pmtufix_parse_file_line(buf, len, &line, &err);
		if (kind < 0 || kind == PMTUFIX_LINE_TABLE) {
			fprintf(stderr, "pmtufix %s: %s:%u:%u: %s\n", who, path,
				lineno, kind < 0 ? err.column : 1,
				kind < 0 ? err.msg :
				"a `table' line: the file must be one table's");
			bad = 1;
		} else if (kind == PMTUFIX_LINE_SET) {
			merge_settings(set, &line.settings);
		} else if (kind == PMTUFIX_LINE_ENTRY &&
			   entry(&line.entry, lineno, data)) {
			bad = 1;
			break;
		}
	}
	free(buf);
	if (in != stdin)
		fclose(in);
	return bad ? -1 : 0;
}

/* Saving */

struct save_ctx {
	FILE *out;
	uint32_t generation;	/* the table's, from TABLE_GET */
	int changed;		/* an entry message of another generation */
	char line[1024];
};

static int save_cb(const struct nlmsghdr *nlh, void *data)
{
	struct save_ctx *ctx = data;
	struct pmtufix_entry_reply r;
	const struct nlattr *a, *e;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == PMTUFIX_A_GENERATION &&
		    mnl_attr_get_u32(a) != ctx->generation)
			ctx->changed = 1;
		if (mnl_attr_get_type(a) != PMTUFIX_A_ENTRIES)
			continue;
		mnl_attr_for_each_nested(e, a) {
			if (pmtufix_parse_reply_entry(e, &r))
				continue;
			pmtufix_format_entry(&r.spec, ctx->line,
					     sizeof(ctx->line));
			fputs(ctx->line, ctx->out);
			fputc('\n', ctx->out);
		}
	}
	return MNL_CB_OK;
}

void table_settings_of(const struct pmtufix_table_reply *t,
		       u32 v[PMTUFIX_NSETTINGS])
{
	v[0] = t->mtu;
	v[1] = t->floor4;
	v[2] = t->floor6;
	v[3] = t->too_big_rate;
	v[4] = t->too_big_burst;
	v[5] = t->too_big_src_rate;
	v[6] = t->too_big_src_burst;
}

/*
 * Table @name as a table file into @out: its `set' line, then its
 * entries.  *@again is set when the table changed in between.
 */
static int save_once(struct pmtufix_nl *h, const char *name, FILE *out,
		     int *again)
{
	struct pmtufix_table_reply *t = NULL;
	struct save_ctx ctx = { .out = out };
	u32 v[PMTUFIX_NSETTINGS];
	struct nlmsghdr *nlh;
	unsigned int k;
	size_t n;
	int ret;

	ret = pmtufix_get_tables(h, name, &t, &n);
	if (ret || n != 1) {
		free(t);
		return ret ? ret : -ENOENT;
	}
	ctx.generation = t->generation;
	table_settings_of(t, v);
	free(t);
	fputs("set", out);
	for (k = 0; k < PMTUFIX_NSETTINGS; k++)
		fprintf(out, " %s %u", pmtufix_setting_descs[k].word, v[k]);
	fputc('\n', out);
	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_ENTRY_GET, NLM_F_DUMP);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	ret = pmtufix_nl_talk(h, nlh, save_cb, &ctx);
	*again = h->dump_intr || ctx.changed;
	return ret;
}

/*
 * Table @name, "table NAME" first if @header, printed once whole and
 * consistent: a table that changed meanwhile is read again.  With
 * @header (every table being saved), a table destroyed since the list
 * was read is left out.
 */
static int save_table(struct pmtufix_nl *h, const char *action,
		      const char *name, int header)
{
	int ret, tries = 0, again = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	do {
		free(text);
		text = NULL;
		out = open_memstream(&text, &len);
		if (!out) {
			ret = -errno;
			break;
		}
		if (header)
			fprintf(out, "table %s\n", name);
		ret = save_once(h, name, out, &again);
		fclose(out);
	} while (!ret && again && ++tries < PMTUFIX_DUMP_TRIES);
	if (ret == -ENOENT && header) {
		free(text);
		return 0;
	}
	if (ret)
		pmtufix_nl_perror(h, action, ret);
	else if (again)
		fprintf(stderr,
			"pmtufix %s: the table kept changing while it was read\n",
			action);
	else
		fwrite(text, 1, len, stdout);
	free(text);
	return ret || again ? -1 : 0;
}

/* save [NAME]: one table as `table load' reads it, or all for restore. */
int table_save(int argc, const char *argv[])
{
	struct pmtufix_table_reply *t = NULL;
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	int ret = 0;
	size_t n, k;

	ret = table_no_options("save", argc, argv);
	if (ret)
		return ret;
	if (argc > 2)
		return table_usage("save");
	if (pmtufix_json) {
		fprintf(stderr,
			"pmtufix table save: the save format is text; table show -j gives JSON\n");
		return 2;
	}
	if (argc == 2 && table_action(action, "save", argv[1]))
		return 2;
	if (argc == 1)
		snprintf(action, sizeof(action), "table save");
	if (pmtufix_nl_open(&h, action))
		return 1;
	if (argc == 2) {
		ret = save_table(&h, action, argv[1], 0) ? 1 : 0;
		goto close;
	}
	ret = pmtufix_get_tables(&h, NULL, &t, &n);
	if (ret) {
		pmtufix_nl_perror(&h, action, ret);
		ret = 1;
		goto close;
	}
	for (k = 0; k < n && !ret; k++) {
		snprintf(action, sizeof(action), "table save %s", t[k].name);
		ret = save_table(&h, action, t[k].name, 1) ? 1 : 0;
	}
	free(t);
close:
	pmtufix_nl_close(&h);
	/* A save cut short by a full disk must not look like a good one. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pmtufix %s: cannot write the output: %s\n",
			action, strerror(errno));
		ret = 1;
	}
	return ret;
}

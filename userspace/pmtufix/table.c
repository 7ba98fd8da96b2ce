// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix table create|destroy|list|flush|set|load|add|del|show
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pmtufix.h>

#include "core/limits.h"
#include "array.h"
#include "genl.h"
#include "json.h"
#include "parse.h"
#include "print.h"
#include "request.h"
#include "subcommands.h"

static int usage(const char *sub)
{
	fprintf(stderr, "Usage: %s table %s\n", prog, sub);
	return 2;
}

/* What messages name: "table SUB NAME". */
#define ACTION_LEN	96

/* @action for @sub on table @name: 0, or -1 if @name is not a table name. */
static int table_action(char action[ACTION_LEN], const char *sub,
			const char *name)
{
	snprintf(action, ACTION_LEN, "table %s %s", sub, name);
	if (!pmtufix_table_name_valid(name)) {
		fprintf(stderr,
			"pmtufix %s: invalid table name `%s' (1 to %d letters, digits, `_', `.', `-')\n",
			action, name, PMTUFIX_TABLE_NAME_LEN - 1);
		return -1;
	}
	return 0;
}

/*
 * A command of @want words on table argv[1]: 0 and @action, or the exit
 * status of a usage error.
 */
static int table_args(int argc, const char *argv[], int want,
		      const char *usage_line, char action[ACTION_LEN])
{
	if (argc != want)
		return usage(usage_line);
	return table_action(action, argv[0], argv[1]) ? 2 : 0;
}

/* The settings of a table, in the order requests carry them. */
#define NDEFAULTS	7
#define DEFAULTS_USAGE	"[mtu N] [floor4 N] [floor6 N] " \
			"[too-big-rate N] [too-big-burst N] " \
			"[too-big-src-rate N] [too-big-src-burst N]"

static const struct {
	const char *word;
	uint16_t attr;
	unsigned long min, max;
} settings[NDEFAULTS] = {
	{ "mtu", PMTUFIX_A_MTU, PMTUFIX_MTU_MIN, PMTUFIX_MTU_MAX },
	{ "floor4", PMTUFIX_A_FLOOR4, 0, PMTUFIX_MTU_MAX },
	{ "floor6", PMTUFIX_A_FLOOR6, 0, PMTUFIX_MTU_MAX },
	{ "too-big-rate", PMTUFIX_A_TOO_BIG_RATE, 0, UINT32_MAX - 1 },
	{ "too-big-burst", PMTUFIX_A_TOO_BIG_BURST, 1,
	  PMTUFIX_MAX_TOO_BIG_BURST },
	{ "too-big-src-rate", PMTUFIX_A_TOO_BIG_SRC_RATE, 0, UINT32_MAX - 1 },
	{ "too-big-src-burst", PMTUFIX_A_TOO_BIG_SRC_BURST, 1,
	  PMTUFIX_MAX_TOO_BIG_BURST },
};

/* The value of settings[@k]: 0, or -1 after saying why not. */
static int parse_setting(const char *action, unsigned int k, const char *s,
			 uint32_t *v)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || n < settings[k].min ||
	    n > settings[k].max) {
		fprintf(stderr,
			"pmtufix %s: %s `%s' is out of range (%lu..%lu)\n",
			action, settings[k].word, s, settings[k].min,
			settings[k].max);
		return -1;
	}
	*v = n;
	return 0;
}

/*
 * DEFAULTS_USAGE into @attrs, in the order of settings[] whatever the order
 * given, the last of a setting given twice: how many, or -1.
 */
static int parse_defaults(const char *action, int argc, const char *argv[],
			  struct pmtufix_u32_attr attrs[NDEFAULTS])
{
	uint32_t def[NDEFAULTS];
	unsigned int k;
	int i, n = 0;

	for (k = 0; k < NDEFAULTS; k++)
		def[k] = UINT32_MAX;	/* not given: no value is this large */
	for (i = 0; i < argc; i += 2) {
		for (k = 0; k < NDEFAULTS; k++)
			if (!strcmp(argv[i], settings[k].word))
				break;
		if (k == NDEFAULTS) {
			fprintf(stderr,
				"pmtufix %s: unknown setting `%s' (mtu, floor4, floor6, too-big-rate, too-big-burst, too-big-src-rate, too-big-src-burst)\n",
				action, argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "pmtufix %s: `%s' needs a value\n",
				action, argv[i]);
			return -1;
		}
		if (parse_setting(action, k, argv[i + 1], &def[k]))
			return -1;
	}
	for (k = 0; k < NDEFAULTS; k++) {
		if (def[k] == UINT32_MAX)
			continue;
		attrs[n].type = settings[k].attr;
		attrs[n++].value = def[k];
	}
	return n;
}

/* create NAME [SETTINGS], set NAME SETTINGS: argv[0] is "create" or "set". */
static int create_or_set(int argc, const char *argv[], uint8_t cmd,
			 int min_argc, const char *usage_line)
{
	struct pmtufix_u32_attr attrs[NDEFAULTS];
	char action[ACTION_LEN];
	int n;

	if (argc < min_argc)
		return usage(usage_line);
	if (table_action(action, argv[0], argv[1]))
		return 2;
	n = parse_defaults(action, argc - 2, argv + 2, attrs);
	if (n < 0)
		return 2;
	return pmtufix_simple_request(action, cmd, argv[1], attrs, n);
}

static int cmd_create(int argc, const char *argv[])
{
	return create_or_set(argc, argv, PMTUFIX_CMD_TABLE_NEW, 2,
			     "create NAME " DEFAULTS_USAGE);
}

static int cmd_set(int argc, const char *argv[])
{
	return create_or_set(argc, argv, PMTUFIX_CMD_TABLE_SET, 4,
			     "set NAME " DEFAULTS_USAGE);
}

static int cmd_destroy(int argc, const char *argv[])
{
	char action[ACTION_LEN];
	int ret;

	ret = table_args(argc, argv, 2, "destroy NAME", action);
	if (ret)
		return ret;
	return pmtufix_simple_request(action, PMTUFIX_CMD_TABLE_DEL, argv[1],
				      NULL, 0);
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
			return usage("list [--names] [-j|--json]");
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

/* Loading */

/* Sends the request being built, opening the next one on success. */
struct loader {
	struct pmtufix_nl *h;
	const char *name;
	const char *action;
	struct nlmsghdr *nlh;
	struct nlattr *entries;
	uint32_t flags;		/* PMTUFIX_LOAD_* of the message in h->buf */
	size_t sent, total;
	int progress;
};

static void loader_start(struct loader *ld, uint32_t flags)
{
	ld->nlh = pmtufix_nl_request(ld->h, PMTUFIX_CMD_TABLE_LOAD, NLM_F_ACK);
	mnl_attr_put_strz(ld->nlh, PMTUFIX_A_TABLE, ld->name);
	ld->flags = flags;
	mnl_attr_put_u32(ld->nlh, PMTUFIX_A_LOAD, flags);
	ld->entries = mnl_attr_nest_start(ld->nlh, PMTUFIX_A_ENTRIES);
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
	if (pmtufix_put_request_entry(ld->nlh, ld->h->buflen, e, 1) == 0) {
		ld->sent++;
		return 0;
	}
	if (loader_send(ld, 0))
		return -1;
	loader_start(ld, 0);
	if (pmtufix_put_request_entry(ld->nlh, ld->h->buflen, e, 1)) {
		fprintf(stderr, "pmtufix %s: an entry does not fit a message\n",
			ld->action);
		return -1;
	}
	ld->sent++;
	return 0;
}

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
			if (!p) {
				free(buf);
				buf = NULL;
			}
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

/* Creates @name unless it exists. */
static int ensure_table(struct pmtufix_nl *h, const char *name,
			const char *action)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_TABLE_NEW, NLM_F_ACK);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
	ret = pmtufix_nl_talk(h, nlh, NULL, NULL);
	if (ret && ret != -EEXIST) {
		pmtufix_nl_perror(h, action, ret);
		return -1;
	}
	return 0;
}

/* A table file, read whole, and where its entries are, in table order. */
struct load_file {
	const char *shown;	/* its name in messages */
	char *buf;
	size_t len;
	struct load_key *keys;
	size_t nkeys, cap;
};

static void load_file_free(struct load_file *lf)
{
	free(lf->keys);
	free(lf->buf);
}

/* Entry @i in table order, which parsed before. */
static void load_entry(const struct load_file *lf, size_t i,
		       struct pmtufix_entry_spec *e)
{
	struct pmtufix_parse_error err;

	pmtufix_parse_line(lf->buf + lf->keys[i].off, lf->keys[i].len, e, &err);
}

static int load_add_key(struct load_file *lf,
			const struct pmtufix_entry_spec *e, unsigned int line,
			size_t off, size_t len)
{
	struct load_key *k;

	k = array_grow(lf->keys, &lf->cap, lf->nkeys, sizeof(*lf->keys), 1024);
	if (!k)
		return -1;
	lf->keys = k;
	k = &lf->keys[lf->nkeys++];
	memset(k, 0, sizeof(*k));
	k->family = e->family;
	k->plen = e->plen;
	memcpy(k->addr, e->addr, e->family == PMTUFIX_IPV4 ? 4 : 16);
	k->line = line;
	k->off = off;
	k->len = len;
	return 0;
}

/* Every line of the file parses: 0, or the exit status after a message. */
static int load_parse(const char *action, struct load_file *lf)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	unsigned int line = 0;
	size_t off, end;
	char *nl;
	int r;

	for (off = 0; off < lf->len; off = nl ? end + 1 : lf->len) {
		nl = memchr(lf->buf + off, '\n', lf->len - off);
		end = nl ? (size_t)(nl - lf->buf) : lf->len;
		line++;
		r = pmtufix_parse_line(lf->buf + off, end - off, &e, &err);
		if (r < 0) {
			fprintf(stderr, "%s:%u:%u: %s\n", lf->shown, line,
				err.column, err.msg);
			return 2;
		}
		if (r > 0 && load_add_key(lf, &e, line, off, end - off)) {
			fprintf(stderr, "pmtufix %s: out of memory\n", action);
			return 1;
		}
	}
	return 0;
}

/* Sorts the entries into table order; no prefix may be there twice. */
static int load_sort(struct load_file *lf)
{
	const struct load_key *k = lf->keys;
	struct pmtufix_entry_spec e;
	char pfx[64];
	size_t i;

	qsort(lf->keys, lf->nkeys, sizeof(*lf->keys), load_key_cmp);
	for (i = 1; i < lf->nkeys; i++) {
		if (k[i].family == k[i - 1].family &&
		    k[i].plen == k[i - 1].plen &&
		    !memcmp(k[i].addr, k[i - 1].addr, 16)) {
			load_entry(lf, i, &e);
			pmtufix_format_prefix(&e, pfx, sizeof(pfx));
			fprintf(stderr,
				"%s:%u:1: duplicate prefix %s (first on line %u)\n",
				lf->shown, k[i].line, pfx, k[i - 1].line);
			return -1;
		}
	}
	return 0;
}

/* Replaces the entries of table @name, creating it if need be. */
static int load_send(const char *action, const char *name,
		     const struct load_file *lf)
{
	struct pmtufix_entry_spec e;
	struct loader ld = {};
	struct pmtufix_nl h;
	int ret = 1;
	size_t i;

	if (pmtufix_nl_open(&h, action))
		return 1;
	if (ensure_table(&h, name, action))
		goto close;
	ld.h = &h;
	ld.name = name;
	ld.action = action;
	ld.total = lf->nkeys;
	ld.progress = isatty(STDERR_FILENO) && lf->nkeys > 10000;
	loader_start(&ld, PMTUFIX_LOAD_BEGIN);
	for (i = 0; i < lf->nkeys; i++) {
		load_entry(lf, i, &e);
		if (loader_add(&ld, &e))
			goto close;
	}
	if (loader_send(&ld, PMTUFIX_LOAD_COMMIT))
		goto close;
	if (ld.progress)
		fputc('\n', stderr);
	ret = 0;
close:
	pmtufix_nl_close(&h);
	return ret;
}

/*
 * Checks the whole file first (every line parses, no prefix twice), then
 * sends the entries in table order, so that the kernel need not sort.  The
 * table is created if it does not exist.
 */
static int cmd_load(int argc, const char *argv[])
{
	struct load_file lf = {};
	char action[ACTION_LEN];
	int ret;

	ret = table_args(argc, argv, 3, "load NAME FILE", action);
	if (ret)
		return ret;
	lf.shown = strcmp(argv[2], "-") ? argv[2] : "<stdin>";
	lf.buf = read_all(argv[2], &lf.len);
	if (!lf.buf) {
		fprintf(stderr, "pmtufix %s: cannot read %s: %s\n", action,
			lf.shown, strerror(errno));
		return 1;
	}
	ret = load_parse(action, &lf);
	if (!ret && load_sort(&lf))
		ret = 2;
	if (!ret)
		ret = load_send(action, argv[1], &lf);
	load_file_free(&lf);
	return ret;
}

static int cmd_flush(int argc, const char *argv[])
{
	struct loader ld = {};
	struct pmtufix_nl h;
	char action[ACTION_LEN];
	int ret;

	ret = table_args(argc, argv, 2, "flush NAME", action);
	if (ret)
		return ret;
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

/* A request of table add or del, and the action its messages name. */
struct entry_request {
	char action[ACTION_LEN];
	struct pmtufix_nl h;
	struct nlmsghdr *nlh;
	struct nlattr *entries;
};

/* "table add NAME": 0, or -1 if NAME is not a table name. */
static int entry_request_init(struct entry_request *r, const char *argv[])
{
	return table_action(r->action, argv[0], argv[1]);
}

/* Opens the socket and the request, up to the nest of entries. */
static int entry_request_start(struct entry_request *r, uint8_t cmd,
			       const char *name, uint32_t flags)
{
	if (pmtufix_nl_open(&r->h, r->action))
		return -1;
	r->nlh = pmtufix_nl_request(&r->h, cmd, NLM_F_ACK);
	mnl_attr_put_strz(r->nlh, PMTUFIX_A_TABLE, name);
	if (flags)
		mnl_attr_put_u32(r->nlh, PMTUFIX_A_FLAGS, flags);
	r->entries = mnl_attr_nest_start(r->nlh, PMTUFIX_A_ENTRIES);
	return 0;
}

/* Sends the request and closes the socket: the exit status. */
static int entry_request_send(struct entry_request *r)
{
	int ret;

	mnl_attr_nest_end(r->nlh, r->entries);
	ret = pmtufix_nl_talk(&r->h, r->nlh, NULL, NULL);
	if (ret)
		pmtufix_nl_perror(&r->h, r->action, ret);
	pmtufix_nl_close(&r->h);
	return ret ? 1 : 0;
}

/* add NAME [--replace] PREFIX [mtu N] [LAYER...] */
static int cmd_add(int argc, const char *argv[])
{
	int replace = argc > 2 && !strcmp(argv[2], "--replace");
	int first = replace ? 3 : 2;
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	struct entry_request r;

	if (argc <= first)
		return usage("add NAME [--replace] PREFIX [mtu N] [LAYER...]");
	if (entry_request_init(&r, argv))
		return 2;
	if (pmtufix_parse_entry_argv(argc - first, argv + first, &e, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", r.action, err.msg);
		return 2;
	}
	if (entry_request_start(&r, PMTUFIX_CMD_ENTRY_ADD, argv[1],
				replace ? PMTUFIX_F_REPLACE : 0))
		return 1;
	pmtufix_put_request_entry(r.nlh, r.h.buflen, &e, 1);
	return entry_request_send(&r);
}

/* del NAME PREFIX... */
static int cmd_del(int argc, const char *argv[])
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	struct entry_request r;
	int i;

	if (argc <= 2)
		return usage("del NAME PREFIX...");
	if (entry_request_init(&r, argv))
		return 2;
	if (entry_request_start(&r, PMTUFIX_CMD_ENTRY_DEL, argv[1], 0))
		return 1;
	for (i = 2; i < argc; i++) {
		if (pmtufix_parse_prefix(argv[i], &e, &err)) {
			fprintf(stderr, "pmtufix %s: %s\n", r.action, err.msg);
			break;
		}
		if (pmtufix_put_request_entry(r.nlh, r.h.buflen, &e, 0)) {
			fprintf(stderr,
				"pmtufix %s: too many prefixes for one request\n",
				r.action);
			break;
		}
	}
	if (i < argc) {
		pmtufix_nl_close(&r.h);
		return 2;
	}
	return entry_request_send(&r);
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
			return usage("show NAME [-j|--json]");
	}
	if (!name)
		return usage("show NAME [-j|--json]");
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

static const struct {
	const char *name;
	int (*cmd)(int argc, const char *argv[]);
} commands[] = {
	{ "create", cmd_create },
	{ "set", cmd_set },
	{ "destroy", cmd_destroy },
	{ "list", cmd_list },
	{ "flush", cmd_flush },
	{ "load", cmd_load },
	{ "add", cmd_add },
	{ "del", cmd_del },
	{ "show", cmd_show },
};

int table_main(int argc, const char *argv[])
{
	const char *sub = argc > 1 ? argv[1] : "";
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(sub, commands[i].name))
			return commands[i].cmd(argc - 1, argv + 1);
	fprintf(stderr,
		"Usage: %s table create|destroy|list|flush|set|load|add|del|show ...\n",
		prog);
	return 2;
}

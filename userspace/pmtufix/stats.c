// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix stats [NAME] [--per-cpu] [-j|--json|--prometheus]
 * pmtufix stats reset [NAME]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pmtufix.h>

#include "genl.h"
#include "array.h"
#include "json.h"
#include "request.h"
#include "subcommands.h"

static const struct {
	const char *name;
	const char *help;
} counters[PMTUFIX_STATS_COUNT] = {
	{ "packets", "Packets the PMTUFIX target saw." },
	{ "syn", "TCP SYN without ACK seen." },
	{ "synack", "TCP SYN-ACK seen." },
	{ "clamped", "SYN and SYN-ACK whose MSS was lowered." },
	{ "unchanged", "Matched SYN and SYN-ACK whose MSS was small enough already." },
	{ "inserted", "MSS options added to SYN and SYN-ACK that had none." },
	{ "no_match", "SYN and SYN-ACK whose addresses matched no entry." },
	{ "malformed", "SYN and SYN-ACK left alone for a malformed TCP header or options." },
	{ "not_writable", "SYN and SYN-ACK left alone because the header could not be made writable." },
	{ "fragment", "Fragments left alone for lacking the whole TCP header." },
	{ "too_big_sent", "Oversize packets refused with a too-big message." },
	{ "too_big_ratelimited", "Oversize packets refused without a message, the source's or the table's token bucket being empty." },
	{ "icmp_repaired", "Too-big messages whose MTU was lowered to the table's." },
	{ "too_big_unsent", "Oversize packets refused whose too-big message the kernel did not send (no route back to the source)." },
};

struct stats {
	char table[PMTUFIX_TABLE_NAME_LEN];
	uint64_t c[PMTUFIX_STATS_COUNT];
	unsigned int ncpu;
	size_t capcpu;
	struct {
		uint32_t cpu;
		uint64_t c[PMTUFIX_STATS_COUNT];
	} *percpu;
};

struct stats_list {
	struct stats *s;
	size_t n, cap;
};

static void parse_counters(const struct nlattr *nest, uint64_t *c,
			   uint32_t *cpu)
{
	const struct nlattr *a;
	int type;

	mnl_attr_for_each_nested(a, nest) {
		type = mnl_attr_get_type(a);
		if (type == PMTUFIX_STATS_A_CPU && cpu)
			*cpu = mnl_attr_get_u32(a);
		else if (type >= PMTUFIX_STATS_FIRST &&
			 type < PMTUFIX_STATS_FIRST + PMTUFIX_STATS_COUNT)
			c[type - PMTUFIX_STATS_FIRST] = mnl_attr_get_u64(a);
	}
}

/*
 * One PMTUFIX_A_STATS_PERCPU attribute: a reply has as many as its CPUs
 * need (a nest holds at most 64 KiB), their CPUs in order.
 */
static int parse_percpu(const struct nlattr *nest, struct stats *s)
{
	const struct nlattr *p;
	void *mem;

	mnl_attr_for_each_nested(p, nest) {
		if (mnl_attr_get_type(p) != PMTUFIX_A_STATS)
			continue;
		mem = array_grow(s->percpu, &s->capcpu, s->ncpu,
				 sizeof(*s->percpu), 64);
		if (!mem)
			return -1;
		s->percpu = mem;
		memset(&s->percpu[s->ncpu], 0, sizeof(*s->percpu));
		parse_counters(p, s->percpu[s->ncpu].c,
			       &s->percpu[s->ncpu].cpu);
		s->ncpu++;
	}
	return 0;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_list *l = data;
	const struct nlattr *a;
	struct stats *s;
	void *mem;

	mem = array_grow(l->s, &l->cap, l->n, sizeof(*l->s), 16);
	if (!mem)
		return MNL_CB_ERROR;
	l->s = mem;
	s = &l->s[l->n++];
	memset(s, 0, sizeof(*s));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case PMTUFIX_A_TABLE:
			snprintf(s->table, sizeof(s->table), "%s",
				 mnl_attr_get_str(a));
			break;
		case PMTUFIX_A_STATS:
			parse_counters(a, s->c, NULL);
			break;
		case PMTUFIX_A_STATS_PERCPU:
			if (parse_percpu(a, s))
				return MNL_CB_ERROR;
			break;
		}
	}
	return MNL_CB_OK;
}

static void print_text(const struct stats_list *l)
{
	const struct stats *s;
	unsigned int i, k;

	for (s = l->s; s < l->s + l->n; s++) {
		printf("table %s\n", s->table);
		for (i = 0; i < PMTUFIX_STATS_COUNT; i++) {
			printf("  %-20s %20llu", counters[i].name,
			       (unsigned long long)s->c[i]);
			for (k = 0; k < s->ncpu; k++)
				printf("  cpu%u %llu", s->percpu[k].cpu,
				       (unsigned long long)s->percpu[k].c[i]);
			printf("\n");
		}
	}
}

static void json_counters(struct json *j, const uint64_t *c)
{
	unsigned int i;

	for (i = 0; i < PMTUFIX_STATS_COUNT; i++)
		json_kv_u64(j, counters[i].name, c[i]);
}

static void json_stats(struct json *j, const struct stats *s)
{
	unsigned int k;

	json_object_begin(j);
	json_kv_string(j, "table", s->table);
	json_counters(j, s->c);
	if (s->ncpu) {
		json_key(j, "per_cpu");
		json_array_begin(j);
		for (k = 0; k < s->ncpu; k++) {
			json_object_begin(j);
			json_kv_u64(j, "cpu", s->percpu[k].cpu);
			json_counters(j, s->percpu[k].c);
			json_object_end(j);
		}
		json_array_end(j);
	}
	json_object_end(j);
}

/* One object per table, in an array unless one table was asked for. */
static void print_json(const struct stats_list *l, int array)
{
	struct json j;
	size_t k;

	json_init(&j, stdout);
	if (array)
		json_array_begin(&j);
	for (k = 0; k < l->n; k++)
		json_stats(&j, &l->s[k]);
	if (array)
		json_array_end(&j);
}

/* What --prometheus prints besides the counters. */
struct prom_state {
	int up;				/* the counters were read */
	const char *version;		/* of this command */
	const char *module_version;	/* of the loaded module, or "" */
	const struct pmtufix_table_reply *t;	/* entries and rules, */
	size_t nt;			/* matched to counters by name */
};

#define MODULE_VERSION_FILE "/sys/module/xt_PMTUFIX/version"

/* The loaded module's version into @buf, or "" when it is not loaded. */
static void module_version(char *buf, size_t len)
{
	FILE *f = fopen(MODULE_VERSION_FILE, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* A label value: backslash, double quote and newline escaped. */
static void prom_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void prom_family(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct pmtufix_table_reply *
prom_table(const struct prom_state *p, const char *name)
{
	size_t k;

	for (k = 0; k < p->nt; k++)
		if (!strcmp(p->t[k].name, name))
			return &p->t[k];
	return NULL;
}

/*
 * The text exposition format: whether the module answered and the
 * versions, always; with the module, the entries and rules of each table
 * and one family per counter, a table label on each sample.
 */
static void print_prometheus(FILE *f, const struct prom_state *p,
			     const struct stats_list *l)
{
	const struct pmtufix_table_reply *t;
	unsigned int i;
	size_t k;

	prom_family(f, "pmtufix_up", "gauge",
		    "1 if the xt_PMTUFIX module answered, 0 if it is not loaded or could not be read.");
	fprintf(f, "pmtufix_up %d\n", p->up);
	prom_family(f, "pmtufix_build_info", "gauge",
		    "The versions of the pmtufix command and of the loaded module (empty if none).");
	fputs("pmtufix_build_info{version=\"", f);
	prom_label(f, p->version);
	fputs("\",module_version=\"", f);
	prom_label(f, p->module_version);
	fputs("\"} 1\n", f);
	if (!p->up)
		return;

	prom_family(f, "pmtufix_table_entries", "gauge",
		    "Entries of the table, by address family.");
	for (k = 0; k < l->n; k++) {
		t = prom_table(p, l->s[k].table);
		if (!t)
			continue;
		fprintf(f, "pmtufix_table_entries{table=\"%s\",family=\"ipv4\"} %u\n",
			t->name, t->count4);
		fprintf(f, "pmtufix_table_entries{table=\"%s\",family=\"ipv6\"} %u\n",
			t->name, t->count6);
	}
	prom_family(f, "pmtufix_table_rules", "gauge",
		    "iptables and ip6tables rules that use the table.");
	for (k = 0; k < l->n; k++) {
		t = prom_table(p, l->s[k].table);
		if (t)
			fprintf(f, "pmtufix_table_rules{table=\"%s\"} %u\n",
				t->name, t->rules);
	}
	for (i = 0; i < PMTUFIX_STATS_COUNT; i++) {
		fprintf(f, "# HELP pmtufix_%s_total %s\n", counters[i].name,
			counters[i].help);
		fprintf(f, "# TYPE pmtufix_%s_total counter\n", counters[i].name);
		for (k = 0; k < l->n; k++)
			fprintf(f, "pmtufix_%s_total{table=\"%s\"} %llu\n",
				counters[i].name, l->s[k].table,
				(unsigned long long)l->s[k].c[i]);
	}
}

/* Drops the tables after the first @n. */
static void stats_list_truncate(struct stats_list *l, size_t n)
{
	while (l->n > n)
		free(l->s[--l->n].percpu);
}

static void stats_list_free(struct stats_list *l)
{
	stats_list_truncate(l, 0);
	free(l->s);
}

static int stats_reset(int argc, const char *argv[])
{
	char action[96];

	if (argc > 2) {
		fprintf(stderr, "Usage: %s stats reset [NAME]\n", prog);
		return 2;
	}
	snprintf(action, sizeof(action), "stats reset%s%s",
		 argc == 2 ? " " : "", argc == 2 ? argv[1] : "");
	return pmtufix_simple_request(action, PMTUFIX_CMD_STATS_RESET,
				      argc == 2 ? argv[1] : NULL, NULL, 0);
}

static int get_stats(struct pmtufix_nl *h, const char *name, int percpu,
		     struct stats_list *l)
{
	struct pmtufix_table_reply *t = NULL;
	struct nlmsghdr *nlh;
	size_t n = 0, k, before = l->n;
	int ret, tries = 0;

	if (name || !percpu) {
		/* A dump the tables changed during is run again. */
		do {
			stats_list_truncate(l, before);
			nlh = pmtufix_nl_request(h, PMTUFIX_CMD_STATS_GET,
						 name ? NLM_F_ACK : NLM_F_DUMP);
			if (name)
				mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
			if (percpu)
				mnl_attr_put_u32(nlh, PMTUFIX_A_FLAGS,
						 PMTUFIX_F_PERCPU);
			ret = pmtufix_nl_talk(h, nlh, stats_cb, l);
		} while (!ret && h->dump_intr && ++tries < PMTUFIX_DUMP_TRIES);
		return ret;
	}
	/* Per-CPU counters come one table at a time. */
	ret = pmtufix_get_tables(h, NULL, &t, &n);
	for (k = 0; !ret && k < n; k++)
		ret = get_stats(h, t[k].name, 1, l);
	free(t);
	return ret;
}

/*
 * --prometheus: without the module, pmtufix_up 0 and exit status 0, since
 * that is a state to report, not an error (and the module is not loaded
 * for it, as opening the family would); when reading fails, pmtufix_up 0
 * too, the cause on stderr and exit status 1.  A file written from the
 * output shows either way what was seen.
 */
static int stats_prometheus(const char *name)
{
	struct prom_state p = { .version = PMTUFIX_VERSION };
	struct pmtufix_table_reply *t = NULL;
	struct stats_list l = {};
	struct pmtufix_nl h;
	char modver[64], action[96];
	size_t nt = 0;
	int ret = 0;

	module_version(modver, sizeof(modver));
	p.module_version = modver;
	snprintf(action, sizeof(action), "stats%s%s", name ? " " : "",
		 name ? name : "");
	if (access("/sys/module/xt_PMTUFIX", F_OK)) {
		print_prometheus(stdout, &p, &l);
		return 0;
	}
	if (pmtufix_nl_open(&h, action)) {
		print_prometheus(stdout, &p, &l);
		return 1;
	}
	ret = pmtufix_get_tables(&h, name, &t, &nt);
	if (!ret)
		ret = get_stats(&h, name, 0, &l);
	if (ret) {
		pmtufix_nl_perror(&h, action, ret);
	} else {
		p.up = 1;
		p.t = t;
		p.nt = nt;
	}
	print_prometheus(stdout, &p, &l);
	free(t);
	stats_list_free(&l);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

void stats_help(int argc, const char *argv[])
{
	printf("Usage: %s stats [NAME] [--per-cpu] [-j|--json|--prometheus]\n"
	       "       %s stats reset [NAME]\n"
	       "\n"
	       "Shows the counters of table NAME, or of every table, summed over\n"
	       "the CPUs or (--per-cpu) CPU by CPU, as text, JSON or in the\n"
	       "Prometheus text format; or zeroes them.\n", prog, prog);
}

int stats_main(int argc, const char *argv[])
{
	int json = pmtufix_json, prom = 0, percpu = 0, i, ret;
	struct stats_list l = {};
	const char *name = NULL;
	struct pmtufix_nl h;
	char action[96];

	if (argc > 1 && !strcmp(argv[1], "reset"))
		return stats_reset(argc - 1, argv + 1);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "--prometheus"))
			prom = 1;
		else if (!strcmp(argv[i], "--per-cpu"))
			percpu = 1;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			goto usage;
	}
	if (json && prom)
		goto usage;
	if (prom && percpu) {
		fprintf(stderr,
			"pmtufix stats: --per-cpu is not available with --prometheus\n");
		return 2;
	}
	if (prom)
		return stats_prometheus(name);
	snprintf(action, sizeof(action), "stats%s%s", name ? " " : "",
		 name ? name : "");
	if (pmtufix_nl_open(&h, action))
		return 1;
	ret = get_stats(&h, name, percpu, &l);
	if (ret)
		pmtufix_nl_perror(&h, action, ret);
	else if (json)
		print_json(&l, !name);
	else
		print_text(&l);
	stats_list_free(&l);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
usage:
	fprintf(stderr,
		"Usage: %s stats [NAME] [--per-cpu] [-j|--json|--prometheus]\n"
		"       %s stats reset [NAME]\n", prog, prog);
	return 2;
}

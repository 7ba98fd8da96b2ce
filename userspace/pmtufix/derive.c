// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix derive [--from xfrm,tunnels,ipvs] [--mtu N] [--merge FILE]
 *                [--check TABLE [--prometheus]] [-j]
 *
 * A table file from the host's own configuration (derive_sys.c reads it),
 * each entry with a comment saying what it came from; merged with a
 * hand-written file, whose lines win; or compared with a loaded table,
 * printing the drift and exiting 1 when there is any.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pmtufix.h>

#include "array.h"
#include "core/limits.h"
#include "derive.h"
#include "genl.h"
#include "json.h"
#include "request.h"
#include "subcommands.h"
#include "table.h"

#define ACTION "derive"

struct dv_entry *dv_add(struct dv_list *l)
{
	struct dv_entry *v = array_grow(l->v, &l->cap, l->n, sizeof(*v), 64);

	if (!v)
		return NULL;
	l->v = v;
	memset(&v[l->n], 0, sizeof(v[0]));
	return &v[l->n++];
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s derive [--from SOURCES] [--mtu N] [--merge FILE] [-j]\n"
		"       %s derive --check TABLE [--prometheus] [--from SOURCES] [--mtu N]\n"
		"                 [--merge FILE] [-j]\n"
		"\n"
		"Prints a table file derived from what the kernel says about this host:\n"
		"  xfrm     outbound policies with an ESP template, through their SAs\n"
		"  tunnels  routes of the main table through tunnel devices (ipip, sit,\n"
		"           ip6tnl, gre, gretap, ip6gre, vxlan, geneve, wireguard, with\n"
		"           fou or gue), MPLS encapsulation, or links narrower than N\n"
		"  ipvs     IPVS services tunnelling to their real servers\n"
		"SOURCES is a comma-separated list of these (default: all); N is the MTU\n"
		"a table's own entries assume (default 1500).  Each entry says what it\n"
		"came from; what cannot be modelled gets a comment, no entry, and a\n"
		"line on stderr.  With --merge, FILE's entries and settings are kept and\n"
		"win over derived ones for the same prefix.\n"
		"\n"
		"--check TABLE compares the loaded TABLE with the derivation and prints\n"
		"the drift: entries missing, extra, or giving another inner MTU; exit\n"
		"status 1 when there is any.  --prometheus prints it as gauges.\n",
		prog, prog);
}

void derive_help(int argc, const char *argv[])
{
	usage(stdout);
}

static int parse_from(const char *s, unsigned int *from)
{
	char buf[64], *w, *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*from = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "xfrm"))
			*from |= DV_XFRM;
		else if (!strcmp(w, "tunnels"))
			*from |= DV_TUNNELS;
		else if (!strcmp(w, "ipvs"))
			*from |= DV_IPVS;
		else
			return -1;
	}
	return *from ? 0 : -1;
}

/* Order: family, address, length; then most precedence, least room. */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct dv_entry *a = pa, *b = pb;
	int c;

	if (a->spec.family != b->spec.family)
		return a->spec.family < b->spec.family ? -1 : 1;
	c = memcmp(a->spec.addr, b->spec.addr, 16);
	if (c)
		return c;
	if (a->spec.plen != b->spec.plen)
		return a->spec.plen < b->spec.plen ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	/* What cannot be modelled first: it stops the rank from giving one. */
	if (a->ok != b->ok)
		return a->ok < b->ok ? -1 : 1;
	return a->inner < b->inner ? -1 : a->inner > b->inner;
}

static int same_prefix(const struct dv_entry *a, const struct dv_entry *b)
{
	return a->spec.family == b->spec.family && a->spec.plen == b->spec.plen &&
	       !memcmp(a->spec.addr, b->spec.addr, 16);
}

/* A file's line that overrode a derived entry, for the notes. */
struct override {
	size_t file, derived;	/* indexes into the sorted list */
};

struct derivation {
	struct dv_list all;	/* sorted */
	size_t *pick;		/* per prefix: the entry that counts */
	size_t npick;
	struct override *over;
	size_t nover, capover;
	struct pmtufix_settings settings;
};

/* The entry that counts for each prefix, and what the file overrode. */
static int resolve(struct derivation *d)
{
	struct override *o;
	size_t i, j;

	if (d->all.n)
		qsort(d->all.v, d->all.n, sizeof(d->all.v[0]), entry_cmp);
	d->pick = calloc(d->all.n + 1, sizeof(*d->pick));
	if (!d->pick)
		return -1;
	for (i = 0; i < d->all.n; i = j) {
		d->pick[d->npick++] = i;
		for (j = i + 1; j < d->all.n && same_prefix(&d->all.v[i],
							     &d->all.v[j]); j++) {
			if (d->all.v[i].rank != DV_RANK_FILE ||
			    d->all.v[j].rank == DV_RANK_FILE ||
			    !d->all.v[j].ok)
				continue;
			o = array_grow(d->over, &d->capover, d->nover,
				       sizeof(*o), 8);
			if (!o)
				return -1;
			d->over = o;
			o[d->nover].file = i;
			o[d->nover++].derived = j;
			/* Only the derivation that would have counted. */
			while (j + 1 < d->all.n &&
			       same_prefix(&d->all.v[i], &d->all.v[j + 1]))
				j++;
		}
	}
	return 0;
}

static void derivation_free(struct derivation *d)
{
	free(d->all.v);
	free(d->pick);
	free(d->over);
}

struct merge_ctx {
	struct derivation *d;
	const char *path;
};

static int merge_entry(const struct pmtufix_entry_spec *spec,
		       unsigned int lineno, void *data)
{
	struct merge_ctx *m = data;
	struct dv_entry *e = dv_add(&m->d->all);

	if (!e) {
		fprintf(stderr, "pmtufix derive: out of memory\n");
		return -1;
	}
	e->spec = *spec;
	e->ok = 1;
	e->rank = DV_RANK_FILE;
	snprintf(e->note, sizeof(e->note), "%s line %u", m->path, lineno);
	return 0;
}

/* The hand-written file, as entries of rank DV_RANK_FILE. */
static int read_merge(const char *path, struct derivation *d)
{
	struct merge_ctx m = { .d = d, .path = path };

	return table_file_read(path, "derive", &d->settings, merge_entry, &m);
}

/* The inner MTU of @e with a table whose own MTU is @mtu. */
static u32 entry_inner(const struct pmtufix_entry_spec *e, u32 mtu)
{
	return pmtufix_stack_mtu(e->layers, e->nlayers, e->family,
				 e->mtu ? e->mtu : mtu);
}

static void format_entry(const struct dv_entry *e, char *buf, size_t size)
{
	pmtufix_format_entry(&e->spec, buf, size);
}

/* The text output: settings, then each prefix's line with its note. */
static void print_text(const struct derivation *d)
{
	const struct dv_entry *e;
	char line[600], pfx[64];
	unsigned int k;
	size_t i;

	if (d->settings.given) {
		fputs("set", stdout);
		for (k = 0; k < PMTUFIX_NSETTINGS; k++)
			if (d->settings.given & (1U << k))
				printf(" %s %u", pmtufix_setting_descs[k].word,
				       d->settings.value[k]);
		putchar('\n');
	}
	for (i = 0; i < d->nover; i++) {
		e = &d->all.v[d->over[i].derived];
		format_entry(e, line, sizeof(line));
		printf("# %s overrides the derived %s  (%s)\n",
		       d->all.v[d->over[i].file].note, line, e->note);
	}
	for (i = 0; i < d->npick; i++) {
		e = &d->all.v[d->pick[i]];
		if (!e->ok) {
			pmtufix_format_prefix(&e->spec, pfx, sizeof(pfx));
			printf("# %s: no entry: %s\n", pfx, e->note);
			continue;
		}
		format_entry(e, line, sizeof(line));
		printf("%s  # %s\n", line, e->note);
	}
}

static void json_entry(struct json *j, const struct dv_entry *e, u32 mtu)
{
	char buf[600];
	u32 inner;

	json_object_begin(j);
	pmtufix_format_prefix(&e->spec, buf, sizeof(buf));
	json_kv_string(j, "prefix", buf);
	json_key(j, "entry");
	json_bool(j, e->ok);
	if (e->ok) {
		if (e->spec.mtu)
			json_kv_u64(j, "mtu", e->spec.mtu);
		pmtufix_format_layers(e->spec.layers, e->spec.nlayers, buf,
				      sizeof(buf));
		json_kv_string(j, "layers", buf);
		inner = entry_inner(&e->spec, mtu);
		json_kv_u64(j, "inner_mtu", inner);
		json_kv_u64(j, "mss", pmtufix_mtu_to_mss(e->spec.family, inner));
	}
	json_kv_string(j, "from", e->note);
	json_object_end(j);
}

static void print_json(const struct derivation *d, u32 mtu)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_array_begin(&j);
	for (i = 0; i < d->npick; i++)
		json_entry(&j, &d->all.v[d->pick[i]], mtu);
	json_array_end(&j);
}

/* Says on stderr what got no entry and what the file overrode. */
static void report(const struct derivation *d)
{
	const struct dv_entry *e;
	char pfx[64];
	size_t i;

	for (i = 0; i < d->npick; i++) {
		e = &d->all.v[d->pick[i]];
		if (e->ok)
			continue;
		pmtufix_format_prefix(&e->spec, pfx, sizeof(pfx));
		fprintf(stderr, "pmtufix derive: %s: no entry: %s\n", pfx,
			e->note);
	}
	for (i = 0; i < d->nover; i++) {
		e = &d->all.v[d->over[i].file];
		pmtufix_format_prefix(&e->spec, pfx, sizeof(pfx));
		fprintf(stderr, "pmtufix derive: %s: %s overrides the derived entry\n",
			pfx, e->note);
	}
}

/* Checking */

struct loaded {
	struct pmtufix_entry_reply *v;
	size_t n, cap;
	int failed;
};

static int loaded_cb(const struct nlmsghdr *nlh, void *data)
{
	struct loaded *l = data;
	struct pmtufix_entry_reply *v;
	const struct nlattr *a, *e;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != PMTUFIX_A_ENTRIES)
			continue;
		mnl_attr_for_each_nested(e, a) {
			v = array_grow(l->v, &l->cap, l->n, sizeof(*v), 64);
			if (!v) {
				l->failed = 1;
				return MNL_CB_ERROR;
			}
			l->v = v;
			if (!pmtufix_parse_reply_entry(e, &v[l->n]))
				l->n++;
		}
	}
	return MNL_CB_OK;
}

/* Table @name's entries and its MTU, read whole. */
static int read_table(const char *name, struct loaded *l, u32 *mtu)
{
	struct pmtufix_table_reply *t = NULL;
	char action[128];
	struct pmtufix_nl h;
	struct nlmsghdr *nlh;
	int ret, tries = 0;
	size_t n;

	snprintf(action, sizeof(action), "derive --check %s", name);
	if (pmtufix_nl_open(&h, action))
		return -1;
	do {
		l->n = 0;
		ret = pmtufix_get_tables(&h, name, &t, &n);
		if (!ret && n != 1)
			ret = -ENOENT;
		if (ret)
			break;
		*mtu = t->mtu;
		free(t);
		t = NULL;
		nlh = pmtufix_nl_request(&h, PMTUFIX_CMD_ENTRY_GET, NLM_F_DUMP);
		mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
		ret = pmtufix_nl_talk(&h, nlh, loaded_cb, l);
	} while (!ret && h.dump_intr && ++tries < PMTUFIX_DUMP_TRIES);
	free(t);
	if (ret)
		pmtufix_nl_perror(&h, action, ret);
	pmtufix_nl_close(&h);
	return ret ? -1 : 0;
}

static int spec_cmp(const struct pmtufix_entry_spec *a,
		    const struct pmtufix_entry_spec *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static int reply_cmp(const void *pa, const void *pb)
{
	const struct pmtufix_entry_reply *a = pa, *b = pb;

	return spec_cmp(&a->spec, &b->spec);
}

enum drift { DRIFT_MISSING, DRIFT_EXTRA, DRIFT_MTU, DRIFT_UNMODELLED, NDRIFT };

static const char *const drift_names[NDRIFT] = {
	"missing", "extra", "mtu", "unmodelled",
};

struct check {
	const char *table;
	u32 mtu;
	unsigned int count[NDRIFT];
	char (*lines[NDRIFT])[700];
	size_t nlines[NDRIFT], caplines[NDRIFT];
};

static int drift_add(struct check *c, enum drift kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int drift_add(struct check *c, enum drift kind, const char *fmt, ...)
{
	char (*v)[700];
	va_list ap;

	c->count[kind]++;
	v = array_grow(c->lines[kind], &c->caplines[kind], c->nlines[kind],
		       sizeof(*v), 16);
	if (!v)
		return -1;
	c->lines[kind] = v;
	va_start(ap, fmt);
	vsnprintf(v[c->nlines[kind]++], sizeof(*v), fmt, ap);
	va_end(ap);
	return 0;
}

/* Walks the derivation and the table side by side, both sorted. */
static int compare(const struct derivation *d, struct loaded *l,
		   struct check *c)
{
	const struct pmtufix_entry_reply *r;
	const struct dv_entry *e;
	char line[600], pfx[64];
	size_t i = 0, k = 0;
	int cmp;
	u32 inner;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), reply_cmp);
	while (i < d->npick || k < l->n) {
		e = i < d->npick ? &d->all.v[d->pick[i]] : NULL;
		r = k < l->n ? &l->v[k] : NULL;
		if (!e)
			cmp = 1;
		else if (!r)
			cmp = -1;
		else
			cmp = spec_cmp(&e->spec, &r->spec);
		if (cmp < 0) {
			i++;
			if (!e->ok)
				continue;
			format_entry(e, line, sizeof(line));
			if (drift_add(c, DRIFT_MISSING, "%s  # %s", line, e->note))
				return -1;
			continue;
		}
		if (cmp > 0) {
			k++;
			pmtufix_format_entry(&r->spec, line, sizeof(line));
			if (drift_add(c, DRIFT_EXTRA, "%s  # inner MTU %u", line,
				      r->inner_mtu))
				return -1;
			continue;
		}
		i++;
		k++;
		pmtufix_format_prefix(&e->spec, pfx, sizeof(pfx));
		if (!e->ok) {
			if (drift_add(c, DRIFT_UNMODELLED, "%s  # %s", pfx, e->note))
				return -1;
			continue;
		}
		inner = entry_inner(&e->spec, c->mtu);
		if (inner == r->inner_mtu)
			continue;
		format_entry(e, line, sizeof(line));
		if (drift_add(c, DRIFT_MTU,
			      "%s: the table gives inner MTU %u, the system %u: %s  # %s",
			      pfx, r->inner_mtu, inner, line, e->note))
			return -1;
	}
	return 0;
}

static void check_print(const struct check *c, int json, int prom)
{
	struct json j;
	size_t i;
	int k;

	if (prom) {
		printf("# HELP pmtufix_derive_drift Entries where a table and pmtufix derive differ, by kind.\n"
		       "# TYPE pmtufix_derive_drift gauge\n");
		for (k = 0; k < NDRIFT; k++)
			printf("pmtufix_derive_drift{table=\"%s\",kind=\"%s\"} %u\n",
			       c->table, drift_names[k], c->count[k]);
		return;
	}
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "table", c->table);
		for (k = 0; k < NDRIFT; k++) {
			json_key(&j, drift_names[k]);
			json_array_begin(&j);
			for (i = 0; i < c->nlines[k]; i++)
				json_string(&j, c->lines[k][i]);
			json_array_end(&j);
		}
		json_object_end(&j);
		return;
	}
	for (k = 0; k < NDRIFT; k++)
		for (i = 0; i < c->nlines[k]; i++)
			printf("%-10s %s\n", drift_names[k], c->lines[k][i]);
	fprintf(stderr, "pmtufix derive --check %s: %u missing, %u extra, %u with another MTU, %u not modelled\n",
		c->table, c->count[DRIFT_MISSING], c->count[DRIFT_EXTRA],
		c->count[DRIFT_MTU], c->count[DRIFT_UNMODELLED]);
}

static int check_table(const struct derivation *d, const char *table,
		       int json, int prom)
{
	struct loaded l = {};
	struct check c = { .table = table };
	int ret = 2, k;

	if (read_table(table, &l, &c.mtu))
		goto out;
	if (compare(d, &l, &c)) {
		fprintf(stderr, "pmtufix derive: out of memory\n");
		goto out;
	}
	check_print(&c, json, prom);
	ret = c.count[DRIFT_MISSING] + c.count[DRIFT_EXTRA] +
	      c.count[DRIFT_MTU] ? 1 : 0;
out:
	for (k = 0; k < NDRIFT; k++)
		free(c.lines[k]);
	free(l.v);
	return ret;
}

int derive_main(int argc, const char *argv[])
{
	struct dv_options o = { .from = DV_ALL, .mtu = PMTUFIX_DEFAULT_MTU };
	const char *merge = NULL, *check = NULL;
	struct derivation d = {};
	int i, prom = 0, ret = 2;
	unsigned long v;
	char *end;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--prometheus")) {
			prom = 1;
			continue;
		}
		if (strcmp(opt, "--from") && strcmp(opt, "--mtu") &&
		    strcmp(opt, "--merge") && strcmp(opt, "--check")) {
			fprintf(stderr, "pmtufix derive: unknown argument `%s'\n", opt);
			usage(stderr);
			return 2;
		}
		if (++i >= argc) {
			fprintf(stderr, "pmtufix derive: `%s' needs a value\n", opt);
			return 2;
		}
		if (!strcmp(opt, "--from")) {
			if (parse_from(argv[i], &o.from)) {
				fprintf(stderr, "pmtufix derive: --from takes xfrm, tunnels and ipvs, comma-separated, not `%s'\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(opt, "--mtu")) {
			v = strtoul(argv[i], &end, 10);
			if (*argv[i] < '0' || *argv[i] > '9' || *end ||
			    v < PMTUFIX_MTU_MIN || v > PMTUFIX_MTU_MAX) {
				fprintf(stderr, "pmtufix derive: mtu `%s' is out of range (%u..%u)\n",
					argv[i], PMTUFIX_MTU_MIN, PMTUFIX_MTU_MAX);
				return 2;
			}
			o.mtu = (u32)v;
		} else if (!strcmp(opt, "--merge")) {
			merge = argv[i];
		} else {
			check = argv[i];
		}
	}
	if (prom && !check) {
		fprintf(stderr, "pmtufix derive: --prometheus goes with --check\n");
		return 2;
	}
	if (merge && read_merge(merge, &d))
		goto out;
	if (dv_derive(&o, &d.all))
		goto out;
	if (resolve(&d)) {
		fprintf(stderr, "pmtufix derive: out of memory\n");
		goto out;
	}
	if (check) {
		ret = check_table(&d, check, pmtufix_json, prom);
		goto out;
	}
	report(&d);
	if (pmtufix_json)
		print_json(&d, o.mtu);
	else
		print_text(&d);
	ret = 0;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pmtufix derive: cannot write the output: %s\n",
			strerror(errno));
		ret = 1;
	}
out:
	derivation_free(&d);
	return ret;
}

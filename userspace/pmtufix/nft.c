// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix nft [--table NAME] [--hook HOOKS] [--lookup dst|src|both]
 *             [--counters] FILE
 *
 * A table file as an nftables script that clamps the MSS of SYNs and
 * SYN-ACKs natively, for hosts where the module cannot load.  Needs
 * neither the module nor privileges.
 *
 * nft intervals may not overlap, so the table's nested prefixes become the
 * disjoint ranges the module's own lookup builds (kmod/core/lpm.c), each
 * with the MSS the module would write for it, neighbours of one MSS
 * merged, in one interval map per family.  `tcp option maxseg size set'
 * never raises an MSS (nft_exthdr leaves an MSS alone that is not above
 * the new value), so two lookups, by destination and by source, give the
 * smaller of the two, as the target's --lookup both does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/pmtufix.h>

#include "array.h"
#include "core/limits.h"
#include "core/lpm.h"
#include "parse.h"
#include "subcommands.h"
#include "table.h"

/* Elements a line: nft reads the script in one transaction anyway. */
#define ELEMENTS_PER_LINE	1024
#define NFT_NAME_LEN		64

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s nft [--table NAME] [--hook HOOKS] [--lookup dst|src|both]\n"
		"              [--counters] FILE\n"
		"\n"
		"Prints an nftables script that lowers the MSS of SYNs and SYN-ACKs as the\n"
		"table file FILE (- for standard input) says, without the module: one\n"
		"interval map per family, from the disjoint ranges of the table's longest\n"
		"prefix matches, to the MSS each range gets.  Load it with `nft -f';\n"
		"loading it again replaces it.  NAME is the nftables table (inet, default\n"
		"pmtufix), HOOKS a comma-separated list of forward, output and postrouting\n"
		"(default forward); --lookup as the PMTUFIX target's (default both);\n"
		"--counters gives each range of the maps a counter.\n",
		prog);
}

void nft_help(int argc, const char *argv[])
{
	usage(stdout);
}

struct nft_opts {
	const char *table;
	const char *file;
	unsigned int hooks;	/* bits of hook_names */
	int lookup;		/* 1 dst, 2 src, 3 both */
	int counters;
};

static const char *const hook_names[] = { "forward", "output", "postrouting" };
#define NHOOKS	(sizeof(hook_names) / sizeof(hook_names[0]))

/* One family's entries: prefixes sorted for the lookup, and their MSS. */
struct fam {
	struct pmtufix_entry_spec *e;
	size_t n, cap;
	u16 *mss;		/* per prefix, in the order of pfx */
	struct pmtufix_pfx4 *pfx4;
	struct pmtufix_pfx6 *pfx6;
	struct pmtufix_lpm4 lpm4;
	struct pmtufix_lpm6 lpm6;
};

static int parse_hooks(const char *s, unsigned int *hooks)
{
	char buf[64], *w, *save = NULL;
	size_t k;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*hooks = 0;
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < NHOOKS; k++)
			if (!strcmp(w, hook_names[k]))
				break;
		if (k == NHOOKS)
			return -1;
		*hooks |= 1U << k;
	}
	return *hooks ? 0 : -1;
}

/* An nftables identifier: a letter, then letters, digits, _ and -. */
static int nft_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= NFT_NAME_LEN ||
	    !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int add_entry(const struct pmtufix_entry_spec *e, unsigned int lineno,
		     void *data)
{
	struct fam *f = &((struct fam *)data)[e->family == PMTUFIX_IPV6];
	struct pmtufix_entry_spec *v;

	v = array_grow(f->e, &f->cap, f->n, sizeof(*v), 256);
	if (!v) {
		fprintf(stderr, "pmtufix nft: out of memory\n");
		return -1;
	}
	f->e = v;
	v[f->n++] = *e;
	return 0;
}

/* The table file: entries by family, and the settings that matter here. */
static int read_table(const char *path, struct fam fams[2], u32 set[3])
{
	struct pmtufix_settings s = {};
	unsigned int k;

	if (table_file_read(path, "nft", &s, add_entry, fams))
		return -1;
	/* mtu, floor4 and floor6 come first in the settings. */
	for (k = 0; k < 3; k++)
		if (s.given & (1U << k))
			set[k] = s.value[k];
	return 0;
}

static int spec_cmp(const void *pa, const void *pb)
{
	const struct pmtufix_entry_spec *a = pa, *b = pb;
	int c = memcmp(a->addr, b->addr, 16);

	if (c)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

/*
 * Sorts @f's entries into the lookup's order (by address, shorter first,
 * which is the order of bytes in network order), refuses duplicates, works
 * out each one's MSS as the module does, and builds the ranges.
 */
static int build(struct fam *f, unsigned int family, const u32 set[3])
{
	u32 floor = family == PMTUFIX_IPV6 ? set[2] : set[1], mtu, mss;
	char pfx[64];
	size_t i;
	bool ok;

	if (f->n)
		qsort(f->e, f->n, sizeof(*f->e), spec_cmp);
	f->mss = calloc(f->n + 1, sizeof(*f->mss));
	if (family == PMTUFIX_IPV4) {
		f->pfx4 = calloc(f->n + 1, sizeof(*f->pfx4));
		f->lpm4.range = calloc(pmtufix_lpm_max_ranges(f->n),
				       sizeof(*f->lpm4.range));
	} else {
		f->pfx6 = calloc(f->n + 1, sizeof(*f->pfx6));
		f->lpm6.start = calloc(pmtufix_lpm_max_ranges(f->n),
				       sizeof(*f->lpm6.start));
		f->lpm6.value = calloc(pmtufix_lpm_max_ranges(f->n),
				       sizeof(*f->lpm6.value));
	}
	if (!f->mss || (family == PMTUFIX_IPV4 ? !f->pfx4 || !f->lpm4.range :
			!f->pfx6 || !f->lpm6.start || !f->lpm6.value)) {
		fprintf(stderr, "pmtufix nft: out of memory\n");
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		if (i && !spec_cmp(&f->e[i - 1], &f->e[i])) {
			pmtufix_format_prefix(&f->e[i], pfx, sizeof(pfx));
			fprintf(stderr, "pmtufix nft: %s is in the file twice\n", pfx);
			return -1;
		}
		mtu = pmtufix_stack_mtu(f->e[i].layers, f->e[i].nlayers, family,
					f->e[i].mtu ? f->e[i].mtu : set[0]);
		mss = pmtufix_mtu_to_mss(family, mtu);
		if (!mss) {
			pmtufix_format_prefix(&f->e[i], pfx, sizeof(pfx));
			fprintf(stderr, "pmtufix nft: %s: its layers leave no room for TCP at MTU %u\n",
				pfx, f->e[i].mtu ? f->e[i].mtu : set[0]);
			return -1;
		}
		/* As the module: never above 65535, never below the floor. */
		if (mss > 0xffff)
			mss = 0xffff;
		f->mss[i] = mss > floor ? mss : floor;
		if (family == PMTUFIX_IPV4) {
			f->pfx4[i].addr = pmtufix_addr4_from_bytes(f->e[i].addr);
			f->pfx4[i].plen = f->e[i].plen;
		} else {
			f->pfx6[i].addr = pmtufix_addr6_from_bytes(f->e[i].addr);
			f->pfx6[i].plen = f->e[i].plen;
		}
	}
	ok = family == PMTUFIX_IPV4 ?
	     pmtufix_lpm4_build(&f->lpm4, f->pfx4, f->n) :
	     pmtufix_lpm6_build(&f->lpm6, f->pfx6, f->n);
	if (!ok) {
		fprintf(stderr, "pmtufix nft: the prefixes could not be built into ranges\n");
		return -1;
	}
	return 0;
}

static void fam_free(struct fam *f)
{
	free(f->e);
	free(f->mss);
	free(f->pfx4);
	free(f->pfx6);
	free(f->lpm4.range);
	free(f->lpm6.start);
	free(f->lpm6.value);
}

/* Range @i of @f: its first address (bytes) and its prefix's index. */
static u32 range_at(const struct fam *f, unsigned int family, u32 i, u8 *start)
{
	if (family == PMTUFIX_IPV4) {
		pmtufix_addr4_to_bytes(f->lpm4.range[i].start, start);
		return f->lpm4.range[i].value;
	}
	pmtufix_addr6_to_bytes(&f->lpm6.start[i], start);
	return f->lpm6.value[i];
}

static u32 range_count(const struct fam *f, unsigned int family)
{
	return family == PMTUFIX_IPV4 ? f->lpm4.n : f->lpm6.n;
}

/* @a (network order, @len bytes) less one; @a is not all zeros. */
static void addr_dec(u8 *a, size_t len)
{
	while (len-- && a[len]-- == 0)
		;
}

/*
 * The elements of one family's map, ELEMENTS_PER_LINE to an `add element'
 * line: each run of ranges that map to one MSS as one interval.
 */
static size_t print_elements(const struct nft_opts *o, const struct fam *f,
			     unsigned int family, const char *map)
{
	unsigned int len = family == PMTUFIX_IPV6 ? 16 : 4;
	int af = family == PMTUFIX_IPV6 ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	u8 start[16], next[16];
	u32 i, j, n = range_count(f, family), v, w;
	size_t count = 0;

	for (i = 0; i < n; i = j) {
		v = range_at(f, family, i, start);
		/* Neighbours of the same MSS make one interval. */
		for (j = i + 1; j < n; j++) {
			w = range_at(f, family, j, next);
			if (v == PMTUFIX_LPM_NONE || w == PMTUFIX_LPM_NONE ||
			    f->mss[w] != f->mss[v])
				break;
		}
		if (v == PMTUFIX_LPM_NONE)
			continue;
		if (j < n) {
			range_at(f, family, j, next);
			addr_dec(next, len);
		} else {
			memset(next, 0xff, len);
		}
		inet_ntop(af, start, a, sizeof(a));
		inet_ntop(af, next, b, sizeof(b));
		if (count % ELEMENTS_PER_LINE == 0)
			printf("%sadd element inet %s %s { ", count ? " }\n" : "",
			       o->table, map);
		else
			fputs(", ", stdout);
		if (memcmp(start, next, len))
			printf("%s-%s : %u", a, b, f->mss[v]);
		else
			printf("%s : %u", a, f->mss[v]);
		count++;
	}
	if (count)
		fputs(" }\n", stdout);
	return count;
}

static void print_script(const struct nft_opts *o, const struct fam fams[2],
			 const u32 set[3])
{
	static const char *const dir[] = { "", "daddr", "saddr" };
	size_t k, n4, n6;
	int l;

	printf("#!/usr/sbin/nft -f\n"
	       "# Made by `pmtufix nft' from %s (mtu %u, floor4 %u, floor6 %u):\n"
	       "# %zu IPv4 and %zu IPv6 entries.  It lowers the MSS of SYNs and SYN-ACKs\n"
	       "# as the PMTUFIX target does with --lookup %s, and does only that:\n"
	       "# - an MSS option is never added to a SYN without one (the module adds\n"
	       "#   one, as TCPMSS does);\n"
	       "# - no MSS is lowered to the route's MTU (the module takes the smaller);\n"
	       "# - no ICMP too-big is sent (--send-too-big) or repaired (--repair-icmp);\n"
	       "# - no counters per entry (--counters gives one per range);\n"
	       "# - options are walked as nft does: past an end-of-list option and\n"
	       "#   over malformed lengths, the first MSS option alone, and at an odd\n"
	       "#   offset the TCP checksum is updated as if it were even.\n"
	       "# Loading it again replaces the table %s whole, in one transaction.\n",
	       o->file, set[0], set[1], set[2], fams[0].n, fams[1].n,
	       o->lookup == 3 ? "both" : o->lookup == 1 ? "dst" : "src",
	       o->table);
	printf("table inet %s\ndelete table inet %s\n\ntable inet %s {\n",
	       o->table, o->table, o->table);
	for (k = 0; k < 2; k++)
		printf("\tmap mss%c {\n"
		       "\t\ttypeof ip%s daddr : tcp option maxseg size\n"
		       "\t\tflags interval\n%s"
		       "\t}\n\n", k ? '6' : '4', k ? "6" : "",
		       o->counters ? "\t\tcounter\n" : "");
	for (k = 0; k < NHOOKS; k++) {
		if (!(o->hooks & (1U << k)))
			continue;
		printf("\tchain %s {\n"
		       "\t\ttype filter hook %s priority mangle; policy accept;\n",
		       hook_names[k], hook_names[k]);
		/* Neither lookup raises the MSS: both give the smaller. */
		for (l = 1; l <= 2; l++) {
			if (!(o->lookup & l))
				continue;
			printf("\t\ttcp flags & (syn | rst) == syn tcp option maxseg size set ip %s map @mss4\n",
			       dir[l]);
			printf("\t\ttcp flags & (syn | rst) == syn tcp option maxseg size set ip6 %s map @mss6\n",
			       dir[l]);
		}
		printf("\t}\n%s", k + 1 < NHOOKS && (o->hooks >> (k + 1)) ? "\n" : "");
	}
	printf("}\n");
	n4 = print_elements(o, &fams[0], PMTUFIX_IPV4, "mss4");
	n6 = print_elements(o, &fams[1], PMTUFIX_IPV6, "mss6");
	printf("# %zu IPv4 and %zu IPv6 intervals\n", n4, n6);
}

int nft_main(int argc, const char *argv[])
{
	struct nft_opts o = { .table = "pmtufix", .hooks = 1, .lookup = 3 };
	u32 set[3] = { PMTUFIX_DEFAULT_MTU, PMTUFIX_DEFAULT_FLOOR4,
		       PMTUFIX_DEFAULT_FLOOR6 };
	struct fam fams[2] = {};
	int i, ret = 1;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--counters")) {
			o.counters = 1;
			continue;
		}
		if (strcmp(opt, "--table") && strcmp(opt, "--hook") &&
		    strcmp(opt, "--lookup")) {
			if (o.file || (opt[0] == '-' && opt[1])) {
				fprintf(stderr, "pmtufix nft: unknown argument `%s'\n", opt);
				usage(stderr);
				return 2;
			}
			o.file = opt;
			continue;
		}
		if (++i >= argc) {
			fprintf(stderr, "pmtufix nft: `%s' needs a value\n", opt);
			return 2;
		}
		if (!strcmp(opt, "--table")) {
			if (!nft_name_valid(argv[i])) {
				fprintf(stderr, "pmtufix nft: `%s' is no nftables table name (a letter, then letters, digits, _ and -)\n",
					argv[i]);
				return 2;
			}
			o.table = argv[i];
		} else if (!strcmp(opt, "--hook")) {
			if (parse_hooks(argv[i], &o.hooks)) {
				fprintf(stderr, "pmtufix nft: --hook takes forward, output and postrouting, comma-separated, not `%s'\n",
					argv[i]);
				return 2;
			}
		} else {
			o.lookup = !strcmp(argv[i], "dst") ? 1 :
				   !strcmp(argv[i], "src") ? 2 :
				   !strcmp(argv[i], "both") ? 3 : 0;
			if (!o.lookup) {
				fprintf(stderr, "pmtufix nft: --lookup takes dst, src or both, not `%s'\n",
					argv[i]);
				return 2;
			}
		}
	}
	if (!o.file) {
		usage(stderr);
		return 2;
	}
	if (pmtufix_json) {
		fprintf(stderr, "pmtufix nft: the output is an nftables script; there is no JSON form\n");
		return 2;
	}
	if (read_table(o.file, fams, set) ||
	    build(&fams[0], PMTUFIX_IPV4, set) ||
	    build(&fams[1], PMTUFIX_IPV6, set))
		goto out;
	print_script(&o, fams, set);
	ret = 0;
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pmtufix nft: cannot write the output: %s\n",
			strerror(errno));
		ret = 1;
	}
out:
	fam_free(&fams[0]);
	fam_free(&fams[1]);
	return ret;
}

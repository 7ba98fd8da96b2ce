// SPDX-License-Identifier: GPL-2.0
/*
 * How the range tables of kmod/core/lpm.c do at routing-table sizes: build
 * time, memory and lookup rate for 1,000,000 IPv4 and 200,000 IPv6 prefixes
 * with lengths weighted like a full table, next to a per-length hash (one
 * probe per prefix length present, longest first) and, for small tables,
 * the naive scan of every prefix.  It prints figures only: timings on a
 * shared machine are too noisy to pass or fail on.
 *
 *   bench_lpm [ipv4-prefixes [ipv6-prefixes]]
 *
 * PMTUFIX_SEED picks the random tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/lpm.h"

#define QUERIES		2000000
#define ROUNDS		3

/* ------------------------------------------------------------ helpers */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "bench_lpm: out of memory\n");
		exit(1);
	}
	return p;
}

/* Picks a length from a table of weights indexed by length. */
static unsigned int pick_len(const unsigned int *w, unsigned int max)
{
	unsigned int total = 0, l, r;

	for (l = 0; l <= max; l++)
		total += w[l];
	r = rnd() % total;
	for (l = 0; r >= w[l]; l++)
		r -= w[l];
	return l;
}

static u32 mask4(unsigned int plen)
{
	return plen ? ~0U << (32 - plen) : 0;
}

static struct pmtufix_u128 mask6(unsigned int plen)
{
	struct pmtufix_u128 m;

	m.hi = plen == 0 ? 0 : plen >= 64 ? ~0ULL : ~0ULL << (64 - plen);
	m.lo = plen <= 64 ? 0 : plen == 128 ? ~0ULL : ~0ULL << (128 - plen);
	return m;
}

static volatile u32 sink;

struct timing {
	double sec;	/* best of ROUNDS */
	u32 hits;
};

static void report_lookup(const char *what, const struct timing *t,
			  unsigned long queries)
{
	printf("    %-24s %7.1f ns  %7.2f M/s\n", what, t->sec * 1e9 / queries,
	       queries / t->sec / 1e6);
}

/* ------------------------------------------------------------ IPv4 */

/*
 * Share of each length in a full IPv4 table, per 100,000: two thirds /24,
 * then /22 and /23, /20 and /21, a few /16-/19, little shorter or longer.
 */
static const unsigned int weights4[33] = {
	[8] = 2, [9] = 5, [10] = 10, [11] = 30, [12] = 80, [13] = 150,
	[14] = 300, [15] = 600, [16] = 1400, [17] = 800, [18] = 1300,
	[19] = 2500, [20] = 4000, [21] = 4500, [22] = 12000, [23] = 10500,
	[24] = 60000, [25] = 300, [26] = 200, [27] = 150, [28] = 100,
	[29] = 100, [30] = 100, [31] = 20, [32] = 200,
};

/* Mostly /32 to /48, some /29, /56 and /64, a few up to /128. */
static const unsigned int weights6[129] = {
	[19] = 10, [20] = 20, [22] = 20, [24] = 40, [28] = 100, [29] = 4000,
	[30] = 300, [31] = 200, [32] = 15000, [33] = 600, [34] = 500,
	[35] = 400, [36] = 5000, [37] = 300, [38] = 500, [39] = 300,
	[40] = 8000, [41] = 400, [42] = 700, [43] = 400, [44] = 8000,
	[45] = 800, [46] = 3000, [47] = 3000, [48] = 45000, [52] = 200,
	[56] = 3000, [60] = 200, [64] = 3000, [96] = 50, [112] = 50,
	[127] = 20, [128] = 300,
};

static int cmp4(const void *a, const void *b)
{
	return pmtufix_pfx4_cmp(a, b);
}

static int cmp6(const void *a, const void *b)
{
	return pmtufix_pfx6_cmp(a, b);
}

static u32 sort_unique4(struct pmtufix_pfx4 *p, u32 n)
{
	u32 i, m = 0;

	qsort(p, n, sizeof(*p), cmp4);
	for (i = 0; i < n; i++)
		if (!m || pmtufix_pfx4_cmp(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

static u32 sort_unique6(struct pmtufix_pfx6 *p, u32 n)
{
	u32 i, m = 0;

	qsort(p, n, sizeof(*p), cmp6);
	for (i = 0; i < n; i++)
		if (!m || pmtufix_pfx6_cmp(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

/* @n distinct prefixes in unicast space (1/8 to 223/8), sorted. */
static void gen4(struct pmtufix_pfx4 *p, u32 n)
{
	u32 have = 0;

	while (have < n) {
		u32 i;

		for (i = have; i < n; i++) {
			u32 a = (u32)((1 + rnd() % 223) << 24);

			a |= (u32)(rnd() >> 40);

			p[i].plen = pick_len(weights4, 32);
			p[i].addr = a & mask4(p[i].plen);
		}
		have = sort_unique4(p, n);
	}
}

/* @n distinct prefixes in 2000::/3, sorted. */
static void gen6(struct pmtufix_pfx6 *p, u32 n)
{
	u32 have = 0;

	while (have < n) {
		u32 i;

		for (i = have; i < n; i++) {
			struct pmtufix_u128 m;

			p[i].plen = pick_len(weights6, 128);
			m = mask6(p[i].plen);
			p[i].addr.hi = (rnd() >> 3 | 1ULL << 61) & m.hi;
			p[i].addr.lo = rnd() & m.lo;
		}
		have = sort_unique6(p, n);
	}
}

/*
 * The alternative: one open-addressing hash over (masked address, length),
 * probed for each length present, longest first.
 */
struct slot4 {
	u32 addr;
	u32 val;	/* prefix index << 8 | length, ~0 when empty */
};

struct hash4 {
	struct slot4 *slot;
	u32 mask;
	unsigned int nlens;
	u8 lens[33];	/* longest first */
	u32 masks[33];
};

static u32 hash4_slot(u32 addr, unsigned int plen, u32 mask)
{
	u64 h = ((u64)addr << 8 | plen) * 0x9e3779b97f4a7c15ULL;

	return (u32)(h >> 32) & mask;
}

static void hash4_build(struct hash4 *h, const struct pmtufix_pfx4 *p, u32 n)
{
	bool seen[33] = { false };
	u32 size = 1, i;
	int l;

	while (size < 2 * n)
		size <<= 1;
	h->slot = xcalloc(size, sizeof(*h->slot));
	h->mask = size - 1;
	for (i = 0; i < size; i++)
		h->slot[i].val = ~0U;
	for (i = 0; i < n; i++) {
		u32 s = hash4_slot(p[i].addr, p[i].plen, h->mask);

		while (h->slot[s].val != ~0U)
			s = (s + 1) & h->mask;
		h->slot[s].addr = p[i].addr;
		h->slot[s].val = i << 8 | p[i].plen;
		seen[p[i].plen] = true;
	}
	h->nlens = 0;
	for (l = 32; l >= 0; l--) {
		if (seen[l]) {
			h->masks[h->nlens] = mask4(l);
			h->lens[h->nlens++] = l;
		}
	}
}

static u32 hash4_lookup(const struct hash4 *h, u32 addr)
{
	unsigned int i;

	for (i = 0; i < h->nlens; i++) {
		u32 a = addr & h->masks[i];
		u32 s = hash4_slot(a, h->lens[i], h->mask);

		for (;;) {
			const struct slot4 *e = &h->slot[s];

			if (e->val == ~0U)
				break;
			if (e->addr == a && (e->val & 0xff) == h->lens[i])
				return e->val >> 8;
			s = (s + 1) & h->mask;
		}
	}
	return PMTUFIX_LPM_NONE;
}

static u32 naive4(const struct pmtufix_pfx4 *p, u32 n, u32 addr)
{
	u32 best = PMTUFIX_LPM_NONE, i;
	int len = -1;

	for (i = 0; i < n; i++)
		if ((addr & mask4(p[i].plen)) == p[i].addr && p[i].plen > len) {
			best = i;
			len = p[i].plen;
		}
	return best;
}

enum impl { LPM, HASH, NAIVE };

static void time4(struct timing *t, enum impl impl,
		  const struct pmtufix_lpm4 *lpm, const struct hash4 *h,
		  const struct pmtufix_pfx4 *p, u32 n, const u32 *q, u32 nq)
{
	unsigned int r;

	t->sec = 1e9;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now(), sec;
		u32 i, hits = 0, sum = 0;

		for (i = 0; i < nq; i++) {
			u32 v;

			if (impl == LPM)
				v = pmtufix_lpm4_lookup(lpm, q[i]);
			else if (impl == HASH)
				v = hash4_lookup(h, q[i]);
			else
				v = naive4(p, n, q[i]);
			hits += v != PMTUFIX_LPM_NONE;
			sum += v;
		}
		sec = now() - t0;
		sink = sum;
		if (sec < t->sec)
			t->sec = sec;
		t->hits = hits;
	}
}

static void queries4(u32 *q, u32 nq, const struct pmtufix_pfx4 *p, u32 n,
		     bool hit)
{
	u32 i;

	for (i = 0; i < nq; i++) {
		const struct pmtufix_pfx4 *e = &p[rnd() % n];

		q[i] = hit ? e->addr | ((u32)rnd() & ~mask4(e->plen)) : rnd();
	}
}

static void bench4(u32 n)
{
	struct pmtufix_pfx4 *p = xcalloc(n, sizeof(*p));
	size_t cap = pmtufix_lpm_max_ranges(n);
	struct pmtufix_lpm4 plain, t = {
		.range = xcalloc(cap, sizeof(struct pmtufix_range4)),
	};
	u32 *q = xcalloc(QUERIES, sizeof(*q));
	u32 *idx = xcalloc(pmtufix_lpm_index_max_slots(n), sizeof(u32));
	struct timing lt, pt, ht;
	struct hash4 h;
	double t0, build = 1e9, ibuild, hbuild, sort;
	unsigned int l, r, hist[33] = { 0 };
	u32 i, bad;

	gen4(p, n);
	for (i = 0; i < n; i++)
		hist[p[i].plen]++;
	printf("IPv4: %u prefixes; /16-/24 %.1f%%, /24 %.1f%%\n", n,
	       100.0 * (hist[16] + hist[17] + hist[18] + hist[19] + hist[20] +
			hist[21] + hist[22] + hist[23] + hist[24]) / n,
	       100.0 * hist[24] / n);

	/* What loading costs: the caller sorts, then builds. */
	for (i = 0; i < n; i++) {
		u32 j = rnd() % n;
		struct pmtufix_pfx4 x = p[i];

		p[i] = p[j];
		p[j] = x;
	}
	t0 = now();
	sort_unique4(p, n);
	sort = now() - t0;
	for (r = 0; r < ROUNDS; r++) {
		t0 = now();
		if (!pmtufix_lpm4_build(&t, p, n))
			printf("  build refused the prefixes\n");
		if (now() - t0 < build)
			build = now() - t0;
	}
	plain = t;
	t0 = now();
	pmtufix_lpm4_index(&t, idx);
	ibuild = now() - t0;
	t0 = now();
	hash4_build(&h, p, n);
	hbuild = now() - t0;

	printf("  build          %8.1f ms  (%.1f ns/prefix; sorting first: %.1f ms)\n",
	       build * 1e3, build * 1e9 / n, sort * 1e3);
	printf("  index          %8.1f ms  (%u slots, %.1f KiB)\n", ibuild * 1e3,
	       t.nslots, t.nslots * 4.0 / 1024);
	printf("  ranges         %8u     (%.2f per prefix, bound %zu)\n", t.n,
	       (double)t.n / n, cap);
	printf("  memory         %8.1f MB  (%.1f bytes/prefix used, %.1f allocated for the bound)\n",
	       t.n * 8.0 / 1e6, t.n * 8.0 / n, cap * 8.0 / n);
	printf("  per-length hash: build %.1f ms, %.1f MB (%.1f bytes/prefix), %u lengths\n",
	       hbuild * 1e3, (h.mask + 1.0) * sizeof(struct slot4) / 1e6,
	       (h.mask + 1.0) * sizeof(struct slot4) / n, h.nlens);

	for (l = 0; l < 2; l++) {
		queries4(q, QUERIES, p, n, l);
		bad = 0;
		for (i = 0; i < QUERIES; i++)
			bad += pmtufix_lpm4_lookup(&t, q[i]) !=
			       hash4_lookup(&h, q[i]);
		time4(&pt, LPM, &plain, &h, p, n, q, QUERIES);
		time4(&lt, LPM, &t, &h, p, n, q, QUERIES);
		time4(&ht, HASH, &t, &h, p, n, q, QUERIES);
		printf("  lookup, %s addresses (%.1f%% match; %u disagree):\n",
		       l ? "matching" : "random", 100.0 * lt.hits / QUERIES, bad);
		report_lookup("ranges", &pt, QUERIES);
		report_lookup("ranges, indexed", &lt, QUERIES);
		report_lookup("per-length hash", &ht, QUERIES);
		printf("    %-24s %7.2fx\n", "indexed vs ranges",
		       pt.sec / lt.sec);
		printf("    %-24s %7.2fx\n", "indexed vs hash",
		       ht.sec / lt.sec);
	}

	/* Small tables: a random subset, against the naive scan. */
	for (l = 0; l < 2; l++) {
		u32 m = l ? 1000 : 100, nq = l ? 20000 : 200000;
		struct pmtufix_pfx4 *s = xcalloc(m, sizeof(*s));
		struct timing nt;

		for (i = 0; i < m; i++)
			s[i] = p[rnd() % n];
		m = sort_unique4(s, m);
		pmtufix_lpm4_build(&t, s, m);
		pmtufix_lpm4_index(&t, idx);
		queries4(q, nq, s, m, true);
		bad = 0;
		for (i = 0; i < nq; i++)
			bad += pmtufix_lpm4_lookup(&t, q[i]) != naive4(s, m, q[i]);
		time4(&lt, LPM, &t, NULL, s, m, q, nq);
		time4(&nt, NAIVE, NULL, NULL, s, m, q, nq);
		printf("  %u prefixes, matching addresses (%u disagree):\n", m,
		       bad);
		report_lookup("ranges, indexed", &lt, nq);
		report_lookup("naive scan", &nt, nq);
		printf("    %-24s %7.1fx\n", "indexed vs naive",
		       nt.sec / lt.sec);
		free(s);
	}
	free(h.slot);
	free(q);
	free(t.range);
	free(idx);
	free(p);
}

/* ------------------------------------------------------------ IPv6 */

struct slot6 {
	struct pmtufix_u128 addr;
	u32 val;
};

struct hash6 {
	struct slot6 *slot;
	u32 mask;
	unsigned int nlens;
	u8 lens[129];
	struct pmtufix_u128 masks[129];
};

static u32 hash6_slot(const struct pmtufix_u128 *a, unsigned int plen,
		      u32 mask)
{
	u64 h = (a->hi * 0x9e3779b97f4a7c15ULL) ^
		((a->lo + plen) * 0xc2b2ae3d27d4eb4fULL);

	h ^= h >> 29;
	return (u32)((h * 0x165667b19e3779f9ULL) >> 32) & mask;
}

static void hash6_build(struct hash6 *h, const struct pmtufix_pfx6 *p, u32 n)
{
	bool seen[129] = { false };
	u32 size = 1, i;
	int l;

	while (size < 2 * n)
		size <<= 1;
	h->slot = xcalloc(size, sizeof(*h->slot));
	h->mask = size - 1;
	for (i = 0; i < size; i++)
		h->slot[i].val = ~0U;
	for (i = 0; i < n; i++) {
		u32 s = hash6_slot(&p[i].addr, p[i].plen, h->mask);

		while (h->slot[s].val != ~0U)
			s = (s + 1) & h->mask;
		h->slot[s].addr = p[i].addr;
		h->slot[s].val = i << 8 | p[i].plen;
		seen[p[i].plen] = true;
	}
	h->nlens = 0;
	for (l = 128; l >= 0; l--) {
		if (seen[l]) {
			h->masks[h->nlens] = mask6(l);
			h->lens[h->nlens++] = l;
		}
	}
}

static u32 hash6_lookup(const struct hash6 *h, const struct pmtufix_u128 *addr)
{
	unsigned int i;

	for (i = 0; i < h->nlens; i++) {
		struct pmtufix_u128 a = {
			addr->hi & h->masks[i].hi, addr->lo & h->masks[i].lo
		};
		u32 s = hash6_slot(&a, h->lens[i], h->mask);

		for (;;) {
			const struct slot6 *e = &h->slot[s];

			if (e->val == ~0U)
				break;
			if (e->addr.hi == a.hi && e->addr.lo == a.lo &&
			    (e->val & 0xff) == h->lens[i])
				return e->val >> 8;
			s = (s + 1) & h->mask;
		}
	}
	return PMTUFIX_LPM_NONE;
}

static u32 naive6(const struct pmtufix_pfx6 *p, u32 n,
		  const struct pmtufix_u128 *addr)
{
	u32 best = PMTUFIX_LPM_NONE, i;
	int len = -1;

	for (i = 0; i < n; i++) {
		struct pmtufix_u128 m = mask6(p[i].plen);

		if ((addr->hi & m.hi) == p[i].addr.hi &&
		    (addr->lo & m.lo) == p[i].addr.lo && p[i].plen > len) {
			best = i;
			len = p[i].plen;
		}
	}
	return best;
}

static void time6(struct timing *t, enum impl impl,
		  const struct pmtufix_lpm6 *lpm, const struct hash6 *h,
		  const struct pmtufix_pfx6 *p, u32 n,
		  const struct pmtufix_u128 *q, u32 nq)
{
	unsigned int r;

	t->sec = 1e9;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now(), sec;
		u32 i, hits = 0, sum = 0;

		for (i = 0; i < nq; i++) {
			u32 v;

			if (impl == LPM)
				v = pmtufix_lpm6_lookup(lpm, &q[i]);
			else if (impl == HASH)
				v = hash6_lookup(h, &q[i]);
			else
				v = naive6(p, n, &q[i]);
			hits += v != PMTUFIX_LPM_NONE;
			sum += v;
		}
		sec = now() - t0;
		sink = sum;
		if (sec < t->sec)
			t->sec = sec;
		t->hits = hits;
	}
}

static void queries6(struct pmtufix_u128 *q, u32 nq,
		     const struct pmtufix_pfx6 *p, u32 n, bool hit)
{
	u32 i;

	for (i = 0; i < nq; i++) {
		const struct pmtufix_pfx6 *e = &p[rnd() % n];
		struct pmtufix_u128 m = mask6(e->plen);

		if (hit) {
			q[i].hi = e->addr.hi | (rnd() & ~m.hi);
			q[i].lo = e->addr.lo | (rnd() & ~m.lo);
		} else {
			q[i].hi = rnd() >> 3 | 1ULL << 61;
			q[i].lo = rnd();
		}
	}
}

static void bench6(u32 n)
{
	struct pmtufix_pfx6 *p = xcalloc(n, sizeof(*p));
	size_t cap = pmtufix_lpm_max_ranges(n);
	struct pmtufix_lpm6 plain, t = {
		.start = xcalloc(cap, sizeof(struct pmtufix_u128)),
		.value = xcalloc(cap, sizeof(u32)),
	};
	struct pmtufix_u128 *q = xcalloc(QUERIES, sizeof(*q));
	size_t rsize = sizeof(struct pmtufix_u128) + sizeof(u32);
	u32 *idx = xcalloc(pmtufix_lpm_index_max_slots(n), sizeof(u32));
	struct timing lt, pt, ht;
	struct hash6 *h = xcalloc(1, sizeof(*h));
	double t0, build = 1e9, ibuild, hbuild, sort;
	unsigned int l, r, mid = 0;
	u32 i, bad;

	gen6(p, n);
	for (i = 0; i < n; i++)
		mid += p[i].plen >= 32 && p[i].plen <= 64;
	printf("IPv6: %u prefixes; /32-/64 %.1f%%\n", n, 100.0 * mid / n);
	for (i = 0; i < n; i++) {
		u32 j = rnd() % n;
		struct pmtufix_pfx6 x = p[i];

		p[i] = p[j];
		p[j] = x;
	}
	t0 = now();
	sort_unique6(p, n);
	sort = now() - t0;
	for (r = 0; r < ROUNDS; r++) {
		t0 = now();
		if (!pmtufix_lpm6_build(&t, p, n))
			printf("  build refused the prefixes\n");
		if (now() - t0 < build)
			build = now() - t0;
	}
	plain = t;
	t0 = now();
	pmtufix_lpm6_index(&t, idx);
	ibuild = now() - t0;
	t0 = now();
	hash6_build(h, p, n);
	hbuild = now() - t0;

	printf("  build          %8.1f ms  (%.1f ns/prefix; sorting first: %.1f ms)\n",
	       build * 1e3, build * 1e9 / n, sort * 1e3);
	printf("  index          %8.1f ms  (%u slots, %.1f KiB)\n", ibuild * 1e3,
	       t.nslots, t.nslots * 4.0 / 1024);
	printf("  ranges         %8u     (%.2f per prefix, bound %zu)\n", t.n,
	       (double)t.n / n, cap);
	printf("  memory         %8.1f MB  (%.1f bytes/prefix used, %.1f allocated for the bound)\n",
	       t.n * (double)rsize / 1e6, t.n * (double)rsize / n,
	       cap * (double)rsize / n);
	printf("  per-length hash: build %.1f ms, %.1f MB (%.1f bytes/prefix), %u lengths\n",
	       hbuild * 1e3, (h->mask + 1.0) * sizeof(struct slot6) / 1e6,
	       (h->mask + 1.0) * sizeof(struct slot6) / n, h->nlens);

	for (l = 0; l < 2; l++) {
		queries6(q, QUERIES, p, n, l);
		bad = 0;
		for (i = 0; i < QUERIES; i++)
			bad += pmtufix_lpm6_lookup(&t, &q[i]) !=
			       hash6_lookup(h, &q[i]);
		time6(&pt, LPM, &plain, h, p, n, q, QUERIES);
		time6(&lt, LPM, &t, h, p, n, q, QUERIES);
		time6(&ht, HASH, &t, h, p, n, q, QUERIES);
		printf("  lookup, %s addresses (%.1f%% match; %u disagree):\n",
		       l ? "matching" : "random 2000::/3",
		       100.0 * lt.hits / QUERIES, bad);
		report_lookup("ranges", &pt, QUERIES);
		report_lookup("ranges, indexed", &lt, QUERIES);
		report_lookup("per-length hash", &ht, QUERIES);
		printf("    %-24s %7.2fx\n", "indexed vs ranges",
		       pt.sec / lt.sec);
		printf("    %-24s %7.2fx\n", "indexed vs hash",
		       ht.sec / lt.sec);
	}

	for (l = 0; l < 2; l++) {
		u32 m = l ? 1000 : 100, nq = l ? 20000 : 200000;
		struct pmtufix_pfx6 *s = xcalloc(m, sizeof(*s));
		struct timing nt;

		for (i = 0; i < m; i++)
			s[i] = p[rnd() % n];
		m = sort_unique6(s, m);
		pmtufix_lpm6_build(&t, s, m);
		pmtufix_lpm6_index(&t, idx);
		queries6(q, nq, s, m, true);
		bad = 0;
		for (i = 0; i < nq; i++)
			bad += pmtufix_lpm6_lookup(&t, &q[i]) !=
			       naive6(s, m, &q[i]);
		time6(&lt, LPM, &t, NULL, s, m, q, nq);
		time6(&nt, NAIVE, NULL, NULL, s, m, q, nq);
		printf("  %u prefixes, matching addresses (%u disagree):\n", m,
		       bad);
		report_lookup("ranges, indexed", &lt, nq);
		report_lookup("naive scan", &nt, nq);
		printf("    %-24s %7.1fx\n", "indexed vs naive",
		       nt.sec / lt.sec);
		free(s);
	}
	free(h->slot);
	free(h);
	free(q);
	free(t.start);
	free(t.value);
	free(idx);
	free(p);
}

int main(int argc, char **argv)
{
	const char *seed = getenv("PMTUFIX_SEED");
	u32 n4 = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	u32 n6 = argc > 2 ? strtoul(argv[2], NULL, 0) : 200000;

	if (seed)
		rng_state = strtoull(seed, NULL, 0);
	printf("# seed %llu\n", (unsigned long long)rng_state);
	if (n4)
		bench4(n4);
	if (n6)
		bench6(n6);
	return 0;
}

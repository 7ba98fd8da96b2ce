// SPDX-License-Identifier: GPL-2.0
/*
 * A base table with a delta over it against a naive reference: random
 * nested tables of both families, of which random entries are deleted or
 * replaced and new prefixes added, are queried at both sides of both ends
 * of every prefix and at random addresses.  The reference scans the live
 * entries bit by bit for the longest match and names it the way the
 * overlay must: its base index, or its delta index with PMTUFIX_REF_DELTA.
 * Deltas that delete a whole chain of nested prefixes, and deletions under
 * live delta prefixes, must both have occurred.
 */
#include "core/overlay.h"
#include "unit.h"

#define NONE		PMTUFIX_LPM_NONE
#define DELTA		PMTUFIX_REF_DELTA
#define MAX_PFX		512

/* A prefix of either family, 128 bits wide: IPv4 in the top 32. */
struct tpfx {
	struct pmtufix_u128 a;
	unsigned int plen;
	u32 ref;	/* what a lookup must name it, NONE when deleted */
};

static unsigned int bit(const struct pmtufix_u128 *a, unsigned int k)
{
	return k < 64 ? (a->hi >> (63 - k)) & 1 : (a->lo >> (127 - k)) & 1;
}

static void set_bit(struct pmtufix_u128 *a, unsigned int k, unsigned int v)
{
	u64 *w = k < 64 ? &a->hi : &a->lo;
	u64 m = 1ULL << (63 - k % 64);

	*w = v ? *w | m : *w & ~m;
}

static struct pmtufix_u128 cut(struct pmtufix_u128 a, unsigned int from,
			       unsigned int v)
{
	unsigned int k;

	for (k = from; k < 128; k++)
		set_bit(&a, k, v);
	return a;
}

static bool covers(const struct tpfx *p, const struct pmtufix_u128 *a)
{
	unsigned int k;

	for (k = 0; k < p->plen; k++)
		if (bit(&p->a, k) != bit(a, k))
			return false;
	return true;
}

static int tcmp(const void *x, const void *y)
{
	const struct tpfx *a = x, *b = y;

	if (a->a.hi != b->a.hi)
		return a->a.hi < b->a.hi ? -1 : 1;
	if (a->a.lo != b->a.lo)
		return a->a.lo < b->a.lo ? -1 : 1;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static int tcmp_addr(const struct pmtufix_u128 *a, const struct pmtufix_u128 *b)
{
	struct tpfx x = { .a = *a }, y = { .a = *b };

	return tcmp(&x, &y);
}

static u32 normalize(struct tpfx *p, u32 n)
{
	u32 i, m = 0;

	qsort(p, n, sizeof(*p), tcmp);
	for (i = 0; i < n; i++)
		if (!m || tcmp(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

static struct pmtufix_u128 pool[3];

/* Nested and sibling prefixes near a few addresses, of family width @w. */
static struct tpfx rand_pfx(unsigned int w)
{
	struct tpfx p;
	unsigned int k;

	p.a = pool[unit_rand() % 3];
	p.plen = unit_rand() % 4 == 0 ? unit_rand() % (w + 1) :
		 w / 2 + unit_rand() % (w / 4 + 1);
	if (p.plen > w)
		p.plen = w;
	/* A sibling or cousin now and then: flip a bit just above plen. */
	if (p.plen && unit_rand() % 3 == 0) {
		k = p.plen - 1 - unit_rand() % (p.plen < 4 ? p.plen : 4);
		set_bit(&p.a, k, !bit(&p.a, k));
	}
	p.a = cut(p.a, p.plen, 0);
	p.ref = NONE;
	return p;
}

static struct tpfx base[MAX_PFX], delta[2 * MAX_PFX], fresh[MAX_PFX];
static struct pmtufix_pfx4 b4[MAX_PFX], d4[2 * MAX_PFX];
static struct pmtufix_pfx6 b6[MAX_PFX], d6[2 * MAX_PFX];
static struct pmtufix_range4 range4[4 * MAX_PFX + 2], drange4[4 * MAX_PFX + 2];
static struct pmtufix_u128 start6[4 * MAX_PFX + 2], dstart6[4 * MAX_PFX + 2];
static u32 value6[4 * MAX_PFX + 2], dvalue6[4 * MAX_PFX + 2];
static u32 first[1 << PMTUFIX_LPM_INDEX_BITS], res[2 * MAX_PFX];

static struct {
	unsigned long chain_deleted, under_live, queries;
} seen;

/* The reference: the longest live prefix covering @a. */
static u32 ref_lookup(u32 nb, u32 nd, const struct pmtufix_u128 *a)
{
	int best_len = -1;
	u32 best = NONE, i;

	for (i = 0; i < nb + nd; i++) {
		const struct tpfx *p = i < nb ? &base[i] : &delta[i - nb];

		if (p->ref != NONE && covers(p, a) && (int)p->plen > best_len) {
			best = p->ref;
			best_len = p->plen;
		}
	}
	return best;
}

struct table {
	unsigned int w;
	struct pmtufix_lpm4 lpm4;
	struct pmtufix_lpm6 lpm6;
	struct pmtufix_delta4 dt4;
	struct pmtufix_delta6 dt6;
};

static u32 lookup(const struct table *t, const struct pmtufix_u128 *a)
{
	if (t->w == 32)
		return pmtufix_overlay4_lookup(&t->lpm4, b4, &t->dt4,
					       (u32)(a->hi >> 32));
	return pmtufix_overlay6_lookup(&t->lpm6, b6, &t->dt6, a);
}

static void query(const struct table *t, u32 nb, u32 nd,
		  const struct pmtufix_u128 *a, const char *what)
{
	u32 want = ref_lookup(nb, nd, a), got = lookup(t, a);

	seen.queries++;
	CHECK_EQ(got, want, "%s %016llx%016llx", what,
		 (unsigned long long)a->hi, (unsigned long long)a->lo);
}

/* @a plus @d (1 or -1) in the last bit of width @w; false on wrapping. */
static bool step(struct pmtufix_u128 *a, int d, unsigned int w)
{
	struct pmtufix_u128 x = *a;

	if (w == 32) {
		x.hi += d > 0 ? 1ULL << 32 : -(1ULL << 32);
	} else if (d > 0) {
		if (!++x.lo)
			x.hi++;
	} else {
		if (!x.lo--)
			x.hi--;
	}
	if (d > 0 ? tcmp_addr(&x, a) < 0 : tcmp_addr(&x, a) > 0)
		return false;
	*a = x;
	return true;
}

/* First and last address of @p, and the ones just outside. */
static void query_edges(const struct table *t, u32 nb, u32 nd,
			const struct tpfx *p, unsigned int w)
{
	struct pmtufix_u128 lo = p->a, hi = cut(p->a, p->plen, 1);

	if (w == 32)
		hi = cut(hi, 32, 0);
	query(t, nb, nd, &lo, "first");
	query(t, nb, nd, &hi, "last");
	if (step(&lo, -1, w))
		query(t, nb, nd, &lo, "before");
	if (step(&hi, 1, w))
		query(t, nb, nd, &hi, "after");
}

/* What the delta did to the chains, for the coverage checks. */
static void note_shapes(u32 nd)
{
	u32 i, j;

	for (i = 0; i < nd; i++) {
		if (delta[i].ref != NONE)
			continue;
		for (j = 0; j < i; j++) {
			if (delta[j].plen >= delta[i].plen ||
			    !covers(&delta[j], &delta[i].a))
				continue;
			if (delta[j].ref == NONE)
				seen.chain_deleted++;
			else
				seen.under_live++;
		}
	}
}

static void trial(unsigned int w)
{
	u32 nb, nd = 0, nf, i, j, k;
	struct table t = { .w = w };
	u64 lens[PMTUFIX_LENS_WORDS], want[PMTUFIX_LENS_WORDS] = { 0 };
	int del_pct = unit_rand() % 2 ? 60 : 15;

	for (i = 0; i < 3; i++) {
		pool[i].hi = unit_rand();
		pool[i].lo = unit_rand();
		if (w == 32)
			pool[i] = cut(pool[i], 32, 0);
	}
	nb = unit_rand() % (MAX_PFX / 2);
	for (i = 0; i < nb; i++)
		base[i] = rand_pfx(w);
	nb = normalize(base, nb);
	nf = unit_rand() % 40;
	for (i = 0; i < nf; i++)
		fresh[i] = rand_pfx(w);
	nf = normalize(fresh, nf);

	/* Delete or replace some base entries; add some new prefixes. */
	for (i = 0; i < nb; i++) {
		base[i].ref = i;
		want[base[i].plen / 64] |= 1ULL << (base[i].plen % 64);
		k = unit_rand() % 100;
		if (k < (unsigned int)del_pct || k >= 90) {
			delta[nd] = base[i];
			delta[nd].ref = k < (unsigned int)del_pct ? NONE : 0;
			base[i].ref = NONE;
			nd++;
		}
	}
	for (i = 0, j = 0; i < nf; i++) {
		while (j < nb && tcmp(&base[j], &fresh[i]) < 0)
			j++;
		if (j < nb && !tcmp(&base[j], &fresh[i]))
			continue;
		delta[nd] = fresh[i];
		delta[nd++].ref = 0;
	}
	qsort(delta, nd, sizeof(*delta), tcmp);
	for (i = 0; i < nd; i++)
		if (delta[i].ref != NONE)
			delta[i].ref = DELTA | i;
	note_shapes(nd);

	for (i = 0; i < nb; i++) {
		b4[i].addr = (u32)(base[i].a.hi >> 32);
		b4[i].plen = base[i].plen;
		b6[i].addr = base[i].a;
		b6[i].plen = base[i].plen;
	}
	for (i = 0; i < nd; i++) {
		d4[i].addr = (u32)(delta[i].a.hi >> 32);
		d4[i].plen = delta[i].plen;
		d6[i].addr = delta[i].a;
		d6[i].plen = delta[i].plen;
		res[i] = delta[i].ref == NONE ? NONE : DELTA | i;
	}

	if (w == 32) {
		t.lpm4.range = range4;
		CHECK(pmtufix_lpm4_build(&t.lpm4, b4, nb), "base build");
		if (unit_rand() % 2)
			pmtufix_lpm4_index(&t.lpm4, first);
		t.dt4 = (struct pmtufix_delta4){ .n = nd, .pfx = d4, .res = res,
			.lpm = { .range = drange4 } };
		CHECK(pmtufix_lpm4_build(&t.dt4.lpm, d4, nd), "delta build");
		pmtufix_pfx4_lengths(b4, nb, lens);
		pmtufix_delta4_resolve(&t.dt4, b4, nb, lens);
		for (i = 0; i < nb; i++)
			CHECK_EQ(pmtufix_pfx4_find(b4, nb, &b4[i]), i, "find");
		for (i = 0; i < nd; i++)
			if (pmtufix_pfx4_find(b4, nb, &d4[i]) == NONE)
				CHECK(delta[i].ref != NONE, "deleted, not in base");
	} else {
		t.lpm6.start = start6;
		t.lpm6.value = value6;
		CHECK(pmtufix_lpm6_build(&t.lpm6, b6, nb), "base build");
		if (unit_rand() % 2)
			pmtufix_lpm6_index(&t.lpm6, first);
		t.dt6 = (struct pmtufix_delta6){ .n = nd, .pfx = d6, .res = res,
			.lpm = { .start = dstart6, .value = dvalue6 } };
		CHECK(pmtufix_lpm6_build(&t.dt6.lpm, d6, nd), "delta build");
		pmtufix_pfx6_lengths(b6, nb, lens);
		pmtufix_delta6_resolve(&t.dt6, b6, nb, lens);
		for (i = 0; i < nb; i++)
			CHECK_EQ(pmtufix_pfx6_find(b6, nb, &b6[i]), i, "find");
		for (i = 0; i < nd; i++)
			if (pmtufix_pfx6_find(b6, nb, &d6[i]) == NONE)
				CHECK(delta[i].ref != NONE, "deleted, not in base");
	}
	for (i = 0; i < PMTUFIX_LENS_WORDS; i++)
		CHECK_EQ(lens[i], want[i], "lengths word %u", i);

	for (i = 0; i < nb; i++)
		query_edges(&t, nb, nd, &base[i], w);
	for (i = 0; i < nd; i++)
		query_edges(&t, nb, nd, &delta[i], w);
	for (i = 0; i < 64; i++) {
		struct pmtufix_u128 a = pool[unit_rand() % 3];

		a.lo ^= unit_rand() >> (unit_rand() % 64);
		a.hi ^= unit_rand() >> (32 + unit_rand() % 32);
		if (w == 32)
			a = cut(a, 32, 0);
		query(&t, nb, nd, &a, "random");
	}
}

int main(void)
{
	uint64_t seed = unit_seed_from_env();
	unsigned int i;

	printf("# seed %llu\n", (unsigned long long)seed);
	for (i = 0; i < 600; i++)
		trial(i % 2 ? 128 : 32);
	printf("# %lu queries, %lu deletions under deleted prefixes, %lu under live ones\n",
	       seen.queries, seen.chain_deleted, seen.under_live);
	CHECK(seen.chain_deleted > 100, "chains of deleted prefixes");
	CHECK(seen.under_live > 100, "deletions under live delta prefixes");
	return unit_done("overlay");
}

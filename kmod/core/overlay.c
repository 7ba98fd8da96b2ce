// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving a delta over a base (see overlay.h).
 *
 * The delta's prefixes are walked in order, keeping the chain of those
 * that contain the current one on a stack, as lpm.c's build does.  For a
 * deleted prefix, the longest live prefix containing it is the longer of
 * the nearest live one on that stack and the longest base prefix
 * containing it that the delta did not delete.  Only base lengths between
 * the two are probed, each with one binary search; a base prefix the delta
 * replaced is on the stack as a live prefix of the same length, so the
 * probes stop before it.
 *
 * Both families are seen as 128-bit prefixes, IPv4 in the top 32 bits.
 */
#include "overlay.h"

#define STACK_DEPTH	129

struct pfx_view {
	const struct pmtufix_pfx4 *p4;
	const struct pmtufix_pfx6 *p6;
};

static struct pmtufix_pfx6 view_get(const struct pfx_view *v, u32 i)
{
	struct pmtufix_pfx6 p;

	if (v->p4) {
		p.addr.hi = (u64)v->p4[i].addr << 32;
		p.addr.lo = 0;
		p.plen = v->p4[i].plen;
	} else {
		p = v->p6[i];
	}
	return p;
}

/* @a cut to its first @plen bits. */
static struct pmtufix_u128 u128_mask(const struct pmtufix_u128 *a,
				     unsigned int plen)
{
	struct pmtufix_u128 m;

	m.hi = plen >= 64 ? a->hi : plen ? a->hi & ~(~0ULL >> plen) : 0;
	m.lo = plen >= 128 ? a->lo :
	       plen > 64 ? a->lo & ~(~0ULL >> (plen - 64)) : 0;
	return m;
}

static bool pfx_contains(const struct pmtufix_pfx6 *outer,
			 const struct pmtufix_pfx6 *inner)
{
	struct pmtufix_u128 m;

	if (outer->plen > inner->plen)
		return false;
	m = u128_mask(&inner->addr, outer->plen);
	return m.hi == outer->addr.hi && m.lo == outer->addr.lo;
}

static u32 view_find(const struct pfx_view *v, u32 n,
		     const struct pmtufix_pfx6 *key)
{
	struct pmtufix_pfx6 p;
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		p = view_get(v, mid);
		if (pmtufix_pfx6_cmp(&p, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n) {
		p = view_get(v, lo);
		if (!pmtufix_pfx6_cmp(&p, key))
			return lo;
	}
	return PMTUFIX_LPM_NONE;
}

u32 pmtufix_pfx4_find(const struct pmtufix_pfx4 *pfx, u32 n,
		      const struct pmtufix_pfx4 *key)
{
	struct pfx_view v = { .p4 = pfx }, k = { .p4 = key };
	struct pmtufix_pfx6 kp = view_get(&k, 0);

	return view_find(&v, n, &kp);
}

u32 pmtufix_pfx6_find(const struct pmtufix_pfx6 *pfx, u32 n,
		      const struct pmtufix_pfx6 *key)
{
	struct pfx_view v = { .p6 = pfx };

	return view_find(&v, n, key);
}

static void view_lengths(const struct pfx_view *v, u32 n, u64 *lens)
{
	struct pmtufix_pfx6 p;
	u32 i;

	memset(lens, 0, PMTUFIX_LENS_WORDS * sizeof(*lens));
	for (i = 0; i < n; i++) {
		pmtufix_resched(i);
		p = view_get(v, i);
		lens[p.plen / 64] |= 1ULL << (p.plen % 64);
	}
}

void pmtufix_pfx4_lengths(const struct pmtufix_pfx4 *pfx, u32 n, u64 *lens)
{
	struct pfx_view v = { .p4 = pfx };

	view_lengths(&v, n, lens);
}

void pmtufix_pfx6_lengths(const struct pmtufix_pfx6 *pfx, u32 n, u64 *lens)
{
	struct pfx_view v = { .p6 = pfx };

	view_lengths(&v, n, lens);
}

static bool is_live(const u32 *res, u32 k)
{
	return res[k] == (PMTUFIX_REF_DELTA | k);
}

/* The answer for deleted delta prefix @p, the stack holding its chain. */
static u32 resolve_one(const struct pfx_view *dv, const u32 *res,
		       const u32 *stack, unsigned int depth,
		       const struct pfx_view *bv, u32 nbase, const u64 *lens,
		       const struct pmtufix_pfx6 *p)
{
	struct pmtufix_pfx6 q, s;
	u32 best = PMTUFIX_LPM_NONE, i;
	int floor = -1, l;
	unsigned int k;

	for (k = depth; k-- > 0;) {
		if (is_live(res, stack[k])) {
			best = stack[k] | PMTUFIX_REF_DELTA;
			floor = view_get(dv, stack[k]).plen;
			break;
		}
	}
	for (l = (int)p->plen - 1; l > floor; l--) {
		if (!(lens[l / 64] & 1ULL << (l % 64)))
			continue;
		/* Deleted by the delta: it is on the stack, at that length. */
		for (k = 0; k < depth; k++) {
			s = view_get(dv, stack[k]);
			if (s.plen == l)
				break;
		}
		if (k < depth)
			continue;
		q.addr = u128_mask(&p->addr, l);
		q.plen = l;
		i = view_find(bv, nbase, &q);
		if (i != PMTUFIX_LPM_NONE)
			return i;
	}
	return best;
}

static void resolve(const struct pfx_view *dv, u32 *res, u32 n,
		    const struct pfx_view *bv, u32 nbase, const u64 *lens)
{
	u32 stack[STACK_DEPTH], k;
	struct pmtufix_pfx6 p, top;
	unsigned int depth = 0;

	for (k = 0; k < n; k++) {
		pmtufix_resched(k);
		p = view_get(dv, k);
		while (depth) {
			top = view_get(dv, stack[depth - 1]);
			if (pfx_contains(&top, &p))
				break;
			depth--;
		}
		if (res[k] == PMTUFIX_LPM_NONE)
			res[k] = resolve_one(dv, res, stack, depth, bv, nbase,
					     lens, &p);
		/* Sorted and unique: the chain nests strictly, one per length. */
		if (depth < STACK_DEPTH)
			stack[depth++] = k;
	}
}

void pmtufix_delta4_resolve(struct pmtufix_delta4 *d,
			    const struct pmtufix_pfx4 *base, u32 nbase,
			    const u64 *lens)
{
	struct pfx_view dv = { .p4 = d->pfx }, bv = { .p4 = base };

	resolve(&dv, d->res, d->n, &bv, nbase, lens);
}

void pmtufix_delta6_resolve(struct pmtufix_delta6 *d,
			    const struct pmtufix_pfx6 *base, u32 nbase,
			    const u64 *lens)
{
	struct pfx_view dv = { .p6 = d->pfx }, bv = { .p6 = base };

	resolve(&dv, d->res, d->n, &bv, nbase, lens);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A table changed without being rebuilt: a large immutable base (sorted
 * prefixes and their ranges, see lpm.h) and a small delta over it.  Each
 * prefix of the delta is live, when it was added or replaces the base's
 * entry for the same prefix, or deleted, when it removes the base's entry.
 *
 * A lookup asks the base and the delta for their longest matches.  The
 * base's wins when it is strictly longer: a base entry the delta changed
 * would have made the delta's match at least as long.  Otherwise the
 * delta's match decides, through its resolution: itself when live, and for
 * a deleted prefix the longest live prefix that contains it.  That one is
 * the same for every address the deleted prefix answers for (whatever
 * matched longer would have been found first), so it is computed when the
 * delta is built.
 *
 * A lookup yields a reference: a base index, PMTUFIX_REF_DELTA or-ed with
 * a delta index, or PMTUFIX_LPM_NONE.
 */
#ifndef _PMTUFIX_CORE_OVERLAY_H
#define _PMTUFIX_CORE_OVERLAY_H

#include "lpm.h"

#define PMTUFIX_REF_DELTA	(1U << 31)

/* Bit l of word l / 64: some prefix has length l. */
#define PMTUFIX_LENS_WORDS	3

struct pmtufix_delta4 {
	u32 n;
	struct pmtufix_pfx4 *pfx;	/* sorted and unique */
	u32 *res;			/* the resolution of each */
	struct pmtufix_lpm4 lpm;	/* over pfx, values: delta indexes */
};

struct pmtufix_delta6 {
	u32 n;
	struct pmtufix_pfx6 *pfx;
	u32 *res;
	struct pmtufix_lpm6 lpm;
};

/* The lengths of @n prefixes, as PMTUFIX_LENS_WORDS words of bits. */
void pmtufix_pfx4_lengths(const struct pmtufix_pfx4 *pfx, u32 n, u64 *lens);
void pmtufix_pfx6_lengths(const struct pmtufix_pfx6 *pfx, u32 n, u64 *lens);

/* The index of @key in @n sorted, unique prefixes, or PMTUFIX_LPM_NONE. */
u32 pmtufix_pfx4_find(const struct pmtufix_pfx4 *pfx, u32 n,
		      const struct pmtufix_pfx4 *key);
u32 pmtufix_pfx6_find(const struct pmtufix_pfx6 *pfx, u32 n,
		      const struct pmtufix_pfx6 *key);

/*
 * Resolves a delta over @base (@nbase sorted, unique prefixes whose lengths
 * are @lens).  On entry d->res[k] is PMTUFIX_REF_DELTA | k for a live
 * prefix and PMTUFIX_LPM_NONE for a deleted one, which must be in @base;
 * on return each deleted prefix holds the reference of the longest live
 * prefix strictly containing it, or PMTUFIX_LPM_NONE.  d->lpm is not used.
 * O(deleted * lengths * log(nbase)).
 */
void pmtufix_delta4_resolve(struct pmtufix_delta4 *d,
			    const struct pmtufix_pfx4 *base, u32 nbase,
			    const u64 *lens);
void pmtufix_delta6_resolve(struct pmtufix_delta6 *d,
			    const struct pmtufix_pfx6 *base, u32 nbase,
			    const u64 *lens);

/* The reference for @addr: @lpm and @pfx are the base's. */
static inline u32 pmtufix_overlay4_lookup(const struct pmtufix_lpm4 *lpm,
					  const struct pmtufix_pfx4 *pfx,
					  const struct pmtufix_delta4 *d,
					  u32 addr)
{
	u32 b = pmtufix_lpm4_lookup(lpm, addr), k;

	if (!d->n)
		return b;
	k = pmtufix_lpm4_lookup(&d->lpm, addr);
	if (k == PMTUFIX_LPM_NONE ||
	    (b != PMTUFIX_LPM_NONE && pfx[b].plen > d->pfx[k].plen))
		return b;
	return d->res[k];
}

static inline u32 pmtufix_overlay6_lookup(const struct pmtufix_lpm6 *lpm,
					  const struct pmtufix_pfx6 *pfx,
					  const struct pmtufix_delta6 *d,
					  const struct pmtufix_u128 *addr)
{
	u32 b = pmtufix_lpm6_lookup(lpm, addr), k;

	if (!d->n)
		return b;
	k = pmtufix_lpm6_lookup(&d->lpm, addr);
	if (k == PMTUFIX_LPM_NONE ||
	    (b != PMTUFIX_LPM_NONE && pfx[b].plen > d->pfx[k].plen))
		return b;
	return d->res[k];
}

#endif /* _PMTUFIX_CORE_OVERLAY_H */

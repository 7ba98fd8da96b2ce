// SPDX-License-Identifier: GPL-2.0
/*
 * Prefixes to ranges, and the lookup over them.
 *
 * The build sweeps the prefixes in address order, shorter first, keeping
 * the chain of prefixes that contain the current address on a stack.  A
 * prefix opens a range at its first address; when the sweep passes its last
 * address, the range after it belongs to the prefix below it on the stack.
 * Ranges are appended in non-decreasing start order; a range made empty by
 * a later one starting at the same address is overwritten in place.
 *
 * That leaves no adjacent ranges with equal values to merge: a prefix's
 * first range carries an index not used before it, and the range after a
 * prefix carries the prefix around it, while the address just before
 * belongs to the prefix left or to one inside it.  Overwriting an empty
 * range does not change what precedes its start.
 *
 * Prefixes on the stack nest strictly, so it never holds more than one
 * prefix per length: 33 for IPv4, 129 for IPv6.
 *
 * The index is built from the ranges alone, 128 bits wide for both
 * families: a slot holds the range its first address falls in, so the
 * range of any address in the slot is that one or one of those up to the
 * next slot's.  Addresses outside the span of the starts (all starts but
 * the first share the leading bits that define it) fall in the first or the
 * last range without a search.
 */
#include "lpm.h"

#define LPM6_DEPTH	129

/* The low bits of a 64-bit word past the first @plen; @plen may exceed 64. */
static u64 host_bits64(unsigned int plen)
{
	return plen >= 64 ? 0 : ~0ULL >> plen;
}

/* As if the address were the low half of a 64-bit word: no shift by 32. */
static u32 pfx4_hostmask(const struct pmtufix_pfx4 *p)
{
	return (u32)host_bits64(p->plen + 32);
}

static bool pfx4_valid(const struct pmtufix_pfx4 *p)
{
	return p->plen <= 32 && !(p->addr & pfx4_hostmask(p));
}

static u32 pfx4_last(const struct pmtufix_pfx4 *p)
{
	return p->addr | pfx4_hostmask(p);
}

static struct pmtufix_u128 pfx6_hostmask(const struct pmtufix_pfx6 *p)
{
	struct pmtufix_u128 m;

	m.hi = host_bits64(p->plen);
	m.lo = host_bits64(p->plen > 64 ? p->plen - 64 : 0);
	return m;
}

static bool pfx6_valid(const struct pmtufix_pfx6 *p)
{
	struct pmtufix_u128 m = pfx6_hostmask(p);

	return p->plen <= 128 && !(p->addr.hi & m.hi) && !(p->addr.lo & m.lo);
}

static struct pmtufix_u128 pfx6_last(const struct pmtufix_pfx6 *p)
{
	struct pmtufix_u128 m = pfx6_hostmask(p);

	m.hi |= p->addr.hi;
	m.lo |= p->addr.lo;
	return m;
}

static bool u128_eq(const struct pmtufix_u128 *a, const struct pmtufix_u128 *b)
{
	return a->hi == b->hi && a->lo == b->lo;
}

static bool u128_lt(const struct pmtufix_u128 *a, const struct pmtufix_u128 *b)
{
	return a->hi < b->hi || (a->hi == b->hi && a->lo < b->lo);
}

int pmtufix_pfx4_cmp(const struct pmtufix_pfx4 *a, const struct pmtufix_pfx4 *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->plen - (int)b->plen;
}

int pmtufix_pfx6_cmp(const struct pmtufix_pfx6 *a, const struct pmtufix_pfx6 *b)
{
	if (!u128_eq(&a->addr, &b->addr))
		return u128_lt(&a->addr, &b->addr) ? -1 : 1;
	return (int)a->plen - (int)b->plen;
}

/* Starts a range at @start mapping to @val; starts never decrease. */
static void lpm4_emit(struct pmtufix_lpm4 *t, u32 start, u32 val)
{
	if (t->range[t->n - 1].start != start) {
		t->range[t->n].start = start;
		t->n++;
	}
	t->range[t->n - 1].value = val;
}

static void lpm6_emit(struct pmtufix_lpm6 *t, const struct pmtufix_u128 *start,
		      u32 val)
{
	if (!u128_eq(&t->start[t->n - 1], start)) {
		t->start[t->n] = *start;
		t->n++;
	}
	t->value[t->n - 1] = val;
}

static void lpm4_clear(struct pmtufix_lpm4 *t)
{
	t->range[0].start = 0;
	t->range[0].value = PMTUFIX_LPM_NONE;
	t->n = 1;
	t->first = NULL;
	t->nslots = 0;
}

static void lpm6_clear(struct pmtufix_lpm6 *t)
{
	t->start[0].hi = 0;
	t->start[0].lo = 0;
	t->value[0] = PMTUFIX_LPM_NONE;
	t->n = 1;
	t->first = NULL;
	t->nslots = 0;
}

/*
 * One sweep for both families: exactly one of pfx4 and pfx6 (and of t4
 * and t6) is set.  Addresses are handled 128 bits wide, IPv4 in the low 32.
 */
struct lpm_sweep {
	const struct pmtufix_pfx4 *pfx4;
	const struct pmtufix_pfx6 *pfx6;
	struct pmtufix_lpm4 *t4;
	struct pmtufix_lpm6 *t6;
};

/* Whether prefix @i is valid and sorts after the one before it. */
static bool sweep_ok(const struct lpm_sweep *w, u32 i)
{
	if (w->pfx4)
		return pfx4_valid(&w->pfx4[i]) &&
		       (!i || pmtufix_pfx4_cmp(&w->pfx4[i - 1], &w->pfx4[i]) < 0);
	return pfx6_valid(&w->pfx6[i]) &&
	       (!i || pmtufix_pfx6_cmp(&w->pfx6[i - 1], &w->pfx6[i]) < 0);
}

/* The first and last address of prefix @i. */
static void sweep_span(const struct lpm_sweep *w, u32 i,
		       struct pmtufix_u128 *first, struct pmtufix_u128 *last)
{
	if (w->pfx4) {
		first->hi = 0;
		first->lo = w->pfx4[i].addr;
		last->hi = 0;
		last->lo = pfx4_last(&w->pfx4[i]);
	} else {
		*first = w->pfx6[i].addr;
		*last = pfx6_last(&w->pfx6[i]);
	}
}

static void sweep_clear(const struct lpm_sweep *w)
{
	if (w->t4)
		lpm4_clear(w->t4);
	else
		lpm6_clear(w->t6);
}

static void sweep_emit(const struct lpm_sweep *w,
		       const struct pmtufix_u128 *start, u32 val)
{
	if (w->t4)
		lpm4_emit(w->t4, (u32)start->lo, val);
	else
		lpm6_emit(w->t6, start, val);
}

/* Whether prefix @i ends before @addr. */
static bool sweep_before(const struct lpm_sweep *w, u32 i,
			 const struct pmtufix_u128 *addr)
{
	struct pmtufix_u128 first, last;

	sweep_span(w, i, &first, &last);
	return u128_lt(&last, addr);
}

/* The sweep passes the end of prefix @i: @outer owns what follows. */
static void sweep_close(const struct lpm_sweep *w, u32 i, u32 outer)
{
	u64 top_lo = w->pfx4 ? 0xffffffffU : ~0ULL;
	u64 top_hi = w->pfx4 ? 0 : ~0ULL;
	struct pmtufix_u128 first, next;

	sweep_span(w, i, &first, &next);
	if (next.hi == top_hi && next.lo == top_lo)
		return;
	next.lo++;
	if (!next.lo)
		next.hi++;
	sweep_emit(w, &next, outer);
}

static bool lpm_build(const struct lpm_sweep *w, u32 n)
{
	struct pmtufix_u128 first, last;
	u32 stack[LPM6_DEPTH];
	u32 depth = 0, i;

	sweep_clear(w);
	if (n > PMTUFIX_LPM_MAX_PREFIXES)
		return false;
	for (i = 0; i < n; i++) {
		pmtufix_resched(i);
		if (!sweep_ok(w, i)) {
			sweep_clear(w);
			return false;
		}
		sweep_span(w, i, &first, &last);
		while (depth && sweep_before(w, stack[depth - 1], &first)) {
			depth--;
			sweep_close(w, stack[depth],
				    depth ? stack[depth - 1] : PMTUFIX_LPM_NONE);
		}
		sweep_emit(w, &first, i);
		stack[depth++] = i;
	}
	while (depth) {
		depth--;
		sweep_close(w, stack[depth],
			    depth ? stack[depth - 1] : PMTUFIX_LPM_NONE);
	}
	return true;
}

bool pmtufix_lpm4_build(struct pmtufix_lpm4 *t,
			const struct pmtufix_pfx4 *pfx, u32 n)
{
	struct lpm_sweep w = { .pfx4 = pfx, .t4 = t };

	return lpm_build(&w, n);
}

bool pmtufix_lpm6_build(struct pmtufix_lpm6 *t,
			const struct pmtufix_pfx6 *pfx, u32 n)
{
	struct lpm_sweep w = { .pfx6 = pfx, .t6 = t };

	return lpm_build(&w, n);
}

static unsigned int log2_floor(size_t n)
{
	unsigned int l = 0;

	while (n >>= 1)
		l++;
	return l;
}

/* Index bits for @ranges ranges: about one slot a range, up to the most. */
static unsigned int index_bits(size_t ranges)
{
	unsigned int bits = log2_floor(ranges);

	return bits < PMTUFIX_LPM_INDEX_BITS ? bits : PMTUFIX_LPM_INDEX_BITS;
}

size_t pmtufix_lpm_index_max_slots(size_t n)
{
	return (size_t)1 << index_bits(pmtufix_lpm_max_ranges(n));
}

/* The low 64 bits of @a shifted right by @s (0..127). */
static u64 u128_shr64(const struct pmtufix_u128 *a, unsigned int s)
{
	if (s >= 64)
		return a->hi >> (s - 64);
	if (!s)
		return a->lo;
	return a->lo >> s | a->hi << (64 - s);
}

/* @a with @k shifted left by @s (0..127) or-ed in; @k fits past @s. */
static void u128_or_shl(struct pmtufix_u128 *a, u64 k, unsigned int s)
{
	if (s >= 64) {
		a->hi |= k << (s - 64);
	} else {
		a->lo |= k << s;
		if (s)
			a->hi |= k >> (64 - s);
	}
}

/* The leading bits @a and @b share, of 128. */
static unsigned int u128_common(const struct pmtufix_u128 *a,
				const struct pmtufix_u128 *b)
{
	unsigned int n = 0;

	while (n < 128 && !(u128_shr64(a, 127 - n) & 1) ==
			  !(u128_shr64(b, 127 - n) & 1))
		n++;
	return n;
}

/* The ranges of either family seen 128 bits wide, IPv4 in the low 32. */
struct lpm_view {
	const struct pmtufix_range4 *range4;
	const struct pmtufix_u128 *start6;
	u32 n;
};

static struct pmtufix_u128 view_start(const struct lpm_view *v, u32 i)
{
	struct pmtufix_u128 a = { 0, 0 };

	if (v->range4)
		a.lo = v->range4[i].start;
	else
		a = v->start6[i];
	return a;
}

/*
 * Fills @first and returns the shift of an address to its slot, storing
 * the span in @lo and @hi; the number of slots in @nslots, 0 for none.
 */
static unsigned int lpm_index(const struct lpm_view *v, u32 *first,
			      u32 *nslots, struct pmtufix_u128 *lo,
			      struct pmtufix_u128 *hi)
{
	struct pmtufix_pfx6 span;
	struct pmtufix_u128 a, b, m, slot;
	unsigned int bits, shift;
	u32 k, r = 0;

	*nslots = 0;
	/* Two distinct starts past the first, or there is nothing to index. */
	if (v->n < 3)
		return 0;
	a = view_start(v, 1);
	b = view_start(v, v->n - 1);
	span.addr = a;
	span.plen = u128_common(&a, &b);
	bits = index_bits(v->n);
	if (bits > 128U - span.plen)
		bits = 128U - span.plen;
	shift = 128U - span.plen - bits;
	m = pfx6_hostmask(&span);
	lo->hi = a.hi & ~m.hi;
	lo->lo = a.lo & ~m.lo;
	hi->hi = a.hi | m.hi;
	hi->lo = a.lo | m.lo;

	for (k = 0; k < 1U << bits; k++) {
		pmtufix_resched(k);
		slot = *lo;
		u128_or_shl(&slot, k, shift);
		while (r + 1 < v->n) {
			b = view_start(v, r + 1);
			if (u128_lt(&slot, &b))
				break;
			r++;
		}
		first[k] = r;
	}
	*nslots = 1U << bits;
	return shift;
}

void pmtufix_lpm4_index(struct pmtufix_lpm4 *t, u32 *first)
{
	struct lpm_view v = { .range4 = t->range, .n = t->n };
	struct pmtufix_u128 lo, hi;

	t->shift = lpm_index(&v, first, &t->nslots, &lo, &hi);
	t->lo = (u32)lo.lo;
	t->hi = (u32)hi.lo;
	t->first = t->nslots ? first : NULL;
}

void pmtufix_lpm6_index(struct pmtufix_lpm6 *t, u32 *first)
{
	struct lpm_view v = { .start6 = t->start, .n = t->n };

	t->shift = lpm_index(&v, first, &t->nslots, &t->lo, &t->hi);
	t->first = t->nslots ? first : NULL;
}

/*
 * The candidate ranges of an address in slot @k: from first[k] to the
 * range of the next slot's first address, or the last range.
 */
static u32 index_count(const u32 *first, u32 nslots, u32 n, u32 k)
{
	return (k + 1 < nslots ? first[k + 1] : n - 1) - first[k] + 1;
}

/*
 * The last range starting at or below @addr.  start[0] is 0, so there is
 * one.  Every address takes the same ceil(log2(n)) steps over its
 * candidates, each halving them.  Kept as a plain comparison: forcing the
 * IPv6 step free of branches made lookups in large tables several times
 * slower, as the loads of the next step then wait for the comparison.
 */
u32 pmtufix_lpm4_lookup(const struct pmtufix_lpm4 *t, u32 addr)
{
	const struct pmtufix_range4 *r = t->range;
	u32 base = 0, n = t->n, k;

	if (!n)
		return PMTUFIX_LPM_NONE;
	if (t->first) {
		if (addr < t->lo)
			return r[0].value;
		if (addr > t->hi)
			return r[n - 1].value;
		k = (addr - t->lo) >> t->shift;
		base = t->first[k];
		n = index_count(t->first, t->nslots, t->n, k);
	}
	while (n > 1) {
		u32 half = n >> 1;

		if (r[base + half].start <= addr)
			base += half;
		n -= half;
	}
	return r[base].value;
}

u32 pmtufix_lpm6_lookup(const struct pmtufix_lpm6 *t,
			const struct pmtufix_u128 *addr)
{
	const struct pmtufix_u128 *start = t->start;
	u64 hi = addr->hi, lo = addr->lo;
	u32 base = 0, n = t->n, k;

	if (!n)
		return PMTUFIX_LPM_NONE;
	if (t->first) {
		if (u128_lt(addr, &t->lo))
			return t->value[0];
		if (u128_lt(&t->hi, addr))
			return t->value[n - 1];
		k = (u32)u128_shr64(addr, t->shift) & (t->nslots - 1);
		base = t->first[k];
		n = index_count(t->first, t->nslots, t->n, k);
	}
	while (n > 1) {
		u32 half = n >> 1;
		const struct pmtufix_u128 *s = &start[base + half];

		if (s->hi < hi || (s->hi == hi && s->lo <= lo))
			base += half;
		n -= half;
	}
	return t->value[base];
}

struct pmtufix_u128 pmtufix_addr6_from_bytes(const u8 *p)
{
	struct pmtufix_u128 a = { 0, 0 };
	unsigned int i;

	for (i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | p[i];
		a.lo = a.lo << 8 | p[i + 8];
	}
	return a;
}

void pmtufix_addr4_to_bytes(u32 a, u8 *p)
{
	p[0] = a >> 24;
	p[1] = (a >> 16) & 0xff;
	p[2] = (a >> 8) & 0xff;
	p[3] = a & 0xff;
}

void pmtufix_addr6_to_bytes(const struct pmtufix_u128 *a, u8 *p)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		p[i] = (a->hi >> (56 - 8 * i)) & 0xff;
		p[i + 8] = (a->lo >> (56 - 8 * i)) & 0xff;
	}
}

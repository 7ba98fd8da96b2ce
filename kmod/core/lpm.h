/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Longest-prefix match over an immutable table.
 *
 * The prefixes of one family, sorted and unique, are turned once (at load
 * time) into the disjoint address ranges they define: each range starts at
 * an address and maps to the index of the longest prefix covering it, or
 * PMTUFIX_LPM_NONE.  A lookup is one binary search over the range starts.
 * n prefixes give at most 2n + 1 ranges, and adjacent ranges never share a
 * value, so the table is the smallest one that answers like the prefixes.
 *
 * A table is built once into arrays its owner allocated and is never
 * changed afterwards: readers need no locks, a new table replaces an old one
 * whole.  A zeroed struct is a valid table that matches nothing.
 *
 * An index, built after the ranges, bounds the search: all range starts
 * but the first share their leading bits, and the next (up to 16) bits of
 * an address inside that span pick a slot that holds the first candidate
 * range.  With about one slot per range, a lookup in a table of a million
 * prefixes reads the slot and a few neighbouring ranges instead of 21
 * cache lines spread over the table.
 *
 * Addresses are host-order integers: u32 for IPv4, struct pmtufix_u128 for
 * IPv6 (hi holds the first 8 bytes).
 */
#ifndef _PMTUFIX_CORE_LPM_H
#define _PMTUFIX_CORE_LPM_H

#include "types.h"

#define PMTUFIX_LPM_NONE	0xffffffffU

/* Most prefixes in one table: keeps 2n + 1 and every index below NONE. */
#define PMTUFIX_LPM_MAX_PREFIXES	0x7fffffffU

struct pmtufix_u128 {
	u64 hi, lo;
};

/* Packed: 5 bytes instead of 8, in arrays of millions. */
struct pmtufix_pfx4 {
	u32 addr;	/* bits past plen are zero */
	u8 plen;	/* 0..32 */
} __packed;

struct pmtufix_pfx6 {
	struct pmtufix_u128 addr;
	u8 plen;	/* 0..128 */
};

/* Most index bits: 65536 slots, 256 KiB. */
#define PMTUFIX_LPM_INDEX_BITS	16

/*
 * An IPv4 range: its first address beside its prefix, so that a lookup
 * reads both from one cache line.  (IPv6 keeps the two apart: side by side
 * they would take 24 bytes a range instead of 20.)
 */
struct pmtufix_range4 {
	u32 start;
	u32 value;	/* a prefix index or PMTUFIX_LPM_NONE */
};

struct pmtufix_lpm4 {
	u32 n;		/* ranges */
	struct pmtufix_range4 *range;	/* starts ascending, range[0].start == 0 */
	/* The index; none while first is NULL. */
	u32 *first;	/* per slot, the range holding its first address */
	u32 nslots;
	u32 lo, hi;	/* the span of start[1..n-1], whole slots */
	u8 shift;	/* of an address less lo, to its slot */
};

struct pmtufix_lpm6 {
	u32 n;
	struct pmtufix_u128 *start;
	u32 *value;
	u32 *first;
	u32 nslots;
	struct pmtufix_u128 lo, hi;
	u8 shift;	/* of an address, to its slot in the low bits */
};

/* Most ranges pmtufix_lpm*_build() writes for @n prefixes. */
static inline size_t pmtufix_lpm_max_ranges(size_t n)
{
	return 2 * n + 1;
}

/*
 * Order of prefixes in a table: by address, then shorter first (so a
 * prefix comes before the prefixes it contains).  <0, 0, >0 like memcmp.
 */
int pmtufix_pfx4_cmp(const struct pmtufix_pfx4 *a, const struct pmtufix_pfx4 *b);
int pmtufix_pfx6_cmp(const struct pmtufix_pfx6 *a, const struct pmtufix_pfx6 *b);

/*
 * Builds the ranges of @n prefixes sorted by pmtufix_pfx*_cmp() without
 * duplicates; range values are indexes into @pfx.  t->range (IPv6:
 * t->start and t->value) must have room for pmtufix_lpm_max_ranges(n)
 * elements; t->n is set.
 * O(n) time, no allocation, a few hundred bytes of stack.
 *
 * Returns false, leaving a table that matches nothing, when the prefixes
 * are not sorted and unique, a length is out of range, an address has bits
 * set past its length, or @n is above PMTUFIX_LPM_MAX_PREFIXES.
 */
bool pmtufix_lpm4_build(struct pmtufix_lpm4 *t,
			const struct pmtufix_pfx4 *pfx, u32 n);
bool pmtufix_lpm6_build(struct pmtufix_lpm6 *t,
			const struct pmtufix_pfx6 *pfx, u32 n);

/* Most index slots for a table of @n prefixes: what to allocate. */
size_t pmtufix_lpm_index_max_slots(size_t n);

/*
 * Indexes a built table: @first has room for
 * pmtufix_lpm_index_max_slots() of its prefixes.  Sets t->first, or leaves
 * it NULL when the table has fewer than two ranges past the first.  A
 * build drops the index.  O(slots + n).
 */
void pmtufix_lpm4_index(struct pmtufix_lpm4 *t, u32 *first);
void pmtufix_lpm6_index(struct pmtufix_lpm6 *t, u32 *first);

/* The index of the longest prefix covering @addr, or PMTUFIX_LPM_NONE. */
u32 pmtufix_lpm4_lookup(const struct pmtufix_lpm4 *t, u32 addr);
u32 pmtufix_lpm6_lookup(const struct pmtufix_lpm6 *t,
			const struct pmtufix_u128 *addr);

/* Network-order bytes to the host-order forms above, and back. */
static inline u32 pmtufix_addr4_from_bytes(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

struct pmtufix_u128 pmtufix_addr6_from_bytes(const u8 *p);
void pmtufix_addr4_to_bytes(u32 a, u8 *p);
void pmtufix_addr6_to_bytes(const struct pmtufix_u128 *a, u8 *p);

#endif /* _PMTUFIX_CORE_LPM_H */

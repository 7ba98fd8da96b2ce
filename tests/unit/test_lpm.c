// SPDX-License-Identifier: GPL-2.0
/*
 * The prefix tables against a deliberately naive reference: scan every
 * prefix, compare it bit by bit, keep the longest that matches.  Random
 * tables of many sizes and shapes are queried at random addresses, at both
 * sides of both ends of every prefix and at both sides of every range start.
 * The IPv6 reference works on network-order bytes, so it shares no address
 * arithmetic with the code under test.  Each table must also keep to the
 * range bound, start at 0, ascend strictly and never repeat a value in
 * adjacent ranges; the generators must have produced /0, full-length,
 * top-of-space, adjacent, shared-end and fully nested prefixes.  Hand-written
 * tables pin the exact ranges of the edge cases and the refusal of bad input.
 */
#include "core/lpm.h"
#include "unit.h"

#define NONE		PMTUFIX_LPM_NONE
#define MAX_PFX		4096
#define RAW_MAX		(MAX_PFX + 512)

/* ---------------------------------------------------------------- IPv4 */

static u32 ref4(const struct pmtufix_pfx4 *pfx, u32 n, u32 addr)
{
	u32 best = NONE, i;
	int best_len = -1;

	for (i = 0; i < n; i++) {
		unsigned int k;

		for (k = 0; k < pfx[i].plen; k++)
			if (((addr ^ pfx[i].addr) >> (31 - k)) & 1)
				break;
		if (k == pfx[i].plen && (int)k > best_len) {
			best = i;
			best_len = k;
		}
	}
	return best;
}

static u32 mask4(u32 a, unsigned int plen)
{
	unsigned int k;

	for (k = plen; k < 32; k++)
		a &= ~(1U << (31 - k));
	return a;
}

static u32 last4(u32 a, unsigned int plen)
{
	unsigned int k;

	for (k = plen; k < 32; k++)
		a |= 1U << (31 - k);
	return a;
}

static int raw4_cmp(const void *x, const void *y)
{
	const struct pmtufix_pfx4 *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

/* Sorts and removes duplicates; the order is the test's own. */
static u32 normalize4(struct pmtufix_pfx4 *p, u32 n)
{
	u32 i, m = 0;

	qsort(p, n, sizeof(*p), raw4_cmp);
	for (i = 0; i < n; i++)
		if (!m || raw4_cmp(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

static u32 pool4[4];

/* Addresses near 0, near the top, near a few bases, or anywhere. */
static u32 rand_addr4(void)
{
	u32 r = unit_rand();
	unsigned int k = unit_rand() % 33;
	u32 low = k == 32 ? 0 : r >> k;

	switch (unit_rand() % 5) {
	case 0:
		return low;
	case 1:
		return ~low;
	case 2:
	case 3:
		return pool4[unit_rand() % 4] ^ low;
	default:
		return r;
	}
}

static unsigned int rand_plen4(void)
{
	static const u8 special[] = { 0, 1, 2, 8, 16, 24, 30, 31, 32 };

	if (unit_rand() % 4 == 0)
		return special[unit_rand() % sizeof(special)];
	return unit_rand() % 33;
}

enum shape { RANDOM, NESTED, CHAINS, SIBLINGS, EDGES, MIXED, SHAPES };

static const char *const shape_name[SHAPES] = {
	"random", "nested", "chains", "siblings", "edges", "mixed",
};

static u32 add4(struct pmtufix_pfx4 *p, u32 n, u32 addr, unsigned int plen)
{
	if (n < RAW_MAX) {
		p[n].addr = mask4(addr, plen);
		p[n].plen = plen;
		n++;
	}
	return n;
}

/* Appends about @want prefixes of one shape to @p[n..]. */
static u32 gen4(enum shape s, struct pmtufix_pfx4 *p, u32 n, u32 want)
{
	u32 end = n + want > MAX_PFX ? MAX_PFX : n + want;
	unsigned int k, l, c;

	while (n < end) {
		enum shape cur = s == MIXED ? unit_rand() % MIXED : s;
		u32 a = rand_addr4();

		switch (cur) {
		case RANDOM:
			a = unit_rand();
			n = add4(p, n, a, rand_plen4());
			break;
		case NESTED:
			/* Few bases: almost every prefix contains or is
			 * contained in another.
			 */
			a = pool4[unit_rand() % 2];
			if (unit_rand() % 3 == 0)
				a ^= 1U << (unit_rand() % 32);
			n = add4(p, n, a, rand_plen4());
			break;
		case CHAINS:
			/* Every length of one address, and some siblings. */
			for (l = 0; l <= 32; l++) {
				n = add4(p, n, a, l);
				if (l && unit_rand() % 2)
					n = add4(p, n, a ^ (1U << (32 - l)), l);
			}
			break;
		case SIBLINGS:
			/* All or most 2^k children of a parent, some split. */
			l = unit_rand() % 28;
			k = 1 + unit_rand() % 4;
			if (unit_rand() % 2)
				n = add4(p, n, a, l);
			for (c = 0; c < (1U << k); c++) {
				u32 child = mask4(a, l) | c << (32 - l - k);

				if (unit_rand() % 4)
					n = add4(p, n, child, l + k);
				if (unit_rand() % 4 == 0)
					n = add4(p, n, child | 1U << (31 - l - k),
						 l + k + 1);
			}
			break;
		case EDGES:
			a = unit_rand() % 2 ? 0 : 0xffffffffU;
			k = 32 + unit_rand() % 32;
			a ^= (u32)(unit_rand() >> k);
			n = add4(p, n, a, rand_plen4());
			break;
		default:
			break;
		}
	}
	return n;
}

/*
 * What the random tables exercised, so that a generator which stops
 * producing the awkward cases fails the test instead of weakening it.
 */
static struct {
	unsigned long tables, zero_len, full_len, top, adjacent, shared_end;
	unsigned int depth;
} cov;

static void cover(bool zero, bool full, bool top, bool adj, bool end,
		  unsigned int depth)
{
	cov.tables++;
	cov.zero_len += zero;
	cov.full_len += full;
	cov.top += top;
	cov.adjacent += adj;
	cov.shared_end += end;
	if (depth > cov.depth)
		cov.depth = depth;
}

static void check_coverage(const char *family, unsigned int width)
{
	printf("# %s: %lu tables; with /0 %lu, /%u %lu, reaching the top %lu, adjacent %lu, shared end %lu; deepest %u\n",
	       family, cov.tables, cov.zero_len, width, cov.full_len, cov.top,
	       cov.adjacent, cov.shared_end, cov.depth);
	CHECK(cov.zero_len > 20, "%s: %lu of %lu tables with a /0", family,
	      cov.zero_len, cov.tables);
	CHECK(cov.full_len > 20, "%s: %lu tables with a /%u", family,
	      cov.full_len, width);
	CHECK(cov.top > 20, "%s: %lu tables reaching the top", family,
	      cov.top);
	CHECK(cov.adjacent > 20, "%s: %lu tables with adjacent prefixes",
	      family, cov.adjacent);
	CHECK(cov.shared_end > 20, "%s: %lu tables with a shared end", family,
	      cov.shared_end);
	CHECK(cov.depth == width + 1, "%s: deepest nesting %u", family,
	      cov.depth);
	memset(&cov, 0, sizeof(cov));
}

struct result {
	unsigned long queries, wrong;
	u32 addr, got, want;
	char addr6[40];
};

static void coverage4(const struct pmtufix_pfx4 *p, u32 n)
{
	bool zero = false, full = false, top = false, adj = false, end = false;
	unsigned int depth = 0, deepest = 0;
	u32 stack[33], i;

	for (i = 0; i < n; i++) {
		u32 last = last4(p[i].addr, p[i].plen);

		zero |= p[i].plen == 0;
		full |= p[i].plen == 32;
		top |= p[i].plen && last == 0xffffffff;
		if (i) {
			u32 prev = last4(p[i - 1].addr, p[i - 1].plen);

			adj |= prev != 0xffffffff && prev + 1 == p[i].addr;
			end |= prev == last;
		}
		while (depth && last4(p[stack[depth - 1]].addr,
				      p[stack[depth - 1]].plen) < p[i].addr)
			depth--;
		if (depth < 33)
			stack[depth++] = i;
		if (depth > deepest)
			deepest = depth;
	}
	cover(zero, full, top, adj, end, deepest);
}

static void query4(struct result *r, const struct pmtufix_lpm4 *t,
		   const struct pmtufix_pfx4 *pfx, u32 n, u32 addr)
{
	u32 got = pmtufix_lpm4_lookup(t, addr);
	u32 want = ref4(pfx, n, addr);

	r->queries++;
	if (got != want && !r->wrong++) {
		r->addr = addr;
		r->got = got;
		r->want = want;
	}
}

/* The ranges are well formed, within bound, and answer like the reference. */
static void check_table4(const char *name, const struct pmtufix_pfx4 *pfx,
			 u32 n)
{
	size_t cap = pmtufix_lpm_max_ranges(n);
	struct pmtufix_lpm4 t = {
		.range = malloc(cap * sizeof(struct pmtufix_range4)),
	};
	size_t slots = pmtufix_lpm_index_max_slots(n);
	u32 *idx = malloc(slots * sizeof(u32));
	struct result r = { 0 };
	u32 i, bad_order = 0, bad_value = 0, same_value = 0;
	unsigned int pass;

	if (!t.range || !idx)
		abort();
	coverage4(pfx, n);
	for (i = 1; i < n; i++)
		CHECK(pmtufix_pfx4_cmp(&pfx[i - 1], &pfx[i]) < 0 &&
		      pmtufix_pfx4_cmp(&pfx[i], &pfx[i - 1]) > 0,
		      "%s: cmp disagrees at %u", name, i);
	CHECK(pmtufix_lpm4_build(&t, pfx, n), "%s n %u: build failed", name, n);
	CHECK(t.n >= 1 && t.n <= cap, "%s n %u: %u ranges", name, n, t.n);
	if (t.n < 1 || t.n > cap)
		goto out;
	CHECK_EQ(t.range[0].start, 0, "%s n %u: first start", name, n);
	for (i = 0; i < t.n; i++) {
		if (i && t.range[i - 1].start >= t.range[i].start)
			bad_order++;
		if (i && t.range[i - 1].value == t.range[i].value)
			same_value++;
		if (t.range[i].value != NONE && t.range[i].value >= n)
			bad_value++;
	}
	CHECK(!bad_order, "%s n %u: %u starts not ascending", name, n,
	      bad_order);
	CHECK(!same_value, "%s n %u: %u adjacent ranges share a value", name,
	      n, same_value);
	CHECK(!bad_value, "%s n %u: %u values out of range", name, n,
	      bad_value);

	/* The same queries with the index, and at each slot's edges. */
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			pmtufix_lpm4_index(&t, idx);
			CHECK(t.nslots <= slots && (t.n < 3 || t.first),
			      "%s n %u: %u slots of %zu", name, n, t.nslots,
			      slots);
			for (i = 0; t.first && i < t.nslots; i++) {
				u32 at = t.lo + (i << t.shift);

				query4(&r, &t, pfx, n, at - 1);
				query4(&r, &t, pfx, n, at);
			}
			if (t.first)
				query4(&r, &t, pfx, n, t.hi + 1);
		}
		for (i = 0; i < n; i++) {
			u32 first = pfx[i].addr, last = last4(first, pfx[i].plen);

			query4(&r, &t, pfx, n, first - 1);
			query4(&r, &t, pfx, n, first);
			query4(&r, &t, pfx, n, last);
			query4(&r, &t, pfx, n, last + 1);
			query4(&r, &t, pfx, n, first | ((u32)unit_rand() &
							 (last ^ first)));
		}
		for (i = 0; i < t.n; i++) {
			query4(&r, &t, pfx, n, t.range[i].start - 1);
			query4(&r, &t, pfx, n, t.range[i].start);
		}
		for (i = 0; i < 64; i++)
			query4(&r, &t, pfx, n, rand_addr4());
	}
	CHECK(!r.wrong,
	      "%s n %u: %lu of %lu lookups wrong, first %08x: got %u want %u",
	      name, n, r.wrong, r.queries, r.addr, r.got, r.want);
out:
	free(t.range);
	free(idx);
}

static struct pmtufix_pfx4 tab4[RAW_MAX];

static void test_random4(void)
{
	static const u32 sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13, 32, 33, 64,
				     100, 300, 1000, 2000 };
	unsigned int s, z, rep;

	for (s = 0; s < SHAPES; s++) {
		for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			unsigned int reps = sizes[z] <= 100 ? 20 :
					    sizes[z] <= 300 ? 4 : 1;

			for (rep = 0; rep < reps; rep++) {
				u32 n, i;

				for (i = 0; i < 4; i++)
					pool4[i] = unit_rand();
				n = gen4(s, tab4, 0, sizes[z]);
				n = normalize4(tab4, n);
				check_table4(shape_name[s], tab4, n);
			}
		}
	}
	check_coverage("IPv4", 32);
}

#define P4(a, b, c, d, len) \
	{ .addr = (u32)(a) << 24 | (b) << 16 | (c) << 8 | (d), .plen = (len) }
#define A4(a, b, c, d) ((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* Builds @pfx and expects exactly @nr ranges. */
static void build4(struct pmtufix_lpm4 *t, struct pmtufix_range4 *range,
		   const struct pmtufix_pfx4 *pfx, u32 n, u32 nr,
		   const char *name)
{
	t->range = range;
	CHECK(pmtufix_lpm4_build(t, pfx, n), "%s: build", name);
	CHECK_EQ(t->n, nr, "%s: ranges", name);
	check_table4(name, pfx, n);
}

static void test_cases4(void)
{
	static const struct pmtufix_pfx4 all[] = { P4(0, 0, 0, 0, 0) };
	static const struct pmtufix_pfx4 top[] = { P4(255, 255, 255, 255, 32) };
	static const struct pmtufix_pfx4 bottom[] = { P4(0, 0, 0, 0, 32) };
	static const struct pmtufix_pfx4 chain[] = {
		P4(10, 0, 0, 0, 8), P4(10, 0, 0, 0, 16), P4(10, 0, 0, 0, 24),
		P4(10, 0, 0, 0, 32),
	};
	static const struct pmtufix_pfx4 halves[] = {
		P4(10, 0, 0, 0, 25), P4(10, 0, 0, 128, 25),
	};
	static const struct pmtufix_pfx4 shadowed[] = {
		P4(0, 0, 0, 0, 0), P4(0, 0, 0, 0, 1), P4(128, 0, 0, 0, 1),
	};
	static const struct pmtufix_pfx4 top_chain[] = {
		P4(0, 0, 0, 0, 0), P4(255, 0, 0, 0, 8),
		P4(255, 255, 255, 0, 24), P4(255, 255, 255, 255, 32),
	};
	static const struct pmtufix_pfx4 same_end[] = {
		P4(10, 0, 0, 0, 8), P4(10, 255, 0, 0, 16),
		P4(10, 255, 255, 255, 32), P4(11, 0, 0, 0, 8),
	};
	static const struct pmtufix_pfx4 unsorted[] = {
		P4(10, 0, 0, 0, 16), P4(10, 0, 0, 0, 8),
	};
	static const struct pmtufix_pfx4 dup[] = {
		P4(10, 0, 0, 0, 8), P4(10, 0, 0, 0, 8),
	};
	static const struct pmtufix_pfx4 host_bits[] = { P4(10, 0, 0, 1, 24) };
	static const struct pmtufix_pfx4 too_long[] = { P4(10, 0, 0, 1, 33) };
	struct pmtufix_lpm4 t, zero = { 0 };
	struct pmtufix_range4 range[16];
	u8 b[4];

	CHECK_EQ(pmtufix_lpm4_lookup(&zero, 0), NONE, "zeroed table");

	build4(&t, range, NULL, 0, 1, "empty");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0x01020304), NONE, "empty");

	build4(&t, range, all, 1, 1, "/0");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0), 0, "/0 at 0");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xffffffff), 0, "/0 at top");

	build4(&t, range, top, 1, 2, "top /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xfffffffe), NONE, "below top /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xffffffff), 0, "top /32");

	build4(&t, range, bottom, 1, 2, "bottom /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0), 0, "bottom /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 1), NONE, "above bottom /32");

	build4(&t, range, chain, 4, 6, "chain");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 0)), 3, "chain /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 1)), 2, "chain /24");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 1, 0)), 1, "chain /16");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 1, 0, 0)), 0, "chain /8");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(9, 255, 255, 255)), NONE, "below");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(11, 0, 0, 0)), NONE, "above");

	build4(&t, range, halves, 2, 4, "adjacent halves");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 127)), 0, "first half");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 128)), 1, "second half");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 0, 1, 0)), NONE, "after");

	/* The /0 is never the answer: its ranges vanish. */
	build4(&t, range, shadowed, 3, 2, "shadowed /0");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(127, 255, 255, 255)), 1, "low /1");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(128, 0, 0, 0)), 2, "high /1");

	build4(&t, range, top_chain, 4, 4, "chain at the top");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xffffffff), 3, "top chain /32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xfffffffe), 2, "top chain /24");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, 0xfffffeff), 1, "top chain /8");

	/* Three prefixes end together; the next /8 starts right after. */
	build4(&t, range, same_end, 4, 6, "shared end");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 255, 255, 254)), 1, "/16");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(10, 255, 255, 255)), 2, "/32");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(11, 0, 0, 0)), 3, "next /8");
	CHECK_EQ(pmtufix_lpm4_lookup(&t, A4(12, 0, 0, 0)), NONE, "after");

	/* Bad input is refused and leaves a table that matches nothing. */
	t.range = range;
	CHECK(!pmtufix_lpm4_build(&t, unsorted, 2), "unsorted accepted");
	CHECK(t.n == 1 && pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 0)) == NONE,
	      "unsorted: table not empty");
	CHECK(!pmtufix_lpm4_build(&t, dup, 2), "duplicate accepted");
	CHECK(t.n == 1 && pmtufix_lpm4_lookup(&t, A4(10, 0, 0, 0)) == NONE,
	      "duplicate: table not empty");
	CHECK(!pmtufix_lpm4_build(&t, host_bits, 1), "host bits accepted");
	CHECK(!pmtufix_lpm4_build(&t, too_long, 1), "/33 accepted");
	CHECK(!pmtufix_lpm4_build(&t, all, PMTUFIX_LPM_MAX_PREFIXES + 1U),
	      "too many accepted");
	CHECK(t.n == 1 && pmtufix_lpm4_lookup(&t, 0) == NONE,
	      "too many: table not empty");

	CHECK(pmtufix_pfx4_cmp(&chain[0], &chain[1]) < 0, "shorter first");
	CHECK(pmtufix_pfx4_cmp(&chain[1], &chain[1]) == 0, "equal");
	CHECK(pmtufix_pfx4_cmp(&halves[1], &chain[3]) > 0, "by address");
	CHECK(pmtufix_pfx4_cmp(&top[0], &all[0]) > 0, "unsigned order");

	CHECK_EQ(pmtufix_addr4_from_bytes((const u8 []){ 192, 0, 2, 1 }),
		 0xc0000201, "from bytes");
	pmtufix_addr4_to_bytes(0xc0000201, b);
	CHECK(b[0] == 192 && b[1] == 0 && b[2] == 2 && b[3] == 1, "to bytes");
}

/* ---------------------------------------------------------------- IPv6 */

struct raw6 {
	u8 a[16];
	u8 plen;
};

static unsigned int bit6(const u8 *a, unsigned int k)
{
	return (a[k / 8] >> (7 - k % 8)) & 1;
}

static void set_bit6(u8 *a, unsigned int k, unsigned int v)
{
	if (v)
		a[k / 8] |= 0x80 >> (k % 8);
	else
		a[k / 8] &= ~(0x80 >> (k % 8));
}

static u32 ref6(const struct raw6 *pfx, u32 n, const u8 *addr)
{
	u32 best = NONE, i;
	int best_len = -1;

	for (i = 0; i < n; i++) {
		unsigned int k = pfx[i].plen / 8 * 8;

		if (memcmp(addr, pfx[i].a, k / 8))
			continue;
		for (; k < pfx[i].plen; k++)
			if (bit6(addr, k) != bit6(pfx[i].a, k))
				break;
		if (k == pfx[i].plen && (int)k > best_len) {
			best = i;
			best_len = k;
		}
	}
	return best;
}

/* Sets the bits of @a from @from on to @v. */
static void fill6(u8 *a, unsigned int from, unsigned int v)
{
	unsigned int k;

	for (k = from; k < 128; k++)
		set_bit6(a, k, v);
}

/* Adds @d (+1 or -1) to a 128-bit big-endian number, wrapping. */
static void step6(u8 *a, int d)
{
	int i;

	for (i = 15; i >= 0; i--) {
		a[i] += d;
		if (a[i] != (d > 0 ? 0 : 0xff))
			break;
	}
}

static int raw6_cmp(const void *x, const void *y)
{
	const struct raw6 *a = x, *b = y;
	int c = memcmp(a->a, b->a, 16);

	if (c)
		return c;
	return a->plen < b->plen ? -1 : a->plen > b->plen;
}

static u32 normalize6(struct raw6 *p, u32 n)
{
	u32 i, m = 0;

	qsort(p, n, sizeof(*p), raw6_cmp);
	for (i = 0; i < n; i++)
		if (!m || raw6_cmp(&p[m - 1], &p[i]))
			p[m++] = p[i];
	return m;
}

static u8 pool6[4][16];

static void rand_bytes(u8 *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		a[i] = unit_rand();
}

static void rand_addr6(u8 *a)
{
	unsigned int k = unit_rand() % 129, i;
	u8 r[16];

	rand_bytes(a, 16);
	switch (unit_rand() % 5) {
	case 0:
		for (i = 0; i < k; i++)
			set_bit6(a, i, 0);
		break;
	case 1:
		for (i = 0; i < k; i++)
			set_bit6(a, i, 1);
		break;
	case 2:
	case 3:
		memcpy(r, a, 16);
		memcpy(a, pool6[unit_rand() % 4], 16);
		for (i = k; i < 128; i++)
			set_bit6(a, i, bit6(r, i));
		break;
	default:
		break;
	}
}

static unsigned int rand_plen6(void)
{
	static const u8 special[] = { 0, 1, 32, 48, 63, 64, 65, 127, 128 };

	if (unit_rand() % 4 == 0)
		return special[unit_rand() % sizeof(special)];
	return unit_rand() % 129;
}

static u32 add6(struct raw6 *p, u32 n, const u8 *a, unsigned int plen)
{
	if (n < RAW_MAX) {
		memcpy(p[n].a, a, 16);
		fill6(p[n].a, plen, 0);
		p[n].plen = plen;
		n++;
	}
	return n;
}

static u32 gen6(enum shape s, struct raw6 *p, u32 n, u32 want)
{
	u32 end = n + want > MAX_PFX ? MAX_PFX : n + want;
	unsigned int k, l, i;

	while (n < end) {
		enum shape cur = s == MIXED ? unit_rand() % MIXED : s;
		u8 a[16], c[16];

		rand_addr6(a);
		switch (cur) {
		case RANDOM:
			rand_bytes(a, 16);
			n = add6(p, n, a, rand_plen6());
			break;
		case NESTED:
			memcpy(a, pool6[unit_rand() % 2], 16);
			if (unit_rand() % 3 == 0) {
				k = unit_rand() % 128;
				set_bit6(a, k, !bit6(a, k));
			}
			n = add6(p, n, a, rand_plen6());
			break;
		case CHAINS:
			for (l = 0; l <= 128; l++) {
				n = add6(p, n, a, l);
				if (l && unit_rand() % 2) {
					memcpy(c, a, 16);
					set_bit6(c, l - 1, !bit6(c, l - 1));
					n = add6(p, n, c, l);
				}
			}
			break;
		case SIBLINGS:
			l = unit_rand() % 124;
			k = 1 + unit_rand() % 4;
			if (unit_rand() % 2)
				n = add6(p, n, a, l);
			for (i = 0; i < (1U << k); i++) {
				unsigned int j;

				memcpy(c, a, 16);
				for (j = 0; j < k; j++)
					set_bit6(c, l + j, (i >> (k - 1 - j)) & 1);
				if (unit_rand() % 4)
					n = add6(p, n, c, l + k);
				if (unit_rand() % 4 == 0) {
					set_bit6(c, l + k, 1);
					n = add6(p, n, c, l + k + 1);
				}
			}
			break;
		case EDGES:
			k = 1 + unit_rand() % 128;
			fill6(a, 0, unit_rand() % 2);
			for (i = k; i < 128; i++)
				set_bit6(a, i, unit_rand() & 1);
			n = add6(p, n, a, rand_plen6());
			break;
		default:
			break;
		}
	}
	return n;
}

static void coverage6(const struct raw6 *p, u32 n)
{
	static const u8 ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				     0xff, 0xff };
	bool zero = false, full = false, top = false, adj = false, end = false;
	unsigned int depth = 0, deepest = 0;
	u8 last[16], prev[16], next[16];
	u32 stack[129], i;

	for (i = 0; i < n; i++) {
		memcpy(last, p[i].a, 16);
		fill6(last, p[i].plen, 1);
		zero |= p[i].plen == 0;
		full |= p[i].plen == 128;
		top |= p[i].plen && !memcmp(last, ones, 16);
		if (i) {
			memcpy(next, prev, 16);
			step6(next, 1);
			adj |= memcmp(prev, ones, 16) &&
			       !memcmp(next, p[i].a, 16);
			end |= !memcmp(prev, last, 16);
		}
		memcpy(prev, last, 16);
		while (depth) {
			u8 up[16];

			memcpy(up, p[stack[depth - 1]].a, 16);
			fill6(up, p[stack[depth - 1]].plen, 1);
			if (memcmp(up, p[i].a, 16) >= 0)
				break;
			depth--;
		}
		if (depth < 129)
			stack[depth++] = i;
		if (depth > deepest)
			deepest = depth;
	}
	cover(zero, full, top, adj, end, deepest);
}

static void query6(struct result *r, const struct pmtufix_lpm6 *t,
		   const struct raw6 *raw, u32 n, const u8 *addr)
{
	struct pmtufix_u128 a = pmtufix_addr6_from_bytes(addr);
	u32 got = pmtufix_lpm6_lookup(t, &a);
	u32 want = ref6(raw, n, addr);

	r->queries++;
	if (got != want && !r->wrong++) {
		unsigned int i;

		for (i = 0; i < 8; i++)
			snprintf(r->addr6 + 5 * i, 6, "%04x%s",
				 pmtufix_get_be16(addr + 2 * i), i < 7 ? ":" : "");
		r->got = got;
		r->want = want;
	}
}

static int u128_cmp(const struct pmtufix_u128 *a, const struct pmtufix_u128 *b)
{
	u8 x[16], y[16];

	pmtufix_addr6_to_bytes(a, x);
	pmtufix_addr6_to_bytes(b, y);
	return memcmp(x, y, 16);
}

static struct pmtufix_pfx6 pfx6[RAW_MAX];

static void check_table6(const char *name, const struct raw6 *raw, u32 n)
{
	size_t cap = pmtufix_lpm_max_ranges(n);
	struct pmtufix_lpm6 t = {
		.start = malloc(cap * sizeof(struct pmtufix_u128)),
		.value = malloc(cap * sizeof(u32)),
	};
	size_t slots = pmtufix_lpm_index_max_slots(n);
	u32 *idx = malloc(slots * sizeof(u32));
	struct result r = { 0 };
	u32 i, bad_order = 0, bad_value = 0, same_value = 0;
	unsigned int pass;
	u8 a[16];

	if (!t.start || !t.value || !idx || n > RAW_MAX)
		abort();
	coverage6(raw, n);
	for (i = 0; i < n; i++) {
		u8 back[16];

		pfx6[i].addr = pmtufix_addr6_from_bytes(raw[i].a);
		pfx6[i].plen = raw[i].plen;
		pmtufix_addr6_to_bytes(&pfx6[i].addr, back);
		CHECK(!memcmp(back, raw[i].a, 16), "%s: bytes round trip", name);
	}
	for (i = 1; i < n; i++)
		CHECK(pmtufix_pfx6_cmp(&pfx6[i - 1], &pfx6[i]) < 0 &&
		      pmtufix_pfx6_cmp(&pfx6[i], &pfx6[i - 1]) > 0,
		      "%s: cmp disagrees at %u", name, i);
	CHECK(pmtufix_lpm6_build(&t, pfx6, n), "%s n %u: build failed", name,
	      n);
	CHECK(t.n >= 1 && t.n <= cap, "%s n %u: %u ranges", name, n, t.n);
	if (t.n < 1 || t.n > cap)
		goto out;
	CHECK(!t.start[0].hi && !t.start[0].lo, "%s n %u: first start", name,
	      n);
	for (i = 0; i < t.n; i++) {
		if (i && u128_cmp(&t.start[i - 1], &t.start[i]) >= 0)
			bad_order++;
		if (i && t.value[i - 1] == t.value[i])
			same_value++;
		if (t.value[i] != NONE && t.value[i] >= n)
			bad_value++;
	}
	CHECK(!bad_order, "%s n %u: %u starts not ascending", name, n,
	      bad_order);
	CHECK(!same_value, "%s n %u: %u adjacent ranges share a value", name,
	      n, same_value);
	CHECK(!bad_value, "%s n %u: %u values out of range", name, n,
	      bad_value);

	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			pmtufix_lpm6_index(&t, idx);
			CHECK(t.nslots <= slots && (t.n < 3 || t.first),
			      "%s n %u: %u slots of %zu", name, n, t.nslots,
			      slots);
			for (i = 0; t.first && i < t.nslots; i++) {
				unsigned int k, bits = 0;

				while ((1U << bits) < t.nslots)
					bits++;
				pmtufix_addr6_to_bytes(&t.lo, a);
				for (k = 0; k < bits; k++)
					set_bit6(a, 127 - t.shift - k,
						 (i >> k) & 1);
				query6(&r, &t, raw, n, a);
				step6(a, -1);
				query6(&r, &t, raw, n, a);
			}
			if (t.first) {
				pmtufix_addr6_to_bytes(&t.hi, a);
				step6(a, 1);
				query6(&r, &t, raw, n, a);
			}
		}
		for (i = 0; i < n; i++) {
			unsigned int k;

			memcpy(a, raw[i].a, 16);
			query6(&r, &t, raw, n, a);
			step6(a, -1);
			query6(&r, &t, raw, n, a);
			memcpy(a, raw[i].a, 16);
			fill6(a, raw[i].plen, 1);
			query6(&r, &t, raw, n, a);
			step6(a, 1);
			query6(&r, &t, raw, n, a);
			memcpy(a, raw[i].a, 16);
			for (k = raw[i].plen; k < 128; k++)
				set_bit6(a, k, unit_rand() & 1);
			query6(&r, &t, raw, n, a);
		}
		for (i = 0; i < t.n; i++) {
			pmtufix_addr6_to_bytes(&t.start[i], a);
			query6(&r, &t, raw, n, a);
			step6(a, -1);
			query6(&r, &t, raw, n, a);
		}
		for (i = 0; i < 64; i++) {
			rand_addr6(a);
			query6(&r, &t, raw, n, a);
		}
	}
	CHECK(!r.wrong,
	      "%s n %u: %lu of %lu lookups wrong, first %s: got %u want %u",
	      name, n, r.wrong, r.queries, r.addr6, r.got, r.want);
out:
	free(t.start);
	free(t.value);
	free(idx);
}

static struct raw6 tab6[RAW_MAX];

static void test_random6(void)
{
	static const u32 sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 13, 64, 129, 130,
				     300, 1000 };
	unsigned int s, z, rep;

	for (s = 0; s < SHAPES; s++) {
		for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			unsigned int reps = sizes[z] <= 130 ? 10 :
					    sizes[z] <= 300 ? 3 : 1;

			for (rep = 0; rep < reps; rep++) {
				u32 n, i;

				for (i = 0; i < 4; i++)
					rand_bytes(pool6[i], 16);
				n = gen6(s, tab6, 0, sizes[z]);
				n = normalize6(tab6, n);
				check_table6(shape_name[s], tab6, n);
			}
		}
	}
	check_coverage("IPv6", 128);
}

/* A hand-written prefix from its eight 16-bit groups. */
static struct raw6 r6(u16 g0, u16 g1, u16 g2, u16 g3, u16 g4, u16 g5, u16 g6,
		      u16 g7, unsigned int plen)
{
	const u16 g[8] = { g0, g1, g2, g3, g4, g5, g6, g7 };
	struct raw6 r;
	unsigned int i;

	for (i = 0; i < 8; i++)
		pmtufix_put_be16(r.a + 2 * i, g[i]);
	r.plen = plen;
	return r;
}

static void test_cases6(void)
{
	struct raw6 p[8];
	struct pmtufix_lpm6 t;
	struct pmtufix_u128 start[20], a;
	u32 value[20];
	u8 b[16];

	t.start = start;
	t.value = value;

	/* ::/0 alone is one range; the all-ones /128 needs two. */
	p[0] = r6(0, 0, 0, 0, 0, 0, 0, 0, 0);
	p[1] = r6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		  0xffff, 128);
	pfx6[0].addr = pmtufix_addr6_from_bytes(p[0].a);
	pfx6[0].plen = 0;
	CHECK(pmtufix_lpm6_build(&t, pfx6, 1) && t.n == 1, "::/0: %u", t.n);
	check_table6("::/0", p, 1);
	pfx6[0].addr = pmtufix_addr6_from_bytes(p[1].a);
	pfx6[0].plen = 128;
	CHECK(pmtufix_lpm6_build(&t, pfx6, 1) && t.n == 2, "top /128: %u",
	      t.n);
	check_table6("top /128", &p[1], 1);
	check_table6("::/0 and top /128", p, 2);

	/* A /64 whose end carries into the high word, a /65 inside. */
	p[0] = r6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0, 64);
	p[1] = r6(0x2001, 0xdb8, 0, 0, 0x8000, 0, 0, 0, 65);
	p[2] = r6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 0, 64);
	p[3] = r6(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1, 128);
	check_table6("/64 boundary", p, 4);

	/* Nested chain at the top of the space. */
	p[0] = r6(0, 0, 0, 0, 0, 0, 0, 0, 0);
	p[1] = r6(0xffff, 0, 0, 0, 0, 0, 0, 0, 16);
	p[2] = r6(0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0, 64);
	p[3] = r6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		  0xfffe, 127);
	p[4] = r6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
		  0xffff, 128);
	check_table6("top chain", p, 5);

	/* Bad input. */
	p[0] = r6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1, 64);
	pfx6[0].addr = pmtufix_addr6_from_bytes(p[0].a);
	pfx6[0].plen = 64;
	CHECK(!pmtufix_lpm6_build(&t, pfx6, 1), "host bits accepted");
	CHECK(t.n == 1 && pmtufix_lpm6_lookup(&t, &pfx6[0].addr) == NONE,
	      "host bits: table not empty");
	pfx6[0].addr.lo = 0;
	pfx6[0].plen = 129;
	CHECK(!pmtufix_lpm6_build(&t, pfx6, 1), "/129 accepted");
	pfx6[0].plen = 64;
	pfx6[1] = pfx6[0];
	CHECK(!pmtufix_lpm6_build(&t, pfx6, 2), "duplicate accepted");
	pfx6[1].plen = 48;
	CHECK(!pmtufix_lpm6_build(&t, pfx6, 2), "unsorted accepted");
	CHECK(t.n == 1 && pmtufix_lpm6_lookup(&t, &pfx6[0].addr) == NONE,
	      "unsorted: table not empty");
	{
		struct pmtufix_lpm6 zero = { 0 };

		CHECK_EQ(pmtufix_lpm6_lookup(&zero, &pfx6[0].addr), NONE,
			 "zeroed table");
	}

	p[0] = r6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1, 128);
	a = pmtufix_addr6_from_bytes(p[0].a);
	CHECK(a.hi == 0x20010db800000000ULL && a.lo == 1, "from bytes");
	a.hi = 0x0102030405060708ULL;
	a.lo = 0x090a0b0c0d0e0f10ULL;
	pmtufix_addr6_to_bytes(&a, b);
	CHECK(b[0] == 1 && b[7] == 8 && b[8] == 9 && b[15] == 16, "to bytes");
}

int main(void)
{
	uint64_t seed = unit_seed_from_env();

	printf("# seed %llu\n", (unsigned long long)seed);
	test_cases4();
	test_cases6();
	memset(&cov, 0, sizeof(cov));
	test_random4();
	test_random6();
	return unit_done("lpm");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP option walk, the MSS clamp and the MSS insertion: hand-made
 * headers for every rule of the walk, then random headers checked against
 * a separate reference walker and against full checksum recomputations
 * over IPv4 and IPv6 pseudo-headers.
 */
#include "core/tcpopt.h"
#include "csum.h"
#include "unit.h"

#define EOL	PMTUFIX_TCPOPT_EOL
#define NOP	PMTUFIX_TCPOPT_NOP
#define MSS	PMTUFIX_TCPOPT_MSS

/* Room for a header of 60 bytes, 4 inserted and a payload. */
#define SEG_MAX	(PMTUFIX_TCPHDR_MAX + 4 + 64)

struct seg {
	u8 b[SEG_MAX];
	unsigned int hdrlen;	/* data offset * 4 */
	unsigned int len;	/* header and payload */
	unsigned int plen;	/* TCP length in the pseudo-header, 0: len */
	u8 saddr[16], daddr[16];
};

/* The TCP checksum of @s over an IPv4 (@v6 false) or IPv6 pseudo-header. */
static u16 full_csum(const struct seg *s, bool v6)
{
	unsigned int phlen, plen = s->plen ? s->plen : s->len;
	u8 ph[40], copy[SEG_MAX];
	u32 sum;

	if (v6) {
		memcpy(ph, s->saddr, 16);
		memcpy(ph + 16, s->daddr, 16);
		ph[32] = plen >> 24;
		ph[33] = plen >> 16;
		ph[34] = plen >> 8;
		ph[35] = plen;
		ph[36] = 0;
		ph[37] = 0;
		ph[38] = 0;
		ph[39] = 6;
		phlen = 40;
	} else {
		memcpy(ph, s->saddr, 4);
		memcpy(ph + 4, s->daddr, 4);
		ph[8] = 0;
		ph[9] = 6;
		pmtufix_put_be16(ph + 10, plen);
		phlen = 12;
	}
	memcpy(copy, s->b, s->len);
	pmtufix_put_be16(copy + 16, 0);
	sum = pmtufix_csum_add(0, ph, phlen);
	sum = pmtufix_csum_add(sum, copy, s->len);
	return (u16)~pmtufix_csum_fold(sum);
}

/* Checksums are equal when equal as one's complement numbers. */
static bool csum_same(u16 a, u16 b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}

static void seg_random_fixed(struct seg *s)
{
	unsigned int i;

	for (i = 0; i < 20; i++)
		s->b[i] = unit_rand();
	for (i = 0; i < 16; i++) {
		s->saddr[i] = unit_rand();
		s->daddr[i] = unit_rand();
	}
	s->b[13] = PMTUFIX_TCP_SYN | (unit_rand() & 1 ? PMTUFIX_TCP_ACK : 0);
}

/* Sets the data offset from s->hdrlen and a good checksum. */
static void seg_finish(struct seg *s, bool v6)
{
	s->b[12] = (s->hdrlen / 4) << 4 | (s->b[12] & 0x0f);
	pmtufix_put_be16(s->b + 16, full_csum(s, v6));
}

/* A header from option bytes; the rest of its 4-byte words is EOL. */
static void seg_from_opts(struct seg *s, const u8 *opts, unsigned int n)
{
	memset(s->b, 0, sizeof(s->b));
	seg_random_fixed(s);
	memcpy(s->b + 20, opts, n);
	s->hdrlen = 20 + ((n + 3) & ~3U);
	s->len = s->hdrlen;
	seg_finish(s, false);
}

static int scan_opts(const u8 *opts, unsigned int n, unsigned int hdrlen,
		     struct pmtufix_tcp_opts *o)
{
	u8 h[PMTUFIX_TCPHDR_MAX];

	memset(h, 0, sizeof(h));
	memcpy(h + 20, opts, n);
	return pmtufix_tcp_scan(h, hdrlen ? hdrlen : 20 + ((n + 3) & ~3U), o);
}

/*
 * Applies the edits of a clamp to the checksum as the module does, and
 * checks each against the buffers: even, 2 or 4 bytes, inside the header,
 * and covering every byte that changed.
 */
static void apply_edits(struct seg *s, const u8 *before,
			const struct pmtufix_csum_edit *e, unsigned int n,
			const char *what)
{
	u8 cur[sizeof(s->b)];
	unsigned int i, j;

	memcpy(cur, before, s->len);
	for (i = 0; i < n; i++) {
		CHECK(!(e[i].off & 1) && (e[i].len == 2 || e[i].len == 4) &&
		      e[i].off + e[i].len <= s->hdrlen,
		      "%s: edit %u at %u len %u, header %u", what, i,
		      e[i].off, e[i].len, s->hdrlen);
		if (e[i].off + e[i].len > s->hdrlen || e[i].len > 4)
			continue;
		CHECK(!memcmp(cur + e[i].off, e[i].from, e[i].len),
		      "%s: edit %u does not start from the bytes there", what, i);
		memcpy(cur + e[i].off, e[i].to, e[i].len);
		pmtufix_csum_replace(s->b + 16, e[i].from, e[i].to, e[i].len);
	}
	for (j = 0; j < s->len; j++)
		if (j != 16 && j != 17 && cur[j] != s->b[j])
			break;
	CHECK(j == s->len, "%s: byte %u changed outside the edits", what, j);
}

/* An MSS option after 0..36 NOPs: found, clamped, the checksum right. */
static void test_nops_then_mss(void)
{
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	struct pmtufix_tcp_opts o;
	unsigned int nops, n;
	u8 opts[40], before[SEG_MAX];
	struct seg s;

	for (nops = 0; nops + 4 <= 40; nops++) {
		memset(opts, NOP, nops);
		opts[nops] = MSS;
		opts[nops + 1] = 4;
		pmtufix_put_be16(opts + nops + 2, 1460);
		seg_from_opts(&s, opts, nops + 4);

		CHECK_EQ(pmtufix_tcp_scan(s.b, s.hdrlen, &o), 0, "%u NOPs", nops);
		CHECK_EQ(o.nmss, 1, "%u NOPs", nops);
		CHECK_EQ(o.off[0], 20 + nops, "%u NOPs", nops);
		CHECK_EQ(pmtufix_tcp_min_mss(s.b, &o), 1460, "%u NOPs", nops);

		memcpy(before, s.b, s.len);
		n = pmtufix_tcp_clamp(s.b, s.hdrlen, &o, 1400, edits);
		CHECK_EQ(n, 1, "%u NOPs", nops);
		CHECK_EQ(pmtufix_get_be16(s.b + 22 + nops), 1400, "%u NOPs", nops);
		/* The value at an odd offset needs the 4-byte window. */
		CHECK_EQ(edits[0].len, nops & 1 ? 4 : 2, "%u NOPs", nops);
		CHECK_EQ(edits[0].off, (22 + nops) & ~1U, "%u NOPs", nops);
		apply_edits(&s, before, edits, n, "NOPs then MSS");
		CHECK_EQ(pmtufix_get_be16(s.b + 16), full_csum(&s, false),
			 "%u NOPs: checksum", nops);
	}
}

/* Every way the walk must refuse a header. */
static void test_malformed(void)
{
	static const struct {
		const char *what;
		u8 opts[40];
		unsigned int n, hdrlen;	/* hdrlen 0: rounded up from n */
	} cases[] = {
		{ "length 0", { 8, 0, 0, 0 }, 4, 0 },
		{ "length 1", { 8, 1, 0, 0 }, 4, 0 },
		{ "length 0 after NOPs", { NOP, NOP, NOP, 30, 0 }, 8, 0 },
		{ "length 1 of MSS", { MSS, 1, 0, 0 }, 4, 0 },
		{ "past the header", { 3, 5, 1, 0 }, 4, 0 },
		{ "past the header by one", { NOP, 8, 4, 0 }, 4, 0 },
		{ "past the header, 255", { 30, 255, 0, 0 }, 4, 0 },
		{ "long option past the header", { 8, 10, 1, 2, 3, 4, 5, 6 }, 8, 0 },
		{ "MSS length 3", { MSS, 3, 5, NOP }, 4, 0 },
		{ "MSS length 5", { MSS, 5, 5, 0xb4, NOP, NOP, NOP, NOP }, 8, 0 },
		{ "MSS length 2", { MSS, 2, NOP, NOP }, 4, 0 },
		{ "MSS length 8", { MSS, 8, 5, 0xb4, 0, 0, 0, 0 }, 8, 0 },
		{ "kind in the last byte", { NOP, NOP, NOP, 4 }, 4, 0 },
		{ "MSS kind in the last byte", { NOP, NOP, NOP, MSS }, 4, 0 },
		{ "kind in the last byte of 60",
		  { NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
		    NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
		    NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP,
		    NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, NOP, 8 }, 40, 0 },
		{ "MSS cut by the end", { NOP, NOP, MSS, 4 }, 4, 0 },
		{ "good MSS, then length 0", { MSS, 4, 5, 0xb4, 4, 0 }, 8, 0 },
		{ "good MSS, then past", { MSS, 4, 5, 0xb4, 8, 10, 0, 0 }, 8, 0 },
		{ "past a header shorter than the options",
		  { NOP, NOP, NOP, NOP, 8, 10 }, 24, 20 + 8 },
	};
	static const u8 good[] = { MSS, 4, 5, 0xb4 };
	struct pmtufix_tcp_opts o;
	unsigned int i;
	u8 h[64];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o.nmss = 7;
		CHECK_EQ(scan_opts(cases[i].opts, cases[i].n, cases[i].hdrlen,
				   &o), -1, "%s", cases[i].what);
		/* Even an MSS option before the fault is not offered. */
		CHECK_EQ(o.nmss, 0, "%s", cases[i].what);
	}

	/* Header lengths the walk does not take. */
	memset(h, 0, sizeof(h));
	memcpy(h + 20, good, sizeof(good));
	CHECK_EQ(pmtufix_tcp_scan(h, 24, &o), 0, "24");
	CHECK_EQ(pmtufix_tcp_scan(h, 16, &o), -1, "hdrlen 16");
	CHECK_EQ(pmtufix_tcp_scan(h, 0, &o), -1, "hdrlen 0");
	CHECK_EQ(pmtufix_tcp_scan(h, 26, &o), -1, "hdrlen 26");
	CHECK_EQ(pmtufix_tcp_scan(h, 64, &o), -1, "hdrlen 64");
	CHECK_EQ(pmtufix_tcp_scan(h, 20, &o), 0, "hdrlen 20");
	CHECK_EQ(o.nmss, 0, "no options at 20");
}

/* Shapes that look odd but are fine. */
static void test_well_formed(void)
{
	static const struct {
		const char *what;
		u8 opts[40];
		unsigned int n, nmss, off0;
	} cases[] = {
		{ "EOL then garbage", { EOL, 8, 0, 1, 2, 3, 0xff, 1 }, 8, 0, 0 },
		{ "EOL then a bad MSS", { EOL, MSS, 3, 0 }, 4, 0, 0 },
		{ "MSS, EOL, garbage", { MSS, 4, 5, 0xb4, EOL, 0, 0xff, 7 }, 8,
		  1, 20 },
		{ "EOL, a good MSS after it", { EOL, NOP, NOP, NOP, MSS, 4, 5, 0 },
		  8, 0, 0 },
		{ "option filling the rest", { 30, 8, 1, 2, 3, 4, 5, 6 }, 8, 0, 0 },
		{ "length 2 options", { 4, 2, 20, 2, 34, 2, NOP, NOP }, 8, 0, 0 },
		{ "MSS ending the header", { NOP, NOP, NOP, NOP, MSS, 4, 5, 0xb4 },
		  8, 1, 24 },
		{ "MSS at odd offset ending the header",
		  { NOP, NOP, NOP, MSS, 4, 5, 0xb4, NOP }, 8, 1, 23 },
		{ "all NOPs", { NOP, NOP, NOP, NOP }, 4, 0, 0 },
		{ "unknown kind 255", { 255, 4, 0, 0, MSS, 4, 1, 0 }, 8, 1, 24 },
	};
	struct pmtufix_tcp_opts o;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ(scan_opts(cases[i].opts, cases[i].n, 0, &o), 0, "%s",
			 cases[i].what);
		CHECK_EQ(o.nmss, cases[i].nmss, "%s", cases[i].what);
		if (cases[i].nmss)
			CHECK_EQ(o.off[0], cases[i].off0, "%s", cases[i].what);
	}
}

/* Ten MSS options, odd and even: each one above the limit is clamped. */
static void test_many_mss(void)
{
	static const u16 vals[] = { 1460, 536, 65535, 1400, 8, 1401, 9000,
				    1399, 0, 1300 };
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	u8 opts[40], before[SEG_MAX];
	struct pmtufix_tcp_opts o;
	unsigned int i, n, want = 0;
	struct seg s;

	for (i = 0; i < 10; i++) {
		opts[4 * i] = MSS;
		opts[4 * i + 1] = 4;
		pmtufix_put_be16(opts + 4 * i + 2, vals[i]);
		want += vals[i] > 1400;
	}
	seg_from_opts(&s, opts, 40);
	CHECK_EQ(pmtufix_tcp_scan(s.b, s.hdrlen, &o), 0, "ten MSS");
	CHECK_EQ(o.nmss, 10, "ten MSS");
	CHECK_EQ(pmtufix_tcp_min_mss(s.b, &o), 0, "ten MSS: smallest");
	memcpy(before, s.b, s.len);
	n = pmtufix_tcp_clamp(s.b, s.hdrlen, &o, 1400, edits);
	CHECK_EQ(n, want, "ten MSS: rewritten");
	for (i = 0; i < 10; i++)
		CHECK_EQ(pmtufix_get_be16(s.b + 22 + 4 * i),
			 vals[i] > 1400 ? 1400 : vals[i], "option %u", i);
	apply_edits(&s, before, edits, n, "ten MSS");
	CHECK_EQ(pmtufix_get_be16(s.b + 16), full_csum(&s, false), "ten MSS");

	/* Three at odd offsets, between other options. */
	{
		static const u8 mixed[] = {
			NOP, MSS, 4, 0x05, 0xb4, 3, 3, 7, MSS, 4, 0x23, 0x28,
			NOP, NOP, MSS, 4, 0xff, 0xff, 4, 2, EOL, 0, 0, 0 };

		seg_from_opts(&s, mixed, sizeof(mixed));
		CHECK_EQ(pmtufix_tcp_scan(s.b, s.hdrlen, &o), 0, "mixed");
		CHECK_EQ(o.nmss, 3, "mixed");
		CHECK(o.off[0] == 21 && o.off[1] == 28 && o.off[2] == 34,
		      "mixed offsets %u %u %u", o.off[0], o.off[1], o.off[2]);
		memcpy(before, s.b, s.len);
		n = pmtufix_tcp_clamp(s.b, s.hdrlen, &o, 1200, edits);
		CHECK_EQ(n, 3, "mixed");
		CHECK(pmtufix_get_be16(s.b + 23) == 1200 &&
		      pmtufix_get_be16(s.b + 30) == 1200 &&
		      pmtufix_get_be16(s.b + 36) == 1200, "mixed values");
		apply_edits(&s, before, edits, n, "mixed");
		CHECK_EQ(pmtufix_get_be16(s.b + 16), full_csum(&s, false),
			 "mixed");
	}
}

/* At or below the limit nothing changes, and nothing is ever raised. */
static void test_never_increase(void)
{
	static const u16 limits[] = { 0, 1, 535, 536, 537, 1460, 65534, 65535 };
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	u8 opts[8] = { NOP, MSS, 4, 0x02, 0x18, NOP, NOP, NOP };
	struct pmtufix_tcp_opts o;
	unsigned int i, n;
	struct seg s;
	u8 copy[64];

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		seg_from_opts(&s, opts, sizeof(opts));
		memcpy(copy, s.b, s.len);
		CHECK_EQ(pmtufix_tcp_scan(s.b, s.hdrlen, &o), 0, "scan");
		n = pmtufix_tcp_clamp(s.b, s.hdrlen, &o, limits[i], edits);
		CHECK_EQ(n, limits[i] < 536, "limit %u", limits[i]);
		CHECK_EQ(pmtufix_get_be16(s.b + 23),
			 limits[i] < 536 ? limits[i] : 536, "limit %u",
			 limits[i]);
		if (!n)
			CHECK(!memcmp(copy, s.b, s.len), "limit %u: untouched",
			      limits[i]);
	}
}

/*
 * An offset list that does not describe this header (the caller's bug)
 * must not make the clamp write outside it or rewrite a non-MSS byte.
 */
static void test_clamp_bad_offsets(void)
{
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	struct pmtufix_tcp_opts o = { 6, { 58, 56, 18, 24, 28, 200 } };
	u8 h[64], copy[64];
	unsigned int n;

	memset(h, 0xff, sizeof(h));
	h[56] = MSS;	/* MSS 0x0204 */
	h[57] = 4;
	h[58] = MSS;	/* would reach past the header */
	h[59] = 4;
	h[18] = MSS;	/* the urgent pointer looking like an option */
	h[19] = 4;
	h[24] = 8;
	h[28] = MSS;	/* wrong length */
	h[29] = 3;
	memcpy(copy, h, sizeof(h));
	n = pmtufix_tcp_clamp(h, 60, &o, 100, edits);
	CHECK_EQ(n, 1, "only the option that fits");
	CHECK_EQ(pmtufix_get_be16(h + 58), 100, "option at 56");
	CHECK(!memcmp(h, copy, 56) && !memcmp(h + 60, copy + 60, 4),
	      "nothing else written");

	/*
	 * A header length that is no multiple of 4 (no data offset gives
	 * one): the window of a value at odd offset 25 would reach byte 27.
	 */
	memset(h, NOP, sizeof(h));
	h[23] = MSS;
	h[24] = 4;
	o.nmss = 1;
	o.off[0] = 23;
	memcpy(copy, h, sizeof(h));
	CHECK_EQ(pmtufix_tcp_clamp(h, 27, &o, 100, edits), 0, "hdrlen 27");
	CHECK(!memcmp(h, copy, sizeof(h)), "hdrlen 27: untouched");
	CHECK_EQ(pmtufix_tcp_clamp(h, 28, &o, 100, edits), 1, "hdrlen 28");
	CHECK(edits[0].off == 24 && edits[0].len == 4, "hdrlen 28: window");
}

/*
 * The reference walker, written from RFC 9293 section 3.2 as a list of
 * items rather than a loop over an index: each item is the option at
 * @pos, if the header still has it.
 */
static int ref_item(const u8 *h, int hdrlen, int pos, int *kind, int *len)
{
	if (pos >= hdrlen)
		return 0;			/* end of the header */
	*kind = h[pos];
	if (*kind == 0)
		return 0;			/* end of option list */
	if (*kind == 1) {
		*len = 1;
		return 1;
	}
	if (pos + 2 > hdrlen)
		return -1;			/* no room for a length */
	*len = h[pos + 1];
	if (*len < 2 || pos + *len > hdrlen)
		return -1;
	if (*kind == 2 && *len != 4)
		return -1;
	return 1;
}

static int ref_scan(const u8 *h, int hdrlen, unsigned int *offs,
		    unsigned int *n)
{
	int pos = 20, kind, len, r;

	*n = 0;
	while ((r = ref_item(h, hdrlen, pos, &kind, &len)) == 1) {
		if (kind == 2)
			offs[(*n)++] = pos;
		pos += len;
	}
	return r;
}

/* Option bytes that are often nearly right. */
static unsigned int random_opts(u8 *o, unsigned int room)
{
	static const u8 kinds[] = { EOL, NOP, NOP, MSS, MSS, MSS, 3, 4, 5, 8,
				    28, 30, 34, 253 };
	unsigned int n = 0, len, i;

	if (unit_rand() % 8 == 0) {
		for (i = 0; i < room; i++)
			o[i] = unit_rand() % 4 ? unit_rand() % 6 : unit_rand();
		return room;
	}
	while (n < room) {
		u8 kind = kinds[unit_rand() % sizeof(kinds)];

		if (kind <= NOP) {
			o[n++] = kind;
			continue;
		}
		switch (unit_rand() % 16) {
		case 0:
			len = unit_rand() % 3;		/* 0, 1, 2 */
			break;
		case 1:
			len = unit_rand() % 256;
			break;
		case 2:
			len = 3 + unit_rand() % 3;	/* 3, 4, 5 */
			break;
		default:
			len = kind == MSS ? 4 : 2 + unit_rand() % 10;
		}
		o[n++] = kind;
		if (n < room)
			o[n++] = len;
		for (i = 2; i < len && n < room; i++)
			o[n++] = unit_rand();
	}
	return room;
}

/*
 * Random headers: the walk agrees with the reference; a clamp of a
 * well-formed one changes exactly the MSS values above the limit and
 * keeps the checksum right over both pseudo-headers.
 */
static void test_differential(void)
{
	unsigned int iter, malformed = 0, clamped = 0, odd = 0;

	for (iter = 0; iter < 200000; iter++) {
		struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
		unsigned int roffs[PMTUFIX_MAX_MSS_OPTS], rn, i, n, want = 0;
		u8 before[SEG_MAX];
		struct pmtufix_tcp_opts o;
		bool v6 = iter & 1;
		struct seg s;
		int r, rr;
		u16 mss;

		memset(&s, 0, sizeof(s));
		seg_random_fixed(&s);
		s.hdrlen = 20 + 4 * (unit_rand() % 11);
		random_opts(s.b + 20, s.hdrlen - 20);
		s.len = s.hdrlen + (unit_rand() % 4 ? 0 : unit_rand() % 64);
		for (i = s.hdrlen; i < s.len; i++)
			s.b[i] = unit_rand();
		seg_finish(&s, v6);

		memcpy(before, s.b, s.len);
		r = pmtufix_tcp_scan(s.b, s.hdrlen, &o);
		rr = ref_scan(s.b, s.hdrlen, roffs, &rn);
		CHECK(!memcmp(before, s.b, s.len), "iter %u: scan wrote", iter);
		CHECK_EQ(r, rr, "iter %u: verdict", iter);
		if (r != rr)
			continue;
		if (r < 0) {
			malformed++;
			continue;
		}
		CHECK_EQ(o.nmss, rn, "iter %u", iter);
		if (o.nmss != rn || memcmp(o.off, roffs, rn * sizeof(*roffs)))
			CHECK(0, "iter %u: offsets differ", iter);

		mss = unit_rand() % 3 ? 1200 + unit_rand() % 400 : unit_rand();
		for (i = 0; i < rn; i++)
			want += pmtufix_get_be16(s.b + roffs[i] + 2) > mss;
		n = pmtufix_tcp_clamp(s.b, s.hdrlen, &o, mss, edits);
		CHECK_EQ(n, want, "iter %u: options rewritten", iter);
		for (i = 0; i < rn; i++) {
			u16 was = pmtufix_get_be16(before + roffs[i] + 2);
			u16 now = pmtufix_get_be16(s.b + roffs[i] + 2);

			CHECK(now == (was > mss ? mss : was),
			      "iter %u: option %u was %u now %u limit %u",
			      iter, i, was, now, mss);
			odd += (roffs[i] & 1) && was > mss;
		}
		apply_edits(&s, before, edits, n, "random");
		CHECK(csum_same(pmtufix_get_be16(s.b + 16), full_csum(&s, v6)),
		      "iter %u: IPv%d checksum %04x, full %04x", iter,
		      v6 ? 6 : 4, pmtufix_get_be16(s.b + 16),
		      full_csum(&s, v6));
		clamped += n > 0;
	}
	CHECK(malformed > 10000, "enough malformed headers: %u", malformed);
	CHECK(clamped > 10000, "enough clamps: %u", clamped);
	CHECK(odd > 1000, "enough odd offsets clamped: %u", odd);
}

/* Insertion: the layout of xt_TCPMSS, and the checksum over both families. */
static void test_insert(void)
{
	unsigned int iter;

	for (iter = 0; iter < 50000; iter++) {
		u8 before[SEG_MAX], doff;
		bool v6 = iter & 1;
		unsigned int i;
		struct seg s;
		u16 mss = unit_rand();

		memset(&s, 0, sizeof(s));
		seg_random_fixed(&s);
		s.hdrlen = 20 + 4 * (unit_rand() % 10);
		for (i = 20; i < s.hdrlen; i++)
			s.b[i] = unit_rand();
		s.len = s.hdrlen;
		/*
		 * Now and then the pseudo-header claims a length near a
		 * carry: only the arithmetic sees it, and an IPv6 jumbogram
		 * has more than 16 bits of it.
		 */
		if (iter % 16 == 2)
			s.plen = 65531 - unit_rand() % 8;
		if (iter % 16 == 3)
			s.plen = 65532 + unit_rand() % 8;
		if (iter % 16 == 5)
			s.plen = (u32)unit_rand() - 4;
		seg_finish(&s, v6);
		memcpy(before, s.b, s.len);
		doff = s.b[12];

		CHECK_EQ(pmtufix_tcp_insert_mss(s.b, s.hdrlen, mss), 0, "insert");
		pmtufix_tcp_insert_csum(s.b, s.plen ? s.plen : s.len, doff);
		s.hdrlen += 4;
		s.len += 4;
		if (s.plen)
			s.plen += 4;

		CHECK(!memcmp(s.b, before, 12) && s.b[13] == before[13] &&
		      !memcmp(s.b + 14, before + 14, 2) &&
		      !memcmp(s.b + 18, before + 18, 2), "iter %u: fixed header",
		      iter);
		CHECK_EQ(s.b[12], (u8)(doff + 0x10), "iter %u: data offset",
			 iter);
		CHECK(s.b[20] == MSS && s.b[21] == 4 &&
		      pmtufix_get_be16(s.b + 22) == mss, "iter %u: option", iter);
		CHECK(!memcmp(s.b + 24, before + 20, s.hdrlen - 24),
		      "iter %u: options moved", iter);
		CHECK(csum_same(pmtufix_get_be16(s.b + 16), full_csum(&s, v6)),
		      "iter %u: IPv%d checksum %04x, full %04x", iter,
		      v6 ? 6 : 4, pmtufix_get_be16(s.b + 16),
		      full_csum(&s, v6));
	}

	/* No room in the data offset, or no header: nothing is touched. */
	{
		u8 h[64], copy[64];
		static const unsigned int bad[] = { 60, 58, 16, 22, 0, 64 };
		unsigned int i;

		for (i = 0; i < sizeof(h); i++)
			h[i] = i;
		memcpy(copy, h, sizeof(h));
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			CHECK_EQ(pmtufix_tcp_insert_mss(h, bad[i], 1000), -1,
				 "hdrlen %u", bad[i]);
		CHECK(!memcmp(h, copy, sizeof(h)), "refused insert wrote");
		CHECK_EQ(pmtufix_tcp_insert_mss(h, 56, 1000), 0, "hdrlen 56");
		CHECK_EQ(h[12] >> 4, (copy[12] >> 4) + 1, "56: data offset");
	}
}

/* A captured SYN (zeek's tcp_syn.pcap) with its checksum as captured. */
static void test_real_syn(void)
{
	/* 141.142.228.5.59856 > 192.150.187.43.80, checksum 0x3bc0 */
	static const u8 syn[] = {
		0xe9, 0xd0, 0x00, 0x50, 0xfe, 0x21, 0x32, 0x3a,
		0x00, 0x00, 0x00, 0x00, 0xb0, 0x02, 0xff, 0xff,
		0x3b, 0xc0, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
		0x01, 0x03, 0x03, 0x04, 0x01, 0x01, 0x08, 0x0a,
		0x16, 0x4a, 0xdd, 0x20, 0x00, 0x00, 0x00, 0x00,
		0x04, 0x02, 0x00, 0x00,
	};
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	struct pmtufix_tcp_opts o;
	struct seg s;

	memset(&s, 0, sizeof(s));
	memcpy(s.b, syn, sizeof(syn));
	memcpy(s.saddr, (u8 []){ 141, 142, 228, 5 }, 4);
	memcpy(s.daddr, (u8 []){ 192, 150, 187, 43 }, 4);
	s.hdrlen = s.len = sizeof(syn);
	CHECK_EQ(full_csum(&s, false), 0x3bc0, "the capture's checksum");
	CHECK_EQ(pmtufix_tcp_scan(s.b, s.hdrlen, &o), 0, "real SYN");
	CHECK(o.nmss == 1 && o.off[0] == 20, "real SYN: MSS at 20");
	CHECK_EQ(pmtufix_tcp_clamp(s.b, s.hdrlen, &o, 1400, edits), 1,
		 "real SYN");
	pmtufix_csum_replace(s.b + 16, edits[0].from, edits[0].to,
			     edits[0].len);
	CHECK_EQ(pmtufix_get_be16(s.b + 16), full_csum(&s, false), "real SYN");
}

int main(void)
{
	uint64_t seed = unit_seed_from_env();

	printf("# seed %llu\n", (unsigned long long)seed);
	test_nops_then_mss();
	test_malformed();
	test_well_formed();
	test_many_mss();
	test_never_increase();
	test_clamp_bad_offsets();
	test_real_syn();
	test_differential();
	test_insert();
	return unit_done("tcpopt");
}

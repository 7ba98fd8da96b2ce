// SPDX-License-Identifier: GPL-2.0
/*
 * The incremental checksum update against a full recomputation, for fields
 * at every offset and both parities.
 */
#include "csum.h"
#include "unit.h"

/* The TCP checksum of a segment over an IPv4 pseudo-header. */
static u16 tcp4_csum(const u8 *saddr, const u8 *daddr, const u8 *seg,
		     unsigned int len)
{
	u8 ph[12];
	u32 sum;

	memcpy(ph, saddr, 4);
	memcpy(ph + 4, daddr, 4);
	ph[8] = 0;
	ph[9] = 6;
	pmtufix_put_be16(ph + 10, len);
	sum = pmtufix_csum_add(0, ph, sizeof(ph));
	sum = pmtufix_csum_add(sum, seg, len);
	return (u16)~pmtufix_csum_fold(sum);
}

static void test_rfc1071_example(void)
{
	/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const u8 data[] = { 0x00, 0x01, 0xf2, 0x03,
				   0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(pmtufix_csum_fold(pmtufix_csum_add(0, data, sizeof(data))),
		 0xddf2, "RFC 1071 example");
	/* An odd tail byte is the high byte of a last word. */
	CHECK_EQ(pmtufix_csum_fold(pmtufix_csum_add(0, data, 3)),
		 0x0001 + 0xf200, "odd length");
}

static void test_window(void)
{
	unsigned int start, len;

	len = pmtufix_csum_window(22, 2, &start);
	CHECK(start == 22 && len == 2, "even field: start %u len %u", start, len);
	len = pmtufix_csum_window(23, 2, &start);
	CHECK(start == 22 && len == 4, "odd field: start %u len %u", start, len);
	len = pmtufix_csum_window(23, 1, &start);
	CHECK(start == 22 && len == 2, "odd byte: start %u len %u", start, len);
	CHECK(len <= PMTUFIX_CSUM_WINDOW_MAX, "window max");
}

/*
 * Rewrite a 16-bit field at each offset of random segments; the updated
 * checksum must equal a full recomputation.  Also show that updating an
 * odd-offset field without widening it is wrong: the test would not catch
 * the alignment bug otherwise.
 */
static void test_incremental_vs_full(void)
{
	unsigned int iter, naive_wrong = 0, odd_cases = 0;

	for (iter = 0; iter < 20000; iter++) {
		u8 seg[60], saddr[4], daddr[4], before[4], naive[2];
		unsigned int len = 24 + (unit_rand() % 37);
		unsigned int off, start, wlen, i;
		u16 newval;

		for (i = 0; i < len; i++)
			seg[i] = unit_rand();
		for (i = 0; i < 4; i++) {
			saddr[i] = unit_rand();
			daddr[i] = unit_rand();
		}
		/* Any 2-byte field in the options: offsets 20 .. len - 2. */
		off = 20 + unit_rand() % (len - 21);

		pmtufix_put_be16(seg + 16, 0);
		pmtufix_put_be16(seg + 16, tcp4_csum(saddr, daddr, seg, len));

		newval = unit_rand();
		wlen = pmtufix_csum_window(off, 2, &start);
		if (start + wlen > len)
			continue;	/* no aligned room: covered below */
		memcpy(before, seg + start, wlen);

		/* What an unwidened update would compute. */
		memcpy(naive, seg + 16, 2);
		pmtufix_csum_replace(naive, seg + off, (u8 []){ newval >> 8,
				     newval & 0xff }, 2);

		pmtufix_put_be16(seg + off, newval);
		pmtufix_csum_replace(seg + 16, before, seg + start, wlen);

		{
			u8 copy[60];
			u16 want;

			memcpy(copy, seg, len);
			pmtufix_put_be16(copy + 16, 0);
			want = tcp4_csum(saddr, daddr, copy, len);
			CHECK_EQ(pmtufix_get_be16(seg + 16), want,
				 "iter %u len %u off %u", iter, len, off);
			/* 0x0000 and 0xffff are the same one's complement. */
			if ((off & 1) && pmtufix_get_be16(before + 1) != newval) {
				odd_cases++;
				if (pmtufix_get_be16(naive) != want &&
				    (pmtufix_get_be16(naive) ^ want) != 0xffff)
					naive_wrong++;
			}
		}
	}
	CHECK(odd_cases > 1000, "enough odd offsets exercised: %u", odd_cases);
	CHECK(naive_wrong > odd_cases / 2,
	      "an unwidened update at odd offsets should be wrong: %u of %u",
	      naive_wrong, odd_cases);
}

int main(void)
{
	uint64_t seed = unit_seed_from_env();

	printf("# seed %llu\n", (unsigned long long)seed);
	test_rfc1071_example();
	test_window();
	test_incremental_vs_full();
	return unit_done("csum");
}

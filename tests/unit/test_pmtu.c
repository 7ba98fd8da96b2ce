// SPDX-License-Identifier: GPL-2.0
/*
 * The MTU signalled to senders, the repair decision, and the token bucket
 * against a simple simulation of elapsed time.
 */
#include <string.h>

#include "core/pmtu.h"
#include "unit.h"

static void test_signal_mtu(void)
{
	/* Above the floor: the inner MTU itself. */
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 1480, 536), 1480, "ipip");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV6, 1452, 1220), 1452, "ip6ip6");
	/* The floor's MTU: MSS + IP + TCP. */
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 500, 536), 576, "v4 floor");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV6, 1200, 1220), 1280,
		 "v6 floor");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 575, 536), 576, "v4 edge");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 577, 536), 577, "v4 edge");
	/* A floor of 0 still never goes under the family's minimum. */
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 40, 0), 68, "v4 minimum");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV6, 600, 0), 1280, "v6 minimum");
	CHECK_EQ(pmtufix_signal_mtu(PMTUFIX_IPV4, 100, 0), 100, "v4 low ok");
}

static void test_repair_mtu(void)
{
	CHECK_EQ(pmtufix_repair_mtu(1500, 1446), 1446, "too large");
	CHECK_EQ(pmtufix_repair_mtu(0, 1446), 1446, "zero, RFC 1191");
	CHECK_EQ(pmtufix_repair_mtu(1447, 1446), 1446, "one above");
	CHECK_EQ(pmtufix_repair_mtu(1446, 1446), 0, "equal: left");
	CHECK_EQ(pmtufix_repair_mtu(1400, 1446), 0, "smaller: left");
}

/* Over @secs seconds of calls every @step ns, tokens taken. */
static unsigned long drain(struct pmtufix_tbucket *tb, u64 *now, u64 step,
			   u64 span, u32 rate, u32 burst)
{
	unsigned long n = 0;
	u64 end = *now + span;

	for (; *now < end; *now += step)
		n += pmtufix_tbucket_take(tb, *now, rate, burst);
	return n;
}

static void test_tbucket(void)
{
	struct pmtufix_tbucket tb = {};
	u64 now = 5ULL * PMTUFIX_NSEC_PER_SEC;
	unsigned long n;
	int i;

	/* A new bucket holds the burst, and no more. */
	for (n = 0, i = 0; i < 1000; i++)
		n += pmtufix_tbucket_take(&tb, now, 100, 20);
	CHECK_EQ(n, 20, "burst at one instant");

	/* Then the rate: 100/s for 10 s of calls every 100 us. */
	n = drain(&tb, &now, 100000, 10ULL * PMTUFIX_NSEC_PER_SEC, 100, 20);
	CHECK(n >= 999 && n <= 1001, "10 s at 100/s gave %lu", n);

	/* Idle for a minute: the credit is capped at the burst. */
	now += 60ULL * PMTUFIX_NSEC_PER_SEC;
	for (n = 0, i = 0; i < 1000; i++)
		n += pmtufix_tbucket_take(&tb, now, 100, 20);
	CHECK_EQ(n, 20, "burst after idle");

	/* Rate 0: no limit of its own. */
	for (n = 0, i = 0; i < 1000; i++)
		n += pmtufix_tbucket_take(&tb, now, 0, 20);
	CHECK_EQ(n, 1000, "rate 0 is unlimited");

	/* A clock going back gives nothing away. */
	tb = (struct pmtufix_tbucket){};
	now = 100ULL * PMTUFIX_NSEC_PER_SEC;
	n = drain(&tb, &now, 1, 5, 10, 1);
	CHECK_EQ(n, 1, "burst 1");
	CHECK(!pmtufix_tbucket_take(&tb, now - PMTUFIX_NSEC_PER_SEC, 10, 1),
	      "time going back");
	CHECK(pmtufix_tbucket_take(&tb, now + PMTUFIX_NSEC_PER_SEC / 10, 10, 1),
	      "refilled after 1/rate");

	/* Huge rates and bursts neither overflow nor divide by zero. */
	tb = (struct pmtufix_tbucket){};
	now = 1;
	for (n = 0, i = 0; i < 100; i++)
		n += pmtufix_tbucket_take(&tb, now, 4000000000U, 4000000000U);
	CHECK_EQ(n, 100, "huge rate and burst");
}

static bool src_take(struct pmtufix_src_limit *sl, u32 hash, u32 ip,
		     u64 now)
{
	u8 a[4] = { ip >> 24, ip >> 16, ip >> 8, ip }, key[16];

	pmtufix_src_key(PMTUFIX_IPV4, a, key);
	return pmtufix_src_take(sl, hash, key, now, 100, 10);
}

static void test_src_limit(void)
{
	static struct pmtufix_src_limit sl;
	u64 now = PMTUFIX_NSEC_PER_SEC;
	u8 v6[16] = { 0x20, 0x01, 0x0d, 0xb8 }, key[16];
	unsigned long a, b;
	int i;

	/* The key: IPv4 mapped, IPv6 as it is. */
	pmtufix_src_key(PMTUFIX_IPV4, (const u8 *)"\x0a\x00\x01\x02", key);
	CHECK(!memcmp(key, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\x00\x01\x02",
		      16), "v4-mapped key");
	pmtufix_src_key(PMTUFIX_IPV6, v6, key);
	CHECK(!memcmp(key, v6, 16), "v6 key");

	/* A flooding source gets its burst; another in the same set too. */
	for (a = 0, i = 0; i < 1000; i++)
		a += src_take(&sl, 7, 0x0a000102, now);
	for (b = 0, i = 0; i < 5; i++)
		b += src_take(&sl, 7, 0x0a000103, now);
	CHECK_EQ(a, 10, "flooder's burst");
	CHECK_EQ(b, 5, "another source in the same set is untouched");

	/* Each then refills at the rate, on its own. */
	now += PMTUFIX_NSEC_PER_SEC / 10;
	for (a = 0, i = 0; i < 1000; i++)
		a += src_take(&sl, 7, 0x0a000102, now);
	CHECK_EQ(a, 10, "flooder after 100 ms at 100/s");
	CHECK(src_take(&sl, 7, 0x0a000103, now), "the other still has credit");

	/* Four more sources in the set evict the least recently used. */
	now += 1;
	for (i = 0; i < PMTUFIX_SRC_WAYS; i++) {
		now += 1;
		CHECK(src_take(&sl, 7, 0x0a000200 + i, now), "new source %d", i);
	}
	/* Both early sources were evicted: they start full again. */
	for (a = 0, i = 0; i < 1000; i++)
		a += src_take(&sl, 7, 0x0a000102, now);
	CHECK_EQ(a, 10, "an evicted source starts with a full bucket");

	/* Rate 0: no per-source limit. */
	for (a = 0, i = 0; i < 100; i++)
		a += pmtufix_src_take(&sl, 3, key, now, 0, 1);
	CHECK_EQ(a, 100, "rate 0");
}

int main(void)
{
	test_signal_mtu();
	test_repair_mtu();
	test_tbucket();
	test_src_limit();
	return unit_done("pmtu");
}

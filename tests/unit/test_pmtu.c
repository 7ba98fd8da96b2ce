// SPDX-License-Identifier: GPL-2.0
/*
 * The MTU signalled to senders, the repair decision, and the token bucket
 * against a simple simulation of elapsed time.
 */
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

int main(void)
{
	test_signal_mtu();
	test_repair_mtu();
	test_tbucket();
	return unit_done("pmtu");
}

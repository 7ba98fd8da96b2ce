// SPDX-License-Identifier: GPL-2.0
/*
 * Path-MTU signalling arithmetic, shared by the module and the tests.
 */
#include "pmtu.h"

u32 pmtufix_signal_mtu(unsigned int family, u32 inner_mtu, u32 floor)
{
	u32 low;

	if (family == PMTUFIX_IPV4) {
		low = floor + 20 + 20;
		if (low < PMTUFIX_MIN_MTU4)
			low = PMTUFIX_MIN_MTU4;
	} else {
		low = floor + 40 + 20;
		if (low < PMTUFIX_MIN_MTU6)
			low = PMTUFIX_MIN_MTU6;
	}
	return inner_mtu > low ? inner_mtu : low;
}

bool pmtufix_tbucket_take(struct pmtufix_tbucket *tb, u64 now, u32 rate,
			  u32 burst)
{
	u64 cost, cap, credit;

	if (!rate)
		return true;
	cost = PMTUFIX_NSEC_PER_SEC / rate;
	if (!cost)
		cost = 1;
	cap = cost * (burst ? burst : 1);

	/* A clock that went back gives no credit rather than a lot. */
	credit = tb->credit;
	if (!tb->last)
		credit = cap;
	else if (now > tb->last)
		credit += now - tb->last;
	if (credit > cap || credit < tb->credit)
		credit = cap;
	tb->last = now ? now : 1;

	if (credit < cost) {
		tb->credit = credit;
		return false;
	}
	tb->credit = credit - cost;
	return true;
}

void pmtufix_src_key(unsigned int family, const u8 *addr,
		     u8 key[PMTUFIX_SRC_ADDR_LEN])
{
	if (family == PMTUFIX_IPV6) {
		memcpy(key, addr, PMTUFIX_SRC_ADDR_LEN);
		return;
	}
	memset(key, 0, 10);
	key[10] = 0xff;
	key[11] = 0xff;
	memcpy(key + 12, addr, 4);
}

bool pmtufix_src_take(struct pmtufix_src_limit *sl, u32 hash,
		      const u8 key[PMTUFIX_SRC_ADDR_LEN], u64 now, u32 rate,
		      u32 burst)
{
	struct pmtufix_src_bucket *set = sl->slot[hash % PMTUFIX_SRC_SETS];
	struct pmtufix_src_bucket *b = NULL, *lru = &set[0];
	unsigned int i;

	if (!rate)
		return true;
	for (i = 0; i < PMTUFIX_SRC_WAYS; i++) {
		if (set[i].tb.last &&
		    !memcmp(set[i].addr, key, PMTUFIX_SRC_ADDR_LEN)) {
			b = &set[i];
			break;
		}
		if (set[i].tb.last < lru->tb.last)
			lru = &set[i];
	}
	if (!b) {
		b = lru;
		memcpy(b->addr, key, PMTUFIX_SRC_ADDR_LEN);
		b->tb = (struct pmtufix_tbucket){};
	}
	return pmtufix_tbucket_take(&b->tb, now, rate, burst);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path-MTU signalling: the MTU a too-big message announces, whether a
 * too-big message crossing the router needs its MTU lowered, and the token
 * bucket that bounds how many messages a table sends.
 */
#ifndef _PMTUFIX_CORE_PMTU_H
#define _PMTUFIX_CORE_PMTU_H

#include "types.h"
#include "layers.h"
#include "limits.h"

/*
 * The MTU toward an entry as signalled to senders: its inner MTU, but no
 * lower than what the table's MSS floor implies (floor + IP header + TCP
 * header) nor the family's minimum.  Packets no larger than this are never
 * refused, and a too-big message never asks for less.
 */
u32 pmtufix_signal_mtu(unsigned int family, u32 inner_mtu, u32 floor);

/*
 * A too-big message (ICMP fragmentation needed, ICMPv6 packet too big)
 * carrying @announced for a destination whose signalled MTU is @mtu: the
 * value it should carry instead, or 0 to leave it.  Zero (routers before
 * RFC 1191) and values above @mtu are lowered; smaller values are kept, as
 * the path may well be narrower than the table knows.
 */
static inline u32 pmtufix_repair_mtu(u32 announced, u32 mtu)
{
	return announced && announced <= mtu ? 0 : mtu;
}

/*
 * A token bucket of @burst messages refilled at @rate a second, kept as
 * nanoseconds of credit.  The caller serialises access.
 */
struct pmtufix_tbucket {
	u64 credit;		/* ns */
	u64 last;		/* ns, time of the last call */
};

#define PMTUFIX_NSEC_PER_SEC	1000000000U

/*
 * Takes one token at time @now (ns, monotonic): true if there was one.
 * @rate 0 means no limit.  A new bucket (all zero) starts full.
 */
bool pmtufix_tbucket_take(struct pmtufix_tbucket *tb, u64 now, u32 rate,
			  u32 burst);

/*
 * Token buckets per source address, so that one sender that keeps sending
 * oversize packets cannot use up the messages every other sender needs
 * (as inet_peer_xrlim_allow() keeps ICMP fair per peer).  A small
 * set-associative cache: a source is kept in one of PMTUFIX_SRC_WAYS slots
 * of the set its hash selects; a source not cached takes the set's least
 * recently used slot and starts with a full bucket.  The caller
 * serialises access and supplies a keyed hash, so that senders cannot
 * choose which sources share a set.
 */
#define PMTUFIX_SRC_SETS	64
#define PMTUFIX_SRC_WAYS	4
#define PMTUFIX_SRC_ADDR_LEN	16	/* IPv4 as ::ffff:a.b.c.d */

struct pmtufix_src_bucket {
	u8 addr[PMTUFIX_SRC_ADDR_LEN];
	struct pmtufix_tbucket tb;	/* tb.last 0: slot unused */
};

struct pmtufix_src_limit {
	struct pmtufix_src_bucket slot[PMTUFIX_SRC_SETS][PMTUFIX_SRC_WAYS];
};

/* @addr of @family (4 or 16 bytes) as the 16-byte key of the cache. */
void pmtufix_src_key(unsigned int family, const u8 *addr,
		     u8 key[PMTUFIX_SRC_ADDR_LEN]);

/* pmtufix_tbucket_take() on the bucket of source @key, whose hash is @hash. */
bool pmtufix_src_take(struct pmtufix_src_limit *sl, u32 hash,
		      const u8 key[PMTUFIX_SRC_ADDR_LEN], u64 now, u32 rate,
		      u32 burst);

#endif /* _PMTUFIX_CORE_PMTU_H */

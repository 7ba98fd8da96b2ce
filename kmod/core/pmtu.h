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

/* The smallest MTU each family must carry (RFC 791, RFC 8200). */
#define PMTUFIX_MIN_MTU4	68
#define PMTUFIX_MIN_MTU6	1280

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

#endif /* _PMTUFIX_CORE_PMTU_H */

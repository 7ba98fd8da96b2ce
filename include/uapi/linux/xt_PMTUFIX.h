/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xt_PMTUFIX: the xtables target PMTUFIX, rule part.
 *
 * A rule names one pmtufix table of its network namespace (the tables are
 * managed over the generic netlink family described in <linux/pmtufix.h>)
 * and says which addresses of a packet are looked up in it:
 *
 *   iptables  -t mangle -A FORWARD -p tcp -j PMTUFIX [--table-name NAME]
 *                     [--lookup src|dst|both] [--missing-mss insert|ignore]
 *                     [--send-too-big] [--repair-icmp]
 *   ip6tables -t mangle -A FORWARD -p tcp -j PMTUFIX ...
 *
 * struct xt_pmtufix_info is what iptables hands to the kernel.  Userspace
 * fills everything before @priv; the kernel owns @priv.  Unknown bits in
 * @flags and non-zero reserved fields are rejected with EINVAL, so they can
 * be given a meaning later without changing the revision.
 */
#ifndef _UAPI_XT_PMTUFIX_H
#define _UAPI_XT_PMTUFIX_H

#include <linux/types.h>

/* Table names: printable, no spaces, NUL-terminated, at most 31 bytes. */
#define XT_PMTUFIX_TABLE_LEN	32
#define XT_PMTUFIX_TABLE_DEFAULT "default"

/* Which addresses of the packet are looked up. */
enum xt_pmtufix_lookup {
	/* Source and destination; the smaller result wins. */
	XT_PMTUFIX_LOOKUP_BOTH = 0,
	/* Only the source: the MSS option limits what is sent back to it. */
	XT_PMTUFIX_LOOKUP_SRC,
	/* Only the destination. */
	XT_PMTUFIX_LOOKUP_DST,
	__XT_PMTUFIX_LOOKUP_MAX
};

/*
 * A SYN without an MSS option: by default, as xt_TCPMSS does, an option
 * carrying min(MSS, 536) (IPv4) or min(MSS, 1220) (IPv6) is inserted when
 * the header has room and the SYN carries no data.  With this flag
 * (--missing-mss ignore) such SYNs are left alone.
 */
#define XT_PMTUFIX_F_MISSING_IGNORE	(1U << 0)

/*
 * --send-too-big: a packet that may not be fragmented (IPv4 with DF, any
 * IPv6 packet), headed to an entry whose MTU it exceeds, is dropped and
 * answered with ICMP fragmentation needed or ICMPv6 packet too big carrying
 * that MTU, as a router on the path would, within the kernel's ICMP rate
 * limits and the table's own token bucket.  Never for fragments or ICMP
 * errors.  Valid in FORWARD and POSTROUTING.
 */
#define XT_PMTUFIX_F_SEND_TOO_BIG	(1U << 1)

/*
 * --repair-icmp: a too-big message whose quoted packet is headed to an
 * entry, announcing more than the entry's MTU or 0, gets the entry's MTU
 * instead, checksum updated.
 */
#define XT_PMTUFIX_F_REPAIR_ICMP	(1U << 2)

#define XT_PMTUFIX_F_ALL		(XT_PMTUFIX_F_MISSING_IGNORE | \
					 XT_PMTUFIX_F_SEND_TOO_BIG | \
					 XT_PMTUFIX_F_REPAIR_ICMP)

struct xt_pmtufix_info {
	char	table[XT_PMTUFIX_TABLE_LEN];
	__u8	lookup;		/* enum xt_pmtufix_lookup */
	__u8	reserved8[3];	/* must be zero */
	__u32	flags;		/* XT_PMTUFIX_F_* */
	__u32	reserved[2];	/* must be zero */

	/* Used internally by the kernel. */
	void	*priv __attribute__((aligned(8)));
};

#endif /* _UAPI_XT_PMTUFIX_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The xtables target PMTUFIX: rule validation, and the packet path that
 * clamps the MSS of SYN and SYN-ACK to what the table says fits.
 *
 * With --send-too-big it also refuses packets that do not fit the path
 * toward their destination, as a router on that path would, and with
 * --repair-icmp it lowers the MTU of too-big messages that claim more than
 * the table knows fits.
 *
 * Apart from the packets --send-too-big refuses, the target never drops a
 * packet: whatever it cannot handle (malformed options, a header it cannot
 * make writable, a fragment) goes on unchanged and is counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/netfilter/x_tables.h>
#include <linux/xt_PMTUFIX.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/dst_metadata.h>
#ifdef PMTUFIX_HAVE_NET_GSO_H
#include <net/gso.h>		/* skb_gso_validate_network_len(), 6.5 on */
#endif
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "table.h"
#include "core/tcpopt.h"

/* What one packet did, counted in one go at the end. */
struct pmtufix_pkt {
	unsigned int family;		/* PMTUFIX_IPV4 or PMTUFIX_IPV6 */
	unsigned int thoff;		/* TCP header offset */
	bool first_frag;		/* more fragments follow */
	const u8 *saddr, *daddr;
	u32 events;			/* BIT(enum pmtufix_counter) */
};

/*
 * Counts @events on this CPU.  Rules run from softirq and, in OUTPUT, from
 * the sending process, iptables-nft's without BHs off: only preemption is
 * held off for the increments, which are single instructions on 64-bit
 * hosts, and interrupts as well where the sequence count is real (32-bit).
 */
static void pmtufix_count(struct pmtufix_table *t, unsigned long events)
{
	struct pmtufix_pcpu_stats *s = get_cpu_ptr(t->stats);
	unsigned long flags;
	unsigned int i;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	for_each_set_bit(i, &events, PMTUFIX_C_MAX)
		u64_stats_inc(&s->c[i]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(t->stats);
}

/* The entry matching @addr, or false when none does. */
static bool pmtufix_find(const struct pmtufix_snapshot *d, unsigned int family,
			 const u8 *addr, struct pmtufix_entry_stats **st,
			 const struct pmtufix_fit **fit)
{
	const struct pmtufix_base *b = d->base;
	const struct pmtufix_dent *e;
	u32 ref;

	if (family == PMTUFIX_IPV4) {
		ref = pmtufix_lookup4(d, addr);
		if (ref == PMTUFIX_LPM_NONE)
			return false;
		if (likely(!(ref & PMTUFIX_REF_DELTA))) {
			*st = &b->st4[ref];
			*fit = &b->fits[b->prof4[ref]];
			return true;
		}
		e = &d->dent4[ref & ~PMTUFIX_REF_DELTA];
	} else {
		ref = pmtufix_lookup6(d, addr);
		if (ref == PMTUFIX_LPM_NONE)
			return false;
		if (likely(!(ref & PMTUFIX_REF_DELTA))) {
			*st = &b->st6[ref];
			*fit = &b->fits[b->prof6[ref]];
			return true;
		}
		e = &d->dent6[ref & ~PMTUFIX_REF_DELTA];
	}
	*st = e->st;
	*fit = &d->dfits[e->profile];
	return true;
}

/* The MTU of @fit as told to senders: see pmtufix_signal_mtu(). */
static u32 pmtufix_fit_signal_mtu(const struct pmtufix_snapshot *d,
				  unsigned int family,
				  const struct pmtufix_fit *fit)
{
	return pmtufix_signal_mtu(family, fit->mtu, pmtufix_floor(d, family));
}

/* An address's entry as a SYN sees it: its counters and the MSS it allows. */
struct pmtufix_hit {
	struct pmtufix_entry_stats *st;
	u16 mss;
};

static bool pmtufix_match(const struct pmtufix_snapshot *d, unsigned int family,
			  const u8 *addr, struct pmtufix_hit *hit)
{
	const struct pmtufix_fit *fit;

	if (!pmtufix_find(d, family, addr, &hit->st, &fit))
		return false;
	hit->mss = fit->mss;
	atomic64_inc(&hit->st->c[PMTUFIX_EC_HITS]);
	return true;
}

/*
 * The MSS the table allows for @pkt: the smaller of what its looked-up
 * addresses allow, then no more than the packet's own route allows, and
 * never below the table's floor.  0 when nothing matched.
 */
static u16 pmtufix_target_mss(const struct sk_buff *skb,
			      const struct xt_pmtufix_info *info,
			      const struct pmtufix_snapshot *d,
			      struct pmtufix_pkt *pkt,
			      struct pmtufix_entry_stats **which)
{
	unsigned int minlen = pkt->family == PMTUFIX_IPV4 ?
		sizeof(struct iphdr) + sizeof(struct tcphdr) :
		sizeof(struct ipv6hdr) + sizeof(struct tcphdr);
	struct pmtufix_hit src = {}, dst = {};
	bool have_src = false, have_dst = false;
	const struct dst_entry *route;
	u32 mss;

	if (info->lookup != XT_PMTUFIX_LOOKUP_DST)
		have_src = pmtufix_match(d, pkt->family, pkt->saddr, &src);
	if (info->lookup != XT_PMTUFIX_LOOKUP_SRC)
		have_dst = pmtufix_match(d, pkt->family, pkt->daddr, &dst);
	if (!have_src && !have_dst)
		return 0;
	if (have_src && (!have_dst || src.mss <= dst.mss)) {
		mss = src.mss;
		*which = src.st;
	} else {
		mss = dst.mss;
		*which = dst.st;
	}

	/*
	 * Only a real route has an MTU: on arrival from a collect_md tunnel
	 * the dst is the tunnel's metadata, with no device behind it.
	 */
	if (skb_valid_dst(skb)) {
		route = skb_dst(skb);
		if (dst_mtu(route) > minlen)
			mss = min_t(u32, mss, dst_mtu(route) - minlen);
	}

	return max_t(u32, mss, pmtufix_floor(d, pkt->family));
}

static void pmtufix_csum_apply(struct sk_buff *skb, struct tcphdr *th,
			       const struct pmtufix_csum_edit *e)
{
	__be16 from16, to16;
	__be32 from, to;

	if (e->len == 2) {
		memcpy(&from16, e->from, 2);
		memcpy(&to16, e->to, 2);
		inet_proto_csum_replace2(&th->check, skb, from16, to16, false);
	} else {
		memcpy(&from, e->from, 4);
		memcpy(&to, e->to, 4);
		inet_proto_csum_replace4(&th->check, skb, from, to, false);
	}
}

/*
 * Adds an MSS option to a SYN that has none, as xt_TCPMSS does.  Returns
 * the bytes added (0 or 4).
 */
static int pmtufix_insert(struct sk_buff *skb, struct pmtufix_pkt *pkt,
			  unsigned int hdrlen, u16 mss)
{
	unsigned int len = skb->len - pkt->thoff;
	struct tcphdr *th;
	__be16 oldword;
	__be32 optword;
	u8 *opt;

	/* Data after the header, no room in doff, or a fragment: leave it. */
	if (len > hdrlen || hdrlen > PMTUFIX_TCPHDR_MAX - PMTUFIX_TCPOLEN_MSS ||
	    pkt->first_frag)
		return 0;
	if (skb_tailroom(skb) < PMTUFIX_TCPOLEN_MSS &&
	    pskb_expand_head(skb, 0, PMTUFIX_TCPOLEN_MSS - skb_tailroom(skb),
			     GFP_ATOMIC)) {
		pkt->events |= BIT(PMTUFIX_C_NOT_WRITABLE);
		return 0;
	}
	skb_put(skb, PMTUFIX_TCPOLEN_MSS);
	th = (struct tcphdr *)(skb_network_header(skb) + pkt->thoff);
	oldword = ((__be16 *)th)[6];

	if (pkt->family == PMTUFIX_IPV4)
		mss = min_t(u16, mss, PMTUFIX_DEFAULT_MSS4);
	else
		mss = min_t(u16, mss, PMTUFIX_DEFAULT_MSS6);
	/* Cannot fail: the header length was checked above. */
	pmtufix_tcp_insert_mss((u8 *)th, hdrlen, mss);

	opt = (u8 *)th + sizeof(*th);
	memcpy(&optword, opt, sizeof(optword));
	inet_proto_csum_replace2(&th->check, skb, htons(len),
				 htons(len + PMTUFIX_TCPOLEN_MSS), true);
	inet_proto_csum_replace4(&th->check, skb, 0, optword, false);
	inet_proto_csum_replace2(&th->check, skb, oldword,
				 ((__be16 *)th)[6], false);
	pkt->events |= BIT(PMTUFIX_C_INSERTED);
	return PMTUFIX_TCPOLEN_MSS;
}

/*
 * Lowers the MSS options of the writable SYN at pkt->thoff to @mss, or adds
 * one.  Its own function: the option offsets live on its stack, which
 * kernels built to zero every stack variable clear on each call, and only
 * SYNs that matched an entry come here.  Returns the bytes added (0 or 4).
 */
static int pmtufix_rewrite(struct sk_buff *skb,
			   const struct xt_pmtufix_info *info,
			   struct pmtufix_pkt *pkt, unsigned int hdrlen, u16 mss,
			   struct pmtufix_entry_stats *which)
{
	struct tcphdr *th = (struct tcphdr *)(skb_network_header(skb) +
					      pkt->thoff);
	struct pmtufix_csum_edit edit;
	struct pmtufix_tcp_opts opts;
	bool clamped = false;
	unsigned int i;

	if (pmtufix_tcp_scan((const u8 *)th, hdrlen, &opts) < 0) {
		pkt->events |= BIT(PMTUFIX_C_MALFORMED);
		return 0;
	}
	if (!opts.nmss) {
		if (info->flags & XT_PMTUFIX_F_MISSING_IGNORE)
			return 0;
		return pmtufix_insert(skb, pkt, hdrlen, mss);
	}

	for (i = 0; i < opts.nmss; i++) {
		if (!pmtufix_tcp_clamp_one((u8 *)th, hdrlen, opts.off[i], mss,
					   &edit))
			continue;
		pmtufix_csum_apply(skb, th, &edit);
		clamped = true;
	}
	if (clamped) {
		pkt->events |= BIT(PMTUFIX_C_CLAMPED);
		atomic64_inc(&which->c[PMTUFIX_EC_CLAMPED]);
	} else {
		pkt->events |= BIT(PMTUFIX_C_UNCHANGED);
	}
	return 0;
}

/* Returns the bytes the TCP header grew by (0 or 4). */
static int pmtufix_mangle(struct sk_buff *skb,
			  const struct xt_action_param *par,
			  struct pmtufix_pkt *pkt)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_table *t = info->priv;
	struct pmtufix_entry_stats *which = NULL;
	const struct pmtufix_snapshot *d;
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int hdrlen;
	u16 mss;

	th = skb_header_pointer(skb, pkt->thoff, sizeof(_th), &_th);
	if (!th) {
		pkt->events |= BIT(pkt->first_frag ? PMTUFIX_C_FRAGMENT :
						     PMTUFIX_C_MALFORMED);
		return 0;
	}
	if (!th->syn || th->rst)
		return 0;
	pkt->events |= BIT(th->ack ? PMTUFIX_C_SYNACK : PMTUFIX_C_SYN);

	hdrlen = th->doff * 4;
	if (hdrlen < sizeof(*th)) {
		pkt->events |= BIT(PMTUFIX_C_MALFORMED);
		return 0;
	}
	if (pkt->thoff + hdrlen > skb->len) {
		pkt->events |= BIT(pkt->first_frag ? PMTUFIX_C_FRAGMENT :
						     PMTUFIX_C_MALFORMED);
		return 0;
	}

	d = rcu_dereference(t->data);
	mss = pmtufix_target_mss(skb, info, d, pkt, &which);
	if (!mss) {
		pkt->events |= BIT(PMTUFIX_C_NO_MATCH);
		return 0;
	}

	/* Only the header is made writable; pointers are taken afterwards. */
	if (skb_ensure_writable(skb, pkt->thoff + hdrlen)) {
		pkt->events |= BIT(PMTUFIX_C_NOT_WRITABLE);
		return 0;
	}
	return pmtufix_rewrite(skb, info, pkt, hdrlen, mss, which);
}

/* Path-MTU signalling */

/*
 * Whether one more too-big message may go to the source of @pkt: first
 * the source's own bucket, so that one sender cannot use up what the
 * others need, then the table's, a ceiling over all of them.  The kernel
 * limits neither (icmpv4_mask_allow(), and ICMPv6 type 2 is not in the
 * default icmp/ratemask).  Only packets about to be refused come here.
 */
static bool pmtufix_too_big_allowed(struct pmtufix_table *t,
				    const struct pmtufix_snapshot *d,
				    const struct pmtufix_pkt *pkt)
{
	const struct pmtufix_defaults *def = &d->def;
	u8 key[PMTUFIX_SRC_ADDR_LEN];
	bool ok;
	u32 hash;
	u64 now;

	if (!def->too_big_rate && !def->too_big_src_rate)
		return true;
	pmtufix_src_key(pkt->family, pkt->saddr, key);
	hash = jhash(key, sizeof(key), t->too_big_src_seed);
	now = ktime_get_ns();
	spin_lock_bh(&t->too_big_lock);
	ok = pmtufix_src_take(&t->too_big_src, hash, key, now,
			      def->too_big_src_rate, def->too_big_src_burst) &&
	     pmtufix_tbucket_take(&t->too_big, now, def->too_big_rate,
				  def->too_big_burst);
	spin_unlock_bh(&t->too_big_lock);
	return ok;
}

/*
 * This CPU's count of ICMP messages @net built.  The output counters of
 * ICMP and ICMPv6 are per CPU at the namespace level.
 */
static unsigned long pmtufix_icmp_out(struct net *net, unsigned int family)
{
	if (family == PMTUFIX_IPV4)
		return this_cpu_read(net->mib.icmp_statistics->mibs[ICMP_MIB_OUTMSGS]);
	return this_cpu_read(net->mib.icmpv6_statistics->mibs[ICMP6_MIB_OUTMSGS]);
}

/*
 * Answers @skb with a too-big message announcing @mtu.  icmp_send() and
 * icmpv6_send() return nothing, and decline silently when there is no
 * route back to the source or the source is one they never answer: this
 * CPU's ICMP output counter tells whether a message was made.  With BHs
 * off, nothing else on this CPU sends one in between.
 */
static bool pmtufix_send_too_big(struct sk_buff *skb, unsigned int family,
				 u32 mtu)
{
	struct net *net = dev_net(skb_dst(skb)->dev);
	unsigned long before;
	bool sent;

	local_bh_disable();
	before = pmtufix_icmp_out(net, family);
	if (family == PMTUFIX_IPV4)
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	else
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	sent = pmtufix_icmp_out(net, family) != before;
	local_bh_enable();
	return sent;
}

/*
 * Whether @skb, which may not be fragmented, exceeds @mtu, decided as the
 * kernel's forwarding does (ip_exceeds_mtu(), ip6_pkt_too_big()): a packet
 * conntrack reassembled by its largest fragment, a GSO packet by its
 * segments, and one the stack may fragment itself never.
 */
static bool pmtufix_exceeds(const struct sk_buff *skb, unsigned int mtu,
			    u16 frag_max_size)
{
	if (skb->len <= mtu)
		return false;
	if (frag_max_size > mtu)
		return true;
	if (skb->ignore_df)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

/*
 * --send-too-big for a packet that may not be fragmented: true when it
 * exceeds the MTU toward its destination and is to be dropped, a too-big
 * message having gone to its source unless a bucket was empty.  A local
 * sender sees EMSGSIZE, as when the stack refuses the packet itself
 * (iptables-nft turns every drop into EPERM).  A packet without a real
 * route (icmp_send() needs one) is left alone.
 */
static bool pmtufix_too_big(struct sk_buff *skb, struct pmtufix_table *t,
			    struct pmtufix_pkt *pkt, u16 frag_max_size)
{
	const struct pmtufix_snapshot *d = rcu_dereference(t->data);
	const struct pmtufix_fit *fit;
	struct pmtufix_entry_stats *st;
	u32 mtu;

	/* Most packets fit any entry's MTU: no lookup for them. */
	if (skb->len <= pmtufix_signal_mtu(pkt->family, 0,
					   pmtufix_floor(d, pkt->family)) ||
	    !skb_valid_dst(skb))
		return false;
	if (!pmtufix_find(d, pkt->family, pkt->daddr, &st, &fit))
		return false;
	mtu = pmtufix_fit_signal_mtu(d, pkt->family, fit);
	if (!pmtufix_exceeds(skb, mtu, frag_max_size))
		return false;

	if (!pmtufix_too_big_allowed(t, d, pkt)) {
		pkt->events |= BIT(PMTUFIX_C_TOO_BIG_RATELIMITED);
		atomic64_inc(&st->c[PMTUFIX_EC_TOO_BIG_RATELIMITED]);
		return true;
	}
	if (!pmtufix_send_too_big(skb, pkt->family, mtu)) {
		pkt->events |= BIT(PMTUFIX_C_TOO_BIG_UNSENT);
		return true;
	}
	pkt->events |= BIT(PMTUFIX_C_TOO_BIG_SENT);
	atomic64_inc(&st->c[PMTUFIX_EC_TOO_BIG_SENT]);
	return true;
}

/*
 * Whether --send-too-big applies at this hook.  Rule checking refuses
 * other hooks, but iptables-nft checks rules in regular chains only once
 * they are jumped to, if at all, so the packet path checks again.
 */
static bool pmtufix_may_refuse(const struct xt_action_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;

	return info->flags & XT_PMTUFIX_F_SEND_TOO_BIG &&
	       (xt_hooknum(par) == NF_INET_FORWARD ||
		xt_hooknum(par) == NF_INET_POST_ROUTING);
}

/* The type of the ICMP or ICMPv6 message at @off, or -1 if cut short. */
static int pmtufix_icmp_type(const struct sk_buff *skb, unsigned int off)
{
	u8 _type;
	const u8 *type = skb_header_pointer(skb, off, sizeof(_type), &_type);

	return type ? *type : -1;
}

/*
 * --repair-icmp: the too-big message at @off quotes a packet toward
 * @qdaddr and announces @announced; lower it to what the table says fits.
 */
static void pmtufix_repair(struct sk_buff *skb, struct pmtufix_table *t,
			   struct pmtufix_pkt *pkt, unsigned int off,
			   const u8 *qdaddr, u32 announced)
{
	const struct pmtufix_snapshot *d = rcu_dereference(t->data);
	const struct pmtufix_fit *fit;
	struct pmtufix_entry_stats *st;
	u32 mtu;

	if (!pmtufix_find(d, pkt->family, qdaddr, &st, &fit))
		return;
	mtu = pmtufix_repair_mtu(announced,
				 pmtufix_fit_signal_mtu(d, pkt->family, fit));
	if (!mtu)
		return;

	if (skb_ensure_writable(skb, off + sizeof(struct icmp6hdr))) {
		pkt->events |= BIT(PMTUFIX_C_NOT_WRITABLE);
		return;
	}
	if (pkt->family == PMTUFIX_IPV4) {
		struct icmphdr *icmph = (void *)skb_network_header(skb) + off;
		__be16 new = htons(mtu);

		inet_proto_csum_replace2(&icmph->checksum, skb,
					 icmph->un.frag.mtu, new, false);
		icmph->un.frag.mtu = new;
	} else {
		struct icmp6hdr *icmp6h = (void *)skb_network_header(skb) + off;
		__be32 new = htonl(mtu);

		inet_proto_csum_replace4(&icmp6h->icmp6_cksum, skb,
					 icmp6h->icmp6_mtu, new, false);
		icmp6h->icmp6_mtu = new;
	}
	pkt->events |= BIT(PMTUFIX_C_ICMP_REPAIRED);
	atomic64_inc(&st->c[PMTUFIX_EC_ICMP_REPAIRED]);
}

/* A too-big message and the start of the packet it quotes. */
union pmtufix_quote {
	struct {
		struct icmphdr icmp;
		struct iphdr ip;
	} v4;
	struct {
		struct icmp6hdr icmp;
		struct ipv6hdr ip;
	} v6;
};

/* A too-big message quoting a packet of its own family is repaired. */
static void pmtufix_repair_quoted(struct sk_buff *skb, struct pmtufix_table *t,
				  struct pmtufix_pkt *pkt)
{
	bool v4 = pkt->family == PMTUFIX_IPV4;
	const union pmtufix_quote *q;
	union pmtufix_quote _q;

	q = skb_header_pointer(skb, pkt->thoff,
			       v4 ? sizeof(_q.v4) : sizeof(_q.v6), &_q);
	if (!q)
		return;
	if (v4 && q->v4.icmp.type == ICMP_DEST_UNREACH &&
	    q->v4.icmp.code == ICMP_FRAG_NEEDED && q->v4.ip.version == 4)
		pmtufix_repair(skb, t, pkt, pkt->thoff,
			       (const u8 *)&q->v4.ip.daddr,
			       ntohs(q->v4.icmp.un.frag.mtu));
	else if (!v4 && q->v6.icmp.icmp6_type == ICMPV6_PKT_TOOBIG &&
		 q->v6.icmp.icmp6_code == 0 && q->v6.ip.version == 6)
		pmtufix_repair(skb, t, pkt, pkt->thoff, q->v6.ip.daddr.s6_addr,
			       ntohl(q->v6.icmp.icmp6_mtu));
}

/*
 * Path-MTU signalling, the same for both families: @refusable is a packet
 * that may not be fragmented and is no ICMP error, @too_big a too-big
 * message.  Returns true when it is done with the packet: refused (with
 * *@verdict set) or repaired.
 */
static bool pmtufix_signal(struct sk_buff *skb,
			   const struct xt_action_param *par,
			   struct pmtufix_pkt *pkt, bool refusable,
			   u16 frag_max_size, bool too_big,
			   unsigned int *verdict)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_table *t = info->priv;

	if (refusable && pmtufix_may_refuse(par) &&
	    pmtufix_too_big(skb, t, pkt, frag_max_size)) {
		*verdict = NF_DROP_ERR(-EMSGSIZE);
		return true;
	}
	if (!too_big || !(info->flags & XT_PMTUFIX_F_REPAIR_ICMP))
		return false;
	pmtufix_repair_quoted(skb, t, pkt);
	return true;
}

/* An IPv4 packet into @pkt's events; the verdict. */
static unsigned int pmtufix_tg4(struct sk_buff *skb,
				const struct xt_action_param *par,
				struct pmtufix_pkt *pkt)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int verdict = XT_CONTINUE;
	int icmp_type = -1;
	bool refusable;
	__be16 newlen;
	int grown;

	pkt->family = PMTUFIX_IPV4;
	pkt->thoff = iph->ihl * 4;
	pkt->first_frag = iph->frag_off & htons(IP_MF);
	pkt->saddr = (const u8 *)&iph->saddr;
	pkt->daddr = (const u8 *)&iph->daddr;
	if (iph->protocol == IPPROTO_ICMP && !ip_is_fragment(iph))
		icmp_type = pmtufix_icmp_type(skb, pkt->thoff);
	refusable = iph->frag_off & htons(IP_DF) && !ip_is_fragment(iph) &&
		    !(iph->protocol == IPPROTO_ICMP &&
		      (icmp_type < 0 || icmp_is_err(icmp_type)));
	if (pmtufix_signal(skb, par, pkt, refusable, IPCB(skb)->frag_max_size,
			   icmp_type == ICMP_DEST_UNREACH, &verdict))
		return verdict;
	if (iph->protocol != IPPROTO_TCP)
		return verdict;
	if (par->fragoff) {
		pkt->events |= BIT(PMTUFIX_C_FRAGMENT);
		return verdict;
	}
	grown = pmtufix_mangle(skb, par, pkt);
	if (grown) {
		iph = ip_hdr(skb);
		newlen = htons(ntohs(iph->tot_len) + grown);
		csum_replace2(&iph->check, iph->tot_len, newlen);
		iph->tot_len = newlen;
	}
	return verdict;
}

/* The upper-layer protocol of the fragment whose header is at @off. */
static int pmtufix_frag6_proto(const struct sk_buff *skb, unsigned int off)
{
	struct frag_hdr _fh;
	const struct frag_hdr *fh;

	fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
	return fh ? fh->nexthdr : -1;
}

/* An IPv6 packet into @pkt's events; the verdict. */
static unsigned int pmtufix_tg6(struct sk_buff *skb,
				const struct xt_action_param *par,
				struct pmtufix_pkt *pkt)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	__be16 frag_off = 0, oldlen, newlen;
	unsigned int verdict = XT_CONTINUE;
	u8 nexthdr = ip6h->nexthdr;
	int thoff, grown, icmp_type = -1;
	bool refusable;

	pkt->family = PMTUFIX_IPV6;
	pkt->saddr = ip6h->saddr.s6_addr;
	pkt->daddr = ip6h->daddr.s6_addr;
	thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	if (thoff < 0)
		return verdict;
	pkt->thoff = thoff;
	/* A later fragment: the walk stops at its fragment header. */
	if (frag_off & htons(IP6_OFFSET)) {
		if (pmtufix_frag6_proto(skb, thoff) == IPPROTO_TCP)
			pkt->events |= BIT(PMTUFIX_C_FRAGMENT);
		return verdict;
	}
	if (nexthdr == IPPROTO_ICMPV6 && !frag_off)
		icmp_type = pmtufix_icmp_type(skb, thoff);
	refusable = !frag_off &&
		    !(nexthdr == IPPROTO_ICMPV6 &&
		      (icmp_type < 0 || icmpv6_is_err(icmp_type)));
	if (pmtufix_signal(skb, par, pkt, refusable, IP6CB(skb)->frag_max_size,
			   icmp_type == ICMPV6_PKT_TOOBIG, &verdict))
		return verdict;
	if (nexthdr != IPPROTO_TCP)
		return verdict;
	pkt->first_frag = frag_off & htons(IP6_MF);
	grown = pmtufix_mangle(skb, par, pkt);
	if (grown) {
		ip6h = ipv6_hdr(skb);
		oldlen = ip6h->payload_len;
		newlen = htons(ntohs(oldlen) + grown);
		if (skb->ip_summed == CHECKSUM_COMPLETE)
			skb->csum = csum_add(csum_sub(skb->csum,
						      (__force __wsum)oldlen),
					     (__force __wsum)newlen);
		ip6h->payload_len = newlen;
	}
	return verdict;
}

static int pmtufix_tg_check(const struct xt_tgchk_param *par)
{
	struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_table *t;

	if (par->family != NFPROTO_IPV4 && par->family != NFPROTO_IPV6) {
		pr_info_ratelimited("only for IPv4 and IPv6\n");
		return -EINVAL;
	}
	if (!pmtufix_table_name_valid(info->table)) {
		pr_info_ratelimited("invalid table name\n");
		return -EINVAL;
	}
	if (info->lookup >= __XT_PMTUFIX_LOOKUP_MAX) {
		pr_info_ratelimited("unknown lookup mode %u\n", info->lookup);
		return -EINVAL;
	}
	if (info->flags & ~XT_PMTUFIX_F_ALL ||
	    memchr_inv(info->reserved8, 0, sizeof(info->reserved8)) ||
	    memchr_inv(info->reserved, 0, sizeof(info->reserved))) {
		pr_info_ratelimited("unknown flags or reserved fields set\n");
		return -EINVAL;
	}

	if (info->flags & XT_PMTUFIX_F_SEND_TOO_BIG &&
	    par->hook_mask & ~(BIT(NF_INET_FORWARD) | BIT(NF_INET_POST_ROUTING))) {
		pr_info_ratelimited("--send-too-big is valid only in FORWARD and POSTROUTING\n");
		return -EINVAL;
	}

	t = pmtufix_table_get_for_rule(par->net, info->table);
	if (IS_ERR(t))
		return PTR_ERR(t);
	info->priv = t;
	return 0;
}

static void pmtufix_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;

	pmtufix_table_put_for_rule(info->priv);
}

/*
 * One registration for both families, as for MARK or NFLOG (the rule check
 * refuses the others); what a packet did is counted here, once.
 */
static unsigned int pmtufix_tg(struct sk_buff *skb,
			       const struct xt_action_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_pkt pkt = { .events = BIT(PMTUFIX_C_PACKETS) };
	unsigned int verdict;

	if (xt_family(par) == NFPROTO_IPV4)
		verdict = pmtufix_tg4(skb, par, &pkt);
	else
		verdict = pmtufix_tg6(skb, par, &pkt);
	pmtufix_count(info->priv, pkt.events);
	return verdict;
}

static struct xt_target pmtufix_tg_reg __read_mostly = {
	.name		= "PMTUFIX",
	.revision	= 0,
	.family		= NFPROTO_UNSPEC,
	.table		= "mangle",
	.checkentry	= pmtufix_tg_check,
	.destroy	= pmtufix_tg_destroy,
	.target		= pmtufix_tg,
	.targetsize	= sizeof(struct xt_pmtufix_info),
	.usersize	= offsetof(struct xt_pmtufix_info, priv),
	.me		= THIS_MODULE,
};

int __init pmtufix_target_init(void)
{
	return xt_register_target(&pmtufix_tg_reg);
}

void pmtufix_target_uninit(void)
{
	xt_unregister_target(&pmtufix_tg_reg);
}

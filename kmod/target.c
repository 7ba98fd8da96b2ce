// SPDX-License-Identifier: GPL-2.0
/*
 * The xtables target PMTUFIX: rule validation, and the packet path that
 * clamps the MSS of SYN and SYN-ACK to what the table says fits.
 *
 * The target never drops a packet: whatever it cannot handle (malformed
 * options, a header it cannot make writable, a fragment) goes on unchanged
 * and is counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/netfilter/x_tables.h>
#include <linux/xt_PMTUFIX.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "pmtufix.h"
#include "core/tcpopt.h"

/* What one packet did, counted in one go at the end. */
struct pmtufix_pkt {
	unsigned int family;		/* PMTUFIX_IPV4 or PMTUFIX_IPV6 */
	unsigned int thoff;		/* TCP header offset */
	bool first_frag;		/* more fragments follow */
	const u8 *saddr, *daddr;
	u32 events;			/* BIT(enum pmtufix_counter) */
};

static void pmtufix_count(struct pmtufix_table *t, u32 events)
{
	struct pmtufix_pcpu_stats *s;
	int i;

	local_bh_disable();
	s = this_cpu_ptr(t->stats);
	u64_stats_update_begin(&s->syncp);
	for (i = 0; i < PMTUFIX_C_MAX; i++)
		if (events & BIT(i))
			u64_stats_inc(&s->c[i]);
	u64_stats_update_end(&s->syncp);
	local_bh_enable();
}

/*
 * An address's entry: its index, its counters and the MSS it allows.
 * Returns false when no entry matches.
 */
struct pmtufix_hit {
	struct pmtufix_entry_stats *st;
	u16 mss;
};

static bool pmtufix_match(const struct pmtufix_tdata *d, unsigned int family,
			  const u8 *addr, struct pmtufix_hit *hit)
{
	u32 i, profile;

	if (family == PMTUFIX_IPV4) {
		i = pmtufix_lookup4(d, addr);
		if (i == PMTUFIX_LPM_NONE)
			return false;
		profile = d->prof4[i];
		hit->st = &d->st4[i];
	} else {
		i = pmtufix_lookup6(d, addr);
		if (i == PMTUFIX_LPM_NONE)
			return false;
		profile = d->prof6[i];
		hit->st = &d->st6[i];
	}
	hit->mss = d->paths[profile].mss;
	atomic64_inc(&hit->st->hits);
	return true;
}

/*
 * The MSS the table allows for @pkt: the smaller of what its looked-up
 * addresses allow, then no more than the packet's own route allows, and
 * never below the table's floor.  0 when nothing matched.
 */
static u16 pmtufix_target_mss(const struct sk_buff *skb,
			      const struct xt_pmtufix_info *info,
			      const struct pmtufix_tdata *d,
			      struct pmtufix_pkt *pkt,
			      struct pmtufix_entry_stats **which)
{
	unsigned int minlen = pkt->family == PMTUFIX_IPV4 ?
		sizeof(struct iphdr) + sizeof(struct tcphdr) :
		sizeof(struct ipv6hdr) + sizeof(struct tcphdr);
	struct pmtufix_hit src = {}, dst = {};
	bool have_src = false, have_dst = false;
	const struct dst_entry *route;
	u32 mss, floor;

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

	route = skb_dst(skb);
	if (route && dst_mtu(route) > minlen)
		mss = min_t(u32, mss, dst_mtu(route) - minlen);

	floor = pkt->family == PMTUFIX_IPV4 ? d->def.floor4 : d->def.floor6;
	return max_t(u32, mss, floor);
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
		mss = min_t(u16, mss, 536);
	else
		mss = min_t(u16, mss, 1220);
	if (pmtufix_tcp_insert_mss((u8 *)th, hdrlen, mss)) {
		/* Not reached: the header length was checked above. */
		skb_trim(skb, skb->len - PMTUFIX_TCPOLEN_MSS);
		return 0;
	}

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

/* Returns the bytes the TCP header grew by (0 or 4). */
static int pmtufix_mangle(struct sk_buff *skb,
			  const struct xt_action_param *par,
			  struct pmtufix_pkt *pkt)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_table *t = info->priv;
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	struct pmtufix_entry_stats *which = NULL;
	const struct pmtufix_tdata *d;
	struct pmtufix_tcp_opts opts;
	unsigned int hdrlen, i, n;
	const struct tcphdr *th;
	struct tcphdr _th;
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
	th = (struct tcphdr *)(skb_network_header(skb) + pkt->thoff);

	if (pmtufix_tcp_scan((const u8 *)th, hdrlen, &opts) < 0) {
		pkt->events |= BIT(PMTUFIX_C_MALFORMED);
		return 0;
	}
	if (!opts.nmss) {
		if (info->flags & XT_PMTUFIX_F_MISSING_IGNORE)
			return 0;
		return pmtufix_insert(skb, pkt, hdrlen, mss);
	}

	n = pmtufix_tcp_clamp((u8 *)th, hdrlen, &opts, mss, edits);
	for (i = 0; i < n; i++)
		pmtufix_csum_apply(skb, (struct tcphdr *)th, &edits[i]);
	if (n) {
		pkt->events |= BIT(PMTUFIX_C_CLAMPED);
		atomic64_inc(&which->clamped);
	} else {
		pkt->events |= BIT(PMTUFIX_C_UNCHANGED);
	}
	return 0;
}

static unsigned int pmtufix_tg4(struct sk_buff *skb,
				const struct xt_action_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct iphdr *iph = ip_hdr(skb);
	struct pmtufix_pkt pkt = {
		.family = PMTUFIX_IPV4,
		.thoff = iph->ihl * 4,
		.first_frag = iph->frag_off & htons(IP_MF),
		.events = BIT(PMTUFIX_C_PACKETS),
	};
	__be16 newlen;
	int grown;

	if (iph->protocol != IPPROTO_TCP)
		goto out;
	if (par->fragoff) {
		pkt.events |= BIT(PMTUFIX_C_FRAGMENT);
		goto out;
	}
	pkt.saddr = (const u8 *)&iph->saddr;
	pkt.daddr = (const u8 *)&iph->daddr;
	grown = pmtufix_mangle(skb, par, &pkt);
	if (grown) {
		iph = ip_hdr(skb);
		newlen = htons(ntohs(iph->tot_len) + grown);
		csum_replace2(&iph->check, iph->tot_len, newlen);
		iph->tot_len = newlen;
	}
out:
	pmtufix_count(info->priv, pkt.events);
	return XT_CONTINUE;
}

static unsigned int pmtufix_tg6(struct sk_buff *skb,
				const struct xt_action_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;
	struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct pmtufix_pkt pkt = {
		.family = PMTUFIX_IPV6,
		.events = BIT(PMTUFIX_C_PACKETS),
	};
	__be16 frag_off = 0, oldlen, newlen;
	u8 nexthdr = ip6h->nexthdr;
	int thoff, grown;

	thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	if (thoff < 0 || nexthdr != IPPROTO_TCP)
		goto out;
	if (frag_off & htons(IP6_OFFSET)) {
		pkt.events |= BIT(PMTUFIX_C_FRAGMENT);
		goto out;
	}
	pkt.thoff = thoff;
	pkt.first_frag = frag_off & htons(IP6_MF);
	pkt.saddr = ip6h->saddr.s6_addr;
	pkt.daddr = ip6h->daddr.s6_addr;
	grown = pmtufix_mangle(skb, par, &pkt);
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
out:
	pmtufix_count(info->priv, pkt.events);
	return XT_CONTINUE;
}

static int pmtufix_tg_check(const struct xt_tgchk_param *par)
{
	struct xt_pmtufix_info *info = par->targinfo;
	struct pmtufix_table *t;

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

static struct xt_target pmtufix_tg_reg[] __read_mostly = {
	{
		.name		= "PMTUFIX",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.checkentry	= pmtufix_tg_check,
		.destroy	= pmtufix_tg_destroy,
		.target		= pmtufix_tg4,
		.targetsize	= sizeof(struct xt_pmtufix_info),
		.usersize	= offsetof(struct xt_pmtufix_info, priv),
		.me		= THIS_MODULE,
	},
	{
		.name		= "PMTUFIX",
		.revision	= 0,
		.family		= NFPROTO_IPV6,
		.table		= "mangle",
		.checkentry	= pmtufix_tg_check,
		.destroy	= pmtufix_tg_destroy,
		.target		= pmtufix_tg6,
		.targetsize	= sizeof(struct xt_pmtufix_info),
		.usersize	= offsetof(struct xt_pmtufix_info, priv),
		.me		= THIS_MODULE,
	},
};

int __init pmtufix_target_init(void)
{
	return xt_register_targets(pmtufix_tg_reg, ARRAY_SIZE(pmtufix_tg_reg));
}

void pmtufix_target_uninit(void)
{
	xt_unregister_targets(pmtufix_tg_reg, ARRAY_SIZE(pmtufix_tg_reg));
}

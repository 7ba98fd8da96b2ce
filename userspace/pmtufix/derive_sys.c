// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel says about the host's encapsulation, as table entries.
 *
 * Everything is read over netlink once (links, routes of the main table,
 * xfrm policies and states, IPVS services and their real servers,
 * WireGuard peers), then each candidate prefix gets the path its packets
 * take: an outbound xfrm policy that covers it (ESP over the route to the
 * SA's peer), else its route (through a tunnel device, whose own outer
 * packets take a path of their own, an MPLS encapsulation, or a plain
 * link).  Paths nest: GRE over an ESP transport SA is a route through a
 * gre device whose packets to the remote match a policy.  Where a route
 * or a service has several ways out (nexthops, WireGuard peers, real
 * servers, SAs) the one that leaves least room is taken.
 *
 * Nothing is computed that the kernel does not say: what it says that
 * pmtufix cannot model (a device kind, an algorithm, a bundle of
 * transforms) gives a note and no entry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/ip_vs.h>
#include <linux/lwtunnel.h>
#include <linux/mpls_iptunnel.h>
#include <linux/rtnetlink.h>
#include <linux/wireguard.h>

#include "array.h"
#include "core/limits.h"
#include "derive.h"
#include "derive_sys.h"
#include "genl.h"

/* Links */

static const char *const plain_kinds[] = {
	"veth", "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap", "bond",
	"bridge", "team", "dummy", "ppp", "vrf", "ifb", "macsec", "hsr",
	"netdevsim", "nlmon",
};

static struct link *link_find(struct sys *s, int ifindex)
{
	size_t i;

	for (i = 0; i < s->nlinks; i++)
		if (s->links[i].ifindex == ifindex)
			return &s->links[i];
	return NULL;
}

static void link_unknown(struct link *k, const char *why)
{
	k->lk = LK_UNKNOWN;
	snprintf(k->why, sizeof(k->why), "%s", why);
}

/* The encapsulation ipip, sit, ip6tnl and gre take from fou or gue. */
static void link_encap(struct link *k, const struct tb *d, unsigned int type,
		       unsigned int flags)
{
	u16 v = 0;

	tb_u16(d, type, &v);
	k->encap = v;
	if (v == TUNNEL_ENCAP_NONE || v == TUNNEL_ENCAP_FOU)
		return;
	if (v != TUNNEL_ENCAP_GUE) {
		link_unknown(k, "an encapsulation other than fou or gue");
		return;
	}
	v = 0;
	tb_u16(d, flags, &v);
	if (v & TUNNEL_ENCAP_FLAG_REMCSUM)
		link_unknown(k, "gue with remote checksum offload, whose option pmtufix does not model");
}

static void link_iptun(struct link *k, const struct tb *d)
{
	u32 flags = 0;

	k->ofamily = k->lk == LK_IP6TNL ? PMTUFIX_IPV6 : PMTUFIX_IPV4;
	tb_addr(d, IFLA_IPTUN_LOCAL, k->ofamily, k->local);
	tb_addr(d, IFLA_IPTUN_REMOTE, k->ofamily, k->remote);
	tb_u8(d, IFLA_IPTUN_PROTO, &k->proto);
	tb_u32(d, IFLA_IPTUN_FLAGS, &flags);
	if (k->lk == LK_IP6TNL && (flags & IP6_TNL_F_IGN_ENCAP_LIMIT))
		k->flags |= PMTUFIX_LAYER_F_NO_ENCAPLIMIT;
	if (d->a[IFLA_IPTUN_COLLECT_METADATA]) {
		link_unknown(k, "an external (collect_md) tunnel: its remotes are per packet");
		return;
	}
	if (k->proto == IPPROTO_MPLS) {
		link_unknown(k, "a tunnel carrying MPLS");
		return;
	}
	link_encap(k, d, IFLA_IPTUN_ENCAP_TYPE, IFLA_IPTUN_ENCAP_FLAGS);
}

static void link_gre(struct link *k, const struct tb *d)
{
	u16 of = 0;
	u32 flags = 0;

	k->ofamily = k->lk == LK_IP6GRE || k->lk == LK_IP6GRETAP ?
		     PMTUFIX_IPV6 : PMTUFIX_IPV4;
	tb_addr(d, IFLA_GRE_LOCAL, k->ofamily, k->local);
	tb_addr(d, IFLA_GRE_REMOTE, k->ofamily, k->remote);
	tb_u16(d, IFLA_GRE_OFLAGS, &of);
	of = ntohs(of);
	if (of & 0x8000)
		k->flags |= PMTUFIX_LAYER_F_GRE_CSUM;
	if (of & 0x2000)
		k->flags |= PMTUFIX_LAYER_F_GRE_KEY;
	if (of & 0x1000)
		k->flags |= PMTUFIX_LAYER_F_GRE_SEQ;
	tb_u32(d, IFLA_GRE_FLAGS, &flags);
	if (k->ofamily == PMTUFIX_IPV6 && (flags & IP6_TNL_F_IGN_ENCAP_LIMIT))
		k->flags |= PMTUFIX_LAYER_F_NO_ENCAPLIMIT;
	if (d->a[IFLA_GRE_COLLECT_METADATA]) {
		link_unknown(k, "an external (collect_md) tunnel: its remotes are per packet");
		return;
	}
	link_encap(k, d, IFLA_GRE_ENCAP_TYPE, IFLA_GRE_ENCAP_FLAGS);
}

static void link_vxlan(struct link *k, const struct tb *d)
{
	u8 md = 0;

	/* A u8, 0 or 1, where the other kinds have a flag. */
	if (!tb_u8(d, IFLA_VXLAN_COLLECT_METADATA, &md) && md) {
		link_unknown(k, "an external (collect_md) vxlan: its remotes are per packet");
		return;
	}
	/* The remote and the local address are of one family. */
	k->ofamily = d->a[IFLA_VXLAN_GROUP6] || d->a[IFLA_VXLAN_LOCAL6] ?
		     PMTUFIX_IPV6 : PMTUFIX_IPV4;
	if (k->ofamily == PMTUFIX_IPV6) {
		tb_addr(d, IFLA_VXLAN_GROUP6, k->ofamily, k->remote);
		tb_addr(d, IFLA_VXLAN_LOCAL6, k->ofamily, k->local);
	} else {
		tb_addr(d, IFLA_VXLAN_GROUP, k->ofamily, k->remote);
		tb_addr(d, IFLA_VXLAN_LOCAL, k->ofamily, k->local);
	}
	if (dv_addr_zero(k->remote))
		link_unknown(k, "a vxlan without a remote: its remotes are in the forwarding database");
}

static void link_geneve(struct link *k, const struct tb *d)
{
	if (d->a[IFLA_GENEVE_COLLECT_METADATA]) {
		link_unknown(k, "an external (collect_md) geneve: its remotes are per packet");
		return;
	}
	k->ofamily = d->a[IFLA_GENEVE_REMOTE6] ? PMTUFIX_IPV6 : PMTUFIX_IPV4;
	tb_addr(d, k->ofamily == PMTUFIX_IPV6 ? IFLA_GENEVE_REMOTE6 :
		IFLA_GENEVE_REMOTE, k->ofamily, k->remote);
	if (dv_addr_zero(k->remote))
		link_unknown(k, "a geneve without a remote");
}

static const struct {
	const char *kind;
	enum link_kind lk;
} tunnel_kinds[] = {
	{ "ipip", LK_IPIP }, { "sit", LK_SIT }, { "ip6tnl", LK_IP6TNL },
	{ "gre", LK_GRE }, { "gretap", LK_GRETAP }, { "ip6gre", LK_IP6GRE },
	{ "ip6gretap", LK_IP6GRETAP }, { "vxlan", LK_VXLAN },
	{ "geneve", LK_GENEVE }, { "wireguard", LK_WG },
};

static void link_kind(struct link *k, const struct nlattr *info)
{
	struct tb i, d;
	size_t n;

	tb_nest(&i, info);
	if (i.a[IFLA_INFO_KIND])
		snprintf(k->kind, sizeof(k->kind), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(i.a[IFLA_INFO_KIND]),
				      mnl_attr_get_payload_len(i.a[IFLA_INFO_KIND])),
			 (const char *)mnl_attr_get_payload(i.a[IFLA_INFO_KIND]));
	if (!k->kind[0])
		return;		/* a device of its own: LK_PLAIN */
	for (n = 0; n < sizeof(plain_kinds) / sizeof(plain_kinds[0]); n++)
		if (!strcmp(k->kind, plain_kinds[n]))
			return;
	k->lk = LK_UNKNOWN;
	for (n = 0; n < sizeof(tunnel_kinds) / sizeof(tunnel_kinds[0]); n++)
		if (!strcmp(k->kind, tunnel_kinds[n].kind))
			k->lk = tunnel_kinds[n].lk;
	if (k->lk == LK_UNKNOWN) {
		snprintf(k->why, sizeof(k->why),
			 "a device of kind %s, which pmtufix does not model",
			 k->kind);
		return;
	}
	tb_nest(&d, i.a[IFLA_INFO_DATA]);
	switch (k->lk) {
	case LK_IPIP:
	case LK_SIT:
	case LK_IP6TNL:
		link_iptun(k, &d);
		break;
	case LK_GRE:
	case LK_GRETAP:
	case LK_IP6GRE:
	case LK_IP6GRETAP:
		link_gre(k, &d);
		break;
	case LK_VXLAN:
		link_vxlan(k, &d);
		break;
	case LK_GENEVE:
		link_geneve(k, &d);
		break;
	default:
		break;
	}
	if (k->lk != LK_UNKNOWN && k->lk != LK_WG && k->lk != LK_VXLAN &&
	    k->lk != LK_GENEVE && dv_addr_zero(k->remote))
		link_unknown(k, "a tunnel without a remote address");
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct sys *s = data;
	struct link *k, *v;
	struct tb t;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	v = array_grow(s->links, &s->caplinks, s->nlinks, sizeof(*v), 32);
	if (!v)
		return MNL_CB_ERROR;
	s->links = v;
	k = &v[s->nlinks++];
	memset(k, 0, sizeof(*k));
	k->ifindex = ifi->ifi_index;
	tb_msg(&t, nlh, sizeof(*ifi));
	if (t.a[IFLA_IFNAME])
		snprintf(k->name, sizeof(k->name), "%.*s",
			 (int)strnlen(mnl_attr_get_payload(t.a[IFLA_IFNAME]),
				      mnl_attr_get_payload_len(t.a[IFLA_IFNAME])),
			 (const char *)mnl_attr_get_payload(t.a[IFLA_IFNAME]));
	tb_u32(&t, IFLA_MTU, &k->mtu);
	if (t.a[IFLA_LINKINFO])
		link_kind(k, t.a[IFLA_LINKINFO]);
	return MNL_CB_OK;
}

/* Routes */

static void nexthop_encap(struct nexthop *nh, const struct nlattr *type,
			  const struct nlattr *encap)
{
	struct tb e;

	if (!type || mnl_attr_get_payload_len(type) < 2)
		return;
	nh->encap_type = mnl_attr_get_u16(type);
	if (nh->encap_type != LWTUNNEL_ENCAP_MPLS)
		return;
	tb_nest(&e, encap);
	if (e.a[MPLS_IPTUNNEL_DST])
		nh->labels = mnl_attr_get_payload_len(e.a[MPLS_IPTUNNEL_DST]) / 4;
}

/* A route message (a dump's or RTM_F_FIB_MATCH's) into @r. */
static int route_parse(const struct nlmsghdr *nlh, struct route *r)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct rtnexthop *rtnh;
	struct tb t, m, n;
	u32 oif = 0;
	int len;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -1;
	memset(r, 0, sizeof(*r));
	r->family = dv_family(rtm->rtm_family);
	r->plen = rtm->rtm_dst_len;
	tb_msg(&t, nlh, sizeof(*rtm));
	if (!r->family)
		return -1;
	tb_addr(&t, RTA_DST, r->family, r->dst);
	tb_u32(&t, RTA_PRIORITY, &r->priority);
	tb_nest(&m, t.a[RTA_METRICS]);
	tb_u32(&m, RTAX_MTU, &r->mtu);
	if (t.a[RTA_MULTIPATH]) {
		rtnh = mnl_attr_get_payload(t.a[RTA_MULTIPATH]);
		len = mnl_attr_get_payload_len(t.a[RTA_MULTIPATH]);
		while (len >= (int)sizeof(*rtnh) && rtnh->rtnh_len >= sizeof(*rtnh) &&
		       rtnh->rtnh_len <= len) {
			if (r->nnh == NHOPS_MAX) {
				r->truncated = 1;
				break;
			}
			r->nh[r->nnh].oif = rtnh->rtnh_ifindex;
			memset(&n, 0, sizeof(n));
			mnl_attr_parse_payload(RTNH_DATA(rtnh),
					       rtnh->rtnh_len - sizeof(*rtnh),
					       tb_cb, &n);
			nexthop_encap(&r->nh[r->nnh], n.a[RTA_ENCAP_TYPE],
				      n.a[RTA_ENCAP]);
			r->nnh++;
			len -= RTNH_ALIGN(rtnh->rtnh_len);
			rtnh = RTNH_NEXT(rtnh);
		}
	} else if (!tb_u32(&t, RTA_OIF, &oif)) {
		r->nh[0].oif = oif;
		nexthop_encap(&r->nh[0], t.a[RTA_ENCAP_TYPE], t.a[RTA_ENCAP]);
		r->nnh = 1;
	}
	return 0;
}


/*
 * Whether route @r leaves as it is, on links at least as wide as the
 * table's MTU, with no policy over it: no entry, whatever else.
 */
static int route_plain(const struct sys *s, const struct route *r)
{
	const struct link *k;
	unsigned int i;

	if (r->truncated || (r->mtu && r->mtu < s->o->mtu))
		return 0;
	for (i = 0; i < r->nnh; i++) {
		k = link_find((struct sys *)s, r->nh[i].oif);
		if (!k || k->lk != LK_PLAIN || r->nh[i].encap_type ||
		    k->mtu < s->o->mtu)
			return 0;
	}
	return !dv_policy_find(s, r->family, r->dst, r->plen, NULL, 0, NULL, 0);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct sys *s = data;
	struct plain_route *p;
	struct route *v, r;
	u32 table;
	struct tb t;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	tb_msg(&t, nlh, sizeof(*rtm));
	table = rtm->rtm_table;
	tb_u32(&t, RTA_TABLE, &table);
	/* The main table's unicast routes; not link-local, not per source. */
	if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST ||
	    rtm->rtm_src_len || route_parse(nlh, &r) || !r.nnh)
		return MNL_CB_OK;
	if (r.family == PMTUFIX_IPV6 && r.dst[0] == 0xfe &&
	    (r.dst[1] & 0xc0) == 0x80)
		return MNL_CB_OK;
	if (route_plain(s, &r)) {
		/* Most of a full table: kept small, for the metrics alone. */
		p = array_grow(s->plain, &s->capplain, s->nplain, sizeof(*p), 64);
		if (!p)
			return MNL_CB_ERROR;
		s->plain = p;
		p = &p[s->nplain++];
		memcpy(p->dst, r.dst, 16);
		p->family = r.family;
		p->plen = r.plen;
		p->priority = r.priority;
		return MNL_CB_OK;
	}
	v = array_grow(s->routes, &s->caproutes, s->nroutes, sizeof(*v), 64);
	if (!v)
		return MNL_CB_ERROR;
	s->routes = v;
	v[s->nroutes++] = r;
	return MNL_CB_OK;
}

struct get_ctx {
	struct route *r;
	int found;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *g = data;

	if (nlh->nlmsg_type == RTM_NEWROUTE && !route_parse(nlh, g->r))
		g->found = 1;
	return MNL_CB_OK;
}

/* The main table's route to @dst (from @src, if not NULL). */
static int route_get(struct sys *s, unsigned int family, const u8 *dst,
		     const u8 *src, struct route *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->rt.buf);
	struct get_ctx g = { .r = r };
	size_t len = family == PMTUFIX_IPV6 ? 16 : 4;
	struct rtmsg *rtm;
	int ret;

	nlh->nlmsg_type = RTM_GETROUTE;
	/* The ack ends the exchange: the route comes before it. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++s->rt.seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dv_af(family);
	rtm->rtm_dst_len = len * 8;
	/* The route itself, not a cached path MTU that will expire. */
	rtm->rtm_flags = RTM_F_FIB_MATCH;
	mnl_attr_put(nlh, RTA_DST, len, dst);
	if (src && !dv_addr_zero(src)) {
		rtm->rtm_src_len = len * 8;
		mnl_attr_put(nlh, RTA_SRC, len, src);
	}
	ret = pmtufix_nl_talk(&s->rt, nlh, get_cb, &g);
	if (!ret && !g.found)
		ret = -ENOENT;
	return ret;
}

static int path_to(struct sys *s, unsigned int family, const u8 *dst,
		   const u8 *src, u8 proto, int xfrm, int depth,
		   struct path *p, char *why, size_t wlen);

/*
 * The SAs a template of @pol selects for a packet to @dst (of the
 * policy's family): the path of the one that leaves least room.
 */
static int sa_path(struct sys *s, const struct policy *pol,
		   unsigned int family, const u8 *dst, unsigned int plen,
		   int depth, struct path *p, char *why, size_t wlen)
{
	const struct xfrm_user_tmpl *tm = &pol->tmpl[0];
	char a[INET6_ADDRSTRLEN], w[200] = "";
	unsigned int ofam, n = 0;
	struct path best = {}, q;
	const struct state *x;
	const char *how;
	u8 d[16], sd[16], ss[16];
	u32 mtu, bmtu = 0;
	size_t i;

	if (pol->ntmpl != 1) {
		snprintf(why, wlen,
			 "xfrm policy %u has a bundle of %u transforms: only one ESP is modelled",
			 pol->info.index, pol->ntmpl);
		return -1;
	}
	if (tm->id.proto != IPPROTO_ESP) {
		snprintf(why, wlen,
			 "xfrm policy %u applies %s, which pmtufix does not model",
			 pol->info.index, tm->id.proto == IPPROTO_AH ? "AH" :
			 tm->id.proto == IPPROTO_COMP ? "IPcomp" : "a protocol other than ESP");
		return -1;
	}
	ofam = tm->mode == XFRM_MODE_TUNNEL ? dv_family(tm->family) : family;
	if (!ofam)
		ofam = family;
	memcpy(d, &tm->id.daddr, 16);
	for (i = 0; i < s->nsas; i++) {
		x = &s->sas[i];
		memcpy(sd, &x->info.id.daddr, 16);
		memcpy(ss, &x->info.saddr, 16);
		if (x->info.mode != tm->mode || dv_family(x->info.family) != ofam ||
		    (tm->reqid && x->info.reqid != tm->reqid) ||
		    (tm->id.spi && x->info.id.spi != tm->id.spi))
			continue;
		if (!dv_addr_zero(d) ? memcmp(sd, d, 16) :
		    !dv_in_prefix(ofam, sd, dst, plen))
			continue;
		if (!dv_addr_zero((const u8 *)&tm->saddr) &&
		    memcmp(ss, &tm->saddr, 16))
			continue;
		n++;
		if (x->why[0]) {
			snprintf(why, wlen, "SA spi 0x%08x: %s",
				 ntohl(x->info.id.spi), x->why);
			return -1;
		}
		if (pmtufix_layer_check(&x->esp, &how)) {
			snprintf(why, wlen, "SA spi 0x%08x (%s): %s",
				 ntohl(x->info.id.spi), x->alg, how);
			return -1;
		}
		memset(&q, 0, sizeof(q));
		if (tm->mode == XFRM_MODE_TUNNEL) {
			/* The outer packets are routed, not looked up again. */
			if (path_to(s, ofam, sd, ss,
				    x->natt ? IPPROTO_UDP : IPPROTO_ESP, 0,
				    depth + 1, &q, w, sizeof(w)))
				goto fail;
		} else if (path_to(s, family, sd, ss, 0, 0, depth + 1, &q, w,
				   sizeof(w))) {
			/* Transport: the SA's peer is the packet's destination. */
			goto fail;
		}
		dv_addr_str(ofam, sd, a, sizeof(a));
		dv_path_addf(&q, "; SA spi 0x%08x %s to %s (%s%s)",
			     ntohl(x->info.id.spi),
			     tm->mode == XFRM_MODE_TUNNEL ? "tunnel" : "transport",
			     a, x->alg, x->natt ? ", UDP encapsulation" : "");
		if (dv_path_push(&q, &x->esp, w, sizeof(w)))
			goto fail;
		/* Drop the ICV when it is the algorithm's own default. */
		if (q.l[q.n - 1].esp_icv == pmtufix_esp_default_icv(&q.l[q.n - 1]))
			q.l[q.n - 1].esp_icv = 0;
		mtu = dv_path_mtu(&q, family);
		if (!bmtu || mtu < bmtu) {
			best = q;
			bmtu = mtu;
		}
	}
	if (!n) {
		snprintf(why, wlen,
			 "xfrm policy %u has no SA installed yet (IKE may add it on demand)",
			 pol->info.index);
		return -1;
	}
	*p = best;
	return 0;
fail:
	snprintf(why, wlen, "SA spi 0x%08x: %s", ntohl(x->info.id.spi), w);
	return -1;
}

/* Links as layers */

/*
 * The layers of tunnel @k carrying @inner toward a remote of @ofam,
 * appended to @p.
 */
static int link_layers(const struct link *k, unsigned int inner,
		       unsigned int ofam, struct path *p, char *why,
		       size_t wlen)
{
	struct pmtufix_layer l = { .flags = k->flags };
	u8 want = inner == PMTUFIX_IPV6 ? IPPROTO_IPV6 : IPPROTO_IPIP;

	switch (k->lk) {
	case LK_IPIP:
		l.type = PMTUFIX_LAYER_IPIP;
		if (inner == PMTUFIX_IPV6) {
			snprintf(why, wlen, "ipip device %s carries no IPv6", k->name);
			return -1;
		}
		break;
	case LK_SIT:
		l.type = inner == PMTUFIX_IPV6 ? PMTUFIX_LAYER_SIT : PMTUFIX_LAYER_IPIP;
		break;
	case LK_IP6TNL:
		l.type = inner == PMTUFIX_IPV6 ? PMTUFIX_LAYER_IP6IP6 : PMTUFIX_LAYER_IPIP6;
		break;
	case LK_GRE:
		l.type = PMTUFIX_LAYER_GRE;
		break;
	case LK_GRETAP:
		l.type = PMTUFIX_LAYER_GRETAP;
		break;
	case LK_IP6GRE:
		l.type = PMTUFIX_LAYER_IP6GRE;
		break;
	case LK_IP6GRETAP:
		l.type = PMTUFIX_LAYER_IP6GRETAP;
		break;
	case LK_VXLAN:
		l.type = PMTUFIX_LAYER_VXLAN;
		break;
	case LK_GENEVE:
		l.type = PMTUFIX_LAYER_GENEVE;
		break;
	case LK_WG:
		l.type = PMTUFIX_LAYER_WIREGUARD;
		break;
	default:
		snprintf(why, wlen, "device %s: %s", k->name, k->why);
		return -1;
	}
	if ((k->lk == LK_IPIP || k->lk == LK_SIT || k->lk == LK_IP6TNL) &&
	    k->proto && k->proto != want) {
		snprintf(why, wlen, "device %s carries no IPv%u", k->name, inner);
		return -1;
	}
	if ((k->lk == LK_VXLAN || k->lk == LK_GENEVE || k->lk == LK_WG) &&
	    ofam == PMTUFIX_IPV6)
		l.flags |= PMTUFIX_LAYER_F_UNDERLAY6;
	if (dv_path_push(p, &l, why, wlen))
		return -1;
	if (k->encap == TUNNEL_ENCAP_FOU || k->encap == TUNNEL_ENCAP_GUE) {
		memset(&l, 0, sizeof(l));
		l.type = k->encap == TUNNEL_ENCAP_FOU ? PMTUFIX_LAYER_FOU :
			 PMTUFIX_LAYER_GUE;
		return dv_path_push(p, &l, why, wlen);
	}
	return 0;
}

/* The protocol of a tunnel's outer packets, for the policies. */
static u8 link_proto(const struct link *k, unsigned int inner)
{
	if (k->encap || k->lk == LK_VXLAN || k->lk == LK_GENEVE ||
	    k->lk == LK_WG)
		return IPPROTO_UDP;
	switch (k->lk) {
	case LK_IPIP:
		return IPPROTO_IPIP;
	case LK_SIT:
		return inner == PMTUFIX_IPV6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	case LK_IP6TNL:
		return inner == PMTUFIX_IPV6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	default:
		return IPPROTO_GRE;
	}
}

static int wg_peers(struct sys *s, struct link *k);

/* The path of @inner packets sent into device @k. */
static int link_path(struct sys *s, struct link *k, unsigned int inner,
		     int depth, struct path *p, char *why, size_t wlen)
{
	char a[INET6_ADDRSTRLEN], w[240] = "";
	struct path q, best = {};
	struct peer one;
	const struct peer *ps;
	u32 mtu, bmtu = 0;
	size_t i, n;

	if (k->lk == LK_PLAIN) {
		memset(p, 0, sizeof(*p));
		p->base = k->mtu;
		dv_path_addf(p, "%s (mtu %u)", k->name, k->mtu);
		return 0;
	}
	if (k->lk == LK_UNKNOWN) {
		snprintf(why, wlen, "device %s: %s", k->name, k->why);
		return -1;
	}
	if (k->lk == LK_WG) {
		if (wg_peers(s, k)) {
			snprintf(why, wlen, "wireguard device %s: its peers cannot be read",
				 k->name);
			return -1;
		}
		if (!k->npeers) {
			snprintf(why, wlen, "wireguard device %s has no peer with an endpoint",
				 k->name);
			return -1;
		}
		ps = k->peers;
		n = k->npeers;
	} else {
		one.family = k->ofamily;
		memcpy(one.addr, k->remote, 16);
		ps = &one;
		n = 1;
	}
	for (i = 0; i < n; i++) {
		memset(&q, 0, sizeof(q));
		if (path_to(s, ps[i].family, ps[i].addr,
			    k->lk == LK_WG ? NULL : k->local,
			    link_proto(k, inner), 1, depth + 1, &q, w, sizeof(w))) {
			dv_addr_str(ps[i].family, ps[i].addr, a, sizeof(a));
			snprintf(why, wlen, "device %s, to %s: %s", k->name, a, w);
			return -1;
		}
		if (link_layers(k, inner, ps[i].family, &q, why, wlen))
			return -1;
		mtu = dv_path_mtu(&q, inner);
		if (!bmtu || mtu < bmtu) {
			best = q;
			bmtu = mtu;
			dv_addr_str(ps[i].family, ps[i].addr, a, sizeof(a));
		}
	}
	*p = best;
	dv_path_addf(p, "; %s %s to %s", k->kind, k->name, a);
	if (k->lk == LK_WG && k->npeers > 1)
		dv_path_addf(p, " (the narrowest of %zu peers)", k->npeers);
	return 0;
}

/* The path of @family packets leaving through route @r. */
static int route_path(struct sys *s, const struct route *r,
		      unsigned int family, int depth, struct path *p,
		      char *why, size_t wlen)
{
	struct path q, best = {};
	struct pmtufix_layer l;
	struct link *k;
	u32 mtu, bmtu = 0;
	unsigned int i;

	if (r->truncated) {
		snprintf(why, wlen, "a route of more than %d nexthops", NHOPS_MAX);
		return -1;
	}
	for (i = 0; i < r->nnh; i++) {
		k = link_find(s, r->nh[i].oif);
		if (!k) {
			snprintf(why, wlen, "a route through device %d, which is gone",
				 r->nh[i].oif);
			return -1;
		}
		if (r->nh[i].encap_type && r->nh[i].encap_type != LWTUNNEL_ENCAP_MPLS) {
			snprintf(why, wlen,
				 "a route with encapsulation type %u, which pmtufix does not model",
				 r->nh[i].encap_type);
			return -1;
		}
		if (link_path(s, k, family, depth, &q, why, wlen))
			return -1;
		if (r->nh[i].encap_type == LWTUNNEL_ENCAP_MPLS) {
			if (!r->nh[i].labels || r->nh[i].labels > 8) {
				snprintf(why, wlen, "an MPLS route of %u labels",
					 r->nh[i].labels);
				return -1;
			}
			memset(&l, 0, sizeof(l));
			l.type = PMTUFIX_LAYER_MPLS;
			l.count = r->nh[i].labels;
			if (dv_path_push(&q, &l, why, wlen))
				return -1;
			dv_path_addf(&q, " pushing %u MPLS label%s", l.count,
				     l.count > 1 ? "s" : "");
		}
		/* The route's own MTU, where it is lower, is the link's. */
		if (!q.n && r->mtu && r->mtu < q.base) {
			q.base = r->mtu;
			dv_path_addf(&q, ", route mtu %u", r->mtu);
		}
		mtu = dv_path_mtu(&q, family);
		if (!bmtu || mtu < bmtu) {
			best = q;
			bmtu = mtu;
		}
	}
	if (!r->nnh) {
		snprintf(why, wlen, "a route without a device");
		return -1;
	}
	*p = best;
	if (r->nnh > 1)
		dv_path_addf(p, " (the narrowest of %u nexthops)", r->nnh);
	return 0;
}

static int path_to(struct sys *s, unsigned int family, const u8 *dst,
		   const u8 *src, u8 proto, int xfrm, int depth,
		   struct path *p, char *why, size_t wlen)
{
	unsigned int bits = family == PMTUFIX_IPV6 ? 128 : 32;
	const struct policy *pol;
	char a[INET6_ADDRSTRLEN];
	struct route r;
	int ret;

	if (depth > DEPTH_MAX) {
		snprintf(why, wlen, "paths nested more than %d deep", DEPTH_MAX);
		return -1;
	}
	why[0] = '\0';
	if (xfrm) {
		pol = dv_policy_find(s, family, dst, bits, src, proto, why, wlen);
		if (!pol && why[0])
			return -1;
		if (pol && pol->ntmpl)
			return sa_path(s, pol, family, dst, bits, depth, p, why,
				       wlen);
	}
	ret = route_get(s, family, dst, src, &r);
	if (ret) {
		dv_addr_str(family, dst, a, sizeof(a));
		snprintf(why, wlen, "no route to %s (%s)", a, strerror(-ret));
		return -1;
	}
	return route_path(s, &r, family, depth, p, why, wlen);
}

/* WireGuard */

struct wg_ctx {
	struct link *k;
	int failed;
};

static int wg_peer(struct link *k, const struct nlattr *peer)
{
	const struct sockaddr_in6 *sin6;
	const struct sockaddr_in *sin;
	struct peer *v;
	struct tb t;

	tb_nest(&t, peer);
	sin = tb_get(&t, WGPEER_A_ENDPOINT, sizeof(*sin));
	if (!sin)
		return 0;	/* no endpoint yet: it sends nothing */
	v = array_grow(k->peers, &k->cappeers, k->npeers, sizeof(*v), 4);
	if (!v)
		return -1;
	k->peers = v;
	v = &v[k->npeers];
	memset(v, 0, sizeof(*v));
	if (sin->sin_family == AF_INET6) {
		sin6 = tb_get(&t, WGPEER_A_ENDPOINT, sizeof(*sin6));
		if (!sin6)
			return 0;
		v->family = PMTUFIX_IPV6;
		memcpy(v->addr, &sin6->sin6_addr, 16);
	} else {
		v->family = PMTUFIX_IPV4;
		memcpy(v->addr, &sin->sin_addr, 4);
	}
	k->npeers++;
	return 0;
}

static int wg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct wg_ctx *c = data;
	const struct nlattr *p;
	struct tb t;

	tb_msg(&t, nlh, sizeof(struct genlmsghdr));
	if (!t.a[WGDEVICE_A_PEERS])
		return MNL_CB_OK;
	mnl_attr_for_each_nested(p, t.a[WGDEVICE_A_PEERS])
		if (wg_peer(c->k, p))
			c->failed = 1;
	return MNL_CB_OK;
}

static int wg_peers(struct sys *s, struct link *k)
{
	struct wg_ctx c = { .k = k };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	if (k->wg_read)
		return k->wg_read < 0 ? -1 : 0;
	k->wg_read = -1;
	if (!s->have_gen)
		return -1;
	if (!s->wg_family) {
		ret = pmtufix_nl_family(&s->gen, WG_GENL_NAME);
		if (ret)
			return -1;
		s->wg_family = s->gen.family;
	}
	nlh = mnl_nlmsg_put_header(s->gen.buf);
	nlh->nlmsg_type = s->wg_family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++s->gen.seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = WG_CMD_GET_DEVICE;
	g->version = WG_GENL_VERSION;
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, k->ifindex);
	if (pmtufix_nl_talk(&s->gen, nlh, wg_cb, &c) || c.failed)
		return -1;
	k->wg_read = 1;
	return 0;
}

/* Entries */

static void entry_prefix(struct dv_entry *e, unsigned int family,
			 const u8 *addr, unsigned int plen)
{
	e->spec.family = family;
	memcpy(e->spec.addr, addr, family == PMTUFIX_IPV6 ? 16 : 4);
	e->spec.plen = plen;
}

static int entry_set(struct dv_entry *e, const struct path *p,
		     enum dv_rank rank, const char *from)
{
	char why[80];
	u32 mss;

	e->rank = rank;
	e->spec.mtu = p->base;
	e->spec.nlayers = p->n;
	memcpy(e->spec.layers, p->l, p->n * sizeof(p->l[0]));
	e->inner = dv_path_mtu(p, e->spec.family);
	mss = pmtufix_mtu_to_mss(e->spec.family, e->inner);
	if (p->base < PMTUFIX_MTU_MIN || p->base > PMTUFIX_MTU_MAX || !mss) {
		snprintf(why, sizeof(why), p->base < PMTUFIX_MTU_MIN ||
			 p->base > PMTUFIX_MTU_MAX ? "a base MTU of %u, out of range" :
			 "nothing fits behind these layers on MTU %u", p->base);
		snprintf(e->note, sizeof(e->note), "%s: %s: %s", from, p->desc,
			 why);
		return 0;
	}
	e->ok = 1;
	snprintf(e->note, sizeof(e->note), "%s: %s", from, p->desc);
	return 0;
}

static int entry_fail(struct dv_list *out, unsigned int family,
		      const u8 *addr, unsigned int plen, enum dv_rank rank,
		      const char *from, const char *why)
{
	struct dv_entry *e = dv_add(out);

	if (!e)
		return -1;
	entry_prefix(e, family, addr, plen);
	e->rank = rank;
	snprintf(e->note, sizeof(e->note), "%s: %s", from, why);
	return 0;
}

/* The entry of an outbound policy's destination prefix. */
static int derive_policy(struct sys *s, const struct policy *pol,
			 struct dv_list *out)
{
	const struct xfrm_selector *sel = &pol->info.sel;
	unsigned int family = dv_family(sel->family);
	char from[200], a[INET6_ADDRSTRLEN], why[360];
	struct dv_entry *e;
	struct path p;
	u8 d[16];

	if (!family || pol->other || !pol->ntmpl ||
	    pol->info.action != XFRM_POLICY_ALLOW)
		return 0;
	/* Policies for other protocols are the tunnels' business. */
	if (sel->proto && sel->proto != IPPROTO_TCP)
		return 0;
	memcpy(d, &sel->daddr, 16);
	snprintf(from, sizeof(from), "xfrm policy %u out", pol->info.index);
	if (sel->prefixlen_s) {
		dv_addr_str(family, (const u8 *)&sel->saddr, a, sizeof(a));
		snprintf(from + strlen(from), sizeof(from) - strlen(from),
			 " (for sources in %s/%u)", a, sel->prefixlen_s);
	}
	if (sel->ifindex || sel->dport_mask || sel->sport_mask)
		return entry_fail(out, family, d, sel->prefixlen_d,
				  DV_RANK_XFRM, from,
				  "the policy selects by port or device, which a table entry cannot");
	memset(&p, 0, sizeof(p));
	if (sa_path(s, pol, family, d, sel->prefixlen_d, 0, &p, why, sizeof(why)))
		return entry_fail(out, family, d, sel->prefixlen_d,
				  DV_RANK_XFRM, from, why);
	e = dv_add(out);
	if (!e)
		return -1;
	entry_prefix(e, family, d, sel->prefixlen_d);
	return entry_set(e, &p, DV_RANK_XFRM, from);
}

/* The entry of a route of the main table, if it needs one. */
static int derive_route(struct sys *s, const struct route *r,
			struct dv_list *out)
{
	char from[80], why[360];
	const struct policy *pol;
	struct dv_entry *e;
	enum dv_rank rank;
	struct path p;

	snprintf(from, sizeof(from), "route");
	why[0] = '\0';
	pol = dv_policy_find(s, r->family, r->dst, r->plen, NULL, 0, why,
			     sizeof(why));
	memset(&p, 0, sizeof(p));
	if (pol && pol->ntmpl) {
		/* A policy covers all of it: ESP over the route. */
		snprintf(from, sizeof(from), "route, with xfrm policy %u out",
			 pol->info.index);
		if (sa_path(s, pol, r->family, r->dst, r->plen, 0, &p, why,
			    sizeof(why)))
			return entry_fail(out, r->family, r->dst, r->plen,
					  DV_RANK_XFRM, from, why);
		rank = DV_RANK_XFRM;
	} else {
		if (route_path(s, r, r->family, 0, &p, why, sizeof(why)))
			return entry_fail(out, r->family, r->dst, r->plen,
					  DV_RANK_TUNNEL, from, why);
		rank = p.n ? DV_RANK_TUNNEL : DV_RANK_LINK;
		/* A plain link as wide as the table's MTU needs no entry. */
		if (!p.n && p.base >= s->o->mtu)
			return 0;
		snprintf(from, sizeof(from), "route");
	}
	e = dv_add(out);
	if (!e)
		return -1;
	entry_prefix(e, r->family, r->dst, r->plen);
	return entry_set(e, &p, rank, from);
}

/* IPVS */

struct ipvs_svc {
	unsigned int family;
	u8 addr[16];
	u16 protocol, port;
	u32 fwmark;
};

struct ipvs_ctx {
	struct ipvs_svc *v;
	size_t n, cap;
};

static int ipvs_svc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ipvs_ctx *c = data;
	struct ipvs_svc *v, *x;
	struct tb t, a;
	u16 af = 0;

	tb_msg(&t, nlh, sizeof(struct genlmsghdr));
	if (!t.a[IPVS_CMD_ATTR_SERVICE])
		return MNL_CB_OK;
	tb_nest(&a, t.a[IPVS_CMD_ATTR_SERVICE]);
	v = array_grow(c->v, &c->cap, c->n, sizeof(*v), 8);
	if (!v)
		return MNL_CB_ERROR;
	c->v = v;
	x = &v[c->n++];
	memset(x, 0, sizeof(*x));
	tb_u16(&a, IPVS_SVC_ATTR_AF, &af);
	x->family = dv_family(af);
	tb_u16(&a, IPVS_SVC_ATTR_PROTOCOL, &x->protocol);
	tb_u16(&a, IPVS_SVC_ATTR_PORT, &x->port);
	tb_u32(&a, IPVS_SVC_ATTR_FWMARK, &x->fwmark);
	if (x->family)
		tb_addr(&a, IPVS_SVC_ATTR_ADDR, x->family, x->addr);
	return MNL_CB_OK;
}

struct dest_ctx {
	struct sys *s;
	const struct ipvs_svc *svc;
	struct path best;
	u32 bmtu;
	unsigned int tunnelled, all;
	char why[360];
};

/* The layer IPVS puts around a packet of @inner to a server of @ofam. */
static int ipvs_layers(struct path *p, unsigned int inner, unsigned int ofam,
		       u8 type, u16 flags, char *why, size_t wlen)
{
	struct pmtufix_layer l = {};

	if (type == IP_VS_CONN_F_TUNNEL_TYPE_GRE) {
		l.type = ofam == PMTUFIX_IPV6 ? PMTUFIX_LAYER_IP6GRE :
			 PMTUFIX_LAYER_GRE;
		if (flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM)
			l.flags |= PMTUFIX_LAYER_F_GRE_CSUM;
	} else if (ofam == PMTUFIX_IPV6) {
		l.type = inner == PMTUFIX_IPV6 ? PMTUFIX_LAYER_IP6IP6 :
			 PMTUFIX_LAYER_IPIP6;
	} else {
		l.type = inner == PMTUFIX_IPV6 ? PMTUFIX_LAYER_SIT :
			 PMTUFIX_LAYER_IPIP;
	}
	/* IPVS puts no encapsulation limit option in its IPv6 headers. */
	if (ofam == PMTUFIX_IPV6)
		l.flags |= PMTUFIX_LAYER_F_NO_ENCAPLIMIT;
	if (dv_path_push(p, &l, why, wlen))
		return -1;
	if (type != IP_VS_CONN_F_TUNNEL_TYPE_GUE)
		return 0;
	if (flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) {
		snprintf(why, wlen, "gue with remote checksum offload");
		return -1;
	}
	memset(&l, 0, sizeof(l));
	l.type = PMTUFIX_LAYER_GUE;
	return dv_path_push(p, &l, why, wlen);
}

static int ipvs_dest_cb(const struct nlmsghdr *nlh, void *data)
{
	static const char *const types[] = { "ipip", "gue", "gre" };
	struct dest_ctx *c = data;
	char a[INET6_ADDRSTRLEN], w[300];
	unsigned int ofam;
	u32 fwd = 0, mtu;
	u16 af = 0, flags = 0;
	u8 type = 0, addr[16];
	struct path q;
	struct tb t, d;

	tb_msg(&t, nlh, sizeof(struct genlmsghdr));
	if (!t.a[IPVS_CMD_ATTR_DEST] || c->why[0])
		return MNL_CB_OK;
	tb_nest(&d, t.a[IPVS_CMD_ATTR_DEST]);
	c->all++;
	tb_u32(&d, IPVS_DEST_ATTR_FWD_METHOD, &fwd);
	if ((fwd & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL)
		return MNL_CB_OK;
	c->tunnelled++;
	ofam = c->svc->family;
	if (!tb_u16(&d, IPVS_DEST_ATTR_ADDR_FAMILY, &af))
		ofam = dv_family(af);
	tb_addr(&d, IPVS_DEST_ATTR_ADDR, ofam, addr);
	tb_u8(&d, IPVS_DEST_ATTR_TUN_TYPE, &type);
	tb_u16(&d, IPVS_DEST_ATTR_TUN_FLAGS, &flags);
	dv_addr_str(ofam, addr, a, sizeof(a));
	if (type >= IP_VS_CONN_F_TUNNEL_TYPE_MAX) {
		snprintf(c->why, sizeof(c->why),
			 "real server %s: tunnel type %u, which pmtufix does not model",
			 a, type);
		return MNL_CB_OK;
	}
	memset(&q, 0, sizeof(q));
	if (path_to(c->s, ofam, addr, NULL,
		    type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP ?
		    (c->svc->family == PMTUFIX_IPV6 ? IPPROTO_IPV6 : IPPROTO_IPIP) :
		    type == IP_VS_CONN_F_TUNNEL_TYPE_GUE ? IPPROTO_UDP :
		    IPPROTO_GRE, 1, 1, &q, w, sizeof(w)) ||
	    ipvs_layers(&q, c->svc->family, ofam, type, flags, w, sizeof(w))) {
		snprintf(c->why, sizeof(c->why), "real server %s: %s", a, w);
		return MNL_CB_OK;
	}
	dv_path_addf(&q, "; %s to real server %s", types[type], a);
	mtu = dv_path_mtu(&q, c->svc->family);
	if (!c->bmtu || mtu < c->bmtu) {
		c->best = q;
		c->bmtu = mtu;
	}
	return MNL_CB_OK;
}

static void ipvs_put_svc(struct nlmsghdr *nlh, const struct ipvs_svc *v)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, IPVS_CMD_ATTR_SERVICE);

	mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_AF, dv_af(v->family));
	if (v->fwmark) {
		mnl_attr_put_u32(nlh, IPVS_SVC_ATTR_FWMARK, v->fwmark);
	} else {
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PROTOCOL, v->protocol);
		mnl_attr_put(nlh, IPVS_SVC_ATTR_ADDR, 16, v->addr);
		mnl_attr_put_u16(nlh, IPVS_SVC_ATTR_PORT, v->port);
	}
	mnl_attr_nest_end(nlh, n);
}

static struct nlmsghdr *ipvs_request(struct sys *s, u16 family, u8 cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->gen.buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++s->gen.seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IPVS_GENL_VERSION;
	return nlh;
}

static int derive_ipvs(struct sys *s, struct dv_list *out)
{
	struct ipvs_ctx c = {};
	char from[160], a[INET6_ADDRSTRLEN];
	struct dest_ctx d;
	struct dv_entry *e;
	u16 family;
	size_t i;
	int ret;

	/*
	 * Asking for the family would load ip_vs on a host that has none:
	 * its /proc/net/ip_vs, in every namespace, says whether it is there.
	 */
	if (access("/proc/net/ip_vs", F_OK))
		return 0;
	ret = pmtufix_nl_family(&s->gen, IPVS_GENL_NAME);
	if (ret == -ENOENT)
		return 0;	/* no IPVS here: nothing to derive */
	if (ret) {
		dv_perror(&s->gen, "IPVS services", ret);
		return -1;
	}
	family = s->gen.family;
	ret = pmtufix_nl_talk(&s->gen, ipvs_request(s, family, IPVS_CMD_GET_SERVICE),
			      ipvs_svc_cb, &c);
	if (ret == -EPERM) {
		/*
		 * IPVS answers CAP_NET_ADMIN in the initial user namespace
		 * alone: the root of a namespace of its own can neither read
		 * nor configure it.
		 */
		fprintf(stderr, "pmtufix derive: IPVS services: not readable without CAP_NET_ADMIN in the initial user namespace: no IPVS entries\n");
		free(c.v);
		return 0;
	}
	if (ret) {
		dv_perror(&s->gen, "IPVS services", ret);
		free(c.v);
		return -1;
	}
	for (i = 0; i < c.n; i++) {
		struct nlmsghdr *nlh;

		if (!c.v[i].family)
			continue;
		dv_addr_str(c.v[i].family, c.v[i].addr, a, sizeof(a));
		if (c.v[i].fwmark)
			snprintf(from, sizeof(from), "IPVS service fwmark %u",
				 c.v[i].fwmark);
		else
			snprintf(from, sizeof(from), "IPVS service %s %s%s%s:%u",
				 c.v[i].protocol == IPPROTO_UDP ? "udp" :
				 c.v[i].protocol == IPPROTO_SCTP ? "sctp" : "tcp",
				 c.v[i].family == PMTUFIX_IPV6 ? "[" : "", a,
				 c.v[i].family == PMTUFIX_IPV6 ? "]" : "",
				 ntohs(c.v[i].port));
		memset(&d, 0, sizeof(d));
		d.s = s;
		d.svc = &c.v[i];
		nlh = ipvs_request(s, family, IPVS_CMD_GET_DEST);
		ipvs_put_svc(nlh, &c.v[i]);
		ret = pmtufix_nl_talk(&s->gen, nlh, ipvs_dest_cb, &d);
		if (ret) {
			dv_perror(&s->gen, "IPVS real servers", ret);
			free(c.v);
			return -1;
		}
		if (!d.tunnelled)
			continue;
		if (c.v[i].fwmark) {
			fprintf(stderr, "pmtufix derive: %s: tunnels to its real servers, but a firewall mark is no prefix: no entry\n",
				from);
			continue;
		}
		if (d.why[0]) {
			if (entry_fail(out, c.v[i].family, c.v[i].addr,
				       c.v[i].family == PMTUFIX_IPV6 ? 128 : 32,
				       DV_RANK_IPVS, from, d.why))
				break;
			continue;
		}
		if (d.tunnelled > 1)
			dv_path_addf(&d.best, " (the narrowest of %u real servers)",
				     d.tunnelled);
		e = dv_add(out);
		if (!e)
			break;
		entry_prefix(e, c.v[i].family, c.v[i].addr,
			     c.v[i].family == PMTUFIX_IPV6 ? 128 : 32);
		entry_set(e, &d.best, DV_RANK_IPVS, from);
	}
	free(c.v);
	return i < c.n ? -1 : 0;
}

/* Reading it all */

static int route_cmp_prefix(const struct route *a, const struct route *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return memcmp(a->dst, b->dst, 16);
}

static int plain_cmp(const void *pa, const void *pb)
{
	const struct plain_route *a = pa, *b = pb;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return memcmp(a->dst, b->dst, 16);
}

/* Whether a plain route to @r's prefix has a lower metric than @r. */
static int route_shadowed(const struct sys *s, const struct route *r)
{
	struct plain_route key = { .family = r->family, .plen = r->plen };
	const struct plain_route *p;

	memcpy(key.dst, r->dst, 16);
	if (!s->nplain)
		return 0;
	p = bsearch(&key, s->plain, s->nplain, sizeof(*p), plain_cmp);
	/* Any of equal prefix will do: the lowest is checked below. */
	while (p && p > s->plain && !plain_cmp(p - 1, &key))
		p--;
	return p && p->priority < r->priority;
}

static int route_cmp(const void *pa, const void *pb)
{
	const struct route *a = pa, *b = pb;
	int c = route_cmp_prefix(a, b);

	if (c)
		return c;
	return a->priority < b->priority ? -1 : a->priority > b->priority;
}

static void sys_free(struct sys *s)
{
	size_t i;

	for (i = 0; i < s->nlinks; i++)
		free(s->links[i].peers);
	free(s->links);
	free(s->routes);
	free(s->plain);
	free(s->pols);
	free(s->sas);
	if (s->have_gen)
		pmtufix_nl_close(&s->gen);
	pmtufix_nl_close(&s->rt);
}

int dv_derive(const struct dv_options *o, struct dv_list *out)
{
	struct sys s = { .o = o };
	int ret = -1, err;
	size_t i;

	if (pmtufix_nl_socket(&s.rt, NETLINK_ROUTE, "derive"))
		return -1;
	if (pmtufix_nl_socket(&s.gen, NETLINK_GENERIC, "derive"))
		goto out;
	s.have_gen = 1;
	/* Policies first: they decide which routes need an entry. */
	if (dv_read_xfrm(&s))
		goto out;
	err = dv_dump(&s.rt, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg),
		      link_cb, &s);
	if (!err)
		err = dv_dump(&s.rt, RTM_GETROUTE, AF_INET, sizeof(struct rtmsg),
			      route_cb, &s);
	if (!err)
		err = dv_dump(&s.rt, RTM_GETROUTE, AF_INET6, sizeof(struct rtmsg),
			      route_cb, &s);
	if (err) {
		dv_perror(&s.rt, "links and routes", err);
		goto out;
	}
	/* A prefix's route is the one of lowest metric. */
	if (s.nroutes)
		qsort(s.routes, s.nroutes, sizeof(*s.routes), route_cmp);
	if (s.nplain)
		qsort(s.plain, s.nplain, sizeof(*s.plain), plain_cmp);
	if (o->from & DV_XFRM)
		for (i = 0; i < s.npols; i++)
			if (derive_policy(&s, &s.pols[i], out))
				goto out;
	if (o->from & DV_TUNNELS)
		for (i = 0; i < s.nroutes; i++)
			if ((!i || route_cmp_prefix(&s.routes[i - 1], &s.routes[i])) &&
			    !route_shadowed(&s, &s.routes[i]) &&
			    derive_route(&s, &s.routes[i], out))
				goto out;
	if ((o->from & DV_IPVS) && derive_ipvs(&s, out))
		goto out;
	ret = 0;
out:
	sys_free(&s);
	return ret;
}

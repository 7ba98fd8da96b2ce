/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What derive_sys.c, derive_xfrm.c and derive_nl.c share: the kernel's
 * view as read over netlink, the paths built from it, and the attribute
 * helpers.
 */
#ifndef _PMTUFIX_DERIVE_SYS_H
#define _PMTUFIX_DERIVE_SYS_H

#include <stddef.h>
#include <net/if.h>
#include <linux/xfrm.h>

#include "derive.h"
#include "genl.h"

#define DEPTH_MAX	4	/* tunnels in tunnels, SAs over tunnels */
#define NHOPS_MAX	16	/* nexthops of a route considered */

/* Attributes by type, for the types below TB_MAX. */
#define TB_MAX	64

struct tb {
	const struct nlattr *a[TB_MAX];
};

/* The kernel's view, read once. */

enum link_kind {
	LK_PLAIN,	/* sends packets as they are: veth, vlan, bond, ... */
	LK_IPIP,
	LK_SIT,
	LK_IP6TNL,
	LK_GRE,
	LK_GRETAP,
	LK_IP6GRE,
	LK_IP6GRETAP,
	LK_VXLAN,
	LK_GENEVE,
	LK_WG,
	LK_UNKNOWN,	/* why says what */
};

struct peer {
	unsigned int family;
	u8 addr[16];
};

struct link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[24];
	enum link_kind lk;
	u32 mtu;
	unsigned int ofamily;	/* of the outer addresses */
	u8 local[16], remote[16];
	u8 proto;		/* what ipip, sit and ip6tnl carry, 0: both */
	u32 flags;		/* PMTUFIX_LAYER_F_GRE_* and NO_ENCAPLIMIT */
	u16 encap;		/* TUNNEL_ENCAP_* */
	char why[160];
	/* WireGuard: the peers' endpoints, read when a route needs them. */
	int wg_read;
	struct peer *peers;
	size_t npeers, cappeers;
};

struct nexthop {
	int oif;
	u16 encap_type;
	unsigned int labels;	/* MPLS labels pushed */
};

struct route {
	unsigned int family;
	u8 dst[16];
	unsigned int plen;
	u32 priority;
	u32 mtu;		/* the route's own MTU metric, 0 if none */
	unsigned int nnh;
	struct nexthop nh[NHOPS_MAX];
	int truncated;		/* more nexthops than NHOPS_MAX */
};

/* A route that needs no entry: only what tells whether it is used. */
struct plain_route {
	u8 dst[16];
	u8 family, plen;
	u32 priority;
};

struct policy {
	struct xfrm_userpolicy_info info;
	unsigned int ntmpl;
	struct xfrm_user_tmpl tmpl[4];
	int other;		/* an attribute that makes it special */
};

struct state {
	struct xfrm_usersa_info info;
	struct pmtufix_layer esp;	/* mode and family still to be set */
	int natt;
	char alg[160];		/* the kernel's names, for notes */
	char why[160];		/* what cannot be modelled, or "" */
};

struct sys {
	const struct dv_options *o;
	struct pmtufix_nl rt, gen;
	struct link *links;
	size_t nlinks, caplinks;
	struct route *routes;
	size_t nroutes, caproutes;
	struct plain_route *plain;
	size_t nplain, capplain;
	struct policy *pols;
	size_t npols, cappols;
	struct state *sas;
	size_t nsas, capsas;
	int have_gen;
	u16 wg_family;
};

/* A path: layers outermost first on a link of MTU base. */
struct path {
	u32 base;
	unsigned int n;
	struct pmtufix_layer l[PMTUFIX_MAX_LAYERS];
	char desc[360];
};

/* Attributes (derive_nl.c) */

int tb_cb(const struct nlattr *attr, void *data);
void tb_msg(struct tb *t, const struct nlmsghdr *nlh, size_t off);
void tb_nest(struct tb *t, const struct nlattr *nest);
/* Attribute @i's payload when it has at least @len bytes, else NULL. */
const void *tb_get(const struct tb *t, unsigned int i, size_t len);
/* 0 and the value, or -1 when the attribute is missing or short. */
int tb_u32(const struct tb *t, unsigned int i, u32 *v);
int tb_u16(const struct tb *t, unsigned int i, u16 *v);
int tb_u8(const struct tb *t, unsigned int i, u8 *v);
/* An address of @family (PMTUFIX_IPV4/6) into @a, zero-padded. */
int tb_addr(const struct tb *t, unsigned int i, unsigned int family,
	    u8 a[16]);

/* PMTUFIX_IPV4/6 of an AF_*, 0 for others; and back. */
unsigned int dv_family(int af);
int dv_af(unsigned int family);
int dv_addr_zero(const u8 a[16]);
void dv_addr_str(unsigned int family, const u8 a[16], char *buf, size_t size);
/* Whether @a is in @p/@plen, both of @family. */
int dv_in_prefix(unsigned int family, const u8 a[16], const u8 p[16],
		 unsigned int plen);

/* A dump of @type on @h, each message to @cb; @hdrlen 0 sends no header. */
int dv_dump(struct pmtufix_nl *h, u16 type, int family, size_t hdrlen,
	    mnl_cb_t cb, void *data);

/*
 * Prints "pmtufix derive: WHAT: CAUSE" for a failed request: as
 * pmtufix_nl_perror(), with what EPERM means for derive.
 */
void dv_perror(const struct pmtufix_nl *h, const char *what, int err);

/* Paths (derive_nl.c) */

void dv_path_addf(struct path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The inner MTU of @family packets behind @p. */
u32 dv_path_mtu(const struct path *p, unsigned int family);
/* Appends @l to the inside of @p; -1 with @why when it is too deep. */
int dv_path_push(struct path *p, const struct pmtufix_layer *l, char *why,
		 size_t wlen);

/* xfrm (derive_xfrm.c) */

/* The outbound policies and the ESP states into @s. */
int dv_read_xfrm(struct sys *s);

/*
 * The outbound policy that decides a packet of @family to @dst (from
 * @src when known) of @proto (0: any, a prefix's TCP): the matching one of
 * lowest priority value.  With @plen, every address of @dst/@plen must
 * match, or the policy is not taken.  NULL when none matches; then @why,
 * when not NULL, says if one could not be taken into account.
 */
const struct policy *dv_policy_find(const struct sys *s, unsigned int family,
				    const u8 *dst, unsigned int plen,
				    const u8 *src, u8 proto, char *why,
				    size_t wlen);

#endif /* _PMTUFIX_DERIVE_SYS_H */

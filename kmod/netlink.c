// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "pmtufix"; the protocol is described in
 * include/uapi/linux/pmtufix.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "table.h"

static struct genl_family pmtufix_genl_family;

static struct netlink_range_validation pmtufix_mtu_range = {
	.min = PMTUFIX_MTU_MIN,
	.max = PMTUFIX_MTU_MAX,
};

static struct netlink_range_validation pmtufix_burst_range = {
	.min = 1,
	.max = PMTUFIX_MAX_TOO_BIG_BURST,
};

static struct netlink_range_validation pmtufix_u16_range = {
	.min = 0,
	.max = 65535,
};

static const struct nla_policy pmtufix_layer_policy[PMTUFIX_LAYER_A_MAX + 1] = {
	[PMTUFIX_LAYER_A_TYPE] = NLA_POLICY_RANGE(NLA_U16, 1,
						  __PMTUFIX_LAYER_MAX - 1),
	[PMTUFIX_LAYER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, PMTUFIX_LAYER_F_ALL),
	[PMTUFIX_LAYER_A_COUNT] = { .type = NLA_U16 },
	[PMTUFIX_LAYER_A_ESP_MODE] = NLA_POLICY_RANGE(NLA_U8, 1,
						      __PMTUFIX_ESP_MODE_MAX - 1),
	[PMTUFIX_LAYER_A_ESP_CIPHER] = NLA_POLICY_RANGE(NLA_U8, 1,
							__PMTUFIX_ESP_CIPHER_MAX - 1),
	[PMTUFIX_LAYER_A_ESP_INTEG] = NLA_POLICY_MAX(NLA_U8,
						     __PMTUFIX_ESP_INTEG_MAX - 1),
	[PMTUFIX_LAYER_A_ESP_ICV] = { .type = NLA_U16 },
};

static const struct nla_policy pmtufix_entry_policy[PMTUFIX_ENTRY_A_MAX + 1] = {
	[PMTUFIX_ENTRY_A_FAMILY] = { .type = NLA_U16 },
	[PMTUFIX_ENTRY_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[PMTUFIX_ENTRY_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[PMTUFIX_ENTRY_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &pmtufix_mtu_range),
	[PMTUFIX_ENTRY_A_LAYERS] = NLA_POLICY_NESTED_ARRAY(pmtufix_layer_policy),
	/* Only in replies. */
	[PMTUFIX_ENTRY_A_INNER_MTU ... PMTUFIX_ENTRY_A_ICMP_REPAIRED] = {
		.type = NLA_REJECT },
};

static const struct nla_policy pmtufix_policy[PMTUFIX_A_MAX + 1] = {
	[PMTUFIX_A_TABLE] = { .type = NLA_NUL_STRING,
			      .len = PMTUFIX_TABLE_NAME_LEN - 1 },
	[PMTUFIX_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, PMTUFIX_F_ALL),
	[PMTUFIX_A_MTU] = NLA_POLICY_FULL_RANGE(NLA_U32, &pmtufix_mtu_range),
	[PMTUFIX_A_FLOOR4] = NLA_POLICY_FULL_RANGE(NLA_U32, &pmtufix_u16_range),
	[PMTUFIX_A_FLOOR6] = NLA_POLICY_FULL_RANGE(NLA_U32, &pmtufix_u16_range),
	[PMTUFIX_A_ENTRIES] = NLA_POLICY_NESTED_ARRAY(pmtufix_entry_policy),
	[PMTUFIX_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[PMTUFIX_A_LOAD] = NLA_POLICY_MASK(NLA_U32, PMTUFIX_LOAD_ALL),
	[PMTUFIX_A_TOO_BIG_RATE] = { .type = NLA_U32 },
	[PMTUFIX_A_TOO_BIG_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &pmtufix_burst_range),
	[PMTUFIX_A_TOO_BIG_SRC_RATE] = { .type = NLA_U32 },
	[PMTUFIX_A_TOO_BIG_SRC_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32,
							      &pmtufix_burst_range),
	/* Only in replies. */
	[PMTUFIX_A_ENTRY] = { .type = NLA_REJECT },
	[PMTUFIX_A_COUNT4 ... PMTUFIX_A_PAD] = { .type = NLA_REJECT },
};

/*
 * NL_SET_ERR_MSG() wants a literal; the layer checks of the core return
 * messages of their own, static strings as well.
 */
static void pmtufix_nl_err(struct netlink_ext_ack *extack,
			   const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
}

/*
 * A dump's request attributes.  Parsed here rather than taken from
 * genl_dumpit_info(), whose layout differs between the kernels we build for.
 */
static int pmtufix_nl_dump_attrs(struct netlink_callback *cb,
				 struct nlattr **tb)
{
	return nlmsg_parse(cb->nlh, GENL_HDRLEN, tb, PMTUFIX_A_MAX,
			   pmtufix_policy, cb->extack);
}

static struct pmtufix_net *pmtufix_nl_pernet(struct genl_info *info)
{
	return pmtufix_pernet(genl_info_net(info));
}

static struct pmtufix_table *pmtufix_nl_table(struct pmtufix_net *pn,
					      struct nlattr **attrs,
					      struct netlink_ext_ack *extack)
{
	struct pmtufix_table *t;

	if (!attrs[PMTUFIX_A_TABLE]) {
		NL_SET_ERR_MSG(extack, "a table name is required");
		return ERR_PTR(-EINVAL);
	}
	t = pmtufix_table_find(pn, nla_data(attrs[PMTUFIX_A_TABLE]));
	if (!t) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[PMTUFIX_A_TABLE],
				    "no such table");
		return ERR_PTR(-ENOENT);
	}
	return t;
}

/* What a command does to the table its request names, under pn->lock. */
typedef int (*pmtufix_nl_act_t)(struct pmtufix_table *t,
				struct genl_info *info, void *arg);

/* The shape of most commands: lock, find the table, act, unlock. */
static int pmtufix_nl_do_table(struct genl_info *info, pmtufix_nl_act_t act,
			       void *arg)
{
	struct pmtufix_net *pn = pmtufix_nl_pernet(info);
	struct pmtufix_table *t;
	int ret;

	mutex_lock(&pn->lock);
	t = pmtufix_nl_table(pn, info->attrs, info->extack);
	ret = IS_ERR(t) ? PTR_ERR(t) : act(t, info, arg);
	mutex_unlock(&pn->lock);
	return ret;
}

/* The same for a command with a reply: @act fills the message it is given. */
static int pmtufix_nl_reply_table(struct genl_info *info, size_t size,
				  pmtufix_nl_act_t act)
{
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = pmtufix_nl_do_table(info, act, msg);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* An optional attribute and the struct field it sets, of its width. */
struct pmtufix_nl_field {
	u16 attr;
	u8 offset;
	u8 size;
};

#define PMTUFIX_NL_FIELD(attr, type, member) \
	{ attr, offsetof(type, member), sizeof_field(type, member) }

/* The attributes of @fields present in @tb into @base; whether any was. */
static bool pmtufix_nl_get_fields(struct nlattr **tb,
				  const struct pmtufix_nl_field *fields,
				  unsigned int n, void *base)
{
	const struct nlattr *a;
	bool any = false;
	unsigned int i;
	void *field;

	for (i = 0; i < n; i++) {
		a = tb[fields[i].attr];
		if (!a)
			continue;
		field = base + fields[i].offset;
		if (fields[i].size == sizeof(u8))
			*(u8 *)field = nla_get_u8(a);
		else if (fields[i].size == sizeof(u16))
			*(u16 *)field = nla_get_u16(a);
		else
			*(u32 *)field = nla_get_u32(a);
		any = true;
	}
	return any;
}

/* The attributes of a table's defaults, in the order of their fields. */
static const u16 pmtufix_nl_default_attrs[PMTUFIX_NR_DEFAULTS] = {
	PMTUFIX_A_MTU, PMTUFIX_A_FLOOR4, PMTUFIX_A_FLOOR6,
	PMTUFIX_A_TOO_BIG_RATE, PMTUFIX_A_TOO_BIG_BURST,
	PMTUFIX_A_TOO_BIG_SRC_RATE, PMTUFIX_A_TOO_BIG_SRC_BURST,
};

/* Defaults given in @attrs into @def; whether there was any. */
static bool pmtufix_nl_defaults(struct nlattr **attrs,
				struct pmtufix_defaults *def)
{
	const struct nlattr *a;
	bool any = false;
	unsigned int i;

	BUILD_BUG_ON(sizeof(def->v) != sizeof(*def));
	for (i = 0; i < PMTUFIX_NR_DEFAULTS; i++) {
		a = attrs[pmtufix_nl_default_attrs[i]];
		if (a) {
			def->v[i] = nla_get_u32(a);
			any = true;
		}
	}
	return any;
}

static int pmtufix_nl_put_defaults(struct sk_buff *skb,
				   const struct pmtufix_defaults *def)
{
	unsigned int i;

	for (i = 0; i < PMTUFIX_NR_DEFAULTS; i++)
		if (nla_put_u32(skb, pmtufix_nl_default_attrs[i], def->v[i]))
			return -EMSGSIZE;
	return 0;
}

/* A layer's attributes but its type, which it cannot be without. */
static const struct pmtufix_nl_field pmtufix_nl_layer_fields[] = {
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_FLAGS, struct pmtufix_layer, flags),
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_COUNT, struct pmtufix_layer, count),
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_ESP_MODE, struct pmtufix_layer,
			 esp_mode),
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_ESP_CIPHER, struct pmtufix_layer,
			 esp_cipher),
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_ESP_INTEG, struct pmtufix_layer,
			 esp_integ),
	PMTUFIX_NL_FIELD(PMTUFIX_LAYER_A_ESP_ICV, struct pmtufix_layer,
			 esp_icv),
};

/* Parsing entries */

/* A nest of type @type, parsed into @tb; @what names it in errors. */
static int pmtufix_nl_parse_nest(const struct nlattr *nest, int type,
				 const char *what, struct nlattr **tb,
				 int maxtype, const struct nla_policy *policy,
				 struct netlink_ext_ack *extack)
{
	if (nla_type(nest) != type) {
		pmtufix_nl_err(extack, nest, what);
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, nest, policy, extack);
}

static int pmtufix_nl_parse_layer(const struct nlattr *nest,
				  struct pmtufix_layer *l,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PMTUFIX_LAYER_A_MAX + 1];
	const char *why;
	int ret;

	ret = pmtufix_nl_parse_nest(nest, PMTUFIX_A_LAYER, "expected a layer",
				    tb, PMTUFIX_LAYER_A_MAX,
				    pmtufix_layer_policy, extack);
	if (ret)
		return ret;
	if (!tb[PMTUFIX_LAYER_A_TYPE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a layer needs a type");
		return -EINVAL;
	}
	memset(l, 0, sizeof(*l));
	l->type = nla_get_u16(tb[PMTUFIX_LAYER_A_TYPE]);
	pmtufix_nl_get_fields(tb, pmtufix_nl_layer_fields,
			      ARRAY_SIZE(pmtufix_nl_layer_fields), l);
	if (pmtufix_layer_check(l, &why)) {
		pmtufix_nl_err(extack, nest, why);
		return -EINVAL;
	}
	return 0;
}

static bool pmtufix_host_bits_clear(const u8 *addr, unsigned int len,
				    unsigned int plen)
{
	unsigned int i;

	for (i = plen / 8; i < len; i++) {
		u8 mask = i == plen / 8 ? 0xff >> (plen % 8) : 0xff;

		if (addr[i] & mask)
			return false;
	}
	return true;
}

/* One PMTUFIX_A_ENTRY into @b; only the prefix unless @with_path. */
static int pmtufix_nl_parse_entry(const struct nlattr *nest, bool with_path,
				  struct pmtufix_batch *b,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PMTUFIX_ENTRY_A_MAX + 1], *attr;
	unsigned int family, alen, plen, n = 0;
	struct pmtufix_profile p;
	int ret, rem;

	ret = pmtufix_nl_parse_nest(nest, PMTUFIX_A_ENTRY, "expected an entry",
				    tb, PMTUFIX_ENTRY_A_MAX,
				    pmtufix_entry_policy, extack);
	if (ret)
		return ret;
	if (!tb[PMTUFIX_ENTRY_A_FAMILY] || !tb[PMTUFIX_ENTRY_A_ADDR] ||
	    !tb[PMTUFIX_ENTRY_A_PLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "an entry needs a family, an address and a prefix length");
		return -EINVAL;
	}
	switch (nla_get_u16(tb[PMTUFIX_ENTRY_A_FAMILY])) {
	case AF_INET:
		family = PMTUFIX_IPV4;
		alen = 4;
		break;
	case AF_INET6:
		family = PMTUFIX_IPV6;
		alen = 16;
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, tb[PMTUFIX_ENTRY_A_FAMILY],
				    "unknown address family");
		return -EAFNOSUPPORT;
	}
	if (nla_len(tb[PMTUFIX_ENTRY_A_ADDR]) != alen) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PMTUFIX_ENTRY_A_ADDR],
				    "address length does not match the family");
		return -EINVAL;
	}
	plen = nla_get_u8(tb[PMTUFIX_ENTRY_A_PLEN]);
	if (plen > alen * 8) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PMTUFIX_ENTRY_A_PLEN],
				    "prefix length out of range");
		return -EINVAL;
	}
	if (!pmtufix_host_bits_clear(nla_data(tb[PMTUFIX_ENTRY_A_ADDR]),
				     alen, plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PMTUFIX_ENTRY_A_ADDR],
				    "address has bits set past the prefix length");
		return -EINVAL;
	}

	if (!with_path) {
		if (tb[PMTUFIX_ENTRY_A_MTU] || tb[PMTUFIX_ENTRY_A_LAYERS]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "only prefixes are deleted");
			return -EINVAL;
		}
		return pmtufix_batch_add(b, family,
					 nla_data(tb[PMTUFIX_ENTRY_A_ADDR]),
					 plen, NULL);
	}

	memset(&p, 0, sizeof(p));
	p.family = family;
	if (tb[PMTUFIX_ENTRY_A_MTU])
		p.base_mtu = nla_get_u32(tb[PMTUFIX_ENTRY_A_MTU]);
	if (tb[PMTUFIX_ENTRY_A_LAYERS]) {
		nla_for_each_nested(attr, tb[PMTUFIX_ENTRY_A_LAYERS], rem) {
			if (n == PMTUFIX_MAX_LAYERS) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "too many layers");
				return -EINVAL;
			}
			ret = pmtufix_nl_parse_layer(attr, &p.layers[n], extack);
			if (ret)
				return ret;
			n++;
		}
	}
	p.nlayers = n;
	return pmtufix_batch_add(b, family, nla_data(tb[PMTUFIX_ENTRY_A_ADDR]),
				 plen, &p);
}

static int pmtufix_nl_parse_entries(const struct pmtufix_net *pn,
				    const struct nlattr *entries,
				    bool with_path, struct pmtufix_batch *b,
				    struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	int ret, rem;

	nla_for_each_nested(attr, entries, rem) {
		ret = pmtufix_nl_parse_entry(attr, with_path, b, extack);
		if (ret == -ENOSPC && b->n >= b->max)
			pmtufix_limit_msg(pn, extack);
		else if (ret == -ENOSPC)
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "too many distinct paths (base MTU and layers) in one table");
		if (ret)
			return ret;
	}
	return 0;
}

/* Replies */

static int pmtufix_nl_put_layers(struct sk_buff *skb,
				 const struct pmtufix_profile *p)
{
	const struct pmtufix_layer *l;
	struct nlattr *layers, *nest;
	unsigned int i;

	layers = nla_nest_start(skb, PMTUFIX_ENTRY_A_LAYERS);
	if (!layers)
		return -EMSGSIZE;
	for (i = 0; i < p->nlayers; i++) {
		l = &p->layers[i];
		nest = nla_nest_start(skb, PMTUFIX_A_LAYER);
		if (!nest ||
		    nla_put_u16(skb, PMTUFIX_LAYER_A_TYPE, l->type) ||
		    (l->flags &&
		     nla_put_u32(skb, PMTUFIX_LAYER_A_FLAGS, l->flags)) ||
		    (l->count &&
		     nla_put_u16(skb, PMTUFIX_LAYER_A_COUNT, l->count)))
			return -EMSGSIZE;
		if (l->type == PMTUFIX_LAYER_ESP &&
		    (nla_put_u8(skb, PMTUFIX_LAYER_A_ESP_MODE, l->esp_mode) ||
		     nla_put_u8(skb, PMTUFIX_LAYER_A_ESP_CIPHER, l->esp_cipher) ||
		     nla_put_u8(skb, PMTUFIX_LAYER_A_ESP_INTEG, l->esp_integ) ||
		     (l->esp_icv &&
		      nla_put_u16(skb, PMTUFIX_LAYER_A_ESP_ICV, l->esp_icv))))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	nla_nest_end(skb, layers);
	return 0;
}

/* The MSS an entry clamps to: its path's, but not below the floor. */
static u32 pmtufix_entry_mss(const struct pmtufix_snapshot *d,
			     const struct pmtufix_view *v)
{
	return max_t(u32, v->fit->mss, pmtufix_floor(d, v->e.family));
}

/* Attribute of each entry counter, in enum pmtufix_entry_counter order. */
static const u16 pmtufix_entry_counter_attr[PMTUFIX_EC_MAX] = {
	[PMTUFIX_EC_HITS] = PMTUFIX_ENTRY_A_HITS,
	[PMTUFIX_EC_CLAMPED] = PMTUFIX_ENTRY_A_CLAMPED,
	[PMTUFIX_EC_TOO_BIG_SENT] = PMTUFIX_ENTRY_A_TOO_BIG_SENT,
	[PMTUFIX_EC_TOO_BIG_RATELIMITED] = PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED,
	[PMTUFIX_EC_ICMP_REPAIRED] = PMTUFIX_ENTRY_A_ICMP_REPAIRED,
};

static int pmtufix_nl_put_entry_stats(struct sk_buff *skb,
				      const struct pmtufix_entry_stats *st)
{
	int k;

	for (k = 0; k < PMTUFIX_EC_MAX; k++)
		if (nla_put_u64_64bit(skb, pmtufix_entry_counter_attr[k],
				      atomic64_read(&st->c[k]),
				      PMTUFIX_ENTRY_A_PAD))
			return -EMSGSIZE;
	return 0;
}

/* Entry @v of snapshot @d, as a nest of type @type. */
static int pmtufix_nl_put_entry(struct sk_buff *skb, int type,
				const struct pmtufix_snapshot *d,
				const struct pmtufix_view *v)
{
	const struct pmtufix_profile *p = v->profile;
	bool v4 = v->e.family == PMTUFIX_IPV4;
	struct nlattr *nest;
	u8 addr[16];

	if (v4)
		pmtufix_addr4_to_bytes((u32)v->e.addr.lo, addr);
	else
		pmtufix_addr6_to_bytes(&v->e.addr, addr);

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, PMTUFIX_ENTRY_A_FAMILY, v4 ? AF_INET : AF_INET6) ||
	    nla_put(skb, PMTUFIX_ENTRY_A_ADDR, v4 ? 4 : 16, addr) ||
	    nla_put_u8(skb, PMTUFIX_ENTRY_A_PLEN, v->e.plen) ||
	    (p->base_mtu &&
	     nla_put_u32(skb, PMTUFIX_ENTRY_A_MTU, p->base_mtu)) ||
	    (p->nlayers && pmtufix_nl_put_layers(skb, p)) ||
	    nla_put_u32(skb, PMTUFIX_ENTRY_A_INNER_MTU, v->fit->mtu) ||
	    nla_put_u32(skb, PMTUFIX_ENTRY_A_MSS, pmtufix_entry_mss(d, v)) ||
	    pmtufix_nl_put_entry_stats(skb, v->st)) {
		/* A dump puts this entry in its next message: none of it here. */
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The header of a reply to @info, or of a dump part for @cb; a dump part
 * is flagged NLM_F_DUMP_INTR if the namespace's tables changed since the
 * previous part.
 */
static void *pmtufix_nl_put_hdr(struct sk_buff *skb, struct genl_info *info,
				struct netlink_callback *cb, u8 cmd)
{
	void *hdr;

	if (info)
		return genlmsg_put_reply(skb, info, &pmtufix_genl_family, 0,
					 cmd);
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &pmtufix_genl_family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

static int pmtufix_nl_put_table(struct sk_buff *skb, struct genl_info *info,
				struct netlink_callback *cb,
				const struct pmtufix_table *t)
{
	const struct pmtufix_snapshot *d = pmtufix_table_snapshot(t);
	void *hdr;

	hdr = pmtufix_nl_put_hdr(skb, info, cb, PMTUFIX_CMD_TABLE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, PMTUFIX_A_TABLE, t->name) ||
	    pmtufix_nl_put_defaults(skb, &d->def) ||
	    nla_put_u32(skb, PMTUFIX_A_COUNT4, d->n4) ||
	    nla_put_u32(skb, PMTUFIX_A_COUNT6, d->n6) ||
	    nla_put_u32(skb, PMTUFIX_A_RULES, t->rules) ||
	    nla_put_u32(skb, PMTUFIX_A_GENERATION, t->generation)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int pmtufix_nl_put_counters(struct sk_buff *skb, int type,
				   const struct pmtufix_table *t, int cpu)
{
	u64 c[PMTUFIX_C_MAX];
	struct nlattr *nest;
	int i;

	pmtufix_stats_read(t, cpu, c);
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (cpu >= 0 && nla_put_u32(skb, PMTUFIX_STATS_A_CPU, cpu))
		return -EMSGSIZE;
	for (i = 0; i < PMTUFIX_C_MAX; i++)
		if (nla_put_u64_64bit(skb, PMTUFIX_STATS_FIRST + i, c[i],
				      PMTUFIX_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Per-CPU counters in PMTUFIX_A_STATS_PERCPU nests of at most this many
 * CPUs each: an attribute holds at most 64 KiB.
 */
#define PMTUFIX_CPUS_PER_NEST	64

static int pmtufix_nl_put_percpu(struct sk_buff *skb,
				 const struct pmtufix_table *t)
{
	struct nlattr *nest = NULL;
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		if (!nest) {
			nest = nla_nest_start(skb, PMTUFIX_A_STATS_PERCPU);
			if (!nest)
				return -EMSGSIZE;
		}
		if (pmtufix_nl_put_counters(skb, PMTUFIX_A_STATS, t, cpu))
			return -EMSGSIZE;
		if (++n % PMTUFIX_CPUS_PER_NEST == 0) {
			nla_nest_end(skb, nest);
			nest = NULL;
		}
	}
	if (nest)
		nla_nest_end(skb, nest);
	return 0;
}

static int pmtufix_nl_put_stats(struct sk_buff *skb, struct genl_info *info,
				struct netlink_callback *cb,
				const struct pmtufix_table *t, bool percpu)
{
	void *hdr;

	hdr = pmtufix_nl_put_hdr(skb, info, cb, PMTUFIX_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, PMTUFIX_A_TABLE, t->name) ||
	    pmtufix_nl_put_counters(skb, PMTUFIX_A_STATS, t, -1) ||
	    (percpu && pmtufix_nl_put_percpu(skb, t)))
		goto nospace;
	genlmsg_end(skb, hdr);
	return 0;
nospace:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Commands */

static int pmtufix_nl_table_new(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_nl_pernet(info);
	struct pmtufix_defaults def = pmtufix_default_defaults;
	struct nlattr *name = info->attrs[PMTUFIX_A_TABLE];
	struct pmtufix_table *t;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_TABLE))
		return -EINVAL;
	if (!pmtufix_table_name_valid(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "table names are letters, digits, '_', '.' and '-', not starting with '-'");
		return -EINVAL;
	}
	pmtufix_nl_defaults(info->attrs, &def);

	mutex_lock(&pn->lock);
	if (pmtufix_table_find(pn, nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "the table exists");
		ret = -EEXIST;
	} else {
		t = pmtufix_table_create(pn, nla_data(name), &def,
					 info->extack);
		if (IS_ERR(t))
			ret = PTR_ERR(t);
	}
	mutex_unlock(&pn->lock);
	return ret;
}

static int pmtufix_nl_act_del(struct pmtufix_table *t, struct genl_info *info,
			      void *arg)
{
	if (t->rules) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PMTUFIX_A_TABLE],
				    "iptables rules use the table");
		return -EBUSY;
	}
	pmtufix_table_unlink(t);
	return 0;
}

static int pmtufix_nl_table_del(struct sk_buff *skb, struct genl_info *info)
{
	return pmtufix_nl_do_table(info, pmtufix_nl_act_del, NULL);
}

static int pmtufix_nl_act_set(struct pmtufix_table *t, struct genl_info *info,
			      void *arg)
{
	struct pmtufix_defaults def = pmtufix_table_snapshot(t)->def;

	pmtufix_nl_defaults(info->attrs, &def);
	return pmtufix_table_update(t, NULL, NULL, &def, 0, info->extack);
}

static int pmtufix_nl_table_set(struct sk_buff *skb, struct genl_info *info)
{
	return pmtufix_nl_do_table(info, pmtufix_nl_act_set, NULL);
}

static int pmtufix_nl_act_get(struct pmtufix_table *t, struct genl_info *info,
			      void *msg)
{
	return pmtufix_nl_put_table(msg, info, NULL, t);
}

static int pmtufix_nl_table_get(struct sk_buff *skb, struct genl_info *info)
{
	return pmtufix_nl_reply_table(info, NLMSG_GOODSIZE, pmtufix_nl_act_get);
}

/* Dumps of every table: cb->args[0] is the position to resume at. */
static int pmtufix_nl_tables_dump(struct sk_buff *skb,
				  struct netlink_callback *cb, bool stats)
{
	struct pmtufix_net *pn = pmtufix_pernet(sock_net(skb->sk));
	struct pmtufix_table *t;
	long i = 0;
	int ret = 0;

	mutex_lock(&pn->lock);
	cb->seq = pn->generation;
	list_for_each_entry(t, &pn->tables, list) {
		if (i++ < cb->args[0])
			continue;
		if (stats)
			ret = pmtufix_nl_put_stats(skb, NULL, cb, t, false);
		else
			ret = pmtufix_nl_put_table(skb, NULL, cb, t);
		if (ret) {
			i--;
			break;
		}
	}
	mutex_unlock(&pn->lock);
	if (ret && i == cb->args[0])
		return ret;	/* not even one fits */
	cb->args[0] = i;
	return skb->len;
}

static int pmtufix_nl_table_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return pmtufix_nl_tables_dump(skb, cb, false);
}

static int pmtufix_nl_act_add(struct pmtufix_table *t, struct genl_info *info,
			      void *b)
{
	unsigned int flags = 0;

	if (info->attrs[PMTUFIX_A_FLAGS] &&
	    nla_get_u32(info->attrs[PMTUFIX_A_FLAGS]) & PMTUFIX_F_REPLACE)
		flags |= PMTUFIX_UPDATE_REPLACE;
	return pmtufix_table_update(t, b, NULL, NULL, flags, info->extack);
}

static int pmtufix_nl_act_del_entries(struct pmtufix_table *t,
				      struct genl_info *info, void *b)
{
	return pmtufix_table_update(t, NULL, b, NULL, 0, info->extack);
}

/* ENTRY_ADD and ENTRY_DEL: parse the entries, then change the table. */
static int pmtufix_nl_entries(struct genl_info *info, bool add,
			      pmtufix_nl_act_t act)
{
	struct pmtufix_net *pn = pmtufix_nl_pernet(info);
	struct pmtufix_batch b;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_ENTRIES))
		return -EINVAL;
	pmtufix_batch_init(&b, pmtufix_entry_limit(pn));
	ret = pmtufix_nl_parse_entries(pn, info->attrs[PMTUFIX_A_ENTRIES],
				       add, &b, info->extack);
	if (!ret)
		ret = pmtufix_nl_do_table(info, act, &b);
	pmtufix_batch_free(&b);
	return ret;
}

static int pmtufix_nl_entry_add(struct sk_buff *skb, struct genl_info *info)
{
	return pmtufix_nl_entries(info, true, pmtufix_nl_act_add);
}

static int pmtufix_nl_entry_del(struct sk_buff *skb, struct genl_info *info)
{
	return pmtufix_nl_entries(info, false, pmtufix_nl_act_del_entries);
}

static void pmtufix_nl_load_drop(struct pmtufix_table *t)
{
	pmtufix_load_free(t->load);
	t->load = NULL;
}

/* BEGIN: a new load of @t for the requesting socket. */
static int pmtufix_nl_load_begin(struct pmtufix_table *t,
				 struct genl_info *info)
{
	if (t->load && t->load->portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "another load of this table is in progress");
		return -EBUSY;
	}
	pmtufix_nl_load_drop(t);
	t->load = kzalloc(sizeof(*t->load), GFP_KERNEL_ACCOUNT);
	if (!t->load)
		return -ENOMEM;
	t->load->portid = info->snd_portid;
	pmtufix_batch_init(&t->load->batch, pmtufix_entry_limit(t->pn));
	return 0;
}

static int pmtufix_nl_act_load(struct pmtufix_table *t, struct genl_info *info,
			       void *arg)
{
	u32 load = nla_get_u32(info->attrs[PMTUFIX_A_LOAD]);
	struct pmtufix_defaults def;
	int ret = 0;

	if (!(load & PMTUFIX_LOAD_COMMIT) &&
	    pmtufix_nl_defaults(info->attrs, &def)) {
		NL_SET_ERR_MSG(info->extack,
			       "settings of a load go with its COMMIT");
		return -EINVAL;
	}
	if (load & PMTUFIX_LOAD_BEGIN) {
		ret = pmtufix_nl_load_begin(t, info);
		if (ret)
			return ret;
	} else if (!t->load || t->load->portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack,
			       "no load of this table in progress on this socket");
		return -EINVAL;
	}

	if (info->attrs[PMTUFIX_A_ENTRIES]) {
		ret = pmtufix_nl_parse_entries(t->pn,
					       info->attrs[PMTUFIX_A_ENTRIES],
					       true, &t->load->batch,
					       info->extack);
		if (ret) {
			pmtufix_nl_load_drop(t);
			return ret;
		}
	}
	if (load & PMTUFIX_LOAD_COMMIT) {
		/* Settings come with the swap: one step for both. */
		def = pmtufix_table_snapshot(t)->def;
		pmtufix_nl_defaults(info->attrs, &def);
		ret = pmtufix_table_update(t, &t->load->batch, NULL, &def,
					   PMTUFIX_UPDATE_ALL, info->extack);
		pmtufix_nl_load_drop(t);
	}
	return ret;
}

static int pmtufix_nl_table_load(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_LOAD))
		return -EINVAL;
	return pmtufix_nl_do_table(info, pmtufix_nl_act_load, NULL);
}

/*
 * Entry dumps: cb->args[0] is the family being dumped (0 for IPv4, 1 for
 * IPv6), cb->args[1] and cb->args[2] the position in its base and delta.
 * Each message holds as many entries as fit.
 */
static int pmtufix_nl_entry_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct pmtufix_net *pn = pmtufix_pernet(sock_net(skb->sk));
	struct nlattr *attrs[PMTUFIX_A_MAX + 1];
	const struct pmtufix_snapshot *d;
	struct pmtufix_table *t;
	struct pmtufix_view v;
	struct pmtufix_pos pos;
	struct nlattr *entries;
	unsigned int family;
	u32 put = 0;
	void *hdr;
	int ret = 0;

	if (cb->args[0] > 1)
		return 0;
	ret = pmtufix_nl_dump_attrs(cb, attrs);
	if (ret)
		return ret;
	mutex_lock(&pn->lock);
	t = pmtufix_nl_table(pn, attrs, cb->extack);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto out;
	}
	d = pmtufix_table_snapshot(t);
	cb->seq = t->generation;

	hdr = pmtufix_nl_put_hdr(skb, NULL, cb, PMTUFIX_CMD_ENTRY_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out;
	}
	if (nla_put_string(skb, PMTUFIX_A_TABLE, t->name) ||
	    nla_put_u32(skb, PMTUFIX_A_GENERATION, t->generation))
		goto full;
	entries = nla_nest_start(skb, PMTUFIX_A_ENTRIES);
	if (!entries)
		goto full;
	while (cb->args[0] <= 1) {
		family = cb->args[0] ? PMTUFIX_IPV6 : PMTUFIX_IPV4;
		pos.bi = cb->args[1];
		pos.di = cb->args[2];
		while (pmtufix_snapshot_at(d, family, &pos, &v) &&
		       !pmtufix_nl_put_entry(skb, PMTUFIX_A_ENTRY, d, &v)) {
			pmtufix_snapshot_step(&pos, &v);
			put++;
		}
		cb->args[1] = pos.bi;
		cb->args[2] = pos.di;
		if (pmtufix_snapshot_at(d, family, &pos, &v))
			break;
		cb->args[0]++;
		cb->args[1] = 0;
		cb->args[2] = 0;
	}
	if (!put && cb->args[0] <= 1)
		goto full;
	nla_nest_end(skb, entries);
	genlmsg_end(skb, hdr);
	mutex_unlock(&pn->lock);
	return skb->len;

full:
	genlmsg_cancel(skb, hdr);
	ret = -EMSGSIZE;
out:
	mutex_unlock(&pn->lock);
	return ret;
}

static int pmtufix_nl_act_lookup(struct pmtufix_table *t,
				 struct genl_info *info, void *msg)
{
	const struct pmtufix_snapshot *d = pmtufix_table_snapshot(t);
	struct nlattr *addr = info->attrs[PMTUFIX_A_ADDR];
	struct pmtufix_view v;
	unsigned int family;
	void *hdr;
	u32 ref;

	family = nla_len(addr) == 4 ? PMTUFIX_IPV4 : PMTUFIX_IPV6;
	ref = family == PMTUFIX_IPV4 ? pmtufix_lookup4(d, nla_data(addr)) :
				       pmtufix_lookup6(d, nla_data(addr));
	if (ref != PMTUFIX_LPM_NONE)
		pmtufix_snapshot_view(d, family, ref, &v);
	hdr = pmtufix_nl_put_hdr(msg, info, NULL, PMTUFIX_CMD_LOOKUP);
	if (!hdr ||
	    nla_put_string(msg, PMTUFIX_A_TABLE, t->name) ||
	    nla_put(msg, PMTUFIX_A_ADDR, nla_len(addr), nla_data(addr)) ||
	    (ref != PMTUFIX_LPM_NONE &&
	     pmtufix_nl_put_entry(msg, PMTUFIX_A_ENTRY, d, &v)))
		return -EMSGSIZE;
	genlmsg_end(msg, hdr);
	return 0;
}

static int pmtufix_nl_lookup(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *addr = info->attrs[PMTUFIX_A_ADDR];

	if (GENL_REQ_ATTR_CHECK(info, PMTUFIX_A_ADDR))
		return -EINVAL;
	if (nla_len(addr) != 4 && nla_len(addr) != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "an address is 4 or 16 bytes");
		return -EINVAL;
	}
	return pmtufix_nl_reply_table(info, NLMSG_GOODSIZE,
				      pmtufix_nl_act_lookup);
}

static bool pmtufix_nl_percpu(struct nlattr **attrs)
{
	return attrs[PMTUFIX_A_FLAGS] &&
	       nla_get_u32(attrs[PMTUFIX_A_FLAGS]) & PMTUFIX_F_PERCPU;
}

static int pmtufix_nl_act_stats(struct pmtufix_table *t,
				struct genl_info *info, void *msg)
{
	return pmtufix_nl_put_stats(msg, info, NULL, t,
				    pmtufix_nl_percpu(info->attrs));
}

static int pmtufix_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	size_t size = NLMSG_GOODSIZE;

	if (pmtufix_nl_percpu(info->attrs))
		size += num_possible_cpus() *
			nla_total_size(PMTUFIX_C_MAX * nla_total_size_64bit(8) +
				       nla_total_size(4)) +
			DIV_ROUND_UP(num_possible_cpus(),
				     PMTUFIX_CPUS_PER_NEST) * nla_total_size(0);
	return pmtufix_nl_reply_table(info, size, pmtufix_nl_act_stats);
}

static int pmtufix_nl_stats_dump(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct nlattr *attrs[PMTUFIX_A_MAX + 1];
	int ret;

	ret = pmtufix_nl_dump_attrs(cb, attrs);
	if (ret)
		return ret;
	if (pmtufix_nl_percpu(attrs)) {
		NL_SET_ERR_MSG(cb->extack,
			       "per-CPU counters are read one table at a time");
		return -EINVAL;
	}
	return pmtufix_nl_tables_dump(skb, cb, true);
}

static int pmtufix_nl_act_reset(struct pmtufix_table *t,
				struct genl_info *info, void *arg)
{
	pmtufix_stats_reset(t);
	return 0;
}

static int pmtufix_nl_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct pmtufix_net *pn = pmtufix_nl_pernet(info);
	struct pmtufix_table *t;

	if (info->attrs[PMTUFIX_A_TABLE])
		return pmtufix_nl_do_table(info, pmtufix_nl_act_reset, NULL);
	mutex_lock(&pn->lock);
	list_for_each_entry(t, &pn->tables, list)
		pmtufix_stats_reset(t);
	mutex_unlock(&pn->lock);
	return 0;
}

static const struct genl_small_ops pmtufix_genl_ops[] = {
	{
		.cmd = PMTUFIX_CMD_TABLE_NEW,
		.doit = pmtufix_nl_table_new,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_TABLE_DEL,
		.doit = pmtufix_nl_table_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_TABLE_SET,
		.doit = pmtufix_nl_table_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_TABLE_GET,
		.doit = pmtufix_nl_table_get,
		.dumpit = pmtufix_nl_table_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_ENTRY_ADD,
		.doit = pmtufix_nl_entry_add,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_ENTRY_DEL,
		.doit = pmtufix_nl_entry_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_ENTRY_GET,
		.dumpit = pmtufix_nl_entry_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_TABLE_LOAD,
		.doit = pmtufix_nl_table_load,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_LOOKUP,
		.doit = pmtufix_nl_lookup,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_STATS_GET,
		.doit = pmtufix_nl_stats_get,
		.dumpit = pmtufix_nl_stats_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = PMTUFIX_CMD_STATS_RESET,
		.doit = pmtufix_nl_stats_reset,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family pmtufix_genl_family __ro_after_init = {
	.name = PMTUFIX_GENL_NAME,
	.version = PMTUFIX_GENL_VERSION,
	.maxattr = PMTUFIX_A_MAX,
	.policy = pmtufix_policy,
	.netnsok = true,
	/* Commands serialise on their namespace's lock, not genl_mutex. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = pmtufix_genl_ops,
	.n_small_ops = ARRAY_SIZE(pmtufix_genl_ops),
};

/* A load belongs to its socket: drop it when the socket goes. */
static int pmtufix_nl_notify(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;
	struct pmtufix_table *t;
	struct pmtufix_net *pn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	pn = pmtufix_pernet(n->net);
	mutex_lock(&pn->lock);
	list_for_each_entry(t, &pn->tables, list)
		if (t->load && t->load->portid == n->portid)
			pmtufix_nl_load_drop(t);
	mutex_unlock(&pn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block pmtufix_nl_notifier = {
	.notifier_call = pmtufix_nl_notify,
};

int __init pmtufix_genl_init(void)
{
	int ret;

	BUILD_BUG_ON(PMTUFIX_C_MAX != PMTUFIX_STATS_COUNT);

	ret = netlink_register_notifier(&pmtufix_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&pmtufix_genl_family);
	if (ret)
		netlink_unregister_notifier(&pmtufix_nl_notifier);
	return ret;
}

void pmtufix_genl_uninit(void)
{
	genl_unregister_family(&pmtufix_genl_family);
	netlink_unregister_notifier(&pmtufix_nl_notifier);
}

MODULE_ALIAS_GENL_FAMILY(PMTUFIX_GENL_NAME);

// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix derive: netlink attributes, addresses and paths, as
 * derive_sys.c and derive_xfrm.c read them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "derive_sys.h"

int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type < TB_MAX)
		t->a[type] = attr;
	return MNL_CB_OK;
}

void tb_msg(struct tb *t, const struct nlmsghdr *nlh, size_t off)
{
	memset(t, 0, sizeof(*t));
	mnl_attr_parse(nlh, off, tb_cb, t);
}

void tb_nest(struct tb *t, const struct nlattr *nest)
{
	memset(t, 0, sizeof(*t));
	if (nest)
		mnl_attr_parse_nested(nest, tb_cb, t);
}

/* Attribute @i's payload when it has at least @len bytes, else NULL. */
const void *tb_get(const struct tb *t, unsigned int i, size_t len)
{
	if (i >= TB_MAX || !t->a[i] || mnl_attr_get_payload_len(t->a[i]) < len)
		return NULL;
	return mnl_attr_get_payload(t->a[i]);
}

int tb_u32(const struct tb *t, unsigned int i, u32 *v)
{
	const void *p = tb_get(t, i, 4);

	if (p)
		memcpy(v, p, 4);
	return p ? 0 : -1;
}

int tb_u16(const struct tb *t, unsigned int i, u16 *v)
{
	const void *p = tb_get(t, i, 2);

	if (p)
		memcpy(v, p, 2);
	return p ? 0 : -1;
}

int tb_u8(const struct tb *t, unsigned int i, u8 *v)
{
	const u8 *p = tb_get(t, i, 1);

	if (p)
		*v = *p;
	return p ? 0 : -1;
}

/* An address of @family (PMTUFIX_IPV4/6) into @a, zero-padded. */
int tb_addr(const struct tb *t, unsigned int i, unsigned int family,
		   u8 a[16])
{
	size_t len = family == PMTUFIX_IPV6 ? 16 : 4;
	const void *p = tb_get(t, i, len);

	memset(a, 0, 16);
	if (p)
		memcpy(a, p, len);
	return p ? 0 : -1;
}

unsigned int dv_family(int af)
{
	return af == AF_INET6 ? PMTUFIX_IPV6 : af == AF_INET ? PMTUFIX_IPV4 : 0;
}

int dv_af(unsigned int family)
{
	return family == PMTUFIX_IPV6 ? AF_INET6 : AF_INET;
}

int dv_addr_zero(const u8 a[16])
{
	static const u8 zero[16];

	return !memcmp(a, zero, 16);
}

void dv_addr_str(unsigned int family, const u8 a[16], char *buf,
		 size_t size)
{
	if (!inet_ntop(dv_af(family), a, buf, size))
		snprintf(buf, size, "?");
}

/* Whether @a is in @p/@plen, both of @family. */
int dv_in_prefix(unsigned int family, const u8 a[16], const u8 p[16],
		 unsigned int plen)
{
	unsigned int bits = family == PMTUFIX_IPV6 ? 128 : 32, i;

	if (plen > bits)
		return 0;
	for (i = 0; i < plen / 8; i++)
		if (a[i] != p[i])
			return 0;
	if (plen % 8) {
		u8 mask = (u8)(0xff << (8 - plen % 8));

		if ((a[i] ^ p[i]) & mask)
			return 0;
	}
	return 1;
}

void dv_path_addf(struct path *p, const char *fmt, ...)
{
	size_t len = strlen(p->desc);
	va_list ap;

	if (len >= sizeof(p->desc) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(p->desc + len, sizeof(p->desc) - len, fmt, ap);
	va_end(ap);
}

u32 dv_path_mtu(const struct path *p, unsigned int family)
{
	return pmtufix_stack_mtu(p->l, p->n, family, p->base);
}

/* Appends @l to the inside of @p; -1 with @why when it is too deep. */
int dv_path_push(struct path *p, const struct pmtufix_layer *l,
		 char *why, size_t wlen)
{
	if (p->n >= PMTUFIX_MAX_LAYERS) {
		snprintf(why, wlen, "more than %d layers", PMTUFIX_MAX_LAYERS);
		return -1;
	}
	p->l[p->n++] = *l;
	return 0;
}

int dv_dump(struct pmtufix_nl *h, u16 type, int family, size_t hdrlen,
	    mnl_cb_t cb, void *data)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++h->seq;
	if (hdrlen) {
		g = mnl_nlmsg_put_extra_header(nlh, hdrlen);
		g->rtgen_family = family;
	}
	return pmtufix_nl_talk(h, nlh, cb, data);
}

void dv_perror(const struct pmtufix_nl *h, const char *what, int err)
{
	char action[80];

	if (err == -EPERM && !h->error[0]) {
		fprintf(stderr,
			"pmtufix derive: %s: %s (reading them needs CAP_NET_ADMIN in the network namespace: run as root)\n",
			what, strerror(-err));
		return;
	}
	snprintf(action, sizeof(action), "derive: %s", what);
	pmtufix_nl_perror(h, action, err);
}

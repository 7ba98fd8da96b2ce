// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix derive: the outbound xfrm policies and the ESP states, read over
 * NETLINK_XFRM, and the ESP layer each state is.  An algorithm, a mode or
 * an encapsulation pmtufix does not model leaves the state's reason in
 * why[], which makes every path through it a note and no entry.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/udp.h>

#include "array.h"
#include "derive_sys.h"

static int policy_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_userpolicy_info *pi = mnl_nlmsg_get_payload(nlh);
	const struct xfrm_userpolicy_type *pt;
	struct sys *s = data;
	struct policy *v, *p;
	u32 if_id = 0;
	struct tb t;
	size_t len;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*pi))
		return MNL_CB_OK;
	if (pi->dir != XFRM_POLICY_OUT)
		return MNL_CB_OK;
	v = array_grow(s->pols, &s->cappols, s->npols, sizeof(*v), 16);
	if (!v)
		return MNL_CB_ERROR;
	s->pols = v;
	p = &v[s->npols++];
	memset(p, 0, sizeof(*p));
	p->info = *pi;
	tb_msg(&t, nlh, sizeof(*pi));
	if (t.a[XFRMA_TMPL]) {
		len = mnl_attr_get_payload_len(t.a[XFRMA_TMPL]);
		p->ntmpl = len / sizeof(struct xfrm_user_tmpl);
		if (p->ntmpl > 4)
			p->ntmpl = 4;
		memcpy(p->tmpl, mnl_attr_get_payload(t.a[XFRMA_TMPL]),
		       p->ntmpl * sizeof(struct xfrm_user_tmpl));
	}
	/*
	 * Sub policies (Mobile IPv6), those of xfrm interfaces and those for
	 * marked packets: none decides for a prefix alone.
	 */
	pt = tb_get(&t, XFRMA_POLICY_TYPE, sizeof(*pt));
	if ((pt && pt->type != XFRM_POLICY_TYPE_MAIN) ||
	    (!tb_u32(&t, XFRMA_IF_ID, &if_id) && if_id) ||
	    t.a[XFRMA_MARK])
		p->other = 1;
	return MNL_CB_OK;
}

struct alg {
	const char *name;
	u8 id;
};

static const struct alg aeads[] = {
	{ "rfc4106(gcm(aes))", PMTUFIX_ESP_AES_GCM },
	{ "rfc4309(ccm(aes))", PMTUFIX_ESP_AES_CCM },
	{ "rfc7539esp(chacha20,poly1305)", PMTUFIX_ESP_CHACHA20_POLY1305 },
	{ "rfc4543(gcm(aes))", PMTUFIX_ESP_AES_GMAC },
}, ciphers[] = {
	{ "cbc(aes)", PMTUFIX_ESP_AES_CBC },
	{ "rfc3686(ctr(aes))", PMTUFIX_ESP_AES_CTR },
	{ "cbc(des3_ede)", PMTUFIX_ESP_3DES_CBC },
	{ "ecb(cipher_null)", PMTUFIX_ESP_NULL },
}, integs[] = {
	{ "hmac(md5)", PMTUFIX_ESP_HMAC_MD5 },
	{ "hmac(sha1)", PMTUFIX_ESP_HMAC_SHA1 },
	{ "hmac(sha256)", PMTUFIX_ESP_HMAC_SHA256 },
	{ "hmac(sha384)", PMTUFIX_ESP_HMAC_SHA384 },
	{ "hmac(sha512)", PMTUFIX_ESP_HMAC_SHA512 },
	{ "xcbc(aes)", PMTUFIX_ESP_AES_XCBC },
	{ "cmac(aes)", PMTUFIX_ESP_AES_CMAC },
};

/* The pmtufix id of the kernel's algorithm @name in @v, into *@id. */
static int alg_lookup(const struct alg *v, size_t n, const char *name, u8 *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, v[i].name)) {
			*id = v[i].id;
			return 1;
		}
	return 0;
}

#define ALG_LOOKUP(v, name, id) alg_lookup(v, sizeof(v) / sizeof(v[0]), name, id)

/* The algorithm name of an xfrm_algo* payload, NUL-terminated. */
static const char *alg_name(const struct nlattr *a, size_t min, char *buf)
{
	if (!a || mnl_attr_get_payload_len(a) < min)
		return NULL;
	memcpy(buf, mnl_attr_get_payload(a), 64);
	buf[63] = '\0';
	return buf;
}

static void state_algs(struct state *x, const struct tb *t)
{
	char name[64], iname[64];
	const struct xfrm_algo_aead *aead;
	const struct xfrm_algo_auth *auth;
	const char *n;
	u16 bits = 0;
	u32 tfc = 0;

	x->esp.type = PMTUFIX_LAYER_ESP;
	n = alg_name(t->a[XFRMA_ALG_AEAD], sizeof(*aead), name);
	if (n) {
		aead = mnl_attr_get_payload(t->a[XFRMA_ALG_AEAD]);
		bits = aead->alg_icv_len;
		snprintf(x->alg, sizeof(x->alg), "aead %s icv %u", n, bits);
		if (!ALG_LOOKUP(aeads, n, &x->esp.esp_cipher))
			snprintf(x->why, sizeof(x->why),
				 "AEAD algorithm %s, which pmtufix does not model", n);
	} else if ((n = alg_name(t->a[XFRMA_ALG_CRYPT], sizeof(struct xfrm_algo),
				 name))) {
		snprintf(x->alg, sizeof(x->alg), "enc %s", n);
		if (!ALG_LOOKUP(ciphers, n, &x->esp.esp_cipher))
			snprintf(x->why, sizeof(x->why),
				 "cipher %s, which pmtufix does not model", n);
		n = alg_name(t->a[XFRMA_ALG_AUTH_TRUNC], sizeof(*auth), iname);
		if (!n) {
			snprintf(x->why, sizeof(x->why),
				 "ESP without integrity, which pmtufix does not model");
		} else {
			auth = mnl_attr_get_payload(t->a[XFRMA_ALG_AUTH_TRUNC]);
			bits = auth->alg_trunc_len;
			snprintf(x->alg + strlen(x->alg),
				 sizeof(x->alg) - strlen(x->alg),
				 " auth %s icv %u", n, bits);
			if (!x->why[0] && !ALG_LOOKUP(integs, n, &x->esp.esp_integ))
				snprintf(x->why, sizeof(x->why),
					 "integrity algorithm %s, which pmtufix does not model",
					 n);
		}
	} else {
		snprintf(x->why, sizeof(x->why), "no cipher the kernel reports");
	}
	if (!tb_u32(t, XFRMA_TFCPAD, &tfc) && tfc && !x->why[0])
		snprintf(x->why, sizeof(x->why),
			 "traffic flow confidentiality padding (tfcpad %u)", tfc);
	x->esp.esp_icv = bits;
	if (t->a[XFRMA_ALG_COMP] && !x->why[0])
		snprintf(x->why, sizeof(x->why), "IP compression");
}

static int state_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct xfrm_usersa_info *si = mnl_nlmsg_get_payload(nlh);
	const struct xfrm_encap_tmpl *en;
	struct sys *s = data;
	struct state *v, *x;
	struct tb t;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*si))
		return MNL_CB_OK;
	if (si->id.proto != IPPROTO_ESP)
		return MNL_CB_OK;
	v = array_grow(s->sas, &s->capsas, s->nsas, sizeof(*v), 16);
	if (!v)
		return MNL_CB_ERROR;
	s->sas = v;
	x = &v[s->nsas++];
	memset(x, 0, sizeof(*x));
	x->info = *si;
	tb_msg(&t, nlh, sizeof(*si));
	state_algs(x, &t);
	en = tb_get(&t, XFRMA_ENCAP, sizeof(*en));
	if (en && en->encap_type == UDP_ENCAP_ESPINUDP)
		x->natt = 1;
	else if (en && !x->why[0])
		snprintf(x->why, sizeof(x->why),
			 "ESP encapsulation of type %u, which pmtufix does not model",
			 en->encap_type);
	switch (si->mode) {
	case XFRM_MODE_TRANSPORT:
		x->esp.esp_mode = PMTUFIX_ESP_TRANSPORT;
		break;
	case XFRM_MODE_TUNNEL:
		x->esp.esp_mode = si->family == AF_INET6 ? PMTUFIX_ESP_TUNNEL6 :
			PMTUFIX_ESP_TUNNEL;
		break;
	default:
		if (!x->why[0])
			snprintf(x->why, sizeof(x->why),
				 "xfrm mode %u, which pmtufix does not model",
				 si->mode);
	}
	if (x->natt)
		x->esp.flags |= PMTUFIX_LAYER_F_NATT;
	return MNL_CB_OK;
}

/*
 * The outbound policy that decides a packet of @family to @dst (from
 * @src when known) of @proto (0: any, a prefix's TCP): the matching one of
 * lowest priority value.  With @plen, every address of @dst/@plen must
 * match, or the policy is not taken.  NULL when none matches.
 */
const struct policy *dv_policy_find(const struct sys *s,
				    unsigned int family, const u8 *dst,
				    unsigned int plen, const u8 *src,
				    u8 proto, char *why, size_t wlen)
{
	const struct policy *best = NULL, *p;
	const struct xfrm_selector *sel;
	u8 d[16], a[16];
	size_t i;

	for (i = 0; i < s->npols; i++) {
		p = &s->pols[i];
		sel = &p->info.sel;
		if (dv_family(sel->family) != family || p->other || sel->ifindex)
			continue;
		memcpy(d, &sel->daddr, 16);
		memcpy(a, dst, 16);
		if (sel->prefixlen_d > plen || !dv_in_prefix(family, a, d, sel->prefixlen_d))
			continue;
		if (src && sel->prefixlen_s) {
			memcpy(d, &sel->saddr, 16);
			memcpy(a, src, 16);
			if (!dv_in_prefix(family, a, d, sel->prefixlen_s))
				continue;
		}
		if (sel->proto && sel->proto != (proto ? proto : IPPROTO_TCP))
			continue;
		if (sel->dport_mask || sel->sport_mask) {
			if (why)
				snprintf(why, wlen,
					 "xfrm policy %u selects by port, which a table entry cannot",
					 p->info.index);
			return NULL;
		}
		if (!best || p->info.priority < best->info.priority)
			best = p;
	}
	return best;
}

int dv_read_xfrm(struct sys *s)
{
	struct pmtufix_nl x;
	int ret;

	if (pmtufix_nl_socket(&x, NETLINK_XFRM, "derive"))
		return -1;
	ret = dv_dump(&x, XFRM_MSG_GETPOLICY, 0, 0, policy_cb, s);
	if (!ret)
		ret = dv_dump(&x, XFRM_MSG_GETSA, 0, 0, state_cb, s);
	if (ret)
		dv_perror(&x, "xfrm policies and states", ret);
	pmtufix_nl_close(&x);
	return ret ? -1 : 0;
}

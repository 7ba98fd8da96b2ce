// SPDX-License-Identifier: GPL-2.0
/*
 * Encapsulation overhead, one layer at a time (see layers.h).
 *
 * The byte counts are those the kernel's drivers put on the wire and take
 * off the lower device's MTU when they size their own:
 *
 *   ipip, sit, gre, gretap   ip_tunnel_bind_dev(), ipip6_tunnel_bind_dev():
 *                            20 + gre_calc_hlen() (+ 14 for gretap)
 *   ip6ip6, ipip6            ip6_tnl_link_config(): 40, + 8 for the
 *                            encapsulation limit option unless disabled
 *   ip6gre, ip6gretap        ip6gre_tnl_link_config_route(): likewise
 *   vxlan                    vxlan_headroom(): IP + UDP 8 + VXLAN 8 + 14
 *   geneve                   GENEVE_IPV4_HLEN/GENEVE_IPV6_HLEN + options
 *   wireguard                IP + UDP 8 + message_data 16 + tag 16; the
 *                            padding never goes past the device MTU
 *   fou, gue                 fou_encap_hlen(), gue_encap_hlen()
 *   pppoe                    6 + 2 (PPP protocol); mpls 4 per label
 *   esp                      xfrm_state_mtu(), esp_init_state()
 *
 * The kernel raises some tunnel devices to a floor (68, or 1280 for IPv6
 * tunnels) and then fragments the outer packet; a clamp needs the size
 * that fits without that, so no floor is applied here.
 */
#include "layers.h"
#include "limits.h"

#define HDR_IPV4	20
#define HDR_IPV6	40
#define HDR_UDP		8
#define HDR_ETH		14
#define HDR_GRE		4	/* flags and protocol; key, seq, csum add 4 each */
#define HDR_GRE_OPT	4
#define HDR_ENCAPLIMIT	8	/* IPv6 destination options with the limit */
#define HDR_VXLAN	8
#define HDR_GENEVE	8	/* without options */
#define HDR_WIREGUARD	32	/* message_data 16, Poly1305 tag 16 */
#define HDR_PPPOE	8
#define HDR_MPLS	4	/* per label */
#define HDR_GUE		4
#define HDR_ESP		8	/* SPI and sequence number */


/*
 * What a layer type accepts: its flags and the range of its count (a count
 * of 0 only when count_max is 0), with the messages for each mistake.
 */
struct layer_desc {
	u32 flags;
	u16 count_min;
	u16 count_max;
	u16 count_step;
	const char *bad_flags;
	const char *bad_count;
	const char *bad_esp;
};

#define GRE_FLAGS (PMTUFIX_LAYER_F_GRE_KEY | PMTUFIX_LAYER_F_GRE_SEQ | \
		   PMTUFIX_LAYER_F_GRE_CSUM)

#define LAYER(type, name, fl)						\
	[PMTUFIX_LAYER_##type] = {					\
		.flags = (fl),						\
		.bad_flags = name ": option not valid for this layer",	\
		.bad_count = name ": takes no count",			\
		.bad_esp = name ": esp fields set on a layer that is not esp", \
	}

#define LAYER_COUNT(type, name, fl, min, max, step, msg)		\
	[PMTUFIX_LAYER_##type] = {					\
		.flags = (fl),						\
		.count_min = (min),					\
		.count_max = (max),					\
		.count_step = (step),					\
		.bad_flags = name ": option not valid for this layer",	\
		.bad_count = name ": " msg,				\
		.bad_esp = name ": esp fields set on a layer that is not esp", \
	}

static const struct layer_desc layer_descs[__PMTUFIX_LAYER_MAX] = {
	LAYER_COUNT(RAW, "raw", 0, 1, PMTUFIX_RAW_MAX, 1,
		    "byte count must be 1 to 1024"),
	LAYER(IPIP, "ipip", 0),
	LAYER(SIT, "sit", 0),
	LAYER(IP6IP6, "ip6ip6", PMTUFIX_LAYER_F_NO_ENCAPLIMIT),
	LAYER(IPIP6, "ipip6", PMTUFIX_LAYER_F_NO_ENCAPLIMIT),
	LAYER(GRE, "gre", GRE_FLAGS),
	LAYER(GRETAP, "gretap", GRE_FLAGS),
	LAYER(IP6GRE, "ip6gre", GRE_FLAGS | PMTUFIX_LAYER_F_NO_ENCAPLIMIT),
	LAYER(IP6GRETAP, "ip6gretap",
	      GRE_FLAGS | PMTUFIX_LAYER_F_NO_ENCAPLIMIT),
	LAYER(VXLAN, "vxlan", PMTUFIX_LAYER_F_UNDERLAY6),
	LAYER_COUNT(GENEVE, "geneve", PMTUFIX_LAYER_F_UNDERLAY6, 0,
		    PMTUFIX_GENEVE_OPT_MAX, 4,
		    "option bytes must be a multiple of 4, at most 252"),
	LAYER(WIREGUARD, "wireguard", PMTUFIX_LAYER_F_UNDERLAY6),
	LAYER(PPPOE, "pppoe", 0),
	LAYER_COUNT(MPLS, "mpls", 0, 1, PMTUFIX_MPLS_MAX, 1,
		    "label count must be 1 to 8"),
	LAYER(FOU, "fou", 0),
	LAYER(GUE, "gue", 0),
	LAYER(ESP, "esp", PMTUFIX_LAYER_F_NATT),
};

/*
 * ICV lengths in bits an algorithm allows: min, min + step, ... max; and
 * the one it has when none is given.
 */
struct esp_icv {
	u16 min;
	u16 max;
	u16 step;
	u16 def;
	const char *bad;
};

/*
 * block: crypto_aead_blocksize(), iv: crypto_aead_ivsize() of the
 * transform the kernel builds (authenc() takes them from the cipher).
 */
struct esp_cipher {
	u8 block;
	u8 iv;
	bool aead;
	const char *integ_msg;	/* integrity missing, or given with AEAD */
	struct esp_icv icv;	/* AEAD only */
};

#define AEAD(type, name, bl, ivl, lo, hi, st, msg)			\
	[PMTUFIX_ESP_##type] = {					\
		.block = (bl), .iv = (ivl), .aead = true,		\
		.integ_msg = "esp: cipher " name " is AEAD and takes no integrity algorithm", \
		.icv = { (lo), (hi), (st), (hi),			\
			 "esp: icv of " name " must be " msg },		\
	}

#define CIPHER(type, name, bl, ivl)					\
	[PMTUFIX_ESP_##type] = {					\
		.block = (bl), .iv = (ivl),				\
		.integ_msg = "esp: cipher " name " needs an integrity algorithm", \
	}

static const struct esp_cipher esp_ciphers[__PMTUFIX_ESP_CIPHER_MAX] = {
	AEAD(AES_GCM, "aes-gcm", 1, 8, 64, 128, 32, "64, 96 or 128 bits"),
	AEAD(AES_CCM, "aes-ccm", 1, 8, 64, 128, 32, "64, 96 or 128 bits"),
	AEAD(CHACHA20_POLY1305, "chacha20-poly1305", 1, 8, 128, 128, 32,
	     "128 bits"),
	AEAD(AES_GMAC, "aes-gmac", 1, 8, 128, 128, 32, "128 bits"),
	CIPHER(AES_CBC, "aes-cbc", 16, 16),
	CIPHER(AES_CTR, "aes-ctr", 1, 8),
	CIPHER(3DES_CBC, "3des-cbc", 8, 8),
	CIPHER(NULL, "null", 1, 0),
};

/*
 * Integrity algorithms: the kernel accepts any truncation up to the full
 * digest; below 96 bits nobody deploys them.  The defaults are RFC 2404,
 * RFC 4868, RFC 3566 and RFC 4494, as IKE daemons configure them.
 */
#define INTEG(type, name, def, full)					\
	[PMTUFIX_ESP_##type] = {					\
		96, (full), 8, (def),					\
		"esp: icv of " name " must be a multiple of 8 from 96 to " #full " bits", \
	}

static const struct esp_icv esp_integs[__PMTUFIX_ESP_INTEG_MAX] = {
	INTEG(HMAC_MD5, "hmac-md5", 96, 128),
	INTEG(HMAC_SHA1, "hmac-sha1", 96, 160),
	INTEG(HMAC_SHA256, "hmac-sha256", 128, 256),
	INTEG(HMAC_SHA384, "hmac-sha384", 192, 384),
	INTEG(HMAC_SHA512, "hmac-sha512", 256, 512),
	INTEG(AES_XCBC, "aes-xcbc", 96, 128),
	INTEG(AES_CMAC, "aes-cmac", 96, 128),
};

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

static const struct esp_icv *esp_icv_of(const struct pmtufix_layer *l)
{
	const struct esp_cipher *c = &esp_ciphers[l->esp_cipher];

	return c->aead ? &c->icv : &esp_integs[l->esp_integ];
}

u16 pmtufix_esp_default_icv(const struct pmtufix_layer *l)
{
	return esp_icv_of(l)->def;
}

static int esp_check(const struct pmtufix_layer *l, const char **why)
{
	const struct esp_cipher *c;
	const struct esp_icv *icv;

	if (l->esp_mode < PMTUFIX_ESP_TRANSPORT ||
	    l->esp_mode >= __PMTUFIX_ESP_MODE_MAX)
		return fail(why, "esp: mode must be transport, tunnel or tunnel6");
	if (!l->esp_cipher || l->esp_cipher >= __PMTUFIX_ESP_CIPHER_MAX)
		return fail(why, "esp: unknown cipher");
	if (l->esp_integ >= __PMTUFIX_ESP_INTEG_MAX)
		return fail(why, "esp: unknown integrity algorithm");
	c = &esp_ciphers[l->esp_cipher];
	if (c->aead != (l->esp_integ == PMTUFIX_ESP_INTEG_NONE))
		return fail(why, c->integ_msg);
	if (!l->esp_icv)
		return 0;
	icv = esp_icv_of(l);
	if (l->esp_icv < icv->min || l->esp_icv > icv->max ||
	    (l->esp_icv - icv->min) % icv->step)
		return fail(why, icv->bad);
	return 0;
}

static int count_check(const struct pmtufix_layer *l,
		       const struct layer_desc *d, const char **why)
{
	if (!d->count_max)
		return l->count ? fail(why, d->bad_count) : 0;
	if (l->count < d->count_min || l->count > d->count_max ||
	    l->count % d->count_step)
		return fail(why, d->bad_count);
	return 0;
}

int pmtufix_layer_check(const struct pmtufix_layer *l, const char **why)
{
	const struct layer_desc *d;

	if (l->type <= PMTUFIX_LAYER_UNSPEC || l->type >= __PMTUFIX_LAYER_MAX)
		return fail(why, "unknown layer type");
	d = &layer_descs[l->type];
	if (l->flags & ~d->flags)
		return fail(why, d->bad_flags);
	if (count_check(l, d, why))
		return -1;
	if (l->type == PMTUFIX_LAYER_ESP)
		return esp_check(l, why);
	if (l->esp_mode || l->esp_cipher || l->esp_integ || l->esp_icv)
		return fail(why, d->bad_esp);
	return 0;
}

static unsigned int underlay(const struct pmtufix_layer *l)
{
	return l->flags & PMTUFIX_LAYER_F_UNDERLAY6 ? PMTUFIX_IPV6 :
						      PMTUFIX_IPV4;
}

unsigned int pmtufix_layer_outer_family(const struct pmtufix_layer *l,
					unsigned int family)
{
	switch (l->type) {
	case PMTUFIX_LAYER_IPIP:
	case PMTUFIX_LAYER_SIT:
	case PMTUFIX_LAYER_GRE:
	case PMTUFIX_LAYER_GRETAP:
		return PMTUFIX_IPV4;
	case PMTUFIX_LAYER_IP6IP6:
	case PMTUFIX_LAYER_IPIP6:
	case PMTUFIX_LAYER_IP6GRE:
	case PMTUFIX_LAYER_IP6GRETAP:
		return PMTUFIX_IPV6;
	case PMTUFIX_LAYER_VXLAN:
	case PMTUFIX_LAYER_GENEVE:
	case PMTUFIX_LAYER_WIREGUARD:
		return underlay(l);
	case PMTUFIX_LAYER_ESP:
		if (l->esp_mode == PMTUFIX_ESP_TUNNEL)
			return PMTUFIX_IPV4;
		if (l->esp_mode == PMTUFIX_ESP_TUNNEL6)
			return PMTUFIX_IPV6;
		return family;
	default:
		/* raw, pppoe, mpls, fou, gue: no IP header of their own */
		return family;
	}
}

static u32 gre_overhead(const struct pmtufix_layer *l)
{
	u32 len = HDR_GRE;

	if (l->flags & PMTUFIX_LAYER_F_GRE_KEY)
		len += HDR_GRE_OPT;
	if (l->flags & PMTUFIX_LAYER_F_GRE_SEQ)
		len += HDR_GRE_OPT;
	if (l->flags & PMTUFIX_LAYER_F_GRE_CSUM)
		len += HDR_GRE_OPT;
	return len;
}

static u32 encaplimit(const struct pmtufix_layer *l)
{
	return l->flags & PMTUFIX_LAYER_F_NO_ENCAPLIMIT ? 0 : HDR_ENCAPLIMIT;
}

static u32 udp_underlay(const struct pmtufix_layer *l)
{
	return (underlay(l) == PMTUFIX_IPV6 ? HDR_IPV6 : HDR_IPV4) + HDR_UDP;
}

/* Bytes added by every layer but ESP. */
static u32 layer_overhead(const struct pmtufix_layer *l)
{
	switch (l->type) {
	case PMTUFIX_LAYER_RAW:
		return l->count;
	case PMTUFIX_LAYER_IPIP:
	case PMTUFIX_LAYER_SIT:
		return HDR_IPV4;
	case PMTUFIX_LAYER_IP6IP6:
	case PMTUFIX_LAYER_IPIP6:
		return HDR_IPV6 + encaplimit(l);
	case PMTUFIX_LAYER_GRE:
		return HDR_IPV4 + gre_overhead(l);
	case PMTUFIX_LAYER_GRETAP:
		return HDR_IPV4 + gre_overhead(l) + HDR_ETH;
	case PMTUFIX_LAYER_IP6GRE:
		return HDR_IPV6 + encaplimit(l) + gre_overhead(l);
	case PMTUFIX_LAYER_IP6GRETAP:
		return HDR_IPV6 + encaplimit(l) + gre_overhead(l) + HDR_ETH;
	case PMTUFIX_LAYER_VXLAN:
		return udp_underlay(l) + HDR_VXLAN + HDR_ETH;
	case PMTUFIX_LAYER_GENEVE:
		return udp_underlay(l) + HDR_GENEVE + l->count + HDR_ETH;
	case PMTUFIX_LAYER_WIREGUARD:
		return udp_underlay(l) + HDR_WIREGUARD;
	case PMTUFIX_LAYER_PPPOE:
		return HDR_PPPOE;
	case PMTUFIX_LAYER_MPLS:
		return HDR_MPLS * l->count;
	case PMTUFIX_LAYER_FOU:
		return HDR_UDP;
	case PMTUFIX_LAYER_GUE:
		return HDR_UDP + HDR_GUE;
	default:
		return 0;
	}
}

/*
 * xfrm_state_mtu() for a valid ESP state: the payload (the inner packet,
 * less its IP header in transport mode, plus the 2-byte trailer) is padded
 * to the cipher block aligned to 4, so the largest payload that fits is
 * rounded down to that alignment.  The kernel returns 1 when nothing fits.
 */
static u32 esp_mtu(const struct pmtufix_layer *l, unsigned int family,
		   u32 mtu)
{
	const struct esp_cipher *c = &esp_ciphers[l->esp_cipher];
	u32 header_len = HDR_ESP + c->iv;
	u32 blksize = (c->block + 3U) & ~3U;
	u32 net_adj = 0, icv, overhead, payload_mtu;

	switch (l->esp_mode) {
	case PMTUFIX_ESP_TUNNEL:
		header_len += HDR_IPV4;
		break;
	case PMTUFIX_ESP_TUNNEL6:
		header_len += HDR_IPV6;
		break;
	default:
		net_adj = family == PMTUFIX_IPV6 ? HDR_IPV6 : HDR_IPV4;
		break;
	}
	if (l->flags & PMTUFIX_LAYER_F_NATT)
		header_len += HDR_UDP;
	icv = (l->esp_icv ? l->esp_icv : esp_icv_of(l)->def) / 8;

	overhead = header_len + icv + net_adj;
	if (mtu <= overhead)
		return 0;
	payload_mtu = (mtu - overhead) & ~(blksize - 1);
	if (payload_mtu <= 2)
		return 0;
	return payload_mtu + net_adj - 2;
}

u32 pmtufix_layer_mtu(const struct pmtufix_layer *l, unsigned int family,
		      u32 mtu)
{
	u32 overhead;

	if (l->type == PMTUFIX_LAYER_ESP) {
		/* Unchecked layers must not index past the tables. */
		if (l->esp_cipher >= __PMTUFIX_ESP_CIPHER_MAX ||
		    l->esp_integ >= __PMTUFIX_ESP_INTEG_MAX)
			return 0;
		return esp_mtu(l, family, mtu);
	}
	overhead = layer_overhead(l);
	return mtu > overhead ? mtu - overhead : 0;
}

/*
 * The family carried by layer @i: the innermost layer carries @family, and
 * each other one what the layer inside it puts on the wire.  Quadratic in
 * @n, which is at most a handful, and needs no scratch array.
 *
 * A family that does not match a layer (IPv4 inside sit) is not refused:
 * the bytes added are the same, and pmtufix_layer_check() leaves such
 * combinations to the configuration.
 */
static unsigned int carried_family(const struct pmtufix_layer *layers,
				   unsigned int n, unsigned int i,
				   unsigned int family)
{
	unsigned int j;

	for (j = n - 1; j > i; j--)
		family = pmtufix_layer_outer_family(&layers[j], family);
	return family;
}

u32 pmtufix_stack_mtu(const struct pmtufix_layer *layers, unsigned int n,
		      unsigned int family, u32 base_mtu)
{
	u32 mtu = base_mtu;
	unsigned int i;

	for (i = 0; i < n && mtu; i++)
		mtu = pmtufix_layer_mtu(&layers[i],
					carried_family(layers, n, i, family),
					mtu);
	return mtu;
}

u32 pmtufix_mtu_to_mss(unsigned int family, u32 mtu)
{
	u32 headers = (family == PMTUFIX_IPV6 ? HDR_IPV6 : HDR_IPV4) + 20;

	return mtu > headers ? mtu - headers : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Encapsulation overhead: fixed values worked out by hand from the kernel's
 * drivers, ESP against two independent models (a transcription of
 * xfrm_state_mtu() and a search for the largest packet whose ESP encoding
 * fits), stacks evaluated layer by layer, and the checks of each field.
 */
#include <string.h>

#include "core/layers.h"
#include "unit.h"

#define V4 PMTUFIX_IPV4
#define V6 PMTUFIX_IPV6

static struct pmtufix_layer L(u16 type, u32 flags, u16 count)
{
	struct pmtufix_layer l;

	memset(&l, 0, sizeof(l));
	l.type = type;
	l.flags = flags;
	l.count = count;
	return l;
}

static struct pmtufix_layer ESP(u8 mode, u8 cipher, u8 integ, u16 icv,
				u32 flags)
{
	struct pmtufix_layer l = L(PMTUFIX_LAYER_ESP, flags, 0);

	l.esp_mode = mode;
	l.esp_cipher = cipher;
	l.esp_integ = integ;
	l.esp_icv = icv;
	return l;
}

static u32 one(struct pmtufix_layer l, unsigned int family, u32 mtu)
{
	const char *why = NULL;

	CHECK(!pmtufix_layer_check(&l, &why), "layer %u rejected: %s", l.type,
	      why);
	return pmtufix_stack_mtu(&l, 1, family, mtu);
}

/*
 * Every type over a 1500-byte link, IPv4 inside.  The overhead of each is
 * read off the driver that sizes the device:
 *   ipip: ip_tunnel_bind_dev(), t_hlen = 0 + sizeof(iphdr) = 20
 *   gre key: gre_calc_hlen() = 4 + 4, + 20 = 28 -> 1472
 *   gretap: ... - dev->hard_header_len (ETH_HLEN 14): 24 + 14 -> 1462
 *   ip6ip6: 40 + 8 (encapsulation limit TLV in a destination option)
 *   vxlan: vxlan_headroom() = 20 + 8 + 8 + 14 = 50
 *   wireguard: 20 + 8 + 16 + 16 = 60 (1440); over IPv6 80 (1420, the
 *   default MTU wg_setup() gives the device: ETH_DATA_LEN - 80)
 */
static void test_fixed_values(void)
{
	const u32 gks = PMTUFIX_LAYER_F_GRE_KEY | PMTUFIX_LAYER_F_GRE_SEQ |
			PMTUFIX_LAYER_F_GRE_CSUM;
	const u32 nolim = PMTUFIX_LAYER_F_NO_ENCAPLIMIT;
	const u32 u6 = PMTUFIX_LAYER_F_UNDERLAY6;
	static const struct {
		u16 type;
		u32 flags;
		u16 count;
		u32 mtu;
	} cases[] = {
		{ PMTUFIX_LAYER_RAW, 0, 1, 1499 },
		{ PMTUFIX_LAYER_RAW, 0, 1024, 476 },
		{ PMTUFIX_LAYER_IPIP, 0, 0, 1480 },
		{ PMTUFIX_LAYER_SIT, 0, 0, 1480 },
		{ PMTUFIX_LAYER_IP6IP6, 0, 0, 1452 },
		{ PMTUFIX_LAYER_IP6IP6, PMTUFIX_LAYER_F_NO_ENCAPLIMIT, 0, 1460 },
		{ PMTUFIX_LAYER_IPIP6, 0, 0, 1452 },
		{ PMTUFIX_LAYER_IPIP6, PMTUFIX_LAYER_F_NO_ENCAPLIMIT, 0, 1460 },
		{ PMTUFIX_LAYER_GRE, 0, 0, 1476 },
		{ PMTUFIX_LAYER_GRE, PMTUFIX_LAYER_F_GRE_KEY, 0, 1472 },
		{ PMTUFIX_LAYER_GRE, PMTUFIX_LAYER_F_GRE_SEQ, 0, 1472 },
		{ PMTUFIX_LAYER_GRE, PMTUFIX_LAYER_F_GRE_CSUM, 0, 1472 },
		{ PMTUFIX_LAYER_GRE, gks, 0, 1464 },
		{ PMTUFIX_LAYER_GRETAP, 0, 0, 1462 },
		{ PMTUFIX_LAYER_GRETAP, gks, 0, 1450 },
		{ PMTUFIX_LAYER_IP6GRE, 0, 0, 1448 },
		{ PMTUFIX_LAYER_IP6GRE, nolim, 0, 1456 },
		{ PMTUFIX_LAYER_IP6GRE, gks | nolim, 0, 1444 },
		{ PMTUFIX_LAYER_IP6GRETAP, 0, 0, 1434 },
		{ PMTUFIX_LAYER_IP6GRETAP, PMTUFIX_LAYER_F_GRE_KEY, 0, 1430 },
		{ PMTUFIX_LAYER_VXLAN, 0, 0, 1450 },
		{ PMTUFIX_LAYER_VXLAN, u6, 0, 1430 },
		{ PMTUFIX_LAYER_GENEVE, 0, 0, 1450 },
		{ PMTUFIX_LAYER_GENEVE, u6, 0, 1430 },
		{ PMTUFIX_LAYER_GENEVE, 0, 8, 1442 },
		{ PMTUFIX_LAYER_GENEVE, u6, 252, 1178 },
		{ PMTUFIX_LAYER_WIREGUARD, 0, 0, 1440 },
		{ PMTUFIX_LAYER_WIREGUARD, u6, 0, 1420 },
		{ PMTUFIX_LAYER_PPPOE, 0, 0, 1492 },
		{ PMTUFIX_LAYER_MPLS, 0, 1, 1496 },
		{ PMTUFIX_LAYER_MPLS, 0, 8, 1468 },
		{ PMTUFIX_LAYER_FOU, 0, 0, 1492 },
		{ PMTUFIX_LAYER_GUE, 0, 0, 1488 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmtufix_layer l = L(cases[i].type, cases[i].flags,
					   cases[i].count);

		CHECK_EQ(one(l, V4, 1500), cases[i].mtu, "case %u", i);
		/* Only ESP depends on the carried family. */
		CHECK_EQ(one(l, V6, 1500), cases[i].mtu, "case %u IPv6", i);
		/* Nothing fits: exactly the overhead, or less. */
		CHECK_EQ(one(l, V4, 1500 - cases[i].mtu), 0, "case %u", i);
		CHECK_EQ(one(l, V4, 1501 - cases[i].mtu), 1, "case %u", i);
		CHECK_EQ(one(l, V4, 0), 0, "case %u", i);
	}
}

static void test_mss(void)
{
	CHECK_EQ(pmtufix_mtu_to_mss(V4, 1500), 1460, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V6, 1500), 1440, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V4, 1480), 1440, "ipip");
	CHECK_EQ(pmtufix_mtu_to_mss(V4, 41), 1, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V4, 40), 0, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V6, 60), 0, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V6, 0), 0, "as derived above");
}

/*
 * The examples everyone quotes.  esp transport aes-gcm (rfc4106, 16-byte
 * ICV) over 1500, IPv4 inside:
 *   header_len = 8 (SPI, seq) + 8 (IV) = 16; overhead = 16 + 16 + 20 = 52
 *   payload = (1500 - 52) & ~3 = 1448; mtu = 1448 + 20 - 2 = 1466, MSS 1426.
 * IPv6 inside (transport over IPv6): overhead 72, (1500 - 72) & ~3 = 1428,
 * 1428 + 40 - 2 = 1466 as well, MSS 1406.
 * esp tunnel aes-cbc hmac-sha1 over 1500:
 *   header_len = 8 + 16 + 20 = 44, ICV 12; (1500 - 56) & ~15 = 1440;
 *   1440 + 0 - 2 = 1438.
 */
static void test_esp_examples(void)
{
	struct pmtufix_layer gcm = ESP(PMTUFIX_ESP_TRANSPORT,
				       PMTUFIX_ESP_AES_GCM, 0, 0, 0);
	struct pmtufix_layer cbc = ESP(PMTUFIX_ESP_TUNNEL, PMTUFIX_ESP_AES_CBC,
				       PMTUFIX_ESP_HMAC_SHA1, 0, 0);

	CHECK_EQ(one(gcm, V4, 1500), 1466, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V4, one(gcm, V4, 1500)), 1426, "as derived above");
	CHECK_EQ(one(gcm, V6, 1500), 1466, "as derived above");
	CHECK_EQ(pmtufix_mtu_to_mss(V6, one(gcm, V6, 1500)), 1406, "as derived above");
	CHECK_EQ(one(cbc, V4, 1500), 1438, "as derived above");
	CHECK_EQ(one(cbc, V6, 1500), 1438, "as derived above");

	/* aes-cbc in transport mode: the IP header is outside the padding. */
	cbc.esp_mode = PMTUFIX_ESP_TRANSPORT;
	/* (1500 - 24 - 12 - 20) & ~15 = 1440, + 20 - 2 */
	CHECK_EQ(one(cbc, V4, 1500), 1458, "as derived above");
	/* (1500 - 24 - 12 - 40) & ~15 = 1424, + 40 - 2 */
	CHECK_EQ(one(cbc, V6, 1500), 1462, "as derived above");

	/* hmac-sha256 defaults to 128 bits (RFC 4868); icv 96 is Linux's. */
	cbc = ESP(PMTUFIX_ESP_TUNNEL, PMTUFIX_ESP_AES_CBC,
		  PMTUFIX_ESP_HMAC_SHA256, 0, 0);
	/* (1500 - 44 - 16) & ~15 = 1440 -> 1438; with 12: 1444 & ~15 = 1440 */
	CHECK_EQ(one(cbc, V4, 1500), 1438, "as derived above");
	/* at 1400: (1400 - 60) & ~15 = 1328 -> 1326; 96 bits: 1344 -> 1342 */
	CHECK_EQ(one(cbc, V4, 1400), 1326, "as derived above");
	cbc.esp_icv = 96;
	CHECK_EQ(one(cbc, V4, 1400), 1342, "as derived above");
	CHECK_EQ(one(cbc, V4, 1500), 1438, "as derived above");

	/* NAT-T adds the UDP header: (1500 - 16 - 8 - 16 - 20) & ~3 + 18 */
	gcm.flags = PMTUFIX_LAYER_F_NATT;
	CHECK_EQ(one(gcm, V4, 1500), 1458, "as derived above");
}

/* Parameters of the kernel's transforms, from crypto/ and xfrm_algo.c. */
struct ref_suite {
	u8 cipher, integ;
	u16 icv;		/* bits, as configured (0: default) */
	unsigned int block;	/* crypto_aead_blocksize() */
	unsigned int iv;	/* crypto_aead_ivsize() */
	unsigned int authsize;	/* crypto_aead_authsize(), bytes */
};

static const struct ref_suite ref_suites[] = {
	{ PMTUFIX_ESP_AES_GCM, 0, 0, 1, 8, 16 },
	{ PMTUFIX_ESP_AES_GCM, 0, 64, 1, 8, 8 },
	{ PMTUFIX_ESP_AES_GCM, 0, 96, 1, 8, 12 },
	{ PMTUFIX_ESP_AES_CCM, 0, 0, 1, 8, 16 },
	{ PMTUFIX_ESP_AES_CCM, 0, 64, 1, 8, 8 },
	{ PMTUFIX_ESP_CHACHA20_POLY1305, 0, 0, 1, 8, 16 },
	{ PMTUFIX_ESP_AES_GMAC, 0, 0, 1, 8, 16 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_MD5, 0, 16, 16, 12 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA1, 0, 16, 16, 12 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA1, 160, 16, 16, 20 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 0, 16, 16, 16 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 96, 16, 16, 12 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA384, 0, 16, 16, 24 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA512, 0, 16, 16, 32 },
	{ PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_AES_XCBC, 0, 16, 16, 12 },
	{ PMTUFIX_ESP_AES_CTR, PMTUFIX_ESP_AES_CMAC, 0, 1, 8, 12 },
	{ PMTUFIX_ESP_AES_CTR, PMTUFIX_ESP_HMAC_SHA256, 0, 1, 8, 16 },
	{ PMTUFIX_ESP_3DES_CBC, PMTUFIX_ESP_HMAC_SHA1, 0, 8, 8, 12 },
	{ PMTUFIX_ESP_3DES_CBC, PMTUFIX_ESP_HMAC_MD5, 104, 8, 8, 13 },
	{ PMTUFIX_ESP_NULL, PMTUFIX_ESP_HMAC_SHA1, 0, 1, 0, 12 },
	{ PMTUFIX_ESP_NULL, PMTUFIX_ESP_HMAC_SHA512, 264, 1, 0, 33 },
};

/* esp_init_state(): x->props.header_len. */
static unsigned int ref_header_len(const struct ref_suite *s, u8 mode,
				   bool natt)
{
	unsigned int len = 8 + s->iv;

	if (mode == PMTUFIX_ESP_TUNNEL)
		len += 20;
	else if (mode == PMTUFIX_ESP_TUNNEL6)
		len += 40;
	return len + (natt ? 8 : 0);
}

/* xfrm_state_mtu(), line by line, with int arithmetic as in the kernel. */
static int ref_xfrm_state_mtu(const struct ref_suite *s, u8 mode, bool natt,
			      unsigned int family, int mtu)
{
	unsigned int blksize = (s->block + 3) & ~3U, net_adj = 0;
	unsigned int overhead, payload_mtu;

	if (mode == PMTUFIX_ESP_TRANSPORT)
		net_adj = family == V6 ? 40 : 20;
	overhead = ref_header_len(s, mode, natt) + s->authsize + net_adj;
	if (mtu <= (int)overhead)
		return 1;
	payload_mtu = mtu - overhead;
	payload_mtu &= ~(blksize - 1);
	if (payload_mtu <= 2)
		return 1;
	return payload_mtu + net_adj - 2;
}

/*
 * What esp_output() puts on the wire for an inner packet of @len bytes:
 * outer header (transport: the packet's own), ESP header and IV, the
 * payload with 2 trailer bytes padded to the aligned block, the ICV.
 */
static unsigned int ref_wire_len(const struct ref_suite *s, u8 mode,
				 bool natt, unsigned int family,
				 unsigned int len)
{
	unsigned int blksize = (s->block + 3) & ~3U, iph = 0, clen;

	if (mode == PMTUFIX_ESP_TRANSPORT)
		iph = family == V6 ? 40 : 20;
	clen = (len - iph + 2 + blksize - 1) / blksize * blksize;
	return iph + ref_header_len(s, mode, natt) + clen + s->authsize;
}

/* The largest inner packet whose encoding fits in @mtu, or 0. */
static unsigned int ref_search(const struct ref_suite *s, u8 mode, bool natt,
			       unsigned int family, unsigned int mtu)
{
	unsigned int len, min = mode == PMTUFIX_ESP_TRANSPORT ?
					(family == V6 ? 40 : 20) : 1;

	for (len = mtu; len >= min; len--)
		if (ref_wire_len(s, mode, natt, family, len) <= mtu)
			return len;
	return 0;
}

/*
 * Every suite, mode, NAT-T and family over MTUs 0..2100 and a few large
 * ones: the core must equal the transcription of xfrm_state_mtu() (with 1,
 * "nothing fits", read as 0), and the transcription must be the largest
 * packet that actually fits (so neither model can be wrong the same way).
 */
static void test_esp_models(void)
{
	static const u32 big[] = { 9000, 9001, 9002, 9003, 65535 };
	unsigned int si, mode, natt, fam, mtu, n = 0, cut = 0;

	for (si = 0; si < sizeof(ref_suites) / sizeof(ref_suites[0]); si++)
	for (mode = PMTUFIX_ESP_TRANSPORT; mode <= PMTUFIX_ESP_TUNNEL6; mode++)
	for (natt = 0; natt <= 1; natt++)
	for (fam = V4; fam <= V6; fam += 2) {
		const struct ref_suite *s = &ref_suites[si];
		struct pmtufix_layer l = ESP(mode, s->cipher, s->integ, s->icv,
					     natt ? PMTUFIX_LAYER_F_NATT : 0);
		const char *why = NULL;

		CHECK(!pmtufix_layer_check(&l, &why), "suite %u: %s", si, why);
		for (mtu = 0; mtu < 2100 + 5; mtu++) {
			u32 m = mtu < 2100 ? mtu : big[mtu - 2100];
			int want = ref_xfrm_state_mtu(s, mode, natt, fam, m);
			u32 got = pmtufix_layer_mtu(&l, fam, m);

			if (want == 1)
				want = 0;
			CHECK_EQ(got, want, "suite %u mode %u natt %u IPv%u mtu %u",
				 si, mode, natt, fam, m);
			if (m < 2100)
				CHECK_EQ(ref_search(s, mode, natt, fam, m), want,
					 "search: suite %u mode %u IPv%u mtu %u",
					 si, mode, fam, m);
			/* The alignment makes the result jump, not slide. */
			if (got && pmtufix_layer_mtu(&l, fam, m + 1) == got)
				cut++;
			n++;
		}
	}
	CHECK(n > 100000, "cases %u", n);
	CHECK(cut > 1000, "alignment plateaus seen: %u", cut);
}

/*
 * pppoe + esp tunnel aes-cbc hmac-sha256 natt, layer by layer:
 *   1500 -> pppoe -> 1492 -> esp: header_len 8 + 16 + 20 + 8 = 52,
 *   ICV 16: (1492 - 68) & ~15 = 1424 -> 1422.
 * Adding constants measured at 1500 (pppoe 8; esp alone gives
 * (1500 - 68) & ~15 - 2 = 1422, so "78") says 1500 - 86 = 1414, too small
 * by 8; at 1496 layer by layer is 1488 -> (1420 & ~15) - 2 = 1406 while
 * constants say 1410, too big by 4: packets would not fit.
 */
static void test_stack_layer_by_layer(void)
{
	struct pmtufix_layer st[2] = {
		L(PMTUFIX_LAYER_PPPOE, 0, 0),
		ESP(PMTUFIX_ESP_TUNNEL, PMTUFIX_ESP_AES_CBC,
		    PMTUFIX_ESP_HMAC_SHA256, 0, PMTUFIX_LAYER_F_NATT),
	};
	u32 esp_const = 1500 - pmtufix_layer_mtu(&st[1], V4, 1500);
	unsigned int mtu, differ = 0;

	CHECK_EQ(esp_const, 78, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1500), 1422, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V6, 1500), 1422, "as derived above");
	CHECK_EQ(1500 - 8 - esp_const, 1414, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1496), 1406, "as derived above");
	CHECK_EQ(1496 - 8 - esp_const, 1410, "as derived above");
	for (mtu = 200; mtu <= 9000; mtu++) {
		u32 got = pmtufix_stack_mtu(st, 2, V4, mtu);

		CHECK_EQ(got, pmtufix_layer_mtu(&st[1], V4, mtu - 8),
			 "mtu %u", mtu);
		if (got != mtu - 8 - esp_const)
			differ++;
	}
	CHECK(differ > 1000, "constants differ at %u MTUs", differ);

	/* An empty stack is the base MTU; nothing fits stays nothing. */
	CHECK_EQ(pmtufix_stack_mtu(st, 0, V4, 1500), 1500, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 77), 0, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 0), 0, "as derived above");
}

/*
 * Families: each layer carries what the layer inside it puts on the wire.
 * Transport ESP with a 16-byte block shows which one it saw, since 20 and
 * 40 differ modulo 16:
 *   esp transport aes-cbc hmac-sha1 (header_len 24, ICV 12) at 1500
 *   carrying IPv4: (1500 - 56) & ~15 = 1440 -> 1458
 *   carrying IPv6: (1500 - 76) & ~15 = 1424 -> 1462
 */
static void test_families(void)
{
	struct pmtufix_layer esp = ESP(PMTUFIX_ESP_TRANSPORT,
				       PMTUFIX_ESP_AES_CBC,
				       PMTUFIX_ESP_HMAC_SHA1, 0, 0);
	struct pmtufix_layer st[3];

	CHECK_EQ(one(esp, V4, 1500), 1458, "as derived above");
	CHECK_EQ(one(esp, V6, 1500), 1462, "as derived above");

	/* sit puts IPv4 on the wire whatever it carries. */
	st[0] = esp;
	st[1] = L(PMTUFIX_LAYER_SIT, 0, 0);
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V6, 1500), 1458 - 20, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1500), 1458 - 20, "as derived above");

	/* ipip6: IPv6 outside; 1462 - 48 */
	st[1] = L(PMTUFIX_LAYER_IPIP6, 0, 0);
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1500), 1414, "as derived above");

	/* pppoe keeps the family: esp inside or outside it sees the entry's. */
	st[1] = L(PMTUFIX_LAYER_PPPOE, 0, 0);
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1500), 1458 - 8, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V6, 1500), 1462 - 8, "as derived above");
	st[0] = L(PMTUFIX_LAYER_PPPOE, 0, 0);
	st[1] = esp;
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1508), 1458, "as derived above");
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V6, 1508), 1462, "as derived above");
	st[0] = esp;

	/* vxlan over IPv6, then pppoe: the esp sees IPv6 from vxlan6. */
	st[1] = L(PMTUFIX_LAYER_VXLAN, PMTUFIX_LAYER_F_UNDERLAY6, 0);
	st[2] = L(PMTUFIX_LAYER_PPPOE, 0, 0);
	CHECK_EQ(pmtufix_stack_mtu(st, 3, V4, 1500), 1462 - 70 - 8, "as derived above");
	st[1] = L(PMTUFIX_LAYER_VXLAN, 0, 0);
	CHECK_EQ(pmtufix_stack_mtu(st, 3, V6, 1500), 1458 - 50 - 8, "as derived above");

	/* Tunnel modes decide the outer family; transport passes it on. */
	CHECK_EQ(pmtufix_layer_outer_family(&esp, V6), V6, "as derived above");
	CHECK_EQ(pmtufix_layer_outer_family(&esp, V4), V4, "as derived above");
	esp.esp_mode = PMTUFIX_ESP_TUNNEL;
	CHECK_EQ(pmtufix_layer_outer_family(&esp, V6), V4, "as derived above");
	esp.esp_mode = PMTUFIX_ESP_TUNNEL6;
	CHECK_EQ(pmtufix_layer_outer_family(&esp, V4), V6, "as derived above");
	/* esp tunnel6 inside esp transport: the outer one carries IPv6. */
	st[0] = ESP(PMTUFIX_ESP_TRANSPORT, PMTUFIX_ESP_AES_CBC,
		    PMTUFIX_ESP_HMAC_SHA1, 0, 0);
	st[1] = esp;
	CHECK_EQ(pmtufix_stack_mtu(st, 2, V4, 1500),
		 pmtufix_layer_mtu(&esp, V4, 1462), "as derived above");
}

static void test_outer_families(void)
{
	static const struct {
		u16 type;
		u32 flags;
		unsigned int from4, from6;
	} cases[] = {
		{ PMTUFIX_LAYER_RAW, 0, V4, V6 },
		{ PMTUFIX_LAYER_IPIP, 0, V4, V4 },
		{ PMTUFIX_LAYER_SIT, 0, V4, V4 },
		{ PMTUFIX_LAYER_IP6IP6, 0, V6, V6 },
		{ PMTUFIX_LAYER_IPIP6, 0, V6, V6 },
		{ PMTUFIX_LAYER_GRE, 0, V4, V4 },
		{ PMTUFIX_LAYER_GRETAP, 0, V4, V4 },
		{ PMTUFIX_LAYER_IP6GRE, 0, V6, V6 },
		{ PMTUFIX_LAYER_IP6GRETAP, 0, V6, V6 },
		{ PMTUFIX_LAYER_VXLAN, 0, V4, V4 },
		{ PMTUFIX_LAYER_VXLAN, PMTUFIX_LAYER_F_UNDERLAY6, V6, V6 },
		{ PMTUFIX_LAYER_GENEVE, 0, V4, V4 },
		{ PMTUFIX_LAYER_GENEVE, PMTUFIX_LAYER_F_UNDERLAY6, V6, V6 },
		{ PMTUFIX_LAYER_WIREGUARD, 0, V4, V4 },
		{ PMTUFIX_LAYER_WIREGUARD, PMTUFIX_LAYER_F_UNDERLAY6, V6, V6 },
		{ PMTUFIX_LAYER_PPPOE, 0, V4, V6 },
		{ PMTUFIX_LAYER_MPLS, 0, V4, V6 },
		{ PMTUFIX_LAYER_FOU, 0, V4, V6 },
		{ PMTUFIX_LAYER_GUE, 0, V4, V6 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmtufix_layer l = L(cases[i].type, cases[i].flags, 0);

		CHECK_EQ(pmtufix_layer_outer_family(&l, V4), cases[i].from4,
			 "case %u", i);
		CHECK_EQ(pmtufix_layer_outer_family(&l, V6), cases[i].from6,
			 "case %u", i);
	}
}

static void expect_bad(struct pmtufix_layer l, const char *msg)
{
	const char *why = NULL;

	CHECK(pmtufix_layer_check(&l, &why) == -1, "accepted: want %s", msg);
	CHECK(why && !strcmp(why, msg), "message '%s', want '%s'",
	      why ? why : "(none)", msg);
}

static void expect_good(struct pmtufix_layer l)
{
	const char *why = NULL;

	CHECK(!pmtufix_layer_check(&l, &why), "rejected: %s", why);
}

static void test_check(void)
{
	struct pmtufix_layer l;
	unsigned int i;

	expect_bad(L(0, 0, 0), "unknown layer type");
	expect_bad(L(__PMTUFIX_LAYER_MAX, 0, 0), "unknown layer type");
	expect_bad(L(0xffff, 0, 0), "unknown layer type");
	expect_bad(L(PMTUFIX_LAYER_IPIP, PMTUFIX_LAYER_F_GRE_KEY, 0),
		   "ipip: option not valid for this layer");
	expect_bad(L(PMTUFIX_LAYER_GRE, PMTUFIX_LAYER_F_NO_ENCAPLIMIT, 0),
		   "gre: option not valid for this layer");
	expect_bad(L(PMTUFIX_LAYER_GRE, 1U << 31, 0),
		   "gre: option not valid for this layer");
	expect_bad(L(PMTUFIX_LAYER_VXLAN, PMTUFIX_LAYER_F_NATT, 0),
		   "vxlan: option not valid for this layer");
	expect_bad(L(PMTUFIX_LAYER_SIT, 0, 3), "sit: takes no count");
	expect_bad(L(PMTUFIX_LAYER_RAW, 0, 0),
		   "raw: byte count must be 1 to 1024");
	expect_bad(L(PMTUFIX_LAYER_RAW, 0, 1025),
		   "raw: byte count must be 1 to 1024");
	expect_bad(L(PMTUFIX_LAYER_MPLS, 0, 0),
		   "mpls: label count must be 1 to 8");
	expect_bad(L(PMTUFIX_LAYER_MPLS, 0, 9),
		   "mpls: label count must be 1 to 8");
	expect_bad(L(PMTUFIX_LAYER_GENEVE, 0, 6),
		   "geneve: option bytes must be a multiple of 4, at most 252");
	expect_bad(L(PMTUFIX_LAYER_GENEVE, 0, 256),
		   "geneve: option bytes must be a multiple of 4, at most 252");
	expect_good(L(PMTUFIX_LAYER_GENEVE, PMTUFIX_LAYER_F_UNDERLAY6, 252));
	expect_good(L(PMTUFIX_LAYER_GENEVE, 0, 0));
	expect_good(L(PMTUFIX_LAYER_MPLS, 0, 8));
	l = L(PMTUFIX_LAYER_PPPOE, 0, 0);
	l.esp_icv = 96;
	expect_bad(l, "pppoe: esp fields set on a layer that is not esp");

	l = ESP(0, PMTUFIX_ESP_AES_GCM, 0, 0, 0);
	expect_bad(l, "esp: mode must be transport, tunnel or tunnel6");
	l.esp_mode = __PMTUFIX_ESP_MODE_MAX;
	expect_bad(l, "esp: mode must be transport, tunnel or tunnel6");
	expect_bad(ESP(1, 0, 0, 0, 0), "esp: unknown cipher");
	expect_bad(ESP(1, __PMTUFIX_ESP_CIPHER_MAX, 0, 0, 0),
		   "esp: unknown cipher");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CBC, __PMTUFIX_ESP_INTEG_MAX, 0, 0),
		   "esp: unknown integrity algorithm");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CBC, 0, 0, 0),
		   "esp: cipher aes-cbc needs an integrity algorithm");
	expect_bad(ESP(1, PMTUFIX_ESP_NULL, 0, 0, 0),
		   "esp: cipher null needs an integrity algorithm");
	expect_bad(ESP(2, PMTUFIX_ESP_AES_GCM, PMTUFIX_ESP_HMAC_SHA1, 0, 0),
		   "esp: cipher aes-gcm is AEAD and takes no integrity algorithm");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_GCM, 0, 0, PMTUFIX_LAYER_F_GRE_KEY),
		   "esp: option not valid for this layer");
	l = ESP(1, PMTUFIX_ESP_AES_GCM, 0, 0, 0);
	l.count = 1;
	expect_bad(l, "esp: takes no count");

	/* ICVs: the AEAD's own set, HMACs from 96 bits to the digest. */
	expect_good(ESP(1, PMTUFIX_ESP_AES_GCM, 0, 64, 0));
	expect_good(ESP(1, PMTUFIX_ESP_AES_GCM, 0, 96, 0));
	expect_good(ESP(1, PMTUFIX_ESP_AES_CCM, 0, 128, 0));
	expect_bad(ESP(1, PMTUFIX_ESP_AES_GCM, 0, 112, 0),
		   "esp: icv of aes-gcm must be 64, 96 or 128 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_GCM, 0, 160, 0),
		   "esp: icv of aes-gcm must be 64, 96 or 128 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CCM, 0, 32, 0),
		   "esp: icv of aes-ccm must be 64, 96 or 128 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_CHACHA20_POLY1305, 0, 96, 0),
		   "esp: icv of chacha20-poly1305 must be 128 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_GMAC, 0, 64, 0),
		   "esp: icv of aes-gmac must be 128 bits");
	expect_good(ESP(1, PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 96, 0));
	expect_good(ESP(1, PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 256, 0));
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 264, 0),
		   "esp: icv of hmac-sha256 must be a multiple of 8 from 96 to 256 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA256, 100, 0),
		   "esp: icv of hmac-sha256 must be a multiple of 8 from 96 to 256 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CBC, PMTUFIX_ESP_HMAC_SHA1, 64, 0),
		   "esp: icv of hmac-sha1 must be a multiple of 8 from 96 to 160 bits");
	expect_bad(ESP(1, PMTUFIX_ESP_AES_CTR, PMTUFIX_ESP_HMAC_MD5, 136, 0),
		   "esp: icv of hmac-md5 must be a multiple of 8 from 96 to 128 bits");
	expect_good(ESP(1, PMTUFIX_ESP_AES_CTR, PMTUFIX_ESP_HMAC_SHA512, 512, 0));
	expect_good(ESP(3, PMTUFIX_ESP_3DES_CBC, PMTUFIX_ESP_AES_XCBC, 128,
			PMTUFIX_LAYER_F_NATT));

	/* A NULL why is allowed. */
	l = L(0, 0, 0);
	CHECK_EQ(pmtufix_layer_check(&l, NULL), -1, "as derived above");

	/* Every flag bit on every type: only the documented ones pass. */
	for (i = 1; i < __PMTUFIX_LAYER_MAX; i++) {
		unsigned int bit, ok = 0;

		for (bit = 0; bit < 32; bit++) {
			const char *why;

			l = i == PMTUFIX_LAYER_ESP ?
			    ESP(1, PMTUFIX_ESP_AES_GCM, 0, 0, 1U << bit) :
			    L(i, 1U << bit, i == PMTUFIX_LAYER_RAW ||
					   i == PMTUFIX_LAYER_MPLS);
			if (!pmtufix_layer_check(&l, &why))
				ok |= 1U << bit;
		}
		CHECK(!(ok & ~PMTUFIX_LAYER_F_ALL), "type %u takes %#x", i, ok);
	}
}

int main(void)
{
	test_fixed_values();
	test_mss();
	test_esp_examples();
	test_esp_models();
	test_stack_layer_by_layer();
	test_families();
	test_outer_families();
	test_check();
	return unit_done("layers");
}

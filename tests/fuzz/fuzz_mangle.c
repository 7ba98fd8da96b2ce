// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the MSS rewrite as the module's packet path does
 * it, on whole IPv4 and IPv6 packets: pmtufix_mangle() and
 * pmtufix_insert() of kmod/target.c, with the IP length updates of
 * pmtufix_tg4() and pmtufix_tg6(), calling the core functions they call
 * in the same order.  fuzz_tcpopt checks the core's functions one by one;
 * this one checks what a packet looks like after the module is done.
 *
 * Input: one flags byte, the MSS the table allows (2 bytes, big-endian; 0
 * stands for no match), then an IP packet (its version nibble says which).
 *   flags bit 0   --missing-mss ignore, else insert
 *   flags bit 1   keep the TCP checksum as given, else make it right first
 * The IP length field is set to the length of the input (the stack trims
 * a packet to it before netfilter sees it) and the IPv4 header checksum is
 * made right (the stack drops the others).
 *
 * The core gets a heap buffer holding the TCP header alone, of exactly its
 * size (4 bytes more for an insertion, which skb_put() adds in the
 * module): AddressSanitizer catches a byte read or written past either
 * end.  The checksum edits are applied as inet_proto_csum_replace2/4() do
 * on a little-endian CPU, not with the reference code of tests/ref.
 *
 * What must hold, against the option walk of tcpref.h and a checksum
 * summed here from scratch over the pseudo-header and the segment:
 *   - the TCP checksum is off by what it was off before: a right one
 *     stays right, a wrong one is not made right;
 *   - what the module leaves alone (not a SYN, a RST, a short or malformed
 *     header, a later fragment, no match) does not change at all;
 *   - with MSS options, each becomes the smaller of its value and the
 *     limit, so none grows, and no byte but them and the checksum changes;
 *   - without, an option carrying the smaller of the limit and 536 (IPv4)
 *     or 1220 (IPv6) is inserted exactly when --missing-mss is insert, the
 *     header has room, the segment carries no data and the packet is not a
 *     first fragment; the options move 4 bytes up, byte for byte, and the
 *     only other changes are the data offset, the IP length and the IPv4
 *     header checksum, which stays right;
 *   - the offsets the walk reports and the checksum windows the clamp
 *     reports lie inside the header.
 *
 * Build and run: make fuzz (or fuzz-ci); replay: make check.  The seed
 * corpus holds the SYN and SYN-ACK of every capture in /work/shared/pcaps
 * and the crafted ones of `pytool pcap synth`, cut to 16 bytes of
 * payload, behind flags 0 and the limit 1400, then minimised with
 * libFuzzer's -merge=1 (see tests/fuzz/README).
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/limits.h"
#include "core/tcpopt.h"
#include "tcpref.h"

#define FLAG_IGNORE	0x01
#define FLAG_KEEP_CSUM	0x02
#define PKT_MAX		4096

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct pkt {
	u8 *b;			/* the packet, in a heap buffer of its size */
	size_t len;
	bool v6;
	unsigned int thoff;	/* TCP header offset */
	bool first_frag;	/* offset 0, more fragments follow */
};

static void require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_mangle: invariant broken: %s\n", what);
		abort();
	}
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static u64 sum_be(u64 acc, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (unsigned int)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (unsigned int)p[len - 1] << 8;
	return acc;
}

static u16 fold(u64 acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (u16)acc;
}

/*
 * The one's complement sum of the pseudo-header and the whole segment,
 * checksum included: 0xffff when the checksum is right, else what it is
 * off by.  The pseudo-header takes the addresses of the IP header; with
 * an IPv6 routing header or home address option a receiver would take
 * others, but they are the same before and after.
 */
static u16 tcp_residue(const struct pkt *p)
{
	size_t tcplen = p->len - p->thoff;
	u8 lenw[4] = { tcplen >> 24, tcplen >> 16, tcplen >> 8, tcplen };
	u64 acc = 6;	/* the protocol */

	acc = p->v6 ? sum_be(acc, p->b + 8, 32) : sum_be(acc, p->b + 12, 8);
	acc = sum_be(acc, lenw, 4);
	return fold(sum_be(acc, p->b + p->thoff, tcplen));
}

/*
 * inet_proto_csum_replace4() for a checksum that is not offloaded, and
 * inet_proto_csum_replace2(), which widens its values to 32 bits: the
 * field becomes csum_fold(csum_partial({~from, to}, ~field)).  The words
 * are added as loaded from memory, as on a little-endian CPU; that comes
 * out right only for windows at even offsets of the checksummed data.
 */
static void kcsum_replace(u8 *field, const u8 *from, const u8 *to,
			  unsigned int len)
{
	unsigned int i;
	u64 acc;
	u16 w;

	memcpy(&w, field, 2);
	acc = (u16)~w;
	if (len == 2)
		acc += 0xffff;	/* the complemented upper half of from */
	for (i = 0; i < len; i += 2) {
		memcpy(&w, from + i, 2);
		acc += (u16)~w;
		memcpy(&w, to + i, 2);
		acc += w;
	}
	w = ~fold(acc);
	memcpy(field, &w, 2);
}

/* The TCP offset behind the IPv6 extension headers, as ipv6_skip_exthdr(). */
static int v6_thoff(const u8 *b, size_t len, bool *first_frag)
{
	unsigned int off = 40, hl;
	u8 nh = b[6];

	for (;;) {
		if (nh == 6)
			return off;
		if (nh != 0 && nh != 43 && nh != 44 && nh != 51 && nh != 60)
			return -1;
		if (off + 8 > len)
			return -1;
		if (nh == 44) {
			/* A later fragment is left alone. */
			if (pmtufix_get_be16(b + off + 2) & 0xfff8)
				return -1;
			*first_frag = b[off + 3] & 1;
			hl = 8;
		} else if (nh == 51) {
			hl = (b[off + 1] + 2) * 4;
		} else {
			hl = (b[off + 1] + 1) * 8;
		}
		nh = b[off];
		off += hl;
	}
}

static bool ip4_csum_right(const struct pkt *p)
{
	return fold(sum_be(0, p->b, p->thoff)) == 0xffff;
}

/*
 * Makes @p a packet the module can be given: the IP length from the
 * buffer, a right IPv4 header checksum.  False for anything but TCP, a
 * later fragment, and what the stack does not pass up.
 */
static bool ip_setup(struct pkt *p)
{
	int thoff;

	if (p->len >= 40 && p->b[0] >> 4 == 6) {
		p->v6 = true;
		pmtufix_put_be16(p->b + 4, p->len - 40);
		thoff = v6_thoff(p->b, p->len, &p->first_frag);
		if (thoff < 0)
			return false;
		p->thoff = thoff;
		return true;
	}
	if (p->len < 20 || p->b[0] >> 4 != 4 || (p->b[0] & 15) < 5 ||
	    (p->b[0] & 15) * 4u > p->len || p->b[9] != 6 ||
	    pmtufix_get_be16(p->b + 6) & 0x1fff)
		return false;
	p->thoff = (p->b[0] & 15) * 4;
	p->first_frag = p->b[6] & 0x20;
	pmtufix_put_be16(p->b + 2, p->len);
	pmtufix_put_be16(p->b + 10, 0);
	pmtufix_put_be16(p->b + 10, ~fold(sum_be(0, p->b, p->thoff)));
	return true;
}

/* A copy of the @hdrlen-byte TCP header @th, alone in @size bytes. */
static u8 *header_copy(const u8 *th, unsigned int hdrlen, unsigned int size)
{
	u8 *h = xmalloc(size);

	memcpy(h, th, hdrlen);
	/* What skb_put() adds is not initialised: show it is not read. */
	memset(h + hdrlen, 0xa5, size - hdrlen);
	return h;
}

/* pmtufix_insert(), then the IP length update of pmtufix_tg4/6(). */
static int insert(struct pkt *p, unsigned int hdrlen, u16 mss)
{
	unsigned int len = p->len - p->thoff;
	u8 oldword[2], lens[4], zero[4] = { 0 }, *h, *b;

	if (len > hdrlen || hdrlen > PMTUFIX_TCPHDR_MAX - PMTUFIX_TCPOLEN_MSS ||
	    p->first_frag)
		return 0;
	h = header_copy(p->b + p->thoff, hdrlen, hdrlen + PMTUFIX_TCPOLEN_MSS);
	memcpy(oldword, h + 12, 2);
	if (p->v6)
		mss = mss < PMTUFIX_DEFAULT_MSS6 ? mss : PMTUFIX_DEFAULT_MSS6;
	else
		mss = mss < PMTUFIX_DEFAULT_MSS4 ? mss : PMTUFIX_DEFAULT_MSS4;
	require(!pmtufix_tcp_insert_mss(h, hdrlen, mss),
		"an insertion into a header with room is done");

	pmtufix_put_be16(lens, len);
	pmtufix_put_be16(lens + 2, len + PMTUFIX_TCPOLEN_MSS);
	kcsum_replace(h + 16, lens, lens + 2, 2);
	kcsum_replace(h + 16, zero, h + PMTUFIX_TCPHDR_MIN, 4);
	kcsum_replace(h + 16, oldword, h + 12, 2);

	b = xmalloc(p->len + PMTUFIX_TCPOLEN_MSS);
	memcpy(b, p->b, p->thoff);
	memcpy(b + p->thoff, h, hdrlen + PMTUFIX_TCPOLEN_MSS);
	free(h);
	free(p->b);
	p->b = b;
	p->len += PMTUFIX_TCPOLEN_MSS;
	if (p->v6) {
		pmtufix_put_be16(b + 4, pmtufix_get_be16(b + 4) + 4);
	} else {
		memcpy(oldword, b + 2, 2);
		pmtufix_put_be16(b + 2, pmtufix_get_be16(b + 2) + 4);
		kcsum_replace(b + 10, oldword, b + 2, 2);
	}
	return PMTUFIX_TCPOLEN_MSS;
}

/*
 * pmtufix_mangle() on @p, the table and route lookups having said @mss:
 * returns the bytes the packet grew by.
 */
static int mangle(struct pkt *p, u16 mss, bool ignore)
{
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	struct pmtufix_tcp_opts opts;
	unsigned int hdrlen, i, n;
	u8 *th, *h;

	if (p->thoff + PMTUFIX_TCPHDR_MIN > p->len)
		return 0;
	th = p->b + p->thoff;
	if (!(th[13] & PMTUFIX_TCP_SYN) || th[13] & PMTUFIX_TCP_RST)
		return 0;
	hdrlen = (th[12] >> 4) * 4;
	if (hdrlen < PMTUFIX_TCPHDR_MIN || p->thoff + hdrlen > p->len || !mss)
		return 0;

	h = header_copy(th, hdrlen, hdrlen);
	if (pmtufix_tcp_scan(h, hdrlen, &opts) < 0) {
		free(h);
		return 0;
	}
	require(opts.nmss <= PMTUFIX_MAX_MSS_OPTS, "MSS options counted");
	for (i = 0; i < opts.nmss; i++)
		require(opts.off[i] >= PMTUFIX_TCPHDR_MIN &&
			opts.off[i] + PMTUFIX_TCPOLEN_MSS <= hdrlen,
			"an MSS option the walk reports lies in the header");
	if (!opts.nmss) {
		free(h);
		return ignore ? 0 : insert(p, hdrlen, mss);
	}

	n = pmtufix_tcp_clamp(h, hdrlen, &opts, mss, edits);
	require(n <= opts.nmss, "no more rewrites than MSS options");
	for (i = 0; i < n; i++) {
		/* pmtufix_csum_apply() takes any length but 2 for 4. */
		require((edits[i].len == 2 || edits[i].len == 4) &&
			edits[i].off >= PMTUFIX_TCPHDR_MIN &&
			edits[i].off + edits[i].len <= hdrlen,
			"a checksum window lies in the options");
		kcsum_replace(h + 16, edits[i].from, edits[i].to, edits[i].len);
	}
	memcpy(th, h, hdrlen);
	free(h);
	return 0;
}

static void check_insert(const struct pkt *in, const struct pkt *out,
			 unsigned int hdrlen, u16 mss)
{
	const u8 *a = in->b + in->thoff, *b = out->b + out->thoff;
	unsigned int lenoff = in->v6 ? 4 : 2, i;
	u16 want = in->v6 ? PMTUFIX_DEFAULT_MSS6 : PMTUFIX_DEFAULT_MSS4;

	if (mss < want)
		want = mss;
	require(out->len == in->len + 4, "an insertion adds 4 bytes");
	require(pmtufix_get_be16(out->b + lenoff) ==
		pmtufix_get_be16(in->b + lenoff) + 4, "the IP length grows by 4");
	for (i = 0; i < in->thoff; i++)
		require(in->b[i] == out->b[i] || i == lenoff || i == lenoff + 1 ||
			(!in->v6 && (i == 10 || i == 11)),
			"an insertion changes no other IP header byte");
	require(b[12] == a[12] + 0x10, "the data offset grows by one");
	require(!memcmp(a, b, 12) && !memcmp(a + 13, b + 13, 3) &&
		!memcmp(a + 18, b + 18, 2), "the fixed header is kept");
	require(b[20] == PMTUFIX_TCPOPT_MSS && b[21] == PMTUFIX_TCPOLEN_MSS,
		"an MSS option comes first");
	require(pmtufix_get_be16(b + 22) == want,
		"the MSS inserted is min(limit, the default of the family)");
	require(!memcmp(a + 20, b + 24, hdrlen - 20),
		"the options move 4 bytes up");
}

/*
 * Whether the module leaves @p alone, by the reference walk; if not, the
 * TCP header length is in @hdrlen and the MSS options in @offs and @n.
 */
static bool left_alone(const struct pkt *p, u16 mss, unsigned int *hdrlen,
		       unsigned int *offs, unsigned int *n)
{
	const u8 *th = p->b + p->thoff;

	if (p->thoff + PMTUFIX_TCPHDR_MIN > p->len || !mss ||
	    (th[13] & (PMTUFIX_TCP_SYN | PMTUFIX_TCP_RST)) != PMTUFIX_TCP_SYN)
		return true;
	*hdrlen = (th[12] >> 4) * 4;
	return *hdrlen < PMTUFIX_TCPHDR_MIN || p->thoff + *hdrlen > p->len ||
	       ref_scan(th, *hdrlen, offs, n);
}

/* The module turned @in into @out (which grew by @grown bytes). */
static void check(const struct pkt *in, const struct pkt *out, u16 mss,
		  bool ignore, int grown)
{
	unsigned int offs[PMTUFIX_MAX_MSS_OPTS], n, i, hdrlen;
	bool insertable;
	u8 *want;

	if (!in->v6)
		require(ip4_csum_right(out), "the IPv4 header checksum is right");
	if (left_alone(in, mss, &hdrlen, offs, &n)) {
		require(!grown && out->len == in->len &&
			!memcmp(in->b, out->b, in->len),
			"a packet the module leaves alone is unchanged");
		return;
	}
	require(tcp_residue(out) == tcp_residue(in),
		"the TCP checksum is off by what it was off before");

	insertable = !ignore && in->len - in->thoff == hdrlen &&
		     hdrlen <= PMTUFIX_TCPHDR_MAX - PMTUFIX_TCPOLEN_MSS &&
		     !in->first_frag;
	if (!n && insertable) {
		require(grown == 4, "a SYN without MSS gets one");
		check_insert(in, out, hdrlen, mss);
		return;
	}
	require(!grown && out->len == in->len, "a clamp adds no byte");

	/* Each MSS value lowered to the limit, nothing else but the sum. */
	want = xmalloc(in->len);
	memcpy(want, in->b, in->len);
	for (i = 0; i < n; i++) {
		unsigned int v = in->thoff + offs[i] + 2;
		u16 was = pmtufix_get_be16(in->b + v);
		u16 now = pmtufix_get_be16(out->b + v);

		require(now <= was, "an MSS grew");
		require(now == (was < mss ? was : mss),
			"an MSS becomes min(its value, limit)");
		pmtufix_put_be16(want + v, now);
	}
	memcpy(want + in->thoff + 16, out->b + in->thoff + 16, 2);
	require(!memcmp(want, out->b, in->len),
		"no byte but the MSS values and the checksum changes");
	free(want);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pkt in = { 0 }, out;
	bool ignore;
	int grown;
	u16 mss;

	if (size < 3 || size - 3 > PKT_MAX)
		return 0;
	ignore = data[0] & FLAG_IGNORE;
	mss = pmtufix_get_be16(data + 1);
	in.len = size - 3;
	in.b = xmalloc(in.len);
	memcpy(in.b, data + 3, in.len);
	if (!ip_setup(&in))
		goto out;
	if (!(data[0] & FLAG_KEEP_CSUM) && in.thoff + 18 <= in.len) {
		pmtufix_put_be16(in.b + in.thoff + 16, 0);
		pmtufix_put_be16(in.b + in.thoff + 16, ~tcp_residue(&in));
		require(tcp_residue(&in) == 0xffff, "checksum made right");
	}

	out = in;
	out.b = xmalloc(in.len);
	memcpy(out.b, in.b, in.len);
	grown = mangle(&out, mss, ignore);
	check(&in, &out, mss, ignore, grown);
	free(out.b);
out:
	free(in.b);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the TCP option walk, the MSS clamp and the MSS
 * insertion (kmod/core/tcpopt.c).
 *
 * Input: one flags byte, the MSS limit (2 bytes, big-endian), then a TCP
 * segment: its header (the data offset says how long) and any payload.
 *   flags bit 0   checksum over an IPv6 pseudo-header, else IPv4
 *   flags bit 1   walk with the header length in bits 2..7 (times 1, so
 *                 anything from 0 to 63, checked against what the input
 *                 holds), instead of the data offset
 *
 * The header is copied to the very end of a heap buffer of its own size,
 * so any read or write past it is caught by AddressSanitizer.  What must
 * hold:
 *   - the walk agrees with a reference walker written separately here, and
 *     writes nothing;
 *   - a malformed header offers no option to clamp, and a clamp with what
 *     the walk returned leaves it untouched;
 *   - a clamp lowers each MSS option above the limit to the limit, leaves
 *     every other byte alone and never raises anything;
 *   - the checksum, updated through the edits the clamp returned (or after
 *     an insertion, through pmtufix_tcp_insert_csum()), equals a full
 *     recomputation over the pseudo-header;
 *   - an insertion gives the layout of xt_TCPMSS, and the header it makes
 *     walks to the same options, moved by 4, after the new one.
 *
 * Build and run (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ikmod -Itests/ref \
 *       -o fuzz_tcpopt tests/fuzz/fuzz_tcpopt.c kmod/core/tcpopt.c \
 *       tests/ref/csum.c
 *   mkdir -p /tmp/corpus_tcpopt
 *   ./fuzz_tcpopt -max_total_time=600 /tmp/corpus_tcpopt \
 *       tests/fuzz/corpus_tcpopt
 * Replay a corpus without libFuzzer (gcc):
 *   gcc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
 *       -Ikmod -Itests/ref -o fuzz_tcpopt_replay tests/fuzz/fuzz_tcpopt.c \
 *       tests/fuzz/standalone.c kmod/core/tcpopt.c tests/ref/csum.c
 *   ./fuzz_tcpopt_replay tests/fuzz/corpus_tcpopt
 *
 * The seed corpus holds the TCP headers of the SYN and SYN-ACK of every
 * capture in /work/shared/pcaps, behind flags 0 (IPv4) and the limit 1400,
 * made with:
 *   pytool pcap write --tcp-header --prefix 000578 \
 *       tests/fuzz/corpus_tcpopt FILE...
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/tcpopt.h"
#include "csum.h"
#include "tcpref.h"

#define FLAG_V6		0x01
#define FLAG_HDRLEN	0x02

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void require(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_tcpopt: invariant broken: %s\n", what);
		abort();
	}
}

static const u8 addr_a[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x02,
};
static const u8 addr_b[16] = {
	0xfd, 0x00, 0xff, 0xff, 0x12, 0x34, 0x56, 0x78,
	0x9a, 0xbc, 0xde, 0xf0, 0xfe, 0xdc, 0xba, 0x99,
};

/*
 * Full TCP checksum of header @h (@hlen, a multiple of 4) and payload @p
 * (@plen).
 */
static u16 full_csum(bool v6, const u8 *h, size_t hlen, const u8 *p,
		     size_t plen)
{
	u32 sum, tcplen = hlen + plen;
	u8 ph[40], zero[2] = { 0, 0 };

	if (v6) {
		memcpy(ph, addr_a, 16);
		memcpy(ph + 16, addr_b, 16);
		ph[32] = tcplen >> 24;
		ph[33] = tcplen >> 16;
		ph[34] = tcplen >> 8;
		ph[35] = tcplen;
		memset(ph + 36, 0, 3);
		ph[39] = 6;
		sum = pmtufix_csum_add(0, ph, 40);
	} else {
		memcpy(ph, addr_a + 12, 4);
		memcpy(ph + 4, addr_b + 12, 4);
		ph[8] = 0;
		ph[9] = 6;
		pmtufix_put_be16(ph + 10, tcplen);
		sum = pmtufix_csum_add(0, ph, 12);
	}
	/* The header without its checksum field, then the payload. */
	sum = pmtufix_csum_add(sum, h, 16);
	sum = pmtufix_csum_add(sum, zero, 2);
	sum = pmtufix_csum_add(sum, h + 18, hlen - 18);
	return (u16)~pmtufix_csum_fold(pmtufix_csum_add(sum, p, plen));
}

static bool csum_same(u16 a, u16 b)
{
	return a == b || (a == 0 && b == 0xffff) || (a == 0xffff && b == 0);
}

static void check_clamp(bool v6, u8 *hdr, size_t hdrlen, const u8 *payload,
			size_t plen, const struct pmtufix_tcp_opts *o, u16 mss)
{
	struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];
	u8 before[PMTUFIX_TCPHDR_MAX], cur[PMTUFIX_TCPHDR_MAX];
	unsigned int i, n, want = 0, j;

	/* Start from a right checksum. */
	pmtufix_put_be16(hdr + 16, full_csum(v6, hdr, hdrlen, payload, plen));
	memcpy(before, hdr, hdrlen);
	for (i = 0; i < o->nmss; i++)
		want += pmtufix_get_be16(hdr + o->off[i] + 2) > mss;

	n = pmtufix_tcp_clamp(hdr, hdrlen, o, mss, edits);
	require(n == want, "one rewrite per MSS option above the limit");

	for (i = 0; i < o->nmss; i++) {
		u16 was = pmtufix_get_be16(before + o->off[i] + 2);
		u16 now = pmtufix_get_be16(hdr + o->off[i] + 2);

		require(now <= was, "an MSS was raised");
		require(now == (was > mss ? mss : was), "MSS is min(old, limit)");
	}

	memcpy(cur, before, hdrlen);
	for (i = 0; i < n; i++) {
		require(!(edits[i].off & 1), "window is even");
		require(edits[i].len == 2 || edits[i].len == 4, "window length");
		require(edits[i].off + edits[i].len <= hdrlen,
			"window inside the header");
		require(!memcmp(cur + edits[i].off, edits[i].from, edits[i].len),
			"window starts from the bytes there");
		memcpy(cur + edits[i].off, edits[i].to, edits[i].len);
		pmtufix_csum_replace(hdr + 16, edits[i].from, edits[i].to,
				     edits[i].len);
	}
	for (j = 0; j < hdrlen; j++)
		if (j != 16 && j != 17)
			require(cur[j] == hdr[j], "the edits cover every change");
	require(csum_same(pmtufix_get_be16(hdr + 16),
			  full_csum(v6, hdr, hdrlen, payload, plen)),
		"checksum after clamp equals a full recomputation");
}

static void check_insert(bool v6, const u8 *hdr, size_t hdrlen,
			 const struct pmtufix_tcp_opts *o, u16 mss)
{
	u8 *buf = malloc(hdrlen + PMTUFIX_TCPOLEN_MSS), doff;
	struct pmtufix_tcp_opts again;
	unsigned int i;

	if (!buf)
		abort();
	memcpy(buf, hdr, hdrlen);
	/* The data offset must say hdrlen for the insertion to mean it. */
	buf[12] = (hdrlen / 4) << 4 | (buf[12] & 0x0f);
	pmtufix_put_be16(buf + 16, full_csum(v6, buf, hdrlen, NULL, 0));
	doff = buf[12];

	require(!pmtufix_tcp_insert_mss(buf, hdrlen, mss), "insert accepted");
	pmtufix_tcp_insert_csum(buf, hdrlen, doff);
	require(buf[12] >> 4 == hdrlen / 4 + 1, "data offset one more");
	require(buf[20] == PMTUFIX_TCPOPT_MSS && buf[21] == 4 &&
		pmtufix_get_be16(buf + 22) == mss, "the new option");
	require(!memcmp(buf + 24, hdr + 20, hdrlen - 20), "options moved up");
	require(!memcmp(buf, hdr, 12) && buf[13] == hdr[13] &&
		!memcmp(buf + 14, hdr + 14, 2) && !memcmp(buf + 18, hdr + 18, 2),
		"fixed header kept");
	require(csum_same(pmtufix_get_be16(buf + 16),
			  full_csum(v6, buf, hdrlen + 4, NULL, 0)),
		"checksum after insert equals a full recomputation");

	require(!pmtufix_tcp_scan(buf, hdrlen + 4, &again),
		"the header after insertion walks");
	require(again.nmss == o->nmss + 1 && again.off[0] == 20,
		"the new option comes first");
	for (i = 0; i < o->nmss; i++)
		require(again.off[i + 1] == o->off[i] + 4, "the others moved");
	free(buf);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned int roffs[PMTUFIX_MAX_MSS_OPTS + 1], rn, i;
	size_t seglen, hdrlen, plen;
	struct pmtufix_tcp_opts o;
	u16 mss, min = 0xffff;
	u8 *hdr, flags;
	bool v6;
	int r, rr;

	if (size < 3 + PMTUFIX_TCPHDR_MIN)
		return 0;
	flags = data[0];
	mss = pmtufix_get_be16(data + 1);
	data += 3;
	seglen = size - 3;
	v6 = flags & FLAG_V6;
	hdrlen = flags & FLAG_HDRLEN ? flags >> 2 : (data[12] >> 4) * 4u;
	if (hdrlen > seglen)
		return 0;	/* the caller checks the header is there */
	plen = seglen - hdrlen;
	if (plen > 2048)
		plen = 2048;

	/* The header alone at the end of its own allocation. */
	hdr = malloc(hdrlen ? hdrlen : 1);
	if (!hdr)
		abort();
	memcpy(hdr, data, hdrlen);

	memset(&o, 0xa5, sizeof(o));
	r = pmtufix_tcp_scan(hdr, hdrlen, &o);
	rr = ref_scan(hdr, hdrlen, roffs, &rn);
	require(!memcmp(hdr, data, hdrlen), "the walk wrote");
	require(r == rr, "walk and reference agree on the verdict");
	if (r < 0) {
		struct pmtufix_csum_edit edits[PMTUFIX_MAX_MSS_OPTS];

		require(o.nmss == 0, "a malformed header offers no option");
		require(pmtufix_tcp_clamp(hdr, hdrlen, &o, mss, edits) == 0,
			"nothing to clamp in a malformed header");
		require(!memcmp(hdr, data, hdrlen),
			"a malformed header is never modified");
		free(hdr);
		return 0;
	}
	require(o.nmss == rn, "walk and reference find as many MSS options");
	for (i = 0; i < rn; i++) {
		require(o.off[i] == roffs[i], "walk and reference offsets");
		if (pmtufix_get_be16(hdr + roffs[i] + 2) < min)
			min = pmtufix_get_be16(hdr + roffs[i] + 2);
	}
	require(pmtufix_tcp_min_mss(hdr, &o) == min, "smallest MSS");

	if (hdrlen + PMTUFIX_TCPOLEN_MSS <= PMTUFIX_TCPHDR_MAX)
		check_insert(v6, hdr, hdrlen, &o, mss);
	else
		require(pmtufix_tcp_insert_mss(hdr, hdrlen, mss) == -1 &&
			!memcmp(hdr, data, hdrlen), "no room: no insertion");

	check_clamp(v6, hdr, hdrlen, data + hdrlen, plen, &o, mss);
	free(hdr);
	return 0;
}

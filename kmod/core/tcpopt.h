/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP option walk and MSS rewrite on a TCP header in a byte buffer.
 *
 * The walk is strict: an option whose length is 0 or 1, or runs past the
 * header, or an MSS option whose length is not 4, makes the header
 * malformed, and a malformed header is never written.  Every MSS option is
 * clamped (a receiver may honour any of them).  Checksum changes are
 * reported as even-aligned windows (old and new bytes), for the caller to
 * apply: the module with inet_proto_csum_replace*(), the tests and fuzzers
 * with the reference arithmetic of tests/ref/csum.c.
 */
#ifndef _PMTUFIX_CORE_TCPOPT_H
#define _PMTUFIX_CORE_TCPOPT_H

#include "types.h"

#define PMTUFIX_TCPHDR_MIN	20
#define PMTUFIX_TCPHDR_MAX	60
#define PMTUFIX_TCPOPT_EOL	0
#define PMTUFIX_TCPOPT_NOP	1
#define PMTUFIX_TCPOPT_MSS	2
#define PMTUFIX_TCPOLEN_MSS	4
/* At most 10 MSS options fit in 40 bytes of options. */
#define PMTUFIX_MAX_MSS_OPTS	10

/* TCP flags byte (offset 13). */
#define PMTUFIX_TCP_FIN		0x01
#define PMTUFIX_TCP_SYN		0x02
#define PMTUFIX_TCP_RST		0x04
#define PMTUFIX_TCP_ACK		0x10

/*
 * The incremental checksum update is exact only over 16-bit words that
 * start at an even offset of the checksummed data.  A field at an odd
 * offset (an MSS option after a single NOP) is widened to the even-aligned
 * window around it first; the largest such window, for a 2-byte field, is
 * PMTUFIX_CSUM_WINDOW_MAX bytes.
 */
#define PMTUFIX_CSUM_WINDOW_MAX 4

/*
 * The even-aligned window covering bytes [off, off + len) of the data:
 * returns its length and stores its first offset in *start.
 */
static inline unsigned int pmtufix_csum_window(unsigned int off,
					       unsigned int len,
					       unsigned int *start)
{
	unsigned int end = off + len;

	*start = off & ~1U;
	return ((end + 1) & ~1U) - *start;
}

struct pmtufix_tcp_opts {
	unsigned int nmss;			/* MSS options found */
	unsigned int off[PMTUFIX_MAX_MSS_OPTS];	/* offsets of their kind byte */
};

/*
 * Walks the options of the TCP header at @tcph, @hdrlen bytes long (its
 * data offset * 4, present in the buffer).  Returns 0 and fills @opts, or
 * -1 with no MSS option in @opts if the options are malformed or @hdrlen
 * is not a multiple of 4 in 20..60.  An EOL ends the walk: what follows
 * it is padding, never read.
 */
int pmtufix_tcp_scan(const u8 *tcph, unsigned int hdrlen,
		     struct pmtufix_tcp_opts *opts);

/* A checksum change for the caller to apply: old and new bytes of a window. */
struct pmtufix_csum_edit {
	unsigned int off;	/* even offset from the start of the TCP header */
	unsigned int len;	/* 2 or 4 */
	u8 from[PMTUFIX_CSUM_WINDOW_MAX];
	u8 to[PMTUFIX_CSUM_WINDOW_MAX];
};

/*
 * Lowers the MSS option at @off, an offset from a scan of this header, to
 * @mss if it is above.  Returns true and stores the checksum edit in @e
 * when it was rewritten; false, touching nothing, when it was at or below
 * @mss or @off is not an MSS option of this header.
 */
bool pmtufix_tcp_clamp_one(u8 *tcph, unsigned int hdrlen, unsigned int off,
			   u16 mss, struct pmtufix_csum_edit *e);

/*
 * Lowers every MSS option of @opts that is above @mss to @mss; one at or
 * below @mss is left alone.  Returns the number of options rewritten and
 * stores one checksum edit for each in @edits (room for
 * PMTUFIX_MAX_MSS_OPTS), in the order they were made: each option as
 * pmtufix_tcp_clamp_one() does it.  A window never extends past @hdrlen.
 */
unsigned int pmtufix_tcp_clamp(u8 *tcph, unsigned int hdrlen,
			       const struct pmtufix_tcp_opts *opts, u16 mss,
			       struct pmtufix_csum_edit *edits);

/*
 * Inserts an MSS option carrying @mss right after the fixed header, moving
 * the existing options 4 bytes up and raising the data offset by one.  The
 * buffer must hold @hdrlen + 4 bytes and the segment must carry no data
 * (the caller checks).  Returns 0, or -1 without touching anything when
 * @hdrlen is not a multiple of 4 in 20..56.
 *
 * The TCP checksum is not touched.  The change to it is: the TCP length in
 * the pseudo-header grows by 4, the 4 option bytes at offset 20 were 0 and
 * are now the option, and the 16-bit word at offset 12 (data offset and
 * flags) changed; the options that moved keep their word alignment and do
 * not count.  The module applies that with inet_proto_csum_replace*(),
 * others with pmtufix_tcp_insert_csum().
 */
int pmtufix_tcp_insert_mss(u8 *tcph, unsigned int hdrlen, u16 mss);

#endif /* _PMTUFIX_CORE_TCPOPT_H */

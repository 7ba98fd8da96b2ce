/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP option walk and MSS rewrite on a TCP header in a byte buffer.
 *
 * The walk is strict: an option whose length is 0 or 1, or runs past the
 * header, or an MSS option whose length is not 4, makes the header
 * malformed, and a malformed header is never written.  Every MSS option is
 * clamped (a receiver may honour any of them).  Checksum changes are
 * reported as even-aligned windows (old and new bytes), for the caller to
 * apply: the module with inet_proto_csum_replace*(), tests and fuzzers with
 * pmtufix_csum_replace().
 */
#ifndef _PMTUFIX_CORE_TCPOPT_H
#define _PMTUFIX_CORE_TCPOPT_H

#include "types.h"
#include "csum.h"

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

struct pmtufix_tcp_opts {
	unsigned int nmss;			/* MSS options found */
	unsigned int off[PMTUFIX_MAX_MSS_OPTS];	/* offsets of their kind byte */
};

/*
 * Walks the options of the TCP header at @tcph, @hdrlen bytes long (its
 * data offset * 4, already checked to be 20..60 and present in the
 * buffer).  Returns 0 and fills @opts, or -1 if the options are malformed.
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
 * Lowers every MSS option of @opts that is above @mss to @mss.  Returns the
 * number of options rewritten and stores one checksum edit for each in
 * @edits (room for PMTUFIX_MAX_MSS_OPTS).  @hdrlen bounds the windows.
 */
unsigned int pmtufix_tcp_clamp(u8 *tcph, unsigned int hdrlen,
			       const struct pmtufix_tcp_opts *opts, u16 mss,
			       struct pmtufix_csum_edit *edits);

/*
 * The smallest MSS option value in @opts (0xffff if none): what the
 * sender of the SYN advertises.
 */
u16 pmtufix_tcp_min_mss(const u8 *tcph, const struct pmtufix_tcp_opts *opts);

/*
 * Inserts an MSS option carrying @mss right after the fixed header, moving
 * the existing options 4 bytes up and raising the data offset by one.  The
 * buffer must hold @hdrlen + 4 bytes, @hdrlen must be at most 56 and the
 * segment must carry no data (the caller checks).  The TCP checksum is not
 * touched: the caller adds the 4 option bytes, the data offset change and
 * the 4 more bytes of TCP length to it (see pmtufix_tcp_insert_csum()).
 */
void pmtufix_tcp_insert_mss(u8 *tcph, unsigned int hdrlen, u16 mss);

/*
 * For callers without checksum offload: updates the checksum of a segment
 * that went through pmtufix_tcp_insert_mss(), whose old TCP length (the
 * pseudo-header's) was @oldlen.
 */
void pmtufix_tcp_insert_csum(u8 *tcph, unsigned int oldlen, u8 old_doff_byte);

#endif /* _PMTUFIX_CORE_TCPOPT_H */

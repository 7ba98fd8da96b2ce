/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference Internet checksum arithmetic (RFC 1071, RFC 1624) on byte
 * buffers, for the unit tests and fuzzers: what the module does with the
 * kernel's inet_proto_csum_replace*(), done here in plain C so the tests
 * can check the core's checksum edits byte for byte.  Not linked into the
 * module.
 */
#ifndef _PMTUFIX_TESTS_REF_CSUM_H
#define _PMTUFIX_TESTS_REF_CSUM_H

#include "core/tcpopt.h"

/* One's complement sum of @len bytes, big-endian 16-bit words, added to @sum. */
u32 pmtufix_csum_add(u32 sum, const u8 *buf, unsigned int len);

/* Fold a 32-bit partial sum to 16 bits (not complemented). */
u16 pmtufix_csum_fold(u32 sum);

/*
 * RFC 1624 eqn. 3: the checksum field @check (2 bytes, big-endian) covers
 * data in which the even-aligned window @old of @len bytes (len even)
 * became @new; update it.
 */
void pmtufix_csum_replace(u8 *check, const u8 *old, const u8 *new,
			  unsigned int len);

/*
 * The smallest MSS option value in @opts (0xffff if none): what the
 * sender of the SYN advertises.
 */
u16 pmtufix_tcp_min_mss(const u8 *tcph, const struct pmtufix_tcp_opts *opts);

/*
 * Updates the checksum of a segment that went through
 * pmtufix_tcp_insert_mss() when it was @oldlen bytes long (the TCP length
 * of the pseudo-header before) and byte 12 of its header was
 * @old_doff_byte.  For IPv4 and IPv6 alike.
 */
void pmtufix_tcp_insert_csum(u8 *tcph, unsigned int oldlen, u8 old_doff_byte);

#endif /* _PMTUFIX_TESTS_REF_CSUM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum arithmetic (RFC 1071, RFC 1624) on byte buffers.
 *
 * The incremental update is exact only over 16-bit words that start at an
 * even offset of the checksummed data.  A field at an odd offset (an MSS
 * option after a single NOP) has to be widened to the even-aligned window
 * around it first: pmtufix_csum_window() does that, and both the module and
 * the tests go through it.
 */
#ifndef _PMTUFIX_CORE_CSUM_H
#define _PMTUFIX_CORE_CSUM_H

#include "types.h"

/* Largest window pmtufix_csum_window() returns, for a field of 2 bytes. */
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

#endif /* _PMTUFIX_CORE_CSUM_H */

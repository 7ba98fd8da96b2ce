/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz harnesses check the core against, written apart from it:
 * the option walk of RFC 9293, section 3.2.  Header only, for the
 * harnesses of this directory.
 */
#ifndef _PMTUFIX_FUZZ_TCPREF_H
#define _PMTUFIX_FUZZ_TCPREF_H

#include <stddef.h>

/*
 * Walks the options of the @hdrlen-byte TCP header @h: returns -1 when
 * @hdrlen is not a multiple of 4 in 20..60 or an option is malformed (a
 * length below 2 or past the header, an MSS option not 4 bytes long),
 * else 0 with the offsets of the MSS options in @offs (room for 10) and
 * their count in @n.
 */
static inline int ref_scan(const unsigned char *h, size_t hdrlen,
			   unsigned int *offs, unsigned int *n)
{
	size_t pos = 20;

	*n = 0;
	if (hdrlen < 20 || hdrlen > 60 || hdrlen % 4)
		return -1;
	while (pos < hdrlen && h[pos] != 0) {
		size_t len;

		if (h[pos] == 1) {
			pos++;
			continue;
		}
		if (pos + 1 >= hdrlen)
			return -1;
		len = h[pos + 1];
		if (len < 2 || pos + len > hdrlen)
			return -1;
		if (h[pos] == 2) {
			if (len != 4)
				return -1;
			offs[(*n)++] = pos;
		}
		pos += len;
	}
	return 0;
}

#endif /* _PMTUFIX_FUZZ_TCPREF_H */

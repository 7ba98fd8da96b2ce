// SPDX-License-Identifier: GPL-2.0
/*
 * Reference checksum arithmetic for the tests; see csum.h.
 */
#include "csum.h"

u32 pmtufix_csum_add(u32 sum, const u8 *buf, unsigned int len)
{
	u64 acc = sum;
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		acc += pmtufix_get_be16(buf + i);
	if (len & 1)
		acc += (u32)buf[len - 1] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (u32)acc;
}

u16 pmtufix_csum_fold(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

void pmtufix_csum_replace(u8 *check, const u8 *old, const u8 *new,
			  unsigned int len)
{
	u64 acc = (u16)~pmtufix_get_be16(check);
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2) {
		acc += (u16)~pmtufix_get_be16(old + i);
		acc += pmtufix_get_be16(new + i);
	}
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	pmtufix_put_be16(check, (u16)~pmtufix_csum_fold((u32)acc));
}

u16 pmtufix_tcp_min_mss(const u8 *tcph, const struct pmtufix_tcp_opts *opts)
{
	unsigned int i;
	u16 min = 0xffff, v;

	for (i = 0; i < opts->nmss && i < PMTUFIX_MAX_MSS_OPTS; i++) {
		v = pmtufix_get_be16(tcph + opts->off[i] + 2);
		if (v < min)
			min = v;
	}
	return min;
}

/*
 * The options moved up by 4 bytes, an even distance: their 16-bit words
 * stay words and their sum does not change.  What changes is the TCP
 * length in the pseudo-header, the new option's word and the data offset.
 */
void pmtufix_tcp_insert_csum(u8 *tcph, unsigned int oldlen, u8 old_doff_byte)
{
	u8 *check = tcph + 16;
	u8 from[4], to[4];

	/* As a 32-bit word, the IPv6 form; the IPv4 length has 16 bits. */
	pmtufix_put_be16(from, oldlen >> 16);
	pmtufix_put_be16(from + 2, oldlen & 0xffff);
	pmtufix_put_be16(to, (oldlen + PMTUFIX_TCPOLEN_MSS) >> 16);
	pmtufix_put_be16(to + 2, (oldlen + PMTUFIX_TCPOLEN_MSS) & 0xffff);
	pmtufix_csum_replace(check, from, to, 4);

	memset(from, 0, sizeof(from));
	pmtufix_csum_replace(check, from, tcph + PMTUFIX_TCPHDR_MIN,
			     PMTUFIX_TCPOLEN_MSS);

	from[0] = old_doff_byte;
	from[1] = tcph[13];
	pmtufix_csum_replace(check, from, tcph + 12, 2);
}

// SPDX-License-Identifier: GPL-2.0
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a table, an entry and a layer may hold, and what a table may be
 * called: one definition that the module, the command and the iptables
 * extension all include, so that the three accept the same things.
 */
#ifndef _PMTUFIX_CORE_LIMITS_H
#define _PMTUFIX_CORE_LIMITS_H

#include "types.h"
#include <linux/pmtufix.h>

/*
 * The smallest MTU each family must carry: 68 for IPv4 (RFC 791, "every
 * internet module must be able to forward a datagram of 68 octets"), 1280
 * for IPv6 (RFC 8200, section 5).
 */
#define PMTUFIX_MIN_MTU4	68
#define PMTUFIX_MIN_MTU6	1280

/* An entry's base MTU: from the IPv4 minimum up to what a u16 length holds. */
#define PMTUFIX_MTU_MIN		PMTUFIX_MIN_MTU4
#define PMTUFIX_MTU_MAX		65535

/*
 * The MSS a peer assumes when a SYN carries no MSS option: 536 for IPv4
 * (RFC 9293, section 3.7.1: 576 - 20 - 20) and 1220 for IPv6 (RFC 8200,
 * section 8.3: 1280 - 40 - 20).  An option the module inserts never
 * announces more, so inserting one never raises what the peer may send.
 */
#define PMTUFIX_DEFAULT_MSS4	536
#define PMTUFIX_DEFAULT_MSS6	1220

/* Layer counts: raw bytes, MPLS labels, Geneve option bytes. */
#define PMTUFIX_RAW_MAX		1024
#define PMTUFIX_MPLS_MAX	8
/* Geneve's option length is 6 bits of 4-byte words (RFC 8926, 3.4). */
#define PMTUFIX_GENEVE_OPT_MAX	252

/*
 * A table name: 1 to PMTUFIX_TABLE_NAME_LEN - 1 bytes of ASCII letters,
 * digits, '_', '.' and '-', NUL-terminated within @size bytes, not starting
 * with '-' (it would read as an option on the command line).  Locale-free,
 * so that the module and the tools agree on every byte.
 */
static inline bool pmtufix_table_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static inline bool pmtufix_table_name_valid(const char *name)
{
	size_t i;

	if (name[0] == '-')
		return false;
	for (i = 0; i < PMTUFIX_TABLE_NAME_LEN && name[i]; i++)
		if (!pmtufix_table_name_char(name[i]))
			return false;
	return i > 0 && i < PMTUFIX_TABLE_NAME_LEN;
}

#endif /* _PMTUFIX_CORE_LIMITS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet-path core (kmod/core/) is plain C over byte buffers: it is
 * compiled into the module and, unchanged, into the userspace unit tests and
 * fuzzers.  This header is the only place that knows which of the two it is
 * being built for.
 */
#ifndef _PMTUFIX_CORE_TYPES_H
#define _PMTUFIX_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/string.h>
#include <linux/stddef.h>

/* Table builds walk millions of prefixes: let others run now and then. */
static inline void pmtufix_resched(u32 i)
{
	if (!(i & 0xffff))
		cond_resched();
}
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* The kernel's attribute macros the core uses. */
#define __packed __attribute__((packed))

static inline void pmtufix_resched(u32 i)
{
	(void)i;
}
#endif

static inline u16 pmtufix_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline void pmtufix_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

#endif /* _PMTUFIX_CORE_TYPES_H */

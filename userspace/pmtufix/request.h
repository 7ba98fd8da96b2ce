/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Requests more than one subcommand makes: a change acknowledged and
 * nothing more (table create, set, destroy; stats reset), and the list of
 * tables (table list and show, lookup, stats).
 */
#ifndef _PMTUFIX_REQUEST_H
#define _PMTUFIX_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "genl.h"

/* How often a dump interrupted by a change is started again. */
#define PMTUFIX_DUMP_TRIES	5

/* A u32 attribute of a request. */
struct pmtufix_u32_attr {
	uint16_t type;
	uint32_t value;
};

/*
 * Sends @cmd for table @name (NULL: no table attribute) with the @n
 * attributes of @attrs, in their order, and waits for the ack.  Returns 0,
 * or 1 after printing "pmtufix ACTION: CAUSE".
 */
int pmtufix_simple_request(const char *action, uint8_t cmd, const char *name,
			   const struct pmtufix_u32_attr *attrs, size_t n);

/*
 * Every table of the namespace (@name NULL) or just @name, into *@out
 * (malloc'ed) and *@n; a dump interrupted by a change is started again.
 * Returns 0 or a negative errno for pmtufix_nl_perror().
 */
int pmtufix_get_tables(struct pmtufix_nl *h, const char *name,
		       struct pmtufix_table_reply **out, size_t *n);

#endif

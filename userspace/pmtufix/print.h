/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An entry of a reply as `table show' prints it, as text and as JSON, and
 * its counters as `lookup' adds them to its own JSON object.
 */
#ifndef _PMTUFIX_PRINT_H
#define _PMTUFIX_PRINT_H

#include <stdio.h>

#include "genl.h"
#include "json.h"

/* One line under the header of `table show', two with too-big counters. */
void pmtufix_print_entry(FILE *out, const struct pmtufix_entry_reply *r);

/* The entry as an object of the "entries" array. */
void pmtufix_json_entry(struct json *j, const struct pmtufix_entry_reply *r);

/* The counters, as members of the object being written. */
void pmtufix_json_entry_counters(struct json *j,
				 const struct pmtufix_entry_reply *r);

#endif

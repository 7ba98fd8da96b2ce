/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arrays the command fills from replies and files: malloc'ed, their
 * capacity doubling as they fill.
 */
#ifndef _PMTUFIX_ARRAY_H
#define _PMTUFIX_ARRAY_H

#include <stdlib.h>

/*
 * Room for element @n of @base, which holds *@cap elements of @size bytes:
 * @base itself while there is room, else a copy with *@cap doubled (@first
 * when 0), or NULL when memory is short, @base then left as it was.
 */
static inline void *array_grow(void *base, size_t *cap, size_t n,
			       size_t size, size_t first)
{
	size_t c;
	void *p;

	if (n < *cap)
		return base;
	c = *cap ? *cap * 2 : first;
	p = realloc(base, c * size);
	if (p)
		*cap = c;
	return p;
}

#endif

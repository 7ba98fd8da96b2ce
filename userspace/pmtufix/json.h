/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: it keeps track of commas, escapes strings
 * and nothing else.
 */
#ifndef _PMTUFIX_JSON_H
#define _PMTUFIX_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each depth */
	int after_key;
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_null(struct json *j);
void json_bool(struct json *j, int v);

/* Shorthands for "key": value members. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_u64(struct json *j, const char *key, uint64_t v);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for what people type: prefixes, layer words, table entries and
 * table files.  No side effects (no I/O, no globals, no allocation), so that
 * they can be fuzzed and unit-tested directly.
 *
 * Layer words (the same in table files, `table add' and `overhead'):
 *
 *   raw BYTES | ipip | sit | ip6ip6 [noencaplimit] | ipip6 [noencaplimit]
 *   gre [key] [seq] [csum] | gretap [key] [seq] [csum]
 *   ip6gre [key] [seq] [csum] [noencaplimit] | ip6gretap [...]
 *   vxlan | vxlan6 | geneve [opt BYTES] | geneve6 [opt BYTES]
 *   wireguard | wireguard6 | pppoe | mpls [LABELS] | fou | gue
 *   esp MODE CIPHER [INTEGRITY] [icv BITS] [natt]
 *     MODE       transport | tunnel | tunnel6
 *     CIPHER     aes-gcm | aes-ccm | chacha20-poly1305 | aes-gmac  (AEAD)
 *                aes-cbc | aes-ctr | 3des-cbc | null
 *     INTEGRITY  hmac-md5 | hmac-sha1 | hmac-sha256 | hmac-sha384 |
 *                hmac-sha512 | aes-xcbc | aes-cmac   (not with AEAD)
 *
 * An entry is: PREFIX [mtu N] [LAYER...]
 */
#ifndef _PMTUFIX_PARSE_H
#define _PMTUFIX_PARSE_H

#include <stddef.h>

#include "core/layers.h"

struct pmtufix_entry_spec {
	unsigned int family;		/* PMTUFIX_IPV4 or PMTUFIX_IPV6 */
	u8 addr[16];			/* network order; host bits zero */
	unsigned int plen;
	u32 mtu;			/* base MTU, 0 for the table's */
	unsigned int nlayers;
	struct pmtufix_layer layers[PMTUFIX_MAX_LAYERS];
};

/*
 * Where and why parsing failed.  @column is 1-based, counting bytes of the
 * line (or, for argv parsers, the index of the bad word, 1-based); @msg
 * quotes the offending token, e.g. "unknown layer `ipipx'".
 */
struct pmtufix_parse_error {
	unsigned int column;
	char msg[160];
};

/*
 * "192.0.2.0/24", "2001:db8::/32"; a bare address is a host prefix.  Bits
 * set past the prefix length are an error (the message suggests the
 * network address).
 */
int pmtufix_parse_prefix(const char *s, struct pmtufix_entry_spec *e,
			 struct pmtufix_parse_error *err);

/* An address of either family, for lookups: 0, or -1 and @err. */
int pmtufix_parse_addr(const char *s, unsigned int *family, u8 addr[16],
		       struct pmtufix_parse_error *err);

/*
 * Layer words: @argc words of @argv, appended to @layers (*@nlayers in,
 * updated).  Each layer is checked with pmtufix_layer_check().  0, or -1
 * and @err with the column set to the 1-based index of the bad word.
 */
int pmtufix_parse_layers(int argc, const char *const argv[],
			 struct pmtufix_layer *layers, unsigned int *nlayers,
			 struct pmtufix_parse_error *err);

/* An entry from words: PREFIX [mtu N] [LAYER...]. */
int pmtufix_parse_entry_argv(int argc, const char *const argv[],
			     struct pmtufix_entry_spec *e,
			     struct pmtufix_parse_error *err);

/*
 * One line of a table file (@len bytes, no newline needed, need not be
 * NUL-terminated).  Returns 1 for an entry (in @e), 0 for a blank or
 * comment line, -1 for an error (@err, column in bytes of the line).
 * Checks that the stack leaves room for TCP under the entry's own MTU, if
 * it has one; the table's default MTU is checked by the kernel.
 */
int pmtufix_parse_line(const char *line, size_t len,
		       struct pmtufix_entry_spec *e,
		       struct pmtufix_parse_error *err);

/*
 * Table settings: the words of `table create', `table set' and of the
 * `set' directive of table files, in the order requests and `table save'
 * give them.
 */
#define PMTUFIX_NSETTINGS	7

struct pmtufix_setting_desc {
	const char *word;	/* "too-big-rate" */
	u16 attr;		/* PMTUFIX_A_TOO_BIG_RATE */
	u32 min, max;
};

extern const struct pmtufix_setting_desc
	pmtufix_setting_descs[PMTUFIX_NSETTINGS];

/* Settings given: bit k of @given says @value[k] holds setting k. */
struct pmtufix_settings {
	u32 given;
	u32 value[PMTUFIX_NSETTINGS];
};

/*
 * "WORD VALUE..." pairs, merged into @s (a setting given again takes the
 * last value).  0, or -1 and @err, the column the 1-based index of the bad
 * word.
 */
int pmtufix_parse_settings(int argc, const char *const argv[],
			   struct pmtufix_settings *s,
			   struct pmtufix_parse_error *err);

/* What a line of a table file or of a restore file holds. */
enum pmtufix_line_kind {
	PMTUFIX_LINE_BLANK,	/* empty or a comment */
	PMTUFIX_LINE_ENTRY,	/* PREFIX [mtu N] [LAYER...] */
	PMTUFIX_LINE_SET,	/* set WORD VALUE... */
	PMTUFIX_LINE_TABLE,	/* table NAME: starts a table (restore) */
};

struct pmtufix_line {
	struct pmtufix_entry_spec entry;	/* PMTUFIX_LINE_ENTRY */
	struct pmtufix_settings settings;	/* PMTUFIX_LINE_SET */
	char table[PMTUFIX_TABLE_NAME_LEN];	/* PMTUFIX_LINE_TABLE */
};

/*
 * One line of a table or restore file, as pmtufix_parse_line() but also
 * taking `set' and `table' directives: the enum pmtufix_line_kind, or -1
 * and @err (column in bytes).
 */
int pmtufix_parse_file_line(const char *line, size_t len,
			    struct pmtufix_line *out,
			    struct pmtufix_parse_error *err);

/* A table name that is not refused: see pmtufix_table_name_valid(). */
int pmtufix_check_table_name(const char *name,
			     struct pmtufix_parse_error *err);

/*
 * Layer words back from layers, in the form the parsers accept: writes a
 * NUL-terminated string into @buf (@size bytes) and returns its length, or
 * the length it would need (like snprintf).
 */
int pmtufix_format_layers(const struct pmtufix_layer *layers,
			  unsigned int n, char *buf, size_t size);

/* "192.0.2.0/24" back from an entry; @buf of at least 50 bytes. */
void pmtufix_format_prefix(const struct pmtufix_entry_spec *e, char *buf,
			   size_t size);

/*
 * An entry as a table file line, without the newline: "PREFIX [mtu N]
 * [LAYER...]", which pmtufix_parse_line() reads back to the same entry.
 * Returns the length, or the length it would need (like snprintf).
 */
int pmtufix_format_entry(const struct pmtufix_entry_spec *e, char *buf,
			 size_t size);

#endif /* _PMTUFIX_PARSE_H */

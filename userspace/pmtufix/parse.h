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
 * Layer words back from layers, in the form the parsers accept: writes a
 * NUL-terminated string into @buf (@size bytes) and returns its length, or
 * the length it would need (like snprintf).
 */
int pmtufix_format_layers(const struct pmtufix_layer *layers,
			  unsigned int n, char *buf, size_t size);

/* "192.0.2.0/24" back from an entry; @buf of at least 50 bytes. */
void pmtufix_format_prefix(const struct pmtufix_entry_spec *e, char *buf,
			   size_t size);

#endif /* _PMTUFIX_PARSE_H */

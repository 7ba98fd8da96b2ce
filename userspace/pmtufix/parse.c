// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for prefixes, layer words, entries and table file lines (see
 * parse.h).  Everything works on words: a table file line is first cut
 * into words, remembering where each starts, and an error's word index is
 * turned back into a byte column at the end.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/limits.h"
#include "parse.h"

/* A valid entry has at most 3 + 8 * 7 words; leave room for mistakes. */
#define LINE_MAX_WORDS	96
#define WORD_MAX	64	/* longer words are never valid */

struct layer_word {
	const char *name;
	u16 type;
	u32 flags;
};

static const struct layer_word layer_words[] = {
	{ "raw", PMTUFIX_LAYER_RAW, 0 },
	{ "ipip", PMTUFIX_LAYER_IPIP, 0 },
	{ "sit", PMTUFIX_LAYER_SIT, 0 },
	{ "ip6ip6", PMTUFIX_LAYER_IP6IP6, 0 },
	{ "ipip6", PMTUFIX_LAYER_IPIP6, 0 },
	{ "gre", PMTUFIX_LAYER_GRE, 0 },
	{ "gretap", PMTUFIX_LAYER_GRETAP, 0 },
	{ "ip6gre", PMTUFIX_LAYER_IP6GRE, 0 },
	{ "ip6gretap", PMTUFIX_LAYER_IP6GRETAP, 0 },
	{ "vxlan", PMTUFIX_LAYER_VXLAN, 0 },
	{ "vxlan6", PMTUFIX_LAYER_VXLAN, PMTUFIX_LAYER_F_UNDERLAY6 },
	{ "geneve", PMTUFIX_LAYER_GENEVE, 0 },
	{ "geneve6", PMTUFIX_LAYER_GENEVE, PMTUFIX_LAYER_F_UNDERLAY6 },
	{ "wireguard", PMTUFIX_LAYER_WIREGUARD, 0 },
	{ "wireguard6", PMTUFIX_LAYER_WIREGUARD, PMTUFIX_LAYER_F_UNDERLAY6 },
	{ "pppoe", PMTUFIX_LAYER_PPPOE, 0 },
	{ "mpls", PMTUFIX_LAYER_MPLS, 0 },
	{ "fou", PMTUFIX_LAYER_FOU, 0 },
	{ "gue", PMTUFIX_LAYER_GUE, 0 },
	{ "esp", PMTUFIX_LAYER_ESP, 0 },
};

/* Flag words, valid where pmtufix_layer_check() allows the flag. */
static const struct {
	const char *name;
	u32 flag;
} flag_words[] = {
	{ "key", PMTUFIX_LAYER_F_GRE_KEY },
	{ "seq", PMTUFIX_LAYER_F_GRE_SEQ },
	{ "csum", PMTUFIX_LAYER_F_GRE_CSUM },
	{ "noencaplimit", PMTUFIX_LAYER_F_NO_ENCAPLIMIT },
	{ "natt", PMTUFIX_LAYER_F_NATT },
};

/* Indexed by the enums of linux/pmtufix.h. */
static const char *const esp_modes[__PMTUFIX_ESP_MODE_MAX] = {
	[PMTUFIX_ESP_TRANSPORT] = "transport",
	[PMTUFIX_ESP_TUNNEL] = "tunnel",
	[PMTUFIX_ESP_TUNNEL6] = "tunnel6",
};

static const char *const esp_ciphers[__PMTUFIX_ESP_CIPHER_MAX] = {
	[PMTUFIX_ESP_AES_GCM] = "aes-gcm",
	[PMTUFIX_ESP_AES_CCM] = "aes-ccm",
	[PMTUFIX_ESP_CHACHA20_POLY1305] = "chacha20-poly1305",
	[PMTUFIX_ESP_AES_GMAC] = "aes-gmac",
	[PMTUFIX_ESP_AES_CBC] = "aes-cbc",
	[PMTUFIX_ESP_AES_CTR] = "aes-ctr",
	[PMTUFIX_ESP_3DES_CBC] = "3des-cbc",
	[PMTUFIX_ESP_NULL] = "null",
};

static const char *const esp_integs[__PMTUFIX_ESP_INTEG_MAX] = {
	[PMTUFIX_ESP_HMAC_MD5] = "hmac-md5",
	[PMTUFIX_ESP_HMAC_SHA1] = "hmac-sha1",
	[PMTUFIX_ESP_HMAC_SHA256] = "hmac-sha256",
	[PMTUFIX_ESP_HMAC_SHA384] = "hmac-sha384",
	[PMTUFIX_ESP_HMAC_SHA512] = "hmac-sha512",
	[PMTUFIX_ESP_AES_XCBC] = "aes-xcbc",
	[PMTUFIX_ESP_AES_CMAC] = "aes-cmac",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The words being parsed; @base is added to indexes in error columns. */
struct words {
	const char *const *w;
	int n;
	int base;
	struct pmtufix_parse_error *err;
};

/*
 * A token fit to be quoted in a message: at most 40 bytes, control bytes
 * shown as '?', so that garbage cannot garble a terminal.
 */
static const char *quote(const char *s, char *buf, size_t size)
{
	size_t i, max = size - 4;

	for (i = 0; s[i] && i < max && i < 40; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* Sets the error at word @i (0-based) of @ws; returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail_at(const struct words *ws, int i, const char *fmt, ...)
{
	va_list ap;

	if (ws->err) {
		ws->err->column = ws->base + i + 1;
		va_start(ap, fmt);
		vsnprintf(ws->err->msg, sizeof(ws->err->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A decimal number; a larger one than 0xffffffff reads as 0xffffffff. */
static int parse_uint(const char *s, u32 *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!*s)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v <= 0xffffffffULL)
			v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	*out = v > 0xffffffffULL ? 0xffffffff : (u32)v;
	return 0;
}

static int lookup(const char *const *table, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i] && !strcmp(table[i], s))
			return (int)i;
	return -1;
}

static const struct layer_word *find_layer(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layer_words); i++)
		if (!strcmp(layer_words[i].name, s))
			return &layer_words[i];
	return NULL;
}

/* The flag a word names if the layer may take it, else 0. */
static u32 flag_of(const struct pmtufix_layer *l, const char *s)
{
	struct pmtufix_layer t = *l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_words); i++) {
		if (strcmp(flag_words[i].name, s))
			continue;
		/* Ask the core whether the type takes it. */
		t.flags = flag_words[i].flag;
		t.count = 0;
		t.type = l->type;
		if (l->type == PMTUFIX_LAYER_ESP) {
			t.esp_mode = PMTUFIX_ESP_TRANSPORT;
			t.esp_cipher = PMTUFIX_ESP_AES_GCM;
			t.esp_integ = 0;
			t.esp_icv = 0;
		} else if (l->type == PMTUFIX_LAYER_RAW ||
			   l->type == PMTUFIX_LAYER_MPLS) {
			t.count = 1;
		}
		return pmtufix_layer_check(&t, NULL) ? 0 : flag_words[i].flag;
	}
	return 0;
}

/*
 * The number after word @i, for @what of layer word @at: must exist and
 * be at most @max.
 */
static int number_after(const struct words *ws, int *i, int at,
			const char *what, u32 max, u32 *out)
{
	char q[48];

	if (*i + 1 >= ws->n)
		return fail_at(ws, at, "%s: missing %s", ws->w[at], what);
	++*i;
	if (parse_uint(ws->w[*i], out))
		return fail_at(ws, *i, "%s: %s `%s' is not a number", ws->w[at],
			       what, quote(ws->w[*i], q, sizeof(q)));
	if (*out > max)
		return fail_at(ws, *i, "%s: %s `%s' is out of range (at most %u)",
			       ws->w[at], what, ws->w[*i], max);
	return 0;
}

/* "esp MODE CIPHER": the two words that must follow esp. */
static int parse_esp_head(const struct words *ws, int *i, int at,
			  struct pmtufix_layer *l)
{
	char q[48];
	int v;

	if (*i + 1 >= ws->n)
		return fail_at(ws, at, "esp: missing mode (transport, tunnel or tunnel6)");
	v = lookup(esp_modes, ARRAY_SIZE(esp_modes), ws->w[++*i]);
	if (v < 0)
		return fail_at(ws, *i, "esp: unknown mode `%s' (transport, tunnel or tunnel6)",
			       quote(ws->w[*i], q, sizeof(q)));
	l->esp_mode = (u8)v;
	if (*i + 1 >= ws->n)
		return fail_at(ws, at, "esp: missing cipher");
	v = lookup(esp_ciphers, ARRAY_SIZE(esp_ciphers), ws->w[++*i]);
	if (v < 0)
		return fail_at(ws, *i, "esp: unknown cipher `%s'",
			       quote(ws->w[*i], q, sizeof(q)));
	l->esp_cipher = (u8)v;
	return 0;
}

/*
 * One option word @i of layer @l (layer word at @at).  Returns 1 if it was
 * one (and consumed it and any value), 0 if it is not an option of this
 * layer (the next layer starts there), -1 on error.
 */
static int parse_option(const struct words *ws, int *i, int at,
			struct pmtufix_layer *l, int *icv_at)
{
	const char *s = ws->w[*i];
	u32 v, flag;
	int integ;

	flag = flag_of(l, s);
	if (flag) {
		if (l->flags & flag)
			return fail_at(ws, *i, "%s: `%s' given twice", ws->w[at], s);
		l->flags |= flag;
		return 1;
	}
	if (l->type == PMTUFIX_LAYER_ESP) {
		integ = lookup(esp_integs, ARRAY_SIZE(esp_integs), s);
		if (integ > 0) {
			if (l->esp_integ)
				return fail_at(ws, *i, "esp: a second integrity algorithm `%s'", s);
			l->esp_integ = (u8)integ;
			return 1;
		}
		if (!strcmp(s, "icv")) {
			if (l->esp_icv)
				return fail_at(ws, *i, "esp: `icv' given twice");
			if (number_after(ws, i, at, "icv bits", 0xffff, &v))
				return -1;
			if (!v)
				return fail_at(ws, *i, "esp: icv 0 is not valid");
			*icv_at = *i;
			l->esp_icv = (u16)v;
			return 1;
		}
	}
	if (l->type == PMTUFIX_LAYER_GENEVE && !strcmp(s, "opt")) {
		if (l->count)
			return fail_at(ws, *i, "%s: `opt' given twice", ws->w[at]);
		if (number_after(ws, i, at, "option bytes",
				 PMTUFIX_GENEVE_OPT_MAX, &v))
			return -1;
		if (!v || v % 4)
			return fail_at(ws, *i, "%s: option bytes `%s' must be a multiple of 4 from 4 to %u",
				       ws->w[at], ws->w[*i],
				       PMTUFIX_GENEVE_OPT_MAX);
		l->count = (u16)v;
		return 1;
	}
	if (l->type == PMTUFIX_LAYER_MPLS && !parse_uint(s, &v)) {
		if (l->count != 1 || at + 1 != *i)
			return 0;
		if (v < 1 || v > PMTUFIX_MPLS_MAX)
			return fail_at(ws, *i, "mpls: label count `%s' is out of range (1..%u)",
				       s, PMTUFIX_MPLS_MAX);
		l->count = (u16)v;
		return 1;
	}
	return 0;
}

/* The words a layer takes before its options: raw's count, esp's head. */
static int parse_layer_head(const struct words *ws, int *i, int at,
			    struct pmtufix_layer *l)
{
	u32 v;

	switch (l->type) {
	case PMTUFIX_LAYER_RAW:
		if (number_after(ws, i, at, "byte count", PMTUFIX_RAW_MAX,
				 &v))
			return -1;
		if (!v)
			return fail_at(ws, *i, "raw: byte count 0 is out of range (1..%u)",
				       PMTUFIX_RAW_MAX);
		l->count = (u16)v;
		return 0;
	case PMTUFIX_LAYER_MPLS:
		l->count = 1;
		return 0;
	case PMTUFIX_LAYER_ESP:
		return parse_esp_head(ws, i, at, l);
	default:
		return 0;
	}
}

/* One layer from word *@i on; leaves *@i on its last word. */
static int parse_layer(const struct words *ws, int *i,
		       struct pmtufix_layer *l)
{
	const struct layer_word *lw;
	const char *why;
	int at = *i, icv_at = -1, r;
	char q[48];

	lw = find_layer(ws->w[at]);
	if (!lw) {
		if (!strcmp(ws->w[at], "mtu"))
			return fail_at(ws, at, "`mtu' must come right after the prefix");
		return fail_at(ws, at, "unknown layer `%s'",
			       quote(ws->w[at], q, sizeof(q)));
	}
	memset(l, 0, sizeof(*l));
	l->type = lw->type;
	l->flags = lw->flags;
	if (parse_layer_head(ws, i, at, l))
		return -1;
	while (*i + 1 < ws->n) {
		++*i;
		r = parse_option(ws, i, at, l, &icv_at);
		if (r < 0)
			return -1;
		if (!r) {
			--*i;
			break;
		}
	}
	if (pmtufix_layer_check(l, &why)) {
		/* Point at the icv when it is what the core refused. */
		struct pmtufix_layer t = *l;

		t.esp_icv = 0;
		if (icv_at >= 0 && !pmtufix_layer_check(&t, NULL))
			at = icv_at;
		return fail_at(ws, at, "%s", why);
	}
	return 0;
}

static int parse_layer_words(const struct words *ws,
			     struct pmtufix_layer *layers,
			     unsigned int *nlayers)
{
	struct pmtufix_layer l;
	char q[48];
	int i;

	for (i = 0; i < ws->n; i++) {
		int at = i;

		if (parse_layer(ws, &i, &l))
			return -1;
		if (*nlayers >= PMTUFIX_MAX_LAYERS)
			return fail_at(ws, at, "too many layers at `%s' (at most %d)",
				       quote(ws->w[at], q, sizeof(q)),
				       PMTUFIX_MAX_LAYERS);
		layers[(*nlayers)++] = l;
	}
	return 0;
}

int pmtufix_parse_layers(int argc, const char *const argv[],
			 struct pmtufix_layer *layers, unsigned int *nlayers,
			 struct pmtufix_parse_error *err)
{
	struct words ws = { argv, argc, 0, err };

	return parse_layer_words(&ws, layers, nlayers);
}

static void mask_prefix(u8 *addr, unsigned int bytes, unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		if (plen >= 8)
			plen -= 8;
		else if (plen) {
			addr[i] &= (u8)(0xff << (8 - plen));
			plen = 0;
		} else {
			addr[i] = 0;
		}
	}
}

/* inet_pton of either family; the family is told by the presence of ':'. */
static int addr_from_string(const char *s, unsigned int *family, u8 addr[16])
{
	memset(addr, 0, 16);
	if (strchr(s, ':')) {
		*family = PMTUFIX_IPV6;
		return inet_pton(AF_INET6, s, addr) == 1 ? 0 : -1;
	}
	*family = PMTUFIX_IPV4;
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -1;
}

static void format_addr(unsigned int family, const u8 *addr, char *buf,
			size_t size)
{
	if (!inet_ntop(family == PMTUFIX_IPV6 ? AF_INET6 : AF_INET, addr, buf,
		       (socklen_t)size))
		snprintf(buf, size, "?");
}

/* Word @i of @ws as a prefix into @e (family, addr, plen). */
static int parse_prefix_word(const struct words *ws, int i,
			     struct pmtufix_entry_spec *e)
{
	const char *s = ws->w[i], *slash = strchr(s, '/');
	char addr[WORD_MAX], q[48], net[INET6_ADDRSTRLEN];
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max;
	u8 masked[16];
	u32 plen;

	if (alen >= sizeof(addr) || !alen)
		return fail_at(ws, i, "`%s' is not an IPv4 or IPv6 address",
			       quote(s, q, sizeof(q)));
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (addr_from_string(addr, &e->family, e->addr)) {
		memset(e->addr, 0, sizeof(e->addr));
		return fail_at(ws, i, "`%s' is not an IPv4 or IPv6 address",
			       quote(addr, q, sizeof(q)));
	}
	max = e->family == PMTUFIX_IPV6 ? 128 : 32;
	plen = max;
	if (slash && parse_uint(slash + 1, &plen))
		return fail_at(ws, i, "bad prefix length `%s'",
			       quote(slash + 1, q, sizeof(q)));
	if (plen > max)
		return fail_at(ws, i, "prefix length %s is out of range for IPv%u",
			       quote(slash + 1, q, sizeof(q)), e->family);
	e->plen = plen;
	memcpy(masked, e->addr, sizeof(masked));
	mask_prefix(masked, max / 8, plen);
	if (memcmp(masked, e->addr, max / 8)) {
		format_addr(e->family, masked, net, sizeof(net));
		return fail_at(ws, i, "%s has host bits set (network: %s/%u)",
			       quote(s, q, sizeof(q)), net, plen);
	}
	return 0;
}

int pmtufix_parse_prefix(const char *s, struct pmtufix_entry_spec *e,
			 struct pmtufix_parse_error *err)
{
	struct words ws = { &s, 1, 0, err };

	memset(e, 0, sizeof(*e));
	return parse_prefix_word(&ws, 0, e);
}

int pmtufix_parse_addr(const char *s, unsigned int *family, u8 addr[16],
		       struct pmtufix_parse_error *err)
{
	struct words ws = { &s, 1, 0, err };
	char q[48];

	if (strlen(s) < WORD_MAX && !addr_from_string(s, family, addr))
		return 0;
	memset(addr, 0, 16);
	return fail_at(&ws, 0, "`%s' is not an IPv4 or IPv6 address",
		       quote(s, q, sizeof(q)));
}

/* The stack must leave an MSS under the entry's own MTU. */
static int check_room(const struct words *ws, int at,
		      const struct pmtufix_entry_spec *e)
{
	u32 inner;

	if (!e->mtu || !e->nlayers)
		return 0;
	inner = pmtufix_stack_mtu(e->layers, e->nlayers, e->family, e->mtu);
	if (pmtufix_mtu_to_mss(e->family, inner))
		return 0;
	return fail_at(ws, at, "mtu %u leaves no room for TCP behind these layers (inner MTU %u)",
		       e->mtu, inner);
}

/* PREFIX [mtu N] [LAYER...] */
static int parse_entry_words(const struct words *ws,
			     struct pmtufix_entry_spec *e)
{
	struct words rest = *ws;
	int mtu_at = -1, i = 0;

	memset(e, 0, sizeof(*e));
	if (ws->n < 1)
		return fail_at(ws, 0, "missing prefix");
	if (parse_prefix_word(ws, 0, e))
		return -1;
	rest.w++;
	rest.n--;
	rest.base++;
	if (rest.n && !strcmp(rest.w[0], "mtu")) {
		u32 v;

		mtu_at = 2;
		if (number_after(&rest, &i, 0, "value", 0xffffffff, &v))
			return -1;
		if (v < PMTUFIX_MTU_MIN || v > PMTUFIX_MTU_MAX)
			return fail_at(ws, 2, "mtu %s is out of range (%u..%u)",
				       ws->w[2], PMTUFIX_MTU_MIN,
				       PMTUFIX_MTU_MAX);
		e->mtu = v;
		rest.w += 2;
		rest.n -= 2;
		rest.base += 2;
	}
	if (parse_layer_words(&rest, e->layers, &e->nlayers))
		return -1;
	return check_room(ws, mtu_at, e);
}

int pmtufix_parse_entry_argv(int argc, const char *const argv[],
			     struct pmtufix_entry_spec *e,
			     struct pmtufix_parse_error *err)
{
	struct words ws = { argv, argc, 0, err };

	return parse_entry_words(&ws, e);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Cuts @line into NUL-terminated words in @store, their starts in @words
 * and their byte offsets in @cols.  Stops at '#'.  Returns the number of
 * words, or -1 with @err set.
 */
static int split_line(const char *line, size_t len, char *store,
		      const char **words, unsigned int *cols,
		      struct pmtufix_parse_error *err)
{
	size_t i = 0, w;
	int n = 0;

	while (i < len && line[i] != '#') {
		if (line[i] == '\0') {
			err->column = (unsigned int)i + 1;
			snprintf(err->msg, sizeof(err->msg), "NUL byte in the line");
			return -1;
		}
		if (is_blank(line[i])) {
			i++;
			continue;
		}
		if (n == LINE_MAX_WORDS) {
			err->column = (unsigned int)i + 1;
			snprintf(err->msg, sizeof(err->msg),
				 "too many words (at most %d)", LINE_MAX_WORDS);
			return -1;
		}
		cols[n] = (unsigned int)i + 1;
		words[n] = store;
		for (w = 0; i < len && line[i] && line[i] != '#' &&
			    !is_blank(line[i]); i++, w++) {
			if (w + 1 >= WORD_MAX) {
				err->column = cols[n];
				snprintf(err->msg, sizeof(err->msg),
					 "word too long (more than %d bytes)",
					 WORD_MAX - 1);
				return -1;
			}
			*store++ = line[i];
		}
		*store++ = '\0';
		n++;
	}
	return n;
}

const struct pmtufix_setting_desc pmtufix_setting_descs[PMTUFIX_NSETTINGS] = {
	{ "mtu", PMTUFIX_A_MTU, PMTUFIX_MTU_MIN, PMTUFIX_MTU_MAX },
	{ "floor4", PMTUFIX_A_FLOOR4, 0, PMTUFIX_MTU_MAX },
	{ "floor6", PMTUFIX_A_FLOOR6, 0, PMTUFIX_MTU_MAX },
	{ "too-big-rate", PMTUFIX_A_TOO_BIG_RATE, 0, 0xfffffffe },
	{ "too-big-burst", PMTUFIX_A_TOO_BIG_BURST, 1,
	  PMTUFIX_MAX_TOO_BIG_BURST },
	{ "too-big-src-rate", PMTUFIX_A_TOO_BIG_SRC_RATE, 0, 0xfffffffe },
	{ "too-big-src-burst", PMTUFIX_A_TOO_BIG_SRC_BURST, 1,
	  PMTUFIX_MAX_TOO_BIG_BURST },
};

static int parse_setting_words(const struct words *ws,
			       struct pmtufix_settings *s)
{
	const struct pmtufix_setting_desc *d;
	unsigned int k;
	char q[48];
	u32 v;
	int i;

	for (i = 0; i < ws->n; i += 2) {
		for (k = 0; k < PMTUFIX_NSETTINGS; k++)
			if (!strcmp(ws->w[i], pmtufix_setting_descs[k].word))
				break;
		if (k == PMTUFIX_NSETTINGS)
			return fail_at(ws, i, "unknown setting `%s' (mtu, floor4, floor6, too-big-rate, too-big-burst, too-big-src-rate, too-big-src-burst)",
				       quote(ws->w[i], q, sizeof(q)));
		if (i + 1 >= ws->n)
			return fail_at(ws, i, "`%s' needs a value", ws->w[i]);
		d = &pmtufix_setting_descs[k];
		if (parse_uint(ws->w[i + 1], &v) || v < d->min || v > d->max)
			return fail_at(ws, i + 1, "%s `%s' is out of range (%u..%u)",
				       d->word, quote(ws->w[i + 1], q, sizeof(q)),
				       d->min, d->max);
		s->value[k] = v;
		s->given |= 1U << k;
	}
	return 0;
}

int pmtufix_parse_settings(int argc, const char *const argv[],
			   struct pmtufix_settings *s,
			   struct pmtufix_parse_error *err)
{
	struct words ws = { argv, argc, 0, err };

	return parse_setting_words(&ws, s);
}

/* Word @i of @ws is a table name: 0, or -1 and the error. */
static int name_word(const struct words *ws, int i)
{
	char q[48];

	if (pmtufix_table_name_valid(ws->w[i]))
		return 0;
	return fail_at(ws, i, "invalid table name `%s' (1 to %d letters, digits, `_', `.', `-', not starting with `-')",
		       quote(ws->w[i], q, sizeof(q)),
		       PMTUFIX_TABLE_NAME_LEN - 1);
}

int pmtufix_check_table_name(const char *name,
			     struct pmtufix_parse_error *err)
{
	struct words ws = { &name, 1, 0, err };

	return name_word(&ws, 0);
}

/* The words of a file line after its first: a directive's arguments. */
static int parse_directive(const struct words *ws, struct pmtufix_line *out)
{
	struct words rest = { ws->w + 1, ws->n - 1, 1, ws->err };

	if (!strcmp(ws->w[0], "set")) {
		if (!rest.n)
			return fail_at(ws, 0, "set: missing settings");
		if (parse_setting_words(&rest, &out->settings))
			return -1;
		return PMTUFIX_LINE_SET;
	}
	if (ws->n != 2)
		return fail_at(ws, ws->n > 2 ? 2 : 0,
			       "table: one table name expected");
	if (name_word(ws, 1))
		return -1;
	snprintf(out->table, sizeof(out->table), "%s", ws->w[1]);
	return PMTUFIX_LINE_TABLE;
}

/*
 * Cuts a line into words and parses them: entries only (@out NULL, the
 * entry in @e) or directives too.  The kind of line, or -1 and @err.
 */
static int parse_words_of(const char *line, size_t len,
			  struct pmtufix_entry_spec *e,
			  struct pmtufix_line *out,
			  struct pmtufix_parse_error *err)
{
	char store[LINE_MAX_WORDS * WORD_MAX];
	const char *words[LINE_MAX_WORDS];
	unsigned int cols[LINE_MAX_WORDS];
	struct pmtufix_parse_error dummy;
	struct words ws;
	int n, r;

	if (!err)
		err = &dummy;
	memset(e, 0, sizeof(*e));
	n = split_line(line, len, store, words, cols, err);
	if (n <= 0)
		return n;
	ws = (struct words){ words, n, 0, err };
	if (out && (!strcmp(words[0], "set") || !strcmp(words[0], "table")))
		r = parse_directive(&ws, out);
	else
		r = parse_entry_words(&ws, e) ? -1 : PMTUFIX_LINE_ENTRY;
	if (r >= 0)
		return r;
	/* Word index back to the byte column of that word. */
	err->column = err->column >= 1 && err->column <= (unsigned int)n ?
		      cols[err->column - 1] : 1;
	return -1;
}

int pmtufix_parse_line(const char *line, size_t len,
		       struct pmtufix_entry_spec *e,
		       struct pmtufix_parse_error *err)
{
	return parse_words_of(line, len, e, NULL, err);
}

int pmtufix_parse_file_line(const char *line, size_t len,
			    struct pmtufix_line *out,
			    struct pmtufix_parse_error *err)
{
	memset(&out->settings, 0, sizeof(out->settings));
	out->table[0] = '\0';
	return parse_words_of(line, len, &out->entry, out, err);
}

/* snprintf-like appending: *len counts what is needed, @buf gets what fits. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(*len < size ? buf + *len : NULL,
		      *len < size ? size - *len : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		*len += (size_t)r;
}

static const char *layer_name(const struct pmtufix_layer *l)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layer_words); i++)
		if (layer_words[i].type == l->type &&
		    layer_words[i].flags ==
		    (l->flags & PMTUFIX_LAYER_F_UNDERLAY6))
			return layer_words[i].name;
	return NULL;
}

static const char *name_in(const char *const *table, size_t n, unsigned int v)
{
	return v < n && table[v] ? table[v] : "?";
}

static void format_layer(const struct pmtufix_layer *l, char *buf,
			 size_t size, size_t *len)
{
	const char *name = layer_name(l);
	size_t i;

	if (!name) {
		append(buf, size, len, "unknown-%u", l->type);
		return;
	}
	append(buf, size, len, "%s", name);
	if (l->type == PMTUFIX_LAYER_RAW ||
	    (l->type == PMTUFIX_LAYER_MPLS && l->count != 1))
		append(buf, size, len, " %u", l->count);
	if (l->type == PMTUFIX_LAYER_GENEVE && l->count)
		append(buf, size, len, " opt %u", l->count);
	if (l->type == PMTUFIX_LAYER_ESP) {
		append(buf, size, len, " %s %s",
		       name_in(esp_modes, ARRAY_SIZE(esp_modes), l->esp_mode),
		       name_in(esp_ciphers, ARRAY_SIZE(esp_ciphers),
			       l->esp_cipher));
		if (l->esp_integ)
			append(buf, size, len, " %s",
			       name_in(esp_integs, ARRAY_SIZE(esp_integs),
				       l->esp_integ));
		if (l->esp_icv)
			append(buf, size, len, " icv %u", l->esp_icv);
	}
	for (i = 0; i < ARRAY_SIZE(flag_words); i++)
		if (l->flags & flag_words[i].flag)
			append(buf, size, len, " %s", flag_words[i].name);
}

int pmtufix_format_layers(const struct pmtufix_layer *layers,
			  unsigned int n, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			append(buf, size, &len, " ");
		format_layer(&layers[i], buf, size, &len);
	}
	return (int)len;
}

/* @v in decimal at @p: the end. */
static char *put_uint(char *p, unsigned int v)
{
	char d[10];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = d[--n];
	return p;
}

/*
 * What inet_ntop() and snprintf() would write, without them for IPv4:
 * a save of a million entries spends most of its time here.
 */
void pmtufix_format_prefix(const struct pmtufix_entry_spec *e, char *buf,
			   size_t size)
{
	char s[INET6_ADDRSTRLEN + 4], *p = s;
	unsigned int i;
	size_t len;

	if (e->family == PMTUFIX_IPV6) {
		format_addr(e->family, e->addr, s, INET6_ADDRSTRLEN);
		p = s + strlen(s);
	} else {
		for (i = 0; i < 4; i++) {
			p = put_uint(p, e->addr[i]);
			*p++ = i < 3 ? '.' : '/';
		}
		p--;
	}
	*p++ = '/';
	p = put_uint(p, e->plen);
	len = (size_t)(p - s);
	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

int pmtufix_format_entry(const struct pmtufix_entry_spec *e, char *buf,
			 size_t size)
{
	char pfx[INET6_ADDRSTRLEN + 8];
	size_t len = 0;
	unsigned int i;

	if (size)
		buf[0] = '\0';
	pmtufix_format_prefix(e, pfx, sizeof(pfx));
	append(buf, size, &len, "%s", pfx);
	if (e->mtu)
		append(buf, size, &len, " mtu %u", e->mtu);
	for (i = 0; i < e->nlayers; i++) {
		append(buf, size, &len, " ");
		format_layer(&e->layers[i], buf, size, &len);
	}
	return (int)len;
}

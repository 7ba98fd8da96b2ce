// SPDX-License-Identifier: GPL-2.0
/*
 * The parsers of userspace/pmtufix/parse.c: good and bad table lines with
 * the exact messages and columns, prefixes, and the round trip of every
 * valid layer through pmtufix_format_layers() and back.
 */
#include <string.h>

/* The parser is userspace code, not in kmod/core: build it in here. */
#include "../../userspace/pmtufix/parse.c"
#include "unit.h"

static int parse_str(const char *line, struct pmtufix_entry_spec *e,
		     struct pmtufix_parse_error *err)
{
	memset(err, 0, sizeof(*err));
	return pmtufix_parse_line(line, strlen(line), e, err);
}

static void expect_entry(const char *line, const char *prefix, u32 mtu,
			 const char *layers)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	char buf[512];
	int r = parse_str(line, &e, &err);

	CHECK_EQ(r, 1, "`%s': col %u %s", line, err.column, err.msg);
	if (r != 1)
		return;
	pmtufix_format_prefix(&e, buf, sizeof(buf));
	CHECK(!strcmp(buf, prefix), "`%s': prefix %s, want %s", line, buf,
	      prefix);
	CHECK_EQ(e.mtu, mtu, "`%s'", line);
	pmtufix_format_layers(e.layers, e.nlayers, buf, sizeof(buf));
	CHECK(!strcmp(buf, layers), "`%s': layers `%s', want `%s'", line, buf,
	      layers);
}

static void expect_error(const char *line, unsigned int column,
			 const char *msg)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	int r = parse_str(line, &e, &err);

	CHECK_EQ(r, -1, "`%s' accepted", line);
	CHECK_EQ(err.column, column, "`%s': %s", line, err.msg);
	CHECK(!strcmp(err.msg, msg), "`%s': message `%s', want `%s'", line,
	      err.msg, msg);
}

static void test_good_lines(void)
{
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;

	expect_entry("192.0.2.10 ipip", "192.0.2.10/32", 0, "ipip");
	expect_entry("10.20.0.0/16 mtu 1500 esp tunnel aes-gcm",
		     "10.20.0.0/16", 1500, "esp tunnel aes-gcm");
	expect_entry("\t2001:db8::/32\tmtu  9000 vxlan6 \t esp transport "
		     "aes-cbc hmac-sha256 icv 96 natt   # a comment",
		     "2001:db8::/32", 9000,
		     "vxlan6 esp transport aes-cbc hmac-sha256 icv 96 natt");
	/* Options in any order, printed in one order. */
	expect_entry("0.0.0.0/0 gre csum key seq", "0.0.0.0/0", 0,
		     "gre key seq csum");
	expect_entry("::/0 ip6gretap noencaplimit key", "::/0", 0,
		     "ip6gretap key noencaplimit");
	expect_entry("10.0.0.0/8 esp tunnel6 aes-ctr natt icv 128 aes-cmac",
		     "10.0.0.0/8", 0, "esp tunnel6 aes-ctr aes-cmac icv 128 natt");
	expect_entry("10.0.0.0/8 mpls mpls 3 raw 4 mpls 1", "10.0.0.0/8", 0,
		     "mpls mpls 3 raw 4 mpls");
	expect_entry("10.0.0.0/8 geneve opt 8 geneve6 wireguard wireguard6",
		     "10.0.0.0/8", 0, "geneve opt 8 geneve6 wireguard wireguard6");
	expect_entry("10.0.0.0/8 pppoe fou gue sit ip6ip6 ipip6 noencaplimit",
		     "10.0.0.0/8", 0,
		     "pppoe fou gue sit ip6ip6 ipip6 noencaplimit");
	expect_entry("10.0.0.0/8", "10.0.0.0/8", 0, "");
	expect_entry("10.0.0.0/8 mtu 68", "10.0.0.0/8", 68, "");
	expect_entry("::ffff:192.0.2.0/120 mtu 65535", "::ffff:192.0.2.0/120",
		     65535, "");
	expect_entry("10.0.0.0/8 raw 1 raw 2 raw 3 raw 4 raw 5 raw 6 raw 7 raw 8",
		     "10.0.0.0/8", 0,
		     "raw 1 raw 2 raw 3 raw 4 raw 5 raw 6 raw 7 raw 8");
	expect_entry("10.0.0.0/8 ipip\r\n", "10.0.0.0/8", 0, "ipip");
	expect_entry("10.0.0.0/8#ipip", "10.0.0.0/8", 0, "");

	/* Blank and comment lines. */
	CHECK_EQ(parse_str("", &e, &err), 0, "empty");
	CHECK_EQ(parse_str("  \t ", &e, &err), 0, "blank");
	CHECK_EQ(parse_str("# 10.0.0.0/8 ipip", &e, &err), 0, "comment");
	CHECK_EQ(parse_str("   #", &e, &err), 0, "comment");

	/* @len bytes only: what follows is not read. */
	CHECK_EQ(pmtufix_parse_line("10.0.0.0/8 ipipXYZ", 15, &e, &err), 1,
		 "%s", err.msg);
	CHECK_EQ(e.nlayers, 1, "len respected");
	CHECK_EQ(pmtufix_parse_line("10.0.0.0/8 ipip", 0, &e, &err), 0, "len 0");
}

static void test_bad_lines(void)
{
	char line[700];
	int i;

	expect_error("10.0.0.0/8 ipipx", 12, "unknown layer `ipipx'");
	expect_error("  10.0.0.0/8\tipip\tgre  ipipx", 24,
		     "unknown layer `ipipx'");
	expect_error("192.0.2.0/33 ipip", 1,
		     "prefix length 33 is out of range for IPv4");
	expect_error("2001:db8::/129", 1,
		     "prefix length 129 is out of range for IPv6");
	expect_error("192.0.2.1/24 ipip", 1,
		     "192.0.2.1/24 has host bits set (network: 192.0.2.0/24)");
	expect_error("2001:db8::1/64", 1,
		     "2001:db8::1/64 has host bits set (network: 2001:db8::/64)");
	expect_error("192.0.2.0/2x", 1, "bad prefix length `2x'");
	expect_error("192.0.2.0/", 1, "bad prefix length `'");
	expect_error("192.0.2/24", 1, "`192.0.2' is not an IPv4 or IPv6 address");
	expect_error("ipip", 1, "`ipip' is not an IPv4 or IPv6 address");
	expect_error("/8", 1, "`/8' is not an IPv4 or IPv6 address");
	expect_error("10.0.0.0/8 mtu 0", 16, "mtu 0 is out of range (68..65535)");
	expect_error("10.0.0.0/8 mtu 65536", 16,
		     "mtu 65536 is out of range (68..65535)");
	expect_error("10.0.0.0/8 mtu 99999999999999", 16,
		     "mtu 99999999999999 is out of range (68..65535)");
	expect_error("10.0.0.0/8 mtu", 12, "mtu: missing value");
	expect_error("10.0.0.0/8 mtu -1", 16, "mtu: value `-1' is not a number");
	expect_error("10.0.0.0/8 ipip mtu 1400", 17,
		     "`mtu' must come right after the prefix");
	expect_error("10.0.0.0/8 esp tunnel aes-cbc", 12,
		     "esp: cipher aes-cbc needs an integrity algorithm");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm hmac-sha1", 12,
		     "esp: cipher aes-gcm is AEAD and takes no integrity algorithm");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm icv 80", 35,
		     "esp: icv of aes-gcm must be 64, 96 or 128 bits");
	expect_error("10.0.0.0/8 esp tunnel aes-cbc hmac-sha1 icv 88", 45,
		     "esp: icv of hmac-sha1 must be a multiple of 8 from 96 to 160 bits");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm icv", 12,
		     "esp: missing icv bits");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm icv 0", 35,
		     "esp: icv 0 is not valid");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm icv 99999", 35,
		     "esp: icv bits `99999' is out of range (at most 65535)");
	expect_error("10.0.0.0/8 esp", 12,
		     "esp: missing mode (transport, tunnel or tunnel6)");
	expect_error("10.0.0.0/8 esp beet aes-gcm", 16,
		     "esp: unknown mode `beet' (transport, tunnel or tunnel6)");
	expect_error("10.0.0.0/8 esp tunnel", 12, "esp: missing cipher");
	expect_error("10.0.0.0/8 esp tunnel rot13", 23,
		     "esp: unknown cipher `rot13'");
	expect_error("10.0.0.0/8 esp tunnel aes-cbc hmac-sha1 hmac-md5", 41,
		     "esp: a second integrity algorithm `hmac-md5'");
	expect_error("10.0.0.0/8 esp tunnel aes-gcm natt natt", 36,
		     "esp: `natt' given twice");
	expect_error("10.0.0.0/8 gre key key", 20, "gre: `key' given twice");
	expect_error("10.0.0.0/8 ipip key", 17, "unknown layer `key'");
	expect_error("10.0.0.0/8 raw", 12, "raw: missing byte count");
	expect_error("10.0.0.0/8 raw 0", 16,
		     "raw: byte count 0 is out of range (1..1024)");
	expect_error("10.0.0.0/8 raw 1025", 16,
		     "raw: byte count `1025' is out of range (at most 1024)");
	expect_error("10.0.0.0/8 raw x", 16, "raw: byte count `x' is not a number");
	expect_error("10.0.0.0/8 mpls 9", 17,
		     "mpls: label count `9' is out of range (1..8)");
	expect_error("10.0.0.0/8 mpls 0", 17,
		     "mpls: label count `0' is out of range (1..8)");
	expect_error("10.0.0.0/8 geneve opt 6", 23,
		     "geneve: option bytes `6' must be a multiple of 4 from 4 to 252");
	expect_error("10.0.0.0/8 geneve6 opt 256", 24,
		     "geneve6: option bytes `256' is out of range (at most 252)");
	expect_error("10.0.0.0/8 mtu 100 esp tunnel aes-cbc hmac-sha512", 16,
		     "mtu 100 leaves no room for TCP behind these layers (inner MTU 14)");
	expect_error("10.0.0.0/8 mtu 100 raw 60", 16,
		     "mtu 100 leaves no room for TCP behind these layers (inner MTU 40)");
	expect_error("10.0.0.0/8 ipip ipip ipip ipip ipip ipip ipip ipip gre", 52,
		     "too many layers at `gre' (at most 8)");
	expect_error("10.0.0.0/8 \x01\x1b[31m", 12,
		     "unknown layer `??[31m'");

	/* Words that could never be valid, and overlong lines. */
	memset(line, 'a', sizeof(line));
	line[sizeof(line) - 1] = '\0';
	expect_error(line, 1, "word too long (more than 63 bytes)");
	for (i = 0; i < 300; i++)
		memcpy(line + i * 2, "a ", 2);
	line[600] = '\0';
	expect_error(line, 193, "too many words (at most 96)");
	{
		struct pmtufix_parse_error err;
		struct pmtufix_entry_spec e;

		CHECK_EQ(pmtufix_parse_line("10.0.0.0/8 ip\0ip", 16, &e, &err),
			 -1, "NUL");
		CHECK_EQ(err.column, 14, "%s", err.msg);
	}
}

static void test_argv(void)
{
	const char *good[] = { "2001:db8::/48", "mtu", "1400", "gre", "key",
			       "esp", "tunnel6", "chacha20-poly1305" };
	const char *bad[] = { "10.0.0.0/8", "mtu", "1400", "gre", "ipipx" };
	const char *layers[] = { "ipip", "esp", "transport", "aes-gcm" };
	struct pmtufix_layer ls[PMTUFIX_MAX_LAYERS];
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e;
	unsigned int n = 0, fam;
	u8 addr[16];

	CHECK_EQ(pmtufix_parse_entry_argv(8, good, &e, &err), 0, "%s", err.msg);
	CHECK_EQ(e.family, PMTUFIX_IPV6, "family");
	CHECK_EQ(e.plen, 48, "plen");
	CHECK_EQ(e.mtu, 1400, "mtu");
	CHECK_EQ(e.nlayers, 2, "layers");
	CHECK_EQ(e.layers[1].esp_cipher, PMTUFIX_ESP_CHACHA20_POLY1305, "cipher");
	CHECK_EQ(pmtufix_parse_entry_argv(5, bad, &e, &err), -1, "bad");
	CHECK_EQ(err.column, 5, "argv column is the word index");
	CHECK(!strcmp(err.msg, "unknown layer `ipipx'"), "%s", err.msg);
	CHECK_EQ(pmtufix_parse_entry_argv(0, bad, &e, &err), -1, "none");
	CHECK(!strcmp(err.msg, "missing prefix"), "%s", err.msg);

	CHECK_EQ(pmtufix_parse_layers(4, layers, ls, &n, &err), 0, "%s",
		 err.msg);
	CHECK_EQ(n, 2, "appended");
	CHECK_EQ(pmtufix_parse_layers(1, layers, ls, &n, &err), 0, "%s",
		 err.msg);
	CHECK_EQ(n, 3, "appended to what was there");
	CHECK_EQ(pmtufix_parse_layers(3, layers, ls, &n, &err), -1, "short");
	CHECK_EQ(err.column, 2, "%s", err.msg);
	CHECK(!strcmp(err.msg, "esp: missing cipher"), "%s", err.msg);
	/* Errors need no error struct. */
	CHECK_EQ(pmtufix_parse_layers(3, layers, ls, &n, NULL), -1, "short");

	CHECK_EQ(pmtufix_parse_addr("192.0.2.1", &fam, addr, &err), 0, "addr");
	CHECK(fam == PMTUFIX_IPV4 && addr[3] == 1, "addr");
	CHECK_EQ(pmtufix_parse_addr("2001:db8::1", &fam, addr, &err), 0, "addr");
	CHECK(fam == PMTUFIX_IPV6 && addr[15] == 1 && addr[3] == 0xb8, "addr");
	CHECK_EQ(pmtufix_parse_addr("192.0.2.1/32", &fam, addr, &err), -1, "rejected");
	CHECK(!strcmp(err.msg, "`192.0.2.1/32' is not an IPv4 or IPv6 address"),
	      "%s", err.msg);
	CHECK_EQ(pmtufix_parse_prefix("192.0.2.128/25", &e, &err), 0, "%s",
		 err.msg);
	CHECK(e.plen == 25 && e.addr[3] == 128, "prefix");
	CHECK_EQ(pmtufix_parse_prefix("192.0.2.129/25", &e, &err), -1, "rejected");
	CHECK(!strcmp(err.msg, "192.0.2.129/25 has host bits set (network: 192.0.2.128/25)"),
	      "%s", err.msg);
}

/* Layer words back to the same layer, and to the same words. */
static void round_trip(const struct pmtufix_layer *l, unsigned int *count)
{
	struct pmtufix_layer back[PMTUFIX_MAX_LAYERS];
	struct pmtufix_parse_error err;
	const char *argv[16];
	char buf[256], words[256], *p;
	unsigned int n = 0;
	int argc = 0, len;

	len = pmtufix_format_layers(l, 1, buf, sizeof(buf));
	CHECK_EQ(len, strlen(buf), "length");
	memcpy(words, buf, sizeof(words));
	for (p = strtok(words, " "); p && argc < 16; p = strtok(NULL, " "))
		argv[argc++] = p;
	if (pmtufix_parse_layers(argc, argv, back, &n, &err)) {
		CHECK(0, "`%s' does not parse: %s", buf, err.msg);
		return;
	}
	CHECK_EQ(n, 1, "%s", buf);
	CHECK(!memcmp(&back[0], l, sizeof(*l)), "`%s' parses differently",
	      buf);
	++*count;
}

/*
 * Every layer the core accepts, over every type, flag set, a range of
 * counts and every ESP combination, formats to words that parse back to
 * exactly that layer.
 */
static void test_round_trip_all(void)
{
	static const u16 counts[] = { 0, 1, 2, 4, 8, 9, 12, 252, 256, 1024 };
	static const u16 icvs[] = { 0, 64, 96, 104, 128, 160, 192, 256, 384,
				    512 };
	unsigned int type, flags, c, mode, cipher, integ, icv, count = 0;
	unsigned int esp = 0;

	for (type = 1; type < __PMTUFIX_LAYER_MAX; type++)
	for (flags = 0; flags <= PMTUFIX_LAYER_F_ALL; flags++)
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct pmtufix_layer l;

		memset(&l, 0, sizeof(l));
		l.type = type;
		l.flags = flags;
		l.count = counts[c];
		if (type != PMTUFIX_LAYER_ESP) {
			if (!pmtufix_layer_check(&l, NULL))
				round_trip(&l, &count);
			continue;
		}
		for (mode = 0; mode <= __PMTUFIX_ESP_MODE_MAX; mode++)
		for (cipher = 0; cipher <= __PMTUFIX_ESP_CIPHER_MAX; cipher++)
		for (integ = 0; integ <= __PMTUFIX_ESP_INTEG_MAX; integ++)
		for (icv = 0; icv < sizeof(icvs) / sizeof(icvs[0]); icv++) {
			l.esp_mode = mode;
			l.esp_cipher = cipher;
			l.esp_integ = integ;
			l.esp_icv = icvs[icv];
			if (!pmtufix_layer_check(&l, NULL)) {
				round_trip(&l, &count);
				esp++;
			}
		}
	}
	CHECK(count > 700, "layers round-tripped: %u", count);
	CHECK(esp > 500, "esp layers round-tripped: %u", esp);
}

static void test_format(void)
{
	struct pmtufix_layer l[2];
	char buf[8];
	int len;

	memset(l, 0, sizeof(l));
	l[0].type = PMTUFIX_LAYER_GRETAP;
	l[0].flags = PMTUFIX_LAYER_F_GRE_KEY;
	l[1].type = PMTUFIX_LAYER_WIREGUARD;
	l[1].flags = PMTUFIX_LAYER_F_UNDERLAY6;
	memset(buf, 'x', sizeof(buf));
	len = pmtufix_format_layers(l, 2, buf, sizeof(buf));
	CHECK_EQ(len, strlen("gretap key wireguard6"), "needed length");
	CHECK(!strcmp(buf, "gretap "), "truncated: `%s'", buf);
	CHECK_EQ(pmtufix_format_layers(l, 2, NULL, 0), len, "size 0");
	CHECK_EQ(pmtufix_format_layers(l, 0, buf, sizeof(buf)), 0, "none");
	CHECK(!buf[0], "empty string");
	l[0].type = 999;
	len = pmtufix_format_layers(l, 1, buf, sizeof(buf));
	CHECK(len > 0 && strlen(buf) < sizeof(buf), "unknown type formatted");
}

/* A file line: its kind, or -1 with the column and message. */
static int file_line(const char *line, struct pmtufix_line *pl,
		     struct pmtufix_parse_error *err)
{
	memset(err, 0, sizeof(*err));
	return pmtufix_parse_file_line(line, strlen(line), pl, err);
}

static void expect_file_error(const char *line, unsigned int column,
			      const char *msg)
{
	struct pmtufix_parse_error err;
	struct pmtufix_line pl;

	CHECK_EQ(file_line(line, &pl, &err), -1, "`%s' accepted", line);
	CHECK_EQ(err.column, column, "`%s': column (%s)", line, err.msg);
	CHECK(!strcmp(err.msg, msg), "`%s': `%s', want `%s'", line, err.msg,
	      msg);
}

/* set and table directives of table and restore files. */
static void test_directives(void)
{
	struct pmtufix_parse_error err;
	struct pmtufix_line pl;
	unsigned int k;

	CHECK_EQ(file_line("set mtu 1400 floor4 536 floor6 1220 too-big-rate 0 too-big-burst 1 too-big-src-rate 4294967294 too-big-src-burst 1000000",
			   &pl, &err), PMTUFIX_LINE_SET, "%s", err.msg);
	CHECK_EQ(pl.settings.given, (1U << PMTUFIX_NSETTINGS) - 1, "all given");
	CHECK_EQ(pl.settings.value[0], 1400, "mtu");
	CHECK_EQ(pl.settings.value[5], 4294967294U, "too-big-src-rate");
	CHECK_EQ(pl.settings.value[6], 1000000, "too-big-src-burst");
	for (k = 0; k < PMTUFIX_NSETTINGS; k++)
		CHECK(pmtufix_setting_descs[k].attr != 0, "setting %u", k);

	/* The last of a setting given twice; comments and blanks. */
	CHECK_EQ(file_line("  set\tfloor6 1300 floor6 1280 # two", &pl, &err),
		 PMTUFIX_LINE_SET, "%s", err.msg);
	CHECK_EQ(pl.settings.given, 1U << 2, "floor6 only");
	CHECK_EQ(pl.settings.value[2], 1280, "the last floor6");

	CHECK_EQ(file_line("table edge-1.a_b", &pl, &err), PMTUFIX_LINE_TABLE,
		 "%s", err.msg);
	CHECK(!strcmp(pl.table, "edge-1.a_b"), "table name `%s'", pl.table);
	CHECK_EQ(file_line("10.0.0.0/8 ipip", &pl, &err), PMTUFIX_LINE_ENTRY,
		 "%s", err.msg);
	CHECK_EQ(pl.entry.nlayers, 1, "the entry's layers");
	CHECK_EQ(file_line("   # nothing", &pl, &err), PMTUFIX_LINE_BLANK,
		 "comment");

	expect_file_error("set", 1, "set: missing settings");
	expect_file_error("set mtu", 5, "`mtu' needs a value");
	expect_file_error("set mtu 67", 9, "mtu `67' is out of range (68..65535)");
	expect_file_error("set floor4 65536", 12,
			  "floor4 `65536' is out of range (0..65535)");
	expect_file_error("set too-big-rate 4294967295", 18,
			  "too-big-rate `4294967295' is out of range (0..4294967294)");
	expect_file_error("set too-big-rate 99999999999", 18,
			  "too-big-rate `99999999999' is out of range (0..4294967294)");
	expect_file_error("set too-big-burst -1", 19,
			  "too-big-burst `-1' is out of range (1..1000000)");
	expect_file_error("set mtu 1400 rate 5", 14,
			  "unknown setting `rate' (mtu, floor4, floor6, too-big-rate, too-big-burst, too-big-src-rate, too-big-src-burst)");
	expect_file_error("table", 1, "table: one table name expected");
	expect_file_error("table a b", 9, "table: one table name expected");
	expect_file_error("table -a", 7,
			  "invalid table name `-a' (1 to 31 letters, digits, `_', `.', `-', not starting with `-')");
	expect_file_error("table a/b", 7,
			  "invalid table name `a/b' (1 to 31 letters, digits, `_', `.', `-', not starting with `-')");

	/* Entry-only parsing does not take directives. */
	CHECK_EQ(parse_str("set mtu 1400", &pl.entry, &err), -1,
		 "set in pmtufix_parse_line()");
	CHECK_EQ(pmtufix_table_name_valid("-a"), 0, "a name starting with -");
	CHECK_EQ(pmtufix_table_name_valid("a-"), 1, "a name with - after");
}

/* Entries back to lines that parse to the same entry and line again. */
static void test_format_entry(void)
{
	static const char *const lines[] = {
		"10.0.0.0/8",
		"0.0.0.0/0 mtu 9000",
		"2001:db8::/32 mtu 1400 esp tunnel6 aes-cbc hmac-sha256 icv 128 natt",
		"192.0.2.1/32 raw 12 mpls 3 gre key seq csum geneve6 opt 8",
		"::/0 ip6gretap key noencaplimit wireguard pppoe",
	};
	struct pmtufix_parse_error err;
	struct pmtufix_entry_spec e, again;
	char buf[512], buf2[512];
	size_t i;
	int len;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CHECK_EQ(parse_str(lines[i], &e, &err), 1, "`%s': %s", lines[i],
			 err.msg);
		len = pmtufix_format_entry(&e, buf, sizeof(buf));
		CHECK(!strcmp(buf, lines[i]), "`%s' formatted as `%s'",
		      lines[i], buf);
		CHECK_EQ(len, strlen(lines[i]), "`%s': length", lines[i]);
		CHECK_EQ(parse_str(buf, &again, &err), 1, "`%s'", buf);
		pmtufix_format_entry(&again, buf2, sizeof(buf2));
		CHECK(!strcmp(buf, buf2), "`%s' again as `%s'", buf, buf2);
	}
	CHECK_EQ(pmtufix_format_entry(&e, NULL, 0), len, "size 0");
}

/* IPv4 prefixes are formatted without inet_ntop(): the same text. */
static void test_format_prefix4(void)
{
	struct pmtufix_entry_spec e;
	char want[64], got[64], small[8];
	u32 x = 1;
	int i;

	memset(&e, 0, sizeof(e));
	e.family = PMTUFIX_IPV4;
	for (i = 0; i < 20000; i++) {
		x = x * 1103515245 + 12345;
		memcpy(e.addr, &x, 4);
		if (i < 3)
			memset(e.addr, i == 0 ? 0 : i == 1 ? 0xff : 0x0a, 4);
		e.plen = i % 33;
		inet_ntop(AF_INET, e.addr, want, sizeof(want));
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "/%u", e.plen);
		pmtufix_format_prefix(&e, got, sizeof(got));
		CHECK(!strcmp(want, got), "`%s' formatted as `%s'", want, got);
	}
	pmtufix_format_prefix(&e, small, sizeof(small));
	CHECK(!strncmp(small, want, sizeof(small) - 1) && !small[7],
	      "cut to the buffer: `%s'", small);
}

int main(void)
{
	test_good_lines();
	test_bad_lines();
	test_argv();
	test_round_trip_all();
	test_format();
	test_directives();
	test_format_entry();
	test_format_prefix4();
	return unit_done("parse");
}

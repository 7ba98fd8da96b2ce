// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix overhead [--mtu N] [-j|--json] LAYER...: the inner MTU and MSS
 * behind a stack of layers, for both families, computed by the same core
 * as the module.  Needs neither the module nor privileges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "json.h"
#include "parse.h"
#include "subcommands.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s overhead [--mtu N] [-j|--json] LAYER...\n"
		"\n"
		"Shows the MTU and TCP MSS left for IPv4 and IPv6 behind LAYER...\n"
		"(outermost first) on a link of MTU N (default 1500).  Layers:\n"
		"  raw BYTES | ipip | sit | ip6ip6 [noencaplimit] | ipip6 [noencaplimit]\n"
		"  gre|gretap [key] [seq] [csum] | ip6gre|ip6gretap [key] [seq] [csum] [noencaplimit]\n"
		"  vxlan | vxlan6 | geneve [opt BYTES] | geneve6 [opt BYTES]\n"
		"  wireguard | wireguard6 | pppoe | mpls [LABELS] | fou | gue\n"
		"  esp transport|tunnel|tunnel6 CIPHER [INTEGRITY] [icv BITS] [natt]\n"
		"    CIPHER     aes-gcm aes-ccm chacha20-poly1305 aes-gmac (AEAD),\n"
		"               aes-cbc aes-ctr 3des-cbc null\n"
		"    INTEGRITY  hmac-md5 hmac-sha1 hmac-sha256 hmac-sha384 hmac-sha512\n"
		"               aes-xcbc aes-cmac\n",
		prog);
}

void overhead_help(int argc, const char *argv[])
{
	usage(stdout);
}

static int parse_mtu(const char *s, u32 *mtu)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < PMTUFIX_MTU_MIN || v > PMTUFIX_MTU_MAX)
		return -1;
	*mtu = (u32)v;
	return 0;
}

static void print_text(u32 base, const char *words, const u32 mtu[2],
		       const u32 mss[2])
{
	printf("base MTU  %u\n", base);
	printf("layers    %s\n", *words ? words : "(none)");
	printf("          %6s %6s\n", "IPv4", "IPv6");
	printf("inner MTU %6u %6u\n", mtu[0], mtu[1]);
	printf("MSS       %6u %6u\n", mss[0], mss[1]);
}

static void print_pair(struct json *j, const char *key, const u32 v[2])
{
	json_key(j, key);
	json_object_begin(j);
	json_kv_u64(j, "ipv4", v[0]);
	json_kv_u64(j, "ipv6", v[1]);
	json_object_end(j);
}

static void print_json(u32 base, const char *words, const u32 mtu[2],
		       const u32 mss[2])
{
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_u64(&j, "base_mtu", base);
	json_kv_string(&j, "layers", words);
	print_pair(&j, "mtu", mtu);
	print_pair(&j, "mss", mss);
	json_object_end(&j);
}

int overhead_main(int argc, const char *argv[])
{
	struct pmtufix_layer layers[PMTUFIX_MAX_LAYERS];
	struct pmtufix_parse_error err;
	int json = pmtufix_json, i, nwords = 0;
	unsigned int n = 0;
	u32 base = PMTUFIX_DEFAULT_MTU, mtu[2], mss[2];
	char words[512];

	/* Options anywhere, the layer words in their order. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--mtu")) {
			if (++i >= argc) {
				fprintf(stderr, "pmtufix overhead: `--mtu' needs a value\n");
				return 2;
			}
			if (parse_mtu(argv[i], &base)) {
				fprintf(stderr, "pmtufix overhead: mtu `%s' is out of range (%u..%u)\n",
					argv[i], PMTUFIX_MTU_MIN,
					PMTUFIX_MTU_MAX);
				return 2;
			}
		} else if (strcmp(argv[i], "--")) {
			argv[nwords++] = argv[i];
		}
	}
	if (!nwords) {
		usage(stderr);
		return 2;
	}
	if (pmtufix_parse_layers(nwords, argv, layers, &n, &err)) {
		fprintf(stderr, "pmtufix overhead: %s\n", err.msg);
		return 2;
	}

	mtu[0] = pmtufix_stack_mtu(layers, n, PMTUFIX_IPV4, base);
	mtu[1] = pmtufix_stack_mtu(layers, n, PMTUFIX_IPV6, base);
	mss[0] = pmtufix_mtu_to_mss(PMTUFIX_IPV4, mtu[0]);
	mss[1] = pmtufix_mtu_to_mss(PMTUFIX_IPV6, mtu[1]);
	pmtufix_format_layers(layers, n, words, sizeof(words));

	if (json)
		print_json(base, words, mtu, mss);
	else
		print_text(base, words, mtu, mss);
	if (!mss[0] && !mss[1]) {
		fprintf(stderr, "pmtufix overhead: nothing fits behind these layers with mtu %u\n",
			base);
		return 1;
	}
	return 0;
}

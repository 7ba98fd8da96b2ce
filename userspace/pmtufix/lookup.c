// SPDX-License-Identifier: GPL-2.0
/*
 * pmtufix lookup NAME ADDRESS: which entry an address matches and what a
 * SYN from or to it gets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/pmtufix.h>

#include "genl.h"
#include "json.h"
#include "parse.h"
#include "print.h"
#include "request.h"
#include "subcommands.h"

struct lookup_ctx {
	int found;
	struct pmtufix_entry_reply r;
};

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lookup_ctx *ctx = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == PMTUFIX_A_ENTRY &&
		    !pmtufix_parse_reply_entry(a, &ctx->r))
			ctx->found = 1;
	return MNL_CB_OK;
}

int lookup_main(int argc, const char *argv[])
{
	const char *name = NULL, *addr = NULL;
	struct pmtufix_table_reply *t = NULL;
	struct pmtufix_parse_error err;
	struct lookup_ctx ctx = {};
	int json = pmtufix_json, i, ret;
	char action[128], pfx[64], layers[512];
	unsigned int family;
	struct nlmsghdr *nlh;
	struct pmtufix_nl h;
	uint8_t bytes[16];
	struct json j;
	size_t n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = 1;
		else if (!name)
			name = argv[i];
		else if (!addr)
			addr = argv[i];
		else
			name = NULL;
	}
	if (!name || !addr) {
		fprintf(stderr, "Usage: %s lookup NAME ADDRESS [-j|--json]\n",
			prog);
		return 2;
	}
	snprintf(action, sizeof(action), "lookup %s %s", name, addr);
	if (pmtufix_parse_addr(addr, &family, bytes, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", action, err.msg);
		return 2;
	}
	if (pmtufix_nl_open(&h, action))
		return 1;
	ret = pmtufix_get_tables(&h, name, &t, &n);
	if (!ret) {
		nlh = pmtufix_nl_request(&h, PMTUFIX_CMD_LOOKUP, NLM_F_ACK);
		mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, name);
		mnl_attr_put(nlh, PMTUFIX_A_ADDR,
			     family == PMTUFIX_IPV4 ? 4 : 16, bytes);
		ret = pmtufix_nl_talk(&h, nlh, lookup_cb, &ctx);
	}
	if (ret) {
		pmtufix_nl_perror(&h, action, ret);
		goto out;
	}

	if (ctx.found) {
		pmtufix_format_prefix(&ctx.r.spec, pfx, sizeof(pfx));
		pmtufix_format_layers(ctx.r.spec.layers, ctx.r.spec.nlayers,
				      layers, sizeof(layers));
	}
	if (json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_kv_string(&j, "table", name);
		json_kv_string(&j, "address", addr);
		json_key(&j, "entry");
		if (ctx.found) {
			json_object_begin(&j);
			json_kv_string(&j, "prefix", pfx);
			json_kv_u64(&j, "base_mtu",
				    ctx.r.spec.mtu ? ctx.r.spec.mtu : t->mtu);
			json_kv_string(&j, "layers", layers);
			json_kv_u64(&j, "inner_mtu", ctx.r.inner_mtu);
			json_kv_u64(&j, "mss", ctx.r.mss);
			pmtufix_json_entry_counters(&j, &ctx.r);
			json_object_end(&j);
		} else {
			json_null(&j);
		}
		json_object_end(&j);
	} else if (ctx.found) {
		printf("%s matches %s in table %s: %s\n", addr, pfx, name,
		       ctx.r.spec.nlayers ? layers : "no layers");
		printf("  base MTU %u (%s), inner MTU %u, MSS %u\n",
		       ctx.r.spec.mtu ? ctx.r.spec.mtu : t->mtu,
		       ctx.r.spec.mtu ? "the entry's" : "the table's default",
		       ctx.r.inner_mtu, ctx.r.mss);
		printf("  hits %llu, clamped %llu, too-big sent %llu, rate-limited %llu, icmp repaired %llu\n",
		       (unsigned long long)ctx.r.hits,
		       (unsigned long long)ctx.r.clamped,
		       (unsigned long long)ctx.r.too_big_sent,
		       (unsigned long long)ctx.r.too_big_ratelimited,
		       (unsigned long long)ctx.r.icmp_repaired);
	} else {
		printf("%s matches no entry in table %s: SYNs from and to it are left alone\n",
		       addr, name);
	}
out:
	free(t);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

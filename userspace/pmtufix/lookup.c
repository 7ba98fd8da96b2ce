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

/* What a lookup found, and what the output names. */
struct lookup {
	const char *name, *addr;
	uint32_t table_mtu;	/* the base MTU of entries without their own */
	int found;
	struct pmtufix_entry_reply r;
};

static int lookup_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *lk = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == PMTUFIX_A_ENTRY &&
		    !pmtufix_parse_reply_entry(a, &lk->r))
			lk->found = 1;
	return MNL_CB_OK;
}

/* The table's default MTU, then the entry @addr matches. */
static int lookup_request(struct pmtufix_nl *h, struct lookup *lk,
			  unsigned int family, const uint8_t *addr)
{
	struct pmtufix_table_reply *t = NULL;
	struct nlmsghdr *nlh;
	size_t n;
	int ret;

	ret = pmtufix_get_tables(h, lk->name, &t, &n);
	if (ret)
		return ret;
	if (n)
		lk->table_mtu = t->mtu;
	free(t);
	nlh = pmtufix_nl_request(h, PMTUFIX_CMD_LOOKUP, NLM_F_ACK);
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, lk->name);
	mnl_attr_put(nlh, PMTUFIX_A_ADDR, family == PMTUFIX_IPV4 ? 4 : 16,
		     addr);
	return pmtufix_nl_talk(h, nlh, lookup_cb, lk);
}

static void print_json(const struct lookup *lk)
{
	const struct pmtufix_entry_reply *r = &lk->r;
	char pfx[64], layers[512];
	struct json j;

	json_init(&j, stdout);
	json_object_begin(&j);
	json_kv_string(&j, "table", lk->name);
	json_kv_string(&j, "address", lk->addr);
	json_key(&j, "entry");
	if (lk->found) {
		pmtufix_format_prefix(&r->spec, pfx, sizeof(pfx));
		pmtufix_format_layers(r->spec.layers, r->spec.nlayers, layers,
				      sizeof(layers));
		json_object_begin(&j);
		json_kv_string(&j, "prefix", pfx);
		json_kv_u64(&j, "base_mtu",
			    r->spec.mtu ? r->spec.mtu : lk->table_mtu);
		json_kv_string(&j, "layers", layers);
		json_kv_u64(&j, "inner_mtu", r->inner_mtu);
		json_kv_u64(&j, "mss", r->mss);
		pmtufix_json_entry_counters(&j, r);
		json_object_end(&j);
	} else {
		json_null(&j);
	}
	json_object_end(&j);
}

static void print_text(const struct lookup *lk)
{
	const struct pmtufix_entry_reply *r = &lk->r;
	char pfx[64], layers[512];

	if (!lk->found) {
		printf("%s matches no entry in table %s: SYNs from and to it are left alone\n",
		       lk->addr, lk->name);
		return;
	}
	pmtufix_format_prefix(&r->spec, pfx, sizeof(pfx));
	pmtufix_format_layers(r->spec.layers, r->spec.nlayers, layers,
			      sizeof(layers));
	printf("%s matches %s in table %s: %s\n", lk->addr, pfx, lk->name,
	       r->spec.nlayers ? layers : "no layers");
	printf("  base MTU %u (%s), inner MTU %u, MSS %u\n",
	       r->spec.mtu ? r->spec.mtu : lk->table_mtu,
	       r->spec.mtu ? "the entry's" : "the table's default",
	       r->inner_mtu, r->mss);
	printf("  hits %llu, clamped %llu, too-big sent %llu, rate-limited %llu, icmp repaired %llu\n",
	       (unsigned long long)r->hits, (unsigned long long)r->clamped,
	       (unsigned long long)r->too_big_sent,
	       (unsigned long long)r->too_big_ratelimited,
	       (unsigned long long)r->icmp_repaired);
}

void lookup_help(int argc, const char *argv[])
{
	printf("Usage: %s lookup NAME ADDRESS [-j|--json]\n"
	       "\n"
	       "Shows the entry of table NAME that ADDRESS (IPv4 or IPv6)\n"
	       "matches, longest prefix first, with its base and inner MTU, the\n"
	       "MSS a SYN from or to ADDRESS gets, and the entry's counters.\n",
	       prog);
}

int lookup_main(int argc, const char *argv[])
{
	struct pmtufix_parse_error err;
	int json = pmtufix_json, i, ret;
	struct lookup lk = {};
	unsigned int family;
	struct pmtufix_nl h;
	char action[128];
	uint8_t addr[16];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			json = 1;
		else if (!lk.name)
			lk.name = argv[i];
		else if (!lk.addr)
			lk.addr = argv[i];
		else
			lk.name = NULL;
	}
	if (lk.name && lk.name[0] == '-') {
		fprintf(stderr, "pmtufix lookup: unknown option `%s' (table names cannot start with `-')\n",
			lk.name);
		return 2;
	}
	if (!lk.name || !lk.addr) {
		fprintf(stderr, "Usage: %s lookup NAME ADDRESS [-j|--json]\n",
			prog);
		return 2;
	}
	snprintf(action, sizeof(action), "lookup %s %s", lk.name, lk.addr);
	if (pmtufix_parse_addr(lk.addr, &family, addr, &err)) {
		fprintf(stderr, "pmtufix %s: %s\n", action, err.msg);
		return 2;
	}
	if (pmtufix_nl_open(&h, action))
		return 1;
	ret = lookup_request(&h, &lk, family, addr);
	if (ret)
		pmtufix_nl_perror(&h, action, ret);
	else if (json)
		print_json(&lk);
	else
		print_text(&lk);
	pmtufix_nl_close(&h);
	return ret ? 1 : 0;
}

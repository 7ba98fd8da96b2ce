// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "parse.h"
#include "print.h"

void pmtufix_print_entry(FILE *out, const struct pmtufix_entry_reply *r)
{
	char pfx[64], layers[512], mtu[16];

	pmtufix_format_prefix(&r->spec, pfx, sizeof(pfx));
	pmtufix_format_layers(r->spec.layers, r->spec.nlayers, layers,
			      sizeof(layers));
	if (r->spec.mtu)
		snprintf(mtu, sizeof(mtu), "%u", r->spec.mtu);
	else
		snprintf(mtu, sizeof(mtu), "-");
	fprintf(out, "%-43s %5s %5u %5u %12llu %12llu  %s\n", pfx, mtu,
		r->inner_mtu, r->mss, (unsigned long long)r->hits,
		(unsigned long long)r->clamped,
		r->spec.nlayers ? layers : "-");
	if (r->too_big_sent || r->too_big_ratelimited || r->icmp_repaired)
		fprintf(out, "%-43s too-big sent %llu, rate-limited %llu, icmp repaired %llu\n",
			"", (unsigned long long)r->too_big_sent,
			(unsigned long long)r->too_big_ratelimited,
			(unsigned long long)r->icmp_repaired);
}

void pmtufix_json_entry_counters(struct json *j,
				 const struct pmtufix_entry_reply *r)
{
	json_kv_u64(j, "hits", r->hits);
	json_kv_u64(j, "clamped", r->clamped);
	json_kv_u64(j, "too_big_sent", r->too_big_sent);
	json_kv_u64(j, "too_big_ratelimited", r->too_big_ratelimited);
	json_kv_u64(j, "icmp_repaired", r->icmp_repaired);
}

void pmtufix_json_entry(struct json *j, const struct pmtufix_entry_reply *r)
{
	char pfx[64], layers[512];

	pmtufix_format_prefix(&r->spec, pfx, sizeof(pfx));
	pmtufix_format_layers(r->spec.layers, r->spec.nlayers, layers,
			      sizeof(layers));
	json_object_begin(j);
	json_kv_string(j, "prefix", pfx);
	json_key(j, "mtu");
	if (r->spec.mtu)
		json_u64(j, r->spec.mtu);
	else
		json_null(j);
	json_kv_string(j, "layers", layers);
	json_kv_u64(j, "inner_mtu", r->inner_mtu);
	json_kv_u64(j, "mss", r->mss);
	pmtufix_json_entry_counters(j, r);
	json_object_end(j);
}

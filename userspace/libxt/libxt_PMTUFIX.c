// SPDX-License-Identifier: GPL-2.0
/*
 * iptables/ip6tables extension for the PMTUFIX target.
 */
#include <stdio.h>
#include <string.h>
#include <xtables.h>
#include <linux/xt_PMTUFIX.h>

#include "core/limits.h"

enum {
	O_TABLE = 0,
	O_LOOKUP,
	O_MISSING,
	O_SEND_TOO_BIG,
	O_REPAIR_ICMP,
};

static const char *const pmtufix_lookup_names[] = {
	[XT_PMTUFIX_LOOKUP_BOTH] = "both",
	[XT_PMTUFIX_LOOKUP_SRC] = "src",
	[XT_PMTUFIX_LOOKUP_DST] = "dst",
};

static const struct xt_option_entry pmtufix_tg_opts[] = {
	{.name = "table-name", .id = O_TABLE, .type = XTTYPE_STRING,
	 .min = 1, .max = XT_PMTUFIX_TABLE_LEN - 1,
	 .flags = XTOPT_PUT, XTOPT_POINTER(struct xt_pmtufix_info, table)},
	{.name = "lookup", .id = O_LOOKUP, .type = XTTYPE_STRING},
	{.name = "missing-mss", .id = O_MISSING, .type = XTTYPE_STRING},
	{.name = "send-too-big", .id = O_SEND_TOO_BIG, .type = XTTYPE_NONE},
	{.name = "repair-icmp", .id = O_REPAIR_ICMP, .type = XTTYPE_NONE},
	XTOPT_TABLEEND,
};

static void pmtufix_tg_help(void)
{
	printf(
"PMTUFIX target options:\n"
"  --table-name NAME     pmtufix table to look addresses up in\n"
"                        (default: \"" XT_PMTUFIX_TABLE_DEFAULT "\")\n"
"  --lookup src|dst|both which addresses of the packet to look up; with\n"
"                        both (the default) the smaller result wins\n"
"  --missing-mss insert|ignore\n"
"                        a SYN without an MSS option gets one (insert, the\n"
"                        default, as TCPMSS does) or is left alone\n"
"  --send-too-big        refuse packets that may not be fragmented and do\n"
"                        not fit the path to their destination, answering\n"
"                        with ICMP fragmentation needed / packet too big\n"
"                        (FORWARD and POSTROUTING only)\n"
"  --repair-icmp         lower the MTU of too-big messages about destinations\n"
"                        in the table to what the table says fits\n");
}

static void pmtufix_tg_init(struct xt_entry_target *t)
{
	struct xt_pmtufix_info *info = (void *)t->data;

	strcpy(info->table, XT_PMTUFIX_TABLE_DEFAULT);
	info->lookup = XT_PMTUFIX_LOOKUP_BOTH;
}

static void pmtufix_tg_parse(struct xt_option_call *cb)
{
	struct xt_pmtufix_info *info = cb->data;
	unsigned int i;

	xtables_option_parse(cb);
	switch (cb->entry->id) {
	case O_TABLE:
		if (!pmtufix_table_name_valid(info->table))
			xtables_error(PARAMETER_PROBLEM,
				      "PMTUFIX: invalid table name `%s': use letters, digits, `_', `.' and `-', not `-' first",
				      cb->arg);
		break;
	case O_LOOKUP:
		for (i = 0; i < __XT_PMTUFIX_LOOKUP_MAX; i++)
			if (strcmp(cb->arg, pmtufix_lookup_names[i]) == 0)
				break;
		if (i == __XT_PMTUFIX_LOOKUP_MAX)
			xtables_error(PARAMETER_PROBLEM,
				      "PMTUFIX: unknown --lookup `%s': use src, dst or both",
				      cb->arg);
		info->lookup = i;
		break;
	case O_MISSING:
		if (strcmp(cb->arg, "ignore") == 0)
			info->flags |= XT_PMTUFIX_F_MISSING_IGNORE;
		else if (strcmp(cb->arg, "insert") == 0)
			info->flags &= ~XT_PMTUFIX_F_MISSING_IGNORE;
		else
			xtables_error(PARAMETER_PROBLEM,
				      "PMTUFIX: unknown --missing-mss `%s': use insert or ignore",
				      cb->arg);
		break;
	case O_SEND_TOO_BIG:
		info->flags |= XT_PMTUFIX_F_SEND_TOO_BIG;
		break;
	case O_REPAIR_ICMP:
		info->flags |= XT_PMTUFIX_F_REPAIR_ICMP;
		break;
	}
}

static const char *pmtufix_lookup_name(const struct xt_pmtufix_info *info)
{
	if (info->lookup < __XT_PMTUFIX_LOOKUP_MAX)
		return pmtufix_lookup_names[info->lookup];
	return "?";
}

/* The flags as print() (@dashes "") and save() ("--") show them. */
static void pmtufix_print_flags(const struct xt_pmtufix_info *info,
				const char *dashes)
{
	if (info->flags & XT_PMTUFIX_F_MISSING_IGNORE)
		printf(" %smissing-mss ignore", dashes);
	if (info->flags & XT_PMTUFIX_F_SEND_TOO_BIG)
		printf(" %ssend-too-big", dashes);
	if (info->flags & XT_PMTUFIX_F_REPAIR_ICMP)
		printf(" %srepair-icmp", dashes);
}

static void pmtufix_tg_print(const void *ip, const struct xt_entry_target *t,
			     int numeric)
{
	const struct xt_pmtufix_info *info = (const void *)t->data;

	printf(" PMTUFIX table %s lookup %s", info->table,
	       pmtufix_lookup_name(info));
	pmtufix_print_flags(info, "");
}

/* Only what differs from the defaults, in the syntax parse() accepts. */
static void pmtufix_tg_save(const void *ip, const struct xt_entry_target *t)
{
	const struct xt_pmtufix_info *info = (const void *)t->data;

	if (strcmp(info->table, XT_PMTUFIX_TABLE_DEFAULT) != 0)
		printf(" --table-name %s", info->table);
	if (info->lookup != XT_PMTUFIX_LOOKUP_BOTH)
		printf(" --lookup %s", pmtufix_lookup_name(info));
	pmtufix_print_flags(info, "--");
}

static struct xtables_target pmtufix_tg_reg = {
	.family		= NFPROTO_UNSPEC,
	.name		= "PMTUFIX",
	.revision	= 0,
	.version	= XTABLES_VERSION,
	.size		= XT_ALIGN(sizeof(struct xt_pmtufix_info)),
	.userspacesize	= offsetof(struct xt_pmtufix_info, priv),
	.help		= pmtufix_tg_help,
	.init		= pmtufix_tg_init,
	.print		= pmtufix_tg_print,
	.save		= pmtufix_tg_save,
	.x6_parse	= pmtufix_tg_parse,
	.x6_options	= pmtufix_tg_opts,
};

static void __attribute__((constructor)) pmtufix_tg_ldr(void)
{
	xtables_register_target(&pmtufix_tg_reg);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The xtables target PMTUFIX: rule validation and the IPv4/IPv6 entry points.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/netfilter/x_tables.h>
#include <linux/xt_PMTUFIX.h>

#include "pmtufix.h"

static bool pmtufix_name_valid(const char *name)
{
	size_t len = strnlen(name, XT_PMTUFIX_TABLE_LEN);
	size_t i;

	if (len == 0 || len == XT_PMTUFIX_TABLE_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static int pmtufix_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_pmtufix_info *info = par->targinfo;

	if (!pmtufix_name_valid(info->table)) {
		pr_info_ratelimited("invalid table name\n");
		return -EINVAL;
	}
	if (info->lookup >= __XT_PMTUFIX_LOOKUP_MAX) {
		pr_info_ratelimited("unknown lookup mode %u\n", info->lookup);
		return -EINVAL;
	}
	if (info->flags & ~XT_PMTUFIX_F_ALL ||
	    memchr_inv(info->reserved8, 0, sizeof(info->reserved8)) ||
	    memchr_inv(info->reserved, 0, sizeof(info->reserved))) {
		pr_info_ratelimited("unknown flags or reserved fields set\n");
		return -EINVAL;
	}
	return 0;
}

static unsigned int pmtufix_tg(struct sk_buff *skb,
			       const struct xt_action_param *par)
{
	return XT_CONTINUE;
}

static struct xt_target pmtufix_tg_reg[] __read_mostly = {
	{
		.name		= "PMTUFIX",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.table		= "mangle",
		.checkentry	= pmtufix_tg_check,
		.target		= pmtufix_tg,
		.targetsize	= sizeof(struct xt_pmtufix_info),
		.usersize	= offsetof(struct xt_pmtufix_info, priv),
		.me		= THIS_MODULE,
	},
	{
		.name		= "PMTUFIX",
		.revision	= 0,
		.family		= NFPROTO_IPV6,
		.table		= "mangle",
		.checkentry	= pmtufix_tg_check,
		.target		= pmtufix_tg,
		.targetsize	= sizeof(struct xt_pmtufix_info),
		.usersize	= offsetof(struct xt_pmtufix_info, priv),
		.me		= THIS_MODULE,
	},
};

int __init pmtufix_target_init(void)
{
	return xt_register_targets(pmtufix_tg_reg, ARRAY_SIZE(pmtufix_tg_reg));
}

void pmtufix_target_uninit(void)
{
	xt_unregister_targets(pmtufix_tg_reg, ARRAY_SIZE(pmtufix_tg_reg));
}

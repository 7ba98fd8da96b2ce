// SPDX-License-Identifier: GPL-2.0
/*
 * xt_PMTUFIX: MSS clamping and path-MTU repair from per-destination
 * encapsulation tables.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "table.h"

static int __init pmtufix_init(void)
{
	int ret;

	ret = pmtufix_pernet_init();
	if (ret < 0)
		goto err_pernet;
	ret = pmtufix_target_init();
	if (ret < 0)
		goto err_target;
	/* Reachable from userspace: last. */
	ret = pmtufix_genl_init();
	if (ret < 0)
		goto err_genl;

	pr_info("PMTUFIX " PMTUFIX_VERSION " loaded\n");
	return 0;

err_genl:
	pmtufix_target_uninit();
err_target:
	pmtufix_pernet_uninit();
err_pernet:
	return ret;
}

static void __exit pmtufix_exit(void)
{
	pmtufix_genl_uninit();
	pmtufix_target_uninit();
	pmtufix_pernet_uninit();
}

module_init(pmtufix_init);
module_exit(pmtufix_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Xtables: MSS clamping and PMTU repair from encapsulation tables");
MODULE_VERSION(PMTUFIX_VERSION);
MODULE_ALIAS("ipt_PMTUFIX");
MODULE_ALIAS("ip6t_PMTUFIX");

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmtufix: the generic netlink protocol between the xt_PMTUFIX module and
 * the pmtufix command.
 *
 * Family
 * ------
 * The family is called PMTUFIX_GENL_NAME ("pmtufix") and has version
 * PMTUFIX_GENL_VERSION.  Resolving the family (CTRL_CMD_GETFAMILY) loads
 * the module on demand.  The family is namespace aware: every request acts
 * on the network namespace of the socket that sent it.
 *
 * Tables
 * ------
 * PMTUFIX rules (<linux/xt_PMTUFIX.h>) refer to tables by name.  A table
 * name is 1 to PMTUFIX_TABLE_NAME_LEN - 1 bytes of [A-Za-z0-9_.-], sent as
 * a NUL-terminated string.
 *
 * The commands and their attributes are listed below, command by command,
 * as they are implemented.
 */
#ifndef _UAPI_LINUX_PMTUFIX_H
#define _UAPI_LINUX_PMTUFIX_H

#define PMTUFIX_GENL_NAME	"pmtufix"
#define PMTUFIX_GENL_VERSION	1

#define PMTUFIX_TABLE_NAME_LEN	32

#endif /* _UAPI_LINUX_PMTUFIX_H */

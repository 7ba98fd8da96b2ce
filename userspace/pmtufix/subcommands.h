/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_SUBCOMMANDS_H
#define _PMTUFIX_SUBCOMMANDS_H

extern const char *prog;

int help_main(int argc, const char *argv[]);
int version_main(int argc, const char *argv[]);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_H
#define _PMTUFIX_H

int pmtufix_target_init(void);
void pmtufix_target_uninit(void);

#endif /* _PMTUFIX_H */

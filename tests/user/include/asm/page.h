/* SPDX-License-Identifier: GPL-2.0 */
/* 4 KiB pages, as on x86_64. */
#ifndef _VMED_USER_ASM_PAGE_H
#define _VMED_USER_ASM_PAGE_H

#include <linux/const.h>

#undef PAGE_SHIFT
#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))

#endif /* _VMED_USER_ASM_PAGE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printk: every message goes to vmed_user_printk() with its level (see
 * kernel.h).
 */
#ifndef _VMED_USER_LINUX_PRINTK_H
#define _VMED_USER_LINUX_PRINTK_H

/* The definitions are in kernel.h, after tools' own printk macros. */
#include <linux/kernel.h>

#endif /* _VMED_USER_LINUX_PRINTK_H */

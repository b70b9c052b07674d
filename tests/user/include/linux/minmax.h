/* SPDX-License-Identifier: GPL-2.0 */
/*
 * min(), max(), min_t() and clamp() come with tools/include's kernel.h;
 * min3() is added here.
 */
#ifndef _VMED_USER_LINUX_MINMAX_H
#define _VMED_USER_LINUX_MINMAX_H

#include <linux/kernel.h>

#ifndef min3
#define min3(x, y, z)	min(min(x, y), z)
#endif

#endif /* _VMED_USER_LINUX_MINMAX_H */

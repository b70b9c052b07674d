/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 64-bit division helpers: on a 64-bit build the kernel's are plain
 * divisions too.
 */
#ifndef _VMED_USER_LINUX_MATH64_H
#define _VMED_USER_LINUX_MATH64_H

#include <linux/types.h>

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#endif /* _VMED_USER_LINUX_MATH64_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* tools/include's log2.h, plus order_base_2(). */
#ifndef _VMED_USER_LINUX_LOG2_H
#define _VMED_USER_LINUX_LOG2_H

#include_next <linux/log2.h>

#define order_base_2(n)	((n) > 1 ? ilog2((n) - 1) + 1 : 0)

#endif /* _VMED_USER_LINUX_LOG2_H */

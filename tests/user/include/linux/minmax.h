/* SPDX-License-Identifier: GPL-2.0 */
/* min(), max(), min_t() and clamp() come with tools/include's kernel.h. */
#ifndef _VMED_USER_LINUX_MINMAX_H
#define _VMED_USER_LINUX_MINMAX_H

#include <linux/kernel.h>

#endif /* _VMED_USER_LINUX_MINMAX_H */

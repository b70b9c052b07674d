/* SPDX-License-Identifier: GPL-2.0 */
/* tools/include's gfp.h (the kernel's real flags), and the page size. */
#ifndef _VMED_USER_LINUX_GFP_H
#define _VMED_USER_LINUX_GFP_H

#include_next <linux/gfp.h>
#include <asm/page.h>

#endif /* _VMED_USER_LINUX_GFP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The *_ratelimited printk variants live in printk.h; they do not limit. */
#ifndef _VMED_USER_LINUX_RATELIMIT_H
#define _VMED_USER_LINUX_RATELIMIT_H

#include <linux/printk.h>

#endif /* _VMED_USER_LINUX_RATELIMIT_H */

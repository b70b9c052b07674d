/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time as the scheduler reads it: ktime_get_ns() is CLOCK_MONOTONIC, as
 * the kernel's is. Jiffies are milliseconds (HZ 1000).
 */
#ifndef _VMED_USER_LINUX_KTIME_H
#define _VMED_USER_LINUX_KTIME_H

#include <time.h>
#include <linux/time64.h>
#include <linux/types.h>

#define HZ	1000

static inline u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline unsigned long nsecs_to_jiffies(u64 ns)
{
	return ns / NSEC_PER_MSEC;
}

#endif /* _VMED_USER_LINUX_KTIME_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One thread plays every kernel thread: there is nobody to yield to.
 */
#ifndef _VMED_USER_LINUX_SCHED_H
#define _VMED_USER_LINUX_SCHED_H

static inline void cond_resched(void)
{
}

#endif /* _VMED_USER_LINUX_SCHED_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools' spinlock.h (a pthread mutex per spinlock) plus what the kernel's
 * spinlock.h brings along for code written against it: memory barriers
 * (tools' asm/barrier.h) and cmpxchg(), here the compiler's full-barrier
 * compare-and-swap, as the kernel's is fully ordered.
 */
#ifndef _VMED_USER_LINUX_SPINLOCK_H
#define _VMED_USER_LINUX_SPINLOCK_H

#include_next <linux/spinlock.h>
#include <asm/barrier.h>

#ifndef cmpxchg
#define cmpxchg(ptr, old, new)	__sync_val_compare_and_swap(ptr, old, new)
#endif

#endif /* _VMED_USER_LINUX_SPINLOCK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_long_t (linux/types.h) as the KVM shim counts pins with it.
 * Stands in for tools/include's atomic.h, which brings its own atomic_t.
 */
#ifndef _VMED_USER_LINUX_ATOMIC_H
#define _VMED_USER_LINUX_ATOMIC_H

#include <linux/types.h>

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_inc(atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED);
}

static inline void atomic_long_add(long i, atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_long_sub(long i, atomic_long_t *v)
{
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);
}

#endif /* _VMED_USER_LINUX_ATOMIC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reference count with the kernel's kref interface; getting a reference
 * on an object whose count already reached zero aborts, as the kernel's
 * refcount_t would warn and saturate.
 */
#ifndef _VMED_USER_LINUX_KREF_H
#define _VMED_USER_LINUX_KREF_H

#include <stdlib.h>

struct kref {
	int count;
};

static inline void kref_init(struct kref *kref)
{
	__atomic_store_n(&kref->count, 1, __ATOMIC_RELAXED);
}

static inline void kref_get(struct kref *kref)
{
	if (__atomic_fetch_add(&kref->count, 1, __ATOMIC_RELAXED) <= 0)
		abort();
}

static inline int kref_put(struct kref *kref,
			   void (*release)(struct kref *kref))
{
	int old = __atomic_fetch_sub(&kref->count, 1, __ATOMIC_ACQ_REL);

	if (old <= 0)
		abort();
	if (old == 1) {
		release(kref);
		return 1;
	}
	return 0;
}

#endif /* _VMED_USER_LINUX_KREF_H */

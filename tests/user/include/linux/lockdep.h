/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of lockdep the core uses: lockdep_assert_held() and
 * lockdep_assert_not_held() on a mutex check whether the calling thread owns
 * it (see mutex.h). Lock classes and ordering are not modelled.
 */
#ifndef _VMED_USER_LINUX_LOCKDEP_H
#define _VMED_USER_LINUX_LOCKDEP_H

#include <linux/spinlock.h>

struct lock_class_key {
	int unused;
};

struct mutex;
void vmed_user_mutex_assert_held(const struct mutex *lock, const char *file,
				 int line);
void vmed_user_mutex_assert_not_held(const struct mutex *lock,
				     const char *file, int line);

#ifdef VMED_USER_PRODUCTION
/* The benchmarks' variant: what a kernel without CONFIG_LOCKDEP compiles. */
#define lockdep_assert_held(l)		((void)(l))
#define lockdep_assert_not_held(l)	((void)(l))
#else
#define lockdep_assert_held(l)	vmed_user_mutex_assert_held(l, __FILE__, __LINE__)
#define lockdep_assert_not_held(l)	\
	vmed_user_mutex_assert_not_held(l, __FILE__, __LINE__)
#endif
/* Only used inside rcu_dereference_check(), which ignores its condition. */
#define lockdep_is_held(l)	((void)(l), 1)
#define lockdep_set_class(l, key)	do { } while (0)

#endif /* _VMED_USER_LINUX_LOCKDEP_H */

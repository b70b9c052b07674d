/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU for a single-threaded harness: there are no concurrent readers, so a
 * grace period is over at once and call_rcu() runs its callback before it
 * returns. Unlike liburcu's deferred callbacks this keeps frees (and so
 * ASan's use-after-free reports and the memory counters) at the point the
 * kernel code releases an object, and instruction counts repeatable.
 */
#ifndef _VMED_USER_LINUX_RCUPDATE_H
#define _VMED_USER_LINUX_RCUPDATE_H

#include <linux/compiler.h>

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};

#define rcu_read_lock()			do { } while (0)
#define rcu_read_unlock()		do { } while (0)
#define rcu_dereference(p)		READ_ONCE(p)
#define rcu_dereference_raw(p)		READ_ONCE(p)
#define rcu_dereference_check(p, c)	READ_ONCE(p)
#define rcu_dereference_protected(p, c)	(p)
#define rcu_assign_pointer(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)		((p) = (v))

static inline void call_rcu(struct rcu_head *head,
			    void (*func)(struct rcu_head *head))
{
	func(head);
}

#endif /* _VMED_USER_LINUX_RCUPDATE_H */

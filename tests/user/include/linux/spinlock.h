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

#ifdef VMED_USER_PRODUCTION
/*
 * The benchmarks' variant: a spinlock costs what the kernel's uncontended
 * one does (an atomic exchange to take it, a store to drop it), not a
 * pthread mutex's lock and unlock, about four times as many instructions.
 * It still excludes: a contended lock spins.
 */
struct vmed_user_spinlock {
	int locked;
};

static inline void vmed_user_spin_lock(struct vmed_user_spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void vmed_user_spin_unlock(struct vmed_user_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#undef spinlock_t
#undef DEFINE_SPINLOCK
#undef __SPIN_LOCK_UNLOCKED
#undef spin_lock_init
#undef spin_lock
#undef spin_lock_nested
#undef spin_unlock
#undef spin_lock_bh
#undef spin_unlock_bh
#undef spin_lock_irq
#undef spin_unlock_irq
#undef spin_lock_irqsave
#undef spin_unlock_irqrestore
#define spinlock_t			struct vmed_user_spinlock
#define DEFINE_SPINLOCK(x)		spinlock_t x = { 0 }
#define __SPIN_LOCK_UNLOCKED(x)		(spinlock_t){ 0 }
#define spin_lock_init(x)		((x)->locked = 0)
#define spin_lock(x)			vmed_user_spin_lock(x)
#define spin_lock_nested(x, subclass)	vmed_user_spin_lock(x)
#define spin_unlock(x)			vmed_user_spin_unlock(x)
#define spin_lock_bh(x)			vmed_user_spin_lock(x)
#define spin_unlock_bh(x)		vmed_user_spin_unlock(x)
#define spin_lock_irq(x)		vmed_user_spin_lock(x)
#define spin_unlock_irq(x)		vmed_user_spin_unlock(x)
#define spin_lock_irqsave(x, f)		((void)(f), vmed_user_spin_lock(x))
#define spin_unlock_irqrestore(x, f)	((void)(f), vmed_user_spin_unlock(x))
#endif

#endif /* _VMED_USER_LINUX_SPINLOCK_H */

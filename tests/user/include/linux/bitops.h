/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/include's bit operations, plus the atomic test_and_*_bit() it
 * leaves to the architecture (its set_bit() and clear_bit() name them).
 */
#ifndef _VMED_USER_LINUX_BITOPS_H
#define _VMED_USER_LINUX_BITOPS_H

#include_next <linux/bitops.h>
#include <linux/kernel.h>

static inline bool test_and_set_bit(unsigned long nr,
				    volatile unsigned long *addr)
{
	unsigned long mask = BIT_MASK(nr);

	return __atomic_fetch_or(addr + BIT_WORD(nr), mask,
				 __ATOMIC_SEQ_CST) & mask;
}

static inline bool test_and_clear_bit(unsigned long nr,
				      volatile unsigned long *addr)
{
	unsigned long mask = BIT_MASK(nr);

	return __atomic_fetch_and(addr + BIT_WORD(nr), ~mask,
				  __ATOMIC_SEQ_CST) & mask;
}

#endif /* _VMED_USER_LINUX_BITOPS_H */

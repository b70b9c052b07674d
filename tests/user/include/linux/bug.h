/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WARN and BUG. A warning is counted in vmed_user_warnings and printed;
 * with vmed_user_warn_fatal set it aborts, so a fuzzer stops on it. BUG()
 * always aborts. The macros evaluate to the condition, as the kernel's do.
 */
#ifndef _VMED_USER_LINUX_BUG_H
#define _VMED_USER_LINUX_BUG_H

#include <stdlib.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <user_env.h>

#undef WARN
#undef WARN_ON
#undef WARN_ONCE
#undef WARN_ON_ONCE
#undef BUG
#undef BUG_ON

#define WARN(condition, fmt...) ({					\
	int __ret_warn = !!(condition);					\
	if (unlikely(__ret_warn)) {					\
		vmed_user_printk(4, fmt);				\
		vmed_user_warn(__FILE__, __LINE__, #condition);		\
	}								\
	unlikely(__ret_warn);						\
})

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		vmed_user_warn(__FILE__, __LINE__, #condition);		\
	unlikely(__ret_warn_on);					\
})

/* "Once" would hide repeats from a test that counts; each one counts. */
#define WARN_ONCE(condition, fmt...)	WARN(condition, fmt)
#define WARN_ON_ONCE(condition)		WARN_ON(condition)

/* Spelled as tools/include's kernel.h spells it, which defines it too. */
#define BUG()	BUG_ON(1)

#define BUG_ON(condition) do {						\
	if (unlikely(condition)) {					\
		vmed_user_warn(__FILE__, __LINE__, "BUG");		\
		abort();						\
	}								\
} while (0)

#endif /* _VMED_USER_LINUX_BUG_H */

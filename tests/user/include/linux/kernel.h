/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tools/testing/shared's kernel.h (and through it tools/include's), with
 * printk routed to the harness: every message goes to vmed_user_printk()
 * with its level, which counts it and prints it to stderr unless
 * vmed_user_loglevel hides it. Rate limiting is not modelled: a fuzzer
 * wants to see every line, or none.
 */
#ifndef _VMED_USER_LINUX_KERNEL_H
#define _VMED_USER_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <user_env.h>

#undef printk
#undef pr_err
#undef pr_info
#undef pr_debug
#undef pr_cont
#undef pr_warn

/* The kernel's linux/stddef.h, which its linux/kernel.h includes. */
#ifndef sizeof_field
#define sizeof_field(TYPE, MEMBER)	sizeof((((TYPE *)0)->MEMBER))
#endif

/* As in the kernel: a file defines pr_fmt() before its includes. */
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define printk(fmt, ...)	vmed_user_printk(4, fmt, ##__VA_ARGS__)
#define pr_emerg(fmt, ...)	vmed_user_printk(0, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	vmed_user_printk(3, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	vmed_user_printk(4, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	vmed_user_printk(5, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	vmed_user_printk(6, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	vmed_user_printk(7, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	vmed_user_printk(6, fmt, ##__VA_ARGS__)

#define pr_err_ratelimited(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define pr_info_ratelimited(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)
#define pr_notice_ratelimited(fmt, ...)	pr_notice(fmt, ##__VA_ARGS__)
#define pr_err_once(fmt, ...)		pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)		pr_warn(fmt, ##__VA_ARGS__)
#define pr_info_once(fmt, ...)		pr_info(fmt, ##__VA_ARGS__)

/* Nothing runs in atomic context here: there is nothing to check. */
#define might_sleep()		do { } while (0)

#define upper_32_bits(n)	((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n)	((u32)((n) & 0xffffffff))

#endif /* _VMED_USER_LINUX_KERNEL_H */

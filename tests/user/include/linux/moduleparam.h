/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters keep their built-in defaults; a parameter with its own
 * ops keeps them too, and its set function can be called like any other.
 */
#ifndef _VMED_USER_LINUX_MODULEPARAM_H
#define _VMED_USER_LINUX_MODULEPARAM_H

#include <errno.h>
#include <stdlib.h>

struct kernel_param {
	void *arg;
};

struct kernel_param_ops {
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
};

#define module_param(name, type, perm)
#define module_param_cb(name, ops, arg, perm)				\
	static const struct kernel_param_ops *__param_ops_##name	\
	__attribute__((unused)) = (ops)
#define MODULE_PARM_DESC(name, desc)

static inline int param_set_uint_minmax(const char *val,
					const struct kernel_param *kp,
					unsigned int min, unsigned int max)
{
	char *end;
	unsigned long v = strtoul(val, &end, 0);

	if (end == val || *end || v < min || v > max)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static inline int param_get_uint(char *buffer, const struct kernel_param *kp)
{
	return 0;
}

#endif /* _VMED_USER_LINUX_MODULEPARAM_H */

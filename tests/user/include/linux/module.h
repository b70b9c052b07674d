/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modules: the metadata macros vanish; module_init() and module_exit()
 * give the module's init and exit functions the public names
 * vmed_user_<module>_init() and vmed_user_<module>_exit() (declared in
 * user_env.h), where <module> is VMED_USER_MODULE, set per module by the
 * Makefile. A program loads a vendor by calling them.
 */
#ifndef _VMED_USER_LINUX_MODULE_H
#define _VMED_USER_LINUX_MODULE_H

#include <linux/export.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <user_env.h>

#define MODULE_DESCRIPTION(desc)
#define MODULE_LICENSE(license)
#define MODULE_AUTHOR(author)
#define MODULE_IMPORT_NS(ns)
#define MODULE_SOFTDEP(dep)

#define __VMED_USER_NAME(mod, what)	vmed_user_ ## mod ## _ ## what
#define VMED_USER_NAME(mod, what)	__VMED_USER_NAME(mod, what)

#define module_init(fn)							\
	int VMED_USER_NAME(VMED_USER_MODULE, init)(void)		\
	{								\
		return fn();						\
	}

#define module_exit(fn)							\
	void VMED_USER_NAME(VMED_USER_MODULE, exit)(void)		\
	{								\
		fn();							\
	}

#endif /* _VMED_USER_LINUX_MODULE_H */

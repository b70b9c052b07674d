/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters keep their built-in defaults. */
#ifndef _VMED_USER_LINUX_MODULEPARAM_H
#define _VMED_USER_LINUX_MODULEPARAM_H

#define module_param(name, type, perm)
#define MODULE_PARM_DESC(name, desc)

#endif /* _VMED_USER_LINUX_MODULEPARAM_H */

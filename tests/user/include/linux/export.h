/* SPDX-License-Identifier: GPL-2.0 */
/* Nothing is exported in userspace: one program holds everything. */
#ifndef _VMED_USER_LINUX_EXPORT_H
#define _VMED_USER_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)
#define EXPORT_SYMBOL_NS_GPL(sym, ns)

#endif /* _VMED_USER_LINUX_EXPORT_H */

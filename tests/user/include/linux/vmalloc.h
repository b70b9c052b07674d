/* SPDX-License-Identifier: GPL-2.0 */
/* vmalloc on malloc, counted page-rounded as vmalloc would hold it. */
#ifndef _VMED_USER_LINUX_VMALLOC_H
#define _VMED_USER_LINUX_VMALLOC_H

#include <stddef.h>
#include <linux/overflow.h>

void *vmalloc(size_t size);
void *vzalloc(size_t size);
void vfree(const void *p);

static inline void *vcalloc(size_t n, size_t size)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return vzalloc(bytes);
}

#endif /* _VMED_USER_LINUX_VMALLOC_H */

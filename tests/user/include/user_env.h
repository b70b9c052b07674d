/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace environment the vmed core and vendors run in under
 * tests/user: what the stand-in headers in linux/ promise, implemented in
 * the files of env/. A program linking the core uses these to set the environment up,
 * to look at what the core allocated and mapped, and to decide what a
 * kernel warning does.
 *
 * Nothing here is thread safe beyond what the core's own mutexes give:
 * the harness is single threaded (see README).
 */
#ifndef _VMED_USER_ENV_H
#define _VMED_USER_ENV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct device;

/* env/log.c: printk and WARN */

/* Messages of a level above this (numerically) are dropped; default 7. */
extern int vmed_user_loglevel;
/* A WARN, a lockdep assertion or a misuse of a stand-in aborts when set. */
extern bool vmed_user_warn_fatal;
/* Count of kernel warnings (WARN*, lockdep, stand-in misuse) so far. */
extern unsigned long vmed_user_warnings;
/* Count of printk messages so far, printed or not. */
extern unsigned long vmed_user_messages;

__printf(2, 3)
void vmed_user_printk(int level, const char *fmt, ...);
void vmed_user_warn(const char *file, int line, const char *what);

/* env/mem.c: memory the kernel code holds */

/**
 * struct vmed_user_mem - memory held by kernel code, by allocator
 * @kmalloc: bytes requested through kmalloc and friends
 * @kmalloc_slab: the same, rounded up as the kernel's kmalloc caches would
 * @vmalloc: bytes of vmalloc and vmalloc-backed kvmalloc, page rounded
 * @pages: bytes in whole pages (alloc_page, get_zeroed_page)
 * @cache: bytes in kmem_cache objects (xarray nodes)
 * @allocs: live allocations of all kinds
 */
struct vmed_user_mem {
	long kmalloc;
	long kmalloc_slab;
	long vmalloc;
	long pages;
	long cache;
	long allocs;
};

extern struct vmed_user_mem vmed_user_mem;

/* What the kernel would hold: slab-rounded kmalloc + vmalloc + pages + caches. */
long vmed_user_mem_total(void);

/*
 * Fault injection: when >= 0, that many more allocations succeed, then
 * every allocation fails until it is set back to -1 (the default).
 * vmed_user_fail_times > 0 limits the failures to that many, after which
 * allocations succeed again (and vmed_user_fail_after is back at -1).
 */
extern long vmed_user_fail_after;
extern long vmed_user_fail_times;

/* env/dma.c: a device that DMA-maps pages at made-up addresses */

/* Where a fake device's DMA addresses start; below every vendor's mask. */
#define VMED_USER_DMA_BASE	BIT_ULL(36)

/**
 * vmed_user_device_init() - make a bare device usable for dma_map_page()
 * @dev: the device, zeroed by the caller
 * @name: its name
 * @mask: its DMA mask (as dma_set_mask_and_coherent() would set it)
 */
void vmed_user_device_init(struct device *dev, const char *name, u64 mask);
/* Mappings a device still holds; reported by vmed_user_device_fini(). */
unsigned long vmed_user_device_mapped(struct device *dev);
/* Undo vmed_user_device_init(); a device still holding mappings warns. */
void vmed_user_device_fini(struct device *dev);

/*
 * The vendor backends' module_init() and module_exit() functions, under
 * names the build gives them (see linux/module.h): loading a vendor module
 * creates its software device and registers it with the core.
 */
int vmed_user_i915_init(void);
void vmed_user_i915_exit(void);
int vmed_user_nvstub_init(void);
void vmed_user_nvstub_exit(void);

#endif /* _VMED_USER_ENV_H */

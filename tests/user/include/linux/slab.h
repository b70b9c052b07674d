/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmalloc, kvmalloc and kmem_cache on malloc, with every byte the kernel
 * code holds counted in vmed_user_mem (user_env.h) and an optional
 * injected failure (vmed_user_fail_after). Freeing through the wrong
 * family (kfree of a vmalloc'd pointer) is reported as a warning.
 */
#ifndef _VMED_USER_LINUX_SLAB_H
#define _VMED_USER_LINUX_SLAB_H

#include <stddef.h>
#include <linux/gfp.h>
#include <linux/overflow.h>
#include <linux/types.h>

#define SLAB_PANIC		0x00040000UL
#define SLAB_RECLAIM_ACCOUNT	0x00020000UL
#define SLAB_ACCOUNT		0x04000000UL

void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *p);
void *kvmalloc(size_t size, gfp_t gfp);
void kvfree(const void *p);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

static inline void *kvzalloc(size_t size, gfp_t gfp)
{
	return kvmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc(bytes, gfp);
}

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kvmalloc_array(n, size, gfp | __GFP_ZERO);
}

struct kmem_cache;
struct list_lru;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *obj));
void kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
			   gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

static inline void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	return kmem_cache_alloc_lru(cache, NULL, gfp);
}

#endif /* _VMED_USER_LINUX_SLAB_H */

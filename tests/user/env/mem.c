// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for kernel code under tests/user: kmalloc, kvmalloc, vmalloc,
 * pages and kmem caches on malloc, each counted in vmed_user_mem.
 *
 * kmalloc'd and vmalloc'd blocks carry a 16-byte header in front (their
 * size and family), so that a free knows what to subtract and can report
 * a block freed through the wrong family. The "slab" figure is what the
 * kernel would hold: kmalloc sizes rounded up to its kmalloc caches (8 to
 * 8192 bytes), larger ones and vmalloc to whole pages.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <user_env.h>

struct vmed_user_mem vmed_user_mem;
long vmed_user_fail_after = -1;
long vmed_user_fail_times;

enum block_family {
	FAMILY_KMALLOC = 0x6b6d616c,
	FAMILY_KVMALLOC = 0x6b766d61,
	FAMILY_VMALLOC = 0x766d616c,
	FAMILY_FREED = 0x66726565,
};

struct block {
	u32 size_lo;
	u32 size_hi;
	u32 family;
	u32 pad;
};

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
	long live;
};

long vmed_user_mem_total(void)
{
	return vmed_user_mem.kmalloc_slab + vmed_user_mem.vmalloc +
	       vmed_user_mem.pages + vmed_user_mem.cache;
}

static bool alloc_fails(void)
{
	if (vmed_user_fail_after < 0)
		return false;
	if (vmed_user_fail_after) {
		vmed_user_fail_after--;
		return false;
	}
	if (vmed_user_fail_times > 0 && !--vmed_user_fail_times)
		vmed_user_fail_after = -1;
	return true;
}

/* Bytes the kernel's kmalloc would take for @size. */
static long slab_bytes(size_t size)
{
	if (size > 8192)
		return PAGE_SIZE << order_base_2(DIV_ROUND_UP(size, PAGE_SIZE));
	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	return roundup_pow_of_two(size);
}

static void account(enum block_family family, size_t size, int sign)
{
	switch (family) {
	case FAMILY_KMALLOC:
		vmed_user_mem.kmalloc += sign * (long)size;
		vmed_user_mem.kmalloc_slab += sign * slab_bytes(size);
		break;
	case FAMILY_KVMALLOC:
		/* kvmalloc is kmalloc up to 8 KiB, else (in effect) pages. */
		if (size <= 8192) {
			account(FAMILY_KMALLOC, size, sign);
			return;
		}
		vmed_user_mem.vmalloc += sign * (long)PAGE_ALIGN(size);
		break;
	default:
		vmed_user_mem.vmalloc += sign * (long)PAGE_ALIGN(size);
		break;
	}
	vmed_user_mem.allocs += sign;
}

static void *block_alloc(size_t size, gfp_t gfp, enum block_family family)
{
	struct block *b;

	if (alloc_fails() || size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size_lo = size;
	b->size_hi = (u64)size >> 32;
	b->family = family;
	if (gfp & __GFP_ZERO)
		memset(b + 1, 0, size);
	account(family, size, 1);
	return b + 1;
}

static void block_free(const void *p, enum block_family want, bool any)
{
	struct block *b;

	if (!p)
		return;
	b = (struct block *)p - 1;
	if (b->family != FAMILY_KMALLOC && b->family != FAMILY_KVMALLOC &&
	    b->family != FAMILY_VMALLOC) {
		WARN(1, "free of %p: not an allocated block\n", p);
		return;
	}
	WARN(!any && b->family != want,
	     "free of %p through the wrong allocator family\n", p);
	account(b->family, b->size_lo | (u64)b->size_hi << 32, -1);
	b->family = FAMILY_FREED;
	free(b);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return block_alloc(size, gfp, FAMILY_KMALLOC);
}

void kfree(const void *p)
{
	block_free(p, FAMILY_KMALLOC, false);
}

void *kvmalloc(size_t size, gfp_t gfp)
{
	return block_alloc(size, gfp, FAMILY_KVMALLOC);
}

void kvfree(const void *p)
{
	block_free(p, 0, true);
}

void *vmalloc(size_t size)
{
	return block_alloc(size, 0, FAMILY_VMALLOC);
}

void *vzalloc(size_t size)
{
	return block_alloc(size, __GFP_ZERO, FAMILY_VMALLOC);
}

void vfree(const void *p)
{
	block_free(p, FAMILY_VMALLOC, false);
}

unsigned long __get_free_page(gfp_t gfp)
{
	void *p;

	if (alloc_fails() || posix_memalign(&p, PAGE_SIZE, PAGE_SIZE))
		return 0;
	if (gfp & __GFP_ZERO)
		clear_page(p);
	vmed_user_mem.pages += PAGE_SIZE;
	vmed_user_mem.allocs++;
	return (unsigned long)p;
}

void free_page(unsigned long addr)
{
	if (!addr)
		return;
	WARN(!PAGE_ALIGNED(addr), "%s(%#lx): not a page\n", __func__, addr);
	vmed_user_mem.pages -= PAGE_SIZE;
	vmed_user_mem.allocs--;
	free((void *)addr);
}

struct page *alloc_page(gfp_t gfp)
{
	return (struct page *)__get_free_page(gfp);
}

void __free_page(struct page *page)
{
	free_page((unsigned long)page);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, unsigned int flags,
				     void (*ctor)(void *obj))
{
	struct kmem_cache *cache = calloc(1, sizeof(*cache));

	if (!cache) {
		WARN(flags & SLAB_PANIC, "%s(%s) failed\n", __func__, name);
		return NULL;
	}
	cache->name = name;
	cache->size = size;
	cache->align = align;
	cache->ctor = ctor;
	return cache;
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	if (!cache)
		return;
	WARN(cache->live, "kmem_cache %s destroyed with %ld objects\n",
	     cache->name, cache->live);
	free(cache);
}

void *kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
			   gfp_t gfp)
{
	void *obj;

	if (alloc_fails())
		return NULL;
	if (cache->align) {
		if (posix_memalign(&obj, cache->align, cache->size))
			return NULL;
	} else {
		obj = malloc(cache->size);
		if (!obj)
			return NULL;
	}
	if (cache->ctor)
		cache->ctor(obj);
	else if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->size);
	cache->live++;
	vmed_user_mem.cache += cache->size;
	vmed_user_mem.allocs++;
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (!obj)
		return;
	cache->live--;
	vmed_user_mem.cache -= cache->size;
	vmed_user_mem.allocs--;
	free(obj);
}

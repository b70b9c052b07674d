/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pages: a struct page is the page itself (4 KiB, page aligned), so
 * page_address() is a cast. Whole pages are counted in vmed_user_mem.pages.
 */
#ifndef _VMED_USER_LINUX_MM_H
#define _VMED_USER_LINUX_MM_H

#include <string.h>
#include <asm/page.h>
#include <linux/align.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/sizes.h>
#include <linux/types.h>

#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define PAGE_ALIGNED(addr)	IS_ALIGNED((unsigned long)(addr), PAGE_SIZE)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

struct page;

struct page *alloc_page(gfp_t gfp);
void __free_page(struct page *page);
unsigned long __get_free_page(gfp_t gfp);
void free_page(unsigned long addr);

static inline void *page_address(const struct page *page)
{
	return (void *)page;
}

static inline unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_page(gfp | __GFP_ZERO);
}

static inline void clear_page(void *addr)
{
	memset(addr, 0, PAGE_SIZE);
}

#endif /* _VMED_USER_LINUX_MM_H */

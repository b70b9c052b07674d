/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's bitmap API as the core and lib/xarray.c use it, on top of
 * tools/include's bit operations and find_*_bit() (tools/lib/find_bit.c).
 * tools/include has a bitmap.h of its own, but with an older
 * bitmap_zalloc() and without the range helpers.
 */
#ifndef _VMED_USER_LINUX_BITMAP_H
#define _VMED_USER_LINUX_BITMAP_H

/* tools/include's guard: keeps its bitmap.h out, lets its find.h in. */
#define _TOOLS_LINUX_BITMAP_H

#include <string.h>
#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/find.h>
#include <linux/slab.h>

#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]
#define BITMAP_FIRST_WORD_MASK(start)	(~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits)	(~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

static inline unsigned long *bitmap_alloc(unsigned int nbits, gfp_t gfp)
{
	return kmalloc_array(BITS_TO_LONGS(nbits), sizeof(unsigned long), gfp);
}

static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t gfp)
{
	return bitmap_alloc(nbits, gfp | __GFP_ZERO);
}

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}

static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	memset(dst, 0xff, BITS_TO_LONGS(nbits) * sizeof(unsigned long));
}

static inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return find_first_bit(src, nbits) >= nbits;
}

static inline unsigned int bitmap_weight(const unsigned long *src,
					 unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < nbits / BITS_PER_LONG; i++)
		w += __builtin_popcountl(src[i]);
	if (nbits % BITS_PER_LONG)
		w += __builtin_popcountl(src[i] & BITMAP_LAST_WORD_MASK(nbits));
	return w;
}

static inline bool bitmap_full(const unsigned long *src, unsigned int nbits)
{
	return find_first_zero_bit(src, nbits) >= nbits;
}

static inline void bitmap_set(unsigned long *map, unsigned int start,
			      unsigned int nbits)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);
	unsigned int end = start + nbits;

	if (!nbits)
		return;
	while (BIT_WORD(start) < BIT_WORD(end - 1)) {
		*p++ |= mask;
		start = (BIT_WORD(start) + 1) * BITS_PER_LONG;
		mask = ~0UL;
	}
	*p |= mask & BITMAP_LAST_WORD_MASK(end);
}

static inline void bitmap_clear(unsigned long *map, unsigned int start,
				unsigned int nbits)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);
	unsigned int end = start + nbits;

	if (!nbits)
		return;
	while (BIT_WORD(start) < BIT_WORD(end - 1)) {
		*p++ &= ~mask;
		start = (BIT_WORD(start) + 1) * BITS_PER_LONG;
		mask = ~0UL;
	}
	*p &= ~(mask & BITMAP_LAST_WORD_MASK(end));
}

/*
 * First index >= @start of @nr clear bits in a row whose start is aligned
 * as @align_mask says; a value >= @size if there is none.
 */
static inline unsigned long
bitmap_find_next_zero_area(unsigned long *map, unsigned long size,
			   unsigned long start, unsigned int nr,
			   unsigned long align_mask)
{
	unsigned long index, end, set;

	for (;;) {
		index = find_next_zero_bit(map, size, start);
		index = (index + align_mask) & ~align_mask;
		end = index + nr;
		if (end > size)
			return end;
		set = find_next_bit(map, end, index);
		if (set >= end)
			return index;
		start = set + 1;
	}
}

/* Runs of clear bits: [@b, @e) for each, up to @nbits. */
#define for_each_clear_bitrange(b, e, addr, nbits)			\
	for ((b) = find_next_zero_bit((addr), (nbits), 0),		\
	     (e) = find_next_bit((addr), (nbits), (b) + 1);		\
	     (b) < (nbits);						\
	     (b) = find_next_zero_bit((addr), (nbits), (e) + 1),	\
	     (e) = find_next_bit((addr), (nbits), (b) + 1))

#endif /* _VMED_USER_LINUX_BITMAP_H */

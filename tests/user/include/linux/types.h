/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel types with the kernel's definitions: u64 is unsigned long long
 * (tools/include makes it uint64_t, which breaks the kernel's "%llx"
 * format strings), gfp_t an unsigned int, dma_addr_t 64 bits as on x86_64.
 * Takes the place of tools/include's types.h, whose guard it sets.
 */
#ifndef _VMED_USER_LINUX_TYPES_H
#define _VMED_USER_LINUX_TYPES_H
#define _TOOLS_LINUX_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm/types.h>
#include <asm/posix_types.h>

typedef __u64 u64;
typedef __s64 s64;
typedef __u32 u32;
typedef __s32 s32;
typedef __u16 u16;
typedef __s16 s16;
typedef __u8 u8;
typedef __s8 s8;

#ifndef __bitwise
#define __bitwise
#endif
#ifndef __force
#define __force
#endif
#ifndef __user
#define __user
#endif
#ifndef __must_check
#define __must_check
#endif
#ifndef __cold
#define __cold
#endif

typedef unsigned int __bitwise gfp_t;
typedef u64 dma_addr_t;
typedef u64 phys_addr_t;

typedef __u16 __bitwise __le16;
typedef __u16 __bitwise __be16;
typedef __u32 __bitwise __le32;
typedef __u32 __bitwise __be32;
typedef __u64 __bitwise __le64;
typedef __u64 __bitwise __be64;

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#ifndef __aligned_u64
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#endif

struct list_head {
	struct list_head *next, *prev;
};

struct hlist_head {
	struct hlist_node *first;
};

struct hlist_node {
	struct hlist_node *next, **pprev;
};

struct page;
struct kmem_cache;

#endif /* _VMED_USER_LINUX_TYPES_H */

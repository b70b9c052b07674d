/* SPDX-License-Identifier: GPL-2.0 */
/* Little-endian unaligned access; the harness builds for x86_64 only. */
#ifndef _VMED_USER_LINUX_UNALIGNED_H
#define _VMED_USER_LINUX_UNALIGNED_H

#include <string.h>
#include <linux/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tests/user assumes a little-endian host"
#endif

static inline u16 get_unaligned_le16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 get_unaligned_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void put_unaligned_le16(u16 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

static inline void put_unaligned_le64(u64 v, void *p)
{
	memcpy(p, &v, sizeof(v));
}

#endif /* _VMED_USER_LINUX_UNALIGNED_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* The system's byte order helpers, plus the kernel's short names. */
#ifndef _VMED_USER_ASM_BYTEORDER_H
#define _VMED_USER_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>
#include <linux/types.h>

/* tools/include's kernel.h may have defined these already. */
#ifndef le32_to_cpu
#define cpu_to_le16(x)	((__force __le16)__cpu_to_le16(x))
#define cpu_to_le32(x)	((__force __le32)__cpu_to_le32(x))
#define cpu_to_le64(x)	((__force __le64)__cpu_to_le64(x))
#define le16_to_cpu(x)	__le16_to_cpu(x)
#define le32_to_cpu(x)	__le32_to_cpu(x)
#define le64_to_cpu(x)	__le64_to_cpu(x)
#endif

static inline void le32_to_cpu_array(u32 *buf, unsigned int words)
{
	while (words--) {
		*buf = __le32_to_cpu((__force __le32)*buf);
		buf++;
	}
}

static inline void cpu_to_le32_array(u32 *buf, unsigned int words)
{
	while (words--) {
		*buf = (__force u32)__cpu_to_le32(*buf);
		buf++;
	}
}

#endif /* _VMED_USER_ASM_BYTEORDER_H */

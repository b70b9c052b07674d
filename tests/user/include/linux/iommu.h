/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VMED_USER_LINUX_IOMMU_H
#define _VMED_USER_LINUX_IOMMU_H

#define IOMMU_READ	(1 << 0)
#define IOMMU_WRITE	(1 << 1)

#endif /* _VMED_USER_LINUX_IOMMU_H */

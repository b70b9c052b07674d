// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO device of a vGPU: the vfio-pci region layout (config space and
 * the vendor's memory BARs, every access trapped and handed to the core),
 * device and region info, reset, and the open/close that attach the vGPU to
 * the core for the lifetime of one VMM.
 *
 * Region offsets in the device fd are index << 40 | offset, as vfio-pci
 * does; userspace learns them from VFIO_DEVICE_GET_REGION_INFO and should
 * not rely on the encoding.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/pci_regs.h>
#include "kvm.h"

#define VMED_KVM_INDEX_SHIFT	40
#define VMED_KVM_OFFSET_MASK	(BIT_ULL(VMED_KVM_INDEX_SHIFT) - 1)

static int vmed_kvm_init_dev(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);

	atomic_long_set(&kv->pinned, 0);
	vmed_kvm_irq_init(kv);
	return 0;
}

static void vmed_kvm_release_dev(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);

	if (kv->vgpu)
		vmed_vgpu_put(kv->vgpu);
}

static int vmed_kvm_open(struct vmed_kvm_vgpu *kv, struct vfio_device *vdev)
{
	const struct vmed_hv_ops *ops = &vmed_kvm_untracked_ops;
	int ret;

	/*
	 * KVM tracking needs the group added to a KVM before the device is
	 * opened; VMMs that do not (or plain VFIO users) get revalidation.
	 */
	if (vdev->kvm) {
		ret = vmed_kvm_track_start(kv);
		if (ret)
			return ret;
		if (kv->kvm)
			ops = &vmed_kvm_tracked_ops;
	}
	/*
	 * The core refuses (and logs) if another frontend holds the vGPU;
	 * otherwise the VMM gets it as after a reset.
	 */
	ret = vmed_vgpu_attach(kv->vgpu, &vmed_kvm_frontend, ops, kv);
	if (ret) {
		vmed_kvm_track_stop(kv);
		return ret;
	}
	kv->had_kvm = kv->kvm;
	return 0;
}

static int vmed_kvm_open_device(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);
	int ret;

	/*
	 * VFIO pins the module of the device's driver (vmed_mdev); these ops
	 * are ours, so pin this module too while the device is open: rmmod
	 * then says -EBUSY instead of waiting for the VMM. Unloading waits
	 * for the last close to have returned (vfio_unregister_group_dev()),
	 * so the put in close is not racing our own exit.
	 */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	ret = vmed_kvm_open(kv, vdev);
	if (ret)
		module_put(THIS_MODULE);
	return ret;
}

static void vmed_kvm_close_device(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);

	/*
	 * Detach first: it untracks and unpins everything while KVM still
	 * reports writes, so none is lost. Then KVM's notifier goes, which
	 * waits for running notifications (they take the vGPU lock, so this
	 * must not hold it).
	 */
	vmed_vgpu_detach(kv->vgpu, &vmed_kvm_frontend);
	vmed_kvm_track_stop(kv);
	vmed_kvm_irq_release(kv);
	WARN_ON_ONCE(atomic_long_read(&kv->pinned));
	module_put(THIS_MODULE);
}

static u64 region_size(struct vmed_kvm_vgpu *kv, unsigned int index)
{
	const struct vmed_pci_desc *pci =
		&vmed_device_vendor(vmed_vgpu_device(kv->vgpu))->pci;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return PCI_CFG_SPACE_SIZE;
	/* Memory BARs are 64-bit: only even BAR numbers carry one. */
	if (index <= VFIO_PCI_BAR5_REGION_INDEX && !(index % 2) &&
	    index / 2 < VMED_MAX_BARS)
		return pci->bars[index / 2].size;
	return 0;
}

/* The largest naturally aligned access at @off that fits in @left. */
static unsigned int access_len(u64 off, size_t left, unsigned int max)
{
	unsigned int len = max;

	while (len > 1 && (len > left || (off & (len - 1))))
		len /= 2;
	return len;
}

static int region_access(struct vmed_kvm_vgpu *kv, unsigned int index,
			 u64 off, u64 *val, unsigned int len, bool write)
{
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return write ? vmed_cfg_write(kv->vgpu, off, val, len) :
			       vmed_cfg_read(kv->vgpu, off, val, len);
	return write ? vmed_mmio_write(kv->vgpu, index / 2, off, val, len) :
		       vmed_mmio_read(kv->vgpu, index / 2, off, val, len);
}

/*
 * Userspace may read or write any span; it is cut into the naturally
 * aligned accesses a CPU would make (QEMU reads all of config space at
 * once). A call handles at most a page, returning a short count beyond.
 */
static ssize_t vmed_kvm_rw(struct vmed_kvm_vgpu *kv, char __user *ubuf,
			   size_t count, loff_t *ppos, bool write)
{
	unsigned int index = *ppos >> VMED_KVM_INDEX_SHIFT;
	u64 off = *ppos & VMED_KVM_OFFSET_MASK;
	unsigned int max;
	u64 size;
	size_t done = 0;

	if (*ppos < 0 || index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	size = region_size(kv, index);
	if (off >= size || !count)
		return -EINVAL;
	count = min3(count, (size_t)(size - off), PAGE_SIZE);
	max = index == VFIO_PCI_CONFIG_REGION_INDEX ? 4 : 8;
	while (done < count) {
		unsigned int len = access_len(off + done, count - done, max);
		u64 val = 0;
		int ret;

		if (write && copy_from_user(&val, ubuf + done, len))
			return done ?: -EFAULT;
		ret = region_access(kv, index, off + done, &val, len, write);
		if (ret)
			return done ?: ret;
		if (!write && copy_to_user(ubuf + done, &val, len))
			return done ?: -EFAULT;
		done += len;
	}
	*ppos += done;
	return done;
}

static ssize_t vmed_kvm_read(struct vfio_device *vdev, char __user *buf,
			     size_t count, loff_t *ppos)
{
	return vmed_kvm_rw(vdev_to_kv(vdev), buf, count, ppos, false);
}

static ssize_t vmed_kvm_write(struct vfio_device *vdev, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	return vmed_kvm_rw(vdev_to_kv(vdev), (char __user *)buf, count, ppos,
			   true);
}

static long vmed_kvm_get_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vmed_kvm_get_region_info(struct vmed_kvm_vgpu *kv,
				     void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info.offset = (u64)info.index << VMED_KVM_INDEX_SHIFT;
	info.size = region_size(kv, info.index);
	/* Everything is trapped: no mmap, so every access reaches the core. */
	info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE : 0;
	info.cap_offset = 0;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static long vmed_kvm_ioctl(struct vfio_device *vdev, unsigned int cmd,
			   unsigned long arg)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vmed_kvm_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vmed_kvm_get_region_info(kv, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vmed_kvm_get_irq_info(kv, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vmed_kvm_set_irqs(kv, uarg);
	case VFIO_DEVICE_RESET:
		vmed_vgpu_reset(kv->vgpu);
		return 0;
	}
	return -ENOTTY;
}

static const struct vfio_device_ops vmed_kvm_vfio_ops = {
	.name = "vmed_kvm",
	.init = vmed_kvm_init_dev,
	.release = vmed_kvm_release_dev,
	.open_device = vmed_kvm_open_device,
	.close_device = vmed_kvm_close_device,
	.read = vmed_kvm_read,
	.write = vmed_kvm_write,
	.ioctl = vmed_kvm_ioctl,
	.request = vmed_kvm_request,
	.dma_unmap = vmed_kvm_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

/**
 * vmed_kvm_vgpu_added() - offer a published vGPU as a VFIO device
 * @fe: this shim's frontend
 * @vgpu: the vGPU
 * @data: set to the VFIO device's state
 *
 * The VFIO device hangs off the vGPU's sysfs device (the mdev), so VMMs
 * find it as they find any mdev's. vGPUs without one are not offered.
 *
 * Return: 0, -ENODEV without a sysfs device, or the VFIO core's error.
 */
int vmed_kvm_vgpu_added(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			void **data)
{
	struct device *dev = vmed_vgpu_sysfs_dev(vgpu);
	struct vmed_kvm_vgpu *kv;
	int ret;

	/* VFIO pins dev->driver's module on open: a bound device only. */
	if (!dev || !dev->driver)
		return -ENODEV;
	kv = vfio_alloc_device(vmed_kvm_vgpu, vdev, dev, &vmed_kvm_vfio_ops);
	if (IS_ERR(kv))
		return PTR_ERR(kv);
	kv->vgpu = vmed_vgpu_get(vgpu);
	ret = vfio_register_emulated_iommu_dev(&kv->vdev);
	if (ret)
		goto err_put;
	ret = vmed_kvm_sysfs_add(kv);
	if (ret)
		goto err_unregister;
	*data = kv;
	return 0;

err_unregister:
	vfio_unregister_group_dev(&kv->vdev);
err_put:
	vfio_put_device(&kv->vdev);
	return ret;
}

/**
 * vmed_kvm_vgpu_removed() - withdraw the VFIO device of a vGPU
 * @fe: this shim's frontend
 * @vgpu: the vGPU
 * @data: the VFIO device's state, from vmed_kvm_vgpu_added()
 *
 * Waits for the VMM to close the device, asking it through the request
 * eventfd (QEMU unplugs it); the close detaches the vGPU.
 */
void vmed_kvm_vgpu_removed(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			   void *data)
{
	struct vmed_kvm_vgpu *kv = data;

	vmed_kvm_sysfs_remove(kv);
	vfio_unregister_group_dev(&kv->vdev);
	vfio_put_device(&kv->vdev);
}

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
#include "kvm.h"

#define VMED_KVM_INDEX_SHIFT	40
#define VMED_KVM_OFFSET_MASK	(BIT_ULL(VMED_KVM_INDEX_SHIFT) - 1)

static int vmed_kvm_init_dev(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct vmed_kvm_type *t = container_of(mdev->type, struct vmed_kvm_type,
					       type);
	struct vmed_vgpu *vgpu;

	vgpu = vmed_vgpu_create(t->parent->dev, t->index);
	if (IS_ERR(vgpu)) {
		/*
		 * One line an operator can act on: the UUID being created and
		 * the type as mdev names it in sysfs (vmed_i915-8, not 8).
		 */
		pr_err_ratelimited("vmed_kvm: vGPU %pUl of type %s refused: %s (%pe)\n",
				   &mdev->uuid, kobject_name(&mdev->type->kobj),
				   PTR_ERR(vgpu) == -ENOSPC ?
				   "no resources left on the device" :
				   "could not create it", vgpu);
		return PTR_ERR(vgpu);
	}
	/* Logs and the core's messages name the vGPU by its mdev UUID. */
	snprintf(vgpu->name, sizeof(vgpu->name), "%pUl", &mdev->uuid);
	kv->vgpu = vgpu;
	kv->type = t;
	atomic_long_set(&kv->pinned, 0);
	vmed_kvm_irq_init(kv);
	vmed_kvm_bind_add(kv);
	return 0;
}

static void vmed_kvm_release_dev(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);

	vmed_kvm_bind_remove(kv);
	vmed_vgpu_destroy(kv->vgpu);
}

static int vmed_kvm_open_device(struct vfio_device *vdev)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);
	const struct vmed_hv_ops *ops = &vmed_kvm_untracked_ops;
	int ret;

	mutex_lock(&kv->state_lock);
	ret = vmed_kvm_bind_open(kv);
	if (ret)
		goto out;
	/*
	 * KVM tracking needs the group added to a KVM before the device is
	 * opened; VMMs that do not (or plain VFIO users) get revalidation.
	 */
	if (vdev->kvm) {
		ret = vmed_kvm_track_start(kv);
		if (ret)
			goto out;
		if (kv->kvm)
			ops = &vmed_kvm_tracked_ops;
	}
	kv->had_kvm = kv->kvm;
	/* A new VMM finds the device as after a reset. */
	vmed_vgpu_reset(kv->vgpu);
	ret = vmed_vgpu_attach(kv->vgpu, ops, kv);
	if (ret) {
		vmed_kvm_track_stop(kv);
		goto out;
	}
	kv->open = true;
out:
	mutex_unlock(&kv->state_lock);
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
	vmed_vgpu_detach(kv->vgpu);
	vmed_kvm_track_stop(kv);
	vmed_kvm_irq_release(kv);
	mutex_lock(&kv->state_lock);
	kv->open = false;
	mutex_unlock(&kv->state_lock);
	WARN_ON_ONCE(atomic_long_read(&kv->pinned));
}

static u64 region_size(struct vmed_kvm_vgpu *kv, unsigned int index)
{
	const struct vmed_pci_desc *pci = &kv->vgpu->dev->vendor->pci;

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

const struct vfio_device_ops vmed_kvm_vfio_ops = {
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

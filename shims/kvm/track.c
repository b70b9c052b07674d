// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table writes through KVM's external write tracking.
 *
 * When the VMM added the VFIO group to a KVM before opening the device,
 * vfio hands us that KVM: the core's track_add/track_remove become
 * kvm_write_track_add_gfn()/kvm_write_track_remove_gfn(), and KVM calls
 * track_write after a vCPU's write to a tracked frame has landed, which we
 * pass to vmed_page_write(). KVM counts tracking per frame, so several
 * vGPUs of one VM can track the same frame; each notifier sees every
 * tracked write and the core ignores frames it does not shadow.
 *
 * Only vCPU writes are reported: writes by the VMM itself, or DMA by other
 * devices, are not. Without a KVM (or with a kernel built without external
 * write tracking) the shim attaches with no track ops and the core re-reads
 * the shadowed tables before every submission instead.
 *
 * KVM's functions are looked up when a device is opened with a KVM, as vfio
 * does for its own KVM linkage, rather than linked: vmed_kvm then loads
 * where kvm.ko does not (a Xen dom0 creating vGPUs for Xen guests), and a
 * KVM to track with implies kvm.ko is loaded. The lookups hold a reference
 * on kvm.ko until the device is closed.
 */
#include <linux/kvm_types.h>
#include <linux/module.h>
#include <linux/string.h>
#include "kvm.h"

#if IS_ENABLED(CONFIG_KVM_EXTERNAL_WRITE_TRACKING)

static void vmed_kvm_track_write(gpa_t gpa, const u8 *new, int bytes,
				 struct kvm_page_track_notifier_node *node)
{
	struct vmed_kvm_vgpu *kv = container_of(node, struct vmed_kvm_vgpu,
						track_node);

	/* KVM splits emulated writes at page boundaries; stay safe anyway. */
	while (bytes > 0) {
		int len = min_t(int, bytes, PAGE_SIZE - offset_in_page(gpa));

		vmed_page_write(kv->vgpu, gpa, new, len);
		gpa += len;
		new += len;
		bytes -= len;
	}
}

/*
 * A memslot went away: nothing in it may stay pinned, and KVM forgot our
 * write tracking of its frames with it. A guest can cause this (PAM and
 * SMRAM toggles, moving a RAM-backed BAR), and the slot may come back: the
 * core re-reads the tables on those frames before each submission until it
 * can track them again, and never untracks what KVM no longer counts.
 */
static void vmed_kvm_track_remove_region(gfn_t gfn, unsigned long nr_pages,
					 struct kvm_page_track_notifier_node *node)
{
	struct vmed_kvm_vgpu *kv = container_of(node, struct vmed_kvm_vgpu,
						track_node);

	vmed_track_lost(kv->vgpu, gfn, nr_pages);
	vmed_dma_invalidate(kv->vgpu, gfn, nr_pages);
}

static void kvm_fns_put(struct vmed_kvm_vgpu *kv)
{
	if (kv->kvm_fns.reg)
		symbol_put(kvm_page_track_register_notifier);
	if (kv->kvm_fns.unreg)
		symbol_put(kvm_page_track_unregister_notifier);
	if (kv->kvm_fns.add)
		symbol_put(kvm_write_track_add_gfn);
	if (kv->kvm_fns.remove)
		symbol_put(kvm_write_track_remove_gfn);
	memset(&kv->kvm_fns, 0, sizeof(kv->kvm_fns));
}

static bool kvm_fns_get(struct vmed_kvm_vgpu *kv)
{
	kv->kvm_fns.reg = symbol_get(kvm_page_track_register_notifier);
	kv->kvm_fns.unreg = symbol_get(kvm_page_track_unregister_notifier);
	kv->kvm_fns.add = symbol_get(kvm_write_track_add_gfn);
	kv->kvm_fns.remove = symbol_get(kvm_write_track_remove_gfn);
	if (kv->kvm_fns.reg && kv->kvm_fns.unreg && kv->kvm_fns.add &&
	    kv->kvm_fns.remove)
		return true;
	kvm_fns_put(kv);
	return false;
}

/**
 * vmed_kvm_track_start() - use the KVM of the opening VMM for write tracking
 * @kv: the vGPU, being opened with vdev.kvm set
 *
 * Must run in the VMM's process (KVM refuses notifiers from other mms): the
 * VFIO core calls open_device from the VMM's GET_DEVICE_FD. If KVM refuses
 * for that reason, the vGPU falls back to revalidation with a log line.
 *
 * Return: 0, or -ENOMEM if KVM could not allocate its tracking state.
 */
int vmed_kvm_track_start(struct vmed_kvm_vgpu *kv)
{
	int ret = -ENOENT;

	kv->track_node.track_write = vmed_kvm_track_write;
	kv->track_node.track_remove_region = vmed_kvm_track_remove_region;
	if (kvm_fns_get(kv))
		ret = kv->kvm_fns.reg(kv->vdev.kvm, &kv->track_node);
	if (ret == -ENOMEM) {
		kvm_fns_put(kv);
		return ret;
	}
	if (ret) {
		kvm_fns_put(kv);
		dev_info_ratelimited(kv->vdev.dev, "KVM write tracking unavailable (%d): page tables revalidated at submission\n",
				     ret);
		return 0;
	}
	kv->kvm = kv->vdev.kvm;
	return 0;
}

/**
 * vmed_kvm_track_stop() - stop hearing of KVM writes (close, failed open)
 * @kv: the vGPU; its vGPU lock not held
 *
 * Waits for notifications in flight, so none runs once this returns.
 */
void vmed_kvm_track_stop(struct vmed_kvm_vgpu *kv)
{
	if (!kv->kvm)
		return;
	kv->kvm_fns.unreg(kv->kvm, &kv->track_node);
	kv->kvm = NULL;
	kvm_fns_put(kv);
}

/**
 * vmed_kvm_track_add() - &vmed_hv_ops.track_add on KVM write tracking
 * @vgpu: the vGPU; its lock held
 * @gfns: guest frames
 * @nr: number of frames
 *
 * Return: 0, or KVM's error (-EINVAL for a frame outside every memslot);
 * then no frame of the batch stays tracked.
 */
int vmed_kvm_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < nr; i++) {
		ret = kv->kvm_fns.add(kv->kvm, gfns[i]);
		if (ret)
			break;
	}
	if (ret)
		while (i--)
			kv->kvm_fns.remove(kv->kvm, gfns[i]);
	return ret;
}

/**
 * vmed_kvm_track_remove() - &vmed_hv_ops.track_remove on KVM write tracking
 * @vgpu: the vGPU; its lock held
 * @gfns: guest frames tracked by vmed_kvm_track_add()
 * @nr: number of frames
 *
 * A frame whose memslot has gone is no longer tracked by KVM; its error is
 * expected and ignored.
 */
void vmed_kvm_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			   unsigned int nr)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	unsigned int i;

	for (i = 0; i < nr; i++)
		kv->kvm_fns.remove(kv->kvm, gfns[i]);
}

#else /* !CONFIG_KVM_EXTERNAL_WRITE_TRACKING */

int vmed_kvm_track_start(struct vmed_kvm_vgpu *kv)
{
	dev_info_ratelimited(kv->vdev.dev, "kernel without KVM external write tracking: page tables revalidated at submission\n");
	return 0;
}

void vmed_kvm_track_stop(struct vmed_kvm_vgpu *kv)
{
}

int vmed_kvm_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr)
{
	return -EOPNOTSUPP;
}

void vmed_kvm_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			   unsigned int nr)
{
}

#endif

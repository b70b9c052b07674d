// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM shim's guest-memory code (shims/kvm/memory.c) against a VFIO
 * container with iommufd's rules (fake_vfio.h): every frame the core maps
 * is pinned so that the core's own release pattern, frame by frame in any
 * grouping or a whole IOVA window at once, unpins exactly what was pinned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <user_env.h>
#include "../../core/internal.h"
#include "../../shims/kvm/kvm.h"
#include "../../vendors/i915/i915.h"
#include "check.h"
#include "fake_hv.h"
#include "fake_vfio.h"

#define GUEST_FRAMES	2048
#define LOW_FRAMES	1024		/* first IOVA window: [0, 1024) */
#define HIGH_FIRST	1024		/* second: [1024, 1536) */
#define HIGH_FRAMES	512
#define NOT_RAM_GFN	1800		/* in no window */
#define RUN		64

/* What main.c defines in the module. */
atomic_long_t vmed_kvm_pinned_total;
atomic_long_t vmed_kvm_mapped_total;

/*
 * vmed_kvm_tracked_ops names these from track.c and irq.c, which need KVM
 * and eventfds; this program attaches vmed_kvm_untracked_ops and raises no
 * interrupt, so they are never called.
 */
int vmed_kvm_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr)
{
	abort();
}

void vmed_kvm_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			   unsigned int nr)
{
	abort();
}

int vmed_kvm_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data)
{
	abort();
}

void vmed_kvm_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	abort();
}

static unsigned int nr_mapped(const dma_addr_t *dma, unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		n += dma[i] != DMA_MAPPING_ERROR;
	return n;
}

/* Map a run in one call, release it in uneven groups. */
static void run_released_piecewise(struct vmed_kvm_vgpu *kv,
				   struct fake_vfio *fv, u64 first)
{
	struct vmed_vgpu *vgpu = kv->vgpu;
	dma_addr_t dma[RUN];
	u64 gfns[RUN];
	unsigned int i;
	int ret;

	for (i = 0; i < RUN; i++)
		gfns[i] = first + i;
	mutex_lock(&vgpu->lock);
	ret = vmed_dma_map(vgpu, gfns, RUN, dma);
	mutex_unlock(&vgpu->lock);
	check(!ret && nr_mapped(dma, RUN) == RUN,
	      "%u consecutive frames from %llu mapped in one call (%u)",
	      RUN, first, nr_mapped(dma, RUN));
	check(fake_vfio_pinned(fv, first, RUN) == RUN, "each pinned once");

	/* Odd frames one at a time, then the even ones in one flush. */
	mutex_lock(&vgpu->lock);
	for (i = 1; i < RUN; i += 2) {
		vmed_dma_put(vgpu, gfns[i]);
		vmed_dma_flush(vgpu);
	}
	for (i = 0; i < RUN; i += 2)
		vmed_dma_put(vgpu, gfns[i]);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	check(!fake_vfio_pinned(fv, first, RUN) && !fv->bad_unpins,
	      "released in other groupings: nothing left pinned (%lu), no unpin iommufd refuses (%lu)",
	      fake_vfio_pinned(fv, first, RUN), fv->bad_unpins);
}

static void not_guest_memory(struct vmed_kvm_vgpu *kv, struct fake_vfio *fv)
{
	u64 gfns[3] = { LOW_FRAMES - 1, NOT_RAM_GFN, HIGH_FIRST };
	struct vmed_vgpu *vgpu = kv->vgpu;
	dma_addr_t dma[3];
	int ret;

	mutex_lock(&vgpu->lock);
	ret = vmed_dma_map(vgpu, gfns, 3, dma);
	mutex_unlock(&vgpu->lock);
	check(!ret && dma[0] != DMA_MAPPING_ERROR &&
	      dma[1] == DMA_MAPPING_ERROR && dma[2] != DMA_MAPPING_ERROR,
	      "a frame outside every IOVA mapping fails alone");
	check(!fake_vfio_pinned(fv, NOT_RAM_GFN, 1), "and is not pinned");
	mutex_lock(&vgpu->lock);
	vmed_dma_put(vgpu, gfns[0]);
	vmed_dma_put(vgpu, gfns[2]);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
}

/* Userspace unmaps a window while frames in it are mapped. */
static void window_unmapped(struct vmed_kvm_vgpu *kv, struct fake_vfio *fv)
{
	struct vmed_vgpu *vgpu = kv->vgpu;
	u64 gfns[RUN];
	dma_addr_t dma[RUN], again;
	unsigned int i;
	int ret;

	/* Straddling the two windows, so half of the run stays. */
	for (i = 0; i < RUN; i++)
		gfns[i] = HIGH_FIRST - RUN / 2 + i;
	mutex_lock(&vgpu->lock);
	ret = vmed_dma_map(vgpu, gfns, RUN, dma);
	mutex_unlock(&vgpu->lock);
	check(!ret && nr_mapped(dma, RUN) == RUN,
	      "a run across two IOVA windows mapped (%u)",
	      nr_mapped(dma, RUN));

	ret = fake_vfio_unmap(fv, HIGH_FIRST, HIGH_FRAMES);
	check(!ret && !fv->busy_unmaps,
	      "the upper window unmapped: the shim let go of it (%d)", ret);
	check(fake_vfio_pinned(fv, HIGH_FIRST - RUN / 2, RUN / 2) == RUN / 2,
	      "the lower half still pinned");
	mutex_lock(&vgpu->lock);
	ret = vmed_dma_map_one(vgpu, HIGH_FIRST, &again);
	mutex_unlock(&vgpu->lock);
	check(!ret && again == DMA_MAPPING_ERROR,
	      "a frame of the unmapped window maps no more");

	mutex_lock(&vgpu->lock);
	for (i = 0; i < RUN / 2; i++)
		vmed_dma_put(vgpu, gfns[i]);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	check(!fake_vfio_pinned(fv, 0, GUEST_FRAMES) && !fv->bad_unpins,
	      "the rest released exactly as pinned (%lu bad unpins)",
	      fv->bad_unpins);
}

int main(int argc, char **argv)
{
	struct vmed_kvm_vgpu *kv;
	struct vmed_device *dev;
	struct vmed_vgpu *vgpu;
	struct fake_vfio *fv;

	check_group = "kvm_memory";
	check_start(argc, argv);
	if (!check(!fake_hv_listen() && !vmed_user_i915_init(),
		   "device registered"))
		return 1;
	dev = fake_hv_device("vmed_i915");
	kv = calloc(1, sizeof(*kv));
	fv = fake_vfio_create(&kv->vdev, GUEST_FRAMES);
	fake_vfio_map(fv, 0, LOW_FRAMES);
	fake_vfio_map(fv, HIGH_FIRST, HIGH_FRAMES);

	vgpu = vmed_vgpu_create(dev, I915_TYPE_8, NULL);
	if (!check(!IS_ERR(vgpu) &&
		   !vmed_vgpu_attach(vgpu, &fake_frontend,
				     &vmed_kvm_untracked_ops, kv),
		   "vGPU attached with the KVM shim's memory ops"))
		return 1;
	kv->vgpu = vgpu;

	run_released_piecewise(kv, fv, 100);
	run_released_piecewise(kv, fv, LOW_FRAMES - RUN / 2);
	not_guest_memory(kv, fv);
	window_unmapped(kv, fv);

	vmed_vgpu_destroy(vgpu);
	check(!fv->nr_pins && !atomic_long_read(&kv->pinned) &&
	      !atomic_long_read(&vmed_kvm_pinned_total) &&
	      !atomic_long_read(&vmed_kvm_mapped_total),
	      "nothing pinned or mapped after destroy (%u pins)", fv->nr_pins);
	check(fv->pin_calls && !fv->bad_unpins && !fv->busy_unmaps,
	      "%lu pins, every unpin matched one", fv->pin_calls);
	fake_vfio_destroy(fv);
	free(kv);
	vmed_user_i915_exit();
	fake_hv_unlisten();
	return check_finish();
}

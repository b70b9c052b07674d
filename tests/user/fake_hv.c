// SPDX-License-Identifier: GPL-2.0
/*
 * The fake hypervisor shim of tests/user; see fake_hv.h.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/unaligned.h>
#include "../../core/internal.h"
#include "fake_hv.h"

#define FAKE_MAX_DEVICES	8
#define FAKE_MAX_VGPUS		256

static struct vmed_device *devices[FAKE_MAX_DEVICES];
static struct vmed_vgpu *vgpus[FAKE_MAX_VGPUS];

static struct fake_hv *to_fake(struct vmed_vgpu *vgpu)
{
	return vmed_vgpu_hv_data(vgpu);
}

struct fake_hv *fake_hv_create(u64 nr_frames)
{
	struct fake_hv *hv = calloc(1, sizeof(*hv));

	if (!hv)
		return NULL;
	hv->nr_frames = nr_frames;
	hv->frames = calloc(nr_frames, sizeof(*hv->frames));
	hv->pins = calloc(nr_frames, sizeof(*hv->pins));
	hv->tracked = calloc(nr_frames, sizeof(*hv->tracked));
	if (!hv->frames || !hv->pins || !hv->tracked) {
		fake_hv_destroy(hv);
		return NULL;
	}
	return hv;
}

unsigned long fake_hv_destroy(struct fake_hv *hv)
{
	unsigned long errors;
	unsigned int bar;
	u64 gfn;

	for (bar = 0; bar < VMED_MAX_BARS; bar++)
		hv->errors += hv->trap_on[bar];
	hv->errors += !!hv->mapped + !!hv->tracked_frames;
	for (gfn = 0; hv->frames && gfn < hv->nr_frames; gfn++)
		free(hv->frames[gfn]);
	free(hv->frames);
	free(hv->pins);
	free(hv->tracked);
	errors = hv->errors;
	free(hv);
	return errors;
}

void *fake_frame(struct fake_hv *hv, u64 gfn)
{
	if (gfn >= hv->nr_frames)
		return NULL;
	if (!hv->frames[gfn]) {
		hv->frames[gfn] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!hv->frames[gfn])
			abort();
		memset(hv->frames[gfn], 0, PAGE_SIZE);
	}
	return hv->frames[gfn];
}

u64 fake_dma_of(struct fake_hv *hv, u64 gfn)
{
	return FAKE_DMA_BASE + ((hv->scatter ? gfn ^ 1 : gfn) << PAGE_SHIFT);
}

void fake_write64(struct fake_hv *hv, u64 gpa, u64 val)
{
	put_unaligned_le64(val, fake_frame(hv, gpa >> PAGE_SHIFT) +
				offset_in_page(gpa));
}

u64 fake_read64(struct fake_hv *hv, u64 gpa)
{
	return get_unaligned_le64(fake_frame(hv, gpa >> PAGE_SHIFT) +
				  offset_in_page(gpa));
}

static int fake_copy(struct fake_hv *hv, u64 gpa, void *buf, size_t len,
		     bool to_guest)
{
	size_t done, chunk;

	if (!len || gpa + len < gpa || gpa + len > hv->nr_frames << PAGE_SHIFT)
		return -EFAULT;
	for (done = 0; done < len; done += chunk) {
		u64 pos = gpa + done;
		void *frame = fake_frame(hv, pos >> PAGE_SHIFT);

		chunk = min_t(size_t, len - done,
			      PAGE_SIZE - offset_in_page(pos));
		if (to_guest)
			memcpy(frame + offset_in_page(pos), buf + done, chunk);
		else
			memcpy(buf + done, frame + offset_in_page(pos), chunk);
	}
	return 0;
}

static int fake_read_gpa(struct vmed_vgpu *vgpu, u64 gpa, void *buf,
			 size_t len)
{
	struct fake_hv *hv = to_fake(vgpu);

	return hv->fail_read ? -EFAULT : fake_copy(hv, gpa, buf, len, false);
}

static int fake_write_gpa(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			  size_t len)
{
	return fake_copy(to_fake(vgpu), gpa, (void *)buf, len, true);
}

static int fake_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns,
			unsigned int nr, dma_addr_t *dma)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;
	int ret;

	hv->dma_map_calls++;
	if (hv->fail_dma_map) {
		ret = hv->fail_dma_map;
		hv->fail_dma_map = 0;
		return ret;
	}
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= hv->nr_frames) {
			dma[i] = DMA_MAPPING_ERROR;
			continue;
		}
		/* Pins nest, as with vfio_pin_pages(). */
		hv->pins[gfns[i]]++;
		hv->mapped++;
		dma[i] = fake_dma_of(hv, gfns[i]);
	}
	return 0;
}

static void fake_dma_unmap(struct vmed_vgpu *vgpu, const u64 *gfns,
			   const dma_addr_t *dma, unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;

	hv->dma_unmap_calls++;
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= hv->nr_frames || !hv->pins[gfns[i]] ||
		    dma[i] != fake_dma_of(hv, gfns[i])) {
			hv->errors++;
			continue;
		}
		hv->pins[gfns[i]]--;
		hv->mapped--;
	}
}

static int fake_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
			  unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;
	int ret;

	hv->track_calls++;
	if (hv->fail_track) {
		ret = hv->fail_track;
		hv->fail_track = 0;
		return ret;
	}
	for (i = 0; i < nr; i++)
		if (gfns[i] >= hv->nr_frames)
			return -EINVAL;
	for (i = 0; i < nr; i++) {
		/* Tracking is counted, as in KVM; the core tracks once. */
		if (hv->tracked[gfns[i]])
			hv->errors++;
		hv->tracked[gfns[i]]++;
		hv->tracked_frames++;
	}
	return 0;
}

static void fake_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			      unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;

	hv->untrack_calls++;
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= hv->nr_frames || !hv->tracked[gfns[i]]) {
			hv->errors++;
			continue;
		}
		hv->tracked[gfns[i]]--;
		hv->tracked_frames--;
	}
}

static int fake_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data)
{
	struct fake_hv *hv = to_fake(vgpu);

	if (hv->msi_ret)
		return hv->msi_ret;
	hv->msis++;
	hv->msi_addr = addr;
	hv->msi_data = data;
	return 0;
}

static void fake_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	struct fake_hv *hv = to_fake(vgpu);

	lockdep_assert_held(&vgpu->lock);
	/* The core reports changes only: the same level twice is a bug. */
	if (asserted == hv->intx)
		hv->errors++;
	hv->intx = asserted;
	if (asserted)
		hv->intx_raised++;
}

static int fake_set_trap_area(struct vmed_vgpu *vgpu, unsigned int bar,
			      u64 gpa, u64 size, bool map)
{
	struct fake_hv *hv = to_fake(vgpu);

	if (bar >= VMED_MAX_BARS || hv->trap_on[bar] == map ||
	    (!map && hv->trap_gpa[bar] != gpa)) {
		hv->errors++;
		return -EINVAL;
	}
	/* Like Xen, refuse ranges that overlap guest RAM. */
	if (map && gpa < hv->nr_frames << PAGE_SHIFT)
		return -EINVAL;
	hv->trap_on[bar] = map;
	hv->trap_gpa[bar] = gpa;
	if (map)
		hv->traps_mapped++;
	else
		hv->traps_unmapped++;
	return 0;
}

static int fake_is_guest_memory(struct vmed_vgpu *vgpu, const u64 *gfns,
				unsigned int nr, unsigned long *ram)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;

	/* The core hands over a cleared bitmap and at most one batch. */
	if (nr > VMED_DMA_BATCH || !bitmap_empty(ram, nr))
		hv->errors++;
	for (i = 0; i < nr; i++)
		if (gfns[i] < hv->nr_frames)
			__set_bit(i, ram);
	return 0;
}

const struct vmed_hv_ops fake_hv_ops = {
	.read_gpa = fake_read_gpa,
	.write_gpa = fake_write_gpa,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.track_add = fake_track_add,
	.track_remove = fake_track_remove,
	.inject_msi = fake_inject_msi,
	.set_intx = fake_set_intx,
	.set_trap_area = fake_set_trap_area,
	.is_guest_memory = fake_is_guest_memory,
};

/* A hypervisor that cannot write-protect guest pages. */
const struct vmed_hv_ops fake_hv_untracked_ops = {
	.read_gpa = fake_read_gpa,
	.write_gpa = fake_write_gpa,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.inject_msi = fake_inject_msi,
	.set_trap_area = fake_set_trap_area,
	.is_guest_memory = fake_is_guest_memory,
};

/* ---- devices and vGPUs -------------------------------------------------- */

/* The frontend vGPUs are attached with; never registered. */
struct vmed_frontend fake_frontend = {
	.name = "fake",
	.held_state = "open",
};

static int fake_add(struct vmed_device_listener *l, struct vmed_device *dev)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DEVICES; i++) {
		if (!devices[i]) {
			devices[i] = dev;
			return 0;
		}
	}
	return -ENOSPC;
}

static void fake_remove(struct vmed_device_listener *l,
			struct vmed_device *dev)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_VGPUS; i++)
		if (vgpus[i] && vgpus[i]->dev == dev)
			fake_vgpu_destroy(vgpus[i]);
	for (i = 0; i < FAKE_MAX_DEVICES; i++)
		if (devices[i] == dev)
			devices[i] = NULL;
}

static struct vmed_device_listener fake_listener = {
	.name = "fake_hv",
	.add = fake_add,
	.remove = fake_remove,
};

int fake_hv_listen(void)
{
	return vmed_listener_register(&fake_listener);
}

void fake_hv_unlisten(void)
{
	vmed_listener_unregister(&fake_listener);
}

struct vmed_device *fake_hv_device(const char *name)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_DEVICES; i++)
		if (devices[i] && !strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

struct vmed_vgpu *fake_vgpu_create(struct vmed_device *dev, unsigned int type,
				   struct fake_hv *hv,
				   const struct vmed_hv_ops *ops)
{
	struct vmed_vgpu *vgpu;
	unsigned int i;

	for (i = 0; i < FAKE_MAX_VGPUS && vgpus[i]; i++)
		;
	if (i == FAKE_MAX_VGPUS)
		return ERR_PTR(-ENOSPC);
	vgpu = vmed_vgpu_create(dev, type, NULL);
	if (IS_ERR(vgpu))
		return vgpu;
	if (vmed_vgpu_attach(vgpu, &fake_frontend, ops, hv)) {
		vmed_vgpu_destroy(vgpu);
		return ERR_PTR(-EINVAL);
	}
	vgpus[i] = vgpu;
	return vgpu;
}

void fake_vgpu_destroy(struct vmed_vgpu *vgpu)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_VGPUS; i++)
		if (vgpus[i] == vgpu)
			vgpus[i] = NULL;
	vmed_vgpu_destroy(vgpu);
}

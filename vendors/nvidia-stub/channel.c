// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia-stub channels: binding an address space, and the GPFIFO engine.
 *
 * A doorbell makes the engine consume the channel's GPFIFO from GP_GET to
 * GP_PUT, synchronously under the vGPU lock. Each entry names a pushbuffer
 * segment (GPU VA in the channel's address space, length in dwords); the
 * engine copies the segment into a kernel buffer, validates all of it
 * (methods, lengths, every page every method will touch), and only then
 * executes it. Copying the segment first means the guest cannot change it
 * between validation and execution. A failed entry executes nothing; the
 * engine records the error (NVS_CH_ERROR, NVS_CH_ERR_ENTRY, NVS_ERR_COUNT,
 * ERROR interrupt) and moves GP_GET past it, so one bad entry does not wedge
 * the channel.
 *
 * Work per doorbell is bounded: at most the ring size in entries, each at
 * most NVS_PB_MAX_DWORDS long, and NVS_DOORBELL_BUDGET bytes of copies
 * checked (executed or not: failed entries are charged what they made the
 * engine check). An entry that would exceed the remaining budget is left
 * at GP_GET for the next doorbell.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/ratelimit.h>
#include "nvstub.h"

static const u8 nvs_method_args[NVS_NR_METHODS] = {
	[NVS_M_NOP] = 0,
	[NVS_M_SET_SRC] = 2,
	[NVS_M_SET_DST] = 2,
	[NVS_M_SET_LENGTH] = 1,
	[NVS_M_LAUNCH_COPY] = 0,
	[NVS_M_SEMAPHORE_ADDRESS] = 2,
	[NVS_M_SEMAPHORE_RELEASE] = 1,
	[NVS_M_NONSTALL_INTERRUPT] = 0,
};

/* Method state; it does not carry over from one segment to the next. */
struct nvs_seg {
	u64 src, dst, sem, len;
	bool have_src, have_dst, have_len, have_sem;
	u64 bytes;
	unsigned int copies;
};

static u32 chan_reg(struct vmed_vgpu *vgpu, unsigned int c, u32 reg)
{
	return vmed_vreg_read(vgpu, NVS_CHAN(c) + reg, 4);
}

static void chan_set(struct vmed_vgpu *vgpu, unsigned int c, u32 reg, u32 val)
{
	vmed_vreg_write(vgpu, NVS_CHAN(c) + reg, 4, val);
}

/**
 * vmed_nvs_channel_error() - record a failed GPFIFO entry or channel operation
 * @vgpu: the vGPU; its lock held
 * @c: channel
 * @err: NVS_ERR_* bit
 * @entry: GPFIFO index concerned (GP_GET for errors not tied to an entry)
 */
void vmed_nvs_channel_error(struct vmed_vgpu *vgpu, unsigned int c, u32 err,
			    u32 entry)
{
	nvs_vgpu(vgpu)->errors++;
	chan_set(vgpu, c, NVS_CH_ERROR, chan_reg(vgpu, c, NVS_CH_ERROR) | err);
	chan_set(vgpu, c, NVS_CH_ERR_ENTRY, entry);
	pr_info_ratelimited("%s: channel %u entry %u failed: error %#x\n",
			    vmed_vgpu_name(vgpu), c, entry, err);
	vmed_irq_raise(vgpu, NVS_EV_ERROR);
}

/**
 * vmed_nvs_channel_unbind() - drop the channel's address space
 * @vgpu: the vGPU; its lock held
 * @c: channel
 */
void vmed_nvs_channel_unbind(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[c];

	if (ch->mm) {
		vmed_ppgtt_put(vgpu, ch->mm);
		ch->mm = NULL;
	}
}

static bool ring_ok(struct vmed_vgpu *vgpu, unsigned int c)
{
	u32 entries = chan_reg(vgpu, c, NVS_CH_GPFIFO_ENTRIES);
	u64 base = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_GPFIFO_BASE, 8);

	return is_power_of_2(entries) && entries <= NVS_GPFIFO_MAX &&
	       IS_ALIGNED(base, sizeof(u64));
}

/**
 * vmed_nvs_channel_bind() - the guest set NVS_CH_CTRL_ENABLE: bind the channel
 * @vgpu: the vGPU; its lock held
 * @c: channel
 *
 * Shadows the page tables at NVS_CH_PDB and keeps them until the channel is
 * disabled, its PDB changes, or the vGPU is reset. A refused bind clears
 * the enable bit and records %NVS_ERR_BIND.
 *
 * Return: 0; guest errors are reported through the channel registers.
 */
int vmed_nvs_channel_bind(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[c];
	u64 pdb = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_PDB, 8);
	struct vmed_ppgtt_mm *mm = ERR_PTR(-EINVAL);

	vmed_nvs_channel_unbind(vgpu, c);
	if (c < vmed_vgpu_fences(vgpu) && ring_ok(vgpu, c) && pdb && PAGE_ALIGNED(pdb))
		mm = vmed_ppgtt_get(vgpu, pdb);
	if (IS_ERR(mm)) {
		chan_set(vgpu, c, NVS_CH_CTRL, 0);
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_BIND,
				       chan_reg(vgpu, c, NVS_CH_GP_GET));
		return 0;
	}
	ch->mm = mm;
	chan_set(vgpu, c, NVS_CH_GP_GET, 0);
	return 0;
}

/*
 * One pass over a segment. With @exec false it validates: every method
 * known with the right number of data dwords, state set before use,
 * lengths within bounds, every page mapped (writable where written); it
 * returns an NVS_ERR_* bit or 0 and fills @seg->bytes. With @exec true it
 * runs the validated segment.
 */
static u32 nvs_segment(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
		       const u32 *pb, unsigned int n, bool exec,
		       struct nvs_seg *seg)
{
	unsigned int i = 0;

	memset(seg, 0, sizeof(*seg));
	while (i < n) {
		u32 hdr = pb[i++], m = hdr & 0xff, args = (hdr >> 8) & 0xff;
		const u32 *a = &pb[i];
		__le32 payload;

		if ((hdr >> 16) || m >= NVS_NR_METHODS ||
		    args != nvs_method_args[m] || n - i < args)
			return NVS_ERR_METHOD;
		i += args;
		switch (m) {
		case NVS_M_NOP:
			break;
		case NVS_M_SET_SRC:
			seg->src = (u64)a[1] << 32 | a[0];
			seg->have_src = true;
			break;
		case NVS_M_SET_DST:
			seg->dst = (u64)a[1] << 32 | a[0];
			seg->have_dst = true;
			break;
		case NVS_M_SET_LENGTH:
			seg->len = a[0];
			seg->have_len = true;
			break;
		case NVS_M_LAUNCH_COPY:
			if (!seg->have_src || !seg->have_dst || !seg->have_len)
				return NVS_ERR_METHOD;
			if (exec) {
				if (vmed_nvs_copy(vgpu, mm, seg->dst, seg->src,
						  seg->len))
					return NVS_ERR_FAULT;
				nvs_vgpu(vgpu)->copies++;
				nvs_vgpu(vgpu)->copy_bytes += seg->len;
				seg->copies++;
				break;
			}
			if (seg->len > NVS_COPY_MAX ||
			    seg->bytes + seg->len > NVS_DOORBELL_BUDGET)
				return NVS_ERR_LENGTH;
			/* Counted before the walk: checking costs too. */
			seg->bytes += seg->len;
			if (vmed_nvs_copy_check(vgpu, mm, seg->src, seg->len, false) ||
			    vmed_nvs_copy_check(vgpu, mm, seg->dst, seg->len, true))
				return NVS_ERR_FAULT;
			break;
		case NVS_M_SEMAPHORE_ADDRESS:
			seg->sem = (u64)a[1] << 32 | a[0];
			seg->have_sem = true;
			break;
		case NVS_M_SEMAPHORE_RELEASE:
			if (!seg->have_sem)
				return NVS_ERR_METHOD;
			if (exec) {
				payload = cpu_to_le32(a[0]);
				if (vmed_ppgtt_rw(vgpu, mm, seg->sem, &payload,
						  sizeof(payload), true))
					return NVS_ERR_FAULT;
				nvs_vgpu(vgpu)->releases++;
				break;
			}
			if (!IS_ALIGNED(seg->sem, sizeof(u32)) ||
			    vmed_nvs_copy_check(vgpu, mm, seg->sem, sizeof(u32), true))
				return NVS_ERR_FAULT;
			break;
		case NVS_M_NONSTALL_INTERRUPT:
			if (exec)
				vmed_irq_raise(vgpu, NVS_EV_NONSTALL);
			break;
		}
	}
	return 0;
}

/*
 * Fetch GPFIFO entry @get and its segment into the pushbuffer buffer.
 * Returns the number of dwords, or a negative NVS_ERR_* bit.
 */
static long nvs_fetch(struct vmed_vgpu *vgpu, unsigned int c,
		      struct vmed_ppgtt_mm *mm, u32 get)
{
	u64 base = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_GPFIFO_BASE, 8);
	u32 *pb = nvs_vgpu(vgpu)->pb;
	__le64 raw;
	u64 entry, va, dwords;

	if (vmed_gm_rw(vgpu, base + (u64)get * sizeof(raw), &raw, sizeof(raw),
		       false))
		return -NVS_ERR_GPFIFO;
	entry = le64_to_cpu(raw);
	va = entry & NVS_GP_VA;
	dwords = FIELD_GET(NVS_GP_LEN, entry);
	if ((entry & NVS_GP_RSVD) || !IS_ALIGNED(va, sizeof(u32)))
		return -NVS_ERR_GPFIFO;
	if (dwords > NVS_PB_MAX_DWORDS)
		return -NVS_ERR_LENGTH;
	if (vmed_nvs_copy_check(vgpu, mm, va, dwords * 4, false) ||
	    vmed_ppgtt_rw(vgpu, mm, va, pb, dwords * 4, false))
		return -NVS_ERR_GPFIFO;
	le32_to_cpu_array(pb, dwords);
	return dwords;
}

/**
 * vmed_nvs_channel_submit() - the engine: consume GPFIFO entries GP_GET..GP_PUT
 * @vgpu: the vGPU; its lock held, shadow tables synced
 * @desc: the channel number
 *
 * Return: 0; guest errors are reported through the channel registers.
 */
int vmed_nvs_channel_submit(struct vmed_vgpu *vgpu, u64 desc)
{
	unsigned int c = desc;
	struct nvs_vgpu *nv = nvs_vgpu(vgpu);
	struct vmed_ppgtt_mm *mm;
	u32 get, put, entries;
	u64 budget = NVS_DOORBELL_BUDGET;
	unsigned int copies = 0;
	struct nvs_seg seg;

	if (c >= NVS_MAX_CHANNELS)
		return -EINVAL;
	get = chan_reg(vgpu, c, NVS_CH_GP_GET);
	mm = c < vmed_vgpu_fences(vgpu) ? nv->chan[c].mm : NULL;
	if (!mm) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_DISABLED, get);
		return 0;
	}
	entries = chan_reg(vgpu, c, NVS_CH_GPFIFO_ENTRIES);
	put = chan_reg(vgpu, c, NVS_CH_GP_PUT);
	if (!ring_ok(vgpu, c)) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_GPFIFO, get);
		return 0;
	}
	if (put >= entries || get >= entries) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_PUT, get);
		return 0;
	}
	while (get != put && budget) {
		long dwords = nvs_fetch(vgpu, c, mm, get);
		u32 err = dwords < 0 ? -dwords : 0;

		seg.bytes = 0;
		if (!err)
			err = nvs_segment(vgpu, mm, nv->pb, dwords, false, &seg);
		if (!err && seg.bytes > budget)
			break;	/* the next doorbell continues here */
		/*
		 * A failed entry is charged what it made the engine check, so
		 * a stream of entries that fail late cannot make one doorbell
		 * walk more than the budget.
		 */
		budget -= min(seg.bytes, budget);
		if (!err) {
			err = nvs_segment(vgpu, mm, nv->pb, dwords, true, &seg);
			copies += seg.copies;
			nv->entries++;
		}
		if (err)
			vmed_nvs_channel_error(vgpu, c, err, get);
		get = (get + 1) & (entries - 1);
		chan_set(vgpu, c, NVS_CH_GP_GET, get);
	}
	if (copies)
		vmed_irq_raise(vgpu, NVS_EV_COPY_DONE);
	return 0;
}

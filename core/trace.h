/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the mediation core (system "vmed"), one per step of the
 * data paths described in the top-level README: trapped accesses, shadow
 * updates, DMA mappings, interrupts, workloads and the vGPU lifecycle.
 *
 * Every event starts with the vGPU's name (its mdev UUID under the shims)
 * and its id on the device, so one vGPU's events can be filtered out of a
 * busy host ("echo 'name ~ \"<uuid>\"' > events/vmed/filter").
 *
 * Events are off by default and cost a patched-out branch while off; the
 * arguments are what the call sites have at hand anyway, and all decoding
 * is left to TP_fast_assign and TP_printk.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmed

#if !defined(_VMED_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMED_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <vmed/vgpu.h>

/* How a trapped BAR access was handled (vmed_mmio.kind). */
#define VMED_TRACE_MMIO_REG	0	/* register window */
#define VMED_TRACE_MMIO_GGTT	1	/* GGTT entries */
#define VMED_TRACE_MMIO_BAR	2	/* another BAR, vendor's bar_rw */
#define VMED_TRACE_MMIO_HOLE	3	/* register BAR, neither: reads 0 */
#define VMED_TRACE_MMIO_DEAD	4	/* failed vGPU: ~0 / dropped */
#define VMED_TRACE_MMIO_REJECT	5	/* bad size, alignment or range */

TRACE_EVENT(vmed_mmio,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		     const void *buf, unsigned int len, bool write, int kind,
		     int ret),
	    TP_ARGS(vgpu, bar, offset, buf, len, write, kind, ret),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, offset)
			     __field(u64, val)
			     __field(u8, bar)
			     __field(u8, len)
			     __field(bool, write)
			     __field(u8, kind)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->offset = offset;
			   /* Little endian; sizes are checked unless rejected. */
			   __entry->val = 0;
			   memcpy(&__entry->val, buf,
				  kind == VMED_TRACE_MMIO_REJECT ? 0 :
				  min_t(unsigned int, len, 8));
			   __entry->bar = bar;
			   __entry->len = len;
			   __entry->write = write;
			   __entry->kind = kind;
			   __entry->ret = ret;),
	    TP_printk("%s id=%u %s bar=%u offset=%#llx len=%u val=%#llx kind=%s ret=%d",
		      __get_str(name), __entry->id,
		      __entry->write ? "write" : "read", __entry->bar,
		      __entry->offset, __entry->len, __entry->val,
		      __print_symbolic(__entry->kind,
				       { VMED_TRACE_MMIO_REG, "reg" },
				       { VMED_TRACE_MMIO_GGTT, "ggtt" },
				       { VMED_TRACE_MMIO_BAR, "bar" },
				       { VMED_TRACE_MMIO_HOLE, "hole" },
				       { VMED_TRACE_MMIO_DEAD, "dead" },
				       { VMED_TRACE_MMIO_REJECT, "rejected" }),
		      __entry->ret)
);

TRACE_EVENT(vmed_cfg_write,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int offset,
		     const void *buf, unsigned int len, int ret),
	    TP_ARGS(vgpu, offset, buf, len, ret),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u16, offset)
			     __field(u8, len)
			     __field(u32, val)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->offset = offset;
			   __entry->len = len;
			   __entry->val = 0;
			   memcpy(&__entry->val, buf,
				  ret ? 0 : min_t(unsigned int, len, 4));
			   __entry->ret = ret;),
	    TP_printk("%s id=%u offset=%#x len=%u val=%#x ret=%d",
		      __get_str(name), __entry->id, __entry->offset,
		      __entry->len, __entry->val, __entry->ret)
);

TRACE_EVENT(vmed_ggtt_update,
	    TP_PROTO(struct vmed_vgpu *vgpu, u32 index, u64 guest, u64 host,
		     bool mapped),
	    TP_ARGS(vgpu, index, guest, host, mapped),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u32, index)
			     __field(u64, guest)
			     __field(u64, host)
			     __field(bool, mapped)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->index = index;
			   __entry->guest = guest;
			   __entry->host = host;
			   __entry->mapped = mapped;),
	    TP_printk("%s id=%u index=%#x guest=%#llx host=%#llx %s",
		      __get_str(name), __entry->id, __entry->index,
		      __entry->guest, __entry->host,
		      __entry->mapped ? "mapped" : "scratch")
);

TRACE_EVENT(vmed_ppgtt_shadow,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 gfn, unsigned int level,
		     unsigned int nr_spts),
	    TP_ARGS(vgpu, gfn, level, nr_spts),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, gfn)
			     __field(u8, level)
			     __field(unsigned int, nr_spts)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->gfn = gfn;
			   __entry->level = level;
			   __entry->nr_spts = nr_spts;),
	    TP_printk("%s id=%u gfn=%#llx level=%u tables=%u",
		      __get_str(name), __entry->id, __entry->gfn,
		      __entry->level, __entry->nr_spts)
);

TRACE_EVENT(vmed_ppgtt_update,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 gfn, unsigned int level,
		     unsigned int index, u64 guest, int ret),
	    TP_ARGS(vgpu, gfn, level, index, guest, ret),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, gfn)
			     __field(u8, level)
			     __field(u16, index)
			     __field(u64, guest)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->gfn = gfn;
			   __entry->level = level;
			   __entry->index = index;
			   __entry->guest = guest;
			   __entry->ret = ret;),
	    TP_printk("%s id=%u gfn=%#llx level=%u index=%u guest=%#llx ret=%d",
		      __get_str(name), __entry->id, __entry->gfn,
		      __entry->level, __entry->index, __entry->guest,
		      __entry->ret)
);

TRACE_EVENT(vmed_page_write,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 gpa, unsigned int len,
		     bool shadowed),
	    TP_ARGS(vgpu, gpa, len, shadowed),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, gpa)
			     __field(unsigned int, len)
			     __field(bool, shadowed)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->gpa = gpa;
			   __entry->len = len;
			   __entry->shadowed = shadowed;),
	    TP_printk("%s id=%u gpa=%#llx len=%u %s",
		      __get_str(name), __entry->id, __entry->gpa, __entry->len,
		      __entry->shadowed ? "shadowed" : "stale")
);

TRACE_EVENT(vmed_dma_map,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t dma),
	    TP_ARGS(vgpu, gfn, dma),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, gfn)
			     __field(u64, dma)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->gfn = gfn;
			   __entry->dma = dma;),
	    TP_printk("%s id=%u gfn=%#llx dma=%#llx",
		      __get_str(name), __entry->id, __entry->gfn, __entry->dma)
);

TRACE_EVENT(vmed_dma_unmap,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 first_gfn, unsigned int nr),
	    TP_ARGS(vgpu, first_gfn, nr),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, first_gfn)
			     __field(unsigned int, nr)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->first_gfn = first_gfn;
			   __entry->nr = nr;),
	    TP_printk("%s id=%u first_gfn=%#llx nr=%u",
		      __get_str(name), __entry->id, __entry->first_gfn,
		      __entry->nr)
);

TRACE_EVENT(vmed_dma_invalidate,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 gfn, u64 nr),
	    TP_ARGS(vgpu, gfn, nr),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, gfn)
			     __field(u64, nr)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->gfn = gfn;
			   __entry->nr = nr;),
	    TP_printk("%s id=%u gfn=%#llx nr=%llu",
		      __get_str(name), __entry->id, __entry->gfn, __entry->nr)
);

TRACE_EVENT(vmed_irq_raise,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int event, bool masked),
	    TP_ARGS(vgpu, event, masked),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(unsigned int, event)
			     __field(bool, masked)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->event = event;
			   __entry->masked = masked;),
	    TP_printk("%s id=%u event=%u%s",
		      __get_str(name), __entry->id, __entry->event,
		      __entry->masked ? " masked" : "")
);

TRACE_EVENT(vmed_msi_inject,
	    TP_PROTO(struct vmed_vgpu *vgpu, u64 addr, u32 data, int ret),
	    TP_ARGS(vgpu, addr, data, ret),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(u64, addr)
			     __field(u32, data)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->addr = addr;
			   __entry->data = data;
			   __entry->ret = ret;),
	    TP_printk("%s id=%u addr=%#llx data=%#x ret=%d",
		      __get_str(name), __entry->id, __entry->addr,
		      __entry->data, __entry->ret)
);

TRACE_EVENT(vmed_wl_queue,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int engine,
		     unsigned int queued),
	    TP_ARGS(vgpu, engine, queued),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(unsigned int, engine)
			     __field(unsigned int, queued)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->engine = engine;
			   __entry->queued = queued;),
	    TP_printk("%s id=%u engine=%u queued=%u",
		      __get_str(name), __entry->id, __entry->engine,
		      __entry->queued)
);

/* One per scheduling decision: which vGPU an engine runs next, and why. */
TRACE_EVENT(vmed_sched_pick,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int engine, u64 vruntime,
		     u64 period_used, unsigned int runnable,
		     unsigned int throttled),
	    TP_ARGS(vgpu, engine, vruntime, period_used, runnable, throttled),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(unsigned int, engine)
			     __field(u64, vruntime)
			     __field(u64, period_used)
			     __field(unsigned int, runnable)
			     __field(unsigned int, throttled)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->engine = engine;
			   __entry->vruntime = vruntime;
			   __entry->period_used = period_used;
			   __entry->runnable = runnable;
			   __entry->throttled = throttled;),
	    TP_printk("%s id=%u engine=%u vruntime=%llu period_used=%llu runnable=%u throttled=%u",
		      __get_str(name), __entry->id, __entry->engine,
		      __entry->vruntime, __entry->period_used,
		      __entry->runnable, __entry->throttled)
);

TRACE_EVENT(vmed_wl_done,
	    TP_PROTO(struct vmed_vgpu *vgpu, unsigned int engine, int status,
		     u64 runtime_ns),
	    TP_ARGS(vgpu, engine, status, runtime_ns),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __field(unsigned int, engine)
			     __field(int, status)
			     __field(u64, runtime_ns)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __entry->engine = engine;
			   __entry->status = status;
			   __entry->runtime_ns = runtime_ns;),
	    TP_printk("%s id=%u engine=%u status=%d runtime_ns=%llu",
		      __get_str(name), __entry->id, __entry->engine,
		      __entry->status, __entry->runtime_ns)
);

TRACE_EVENT(vmed_vgpu_state,
	    TP_PROTO(struct vmed_vgpu *vgpu, const char *state),
	    TP_ARGS(vgpu, state),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __string(state, state)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __assign_str(state);),
	    TP_printk("%s id=%u state=%s",
		      __get_str(name), __entry->id, __get_str(state))
);

TRACE_EVENT(vmed_vgpu_fail,
	    TP_PROTO(struct vmed_vgpu *vgpu, const char *reason),
	    TP_ARGS(vgpu, reason),
	    TP_STRUCT__entry(__string(name, vgpu->name)
			     __field(unsigned int, id)
			     __string(reason, reason)
			     __field(u64, failures)),
	    TP_fast_assign(__assign_str(name);
			   __entry->id = vgpu->id;
			   __assign_str(reason);
			   __entry->failures = vgpu->stats.failures;),
	    TP_printk("%s id=%u reason=\"%s\" failures=%llu",
		      __get_str(name), __entry->id, __get_str(reason),
		      __entry->failures)
);

#endif /* _VMED_TRACE_H */

/* Out of tree: the header is found through -I$(src) (core/Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

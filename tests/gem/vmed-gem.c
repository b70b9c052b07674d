// SPDX-License-Identifier: GPL-2.0
/*
 * vmed-gem: workloads submitted through Linux's i915 uAPI.
 *
 * It runs in a guest whose unmodified i915 drives a vmed_i915 vGPU (the
 * end-to-end tests' linux-i915 run). On the render and on the blitter
 * engine it stores dwords, fills a rectangle with a colour, copies a
 * surface and queues a burst of batches, each a batch buffer submitted
 * with execbuffer2 over GEM objects it places itself (softpin) in its own
 * context's address space. It waits for each and checks every byte of
 * the target object through a CPU mapping: what is outside the written
 * area must be untouched too. Nothing here knows about vmed, with one
 * exception: on the render engine the fills and copies use the 2D blitter
 * commands, which vmed's software render engine runs and a real Skylake's
 * refuses (its render engine fills and copies with the 3D pipeline, which
 * vmed does not model).
 *
 * One "PASS: ..." or "FAIL: ..." line per check; the exit status is the
 * number of failures (at most 100).
 *
 *   vmed-gem [DRM device node]		default /dev/dri/renderD128
 */
#include <i915_drm.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Command encodings of Gen8 and later */
#define MI_NOOP			0
#define MI_BATCH_BUFFER_END	(0x0a << 23)
#define MI_STORE_DWORD_IMM	(0x20 << 23 | (4 - 2))	/* 64-bit address */
#define XY_COLOR_BLT		(2u << 29 | 0x50 << 22 | (7 - 2))
#define XY_SRC_COPY_BLT		(2u << 29 | 0x53 << 22 | (10 - 2))
#define   BLT_WRITE_RGBA		(3 << 20)
#define   BLT_DEPTH_32			(3 << 24)
#define   BLT_ROP_COLOR			(0xf0 << 16)
#define   BLT_ROP_SRC			(0xcc << 16)

/* Surfaces of 256 x 64 pixels of 32 bits */
#define WIDTH		256
#define HEIGHT		64
#define PITCH		(WIDTH * 4)
#define SURFACE		(PITCH * HEIGHT)
#define PIXELS		(WIDTH * HEIGHT)
/* The filled rectangle: x 16..215, y 8..47 */
#define FILL_X1		16
#define FILL_Y1		8
#define FILL_X2		216
#define FILL_Y2		48
#define STORES		16	/* dwords stored by one batch, 64 bytes apart */
#define BURST		32	/* batches queued before the first wait */

/* Where the objects sit in the context's address space */
#define VA_BATCH	0x100000ull
#define VA_SRC		0x200000ull
#define VA_DST		0x300000ull
#define BATCH_SIZE	4096

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define WAIT_NS		(20ll * 1000 * 1000 * 1000)

struct bo {
	__u32 handle;
	__u32 *map;
	__u64 size;
};

struct engine {
	const char *name;
	__u64 flag;		/* I915_EXEC_* */
	__u32 salt;		/* makes each engine's values its own */
};

static int fd = -1;
static unsigned int passed, failed;

static void result(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("%s: L3: i915 uAPI: %s", ok ? "PASS" : "FAIL", what);
	if (!ok && fmt) {
		printf(" (");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf(")");
	}
	printf("\n");
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

static int drm_ioctl(unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

static int bo_create(struct bo *bo, __u64 size)
{
	struct drm_i915_gem_create create = { .size = size };
	struct drm_i915_gem_mmap mmap_arg = { 0 };
	int ret;

	memset(bo, 0, sizeof(*bo));
	ret = drm_ioctl(DRM_IOCTL_I915_GEM_CREATE, &create);
	if (ret)
		return ret;
	bo->handle = create.handle;
	bo->size = create.size;
	/* A cacheable CPU mapping: Skylake's GPU snoops the LLC. */
	mmap_arg.handle = bo->handle;
	mmap_arg.size = bo->size;
	ret = drm_ioctl(DRM_IOCTL_I915_GEM_MMAP, &mmap_arg);
	if (ret)
		return ret;
	bo->map = (__u32 *)(uintptr_t)mmap_arg.addr_ptr;
	return 0;
}

static void bo_destroy(struct bo *bo)
{
	struct drm_gem_close close_arg = { .handle = bo->handle };

	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->handle)
		drm_ioctl(DRM_IOCTL_GEM_CLOSE, &close_arg);
	memset(bo, 0, sizeof(*bo));
}

/* Move @bo to the CPU domain: what the GPU wrote is visible, and the CPU may write. */
static int bo_cpu(struct bo *bo, int write)
{
	struct drm_i915_gem_set_domain sd = {
		.handle = bo->handle,
		.read_domains = I915_GEM_DOMAIN_CPU,
		.write_domain = write ? I915_GEM_DOMAIN_CPU : 0,
	};

	return drm_ioctl(DRM_IOCTL_I915_GEM_SET_DOMAIN, &sd);
}

static int bo_wait(struct bo *bo)
{
	struct drm_i915_gem_wait wait = {
		.bo_handle = bo->handle,
		.timeout_ns = WAIT_NS,
	};

	return drm_ioctl(DRM_IOCTL_I915_GEM_WAIT, &wait);
}

/*
 * Submit @batch (@len dwords, ended here; placed at @batch_va) on @e with
 * the objects of @bos placed at @vas; the last of them is written by the
 * batch.
 */
static int submit(const struct engine *e, struct bo *batch, __u64 batch_va,
		  const __u32 *cmds, unsigned int len, struct bo **bos,
		  const __u64 *vas, unsigned int n)
{
	struct drm_i915_gem_exec_object2 obj[4] = { 0 };
	struct drm_i915_gem_execbuffer2 eb = { 0 };
	unsigned int i;
	int ret;

	if (n + 1 > ARRAY_SIZE(obj) || len + 2 > BATCH_SIZE / 4)
		return -EINVAL;
	ret = bo_cpu(batch, 1);
	if (ret)
		return ret;
	memcpy(batch->map, cmds, len * 4);
	batch->map[len++] = MI_BATCH_BUFFER_END;
	if (len & 1)
		batch->map[len++] = MI_NOOP;
	for (i = 0; i < n; i++) {
		obj[i].handle = bos[i]->handle;
		obj[i].offset = vas[i];
		obj[i].flags = EXEC_OBJECT_PINNED |
			       (i == n - 1 ? EXEC_OBJECT_WRITE : 0);
	}
	obj[n].handle = batch->handle;
	obj[n].offset = batch_va;
	obj[n].flags = EXEC_OBJECT_PINNED;
	eb.buffers_ptr = (uintptr_t)obj;
	eb.buffer_count = n + 1;
	eb.batch_len = len * 4;
	eb.flags = e->flag | I915_EXEC_NO_RELOC;
	return drm_ioctl(DRM_IOCTL_I915_GEM_EXECBUFFER2, &eb);
}

/* Wait for @dst and read it; describe what went wrong in @why. */
static int finish(struct bo *dst, char *why, size_t size)
{
	int ret = bo_wait(dst);

	if (ret) {
		snprintf(why, size, "wait: %s", strerror(-ret));
		return ret;
	}
	ret = bo_cpu(dst, 0);
	if (ret)
		snprintf(why, size, "set_domain: %s", strerror(-ret));
	return ret;
}

static void store_dwords(const struct engine *e, struct bo *batch,
			 struct bo *dst)
{
	__u32 cmds[4 * STORES];
	char what[64], why[128] = "";
	unsigned int i, n = 0;
	int ret;

	snprintf(what, sizeof(what), "%s: %u dwords stored", e->name, STORES);
	ret = bo_cpu(dst, 1);
	if (!ret) {
		memset(dst->map, 0, dst->size);
		for (i = 0; i < STORES; i++) {
			__u64 va = VA_DST + i * 64;

			cmds[n++] = MI_STORE_DWORD_IMM;
			cmds[n++] = (__u32)va;
			cmds[n++] = (__u32)(va >> 32);
			cmds[n++] = e->salt | i;
		}
		ret = submit(e, batch, VA_BATCH, cmds, n, &dst,
			     (__u64[]){ VA_DST }, 1);
		if (ret)
			snprintf(why, sizeof(why), "execbuffer2: %s", strerror(-ret));
	}
	if (!ret)
		ret = finish(dst, why, sizeof(why));
	for (i = 0; !ret && i < dst->size / 4; i++) {
		__u32 want = i % 16 || i / 16 >= STORES ? 0 : e->salt | i / 16;

		if (dst->map[i] != want) {
			snprintf(why, sizeof(why), "dword %u is %#x, not %#x", i,
				 dst->map[i], want);
			ret = -1;
		}
	}
	result(!ret, what, "%s", why);
}

static void colour_fill(const struct engine *e, struct bo *batch,
			struct bo *dst)
{
	__u32 color = 0xff336699 ^ e->salt;
	__u32 cmds[] = {
		XY_COLOR_BLT | BLT_WRITE_RGBA,
		BLT_DEPTH_32 | BLT_ROP_COLOR | PITCH,
		FILL_Y1 << 16 | FILL_X1,
		FILL_Y2 << 16 | FILL_X2,
		(__u32)VA_DST, (__u32)(VA_DST >> 32),
		color,
	};
	char what[80], why[128] = "";
	unsigned int x, y;
	int ret;

	snprintf(what, sizeof(what), "%s: colour fill of %ux%u in a %ux%u surface",
		 e->name, FILL_X2 - FILL_X1, FILL_Y2 - FILL_Y1, WIDTH, HEIGHT);
	ret = bo_cpu(dst, 1);
	if (!ret) {
		memset(dst->map, 0, dst->size);
		ret = submit(e, batch, VA_BATCH, cmds, sizeof(cmds) / 4, &dst,
			     (__u64[]){ VA_DST }, 1);
		if (ret)
			snprintf(why, sizeof(why), "execbuffer2: %s", strerror(-ret));
	}
	if (!ret)
		ret = finish(dst, why, sizeof(why));
	for (y = 0; !ret && y < HEIGHT; y++) {
		for (x = 0; !ret && x < WIDTH; x++) {
			int inside = x >= FILL_X1 && x < FILL_X2 &&
				     y >= FILL_Y1 && y < FILL_Y2;
			__u32 want = inside ? color : 0;

			if (dst->map[y * WIDTH + x] != want) {
				snprintf(why, sizeof(why), "pixel (%u,%u) is %#x, not %#x",
					 x, y, dst->map[y * WIDTH + x], want);
				ret = -1;
			}
		}
	}
	result(!ret, what, "%s", why);
}

static void surface_copy(const struct engine *e, struct bo *batch,
			 struct bo *src, struct bo *dst)
{
	__u32 cmds[] = {
		XY_SRC_COPY_BLT | BLT_WRITE_RGBA,
		BLT_DEPTH_32 | BLT_ROP_SRC | PITCH,
		0,
		HEIGHT << 16 | WIDTH,
		(__u32)VA_DST, (__u32)(VA_DST >> 32),
		0,
		PITCH,
		(__u32)VA_SRC, (__u32)(VA_SRC >> 32),
	};
	struct bo *bos[] = { src, dst };
	char what[64], why[128] = "";
	unsigned int i;
	int ret;

	snprintf(what, sizeof(what), "%s: copy of a %ux%u surface", e->name,
		 WIDTH, HEIGHT);
	ret = bo_cpu(src, 1) ?: bo_cpu(dst, 1);
	if (!ret) {
		for (i = 0; i < PIXELS; i++)
			src->map[i] = (i * 2654435761u) ^ e->salt;
		memset(dst->map, 0, dst->size);
		ret = submit(e, batch, VA_BATCH, cmds, sizeof(cmds) / 4, bos,
			     (__u64[]){ VA_SRC, VA_DST }, 2);
		if (ret)
			snprintf(why, sizeof(why), "execbuffer2: %s", strerror(-ret));
	}
	if (!ret)
		ret = finish(dst, why, sizeof(why));
	for (i = 0; !ret && i < dst->size / 4; i++) {
		__u32 want = i < PIXELS ? src->map[i] : 0;

		if (dst->map[i] != want) {
			snprintf(why, sizeof(why), "dword %u is %#x, not %#x", i,
				 dst->map[i], want);
			ret = -1;
		}
	}
	result(!ret, what, "%s", why);
}

/*
 * BURST batches, each in its own object, submitted before any is waited
 * for: i915 queues them behind each other on the engine.
 */
static void burst(const struct engine *e, struct bo *dst)
{
	struct bo batches[BURST] = { 0 };
	char what[64], why[128] = "";
	unsigned int i;
	int ret;

	snprintf(what, sizeof(what), "%s: %u batches queued", e->name, BURST);
	ret = bo_cpu(dst, 1);
	if (!ret)
		memset(dst->map, 0, dst->size);
	for (i = 0; !ret && i < BURST; i++) {
		__u64 va = VA_DST + i * 4;
		__u32 cmds[] = {
			MI_STORE_DWORD_IMM, (__u32)va, (__u32)(va >> 32),
			e->salt | 0x80 | i,
		};

		ret = bo_create(&batches[i], BATCH_SIZE);
		if (ret) {
			snprintf(why, sizeof(why), "batch %u: create: %s", i,
				 strerror(-ret));
			break;
		}
		/*
		 * Each at its own address: one placed where a busy one is
		 * would have to wait for it.
		 */
		ret = submit(e, &batches[i], VA_BATCH + (i + 1) * BATCH_SIZE,
			     cmds, 4, &dst, (__u64[]){ VA_DST }, 1);
		if (ret)
			snprintf(why, sizeof(why), "batch %u: execbuffer2: %s", i,
				 strerror(-ret));
	}
	if (!ret)
		ret = finish(dst, why, sizeof(why));
	for (i = 0; !ret && i < dst->size / 4; i++) {
		__u32 want = i < BURST ? e->salt | 0x80 | i : 0;

		if (dst->map[i] != want) {
			snprintf(why, sizeof(why), "dword %u is %#x, not %#x", i,
				 dst->map[i], want);
			ret = -1;
		}
	}
	for (i = 0; i < BURST; i++)
		bo_destroy(&batches[i]);
	result(!ret, what, "%s", why);
}

static int getparam(int param, int *value)
{
	struct drm_i915_getparam gp = { .param = param, .value = value };

	return drm_ioctl(DRM_IOCTL_I915_GETPARAM, &gp);
}

int main(int argc, char **argv)
{
	static const struct engine engines[] = {
		{ "render", I915_EXEC_RENDER, 0x10000000 },
		{ "blitter", I915_EXEC_BLT, 0x20000000 },
	};
	const char *node = argc > 1 ? argv[1] : "/dev/dri/renderD128";
	struct bo batch, src, dst;
	int chipset = 0, softpin = 0, ret;
	unsigned int i;

	fd = open(node, O_RDWR | O_CLOEXEC);
	result(fd >= 0, "device node opened", "%s: %s", node, strerror(errno));
	if (fd < 0)
		return 1;
	ret = getparam(I915_PARAM_CHIPSET_ID, &chipset);
	result(!ret && chipset, "chipset ID read", "%s",
	       ret ? strerror(-ret) : "0");
	printf("    gem| chipset %#x\n", chipset);
	ret = getparam(I915_PARAM_HAS_EXEC_SOFTPIN, &softpin);
	result(!ret && softpin, "objects can be placed (softpin)", "%s",
	       ret ? strerror(-ret) : "not supported");
	ret = bo_create(&batch, BATCH_SIZE);
	if (!ret)
		ret = bo_create(&src, SURFACE);
	if (!ret)
		ret = bo_create(&dst, SURFACE);
	result(!ret, "objects created and mapped", "%s", strerror(-ret));
	if (ret || !softpin)
		return failed;

	for (i = 0; i < ARRAY_SIZE(engines); i++) {
		store_dwords(&engines[i], &batch, &dst);
		colour_fill(&engines[i], &batch, &dst);
		surface_copy(&engines[i], &batch, &src, &dst);
		burst(&engines[i], &dst);
	}
	bo_destroy(&batch);
	bo_destroy(&src);
	bo_destroy(&dst);
	close(fd);
	printf("    gem| %u passed, %u failed\n", passed, failed);
	return failed > 100 ? 100 : failed;
}

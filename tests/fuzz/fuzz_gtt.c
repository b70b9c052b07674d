// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "gtt": guest memory contents, GGTT entries, page-table
 * roots announced to the vendor or taken by the core directly, tracked
 * page-table writes (whole and partial entries), invalidations and
 * translations, on a vGPU of either vendor. Encoding: README.
 */
#include "fuzz.h"

#define MAX_OPS		4096

int fz_test_one_input(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int ops = 0, allowed = FZ_OPS_MEM;
	struct fz f;
	u8 hdr = fz_u8(&in);

	fz_begin(&f, hdr & 1 ? FZ_NVSTUB : FZ_I915, hdr & 2, true);
	if (hdr & 4)
		fz_enable(&f);
	if (hdr & 8)
		allowed |= FZ_OPS_REGS;
	while (ops++ < MAX_OPS && fz_op(&f, &in, allowed))
		if (!(ops % 32))
			fz_check(&f);
	fz_end(&f);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "mmio": sequences of sized register-BAR, other-BAR and
 * config-space accesses to a vGPU of either vendor. Guest memory stays
 * empty; what the accesses start (workloads, page-table announcements)
 * runs on it. Encoding: README.
 */
#include "fuzz.h"

#define MAX_OPS		4096

int fz_test_one_input(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int ops = 0;
	struct fz f;
	u8 hdr = fz_u8(&in);

	fz_begin(&f, hdr & 1 ? FZ_NVSTUB : FZ_I915, false, true);
	if (hdr & 2)
		fz_enable(&f);
	while (ops++ < MAX_OPS && fz_op(&f, &in, FZ_OPS_REGS))
		if (!(ops % 64))
			fz_check(&f);
	fz_end(&f);
	return 0;
}

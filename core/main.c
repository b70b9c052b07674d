// SPDX-License-Identifier: GPL-2.0
/*
 * vmed: hypervisor-neutral mediated GPU pass-through, the mediation core.
 *
 * The core holds no global state but its debugfs root: physical devices are
 * registered by vendor modules, vGPUs created by hypervisor shims. The
 * module exists so that both link against one copy of the core.
 */
#include <linux/module.h>
#include "internal.h"

/* The core's tracepoints are instantiated here, and only here. */
#define CREATE_TRACE_POINTS
#include "trace.h"

static int __init vmed_init(void)
{
	vmed_debugfs_init();
	return 0;
}
module_init(vmed_init);

static void __exit vmed_exit(void)
{
	vmed_debugfs_exit();
}
module_exit(vmed_exit);

MODULE_DESCRIPTION("vmed mediation core: GTT shadowing, DMA translation and interrupt virtualisation for mediated GPUs");
MODULE_LICENSE("GPL");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included at the end of every trace header: in the kernel, with
 * CREATE_TRACE_POINTS, it reads the header again to instantiate the
 * events. Here there is nothing to instantiate (see linux/tracepoint.h).
 */

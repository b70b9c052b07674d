/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints, as a kernel without CONFIG_TRACEPOINTS has them: every
 * TRACE_EVENT() in a trace header declares an empty static inline
 * trace_<event>() taking the event's arguments, so call sites compile and
 * cost nothing, and trace_<event>_enabled(), which is false; the record
 * layout, assignment and format are dropped unexpanded.
 */
#ifndef _VMED_USER_LINUX_TRACEPOINT_H
#define _VMED_USER_LINUX_TRACEPOINT_H

#define PARAMS(args...)		args
#define TP_PROTO(args...)	args
#define TP_ARGS(args...)	args

#define DECLARE_TRACE(name, proto, args)				\
	static inline void trace_##name(proto) {}			\
	static inline bool trace_##name##_enabled(void) { return false; }

#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))
#define DECLARE_EVENT_CLASS(name, proto, args, tstruct, assign, print)
#define DEFINE_EVENT(template, name, proto, args)			\
	DECLARE_TRACE(name, PARAMS(proto), PARAMS(args))

#endif /* _VMED_USER_LINUX_TRACEPOINT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt handler types, for code that installs handlers through an
 * interface of its own (the Xen shim's event channels). Nothing here
 * registers an interrupt: whoever plays the interrupt controller (a fake
 * hypervisor) calls the handler itself.
 */
#ifndef _VMED_USER_LINUX_INTERRUPT_H
#define _VMED_USER_LINUX_INTERRUPT_H

enum irqreturn {
	IRQ_NONE = 0,
	IRQ_HANDLED = 1,
	IRQ_WAKE_THREAD = 2,
};

typedef enum irqreturn irqreturn_t;
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);

#endif /* _VMED_USER_LINUX_INTERRUPT_H */

/*
 * preempt.c: "is an interrupt pending?" for kernel_core's preemption
 * points.  Interrupts stay disabled in the kernel and no interrupt source
 * (timer, IPI) is programmed yet, so nothing is ever pending and long
 * operations run to completion.  The multicore step answers from the
 * LAPIC (a pending timer or IPI) instead.
 */
#include "hal.h"

/* hal.h contract: is an interrupt pending?  Always false for now. */
bool hal_interrupt_pending(void)
{
	return false;
}

/*
 * preempt.c: "is an interrupt pending?" for kernel_core's preemption
 * points.  Interrupts stay disabled in the kernel, no timer is programmed
 * and IPIs are taken outside it (cpu.c), so nothing is pending on its own.  A
 * program's `preempt after N` arms an injected interrupt, exactly as
 * hal_sim does: each hal_interrupt_pending call is one preemption check,
 * and the n-th check from the arming answers true once.  A LAPIC timer
 * would be the real source.
 */
#include "hal.h"
#include "x86.h"

static uint64_t checks;   /* hal_interrupt_pending calls so far */
static uint64_t fire_at;  /* the value of checks that answers true; 0: none */

/* Arm an interrupt at the n-th preemption check from now (0: disarm). */
void x86_preempt_after(uint64_t n)
{
	if (n == 0 || n > UINT64_MAX - checks)
		fire_at = 0;
	else
		fire_at = checks + n;
}

/* hal.h contract: is an interrupt pending?  Only an armed injection. */
bool hal_interrupt_pending(void)
{
	checks++;
	if (fire_at != 0 && checks == fire_at) {
		fire_at = 0;
		return true;
	}
	return false;
}

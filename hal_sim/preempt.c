/*
 * Preemption injection.  The kernel asks hal_interrupt_pending() at its
 * preemption points; each call is one "preemption check".  A front end
 * arms an interrupt for the n-th check from now, which answers true once
 * and is then handled.  Nothing depends on time, so runs are repeatable.
 */
#include "hal.h"
#include "internal.h"

static struct {
	uint64_t checks;   /* hal_interrupt_pending calls so far */
	uint64_t fire_at;  /* value of checks that answers true; 0: none */
} pre;

void sim_preempt_reset(void)
{
	pre.checks = 0;
	pre.fire_at = 0;
}

void hal_sim_interrupt_after(uint64_t n)
{
	if (n == 0 || n > UINT64_MAX - pre.checks)
		pre.fire_at = 0;
	else
		pre.fire_at = pre.checks + n;
}

uint64_t hal_sim_preempt_checks(void)
{
	return pre.checks;
}

bool hal_interrupt_pending(void)
{
	pre.checks++;
	if (pre.fire_at != 0 && pre.checks == pre.fire_at) {
		pre.fire_at = 0;
		return true;
	}
	return false;
}

/*
 * Preemption injection.  The kernel asks hal_interrupt_pending() at its
 * preemption points; each call is one "preemption check" of the core that
 * makes it.  A front end arms an interrupt for a core's n-th check from
 * now, which answers true once and is then handled.  Under the
 * deterministic scheduler a check is also a scheduling point, and with a
 * preempt_rate it asks the scheduler whether an interrupt arrived (a
 * recorded, replayable decision).  Nothing depends on time.
 *
 * Each core writes only its own counters; they are atomics only so that
 * hal_sim_preempt_checks() may sum them while free-running cores count.
 */
#include "hal.h"
#include "internal.h"

static struct {
	uint64_t checks[HAL_SIM_MAX_CORES];   /* hal_interrupt_pending calls so far */
	uint64_t fire_at[HAL_SIM_MAX_CORES];  /* value of checks that answers true; 0: none */
} pre;

void sim_preempt_reset(void)
{
	unsigned c;

	for (c = 0; c < HAL_SIM_MAX_CORES; c++) {
		__atomic_store_n(&pre.checks[c], 0, __ATOMIC_RELAXED);
		pre.fire_at[c] = 0;
	}
}

void hal_sim_interrupt_after(uint64_t n)
{
	unsigned c = hal_core_id();
	uint64_t now = __atomic_load_n(&pre.checks[c], __ATOMIC_RELAXED);

	if (n == 0 || n > UINT64_MAX - now)
		pre.fire_at[c] = 0;
	else
		pre.fire_at[c] = now + n;
}

uint64_t hal_sim_preempt_checks(void)
{
	uint64_t sum = 0;
	unsigned c;

	for (c = 0; c < HAL_SIM_MAX_CORES; c++)
		sum += __atomic_load_n(&pre.checks[c], __ATOMIC_RELAXED);
	return sum;
}

/* Count core's check; true if it is the armed one. */
static bool armed_fires(unsigned c)
{
	sim_count(&pre.checks[c]);
	if (pre.fire_at[c] != 0 && pre.checks[c] == pre.fire_at[c]) {
		pre.fire_at[c] = 0;
		return true;
	}
	return false;
}

bool hal_interrupt_pending(void)
{
	bool irq = false;

	if (sim_sched.active == SIM_SCHED_DET) {
		sim_det_point(SIM_WAIT_NONE);
		irq = sim_det_irq();
	} else if (sim_sched.active == SIM_SCHED_FREE) {
		sim_free_point();
		irq = sim_free_irq();
	}
	return armed_fires(hal_core_id()) || irq;
}

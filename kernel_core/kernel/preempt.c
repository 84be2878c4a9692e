/*
 * Preemption points.  Long operations (revoke, deleting a CNode's slots,
 * resetting an untyped) call preempt_point() after each unit of work.
 * As in seL4 only every Nth unit asks the HAL whether an interrupt is
 * pending, so the cost of asking stays off the common path.  The counter
 * restarts at every kernel entry, which keeps "the Nth check" meaningful
 * to a scenario that injects an interrupt there.
 */
#include "preempt.h"

static uint32_t units_per_check = 100;
static uint32_t units_done;

void preempt_configure(uint32_t work_units_per_check)
{
	kassert(work_units_per_check >= 1);
	units_per_check = work_units_per_check;
	units_done = 0;
}

void preempt_entry(void)
{
	units_done = 0;
}

enum kstatus preempt_point(void)
{
	if (++units_done < units_per_check)
		return KSTATUS_DONE;
	units_done = 0;
	return hal_interrupt_pending() ? KSTATUS_PREEMPTED : KSTATUS_DONE;
}

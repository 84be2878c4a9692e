/*
 * The kernel lock and the cores.  One core runs in this issue, so the
 * lock is a flag that catches recursion and unbalanced releases; every
 * acquire and release is a scheduling point that calls the front end's
 * hook, the seam where the multicore fiber scheduler will switch cores.
 */
#include "hal.h"
#include "internal.h"

static struct {
	bool held;
	unsigned cores;
	void (*sched_hook)(void);
} sync = { .cores = 1 };

static void sched_point(void)
{
	if (sync.sched_hook != NULL)
		sync.sched_hook();
}

void sim_sync_reset(unsigned cores)
{
	sync.held = false;
	sync.cores = cores;
}

void hal_sim_set_sched_hook(void (*fn)(void))
{
	sync.sched_hook = fn;
}

bool hal_sim_lock_held(void)
{
	return sync.held;
}

void hal_kernel_lock(void)
{
	sched_point();
	if (sync.held)
		hal_panic("hal_kernel_lock: lock already held (recursive kernel entry)");
	sync.held = true;
}

void hal_kernel_unlock(void)
{
	if (!sync.held)
		hal_panic("hal_kernel_unlock: lock not held");
	sync.held = false;
	sched_point();
}

unsigned hal_core_id(void)
{
	return 0;
}

unsigned hal_core_count(void)
{
	return sync.cores;
}

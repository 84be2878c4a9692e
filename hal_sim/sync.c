/*
 * The kernel lock and the core count.  The lock is one word: 0 when free,
 * else 1 + the core that holds it.  How a core waits for it depends on
 * who runs the cores:
 *
 *  - nobody (outside hal_sim_sched_run): core 0 alone, so the lock is a
 *    flag that catches recursion and unbalanced releases;
 *  - the deterministic scheduler: acquire is a scheduling point at which
 *    the core waits for the lock (sched_det.c decides when it can run
 *    again), release is one after the lock is dropped;
 *  - the free scheduler: a test-and-set spinlock with acquire/release
 *    ordering whose wait loop takes this core's IPIs (sched_free.c).
 *
 * Recursion and releasing a lock this core does not hold panic in every
 * mode.
 */
#include "hal.h"
#include "internal.h"

static struct {
	unsigned owner;   /* 0: free, else 1 + the holding core */
	unsigned cores;
} sync = { .cores = 1 };

void sim_sync_reset(unsigned cores)
{
	sync.owner = 0;
	sync.cores = cores;
}

bool sim_lock_free(void)
{
	return __atomic_load_n(&sync.owner, __ATOMIC_RELAXED) == 0;
}

bool hal_sim_lock_held(void)
{
	return !sim_lock_free();
}

static void check_not_mine(unsigned me)
{
	if (__atomic_load_n(&sync.owner, __ATOMIC_RELAXED) == me + 1)
		hal_panic("hal_kernel_lock: lock already held (recursive kernel entry)");
}

static void lock_det(unsigned me)
{
	check_not_mine(me);
	do
		sim_det_point(SIM_WAIT_LOCK);
	while (sync.owner != 0);
	sync.owner = me + 1;
}

static void lock_free(unsigned me)
{
	unsigned round, expect = 0;

	check_not_mine(me);
	sim_free_point();
	for (round = 0; !__atomic_compare_exchange_n(&sync.owner, &expect, me + 1, false,
						      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	     round++) {
		expect = 0;
		sim_free_wait(round);
	}
}

void hal_kernel_lock(void)
{
	unsigned me = hal_core_id();

	switch (sim_sched.active) {
	case SIM_SCHED_DET:
		lock_det(me);
		return;
	case SIM_SCHED_FREE:
		lock_free(me);
		return;
	case SIM_SCHED_NONE:
		check_not_mine(me);
		if (sync.owner != 0)
			hal_panic("hal_kernel_lock: a run that did not finish left the lock held");
		sync.owner = me + 1;
		return;
	}
}

void hal_kernel_unlock(void)
{
	if (__atomic_load_n(&sync.owner, __ATOMIC_RELAXED) != hal_core_id() + 1)
		hal_panic("hal_kernel_unlock: lock not held by this core");
	__atomic_store_n(&sync.owner, 0, __ATOMIC_RELEASE);
	hal_sim_sched_point();
}

unsigned hal_core_count(void)
{
	return sync.cores;
}

/*
 * The free scheduler: one host thread per core, really concurrent, for
 * stress runs and ThreadSanitizer.  Nothing here is deterministic.
 *
 * Every wait loop (the kernel lock's, a barrier's, an idle core's,
 * hal_cpu_relax) takes this core's pending IPI on each round, because
 * the core it waits for may be waiting for this core's acknowledgement
 * (seL4 does the same while it spins for the kernel lock); it pauses, and
 * after a few rounds yields the host CPU, since the machine may have
 * fewer CPUs than the simulated one has cores.  A body that returned
 * keeps taking IPIs until every body has returned.
 */
#include <glib.h>
#include <sched.h>
#include <stdio.h>

#include "hal.h"
#include "internal.h"
#include "prng.h"

#define SPIN_ROUNDS 16     /* pauses before a wait loop starts yielding */
#define RELAX_YIELD 16     /* hal_cpu_relax yields once in this many calls */

static struct {
	hal_sim_core_fn body;
	void *ctx;
	uint64_t seed, preempt_rate;
} fr;

/* Each core's own interrupt stream (see sim_free_irq). */
static _Thread_local struct prng irq_rng;

void sim_free_point(void)
{
	sim_sched_take_ipi(sim_this_core);
	sim_count(&sim_sched.stats[sim_this_core].points);
}

void sim_free_wait(unsigned round)
{
	sim_sched_take_ipi(sim_this_core);
	if (round < SPIN_ROUNDS)
		__builtin_ia32_pause();
	else
		sched_yield();
}

void sim_free_relax(void)
{
	static _Thread_local unsigned calls;

	sim_free_point();
	__builtin_ia32_pause();
	if (++calls % RELAX_YIELD == 0)
		sched_yield();
}

void sim_free_barrier(void)
{
	uint64_t mine = __atomic_load_n(&sim_sched.barrier[sim_this_core], __ATOMIC_RELAXED);
	unsigned round;

	for (round = 0; !sim_sched_barrier_reached(mine); round++) {
		if (hal_sim_sched_stopping())
			break;
		sim_free_wait(round);
	}
	sim_free_point();
}

static gpointer core_thread(gpointer arg)
{
	unsigned me = (unsigned)(uintptr_t)arg, round;

	sim_this_core = me;
	prng_seed(&irq_rng, fr.seed ^ (0x9e3779b97f4a7c15ull * (me + 1)));
	sim_free_point();
	fr.body(me, fr.ctx);
	__atomic_store_n(&sim_sched.returned[me], 1, __ATOMIC_RELEASE);
	for (round = 0; !sim_sched_all_returned(); round++)
		sim_free_wait(round);
	return NULL;
}

/*
 * preempt_rate in free mode: each core draws from its own stream, seeded
 * from the seed and the core, so a core's n-th check always gets the same
 * answer; when the checks happen is up to the host.
 */
bool sim_free_irq(void)
{
	return fr.preempt_rate != 0 && prng_next(&irq_rng) % fr.preempt_rate == 0;
}

enum hal_sim_sched_status sim_free_run(const struct hal_sim_sched_config *cfg,
				       hal_sim_core_fn body, void *ctx)
{
	GThread *t[HAL_SIM_MAX_CORES];
	unsigned c;

	fr.body = body;
	fr.ctx = ctx;
	fr.seed = cfg->seed;
	fr.preempt_rate = cfg->preempt_rate;
	for (c = 0; c < sim_sched.cores; c++) {
		char name[24];

		snprintf(name, sizeof(name), "kmm-core-%u", c);
		t[c] = g_thread_new(name, core_thread, (gpointer)(uintptr_t)c);
	}
	for (c = 0; c < sim_sched.cores; c++)
		g_thread_join(t[c]);
	return hal_sim_sched_stopping() ? HAL_SIM_SCHED_STOPPED : HAL_SIM_SCHED_DONE;
}

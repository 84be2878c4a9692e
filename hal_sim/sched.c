/*
 * The scheduler's common part: which scheduler runs the cores, the IPI
 * mailboxes, barrier bookkeeping, the stop flag and the statistics, and
 * the public entry points, which hand each call to the deterministic
 * (sched_det.c) or the free (sched_free.c) scheduler, or do nothing
 * outside a run.
 *
 * An IPI is one byte per core: hal_ipi_send sets it (a second send before
 * the target takes it is absorbed), the target clears it with an atomic
 * exchange at its next scheduling point and runs the handler.  The
 * exchange pairs with the sender's store, so whatever the sender wrote
 * before sending is visible to the handler on every mode.
 */
#include <string.h>

#include "hal.h"
#include "internal.h"

#define DEFAULT_STACK (1u << 20)
#define MIN_STACK     (16u << 10)

struct sim_sched sim_sched;
_Thread_local unsigned sim_this_core;

void sim_sched_reset(void)
{
	void (*handler)(void) = sim_sched.ipi_handler;

	sim_det_reset();
	memset(&sim_sched, 0, sizeof(sim_sched));
	sim_sched.ipi_handler = handler;
	sim_this_core = 0;
}

unsigned hal_core_id(void)
{
	return sim_this_core;
}

void hal_sim_set_ipi_handler(void (*fn)(void))
{
	sim_sched.ipi_handler = fn;
}

void hal_ipi_send(unsigned core)
{
	unsigned me = hal_core_id();

	if (core >= hal_core_count() || core == me)
		hal_panic("hal_ipi_send: no such core, or the sending core itself");
	__atomic_store_n(&sim_sched.ipi_pending[core], 1, __ATOMIC_RELEASE);
	sim_count(&sim_sched.stats[me].ipis_sent);
	if (sim_sched.active == SIM_SCHED_DET)
		sim_sched.progress++;
}

bool sim_sched_take_ipi(unsigned core)
{
	if (__atomic_load_n(&sim_sched.ipi_pending[core], __ATOMIC_RELAXED) == 0)
		return false;
	if (__atomic_exchange_n(&sim_sched.ipi_pending[core], 0, __ATOMIC_ACQ_REL) == 0)
		return false;
	sim_count(&sim_sched.stats[core].ipis_taken);
	if (sim_sched.active == SIM_SCHED_DET)
		sim_sched.progress++;
	if (sim_sched.ipi_handler != NULL)
		sim_sched.ipi_handler();
	return true;
}

bool sim_sched_all_returned(void)
{
	unsigned c;

	for (c = 0; c < sim_sched.cores; c++)
		if (!__atomic_load_n(&sim_sched.returned[c], __ATOMIC_ACQUIRE))
			return false;
	return true;
}

bool sim_sched_barrier_reached(uint64_t n)
{
	unsigned c;

	for (c = 0; c < sim_sched.cores; c++) {
		if (__atomic_load_n(&sim_sched.returned[c], __ATOMIC_ACQUIRE))
			continue;
		if (__atomic_load_n(&sim_sched.barrier[c], __ATOMIC_ACQUIRE) < n)
			return false;
	}
	return true;
}

static bool config_ok(const struct hal_sim_sched_config *cfg, hal_sim_core_fn body)
{
	if (cfg == NULL || body == NULL || sim_sched.active != SIM_SCHED_NONE)
		return false;
	if (cfg->stack_bytes != 0 && cfg->stack_bytes < MIN_STACK)
		return false;
	if (cfg->nreplay != 0 && cfg->replay == NULL)
		return false;
	switch (cfg->mode) {
	case HAL_SIM_SCHED_UNIFORM:
	case HAL_SIM_SCHED_FREE:
		return true;
	case HAL_SIM_SCHED_PCT:
		return cfg->pct_depth >= 1 && cfg->pct_depth <= HAL_SIM_PCT_MAX_DEPTH &&
		       cfg->pct_steps >= 1;
	}
	return false;
}

/* Forget the previous run: barriers, returns, stop flag and counters. */
static void begin_run(void)
{
	sim_sched.cores = hal_core_count();
	memset(sim_sched.returned, 0, sizeof(sim_sched.returned));
	memset(sim_sched.barrier, 0, sizeof(sim_sched.barrier));
	memset(sim_sched.stats, 0, sizeof(sim_sched.stats));
	sim_sched.stop = 0;
	sim_sched.progress = 0;
	sim_det_clear_log();
}

enum hal_sim_sched_status hal_sim_sched_run(const struct hal_sim_sched_config *cfg,
					    hal_sim_core_fn body, void *ctx)
{
	struct hal_sim_sched_config c;
	enum hal_sim_sched_status st;

	if (!config_ok(cfg, body))
		return HAL_SIM_SCHED_BAD_CONFIG;
	c = *cfg;
	if (c.stack_bytes == 0)
		c.stack_bytes = DEFAULT_STACK;
	begin_run();
	if (c.mode == HAL_SIM_SCHED_FREE) {
		sim_sched.active = SIM_SCHED_FREE;
		st = sim_free_run(&c, body, ctx);
	} else {
		sim_sched.active = SIM_SCHED_DET;
		st = sim_det_run(&c, body, ctx);
	}
	sim_sched.active = SIM_SCHED_NONE;
	sim_this_core = 0;
	return st;
}

const char *hal_sim_sched_status_text(enum hal_sim_sched_status s)
{
	switch (s) {
	case HAL_SIM_SCHED_DONE:
		return "every core's body returned";
	case HAL_SIM_SCHED_STOPPED:
		return "a core stopped the run";
	case HAL_SIM_SCHED_DEADLOCK:
		return "deadlock: no core could run";
	case HAL_SIM_SCHED_DIVERGED:
		return "the replayed decisions do not fit this run";
	case HAL_SIM_SCHED_BAD_CONFIG:
		return "bad scheduler configuration (mode, PCT depth 1..64 and steps >= 1, "
		       "stack >= 16 KiB, replay list, body), or a run is already going";
	}
	return "unknown scheduler status";
}

void hal_sim_sched_point(void)
{
	if (sim_sched.active == SIM_SCHED_DET)
		sim_det_point(SIM_WAIT_NONE);
	else if (sim_sched.active == SIM_SCHED_FREE)
		sim_free_point();
}

void hal_cpu_relax(void)
{
	if (sim_sched.active == SIM_SCHED_DET)
		sim_det_point(SIM_WAIT_RELAX);
	else if (sim_sched.active == SIM_SCHED_FREE)
		sim_free_relax();
	else
		__builtin_ia32_pause();
}

void hal_sim_sched_barrier(void)
{
	unsigned me = hal_core_id();
	uint64_t mine;

	if (sim_sched.active == SIM_SCHED_NONE)
		return;
	mine = __atomic_add_fetch(&sim_sched.barrier[me], 1, __ATOMIC_ACQ_REL);
	if (sim_sched.active == SIM_SCHED_DET) {
		/* An IPI wakes a waiting core too: wait again until all are here. */
		do
			sim_det_point(SIM_WAIT_BARRIER);
		while (!sim_sched_barrier_reached(mine));
	} else
		sim_free_barrier();
}

void hal_sim_sched_stop(void)
{
	__atomic_store_n(&sim_sched.stop, 1, __ATOMIC_RELEASE);
	if (sim_sched.active == SIM_SCHED_DET)
		sim_det_stop();
}

bool hal_sim_sched_stopping(void)
{
	return __atomic_load_n(&sim_sched.stop, __ATOMIC_ACQUIRE) != 0;
}

void hal_sim_sched_stats(struct hal_sim_sched_stats *out)
{
	unsigned c;

	*out = (struct hal_sim_sched_stats){ 0 };
	for (c = 0; c < HAL_SIM_MAX_CORES; c++) {
		const struct sim_core_stats *s = &sim_sched.stats[c];

		out->points += __atomic_load_n(&s->points, __ATOMIC_RELAXED);
		out->switches += __atomic_load_n(&s->switches, __ATOMIC_RELAXED);
		out->decisions += __atomic_load_n(&s->decisions, __ATOMIC_RELAXED);
		out->interrupts += __atomic_load_n(&s->interrupts, __ATOMIC_RELAXED);
		out->ipis_sent += __atomic_load_n(&s->ipis_sent, __ATOMIC_RELAXED);
		out->ipis_taken += __atomic_load_n(&s->ipis_taken, __ATOMIC_RELAXED);
	}
}

/*
 * The simulated machine's life cycle: configure lays out a fresh machine
 * (memory, lock, cores, preemption counters, scheduler state), teardown
 * returns the host memory.  Configure may run any number of times in one process: tests
 * boot many kernels and the fuzz harness starts over every iteration, so a
 * configure with the same memory size reuses the host mapping and only
 * zeroes it.
 */
#include "internal.h"

enum hal_sim_status hal_sim_configure(const struct hal_sim_config *cfg)
{
	enum hal_sim_status st;

	sim_sync_reset(1);
	sim_preempt_reset();
	sim_sched_reset();
	sim_mmu_reset();
	if (cfg->cores < 1 || cfg->cores > HAL_SIM_MAX_CORES) {
		sim_memory_unmap();
		return HAL_SIM_BAD_CORES;
	}
	st = sim_memory_map(cfg->mem_bytes);
	if (st != HAL_SIM_OK)
		return st;
	sim_sync_reset(cfg->cores);
	sim_mmu_configure(cfg);
	return HAL_SIM_OK;
}

void hal_sim_teardown(void)
{
	sim_memory_unmap();
	sim_sync_reset(1);
	sim_preempt_reset();
	sim_sched_reset();
	sim_mmu_reset();
}

const char *hal_sim_status_text(enum hal_sim_status s)
{
	switch (s) {
	case HAL_SIM_OK:
		return "ok";
	case HAL_SIM_BAD_MEM:
		return "memory size must be a multiple of 4 KiB between 4 KiB and 64 GiB";
	case HAL_SIM_BAD_CORES:
		return "core count must be between 1 and 64";
	case HAL_SIM_HOST_NOMEM:
		return "the host could not reserve the simulated physical memory";
	}
	return "unknown status";
}

/*
 * hal_sim's private seams: each file of hal_sim owns one part of the
 * simulated machine, and machine.c resets them all on configure.
 */
#ifndef KMM_HAL_SIM_INTERNAL_H
#define KMM_HAL_SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "hal_sim.h"

/*
 * memory.c: lay out and map physical memory for mem_bytes of main RAM,
 * all zero; on failure nothing is mapped.
 */
enum hal_sim_status sim_memory_map(uint64_t mem_bytes);
void sim_memory_unmap(void);

/* sync.c: forget the lock state and set the core count. */
void sim_sync_reset(unsigned cores);

/* Is the kernel lock free?  (The deterministic scheduler's runnability test.) */
bool sim_lock_free(void);

/* preempt.c: zero every core's check counter and cancel every injection. */
void sim_preempt_reset(void);

/* ---- the scheduler (sched.c, sched_det.c, sched_free.c) -------------- */

/* Which scheduler, if any, is running the cores right now. */
enum sim_sched_active {
	SIM_SCHED_NONE = 0,  /* outside hal_sim_sched_run: core 0, the lock a flag */
	SIM_SCHED_DET,       /* fibers on the calling thread */
	SIM_SCHED_FREE       /* one host thread per core */
};

/*
 * What a deterministic core waits for at a scheduling point; it decides
 * when the core can run (sched_det.c).
 */
enum sim_wait {
	SIM_WAIT_NONE = 0,   /* nothing: runnable */
	SIM_WAIT_LOCK,       /* the kernel lock */
	SIM_WAIT_RELAX,      /* another core (hal_cpu_relax) */
	SIM_WAIT_BARRIER,    /* the other cores' barrier calls */
	SIM_WAIT_IDLE        /* its body returned: an IPI */
};

/* Per-core counters, summed by hal_sim_sched_stats; each core writes only its own. */
struct sim_core_stats {
	uint64_t points, switches, decisions, interrupts, ipis_sent, ipis_taken;
} __attribute__((aligned(64)));

/*
 * State both schedulers share.  Written by the thread that calls
 * hal_sim_sched_run while no core runs (active, cores); during a run the
 * arrays are touched with atomics, each core writing its own slot.
 */
struct sim_sched {
	enum sim_sched_active active;
	unsigned cores;
	void (*ipi_handler)(void);
	uint8_t ipi_pending[HAL_SIM_MAX_CORES];
	uint8_t returned[HAL_SIM_MAX_CORES];   /* the core's body has returned */
	uint64_t barrier[HAL_SIM_MAX_CORES];   /* barrier calls so far */
	uint8_t stop;
	uint64_t progress;    /* deterministic: events other than a relax (sched_det.c) */
	struct sim_core_stats stats[HAL_SIM_MAX_CORES];
};

extern struct sim_sched sim_sched;

/* The running core: per host thread; the fiber scheduler sets it at each switch. */
extern _Thread_local unsigned sim_this_core;

/* Is the scheduler running cores on several host threads right now? */
static inline bool sim_sched_concurrent(void)
{
	return sim_sched.active == SIM_SCHED_FREE;
}

/* Add one to a counter only this core writes (a relaxed load and store). */
static inline void sim_count(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* sched.c: forget pending IPIs, barriers, the stop flag and the stats. */
void sim_sched_reset(void);

/* sched.c: take core's pending IPI if there is one (run the handler); true if taken. */
bool sim_sched_take_ipi(unsigned core);

/* sched.c: have all bodies returned?  Is every live core's barrier count >= n? */
bool sim_sched_all_returned(void);
bool sim_sched_barrier_reached(uint64_t n);

/*
 * sched_det.c: run the bodies as fibers (cfg already checked); a
 * scheduling point of the running core waiting for `wait`; the preemption
 * check's IRQ decision; drop any run a longjmp abandoned.
 */
enum hal_sim_sched_status sim_det_run(const struct hal_sim_sched_config *cfg,
				      hal_sim_core_fn body, void *ctx);
void sim_det_point(enum sim_wait wait);
bool sim_det_irq(void);
_Noreturn void sim_det_stop(void);
void sim_det_reset(void);

/* sched_det.c: start a run: forget the last run's decisions. */
void sim_det_clear_log(void);

/*
 * sched_free.c: run the bodies on host threads; a scheduling point (take
 * this core's IPI); one round of a wait loop (IPI, pause, now and then
 * yield the host CPU); hal_cpu_relax; a barrier; is an interrupt injected
 * at this check (preempt_rate, from the core's own stream)?
 */
enum hal_sim_sched_status sim_free_run(const struct hal_sim_sched_config *cfg,
				       hal_sim_core_fn body, void *ctx);
bool sim_free_irq(void);
void sim_free_point(void);
void sim_free_wait(unsigned round);
void sim_free_relax(void);
void sim_free_barrier(void);

/*
 * mmu.c: sim_mmu_reset drops the TLBs, the frame bookkeeping and each
 * core's vspace, and zeroes the invalidation count.  sim_mmu_configure,
 * once memory is mapped and the core count set, sizes the TLBs
 * (cfg->tlb_entries) and the frame bookkeeping to the new machine.
 */
void sim_mmu_reset(void);
void sim_mmu_configure(const struct hal_sim_config *cfg);

#endif

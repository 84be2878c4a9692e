/*
 * hal_sim's private seams: each file of hal_sim owns one part of the
 * simulated machine, and machine.c resets them all on configure.
 */
#ifndef KMM_HAL_SIM_INTERNAL_H
#define KMM_HAL_SIM_INTERNAL_H

#include "hal_sim.h"

/*
 * memory.c: lay out and map physical memory for mem_bytes of main RAM,
 * all zero; on failure nothing is mapped.
 */
enum hal_sim_status sim_memory_map(uint64_t mem_bytes);
void sim_memory_unmap(void);

/* sync.c: forget the lock state and set the core count. */
void sim_sync_reset(unsigned cores);

/* preempt.c: zero the check counter and cancel any injection. */
void sim_preempt_reset(void);

/*
 * mmu.c: sim_mmu_reset drops the TLBs, the frame bookkeeping and each
 * core's vspace, and zeroes the invalidation count.  sim_mmu_configure,
 * once memory is mapped and the core count set, sizes the TLBs
 * (cfg->tlb_entries) and the frame bookkeeping to the new machine.
 */
void sim_mmu_reset(void);
void sim_mmu_configure(const struct hal_sim_config *cfg);

#endif

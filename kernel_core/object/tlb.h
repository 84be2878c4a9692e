/*
 * TLB consistency across cores.  The kernel remembers, per ASID, which
 * cores may hold translations of it: a core's bit is set when it loads
 * the address space and cleared only when it has flushed the whole ASID
 * and no longer runs it.  With PCIDs a core keeps a space's entries after
 * switching away, so "ran it once since its last full flush" is the only
 * safe answer.  Every removal or weakening of a translation goes through
 * here, and returns only when every such core has dropped it.
 */
#ifndef KMM_TLB_H
#define KMM_TLB_H

#include <stdint.h>

void tlb_init(void);

/* Drop (asid, vaddr) on every core that may cache asid. */
void tlb_flush_page(unsigned asid, uint64_t vaddr);

/*
 * Drop all of asid on every core that may cache it.  CR3s stay as they
 * are: a thread keeps the address space it loaded (seL4 re-reads a
 * thread's VSpace root only when it switches to the thread).
 */
void tlb_flush_asid(unsigned asid);

/*
 * asid no longer resolves (its PML4 or pool is gone): as tlb_flush_asid,
 * and every core running asid reloads CR3 from its thread, so no core
 * keeps translating through the dead PML4 while its memory is reused.
 */
void tlb_retire_asid(unsigned asid);

/* The cores whose current thread is the one at tcb. */
uint64_t tlb_cores_running(uint64_t tcb);

/* Every core in cores (a bit mask) reloads its CR3 from its thread. */
void tlb_reload_cores(uint64_t cores);

/* This core loads (pml4, asid): note it first, then load. */
void tlb_load_vspace(uint64_t pml4, unsigned asid);

/* The cores that may cache asid (for inspection). */
uint64_t tlb_asid_cores(unsigned asid);

#endif

/*
 * Address spaces: the ASID table, walking a PML4 to an entry, and which
 * address space each core runs in.  Shared by the frame, page-table and
 * ASID-pool files.
 */
#ifndef KMM_VSPACE_H
#define KMM_VSPACE_H

#include "pte.h"
#include "../kernel/error.h"
#include "../kernel/slot.h"

#define ASID_POOL_BITS 9
#define ASID_POOLS 8
#define ASID_POOL_SIZE (1u << ASID_POOL_BITS)

void vspace_init(void);

/* The ASID table: pool physical address per pool index, 0 if none. */
uint64_t asid_table_get(unsigned pool);
void asid_table_set(unsigned pool, uint64_t pool_paddr);
/* The PML4 an ASID resolves to, or 0. */
uint64_t vspace_for_asid(uint64_t asid);
void asid_pool_set(uint64_t pool_paddr, unsigned index, uint64_t pml4);

/*
 * An atomic load: another core's MMU may be setting Accessed or Dirty in
 * the same entry at the same moment.
 */
static inline uint64_t pte_read(uint64_t paddr)
{
	return __atomic_load_n((uint64_t *)hal_phys_to_kernel(paddr), __ATOMIC_RELAXED);
}

/*
 * Find the physical address of the entry at level `want` for vaddr,
 * following present table entries down from the PML4.  If a level above
 * is missing (or maps a large page), returns 0 and sets *bits_left to the
 * reference's "missing level" value (39 no PDPT, 30 no PD, 21 no PT).
 */
uint64_t vspace_lookup_entry(uint64_t pml4, uint64_t vaddr, enum pt_level want,
			     unsigned *bits_left);

/*
 * Decode-time check of a Map call's vspace argument (extra cap 0): a PML4
 * with an ASID that still resolves to it.  On success *pml4 is its address.
 */
enum kmm_error vspace_check_root(const struct cap *vs, uint64_t *pml4, struct kerr *e);

/* A missing level, reported as FailedLookup (not source, MissingCapability). */
enum kmm_error vspace_missing_level(struct kerr *e, unsigned bits_left);

/* Which thread each core runs; reload a core's CR3 from its thread. */
void vspace_set_current(unsigned core, uint64_t tcb);
uint64_t vspace_current(unsigned core);
void vspace_reload_current(void);

#endif

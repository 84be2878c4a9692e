/*
 * The simulated MMU as the kernel sees it: page-table writes, memory
 * zeroing, CR3 loads and TLB invalidations.  This first version keeps each
 * core's loaded address space and performs writes directly; it models no
 * TLB yet, so an invalidation has nothing to drop.  The page walker, the
 * per-core TLBs and frame generations build on these entry points.
 */
#include <string.h>

#include "hal.h"
#include "internal.h"

static struct {
	uint64_t pml4;
	unsigned asid;
} loaded[HAL_SIM_MAX_CORES];

void sim_mmu_reset(void)
{
	memset(loaded, 0, sizeof(loaded));
}

void hal_memory_zero(uint64_t paddr, uint64_t bytes)
{
	memset(hal_phys_to_kernel(paddr), 0, bytes);
}

void hal_pte_write(uint64_t pte_paddr, uint64_t value)
{
	*(volatile uint64_t *)hal_phys_to_kernel(pte_paddr) = value;
}

void hal_vspace_load(uint64_t pml4_paddr, unsigned asid)
{
	loaded[hal_core_id()].pml4 = pml4_paddr;
	loaded[hal_core_id()].asid = asid;
}

void hal_tlb_invalidate_page(unsigned asid, uint64_t vaddr)
{
	(void)asid;
	(void)vaddr;
}

void hal_tlb_invalidate_asid(unsigned asid)
{
	(void)asid;
}

uint64_t hal_sim_loaded_vspace(unsigned core, unsigned *asid)
{
	if (asid)
		*asid = loaded[core].asid;
	return loaded[core].pml4;
}

/*
 * The MMU side of the HAL as the kernel sees it: zeroing memory,
 * page-table stores, CR3 loads and TLB invalidations, plus the machine's
 * MMU state (each core's CR3, the latest root of each ASID).
 *
 * Every store and zeroing must stay inside one region of the memory map,
 * so a kernel bug that aims one at a hole panics here.  Each call also
 * tells the rest of the MMU what it means:
 *
 *  - hal_vspace_init and hal_vspace_load make a PML4 known to the MMU;
 *  - hal_pte_write into a table of known level that clears or weakens a
 *    present leaf ages the page it mapped (mmu_stale.c), and a present
 *    table pointer makes the table below known (mmu_frames.c).  Every
 *    table the kernel builds is known; a store into a table of unknown
 *    level (only a test can make one, and no core has walked it) ages
 *    nothing;
 *  - hal_memory_zero ages every frame it touches: the memory is reused;
 *  - hal_vspace_load also sets this core's CR3 and flushes nothing (tlb.c);
 *  - the invalidations drop this core's entries.
 */
#include <string.h>

#include "hal.h"
#include "mmu_internal.h"

static struct {
	bool ready;
	unsigned cores, tlb_entries;
	uint64_t pml4[HAL_SIM_MAX_CORES];
	unsigned asid[HAL_SIM_MAX_CORES];
	uint64_t asid_root[HAL_SIM_ASIDS];
	uint64_t invalidations;
} mmu;

void sim_mmu_reset(void)
{
	sim_tlb_free();
	sim_frames_free();
	sim_stale_reset();
	memset(&mmu, 0, sizeof(mmu));
}

void sim_mmu_configure(const struct hal_sim_config *cfg)
{
	sim_mmu_reset();
	mmu.cores = cfg->cores;
	mmu.tlb_entries = cfg->tlb_entries ? cfg->tlb_entries : HAL_SIM_DEFAULT_TLB_ENTRIES;
	sim_mmu_ready();
}

void sim_mmu_ready(void)
{
	if (mmu.ready)
		return;
	if (mmu.cores == 0)
		mmu.cores = hal_core_count();
	if (mmu.tlb_entries == 0)
		mmu.tlb_entries = HAL_SIM_DEFAULT_TLB_ENTRIES;
	sim_tlb_configure(mmu.cores, mmu.tlb_entries);
	sim_frames_configure();
	mmu.ready = true;
}

uint64_t sim_asid_root(unsigned asid)
{
	return asid < HAL_SIM_ASIDS ? mmu.asid_root[asid] : 0;
}

void hal_memory_zero(uint64_t paddr, uint64_t bytes)
{
	if (!hal_sim_phys_valid(paddr, bytes))
		hal_panic("hal_memory_zero: range outside every memory region");
	sim_mmu_ready();
	if (bytes > 0)
		memset(hal_phys_to_kernel(paddr), 0, bytes);
	sim_age_range(paddr, bytes);
}

/* What a store of new_e over old_e at entry `at` means to the MMU. */
static void note_store(uint64_t at, uint64_t old_e, uint64_t new_e)
{
	int level = sim_table_level(at & ~sim_page_mask(LVL_PT));

	if (level < 0)
		return;
	if (pte_present(old_e) && sim_is_leaf(old_e, (unsigned)level) &&
	    sim_weakens(old_e, new_e, (unsigned)level))
		sim_stale_age_leaf(at, sim_leaf_base(old_e, (unsigned)level), (unsigned)level);
	if (pte_present(new_e) && !sim_is_leaf(new_e, (unsigned)level))
		sim_register_table(pte_addr(new_e), (unsigned)level + 1);
}

void hal_pte_write(uint64_t pte_paddr, uint64_t value)
{
	uint64_t *p, old;

	if (pte_paddr % 8 != 0 || !hal_sim_phys_valid(pte_paddr, 8))
		hal_panic("hal_pte_write: misaligned or outside every memory region");
	sim_mmu_ready();
	p = hal_phys_to_kernel(pte_paddr);
	old = __atomic_exchange_n(p, value, __ATOMIC_ACQ_REL);
	note_store(pte_paddr, old, value);
}

/*
 * The simulated kernel does not run through the MMU, so a new PML4 needs
 * no kernel half; the MMU only learns that the frame is a PML4 now.
 */
void hal_vspace_init(uint64_t pml4_paddr)
{
	sim_mmu_ready();
	sim_register_table(pml4_paddr & PTE_ADDR_MASK, LVL_PML4);
}

void hal_vspace_load(uint64_t pml4_paddr, unsigned asid)
{
	unsigned core = hal_core_id();

	sim_mmu_ready();
	mmu.pml4[core] = pml4_paddr;
	mmu.asid[core] = asid;
	if (pml4_paddr == 0)
		return;
	if (asid < HAL_SIM_ASIDS)
		mmu.asid_root[asid] = pml4_paddr;
	sim_register_table(pml4_paddr & PTE_ADDR_MASK, LVL_PML4);
}

void hal_tlb_invalidate_page(unsigned asid, uint64_t vaddr)
{
	unsigned core = hal_core_id();

	sim_mmu_ready();
	__atomic_fetch_add(&mmu.invalidations, 1, __ATOMIC_RELAXED);
	sim_tlb_lock(core);
	sim_tlb_invalidate(core, asid, false, vaddr);
	sim_tlb_unlock(core);
}

void hal_tlb_invalidate_asid(unsigned asid)
{
	unsigned core = hal_core_id();

	sim_mmu_ready();
	__atomic_fetch_add(&mmu.invalidations, 1, __ATOMIC_RELAXED);
	sim_tlb_lock(core);
	sim_tlb_invalidate(core, asid, true, 0);
	sim_tlb_unlock(core);
}

uint64_t hal_sim_vspace(unsigned core, unsigned *asid)
{
	if (core >= HAL_SIM_MAX_CORES)
		return 0;
	if (asid != NULL)
		*asid = mmu.asid[core];
	return mmu.pml4[core];
}

uint64_t hal_sim_tlb_invalidations(void)
{
	return __atomic_load_n(&mmu.invalidations, __ATOMIC_RELAXED);
}

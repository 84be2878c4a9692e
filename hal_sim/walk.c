/*
 * The page walker: translates a user virtual address through four levels
 * of real x86-64 page tables in simulated memory, reading the bits pte.h
 * defines, as the hardware does with CR0.WP = 1, EFER.NXE = 1 and no
 * SMEP/SMAP/protection keys (user accesses only):
 *
 *  - the address must be canonical (bits 47..63 all equal);
 *  - every entry on the way must have P, else the walk stops there with
 *    "not present";
 *  - PS in a PDPT entry (1 GiB) or a PD entry (2 MiB) ends the walk with a
 *    large page; PS in a PML4 entry, or address bits a large page must
 *    leave clear, are reserved bits: a fault with P set, reported as a
 *    protection fault (x86 adds RSVD to the error code);
 *  - the rights are the AND of RW and of US over every level, and NX at
 *    any level forbids instruction fetch.
 *
 * Walking has no side effects; sim_walk_mark() then sets Accessed in every
 * entry walked and Dirty in the leaf, straight into memory (the kernel did
 * not write them, so they bypass hal_pte_write).  A table address outside
 * every memory region reads as zeroes: the simulator has no bus to float.
 */
#include "mmu_internal.h"

uint64_t sim_read_entry(uint64_t paddr)
{
	if (!hal_sim_phys_valid(paddr, 8))
		return 0;
	return __atomic_load_n((uint64_t *)hal_phys_to_kernel(paddr), __ATOMIC_ACQUIRE);
}

static void or_entry(uint64_t paddr, uint64_t bits)
{
	if (hal_sim_phys_valid(paddr, 8))
		__atomic_fetch_or((uint64_t *)hal_phys_to_kernel(paddr), bits, __ATOMIC_ACQ_REL);
}

bool sim_canonical(uint64_t vaddr)
{
	uint64_t top = vaddr >> 47;

	return top == 0 || top == mask_bits(17);
}

bool sim_is_leaf(uint64_t e, unsigned level)
{
	return level == LVL_PT || pte_is_large(e, (enum pt_level)level);
}

uint64_t sim_leaf_base(uint64_t e, unsigned level)
{
	return pte_addr(e) & ~sim_page_mask(level);
}

/* Bits the hardware requires clear in a present entry at level. */
static bool reserved_bits(uint64_t e, unsigned level)
{
	if (level == LVL_PML4)
		return (e & PTE_PS) != 0;
	if (!pte_is_large(e, (enum pt_level)level))
		return false;
	return (pte_addr(e) & sim_page_mask(level) & ~PTE_PATLG) != 0;
}

bool sim_weakens(uint64_t old_e, uint64_t new_e, unsigned level)
{
	if (!pte_present(new_e) || sim_is_leaf(new_e, level) != sim_is_leaf(old_e, level))
		return true;
	if (sim_leaf_base(new_e, level) != sim_leaf_base(old_e, level))
		return true;
	if ((old_e & PTE_RW) && !(new_e & PTE_RW))
		return true;
	if ((old_e & PTE_US) && !(new_e & PTE_US))
		return true;
	return !(old_e & PTE_NX) && (new_e & PTE_NX);
}

static bool stop(struct sim_walk *w, enum hal_sim_fault_reason reason)
{
	w->reason = reason;
	return false;
}

/* Fold one present entry's rights into the walk's. */
static void add_rights(struct sim_walk *w, uint64_t e)
{
	w->write = w->write && (e & PTE_RW);
	w->user = w->user && (e & PTE_US);
	w->exec = w->exec && !(e & PTE_NX);
}

bool sim_walk(uint64_t pml4, uint64_t vaddr, struct sim_walk *w)
{
	uint64_t table = pml4 & PTE_ADDR_MASK;
	unsigned l;

	*w = (struct sim_walk){ .write = true, .user = true, .exec = true };
	if (!sim_canonical(vaddr))
		return stop(w, HAL_SIM_FAULT_NON_CANONICAL);
	if (table == 0)
		return stop(w, HAL_SIM_FAULT_NOT_PRESENT);
	for (l = LVL_PML4; l <= LVL_PT; l++) {
		uint64_t at = table + 8 * level_index((enum pt_level)l, vaddr);
		uint64_t e = sim_read_entry(at);

		w->entry[w->depth++] = at;
		w->leaf = e;
		w->level = l;
		if (!pte_present(e))
			return stop(w, HAL_SIM_FAULT_NOT_PRESENT);
		if (reserved_bits(e, l))
			return stop(w, HAL_SIM_FAULT_PROTECTION);
		add_rights(w, e);
		if (sim_is_leaf(e, l)) {
			w->page = sim_leaf_base(e, l);
			w->reason = HAL_SIM_FAULT_NONE;
			return true;
		}
		table = pte_addr(e);
	}
	return stop(w, HAL_SIM_FAULT_NOT_PRESENT);  /* not reached: level 3 is a leaf */
}

bool sim_rights_permit(bool write, bool user, bool exec, enum hal_sim_access kind)
{
	switch (kind) {
	case HAL_SIM_WRITE:
		return user && write;
	case HAL_SIM_EXEC:
		return user && exec;
	default:
		return user;
	}
}

void sim_walk_mark(const struct sim_walk *w, bool dirty)
{
	unsigned i;

	for (i = 0; i < w->depth; i++)
		or_entry(w->entry[i], PTE_A);
	if (dirty && w->depth > 0)
		or_entry(w->entry[w->depth - 1], PTE_D);
}

void sim_set_dirty(uint64_t leaf_pte, uint64_t page, unsigned level)
{
	uint64_t e = sim_read_entry(leaf_pte);

	if (pte_present(e) && sim_is_leaf(e, level) && sim_leaf_base(e, level) == page)
		or_entry(leaf_pte, PTE_D);
}

bool hal_sim_translate(uint64_t pml4, uint64_t vaddr, uint64_t *paddr, uint64_t *leaf_pte,
		       unsigned *level)
{
	struct sim_walk w;
	bool ok = sim_walk(pml4, vaddr, &w);

	if (level != NULL)
		*level = w.level;
	if (!ok)
		return false;
	if (paddr != NULL)
		*paddr = w.page + (vaddr & sim_page_mask(w.level));
	if (leaf_pte != NULL)
		*leaf_pte = w.leaf;
	return true;
}

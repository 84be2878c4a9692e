/*
 * The stale-translation detector (DESIGN §6 item 4).  A TLB entry is
 * stale when either test fails:
 *
 *  (a) generation: its page's generation is no longer the one it was
 *      filled with.  hal_pte_write ages a page when it clears or weakens
 *      a leaf entry that mapped it, and hal_memory_zero when the page's
 *      memory is reused.  Aging through an entry keeps current the TLB
 *      entries that reached the same memory through *other* leaf entries
 *      (a frame shared by two mappings stays mapped when one goes), so a
 *      mismatch means exactly: the leaf this translation came from
 *      changed, or the memory was reused, since the fill.
 *  (b) walk: walking the ASID's current root again, without side effects,
 *      no longer reaches the same page at the same level with at least
 *      the entry's rights.  This catches what (a) cannot see, such as an
 *      upper-level table unhooked.  The root is the latest one a core
 *      loaded with that ASID, so an ASID handed to a new vspace without
 *      an invalidation is caught too.
 *
 * A hit on a stale entry is recorded (the first since the last clear is
 * kept, sticky) and the access still uses it, as hardware would;
 * hal_sim_tlb_check() applies the same tests to every entry at once.
 * Under the free scheduler hits are not judged (see hal_sim.h); the
 * record is claimed with a compare-and-swap all the same.
 */
#include <string.h>

#include "mmu_internal.h"

enum { STALE_NONE, STALE_WRITING, STALE_SET };

static struct {
	unsigned state;   /* STALE_*: who claimed the record, and whether it is written */
	struct hal_sim_stale first;
} stale;

void sim_stale_reset(void)
{
	memset(&stale, 0, sizeof(stale));
}

static uint64_t current_root(const struct sim_tlb_entry *e)
{
	uint64_t root = sim_asid_root(e->asid);

	return root ? root : e->pml4;
}

/* Test (b): do the tables still grant everything e grants? */
static bool still_granted(const struct sim_tlb_entry *e)
{
	struct sim_walk w;

	if (!sim_walk(current_root(e), e->vpage, &w))
		return false;
	if (w.page != e->frame || w.level != e->level)
		return false;
	return (w.write || !e->write) && (w.user || !e->user) && (w.exec || !e->exec);
}

/* Apply both tests to e; if it is stale, describe it in *out. */
static bool judge(unsigned core, const struct sim_tlb_entry *e, uint64_t vaddr,
		  struct hal_sim_stale *out)
{
	uint64_t now = sim_page_generation(e->frame, e->level);
	enum hal_sim_stale_check check;

	if (now != e->gen)
		check = HAL_SIM_STALE_GENERATION;
	else if (!still_granted(e))
		check = HAL_SIM_STALE_WALK;
	else
		return false;
	*out = (struct hal_sim_stale){
		.core = core, .asid = e->asid, .vaddr = vaddr, .frame = e->frame,
		.level = e->level, .recorded_gen = e->gen, .current_gen = now, .check = check,
	};
	return true;
}

bool sim_stale_hit(unsigned core, const struct sim_tlb_entry *e, uint64_t vaddr)
{
	struct hal_sim_stale s;

	unsigned expect = STALE_NONE;

	if (!judge(core, e, vaddr, &s))
		return false;
	if (__atomic_compare_exchange_n(&stale.state, &expect, STALE_WRITING, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		stale.first = s;
		__atomic_store_n(&stale.state, STALE_SET, __ATOMIC_RELEASE);
	}
	return true;
}

void sim_stale_age_leaf(uint64_t leaf_pte, uint64_t page, unsigned level)
{
	unsigned i, n;
	struct sim_tlb_entry *e = sim_tlb_all(&n, NULL);
	uint64_t bytes = sim_page_mask(level) + 1;

	sim_tlb_lock_all();
	for (i = 0; i < n; i++)
		e[i].keep = e[i].valid && e[i].leaf_pte != leaf_pte &&
			    sim_tlb_overlaps(&e[i], page, bytes) &&
			    e[i].gen == sim_page_generation(e[i].frame, e[i].level);
	sim_age_page(page, level);
	for (i = 0; i < n; i++) {
		if (e[i].keep)
			e[i].gen = sim_page_generation(e[i].frame, e[i].level);
		e[i].keep = false;
	}
	sim_tlb_unlock_all();
}

bool hal_sim_stale_violation(struct hal_sim_stale *out)
{
	bool set = __atomic_load_n(&stale.state, __ATOMIC_ACQUIRE) == STALE_SET;

	if (set && out != NULL)
		*out = stale.first;
	return set;
}

void hal_sim_clear_stale(void)
{
	__atomic_store_n(&stale.state, STALE_NONE, __ATOMIC_RELEASE);
}

bool hal_sim_tlb_check(struct hal_sim_stale *out)
{
	unsigned i, n, size;
	struct sim_tlb_entry *e;
	struct hal_sim_stale s;

	sim_mmu_ready();
	e = sim_tlb_all(&n, &size);
	for (i = 0; i < n; i++) {
		if (e[i].valid && judge(i / size, &e[i], e[i].vpage, &s)) {
			if (out != NULL)
				*out = s;
			return false;
		}
	}
	return true;
}

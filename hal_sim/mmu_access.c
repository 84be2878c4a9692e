/*
 * User memory accesses, as a core's load/store/fetch unit makes them: the
 * address goes through the core's TLB; a miss walks the tables of the
 * vspace the core runs, sets Accessed (and Dirty on a write), and fills
 * the TLB; a hit is first put to the stale-translation tests.  A hit that
 * lacks the rights faults and drops the entry, as x86 does, so the next
 * try walks again.  A write through an entry filled by a read sets Dirty
 * in the leaf the entry came from.
 *
 * Under the free scheduler the core's TLB is held for the translation
 * (mmu_internal.h), hits are not judged stale (hal_sim.h), and the bytes
 * move with relaxed atomics, as other cores' accesses and the kernel may
 * touch the same memory at the same time.
 *
 * An access that crosses a page boundary is two parts, translated in
 * address order before any byte moves.  If the second part faults,
 * nothing is written, but the first part keeps its TLB entry and the
 * Accessed (and Dirty) bits its walk set.
 */
#include "mmu_internal.h"

struct part {
	uint64_t vaddr, paddr;
	unsigned len;
};

static bool fail(struct hal_sim_fault *f, enum hal_sim_fault_reason reason, unsigned level)
{
	f->reason = reason;
	f->level = level;
	return false;
}

static uint64_t to_paddr(const struct sim_tlb_entry *e, uint64_t vaddr)
{
	return e->frame + (vaddr & sim_page_mask(e->level));
}

static bool through_entry(unsigned core, struct sim_tlb_entry *e, enum hal_sim_access kind,
			  uint64_t vaddr, uint64_t *paddr, struct hal_sim_fault *f)
{
	if (!sim_sched_concurrent())
		sim_stale_hit(core, e, vaddr);
	if (!sim_rights_permit(e->write, e->user, e->exec, kind)) {
		sim_tlb_forget(e);
		return fail(f, HAL_SIM_FAULT_PROTECTION, e->level);
	}
	if (kind == HAL_SIM_WRITE && !e->dirty) {
		sim_set_dirty(e->leaf_pte, e->frame, e->level);
		e->dirty = true;
	}
	*paddr = to_paddr(e, vaddr);
	return true;
}

static bool through_walk(unsigned core, unsigned asid, uint64_t pml4, enum hal_sim_access kind,
			 uint64_t vaddr, uint64_t *paddr, struct hal_sim_fault *f)
{
	struct sim_walk w;
	struct sim_tlb_entry *e;

	if (!sim_walk(pml4, vaddr, &w))
		return fail(f, w.reason, w.level);
	if (!sim_rights_permit(w.write, w.user, w.exec, kind))
		return fail(f, HAL_SIM_FAULT_PROTECTION, w.level);
	sim_walk_mark(&w, kind == HAL_SIM_WRITE);
	e = sim_tlb_fill(core, asid, vaddr, pml4, &w);
	e->dirty = e->dirty || kind == HAL_SIM_WRITE;
	*paddr = to_paddr(e, vaddr);
	return true;
}

/* Translate one part's address for core, or fill *f. */
static bool translate(unsigned core, enum hal_sim_access kind, uint64_t vaddr, uint64_t *paddr,
		      struct hal_sim_fault *f)
{
	unsigned asid;
	uint64_t pml4;
	struct sim_tlb_entry *e;

	f->vaddr = vaddr;
	if (!sim_canonical(vaddr))
		return fail(f, HAL_SIM_FAULT_NON_CANONICAL, 0);
	pml4 = hal_sim_vspace(core, &asid);
	if (pml4 == 0)
		return fail(f, HAL_SIM_FAULT_NOT_PRESENT, 0);
	e = sim_tlb_lookup(core, asid, vaddr);
	if (e != NULL)
		return through_entry(core, e, kind, vaddr, paddr, f);
	return through_walk(core, asid, pml4, kind, vaddr, paddr, f);
}

/* Translate every part, holding core's TLB; false at the first fault. */
static bool translate_parts(unsigned core, enum hal_sim_access kind, struct part *p, unsigned n,
			    struct hal_sim_fault *f)
{
	bool ok = true;
	unsigned i;

	sim_tlb_lock(core);
	for (i = 0; i < n && ok; i++)
		ok = translate(core, kind, p[i].vaddr, &p[i].paddr, f);
	sim_tlb_unlock(core);
	return ok;
}

/* Cut [vaddr, vaddr + size) at the page boundary; returns the part count. */
static unsigned split(uint64_t vaddr, unsigned size, struct part *p)
{
	uint64_t room = 4096 - (vaddr & 4095);

	p[0] = (struct part){ vaddr, 0, size };
	if (size <= room)
		return 1;
	p[0].len = (unsigned)room;
	p[1] = (struct part){ vaddr + room, 0, size - (unsigned)room };
	return 2;
}

/* Move one part's bytes between *value (from byte shift on) and memory. */
static void move_part(const struct part *p, bool store, uint64_t *value, unsigned shift)
{
	uint8_t *mem = NULL;
	unsigned i;

	if (hal_sim_phys_valid(p->paddr, p->len))
		mem = hal_phys_to_kernel(p->paddr);
	for (i = 0; i < p->len; i++) {
		unsigned bitpos = 8 * (shift + i);

		if (store && mem != NULL)
			__atomic_store_n(&mem[i], (uint8_t)(*value >> bitpos), __ATOMIC_RELAXED);
		else if (!store)
			*value |= (uint64_t)(mem != NULL ? __atomic_load_n(&mem[i], __ATOMIC_RELAXED)
							 : 0xff)
				  << bitpos;
	}
}

bool hal_sim_user_access(unsigned core, enum hal_sim_access kind, uint64_t vaddr,
			 unsigned size, uint64_t *value, struct hal_sim_fault *fault)
{
	struct hal_sim_fault scratch;
	struct hal_sim_fault *f = fault != NULL ? fault : &scratch;
	struct part p[2];
	unsigned i, n;

	if ((size != 1 && size != 2 && size != 4 && size != 8) || value == NULL)
		hal_panic("hal_sim_user_access: size must be 1, 2, 4 or 8, value not NULL");
	if (core >= hal_core_count())
		hal_panic("hal_sim_user_access: no such core");
	sim_mmu_ready();
	*f = (struct hal_sim_fault){ .vaddr = vaddr, .access = kind };
	n = split(vaddr, size, p);
	if (!translate_parts(core, kind, p, n, f))
		return false;
	if (kind != HAL_SIM_WRITE)
		*value = 0;
	for (i = 0; i < n; i++)
		move_part(&p[i], kind == HAL_SIM_WRITE, value, i == 0 ? 0 : p[0].len);
	f->vaddr = vaddr;
	f->reason = HAL_SIM_FAULT_NONE;
	return true;
}

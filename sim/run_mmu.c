/*
 * The executor's MMU hooks on hal_sim (struct exec_mmu): user accesses
 * through hal_sim_user_access, the TLB view for `assert tlb` through
 * hal_sim_tlb_foreach, and the stale-translation detector (the sticky
 * record of the first stale hit by a user access, and the scan of every
 * TLB, hal_sim_tlb_check).  hal_sim's enums are translated to the
 * kernel's here, so the executor never sees hal_sim.
 */
#include "hal_sim.h"
#include "sim.h"

static enum kmm_fault_access fault_access(enum hal_sim_access a)
{
	switch (a) {
	case HAL_SIM_READ: return KMM_ACCESS_READ;
	case HAL_SIM_WRITE: return KMM_ACCESS_WRITE;
	default: return KMM_ACCESS_EXEC;
	}
}

static enum kmm_fault_reason fault_reason(enum hal_sim_fault_reason r)
{
	switch (r) {
	case HAL_SIM_FAULT_PROTECTION: return KMM_FAULT_PROTECTION;
	case HAL_SIM_FAULT_NON_CANONICAL: return KMM_FAULT_NON_CANONICAL;
	default: return KMM_FAULT_NOT_PRESENT;
	}
}

static bool user_access(void *ctx, unsigned core, enum prog_access kind, uint64_t vaddr,
			unsigned size, uint64_t *value, struct exec_fault *fault)
{
	enum hal_sim_access a = kind == PROG_ACCESS_READ ? HAL_SIM_READ : HAL_SIM_WRITE;
	struct hal_sim_fault f = { 0 };

	(void)ctx;
	if (hal_sim_user_access(core, a, vaddr, size, value, &f))
		return true;
	*fault = (struct exec_fault){ f.vaddr, fault_access(f.access), fault_reason(f.reason) };
	return false;
}

struct tlb_query {
	unsigned core;
	uint64_t vaddr, asid;
	bool any_asid, found;
};

/* Does e cover the query's address (a page at level L spans 2^(39 - 9L) bytes)? */
static bool covers(const struct hal_sim_tlb_entry *e, void *ctx)
{
	struct tlb_query *q = ctx;
	uint64_t size = e->level >= 1 && e->level <= 3 ? 1ull << (39 - 9 * e->level) : 0;

	if (e->core == q->core && (q->any_asid || e->asid == q->asid) &&
	    q->vaddr >= e->vaddr && q->vaddr - e->vaddr < size)
		q->found = true;
	return !q->found;
}

static bool tlb_cached(void *ctx, unsigned core, uint64_t vaddr, bool any_asid, uint64_t asid)
{
	struct tlb_query q = { core, vaddr, asid, any_asid, false };

	(void)ctx;
	hal_sim_tlb_foreach(covers, &q);
	return q.found;
}

static bool stale(void *ctx, bool scan, struct exec_stale *out)
{
	struct hal_sim_stale s;
	bool at_access = hal_sim_stale_violation(&s);

	(void)ctx;
	if (!at_access && !(scan && !hal_sim_tlb_check(&s)))
		return false;
	*out = (struct exec_stale){
		.core = s.core, .asid = s.asid, .level = s.level, .vaddr = s.vaddr,
		.frame = s.frame, .recorded_gen = s.recorded_gen, .current_gen = s.current_gen,
		.by_walk = s.check == HAL_SIM_STALE_WALK, .at_access = at_access,
	};
	return true;
}

void sim_mmu_hooks(struct exec_mmu *m)
{
	*m = (struct exec_mmu){ user_access, tlb_cached, stale };
}

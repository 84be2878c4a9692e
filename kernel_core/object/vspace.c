/*
 * Address spaces (reference c.1 to c.3).  An ASID names a PML4 through
 * two levels: the kernel's ASID table (8 pools) and the 512-entry pool
 * object.  Every path that touches a mapping re-resolves the ASID, so a
 * stale cap (its PML4 or pool deleted) can never reach a live table.
 *
 * Invariants (the checker's "6.*"):
 *  (1) a pool entry holds 0 or the address of a live PML4 whose cap
 *      records that ASID; no PML4 is in two entries;
 *  (2) ASID 0 is never assigned;
 *  (3) the ASID table holds 0 or the address of a live ASID pool.
 */
#include "vspace.h"
#include "invocations.h"
#include "tlb.h"

static uint64_t asid_table[ASID_POOLS];
static uint64_t current_tcb[64];

void vspace_init(void)
{
	unsigned i;

	for (i = 0; i < ASID_POOLS; i++)
		asid_table[i] = 0;
	for (i = 0; i < 64; i++)
		vspace_set_current(i, 0);
	tlb_init();
}

uint64_t asid_table_get(unsigned pool)
{
	kassert(pool < ASID_POOLS);
	return asid_table[pool];
}

void asid_table_set(unsigned pool, uint64_t pool_paddr)
{
	kassert(pool < ASID_POOLS);
	asid_table[pool] = pool_paddr;
}

uint64_t vspace_for_asid(uint64_t asid)
{
	uint64_t pool;

	if (asid == 0 || asid >= ASID_POOLS * ASID_POOL_SIZE)
		return 0;
	pool = asid_table[asid >> ASID_POOL_BITS];
	if (!pool)
		return 0;
	return pte_read(pool + 8 * (asid & (ASID_POOL_SIZE - 1)));
}

void asid_pool_set(uint64_t pool_paddr, unsigned index, uint64_t pml4)
{
	kassert(index < ASID_POOL_SIZE);
	*(volatile uint64_t *)hal_phys_to_kernel(pool_paddr + 8 * index) = pml4;
}

uint64_t vspace_lookup_entry(uint64_t pml4, uint64_t vaddr, enum pt_level want,
			     unsigned *bits_left)
{
	uint64_t table = pml4;
	enum pt_level l;

	for (l = LVL_PML4; l < want; l++) {
		uint64_t e = pte_read(table + 8 * level_index(l, vaddr));

		if (!pte_present(e) || pte_is_large(e, l)) {
			*bits_left = level_shift(l);
			return 0;
		}
		table = pte_addr(e);
	}
	return table + 8 * level_index(want, vaddr);
}

enum kmm_error vspace_check_root(const struct cap *vs, uint64_t *pml4, struct kerr *e)
{
	if (cap_type(vs) != KMM_CAP_TYPE_PML4 || !cap_pml4_has_asid(vs))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	*pml4 = vspace_for_asid(cap_pml4_asid(vs));
	if (*pml4 == 0) {
		struct lookup_fault f = { KMM_LOOKUP_INVALID_ROOT, 0, 0, 0 };

		return kerr_lookup(e, false, &f);
	}
	if (*pml4 != cap_pml4_paddr(vs))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	return KMM_OK;
}

enum kmm_error vspace_missing_level(struct kerr *e, unsigned bits_left)
{
	struct lookup_fault f = { KMM_LOOKUP_MISSING_CAPABILITY, bits_left, 0, 0 };

	return kerr_lookup(e, false, &f);
}

/*
 * Atomic: the lock holder may change another core's thread (the thread
 * was deleted) while that core, in user mode, asks whether it runs one.
 */
void vspace_set_current(unsigned core, uint64_t tcb)
{
	kassert(core < 64);
	__atomic_store_n(&current_tcb[core], tcb, __ATOMIC_RELEASE);
}

uint64_t vspace_current(unsigned core)
{
	kassert(core < 64);
	return __atomic_load_n(&current_tcb[core], __ATOMIC_ACQUIRE);
}

/*
 * Load this core's CR3 from its current thread's VSpace root: a PML4 cap
 * whose ASID still resolves to it, or nothing (every user access faults),
 * as seL4's setVMRoot falls back to the kernel-only address space.
 */
void vspace_reload_current(void)
{
	uint64_t tcb = vspace_current(hal_core_id());
	const struct cap *vs;

	if (!tcb) {
		tlb_load_vspace(0, 0);
		return;
	}
	vs = &tcb_slot(tcb, TCB_VTABLE)->cap;
	if (cap_type(vs) == KMM_CAP_TYPE_PML4 && cap_pml4_has_asid(vs) &&
	    vspace_for_asid(cap_pml4_asid(vs)) == cap_pml4_paddr(vs))
		tlb_load_vspace(cap_pml4_paddr(vs), (unsigned)cap_pml4_asid(vs));
	else
		tlb_load_vspace(0, 0);
}

/*
 * ASID control and ASID pools (reference c.3, c.7).  ASID control makes a
 * pool from a 4 KiB untyped and claims the lowest free slot of the ASID
 * table; a pool assigns its lowest free ASID to a PML4, writing the ASID
 * into the PML4 cap in its slot.  Deleting a PML4 or a pool invalidates
 * what it named; caps that still carry those ASIDs become stale and every
 * later use re-resolves and fails safely.
 */
#include "invocations.h"
#include "objecttype.h"
#include "tlb.h"
#include "vspace.h"
#include "../kernel/cdt.h"
#include "../kernel/lookup.h"

static int free_pool_index(void)
{
	unsigned i;

	for (i = 0; i < ASID_POOLS; i++)
		if (!asid_table_get(i))
			return (int)i;
	return -1;
}

/* MakePool(index, depth); extra caps: untyped, destination root. */
static enum kmm_error decode_make_pool(const struct invocation *inv, struct slot **dest,
				       struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	const struct cap *ut;

	if (m->label != KMM_X86_ASID_CONTROL_MAKE_POOL)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (m->nwords < 2 || inv->nextra < 2)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	if (free_pool_index() < 0)
		return kerr_plain(e, KMM_DELETE_FIRST);
	ut = &inv->extra[0]->cap;
	if (cap_type(ut) != KMM_CAP_TYPE_UNTYPED ||
	    cap_untyped_size_bits(ut) != KMM_ASID_POOL_BITS || cap_untyped_device(ut))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	if (cdt_has_children(inv->extra[0]))
		return kerr_plain(e, KMM_REVOKE_FIRST);
	if (lookup_slot_for_op(&inv->extra[1]->cap, m->words[0], m->words[1], false, dest, e))
		return e->code;
	if (!slot_is_empty(*dest))
		return kerr_plain(e, KMM_DELETE_FIRST);
	return KMM_OK;
}

static void make_pool(struct slot *ut, struct slot *dest)
{
	unsigned index = (unsigned)free_pool_index();
	uint64_t paddr = cap_untyped_paddr(&ut->cap);
	struct cap pool = cap_new(KMM_CAP_TYPE_ASID_POOL);

	cap_set_untyped_free_index(&ut->cap, bit(KMM_ASID_POOL_BITS - KMM_MIN_UNTYPED_BITS));
	hal_memory_zero(paddr, bit(KMM_ASID_POOL_BITS));
	cap_set_asid_pool_paddr(&pool, paddr);
	cap_set_asid_pool_base(&pool, (uint64_t)index << ASID_POOL_BITS);
	cdt_insert(pool, ut, dest);
	asid_table_set(index, paddr);
}

enum kmm_error asid_control_invocation(const struct invocation *inv, struct kerr *e)
{
	struct slot *dest;
	enum kmm_error err = decode_make_pool(inv, &dest, e);

	if (err)
		return err;
	make_pool(inv->extra[0], dest);
	return KMM_OK;
}

/* Assign; extra cap 0 the PML4.  Returns the free index via *index. */
static enum kmm_error decode_assign(const struct invocation *inv, unsigned *index,
				    struct kerr *e)
{
	const struct cap *pool = &inv->slot->cap;
	const struct cap *vs;
	uint64_t base = cap_asid_pool_base(pool), table;
	unsigned i;

	if (inv->msg->label != KMM_X86_ASID_POOL_ASSIGN)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (inv->nextra < 1)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	vs = &inv->extra[0]->cap;
	if (cap_type(vs) != KMM_CAP_TYPE_PML4 || cap_pml4_has_asid(vs))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	table = asid_table_get((unsigned)(base >> ASID_POOL_BITS));
	if (!table) {
		struct lookup_fault f = { KMM_LOOKUP_INVALID_ROOT, 0, 0, 0 };

		return kerr_lookup(e, false, &f);
	}
	if (table != cap_asid_pool_paddr(pool))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 0);
	for (i = base == 0 ? 1 : 0; i < ASID_POOL_SIZE; i++)
		if (vspace_for_asid(base + i) == 0) {
			*index = i;
			return KMM_OK;
		}
	return kerr_plain(e, KMM_DELETE_FIRST);
}

enum kmm_error asid_pool_invocation(const struct invocation *inv, struct kerr *e)
{
	struct cap *pool = &inv->slot->cap, *vs;
	unsigned i = 0;
	enum kmm_error err = decode_assign(inv, &i, e);

	if (err)
		return err;
	vs = &inv->extra[0]->cap;
	asid_pool_set(cap_asid_pool_paddr(pool), i, cap_pml4_paddr(vs));
	cap_set_pml4_has_asid(vs, 1);
	cap_set_pml4_asid(vs, cap_asid_pool_base(pool) + i);
	return KMM_OK;
}

/* Final PML4 cap: release its ASID if the pool still names this PML4. */
void pml4_finalise(const struct cap *c)
{
	uint64_t asid = cap_pml4_asid(c);
	uint64_t pool;

	if (!cap_pml4_has_asid(c) || vspace_for_asid(asid) != cap_pml4_paddr(c))
		return;
	pool = asid_table_get((unsigned)(asid >> ASID_POOL_BITS));
	/* Unassign first, so a core told to reload finds the ASID gone. */
	asid_pool_set(pool, (unsigned)(asid & (ASID_POOL_SIZE - 1)), 0);
	tlb_retire_asid((unsigned)asid);
	/* As seL4's setVMRoot after deleteASID: this core's CR3 from its thread. */
	vspace_reload_current();
}

/* Final pool cap: every ASID in it dies, and its table slot is freed. */
void asid_pool_finalise(const struct cap *c)
{
	unsigned index = (unsigned)(cap_asid_pool_base(c) >> ASID_POOL_BITS);
	uint64_t paddr = cap_asid_pool_paddr(c);
	unsigned i;

	if (asid_table_get(index) != paddr)
		return;
	asid_table_set(index, 0);
	for (i = 0; i < ASID_POOL_SIZE; i++)
		if (pte_read(paddr + 8 * i) != 0)
			tlb_retire_asid((unsigned)(cap_asid_pool_base(c) + i));
	vspace_reload_current();
}

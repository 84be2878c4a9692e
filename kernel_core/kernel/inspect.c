/*
 * Read-only views of kernel state for assertions, pictures and the
 * checker.  Nothing here changes state; callers use it between
 * invocations.  The derivation tree is recovered from the list the way
 * the parent test defines it: a node's ancestors are the nodes before it
 * whose descendant run reaches it, kept on a stack during one pass.
 */
#include <kmm/kernel.h>
#include "cdt.h"
#include "lookup.h"
#include "../object/tlb.h"
#include "../object/vspace.h"

static void fill_info(const struct slot *s, struct kmm_cap_info *out)
{
	const struct cap *c = &s->cap;

	memset(out, 0, sizeof(*out));
	out->type = cap_type(c);
	out->slot_paddr = slot_paddr(s);
	out->paddr = cap_object_paddr(c);
	out->size_bits = cap_object_size_bits(c);
	out->rights = KMM_RIGHTS_ALL;
	out->revocable = mdb_revocable(s);
	out->first_badged = mdb_first_badged(s);
	switch (out->type) {
	case KMM_CAP_TYPE_UNTYPED:
		out->free_index = cap_untyped_free_index(c);
		out->is_device = cap_untyped_device(c);
		break;
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		out->rights = (uint32_t)cap_ep_rights(c);
		out->badge = cap_ep_badge(c);
		break;
	case KMM_CAP_TYPE_CNODE:
		out->radix = (uint32_t)cap_cnode_radix(c);
		out->guard_size = (uint32_t)cap_cnode_guard_size(c);
		out->guard = cap_cnode_guard(c);
		break;
	case KMM_CAP_TYPE_ZOMBIE:
		out->radix = cap_zombie_radix(c) == ZOMBIE_TCB ? 0 : (uint32_t)cap_zombie_radix(c);
		out->zombie_count = cap_zombie_count(c);
		break;
	case KMM_CAP_TYPE_FRAME:
		out->vm_rights = (uint32_t)cap_frame_vm_rights(c);
		out->is_device = cap_frame_device(c);
		out->mapped = cap_frame_map_type(c) != 0;
		out->map_asid = cap_frame_asid(c);
		out->map_vaddr = cap_frame_vaddr(c);
		break;
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		out->mapped = cap_table_mapped(c);
		out->map_asid = cap_table_asid(c);
		out->map_vaddr = cap_table_vaddr(c);
		break;
	case KMM_CAP_TYPE_PML4:
		out->mapped = cap_pml4_has_asid(c);
		out->map_asid = cap_pml4_asid(c);
		break;
	case KMM_CAP_TYPE_ASID_POOL:
		out->map_asid = cap_asid_pool_base(c);
		break;
	default:
		break;
	}
}

bool kmm_inspect_pte(uint64_t pml4_paddr, uint64_t vaddr, uint64_t *entry, unsigned *level)
{
	uint64_t table = pml4_paddr, e = 0;
	enum pt_level l;

	if (vaddr > USER_TOP)
		return false;
	for (l = LVL_PML4; l <= LVL_PT; l++) {
		e = pte_read(table + 8 * level_index(l, vaddr));
		if (!pte_present(e) || l == LVL_PT || pte_is_large(e, l))
			break;
		table = pte_addr(e);
	}
	*entry = e;
	*level = l;
	return true;
}

uint64_t kmm_inspect_asid_pool(unsigned pool_index)
{
	return pool_index < ASID_POOLS ? asid_table_get(pool_index) : 0;
}

uint64_t kmm_inspect_vspace_for_asid(uint64_t asid)
{
	return vspace_for_asid(asid);
}

uint64_t kmm_inspect_current_thread(unsigned core)
{
	return core < hal_core_count() ? vspace_current(core) : 0;
}

uint64_t kmm_inspect_asid_cores(uint64_t asid)
{
	return asid < ASID_POOLS * ASID_POOL_SIZE ? tlb_asid_cores((unsigned)asid) : 0;
}

/* Is there still a TCB cap to this thread?  If not its memory may be reused. */
static bool tcb_is_live(uint64_t tcb)
{
	const struct slot *s;

	for (s = mdb_next(cdt_sentinel()); s; s = mdb_next(s))
		if (cap_type(&s->cap) == KMM_CAP_TYPE_TCB && cap_tcb_paddr(&s->cap) == tcb)
			return true;
	return false;
}

bool kmm_inspect_cptr(uint64_t caller_tcb, uint64_t cptr, struct kmm_cap_info *out)
{
	struct resolve_ret r;

	if (!caller_tcb || !tcb_is_live(caller_tcb))
		return false;
	r = lookup_invocation(caller_tcb, cptr);
	if (!r.slot)
		return false;
	fill_info(r.slot, out);
	return true;
}

void kmm_inspect_slot(uint64_t slot_paddr_, struct kmm_cap_info *out)
{
	fill_info(slot_at(slot_paddr_), out);
}

bool kmm_inspect_walk(kmm_walk_fn fn, void *ctx, uint64_t *stack, uint64_t stack_len)
{
	const struct slot *s;
	uint64_t depth = 0;
	struct kmm_cap_info info;

	for (s = mdb_next(cdt_sentinel()); s; s = mdb_next(s)) {
		while (depth > 0 && !cdt_is_parent(slot_at(stack[depth - 1]), s))
			depth--;
		fill_info(s, &info);
		if (!fn(&info, (uint32_t)depth, depth ? stack[depth - 1] : 0, ctx))
			return true;
		if (depth == stack_len)
			return false;
		stack[depth++] = slot_paddr(s);
	}
	return true;
}

uint64_t kmm_inspect_cap_count(void)
{
	const struct slot *s;
	uint64_t n = 0;

	for (s = mdb_next(cdt_sentinel()); s; s = mdb_next(s))
		n++;
	return n;
}

/* Caps to one object are contiguous (cdt.c invariant 3): count run starts. */
uint64_t kmm_inspect_object_count(enum kmm_cap_type type)
{
	const struct slot *s, *prev = 0;
	uint64_t n = 0;

	for (s = mdb_next(cdt_sentinel()); s; prev = s, s = mdb_next(s))
		if (cap_type(&s->cap) == type &&
		    !(prev && cdt_same_object(&prev->cap, &s->cap)))
			n++;
	return n;
}

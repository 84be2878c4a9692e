/*
 * Relations between caps and what a copy may be made of: the same-region
 * and same-object tests, the parent test, finality (b.6, b.7), rights
 * masking, cap data and derivation (b.3.1, b.3.2, c.5, c.6).
 */
#include "model_int.h"

bool mcap_is_frame(const struct mcap *c)
{
	return c->type == KMM_CAP_TYPE_FRAME;
}

/* PDPT, page directory, page table: the tables that are mapped into another. */
bool mcap_is_table(const struct mcap *c)
{
	return c->type == KMM_CAP_TYPE_PDPT || c->type == KMM_CAP_TYPE_PAGE_DIRECTORY ||
	       c->type == KMM_CAP_TYPE_PAGE_TABLE;
}

bool mcap_is_ep(const struct mcap *c)
{
	return c->type == KMM_CAP_TYPE_ENDPOINT || c->type == KMM_CAP_TYPE_NOTIFICATION;
}

static bool has_memory(const struct mcap *c)
{
	return c->type != KMM_CAP_TYPE_NULL && c->type != KMM_CAP_TYPE_ASID_CONTROL &&
	       c->size_bits > 0;
}

static bool inside(const struct mcap *outer, const struct mcap *b)
{
	return b->paddr >= outer->paddr &&
	       b->paddr + (1ull << b->size_bits) <= outer->paddr + (1ull << outer->size_bits);
}

bool mcap_same_region(const struct mcap *a, const struct mcap *b)
{
	switch (a->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return has_memory(b) && inside(a, b);
	case KMM_CAP_TYPE_CNODE:
		return b->type == KMM_CAP_TYPE_CNODE && a->paddr == b->paddr &&
		       a->radix == b->radix;
	case KMM_CAP_TYPE_FRAME:
		return mcap_is_frame(b) && inside(a, b);
	case KMM_CAP_TYPE_ENDPOINT: case KMM_CAP_TYPE_NOTIFICATION: case KMM_CAP_TYPE_TCB:
	case KMM_CAP_TYPE_PAGE_TABLE: case KMM_CAP_TYPE_PAGE_DIRECTORY: case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4: case KMM_CAP_TYPE_ASID_POOL:
		return a->type == b->type && a->paddr == b->paddr;
	case KMM_CAP_TYPE_ASID_CONTROL:
		return b->type == KMM_CAP_TYPE_ASID_CONTROL;
	default:
		return false;
	}
}

/* b.7: as same-region, but untyped caps are never the same object as anything. */
bool mcap_same_object(const struct mcap *a, const struct mcap *b)
{
	if (a->type == KMM_CAP_TYPE_UNTYPED || b->type == KMM_CAP_TYPE_UNTYPED)
		return false;
	if (mcap_is_frame(a))
		return mcap_is_frame(b) && a->paddr == b->paddr &&
		       a->size_bits == b->size_bits && a->device == b->device;
	return mcap_same_region(a, b);
}

/* isMDBParentOf (b.6), for a cap b that would follow a in the list. */
bool mcap_parent_of(const struct mnode *a, const struct mcap *b, bool b_first_badged)
{
	if (!a->revocable || !mcap_same_region(&a->cap, b))
		return false;
	if (mcap_is_ep(&a->cap))
		return a->cap.badge == 0 || (b->badge == a->cap.badge && !b_first_badged);
	return true;
}

/* Final (b.7): no other cap to the same object (caps to one object are contiguous). */
bool mcap_is_final(struct model *m, struct mnode *n)
{
	GHashTableIter it;
	gpointer k, v;

	if (n->cap.type == KMM_CAP_TYPE_UNTYPED)
		return true;
	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct mnode *o = v;

		if (o != n && mcap_same_object(&n->cap, &o->cap))
			return false;
	}
	return true;
}

/* maskVMRights (c.5): only Read (with or without Write) keeps user access. */
uint32_t mcap_mask_vm_rights(uint32_t vm_rights, uint64_t mask)
{
	bool rd = mask & KMM_RIGHT_READ, wr = mask & KMM_RIGHT_WRITE;

	if (vm_rights == KMM_VM_READ_ONLY && rd)
		return KMM_VM_READ_ONLY;
	if (vm_rights == KMM_VM_READ_WRITE && rd)
		return wr ? KMM_VM_READ_WRITE : KMM_VM_READ_ONLY;
	return KMM_VM_KERNEL_ONLY;
}

/* Copy and Mint's rights mask (b.3.2): endpoints, notifications and frames only. */
void mcap_mask_rights(struct mcap *c, uint64_t mask)
{
	if (mcap_is_ep(c))
		c->rights &= (uint32_t)mask;
	else if (mcap_is_frame(c))
		c->vm_rights = mcap_mask_vm_rights(c->vm_rights, mask);
}

/* updateCapData (b.3.2): false if the result is null. */
bool mcap_update_data(struct mcap *c, bool preserve, uint64_t data)
{
	if (mcap_is_ep(c)) {
		if (preserve || c->badge != 0)
			return false;
		c->badge = data;
	} else if (c->type == KMM_CAP_TYPE_CNODE) {
		uint32_t gs = (uint32_t)(data & 63);

		if (gs + c->radix > 64)
			return false;
		c->guard_size = gs;
		c->guard = gs == 0 ? 0 : (data >> 6) & (gs >= 64 ? ~0ull : (1ull << gs) - 1);
	}
	return true;
}

/* deriveCap (b.3.1): KMM_OK, or the error (a null result is IllegalOperation). */
enum kmm_error mcap_derive(const struct mnode *src, struct mcap *c)
{
	switch (c->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return src->children->len == 0 ? KMM_OK : KMM_REVOKE_FIRST;
	case KMM_CAP_TYPE_ZOMBIE:
	case KMM_CAP_TYPE_NULL:
		return KMM_ILLEGAL_OPERATION;
	case KMM_CAP_TYPE_FRAME:
		/* c.6: a copy never carries the mapping */
		c->mapped = false;
		c->asid = c->vaddr = 0;
		return KMM_OK;
	case KMM_CAP_TYPE_PAGE_TABLE: case KMM_CAP_TYPE_PAGE_DIRECTORY: case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4:
		return c->mapped ? KMM_OK : KMM_ILLEGAL_OPERATION;
	default:
		return KMM_OK;
	}
}

/* cteInsert (b.6): c, derived from src, goes into slot directly after src. */
void mcap_insert_copy(struct model *m, struct mnode *src, uint64_t slot, const struct mcap *c)
{
	struct mnode *n = mtree_new(m, slot, c);

	if (mcap_is_ep(c))
		n->revocable = c->badge != src->cap.badge;
	else
		n->revocable = c->type == KMM_CAP_TYPE_UNTYPED;
	n->first_badged = n->revocable;
	if (c->type == KMM_CAP_TYPE_UNTYPED && c->paddr == src->cap.paddr &&
	    c->size_bits == src->cap.size_bits)
		src->cap.free_index = 1ull << (src->cap.size_bits - 4);
	if (mcap_parent_of(src, c, n->first_badged))
		mtree_add_child_first(src, n);
	else
		mtree_add_after(m, src, n);
}

/*
 * Delete and revoke (b.5, b.7), with what finalising each kind of cap
 * does to other state (c.7).
 *
 * Deleting is seL4's finaliseSlot loop: the final cap of a CNode or TCB
 * turns into a zombie that is reduced one slot at a time (exposed
 * deletes), or parked in its own slot 0 (a nested delete); every other
 * cap is finalised and its slot emptied.  Revoke deletes the slot's first
 * child until it has none.
 */
#include "model_int.h"

/* finaliseCap (b.7 table): the remainder (null or a zombie) and the side effects. */
static struct mcap finalise(struct model *m, const struct mcap *c, bool final)
{
	struct mcap rem = { 0 };

	if (mcap_is_frame(c) && c->mapped)
		mvspace_unmap_frame(m, c);
	if (!final)
		return rem;
	if (mcap_is_table(c) && c->mapped)
		mvspace_unmap_table(m, c);
	else if (c->type == KMM_CAP_TYPE_PML4 && c->mapped)
		mvspace_release_pml4(m, c);
	else if (c->type == KMM_CAP_TYPE_ASID_POOL)
		mvspace_release_pool(m, c);
	if (c->type == KMM_CAP_TYPE_CNODE) {
		rem = *c;
		rem.type = KMM_CAP_TYPE_ZOMBIE;
		rem.zcount = 1ull << c->radix;
	} else if (c->type == KMM_CAP_TYPE_TCB) {
		mtcb_finalised(m, c->paddr);
		rem = *c;
		rem.type = KMM_CAP_TYPE_ZOMBIE;
		rem.radix = 0;
		rem.zcount = KMM_TCB_SLOTS;
	}
	return rem;
}

static void reduce_zombie(struct model *m, struct mnode *n, bool exposed)
{
	uint64_t base = n->cap.paddr, count = n->cap.zcount, slot = n->slot;
	struct mnode *z;

	if (!exposed) {
		mtree_swap(m, base, slot);
		return;
	}
	mdelete_slot(m, base + (count - 1) * SLOT_BYTES, false);
	z = mtree_at(m, slot);
	if (z != NULL && z->cap.type == KMM_CAP_TYPE_ZOMBIE && z->cap.paddr == base &&
	    z->cap.zcount == count)
		z->cap.zcount--;
}

/* finaliseSlot + cteDelete: true if the slot ended empty. */
bool mdelete_slot(struct model *m, uint64_t slot, bool exposed)
{
	struct mnode *n;

	while ((n = mtree_at(m, slot)) != NULL) {
		struct mcap rem = n->cap.type == KMM_CAP_TYPE_ZOMBIE ? n->cap :
				  finalise(m, &n->cap, mcap_is_final(m, n));

		if (rem.type == KMM_CAP_TYPE_NULL || rem.zcount == 0 ||
		    (rem.zcount == 1 && rem.paddr == slot)) {
			mtree_empty(m, n);
			return true;
		}
		n->cap = rem;
		if (!exposed && rem.paddr == slot)
			return false;
		reduce_zombie(m, n, exposed);
	}
	return true;
}

/* Revoke (b.5): delete the first child until there is none; the cap stays. */
void mdelete_revoke(struct model *m, uint64_t slot)
{
	struct mnode *n;

	while ((n = mtree_at(m, slot)) != NULL && n->children->len > 0)
		mdelete_slot(m, ((struct mnode *)n->children->pdata[0])->slot, true);
}

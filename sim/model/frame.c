/*
 * The frame invocations (c.5, c.6): Page_Map (a fresh map or a remap of the
 * cap's own mapping), Page_Unmap and Page_GetAddress.
 *
 * kmm refuses to map over a present entry (DeleteFirst, README "where kmm
 * differs"), so a remap is accepted only where the entry still maps this
 * frame; and a fresh map makes every other cap to the frame that still
 * records the same (ASID, address) -- a stale record -- forget it, so each
 * present entry is recorded by exactly one cap.
 */
#include "model_int.h"

/*
 * The entry's cache attributes (PWT | PCD << 1 | PAT << 2) for an attr
 * word.  The reference names five values, which are exactly those bits:
 * WriteBack 0, WriteThrough 1, CacheDisabled 2, Uncacheable 3 (both),
 * WriteCombining 4 (PAT).  It gives no meaning to any other word; seL4
 * takes its low three bits, kmm maps it to WriteBack, and the model
 * follows kmm (an open decision, so any other word is WriteBack here).
 */
static uint8_t cache_attr(uint64_t word)
{
	return word <= 4 ? (uint8_t)word : 0;
}

static uint64_t frame_bytes(const struct mcap *c)
{
	return 1ull << c->size_bits;
}

/* c.5 steps 3 - 4: the cap's own mapping, the address range and the ASID. */
static bool check_place(struct model *m, const struct mcap *fr, const struct mcap *vs,
			uint64_t vaddr, struct kmm_result *r)
{
	uint64_t pml4;

	if (fr->mapped && fr->asid != vs->asid)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 1), false;
	if (fr->mapped && fr->vaddr != vaddr)
		return mres_err1(r, KMM_INVALID_ARGUMENT, 0), false;
	if (!fr->mapped && (vaddr > USER_TOP || vaddr + frame_bytes(fr) > USER_TOP))
		return mres_err1(r, KMM_INVALID_ARGUMENT, 0), false;
	pml4 = mvspace_for_asid(m, vs->asid);
	if (pml4 == 0) {
		struct lfail f = { KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };

		return mres_failed_lookup(r, false, &f), false;
	}
	if (pml4 != vs->paddr)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 1), false;
	return true;
}

/* The other caps to this frame that record (asid, vaddr) forget it. */
static void forget_stale(struct model *m, const struct mnode *self, uint64_t asid,
			 uint64_t vaddr)
{
	GHashTableIter it;
	gpointer k, val;

	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &k, &val)) {
		struct mnode *o = val;

		if (o != self && mcap_same_object(&o->cap, &self->cap) && o->cap.mapped &&
		    o->cap.asid == asid && o->cap.vaddr == vaddr) {
			o->cap.mapped = false;
			o->cap.asid = o->cap.vaddr = 0;
		}
	}
}

static void map(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const uint64_t *w = v->msg->words;
	struct mnode *n = v->target;
	const struct mcap *vs = &v->excap[0];
	uint64_t vaddr = w[0];
	unsigned level = mvspace_cap_level(&n->cap), missing;
	struct mentry *e;
	bool fresh;

	if (v->msg->nwords < 3 || v->msg->ncaps < 1)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (!masid_vspace_ok(vs, r) || !check_place(m, &n->cap, vs, vaddr, r))
		return;
	if (vaddr & (frame_bytes(&n->cap) - 1))
		return mres_err0(r, KMM_ALIGNMENT_ERROR);
	e = mvspace_walk(m, vs->paddr, vaddr, level, &missing);
	if (e == NULL)
		return mres_missing(r, false, 39 - 9 * missing);
	fresh = e->kind == ENT_NONE;
	if (!fresh && !(e->kind == ENT_PAGE && n->cap.mapped && e->paddr == n->cap.paddr))
		return mres_err0(r, KMM_DELETE_FIRST);
	*e = (struct mentry){ .kind = ENT_PAGE, .paddr = n->cap.paddr, .device = n->cap.device,
			      .rights = (uint8_t)mcap_mask_vm_rights(n->cap.vm_rights, w[1]),
			      .attr = cache_attr(w[2]) };
	if (fresh)
		forget_stale(m, n, vs->asid, vaddr);
	n->cap.mapped = true;
	n->cap.asid = vs->asid;
	n->cap.vaddr = vaddr;
	mres_err0(r, KMM_OK);
}

void mframe_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	struct mcap *c = &v->target->cap;

	switch (v->msg->label) {
	case KMM_X86_PAGE_MAP:
		return map(m, v, r);
	case KMM_X86_PAGE_UNMAP:
		if (c->mapped)
			mvspace_unmap_frame(m, c);
		c->mapped = false;
		c->asid = c->vaddr = 0;
		return mres_err0(r, KMM_OK);
	case KMM_X86_PAGE_GET_ADDRESS:
		return mres_err1(r, KMM_OK, c->paddr);
	default:
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	}
}

/*
 * The paging-structure invocations (c.4): PDPT, page directory and page
 * table Map and Unmap, one pattern at three levels.  A table is mapped
 * into the entry of the level above that covers the (truncated) address;
 * Unmap needs the final cap and empties the table.
 */
#include "model_int.h"

static bool is_map_label(const struct mcap *c, uint64_t label)
{
	switch (c->type) {
	case KMM_CAP_TYPE_PDPT: return label == KMM_X86_PDPT_MAP;
	case KMM_CAP_TYPE_PAGE_DIRECTORY: return label == KMM_X86_PAGE_DIRECTORY_MAP;
	default: return label == KMM_X86_PAGE_TABLE_MAP;
	}
}

static bool is_unmap_label(const struct mcap *c, uint64_t label)
{
	switch (c->type) {
	case KMM_CAP_TYPE_PDPT: return label == KMM_X86_PDPT_UNMAP;
	case KMM_CAP_TYPE_PAGE_DIRECTORY: return label == KMM_X86_PAGE_DIRECTORY_UNMAP;
	default: return label == KMM_X86_PAGE_TABLE_UNMAP;
	}
}

/* c.4 steps 5 - 9: the vspace, the address and a free parent entry. */
static struct mentry *parent_entry(struct model *m, const struct minv *v, uint64_t vaddr,
				   unsigned level, struct kmm_result *r)
{
	const struct mcap *vs = &v->excap[0];
	struct mentry *e;
	uint64_t pml4;
	unsigned missing;

	if (!masid_vspace_ok(vs, r))
		return NULL;
	if (vaddr > USER_TOP)
		return mres_err1(r, KMM_INVALID_ARGUMENT, 0), NULL;
	pml4 = mvspace_for_asid(m, vs->asid);
	if (pml4 == 0) {
		struct lfail f = { KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };

		return mres_failed_lookup(r, false, &f), NULL;
	}
	if (pml4 != vs->paddr)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 1), NULL;
	e = mvspace_walk(m, pml4, vaddr, level - 1, &missing);
	if (e == NULL)
		return mres_missing(r, false, 39 - 9 * missing), NULL;
	if (e->kind != ENT_NONE)
		return mres_err0(r, KMM_DELETE_FIRST), NULL;
	return e;
}

static void map(struct model *m, const struct minv *v, struct kmm_result *r)
{
	struct mcap *c = &v->target->cap;
	unsigned level = mvspace_cap_level(c);
	uint64_t vaddr = v->msg->words[0] & ~(mvspace_level_bytes(level - 1) - 1);
	struct mentry *e;

	if (v->msg->nwords < 2 || v->msg->ncaps < 1)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (c->mapped)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 0);
	e = parent_entry(m, v, vaddr, level, r);
	if (e == NULL)
		return;
	*e = (struct mentry){ .kind = ENT_TABLE, .paddr = c->paddr };
	c->mapped = true;
	c->asid = v->excap[0].asid;
	c->vaddr = vaddr;
	mres_err0(r, KMM_OK);
}

/* c.4 Unmap: only the final cap; the entry goes and the table is emptied. */
static void unmap(struct model *m, struct mnode *n, struct kmm_result *r)
{
	struct mcap *c = &n->cap;

	if (!mcap_is_final(m, n))
		return mres_err0(r, KMM_REVOKE_FIRST);
	if (c->mapped) {
		mvspace_unmap_table(m, c);
		mvspace_table_new(m, c->paddr, mvspace_cap_level(c));
	}
	c->mapped = false;
	c->asid = c->vaddr = 0;
	mres_err0(r, KMM_OK);
}

void mtable_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct mcap *c = &v->target->cap;

	if (is_unmap_label(c, v->msg->label))
		return unmap(m, v->target, r);
	if (!is_map_label(c, v->msg->label))
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	map(m, v, r);
}

/*
 * ASIDs (c.3): ASIDControl_MakePool turns a 4 KiB untyped into a pool of
 * 512 ASIDs in the lowest free slot of the 8-entry ASID table, and
 * ASIDPool_Assign gives a PML4 the pool's lowest free ASID (ASID 0 is
 * never handed out).
 */
#include "model_int.h"

/* A Map's vspace argument must be a PML4 with an ASID (c.3, c.4 step 5, c.5 step 2). */
bool masid_vspace_ok(const struct mcap *vs, struct kmm_result *r)
{
	if (vs->type == KMM_CAP_TYPE_PML4 && vs->mapped)
		return true;
	mres_err1(r, KMM_INVALID_CAPABILITY, 1);
	return false;
}

static bool free_pool_index(struct model *m, unsigned *index)
{
	for (unsigned i = 0; i < ASID_POOLS; i++) {
		if (m->asid_table[i] == 0) {
			*index = i;
			return true;
		}
	}
	return false;
}

/* c.3 MakePool effect: the untyped is full, the pool its child, the table points at it. */
static void make_pool(struct model *m, struct mnode *ut, uint64_t dest, unsigned index)
{
	struct mcap c = { .type = KMM_CAP_TYPE_ASID_POOL, .paddr = ut->cap.paddr,
			  .size_bits = KMM_ASID_POOL_BITS, .rights = KMM_RIGHTS_ALL,
			  .asid = (uint64_t)index * POOL_ASIDS };
	struct mpool *p = g_new0(struct mpool, 1);

	ut->cap.free_index = 1ull << (ut->cap.size_bits - 4);
	mcap_insert_copy(m, ut, dest, &c);
	p->paddr = c.paddr;
	g_hash_table_replace(m->pools, &p->paddr, p);
	m->asid_table[index] = c.paddr;
}

void masid_control_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	const struct mcap *ut = &v->excap[0];
	unsigned index;
	uint64_t dest;

	if (msg->label != KMM_X86_ASID_CONTROL_MAKE_POOL)
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 2 || msg->ncaps < 2)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (!free_pool_index(m, &index))
		return mres_err0(r, KMM_DELETE_FIRST);
	if (ut->type != KMM_CAP_TYPE_UNTYPED || ut->size_bits != KMM_ASID_POOL_BITS ||
	    ut->device)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 1);
	if (v->exnode[0]->children->len > 0)
		return mres_err0(r, KMM_REVOKE_FIRST);
	if (!mlookup_target(m, &v->excap[1], msg->words[0], msg->words[1], false, &dest, r))
		return;
	if (mtree_at(m, dest) != NULL)
		return mres_err0(r, KMM_DELETE_FIRST);
	make_pool(m, v->exnode[0], dest, index);
	mres_err0(r, KMM_OK);
}

/* The pool's lowest free ASID (never ASID 0); false if it is full. */
static bool free_asid(const struct mpool *p, uint64_t base, unsigned *i)
{
	for (unsigned k = 0; k < POOL_ASIDS; k++) {
		if (base + k != 0 && p->vspace[k] == 0) {
			*i = k;
			return true;
		}
	}
	return false;
}

void masid_pool_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct mcap *pool = &v->target->cap, *vs = &v->excap[0];
	uint64_t index = pool->asid / POOL_ASIDS;
	struct mpool *p;
	unsigned i;

	if (v->msg->label != KMM_X86_ASID_POOL_ASSIGN)
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	if (v->msg->ncaps < 1)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (vs->type != KMM_CAP_TYPE_PML4 || vs->mapped)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 1);
	if (index >= ASID_POOLS || m->asid_table[index] == 0) {
		struct lfail f = { KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };

		return mres_failed_lookup(r, false, &f);
	}
	if (m->asid_table[index] != pool->paddr)
		return mres_err1(r, KMM_INVALID_CAPABILITY, 0);
	p = mvspace_pool(m, pool->paddr);
	if (!free_asid(p, pool->asid, &i))
		return mres_err0(r, KMM_DELETE_FIRST);
	p->vspace[i] = vs->paddr;
	v->exnode[0]->cap.mapped = true;
	v->exnode[0]->cap.asid = pool->asid + i;
	mres_err0(r, KMM_OK);
}

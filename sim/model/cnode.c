/*
 * The CNode invocations (b.2 - b.5): Copy, Mint, Move, Mutate, Rotate,
 * Delete, Revoke, CancelBadgedSends and SaveCaller, checked in the
 * reference's order.  The invoked CNode is the destination's root.
 */
#include "model_int.h"

/* b.3 step 5: the new cap for Copy, Mint or Mutate; KMM_OK or the error. */
static enum kmm_error new_cap(const struct kmm_msg *msg, struct mnode *src, struct mcap *c,
			      bool *truncated)
{
	const uint64_t *w = msg->words;
	unsigned need = msg->label == KMM_CNODE_MINT ? 6 : 5;

	*c = src->cap;
	*truncated = msg->label != KMM_CNODE_MOVE && msg->nwords < need;
	switch (msg->label) {
	case KMM_CNODE_COPY:
		mcap_mask_rights(c, w[4]);
		return mcap_derive(src, c);
	case KMM_CNODE_MINT:
		mcap_mask_rights(c, w[4]);
		return mcap_update_data(c, false, w[5]) ? mcap_derive(src, c) :
		       KMM_ILLEGAL_OPERATION;
	case KMM_CNODE_MUTATE:
		return mcap_update_data(c, true, w[4]) ? KMM_OK : KMM_ILLEGAL_OPERATION;
	default:
		return KMM_OK;
	}
}

static void copy_like(struct model *m, uint64_t dslot, const struct minv *v,
		      struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	uint64_t sslot;
	struct mnode *src;
	struct mcap c;
	enum kmm_error e;
	bool truncated;

	if (msg->nwords < 4 || msg->ncaps < 1)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (mtree_at(m, dslot) != NULL)
		return mres_err0(r, KMM_DELETE_FIRST);
	if (!mlookup_target(m, &v->excap[0], msg->words[2], msg->words[3], true, &sslot, r))
		return;
	src = mtree_at(m, sslot);
	if (src == NULL)
		return mres_missing(r, true, msg->words[3]);
	e = new_cap(msg, src, &c, &truncated);
	if (truncated)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (e != KMM_OK)
		return mres_err0(r, e);
	if (msg->label == KMM_CNODE_COPY || msg->label == KMM_CNODE_MINT) {
		mcap_insert_copy(m, src, dslot, &c);
	} else {
		src->cap = c;
		mtree_move(m, src, dslot);
	}
	mres_err0(r, KMM_OK);
}

/* b.4 steps 2 - 6: source and pivot found, distinct, the destination free. */
static bool rotate_slots(struct model *m, uint64_t dslot, const struct minv *v,
			 uint64_t *sslot, uint64_t *pslot, struct kmm_result *r)
{
	const uint64_t *w = v->msg->words;

	if (!mlookup_target(m, &v->excap[1], w[6], w[7], true, sslot, r) ||
	    !mlookup_target(m, &v->excap[0], w[3], w[4], true, pslot, r))
		return false;
	if (*pslot == *sslot || *pslot == dslot)
		return mres_err0(r, KMM_ILLEGAL_OPERATION), false;
	if (*sslot != dslot && mtree_at(m, dslot) != NULL)
		return mres_err0(r, KMM_DELETE_FIRST), false;
	if (mtree_at(m, *sslot) == NULL)
		return mres_missing(r, true, w[7]), false;
	if (mtree_at(m, *pslot) == NULL)
		return mres_missing(r, false, w[4]), false;
	return true;
}

static void rotate(struct model *m, uint64_t dslot, const struct minv *v, struct kmm_result *r)
{
	const uint64_t *w = v->msg->words;
	uint64_t sslot, pslot;
	struct mnode *src, *piv;
	struct mcap sc, pc;

	if (v->msg->nwords < 8 || v->msg->ncaps < 2)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (!rotate_slots(m, dslot, v, &sslot, &pslot, r))
		return;
	src = mtree_at(m, sslot);
	piv = mtree_at(m, pslot);
	sc = src->cap;
	pc = piv->cap;
	if (!mcap_update_data(&sc, true, w[5]) || !mcap_update_data(&pc, true, w[2]))
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	src->cap = sc;
	piv->cap = pc;
	if (sslot == dslot) {
		mtree_swap(m, sslot, pslot);
	} else {
		mtree_move(m, piv, dslot);
		mtree_move(m, src, pslot);
	}
	mres_err0(r, KMM_OK);
}

void mcnode_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	uint64_t dslot;
	struct mnode *d;

	if (msg->label < KMM_CNODE_REVOKE || msg->label > KMM_CNODE_SAVE_CALLER)
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 2)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (!mlookup_target(m, &v->target->cap, msg->words[0], msg->words[1], false, &dslot, r))
		return;
	d = mtree_at(m, dslot);
	switch (msg->label) {
	case KMM_CNODE_REVOKE:
		mdelete_revoke(m, dslot);
		return mres_err0(r, KMM_OK);
	case KMM_CNODE_DELETE:
		mdelete_slot(m, dslot, true);
		return mres_err0(r, KMM_OK);
	case KMM_CNODE_CANCEL_BADGED_SENDS:
		if (d == NULL || d->cap.type != KMM_CAP_TYPE_ENDPOINT ||
		    d->cap.rights != KMM_RIGHTS_ALL)
			return mres_err0(r, KMM_ILLEGAL_OPERATION);
		return mres_err0(r, KMM_OK);
	case KMM_CNODE_SAVE_CALLER:
		return mres_err0(r, d != NULL ? KMM_DELETE_FIRST : KMM_OK);
	case KMM_CNODE_ROTATE:
		return rotate(m, dslot, v, r);
	default:
		return copy_like(m, dslot, v, r);
	}
}

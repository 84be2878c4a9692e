/*
 * CNode invocations (reference b.2 to b.5).  The invoked CNode cap is the
 * root for the destination (words 0 and 1); extra caps are the roots for
 * source and pivot.  Decode checks in the reference order and changes
 * nothing; invoke is a list operation that cannot fail, or a delete or
 * revoke that may stop at a preemption point and be restarted.
 */
#include "invocations.h"
#include "objecttype.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/lookup.h"

struct cnode_op {
	uint64_t label;
	struct slot *dest, *src, *pivot;
	struct cap dest_cap;   /* the cap that lands in dest (copy, move) */
	struct cap pivot_cap;  /* rotate: the cap that lands in pivot */
};

static enum kmm_error missing(struct kerr *e, bool source, uint64_t depth)
{
	struct lookup_fault f = { KMM_LOOKUP_MISSING_CAPABILITY, depth, 0, 0 };

	return kerr_lookup(e, source, &f);
}

/* The new cap for Copy, Mint, Move or Mutate (step 5 of b.3). */
static enum kmm_error decode_new_cap(const struct kmm_msg *m, const struct slot *src,
				     struct cap *out, struct kerr *e)
{
	struct cap c = src->cap;

	switch (m->label) {
	case KMM_CNODE_COPY:
		if (m->nwords < 5)
			return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
		return cap_derive(src, cap_mask_rights(m->words[4], c), out, e);
	case KMM_CNODE_MINT:
		if (m->nwords < 6)
			return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
		c = cap_update_data(false, m->words[5], cap_mask_rights(m->words[4], c));
		return cap_derive(src, c, out, e);
	case KMM_CNODE_MUTATE:
		if (m->nwords < 5)
			return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
		*out = cap_update_data(true, m->words[4], c);
		return KMM_OK;
	default:  /* move */
		*out = c;
		return KMM_OK;
	}
}

/* Copy, Mint, Move, Mutate: b.3 steps 1 to 6. */
static enum kmm_error decode_copy(const struct invocation *inv, struct cnode_op *op,
				  struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	enum kmm_error err;

	if (m->nwords < 4 || inv->nextra < 1)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	if (!slot_is_empty(op->dest))
		return kerr_plain(e, KMM_DELETE_FIRST);
	err = lookup_slot_for_op(&inv->extra[0]->cap, m->words[2], m->words[3], true,
				 &op->src, e);
	if (err)
		return err;
	if (slot_is_empty(op->src))
		return missing(e, true, m->words[3]);
	if ((err = decode_new_cap(m, op->src, &op->dest_cap, e)))
		return err;
	if (cap_is_null(&op->dest_cap))
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	return KMM_OK;
}

/* Rotate: b.4.  Words: dest, dest depth, dest data, pivot, pivot depth,
 * pivot data, src, src depth; extra caps: pivot root, src root. */
static enum kmm_error decode_rotate(const struct invocation *inv, struct cnode_op *op,
				    struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	enum kmm_error err;

	if (m->nwords < 8 || inv->nextra < 2)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	err = lookup_slot_for_op(&inv->extra[1]->cap, m->words[6], m->words[7], true,
				 &op->src, e);
	if (err)
		return err;
	err = lookup_slot_for_op(&inv->extra[0]->cap, m->words[3], m->words[4], true,
				 &op->pivot, e);
	if (err)
		return err;
	if (op->pivot == op->src || op->pivot == op->dest)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (op->src != op->dest && !slot_is_empty(op->dest))
		return kerr_plain(e, KMM_DELETE_FIRST);
	if (slot_is_empty(op->src))
		return missing(e, true, m->words[7]);
	if (slot_is_empty(op->pivot))
		return missing(e, false, m->words[4]);
	op->pivot_cap = cap_update_data(true, m->words[5], op->src->cap);
	op->dest_cap = cap_update_data(true, m->words[2], op->pivot->cap);
	if (cap_is_null(&op->pivot_cap) || cap_is_null(&op->dest_cap))
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	return KMM_OK;
}

static bool has_cancel_send_rights(const struct cap *c)
{
	return cap_type(c) == KMM_CAP_TYPE_ENDPOINT && cap_ep_rights(c) == KMM_RIGHTS_ALL;
}

/* b.2 then the per-label checks.  Changes nothing. */
static enum kmm_error decode_cnode(const struct invocation *inv, struct cnode_op *op,
				   struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	enum kmm_error err;

	op->label = m->label;
	if (m->label < KMM_CNODE_REVOKE || m->label > KMM_CNODE_SAVE_CALLER)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (m->nwords < 2)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	err = lookup_slot_for_op(&inv->slot->cap, m->words[0], m->words[1], false,
				 &op->dest, e);
	if (err)
		return err;
	switch (m->label) {
	case KMM_CNODE_COPY:
	case KMM_CNODE_MINT:
	case KMM_CNODE_MOVE:
	case KMM_CNODE_MUTATE:
		return decode_copy(inv, op, e);
	case KMM_CNODE_ROTATE:
		return decode_rotate(inv, op, e);
	case KMM_CNODE_SAVE_CALLER:
		return slot_is_empty(op->dest) ? KMM_OK : kerr_plain(e, KMM_DELETE_FIRST);
	case KMM_CNODE_CANCEL_BADGED_SENDS:
		return has_cancel_send_rights(&op->dest->cap) ?
		       KMM_OK : kerr_plain(e, KMM_ILLEGAL_OPERATION);
	default:  /* revoke, delete */
		return KMM_OK;
	}
}

static enum kstatus cnode_invoke(const struct cnode_op *op)
{
	switch (op->label) {
	case KMM_CNODE_COPY:
	case KMM_CNODE_MINT:
		cdt_insert(op->dest_cap, op->src, op->dest);
		return KSTATUS_DONE;
	case KMM_CNODE_MOVE:
	case KMM_CNODE_MUTATE:
		cdt_move(op->dest_cap, op->src, op->dest);
		return KSTATUS_DONE;
	case KMM_CNODE_ROTATE:
		if (op->src == op->dest) {
			cdt_swap(op->pivot_cap, op->src, op->dest_cap, op->pivot);
		} else {
			cdt_move(op->dest_cap, op->pivot, op->dest);
			cdt_move(op->pivot_cap, op->src, op->pivot);
		}
		return KSTATUS_DONE;
	case KMM_CNODE_REVOKE:
		return cspace_revoke(op->dest);
	case KMM_CNODE_DELETE:
		return cspace_delete(op->dest, true);
	default:  /* save caller, cancel badged sends: no IPC state to act on */
		return KSTATUS_DONE;
	}
}

enum kmm_error cnode_invocation(const struct invocation *inv, struct kerr *e,
				enum kstatus *status)
{
	struct cnode_op op = { 0 };
	enum kmm_error err = decode_cnode(inv, &op, e);

	if (err)
		return err;
	*status = cnode_invoke(&op);
	return KMM_OK;
}

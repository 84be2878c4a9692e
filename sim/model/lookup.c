/*
 * CSpace addressing (b.1): resolving bits of a cptr through guarded
 * CNodes, the depth-limited "target slot" lookup of the CNode operations,
 * and the full-word lookup of invoked and extra caps.
 */
#include "model_int.h"

static uint64_t low_bits(uint64_t v, unsigned n)
{
	return n >= 64 ? v : v & ((1ull << n) - 1);
}

/*
 * Resolve n bits of cptr from CNode cap c: true with the slot and the bits
 * left (resolution stops early at a slot that holds no CNode), else false
 * and the failure in *f.
 */
bool mlookup_resolve(struct model *m, const struct mcap *c, uint64_t cptr, unsigned n,
		     uint64_t *slot, unsigned *left, struct lfail *f)
{
	for (;;) {
		unsigned gs = c->guard_size, level = c->guard_size + c->radix;
		uint64_t guard = gs == 0 || gs > n ? 0 : low_bits(cptr >> (n - gs), gs);
		struct mnode *next;

		if (gs > n || guard != c->guard) {
			*f = (struct lfail){ KMM_LOOKUP_GUARD_MISMATCH, 3, { n, c->guard, gs } };
			return false;
		}
		if (level > n) {
			*f = (struct lfail){ KMM_LOOKUP_DEPTH_MISMATCH, 2, { n, level } };
			return false;
		}
		if (level == 0)
			g_error("model: a CNode cap with radix and guard size 0");
		*slot = c->paddr + low_bits(cptr >> (n - level), c->radix) * SLOT_BYTES;
		n -= level;
		*left = n;
		next = mtree_at(m, *slot);
		if (n == 0 || next == NULL || next->cap.type != KMM_CAP_TYPE_CNODE)
			return true;
		c = &next->cap;
	}
}

/* Target-slot lookup (index, depth) from root: true and *slot, else the error in *r. */
bool mlookup_target(struct model *m, const struct mcap *root, uint64_t index, uint64_t depth,
		    bool source, uint64_t *slot, struct kmm_result *r)
{
	struct lfail f;
	unsigned left;

	if (root->type != KMM_CAP_TYPE_CNODE) {
		f = (struct lfail){ KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };
		mres_failed_lookup(r, source, &f);
		return false;
	}
	if (depth < 1 || depth > 64) {
		mres_range(r, 1, 64);
		return false;
	}
	if (!mlookup_resolve(m, root, index, (unsigned)depth, slot, &left, &f)) {
		mres_failed_lookup(r, source, &f);
		return false;
	}
	if (left != 0) {
		f = (struct lfail){ KMM_LOOKUP_DEPTH_MISMATCH, 2, { left, 0 } };
		mres_failed_lookup(r, source, &f);
		return false;
	}
	return true;
}

/* An invocation's lookup of cptr in the CSpace of the thread whose TCB is at tcb. */
bool mlookup_cptr(struct model *m, uint64_t tcb, uint64_t cptr, uint64_t *slot,
		  struct lfail *f)
{
	const struct mcap *root = mtree_cap(m, tcb + TCB_CTABLE * SLOT_BYTES);
	unsigned left;

	if (root->type != KMM_CAP_TYPE_CNODE) {
		*f = (struct lfail){ KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };
		return false;
	}
	return mlookup_resolve(m, root, cptr, 64, slot, &left, f);
}

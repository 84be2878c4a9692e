/*
 * CSpace addressing (reference b.1).  A cptr is read from its most
 * significant resolved bit down: at each CNode, first the guard, then
 * radix bits of index.  Resolution stops when the bits run out, or early
 * at a slot that holds anything but a CNode cap (the leftover bits are the
 * caller's business: invocation lookups ignore them, CNode-operation
 * lookups call them a depth mismatch).
 */
#include "lookup.h"
#include "../object/invocations.h"

static struct resolve_ret fault(enum kmm_lookup_fault kind, unsigned bits_left,
				uint64_t a, uint64_t b)
{
	struct resolve_ret r = { 0 };

	r.fault.kind = kind;
	r.fault.bits_left = bits_left;
	r.fault.a = a;
	r.fault.b = b;
	r.bits_left = bits_left;
	return r;
}

struct resolve_ret lookup_resolve(const struct cap *root, uint64_t cptr, unsigned nbits)
{
	struct cap node = *root;
	struct resolve_ret r = { 0 };

	if (cap_type(&node) != KMM_CAP_TYPE_CNODE)
		return fault(KMM_LOOKUP_INVALID_ROOT, nbits, 0, 0);
	for (;;) {
		unsigned radix = cap_cnode_radix(&node);
		unsigned gbits = cap_cnode_guard_size(&node);
		unsigned level = radix + gbits;
		uint64_t guard = cap_cnode_guard(&node);
		struct slot *s;

		kassert(level != 0 && nbits <= 64);
		/* The & 63 keeps the shift defined when nbits is 64 and gbits 0. */
		if (gbits > nbits ||
		    ((cptr >> ((nbits - gbits) & 63)) & mask_bits(gbits)) != guard)
			return fault(KMM_LOOKUP_GUARD_MISMATCH, nbits, guard, gbits);
		if (level > nbits)
			return fault(KMM_LOOKUP_DEPTH_MISMATCH, nbits, level, 0);
		s = slot_index(cap_cnode_paddr(&node),
			       (cptr >> ((nbits - level) & 63)) & mask_bits(radix));
		nbits -= level;
		if (nbits == 0 || cap_type(&s->cap) != KMM_CAP_TYPE_CNODE) {
			r.slot = s;
			r.bits_left = nbits;
			return r;
		}
		node = s->cap;
	}
}

struct resolve_ret lookup_invocation(uint64_t tcb_paddr, uint64_t cptr)
{
	struct slot *root = tcb_slot(tcb_paddr, TCB_CTABLE);

	return lookup_resolve(&root->cap, cptr, KMM_WORD_BITS);
}

enum kmm_error lookup_slot_for_op(const struct cap *root, uint64_t index, uint64_t depth,
				  bool source, struct slot **out, struct kerr *e)
{
	struct resolve_ret r;
	struct lookup_fault f = { 0 };

	if (cap_type(root) != KMM_CAP_TYPE_CNODE) {
		f.kind = KMM_LOOKUP_INVALID_ROOT;
		return kerr_lookup(e, source, &f);
	}
	if (depth < 1 || depth > KMM_WORD_BITS)
		return kerr_range(e, 1, KMM_WORD_BITS);
	r = lookup_resolve(root, index, (unsigned)depth);
	if (!r.slot)
		return kerr_lookup(e, source, &r.fault);
	if (r.bits_left != 0) {
		f.kind = KMM_LOOKUP_DEPTH_MISMATCH;
		f.bits_left = r.bits_left;
		f.a = 0;
		return kerr_lookup(e, source, &f);
	}
	*out = r.slot;
	return KMM_OK;
}

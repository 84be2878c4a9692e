/*
 * The capability derivation tree, kept as seL4 keeps it: not as a tree but
 * as one doubly linked list through every non-empty slot, in which a
 * cap's descendants are the run of nodes right after it that pass the
 * parent test (cdt_is_parent).  kmm adds a sentinel slot, owned by the
 * kernel and never visible to users, at the head of the list, so that the
 * whole list can be walked from one known place.
 *
 * Invariants this file keeps (the checker tests them as "2.cdt.*"):
 *  (1) links are symmetric: next(prev(s)) == s and prev(next(s)) == s;
 *      only the sentinel has no prev;
 *  (2) a slot is on the list iff its cap is not null; a null slot has
 *      zero link words;
 *  (3) all caps to one object form a contiguous run of the list
 *      (so "final" can be decided from the two neighbours);
 *  (4) a child follows its parent: insert puts a new cap directly after
 *      its source, retype directly after the untyped;
 *  (5) untyped caps are always revocable.
 */
#include "cdt.h"
#include "../object/objecttype.h"

static struct slot *sentinel;

void cdt_init(struct slot *s)
{
	sentinel = s;
	s->cap = cap_null();
	s->mdb.m0 = 0;
	s->mdb.m1 = 0;
}

struct slot *cdt_sentinel(void)
{
	return sentinel;
}

static bool range_inside(uint64_t base_a, unsigned bits_a, uint64_t base_b, unsigned bits_b)
{
	uint64_t top_a = base_a + mask_bits(bits_a);
	uint64_t top_b = base_b + mask_bits(bits_b);

	return base_a <= base_b && top_b <= top_a && base_b <= top_b;
}

/*
 * seL4's sameRegionAs: does a's authority cover b's object?  Asymmetric
 * for untyped (b anywhere inside a) and frames (b's frame inside a's).
 */
bool cdt_same_region(const struct cap *a, const struct cap *b)
{
	enum kmm_cap_type ta = cap_type(a), tb = cap_type(b);

	switch (ta) {
	case KMM_CAP_TYPE_UNTYPED:
		return cap_has_memory(b) &&
		       range_inside(cap_untyped_paddr(a), cap_untyped_size_bits(a),
				    cap_object_paddr(b), cap_object_size_bits(b));
	case KMM_CAP_TYPE_FRAME:
		return tb == KMM_CAP_TYPE_FRAME &&
		       range_inside(cap_frame_paddr(a), cap_object_size_bits(a),
				    cap_frame_paddr(b), cap_object_size_bits(b));
	case KMM_CAP_TYPE_CNODE:
		return tb == ta && cap_cnode_paddr(a) == cap_cnode_paddr(b) &&
		       cap_cnode_radix(a) == cap_cnode_radix(b);
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
	case KMM_CAP_TYPE_TCB:
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4:
	case KMM_CAP_TYPE_ASID_POOL:
		return tb == ta && cap_object_paddr(a) == cap_object_paddr(b);
	case KMM_CAP_TYPE_ASID_CONTROL:
		return tb == ta;
	default:
		return false;
	}
}

/*
 * seL4's sameObjectAs: used for "final".  Untyped caps are never the same
 * object as anything; frames must match exactly.
 */
bool cdt_same_object(const struct cap *a, const struct cap *b)
{
	if (cap_type(a) == KMM_CAP_TYPE_UNTYPED)
		return false;
	if (cap_type(a) == KMM_CAP_TYPE_FRAME && cap_type(b) == KMM_CAP_TYPE_FRAME)
		return cap_frame_paddr(a) == cap_frame_paddr(b) &&
		       cap_frame_size(a) == cap_frame_size(b) &&
		       cap_frame_device(a) == cap_frame_device(b);
	return cdt_same_region(a, b);
}

static bool is_badged_type(enum kmm_cap_type t)
{
	return t == KMM_CAP_TYPE_ENDPOINT || t == KMM_CAP_TYPE_NOTIFICATION;
}

/* seL4's isMDBParentOf, for a node a and a node b somewhere after it. */
bool cdt_is_parent(const struct slot *a, const struct slot *b)
{
	uint64_t badge;

	if (!mdb_revocable(a) || !cdt_same_region(&a->cap, &b->cap))
		return false;
	if (!is_badged_type(cap_type(&a->cap)))
		return true;
	badge = cap_ep_badge(&a->cap);
	if (badge == 0)
		return true;
	return badge == cap_ep_badge(&b->cap) && !mdb_first_badged(b);
}

/* The negation of seL4's ensureNoChildren. */
bool cdt_has_children(const struct slot *s)
{
	const struct slot *next = mdb_next(s);

	return next && cdt_is_parent(s, next);
}

/* Invariant (3) makes the neighbours enough to decide finality. */
bool cdt_is_final(const struct slot *s)
{
	const struct slot *prev = mdb_prev(s), *next = mdb_next(s);

	if (prev && cdt_same_object(&prev->cap, &s->cap))
		return false;
	return !(next && cdt_same_object(&s->cap, &next->cap));
}

static void link_after(struct slot *pos, struct slot *dest, bool revocable)
{
	struct slot *next = mdb_next(pos);

	dest->mdb.m0 = slot_paddr(pos) | (uint64_t)revocable;
	dest->mdb.m1 = slot_paddr(next) | (uint64_t)revocable;
	mdb_set_next(pos, dest);
	if (next)
		mdb_set_prev(next, dest);
}

/*
 * seL4's cteInsert: c, derived from the cap in src, goes into the empty
 * slot dest directly after src.  Making an untyped copy of an untyped
 * marks the source full, so that all further allocation goes through the
 * copy (reference a.9).
 */
void cdt_insert(struct cap c, struct slot *src, struct slot *dest)
{
	kassert(slot_is_empty(dest) && dest->mdb.m0 == 0 && dest->mdb.m1 == 0);
	kassert(!slot_is_empty(src));
	if (cap_type(&c) == KMM_CAP_TYPE_UNTYPED &&
	    cap_type(&src->cap) == KMM_CAP_TYPE_UNTYPED &&
	    cap_untyped_paddr(&c) == cap_untyped_paddr(&src->cap) &&
	    cap_untyped_size_bits(&c) == cap_untyped_size_bits(&src->cap))
		cap_set_untyped_free_index(&src->cap,
			bit(cap_untyped_size_bits(&src->cap) - KMM_MIN_UNTYPED_BITS));
	dest->cap = c;
	link_after(src, dest, cap_is_revocable(&c, &src->cap));
}

/* Retype's insert: revocable and first-badged, right after the untyped. */
void cdt_insert_new_object(struct slot *parent, struct slot *dest, struct cap c)
{
	kassert(slot_is_empty(dest) && dest->mdb.m0 == 0 && dest->mdb.m1 == 0);
	dest->cap = c;
	link_after(parent, dest, true);
}

/* Boot caps are revocable and first-badged; they go to the end of the list. */
void cdt_insert_boot(struct slot *dest, struct cap c)
{
	struct slot *tail = sentinel;

	while (mdb_next(tail))
		tail = mdb_next(tail);
	dest->cap = c;
	link_after(tail, dest, true);
}

/* seL4's cteMove: dest takes over src's list position and flags. */
void cdt_move(struct cap c, struct slot *src, struct slot *dest)
{
	struct slot *prev, *next;

	kassert(slot_is_empty(dest) && src != dest);
	dest->cap = c;
	dest->mdb = src->mdb;
	src->cap = cap_null();
	src->mdb.m0 = 0;
	src->mdb.m1 = 0;
	prev = mdb_prev(dest);
	next = mdb_next(dest);
	kassert(prev);
	mdb_set_next(prev, dest);
	if (next)
		mdb_set_prev(next, dest);
}

/*
 * seL4's cteSwap: s1 gets c2 and s2's node, s2 gets c1 and s1's node.
 * The neighbour fix-ups are ordered so that adjacent slots come out right.
 */
void cdt_swap(struct cap c1, struct slot *s1, struct cap c2, struct slot *s2)
{
	struct mdb m1, m2;
	struct slot *p, *n;

	s1->cap = c2;
	s2->cap = c1;
	m1 = s1->mdb;
	if ((p = mdb_prev(s1)))
		mdb_set_next(p, s2);
	if ((n = mdb_next(s1)))
		mdb_set_prev(n, s2);
	m2 = s2->mdb;
	s1->mdb = m2;
	s2->mdb = m1;
	if ((p = mdb_prev(s1)))
		mdb_set_next(p, s1);
	if ((n = mdb_next(s1)))
		mdb_set_prev(n, s1);
}

/*
 * The list part of seL4's emptySlot.  The next node inherits first_badged
 * so that the remaining copies of a badge group are not adopted by an
 * earlier original with the same badge.
 */
void cdt_empty_slot(struct slot *s)
{
	struct slot *prev, *next;

	if (slot_is_empty(s))
		return;
	prev = mdb_prev(s);
	next = mdb_next(s);
	kassert(prev);
	mdb_set_next(prev, next);
	if (next) {
		mdb_set_prev(next, prev);
		mdb_set_first_badged(next, mdb_first_badged(next) || mdb_first_badged(s));
	}
	s->cap = cap_null();
	s->mdb.m0 = 0;
	s->mdb.m1 = 0;
}

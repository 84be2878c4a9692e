/*
 * Deleting and revoking caps (reference b.5, b.7, b.8), the way seL4 does
 * it, so that destroying a CNode full of caps - including CNodes that hold
 * caps to themselves or to each other - needs no unbounded recursion and
 * can be preempted and restarted at any slot.
 *
 * Deleting the last cap to a CNode (or TCB) turns the cap into a zombie:
 * a cap that stands for "this object's slots [0, count) still need
 * emptying".  An exposed delete (one a user asked for) empties the last
 * remaining slot, counts down, and takes a preemption point; the count in
 * the zombie is the progress that survives a restart.  A delete nested
 * inside that one (non-exposed) never recurses a second time: if it meets
 * another final CNode it swaps the new zombie into slot 0 of the CNode it
 * covers, where it becomes unreachable and refers to itself.  Revoking
 * the untyped the CNode came from finds it in the derivation list and
 * finishes the job.  Recursion depth is therefore at most two.
 *
 * Invariants (the checker's "2.cdt.*"):
 *  (1) a zombie's count never exceeds its object's slot count;
 *  (2) a cyclic zombie (one that lives in slot 0 of its own object) is
 *      only ever reduced by an exposed delete;
 *  (3) revoke removes the descendants of a slot newest first and never
 *      the slot itself.
 *
 * Slot lifecycle:
 *
 *   cap --finalise (not final)--> empty
 *   cap --finalise (final CNode/TCB)--> zombie(n) --reduce--> zombie(n-1)
 *        ... --> zombie(0), or zombie(1) in its own slot 0 --> empty
 */
#include "cspace.h"
#include "cdt.h"
#include "preempt.h"
#include "../object/objecttype.h"

struct finalise_ret {
	enum kstatus status;
	bool success;   /* false: left as a cyclic zombie for later */
};

static enum kstatus slot_delete(struct slot *s, bool exposed);

static bool zombie_removable(const struct cap *c, const struct slot *s)
{
	uint64_t n;

	if (cap_is_null(c))
		return true;
	kassert(cap_type(c) == KMM_CAP_TYPE_ZOMBIE);
	n = cap_zombie_count(c);
	return n == 0 || (n == 1 && slot_at(cap_zombie_paddr(c)) == s);
}

static bool zombie_cyclic(const struct cap *c, const struct slot *s)
{
	return cap_type(c) == KMM_CAP_TYPE_ZOMBIE && slot_at(cap_zombie_paddr(c)) == s;
}

/* Exposed reduction: empty the zombie's last live slot, then count down. */
static enum kstatus reduce_exposed(struct slot *s)
{
	uint64_t ptr = cap_zombie_paddr(&s->cap);
	uint64_t n = cap_zombie_count(&s->cap);
	unsigned radix = (unsigned)cap_zombie_radix(&s->cap);
	struct slot *end = slot_index(ptr, n - 1);

	if (slot_delete(end, false) == KSTATUS_PREEMPTED)
		return KSTATUS_PREEMPTED;
	if (cap_is_null(&s->cap))
		return KSTATUS_DONE;
	kassert(cap_type(&s->cap) == KMM_CAP_TYPE_ZOMBIE);
	if (cap_zombie_paddr(&s->cap) == ptr && cap_zombie_count(&s->cap) == n &&
	    cap_zombie_radix(&s->cap) == radix) {
		kassert(slot_is_empty(end));
		cap_set_zombie_count(&s->cap, n - 1);
	} else {
		/* The slot's zombie was swapped for one that covers s itself. */
		kassert(slot_at(cap_zombie_paddr(&s->cap)) == s && slot_at(ptr) != s);
	}
	return KSTATUS_DONE;
}

/* Non-exposed reduction: park the zombie in slot 0 of its own object. */
static void reduce_unexposed(struct slot *s)
{
	struct slot *first = slot_at(cap_zombie_paddr(&s->cap));

	kassert(first != s);
	if (cap_type(&first->cap) == KMM_CAP_TYPE_ZOMBIE)
		kassert(slot_at(cap_zombie_paddr(&first->cap)) != first);
	cdt_swap(first->cap, first, s->cap, s);
}

/* seL4's finaliseSlot: loop until the slot's cap is gone or parked. */
static struct finalise_ret finalise_slot(struct slot *s, bool exposed)
{
	struct finalise_ret r = { KSTATUS_DONE, true };

	while (!slot_is_empty(s)) {
		struct cap rest = object_finalise(s->cap, cdt_is_final(s));

		if (zombie_removable(&rest, s))
			return r;
		s->cap = rest;
		if (!exposed && zombie_cyclic(&rest, s)) {
			r.success = false;
			return r;
		}
		if (exposed) {
			if (reduce_exposed(s) == KSTATUS_PREEMPTED)
				goto preempted;
		} else {
			reduce_unexposed(s);
		}
		if (preempt_point() == KSTATUS_PREEMPTED)
			goto preempted;
	}
	return r;
preempted:
	r.status = KSTATUS_PREEMPTED;
	r.success = false;
	return r;
}

static enum kstatus slot_delete(struct slot *s, bool exposed)
{
	struct finalise_ret r = finalise_slot(s, exposed);

	if (r.status == KSTATUS_PREEMPTED)
		return KSTATUS_PREEMPTED;
	if (exposed || r.success)
		cdt_empty_slot(s);
	return KSTATUS_DONE;
}

/*
 * Delete the cap in s.  exposed: a user asked for it (a nested delete of
 * a slot inside an object being destroyed is not exposed).  An empty slot
 * is a no-op.  May stop at a preemption point; calling again resumes.
 */
enum kstatus cspace_delete(struct slot *s, bool exposed)
{
	return slot_delete(s, exposed);
}

/*
 * Delete every descendant of s, newest first, with a preemption point
 * after each.  Progress lives in the derivation list itself.
 */
enum kstatus cspace_revoke(struct slot *s)
{
	struct slot *next;

	while ((next = mdb_next(s)) && cdt_is_parent(s, next)) {
		if (slot_delete(next, true) == KSTATUS_PREEMPTED)
			return KSTATUS_PREEMPTED;
		if (preempt_point() == KSTATUS_PREEMPTED)
			return KSTATUS_PREEMPTED;
	}
	return KSTATUS_DONE;
}

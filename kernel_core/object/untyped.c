/*
 * Untyped memory and Untyped_Retype (reference section a).
 *
 * An untyped cap owns a power-of-two region and a watermark, free_index,
 * counted in 16-byte granules from the base.  Retype carves objects at the
 * watermark, each aligned to its size; the gap skipped by alignment is
 * lost until the next reset.  Reset happens lazily: only inside a retype,
 * only when the untyped has no children, zeroing the used part from the
 * top down in 256-byte chunks with a preemption point after each.
 *
 * Invariants (the checker's "1.*" and "5.*"):
 *  (1) 16·free_index <= 2^size_bits;
 *  (2) every object carved from an untyped lies below its watermark,
 *      aligned to its own size, and is a derivation child of the untyped;
 *  (3) non-device memory above the watermark is zero, so a new object
 *      always starts from zeroed memory;
 *  (4) boot untypeds start "full", so the first retype zeroes them.
 *
 * Lifecycle of the watermark:
 *
 *     retype (has children)     retype (no children)
 *   fi ----------------> fi'    fi --reset--> 0 --carve--> fi'
 *                                  (chunked, preemptible: fi falls
 *                                   chunk by chunk, progress kept in fi)
 */
#include "invocations.h"
#include "objecttype.h"
#include "../kernel/cdt.h"
#include "../kernel/lookup.h"
#include "../kernel/preempt.h"

#define GRANULE_BITS KMM_MIN_UNTYPED_BITS

struct retype_args {
	struct slot *ut;
	bool reset;
	uint64_t base;        /* aligned physical start of the first object */
	enum kmm_object_type type;
	uint64_t user_size;
	struct slot *dest;    /* first destination slot */
	uint64_t count;
};

static uint64_t max_free_index(const struct cap *ut)
{
	return bit((unsigned)cap_untyped_size_bits(ut) - GRANULE_BITS);
}

/* Checks 3 to 7: the type and its size. */
static enum kmm_error decode_type(uint64_t type, uint64_t size, struct kerr *e)
{
	if (type >= KMM_OBJ_TYPE_COUNT)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 0);
	if (size >= KMM_WORD_BITS ||
	    object_size_bits((enum kmm_object_type)type, size) > KMM_MAX_UNTYPED_BITS)
		return kerr_range(e, 0, KMM_MAX_UNTYPED_BITS);
	if (type == KMM_OBJ_CNODE && size == 0)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 1);
	if (type == KMM_OBJ_UNTYPED && size < KMM_MIN_UNTYPED_BITS)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 1);
	return KMM_OK;
}

/* Checks 8 and 9: the destination CNode. */
static enum kmm_error decode_dest_node(const struct cap *root, uint64_t index,
				       uint64_t depth, struct cap *node, struct kerr *e)
{
	struct slot *s;
	struct lookup_fault f = { 0 };
	enum kmm_error err;

	if (depth == 0) {
		*node = *root;
	} else {
		err = lookup_slot_for_op(root, index, depth, false, &s, e);
		if (err)
			return err;
		*node = s->cap;
	}
	if (cap_type(node) != KMM_CAP_TYPE_CNODE) {
		f.kind = KMM_LOOKUP_MISSING_CAPABILITY;
		f.bits_left = depth;
		return kerr_lookup(e, false, &f);
	}
	return KMM_OK;
}

/* Checks 10 to 13: the destination window. */
static enum kmm_error decode_window(const struct cap *node, uint64_t offset, uint64_t count,
				    struct kerr *e)
{
	uint64_t slots = bit((unsigned)cap_cnode_radix(node));
	uint64_t i;

	if (offset > slots - 1)
		return kerr_range(e, 0, slots - 1);
	if (count < 1 || count > KMM_RETYPE_FAN_OUT_LIMIT)
		return kerr_range(e, 1, KMM_RETYPE_FAN_OUT_LIMIT);
	if (count > slots - offset)
		return kerr_range(e, 1, slots - offset);
	for (i = 0; i < count; i++)
		if (!slot_is_empty(slot_index(cap_cnode_paddr(node), offset + i)))
			return kerr_plain(e, KMM_DELETE_FIRST);
	return KMM_OK;
}

/* Checks 14 to 16: where to carve, whether it fits, the device rule. */
static enum kmm_error decode_space(struct retype_args *a, struct kerr *e)
{
	const struct cap *ut = &a->ut->cap;
	uint64_t free_index, free_bytes;
	unsigned obj_bits = object_size_bits(a->type, a->user_size);

	a->reset = !cdt_has_children(a->ut);
	free_index = a->reset ? 0 : cap_untyped_free_index(ut);
	free_bytes = bit((unsigned)cap_untyped_size_bits(ut)) - (free_index << GRANULE_BITS);
	if ((free_bytes >> obj_bits) < a->count)
		return kerr_memory(e, free_bytes);
	if (cap_untyped_device(ut) && !cap_is_frame_object(a->type) &&
	    a->type != KMM_OBJ_UNTYPED)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 1);
	a->base = align_up(cap_untyped_paddr(ut) + (free_index << GRANULE_BITS), obj_bits);
	return KMM_OK;
}

/* The 17 checks of reference a.3, in order.  Changes nothing. */
static enum kmm_error decode_retype(const struct invocation *inv, struct retype_args *a,
				    struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	struct cap node;
	enum kmm_error err;

	if (m->label != KMM_UNTYPED_RETYPE)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (m->nwords < 6 || inv->nextra < 1)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	if ((err = decode_type(m->words[0], m->words[1], e)))
		return err;
	if ((err = decode_dest_node(&inv->extra[0]->cap, m->words[2], m->words[3], &node, e)))
		return err;
	if ((err = decode_window(&node, m->words[4], m->words[5], e)))
		return err;
	a->ut = inv->slot;
	a->type = (enum kmm_object_type)m->words[0];
	a->user_size = m->words[1];
	a->dest = slot_index(cap_cnode_paddr(&node), m->words[4]);
	a->count = m->words[5];
	return decode_space(a, e);
}

/*
 * Zero the used part of a childless untyped and bring its watermark to 0.
 * Small or device untypeds go in one step; others from the top down, one
 * chunk per preemption point, the watermark recording the progress.
 */
static enum kstatus untyped_reset(struct slot *ut)
{
	struct cap *c = &ut->cap;
	uint64_t base = cap_untyped_paddr(c);
	unsigned size_bits = (unsigned)cap_untyped_size_bits(c);
	uint64_t used = cap_untyped_free_index(c) << GRANULE_BITS;
	uint64_t off;

	if (used == 0)
		return KSTATUS_DONE;
	if (cap_untyped_device(c) || size_bits < KMM_RESET_CHUNK_BITS) {
		if (!cap_untyped_device(c))
			hal_memory_zero(base, bit(size_bits));
		cap_set_untyped_free_index(c, 0);
		return KSTATUS_DONE;
	}
	off = (used - 1) & ~mask_bits(KMM_RESET_CHUNK_BITS);
	for (;;) {
		hal_memory_zero(base + off, bit(KMM_RESET_CHUNK_BITS));
		cap_set_untyped_free_index(c, off >> GRANULE_BITS);
		if (preempt_point() == KSTATUS_PREEMPTED)
			return KSTATUS_PREEMPTED;
		if (off == 0)
			return KSTATUS_DONE;
		off -= bit(KMM_RESET_CHUNK_BITS);
	}
}

/*
 * Perform a decoded retype.  The watermark moves before the objects are
 * made, and each new cap goes directly after the untyped in the list.
 */
static enum kstatus untyped_retype(const struct retype_args *a)
{
	unsigned obj_bits = object_size_bits(a->type, a->user_size);
	bool device = cap_untyped_device(&a->ut->cap);
	uint64_t end = a->base + (a->count << obj_bits);
	uint64_t i;

	if (a->reset && untyped_reset(a->ut) == KSTATUS_PREEMPTED)
		return KSTATUS_PREEMPTED;
	cap_set_untyped_free_index(&a->ut->cap,
		(end - cap_untyped_paddr(&a->ut->cap)) >> GRANULE_BITS);
	kassert(cap_untyped_free_index(&a->ut->cap) <= max_free_index(&a->ut->cap));
	for (i = 0; i < a->count; i++) {
		struct cap c = object_create(a->type, a->base + (i << obj_bits), a->user_size,
					     device);
		cdt_insert_new_object(a->ut, a->dest + i, c);
	}
	return KSTATUS_DONE;
}

enum kmm_error untyped_invocation(const struct invocation *inv, struct kerr *e,
				  enum kstatus *status)
{
	struct retype_args a = { 0 };
	enum kmm_error err = decode_retype(inv, &a, e);

	if (err)
		return err;
	*status = untyped_retype(&a);
	return KMM_OK;
}

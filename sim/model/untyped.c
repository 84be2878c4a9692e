/*
 * Untyped_Retype (a.3 - a.5): the checks in the reference's order, then
 * the watermark, alignment and placement, and the new objects' caps as
 * children of the untyped (each inserted directly after it).
 */
#include "model_int.h"

/* a.7: log2 of the object's size; false if out of range (check a.3.4). */
static bool obj_size(uint64_t type, uint64_t user, uint64_t *bits)
{
	static const uint8_t fixed[KMM_OBJ_TYPE_COUNT] = {
		[KMM_OBJ_TCB] = KMM_TCB_BITS, [KMM_OBJ_ENDPOINT] = KMM_ENDPOINT_BITS,
		[KMM_OBJ_NOTIFICATION] = KMM_NOTIFICATION_BITS, [KMM_OBJ_PDPT] = KMM_TABLE_BITS,
		[KMM_OBJ_PML4] = KMM_TABLE_BITS, [KMM_OBJ_HUGE_PAGE] = KMM_HUGE_PAGE_BITS,
		[KMM_OBJ_4K_PAGE] = KMM_PAGE_BITS, [KMM_OBJ_LARGE_PAGE] = KMM_LARGE_PAGE_BITS,
		[KMM_OBJ_PAGE_TABLE] = KMM_TABLE_BITS, [KMM_OBJ_PAGE_DIRECTORY] = KMM_TABLE_BITS,
	};

	if (type == KMM_OBJ_UNTYPED)
		*bits = user;
	else if (type == KMM_OBJ_CNODE)
		*bits = KMM_SLOT_BITS + user;
	else
		*bits = fixed[type];
	return user < 64 && *bits <= KMM_MAX_UNTYPED_BITS;
}

static bool frame_type(uint64_t t)
{
	return t == KMM_OBJ_4K_PAGE || t == KMM_OBJ_LARGE_PAGE || t == KMM_OBJ_HUGE_PAGE;
}

static enum kmm_cap_type cap_type(uint64_t type)
{
	static const uint8_t types[KMM_OBJ_TYPE_COUNT] = {
		[KMM_OBJ_UNTYPED] = KMM_CAP_TYPE_UNTYPED, [KMM_OBJ_TCB] = KMM_CAP_TYPE_TCB,
		[KMM_OBJ_ENDPOINT] = KMM_CAP_TYPE_ENDPOINT,
		[KMM_OBJ_NOTIFICATION] = KMM_CAP_TYPE_NOTIFICATION,
		[KMM_OBJ_CNODE] = KMM_CAP_TYPE_CNODE, [KMM_OBJ_PDPT] = KMM_CAP_TYPE_PDPT,
		[KMM_OBJ_PML4] = KMM_CAP_TYPE_PML4, [KMM_OBJ_HUGE_PAGE] = KMM_CAP_TYPE_FRAME,
		[KMM_OBJ_4K_PAGE] = KMM_CAP_TYPE_FRAME, [KMM_OBJ_LARGE_PAGE] = KMM_CAP_TYPE_FRAME,
		[KMM_OBJ_PAGE_TABLE] = KMM_CAP_TYPE_PAGE_TABLE,
		[KMM_OBJ_PAGE_DIRECTORY] = KMM_CAP_TYPE_PAGE_DIRECTORY,
	};

	return types[type];
}

/* a.5: the new object's cap (full rights, unmapped, no ASID) and its initial state. */
static struct mcap new_object(struct model *m, uint64_t type, uint64_t paddr, uint64_t bits,
			      uint64_t user, bool device)
{
	struct mcap c = { .type = cap_type(type), .paddr = paddr, .size_bits = (uint32_t)bits,
			  .rights = KMM_RIGHTS_ALL };

	if (c.type == KMM_CAP_TYPE_UNTYPED || c.type == KMM_CAP_TYPE_FRAME)
		c.device = device;
	if (c.type == KMM_CAP_TYPE_NOTIFICATION)
		c.rights = KMM_RIGHT_READ | KMM_RIGHT_WRITE;  /* Send and Receive only */
	if (c.type == KMM_CAP_TYPE_CNODE)
		c.radix = (uint32_t)user;
	if (c.type == KMM_CAP_TYPE_FRAME) {
		c.vm_rights = KMM_VM_READ_WRITE;
		if (!device)
			mmem_forget(m, paddr, 1ull << bits);  /* made from zeroed memory */
	}
	if (c.type == KMM_CAP_TYPE_PML4 || mcap_is_table(&c))
		mvspace_table_new(m, paddr, mvspace_cap_level(&c));
	return c;
}

/* Checks a.3.3 - a.3.6: the type and size arguments. */
static bool check_type(uint64_t type, uint64_t user, uint64_t *bits, struct kmm_result *r)
{
	if (type >= KMM_OBJ_TYPE_COUNT) {
		mres_err1(r, KMM_INVALID_ARGUMENT, 0);
		return false;
	}
	if (!obj_size(type, user, bits)) {
		mres_range(r, 0, KMM_MAX_UNTYPED_BITS);
		return false;
	}
	if ((type == KMM_OBJ_CNODE && user == 0) ||
	    (type == KMM_OBJ_UNTYPED && user < KMM_MIN_UNTYPED_BITS)) {
		mres_err1(r, KMM_INVALID_ARGUMENT, 1);
		return false;
	}
	return true;
}

/* Checks a.3.8 - a.3.13: the destination CNode and its slots. */
static const struct mcap *check_dest(struct model *m, const struct minv *v,
				     struct kmm_result *r)
{
	const uint64_t *w = v->msg->words;
	uint64_t depth = w[3], off = w[4], count = w[5], node, slots;
	const struct mcap *dest = &v->excap[0];

	if (depth != 0) {
		if (!mlookup_target(m, &v->excap[0], w[2], depth, false, &node, r))
			return NULL;
		dest = mtree_cap(m, node);
	}
	if (dest->type != KMM_CAP_TYPE_CNODE) {
		mres_missing(r, false, depth);
		return NULL;
	}
	slots = 1ull << dest->radix;
	if (off > slots - 1)
		return mres_range(r, 0, slots - 1), NULL;
	if (count < 1 || count > KMM_RETYPE_FAN_OUT_LIMIT)
		return mres_range(r, 1, KMM_RETYPE_FAN_OUT_LIMIT), NULL;
	if (count > slots - off)
		return mres_range(r, 1, slots - off), NULL;
	for (uint64_t i = 0; i < count; i++) {
		if (mtree_at(m, dest->paddr + (off + i) * SLOT_BYTES) != NULL)
			return mres_err0(r, KMM_DELETE_FIRST), NULL;
	}
	return dest;
}

/* a.4, a.5: the watermark moves past the batch; each new cap goes right after ut. */
static void perform(struct model *m, struct mnode *ut, uint64_t cnode, uint64_t start,
		    uint64_t bits, const uint64_t *w)
{
	uint64_t type = w[0], user = w[1], off = w[4], count = w[5];
	uint64_t aligned = (start + (1ull << bits) - 1) & ~((1ull << bits) - 1);

	ut->cap.free_index = (aligned + count * (1ull << bits)) / 16;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t paddr = ut->cap.paddr + aligned + i * (1ull << bits);
		struct mcap c = new_object(m, type, paddr, bits, user, ut->cap.device);
		struct mnode *n = mtree_new(m, cnode + (off + i) * SLOT_BYTES, &c);

		n->revocable = n->first_badged = true;
		mtree_add_child_first(ut, n);
	}
}

void muntyped_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	struct mnode *ut = v->target;
	uint64_t bits, start, free;
	const struct mcap *dest;

	if (msg->label != KMM_UNTYPED_RETYPE)
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 6 || msg->ncaps < 1)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (!check_type(msg->words[0], msg->words[1], &bits, r))
		return;
	dest = check_dest(m, v, r);
	if (dest == NULL)
		return;
	/* a.4: no children means everything carved before is dead: start again at 0 */
	start = ut->children->len == 0 ? 0 : ut->cap.free_index * 16;
	free = (1ull << ut->cap.size_bits) - start;
	if ((free >> bits) < msg->words[5])
		return mres_err1(r, KMM_NOT_ENOUGH_MEMORY, free);
	if (ut->cap.device && !frame_type(msg->words[0]) && msg->words[0] != KMM_OBJ_UNTYPED)
		return mres_err1(r, KMM_INVALID_ARGUMENT, 1);
	perform(m, ut, dest->paddr, start, bits, msg->words);
	mres_err0(r, KMM_OK);
}

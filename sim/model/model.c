/*
 * The reference model (see model.h).  Written from the reference text
 * (sel4-semantics.md §0, §a, §b); section numbers in comments point there.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include <kmm/kernel.h>

#include "model.h"

#define SLOT_BYTES (1ull << KMM_SLOT_BITS)
/* Compare the whole state after every op up to this many caps; above it, every STRIDE-th op. */
#define MODEL_FULL_COMPARE_CAPS 4096u
#define MODEL_COMPARE_STRIDE    1024u

struct mcap {
	enum kmm_cap_type type;
	uint64_t paddr;
	uint32_t size_bits;
	uint32_t rights, vm_rights;
	uint64_t badge;
	uint64_t free_index;
	bool device;
	uint32_t radix, guard_size;
	uint64_t guard;
	uint64_t zcount;        /* zombie: slots still to clear */
	bool mapped;            /* tables: mapped; pml4: has an ASID */
};

/* A non-empty slot: its cap, flags and place in the derivation tree. */
struct mnode {
	uint64_t slot;
	struct mcap cap;
	bool revocable, first_badged;
	struct mnode *parent;
	GPtrArray *children;    /* in derivation-list order */
};

struct model {
	GHashTable *slots;      /* &node->slot -> node */
	GPtrArray *roots;       /* parentless nodes, in list order */
	uint64_t caller;
	uint64_t root_cnode;    /* base of the root CNode, for slot names */
	uint32_t root_bits;
	bool unmodelled;
	uint64_t steps, predicted, compared, unmodelled_at, unmodelled_ops;
};

/* ---- the tree ---------------------------------------------------------- */

static struct mnode *node_at(struct model *m, uint64_t slot)
{
	return g_hash_table_lookup(m->slots, &slot);
}

static GPtrArray *siblings(struct model *m, struct mnode *n)
{
	return n->parent != NULL ? n->parent->children : m->roots;
}

static guint index_of(GPtrArray *a, struct mnode *n)
{
	guint i;

	if (!g_ptr_array_find(a, n, &i))
		g_error("model: node not among its siblings");
	return i;
}

static struct mnode *node_new(struct model *m, uint64_t slot, const struct mcap *c)
{
	struct mnode *n = g_new0(struct mnode, 1);

	n->slot = slot;
	n->cap = *c;
	n->children = g_ptr_array_new();
	g_hash_table_insert(m->slots, &n->slot, n);
	return n;
}

/* Preorder successor: the next node of the derivation list, or NULL. */
static struct mnode *list_next(struct model *m, struct mnode *n)
{
	if (n->children->len > 0)
		return n->children->pdata[0];
	for (struct mnode *c = n; c != NULL; c = c->parent) {
		GPtrArray *sib = siblings(m, c);
		guint i = index_of(sib, c);

		if (i + 1 < sib->len)
			return sib->pdata[i + 1];
	}
	return NULL;
}

/* Empty a slot (b.6): children adopted in place, firstBadged handed on. */
static void empty_slot(struct model *m, struct mnode *n)
{
	struct mnode *next = list_next(m, n);
	GPtrArray *sib = siblings(m, n);
	guint i = index_of(sib, n);

	if (next != NULL)
		next->first_badged = next->first_badged || n->first_badged;
	g_ptr_array_remove_index(sib, i);
	for (guint k = 0; k < n->children->len; k++) {
		struct mnode *c = n->children->pdata[k];

		c->parent = n->parent;
		g_ptr_array_insert(sib, (gint)(i + k), c);
	}
	g_hash_table_remove(m->slots, &n->slot);
	g_ptr_array_free(n->children, TRUE);
	g_free(n);
}

static void move_node(struct model *m, struct mnode *n, uint64_t to)
{
	g_hash_table_remove(m->slots, &n->slot);
	n->slot = to;
	g_hash_table_insert(m->slots, &n->slot, n);
}

/* Swap two slots' caps and nodes; either may be empty. */
static void swap_slots(struct model *m, uint64_t a, uint64_t b)
{
	struct mnode *na = node_at(m, a), *nb = node_at(m, b);

	if (na != NULL)
		g_hash_table_remove(m->slots, &na->slot);
	if (nb != NULL)
		g_hash_table_remove(m->slots, &nb->slot);
	if (na != NULL) {
		na->slot = b;
		g_hash_table_insert(m->slots, &na->slot, na);
	}
	if (nb != NULL) {
		nb->slot = a;
		g_hash_table_insert(m->slots, &nb->slot, nb);
	}
}

/* ---- cap relations (b.6, b.7) -------------------------------------------- */

static bool is_frame(enum kmm_cap_type t)
{
	return t == KMM_CAP_TYPE_FRAME;
}

static bool has_memory(const struct mcap *c)
{
	return c->type != KMM_CAP_TYPE_NULL && c->type != KMM_CAP_TYPE_ASID_CONTROL &&
	       c->size_bits > 0;
}

static uint64_t cap_bytes(const struct mcap *c)
{
	return 1ull << c->size_bits;
}

static bool same_region(const struct mcap *a, const struct mcap *b)
{
	switch (a->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return has_memory(b) && b->paddr >= a->paddr &&
		       b->paddr + cap_bytes(b) <= a->paddr + cap_bytes(a);
	case KMM_CAP_TYPE_CNODE:
		return b->type == KMM_CAP_TYPE_CNODE && a->paddr == b->paddr &&
		       a->radix == b->radix;
	case KMM_CAP_TYPE_FRAME:
		return is_frame(b->type) && b->paddr >= a->paddr &&
		       b->paddr + cap_bytes(b) <= a->paddr + cap_bytes(a);
	case KMM_CAP_TYPE_ENDPOINT: case KMM_CAP_TYPE_NOTIFICATION: case KMM_CAP_TYPE_TCB:
	case KMM_CAP_TYPE_PAGE_TABLE: case KMM_CAP_TYPE_PAGE_DIRECTORY: case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4: case KMM_CAP_TYPE_ASID_POOL:
		return a->type == b->type && a->paddr == b->paddr;
	case KMM_CAP_TYPE_ASID_CONTROL:
		return b->type == KMM_CAP_TYPE_ASID_CONTROL;
	default:
		return false;
	}
}

static bool same_object(const struct mcap *a, const struct mcap *b)
{
	if (a->type == KMM_CAP_TYPE_UNTYPED || b->type == KMM_CAP_TYPE_UNTYPED)
		return false;
	if (is_frame(a->type))
		return is_frame(b->type) && a->paddr == b->paddr &&
		       a->size_bits == b->size_bits && a->device == b->device;
	return same_region(a, b);
}

static bool mdb_parent_of(const struct mnode *a, const struct mcap *b, bool b_first_badged)
{
	if (!a->revocable || !same_region(&a->cap, b))
		return false;
	if (a->cap.type == KMM_CAP_TYPE_ENDPOINT || a->cap.type == KMM_CAP_TYPE_NOTIFICATION)
		return a->cap.badge == 0 || (b->badge == a->cap.badge && !b_first_badged);
	return true;
}

/* Final (b.7): no other cap to the same object (caps to one object are contiguous). */
static bool is_final(struct model *m, struct mnode *n)
{
	GHashTableIter it;
	gpointer k, v;

	if (n->cap.type == KMM_CAP_TYPE_UNTYPED)
		return true;
	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct mnode *o = v;

		if (o != n && same_object(&n->cap, &o->cap))
			return false;
	}
	return true;
}

/* ---- delete and revoke (b.5, b.7) ---------------------------------------- */

static bool delete_slot(struct model *m, uint64_t slot, bool exposed);

static void reduce_zombie(struct model *m, struct mnode *n, bool exposed)
{
	uint64_t base = n->cap.paddr, count = n->cap.zcount, slot = n->slot;

	if (exposed) {
		struct mnode *z;

		delete_slot(m, base + (count - 1) * SLOT_BYTES, false);
		z = node_at(m, slot);
		if (z != NULL && z->cap.type == KMM_CAP_TYPE_ZOMBIE && z->cap.paddr == base &&
		    z->cap.zcount == count)
			z->cap.zcount--;
	} else {
		swap_slots(m, base, slot);
	}
}

/* finaliseSlot + cteDelete: true if the slot ended empty. */
static bool delete_slot(struct model *m, uint64_t slot, bool exposed)
{
	struct mnode *n;

	while ((n = node_at(m, slot)) != NULL) {
		struct mcap rem = { 0 };
		bool final = is_final(m, n);

		if (n->cap.type == KMM_CAP_TYPE_CNODE && final) {
			rem = n->cap;
			rem.type = KMM_CAP_TYPE_ZOMBIE;
			rem.zcount = 1ull << n->cap.radix;
		} else if (n->cap.type == KMM_CAP_TYPE_TCB && final) {
			rem = n->cap;
			rem.type = KMM_CAP_TYPE_ZOMBIE;
			rem.radix = 0;
			rem.zcount = KMM_TCB_SLOTS;
		} else if (n->cap.type == KMM_CAP_TYPE_ZOMBIE) {
			rem = n->cap;
		}
		if (rem.type == KMM_CAP_TYPE_NULL || rem.zcount == 0 ||
		    (rem.zcount == 1 && rem.paddr == slot)) {
			empty_slot(m, n);
			return true;
		}
		n->cap = rem;
		if (!exposed && rem.paddr == slot)
			return false;
		reduce_zombie(m, n, exposed);
	}
	return true;
}

static void revoke_slot(struct model *m, uint64_t slot)
{
	struct mnode *n;

	while ((n = node_at(m, slot)) != NULL && n->children->len > 0)
		delete_slot(m, ((struct mnode *)n->children->pdata[0])->slot, true);
}

/* ---- results ------------------------------------------------------------- */

static void reply(struct kmm_result *r, enum kmm_error e, unsigned n, const uint64_t *d)
{
	*r = (struct kmm_result){ .kind = KMM_RESULT_REPLY, .error = e, .ndetail = n };
	for (unsigned i = 0; i < n; i++)
		r->detail[i] = d[i];
}

static void err0(struct kmm_result *r, enum kmm_error e)
{
	reply(r, e, 0, NULL);
}

static void err1(struct kmm_result *r, enum kmm_error e, uint64_t a)
{
	reply(r, e, 1, (uint64_t[]){ a });
}

static void range(struct kmm_result *r, uint64_t lo, uint64_t hi)
{
	reply(r, KMM_RANGE_ERROR, 2, (uint64_t[]){ lo, hi });
}

/* A lookup failure: kind and its details (b.1). */
struct lfail {
	enum kmm_lookup_fault kind;
	unsigned n;
	uint64_t d[3];
};

static void failed_lookup(struct kmm_result *r, bool source, const struct lfail *f)
{
	uint64_t d[5] = { source, f->kind, f->d[0], f->d[1], f->d[2] };

	reply(r, KMM_FAILED_LOOKUP, 2 + f->n, d);
}

static void missing(struct lfail *f, uint64_t bits)
{
	*f = (struct lfail){ KMM_LOOKUP_MISSING_CAPABILITY, 1, { bits } };
}

/* ---- lookup (b.1) -------------------------------------------------------- */

/*
 * Resolve n bits of cptr from CNode cap c: true with the slot and the bits
 * left, else false and *f.
 */
static bool resolve(struct model *m, const struct mcap *c, uint64_t cptr, unsigned n,
		    uint64_t *slot, unsigned *left, struct lfail *f)
{
	for (;;) {
		unsigned gs = c->guard_size, level = c->guard_size + c->radix;
		uint64_t guard = gs == 0 || gs > n ? 0 :
				 (cptr >> (n - gs)) & (gs >= 64 ? ~0ull : (1ull << gs) - 1);
		struct mnode *next;

		if (gs > n || guard != c->guard) {
			*f = (struct lfail){ KMM_LOOKUP_GUARD_MISMATCH, 3, { n, c->guard, gs } };
			return false;
		}
		if (level > n) {
			*f = (struct lfail){ KMM_LOOKUP_DEPTH_MISMATCH, 2, { n, level } };
			return false;
		}
		*slot = c->paddr + (((cptr >> (n - level)) & ((1ull << c->radix) - 1)) * SLOT_BYTES);
		if (level == 0)
			g_error("model: a CNode cap with radix and guard size 0");
		n -= level;
		*left = n;
		next = node_at(m, *slot);
		if (n == 0 || next == NULL || next->cap.type != KMM_CAP_TYPE_CNODE)
			return true;
		c = &next->cap;
	}
}

static const struct mcap null_cap;

static const struct mcap *cap_at(struct model *m, uint64_t slot)
{
	struct mnode *n = node_at(m, slot);

	return n != NULL ? &n->cap : &null_cap;
}

/* Target-slot lookup (index, depth) from root: true and *slot, else the error in *r. */
static bool target_slot(struct model *m, const struct mcap *root, uint64_t index,
			uint64_t depth, bool source, uint64_t *slot, struct kmm_result *r)
{
	struct lfail f;
	unsigned left;

	if (root->type != KMM_CAP_TYPE_CNODE) {
		f = (struct lfail){ KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };
		failed_lookup(r, source, &f);
		return false;
	}
	if (depth < 1 || depth > 64) {
		range(r, 1, 64);
		return false;
	}
	if (!resolve(m, root, index, (unsigned)depth, slot, &left, &f)) {
		failed_lookup(r, source, &f);
		return false;
	}
	if (left != 0) {
		f = (struct lfail){ KMM_LOOKUP_DEPTH_MISMATCH, 2, { left, 0 } };
		failed_lookup(r, source, &f);
		return false;
	}
	return true;
}

/* ---- retype (a.3 - a.5) -------------------------------------------------- */

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

static struct mcap new_object(uint64_t type, uint64_t paddr, uint64_t bits, uint64_t user,
			      bool device)
{
	struct mcap c = { .paddr = paddr, .size_bits = (uint32_t)bits,
			  .rights = KMM_RIGHTS_ALL };

	switch (type) {
	case KMM_OBJ_UNTYPED: c.type = KMM_CAP_TYPE_UNTYPED; c.device = device; break;
	case KMM_OBJ_TCB: c.type = KMM_CAP_TYPE_TCB; break;
	case KMM_OBJ_ENDPOINT: c.type = KMM_CAP_TYPE_ENDPOINT; break;
	case KMM_OBJ_NOTIFICATION:
		/* a notification cap carries Send (Write) and Receive (Read) only */
		c.type = KMM_CAP_TYPE_NOTIFICATION;
		c.rights = KMM_RIGHT_READ | KMM_RIGHT_WRITE;
		break;
	case KMM_OBJ_CNODE: c.type = KMM_CAP_TYPE_CNODE; c.radix = (uint32_t)user; break;
	case KMM_OBJ_PDPT: c.type = KMM_CAP_TYPE_PDPT; break;
	case KMM_OBJ_PML4: c.type = KMM_CAP_TYPE_PML4; break;
	case KMM_OBJ_PAGE_TABLE: c.type = KMM_CAP_TYPE_PAGE_TABLE; break;
	case KMM_OBJ_PAGE_DIRECTORY: c.type = KMM_CAP_TYPE_PAGE_DIRECTORY; break;
	default:
		c.type = KMM_CAP_TYPE_FRAME;
		c.vm_rights = KMM_VM_READ_WRITE;
		c.device = device;
		break;
	}
	return c;
}

static void retype(struct model *m, struct mnode *ut, const struct kmm_msg *msg,
		   const struct mcap *excap, struct kmm_result *r)
{
	const uint64_t *w = msg->words;
	uint64_t type = w[0], user = w[1], depth = w[3], off = w[4], count = w[5];
	uint64_t bits, node = 0, slots, start, free, aligned, ubytes;
	const struct mcap *dest;

	if (msg->label != KMM_UNTYPED_RETYPE)
		return err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 6 || msg->ncaps < 1)
		return err0(r, KMM_TRUNCATED_MESSAGE);
	if (type >= KMM_OBJ_TYPE_COUNT)
		return err1(r, KMM_INVALID_ARGUMENT, 0);
	if (!obj_size(type, user, &bits))
		return range(r, 0, KMM_MAX_UNTYPED_BITS);
	if ((type == KMM_OBJ_CNODE && user == 0) ||
	    (type == KMM_OBJ_UNTYPED && user < KMM_MIN_UNTYPED_BITS))
		return err1(r, KMM_INVALID_ARGUMENT, 1);
	if (depth == 0) {
		dest = &excap[0];
	} else {
		if (!target_slot(m, &excap[0], w[2], depth, false, &node, r))
			return;
		dest = cap_at(m, node);
	}
	if (dest->type != KMM_CAP_TYPE_CNODE) {
		struct lfail f;

		missing(&f, depth);
		return failed_lookup(r, false, &f);
	}
	slots = 1ull << dest->radix;
	if (off > slots - 1)
		return range(r, 0, slots - 1);
	if (count < 1 || count > KMM_RETYPE_FAN_OUT_LIMIT)
		return range(r, 1, KMM_RETYPE_FAN_OUT_LIMIT);
	if (count > slots - off)
		return range(r, 1, slots - off);
	for (uint64_t i = 0; i < count; i++) {
		if (node_at(m, dest->paddr + (off + i) * SLOT_BYTES) != NULL)
			return err0(r, KMM_DELETE_FIRST);
	}
	ubytes = 1ull << ut->cap.size_bits;
	start = ut->children->len == 0 ? 0 : ut->cap.free_index * 16;
	free = ubytes - start;
	if ((free >> bits) < count)
		return err1(r, KMM_NOT_ENOUGH_MEMORY, free);
	if (ut->cap.device && !frame_type(type) && type != KMM_OBJ_UNTYPED)
		return err1(r, KMM_INVALID_ARGUMENT, 1);
	aligned = (start + (1ull << bits) - 1) & ~((1ull << bits) - 1);
	ut->cap.free_index = (aligned + count * (1ull << bits)) / 16;
	for (uint64_t i = 0; i < count; i++) {
		struct mcap c = new_object(type, ut->cap.paddr + aligned + i * (1ull << bits), bits,
					   user, ut->cap.device);
		struct mnode *n = node_new(m, dest->paddr + (off + i) * SLOT_BYTES, &c);

		n->revocable = n->first_badged = true;
		n->parent = ut;
		g_ptr_array_insert(ut->children, 0, n);
	}
	err0(r, KMM_OK);
}

/* ---- CNode operations (b.2 - b.5) ---------------------------------------- */

static bool is_ep(const struct mcap *c)
{
	return c->type == KMM_CAP_TYPE_ENDPOINT || c->type == KMM_CAP_TYPE_NOTIFICATION;
}

static void mask_rights(struct mcap *c, uint64_t mask)
{
	if (is_ep(c)) {
		c->rights &= (uint32_t)mask;
	} else if (is_frame(c->type)) {
		bool rd = mask & KMM_RIGHT_READ, wr = mask & KMM_RIGHT_WRITE;

		if (c->vm_rights == KMM_VM_READ_ONLY && rd)
			c->vm_rights = KMM_VM_READ_ONLY;
		else if (c->vm_rights == KMM_VM_READ_WRITE && rd)
			c->vm_rights = wr ? KMM_VM_READ_WRITE : KMM_VM_READ_ONLY;
		else
			c->vm_rights = KMM_VM_KERNEL_ONLY;
	}
}

/* updateCapData (b.3.2): false if the result is null. */
static bool update_data(struct mcap *c, bool preserve, uint64_t data)
{
	if (is_ep(c)) {
		if (preserve || c->badge != 0)
			return false;
		c->badge = data;
	} else if (c->type == KMM_CAP_TYPE_CNODE) {
		uint32_t gs = (uint32_t)(data & 63);

		if (gs + c->radix > 64)
			return false;
		c->guard_size = gs;
		c->guard = gs == 0 ? 0 : (data >> 6) & (gs >= 64 ? ~0ull : (1ull << gs) - 1);
	}
	return true;
}

/* deriveCap (b.3.1): KMM_OK, or the error (a null result is IllegalOperation). */
static enum kmm_error derive(struct mnode *src, struct mcap *c)
{
	switch (c->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return src->children->len == 0 ? KMM_OK : KMM_REVOKE_FIRST;
	case KMM_CAP_TYPE_ZOMBIE:
	case KMM_CAP_TYPE_NULL:
		return KMM_ILLEGAL_OPERATION;
	case KMM_CAP_TYPE_FRAME:
		c->mapped = false;
		return KMM_OK;
	case KMM_CAP_TYPE_PAGE_TABLE: case KMM_CAP_TYPE_PAGE_DIRECTORY: case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4:
		return c->mapped ? KMM_OK : KMM_ILLEGAL_OPERATION;
	default:
		return KMM_OK;
	}
}

static void insert_copy(struct model *m, struct mnode *src, uint64_t slot, const struct mcap *c)
{
	struct mnode *n = node_new(m, slot, c);

	if (is_ep(c))
		n->revocable = c->badge != src->cap.badge;
	else
		n->revocable = c->type == KMM_CAP_TYPE_UNTYPED;
	n->first_badged = n->revocable;
	if (c->type == KMM_CAP_TYPE_UNTYPED && c->paddr == src->cap.paddr &&
	    c->size_bits == src->cap.size_bits)
		src->cap.free_index = 1ull << (src->cap.size_bits - 4);
	if (mdb_parent_of(src, c, n->first_badged)) {
		n->parent = src;
		g_ptr_array_insert(src->children, 0, n);
	} else {
		GPtrArray *sib = siblings(m, src);

		n->parent = src->parent;
		g_ptr_array_insert(sib, (gint)index_of(sib, src) + 1, n);
	}
}

static void copy_like(struct model *m, uint64_t dslot, const struct kmm_msg *msg,
		      const struct mcap *excap, struct kmm_result *r)
{
	const uint64_t *w = msg->words;
	uint64_t sslot;
	struct mnode *src;
	struct mcap c;
	enum kmm_error e = KMM_OK;

	if (msg->nwords < 4 || msg->ncaps < 1)
		return err0(r, KMM_TRUNCATED_MESSAGE);
	if (node_at(m, dslot) != NULL)
		return err0(r, KMM_DELETE_FIRST);
	if (!target_slot(m, &excap[0], w[2], w[3], true, &sslot, r))
		return;
	src = node_at(m, sslot);
	if (src == NULL) {
		struct lfail f;

		missing(&f, w[3]);
		return failed_lookup(r, true, &f);
	}
	c = src->cap;
	switch (msg->label) {
	case KMM_CNODE_COPY:
		if (msg->nwords < 5)
			return err0(r, KMM_TRUNCATED_MESSAGE);
		mask_rights(&c, w[4]);
		e = derive(src, &c);
		break;
	case KMM_CNODE_MINT:
		if (msg->nwords < 6)
			return err0(r, KMM_TRUNCATED_MESSAGE);
		mask_rights(&c, w[4]);
		e = update_data(&c, false, w[5]) ? derive(src, &c) : KMM_ILLEGAL_OPERATION;
		break;
	case KMM_CNODE_MUTATE:
		if (msg->nwords < 5)
			return err0(r, KMM_TRUNCATED_MESSAGE);
		if (!update_data(&c, true, w[4]))
			e = KMM_ILLEGAL_OPERATION;
		break;
	default:
		break;
	}
	if (e != KMM_OK)
		return err0(r, e);
	if (msg->label == KMM_CNODE_COPY || msg->label == KMM_CNODE_MINT) {
		insert_copy(m, src, dslot, &c);
	} else {
		src->cap = c;
		move_node(m, src, dslot);
	}
	err0(r, KMM_OK);
}

static void rotate(struct model *m, uint64_t dslot, const struct kmm_msg *msg,
		   const struct mcap *excap, struct kmm_result *r)
{
	const uint64_t *w = msg->words;
	uint64_t sslot, pslot;
	struct mnode *src, *piv;
	struct mcap sc, pc;
	struct lfail f;

	if (msg->nwords < 8 || msg->ncaps < 2)
		return err0(r, KMM_TRUNCATED_MESSAGE);
	if (!target_slot(m, &excap[1], w[6], w[7], true, &sslot, r) ||
	    !target_slot(m, &excap[0], w[3], w[4], true, &pslot, r))
		return;
	if (pslot == sslot || pslot == dslot)
		return err0(r, KMM_ILLEGAL_OPERATION);
	if (sslot != dslot && node_at(m, dslot) != NULL)
		return err0(r, KMM_DELETE_FIRST);
	src = node_at(m, sslot);
	piv = node_at(m, pslot);
	if (src == NULL) {
		missing(&f, w[7]);
		return failed_lookup(r, true, &f);
	}
	if (piv == NULL) {
		missing(&f, w[4]);
		return failed_lookup(r, false, &f);
	}
	sc = src->cap;
	pc = piv->cap;
	if (!update_data(&sc, true, w[5]) || !update_data(&pc, true, w[2]))
		return err0(r, KMM_ILLEGAL_OPERATION);
	src->cap = sc;
	piv->cap = pc;
	if (sslot == dslot) {
		swap_slots(m, sslot, pslot);
	} else {
		move_node(m, piv, dslot);
		move_node(m, src, pslot);
	}
	err0(r, KMM_OK);
}

static void cnode_op(struct model *m, const struct mcap *cn, const struct kmm_msg *msg,
		     const struct mcap *excap, struct kmm_result *r)
{
	uint64_t dslot;
	struct mnode *d;

	if (msg->label < KMM_CNODE_REVOKE || msg->label > KMM_CNODE_SAVE_CALLER)
		return err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 2)
		return err0(r, KMM_TRUNCATED_MESSAGE);
	if (!target_slot(m, cn, msg->words[0], msg->words[1], false, &dslot, r))
		return;
	d = node_at(m, dslot);
	switch (msg->label) {
	case KMM_CNODE_REVOKE:
		revoke_slot(m, dslot);
		return err0(r, KMM_OK);
	case KMM_CNODE_DELETE:
		delete_slot(m, dslot, true);
		return err0(r, KMM_OK);
	case KMM_CNODE_CANCEL_BADGED_SENDS:
		if (d == NULL || d->cap.type != KMM_CAP_TYPE_ENDPOINT ||
		    d->cap.rights != KMM_RIGHTS_ALL)
			return err0(r, KMM_ILLEGAL_OPERATION);
		return err0(r, KMM_OK);
	case KMM_CNODE_SAVE_CALLER:
		return err0(r, d != NULL ? KMM_DELETE_FIRST : KMM_OK);
	case KMM_CNODE_ROTATE:
		return rotate(m, dslot, msg, excap, r);
	default:
		return copy_like(m, dslot, msg, excap, r);
	}
}

/* ---- one invocation (0.2) ------------------------------------------------ */

static bool vm_label(uint64_t l)
{
	return l == KMM_TCB_CONFIGURE || (l >= KMM_X86_PDPT_MAP && l < KMM_LABEL_COUNT);
}

/* Predict msg's result into *r and apply it; false if it is outside the model. */
static bool invoke(struct model *m, const struct kmm_msg *msg, struct kmm_result *r)
{
	const struct mcap *root = cap_at(m, m->caller);
	struct mcap inv, excap[KMM_MSG_MAX_CAPS] = { { 0 } };
	uint64_t ptrs[1 + KMM_MSG_MAX_CAPS];
	struct mnode *target = NULL;

	ptrs[0] = msg->cptr;
	for (unsigned i = 0; i < msg->ncaps && i < KMM_MSG_MAX_CAPS; i++)
		ptrs[1 + i] = msg->caps[i];
	for (unsigned i = 0; i < 1 + msg->ncaps && i <= KMM_MSG_MAX_CAPS; i++) {
		struct lfail f = { KMM_LOOKUP_INVALID_ROOT, 0, { 0 } };
		uint64_t slot;
		unsigned left;

		if (root->type != KMM_CAP_TYPE_CNODE || !resolve(m, root, ptrs[i], 64, &slot, &left, &f)) {
			*r = (struct kmm_result){ .kind = KMM_RESULT_CAP_FAULT, .ndetail = 2 + f.n };
			r->detail[0] = i;
			r->detail[1] = f.kind;
			for (unsigned k = 0; k < f.n; k++)
				r->detail[2 + k] = f.d[k];
			return true;
		}
		if (i == 0)
			target = node_at(m, slot);
		else
			excap[i - 1] = *cap_at(m, slot);
	}
	inv = target != NULL ? target->cap : null_cap;
	switch (inv.type) {
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ZOMBIE:
		err1(r, KMM_INVALID_CAPABILITY, 0);
		return true;
	case KMM_CAP_TYPE_UNTYPED:
		retype(m, target, msg, excap, r);
		return true;
	case KMM_CAP_TYPE_CNODE:
		cnode_op(m, &inv, msg, excap, r);
		return true;
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		return false;
	default:
		if (vm_label(msg->label))
			return false;
		err0(r, KMM_ILLEGAL_OPERATION);
		return true;
	}
}

/* ---- boot and comparison ------------------------------------------------- */

struct kslot {
	struct kmm_cap_info info;
	uint64_t parent;
};

static struct mcap from_info(const struct kmm_cap_info *i)
{
	return (struct mcap){ .type = i->type, .paddr = i->paddr, .size_bits = i->size_bits,
			      .rights = i->rights, .vm_rights = i->vm_rights, .badge = i->badge,
			      .free_index = i->free_index, .device = i->is_device,
			      .radix = i->radix, .guard_size = i->guard_size, .guard = i->guard,
			      .zcount = i->zombie_count, .mapped = i->mapped };
}

struct walk_ctx {
	GHashTable *k;          /* slot -> struct kslot */
	GArray *order;          /* slots in list order */
};

static bool collect(const struct kmm_cap_info *cap, uint32_t depth, uint64_t parent, void *ctx)
{
	struct walk_ctx *w = ctx;
	struct kslot *s = g_new(struct kslot, 1);

	(void)depth;
	s->info = *cap;
	s->parent = parent;
	g_hash_table_insert(w->k, &s->info.slot_paddr, s);
	g_array_append_val(w->order, cap->slot_paddr);
	return true;
}

static bool kernel_state(struct walk_ctx *w)
{
	uint64_t n = kmm_inspect_cap_count() + 1;
	uint64_t *stack = g_new(uint64_t, n);
	bool ok;

	w->k = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	w->order = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	ok = kmm_inspect_walk(collect, w, stack, n);
	g_free(stack);
	return ok;
}

static void walk_free(struct walk_ctx *w)
{
	g_hash_table_destroy(w->k);
	g_array_free(w->order, TRUE);
}

struct model *model_new(uint64_t caller)
{
	struct model *m = g_new0(struct model, 1);
	struct walk_ctx w;
	const struct mcap *root;

	m->slots = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->roots = g_ptr_array_new();
	m->caller = caller;
	if (!kernel_state(&w))
		g_error("model: cannot walk the boot state");
	for (guint i = 0; i < w.order->len; i++) {
		uint64_t slot = g_array_index(w.order, uint64_t, i);
		struct kslot *k = g_hash_table_lookup(w.k, &slot);
		struct mcap c = from_info(&k->info);
		struct mnode *n = node_new(m, slot, &c);

		n->revocable = k->info.revocable;
		n->first_badged = k->info.first_badged;
		n->parent = k->parent != 0 ? node_at(m, k->parent) : NULL;
		if (k->parent != 0 && n->parent == NULL)
			g_error("model: boot parent after child");
		g_ptr_array_add(siblings(m, n), n);
	}
	walk_free(&w);
	root = cap_at(m, caller);
	m->root_cnode = root->paddr;
	m->root_bits = root->radix;
	return m;
}

static void free_node(gpointer p)
{
	struct mnode *n = p;

	g_ptr_array_free(n->children, TRUE);
	g_free(n);
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	g_list_free_full(g_hash_table_get_values(m->slots), free_node);
	g_hash_table_destroy(m->slots);
	g_ptr_array_free(m->roots, TRUE);
	g_free(m);
}

static void slot_name(const struct model *m, uint64_t slot, char *buf, size_t n)
{
	if (slot >= m->root_cnode && slot < m->root_cnode + (SLOT_BYTES << m->root_bits))
		snprintf(buf, n, "0x%llx", (unsigned long long)((slot - m->root_cnode) / SLOT_BYTES));
	else
		snprintf(buf, n, "slot@0x%llx", (unsigned long long)slot);
}

/* "model.FIELD", kept for the run (g_intern_string copies). */
static const char *intern_invariant(const char *field)
{
	char *s = g_strdup_printf("model.%s", field);
	const char *i = g_intern_string(s);

	g_free(s);
	return i;
}

static const char *const type_names[KMM_CAP_TYPE_COUNT] = {
	"empty", "untyped", "endpoint", "notification", "cnode", "tcb", "zombie", "frame",
	"page_table", "page_directory", "pdpt", "pml4", "asid_control", "asid_pool",
};

static bool differ(struct model *m, struct exec_model_diff *d, uint64_t slot, const char *field,
		   uint64_t mv, uint64_t kv)
{
	char name[48];

	slot_name(m, slot, name, sizeof name);
	d->invariant = intern_invariant(field);
	if (!strcmp(field, "type"))
		snprintf(d->detail, sizeof d->detail, "model: slot %s type: model %s, kernel %s",
			 name, type_names[mv], type_names[kv]);
	else if (!strcmp(field, "paddr") || !strcmp(field, "parent") || !strcmp(field, "watermark"))
		snprintf(d->detail, sizeof d->detail,
			 "model: slot %s %s: model 0x%llx, kernel 0x%llx", name, field,
			 (unsigned long long)mv, (unsigned long long)kv);
	else
		snprintf(d->detail, sizeof d->detail, "model: slot %s %s: model %llu, kernel %llu",
			 name, field, (unsigned long long)mv, (unsigned long long)kv);
	return false;
}

#define FIELD(name, mv, kv) \
	do { if ((uint64_t)(mv) != (uint64_t)(kv)) return differ(m, d, n->slot, name, mv, kv); } while (0)

static bool compare_slot(struct model *m, struct mnode *n, const struct kslot *k,
			 struct exec_model_diff *d)
{
	const struct kmm_cap_info *i = &k->info;
	const struct mcap *c = &n->cap;

	FIELD("type", c->type, i->type);
	FIELD("paddr", c->paddr, i->paddr);
	FIELD("parent", n->parent != NULL ? n->parent->slot : 0, k->parent);
	if (c->type == KMM_CAP_TYPE_ZOMBIE)
		return true;
	FIELD("size_bits", c->size_bits, i->size_bits);
	FIELD("badge", c->badge, i->badge);
	FIELD("rights", c->rights, i->rights);
	FIELD("watermark", c->free_index * 16, i->free_index * 16);
	FIELD("device", c->device, i->is_device);
	FIELD("revocable", n->revocable, i->revocable);
	FIELD("first_badged", n->first_badged, i->first_badged);
	if (is_frame(c->type))
		FIELD("vm_rights", c->vm_rights, i->vm_rights);
	if (c->type == KMM_CAP_TYPE_CNODE) {
		FIELD("radix", c->radix, i->radix);
		FIELD("guard_size", c->guard_size, i->guard_size);
		FIELD("guard", c->guard, i->guard);
	}
	return true;
}

static gint by_slot(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool compare_state(struct model *m, struct exec_model_diff *d)
{
	struct walk_ctx w;
	GArray *all = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	GHashTableIter it;
	gpointer key, val;
	bool ok = true;

	if (!kernel_state(&w))
		g_error("model: cannot walk the kernel state");
	g_array_append_vals(all, w.order->data, w.order->len);
	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		if (!g_hash_table_contains(w.k, key))
			g_array_append_val(all, *(uint64_t *)key);
	}
	g_array_sort(all, by_slot);
	for (guint i = 0; ok && i < all->len; i++) {
		uint64_t slot = g_array_index(all, uint64_t, i);
		struct mnode *n = node_at(m, slot);
		struct kslot *k = g_hash_table_lookup(w.k, &slot);

		if (n == NULL)
			ok = differ(m, d, slot, "type", KMM_CAP_TYPE_NULL, k->info.type);
		else if (k == NULL)
			ok = differ(m, d, slot, "type", n->cap.type, KMM_CAP_TYPE_NULL);
		else
			ok = compare_slot(m, n, k, d);
	}
	g_array_free(all, TRUE);
	walk_free(&w);
	m->compared++;
	return ok;
}

static bool compare_result(struct model *m, const struct kmm_result *p,
			   const struct kmm_result *k, struct exec_model_diff *d)
{
	const char *field = NULL;
	uint64_t mv = 0, kv = 0;

	(void)m;
	if (p->kind != k->kind) {
		field = "result.kind"; mv = p->kind; kv = k->kind;
	} else if (p->kind == KMM_RESULT_REPLY && p->error != k->error) {
		field = "result.error"; mv = p->error; kv = k->error;
	} else if (p->ndetail != k->ndetail) {
		field = "result.ndetail"; mv = p->ndetail; kv = k->ndetail;
	} else {
		for (unsigned i = 0; i < p->ndetail && field == NULL; i++) {
			if (p->detail[i] != k->detail[i]) {
				field = "result.detail";
				mv = p->detail[i];
				kv = k->detail[i];
				snprintf(d->detail, sizeof d->detail,
					 "model: result detail word %u: model 0x%llx, kernel 0x%llx",
					 i, (unsigned long long)mv, (unsigned long long)kv);
			}
		}
		if (field != NULL) {
			d->invariant = "model.result.detail";
			return false;
		}
		return true;
	}
	d->invariant = intern_invariant(field);
	snprintf(d->detail, sizeof d->detail, "model: %s: model %llu, kernel %llu", field,
		 (unsigned long long)mv, (unsigned long long)kv);
	return false;
}

/* model_perturb CPTR: add 1 to the badge of the cap there, in the model only. */
static void perturb(struct model *m, uint64_t cptr)
{
	const struct mcap *root = cap_at(m, m->caller);
	struct lfail f;
	uint64_t slot;
	unsigned left;

	if (root->type == KMM_CAP_TYPE_CNODE && resolve(m, root, cptr, 64, &slot, &left, &f) &&
	    node_at(m, slot) != NULL)
		node_at(m, slot)->cap.badge++;
}

bool model_step(void *ctx, const struct prog_op *op, const struct kmm_result *res,
		struct exec_model_diff *d)
{
	struct model *m = ctx;
	struct kmm_result pred;
	struct kmm_msg msg;
	bool full;

	m->steps++;
	if (m->unmodelled) {
		m->unmodelled_ops++;
		return true;
	}
	if (op == NULL)
		return compare_state(m, d);
	if (op->kind == PROG_MODEL_PERTURB) {
		perturb(m, op->cptr);
		return compare_state(m, d);
	}
	if (op->kind != PROG_INVOKE || res == NULL) {
		m->unmodelled = true;
		m->unmodelled_at = m->steps;
		m->unmodelled_ops++;
		return true;
	}
	prog_message(op, &msg);
	if (!invoke(m, &msg, &pred)) {
		m->unmodelled = true;
		m->unmodelled_at = m->steps;
		m->unmodelled_ops++;
		return true;
	}
	m->predicted++;
	if (!compare_result(m, &pred, res, d))
		return false;
	full = g_hash_table_size(m->slots) <= MODEL_FULL_COMPARE_CAPS ||
	       m->steps % MODEL_COMPARE_STRIDE == 0;
	return !full || compare_state(m, d);
}

void model_summary(const struct model *m, uint64_t *predicted, uint64_t *compared,
		   uint64_t *unmodelled_at, uint64_t *unmodelled_ops)
{
	*predicted = m->predicted;
	*compared = m->compared;
	*unmodelled_at = m->unmodelled_at;
	*unmodelled_ops = m->unmodelled_ops;
}

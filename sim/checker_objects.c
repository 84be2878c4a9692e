/*
 * Objects and accounting (invariants 1.objects.* and 5.untyped.*).
 *
 * Each cap's object range is computed here from the cap's own fields,
 * independently of kernel_core's objecttype.c.  Object identity is the
 * triple (kind, base, size): caps with the same triple are caps to one
 * object, which must sit in one contiguous run of the derivation list
 * (mdb_chunked); distinct objects must not overlap.  Untyped caps are
 * regions, not objects: they nest, and their accounting is checked
 * against the distinct objects inside them.
 */
#include "checker_int.h"

static unsigned clamp_bits(uint64_t bits)
{
	return bits > 63 ? 63 : (unsigned)bits;
}

static void zombie_range(const struct cap *c, uint64_t *base, unsigned *bits,
			 uint8_t *kind)
{
	bool tcb = cap_zombie_radix(c) == ZOMBIE_TCB;

	*base = cap_zombie_paddr(c);
	*bits = tcb ? KMM_TCB_BITS : clamp_bits(KMM_SLOT_BITS + cap_zombie_radix(c));
	*kind = tcb ? KMM_CAP_TYPE_TCB : KMM_CAP_TYPE_CNODE;
}

static unsigned fixed_bits(enum kmm_cap_type t)
{
	switch (t) {
	case KMM_CAP_TYPE_ENDPOINT:
		return KMM_ENDPOINT_BITS;
	case KMM_CAP_TYPE_NOTIFICATION:
		return KMM_NOTIFICATION_BITS;
	case KMM_CAP_TYPE_TCB:
		return KMM_TCB_BITS;
	default:  /* paging structures and ASID pools */
		return KMM_TABLE_BITS;
	}
}

static uint64_t fixed_base(const struct cap *c)
{
	switch (cap_type(c)) {
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		return cap_ep_paddr(c);
	case KMM_CAP_TYPE_TCB:
		return cap_tcb_paddr(c);
	case KMM_CAP_TYPE_PML4:
		return cap_pml4_paddr(c);
	case KMM_CAP_TYPE_ASID_POOL:
		return cap_asid_pool_paddr(c);
	default:
		return cap_table_paddr(c);
	}
}

/* The object a cap names: false for caps without memory. */
bool checker_cap_range(const struct cap *c, uint64_t *base, unsigned *bits, uint8_t *kind)
{
	enum kmm_cap_type t = cap_type(c);

	*kind = (uint8_t)t;
	switch (t) {
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ASID_CONTROL:
		*kind = CK_KIND_NONE;
		return false;
	case KMM_CAP_TYPE_UNTYPED:
		*base = cap_untyped_paddr(c);
		*bits = clamp_bits(cap_untyped_size_bits(c));
		return true;
	case KMM_CAP_TYPE_CNODE:
		*base = cap_cnode_paddr(c);
		*bits = clamp_bits(KMM_SLOT_BITS + cap_cnode_radix(c));
		return true;
	case KMM_CAP_TYPE_ZOMBIE:
		zombie_range(c, base, bits, kind);
		return true;
	case KMM_CAP_TYPE_FRAME:
		*base = cap_frame_paddr(c);
		*bits = frame_size_bits((enum frame_size)cap_frame_size(c));
		if (cap_frame_device(c))
			*kind = CK_KIND_FRAME_DEVICE;
		return true;
	default:
		if (t >= KMM_CAP_TYPE_COUNT) {
			*kind = CK_KIND_NONE;
			return false;
		}
		*base = fixed_base(c);
		*bits = fixed_bits(t);
		return true;
	}
}

static bool size_valid(const struct ck_node *n)
{
	const struct cap *c = &n->cap;

	switch (n->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return cap_untyped_size_bits(c) >= KMM_MIN_UNTYPED_BITS &&
		       cap_untyped_size_bits(c) <= KMM_MAX_UNTYPED_BITS;
	case KMM_CAP_TYPE_CNODE:
		return cap_cnode_radix(c) >= 1 &&
		       KMM_SLOT_BITS + cap_cnode_radix(c) <= KMM_MAX_UNTYPED_BITS;
	case KMM_CAP_TYPE_ZOMBIE:
		return cap_zombie_radix(c) == ZOMBIE_TCB ||
		       (cap_zombie_radix(c) >= 1 &&
			KMM_SLOT_BITS + cap_zombie_radix(c) <= KMM_MAX_UNTYPED_BITS);
	case KMM_CAP_TYPE_FRAME:
		return cap_frame_size(c) <= FRAME_1G;
	default:
		return true;
	}
}

static bool holds_slots(const struct ck_node *n)
{
	return n->type == KMM_CAP_TYPE_CNODE || n->type == KMM_CAP_TYPE_TCB ||
	       n->type == KMM_CAP_TYPE_ZOMBIE;
}

static bool check_untyped_cap(struct ck_state *st, uint32_t i)
{
	const struct ck_node *n = &st->node[i];
	uint64_t fi = cap_untyped_free_index(&n->cap);

	if (fi > (1ull << (n->size_bits - KMM_MIN_UNTYPED_BITS))) {
		checker_fail(st, "5.untyped.watermark_le_size",
			     "16*free_index is above the untyped's size");
		checker_note_node(st, "untyped", i);
		checker_note_u64(st, "free_index", fi);
		return false;
	}
	if (!n->revocable) {
		checker_fail(st, "2.untyped.revocable", "an untyped cap is not revocable");
		checker_note_node(st, "untyped", i);
		return false;
	}
	return true;
}

/* Checks on one cap alone, run as the list is read. */
bool checker_check_node(struct ck_state *st, uint32_t i)
{
	const struct ck_node *n = &st->node[i];

	if (n->type >= KMM_CAP_TYPE_COUNT) {
		checker_fail(st, "2.mdb.cap_type", "a listed cap has no valid type");
		checker_note_slot(st, "slot", n->slot);
		return false;
	}
	if (!size_valid(n)) {
		checker_fail(st, "1.objects.size", "object size out of range");
		checker_note_node(st, "cap", i);
		return false;
	}
	if (n->end > n->base && (n->base & ((1ull << n->size_bits) - 1))) {
		checker_fail(st, "1.objects.aligned", "object not aligned to its size");
		checker_note_node(st, "cap", i);
		return false;
	}
	if (holds_slots(n) && !checker_in_ram(st, n->base, n->end)) {
		checker_fail(st, "1.objects.in_ram", "slots of an object outside RAM");
		checker_note_node(st, "cap", i);
		return false;
	}
	return n->type != KMM_CAP_TYPE_UNTYPED || check_untyped_cap(st, i);
}

static bool same_object(const struct ck_node *x, const struct ck_node *y)
{
	return x->base == y->base && x->size_bits == y->size_bits && x->kind == y->kind;
}

/* Object order: base up, bigger first, kind, then list order. */
static int cmp_object(const struct ck_state *st, uint32_t a, uint32_t b)
{
	const struct ck_node *x = &st->node[a], *y = &st->node[b];

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->size_bits != y->size_bits)
		return x->size_bits > y->size_bits ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return a < b ? -1 : a > b;
}

static bool check_overlap(struct ck_state *st, uint32_t m)
{
	uint64_t max_end = 0;
	uint32_t k, holder = CK_NONE;

	for (k = 0; k < m; k++) {
		const struct ck_node *n = &st->node[st->ia[k]];

		if (k > 0 && same_object(&st->node[st->ia[k - 1]], n))
			continue;
		if (holder != CK_NONE && n->base < max_end) {
			checker_fail(st, "1.objects.overlap", "two distinct objects overlap");
			checker_note_node(st, "a", holder);
			checker_note_node(st, "b", st->ia[k]);
			return false;
		}
		if (holder == CK_NONE || n->end > max_end) {
			max_end = n->end;
			holder = st->ia[k];
		}
	}
	return true;
}

/* mdb_chunked; leaves one index per distinct object in ia[0..nobj). */
static bool check_chunks(struct ck_state *st, uint32_t m)
{
	uint32_t k;

	st->nobj = 0;
	for (k = 0; k < m; k++) {
		uint32_t i = st->ia[k];

		if (k > 0 && same_object(&st->node[st->ia[k - 1]], &st->node[i])) {
			if (i == st->ia[k - 1] + 1)
				continue;
			checker_fail(st, "2.mdb.same_object_contiguous",
				     "caps to one object are not contiguous in the list");
			checker_note_node(st, "a", st->ia[k - 1]);
			checker_note_node(st, "b", i);
			return false;
		}
		st->ia[st->nobj++] = i;
	}
	return true;
}

/* 1.objects.overlap and 2.mdb.same_object_contiguous, over all non-untyped caps. */
bool checker_check_objects(struct ck_state *st)
{
	uint32_t i, m = 0;

	for (i = 0; i < st->n; i++)
		if (st->node[i].end > st->node[i].base &&
		    st->node[i].type != KMM_CAP_TYPE_UNTYPED)
			st->ia[m++] = i;
	checker_sort(st, st->ia, m, cmp_object);
	return check_overlap(st, m) && check_chunks(st, m);
}

/* First distinct object (position in ia) whose base is >= p. */
static uint32_t first_object_at(const struct ck_state *st, uint64_t p)
{
	uint32_t lo = 0, hi = st->nobj;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->node[st->ia[mid]].base < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool check_zero(struct ck_state *st, uint32_t u)
{
	const struct ck_node *ut = &st->node[u];
	uint64_t wm = checker_watermark(ut), k;
	const uint64_t *w;

	if (cap_untyped_device(&ut->cap) || wm >= ut->end ||
	    !checker_in_ram(st, ut->base, ut->end))
		return true;
	w = hal_phys_to_kernel(wm);
	for (k = 0; k < (ut->end - wm) / 8; k++) {
		if (w[k] != 0) {
			checker_fail(st, "5.untyped.zero_above_watermark",
				     "free untyped memory is not zero");
			checker_note_node(st, "untyped", u);
			checker_note_u64(st, "at", wm + 8 * k);
			return false;
		}
	}
	return true;
}

/* 5: bytes of distinct objects inside each untyped <= its watermark. */
bool checker_check_accounting(struct ck_state *st)
{
	uint32_t j, u;

	st->q[0] = 0;
	for (j = 0; j < st->nobj; j++) {
		const struct ck_node *o = &st->node[st->ia[j]];

		st->q[j + 1] = st->q[j] + (o->end - o->base);
	}
	for (u = 0; u < st->n; u++) {
		const struct ck_node *ut = &st->node[u];
		uint32_t lo, hi;

		if (ut->type != KMM_CAP_TYPE_UNTYPED)
			continue;
		lo = first_object_at(st, ut->base);
		hi = first_object_at(st, ut->end);
		if (st->q[hi] - st->q[lo] > checker_watermark(ut) - ut->base) {
			checker_fail(st, "5.untyped.used_le_watermark",
				     "live objects inside exceed the watermark");
			checker_note_node(st, "untyped", u);
			checker_note_u64(st, "used", st->q[hi] - st->q[lo]);
			return false;
		}
		if (st->level == CHECK_FULL && !check_zero(st, u))
			return false;
	}
	return true;
}

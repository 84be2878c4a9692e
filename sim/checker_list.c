/*
 * The derivation list and the slot arrays (invariants 2.mdb.*).
 *
 * The list is walked from the kernel's sentinel.  Before a link is
 * followed it must name a plausible slot: 32-byte aligned and inside
 * memory that can hold slots (RAM untyped at boot, the root TCB and root
 * CNode, the sentinel), so a corrupted link is reported instead of
 * crashing the checker.  Symmetric links and a sentinel without prev
 * rule out cycles: the first node met twice would have two predecessors.
 *
 * Then every slot of every CNode, TCB and zombie object named by a cap on
 * the list is scanned: empty slots carry no links, non-empty ones are on
 * the list, and every list node lives in one of those objects.
 */
#include "checker_int.h"

static void add_ram(struct ck_state *st, uint64_t base, uint64_t size)
{
	if (st->nram < CK_MAX_RAM && size)
		st->ram[st->nram++] = (struct ck_range){ base, base + size };
}

static void sort_and_merge_ram(struct ck_state *st)
{
	unsigned i, j, out = 0;

	for (i = 1; i < st->nram; i++) {
		struct ck_range r = st->ram[i];

		for (j = i; j > 0 && st->ram[j - 1].base > r.base; j--)
			st->ram[j] = st->ram[j - 1];
		st->ram[j] = r;
	}
	for (i = 0; i < st->nram; i++) {
		if (out && st->ram[i].base <= st->ram[out - 1].end) {
			if (st->ram[i].end > st->ram[out - 1].end)
				st->ram[out - 1].end = st->ram[i].end;
		} else {
			st->ram[out++] = st->ram[i];
		}
	}
	st->nram = out;
}

/*
 * Collect the memory that may hold slots: the RAM of the boot memory map,
 * which covers the untypeds and the objects boot carved for the root task
 * (its CNode, TCB, PML4, ASID pool and the list sentinel) alike.
 */
void checker_ram_init(struct ck_state *st)
{
	uint64_t base, end;
	bool device;
	unsigned i;

	st->nram = 0;
	for (i = 0; kmm_inspect_region(i, &base, &end, &device); i++)
		if (!device)
			add_ram(st, base, end - base);
	sort_and_merge_ram(st);
}

bool checker_plausible_slot(const struct ck_state *st, uint64_t p)
{
	unsigned lo = 0, hi = st->nram;

	if (p == 0 || (p & (sizeof(struct slot) - 1)))
		return false;
	while (lo < hi) {  /* first range whose end is above p */
		unsigned mid = (lo + hi) / 2;

		if (st->ram[mid].end <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->nram && st->ram[lo].base <= p &&
	       p + sizeof(struct slot) <= st->ram[lo].end;
}

/* Does [base, end) lie inside one range of slot-capable memory? */
bool checker_in_ram(const struct ck_state *st, uint64_t base, uint64_t end)
{
	unsigned i;

	for (i = 0; i < st->nram; i++)
		if (st->ram[i].base <= base && end <= st->ram[i].end && base < end)
			return true;
	return false;
}

static uint64_t next_link(const struct slot *s)
{
	return s->mdb.m1 & MDB_LINK_MASK;
}

static uint64_t prev_link(const struct slot *s)
{
	return s->mdb.m0 & MDB_LINK_MASK;
}

/*
 * Count list nodes for sizing scratch.  A cycle stops the count (Brent's
 * trick: compare with a node saved at each power of two), so the result
 * is finite and at most twice the number of distinct nodes.
 */
uint32_t checker_count_list(const struct ck_state *st)
{
	uint64_t p, mark = 0;
	uint32_t n = 0, next_pow = 1;

	if (!st->sentinel)
		return 0;
	for (p = next_link(st->sentinel); p && checker_plausible_slot(st, p) && p != mark;
	     p = next_link(slot_at(p))) {
		if (++n == UINT32_MAX - 2)
			break;
		if (n == next_pow) {
			mark = p;
			next_pow *= 2;
		}
	}
	return n;
}

static void record_node(struct ck_state *st, const struct slot *s, uint64_t paddr)
{
	struct ck_node *n = &st->node[st->n];
	unsigned bits = 0;

	n->slot = paddr;
	n->cap = s->cap;
	n->type = (uint8_t)cap_type(&s->cap);
	n->revocable = mdb_revocable(s);
	n->first_badged = mdb_first_badged(s);
	n->base = n->end = 0;
	if (checker_cap_range(&s->cap, &n->base, &bits, &n->kind))
		n->end = n->base + (1ull << bits);
	n->size_bits = (uint8_t)bits;
	n->parent = n->last = n->nut = n->up = CK_NONE;
	st->n++;
}

static bool check_sentinel(struct ck_state *st)
{
	if (!st->sentinel)
		return checker_fail(st, "2.mdb.sentinel", "the kernel has no sentinel slot");
	if (st->sentinel->mdb.m0 != 0 || !slot_is_empty(st->sentinel)) {
		checker_fail(st, "2.mdb.sentinel",
			     "the sentinel has a prev link, flags or a cap");
		checker_note_slot(st, "sentinel", slot_paddr(st->sentinel));
		return false;
	}
	return true;
}

/* Check the link from prev (at prev_paddr) to p; fills the violation if bad. */
static bool check_link(struct ck_state *st, uint64_t prev_paddr, uint64_t p)
{
	const struct slot *s;

	if (!checker_plausible_slot(st, p)) {
		checker_fail(st, "2.mdb.link_invalid", "next link names no slot");
		checker_note_slot(st, "from", prev_paddr);
		checker_note_u64(st, "link", p);
		return false;
	}
	s = slot_at(p);
	if (prev_link(s) != prev_paddr) {
		checker_fail(st, "2.mdb.links_symmetric", "next->prev is not the node");
		checker_note_slot(st, "node", prev_paddr);
		checker_note_slot(st, "next", p);
		checker_note_u64(st, "next->prev", prev_link(s));
		return false;
	}
	if (slot_is_empty(s)) {
		checker_fail(st, "2.mdb.null_on_list", "an empty slot is on the list");
		checker_note_slot(st, "slot", p);
		return false;
	}
	return true;
}

/* Walk the list from the sentinel, checking links, and fill node[]. */
bool checker_walk_list(struct ck_state *st)
{
	const struct slot *cur = st->sentinel;
	uint64_t cur_paddr, p;

	st->n = 0;
	if (!check_sentinel(st))
		return false;
	cur_paddr = slot_paddr(cur);
	for (p = next_link(cur); p; cur_paddr = p, p = next_link(cur)) {
		if (!check_link(st, cur_paddr, p))
			return false;
		if (st->n == st->cap)
			return checker_fail(st, "checker.scratch",
					    "more caps than scratch has room for");
		cur = slot_at(p);
		record_node(st, cur, p);
		if (!checker_check_node(st, st->n - 1))
			return false;
	}
	return true;
}

static uint64_t slot_count(const struct ck_node *n)
{
	if (n->type == KMM_CAP_TYPE_CNODE)
		return 1ull << cap_cnode_radix(&n->cap);
	if (n->type == KMM_CAP_TYPE_ZOMBIE && cap_zombie_radix(&n->cap) != ZOMBIE_TCB)
		return 1ull << cap_zombie_radix(&n->cap);
	return KMM_TCB_SLOTS;
}

static bool holds_slots(const struct ck_node *n)
{
	return n->type == KMM_CAP_TYPE_CNODE || n->type == KMM_CAP_TYPE_TCB ||
	       n->type == KMM_CAP_TYPE_ZOMBIE;
}

static int cmp_base(const struct ck_state *st, uint32_t a, uint32_t b)
{
	const struct ck_node *x = &st->node[a], *y = &st->node[b];

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return a < b ? -1 : a > b;
}

static bool listed(const struct ck_state *st, uint64_t p)
{
	uint32_t lo = 0, hi = st->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->q[mid] < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->n && st->q[lo] == p;
}

/* 2.zombie.*: cspace.c invariant (1) and the slots it has already cleared. */
static bool check_zombie(struct ck_state *st, uint32_t i)
{
	const struct ck_node *n = &st->node[i];
	uint64_t count = cap_zombie_count(&n->cap), k;

	if (count > slot_count(n)) {
		checker_fail(st, "2.zombie.count_le_slots", "zombie count above its slots");
		checker_note_node(st, "zombie", i);
		checker_note_u64(st, "count", count);
		return false;
	}
	for (k = count; k < slot_count(n); k++) {
		if (!slot_is_empty(slot_index(n->base, k))) {
			checker_fail(st, "2.zombie.cleared_above_count",
				     "a slot at or above the zombie count is not empty");
			checker_note_node(st, "zombie", i);
			checker_note_slot(st, "slot", slot_paddr(slot_index(n->base, k)));
			return false;
		}
	}
	return true;
}

/*
 * Scan one slot array: empty slots must be unlinked; count the full ones
 * into *full.  The array lies in one RAM range (1.objects.in_ram), so one
 * trip through the kernel window covers it.
 */
static bool scan_array(struct ck_state *st, uint32_t i, uint64_t *full)
{
	const struct ck_node *n = &st->node[i];
	const struct slot *s = slot_at(n->base);
	uint64_t k, count = slot_count(n);

	for (k = 0; k < count; k++, s++) {
		if (s == st->sentinel)
			continue;
		if (!slot_is_empty(s)) {
			(*full)++;
		} else if (s->mdb.m0 || s->mdb.m1) {
			checker_fail(st, "2.mdb.null_slot_links", "an empty slot has links");
			checker_note_slot(st, "slot", n->base + (k << KMM_SLOT_BITS));
			checker_note_node(st, "in", i);
			return false;
		}
	}
	return n->type != KMM_CAP_TYPE_ZOMBIE || check_zombie(st, i);
}

/* Slow path, after a count mismatch: name a full slot that is not listed. */
static bool report_unlisted(struct ck_state *st, uint32_t m)
{
	uint32_t i, k;
	uint64_t j;

	for (i = 0; i < st->n; i++)
		st->q[i] = st->node[i].slot;
	checker_sort_u64(st->q, st->n);
	for (k = 0; k < m; k++) {
		const struct ck_node *n = &st->node[st->ib[k]];

		for (j = 0; j < slot_count(n); j++) {
			uint64_t p = n->base + (j << KMM_SLOT_BITS);

			if (!slot_is_empty(slot_at(p)) && slot_at(p) != st->sentinel &&
			    !listed(st, p)) {
				checker_fail(st, "2.mdb.unlisted_slot",
					     "a non-empty slot is not on the list");
				checker_note_slot(st, "slot", p);
				checker_note_node(st, "in", st->ib[k]);
				return false;
			}
		}
	}
	return checker_fail(st, "2.mdb.unlisted_slot", "full slots outnumber list nodes");
}

/* The array (node index in ib[0..m)) whose slots include p, or CK_NONE. */
static uint32_t array_of(const struct ck_state *st, uint32_t m, uint64_t p)
{
	uint32_t lo = 0, hi = m, a;

	while (lo < hi) {  /* first array with base above p */
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->node[st->ib[mid]].base <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return CK_NONE;
	a = st->ib[lo - 1];
	return p < st->node[a].base + (slot_count(&st->node[a]) << KMM_SLOT_BITS) ?
	       a : CK_NONE;
}

/*
 * 2.mdb: list nodes and non-empty slots of reachable objects are the same
 * set.  List nodes are distinct and full; if each lies in an object and
 * there are as many as full slots, the sets are equal.
 */
bool checker_check_slots(struct ck_state *st)
{
	uint32_t i, m = 0, k;
	uint64_t full = 0;

	for (i = 0; i < st->n; i++)
		if (holds_slots(&st->node[i]))
			st->ib[m++] = i;
	checker_sort(st, st->ib, m, cmp_base);
	for (k = 0; k < m; k++) {
		if (k > 0 && st->node[st->ib[k]].base == st->node[st->ib[k - 1]].base)
			continue;
		if (!scan_array(st, st->ib[k], &full))
			return false;
	}
	for (i = 0; i < st->n; i++) {
		if (array_of(st, m, st->node[i].slot) == CK_NONE) {
			checker_fail(st, "2.mdb.slot_outside_object",
				     "a listed slot lies in no CNode, TCB or zombie");
			checker_note_node(st, "slot", i);
			return false;
		}
	}
	return full == st->n || report_unlisted(st, m);
}

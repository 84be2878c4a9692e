/*
 * The derivation tree and untyped nesting (invariants 2.untyped.* and
 * 1.objects.below_watermark).
 *
 * The tree is not stored: as in seL4, a node's descendants are the run of
 * nodes after it that pass the parent test.  It is rebuilt here with a
 * stack in one pass over the list, using the checker's own parent test
 * (reference b.6), so a kernel that misplaces a cap disagrees with it.
 * Every node then knows its parent, its last descendant (so "a is an
 * ancestor of b" is a range test on list positions) and its nearest
 * untyped ancestor.  Two parts of l4v's valid_mdb hold by construction
 * here: a cap lies inside its parent (the parent test includes the region
 * test), so an untyped's children lie inside it; and descendant runs nest,
 * since region containment is transitive and the child of a badged
 * endpoint is a copy, never revocable, so never a parent itself.  What a
 * misplaced cap breaks is the converse, checked below.
 *
 * Untyped ranges are then sorted (base up, larger first, older first) and
 * nested with a second stack: they must be nested or disjoint, and the
 * nesting must agree with the tree (l4v's untyped_inc; for two caps with
 * the same range the older copy is the ancestor).  Every cap inside an
 * untyped must descend from the innermost untyped around it (untyped_mdb),
 * so revoking that untyped reaches it.
 */
#include "checker_int.h"

static bool is_badged_type(uint8_t t)
{
	return t == KMM_CAP_TYPE_ENDPOINT || t == KMM_CAP_TYPE_NOTIFICATION;
}

/* Reference b.6, "same region": does a's authority cover b's object? */
static bool same_region(const struct ck_node *a, const struct ck_node *b)
{
	switch (a->type) {
	case KMM_CAP_TYPE_UNTYPED:
		return b->end > b->base && checker_contains(a, b);
	case KMM_CAP_TYPE_FRAME:
		return b->type == KMM_CAP_TYPE_FRAME && checker_contains(a, b);
	case KMM_CAP_TYPE_CNODE:
		return b->type == a->type && b->base == a->base &&
		       b->size_bits == a->size_bits;
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
	case KMM_CAP_TYPE_TCB:
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
	case KMM_CAP_TYPE_PML4:
	case KMM_CAP_TYPE_ASID_POOL:
		return b->type == a->type && b->base == a->base;
	case KMM_CAP_TYPE_ASID_CONTROL:
		return b->type == a->type;
	default:
		return false;
	}
}

/* Reference b.6, isMDBParentOf(a, b) for b after a in the list. */
static bool is_parent(const struct ck_state *st, uint32_t ia, uint32_t ib)
{
	const struct ck_node *a = &st->node[ia], *b = &st->node[ib];
	uint64_t badge;

	if (!a->revocable || !same_region(a, b))
		return false;
	if (!is_badged_type(a->type))
		return true;
	badge = cap_ep_badge(&a->cap);
	return badge == 0 || (badge == cap_ep_badge(&b->cap) && !b->first_badged);
}

bool checker_is_ancestor(const struct ck_state *st, uint32_t a, uint32_t b)
{
	return a < b && b <= st->node[a].last;
}

/*
 * Nearest untyped ancestor of i, and i's place below its watermark.  That
 * i lies inside its parent, and so inside that untyped, holds by
 * construction: the parent test includes the region test.
 */
static bool check_place(struct ck_state *st, uint32_t i)
{
	struct ck_node *n = &st->node[i];
	const struct ck_node *p;

	if (n->parent == CK_NONE)
		return true;
	p = &st->node[n->parent];
	n->nut = p->type == KMM_CAP_TYPE_UNTYPED ? n->parent : p->nut;
	if (n->nut == CK_NONE || n->end == n->base ||
	    n->end <= checker_watermark(&st->node[n->nut]))
		return true;
	checker_fail(st, "1.objects.below_watermark",
		     "an object reaches above its untyped ancestor's watermark");
	checker_note_node(st, "untyped", n->nut);
	checker_note_node(st, "cap", i);
	return false;
}

/* Rebuild the tree from list order (stack in ib) and check each node's place. */
bool checker_build_tree(struct ck_state *st)
{
	uint32_t i, sp = 0;

	for (i = 0; i < st->n; i++) {
		while (sp > 0 && !is_parent(st, st->ib[sp - 1], i))
			st->node[st->ib[--sp]].last = i - 1;
		st->node[i].parent = sp > 0 ? st->ib[sp - 1] : CK_NONE;
		st->ib[sp++] = i;
	}
	while (sp > 0)
		st->node[st->ib[--sp]].last = st->n - 1;
	for (i = 0; i < st->n; i++)
		if (!check_place(st, i))
			return false;
	return true;
}

static int cmp_untyped(const struct ck_state *st, uint32_t a, uint32_t b)
{
	const struct ck_node *x = &st->node[a], *y = &st->node[b];

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	if (x->size_bits != y->size_bits)
		return x->size_bits > y->size_bits ? -1 : 1;
	return a < b ? -1 : a > b;
}

static bool same_range(const struct ck_node *a, const struct ck_node *b)
{
	return a->base == b->base && a->end == b->end;
}

/*
 * Cap i lies inside untyped u, the innermost untyped around it: it must
 * descend from u.  Then u is i's nearest untyped ancestor, so "below u's
 * watermark" is 1.objects.below_watermark, already checked.
 */
static bool check_inside(struct ck_state *st, uint32_t u, uint32_t i, const char *inv)
{
	if (checker_is_ancestor(st, u, i))
		return true;
	checker_fail(st, inv, "a cap inside an untyped is not its descendant");
	checker_note_node(st, "untyped", u);
	checker_note_node(st, "cap", i);
	return false;
}

static bool nest_untyped(struct ck_state *st, uint32_t *sp, uint32_t u)
{
	const struct ck_node *n = &st->node[u];
	uint32_t top;

	while (*sp > 0 && !checker_contains(&st->node[st->ib[*sp - 1]], n)) {
		top = st->ib[--*sp];
		if (st->node[top].end > n->base) {
			checker_fail(st, "2.untyped.nested_or_disjoint",
				     "two untyped ranges partly overlap");
			checker_note_node(st, "a", top);
			checker_note_node(st, "b", u);
			return false;
		}
	}
	top = *sp > 0 ? st->ib[*sp - 1] : CK_NONE;
	st->ib[(*sp)++] = u;
	st->node[u].up = top;
	if (top == CK_NONE)
		return true;
	if (same_range(&st->node[top], n))
		st->node[u].up = st->node[top].up;
	return check_inside(st, top, u, "2.untyped.nesting_agrees_tree");
}

/* The innermost untyped around non-untyped cap i (position search in ic). */
static uint32_t innermost_untyped(const struct ck_state *st, uint32_t i)
{
	const struct ck_node *x = &st->node[i];
	uint32_t lo = 0, hi = st->nut, u;

	while (lo < hi) {  /* first untyped with base above x */
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->node[st->ic[mid]].base <= x->base)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return CK_NONE;
	u = st->ic[lo - 1];
	while (u != CK_NONE && !checker_contains(&st->node[u], x))
		u = st->node[u].up;
	return u;
}

/* 2.untyped.*: nesting of untyped ranges, and caps inside untypeds. */
bool checker_check_untypeds(struct ck_state *st)
{
	uint32_t i, k, sp = 0;

	st->nut = 0;
	for (i = 0; i < st->n; i++)
		if (st->node[i].type == KMM_CAP_TYPE_UNTYPED)
			st->ic[st->nut++] = i;
	checker_sort(st, st->ic, st->nut, cmp_untyped);
	for (k = 0; k < st->nut; k++)
		if (!nest_untyped(st, &sp, st->ic[k]))
			return false;
	for (i = 0; i < st->n; i++) {
		const struct ck_node *n = &st->node[i];
		uint32_t u;

		if (n->type == KMM_CAP_TYPE_UNTYPED || n->end == n->base)
			continue;
		u = innermost_untyped(st, i);
		if (u != CK_NONE &&
		    !check_inside(st, u, i, "2.untyped.contained_is_descendant"))
			return false;
	}
	return true;
}

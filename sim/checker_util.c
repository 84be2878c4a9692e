/*
 * The checker's small tools: an in-place heap sort (no recursion, no
 * allocation, O(n log n) worst case, so a hostile state cannot make the
 * checker slow or deep), and the violation text, built without libc.
 */
#include "checker_int.h"

static void sift_down(const struct ck_state *st, uint32_t *a, uint32_t root, uint32_t n,
		      checker_cmp_fn cmp)
{
	for (;;) {
		uint32_t child = 2 * root + 1, t;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(st, a[child], a[child + 1]) < 0)
			child++;
		if (cmp(st, a[root], a[child]) >= 0)
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Sort index array a[0..n) ascending by cmp. */
void checker_sort(const struct ck_state *st, uint32_t *a, uint32_t n, checker_cmp_fn cmp)
{
	uint32_t i, t;

	for (i = n / 2; i-- > 0;)
		sift_down(st, a, i, n, cmp);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift_down(st, a, 0, i, cmp);
	}
}

static void sift_down_u64(uint64_t *a, uint32_t root, uint32_t n)
{
	for (;;) {
		uint32_t child = 2 * root + 1;
		uint64_t t;

		if (child >= n)
			return;
		if (child + 1 < n && a[child] < a[child + 1])
			child++;
		if (a[root] >= a[child])
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Sort a[0..n) ascending. */
void checker_sort_u64(uint64_t *a, uint32_t n)
{
	uint32_t i;
	uint64_t t;

	for (i = n / 2; i-- > 0;)
		sift_down_u64(a, i, n);
	for (i = n; i-- > 1;) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		sift_down_u64(a, 0, i);
	}
}

static void put_str(struct ck_state *st, const char *s)
{
	char *d = st->v->detail;
	size_t len = 0;

	while (d[len])
		len++;
	while (*s && len + 1 < sizeof(st->v->detail))
		d[len++] = *s++;
	d[len] = '\0';
}

static void put_hex(struct ck_state *st, uint64_t x)
{
	char buf[19];
	unsigned i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[x & 15];
		x >>= 4;
	} while (x);
	buf[--i] = 'x';
	buf[--i] = '0';
	put_str(st, buf + i);
}

static const char *const type_names[KMM_CAP_TYPE_COUNT] = {
	"null", "untyped", "endpoint", "notification", "cnode", "tcb", "zombie",
	"frame", "page_table", "page_directory", "pdpt", "pml4", "asid_control",
	"asid_pool",
};

static const char *type_name(unsigned t)
{
	return t < KMM_CAP_TYPE_COUNT ? type_names[t] : "bad-type";
}

/* Record a violation; further notes append to its detail.  Returns false. */
bool checker_fail(struct ck_state *st, const char *invariant, const char *what)
{
	st->v->invariant = invariant;
	st->v->detail[0] = '\0';
	put_str(st, what);
	return false;
}

/* Append "; label: slot 0x.. <type> [base, end)". */
void checker_note_node(struct ck_state *st, const char *label, uint32_t i)
{
	const struct ck_node *n = &st->node[i];

	checker_note_slot(st, label, n->slot);
	put_str(st, " ");
	put_str(st, type_name(n->type));
	if (n->end > n->base) {
		put_str(st, " [");
		put_hex(st, n->base);
		put_str(st, ", ");
		put_hex(st, n->end);
		put_str(st, ")");
	}
	if (n->type == KMM_CAP_TYPE_UNTYPED) {
		put_str(st, " watermark ");
		put_hex(st, checker_watermark(n));
	}
}

void checker_note_slot(struct ck_state *st, const char *label, uint64_t slot)
{
	put_str(st, "; ");
	put_str(st, label);
	put_str(st, ": slot ");
	put_hex(st, slot);
}

void checker_note_u64(struct ck_state *st, const char *label, uint64_t x)
{
	put_str(st, "; ");
	put_str(st, label);
	put_str(st, " ");
	put_hex(st, x);
}

/* First free byte of an untyped: base + 16·free_index. */
uint64_t checker_watermark(const struct ck_node *ut)
{
	return ut->base + (cap_untyped_free_index(&ut->cap) << KMM_MIN_UNTYPED_BITS);
}

bool checker_contains(const struct ck_node *outer, const struct ck_node *inner)
{
	return outer->base <= inner->base && inner->end <= outer->end;
}

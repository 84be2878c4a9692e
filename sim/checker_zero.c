/*
 * The incremental zero check (invariant 5.untyped.zero_below_old_watermark).
 *
 * The full check scans every untyped's free bytes, which is too slow to
 * run after every op.  Memory above a watermark only goes from objects
 * back to free when the watermark goes down (a reset), so this pass
 * remembers, between checker runs, each untyped cap's watermark by its
 * slot, and when a cap in the same slot naming the same region now has a
 * lower one, scans just the range from the new watermark up to the old.
 *
 * Sound whatever the record says: the range scanned lies above the
 * current watermark, where 5.untyped.zero_above_watermark demands zero
 * anyway, so a stale record (another machine, a cap moved in) can only
 * waste a scan, never report a false violation.  checker_forget() drops
 * the record when a front end boots a fresh machine.  At most ZW_MAX caps
 * are remembered; the others are left to the full check.
 *
 * The record is static (the checker allocates nothing) and is only
 * touched between invocations, as all kmm_inspect_* calls.
 */
#include "checker_int.h"

#define ZW_MAX 512u

struct zw_rec {
	uint64_t slot, base, watermark;
	uint8_t size_bits;
};

static struct {
	struct zw_rec rec[2][ZW_MAX];   /* the last run's, sorted by slot; this run's */
	unsigned n[2];
	unsigned last;                  /* which of rec[] is the last run's */
} zw;

void checker_forget(void)
{
	zw.n[0] = zw.n[1] = 0;
}

/* The last run's record for slot, or NULL. */
static const struct zw_rec *recorded(uint64_t slot)
{
	const struct zw_rec *r = zw.rec[zw.last];
	unsigned lo = 0, hi = zw.n[zw.last];

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (r[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < zw.n[zw.last] && r[lo].slot == slot ? &r[lo] : 0;
}

/* Shell sort by slot (a few hundred records at most). */
static void sort_by_slot(struct zw_rec *r, unsigned n)
{
	for (unsigned gap = n / 2; gap > 0; gap /= 2) {
		for (unsigned i = gap; i < n; i++) {
			struct zw_rec t = r[i];
			unsigned j = i;

			for (; j >= gap && r[j - gap].slot > t.slot; j -= gap)
				r[j] = r[j - gap];
			r[j] = t;
		}
	}
}

/* Is [from, to) of untyped u all zero?  Reports the first nonzero word. */
static bool range_zero(struct ck_state *st, uint32_t u, uint64_t from, uint64_t to)
{
	const uint64_t *w = hal_phys_to_kernel(from);

	for (uint64_t k = 0; k < (to - from) / 8; k++) {
		if (w[k] != 0) {
			checker_fail(st, "5.untyped.zero_below_old_watermark",
				     "memory freed by lowering the watermark is not zero");
			checker_note_node(st, "untyped", u);
			checker_note_u64(st, "at", from + 8 * k);
			checker_note_u64(st, "old watermark", to);
			return false;
		}
	}
	return true;
}

/* Check untyped node u against the record and add it to this run's. */
static bool check_one(struct ck_state *st, uint32_t u)
{
	const struct ck_node *n = &st->node[u];
	const struct zw_rec *old = recorded(n->slot);
	uint64_t wm = checker_watermark(n);
	unsigned next = !zw.last;

	if (zw.n[next] < ZW_MAX)
		zw.rec[next][zw.n[next]++] = (struct zw_rec){ n->slot, n->base, wm, n->size_bits };
	if (old == 0 || old->base != n->base || old->size_bits != n->size_bits ||
	    old->watermark <= wm || cap_untyped_device(&n->cap) ||
	    !checker_in_ram(st, wm, old->watermark))
		return true;
	return range_zero(st, u, wm, old->watermark);
}

bool checker_check_lowered_watermarks(struct ck_state *st)
{
	unsigned next = !zw.last;
	bool ok = true;

	zw.n[next] = 0;
	for (uint32_t u = 0; u < st->n && ok; u++)
		if (st->node[u].type == KMM_CAP_TYPE_UNTYPED)
			ok = check_one(st, u);
	if (!ok)
		return false;
	sort_by_slot(zw.rec[next], zw.n[next]);
	zw.last = next;
	return true;
}

/*
 * The invariant checker: entry points, scratch layout, and the list of
 * invariants.  Each invariant has a stable dotted name, numbered as in
 * DESIGN §6; a violation reports the first one that fails, with the slots
 * and objects involved.  The kernel files that keep each invariant cite
 * the same names (untyped.c, cdt.c, cspace.c, frame.c, pagetable.c,
 * vspace.c).
 *
 * 1  objects
 *   1.objects.size            a cap's object size is in range (untyped
 *                             4..47 bits, CNode radix >= 1 and 5+radix
 *                             <= 47, a known frame size)
 *   1.objects.aligned         every object is aligned to its size
 *   1.objects.in_ram          the slots of a CNode/TCB/zombie lie in RAM
 *   1.objects.overlap         no two distinct objects overlap
 *   1.objects.below_watermark an object lies below the watermark of its
 *                             nearest untyped ancestor.  It lies inside
 *                             that untyped by construction (the parent
 *                             test includes the region test); boot objects
 *                             and orphans (a.9) may have no such ancestor.
 *
 * 2  derivation tree (seL4 l4v valid_mdb as the checklist)
 *   2.mdb.sentinel            the list starts at the kernel's sentinel,
 *                             which has no prev link, flags or cap
 *   2.mdb.link_invalid        every link names a slot in slot memory
 *   2.mdb.links_symmetric     next->prev == self; with the sentinel rule
 *                             this also excludes cycles (mdb_chain_0)
 *   2.mdb.null_on_list        no empty slot is on the list
 *   2.mdb.cap_type            every listed cap has a valid type
 *   2.mdb.null_slot_links     an empty slot has zero links (valid_nullcaps)
 *   2.mdb.unlisted_slot       every non-empty slot of a reachable CNode,
 *                             TCB or zombie is on the list
 *   2.mdb.slot_outside_object every listed slot lies in such an object
 *   2.mdb.same_object_contiguous  caps to one object form one run of the
 *                             list (mdb_chunked), which "final" relies on
 *   2.untyped.revocable       untyped caps are revocable (ut_revocable)
 *   2.untyped.nested_or_disjoint  untyped ranges never partly overlap
 *                             (implied by 1.objects.aligned; the nesting
 *                             pass relies on it)
 *   2.untyped.nesting_agrees_tree an untyped inside another descends from
 *                             it; of two with equal ranges the later copy
 *                             descends from the earlier (untyped_inc)
 *   2.untyped.contained_is_descendant  a cap inside an untyped descends
 *                             from the innermost untyped around it
 *                             (untyped_mdb): revoking the untyped reaches
 *                             every cap to its memory, and with 1.objects.
 *                             below_watermark no cap names memory above a
 *                             watermark, i.e. a destroyed object
 *   2.zombie.count_le_slots   a zombie's count <= its object's slot count
 *   2.zombie.cleared_above_count  its slots from count up are empty
 *   By construction of the tree from the parent test: every cap's parent
 *   covers it and an untyped's children lie inside it.
 *
 * 3  mappings (checker_vm.c; reference c.2, c.4 to c.7)
 *   3.map.cap_fields          a frame cap is unmapped (map type, ASID and
 *                             vaddr all 0) or mapped in a VSpace (type 1,
 *                             ASID != 0, vaddr aligned to its size, end <=
 *                             USER_TOP), with VM rights 1..3; a table cap
 *                             is unmapped (ASID, vaddr 0) or mapped with
 *                             ASID != 0 and vaddr aligned to what its
 *                             parent entry covers; a PML4 cap has an ASID
 *                             != 0 exactly when it says so; a pool's base
 *                             is a multiple of 512
 *   For every live ASID (6.*), its PML4's user half (entries 0..255) is
 *   walked through every present level:
 *   3.map.entry_bits          a present non-leaf entry is exactly
 *                             address|P|RW|US; a leaf sets none of G, NX,
 *                             the software bits or bits 52..62, and a
 *                             large page's address is aligned to its size;
 *                             no PML4 entry sets PS (Accessed and Dirty are
 *                             the MMU's and ignored everywhere)
 *   3.map.table_live          a present non-leaf entry points at a live
 *                             table of the next level (PDPT, PD, PT)
 *   3.map.table_in_ram        ... which lies in RAM
 *   3.map.table_cap           every cap to that table records mapped, this
 *                             ASID, and the entry's vaddr truncated to the
 *                             level (copies exist only while mapped, so
 *                             all caps to a table agree)
 *   3.map.frame_live          a present leaf (4K in a PT, PS at PD/PDPT)
 *                             is the base of a live frame of the level's
 *                             size
 *   3.map.leaf_without_cap    some frame cap to that frame records this
 *                             ASID and vaddr
 *   3.map.leaf_two_caps       and only one does (the converse: a cap whose
 *                             recorded ASID resolves and whose entry is
 *                             present and points at its own frame is the
 *                             only cap recording it; other caps may be
 *                             stale, reference c.7)
 *   3.map.leaf_rights         the leaf grants user mode no more than that
 *                             cap's VM rights (US needs ReadOnly, US+RW
 *                             ReadWrite)
 *   3.map.unmapped_table_clear  a PDPT, PD or PT whose cap records no
 *                             mapping has no present entry: a table is
 *                             born zero, gets entries only while hooked
 *                             into a VSpace (hence mapped), and Unmap zeroes
 *                             it (reference c.4); only deleting its final
 *                             cap leaves the contents, with no cap left
 *
 * 5  accounting
 *   5.untyped.watermark_le_size   16*free_index <= 2^size_bits
 *   5.untyped.used_le_watermark   bytes of distinct live objects inside an
 *                             untyped <= 16*free_index (implied by the
 *                             above in a consistent tree; kept as the
 *                             accounting statement itself)
 *   5.untyped.zero_above_watermark  (CHECK_FULL) non-device memory above
 *                             the watermark is zero
 *   5.untyped.zero_below_old_watermark  (every run, incremental;
 *                             checker_zero.c) an untyped cap whose watermark
 *                             went down since the previous run (same slot,
 *                             same region) reads zero from its new
 *                             watermark up to its old one: a reset zeroes
 *                             what it frees
 *
 * 6  ASIDs (checker_vm.c; reference c.3)
 *   6.asid.pool_in_table      every live ASID pool is the ASID-table entry
 *                             at its base / 512 (a pool leaves the table
 *                             only when its final cap is deleted)
 *   6.asid.table_entry_live   a nonzero ASID-table entry is the address of
 *                             a live ASID pool in RAM
 *   6.asid.pool_base          every cap to the pool in entry k has base
 *                             k * 512
 *   6.asid.zero_assigned      ASID 0 is never assigned
 *   6.asid.entry_live         a nonzero pool entry is the address of a
 *                             live PML4 in RAM
 *   6.asid.pml4_twice         no PML4 is in two pool entries
 *   6.asid.entry_cap          some cap to that PML4 records this ASID
 *
 * checker.scratch: the caller's scratch was too small (not an invariant).
 *
 * Cost: CHECK_CHEAP is O(n log n) in caps plus the slots of reachable
 * CNodes, the live ASID pools (512 words each) and the present page
 * tables of every live ASID (512 words each, a binary search per present
 * entry), 512 words per unmapped table cap, and the bytes freed by a
 * lowered watermark since the last run; CHECK_FULL adds a scan of every
 * untyped's free bytes.
 */
#include "checker_int.h"
#include "kernel/cdt.h"

#define CK_ALIGN 16u

static size_t align_up_size(size_t x)
{
	return (x + CK_ALIGN - 1) & ~(size_t)(CK_ALIGN - 1);
}

/* Bytes for n nodes: the state, nodes, q (n + 1 words) and three index arrays. */
static size_t bytes_for(size_t n)
{
	return CK_ALIGN + align_up_size(sizeof(struct ck_state)) +
	       align_up_size(n * sizeof(struct ck_node)) +
	       align_up_size((n + 1) * sizeof(uint64_t)) +
	       3 * align_up_size(n * sizeof(uint32_t));
}

/* The most nodes that scratch of this size has room for. */
static uint32_t capacity(size_t bytes)
{
	size_t lo = 0, hi = UINT32_MAX - 2;

	if (bytes < bytes_for(0))
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (bytes_for(mid) <= bytes)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint32_t)lo;
}

static struct ck_state *layout(void *scratch, size_t bytes)
{
	uintptr_t p = ((uintptr_t)scratch + CK_ALIGN - 1) & ~(uintptr_t)(CK_ALIGN - 1);
	struct ck_state *st = (struct ck_state *)p;
	uint32_t n = capacity(bytes);

	p += align_up_size(sizeof(*st));
	st->cap = n;
	st->node = (struct ck_node *)p;
	p += align_up_size((size_t)n * sizeof(struct ck_node));
	st->q = (uint64_t *)p;
	p += align_up_size(((size_t)n + 1) * sizeof(uint64_t));
	st->ia = (uint32_t *)p;
	p += align_up_size((size_t)n * sizeof(uint32_t));
	st->ib = (uint32_t *)p;
	p += align_up_size((size_t)n * sizeof(uint32_t));
	st->ic = (uint32_t *)p;
	return st;
}

static void copy_text(char *d, const char *s, size_t room)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < room; i++)
		d[i] = s[i];
	d[i] = '\0';
}

size_t checker_scratch_bytes(void)
{
	static struct ck_state probe;  /* only its RAM table is used */

	probe.sentinel = cdt_sentinel();
	checker_ram_init(&probe);
	return bytes_for((size_t)checker_count_list(&probe) + 1);
}

bool checker_run(enum check_level level, struct check_violation *v, void *scratch,
		 size_t scratch_bytes)
{
	struct ck_state *st;

	v->invariant = 0;
	v->detail[0] = '\0';
	if (!scratch || scratch_bytes < bytes_for(1)) {
		copy_text(v->detail, "scratch smaller than checker_scratch_bytes()",
			  sizeof(v->detail));
		v->invariant = "checker.scratch";
		return false;
	}
	st = layout(scratch, scratch_bytes);
	st->level = level;
	st->v = v;
	st->n = st->nobj = st->nut = 0;
	st->sentinel = cdt_sentinel();
	checker_ram_init(st);
	return checker_walk_list(st) && checker_check_objects(st) &&
	       checker_build_tree(st) && checker_check_untypeds(st) &&
	       checker_check_slots(st) && checker_check_accounting(st) &&
	       checker_check_lowered_watermarks(st) && checker_check_vm(st);
}

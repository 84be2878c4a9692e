/*
 * Paging structures: PDPT, PageDirectory and PageTable Map and Unmap
 * (reference c.4, c.7, b.3.1), through kmm_invoke on the real kernel_core.
 * Most tests loop over the three levels (_i: 0 PDPT, 1 PD, 2 PT); each
 * provokes one check of c.4 in order, with its exact detail words, and
 * looks at the entry one level up through kmm_inspect_pte.
 *
 * Fixture: an 8 MiB untyped UT and a new vspace VS (ASID 2).  For level
 * _i the table under test is T; the levels above it at VA are made and
 * mapped by above(); the child below it (a PD, PT or 4K frame) is KID.
 */
#include "kmm_test.h"

#define UT    KT_FREE
#define VS    (KT_FREE + 1)
#define T     (KT_FREE + 2)
#define T2    (KT_FREE + 3)
#define COPY  (KT_FREE + 4)
#define KID   (KT_FREE + 5)
#define FR    (KT_FREE + 6)    /* a 4K frame below KID when KID is a table */
#define UP    (KT_FREE + 10)   /* UP + 0, UP + 1: the levels above T */
#define PML4X (KT_FREE + 20)
#define P     (KT_FREE + 21)
#define Q     (KT_FREE + 22)
#define UT4K  (KT_FREE + 23)
#define POOL  (KT_FREE + 24)
#define BIG   (KT_FREE + 25)
#define EMPTY (KT_FREE + 99)

#define VA    0x400000ull   /* PML4 0, PDPT 0, PD 2, PT 0 */
#define ASID  2

static const struct level {
	enum kmm_object_type obj;
	uint64_t map_label, unmap_label;
	unsigned entry_level;   /* the level of the entry the table is hooked into */
	unsigned shift;         /* what that entry covers: vaddrs truncate to it */
} levels[3] = {
	{ KMM_OBJ_PDPT, KMM_X86_PDPT_MAP, KMM_X86_PDPT_UNMAP, 0, 39 },
	{ KMM_OBJ_PAGE_DIRECTORY, KMM_X86_PAGE_DIRECTORY_MAP, KMM_X86_PAGE_DIRECTORY_UNMAP, 1, 30 },
	{ KMM_OBJ_PAGE_TABLE, KMM_X86_PAGE_TABLE_MAP, KMM_X86_PAGE_TABLE_UNMAP, 2, 21 },
};

static uint64_t pa(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static void make_fixture(void)
{
	kt_make_untyped(23, UT);
	ck_assert_uint_eq(kt_make_vspace(UT, VS, KMM_CAP_ROOT_ASID_POOL), ASID);
}

/* Make and map, in vspace, the levels above level i that lead to va. */
static void above(int i, uint64_t vspace, uint64_t va, uint64_t first_slot)
{
	kt_make_path(UT, vspace, va, i > 0 ? first_slot : 0, i > 1 ? first_slot + 1 : 0, 0);
}

/* T: a table of level i, unmapped, with its levels above mapped at VA. */
static void make_t(int i)
{
	above(i, VS, VA, UP);
	kt_make(UT, levels[i].obj, 0, T);
}

static struct kmm_result invoke_t(uint64_t label, unsigned nwords, uint64_t vaddr,
				  unsigned ncaps, uint64_t vspace)
{
	uint64_t w[3] = { vaddr, 0, 0 };

	return cnode_op(T, label, nwords, w, ncaps, &vspace);
}

/* Put the child of level i below T at VA (T mapped): a PD, a PT or a frame. */
static void make_kid(int i)
{
	if (i == 2) {
		kt_make(UT, KMM_OBJ_4K_PAGE, 0, KID);
		ck_assert_ok(page_map(KID, VS, VA, KT_RW, 0));
		return;
	}
	kt_make(UT, levels[i + 1].obj, 0, KID);
	ck_assert_ok(table_map(KID, VS, VA));
}

/* What KID's cap records as its vaddr. */
static uint64_t kid_vaddr(int i)
{
	return i == 2 ? VA : VA & ~((1ull << levels[i + 1].shift) - 1);
}

static bool table_is_zero(uint64_t paddr)
{
	return kt_mem_is(paddr, 4096, 0);
}

/* A vspace P whose ASID (512) is dead; with reuse, Q has ASID 512 now. */
static void make_dead_asid(bool reuse)
{
	kt_make_untyped(12, UT4K);
	ck_assert_ok(asid_make_pool(UT4K, POOL));
	ck_assert_uint_eq(kt_make_vspace(UT, P, POOL), 512);
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	if (!reuse)
		return;
	ck_assert_ok(asid_make_pool(UT4K, POOL));
	ck_assert_uint_eq(kt_make_vspace(UT, Q, POOL), 512);
}

/* ---- check 1: the label ----------------------------------------------- */

START_TEST(table_invoked_with_another_levels_label_fails_illegal_operation)
{
	int j;

	make_t(_i);
	for (j = 0; j < 3; j++) {
		if (j == _i)
			continue;
		ck_assert_result(invoke_t(levels[j].map_label, 2, VA, 1, VS),
				 KMM_ILLEGAL_OPERATION, 0);
		ck_assert_result(invoke_t(levels[j].unmap_label, 0, 0, 0, VS),
				 KMM_ILLEGAL_OPERATION, 0);
	}
	ck_assert_result(invoke_t(KMM_X86_PAGE_MAP, 3, VA, 1, VS), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(invoke_t(KMM_X86_PAGE_UNMAP, 0, 0, 0, VS), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(invoke_t(KMM_X86_ASID_POOL_ASSIGN, 0, 0, 1, VS),
			 KMM_ILLEGAL_OPERATION, 0);
	/* The label is checked before the message length. */
	ck_assert_result(invoke_t(levels[(_i + 1) % 3].map_label, 0, 0, 0, VS),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

/* ---- check 2: the message --------------------------------------------- */

START_TEST(table_map_with_one_word_or_no_vspace_fails_truncated_message)
{
	make_t(_i);
	ck_assert_result(invoke_t(levels[_i].map_label, 1, VA, 1, VS), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(invoke_t(levels[_i].map_label, 2, VA, 0, VS), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(invoke_t(levels[_i].map_label, 0, VA, 0, VS), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

/* ---- check 3: already mapped ------------------------------------------ */

START_TEST(table_map_of_a_mapped_table_fails_invalid_capability_0)
{
	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_result(table_map(T, VS, VA), KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_result(table_map(T, VS, VA + (1ull << levels[_i].shift)),
			 KMM_INVALID_CAPABILITY, 1, 0);
	/* Before the vspace and the range are looked at. */
	ck_assert_result(table_map(T, EMPTY, 1ull << 47), KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_result(invoke_t(levels[_i].map_label, 2, VA, 1, EMPTY),
			 KMM_INVALID_CAPABILITY, 1, 0);
	/* But after the message length. */
	ck_assert_result(invoke_t(levels[_i].map_label, 1, VA, 1, VS), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_mapping(T, true, ASID, VA & ~((1ull << levels[_i].shift) - 1));
}
END_TEST

/* ---- check 4: truncation ---------------------------------------------- */

START_TEST(table_map_truncates_an_unaligned_vaddr_silently)
{
	uint64_t span = 1ull << levels[_i].shift;
	uint64_t base = _i == 0 ? 3 * span : VA & ~(span - 1);
	uint64_t va = base + span / 2 + 0x1234;
	unsigned l = levels[_i].entry_level;

	if (_i == 0) {
		kt_make(UT, levels[_i].obj, 0, T);
	} else {
		above(_i, VS, va, UP);
		kt_make(UT, levels[_i].obj, 0, T);
	}
	ck_assert_ok(table_map(T, VS, va));
	ck_assert_mapping(T, true, ASID, base);
	/* The entry that decides base is now the one below T, not present. */
	ck_assert_pte(VS, base, l + 1, 0);
	ck_assert_pte(VS, va, l + 1, 0);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(pdpt_map_at_user_top_truncates_to_the_last_pml4_entry)
{
	kt_make(UT, KMM_OBJ_PDPT, 0, T);
	ck_assert_ok(table_map(T, VS, 0x00007fffffffffffull));
	ck_assert_mapping(T, true, ASID, 0x00007f8000000000ull);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pa(VS) + 8 * 255), pa(T) | 0x7);
	kt_assert_checker_ok(0);
}
END_TEST

/* ---- check 5: the vspace ---------------------------------------------- */

START_TEST(table_map_into_a_bad_vspace_fails_invalid_capability_1)
{
	make_t(_i);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, FR);
	kt_make(UT, KMM_OBJ_PML4, 0, PML4X);
	ck_assert_result(table_map(T, EMPTY, VA), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(table_map(T, FR, VA), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(table_map(T, KMM_CAP_ROOT_ASID_POOL, VA), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(table_map(T, T, VA), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(table_map(T, PML4X, VA), KMM_INVALID_CAPABILITY, 1, 1);
	/* Before the range. */
	ck_assert_result(table_map(T, PML4X, 1ull << 47), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

/* ---- check 6: the range ----------------------------------------------- */

START_TEST(table_map_above_user_top_fails_invalid_argument_0)
{
	make_t(_i);
	ck_assert_result(table_map(T, VS, 1ull << 47), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(table_map(T, VS, 0xffff800000000000ull), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(table_map(T, VS, ~0ull), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

START_TEST(table_map_range_is_checked_before_the_asid)
{
	make_t(_i);
	make_dead_asid(false);
	ck_assert_result(table_map(T, P, 1ull << 47), KMM_INVALID_ARGUMENT, 1, 0);
}
END_TEST

/* ---- check 7: the ASID ------------------------------------------------- */

START_TEST(table_map_into_a_dead_asid_fails_failed_lookup_invalid_root)
{
	make_t(_i);
	make_dead_asid(false);
	ck_assert_result(table_map(T, P, VA), KMM_FAILED_LOOKUP, 2, 0, KMM_LOOKUP_INVALID_ROOT);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

START_TEST(table_map_into_an_asid_reused_by_another_pml4_fails_invalid_capability_1)
{
	make_t(_i);
	make_dead_asid(true);
	ck_assert_result(table_map(T, P, VA), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

/* ---- check 8: the walk ------------------------------------------------- */

START_TEST(table_map_with_a_missing_level_fails_failed_lookup_39_30)
{
	kt_make(UT, KMM_OBJ_PAGE_DIRECTORY, 0, T);
	kt_make(UT, KMM_OBJ_PAGE_TABLE, 0, T2);
	ck_assert_result(table_map(T, VS, VA), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
	ck_assert_result(table_map(T2, VS, VA), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
	above(1, VS, VA, UP);
	ck_assert_result(table_map(T2, VS, VA), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 30);
	ck_assert_mapping(T, false, 0, 0);
	ck_assert_mapping(T2, false, 0, 0);
}
END_TEST

/* ---- check 9: the entry ------------------------------------------------ */

START_TEST(table_map_over_a_present_entry_fails_delete_first)
{
	make_t(_i);
	kt_make(UT, levels[_i].obj, 0, T2);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_result(table_map(T2, VS, VA), KMM_DELETE_FIRST, 0);
	ck_assert_mapping(T2, false, 0, 0);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pa(_i == 0 ? VS : UP + (uint64_t)_i - 1) +
					      8 * ((VA >> levels[_i].shift) & 511)),
			  pa(T) | 0x7);
}
END_TEST

START_TEST(page_table_map_over_a_2m_page_fails_delete_first)
{
	above(2, VS, VA, UP);
	kt_make(UT, KMM_OBJ_LARGE_PAGE, 0, BIG);
	kt_make(UT, KMM_OBJ_PAGE_TABLE, 0, T);
	ck_assert_ok(page_map(BIG, VS, VA & ~0x1fffffull, KT_RW, 0));
	ck_assert_result(table_map(T, VS, VA), KMM_DELETE_FIRST, 0);
	ck_assert_pte(VS, VA, 2, pa(BIG) | 0x87);
}
END_TEST

/* ---- check 10: the effect ---------------------------------------------- */

START_TEST(table_map_writes_a_table_entry_and_records_the_mapping)
{
	unsigned l = levels[_i].entry_level;
	uint64_t parent;

	make_t(_i);
	parent = _i == 0 ? pa(VS) : pa(UP + (uint64_t)_i - 1);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_uint_eq(*(uint64_t *)kt_phys(parent + 8 * ((VA >> levels[_i].shift) & 511)),
			  pa(T) | 0x7);
	ck_assert_pte(VS, VA, l + 1, 0);
	ck_assert_mapping(T, true, ASID, VA & ~((1ull << levels[_i].shift) - 1));
	kt_assert_checker_ok(0);
}
END_TEST

/* ---- Unmap ------------------------------------------------------------ */

START_TEST(table_unmap_of_a_non_final_cap_fails_revoke_first)
{
	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_result(table_unmap(T), KMM_REVOKE_FIRST, 0);
	ck_assert_result(table_unmap(COPY), KMM_REVOKE_FIRST, 0);
	ck_assert_mapping(T, true, ASID, VA & ~((1ull << levels[_i].shift) - 1));
	ck_assert_ok(cnode_delete(COPY, KT_DEPTH));
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

START_TEST(table_unmap_clears_the_entry_and_zeroes_the_table)
{
	unsigned l = levels[_i].entry_level;

	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	make_kid(_i);
	ck_assert(!table_is_zero(pa(T)));
	ck_assert_ok(table_unmap(T));
	ck_assert_pte(VS, VA, l, 0);
	ck_assert(table_is_zero(pa(T)));
	ck_assert_mapping(T, false, 0, 0);
	/* The child's cap is stale now: it still records its old place. */
	ck_assert_mapping(KID, true, ASID, kid_vaddr(_i));
	kt_assert_checker_ok(1);
	/* Mapped again, the table is empty. */
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_pte(VS, VA, l + 1, 0);
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(page_table_unmap_leaves_frames_below_stale_and_page_unmap_a_no_op)
{
	make_t(2);
	ck_assert_ok(table_map(T, VS, VA));
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, FR);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, KID);
	ck_assert_ok(page_map(FR, VS, VA, KT_RW, 0));
	ck_assert_ok(page_map(KID, VS, VA + 0x3000, KT_RO, 0));
	ck_assert_ok(table_unmap(T));
	ck_assert(table_is_zero(pa(T)));
	ck_assert_mapping(FR, true, ASID, VA);
	ck_assert_mapping(KID, true, ASID, VA + 0x3000);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(page_unmap(FR));
	ck_assert_mapping(FR, false, 0, 0);
	ck_assert(table_is_zero(pa(T)));
	/* The stale KID maps again at its recorded place: a remap. */
	ck_assert_ok(page_map(KID, VS, VA + 0x3000, KT_RW, 0));
	ck_assert_pte(VS, VA + 0x3000, 3, pa(KID) | 0x7);
	kt_assert_checker_ok(1);
}
END_TEST

/*
 * Unmapping the PD above a PT leaves the PT's cap stale: it records VA,
 * but the PD entry it was hooked into is gone.  Once the PD is back and
 * something else fills that entry, unmapping the stale PT must forget its
 * record and leave the new entry alone.
 */
static void make_stale_page_table(void)
{
	make_t(2);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(table_unmap(UP + 1));
	ck_assert_ok(table_map(UP + 1, VS, VA));
	ck_assert_mapping(T, true, ASID, VA);
}

START_TEST(table_unmap_of_a_stale_page_table_leaves_its_empty_place_empty)
{
	make_stale_page_table();
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
	ck_assert_pte(VS, VA, 2, 0);
}
END_TEST

START_TEST(table_unmap_of_a_stale_page_table_leaves_a_2m_page_in_its_place)
{
	make_stale_page_table();
	kt_make(UT, KMM_OBJ_LARGE_PAGE, 0, BIG);
	ck_assert_ok(page_map(BIG, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
	ck_assert_pte(VS, VA, 2, pa(BIG) | 0x87);
	ck_assert_mapping(BIG, true, ASID, VA);
}
END_TEST

START_TEST(table_unmap_of_a_stale_page_table_leaves_another_table_in_its_place)
{
	make_stale_page_table();
	kt_make(UT, KMM_OBJ_PAGE_TABLE, 0, T2);
	ck_assert_ok(table_map(T2, VS, VA));
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pa(UP + 1) + 8 * ((VA >> 21) & 511)),
			  pa(T2) | 0x7);
	ck_assert_mapping(T2, true, ASID, VA);
}
END_TEST

START_TEST(table_unmap_of_an_unmapped_table_does_nothing)
{
	make_t(_i);
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(table_unmap(T));
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
}
END_TEST

START_TEST(table_unmap_then_map_elsewhere)
{
	uint64_t span = 1ull << levels[_i].shift;

	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(table_unmap(T));
	ck_assert_ok(table_map(T, VS, VA + span));
	ck_assert_mapping(T, true, ASID, (VA & ~(span - 1)) + span);
	ck_assert_pte(VS, VA, levels[_i].entry_level, 0);
	kt_assert_checker_ok(0);
}
END_TEST

/* ---- Delete ----------------------------------------------------------- */

START_TEST(table_delete_of_the_final_cap_unhooks_but_does_not_zero)
{
	unsigned l = levels[_i].entry_level;
	uint64_t t, kid_entry;

	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	make_kid(_i);
	t = pa(T);
	kid_entry = *(uint64_t *)kt_phys(t + 8 * ((VA >> (levels[_i].shift - 9)) & 511));
	ck_assert_uint_eq(kid_entry, pa(KID) | 0x7);
	ck_assert_ok(cnode_delete(T, KT_DEPTH));
	ck_assert_pte(VS, VA, l, 0);
	/* The dead table still holds its entry; the child's cap is stale. */
	ck_assert_uint_eq(*(uint64_t *)kt_phys(t + 8 * ((VA >> (levels[_i].shift - 9)) & 511)),
			  kid_entry);
	ck_assert_mapping(KID, true, ASID, kid_vaddr(_i));
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(table_delete_of_a_non_final_cap_changes_nothing)
{
	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(COPY, KT_DEPTH));
	ck_assert_mapping(T, true, ASID, VA & ~((1ull << levels[_i].shift) - 1));
	ck_assert_pte(VS, VA, levels[_i].entry_level + 1, 0);
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(T, KT_DEPTH));
	ck_assert_pte(VS, VA, levels[_i].entry_level + 1, 0);
	ck_assert_ok(table_unmap(COPY));
	ck_assert_pte(VS, VA, levels[_i].entry_level, 0);
}
END_TEST

/* ---- copies (b.3.1) and moves ------------------------------------------ */

START_TEST(table_copy_of_an_unmapped_table_fails_illegal_operation)
{
	make_t(_i);
	ck_assert_result(cnode_copy(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_mint(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL, 0),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(COPY).type, KMM_CAP_TYPE_NULL);
	/* Moving is no derive: allowed. */
	ck_assert_ok(cnode_move(COPY, KT_DEPTH, T, KT_DEPTH));
	ck_assert_mapping(COPY, false, 0, 0);
}
END_TEST

START_TEST(table_copy_of_a_mapped_table_records_the_same_mapping)
{
	uint64_t base = VA & ~((1ull << levels[_i].shift) - 1);

	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, T, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_mapping(COPY, true, ASID, base);
	ck_assert_uint_eq(pa(COPY), pa(T));
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(table_move_keeps_the_mapping)
{
	uint64_t base = VA & ~((1ull << levels[_i].shift) - 1);

	make_t(_i);
	ck_assert_ok(table_map(T, VS, VA));
	ck_assert_ok(cnode_move(COPY, KT_DEPTH, T, KT_DEPTH));
	ck_assert_mapping(COPY, true, ASID, base);
	kt_assert_checker_ok(0);
	ck_assert_ok(table_unmap(COPY));
	ck_assert_pte(VS, VA, levels[_i].entry_level, 0);
}
END_TEST

START_TEST(table_unmap_of_a_table_in_a_dead_asid_clears_only_the_cap)
{
	uint64_t parent, entry;

	/* T is mapped in P (ASID 512); then P's pool is deleted. */
	kt_make_untyped(12, UT4K);
	ck_assert_ok(asid_make_pool(UT4K, POOL));
	ck_assert_uint_eq(kt_make_vspace(UT, P, POOL), 512);
	above(_i, P, VA, UP);
	kt_make(UT, levels[_i].obj, 0, T);
	ck_assert_ok(table_map(T, P, VA));
	parent = _i == 0 ? pa(P) : pa(UP + (uint64_t)_i - 1);
	entry = parent + 8 * ((VA >> levels[_i].shift) & 511);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(entry), pa(T) | 0x7);
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	ck_assert_mapping(T, true, 512, VA & ~((1ull << levels[_i].shift) - 1));
	ck_assert_ok(table_unmap(T));
	ck_assert_mapping(T, false, 0, 0);
	/* The ASID no longer resolves, so the entry in P is left alone. */
	ck_assert_uint_eq(*(uint64_t *)kt_phys(entry), pa(T) | 0x7);
	ck_assert_ok(table_unmap(T));
	kt_assert_checker_ok(1);
}
END_TEST

static Suite *pagetable_suite(void)
{
	Suite *s = suite_create("pagetable");
	TCase *checks = kt_tcase("map_checks"), *effect = kt_tcase("map_effects");
	TCase *unmap = kt_tcase("unmap_delete"), *copy = kt_tcase("copy_move");

	tcase_add_checked_fixture(checks, make_fixture, NULL);
	tcase_add_loop_test(checks, table_invoked_with_another_levels_label_fails_illegal_operation,
			    0, 3);
	tcase_add_loop_test(checks, table_map_with_one_word_or_no_vspace_fails_truncated_message,
			    0, 3);
	tcase_add_loop_test(checks, table_map_of_a_mapped_table_fails_invalid_capability_0, 0, 3);
	tcase_add_loop_test(checks, table_map_truncates_an_unaligned_vaddr_silently, 0, 3);
	tcase_add_test(checks, pdpt_map_at_user_top_truncates_to_the_last_pml4_entry);
	tcase_add_loop_test(checks, table_map_into_a_bad_vspace_fails_invalid_capability_1, 0, 3);
	tcase_add_loop_test(checks, table_map_above_user_top_fails_invalid_argument_0, 0, 3);
	tcase_add_loop_test(checks, table_map_range_is_checked_before_the_asid, 0, 3);
	tcase_add_loop_test(checks, table_map_into_a_dead_asid_fails_failed_lookup_invalid_root,
			    0, 3);
	tcase_add_loop_test(checks,
			    table_map_into_an_asid_reused_by_another_pml4_fails_invalid_capability_1,
			    0, 3);
	tcase_add_test(checks, table_map_with_a_missing_level_fails_failed_lookup_39_30);
	tcase_add_loop_test(checks, table_map_over_a_present_entry_fails_delete_first, 0, 3);
	tcase_add_test(checks, page_table_map_over_a_2m_page_fails_delete_first);
	suite_add_tcase(s, checks);

	tcase_add_checked_fixture(effect, make_fixture, NULL);
	tcase_add_loop_test(effect, table_map_writes_a_table_entry_and_records_the_mapping, 0, 3);
	suite_add_tcase(s, effect);

	tcase_add_checked_fixture(unmap, make_fixture, NULL);
	tcase_add_loop_test(unmap, table_unmap_of_a_non_final_cap_fails_revoke_first, 0, 3);
	tcase_add_loop_test(unmap, table_unmap_clears_the_entry_and_zeroes_the_table, 0, 3);
	tcase_add_test(unmap, page_table_unmap_leaves_frames_below_stale_and_page_unmap_a_no_op);
	tcase_add_test(unmap, table_unmap_of_a_stale_page_table_leaves_its_empty_place_empty);
	tcase_add_test(unmap, table_unmap_of_a_stale_page_table_leaves_a_2m_page_in_its_place);
	tcase_add_test(unmap, table_unmap_of_a_stale_page_table_leaves_another_table_in_its_place);
	tcase_add_loop_test(unmap, table_unmap_of_an_unmapped_table_does_nothing, 0, 3);
	tcase_add_loop_test(unmap, table_unmap_then_map_elsewhere, 0, 3);
	tcase_add_loop_test(unmap, table_delete_of_the_final_cap_unhooks_but_does_not_zero, 0, 3);
	tcase_add_loop_test(unmap, table_delete_of_a_non_final_cap_changes_nothing, 0, 3);
	tcase_add_loop_test(unmap, table_unmap_of_a_table_in_a_dead_asid_clears_only_the_cap, 0, 3);
	suite_add_tcase(s, unmap);

	tcase_add_checked_fixture(copy, make_fixture, NULL);
	tcase_add_loop_test(copy, table_copy_of_an_unmapped_table_fails_illegal_operation, 0, 3);
	tcase_add_loop_test(copy, table_copy_of_a_mapped_table_records_the_same_mapping, 0, 3);
	tcase_add_loop_test(copy, table_move_keeps_the_mapping, 0, 3);
	suite_add_tcase(s, copy);
	return s;
}

int main(void)
{
	return kt_run(pagetable_suite());
}

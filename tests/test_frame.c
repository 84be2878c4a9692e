/*
 * Frames: X86_Page_Map, Unmap and GetAddress (reference c.5, c.6), through
 * kmm_invoke on the real kernel_core.  Every Page_Map error is provoked in
 * the reference's check order, with its exact detail words, and where two
 * checks could both fire the test proves which one comes first.  kmm's one
 * decision here (reference, top): mapping over any present entry is
 * DeleteFirst, except a remap of the same cap in place.
 *
 * Fixture: an 8 MiB untyped UT; a new vspace VS (ASID 2, from the root
 * pool) with a PDPT, PD and PT leading to VA; unmapped frames F, F2 (4K)
 * and L (2M) from UT.  VA is PML4 0 / PDPT 0 / PD 2 / PT 0; VA2M is PD 3,
 * free for a 2 MiB page.
 */
#include "kmm_test.h"
#include "checker.h"

#define UT    KT_FREE
#define VS    (KT_FREE + 1)
#define PDPT  (KT_FREE + 2)
#define PD    (KT_FREE + 3)
#define PT    (KT_FREE + 4)
#define F     (KT_FREE + 10)
#define F2    (KT_FREE + 11)
#define L     (KT_FREE + 12)
#define C     (KT_FREE + 20)   /* C, C + 1, ...: copies */
#define PT2   (KT_FREE + 30)
#define PML4X (KT_FREE + 31)   /* PML4 without an ASID */
#define P     (KT_FREE + 32)   /* vspaces of a second pool */
#define Q     (KT_FREE + 33)
#define UT4K  (KT_FREE + 34)
#define POOL  (KT_FREE + 35)
#define DEV   (KT_FREE + 36)
#define EMPTY (KT_FREE + 99)

#define VA       0x400000ull
#define VA2M     0x600000ull
#define NO_PT    0x800000ull         /* PD 4: no PT */
#define NO_PD    0x40000000ull       /* PDPT 1: no PD */
#define NO_PDPT  0x8000000000ull     /* PML4 1: no PDPT */
#define LAST_4K  0x00007ffffffff000ull
#define ASID     2

static uint64_t pa(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static void make_fixture(void)
{
	kt_make_untyped(23, UT);
	ck_assert_uint_eq(kt_make_vspace(UT, VS, KMM_CAP_ROOT_ASID_POOL), ASID);
	kt_make_path(UT, VS, VA, PDPT, PD, PT);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, F);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, F2);
	kt_make(UT, KMM_OBJ_LARGE_PAGE, 0, L);
}

static struct kmm_result map_words(uint64_t frame, unsigned nwords, unsigned ncaps)
{
	uint64_t w[3] = { VA, KT_RW, 0 }, vs = VS;

	return cnode_op(frame, KMM_X86_PAGE_MAP, nwords, w, ncaps, &vs);
}

/*
 * A vspace P whose ASID (512, pool 1) is dead: the pool was deleted.  With
 * reuse, a second pool takes index 1 again and Q gets ASID 512, so P's
 * ASID resolves to another PML4.
 */
static void make_dead_asid(bool reuse)
{
	kt_make_untyped(12, UT4K);
	ck_assert_ok(asid_make_pool(UT4K, POOL));
	ck_assert_uint_eq(kt_make_vspace(UT, P, POOL), 512);
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), 0);
	if (!reuse)
		return;
	ck_assert_ok(asid_make_pool(UT4K, POOL));
	ck_assert_uint_eq(kt_make_vspace(UT, Q, POOL), 512);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), pa(Q));
}

/* ---- check 1: message length ---------------------------------------- */

START_TEST(page_map_with_two_words_fails_truncated_message)
{
	ck_assert_result(map_words(F, 2, 1), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_without_vspace_cap_fails_truncated_message)
{
	ck_assert_result(map_words(F, 3, 0), KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(page_map_truncated_is_checked_before_the_vspace)
{
	uint64_t w[2] = { VA, KT_RW }, bad = EMPTY;

	ck_assert_result(cnode_op(F, KMM_X86_PAGE_MAP, 2, w, 1, &bad), KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

/* ---- check 2: the vspace --------------------------------------------- */

START_TEST(page_map_into_non_pml4_fails_invalid_capability_1)
{
	ck_assert_result(page_map(F, PT, VA, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(page_map(F, F2, VA, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(page_map(F, KMM_CAP_ROOT_ASID_POOL, VA, KT_RW, 0),
			 KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(page_map(F, EMPTY, VA, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_into_unassigned_pml4_fails_invalid_capability_1)
{
	kt_make(UT, KMM_OBJ_PML4, 0, PML4X);
	ck_assert_result(page_map(F, PML4X, VA, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
}
END_TEST

START_TEST(page_map_bad_vspace_is_checked_before_the_range)
{
	kt_make(UT, KMM_OBJ_PML4, 0, PML4X);
	ck_assert_result(page_map(F, PML4X, 1ull << 47, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
}
END_TEST

/* ---- check 3: the cap's own mapping, or the range --------------------- */

START_TEST(page_map_of_cap_mapped_in_another_asid_fails_invalid_capability_1)
{
	kt_make_path(UT, KMM_CAP_ROOT_VSPACE, VA, C + 1, C + 2, C + 3);
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F, KMM_CAP_ROOT_VSPACE, VA, KT_RW, 0),
			 KMM_INVALID_CAPABILITY, 1, 1);
	/* The ASID test comes before the vaddr test. */
	ck_assert_result(page_map(F, KMM_CAP_ROOT_VSPACE, VA + 4096, KT_RW, 0),
			 KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_pte(KMM_CAP_ROOT_VSPACE, VA, 3, 0);
}
END_TEST

START_TEST(page_map_of_cap_mapped_elsewhere_fails_invalid_argument_0)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F, VS, VA + 4096, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	/* A mapped cap skips the range check: the vaddr test answers first. */
	ck_assert_result(page_map(F, VS, 1ull << 47, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_pte(VS, VA + 4096, 3, 0);
}
END_TEST

START_TEST(page_map_above_user_top_fails_invalid_argument_0)
{
	ck_assert_result(page_map(F, VS, 1ull << 47, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(page_map(F, VS, 0xffff800000000000ull, KT_RW, 0),
			 KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(page_map(F, VS, ~0ull << 12, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	/* An unaligned vaddr above the top: the range is checked first. */
	ck_assert_result(page_map(F, VS, (1ull << 47) + 8, KT_RW, 0),
			 KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_of_the_last_page_below_2_47_fails_invalid_argument_0)
{
	/* vaddr <= USER_TOP, but vaddr + 4K > USER_TOP. */
	ck_assert_result(page_map(F, VS, LAST_4K, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(page_map(L, VS, 0x00007fffffe00000ull, KT_RW, 0),
			 KMM_INVALID_ARGUMENT, 1, 0);
	/* The page below it passes the range check and fails on the walk. */
	ck_assert_result(page_map(F, VS, LAST_4K - 4096, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
}
END_TEST

START_TEST(page_map_range_is_checked_before_the_asid)
{
	make_dead_asid(false);
	ck_assert_result(page_map(F, P, LAST_4K, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
}
END_TEST

/* ---- check 4: the ASID resolves to this PML4 -------------------------- */

START_TEST(page_map_into_dead_asid_fails_failed_lookup_invalid_root)
{
	make_dead_asid(false);
	ck_assert_result(page_map(F, P, VA, KT_RW, 0), KMM_FAILED_LOOKUP, 2, 0,
			 KMM_LOOKUP_INVALID_ROOT);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_into_asid_reused_by_another_pml4_fails_invalid_capability_1)
{
	make_dead_asid(true);
	ck_assert_result(page_map(F, P, VA, KT_RW, 0), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_asid_is_checked_before_alignment)
{
	make_dead_asid(false);
	ck_assert_result(page_map(F, P, VA + 8, KT_RW, 0), KMM_FAILED_LOOKUP, 2, 0,
			 KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

/* ---- check 6: alignment ---------------------------------------------- */

START_TEST(page_map_unaligned_fails_alignment_error)
{
	ck_assert_result(page_map(F, VS, VA + 0x800, KT_RW, 0), KMM_ALIGNMENT_ERROR, 0);
	ck_assert_result(page_map(F, VS, VA + 1, KT_RW, 0), KMM_ALIGNMENT_ERROR, 0);
	ck_assert_result(page_map(L, VS, VA2M + 4096, KT_RW, 0), KMM_ALIGNMENT_ERROR, 0);
	/* Alignment comes before the walk: no PDPT there either. */
	ck_assert_result(page_map(L, VS, NO_PDPT + 4096, KT_RW, 0), KMM_ALIGNMENT_ERROR, 0);
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_mapping(L, false, 0, 0);
}
END_TEST

/* ---- check 7: the walk and the entry ---------------------------------- */

START_TEST(page_map_4k_with_missing_levels_fails_failed_lookup_39_30_21)
{
	ck_assert_result(page_map(F, VS, NO_PDPT, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
	ck_assert_result(page_map(F, VS, NO_PD, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 30);
	ck_assert_result(page_map(F, VS, NO_PT, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 21);
	ck_assert_mapping(F, false, 0, 0);
}
END_TEST

START_TEST(page_map_2m_with_missing_levels_fails_failed_lookup_39_30)
{
	ck_assert_result(page_map(L, VS, NO_PDPT, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
	ck_assert_result(page_map(L, VS, NO_PD, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 30);
}
END_TEST

START_TEST(page_map_4k_under_a_2m_page_fails_failed_lookup_21)
{
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 0));
	ck_assert_result(page_map(F, VS, VA2M + 4096, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 21);
}
END_TEST

START_TEST(page_map_2m_over_a_page_table_fails_delete_first)
{
	ck_assert_result(page_map(L, VS, VA & ~0x1fffffull, KT_RW, 0), KMM_DELETE_FIRST, 0);
	ck_assert_pte(VS, VA, 3, 0);
	ck_assert_mapping(L, false, 0, 0);
}
END_TEST

START_TEST(page_map_4k_over_a_present_4k_fails_delete_first)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F2, VS, VA, KT_RW, 0), KMM_DELETE_FIRST, 0);
	/* A copy of the same frame is another cap: no overmapping either. */
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_result(page_map(C, VS, VA, KT_RW, 0), KMM_DELETE_FIRST, 0);
	ck_assert_pte(VS, VA, 3, pa(F) | 0x7);
	ck_assert_mapping(F2, false, 0, 0);
	ck_assert_mapping(C, false, 0, 0);
}
END_TEST

START_TEST(page_map_2m_over_a_present_2m_fails_delete_first)
{
	kt_make(UT, KMM_OBJ_LARGE_PAGE, 0, C);
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 0));
	ck_assert_result(page_map(C, VS, VA2M, KT_RW, 0), KMM_DELETE_FIRST, 0);
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x87);
}
END_TEST

START_TEST(page_map_over_a_stale_entry_of_the_same_frame_fails_delete_first)
{
	/* F's copy C maps VA; F itself was never mapped: not a remap. */
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(page_map(C, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F, VS, VA, KT_RW, 0), KMM_DELETE_FIRST, 0);
}
END_TEST

/* ---- success, remap, rights ------------------------------------------ */

START_TEST(page_map_writes_the_entry_and_records_the_mapping)
{
	ck_assert_ok(page_map(F, VS, VA + 0x5000, KT_RW, 0));
	ck_assert_pte(VS, VA + 0x5000, 3, pa(F) | 0x7);
	ck_assert_mapping(F, true, ASID, VA + 0x5000);
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 0));
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x87);
	ck_assert_mapping(L, true, ASID, VA2M);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(page_map_attributes_set_pwt_pcd_pat)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 1));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x0f);
	ck_assert_ok(page_map(F2, VS, VA + 4096, KT_RW, 4));
	ck_assert_pte(VS, VA + 4096, 3, pa(F2) | 0x87);
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 3));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x1f);
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 2));
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x97);
}
END_TEST

START_TEST(page_remap_in_place_changes_rights_and_keeps_the_mapping)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(page_map(F, VS, VA, KT_RO, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_ok(page_map(F, VS, VA, KMM_RIGHT_WRITE, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x3);
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x7);
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 0));
	ck_assert_ok(page_map(L, VS, VA2M, KT_RO, 0));
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x85);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(page_remap_after_the_pt_was_replaced_maps_again)
{
	/* F is stale (its PT was unmapped and zeroed): same ASID and vaddr is a remap. */
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, VS, VA));
	ck_assert_pte(VS, VA, 3, 0);
	ck_assert_ok(page_map(F, VS, VA, KT_RO, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
}
END_TEST

START_TEST(page_map_of_the_original_forgets_a_stale_copys_record)
{
	/* As below with the roles swapped: the stale cap is the copy C. */
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(page_map(C, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, VS, VA));
	ck_assert_mapping(C, true, ASID, VA);
	ck_assert_ok(page_map(F, VS, VA, KT_RO, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_mapping(C, false, 0, 0);
	ck_assert_ok(page_unmap(C));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
}
END_TEST

START_TEST(page_map_of_a_later_copy_forgets_the_stale_originals_record)
{
	/*
	 * F maps VA, then its PT is replaced: F is stale, still recording VA.
	 * A copy C of F (after F in the derivation list) maps VA: F's record
	 * must go, or F's Unmap would later clear C's entry.
	 */
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, VS, VA));
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_ok(page_map(C, VS, VA, KT_RO, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
	ck_assert_mapping(C, true, ASID, VA);
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_ok(page_unmap(F));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x5);
}
END_TEST

/*
 * The VM rights table of c.5: (cap rights, mask) -> the entry's RW/US.
 * ReadWrite: 0x7, ReadOnly: 0x5 (US, no RW), KernelOnly: 0x3 (RW, no US).
 */
static const struct {
	uint64_t copy_mask;  /* made from F by Copy with this mask */
	uint64_t cap_rights; /* the copy's VM rights */
	uint64_t map_mask;
	uint64_t pte_bits;
} rights_table[] = {
	{ KT_RW, KMM_VM_READ_WRITE, KT_RW, 0x7 },
	{ KT_RW, KMM_VM_READ_WRITE, KMM_RIGHTS_ALL, 0x7 },
	{ KT_RW, KMM_VM_READ_WRITE, KT_RO, 0x5 },
	{ KT_RW, KMM_VM_READ_WRITE, KMM_RIGHT_WRITE, 0x3 },
	{ KT_RW, KMM_VM_READ_WRITE, 0, 0x3 },
	{ KT_RW, KMM_VM_READ_WRITE, KMM_RIGHT_GRANT, 0x3 },
	{ KT_RO, KMM_VM_READ_ONLY, KT_RW, 0x5 },
	{ KT_RO, KMM_VM_READ_ONLY, KT_RO, 0x5 },
	{ KT_RO, KMM_VM_READ_ONLY, KMM_RIGHT_WRITE, 0x3 },
	{ KT_RO | KMM_RIGHT_GRANT, KMM_VM_READ_ONLY, KT_RW, 0x5 },
	{ KMM_RIGHT_WRITE, KMM_VM_KERNEL_ONLY, KT_RW, 0x3 },
	{ 0, KMM_VM_KERNEL_ONLY, KT_RW, 0x3 },
	{ KMM_RIGHT_GRANT, KMM_VM_KERNEL_ONLY, KMM_RIGHTS_ALL, 0x3 },
};

START_TEST(page_map_masks_vm_rights_as_the_table_says)
{
	uint64_t va = VA + 0x10000 + 4096ull * (uint64_t)_i;

	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, rights_table[_i].copy_mask));
	ck_assert_uint_eq(kt_cap(C).vm_rights, rights_table[_i].cap_rights);
	ck_assert_ok(page_map(C, VS, va, rights_table[_i].map_mask, 0));
	ck_assert_pte(VS, va, 3, pa(F) | rights_table[_i].pte_bits);
	ck_assert_uint_eq(kt_cap(C).vm_rights, rights_table[_i].cap_rights);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(frame_copy_and_mint_mask_vm_rights)
{
	ck_assert_uint_eq(kt_cap(F).vm_rights, KMM_VM_READ_WRITE);
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KT_RO));
	ck_assert_uint_eq(kt_cap(C).vm_rights, KMM_VM_READ_ONLY);
	/* A copy cannot regain rights. */
	ck_assert_ok(cnode_copy(C + 1, KT_DEPTH, C, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_cap(C + 1).vm_rights, KMM_VM_READ_ONLY);
	ck_assert_ok(cnode_mint(C + 2, KT_DEPTH, F, KT_DEPTH, KMM_RIGHT_WRITE, 0));
	ck_assert_uint_eq(kt_cap(C + 2).vm_rights, KMM_VM_KERNEL_ONLY);
	ck_assert_ok(cnode_mint(C + 3, KT_DEPTH, C + 2, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_uint_eq(kt_cap(C + 3).vm_rights, KMM_VM_KERNEL_ONLY);
	ck_assert_ok(cnode_mint(C + 4, KT_DEPTH, F, KT_DEPTH, KT_RW, 0));
	ck_assert_uint_eq(kt_cap(C + 4).vm_rights, KMM_VM_READ_WRITE);
}
END_TEST

/* ---- Unmap, GetAddress, devices --------------------------------------- */

START_TEST(page_unmap_clears_the_entry_and_the_cap)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(page_unmap(F));
	ck_assert_pte(VS, VA, 3, 0);
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 0));
	ck_assert_ok(page_unmap(L));
	ck_assert_pte(VS, VA2M, 2, 0);
	ck_assert_mapping(L, false, 0, 0);
	/* Unmapped: maps anywhere again. */
	ck_assert_ok(page_map(F, VS, VA + 4096, KT_RW, 0));
	ck_assert_pte(VS, VA + 4096, 3, pa(F) | 0x7);
}
END_TEST

START_TEST(page_unmap_never_fails)
{
	ck_assert_ok(page_unmap(F));       /* never mapped */
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(page_unmap(F));
	ck_assert_ok(page_unmap(F));       /* twice */
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_delete(PT, KT_DEPTH));
	ck_assert_ok(page_unmap(F));       /* its table is gone */
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_ok(page_unmap(F));
}
END_TEST

START_TEST(page_unmap_of_a_stale_cap_leaves_the_new_mapping_alone)
{
	/* F records (2, VA) but the PT was replaced and F2 is mapped there now. */
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, VS, VA));
	ck_assert_ok(page_map(F2, VS, VA, KT_RW, 0));
	ck_assert_ok(page_unmap(F));
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_pte(VS, VA, 3, pa(F2) | 0x7);
	ck_assert_mapping(F2, true, ASID, VA);
}
END_TEST

START_TEST(page_get_address_returns_the_physical_address)
{
	ck_assert_result(page_get_address(F), KMM_OK, 1, pa(F));
	ck_assert_result(page_get_address(L), KMM_OK, 1, pa(L));
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_result(page_get_address(F), KMM_OK, 1, pa(F));
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KT_RO));
	ck_assert_result(page_get_address(C), KMM_OK, 1, pa(F));
}
END_TEST

START_TEST(frame_with_table_label_fails_illegal_operation)
{
	uint64_t w[2] = { VA, 0 }, vs = VS;

	ck_assert_result(cnode_op(F, KMM_X86_PAGE_TABLE_MAP, 2, w, 1, &vs),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_op(F, KMM_X86_ASID_POOL_ASSIGN, 2, w, 1, &vs),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_op(F, KMM_CNODE_COPY, 2, w, 1, &vs), KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(device_frames_map_and_unmap)
{
	uint64_t dev4k = kt_boot_untyped(12, true), dev = kt_boot_untyped(21, true);

	ck_assert_uint_ne(dev4k, dev);
	kt_make(dev4k, KMM_OBJ_4K_PAGE, 0, DEV);
	ck_assert(kt_cap(DEV).is_device);
	ck_assert_ok(page_map(DEV, VS, VA, KT_RW, 0));
	ck_assert_pte(VS, VA, 3, pa(DEV) | 0x7);
	ck_assert_result(page_get_address(DEV), KMM_OK, 1, pa(DEV));
	kt_make(dev, KMM_OBJ_LARGE_PAGE, 0, DEV + 1);
	ck_assert_ok(page_map(DEV + 1, VS, VA2M, KT_RO, 2));
	ck_assert_pte(VS, VA2M, 2, pa(DEV + 1) | 0x95);
	kt_assert_checker_ok(1);
	ck_assert_ok(page_unmap(DEV));
	ck_assert_pte(VS, VA, 3, 0);
}
END_TEST

/* ---- one mapping per cap (c.6) ---------------------------------------- */

START_TEST(frame_maps_twice_only_through_a_copy)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F, VS, VA + 4096, KT_RW, 0), KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_mapping(C, false, 0, 0);
	ck_assert_ok(page_map(C, VS, VA + 4096, KT_RW, 0));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x7);
	ck_assert_pte(VS, VA + 4096, 3, pa(F) | 0x7);
	ck_assert_mapping(F, true, ASID, VA);
	ck_assert_mapping(C, true, ASID, VA + 4096);
	kt_assert_checker_ok(0);
	/* Each copy unmaps its own mapping only. */
	ck_assert_ok(page_unmap(C));
	ck_assert_pte(VS, VA, 3, pa(F) | 0x7);
	ck_assert_pte(VS, VA + 4096, 3, 0);
}
END_TEST

START_TEST(frame_copy_of_a_mapped_cap_starts_unmapped)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_mint(C + 1, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_mapping(C, false, 0, 0);
	ck_assert_mapping(C + 1, false, 0, 0);
	ck_assert_mapping(F, true, ASID, VA);
}
END_TEST

START_TEST(frame_move_keeps_the_mapping)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_move(C, KT_DEPTH, F, KT_DEPTH));
	ck_assert_mapping(C, true, ASID, VA);
	ck_assert_pte(VS, VA, 3, pa(C) | 0x7);
	kt_assert_checker_ok(0);
	ck_assert_ok(page_map(C, VS, VA, KT_RO, 0));  /* a remap, from the new slot */
	ck_assert_pte(VS, VA, 3, pa(C) | 0x5);
	ck_assert_ok(page_unmap(C));
	ck_assert_pte(VS, VA, 3, 0);
}
END_TEST

START_TEST(frame_mutate_keeps_the_mapping)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_mutate(C, KT_DEPTH, F, KT_DEPTH, 0));
	ck_assert_mapping(C, true, ASID, VA);
	ck_assert_pte(VS, VA, 3, pa(C) | 0x7);
	kt_assert_checker_ok(0);
	ck_assert_ok(cnode_delete(C, KT_DEPTH));
	ck_assert_pte(VS, VA, 3, 0);
}
END_TEST

START_TEST(frame_rotate_keeps_both_mappings)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(page_map(F2, VS, VA + 4096, KT_RW, 0));
	ck_assert_ok(cnode_rotate(C, KT_DEPTH, 0, F2, KT_DEPTH, 0, F, KT_DEPTH));
	ck_assert_mapping(C, true, ASID, VA + 4096);
	ck_assert_mapping(F2, true, ASID, VA);
	kt_assert_checker_ok(0);
}
END_TEST

/* ---- 1 GiB pages (a machine with 1 GiB of RAM) ------------------------ */

#define HUGE_UT 28   /* the 1 GiB boot untyped of a 1 GiB machine */
#define SMALL_UT 27  /* a 512 KiB boot untyped for the tables */
#define HUGE    (KT_FREE + 40)
#define VA1G    0x40000000ull   /* PDPT 1 */

/* Boot a 1 GiB machine; VS (ASID 2) with a PDPT at VA1G; HUGE a 1 GiB frame. */
static void boot_1g(void)
{
	struct kt_config cfg = { 1ull << 30, KMM_DEFAULT_WORK_UNITS * 1000, 0 };

	kt_boot_config(&cfg);
	ck_assert_uint_eq(kt_cap(HUGE_UT).size_bits, 30);
	ck_assert_uint_eq(kt_cap(SMALL_UT).size_bits, 19);
	ck_assert_uint_eq(kt_make_vspace(SMALL_UT, VS, KMM_CAP_ROOT_ASID_POOL), ASID);
	kt_make(HUGE_UT, KMM_OBJ_HUGE_PAGE, 0, HUGE);
}

START_TEST(page_map_1g_checks_alignment_pdpt_and_pd_in_order)
{
	ck_assert_result(page_map(HUGE, VS, VA1G + (2ull << 20), KT_RW, 0),
			 KMM_ALIGNMENT_ERROR, 0);
	ck_assert_result(page_map(HUGE, VS, VA1G, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 39);
	kt_make_path(SMALL_UT, VS, VA1G, PDPT, PD, 0);
	ck_assert_result(page_map(HUGE, VS, VA1G, KT_RW, 0), KMM_DELETE_FIRST, 0);
	ck_assert_pte(VS, VA1G, 2, 0);
	ck_assert_mapping(HUGE, false, 0, 0);
}
END_TEST

START_TEST(page_map_1g_writes_a_ps_entry_in_the_pdpt_and_unmap_clears_it)
{
	kt_make_path(SMALL_UT, VS, VA1G, PDPT, 0, 0);
	ck_assert_ok(page_map(HUGE, VS, VA1G, KT_RO, 0));
	ck_assert_pte(VS, VA1G, 1, pa(HUGE) | 0x85);
	ck_assert_pte(VS, VA1G + 0x3ffff000, 1, pa(HUGE) | 0x85);
	ck_assert_mapping(HUGE, true, ASID, VA1G);
	ck_assert_result(page_get_address(HUGE), KMM_OK, 1, pa(HUGE));
	/* Under a 1 GiB page there is no PD: lower maps fail at 30, a PD is DeleteFirst. */
	kt_make(SMALL_UT, KMM_OBJ_4K_PAGE, 0, F);
	kt_make(SMALL_UT, KMM_OBJ_PAGE_DIRECTORY, 0, PD);
	kt_make(SMALL_UT, KMM_OBJ_PAGE_TABLE, 0, PT);
	ck_assert_result(page_map(F, VS, VA1G, KT_RW, 0), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 30);
	ck_assert_result(table_map(PT, VS, VA1G), KMM_FAILED_LOOKUP, 3, 0,
			 KMM_LOOKUP_MISSING_CAPABILITY, 30);
	ck_assert_result(table_map(PD, VS, VA1G), KMM_DELETE_FIRST, 0);
	ck_assert_ok(page_map(HUGE, VS, VA1G, KT_RW, 0));  /* remap */
	ck_assert_pte(VS, VA1G, 1, pa(HUGE) | 0x87);
	kt_assert_checker_ok(0);
	ck_assert_ok(page_unmap(HUGE));
	ck_assert_pte(VS, VA1G, 1, 0);
	ck_assert_mapping(HUGE, false, 0, 0);
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *order = kt_tcase("map_checks"), *ok = kt_tcase("map_effects");
	TCase *rights = kt_tcase("rights"), *other = kt_tcase("unmap_getaddress");
	TCase *one = kt_tcase("one_mapping_per_cap"), *huge = tcase_create("huge");

	tcase_add_checked_fixture(order, make_fixture, NULL);
	tcase_add_test(order, page_map_with_two_words_fails_truncated_message);
	tcase_add_test(order, page_map_without_vspace_cap_fails_truncated_message);
	tcase_add_test(order, page_map_truncated_is_checked_before_the_vspace);
	tcase_add_test(order, page_map_into_non_pml4_fails_invalid_capability_1);
	tcase_add_test(order, page_map_into_unassigned_pml4_fails_invalid_capability_1);
	tcase_add_test(order, page_map_bad_vspace_is_checked_before_the_range);
	tcase_add_test(order, page_map_of_cap_mapped_in_another_asid_fails_invalid_capability_1);
	tcase_add_test(order, page_map_of_cap_mapped_elsewhere_fails_invalid_argument_0);
	tcase_add_test(order, page_map_above_user_top_fails_invalid_argument_0);
	tcase_add_test(order, page_map_of_the_last_page_below_2_47_fails_invalid_argument_0);
	tcase_add_test(order, page_map_range_is_checked_before_the_asid);
	tcase_add_test(order, page_map_into_dead_asid_fails_failed_lookup_invalid_root);
	tcase_add_test(order, page_map_into_asid_reused_by_another_pml4_fails_invalid_capability_1);
	tcase_add_test(order, page_map_asid_is_checked_before_alignment);
	tcase_add_test(order, page_map_unaligned_fails_alignment_error);
	tcase_add_test(order, page_map_4k_with_missing_levels_fails_failed_lookup_39_30_21);
	tcase_add_test(order, page_map_2m_with_missing_levels_fails_failed_lookup_39_30);
	tcase_add_test(order, page_map_4k_under_a_2m_page_fails_failed_lookup_21);
	tcase_add_test(order, page_map_2m_over_a_page_table_fails_delete_first);
	tcase_add_test(order, page_map_4k_over_a_present_4k_fails_delete_first);
	tcase_add_test(order, page_map_2m_over_a_present_2m_fails_delete_first);
	tcase_add_test(order, page_map_over_a_stale_entry_of_the_same_frame_fails_delete_first);
	suite_add_tcase(s, order);

	tcase_add_checked_fixture(ok, make_fixture, NULL);
	tcase_add_test(ok, page_map_writes_the_entry_and_records_the_mapping);
	tcase_add_test(ok, page_map_attributes_set_pwt_pcd_pat);
	tcase_add_test(ok, page_remap_in_place_changes_rights_and_keeps_the_mapping);
	tcase_add_test(ok, page_remap_after_the_pt_was_replaced_maps_again);
	tcase_add_test(ok, page_map_of_a_later_copy_forgets_the_stale_originals_record);
	tcase_add_test(ok, page_map_of_the_original_forgets_a_stale_copys_record);
	suite_add_tcase(s, ok);

	tcase_add_checked_fixture(rights, make_fixture, NULL);
	tcase_add_loop_test(rights, page_map_masks_vm_rights_as_the_table_says, 0,
			    (int)(sizeof(rights_table) / sizeof(rights_table[0])));
	tcase_add_test(rights, frame_copy_and_mint_mask_vm_rights);
	suite_add_tcase(s, rights);

	tcase_add_checked_fixture(other, make_fixture, NULL);
	tcase_add_test(other, page_unmap_clears_the_entry_and_the_cap);
	tcase_add_test(other, page_unmap_never_fails);
	tcase_add_test(other, page_unmap_of_a_stale_cap_leaves_the_new_mapping_alone);
	tcase_add_test(other, page_get_address_returns_the_physical_address);
	tcase_add_test(other, frame_with_table_label_fails_illegal_operation);
	tcase_add_test(other, device_frames_map_and_unmap);
	suite_add_tcase(s, other);

	tcase_add_checked_fixture(one, make_fixture, NULL);
	tcase_add_test(one, frame_maps_twice_only_through_a_copy);
	tcase_add_test(one, frame_copy_of_a_mapped_cap_starts_unmapped);
	tcase_add_test(one, frame_move_keeps_the_mapping);
	tcase_add_test(one, frame_mutate_keeps_the_mapping);
	tcase_add_test(one, frame_rotate_keeps_both_mappings);
	suite_add_tcase(s, one);

	tcase_add_checked_fixture(huge, boot_1g, kt_teardown);
	tcase_set_timeout(huge, 300);
	tcase_add_test(huge, page_map_1g_checks_alignment_pdpt_and_pd_in_order);
	tcase_add_test(huge, page_map_1g_writes_a_ps_entry_in_the_pdpt_and_unmap_clears_it);
	suite_add_tcase(s, huge);
	return s;
}

int main(void)
{
	return kt_run(frame_suite());
}

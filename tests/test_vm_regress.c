/*
 * Regressions: kernel deviations from the reference (../shared/reference/
 * sel4-semantics.md, section c) that the checker and these tests found
 * and that are now fixed.  Each test asserts the reference's behaviour
 * (or kmm's stated decision); the comment above each says what the
 * kernel used to do.
 */
#include "kmm_test.h"

#define UT    KT_FREE
#define VS    (KT_FREE + 1)
#define PDPT  (KT_FREE + 2)
#define PD    (KT_FREE + 3)
#define PT    (KT_FREE + 4)
#define F     (KT_FREE + 5)
#define L     (KT_FREE + 6)
#define C     (KT_FREE + 7)
#define W     (KT_FREE + 8)
#define WPDPT (KT_FREE + 9)
#define WPD   (KT_FREE + 10)

#define VA    0x400000ull
#define VA2M  0x600000ull
#define ASID  2

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
	kt_make(UT, KMM_OBJ_LARGE_PAGE, 0, L);
}

/*
 * Bug 1: a 2 MiB (or 1 GiB) page mapped WriteCombining (attr 4) has PAT in
 * bit 12 of its entry, which frame.c compares as an address bit
 * (pte_addr(e) == paddr).  Reference c.5: Unmap removes the cap's own
 * entry; c.7: so does delete.  Actual: Page_Unmap returns OK and clears
 * the cap, but the entry stays present (a mapping no cap records, never
 * flushed from the TLB; checker 3.map.leaf_without_cap).
 */
START_TEST(page_unmap_of_a_write_combining_2m_page_clears_the_entry)
{
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 4));
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x1087);
	ck_assert_ok(page_unmap(L));
	ck_assert_pte(VS, VA2M, 2, 0);
}
END_TEST

/*
 * Bug 1, second face: reference c.5 step 3 (same ASID, same vaddr) is a
 * remap that succeeds.  Actual: DeleteFirst, because the present entry's
 * "address" (with PAT) does not match the frame.
 */
START_TEST(page_remap_of_a_write_combining_2m_page_succeeds)
{
	ck_assert_ok(page_map(L, VS, VA2M, KT_RW, 4));
	ck_assert_ok(page_map(L, VS, VA2M, KT_RO, 4));
	ck_assert_pte(VS, VA2M, 2, pa(L) | 0x1085);
}
END_TEST

/*
 * Bug 2: reference c.4 Unmap: "if mapped: clear the parent entry (only if
 * it still points at this table), flush, and then zero the whole table"
 * (seL4 zeroes whenever the cap says mapped).  Actual (pagetable.c
 * table_unmap): the table is zeroed only if its parent entry still points
 * at it.  So a stale table (its PD deleted, or its vspace or pool gone)
 * keeps its entries through Unmap, and mapping it again elsewhere revives
 * them: here F becomes reachable in W at VA with no cap recording it
 * (checker 3.map.leaf_without_cap).
 */
START_TEST(table_unmap_of_a_stale_page_table_zeroes_it)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_delete(PD, KT_DEPTH));   /* PT is stale now */
	ck_assert(kt_cap(PT).mapped);
	ck_assert_ok(table_unmap(PT));
	ck_assert(!kt_cap(PT).mapped);
	ck_assert(kt_mem_is(pa(PT), 4096, 0));
}
END_TEST

START_TEST(stale_page_table_mapped_again_brings_no_old_frames)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(cnode_delete(VS, KT_DEPTH));   /* every table is stale */
	kt_make_vspace(UT, W, KMM_CAP_ROOT_ASID_POOL);
	kt_make_path(UT, W, 0x8000000000ull, WPDPT, WPD, 0);
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, W, 0x8000000000ull));
	ck_assert_pte(W, 0x8000000000ull, 3, 0);
	kt_assert_checker_ok(0);
}
END_TEST

/*
 * Bug 3: kmm's decision (reference, top): mapping over a present entry is
 * DeleteFirst except "a remap of the same cap in place".  frame.c
 * decode_entry accepts any present entry that points at the same frame as
 * a remap when the invoked cap records this (ASID, vaddr), even if the
 * entry was written by another cap.  So a stale cap F (its PT was unmapped
 * and mapped again) maps over its copy C's live mapping of the same frame,
 * and two caps record one entry (checker 3.map.leaf_two_caps).  Expected:
 * DeleteFirst.
 */
START_TEST(stale_cap_mapping_over_its_copys_entry_fails_delete_first)
{
	ck_assert_ok(page_map(F, VS, VA, KT_RW, 0));
	ck_assert_ok(table_unmap(PT));
	ck_assert_ok(table_map(PT, VS, VA));
	ck_assert_ok(cnode_copy(C, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(page_map(C, VS, VA, KT_RW, 0));
	ck_assert_result(page_map(F, VS, VA, KT_RO, 0), KMM_DELETE_FIRST, 0);
	kt_assert_checker_ok(0);
}
END_TEST

static Suite *vm_regress_suite(void)
{
	Suite *s = suite_create("vm_regress");
	TCase *tc = kt_tcase("vm_regress");

	tcase_add_checked_fixture(tc, make_fixture, NULL);
	tcase_add_test(tc, page_unmap_of_a_write_combining_2m_page_clears_the_entry);
	tcase_add_test(tc, page_remap_of_a_write_combining_2m_page_succeeds);
	tcase_add_test(tc, table_unmap_of_a_stale_page_table_zeroes_it);
	tcase_add_test(tc, stale_page_table_mapped_again_brings_no_old_frames);
	tcase_add_test(tc, stale_cap_mapping_over_its_copys_entry_fails_delete_first);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kt_run(vm_regress_suite());
}

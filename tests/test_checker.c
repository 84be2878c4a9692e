/*
 * The invariant checker (sim/checker.c) must pass on every state the
 * kernel can reach and must bite: each test here corrupts kernel state
 * directly, through the cap and slot layout headers, and asserts the exact
 * invariant name the checker reports.  Corrupted machines are not checked
 * again at teardown.
 *
 * Fixture: UT (64 KiB untyped) at KT_FREE with two endpoints EP, EP2 and
 * a TCB made from it.
 */
#include "kmm_test.h"
#include "checker.h"
#include "kernel/cdt.h"

#define UT    KT_FREE
#define EP    (KT_FREE + 1)
#define EP2   (KT_FREE + 2)
#define TCB   (KT_FREE + 3)
#define A     (KT_FREE + 10)
#define B     (KT_FREE + 11)
#define R0    (KT_FREE + 12)
#define EMPTY (KT_FREE + 99)

static void make_fixture(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP2);
	kt_make(UT, KMM_OBJ_TCB, 0, TCB);
}

static struct slot *slot_of(uint64_t cptr)
{
	return kt_slot_ptr(cptr);
}

/* Take s off the derivation list (its cap and links stay as they were). */
static void unlink_slot(struct slot *s)
{
	struct slot *prev = mdb_prev(s), *next = mdb_next(s);

	mdb_set_next(prev, next);
	if (next)
		mdb_set_prev(next, prev);
}

/* Move s to the end of the derivation list. */
static void relink_at_end(struct slot *s)
{
	struct slot *tail = cdt_sentinel();

	unlink_slot(s);
	while (mdb_next(tail))
		tail = mdb_next(tail);
	mdb_set_next(tail, s);
	mdb_set_prev(s, tail);
	mdb_set_next(s, NULL);
}

static void corrupted(void)
{
	kt_check_at_teardown = false;
}

/* ---- the checker passes on reachable states -------------------------- */

START_TEST(checker_passes_after_boot_and_after_operations)
{
	kt_assert_checker_ok(0);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 3));
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(EP2, KT_DEPTH));
	kt_make(UT, KMM_OBJ_UNTYPED, 12, EP2);
	kt_make(EP2, KMM_OBJ_CNODE, 4, EMPTY);
	kt_make(UT, KMM_OBJ_UNTYPED, 8, A + 2);
	ck_assert_ok(cnode_copy(A + 3, KT_DEPTH, A + 2, KT_DEPTH, KMM_RIGHTS_ALL));
	kt_make(A + 3, KMM_OBJ_NOTIFICATION, 0, A + 4);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(checker_scratch_bytes_grows_with_caps)
{
	size_t before = checker_scratch_bytes();
	unsigned i;

	for (i = 0; i < 100; i++)
		ck_assert_ok(cnode_copy(A + 100 + i, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_gt(checker_scratch_bytes(), before + 100 * 32);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(checker_with_too_little_scratch_reports_scratch)
{
	struct check_violation v;
	static uint64_t small[64];

	ck_assert(!checker_run(CHECK_CHEAP, &v, small, sizeof(small)));
	ck_assert_str_eq(v.invariant, "checker.scratch");
	ck_assert(!checker_run(CHECK_CHEAP, &v, NULL, 0));
	ck_assert_str_eq(v.invariant, "checker.scratch");
}
END_TEST

/* ---- 1: objects ----------------------------------------------------- */

START_TEST(free_index_below_objects_reports_below_watermark)
{
	corrupted();
	cap_set_untyped_free_index(&slot_of(UT)->cap, 1);
	kt_assert_checker_fails(0, "1.objects.below_watermark");
}
END_TEST

START_TEST(endpoint_moved_into_tcb_reports_overlap)
{
	corrupted();
	cap_set_ep_paddr(&slot_of(EP2)->cap, kt_cap(TCB).paddr + 64);
	kt_assert_checker_fails(0, "1.objects.overlap");
}
END_TEST

START_TEST(misaligned_endpoint_reports_aligned)
{
	corrupted();
	cap_set_ep_paddr(&slot_of(EP)->cap, kt_cap(EP).paddr + 8);
	kt_assert_checker_fails(0, "1.objects.aligned");
}
END_TEST

START_TEST(cnode_of_radix_0_reports_size)
{
	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	corrupted();
	cap_set_cnode_radix(&slot_of(A)->cap, 0);
	kt_assert_checker_fails(0, "1.objects.size");
}
END_TEST

START_TEST(cnode_outside_ram_reports_in_ram)
{
	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	corrupted();
	cap_set_cnode_paddr(&slot_of(A)->cap, 1ull << 40);
	kt_assert_checker_fails(0, "1.objects.in_ram");
}
END_TEST

/* ---- 2: the derivation list and tree ---------------------------------- */

START_TEST(sentinel_with_flags_reports_sentinel)
{
	corrupted();
	mdb_set_revocable(cdt_sentinel(), true);
	kt_assert_checker_fails(0, "2.mdb.sentinel");
}
END_TEST

START_TEST(link_out_of_memory_reports_link_invalid)
{
	corrupted();
	slot_of(EP)->mdb.m1 = 1ull << 40;
	kt_assert_checker_fails(0, "2.mdb.link_invalid");
}
END_TEST

START_TEST(broken_prev_link_reports_links_symmetric)
{
	struct slot *next = mdb_next(slot_of(EP));

	corrupted();
	mdb_set_prev(next, slot_of(UT));
	kt_assert_checker_fails(0, "2.mdb.links_symmetric");
}
END_TEST

START_TEST(list_looping_back_reports_links_symmetric)
{
	corrupted();
	mdb_set_next(slot_of(EP), slot_of(UT));
	kt_assert_checker_fails(0, "2.mdb.links_symmetric");
}
END_TEST

START_TEST(null_cap_on_list_reports_null_on_list)
{
	corrupted();
	slot_of(EP)->cap = cap_null();
	kt_assert_checker_fails(0, "2.mdb.null_on_list");
}
END_TEST

START_TEST(unknown_cap_type_reports_cap_type)
{
	corrupted();
	cap_set_type_raw(&slot_of(EP)->cap, 30);
	kt_assert_checker_fails(0, "2.mdb.cap_type");
}
END_TEST

START_TEST(empty_slot_with_links_reports_null_slot_links)
{
	corrupted();
	slot_of(EMPTY)->mdb.m1 = kt_cap(EP).slot_paddr;
	kt_assert_checker_fails(0, "2.mdb.null_slot_links");
}
END_TEST

START_TEST(cap_taken_off_the_list_reports_unlisted_slot)
{
	corrupted();
	unlink_slot(slot_of(EP));
	kt_assert_checker_fails(0, "2.mdb.unlisted_slot");
}
END_TEST

START_TEST(cap_in_a_destroyed_cnode_reports_slot_outside_object)
{
	struct cap ep = cap_new(KMM_CAP_TYPE_ENDPOINT);
	uint64_t w[5] = { ((uint64_t)A << 1) | 1, 13, EP, KT_DEPTH, KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;

	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	kt_assert_checker_ok(0);
	corrupted();
	cap_set_ep_paddr(&ep, kt_cap(A).paddr);
	slot_of(A)->cap = ep;
	kt_assert_checker_fails(0, "2.mdb.slot_outside_object");
}
END_TEST

START_TEST(copy_moved_away_from_original_reports_same_object_contiguous)
{
	ck_assert_ok(cnode_copy(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	corrupted();
	relink_at_end(slot_of(A));
	kt_assert_checker_fails(0, "2.mdb.same_object_contiguous");
}
END_TEST

START_TEST(irrevocable_untyped_reports_revocable)
{
	corrupted();
	mdb_set_revocable(slot_of(UT), false);
	kt_assert_checker_fails(0, "2.untyped.revocable");
}
END_TEST

START_TEST(object_moved_out_of_its_untyped_subtree_reports_contained_is_descendant)
{
	corrupted();
	relink_at_end(slot_of(EP));
	kt_assert_checker_fails(0, "2.untyped.contained_is_descendant");
}
END_TEST

START_TEST(untyped_moved_out_of_its_parent_subtree_reports_nesting_agrees_tree)
{
	kt_make(UT, KMM_OBJ_UNTYPED, 12, A);
	corrupted();
	relink_at_end(slot_of(A));
	kt_assert_checker_fails(0, "2.untyped.nesting_agrees_tree");
}
END_TEST

/* Replace the only cap to the 4-slot CNode in slot A by a zombie of it. */
static void zombie_at_a(uint64_t count)
{
	struct cap z = cap_new(KMM_CAP_TYPE_ZOMBIE);

	cap_set_zombie_paddr(&z, kt_cap(A).paddr);
	cap_set_zombie_radix(&z, 2);
	cap_set_zombie_count(&z, count);
	slot_of(A)->cap = z;
}

START_TEST(zombie_covering_its_slots_passes)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	zombie_at_a(4);
	kt_assert_checker_ok(1);
	corrupted();
}
END_TEST

START_TEST(zombie_count_above_slots_reports_count_le_slots)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	corrupted();
	zombie_at_a(5);
	kt_assert_checker_fails(0, "2.zombie.count_le_slots");
}
END_TEST

START_TEST(zombie_with_live_slot_above_count_reports_cleared_above_count)
{
	uint64_t w[5] = { ((uint64_t)A << 2) | 3, 14, EP, KT_DEPTH, KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;

	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	corrupted();
	zombie_at_a(2);
	kt_assert_checker_fails(0, "2.zombie.cleared_above_count");
}
END_TEST

/* ---- 5: accounting ------------------------------------------------------ */

START_TEST(free_index_above_size_reports_watermark_le_size)
{
	corrupted();
	cap_set_untyped_free_index(&slot_of(UT)->cap, (1ull << 12) + 1);
	kt_assert_checker_fails(0, "5.untyped.watermark_le_size");
}
END_TEST

START_TEST(junk_above_watermark_reports_zero_above_watermark_only_when_full)
{
	struct kmm_cap_info ut = kt_cap(UT);

	corrupted();
	kt_phys(ut.paddr + ut.free_index * 16 + 100)[0] = 1;
	kt_assert_checker_ok(0);
	kt_assert_checker_fails(1, "5.untyped.zero_above_watermark");
}
END_TEST

START_TEST(junk_in_free_device_memory_is_not_a_violation)
{
	uint64_t dev = kt_boot_untyped(21, true);

	kt_make(dev, KMM_OBJ_4K_PAGE, 0, A);
	ck_assert_uint_eq(kt_cap(dev).free_index, 4096 / 16);
	kt_phys(kt_cap(dev).paddr + 8192)[0] = 1;
	kt_assert_checker_ok(1);
}
END_TEST

static Suite *checker_suite(void)
{
	Suite *s = suite_create("checker");
	TCase *ok = kt_tcase("passes"), *obj = kt_tcase("objects");
	TCase *mdb = kt_tcase("derivation"), *acc = kt_tcase("accounting");

	tcase_add_checked_fixture(ok, make_fixture, NULL);
	tcase_add_test(ok, checker_passes_after_boot_and_after_operations);
	tcase_add_test(ok, checker_scratch_bytes_grows_with_caps);
	tcase_add_test(ok, checker_with_too_little_scratch_reports_scratch);
	tcase_add_test(ok, zombie_covering_its_slots_passes);
	suite_add_tcase(s, ok);

	tcase_add_checked_fixture(obj, make_fixture, NULL);
	tcase_add_test(obj, free_index_below_objects_reports_below_watermark);
	tcase_add_test(obj, endpoint_moved_into_tcb_reports_overlap);
	tcase_add_test(obj, misaligned_endpoint_reports_aligned);
	tcase_add_test(obj, cnode_of_radix_0_reports_size);
	tcase_add_test(obj, cnode_outside_ram_reports_in_ram);
	suite_add_tcase(s, obj);

	tcase_add_checked_fixture(mdb, make_fixture, NULL);
	tcase_add_test(mdb, sentinel_with_flags_reports_sentinel);
	tcase_add_test(mdb, link_out_of_memory_reports_link_invalid);
	tcase_add_test(mdb, broken_prev_link_reports_links_symmetric);
	tcase_add_test(mdb, list_looping_back_reports_links_symmetric);
	tcase_add_test(mdb, null_cap_on_list_reports_null_on_list);
	tcase_add_test(mdb, unknown_cap_type_reports_cap_type);
	tcase_add_test(mdb, empty_slot_with_links_reports_null_slot_links);
	tcase_add_test(mdb, cap_taken_off_the_list_reports_unlisted_slot);
	tcase_add_test(mdb, cap_in_a_destroyed_cnode_reports_slot_outside_object);
	tcase_add_test(mdb, copy_moved_away_from_original_reports_same_object_contiguous);
	tcase_add_test(mdb, irrevocable_untyped_reports_revocable);
	tcase_add_test(mdb, object_moved_out_of_its_untyped_subtree_reports_contained_is_descendant);
	tcase_add_test(mdb, untyped_moved_out_of_its_parent_subtree_reports_nesting_agrees_tree);
	tcase_add_test(mdb, zombie_count_above_slots_reports_count_le_slots);
	tcase_add_test(mdb, zombie_with_live_slot_above_count_reports_cleared_above_count);
	suite_add_tcase(s, mdb);

	tcase_add_checked_fixture(acc, make_fixture, NULL);
	tcase_add_test(acc, free_index_above_size_reports_watermark_le_size);
	tcase_add_test(acc, junk_above_watermark_reports_zero_above_watermark_only_when_full);
	tcase_add_test(acc, junk_in_free_device_memory_is_not_a_violation);
	suite_add_tcase(s, acc);
	return s;
}

int main(void)
{
	return kt_run(checker_suite());
}

/*
 * Cptr resolution (reference 0.2 and b.1): invocation lookups, whose
 * failures are cap faults with the lookup-failure details, and CNode-
 * operation lookups of exactly `depth` bits, whose failures are
 * FailedLookup replies (source flag 1 for source and pivot, 0 for the
 * destination) or RangeError(1, 64) for a depth outside 1..64.
 *
 * Fixture: UT, an endpoint EP, a 16-slot CNode K with no guard, KG (K
 * minted with guard 5 of 3 bits), and R0 (the root CNode minted with no
 * guard, so that depth counts from its 12 index bits).
 */
#include "kmm_test.h"

#define UT    KT_FREE
#define EP    (KT_FREE + 1)
#define K     (KT_FREE + 2)
#define KG    (KT_FREE + 3)
#define R0    (KT_FREE + 4)
#define A     (KT_FREE + 10)
#define EMPTY (KT_FREE + 99)
#define BAD_GUARD (1ull << 63)
#define KG_INDEX(i) ((5ull << 4) | (i))  /* slot i of KG, 7 bits */

static void make_cspace(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	kt_make(UT, KMM_OBJ_CNODE, 4, K);
	ck_assert_ok(cnode_mint(KG, KT_DEPTH, K, KT_DEPTH, KMM_RIGHTS_ALL, (5 << 6) | 3));
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
}

/* The cap in slot i of K. */
static struct kmm_cap_info k_slot(unsigned i)
{
	struct kmm_cap_info c;

	kmm_inspect_slot(kt_cap(K).paddr + 32ull * i, &c);
	return c;
}

/* Copy EP into (index, depth) of CNode `node`. */
static struct kmm_result copy_ep_into(uint64_t node, uint64_t index, uint64_t depth)
{
	uint64_t w[5] = { index, depth, EP, KT_DEPTH, KMM_RIGHTS_ALL }, root = KT_ROOT;

	return cnode_op(node, KMM_CNODE_COPY, 5, w, 1, &root);
}

/* Copy (index, depth) under source root `root` into root slot A. */
static struct kmm_result copy_from(uint64_t root, uint64_t index, uint64_t depth)
{
	uint64_t w[5] = { A, KT_DEPTH, index, depth, KMM_RIGHTS_ALL };

	return cnode_op(KT_ROOT, KMM_CNODE_COPY, 5, w, 1, &root);
}

/* ---- invocation lookups: cap faults ----------------------------------- */

START_TEST(invoke_with_guard_mismatch_cptr_is_cap_fault_0)
{
	struct kmm_result r = retype(BAD_GUARD | UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT,
				     KT_DEPTH, A, 1);

	ck_assert_fault(r, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(invoke_with_bad_extra_cap_is_cap_fault_1)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, A, 1 };
	uint64_t root = BAD_GUARD | (1ull << 40) | KT_ROOT;
	struct kmm_msg m = kt_msg(UT, KMM_UNTYPED_RETYPE, 6, w, 1, &root);

	ck_assert_fault(kt_invoke(&m), 5, 1, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
}
END_TEST

START_TEST(invoke_with_bad_second_extra_cap_is_cap_fault_2)
{
	uint64_t w[8] = { A, KT_DEPTH, 0, K, KT_DEPTH, 0, KG, KT_DEPTH };
	uint64_t roots[2] = { KT_ROOT, 1ull << 62 };

	ck_assert_fault(cnode_op(KT_ROOT, KMM_CNODE_ROTATE, 8, w, 2, roots),
			5, 2, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
}
END_TEST

START_TEST(invoke_of_empty_slot_fails_invalid_capability_0)
{
	ck_assert_result(retype(EMPTY, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, A, 1),
			 KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_result(cnode_op(EMPTY, KMM_CNODE_DELETE, 2, (const uint64_t[]){ EP, 64 },
				  0, NULL), KMM_INVALID_CAPABILITY, 1, 0);
}
END_TEST

START_TEST(invoke_with_empty_extra_cap_resolves_and_fails_in_decode)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, A, KT_DEPTH, 0, 1 }, root = EMPTY;
	struct kmm_msg m = kt_msg(UT, KMM_UNTYPED_RETYPE, 6, w, 1, &root);

	ck_assert_result(kt_invoke(&m), KMM_FAILED_LOOKUP, 2, 0, KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

START_TEST(inspect_cptr_fails_on_guard_mismatch_and_resolves_empty_slots)
{
	struct kmm_cap_info c;

	ck_assert(!kmm_inspect_cptr(kt_tcb(), BAD_GUARD, &c));
	ck_assert(kmm_inspect_cptr(kt_tcb(), EMPTY, &c));
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_NULL);
	ck_assert(kmm_inspect_cptr(kt_tcb(), KT_ROOT, &c));
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_CNODE);
	ck_assert_uint_eq(c.guard_size, 52);
	ck_assert_uint_eq(c.radix, 12);
}
END_TEST

/* ---- CNode-operation lookups: depth ----------------------------------- */

START_TEST(lookup_with_depth_0_or_65_fails_range_error)
{
	ck_assert_result(copy_ep_into(KT_ROOT, A, 0), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(copy_ep_into(KT_ROOT, A, 65), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(copy_from(KT_ROOT, EP, 0), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(copy_from(KT_ROOT, EP, 65), KMM_RANGE_ERROR, 2, 1, 64);
}
END_TEST

START_TEST(lookup_with_depth_1_in_guarded_root_fails_guard_mismatch)
{
	ck_assert_result(copy_ep_into(KT_ROOT, 0, 1),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 1, 0, 52);
}
END_TEST

START_TEST(lookup_with_depth_1_in_unguarded_root_fails_depth_mismatch)
{
	ck_assert_result(copy_ep_into(R0, 0, 1),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 1, 12);
}
END_TEST

START_TEST(lookup_with_depth_64_names_a_root_slot)
{
	ck_assert_ok(copy_ep_into(KT_ROOT, A, 64));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(lookup_with_depth_12_in_unguarded_root_names_a_root_slot)
{
	ck_assert_ok(copy_ep_into(R0, A, 12));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(lookup_invalid_root_is_checked_before_depth)
{
	ck_assert_result(copy_from(EP, 3, 65), KMM_FAILED_LOOKUP, 2, 1,
			 KMM_LOOKUP_INVALID_ROOT);
	ck_assert_result(copy_from(EMPTY, 3, 0), KMM_FAILED_LOOKUP, 2, 1,
			 KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

/* ---- guards ------------------------------------------------------------- */

START_TEST(lookup_through_guard_reaches_slot)
{
	ck_assert_ok(copy_ep_into(KG, KG_INDEX(3), 7));
	ck_assert_int_eq(k_slot(3).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(k_slot(3).paddr, kt_cap(EP).paddr);
}
END_TEST

START_TEST(lookup_with_wrong_guard_fails_guard_mismatch_details)
{
	ck_assert_result(copy_ep_into(KG, (4 << 4) | 3, 7),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 7, 5, 3);
	ck_assert_int_eq(k_slot(3).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(lookup_with_guard_longer_than_depth_fails_guard_mismatch)
{
	ck_assert_result(copy_ep_into(KG, 5, 2),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 2, 5, 3);
}
END_TEST

START_TEST(lookup_with_depth_between_guard_and_level_fails_depth_mismatch)
{
	ck_assert_result(copy_ep_into(KG, 5 << 2, 5),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 5, 7);
}
END_TEST

START_TEST(lookup_with_leftover_bits_at_non_cnode_fails_depth_mismatch)
{
	ck_assert_result(copy_ep_into(KG, KG_INDEX(3) << 1, 8),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 1, 0);
	ck_assert_result(copy_ep_into(R0, ((uint64_t)EP << 4) | 1, 16),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 4, 0);
}
END_TEST

/* ---- two levels ------------------------------------------------------- */

START_TEST(lookup_of_two_levels_reaches_slot_in_second_cnode)
{
	ck_assert_ok(copy_ep_into(R0, ((uint64_t)K << 4) | 9, 16));
	ck_assert_int_eq(k_slot(9).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(copy_ep_into(R0, ((uint64_t)KG << 7) | KG_INDEX(10), 19));
	ck_assert_int_eq(k_slot(10).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(lookup_of_two_levels_with_wrong_guard_fails_guard_mismatch)
{
	ck_assert_result(copy_ep_into(R0, ((uint64_t)KG << 7) | (6 << 4) | 10, 19),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 7, 5, 3);
}
END_TEST

START_TEST(lookup_of_two_levels_short_of_second_radix_fails_depth_mismatch)
{
	ck_assert_result(copy_ep_into(R0, ((uint64_t)K << 2) | 1, 14),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 2, 4);
}
END_TEST

START_TEST(lookup_naming_a_cnode_cap_itself_stops_at_its_slot)
{
	uint64_t w[2] = { K, 12 };

	ck_assert_ok(cnode_op(R0, KMM_CNODE_DELETE, 2, w, 0, NULL));
	ck_assert_int_eq(kt_cap(K).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(KG).type, KMM_CAP_TYPE_CNODE);
}
END_TEST

/* ---- source side -------------------------------------------------------- */

START_TEST(source_lookup_failures_carry_source_flag_1)
{
	ck_assert_result(copy_from(KG, (4 << 4) | 3, 7),
			 KMM_FAILED_LOOKUP, 5, 1, KMM_LOOKUP_GUARD_MISMATCH, 7, 5, 3);
	ck_assert_result(copy_from(KG, 5 << 2, 5),
			 KMM_FAILED_LOOKUP, 4, 1, KMM_LOOKUP_DEPTH_MISMATCH, 5, 7);
	ck_assert_result(copy_from(KG, KG_INDEX(3), 7),
			 KMM_FAILED_LOOKUP, 3, 1, KMM_LOOKUP_MISSING_CAPABILITY, 7);
	ck_assert_result(copy_from(EMPTY, 3, 7), KMM_FAILED_LOOKUP, 2, 1,
			 KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

START_TEST(source_lookup_through_guard_copies_cap)
{
	ck_assert_ok(copy_ep_into(KG, KG_INDEX(3), 7));
	ck_assert_ok(copy_from(KG, KG_INDEX(3), 7));
	ck_assert_uint_eq(kt_cap(A).paddr, kt_cap(EP).paddr);
}
END_TEST

static Suite *lookup_suite(void)
{
	Suite *s = suite_create("lookup");
	TCase *inv = kt_tcase("invocation"), *depth = kt_tcase("depth");
	TCase *guard = kt_tcase("guards"), *two = kt_tcase("two_levels");

	tcase_add_checked_fixture(inv, make_cspace, NULL);
	tcase_add_test(inv, invoke_with_guard_mismatch_cptr_is_cap_fault_0);
	tcase_add_test(inv, invoke_with_bad_extra_cap_is_cap_fault_1);
	tcase_add_test(inv, invoke_with_bad_second_extra_cap_is_cap_fault_2);
	tcase_add_test(inv, invoke_of_empty_slot_fails_invalid_capability_0);
	tcase_add_test(inv, invoke_with_empty_extra_cap_resolves_and_fails_in_decode);
	tcase_add_test(inv, inspect_cptr_fails_on_guard_mismatch_and_resolves_empty_slots);
	suite_add_tcase(s, inv);

	tcase_add_checked_fixture(depth, make_cspace, NULL);
	tcase_add_test(depth, lookup_with_depth_0_or_65_fails_range_error);
	tcase_add_test(depth, lookup_invalid_root_is_checked_before_depth);
	tcase_add_test(depth, lookup_with_depth_1_in_guarded_root_fails_guard_mismatch);
	tcase_add_test(depth, lookup_with_depth_1_in_unguarded_root_fails_depth_mismatch);
	tcase_add_test(depth, lookup_with_depth_64_names_a_root_slot);
	tcase_add_test(depth, lookup_with_depth_12_in_unguarded_root_names_a_root_slot);
	suite_add_tcase(s, depth);

	tcase_add_checked_fixture(guard, make_cspace, NULL);
	tcase_add_test(guard, lookup_through_guard_reaches_slot);
	tcase_add_test(guard, lookup_with_wrong_guard_fails_guard_mismatch_details);
	tcase_add_test(guard, lookup_with_guard_longer_than_depth_fails_guard_mismatch);
	tcase_add_test(guard, lookup_with_depth_between_guard_and_level_fails_depth_mismatch);
	tcase_add_test(guard, lookup_with_leftover_bits_at_non_cnode_fails_depth_mismatch);
	tcase_add_test(guard, source_lookup_failures_carry_source_flag_1);
	tcase_add_test(guard, source_lookup_through_guard_copies_cap);
	suite_add_tcase(s, guard);

	tcase_add_checked_fixture(two, make_cspace, NULL);
	tcase_add_test(two, lookup_of_two_levels_reaches_slot_in_second_cnode);
	tcase_add_test(two, lookup_of_two_levels_with_wrong_guard_fails_guard_mismatch);
	tcase_add_test(two, lookup_of_two_levels_short_of_second_radix_fails_depth_mismatch);
	tcase_add_test(two, lookup_naming_a_cnode_cap_itself_stops_at_its_slot);
	suite_add_tcase(s, two);
	return s;
}

int main(void)
{
	return kt_run(lookup_suite());
}

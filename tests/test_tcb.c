/*
 * TCB_Configure (object/tcb.c): the decode's refusals that scenarios do
 * not reach - a message short of its two words or two extra caps, and a
 * thread whose current CSpace root is the last cap to its CNode, whose
 * replacement would be a long-running delete (seL4's
 * slotCapLongRunningDelete check) - and a successful configure, read
 * back through the TCB's root slots.
 *
 * Fixture: a 64 KiB untyped UT; a TCB in T and a 16-slot CNode in CS.
 */
#include "kmm_test.h"

#define UT KT_FREE
#define T  (KT_FREE + 1)
#define CS (KT_FREE + 2)
#define EP (KT_FREE + 3)

static void make_fixture(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_TCB, 0, T);
	kt_make(UT, KMM_OBJ_CNODE, 4, CS);
}

/* TCB_Configure(cspace data 0, vspace data 0) on T, with nwords and ncaps as given. */
static struct kmm_result configure(unsigned nwords, unsigned ncaps, uint64_t cspace,
				   uint64_t vspace)
{
	uint64_t w[2] = { 0, 0 }, caps[2] = { cspace, vspace };
	struct kmm_msg m = kt_msg(T, KMM_TCB_CONFIGURE, nwords, w, ncaps, caps);

	return kt_invoke(&m);
}

/* Info on the cap in TCB slot `which` of the TCB that cap T names. */
static struct kmm_cap_info tcb_root(unsigned which)
{
	struct kmm_cap_info info;

	kmm_inspect_slot(kt_cap(T).paddr + which * (1u << KMM_SLOT_BITS), &info);
	return info;
}

START_TEST(configure_with_fewer_than_two_words_fails_truncated_message)
{
	ck_assert_result(configure(1, 2, CS, KMM_CAP_ROOT_VSPACE), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_uint_eq(tcb_root(0).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(configure_with_fewer_than_two_extra_caps_fails_truncated_message)
{
	ck_assert_result(configure(2, 1, CS, KMM_CAP_ROOT_VSPACE), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_uint_eq(tcb_root(0).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(configure_with_roots_of_the_wrong_types_fails_illegal_operation)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_result(configure(2, 2, EP, KMM_CAP_ROOT_VSPACE), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(configure(2, 2, CS, EP), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_uint_eq(tcb_root(0).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(tcb_root(1).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(configure_installs_copies_of_both_roots)
{
	ck_assert_ok(configure(2, 2, CS, KMM_CAP_ROOT_VSPACE));
	ck_assert_uint_eq(tcb_root(0).type, KMM_CAP_TYPE_CNODE);
	ck_assert_uint_eq(tcb_root(0).paddr, kt_cap(CS).paddr);
	ck_assert_uint_eq(tcb_root(1).type, KMM_CAP_TYPE_PML4);
	ck_assert_uint_eq(tcb_root(1).paddr, kt_cap(KMM_CAP_ROOT_VSPACE).paddr);
}
END_TEST

START_TEST(configure_of_a_thread_holding_the_last_cap_to_its_cspace_fails_illegal_operation)
{
	uint64_t cs_paddr = kt_cap(CS).paddr;

	ck_assert_ok(configure(2, 2, CS, KMM_CAP_ROOT_VSPACE));
	ck_assert_ok(cnode_delete(CS, KT_DEPTH));
	/* Replacing the root would delete the CNode: refused, nothing changes. */
	ck_assert_result(configure(2, 2, KT_ROOT, KMM_CAP_ROOT_VSPACE),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_uint_eq(tcb_root(0).type, KMM_CAP_TYPE_CNODE);
	ck_assert_uint_eq(tcb_root(0).paddr, cs_paddr);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 2);
}
END_TEST

static Suite *tcb_suite(void)
{
	Suite *s = suite_create("tcb");
	TCase *tc = kt_tcase("configure");

	tcase_add_checked_fixture(tc, make_fixture, NULL);
	tcase_add_test(tc, configure_with_fewer_than_two_words_fails_truncated_message);
	tcase_add_test(tc, configure_with_fewer_than_two_extra_caps_fails_truncated_message);
	tcase_add_test(tc, configure_with_roots_of_the_wrong_types_fails_illegal_operation);
	tcase_add_test(tc, configure_installs_copies_of_both_roots);
	tcase_add_test(tc, configure_of_a_thread_holding_the_last_cap_to_its_cspace_fails_illegal_operation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kt_run(tcb_suite());
}

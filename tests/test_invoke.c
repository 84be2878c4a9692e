/*
 * The kernel's entries.  kmm_invoke (kernel/invoke.c): only the thread
 * running on the calling core may invoke, and a message is read for at
 * most KMM_MSG_MAX_WORDS words and KMM_MSG_MAX_CAPS extra caps whatever
 * its counts claim (the counts come from user space; the arrays do not
 * grow).  kmm_ipi_receive (kernel/ipi.c): a spurious IPI does nothing.
 *
 * Fixture: a 64 KiB untyped UT carved from main RAM.
 */
#include "kmm_test.h"

#define UT KT_FREE
#define T  (KT_FREE + 1)
#define EP (KT_FREE + 2)

static void make_fixture(void)
{
	kt_make_untyped(16, UT);
}

/* UntypedRetype(endpoint, 0, root, 64, EP, 1) on UT. */
static struct kmm_msg retype_endpoint_msg(void)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, EP, 1 };
	uint64_t root = KT_ROOT;

	return kt_msg(UT, KMM_UNTYPED_RETYPE, 6, w, 1, &root);
}

START_TEST(invoke_by_a_caller_not_running_on_the_core_is_no_thread_and_does_nothing)
{
	struct kmm_msg m = retype_endpoint_msg();
	struct kmm_result r;
	uint64_t watermark;

	kt_make(UT, KMM_OBJ_TCB, 0, T);
	watermark = kt_cap(UT).free_index;
	ck_assert_int_eq(kmm_invoke(0, &m, &r), KMM_RESULT_NO_THREAD);
	ck_assert_int_eq(r.kind, KMM_RESULT_NO_THREAD);
	/* A real thread, but core 0 runs the root thread, not this one. */
	ck_assert_int_eq(kmm_invoke(kt_cap(T).paddr, &m, &r), KMM_RESULT_NO_THREAD);
	ck_assert_uint_eq(kt_cap(UT).free_index, watermark);
	ck_assert_uint_eq(kt_cap(EP).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(invoke_reads_at_most_eight_words_and_two_extra_caps)
{
	struct kmm_msg m = retype_endpoint_msg();

	/*
	 * Counts far beyond the arrays: read as 8 words and 2 caps, the
	 * retype succeeds.  Read as given, the caps past caps[1] would be
	 * whatever follows the message, looked up as cptrs.
	 */
	m.nwords = 1000;
	m.ncaps = 1000;
	m.caps[1] = KT_ROOT;
	ck_assert_ok(kt_invoke(&m));
	ck_assert_uint_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(kt_cap(UT).free_index, 1);
}
END_TEST

START_TEST(spurious_ipi_does_nothing)
{
	uint64_t tcb = kmm_inspect_current_thread(0);

	/* One core, no request pending: the handler must return at once. */
	kmm_ipi_receive();
	kmm_ipi_receive();
	ck_assert_uint_eq(kmm_inspect_current_thread(0), tcb);
	ck_assert_uint_eq(kmm_inspect_asid_cores(1), 1);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(1), kt_cap(KMM_CAP_ROOT_VSPACE).paddr);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_uint_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

static Suite *invoke_suite(void)
{
	Suite *s = suite_create("invoke");
	TCase *tc = kt_tcase("entry");

	tcase_add_checked_fixture(tc, make_fixture, NULL);
	tcase_add_test(tc, invoke_by_a_caller_not_running_on_the_core_is_no_thread_and_does_nothing);
	tcase_add_test(tc, invoke_reads_at_most_eight_words_and_two_extra_caps);
	tcase_add_test(tc, spurious_ipi_does_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kt_run(invoke_suite());
}

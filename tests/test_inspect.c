/*
 * The inspection interface (kernel/inspect.c, kmm_object_size_bits): what
 * the simulator, the checker and the tests read the kernel through.  Each
 * query is tried in range, where it must report the booted state exactly,
 * and just out of range, where it must answer "nothing" rather than read
 * past a table.  kmm_inspect_cptr must refuse a caller that is no longer
 * a thread, even when the memory it was in now looks like one; the walk
 * must stop, and say so, when its ancestor stack is too short; and a
 * thread's zombie reports the TCB's size and no CNode radix.
 *
 * The booted state: the root thread runs on core 0 (the only core) in the
 * root VSpace, ASID 1 of pool 0; x86-64 has 8 pools of 512 ASIDs.
 */
#include <stdlib.h>
#include "kmm_test.h"

#define UT KT_FREE
#define T  (KT_FREE + 1)
#define N  (KT_FREE + 2)

#define ASIDS (8 * 512)

START_TEST(asid_cores_names_core_0_for_the_running_asid_only)
{
	ck_assert_uint_eq(kmm_inspect_asid_cores(1), 1);
	ck_assert_uint_eq(kmm_inspect_asid_cores(2), 0);
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASIDS - 1), 0);
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASIDS), 0);
	ck_assert_uint_eq(kmm_inspect_asid_cores(UINT64_MAX), 0);
}
END_TEST

START_TEST(asid_pool_beyond_the_eighth_is_0)
{
	ck_assert_uint_eq(kmm_inspect_asid_pool(0), kt_cap(KMM_CAP_ROOT_ASID_POOL).paddr);
	ck_assert_uint_eq(kmm_inspect_asid_pool(7), 0);
	ck_assert_uint_eq(kmm_inspect_asid_pool(8), 0);
}
END_TEST

START_TEST(current_thread_of_a_core_that_does_not_exist_is_0)
{
	ck_assert_uint_eq(kmm_inspect_current_thread(0), kt_tcb());
	ck_assert_uint_eq(kmm_inspect_current_thread(1), 0);
}
END_TEST

START_TEST(pte_of_an_address_above_the_user_half_fails)
{
	uint64_t pml4 = kt_cap(KMM_CAP_ROOT_VSPACE).paddr, e = 1;
	unsigned level = 9;

	ck_assert(!kmm_inspect_pte(pml4, 0x0000800000000000ull, &e, &level));
	ck_assert_uint_eq(e, 1);
	ck_assert_uint_eq(level, 9);
	/* The last user address is inspected: nothing is mapped, the PML4 entry is empty. */
	ck_assert(kmm_inspect_pte(pml4, 0x00007fffffffffffull, &e, &level));
	ck_assert_uint_eq(e, 0);
	ck_assert_uint_eq(level, 0);
}
END_TEST

START_TEST(object_size_bits_is_what_retype_uses)
{
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_UNTYPED, 20), 20);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_TCB, 0), KMM_TCB_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_ENDPOINT, 0), KMM_ENDPOINT_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_NOTIFICATION, 0), KMM_NOTIFICATION_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_CNODE, 4), 4 + KMM_SLOT_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_HUGE_PAGE, 0), KMM_HUGE_PAGE_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_LARGE_PAGE, 0), KMM_LARGE_PAGE_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_4K_PAGE, 0), KMM_PAGE_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_PML4, 0), KMM_PAGE_BITS);
	ck_assert_uint_eq(kmm_object_size_bits(KMM_OBJ_PAGE_TABLE, 0), KMM_PAGE_BITS);
	/* And retype agrees: a 16-slot CNode moves the watermark by 2^9 bytes. */
	kt_make_untyped(12, UT);
	kt_make(UT, KMM_OBJ_CNODE, 4, N);
	ck_assert_uint_eq(kt_cap(UT).free_index << 4, 1u << 9);
}
END_TEST

/* TCB_Configure(0, 0) of thread cap t with the root CNode and root VSpace. */
static void configure_with_root_cspace(uint64_t t)
{
	uint64_t w[2] = { 0, 0 }, caps[2] = { KT_ROOT, KMM_CAP_ROOT_VSPACE };
	struct kmm_msg m = kt_msg(t, KMM_TCB_CONFIGURE, 2, w, 2, caps);

	ck_assert_ok(kt_invoke(&m));
}

START_TEST(cptr_of_a_caller_that_is_no_thread_fails)
{
	struct kmm_cap_info info;
	uint64_t t, w[5] = { 0, 6, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL };

	ck_assert(!kmm_inspect_cptr(0, KT_ROOT, &info));
	/* A thread whose CSpace is the root CNode resolves the root's cptrs. */
	kt_make_untyped(12, UT);
	kt_make(UT, KMM_OBJ_TCB, 0, T);
	t = kt_cap(T).paddr;
	configure_with_root_cspace(T);
	ck_assert(kmm_inspect_cptr(t, UT, &info));
	ck_assert_uint_eq(info.type, KMM_CAP_TYPE_UNTYPED);
	/*
	 * Delete the thread and reuse its memory for a 64-slot CNode whose
	 * slot 0 - where a TCB keeps its CSpace root - holds the root CNode
	 * cap.  The bytes now read as a thread with the root CSpace, but no
	 * TCB cap names them: they are no thread.
	 */
	ck_assert_ok(cnode_delete(T, KT_DEPTH));
	kt_make(UT, KMM_OBJ_CNODE, 6, N);
	ck_assert_uint_eq(kt_cap(N).paddr, t);
	ck_assert_ok(cnode_op(N, KMM_CNODE_COPY, 5, w, 1, (uint64_t[]){ KT_ROOT }));
	ck_assert(!kmm_inspect_cptr(t, UT, &info));
}
END_TEST

/* Walk callback: count the caps seen. */
static bool count_cap(const struct kmm_cap_info *cap, uint32_t depth, uint64_t parent, void *ctx)
{
	(void)cap;
	(void)depth;
	(void)parent;
	++*(unsigned *)ctx;
	return true;
}

START_TEST(walk_with_too_short_a_stack_stops_and_says_so)
{
	uint64_t n = kmm_inspect_cap_count(), *stack = calloc(n, sizeof(*stack));
	unsigned seen = 0;

	ck_assert_ptr_nonnull(stack);
	/* No room to push the first cap as an ancestor: shown, then the walk stops. */
	ck_assert(!kmm_inspect_walk(count_cap, &seen, stack, 0));
	ck_assert_uint_eq(seen, 1);
	/* One entry per cap is always enough: the walk sees every cap. */
	seen = 0;
	ck_assert(kmm_inspect_walk(count_cap, &seen, stack, n));
	ck_assert_uint_eq(seen, n);
	free(stack);
}
END_TEST

/* A machine that checks for interrupts after every unit of work. */
static void boot_one_unit(void)
{
	struct kt_config cfg = { KT_MEM, 1, 0 };

	kt_boot_config(&cfg);
}

START_TEST(preempted_delete_of_a_thread_leaves_a_tcb_zombie_of_radix_0)
{
	struct kmm_msg m = kt_msg(KT_ROOT, KMM_CNODE_DELETE, 2,
				  (const uint64_t[]){ T, KT_DEPTH }, 0, NULL);
	struct kmm_cap_info z;

	kt_make_untyped(12, UT);
	kt_make(UT, KMM_OBJ_TCB, 0, T);
	configure_with_root_cspace(T);
	hal_sim_interrupt_after(1);
	ck_assert_int_eq(kt_invoke_once(&m).kind, KMM_RESULT_PREEMPTED);
	z = kt_cap(T);
	/* A TCB zombie reports radix 0 (no CNode radix) and the TCB's size. */
	ck_assert_int_eq(z.type, KMM_CAP_TYPE_ZOMBIE);
	ck_assert_uint_eq(z.radix, 0);
	ck_assert_uint_eq(z.size_bits, KMM_TCB_BITS);
	/* Five TCB slots; the one unit of work emptied the last. */
	ck_assert_uint_eq(z.zombie_count, KMM_TCB_SLOTS - 1);
	ck_assert_ok(kt_invoke(&m));
	ck_assert_int_eq(kt_cap(T).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
}
END_TEST

static Suite *inspect_suite(void)
{
	Suite *s = suite_create("inspect");
	TCase *tc = kt_tcase("inspect");
	TCase *pre = tcase_create("preempted");

	tcase_add_test(tc, asid_cores_names_core_0_for_the_running_asid_only);
	tcase_add_test(tc, asid_pool_beyond_the_eighth_is_0);
	tcase_add_test(tc, current_thread_of_a_core_that_does_not_exist_is_0);
	tcase_add_test(tc, pte_of_an_address_above_the_user_half_fails);
	tcase_add_test(tc, object_size_bits_is_what_retype_uses);
	tcase_add_test(tc, cptr_of_a_caller_that_is_no_thread_fails);
	tcase_add_test(tc, walk_with_too_short_a_stack_stops_and_says_so);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(pre, boot_one_unit, kt_teardown);
	tcase_add_test(pre, preempted_delete_of_a_thread_leaves_a_tcb_zombie_of_radix_0);
	suite_add_tcase(s, pre);
	return s;
}

int main(void)
{
	return kt_run(inspect_suite());
}

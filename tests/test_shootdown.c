/*
 * TLB shootdown across cores (kernel_core/object/tlb.c, kernel/ipi.c),
 * on a 4-core hal_sim machine under the deterministic scheduler.  What is
 * asserted is the protocol's exact outcome: which cores the kernel thinks
 * may cache an ASID, how many IPIs an unmap sends, and that when the unmap
 * returns no core's TLB still holds the page -- observed from inside the
 * unmapping core's body, before any other core has run again.
 */
#include "kmm_test.h"

#define CORES  4
#define UT     (KT_FREE + 0)
#define FRAME  (KT_FREE + 1)
#define PDPT   (KT_FREE + 2)
#define PD     (KT_FREE + 3)
#define PT     (KT_FREE + 4)
#define PML4B  (KT_FREE + 5)
#define TCB_B  (KT_FREE + 6)
#define VA     0x400000ull
#define ASID_ROOT 1

/* What core 0's body saw right after its unmap returned. */
static struct {
	uint64_t ipis_before, ipis_after;
	bool cached_anywhere;
	bool tlbs_clean;
} seen;

static void boot_cores(void)
{
	struct hal_sim_config hc = { .mem_bytes = KT_MEM, .cores = CORES };
	struct kmm_boot_config kc = { KT_ROOT_BITS, KMM_DEFAULT_WORK_UNITS };

	ck_assert_int_eq(hal_sim_configure(&hc), HAL_SIM_OK);
	hal_sim_set_ipi_handler(kmm_ipi_receive);
	ck_assert(kmm_boot(&kc));
	kt_check_at_teardown = true;
	memset(&seen, 0, sizeof(seen));
}

static void run(hal_sim_core_fn body, uint64_t seed)
{
	struct hal_sim_sched_config sc = { .mode = HAL_SIM_SCHED_UNIFORM, .seed = seed };

	ck_assert_int_eq(hal_sim_sched_run(&sc, body, NULL), HAL_SIM_SCHED_DONE);
}

static uint64_t ipis_sent(void)
{
	struct hal_sim_sched_stats s;

	hal_sim_sched_stats(&s);
	return s.ipis_sent;
}

static bool covers(const struct hal_sim_tlb_entry *e, void *ctx)
{
	bool *found = ctx;

	if (e->vaddr == VA)
		*found = true;
	return !*found;
}

static bool cached_anywhere(void)
{
	bool found = false;

	hal_sim_tlb_foreach(covers, &found);
	return found;
}

/* Every core runs the root thread (so loads ASID 1) and reads VA. */
static void load_and_read(unsigned core)
{
	uint64_t v;

	if (core != 0)
		kmm_thread_switch(kt_tcb());
	ck_assert(hal_sim_user_access(core, HAL_SIM_READ, VA, 8, &v, NULL));
	hal_sim_sched_barrier();
}

static void unmap_body(unsigned core, void *ctx)
{
	(void)ctx;
	load_and_read(core);
	if (core != 0)
		return;
	seen.ipis_before = ipis_sent();
	ck_assert_int_eq(page_unmap(FRAME).error, KMM_OK);
	/* No other core has run since the unmap returned. */
	seen.ipis_after = ipis_sent();
	seen.cached_anywhere = cached_anywhere();
	seen.tlbs_clean = hal_sim_tlb_check(NULL);
}

static void map_root_page(void)
{
	kt_make_untyped(20, UT);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, FRAME);
	kt_make_path(UT, KMM_CAP_ROOT_VSPACE, VA, PDPT, PD, PT);
	ck_assert_int_eq(page_map(FRAME, KMM_CAP_ROOT_VSPACE, VA, KMM_RIGHTS_ALL, 0).error,
			 KMM_OK);
}

START_TEST(boot_marks_only_the_boot_core)
{
	boot_cores();
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASID_ROOT), 0x1);
}
END_TEST

START_TEST(unmap_interrupts_every_other_core_and_returns_after_all_flushed)
{
	boot_cores();
	map_root_page();
	run(unmap_body, _i + 1);
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASID_ROOT), 0xf);
	ck_assert_uint_eq(seen.ipis_after - seen.ipis_before, CORES - 1);
	ck_assert(!seen.cached_anywhere);
	ck_assert(seen.tlbs_clean);
}
END_TEST

static void pd_unmap_body(unsigned core, void *ctx)
{
	(void)ctx;
	load_and_read(core);
	if (core == 0)
		ck_assert_int_eq(table_unmap(PD).error, KMM_OK);
}

START_TEST(whole_asid_flush_keeps_every_core_on_its_address_space)
{
	uint64_t root_pml4;

	boot_cores();
	map_root_page();
	root_pml4 = kt_cap(KMM_CAP_ROOT_VSPACE).paddr;
	run(pd_unmap_body, 3);
	/* The cores still run ASID 1, so they may cache it again: bits stay. */
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASID_ROOT), 0xf);
	for (unsigned c = 0; c < CORES; c++)
		ck_assert_uint_eq(hal_sim_vspace(c, NULL), root_pml4);
	ck_assert(!cached_anywhere());
}
END_TEST

/* Core 2 runs a thread in its own VSpace (ASID b); core 0 deletes that VSpace. */
static uint64_t asid_b;

static void vspace_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core == 2)
		kmm_thread_switch(kt_cap(TCB_B).paddr);
	hal_sim_sched_barrier();
	if (core == 0) {
		ck_assert_uint_eq(kmm_inspect_asid_cores(asid_b), 0x4);
		/* The thread's VSpace root is a copy: revoke it, then the last cap goes. */
		ck_assert_int_eq(cnode_revoke(PML4B, KT_DEPTH).error, KMM_OK);
		seen.ipis_before = ipis_sent();
		ck_assert_int_eq(cnode_delete(PML4B, KT_DEPTH).error, KMM_OK);
		seen.ipis_after = ipis_sent();
	}
}

START_TEST(deleting_a_running_vspace_unloads_it_on_its_core)
{
	uint64_t w[2] = { 0, 0 };
	uint64_t caps[2] = { KMM_CAP_ROOT_CNODE, PML4B };
	struct kmm_msg m;

	boot_cores();
	kt_make_untyped(20, UT);
	asid_b = kt_make_vspace(UT, PML4B, KMM_CAP_ROOT_ASID_POOL);
	kt_make(UT, KMM_OBJ_TCB, 0, TCB_B);
	m = kt_msg(TCB_B, KMM_TCB_CONFIGURE, 2, w, 2, caps);
	ck_assert_int_eq(kt_invoke(&m).error, KMM_OK);
	run(vspace_body, 5);
	ck_assert_uint_eq(seen.ipis_after - seen.ipis_before, 1);
	ck_assert_uint_eq(hal_sim_vspace(2, NULL), 0);
	ck_assert_uint_eq(kmm_inspect_asid_cores(asid_b), 0);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(asid_b), 0);
}
END_TEST

static void lonely_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core != 0)
		return;
	seen.ipis_before = ipis_sent();
	ck_assert_int_eq(page_unmap(FRAME).error, KMM_OK);
	seen.ipis_after = ipis_sent();
}

START_TEST(no_ipi_to_cores_that_never_loaded_the_space)
{
	boot_cores();
	map_root_page();
	run(lonely_body, 9);
	ck_assert_uint_eq(seen.ipis_after - seen.ipis_before, 0);
	ck_assert_uint_eq(kmm_inspect_asid_cores(ASID_ROOT), 0x1);
}
END_TEST

static Suite *shootdown_suite(void)
{
	Suite *s = suite_create("shootdown");
	TCase *t = tcase_create("shootdown");

	tcase_add_checked_fixture(t, NULL, kt_teardown);
	tcase_add_test(t, boot_marks_only_the_boot_core);
	tcase_add_loop_test(t, unmap_interrupts_every_other_core_and_returns_after_all_flushed,
			    0, 8);
	tcase_add_test(t, whole_asid_flush_keeps_every_core_on_its_address_space);
	tcase_add_test(t, deleting_a_running_vspace_unloads_it_on_its_core);
	tcase_add_test(t, no_ipi_to_cores_that_never_loaded_the_space);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return kt_run(shootdown_suite());
}

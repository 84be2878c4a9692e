/*
 * hal_sim's own contract (hal_sim.h), without the kernel: the physical
 * memory layout for a given RAM size, the kernel window, reconfiguring
 * many times in one process, refused configurations, deterministic
 * preemption injection, and the kernel lock's recursion check (its
 * scheduling points are test_sched.c's).
 */
#include <check.h>
#include <setjmp.h>
#include <string.h>

#include "hal.h"
#include "hal_sim.h"

#define MIB (1ull << 20)

static void configure(uint64_t mem)
{
	struct hal_sim_config c = { .mem_bytes = mem, .cores = 1 };

	ck_assert_int_eq(hal_sim_configure(&c), HAL_SIM_OK);
}

static unsigned regions(struct hal_mem_region *r)
{
	return hal_memory_map(r, HAL_SIM_MAX_REGIONS);
}

START_TEST(layout_for_64m_puts_main_ram_at_64m)
{
	struct hal_mem_region r[HAL_SIM_MAX_REGIONS];

	configure(64 * MIB);
	ck_assert_uint_eq(regions(r), 4);
	ck_assert_uint_eq(r[0].base, 0x100000);
	ck_assert_uint_eq(r[0].size, MIB);
	ck_assert_uint_eq(r[1].base, 64 * MIB);
	ck_assert_uint_eq(r[1].size, 64 * MIB);
	ck_assert_int_eq(r[1].kind, HAL_MEM_RAM);
	ck_assert_uint_eq(r[2].base, 128 * MIB);
	ck_assert_uint_eq(r[2].size, 2 * MIB);
	ck_assert_int_eq(r[2].kind, HAL_MEM_DEVICE);
	ck_assert_uint_eq(r[3].base, 130 * MIB);
	ck_assert_uint_eq(r[3].size, 4096);
	hal_sim_teardown();
}
END_TEST

START_TEST(layout_rounds_main_base_up_to_a_power_of_two)
{
	struct hal_mem_region r[HAL_SIM_MAX_REGIONS];

	configure(100 * MIB);
	regions(r);
	ck_assert_uint_eq(r[1].base, 128 * MIB);
	ck_assert_uint_eq(r[2].base, 256 * MIB);
	configure(1 * MIB);
	regions(r);
	ck_assert_uint_eq(r[1].base, 4 * MIB);
	ck_assert_uint_eq(r[2].base, 8 * MIB);
	hal_sim_teardown();
}
END_TEST

START_TEST(window_round_trips_and_memory_starts_zero)
{
	uint8_t *p;

	configure(16 * MIB);
	p = hal_phys_to_kernel(16 * MIB + 4096);
	ck_assert_uint_eq(hal_kernel_to_phys(p), 16 * MIB + 4096);
	ck_assert_uint_eq(p[0], 0);
	p[0] = 0x5a;
	ck_assert_uint_eq(*(uint8_t *)hal_phys_to_kernel(16 * MIB + 4096), 0x5a);
	hal_sim_teardown();
}
END_TEST

START_TEST(phys_valid_accepts_regions_only)
{
	configure(16 * MIB);
	ck_assert(hal_sim_phys_valid(16 * MIB, 16 * MIB));
	ck_assert(hal_sim_phys_valid(32 * MIB, 0));
	ck_assert(!hal_sim_phys_valid(16 * MIB, 16 * MIB + 1));
	ck_assert(!hal_sim_phys_valid(0, 1));
	ck_assert(!hal_sim_phys_valid(0x200000, 1));
	ck_assert(!hal_sim_phys_valid(UINT64_MAX, 2));
	hal_sim_teardown();
}
END_TEST

START_TEST(reconfigure_gives_fresh_zeroed_memory_every_time)
{
	struct hal_mem_region r[HAL_SIM_MAX_REGIONS];

	/* Each size twice in a row: a new mapping, then the reused one. */
	for (unsigned i = 0; i < 40; i++) {
		uint8_t *p;

		configure((i / 2 % 3 + 1) * 8 * MIB);
		regions(r);
		p = hal_phys_to_kernel(r[1].base);
		ck_assert_uint_eq(p[100], 0);
		ck_assert_uint_eq(p[r[1].size - 1], 0);
		hal_sim_scribble_ram(0xa5);
		ck_assert_uint_eq(p[100], 0xa5);
		ck_assert_uint_eq(*(uint8_t *)hal_phys_to_kernel(0x100000), 0xa5);
	}
	hal_sim_teardown();
}
END_TEST

START_TEST(bad_configurations_are_refused)
{
#define CFG(m, c) { .mem_bytes = (m), .cores = (c) }
	struct hal_sim_config c[] = {
		CFG(0, 1), CFG(4095, 1), CFG(64 * MIB + 1, 1), CFG(65ull << 30, 1),
		CFG(64 * MIB, 0), CFG(64 * MIB, HAL_SIM_MAX_CORES + 1),
	};
	enum hal_sim_status want[] = {
		HAL_SIM_BAD_MEM, HAL_SIM_BAD_MEM, HAL_SIM_BAD_MEM, HAL_SIM_BAD_MEM,
		HAL_SIM_BAD_CORES, HAL_SIM_BAD_CORES,
	};

	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++)
		ck_assert_int_eq(hal_sim_configure(&c[i]), want[i]);
	ck_assert_str_ne(hal_sim_status_text(HAL_SIM_BAD_MEM), "ok");
	configure(4 * MIB);
	hal_sim_teardown();
}
END_TEST

START_TEST(interrupt_fires_once_at_the_nth_check)
{
	configure(4 * MIB);
	hal_sim_interrupt_after(3);
	ck_assert(!hal_interrupt_pending());
	ck_assert(!hal_interrupt_pending());
	ck_assert(hal_interrupt_pending());
	ck_assert(!hal_interrupt_pending());
	ck_assert_uint_eq(hal_sim_preempt_checks(), 4);
	hal_sim_interrupt_after(1);
	hal_sim_interrupt_after(0);
	ck_assert(!hal_interrupt_pending());
	configure(4 * MIB);
	ck_assert_uint_eq(hal_sim_preempt_checks(), 0);
	hal_sim_teardown();
}
END_TEST

static jmp_buf panic_jump;
static char panic_msg[256];

static void panic_hook(const char *msg, void *ctx)
{
	(void)ctx;
	strncpy(panic_msg, msg, sizeof panic_msg - 1);
	longjmp(panic_jump, 1);
}

START_TEST(lock_and_unlock_set_and_clear_the_flag)
{
	configure(4 * MIB);
	hal_kernel_lock();
	ck_assert(hal_sim_lock_held());
	hal_kernel_unlock();
	ck_assert(!hal_sim_lock_held());
	hal_sim_teardown();
}
END_TEST

START_TEST(recursive_lock_panics_through_the_hook)
{
	configure(4 * MIB);
	hal_sim_set_panic_hook(panic_hook, NULL);
	if (setjmp(panic_jump) == 0) {
		hal_kernel_lock();
		hal_kernel_lock();
		ck_abort_msg("a recursive acquire must panic");
	}
	ck_assert_ptr_nonnull(strstr(panic_msg, "recursive"));
	configure(4 * MIB);
	ck_assert(!hal_sim_lock_held());
	hal_sim_teardown();
}
END_TEST

START_TEST(window_outside_a_region_panics)
{
	configure(4 * MIB);
	hal_sim_set_panic_hook(panic_hook, NULL);
	if (setjmp(panic_jump) == 0) {
		hal_phys_to_kernel(0x300000);
		ck_abort_msg("an address in a hole must panic");
	}
	ck_assert_ptr_nonnull(strstr(panic_msg, "hal_phys_to_kernel"));
	hal_sim_teardown();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hal_sim");
	TCase *t = tcase_create("hal_sim");

	tcase_add_test(t, layout_for_64m_puts_main_ram_at_64m);
	tcase_add_test(t, layout_rounds_main_base_up_to_a_power_of_two);
	tcase_add_test(t, window_round_trips_and_memory_starts_zero);
	tcase_add_test(t, phys_valid_accepts_regions_only);
	tcase_add_test(t, reconfigure_gives_fresh_zeroed_memory_every_time);
	tcase_add_test(t, bad_configurations_are_refused);
	tcase_add_test(t, interrupt_fires_once_at_the_nth_check);
	tcase_add_test(t, lock_and_unlock_set_and_clear_the_flag);
	tcase_add_test(t, recursive_lock_panics_through_the_hook);
	tcase_add_test(t, window_outside_a_region_panics);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;

	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? 0 : 1;
}

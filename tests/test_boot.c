/*
 * kmm_boot's refusals: a root CNode size outside 8..24 bits, and a memory
 * map too small for the root objects.  Each refusal returns false and says
 * why on the console, and a machine just big enough boots.
 *
 * hal_sim lays memory out as 1 MiB of low RAM at 1 MiB, then main RAM of
 * mem_bytes at 4 MiB (or the next power of two above mem_bytes), then
 * device memory.  Boot carves, lowest RAM first: the root CNode
 * (2^(bits + 5) bytes), the TCB (2 KiB), the PML4 and the ASID pool
 * (4 KiB each), and a 32-byte sentinel.  A 15-bit root CNode fills low
 * RAM exactly, so the rest must come from main RAM: 4 KiB of it holds
 * only the TCB, 8 KiB the TCB and PML4, 12 KiB everything.
 *
 * These tests boot machines of their own, so they use no kmm_test fixture.
 */
#include "kmm_test.h"

static char console[256];
static size_t console_len;

static void capture(const char *s, size_t n, void *ctx)
{
	(void)ctx;
	if (n > sizeof(console) - 1 - console_len)
		n = sizeof(console) - 1 - console_len;
	memcpy(console + console_len, s, n);
	console_len += n;
	console[console_len] = '\0';
}

/* Configure a machine with mem_bytes of main RAM and boot it; the console is captured. */
static bool boot_machine(uint64_t mem_bytes, uint32_t root_bits)
{
	struct hal_sim_config hc = { .mem_bytes = mem_bytes, .cores = 1 };
	struct kmm_boot_config kc = { root_bits, KMM_DEFAULT_WORK_UNITS };
	enum hal_sim_status st = hal_sim_configure(&hc);

	ck_assert_msg(st == HAL_SIM_OK, "hal_sim_configure: %s", hal_sim_status_text(st));
	console_len = 0;
	console[0] = '\0';
	hal_sim_set_console(capture, NULL);
	return kmm_boot(&kc);
}

static void teardown(void)
{
	hal_sim_set_console(NULL, NULL);
	hal_sim_teardown();
}

#define BAD_BITS_MSG "kmm: boot: root CNode bits must be 8..24\n"
#define NO_RAM_MSG   "kmm: boot: not enough RAM for the root objects\n"

START_TEST(boot_with_a_root_cnode_below_8_bits_fails_and_says_why)
{
	ck_assert(!boot_machine(KT_MEM, 7));
	ck_assert_str_eq(console, BAD_BITS_MSG);
}
END_TEST

START_TEST(boot_with_a_root_cnode_above_24_bits_fails_and_says_why)
{
	ck_assert(!boot_machine(KT_MEM, 25));
	ck_assert_str_eq(console, BAD_BITS_MSG);
}
END_TEST

START_TEST(boot_with_the_smallest_and_largest_root_cnode_bits_passes_the_size_check)
{
	/* 24 bits is a 512 MiB CNode: the size is legal, the RAM is not there. */
	ck_assert(boot_machine(KT_MEM, 8));
	ck_assert_uint_eq(kmm_bootinfo()->root_cnode_bits, 8);
	ck_assert_str_eq(console, "");
	ck_assert(!boot_machine(KT_MEM, 24));
	ck_assert_str_eq(console, NO_RAM_MSG);
}
END_TEST

START_TEST(boot_without_room_for_the_pml4_fails_and_says_why)
{
	ck_assert(!boot_machine(4 << 10, 15));
	ck_assert_str_eq(console, NO_RAM_MSG);
}
END_TEST

START_TEST(boot_without_room_for_the_asid_pool_fails_and_says_why)
{
	ck_assert(!boot_machine(8 << 10, 15));
	ck_assert_str_eq(console, NO_RAM_MSG);
}
END_TEST

START_TEST(boot_with_just_enough_ram_places_the_roots_and_hands_out_no_ram_untyped)
{
	const struct kmm_bootinfo *bi;
	uint32_t i;

	ck_assert(boot_machine(12 << 10, 15));
	ck_assert_str_eq(console, "");
	bi = kmm_bootinfo();
	ck_assert_uint_eq(bi->root_cnode_bits, 15);
	ck_assert_uint_eq(bi->root_tcb, 4ull << 20);
	ck_assert_uint_eq(kmm_inspect_current_thread(0), bi->root_tcb);
	/*
	 * What is left of RAM is the 2 KiB gap between the TCB and the PML4
	 * less the 32-byte sentinel: 32 + 64 + ... + 1024 bytes, six RAM
	 * untypeds below 4 MiB + 4 KiB.  Then the two device regions.
	 */
	for (i = 0; i < 6; i++) {
		ck_assert(!bi->untyped[i].is_device);
		ck_assert_uint_eq(bi->untyped[i].size_bits, 5 + i);
		ck_assert_uint_lt(bi->untyped[i].paddr, (4ull << 20) + 4096);
	}
	ck_assert_uint_eq(bi->untyped_count, 8);
	ck_assert(bi->untyped[6].is_device && bi->untyped[7].is_device);
	ck_assert_uint_eq(bi->untyped_dropped, 0);
}
END_TEST

static Suite *boot_suite(void)
{
	Suite *s = suite_create("boot");
	TCase *tc = tcase_create("refusals");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, boot_with_a_root_cnode_below_8_bits_fails_and_says_why);
	tcase_add_test(tc, boot_with_a_root_cnode_above_24_bits_fails_and_says_why);
	tcase_add_test(tc, boot_with_the_smallest_and_largest_root_cnode_bits_passes_the_size_check);
	tcase_add_test(tc, boot_without_room_for_the_pml4_fails_and_says_why);
	tcase_add_test(tc, boot_without_room_for_the_asid_pool_fails_and_says_why);
	tcase_add_test(tc, boot_with_just_enough_ram_places_the_roots_and_hands_out_no_ram_untyped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kt_run(boot_suite());
}

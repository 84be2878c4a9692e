/*
 * The kernel's console printers (kernel/print.c): kputs writes a string
 * without its terminator, kput_u64 a number in any base 2..16 with no
 * padding and no prefix.  Every digit must come out, also for the widest
 * number in the smallest base: 64 binary digits.
 */
#include "kmm_test.h"
#include "kernel/util.h"

static char out[128];
static size_t out_len;

static void capture(const char *s, size_t n, void *ctx)
{
	(void)ctx;
	ck_assert_uint_le(n, sizeof(out) - 1 - out_len);
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = '\0';
}

static void start(void)
{
	kt_boot();
	out_len = 0;
	out[0] = '\0';
	hal_sim_set_console(capture, NULL);
}

static void stop(void)
{
	hal_sim_set_console(NULL, NULL);
	kt_teardown();
}

/* What kput_u64(v, base) prints. */
static const char *u64(uint64_t v, unsigned base)
{
	out_len = 0;
	out[0] = '\0';
	kput_u64(v, base);
	return out;
}

START_TEST(kputs_writes_the_string_without_its_terminator)
{
	kputs("kmm\n");
	kputs("");
	ck_assert_uint_eq(out_len, 4);
	ck_assert_str_eq(out, "kmm\n");
}
END_TEST

START_TEST(kput_u64_writes_every_digit_and_nothing_else)
{
	ck_assert_str_eq(u64(0, 10), "0");
	ck_assert_str_eq(u64(7, 2), "111");
	ck_assert_str_eq(u64(255, 16), "ff");
	ck_assert_str_eq(u64(0x1000, 16), "1000");
	ck_assert_str_eq(u64(1234567890, 10), "1234567890");
	ck_assert_str_eq(u64(UINT64_MAX, 10), "18446744073709551615");
	ck_assert_str_eq(u64(UINT64_MAX, 16), "ffffffffffffffff");
	ck_assert_str_eq(u64(UINT64_MAX, 8), "1777777777777777777777");
	ck_assert_str_eq(u64(UINT64_MAX, 2),
			 "1111111111111111111111111111111111111111111111111111111111111111");
}
END_TEST

static Suite *print_suite(void)
{
	Suite *s = suite_create("print");
	TCase *tc = tcase_create("console");

	tcase_add_checked_fixture(tc, start, stop);
	tcase_add_test(tc, kputs_writes_the_string_without_its_terminator);
	tcase_add_test(tc, kput_u64_writes_every_digit_and_nothing_else);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kt_run(print_suite());
}

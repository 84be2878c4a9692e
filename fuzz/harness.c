/*
 * kmm-fuzz: the AFL++ harness, and (built without afl-clang-fast)
 * kmm-fuzz-replay, which runs each input file named on its command line.
 *
 * Per input: a fresh machine (hal_sim with FZ_MEM_BYTES of RAM, one core,
 * and kmm_boot with a FZ_ROOT_BITS root CNode), the input decoded into a
 * program (decode.h), and the executor with the invariant checker after
 * every op (CHECK_CHEAP, plus the MMU's stale-translation check) and the
 * full check at the end.  Fuzz programs carry no expectations, so any
 * failure is a broken invariant, a stuck restart loop or a decoder bug:
 * the executor's report (with the invariant's name) goes to stderr and
 * the process aborts, which AFL++ records as a crash.  A kernel panic
 * aborts inside hal_sim after the same report.
 *
 * Persistent mode with shared-memory test cases (__AFL_FUZZ_INIT,
 * __AFL_LOOP); the guards are here only, never in kernel_core.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kmm/kernel.h>

#include "decode.h"
#include "exec.h"
#include "hal_sim.h"
#include "sim.h"   /* sim_mmu_hooks: the executor's MMU on hal_sim */

#define FZ_MAX_INPUT (1u << 16)

static uint64_t code[FZ_CODE_WORDS];
static struct exec x;
static void *scratch_mem;
static size_t scratch_bytes;

static void write_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
}

static void write_err(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stderr);
}

static void *scratch(void *ctx, size_t bytes)
{
	(void)ctx;
	if (bytes > scratch_bytes) {
		free(scratch_mem);
		scratch_mem = malloc(bytes);
		scratch_bytes = scratch_mem != NULL ? bytes : 0;
	}
	return scratch_mem;
}

static void preempt_after(void *ctx, uint64_t n)
{
	(void)ctx;
	hal_sim_interrupt_after(n);
}

static void on_panic(const char *msg, void *ctx)
{
	exec_report_panic(ctx, msg);
}

/* A fresh machine; any refusal is a harness bug. */
static void boot_machine(void)
{
	struct hal_sim_config hc = { .mem_bytes = FZ_MEM_BYTES, .cores = 1 };
	struct kmm_boot_config kc = { FZ_ROOT_BITS, KMM_DEFAULT_WORK_UNITS };

	if (hal_sim_configure(&hc) != HAL_SIM_OK || !kmm_boot(&kc)) {
		fprintf(stderr, "kmm-fuzz: the machine did not boot\n");
		abort();
	}
}

/* Run one input; aborts on any failure but an expectation (there are none). */
static size_t run_one(const uint8_t *buf, size_t len, const char *name)
{
	struct exec_config c = {
		.check = EXEC_CHECK_EVERY, .file = name,
		.io = { write_out, write_err, scratch, preempt_after, NULL, { 0 } },
	};
	struct fz_header h;
	struct prog_stream s;
	size_t nops;

	boot_machine();
	nops = fz_decode(buf, len, kmm_bootinfo(), &h, code, &s);
	c.caller = kmm_bootinfo()->root_tcb;
	sim_mmu_hooks(&c.io.mmu);
	exec_init(&x, &c);
	hal_sim_set_panic_hook(on_panic, &x);
	exec_stream(&x, &s);
	exec_finish(&x);
	hal_sim_set_panic_hook(NULL, NULL);
	if (x.status != EXEC_OK && x.status != EXEC_FAIL_EXPECT) {
		fprintf(stderr, "kmm-fuzz: %s: %s at step %llu\n", name,
			exec_status_text(x.status), (unsigned long long)x.steps);
		abort();
	}
	return nops;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN

#include <unistd.h>   /* read(), in __AFL_FUZZ_TESTCASE_LEN */

__AFL_FUZZ_INIT();

int main(void)
{
	const unsigned char *buf;

	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000))
		run_one(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN, "afl-input");
	return 0;
}

#else

/* The whole file (at most FZ_MAX_INPUT bytes are decoded anyway). */
static size_t read_input(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	n = fread(buf, 1, FZ_MAX_INPUT, f);
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	static uint8_t buf[FZ_MAX_INPUT];

	if (argc < 2) {
		fprintf(stderr, "usage: kmm-fuzz-replay INPUT...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		size_t n = read_input(argv[i], buf);

		printf("ok %s: %zu ops\n", argv[i], run_one(buf, n, argv[i]));
	}
	hal_sim_teardown();
	free(scratch_mem);
	return 0;
}

#endif

/*
 * kmm-fuzz: the AFL++ harness, and (built without afl-clang-fast)
 * kmm-fuzz-replay, which runs each input file named on its command line.
 *
 * Per input: a fresh machine (machine.h) with the input's core count, a
 * fresh reference model of it when there is one core (sim/model/, hooked
 * into the executor so every completed op is compared with it), the input
 * decoded into a program (decode.h), the cores interleaved by hal_sim's
 * deterministic scheduler as the header says, and the executor
 * with the invariant checker after every op (CHECK_CHEAP, which includes
 * the incremental zero-above-watermark check, plus the MMU's
 * stale-translation check) and the full check at the end.
 * KMM_FUZZ_CHECK=end in the environment checks at the end only (the model
 * still compares every op): it is there to measure what the per-op checks
 * cost.  Fuzz programs carry no expectations, so any failure is a broken
 * invariant, a model difference ("model.<field>"), a stuck restart loop or
 * a decoder bug: the executor's report (with the invariant's name) goes
 * to stderr and the process aborts, which AFL++ records as a crash.  A
 * kernel panic aborts inside hal_sim after the same report.
 *
 * Persistent mode with shared-memory test cases (__AFL_FUZZ_INIT,
 * __AFL_LOOP); the machine is made after __AFL_INIT, once per input.  The
 * guards are here only, never in kernel_core.  Built with
 * -DKMM_FUZZ_LIBFUZZER it is instead an LLVMFuzzerTestOneInput target for
 * OSS-Fuzz/ClusterFuzzLite engines (.clusterfuzzlite/build.sh).
 */
#include <stdio.h>
#include <stdlib.h>

#include <kmm/kernel.h>

#include "checker.h"
#include "hal.h"
#include "decode.h"
#include "exec.h"
#include "hal_sim.h"
#include "machine.h"
#include "model/model.h"
#include "sim.h"   /* sim_mmu_hooks: the executor's MMU on hal_sim */

#define FZ_MAX_INPUT (1u << 16)

static uint64_t code[FZ_CODE_WORDS];
static struct exec x;
static enum exec_check check_mode = EXEC_CHECK_EVERY;
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
	exec_report_panic(ctx, hal_core_id(), msg);
}

/* A fresh machine and the checker's memory of the last one forgotten. */
static void boot_machine(unsigned cores)
{
	if (!fz_machine_boot(cores)) {
		fprintf(stderr, "kmm-fuzz: the machine did not boot\n");
		abort();
	}
	checker_forget();
}

/* KMM_FUZZ_CHECK=end: the invariant checker at the end of each input only. */
static void read_check_mode(void)
{
	const char *m = getenv("KMM_FUZZ_CHECK");

	if (m != NULL && m[0] == 'e')
		check_mode = EXEC_CHECK_END;
}

/*
 * Every core's stream: one core directly, more under the deterministic
 * scheduler seeded from the header (PCT when it asks for a depth), as
 * kmm-sim --replay runs them.  The model follows one core only.
 */
static void run_cores(struct exec_config *c, const struct fz_header *h, const struct prog *p)
{
	struct sim_opts o = { .cores = h->cores, .seed = h->seed, .pct = h->pct_depth,
			      .file = c->file };

	sim_core_hooks(&c->io, &o);
	exec_init(&x, c);
	hal_sim_set_panic_hook(on_panic, &x);
	hal_sim_set_ipi_handler(kmm_ipi_receive);
	if (sim_run_cores(&x, p, &o) == SIM_EXIT_PASS)
		exec_finish(&x);
	else
		x.status = EXEC_FAIL_STUCK;
	hal_sim_set_panic_hook(NULL, NULL);
}

/* Run one input; aborts on any failure but an expectation (there are none). */
static size_t run_one(const uint8_t *buf, size_t len, const char *name)
{
	struct exec_config c = {
		.check = check_mode, .file = name,
		.io = { .out = write_out, .err = write_err, .scratch = scratch,
			.preempt_after = preempt_after },
	};
	struct fz_header h;
	struct prog p;
	struct model *m = NULL;
	size_t nops;

	fz_decode_header(buf, len, &h);
	boot_machine(h.cores);
	nops = fz_decode(buf, len, kmm_bootinfo(), &h, code, &p);
	c.caller = kmm_bootinfo()->root_tcb;
	if (h.cores == 1) {
		m = model_new(c.caller);
		c.model = (struct exec_model){ model_step, m };
	}
	sim_mmu_hooks(&c.io.mmu);
	run_cores(&c, &h, &p);
	model_free(m);
	if (x.status != EXEC_OK && x.status != EXEC_FAIL_EXPECT) {
		fprintf(stderr, "kmm-fuzz: %s: %s at step %llu\n", name,
			exec_status_text(x.status), (unsigned long long)x.steps);
		abort();
	}
	return nops;
}

#if defined(KMM_FUZZ_LIBFUZZER)

/*
 * The libFuzzer entry point ($LIB_FUZZING_ENGINE, .clusterfuzzlite/build.sh):
 * libFuzzer, or AFL++/honggfuzz through their drivers, call it per input.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		read_check_mode();
		ready = true;
	}
	run_one(data, size, "fuzz-input");
	return 0;
}

#elif defined(__AFL_FUZZ_TESTCASE_LEN)

#include <unistd.h>   /* read(), in __AFL_FUZZ_TESTCASE_LEN */

__AFL_FUZZ_INIT();

int main(void)
{
	const unsigned char *buf;

	read_check_mode();
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
	read_check_mode();
	for (int i = 1; i < argc; i++) {
		size_t n = read_input(argv[i], buf);

		printf("ok %s: %zu ops\n", argv[i], run_one(buf, n, argv[i]));
	}
	hal_sim_teardown();
	free(scratch_mem);
	return 0;
}

#endif

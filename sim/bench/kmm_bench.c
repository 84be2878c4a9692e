/*
 * kmm-bench: how fast the kernel's memory operations run on hal_sim.
 *
 * Machines here are noisy, so every figure comes with a ratio to a floor
 * measured in the same run: each invocation against the cheapest kernel
 * entry there is (a null invocation that fails its first check), and the
 * zeroing done by retype against plain memset() of the same bytes.
 * Revoke is timed on chains of 10^3..10^6 copies, reported per cap, so
 * linearity shows as a flat ns/cap column.  The scheduler's fiber switch
 * is set against a hand-off between host threads.  This is a benchmark,
 * not a test: it asserts only that every operation succeeded.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <kmm/kernel.h>
#include "hal_sim.h"
#include "bench.h"

#define BIG_CNODE 100    /* root slot of the CNode that holds the copies */
#define SOURCE    101    /* the endpoint whose copies form chains */
#define WORK_UT   102    /* 1 MiB untyped for the retype loops */

static uint64_t tcb;
double bench_min_seconds = 0.3;

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

_Noreturn void bench_fail(const char *what)
{
	fprintf(stderr, "kmm-bench: %s\n", what);
	exit(1);
}

void bench_use_root_thread(void)
{
	tcb = kmm_bootinfo()->root_tcb;
}

void bench_must(const struct kmm_msg *m, const char *what)
{
	struct kmm_result r;

	while (kmm_invoke(tcb, m, &r) == KMM_RESULT_PREEMPTED)
		;
	if (r.kind != KMM_RESULT_REPLY || r.error != KMM_OK) {
		fprintf(stderr, "kmm-bench: %s failed: kind %d error %d\n", what, r.kind,
			r.error);
		exit(1);
	}
}

struct kmm_msg bench_msg(uint64_t cptr, uint64_t label, unsigned nwords, const uint64_t *w,
			  uint64_t cap)
{
	struct kmm_msg m = { .cptr = cptr, .label = label, .nwords = nwords, .ncaps = 1 };

	if (nwords)
		memcpy(m.words, w, nwords * sizeof(uint64_t));
	m.caps[0] = cap;
	return m;
}

static void retype(uint64_t ut, uint64_t type, uint64_t size, uint64_t node, uint64_t depth,
		   uint64_t offset, uint64_t count)
{
	uint64_t w[6] = { type, size, node, depth, offset, count };
	struct kmm_msg m = bench_msg(ut, KMM_UNTYPED_RETYPE, 6, w, KMM_CAP_ROOT_CNODE);

	bench_must(&m, "retype");
}

void bench_cnode_op(uint64_t label, uint64_t slot)
{
	uint64_t w[2] = { slot, 64 };
	struct kmm_msg m = bench_msg(KMM_CAP_ROOT_CNODE, label, 2, w, 0);

	m.ncaps = 0;
	bench_must(&m, "cnode op");
}

/* Copy SOURCE into BIG_CNODE slot i (the big CNode is invoked directly). */
static void copy_into_big(uint64_t i, unsigned big_bits)
{
	uint64_t w[5] = { i, big_bits, SOURCE, 64, KMM_RIGHTS_ALL };
	struct kmm_msg m = bench_msg(BIG_CNODE, KMM_CNODE_COPY, 5, w, KMM_CAP_ROOT_CNODE);

	bench_must(&m, "copy");
}

static void delete_in_big(uint64_t i, unsigned big_bits)
{
	uint64_t w[2] = { i, big_bits };
	struct kmm_msg m = bench_msg(BIG_CNODE, KMM_CNODE_DELETE, 2, w, 0);

	m.ncaps = 0;
	bench_must(&m, "delete");
}

uint64_t bench_largest_untyped(void)
{
	const struct kmm_bootinfo *bi = kmm_bootinfo();
	unsigned i, best = 0;

	for (i = 0; i < bi->untyped_count; i++)
		if (!bi->untyped[i].is_device &&
		    bi->untyped[i].size_bits > bi->untyped[best].size_bits)
			best = i;
	return bi->untyped_first + best;
}

/* A fresh machine with a big CNode, an endpoint and a 1 MiB work untyped. */
static void boot_machine(uint64_t mem, unsigned big_bits)
{
	struct hal_sim_config hc = { .mem_bytes = mem, .cores = 1 };
	struct kmm_boot_config kc = { 16, KMM_DEFAULT_WORK_UNITS };
	uint64_t ut;

	if (hal_sim_configure(&hc) != HAL_SIM_OK || !kmm_boot(&kc)) {
		fprintf(stderr, "kmm-bench: cannot boot a %llu-byte machine\n",
			(unsigned long long)mem);
		exit(1);
	}
	bench_use_root_thread();
	ut = bench_largest_untyped();
	retype(ut, KMM_OBJ_CNODE, big_bits, 0, 0, BIG_CNODE, 1);
	retype(ut, KMM_OBJ_ENDPOINT, 0, 0, 0, SOURCE, 1);
	retype(ut, KMM_OBJ_UNTYPED, 20, 0, 0, WORK_UT, 1);
}

double bench_per_sec(struct rate r)
{
	return r.ops / r.seconds;
}

void bench_copy(uint64_t dest, uint64_t src)
{
	uint64_t w[5] = { dest, 64, src, 64, KMM_RIGHTS_ALL };
	struct kmm_msg m = bench_msg(KMM_CAP_ROOT_CNODE, KMM_CNODE_COPY, 5, w, KMM_CAP_ROOT_CNODE);

	bench_must(&m, "copy");
}

void bench_retype(uint64_t ut, uint64_t type, uint64_t size, uint64_t offset, uint64_t count)
{
	retype(ut, type, size, 0, 0, offset, count);
}

/* The floor: an invocation on an empty slot, InvalidCapability(0). */
static struct rate bench_null(void)
{
	struct kmm_msg m = { .cptr = 4000, .label = KMM_CNODE_COPY };
	struct kmm_result r;
	struct rate out = { 0, 0 };
	double t0 = bench_now();

	while (out.seconds < bench_min_seconds) {
		for (int i = 0; i < 100000; i++)
			kmm_invoke(tcb, &m, &r);
		out.ops += 100000;
		out.seconds = bench_now() - t0;
	}
	return out;
}

/* Retype 256 small objects (one call each), then revoke: timed apart. */
static struct rate bench_retype_small(void)
{
	struct rate out = { 0, 0 };

	while (out.seconds < bench_min_seconds) {
		double t0 = bench_now();

		for (uint64_t i = 0; i < 256; i++)
			retype(WORK_UT, KMM_OBJ_ENDPOINT, 0, 0, 0, 200 + i, 1);
		out.seconds += bench_now() - t0;
		out.ops += 256;
		bench_cnode_op(KMM_CNODE_REVOKE, WORK_UT);
	}
	return out;
}

/*
 * 256 frames (1 MiB) per call from the work untyped, after a revoke: each
 * call first resets, so it zeroes the whole MiB in 256-byte chunks.
 */
static struct rate bench_retype_frames(void)
{
	struct rate out = { 0, 0 };

	while (out.seconds < bench_min_seconds) {
		double t0;

		bench_cnode_op(KMM_CNODE_REVOKE, WORK_UT);
		t0 = bench_now();
		retype(WORK_UT, KMM_OBJ_4K_PAGE, 0, 0, 0, 200, 256);
		out.seconds += bench_now() - t0;
		out.ops += 256;
	}
	bench_cnode_op(KMM_CNODE_REVOKE, WORK_UT);
	return out;
}

static struct rate bench_memset(void)
{
	size_t n = 1u << 20;
	char *buf = g_malloc(n);
	struct rate out = { 0, 0 };
	double t0 = bench_now();

	while (out.seconds < bench_min_seconds) {
		memset(buf, (int)out.ops, n);
		__asm__ volatile("" : : "r"(buf) : "memory");
		out.ops += 256;  /* in 4 KiB frames, to compare with retype */
		out.seconds = bench_now() - t0;
	}
	g_free(buf);
	return out;
}

/* Copies into, then deletes from, the big CNode: two rates. */
static void bench_copy_delete(unsigned big_bits, struct rate *copy, struct rate *del)
{
	uint64_t n = 10000;

	*copy = (struct rate){ 0, 0 };
	*del = (struct rate){ 0, 0 };
	while (copy->seconds < bench_min_seconds) {
		double t0 = bench_now();

		for (uint64_t i = 0; i < n; i++)
			copy_into_big(i, big_bits);
		copy->seconds += bench_now() - t0;
		t0 = bench_now();
		for (uint64_t i = 0; i < n; i++)
			delete_in_big(i, big_bits);
		del->seconds += bench_now() - t0;
		copy->ops += (double)n;
		del->ops += (double)n;
	}
}

/* Revoke of SOURCE with n copies below it; returns seconds. */
static double bench_revoke_chain(uint64_t n, unsigned big_bits)
{
	double t0;

	for (uint64_t i = 0; i < n; i++)
		copy_into_big(i, big_bits);
	t0 = bench_now();
	bench_cnode_op(KMM_CNODE_REVOKE, SOURCE);
	t0 = bench_now() - t0;
	if (kmm_inspect_cap_count() > 64) {
		fprintf(stderr, "kmm-bench: revoke left caps behind\n");
		exit(1);
	}
	return t0;
}

void bench_row(const char *name, struct rate r, double floor)
{
	printf("  %-34s %12.0f ops/s   %8.1f ns/op   %6.1fx null\n", name, bench_per_sec(r),
	       1e9 / bench_per_sec(r), floor / bench_per_sec(r));
}

int main(int argc, char **argv)
{
	gboolean quick = FALSE;
	GOptionEntry entries[] = {
		{ "quick", 'q', 0, G_OPTION_ARG_NONE, &quick,
		  "short run, chains up to 10^5 (for CI smoke runs)", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("- kernel memory operation benchmark");
	GError *err = NULL;
	unsigned big_bits = 20;
	uint64_t max_chain;
	struct rate null, small, frames, ms, copy, del;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "kmm-bench: %s\n", err->message);
		return 2;
	}
	g_option_context_free(ctx);
	if (quick)
		bench_min_seconds = 0.05;
	max_chain = quick ? 100000 : 1000000;
	boot_machine(128ull << 20, big_bits);
	null = bench_null();
	small = bench_retype_small();
	frames = bench_retype_frames();
	ms = bench_memset();
	bench_copy_delete(big_bits, &copy, &del);

	printf("kmm-bench (hal_sim, 1 core; ratios are to floors measured in this run)\n");
	printf("  %-34s %12.0f ops/s   %8.1f ns/op   (floor)\n", "null invocation",
	       bench_per_sec(null), 1e9 / bench_per_sec(null));
	bench_row("retype endpoint (1 per call)", small, bench_per_sec(null));
	bench_row("retype 4K frame incl. zeroing", frames, bench_per_sec(null));
	printf("  %-34s %12.0f frames/s  retype/memset = %.2f\n", "memset of 4 KiB (floor)",
	       bench_per_sec(ms), bench_per_sec(frames) / bench_per_sec(ms));
	bench_row("cnode copy", copy, bench_per_sec(null));
	bench_row("cnode delete", del, bench_per_sec(null));
	printf("  revoke of a chain of n copies:\n");
	for (uint64_t n = 1000; n <= max_chain; n *= 10) {
		double s = bench_revoke_chain(n, big_bits);

		printf("    n = %-8llu %10.3f ms  %8.1f ns/cap  %12.0f caps/s\n",
		       (unsigned long long)n, s * 1e3, s * 1e9 / (double)n, (double)n / s);
	}
	bench_vm(bench_per_sec(null), big_bits);
	bench_sched();
	bench_multicore();
	hal_sim_teardown();
	return 0;
}

/*
 * kmm-bench's multicore part, on machines of 1, 2, 4 (and 8) cores:
 *
 *  - scaling in free mode: every core retypes an endpoint from its own
 *    untyped and deletes it again, as fast as it can, and separately
 *    every core reads its own mapped page; the rate of all cores together
 *    is compared with one core's.  Kernel work is serialised by the one
 *    kernel lock (seL4's SMP design), so it cannot scale; user reads run
 *    outside it and can, up to the host's own cores;
 *  - shootdown cost in deterministic mode: core 0 maps and unmaps a page
 *    of the root VSpace, which every core has loaded, so every unmap
 *    sends an IPI to each other core and waits for all of them; compared
 *    with the same loop on one core.
 */
#include <stdio.h>
#include "bench.h"
#include "hal.h"
#include "hal_sim.h"

#define MC_UT     200            /* core c's untyped: slot MC_UT + c */
#define MC_OBJ    300            /* core c's endpoint slot */
#define MC_FRAME  400            /* core c's page */
#define MC_TABLES 500            /* PDPT, PD, PT */
#define MC_VA     0x10000000ull  /* core c's page at MC_VA + 4 KiB * c */
#define MC_ITERS  100000u       /* retype+delete pairs per core */
#define MC_READS  1000000u      /* reads per core */

/* A machine of `cores` cores: per core an untyped and a mapped page. */
static void boot_cores(unsigned cores)
{
	struct hal_sim_config hc = { .mem_bytes = 64ull << 20, .cores = cores };
	struct kmm_boot_config kc = { 12, KMM_DEFAULT_WORK_UNITS };
	uint64_t ut;

	if (hal_sim_configure(&hc) != HAL_SIM_OK || !kmm_boot(&kc))
		bench_fail("boot a multicore machine");
	hal_sim_set_ipi_handler(kmm_ipi_receive);
	bench_use_root_thread();
	ut = bench_largest_untyped();
	bench_retype(ut, KMM_OBJ_PDPT, 0, MC_TABLES, 1);
	bench_retype(ut, KMM_OBJ_PAGE_DIRECTORY, 0, MC_TABLES + 1, 1);
	bench_retype(ut, KMM_OBJ_PAGE_TABLE, 0, MC_TABLES + 2, 1);
	bench_map_table(MC_TABLES, KMM_X86_PDPT_MAP, MC_VA);
	bench_map_table(MC_TABLES + 1, KMM_X86_PAGE_DIRECTORY_MAP, MC_VA);
	bench_map_table(MC_TABLES + 2, KMM_X86_PAGE_TABLE_MAP, MC_VA);
	for (unsigned c = 0; c < cores; c++) {
		bench_retype(ut, KMM_OBJ_UNTYPED, 16, MC_UT + c, 1);
		bench_retype(ut, KMM_OBJ_4K_PAGE, 0, MC_FRAME + c, 1);
		bench_page_map(MC_FRAME + c, MC_VA + 4096ull * c);
	}
}

static void kernel_loop(unsigned core, void *ctx)
{
	(void)ctx;
	if (core != 0)
		kmm_thread_switch(kmm_bootinfo()->root_tcb);
	for (unsigned i = 0; i < MC_ITERS; i++) {
		bench_retype(MC_UT + core, KMM_OBJ_ENDPOINT, 0, MC_OBJ + core, 1);
		bench_cnode_op(KMM_CNODE_DELETE, MC_OBJ + core);
	}
}

static void read_loop(unsigned core, void *ctx)
{
	uint64_t v;

	(void)ctx;
	if (core != 0)
		kmm_thread_switch(kmm_bootinfo()->root_tcb);
	for (unsigned i = 0; i < MC_READS; i++)
		if (!hal_sim_user_access(core, HAL_SIM_READ, MC_VA + 4096ull * core, 8, &v, NULL))
			bench_fail("user read");
}

/* Ops per second of all cores together, free mode. */
static double free_rate(unsigned cores, hal_sim_core_fn body, double ops_per_core)
{
	struct hal_sim_sched_config sc = { .mode = HAL_SIM_SCHED_FREE };
	double t0;

	boot_cores(cores);
	t0 = bench_now();
	if (hal_sim_sched_run(&sc, body, NULL) != HAL_SIM_SCHED_DONE)
		bench_fail("free run");
	return ops_per_core * cores / (bench_now() - t0);
}

static void shootdown_loop(unsigned core, void *ctx)
{
	unsigned *n = ctx;

	if (core != 0) {
		kmm_thread_switch(kmm_bootinfo()->root_tcb);
		return;
	}
	for (unsigned i = 0; i < *n; i++) {
		bench_page_unmap(MC_FRAME);
		bench_page_map(MC_FRAME, MC_VA);
	}
}

/* Seconds per unmap+map pair, deterministic mode. */
static double shootdown_pair(unsigned cores)
{
	struct hal_sim_sched_config sc = { .mode = HAL_SIM_SCHED_UNIFORM, .seed = 1 };
	unsigned n = 5000;
	double t0;

	boot_cores(cores);
	t0 = bench_now();
	if (hal_sim_sched_run(&sc, shootdown_loop, &n) != HAL_SIM_SCHED_DONE)
		bench_fail("shootdown run");
	return (bench_now() - t0) / n;
}

void bench_multicore(void)
{
	static const unsigned counts[] = { 1, 2, 4 };
	double k1 = 0, r1 = 0, s1 = 0;

	printf("multicore (ratios are to 1 core in this run)\n");
	printf("  free mode, independent per-core work:    kernel retype+delete   "
	       "user reads\n");
	for (unsigned i = 0; i < 3; i++) {
		double k = free_rate(counts[i], kernel_loop, 2.0 * MC_ITERS);
		double r = free_rate(counts[i], read_loop, MC_READS);

		if (i == 0) {
			k1 = k;
			r1 = r;
		}
		printf("    %u core%s %14.0f ops/s (%4.2fx) %12.0f reads/s (%4.2fx)\n",
		       counts[i], counts[i] == 1 ? " " : "s", k, k / k1, r, r / r1);
	}
	printf("  deterministic mode, unmap+map of a page every core has loaded:\n");
	for (unsigned c = 1; c <= 8; c *= 2) {
		double s = shootdown_pair(c);

		if (c == 1)
			s1 = s;
		printf("    %u core%s %10.0f ns per pair (%5.2fx one core)\n", c,
		       c == 1 ? " " : "s", s * 1e9, s / s1);
	}
}

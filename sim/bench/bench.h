/*
 * Shared pieces of kmm-bench: a booted machine, invocation helpers that
 * stop the run on any unexpected error, and the timing and reporting
 * helpers, so each benchmark file holds only what it measures.
 */
#ifndef KMM_BENCH_H
#define KMM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <kmm/kernel.h>

struct rate {
	double ops, seconds;
};

extern double bench_min_seconds;

double bench_now(void);
double bench_per_sec(struct rate r);
void bench_row(const char *name, struct rate r, double floor);
_Noreturn void bench_fail(const char *what);

struct kmm_msg bench_msg(uint64_t cptr, uint64_t label, unsigned nwords, const uint64_t *w,
			 uint64_t cap);
/* After a boot: invoke as its root thread from now on. */
void bench_use_root_thread(void);
/* Invoke as the root thread, re-issuing on preemption; any error is fatal. */
void bench_must(const struct kmm_msg *m, const char *what);
void bench_retype(uint64_t ut, uint64_t type, uint64_t size, uint64_t offset, uint64_t count);
void bench_cnode_op(uint64_t label, uint64_t slot);
void bench_copy(uint64_t dest, uint64_t src);
uint64_t bench_largest_untyped(void);

/* Map a table (label: its Map) or a 4K page (all rights) in the root VSpace; unmap a page. */
void bench_map_table(uint64_t slot, uint64_t label, uint64_t vaddr);
void bench_page_map(uint64_t cptr, uint64_t vaddr);
void bench_page_unmap(uint64_t cptr);

/* The virtual-memory figures (vm_bench.c). */
void bench_vm(double null_rate, unsigned big_bits);

/* The scheduler's switch cost (sched_bench.c); reconfigures the machine, so last. */
void bench_sched(void);
/* The multicore figures (mc_bench.c): free-mode scaling, shootdown cost. */
void bench_multicore(void);

#endif

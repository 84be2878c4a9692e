/*
 * hal_sim's multicore scheduler (hal_sim.h, "cores and the scheduler"),
 * without the kernel: the bodies here play kernel themselves with
 * hal_kernel_lock/unlock, hal_ipi_send, hal_cpu_relax,
 * hal_interrupt_pending, scheduling points and barriers.  Every test
 * asserts exact outcomes: deterministic runs are repeatable, so counts,
 * logs and statuses are known in advance.  The free-mode tests (host
 * threads) are skipped under Valgrind, which serialises threads.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"
#include "hal_sim.h"
#include "object/pte.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

#define MIB    (1ull << 20)
#define EVMAX  8192

/* ---- helpers ------------------------------------------------------------ */

static void configure(unsigned cores)
{
	struct hal_sim_config c = { .mem_bytes = 4 * MIB, .cores = cores };

	ck_assert_int_eq(hal_sim_configure(&c), HAL_SIM_OK);
}

static bool under_valgrind(void)
{
#ifdef HAVE_VALGRIND_H
	if (RUNNING_ON_VALGRIND)
		return true;
#endif
	return getenv("KMM_UNDER_VALGRIND") != NULL;
}

static struct hal_sim_sched_config det(enum hal_sim_sched_mode mode, uint64_t seed)
{
	return (struct hal_sim_sched_config){
		.mode = mode, .seed = seed, .pct_depth = 3, .pct_steps = 200, .record = true,
	};
}

/* What the bodies observed, in order (deterministic modes only). */
static struct {
	unsigned n;
	uint16_t v[EVMAX];
} ev;

static void note(unsigned what)
{
	ck_assert_uint_lt(ev.n, EVMAX);
	ev.v[ev.n++] = (uint16_t)what;
}

/* A copy of the last run's decisions. */
struct log {
	size_t n;
	uint32_t *v;
};

static struct log take_log(void)
{
	struct log l;
	const uint32_t *d = hal_sim_sched_decisions(&l.n);

	l.v = malloc((l.n ? l.n : 1) * sizeof(uint32_t));
	if (l.n)
		memcpy(l.v, d, l.n * sizeof(uint32_t));
	return l;
}

static bool same_log(struct log a, struct log b)
{
	return a.n == b.n && memcmp(a.v, b.v, a.n * sizeof(uint32_t)) == 0;
}

static uint64_t counter;  /* incremented non-atomically under the kernel lock */

/* Lock, note, maybe check for preemption, unlock, with a barrier halfway. */
static void mixed_body(unsigned core, void *ctx)
{
	unsigned i, rounds = ctx ? *(unsigned *)ctx : 20;

	for (i = 0; i < rounds; i++) {
		hal_kernel_lock();
		note(core);
		if (i % 3 == 0)
			note(100 + hal_interrupt_pending());
		hal_kernel_unlock();
		hal_sim_sched_point();
		if (i == rounds / 2)
			hal_sim_sched_barrier();
	}
}

static enum hal_sim_sched_status run_mixed(const struct hal_sim_sched_config *c, struct log *l)
{
	enum hal_sim_sched_status st;

	ev.n = 0;
	st = hal_sim_sched_run(c, mixed_body, NULL);
	if (l != NULL)
		*l = take_log();
	return st;
}

/* ---- determinism and replay --------------------------------------------- */

static void same_seed_same_log(enum hal_sim_sched_mode mode)
{
	struct hal_sim_sched_config c = det(mode, 7);
	struct log a, b, other;
	unsigned events;

	configure(4);
	ck_assert_int_eq(run_mixed(&c, &a), HAL_SIM_SCHED_DONE);
	events = ev.n;
	ck_assert_uint_gt(a.n, 50);
	ck_assert_int_eq(run_mixed(&c, &b), HAL_SIM_SCHED_DONE);
	ck_assert(same_log(a, b));
	ck_assert_uint_eq(ev.n, events);
	c.seed = 8;
	ck_assert_int_eq(run_mixed(&c, &other), HAL_SIM_SCHED_DONE);
	ck_assert(!same_log(a, other));
	free(a.v);
	free(b.v);
	free(other.v);
	hal_sim_teardown();
}

START_TEST(uniform_same_seed_gives_same_decisions)
{
	same_seed_same_log(HAL_SIM_SCHED_UNIFORM);
}
END_TEST

START_TEST(pct_same_seed_gives_same_decisions)
{
	same_seed_same_log(HAL_SIM_SCHED_PCT);
}
END_TEST

START_TEST(replay_reproduces_decisions_and_event_order)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 11);
	struct log a, b;
	uint16_t first[EVMAX];
	unsigned nfirst;

	configure(3);
	c.preempt_rate = 3;
	ck_assert_int_eq(run_mixed(&c, &a), HAL_SIM_SCHED_DONE);
	memcpy(first, ev.v, sizeof(first));
	nfirst = ev.n;
	c.seed = 999;  /* the replayed list decides everything */
	c.replay = a.v;
	c.nreplay = a.n;
	ck_assert_int_eq(run_mixed(&c, &b), HAL_SIM_SCHED_DONE);
	ck_assert(same_log(a, b));
	ck_assert_uint_eq(ev.n, nfirst);
	ck_assert_int_eq(memcmp(ev.v, first, nfirst * sizeof(uint16_t)), 0);
	free(a.v);
	free(b.v);
	hal_sim_teardown();
}
END_TEST

START_TEST(replayed_prefix_then_seed_gives_the_whole_run)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 5);
	struct log a, b;

	configure(4);
	c.preempt_rate = 5;
	ck_assert_int_eq(run_mixed(&c, &a), HAL_SIM_SCHED_DONE);
	c.replay = a.v;
	c.nreplay = a.n / 2;
	ck_assert_int_eq(run_mixed(&c, &b), HAL_SIM_SCHED_DONE);
	ck_assert(same_log(a, b));
	free(a.v);
	free(b.v);
	hal_sim_teardown();
}
END_TEST

START_TEST(strict_replay_of_an_impossible_choice_diverges)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 1);
	const uint32_t not_a_core[] = { 9 };
	const uint32_t irq_for_core[] = { HAL_SIM_CHOICE_IRQ_YES };
	struct log a;

	configure(2);
	c.replay = not_a_core;
	c.nreplay = 1;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_DIVERGED);
	c.replay = irq_for_core;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_DIVERGED);
	/* A core choice where an IRQ decision is due. */
	c.replay = NULL;
	c.nreplay = 0;
	c.preempt_rate = 2;
	ck_assert_int_eq(run_mixed(&c, &a), HAL_SIM_SCHED_DONE);
	ck_assert_uint_eq(a.v[0] < HAL_SIM_CHOICE_IRQ_NO, 1);
	for (size_t i = 0; i < a.n; i++) {
		if (a.v[i] >= HAL_SIM_CHOICE_IRQ_NO) {
			a.v[i] = 0;
			break;
		}
	}
	c.replay = a.v;
	c.nreplay = a.n;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_DIVERGED);
	free(a.v);
	hal_sim_teardown();
}
END_TEST

START_TEST(lenient_replay_never_diverges)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 3);
	uint32_t junk[500];
	uint64_t x = 12345;
	unsigned seed;

	configure(4);
	c.preempt_rate = 2;
	c.replay_lenient = true;
	for (seed = 0; seed < 20; seed++) {
		for (unsigned i = 0; i < 500; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			junk[i] = (uint32_t)(x >> 33);
		}
		c.seed = seed;
		c.replay = junk;
		c.nreplay = 500;
		ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_DONE);
	}
	hal_sim_teardown();
}
END_TEST

START_TEST(lenient_replay_of_a_recorded_list_reproduces_it)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_PCT, 21);
	struct log a, b;

	configure(3);
	c.preempt_rate = 4;
	ck_assert_int_eq(run_mixed(&c, &a), HAL_SIM_SCHED_DONE);
	c.seed = 22;
	c.replay = a.v;
	c.nreplay = a.n;
	c.replay_lenient = true;
	ck_assert_int_eq(run_mixed(&c, &b), HAL_SIM_SCHED_DONE);
	ck_assert(same_log(a, b));
	free(a.v);
	free(b.v);
	hal_sim_teardown();
}
END_TEST

/* ---- the kernel lock ------------------------------------------------------ */

static void increment_body(unsigned core, void *ctx)
{
	unsigned i, n = *(unsigned *)ctx;

	(void)core;
	for (i = 0; i < n; i++) {
		uint64_t v;

		hal_kernel_lock();
		v = *(volatile uint64_t *)&counter;
		hal_sim_sched_point();  /* others may run here, but not enter */
		*(volatile uint64_t *)&counter = v + 1;
		hal_kernel_unlock();
	}
}

static void lock_excludes(enum hal_sim_sched_mode mode, unsigned cores, unsigned per_core)
{
	struct hal_sim_sched_config c = det(mode, 42);
	struct hal_sim_sched_stats s;

	configure(cores);
	counter = 0;
	c.record = false;
	ck_assert_int_eq(hal_sim_sched_run(&c, increment_body, &per_core), HAL_SIM_SCHED_DONE);
	ck_assert_uint_eq(counter, (uint64_t)cores * per_core);
	ck_assert(!hal_sim_lock_held());
	hal_sim_sched_stats(&s);
	if (mode != HAL_SIM_SCHED_FREE)
		ck_assert_uint_gt(s.switches, 0);
	hal_sim_teardown();
}

START_TEST(lock_excludes_in_deterministic_mode)
{
	lock_excludes(HAL_SIM_SCHED_UNIFORM, 4, 10000);
	lock_excludes(HAL_SIM_SCHED_PCT, 4, 1000);
}
END_TEST

START_TEST(lock_excludes_in_free_mode)
{
	if (under_valgrind())
		return;
	lock_excludes(HAL_SIM_SCHED_FREE, 4, 10000);
}
END_TEST

START_TEST(lock_and_unlock_are_scheduling_points)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 1);
	unsigned one = 1;
	struct hal_sim_sched_stats s;

	configure(1);
	counter = 0;
	ck_assert_int_eq(hal_sim_sched_run(&c, increment_body, &one), HAL_SIM_SCHED_DONE);
	hal_sim_sched_stats(&s);
	/* lock, the body's point, unlock, and the idle point after the body */
	ck_assert_uint_eq(s.points, 4);
	ck_assert_uint_eq(s.decisions, 0);
	ck_assert_uint_eq(s.switches, 0);
	hal_sim_teardown();
}
END_TEST

/* ---- IPIs -------------------------------------------------------------------- */

static struct {
	uint64_t ack;                       /* bits of cores yet to acknowledge */
	unsigned taken[HAL_SIM_MAX_CORES];  /* IPIs each core took */
	unsigned rounds;
} ipi;

static void ipi_handler(void)
{
	unsigned me = hal_core_id();

	__atomic_fetch_add(&ipi.taken[me], 1, __ATOMIC_RELAXED);
	__atomic_fetch_and(&ipi.ack, ~(1ull << me), __ATOMIC_RELEASE);
}

/*
 * A shootdown: holding the lock, IPI every other core and wait for all
 * acknowledgements.  The targets are meanwhile blocked on the lock, in
 * their own work, or idle (core 0 returns at once).
 */
static void shootdown_body(unsigned core, void *ctx)
{
	unsigned r, c, n = hal_core_count();

	(void)ctx;
	if (core == 0)
		return;
	for (r = 0; r < ipi.rounds; r++) {
		hal_kernel_lock();
		__atomic_store_n(&ipi.ack, ((n == 64 ? 0 : 1ull << n) - 1) & ~(1ull << core),
				 __ATOMIC_RELAXED);
		for (c = 0; c < n; c++)
			if (c != core)
				hal_ipi_send(c);
		while (__atomic_load_n(&ipi.ack, __ATOMIC_ACQUIRE) != 0)
			hal_cpu_relax();
		hal_kernel_unlock();
		hal_sim_sched_point();
	}
}

static void shootdown(enum hal_sim_sched_mode mode, uint64_t seed, unsigned cores,
		      unsigned rounds)
{
	struct hal_sim_sched_config c = det(mode, seed);
	struct hal_sim_sched_stats s;
	unsigned i;

	configure(cores);
	memset(&ipi, 0, sizeof(ipi));
	ipi.rounds = rounds;
	hal_sim_set_ipi_handler(ipi_handler);
	ck_assert_int_eq(hal_sim_sched_run(&c, shootdown_body, NULL), HAL_SIM_SCHED_DONE);
	hal_sim_set_ipi_handler(NULL);
	for (i = 0; i < cores; i++)
		ck_assert_uint_eq(ipi.taken[i], (i == 0 ? cores - 1 : cores - 2) * rounds);
	hal_sim_sched_stats(&s);
	ck_assert_uint_eq(s.ipis_sent, (uint64_t)(cores - 1) * (cores - 1) * rounds);
	ck_assert_uint_eq(s.ipis_taken, s.ipis_sent);
	hal_sim_teardown();
}

START_TEST(shootdown_ipis_are_taken_once_in_deterministic_mode)
{
	for (uint64_t seed = 0; seed < 10; seed++)
		shootdown(HAL_SIM_SCHED_UNIFORM, seed, 4, 20);
	shootdown(HAL_SIM_SCHED_PCT, 3, 4, 20);
}
END_TEST

START_TEST(shootdown_ipis_are_taken_once_in_free_mode)
{
	if (under_valgrind())
		return;
	shootdown(HAL_SIM_SCHED_FREE, 0, 4, 500);
}
END_TEST

START_TEST(a_second_ipi_before_the_first_is_taken_is_absorbed)
{
	configure(2);
	memset(&ipi, 0, sizeof(ipi));
	hal_sim_set_ipi_handler(ipi_handler);
	hal_ipi_send(1);
	hal_ipi_send(1);
	{
		struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 0);

		ck_assert_int_eq(hal_sim_sched_run(&c, shootdown_body, NULL), HAL_SIM_SCHED_DONE);
	}
	hal_sim_set_ipi_handler(NULL);
	ck_assert_uint_eq(ipi.taken[1], 1);
	hal_sim_teardown();
}
END_TEST

/* ---- deadlocks, barriers, stop ------------------------------------------- */

static void lock_barrier_deadlock_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core == 0) {
		hal_kernel_lock();
		hal_sim_sched_barrier();
		hal_sim_sched_barrier();  /* core 1 never gets here: it waits for the lock */
		hal_kernel_unlock();
	} else {
		hal_sim_sched_barrier();
		hal_kernel_lock();
		hal_kernel_unlock();
		hal_sim_sched_barrier();
	}
}

static int never;

static void relax_forever_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core == 0)
		while (!never)
			hal_cpu_relax();
}

static void relax_on_each_other_body(unsigned core, void *ctx)
{
	(void)ctx;
	while (!never)
		hal_cpu_relax();
	(void)core;
}

START_TEST(waits_that_cannot_end_are_deadlocks)
{
	for (uint64_t seed = 0; seed < 8; seed++) {
		struct hal_sim_sched_config c = det(seed % 2 ? HAL_SIM_SCHED_PCT : HAL_SIM_SCHED_UNIFORM,
						    seed);

		configure(2);
		ck_assert_int_eq(hal_sim_sched_run(&c, lock_barrier_deadlock_body, NULL),
				 HAL_SIM_SCHED_DEADLOCK);
		ck_assert(hal_sim_lock_held());
		configure(2);
		ck_assert_int_eq(hal_sim_sched_run(&c, relax_forever_body, NULL),
				 HAL_SIM_SCHED_DEADLOCK);
		configure(3);
		ck_assert_int_eq(hal_sim_sched_run(&c, relax_on_each_other_body, NULL),
				 HAL_SIM_SCHED_DEADLOCK);
	}
	hal_sim_teardown();
}
END_TEST

/* Spin-waits that do end are not deadlocks: a chain of flags, core i waits for i-1. */
static unsigned chain_flags[8];

static void relay_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core > 0)
		while (!__atomic_load_n(&chain_flags[core - 1], __ATOMIC_ACQUIRE))
			hal_cpu_relax();
	__atomic_store_n(&chain_flags[core], 1, __ATOMIC_RELEASE);
}

START_TEST(relax_waits_that_end_are_not_deadlocks)
{
	for (uint64_t seed = 0; seed < 20; seed++) {
		struct hal_sim_sched_config c =
			det(seed % 2 ? HAL_SIM_SCHED_PCT : HAL_SIM_SCHED_UNIFORM, seed);

		configure(8);
		memset(chain_flags, 0, sizeof(chain_flags));
		ck_assert_int_eq(hal_sim_sched_run(&c, relay_body, NULL), HAL_SIM_SCHED_DONE);
		ck_assert_uint_eq(chain_flags[7], 1);
	}
	hal_sim_teardown();
}
END_TEST

static unsigned phase_done;

/* ctx NULL: deterministic, note the phases; else free (no shared log). */
static void phases_body(unsigned core, void *ctx)
{
	unsigned p, n = hal_core_count();

	for (p = 0; p < 3; p++) {
		if (ctx == NULL)
			note(10 * p + core);
		__atomic_fetch_add(&phase_done, 1, __ATOMIC_RELAXED);
		hal_sim_sched_point();
		hal_sim_sched_barrier();
		ck_assert_uint_ge(__atomic_load_n(&phase_done, __ATOMIC_RELAXED), n * (p + 1));
	}
}

START_TEST(barriers_order_phases)
{
	for (uint64_t seed = 0; seed < 10; seed++) {
		struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, seed);
		unsigned i;

		configure(4);
		ev.n = 0;
		phase_done = 0;
		ck_assert_int_eq(hal_sim_sched_run(&c, phases_body, NULL), HAL_SIM_SCHED_DONE);
		ck_assert_uint_eq(ev.n, 12);
		for (i = 0; i < ev.n; i++)
			ck_assert_uint_eq(ev.v[i] / 10, i / 4);
	}
	hal_sim_teardown();
}
END_TEST

/* Core 0 waits at a barrier; core 1 IPIs it before arriving there itself. */
static void ipi_at_barrier_body(unsigned core, void *ctx)
{
	(void)ctx;
	if (core == 0) {
		hal_sim_sched_barrier();
		note(0);
		return;
	}
	hal_kernel_lock();
	__atomic_store_n(&ipi.ack, 1, __ATOMIC_RELAXED);
	hal_ipi_send(0);
	while (__atomic_load_n(&ipi.ack, __ATOMIC_ACQUIRE) != 0)
		hal_cpu_relax();
	hal_kernel_unlock();
	note(1);
	hal_sim_sched_barrier();
}

START_TEST(an_ipi_taken_at_a_barrier_does_not_end_the_wait)
{
	for (uint64_t seed = 0; seed < 10; seed++) {
		struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, seed);

		configure(2);
		memset(&ipi, 0, sizeof(ipi));
		hal_sim_set_ipi_handler(ipi_handler);
		ev.n = 0;
		ck_assert_int_eq(hal_sim_sched_run(&c, ipi_at_barrier_body, NULL),
				 HAL_SIM_SCHED_DONE);
		hal_sim_set_ipi_handler(NULL);
		ck_assert_uint_eq(ipi.taken[0], 1);
		ck_assert_uint_eq(ev.n, 2);
		ck_assert_uint_eq(ev.v[0], 1);
		ck_assert_uint_eq(ev.v[1], 0);
	}
	hal_sim_teardown();
}
END_TEST

START_TEST(barriers_order_phases_in_free_mode)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_FREE, 0);

	if (under_valgrind())
		return;
	configure(4);
	for (int i = 0; i < 20; i++) {
		phase_done = 0;
		ck_assert_int_eq(hal_sim_sched_run(&c, phases_body, &c), HAL_SIM_SCHED_DONE);
	}
	hal_sim_teardown();
}
END_TEST

static void stop_body(unsigned core, void *ctx)
{
	unsigned i;

	(void)ctx;
	if (core == 0) {
		for (i = 0; i < 5; i++)
			hal_sim_sched_point();
		hal_sim_sched_stop();
		ck_abort_msg("a deterministic stop must not return");
	}
	while (!hal_sim_sched_stopping())
		hal_sim_sched_point();
}

static void stop_body_free(unsigned core, void *ctx)
{
	(void)ctx;
	if (core == 0) {
		hal_sim_sched_stop();
		return;
	}
	while (!hal_sim_sched_stopping())
		hal_sim_sched_point();
	hal_sim_sched_barrier();  /* must not wait for core 0's barrier */
}

START_TEST(stop_ends_the_run)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 4);

	configure(2);
	ck_assert_int_eq(hal_sim_sched_run(&c, stop_body, NULL), HAL_SIM_SCHED_STOPPED);
	ck_assert(hal_sim_sched_stopping());
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_DONE);
	ck_assert(!hal_sim_sched_stopping());
	if (!under_valgrind()) {
		c.mode = HAL_SIM_SCHED_FREE;
		ck_assert_int_eq(hal_sim_sched_run(&c, stop_body_free, NULL), HAL_SIM_SCHED_STOPPED);
	}
	hal_sim_teardown();
}
END_TEST

/* ---- interrupts -------------------------------------------------------------- */

static unsigned fired[HAL_SIM_MAX_CORES][64];

static void checks_body(unsigned core, void *ctx)
{
	unsigned i, n = *(unsigned *)ctx;

	if (core < 2)
		hal_sim_interrupt_after(core == 0 ? 3 : 5);
	for (i = 0; i < n; i++) {
		hal_kernel_lock();
		fired[core][i] = hal_interrupt_pending();
		hal_kernel_unlock();
	}
}

START_TEST(interrupt_after_counts_per_core)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 9);
	unsigned n = 10, i;

	configure(3);
	memset(fired, 0, sizeof(fired));
	ck_assert_int_eq(hal_sim_sched_run(&c, checks_body, &n), HAL_SIM_SCHED_DONE);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(fired[0][i], i == 2);
		ck_assert_uint_eq(fired[1][i], i == 4);
		ck_assert_uint_eq(fired[2][i], 0);
	}
	ck_assert_uint_eq(hal_sim_preempt_checks(), 30);
	hal_sim_teardown();
}
END_TEST

START_TEST(preempt_rate_injects_interrupts_that_replay)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 17);
	unsigned n = 60, yes = 0, i, k, irq_decisions = 0;
	unsigned first[3][64];
	struct hal_sim_sched_stats s;
	struct log a;

	configure(3);
	c.preempt_rate = 4;
	memset(fired, 0, sizeof(fired));
	ck_assert_int_eq(hal_sim_sched_run(&c, checks_body, &n), HAL_SIM_SCHED_DONE);
	a = take_log();
	for (k = 2; k < 3; k++)
		for (i = 0; i < n; i++)
			yes += fired[k][i];
	ck_assert_uint_gt(yes, 5);
	ck_assert_uint_lt(yes, 40);
	for (i = 0; i < a.n; i++)
		irq_decisions += a.v[i] >= HAL_SIM_CHOICE_IRQ_NO;
	ck_assert_uint_eq(irq_decisions, 3 * n);
	hal_sim_sched_stats(&s);
	memcpy(first, fired, sizeof(first));
	c.seed = 1000;
	c.replay = a.v;
	c.nreplay = a.n;
	memset(fired, 0, sizeof(fired));
	ck_assert_int_eq(hal_sim_sched_run(&c, checks_body, &n), HAL_SIM_SCHED_DONE);
	ck_assert_int_eq(memcmp(first, fired, sizeof(first)), 0);
	{
		struct hal_sim_sched_stats s2;

		hal_sim_sched_stats(&s2);
		ck_assert_uint_eq(s2.interrupts, s.interrupts);
	}
	free(a.v);
	hal_sim_teardown();
}
END_TEST

/* ---- PCT ------------------------------------------------------------------------ */

static void five_points_body(unsigned core, void *ctx)
{
	(void)ctx;
	for (int i = 0; i < 5; i++) {
		note(core);
		hal_sim_sched_point();
	}
}

START_TEST(pct_depth_one_runs_the_highest_priority_core_until_it_blocks)
{
	for (uint64_t seed = 0; seed < 10; seed++) {
		struct hal_sim_sched_config c = det(HAL_SIM_SCHED_PCT, seed);
		unsigned i, seen = 0;

		c.pct_depth = 1;
		configure(3);
		ev.n = 0;
		ck_assert_int_eq(hal_sim_sched_run(&c, five_points_body, NULL), HAL_SIM_SCHED_DONE);
		ck_assert_uint_eq(ev.n, 15);
		for (i = 0; i < 15; i++) {
			ck_assert_uint_eq(ev.v[i], ev.v[i - i % 5]);
			seen |= 1u << ev.v[i];
		}
		ck_assert_uint_eq(seen, 7);
	}
	hal_sim_teardown();
}
END_TEST

START_TEST(pct_with_change_points_interleaves)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_PCT, 0);
	unsigned interleaved = 0;

	c.pct_depth = 3;
	c.pct_steps = 10;
	configure(3);
	for (uint64_t seed = 0; seed < 20; seed++) {
		unsigned i, runs = 1;

		c.seed = seed;
		ev.n = 0;
		ck_assert_int_eq(hal_sim_sched_run(&c, five_points_body, NULL), HAL_SIM_SCHED_DONE);
		for (i = 1; i < ev.n; i++)
			runs += ev.v[i] != ev.v[i - 1];
		interleaved += runs > 3;
	}
	ck_assert_uint_gt(interleaved, 0);
	hal_sim_teardown();
}
END_TEST

/* ---- the MMU under concurrent cores ------------------------------------------------ */

/*
 * One vspace (ASID 1) built by hand in main RAM (4 MiB up): PML4, PDPT, PD
 * and PT, and 16 frames mapped at 0 .. 64 KiB.  Core 0 unmaps and remaps
 * page after page with a shootdown each time; the others write and read
 * their own word of every page meanwhile.
 */
#define VS_BASE   (4 * MIB)
#define VS_PML4   VS_BASE
#define VS_PT     (VS_BASE + 0x3000)
#define VS_FRAME(i) (VS_BASE + 0x10000 + (uint64_t)(i) * 0x1000)
#define VS_PAGES  16
#define VS_USER   (PTE_P | PTE_RW | PTE_US)

static uint64_t flush_vaddr;

static void build_vspace(void)
{
	unsigned i;

	hal_vspace_init(VS_PML4);
	hal_pte_write(VS_PML4, (VS_BASE + 0x1000) | VS_USER);
	hal_pte_write(VS_BASE + 0x1000, (VS_BASE + 0x2000) | VS_USER);
	hal_pte_write(VS_BASE + 0x2000, VS_PT | VS_USER);
	for (i = 0; i < VS_PAGES; i++)
		hal_pte_write(VS_PT + 8 * i, VS_FRAME(i) | VS_USER);
}

static void flush_handler(void)
{
	unsigned me = hal_core_id();

	hal_tlb_invalidate_page(1, __atomic_load_n(&flush_vaddr, __ATOMIC_RELAXED));
	__atomic_fetch_and(&ipi.ack, ~(1ull << me), __ATOMIC_RELEASE);
}

/* Core 0: unmap page j, shoot it down everywhere, map it again. */
static void unmap_remap(unsigned j)
{
	unsigned c, n = hal_core_count();

	hal_kernel_lock();
	hal_pte_write(VS_PT + 8 * j, 0);
	__atomic_store_n(&flush_vaddr, (uint64_t)j * 4096, __ATOMIC_RELAXED);
	__atomic_store_n(&ipi.ack, ((1ull << n) - 1) & ~1ull, __ATOMIC_RELAXED);
	hal_tlb_invalidate_page(1, (uint64_t)j * 4096);
	for (c = 1; c < n; c++)
		hal_ipi_send(c);
	while (__atomic_load_n(&ipi.ack, __ATOMIC_ACQUIRE) != 0)
		hal_cpu_relax();
	hal_pte_write(VS_PT + 8 * j, VS_FRAME(j) | VS_USER);
	hal_kernel_unlock();
}

static void mmu_body(unsigned core, void *ctx)
{
	unsigned i, rounds = *(unsigned *)ctx;

	hal_kernel_lock();
	hal_vspace_load(VS_PML4, 1);
	hal_kernel_unlock();
	hal_sim_sched_barrier();
	for (i = 0; i < rounds; i++) {
		uint64_t va = (uint64_t)(i % VS_PAGES) * 4096 + 8 * core, v = i;

		if (core == 0) {
			unmap_remap(i % VS_PAGES);
		} else if (hal_sim_user_access(core, HAL_SIM_WRITE, va, 8, &v, NULL)) {
			if (hal_sim_user_access(core, HAL_SIM_READ, va, 8, &v, NULL))
				ck_assert_uint_eq(v, i);
		}
		hal_sim_sched_point();
	}
}

static void user_accesses_during_shootdowns(enum hal_sim_sched_mode mode, unsigned rounds)
{
	struct hal_sim_sched_config c = det(mode, 6);
	struct hal_sim_tlb_stats t;

	configure(4);
	build_vspace();
	hal_sim_set_ipi_handler(flush_handler);
	ck_assert_int_eq(hal_sim_sched_run(&c, mmu_body, &rounds), HAL_SIM_SCHED_DONE);
	hal_sim_set_ipi_handler(NULL);
	ck_assert(hal_sim_tlb_check(NULL));
	ck_assert(!hal_sim_stale_violation(NULL));
	hal_sim_tlb_stats(1, &t);
	ck_assert_uint_gt(t.hits, 0);
	if (mode != HAL_SIM_SCHED_FREE)  /* free: core 1 may run after all shootdowns */
		ck_assert_uint_gt(t.invalidations, 0);
	hal_sim_teardown();
}

START_TEST(user_accesses_during_shootdowns_stay_fresh_in_deterministic_mode)
{
	user_accesses_during_shootdowns(HAL_SIM_SCHED_UNIFORM, 400);
}
END_TEST

START_TEST(user_accesses_during_shootdowns_stay_fresh_in_free_mode)
{
	if (under_valgrind())
		return;
	user_accesses_during_shootdowns(HAL_SIM_SCHED_FREE, 4000);
}
END_TEST

/* ---- one core, many cores, bad configurations ----------------------------------- */

START_TEST(one_core_outside_a_run_behaves_as_before)
{
	struct hal_sim_sched_stats s;

	configure(1);
	ck_assert_uint_eq(hal_core_id(), 0);
	ck_assert_uint_eq(hal_core_count(), 1);
	hal_kernel_lock();
	ck_assert(hal_sim_lock_held());
	hal_sim_sched_point();
	hal_cpu_relax();
	hal_sim_sched_barrier();
	hal_kernel_unlock();
	ck_assert(!hal_sim_lock_held());
	hal_sim_interrupt_after(2);
	ck_assert(!hal_interrupt_pending());
	ck_assert(hal_interrupt_pending());
	ck_assert(!hal_interrupt_pending());
	hal_sim_sched_stats(&s);
	ck_assert_uint_eq(s.points, 0);
	hal_sim_teardown();
}
END_TEST

START_TEST(sixty_four_cores_run_in_both_modes)
{
	unsigned per_core = 100;

	lock_excludes(HAL_SIM_SCHED_UNIFORM, 64, per_core);
	lock_excludes(HAL_SIM_SCHED_PCT, 64, per_core);
	shootdown(HAL_SIM_SCHED_UNIFORM, 1, 64, 2);
	if (!under_valgrind()) {
		lock_excludes(HAL_SIM_SCHED_FREE, 64, per_core);
		shootdown(HAL_SIM_SCHED_FREE, 0, 64, 2);
	}
}
END_TEST

static void nested_run_body(unsigned core, void *ctx)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_UNIFORM, 0);

	(void)core;
	*(enum hal_sim_sched_status *)ctx = hal_sim_sched_run(&c, nested_run_body, ctx);
}

START_TEST(bad_configurations_are_refused)
{
	struct hal_sim_sched_config c = det(HAL_SIM_SCHED_PCT, 0);
	enum hal_sim_sched_status nested = HAL_SIM_SCHED_DONE;

	configure(2);
	c.pct_depth = 0;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_BAD_CONFIG);
	c.pct_depth = HAL_SIM_PCT_MAX_DEPTH + 1;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_BAD_CONFIG);
	c.pct_depth = 2;
	c.pct_steps = 0;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_BAD_CONFIG);
	c = det(HAL_SIM_SCHED_UNIFORM, 0);
	c.stack_bytes = 4096;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_BAD_CONFIG);
	c = det(HAL_SIM_SCHED_UNIFORM, 0);
	c.nreplay = 3;
	ck_assert_int_eq(run_mixed(&c, NULL), HAL_SIM_SCHED_BAD_CONFIG);
	c = det(HAL_SIM_SCHED_UNIFORM, 0);
	ck_assert_int_eq(hal_sim_sched_run(&c, nested_run_body, &nested), HAL_SIM_SCHED_DONE);
	ck_assert_int_eq(nested, HAL_SIM_SCHED_BAD_CONFIG);
	ck_assert_ptr_nonnull(strstr(hal_sim_sched_status_text(HAL_SIM_SCHED_BAD_CONFIG), "PCT"));
	hal_sim_teardown();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sched");
	TCase *t = tcase_create("sched");

	tcase_add_test(t, uniform_same_seed_gives_same_decisions);
	tcase_add_test(t, pct_same_seed_gives_same_decisions);
	tcase_add_test(t, replay_reproduces_decisions_and_event_order);
	tcase_add_test(t, replayed_prefix_then_seed_gives_the_whole_run);
	tcase_add_test(t, strict_replay_of_an_impossible_choice_diverges);
	tcase_add_test(t, lenient_replay_never_diverges);
	tcase_add_test(t, lenient_replay_of_a_recorded_list_reproduces_it);
	tcase_add_test(t, lock_excludes_in_deterministic_mode);
	tcase_add_test(t, lock_excludes_in_free_mode);
	tcase_add_test(t, lock_and_unlock_are_scheduling_points);
	tcase_add_test(t, shootdown_ipis_are_taken_once_in_deterministic_mode);
	tcase_add_test(t, shootdown_ipis_are_taken_once_in_free_mode);
	tcase_add_test(t, a_second_ipi_before_the_first_is_taken_is_absorbed);
	tcase_add_test(t, waits_that_cannot_end_are_deadlocks);
	tcase_add_test(t, relax_waits_that_end_are_not_deadlocks);
	tcase_add_test(t, barriers_order_phases);
	tcase_add_test(t, an_ipi_taken_at_a_barrier_does_not_end_the_wait);
	tcase_add_test(t, barriers_order_phases_in_free_mode);
	tcase_add_test(t, stop_ends_the_run);
	tcase_add_test(t, interrupt_after_counts_per_core);
	tcase_add_test(t, preempt_rate_injects_interrupts_that_replay);
	tcase_add_test(t, pct_depth_one_runs_the_highest_priority_core_until_it_blocks);
	tcase_add_test(t, pct_with_change_points_interleaves);
	tcase_add_test(t, user_accesses_during_shootdowns_stay_fresh_in_deterministic_mode);
	tcase_add_test(t, user_accesses_during_shootdowns_stay_fresh_in_free_mode);
	tcase_add_test(t, one_core_outside_a_run_behaves_as_before);
	tcase_add_test(t, sixty_four_cores_run_in_both_modes);
	tcase_add_test(t, bad_configurations_are_refused);
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

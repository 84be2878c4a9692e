/*
 * The deterministic scheduler: every core is a fiber on the thread that
 * called hal_sim_sched_run, exactly one runs at a time, and the running
 * core changes only at scheduling points.  At each point the running core
 * says what it waits for (enum sim_wait); the scheduler works out which
 * cores can run, in core order, and:
 *
 *   none    the run ends: DONE if every body returned, else DEADLOCK;
 *   one     it runs (no decision);
 *   several a decision: a replayed value, else uniform from the seed or
 *           the highest PCT priority; counted, and recorded if asked.
 *
 * It then switches straight to the chosen fiber (no scheduler context in
 * between); the run's end switches back to the caller's context.  Nothing
 * consults a clock, host randomness or an address, so the same
 * configuration and bodies give the same decisions every time.
 *
 * Who can run.  A core with an IPI pending always can (it has an
 * interrupt to take).  Otherwise: a running core can; a core waiting for
 * the lock when the lock is free; a core at a barrier when every live
 * core has reached its count; an idle core (body returned) never.  A core
 * in hal_cpu_relax() can run only when none of the above can, since it
 * waits for one of them.  If only relaxing cores can run and each of them
 * has relaxed twice with nothing else happening in between (no other
 * scheduling point, IPI or return on any core), none of them can ever be
 * satisfied: that is a deadlock too.  (This assumes, as every spin-wait
 * does, that a relax loop only reads until its condition holds.)
 *
 * PCT (Burckhardt et al., ASPLOS 2010): the n cores get distinct random
 * priorities d .. d+n-1; d-1 change points are drawn uniformly in
 * [1, pct_steps], counted in decisions; at the decision numbered by the
 * i-th change point the running core's priority drops to d-i, below every
 * initial one.  The highest-priority core that can run runs.  When only
 * relaxing cores can run, PCT takes them round robin instead (the next
 * after the running core), or a spinning core would starve the one it
 * waits for.
 *
 * Replay.  Each decision first draws from the PRNG as if nothing were
 * replayed (uniform choices and IRQ decisions), then takes the replayed
 * value if one is left; so replaying a prefix of a recorded run and going
 * on from the same seed gives the recorded run again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fiber.h"
#include "hal.h"
#include "internal.h"
#include "prng.h"

#define LOG_MIN 256

static struct {
	bool running;               /* fibers exist (a run is going, or was abandoned) */
	unsigned n, cur;            /* cores; the running one (n: the caller's context) */
	struct sim_fiber main;
	struct sim_fiber fiber[HAL_SIM_MAX_CORES];
	enum sim_wait wait[HAL_SIM_MAX_CORES];
	hal_sim_core_fn body;
	void *ctx;
	enum hal_sim_sched_status status;
	struct prng rng;
	struct hal_sim_sched_config cfg;
	size_t replayed;            /* replay values used so far */
	uint32_t *log;
	size_t nlog, caplog;
	uint64_t decisions;
	/* PCT */
	int64_t prio[HAL_SIM_MAX_CORES];
	uint64_t change[HAL_SIM_PCT_MAX_DEPTH];
	/* relax: spins[c] counts relaxes while progress was spin_mark[c] */
	uint64_t spin_mark[HAL_SIM_MAX_CORES];
	unsigned spins[HAL_SIM_MAX_CORES];
} det;

/* ---- the decision log ------------------------------------------------ */

void sim_det_clear_log(void)
{
	det.nlog = 0;
}

static void record(uint32_t v)
{
	if (!det.cfg.record)
		return;
	if (det.nlog == det.caplog) {
		size_t cap = det.caplog ? 2 * det.caplog : LOG_MIN;
		uint32_t *p = realloc(det.log, cap * sizeof(*p));

		if (p == NULL) {
			fprintf(stderr, "hal_sim: no host memory for the decision log\n");
			abort();
		}
		det.log = p;
		det.caplog = cap;
	}
	det.log[det.nlog++] = v;
}

const uint32_t *hal_sim_sched_decisions(size_t *n)
{
	*n = det.nlog;
	return det.log;
}

/* The next replayed value, if any is left. */
static bool replay_next(uint32_t *v)
{
	if (det.replayed >= det.cfg.nreplay)
		return false;
	*v = det.cfg.replay[det.replayed++];
	return true;
}

/* ---- who can run ----------------------------------------------------- */

static bool can_run(unsigned c, uint64_t barrier_low)
{
	if (__atomic_load_n(&sim_sched.ipi_pending[c], __ATOMIC_RELAXED))
		return true;
	switch (det.wait[c]) {
	case SIM_WAIT_NONE:
		return true;
	case SIM_WAIT_LOCK:
		return sim_lock_free();
	case SIM_WAIT_BARRIER:
		return barrier_low >= sim_sched.barrier[c];
	default:
		return false;
	}
}

/* The lowest barrier count of a core whose body has not returned. */
static uint64_t barrier_low(void)
{
	uint64_t low = UINT64_MAX;
	unsigned c;

	for (c = 0; c < det.n; c++)
		if (!sim_sched.returned[c] && sim_sched.barrier[c] < low)
			low = sim_sched.barrier[c];
	return low;
}

/* Fill out[] with the cores that can run, in order; *relaxing: only relaxers. */
static unsigned runnable(unsigned *out, bool *relaxing)
{
	uint64_t low = barrier_low();
	unsigned c, n = 0;

	for (c = 0; c < det.n; c++)
		if (can_run(c, low))
			out[n++] = c;
	*relaxing = false;
	if (n > 0)
		return n;
	for (c = 0; c < det.n; c++)
		if (det.wait[c] == SIM_WAIT_RELAX)
			out[n++] = c;
	*relaxing = n > 0;
	return n;
}

/* Has every core in r relaxed twice since anything else happened? */
static bool spinning_forever(const unsigned *r, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (det.spin_mark[r[i]] != sim_sched.progress || det.spins[r[i]] < 2)
			return false;
	return true;
}

/* ---- decisions --------------------------------------------------------- */

static struct sim_core_stats *stats_here(void)
{
	return &sim_sched.stats[det.cur < det.n ? det.cur : 0];
}

static void pct_init(void)
{
	unsigned d = det.cfg.pct_depth, i;

	for (i = 0; i < det.n; i++)
		det.prio[i] = (int64_t)d + i;
	for (i = det.n; i > 1; i--) {
		unsigned j = (unsigned)(prng_next(&det.rng) % i);
		int64_t t = det.prio[i - 1];

		det.prio[i - 1] = det.prio[j];
		det.prio[j] = t;
	}
	for (i = 0; i + 1 < d; i++)
		det.change[i] = 1 + prng_next(&det.rng) % det.cfg.pct_steps;
}

/* Apply the change points that fall on the current decision. */
static void pct_change(void)
{
	unsigned i;

	if (det.cur >= det.n)
		return;
	for (i = 0; i + 1 < det.cfg.pct_depth; i++)
		if (det.change[i] == det.decisions)
			det.prio[det.cur] = (int64_t)det.cfg.pct_depth - (int64_t)(i + 1);
}

static unsigned pct_pick(const unsigned *r, unsigned n, bool relaxing)
{
	unsigned i, best = r[0];

	if (relaxing) {
		for (i = 0; i < n; i++)
			if (det.cur < det.n && r[i] > det.cur)
				return r[i];
		return r[0];
	}
	for (i = 1; i < n; i++)
		if (det.prio[r[i]] > det.prio[best])
			best = r[i];
	return best;
}

static bool listed(const unsigned *r, unsigned n, uint32_t v)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (r[i] == v)
			return true;
	return false;
}

/* Choose among n >= 2 runnable cores; -1: a strict replay diverged. */
static int decide(const unsigned *r, unsigned n, bool relaxing)
{
	unsigned pick;
	uint32_t v;

	det.decisions++;
	sim_count(&stats_here()->decisions);
	if (det.cfg.mode == HAL_SIM_SCHED_PCT) {
		pct_change();
		pick = pct_pick(r, n, relaxing);
	} else {
		pick = r[prng_next(&det.rng) % n];
	}
	if (replay_next(&v)) {
		if (listed(r, n, v))
			pick = v;
		else if (det.cfg.replay_lenient)
			pick = r[v % n];
		else
			return -1;
	}
	record(pick);
	return (int)pick;
}

/* The core to run next, or -1 with det.status set when the run ends. */
static int choose(void)
{
	unsigned r[HAL_SIM_MAX_CORES];
	bool relaxing;
	unsigned n = runnable(r, &relaxing);
	int pick;

	if (n == 0 || (relaxing && spinning_forever(r, n))) {
		det.status = n == 0 && sim_sched_all_returned() ? HAL_SIM_SCHED_DONE
								 : HAL_SIM_SCHED_DEADLOCK;
		return -1;
	}
	if (n == 1)
		return (int)r[0];
	pick = decide(r, n, relaxing);
	if (pick < 0)
		det.status = HAL_SIM_SCHED_DIVERGED;
	return pick;
}

/* Leave for good: back to the caller of hal_sim_sched_run. */
static _Noreturn void end_run(void)
{
	sim_fiber_switch(&det.fiber[det.cur], &det.main, true);
	abort();  /* the run's fibers are never resumed */
}

bool sim_det_irq(void)
{
	bool yes;
	uint32_t v;

	if (det.cfg.preempt_rate == 0)
		return false;
	yes = prng_next(&det.rng) % det.cfg.preempt_rate == 0;
	if (replay_next(&v)) {
		if (v == HAL_SIM_CHOICE_IRQ_NO || v == HAL_SIM_CHOICE_IRQ_YES || det.cfg.replay_lenient) {
			yes = (v & 1) != 0;
		} else {
			det.status = HAL_SIM_SCHED_DIVERGED;
			end_run();
		}
	}
	record(yes ? HAL_SIM_CHOICE_IRQ_YES : HAL_SIM_CHOICE_IRQ_NO);
	if (yes)
		sim_count(&stats_here()->interrupts);
	return yes;
}

/* ---- switching --------------------------------------------------------- */

_Noreturn void sim_det_stop(void)
{
	det.status = HAL_SIM_SCHED_STOPPED;
	end_run();
}

/* Relaxes count towards "spinning forever"; anything else is progress. */
static void note_wait(unsigned me, enum sim_wait wait)
{
	if (wait != SIM_WAIT_RELAX) {
		sim_sched.progress++;
		return;
	}
	if (det.spin_mark[me] != sim_sched.progress) {
		det.spin_mark[me] = sim_sched.progress;
		det.spins[me] = 0;
	}
	det.spins[me]++;
}

void sim_det_point(enum sim_wait wait)
{
	unsigned me = det.cur;
	int next;

	sim_count(&sim_sched.stats[me].points);
	note_wait(me, wait);
	det.wait[me] = wait;
	next = choose();
	if (next < 0)
		end_run();
	if ((unsigned)next != me) {
		sim_count(&sim_sched.stats[me].switches);
		sim_fiber_switch(&det.fiber[me], &det.fiber[next], false);
		det.cur = me;
		sim_this_core = me;
	}
	det.wait[me] = SIM_WAIT_NONE;
	sim_sched_take_ipi(me);
}

/* A core's fiber: its body, then idle (taking IPIs) until the run ends. */
static void core_main(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;

	det.cur = me;
	sim_this_core = me;
	sim_sched_take_ipi(me);
	det.body(me, det.ctx);
	__atomic_store_n(&sim_sched.returned[me], 1, __ATOMIC_RELEASE);
	for (;;)
		sim_det_point(SIM_WAIT_IDLE);
}

/* ---- the run ------------------------------------------------------------ */

static void free_fibers(void)
{
	unsigned c;

	for (c = 0; c < det.n; c++)
		sim_fiber_destroy(&det.fiber[c]);
	det.running = false;
}

static void setup(const struct hal_sim_sched_config *cfg, hal_sim_core_fn body, void *ctx)
{
	unsigned c;

	det.cfg = *cfg;
	det.body = body;
	det.ctx = ctx;
	det.n = sim_sched.cores;
	det.cur = det.n;
	det.status = HAL_SIM_SCHED_DONE;
	det.replayed = 0;
	det.decisions = 0;
	memset(det.wait, 0, sizeof(det.wait));
	memset(det.spin_mark, 0, sizeof(det.spin_mark));
	memset(det.spins, 0, sizeof(det.spins));
	prng_seed(&det.rng, cfg->seed);
	if (cfg->mode == HAL_SIM_SCHED_PCT)
		pct_init();
	sim_fiber_adopt(&det.main);
	for (c = 0; c < det.n; c++) {
		if (!sim_fiber_create(&det.fiber[c], cfg->stack_bytes, core_main,
				      (void *)(uintptr_t)c)) {
			fprintf(stderr, "hal_sim: no host memory for %u fiber stacks\n", det.n);
			abort();
		}
	}
	det.running = true;
}

enum hal_sim_sched_status sim_det_run(const struct hal_sim_sched_config *cfg,
				      hal_sim_core_fn body, void *ctx)
{
	int first;

	setup(cfg, body, ctx);
	first = choose();
	if (first >= 0)
		sim_fiber_switch(&det.main, &det.fiber[first], false);
	free_fibers();
	return det.status;
}

/*
 * A panic hook that longjmps out of a body leaves the fibers behind (and,
 * under TSan, TSan on the abandoned fiber): configure calls this to drop them.
 */
void sim_det_reset(void)
{
	if (det.running) {
		sim_fiber_reenter(&det.main);
		free_fibers();
	}
	free(det.log);
	det.log = NULL;
	det.nlog = det.caplog = 0;
}

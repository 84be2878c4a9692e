/*
 * kmm-bench's scheduler part: what a core switch of the deterministic
 * scheduler costs (DESIGN §4 asks for well under 1 µs).  Two cores call
 * hal_sim_sched_point() in a loop under the uniform scheduler, so about
 * every other point switches fibers; the cost is the run's time over the
 * switches the scheduler counted (decisions included).  The floor, from
 * the same run, is the cheapest hand-off between host threads: a
 * GMutex/GCond ping-pong, per hand-off.  The bench reconfigures the
 * machine to two cores, so it runs last.
 */
#include <glib.h>
#include <stdio.h>
#include "bench.h"
#include "hal_sim.h"

#define POINTS_PER_RUN 100000u

static void point_loop(unsigned core, void *ctx)
{
	(void)core;
	(void)ctx;
	for (unsigned i = 0; i < POINTS_PER_RUN; i++)
		hal_sim_sched_point();
}

/* Fiber switches per second under the uniform scheduler, two cores. */
static struct rate bench_fiber_switch(void)
{
	struct hal_sim_config mc = { .mem_bytes = 4ull << 20, .cores = 2 };
	struct hal_sim_sched_config sc = { .mode = HAL_SIM_SCHED_UNIFORM, .seed = 1 };
	struct hal_sim_sched_stats s;
	struct rate out = { 0, 0 };

	if (hal_sim_configure(&mc) != HAL_SIM_OK)
		bench_fail("configure two cores");
	while (out.seconds < bench_min_seconds) {
		double t0 = bench_now();

		if (hal_sim_sched_run(&sc, point_loop, NULL) != HAL_SIM_SCHED_DONE)
			bench_fail("scheduler run");
		out.seconds += bench_now() - t0;
		hal_sim_sched_stats(&s);
		out.ops += (double)s.switches;
		sc.seed++;
	}
	return out;
}

/* Two host threads taking turns under a GMutex, woken by a GCond. */
struct pingpong {
	GMutex m;
	GCond c;
	unsigned turn;      /* whose turn: 0 or 1 */
	uint64_t left;      /* hand-offs still to make */
};

static void play(struct pingpong *p, unsigned me)
{
	g_mutex_lock(&p->m);
	while (p->left > 0) {
		while (p->turn != me && p->left > 0)
			g_cond_wait(&p->c, &p->m);
		if (p->left == 0)
			break;
		p->left--;
		p->turn = 1 - me;
		g_cond_signal(&p->c);
	}
	g_cond_signal(&p->c);
	g_mutex_unlock(&p->m);
}

static gpointer other_player(gpointer arg)
{
	play(arg, 1);
	return NULL;
}

static struct rate bench_handoff(void)
{
	struct pingpong p = { .turn = 0 };
	struct rate out = { 0, 0 };
	uint64_t batch = 2000;

	g_mutex_init(&p.m);
	g_cond_init(&p.c);
	while (out.seconds < bench_min_seconds) {
		double t0 = bench_now();
		GThread *t;

		p.left = batch;
		t = g_thread_new("kmm-pingpong", other_player, &p);
		play(&p, 0);
		g_thread_join(t);
		out.seconds += bench_now() - t0;
		out.ops += (double)batch;
	}
	g_cond_clear(&p.c);
	g_mutex_clear(&p.m);
	return out;
}

void bench_sched(void)
{
	struct rate sw = bench_fiber_switch(), handoff = bench_handoff();

	printf("  %-34s %12.0f hand-offs/s %7.1f ns/hand-off (floor)\n",
	       "host threads, GMutex/GCond", bench_per_sec(handoff), 1e9 / bench_per_sec(handoff));
	printf("  %-34s %12.0f switches/s  %7.1f ns/switch   handoff/switch = %.1f\n",
	       "deterministic fiber switch", bench_per_sec(sw), 1e9 / bench_per_sec(sw),
	       bench_per_sec(sw) / bench_per_sec(handoff));
}

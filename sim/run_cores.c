/*
 * kmm-sim's cores: one executor shared by every core's stream, run under
 * hal_sim's scheduler when there is more than one core.  The executor's
 * multicore hooks map onto hal_sim: each op boundary is a scheduling
 * point, barriers are the scheduler's, and "stop the world" for a check
 * or an assertion is the kernel lock (the scheduler runs one core at a
 * time, so nobody else can be half-way through the kernel).
 *
 * Schedules are text: "kmm-schedule 1" and then one word per decision,
 * a core number, or i0 / i1 for "no interrupt" / "interrupt" at a
 * preemption check.  Recording one and giving it back with --schedule
 * replays the run's interleaving exactly, whatever the seed.
 */
#include <kmm/kernel.h>
#include <pthread.h>
#include <string.h>

#include "hal.h"
#include "hal_sim.h"
#include "sim.h"

#define SCHED_MAGIC "kmm-schedule 1"

struct cores_run {
	struct exec *x;
	const struct prog *p;
};

/*
 * --sched=free: the executor's shared record.  A pthread mutex, not a
 * GMutex: glib's futex-based mutex is invisible to ThreadSanitizer.
 */
static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;

static void boundary(void *ctx)
{
	(void)ctx;
	hal_sim_sched_point();
}

static void barrier(void *ctx)
{
	(void)ctx;
	hal_sim_sched_barrier();
}

static void world(void *ctx, bool stop)
{
	(void)ctx;
	if (stop)
		hal_kernel_lock();
	else
		hal_kernel_unlock();
}

static void lock_shared(void *ctx, bool take)
{
	(void)ctx;
	if (take)
		pthread_mutex_lock(&shared);
	else
		pthread_mutex_unlock(&shared);
}

void sim_core_hooks(struct exec_io *io, const struct sim_opts *o)
{
	if (o->cores <= 1)
		return;
	io->boundary = boundary;
	io->barrier = barrier;
	io->world = world;
	io->lock = o->free ? lock_shared : NULL;
}

/*
 * Every core starts out running the root thread (the executor's caller),
 * as if the root task had one thread per core sharing its CSpace and
 * VSpace; boot made it current on core 0 only.
 */
static void body(unsigned core, void *ctx)
{
	struct cores_run *cr = ctx;

	if (core != 0)
		kmm_thread_switch(cr->x->cfg.caller);
	if (exec_stream(cr->x, &cr->p->core[core]) != EXEC_OK)
		hal_sim_sched_stop();
}

/* Parse one decision word; false if it is not one. */
static bool parse_decision(const char *w, uint32_t *out)
{
	char *end;
	guint64 v;

	if (!strcmp(w, "i0") || !strcmp(w, "i1")) {
		*out = w[1] == '1' ? HAL_SIM_CHOICE_IRQ_YES : HAL_SIM_CHOICE_IRQ_NO;
		return true;
	}
	v = g_ascii_strtoull(w, &end, 10);
	if (end == w || *end != '\0' || v >= HAL_SIM_MAX_CORES)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The decisions in file, or NULL after a message. */
static GArray *read_schedule(const char *file)
{
	GError *e = NULL;
	char *text, **words;
	GArray *d;
	bool ok;

	if (!g_file_get_contents(file, &text, NULL, &e)) {
		fprintf(stderr, "kmm-sim: --schedule: %s\n", e->message);
		g_error_free(e);
		return NULL;
	}
	ok = g_str_has_prefix(text, SCHED_MAGIC "\n");
	if (!ok)
		fprintf(stderr, "%s: not a schedule (it must start with \"" SCHED_MAGIC "\")\n",
			file);
	words = g_strsplit_set(ok ? text + strlen(SCHED_MAGIC) : "", " \t\r\n", -1);
	d = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (char **w = words; ok && *w != NULL; w++) {
		uint32_t v;

		if (**w == '\0')
			continue;
		ok = parse_decision(*w, &v);
		if (!ok)
			fprintf(stderr, "%s: decision %u: '%s' is not a core number or i0/i1\n",
				file, d->len + 1, *w);
		g_array_append_val(d, v);
	}
	g_strfreev(words);
	g_free(text);
	if (!ok) {
		g_array_free(d, TRUE);
		return NULL;
	}
	return d;
}

static bool write_schedule(const char *file)
{
	size_t n;
	const uint32_t *d = hal_sim_sched_decisions(&n);
	GString *s = g_string_new(SCHED_MAGIC "\n");
	GError *e = NULL;
	bool ok;

	for (size_t i = 0; i < n; i++) {
		if (d[i] >= HAL_SIM_CHOICE_IRQ_NO)
			g_string_append(s, d[i] == HAL_SIM_CHOICE_IRQ_YES ? "i1" : "i0");
		else
			g_string_append_printf(s, "%u", d[i]);
		g_string_append_c(s, (i + 1) % 32 == 0 || i + 1 == n ? '\n' : ' ');
	}
	ok = g_file_set_contents(file, s->str, (gssize)s->len, &e);
	if (!ok) {
		fprintf(stderr, "kmm-sim: --record-schedule: %s\n", e->message);
		g_error_free(e);
	}
	g_string_free(s, TRUE);
	return ok;
}

/* PCT's k: about how many decisions a run makes (every op may be one). */
static uint64_t expected_decisions(const struct prog *p)
{
	uint64_t n = 0;

	for (unsigned c = 0; c < PROG_MAX_CORES; c++)
		n += p->core[c].nops;
	return n * 4 + 1;
}

/*
 * A deadlock is the kernel's fault (a failure, exit 1); a schedule that
 * does not fit the run is the user's (exit 2).
 */
static enum sim_exit report_end(enum hal_sim_sched_status st, const struct sim_opts *o)
{
	if (st == HAL_SIM_SCHED_DONE || st == HAL_SIM_SCHED_STOPPED)
		return SIM_EXIT_PASS;
	fflush(stdout);
	fprintf(stderr, "%s: scheduler: %s\n", o->file, hal_sim_sched_status_text(st));
	return st == HAL_SIM_SCHED_DEADLOCK ? SIM_EXIT_FAIL : SIM_EXIT_USAGE;
}

enum sim_exit sim_run_cores(struct exec *x, const struct prog *p, const struct sim_opts *o)
{
	struct cores_run cr = { x, p };
	struct hal_sim_sched_config c = {
		.mode = o->free ? HAL_SIM_SCHED_FREE :
			o->pct != 0 ? HAL_SIM_SCHED_PCT : HAL_SIM_SCHED_UNIFORM,
		.seed = o->seed, .pct_depth = (unsigned)o->pct,
		.pct_steps = expected_decisions(p), .preempt_rate = o->preempt_rate,
		.record = o->record != NULL,
	};
	GArray *replay = NULL;
	enum sim_exit ex;

	if (o->cores <= 1) {
		exec_stream(x, &p->core[0]);
		return SIM_EXIT_PASS;
	}
	if (o->schedule != NULL) {
		replay = read_schedule(o->schedule);
		if (replay == NULL)
			return SIM_EXIT_USAGE;
		c.replay = (const uint32_t *)(void *)replay->data;
		c.nreplay = replay->len;
	}
	ex = report_end(hal_sim_sched_run(&c, body, &cr), o);
	if (o->record != NULL && !o->free && !write_schedule(o->record) && ex == SIM_EXIT_PASS)
		ex = SIM_EXIT_USAGE;
	if (replay != NULL)
		g_array_free(replay, TRUE);
	return ex;
}

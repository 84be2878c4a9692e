/*
 * kmm-sim: run a scenario against kernel_core on the simulated machine.
 *
 *   kmm-sim [options] FILE.kmm
 *   kmm-sim [options] --replay FUZZ-INPUT [--emit-scenario OUT.kmm]
 *
 * This file only reads the command line (GOptionContext) into struct
 * sim_opts; run.c does the rest.  Exit status: 0 when every expectation,
 * assertion and invariant held, 1 when one did not, 2 for bad options,
 * bad scenario text or a machine that cannot be set up.
 */
#include <string.h>

#include "ast.h"
#include "sim.h"

struct raw_opts {
	gboolean trace, quiet, bootinfo, model;
	gchar *check, *mem, *seed, *root_bits, *preempt_units, *cores, *scribble, *dot;
	gchar *emit_program;
	gchar *tlb_entries, *replay, *emit;
	gchar *sched, *pct, *preempt_rate, *schedule, *record;
};

/* Add kmm-sim's options to ctx, storing into r (glib copies the table). */
static void add_entries(GOptionContext *ctx, struct raw_opts *r)
{
	const GOptionEntry e[] = {
		{ "trace", 't', 0, G_OPTION_ARG_NONE, &r->trace,
		  "Print one trace line per operation", NULL },
		{ "check", 0, 0, G_OPTION_ARG_STRING, &r->check,
		  "Invariant checks: every (default), end or off", "WHEN" },
		{ "mem", 0, 0, G_OPTION_ARG_STRING, &r->mem,
		  "Main RAM size, e.g. 64M (default 64M)", "SIZE" },
		{ "seed", 0, 0, G_OPTION_ARG_STRING, &r->seed,
		  "PRNG seed, recorded in the output (default 1)", "N" },
		{ "root-bits", 0, 0, G_OPTION_ARG_STRING, &r->root_bits,
		  "Root CNode size in bits, 8..24 (default 12)", "N" },
		{ "preempt-units", 0, 0, G_OPTION_ARG_STRING, &r->preempt_units,
		  "Work units between preemption checks (default 100)", "N" },
		{ "cores", 0, 0, G_OPTION_ARG_STRING, &r->cores,
		  "Simulated cores, 1..64 (default 1)", "N" },
		{ "sched", 0, 0, G_OPTION_ARG_STRING, &r->sched,
		  "Scheduler for several cores: det (default: one core at a time, "
		  "replayable) or free (host threads)", "MODE" },
		{ "pct", 0, 0, G_OPTION_ARG_STRING, &r->pct,
		  "det: PCT scheduling with D-1 priority change points (default: uniform)", "D" },
		{ "preempt-rate", 0, 0, G_OPTION_ARG_STRING, &r->preempt_rate,
		  "det: inject an interrupt at one preemption check in N (default 0: none)", "N" },
		{ "schedule", 0, 0, G_OPTION_ARG_FILENAME, &r->schedule,
		  "det: replay the decisions recorded in FILE", "FILE" },
		{ "record-schedule", 0, 0, G_OPTION_ARG_FILENAME, &r->record,
		  "det: write the scheduler's decisions to FILE", "FILE" },
		{ "tlb-entries", 0, 0, G_OPTION_ARG_STRING, &r->tlb_entries,
		  "TLB entries per core (default 64)", "N" },
		{ "scribble", 0, 0, G_OPTION_ARG_STRING, &r->scribble,
		  "Fill all memory with this byte before boot (to prove zeroing)", "BYTE" },
		{ "dot", 0, 0, G_OPTION_ARG_FILENAME, &r->dot,
		  "Write the derivation tree and untyped layouts as Graphviz DOT", "FILE" },
		{ "emit-program", 0, 0, G_OPTION_ARG_FILENAME, &r->emit_program,
		  "Write the expanded program and machine as a blob for the x86 image",
		  "FILE" },
		{ "bootinfo", 0, 0, G_OPTION_ARG_NONE, &r->bootinfo,
		  "Print the boot info (the untyped caps)", NULL },
		{ "replay", 0, 0, G_OPTION_ARG_FILENAME, &r->replay,
		  "Run a fuzz input (fuzz/decode.h) with the full trace, instead of a scenario",
		  "FILE" },
		{ "emit-scenario", 0, 0, G_OPTION_ARG_FILENAME, &r->emit,
		  "With --replay: write the decoded program as a scenario", "OUT.kmm" },
		{ "model", 0, 0, G_OPTION_ARG_NONE, &r->model,
		  "Compare the kernel with the reference model after every op (sim/model/)", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &r->quiet,
		  "Print nothing when the scenario passes", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};

	g_option_context_add_main_entries(ctx, e, NULL);
}

/* A numeric flag: absent leaves *given false; malformed is an error. */
static bool number(const char *flag, const char *text, uint64_t lo, uint64_t hi,
		   uint64_t *v, bool *given)
{
	if (text == NULL)
		return true;
	if (!sim_parse_size(text, v) || *v < lo || *v > hi) {
		fprintf(stderr, "kmm-sim: --%s %s: expected a number from %llu to %llu\n", flag,
			text, (unsigned long long)lo, (unsigned long long)hi);
		return false;
	}
	*given = true;
	return true;
}

static bool check_mode(const char *text, struct sim_opts *o)
{
	static const char *const modes[] = { "every", "end", "off" };

	if (text == NULL)
		return true;
	for (unsigned i = 0; i < G_N_ELEMENTS(modes); i++) {
		if (!strcmp(text, modes[i])) {
			o->check = (enum exec_check)i;
			o->check_given = true;
			return true;
		}
	}
	fprintf(stderr, "kmm-sim: --check=%s: expected every, end or off\n", text);
	return false;
}

static bool sched_mode(const char *text, struct sim_opts *o)
{
	if (text == NULL || !strcmp(text, "det"))
		return true;
	if (!strcmp(text, "free")) {
		o->free = true;
		return true;
	}
	fprintf(stderr, "kmm-sim: --sched=%s: expected det or free\n", text);
	return false;
}

static bool convert(const struct raw_opts *r, struct sim_opts *o)
{
	bool seed_given = false;

	o->trace = r->trace;
	o->quiet = r->quiet;
	o->bootinfo = r->bootinfo;
	o->model = r->model;
	o->model_given = r->model;
	o->dot = r->dot;
	o->emit_program = r->emit_program;
	o->seed = 1;
	o->schedule = r->schedule;
	o->record = r->record;
	return check_mode(r->check, o) && sched_mode(r->sched, o) &&
	       number("pct", r->pct, 1, 64, &o->pct, &o->pct_given) &&
	       number("preempt-rate", r->preempt_rate, 0, G_MAXUINT32, &o->preempt_rate,
		      &o->preempt_rate_given) &&
	       number("mem", r->mem, 1, G_MAXUINT64, &o->mem, &o->mem_given) &&
	       number("seed", r->seed, 0, G_MAXUINT64, &o->seed, &seed_given) &&
	       number("root-bits", r->root_bits, 8, 24, &o->root_bits, &o->root_bits_given) &&
	       number("preempt-units", r->preempt_units, 1, G_MAXUINT32, &o->preempt_units,
		      &o->preempt_units_given) &&
	       number("cores", r->cores, 1, 64, &o->cores, &o->cores_given) &&
	       number("scribble", r->scribble, 0, 255, &o->scribble, &o->scribble_given) &&
	       number("tlb-entries", r->tlb_entries, 1, SCN_MAX_TLB_ENTRIES, &o->tlb_entries,
		      &o->tlb_entries_given);
}

static void free_raw(struct raw_opts *r)
{
	g_free(r->check);
	g_free(r->mem);
	g_free(r->seed);
	g_free(r->root_bits);
	g_free(r->preempt_units);
	g_free(r->cores);
	g_free(r->scribble);
	g_free(r->dot);
	g_free(r->emit_program);
	g_free(r->tlb_entries);
	g_free(r->replay);
	g_free(r->emit);
	g_free(r->sched);
	g_free(r->pct);
	g_free(r->preempt_rate);
	g_free(r->schedule);
	g_free(r->record);
}

int main(int argc, char **argv)
{
	struct raw_opts raw = { 0 };
	struct sim_opts o = { 0 };
	GOptionContext *ctx = g_option_context_new("FILE.kmm - run a kmm scenario");
	GError *e = NULL;
	int status = SIM_EXIT_USAGE;

	add_entries(ctx, &raw);
	g_option_context_set_summary(ctx, "Runs a scenario against the kmm kernel on a "
				     "simulated machine.\nExit status: 0 pass, 1 fail, 2 usage "
				     "or scenario error.");
	if (!g_option_context_parse(ctx, &argc, &argv, &e)) {
		fprintf(stderr, "kmm-sim: %s\n", e->message);
		g_error_free(e);
	} else if (argc != (raw.replay != NULL ? 1 : 2)) {
		fprintf(stderr, "kmm-sim: expected one scenario file or --replay FILE (try --help)\n");
	} else if (raw.emit != NULL && raw.replay == NULL) {
		fprintf(stderr, "kmm-sim: --emit-scenario needs --replay\n");
	} else if (convert(&raw, &o)) {
		o.file = raw.replay != NULL ? raw.replay : argv[1];
		o.replay = raw.replay != NULL;
		o.emit = raw.emit;
		o.trace = o.trace || (o.replay && !o.quiet);
		status = sim_run(&o);
	}
	free_raw(&raw);
	g_option_context_free(ctx);
	return status;
}

/*
 * One kmm-sim run: read and parse the scenario, settle the machine
 * (the scenario's machine statement, overridden by flags given on the
 * command line), configure hal_sim and boot the kernel, expand the
 * scenario into a program, execute every core's ops (with hal_sim's MMU
 * behind user accesses and TLB checks, and its scheduler when there is
 * more than one core: run_cores.c), write the picture, and say PASS or
 * FAIL.  Any failure ends with the replay command; a kernel
 * panic prints the trace tail and the replay command before hal_sim
 * aborts.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "hal.h"
#include "hal_sim.h"
#include "model/model.h"
#include "scenario.h"
#include "sim.h"

#define SIM_MAX_FILE_BYTES (256ull << 20)

struct run {
	struct sim_opts o;       /* effective settings */
	struct exec x;
	struct model *model;     /* --model: the reference model, else NULL */
	void *scratch;
	size_t scratch_bytes;
};

static void write_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fwrite(s, 1, n, stdout);
}

static void write_err(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	fflush(stdout);
	fwrite(s, 1, n, stderr);
}

static void *scratch(void *ctx, size_t bytes)
{
	struct run *r = ctx;

	if (bytes > r->scratch_bytes) {
		r->scratch = g_realloc(r->scratch, bytes);
		r->scratch_bytes = bytes;
	}
	return r->scratch;
}

static void preempt_after(void *ctx, uint64_t n)
{
	(void)ctx;
	hal_sim_interrupt_after(n);
}

static void print_replay(const struct run *r)
{
	char *cmd = sim_replay_command(&r->o);

	fflush(stdout);
	fprintf(stderr, "replay: %s\n", cmd);
	g_free(cmd);
}

static void on_panic(const char *msg, void *ctx)
{
	struct run *r = ctx;

	exec_report_panic(&r->x, hal_core_id(), msg);
	print_replay(r);
}

/* The scenario text, or NULL after printing why not. */
static char *read_scenario(const char *file, size_t *len)
{
	GError *e = NULL;
	GStatBuf st;
	char *text;

	if (g_stat(file, &st) == 0 && (uint64_t)st.st_size > SIM_MAX_FILE_BYTES) {
		fprintf(stderr, "%s: file too large (the limit is 256 MiB)\n", file);
		return NULL;
	}
	if (!g_file_get_contents(file, &text, len, &e)) {
		fprintf(stderr, "kmm-sim: %s\n", e->message);
		g_error_free(e);
		return NULL;
	}
	return text;
}

/* Command-line flags win over the machine statement, which wins over defaults. */
static void settle(struct sim_opts *o, const struct scn_machine *m)
{
	if (!o->mem_given)
		o->mem = m->has_mem ? m->mem : 64ull << 20;
	if (!o->root_bits_given)
		o->root_bits = m->has_root_bits ? m->root_bits : KMM_DEFAULT_ROOT_CNODE_BITS;
	if (!o->preempt_units_given)
		o->preempt_units = m->has_preempt_units ? m->preempt_units : KMM_DEFAULT_WORK_UNITS;
	if (!o->cores_given)
		o->cores = m->has_cores ? m->cores : 1;
	if (!o->check_given && m->has_check)
		o->check = (enum exec_check)m->check;
	if (!o->model_given && m->has_model)
		o->model = m->model;
	if (!o->tlb_entries_given)
		o->tlb_entries = m->has_tlb_entries ? m->tlb_entries : HAL_SIM_DEFAULT_TLB_ENTRIES;
	if (!o->preempt_rate_given && m->has_preempt_rate)
		o->preempt_rate = m->preempt_rate;
	if (!o->scribble_given && m->has_scribble) {
		o->scribble = m->scribble;
		o->scribble_given = true;
	}
}

/*
 * What the multicore run cannot do (yet): the model follows completed
 * ops one after another, which interleaved cores do not give it; in
 * free mode only the end-of-run check is race-free.
 */
static bool cores_usable(struct sim_opts *o)
{
	if (o->cores > 1 && o->model) {
		fprintf(stderr, "kmm-sim: --model runs on one core only (the model compares "
			"ops one after another)\n");
		return false;
	}
	if (o->cores > 1 && o->free && o->check == EXEC_CHECK_EVERY)
		o->check = EXEC_CHECK_END;
	return true;
}

static bool boot(struct run *r)
{
	struct hal_sim_config hc = { .mem_bytes = r->o.mem, .cores = (unsigned)r->o.cores,
				     .tlb_entries = (unsigned)r->o.tlb_entries };
	struct kmm_boot_config kc = { (uint32_t)r->o.root_bits, (uint32_t)r->o.preempt_units };
	enum hal_sim_status st;

	if (!cores_usable(&r->o))
		return false;
	st = hal_sim_configure(&hc);
	if (st != HAL_SIM_OK) {
		fprintf(stderr, "kmm-sim: --mem: %s\n", hal_sim_status_text(st));
		return false;
	}
	if (r->o.scribble_given)
		hal_sim_scribble_ram((uint8_t)r->o.scribble);
	if (!kmm_boot(&kc)) {
		GString *mem = g_string_new(NULL);

		sim_fmt_size(mem, r->o.mem);
		fprintf(stderr, "kmm-sim: the kernel did not boot with --mem %s and "
			"--root-bits %llu\n", mem->str, (unsigned long long)r->o.root_bits);
		g_string_free(mem, TRUE);
		return false;
	}
	return true;
}

static void init_exec(struct run *r)
{
	struct exec_config c = {
		.check = r->o.check,
		.trace = r->o.trace,
		.file = r->o.file,
		.caller = kmm_bootinfo()->root_tcb,
		.io = { write_out, write_err, scratch, preempt_after, r, { 0 }, NULL, NULL, NULL, NULL },
	};

	sim_mmu_hooks(&c.io.mmu);
	sim_core_hooks(&c.io, &r->o);
	if (r->o.model) {
		r->model = model_new(c.caller);
		c.model = (struct exec_model){ model_step, r->model };
	}
	exec_init(&r->x, &c);
}

/* SIM_EXIT_USAGE if the run could not be made as asked; else the verdict decides. */
static enum sim_exit execute(struct run *r, struct progbuf *pb)
{
	enum sim_exit ex;

	init_exec(r);
	hal_sim_set_panic_hook(on_panic, r);
	hal_sim_set_ipi_handler(kmm_ipi_receive);
	ex = sim_run_cores(&r->x, progbuf_prog(pb), &r->o);
	if (ex == SIM_EXIT_PASS)
		exec_finish(&r->x);
	else if (ex == SIM_EXIT_FAIL)
		r->x.status = EXEC_FAIL_STUCK;
	hal_sim_set_panic_hook(NULL, NULL);
	return ex;
}

static enum sim_exit verdict(struct run *r)
{
	const struct exec *x = &r->x;
	bool pass = x->status == EXEC_OK;

	if (pass && r->o.quiet)
		return SIM_EXIT_PASS;
	fflush(stderr);
	printf("%s %s: ", pass ? "PASS" : "FAIL", r->o.file);
	if (!pass)
		printf("%s at step %llu; ", exec_status_text(x->status),
		       (unsigned long long)x->steps);
	printf("%llu ops, %llu restarts, %llu violations (seed %llu)\n",
	       (unsigned long long)x->steps, (unsigned long long)x->restarts,
	       (unsigned long long)x->violations, (unsigned long long)r->o.seed);
	if (r->model != NULL) {
		uint64_t pred, cmp, at, un;

		model_summary(r->model, &pred, &cmp, &at, &un);
		printf("model: %llu invocations predicted, %llu states compared, "
		       "%llu ops unmodelled", (unsigned long long)pred, (unsigned long long)cmp,
		       (unsigned long long)un);
		if (at != 0)
			printf(" (VM from model step %llu on)", (unsigned long long)at);
		printf("\n");
	}
	if (!pass)
		print_replay(r);
	return pass ? SIM_EXIT_PASS : SIM_EXIT_FAIL;
}

static void write_dot(const struct run *r)
{
	char *err = NULL;

	if (r->o.dot != NULL && !sim_write_dot(r->o.dot, kmm_bootinfo()->root_tcb, &err)) {
		fprintf(stderr, "kmm-sim: --dot: %s\n", err);
		g_free(err);
	}
}

/* --replay: boot the fuzzer's machine, decode the input, write the scenario if asked. */
static enum sim_exit prepare_replay(struct run *r, struct progbuf *pb)
{
	struct scn_machine none = { 0 };

	sim_replay_defaults(&r->o);
	settle(&r->o, &none);
	if (!boot(r))
		return SIM_EXIT_USAGE;
	if (r->o.bootinfo)
		sim_print_bootinfo(stdout, kmm_bootinfo());
	if (!sim_replay_decode(r->o.file, kmm_bootinfo(), pb, &r->o.seed))
		return SIM_EXIT_USAGE;
	if (r->o.emit != NULL && !sim_emit_scenario(r->o.emit, &r->o, progbuf_prog(pb)))
		return SIM_EXIT_USAGE;
	return SIM_EXIT_PASS;
}

/* Parse, boot and expand; each failure prints its message and returns SIM_EXIT_USAGE. */
static enum sim_exit prepare(struct run *r, struct scenario **sc, struct progbuf *pb)
{
	size_t len;
	char *text = read_scenario(r->o.file, &len);
	char *err = NULL;

	if (text == NULL)
		return SIM_EXIT_USAGE;
	*sc = scenario_parse(r->o.file, text, len, &err);
	g_free(text);
	if (*sc == NULL)
		goto fail_err;
	settle(&r->o, &(*sc)->machine);
	if (!boot(r))
		return SIM_EXIT_USAGE;
	if (r->o.bootinfo)
		sim_print_bootinfo(stdout, kmm_bootinfo());
	if (scenario_expand(*sc, kmm_bootinfo(), (unsigned)r->o.cores, pb, &err) &&
	    (r->o.emit_program == NULL ||
	     sim_emit_program(r->o.emit_program, &r->o, progbuf_prog(pb), &err)))
		return SIM_EXIT_PASS;
fail_err:
	fprintf(stderr, "%s\n", err);
	g_free(err);
	return SIM_EXIT_USAGE;
}

enum sim_exit sim_run(const struct sim_opts *o)
{
	struct run *r = g_new0(struct run, 1);
	struct scenario *sc = NULL;
	struct progbuf pb;
	enum sim_exit ex;

	r->o = *o;
	progbuf_init(&pb, o->file);
	ex = o->replay ? prepare_replay(r, &pb) : prepare(r, &sc, &pb);
	if (ex == SIM_EXIT_PASS) {
		ex = execute(r, &pb);
		if (ex != SIM_EXIT_USAGE) {
			write_dot(r);
			ex = verdict(r);
		}
	}
	progbuf_clear(&pb);
	scenario_free(sc);
	hal_sim_teardown();
	model_free(r->model);
	g_free(r->scratch);
	g_free(r);
	return ex;
}

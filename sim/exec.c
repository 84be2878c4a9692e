/*
 * The executor's main path (see exec.h): run an op, trace it, restart
 * preempted invocations, compare results with expectations, run the
 * checker, and report the first failure with the trace tail.
 *
 * Every op's trace text is built in its core's line buffer before the op
 * runs, so a kernel panic in the middle of it can still name the op.
 * Each finished line goes into a ring of the last EXEC_TAIL_LINES lines,
 * printed or not, so a failure report can show what led up to it.
 */
#include <kmm/kernel.h>

#include "checker.h"
#include "exec.h"
#include "trace.h"

void exec_init(struct exec *x, const struct exec_config *cfg)
{
	*x = (struct exec){ .cfg = *cfg };
	for (unsigned i = 0; i < PROG_MAX_CORES; i++) {
		x->thread[i] = cfg->caller;
		fmt_init(&x->core[i].lf, x->core[i].line, sizeof x->core[i].line);
	}
	fmt_init(&x->mf, x->msg, sizeof x->msg);
}

const char *exec_status_text(enum exec_status s)
{
	switch (s) {
	case EXEC_OK:
		return "ok";
	case EXEC_FAIL_EXPECT:
		return "expectation failed";
	case EXEC_FAIL_ASSERT:
		return "assertion failed";
	case EXEC_FAIL_VIOLATION:
		return "invariant violated";
	case EXEC_FAIL_STUCK:
		return "invocation never completed";
	case EXEC_FAIL_PROGRAM:
		return "unusable program";
	}
	return "unknown";
}

void exec_emit(struct exec *x, struct fmt *f, bool to_err)
{
	void (*write)(void *, const char *, size_t) = to_err ? x->cfg.io.err : x->cfg.io.out;

	write(x->cfg.io.ctx, f->buf, f->len);
	write(x->cfg.io.ctx, "\n", 1);
}

uint64_t exec_step(const struct exec *x, const struct prog_op *op)
{
	if (op == NULL)
		return __atomic_load_n(&x->steps, __ATOMIC_RELAXED);
	return x->core[op->core].step;
}

static void shared_lock(struct exec *x, bool take)
{
	if (x->cfg.io.lock != NULL)
		x->cfg.io.lock(x->cfg.io.ctx, take);
}

/* Keep other cores out of the kernel while kernel state is read. */
static void world(struct exec *x, bool stop)
{
	if (x->cfg.io.world != NULL)
		x->cfg.io.world(x->cfg.io.ctx, stop);
}

void *exec_scratch(struct exec *x, size_t bytes)
{
	if (x->cfg.io.scratch == NULL)
		return NULL;
	return x->cfg.io.scratch(x->cfg.io.ctx, bytes);
}

struct fmt *exec_msg_start(struct exec *x, const struct prog_op *op)
{
	fmt_reset(&x->mf);
	fmt_str(&x->mf, x->cfg.file);
	if (op == NULL) {
		fmt_str(&x->mf, ": end of run: ");
	} else if (op->line != 0) {
		fmt_char(&x->mf, ':');
		fmt_dec(&x->mf, op->line);
		fmt_str(&x->mf, ": ");
	} else {
		fmt_str(&x->mf, ": step ");
		fmt_dec(&x->mf, exec_step(x, op));
		fmt_str(&x->mf, ": ");
	}
	return &x->mf;
}

enum exec_status exec_fail(struct exec *x, enum exec_status s)
{
	shared_lock(x, true);
	__atomic_store_n(&x->status, s, __ATOMIC_RELAXED);
	exec_emit(x, &x->mf, true);
	if (s == EXEC_FAIL_VIOLATION)
		exec_report_tail(x);
	shared_lock(x, false);
	return s;
}

static enum exec_status status(const struct exec *x)
{
	return __atomic_load_n(&x->status, __ATOMIC_RELAXED);
}

void exec_report_tail(struct exec *x)
{
	struct fmt f;
	char buf[64];
	unsigned first = (x->tail_next + EXEC_TAIL_LINES - x->tail_count) % EXEC_TAIL_LINES;

	fmt_init(&f, buf, sizeof buf);
	fmt_str(&f, "last ");
	fmt_dec(&f, x->tail_count);
	fmt_str(&f, " trace lines:");
	exec_emit(x, &f, true);
	for (unsigned i = 0; i < x->tail_count; i++) {
		const char *l = x->tail[(first + i) % EXEC_TAIL_LINES];

		x->cfg.io.err(x->cfg.io.ctx, "  ", 2);
		x->cfg.io.err(x->cfg.io.ctx, l, fmt_strlen(l));
		x->cfg.io.err(x->cfg.io.ctx, "\n", 1);
	}
}

void exec_report_panic(struct exec *x, unsigned core, const char *msg)
{
	const struct exec_core *k = &x->core[core < PROG_MAX_CORES ? core : 0];

	fmt_reset(&x->mf);
	fmt_str(&x->mf, x->cfg.file);
	fmt_str(&x->mf, ": kernel panic during step ");
	fmt_dec(&x->mf, k->step);
	fmt_str(&x->mf, ": ");
	fmt_str(&x->mf, k->line);
	exec_emit(x, &x->mf, true);
	exec_report_tail(x);
}

/* The trace line of op's core. */
static struct fmt *lf(struct exec *x, const struct prog_op *op)
{
	return &x->core[op->core].lf;
}

static struct fmt *begin_line(struct exec *x, const struct prog_op *op)
{
	struct exec_core *k = &x->core[op->core];

	fmt_reset(&k->lf);
	trace_prefix(&k->lf, k->step, op->core);
	trace_op(&k->lf, op);
	return &k->lf;
}

static void end_line(struct exec *x, const struct prog_op *op)
{
	struct fmt *l = lf(x, op), t;

	shared_lock(x, true);
	fmt_init(&t, x->tail[x->tail_next], EXEC_LINE_MAX);
	fmt_mem(&t, l->buf, l->len);
	x->tail_next = (x->tail_next + 1) % EXEC_TAIL_LINES;
	if (x->tail_count < EXEC_TAIL_LINES)
		x->tail_count++;
	if (x->cfg.trace)
		exec_emit(x, l, false);
	shared_lock(x, false);
}

static void end_line_with(struct exec *x, const struct prog_op *op, const char *result)
{
	fmt_str(lf(x, op), " -> ");
	fmt_str(lf(x, op), result);
	end_line(x, op);
}

/* Leave "invariant NAME violated at step N: DETAIL" in x->mf. */
static enum exec_status report_violation(struct exec *x, const struct prog_op *op,
					 const char *name, char *detail, size_t detail_size)
{
	struct fmt *m;

	__atomic_add_fetch(&x->violations, 1, __ATOMIC_RELAXED);
	m = exec_msg_start(x, op);
	fmt_str(m, "invariant ");
	fmt_str(m, name);
	fmt_str(m, " violated at step ");
	fmt_dec(m, exec_step(x, op));
	fmt_str(m, ": ");
	detail[detail_size - 1] = '\0';
	fmt_str(m, detail);
	return EXEC_FAIL_VIOLATION;
}

/*
 * Run the checker, then the MMU's stale-translation check; on a violation
 * leave the report in x->mf.
 */
static enum exec_status run_checker(struct exec *x, const struct prog_op *op,
				    enum check_level level)
{
	struct check_violation v = { 0 };
	size_t need = checker_scratch_bytes();
	void *mem = exec_scratch(x, need);
	struct fmt *m;

	if (mem == NULL && need > 0) {
		m = exec_msg_start(x, op);
		fmt_str(m, "no scratch memory for the checker");
		return EXEC_FAIL_PROGRAM;
	}
	if (checker_run(level, &v, mem, need))
		return exec_check_stale(x, op, true);
	return report_violation(x, op, v.invariant != NULL ? v.invariant : "?", v.detail,
				sizeof v.detail);
}

/* The cheap check after an op that changes state, when checking every op. */
static enum exec_status check_after(struct exec *x, const struct prog_op *op)
{
	enum exec_status st;

	if (x->cfg.check != EXEC_CHECK_EVERY)
		return EXEC_OK;
	world(x, true);
	st = run_checker(x, op, CHECK_CHEAP);
	world(x, false);
	return st;
}

static bool details_equal(const struct prog_expect *e, const struct kmm_result *r)
{
	if (!e->exact)
		return true;
	if (r->ndetail != e->ndetail)
		return false;
	for (unsigned i = 0; i < e->ndetail; i++) {
		if (r->detail[i] != e->detail[i])
			return false;
	}
	return true;
}

static bool result_matches(const struct prog_expect *e, const struct kmm_result *r)
{
	if (e->kind == PROG_EXPECT_NONE)
		return true;
	if (e->kind == PROG_EXPECT_VALUE)
		return r->kind == KMM_RESULT_REPLY && r->error == KMM_OK && r->ndetail == 1 &&
		       r->detail[0] == e->detail[0];
	if ((unsigned)r->kind + 1 != e->kind || !details_equal(e, r))
		return false;
	return r->kind != KMM_RESULT_REPLY || r->error == e->error;
}

static enum exec_status compare(struct exec *x, const struct prog_op *op,
				const struct kmm_result *r, uint64_t restarts)
{
	const struct prog_expect *e = &op->expect;
	struct fmt *m;

	if (result_matches(e, r) && (!e->check_restarts || e->restarts == restarts))
		return EXEC_OK;
	m = exec_msg_start(x, op);
	fmt_str(m, "expected ");
	if (e->kind == PROG_EXPECT_NONE)
		fmt_str(m, "any result");
	trace_expect(m, e);
	fmt_str(m, ", got ");
	trace_outcome(m, op, r);
	if (e->check_restarts) {
		fmt_str(m, " restarts=");
		fmt_dec(m, restarts);
	}
	return EXEC_FAIL_EXPECT;
}

/*
 * The reference model's comparison (struct exec_model), if there is a
 * model: a difference is a violation of invariant "model.<field>".
 */
static enum exec_status model_check(struct exec *x, const struct prog_op *op,
				    const struct kmm_result *res)
{
	struct exec_model_diff d = { 0 };

	if (x->cfg.model.step == NULL || x->cfg.model.step(x->cfg.model.ctx, op, res, &d))
		return EXEC_OK;
	return report_violation(x, op, d.invariant != NULL ? d.invariant : "model.?", d.detail,
				sizeof d.detail);
}

static enum exec_status run_invoke(struct exec *x, const struct prog_op *op)
{
	struct kmm_msg msg;
	struct kmm_result res;
	uint64_t restarts = 0;
	enum exec_status st;

	prog_message(op, &msg);
	for (;;) {
		begin_line(x, op);
		res = (struct kmm_result){ 0 };
		kmm_invoke(x->thread[op->core], &msg, &res);
		fmt_str(lf(x, op), " -> ");
		trace_result(lf(x, op), &res);
		end_line(x, op);
		st = check_after(x, op);
		if (st != EXEC_OK)
			return st;
		if (res.kind != KMM_RESULT_PREEMPTED) {
			st = compare(x, op, &res, restarts);
			return st != EXEC_OK ? st : model_check(x, op, &res);
		}
		__atomic_add_fetch(&x->restarts, 1, __ATOMIC_RELAXED);
		if (++restarts > EXEC_MAX_RESTARTS) {
			fmt_str(exec_msg_start(x, op), "still preempted after 1000000 restarts");
			return EXEC_FAIL_STUCK;
		}
	}
}

/* read and write: traced and compared as an invocation (never preempted). */
static enum exec_status run_access(struct exec *x, const struct prog_op *op)
{
	struct kmm_result res = { 0 };
	enum exec_status st;

	begin_line(x, op);
	st = exec_user_access(x, op, &res);
	if (st != EXEC_OK)
		return st;
	fmt_str(lf(x, op), " -> ");
	trace_outcome(lf(x, op), op, &res);
	end_line(x, op);
	st = check_after(x, op);
	if (st == EXEC_OK)
		st = compare(x, op, &res, 0);
	return st != EXEC_OK ? st : model_check(x, op, &res);
}

/* run: "-> ok", or "-> failed" if the cptr names no TCB. */
static enum exec_status run_thread(struct exec *x, const struct prog_op *op)
{
	enum exec_status st;

	begin_line(x, op);
	st = exec_run_thread(x, op);
	end_line_with(x, op, st == EXEC_OK ? "ok" : "failed");
	if (st == EXEC_OK)
		st = check_after(x, op);
	return st != EXEC_OK ? st : model_check(x, op, NULL);
}

static enum exec_status run_preempt(struct exec *x, const struct prog_op *op)
{
	begin_line(x, op);
	end_line(x, op);
	if (x->cfg.io.preempt_after == NULL) {
		fmt_str(exec_msg_start(x, op), "this platform cannot inject preemption");
		return EXEC_FAIL_PROGRAM;
	}
	x->cfg.io.preempt_after(x->cfg.io.ctx, op->arg);
	return EXEC_OK;
}

/* check and the assertions: the line shows "-> ok" or "-> failed". */
static enum exec_status run_judged(struct exec *x, const struct prog_op *op)
{
	enum exec_status st;

	begin_line(x, op);
	world(x, true);
	if (op->kind == PROG_CHECK)
		st = run_checker(x, op, CHECK_FULL);
	else if (op->kind == PROG_ASSERT_PTE || op->kind == PROG_ASSERT_TLB ||
		 op->kind == PROG_ASSERT_RUNNING)
		st = exec_assert_vm(x, op);
	else
		st = exec_assert(x, op);
	world(x, false);
	end_line_with(x, op, st == EXEC_OK ? "ok" : "failed");
	return st;
}

/* barrier: the line is written once every core has arrived. */
static enum exec_status run_barrier(struct exec *x, const struct prog_op *op)
{
	begin_line(x, op);
	if (x->cfg.io.barrier == NULL) {
		fmt_str(exec_msg_start(x, op), "this platform runs one core: no barriers");
		return EXEC_FAIL_PROGRAM;
	}
	x->cfg.io.barrier(x->cfg.io.ctx);
	end_line(x, op);
	return EXEC_OK;
}

static enum exec_status run_dump(struct exec *x, const struct prog_op *op)
{
	enum exec_status st;

	begin_line(x, op);
	end_line(x, op);
	world(x, true);
	st = exec_dump(x, op);
	world(x, false);
	return st;
}

static enum exec_status run(struct exec *x, const struct prog_op *op)
{
	switch (op->kind) {
	case PROG_INVOKE:
		return run_invoke(x, op);
	case PROG_DUMP:
		return run_dump(x, op);
	case PROG_BARRIER:
		return run_barrier(x, op);
	case PROG_PREEMPT:
		return run_preempt(x, op);
	case PROG_RUN:
		return run_thread(x, op);
	case PROG_ACCESS:
		return run_access(x, op);
	case PROG_MODEL_PERTURB:
		begin_line(x, op);
		end_line(x, op);
		return model_check(x, op, NULL);
	default:
		return run_judged(x, op);
	}
}

/* "file: step N: what" for an op that cannot be trusted to name its core. */
static enum exec_status fail_unusable(struct exec *x, const char *what)
{
	fmt_reset(&x->mf);
	fmt_str(&x->mf, x->cfg.file);
	fmt_str(&x->mf, ": step ");
	fmt_dec(&x->mf, __atomic_add_fetch(&x->steps, 1, __ATOMIC_RELAXED));
	fmt_str(&x->mf, ": ");
	fmt_str(&x->mf, what);
	return exec_fail(x, EXEC_FAIL_PROGRAM);
}

enum exec_status exec_op(struct exec *x, const struct prog_op *op)
{
	enum exec_status st;

	if (status(x) != EXEC_OK)
		return status(x);
	if (x->cfg.io.boundary != NULL) {
		x->cfg.io.boundary(x->cfg.io.ctx);
		if (status(x) != EXEC_OK)
			return status(x);
	}
	if (!prog_op_valid(op))
		return fail_unusable(x, "malformed op");
	x->core[op->core].step = __atomic_add_fetch(&x->steps, 1, __ATOMIC_RELAXED);
	st = run(x, op);
	if (st != EXEC_OK)
		exec_fail(x, st);
	return st;
}

enum exec_status exec_stream(struct exec *x, const struct prog_stream *s)
{
	struct prog_cursor c;
	struct prog_op op;
	enum prog_status ps;

	prog_cursor_init(&c, s);
	while ((ps = prog_next(&c, &op)) == PROG_OK) {
		if (exec_op(x, &op) != EXEC_OK)
			return status(x);
	}
	if (ps == PROG_MALFORMED)
		return fail_unusable(x, "corrupt program stream");
	return status(x);
}

/*
 * End of run: the full check, or with checking off at least the stale
 * translations user accesses used (those are wrong results, not states).
 */
enum exec_status exec_finish(struct exec *x)
{
	enum exec_status st;

	if (status(x) != EXEC_OK)
		return status(x);
	if (x->cfg.check == EXEC_CHECK_OFF)
		st = exec_check_stale(x, NULL, false);
	else
		st = run_checker(x, NULL, CHECK_FULL);
	if (st == EXEC_OK)
		st = model_check(x, NULL, NULL);
	return st == EXEC_OK ? EXEC_OK : exec_fail(x, st);
}

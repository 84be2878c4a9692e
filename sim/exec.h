/*
 * The executor: runs program ops against the kernel, one at a time.
 *
 * An invocation goes through kmm_invoke() as the root thread.  A
 * PREEMPTED result is traced ("-> preempted") and the same message is
 * issued again until it completes, as seL4's Restart state would; the
 * restarts are counted.  The result is compared with the op's
 * expectation, assertions read state through kmm_inspect_* only, and the
 * invariant checker runs as configured.  The first failure stops the run
 * and is reported (file:line, what was expected and what happened, the
 * last trace lines); the front end adds the replay command.
 *
 * Freestanding, so the x86 image runs the same executor: all output and
 * memory come through the front end's callbacks in struct exec_io.
 */
#ifndef KMM_SIM_EXEC_H
#define KMM_SIM_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"
#include "program.h"

enum exec_check {
	EXEC_CHECK_EVERY = 0,  /* cheap check after every invocation, full at the end */
	EXEC_CHECK_END,        /* full check at the end only */
	EXEC_CHECK_OFF         /* only explicit `check` ops */
};

enum exec_status {
	EXEC_OK = 0,
	EXEC_FAIL_EXPECT,      /* an invocation's result differed from its expectation */
	EXEC_FAIL_ASSERT,      /* an assertion about kernel state was false */
	EXEC_FAIL_VIOLATION,   /* the checker found a broken invariant */
	EXEC_FAIL_STUCK,       /* an invocation never stopped asking to restart */
	EXEC_FAIL_PROGRAM      /* the program itself is unusable (corrupt, unsupported op) */
};

struct exec_io {
	/* Trace and dump text; err: failure reports.  Both required. */
	void (*out)(void *ctx, const char *s, size_t n);
	void (*err)(void *ctx, const char *s, size_t n);
	/* Reusable memory of at least bytes, or NULL if none; stays valid until the next call. */
	void *(*scratch)(void *ctx, size_t bytes);
	/* Arm an interrupt at the n-th preemption check from now; NULL: unsupported. */
	void (*preempt_after)(void *ctx, uint64_t n);
	void *ctx;
};

struct exec_config {
	enum exec_check check;
	bool trace;            /* print every trace line to out */
	const char *file;      /* program name, for "file:line:" messages */
	uint64_t caller;       /* the invoking TCB: kmm_bootinfo()->root_tcb */
	struct exec_io io;
};

#define EXEC_TAIL_LINES 20
#define EXEC_LINE_MAX 512
/* An invocation restarted this often is taken to be stuck. */
#define EXEC_MAX_RESTARTS 1000000ull

struct exec {
	struct exec_config cfg;
	enum exec_status status;
	uint64_t steps;        /* ops executed (the current one included) */
	uint64_t restarts;     /* PREEMPTED results, in total */
	uint64_t violations;
	char line[EXEC_LINE_MAX];   /* the current op's trace text */
	struct fmt lf;              /* builds line */
	char msg[EXEC_LINE_MAX];    /* scratch for messages */
	struct fmt mf;
	unsigned tail_next;
	unsigned tail_count;
	char tail[EXEC_TAIL_LINES][EXEC_LINE_MAX];
};

/* Start a run; cfg is copied. */
void exec_init(struct exec *x, const struct exec_config *cfg);

/*
 * Run one op (after the run failed, does nothing and returns the status).
 * Returns EXEC_OK, or the failure it reported.
 */
enum exec_status exec_op(struct exec *x, const struct prog_op *op);

/* Run every op of a stream in order, stopping at the first failure. */
enum exec_status exec_stream(struct exec *x, const struct prog_stream *s);

/* End of run: the full invariant check unless checking is off. */
enum exec_status exec_finish(struct exec *x);

/*
 * Report a kernel panic in the middle of the current op: the trace tail
 * and the op that was running.  For the front end's panic hook.
 */
void exec_report_panic(struct exec *x, const char *msg);

/* Write the last trace lines (up to EXEC_TAIL_LINES) to err. */
void exec_report_tail(struct exec *x);

/* A one-word description of a status ("ok", "expectation failed" ...). */
const char *exec_status_text(enum exec_status s);

/* ---- for the executor's own files ---------------------------------- */

/* Write f's text plus a newline to out (to_err false) or err (to_err true). */
void exec_emit(struct exec *x, struct fmt *f, bool to_err);

/*
 * Start x->mf with "file:line: ", or "file: step N: " for an op without a
 * line, or "file: end of run: " for op NULL.
 */
struct fmt *exec_msg_start(struct exec *x, const struct prog_op *op);

/* Record a failure: report x->mf on err and set the status; returns it. */
enum exec_status exec_fail(struct exec *x, enum exec_status s);

/* Memory from the front end, or NULL. */
void *exec_scratch(struct exec *x, size_t bytes);

/* Name a slot for messages: "0x10" for a root CNode slot, else "slot@0x..". */
void exec_slot_name(struct exec *x, struct fmt *f, uint64_t slot_paddr);

/* The parent slot of slot_paddr in the derivation tree (0: none); false if no memory. */
bool exec_find_parent(struct exec *x, uint64_t slot_paddr, uint64_t *parent);

/* The assertion ops (exec_assert.c) and `dump` (exec_dump.c). */
enum exec_status exec_assert(struct exec *x, const struct prog_op *op);
enum exec_status exec_dump(struct exec *x, const struct prog_op *op);

#endif

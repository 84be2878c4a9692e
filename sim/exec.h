/*
 * The executor: runs program ops against the kernel, one at a time.
 *
 * An invocation goes through kmm_invoke() as the thread that runs on the
 * op's core: the root thread, until a `run` op switches to another (whose
 * cptrs then resolve in its own CSpace).  A PREEMPTED result is traced
 * ("-> preempted") and the same message is issued again until it
 * completes, as seL4's Restart state would; the restarts are counted.  A
 * user access (`read`, `write`) goes through the front end's MMU as that
 * thread; a fault goes to the kernel's fault entry, kmm_page_fault(), and
 * its result is the access's result.  Results are compared with the op's
 * expectation, assertions read state through kmm_inspect_* (and the
 * MMU's TLB view) only, always resolving cptrs in the root thread's
 * CSpace, and the invariant checker runs as configured, together with
 * the MMU's stale-translation detector (invariant 4.tlb.stale).  The
 * first failure stops the run and is reported (file:line, what was
 * expected and what happened, the last trace lines); the front end adds
 * the replay command.
 *
 * Freestanding, so the x86 image runs the same executor: all output,
 * memory and MMU access come through the front end's callbacks in struct
 * exec_io.  Each core's stream must run on that core (hal_core_id()):
 * `run` switches the thread of the core the executor runs on.
 *
 * Several cores share one struct exec, each running exec_stream() on its
 * own stream.  Each core builds its trace line in its own buffer; a line
 * is numbered when its op starts and written when it ends, so lines of
 * ops that overlap (a preempted revoke, a read on another core) appear
 * in the order they finish.  Checks and assertions run inside the front
 * end's world(stop) hook, which keeps other cores out of the kernel.
 */
#ifndef KMM_SIM_EXEC_H
#define KMM_SIM_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kmm/kernel.h>

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

/* A user access the MMU refused: kmm_page_fault()'s arguments. */
struct exec_fault {
	uint64_t vaddr;                /* the first byte of the part that faulted */
	enum kmm_fault_access access;
	enum kmm_fault_reason reason;
};

/* A stale translation (DESIGN §6 item 4), as the MMU's detector describes it. */
struct exec_stale {
	unsigned core, asid;
	unsigned level;                /* the entry's leaf level: 1 (1G), 2 (2M), 3 (4K) */
	uint64_t vaddr;                /* the address accessed, or the page (scan) */
	uint64_t frame;                /* physical base of the page the entry maps */
	uint64_t recorded_gen;         /* the page's generation at fill */
	uint64_t current_gen;          /* and now */
	bool by_walk;                  /* the walk test fired (else the generation test) */
	bool at_access;                /* a user access used it (else a TLB scan found it) */
};

/* The front end's MMU; any hook may be NULL (then the ops that need it fail). */
struct exec_mmu {
	/*
	 * A user access of size bytes at vaddr through core's MMU: true and
	 * *value read (or written), or false and *fault.
	 */
	bool (*access)(void *ctx, unsigned core, enum prog_access kind, uint64_t vaddr,
		       unsigned size, uint64_t *value, struct exec_fault *fault);
	/* Does core's TLB hold an entry covering vaddr (tagged asid, unless any_asid)? */
	bool (*tlb_cached)(void *ctx, unsigned core, uint64_t vaddr, bool any_asid,
			   uint64_t asid);
	/*
	 * The first stale translation a user access used since the machine
	 * started; with scan, else the first stale entry in any TLB now.
	 * False if there is none.
	 */
	bool (*stale)(void *ctx, bool scan, struct exec_stale *out);
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
	struct exec_mmu mmu;
	/*
	 * Multicore hooks, all NULL on one core.  boundary: a scheduling point
	 * before every op.  barrier: PROG_BARRIER (NULL: the op fails).
	 * world(ctx, true) before a check or an assertion reads kernel state
	 * and world(ctx, false) after it: no core may be inside the kernel in
	 * between.  lock(ctx, true / false) around updates of the run's shared
	 * record (trace ring, output, failure) when cores run in parallel.
	 */
	void (*boundary)(void *ctx);
	void (*barrier)(void *ctx);
	void (*world)(void *ctx, bool stop);
	void (*lock)(void *ctx, bool take);
};

/*
 * The reference model's hook (sim/model/, hosted front ends only).  step
 * runs after every completed op that may change state (an invocation that
 * did not end PREEMPTED, a user access, `run`, `model_perturb`) and with op
 * NULL at the end of the run; res is the op's result (NULL for `run` and
 * `model_perturb`).  It returns false on the first model-vs-kernel
 * difference, with *d naming the invariant ("model.<field>") and the
 * difference.
 */
struct exec_model_diff {
	const char *invariant;
	char detail[256];
};

struct exec_model {
	bool (*step)(void *ctx, const struct prog_op *op, const struct kmm_result *res,
		     struct exec_model_diff *d);
	void *ctx;
};

struct exec_config {
	enum exec_check check;
	bool trace;            /* print every trace line to out */
	const char *file;      /* program name, for "file:line:" messages */
	struct exec_model model; /* step NULL: no model (the default) */
	uint64_t caller;       /* the root TCB (kmm_bootinfo()->root_tcb): it runs on
				  every core at first, and assertions resolve in its CSpace */
	struct exec_io io;
};

#define EXEC_TAIL_LINES 20
#define EXEC_LINE_MAX 512
/* An invocation restarted this often is taken to be stuck. */
#define EXEC_MAX_RESTARTS 1000000ull

/* A core's op in progress. */
struct exec_core {
	uint64_t step;              /* the op's number (its start order) */
	char line[EXEC_LINE_MAX];   /* its trace text */
	struct fmt lf;              /* builds line */
};

struct exec {
	struct exec_config cfg;
	enum exec_status status;
	uint64_t steps;        /* ops started, on all cores (the current ones included) */
	uint64_t restarts;     /* PREEMPTED results, in total */
	uint64_t violations;
	uint64_t thread[PROG_MAX_CORES]; /* the TCB each core's ops run as */
	struct exec_core core[PROG_MAX_CORES];
	char msg[EXEC_LINE_MAX];    /* scratch for messages (the failing core's) */
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

/*
 * End of run: the full invariant check, or with checking off only the
 * stale translations that user accesses used.
 */
enum exec_status exec_finish(struct exec *x);

/*
 * Report a kernel panic in the middle of core's current op: the trace
 * tail and the op that was running.  For the front end's panic hook.
 */
void exec_report_panic(struct exec *x, unsigned core, const char *msg);

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

/* The number of op's step (of the last op started, for op NULL). */
uint64_t exec_step(const struct exec *x, const struct prog_op *op);

/* Memory from the front end, or NULL. */
void *exec_scratch(struct exec *x, size_t bytes);

/* Name a slot for messages: "0x10" for a root CNode slot, else "slot@0x..". */
void exec_slot_name(struct exec *x, struct fmt *f, uint64_t slot_paddr);

/* The parent slot of slot_paddr in the derivation tree (0: none); false if no memory. */
bool exec_find_parent(struct exec *x, uint64_t slot_paddr, uint64_t *parent);

/* The assertion ops (exec_assert.c, exec_assert_vm.c) and `dump` (exec_dump.c). */
enum exec_status exec_assert(struct exec *x, const struct prog_op *op);
enum exec_status exec_assert_vm(struct exec *x, const struct prog_op *op);
enum exec_status exec_dump(struct exec *x, const struct prog_op *op);

/*
 * `run` (exec_vm.c): make the TCB op->cptr names run on op->core; false
 * and a report in x->mf if it names no TCB.
 */
enum exec_status exec_run_thread(struct exec *x, const struct prog_op *op);

/* A user access (exec_vm.c): its result, as an invocation's. */
enum exec_status exec_user_access(struct exec *x, const struct prog_op *op,
				  struct kmm_result *res);

/*
 * The MMU's stale-translation check (exec_vm.c): with scan, the TLBs as
 * well as the accesses so far.  On a violation, counts it and leaves the
 * report in x->mf.
 */
enum exec_status exec_check_stale(struct exec *x, const struct prog_op *op, bool scan);

#endif

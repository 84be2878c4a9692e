/*
 * The executor's user side: `run` (which thread a core runs), user
 * accesses through the front end's MMU, and the MMU's stale-translation
 * check (DESIGN §6 item 4, reported as invariant 4.tlb.stale).
 *
 * `run` switches the thread of the core the executor runs on
 * (kmm_thread_switch acts on hal_core_id()), which must be the op's core.
 * A user access is made by the thread the core runs: if the kernel no
 * longer runs the thread the program switched to (its TCB was deleted),
 * nothing happens and the result is NoThread, as for an invocation.  A
 * refused access goes to the kernel's fault entry, kmm_page_fault(),
 * whose result (VmFault(vaddr, access, reason)) is the access's result.
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "trace.h"

enum exec_status exec_run_thread(struct exec *x, const struct prog_op *op)
{
	struct kmm_cap_info c;
	struct fmt *m;

	if (op->core != hal_core_id()) {
		m = exec_msg_start(x, op);
		fmt_str(m, "run: an op of core ");
		fmt_dec(m, op->core);
		fmt_str(m, " executed on core ");
		fmt_dec(m, hal_core_id());
		return EXEC_FAIL_PROGRAM;
	}
	if (kmm_inspect_cptr(x->cfg.caller, op->cptr, &c) && c.type == KMM_CAP_TYPE_TCB) {
		kmm_thread_switch(c.paddr);
		x->thread[op->core] = c.paddr;
		return EXEC_OK;
	}
	m = exec_msg_start(x, op);
	fmt_str(m, "run ");
	fmt_hex(m, op->cptr);
	fmt_str(m, ": ");
	if (kmm_inspect_cptr(x->cfg.caller, op->cptr, &c)) {
		fmt_str(m, "not a TCB cap: ");
		trace_cap(m, &c);
	} else {
		fmt_str(m, "the cptr does not resolve in the root CSpace");
	}
	return EXEC_FAIL_ASSERT;
}

enum exec_status exec_user_access(struct exec *x, const struct prog_op *op,
				  struct kmm_result *res)
{
	const struct exec_mmu *mmu = &x->cfg.io.mmu;
	uint64_t running = kmm_inspect_current_thread(op->core);
	uint64_t value = op->value;
	struct exec_fault f = { 0 };

	*res = (struct kmm_result){ 0 };
	if (mmu->access == NULL) {
		fmt_str(exec_msg_start(x, op), "this platform cannot make user accesses");
		return EXEC_FAIL_PROGRAM;
	}
	if (running == 0 || running != x->thread[op->core]) {
		res->kind = KMM_RESULT_NO_THREAD;
		return EXEC_OK;
	}
	if (!mmu->access(x->cfg.io.ctx, op->core, (enum prog_access)op->access, op->vaddr,
			 op->size, &value, &f)) {
		kmm_page_fault(f.vaddr, f.access, f.reason, res);
		return EXEC_OK;
	}
	res->kind = KMM_RESULT_REPLY;
	res->error = KMM_OK;
	if (op->access == PROG_ACCESS_READ) {
		res->ndetail = 1;
		res->detail[0] = value;
	}
	return EXEC_OK;
}

static const char *page_size(unsigned level)
{
	switch (level) {
	case 1: return "1G";
	case 2: return "2M";
	case 3: return "4K";
	}
	return "?";
}

/* "core 0 asid 1 vaddr 0x400000 -> frame 0x4003000 (4K page): ..." */
static void stale_report(struct fmt *m, const struct exec_stale *s)
{
	fmt_str(m, "core ");
	fmt_dec(m, s->core);
	fmt_str(m, " asid ");
	fmt_dec(m, s->asid);
	fmt_str(m, " vaddr ");
	fmt_hex(m, s->vaddr);
	fmt_str(m, " -> frame ");
	fmt_hex(m, s->frame);
	fmt_str(m, " (");
	fmt_str(m, page_size(s->level));
	fmt_str(m, " page): generation ");
	fmt_dec(m, s->recorded_gen);
	fmt_str(m, " at fill, ");
	fmt_dec(m, s->current_gen);
	fmt_str(m, " now; ");
	fmt_str(m, s->by_walk ? "the walk test fired (the tables no longer grant the entry)" :
		"the generation test fired (the page was unmapped or reused)");
	fmt_str(m, s->at_access ? "; a user access used it" : "; found in the TLB scan");
}

enum exec_status exec_check_stale(struct exec *x, const struct prog_op *op, bool scan)
{
	const struct exec_mmu *mmu = &x->cfg.io.mmu;
	struct exec_stale s = { 0 };
	struct fmt *m;

	if (mmu->stale == NULL || !mmu->stale(x->cfg.io.ctx, scan, &s))
		return EXEC_OK;
	__atomic_add_fetch(&x->violations, 1, __ATOMIC_RELAXED);
	m = exec_msg_start(x, op);
	fmt_str(m, "invariant 4.tlb.stale violated at step ");
	fmt_dec(m, exec_step(x, op));
	fmt_str(m, ": ");
	stale_report(m, &s);
	return EXEC_FAIL_VIOLATION;
}

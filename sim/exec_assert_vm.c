/*
 * Assertions about address spaces: `assert pte` (the entry that decides
 * an address in a PML4, through kmm_inspect_pte, its bits read with the
 * kernel's own pte.h), `assert tlb` (the front end's TLB view) and
 * `assert running` (kmm_inspect_current_thread).  Cptrs resolve in the
 * root thread's CSpace, whichever thread runs.  A false assertion leaves
 * its report in x->mf, e.g. "assert pte 0x3 vaddr=0x400000: dirty:
 * expected yes, got no (entry 0x4003067 at level 3)".
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "object/pte.h"
#include "syntax.h"
#include "trace.h"

/* The value of key in op's pairs, if given. */
static bool pair(const struct prog_op *op, unsigned key, uint64_t *v)
{
	for (unsigned i = 0; i < op->npairs; i++) {
		if (op->pairs[i].key == key) {
			*v = op->pairs[i].value;
			return true;
		}
	}
	return false;
}

static struct fmt *pte_report(struct exec *x, const struct prog_op *op, uint64_t vaddr)
{
	struct fmt *m = exec_msg_start(x, op);

	fmt_str(m, "assert pte ");
	fmt_hex(m, op->cptr);
	fmt_str(m, " vaddr=");
	fmt_hex(m, vaddr);
	fmt_str(m, ": ");
	return m;
}

/* A leaf entry's page base; a table pointer's (or an empty entry's) address bits. */
static uint64_t entry_paddr(uint64_t e, unsigned level)
{
	bool leaf = pte_present(e) && (level == LVL_PT || pte_is_large(e, (enum pt_level)level));

	return leaf ? pte_addr(e) & ~((1ull << level_shift((enum pt_level)level)) - 1) :
		      pte_addr(e);
}

/* The value of an assert-pte key for entry e found at level. */
static bool pte_field(unsigned key, uint64_t e, unsigned level, uint64_t *v)
{
	switch (key) {
	case PROG_KEY_PRESENT: *v = (e & PTE_P) != 0; return true;
	case PROG_KEY_LEVEL: *v = level; return true;
	case PROG_KEY_PADDR: *v = entry_paddr(e, level); return true;
	case PROG_KEY_WRITABLE: *v = (e & PTE_RW) != 0; return true;
	case PROG_KEY_USER: *v = (e & PTE_US) != 0; return true;
	case PROG_KEY_ACCESSED: *v = (e & PTE_A) != 0; return true;
	case PROG_KEY_DIRTY: *v = (e & PTE_D) != 0; return true;
	case PROG_KEY_LARGE: *v = pte_present(e) && pte_is_large(e, (enum pt_level)level);
		return true;
	case PROG_KEY_NX: *v = (e & PTE_NX) != 0; return true;
	}
	return false;
}

/* The PML4 op->cptr names, or 0 after a report. */
static uint64_t pml4_of(struct exec *x, const struct prog_op *op, uint64_t vaddr)
{
	struct kmm_cap_info c;
	struct fmt *m;

	if (kmm_inspect_cptr(x->cfg.caller, op->cptr, &c) && c.type == KMM_CAP_TYPE_PML4)
		return c.paddr;
	m = pte_report(x, op, vaddr);
	if (kmm_inspect_cptr(x->cfg.caller, op->cptr, &c)) {
		fmt_str(m, "not a PML4 cap: ");
		trace_cap(m, &c);
	} else {
		fmt_str(m, "the cptr does not resolve");
	}
	return 0;
}

static enum exec_status pte_mismatch(struct exec *x, const struct prog_op *op,
				     uint64_t vaddr, const struct prog_pair *p, uint64_t got,
				     uint64_t e, unsigned level)
{
	const struct syntax_key *k = syntax_assert_key(p->key);
	struct fmt *m = pte_report(x, op, vaddr);

	fmt_str(m, k->name);
	fmt_str(m, ": expected ");
	trace_value(m, k->fmt, p->value);
	fmt_str(m, ", got ");
	trace_value(m, k->fmt, got);
	fmt_str(m, " (entry ");
	fmt_hex(m, e);
	fmt_str(m, " at level ");
	fmt_dec(m, level);
	fmt_char(m, ')');
	return EXEC_FAIL_ASSERT;
}

static enum exec_status assert_pte(struct exec *x, const struct prog_op *op)
{
	uint64_t vaddr = 0, pml4, e, got;
	unsigned level;

	pair(op, PROG_KEY_VADDR, &vaddr);
	pml4 = pml4_of(x, op, vaddr);
	if (pml4 == 0)
		return EXEC_FAIL_ASSERT;
	if (!kmm_inspect_pte(pml4, vaddr, &e, &level)) {
		fmt_str(pte_report(x, op, vaddr), "not a canonical user address");
		return EXEC_FAIL_ASSERT;
	}
	for (unsigned i = 0; i < op->npairs; i++) {
		const struct prog_pair *p = &op->pairs[i];

		if (p->key == PROG_KEY_VADDR)
			continue;
		if (!pte_field(p->key, e, level, &got)) {
			fmt_str(pte_report(x, op, vaddr), "unknown assert key");
			return EXEC_FAIL_PROGRAM;
		}
		if (got != p->value)
			return pte_mismatch(x, op, vaddr, p, got, e, level);
	}
	return EXEC_OK;
}

static enum exec_status assert_tlb(struct exec *x, const struct prog_op *op)
{
	uint64_t core = 0, vaddr = 0, asid = 0, cached = 0;
	bool any_asid = !pair(op, PROG_KEY_ASID, &asid);
	bool got;
	struct fmt *m;

	pair(op, PROG_KEY_CORE, &core);
	pair(op, PROG_KEY_VADDR, &vaddr);
	pair(op, PROG_KEY_CACHED, &cached);
	if (x->cfg.io.mmu.tlb_cached == NULL || core >= PROG_MAX_CORES) {
		fmt_str(exec_msg_start(x, op), "this platform cannot show its TLBs");
		return EXEC_FAIL_PROGRAM;
	}
	got = x->cfg.io.mmu.tlb_cached(x->cfg.io.ctx, (unsigned)core, vaddr, any_asid, asid);
	if (got == (cached != 0))
		return EXEC_OK;
	m = exec_msg_start(x, op);
	fmt_str(m, "assert tlb: core ");
	fmt_dec(m, core);
	fmt_str(m, " vaddr ");
	fmt_hex(m, vaddr);
	if (!any_asid) {
		fmt_str(m, " asid ");
		fmt_dec(m, asid);
	}
	fmt_str(m, got ? ": expected no entry, but one is cached" :
		": expected a cached entry, but there is none");
	return EXEC_FAIL_ASSERT;
}

static void thread_text(struct fmt *m, uint64_t tcb)
{
	if (tcb == 0) {
		fmt_str(m, "none");
	} else {
		fmt_str(m, "the TCB at ");
		fmt_hex(m, tcb);
	}
}

static enum exec_status assert_running(struct exec *x, const struct prog_op *op)
{
	uint64_t core = 0, cptr = 0, want = 0, got;
	struct kmm_cap_info c;
	struct fmt *m;

	pair(op, PROG_KEY_CORE, &core);
	if (pair(op, PROG_KEY_TCB, &cptr)) {
		if (!kmm_inspect_cptr(x->cfg.caller, cptr, &c) || c.type != KMM_CAP_TYPE_TCB) {
			m = exec_msg_start(x, op);
			fmt_str(m, "assert running: tcb=");
			fmt_hex(m, cptr);
			fmt_str(m, " names no TCB cap");
			return EXEC_FAIL_ASSERT;
		}
		want = c.paddr;
	}
	got = kmm_inspect_current_thread((unsigned)core);
	if (got == want)
		return EXEC_OK;
	m = exec_msg_start(x, op);
	fmt_str(m, "assert running: core ");
	fmt_dec(m, core);
	fmt_str(m, ": expected ");
	thread_text(m, want);
	fmt_str(m, ", got ");
	thread_text(m, got);
	return EXEC_FAIL_ASSERT;
}

enum exec_status exec_assert_vm(struct exec *x, const struct prog_op *op)
{
	switch (op->kind) {
	case PROG_ASSERT_PTE:
		return assert_pte(x, op);
	case PROG_ASSERT_TLB:
		return assert_tlb(x, op);
	case PROG_ASSERT_RUNNING:
		return assert_running(x, op);
	}
	fmt_str(exec_msg_start(x, op), "not an address-space assertion");
	return EXEC_FAIL_PROGRAM;
}

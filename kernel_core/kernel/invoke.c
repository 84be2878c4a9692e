/*
 * The one system-call entry.  Every front end (simulator, fuzzer, x86
 * image, unit tests) comes in here.  The stages are seL4's (reference
 * 0.2): resolve the invoked cap and the extra caps (a failure is a cap
 * fault, not a syscall error), decode (checks, no change), perform (may be
 * preempted; the front end then issues the same message again).
 */
#include <kmm/kernel.h>
#include "lookup.h"
#include "preempt.h"
#include "../object/invocations.h"
#include "../object/vspace.h"

static enum kmm_result_kind cap_fault(struct kmm_result *res, unsigned which,
				      const struct lookup_fault *f)
{
	res->kind = KMM_RESULT_CAP_FAULT;
	res->detail[0] = which;
	res->ndetail = 1 + lookup_fault_words(f, &res->detail[1]);
	return res->kind;
}

static enum kmm_result_kind reply(struct kmm_result *res, const struct kerr *e)
{
	unsigned i;

	res->kind = KMM_RESULT_REPLY;
	res->error = e->code;
	res->ndetail = e->ndetail;
	for (i = 0; i < e->ndetail; i++)
		res->detail[i] = e->detail[i];
	return res->kind;
}

static enum kmm_error dispatch(const struct invocation *inv, struct kerr *e,
			       enum kstatus *status)
{
	switch (cap_type(&inv->slot->cap)) {
	case KMM_CAP_TYPE_UNTYPED:
		return untyped_invocation(inv, e, status);
	case KMM_CAP_TYPE_CNODE:
		return cnode_invocation(inv, e, status);
	case KMM_CAP_TYPE_TCB:
		return tcb_invocation(inv, e, status);
	case KMM_CAP_TYPE_FRAME:
		return frame_invocation(inv, e);
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		return table_invocation(inv, e);
	case KMM_CAP_TYPE_ASID_CONTROL:
		return asid_control_invocation(inv, e);
	case KMM_CAP_TYPE_ASID_POOL:
		return asid_pool_invocation(inv, e);
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ZOMBIE:
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 0);
	default:
		/*
		 * PML4s have no invocations (reference c.1); endpoint and
		 * notification IPC is outside the memory model.
		 */
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	}
}

static enum kmm_result_kind invoke_locked(uint64_t tcb, const struct kmm_msg *msg,
					  struct kmm_result *res)
{
	struct invocation inv = { 0 };
	struct kmm_msg m = *msg;
	struct resolve_ret r;
	struct kerr e = { KMM_OK, 0, { 0 } };
	enum kstatus status = KSTATUS_DONE;
	unsigned i;

	if (tcb == 0 || vspace_current(hal_core_id()) != tcb) {
		res->kind = KMM_RESULT_NO_THREAD;
		return res->kind;
	}
	if (m.nwords > KMM_MSG_MAX_WORDS)
		m.nwords = KMM_MSG_MAX_WORDS;
	if (m.ncaps > KMM_MSG_MAX_CAPS)
		m.ncaps = KMM_MSG_MAX_CAPS;
	r = lookup_invocation(tcb, m.cptr);
	if (!r.slot)
		return cap_fault(res, 0, &r.fault);
	inv.msg = &m;
	inv.slot = r.slot;
	for (i = 0; i < m.ncaps; i++) {
		r = lookup_invocation(tcb, m.caps[i]);
		if (!r.slot)
			return cap_fault(res, i + 1, &r.fault);
		inv.extra[inv.nextra++] = r.slot;
	}
	dispatch(&inv, &e, &status);
	if (e.code == KMM_OK && status == KSTATUS_PREEMPTED) {
		res->kind = KMM_RESULT_PREEMPTED;
		return res->kind;
	}
	return reply(res, &e);
}

enum kmm_result_kind kmm_invoke(uint64_t caller_tcb, const struct kmm_msg *msg,
				struct kmm_result *res)
{
	enum kmm_result_kind kind;

	memset(res, 0, sizeof(*res));
	hal_kernel_lock();
	preempt_entry();
	kind = invoke_locked(caller_tcb, msg, res);
	hal_kernel_unlock();
	return kind;
}

void kmm_page_fault(uint64_t vaddr, enum kmm_fault_access access,
		    enum kmm_fault_reason reason, struct kmm_result *res)
{
	memset(res, 0, sizeof(*res));
	hal_kernel_lock();
	res->kind = KMM_RESULT_VM_FAULT;
	res->ndetail = 3;
	res->detail[0] = vaddr;
	res->detail[1] = access;
	res->detail[2] = reason;
	hal_kernel_unlock();
}

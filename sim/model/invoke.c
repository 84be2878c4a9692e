/*
 * One invocation (0.2): the caller must be the thread its core runs; the
 * invoked cptr and each extra-cap cptr resolve in the caller's CSpace
 * (a failure is a cap fault result, kmm's decision 3); then the invoked
 * cap's type decides which decode runs.
 */
#include "model_int.h"

/* Resolve the invoked cap and the extra caps into *v; false with the cap fault in *r. */
static bool lookup_caps(struct model *m, uint64_t tcb, struct minv *v, struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	unsigned ncaps = msg->ncaps < KMM_MSG_MAX_CAPS ? msg->ncaps : KMM_MSG_MAX_CAPS;

	for (unsigned i = 0; i <= ncaps; i++) {
		uint64_t cptr = i == 0 ? msg->cptr : msg->caps[i - 1], slot;
		struct lfail f;

		if (!mlookup_cptr(m, tcb, cptr, &slot, &f)) {
			mres_cap_fault(r, i, &f);
			return false;
		}
		if (i == 0) {
			v->target = mtree_at(m, slot);
		} else {
			v->exnode[i - 1] = mtree_at(m, slot);
			v->excap[i - 1] = *mtree_cap(m, slot);
		}
	}
	return true;
}

static void dispatch(struct model *m, const struct minv *v, struct kmm_result *r)
{
	switch (v->target != NULL ? v->target->cap.type : KMM_CAP_TYPE_NULL) {
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ZOMBIE:
		return mres_err1(r, KMM_INVALID_CAPABILITY, 0);
	case KMM_CAP_TYPE_UNTYPED:
		return muntyped_invoke(m, v, r);
	case KMM_CAP_TYPE_CNODE:
		return mcnode_invoke(m, v, r);
	case KMM_CAP_TYPE_TCB:
		return mtcb_invoke(m, v, r);
	case KMM_CAP_TYPE_FRAME:
		return mframe_invoke(m, v, r);
	case KMM_CAP_TYPE_PDPT: case KMM_CAP_TYPE_PAGE_DIRECTORY: case KMM_CAP_TYPE_PAGE_TABLE:
		return mtable_invoke(m, v, r);
	case KMM_CAP_TYPE_ASID_CONTROL:
		return masid_control_invoke(m, v, r);
	case KMM_CAP_TYPE_ASID_POOL:
		return masid_pool_invoke(m, v, r);
	default:
		/* PML4 (c.1: no invocations); endpoints and notifications (no IPC in kmm) */
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	}
}

/* Predict msg's result, sent from core, into *r and apply it to the model. */
void minvoke(struct model *m, unsigned core, const struct kmm_msg *msg, struct kmm_result *r)
{
	struct minv v = { .msg = msg, .core = core };
	uint64_t tcb;

	if (!mtcb_caller(m, core, &tcb)) {
		*r = (struct kmm_result){ .kind = KMM_RESULT_NO_THREAD };
		return;
	}
	if (lookup_caps(m, tcb, &v, r))
		dispatch(m, &v, r);
}

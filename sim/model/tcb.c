/*
 * Threads: TCB_Configure (kmm takes only the CSpace and VSpace roots with
 * their cap data, README "where kmm differs", and runs seL4's checks for
 * them), `run`, and which thread each core's ops are made by.
 *
 * A core runs the thread the program last switched it to (`run`), the
 * root thread at first; when that TCB is destroyed the kernel runs nothing
 * there and the core's ops get NoThread until the next `run`.
 *
 * The vspace a core uses is the one loaded when its thread was switched
 * to, or reconfigured by TCB_Configure: the thread's VSpace root then, if
 * it is a PML4 whose ASID resolves to it, else none (the kernel-only
 * global PML4, c.3).  As in seL4, where only a thread switch (setVMRoot)
 * reads the TCB's VSpace slot, deleting that slot's cap later does not
 * unload it; the PML4's or its ASID pool's end does (c.7).
 */
#include "model_int.h"

/* seL4's slotCapLongRunningDelete: deleting this slot's cap would be long. */
static bool long_running_delete(struct model *m, uint64_t slot)
{
	struct mnode *n = mtree_at(m, slot);

	if (n == NULL || !mcap_is_final(m, n))
		return false;
	return n->cap.type == KMM_CAP_TYPE_ZOMBIE || n->cap.type == KMM_CAP_TYPE_CNODE ||
	       n->cap.type == KMM_CAP_TYPE_TCB;
}

/* The new root cap from extra cap i with cap data; KMM_OK or the error. */
static enum kmm_error new_root(const struct minv *v, unsigned i, uint64_t data,
			       struct mcap *c)
{
	*c = v->excap[i];
	if (v->exnode[i] == NULL)
		return KMM_ILLEGAL_OPERATION;
	if (data != 0 && !mcap_update_data(c, false, data))
		return KMM_ILLEGAL_OPERATION;
	return mcap_derive(v->exnode[i], c);
}

/* The old root goes; the new one is a copy of its source, if that is still there. */
static void install(struct model *m, uint64_t tcb, unsigned index, struct mnode *src,
		    const struct mcap *c)
{
	uint64_t slot = tcb + index * SLOT_BYTES;
	uint64_t src_slot = src->slot;

	mdelete_slot(m, slot, true);
	if (mtree_at(m, src_slot) == src && mcap_same_object(c, &src->cap))
		mcap_insert_copy(m, src, slot, c);
}

void mtcb_invoke(struct model *m, const struct minv *v, struct kmm_result *r)
{
	const struct kmm_msg *msg = v->msg;
	uint64_t tcb = v->target->cap.paddr;
	struct mcap cs, vs;
	enum kmm_error e;

	if (msg->label != KMM_TCB_CONFIGURE)
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	if (msg->nwords < 2 || msg->ncaps < 2)
		return mres_err0(r, KMM_TRUNCATED_MESSAGE);
	if (long_running_delete(m, tcb + TCB_CTABLE * SLOT_BYTES) ||
	    long_running_delete(m, tcb + TCB_VTABLE * SLOT_BYTES))
		return mres_err0(r, KMM_ILLEGAL_OPERATION);
	e = new_root(v, 0, msg->words[0], &cs);
	if (e == KMM_OK && cs.type != KMM_CAP_TYPE_CNODE)
		e = KMM_ILLEGAL_OPERATION;
	if (e != KMM_OK)
		return mres_err0(r, e);
	e = new_root(v, 1, msg->words[1], &vs);
	if (e == KMM_OK && !(vs.type == KMM_CAP_TYPE_PML4 && vs.mapped))
		e = KMM_ILLEGAL_OPERATION;
	if (e != KMM_OK)
		return mres_err0(r, e);
	install(m, tcb, TCB_CTABLE, v->exnode[0], &cs);
	install(m, tcb, TCB_VTABLE, v->exnode[1], &vs);
	for (unsigned c = 0; c < MODEL_CORES; c++) {
		if (m->running[c] == tcb)
			mtcb_load_vspace(m, c);
	}
	mres_err0(r, KMM_OK);
}

/* Load the vspace of the thread core runs: its VSpace root, if valid. */
void mtcb_load_vspace(struct model *m, unsigned core)
{
	const struct mcap *vs;

	m->loaded[core] = (struct mloaded){ 0, 0 };
	if (m->running[core] == 0)
		return;
	vs = mtree_cap(m, m->running[core] + TCB_VTABLE * SLOT_BYTES);
	if (vs->type == KMM_CAP_TYPE_PML4 && vs->mapped && mvspace_for_asid(m, vs->asid) == vs->paddr)
		m->loaded[core] = (struct mloaded){ vs->paddr, vs->asid };
}

/* A PML4 (pml4 != 0) or the ASIDs [asid_lo, asid_hi) went: cores using it load none. */
void mtcb_drop_vspace(struct model *m, uint64_t pml4, uint64_t asid_lo, uint64_t asid_hi)
{
	for (unsigned c = 0; c < MODEL_CORES; c++) {
		const struct mloaded *l = &m->loaded[c];

		if ((pml4 != 0 && l->pml4 == pml4) || (l->asid >= asid_lo && l->asid < asid_hi))
			m->loaded[c] = (struct mloaded){ 0, 0 };
	}
}

/* The TCB at tcb is being destroyed: no core runs it any more. */
void mtcb_finalised(struct model *m, uint64_t tcb)
{
	for (unsigned c = 0; c < MODEL_CORES; c++) {
		if (m->running[c] == tcb) {
			m->running[c] = 0;
			m->loaded[c] = (struct mloaded){ 0, 0 };
		}
	}
}

/* `run`: the TCB cptr names in the root thread's CSpace runs on core; false if none. */
bool mtcb_run(struct model *m, unsigned core, uint64_t cptr)
{
	struct lfail f;
	uint64_t slot;
	const struct mcap *c;

	if (!mlookup_cptr(m, m->caller, cptr, &slot, &f))
		return false;
	c = mtree_cap(m, slot);
	if (c->type != KMM_CAP_TYPE_TCB)
		return false;
	m->program[core] = m->running[core] = c->paddr;
	mtcb_load_vspace(m, core);
	return true;
}

/* The thread core's ops are made by, if the kernel still runs it there. */
bool mtcb_caller(struct model *m, unsigned core, uint64_t *tcb)
{
	*tcb = m->program[core];
	return *tcb != 0 && m->running[core] == *tcb;
}

/*
 * Thread control blocks.  A TCB object is 2 KiB: its five internal cap
 * slots come first (CSpace root, VSpace root, reply, caller, IPC buffer),
 * as in seL4, so deleting the last TCB cap empties them through a zombie
 * exactly as for a CNode.  The memory model needs only the two roots:
 * TCB_Configure installs them, and the scheduler side (kmm_thread_switch)
 * runs a thread on a core, loading its VSpace.  The rest of the object is
 * unused and stays zero.
 */
#include <kmm/kernel.h>
#include "invocations.h"
#include "objecttype.h"
#include "tlb.h"
#include "vspace.h"
#include "../kernel/cdt.h"
#include "../kernel/cspace.h"
#include "../kernel/preempt.h"

struct slot *tcb_slot(uint64_t tcb_paddr, enum tcb_slot which)
{
	kassert(which < KMM_TCB_SLOTS);
	return slot_index(tcb_paddr, which);
}

void tcb_init(uint64_t tcb_paddr)
{
	/* Retyped memory is zero: all five slots are already empty. */
	kassert(slot_is_empty(tcb_slot(tcb_paddr, TCB_CTABLE)));
}

/* A delete of this slot's cap could run long (seL4's slotCapLongRunningDelete). */
static bool long_running_delete(const struct slot *s)
{
	switch (cap_type(&s->cap)) {
	case KMM_CAP_TYPE_CNODE:
	case KMM_CAP_TYPE_TCB:
	case KMM_CAP_TYPE_ZOMBIE:
		return cdt_is_final(s);
	default:
		return false;
	}
}

struct configure {
	uint64_t tcb;
	struct slot *csrc, *vsrc;
	struct cap cspace, vspace;
};

/* TCB_Configure(cspace data, vspace data); extra caps cspace root, vspace root. */
static enum kmm_error decode_configure(const struct invocation *inv, struct configure *c,
				       struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	struct cap cs;
	enum kmm_error err;

	if (m->label != KMM_TCB_CONFIGURE)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (m->nwords < 2 || inv->nextra < 2)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	c->tcb = cap_tcb_paddr(&inv->slot->cap);
	if (long_running_delete(tcb_slot(c->tcb, TCB_CTABLE)) ||
	    long_running_delete(tcb_slot(c->tcb, TCB_VTABLE)))
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	c->csrc = inv->extra[0];
	c->vsrc = inv->extra[1];
	cs = c->csrc->cap;
	if (m->words[0] != 0)
		cs = cap_update_data(false, m->words[0], cs);
	if ((err = cap_derive(c->csrc, cs, &c->cspace, e)))
		return err;
	if (cap_type(&c->cspace) != KMM_CAP_TYPE_CNODE)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if ((err = cap_derive(c->vsrc, c->vsrc->cap, &c->vspace, e)))
		return err;
	if (cap_type(&c->vspace) != KMM_CAP_TYPE_PML4 || !cap_pml4_has_asid(&c->vspace))
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	return KMM_OK;
}

/* Replace one root: delete the old cap, then copy in the new one if its
 * source still holds it (a preempted delete may have changed things). */
static enum kstatus install_root(struct slot *dst, struct cap c, struct slot *src)
{
	if (cspace_delete(dst, true) == KSTATUS_PREEMPTED)
		return KSTATUS_PREEMPTED;
	if (!slot_is_empty(src) && cdt_same_object(&c, &src->cap))
		cdt_insert(c, src, dst);
	return KSTATUS_DONE;
}

enum kmm_error tcb_invocation(const struct invocation *inv, struct kerr *e,
			      enum kstatus *status)
{
	struct configure c;
	enum kmm_error err = decode_configure(inv, &c, e);

	if (err)
		return err;
	*status = install_root(tcb_slot(c.tcb, TCB_CTABLE), c.cspace, c.csrc);
	if (*status == KSTATUS_DONE)
		*status = install_root(tcb_slot(c.tcb, TCB_VTABLE), c.vspace, c.vsrc);
	if (*status == KSTATUS_DONE)
		tlb_reload_cores(tlb_cores_running(c.tcb));
	return KMM_OK;
}

/* The final TCB cap is going: no core may keep running the thread. */
void tcb_finalise(uint64_t tcb_paddr)
{
	uint64_t running = tlb_cores_running(tcb_paddr);
	unsigned core;

	for (core = 0; core < hal_core_count(); core++)
		if (running & bit(core))
			vspace_set_current(core, 0);
	/* They run nothing now: their CR3s must stop naming its VSpace. */
	tlb_reload_cores(running);
}

bool kmm_thread_switch(uint64_t tcb_paddr)
{
	hal_kernel_lock();
	vspace_set_current(hal_core_id(), tcb_paddr);
	vspace_reload_current();
	hal_kernel_unlock();
	return true;
}

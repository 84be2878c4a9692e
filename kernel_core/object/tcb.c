/*
 * Thread control blocks.  A TCB object is 2 KiB: its five internal cap
 * slots come first (CSpace root, VSpace root, reply, caller, IPC buffer),
 * as in seL4, so deleting the last TCB cap empties them through a zombie
 * exactly as for a CNode.  The rest of the object is the thread's state,
 * which the multicore issue fills in; for now a new TCB is all zeroes.
 */
#include "invocations.h"

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

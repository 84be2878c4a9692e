/*
 * Decode and invoke for each object type.  Every decode checks its
 * arguments in the reference order and changes nothing; the invoke step
 * that follows cannot fail, though it may stop at a preemption point.
 */
#ifndef KMM_INVOCATIONS_H
#define KMM_INVOCATIONS_H

#include "../kernel/error.h"
#include "../kernel/slot.h"

struct invocation {
	const struct kmm_msg *msg;
	struct slot *slot;                     /* the invoked cap's slot */
	struct slot *extra[KMM_MSG_MAX_CAPS];  /* resolved extra caps */
	unsigned nextra;
};

/* Each returns KMM_OK (done, or *preempted set) or an error in e. */
enum kmm_error untyped_invocation(const struct invocation *inv, struct kerr *e,
				  enum kstatus *status);
enum kmm_error cnode_invocation(const struct invocation *inv, struct kerr *e,
				enum kstatus *status);

enum kmm_error tcb_invocation(const struct invocation *inv, struct kerr *e,
			      enum kstatus *status);
void tcb_finalise(uint64_t tcb_paddr);
enum kmm_error frame_invocation(const struct invocation *inv, struct kerr *e);
enum kmm_error table_invocation(const struct invocation *inv, struct kerr *e);
enum kmm_error asid_control_invocation(const struct invocation *inv, struct kerr *e);
enum kmm_error asid_pool_invocation(const struct invocation *inv, struct kerr *e);

/* Finalisation of paging caps (called from object_finalise). */
void frame_unmap(struct cap *c);
void table_finalise(struct cap *c);
void pml4_finalise(const struct cap *c);
void asid_pool_finalise(const struct cap *c);

/* TCB layout: the internal slots come first. */
enum tcb_slot { TCB_CTABLE = 0, TCB_VTABLE, TCB_REPLY, TCB_CALLER, TCB_BUFFER };
struct slot *tcb_slot(uint64_t tcb_paddr, enum tcb_slot which);
void tcb_init(uint64_t tcb_paddr);

#endif

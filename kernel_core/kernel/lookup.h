/* CSpace addressing: cptr resolution as in the reference, section b.1. */
#ifndef KMM_LOOKUP_H
#define KMM_LOOKUP_H

#include "error.h"
#include "slot.h"

struct resolve_ret {
	struct slot *slot;      /* NULL if the lookup failed */
	unsigned bits_left;
	struct lookup_fault fault;
};

struct resolve_ret lookup_resolve(const struct cap *root, uint64_t cptr, unsigned nbits);

/* An invocation lookup: 64 bits from the thread's CSpace root. */
struct resolve_ret lookup_invocation(uint64_t tcb_paddr, uint64_t cptr);

/*
 * A CNode-operation lookup of exactly depth bits (target, source or pivot
 * slot).  On failure returns FailedLookup or RangeError in e.
 */
enum kmm_error lookup_slot_for_op(const struct cap *root, uint64_t index, uint64_t depth,
				  bool source, struct slot **out, struct kerr *e);

#endif

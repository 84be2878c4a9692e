/*
 * The invariant checker (DESIGN §6, items 1, 2, 3, 5 and 6): a whole-state
 * validator that walks the derivation list from the kernel's sentinel,
 * every slot of every CNode, TCB and zombie reachable from a cap, the ASID
 * table and pools, and the user half of every live address space, and
 * reports the first invariant that does not hold, by its stable dotted
 * name (the numbered list is at the top of checker.c).
 *
 * Freestanding: no libc, no allocation.  The caller supplies scratch
 * memory of at least checker_scratch_bytes() bytes, asked for right
 * before the run (the size depends on the number of caps).  Call between
 * invocations only, as the kmm_inspect_* calls.
 */
#ifndef KMM_SIM_CHECKER_H
#define KMM_SIM_CHECKER_H

#include <stdbool.h>
#include <stddef.h>

enum check_level {
	CHECK_CHEAP, /* everything but the scans linear in memory bytes */
	CHECK_FULL   /* also: free untyped memory reads as zero */
};

struct check_violation {
	const char *invariant; /* e.g. "1.objects.overlap" */
	char detail[256];      /* which slots and objects, NUL-terminated */
};

/* Returns true if all invariants hold; otherwise fills *v. scratch: caller memory. */
bool checker_run(enum check_level level, struct check_violation *v, void *scratch,
		 size_t scratch_bytes);

/* Bytes of scratch needed for the current state. */
size_t checker_scratch_bytes(void);

/*
 * Forget the untyped watermarks remembered from earlier runs (the
 * incremental zero check, 5.untyped.zero_below_old_watermark).  Call
 * after booting a fresh machine in the same process; not calling it
 * costs only needless scans, never a false report.
 */
void checker_forget(void);

#endif

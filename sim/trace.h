/*
 * The trace: one line of stable text per executed operation,
 *
 *     <step> c<core> <op> <cptr> <key>=<value> ... -> <result>
 *
 * where op and keys are spelled exactly as in scenarios (so a trace line
 * minus its step and core is a scenario line), cptrs and addresses are
 * hex, other numbers decimal, and results read `ok`, `ok(0x4003000)`,
 * `DeleteFirst`, `RangeError(1, 256)`, `FailedLookup(1,
 * MissingCapability, 64)`, `CapFault(0, GuardMismatch, 64, 0, 52)`,
 * `VmFault(0x400000, Read, NotPresent)`, `NoThread`, `preempted`, or for
 * a read the value read (`0x2a`).  The text holds
 * no pointers and no timings, so the same program and seed give the same
 * bytes on every run and on every HAL.  Freestanding.
 */
#ifndef KMM_SIM_TRACE_H
#define KMM_SIM_TRACE_H

#include <kmm/kernel.h>

#include "fmt.h"
#include "program.h"

/* "<step> c<core> " */
void trace_prefix(struct fmt *f, uint64_t step, unsigned core);

/* The op as scenario text, e.g. "cnode_copy 0x20 dest=0x21 ...". */
void trace_op(struct fmt *f, const struct prog_op *op);

/* An invocation's result: "ok", "RangeError(1, 256)", "preempted" ... */
void trace_result(struct fmt *f, const struct kmm_result *r);

/*
 * The kind (enum kmm_result_kind) of a non-reply result name: CapFault,
 * preempted, VmFault, NoThread.  False for any other text.
 */
bool trace_result_kind(const char *s, size_t len, unsigned *kind);

/*
 * An op's result: as trace_result, except that a read that succeeded
 * shows the value it read ("0x2a").
 */
void trace_outcome(struct fmt *f, const struct prog_op *op, const struct kmm_result *r);

/* What an op expects, in the same syntax ("ok", "CapFault(...)", "0x2a" ...). */
void trace_expect(struct fmt *f, const struct prog_expect *e);

/* A value printed the way key format fmt (enum syntax_fmt) prints it. */
void trace_value(struct fmt *f, unsigned fmt, uint64_t v);

/*
 * Name a slot as the root thread sees it: its cptr ("0x10") when it is a
 * slot of caller's root CNode, else "slot@<paddr>".
 */
void trace_slot(struct fmt *f, uint64_t caller, uint64_t slot_paddr);

/* A cap's type and its relevant fields, e.g. "endpoint paddr=0x.. badge=7". */
void trace_cap(struct fmt *f, const struct kmm_cap_info *c);

#endif

/*
 * The independent reference model (DESIGN §6, issue 5 item 1), v1.
 *
 * A deliberately simple abstract state -- caps in slots (keyed by slot
 * address), each with its derivation parent and ordered children as an
 * explicit tree -- written from /work/shared/reference/sel4-semantics.md
 * sections 0, a and b, sharing nothing with kernel_core but the ABI
 * headers.  The boot state is copied once from kmm_bootinfo() and
 * kmm_inspect_walk(); from then on the model predicts every invocation's
 * result and state, and model_step() compares both with the kernel.
 *
 * Scope v1: untyped memory and CSpace.  VM (paging, ASID, TCB_Configure
 * invocations, user accesses, `run`) makes the model "unmodelled" for the
 * rest of the run: it stops predicting and comparing, silently, and the
 * summary says so.  Preemption: only completed invocations are compared
 * (restart semantics); the intermediate states after a PREEMPTED result are
 * not compared in v1.  Hosted (glib); kmm-sim only.
 */
#ifndef KMM_SIM_MODEL_H
#define KMM_SIM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"

struct model;

/* A model of the kernel just booted, for the root thread caller. */
struct model *model_new(uint64_t caller);
void model_free(struct model *m);

/* The executor's hook (struct exec_model): see exec.h. */
bool model_step(void *ctx, const struct prog_op *op, const struct kmm_result *res,
		struct exec_model_diff *d);

/* Summary: ops predicted, states compared, and the step it went unmodelled (0: never). */
void model_summary(const struct model *m, uint64_t *predicted, uint64_t *compared,
		   uint64_t *unmodelled_at, uint64_t *unmodelled_ops);

#endif

/*
 * The independent reference model (DESIGN §6, issue 5 item 1), v2.
 *
 * A deliberately simple abstract state, written from
 * /work/shared/reference/sel4-semantics.md (§0, §a, §b, §c) and kmm's
 * documented differences (README "Where kmm differs from seL4",
 * scenarios/README), sharing nothing with kernel_core but the ABI headers
 * (kmm/abi.h, kmm/kernel.h):
 *
 *   - caps in slots, each with its derivation parent and ordered children
 *     as an explicit tree, untyped watermarks, zombies;
 *   - every paging object as 512 abstract entries (empty / next table /
 *     page with rights and attributes), the ASID table and its pools;
 *   - the bytes user code wrote (RAM frames start zero; device bytes are
 *     learnt at first sight, since what a device holds is not knowable);
 *   - which thread each core runs, with its CSpace root, and the vspace
 *     loaded there: read from the thread's VSpace root when it is switched
 *     to (`run`) or reconfigured (TCB_Configure), dropped when that PML4
 *     or its ASID pool dies (c.7), and otherwise kept -- as seL4 reads the
 *     TCB's VSpace slot only at a thread switch (setVMRoot).
 *
 * The boot state is read once through kmm_bootinfo()/kmm_inspect_walk();
 * from then on model_step() predicts every completed op -- each
 * invocation's result (kind, error code, every detail word), a user
 * access's value or VmFault(vaddr, access, reason), NoThread -- applies it
 * to the model and compares, stopping at the first difference with the
 * invariant "model.<field>":
 *
 *   model.result.{kind,error,ndetail,detail}  an invocation's or access's result
 *   model.memory                              a byte a read returned
 *   model.cap.<field>                         a slot: type, paddr, parent, size_bits,
 *                                             badge, rights, watermark, device,
 *                                             revocable, first_badged, vm_rights,
 *                                             radix, guard(_size), mapped, asid, vaddr
 *   model.asid_table, model.asid              pool index -> pool; ASID -> PML4
 *   model.mapping                             for every live vspace (each ASID that
 *                                             resolves), the entry deciding each part
 *                                             of the user half: level, page address,
 *                                             size, rights, attributes, XD
 *   model.running                             the thread a core runs (cores that ran ops)
 *   model.run                                 `run` named no TCB in the model
 *
 * The kernel's side is read only through kmm_inspect_* (walk, pte, asid_pool,
 * vspace_for_asid, current_thread).
 *
 * What is not modelled (so not compared):
 *   - Accessed/Dirty bits, TLB contents (the checker's 4.tlb.stale covers
 *     stale translations; a stale one that changes a result is caught here);
 *   - a user access to the canonical kernel half: the model predicts a fault
 *     at that address but accepts either Protection or NotPresent, which
 *     depends on the platform's kernel window;
 *   - the bytes of kernel objects (`assert memory` checks those);
 *   - mappings under PML4s that no ASID resolves to (unreachable by any
 *     thread; their entries are still modelled, for when they matter);
 *   - more than one core at a time (kmm-sim refuses --model with --cores > 1).
 * One reading is kmm's rather than the reference's: a Page_Map attribute
 * word other than the five values the reference names (0 .. 4) maps to
 * WriteBack, as kmm does (seL4 takes the word's low three bits; frame.c).
 * An op kind the model has no meaning for would make it "unmodelled" for
 * the rest of the run (silently, counted in the summary); no op the
 * executor passes today does.
 *
 * Preemption and restart semantics.  The executor calls model_step only
 * for completed ops: a PREEMPTED result is re-issued until it completes,
 * and the model sees the op once, with its final result, as one atomic
 * step.  Only that final state is compared; the intermediate states a
 * preempted revoke, CNode delete or untyped reset leaves are not.  Given
 * a PREEMPTED result anyway (a harness that passes every result), the
 * model changes nothing and compares nothing for it and judges the op
 * when it completes.  Accepting intermediate states as prefixes of the
 * effect (revoke: the remaining descendants a subset of those before;
 * reset: the watermark only moving down) would need that call for every
 * PREEMPTED result, so that the model can hold the op open until its
 * completion; with one core no other op can run in between, so nothing
 * observable is lost today.
 *
 * With more than 4096 caps the state is compared every 1024th step and
 * at the end (results after every step).  Hosted (glib); kmm-sim only.
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

/*
 * The executor's hook (struct exec_model): see exec.h.  op NULL: the end
 * of the run (a full comparison).  `model_perturb CPTR` changes the model
 * only, chosen by the cptr's top byte (perturb.c: 0 badge, 1 recorded
 * vaddr, 2 mapping rights, 3 a memory byte, 4 an ASID, 5 core 0's thread).
 */
bool model_step(void *ctx, const struct prog_op *op, const struct kmm_result *res,
		struct exec_model_diff *d);

/* Summary: ops predicted, states compared, and the step it went unmodelled (0: never). */
void model_summary(const struct model *m, uint64_t *predicted, uint64_t *compared,
		   uint64_t *unmodelled_at, uint64_t *unmodelled_ops);

#endif

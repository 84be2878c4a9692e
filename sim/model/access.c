/*
 * User reads and writes (scenarios/README `read`, `write`): made by the
 * thread a core runs, through the vspace loaded on the core (tcb.c says
 * when that changes; with none, the thread runs on the kernel-only global
 * PML4, where every user access faults, c.3).  An access that crosses a page boundary is checked in both
 * pages before any byte moves; a fault names the first byte of the part
 * that faulted.
 *
 * One thing is left to the kernel: an access in the canonical kernel half
 * faults, but whether the kernel window's entry there is present
 * (Protection) or not (NotPresent) depends on the platform's memory map,
 * so the model accepts either reason there.
 */
#include "model_int.h"

#define KERNEL_HALF 0xffff800000000000ull

/* One page's translation, or why it faults. */
struct xlate {
	bool ok;
	uint64_t paddr;         /* the byte's physical address */
	uint64_t end;           /* the first virtual address past its page */
	bool device;
	enum kmm_fault_reason reason;
	bool loose;             /* kernel half: Protection or NotPresent */
};

static struct xlate translate(struct model *m, uint64_t pml4, uint64_t va, bool write)
{
	struct xlate x = { .reason = KMM_FAULT_NOT_PRESENT };
	const struct mentry *e;
	unsigned level;
	uint64_t bytes;

	if (va >= USER_END && va < KERNEL_HALF)
		return x.reason = KMM_FAULT_NON_CANONICAL, x;
	if (va >= KERNEL_HALF)
		return x.loose = true, x;
	if (pml4 == 0)
		return x;
	e = mvspace_decide(m, pml4, va, &level);
	if (e->kind != ENT_PAGE)
		return x;
	if (e->rights == KMM_VM_KERNEL_ONLY || (write && e->rights != KMM_VM_READ_WRITE))
		return x.reason = KMM_FAULT_PROTECTION, x;
	bytes = mvspace_level_bytes(level);
	x.ok = true;
	x.paddr = e->paddr + (va & (bytes - 1));
	x.end = (va & ~(bytes - 1)) + bytes;
	x.device = e->device;
	return x;
}

/* The access's physical bytes, or the fault in *r (and *loose). */
static bool place(struct model *m, const struct prog_op *op, uint64_t *pa, bool *device,
		  struct kmm_result *r, bool *loose)
{
	uint64_t pml4 = m->loaded[op->core].pml4, va = op->vaddr, part = op->size;
	bool write = op->access == PROG_ACCESS_WRITE;
	struct xlate a = translate(m, pml4, va, write), b = a;

	if (a.ok && va + op->size > a.end) {
		part = a.end - va;
		b = translate(m, pml4, a.end, write);
		va = a.end;
	}
	if (!a.ok || !b.ok) {
		*loose = (a.ok ? b : a).loose;
		*r = (struct kmm_result){ .kind = KMM_RESULT_VM_FAULT, .ndetail = 3,
					  .detail = { va, op->access, (a.ok ? b : a).reason } };
		return false;
	}
	for (unsigned i = 0; i < op->size; i++) {
		pa[i] = i < part ? a.paddr + i : b.paddr + (i - part);
		device[i] = i < part ? a.device : b.device;
	}
	return true;
}

/* A read: the bytes the model knows must be what the kernel read; learn the rest. */
static bool read_bytes(struct model *m, const struct prog_op *op, const uint64_t *pa,
		       const bool *device, uint64_t got, struct exec_model_diff *d)
{
	for (unsigned i = 0; i < op->size; i++) {
		uint8_t want, kb = (uint8_t)(got >> (8 * i));

		if (!mmem_read(m, pa[i], device[i], &want)) {
			mmem_learn(m, pa[i], device[i], kb);
			continue;
		}
		if (want != kb)
			return mcompare_differ(m, d, "memory", "model: read 0x%llx byte %u "
					       "(paddr 0x%llx): model 0x%02x, kernel 0x%02x",
					       (unsigned long long)op->vaddr, i,
					       (unsigned long long)pa[i], want, kb);
	}
	return true;
}

/* Loose fault (kernel half): the kernel's fault must be at the address, either reason. */
static void loose_fault(struct kmm_result *pred, const struct kmm_result *res)
{
	if (res->kind == KMM_RESULT_VM_FAULT && res->ndetail == 3 &&
	    (res->detail[2] == KMM_FAULT_PROTECTION || res->detail[2] == KMM_FAULT_NOT_PRESENT))
		pred->detail[2] = res->detail[2];
}

bool maccess_step(struct model *m, const struct prog_op *op, const struct kmm_result *res,
		  struct exec_model_diff *d)
{
	struct kmm_result pred = { .kind = KMM_RESULT_REPLY };
	uint64_t tcb, pa[8];
	bool device[8], loose = false;

	if (!mtcb_caller(m, op->core, &tcb)) {
		pred.kind = KMM_RESULT_NO_THREAD;
		return mcompare_result(m, &pred, res, d);
	}
	if (!place(m, op, pa, device, &pred, &loose)) {
		if (loose)
			loose_fault(&pred, res);
		return mcompare_result(m, &pred, res, d);
	}
	if (op->access == PROG_ACCESS_READ) {
		pred.ndetail = 1;
		pred.detail[0] = res->ndetail == 1 ? res->detail[0] : 0;
	}
	if (!mcompare_result(m, &pred, res, d))
		return false;
	if (op->access == PROG_ACCESS_READ)
		return read_bytes(m, op, pa, device, res->detail[0], d);
	for (unsigned i = 0; i < op->size; i++)
		mmem_write(m, pa[i], device[i], (uint8_t)(op->value >> (8 * i)));
	return true;
}

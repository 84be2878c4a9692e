/*
 * TLB shootdown (see tlb.h).  The local core is always flushed directly;
 * the others through ipi_remote_call, which waits for all of them.
 *
 * asid_cores[] is written by the lock holder (setting the bit of the core
 * it runs on) and by IPI targets (clearing their own bit while the holder
 * waits), so every access is atomic.
 */
#include <kmm/kernel.h>

#include "tlb.h"
#include "vspace.h"
#include "../kernel/ipi.h"

#define ASIDS (ASID_POOLS * ASID_POOL_SIZE)

static uint64_t asid_cores[ASIDS];
static unsigned loaded_asid[64];   /* per core; written by that core only */

void tlb_init(void)
{
	unsigned i;

	for (i = 0; i < ASIDS; i++)
		__atomic_store_n(&asid_cores[i], 0, __ATOMIC_RELAXED);
	for (i = 0; i < 64; i++)
		loaded_asid[i] = 0;
}

uint64_t tlb_asid_cores(unsigned asid)
{
	return asid < ASIDS ? __atomic_load_n(&asid_cores[asid], __ATOMIC_ACQUIRE) : 0;
}

void tlb_load_vspace(uint64_t pml4, unsigned asid)
{
	unsigned me = hal_core_id();

	kassert(me < 64 && asid < ASIDS);
	if (pml4 != 0)
		__atomic_fetch_or(&asid_cores[asid], bit(me), __ATOMIC_ACQ_REL);
	loaded_asid[me] = pml4 != 0 ? asid : 0;
	hal_vspace_load(pml4, asid);
}

/* This core flushed all of asid: it caches none of it unless it runs it. */
static void forget_core(unsigned asid)
{
	unsigned me = hal_core_id();

	if (loaded_asid[me] != asid)
		__atomic_fetch_and(&asid_cores[asid], ~bit(me), __ATOMIC_ACQ_REL);
}

void ipi_do_request(const struct ipi_request *req)
{
	switch (req->op) {
	case IPI_FLUSH_PAGE:
		hal_tlb_invalidate_page(req->asid, req->vaddr);
		break;
	case IPI_FLUSH_ASID:
	case IPI_RETIRE_ASID:
		hal_tlb_invalidate_asid(req->asid);
		if (req->op == IPI_RETIRE_ASID && loaded_asid[hal_core_id()] == req->asid)
			vspace_reload_current();
		forget_core(req->asid);
		break;
	case IPI_RELOAD:
		vspace_reload_current();
		break;
	}
}

void tlb_flush_page(unsigned asid, uint64_t vaddr)
{
	struct ipi_request req = { IPI_FLUSH_PAGE, asid, vaddr };

	kassert(asid < ASIDS);
	hal_tlb_invalidate_page(asid, vaddr);
	ipi_remote_call(tlb_asid_cores(asid), &req);
}

static void flush_asid_everywhere(enum ipi_op op, unsigned asid)
{
	struct ipi_request req = { op, asid, 0 };

	kassert(asid < ASIDS);
	ipi_do_request(&req);
	ipi_remote_call(tlb_asid_cores(asid), &req);
}

void tlb_flush_asid(unsigned asid)
{
	flush_asid_everywhere(IPI_FLUSH_ASID, asid);
}

void tlb_retire_asid(unsigned asid)
{
	flush_asid_everywhere(IPI_RETIRE_ASID, asid);
}

uint64_t tlb_cores_running(uint64_t tcb)
{
	uint64_t cores = 0;
	unsigned core;

	for (core = 0; core < hal_core_count(); core++)
		if (vspace_current(core) == tcb)
			cores |= bit(core);
	return cores;
}

void tlb_reload_cores(uint64_t cores)
{
	struct ipi_request req = { IPI_RELOAD, 0, 0 };

	if (cores & bit(hal_core_id()))
		vspace_reload_current();
	ipi_remote_call(cores, &req);
}

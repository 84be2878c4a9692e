/*
 * uaccess.c: a program's user accesses (`read`, `write`) through the real
 * MMU, in ring 3, for the executor's exec_mmu hook.
 *
 * The access runs in ring 3 (uaccess.S) in the address space loaded on
 * this core (CR3 is the running thread's vspace; the kernel-only PML4,
 * with an empty user half, when it has none), so the MMU checks
 * presence, U and W itself and sets Accessed and Dirty.  As hal_sim's MMU
 * (hal_sim/mmu_access.c) does, an access that crosses a page boundary is
 * two parts, checked in address order before any byte moves: each part
 * is first probed (a load, or a store that changes nothing), then the
 * bytes move one at a time.  A page fault in ring 3 comes back to the
 * kernel (trap.c calls uaccess_return) and becomes the record
 * kmm_page_fault takes: the address from CR2, the reason from the error
 * code's P bit.  Addresses the user cannot name are refused without
 * touching them, with hal_sim's answers: a non-canonical address (which
 * would raise #GP, not #PF), and the kernel half (which every PML4 maps
 * here, supervisor-only, but which is empty in hal_sim's tables: not
 * present).
 *
 * Interrupts stay off from the first probe to the last byte, so the
 * access is one step for a shootdown: an IPI is taken before or after
 * it.  A translation a probe found can still be gone by the time a byte
 * moves (another core cleared the entry and the TLB dropped it before
 * the IPI came): that byte faults, and the access with it.  TLB
 * assertions and the stale-translation detector have no hooks here (a
 * real TLB cannot be inspected): scenarios that use them run in kmm-sim
 * only.
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define PAGE          4096ull
#define USER_TOP      0x0000800000000000ull
#define PF_PRESENT    0x1ull  /* #PF error code: a protection violation */
#define UACCESS_FAULTED (~0ull)

extern const char ustub_start[], ustub_load[], ustub_store[], ustub_probe_write[];
extern const char uaccess_user_return[];
uint64_t uaccess_user(uint64_t step, uint64_t vaddr, uint64_t byte, void *rsp0);

static struct uaccess_fault last[MAX_CORES];  /* each core's last ring-3 fault */

/* Where a ring-3 step is seen from ring 3. */
static uint64_t user_address(const char *step)
{
	return USTUB_VADDR + (uint64_t)(step - ustub_start);
}

/*
 * Called by trap_handle for an interrupt or exception taken in ring 3,
 * which only a user access step runs: make the frame resume
 * uaccess_user_return in ring 0, on the stack uaccess_user saved, with
 * the byte read (VECTOR_UEXIT) or UACCESS_FAULTED (a page fault,
 * recorded).  Anything else in ring 3 is a kernel bug: false.
 */
bool uaccess_return(struct trap_frame *tf)
{
	unsigned core = hal_core_id();

	if (tf->vector == 14)
		last[core] = (struct uaccess_fault){ tf->error, read_cr2() };
	else if (tf->vector != VECTOR_UEXIT)
		return false;
	tf->rax = tf->vector == 14 ? UACCESS_FAULTED : (tf->rax & 0xff);
	tf->rip = (uint64_t)(uintptr_t)uaccess_user_return;
	tf->cs = SEL_KCODE;
	tf->ss = SEL_KDATA;
	memcpy(&tf->rsp, gdt_rsp0(core), sizeof(tf->rsp));
	tf->rflags = 2;  /* interrupts stay off: user_access restores them */
	return true;
}

/* Run one ring-3 step; false and *f if it faulted. */
static bool step(const char *which, uint64_t vaddr, uint8_t in, uint8_t *out,
		 struct exec_fault *f)
{
	unsigned core = hal_core_id();
	uint64_t r = uaccess_user(user_address(which), vaddr, in, gdt_rsp0(core));

	if (r == UACCESS_FAULTED) {
		f->vaddr = last[core].cr2;
		f->reason = last[core].error & PF_PRESENT ? KMM_FAULT_PROTECTION :
							     KMM_FAULT_NOT_PRESENT;
		return false;
	}
	if (out != 0)
		*out = (uint8_t)r;
	return true;
}

static bool canonical(uint64_t vaddr)
{
	uint64_t top = vaddr >> 47;

	return top == 0 || top == 0x1ffff;
}

/* Check one part (within a page) as kind would use it; false and *f if it faults. */
static bool probe(uint64_t vaddr, enum prog_access kind, struct exec_fault *f)
{
	f->vaddr = vaddr;
	f->access = kind == PROG_ACCESS_READ ? KMM_ACCESS_READ : KMM_ACCESS_WRITE;
	if (!canonical(vaddr)) {
		f->reason = KMM_FAULT_NON_CANONICAL;
		return false;
	}
	if (vaddr >= USER_TOP) {
		f->reason = KMM_FAULT_NOT_PRESENT;
		return false;
	}
	return step(kind == PROG_ACCESS_READ ? ustub_load : ustub_probe_write, vaddr, 0, 0, f);
}

/* The access itself, once probe has let each part through; false and *f if a byte faults. */
static bool copy(enum prog_access kind, uint64_t vaddr, unsigned size, uint64_t *value,
		 struct exec_fault *f)
{
	uint8_t b;

	if (kind == PROG_ACCESS_READ)
		*value = 0;
	for (unsigned i = 0; i < size; i++) {
		if (kind == PROG_ACCESS_WRITE) {
			if (!step(ustub_store, vaddr + i, (uint8_t)(*value >> (8 * i)), 0, f))
				return false;
		} else {
			if (!step(ustub_load, vaddr + i, 0, &b, f))
				return false;
			*value |= (uint64_t)b << (8 * i);
		}
	}
	return true;
}

static bool user_access(void *ctx, unsigned core, enum prog_access kind, uint64_t vaddr,
			unsigned size, uint64_t *value, struct exec_fault *fault)
{
	uint64_t room = PAGE - (vaddr & (PAGE - 1)), flags = irq_save();
	bool ok = probe(vaddr, kind, fault) &&
		  (size <= room || probe(vaddr + room, kind, fault));

	(void)ctx;
	(void)core;
	ok = ok && copy(kind, vaddr, size, value, fault);
	irq_restore(flags);
	return ok;
}

void uaccess_hooks(struct exec_mmu *m)
{
	*m = (struct exec_mmu){ user_access, 0, 0 };
}

/*
 * uaccess.c: a program's user accesses (`read`, `write`) through the real
 * MMU, for the executor's exec_mmu hook.
 *
 * The access is made at ring 0 through the user half of the address space
 * loaded on this core (CR3 is the running thread's vspace; the kernel-only
 * PML4, with an empty user half, when it has none), with CR0.WP set so
 * that read-only pages fault.  As hal_sim's MMU (hal_sim/mmu_access.c)
 * does, an access that crosses a page boundary is two parts, checked in
 * address order before any byte moves: each part is first probed
 * (uaccess.S), which sets Accessed (and Dirty) or raises #PF; the fault
 * becomes the record kmm_page_fault takes (the address from CR2, the
 * reason from the error code's P bit).  Addresses the user cannot name
 * are refused without touching them, with hal_sim's answers: a
 * non-canonical address, and the kernel half (which every PML4 maps here
 * but which is empty in hal_sim's tables: not present).
 *
 * Ring 0 ignores the U bit, so before the probe the user check is made
 * in software: the tables the loaded CR3 points at are walked (through
 * the kernel window, read only); if every level is present and one lacks
 * U, the access is a protection fault, as in ring 3, and nothing is
 * touched (no Accessed bit set).  That walk reads the tables, not the
 * TLB; all else (presence, W with CR0.WP, Accessed and Dirty, the TLB)
 * is the real MMU's.  Running the accesses in ring 3 is the next step.  TLB assertions and the
 * stale-translation detector have no hooks here (a real TLB cannot be
 * inspected): scenarios that use them run in kmm-sim only.
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "cpu.h"
#include "x86.h"

#define PAGE          4096ull
#define USER_TOP      0x0000800000000000ull
#define PF_PRESENT    0x1ull  /* #PF error code: a protection violation */
#define PTE_P         0x1ull
#define PTE_U         0x4ull
#define PTE_PS        0x80ull
#define PTE_ADDR      0x000ffffffffff000ull

extern char uaccess_probe_read[], uaccess_probe_write[], uaccess_probe_fault[];
int uaccess_probe(uint64_t vaddr, int write);

static struct uaccess_fault last;

bool uaccess_fixup(struct trap_frame *tf)
{
	if (tf->rip != (uint64_t)(uintptr_t)uaccess_probe_read &&
	    tf->rip != (uint64_t)(uintptr_t)uaccess_probe_write)
		return false;
	last = (struct uaccess_fault){ tf->error, read_cr2() };
	tf->rip = (uint64_t)(uintptr_t)uaccess_probe_fault;
	return true;
}

static bool canonical(uint64_t vaddr)
{
	uint64_t top = vaddr >> 47;

	return top == 0 || top == 0x1ffff;
}

/*
 * Does the translation of vaddr exist with U clear at some level (a
 * protection fault in ring 3)?  False if it is user or not present.
 */
static bool supervisor_only(uint64_t vaddr)
{
	uint64_t table = read_cr3() & PTE_ADDR;
	bool user = true;

	for (unsigned level = 0; level < 4; level++) {
		const volatile uint64_t *t = hal_phys_to_kernel(table);
		uint64_t e = t[(vaddr >> (39 - 9 * level)) & 511];

		if (!(e & PTE_P))
			return false;
		user = user && (e & PTE_U);
		if (level == 3 || (level > 0 && (e & PTE_PS)))
			break;
		table = e & PTE_ADDR;
	}
	return !user;
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
	if (supervisor_only(vaddr)) {
		f->reason = KMM_FAULT_PROTECTION;
		return false;
	}
	if (uaccess_probe(vaddr, kind == PROG_ACCESS_WRITE) == 0)
		return true;
	f->vaddr = last.cr2;
	f->reason = last.error & PF_PRESENT ? KMM_FAULT_PROTECTION : KMM_FAULT_NOT_PRESENT;
	return false;
}

static bool user_access(void *ctx, unsigned core, enum prog_access kind, uint64_t vaddr,
			unsigned size, uint64_t *value, struct exec_fault *fault)
{
	uint64_t room = PAGE - (vaddr & (PAGE - 1));

	(void)ctx;
	(void)core;
	if (!probe(vaddr, kind, fault))
		return false;
	if (size > room && !probe(vaddr + room, kind, fault))
		return false;
	if (kind == PROG_ACCESS_READ)
		*value = 0;
	for (unsigned i = 0; i < size; i++) {
		volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(vaddr + i);

		if (kind == PROG_ACCESS_WRITE)
			*p = (uint8_t)(*value >> (8 * i));
		else
			*value |= (uint64_t)*p << (8 * i);
	}
	return true;
}

void uaccess_hooks(struct exec_mmu *m)
{
	*m = (struct exec_mmu){ user_access, 0, 0 };
}

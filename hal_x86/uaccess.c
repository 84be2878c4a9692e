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
 * is the real MMU's.  Running the accesses in ring 3 is the next step.
 * TLB assertions and the stale-translation detector have no hooks here
 * (a real TLB cannot be inspected): scenarios that use them run in
 * kmm-sim only.  With several cores, an access runs with interrupts off
 * (user_access), so a shootdown IPI comes before or after it.
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
#define PTE_P         0x1ull
#define PTE_U         0x4ull
#define PTE_PS        0x80ull
#define PTE_ADDR      0x000ffffffffff000ull

extern char uaccess_probe_read[], uaccess_probe_write[], uaccess_probe_fault[];
extern char uaccess_load_insn[], uaccess_store_insn[];
int uaccess_probe(uint64_t vaddr, int write);
int uaccess_load(uint64_t vaddr, uint8_t *out);
int uaccess_store(uint64_t vaddr, uint8_t byte);

static struct uaccess_fault last[MAX_CORES];  /* each core's last probe fault */

static bool is_probe(uint64_t rip)
{
	return rip == (uint64_t)(uintptr_t)uaccess_probe_read ||
	       rip == (uint64_t)(uintptr_t)uaccess_probe_write ||
	       rip == (uint64_t)(uintptr_t)uaccess_load_insn ||
	       rip == (uint64_t)(uintptr_t)uaccess_store_insn;
}

bool uaccess_fixup(struct trap_frame *tf)
{
	if (!is_probe(tf->rip))
		return false;
	last[hal_core_id()] = (struct uaccess_fault){ tf->error, read_cr2() };
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

/* The fault the last probe, load or store of this core took, in *f. */
static void fault_from_trap(struct exec_fault *f)
{
	const struct uaccess_fault *t = &last[hal_core_id()];

	f->vaddr = t->cr2;
	f->reason = t->error & PF_PRESENT ? KMM_FAULT_PROTECTION : KMM_FAULT_NOT_PRESENT;
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
	fault_from_trap(f);
	return false;
}

/*
 * The access itself, once probe has let each part through; false and *f
 * if a translation the probe used has gone meanwhile (a shootdown
 * cleared the entry, and the TLB dropped it before the IPI came).
 */
static bool copy(enum prog_access kind, uint64_t vaddr, unsigned size, uint64_t *value,
		 struct exec_fault *f)
{
	uint8_t b;

	if (kind == PROG_ACCESS_READ)
		*value = 0;
	for (unsigned i = 0; i < size; i++) {
		int faulted = kind == PROG_ACCESS_WRITE ?
			uaccess_store(vaddr + i, (uint8_t)(*value >> (8 * i))) :
			uaccess_load(vaddr + i, &b);

		if (faulted) {
			fault_from_trap(f);
			return false;
		}
		if (kind == PROG_ACCESS_READ)
			*value |= (uint64_t)b << (8 * i);
	}
	return true;
}

/*
 * With interrupts off from the first probe to the last byte, the access
 * is one step for a shootdown, like a ring-3 instruction: an IPI is taken
 * before or after it, never between the probe and the copy, so the
 * translations the probes found (and the tables the software walk read)
 * stay until it is done: the shooting core waits for this one.
 */
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

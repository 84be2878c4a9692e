/*
 * trampoline.S: how an application processor gets from its startup IPI
 * to ap_main, in long mode on the kernel's page tables and its own stack.
 *
 * smp.c copies [smp_trampoline, smp_trampoline_end) to TRAMPOLINE_PHYS
 * and sends the startup IPI with that page, so the AP starts here in real
 * mode with CS = TRAMPOLINE_PHYS >> 4 and IP = 0.  The code goes straight
 * from real mode to long mode (PE and PG set together, which the CPU
 * allows as long as the next instruction is the far jump): it loads the
 * kernel's GDT (boot.S's, at its physical address), turns on PAE,
 * EFER.LME and paging with smp.c's ap_pml4 -- the kernel's upper half
 * plus an identity map of low memory, since the instruction after the
 * paging switch runs at a physical address -- and far-jumps to
 * ap_entry64_low in the image, at its physical address.  That code moves
 * to the image's upper-half address, loads the kernel's own CR3 (no
 * identity map), the stack smp.c chose for this core, and calls
 * ap_main().  Only the trampoline itself is position-dependent on its
 * copy: its own labels are written TRAMP(label).
 */
#include "layout.h"

#define PHYS(x)   ((x) - KIMAGE_BASE)
#define TRAMP(x)  ((x) - smp_trampoline)

#define CR0_PE    0x00000001
#define CR0_ET    0x00000010
#define CR0_WP    0x00010000
#define CR0_PG    0x80000000
#define CR4_PAE   0x00000020
#define MSR_EFER  0xc0000080
#define EFER_LME  0x00000100

	.section .rodata
	.code16
	.globl smp_trampoline, smp_trampoline_end
smp_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl TRAMP(tramp_gdt_ptr)
	movl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(ap_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	/* CD and NW (set by INIT) are cleared: caches on, as on the boot core. */
	movl $(CR0_PE | CR0_ET | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0
	ljmpl $SEL_KCODE, $PHYS(ap_entry64_low)

	.balign 8
tramp_gdt_ptr:
	.word 3 * 8 - 1           /* boot.S's GDT: null, code, data */
	.long PHYS(boot_gdt)
smp_trampoline_end:

/* ---- 64-bit, at the image's physical address (identity-mapped) ----- */

	.section .boot.text, "ax"
	.code64
ap_entry64_low:
	movl $SEL_KDATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $ap_entry64, %rax
	jmp *%rax

/* ---- 64-bit, upper half ---------------------------------------------- */

	.text
ap_entry64:
	.cfi_startproc
	.cfi_undefined rip
	lgdt boot_gdt_ptr64(%rip)
	movq ap_boot_cr3(%rip), %rax
	movq %rax, %cr3
	movq ap_boot_stack(%rip), %rsp
	xorl %ebp, %ebp
	call ap_main
1:	cli
	hlt
	jmp 1b
	.cfi_endproc

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

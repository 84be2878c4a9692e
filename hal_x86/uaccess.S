/*
 * uaccess.S: a program's user accesses (uaccess.c), made in ring 3
 * through the loaded address space, one byte-sized step at a time.
 *
 *   uint64_t uaccess_user(uint64_t step, uint64_t vaddr, uint64_t byte,
 *                         void *rsp0)
 *
 * runs the ring-3 step at user address `step` (one of the ustub_* below,
 * as seen at USTUB_VADDR) with RDI = vaddr and SIL = byte, interrupts
 * off.  It saves the callee-saved registers, stores its stack pointer in
 * *rsp0 -- this core's TSS RSP0, so the CPU comes back onto this stack --
 * and enters ring 3 with iretq.  The step ends with `int $VECTOR_UEXIT`
 * or a page fault; either way trap.c (uaccess_return) rewrites the trap
 * frame to resume at uaccess_user_return in ring 0 on the saved stack,
 * with RAX = the byte read, or UACCESS_FAULTED after recording the fault.
 *
 * The steps, in one page of their own (mmu.c maps it user-executable):
 *   ustub_load         a load: the read itself, or the read probe (sets
 *                      Accessed)
 *   ustub_store        a store of the byte
 *   ustub_probe_write  a locked add of 0: a store that leaves the byte as
 *                      it was, so the rights are checked and Accessed and
 *                      Dirty set before any byte of the access moves
 */
#include "layout.h"

	.text
	.globl uaccess_user, uaccess_user_return
	.balign 16
uaccess_user:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rcx)
	movq %rdi, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	pushq $(SEL_UDATA | 3)   /* SS */
	pushq $0                 /* RSP: the steps use no stack */
	pushq $2                 /* RFLAGS: interrupts off */
	pushq $(SEL_UCODE | 3)   /* CS */
	pushq %rax               /* RIP */
	iretq
uaccess_user_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .text.ustub, "ax"
	.balign 4096
	.globl ustub_start, ustub_load, ustub_store, ustub_probe_write
ustub_start:
ustub_load:
	movb (%rdi), %al
	int $VECTOR_UEXIT
ustub_store:
	movb %sil, (%rdi)
	int $VECTOR_UEXIT
ustub_probe_write:
	lock addb $0, (%rdi)
	int $VECTOR_UEXIT
	.balign 4096

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

/*
 * isr.S: the entry stubs of the 32 exception vectors, of the two LAPIC
 * vectors (the kernel's IPI and the spurious interrupt) and of the end of
 * a ring-3 user access step.
 *
 * Each stub makes the stack look the same (an error code, 0 for vectors
 * where the CPU pushes none, then the vector number) and jumps to
 * isr_common, which saves the general registers, so that the stack is a
 * struct trap_frame (x86.h), and calls trap_handle(frame) with the
 * direction flag clear.  If trap_handle returns, the registers are
 * restored and iretq resumes the interrupted code.  isr_stubs[] lists
 * the stubs' addresses for idt.c.  The stack stays 16-byte aligned at the
 * call: the CPU aligns it before pushing its 5 words, and the stub and
 * isr_common push 17 more, 176 bytes in all.
 */

#include "layout.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.macro stub v
	.balign 16
isr_stub_\v:
	.if !HAS_ERROR(\v)
	pushq $0
	.endif
	pushq $\v
	jmp isr_common
	.endm

#define VECTORS 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31

	.irp v, VECTORS
	stub \v
	.endr

	.globl isr_stub_ipi, isr_stub_spurious, isr_stub_uexit
	.balign 16
isr_stub_ipi:
	pushq $0
	pushq $VECTOR_IPI
	jmp isr_common
	.balign 16
isr_stub_spurious:
	pushq $0
	pushq $VECTOR_SPURIOUS
	jmp isr_common
	.balign 16
isr_stub_uexit:
	pushq $0
	pushq $VECTOR_UEXIT
	jmp isr_common

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	call trap_handle
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl isr_stubs
isr_stubs:
	.irp v, VECTORS
	.quad isr_stub_\v
	.endr

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

/*
 * The fiber context switch (x86-64 SysV).  sim_fiber_swap is an ordinary
 * call, so only the callee-saved state needs saving: rbx, rbp, r12-r15,
 * the x87 control word and MXCSR, pushed on the old stack; rsp itself
 * goes to *save.  A new fiber's stack is laid out by fiber.c as if it had
 * been switched out just before sim_fiber_start, with the C entry in r12
 * and its argument in r13.
 */
	.text

/* void sim_fiber_swap(void **save, void *load) */
	.globl	sim_fiber_swap
	.type	sim_fiber_swap, @function
sim_fiber_swap:
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.cfi_endproc
	.size	sim_fiber_swap, .-sim_fiber_swap

/* First "return" of a new fiber: call r12(r13), which never returns. */
	.globl	sim_fiber_start
	.type	sim_fiber_start, @function
sim_fiber_start:
	.cfi_startproc
	.cfi_undefined rip
	xorl	%ebp, %ebp
	movq	%r13, %rdi
	call	*%r12
	ud2
	.cfi_endproc
	.size	sim_fiber_start, .-sim_fiber_start

	.section .note.GNU-stack,"",@progbits

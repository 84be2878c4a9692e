/*
 * uaccess.S: the probes behind a program's user accesses (program_mmu.c),
 * made at ring 0 through the user mappings of the loaded address space.
 *
 *   int uaccess_probe(uint64_t vaddr, int write)
 *
 * touches the byte at vaddr as the access would: a load for a read, a
 * locked add of 0 (a store that leaves the byte as it was) for a write,
 * so the MMU checks the rights (CR0.WP makes read-only pages fault at
 * ring 0 too) and sets Accessed and, for a write, Dirty.  Returns 0, or
 * 1 if it raised #PF: trap_handle (uaccess_fixup) then records the error
 * code and CR2 and resumes at uaccess_probe_fault.
 */
	.text
	.globl uaccess_probe, uaccess_probe_read, uaccess_probe_write
	.globl uaccess_probe_fault
	.balign 16
uaccess_probe:
	xorl %eax, %eax
	testl %esi, %esi
	jnz 1f
uaccess_probe_read:
	movb (%rdi), %cl
	ret
1:
uaccess_probe_write:
	lock addb $0, (%rdi)
	ret
uaccess_probe_fault:
	movl $1, %eax
	ret

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

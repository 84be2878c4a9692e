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
 *
 *   int uaccess_load(uint64_t vaddr, uint8_t *out)
 *   int uaccess_store(uint64_t vaddr, uint8_t byte)
 *
 * move one byte of the access itself, with the same fault recovery: a
 * probe's translation may be gone by then (another core cleared the entry
 * and the TLB dropped it on its own), which is a fault, not a panic.
 */
	.text
	.globl uaccess_probe, uaccess_probe_read, uaccess_probe_write
	.globl uaccess_probe_fault, uaccess_load, uaccess_store
	.globl uaccess_load_insn, uaccess_store_insn
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

	.balign 16
uaccess_load:
	xorl %eax, %eax
uaccess_load_insn:
	movb (%rdi), %cl
	movb %cl, (%rsi)
	ret

	.balign 16
uaccess_store:
	xorl %eax, %eax
uaccess_store_insn:
	movb %sil, (%rdi)
	ret

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

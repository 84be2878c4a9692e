/*
 * boot.S: from the multiboot loader to kmain, in long mode.
 *
 * The loader (QEMU -kernel, GRUB) enters boot_entry32 in 32-bit protected
 * mode with paging off, EAX = the multiboot magic and EBX = the physical
 * address of the multiboot information.  The image is an ELF64 file
 * linked at KIMAGE_BASE + 2 MiB; its multiboot header carries the load
 * addresses ("a.out kludge", flag 16), so loaders copy the file bytes to
 * physical 2 MiB without reading the ELF headers (QEMU refuses to load an
 * x86-64 ELF any other way).  Until paging is on, code runs at physical
 * addresses: every absolute reference is written PHYS(symbol); relative
 * jumps and calls need nothing.
 *
 * The 32-bit part checks the magic and long-mode support, builds the boot
 * page tables (layout.h: the window and, for now, an identity map of the
 * same memory; the image at -2 GiB), turns on PAE, EFER.LME and paging,
 * and far-jumps to 64-bit code.  The 64-bit part moves to the image's
 * upper-half addresses, switches to the boot stack there and calls
 * kmain(multiboot info paddr).  kmain drops the identity map.  SSE stays
 * off: the kernel is built without it.
 */
#include "layout.h"

#define PHYS(x) ((x) - KIMAGE_BASE)

#define PTE_P   0x001
#define PTE_RW  0x002
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_PS  0x080
#define PTE_TABLE (PTE_P | PTE_RW)

#define CR0_WP   0x00010000
#define CR0_PG   0x80000000
#define CR4_PAE  0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100

#define COM1_DATA 0x3f8
#define COM1_LSR  0x3fd
#define LSR_THRE  0x20

#define MB_FLAGS (MB_FLAG_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_ADDRESS)
#define BOOT_TABLE_PAGES (3 + KWINDOW_GIB)

/* ---- the multiboot header (first bytes of .text) ------------------- */

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)
	.long PHYS(mb_header)
	.long PHYS(kimage_start)
	.long PHYS(kimage_load_end)
	.long PHYS(kimage_end)
	.long PHYS(boot_entry32)

/* ---- 32-bit entry ---------------------------------------------------- */

	.section .boot.text, "ax"
	.code32
	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl $PHYS(boot_stack_top), %esp
	cmpl $MB_BOOT_MAGIC, %eax
	jne no_multiboot
	movl %ebx, PHYS(boot_mb_info)
	call has_long_mode
	testl %eax, %eax
	jz no_long_mode
	call build_page_tables
	jmp enter_long_mode

no_multiboot:
	movl $PHYS(msg_no_multiboot), %esi
	jmp fail32
no_long_mode:
	movl $PHYS(msg_no_long_mode), %esi
	/* fall through */

/* Print the string at %esi on COM1, end QEMU (status "fail"), halt. */
fail32:
	lodsb
	testb %al, %al
	jz 2f
	movb %al, %bl
	movw $COM1_LSR, %dx
1:	inb %dx, %al
	testb $LSR_THRE, %al
	jz 1b
	movb %bl, %al
	movw $COM1_DATA, %dx
	outb %al, %dx
	jmp fail32
2:	movl $QEMU_EXIT_FAIL, %eax
	movw $QEMU_EXIT_PORT, %dx
	outl %eax, %dx
3:	hlt
	jmp 3b

/* EAX = 1 if CPUID reports long mode (leaf 0x80000001, EDX bit 29). */
has_long_mode:
	pushl %ebx
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb 1f
	movl $0x80000001, %eax
	cpuid
	movl %edx, %eax
	shrl $29, %eax
	andl $1, %eax
	popl %ebx
	ret
1:	xorl %eax, %eax
	popl %ebx
	ret

/*
 * Zero the boot tables, then fill them: boot_pd maps [0, KWINDOW_SIZE)
 * with 2 MiB pages (uncached from MMIO_UC_BASE to 4 GiB); the window PDPT
 * points at those directories and serves both PML4 entry 0 (identity) and
 * 256 (window); the image PDPT's entry 510 reuses the first directory.
 */
build_page_tables:
	movl $PHYS(boot_pml4), %edi
	movl $(BOOT_TABLE_PAGES * 1024), %ecx
	xorl %eax, %eax
	rep stosl

	movl $PHYS(boot_pd), %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_RW | PTE_PS), %eax
	cmpl $(MMIO_UC_BASE >> 21), %ecx
	jb 2f
	cmpl $2048, %ecx
	jae 2f
	orl $(PTE_PCD | PTE_PWT), %eax
2:	movl %eax, (%edi, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, 4(%edi, %ecx, 8)
	incl %ecx
	cmpl $(KWINDOW_GIB * 512), %ecx
	jb 1b

	movl $PHYS(boot_pdpt_window), %edi
	movl $(PHYS(boot_pd) + PTE_TABLE), %eax
	xorl %ecx, %ecx
3:	movl %eax, (%edi, %ecx, 8)
	addl $0x1000, %eax
	incl %ecx
	cmpl $KWINDOW_GIB, %ecx
	jb 3b

	movl $(PHYS(boot_pd) + PTE_TABLE), PHYS(boot_pdpt_image) + 510 * 8
	movl $(PHYS(boot_pdpt_window) + PTE_TABLE), PHYS(boot_pml4) + 0 * 8
	movl $(PHYS(boot_pdpt_window) + PTE_TABLE), PHYS(boot_pml4) + 256 * 8
	movl $(PHYS(boot_pdpt_image) + PTE_TABLE), PHYS(boot_pml4) + 511 * 8
	ret

enter_long_mode:
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	lgdt PHYS(boot_gdt_ptr32)
	ljmp $SEL_KCODE, $PHYS(boot_entry64_low)

/* ---- 64-bit, still at the physical (identity-mapped) address -------- */

	.code64
boot_entry64_low:
	movl $SEL_KDATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_entry64, %rax
	jmp *%rax

/* ---- 64-bit, at the image's upper-half address ----------------------- */

	.text
	.cfi_sections .debug_frame
boot_entry64:
	.cfi_startproc
	.cfi_undefined rip  /* the outermost frame: debuggers stop here */
	lgdt boot_gdt_ptr64(%rip)
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl boot_mb_info(%rip), %edi
	call kmain
1:	cli
	hlt
	jmp 1b
	.cfi_endproc

/* ---- data ------------------------------------------------------------ */

	.section .rodata
msg_no_multiboot:
	.asciz "kmm: not started by a multiboot loader\n"
msg_no_long_mode:
	.asciz "kmm: this CPU has no long mode\n"

	.data
	.balign 16
	/* Null, 64-bit kernel code (L=1), kernel data; accessed bits preset.
	 * The SMP trampoline loads it too (trampoline.S). */
	.globl boot_gdt, boot_gdt_ptr64
boot_gdt:
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
boot_gdt_end:
	.balign 8
boot_gdt_ptr32:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
	.balign 8
boot_gdt_ptr64:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.bss
	.balign 4
	.globl boot_mb_info
boot_mb_info:
	.skip 4
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .bss.pagetables, "aw", @nobits
	.balign 0x1000
	.globl boot_pml4
boot_pml4:
	.skip 0x1000
boot_pdpt_window:
	.skip 0x1000
boot_pdpt_image:
	.skip 0x1000
boot_pd:
	.skip 0x1000 * KWINDOW_GIB

	/* No executable stack. */
	.section .note.GNU-stack, "", @progbits

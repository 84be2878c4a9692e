/*
 * layout.h: the x86 kernel's fixed addresses and numbers, shared by the
 * assembly (boot.S, isr.S), the linker script's users and the C files.
 *
 * Virtual memory, as boot.S sets it up and mmu.c keeps it:
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user half (empty in the
 *       kernel's own PML4 once kmain has dropped the boot identity map)
 *   0xffff800000000000 + paddr                the kernel window: physical
 *       memory [0, KWINDOW_SIZE) with 2 MiB pages (PML4 entry 256)
 *   0xffffffff80000000 + paddr                the kernel image, linked at
 *       KIMAGE_BASE + 2 MiB for -mcmodel=kernel (PML4 entry 511, PDPT
 *       entry 510: the first GiB of physical memory)
 *
 * Only #defines here, so that assembly can include it; U64() gives C
 * the 64-bit constants that assembly writes without a suffix.
 */
#ifndef KMM_X86_LAYOUT_H
#define KMM_X86_LAYOUT_H

#ifdef __ASSEMBLER__
#define U64(x) x
#else
#define U64(x) x##ull
#endif

#define KIMAGE_BASE   U64(0xffffffff80000000)
/* Where the loader puts the image: 2 MiB, leaving [1 MiB, 2 MiB) free to be
 * the low RAM region of hal_sim's layout when programs run (memmap.c). */
#define KIMAGE_PHYS   0x200000
#define KWINDOW_BASE  U64(0xffff800000000000)
#define KWINDOW_GIB   4                  /* one boot page directory per GiB */
#define KWINDOW_SIZE  (KWINDOW_GIB * U64(0x40000000))

/* Memory at and above this physical address (LAPIC, IOAPIC, HPET, flash)
 * is mapped uncached in the window; see boot.S. */
#define MMIO_UC_BASE  0xfe000000

#define LAPIC_PHYS    0xfee00000
#define IOAPIC_PHYS   0xfec00000

/* GDT selectors (boot.S lays its GDT out in this order; gdt.c adds the
 * ring-3 segments and a 16-byte TSS descriptor per core). */
#define SEL_KCODE     0x08
#define SEL_KDATA     0x10
#define SEL_UDATA     0x18
#define SEL_UCODE     0x20
#define SEL_TSS0      0x28

/* The page of ring-3 code that user accesses run (uaccess.S), mapped
 * user-executable through PML4 entry 257 (mmu.c), in every vspace. */
#define USTUB_PML4_INDEX 257
#define USTUB_VADDR   U64(0xffff808000000000)

#define BOOT_STACK_SIZE 0x4000
#define MAX_CORES       64     /* as kernel_core's per-core tables */

/*
 * SMP (smp.c, trampoline.S).  Application processors start in real mode
 * at TRAMPOLINE_PHYS, a page below 1 MiB that the memory map never hands
 * out (RAM starts at 1 MiB) and QEMU's multiboot loader leaves free (it
 * puts its information at 0x9000).  SMP_MAX_CORES bounds the cores
 * started (each gets an AP_STACK_SIZE stack in the image's bss).
 */
#define TRAMPOLINE_PHYS 0x8000
#define SMP_MAX_CORES   8
#define AP_STACK_SIZE   0x4000

/* Interrupt vectors: the kernel's IPI and the LAPIC's spurious vector
 * (whose low 4 bits must be 1s on older APICs). */
#define VECTOR_IPI      0xf0
#define VECTOR_SPURIOUS 0xff
/* Ring 3 back to the kernel after a user access (a DPL-3 gate). */
#define VECTOR_UEXIT    0x81

/* Multiboot (version 1). */
#define MB_HEADER_MAGIC  0x1badb002
#define MB_BOOT_MAGIC    0x2badb002
#define MB_FLAG_ALIGN    0x00000001  /* modules page aligned */
#define MB_FLAG_MEMINFO  0x00000002  /* we want mem_* and the mmap */
#define MB_FLAG_ADDRESS  0x00010000  /* load addresses in the header */

/*
 * QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,
 * iosize=0x04) ends QEMU with status (value << 1) | 1.  Pass and fail
 * values give exit statuses 33 and 35, neither of which QEMU produces on
 * its own (0 normal exit or triple fault with -no-reboot, 1 error).
 */
#define QEMU_EXIT_PORT  0xf4
#define QEMU_EXIT_PASS  0x10  /* QEMU exits with 33 */
#define QEMU_EXIT_FAIL  0x11  /* QEMU exits with 35 */

#endif

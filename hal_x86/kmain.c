/*
 * kmain.c: the x86 kernel's C entry, called by boot.S in long mode on the
 * boot stack.  It brings up the console, this core's per-core data and
 * exception handling, drops the boot identity map, reads the multiboot
 * information, starts the other cores (smp.c; they wait for a program),
 * boots kernel_core with the default configuration, prints the boot info, runs the smoke
 * program, and ends the run with QEMU's debug-exit device: "pass" if every
 * step went as expected, "fail" otherwise (layout.h has the values).
 * Given a module (a program blob), it runs that program instead
 * (program.c), on hal_sim's memory layout.
 *
 * Words on the kernel command line select test behaviours:
 *   test=panic  panic on purpose (checks the failure exit);
 *   test=fault  touch an unmapped address (checks the exception report).
 */
#include <kmm/kernel.h>

#include "hal.h"
#include "layout.h"
#include "x86.h"

_Noreturn void kmain(uint32_t mb_info);

#define UNMAPPED_ADDRESS 0x1000  /* low memory: unmapped once mmu_init ran */

static void print_bootinfo(const struct kmm_bootinfo *bi)
{
	kprintf("kmm: bootinfo root_tcb=0x%lx cnode_bits=%u untyped=%u..%u empty=%u..%u"
		" dropped=%u\n", bi->root_tcb, bi->root_cnode_bits, bi->untyped_first,
		bi->untyped_first + bi->untyped_count, bi->empty_first, bi->empty_last,
		bi->untyped_dropped);
	for (unsigned i = 0; i < bi->untyped_count; i++)
		kprintf("kmm: untyped slot=%u paddr=0x%lx size_bits=%u device=%s\n",
			bi->untyped_first + i, bi->untyped[i].paddr,
			(unsigned)bi->untyped[i].size_bits,
			bi->untyped[i].is_device ? "yes" : "no");
}

static void run_test_word(const struct multiboot_view *mb)
{
	if (multiboot_has_word(mb, "test=panic"))
		hal_panic("test=panic on the command line");
	if (multiboot_has_word(mb, "test=fault")) {
		kprintf("kmm: reading 0x%x on purpose\n", UNMAPPED_ADDRESS);
		(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_ADDRESS;
		hal_panic("test=fault: the read did not fault");
	}
}

/*
 * The kernel's C entry.  mb_info is the physical address of the multiboot
 * information (boot.S has checked the magic).  Never returns.
 */
_Noreturn void kmain(uint32_t mb_info)
{
	static struct multiboot_view mb;
	const struct kmm_boot_config cfg = { KMM_DEFAULT_ROOT_CNODE_BITS,
					     KMM_DEFAULT_WORK_UNITS };

	serial_init();
	cpu_load(0, lapic_id());
	gdt_init();
	gdt_load(0);
	kprintf("kmm: x86-64, multiboot info at 0x%x\n", mb_info);
	idt_init();
	mmu_init();
	if (!multiboot_read(mb_info, &mb))
		hal_panic("the loader gave no memory information");
	kprintf("kmm: command line \"%s\"\n", mb.cmdline);
	run_test_word(&mb);
	smp_init(&mb);
	if (mb.has_module)
		program_main(&mb);
	memmap_init(&mb);
	memmap_print();
	if (!kmm_boot(&cfg))
		hal_panic("kmm_boot failed");
	print_bootinfo(kmm_bootinfo());
	if (!smoke_run()) {
		kprintf("kmm: smoke: FAIL\n");
		qemu_exit(QEMU_EXIT_FAIL);
	}
	kprintf("kmm: smoke: pass\n");
	qemu_exit(QEMU_EXIT_PASS);
}

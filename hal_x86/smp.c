/*
 * smp.c: starting the application processors (APs) and giving them work.
 *
 * smp_init, on the boot core before kmm_boot, reads the processors from
 * the ACPI MADT and starts each other one in turn with INIT and startup
 * IPIs (the SDM's MP initialisation protocol, vol. 3, "Multiple-Processor
 * Management"): the AP runs
 * trampoline.S, which brings it to ap_main in long mode on the kernel's
 * page tables with the stack chosen here, and takes the next core id
 * (cpu.c).  Starting them one at a time lets every AP find its id and
 * stack in one place (ap_booting, ap_boot_stack); one that does not
 * come up in time is held in INIT, so it cannot wake later and take the
 * next one's id and stack.
 *
 * Then the APs park: interrupts on, halted until an IPI arrives (the
 * kernel's, which the handler takes, or a wake-up).  smp_launch gives
 * every AP a function to run (a program's stream) and wakes them;
 * smp_join waits, halted and taking IPIs, until they have all returned.
 */
#include <stdatomic.h>

#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define IO_DELAY_PORT     0x80      /* an unused port: each write takes ~1 us */
#define INIT_DELAY_US     10000     /* INIT to startup IPI (SDM: 10 ms) */
#define SIPI_WAIT_US      200       /* before the second startup IPI */
#define AP_WAIT_US        1000000   /* before giving an AP up */
#define MADT_MAX          64

/* Read by trampoline.S: its page-table root and the starting AP's stack. */
uint64_t ap_pml4[512] __attribute__((aligned(4096)));
uint64_t ap_boot_cr3, ap_boot_stack;
void ap_main(void);

#define STACK_FILL 0x5a  /* unused stack bytes, to measure the deepest use */

static uint8_t ap_stacks[SMP_MAX_CORES - 1][AP_STACK_SIZE] __attribute__((aligned(16)));
static unsigned ap_booting;       /* the core id the starting AP takes */
static atomic_uint ap_up;         /* set to its id by an AP that reached ap_main */

static struct {
	void (*fn)(unsigned core);
	atomic_uint gen;          /* bumped by each launch */
	atomic_uint done;         /* APs that returned from fn */
} work;

extern const char smp_trampoline[], smp_trampoline_end[];
extern uint64_t boot_pml4[512];

static void io_delay(unsigned us)
{
	while (us-- > 0)
		outb(IO_DELAY_PORT, 0);
}

/* Wait (at most about us microseconds) until the AP starting as core is up. */
static bool wait_up(unsigned core, unsigned us)
{
	while (atomic_load_explicit(&ap_up, memory_order_acquire) != core) {
		if (us-- == 0)
			return false;
		io_delay(1);
	}
	return true;
}

/* INIT, startup, startup if needed (the SDM's sequence); true if it came up. */
static bool start_ap(unsigned apic_id)
{
	unsigned core = cpu_add(apic_id);

	ap_booting = core;
	memset(ap_stacks[core - 1], STACK_FILL, AP_STACK_SIZE);
	ap_boot_stack = (uint64_t)(uintptr_t)(ap_stacks[core - 1] + AP_STACK_SIZE);
	atomic_store_explicit(&ap_up, 0, memory_order_release);
	lapic_send_init(apic_id);
	io_delay(INIT_DELAY_US);
	lapic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
	if (!wait_up(core, SIPI_WAIT_US)) {
		lapic_send_startup(apic_id, TRAMPOLINE_PHYS >> 12);
		if (!wait_up(core, AP_WAIT_US)) {
			lapic_send_init(apic_id);
			return false;
		}
	}
	cpu_commit();
	return true;
}

/* Copy the trampoline below 1 MiB and give it its page tables; false if the page is taken. */
static bool prepare_trampoline(const struct multiboot_view *mb)
{
	uint64_t end = TRAMPOLINE_PHYS + 0x1000;

	for (unsigned i = 0; i < mb->nused; i++)
		if (mb->used[i].base < end && TRAMPOLINE_PHYS < mb->used[i].end)
			return false;
	memcpy(hal_phys_to_kernel(TRAMPOLINE_PHYS), smp_trampoline,
	       (size_t)(smp_trampoline_end - smp_trampoline));
	for (unsigned i = 0; i < 512; i++)
		ap_pml4[i] = boot_pml4[i];
	ap_pml4[0] = boot_pml4[256];  /* the window's tables, seen at 0: identity */
	ap_boot_cr3 = read_cr3();
	return true;
}

/*
 * Bring up every other processor the MADT lists (at most SMP_MAX_CORES
 * cores in all), then enable interrupts on the boot core.  Call once, on
 * the boot core, after cpu_load(0, ...), idt_init and mmu_init, and
 * before kmm_boot (the MADT lies in memory the kernel may be given).
 */
void smp_init(const struct multiboot_view *mb)
{
	uint8_t ids[MADT_MAX];
	unsigned n = acpi_cpu_apic_ids(ids, MADT_MAX), self;

	lapic_init(true);
	self = lapic_id();
	if (n > 1 && !prepare_trampoline(mb)) {
		kprintf("kmm: smp: the trampoline page is in use; one core only\n");
		n = 0;
	}
	for (unsigned i = 0; i < n && hal_core_count() < SMP_MAX_CORES; i++) {
		if (ids[i] != self && !start_ap(ids[i]))
			kprintf("kmm: smp: the processor with APIC id %u did not start\n", ids[i]);
	}
	kprintf("kmm: smp: %u core%s running (%u in the MADT)\n", hal_core_count(),
		hal_core_count() == 1 ? "" : "s", n);
	irq_enable();
}

/* Halt (interrupts on, so IPIs are taken) until a launch newer than seen. */
static unsigned wait_launch(unsigned seen)
{
	unsigned gen;

	irq_disable();
	while ((gen = atomic_load_explicit(&work.gen, memory_order_acquire)) == seen)
		irq_wait();
	irq_enable();
	return gen;
}

/* The C entry of an AP (trampoline.S), on its own stack; never returns. */
_Noreturn void ap_main(void)
{
	unsigned core = ap_booting, seen = 0;

	cpu_load(core, lapic_id());
	gdt_load(core);
	idt_load();
	lapic_init(false);
	atomic_store_explicit(&ap_up, core, memory_order_release);
	for (;;) {
		seen = wait_launch(seen);
		work.fn(core);
		atomic_fetch_add_explicit(&work.done, 1, memory_order_acq_rel);
		cpu_wake(0);  /* smp_join may be halted */
	}
}

/* Make every AP run fn(its core id), once.  Boot core only; not while a launch runs. */
void smp_launch(void (*fn)(unsigned core))
{
	work.fn = fn;
	atomic_store_explicit(&work.done, 0, memory_order_relaxed);
	atomic_fetch_add_explicit(&work.gen, 1, memory_order_acq_rel);
	for (unsigned c = 1; c < hal_core_count(); c++)
		cpu_wake(c);
}

/*
 * The most stack any AP has used so far, in bytes (the stacks have no
 * guard page: AP_STACK_SIZE means one may have overflowed into the next).
 */
unsigned smp_stack_peak(void)
{
	unsigned peak = 0;

	for (unsigned c = 1; c < hal_core_count(); c++) {
		unsigned unused = 0;

		while (unused < AP_STACK_SIZE && ap_stacks[c - 1][unused] == STACK_FILL)
			unused++;
		if (AP_STACK_SIZE - unused > peak)
			peak = AP_STACK_SIZE - unused;
	}
	return peak;
}

/* Wait, halted but taking IPIs, until every AP has returned from the launch. */
void smp_join(void)
{
	irq_disable();
	while (atomic_load_explicit(&work.done, memory_order_acquire) < hal_core_count() - 1)
		irq_wait();
	irq_enable();
}

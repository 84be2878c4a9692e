/*
 * cpu.c: per-core data and the kernel's IPI.
 *
 * Each core's GS base points at its struct percpu (cpu_load), whose first
 * word is the core's id, so hal_core_id is one instruction.  Core ids are
 * dense: the boot core is 0 and smp.c numbers the other cores in the
 * order they come up (cpu_add), so hal_core_count() is the number of
 * cores actually running.
 *
 * The kernel's IPI (hal_ipi_send) sets the target's pending flag and
 * sends VECTOR_IPI through the LAPIC.  The flag is taken (kmm_ipi_receive
 * called) by the interrupt handler (trap.c), or by a core that polls it
 * while it spins with interrupts off -- for the kernel lock, whose holder
 * may be the very core waiting for this one's acknowledgement (sync.c),
 * as seL4 does.  The same vector without the flag is a wake-up: it only
 * ends a hlt (smp.c).
 */
#include <stdatomic.h>

#include <kmm/kernel.h>

#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define MSR_GS_BASE 0xc0000101

struct percpu {
	uint32_t id;              /* first: hal_core_id reads %gs:0 */
	uint32_t apic_id;
	atomic_bool ipi_pending;  /* set by hal_ipi_send, taken by cpu_take_ipi */
};

_Static_assert(__builtin_offsetof(struct percpu, id) == 0, "hal_core_id reads %gs:0");

static struct percpu percpu[SMP_MAX_CORES];
static unsigned ncores = 1;
static atomic_ulong ipis_sent, ipis_taken;  /* for the run's summary */

/* Record core (ncores, the next id) with its APIC id; returns its id. */
unsigned cpu_add(unsigned apic_id)
{
	percpu[ncores].id = ncores;
	percpu[ncores].apic_id = apic_id;
	return ncores;
}

/* The core cpu_add recorded last is running: count it. */
void cpu_commit(void)
{
	ncores++;
}

/* Point this core's GS base at core's per-core data (core 0: the boot core). */
void cpu_load(unsigned core, unsigned apic_id)
{
	percpu[core].id = core;
	percpu[core].apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&percpu[core]);
}

/* A wake-up (no IPI pending) for core. */
void cpu_wake(unsigned core)
{
	lapic_send_ipi(percpu[core].apic_id, VECTOR_IPI);
}

/* hal.h contract: this core's id. */
unsigned hal_core_id(void)
{
	return read_gs32(0);
}

/* hal.h contract: the number of cores running; fixed once smp_init returns. */
unsigned hal_core_count(void)
{
	return ncores;
}

/* hal.h contract: raise the kernel's IPI on core (the flag, then the vector). */
void hal_ipi_send(unsigned core)
{
	if (core >= ncores || core == hal_core_id())
		hal_panic("hal_ipi_send: not another running core");
	atomic_store_explicit(&percpu[core].ipi_pending, true, memory_order_release);
	lapic_send_ipi(percpu[core].apic_id, VECTOR_IPI);
	atomic_fetch_add_explicit(&ipis_sent, 1, memory_order_relaxed);
}

/* How many IPIs the kernel has sent, and how many the targets took. */
void cpu_ipi_counts(uint64_t *sent, uint64_t *taken)
{
	*sent = atomic_load_explicit(&ipis_sent, memory_order_relaxed);
	*taken = atomic_load_explicit(&ipis_taken, memory_order_relaxed);
}

/*
 * If this core's IPI is pending, take it: kmm_ipi_receive, with
 * interrupts off so that the handler cannot take it a second time.  Safe
 * anywhere but inside kmm_ipi_receive; the kernel lock's holder never has
 * one pending (the sender holds the lock).
 */
void cpu_take_ipi(void)
{
	struct percpu *me = &percpu[hal_core_id()];
	uint64_t flags;

	if (!atomic_load_explicit(&me->ipi_pending, memory_order_relaxed))
		return;
	flags = irq_save();
	if (atomic_exchange_explicit(&me->ipi_pending, false, memory_order_acq_rel)) {
		kmm_ipi_receive();
		atomic_fetch_add_explicit(&ipis_taken, 1, memory_order_relaxed);
	}
	irq_restore(flags);
}

/* hal.h contract: spin-wait hint (pause), taking a pending IPI. */
void hal_cpu_relax(void)
{
	cpu_relax();
	cpu_take_ipi();
}

/*
 * trap.c: what happens on an interrupt or a CPU exception.  The kernel's
 * IPI is acknowledged to the LAPIC and taken (cpu.c); the spurious vector
 * needs nothing, not even an EOI.  Every exception is a kernel bug: the
 * vector, its name, the error code, RIP, CR2 (the faulting address of a
 * page fault) and RSP go to the console and the kernel panics.  The
 * exception: anything taken in ring 3, where only the steps of a user
 * access run (uaccess.S): its end or its page fault goes back to the
 * kernel through uaccess_return.
 */
#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

static const char *const names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualisation", "control protection",
	"reserved", "reserved", "reserved", "reserved", "reserved", "reserved",
	"hypervisor injection", "VMM communication", "security", "reserved",
};

/*
 * Called by isr.S with the saved state of the interrupted code.  Returns
 * (resuming it) only for a user access probe's page fault; anything else
 * is reported and panics.
 */
void trap_handle(struct trap_frame *tf)
{
	const char *name = tf->vector < 32 ? names[tf->vector] : "interrupt";

	if (tf->vector == VECTOR_IPI) {
		lapic_eoi();
		cpu_take_ipi();
		return;
	}
	if (tf->vector == VECTOR_SPURIOUS)
		return;
	if ((tf->cs & 3) == 3 && uaccess_return(tf))
		return;

	kprintf("kmm: exception %lu (%s) error=0x%lx rip=0x%lx cr2=0x%lx rsp=0x%lx\n",
		tf->vector, name, tf->error, tf->rip, read_cr2(), tf->rsp);
	hal_panic("unexpected exception");
}

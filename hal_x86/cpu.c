/*
 * cpu.c: which core is this, and how many are there.  One core until the
 * multicore step brings up the application processors; hal_core_id will
 * then read the core's id from its per-core data.
 */
#include "hal.h"

/* hal.h contract: this core's id; always 0 for now. */
unsigned hal_core_id(void)
{
	return 0;
}

/* hal.h contract: the number of cores running the kernel; 1 for now. */
unsigned hal_core_count(void)
{
	return 1;
}

/*
 * hal.h contract: raise the kernel's IPI on core.  With one core the
 * kernel never has another core to ask; SMP brings the LAPIC version.
 */
void hal_ipi_send(unsigned core)
{
	(void)core;
	hal_panic("hal_ipi_send: no other cores are running");
}

/* hal.h contract: spin-wait hint. */
void hal_cpu_relax(void)
{
	__builtin_ia32_pause();
}

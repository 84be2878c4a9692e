/*
 * exit.c: the end of a run.  QEMU's isa-debug-exit device, when present
 * at QEMU_EXIT_PORT, ends QEMU with status (value << 1) | 1 (layout.h
 * picks the pass and fail values); on a machine without it the port
 * write does nothing and the core halts instead.
 */
#include "cpu.h"
#include "layout.h"
#include "x86.h"

/* Leave QEMU with value (QEMU_EXIT_PASS or QEMU_EXIT_FAIL); never returns. */
_Noreturn void qemu_exit(uint32_t value)
{
	outl(QEMU_EXIT_PORT, value);
	cpu_halt_forever();
}

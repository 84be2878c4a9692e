/*
 * panic.c: hal_panic.  A kernel bug (or an unexpected exception) ends the
 * run: the message goes to the serial console and QEMU exits with the
 * "fail" status.
 */
#include "hal.h"
#include "layout.h"
#include "x86.h"

/*
 * hal.h contract: print "kmm: panic: msg" and stop everything; never
 * returns.  Safe from any context, including exception handlers.
 */
_Noreturn void hal_panic(const char *msg)
{
	kprintf("kmm: panic: %s\n", msg);
	qemu_exit(QEMU_EXIT_FAIL);
}

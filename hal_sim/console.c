/*
 * Console and panic.  Console bytes go to a sink the front end chooses
 * (stdout by default).  A panic lets the front end's hook speak first (the
 * executor prints the replay command), then names the failure on stderr
 * and aborts, so a kernel bug is never mistaken for a clean exit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hal.h"
#include "internal.h"

static struct {
	hal_sim_console_fn sink;
	void *sink_ctx;
	hal_sim_panic_fn panic_hook;
	void *panic_ctx;
} con;

void hal_sim_set_console(hal_sim_console_fn fn, void *ctx)
{
	con.sink = fn;
	con.sink_ctx = ctx;
}

void hal_sim_set_panic_hook(hal_sim_panic_fn fn, void *ctx)
{
	con.panic_hook = fn;
	con.panic_ctx = ctx;
}

void hal_console_write(const char *s, size_t n)
{
	if (con.sink != NULL) {
		con.sink(s, n, con.sink_ctx);
		return;
	}
	fwrite(s, 1, n, stdout);
}

_Noreturn void hal_panic(const char *msg)
{
	hal_sim_panic_fn hook = con.panic_hook;

	con.panic_hook = NULL; /* a panic inside the hook must not loop */
	if (hook != NULL)
		hook(msg, con.panic_ctx);
	fflush(stdout);
	fprintf(stderr, "kmm: kernel panic: %s\n", msg);
	abort();
}

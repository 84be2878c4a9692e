/*
 * sync.c: the big kernel lock, a test-and-test-and-set spinlock on a C11
 * atomic flag.  Taking it is an acquire, releasing it a release, so
 * everything a core did under the lock is visible to the next holder.
 * The kernel runs with interrupts off, as seL4's does: the lock turns
 * them off before it spins and its release restores them.  So a core
 * spinning for it polls its pending IPI (hal_cpu_relax), because the
 * holder may be waiting for this core's acknowledgement of a shootdown.
 * Not recursive: a core that takes it twice spins forever.
 */
#include <stdatomic.h>

#include "hal.h"
#include "cpu.h"

static atomic_bool kernel_lock;
static uint64_t holder_flags;  /* the holder's RFLAGS before it took the lock */

/* hal.h contract: take the kernel lock, spinning until it is free. */
void hal_kernel_lock(void)
{
	uint64_t flags = irq_save();

	for (;;) {
		if (!atomic_exchange_explicit(&kernel_lock, true, memory_order_acquire))
			break;
		while (atomic_load_explicit(&kernel_lock, memory_order_relaxed))
			hal_cpu_relax();
	}
	holder_flags = flags;
}

/* hal.h contract: release the kernel lock, which this core holds. */
void hal_kernel_unlock(void)
{
	uint64_t flags = holder_flags;

	atomic_store_explicit(&kernel_lock, false, memory_order_release);
	irq_restore(flags);
}

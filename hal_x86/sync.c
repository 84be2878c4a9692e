/*
 * sync.c: the big kernel lock, a test-and-test-and-set spinlock on a C11
 * atomic flag.  Taking it is an acquire, releasing it a release, so
 * everything a core did under the lock is visible to the next holder.
 * It is real now, although one core runs, because the multicore step
 * starts more.  A core spinning on it executes pause.  Not recursive: a
 * core that takes it twice spins forever.
 */
#include <stdatomic.h>

#include "hal.h"
#include "cpu.h"

static atomic_bool kernel_lock;

/* hal.h contract: take the kernel lock, spinning until it is free. */
void hal_kernel_lock(void)
{
	for (;;) {
		if (!atomic_exchange_explicit(&kernel_lock, true, memory_order_acquire))
			return;
		while (atomic_load_explicit(&kernel_lock, memory_order_relaxed))
			cpu_relax();
	}
}

/* hal.h contract: release the kernel lock, which this core holds. */
void hal_kernel_unlock(void)
{
	atomic_store_explicit(&kernel_lock, false, memory_order_release);
}

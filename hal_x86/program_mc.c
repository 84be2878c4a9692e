/*
 * program_mc.c: a program on several cores, as kmm-sim runs one
 * (sim/run_cores.c) but on real ones.  Core c runs stream c with the one
 * shared executor; cores beyond the program's streams stay parked.  Every
 * core first runs the root thread (boot made it current on core 0 only),
 * as if the root task had one thread per core.  The executor's hooks:
 *
 *   boundary  take a pending IPI (interrupts are on outside the kernel
 *             anyway; this is the op boundary hal_sim's scheduler uses);
 *   barrier   a sense-reversing spin barrier over the program's cores;
 *   world     the kernel lock: no core is inside the kernel while a check
 *             or an assertion reads kernel state;
 *   lock      a spinlock around the run's shared record (trace lines,
 *             failure reports).
 *
 * Every wait spins with hal_cpu_relax, which takes this core's pending
 * IPI: the kernel lock's holder may be shooting down this core's TLB and
 * waiting for the acknowledgement.  Which core's line comes first is up
 * to the hardware, so the trace is not kmm-sim's; the verdict and the
 * invariant check at the end (exec_finish, by program.c) are what count.
 * The first failure ends the run at once: its core prints the verdict and
 * exits QEMU (the other cores may be waiting at a barrier it will never
 * reach).
 */
#include <stdatomic.h>

#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "layout.h"
#include "x86.h"

static struct {
	struct exec *x;
	const struct prog_stream *stream;
	unsigned ncores;
	atomic_uint arrived;             /* cores at the current barrier */
	atomic_bool sense;               /* flips when a barrier opens */
	bool my_sense[SMP_MAX_CORES];    /* each core's: the sense it waits for */
	atomic_bool record;              /* the lock hook's spinlock */
} mc;

static void boundary(void *ctx)
{
	(void)ctx;
	cpu_take_ipi();
}

/* The last core to arrive resets the count and opens the barrier by flipping the sense. */
static void barrier(void *ctx)
{
	unsigned me = hal_core_id();
	bool sense = !mc.my_sense[me];

	(void)ctx;
	mc.my_sense[me] = sense;
	if (atomic_fetch_add_explicit(&mc.arrived, 1, memory_order_acq_rel) + 1 == mc.ncores) {
		atomic_store_explicit(&mc.arrived, 0, memory_order_relaxed);
		atomic_store_explicit(&mc.sense, sense, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&mc.sense, memory_order_acquire) != sense)
		hal_cpu_relax();
}

static void world(void *ctx, bool stop)
{
	(void)ctx;
	if (stop)
		hal_kernel_lock();
	else
		hal_kernel_unlock();
}

static void lock_record(void *ctx, bool take)
{
	(void)ctx;
	if (!take) {
		atomic_store_explicit(&mc.record, false, memory_order_release);
		return;
	}
	while (atomic_exchange_explicit(&mc.record, true, memory_order_acquire))
		while (atomic_load_explicit(&mc.record, memory_order_relaxed))
			hal_cpu_relax();
}

/* Set the executor's multicore hooks, before exec_init. */
void program_mc_hooks(struct exec_io *io)
{
	io->boundary = boundary;
	io->barrier = barrier;
	io->world = world;
	io->lock = lock_record;
}

/* One core's part: its stream; a failure ends the run for every core. */
static void body(unsigned core)
{
	if (core >= mc.ncores)
		return;
	if (core != 0)
		kmm_thread_switch(mc.x->cfg.caller);
	if (exec_stream(mc.x, &mc.stream[core]) != EXEC_OK) {
		lock_record(0, true);
		program_end(mc.x);
	}
}

/*
 * Run streams[c] on core c for every c < n (n <= hal_core_count()) and
 * return once all have finished.  The boot core runs stream 0.
 */
void program_mc_run(struct exec *x, const struct prog_stream *streams, unsigned n)
{
	uint64_t sent, taken;

	mc.x = x;
	mc.stream = streams;
	mc.ncores = n;
	smp_launch(body);
	body(0);
	smp_join();
	cpu_ipi_counts(&sent, &taken);
	kprintf("kmm: smp: %u cores ran the program; the kernel sent %lu IPIs, %lu taken;"
		" deepest AP stack %u of %u bytes\n", n, sent, taken, smp_stack_peak(),
		AP_STACK_SIZE);
	if (smp_stack_peak() == AP_STACK_SIZE)
		hal_panic("an AP used all of its stack");
}

/*
 * hal_sim: kernel_core's HAL on Linux, and the control API the hosted
 * front ends (kmm-sim, the unit tests, the fuzz harness) use to set the
 * simulated machine up, inject events and tear it down again.
 *
 * Physical memory layout.  For a configured RAM size mem, let P be the
 * smallest power of two >= max(mem, 4 MiB).  Then:
 *
 *     [0x100000, 0x200000)          low RAM, 1 MiB             (RAM)
 *     [P, P + mem)                  main RAM                   (RAM)
 *     [2P, 2P + 2 MiB)              device region 0            (DEVICE)
 *     [2P + 2 MiB, 2P + 2 MiB + 4 KiB)  device region 1        (DEVICE)
 *
 * So `--mem 64M` gives main RAM [0x4000000, 0x8000000), one aligned
 * 64 MiB block, and the devices at 0x8000000 and 0x8200000.  Everything
 * else is a hole.  The whole range [0, 2P + 4 MiB) is reserved in the host
 * as one PROT_NONE mapping and only the regions are made read-write, so the
 * kernel window is simply base + paddr and a stray access outside a region
 * faults at once instead of corrupting a neighbour.
 *
 * RAM starts zero (fresh anonymous memory); hal_sim_scribble_ram() fills
 * it with junk so tests can prove the kernel zeroes what it must.
 *
 * Everything is deterministic (outside the free scheduler mode): no
 * clocks, no host randomness.
 */
#ifndef KMM_HAL_SIM_H
#define KMM_HAL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAL_SIM_LOW_RAM_BASE   0x100000ull
#define HAL_SIM_LOW_RAM_SIZE   0x100000ull
#define HAL_SIM_MIN_MAIN_BASE  (4ull << 20)
#define HAL_SIM_DEVICE0_SIZE   (2ull << 20)
#define HAL_SIM_DEVICE1_SIZE   (4ull << 10)
#define HAL_SIM_MIN_MEM        (4ull << 10)
#define HAL_SIM_MAX_MEM        (64ull << 30)
#define HAL_SIM_MAX_CORES      64
#define HAL_SIM_MAX_REGIONS    4

struct hal_sim_config {
	uint64_t mem_bytes;  /* main RAM: a multiple of 4 KiB, 4 KiB .. 64 GiB */
	unsigned cores;      /* 1 .. HAL_SIM_MAX_CORES */
	unsigned tlb_entries; /* per-core TLB size; 0: HAL_SIM_DEFAULT_TLB_ENTRIES */
};

enum hal_sim_status {
	HAL_SIM_OK = 0,
	HAL_SIM_BAD_MEM,      /* mem_bytes out of range or not 4 KiB aligned */
	HAL_SIM_BAD_CORES,    /* cores out of range */
	HAL_SIM_HOST_NOMEM    /* the host refused the reservation */
};

/*
 * Set the machine up: lay out and map physical memory (zeroed), reset the
 * lock, the preemption counter and the hooks' state.  May be called again
 * at any time to start over with a fresh machine; an earlier machine is
 * torn down first.  Returns HAL_SIM_OK or why the configuration is refused
 * (the previous machine is gone either way).
 */
enum hal_sim_status hal_sim_configure(const struct hal_sim_config *cfg);

/* Unmap everything; the HAL must not be used again until configured. */
void hal_sim_teardown(void);

/* A short English description of a status, for messages. */
const char *hal_sim_status_text(enum hal_sim_status s);

/* Fill every region (RAM and device) with byte.  Call between kernel entries. */
void hal_sim_scribble_ram(uint8_t byte);

/* Is [paddr, paddr + len) wholly inside one region of the memory map? */
bool hal_sim_phys_valid(uint64_t paddr, uint64_t len);

/* ---- console and panic ---------------------------------------------- */

typedef void (*hal_sim_console_fn)(const char *s, size_t n, void *ctx);
typedef void (*hal_sim_panic_fn)(const char *msg, void *ctx);

/* Send console output to fn(ctx); fn NULL restores the default (stdout). */
void hal_sim_set_console(hal_sim_console_fn fn, void *ctx);

/*
 * Run fn(msg, ctx) first when the kernel panics; hal_panic then prints
 * "kmm: kernel panic: <msg>" on stderr and aborts, unless fn does not
 * return (a test may longjmp out, then reconfigure).  The hook is removed
 * before it runs, so a panic inside it cannot loop: install it again
 * after a longjmp.  fn NULL removes the hook.
 */
void hal_sim_set_panic_hook(hal_sim_panic_fn fn, void *ctx);

/* ---- the kernel lock ------------------------------------------------ */

/* Is the kernel lock held right now (by any core)? */
bool hal_sim_lock_held(void);

/* ---- the MMU -------------------------------------------------------- */

/*
 * The simulated MMU (mmu.c, walk.c, tlb.c, mmu_*.c) walks the real x86-64
 * page tables in simulated memory for user accesses, through one TLB per
 * core.  Levels are numbered as kernel_core's pte.h does: 0 PML4, 1 PDPT,
 * 2 PD, 3 PT; a page found at level L is 2^(39 - 9L) bytes.
 *
 * TLB entries are tagged by ASID (x86 PCID): a vspace load keeps every
 * entry, of the loaded ASID and of the others, so only the kernel's
 * invalidations drop them.  Each entry remembers the generation its page
 * had at fill.  A page's generation moves on when an entry that mapped it
 * is cleared or weakened through hal_pte_write, and when hal_memory_zero
 * touches it (its memory is reused).  A TLB hit is *stale* if the page's
 * generation moved on because of the entry the translation came from (or
 * the memory was reused), or if the page tables no longer grant what the
 * entry grants; a stale hit is recorded (the first one is kept) and the
 * access goes on with the stale translation, as hardware would.
 */

#define HAL_SIM_DEFAULT_TLB_ENTRIES 64
#define HAL_SIM_ASIDS               4096  /* ASIDs 0 .. 4095 (12-bit PCIDs) */

/* The PML4 core runs (0: none) and, in *asid if not NULL, its ASID. */
uint64_t hal_sim_vspace(unsigned core, unsigned *asid);

/* TLB invalidations (hal_tlb_invalidate_*) the kernel asked for since configure. */
uint64_t hal_sim_tlb_invalidations(void);

enum hal_sim_access { HAL_SIM_READ, HAL_SIM_WRITE, HAL_SIM_EXEC };

enum hal_sim_fault_reason {
	HAL_SIM_FAULT_NONE,
	HAL_SIM_FAULT_NOT_PRESENT,  /* an entry without P, or no vspace loaded */
	HAL_SIM_FAULT_PROTECTION,   /* user/write/NX rights, or a reserved bit set */
	HAL_SIM_FAULT_NON_CANONICAL /* bits 47..63 differ (x86 raises #GP) */
};

struct hal_sim_fault {
	uint64_t vaddr;             /* the first byte of the part that faulted */
	enum hal_sim_access access;
	enum hal_sim_fault_reason reason;
	unsigned level;             /* where the walk stopped; 0 if it never began */
};

/*
 * A user-mode access of size 1, 2, 4 or 8 bytes at vaddr on core, through
 * that core's TLB (a miss walks the tables of the vspace the core runs,
 * sets Accessed, and Dirty on a write, and fills the TLB).  An access that
 * crosses a page boundary is split in two; both parts are translated
 * before any byte moves, so a fault leaves memory unchanged.  Returns true
 * and reads *value (exec: the fetched bytes) or writes it, little-endian;
 * bytes outside every memory region read as 0xff and take no writes.
 * Returns false with *fault filled otherwise (fault may be NULL).  A bad
 * core or size panics: it is a front-end bug.
 */
bool hal_sim_user_access(unsigned core, enum hal_sim_access kind, uint64_t vaddr,
			 unsigned size, uint64_t *value, struct hal_sim_fault *fault);

/*
 * Walk the tables under pml4 for vaddr without side effects (no Accessed
 * or Dirty bits, no TLB): for the checker and assertions.  True if a
 * present page maps vaddr, whatever its rights: *paddr is the translated
 * address, *leaf_pte the leaf entry, *level its level.  False if the walk
 * fails: *level is where it stopped.  Any out-pointer may be NULL.
 */
bool hal_sim_translate(uint64_t pml4, uint64_t vaddr, uint64_t *paddr, uint64_t *leaf_pte,
		       unsigned *level);

struct hal_sim_tlb_stats {
	uint64_t hits, misses, fills, evictions;
	uint64_t invalidations;  /* entries dropped by invalidations and flushes */
};

/* Core's TLB counters since configure. */
void hal_sim_tlb_stats(unsigned core, struct hal_sim_tlb_stats *out);

/* Drop every entry of core's TLB (counted as invalidations). */
void hal_sim_tlb_flush_all(unsigned core);

/* One valid TLB entry, as hal_sim_tlb_foreach shows it. */
struct hal_sim_tlb_entry {
	unsigned core, asid;
	uint64_t vaddr;          /* virtual base of the page */
	uint64_t paddr;          /* physical base of the page */
	unsigned level;          /* leaf level: 1 (1 GiB), 2 (2 MiB) or 3 (4 KiB) */
	bool write, user, exec;  /* effective rights over every level walked */
	bool dirty;              /* a write went through it (Dirty is set) */
	uint64_t generation;     /* the page's generation at fill */
	uint64_t pml4;           /* the root the fill walked */
	uint64_t leaf_pte;       /* physical address of the leaf entry */
};

/*
 * Call fn on every valid entry of every core's TLB, core by core, in slot
 * order; stop early when fn returns false.  fn must not touch the MMU.
 */
typedef bool (*hal_sim_tlb_fn)(const struct hal_sim_tlb_entry *e, void *ctx);
void hal_sim_tlb_foreach(hal_sim_tlb_fn fn, void *ctx);

/* The generation of the 4 KiB frame holding paddr (0 outside every region). */
uint64_t hal_sim_frame_generation(uint64_t paddr);

/* Which test found a TLB entry stale. */
enum hal_sim_stale_check {
	HAL_SIM_STALE_GENERATION = 1, /* the page's generation moved on */
	HAL_SIM_STALE_WALK = 2        /* the tables no longer grant the entry */
};

struct hal_sim_stale {
	unsigned core, asid;
	uint64_t vaddr;           /* the address accessed (a check: the page base) */
	uint64_t frame;           /* physical base of the page the entry maps */
	unsigned level;           /* the entry's leaf level */
	uint64_t recorded_gen;    /* the page's generation at fill */
	uint64_t current_gen;     /* and now */
	enum hal_sim_stale_check check;
};

/* The first stale TLB hit since configure or the last clear, if any. */
bool hal_sim_stale_violation(struct hal_sim_stale *out);
void hal_sim_clear_stale(void);

/*
 * Scan every core's TLB with the same two tests (the checker, DESIGN §6
 * item 4).  True if no entry is stale; otherwise false with the first
 * stale entry, by core and slot, in *out (may be NULL).  Changes nothing.
 */
bool hal_sim_tlb_check(struct hal_sim_stale *out);

/* ---- cores and the scheduler (sched.c, sched_det.c, sched_free.c, fiber_*.S) -- */

/*
 * With more than one core, front ends run one body per core under
 * hal_sim_sched_run().  hal_core_id() is then the core whose body is
 * running.  Two modes:
 *
 *  - deterministic (HAL_SIM_SCHED_UNIFORM, HAL_SIM_SCHED_PCT): each core
 *    is a fiber; exactly one runs at a time and the running core changes
 *    only at scheduling points.  The choices come from the seed (uniform
 *    over the cores that can run, or PCT with pct_depth - 1 priority change
 *    points; when only relaxing cores can run, PCT takes them round
 *    robin), or from a replayed list first.  No host clock or host
 *    randomness is consulted: the same configuration and bodies give the
 *    same interleaving, every time.
 *  - free (HAL_SIM_SCHED_FREE): one host thread per core, really
 *    concurrent; the kernel lock is a spinlock.  For stress and TSan.
 *
 * Scheduling points: kernel-lock acquire (before) and release (after),
 * hal_cpu_relax(), each preemption check (hal_interrupt_pending),
 * hal_sim_sched_point() (front ends call it at every user-op boundary),
 * barriers.  At each one the core first may switch away (deterministic)
 * and then, once it runs again, takes its pending IPI if any (calling the
 * handler set with hal_sim_set_ipi_handler; the handler must not take
 * the kernel lock).  A core with an IPI pending can always run, to take
 * it.  Otherwise a core waiting for the lock can run only when the lock is
 * free; a core at a barrier only when the barrier is complete; a core in
 * hal_cpu_relax() only when no other core can run; a core whose body
 * returned idles (taking IPIs) until every body has returned.  If no core
 * can run while some body has not returned, the run ends as a deadlock;
 * so it does when only relaxing cores can run and each has relaxed twice
 * with nothing else happening on any core in between (a relax loop must
 * only read until its condition holds).  A core must wait for another
 * with hal_cpu_relax(), not hal_sim_sched_point(): a waiting loop of plain
 * points keeps PCT on the waiting core forever.
 *
 * Outside a run (and always with one core and no run) nothing of this
 * happens: hal_core_id() is 0, the kernel lock is a flag that panics on
 * recursion or an unbalanced release, and scheduling points do nothing.
 *
 * Free mode and the MMU.  Cores run user accesses and kernel entries at
 * the same time, so the MMU is made safe for that (atomic page-table
 * entries, Accessed/Dirty and generations; each core's TLB behind its
 * own mutex, which only the kernel's stale-aging takes for all cores).  A
 * core's user accesses must come from its own body.  A TLB hit is *not*
 * checked for staleness in free mode: a free-running core may use an entry
 * while another core's shootdown of it is still in flight, which is
 * legitimate; hal_sim_tlb_check() after the run still scans every TLB.
 * Free mode cannot tell a deadlock (it hangs); its preempt_rate draws come
 * from a stream per core (seeded from the seed and the core), not recorded.
 */

enum hal_sim_sched_mode {
	HAL_SIM_SCHED_UNIFORM = 0,  /* deterministic, uniform choice */
	HAL_SIM_SCHED_PCT,          /* deterministic, PCT */
	HAL_SIM_SCHED_FREE          /* host threads */
};

/*
 * A decision the deterministic scheduler made, as recorded and replayed:
 * 0 .. 63 the core chosen to run at a scheduling point where more than
 * one could; HAL_SIM_CHOICE_IRQ_NO / _YES at a preemption check whether
 * an interrupt was injected (only when preempt_rate is not 0).
 */
#define HAL_SIM_CHOICE_IRQ_NO  0x100u
#define HAL_SIM_CHOICE_IRQ_YES 0x101u

struct hal_sim_sched_config {
	enum hal_sim_sched_mode mode;
	uint64_t seed;
	unsigned pct_depth;         /* PCT: d, 1 .. HAL_SIM_PCT_MAX_DEPTH (d - 1 change points) */
	uint64_t pct_steps;         /* PCT: k, the expected number of decisions (>= 1) */
	/*
	 * At each preemption check answer "interrupt pending" with
	 * probability 1/preempt_rate (deterministic modes: from the seed, a
	 * recorded decision; free: from the core's own stream); 0: never
	 * (hal_sim_interrupt_after still works, per core).
	 */
	uint64_t preempt_rate;
	const uint32_t *replay;     /* decisions to take first, in order; may be NULL */
	size_t nreplay;
	/*
	 * false: a replayed decision that is impossible here (a core that
	 * cannot run, an IRQ decision where a core choice is due, or the
	 * reverse) ends the run as HAL_SIM_SCHED_DIVERGED.  true (fuzz
	 * inputs): any value is mapped onto what is possible (a core choice
	 * that names a core that can run takes it, any other value indexes
	 * the runnable cores, in core order, modulo their number; IRQ
	 * decisions take the low bit), so a recorded list replays the same
	 * either way.  After the list runs out, decisions come from the seed;
	 * the PRNG advances at every decision, replayed or not, so replaying a
	 * prefix of a recorded run with its seed gives the whole run again.
	 */
	bool replay_lenient;
	bool record;                /* keep every decision for hal_sim_sched_decisions() */
	size_t stack_bytes;         /* per fiber, >= 16 KiB; 0: 1 MiB (plus a guard page) */
};

#define HAL_SIM_PCT_MAX_DEPTH 64

enum hal_sim_sched_status {
	HAL_SIM_SCHED_DONE = 0,     /* every body returned */
	HAL_SIM_SCHED_STOPPED,      /* a body called hal_sim_sched_stop() */
	HAL_SIM_SCHED_DEADLOCK,     /* no core could run; some body had not returned */
	HAL_SIM_SCHED_DIVERGED,     /* a replayed decision was impossible (strict replay) */
	HAL_SIM_SCHED_BAD_CONFIG    /* the configuration is unusable (see the text) */
};

typedef void (*hal_sim_core_fn)(unsigned core, void *ctx);

/*
 * Run body(core, ctx) for every core 0 .. cores - 1 of the configured
 * machine, as cfg says, until all have returned or the run ends early.
 * Call from outside any body; the machine must be configured (and the
 * kernel booted, usually).  Afterwards the kernel lock is free only if
 * the run was DONE.  Not reentrant.
 */
enum hal_sim_sched_status hal_sim_sched_run(const struct hal_sim_sched_config *cfg,
					    hal_sim_core_fn body, void *ctx);

const char *hal_sim_sched_status_text(enum hal_sim_sched_status s);

/* A scheduling point (see above); a no-op outside hal_sim_sched_run(). */
void hal_sim_sched_point(void);

/*
 * Wait until every core whose body has not returned has called
 * hal_sim_sched_barrier() as often as this core has (bodies that
 * returned count as arrived).  A scheduling point.
 */
void hal_sim_sched_barrier(void);

/*
 * From a body: end the run now (after a failure).  Deterministic: never
 * returns; the other fibers are abandoned where they stand.  Free: sets
 * a flag that hal_sim_sched_stopping() reports and that ends barrier
 * waits early; the body should return.
 */
void hal_sim_sched_stop(void);
bool hal_sim_sched_stopping(void);

/*
 * Set the function a core runs when it takes an IPI (front ends:
 * kmm_ipi_receive).  It stays set across configure.  IPIs sent and not
 * taken stay pending from one run to the next; configure drops them.
 */
void hal_sim_set_ipi_handler(void (*fn)(void));

/* The decisions the last run made (cfg.record), valid until the next run. */
const uint32_t *hal_sim_sched_decisions(size_t *n);

struct hal_sim_sched_stats {
	uint64_t points;            /* scheduling points passed */
	uint64_t switches;          /* deterministic: fiber switches */
	uint64_t decisions;         /* choices among more than one runnable core */
	uint64_t interrupts;        /* interrupts injected by preempt_rate */
	uint64_t ipis_sent, ipis_taken;
};

/* Counters of the last (or current) run; each run starts them at zero. */
void hal_sim_sched_stats(struct hal_sim_sched_stats *out);

/* ---- preemption injection ------------------------------------------- */

/*
 * Make this core's n-th preemption check from now (n >= 1) answer
 * "interrupt pending", once (each core keeps its own count; outside a
 * run, core 0's).  n == 0 cancels a pending injection.  A later call
 * replaces an earlier one.
 */
void hal_sim_interrupt_after(uint64_t n);

/* How many preemption checks (hal_interrupt_pending calls) since configure, all cores. */
uint64_t hal_sim_preempt_checks(void);

#endif

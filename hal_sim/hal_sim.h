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
 * Everything is deterministic: no clocks, no host randomness.  One core
 * runs in this issue; the lock's scheduling-point hook is the seam where
 * the multicore fiber scheduler will switch cores.
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
	unsigned cores;      /* 1 .. HAL_SIM_MAX_CORES (only 1 runs for now) */
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

/* ---- scheduling points ---------------------------------------------- */

/*
 * fn runs at every scheduling point: each kernel-lock acquire (before the
 * lock is taken) and release (after it is dropped).  NULL: no-op.
 */
void hal_sim_set_sched_hook(void (*fn)(void));

/* Is the kernel lock held right now? */
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

/* ---- preemption injection ------------------------------------------- */

/*
 * Make the n-th preemption check from now (n >= 1) answer "interrupt
 * pending", once.  n == 0 cancels a pending injection.  A later call
 * replaces an earlier one.
 */
void hal_sim_interrupt_after(uint64_t n);

/* How many preemption checks (hal_interrupt_pending calls) since configure. */
uint64_t hal_sim_preempt_checks(void);

#endif

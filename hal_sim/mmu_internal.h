/*
 * The simulated MMU's private seams.  Its files each keep one part:
 *
 *   walk.c        the page walker: reads x86-64 entries, computes rights,
 *                 sets Accessed/Dirty;
 *   tlb.c         per-core, ASID-tagged, fully associative TLBs (LRU);
 *   mmu_frames.c  per-frame bookkeeping: generations and table levels;
 *   mmu_stale.c   the stale-translation detector;
 *   mmu_access.c  user accesses through the TLB;
 *   mmu.c         the kernel-facing HAL calls and each core's CR3.
 *
 * Levels are pte.h's enum pt_level, held in unsigned.
 *
 * Concurrency (the free scheduler runs cores on host threads).  The
 * kernel's side (hal_pte_write, hal_memory_zero, vspace loads, table
 * levels) runs under the kernel lock.  User accesses run at any time, so
 * what they share with the kernel is atomic: page-table entries (stored
 * with an exchange, loaded with acquire, Accessed/Dirty set with an
 * atomic OR), generations and counters.  A core's TLB is used by that
 * core's thread only, under its mutex (sim_tlb_lock); the kernel's aging
 * of a leaf, which refreshes other cores' entries, takes every core's
 * mutex in core order.  The mutexes are taken only in free mode.
 */
#ifndef KMM_HAL_SIM_MMU_INTERNAL_H
#define KMM_HAL_SIM_MMU_INTERNAL_H

#include "internal.h"
#include "object/pte.h"

/* ---- walk.c --------------------------------------------------------- */

/* What one walk found.  On a fault, level is where it stopped. */
struct sim_walk {
	uint64_t entry[4];   /* physical address of each entry read, root first */
	unsigned depth;      /* entries read */
	uint64_t leaf;       /* value of the last entry read */
	uint64_t page;       /* physical base of the page */
	unsigned level;
	bool write, user, exec;  /* AND of RW and US, no NX, over every level */
	enum hal_sim_fault_reason reason;
};

/* Bytes a page at level maps, minus one. */
static inline uint64_t sim_page_mask(unsigned level)
{
	return mask_bits(level_shift((enum pt_level)level));
}

/* Read the entry at paddr; an address outside every region reads 0. */
uint64_t sim_read_entry(uint64_t paddr);

/* Is e (present, at level) a page rather than a table? */
bool sim_is_leaf(uint64_t e, unsigned level);

/* Physical base of the page a leaf e at level maps. */
uint64_t sim_leaf_base(uint64_t e, unsigned level);

/* Does new_e (at level) take away anything the present leaf old_e gave? */
bool sim_weakens(uint64_t old_e, uint64_t new_e, unsigned level);

bool sim_canonical(uint64_t vaddr);

/* Walk pml4's tables for vaddr.  No side effects; false on a fault. */
bool sim_walk(uint64_t pml4, uint64_t vaddr, struct sim_walk *w);

/* May a user access of this kind use a translation with these rights? */
bool sim_rights_permit(bool write, bool user, bool exec, enum hal_sim_access kind);

/* Set Accessed in every entry w read, and Dirty in its leaf if dirty. */
void sim_walk_mark(const struct sim_walk *w, bool dirty);

/*
 * Set Dirty in the leaf at leaf_pte if it still maps page at level (a
 * write through a TLB entry filled by a read, as hardware does).
 */
void sim_set_dirty(uint64_t leaf_pte, uint64_t page, unsigned level);

/* ---- tlb.c ---------------------------------------------------------- */

struct sim_tlb_entry {
	uint64_t vpage;      /* virtual base of the page */
	uint64_t frame;      /* physical base of the page */
	uint64_t gen;        /* the page's generation at fill */
	uint64_t pml4;       /* the root the fill walked */
	uint64_t leaf_pte;   /* physical address of the leaf entry */
	uint64_t stamp;      /* last use, for LRU */
	unsigned asid;
	unsigned level;
	bool valid, write, user, exec, dirty;
	bool keep;           /* scratch for mmu_stale.c */
};

/* Allocate cores TLBs of size entries each, all empty; aborts if the host cannot. */
void sim_tlb_configure(unsigned cores, unsigned size);
void sim_tlb_free(void);

/* Every entry of every core: core c's are [c * size, (c + 1) * size). */
struct sim_tlb_entry *sim_tlb_all(unsigned *count, unsigned *size);

/* The entry of core for (asid, vaddr), or NULL; counts a hit or a miss. */
struct sim_tlb_entry *sim_tlb_lookup(unsigned core, unsigned asid, uint64_t vaddr);

/* Cache w's translation of vaddr: a free slot, else the least recently used. */
struct sim_tlb_entry *sim_tlb_fill(unsigned core, unsigned asid, uint64_t vaddr, uint64_t pml4,
				   const struct sim_walk *w);

/*
 * Hold core's TLB (or every core's, in core order) while using it; no-ops
 * unless cores run concurrently.
 */
void sim_tlb_lock(unsigned core);
void sim_tlb_unlock(unsigned core);
void sim_tlb_lock_all(void);
void sim_tlb_unlock_all(void);

/* Forget one entry (a fault through it; not an invalidation). */
void sim_tlb_forget(struct sim_tlb_entry *e);

/* Drop core's entries of asid (all of them, or those covering vaddr). */
void sim_tlb_invalidate(unsigned core, unsigned asid, bool whole_asid, uint64_t vaddr);

/* Does the page e maps share a byte with [paddr, paddr + bytes)? */
bool sim_tlb_overlaps(const struct sim_tlb_entry *e, uint64_t paddr, uint64_t bytes);

/* ---- mmu_frames.c --------------------------------------------------- */

/* Size the bookkeeping to the memory map; aborts if the host cannot. */
void sim_frames_configure(void);
void sim_frames_free(void);

/*
 * The generation of the page at level whose physical base is page: of a
 * 4 KiB frame, it moves whenever the frame or a large page holding it is
 * aged; of a large page, whenever any frame inside it is.
 */
uint64_t sim_page_generation(uint64_t page, unsigned level);

/* Age one page (its entry was cleared or weakened). */
void sim_age_page(uint64_t page, unsigned level);

/* Age every frame [paddr, paddr + bytes) touches, and forget their table levels. */
void sim_age_range(uint64_t paddr, uint64_t bytes);

/* The level of the table at paddr, or -1 if the MMU has not seen it. */
int sim_table_level(uint64_t table);

/* Record that table sits at level, and so every table below it. */
void sim_register_table(uint64_t table, unsigned level);

/* ---- mmu_stale.c ---------------------------------------------------- */

/* Forget the recorded violation. */
void sim_stale_reset(void);

/*
 * A TLB hit on e for vaddr on core: if e is stale, record it (the first
 * violation is kept).  Returns whether it was stale.
 */
bool sim_stale_hit(unsigned core, const struct sim_tlb_entry *e, uint64_t vaddr);

/*
 * The leaf entry at leaf_pte, which mapped page at level, was cleared or
 * weakened: age the page, but keep current the TLB entries of the same
 * memory that came through other entries (they are still granted).
 */
void sim_stale_age_leaf(uint64_t leaf_pte, uint64_t page, unsigned level);

/* ---- mmu.c ---------------------------------------------------------- */

/* The latest root loaded with asid on any core (0 if none or out of range). */
uint64_t sim_asid_root(unsigned asid);

/*
 * Make sure the TLBs and frame bookkeeping exist: hal_sim_configure sets
 * them up; if it did not (or the HAL is used before), set them up now
 * with the defaults.  Every public MMU entry calls this first.
 */
void sim_mmu_ready(void);

#endif

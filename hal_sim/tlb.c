/*
 * Per-core TLBs: fully associative, tagged by ASID, replaced least
 * recently used.
 *
 * Tagging (x86 PCID) rather than flushing on a vspace switch: a CR3 load
 * keeps every entry, those of the ASID being loaded included (as a load
 * with the no-flush bit does), so an entry leaves only when the kernel
 * invalidates it, when it is evicted, or when a fault goes through it.
 * That is the stricter model for the kernel: a forgotten invalidation
 * stays visible however often the core switches vspaces.  Global pages
 * are not modelled (seL4 never sets G on user entries); the
 * paging-structure caches are not either, so invalidating them is free.
 *
 * Replacement is deterministic: a free slot (the lowest), else the entry
 * with the oldest use stamp; each core counts its own uses.  Lookup takes
 * the lowest slot that covers the address, so overlapping entries (a 4 KiB
 * and a 2 MiB one after a remap without invalidation) resolve the same
 * way every run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_internal.h"

/*
 * What each core touches on every access, one cache line (or two) per
 * core: free-running cores sharing a line would bounce it on every read.
 * The mutex (see mmu_internal.h) is pthread rather than GMutex: glib's
 * own futex mutex is invisible to ThreadSanitizer, pthread's is not.
 */
struct core_tlb {
	pthread_mutex_t mutex;
	uint64_t clock;
	struct hal_sim_tlb_stats stats;
} __attribute__((aligned(64)));

static struct core_tlb per[HAL_SIM_MAX_CORES] = {
	[0 ... HAL_SIM_MAX_CORES - 1] = { .mutex = PTHREAD_MUTEX_INITIALIZER }
};

static struct {
	struct sim_tlb_entry *e;   /* cores * size entries */
	unsigned cores, size;
} tlb;

void sim_tlb_configure(unsigned cores, unsigned size)
{
	sim_tlb_free();
	tlb.e = calloc((size_t)cores * size, sizeof(*tlb.e));
	if (tlb.e == NULL) {
		fprintf(stderr, "hal_sim: no host memory for %u TLBs of %u entries\n", cores, size);
		abort();
	}
	tlb.cores = cores;
	tlb.size = size;
}

void sim_tlb_free(void)
{
	unsigned c;

	free(tlb.e);
	memset(&tlb, 0, sizeof(tlb));
	for (c = 0; c < HAL_SIM_MAX_CORES; c++) {
		per[c].clock = 0;
		per[c].stats = (struct hal_sim_tlb_stats){ 0 };
	}
}

struct sim_tlb_entry *sim_tlb_all(unsigned *count, unsigned *size)
{
	*count = tlb.cores * tlb.size;
	if (size != NULL)
		*size = tlb.size;
	return tlb.e;
}

void sim_tlb_lock(unsigned core)
{
	if (sim_sched_concurrent())
		pthread_mutex_lock(&per[core].mutex);
}

void sim_tlb_unlock(unsigned core)
{
	if (sim_sched_concurrent())
		pthread_mutex_unlock(&per[core].mutex);
}

void sim_tlb_lock_all(void)
{
	unsigned c;

	for (c = 0; c < tlb.cores; c++)
		sim_tlb_lock(c);
}

void sim_tlb_unlock_all(void)
{
	unsigned c;

	for (c = tlb.cores; c-- > 0;)
		sim_tlb_unlock(c);
}

static struct sim_tlb_entry *core_entries(unsigned core)
{
	if (core >= tlb.cores)
		hal_panic("hal_sim: TLB of a core that does not exist");
	return tlb.e + (size_t)core * tlb.size;
}

static bool covers(const struct sim_tlb_entry *e, unsigned asid, uint64_t vaddr)
{
	return e->valid && e->asid == asid && (vaddr & ~sim_page_mask(e->level)) == e->vpage;
}

struct sim_tlb_entry *sim_tlb_lookup(unsigned core, unsigned asid, uint64_t vaddr)
{
	struct sim_tlb_entry *e = core_entries(core);
	unsigned i;

	for (i = 0; i < tlb.size; i++) {
		if (covers(&e[i], asid, vaddr)) {
			e[i].stamp = ++per[core].clock;
			per[core].stats.hits++;
			return &e[i];
		}
	}
	per[core].stats.misses++;
	return NULL;
}

static struct sim_tlb_entry *victim(unsigned core)
{
	struct sim_tlb_entry *e = core_entries(core), *best = &e[0];
	unsigned i;

	for (i = 0; i < tlb.size; i++) {
		if (!e[i].valid)
			return &e[i];
		if (e[i].stamp < best->stamp)
			best = &e[i];
	}
	per[core].stats.evictions++;
	return best;
}

struct sim_tlb_entry *sim_tlb_fill(unsigned core, unsigned asid, uint64_t vaddr, uint64_t pml4,
				   const struct sim_walk *w)
{
	struct sim_tlb_entry *e = victim(core);

	*e = (struct sim_tlb_entry){
		.vpage = vaddr & ~sim_page_mask(w->level),
		.frame = w->page,
		.gen = sim_page_generation(w->page, w->level),
		.pml4 = pml4,
		.leaf_pte = w->entry[w->depth - 1],
		.stamp = ++per[core].clock,
		.asid = asid,
		.level = w->level,
		.valid = true,
		.write = w->write,
		.user = w->user,
		.exec = w->exec,
		.dirty = (w->leaf & PTE_D) != 0,
	};
	per[core].stats.fills++;
	return e;
}

void sim_tlb_forget(struct sim_tlb_entry *e)
{
	e->valid = false;
}

void sim_tlb_invalidate(unsigned core, unsigned asid, bool whole_asid, uint64_t vaddr)
{
	struct sim_tlb_entry *e = core_entries(core);
	unsigned i;

	for (i = 0; i < tlb.size; i++) {
		if (!e[i].valid || e[i].asid != asid)
			continue;
		if (whole_asid || covers(&e[i], asid, vaddr)) {
			e[i].valid = false;
			per[core].stats.invalidations++;
		}
	}
}

bool sim_tlb_overlaps(const struct sim_tlb_entry *e, uint64_t paddr, uint64_t bytes)
{
	uint64_t last = e->frame + sim_page_mask(e->level);

	return e->valid && bytes > 0 && e->frame <= paddr + (bytes - 1) && paddr <= last;
}

void hal_sim_tlb_flush_all(unsigned core)
{
	struct sim_tlb_entry *e;
	unsigned i;

	sim_mmu_ready();
	e = core_entries(core);
	sim_tlb_lock(core);
	for (i = 0; i < tlb.size; i++) {
		if (e[i].valid)
			per[core].stats.invalidations++;
		e[i].valid = false;
	}
	sim_tlb_unlock(core);
}

void hal_sim_tlb_stats(unsigned core, struct hal_sim_tlb_stats *out)
{
	sim_mmu_ready();
	core_entries(core);
	*out = per[core].stats;
}

static struct hal_sim_tlb_entry view(unsigned core, const struct sim_tlb_entry *e)
{
	return (struct hal_sim_tlb_entry){
		.core = core, .asid = e->asid, .vaddr = e->vpage, .paddr = e->frame,
		.level = e->level, .write = e->write, .user = e->user, .exec = e->exec,
		.dirty = e->dirty, .generation = e->gen, .pml4 = e->pml4,
		.leaf_pte = e->leaf_pte,
	};
}

void hal_sim_tlb_foreach(hal_sim_tlb_fn fn, void *ctx)
{
	unsigned i, n;

	sim_mmu_ready();
	n = tlb.cores * tlb.size;
	for (i = 0; i < n; i++) {
		struct hal_sim_tlb_entry v;

		if (!tlb.e[i].valid)
			continue;
		v = view(i / tlb.size, &tlb.e[i]);
		if (!fn(&v, ctx))
			return;
	}
}

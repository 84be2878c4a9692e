/*
 * What the MMU remembers about physical memory: a generation per page and
 * the level of every page table it has seen.
 *
 * Generations.  Three kinds of counters: one per 4 KiB frame (per memory
 * region, so a hole costs nothing), and one per 2 MiB and per 1 GiB block
 * of the physical address space.  Aging a 4 KiB frame bumps its own
 * counter; aging a 2 MiB or 1 GiB page bumps its block's, so unmapping a
 * 1 GiB page is O(1).  The generation of a page of each size sums what
 * concerns it:
 *
 *   4 KiB frame f:  g4k[f] + g2m[f's 2M] + g1g[f's 1G]
 *   2 MiB block b:  sub2m[b] + g2m[b] + g1g[b's 1G]
 *   1 GiB block B:  sub1g[B] + g1g[B]
 *
 * where sub2m / sub1g count the agings of anything smaller inside the
 * block.  Every counter only grows, so each sum moves whenever any frame
 * of its page is aged, and never otherwise.
 *
 * Counters are read and bumped with relaxed atomics: a core filling its
 * TLB reads generations while the kernel on another core ages pages.
 * Nothing orders one counter against another; a fill racing an aging
 * simply records either generation, as a real TLB fill racing a store
 * would see either entry.
 *
 * Table levels.  One byte per 4 KiB frame: 0 if unknown, else 1 + the
 * level the frame serves at as a page table.  A PML4 is learnt when the
 * kernel creates it (hal_vspace_init) or a core loads it, with every table
 * already below it; a table when a present entry of a known table points
 * at it; zeroing the frame forgets it.  hal_pte_write
 * needs the level to tell a leaf from a table pointer.  Only the kernel,
 * under its lock, reads or writes levels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_internal.h"

#define FRAME_BITS 12
#define SHIFT_2M 21
#define SHIFT_1G 30

struct region {
	uint64_t base, frames;
	uint32_t *g4k;     /* per frame */
	uint8_t *level;    /* per frame: 0 unknown, else 1 + table level */
};

static struct {
	struct region r[HAL_SIM_MAX_REGIONS];
	unsigned nregion;
	uint64_t *g2m, *sub2m, *g1g, *sub1g;
	uint64_t n2m, n1g;
} fr;

static void *zalloc(uint64_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL) {
		fprintf(stderr, "hal_sim: no host memory for frame bookkeeping\n");
		abort();
	}
	return p;
}

void sim_frames_configure(void)
{
	struct hal_mem_region map[HAL_SIM_MAX_REGIONS];
	unsigned i, n = hal_memory_map(map, HAL_SIM_MAX_REGIONS);
	uint64_t top = 0;

	sim_frames_free();
	for (i = 0; i < n; i++) {
		struct region *r = &fr.r[fr.nregion++];

		r->base = map[i].base;
		r->frames = map[i].size >> FRAME_BITS;
		r->g4k = zalloc(r->frames, sizeof(*r->g4k));
		r->level = zalloc(r->frames, sizeof(*r->level));
		if (map[i].base + map[i].size > top)
			top = map[i].base + map[i].size;
	}
	fr.n2m = (top + mask_bits(SHIFT_2M)) >> SHIFT_2M;
	fr.n1g = (top + mask_bits(SHIFT_1G)) >> SHIFT_1G;
	fr.g2m = zalloc(fr.n2m, sizeof(uint64_t));
	fr.sub2m = zalloc(fr.n2m, sizeof(uint64_t));
	fr.g1g = zalloc(fr.n1g, sizeof(uint64_t));
	fr.sub1g = zalloc(fr.n1g, sizeof(uint64_t));
}

void sim_frames_free(void)
{
	unsigned i;

	for (i = 0; i < fr.nregion; i++) {
		free(fr.r[i].g4k);
		free(fr.r[i].level);
	}
	free(fr.g2m);
	free(fr.sub2m);
	free(fr.g1g);
	free(fr.sub1g);
	memset(&fr, 0, sizeof(fr));
}

/* The region holding paddr and the frame's index in it, or NULL. */
static struct region *frame_of(uint64_t paddr, uint64_t *index)
{
	unsigned i;

	for (i = 0; i < fr.nregion; i++) {
		struct region *r = &fr.r[i];

		if (paddr >= r->base && ((paddr - r->base) >> FRAME_BITS) < r->frames) {
			*index = (paddr - r->base) >> FRAME_BITS;
			return r;
		}
	}
	return NULL;
}

static uint64_t block(const uint64_t *counter, uint64_t n, uint64_t paddr, unsigned shift)
{
	return (paddr >> shift) < n ? __atomic_load_n(&counter[paddr >> shift], __ATOMIC_RELAXED)
				    : 0;
}

static void bump(uint64_t *counter, uint64_t n, uint64_t paddr, unsigned shift)
{
	if ((paddr >> shift) < n)
		__atomic_fetch_add(&counter[paddr >> shift], 1, __ATOMIC_RELAXED);
}

uint64_t sim_page_generation(uint64_t page, unsigned level)
{
	uint64_t g1 = block(fr.g1g, fr.n1g, page, SHIFT_1G);
	uint64_t index;
	struct region *r;

	switch (level) {
	case LVL_PDPT:
		return block(fr.sub1g, fr.n1g, page, SHIFT_1G) + g1;
	case LVL_PD:
		return block(fr.sub2m, fr.n2m, page, SHIFT_2M) +
		       block(fr.g2m, fr.n2m, page, SHIFT_2M) + g1;
	default:
		r = frame_of(page, &index);
		return (r ? __atomic_load_n(&r->g4k[index], __ATOMIC_RELAXED) : 0) +
		       block(fr.g2m, fr.n2m, page, SHIFT_2M) + g1;
	}
}

uint64_t hal_sim_frame_generation(uint64_t paddr)
{
	return sim_page_generation(paddr & ~mask_bits(FRAME_BITS), LVL_PT);
}

void sim_age_page(uint64_t page, unsigned level)
{
	uint64_t index;
	struct region *r;

	switch (level) {
	case LVL_PDPT:
		bump(fr.g1g, fr.n1g, page, SHIFT_1G);
		return;
	case LVL_PD:
		bump(fr.g2m, fr.n2m, page, SHIFT_2M);
		bump(fr.sub1g, fr.n1g, page, SHIFT_1G);
		return;
	default:
		r = frame_of(page, &index);
		if (r == NULL)
			return;
		__atomic_fetch_add(&r->g4k[index], 1, __ATOMIC_RELAXED);
		bump(fr.sub2m, fr.n2m, page, SHIFT_2M);
		bump(fr.sub1g, fr.n1g, page, SHIFT_1G);
	}
}

/* The largest page (level) that starts at p and fits in [p, end). */
static unsigned unit_at(uint64_t p, uint64_t end)
{
	if ((p & mask_bits(SHIFT_1G)) == 0 && end - p >= (1ull << SHIFT_1G))
		return LVL_PDPT;
	if ((p & mask_bits(SHIFT_2M)) == 0 && end - p >= (1ull << SHIFT_2M))
		return LVL_PD;
	return LVL_PT;
}

static void forget_levels(uint64_t paddr, uint64_t bytes)
{
	uint64_t first, last;
	struct region *r = frame_of(paddr, &first);

	if (r == NULL || bytes == 0 || frame_of(paddr + bytes - 1, &last) != r)
		return;
	memset(r->level + first, 0, last - first + 1);
}

void sim_age_range(uint64_t paddr, uint64_t bytes)
{
	uint64_t p = paddr & ~mask_bits(FRAME_BITS), end = paddr + bytes;

	if (bytes == 0)
		return;
	forget_levels(paddr, bytes);
	while (p < end) {
		unsigned l = unit_at(p, end);

		sim_age_page(p, l);
		p += sim_page_mask(l) + 1;
	}
}

int sim_table_level(uint64_t table)
{
	uint64_t index;
	struct region *r = frame_of(table, &index);

	return r && r->level[index] ? r->level[index] - 1 : -1;
}

void sim_register_table(uint64_t table, unsigned level)
{
	uint64_t index, i;
	struct region *r = frame_of(table, &index);

	if (r == NULL || r->level[index] == level + 1)
		return;
	r->level[index] = (uint8_t)(level + 1);
	if (level == LVL_PT)
		return;
	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = sim_read_entry(table + 8 * i);

		if (pte_present(e) && !sim_is_leaf(e, level))
			sim_register_table(pte_addr(e), level + 1);
	}
}

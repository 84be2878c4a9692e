/*
 * kmm-bench's virtual-memory part: map and unmap, user accesses through
 * the simulated MMU (page walks, TLB hit rate, sequential and random),
 * and revoke of a frame cap whose copies are mapped 10^4 times.  Floors
 * come from the same run: the null invocation for kernel operations, a
 * TLB hit for walks.
 */
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"
#include "hal_sim.h"

#define VA_BASE 0x10000000ull   /* 256 MiB: one PD covers [256M, 1G) */
#define PDPT_SLOT 110
#define PD_SLOT   111
#define PT_SLOT   112           /* PT_SLOT + i for i < npts */
#define FRAME0    300           /* first frame slot in the root CNode */
#define COPY0     20000         /* copies of frame FRAME0 (root CNode has 2^16 slots) */

void bench_map_table(uint64_t slot, uint64_t label, uint64_t vaddr)
{
	uint64_t w[2] = { vaddr, 0 };
	struct kmm_msg m = bench_msg(slot, label, 2, w, KMM_CAP_ROOT_VSPACE);

	bench_must(&m, "table map");
}

void bench_page_map(uint64_t cptr, uint64_t vaddr)
{
	uint64_t w[3] = { vaddr, KMM_RIGHTS_ALL, 0 };
	struct kmm_msg m = bench_msg(cptr, KMM_X86_PAGE_MAP, 3, w, KMM_CAP_ROOT_VSPACE);

	bench_must(&m, "page map");
}

void bench_page_unmap(uint64_t cptr)
{
	struct kmm_msg m = bench_msg(cptr, KMM_X86_PAGE_UNMAP, 0, NULL, 0);

	m.ncaps = 0;
	bench_must(&m, "page unmap");
}

/* PDPT, PD and npts page tables covering VA_BASE upwards. */
static void build_tables(unsigned npts)
{
	uint64_t ut = bench_largest_untyped();

	bench_retype(ut, KMM_OBJ_PDPT, 0, PDPT_SLOT, 1);
	bench_retype(ut, KMM_OBJ_PAGE_DIRECTORY, 0, PD_SLOT, 1);
	bench_retype(ut, KMM_OBJ_PAGE_TABLE, 0, PT_SLOT, npts);
	bench_map_table(PDPT_SLOT, KMM_X86_PDPT_MAP, VA_BASE);
	bench_map_table(PD_SLOT, KMM_X86_PAGE_DIRECTORY_MAP, VA_BASE);
	for (unsigned i = 0; i < npts; i++)
		bench_map_table(PT_SLOT + i, KMM_X86_PAGE_TABLE_MAP, VA_BASE + ((uint64_t)i << 21));
}

static void bench_map_unmap(struct rate *map, struct rate *unmap)
{
	uint64_t f = FRAME0;

	bench_retype(bench_largest_untyped(), KMM_OBJ_4K_PAGE, 0, f, 1);
	*map = (struct rate){ 0, 0 };
	*unmap = (struct rate){ 0, 0 };
	while (map->seconds < bench_min_seconds) {
		for (int i = 0; i < 1000; i++) {
			double t0 = bench_now();

			bench_page_map(f, VA_BASE);
			map->seconds += bench_now() - t0;
			t0 = bench_now();
			bench_page_unmap(f);
			unmap->seconds += bench_now() - t0;
		}
		map->ops += 1000;
		unmap->ops += 1000;
	}
}

/* Map n frames (retyped 256 at a time) at consecutive pages from VA_BASE. */
static void map_frames(unsigned n)
{
	uint64_t ut = bench_largest_untyped();

	for (unsigned i = 0; i < n; i += 256)
		bench_retype(ut, KMM_OBJ_4K_PAGE, 0, FRAME0 + 1 + i, 256);
	for (unsigned i = 0; i < n; i++)
		bench_page_map(FRAME0 + 1 + i, VA_BASE + ((uint64_t)i << 12));
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* n 8-byte reads over `pages` mapped pages; returns rate and hit rate. */
static struct rate bench_access(unsigned pages, bool random, double *hit_rate)
{
	struct hal_sim_tlb_stats a, b;
	struct hal_sim_fault fault;
	struct rate out = { 0, 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull, v, span = (uint64_t)pages << 12;
	double t0;

	hal_sim_tlb_flush_all(0);
	hal_sim_tlb_stats(0, &a);
	t0 = bench_now();
	while (out.seconds < bench_min_seconds) {
		for (uint64_t i = 0; i < 100000; i++) {
			uint64_t off = random ? (xorshift(&seed) % span) & ~7ull : (i * 8) % span;

			if (!hal_sim_user_access(0, HAL_SIM_READ, VA_BASE + off, 8, &v, &fault))
				bench_fail("user read faulted");
		}
		out.ops += 100000;
		out.seconds = bench_now() - t0;
	}
	hal_sim_tlb_stats(0, &b);
	*hit_rate = (double)(b.hits - a.hits) / (double)(b.hits - a.hits + b.misses - a.misses);
	return out;
}

static struct rate bench_walks(unsigned pages)
{
	uint64_t pml4 = kmm_inspect_vspace_for_asid(1), pa, pte;
	unsigned level;
	struct rate out = { 0, 0 };
	double t0 = bench_now();

	while (out.seconds < bench_min_seconds) {
		for (unsigned i = 0; i < 100000; i++)
			if (!hal_sim_translate(pml4, VA_BASE + ((uint64_t)(i % pages) << 12), &pa,
					       &pte, &level))
				bench_fail("walk failed");
		out.ops += 100000;
		out.seconds = bench_now() - t0;
	}
	return out;
}

/* n copies of one frame in root slots, each mapped at its own page; revoke. */
static double bench_revoke_mapped(unsigned n)
{
	uint64_t src = FRAME0;
	double t0;

	for (unsigned i = 0; i < n; i++) {
		bench_copy(COPY0 + i, src);
		bench_page_map(COPY0 + i, VA_BASE + ((uint64_t)(8192 + i) << 12));
	}
	t0 = bench_now();
	bench_cnode_op(KMM_CNODE_REVOKE, src);
	return bench_now() - t0;
}

void bench_vm(double null_rate, unsigned big_bits)
{
	struct rate map, unmap, seq, rnd, walks;
	double seq_hits, rnd_hits, s;
	unsigned pages = 4096;  /* 16 MiB of 4 KiB pages */

	build_tables(40);       /* 80 MiB of VA: the 16 MiB region, then the copies at 32 MiB */
	bench_map_unmap(&map, &unmap);
	map_frames(pages);
	walks = bench_walks(pages);
	seq = bench_access(pages, false, &seq_hits);
	rnd = bench_access(pages, true, &rnd_hits);
	bench_row("page map (4K)", map, null_rate);
	bench_row("page unmap (4K)", unmap, null_rate);
	printf("  %-34s %12.0f walks/s    %8.1f ns/walk\n", "page walk (no TLB)",
	       bench_per_sec(walks), 1e9 / bench_per_sec(walks));
	printf("  %-34s %12.0f reads/s    TLB hit rate %5.1f%%\n",
	       "user read, sequential, 16 MiB", bench_per_sec(seq), 100 * seq_hits);
	printf("  %-34s %12.0f reads/s    TLB hit rate %5.1f%%   random/sequential = %.2f\n",
	       "user read, random, 16 MiB", bench_per_sec(rnd), 100 * rnd_hits,
	       bench_per_sec(rnd) / bench_per_sec(seq));
	(void)big_bits;
	s = bench_revoke_mapped(10000);
	printf("  %-34s %10.3f ms  %8.1f ns/copy (unmap included)\n",
	       "revoke frame, 10^4 mapped copies", s * 1e3, s * 1e9 / 10000);
}

/*
 * The simulated MMU (hal_sim walk.c, tlb.c, mmu*.c): PTE encoding through
 * pte.h, the page walker at every level, Accessed/Dirty as hardware sets
 * them, the per-core ASID-tagged TLB (fill, hit, LRU eviction,
 * invalidation), the stale-translation detector, and the kernel's unmap,
 * remap, delete and revoke paths leaving no stale TLB entry behind.
 *
 * Page tables are built by kernel invocations into the root vspace (cptr
 * 3, ASID 1): a PDPT, PD and PT covering VA (0x400000), and frames below.
 * Shapes the kernel cannot make (NX, a cleared US or RW above the leaf, a
 * 1 GiB page in 16 MiB of RAM, a PTE cleared behind the kernel's back) are
 * written directly with hal_pte_write and put back before the test ends,
 * so the teardown checker sees the kernel's own state.
 */
#include <stdlib.h>
#include "kmm_test.h"
#include "hal.h"
#include "object/pte.h"

#define PDPT   KT_FREE          /* slots */
#define PD     (KT_FREE + 1)
#define PT     (KT_FREE + 2)
#define FRAME  (KT_FREE + 10)   /* FRAME, FRAME + 1, ...: 4 KiB frames */
#define COPY   (KT_FREE + 100)
#define BIG    (KT_FREE + 101)  /* a 2 MiB frame */
#define PML4B  (KT_FREE + 102)  /* a second vspace, ASID 2 */
#define PDPTB  (KT_FREE + 103)
#define PDB    (KT_FREE + 104)
#define PTB    (KT_FREE + 105)
#define FRAMEB (KT_FREE + 106)

#define VA     0x400000ull      /* PML4 0, PDPT 0, PD 2, PT 0 */
#define VA2M   0x600000ull      /* PD 3: a 2 MiB page */
#define VA1G   0x40000000ull    /* PDPT 1: a 1 GiB page, written directly */
#define ROOT_ASID 1
#define RW     (KMM_RIGHT_READ | KMM_RIGHT_WRITE)
#define RO     KMM_RIGHT_READ

/* ---- helpers --------------------------------------------------------- */

static uint64_t root_pml4(void)
{
	return kt_cap(KMM_CAP_ROOT_VSPACE).paddr;
}

static uint64_t paddr_of(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static struct kmm_result map(uint64_t slot, uint64_t label, uint64_t vspace, unsigned nwords,
			     const uint64_t *w)
{
	struct kmm_msg m = kt_msg(slot, label, nwords, w, 1, &vspace);

	return kt_invoke(&m);
}

static void map_table(uint64_t slot, uint64_t label, uint64_t vspace, uint64_t va)
{
	uint64_t w[2] = { va, 0 };

	ck_assert_ok(map(slot, label, vspace, 2, w));
}

static void map_page(uint64_t slot, uint64_t vspace, uint64_t va, uint64_t rights)
{
	uint64_t w[3] = { va, rights, 0 };

	ck_assert_ok(map(slot, KMM_X86_PAGE_MAP, vspace, 3, w));
}

static void unmap_page(uint64_t slot)
{
	struct kmm_msg m = kt_msg(slot, KMM_X86_PAGE_UNMAP, 0, NULL, 0, NULL);

	ck_assert_ok(kt_invoke(&m));
}

/* PDPT, PD and PT of the root vspace covering VA, carved from ut. */
static void make_tables_from(uint64_t ut)
{
	kt_make(ut, KMM_OBJ_PDPT, 0, PDPT);
	kt_make(ut, KMM_OBJ_PAGE_DIRECTORY, 0, PD);
	kt_make(ut, KMM_OBJ_PAGE_TABLE, 0, PT);
	map_table(PDPT, KMM_X86_PDPT_MAP, KMM_CAP_ROOT_VSPACE, VA);
	map_table(PD, KMM_X86_PAGE_DIRECTORY_MAP, KMM_CAP_ROOT_VSPACE, VA);
	map_table(PT, KMM_X86_PAGE_TABLE_MAP, KMM_CAP_ROOT_VSPACE, VA);
}

static void make_tables(void)
{
	make_tables_from(kt_main_untyped());
}

/* n 4 KiB frames from ut at FRAME.., mapped at VA, VA + 4K, ... with rights. */
static void make_frames_from(uint64_t ut, unsigned n, uint64_t rights)
{
	struct kmm_result r = retype(ut, KMM_OBJ_4K_PAGE, 0, KT_ROOT, KT_DEPTH, FRAME, n);
	unsigned i;

	ck_assert_ok(r);
	for (i = 0; i < n; i++)
		map_page(FRAME + i, KMM_CAP_ROOT_VSPACE, VA + 4096ull * i, rights);
}

static void make_frames(unsigned n, uint64_t rights)
{
	make_frames_from(kt_main_untyped(), n, rights);
}

static void setup_one_page(void)
{
	make_tables();
	make_frames(1, RW);
}

/* Physical address of the entry at level for va under the root vspace. */
static uint64_t entry_at(unsigned level, uint64_t va)
{
	uint64_t table[4] = { root_pml4(), paddr_of(PDPT), paddr_of(PD), paddr_of(PT) };

	return table[level] + 8 * level_index((enum pt_level)level, va);
}

static uint64_t entry(unsigned level, uint64_t va)
{
	return *(uint64_t *)kt_phys(entry_at(level, va));
}

static bool access(enum hal_sim_access kind, uint64_t va, unsigned size, uint64_t *v,
		   struct hal_sim_fault *f)
{
	return hal_sim_user_access(0, kind, va, size, v, f);
}

static uint64_t peek(uint64_t va, unsigned size)
{
	struct hal_sim_fault f;
	uint64_t v = 0;

	ck_assert_msg(access(HAL_SIM_READ, va, size, &v, &f),
		      "read of %#llx faulted: reason %d level %u", (unsigned long long)va,
		      (int)f.reason, f.level);
	return v;
}

static void poke(uint64_t va, unsigned size, uint64_t v)
{
	struct hal_sim_fault f;

	ck_assert_msg(access(HAL_SIM_WRITE, va, size, &v, &f),
		      "write of %#llx faulted: reason %d level %u", (unsigned long long)va,
		      (int)f.reason, f.level);
}

/* The access faults with exactly this record. */
static void assert_fault(enum hal_sim_access kind, uint64_t va, unsigned size,
			 enum hal_sim_fault_reason reason, unsigned level, uint64_t fault_va)
{
	struct hal_sim_fault f;
	uint64_t v = 0x5a5a;

	ck_assert(!access(kind, va, size, &v, &f));
	ck_assert_uint_eq(f.vaddr, fault_va);
	ck_assert_int_eq(f.access, kind);
	ck_assert_int_eq(f.reason, reason);
	ck_assert_uint_eq(f.level, level);
}

static struct hal_sim_tlb_stats stats(void)
{
	struct hal_sim_tlb_stats s;

	hal_sim_tlb_stats(0, &s);
	return s;
}

static void assert_stats(uint64_t hits, uint64_t misses, uint64_t fills, uint64_t evictions,
			 uint64_t invalidations)
{
	struct hal_sim_tlb_stats s = stats();

	ck_assert_uint_eq(s.hits, hits);
	ck_assert_uint_eq(s.misses, misses);
	ck_assert_uint_eq(s.fills, fills);
	ck_assert_uint_eq(s.evictions, evictions);
	ck_assert_uint_eq(s.invalidations, invalidations);
}

struct collected {
	struct hal_sim_tlb_entry e[8];
	unsigned n;
};

static bool collect(const struct hal_sim_tlb_entry *e, void *ctx)
{
	struct collected *c = ctx;

	if (c->n < 8)
		c->e[c->n] = *e;
	c->n++;
	return true;
}

static struct collected tlb_entries(void)
{
	struct collected c = { .n = 0 };

	hal_sim_tlb_foreach(collect, &c);
	return c;
}

static void assert_no_stale(void)
{
	struct hal_sim_stale s;

	ck_assert(!hal_sim_stale_violation(&s));
	ck_assert(hal_sim_tlb_check(&s));
}

/* ---- PTE encoding (pte.h) -------------------------------------------- */

START_TEST(pte_bits_sit_where_x86_puts_them)
{
	ck_assert_uint_eq(PTE_P, 0x1);
	ck_assert_uint_eq(PTE_RW, 0x2);
	ck_assert_uint_eq(PTE_US, 0x4);
	ck_assert_uint_eq(PTE_PWT, 0x8);
	ck_assert_uint_eq(PTE_PCD, 0x10);
	ck_assert_uint_eq(PTE_A, 0x20);
	ck_assert_uint_eq(PTE_D, 0x40);
	ck_assert_uint_eq(PTE_PS, 0x80);
	ck_assert_uint_eq(PTE_G, 0x100);
	ck_assert_uint_eq(PTE_PATLG, 0x1000);
	ck_assert_uint_eq(PTE_NX, 0x8000000000000000ull);
	ck_assert_uint_eq(PTE_ADDR_MASK, 0x000ffffffffff000ull);
}
END_TEST

START_TEST(pte_frame_encodes_rights_cache_and_size)
{
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_WRITE, 0, LVL_PT), 0x5007);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_ONLY, 0, LVL_PT), 0x5005);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_KERNEL_ONLY, 0, LVL_PT), 0x5003);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_WRITE, 1, LVL_PT), 0x500f);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_WRITE, 2, LVL_PT), 0x5017);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_WRITE, 3, LVL_PT), 0x501f);
	ck_assert_uint_eq(pte_frame(0x5000, KMM_VM_READ_WRITE, 4, LVL_PT), 0x5087);
	ck_assert_uint_eq(pte_frame(0x200000, KMM_VM_READ_WRITE, 0, LVL_PD), 0x200087);
	ck_assert_uint_eq(pte_frame(0x200000, KMM_VM_READ_WRITE, 4, LVL_PD), 0x201087);
	ck_assert_uint_eq(pte_frame(0x40000000, KMM_VM_READ_ONLY, 0, LVL_PDPT), 0x40000085);
	ck_assert_uint_eq(pte_table(0x7000), 0x7007);
}
END_TEST

START_TEST(pte_decoders_read_present_address_and_size)
{
	uint64_t e = PTE_NX | 0x123456789000ull | PTE_G | PTE_D | PTE_A | PTE_US | PTE_P;

	ck_assert(pte_present(e));
	ck_assert(!pte_present(e & ~PTE_P));
	ck_assert_uint_eq(pte_addr(e), 0x123456789000ull);
	ck_assert(pte_is_large(PTE_PS | PTE_P, LVL_PDPT));
	ck_assert(pte_is_large(PTE_PS | PTE_P, LVL_PD));
	ck_assert(!pte_is_large(PTE_PS | PTE_P, LVL_PT));
	ck_assert(!pte_is_large(PTE_PS | PTE_P, LVL_PML4));
	ck_assert_uint_eq(level_shift(LVL_PML4), 39);
	ck_assert_uint_eq(level_shift(LVL_PT), 12);
	ck_assert_uint_eq(level_index(LVL_PML4, 0x00007f8000000000ull), 255);
	ck_assert_uint_eq(level_index(LVL_PDPT, VA1G), 1);
	ck_assert_uint_eq(level_index(LVL_PD, VA2M), 3);
	ck_assert_uint_eq(level_index(LVL_PT, VA + 0x5000), 5);
}
END_TEST

START_TEST(kernel_map_writes_the_exact_entries)
{
	setup_one_page();
	ck_assert_uint_eq(entry(LVL_PML4, VA), paddr_of(PDPT) | 0x7);
	ck_assert_uint_eq(entry(LVL_PDPT, VA), paddr_of(PD) | 0x7);
	ck_assert_uint_eq(entry(LVL_PD, VA), paddr_of(PT) | 0x7);
	ck_assert_uint_eq(entry(LVL_PT, VA), paddr_of(FRAME) | 0x7);
}
END_TEST

/* ---- the walker ------------------------------------------------------- */

START_TEST(walk_4k_page_goes_through_four_levels)
{
	uint64_t pa = 0, leaf = 0;
	unsigned level = 9;

	setup_one_page();
	ck_assert(hal_sim_translate(root_pml4(), VA + 0x123, &pa, &leaf, &level));
	ck_assert_uint_eq(pa, paddr_of(FRAME) + 0x123);
	ck_assert_uint_eq(leaf, paddr_of(FRAME) | 0x7);
	ck_assert_uint_eq(level, LVL_PT);
	*(uint64_t *)kt_phys(paddr_of(FRAME) + 0x120) = 0x0102030405060708ull;
	ck_assert_uint_eq(peek(VA + 0x120, 8), 0x0102030405060708ull);
	ck_assert_uint_eq(peek(VA + 0x121, 2), 0x0607);
}
END_TEST

START_TEST(walk_2m_page_stops_at_the_pd)
{
	uint64_t pa = 0, leaf = 0, base;
	unsigned level = 9;

	make_tables();
	kt_make(kt_main_untyped(), KMM_OBJ_LARGE_PAGE, 0, BIG);
	map_page(BIG, KMM_CAP_ROOT_VSPACE, VA2M, RW);
	base = paddr_of(BIG);
	ck_assert(hal_sim_translate(root_pml4(), VA2M + 0x12345, &pa, &leaf, &level));
	ck_assert_uint_eq(pa, base + 0x12345);
	ck_assert_uint_eq(leaf, base | 0x87);
	ck_assert_uint_eq(level, LVL_PD);
	poke(VA2M + 0x1ffff8, 8, 0xfeedull);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(base + 0x1ffff8), 0xfeedull);
}
END_TEST

START_TEST(walk_1g_page_stops_at_the_pdpt)
{
	uint64_t pa = 0, at, frame;
	unsigned level = 9;

	setup_one_page();
	frame = paddr_of(FRAME);
	at = entry_at(LVL_PDPT, VA1G);
	hal_pte_write(at, PTE_P | PTE_RW | PTE_US | PTE_PS);  /* physical [0, 1 GiB) */
	ck_assert(hal_sim_translate(root_pml4(), VA1G + frame + 8, &pa, NULL, &level));
	ck_assert_uint_eq(pa, frame + 8);
	ck_assert_uint_eq(level, LVL_PDPT);
	*(uint64_t *)kt_phys(frame + 8) = 0xabcdefull;
	ck_assert_uint_eq(peek(VA1G + frame + 8, 8), 0xabcdefull);
	hal_tlb_invalidate_page(ROOT_ASID, VA1G);
	hal_pte_write(at, 0);
}
END_TEST

START_TEST(walk_large_page_with_misaligned_address_is_a_reserved_bit_fault)
{
	uint64_t at;

	setup_one_page();
	at = entry_at(LVL_PDPT, VA1G);
	hal_pte_write(at, (1ull << 13) | PTE_P | PTE_RW | PTE_US | PTE_PS);
	assert_fault(HAL_SIM_READ, VA1G, 8, HAL_SIM_FAULT_PROTECTION, LVL_PDPT, VA1G);
	hal_pte_write(at, PTE_PATLG | PTE_P | PTE_RW | PTE_US | PTE_PS);  /* PAT is fine */
	ck_assert_uint_eq(peek(VA1G + paddr_of(FRAME), 1), 0);
	hal_tlb_invalidate_page(ROOT_ASID, VA1G);
	hal_pte_write(at, 0);
}
END_TEST

START_TEST(walk_ps_in_a_pml4_entry_is_a_reserved_bit_fault)
{
	uint64_t at, old;

	setup_one_page();
	at = entry_at(LVL_PML4, VA);
	old = entry(LVL_PML4, VA);
	hal_pte_write(at, old | PTE_PS);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PML4, VA);
	hal_pte_write(at, old);
}
END_TEST

START_TEST(walk_stops_not_present_at_each_missing_level)
{
	uint64_t ut = kt_main_untyped();

	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PML4, VA);
	kt_make(ut, KMM_OBJ_PDPT, 0, PDPT);
	map_table(PDPT, KMM_X86_PDPT_MAP, KMM_CAP_ROOT_VSPACE, VA);
	assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PDPT, VA);
	kt_make(ut, KMM_OBJ_PAGE_DIRECTORY, 0, PD);
	map_table(PD, KMM_X86_PAGE_DIRECTORY_MAP, KMM_CAP_ROOT_VSPACE, VA);
	assert_fault(HAL_SIM_EXEC, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PD, VA);
	kt_make(ut, KMM_OBJ_PAGE_TABLE, 0, PT);
	map_table(PT, KMM_X86_PAGE_TABLE_MAP, KMM_CAP_ROOT_VSPACE, VA);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA);
	ck_assert(!hal_sim_translate(root_pml4(), VA, NULL, NULL, NULL));
}
END_TEST

START_TEST(walk_rejects_non_canonical_addresses)
{
	unsigned level = 9;

	setup_one_page();
	assert_fault(HAL_SIM_READ, 0x0000800000000000ull, 8, HAL_SIM_FAULT_NON_CANONICAL, 0,
		     0x0000800000000000ull);
	assert_fault(HAL_SIM_WRITE, 0xfffe800000400000ull, 4, HAL_SIM_FAULT_NON_CANONICAL, 0,
		     0xfffe800000400000ull);
	ck_assert(!hal_sim_translate(root_pml4(), 0x0001000000400000ull, NULL, NULL, &level));
	ck_assert_uint_eq(level, 0);
	/* Canonical upper half: walks, and the root PML4 has nothing there. */
	assert_fault(HAL_SIM_READ, 0xffff800000400000ull, 8, HAL_SIM_FAULT_NOT_PRESENT,
		     LVL_PML4, 0xffff800000400000ull);
	/* The top of the lower half is canonical. */
	assert_fault(HAL_SIM_READ, 0x00007ffffffff000ull, 8, HAL_SIM_FAULT_NOT_PRESENT,
		     LVL_PML4, 0x00007ffffffff000ull);
}
END_TEST

START_TEST(walk_read_only_page_refuses_writes_at_the_leaf)
{
	make_tables();
	make_frames(1, RO);
	*(uint64_t *)kt_phys(paddr_of(FRAME)) = 77;
	ck_assert_uint_eq(peek(VA, 8), 77);
	assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(paddr_of(FRAME)), 77);
	ck_assert_uint_eq(entry(LVL_PT, VA), paddr_of(FRAME) | 0x25);
}
END_TEST

START_TEST(walk_kernel_only_page_refuses_user_access)
{
	make_tables();
	make_frames(1, 0);  /* no Read right: KernelOnly, no US */
	ck_assert_uint_eq(entry(LVL_PT, VA), paddr_of(FRAME) | 0x3);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
	assert_fault(HAL_SIM_EXEC, VA, 1, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
}
END_TEST

/* Clear bits in the entry at level for VA, run the checks, put it back. */
static uint64_t clear_bits(unsigned level, uint64_t bits)
{
	uint64_t old = entry(level, VA);

	hal_pte_write(entry_at(level, VA), old & ~bits);
	return old;
}

START_TEST(walk_write_needs_rw_at_every_level)
{
	unsigned level;

	setup_one_page();
	for (level = LVL_PML4; level <= LVL_PT; level++) {
		uint64_t old = clear_bits(level, PTE_RW);

		ck_assert_uint_eq(peek(VA, 8), 0);
		assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
		hal_tlb_invalidate_page(ROOT_ASID, VA);
		hal_pte_write(entry_at(level, VA), old);
	}
	poke(VA, 8, 1);
}
END_TEST

START_TEST(walk_user_access_needs_us_at_every_level)
{
	unsigned level;

	setup_one_page();
	for (level = LVL_PML4; level <= LVL_PT; level++) {
		uint64_t old = clear_bits(level, PTE_US);

		assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
		hal_pte_write(entry_at(level, VA), old);
	}
	ck_assert_uint_eq(peek(VA, 8), 0);
}
END_TEST

START_TEST(walk_nx_at_any_level_forbids_only_fetch)
{
	unsigned level;
	uint64_t v = 0;

	setup_one_page();
	ck_assert(access(HAL_SIM_EXEC, VA, 8, &v, NULL));
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	for (level = LVL_PML4; level <= LVL_PT; level++) {
		uint64_t old = entry(level, VA);

		hal_pte_write(entry_at(level, VA), old | PTE_NX);
		assert_fault(HAL_SIM_EXEC, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
		poke(VA, 8, level);
		ck_assert_uint_eq(peek(VA, 8), level);
		hal_tlb_invalidate_page(ROOT_ASID, VA);
		hal_pte_write(entry_at(level, VA), old);
	}
}
END_TEST

START_TEST(no_vspace_loaded_makes_every_access_fault)
{
	setup_one_page();
	hal_vspace_load(0, 0);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, 0, VA);
	ck_assert_uint_eq(hal_sim_vspace(0, NULL), 0);
	hal_vspace_load(root_pml4(), ROOT_ASID);
	ck_assert_uint_eq(peek(VA, 8), 0);
}
END_TEST

/* ---- user accesses ---------------------------------------------------- */

START_TEST(access_sizes_are_little_endian)
{
	setup_one_page();
	poke(VA + 8, 8, 0x8877665544332211ull);
	ck_assert_uint_eq(peek(VA + 8, 1), 0x11);
	ck_assert_uint_eq(peek(VA + 9, 2), 0x3322);
	ck_assert_uint_eq(peek(VA + 12, 4), 0x88776655);
	poke(VA + 10, 2, 0xbeef);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(paddr_of(FRAME) + 8), 0x88776655beef2211ull);
}
END_TEST

START_TEST(access_across_a_page_boundary_is_split)
{
	make_tables();
	make_frames(2, RW);
	poke(VA + 4093, 8, 0x0807060504030201ull);
	ck_assert_uint_eq(*(uint32_t *)kt_phys(paddr_of(FRAME) + 4092) >> 8, 0x030201);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(paddr_of(FRAME + 1)) & 0xffffffffff,
			  0x0807060504ull);
	ck_assert_uint_eq(peek(VA + 4093, 8), 0x0807060504030201ull);
	assert_stats(2, 2, 2, 0, 0);
}
END_TEST

START_TEST(access_faulting_in_its_second_page_writes_nothing)
{
	make_tables();
	make_frames(1, RW);
	assert_fault(HAL_SIM_WRITE, VA + 4094, 4, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA + 4096);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(paddr_of(FRAME) + 4088), 0);
}
END_TEST

/* ---- Accessed and Dirty ----------------------------------------------- */

static void assert_ad(uint64_t upper_bits, uint64_t leaf_bits)
{
	unsigned level;

	for (level = LVL_PML4; level < LVL_PT; level++)
		ck_assert_uint_eq(entry(level, VA) & (PTE_A | PTE_D), upper_bits);
	ck_assert_uint_eq(entry(LVL_PT, VA) & (PTE_A | PTE_D), leaf_bits);
}

START_TEST(read_sets_accessed_in_every_entry_and_no_dirty)
{
	setup_one_page();
	assert_ad(0, 0);
	peek(VA, 8);
	assert_ad(PTE_A, PTE_A);
	ck_assert_uint_eq(entry(LVL_PT, VA), paddr_of(FRAME) | 0x27);
}
END_TEST

START_TEST(write_sets_accessed_everywhere_and_dirty_in_the_leaf)
{
	setup_one_page();
	poke(VA, 4, 1);
	assert_ad(PTE_A, PTE_A | PTE_D);
	ck_assert_uint_eq(entry(LVL_PT, VA), paddr_of(FRAME) | 0x67);
}
END_TEST

START_TEST(write_hitting_an_entry_filled_by_a_read_sets_dirty)
{
	setup_one_page();
	peek(VA, 8);
	assert_ad(PTE_A, PTE_A);
	poke(VA, 8, 3);
	assert_ad(PTE_A, PTE_A | PTE_D);
	assert_stats(1, 1, 1, 0, 0);
}
END_TEST

START_TEST(faulting_access_sets_no_bits)
{
	make_tables();
	make_frames(1, RO);
	assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
	assert_ad(0, 0);
	assert_stats(0, 1, 0, 0, 0);
}
END_TEST

/* ---- the TLB ---------------------------------------------------------- */

START_TEST(tlb_miss_fills_and_the_next_access_hits)
{
	struct collected c;

	setup_one_page();
	assert_stats(0, 0, 0, 0, 0);
	peek(VA + 16, 8);
	assert_stats(0, 1, 1, 0, 0);
	peek(VA + 24, 4);
	assert_stats(1, 1, 1, 0, 0);
	c = tlb_entries();
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.e[0].core, 0);
	ck_assert_uint_eq(c.e[0].asid, ROOT_ASID);
	ck_assert_uint_eq(c.e[0].vaddr, VA);
	ck_assert_uint_eq(c.e[0].paddr, paddr_of(FRAME));
	ck_assert_uint_eq(c.e[0].level, LVL_PT);
	ck_assert(c.e[0].write && c.e[0].user && c.e[0].exec && !c.e[0].dirty);
	ck_assert_uint_eq(c.e[0].generation, hal_sim_frame_generation(paddr_of(FRAME)));
	ck_assert_uint_eq(c.e[0].pml4, root_pml4());
	ck_assert_uint_eq(c.e[0].leaf_pte, entry_at(LVL_PT, VA));
}
END_TEST

START_TEST(tlb_hit_uses_the_cached_translation)
{
	setup_one_page();
	*(uint64_t *)kt_phys(paddr_of(FRAME)) = 5;
	ck_assert_uint_eq(peek(VA, 8), 5);
	/* Retarget the leaf by hand: the TLB still answers with the old frame. */
	hal_pte_write(entry_at(LVL_PT, VA), (paddr_of(FRAME) + 4096) | 0x7);
	ck_assert_uint_eq(peek(VA, 8), 5);
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	ck_assert_uint_eq(peek(VA, 8), 0);
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	hal_pte_write(entry_at(LVL_PT, VA), paddr_of(FRAME) | 0x7);
	hal_sim_clear_stale();
}
END_TEST

START_TEST(tlb_holds_64_entries_by_default)
{
	unsigned i;

	make_tables();
	make_frames(65, RW);
	for (i = 0; i < 64; i++)
		peek(VA + 4096ull * i, 8);
	assert_stats(0, 64, 64, 0, 0);
	ck_assert_uint_eq(tlb_entries().n, 64);
	peek(VA + 4096ull * 64, 8);
	assert_stats(0, 65, 65, 1, 0);
	ck_assert_uint_eq(tlb_entries().n, 64);
	peek(VA + 4096ull * 1, 8);      /* still there */
	assert_stats(1, 65, 65, 1, 0);
	peek(VA, 8);                     /* the least recently used went */
	assert_stats(1, 66, 66, 2, 0);
}
END_TEST

START_TEST(tlb_invalidate_page_drops_only_that_page)
{
	struct collected c;

	make_tables();
	make_frames(2, RW);
	peek(VA, 8);
	peek(VA + 4096, 8);
	hal_tlb_invalidate_page(ROOT_ASID, VA + 0x800);
	assert_stats(0, 2, 2, 0, 1);
	c = tlb_entries();
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.e[0].vaddr, VA + 4096);
	hal_tlb_invalidate_page(ROOT_ASID + 1, VA + 4096);  /* another ASID: nothing */
	assert_stats(0, 2, 2, 0, 1);
	peek(VA, 8);
	assert_stats(0, 3, 3, 0, 1);
}
END_TEST

START_TEST(tlb_invalidate_page_drops_a_large_page_covering_it)
{
	make_tables();
	kt_make(kt_main_untyped(), KMM_OBJ_LARGE_PAGE, 0, BIG);
	map_page(BIG, KMM_CAP_ROOT_VSPACE, VA2M, RW);
	peek(VA2M, 8);
	peek(VA2M + 0x1f0000, 8);
	assert_stats(1, 1, 1, 0, 0);
	hal_tlb_invalidate_page(ROOT_ASID, VA2M + 0x123456);
	assert_stats(1, 1, 1, 0, 1);
	ck_assert_uint_eq(tlb_entries().n, 0);
}
END_TEST

START_TEST(tlb_flush_all_drops_every_entry)
{
	make_tables();
	make_frames(3, RW);
	peek(VA, 8);
	peek(VA + 4096, 8);
	peek(VA + 8192, 8);
	hal_sim_tlb_flush_all(0);
	assert_stats(0, 3, 3, 0, 3);
	ck_assert_uint_eq(tlb_entries().n, 0);
}
END_TEST

/* A second vspace (ASID 2) with FRAMEB at VA, loaded on core 0. */
static void make_second_vspace(void)
{
	uint64_t ut = kt_main_untyped(), pool = KMM_CAP_ROOT_ASID_POOL;
	struct kmm_msg m;

	kt_make(ut, KMM_OBJ_PML4, 0, PML4B);
	m = kt_msg(pool, KMM_X86_ASID_POOL_ASSIGN, 0, NULL, 1, (uint64_t[]){ PML4B });
	ck_assert_ok(kt_invoke(&m));
	kt_make(ut, KMM_OBJ_PDPT, 0, PDPTB);
	kt_make(ut, KMM_OBJ_PAGE_DIRECTORY, 0, PDB);
	kt_make(ut, KMM_OBJ_PAGE_TABLE, 0, PTB);
	kt_make(ut, KMM_OBJ_4K_PAGE, 0, FRAMEB);
	map_table(PDPTB, KMM_X86_PDPT_MAP, PML4B, VA);
	map_table(PDB, KMM_X86_PAGE_DIRECTORY_MAP, PML4B, VA);
	map_table(PTB, KMM_X86_PAGE_TABLE_MAP, PML4B, VA);
	map_page(FRAMEB, PML4B, VA, RW);
}

START_TEST(tlb_entries_of_other_asids_survive_a_vspace_load)
{
	unsigned asid = 0;

	setup_one_page();
	make_second_vspace();
	*(uint64_t *)kt_phys(paddr_of(FRAME)) = 111;
	*(uint64_t *)kt_phys(paddr_of(FRAMEB)) = 222;
	ck_assert_uint_eq(peek(VA, 8), 111);
	hal_vspace_load(paddr_of(PML4B), 2);
	ck_assert_uint_eq(hal_sim_vspace(0, &asid), paddr_of(PML4B));
	ck_assert_uint_eq(asid, 2);
	ck_assert_uint_eq(peek(VA, 8), 222);
	assert_stats(0, 2, 2, 0, 0);
	hal_vspace_load(root_pml4(), ROOT_ASID);
	ck_assert_uint_eq(peek(VA, 8), 111);
	hal_vspace_load(paddr_of(PML4B), 2);
	ck_assert_uint_eq(peek(VA, 8), 222);
	assert_stats(2, 2, 2, 0, 0);
	ck_assert_uint_eq(tlb_entries().n, 2);
	hal_vspace_load(root_pml4(), ROOT_ASID);
	assert_no_stale();
}
END_TEST

START_TEST(tlb_invalidate_asid_drops_that_asid_only)
{
	struct collected c;

	setup_one_page();
	make_second_vspace();
	peek(VA, 8);
	hal_vspace_load(paddr_of(PML4B), 2);
	peek(VA, 8);
	hal_tlb_invalidate_asid(ROOT_ASID);
	assert_stats(0, 2, 2, 0, 1);
	c = tlb_entries();
	ck_assert_uint_eq(c.n, 1);
	ck_assert_uint_eq(c.e[0].asid, 2);
	ck_assert_uint_eq(c.e[0].paddr, paddr_of(FRAMEB));
	hal_vspace_load(root_pml4(), ROOT_ASID);
}
END_TEST

/* ---- the stale-translation detector ----------------------------------- */

START_TEST(stale_clearing_a_pte_without_invalidation_is_caught)
{
	uint64_t frame, g0, leaf;
	struct hal_sim_stale s;

	setup_one_page();
	frame = paddr_of(FRAME);
	leaf = entry(LVL_PT, VA);
	poke(VA + 8, 8, 0x1122334455667788ull);
	g0 = hal_sim_frame_generation(frame);
	hal_pte_write(entry_at(LVL_PT, VA), 0);
	ck_assert_uint_eq(hal_sim_frame_generation(frame), g0 + 1);
	ck_assert(!hal_sim_stale_violation(NULL));
	ck_assert_uint_eq(peek(VA + 8, 8), 0x1122334455667788ull);  /* the stale translation */
	ck_assert(hal_sim_stale_violation(&s));
	ck_assert_uint_eq(s.core, 0);
	ck_assert_uint_eq(s.asid, ROOT_ASID);
	ck_assert_uint_eq(s.vaddr, VA + 8);
	ck_assert_uint_eq(s.frame, frame);
	ck_assert_uint_eq(s.level, LVL_PT);
	ck_assert_uint_eq(s.recorded_gen, g0);
	ck_assert_uint_eq(s.current_gen, g0 + 1);
	ck_assert_int_eq(s.check, HAL_SIM_STALE_GENERATION);
	ck_assert(!hal_sim_tlb_check(&s));
	ck_assert_uint_eq(s.vaddr, VA);
	ck_assert_int_eq(s.check, HAL_SIM_STALE_GENERATION);
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	hal_pte_write(entry_at(LVL_PT, VA), leaf);
	hal_sim_clear_stale();
	assert_no_stale();
}
END_TEST

START_TEST(stale_clearing_a_pte_with_invalidation_faults_cleanly)
{
	uint64_t leaf;

	setup_one_page();
	leaf = entry(LVL_PT, VA);
	peek(VA, 8);
	hal_pte_write(entry_at(LVL_PT, VA), 0);
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	assert_fault(HAL_SIM_READ, VA + 8, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA + 8);
	assert_no_stale();
	hal_pte_write(entry_at(LVL_PT, VA), leaf);
}
END_TEST

START_TEST(stale_kernel_unmap_leaves_nothing_stale)
{
	uint64_t g0;

	setup_one_page();
	poke(VA, 8, 9);
	g0 = hal_sim_frame_generation(paddr_of(FRAME));
	unmap_page(FRAME);
	ck_assert_uint_eq(hal_sim_frame_generation(paddr_of(FRAME)), g0 + 1);
	assert_stats(0, 1, 1, 0, 1);
	assert_no_stale();
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA);
}
END_TEST

START_TEST(stale_unmapping_one_copy_keeps_the_other_mapping_current)
{
	uint64_t g0, frame;

	setup_one_page();
	frame = paddr_of(FRAME);
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, FRAME, KT_DEPTH, KMM_RIGHTS_ALL));
	map_page(COPY, KMM_CAP_ROOT_VSPACE, VA + 4096, RW);
	poke(VA, 8, 42);
	ck_assert_uint_eq(peek(VA + 4096, 8), 42);
	g0 = hal_sim_frame_generation(frame);
	unmap_page(COPY);
	ck_assert_uint_eq(hal_sim_frame_generation(frame), g0 + 1);
	ck_assert_uint_eq(peek(VA, 8), 42);
	assert_stats(1, 2, 2, 0, 1);
	assert_no_stale();
	assert_fault(HAL_SIM_READ, VA + 4096, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA + 4096);
}
END_TEST

START_TEST(stale_revoke_of_the_original_unmaps_every_copy_cleanly)
{
	setup_one_page();
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, FRAME, KT_DEPTH, KMM_RIGHTS_ALL));
	map_page(COPY, KMM_CAP_ROOT_VSPACE, VA + 4096, RW);
	peek(VA, 8);
	peek(VA + 4096, 8);
	ck_assert_ok(cnode_revoke(FRAME, KT_DEPTH));
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 1);
	ck_assert_uint_eq(peek(VA, 8), 0);
	assert_fault(HAL_SIM_READ, VA + 4096, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PT, VA + 4096);
}
END_TEST

START_TEST(stale_unhooked_table_is_caught_by_the_walk)
{
	uint64_t pde, g;
	struct hal_sim_stale s;

	setup_one_page();
	peek(VA, 8);
	pde = entry(LVL_PD, VA);
	g = hal_sim_frame_generation(paddr_of(FRAME));
	hal_pte_write(entry_at(LVL_PD, VA), 0);
	ck_assert_uint_eq(hal_sim_frame_generation(paddr_of(FRAME)), g);
	peek(VA, 8);
	ck_assert(hal_sim_stale_violation(&s));
	ck_assert_uint_eq(s.vaddr, VA);
	ck_assert_uint_eq(s.recorded_gen, g);
	ck_assert_uint_eq(s.current_gen, g);
	ck_assert_int_eq(s.check, HAL_SIM_STALE_WALK);
	hal_tlb_invalidate_asid(ROOT_ASID);
	hal_pte_write(entry_at(LVL_PD, VA), pde);
	hal_sim_clear_stale();
	assert_no_stale();
}
END_TEST

START_TEST(stale_weakening_without_invalidation_is_caught_strengthening_is_not)
{
	uint64_t at, rw;
	struct hal_sim_stale s;

	setup_one_page();
	at = entry_at(LVL_PT, VA);
	rw = entry(LVL_PT, VA) & ~(PTE_A | PTE_D);
	peek(VA, 8);
	hal_pte_write(at, rw & ~PTE_RW);                /* weaken: stale */
	peek(VA, 8);
	ck_assert(hal_sim_stale_violation(&s));
	ck_assert_int_eq(s.check, HAL_SIM_STALE_GENERATION);
	hal_sim_clear_stale();
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	peek(VA, 8);                                    /* refill read-only */
	hal_pte_write(at, rw);                          /* strengthen: fine */
	peek(VA, 8);
	assert_no_stale();
	assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);  /* spurious */
	poke(VA, 8, 1);                                 /* the fault dropped the entry */
	assert_no_stale();
}
END_TEST

START_TEST(stale_reused_memory_is_caught_by_its_generation)
{
	struct hal_sim_stale s;
	uint64_t g;

	setup_one_page();
	peek(VA, 8);
	g = hal_sim_frame_generation(paddr_of(FRAME));
	hal_memory_zero(paddr_of(FRAME) + 256, 256);
	ck_assert_uint_eq(hal_sim_frame_generation(paddr_of(FRAME)), g + 1);
	ck_assert(!hal_sim_tlb_check(&s));
	ck_assert_int_eq(s.check, HAL_SIM_STALE_GENERATION);
	ck_assert_uint_eq(s.recorded_gen, g);
	ck_assert_uint_eq(s.current_gen, g + 1);
	hal_tlb_invalidate_page(ROOT_ASID, VA);
	assert_no_stale();
}
END_TEST

START_TEST(stale_large_page_unmap_ages_every_frame_inside)
{
	uint64_t base, g_first, g_last, g_next;

	make_tables();
	kt_make(kt_main_untyped(), KMM_OBJ_LARGE_PAGE, 0, BIG);
	map_page(BIG, KMM_CAP_ROOT_VSPACE, VA2M, RW);
	base = paddr_of(BIG);
	peek(VA2M + 0x1000, 8);
	g_first = hal_sim_frame_generation(base);
	g_last = hal_sim_frame_generation(base + 0x1ff000);
	g_next = hal_sim_frame_generation(base + 0x200000);
	unmap_page(BIG);
	ck_assert_uint_eq(hal_sim_frame_generation(base), g_first + 1);
	ck_assert_uint_eq(hal_sim_frame_generation(base + 0x1ff000), g_last + 1);
	ck_assert_uint_eq(hal_sim_frame_generation(base + 0x200000), g_next);
	assert_stats(0, 1, 1, 0, 1);
	assert_no_stale();
	assert_fault(HAL_SIM_READ, VA2M, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PD, VA2M);
}
END_TEST

START_TEST(stale_unmap_in_a_vspace_no_core_loaded_ages_the_frame)
{
	uint64_t g0;

	make_second_vspace();
	g0 = hal_sim_frame_generation(paddr_of(FRAMEB));
	unmap_page(FRAMEB);
	ck_assert_uint_eq(hal_sim_frame_generation(paddr_of(FRAMEB)), g0 + 1);
}
END_TEST

/* ---- kernel teardown orders leave no stale entry ---------------------- */

/* Two pages at VA and VA + 4K, both in core 0's TLB. */
static void two_cached_pages(uint64_t ut)
{
	make_tables_from(ut);
	make_frames_from(ut, 2, RW);
	poke(VA, 8, 1);
	poke(VA + 4096, 8, 2);
	ck_assert_uint_eq(tlb_entries().n, 2);
}

START_TEST(teardown_page_table_unmap_flushes_every_page_below)
{
	struct kmm_msg m = kt_msg(PT, KMM_X86_PAGE_TABLE_UNMAP, 0, NULL, 0, NULL);

	two_cached_pages(kt_main_untyped());
	ck_assert_ok(kt_invoke(&m));
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 0);
	assert_fault(HAL_SIM_READ, VA + 4096, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PD, VA + 4096);
}
END_TEST

START_TEST(teardown_delete_of_the_page_directory_flushes_the_asid)
{
	two_cached_pages(kt_main_untyped());
	ck_assert_ok(cnode_delete(PD, KT_DEPTH));
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 0);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PDPT, VA);
}
END_TEST

START_TEST(teardown_delete_of_a_vspace_flushes_its_asid)
{
	make_second_vspace();
	hal_vspace_load(paddr_of(PML4B), 2);
	peek(VA, 8);
	hal_vspace_load(root_pml4(), ROOT_ASID);
	ck_assert_ok(cnode_delete(PML4B, KT_DEPTH));
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 0);
}
END_TEST

START_TEST(teardown_revoke_of_the_untyped_under_live_mappings_then_reuse)
{
	uint64_t ut = KT_FREE + 200;
	struct kmm_result r;

	kt_make_untyped(20, ut);
	two_cached_pages(ut);
	ck_assert_ok(cnode_revoke(ut, KT_DEPTH));
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 0);
	assert_fault(HAL_SIM_READ, VA, 8, HAL_SIM_FAULT_NOT_PRESENT, LVL_PML4, VA);
	r = retype(ut, KMM_OBJ_4K_PAGE, 0, KT_ROOT, KT_DEPTH, FRAME, 2);
	ck_assert_ok(r);
	assert_no_stale();
}
END_TEST

START_TEST(teardown_remap_read_only_leaves_no_writable_entry)
{
	setup_one_page();
	poke(VA, 8, 6);
	map_page(FRAME, KMM_CAP_ROOT_VSPACE, VA, RO);
	assert_no_stale();
	ck_assert_uint_eq(tlb_entries().n, 0);
	assert_fault(HAL_SIM_WRITE, VA, 8, HAL_SIM_FAULT_PROTECTION, LVL_PT, VA);
	ck_assert_uint_eq(peek(VA, 8), 6);
}
END_TEST

/* ---- a TLB of 4 entries ------------------------------------------------ */

static void on_panic(const char *msg, void *ctx)
{
	(void)ctx;
	ck_abort_msg("kernel panic: %s", msg);
}

static void boot_small_tlb(void)
{
	struct hal_sim_config hc = { KT_MEM, 1, 4 };
	struct kmm_boot_config kc = { KT_ROOT_BITS, KMM_DEFAULT_WORK_UNITS };

	ck_assert_int_eq(hal_sim_configure(&hc), HAL_SIM_OK);
	hal_sim_set_console(NULL, NULL);
	hal_sim_set_panic_hook(on_panic, NULL);
	ck_assert(kmm_boot(&kc));
	kt_check_at_teardown = true;
}

START_TEST(tlb_of_four_evicts_the_least_recently_used)
{
	struct collected c;
	unsigned i;

	make_tables();
	make_frames(5, RW);
	for (i = 0; i < 4; i++)
		peek(VA + 4096ull * i, 8);
	peek(VA, 8);                    /* page 0 is now the most recent */
	peek(VA + 4096ull * 4, 8);      /* evicts page 1 */
	assert_stats(1, 5, 5, 1, 0);
	c = tlb_entries();
	ck_assert_uint_eq(c.n, 4);
	ck_assert_uint_eq(c.e[0].vaddr, VA);
	ck_assert_uint_eq(c.e[1].vaddr, VA + 4096ull * 4);
	ck_assert_uint_eq(c.e[2].vaddr, VA + 4096ull * 2);
	ck_assert_uint_eq(c.e[3].vaddr, VA + 4096ull * 3);
	peek(VA + 4096ull * 1, 8);      /* misses, evicts page 2 */
	assert_stats(1, 6, 6, 2, 0);
	ck_assert_uint_eq(tlb_entries().e[2].vaddr, VA + 4096ull * 1);
}
END_TEST

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *pte = kt_tcase("pte"), *walk = kt_tcase("walk"), *acc = kt_tcase("access");
	TCase *ad = kt_tcase("accessed-dirty"), *tlb = kt_tcase("tlb");
	TCase *stale = kt_tcase("stale"), *down = kt_tcase("teardown");
	TCase *small = tcase_create("small-tlb");

	tcase_add_test(pte, pte_bits_sit_where_x86_puts_them);
	tcase_add_test(pte, pte_frame_encodes_rights_cache_and_size);
	tcase_add_test(pte, pte_decoders_read_present_address_and_size);
	tcase_add_test(pte, kernel_map_writes_the_exact_entries);
	suite_add_tcase(s, pte);

	tcase_add_test(walk, walk_4k_page_goes_through_four_levels);
	tcase_add_test(walk, walk_2m_page_stops_at_the_pd);
	tcase_add_test(walk, walk_1g_page_stops_at_the_pdpt);
	tcase_add_test(walk, walk_large_page_with_misaligned_address_is_a_reserved_bit_fault);
	tcase_add_test(walk, walk_ps_in_a_pml4_entry_is_a_reserved_bit_fault);
	tcase_add_test(walk, walk_stops_not_present_at_each_missing_level);
	tcase_add_test(walk, walk_rejects_non_canonical_addresses);
	tcase_add_test(walk, walk_read_only_page_refuses_writes_at_the_leaf);
	tcase_add_test(walk, walk_kernel_only_page_refuses_user_access);
	tcase_add_test(walk, walk_write_needs_rw_at_every_level);
	tcase_add_test(walk, walk_user_access_needs_us_at_every_level);
	tcase_add_test(walk, walk_nx_at_any_level_forbids_only_fetch);
	tcase_add_test(walk, no_vspace_loaded_makes_every_access_fault);
	suite_add_tcase(s, walk);

	tcase_add_test(acc, access_sizes_are_little_endian);
	tcase_add_test(acc, access_across_a_page_boundary_is_split);
	tcase_add_test(acc, access_faulting_in_its_second_page_writes_nothing);
	suite_add_tcase(s, acc);

	tcase_add_test(ad, read_sets_accessed_in_every_entry_and_no_dirty);
	tcase_add_test(ad, write_sets_accessed_everywhere_and_dirty_in_the_leaf);
	tcase_add_test(ad, write_hitting_an_entry_filled_by_a_read_sets_dirty);
	tcase_add_test(ad, faulting_access_sets_no_bits);
	suite_add_tcase(s, ad);

	tcase_add_test(tlb, tlb_miss_fills_and_the_next_access_hits);
	tcase_add_test(tlb, tlb_hit_uses_the_cached_translation);
	tcase_add_test(tlb, tlb_holds_64_entries_by_default);
	tcase_add_test(tlb, tlb_invalidate_page_drops_only_that_page);
	tcase_add_test(tlb, tlb_invalidate_page_drops_a_large_page_covering_it);
	tcase_add_test(tlb, tlb_flush_all_drops_every_entry);
	tcase_add_test(tlb, tlb_entries_of_other_asids_survive_a_vspace_load);
	tcase_add_test(tlb, tlb_invalidate_asid_drops_that_asid_only);
	suite_add_tcase(s, tlb);

	tcase_add_test(stale, stale_clearing_a_pte_without_invalidation_is_caught);
	tcase_add_test(stale, stale_clearing_a_pte_with_invalidation_faults_cleanly);
	tcase_add_test(stale, stale_kernel_unmap_leaves_nothing_stale);
	tcase_add_test(stale, stale_unmapping_one_copy_keeps_the_other_mapping_current);
	tcase_add_test(stale, stale_revoke_of_the_original_unmaps_every_copy_cleanly);
	tcase_add_test(stale, stale_unhooked_table_is_caught_by_the_walk);
	tcase_add_test(stale, stale_weakening_without_invalidation_is_caught_strengthening_is_not);
	tcase_add_test(stale, stale_reused_memory_is_caught_by_its_generation);
	tcase_add_test(stale, stale_large_page_unmap_ages_every_frame_inside);
	tcase_add_test(stale, stale_unmap_in_a_vspace_no_core_loaded_ages_the_frame);
	suite_add_tcase(s, stale);

	tcase_add_test(down, teardown_page_table_unmap_flushes_every_page_below);
	tcase_add_test(down, teardown_delete_of_the_page_directory_flushes_the_asid);
	tcase_add_test(down, teardown_delete_of_a_vspace_flushes_its_asid);
	tcase_add_test(down, teardown_revoke_of_the_untyped_under_live_mappings_then_reuse);
	tcase_add_test(down, teardown_remap_read_only_leaves_no_writable_entry);
	suite_add_tcase(s, down);

	tcase_add_checked_fixture(small, boot_small_tlb, kt_teardown);
	tcase_set_timeout(small, 60);
	tcase_add_test(small, tlb_of_four_evicts_the_least_recently_used);
	suite_add_tcase(s, small);
	return s;
}

int main(void)
{
	return kt_run(mmu_suite());
}

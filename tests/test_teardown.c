/*
 * Each teardown order of a live mapping (reference c.7, c.8; issue 3,
 * items 2 and 7).  A new vspace V (ASID 2, or 512 from a pool of its own)
 * has a PDPT, PD and PT leading to VA and frames mapped there, all carved
 * from one untyped UT; core 0 runs V and has touched the pages, so its TLB
 * holds them.  Each test then tears one piece down and checks, after each
 * step: the exact entries (kmm_inspect_pte), every cap's recorded mapping,
 * the whole-state checker at CHECK_FULL (which walks every live vspace,
 * DESIGN §6 items 3 and 6) and that no TLB holds a stale translation
 * (hal_sim_tlb_check, item 4).
 */
#include "kmm_test.h"
#include "hal.h"

#define UT    KT_FREE
#define V     (KT_FREE + 1)
#define PDPT  (KT_FREE + 2)
#define PD    (KT_FREE + 3)
#define PT    (KT_FREE + 4)
#define F     (KT_FREE + 5)
#define F2    (KT_FREE + 6)
#define C1    (KT_FREE + 7)
#define C2    (KT_FREE + 8)
#define W     (KT_FREE + 10)   /* a second vspace and its tables */
#define WPDPT (KT_FREE + 11)
#define WPD   (KT_FREE + 12)
#define WPT   (KT_FREE + 13)
#define G     (KT_FREE + 14)
#define U4K   (KT_FREE + 20)
#define POOL  (KT_FREE + 21)
#define UT2   (KT_FREE + 22)
#define NEWF  (KT_FREE + 30)   /* NEWF .. NEWF + 15: fresh frames */
#define SPARE (KT_FREE + 50)

#define VA    0x400000ull      /* PML4 0, PDPT 0, PD 2, PT 0 */
#define VA2   (VA + 0x10000)

static uint64_t asid_v;

static uint64_t pa(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static void load(uint64_t vspace)
{
	hal_vspace_load(pa(vspace), (unsigned)kt_cap(vspace).map_asid);
}

static uint64_t peek(uint64_t va)
{
	struct hal_sim_fault f;
	uint64_t v = 0;

	ck_assert_msg(hal_sim_user_access(0, HAL_SIM_READ, va, 8, &v, &f),
		      "read of %#llx faulted: reason %d level %u", (unsigned long long)va,
		      (int)f.reason, f.level);
	return v;
}

static void poke(uint64_t va, uint64_t v)
{
	struct hal_sim_fault f;

	ck_assert_msg(hal_sim_user_access(0, HAL_SIM_WRITE, va, 8, &v, &f),
		      "write of %#llx faulted: reason %d level %u", (unsigned long long)va,
		      (int)f.reason, f.level);
}

static void assert_read_faults(uint64_t va, unsigned level)
{
	struct hal_sim_fault f;
	uint64_t v;

	ck_assert(!hal_sim_user_access(0, HAL_SIM_READ, va, 8, &v, &f));
	ck_assert_int_eq(f.reason, HAL_SIM_FAULT_NOT_PRESENT);
	ck_assert_uint_eq(f.level, level);
}

/* Everything consistent: the checker at full strength, and no stale TLB entry. */
static void assert_sound(void)
{
	kt_assert_checker_ok(1);
	kt_assert_tlb_clean();
}

/*
 * V from pool (ASID asid_v), tables at VA, F at VA and F2 at VA + 4K, both
 * written through core 0, so its TLB holds them.
 */
static void build(uint64_t pool)
{
	kt_make_untyped(22, UT);
	asid_v = kt_make_vspace(UT, V, pool);
	kt_make_path(UT, V, VA, PDPT, PD, PT);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, F);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, F2);
	ck_assert_ok(page_map(F, V, VA, KT_RW, 0));
	ck_assert_ok(page_map(F2, V, VA + 4096, KT_RW, 0));
	load(V);
	poke(VA, 0x1111);
	poke(VA + 4096, 0x2222);
	ck_assert_pte(V, VA, 3, pa(F) | 0x67);   /* Accessed and Dirty set by the MMU */
	assert_sound();
}

static void make_fixture(void)
{
	build(KMM_CAP_ROOT_ASID_POOL);
	ck_assert_uint_eq(asid_v, 2);
}

/* W (next ASID) with its own tables at VA, carved from ut. */
static void make_w(uint64_t ut, uint64_t pool)
{
	kt_make_vspace(ut, W, pool);
	kt_make_path(ut, W, VA, WPDPT, WPD, WPT);
}

/* ---- frames ------------------------------------------------------------ */

START_TEST(teardown_delete_of_a_mapped_frame_cap_clears_only_its_entry)
{
	ck_assert_ok(cnode_delete(F, KT_DEPTH));
	ck_assert_pte(V, VA, 3, 0);
	ck_assert_pte(V, VA + 4096, 3, pa(F2) | 0x67);
	assert_sound();
	assert_read_faults(VA, 3);
	ck_assert_uint_eq(peek(VA + 4096), 0x2222);
	/* A copy (not final) unmaps its own mapping too, and only that. */
	ck_assert_ok(cnode_copy(C1, KT_DEPTH, F2, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(page_map(C1, V, VA + 0x2000, KT_RO, 0));
	ck_assert_uint_eq(peek(VA + 0x2000), 0x2222);
	ck_assert_ok(cnode_delete(C1, KT_DEPTH));
	ck_assert_pte(V, VA + 0x2000, 3, 0);
	ck_assert_pte(V, VA + 4096, 3, pa(F2) | 0x67);
	ck_assert_mapping(F2, true, asid_v, VA + 4096);
	assert_sound();
	assert_read_faults(VA + 0x2000, 3);
}
END_TEST

START_TEST(teardown_revoke_of_the_original_frame_unmaps_copies_in_two_vspaces)
{
	uint64_t asid_w;

	make_w(UT, KMM_CAP_ROOT_ASID_POOL);
	asid_w = kt_cap(W).map_asid;
	ck_assert_uint_eq(asid_w, 3);
	/* F stays mapped at VA; its copies map it at VA2 in V and at VA in W. */
	ck_assert_ok(cnode_copy(C1, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_copy(C2, KT_DEPTH, F, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(page_map(C1, V, VA2, KT_RW, 0));
	ck_assert_ok(page_map(C2, W, VA, KT_RO, 0));
	ck_assert_uint_eq(peek(VA2), 0x1111);
	load(W);
	ck_assert_uint_eq(peek(VA), 0x1111);
	load(V);
	assert_sound();

	ck_assert_ok(cnode_revoke(F, KT_DEPTH));
	ck_assert_int_eq(kt_cap(C1).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(C2).type, KMM_CAP_TYPE_NULL);
	ck_assert_pte(V, VA2, 3, 0);
	ck_assert_pte(W, VA, 3, 0);
	/* The revoked cap's own mapping stays. */
	ck_assert_pte(V, VA, 3, pa(F) | 0x67);
	ck_assert_mapping(F, true, asid_v, VA);
	assert_sound();
	assert_read_faults(VA2, 3);
	ck_assert_uint_eq(peek(VA), 0x1111);
	load(W);
	assert_read_faults(VA, 3);
	assert_sound();
}
END_TEST

/* ---- tables ------------------------------------------------------------ */

START_TEST(teardown_unmap_of_the_page_table_zeroes_it_and_strands_the_frames)
{
	uint64_t pt = pa(PT);

	ck_assert_ok(table_unmap(PT));
	ck_assert_pte(V, VA, 2, 0);
	ck_assert(kt_mem_is(pt, 4096, 0));
	ck_assert_mapping(PT, false, 0, 0);
	ck_assert_mapping(F, true, asid_v, VA);      /* stale */
	ck_assert_mapping(F2, true, asid_v, VA + 4096);
	assert_sound();
	assert_read_faults(VA, 2);
	assert_read_faults(VA + 4096, 2);
	/* The stale frame caps unmap and delete as no-ops. */
	ck_assert_ok(page_unmap(F));
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_ok(cnode_delete(F2, KT_DEPTH));
	ck_assert_pte(V, VA, 2, 0);
	assert_sound();
	/* The table maps again, empty, and F maps into it. */
	ck_assert_ok(table_map(PT, V, VA));
	ck_assert_pte(V, VA + 4096, 3, 0);
	ck_assert_ok(page_map(F, V, VA, KT_RW, 0));
	ck_assert_uint_eq(peek(VA), 0x1111);
	assert_sound();
}
END_TEST

START_TEST(teardown_delete_of_the_page_directory_unhooks_it_and_leaves_it_intact)
{
	uint64_t pd = pa(PD), pd_entry;

	pd_entry = *(uint64_t *)kt_phys(pd + 8 * 2);
	ck_assert_uint_eq(pd_entry & ~0x60ull, pa(PT) | 0x7);
	ck_assert_ok(cnode_delete(PD, KT_DEPTH));
	ck_assert_pte(V, VA, 1, 0);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pd + 8 * 2), pd_entry);  /* not zeroed */
	ck_assert_mapping(PT, true, asid_v, VA);     /* stale */
	ck_assert_mapping(F, true, asid_v, VA);
	assert_sound();
	assert_read_faults(VA, 1);
	/* A stale table cap must be unmapped before it maps again. */
	ck_assert_result(table_map(PT, V, VA), KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_ok(table_unmap(PT));
	ck_assert_mapping(PT, false, 0, 0);
	ck_assert_ok(page_unmap(F));
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_pte(V, VA, 1, 0);
	assert_sound();
}
END_TEST

START_TEST(teardown_delete_of_the_pdpt_unhooks_it_from_the_pml4)
{
	ck_assert_ok(cnode_delete(PDPT, KT_DEPTH));
	ck_assert_pte(V, VA, 0, 0);
	ck_assert_mapping(PD, true, asid_v, 0);
	ck_assert_mapping(PT, true, asid_v, VA);
	assert_sound();
	assert_read_faults(VA, 0);
	ck_assert_ok(cnode_delete(PT, KT_DEPTH));
	ck_assert_ok(cnode_delete(F, KT_DEPTH));
	assert_sound();
}
END_TEST

/* ---- address spaces ------------------------------------------------------ */

START_TEST(teardown_delete_of_the_pml4_frees_its_asid_and_strands_every_cap)
{
	uint64_t pml4 = pa(V), root_pool = pa(KMM_CAP_ROOT_ASID_POOL);

	ck_assert_ok(cnode_delete(V, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(asid_v), 0);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(root_pool + 8 * asid_v), 0);
	/* The dead PML4 is not zeroed; every cap below is stale. */
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pml4) & ~0x60ull, pa(PDPT) | 0x7);
	ck_assert_mapping(PDPT, true, asid_v, 0);
	ck_assert_mapping(PD, true, asid_v, 0);
	ck_assert_mapping(PT, true, asid_v, VA);
	ck_assert_mapping(F, true, asid_v, VA);
	/* The core fell back to its thread's vspace, the root's. */
	ck_assert_uint_eq(hal_sim_vspace(0, NULL), pa(KMM_CAP_ROOT_VSPACE));
	assert_sound();

	/* Stale caps cannot map: F records another ASID, PT is still "mapped". */
	ck_assert_result(page_map(F, KMM_CAP_ROOT_VSPACE, VA, KT_RW, 0),
			 KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(table_map(PT, KMM_CAP_ROOT_VSPACE, VA), KMM_INVALID_CAPABILITY, 1, 0);

	/* ASID 2 is reused by W, which maps G at VA: stale caps cannot touch it. */
	make_w(UT, KMM_CAP_ROOT_ASID_POOL);
	ck_assert_uint_eq(kt_cap(W).map_asid, asid_v);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, G);
	ck_assert_ok(page_map(G, W, VA, KT_RW, 0));
	assert_sound();
	ck_assert_ok(page_unmap(F));
	ck_assert_ok(cnode_delete(PT, KT_DEPTH));
	ck_assert_ok(cnode_delete(PD, KT_DEPTH));
	ck_assert_ok(cnode_delete(PDPT, KT_DEPTH));
	ck_assert_pte(W, VA, 3, pa(G) | 0x7);
	ck_assert_mapping(G, true, asid_v, VA);
	assert_sound();
	/* F, unmapped now, maps anywhere. */
	ck_assert_ok(page_map(F, W, VA + 4096, KT_RW, 0));
	load(W);
	ck_assert_uint_eq(peek(VA + 4096), 0x1111);
	assert_sound();
}
END_TEST

START_TEST(teardown_delete_of_the_asid_pool_kills_every_asid_in_it)
{
	uint64_t asid_w;

	/* fixture: build() with a pool of its own (index 1) */
	ck_assert_uint_eq(asid_v, 512);
	make_w(UT, POOL);
	asid_w = kt_cap(W).map_asid;
	ck_assert_uint_eq(asid_w, 513);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, G);
	ck_assert_ok(page_map(G, W, VA, KT_RW, 0));
	load(W);
	poke(VA, 0x3333);
	assert_sound();

	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), 0);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(513), 0);
	/* The tables are untouched; the PML4 caps keep their (stale) ASIDs. */
	ck_assert_pte(V, VA, 3, pa(F) | 0x67);
	ck_assert_pte(W, VA, 3, pa(G) | 0x67);
	ck_assert(kt_cap(V).mapped);
	ck_assert_uint_eq(kt_cap(V).map_asid, 512);
	ck_assert_uint_eq(hal_sim_vspace(0, NULL), pa(KMM_CAP_ROOT_VSPACE));
	assert_sound();

	/* Nothing maps into a dead ASID; the stale PML4 cannot be re-assigned. */
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, SPARE);
	kt_make(UT, KMM_OBJ_PAGE_TABLE, 0, SPARE + 1);
	ck_assert_result(page_map(SPARE, V, VA + 0x2000, KT_RW, 0), KMM_FAILED_LOOKUP, 2, 0,
			 KMM_LOOKUP_INVALID_ROOT);
	ck_assert_result(table_map(SPARE + 1, V, 0x800000), KMM_FAILED_LOOKUP, 2, 0,
			 KMM_LOOKUP_INVALID_ROOT);
	ck_assert_result(page_map(F, V, VA, KT_RO, 0), KMM_FAILED_LOOKUP, 2, 0,
			 KMM_LOOKUP_INVALID_ROOT);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, V), KMM_INVALID_CAPABILITY, 1, 1);
	/* Unmaps are safe no-ops; deleting the stale PML4 frees nothing. */
	ck_assert_ok(page_unmap(F));
	ck_assert_mapping(F, false, 0, 0);
	ck_assert_pte(V, VA, 3, pa(F) | 0x67);
	ck_assert_ok(table_unmap(PT));
	ck_assert_mapping(PT, false, 0, 0);
	ck_assert_ok(cnode_delete(V, KT_DEPTH));
	ck_assert_ok(cnode_delete(W, KT_DEPTH));
	assert_sound();
}
END_TEST

static void make_pool_fixture(void)
{
	kt_make_untyped(12, U4K);
	ck_assert_ok(asid_make_pool(U4K, POOL));
	build(POOL);
}

START_TEST(teardown_revoke_of_the_untyped_under_a_live_vspace_then_fresh_frames_read_zero)
{
	uint64_t f = pa(F), f2 = pa(F2), base = kt_cap(UT).paddr;
	unsigned k;

	ck_assert(f - base < 16 * 4096 && f2 - base < 16 * 4096);
	poke(VA + 8, 0xdeadbeef);
	poke(VA + 4096 + 4088, 0xfeedface);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	for (k = 0; k < 6; k++)
		ck_assert_int_eq(kt_cap(V + k).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(asid_v), 0);
	ck_assert_uint_eq(hal_sim_vspace(0, NULL), pa(KMM_CAP_ROOT_VSPACE));
	ck_assert_uint_eq(*(uint64_t *)kt_phys(f), 0x1111);  /* not zeroed yet: lazily */
	assert_sound();

	/* Fresh frames over the same memory, mapped in a new vspace: all zero. */
	ck_assert_ok(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, KT_DEPTH, NEWF, 16));
	ck_assert_uint_eq(pa(NEWF), base);
	kt_make_untyped(20, UT2);
	make_w(UT2, KMM_CAP_ROOT_ASID_POOL);
	ck_assert_uint_eq(kt_cap(W).map_asid, asid_v);
	for (k = 0; k < 16; k++)
		ck_assert_ok(page_map(NEWF + k, W, VA + 4096ull * k, KT_RW, 0));
	load(W);
	for (k = 0; k < 16; k++) {
		uint64_t off;

		ck_assert(kt_mem_is(base + 4096ull * k, 4096, 0));
		for (off = 0; off < 4096; off += 8)
			ck_assert_uint_eq(peek(VA + 4096ull * k + off), 0);
	}
	assert_sound();
}
END_TEST

static Suite *teardown_suite(void)
{
	Suite *s = suite_create("teardown");
	TCase *fr = kt_tcase("frames"), *tb = kt_tcase("tables");
	TCase *vs = kt_tcase("vspaces"), *pool = kt_tcase("pool"), *ut = kt_tcase("untyped");

	tcase_add_checked_fixture(fr, make_fixture, NULL);
	tcase_add_test(fr, teardown_delete_of_a_mapped_frame_cap_clears_only_its_entry);
	tcase_add_test(fr, teardown_revoke_of_the_original_frame_unmaps_copies_in_two_vspaces);
	suite_add_tcase(s, fr);

	tcase_add_checked_fixture(tb, make_fixture, NULL);
	tcase_add_test(tb, teardown_unmap_of_the_page_table_zeroes_it_and_strands_the_frames);
	tcase_add_test(tb, teardown_delete_of_the_page_directory_unhooks_it_and_leaves_it_intact);
	tcase_add_test(tb, teardown_delete_of_the_pdpt_unhooks_it_from_the_pml4);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(vs, make_fixture, NULL);
	tcase_add_test(vs, teardown_delete_of_the_pml4_frees_its_asid_and_strands_every_cap);
	suite_add_tcase(s, vs);

	tcase_add_checked_fixture(pool, make_pool_fixture, NULL);
	tcase_add_test(pool, teardown_delete_of_the_asid_pool_kills_every_asid_in_it);
	suite_add_tcase(s, pool);

	tcase_add_checked_fixture(ut, make_fixture, NULL);
	tcase_add_test(ut,
		       teardown_revoke_of_the_untyped_under_a_live_vspace_then_fresh_frames_read_zero);
	suite_add_tcase(s, ut);
	return s;
}

int main(void)
{
	return kt_run(teardown_suite());
}

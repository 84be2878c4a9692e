/*
 * The invariant checker (sim/checker.c) must pass on every state the
 * kernel can reach and must bite: each test here corrupts kernel state
 * directly, through the cap and slot layout headers, and asserts the exact
 * invariant name the checker reports.  Corrupted machines are not checked
 * again at teardown.
 *
 * Fixture: UT (64 KiB untyped) at KT_FREE with two endpoints EP, EP2 and
 * a TCB made from it.  The address-space tests add VUT (1 MiB) with a
 * vspace VS (ASID 2), a PDPT, PD and PT leading to VA, frame FR mapped at
 * VA and frame FR2 unmapped.
 */
#include "kmm_test.h"
#include "checker.h"
#include "hal.h"
#include "kernel/cdt.h"
#include "object/vspace.h"

#define UT    KT_FREE
#define EP    (KT_FREE + 1)
#define EP2   (KT_FREE + 2)
#define TCB   (KT_FREE + 3)
#define A     (KT_FREE + 10)
#define B     (KT_FREE + 11)
#define R0    (KT_FREE + 12)
#define EMPTY (KT_FREE + 99)

static void make_fixture(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP2);
	kt_make(UT, KMM_OBJ_TCB, 0, TCB);
}

static struct slot *slot_of(uint64_t cptr)
{
	return kt_slot_ptr(cptr);
}

/* Take s off the derivation list (its cap and links stay as they were). */
static void unlink_slot(struct slot *s)
{
	struct slot *prev = mdb_prev(s), *next = mdb_next(s);

	mdb_set_next(prev, next);
	if (next)
		mdb_set_prev(next, prev);
}

/* Move s to the end of the derivation list. */
static void relink_at_end(struct slot *s)
{
	struct slot *tail = cdt_sentinel();

	unlink_slot(s);
	while (mdb_next(tail))
		tail = mdb_next(tail);
	mdb_set_next(tail, s);
	mdb_set_prev(s, tail);
	mdb_set_next(s, NULL);
}

static void corrupted(void)
{
	kt_check_at_teardown = false;
}

/* ---- the checker passes on reachable states -------------------------- */

START_TEST(checker_passes_after_boot_and_after_operations)
{
	kt_assert_checker_ok(0);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 3));
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(EP2, KT_DEPTH));
	kt_make(UT, KMM_OBJ_UNTYPED, 12, EP2);
	kt_make(EP2, KMM_OBJ_CNODE, 4, EMPTY);
	kt_make(UT, KMM_OBJ_UNTYPED, 8, A + 2);
	ck_assert_ok(cnode_copy(A + 3, KT_DEPTH, A + 2, KT_DEPTH, KMM_RIGHTS_ALL));
	kt_make(A + 3, KMM_OBJ_NOTIFICATION, 0, A + 4);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(checker_scratch_bytes_grows_with_caps)
{
	size_t before = checker_scratch_bytes();
	unsigned i;

	for (i = 0; i < 100; i++)
		ck_assert_ok(cnode_copy(A + 100 + i, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_gt(checker_scratch_bytes(), before + 100 * 32);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(checker_with_too_little_scratch_reports_scratch)
{
	struct check_violation v;
	static uint64_t small[64];

	ck_assert(!checker_run(CHECK_CHEAP, &v, small, sizeof(small)));
	ck_assert_str_eq(v.invariant, "checker.scratch");
	ck_assert(!checker_run(CHECK_CHEAP, &v, NULL, 0));
	ck_assert_str_eq(v.invariant, "checker.scratch");
}
END_TEST

/* ---- 1: objects ----------------------------------------------------- */

START_TEST(free_index_below_objects_reports_below_watermark)
{
	corrupted();
	cap_set_untyped_free_index(&slot_of(UT)->cap, 1);
	kt_assert_checker_fails(0, "1.objects.below_watermark");
}
END_TEST

START_TEST(endpoint_moved_into_tcb_reports_overlap)
{
	corrupted();
	cap_set_ep_paddr(&slot_of(EP2)->cap, kt_cap(TCB).paddr + 64);
	kt_assert_checker_fails(0, "1.objects.overlap");
}
END_TEST

START_TEST(misaligned_endpoint_reports_aligned)
{
	corrupted();
	cap_set_ep_paddr(&slot_of(EP)->cap, kt_cap(EP).paddr + 8);
	kt_assert_checker_fails(0, "1.objects.aligned");
}
END_TEST

START_TEST(cnode_of_radix_0_reports_size)
{
	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	corrupted();
	cap_set_cnode_radix(&slot_of(A)->cap, 0);
	kt_assert_checker_fails(0, "1.objects.size");
}
END_TEST

START_TEST(cnode_outside_ram_reports_in_ram)
{
	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	corrupted();
	cap_set_cnode_paddr(&slot_of(A)->cap, 1ull << 40);
	kt_assert_checker_fails(0, "1.objects.in_ram");
}
END_TEST

/* ---- 2: the derivation list and tree ---------------------------------- */

START_TEST(sentinel_with_flags_reports_sentinel)
{
	corrupted();
	mdb_set_revocable(cdt_sentinel(), true);
	kt_assert_checker_fails(0, "2.mdb.sentinel");
}
END_TEST

START_TEST(link_out_of_memory_reports_link_invalid)
{
	corrupted();
	slot_of(EP)->mdb.m1 = 1ull << 40;
	kt_assert_checker_fails(0, "2.mdb.link_invalid");
}
END_TEST

START_TEST(broken_prev_link_reports_links_symmetric)
{
	struct slot *next = mdb_next(slot_of(EP));

	corrupted();
	mdb_set_prev(next, slot_of(UT));
	kt_assert_checker_fails(0, "2.mdb.links_symmetric");
}
END_TEST

START_TEST(list_looping_back_reports_links_symmetric)
{
	corrupted();
	mdb_set_next(slot_of(EP), slot_of(UT));
	kt_assert_checker_fails(0, "2.mdb.links_symmetric");
}
END_TEST

START_TEST(null_cap_on_list_reports_null_on_list)
{
	corrupted();
	slot_of(EP)->cap = cap_null();
	kt_assert_checker_fails(0, "2.mdb.null_on_list");
}
END_TEST

START_TEST(unknown_cap_type_reports_cap_type)
{
	corrupted();
	cap_set_type_raw(&slot_of(EP)->cap, 30);
	kt_assert_checker_fails(0, "2.mdb.cap_type");
}
END_TEST

START_TEST(empty_slot_with_links_reports_null_slot_links)
{
	corrupted();
	slot_of(EMPTY)->mdb.m1 = kt_cap(EP).slot_paddr;
	kt_assert_checker_fails(0, "2.mdb.null_slot_links");
}
END_TEST

START_TEST(cap_taken_off_the_list_reports_unlisted_slot)
{
	corrupted();
	unlink_slot(slot_of(EP));
	kt_assert_checker_fails(0, "2.mdb.unlisted_slot");
}
END_TEST

START_TEST(cap_in_a_destroyed_cnode_reports_slot_outside_object)
{
	struct cap ep = cap_new(KMM_CAP_TYPE_ENDPOINT);
	uint64_t w[5] = { ((uint64_t)A << 1) | 1, 13, EP, KT_DEPTH, KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;

	kt_make(UT, KMM_OBJ_CNODE, 1, A);
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	kt_assert_checker_ok(0);
	corrupted();
	cap_set_ep_paddr(&ep, kt_cap(A).paddr);
	slot_of(A)->cap = ep;
	kt_assert_checker_fails(0, "2.mdb.slot_outside_object");
}
END_TEST

START_TEST(copy_moved_away_from_original_reports_same_object_contiguous)
{
	ck_assert_ok(cnode_copy(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	corrupted();
	relink_at_end(slot_of(A));
	kt_assert_checker_fails(0, "2.mdb.same_object_contiguous");
}
END_TEST

START_TEST(irrevocable_untyped_reports_revocable)
{
	corrupted();
	mdb_set_revocable(slot_of(UT), false);
	kt_assert_checker_fails(0, "2.untyped.revocable");
}
END_TEST

START_TEST(object_moved_out_of_its_untyped_subtree_reports_contained_is_descendant)
{
	corrupted();
	relink_at_end(slot_of(EP));
	kt_assert_checker_fails(0, "2.untyped.contained_is_descendant");
}
END_TEST

START_TEST(untyped_moved_out_of_its_parent_subtree_reports_nesting_agrees_tree)
{
	kt_make(UT, KMM_OBJ_UNTYPED, 12, A);
	corrupted();
	relink_at_end(slot_of(A));
	kt_assert_checker_fails(0, "2.untyped.nesting_agrees_tree");
}
END_TEST

/* Replace the only cap to the 4-slot CNode in slot A by a zombie of it. */
static void zombie_at_a(uint64_t count)
{
	struct cap z = cap_new(KMM_CAP_TYPE_ZOMBIE);

	cap_set_zombie_paddr(&z, kt_cap(A).paddr);
	cap_set_zombie_radix(&z, 2);
	cap_set_zombie_count(&z, count);
	slot_of(A)->cap = z;
}

START_TEST(zombie_covering_its_slots_passes)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	zombie_at_a(4);
	kt_assert_checker_ok(1);
	corrupted();
}
END_TEST

START_TEST(zombie_count_above_slots_reports_count_le_slots)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	corrupted();
	zombie_at_a(5);
	kt_assert_checker_fails(0, "2.zombie.count_le_slots");
}
END_TEST

START_TEST(zombie_with_live_slot_above_count_reports_cleared_above_count)
{
	uint64_t w[5] = { ((uint64_t)A << 2) | 3, 14, EP, KT_DEPTH, KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;

	kt_make(UT, KMM_OBJ_CNODE, 2, A);
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	corrupted();
	zombie_at_a(2);
	kt_assert_checker_fails(0, "2.zombie.cleared_above_count");
}
END_TEST

/* ---- 5: accounting ------------------------------------------------------ */

START_TEST(free_index_above_size_reports_watermark_le_size)
{
	corrupted();
	cap_set_untyped_free_index(&slot_of(UT)->cap, (1ull << 12) + 1);
	kt_assert_checker_fails(0, "5.untyped.watermark_le_size");
}
END_TEST

START_TEST(junk_above_watermark_reports_zero_above_watermark_only_when_full)
{
	struct kmm_cap_info ut = kt_cap(UT);

	corrupted();
	kt_phys(ut.paddr + ut.free_index * 16 + 100)[0] = 1;
	kt_assert_checker_ok(0);
	kt_assert_checker_fails(1, "5.untyped.zero_above_watermark");
}
END_TEST

/* Revoke UT with junk left in its TCB's memory, as a deleted object may leave. */
static struct kmm_cap_info revoke_ut_leaving_junk(void)
{
	struct kmm_cap_info ut = kt_cap(UT);

	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	kt_phys(kt_cap(UT).paddr + ut.free_index * 16 - 8)[0] = 0x5a;
	kt_assert_checker_ok(0);
	return ut;
}

START_TEST(reset_that_zeroes_passes_the_incremental_zero_check)
{
	kt_assert_checker_ok(0);
	revoke_ut_leaving_junk();
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(watermark_lowered_over_junk_reports_zero_below_old_watermark_when_cheap)
{
	struct kmm_cap_info ut;

	corrupted();
	kt_assert_checker_ok(0);
	ut = revoke_ut_leaving_junk();
	cap_set_untyped_free_index(&slot_of(UT)->cap, 0);   /* a reset that forgot to zero */
	kt_assert_checker_fails(0, "5.untyped.zero_below_old_watermark");
	ck_assert_uint_gt(ut.free_index, 0);
}
END_TEST

START_TEST(junk_in_free_device_memory_is_not_a_violation)
{
	uint64_t dev = kt_boot_untyped(21, true);

	kt_make(dev, KMM_OBJ_4K_PAGE, 0, A);
	ck_assert_uint_eq(kt_cap(dev).free_index, 4096 / 16);
	kt_phys(kt_cap(dev).paddr + 8192)[0] = 1;
	kt_assert_checker_ok(1);
}
END_TEST

/* ---- address spaces (3.map.*, 6.asid.*) -------------------------------- */

#define VUT   (KT_FREE + 20)
#define VS    (KT_FREE + 21)
#define VPDPT (KT_FREE + 22)
#define VPD   (KT_FREE + 23)
#define VPT   (KT_FREE + 24)
#define FR    (KT_FREE + 25)
#define FR2   (KT_FREE + 26)
#define VC    (KT_FREE + 27)
#define VX    (KT_FREE + 28)
#define V4K   (KT_FREE + 29)
#define VPOOL (KT_FREE + 30)
#define VA    0x400000ull     /* PML4 0, PDPT 0, PD 2, PT 0 */

static uint64_t pa(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static void make_vm_fixture(void)
{
	kt_make_untyped(20, VUT);
	ck_assert_uint_eq(kt_make_vspace(VUT, VS, KMM_CAP_ROOT_ASID_POOL), 2);
	kt_make_path(VUT, VS, VA, VPDPT, VPD, VPT);
	kt_make(VUT, KMM_OBJ_4K_PAGE, 0, FR);
	kt_make(VUT, KMM_OBJ_4K_PAGE, 0, FR2);
	ck_assert_ok(page_map(FR, VS, VA, KT_RW, 0));
}

static struct cap *cap_of(uint64_t cptr)
{
	return &slot_of(cptr)->cap;
}

/* Physical address of the entry for va in the table at level l (0 PML4 .. 3 PT). */
static uint64_t entry_addr(unsigned l, uint64_t va)
{
	uint64_t table[4] = { pa(VS), pa(VPDPT), pa(VPD), pa(VPT) };

	return table[l] + 8 * ((va >> (39 - 9 * l)) & 511);
}

static uint64_t *pool_entry(uint64_t pool, unsigned i)
{
	return (uint64_t *)kt_phys(pa(pool) + 8ull * i);
}

START_TEST(vm_checker_passes_with_mappings_and_stale_caps)
{
	kt_assert_checker_ok(1);
	/* Stale frame caps: their PT was unmapped (zeroed) and mapped again. */
	ck_assert_ok(table_unmap(VPT));
	ck_assert_ok(table_map(VPT, VS, VA));
	ck_assert(kt_cap(FR).mapped);
	kt_assert_checker_ok(1);
	/* A second frame at the stale cap's place: the stale cap is not counted. */
	ck_assert_ok(page_map(FR2, VS, VA, KT_RO, 0));
	kt_assert_checker_ok(1);
	/* Stale table caps: their PML4 is gone; its ASID is reused. */
	ck_assert_ok(cnode_delete(VS, KT_DEPTH));
	ck_assert_uint_eq(kt_make_vspace(VUT, VX, KMM_CAP_ROOT_ASID_POOL), 2);
	kt_assert_checker_ok(1);
	/* A stale PML4 cap: its pool is gone. */
	kt_make_untyped(12, V4K);
	ck_assert_ok(asid_make_pool(V4K, VPOOL));
	ck_assert_uint_eq(kt_make_vspace(VUT, VC, VPOOL), 512);
	ck_assert_ok(cnode_delete(VPOOL, KT_DEPTH));
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(pte_written_without_a_cap_reports_leaf_without_cap)
{
	hal_pte_write(entry_addr(3, VA + 4096), pa(FR2) | 0x7);
	kt_assert_checker_fails(0, "3.map.leaf_without_cap");
	corrupted();
}
END_TEST

START_TEST(frame_cap_cleared_while_its_pte_stays_reports_leaf_without_cap)
{
	cap_set_frame_map_type(cap_of(FR), 0);
	cap_set_frame_asid(cap_of(FR), 0);
	cap_set_frame_vaddr(cap_of(FR), 0);
	kt_assert_checker_fails(0, "3.map.leaf_without_cap");
	corrupted();
}
END_TEST

START_TEST(frame_cap_recording_another_vaddr_reports_leaf_without_cap)
{
	cap_set_frame_vaddr(cap_of(FR), VA + 4096);
	kt_assert_checker_fails(0, "3.map.leaf_without_cap");
	corrupted();
}
END_TEST

START_TEST(two_caps_recording_one_mapping_reports_leaf_two_caps)
{
	ck_assert_ok(cnode_copy(VC, KT_DEPTH, FR, KT_DEPTH, KMM_RIGHTS_ALL));
	kt_assert_checker_ok(0);
	cap_set_frame_map_type(cap_of(VC), 1);
	cap_set_frame_asid(cap_of(VC), 2);
	cap_set_frame_vaddr(cap_of(VC), VA);
	kt_assert_checker_fails(0, "3.map.leaf_two_caps");
	corrupted();
}
END_TEST

START_TEST(leaf_pointing_at_a_non_frame_reports_frame_live)
{
	hal_pte_write(entry_addr(3, VA + 4096), pa(VPD) | 0x7);
	kt_assert_checker_fails(0, "3.map.frame_live");
	corrupted();
}
END_TEST

START_TEST(large_leaf_over_a_4k_frame_reports_frame_live)
{
	kt_make_untyped(21, VX);  /* 2 MiB aligned: its first 4K frame is too */
	kt_make(VX, KMM_OBJ_4K_PAGE, 0, VC);
	ck_assert_uint_eq(pa(VC) & 0x1fffff, 0);
	hal_pte_write(entry_addr(2, 0x600000), pa(VC) | 0x87);
	kt_assert_checker_fails(0, "3.map.frame_live");
	corrupted();
}
END_TEST

START_TEST(leaf_with_global_or_nx_bit_reports_entry_bits)
{
	uint64_t e = entry_addr(3, VA), old = *(uint64_t *)kt_phys(e);

	hal_pte_write(e, old | (1ull << 8));
	kt_assert_checker_fails(0, "3.map.entry_bits");
	hal_pte_write(e, old | (1ull << 63));
	kt_assert_checker_fails(0, "3.map.entry_bits");
	hal_pte_write(e, old | (1ull << 9));
	kt_assert_checker_fails(0, "3.map.entry_bits");
	hal_pte_write(e, old | 0x60);  /* Accessed and Dirty are the MMU's */
	kt_assert_checker_ok(0);
	corrupted();
}
END_TEST

START_TEST(leaf_granting_more_than_its_cap_reports_leaf_rights)
{
	cap_set_frame_vm_rights(cap_of(FR), KMM_VM_READ_ONLY);
	kt_assert_checker_fails(0, "3.map.leaf_rights");
	cap_set_frame_vm_rights(cap_of(FR), KMM_VM_KERNEL_ONLY);
	kt_assert_checker_fails(0, "3.map.leaf_rights");
	hal_pte_write(entry_addr(3, VA), pa(FR) | 0x3);  /* no US: kernel-only is fine */
	kt_assert_checker_ok(0);
	corrupted();
}
END_TEST

START_TEST(table_entry_pointing_at_a_frame_reports_table_live)
{
	hal_pte_write(entry_addr(2, 0x600000), pa(FR2) | 0x7);
	kt_assert_checker_fails(0, "3.map.table_live");
	corrupted();
}
END_TEST

START_TEST(table_entry_pointing_at_the_wrong_level_reports_table_live)
{
	hal_pte_write(entry_addr(1, 0x40000000), pa(VPT) | 0x7);
	kt_assert_checker_fails(0, "3.map.table_live");
	corrupted();
}
END_TEST

START_TEST(table_entry_without_user_or_write_reports_entry_bits)
{
	uint64_t e = entry_addr(2, VA), old = *(uint64_t *)kt_phys(e);

	hal_pte_write(e, old & ~0x4ull);
	kt_assert_checker_fails(0, "3.map.entry_bits");
	hal_pte_write(e, old & ~0x2ull);
	kt_assert_checker_fails(0, "3.map.entry_bits");
	hal_pte_write(e, old | (1ull << 63));
	kt_assert_checker_fails(0, "3.map.entry_bits");
	corrupted();
}
END_TEST

START_TEST(ps_in_a_pml4_entry_reports_entry_bits)
{
	uint64_t e = entry_addr(0, VA);

	hal_pte_write(e, *(uint64_t *)kt_phys(e) | 0x80);
	kt_assert_checker_fails(0, "3.map.entry_bits");
	corrupted();
}
END_TEST

START_TEST(table_hooked_in_two_places_reports_table_cap)
{
	hal_pte_write(entry_addr(2, 0x600000), pa(VPT) | 0x7);
	kt_assert_checker_fails(0, "3.map.table_cap");
	corrupted();
}
END_TEST

START_TEST(table_cap_recording_another_place_reports_table_cap)
{
	cap_set_table_vaddr(cap_of(VPT), 0x600000);
	kt_assert_checker_fails(0, "3.map.table_cap");
	cap_set_table_vaddr(cap_of(VPT), VA);
	cap_set_table_asid(cap_of(VPT), 3);
	kt_assert_checker_fails(0, "3.map.table_cap");
	cap_set_table_asid(cap_of(VPT), 2);
	cap_set_table_mapped(cap_of(VPT), 0);
	kt_assert_checker_fails(0, "3.map.cap_fields");
	corrupted();
}
END_TEST

START_TEST(unmapped_table_with_a_present_entry_reports_unmapped_table_clear)
{
	corrupted();
	ck_assert_ok(table_unmap(VPT));
	kt_assert_checker_ok(0);
	/* An unmap that unhooks and forgets but leaves FR's entry in the table. */
	hal_pte_write(entry_addr(3, VA), pa(FR) | 0x7);
	kt_assert_checker_fails(0, "3.map.unmapped_table_clear");
}
END_TEST

START_TEST(inconsistent_mapping_fields_report_cap_fields)
{
	cap_set_frame_asid(cap_of(FR2), 5);  /* unmapped, with an ASID */
	kt_assert_checker_fails(0, "3.map.cap_fields");
	cap_set_frame_asid(cap_of(FR2), 0);
	cap_set_frame_map_type(cap_of(FR2), 2);  /* IOSpace: kmm never makes one */
	kt_assert_checker_fails(0, "3.map.cap_fields");
	cap_set_frame_map_type(cap_of(FR2), 0);
	kt_assert_checker_ok(0);
	cap_set_frame_asid(cap_of(FR), 0);  /* mapped with ASID 0 */
	kt_assert_checker_fails(0, "3.map.cap_fields");
	corrupted();
}
END_TEST

START_TEST(pool_entry_naming_a_non_pml4_reports_entry_live)
{
	*pool_entry(KMM_CAP_ROOT_ASID_POOL, 5) = pa(VPT);
	kt_assert_checker_fails(0, "6.asid.entry_live");
	*pool_entry(KMM_CAP_ROOT_ASID_POOL, 5) = pa(VS) + 4096 * 100;
	kt_assert_checker_fails(0, "6.asid.entry_live");
	corrupted();
}
END_TEST

START_TEST(two_pool_entries_naming_one_pml4_report_pml4_twice)
{
	*pool_entry(KMM_CAP_ROOT_ASID_POOL, 7) = pa(VS);
	kt_assert_checker_fails(0, "6.asid.pml4_twice");
	corrupted();
}
END_TEST

START_TEST(pool_entry_naming_a_pml4_whose_caps_disagree_reports_entry_cap)
{
	kt_make(VUT, KMM_OBJ_PML4, 0, VX);
	*pool_entry(KMM_CAP_ROOT_ASID_POOL, 9) = pa(VX);
	kt_assert_checker_fails(0, "6.asid.entry_cap");
	corrupted();
}
END_TEST

START_TEST(asid_zero_assigned_reports_zero_assigned)
{
	*pool_entry(KMM_CAP_ROOT_ASID_POOL, 0) = pa(VS);
	kt_assert_checker_fails(0, "6.asid.zero_assigned");
	corrupted();
}
END_TEST

START_TEST(asid_table_naming_a_non_pool_reports_table_entry_live)
{
	asid_table_set(3, pa(VPT));
	kt_assert_checker_fails(0, "6.asid.table_entry_live");
	asid_table_set(3, 0);
	kt_assert_checker_ok(0);
}
END_TEST

START_TEST(pool_missing_from_the_asid_table_reports_pool_in_table)
{
	uint64_t root_pool = kmm_inspect_asid_pool(0);

	asid_table_set(0, 0);
	kt_assert_checker_fails(0, "6.asid.pool_in_table");
	asid_table_set(0, root_pool);
	cap_set_asid_pool_base(cap_of(KMM_CAP_ROOT_ASID_POOL), 512);
	kt_assert_checker_fails(0, "6.asid.pool_in_table");
	corrupted();
}
END_TEST

START_TEST(pool_in_the_wrong_table_entry_reports_pool_base)
{
	/* The root pool, whose cap says base 512, sits in entries 0 and 1. */
	asid_table_set(1, kmm_inspect_asid_pool(0));
	cap_set_asid_pool_base(cap_of(KMM_CAP_ROOT_ASID_POOL), 512);
	kt_assert_checker_fails(0, "6.asid.pool_base");
	corrupted();
}
END_TEST

static Suite *checker_suite(void)
{
	Suite *s = suite_create("checker");
	TCase *ok = kt_tcase("passes"), *obj = kt_tcase("objects");
	TCase *mdb = kt_tcase("derivation"), *acc = kt_tcase("accounting");
	TCase *vm = kt_tcase("mappings"), *asid = kt_tcase("asids");

	tcase_add_checked_fixture(ok, make_fixture, NULL);
	tcase_add_test(ok, checker_passes_after_boot_and_after_operations);
	tcase_add_test(ok, checker_scratch_bytes_grows_with_caps);
	tcase_add_test(ok, checker_with_too_little_scratch_reports_scratch);
	tcase_add_test(ok, zombie_covering_its_slots_passes);
	suite_add_tcase(s, ok);

	tcase_add_checked_fixture(obj, make_fixture, NULL);
	tcase_add_test(obj, free_index_below_objects_reports_below_watermark);
	tcase_add_test(obj, endpoint_moved_into_tcb_reports_overlap);
	tcase_add_test(obj, misaligned_endpoint_reports_aligned);
	tcase_add_test(obj, cnode_of_radix_0_reports_size);
	tcase_add_test(obj, cnode_outside_ram_reports_in_ram);
	suite_add_tcase(s, obj);

	tcase_add_checked_fixture(mdb, make_fixture, NULL);
	tcase_add_test(mdb, sentinel_with_flags_reports_sentinel);
	tcase_add_test(mdb, link_out_of_memory_reports_link_invalid);
	tcase_add_test(mdb, broken_prev_link_reports_links_symmetric);
	tcase_add_test(mdb, list_looping_back_reports_links_symmetric);
	tcase_add_test(mdb, null_cap_on_list_reports_null_on_list);
	tcase_add_test(mdb, unknown_cap_type_reports_cap_type);
	tcase_add_test(mdb, empty_slot_with_links_reports_null_slot_links);
	tcase_add_test(mdb, cap_taken_off_the_list_reports_unlisted_slot);
	tcase_add_test(mdb, cap_in_a_destroyed_cnode_reports_slot_outside_object);
	tcase_add_test(mdb, copy_moved_away_from_original_reports_same_object_contiguous);
	tcase_add_test(mdb, irrevocable_untyped_reports_revocable);
	tcase_add_test(mdb, object_moved_out_of_its_untyped_subtree_reports_contained_is_descendant);
	tcase_add_test(mdb, untyped_moved_out_of_its_parent_subtree_reports_nesting_agrees_tree);
	tcase_add_test(mdb, zombie_count_above_slots_reports_count_le_slots);
	tcase_add_test(mdb, zombie_with_live_slot_above_count_reports_cleared_above_count);
	suite_add_tcase(s, mdb);

	tcase_add_checked_fixture(acc, make_fixture, NULL);
	tcase_add_test(acc, free_index_above_size_reports_watermark_le_size);
	tcase_add_test(acc, junk_above_watermark_reports_zero_above_watermark_only_when_full);
	tcase_add_test(acc, junk_in_free_device_memory_is_not_a_violation);
	tcase_add_test(acc, reset_that_zeroes_passes_the_incremental_zero_check);
	tcase_add_test(acc, watermark_lowered_over_junk_reports_zero_below_old_watermark_when_cheap);
	suite_add_tcase(s, acc);

	tcase_add_checked_fixture(vm, make_fixture, NULL);
	tcase_add_checked_fixture(vm, make_vm_fixture, NULL);
	tcase_add_test(vm, vm_checker_passes_with_mappings_and_stale_caps);
	tcase_add_test(vm, pte_written_without_a_cap_reports_leaf_without_cap);
	tcase_add_test(vm, frame_cap_cleared_while_its_pte_stays_reports_leaf_without_cap);
	tcase_add_test(vm, frame_cap_recording_another_vaddr_reports_leaf_without_cap);
	tcase_add_test(vm, two_caps_recording_one_mapping_reports_leaf_two_caps);
	tcase_add_test(vm, leaf_pointing_at_a_non_frame_reports_frame_live);
	tcase_add_test(vm, large_leaf_over_a_4k_frame_reports_frame_live);
	tcase_add_test(vm, leaf_with_global_or_nx_bit_reports_entry_bits);
	tcase_add_test(vm, leaf_granting_more_than_its_cap_reports_leaf_rights);
	tcase_add_test(vm, table_entry_pointing_at_a_frame_reports_table_live);
	tcase_add_test(vm, table_entry_pointing_at_the_wrong_level_reports_table_live);
	tcase_add_test(vm, table_entry_without_user_or_write_reports_entry_bits);
	tcase_add_test(vm, ps_in_a_pml4_entry_reports_entry_bits);
	tcase_add_test(vm, table_hooked_in_two_places_reports_table_cap);
	tcase_add_test(vm, table_cap_recording_another_place_reports_table_cap);
	tcase_add_test(vm, inconsistent_mapping_fields_report_cap_fields);
	tcase_add_test(vm, unmapped_table_with_a_present_entry_reports_unmapped_table_clear);
	tcase_add_test(asid, pool_entry_naming_a_non_pml4_reports_entry_live);
	tcase_add_test(asid, two_pool_entries_naming_one_pml4_report_pml4_twice);
	tcase_add_test(asid, pool_entry_naming_a_pml4_whose_caps_disagree_reports_entry_cap);
	tcase_add_test(asid, asid_zero_assigned_reports_zero_assigned);
	tcase_add_test(asid, asid_table_naming_a_non_pool_reports_table_entry_live);
	tcase_add_test(asid, pool_missing_from_the_asid_table_reports_pool_in_table);
	tcase_add_test(asid, pool_in_the_wrong_table_entry_reports_pool_base);
	suite_add_tcase(s, vm);

	tcase_add_checked_fixture(asid, make_fixture, NULL);
	tcase_add_checked_fixture(asid, make_vm_fixture, NULL);
	suite_add_tcase(s, asid);
	return s;
}

int main(void)
{
	return kt_run(checker_suite());
}

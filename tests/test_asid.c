/*
 * ASID control and ASID pools (reference c.3, c.7, b.3.1): MakePool's seven
 * checks and Assign's six, in order and with their exact detail words,
 * and what each does to the untyped, the pool, the ASID table and the
 * PML4 cap.  x86-64 has 8 pools of 512 ASIDs; pool 0 exists at boot (the
 * root vspace has ASID 1) and ASID 0 is never assigned.
 *
 * Fixture: an 8 MiB untyped UT; 4 KiB untypeds are carved from it on demand.
 */
#include "kmm_test.h"
#include "kernel/slot.h"

#define UT    KT_FREE
#define U4K   (KT_FREE + 1)     /* U4K .. U4K + 9: 4 KiB untypeds */
#define POOL  (KT_FREE + 20)    /* POOL .. POOL + 9: pools */
#define EP    (KT_FREE + 40)
#define PT    (KT_FREE + 41)
#define FR    (KT_FREE + 42)
#define U8K   (KT_FREE + 43)
#define U2K   (KT_FREE + 44)
#define COPY  (KT_FREE + 45)
#define V     (KT_FREE + 50)    /* V, V + 1, ...: PML4s */
#define MANY  (KT_FREE + 1000)  /* MANY .. MANY + 512: PML4s that fill a pool */
#define EMPTY (KT_FREE + 99)

#define BAD_GUARD (1ull << 63)  /* fails the root CNode's 52-bit zero guard */

static uint64_t pa(uint64_t slot)
{
	return kt_cap(slot).paddr;
}

static void make_fixture(void)
{
	kt_make_untyped(23, UT);
}

/* A 4 KiB untyped in slot dest. */
static void make_u4k(uint64_t dest)
{
	kt_make(UT, KMM_OBJ_UNTYPED, 12, dest);
}

/* MakePool with explicit label, words and extra caps. */
static struct kmm_result make_pool_raw(uint64_t label, unsigned nwords, uint64_t index,
				       uint64_t depth, unsigned ncaps, uint64_t ut,
				       uint64_t root)
{
	uint64_t w[2] = { index, depth }, caps[2] = { ut, root };

	return cnode_op(KMM_CAP_ASID_CONTROL, label, nwords, w, ncaps, caps);
}

/* Pools at POOL + k for k < n, from U4K + k; they take indices 1..n. */
static void make_pools(unsigned n)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		make_u4k(U4K + k);
		ck_assert_ok(asid_make_pool(U4K + k, POOL + k));
		ck_assert_uint_eq(kt_cap(POOL + k).map_asid, 512ull * (k + 1));
	}
}

/* ---- MakePool, checks 1 to 7 ------------------------------------------ */

START_TEST(make_pool_with_another_label_fails_illegal_operation)
{
	make_u4k(U4K);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_POOL_ASSIGN, 2, POOL, KT_DEPTH, 2, U4K,
				       KT_ROOT), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(make_pool_raw(KMM_UNTYPED_RETYPE, 2, POOL, KT_DEPTH, 2, U4K, KT_ROOT),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(make_pool_raw(KMM_X86_PAGE_MAP, 0, POOL, KT_DEPTH, 0, U4K, KT_ROOT),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(make_pool_with_one_word_or_one_cap_fails_truncated_message)
{
	make_u4k(U4K);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 1, POOL, KT_DEPTH, 2, U4K,
				       KT_ROOT), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, KT_DEPTH, 1, U4K,
				       KT_ROOT), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 0, POOL, KT_DEPTH, 0, U4K,
				       KT_ROOT), KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(make_pool_with_every_pool_taken_fails_delete_first_before_the_untyped)
{
	make_pools(7);  /* indices 1..7; pool 0 is the root's */
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	make_u4k(U4K + 7);
	kt_make(UT, KMM_OBJ_UNTYPED, 13, U8K);
	ck_assert_result(asid_make_pool(U4K + 7, POOL + 7), KMM_DELETE_FIRST, 0);
	/* Not an untyped, the wrong size, an empty slot: still DeleteFirst. */
	ck_assert_result(asid_make_pool(EP, POOL + 7), KMM_DELETE_FIRST, 0);
	ck_assert_result(asid_make_pool(U8K, POOL + 7), KMM_DELETE_FIRST, 0);
	ck_assert_result(asid_make_pool(EMPTY, POOL + 7), KMM_DELETE_FIRST, 0);
	/* An untyped with children: DeleteFirst, not RevokeFirst. */
	kt_make(U4K + 7, KMM_OBJ_ENDPOINT, 0, COPY);
	ck_assert_result(asid_make_pool(U4K + 7, POOL + 7), KMM_DELETE_FIRST, 0);
	ck_assert_int_eq(kt_cap(POOL + 7).type, KMM_CAP_TYPE_NULL);
	/* Freeing one index lets the next MakePool take it. */
	ck_assert_ok(cnode_delete(POOL + 2, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_asid_pool(3), 0);
	make_u4k(U4K + 8);
	ck_assert_ok(asid_make_pool(U4K + 8, POOL + 7));
	ck_assert_uint_eq(kt_cap(POOL + 7).map_asid, 3 * 512);
	ck_assert_uint_eq(kmm_inspect_asid_pool(3), pa(U4K + 8));
}
END_TEST

START_TEST(make_pool_from_anything_but_a_4k_ram_untyped_fails_invalid_capability_1)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, FR);
	kt_make(UT, KMM_OBJ_UNTYPED, 13, U8K);
	kt_make(UT, KMM_OBJ_UNTYPED, 11, U2K);
	kt_make(kt_boot_untyped(12, true), KMM_OBJ_UNTYPED, 12, U4K);
	ck_assert(kt_cap(U4K).is_device);
	ck_assert_result(asid_make_pool(EP, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(FR, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(U8K, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(U2K, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(U4K, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(EMPTY, POOL), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_make_pool(KMM_CAP_ROOT_ASID_POOL, POOL), KMM_INVALID_CAPABILITY, 1,
			 1);
	/* Before the untyped's children and the destination. */
	ck_assert_result(asid_make_pool(U8K, EP), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(make_pool_from_an_untyped_with_children_fails_revoke_first)
{
	make_u4k(U4K);
	kt_make(U4K, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_result(asid_make_pool(U4K, POOL), KMM_REVOKE_FIRST, 0);
	/* Before the destination is looked at. */
	ck_assert_result(asid_make_pool(U4K, EP), KMM_REVOKE_FIRST, 0);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, 65, 2, U4K,
				       KT_ROOT), KMM_REVOKE_FIRST, 0);
	/* A copy of the untyped is a child too. */
	ck_assert_ok(cnode_revoke(U4K, KT_DEPTH));
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, U4K, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_result(asid_make_pool(U4K, POOL), KMM_REVOKE_FIRST, 0);
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(make_pool_with_a_bad_destination_fails_its_lookup)
{
	make_u4k(U4K);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, 65, 2, U4K,
				       KT_ROOT), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, 0, 2, U4K,
				       KT_ROOT), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, BAD_GUARD | POOL,
				       KT_DEPTH, 2, U4K, KT_ROOT),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, KT_DEPTH, 2, U4K,
				       EP), KMM_FAILED_LOOKUP, 2, 0, KMM_LOOKUP_INVALID_ROOT);
	/* 60 bits: slot 16's top 52 pass the guard, 8 are left for a 12-bit radix. */
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, 16, 60, 2, U4K,
				       KT_ROOT), KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH,
			 60, 64);
	ck_assert_result(make_pool_raw(KMM_X86_ASID_CONTROL_MAKE_POOL, 2, POOL, 60, 2, U4K,
				       KT_ROOT), KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH,
			 60, 0, 52);
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
}
END_TEST

START_TEST(make_pool_into_an_occupied_slot_fails_delete_first)
{
	make_u4k(U4K);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_result(asid_make_pool(U4K, EP), KMM_DELETE_FIRST, 0);
	ck_assert_result(asid_make_pool(U4K, U4K), KMM_DELETE_FIRST, 0);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
	ck_assert_uint_eq(kt_cap(U4K).free_index, 0);
}
END_TEST

/* ---- MakePool, the effect ---------------------------------------------- */

START_TEST(make_pool_fills_the_untyped_zeroes_the_pool_and_claims_the_lowest_index)
{
	uint64_t p;

	make_u4k(U4K);
	p = pa(U4K);
	memset(kt_phys(p), 0xa5, 4096);  /* junk: MakePool must zero it itself */
	ck_assert_ok(asid_make_pool(U4K, POOL));
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_ASID_POOL);
	ck_assert_uint_eq(pa(POOL), p);
	ck_assert_uint_eq(kt_cap(POOL).map_asid, 512);
	ck_assert_uint_eq(kt_cap(U4K).free_index, 4096 / 16);
	ck_assert(kt_mem_is(p, 4096, 0));
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), p);
	ck_assert_uint_eq(kt_parent(POOL), kt_cap(U4K).slot_paddr);
	ck_assert(!kt_cap(POOL).revocable);
	/* The untyped is full: nothing else comes out of it. */
	ck_assert_result(retype(U4K, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, EP, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1, 0);
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(make_pool_takes_the_lowest_free_index)
{
	make_pools(3);
	ck_assert_ok(cnode_delete(POOL + 1, KT_DEPTH));  /* index 2 */
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));      /* index 1 */
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
	ck_assert_uint_eq(kmm_inspect_asid_pool(2), 0);
	make_u4k(U4K + 5);
	ck_assert_ok(asid_make_pool(U4K + 5, POOL + 5));
	ck_assert_uint_eq(kt_cap(POOL + 5).map_asid, 512);
	/* The untyped of a deleted pool is childless again and can make another. */
	ck_assert_ok(asid_make_pool(U4K + 1, POOL + 6));
	ck_assert_uint_eq(kt_cap(POOL + 6).map_asid, 1024);
	ck_assert_uint_eq(kmm_inspect_asid_pool(2), pa(U4K + 1));
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(revoking_the_untyped_deletes_the_pool_and_frees_its_index)
{
	make_pools(1);
	ck_assert_uint_eq(kt_make_vspace(UT, V, POOL), 512);
	ck_assert_ok(cnode_revoke(U4K, KT_DEPTH));
	ck_assert_int_eq(kt_cap(POOL).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), 0);
	/* V keeps its (stale) ASID. */
	ck_assert(kt_cap(V).mapped);
	ck_assert_uint_eq(kt_cap(V).map_asid, 512);
	kt_assert_checker_ok(1);
}
END_TEST

/* ---- Assign, checks 1 to 6 --------------------------------------------- */

START_TEST(assign_with_another_label_fails_illegal_operation)
{
	uint64_t v = V;

	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert_result(cnode_op(KMM_CAP_ROOT_ASID_POOL, KMM_X86_ASID_CONTROL_MAKE_POOL, 0, NULL,
				  1, &v), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_op(KMM_CAP_ROOT_ASID_POOL, KMM_X86_PAGE_MAP, 0, NULL, 0, NULL),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert(!kt_cap(V).mapped);
}
END_TEST

START_TEST(assign_without_a_pml4_cap_fails_truncated_message)
{
	ck_assert_result(cnode_op(KMM_CAP_ROOT_ASID_POOL, KMM_X86_ASID_POOL_ASSIGN, 0, NULL, 0,
				  NULL), KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(assign_of_a_non_root_or_an_assigned_pml4_fails_invalid_capability_1)
{
	kt_make(UT, KMM_OBJ_PAGE_TABLE, 0, PT);
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, FR);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, PT), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, FR), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, EMPTY), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, KMM_CAP_ROOT_ASID_POOL),
			 KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, KMM_CAP_ROOT_VSPACE),
			 KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_uint_eq(kt_make_vspace(UT, V, KMM_CAP_ROOT_ASID_POOL), 2);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, V), KMM_INVALID_CAPABILITY, 1, 1);
	ck_assert_uint_eq(kt_cap(V).map_asid, 2);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(3), 0);
}
END_TEST

/*
 * Checks 4 and 5 are defensive: a pool leaves the ASID table only when its
 * final cap is deleted, so no cap ever names a missing or replaced pool
 * through the API.  The tests give a pool cap a wrong base directly, and
 * put it back before the checker looks (6.asid.pool_in_table would fire).
 */
static void set_pool_base(uint64_t pool, uint64_t base)
{
	struct slot *s = kt_slot_ptr(pool);

	cap_set_asid_pool_base(&s->cap, base);
}

START_TEST(assign_through_a_pool_cap_with_no_pool_in_the_table_fails_failed_lookup)
{
	make_pools(1);
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	set_pool_base(POOL, 5 * 512);
	ck_assert_result(asid_assign(POOL, V), KMM_FAILED_LOOKUP, 2, 0, KMM_LOOKUP_INVALID_ROOT);
	/* The extra cap is checked first. */
	ck_assert_result(asid_assign(POOL, KMM_CAP_ROOT_VSPACE), KMM_INVALID_CAPABILITY, 1, 1);
	set_pool_base(POOL, 512);
	ck_assert(!kt_cap(V).mapped);
}
END_TEST

START_TEST(assign_through_a_stale_pool_cap_fails_invalid_capability_0)
{
	make_pools(1);
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	set_pool_base(POOL, 0);  /* index 0 holds the root pool, not this one */
	ck_assert_result(asid_assign(POOL, V), KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_result(asid_assign(POOL, EMPTY), KMM_INVALID_CAPABILITY, 1, 1);
	set_pool_base(POOL, 512);
	ck_assert(!kt_cap(V).mapped);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(2), 0);
}
END_TEST

START_TEST(assign_to_a_full_pool_fails_delete_first)
{
	unsigned k;

	/* Pool 0: ASID 0 is never used and ASID 1 is the root's, so 510 are left. */
	for (k = 0; k < 510; k++) {
		kt_make(UT, KMM_OBJ_PML4, 0, MANY + k);
		ck_assert_ok(asid_assign(KMM_CAP_ROOT_ASID_POOL, MANY + k));
		ck_assert_uint_eq(kt_cap(MANY + k).map_asid, 2 + k);
	}
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert_result(asid_assign(KMM_CAP_ROOT_ASID_POOL, V), KMM_DELETE_FIRST, 0);
	ck_assert(!kt_cap(V).mapped);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(0), 0);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(pa(KMM_CAP_ROOT_ASID_POOL)), 0);
	kt_assert_checker_ok(0);
	/* Freeing one ASID makes room, and the lowest free one is given. */
	ck_assert_ok(cnode_delete(MANY + 100, KT_DEPTH));
	ck_assert_ok(asid_assign(KMM_CAP_ROOT_ASID_POOL, V));
	ck_assert_uint_eq(kt_cap(V).map_asid, 102);
}
END_TEST

START_TEST(assign_fills_a_new_pool_with_all_512_asids)
{
	unsigned k;

	make_pools(1);
	for (k = 0; k < 512; k++) {
		kt_make(UT, KMM_OBJ_PML4, 0, MANY + k);
		ck_assert_ok(asid_assign(POOL, MANY + k));
		ck_assert_uint_eq(kt_cap(MANY + k).map_asid, 512 + k);
	}
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert_result(asid_assign(POOL, V), KMM_DELETE_FIRST, 0);
	kt_assert_checker_ok(0);
}
END_TEST

/* ---- Assign, the effect ------------------------------------------------- */

START_TEST(assign_writes_the_lowest_free_asid_into_the_cap_and_the_pool)
{
	uint64_t root_pool = pa(KMM_CAP_ROOT_ASID_POOL);

	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(1), pa(KMM_CAP_ROOT_VSPACE));
	ck_assert_uint_eq(kt_make_vspace(UT, V, KMM_CAP_ROOT_ASID_POOL), 2);
	ck_assert_uint_eq(kt_make_vspace(UT, V + 1, KMM_CAP_ROOT_ASID_POOL), 3);
	ck_assert_uint_eq(kt_make_vspace(UT, V + 2, KMM_CAP_ROOT_ASID_POOL), 4);
	ck_assert_uint_eq(*(uint64_t *)kt_phys(root_pool + 8 * 3), pa(V + 1));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(3), pa(V + 1));
	ck_assert_ok(cnode_delete(V + 1, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(3), 0);
	ck_assert_uint_eq(kt_make_vspace(UT, V + 3, KMM_CAP_ROOT_ASID_POOL), 3);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(3), pa(V + 3));
	/* Through a copy of the pool cap: the same pool. */
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, KMM_CAP_ROOT_ASID_POOL, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_make_vspace(UT, V + 4, COPY), 5);
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(pml4_delete_frees_its_asid_only_with_the_final_cap)
{
	ck_assert_uint_eq(kt_make_vspace(UT, V, KMM_CAP_ROOT_ASID_POOL), 2);
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, V, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(V, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(2), pa(COPY));
	ck_assert_ok(cnode_delete(COPY, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(2), 0);
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(pml4_delete_without_an_asid_releases_none)
{
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert_ok(cnode_delete(V, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(1), kt_cap(KMM_CAP_ROOT_VSPACE).paddr);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_PML4), 1);
}
END_TEST

/*
 * A PML4 whose pool died keeps its ASID in its cap, and the ASID may go
 * to another PML4 through a new pool at the same index.  Deleting the
 * old PML4 then must leave the new owner's ASID alone.
 */
START_TEST(pml4_delete_after_its_pool_died_leaves_the_asids_new_owner)
{
	make_pools(1);
	ck_assert_uint_eq(kt_make_vspace(UT, V, POOL), 512);
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), 0);
	ck_assert_uint_eq(kt_cap(V).map_asid, 512);
	make_u4k(U4K + 1);
	ck_assert_ok(asid_make_pool(U4K + 1, POOL + 1));
	ck_assert_uint_eq(kt_make_vspace(UT, V + 1, POOL + 1), 512);
	ck_assert_ok(cnode_delete(V, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), pa(V + 1));
	ck_assert_uint_eq(kt_cap(V + 1).map_asid, 512);
	kt_assert_checker_ok(1);
}
END_TEST

START_TEST(pool_delete_of_a_copy_keeps_the_pool)
{
	make_pools(1);
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, POOL, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_make_vspace(UT, V, COPY), 512);
	ck_assert_ok(cnode_delete(POOL, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), pa(COPY));
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), pa(V));
	ck_assert_ok(cnode_delete(COPY, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_asid_pool(1), 0);
	ck_assert_uint_eq(kmm_inspect_vspace_for_asid(512), 0);
	kt_assert_checker_ok(1);
}
END_TEST

/* ---- PML4 caps (b.3.1, c.1) --------------------------------------------- */

START_TEST(pml4_copy_without_an_asid_fails_illegal_operation)
{
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert_result(cnode_copy(COPY, KT_DEPTH, V, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_mint(COPY, KT_DEPTH, V, KT_DEPTH, KMM_RIGHTS_ALL, 0),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(COPY).type, KMM_CAP_TYPE_NULL);
	ck_assert_ok(asid_assign(KMM_CAP_ROOT_ASID_POOL, V));
	ck_assert_ok(cnode_copy(COPY, KT_DEPTH, V, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert(kt_cap(COPY).mapped);
	ck_assert_uint_eq(kt_cap(COPY).map_asid, 2);
}
END_TEST

START_TEST(pml4_invoked_with_any_label_fails_illegal_operation)
{
	uint64_t w[3] = { 0x400000, 0, 0 }, vs = KMM_CAP_ROOT_VSPACE;
	uint64_t label;

	for (label = 1; label < KMM_LABEL_COUNT; label++)
		ck_assert_result(cnode_op(KMM_CAP_ROOT_VSPACE, label, 3, w, 1, &vs),
				 KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(new_pml4_copies_nothing_into_the_user_half)
{
	kt_make(UT, KMM_OBJ_PML4, 0, V);
	ck_assert(kt_mem_is(pa(V), 256 * 8, 0));
}
END_TEST

static Suite *asid_suite(void)
{
	Suite *s = suite_create("asid");
	TCase *mk = kt_tcase("make_pool"), *mke = kt_tcase("make_pool_effect");
	TCase *as = kt_tcase("assign"), *ase = kt_tcase("assign_effect");
	TCase *pml4 = kt_tcase("pml4");

	tcase_add_checked_fixture(mk, make_fixture, NULL);
	tcase_add_test(mk, make_pool_with_another_label_fails_illegal_operation);
	tcase_add_test(mk, make_pool_with_one_word_or_one_cap_fails_truncated_message);
	tcase_add_test(mk, make_pool_with_every_pool_taken_fails_delete_first_before_the_untyped);
	tcase_add_test(mk, make_pool_from_anything_but_a_4k_ram_untyped_fails_invalid_capability_1);
	tcase_add_test(mk, make_pool_from_an_untyped_with_children_fails_revoke_first);
	tcase_add_test(mk, make_pool_with_a_bad_destination_fails_its_lookup);
	tcase_add_test(mk, make_pool_into_an_occupied_slot_fails_delete_first);
	suite_add_tcase(s, mk);

	tcase_add_checked_fixture(mke, make_fixture, NULL);
	tcase_add_test(mke, make_pool_fills_the_untyped_zeroes_the_pool_and_claims_the_lowest_index);
	tcase_add_test(mke, make_pool_takes_the_lowest_free_index);
	tcase_add_test(mke, revoking_the_untyped_deletes_the_pool_and_frees_its_index);
	suite_add_tcase(s, mke);

	tcase_add_checked_fixture(as, make_fixture, NULL);
	tcase_add_test(as, assign_with_another_label_fails_illegal_operation);
	tcase_add_test(as, assign_without_a_pml4_cap_fails_truncated_message);
	tcase_add_test(as, assign_of_a_non_root_or_an_assigned_pml4_fails_invalid_capability_1);
	tcase_add_test(as, assign_through_a_pool_cap_with_no_pool_in_the_table_fails_failed_lookup);
	tcase_add_test(as, assign_through_a_stale_pool_cap_fails_invalid_capability_0);
	tcase_add_test(as, assign_to_a_full_pool_fails_delete_first);
	tcase_add_test(as, assign_fills_a_new_pool_with_all_512_asids);
	suite_add_tcase(s, as);

	tcase_add_checked_fixture(ase, make_fixture, NULL);
	tcase_add_test(ase, assign_writes_the_lowest_free_asid_into_the_cap_and_the_pool);
	tcase_add_test(ase, pml4_delete_frees_its_asid_only_with_the_final_cap);
	tcase_add_test(ase, pool_delete_of_a_copy_keeps_the_pool);
	tcase_add_test(ase, pml4_delete_without_an_asid_releases_none);
	tcase_add_test(ase, pml4_delete_after_its_pool_died_leaves_the_asids_new_owner);
	suite_add_tcase(s, ase);

	tcase_add_checked_fixture(pml4, make_fixture, NULL);
	tcase_add_test(pml4, pml4_copy_without_an_asid_fails_illegal_operation);
	tcase_add_test(pml4, pml4_invoked_with_any_label_fails_illegal_operation);
	tcase_add_test(pml4, new_pml4_copies_nothing_into_the_user_half);
	suite_add_tcase(s, pml4);
	return s;
}

int main(void)
{
	return kt_run(asid_suite());
}

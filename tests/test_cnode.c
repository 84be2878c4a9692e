/*
 * CNode invocations (reference b.2 to b.5, b.3.1, b.3.2, b.6): every error
 * path of Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, SaveCaller and
 * CancelBadgedSends in the reference's order, rights and badge masking,
 * cap data on CNodes, the derive rules, and where each new cap lands in
 * the derivation tree.
 *
 * Fixture: UT (64 KiB untyped) at KT_FREE and an endpoint EP made from it.
 */
#include <stdlib.h>
#include "kmm_test.h"

#define UT   KT_FREE
#define EP   (KT_FREE + 1)
#define A    (KT_FREE + 10)
#define B    (KT_FREE + 11)
#define C    (KT_FREE + 12)
#define D    (KT_FREE + 13)
#define EMPTY (KT_FREE + 99)
#define BAD_GUARD (1ull << 63)  /* fails the root CNode's 52-bit zero guard */

static void make_ut_and_endpoint(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
}

/* Invoke the root CNode; extra cap 0 (the source or pivot root) is root0. */
static struct kmm_result root_invoke(uint64_t label, unsigned nwords, const uint64_t *w,
				     unsigned ncaps, uint64_t root0)
{
	uint64_t roots[2] = { root0, KT_ROOT };

	return cnode_op(KT_ROOT, label, nwords, w, ncaps, roots);
}

static uint64_t cnode_data(uint64_t guard, uint64_t guard_size)
{
	return (guard << 6) | guard_size;
}

/* ---- b.2: shared steps ------------------------------------------------ */

START_TEST(cnode_op_with_non_cnode_label_fails_illegal_operation)
{
	uint64_t w[6] = { A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 0 };

	ck_assert_result(root_invoke(KMM_UNTYPED_RETYPE, 6, w, 1, KT_ROOT),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(root_invoke(KMM_X86_PAGE_MAP, 6, w, 1, KT_ROOT),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(root_invoke(999, 6, w, 1, KT_ROOT), KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(cnode_op_with_one_word_fails_truncated_message)
{
	uint64_t w[1] = { EP };

	ck_assert_result(root_invoke(KMM_CNODE_DELETE, 1, w, 0, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(root_invoke(KMM_CNODE_COPY, 1, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(cnode_op_with_dest_depth_0_or_65_fails_range_error)
{
	ck_assert_result(cnode_delete(EP, 0), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(cnode_delete(EP, 65), KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(cnode_copy(A, 65, EP, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_RANGE_ERROR, 2, 1, 64);
}
END_TEST

START_TEST(cnode_op_with_dest_guard_mismatch_fails_failed_lookup_dest)
{
	ck_assert_result(cnode_delete(BAD_GUARD | EP, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

/* ---- b.3: Copy -------------------------------------------------------- */

START_TEST(copy_with_three_words_fails_truncated_message)
{
	uint64_t w[5] = { A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL };

	ck_assert_result(root_invoke(KMM_CNODE_COPY, 3, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(copy_without_source_root_fails_truncated_message)
{
	uint64_t w[5] = { A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL };

	ck_assert_result(root_invoke(KMM_CNODE_COPY, 5, w, 0, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(copy_into_occupied_slot_fails_delete_first_before_source_lookup)
{
	ck_assert_result(cnode_copy(UT, KT_DEPTH, EMPTY, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_DELETE_FIRST, 0);
	ck_assert_result(cnode_copy(UT, KT_DEPTH, BAD_GUARD, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_DELETE_FIRST, 0);
	ck_assert_result(cnode_copy(UT, KT_DEPTH, EP, 65, KMM_RIGHTS_ALL),
			 KMM_DELETE_FIRST, 0);
}
END_TEST

START_TEST(copy_with_source_depth_65_fails_range_error)
{
	ck_assert_result(cnode_copy(A, KT_DEPTH, EP, 65, KMM_RIGHTS_ALL),
			 KMM_RANGE_ERROR, 2, 1, 64);
}
END_TEST

START_TEST(copy_with_source_guard_mismatch_fails_failed_lookup_source)
{
	ck_assert_result(cnode_copy(A, KT_DEPTH, BAD_GUARD | EP, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_FAILED_LOOKUP, 5, 1, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
}
END_TEST

START_TEST(copy_with_non_cnode_source_root_fails_invalid_root)
{
	uint64_t w[5] = { A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL };

	ck_assert_result(root_invoke(KMM_CNODE_COPY, 5, w, 1, EP),
			 KMM_FAILED_LOOKUP, 2, 1, KMM_LOOKUP_INVALID_ROOT);
	ck_assert_result(root_invoke(KMM_CNODE_COPY, 5, w, 1, EMPTY),
			 KMM_FAILED_LOOKUP, 2, 1, KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

START_TEST(copy_from_empty_slot_fails_missing_capability)
{
	ck_assert_result(cnode_copy(A, KT_DEPTH, EMPTY, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_FAILED_LOOKUP, 3, 1, KMM_LOOKUP_MISSING_CAPABILITY, 64);
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(copy_with_four_words_fails_truncated_after_source_checks)
{
	uint64_t w[4] = { A, KT_DEPTH, EP, KT_DEPTH };

	ck_assert_result(root_invoke(KMM_CNODE_COPY, 4, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	w[2] = EMPTY;
	ck_assert_result(root_invoke(KMM_CNODE_COPY, 4, w, 1, KT_ROOT),
			 KMM_FAILED_LOOKUP, 3, 1, KMM_LOOKUP_MISSING_CAPABILITY, 64);
	w[0] = UT;
	ck_assert_result(root_invoke(KMM_CNODE_COPY, 4, w, 1, KT_ROOT), KMM_DELETE_FIRST, 0);
}
END_TEST

START_TEST(copy_of_endpoint_masks_rights_and_is_not_revocable)
{
	struct kmm_cap_info c;

	ck_assert_ok(cnode_copy(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHT_READ | KMM_RIGHT_GRANT));
	c = kt_cap(A);
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(c.paddr, kt_cap(EP).paddr);
	ck_assert_uint_eq(c.rights, KMM_RIGHT_READ | KMM_RIGHT_GRANT);
	ck_assert_uint_eq(c.badge, 0);
	ck_assert(!c.revocable);
	ck_assert(!c.first_badged);
	ck_assert_uint_eq(kt_parent(A), kt_cap(EP).slot_paddr);
	ck_assert_uint_eq(kt_list_pos(A), kt_list_pos(EP) + 1);
	ck_assert_uint_eq(kt_cap(EP).rights, KMM_RIGHTS_ALL);
}
END_TEST

START_TEST(copy_rights_mask_cannot_add_rights)
{
	ck_assert_ok(cnode_copy(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHT_WRITE));
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_cap(B).rights, KMM_RIGHT_WRITE);
	ck_assert_ok(cnode_copy(C, KT_DEPTH, EP, KT_DEPTH, 0));
	ck_assert_uint_eq(kt_cap(C).rights, 0);
}
END_TEST

START_TEST(copy_of_notification_masks_rights)
{
	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, A);
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHT_READ | KMM_RIGHT_GRANT));
	ck_assert_uint_eq(kt_cap(B).rights, KMM_RIGHT_READ);
}
END_TEST

START_TEST(copy_of_frame_masks_vm_rights)
{
	kt_make(UT, KMM_OBJ_4K_PAGE, 0, A);
	ck_assert_uint_eq(kt_cap(A).vm_rights, KMM_VM_READ_WRITE);
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHT_READ));
	ck_assert_uint_eq(kt_cap(B).vm_rights, KMM_VM_READ_ONLY);
	ck_assert_ok(cnode_copy(C, KT_DEPTH, A, KT_DEPTH, KMM_RIGHT_WRITE));
	ck_assert_uint_eq(kt_cap(C).vm_rights, KMM_VM_KERNEL_ONLY);
	ck_assert_ok(cnode_copy(D, KT_DEPTH, A, KT_DEPTH, KMM_RIGHT_READ | KMM_RIGHT_WRITE));
	ck_assert_uint_eq(kt_cap(D).vm_rights, KMM_VM_READ_WRITE);
	ck_assert(!kt_cap(D).revocable);
	ck_assert_uint_eq(kt_parent(D), kt_cap(A).slot_paddr);
}
END_TEST

START_TEST(copy_of_untyped_with_children_fails_revoke_first)
{
	ck_assert_result(cnode_copy(A, KT_DEPTH, UT, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_REVOKE_FIRST, 0);
	ck_assert_result(cnode_mint(A, KT_DEPTH, UT, KT_DEPTH, KMM_RIGHTS_ALL, 0),
			 KMM_REVOKE_FIRST, 0);
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(copy_of_untyped_without_children_marks_source_full)
{
	struct kmm_cap_info src, copy;

	kt_make(UT, KMM_OBJ_UNTYPED, 12, A);
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHT_READ));
	src = kt_cap(A);
	copy = kt_cap(B);
	ck_assert_uint_eq(src.free_index, 4096 / 16);
	ck_assert_uint_eq(copy.free_index, 0);
	ck_assert_uint_eq(copy.paddr, src.paddr);
	ck_assert_uint_eq(copy.size_bits, 12);
	ck_assert(copy.revocable);
	ck_assert_uint_eq(kt_parent(B), src.slot_paddr);
	ck_assert_result(retype(A, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, C, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1, 0);
	ck_assert_ok(retype(B, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, C, 1));
	ck_assert_uint_eq(kt_cap(C).paddr, src.paddr);
	ck_assert_result(cnode_copy(D, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_REVOKE_FIRST, 0);
}
END_TEST

START_TEST(mint_of_untyped_without_children_marks_source_full)
{
	kt_make(UT, KMM_OBJ_UNTYPED, 12, A);
	ck_assert_ok(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, 12345));
	ck_assert_uint_eq(kt_cap(A).free_index, 4096 / 16);
	ck_assert_uint_eq(kt_cap(B).free_index, 0);
	ck_assert_ok(cnode_revoke(A, KT_DEPTH));
	ck_assert_int_eq(kt_cap(B).type, KMM_CAP_TYPE_NULL);
	kt_make(A, KMM_OBJ_ENDPOINT, 0, C);
	ck_assert_uint_eq(kt_cap(A).free_index, 1);
}
END_TEST

START_TEST(copy_of_unmapped_paging_structures_fails_illegal_operation)
{
	static const enum kmm_object_type t[] = { KMM_OBJ_PAGE_TABLE, KMM_OBJ_PAGE_DIRECTORY,
						  KMM_OBJ_PDPT, KMM_OBJ_PML4 };
	unsigned i;

	for (i = 0; i < 4; i++) {
		kt_make(UT, t[i], 0, A + i);
		ck_assert_result(cnode_copy(D + 10, KT_DEPTH, A + i, KT_DEPTH, KMM_RIGHTS_ALL),
				 KMM_ILLEGAL_OPERATION, 0);
		ck_assert_result(cnode_mint(D + 10, KT_DEPTH, A + i, KT_DEPTH,
					    KMM_RIGHTS_ALL, 0), KMM_ILLEGAL_OPERATION, 0);
	}
	ck_assert_int_eq(kt_cap(D + 10).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(copy_of_cnode_keeps_guard_and_tcb_copies)
{
	kt_make(UT, KMM_OBJ_CNODE, 4, A);
	ck_assert_ok(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, cnode_data(5, 3)));
	ck_assert_ok(cnode_copy(C, KT_DEPTH, B, KT_DEPTH, 0));
	ck_assert_uint_eq(kt_cap(C).guard, 5);
	ck_assert_uint_eq(kt_cap(C).guard_size, 3);
	kt_make(UT, KMM_OBJ_TCB, 0, D);
	ck_assert_ok(cnode_copy(D + 1, KT_DEPTH, D, KT_DEPTH, 0));
	ck_assert_int_eq(kt_cap(D + 1).type, KMM_CAP_TYPE_TCB);
}
END_TEST

START_TEST(boot_caps_are_revocable_and_first_badged)
{
	static const uint64_t slots[] = { KMM_CAP_ROOT_TCB, KMM_CAP_ROOT_CNODE,
					  KMM_CAP_ASID_CONTROL };
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct kmm_cap_info c = kt_cap(slots[i]);

		ck_assert(c.revocable);
		ck_assert(c.first_badged);
	}
	ck_assert_int_eq(kt_cap(KMM_CAP_ROOT_TCB).type, KMM_CAP_TYPE_TCB);
	ck_assert_uint_eq(kt_cap(KMM_CAP_ROOT_TCB).paddr, kt_tcb());
}
END_TEST

START_TEST(copy_of_asid_control_gives_irrevocable_copy)
{
	ck_assert_int_eq(kt_cap(KMM_CAP_ASID_CONTROL).type, KMM_CAP_TYPE_ASID_CONTROL);
	ck_assert_ok(cnode_copy(A, KT_DEPTH, KMM_CAP_ASID_CONTROL, KT_DEPTH, 0));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_ASID_CONTROL);
	ck_assert(!kt_cap(A).revocable);
	ck_assert_uint_eq(kt_parent(A), kt_cap(KMM_CAP_ASID_CONTROL).slot_paddr);
	ck_assert_ok(cnode_revoke(KMM_CAP_ASID_CONTROL, KT_DEPTH));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

/* ---- b.3: Mint -------------------------------------------------------- */

START_TEST(mint_with_five_words_fails_truncated_message)
{
	uint64_t w[6] = { A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7 };

	ck_assert_result(root_invoke(KMM_CNODE_MINT, 5, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(mint_of_endpoint_sets_badge_and_makes_revocable_original)
{
	struct kmm_cap_info c;

	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHT_WRITE, 7));
	c = kt_cap(A);
	ck_assert_uint_eq(c.badge, 7);
	ck_assert_uint_eq(c.rights, KMM_RIGHT_WRITE);
	ck_assert(c.revocable);
	ck_assert(c.first_badged);
	ck_assert_uint_eq(kt_parent(A), kt_cap(EP).slot_paddr);
}
END_TEST

START_TEST(mint_of_badged_endpoint_fails_illegal_operation)
{
	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_result(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, 7),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, 8),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, 0),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_cap(B).badge, 7);
	ck_assert(!kt_cap(B).revocable);
}
END_TEST

START_TEST(mint_of_badged_notification_fails_illegal_operation)
{
	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, A);
	ck_assert_ok(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, 3));
	ck_assert_uint_eq(kt_cap(B).badge, 3);
	ck_assert_result(cnode_mint(C, KT_DEPTH, B, KT_DEPTH, KMM_RIGHTS_ALL, 3),
			 KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(mint_with_badge_0_is_not_revocable)
{
	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_uint_eq(kt_cap(A).badge, 0);
	ck_assert(!kt_cap(A).revocable);
	ck_assert(!kt_cap(A).first_badged);
}
END_TEST

START_TEST(mint_of_cnode_sets_guard_from_cap_data)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_CNODE, 4, A);
	ck_assert_ok(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, cnode_data(5, 3)));
	c = kt_cap(B);
	ck_assert_uint_eq(c.guard, 5);
	ck_assert_uint_eq(c.guard_size, 3);
	ck_assert_uint_eq(c.radix, 4);
	ck_assert(!c.revocable);
	ck_assert_ok(cnode_mint(C, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, cnode_data(0xff, 3)));
	ck_assert_uint_eq(kt_cap(C).guard, 7);
	ck_assert_ok(cnode_mint(D, KT_DEPTH, B, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_uint_eq(kt_cap(D).guard_size, 0);
	ck_assert_uint_eq(kt_cap(D).guard, 0);
}
END_TEST

START_TEST(mint_of_cnode_with_guard_over_64_bits_fails_illegal_operation)
{
	kt_make(UT, KMM_OBJ_CNODE, 4, A);
	ck_assert_result(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL,
				    cnode_data(0, 61)), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_ok(cnode_mint(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL, cnode_data(1, 60)));
	ck_assert_uint_eq(kt_cap(B).guard_size, 60);
	ck_assert_uint_eq(kt_cap(B).guard, 1);
}
END_TEST

/* ---- b.3: Move and Mutate --------------------------------------------- */

START_TEST(move_onto_occupied_slot_fails_delete_first)
{
	ck_assert_result(cnode_move(UT, KT_DEPTH, EP, KT_DEPTH), KMM_DELETE_FIRST, 0);
	ck_assert_result(cnode_move(EP, KT_DEPTH, EP, KT_DEPTH), KMM_DELETE_FIRST, 0);
	ck_assert_result(cnode_move(EMPTY, KT_DEPTH, EMPTY, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 3, 1, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(move_keeps_cap_flags_and_list_position)
{
	struct kmm_cap_info before = kt_cap(EP), after;
	uint64_t pos = kt_list_pos(EP);

	ck_assert_ok(cnode_copy(B, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_move(A, KT_DEPTH, EP, KT_DEPTH));
	after = kt_cap(A);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(after.paddr, before.paddr);
	ck_assert_uint_eq(after.rights, before.rights);
	ck_assert(after.revocable && after.first_badged);
	ck_assert_uint_eq(kt_list_pos(A), pos);
	ck_assert_uint_eq(kt_parent(B), after.slot_paddr);
	ck_assert_uint_eq(kt_parent(A), kt_cap(UT).slot_paddr);
}
END_TEST

START_TEST(move_of_untyped_with_children_keeps_them)
{
	ck_assert_ok(cnode_move(A, KT_DEPTH, UT, KT_DEPTH));
	ck_assert_uint_eq(kt_parent(EP), kt_cap(A).slot_paddr);
	ck_assert_uint_eq(kt_cap(A).free_index, 1);
}
END_TEST

START_TEST(mutate_with_four_words_fails_truncated_message)
{
	uint64_t w[5] = { A, KT_DEPTH, UT, KT_DEPTH, 0 };

	ck_assert_result(root_invoke(KMM_CNODE_MUTATE, 4, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(mutate_of_endpoint_fails_illegal_operation)
{
	ck_assert_result(cnode_mutate(A, KT_DEPTH, EP, KT_DEPTH, 0), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_mutate(A, KT_DEPTH, EP, KT_DEPTH, 5), KMM_ILLEGAL_OPERATION, 0);
	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, B);
	ck_assert_result(cnode_mutate(A, KT_DEPTH, B, KT_DEPTH, 0), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(mutate_of_cnode_sets_guard_and_data_0_clears_it)
{
	kt_make(UT, KMM_OBJ_CNODE, 4, A);
	ck_assert_ok(cnode_mutate(B, KT_DEPTH, A, KT_DEPTH, cnode_data(2, 2)));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kt_cap(B).guard, 2);
	ck_assert_uint_eq(kt_cap(B).guard_size, 2);
	ck_assert(kt_cap(B).revocable);
	ck_assert_ok(cnode_mutate(C, KT_DEPTH, B, KT_DEPTH, 0));
	ck_assert_uint_eq(kt_cap(C).guard, 0);
	ck_assert_uint_eq(kt_cap(C).guard_size, 0);
	ck_assert_result(cnode_mutate(D, KT_DEPTH, C, KT_DEPTH, cnode_data(0, 61)),
			 KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(mutate_of_untyped_moves_it_unchanged)
{
	ck_assert_ok(cnode_mutate(A, KT_DEPTH, UT, KT_DEPTH, 0x1234));
	ck_assert_uint_eq(kt_cap(A).free_index, 1);
	ck_assert_uint_eq(kt_cap(A).size_bits, 16);
	ck_assert_int_eq(kt_cap(UT).type, KMM_CAP_TYPE_NULL);
}
END_TEST

/* ---- b.4: Rotate ------------------------------------------------------ */

static void make_two_cnodes(void)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, A);  /* source */
	kt_make(UT, KMM_OBJ_CNODE, 3, B);  /* pivot */
}

START_TEST(rotate_with_seven_words_or_one_root_fails_truncated_message)
{
	uint64_t w[8] = { C, KT_DEPTH, 0, B, KT_DEPTH, 0, A, KT_DEPTH };

	make_two_cnodes();
	ck_assert_result(root_invoke(KMM_CNODE_ROTATE, 7, w, 2, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
	ck_assert_result(root_invoke(KMM_CNODE_ROTATE, 8, w, 1, KT_ROOT),
			 KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(rotate_source_lookup_is_checked_before_pivot_lookup)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, B, 65, 0, BAD_GUARD | A, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 5, 1, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, B, 65, 0, A, KT_DEPTH),
			 KMM_RANGE_ERROR, 2, 1, 64);
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, BAD_GUARD | B, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 5, 1, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
}
END_TEST

START_TEST(rotate_with_pivot_equal_to_source_or_dest_fails_illegal_operation)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, A, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_rotate(B, KT_DEPTH, 0, B, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(rotate_into_occupied_dest_fails_delete_first_before_empty_source)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(EP, KT_DEPTH, 0, B, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_DELETE_FIRST, 0);
	ck_assert_result(cnode_rotate(EP, KT_DEPTH, 0, B, KT_DEPTH, 0, EMPTY, KT_DEPTH),
			 KMM_DELETE_FIRST, 0);
}
END_TEST

START_TEST(rotate_from_empty_source_fails_failed_lookup_source_1)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, B, KT_DEPTH, 0, EMPTY, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 3, 1, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(rotate_with_empty_pivot_fails_failed_lookup_source_0)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, EMPTY, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_FAILED_LOOKUP, 3, 0, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(rotate_of_endpoint_fails_illegal_operation)
{
	make_two_cnodes();
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, B, KT_DEPTH, 0, EP, KT_DEPTH),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_rotate(C, KT_DEPTH, 0, EP, KT_DEPTH, 0, A, KT_DEPTH),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(C).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(rotate_moves_pivot_to_dest_and_source_to_pivot)
{
	uint64_t src_obj, pivot_obj;

	make_two_cnodes();
	src_obj = kt_cap(A).paddr;
	pivot_obj = kt_cap(B).paddr;
	ck_assert_ok(cnode_rotate(C, KT_DEPTH, cnode_data(1, 1), B, KT_DEPTH,
				  cnode_data(3, 2), A, KT_DEPTH));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kt_cap(C).paddr, pivot_obj);
	ck_assert_uint_eq(kt_cap(C).guard, 1);
	ck_assert_uint_eq(kt_cap(C).guard_size, 1);
	ck_assert_uint_eq(kt_cap(B).paddr, src_obj);
	ck_assert_uint_eq(kt_cap(B).guard, 3);
	ck_assert_uint_eq(kt_cap(B).guard_size, 2);
	ck_assert(kt_cap(B).revocable && kt_cap(C).revocable);
}
END_TEST

START_TEST(rotate_with_source_equal_dest_swaps)
{
	uint64_t src_obj, pivot_obj, src_pos, pivot_pos;

	make_two_cnodes();
	src_obj = kt_cap(A).paddr;
	pivot_obj = kt_cap(B).paddr;
	src_pos = kt_list_pos(A);
	pivot_pos = kt_list_pos(B);
	ck_assert_ok(cnode_rotate(A, KT_DEPTH, 0, B, KT_DEPTH, 0, A, KT_DEPTH));
	ck_assert_uint_eq(kt_cap(A).paddr, pivot_obj);
	ck_assert_uint_eq(kt_cap(B).paddr, src_obj);
	ck_assert_uint_eq(kt_list_pos(A), pivot_pos);
	ck_assert_uint_eq(kt_list_pos(B), src_pos);
}
END_TEST

/* ---- the end of the derivation list ------------------------------------ */

static bool note_slot(const struct kmm_cap_info *cap, uint32_t depth, uint64_t parent, void *ctx)
{
	(void)depth;
	(void)parent;
	*(uint64_t *)ctx = cap->slot_paddr;
	return true;
}

/* The root-CNode index of the last cap in the derivation list. */
static uint64_t last_in_list(void)
{
	uint64_t n = kmm_inspect_cap_count(), *stack = calloc(n, sizeof(*stack));
	uint64_t last = 0, root = kt_cap(KT_ROOT).paddr;

	ck_assert_ptr_nonnull(stack);
	ck_assert(kmm_inspect_walk(note_slot, &last, stack, n));
	free(stack);
	ck_assert_msg(last >= root && last < root + (32ull << KT_ROOT_BITS),
		      "the last cap is not in the root CNode");
	return (last - root) / 32;
}

/*
 * Move and swap relink a node's neighbours; the last node has no next
 * neighbour, and must come out still last, with the list whole (the
 * teardown's checker walks it both ways).
 */
START_TEST(move_of_the_last_cap_in_the_list_keeps_it_last)
{
	uint64_t last = last_in_list(), n = kmm_inspect_cap_count();
	enum kmm_cap_type type = kt_cap(last).type;

	ck_assert_uint_eq(kt_list_pos(last), n - 1);
	ck_assert_ok(cnode_move(C, KT_DEPTH, last, KT_DEPTH));
	ck_assert_int_eq(kt_cap(last).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(C).type, type);
	ck_assert_uint_eq(last_in_list(), C);
	ck_assert_uint_eq(kmm_inspect_cap_count(), n);
}
END_TEST

START_TEST(swap_of_the_last_cap_in_the_list_with_another_exchanges_places)
{
	uint64_t last, n, src_pos;
	struct kmm_cap_info was_last, was_src;

	make_two_cnodes();
	last = last_in_list();
	n = kmm_inspect_cap_count();
	was_last = kt_cap(last);
	was_src = kt_cap(A);
	src_pos = kt_list_pos(A);
	/* Rotate with source == dest swaps source and pivot; the pivot is last. */
	ck_assert_ok(cnode_rotate(A, KT_DEPTH, 0, last, KT_DEPTH, 0, A, KT_DEPTH));
	ck_assert_int_eq(kt_cap(A).type, was_last.type);
	ck_assert_uint_eq(kt_cap(A).paddr, was_last.paddr);
	ck_assert_uint_eq(kt_cap(last).paddr, was_src.paddr);
	ck_assert_uint_eq(kt_list_pos(A), n - 1);
	ck_assert_uint_eq(kt_list_pos(last), src_pos);
	ck_assert_uint_eq(last_in_list(), A);
}
END_TEST

/* ---- b.5: Delete, Revoke, CancelBadgedSends, SaveCaller ---------------- */

START_TEST(delete_of_empty_slot_succeeds)
{
	ck_assert_ok(cnode_delete(EMPTY, KT_DEPTH));
	ck_assert_int_eq(kt_cap(EMPTY).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(delete_of_last_endpoint_cap_destroys_it)
{
	ck_assert_ok(cnode_delete(EP, KT_DEPTH));
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
}
END_TEST

START_TEST(revoke_of_empty_slot_succeeds)
{
	ck_assert_ok(cnode_revoke(EMPTY, KT_DEPTH));
}
END_TEST

START_TEST(revoke_of_non_revocable_copy_does_nothing)
{
	ck_assert_ok(cnode_copy(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_copy(B, KT_DEPTH, A, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_revoke(A, KT_DEPTH));
	ck_assert_int_eq(kt_cap(B).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(cnode_revoke(EP, KT_DEPTH));
	ck_assert_int_eq(kt_cap(A).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(B).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(EP).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(cancel_badged_sends_needs_endpoint_with_all_rights)
{
	ck_assert_result(cnode_cancel_badged_sends(EMPTY, KT_DEPTH), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_ok(cnode_cancel_badged_sends(EP, KT_DEPTH));
	ck_assert_ok(cnode_mint(A, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 9));
	ck_assert_ok(cnode_cancel_badged_sends(A, KT_DEPTH));
	ck_assert_ok(cnode_copy(B, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL & ~KMM_RIGHT_GRANT));
	ck_assert_result(cnode_cancel_badged_sends(B, KT_DEPTH), KMM_ILLEGAL_OPERATION, 0);
	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, C);
	ck_assert_result(cnode_cancel_badged_sends(C, KT_DEPTH), KMM_ILLEGAL_OPERATION, 0);
	ck_assert_result(cnode_cancel_badged_sends(UT, KT_DEPTH), KMM_ILLEGAL_OPERATION, 0);
}
END_TEST

START_TEST(save_caller_into_occupied_slot_fails_delete_first)
{
	ck_assert_result(cnode_save_caller(EP, KT_DEPTH), KMM_DELETE_FIRST, 0);
	ck_assert_ok(cnode_save_caller(EMPTY, KT_DEPTH));
	ck_assert_int_eq(kt_cap(EMPTY).type, KMM_CAP_TYPE_NULL);
}
END_TEST

static Suite *cnode_suite(void)
{
	Suite *s = suite_create("cnode");
	TCase *shared = kt_tcase("shared"), *copy = kt_tcase("copy_mint");
	TCase *move = kt_tcase("move_mutate_rotate"), *rest = kt_tcase("delete_revoke");

	tcase_add_checked_fixture(shared, make_ut_and_endpoint, NULL);
	tcase_add_test(shared, cnode_op_with_non_cnode_label_fails_illegal_operation);
	tcase_add_test(shared, cnode_op_with_one_word_fails_truncated_message);
	tcase_add_test(shared, cnode_op_with_dest_depth_0_or_65_fails_range_error);
	tcase_add_test(shared, cnode_op_with_dest_guard_mismatch_fails_failed_lookup_dest);
	suite_add_tcase(s, shared);

	tcase_add_checked_fixture(copy, make_ut_and_endpoint, NULL);
	tcase_add_test(copy, copy_with_three_words_fails_truncated_message);
	tcase_add_test(copy, copy_without_source_root_fails_truncated_message);
	tcase_add_test(copy, copy_into_occupied_slot_fails_delete_first_before_source_lookup);
	tcase_add_test(copy, copy_with_source_depth_65_fails_range_error);
	tcase_add_test(copy, copy_with_source_guard_mismatch_fails_failed_lookup_source);
	tcase_add_test(copy, copy_with_non_cnode_source_root_fails_invalid_root);
	tcase_add_test(copy, copy_from_empty_slot_fails_missing_capability);
	tcase_add_test(copy, copy_with_four_words_fails_truncated_after_source_checks);
	tcase_add_test(copy, copy_of_endpoint_masks_rights_and_is_not_revocable);
	tcase_add_test(copy, copy_rights_mask_cannot_add_rights);
	tcase_add_test(copy, copy_of_notification_masks_rights);
	tcase_add_test(copy, copy_of_frame_masks_vm_rights);
	tcase_add_test(copy, copy_of_untyped_with_children_fails_revoke_first);
	tcase_add_test(copy, copy_of_untyped_without_children_marks_source_full);
	tcase_add_test(copy, mint_of_untyped_without_children_marks_source_full);
	tcase_add_test(copy, copy_of_unmapped_paging_structures_fails_illegal_operation);
	tcase_add_test(copy, copy_of_cnode_keeps_guard_and_tcb_copies);
	tcase_add_test(copy, copy_of_asid_control_gives_irrevocable_copy);
	tcase_add_test(copy, boot_caps_are_revocable_and_first_badged);
	tcase_add_test(copy, mint_with_five_words_fails_truncated_message);
	tcase_add_test(copy, mint_of_endpoint_sets_badge_and_makes_revocable_original);
	tcase_add_test(copy, mint_of_badged_endpoint_fails_illegal_operation);
	tcase_add_test(copy, mint_of_badged_notification_fails_illegal_operation);
	tcase_add_test(copy, mint_with_badge_0_is_not_revocable);
	tcase_add_test(copy, mint_of_cnode_sets_guard_from_cap_data);
	tcase_add_test(copy, mint_of_cnode_with_guard_over_64_bits_fails_illegal_operation);
	suite_add_tcase(s, copy);

	tcase_add_checked_fixture(move, make_ut_and_endpoint, NULL);
	tcase_add_test(move, move_onto_occupied_slot_fails_delete_first);
	tcase_add_test(move, move_keeps_cap_flags_and_list_position);
	tcase_add_test(move, move_of_untyped_with_children_keeps_them);
	tcase_add_test(move, mutate_with_four_words_fails_truncated_message);
	tcase_add_test(move, mutate_of_endpoint_fails_illegal_operation);
	tcase_add_test(move, mutate_of_cnode_sets_guard_and_data_0_clears_it);
	tcase_add_test(move, mutate_of_untyped_moves_it_unchanged);
	tcase_add_test(move, rotate_with_seven_words_or_one_root_fails_truncated_message);
	tcase_add_test(move, rotate_source_lookup_is_checked_before_pivot_lookup);
	tcase_add_test(move, rotate_with_pivot_equal_to_source_or_dest_fails_illegal_operation);
	tcase_add_test(move, rotate_into_occupied_dest_fails_delete_first_before_empty_source);
	tcase_add_test(move, rotate_from_empty_source_fails_failed_lookup_source_1);
	tcase_add_test(move, rotate_with_empty_pivot_fails_failed_lookup_source_0);
	tcase_add_test(move, rotate_of_endpoint_fails_illegal_operation);
	tcase_add_test(move, rotate_moves_pivot_to_dest_and_source_to_pivot);
	tcase_add_test(move, rotate_with_source_equal_dest_swaps);
	tcase_add_test(move, move_of_the_last_cap_in_the_list_keeps_it_last);
	tcase_add_test(move, swap_of_the_last_cap_in_the_list_with_another_exchanges_places);
	suite_add_tcase(s, move);

	tcase_add_checked_fixture(rest, make_ut_and_endpoint, NULL);
	tcase_add_test(rest, delete_of_empty_slot_succeeds);
	tcase_add_test(rest, delete_of_last_endpoint_cap_destroys_it);
	tcase_add_test(rest, revoke_of_empty_slot_succeeds);
	tcase_add_test(rest, revoke_of_non_revocable_copy_does_nothing);
	tcase_add_test(rest, cancel_badged_sends_needs_endpoint_with_all_rights);
	tcase_add_test(rest, save_caller_into_occupied_slot_fails_delete_first);
	suite_add_tcase(s, rest);
	return s;
}

int main(void)
{
	return kt_run(cnode_suite());
}

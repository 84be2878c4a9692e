/*
 * Deletion and revocation (reference b.5 to b.8): finalisation of the last
 * cap, the derivation-tree shapes of the worked examples of b.6, revoke
 * newest first, untyped adoption by the grandparent, CNodes that hold
 * their own cap or each other's (unreachable until their untyped is
 * revoked), zombies, and restart after preemption of revoke and of a
 * CNode delete.
 *
 * Fixture: UT (64 KiB untyped) at KT_FREE, an endpoint EP from it, and R0,
 * the root CNode minted with no guard so that a slot of a CNode held in
 * root slot s is named by index (s << radix) | i at depth 12 + radix.
 */
#include "kmm_test.h"

#define UT  KT_FREE
#define EP  (KT_FREE + 1)
#define R0  (KT_FREE + 2)
#define S1  (KT_FREE + 10)
#define S2  (KT_FREE + 11)
#define B7  (KT_FREE + 20)
#define B7P (KT_FREE + 21)
#define C7  (KT_FREE + 22)
#define C1  (KT_FREE + 23)
#define C2  (KT_FREE + 24)
#define COPIES (KT_FREE + 100)

static void make_fixture(void)
{
	kt_make_untyped(16, UT);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, EP);
	ck_assert_ok(cnode_mint(R0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
}

static void boot_one_unit(void)
{
	struct kt_config cfg = { KT_MEM, 1, 0 };

	kt_boot_config(&cfg);
	make_fixture();
}

/* Copy root slot src into slot i of the radix-r CNode held in root slot node. */
static struct kmm_result copy_into(uint64_t node, unsigned radix, uint64_t i, uint64_t src)
{
	uint64_t w[5] = { (node << radix) | i, 12 + radix, src, KT_DEPTH, KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;

	return cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root);
}

static enum kmm_cap_type type_at(uint64_t slot)
{
	return kt_cap(slot).type;
}

static struct kmm_cap_info slot_of(uint64_t cnode_slot, uint64_t i)
{
	struct kmm_cap_info c;

	kmm_inspect_slot(kt_cap(cnode_slot).paddr + 32 * i, &c);
	return c;
}

/* ---- finalisation and the b.6 worked examples -------------------------- */

START_TEST(delete_of_copy_leaves_the_object)
{
	ck_assert_ok(cnode_copy(C1, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_delete(EP, KT_DEPTH));
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 1);
	ck_assert_ok(cnode_delete(C1, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
}
END_TEST

START_TEST(badged_original_revokes_its_copies_but_copy_revokes_nothing)
{
	ck_assert_ok(cnode_mint(B7, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_ok(cnode_copy(C7, KT_DEPTH, B7, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert(kt_cap(B7).revocable && !kt_cap(C7).revocable);
	ck_assert_uint_eq(kt_parent(C7), kt_cap(B7).slot_paddr);
	ck_assert_ok(cnode_revoke(C7, KT_DEPTH));
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(cnode_revoke(B7, KT_DEPTH));
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(B7), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(cnode_copy(C7, KT_DEPTH, B7, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_revoke(EP, KT_DEPTH));
	ck_assert_int_eq(type_at(B7), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(revoke_of_second_badged_original_stops_at_first_badged)
{
	ck_assert_ok(cnode_mint(B7, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_ok(cnode_copy(C7, KT_DEPTH, B7, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_mint(B7P, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_uint_eq(kt_list_pos(B7P), kt_list_pos(EP) + 1);
	ck_assert_uint_eq(kt_list_pos(B7), kt_list_pos(EP) + 2);
	ck_assert_uint_eq(kt_parent(B7), kt_cap(EP).slot_paddr);
	ck_assert_ok(cnode_revoke(B7P, KT_DEPTH));
	ck_assert_int_eq(type_at(B7), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(copy_of_copy_is_sibling_and_neither_revokes_the_other)
{
	ck_assert_ok(cnode_copy(C1, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_ok(cnode_copy(C2, KT_DEPTH, C1, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_list_pos(C2), kt_list_pos(C1) + 1);
	ck_assert_uint_eq(kt_parent(C1), kt_cap(EP).slot_paddr);
	ck_assert_uint_eq(kt_parent(C2), kt_cap(EP).slot_paddr);
	ck_assert_ok(cnode_revoke(C1, KT_DEPTH));
	ck_assert_ok(cnode_revoke(C2, KT_DEPTH));
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_int_eq(type_at(C2), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(revoke_of_untyped_deletes_cnode_and_its_copy)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(cnode_copy(S2, KT_DEPTH, S1, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert_uint_eq(kt_parent(S2), kt_cap(S1).slot_paddr);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(S2), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
}
END_TEST

START_TEST(delete_of_first_badged_original_passes_marker_to_next)
{
	ck_assert_ok(cnode_mint(B7, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_ok(cnode_copy(C7, KT_DEPTH, B7, KT_DEPTH, KMM_RIGHTS_ALL));
	ck_assert(!kt_cap(C7).first_badged);
	ck_assert_ok(cnode_delete(B7, KT_DEPTH));
	ck_assert(kt_cap(C7).first_badged);
	ck_assert(!kt_cap(C7).revocable);
	ck_assert_ok(cnode_mint(B7P, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL, 7));
	ck_assert_ok(cnode_revoke(B7P, KT_DEPTH));
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(cnode_revoke(EP, KT_DEPTH));
	ck_assert_int_eq(type_at(C7), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(B7P), KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(delete_of_untyped_with_children_lets_grandparent_adopt_them)
{
	kt_make(UT, KMM_OBJ_UNTYPED, 12, S1);
	kt_make(S1, KMM_OBJ_ENDPOINT, 0, C1);
	ck_assert_uint_eq(kt_parent(C1), kt_cap(S1).slot_paddr);
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(kt_parent(C1), kt_cap(UT).slot_paddr);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(delete_of_cnode_deletes_the_caps_inside)
{
	uint64_t caps = kmm_inspect_cap_count();
	unsigned i;

	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	for (i = 0; i < 4; i++)
		ck_assert_ok(copy_into(S1, 2, i, EP));
	ck_assert_int_eq(slot_of(S1, 3).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(kmm_inspect_cap_count(), caps + 5);
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_cap_count(), caps);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(delete_of_tcb_destroys_it)
{
	kt_make(UT, KMM_OBJ_TCB, 0, S1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_TCB), 2);
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_TCB), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
}
END_TEST

/* ---- cyclic CNodes and zombies ------------------------------------------ */

START_TEST(cnode_holding_its_own_cap_is_cleaned_by_revoking_its_untyped)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(copy_into(S1, 2, 0, S1));
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 2);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, C1);
	ck_assert_uint_eq(kt_cap(C1).paddr, kt_cap(UT).paddr);
}
END_TEST

START_TEST(delete_of_cnode_holding_its_own_cap_empties_it)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(copy_into(S1, 2, 3, S1));
	ck_assert_ok(copy_into(S1, 2, 1, EP));
	ck_assert_ok(cnode_revoke(S1, KT_DEPTH));
	ck_assert_int_eq(slot_of(S1, 3).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(slot_of(S1, 1).type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_ok(copy_into(S1, 2, 3, S1));
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 2);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
}
END_TEST

START_TEST(two_cnodes_holding_each_other_are_cleaned_by_revoking_their_untyped)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	kt_make(UT, KMM_OBJ_CNODE, 2, S2);
	ck_assert_ok(copy_into(S2, 2, 0, S1));
	ck_assert_ok(copy_into(S1, 2, 0, S2));
	ck_assert_ok(copy_into(S1, 2, 2, EP));
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_ok(cnode_delete(S2, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 3);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
}
END_TEST

START_TEST(two_cnodes_holding_each_other_delete_when_one_is_reachable)
{
	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	kt_make(UT, KMM_OBJ_CNODE, 2, S2);
	ck_assert_ok(copy_into(S2, 2, 0, S1));
	ck_assert_ok(copy_into(S1, 2, 0, S2));
	ck_assert_ok(cnode_delete(S2, KT_DEPTH));
	ck_assert_ok(cnode_revoke(S1, KT_DEPTH));
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
}
END_TEST

START_TEST(final_cnode_cap_inside_deleted_cnode_becomes_cyclic_zombie)
{
	uint64_t w[5] = { ((uint64_t)S1 << 4) | (1 << 2) | 0, 16, EP, KT_DEPTH,
			  KMM_RIGHTS_ALL };
	uint64_t root = KT_ROOT;
	struct kmm_cap_info z;

	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(retype(UT, KMM_OBJ_CNODE, 2, S1, KT_DEPTH, 1, 1));
	ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	ck_assert_int_eq(slot_of(S1, 1).type, KMM_CAP_TYPE_CNODE);
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 1);
	kmm_inspect_slot(kt_cap(UT).paddr + 256, &z);  /* the inner CNode */
	ck_assert_int_eq(z.type, KMM_CAP_TYPE_ZOMBIE);
	ck_assert_uint_eq(z.paddr, z.slot_paddr);
	ck_assert_uint_eq(z.radix, 2);
	kt_assert_checker_ok(1);
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
}
END_TEST

START_TEST(revoke_that_destroys_the_revoked_slot_stops_safely)
{
	uint64_t mv[4] = { ((uint64_t)S1 << 2) | 0, 14, S2, KT_DEPTH };
	uint64_t rv[2] = { ((uint64_t)S1 << 2) | 0, 14 }, root = KT_ROOT;

	kt_make(UT, KMM_OBJ_UNTYPED, 12, S2);
	kt_make(S2, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(cnode_op(R0, KMM_CNODE_MOVE, 4, mv, 1, &root));
	ck_assert_int_eq(type_at(S2), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(slot_of(S1, 0).type, KMM_CAP_TYPE_UNTYPED);
	ck_assert_ok(cnode_op(R0, KMM_CNODE_REVOKE, 2, rv, 0, NULL));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kt_parent(EP), kt_cap(UT).slot_paddr);
}
END_TEST

/* ---- preemption and restart (one work unit per check) ------------------ */

START_TEST(revoke_deletes_newest_child_first_and_restarts)
{
	struct kmm_msg m = kt_msg(KT_ROOT, KMM_CNODE_REVOKE, 2,
				  (const uint64_t[]){ UT, KT_DEPTH }, 0, NULL);

	ck_assert_ok(retype(UT, KMM_OBJ_NOTIFICATION, 0, KT_ROOT, 0, C1, 3));
	hal_sim_interrupt_after(1);
	ck_assert_int_eq(kt_invoke_once(&m).kind, KMM_RESULT_PREEMPTED);
	ck_assert_int_eq(type_at(C1 + 2), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(C1 + 1), KMM_CAP_TYPE_NOTIFICATION);
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_NOTIFICATION);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_ENDPOINT);
	kt_assert_checker_ok(1);
	hal_sim_interrupt_after(1);
	ck_assert_int_eq(kt_invoke_once(&m).kind, KMM_RESULT_PREEMPTED);
	ck_assert_int_eq(type_at(C1 + 1), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_NOTIFICATION);
	ck_assert_ok(kt_invoke(&m));
	ck_assert_int_eq(type_at(C1), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(UT), KMM_CAP_TYPE_UNTYPED);
}
END_TEST

START_TEST(preempted_revoke_of_copies_keeps_the_older_ones)
{
	struct kmm_msg m = kt_msg(KT_ROOT, KMM_CNODE_REVOKE, 2,
				  (const uint64_t[]){ EP, KT_DEPTH }, 0, NULL);
	unsigned i;

	for (i = 0; i < 20; i++)
		ck_assert_ok(cnode_copy(COPIES + i, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	hal_sim_interrupt_after(5);
	ck_assert_int_eq(kt_invoke_once(&m).kind, KMM_RESULT_PREEMPTED);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(type_at(COPIES + i),
				 i < 15 ? KMM_CAP_TYPE_ENDPOINT : KMM_CAP_TYPE_NULL);
	kt_assert_checker_ok(1);
	ck_assert_ok(kt_invoke(&m));
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(type_at(COPIES + i), KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(preempted_cnode_delete_leaves_zombie_and_restarts)
{
	struct kmm_msg m = kt_msg(KT_ROOT, KMM_CNODE_DELETE, 2,
				  (const uint64_t[]){ S1, KT_DEPTH }, 0, NULL);
	struct kmm_cap_info z;
	unsigned i;

	kt_make(UT, KMM_OBJ_CNODE, 3, S1);
	for (i = 0; i < 8; i++)
		ck_assert_ok(copy_into(S1, 3, i, EP));
	hal_sim_interrupt_after(1);
	ck_assert_int_eq(kt_invoke_once(&m).kind, KMM_RESULT_PREEMPTED);
	z = kt_cap(S1);
	ck_assert_int_eq(z.type, KMM_CAP_TYPE_ZOMBIE);
	ck_assert_uint_eq(z.zombie_count, 7);
	ck_assert_uint_eq(z.radix, 3);
	ck_assert_int_eq(slot_of(S1, 7).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(slot_of(S1, 6).type, KMM_CAP_TYPE_ENDPOINT);
	kt_assert_checker_ok(1);
	ck_assert_result(retype(S1, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, C1, 1),
			 KMM_INVALID_CAPABILITY, 1, 0);
	ck_assert_result(cnode_copy(C1, KT_DEPTH, S1, KT_DEPTH, KMM_RIGHTS_ALL),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_ok(kt_invoke(&m));
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_int_eq(type_at(EP), KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(revoke_of_8192_copies_is_preempted_at_least_twice_and_completes)
{
	struct kmm_msg m = kt_msg(KT_ROOT, KMM_CNODE_REVOKE, 2,
				  (const uint64_t[]){ EP, KT_DEPTH }, 0, NULL);
	unsigned i, preempted = 0;
	struct kmm_result r;

	kt_make(kt_main_untyped(), KMM_OBJ_CNODE, 13, S1);
	for (i = 0; i < 8192; i++)
		ck_assert_ok(copy_into(S1, 13, i, EP));
	do {
		hal_sim_interrupt_after(1);
		r = kt_invoke_once(&m);
		preempted += r.kind == KMM_RESULT_PREEMPTED;
	} while (r.kind == KMM_RESULT_PREEMPTED);
	ck_assert_ok(r);
	ck_assert_uint_eq(preempted, 8192 / 100);
	ck_assert_int_eq(slot_of(S1, 0).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(slot_of(S1, 8191).type, KMM_CAP_TYPE_NULL);
}
END_TEST

/* Issue m with an interrupt at every preemption check, checking in between. */
static unsigned run_preempted_everywhere(const struct kmm_msg *m)
{
	struct kmm_result r;
	unsigned preempted = 0;

	for (;;) {
		hal_sim_interrupt_after(1);
		r = kt_invoke_once(m);
		if (r.kind != KMM_RESULT_PREEMPTED)
			break;
		preempted++;
		kt_assert_checker_ok(0);
	}
	ck_assert_ok(r);
	return preempted;
}

START_TEST(nested_cnode_delete_and_revoke_restart_at_every_preemption_point)
{
	struct kmm_msg del = kt_msg(KT_ROOT, KMM_CNODE_DELETE, 2,
				    (const uint64_t[]){ S1, KT_DEPTH }, 0, NULL);
	struct kmm_msg rev = kt_msg(KT_ROOT, KMM_CNODE_REVOKE, 2,
				    (const uint64_t[]){ UT, KT_DEPTH }, 0, NULL);
	uint64_t w[5] = { 0, 16, EP, KT_DEPTH, KMM_RIGHTS_ALL }, root = KT_ROOT;
	unsigned i;

	kt_make(UT, KMM_OBJ_CNODE, 2, S1);
	ck_assert_ok(retype(UT, KMM_OBJ_CNODE, 2, S1, KT_DEPTH, 1, 1));
	for (i = 0; i < 4; i++) {
		w[0] = ((uint64_t)S1 << 4) | (1 << 2) | i;
		ck_assert_ok(cnode_op(R0, KMM_CNODE_COPY, 5, w, 1, &root));
	}
	ck_assert_ok(copy_into(S1, 2, 2, EP));
	ck_assert_uint_gt(run_preempted_everywhere(&del), 2);
	ck_assert_int_eq(type_at(S1), KMM_CAP_TYPE_NULL);
	ck_assert_uint_gt(run_preempted_everywhere(&rev), 2);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
	ck_assert_int_eq(type_at(UT), KMM_CAP_TYPE_UNTYPED);
}
END_TEST

START_TEST(revoke_of_cyclic_cnodes_restarts_at_every_preemption_point)
{
	struct kmm_msg rev = kt_msg(KT_ROOT, KMM_CNODE_REVOKE, 2,
				    (const uint64_t[]){ UT, KT_DEPTH }, 0, NULL);
	unsigned i;

	kt_make(UT, KMM_OBJ_CNODE, 3, S1);
	kt_make(UT, KMM_OBJ_CNODE, 3, S2);
	ck_assert_ok(copy_into(S2, 3, 5, S1));
	ck_assert_ok(copy_into(S1, 3, 0, S2));
	ck_assert_ok(copy_into(S1, 3, 7, S1));
	for (i = 1; i < 7; i++)
		ck_assert_ok(copy_into(S1, 3, i, EP));
	ck_assert_ok(cnode_delete(S1, KT_DEPTH));
	ck_assert_ok(cnode_delete(S2, KT_DEPTH));
	ck_assert_uint_gt(run_preempted_everywhere(&rev), 8);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_CNODE), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ZOMBIE), 0);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 0);
}
END_TEST

START_TEST(revoke_asks_for_interrupts_once_per_100_work_units)
{
	uint64_t checks;
	unsigned i;

	for (i = 0; i < 250; i++)
		ck_assert_ok(cnode_copy(COPIES + i, KT_DEPTH, EP, KT_DEPTH, KMM_RIGHTS_ALL));
	checks = hal_sim_preempt_checks();
	ck_assert_ok(cnode_revoke(EP, KT_DEPTH));
	ck_assert_uint_eq(hal_sim_preempt_checks() - checks, 2);
	ck_assert_uint_eq(kt_restarts, 0);
}
END_TEST

static Suite *delete_suite(void)
{
	Suite *s = suite_create("delete");
	TCase *tree = kt_tcase("tree"), *cyc = kt_tcase("cyclic");
	TCase *pre = tcase_create("preemption"), *big = kt_tcase("big_revoke");

	tcase_add_checked_fixture(tree, make_fixture, NULL);
	tcase_add_test(tree, delete_of_copy_leaves_the_object);
	tcase_add_test(tree, badged_original_revokes_its_copies_but_copy_revokes_nothing);
	tcase_add_test(tree, revoke_of_second_badged_original_stops_at_first_badged);
	tcase_add_test(tree, copy_of_copy_is_sibling_and_neither_revokes_the_other);
	tcase_add_test(tree, revoke_of_untyped_deletes_cnode_and_its_copy);
	tcase_add_test(tree, delete_of_first_badged_original_passes_marker_to_next);
	tcase_add_test(tree, delete_of_untyped_with_children_lets_grandparent_adopt_them);
	tcase_add_test(tree, delete_of_cnode_deletes_the_caps_inside);
	tcase_add_test(tree, delete_of_tcb_destroys_it);
	suite_add_tcase(s, tree);

	tcase_add_checked_fixture(cyc, make_fixture, NULL);
	tcase_add_test(cyc, cnode_holding_its_own_cap_is_cleaned_by_revoking_its_untyped);
	tcase_add_test(cyc, delete_of_cnode_holding_its_own_cap_empties_it);
	tcase_add_test(cyc, two_cnodes_holding_each_other_are_cleaned_by_revoking_their_untyped);
	tcase_add_test(cyc, two_cnodes_holding_each_other_delete_when_one_is_reachable);
	tcase_add_test(cyc, final_cnode_cap_inside_deleted_cnode_becomes_cyclic_zombie);
	tcase_add_test(cyc, revoke_that_destroys_the_revoked_slot_stops_safely);
	suite_add_tcase(s, cyc);

	tcase_add_checked_fixture(pre, boot_one_unit, kt_teardown);
	tcase_set_timeout(pre, 60);
	tcase_add_test(pre, revoke_deletes_newest_child_first_and_restarts);
	tcase_add_test(pre, preempted_revoke_of_copies_keeps_the_older_ones);
	tcase_add_test(pre, preempted_cnode_delete_leaves_zombie_and_restarts);
	tcase_add_test(pre, nested_cnode_delete_and_revoke_restart_at_every_preemption_point);
	tcase_add_test(pre, revoke_of_cyclic_cnodes_restarts_at_every_preemption_point);
	suite_add_tcase(s, pre);

	tcase_add_checked_fixture(big, make_fixture, NULL);
	tcase_set_timeout(big, 300);
	tcase_add_test(big, revoke_of_8192_copies_is_preempted_at_least_twice_and_completes);
	tcase_add_test(big, revoke_asks_for_interrupts_once_per_100_work_units);
	suite_add_tcase(s, big);
	return s;
}

int main(void)
{
	return kt_run(delete_suite());
}

/*
 * Untyped_Retype (reference a.3 to a.6): the 17 checks in their order with
 * their exact errors and detail words, the watermark arithmetic, alignment,
 * placement, the fan-out limit, the device rule, boot untypeds starting
 * full, and the lazy, chunked, preemptible reset.
 *
 * Every test but the boot ones gets UT, a fresh 64 KiB untyped carved from
 * main RAM (watermark 0, no children), at slot KT_FREE.
 */
#include "kmm_test.h"

#define UT     KT_FREE         /* 64 KiB untyped */
#define DEST   (KT_FREE + 10)  /* first destination slot */
#define OTHER  (KT_FREE + 40)  /* a second object */
#define ROOT0  (KT_FREE + 50)  /* the root CNode minted with no guard */
#define UT_BITS 16

static void make_ut(void)
{
	kt_make_untyped(UT_BITS, UT);
}

static struct kmm_result retype_msg(uint64_t label, unsigned nwords, unsigned ncaps,
				    uint64_t root, const uint64_t *w)
{
	struct kmm_msg m = kt_msg(UT, label, nwords, w, ncaps, &root);

	return kt_invoke(&m);
}

static struct kmm_result retype_root(uint64_t root, uint64_t type, uint64_t size,
				     uint64_t index, uint64_t depth, uint64_t offset,
				     uint64_t count)
{
	uint64_t w[6] = { type, size, index, depth, offset, count };

	return retype_msg(KMM_UNTYPED_RETYPE, 6, 1, root, w);
}

static uint64_t ut_base(void)
{
	return kt_cap(UT).paddr;
}

static uint64_t free_index(uint64_t slot)
{
	return kt_cap(slot).free_index;
}

/* ---- a.3, the checks in order --------------------------------------- */

START_TEST(retype_with_other_label_fails_illegal_operation)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, DEST, 1 };

	ck_assert_result(retype_msg(KMM_CNODE_COPY, 6, 1, KT_ROOT, w),
			 KMM_ILLEGAL_OPERATION, 0);
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(retype_with_five_words_fails_truncated_message)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, DEST, 1 };

	ck_assert_result(retype_msg(KMM_UNTYPED_RETYPE, 5, 1, KT_ROOT, w),
			 KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(retype_without_root_cap_fails_truncated_message)
{
	uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, DEST, 1 };

	ck_assert_result(retype_msg(KMM_UNTYPED_RETYPE, 6, 0, KT_ROOT, w),
			 KMM_TRUNCATED_MESSAGE, 0);
}
END_TEST

START_TEST(retype_of_type_count_fails_invalid_argument_0)
{
	ck_assert_result(retype(UT, KMM_OBJ_TYPE_COUNT, 0, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 0);
	ck_assert_result(retype(UT, UINT64_MAX, 0, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 0);
}
END_TEST

START_TEST(retype_of_tcb_with_size_bits_64_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_TCB, 64, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_RANGE_ERROR, 2, 0, 47);
}
END_TEST

START_TEST(retype_of_object_above_47_bits_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_UNTYPED, 48, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_RANGE_ERROR, 2, 0, 47);
	ck_assert_result(retype(UT, KMM_OBJ_CNODE, 43, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_RANGE_ERROR, 2, 0, 47);
}
END_TEST

START_TEST(retype_of_untyped_47_bits_passes_size_check_and_lacks_memory)
{
	ck_assert_result(retype(UT, KMM_OBJ_UNTYPED, 47, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1, 1ull << UT_BITS);
}
END_TEST

START_TEST(retype_at_the_size_limits_passes_size_check_and_lacks_memory)
{
	ck_assert_result(retype(UT, KMM_OBJ_TCB, 63, KT_ROOT, KT_DEPTH, DEST, 33),
			 KMM_NOT_ENOUGH_MEMORY, 1, 1ull << UT_BITS);
	ck_assert_result(retype(UT, KMM_OBJ_CNODE, 42, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1, 1ull << UT_BITS);
	ck_assert_ok(retype(UT, KMM_OBJ_TCB, 63, KT_ROOT, KT_DEPTH, DEST, 1));
	ck_assert_uint_eq(kt_cap(DEST).size_bits, KMM_TCB_BITS);
}
END_TEST

START_TEST(retype_of_cnode_size_0_fails_invalid_argument_1)
{
	ck_assert_result(retype(UT, KMM_OBJ_CNODE, 0, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
}
END_TEST

START_TEST(retype_of_untyped_below_4_bits_fails_invalid_argument_1)
{
	ck_assert_result(retype(UT, KMM_OBJ_UNTYPED, 3, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
	ck_assert_ok(retype(UT, KMM_OBJ_UNTYPED, 4, KT_ROOT, KT_DEPTH, DEST, 1));
	ck_assert_uint_eq(kt_cap(DEST).size_bits, 4);
}
END_TEST

START_TEST(retype_with_non_cnode_root_fails_invalid_root)
{
	ck_assert_result(retype_root(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_FAILED_LOOKUP, 2, 0, KMM_LOOKUP_INVALID_ROOT);
}
END_TEST

START_TEST(retype_with_depth_65_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 65, DEST, 1),
			 KMM_RANGE_ERROR, 2, 1, 64);
}
END_TEST

START_TEST(retype_with_guard_mismatch_fails_failed_lookup)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, 1ull << 63, KT_DEPTH, DEST, 1),
			 KMM_FAILED_LOOKUP, 5, 0, KMM_LOOKUP_GUARD_MISMATCH, 64, 0, 52);
}
END_TEST

START_TEST(retype_with_short_depth_fails_depth_mismatch)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 60, DEST, 1),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 60, 64);
}
END_TEST

START_TEST(retype_with_leftover_bits_fails_depth_mismatch)
{
	ck_assert_ok(cnode_mint(ROOT0, KT_DEPTH, KT_ROOT, KT_DEPTH, KMM_RIGHTS_ALL, 0));
	ck_assert_result(retype_root(ROOT0, KMM_OBJ_ENDPOINT, 0, UT << 1, 13, DEST, 1),
			 KMM_FAILED_LOOKUP, 4, 0, KMM_LOOKUP_DEPTH_MISMATCH, 1, 0);
}
END_TEST

START_TEST(retype_into_empty_node_slot_fails_missing_capability)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, DEST, KT_DEPTH, 0, 1),
			 KMM_FAILED_LOOKUP, 3, 0, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(retype_into_non_cnode_fails_missing_capability)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, UT, KT_DEPTH, 0, 1),
			 KMM_FAILED_LOOKUP, 3, 0, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(retype_depth_0_with_non_cnode_root_fails_missing_capability)
{
	ck_assert_result(retype_root(UT, KMM_OBJ_ENDPOINT, 0, 12345, 0, DEST, 1),
			 KMM_FAILED_LOOKUP, 3, 0, KMM_LOOKUP_MISSING_CAPABILITY, 0);
}
END_TEST

START_TEST(retype_depth_0_uses_root_itself)
{
	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, 0xdead, 0, DEST, 1));
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_ENDPOINT);
}
END_TEST

START_TEST(retype_offset_past_last_slot_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4096, 1),
			 KMM_RANGE_ERROR, 2, 0, 4095);
}
END_TEST

START_TEST(retype_count_0_or_257_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 0),
			 KMM_RANGE_ERROR, 2, 1, 256);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 257),
			 KMM_RANGE_ERROR, 2, 1, 256);
}
END_TEST

START_TEST(retype_count_past_cnode_end_fails_range_error)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4000, 200),
			 KMM_RANGE_ERROR, 2, 1, 96);
	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4000, 96));
}
END_TEST

START_TEST(retype_into_occupied_slot_fails_delete_first)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST + 2);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 3),
			 KMM_DELETE_FIRST, 0);
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(free_index(UT), 1);
}
END_TEST

START_TEST(retype_beyond_free_bytes_fails_not_enough_memory)
{
	ck_assert_result(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST, 17),
			 KMM_NOT_ENOUGH_MEMORY, 1, 65536);
	ck_assert_ok(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST, 16));
	ck_assert_uint_eq(free_index(UT), 4096);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, OTHER, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1, 0);
}
END_TEST

START_TEST(retype_device_untyped_to_endpoint_fails_invalid_argument_1)
{
	uint64_t dev = kt_boot_untyped(21, true);

	ck_assert_result(retype(dev, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
	ck_assert_result(retype(dev, KMM_OBJ_CNODE, 4, KT_ROOT, 0, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
	ck_assert_result(retype(dev, KMM_OBJ_PAGE_TABLE, 0, KT_ROOT, 0, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
}
END_TEST

START_TEST(retype_device_untyped_to_frames_and_untyped_succeeds)
{
	uint64_t dev = kt_boot_untyped(21, true);
	struct kmm_cap_info f, u;

	ck_assert_ok(retype(dev, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST, 1));
	ck_assert_ok(retype(dev, KMM_OBJ_UNTYPED, 12, KT_ROOT, 0, DEST + 1, 1));
	f = kt_cap(DEST);
	u = kt_cap(DEST + 1);
	ck_assert_int_eq(f.type, KMM_CAP_TYPE_FRAME);
	ck_assert(f.is_device);
	ck_assert_int_eq(u.type, KMM_CAP_TYPE_UNTYPED);
	ck_assert(u.is_device);
	ck_assert_uint_eq(u.free_index, 0);
	ck_assert_result(retype(DEST + 1, KMM_OBJ_TCB, 0, KT_ROOT, 0, DEST + 2, 1),
			 KMM_INVALID_ARGUMENT, 1, 1);
}
END_TEST

/* ---- a.3, consequences of the order --------------------------------- */

START_TEST(retype_type_is_checked_before_size)
{
	ck_assert_result(retype(UT, KMM_OBJ_TYPE_COUNT, 64, KT_ROOT, KT_DEPTH, DEST, 1),
			 KMM_INVALID_ARGUMENT, 1, 0);
}
END_TEST

START_TEST(retype_size_is_checked_before_destination)
{
	ck_assert_result(retype(UT, KMM_OBJ_CNODE, 0, DEST, KT_DEPTH, 99999, 0),
			 KMM_INVALID_ARGUMENT, 1, 1);
}
END_TEST

START_TEST(retype_destination_is_checked_before_offset_and_count)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, DEST, KT_DEPTH, 99999, 0),
			 KMM_FAILED_LOOKUP, 3, 0, KMM_LOOKUP_MISSING_CAPABILITY, 64);
}
END_TEST

START_TEST(retype_offset_is_checked_before_count)
{
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4096, 0),
			 KMM_RANGE_ERROR, 2, 0, 4095);
}
END_TEST

START_TEST(retype_count_range_is_reported_before_occupied_slot)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, 4000);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4000, 257),
			 KMM_RANGE_ERROR, 2, 1, 256);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, 4000, 200),
			 KMM_RANGE_ERROR, 2, 1, 96);
}
END_TEST

START_TEST(retype_occupied_slot_is_reported_before_not_enough_memory)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST + 16);
	ck_assert_result(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST, 17),
			 KMM_DELETE_FIRST, 0);
}
END_TEST

START_TEST(retype_not_enough_memory_is_reported_before_device_rule)
{
	uint64_t dev = kt_boot_untyped(12, true);

	ck_assert_result(retype(dev, KMM_OBJ_TCB, 0, KT_ROOT, 0, DEST, 3),
			 KMM_NOT_ENOUGH_MEMORY, 1, 4096);
	ck_assert_result(retype(dev, KMM_OBJ_TCB, 0, KT_ROOT, 0, DEST, 2),
			 KMM_INVALID_ARGUMENT, 1, 1);
}
END_TEST

START_TEST(retype_failure_changes_nothing)
{
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST + 1);
	ck_assert_result(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 2),
			 KMM_DELETE_FIRST, 0);
	ck_assert_uint_eq(free_index(UT), 1);
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 1);
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
}
END_TEST

/* ---- a.4, a.5: watermark, alignment, placement, new caps ------------ */

START_TEST(retype_worked_example_of_a4_gives_its_watermarks)
{
	uint64_t u8 = OTHER, base;

	kt_make(UT, KMM_OBJ_UNTYPED, 13, u8);
	base = kt_cap(u8).paddr;
	ck_assert_ok(retype(u8, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 1));
	ck_assert_uint_eq(kt_cap(DEST).paddr, base);
	ck_assert_uint_eq(free_index(u8), 1);
	ck_assert_ok(retype(u8, KMM_OBJ_TCB, 0, KT_ROOT, 0, DEST + 1, 1));
	ck_assert_uint_eq(kt_cap(DEST + 1).paddr, base + 2048);
	ck_assert_uint_eq(free_index(u8), 256);
	ck_assert_result(retype(u8, KMM_OBJ_TCB, 0, KT_ROOT, 0, DEST + 2, 3),
			 KMM_NOT_ENOUGH_MEMORY, 1, 4096);
	ck_assert_uint_eq(free_index(u8), 256);
}
END_TEST

START_TEST(retype_after_4k_then_16k_loses_alignment_gap)
{
	uint64_t base = ut_base();

	ck_assert_ok(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST, 1));
	ck_assert_uint_eq(free_index(UT), 4096 / 16);
	ck_assert_ok(retype(UT, KMM_OBJ_CNODE, 9, KT_ROOT, 0, DEST + 1, 1));
	ck_assert_uint_eq(kt_cap(DEST + 1).paddr, base + 16384);
	ck_assert_uint_eq(kt_cap(DEST + 1).size_bits, 14);
	ck_assert_uint_eq(free_index(UT), 32768 / 16);
}
END_TEST

START_TEST(retype_free_bytes_ignore_alignment_loss)
{
	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 1));
	/* 65520 free bytes >> 12 = 15 frames fit after the 16-byte endpoint. */
	ck_assert_result(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST + 1, 16),
			 KMM_NOT_ENOUGH_MEMORY, 1, 65520);
	ck_assert_ok(retype(UT, KMM_OBJ_4K_PAGE, 0, KT_ROOT, 0, DEST + 1, 15));
	ck_assert_uint_eq(kt_cap(DEST + 1).paddr, ut_base() + 4096);
	ck_assert_uint_eq(free_index(UT), 4096);
}
END_TEST

START_TEST(retype_batch_places_objects_consecutively_newest_first_in_list)
{
	uint64_t base = ut_base(), ut_pos;
	unsigned i;

	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, OTHER);
	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 3));
	ut_pos = kt_list_pos(UT);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(kt_cap(DEST + i).paddr, base + 32 + 16 * i);
		ck_assert_uint_eq(kt_list_pos(DEST + i), ut_pos + 3 - i);
		ck_assert_uint_eq(kt_parent(DEST + i), kt_cap(UT).slot_paddr);
	}
	ck_assert_uint_eq(kt_list_pos(OTHER), ut_pos + 4);
	ck_assert_uint_eq(free_index(UT), (32 + 48) / 16);
}
END_TEST

START_TEST(retype_new_caps_are_revocable_and_first_badged)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST);
	c = kt_cap(DEST);
	ck_assert(c.revocable);
	ck_assert(c.first_badged);
}
END_TEST

START_TEST(retype_new_endpoint_has_badge_0_and_all_rights)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST);
	c = kt_cap(DEST);
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_ENDPOINT);
	ck_assert_uint_eq(c.badge, 0);
	ck_assert_uint_eq(c.rights, KMM_RIGHTS_ALL);
	ck_assert_uint_eq(c.size_bits, KMM_ENDPOINT_BITS);
}
END_TEST

START_TEST(retype_new_notification_has_badge_0_send_and_receive)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, DEST);
	c = kt_cap(DEST);
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_NOTIFICATION);
	ck_assert_uint_eq(c.badge, 0);
	ck_assert_uint_eq(c.rights, KMM_RIGHT_READ | KMM_RIGHT_WRITE);
	ck_assert_uint_eq(c.size_bits, KMM_NOTIFICATION_BITS);
}
END_TEST

START_TEST(retype_new_cnode_has_radix_size_bits_and_no_guard)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_CNODE, 6, DEST);
	c = kt_cap(DEST);
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_CNODE);
	ck_assert_uint_eq(c.radix, 6);
	ck_assert_uint_eq(c.guard_size, 0);
	ck_assert_uint_eq(c.guard, 0);
	ck_assert_uint_eq(c.size_bits, 11);
	ck_assert_uint_eq(free_index(UT), 2048 / 16);
}
END_TEST

START_TEST(retype_new_untyped_child_starts_empty)
{
	struct kmm_cap_info c;

	kt_make(UT, KMM_OBJ_UNTYPED, 12, DEST);
	c = kt_cap(DEST);
	ck_assert_int_eq(c.type, KMM_CAP_TYPE_UNTYPED);
	ck_assert_uint_eq(c.free_index, 0);
	ck_assert(!c.is_device);
	ck_assert_uint_eq(c.paddr, ut_base());
}
END_TEST

START_TEST(retype_sizes_follow_a7)
{
	static const struct { enum kmm_object_type t; unsigned bits; } sizes[] = {
		{ KMM_OBJ_TCB, 11 }, { KMM_OBJ_ENDPOINT, 4 }, { KMM_OBJ_NOTIFICATION, 5 },
		{ KMM_OBJ_PDPT, 12 }, { KMM_OBJ_PML4, 12 }, { KMM_OBJ_4K_PAGE, 12 },
		{ KMM_OBJ_PAGE_TABLE, 12 }, { KMM_OBJ_PAGE_DIRECTORY, 12 },
	};
	uint64_t main_ut = kt_main_untyped();
	unsigned i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		kt_make(main_ut, sizes[i].t, 0, DEST + i);
		ck_assert_uint_eq(kt_cap(DEST + i).size_bits, sizes[i].bits);
		ck_assert_uint_eq(kt_cap(DEST + i).paddr & ((1ull << sizes[i].bits) - 1), 0);
	}
	kt_make(main_ut, KMM_OBJ_LARGE_PAGE, 0, OTHER);
	ck_assert_uint_eq(kt_cap(OTHER).size_bits, 21);
	ck_assert_result(retype(main_ut, KMM_OBJ_HUGE_PAGE, 0, KT_ROOT, 0, OTHER + 1, 1),
			 KMM_NOT_ENOUGH_MEMORY, 1,
			 (1ull << 24) - (kt_cap(main_ut).free_index << 4));
}
END_TEST

START_TEST(retype_fan_out_of_256_succeeds)
{
	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 256));
	ck_assert_uint_eq(kmm_inspect_object_count(KMM_CAP_TYPE_ENDPOINT), 256);
	ck_assert_uint_eq(free_index(UT), 256);
	ck_assert_uint_eq(kt_cap(DEST + 255).paddr, ut_base() + 255 * 16);
}
END_TEST

START_TEST(boot_untypeds_start_full)
{
	const struct kmm_bootinfo *bi = kt_bootinfo();
	uint32_t i;

	ck_assert_uint_gt(bi->untyped_count, 2);
	for (i = 0; i < bi->untyped_count; i++) {
		struct kmm_cap_info c = kt_cap(bi->untyped_first + i);

		ck_assert_int_eq(c.type, KMM_CAP_TYPE_UNTYPED);
		ck_assert_uint_eq(c.paddr, bi->untyped[i].paddr);
		ck_assert_uint_eq(c.free_index, 1ull << (bi->untyped[i].size_bits - 4));
		ck_assert_int_eq(c.is_device, bi->untyped[i].is_device);
		ck_assert(c.revocable);
		ck_assert(c.first_badged);
	}
}
END_TEST

/* ---- a.4: lazy reset -------------------------------------------------- */

START_TEST(retype_with_children_continues_at_watermark_without_reset)
{
	uint64_t base = ut_base();

	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST);
	memset(kt_phys(base), 0xee, 16);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST + 1);
	ck_assert_uint_eq(kt_cap(DEST + 1).paddr, base + 16);
	ck_assert_uint_eq(free_index(UT), 2);
	ck_assert(kt_mem_is(base, 16, 0xee));
}
END_TEST

START_TEST(retype_without_children_resets_and_starts_at_base)
{
	uint64_t base = ut_base();

	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST);
	kt_make(UT, KMM_OBJ_ENDPOINT, 0, DEST + 1);
	memset(kt_phys(base), 0xee, 32);
	ck_assert_ok(cnode_delete(DEST, KT_DEPTH));
	ck_assert_ok(cnode_delete(DEST + 1, KT_DEPTH));
	ck_assert_uint_eq(free_index(UT), 2);
	kt_make(UT, KMM_OBJ_NOTIFICATION, 0, DEST);
	ck_assert_uint_eq(kt_cap(DEST).paddr, base);
	ck_assert_uint_eq(free_index(UT), 2);
	ck_assert(kt_mem_is(base, 32, 0));
}
END_TEST

START_TEST(revoke_of_untyped_keeps_watermark_until_next_retype)
{
	uint64_t base = ut_base();

	ck_assert_ok(retype(UT, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 2));
	ck_assert_ok(cnode_revoke(UT, KT_DEPTH));
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
	ck_assert_int_eq(kt_cap(DEST + 1).type, KMM_CAP_TYPE_NULL);
	ck_assert_uint_eq(free_index(UT), 2);
	kt_make(UT, KMM_OBJ_TCB, 0, DEST);
	ck_assert_uint_eq(kt_cap(DEST).paddr, base);
	ck_assert_uint_eq(free_index(UT), 2048 / 16);
}
END_TEST

START_TEST(retype_of_small_untyped_resets_in_one_step)
{
	uint64_t base;

	kt_make(UT, KMM_OBJ_UNTYPED, 7, OTHER);
	base = kt_cap(OTHER).paddr;
	ck_assert_ok(retype(OTHER, KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 8));
	memset(kt_phys(base), 0x77, 128);
	ck_assert_ok(cnode_revoke(OTHER, KT_DEPTH));
	kt_make(OTHER, KMM_OBJ_ENDPOINT, 0, DEST);
	ck_assert_uint_eq(free_index(OTHER), 1);
	ck_assert(kt_mem_is(base, 128, 0));
}
END_TEST

/* ---- a.4: zeroing and the preemptible reset (scribbled RAM) ---------- */

#define JUNK 0xa5

static void boot_scribbled(void)
{
	struct kt_config cfg = { KT_MEM, 1, JUNK };

	kt_boot_config(&cfg);
}

START_TEST(first_retype_of_boot_untyped_zeroes_scribbled_memory)
{
	uint64_t u = kt_boot_untyped(12, false);
	struct kmm_cap_info c = kt_cap(u);
	uint64_t other = kt_boot_untyped(c.size_bits + 1, false);

	ck_assert(kt_mem_is(c.paddr, 1ull << c.size_bits, JUNK));
	kt_make(u, KMM_OBJ_ENDPOINT, 0, DEST);
	ck_assert(kt_mem_is(c.paddr, 1ull << c.size_bits, 0));
	ck_assert(kt_mem_is(kt_cap(other).paddr, 4096, JUNK));
}
END_TEST

START_TEST(retype_from_device_untyped_never_zeroes)
{
	uint64_t dev = kt_boot_untyped(12, true);
	uint64_t base = kt_cap(dev).paddr;

	kt_make(dev, KMM_OBJ_4K_PAGE, 0, DEST);
	ck_assert_uint_eq(kt_cap(DEST).paddr, base);
	ck_assert_uint_eq(free_index(dev), 256);
	ck_assert(kt_mem_is(base, 4096, JUNK));
}
END_TEST

/* A boot untyped of at least 4 KiB, full and scribbled, and a retype from it. */
struct reset_case {
	uint64_t slot, base, size;
	struct kmm_msg msg;
};

static struct reset_case reset_case(void)
{
	static const uint64_t w[6] = { KMM_OBJ_ENDPOINT, 0, KT_ROOT, 0, DEST, 1 };
	static const uint64_t root = KT_ROOT;
	struct reset_case rc;

	rc.slot = kt_boot_untyped(12, false);
	rc.base = kt_cap(rc.slot).paddr;
	rc.size = 1ull << kt_cap(rc.slot).size_bits;
	rc.msg = kt_msg(rc.slot, KMM_UNTYPED_RETYPE, 6, w, 1, &root);
	ck_assert_uint_eq(free_index(rc.slot), rc.size / 16);
	return rc;
}

START_TEST(preempted_reset_zeroes_from_the_top_in_256_byte_chunks)
{
	struct reset_case rc = reset_case();
	uint64_t checks = hal_sim_preempt_checks(), low = rc.size - 3 * 256;

	hal_sim_interrupt_after(3);
	ck_assert_int_eq(kt_invoke_once(&rc.msg).kind, KMM_RESULT_PREEMPTED);
	ck_assert_uint_eq(hal_sim_preempt_checks() - checks, 3);
	ck_assert_uint_eq(free_index(rc.slot), low / 16);
	ck_assert(kt_mem_is(rc.base + low, 3 * 256, 0));
	ck_assert(kt_mem_is(rc.base, low, JUNK));
	ck_assert_int_eq(kt_cap(DEST).type, KMM_CAP_TYPE_NULL);
	kt_assert_checker_ok(1);
	ck_assert_ok(kt_invoke(&rc.msg));
	ck_assert_uint_eq(kt_cap(DEST).paddr, rc.base);
	ck_assert_uint_eq(free_index(rc.slot), 1);
	ck_assert(kt_mem_is(rc.base, rc.size, 0));
}
END_TEST

START_TEST(preempted_reset_lowers_watermark_one_chunk_per_restart)
{
	struct reset_case rc = reset_case();
	uint64_t k, chunks = rc.size / 256;

	for (k = 1; k <= chunks; k++) {
		hal_sim_interrupt_after(1);
		ck_assert_int_eq(kt_invoke_once(&rc.msg).kind, KMM_RESULT_PREEMPTED);
		ck_assert_uint_eq(free_index(rc.slot), (rc.size - 256 * k) / 16);
	}
	hal_sim_interrupt_after(1);
	ck_assert_ok(kt_invoke_once(&rc.msg));
	ck_assert_uint_eq(free_index(rc.slot), 1);
	ck_assert(kt_mem_is(rc.base, rc.size, 0));
}
END_TEST

static Suite *untyped_suite(void)
{
	Suite *s = suite_create("untyped");
	TCase *checks = kt_tcase("checks"), *order = kt_tcase("order");
	TCase *mark = kt_tcase("watermark"), *zero = tcase_create("zeroing");

	tcase_add_checked_fixture(checks, make_ut, NULL);
	tcase_add_test(checks, retype_with_other_label_fails_illegal_operation);
	tcase_add_test(checks, retype_with_five_words_fails_truncated_message);
	tcase_add_test(checks, retype_without_root_cap_fails_truncated_message);
	tcase_add_test(checks, retype_of_type_count_fails_invalid_argument_0);
	tcase_add_test(checks, retype_of_tcb_with_size_bits_64_fails_range_error);
	tcase_add_test(checks, retype_of_object_above_47_bits_fails_range_error);
	tcase_add_test(checks, retype_of_untyped_47_bits_passes_size_check_and_lacks_memory);
	tcase_add_test(checks, retype_at_the_size_limits_passes_size_check_and_lacks_memory);
	tcase_add_test(checks, retype_of_cnode_size_0_fails_invalid_argument_1);
	tcase_add_test(checks, retype_of_untyped_below_4_bits_fails_invalid_argument_1);
	tcase_add_test(checks, retype_with_non_cnode_root_fails_invalid_root);
	tcase_add_test(checks, retype_with_depth_65_fails_range_error);
	tcase_add_test(checks, retype_with_guard_mismatch_fails_failed_lookup);
	tcase_add_test(checks, retype_with_short_depth_fails_depth_mismatch);
	tcase_add_test(checks, retype_with_leftover_bits_fails_depth_mismatch);
	tcase_add_test(checks, retype_into_empty_node_slot_fails_missing_capability);
	tcase_add_test(checks, retype_into_non_cnode_fails_missing_capability);
	tcase_add_test(checks, retype_depth_0_with_non_cnode_root_fails_missing_capability);
	tcase_add_test(checks, retype_depth_0_uses_root_itself);
	tcase_add_test(checks, retype_offset_past_last_slot_fails_range_error);
	tcase_add_test(checks, retype_count_0_or_257_fails_range_error);
	tcase_add_test(checks, retype_count_past_cnode_end_fails_range_error);
	tcase_add_test(checks, retype_into_occupied_slot_fails_delete_first);
	tcase_add_test(checks, retype_beyond_free_bytes_fails_not_enough_memory);
	tcase_add_test(checks, retype_device_untyped_to_endpoint_fails_invalid_argument_1);
	tcase_add_test(checks, retype_device_untyped_to_frames_and_untyped_succeeds);
	suite_add_tcase(s, checks);

	tcase_add_checked_fixture(order, make_ut, NULL);
	tcase_add_test(order, retype_type_is_checked_before_size);
	tcase_add_test(order, retype_size_is_checked_before_destination);
	tcase_add_test(order, retype_destination_is_checked_before_offset_and_count);
	tcase_add_test(order, retype_offset_is_checked_before_count);
	tcase_add_test(order, retype_count_range_is_reported_before_occupied_slot);
	tcase_add_test(order, retype_occupied_slot_is_reported_before_not_enough_memory);
	tcase_add_test(order, retype_not_enough_memory_is_reported_before_device_rule);
	tcase_add_test(order, retype_failure_changes_nothing);
	suite_add_tcase(s, order);

	tcase_add_checked_fixture(mark, make_ut, NULL);
	tcase_add_test(mark, retype_worked_example_of_a4_gives_its_watermarks);
	tcase_add_test(mark, retype_after_4k_then_16k_loses_alignment_gap);
	tcase_add_test(mark, retype_free_bytes_ignore_alignment_loss);
	tcase_add_test(mark, retype_batch_places_objects_consecutively_newest_first_in_list);
	tcase_add_test(mark, retype_new_caps_are_revocable_and_first_badged);
	tcase_add_test(mark, retype_new_endpoint_has_badge_0_and_all_rights);
	tcase_add_test(mark, retype_new_notification_has_badge_0_send_and_receive);
	tcase_add_test(mark, retype_new_cnode_has_radix_size_bits_and_no_guard);
	tcase_add_test(mark, retype_new_untyped_child_starts_empty);
	tcase_add_test(mark, retype_sizes_follow_a7);
	tcase_add_test(mark, retype_fan_out_of_256_succeeds);
	tcase_add_test(mark, retype_with_children_continues_at_watermark_without_reset);
	tcase_add_test(mark, retype_without_children_resets_and_starts_at_base);
	tcase_add_test(mark, revoke_of_untyped_keeps_watermark_until_next_retype);
	tcase_add_test(mark, retype_of_small_untyped_resets_in_one_step);
	suite_add_tcase(s, mark);

	tcase_add_checked_fixture(zero, boot_scribbled, kt_teardown);
	tcase_set_timeout(zero, 60);
	tcase_add_test(zero, boot_untypeds_start_full);
	tcase_add_test(zero, first_retype_of_boot_untyped_zeroes_scribbled_memory);
	tcase_add_test(zero, retype_from_device_untyped_never_zeroes);
	tcase_add_test(zero, preempted_reset_zeroes_from_the_top_in_256_byte_chunks);
	tcase_add_test(zero, preempted_reset_lowers_watermark_one_chunk_per_restart);
	suite_add_tcase(s, zero);
	return s;
}

int main(void)
{
	return kt_run(untyped_suite());
}

/*
 * The capability: two 64-bit words, and the only place their bit layout is
 * written down (style anchor 12).  No shift or mask on a cap appears
 * outside this file.  Physical addresses are stored, never kernel
 * pointers, so the layout is the same on every HAL.
 *
 *   w0[59..63]  cap type (enum kmm_cap_type), for every cap
 *
 *   untyped      w0[0..51] paddr        w1[0..43] free_index (granules)
 *                                       w1[44..49] size_bits, w1[50] device
 *   endpoint,    w0[0..51] paddr        w1 badge
 *   notification w0[52..55] rights
 *   cnode        w0[0..46] paddr >> 5   w1 guard
 *                w0[47..52] radix, w0[53..58] guard_size
 *   tcb          w0[0..51] paddr
 *   zombie       w0[0..51] slots paddr  w1 slots still to clear
 *                w0[52..57] radix, or ZOMBIE_TCB
 *   frame        w0[0..39] paddr >> 12  w1[0..11] mapped asid
 *                w0[40..41] frame size  w1[12..47] mapped vaddr >> 12
 *                w0[42] device, w0[43..44] vm rights, w0[45..46] map type
 *   pt, pd,      w0[0..39] paddr >> 12  w1[0..11] mapped asid
 *   pdpt         w0[40] is mapped       w1[12..47] mapped vaddr >> 12
 *   pml4         w0[0..39] paddr >> 12  w1[0..11] asid
 *                w0[40] has asid
 *   asid pool    w0[0..39] paddr >> 12  w1[0..11] asid base
 *   asid control (no fields)
 */
#ifndef KMM_CAP_H
#define KMM_CAP_H

#include <kmm/kernel.h>
#include "util.h"

struct cap {
	uint64_t w0, w1;
};

_Static_assert(sizeof(struct cap) == 16, "a cap is two words");

#define ZOMBIE_TCB 63u

enum frame_size { FRAME_4K = 0, FRAME_2M = 1, FRAME_1G = 2 };

static inline uint64_t field_get(uint64_t w, unsigned shift, unsigned bits)
{
	return (w >> shift) & mask_bits(bits);
}

static inline uint64_t field_set(uint64_t w, unsigned shift, unsigned bits, uint64_t v)
{
	kassert((v & ~mask_bits(bits)) == 0);
	return (w & ~(mask_bits(bits) << shift)) | (v << shift);
}

/* CAP_FIELD(name, word, shift, bits, scale): value stored as v >> scale. */
#define CAP_FIELD(name, word, shift, bits, scale)                             \
	static inline uint64_t cap_##name(const struct cap *c)                \
	{                                                                     \
		return field_get(c->word, shift, bits) << (scale);            \
	}                                                                     \
	static inline void cap_set_##name(struct cap *c, uint64_t v)          \
	{                                                                     \
		kassert((v & mask_bits(scale)) == 0);                         \
		c->word = field_set(c->word, shift, bits, v >> (scale));      \
	}

CAP_FIELD(type_raw, w0, 59, 5, 0)

CAP_FIELD(untyped_paddr, w0, 0, 52, 0)
CAP_FIELD(untyped_free_index, w1, 0, 44, 0)
CAP_FIELD(untyped_size_bits, w1, 44, 6, 0)
CAP_FIELD(untyped_device, w1, 50, 1, 0)

CAP_FIELD(ep_paddr, w0, 0, 52, 0)
CAP_FIELD(ep_rights, w0, 52, 4, 0)
CAP_FIELD(ep_badge, w1, 0, 64, 0)

CAP_FIELD(cnode_paddr, w0, 0, 47, 5)
CAP_FIELD(cnode_radix, w0, 47, 6, 0)
CAP_FIELD(cnode_guard_size, w0, 53, 6, 0)
CAP_FIELD(cnode_guard, w1, 0, 64, 0)

CAP_FIELD(tcb_paddr, w0, 0, 52, 0)

CAP_FIELD(zombie_paddr, w0, 0, 52, 0)
CAP_FIELD(zombie_radix, w0, 52, 6, 0)
CAP_FIELD(zombie_count, w1, 0, 64, 0)

CAP_FIELD(frame_paddr, w0, 0, 40, 12)
CAP_FIELD(frame_size, w0, 40, 2, 0)
CAP_FIELD(frame_device, w0, 42, 1, 0)
CAP_FIELD(frame_vm_rights, w0, 43, 2, 0)
CAP_FIELD(frame_map_type, w0, 45, 2, 0)
CAP_FIELD(frame_asid, w1, 0, 12, 0)
CAP_FIELD(frame_vaddr, w1, 12, 36, 12)

CAP_FIELD(table_paddr, w0, 0, 40, 12)
CAP_FIELD(table_mapped, w0, 40, 1, 0)
CAP_FIELD(table_asid, w1, 0, 12, 0)
CAP_FIELD(table_vaddr, w1, 12, 36, 12)

CAP_FIELD(pml4_paddr, w0, 0, 40, 12)
CAP_FIELD(pml4_has_asid, w0, 40, 1, 0)
CAP_FIELD(pml4_asid, w1, 0, 12, 0)

CAP_FIELD(asid_pool_paddr, w0, 0, 40, 12)
CAP_FIELD(asid_pool_base, w1, 0, 12, 0)

static inline enum kmm_cap_type cap_type(const struct cap *c)
{
	return (enum kmm_cap_type)cap_type_raw(c);
}

static inline bool cap_is_null(const struct cap *c)
{
	return cap_type(c) == KMM_CAP_TYPE_NULL;
}

static inline struct cap cap_new(enum kmm_cap_type t)
{
	struct cap c = { 0, 0 };
	cap_set_type_raw(&c, t);
	return c;
}

static inline struct cap cap_null(void)
{
	return cap_new(KMM_CAP_TYPE_NULL);
}

static inline bool cap_is_frame_object(enum kmm_object_type t)
{
	return t == KMM_OBJ_4K_PAGE || t == KMM_OBJ_LARGE_PAGE ||
	       t == KMM_OBJ_HUGE_PAGE;
}

static inline unsigned frame_size_bits(enum frame_size s)
{
	return s == FRAME_4K ? KMM_PAGE_BITS :
	       s == FRAME_2M ? KMM_LARGE_PAGE_BITS : KMM_HUGE_PAGE_BITS;
}

/* Object-level views, defined in object/objecttype.c. */
bool cap_has_memory(const struct cap *c);
uint64_t cap_object_paddr(const struct cap *c);
unsigned cap_object_size_bits(const struct cap *c);

#endif

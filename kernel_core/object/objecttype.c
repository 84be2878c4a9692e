/*
 * Per-type rules, dispatched on the cap type: how big an object is, how a
 * new one is made, what finalising its last cap does, and how a cap of
 * that type may be copied (derive), weakened (rights) or changed (cap
 * data).  Each rule follows the reference: a.5/a.7 for creation and sizes,
 * b.3.1 for derive, b.3.2 for rights and cap data, b.7 for finalisation.
 */
#include "objecttype.h"
#include "invocations.h"
#include "../kernel/cdt.h"

unsigned object_size_bits(enum kmm_object_type t, uint64_t user_size)
{
	switch (t) {
	case KMM_OBJ_UNTYPED:
		return (unsigned)user_size;
	case KMM_OBJ_TCB:
		return KMM_TCB_BITS;
	case KMM_OBJ_ENDPOINT:
		return KMM_ENDPOINT_BITS;
	case KMM_OBJ_NOTIFICATION:
		return KMM_NOTIFICATION_BITS;
	case KMM_OBJ_CNODE:
		return KMM_SLOT_BITS + (unsigned)user_size;
	case KMM_OBJ_HUGE_PAGE:
		return KMM_HUGE_PAGE_BITS;
	case KMM_OBJ_LARGE_PAGE:
		return KMM_LARGE_PAGE_BITS;
	default:  /* 4K page and every paging structure */
		return KMM_PAGE_BITS;
	}
}

uint32_t kmm_object_size_bits(enum kmm_object_type t, uint64_t user_size)
{
	return object_size_bits(t, user_size);
}

static struct cap frame_cap(uint64_t paddr, enum frame_size size, bool device)
{
	struct cap c = cap_new(KMM_CAP_TYPE_FRAME);

	cap_set_frame_paddr(&c, paddr);
	cap_set_frame_size(&c, size);
	cap_set_frame_device(&c, device);
	cap_set_frame_vm_rights(&c, KMM_VM_READ_WRITE);
	return c;
}

static struct cap paddr_cap(enum kmm_cap_type t, uint64_t paddr)
{
	struct cap c = cap_new(t);

	switch (t) {
	case KMM_CAP_TYPE_ENDPOINT:
		cap_set_ep_paddr(&c, paddr);
		cap_set_ep_rights(&c, KMM_RIGHTS_ALL);
		break;
	case KMM_CAP_TYPE_NOTIFICATION:
		cap_set_ep_paddr(&c, paddr);
		cap_set_ep_rights(&c, KMM_RIGHT_WRITE | KMM_RIGHT_READ);
		break;
	case KMM_CAP_TYPE_TCB:
		cap_set_tcb_paddr(&c, paddr);
		break;
	case KMM_CAP_TYPE_PML4:
		cap_set_pml4_paddr(&c, paddr);
		break;
	default:
		cap_set_table_paddr(&c, paddr);
		break;
	}
	return c;
}

/*
 * Make the cap for a new object at paddr.  Memory is already zero (it
 * comes from below a reset watermark), except device frames, which the
 * kernel never touches; objects that need more than zeroes set it here.
 */
struct cap object_create(enum kmm_object_type t, uint64_t paddr, uint64_t user_size,
			 bool device)
{
	struct cap c;

	switch (t) {
	case KMM_OBJ_UNTYPED:
		c = cap_new(KMM_CAP_TYPE_UNTYPED);
		cap_set_untyped_paddr(&c, paddr);
		cap_set_untyped_size_bits(&c, user_size);
		cap_set_untyped_device(&c, device);
		return c;
	case KMM_OBJ_CNODE:
		c = cap_new(KMM_CAP_TYPE_CNODE);
		cap_set_cnode_paddr(&c, paddr);
		cap_set_cnode_radix(&c, user_size);
		return c;
	case KMM_OBJ_TCB:
		tcb_init(paddr);
		return paddr_cap(KMM_CAP_TYPE_TCB, paddr);
	case KMM_OBJ_ENDPOINT:
		return paddr_cap(KMM_CAP_TYPE_ENDPOINT, paddr);
	case KMM_OBJ_NOTIFICATION:
		return paddr_cap(KMM_CAP_TYPE_NOTIFICATION, paddr);
	case KMM_OBJ_4K_PAGE:
		return frame_cap(paddr, FRAME_4K, device);
	case KMM_OBJ_LARGE_PAGE:
		return frame_cap(paddr, FRAME_2M, device);
	case KMM_OBJ_HUGE_PAGE:
		return frame_cap(paddr, FRAME_1G, device);
	case KMM_OBJ_PML4:
		hal_vspace_init(paddr);  /* the kernel half, as seL4 copies it */
		return paddr_cap(KMM_CAP_TYPE_PML4, paddr);
	case KMM_OBJ_PDPT:
		return paddr_cap(KMM_CAP_TYPE_PDPT, paddr);
	case KMM_OBJ_PAGE_DIRECTORY:
		return paddr_cap(KMM_CAP_TYPE_PAGE_DIRECTORY, paddr);
	case KMM_OBJ_PAGE_TABLE:
		return paddr_cap(KMM_CAP_TYPE_PAGE_TABLE, paddr);
	default:
		kpanic("object_create: unknown type");
	}
}

bool cap_has_memory(const struct cap *c)
{
	switch (cap_type(c)) {
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ASID_CONTROL:
		return false;
	default:
		return true;
	}
}

uint64_t cap_object_paddr(const struct cap *c)
{
	switch (cap_type(c)) {
	case KMM_CAP_TYPE_UNTYPED:
		return cap_untyped_paddr(c);
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		return cap_ep_paddr(c);
	case KMM_CAP_TYPE_CNODE:
		return cap_cnode_paddr(c);
	case KMM_CAP_TYPE_TCB:
		return cap_tcb_paddr(c);
	case KMM_CAP_TYPE_ZOMBIE:
		return cap_zombie_paddr(c);
	case KMM_CAP_TYPE_FRAME:
		return cap_frame_paddr(c);
	case KMM_CAP_TYPE_PML4:
		return cap_pml4_paddr(c);
	case KMM_CAP_TYPE_ASID_POOL:
		return cap_asid_pool_paddr(c);
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		return cap_table_paddr(c);
	default:
		return 0;
	}
}

unsigned cap_object_size_bits(const struct cap *c)
{
	switch (cap_type(c)) {
	case KMM_CAP_TYPE_UNTYPED:
		return (unsigned)cap_untyped_size_bits(c);
	case KMM_CAP_TYPE_ENDPOINT:
		return KMM_ENDPOINT_BITS;
	case KMM_CAP_TYPE_NOTIFICATION:
		return KMM_NOTIFICATION_BITS;
	case KMM_CAP_TYPE_CNODE:
		return KMM_SLOT_BITS + (unsigned)cap_cnode_radix(c);
	case KMM_CAP_TYPE_TCB:
		return KMM_TCB_BITS;
	case KMM_CAP_TYPE_ZOMBIE:
		return cap_zombie_radix(c) == ZOMBIE_TCB ?
		       KMM_TCB_BITS : KMM_SLOT_BITS + (unsigned)cap_zombie_radix(c);
	case KMM_CAP_TYPE_FRAME:
		return frame_size_bits((enum frame_size)cap_frame_size(c));
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ASID_CONTROL:
		return 0;
	default:
		return KMM_TABLE_BITS;
	}
}

static struct cap zombie_cap(uint64_t slots_paddr, unsigned radix, uint64_t count)
{
	struct cap z = cap_new(KMM_CAP_TYPE_ZOMBIE);

	cap_set_zombie_paddr(&z, slots_paddr);
	cap_set_zombie_radix(&z, radix);
	cap_set_zombie_count(&z, count);
	return z;
}

/*
 * Finalise a cap that is about to leave its slot (reference b.7).  Returns
 * the remainder: null, or a zombie when a CNode or TCB still has slots to
 * be emptied.  Frames unmap themselves; tables, PML4s and pools undo what
 * they name only when the last cap goes.
 */
struct cap object_finalise(struct cap c, bool final)
{
	switch (cap_type(&c)) {
	case KMM_CAP_TYPE_CNODE:
		if (final)
			return zombie_cap(cap_cnode_paddr(&c), (unsigned)cap_cnode_radix(&c),
					  bit((unsigned)cap_cnode_radix(&c)));
		return cap_null();
	case KMM_CAP_TYPE_TCB:
		if (!final)
			return cap_null();
		tcb_finalise(cap_tcb_paddr(&c));
		return zombie_cap(cap_tcb_paddr(&c), ZOMBIE_TCB, KMM_TCB_SLOTS);
	case KMM_CAP_TYPE_ZOMBIE:
		return c;
	case KMM_CAP_TYPE_FRAME:
		frame_unmap(&c);  /* each copy's own mapping, final or not */
		return cap_null();
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		if (final)
			table_finalise(&c);
		return cap_null();
	case KMM_CAP_TYPE_PML4:
		if (final)
			pml4_finalise(&c);
		return cap_null();
	case KMM_CAP_TYPE_ASID_POOL:
		if (final)
			asid_pool_finalise(&c);
		return cap_null();
	default:
		return cap_null();
	}
}

/* Reference b.3.1. */
enum kmm_error cap_derive(const struct slot *src, struct cap c, struct cap *out,
			  struct kerr *e)
{
	switch (cap_type(&c)) {
	case KMM_CAP_TYPE_UNTYPED:
		if (cdt_has_children(src))
			return kerr_plain(e, KMM_REVOKE_FIRST);
		break;
	case KMM_CAP_TYPE_ZOMBIE:
		c = cap_null();
		break;
	case KMM_CAP_TYPE_FRAME:
		cap_set_frame_map_type(&c, 0);
		cap_set_frame_asid(&c, 0);
		cap_set_frame_vaddr(&c, 0);
		break;
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		if (!cap_table_mapped(&c))
			return kerr_plain(e, KMM_ILLEGAL_OPERATION);
		break;
	case KMM_CAP_TYPE_PML4:
		if (!cap_pml4_has_asid(&c))
			return kerr_plain(e, KMM_ILLEGAL_OPERATION);
		break;
	default:
		break;
	}
	*out = c;
	return KMM_OK;
}

static uint64_t mask_vm_rights(uint64_t vm, uint64_t rights)
{
	bool r = rights & KMM_RIGHT_READ, w = rights & KMM_RIGHT_WRITE;

	if (vm == KMM_VM_READ_ONLY && r)
		return KMM_VM_READ_ONLY;
	if (vm == KMM_VM_READ_WRITE && r)
		return w ? KMM_VM_READ_WRITE : KMM_VM_READ_ONLY;
	return KMM_VM_KERNEL_ONLY;
}

/* Reference b.3.2: masks only ever remove rights. */
struct cap cap_mask_rights(uint64_t rights, struct cap c)
{
	switch (cap_type(&c)) {
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		cap_set_ep_rights(&c, cap_ep_rights(&c) & rights & KMM_RIGHTS_ALL);
		break;
	case KMM_CAP_TYPE_FRAME:
		cap_set_frame_vm_rights(&c, mask_vm_rights(cap_frame_vm_rights(&c), rights));
		break;
	default:
		break;
	}
	return c;
}

/*
 * Reference b.3.2: badges are set once, by Mint, on an unbadged cap;
 * a CNode's guard is replaced (bits 0..5 size, bits 6.. value).
 */
struct cap cap_update_data(bool preserve, uint64_t data, struct cap c)
{
	uint64_t gsize, guard;

	switch (cap_type(&c)) {
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		if (preserve || cap_ep_badge(&c) != 0)
			return cap_null();
		cap_set_ep_badge(&c, data);
		return c;
	case KMM_CAP_TYPE_CNODE:
		gsize = data & 0x3f;
		guard = data >> 6;
		if (gsize + cap_cnode_radix(&c) > KMM_WORD_BITS)
			return cap_null();
		cap_set_cnode_guard_size(&c, gsize);
		cap_set_cnode_guard(&c, guard & mask_bits((unsigned)gsize));
		return c;
	default:
		return c;
	}
}

/* Reference b.6, "which new caps are revocable". */
bool cap_is_revocable(const struct cap *new_cap, const struct cap *src)
{
	switch (cap_type(new_cap)) {
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		return cap_ep_badge(new_cap) != cap_ep_badge(src);
	case KMM_CAP_TYPE_UNTYPED:
		return true;
	default:
		return false;
	}
}

/*
 * Frames: X86_Page_Map, Unmap and GetAddress (reference c.5 to c.7).
 *
 * A frame cap records at most one mapping (ASID, vaddr); a second mapping
 * of the same frame needs a copy of the cap.  kmm refuses to map over a
 * present entry (DeleteFirst) instead of silently replacing it, except
 * for a remap: the same cap at the same place, which changes rights and
 * attributes in place.
 *
 * Invariants (the checker's "3.*"):
 *  (1) a frame cap records at most one mapping; it may be stale (its
 *      ASID dead or its path unhooked: reference c.7), and every use
 *      re-walks and checks the entry still maps its frame;
 *  (2) every present user leaf entry is recorded by exactly one frame cap
 *      (mapping forgets the record of any stale copy at the same place);
 *  (3) every change that removes or weakens a translation is followed by
 *      a TLB invalidation of that page in that ASID.
 *
 * Mapping state of a frame cap:
 *
 *   unmapped --Page_Map--> mapped(asid, vaddr) --Page_Map (same)--> remapped
 *       ^                        |
 *       +--Page_Unmap, delete----+   (or the entry vanished: stale; unmap
 *                                     then only clears the cap)
 */
#include "invocations.h"
#include "objecttype.h"
#include "tlb.h"
#include "vspace.h"
#include "../kernel/cdt.h"

#define MAP_TYPE_VSPACE 1

static bool records(const struct cap *c, uint64_t asid, uint64_t vaddr)
{
	return cap_frame_map_type(c) == MAP_TYPE_VSPACE && cap_frame_asid(c) == asid &&
	       cap_frame_vaddr(c) == vaddr;
}

static void forget(struct cap *c)
{
	cap_set_frame_map_type(c, 0);
	cap_set_frame_asid(c, 0);
	cap_set_frame_vaddr(c, 0);
}

static enum pt_level frame_level(const struct cap *c)
{
	switch (cap_frame_size(c)) {
	case FRAME_1G:
		return LVL_PDPT;
	case FRAME_2M:
		return LVL_PD;
	default:
		return LVL_PT;
	}
}

static uint64_t frame_bytes(const struct cap *c)
{
	return bit(frame_size_bits((enum frame_size)cap_frame_size(c)));
}

/* Is e a present leaf entry, of this cap's size, that maps its frame? */
static bool maps_frame(uint64_t e, const struct cap *c)
{
	enum pt_level l = frame_level(c);

	return pte_present(e) && (l == LVL_PT || pte_is_large(e, l)) &&
	       pte_leaf_addr(e, l) == cap_frame_paddr(c);
}

/*
 * Another cap to the same frame that records (asid, vaddr), or NULL: caps
 * to one object are contiguous in the derivation list, so look both ways.
 */
static struct slot *copy_recording(const struct slot *s, uint64_t asid, uint64_t vaddr)
{
	struct slot *o;

	for (o = mdb_prev(s); o && cdt_same_object(&o->cap, &s->cap); o = mdb_prev(o))
		if (records(&o->cap, asid, vaddr))
			return o;
	for (o = mdb_next(s); o && cdt_same_object(&s->cap, &o->cap); o = mdb_next(o))
		if (records(&o->cap, asid, vaddr))
			return o;
	return NULL;
}

/*
 * Remove the cap's own mapping, if its ASID still resolves and the entry
 * still points at this frame (a stale cap can never remove someone
 * else's mapping), then forget it.  Never fails.
 */
void frame_unmap(struct cap *c)
{
	uint64_t pml4, entry;
	unsigned bits_left;

	if (cap_frame_map_type(c) != MAP_TYPE_VSPACE)
		return;
	pml4 = vspace_for_asid(cap_frame_asid(c));
	if (pml4) {
		entry = vspace_lookup_entry(pml4, cap_frame_vaddr(c), frame_level(c), &bits_left);
		if (entry && maps_frame(pte_read(entry), c)) {
			hal_pte_write(entry, 0);
			tlb_flush_page((unsigned)cap_frame_asid(c), cap_frame_vaddr(c));
		}
	}
	forget(c);
}

struct page_map {
	struct slot *frame;
	uint64_t entry, pte, asid, vaddr;
};

/* Step 3 of c.5: an already-mapped cap may only be remapped in place. */
static enum kmm_error decode_mapped_state(const struct cap *f, uint64_t asid, uint64_t vaddr,
					  struct kerr *e)
{
	if (cap_frame_map_type(f) == 0) {
		if (vaddr > USER_TOP || vaddr + frame_bytes(f) > USER_TOP)
			return kerr_arg(e, KMM_INVALID_ARGUMENT, 0);
		return KMM_OK;
	}
	if (cap_frame_asid(f) != asid)
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	if (cap_frame_map_type(f) != MAP_TYPE_VSPACE)
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (cap_frame_vaddr(f) != vaddr)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 0);
	return KMM_OK;
}

/*
 * Step 7 of c.5: the entry must be reachable and free, or be this cap's
 * own (a remap).  A stale cap may record a place that a copy of it has
 * mapped since: that entry belongs to the copy, so it is DeleteFirst.
 */
static enum kmm_error decode_entry(const struct slot *fs, uint64_t pml4, struct page_map *pm,
				   struct kerr *e)
{
	const struct cap *f = &fs->cap;
	unsigned bits_left;
	uint64_t old;

	pm->entry = vspace_lookup_entry(pml4, pm->vaddr, frame_level(f), &bits_left);
	if (!pm->entry)
		return vspace_missing_level(e, bits_left);
	old = pte_read(pm->entry);
	if (!pte_present(old))
		return KMM_OK;
	if (cap_frame_map_type(f) == MAP_TYPE_VSPACE && maps_frame(old, f) &&
	    !copy_recording(fs, cap_frame_asid(f), cap_frame_vaddr(f)))
		return KMM_OK;
	return kerr_plain(e, KMM_DELETE_FIRST);
}

/* X86_Page_Map: words vaddr, rights, attr; extra cap 0 the vspace. */
static enum kmm_error decode_map(const struct invocation *inv, struct page_map *pm,
				 struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	const struct cap *f = &inv->slot->cap;
	const struct cap *vs;
	struct cap masked = cap_mask_rights(m->words[1], inv->slot->cap);
	uint64_t pml4;
	enum kmm_error err;

	if (m->nwords < 3 || inv->nextra < 1)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	vs = &inv->extra[0]->cap;
	if (cap_type(vs) != KMM_CAP_TYPE_PML4 || !cap_pml4_has_asid(vs))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	pm->asid = cap_pml4_asid(vs);
	pm->vaddr = m->words[0];
	if ((err = decode_mapped_state(f, pm->asid, pm->vaddr, e)))
		return err;
	if ((err = vspace_check_root(vs, &pml4, e)))
		return err;
	if (!is_aligned(pm->vaddr, frame_size_bits((enum frame_size)cap_frame_size(f))))
		return kerr_plain(e, KMM_ALIGNMENT_ERROR);
	if ((err = decode_entry(inv->slot, pml4, pm, e)))
		return err;
	pm->frame = inv->slot;
	pm->pte = pte_frame(cap_frame_paddr(f), cap_frame_vm_rights(&masked), m->words[2],
			    frame_level(f));
	return KMM_OK;
}

/*
 * A copy of this frame that still records (asid, vaddr) is stale (the
 * entry was empty).  Forget its record: in seL4 its later Unmap would find
 * this new entry mapping its own frame there and clear it.
 */
static void forget_stale_copies(struct slot *fs, uint64_t asid, uint64_t vaddr)
{
	struct slot *o;

	while ((o = copy_recording(fs, asid, vaddr)))
		forget(&o->cap);
}

static void invoke_map(const struct page_map *pm)
{
	struct cap *f = &pm->frame->cap;
	bool remap = pte_present(pte_read(pm->entry));

	if (!remap)
		forget_stale_copies(pm->frame, pm->asid, pm->vaddr);
	hal_pte_write(pm->entry, pm->pte);
	cap_set_frame_map_type(f, MAP_TYPE_VSPACE);
	cap_set_frame_asid(f, pm->asid);
	cap_set_frame_vaddr(f, pm->vaddr);
	if (remap)
		tlb_flush_page((unsigned)pm->asid, pm->vaddr);
}

enum kmm_error frame_invocation(const struct invocation *inv, struct kerr *e)
{
	struct page_map pm = { 0 };
	enum kmm_error err;

	switch (inv->msg->label) {
	case KMM_X86_PAGE_MAP:
		if ((err = decode_map(inv, &pm, e)))
			return err;
		invoke_map(&pm);
		return KMM_OK;
	case KMM_X86_PAGE_UNMAP:
		frame_unmap(&inv->slot->cap);
		return KMM_OK;
	case KMM_X86_PAGE_GET_ADDRESS:
		/* The one invocation that returns data: MR0 = the physical address. */
		e->ndetail = 1;
		e->detail[0] = cap_frame_paddr(&inv->slot->cap);
		return KMM_OK;
	default:
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	}
}

/*
 * Page tables, page directories and PDPTs (reference c.4, c.7): the three
 * intermediate levels share one pattern, so they share this file.  A
 * table is mapped at most once, into the entry one level up; its cap
 * records where.  Map truncates vaddr to the level's alignment (not an
 * error, unlike frames).  Unmap needs the final cap and zeroes the table,
 * dropping everything below; deleting the final cap only unhooks it.
 *
 * Invariants (the checker's "3.*"):
 *  (1) a mapped table cap whose ASID resolves is what its parent entry
 *      points at;
 *  (2) every present non-leaf user entry points at a live table whose cap
 *      records that place.
 */
#include "invocations.h"
#include "tlb.h"
#include "vspace.h"
#include "../kernel/cdt.h"

/* The level a table of this cap type sits at, and where its entry lives. */
static enum pt_level table_level(const struct cap *c)
{
	switch (cap_type(c)) {
	case KMM_CAP_TYPE_PDPT:
		return LVL_PDPT;
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
		return LVL_PD;
	default:
		return LVL_PT;
	}
}

/* The entry (one level up) this table is hooked into, if still there. */
static uint64_t hooked_entry(const struct cap *c)
{
	enum pt_level l = table_level(c);
	uint64_t pml4 = vspace_for_asid(cap_table_asid(c));
	uint64_t entry;
	unsigned bits_left;

	if (!cap_table_mapped(c) || !pml4)
		return 0;
	entry = vspace_lookup_entry(pml4, cap_table_vaddr(c), l - 1, &bits_left);
	if (!entry || !pte_present(pte_read(entry)) || pte_is_large(pte_read(entry), l - 1) ||
	    pte_addr(pte_read(entry)) != cap_table_paddr(c))
		return 0;
	return entry;
}

/* Flush what the table may have let a TLB cache (reference c.8). */
static void flush_table(const struct cap *c)
{
	unsigned asid = (unsigned)cap_table_asid(c);
	uint64_t i;

	if (table_level(c) != LVL_PT) {
		tlb_flush_asid(asid);
		return;
	}
	for (i = 0; i < PT_ENTRIES; i++)
		if (pte_present(pte_read(cap_table_paddr(c) + 8 * i)))
			tlb_flush_page(asid, cap_table_vaddr(c) + (i << KMM_PAGE_BITS));
}

static void forget_mapping(struct cap *c)
{
	cap_set_table_mapped(c, 0);
	cap_set_table_asid(c, 0);
	cap_set_table_vaddr(c, 0);
}

/* Delete of the final cap: unhook, flush, but leave the contents. */
void table_finalise(struct cap *c)
{
	uint64_t entry = hooked_entry(c);

	if (entry) {
		hal_pte_write(entry, 0);
		flush_table(c);
	}
	forget_mapping(c);
}

/*
 * Unmap: unhook and flush if still hooked, then zero the table entry by
 * entry whenever the cap says mapped, as seL4 does: a table unhooked by
 * its parent's deletion must not carry its old entries into its next
 * mapping.
 */
static void table_unmap(struct cap *c)
{
	uint64_t entry = hooked_entry(c);
	uint64_t i;

	if (!cap_table_mapped(c))
		return;
	if (entry) {
		hal_pte_write(entry, 0);
		flush_table(c);
	}
	for (i = 0; i < PT_ENTRIES; i++)
		if (pte_read(cap_table_paddr(c) + 8 * i))
			hal_pte_write(cap_table_paddr(c) + 8 * i, 0);
	forget_mapping(c);
}

struct table_map {
	uint64_t entry, asid, vaddr;
};

/* Map(vspace, vaddr, attr): the ten steps of c.4. */
static enum kmm_error decode_map(const struct invocation *inv, struct table_map *tm,
				 struct kerr *e)
{
	const struct kmm_msg *m = inv->msg;
	const struct cap *t = &inv->slot->cap;
	enum pt_level l = table_level(t);
	const struct cap *vs;
	uint64_t pml4;
	unsigned bits_left;
	enum kmm_error err;

	if (m->nwords < 2 || inv->nextra < 1)
		return kerr_plain(e, KMM_TRUNCATED_MESSAGE);
	if (cap_table_mapped(t))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 0);
	tm->vaddr = m->words[0] & ~mask_bits(level_shift(l - 1));
	vs = &inv->extra[0]->cap;
	if (cap_type(vs) != KMM_CAP_TYPE_PML4 || !cap_pml4_has_asid(vs))
		return kerr_arg(e, KMM_INVALID_CAPABILITY, 1);
	if (tm->vaddr > USER_TOP)
		return kerr_arg(e, KMM_INVALID_ARGUMENT, 0);
	if ((err = vspace_check_root(vs, &pml4, e)))
		return err;
	tm->asid = cap_pml4_asid(vs);
	tm->entry = vspace_lookup_entry(pml4, tm->vaddr, l - 1, &bits_left);
	if (!tm->entry)
		return vspace_missing_level(e, bits_left);
	if (pte_present(pte_read(tm->entry)))
		return kerr_plain(e, KMM_DELETE_FIRST);
	return KMM_OK;
}

static bool is_map_label(uint64_t label)
{
	return label == KMM_X86_PDPT_MAP || label == KMM_X86_PAGE_DIRECTORY_MAP ||
	       label == KMM_X86_PAGE_TABLE_MAP;
}

static bool is_unmap_label(uint64_t label)
{
	return label == KMM_X86_PDPT_UNMAP || label == KMM_X86_PAGE_DIRECTORY_UNMAP ||
	       label == KMM_X86_PAGE_TABLE_UNMAP;
}

/* The label must match the cap's level: a PT cap answers only PT labels. */
static bool label_fits(uint64_t label, const struct cap *c)
{
	switch (table_level(c)) {
	case LVL_PDPT:
		return label == KMM_X86_PDPT_MAP || label == KMM_X86_PDPT_UNMAP;
	case LVL_PD:
		return label == KMM_X86_PAGE_DIRECTORY_MAP || label == KMM_X86_PAGE_DIRECTORY_UNMAP;
	default:
		return label == KMM_X86_PAGE_TABLE_MAP || label == KMM_X86_PAGE_TABLE_UNMAP;
	}
}

enum kmm_error table_invocation(const struct invocation *inv, struct kerr *e)
{
	uint64_t label = inv->msg->label;
	struct cap *t = &inv->slot->cap;
	struct table_map tm = { 0 };
	enum kmm_error err;

	if (!label_fits(label, t))
		return kerr_plain(e, KMM_ILLEGAL_OPERATION);
	if (is_unmap_label(label)) {
		if (!cdt_is_final(inv->slot))
			return kerr_plain(e, KMM_REVOKE_FIRST);
		table_unmap(t);
		return KMM_OK;
	}
	kassert(is_map_label(label));
	if ((err = decode_map(inv, &tm, e)))
		return err;
	hal_pte_write(tm.entry, pte_table(cap_table_paddr(t)));
	cap_set_table_mapped(t, 1);
	cap_set_table_asid(t, tm.asid);
	cap_set_table_vaddr(t, tm.vaddr);
	return KMM_OK;
}

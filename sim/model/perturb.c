/*
 * model_perturb CPTR: change the model only, so that the comparison that
 * follows must fire -- the proof that it compares (style anchor 14).  The
 * cptr's top byte chooses what to change (enum mperturb), the rest names
 * a cap in the root task's CSpace:
 *
 *   0 badge      the cap's badge + 1                     -> model.cap.badge
 *   1 map_vaddr  the cap's recorded vaddr + 4 KiB        -> model.cap.vaddr
 *   2 mapping    the rights of the entry the frame cap's
 *                mapping wrote (read-write <-> read-only) -> model.mapping
 *   3 memory     byte 0 of the frame the cap names + 1   -> model.memory at
 *                                                           the next read of it
 *   4 asid       the pool entry of the PML4 cap's ASID
 *                cleared                                 -> model.asid
 *   5 running    core 0 runs no thread                   -> model.running
 */
#include "model_int.h"

#define PERTURB_SHIFT 56

static void perturb_mapping(struct model *m, const struct mcap *c)
{
	uint64_t pml4 = mvspace_for_asid(m, c->asid);
	struct mentry *e;

	if (!mcap_is_frame(c) || !c->mapped || pml4 == 0)
		return;
	e = mvspace_walk(m, pml4, c->vaddr, mvspace_cap_level(c), NULL);
	if (e != NULL && e->kind == ENT_PAGE)
		e->rights = e->rights == KMM_VM_READ_WRITE ? KMM_VM_READ_ONLY : KMM_VM_READ_WRITE;
}

static void perturb_memory(struct model *m, const struct mcap *c)
{
	uint8_t b;

	mmem_read(m, c->paddr, c->device, &b);
	mmem_write(m, c->paddr, c->device, (uint8_t)(b + 1));
}

static void perturb_asid(struct model *m, const struct mcap *c)
{
	uint64_t index = c->asid / POOL_ASIDS;
	struct mpool *p;

	if (c->type != KMM_CAP_TYPE_PML4 || !c->mapped || index >= ASID_POOLS)
		return;
	p = mvspace_pool(m, m->asid_table[index]);
	if (p != NULL)
		p->vspace[c->asid % POOL_ASIDS] = 0;
}

void mperturb(struct model *m, uint64_t cptr)
{
	unsigned kind = (unsigned)(cptr >> PERTURB_SHIFT);
	struct lfail f;
	struct mnode *n;
	uint64_t slot;

	if (kind == PERTURB_RUNNING) {
		m->running[0] = 0;
		return;
	}
	if (!mlookup_cptr(m, m->caller, cptr & ((1ull << PERTURB_SHIFT) - 1), &slot, &f) ||
	    (n = mtree_at(m, slot)) == NULL)
		return;
	switch (kind) {
	case PERTURB_BADGE: n->cap.badge++; break;
	case PERTURB_MAP_VADDR: n->cap.vaddr += PAGE_BYTES; break;
	case PERTURB_MAPPING: perturb_mapping(m, &n->cap); break;
	case PERTURB_MEMORY: perturb_memory(m, &n->cap); break;
	case PERTURB_ASID: perturb_asid(m, &n->cap); break;
	default: break;
	}
}

/*
 * The abstract page tables and the ASID table (c.1 - c.3), and what
 * deleting a mapped cap does to them (c.7).
 *
 * Each paging object is 512 abstract entries -- empty, the next level's
 * table, or a page with its rights and attributes -- with no bit formats:
 * the model walks them as the reference describes (PML4 bits 39-47 down to
 * the page table's 12-20) and never looks at the kernel's entries except
 * to compare (compare_vm.c).  Levels: 0 PML4, 1 PDPT, 2 page directory,
 * 3 page table; an entry at level L covers 2^(39 - 9L) bytes.
 */
#include "model_int.h"

struct mtable *mvspace_table(struct model *m, uint64_t paddr)
{
	return g_hash_table_lookup(m->tables, &paddr);
}

/* A new paging object: all entries empty (its memory was zero, a.5). */
void mvspace_table_new(struct model *m, uint64_t paddr, unsigned level)
{
	struct mtable *t = g_new0(struct mtable, 1);

	t->paddr = paddr;
	t->level = level;
	g_hash_table_replace(m->tables, &t->paddr, t);
}

struct mpool *mvspace_pool(struct model *m, uint64_t paddr)
{
	return g_hash_table_lookup(m->pools, &paddr);
}

/* The PML4 an ASID resolves to through the ASID table and its pool; 0 if none. */
uint64_t mvspace_for_asid(struct model *m, uint64_t asid)
{
	uint64_t index = asid / POOL_ASIDS;
	struct mpool *p;

	if (index >= ASID_POOLS || m->asid_table[index] == 0)
		return 0;
	p = mvspace_pool(m, m->asid_table[index]);
	return p != NULL ? p->vspace[asid % POOL_ASIDS] : 0;
}

unsigned mvspace_index(uint64_t vaddr, unsigned level)
{
	return (unsigned)(vaddr >> (39 - 9 * level)) % TABLE_ENTRIES;
}

uint64_t mvspace_level_bytes(unsigned level)
{
	return 1ull << (39 - 9 * level);
}

/*
 * The entry at level for vaddr in the vspace rooted at pml4, walking
 * through tables above it.  NULL if a level above has no table (an empty
 * entry or a page): *missing is that level.
 */
struct mentry *mvspace_walk(struct model *m, uint64_t pml4, uint64_t vaddr, unsigned level,
			    unsigned *missing)
{
	struct mtable *t = mvspace_table(m, pml4);
	unsigned l = 0;

	for (;;) {
		struct mentry *e;

		if (t == NULL)
			g_error("model: a vspace or table entry names no paging object");
		e = &t->e[mvspace_index(vaddr, l)];
		if (l == level)
			return e;
		if (e->kind != ENT_TABLE)
			break;
		t = mvspace_table(m, e->paddr);
		l++;
	}
	if (missing != NULL)
		*missing = l;
	return NULL;
}

/* The entry that decides vaddr: the page that maps it or the first empty entry. */
struct mentry *mvspace_decide(struct model *m, uint64_t pml4, uint64_t vaddr, unsigned *level)
{
	struct mtable *t = mvspace_table(m, pml4);

	for (unsigned l = 0; t != NULL; l++) {
		struct mentry *e = &t->e[mvspace_index(vaddr, l)];

		*level = l;
		if (e->kind != ENT_TABLE || l == 3)
			return e;
		t = mvspace_table(m, e->paddr);
	}
	g_error("model: a table entry names no paging object");
}

/* The level a paging object sits at, or a frame's pages are mapped at. */
unsigned mvspace_cap_level(const struct mcap *c)
{
	switch (c->type) {
	case KMM_CAP_TYPE_PML4: return 0;
	case KMM_CAP_TYPE_PDPT: return 1;
	case KMM_CAP_TYPE_PAGE_DIRECTORY: return 2;
	case KMM_CAP_TYPE_PAGE_TABLE: return 3;
	default:
		return c->size_bits == KMM_HUGE_PAGE_BITS ? 1 :
		       c->size_bits == KMM_LARGE_PAGE_BITS ? 2 : 3;
	}
}

/* c.7: a frame cap's own entry goes, if its ASID resolves and it still maps this frame. */
void mvspace_unmap_frame(struct model *m, const struct mcap *c)
{
	uint64_t pml4 = mvspace_for_asid(m, c->asid);
	struct mentry *e;

	if (pml4 == 0)
		return;
	e = mvspace_walk(m, pml4, c->vaddr, mvspace_cap_level(c), NULL);
	if (e != NULL && e->kind == ENT_PAGE && e->paddr == c->paddr)
		*e = (struct mentry){ 0 };
}

/* c.4, c.7: the parent entry goes, if it still points at this table. */
void mvspace_unmap_table(struct model *m, const struct mcap *c)
{
	uint64_t pml4 = mvspace_for_asid(m, c->asid);
	struct mentry *e;

	if (pml4 == 0)
		return;
	e = mvspace_walk(m, pml4, c->vaddr, mvspace_cap_level(c) - 1, NULL);
	if (e != NULL && e->kind == ENT_TABLE && e->paddr == c->paddr)
		*e = (struct mentry){ 0 };
}

/* c.7: the final PML4 cap with an ASID leaves its pool entry (if still its own). */
void mvspace_release_pml4(struct model *m, const struct mcap *c)
{
	uint64_t index = c->asid / POOL_ASIDS;
	struct mpool *p = index < ASID_POOLS && m->asid_table[index] != 0 ?
			  mvspace_pool(m, m->asid_table[index]) : NULL;

	if (p != NULL && p->vspace[c->asid % POOL_ASIDS] == c->paddr) {
		p->vspace[c->asid % POOL_ASIDS] = 0;
		mtcb_drop_vspace(m, c->paddr, c->asid, c->asid + 1);
	}
}

/* c.7: the final pool cap takes the pool out of the ASID table (if still there). */
void mvspace_release_pool(struct model *m, const struct mcap *c)
{
	uint64_t index = c->asid / POOL_ASIDS;

	if (index < ASID_POOLS && m->asid_table[index] == c->paddr) {
		m->asid_table[index] = 0;
		mtcb_drop_vspace(m, 0, c->asid, c->asid + POOL_ASIDS);
	}
	g_hash_table_remove(m->pools, &c->paddr);
}

/*
 * The model's starting point: the kernel just booted, read once through
 * kmm_inspect_walk() (caps, their flags and parents), with the paging
 * objects and the ASID table derived from those caps as the reference
 * says boot leaves them (c.3: pool 0 and the root PML4 with ASID 1; no
 * user mappings).  From then on nothing is read from the kernel except to
 * compare.
 */
#include "model_int.h"

struct mcap mboot_from_info(const struct kmm_cap_info *i)
{
	return (struct mcap){ .type = i->type, .paddr = i->paddr, .size_bits = i->size_bits,
			      .rights = i->rights, .vm_rights = i->vm_rights, .badge = i->badge,
			      .free_index = i->free_index, .device = i->is_device,
			      .radix = i->radix, .guard_size = i->guard_size, .guard = i->guard,
			      .zcount = i->zombie_count, .mapped = i->mapped,
			      .asid = i->map_asid, .vaddr = i->map_vaddr };
}

static bool collect(const struct kmm_cap_info *cap, uint32_t depth, uint64_t parent, void *ctx)
{
	struct mwalk *w = ctx;
	struct kslot *s = g_new(struct kslot, 1);

	(void)depth;
	s->info = *cap;
	s->parent = parent;
	g_hash_table_insert(w->k, &s->info.slot_paddr, s);
	g_array_append_val(w->order, cap->slot_paddr);
	return true;
}

/* Every non-empty slot of the kernel, with its parent, in list order. */
bool mboot_kernel_caps(struct mwalk *w)
{
	uint64_t n = kmm_inspect_cap_count() + 1;
	uint64_t *stack = g_new(uint64_t, n);
	bool ok;

	w->k = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	w->order = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	ok = kmm_inspect_walk(collect, w, stack, n);
	g_free(stack);
	return ok;
}

void mboot_walk_free(struct mwalk *w)
{
	g_hash_table_destroy(w->k);
	g_array_free(w->order, TRUE);
}

/* The paging and ASID state a boot cap implies. */
static void boot_vm(struct model *m, const struct mcap *c)
{
	struct mpool *p;

	if (c->type == KMM_CAP_TYPE_PML4 || mcap_is_table(c)) {
		if (mvspace_table(m, c->paddr) == NULL)
			mvspace_table_new(m, c->paddr, mvspace_cap_level(c));
		if (mcap_is_table(c) && c->mapped)
			g_error("model: a mapped paging object at boot is not modelled");
	}
	if (mcap_is_frame(c) && c->mapped)
		g_error("model: a mapped frame at boot is not modelled");
	if (c->type == KMM_CAP_TYPE_ASID_POOL && mvspace_pool(m, c->paddr) == NULL) {
		p = g_new0(struct mpool, 1);
		p->paddr = c->paddr;
		g_hash_table_insert(m->pools, &p->paddr, p);
		m->asid_table[c->asid / POOL_ASIDS] = c->paddr;
	}
}

/* Pools first: a PML4's ASID goes into the pool that covers it. */
static void boot_asids(struct model *m)
{
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct mcap *c = &((struct mnode *)v)->cap;
		uint64_t index = c->asid / POOL_ASIDS;
		struct mpool *p;

		if (c->type != KMM_CAP_TYPE_PML4 || !c->mapped)
			continue;
		p = index < ASID_POOLS ? mvspace_pool(m, m->asid_table[index]) : NULL;
		if (p == NULL)
			g_error("model: a boot PML4's ASID is in no pool");
		p->vspace[c->asid % POOL_ASIDS] = c->paddr;
	}
}

/* The boot state: caps and tree from the kernel, then what they imply. */
void mboot_load(struct model *m)
{
	struct mwalk w;

	if (!mboot_kernel_caps(&w))
		g_error("model: cannot walk the boot state");
	for (guint i = 0; i < w.order->len; i++) {
		uint64_t slot = g_array_index(w.order, uint64_t, i);
		struct kslot *k = g_hash_table_lookup(w.k, &slot);
		struct mcap c = mboot_from_info(&k->info);
		struct mnode *n = mtree_new(m, slot, &c);

		n->revocable = k->info.revocable;
		n->first_badged = k->info.first_badged;
		n->parent = k->parent != 0 ? mtree_at(m, k->parent) : NULL;
		if (k->parent != 0 && n->parent == NULL)
			g_error("model: boot parent after child");
		g_ptr_array_add(mtree_siblings(m, n), n);
		boot_vm(m, &c);
	}
	mboot_walk_free(&w);
	boot_asids(m);
}

/*
 * The model against the kernel: a predicted result against the kernel's,
 * and every non-empty slot (kmm_inspect_walk) against the model's caps.
 * The first difference is reported as invariant "model.<field>" --
 * model.result.*, model.cap.* -- with both values.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"

void mcompare_slot_name(const struct model *m, uint64_t slot, char *buf, size_t n)
{
	if (slot >= m->root_cnode && slot < m->root_cnode + (SLOT_BYTES << m->root_bits))
		snprintf(buf, n, "0x%llx", (unsigned long long)((slot - m->root_cnode) / SLOT_BYTES));
	else
		snprintf(buf, n, "slot@0x%llx", (unsigned long long)slot);
}

/* Report a difference: invariant "model.FIELD" (interned, kept for the run). */
bool mcompare_differ(struct model *m, struct exec_model_diff *d, const char *field,
		     const char *fmt, ...)
{
	char *name = g_strdup_printf("model.%s", field);
	va_list ap;

	(void)m;
	d->invariant = g_intern_string(name);
	g_free(name);
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof d->detail, fmt, ap);
	va_end(ap);
	return false;
}

static const char *const type_names[KMM_CAP_TYPE_COUNT] = {
	"empty", "untyped", "endpoint", "notification", "cnode", "tcb", "zombie", "frame",
	"page_table", "page_directory", "pdpt", "pml4", "asid_control", "asid_pool",
};

static bool cap_differ(struct model *m, struct exec_model_diff *d, uint64_t slot,
		       const char *field, uint64_t mv, uint64_t kv)
{
	char name[48], inv[48];

	mcompare_slot_name(m, slot, name, sizeof name);
	snprintf(inv, sizeof inv, "cap.%s", field);
	if (!strcmp(field, "type"))
		return mcompare_differ(m, d, inv, "model: slot %s type: model %s, kernel %s",
				       name, type_names[mv], type_names[kv]);
	return mcompare_differ(m, d, inv, "model: slot %s %s: model 0x%llx, kernel 0x%llx",
			       name, field, (unsigned long long)mv, (unsigned long long)kv);
}

#define FIELD(name, mv, kv) \
	do { \
		if ((uint64_t)(mv) != (uint64_t)(kv)) \
			return cap_differ(m, d, n->slot, name, mv, kv); \
	} while (0)

/* The mapping a cap records (c.2): frames and tables, a PML4's ASID, a pool's base. */
static bool compare_mapping(struct model *m, struct mnode *n, const struct kmm_cap_info *i,
			    struct exec_model_diff *d)
{
	const struct mcap *c = &n->cap;

	if (c->type == KMM_CAP_TYPE_ASID_POOL) {
		FIELD("asid", c->asid, i->map_asid);
		return true;
	}
	if (!mcap_is_frame(c) && !mcap_is_table(c) && c->type != KMM_CAP_TYPE_PML4)
		return true;
	FIELD("mapped", c->mapped, i->mapped);
	if (!c->mapped)
		return true;
	FIELD("asid", c->asid, i->map_asid);
	if (c->type != KMM_CAP_TYPE_PML4)
		FIELD("vaddr", c->vaddr, i->map_vaddr);
	return true;
}

static bool compare_slot(struct model *m, struct mnode *n, const struct kslot *k,
			 struct exec_model_diff *d)
{
	const struct kmm_cap_info *i = &k->info;
	const struct mcap *c = &n->cap;

	FIELD("type", c->type, i->type);
	FIELD("paddr", c->paddr, i->paddr);
	FIELD("parent", n->parent != NULL ? n->parent->slot : 0, k->parent);
	if (c->type == KMM_CAP_TYPE_ZOMBIE)
		return true;
	FIELD("size_bits", c->size_bits, i->size_bits);
	FIELD("badge", c->badge, i->badge);
	FIELD("rights", c->rights, i->rights);
	FIELD("watermark", c->free_index * 16, i->free_index * 16);
	FIELD("device", c->device, i->is_device);
	FIELD("revocable", n->revocable, i->revocable);
	FIELD("first_badged", n->first_badged, i->first_badged);
	if (mcap_is_frame(c))
		FIELD("vm_rights", c->vm_rights, i->vm_rights);
	if (c->type == KMM_CAP_TYPE_CNODE) {
		FIELD("radix", c->radix, i->radix);
		FIELD("guard_size", c->guard_size, i->guard_size);
		FIELD("guard", c->guard, i->guard);
	}
	return compare_mapping(m, n, i, d);
}

static gint by_slot(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every slot either side has, in address order: the first to differ. */
static bool compare_caps(struct model *m, struct mwalk *w, struct exec_model_diff *d)
{
	GArray *all = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	GHashTableIter it;
	gpointer key, val;
	bool ok = true;

	g_array_append_vals(all, w->order->data, w->order->len);
	g_hash_table_iter_init(&it, m->slots);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		if (!g_hash_table_contains(w->k, key))
			g_array_append_val(all, *(uint64_t *)key);
	}
	g_array_sort(all, by_slot);
	for (guint i = 0; ok && i < all->len; i++) {
		uint64_t slot = g_array_index(all, uint64_t, i);
		struct mnode *n = mtree_at(m, slot);
		struct kslot *k = g_hash_table_lookup(w->k, &slot);

		if (n == NULL)
			ok = cap_differ(m, d, slot, "type", KMM_CAP_TYPE_NULL, k->info.type);
		else if (k == NULL)
			ok = cap_differ(m, d, slot, "type", n->cap.type, KMM_CAP_TYPE_NULL);
		else
			ok = compare_slot(m, n, k, d);
	}
	g_array_free(all, TRUE);
	return ok;
}

/* The whole abstract state: caps, then ASIDs, mappings and running threads. */
bool mcompare_state(struct model *m, struct exec_model_diff *d)
{
	struct mwalk w;
	bool ok;

	if (!mboot_kernel_caps(&w))
		g_error("model: cannot walk the kernel state");
	ok = compare_caps(m, &w, d);
	mboot_walk_free(&w);
	m->compared++;
	return ok && mcompare_vm(m, d);
}

static bool result_differ(struct model *m, struct exec_model_diff *d, const char *field,
			  uint64_t mv, uint64_t kv)
{
	char inv[32];

	snprintf(inv, sizeof inv, "result.%s", field);
	return mcompare_differ(m, d, inv, "model: result %s: model %llu, kernel %llu", field,
			       (unsigned long long)mv, (unsigned long long)kv);
}

bool mcompare_result(struct model *m, const struct kmm_result *p, const struct kmm_result *k,
		     struct exec_model_diff *d)
{
	if (p->kind != k->kind)
		return result_differ(m, d, "kind", p->kind, k->kind);
	if (p->kind == KMM_RESULT_REPLY && p->error != k->error)
		return result_differ(m, d, "error", p->error, k->error);
	if (p->ndetail != k->ndetail)
		return result_differ(m, d, "ndetail", p->ndetail, k->ndetail);
	for (unsigned i = 0; i < p->ndetail; i++) {
		if (p->detail[i] != k->detail[i])
			return mcompare_differ(m, d, "result.detail",
					       "model: result detail word %u: model 0x%llx, "
					       "kernel 0x%llx", i,
					       (unsigned long long)p->detail[i],
					       (unsigned long long)k->detail[i]);
	}
	return true;
}

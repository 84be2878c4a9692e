/*
 * The virtual-memory half of the comparison: which thread each core runs
 * (model.running), the ASID table and pools (model.asid_table,
 * model.asid), and every live vspace's mappings (model.mapping).
 *
 * A vspace is compared as the sequence of entries that decide each part
 * of the user half, walked in address order on both sides: the kernel's
 * through kmm_inspect_pte (decoding the x86-64 entry bits: P, RW, US, PS,
 * PWT, PCD, PAT, XD, the address), the model's through its abstract
 * tables.  So a difference in a page (address, size, rights, attributes)
 * or in where the tables stop shows up at its virtual address.
 */
#include <stdio.h>

#include "model_int.h"

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)    /* levels 1, 2; PAT at level 3 */
#define PTE_PAT_LARGE (1ull << 12)
#define PTE_XD   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* The entry that decides an address, abstractly, as either side shows it. */
struct decided {
	unsigned level;
	bool page;              /* else nothing is mapped there */
	uint64_t paddr;
	unsigned rights, attr;
	bool xd;
};

static struct decided from_pte(uint64_t pte, unsigned level)
{
	struct decided x = { .level = level };
	uint64_t bytes = mvspace_level_bytes(level);

	if (!(pte & PTE_P) || level == 0 || (level < 3 && !(pte & PTE_PS)))
		return x;
	x.page = true;
	x.paddr = pte & PTE_ADDR & ~(bytes - 1);
	x.rights = !(pte & PTE_US) ? KMM_VM_KERNEL_ONLY :
		   (pte & PTE_RW) ? KMM_VM_READ_WRITE : KMM_VM_READ_ONLY;
	x.attr = ((pte & PTE_PWT) ? 1 : 0) | ((pte & PTE_PCD) ? 2 : 0) |
		 ((pte & (level == 3 ? PTE_PS : PTE_PAT_LARGE)) ? 4 : 0);
	x.xd = pte & PTE_XD;
	return x;
}

static struct decided from_model(struct model *m, uint64_t pml4, uint64_t va)
{
	struct decided x = { 0 };
	const struct mentry *e = mvspace_decide(m, pml4, va, &x.level);

	if (e->kind == ENT_PAGE) {
		x.page = true;
		x.paddr = e->paddr;
		x.rights = e->rights;
		x.attr = e->attr;
	}
	return x;
}

static bool same(const struct decided *a, const struct decided *b)
{
	return a->level == b->level && a->page == b->page &&
	       (!a->page || (a->paddr == b->paddr && a->rights == b->rights &&
			     a->attr == b->attr && a->xd == b->xd));
}

static void describe(char *buf, size_t n, const struct decided *x)
{
	static const char *const rights[] = { "?", "kernel_only", "read_only", "read_write" };

	if (!x->page)
		snprintf(buf, n, "nothing (level %u empty)", x->level);
	else
		snprintf(buf, n, "level-%u page 0x%llx %s attr %u%s", x->level,
			 (unsigned long long)x->paddr, rights[x->rights & 3], x->attr,
			 x->xd ? " XD" : "");
}

static bool compare_vspace(struct model *m, uint64_t asid, uint64_t pml4,
			   struct exec_model_diff *d)
{
	for (uint64_t va = 0; va < USER_END; ) {
		struct decided mx = from_model(m, pml4, va), kx;
		uint64_t pte;
		unsigned level;
		char mb[96], kb[96];

		if (!kmm_inspect_pte(pml4, va, &pte, &level))
			g_error("model: kmm_inspect_pte refused a user address");
		kx = from_pte(pte, level);
		if (!same(&mx, &kx)) {
			describe(mb, sizeof mb, &mx);
			describe(kb, sizeof kb, &kx);
			return mcompare_differ(m, d, "mapping", "model: asid %llu vaddr 0x%llx: "
					       "model %s, kernel %s", (unsigned long long)asid,
					       (unsigned long long)va, mb, kb);
		}
		va = (va | (mvspace_level_bytes(mx.level) - 1)) + 1;
	}
	return true;
}

/* One pool's ASIDs: the same PML4 for each, and the same mappings under it. */
static bool compare_pool(struct model *m, unsigned index, struct exec_model_diff *d)
{
	const struct mpool *p = mvspace_pool(m, m->asid_table[index]);

	for (unsigned k = 0; k < POOL_ASIDS; k++) {
		uint64_t asid = (uint64_t)index * POOL_ASIDS + k;
		uint64_t kv = kmm_inspect_vspace_for_asid(asid);

		if (p->vspace[k] != kv)
			return mcompare_differ(m, d, "asid", "model: asid %llu: model vspace "
					       "0x%llx, kernel 0x%llx", (unsigned long long)asid,
					       (unsigned long long)p->vspace[k],
					       (unsigned long long)kv);
		if (kv != 0 && !compare_vspace(m, asid, kv, d))
			return false;
	}
	return true;
}

static bool compare_running(struct model *m, struct exec_model_diff *d)
{
	for (unsigned c = 0; c < MODEL_CORES; c++) {
		uint64_t kv;

		if (!(m->cores_seen & (1ull << c)))
			continue;
		kv = kmm_inspect_current_thread(c);
		if (kv != m->running[c])
			return mcompare_differ(m, d, "running", "model: core %u runs: model "
					       "tcb 0x%llx, kernel 0x%llx", c,
					       (unsigned long long)m->running[c],
					       (unsigned long long)kv);
	}
	return true;
}

bool mcompare_vm(struct model *m, struct exec_model_diff *d)
{
	if (!compare_running(m, d))
		return false;
	for (unsigned i = 0; i < ASID_POOLS; i++) {
		uint64_t kv = kmm_inspect_asid_pool(i);

		if (kv != m->asid_table[i])
			return mcompare_differ(m, d, "asid_table", "model: asid pool %u: model "
					       "0x%llx, kernel 0x%llx", i,
					       (unsigned long long)m->asid_table[i],
					       (unsigned long long)kv);
		if (kv != 0 && !compare_pool(m, i, d))
			return false;
	}
	return true;
}

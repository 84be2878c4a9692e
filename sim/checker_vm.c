/*
 * Address spaces (invariants 3.map.* and 6.asid.*).
 *
 * ASIDs first: the kernel's ASID table (kmm_inspect_asid_pool) names up
 * to 8 pools, each a 4 KiB array of 512 PML4 addresses.  Every address
 * met there must be a live object of the right kind (found among the
 * distinct objects the object pass left sorted in ia[]) before a single
 * byte of it is read, so a corrupted entry is reported, not followed.
 *
 * Each PML4 met is marked with its ASID in ic[] (indexed by its first
 * node), so one named twice is caught.
 *
 * Then every live ASID's PML4 is walked over its user half (entries
 * 0..255; the upper half belongs to the HAL) through every present
 * level.  A present non-leaf entry must hold exactly a table entry for a
 * live table of the next level, every cap of which records this mapping
 * (tables are never shared, and copies of a table cap exist only while it
 * is mapped, so all its caps agree).  A present leaf must point at a live
 * frame of the level's size, be recorded by exactly one frame cap of that
 * frame (the mapped frame caps are indexed by (ASID, vaddr) in ib[]), and
 * grant user mode no more than that cap's VM rights.
 *
 * A table whose cap records no mapping must be all non-present: it was
 * born zero, could only gain entries while hooked into a VSpace, and
 * Unmap zeroes it (3.map.unmapped_table_clear; copies of a table cap
 * exist only while it is mapped, so one cap speaks for the object).
 *
 * Stale caps are legal (reference c.7): a frame or table cap may record a
 * mapping whose ASID is dead, whose path is gone, or whose entry now maps
 * something else.  The converse of the leaf rule, "a cap recording
 * (asid, vaddr) whose ASID resolves and whose entry is present and points
 * at its own frame is the only cap recording it", is the leaf rule read
 * from the entry's side, so the walk checks both.  Accessed and Dirty are
 * the MMU's and are ignored in every comparison.
 *
 * The PTE bits are spelled out here again (x86-64 SDM, vol. 3, 4.5)
 * rather than taken from kernel_core's pte.h, so a wrong pte.h disagrees
 * with the checker.
 *
 * Cost: 8 table reads, 512 reads per live pool, 256 per live ASID plus
 * 512 per present table, each present entry a binary search; sorting the
 * mapped frame caps is O(n log n).
 */
#include "checker_int.h"

#define E_P     (1ull << 0)
#define E_RW    (1ull << 1)
#define E_US    (1ull << 2)
#define E_PWT   (1ull << 3)
#define E_PCD   (1ull << 4)
#define E_A     (1ull << 5)
#define E_D     (1ull << 6)
#define E_PS    (1ull << 7)   /* PAT in a 4 KiB entry */
#define E_PATLG (1ull << 12)  /* PAT in a 2 MiB or 1 GiB entry */
#define E_ADDR  0x000ffffffffff000ull

#define VM_USER_TOP   0x00007fffffffffffull
#define VM_POOLS      8u
#define VM_POOL_BITS  9u
#define VM_POOL_SIZE  (1u << VM_POOL_BITS)
#define VM_TABLE_SIZE 4096ull
#define VM_MAP_VSPACE 1u

/* Level 0 PML4 .. 3 PT; an entry at level l covers 2^shift(l) bytes. */
static unsigned lvl_shift(unsigned l)
{
	return 39 - 9 * l;
}

/* The cap type of the table an entry at level l (0..2) points at. */
static uint8_t next_table_type(unsigned l)
{
	return l == 0 ? KMM_CAP_TYPE_PDPT :
	       l == 1 ? KMM_CAP_TYPE_PAGE_DIRECTORY : KMM_CAP_TYPE_PAGE_TABLE;
}

/* The level whose entries hold a table of this cap type (its parent level). */
static unsigned table_parent_level(uint8_t type)
{
	return type == KMM_CAP_TYPE_PDPT ? 0 : type == KMM_CAP_TYPE_PAGE_DIRECTORY ? 1 : 2;
}

static uint64_t low_mask(unsigned bits)
{
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

static bool is_table_type(uint8_t t)
{
	return t == KMM_CAP_TYPE_PDPT || t == KMM_CAP_TYPE_PAGE_DIRECTORY ||
	       t == KMM_CAP_TYPE_PAGE_TABLE;
}

static bool is_frame_kind(uint8_t k)
{
	return k == KMM_CAP_TYPE_FRAME || k == CK_KIND_FRAME_DEVICE;
}

/* First node of the live object at base p (distinct objects in ia[]), or CK_NONE. */
static uint32_t object_at(const struct ck_state *st, uint64_t p)
{
	uint32_t lo = 0, hi = st->nobj;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (st->node[st->ia[mid]].base < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < st->nobj && st->node[st->ia[lo]].base == p)
		return st->ia[lo];
	return CK_NONE;
}

/* Caps to one object are one run of the list (2.mdb.same_object_contiguous). */
static uint32_t run_end(const struct ck_state *st, uint32_t first)
{
	const struct ck_node *f = &st->node[first];
	uint32_t i = first + 1;

	while (i < st->n && st->node[i].base == f->base && st->node[i].kind == f->kind &&
	       st->node[i].size_bits == f->size_bits)
		i++;
	return i;
}

/* Inside a device boot untyped? */
static bool in_device_untyped(uint64_t base, uint64_t end)
{
	const struct kmm_bootinfo *bi = kmm_bootinfo();
	unsigned i;

	for (i = 0; bi && i < bi->untyped_count && i < KMM_MAX_BOOT_UNTYPED; i++) {
		uint64_t b = bi->untyped[i].paddr;

		if (bi->untyped[i].is_device && bi->untyped[i].size_bits < 64 &&
		    base < b + (1ull << bi->untyped[i].size_bits) && b < end)
			return true;
	}
	return false;
}

/*
 * May the checker read live object i?  RAM untyped memory is; so are boot
 * objects (no untyped ancestor, carved from RAM before the untypeds were
 * made) outside every device untyped.
 */
static bool readable(const struct ck_state *st, uint32_t i)
{
	const struct ck_node *n = &st->node[i];

	if (checker_in_ram(st, n->base, n->end))
		return true;
	return n->nut == CK_NONE && !in_device_untyped(n->base, n->end);
}

static const uint64_t *table_words(uint64_t paddr)
{
	return (const uint64_t *)hal_phys_to_kernel(paddr);
}

static void note_where(struct ck_state *st, uint64_t asid, uint64_t vaddr, unsigned level,
		       uint64_t e)
{
	checker_note_u64(st, "asid", asid);
	checker_note_u64(st, "vaddr", vaddr);
	checker_note_u64(st, "level", level);
	checker_note_u64(st, "entry", e);
}

/* ---- 3.map.cap_fields -------------------------------------------------- */

static bool frame_fields_ok(const struct ck_node *n)
{
	const struct cap *c = &n->cap;
	uint64_t vaddr = cap_frame_vaddr(c), size = n->end - n->base;

	if (cap_frame_vm_rights(c) < KMM_VM_KERNEL_ONLY)
		return false;
	if (cap_frame_map_type(c) == 0)
		return cap_frame_asid(c) == 0 && vaddr == 0;
	return cap_frame_map_type(c) == VM_MAP_VSPACE && cap_frame_asid(c) != 0 &&
	       (vaddr & (size - 1)) == 0 && vaddr + size <= VM_USER_TOP;
}

static bool table_fields_ok(const struct ck_node *n)
{
	const struct cap *c = &n->cap;
	uint64_t vaddr = cap_table_vaddr(c);

	if (!cap_table_mapped(c))
		return cap_table_asid(c) == 0 && vaddr == 0;
	return cap_table_asid(c) != 0 && vaddr <= VM_USER_TOP &&
	       (vaddr & low_mask(lvl_shift(table_parent_level(n->type)))) == 0;
}

static bool cap_fields_ok(const struct ck_node *n)
{
	if (n->type == KMM_CAP_TYPE_FRAME)
		return frame_fields_ok(n);
	if (is_table_type(n->type))
		return table_fields_ok(n);
	if (n->type == KMM_CAP_TYPE_PML4)
		return cap_pml4_has_asid(&n->cap) ? cap_pml4_asid(&n->cap) != 0 :
		       cap_pml4_asid(&n->cap) == 0;
	if (n->type == KMM_CAP_TYPE_ASID_POOL)
		return (cap_asid_pool_base(&n->cap) & (VM_POOL_SIZE - 1)) == 0;
	return true;
}

static bool check_cap_fields(struct ck_state *st)
{
	uint32_t i;

	for (i = 0; i < st->n; i++) {
		if (!cap_fields_ok(&st->node[i])) {
			checker_fail(st, "3.map.cap_fields",
				     "a cap's mapping fields are inconsistent");
			checker_note_node(st, "cap", i);
			checker_note_u64(st, "w1", st->node[i].cap.w1);
			return false;
		}
	}
	return true;
}

/* ---- 6.asid ------------------------------------------------------------ */

/* 6.asid.pool_in_table: every live pool is the table entry its base names. */
static bool check_pools_listed(struct ck_state *st)
{
	uint32_t i;

	for (i = 0; i < st->n; i++) {
		const struct ck_node *n = &st->node[i];
		uint64_t base;

		if (n->type != KMM_CAP_TYPE_ASID_POOL)
			continue;
		base = cap_asid_pool_base(&n->cap);
		if ((base >> VM_POOL_BITS) >= VM_POOLS ||
		    kmm_inspect_asid_pool((unsigned)(base >> VM_POOL_BITS)) != n->base) {
			checker_fail(st, "6.asid.pool_in_table",
				     "a live ASID pool is not in the ASID table at its base");
			checker_note_node(st, "pool", i);
			checker_note_u64(st, "base", base);
			return false;
		}
	}
	return true;
}

static bool check_asid_table_entry(struct ck_state *st, unsigned k, uint64_t pool,
				   uint32_t *obj)
{
	uint32_t i, end;

	*obj = object_at(st, pool);
	if (*obj == CK_NONE || st->node[*obj].kind != KMM_CAP_TYPE_ASID_POOL ||
	    !readable(st, *obj)) {
		checker_fail(st, "6.asid.table_entry_live",
			     "an ASID-table entry is not a live ASID pool");
		checker_note_u64(st, "pool index", k);
		checker_note_u64(st, "entry", pool);
		return false;
	}
	for (i = *obj, end = run_end(st, *obj); i < end; i++) {
		if (cap_asid_pool_base(&st->node[i].cap) != (uint64_t)k << VM_POOL_BITS) {
			checker_fail(st, "6.asid.pool_base",
				     "a pool cap's base is not its table index times 512");
			checker_note_u64(st, "pool index", k);
			checker_note_node(st, "cap", i);
			return false;
		}
	}
	return true;
}

/* Pool entry (asid -> pml4): a live PML4 with a cap recording asid, seen once. */
static bool check_pool_entry(struct ck_state *st, uint64_t asid, uint64_t pml4)
{
	uint32_t obj = object_at(st, pml4), i, end;

	if (asid == 0) {
		checker_fail(st, "6.asid.zero_assigned", "ASID 0 is assigned");
		checker_note_u64(st, "entry", pml4);
		return false;
	}
	if (obj == CK_NONE || st->node[obj].kind != KMM_CAP_TYPE_PML4 || !readable(st, obj)) {
		checker_fail(st, "6.asid.entry_live", "an ASID names no live PML4");
		checker_note_u64(st, "asid", asid);
		checker_note_u64(st, "entry", pml4);
		return false;
	}
	if (st->ic[obj] != CK_NONE) {
		checker_fail(st, "6.asid.pml4_twice", "a PML4 is in two ASID-pool entries");
		checker_note_u64(st, "asid", st->ic[obj]);
		checker_note_u64(st, "asid", asid);
		checker_note_node(st, "pml4", obj);
		return false;
	}
	st->ic[obj] = (uint32_t)asid;
	for (i = obj, end = run_end(st, obj); i < end; i++)
		if (cap_pml4_has_asid(&st->node[i].cap) && cap_pml4_asid(&st->node[i].cap) == asid)
			break;
	if (i == end) {
		checker_fail(st, "6.asid.entry_cap", "no cap to an ASID's PML4 records the ASID");
		checker_note_u64(st, "asid", asid);
		checker_note_node(st, "pml4", obj);
		return false;
	}
	return true;
}

/* 6.asid.*: the table, the pools, and ASID -> PML4 (marks in ic[]). */
static bool check_asids(struct ck_state *st)
{
	uint32_t i, obj;
	unsigned k, j;

	for (i = 0; i < st->n; i++)
		st->ic[i] = CK_NONE;
	if (!check_pools_listed(st))
		return false;
	for (k = 0; k < VM_POOLS; k++) {
		uint64_t pool = kmm_inspect_asid_pool(k);
		const uint64_t *e;

		if (!pool)
			continue;
		if (!check_asid_table_entry(st, k, pool, &obj))
			return false;
		e = table_words(pool);
		for (j = 0; j < VM_POOL_SIZE; j++)
			if (e[j] && !check_pool_entry(st, ((uint64_t)k << VM_POOL_BITS) + j, e[j]))
				return false;
	}
	return true;
}

/* ---- 3.map: the walk ---------------------------------------------------- */

/* Mapped frame caps by (asid, vaddr), then list order: ib[0..nmapped). */
static int cmp_mapping(const struct ck_state *st, uint32_t a, uint32_t b)
{
	const struct cap *x = &st->node[a].cap, *y = &st->node[b].cap;

	if (cap_frame_asid(x) != cap_frame_asid(y))
		return cap_frame_asid(x) < cap_frame_asid(y) ? -1 : 1;
	if (cap_frame_vaddr(x) != cap_frame_vaddr(y))
		return cap_frame_vaddr(x) < cap_frame_vaddr(y) ? -1 : 1;
	return a < b ? -1 : a > b;
}

static uint32_t index_mappings(struct ck_state *st)
{
	uint32_t i, m = 0;

	for (i = 0; i < st->n; i++)
		if (st->node[i].type == KMM_CAP_TYPE_FRAME &&
		    cap_frame_map_type(&st->node[i].cap) == VM_MAP_VSPACE)
			st->ib[m++] = i;
	checker_sort(st, st->ib, m, cmp_mapping);
	return m;
}

struct vm_walk {
	uint64_t asid;
	uint32_t nmapped;   /* mapped frame caps in ib[] */
};

/* First position in ib[] whose (asid, vaddr) is not below the key. */
static uint32_t first_mapping(const struct ck_state *st, uint32_t m, uint64_t asid,
			      uint64_t vaddr)
{
	uint32_t lo = 0, hi = m;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct cap *c = &st->node[st->ib[mid]].cap;

		if (cap_frame_asid(c) < asid ||
		    (cap_frame_asid(c) == asid && cap_frame_vaddr(c) < vaddr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool leaf_bits_ok(uint64_t e, unsigned l, uint64_t page)
{
	uint64_t allowed = E_P | E_RW | E_US | E_PWT | E_PCD | E_A | E_D | E_PS | E_ADDR;

	if (l == 3)
		return (e & ~allowed) == 0;
	return (e & ~allowed) == 0 && (page & low_mask(lvl_shift(l))) == 0;
}

/* Does the entry grant user mode more than VM rights r allow? */
static bool leaf_rights_ok(uint64_t e, uint64_t r)
{
	if ((e & E_US) && r < KMM_VM_READ_ONLY)
		return false;
	return !((e & E_US) && (e & E_RW) && r != KMM_VM_READ_WRITE);
}

static bool check_leaf(struct ck_state *st, const struct vm_walk *w, uint64_t vaddr,
		       unsigned l, uint64_t e)
{
	uint64_t page = l == 3 ? (e & E_ADDR) : (e & E_ADDR & ~E_PATLG);
	uint32_t obj = object_at(st, page), k, found = CK_NONE;

	if (!leaf_bits_ok(e, l, page)) {
		checker_fail(st, "3.map.entry_bits", "a leaf entry has bits the kernel never sets");
		note_where(st, w->asid, vaddr, l, e);
		return false;
	}
	if (obj == CK_NONE || !is_frame_kind(st->node[obj].kind) ||
	    st->node[obj].size_bits != lvl_shift(l)) {
		checker_fail(st, "3.map.frame_live",
			     "a leaf entry is not the base of a live frame of its size");
		note_where(st, w->asid, vaddr, l, e);
		return false;
	}
	for (k = first_mapping(st, w->nmapped, w->asid, vaddr); k < w->nmapped; k++) {
		const struct ck_node *n = &st->node[st->ib[k]];

		if (cap_frame_asid(&n->cap) != w->asid || cap_frame_vaddr(&n->cap) != vaddr)
			break;
		if (n->base != page || n->kind != st->node[obj].kind ||
		    n->size_bits != st->node[obj].size_bits)
			continue;  /* a stale cap of another frame */
		if (found != CK_NONE) {
			checker_fail(st, "3.map.leaf_two_caps",
				     "two frame caps record one present mapping");
			note_where(st, w->asid, vaddr, l, e);
			checker_note_node(st, "a", found);
			checker_note_node(st, "b", st->ib[k]);
			return false;
		}
		found = st->ib[k];
	}
	if (found == CK_NONE) {
		checker_fail(st, "3.map.leaf_without_cap",
			     "no frame cap records a present mapping");
		note_where(st, w->asid, vaddr, l, e);
		checker_note_node(st, "frame", obj);
		return false;
	}
	if (!leaf_rights_ok(e, cap_frame_vm_rights(&st->node[found].cap))) {
		checker_fail(st, "3.map.leaf_rights",
			     "a leaf grants user mode more than its cap's VM rights");
		note_where(st, w->asid, vaddr, l, e);
		checker_note_node(st, "cap", found);
		return false;
	}
	return true;
}

/* A present non-leaf entry at level l: returns the table's node, or CK_NONE. */
static uint32_t check_table_entry_at(struct ck_state *st, const struct vm_walk *w,
				     uint64_t vaddr, unsigned l, uint64_t e)
{
	uint64_t t = e & E_ADDR;
	uint32_t obj = object_at(st, t), i, end;

	if ((e & ~(E_A | E_D)) != (t | E_P | E_RW | E_US)) {
		checker_fail(st, "3.map.entry_bits",
			     "a table entry is not exactly present, writable, user");
		note_where(st, w->asid, vaddr, l, e);
		return CK_NONE;
	}
	if (obj == CK_NONE || st->node[obj].kind != next_table_type(l)) {
		checker_fail(st, "3.map.table_live",
			     "a table entry points at no live table of the next level");
		note_where(st, w->asid, vaddr, l, e);
		return CK_NONE;
	}
	if (!readable(st, obj)) {
		checker_fail(st, "3.map.table_in_ram", "a table entry points outside RAM");
		note_where(st, w->asid, vaddr, l, e);
		checker_note_node(st, "table", obj);
		return CK_NONE;
	}
	for (i = obj, end = run_end(st, obj); i < end; i++) {
		const struct cap *c = &st->node[i].cap;

		if (!cap_table_mapped(c) || cap_table_asid(c) != w->asid ||
		    cap_table_vaddr(c) != vaddr) {
			checker_fail(st, "3.map.table_cap",
				     "a cap to a hooked table does not record where it is");
			note_where(st, w->asid, vaddr, l, e);
			checker_note_node(st, "cap", i);
			return CK_NONE;
		}
	}
	return obj;
}

/* Walk the entries [0, count) of the table at level l covering vaddr base. */
static bool walk_table(struct ck_state *st, const struct vm_walk *w, uint64_t table,
		       unsigned l, uint64_t base, unsigned count)
{
	const uint64_t *t = table_words(table);
	unsigned j;

	for (j = 0; j < count; j++) {
		uint64_t e = t[j], vaddr = base + ((uint64_t)j << lvl_shift(l));
		uint32_t obj;

		if (!(e & E_P))
			continue;
		if (l == 0 && (e & E_PS)) {
			checker_fail(st, "3.map.entry_bits", "PS is set in a PML4 entry");
			note_where(st, w->asid, vaddr, l, e);
			return false;
		}
		if (l == 3 || (l > 0 && (e & E_PS))) {
			if (!check_leaf(st, w, vaddr, l, e))
				return false;
			continue;
		}
		obj = check_table_entry_at(st, w, vaddr, l, e);
		if (obj == CK_NONE ||
		    !walk_table(st, w, st->node[obj].base, l + 1, vaddr, 512))
			return false;
	}
	return true;
}

/* 3.map.*: every live ASID's user half, level by level. */
static bool check_mappings(struct ck_state *st)
{
	struct vm_walk w;
	unsigned k, j;

	w.nmapped = index_mappings(st);
	for (k = 0; k < VM_POOLS; k++) {
		uint64_t pool = kmm_inspect_asid_pool(k);
		const uint64_t *e;

		if (!pool)
			continue;
		e = table_words(pool);
		for (j = 0; j < VM_POOL_SIZE; j++) {
			if (!e[j])
				continue;
			w.asid = ((uint64_t)k << VM_POOL_BITS) + j;
			if (!walk_table(st, &w, e[j], 0, 0, 256))
				return false;
		}
	}
	return true;
}

/* ---- 3.map.unmapped_table_clear ---------------------------------------- */

/* The first present entry of table node i, or -1. */
static int first_present(const struct ck_state *st, uint32_t i)
{
	const uint64_t *t = table_words(st->node[i].base);

	for (int j = 0; j < 512; j++)
		if (t[j] & E_P)
			return j;
	return -1;
}

/* A table no cap records as mapped has no present entry (seL4 zeroes on Unmap). */
static bool check_unmapped_tables(struct ck_state *st)
{
	for (uint32_t i = 0; i < st->n; i++) {
		int j;

		if (!is_table_type(st->node[i].type) || cap_table_mapped(&st->node[i].cap) ||
		    !readable(st, i) || (j = first_present(st, i)) < 0)
			continue;
		checker_fail(st, "3.map.unmapped_table_clear",
			     "a table whose cap records no mapping has a present entry");
		checker_note_node(st, "table", i);
		checker_note_u64(st, "index", (uint64_t)j);
		checker_note_u64(st, "entry", table_words(st->node[i].base)[j]);
		return false;
	}
	return true;
}

bool checker_check_vm(struct ck_state *st)
{
	return check_cap_fields(st) && check_asids(st) && check_mappings(st) &&
	       check_unmapped_tables(st);
}

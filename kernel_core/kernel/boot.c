/*
 * Boot: turn the HAL's memory map into the root task's initial state, as
 * seL4's boot does.  The root CNode, TCB, PML4 (ASID 1) and ASID pool 0,
 * and the derivation-list sentinel, are carved from the lowest RAM that fits them; what is left of
 * RAM, and every device region, is handed out as untyped caps: maximal
 * power-of-two blocks aligned to their size, each starting "full" so that
 * its first retype zeroes it (reference a.4).  Boot caps are revocable
 * and first-badged (reference b.6).
 */
#include <kmm/kernel.h>
#include "cdt.h"
#include "preempt.h"
#include "../object/invocations.h"
#include "../object/vspace.h"

#define MAX_REGIONS 32
#define RESERVED_LOW 0x1000ull  /* page 0 never holds an object: 0 is "no slot" */

struct range {
	uint64_t base, end;
	bool device;
};

static struct kmm_bootinfo bootinfo;
static struct range ranges[MAX_REGIONS];  /* what is still free during boot */
static unsigned nranges;
static struct range boot_map[MAX_REGIONS];  /* the memory map as boot saw it */
static unsigned nboot_map;

const struct kmm_bootinfo *kmm_bootinfo(void)
{
	return &bootinfo;
}

bool kmm_inspect_region(unsigned i, uint64_t *base, uint64_t *end, bool *device)
{
	if (i >= nboot_map)
		return false;
	*base = boot_map[i].base;
	*end = boot_map[i].end;
	*device = boot_map[i].device;
	return true;
}

/* Read the memory map, drop page 0, and sort by address (RAM first). */
static void read_memory_map(void)
{
	struct hal_mem_region map[MAX_REGIONS];
	unsigned n = hal_memory_map(map, MAX_REGIONS), i, j;

	nranges = 0;
	for (i = 0; i < n && i < MAX_REGIONS; i++) {
		struct range r = { map[i].base, map[i].base + map[i].size,
				   map[i].kind == HAL_MEM_DEVICE };

		if (r.base < RESERVED_LOW)
			r.base = RESERVED_LOW;
		if (r.base >= r.end)
			continue;
		for (j = nranges; j > 0 && (ranges[j - 1].device > r.device ||
		     (ranges[j - 1].device == r.device && ranges[j - 1].base > r.base)); j--)
			ranges[j] = ranges[j - 1];
		ranges[j] = r;
		nranges++;
	}
}

/* Carve 2^bits aligned bytes from the lowest RAM range that has room. */
static uint64_t boot_alloc(unsigned bits)
{
	unsigned i;

	for (i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];
		uint64_t p = align_up(r->base, bits);

		if (r->device || p < r->base || p + bit(bits) > r->end)
			continue;
		if (p == r->base) {
			r->base += bit(bits);
		} else if (nranges < MAX_REGIONS) {
			/* Keep the alignment gap below p as a range of its own. */
			unsigned j;

			for (j = nranges; j > i; j--)
				ranges[j] = ranges[j - 1];
			nranges++;
			ranges[i].end = p;
			ranges[i + 1].base = p + bit(bits);
		} else {
			r->base = p + bit(bits);
		}
		hal_memory_zero(p, bit(bits));
		return p;
	}
	return 0;
}

static struct slot *root_slot(uint64_t cnode, uint64_t i)
{
	return slot_index(cnode, i);
}

static void add_untyped(uint64_t cnode, uint32_t nslots, uint64_t base, unsigned bits,
			bool device)
{
	struct cap c = cap_new(KMM_CAP_TYPE_UNTYPED);
	uint32_t slot = KMM_BOOT_FIRST_FREE + bootinfo.untyped_count;

	if (bootinfo.untyped_count >= KMM_MAX_BOOT_UNTYPED || slot >= nslots) {
		bootinfo.untyped_dropped++;
		return;
	}
	cap_set_untyped_paddr(&c, base);
	cap_set_untyped_size_bits(&c, bits);
	cap_set_untyped_device(&c, device);
	cap_set_untyped_free_index(&c, bit(bits - KMM_MIN_UNTYPED_BITS));
	cdt_insert_boot(root_slot(cnode, slot), c);
	bootinfo.untyped[bootinfo.untyped_count].paddr = base;
	bootinfo.untyped[bootinfo.untyped_count].size_bits = (uint8_t)bits;
	bootinfo.untyped[bootinfo.untyped_count].is_device = device;
	bootinfo.untyped_count++;
}

static unsigned floor_log2(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* Cover [base, end) with maximal aligned power-of-two blocks. */
static void add_untypeds_for(uint64_t cnode, uint32_t nslots, const struct range *r)
{
	uint64_t base = r->base;

	while (base < r->end) {
		unsigned bits = floor_log2(r->end - base);

		if (bits > KMM_MAX_UNTYPED_BITS)
			bits = KMM_MAX_UNTYPED_BITS;
		if (bits > (unsigned)__builtin_ctzll(base))
			bits = (unsigned)__builtin_ctzll(base);
		if (bits >= KMM_MIN_UNTYPED_BITS)
			add_untyped(cnode, nslots, base, bits, r->device);
		base += bit(bits);
	}
}

static struct cap root_cnode_cap(uint64_t paddr, unsigned bits)
{
	struct cap c = cap_new(KMM_CAP_TYPE_CNODE);

	cap_set_cnode_paddr(&c, paddr);
	cap_set_cnode_radix(&c, bits);
	cap_set_cnode_guard_size(&c, KMM_WORD_BITS - bits);
	return c;
}

/*
 * The root task's address space: a PML4 with ASID 1 from pool 0, the
 * pool itself, and a copy of the PML4 cap as the root TCB's VSpace root.
 */
static void place_root_vspace(uint64_t cnode, uint64_t tcb, uint64_t pml4, uint64_t pool)
{
	struct cap c = cap_new(KMM_CAP_TYPE_PML4);

	hal_vspace_init(pml4);
	cap_set_pml4_paddr(&c, pml4);
	cap_set_pml4_has_asid(&c, 1);
	cap_set_pml4_asid(&c, 1);
	cdt_insert_boot(root_slot(cnode, KMM_CAP_ROOT_VSPACE), c);
	c = cap_new(KMM_CAP_TYPE_ASID_POOL);
	cap_set_asid_pool_paddr(&c, pool);
	cdt_insert_boot(root_slot(cnode, KMM_CAP_ROOT_ASID_POOL), c);
	asid_table_set(0, pool);
	asid_pool_set(pool, 1, pml4);
	cdt_insert(root_slot(cnode, KMM_CAP_ROOT_VSPACE)->cap,
		   root_slot(cnode, KMM_CAP_ROOT_VSPACE), tcb_slot(tcb, TCB_VTABLE));
}

/* Place the root task's fixed caps: its CNode, its TCB, ASID control. */
static void place_root_caps(uint64_t cnode, unsigned bits, uint64_t tcb)
{
	struct cap c;

	cdt_insert_boot(root_slot(cnode, KMM_CAP_ROOT_CNODE), root_cnode_cap(cnode, bits));
	c = cap_new(KMM_CAP_TYPE_TCB);
	cap_set_tcb_paddr(&c, tcb);
	cdt_insert_boot(root_slot(cnode, KMM_CAP_ROOT_TCB), c);
	cdt_insert_boot(root_slot(cnode, KMM_CAP_ASID_CONTROL),
			cap_new(KMM_CAP_TYPE_ASID_CONTROL));
	cdt_insert(root_slot(cnode, KMM_CAP_ROOT_CNODE)->cap,
		   root_slot(cnode, KMM_CAP_ROOT_CNODE), tcb_slot(tcb, TCB_CTABLE));
}

bool kmm_boot(const struct kmm_boot_config *cfg)
{
	unsigned bits = cfg->root_cnode_bits;
	uint64_t cnode, tcb, sentinel, pml4, pool;
	unsigned i;

	if (bits < 8 || bits > 24) {
		kputs("kmm: boot: root CNode bits must be 8..24\n");
		return false;
	}
	memset(&bootinfo, 0, sizeof(bootinfo));
	preempt_configure(cfg->work_units_per_preemption);
	read_memory_map();
	for (nboot_map = 0; nboot_map < nranges; nboot_map++)
		boot_map[nboot_map] = ranges[nboot_map];
	cnode = boot_alloc(bits + KMM_SLOT_BITS);
	tcb = boot_alloc(KMM_TCB_BITS);
	pml4 = boot_alloc(KMM_TABLE_BITS);
	pool = boot_alloc(KMM_ASID_POOL_BITS);
	sentinel = boot_alloc(KMM_SLOT_BITS);
	if (!cnode || !tcb || !pml4 || !pool || !sentinel) {
		kputs("kmm: boot: not enough RAM for the root objects\n");
		return false;
	}
	cdt_init(slot_at(sentinel));
	vspace_init();
	place_root_caps(cnode, bits, tcb);
	place_root_vspace(cnode, tcb, pml4, pool);
	vspace_set_current(hal_core_id(), tcb);
	vspace_reload_current();
	bootinfo.root_tcb = tcb;
	bootinfo.root_cnode_bits = bits;
	bootinfo.untyped_first = KMM_BOOT_FIRST_FREE;
	for (i = 0; i < nranges; i++)
		add_untypeds_for(cnode, (uint32_t)bit(bits), &ranges[i]);
	bootinfo.empty_first = KMM_BOOT_FIRST_FREE + bootinfo.untyped_count;
	bootinfo.empty_last = (uint32_t)bit(bits) - 1;
	return true;
}

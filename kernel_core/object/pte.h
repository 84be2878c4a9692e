/*
 * x86-64 page-table entries, the only place their bits are spelled out.
 * The same format is used on both targets: hal_sim's walker reads these
 * bits exactly as the hardware page walker does.
 *
 *   bit  0 P    present          bit  6 D    dirty (leaf entries)
 *   bit  1 RW   writable         bit  7 PS   page size (PDPTE, PDE);
 *   bit  2 US   user                         PAT (4 KiB PTE)
 *   bit  3 PWT  write-through    bit  8 G    global
 *   bit  4 PCD  cache disable    bit 12 PAT  (2 MiB and 1 GiB entries)
 *   bit  5 A    accessed         bits 12..51 physical address
 *                                bit 63 NX   no execute
 */
#ifndef KMM_PTE_H
#define KMM_PTE_H

#include "../kernel/util.h"

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_PAT4K (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_PATLG (1ull << 12)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define PT_ENTRIES 512
#define USER_TOP 0x00007fffffffffffull

/* Paging levels, root first; a leaf at level L maps 2^level_shift(L) bytes. */
enum pt_level { LVL_PML4 = 0, LVL_PDPT = 1, LVL_PD = 2, LVL_PT = 3 };

static inline unsigned level_shift(enum pt_level l)
{
	return 39 - 9 * (unsigned)l;
}

static inline uint64_t level_index(enum pt_level l, uint64_t vaddr)
{
	return (vaddr >> level_shift(l)) & (PT_ENTRIES - 1);
}

static inline bool pte_present(uint64_t e)
{
	return e & PTE_P;
}

static inline uint64_t pte_addr(uint64_t e)
{
	return e & PTE_ADDR_MASK;
}

/*
 * The frame a leaf entry at level l maps.  In 2 MiB and 1 GiB entries bit
 * 12 is PAT, not address, so the address is masked to the page size.
 */
static inline uint64_t pte_leaf_addr(uint64_t e, enum pt_level l)
{
	return pte_addr(e) & ~mask_bits(39 - 9 * (unsigned)l);
}

/* A present entry above level PT that maps a page rather than a table. */
static inline bool pte_is_large(uint64_t e, enum pt_level l)
{
	return (l == LVL_PDPT || l == LVL_PD) && (e & PTE_PS);
}

/* An entry pointing at a lower-level table: seL4 makes these permissive. */
static inline uint64_t pte_table(uint64_t table_paddr)
{
	kassert((table_paddr & ~PTE_ADDR_MASK) == 0);
	return table_paddr | PTE_P | PTE_RW | PTE_US;
}

/* x86 VM attributes: WriteBack 0, WriteThrough 1, CacheDisabled 2,
 * Uncacheable 3, WriteCombining 4 (through PAT).  Others act as WriteBack. */
static inline uint64_t pte_cache_bits(uint64_t attr, bool large)
{
	switch (attr) {
	case 1:
		return PTE_PWT;
	case 2:
		return PTE_PCD;
	case 3:
		return PTE_PCD | PTE_PWT;
	case 4:
		return large ? PTE_PATLG : PTE_PAT4K;
	default:
		return 0;
	}
}

/* A leaf entry for a frame with the given x86 VM rights (1 kernel-only,
 * 2 read-only, 3 read-write).  Execute is never disabled, as in seL4. */
static inline uint64_t pte_frame(uint64_t paddr, uint64_t vm_rights, uint64_t attr,
				 enum pt_level l)
{
	bool large = l != LVL_PT;
	uint64_t e = paddr | PTE_P | pte_cache_bits(attr, large);

	kassert((paddr & ~PTE_ADDR_MASK) == 0);
	if (vm_rights != 2)
		e |= PTE_RW;
	if (vm_rights != 1)
		e |= PTE_US;
	if (large)
		e |= PTE_PS;
	return e;
}

#endif

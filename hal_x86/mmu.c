/*
 * mmu.c: address-space switches and TLB maintenance on this core.
 *
 * The kernel's own PML4 is boot.S's boot_pml4: after mmu_init it maps the
 * upper half only (window and image; PML4 entries 256..511).  User PML4s
 * come from kernel_core's retype, which calls hal_vspace_init on each new
 * one: it copies the kernel's upper-half entries in, as seL4 does at PML4
 * creation (kernel_core never reads or writes entries above USER_TOP).
 * The kernel therefore keeps running, with the same window, whichever
 * address space is loaded.
 *
 * PCIDs are not used (CR4.PCIDE stays 0): every CR3 write flushes all
 * non-global translations, so the TLB only ever caches the loaded address
 * space.  hal_tlb_invalidate_page is then invlpg, needed only when asid is
 * the loaded one, and hal_tlb_invalidate_asid a CR3 reload, likewise.
 * INVPCID is not used either: it only matters with PCIDs.
 */
#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define KERNEL_HALF 256  /* first PML4 entry of the upper half */
#define PTE_P       0x1ull
#define PTE_W       0x2ull
#define PTE_U       0x4ull

extern uint64_t boot_pml4[512];
extern const char ustub_start[];

/* The tables that map the ring-3 step page at USTUB_VADDR (user, read-only). */
static uint64_t ustub_pdpt[512] __attribute__((aligned(4096)));
static uint64_t ustub_pd[512] __attribute__((aligned(4096)));
static uint64_t ustub_pt[512] __attribute__((aligned(4096)));

static uint64_t kernel_pml4;             /* physical address of boot_pml4 */
static unsigned loaded_asid[MAX_CORES];  /* 0: the kernel-only space */

/*
 * Map uaccess.S's page of ring-3 steps at USTUB_VADDR, user and read-only
 * (executable: EFER.NXE is off), through a PML4 entry of the upper half,
 * which every vspace gets a copy of (hal_vspace_init).
 */
static void map_ustub(void)
{
	const uint64_t user_table = PTE_P | PTE_U | PTE_W;

	ustub_pt[(USTUB_VADDR >> 12) & 511] = hal_kernel_to_phys(ustub_start) | PTE_P | PTE_U;
	ustub_pd[(USTUB_VADDR >> 21) & 511] = hal_kernel_to_phys(ustub_pt) | user_table;
	ustub_pdpt[(USTUB_VADDR >> 30) & 511] = hal_kernel_to_phys(ustub_pd) | user_table;
	boot_pml4[USTUB_PML4_INDEX] = hal_kernel_to_phys(ustub_pdpt) | user_table;
}

/*
 * Drop boot.S's identity map of low memory, leaving the kernel PML4 with
 * the upper half only, and load it.  Call once, on the boot core, before
 * any user address space exists.
 */
void mmu_init(void)
{
	kernel_pml4 = hal_kernel_to_phys(boot_pml4);
	*(volatile uint64_t *)&boot_pml4[0] = 0;
	map_ustub();
	write_cr3(kernel_pml4);
}

/* hal.h contract: give a new PML4 the kernel's upper half. */
void hal_vspace_init(uint64_t pml4_paddr)
{
	volatile uint64_t *user = hal_phys_to_kernel(pml4_paddr);

	for (unsigned i = KERNEL_HALF; i < 512; i++)
		user[i] = boot_pml4[i];
}

/*
 * hal.h contract: translate user addresses through the PML4 at
 * pml4_paddr (0: none, the kernel-only PML4) on this core.  The asid is
 * remembered for the invalidation calls; without PCIDs it does not tag
 * the TLB.  Called with the kernel lock held.
 */
void hal_vspace_load(uint64_t pml4_paddr, unsigned asid)
{
	unsigned core = hal_core_id();

	if (pml4_paddr == 0) {
		loaded_asid[core] = 0;
		write_cr3(kernel_pml4);
		return;
	}
	loaded_asid[core] = asid;
	write_cr3(pml4_paddr);
}

/* hal.h contract: drop this core's translation of vaddr in asid. */
void hal_tlb_invalidate_page(unsigned asid, uint64_t vaddr)
{
	if (asid != 0 && asid == loaded_asid[hal_core_id()])
		invlpg(vaddr);
}

/* hal.h contract: drop all of this core's translations in asid. */
void hal_tlb_invalidate_asid(unsigned asid)
{
	if (asid != 0 && asid == loaded_asid[hal_core_id()])
		write_cr3(read_cr3());
}

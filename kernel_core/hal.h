/*
 * hal.h: the only door out of kernel_core.
 *
 * Every function here is implemented once by hal_sim/ (Linux, simulated
 * machine) and once by hal_x86/ (bare metal).  kernel_core calls nothing
 * else except memcpy/memset/memmove/memcmp.  Each entry states its
 * contract: what it guarantees, whether it can fail, and what the caller
 * may hold.
 */
#ifndef KMM_HAL_H
#define KMM_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- physical memory ---------------------------------------------- */

enum hal_mem_kind {
	HAL_MEM_RAM = 0,    /* free RAM: becomes untyped */
	HAL_MEM_DEVICE = 1  /* device memory: becomes device untyped */
};

struct hal_mem_region {
	uint64_t base;
	uint64_t size;
	enum hal_mem_kind kind;
};

/*
 * Fill out[] with at most max regions of the boot memory map and return
 * how many there are.  Regions do not overlap; memory the platform itself
 * uses (kernel image, firmware) is left out.  RAM contents are undefined.
 * Called once, at boot.
 */
unsigned hal_memory_map(struct hal_mem_region *out, unsigned max);

/*
 * The kernel window.  hal_phys_to_kernel() returns the kernel's pointer
 * to physical address paddr, which must lie in a region of the memory
 * map; hal_kernel_to_phys() is its inverse.  Both are pure, cannot fail,
 * and may be called with or without the kernel lock.
 */
void *hal_phys_to_kernel(uint64_t paddr);
uint64_t hal_kernel_to_phys(const void *kptr);

/*
 * Zero [paddr, paddr + bytes) through the kernel window.  Used for every
 * zeroing of memory that may become or has been user-visible (untyped
 * reset, new ASID pools), so a simulator can tell that the memory was
 * reused.  Cannot fail; the range lies inside one region.
 */
void hal_memory_zero(uint64_t paddr, uint64_t bytes);

/* ---- the MMU -------------------------------------------------------- */

/*
 * Store value into the 8-byte page-table entry at physical address
 * pte_paddr.  Every write the kernel makes to a live page table goes
 * through here (the simulator watches them to age stale translations);
 * reads go through the kernel window.  Cannot fail.
 */
void hal_pte_write(uint64_t pte_paddr, uint64_t value);

/*
 * A PML4 object at pml4_paddr has just been created (zeroed, no cap to it
 * yet).  The HAL may fill its entries above USER_TOP with the kernel's own
 * mappings (x86: PML4 entries 256..511); kernel_core never reads or writes
 * those entries.  Cannot fail.
 */
void hal_vspace_init(uint64_t pml4_paddr);

/*
 * Make this core translate user addresses through the PML4 at pml4_paddr,
 * tagged with asid (x86 CR3 with PCID).  pml4_paddr 0 means "no user
 * address space": every user access faults.  Cannot fail.
 */
void hal_vspace_load(uint64_t pml4_paddr, unsigned asid);

/*
 * Drop this core's cached translations: of one page in address space asid,
 * or of all of asid.  Cannot fail.  Only this core's TLB: other cores are
 * reached by the kernel's shootdown (hal_ipi_send below).
 */
void hal_tlb_invalidate_page(unsigned asid, uint64_t vaddr);
void hal_tlb_invalidate_asid(unsigned asid);

/* ---- cores ---------------------------------------------------------- */

/* This core's id, 0 .. hal_core_count() - 1.  Cannot fail. */
unsigned hal_core_id(void);
unsigned hal_core_count(void);

/* ---- synchronisation ------------------------------------------------ */

/*
 * The big kernel lock, taken by every kernel entry and released at exit.
 * Not recursive.  Each acquire and release is a scheduling point: the
 * simulator may switch to another core there (the x86 HAL does not).
 */
void hal_kernel_lock(void);
void hal_kernel_unlock(void);

/* ---- inter-processor interrupts ----------------------------------- */

/*
 * Raise the kernel's IPI on core, which is not this core.  Returns at
 * once.  The target calls kmm_ipi_receive() at its next interrupt window:
 * in the simulator its next scheduling point (also while it waits for the
 * kernel lock or idles); on x86 when the LAPIC delivers the vector, or
 * while the target spins for the kernel lock.  Raising it again before it
 * was taken has no further effect.  Called with the kernel lock held.
 */
void hal_ipi_send(unsigned core);

/*
 * Spin-wait hint, called in every loop that waits for another core
 * (x86: pause).  A scheduling point in the simulator.
 */
void hal_cpu_relax(void);

/* ---- preemption ----------------------------------------------------- */

/*
 * Is an interrupt pending?  Asked by the kernel at a preemption point once
 * every kmm_boot_config.work_units_per_preemption units of work.  A true
 * answer makes the current long operation stop restartably; the HAL
 * treats the interrupt as handled once it has answered true.  Called with
 * the kernel lock held.
 */
bool hal_interrupt_pending(void);

/* ---- console and panic ---------------------------------------------- */

/* Write n bytes to the console.  Cannot fail. */
void hal_console_write(const char *s, size_t n);

/*
 * Stop everything: a kernel bug was detected (a failed assertion names
 * the file, line and condition in msg).  Never returns.
 */
_Noreturn void hal_panic(const char *msg);

#endif

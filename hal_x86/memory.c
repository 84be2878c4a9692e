/*
 * memory.c: the kernel window and the HAL's memory primitives.
 *
 * Physical address p is seen by the kernel at KWINDOW_BASE + p (layout.h;
 * boot.S maps [0, KWINDOW_SIZE) there).  The kernel image is also seen at
 * KIMAGE_BASE + p, so hal_kernel_to_phys accepts pointers of both kinds.
 */
#include "hal.h"
#include "layout.h"
#include "x86.h"

/* hal.h contract: the kernel's pointer to paddr (which is below KWINDOW_SIZE). */
void *hal_phys_to_kernel(uint64_t paddr)
{
	return (void *)(uintptr_t)(KWINDOW_BASE + paddr);
}

/* hal.h contract: the inverse, for window and kernel-image pointers. */
uint64_t hal_kernel_to_phys(const void *kptr)
{
	uint64_t v = (uint64_t)(uintptr_t)kptr;

	return v >= KIMAGE_BASE ? v - KIMAGE_BASE : v - KWINDOW_BASE;
}

/* hal.h contract: zero [paddr, paddr + bytes) through the window. */
void hal_memory_zero(uint64_t paddr, uint64_t bytes)
{
	memset(hal_phys_to_kernel(paddr), 0, bytes);
}

/*
 * hal.h contract: one aligned 64-bit store, which the CPU performs
 * atomically, so a page walker on another core sees the old or the new
 * entry, never a mix.  TLB maintenance is the caller's job.
 */
void hal_pte_write(uint64_t pte_paddr, uint64_t value)
{
	*(volatile uint64_t *)hal_phys_to_kernel(pte_paddr) = value;
}

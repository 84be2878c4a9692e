/*
 * Simulated physical memory and the kernel window (layout: hal_sim.h).
 *
 * One PROT_NONE, MAP_NORESERVE reservation covers physical addresses
 * [0, 2P + 4 MiB + slack); only the regions of the memory map are made
 * read-write, so a kernel pointer is base + paddr and any access that
 * strays outside a region faults in the host.  Reconfiguring with the
 * same size keeps the reservation and drops the pages (MADV_DONTNEED
 * gives zero pages back), which keeps per-iteration fuzz resets cheap.
 */
#define _DEFAULT_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "hal.h"
#include "internal.h"

#define SLACK (1ull << 20)

static struct {
	uint8_t *base;        /* host address of paddr 0; NULL: unmapped */
	size_t reserved;      /* bytes reserved from base */
	uint64_t mem_bytes;   /* main RAM size this layout was made for */
	struct hal_mem_region region[HAL_SIM_MAX_REGIONS];
	unsigned nregion;
} mem;

static uint64_t main_base(uint64_t mem_bytes)
{
	uint64_t p = HAL_SIM_MIN_MAIN_BASE;

	while (p < mem_bytes)
		p <<= 1;
	return p;
}

static void add_region(uint64_t base, uint64_t size, enum hal_mem_kind kind)
{
	mem.region[mem.nregion++] = (struct hal_mem_region){ base, size, kind };
}

static void lay_out(uint64_t mem_bytes)
{
	uint64_t p = main_base(mem_bytes);

	mem.nregion = 0;
	add_region(HAL_SIM_LOW_RAM_BASE, HAL_SIM_LOW_RAM_SIZE, HAL_MEM_RAM);
	add_region(p, mem_bytes, HAL_MEM_RAM);
	add_region(2 * p, HAL_SIM_DEVICE0_SIZE, HAL_MEM_DEVICE);
	add_region(2 * p + HAL_SIM_DEVICE0_SIZE, HAL_SIM_DEVICE1_SIZE, HAL_MEM_DEVICE);
	mem.reserved = 2 * p + HAL_SIM_DEVICE0_SIZE + HAL_SIM_DEVICE1_SIZE + SLACK;
	mem.mem_bytes = mem_bytes;
}

static bool open_regions(void)
{
	for (unsigned i = 0; i < mem.nregion; i++) {
		if (mprotect(mem.base + mem.region[i].base, mem.region[i].size,
			     PROT_READ | PROT_WRITE) != 0)
			return false;
	}
	return true;
}

static void zero_regions(void)
{
	for (unsigned i = 0; i < mem.nregion; i++) {
		uint8_t *p = mem.base + mem.region[i].base;

		if (madvise(p, mem.region[i].size, MADV_DONTNEED) != 0)
			memset(p, 0, mem.region[i].size);
	}
}

enum hal_sim_status sim_memory_map(uint64_t mem_bytes)
{
	void *p;

	if (mem_bytes < HAL_SIM_MIN_MEM || mem_bytes > HAL_SIM_MAX_MEM ||
	    mem_bytes % 4096 != 0) {
		sim_memory_unmap();
		return HAL_SIM_BAD_MEM;
	}
	if (mem.base != NULL && mem.mem_bytes == mem_bytes) {
		zero_regions();
		return HAL_SIM_OK;
	}
	sim_memory_unmap();
	lay_out(mem_bytes);
	p = mmap(NULL, mem.reserved, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return HAL_SIM_HOST_NOMEM;
	mem.base = p;
	if (!open_regions()) {
		sim_memory_unmap();
		return HAL_SIM_HOST_NOMEM;
	}
	return HAL_SIM_OK;
}

void sim_memory_unmap(void)
{
	if (mem.base != NULL)
		munmap(mem.base, mem.reserved);
	mem.base = NULL;
	mem.reserved = 0;
	mem.nregion = 0;
	mem.mem_bytes = 0;
}

bool hal_sim_phys_valid(uint64_t paddr, uint64_t len)
{
	for (unsigned i = 0; i < mem.nregion; i++) {
		const struct hal_mem_region *r = &mem.region[i];

		if (paddr >= r->base && paddr - r->base <= r->size &&
		    len <= r->size - (paddr - r->base))
			return true;
	}
	return false;
}

void hal_sim_scribble_ram(uint8_t byte)
{
	for (unsigned i = 0; i < mem.nregion; i++)
		memset(mem.base + mem.region[i].base, byte, mem.region[i].size);
}

unsigned hal_memory_map(struct hal_mem_region *out, unsigned max)
{
	unsigned n = mem.nregion < max ? mem.nregion : max;

	for (unsigned i = 0; i < n; i++)
		out[i] = mem.region[i];
	return n;
}

/* A region end is a valid window address too: kernels compute end pointers. */
void *hal_phys_to_kernel(uint64_t paddr)
{
	if (!hal_sim_phys_valid(paddr, 0))
		hal_panic("hal_phys_to_kernel: address outside every memory region");
	return mem.base + paddr;
}

uint64_t hal_kernel_to_phys(const void *kptr)
{
	const uint8_t *p = kptr;
	uint64_t paddr;

	if (mem.base == NULL || p < mem.base || p >= mem.base + mem.reserved)
		hal_panic("hal_kernel_to_phys: pointer outside the kernel window");
	paddr = (uint64_t)(p - mem.base);
	if (!hal_sim_phys_valid(paddr, 0))
		hal_panic("hal_kernel_to_phys: address outside every memory region");
	return paddr;
}

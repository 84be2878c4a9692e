/*
 * memmap.c: the boot memory map kernel_core asks for (hal_memory_map).
 *
 * RAM is what the loader's memory map calls available, clipped to
 * [1 MiB, KWINDOW_SIZE) so that every byte lies in the kernel window
 * (RAM above it is left out, and memmap_print says how much) and low
 * memory stays free for firmware and, later, the SMP trampoline;
 * page-aligned inwards; merged where entries overlap; and minus the
 * kernel image (including its bss, boot page tables and stack), the
 * loader's structures and modules, and the device pages.  Two device
 * regions follow: the local APIC and the I/O APIC, one page each, at
 * their architectural default addresses.  The map is computed once by
 * memmap_init, before kmm_boot.
 *
 * memmap_init_sim instead lays memory out as hal_sim does for a given
 * main RAM size (hal_sim/memory.c), so that a program expanded by kmm-sim
 * (its boot-info slots, physical addresses) means the same here: low RAM
 * [1 MiB, 2 MiB), main RAM [P, P + mem) with P the smallest power of two
 * >= max(mem, 4 MiB), device regions [2P, 2P + 2 MiB) and
 * [2P + 2 MiB, + 4 KiB).  Every other byte stays out of the map.  Each
 * region must be RAM in the loader's map (device regions too, so that
 * device frames behave like hal_sim's) and clear of the image, the
 * loader's structures and the modules.
 */
#include "hal.h"
#include "layout.h"
#include "x86.h"

#define MAX_RAM    48
#define PAGE       0x1000ull
#define LOW_LIMIT  0x100000ull

extern char kimage_start[], kimage_end[];

#define SIM_LOW_BASE      0x100000ull     /* hal_sim.h's HAL_SIM_LOW_RAM_* */
#define SIM_LOW_SIZE      0x100000ull
#define SIM_MIN_MAIN_BASE (4ull << 20)    /* HAL_SIM_MIN_MAIN_BASE */
#define SIM_DEVICE0_SIZE  (2ull << 20)    /* HAL_SIM_DEVICE0_SIZE */
#define SIM_DEVICE1_SIZE  (4ull << 10)    /* HAL_SIM_DEVICE1_SIZE */
#define NDEVICES 2

static struct hal_mem_region devices[NDEVICES] = {
	{ IOAPIC_PHYS, PAGE, HAL_MEM_DEVICE },
	{ LAPIC_PHYS, PAGE, HAL_MEM_DEVICE },
};

static struct phys_range ram[MAX_RAM];  /* sorted, disjoint */
static unsigned nram;
static unsigned dropped;                /* ranges that did not fit */
static uint64_t beyond_window;          /* RAM bytes above KWINDOW_SIZE */

static uint64_t round_down(uint64_t x)
{
	return x & ~(PAGE - 1);
}

static uint64_t round_up(uint64_t x)
{
	return round_down(x + PAGE - 1);
}

static void remove_at(unsigned i)
{
	for (; i + 1 < nram; i++)
		ram[i] = ram[i + 1];
	nram--;
}

static void insert_at(unsigned i, struct phys_range r)
{
	if (nram == MAX_RAM) {
		dropped++;
		return;
	}
	for (unsigned j = nram; j > i; j--)
		ram[j] = ram[j - 1];
	ram[i] = r;
	nram++;
}

/* Add [base, end) to the RAM list, merging it with anything it touches. */
static void add_ram(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	if (end > KWINDOW_SIZE) {
		beyond_window += end - (base > KWINDOW_SIZE ? base : KWINDOW_SIZE);
		end = KWINDOW_SIZE;
	}
	base = round_up(base < LOW_LIMIT ? LOW_LIMIT : base);
	end = round_down(end);
	if (base >= end)
		return;
	while (i < nram && ram[i].end < base)
		i++;
	while (i < nram && ram[i].base <= end) {
		base = ram[i].base < base ? ram[i].base : base;
		end = ram[i].end > end ? ram[i].end : end;
		remove_at(i);
	}
	insert_at(i, (struct phys_range){ base, end });
}

/* Take [base, end), widened to whole pages, out of the RAM list. */
static void reserve(uint64_t base, uint64_t end)
{
	unsigned i = 0;

	base = round_down(base);
	end = round_up(end);
	while (i < nram) {
		struct phys_range r = ram[i];

		if (base <= r.base && end >= r.end) {
			remove_at(i);
			continue;
		}
		if (end > r.base && base < r.end) {
			if (base <= r.base) {
				ram[i].base = end;
			} else {
				ram[i].end = base;
				if (end < r.end)
					insert_at(i + 1, (struct phys_range){ end, r.end });
			}
		}
		i++;
	}
}

/*
 * Build the map from the loader's information.  Call once, before
 * kmm_boot and after the kernel window is usable.
 */
void memmap_init(const struct multiboot_view *mb)
{
	nram = 0;
	dropped = 0;
	beyond_window = 0;
	for (unsigned i = 0; i < mb->nram; i++)
		add_ram(mb->ram[i].base, mb->ram[i].end);
	reserve(hal_kernel_to_phys(kimage_start), hal_kernel_to_phys(kimage_end));
	for (unsigned i = 0; i < mb->nused; i++)
		reserve(mb->used[i].base, mb->used[i].end);
	for (unsigned i = 0; i < NDEVICES; i++)
		reserve(devices[i].base, devices[i].base + devices[i].size);
}

static const struct multiboot_view *loader;  /* memmap_init_sim's, for memmap_is_ram */

/* Is [base, end) inside one range the loader calls available RAM? */
bool memmap_is_ram(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; loader != 0 && i < loader->nram; i++)
		if (base >= loader->ram[i].base && end <= loader->ram[i].end)
			return true;
	return false;
}

/* Does [base, end) avoid the image and everything the loader placed? */
static bool unused(const struct multiboot_view *mb, uint64_t base, uint64_t end)
{
	uint64_t kbase = hal_kernel_to_phys(kimage_start), kend = hal_kernel_to_phys(kimage_end);

	if (base < kend && kbase < end)
		return false;
	for (unsigned i = 0; i < mb->nused; i++)
		if (base < mb->used[i].end && mb->used[i].base < end)
			return false;
	return true;
}

/*
 * Build hal_sim's map for main RAM of mem_bytes (see the top of the file)
 * instead of memmap_init's.  Returns NULL, or why the machine cannot
 * present it.
 */
const char *memmap_init_sim(const struct multiboot_view *mb, uint64_t mem_bytes)
{
	uint64_t p = SIM_MIN_MAIN_BASE;

	loader = mb;
	while (p < mem_bytes)
		p <<= 1;
	if (mem_bytes == 0 || mem_bytes % PAGE != 0 || 2 * p + (4ull << 20) > KWINDOW_SIZE)
		return "main RAM size unusable here";
	nram = 2;
	dropped = 0;
	beyond_window = 0;
	ram[0] = (struct phys_range){ SIM_LOW_BASE, SIM_LOW_BASE + SIM_LOW_SIZE };
	ram[1] = (struct phys_range){ p, p + mem_bytes };
	devices[0] = (struct hal_mem_region){ 2 * p, SIM_DEVICE0_SIZE, HAL_MEM_DEVICE };
	devices[1] = (struct hal_mem_region){ 2 * p + SIM_DEVICE0_SIZE, SIM_DEVICE1_SIZE,
					      HAL_MEM_DEVICE };
	for (unsigned i = 0; i < nram; i++)
		if (!memmap_is_ram(ram[i].base, ram[i].end) ||
		    !unused(mb, ram[i].base, ram[i].end))
			return "a RAM region is not free RAM (too little memory, or the"
			       " image or a module in the way)";
	for (unsigned i = 0; i < NDEVICES; i++)
		if (!memmap_is_ram(devices[i].base, devices[i].base + devices[i].size) ||
		    !unused(mb, devices[i].base, devices[i].base + devices[i].size))
			return "a device region is not free RAM (too little memory)";
	return 0;
}

/* Print the map, one region a line, and how many ranges were dropped. */
void memmap_print(void)
{
	for (unsigned i = 0; i < nram; i++)
		kprintf("kmm: memory ram 0x%lx-0x%lx\n", ram[i].base, ram[i].end);
	for (unsigned i = 0; i < NDEVICES; i++)
		kprintf("kmm: memory device 0x%lx-0x%lx\n", devices[i].base,
			devices[i].base + devices[i].size);
	if (dropped)
		kprintf("kmm: memory: %u ranges dropped (table full)\n", dropped);
	if (beyond_window)
		kprintf("kmm: memory: 0x%lx bytes of RAM above the window left out\n",
			beyond_window);
}

/*
 * hal.h contract: fill out[] with at most max regions (RAM in address
 * order, then the devices) and return how many were written.  Regions
 * are disjoint, page aligned and inside the kernel window.
 */
unsigned hal_memory_map(struct hal_mem_region *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nram && n < max; i++)
		out[n++] = (struct hal_mem_region){ ram[i].base, ram[i].end - ram[i].base,
						    HAL_MEM_RAM };
	for (unsigned i = 0; i < NDEVICES && n < max; i++)
		out[n++] = devices[i];
	return n;
}

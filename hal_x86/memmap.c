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
 */
#include "hal.h"
#include "layout.h"
#include "x86.h"

#define MAX_RAM    48
#define PAGE       0x1000ull
#define LOW_LIMIT  0x100000ull

extern char kimage_start[], kimage_end[];

static const struct hal_mem_region devices[] = {
	{ IOAPIC_PHYS, PAGE, HAL_MEM_DEVICE },
	{ LAPIC_PHYS, PAGE, HAL_MEM_DEVICE },
};
#define NDEVICES (sizeof(devices) / sizeof(devices[0]))

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

/*
 * gdt.c: the segment descriptors the kernel runs with once it has booted,
 * and each core's task-state segment.
 *
 * boot.S's GDT (null, kernel code, kernel data) only gets the cores into
 * long mode.  This one adds the ring-3 segments that user accesses run in
 * (uaccess.S) and one TSS per core, whose only use is RSP0: the stack the
 * CPU switches to when an interrupt or exception arrives at ring 3.  The
 * kernel selectors keep boot.S's values, so loading this table needs no
 * segment reload.  Layout (layout.h): 0x08 kernel code, 0x10 kernel data,
 * 0x18 user data, 0x20 user code (64-bit), then a 16-byte TSS descriptor
 * per core from SEL_TSS0.
 */
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define DESC_KCODE 0x00af9b000000ffffull  /* P, DPL 0, code, L */
#define DESC_KDATA 0x00cf93000000ffffull  /* P, DPL 0, data, writable */
#define DESC_UDATA 0x00cff3000000ffffull  /* as kernel data, DPL 3 */
#define DESC_UCODE 0x00affb000000ffffull  /* as kernel code, DPL 3 */
#define TSS_TYPE   0x89ull                /* P, available 64-bit TSS */

struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

_Static_assert(sizeof(struct tss) == 104, "the 64-bit TSS is 104 bytes");
_Static_assert(SEL_TSS0 == 5 * 8, "the TSS descriptors follow the four segments");

static uint64_t gdt[5 + 2 * SMP_MAX_CORES] __attribute__((aligned(16)));
static struct tss tss[SMP_MAX_CORES] __attribute__((aligned(16)));

/* The two words of core's TSS descriptor (a system descriptor is 16 bytes). */
static void set_tss(unsigned core)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss[core], limit = sizeof(struct tss) - 1;
	unsigned i = SEL_TSS0 / 8 + 2 * core;

	tss[core].iomap_base = sizeof(struct tss);  /* no I/O permission bitmap */
	gdt[i] = (limit & 0xffff) | (base & 0xffffff) << 16 | TSS_TYPE << 40 |
		 (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	gdt[i + 1] = base >> 32;
}

/* Fill the table, every core's TSS included.  Boot core, once, before smp_init. */
void gdt_init(void)
{
	gdt[SEL_KCODE / 8] = DESC_KCODE;
	gdt[SEL_KDATA / 8] = DESC_KDATA;
	gdt[SEL_UDATA / 8] = DESC_UDATA;
	gdt[SEL_UCODE / 8] = DESC_UCODE;
	for (unsigned c = 0; c < SMP_MAX_CORES; c++)
		set_tss(c);
}

/* Load the table and core's TSS on this core (which is core). */
void gdt_load(unsigned core)
{
	load_gdt(gdt, sizeof(gdt) - 1);
	load_tr((uint16_t)(SEL_TSS0 + 16 * core));
}

/*
 * Where core's RSP0 lives (uaccess.S sets it before each entry to ring
 * 3).  The field is only 4-byte aligned, as the TSS format has it: read
 * and write it whole with memcpy or one mov.
 */
void *gdt_rsp0(unsigned core)
{
	return (char *)&tss[core] + __builtin_offsetof(struct tss, rsp0);
}

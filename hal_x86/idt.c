/*
 * idt.c: the interrupt descriptor table.  Vectors 0..31 (the exceptions)
 * are interrupt gates to the stubs of isr.S, at ring 0, on the current
 * stack, or on the TSS's RSP0 when taken in ring 3 (gdt.c; no IST yet: a
 * kernel stack overflow becomes a triple fault).
 * Of vectors 32..255 only three are present (layout.h): the LAPIC's
 * (the kernel's IPI and the spurious vector) and VECTOR_UEXIT, the one
 * ring 3 may raise, with which a user access step ends (uaccess.S);
 * delivering another raises #GP.
 * One table serves every core.
 */
#include "layout.h"
#include "x86.h"

#define IDT_ENTRIES     256
#define EXCEPTIONS      32
#define GATE_INTERRUPT  0x8e  /* present, DPL 0, 64-bit interrupt gate */
#define GATE_USER       0xee  /* the same, which ring 3 may raise with int */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

_Static_assert(sizeof(struct idt_gate) == 16, "an IDT gate is 16 bytes");

struct __attribute__((packed)) idt_pointer {
	uint16_t limit;
	uint64_t base;
};

extern const uint64_t isr_stubs[EXCEPTIONS];
extern const char isr_stub_ipi[], isr_stub_spurious[], isr_stub_uexit[];

static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t handler, uint8_t type)
{
	idt[vector] = (struct idt_gate){
		.offset_low = (uint16_t)handler,
		.selector = SEL_KCODE,
		.ist = 0,
		.type = type,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_high = (uint32_t)(handler >> 32),
	};
}

/* Load the IDT on this core (every AP, once idt_init has filled it). */
void idt_load(void)
{
	struct idt_pointer p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(p));
}

/* Fill the gates and load the IDT on the boot core.  Call once. */
void idt_init(void)
{
	for (unsigned v = 0; v < EXCEPTIONS; v++)
		set_gate(v, isr_stubs[v], GATE_INTERRUPT);
	set_gate(VECTOR_IPI, (uint64_t)(uintptr_t)isr_stub_ipi, GATE_INTERRUPT);
	set_gate(VECTOR_SPURIOUS, (uint64_t)(uintptr_t)isr_stub_spurious, GATE_INTERRUPT);
	set_gate(VECTOR_UEXIT, (uint64_t)(uintptr_t)isr_stub_uexit, GATE_USER);
	idt_load();
}

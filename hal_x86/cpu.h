/*
 * cpu.h: the x86 instructions hal_x86 uses, as tiny inline functions, so
 * that inline assembly appears in one place and nowhere else in C.
 */
#ifndef KMM_X86_CPU_H
#define KMM_X86_CPU_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* A CR3 write also flushes every non-global TLB entry (CR4.PCIDE is off). */
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(uint64_t vaddr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(vaddr) : "memory");
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* The 32-bit word at offset in the GS segment (this core's per-core data). */
static inline uint32_t read_gs32(unsigned offset)
{
	uint32_t v;

	__asm__ volatile("movl %%gs:(%1), %0" : "=r"(v) : "r"((uint64_t)offset));
	return v;
}

/* Disable interrupts and return the old RFLAGS, for irq_restore. */
static inline uint64_t irq_save(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

#define RFLAGS_IF 0x200

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

/*
 * With interrupts disabled: enable them and halt until one arrives, as
 * one step (sti delays interrupts by one instruction, so one that became
 * pending after the caller's last check still wakes the hlt), then
 * disable them again.
 */
static inline void irq_wait(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline void load_gdt(const void *base, uint16_t limit)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} p = { limit, (uint64_t)(uintptr_t)base };

	__asm__ volatile("lgdt %0" : : "m"(p) : "memory");
}

static inline void load_tr(uint16_t selector)
{
	__asm__ volatile("ltr %0" : : "r"(selector) : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}

/* Stop this core for good: interrupts off, halt forever. */
static inline _Noreturn void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif

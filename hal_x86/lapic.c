/*
 * lapic.c: this core's local APIC, in xAPIC mode, through its registers
 * at LAPIC_PHYS (seen in the kernel window, uncached: boot.S maps
 * everything from MMIO_UC_BASE up with PCD|PWT).  Every core has its own
 * LAPIC at the same address, so these functions act on the calling core.
 * Register offsets and ICR bits are the Intel SDM's (vol. 3, "Advanced
 * Programmable Interrupt Controller").
 *
 * The LAPIC is the only interrupt source kmm enables: the legacy 8259
 * PICs are masked and the LAPIC's own LINT pins and timer stay masked,
 * so the only vectors that arrive are the kernel's IPI and the APIC's
 * spurious vector.
 */
#include "hal.h"
#include "cpu.h"
#include "layout.h"
#include "x86.h"

#define REG_ID        0x020
#define REG_TPR       0x080
#define REG_EOI       0x0b0
#define REG_SVR       0x0f0
#define REG_ICR_LOW   0x300
#define REG_ICR_HIGH  0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370

#define SVR_ENABLE    0x100
#define LVT_MASKED    0x10000
#define ICR_PENDING   0x1000        /* delivery status: send pending */
#define ICR_ASSERT    0x4000
#define ICR_FIXED     0x000
#define ICR_INIT      0x500
#define ICR_STARTUP   0x600

#define PIC1_DATA     0x21
#define PIC2_DATA     0xa1

static volatile uint32_t *reg(unsigned offset)
{
	return (volatile uint32_t *)((char *)hal_phys_to_kernel(LAPIC_PHYS) + offset);
}

/* This core's APIC id (bits 24..31 of the ID register). */
unsigned lapic_id(void)
{
	return *reg(REG_ID) >> 24;
}

/*
 * Enable this core's LAPIC with the spurious vector, accept every
 * priority, and mask the timer and the LINT pins (legacy PIC interrupts
 * and NMIs from the chipset), so that only IPIs arrive.  The boot core
 * also masks the 8259s, in case a LINT pin were left in ExtINT mode.
 */
void lapic_init(bool boot_core)
{
	if (boot_core) {
		outb(PIC1_DATA, 0xff);
		outb(PIC2_DATA, 0xff);
	}
	*reg(REG_LVT_TIMER) = LVT_MASKED;
	*reg(REG_LVT_LINT0) = LVT_MASKED;
	*reg(REG_LVT_LINT1) = LVT_MASKED;
	*reg(REG_LVT_ERROR) = LVT_MASKED;
	*reg(REG_TPR) = 0;
	*reg(REG_SVR) = SVR_ENABLE | VECTOR_SPURIOUS;
}

/* Tell the LAPIC the interrupt being handled is done (not for spurious). */
void lapic_eoi(void)
{
	*reg(REG_EOI) = 0;
}

/*
 * Write the interrupt command register: the destination first, since
 * writing the low half sends.  Waits until the previous command left,
 * so that one is never overwritten.
 */
static void send(unsigned apic_id, uint32_t command)
{
	while (*reg(REG_ICR_LOW) & ICR_PENDING)
		cpu_relax();
	*reg(REG_ICR_HIGH) = (uint32_t)apic_id << 24;
	*reg(REG_ICR_LOW) = command;
}

/* A fixed-delivery interrupt with vector to the core with apic_id. */
void lapic_send_ipi(unsigned apic_id, unsigned vector)
{
	send(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

/* INIT: the target resets and waits for a startup IPI. */
void lapic_send_init(unsigned apic_id)
{
	send(apic_id, ICR_INIT | ICR_ASSERT);
}

/* Startup IPI: the target starts in real mode at physical page << 12. */
void lapic_send_startup(unsigned apic_id, unsigned page)
{
	send(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

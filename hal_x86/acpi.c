/*
 * acpi.c: which cores the machine has, from the ACPI MADT ("APIC"
 * table): the APIC id of every enabled processor-local-APIC entry.
 * Multiboot v1 does not pass the RSDP, so it is searched for where the
 * ACPI specification (5.2.5.1) says BIOSes put it: the first KiB of the
 * EBDA and [0xe0000, 0x100000).  All tables lie below 4 GiB, inside the
 * kernel window; they are read once, at boot, before any memory is
 * handed to the kernel (which could overwrite them).
 */
#include "hal.h"
#include "x86.h"

#define EBDA_SEGMENT_PTR 0x40e
#define BIOS_AREA        0xe0000
#define BIOS_AREA_END    0x100000
#define MADT_LAPIC       0    /* entry type: processor local APIC */
#define LAPIC_ENABLED    1

struct __attribute__((packed)) rsdp {
	char signature[8];  /* "RSD PTR " */
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
};

struct __attribute__((packed)) sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
};

static const void *phys(uint64_t paddr)
{
	return hal_phys_to_kernel(paddr);
}

static bool checksum_ok(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < n; i++)
		sum += b[i];
	return sum == 0;
}

/* The RSDP in [base, end) (16-byte aligned), or NULL. */
static const struct rsdp *scan(uint64_t base, uint64_t end)
{
	for (uint64_t p = base; p + sizeof(struct rsdp) <= end; p += 16) {
		const struct rsdp *r = phys(p);

		if (memcmp(r->signature, "RSD PTR ", 8) == 0 && checksum_ok(r, sizeof(*r)))
			return r;
	}
	return 0;
}

/* The MADT, through the RSDT (32-bit pointers, which every RSDP has), or NULL. */
static const struct sdt_header *find_madt(void)
{
	uint64_t ebda = (uint64_t)*(const volatile uint16_t *)phys(EBDA_SEGMENT_PTR) << 4;
	const struct rsdp *r = ebda != 0 ? scan(ebda, ebda + 1024) : 0;
	const struct sdt_header *rsdt;
	const uint32_t *entry;
	unsigned n;

	if (r == 0)
		r = scan(BIOS_AREA, BIOS_AREA_END);
	if (r == 0)
		return 0;
	rsdt = phys(r->rsdt);
	if (memcmp(rsdt->signature, "RSDT", 4) != 0 || !checksum_ok(rsdt, rsdt->length))
		return 0;
	entry = (const uint32_t *)(rsdt + 1);
	n = (rsdt->length - sizeof(*rsdt)) / 4;
	for (unsigned i = 0; i < n; i++) {
		const struct sdt_header *t = phys(entry[i]);

		if (memcmp(t->signature, "APIC", 4) == 0 && checksum_ok(t, t->length))
			return t;
	}
	return 0;
}

/*
 * Fill ids[] with the APIC ids of the usable processors (at most max) and
 * return how many; 0 if there is no MADT.  The MADT body is the LAPIC
 * address and flags (8 bytes), then entries of (type, length, ...).
 */
unsigned acpi_cpu_apic_ids(uint8_t *ids, unsigned max)
{
	const struct sdt_header *madt = find_madt();
	const uint8_t *p, *end;
	unsigned n = 0;

	if (madt == 0)
		return 0;
	p = (const uint8_t *)(madt + 1) + 8;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		/* processor local APIC: type, length, processor id, APIC id, flags */
		if (p[0] == MADT_LAPIC && p[1] >= 8 &&
		    (p[4] & LAPIC_ENABLED) && n < max)
			ids[n++] = p[3];
		p += p[1];
	}
	return n;
}

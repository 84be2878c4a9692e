/*
 * multiboot.c: read the multiboot (version 1) information the loader left
 * in memory, through the kernel window, into a multiboot_view: the
 * memory-map entries marked available, every range the loader's own
 * structures and the modules occupy (which must not become untyped), and
 * the command line.  Only the fields kmm uses are declared.  Addresses in
 * the information are 32-bit and lie below 4 GiB, inside the window.
 */
#include "hal.h"
#include "x86.h"

#define MBI_MEMORY   (1u << 0)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODULES  (1u << 3)
#define MBI_MMAP     (1u << 6)
#define MBI_LOADER   (1u << 9)
#define MMAP_AVAILABLE 1

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;   /* KiB below 1 MiB, KiB above 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
};

struct __attribute__((packed)) mb_mmap_entry {
	uint32_t size;  /* of the rest of the entry */
	uint64_t base, length;
	uint32_t type;
};

struct mb_module {
	uint32_t start, end;
	uint32_t string;
	uint32_t reserved;
};

static const void *at(uint64_t paddr)
{
	return hal_phys_to_kernel(paddr);
}

static void add(struct phys_range *list, unsigned *n, uint64_t base, uint64_t size)
{
	if (size == 0 || *n == MB_MAX_RANGES)
		return;
	list[*n] = (struct phys_range){ base, base + size };
	(*n)++;
}

static uint64_t string_size(uint32_t paddr)
{
	const char *s = at(paddr);
	uint64_t n = 0;

	while (s[n])
		n++;
	return n + 1;
}

static void read_mmap(const struct mb_info *mbi, struct multiboot_view *v)
{
	uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;

	while (p + sizeof(struct mb_mmap_entry) <= end) {
		const struct mb_mmap_entry *e = at(p);

		if (e->type == MMAP_AVAILABLE)
			add(v->ram, &v->nram, e->base, e->length);
		p += e->size + sizeof(e->size);
	}
	add(v->used, &v->nused, mbi->mmap_addr, mbi->mmap_length);
}

static void read_modules(const struct mb_info *mbi, struct multiboot_view *v)
{
	const struct mb_module *m = at(mbi->mods_addr);

	add(v->used, &v->nused, mbi->mods_addr, mbi->mods_count * sizeof(*m));
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		if (i == 0 && m[i].end >= m[i].start) {
			v->module = (struct phys_range){ m[i].start, m[i].end };
			v->has_module = true;
		}
		add(v->used, &v->nused, m[i].start, m[i].end - m[i].start);
		if (m[i].string)
			add(v->used, &v->nused, m[i].string, string_size(m[i].string));
	}
}

/*
 * Fill *out from the information at physical address info (the loader's
 * EBX; the caller has checked the magic).  Without a memory map, the
 * basic mem_upper size stands in for it.  Returns false if the
 * information has neither.
 */
bool multiboot_read(uint32_t info, struct multiboot_view *out)
{
	const struct mb_info *mbi = at(info);

	*out = (struct multiboot_view){ .cmdline = "" };
	add(out->used, &out->nused, info, sizeof(*mbi));
	if (mbi->flags & MBI_MMAP)
		read_mmap(mbi, out);
	else if (mbi->flags & MBI_MEMORY)
		add(out->ram, &out->nram, 0x100000, (uint64_t)mbi->mem_upper << 10);
	else
		return false;
	if (mbi->flags & MBI_MODULES)
		read_modules(mbi, out);
	if ((mbi->flags & MBI_CMDLINE) && mbi->cmdline) {
		out->cmdline = at(mbi->cmdline);
		add(out->used, &out->nused, mbi->cmdline, string_size(mbi->cmdline));
	}
	if ((mbi->flags & MBI_LOADER) && mbi->boot_loader_name)
		add(out->used, &out->nused, mbi->boot_loader_name,
		    string_size(mbi->boot_loader_name));
	return true;
}

/* Do the n bytes at s spell word exactly? */
static bool spells(const char *s, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (word[i] != s[i])
			return false;
	return word[i] == '\0';
}

/* Is word one of the blank-separated words of the command line? */
bool multiboot_has_word(const struct multiboot_view *mb, const char *word)
{
	const char *s = mb->cmdline;

	while (*s) {
		size_t n = 0;

		while (s[n] && s[n] != ' ')
			n++;
		if (n > 0 && spells(s, n, word))
			return true;
		s += n;
		while (*s == ' ')
			s++;
	}
	return false;
}

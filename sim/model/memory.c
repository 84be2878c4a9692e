/*
 * User memory as the model knows it: the bytes of each 4 KiB page user
 * code wrote (or read, for device pages), keyed by physical page.
 *
 * Frames made from RAM start zero (a.4 zeroing guarantee), so a RAM page
 * with no record reads zero and retype forgets the pages a new RAM frame
 * covers.  Device memory is never zeroed (a.6) and what a device holds is
 * not the model's to know: its bytes are unknown until user code writes
 * them or the first read shows them (mmem_learn), and are kept from then
 * on -- across deletes, revokes and resets, as the hardware would.
 */
#include <string.h>

#include "model_int.h"

static struct mpage *page_at(struct model *m, uint64_t paddr)
{
	uint64_t frame = paddr / PAGE_BYTES;

	return g_hash_table_lookup(m->pages, &frame);
}

static struct mpage *page_get(struct model *m, uint64_t paddr, bool device)
{
	struct mpage *p = page_at(m, paddr);

	if (p != NULL)
		return p;
	p = g_new0(struct mpage, 1);
	p->frame = paddr / PAGE_BYTES;
	if (!device)
		memset(p->known, 1, sizeof p->known);
	g_hash_table_insert(m->pages, &p->frame, p);
	return p;
}

static gboolean in_range(gpointer key, gpointer value, gpointer range)
{
	const uint64_t *r = range, frame = *(const uint64_t *)key;

	(void)value;
	return frame >= r[0] && frame < r[1];
}

/* [paddr, paddr + bytes) is fresh zeroed RAM: drop what was recorded there. */
void mmem_forget(struct model *m, uint64_t paddr, uint64_t bytes)
{
	uint64_t range[2] = { paddr / PAGE_BYTES, (paddr + bytes) / PAGE_BYTES };

	g_hash_table_foreach_remove(m->pages, in_range, range);
}

/* The byte at paddr: true and *byte if the model knows it. */
bool mmem_read(struct model *m, uint64_t paddr, bool device, uint8_t *byte)
{
	struct mpage *p = page_at(m, paddr);

	if (p == NULL) {
		*byte = 0;
		return !device;
	}
	*byte = p->byte[paddr % PAGE_BYTES];
	return p->known[paddr % PAGE_BYTES];
}

/* A device byte shown by a read: known from now on. */
void mmem_learn(struct model *m, uint64_t paddr, bool device, uint8_t byte)
{
	mmem_write(m, paddr, device, byte);
}

void mmem_write(struct model *m, uint64_t paddr, bool device, uint8_t byte)
{
	struct mpage *p = page_get(m, paddr, device);

	p->byte[paddr % PAGE_BYTES] = byte;
	p->known[paddr % PAGE_BYTES] = 1;
}

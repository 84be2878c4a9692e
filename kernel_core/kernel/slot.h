/*
 * A slot (seL4's cte): a cap and its derivation-list node, 32 bytes, stored
 * in CNode and TCB objects in physical memory.
 *
 * The derivation list ("MDB") threads every non-empty slot into one
 * doubly linked list whose first element is a kernel-owned sentinel slot
 * (cdt.c).  Links are physical addresses of slots; slots are 32-byte
 * aligned, so bit 0 of each link word carries a flag:
 *
 *   m0 = prev | revocable        m1 = next | first_badged
 *
 * 0 means "no slot": physical page 0 never holds a slot (boot.c skips it).
 */
#ifndef KMM_SLOT_H
#define KMM_SLOT_H

#include "cap.h"

struct mdb {
	uint64_t m0, m1;
};

struct slot {
	struct cap cap;
	struct mdb mdb;
};

_Static_assert(sizeof(struct slot) == (1u << KMM_SLOT_BITS), "slot size");

#define MDB_LINK_MASK (~0x1full)

static inline struct slot *slot_at(uint64_t paddr)
{
	return paddr ? (struct slot *)hal_phys_to_kernel(paddr) : (struct slot *)0;
}

static inline uint64_t slot_paddr(const struct slot *s)
{
	return s ? hal_kernel_to_phys(s) : 0;
}

static inline struct slot *mdb_prev(const struct slot *s)
{
	return slot_at(s->mdb.m0 & MDB_LINK_MASK);
}

static inline struct slot *mdb_next(const struct slot *s)
{
	return slot_at(s->mdb.m1 & MDB_LINK_MASK);
}

static inline bool mdb_revocable(const struct slot *s)
{
	return s->mdb.m0 & 1;
}

static inline bool mdb_first_badged(const struct slot *s)
{
	return s->mdb.m1 & 1;
}

static inline void mdb_set_prev(struct slot *s, struct slot *p)
{
	s->mdb.m0 = slot_paddr(p) | (s->mdb.m0 & 1);
}

static inline void mdb_set_next(struct slot *s, struct slot *n)
{
	s->mdb.m1 = slot_paddr(n) | (s->mdb.m1 & 1);
}

static inline void mdb_set_revocable(struct slot *s, bool v)
{
	s->mdb.m0 = (s->mdb.m0 & MDB_LINK_MASK) | (uint64_t)v;
}

static inline void mdb_set_first_badged(struct slot *s, bool v)
{
	s->mdb.m1 = (s->mdb.m1 & MDB_LINK_MASK) | (uint64_t)v;
}

static inline bool slot_is_empty(const struct slot *s)
{
	return cap_is_null(&s->cap);
}

/* Slot i of the slot array that starts at paddr (a CNode or TCB). */
static inline struct slot *slot_index(uint64_t array_paddr, uint64_t i)
{
	return slot_at(array_paddr + (i << KMM_SLOT_BITS));
}

#endif

/* The capability derivation tree (seL4's MDB): see cdt.c for its invariants. */
#ifndef KMM_CDT_H
#define KMM_CDT_H

#include "slot.h"

void cdt_init(struct slot *sentinel);
struct slot *cdt_sentinel(void);

bool cdt_same_region(const struct cap *a, const struct cap *b);
bool cdt_same_object(const struct cap *a, const struct cap *b);
bool cdt_is_parent(const struct slot *a, const struct slot *b);
bool cdt_has_children(const struct slot *s);
bool cdt_is_final(const struct slot *s);

void cdt_insert(struct cap c, struct slot *src, struct slot *dest);
void cdt_insert_new_object(struct slot *parent, struct slot *dest, struct cap c);
void cdt_insert_boot(struct slot *dest, struct cap c);
void cdt_move(struct cap c, struct slot *src, struct slot *dest);
void cdt_swap(struct cap c1, struct slot *s1, struct cap c2, struct slot *s2);
void cdt_empty_slot(struct slot *s);

#endif

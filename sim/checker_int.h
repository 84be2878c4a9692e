/*
 * Shared by the checker's files: the checker's picture of the state, built
 * once per run in caller-supplied scratch memory.
 *
 * node[] holds every non-empty slot on the derivation list, in list order
 * (the sentinel excluded), with the cap's object range precomputed.  The
 * tree pass fills parent/last/nut from list order and the parent test;
 * the untyped pass fills up.  ia/ib/ic are index arrays and q a word
 * array, each node-count long, that the passes use in turn.
 */
#ifndef KMM_SIM_CHECKER_INT_H
#define KMM_SIM_CHECKER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/slot.h"
#include "checker.h"

#define CK_NONE UINT32_MAX

/* Object identity classes: caps of one class, base and size name one object. */
enum ck_kind {
	CK_KIND_NONE = 0,          /* no memory (null, ASID control) */
	CK_KIND_FRAME_DEVICE = KMM_CAP_TYPE_COUNT,
	CK_KIND_COUNT
};

struct ck_node {
	uint64_t slot;       /* physical address of the slot */
	struct cap cap;
	uint64_t base, end;  /* object range [base, end); base == end: no memory */
	uint32_t parent;     /* derivation parent (node index) or CK_NONE */
	uint32_t last;       /* index of the last descendant (self if none) */
	uint32_t nut;        /* nearest untyped ancestor or CK_NONE */
	uint32_t up;         /* untyped: innermost untyped strictly around it */
	uint8_t type;        /* enum kmm_cap_type */
	uint8_t kind;        /* enum ck_kind or a cap type */
	uint8_t size_bits;
	bool revocable, first_badged;
};

struct ck_range {
	uint64_t base, end;
};

#define CK_MAX_RAM (KMM_MAX_BOOT_UNTYPED + 4)

struct ck_state {
	enum check_level level;
	struct check_violation *v;
	struct slot *sentinel;
	struct ck_node *node;
	uint32_t n, cap;      /* nodes found, room for */
	uint32_t *ia, *ib, *ic;
	uint64_t *q;
	uint32_t nobj;        /* distinct objects, sorted by base, in ia[] */
	uint32_t nut;         /* untyped caps, sorted, in ic[] */
	unsigned nram;
	struct ck_range ram[CK_MAX_RAM]; /* where slots may be, merged, sorted */
};

/* checker_list.c: the derivation list and the slot arrays. */
void checker_ram_init(struct ck_state *st);
bool checker_plausible_slot(const struct ck_state *st, uint64_t paddr);
bool checker_in_ram(const struct ck_state *st, uint64_t base, uint64_t end);
uint32_t checker_count_list(const struct ck_state *st);
bool checker_walk_list(struct ck_state *st);
bool checker_check_slots(struct ck_state *st);

/* checker_objects.c: object ranges, overlap, accounting. */
bool checker_cap_range(const struct cap *c, uint64_t *base, unsigned *bits, uint8_t *kind);
bool checker_check_node(struct ck_state *st, uint32_t i);
bool checker_check_objects(struct ck_state *st);
bool checker_check_accounting(struct ck_state *st);

/* checker_tree.c: the derivation tree and untyped nesting. */
bool checker_build_tree(struct ck_state *st);
bool checker_check_untypeds(struct ck_state *st);
bool checker_is_ancestor(const struct ck_state *st, uint32_t a, uint32_t b);

/* checker_zero.c: 5.untyped.zero_below_old_watermark (keeps a record between runs). */
bool checker_check_lowered_watermarks(struct ck_state *st);

/* checker_vm.c: cap mapping fields, ASIDs, and the page-table walk. */
bool checker_check_vm(struct ck_state *st);

/* checker_util.c: sorting and violation text. */
typedef int (*checker_cmp_fn)(const struct ck_state *st, uint32_t a, uint32_t b);
void checker_sort(const struct ck_state *st, uint32_t *a, uint32_t n, checker_cmp_fn cmp);
void checker_sort_u64(uint64_t *a, uint32_t n);
bool checker_fail(struct ck_state *st, const char *invariant, const char *what);
void checker_note_node(struct ck_state *st, const char *label, uint32_t i);
void checker_note_slot(struct ck_state *st, const char *label, uint64_t slot);
void checker_note_u64(struct ck_state *st, const char *label, uint64_t x);
uint64_t checker_watermark(const struct ck_node *ut);
bool checker_contains(const struct ck_node *outer, const struct ck_node *inner);

#endif

/*
 * The reference model's own header: its abstract state and the functions
 * its files share (model.h is the public side).
 *
 * The state is four plain things, each kept the way the reference text
 * describes it rather than the way a kernel would store it:
 *
 *   - caps: non-empty slots (keyed by slot address), each with its cap and
 *     its place in the derivation tree, an explicit parent/children tree
 *     whose preorder is seL4's derivation list (b.6);
 *   - paging: every paging object's 512 entries as an abstract entry
 *     (empty, a next table, or a page with its rights and attributes),
 *     keyed by the object's address, and the ASID table with its pools
 *     (c.1 - c.3);
 *   - memory: the bytes user code wrote, per 4 KiB page (frames made
 *     from RAM start zero; device bytes are learnt at first sight, §a.6);
 *   - threads: which thread each core's ops run as, which one the kernel
 *     still runs there, and the vspace loaded there.
 *
 * Section numbers in the files' comments (a.3, c.5 ...) point into
 * /work/shared/reference/sel4-semantics.md.  Cross-file functions carry
 * their file's name after an "m" (mtree_ in tree.c, mframe_ in frame.c),
 * so they never collide with kernel_core symbols linked into kmm-sim.
 */
#ifndef KMM_SIM_MODEL_INT_H
#define KMM_SIM_MODEL_INT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <kmm/kernel.h>

#include "model.h"

#define SLOT_BYTES      (1ull << KMM_SLOT_BITS)
#define TABLE_ENTRIES   512u
#define ASID_POOLS      8u        /* c.3: 2^3 pools ... */
#define POOL_ASIDS      512u      /* ... of 2^9 ASIDs */
#define USER_TOP        0x7fffffffffffull
#define USER_END        (1ull << 47)  /* first address past the user half */
#define MODEL_CORES     PROG_MAX_CORES
#define PAGE_BYTES      4096u

/* TCB slots (the TCB's own 5-slot CNode, a.7): CSpace root and VSpace root. */
#define TCB_CTABLE      0u
#define TCB_VTABLE      1u

/* A cap as the model keeps it: the fields the reference gives caps. */
struct mcap {
	enum kmm_cap_type type;
	uint64_t paddr;
	uint32_t size_bits;
	uint32_t rights, vm_rights;
	uint64_t badge;
	uint64_t free_index;
	bool device;
	uint32_t radix, guard_size;
	uint64_t guard;
	uint64_t zcount;        /* zombie: slots still to clear */
	bool mapped;            /* frame, tables: records a mapping; pml4: has an ASID */
	uint64_t asid;          /* the recorded ASID; asid pool: its first ASID */
	uint64_t vaddr;         /* frame, tables: the recorded address */
};

/* A non-empty slot: its cap, flags and place in the derivation tree. */
struct mnode {
	uint64_t slot;
	struct mcap cap;
	bool revocable, first_badged;
	struct mnode *parent;
	GPtrArray *children;    /* in derivation-list order */
};

/* One paging-structure entry (c.1): empty, the next level's table, or a page. */
enum ment_kind { ENT_NONE = 0, ENT_TABLE, ENT_PAGE };

struct mentry {
	uint8_t kind;           /* enum ment_kind */
	uint8_t rights;         /* page: enum kmm_vm_rights as mapped (c.5) */
	uint8_t attr;           /* page: x86 VM attributes, PWT | PCD << 1 | PAT << 2 */
	bool device;            /* page: a device frame */
	uint64_t paddr;         /* the table's or the page's base */
};

/* A paging object: level 0 PML4, 1 PDPT, 2 page directory, 3 page table. */
struct mtable {
	uint64_t paddr;         /* the hash key */
	unsigned level;
	struct mentry e[TABLE_ENTRIES];
};

/* An ASID pool object: ASID (base + i) -> its PML4 (0: free). */
struct mpool {
	uint64_t paddr;         /* the hash key */
	uint64_t vspace[POOL_ASIDS];
};

/* A 4 KiB page of memory user code touched; known[i]: byte i is known. */
struct mpage {
	uint64_t frame;         /* paddr >> 12, the hash key */
	uint8_t byte[PAGE_BYTES];
	uint8_t known[PAGE_BYTES];
};

/* Which perturbation model_perturb applies (the cptr's top byte). */
enum mperturb {
	PERTURB_BADGE = 0,      /* the cap's badge + 1 */
	PERTURB_MAP_VADDR,      /* the cap's recorded vaddr + 4 KiB */
	PERTURB_MAPPING,        /* the rights of the entry the frame cap's mapping wrote */
	PERTURB_MEMORY,         /* byte 0 of the frame the cap names + 1 */
	PERTURB_ASID,           /* the pool entry of the PML4 cap's ASID cleared */
	PERTURB_RUNNING,        /* core 0 runs no thread */
	PERTURB_COUNT
};

struct model {
	/* caps */
	GHashTable *slots;      /* &node->slot -> node */
	GPtrArray *roots;       /* parentless nodes, in list order */
	uint64_t caller;        /* the root TCB: assertions and `run` resolve in its CSpace */
	uint64_t root_cnode;    /* base of the root CNode, for slot names */
	uint32_t root_bits;
	/* paging */
	uint64_t asid_table[ASID_POOLS];  /* pool index -> pool address (0: free) */
	GHashTable *pools;      /* &pool->paddr -> struct mpool */
	GHashTable *tables;     /* &table->paddr -> struct mtable */
	/* memory */
	GHashTable *pages;      /* &page->frame -> struct mpage */
	/* threads */
	uint64_t program[MODEL_CORES];  /* the TCB each core's ops run as (`run`) */
	uint64_t running[MODEL_CORES];  /* the TCB the kernel runs there (0: none) */
	struct mloaded {                /* the vspace loaded there (pml4 0: none) */
		uint64_t pml4, asid;
	} loaded[MODEL_CORES];
	uint64_t cores_seen;    /* bit c: core c had an op (compared from then on) */
	/* bookkeeping */
	bool unmodelled;
	uint64_t steps, predicted, compared, unmodelled_at, unmodelled_ops;
};

/* ---- tree.c: slots and the derivation tree (b.6) ---------------------- */

struct mnode *mtree_at(struct model *m, uint64_t slot);
const struct mcap *mtree_cap(struct model *m, uint64_t slot);
struct mnode *mtree_new(struct model *m, uint64_t slot, const struct mcap *c);
GPtrArray *mtree_siblings(struct model *m, struct mnode *n);
guint mtree_index(GPtrArray *a, struct mnode *n);
struct mnode *mtree_next(struct model *m, struct mnode *n);
void mtree_add_child_first(struct mnode *parent, struct mnode *n);
void mtree_add_after(struct model *m, struct mnode *sibling, struct mnode *n);
void mtree_empty(struct model *m, struct mnode *n);
void mtree_move(struct model *m, struct mnode *n, uint64_t to);
void mtree_swap(struct model *m, uint64_t a, uint64_t b);
void mtree_free_all(struct model *m);

/* ---- cap.c: relations between caps (b.3, b.6, b.7) --------------------- */

bool mcap_is_frame(const struct mcap *c);
bool mcap_is_table(const struct mcap *c);
bool mcap_is_ep(const struct mcap *c);
bool mcap_same_region(const struct mcap *a, const struct mcap *b);
bool mcap_same_object(const struct mcap *a, const struct mcap *b);
bool mcap_parent_of(const struct mnode *a, const struct mcap *b, bool b_first_badged);
bool mcap_is_final(struct model *m, struct mnode *n);
void mcap_mask_rights(struct mcap *c, uint64_t mask);
uint32_t mcap_mask_vm_rights(uint32_t vm_rights, uint64_t mask);
bool mcap_update_data(struct mcap *c, bool preserve, uint64_t data);
enum kmm_error mcap_derive(const struct mnode *src, struct mcap *c);
void mcap_insert_copy(struct model *m, struct mnode *src, uint64_t slot, const struct mcap *c);

/* ---- result.c: predicted results (0.1) ---------------------------------- */

/* A lookup failure: kind and its detail words (b.1). */
struct lfail {
	enum kmm_lookup_fault kind;
	unsigned n;
	uint64_t d[3];
};

void mres_reply(struct kmm_result *r, enum kmm_error e, unsigned n, const uint64_t *d);
void mres_err0(struct kmm_result *r, enum kmm_error e);
void mres_err1(struct kmm_result *r, enum kmm_error e, uint64_t a);
void mres_range(struct kmm_result *r, uint64_t lo, uint64_t hi);
void mres_failed_lookup(struct kmm_result *r, bool source, const struct lfail *f);
void mres_missing(struct kmm_result *r, bool source, uint64_t bits_left);
void mres_cap_fault(struct kmm_result *r, unsigned which, const struct lfail *f);

/* ---- lookup.c: CSpace addressing (b.1) ------------------------------------ */

bool mlookup_resolve(struct model *m, const struct mcap *c, uint64_t cptr, unsigned n,
		     uint64_t *slot, unsigned *left, struct lfail *f);
bool mlookup_target(struct model *m, const struct mcap *root, uint64_t index, uint64_t depth,
		    bool source, uint64_t *slot, struct kmm_result *r);
bool mlookup_cptr(struct model *m, uint64_t tcb, uint64_t cptr, uint64_t *slot,
		  struct lfail *f);

/* ---- delete.c: delete and revoke, with finalisation (b.5, b.7, c.7) ------- */

bool mdelete_slot(struct model *m, uint64_t slot, bool exposed);
void mdelete_revoke(struct model *m, uint64_t slot);

/* ---- untyped.c, cnode.c, tcb.c: the CSpace invocations (a, b) ------------- */

/* The invoked cap and the extra caps (NULL node: an empty slot). */
struct minv {
	const struct kmm_msg *msg;
	struct mnode *target;
	struct mnode *exnode[KMM_MSG_MAX_CAPS];
	struct mcap excap[KMM_MSG_MAX_CAPS];  /* the extra caps (null if empty) */
	unsigned core;
};

void muntyped_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void mcnode_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void mtcb_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void mtcb_finalised(struct model *m, uint64_t tcb);
bool mtcb_run(struct model *m, unsigned core, uint64_t cptr);
bool mtcb_caller(struct model *m, unsigned core, uint64_t *tcb);
void mtcb_load_vspace(struct model *m, unsigned core);
void mtcb_drop_vspace(struct model *m, uint64_t pml4, uint64_t asid_lo, uint64_t asid_hi);

/* ---- vspace.c: the abstract page tables and ASIDs (c.1 - c.3, c.7) ------- */

struct mtable *mvspace_table(struct model *m, uint64_t paddr);
void mvspace_table_new(struct model *m, uint64_t paddr, unsigned level);
struct mpool *mvspace_pool(struct model *m, uint64_t paddr);
uint64_t mvspace_for_asid(struct model *m, uint64_t asid);
unsigned mvspace_index(uint64_t vaddr, unsigned level);
uint64_t mvspace_level_bytes(unsigned level);
struct mentry *mvspace_walk(struct model *m, uint64_t pml4, uint64_t vaddr, unsigned level,
			    unsigned *missing);
struct mentry *mvspace_decide(struct model *m, uint64_t pml4, uint64_t vaddr,
			      unsigned *level);
unsigned mvspace_cap_level(const struct mcap *c);
void mvspace_unmap_frame(struct model *m, const struct mcap *c);
void mvspace_unmap_table(struct model *m, const struct mcap *c);
void mvspace_release_pml4(struct model *m, const struct mcap *c);
void mvspace_release_pool(struct model *m, const struct mcap *c);

/* ---- frame.c, pagetable.c, asid.c: the VSpace invocations (c.3 - c.6) ----- */

void mframe_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void mtable_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void masid_control_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
void masid_pool_invoke(struct model *m, const struct minv *v, struct kmm_result *r);
bool masid_vspace_ok(const struct mcap *vs, struct kmm_result *r);

/* ---- memory.c, access.c: user memory and user accesses ------------------- */

void mmem_forget(struct model *m, uint64_t paddr, uint64_t bytes);
bool mmem_read(struct model *m, uint64_t paddr, bool device, uint8_t *byte);
void mmem_learn(struct model *m, uint64_t paddr, bool device, uint8_t byte);
void mmem_write(struct model *m, uint64_t paddr, bool device, uint8_t byte);
bool maccess_step(struct model *m, const struct prog_op *op, const struct kmm_result *res,
		  struct exec_model_diff *d);

/* ---- invoke.c: one invocation (0.2) ---------------------------------------- */

void minvoke(struct model *m, unsigned core, const struct kmm_msg *msg, struct kmm_result *r);

/* ---- compare.c, compare_vm.c: the model against the kernel ---------------- */

bool mcompare_differ(struct model *m, struct exec_model_diff *d, const char *field,
		     const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void mcompare_slot_name(const struct model *m, uint64_t slot, char *buf, size_t n);
bool mcompare_result(struct model *m, const struct kmm_result *p, const struct kmm_result *k,
		     struct exec_model_diff *d);
bool mcompare_state(struct model *m, struct exec_model_diff *d);
bool mcompare_vm(struct model *m, struct exec_model_diff *d);

/* ---- boot.c: the model of the kernel just booted -------------------------- */

struct kslot {
	struct kmm_cap_info info;
	uint64_t parent;
};

struct mwalk {
	GHashTable *k;          /* slot -> struct kslot */
	GArray *order;          /* slots in list order */
};

bool mboot_kernel_caps(struct mwalk *w);
void mboot_walk_free(struct mwalk *w);
struct mcap mboot_from_info(const struct kmm_cap_info *i);
void mboot_load(struct model *m);

/* ---- perturb.c ------------------------------------------------------------- */

void mperturb(struct model *m, uint64_t cptr);

#endif

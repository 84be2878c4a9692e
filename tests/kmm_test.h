/*
 * The unit tests' shared harness.  Every test boots a fresh simulated
 * machine (hal_sim, 16 MiB of RAM, a 4096-slot root CNode) and talks to
 * the real kernel_core through kmm_invoke, as a user thread would: the
 * wrappers below build one message each, named after the invocation and
 * taking its arguments in the reference's order.  Preempted invocations
 * are issued again until they finish (kt_restarts counts how often),
 * except through kt_invoke_once.  Teardown runs the invariant checker at
 * CHECK_FULL, so every test also proves the state it leaves is valid.
 *
 * Slot numbers are root-CNode indices; with the root's 52-bit zero guard
 * a slot's cptr is its index and its CNode-operation depth is 64.
 */
#ifndef KMM_TEST_H
#define KMM_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <kmm/kernel.h>
#include "hal_sim.h"

#define KT_MEM       (16ull << 20)
#define KT_ROOT_BITS 12
#define KT_ROOT      KMM_CAP_ROOT_CNODE
#define KT_DEPTH     64
#define KT_FREE      300  /* first slot the tests use; boot caps end far below */

struct kt_config {
	uint64_t mem_bytes;
	uint32_t work_units;  /* per preemption check */
	uint8_t scribble;     /* nonzero: fill RAM with it before boot */
};

/* Boot a fresh machine (defaults, or cfg); fails the test if it cannot. */
void kt_boot(void);
void kt_boot_config(const struct kt_config *cfg);
/* Check fixture teardown: run the checker (unless disabled), free the machine. */
void kt_teardown(void);
extern bool kt_check_at_teardown;

uint64_t kt_tcb(void);
const struct kmm_bootinfo *kt_bootinfo(void);
/* Slot of the smallest boot untyped of at least 2^min_bits bytes. */
uint64_t kt_boot_untyped(unsigned min_bits, bool device);
/* Slot of the boot untyped holding main RAM (the largest one). */
uint64_t kt_main_untyped(void);
/* Carve a 2^bits untyped from main RAM into root slot dest. */
void kt_make_untyped(unsigned bits, uint64_t dest);
/* Retype one object of type/size from ut into root slot dest, asserting ok. */
void kt_make(uint64_t ut, enum kmm_object_type type, uint64_t size, uint64_t dest);

/* One kmm_invoke. */
struct kmm_result kt_invoke_once(const struct kmm_msg *m);
/* kmm_invoke, issued again while it reports PREEMPTED. */
struct kmm_result kt_invoke(const struct kmm_msg *m);
extern unsigned kt_restarts;

struct kmm_msg kt_msg(uint64_t cptr, uint64_t label, unsigned nwords, const uint64_t *w,
		      unsigned ncaps, const uint64_t *caps);

struct kmm_result retype(uint64_t ut, uint64_t type, uint64_t size, uint64_t node_index,
			 uint64_t node_depth, uint64_t offset, uint64_t count);
/* CNode operations invoked on the root CNode, source/pivot roots the root CNode. */
struct kmm_result cnode_copy(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth, uint64_t rights);
struct kmm_result cnode_mint(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth, uint64_t rights, uint64_t data);
struct kmm_result cnode_move(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth);
struct kmm_result cnode_mutate(uint64_t dest, uint64_t dest_depth, uint64_t src,
			       uint64_t src_depth, uint64_t data);
struct kmm_result cnode_rotate(uint64_t dest, uint64_t dest_depth, uint64_t dest_data,
			       uint64_t pivot, uint64_t pivot_depth, uint64_t pivot_data,
			       uint64_t src, uint64_t src_depth);
struct kmm_result cnode_delete(uint64_t index, uint64_t depth);
struct kmm_result cnode_revoke(uint64_t index, uint64_t depth);
struct kmm_result cnode_save_caller(uint64_t index, uint64_t depth);
struct kmm_result cnode_cancel_badged_sends(uint64_t index, uint64_t depth);
/* The same, invoked on CNode cptr `node` (roots: extra caps as given). */
struct kmm_result cnode_op(uint64_t node, uint64_t label, unsigned nwords,
			   const uint64_t *w, unsigned ncaps, const uint64_t *caps);

/* ---- virtual memory (reference c) ------------------------------------ */

#define KT_RW (KMM_RIGHT_READ | KMM_RIGHT_WRITE)
#define KT_RO KMM_RIGHT_READ

/* X86_Page_Map(vspace, vaddr, rights, attr) on frame cap `frame`. */
struct kmm_result page_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights,
			   uint64_t attr);
struct kmm_result page_unmap(uint64_t frame);
/* On success: one detail word, the physical address. */
struct kmm_result page_get_address(uint64_t frame);
/* PDPT/PageDirectory/PageTable Map(vspace, vaddr, attr 0): the label fits the cap's type. */
struct kmm_result table_map(uint64_t table, uint64_t vspace, uint64_t vaddr);
struct kmm_result table_unmap(uint64_t table);
/* ASIDControl_MakePool(dest index, depth 64) with untyped `ut`, root the root CNode. */
struct kmm_result asid_make_pool(uint64_t ut, uint64_t dest);
struct kmm_result asid_assign(uint64_t pool, uint64_t pml4);
/* The Map and Unmap labels for a table cap's type. */
uint64_t kt_table_map_label(uint64_t table);
uint64_t kt_table_unmap_label(uint64_t table);

/* Retype a PML4 from ut into slot pml4 and assign it an ASID from pool; returns the ASID. */
uint64_t kt_make_vspace(uint64_t ut, uint64_t pml4, uint64_t pool);
/*
 * Retype and map the tables that lead to vaddr in vspace: a PDPT, PD and
 * PT into slots pdpt, pd, pt (a slot of 0 skips that level, e.g. pt 0
 * for a 2 MiB page).
 */
void kt_make_path(uint64_t ut, uint64_t vspace, uint64_t vaddr, uint64_t pdpt, uint64_t pd,
		  uint64_t pt);
/* kmm_inspect_pte on the PML4 that cap `vspace` names; *level may be NULL. */
uint64_t kt_pte(uint64_t vspace, uint64_t vaddr, unsigned *level);
/* Assert the entry that decides vaddr in vspace is `entry` at `level`. */
#define ck_assert_pte(vspace, vaddr, level, entry) \
	kt_assert_pte(__FILE__, __LINE__, (vspace), (vaddr), (level), (entry))
void kt_assert_pte(const char *file, int line, uint64_t vspace, uint64_t vaddr, unsigned level,
		   uint64_t entry);
/* Assert a frame or table cap's recorded mapping (mapped false: asid, vaddr 0). */
#define ck_assert_mapping(cptr, mapped, asid, vaddr) \
	kt_assert_mapping(__FILE__, __LINE__, (cptr), (mapped), (asid), (vaddr))
void kt_assert_mapping(const char *file, int line, uint64_t cptr, bool mapped, uint64_t asid,
		       uint64_t vaddr);
/* Assert no TLB of any core holds a stale translation, and none was hit. */
void kt_assert_tlb_clean(void);

/* What slot `cptr` of the caller's CSpace holds (fails the test if unresolvable). */
struct kmm_cap_info kt_cap(uint64_t cptr);
/* A cptr-addressed slot's kernel pointer, for tests that corrupt state. */
void *kt_slot_ptr(uint64_t cptr);
/* Pointer to physical memory (the kernel window). */
uint8_t *kt_phys(uint64_t paddr);
/* Is [paddr, paddr + len) all `byte`? */
bool kt_mem_is(uint64_t paddr, uint64_t len, uint8_t byte);
/* Derivation parent slot (physical address) of cptr's slot; 0 for none. */
uint64_t kt_parent(uint64_t cptr);
/* Position of cptr's slot in the derivation list (0 = first after the sentinel). */
uint64_t kt_list_pos(uint64_t cptr);
/* Assert the checker passes at level (0 cheap, 1 full). */
void kt_assert_checker_ok(int level);
/* Assert the checker fails at level with exactly this invariant name. */
void kt_assert_checker_fails(int level, const char *invariant);

/* want[0] = n, want[1..n] = the detail words expected. */
void kt_assert_result(const char *file, int line, struct kmm_result r, int err,
		      const uint64_t *want);
void kt_assert_fault(const char *file, int line, struct kmm_result r, const uint64_t *want);

/*
 * ck_assert_result(r, err, n, d0, ..., dn-1): the reply is error err with
 * exactly n detail words d0.. (e.g. RangeError(1, 256):
 * ck_assert_result(r, KMM_RANGE_ERROR, 2, 1, 256)).
 */
#define ck_assert_result(r, err, ...) \
	kt_assert_result(__FILE__, __LINE__, (r), (err), (const uint64_t[]){ __VA_ARGS__ })
#define ck_assert_ok(r) ck_assert_result((r), KMM_OK, 0)
/* ck_assert_fault(r, n, which, kind, details...): a cap fault, n detail words. */
#define ck_assert_fault(r, ...) \
	kt_assert_fault(__FILE__, __LINE__, (r), (const uint64_t[]){ __VA_ARGS__ })

/* Make a Check test case with the harness's fixture. */
TCase *kt_tcase(const char *name);
/* Run a suite; the exit status for main(). */
int kt_run(Suite *s);

#endif

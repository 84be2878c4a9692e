/*
 * The unit tests' harness (see kmm_test.h): boot and teardown of a fresh
 * simulated machine per test, message wrappers around kmm_invoke, state
 * readers over kmm_inspect_*, and assertions that name the exact result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kmm_test.h"
#include "checker.h"
#include "hal.h"

bool kt_check_at_teardown = true;
unsigned kt_restarts;

static void on_panic(const char *msg, void *ctx)
{
	(void)ctx;
	ck_abort_msg("kernel panic: %s", msg);
}

void kt_boot_config(const struct kt_config *cfg)
{
	struct hal_sim_config hc = { .mem_bytes = cfg->mem_bytes, .cores = 1 };
	struct kmm_boot_config kc = { KT_ROOT_BITS, cfg->work_units };
	enum hal_sim_status st = hal_sim_configure(&hc);

	ck_assert_msg(st == HAL_SIM_OK, "hal_sim_configure: %s", hal_sim_status_text(st));
	hal_sim_set_console(NULL, NULL);
	hal_sim_set_panic_hook(on_panic, NULL);
	if (cfg->scribble)
		hal_sim_scribble_ram(cfg->scribble);
	ck_assert_msg(kmm_boot(&kc), "kmm_boot failed");
	kt_check_at_teardown = true;
	kt_restarts = 0;
}

void kt_boot(void)
{
	struct kt_config cfg = { KT_MEM, KMM_DEFAULT_WORK_UNITS, 0 };

	kt_boot_config(&cfg);
}

void kt_teardown(void)
{
	if (kt_check_at_teardown)
		kt_assert_checker_ok(1);
	hal_sim_set_panic_hook(NULL, NULL);
	hal_sim_teardown();
}

uint64_t kt_tcb(void)
{
	return kmm_bootinfo()->root_tcb;
}

const struct kmm_bootinfo *kt_bootinfo(void)
{
	return kmm_bootinfo();
}

uint64_t kt_boot_untyped(unsigned min_bits, bool device)
{
	const struct kmm_bootinfo *bi = kmm_bootinfo();
	uint32_t i, best = UINT32_MAX;

	for (i = 0; i < bi->untyped_count; i++) {
		if (bi->untyped[i].size_bits < min_bits || !!bi->untyped[i].is_device != device)
			continue;
		if (best == UINT32_MAX || bi->untyped[i].size_bits < bi->untyped[best].size_bits)
			best = i;
	}
	ck_assert_msg(best != UINT32_MAX, "no boot untyped of >= %u bits (device %d)",
		      min_bits, device);
	return bi->untyped_first + best;
}

uint64_t kt_main_untyped(void)
{
	const struct kmm_bootinfo *bi = kmm_bootinfo();
	uint32_t i, best = 0;

	for (i = 1; i < bi->untyped_count; i++)
		if (!bi->untyped[i].is_device &&
		    bi->untyped[i].size_bits > bi->untyped[best].size_bits)
			best = i;
	return bi->untyped_first + best;
}

void kt_make(uint64_t ut, enum kmm_object_type type, uint64_t size, uint64_t dest)
{
	struct kmm_result r = retype(ut, type, size, KT_ROOT, KT_DEPTH, dest, 1);

	ck_assert_msg(r.kind == KMM_RESULT_REPLY && r.error == KMM_OK,
		      "retype of type %d into slot %llu: kind %d error %d", (int)type,
		      (unsigned long long)dest, (int)r.kind, (int)r.error);
}

void kt_make_untyped(unsigned bits, uint64_t dest)
{
	kt_make(kt_main_untyped(), KMM_OBJ_UNTYPED, bits, dest);
}

struct kmm_msg kt_msg(uint64_t cptr, uint64_t label, unsigned nwords, const uint64_t *w,
		      unsigned ncaps, const uint64_t *caps)
{
	struct kmm_msg m;

	memset(&m, 0, sizeof(m));
	m.cptr = cptr;
	m.label = label;
	m.nwords = nwords;
	m.ncaps = ncaps;
	if (nwords)
		memcpy(m.words, w, nwords * sizeof(uint64_t));
	if (ncaps)
		memcpy(m.caps, caps, ncaps * sizeof(uint64_t));
	return m;
}

struct kmm_result kt_invoke_once(const struct kmm_msg *m)
{
	struct kmm_result r;

	kmm_invoke(kt_tcb(), m, &r);
	return r;
}

struct kmm_result kt_invoke(const struct kmm_msg *m)
{
	struct kmm_result r = kt_invoke_once(m);

	while (r.kind == KMM_RESULT_PREEMPTED) {
		kt_restarts++;
		ck_assert_msg(kt_restarts < 10000000, "invocation never finishes");
		r = kt_invoke_once(m);
	}
	return r;
}

struct kmm_result retype(uint64_t ut, uint64_t type, uint64_t size, uint64_t node_index,
			 uint64_t node_depth, uint64_t offset, uint64_t count)
{
	uint64_t w[6] = { type, size, node_index, node_depth, offset, count };
	uint64_t root = KT_ROOT;
	struct kmm_msg m = kt_msg(ut, KMM_UNTYPED_RETYPE, 6, w, 1, &root);

	return kt_invoke(&m);
}

struct kmm_result cnode_op(uint64_t node, uint64_t label, unsigned nwords,
			   const uint64_t *w, unsigned ncaps, const uint64_t *caps)
{
	struct kmm_msg m = kt_msg(node, label, nwords, w, ncaps, caps);

	return kt_invoke(&m);
}

static struct kmm_result root_op(uint64_t label, unsigned nwords, const uint64_t *w,
				 unsigned ncaps)
{
	uint64_t roots[2] = { KT_ROOT, KT_ROOT };

	return cnode_op(KT_ROOT, label, nwords, w, ncaps, roots);
}

struct kmm_result cnode_copy(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth, uint64_t rights)
{
	uint64_t w[5] = { dest, dest_depth, src, src_depth, rights };

	return root_op(KMM_CNODE_COPY, 5, w, 1);
}

struct kmm_result cnode_mint(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth, uint64_t rights, uint64_t data)
{
	uint64_t w[6] = { dest, dest_depth, src, src_depth, rights, data };

	return root_op(KMM_CNODE_MINT, 6, w, 1);
}

struct kmm_result cnode_move(uint64_t dest, uint64_t dest_depth, uint64_t src,
			     uint64_t src_depth)
{
	uint64_t w[4] = { dest, dest_depth, src, src_depth };

	return root_op(KMM_CNODE_MOVE, 4, w, 1);
}

struct kmm_result cnode_mutate(uint64_t dest, uint64_t dest_depth, uint64_t src,
			       uint64_t src_depth, uint64_t data)
{
	uint64_t w[5] = { dest, dest_depth, src, src_depth, data };

	return root_op(KMM_CNODE_MUTATE, 5, w, 1);
}

struct kmm_result cnode_rotate(uint64_t dest, uint64_t dest_depth, uint64_t dest_data,
			       uint64_t pivot, uint64_t pivot_depth, uint64_t pivot_data,
			       uint64_t src, uint64_t src_depth)
{
	uint64_t w[8] = { dest, dest_depth, dest_data, pivot, pivot_depth, pivot_data,
			  src, src_depth };

	return root_op(KMM_CNODE_ROTATE, 8, w, 2);
}

static struct kmm_result slot_op(uint64_t label, uint64_t index, uint64_t depth)
{
	uint64_t w[2] = { index, depth };

	return root_op(label, 2, w, 0);
}

struct kmm_result cnode_delete(uint64_t index, uint64_t depth)
{
	return slot_op(KMM_CNODE_DELETE, index, depth);
}

struct kmm_result cnode_revoke(uint64_t index, uint64_t depth)
{
	return slot_op(KMM_CNODE_REVOKE, index, depth);
}

struct kmm_result cnode_save_caller(uint64_t index, uint64_t depth)
{
	return slot_op(KMM_CNODE_SAVE_CALLER, index, depth);
}

struct kmm_result cnode_cancel_badged_sends(uint64_t index, uint64_t depth)
{
	return slot_op(KMM_CNODE_CANCEL_BADGED_SENDS, index, depth);
}

/* ---- virtual memory ------------------------------------------------- */

struct kmm_result page_map(uint64_t frame, uint64_t vspace, uint64_t vaddr, uint64_t rights,
			   uint64_t attr)
{
	uint64_t w[3] = { vaddr, rights, attr };

	return cnode_op(frame, KMM_X86_PAGE_MAP, 3, w, 1, &vspace);
}

struct kmm_result page_unmap(uint64_t frame)
{
	return cnode_op(frame, KMM_X86_PAGE_UNMAP, 0, NULL, 0, NULL);
}

struct kmm_result page_get_address(uint64_t frame)
{
	return cnode_op(frame, KMM_X86_PAGE_GET_ADDRESS, 0, NULL, 0, NULL);
}

uint64_t kt_table_map_label(uint64_t table)
{
	switch (kt_cap(table).type) {
	case KMM_CAP_TYPE_PDPT:
		return KMM_X86_PDPT_MAP;
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
		return KMM_X86_PAGE_DIRECTORY_MAP;
	default:
		return KMM_X86_PAGE_TABLE_MAP;
	}
}

uint64_t kt_table_unmap_label(uint64_t table)
{
	return kt_table_map_label(table) + 1;
}

struct kmm_result table_map(uint64_t table, uint64_t vspace, uint64_t vaddr)
{
	uint64_t w[2] = { vaddr, 0 };

	return cnode_op(table, kt_table_map_label(table), 2, w, 1, &vspace);
}

struct kmm_result table_unmap(uint64_t table)
{
	return cnode_op(table, kt_table_unmap_label(table), 0, NULL, 0, NULL);
}

struct kmm_result asid_make_pool(uint64_t ut, uint64_t dest)
{
	uint64_t w[2] = { dest, KT_DEPTH }, caps[2] = { ut, KT_ROOT };

	return cnode_op(KMM_CAP_ASID_CONTROL, KMM_X86_ASID_CONTROL_MAKE_POOL, 2, w, 2, caps);
}

struct kmm_result asid_assign(uint64_t pool, uint64_t pml4)
{
	return cnode_op(pool, KMM_X86_ASID_POOL_ASSIGN, 0, NULL, 1, &pml4);
}

uint64_t kt_make_vspace(uint64_t ut, uint64_t pml4, uint64_t pool)
{
	kt_make(ut, KMM_OBJ_PML4, 0, pml4);
	ck_assert_ok(asid_assign(pool, pml4));
	ck_assert(kt_cap(pml4).mapped);
	return kt_cap(pml4).map_asid;
}

void kt_make_path(uint64_t ut, uint64_t vspace, uint64_t vaddr, uint64_t pdpt, uint64_t pd,
		  uint64_t pt)
{
	const struct {
		uint64_t slot;
		enum kmm_object_type type;
	} level[3] = { { pdpt, KMM_OBJ_PDPT }, { pd, KMM_OBJ_PAGE_DIRECTORY },
		       { pt, KMM_OBJ_PAGE_TABLE } };
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (!level[i].slot)
			continue;
		kt_make(ut, level[i].type, 0, level[i].slot);
		ck_assert_ok(table_map(level[i].slot, vspace, vaddr));
	}
}

uint64_t kt_pte(uint64_t vspace, uint64_t vaddr, unsigned *level)
{
	uint64_t e = 0;
	unsigned l = 0;

	ck_assert_msg(kmm_inspect_pte(kt_cap(vspace).paddr, vaddr, &e, &l),
		      "vaddr %#llx is not a user address", (unsigned long long)vaddr);
	if (level)
		*level = l;
	return e;
}

void kt_assert_pte(const char *file, int line, uint64_t vspace, uint64_t vaddr, unsigned level,
		   uint64_t entry)
{
	unsigned l;
	uint64_t e = kt_pte(vspace, vaddr, &l);

	ck_assert_msg(l == level && e == entry,
		      "%s:%d: entry for %#llx is %#llx at level %u, expected %#llx at level %u",
		      file, line, (unsigned long long)vaddr, (unsigned long long)e, l,
		      (unsigned long long)entry, level);
}

void kt_assert_mapping(const char *file, int line, uint64_t cptr, bool mapped, uint64_t asid,
		       uint64_t vaddr)
{
	struct kmm_cap_info c = kt_cap(cptr);

	if (!mapped)
		asid = vaddr = 0;
	ck_assert_msg(c.mapped == mapped && c.map_asid == asid && c.map_vaddr == vaddr,
		      "%s:%d: cap %llu records mapped %d asid %llu vaddr %#llx, expected %d %llu "
		      "%#llx", file, line, (unsigned long long)cptr, c.mapped,
		      (unsigned long long)c.map_asid, (unsigned long long)c.map_vaddr, mapped,
		      (unsigned long long)asid, (unsigned long long)vaddr);
}

void kt_assert_tlb_clean(void)
{
	struct hal_sim_stale s;

	ck_assert_msg(!hal_sim_stale_violation(&s),
		      "stale TLB hit: core %u asid %u vaddr %#llx frame %#llx check %d", s.core,
		      s.asid, (unsigned long long)s.vaddr, (unsigned long long)s.frame,
		      (int)s.check);
	ck_assert_msg(hal_sim_tlb_check(&s),
		      "stale TLB entry: core %u asid %u vaddr %#llx frame %#llx check %d", s.core,
		      s.asid, (unsigned long long)s.vaddr, (unsigned long long)s.frame,
		      (int)s.check);
}

struct kmm_cap_info kt_cap(uint64_t cptr)
{
	struct kmm_cap_info info;

	ck_assert_msg(kmm_inspect_cptr(kt_tcb(), cptr, &info), "cptr %llu does not resolve",
		      (unsigned long long)cptr);
	return info;
}

void *kt_slot_ptr(uint64_t cptr)
{
	return hal_phys_to_kernel(kt_cap(cptr).slot_paddr);
}

uint8_t *kt_phys(uint64_t paddr)
{
	return hal_phys_to_kernel(paddr);
}

bool kt_mem_is(uint64_t paddr, uint64_t len, uint8_t byte)
{
	const uint8_t *p = kt_phys(paddr);
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			return false;
	return true;
}

struct walk_find {
	uint64_t slot;
	uint64_t parent;
	uint64_t pos, count;
	bool found;
};

static bool find_slot(const struct kmm_cap_info *c, uint32_t depth, uint64_t parent,
		      void *ctx)
{
	struct walk_find *f = ctx;

	(void)depth;
	if (c->slot_paddr == f->slot) {
		f->parent = parent;
		f->pos = f->count;
		f->found = true;
		return false;
	}
	f->count++;
	return true;
}

static struct walk_find walk_to(uint64_t cptr)
{
	struct walk_find f = { kt_cap(cptr).slot_paddr, 0, 0, 0, false };
	uint64_t n = kmm_inspect_cap_count() + 1;
	uint64_t *stack = calloc(n, sizeof(uint64_t));

	ck_assert_ptr_nonnull(stack);
	kmm_inspect_walk(find_slot, &f, stack, n);
	free(stack);
	ck_assert_msg(f.found, "slot of cptr %llu is not on the derivation list",
		      (unsigned long long)cptr);
	return f;
}

uint64_t kt_parent(uint64_t cptr)
{
	return walk_to(cptr).parent;
}

uint64_t kt_list_pos(uint64_t cptr)
{
	return walk_to(cptr).pos;
}

static bool run_checker(int level, struct check_violation *v)
{
	size_t n = checker_scratch_bytes();
	void *scratch = malloc(n);
	bool ok;

	ck_assert_ptr_nonnull(scratch);
	ok = checker_run(level ? CHECK_FULL : CHECK_CHEAP, v, scratch, n);
	free(scratch);
	return ok;
}

void kt_assert_checker_ok(int level)
{
	struct check_violation v;

	if (!run_checker(level, &v))
		ck_abort_msg("checker: %s: %s", v.invariant, v.detail);
}

void kt_assert_checker_fails(int level, const char *invariant)
{
	struct check_violation v;

	ck_assert_msg(!run_checker(level, &v), "checker passed; expected %s", invariant);
	ck_assert_msg(strcmp(v.invariant, invariant) == 0, "checker: %s (%s); expected %s",
		      v.invariant, v.detail, invariant);
}

static const char *kind_name(enum kmm_result_kind k)
{
	return k == KMM_RESULT_REPLY ? "reply" : k == KMM_RESULT_CAP_FAULT ?
	       "cap fault" : "preempted";
}

static void format_detail(char *buf, size_t len, const struct kmm_result *r)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < r->ndetail && i < KMM_RESULT_MAX_DETAIL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %llu",
					 (unsigned long long)r->detail[i]);
}

static void assert_detail(const char *file, int line, const struct kmm_result *r,
			  const uint64_t *want)
{
	char got[160];
	unsigned i, n = (unsigned)want[0];

	format_detail(got, sizeof(got), r);
	ck_assert_msg(r->ndetail == n, "%s:%d: %u detail words (%s), expected %u", file,
		      line, r->ndetail, got, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(r->detail[i] == want[i + 1],
			      "%s:%d: detail[%u] is %llu (all:%s), expected %llu", file, line,
			      i, (unsigned long long)r->detail[i], got,
			      (unsigned long long)want[i + 1]);
}

void kt_assert_result(const char *file, int line, struct kmm_result r, int err,
		      const uint64_t *want)
{
	char got[160];

	format_detail(got, sizeof(got), &r);
	ck_assert_msg(r.kind == KMM_RESULT_REPLY,
		      "%s:%d: result is a %s (detail%s), expected a reply", file, line,
		      kind_name(r.kind), got);
	ck_assert_msg((int)r.error == err, "%s:%d: error %d (detail%s), expected %d", file,
		      line, (int)r.error, got, err);
	assert_detail(file, line, &r, want);
}

void kt_assert_fault(const char *file, int line, struct kmm_result r, const uint64_t *want)
{
	ck_assert_msg(r.kind == KMM_RESULT_CAP_FAULT,
		      "%s:%d: result is a %s (error %d), expected a cap fault", file, line,
		      kind_name(r.kind), (int)r.error);
	assert_detail(file, line, &r, want);
}

TCase *kt_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, kt_boot, kt_teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

int kt_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

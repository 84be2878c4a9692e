/*
 * smoke.c: a short embedded program of kernel invocations, run by the
 * root thread through kmm_invoke right after boot, to show that the real
 * kernel_core works on the real machine: retype an endpoint, copy it,
 * revoke it, retype frames (also from device memory) and a CNode, revoke
 * the untypeds, and provoke four errors, one of them a cap fault.  Each invocation prints one line
 *
 *   <step> c<core> <label> 0x<cptr> <arg>=<value>... -> <result>
 *
 * and a result other than the expected one fails the run.  The freestanding
 * program executor replaces this file once it runs the scenario programs.
 */
#include <kmm/kernel.h>

#include "hal.h"
#include "x86.h"

#define ROOT_CNODE KMM_CAP_ROOT_CNODE
#define DEPTH      64
#define OK         KMM_OK
#define CAP_FAULT  (-1)
#define BAD_GUARD  (1ull << 63)  /* the root CNode's guard is 0 */

/* Argument names of the labels the program uses, for its lines. */
struct label_form {
	uint64_t label;
	const char *name;
	const char *words[6];
	const char *cap;
};

static const struct label_form forms[] = {
	{ KMM_UNTYPED_RETYPE, "untyped_retype",
	  { "type", "size_bits", "index", "depth", "offset", "count" }, "root" },
	{ KMM_CNODE_COPY, "cnode_copy",
	  { "dest", "dest_depth", "src", "src_depth", "rights" }, "src_root" },
	{ KMM_CNODE_REVOKE, "cnode_revoke", { "index", "depth" }, 0 },
	{ KMM_CNODE_DELETE, "cnode_delete", { "index", "depth" }, 0 },
};

static const char *const error_names[KMM_ERROR_COUNT] = {
	"ok", "invalid_argument", "invalid_capability", "illegal_operation",
	"range_error", "alignment_error", "failed_lookup", "truncated_message",
	"delete_first", "revoke_first", "not_enough_memory",
};

static uint64_t root_tcb;
static unsigned step;

static const struct label_form *form_of(uint64_t label)
{
	for (unsigned i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (forms[i].label == label)
			return &forms[i];
	return 0;
}

static void print_call(const struct kmm_msg *m)
{
	const struct label_form *f = form_of(m->label);

	kprintf("%u c%u %s 0x%lx", step, hal_core_id(), f->name, m->cptr);
	for (unsigned i = 0; i < m->nwords && f->words[i]; i++)
		kprintf(" %s=%lu", f->words[i], m->words[i]);
	if (m->ncaps)
		kprintf(" %s=0x%lx", f->cap, m->caps[0]);
}

/* Print the result; return its code: an error, or CAP_FAULT. */
static int print_result(const struct kmm_result *r)
{
	if (r->kind == KMM_RESULT_CAP_FAULT) {
		kprintf(" -> cap_fault which=%lu kind=%lu\n", r->detail[0], r->detail[1]);
		return CAP_FAULT;
	}
	if (r->kind != KMM_RESULT_REPLY) {
		kprintf(" -> result kind %u\n", (unsigned)r->kind);
		return CAP_FAULT - 1;
	}
	kprintf(" -> %s\n", r->error < KMM_ERROR_COUNT ? error_names[r->error] : "?");
	return (int)r->error;
}

/* Issue m as the root thread (again while preempted); true if it gave want. */
static bool call(const struct kmm_msg *m, int want)
{
	struct kmm_result r;
	int got;

	step++;
	while (kmm_invoke(root_tcb, m, &r) == KMM_RESULT_PREEMPTED)
		;
	print_call(m);
	got = print_result(&r);
	if (got != want)
		kprintf("kmm: smoke: step %u: unexpected result\n", step);
	return got == want;
}

static bool retype(uint64_t ut, enum kmm_object_type type, uint64_t bits, uint64_t slot,
		   int want)
{
	struct kmm_msg m = { .cptr = ut, .label = KMM_UNTYPED_RETYPE, .nwords = 6, .ncaps = 1,
			     .words = { type, bits, 0, 0, slot, 1 }, .caps = { ROOT_CNODE } };

	return call(&m, want);
}

static bool copy(uint64_t dest, uint64_t src, int want)
{
	struct kmm_msg m = { .cptr = ROOT_CNODE, .label = KMM_CNODE_COPY, .nwords = 5,
			     .ncaps = 1, .words = { dest, DEPTH, src, DEPTH, KMM_RIGHTS_ALL },
			     .caps = { ROOT_CNODE } };

	return call(&m, want);
}

static bool on_slot(uint64_t label, uint64_t slot, int want)
{
	struct kmm_msg m = { .cptr = ROOT_CNODE, .label = label, .nwords = 2,
			     .words = { slot, DEPTH } };

	return call(&m, want);
}

/* Is the root CNode's slot empty, as it should be? */
static bool expect_empty(uint64_t slot)
{
	struct kmm_cap_info info;
	bool empty = kmm_inspect_cptr(root_tcb, slot, &info) && info.type == KMM_CAP_TYPE_NULL;

	kprintf("check 0x%lx empty -> %s\n", slot, empty ? "yes" : "no");
	return empty;
}

/* The boot untyped to use: the smallest RAM one of at least 64 KiB. */
static int pick_untyped(const struct kmm_bootinfo *bi, bool device)
{
	int best = -1;

	for (unsigned i = 0; i < bi->untyped_count; i++) {
		const struct kmm_boot_untyped *u = &bi->untyped[i];

		if (u->is_device != device || (!device && u->size_bits < 16))
			continue;
		if (best < 0 || u->size_bits < bi->untyped[best].size_bits)
			best = (int)i;
	}
	return best;
}

/*
 * Run the program as the root thread of the booted kernel.  Returns true
 * if every invocation gave its expected result.
 */
bool smoke_run(void)
{
	const struct kmm_bootinfo *bi = kmm_bootinfo();
	int ram = pick_untyped(bi, false), dev = pick_untyped(bi, true);
	uint64_t ut, dut, e = bi->empty_first;
	bool ok = true;

	if (ram < 0 || dev < 0) {
		kprintf("kmm: smoke: no suitable untyped\n");
		return false;
	}
	ut = bi->untyped_first + (unsigned)ram;
	dut = bi->untyped_first + (unsigned)dev;
	root_tcb = bi->root_tcb;
	step = 0;
	ok &= retype(ut, KMM_OBJ_ENDPOINT, 0, e, OK);
	ok &= copy(e + 1, e, OK);
	ok &= retype(ut, KMM_OBJ_ENDPOINT, 0, e, KMM_DELETE_FIRST);
	ok &= retype(ut, KMM_OBJ_4K_PAGE, 0, e + 2, OK);
	ok &= retype(ut, KMM_OBJ_CNODE, 4, e + 3, OK);
	ok &= retype(dut, KMM_OBJ_ENDPOINT, 0, e + 5, KMM_INVALID_ARGUMENT);
	ok &= retype(dut, KMM_OBJ_4K_PAGE, 0, e + 4, OK);
	ok &= on_slot(KMM_CNODE_REVOKE, e, OK);
	ok &= expect_empty(e + 1);
	ok &= on_slot(KMM_CNODE_DELETE, e, OK);
	ok &= on_slot(KMM_CNODE_REVOKE, ut, OK);
	ok &= expect_empty(e + 2);
	ok &= expect_empty(e + 3);
	ok &= on_slot(KMM_CNODE_REVOKE, dut, OK);
	ok &= expect_empty(e + 4);
	ok &= retype(e, KMM_OBJ_ENDPOINT, 0, e + 6, KMM_INVALID_CAPABILITY);
	ok &= retype(BAD_GUARD | ut, KMM_OBJ_ENDPOINT, 0, e + 6, CAP_FAULT);
	return ok;
}

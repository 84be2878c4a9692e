/*
 * The program format and the trace text (sim/program.h, sim/trace.h),
 * without the kernel: ops survive encoding and decoding exactly, a
 * truncated or corrupt stream is reported as malformed and never read
 * past its end, and results and ops print in the scenario syntax.  And
 * the executor's report of a stale translation, from a fake MMU.
 */
#include <check.h>
#include <string.h>

#include "exec.h"
#include "program.h"
#include "syntax.h"
#include "trace.h"

static uint64_t rng = 42;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random valid op of any kind. */
static struct prog_op random_op(void)
{
	struct prog_op op;

	memset(&op, 0, sizeof op);
	op.kind = (uint8_t)(PROG_INVOKE + next() % (PROG_KIND_END - PROG_INVOKE));
	op.core = (uint8_t)(next() % PROG_MAX_CORES);
	op.line = (uint32_t)next();
	op.cptr = next();
	op.arg = op.kind == PROG_PREEMPT ? next() : 0;
	if (op.kind == PROG_INVOKE) {
		op.label = next() % 40;
		op.raw = next() & 1;
		op.nwords = (uint8_t)(next() % (KMM_MSG_MAX_WORDS + 1));
		op.ncaps = (uint8_t)(next() % (KMM_MSG_MAX_CAPS + 1));
		op.send_words = (uint8_t)(next() % (KMM_MSG_MAX_WORDS + 1));
		op.send_caps = (uint8_t)(next() % (KMM_MSG_MAX_CAPS + 1));
		for (unsigned i = 0; i < op.nwords; i++)
			op.words[i] = next();
		for (unsigned i = 0; i < op.ncaps; i++)
			op.caps[i] = next();
		op.expect.kind = (uint8_t)(next() % PROG_EXPECT_KIND_END);
		op.expect.error = (uint8_t)(next() % KMM_ERROR_COUNT);
		op.expect.exact = next() & 1;
		op.expect.ndetail = op.expect.exact ? (uint8_t)(next() % 6) : 0;
		for (unsigned i = 0; i < op.expect.ndetail; i++)
			op.expect.detail[i] = next();
		op.expect.check_restarts = next() & 1;
		op.expect.restarts = op.expect.check_restarts ? next() : 0;
	} else if (op.kind == PROG_ACCESS) {
		op.access = (uint8_t)(next() % PROG_ACCESS_END);
		op.size = (uint8_t)(1u << (next() % 4));
		op.vaddr = next();
		op.value = next();
		op.expect.kind = (uint8_t)(next() % PROG_EXPECT_KIND_END);
		op.expect.exact = next() & 1;
		op.expect.ndetail = op.expect.exact ? (uint8_t)(next() % 6) : 0;
		for (unsigned i = 0; i < op.expect.ndetail; i++)
			op.expect.detail[i] = next();
	} else if (op.kind == PROG_ASSERT_CAP || op.kind == PROG_ASSERT_OBJECTS ||
		   op.kind == PROG_ASSERT_MEMORY || op.kind == PROG_ASSERT_PTE ||
		   op.kind == PROG_ASSERT_TLB || op.kind == PROG_ASSERT_RUNNING) {
		op.npairs = (uint8_t)(next() % (PROG_MAX_PAIRS + 1));
		for (unsigned i = 0; i < op.npairs; i++)
			op.pairs[i] = (struct prog_pair){ (uint32_t)next(), next() };
	}
	if (op.kind == PROG_CHECK || op.kind == PROG_DUMP || op.kind == PROG_PREEMPT ||
	    op.kind == PROG_BARRIER ||
	    op.kind == PROG_ASSERT_OBJECTS || op.kind == PROG_ACCESS ||
	    op.kind == PROG_ASSERT_TLB || op.kind == PROG_ASSERT_RUNNING)
		op.cptr = 0;
	return op;
}

static void assert_same(const struct prog_op *a, const struct prog_op *b)
{
	ck_assert_uint_eq(a->kind, b->kind);
	ck_assert_uint_eq(a->core, b->core);
	ck_assert_uint_eq(a->line, b->line);
	ck_assert_uint_eq(a->cptr, b->cptr);
	ck_assert_uint_eq(a->arg, b->arg);
	ck_assert_uint_eq(a->label, b->label);
	ck_assert_uint_eq(a->access, b->access);
	ck_assert_uint_eq(a->size, b->size);
	ck_assert_uint_eq(a->vaddr, b->vaddr);
	ck_assert_uint_eq(a->value, b->value);
	ck_assert_int_eq(a->raw, b->raw);
	ck_assert_uint_eq(a->send_words, b->send_words);
	ck_assert_uint_eq(a->send_caps, b->send_caps);
	ck_assert_mem_eq(a->words, b->words, a->nwords * sizeof a->words[0]);
	ck_assert_mem_eq(a->caps, b->caps, a->ncaps * sizeof a->caps[0]);
	ck_assert_uint_eq(a->expect.kind, b->expect.kind);
	ck_assert_uint_eq(a->expect.error, b->expect.error);
	ck_assert_uint_eq(a->expect.ndetail, b->expect.ndetail);
	ck_assert_mem_eq(a->expect.detail, b->expect.detail, a->expect.ndetail * 8);
	ck_assert_uint_eq(a->expect.restarts, b->expect.restarts);
	ck_assert_uint_eq(a->npairs, b->npairs);
	for (unsigned i = 0; i < a->npairs; i++) {
		ck_assert_uint_eq(a->pairs[i].key, b->pairs[i].key);
		ck_assert_uint_eq(a->pairs[i].value, b->pairs[i].value);
	}
}

#define NOPS 2000

START_TEST(ops_survive_encoding)
{
	static uint64_t code[NOPS * PROG_OP_MAX_WORDS];
	static struct prog_op ops[NOPS];
	struct prog_stream s = { code, 0, NOPS };
	struct prog_cursor c;
	struct prog_op op;

	for (unsigned i = 0; i < NOPS; i++) {
		ops[i] = random_op();
		ck_assert(prog_op_valid(&ops[i]));
		s.len += prog_encode(&ops[i], code + s.len);
	}
	prog_cursor_init(&c, &s);
	for (unsigned i = 0; i < NOPS; i++) {
		ck_assert_int_eq(prog_next(&c, &op), PROG_OK);
		assert_same(&ops[i], &op);
	}
	ck_assert_int_eq(prog_next(&c, &op), PROG_END);
}
END_TEST

START_TEST(truncated_streams_are_malformed)
{
	uint64_t code[PROG_OP_MAX_WORDS];
	struct prog_cursor c;
	struct prog_op op;

	for (unsigned n = 0; n < 200; n++) {
		struct prog_op o = random_op();
		size_t len = prog_encode(&o, code);

		for (size_t cut = 1; cut < len; cut++) {
			struct prog_stream s = { code, cut, 1 };

			prog_cursor_init(&c, &s);
			ck_assert_int_eq(prog_next(&c, &op), PROG_MALFORMED);
			ck_assert_uint_eq(c.pos, 0);
		}
	}
}
END_TEST

START_TEST(bad_headers_are_malformed)
{
	/* kind 0, pairs on a barrier, 15 words, pairs on a check, words on a dump */
	uint64_t bad[] = { 0, PROG_BARRIER | (1ull << 23), PROG_INVOKE | (15ull << 11),
			   PROG_CHECK | (1ull << 23),
			   PROG_DUMP | (1ull << 11) };
	struct prog_cursor c;
	struct prog_op op;

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t code[8] = { bad[i] };
		struct prog_stream s = { code, 8, 1 };

		prog_cursor_init(&c, &s);
		ck_assert_int_eq(prog_next(&c, &op), PROG_MALFORMED);
	}
}
END_TEST

static const char *result_text(enum kmm_result_kind kind, enum kmm_error err, unsigned n,
			       uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3, uint64_t d4)
{
	static char buf[128];
	struct kmm_result r = { kind, err, n, { d0, d1, d2, d3, d4 } };
	struct fmt f;

	fmt_init(&f, buf, sizeof buf);
	trace_result(&f, &r);
	return buf;
}

START_TEST(results_print_in_scenario_syntax)
{
	ck_assert_str_eq(result_text(KMM_RESULT_REPLY, KMM_OK, 0, 0, 0, 0, 0, 0), "ok");
	ck_assert_str_eq(result_text(KMM_RESULT_REPLY, KMM_DELETE_FIRST, 0, 0, 0, 0, 0, 0),
			 "DeleteFirst");
	ck_assert_str_eq(result_text(KMM_RESULT_REPLY, KMM_RANGE_ERROR, 2, 1, 256, 0, 0, 0),
			 "RangeError(1, 256)");
	ck_assert_str_eq(result_text(KMM_RESULT_REPLY, KMM_FAILED_LOOKUP, 3, 1, 2, 64, 0, 0),
			 "FailedLookup(1, MissingCapability, 64)");
	ck_assert_str_eq(result_text(KMM_RESULT_CAP_FAULT, 0, 5, 0, 4, 64, 0, 52),
			 "CapFault(0, GuardMismatch, 64, 0, 52)");
	ck_assert_str_eq(result_text(KMM_RESULT_PREEMPTED, 0, 0, 0, 0, 0, 0, 0), "preempted");
	ck_assert_str_eq(result_text(KMM_RESULT_REPLY, KMM_OK, 1, 0x4003000, 0, 0, 0, 0),
			 "ok(0x4003000)");
	ck_assert_str_eq(result_text(KMM_RESULT_VM_FAULT, 0, 3, 0x400000, KMM_ACCESS_WRITE,
				     KMM_FAULT_PROTECTION, 0, 0),
			 "VmFault(0x400000, Write, Protection)");
	ck_assert_str_eq(result_text(KMM_RESULT_NO_THREAD, 0, 0, 0, 0, 0, 0, 0), "NoThread");
}
END_TEST

START_TEST(ops_print_in_scenario_syntax)
{
	struct prog_op op;
	char buf[256];
	struct fmt f;

	memset(&op, 0, sizeof op);
	op.kind = PROG_INVOKE;
	op.label = KMM_CNODE_MINT;
	op.cptr = 2;
	op.nwords = 6;
	op.ncaps = 1;
	op.send_words = 3;
	op.send_caps = 1;
	memcpy(op.words, (uint64_t[]){ 0x20, 64, 0x1f, 64, KMM_RIGHT_READ | KMM_RIGHT_WRITE, 7 },
	       6 * sizeof(uint64_t));
	op.caps[0] = 2;
	fmt_init(&f, buf, sizeof buf);
	trace_op(&f, &op);
	ck_assert_str_eq(buf, "cnode_mint 0x2 dest=0x20 dest_depth=64 src=0x1f src_depth=64 "
			 "rights=RW badge=7 src_root=0x2 nwords=3");
	op.raw = true;
	op.nwords = op.send_words = 2;
	fmt_reset(&f);
	trace_op(&f, &op);
	ck_assert_str_eq(buf, "invoke 0x2 label=cnode_mint args=32,64 caps=0x2");
	memset(&op, 0, sizeof op);
	op.kind = PROG_ACCESS;
	op.access = PROG_ACCESS_WRITE;
	op.size = 8;
	op.vaddr = 0x400000;
	op.value = 0x2a;
	fmt_reset(&f);
	trace_op(&f, &op);
	ck_assert_str_eq(buf, "write 0x400000 value=0x2a size=8");
	memset(&op, 0, sizeof op);
	op.kind = PROG_INVOKE;
	op.label = KMM_X86_PAGE_MAP;
	op.cptr = 0x40;
	op.nwords = op.send_words = 3;
	op.ncaps = op.send_caps = 1;
	memcpy(op.words, (uint64_t[]){ 0x400000, KMM_RIGHT_READ, 1 }, 3 * sizeof(uint64_t));
	op.caps[0] = 3;
	fmt_reset(&f);
	trace_op(&f, &op);
	ck_assert_str_eq(buf, "x86_page_map 0x40 vaddr=0x400000 rights=R attr=write_through "
			 "vspace=0x3");
}
END_TEST

/* ---- the executor's stale-translation report, with a fake MMU ---- */

static char err_text[4096];
static size_t err_len;
static bool stale_scanned;

static void sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n > sizeof err_text - 1 - err_len)
		n = sizeof err_text - 1 - err_len;
	memcpy(err_text + err_len, s, n);
	err_len += n;
	err_text[err_len] = '\0';
}

static bool fake_stale(void *ctx, bool scan, struct exec_stale *out)
{
	bool *have = ctx;

	stale_scanned = scan;
	*out = (struct exec_stale){ .core = 0, .asid = 1, .level = 3, .vaddr = 0x400000,
				    .frame = 0x4003000, .recorded_gen = 3, .current_gen = 4,
				    .at_access = true };
	return *have;
}

static enum exec_status finish_with_stale(bool have)
{
	static struct exec x;
	struct exec_config c = { .check = EXEC_CHECK_OFF, .file = "t.kmm" };

	c.io = (struct exec_io){ sink, sink, NULL, NULL, &have, { 0 }, NULL, NULL, NULL, NULL };
	c.io.mmu.stale = fake_stale;
	err_len = 0;
	err_text[0] = '\0';
	exec_init(&x, &c);
	return exec_finish(&x);
}

START_TEST(stale_translations_are_violations)
{
	ck_assert_int_eq(finish_with_stale(false), EXEC_OK);
	ck_assert_uint_eq(err_len, 0);
	ck_assert_int_eq(finish_with_stale(true), EXEC_FAIL_VIOLATION);
	/* With checking off only the accesses' record counts: no TLB scan. */
	ck_assert(!stale_scanned);
	ck_assert_ptr_nonnull(strstr(err_text, "t.kmm: end of run: invariant 4.tlb.stale "
				     "violated at step 0: core 0 asid 1 vaddr 0x400000 -> frame "
				     "0x4003000 (4K page): generation 3 at fill, 4 now; the "
				     "generation test fired"));
	ck_assert_ptr_nonnull(strstr(err_text, "a user access used it"));
	ck_assert_ptr_nonnull(strstr(err_text, "last 0 trace lines:"));
}
END_TEST

START_TEST(fmt_truncates_safely)
{
	char buf[8];
	struct fmt f;

	fmt_init(&f, buf, sizeof buf);
	fmt_str(&f, "0123456789");
	ck_assert(f.truncated);
	ck_assert_str_eq(buf, "0123456");
	fmt_reset(&f);
	fmt_hex(&f, 0xabc);
	ck_assert_str_eq(buf, "0xabc");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("program");
	TCase *t = tcase_create("program");

	tcase_add_test(t, ops_survive_encoding);
	tcase_add_test(t, truncated_streams_are_malformed);
	tcase_add_test(t, bad_headers_are_malformed);
	tcase_add_test(t, results_print_in_scenario_syntax);
	tcase_add_test(t, ops_print_in_scenario_syntax);
	tcase_add_test(t, fmt_truncates_safely);
	tcase_add_test(t, stale_translations_are_violations);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	int failed;

	srunner_run_all(r, CK_ENV);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? 0 : 1;
}

/*
 * The syntax tables (see syntax.h).  Word order follows the reference:
 * retype a.2, CNode copy/mint/move/mutate b.3, rotate b.4, the slot
 * operations b.5, the x86 VSpace calls c.3 to c.5 and TCB_Configure
 * (kernel_core/object/tcb.c).  Root caps default to the root CNode.
 */
#include <kmm/kernel.h>

#include "names.h"
#include "syntax.h"

#define K(n, f) { n, f, true, 0 }
#define D(n, f, d) { n, f, false, d }
#define ROOT(n) D(n, SYN_HEX, KMM_CAP_ROOT_CNODE)
#define NONE { { 0 } }
/* Paging-structure Map (c.4): vaddr, attr; the vspace is extra cap 0. */
#define TABLE_MAP(name, label) \
	{ name, label, 2, 1, { K("vaddr", SYN_HEX), D("attr", SYN_ATTR, 0) }, \
	  { K("vspace", SYN_HEX) } }
#define NO_ARGS(name, label) { name, label, 0, 0, NONE, NONE }

static const struct syntax_op ops[] = {
	{ "untyped_retype", KMM_UNTYPED_RETYPE, 6, 1,
	  { K("type", SYN_OBJECT_TYPE), D("size", SYN_DEC, 0),
	    D("index", SYN_HEX, 0), D("depth", SYN_DEC, 0),
	    K("offset", SYN_HEX), D("count", SYN_DEC, 1) },
	  { ROOT("root") } },
	{ "cnode_copy", KMM_CNODE_COPY, 5, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("rights", SYN_RIGHTS, KMM_RIGHTS_ALL) },
	  { ROOT("src_root") } },
	{ "cnode_mint", KMM_CNODE_MINT, 6, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("rights", SYN_RIGHTS, KMM_RIGHTS_ALL),
	    D("badge", SYN_DEC, 0) },
	  { ROOT("src_root") } },
	{ "cnode_move", KMM_CNODE_MOVE, 4, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64) },
	  { ROOT("src_root") } },
	{ "cnode_mutate", KMM_CNODE_MUTATE, 5, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("data", SYN_DEC, 0) },
	  { ROOT("src_root") } },
	{ "cnode_rotate", KMM_CNODE_ROTATE, 8, 2,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64),
	    K("dest_data", SYN_DEC), K("pivot", SYN_HEX),
	    D("pivot_depth", SYN_DEC, 64), K("pivot_data", SYN_DEC),
	    K("src", SYN_HEX), D("src_depth", SYN_DEC, 64) },
	  { ROOT("pivot_root"), ROOT("src_root") } },
	{ "cnode_delete", KMM_CNODE_DELETE, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, NONE },
	{ "cnode_revoke", KMM_CNODE_REVOKE, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, NONE },
	{ "cnode_save_caller", KMM_CNODE_SAVE_CALLER, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, NONE },
	{ "cnode_cancel_badged_sends", KMM_CNODE_CANCEL_BADGED_SENDS, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, NONE },
	{ "tcb_configure", KMM_TCB_CONFIGURE, 2, 2,
	  { D("cspace_data", SYN_DEC, 0), D("vspace_data", SYN_DEC, 0) },
	  { K("cspace", SYN_HEX), K("vspace", SYN_HEX) } },
	TABLE_MAP("x86_pdpt_map", KMM_X86_PDPT_MAP),
	NO_ARGS("x86_pdpt_unmap", KMM_X86_PDPT_UNMAP),
	TABLE_MAP("x86_page_directory_map", KMM_X86_PAGE_DIRECTORY_MAP),
	NO_ARGS("x86_page_directory_unmap", KMM_X86_PAGE_DIRECTORY_UNMAP),
	TABLE_MAP("x86_page_table_map", KMM_X86_PAGE_TABLE_MAP),
	NO_ARGS("x86_page_table_unmap", KMM_X86_PAGE_TABLE_UNMAP),
	{ "x86_page_map", KMM_X86_PAGE_MAP, 3, 1,
	  { K("vaddr", SYN_HEX), D("rights", SYN_RIGHTS, KMM_RIGHTS_ALL),
	    D("attr", SYN_ATTR, 0) },
	  { K("vspace", SYN_HEX) } },
	NO_ARGS("x86_page_unmap", KMM_X86_PAGE_UNMAP),
	NO_ARGS("x86_page_get_address", KMM_X86_PAGE_GET_ADDRESS),
	{ "asid_control_make_pool", KMM_X86_ASID_CONTROL_MAKE_POOL, 2, 2,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64) },
	  { K("untyped", SYN_HEX), ROOT("root") } },
	{ "asid_pool_assign", KMM_X86_ASID_POOL_ASSIGN, 0, 1, NONE,
	  { K("vspace", SYN_HEX) } },
};

static const struct syntax_key assert_keys[PROG_KEY_COUNT] = {
	[PROG_KEY_TYPE] = K("type", SYN_CAP_TYPE),
	[PROG_KEY_BADGE] = K("badge", SYN_DEC),
	[PROG_KEY_RIGHTS] = K("rights", SYN_RIGHTS),
	[PROG_KEY_VM_RIGHTS] = K("vm_rights", SYN_VM_RIGHTS),
	[PROG_KEY_WATERMARK] = K("watermark", SYN_DEC),
	[PROG_KEY_FREE_INDEX] = K("free_index", SYN_DEC),
	[PROG_KEY_SIZE_BITS] = K("size_bits", SYN_DEC),
	[PROG_KEY_PADDR] = K("paddr", SYN_HEX),
	[PROG_KEY_DEVICE] = K("device", SYN_BOOL),
	[PROG_KEY_RADIX] = K("radix", SYN_DEC),
	[PROG_KEY_GUARD] = K("guard", SYN_DEC),
	[PROG_KEY_GUARD_SIZE] = K("guard_size", SYN_DEC),
	[PROG_KEY_REVOCABLE] = K("revocable", SYN_BOOL),
	[PROG_KEY_FIRST_BADGED] = K("first_badged", SYN_BOOL),
	[PROG_KEY_PARENT] = K("parent", SYN_HEX),
	[PROG_KEY_NO_PARENT] = K("parent", SYN_HEX),
	[PROG_KEY_OFFSET] = K("offset", SYN_DEC),
	[PROG_KEY_LEN] = K("len", SYN_DEC),
	[PROG_KEY_ZERO] = K("zero", SYN_BOOL),
	[PROG_KEY_MAPPED] = K("mapped", SYN_BOOL),
	[PROG_KEY_ASID] = K("asid", SYN_DEC),
	[PROG_KEY_VADDR] = K("vaddr", SYN_HEX),
	[PROG_KEY_PRESENT] = K("present", SYN_BOOL),
	[PROG_KEY_LEVEL] = K("level", SYN_DEC),
	[PROG_KEY_WRITABLE] = K("writable", SYN_BOOL),
	[PROG_KEY_USER] = K("user", SYN_BOOL),
	[PROG_KEY_ACCESSED] = K("accessed", SYN_BOOL),
	[PROG_KEY_DIRTY] = K("dirty", SYN_BOOL),
	[PROG_KEY_LARGE] = K("large", SYN_BOOL),
	[PROG_KEY_NX] = K("nx", SYN_BOOL),
	[PROG_KEY_CORE] = K("core", SYN_DEC),
	[PROG_KEY_CACHED] = K("cached", SYN_BOOL),
	[PROG_KEY_TCB] = K("tcb", SYN_HEX),
	[PROG_KEY_NO_TCB] = K("tcb", SYN_HEX),
};

/* An assertion's keys, each given at most once (+ a default core), fit in an op. */
_Static_assert(SYNTAX_MAX_ASSERT_KEYS + 1 <= PROG_MAX_PAIRS, "assert keys fit in pairs[]");
_Static_assert(KMM_CAP_TYPE_COUNT <= PROG_MAX_PAIRS, "assert objects fits in pairs[]");

/* Bit i of `required`: key[i] must be given. */
#define REQ(i) (1u << (i))

static const struct syntax_assert asserts[] = {
	{ "assert CPTR", PROG_ASSERT_CAP, 18,
	  { PROG_KEY_TYPE, PROG_KEY_BADGE, PROG_KEY_RIGHTS, PROG_KEY_VM_RIGHTS,
	    PROG_KEY_WATERMARK, PROG_KEY_FREE_INDEX, PROG_KEY_SIZE_BITS, PROG_KEY_PADDR,
	    PROG_KEY_DEVICE, PROG_KEY_RADIX, PROG_KEY_GUARD, PROG_KEY_GUARD_SIZE,
	    PROG_KEY_REVOCABLE, PROG_KEY_FIRST_BADGED, PROG_KEY_PARENT, PROG_KEY_MAPPED,
	    PROG_KEY_ASID, PROG_KEY_VADDR },
	  0 },
	{ "assert memory", PROG_ASSERT_MEMORY, 3,
	  { PROG_KEY_OFFSET, PROG_KEY_LEN, PROG_KEY_ZERO }, 0 },
	{ "assert pte", PROG_ASSERT_PTE, 10,
	  { PROG_KEY_VADDR, PROG_KEY_PRESENT, PROG_KEY_LEVEL, PROG_KEY_PADDR,
	    PROG_KEY_WRITABLE, PROG_KEY_USER, PROG_KEY_ACCESSED, PROG_KEY_DIRTY,
	    PROG_KEY_LARGE, PROG_KEY_NX },
	  REQ(0) },
	{ "assert tlb", PROG_ASSERT_TLB, 4,
	  { PROG_KEY_CORE, PROG_KEY_VADDR, PROG_KEY_ASID, PROG_KEY_CACHED }, REQ(1) | REQ(3) },
	{ "assert running", PROG_ASSERT_RUNNING, 2, { PROG_KEY_CORE, PROG_KEY_TCB }, REQ(1) },
};

const struct syntax_op *syntax_for_label(uint64_t label)
{
	for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (ops[i].label == label)
			return &ops[i];
	}
	return NULL;
}

const struct syntax_op *syntax_for_name(const char *s, size_t len)
{
	for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (names_same(ops[i].name, s, len))
			return &ops[i];
	}
	return NULL;
}

const struct syntax_key *syntax_assert_key(unsigned key)
{
	if (key >= PROG_KEY_COUNT)
		return NULL;
	return &assert_keys[key];
}

const struct syntax_assert *syntax_assert_for(unsigned kind)
{
	for (unsigned i = 0; i < sizeof asserts / sizeof asserts[0]; i++) {
		if (asserts[i].kind == kind)
			return &asserts[i];
	}
	return NULL;
}

unsigned syntax_detail_fmt(unsigned kind, unsigned error, unsigned i)
{
	static const uint8_t vm_fault[] = { SYN_HEX, SYN_ACCESS, SYN_FAULT_REASON };

	switch (kind) {
	case PROG_EXPECT_REPLY:
		if (error == KMM_OK)
			return SYN_HEX;
		return error == KMM_FAILED_LOOKUP && i == 1 ? SYN_LOOKUP : SYN_DEC;
	case PROG_EXPECT_CAP_FAULT:
		return i == 1 ? SYN_LOOKUP : SYN_DEC;
	case PROG_EXPECT_VM_FAULT:
		return i < sizeof vm_fault ? vm_fault[i] : SYN_DEC;
	case PROG_EXPECT_VALUE:
		return SYN_HEX;
	}
	return SYN_DEC;
}

/*
 * The syntax tables (see syntax.h).  Word order follows the reference:
 * retype a.2, CNode copy/mint/move/mutate b.3, rotate b.4, the slot
 * operations b.5.  Root caps default to the root CNode.
 */
#include "syntax.h"

#define K(n, f) { n, f, true, 0 }
#define D(n, f, d) { n, f, false, d }
#define ROOT(n) D(n, SYN_HEX, KMM_CAP_ROOT_CNODE)

static const struct syntax_op ops[] = {
	{ KMM_UNTYPED_RETYPE, 6, 1,
	  { K("type", SYN_OBJECT_TYPE), D("size", SYN_DEC, 0),
	    D("index", SYN_HEX, 0), D("depth", SYN_DEC, 0),
	    K("offset", SYN_HEX), D("count", SYN_DEC, 1) },
	  { ROOT("root") } },
	{ KMM_CNODE_COPY, 5, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("rights", SYN_RIGHTS, KMM_RIGHTS_ALL) },
	  { ROOT("src_root") } },
	{ KMM_CNODE_MINT, 6, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("rights", SYN_RIGHTS, KMM_RIGHTS_ALL),
	    D("badge", SYN_DEC, 0) },
	  { ROOT("src_root") } },
	{ KMM_CNODE_MOVE, 4, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64) },
	  { ROOT("src_root") } },
	{ KMM_CNODE_MUTATE, 5, 1,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64), K("src", SYN_HEX),
	    D("src_depth", SYN_DEC, 64), D("data", SYN_DEC, 0) },
	  { ROOT("src_root") } },
	{ KMM_CNODE_ROTATE, 8, 2,
	  { K("dest", SYN_HEX), D("dest_depth", SYN_DEC, 64),
	    K("dest_data", SYN_DEC), K("pivot", SYN_HEX),
	    D("pivot_depth", SYN_DEC, 64), K("pivot_data", SYN_DEC),
	    K("src", SYN_HEX), D("src_depth", SYN_DEC, 64) },
	  { ROOT("pivot_root"), ROOT("src_root") } },
	{ KMM_CNODE_DELETE, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, { { 0 } } },
	{ KMM_CNODE_REVOKE, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, { { 0 } } },
	{ KMM_CNODE_SAVE_CALLER, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, { { 0 } } },
	{ KMM_CNODE_CANCEL_BADGED_SENDS, 2, 0,
	  { K("slot", SYN_HEX), D("depth", SYN_DEC, 64) }, { { 0 } } },
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
};

const struct syntax_op *syntax_for_label(uint64_t label)
{
	for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (ops[i].label == label)
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

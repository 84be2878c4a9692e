/*
 * Programs: what the executor runs, whoever wrote them.
 *
 * One representation serves three front ends: the scenario parser (text),
 * the fuzz harness (bytes) and the x86 image (embedded).  An operation is
 * a `struct prog_op`, a plain fixed-size value: an invocation (label,
 * cptr, message words and extra caps, an optional expected result), an
 * assertion about kernel state, `check`, `dump` or `preempt after N`.
 *
 * A thread switch (`run`) and a user-mode memory access (`read`,
 * `write`) are ops too, as are the assertions about page tables, TLBs
 * and which thread runs.
 *
 * A program keeps one stream of operations per core.  A stream stores its
 * ops compactly encoded as 64-bit words (an invocation costs its header,
 * label, cptr and the words it sends, ~70 bytes, so a 100 000-op scenario
 * is a few MiB, and a stream can be a `static const` array in an image).
 * prog_encode() appends an op; prog_next() decodes the next one, checking
 * every field, so a corrupt stream is reported, never run.
 *
 * Freestanding: no libc, no allocation.  The caller owns all memory.
 */
#ifndef KMM_SIM_PROGRAM_H
#define KMM_SIM_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kmm/abi.h>

#define PROG_MAX_CORES 64
#define PROG_MAX_PAIRS 24   /* npairs is kept in 5 bits */
/* Most ops one program may hold after repeats are expanded. */
#define PROG_MAX_OPS   50000000ull
/* Most encoded words one op needs (prog_encode writes at most this many). */
#define PROG_OP_MAX_WORDS (4 + KMM_MSG_MAX_WORDS + KMM_MSG_MAX_CAPS + 1 + \
			   KMM_RESULT_MAX_DETAIL + 1 + 2 * PROG_MAX_PAIRS)

enum prog_kind {
	PROG_INVOKE = 1,        /* send a message to cptr */
	PROG_ASSERT_EMPTY,      /* the slot cptr names is empty */
	PROG_ASSERT_CAP,        /* the cap at cptr has pairs[] (prog_key = value) */
	PROG_ASSERT_OBJECTS,    /* pairs[]: cap type = live object count */
	PROG_ASSERT_MEMORY,     /* pairs[] OFFSET, LEN, ZERO of the object at cptr */
	PROG_CHECK,             /* run the full invariant check now */
	PROG_DUMP,              /* print the derivation tree */
	PROG_PREEMPT,           /* interrupt at the arg-th preemption check from now */
	PROG_RUN,               /* run the TCB cptr names (root CSpace) on the op's core */
	PROG_ACCESS,            /* a user access: access, size, vaddr, value (write) */
	PROG_ASSERT_PTE,        /* pairs[] about the entry for VADDR in the PML4 at cptr */
	PROG_ASSERT_TLB,        /* pairs[] CORE, VADDR, ASID, CACHED */
	PROG_ASSERT_RUNNING,    /* pairs[] CORE, TCB (a cptr) or NO_TCB */
	PROG_MODEL_PERTURB,     /* change the reference model only (cptr): proves it compares */
	PROG_BARRIER,           /* wait until every core reaches its matching barrier */
	PROG_KIND_END           /* (the header keeps kinds in 4 bits: values up to 15) */
};

/* PROG_ACCESS: what the access does (the values of enum kmm_fault_access). */
enum prog_access {
	PROG_ACCESS_READ = 0,
	PROG_ACCESS_WRITE = 1,
	PROG_ACCESS_END
};

/*
 * PROG_EXPECT_NONE, 1 + the enum kmm_result_kind expected, or VALUE: a
 * read that succeeds with the value detail[0].
 */
enum prog_expect_kind {
	PROG_EXPECT_NONE = 0,      /* any result is fine */
	PROG_EXPECT_REPLY,         /* a reply with error code `error` */
	PROG_EXPECT_CAP_FAULT,     /* a cap fault */
	PROG_EXPECT_PREEMPTED,     /* (never completes; not written in scenarios) */
	PROG_EXPECT_VM_FAULT,      /* a user access fault */
	PROG_EXPECT_NO_THREAD,     /* the caller is not running */
	PROG_EXPECT_VALUE,         /* a read gives detail[0] (exact, ndetail 1) */
	PROG_EXPECT_KIND_END       /* (kinds are kept in 3 bits: at most 8) */
};

struct prog_expect {
	uint8_t kind;           /* enum prog_expect_kind */
	uint8_t error;          /* REPLY: enum kmm_error */
	uint8_t ndetail;        /* exact: number of detail words */
	bool exact;             /* the detail words must equal detail[] */
	bool check_restarts;    /* the restart count must equal restarts */
	uint64_t restarts;
	uint64_t detail[KMM_RESULT_MAX_DETAIL];
};

/* Keys of assert pairs. */
enum prog_key {
	PROG_KEY_TYPE = 0,      /* enum kmm_cap_type */
	PROG_KEY_BADGE,
	PROG_KEY_RIGHTS,
	PROG_KEY_VM_RIGHTS,
	PROG_KEY_WATERMARK,     /* bytes: 16 * free_index */
	PROG_KEY_FREE_INDEX,
	PROG_KEY_SIZE_BITS,
	PROG_KEY_PADDR,
	PROG_KEY_DEVICE,        /* 0 or 1 */
	PROG_KEY_RADIX,
	PROG_KEY_GUARD,
	PROG_KEY_GUARD_SIZE,
	PROG_KEY_REVOCABLE,     /* 0 or 1 */
	PROG_KEY_FIRST_BADGED,  /* 0 or 1 */
	PROG_KEY_PARENT,        /* value: cptr of the parent cap */
	PROG_KEY_NO_PARENT,     /* value unused: the cap has no parent */
	PROG_KEY_OFFSET,        /* assert memory */
	PROG_KEY_LEN,
	PROG_KEY_ZERO,          /* 1: all bytes zero; 0: some byte is not */
	PROG_KEY_MAPPED,        /* assert cap: records a mapping (pml4: has an ASID) */
	PROG_KEY_ASID,          /* assert cap: the recorded ASID; assert tlb: the tag */
	PROG_KEY_VADDR,         /* assert cap: recorded vaddr; pte, tlb: the address */
	PROG_KEY_PRESENT,       /* assert pte: the fields of the deciding entry */
	PROG_KEY_LEVEL,
	PROG_KEY_WRITABLE,
	PROG_KEY_USER,
	PROG_KEY_ACCESSED,
	PROG_KEY_DIRTY,
	PROG_KEY_LARGE,
	PROG_KEY_NX,
	PROG_KEY_CORE,          /* assert tlb, running: which core */
	PROG_KEY_CACHED,        /* assert tlb: 1: an entry covers vaddr; 0: none */
	PROG_KEY_TCB,           /* assert running: value: cptr of the TCB */
	PROG_KEY_NO_TCB,        /* value unused: the core runs no thread */
	PROG_KEY_COUNT
};

struct prog_pair {
	uint32_t key;           /* enum prog_key, or a cap type for ASSERT_OBJECTS */
	uint64_t value;
};

struct prog_op {
	uint8_t kind;           /* enum prog_kind */
	uint8_t core;           /* 0 .. PROG_MAX_CORES - 1 */
	bool raw;               /* INVOKE written as `invoke CPTR label=...` */
	uint8_t nwords, ncaps;  /* INVOKE: words[] and caps[] built */
	uint8_t send_words;     /* INVOKE: how many of the words to send */
	uint8_t send_caps;
	uint8_t npairs;
	uint32_t line;          /* source line for messages; 0: none */
	uint64_t label;
	uint64_t cptr;
	uint64_t arg;           /* PREEMPT: N */
	uint8_t access;         /* ACCESS: enum prog_access */
	uint8_t size;           /* ACCESS: 1, 2, 4 or 8 bytes */
	uint64_t vaddr;         /* ACCESS: the first byte */
	uint64_t value;         /* ACCESS: what a write stores */
	uint64_t words[KMM_MSG_MAX_WORDS];
	uint64_t caps[KMM_MSG_MAX_CAPS];
	struct prog_expect expect;
	struct prog_pair pairs[PROG_MAX_PAIRS];
};

/* One core's ops, encoded. */
struct prog_stream {
	const uint64_t *code;
	size_t len;             /* words */
	uint64_t nops;
};

struct prog {
	const char *name;       /* for messages: the scenario file, say */
	struct prog_stream core[PROG_MAX_CORES];
};

struct prog_cursor {
	const struct prog_stream *stream;
	size_t pos;
};

enum prog_status {
	PROG_OK = 0,
	PROG_END,               /* no more ops */
	PROG_MALFORMED          /* the stream is corrupt at pos */
};

/*
 * Is op well formed: kind and counts in range, no message fields (words,
 * caps), access fields or pairs on kinds that have none, and an access
 * of size 1, 2, 4 or 8 that expects no restarts?
 */
bool prog_op_valid(const struct prog_op *op);

/*
 * Encode a valid op into out[], which must have room for
 * PROG_OP_MAX_WORDS words; returns the number of words written.
 */
size_t prog_encode(const struct prog_op *op, uint64_t *out);

/* Start reading a stream from its first op. */
void prog_cursor_init(struct prog_cursor *c, const struct prog_stream *s);

/* Decode the next op into *op and advance; PROG_END at the end. */
enum prog_status prog_next(struct prog_cursor *c, struct prog_op *op);

/* Fill msg with what an INVOKE op sends. */
void prog_message(const struct prog_op *op, struct kmm_msg *msg);

#endif

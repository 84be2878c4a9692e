/*
 * The parsed form of a scenario, between the parser (parse.c, which
 * checks syntax and keys) and the expander (expand.c, which evaluates
 * expressions, unrolls repeats and builds program ops).  Expressions stay
 * unevaluated here because `$i` and the bootinfo names (ut0, first_free
 * ...) only get values during expansion.  Every node carries its line and
 * column for messages.  All nodes live in the scenario's arena.
 */
#ifndef KMM_SIM_AST_H
#define KMM_SIM_AST_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <kmm/abi.h>

struct srcpos {
	uint32_t line, col;
};

enum expr_kind {
	EX_NUM,       /* value */
	EX_NAME,      /* name */
	EX_INDEX,     /* $i $j $k: value = levels out from the innermost repeat */
	EX_BINARY     /* op: + - * | & or '<' for <<, '>' for >> */
};

struct expr {
	enum expr_kind kind;
	char op;
	struct srcpos pos;
	uint64_t value;
	const char *name;     /* NUL-terminated */
	struct expr *l, *r;
};

/* Where an invocation key's value goes. */
enum kv_slot_kind {
	KV_WORD,      /* message word `index` */
	KV_CAP,       /* extra cap `index` */
	KV_NWORDS,
	KV_NCAPS,
	KV_LABEL,     /* raw invoke */
	KV_ARGS,      /* raw invoke: a list of words */
	KV_CAPS,      /* raw invoke: a list of caps */
	KV_ASSERT,    /* assert key `index` (enum prog_key) */
	KV_OBJECTS,   /* assert objects: cap type `index` */
	KV_MACHINE,
	KV_SIZE,      /* read, write: bytes */
	KV_VALUE      /* write: the value (also written after the address) */
};

struct kv {
	const char *key;      /* NUL-terminated */
	struct srcpos pos;
	enum kv_slot_kind slot;
	unsigned index;
	uint8_t fmt;          /* enum syntax_fmt: which names the value may use */
	struct expr **vals;
	unsigned nvals;
};

struct ast_expect {
	struct srcpos pos;
	uint8_t kind;         /* enum prog_expect_kind */
	uint8_t error;
	bool exact;
	unsigned ndetail;
	struct expr *detail[KMM_RESULT_MAX_DETAIL];
	struct expr *restarts; /* NULL: not checked */
};

enum stmt_kind {
	ST_LET,
	ST_INVOKE,
	ST_ASSERT_EMPTY,
	ST_ASSERT_CAP,
	ST_ASSERT_OBJECTS,
	ST_ASSERT_MEMORY,
	ST_CHECK,
	ST_DUMP,
	ST_PREEMPT,
	ST_REPEAT,
	ST_CORE,
	ST_RUN,
	ST_ACCESS,           /* read, write */
	ST_ASSERT_PTE,
	ST_ASSERT_TLB,
	ST_ASSERT_RUNNING,
	ST_MODEL_PERTURB,    /* model_perturb CPTR */
	ST_BARRIER           /* barrier (top level: every core's stream) */
};

struct stmt;

struct block {
	struct stmt **items;
	unsigned n;
};

struct stmt {
	enum stmt_kind kind;
	struct srcpos pos;
	uint64_t label;        /* ST_INVOKE (raw: set from the label key) */
	bool raw;
	const char *name;      /* ST_LET */
	uint8_t access;        /* ST_ACCESS: enum prog_access */
	struct expr *e;        /* cptr; let value; repeat count; core; preempt N; vaddr */
	struct expr *value;    /* ST_ACCESS: what a write stores */
	struct kv *kvs;
	unsigned nkv;
	struct ast_expect *expect;
	struct block body;     /* ST_REPEAT, ST_CORE */
};

/* Most TLB entries per core (machine tlb=, --tlb-entries). */
#define SCN_MAX_TLB_ENTRIES 65536

/* The machine statement's values; has_* says which were given. */
struct scn_machine {
	uint64_t mem;
	uint64_t root_bits;
	uint64_t preempt_units;
	uint64_t cores;
	uint64_t scribble;     /* fill memory with this byte before boot */
	uint64_t check;        /* enum exec_check */
	uint64_t tlb_entries;  /* per core */
	bool has_mem, has_root_bits, has_preempt_units, has_cores, has_scribble;
	bool has_check, has_tlb_entries;
	bool model, has_model;  /* model=on|off */
	uint64_t preempt_rate;  /* multicore: one injected interrupt per N checks */
	bool has_preempt_rate;
};

struct scenario {
	char *file;
	char *text;            /* a private copy of the source */
	size_t len;
	GPtrArray *arena;      /* every node, freed together */
	struct scn_machine machine;
	struct block top;
};

/* Zeroed memory owned by sc's arena; and a NUL-terminated copy of s[0..n). */
void *ast_alloc(struct scenario *sc, size_t bytes);
char *ast_strndup(struct scenario *sc, const char *s, size_t n);

#endif

/*
 * The scenario syntax of each invocation and assertion key: which key
 * names which message word or extra cap, its default, and how its value
 * is printed.  The parser reads it to build messages from `key=value`
 * text and the trace reads it to print them back, so a trace line uses
 * exactly the scenario's words.  Freestanding.
 */
#ifndef KMM_SIM_SYNTAX_H
#define KMM_SIM_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kmm/abi.h>

#include "program.h"

/* How a value is written (and which names it may be given in text). */
enum syntax_fmt {
	SYN_DEC = 0,        /* decimal */
	SYN_HEX,            /* cptrs and addresses */
	SYN_OBJECT_TYPE,    /* object type name */
	SYN_CAP_TYPE,       /* cap type name */
	SYN_RIGHTS,         /* rights letters, all, none */
	SYN_VM_RIGHTS,      /* kernel_only read_only read_write */
	SYN_BOOL,           /* yes / no */
	SYN_LABEL,          /* invocation label name */
	SYN_ATTR,           /* x86 VM attributes: write_back ... write_combining */
	SYN_ACCESS,         /* fault access: Read Write Exec */
	SYN_FAULT_REASON,   /* fault reason: NotPresent Protection NonCanonical */
	SYN_LOOKUP          /* lookup-failure kind: InvalidRoot ... */
};

struct syntax_key {
	const char *name;   /* NULL: unused position */
	uint8_t fmt;        /* enum syntax_fmt */
	bool required;
	uint64_t dflt;
};

/* The named form of an invocation, e.g. `cnode_copy CPTR dest=... src=...`. */
struct syntax_op {
	const char *name;   /* the op word (mostly the label's name) */
	uint64_t label;
	uint8_t nwords, ncaps;
	struct syntax_key word[KMM_MSG_MAX_WORDS];
	struct syntax_key cap[KMM_MSG_MAX_CAPS];
};

/* The named syntax for label, or NULL if it is reachable only via `invoke`. */
const struct syntax_op *syntax_for_label(uint64_t label);

/* The named syntax whose op word is s[0..len), or NULL. */
const struct syntax_op *syntax_for_name(const char *s, size_t len);

/* Name and format of an assert key (enum prog_key). */
const struct syntax_key *syntax_assert_key(unsigned key);

/*
 * The keys one kind of assertion takes (enum prog_key), and which of them
 * it requires.  `assert CPTR k=v`, `assert memory`, `assert pte`,
 * `assert tlb` and `assert running`; `assert objects` takes cap type
 * names instead.
 */
#define SYNTAX_MAX_ASSERT_KEYS 20

struct syntax_assert {
	const char *name;   /* for messages: "assert pte" */
	uint8_t kind;       /* enum prog_kind */
	uint8_t nkeys;
	uint8_t key[SYNTAX_MAX_ASSERT_KEYS];
	uint32_t required;  /* bit i: key[i] must be given */
};

/* The keys of assertion kind (enum prog_kind), or NULL for other kinds. */
const struct syntax_assert *syntax_assert_for(unsigned kind);

/*
 * The format of detail word i of a result of expectation kind (enum
 * prog_expect_kind) with error code error: hex for addresses and ok's
 * data, names for lookup kinds, fault accesses and reasons, else decimal.
 */
unsigned syntax_detail_fmt(unsigned kind, unsigned error, unsigned i);

#endif

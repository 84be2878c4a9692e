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
	SYN_LABEL           /* invocation label name */
};

struct syntax_key {
	const char *name;   /* NULL: unused position */
	uint8_t fmt;        /* enum syntax_fmt */
	bool required;
	uint64_t dflt;
};

/* The named form of an invocation, e.g. `cnode_copy CPTR dest=... src=...`. */
struct syntax_op {
	uint64_t label;
	uint8_t nwords, ncaps;
	struct syntax_key word[KMM_MSG_MAX_WORDS];
	struct syntax_key cap[KMM_MSG_MAX_CAPS];
};

/* The named syntax for label, or NULL if it is reachable only via `invoke`. */
const struct syntax_op *syntax_for_label(uint64_t label);

/* Name and format of an assert key (enum prog_key). */
const struct syntax_key *syntax_assert_key(unsigned key);

#endif

/*
 * Evaluating scenario expressions to u64 values.  Arithmetic is checked:
 * a result that would overflow 64 bits, go below zero, or a shift by 64
 * or more is an error at the operator's position, never a wrapped value.
 * A bare name is looked up in the key's own vocabulary first (rights
 * letters for rights=, cap type names for an assert's type=, yes/no for
 * flags, label names for label=, attribute names for attr=, fault access
 * and reason names in VmFault(...)), then in the scenario's lets, then in
 * the built-in names.
 */
#ifndef KMM_SIM_EVAL_H
#define KMM_SIM_EVAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct eval_env {
	const char *file;
	GHashTable *lets;       /* char * -> uint64_t *; NULL: none */
	GHashTable *builtins;   /* char * -> uint64_t *; NULL: none */
	const uint64_t *index;  /* repeat indices, outermost first */
	unsigned depth;         /* how many */
	char *err;              /* the error message, once one happened */
};

/* Evaluate e with the names of key format fmt (enum syntax_fmt); false and env->err on error. */
bool eval_expr(struct eval_env *env, const struct expr *e, unsigned fmt, uint64_t *out);

/* Record an error at pos unless one is already there; returns false. */
bool eval_error(struct eval_env *env, struct srcpos pos, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

#endif

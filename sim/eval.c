/*
 * The expression evaluator (see eval.h).  Recursion depth is bounded by
 * the parser's PARSE_MAX_EXPR_NODES.
 */
#include <stdarg.h>
#include <string.h>

#include "eval.h"
#include "names.h"
#include "syntax.h"

bool eval_error(struct eval_env *env, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (env->err != NULL)
		return false;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	env->err = g_strdup_printf("%s:%u:%u: %s", env->file, pos.line, pos.col, msg);
	g_free(msg);
	return false;
}

/* Names that belong to the key's vocabulary. */
static bool vocabulary(const char *name, unsigned fmt, uint64_t *v)
{
	size_t n = strlen(name);

	switch (fmt) {
	case SYN_OBJECT_TYPE:
		return names_find(&names_object_types, name, n, v);
	case SYN_CAP_TYPE:
		return names_find(&names_cap_types, name, n, v);
	case SYN_RIGHTS:
		return names_parse_rights(name, n, v);
	case SYN_VM_RIGHTS:
		return names_find(&names_vm_rights, name, n, v);
	case SYN_LABEL:
		return names_find(&names_labels, name, n, v);
	case SYN_ATTR:
		return names_find(&names_vm_attrs, name, n, v);
	case SYN_ACCESS:
		return names_find(&names_access, name, n, v);
	case SYN_FAULT_REASON:
		return names_find(&names_fault_reasons, name, n, v);
	case SYN_LOOKUP:
		return names_find(&names_lookup_kinds, name, n, v);
	case SYN_BOOL:
		if (!strcmp(name, "yes") || !strcmp(name, "no") ||
		    !strcmp(name, "true") || !strcmp(name, "false")) {
			*v = name[0] == 'y' || name[0] == 't';
			return true;
		}
		break;
	}
	return false;
}

/* The words of the small vocabularies, for messages; NULL for the others. */
static const char *vocabulary_hint(unsigned fmt)
{
	switch (fmt) {
	case SYN_ATTR:
		return "write_back, write_through, cache_disabled, uncacheable or write_combining";
	case SYN_ACCESS:
		return "Read, Write or Exec";
	case SYN_FAULT_REASON:
		return "NotPresent, Protection or NonCanonical";
	case SYN_VM_RIGHTS:
		return "kernel_only, read_only or read_write";
	case SYN_BOOL:
		return "yes or no";
	}
	return NULL;
}

static bool lookup(GHashTable *t, const char *name, uint64_t *v)
{
	const uint64_t *p = t != NULL ? g_hash_table_lookup(t, name) : NULL;

	if (p != NULL)
		*v = *p;
	return p != NULL;
}

static bool eval_name(struct eval_env *env, const struct expr *e, unsigned fmt, uint64_t *v)
{
	if (vocabulary(e->name, fmt, v) || lookup(env->lets, e->name, v) ||
	    lookup(env->builtins, e->name, v))
		return true;
	if ((g_str_has_prefix(e->name, "ut") || g_str_has_prefix(e->name, "dev")) &&
	    g_ascii_isdigit(e->name[strlen(e->name) - 1]))
		return eval_error(env, e->pos, "no untyped '%s' on this machine "
				  "(see kmm-sim --bootinfo)", e->name);
	if (vocabulary_hint(fmt) != NULL)
		return eval_error(env, e->pos, "unknown name '%s' (expected %s, or a number)",
				  e->name, vocabulary_hint(fmt));
	return eval_error(env, e->pos, "unknown name '%s'", e->name);
}

static bool eval_index(struct eval_env *env, const struct expr *e, uint64_t *v)
{
	static const char names[] = "ijk";

	if (e->value >= env->depth)
		return eval_error(env, e->pos, "$%c needs %u enclosing repeat%s",
				  names[e->value], (unsigned)e->value + 1,
				  e->value == 0 ? "" : "s");
	*v = env->index[env->depth - 1 - e->value];
	return true;
}

static bool apply(struct eval_env *env, const struct expr *e, uint64_t l, uint64_t r,
		  uint64_t *v)
{
	switch (e->op) {
	case '+':
		if (r > UINT64_MAX - l)
			break;
		*v = l + r;
		return true;
	case '-':
		if (r > l)
			return eval_error(env, e->pos, "result below zero");
		*v = l - r;
		return true;
	case '*':
		if (l != 0 && r > UINT64_MAX / l)
			break;
		*v = l * r;
		return true;
	case '<':
	case '>':
		if (r >= 64)
			return eval_error(env, e->pos, "shift by %llu (at most 63)",
					  (unsigned long long)r);
		if (e->op == '<' && (l << r) >> r != l)
			break;
		*v = e->op == '<' ? l << r : l >> r;
		return true;
	case '|':
		*v = l | r;
		return true;
	case '&':
		*v = l & r;
		return true;
	}
	return eval_error(env, e->pos, "result does not fit in 64 bits");
}

bool eval_expr(struct eval_env *env, const struct expr *e, unsigned fmt, uint64_t *out)
{
	uint64_t l, r;

	switch (e->kind) {
	case EX_NUM:
		*out = e->value;
		return true;
	case EX_NAME:
		return eval_name(env, e, fmt, out);
	case EX_INDEX:
		return eval_index(env, e, out);
	case EX_BINARY:
		return eval_expr(env, e->l, fmt, &l) && eval_expr(env, e->r, fmt, &r) &&
		       apply(env, e, l, r, out);
	}
	return eval_error(env, e->pos, "bad expression");
}

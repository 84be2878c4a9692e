/*
 * The growable program (see progbuf.h): ops are encoded straight into
 * their core's GArray, so a scenario of N ops costs one encoded op each
 * and no per-op allocation.
 */
#include "progbuf.h"

void progbuf_init(struct progbuf *pb, const char *name)
{
	*pb = (struct progbuf){ 0 };
	pb->prog.name = name;
}

void progbuf_clear(struct progbuf *pb)
{
	for (unsigned i = 0; i < PROG_MAX_CORES; i++) {
		if (pb->code[i] != NULL)
			g_array_free(pb->code[i], TRUE);
	}
	progbuf_init(pb, pb->prog.name);
}

bool progbuf_add(struct progbuf *pb, const struct prog_op *op)
{
	uint64_t words[PROG_OP_MAX_WORDS];
	size_t n;

	g_assert(prog_op_valid(op));
	if (pb->nops >= PROG_MAX_OPS || pb->nwords >= PROGBUF_MAX_WORDS)
		return false;
	if (pb->code[op->core] == NULL)
		pb->code[op->core] = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	n = prog_encode(op, words);
	g_array_append_vals(pb->code[op->core], words, (guint)n);
	pb->prog.core[op->core].nops++;
	pb->nops++;
	pb->nwords += n;
	return true;
}

const struct prog *progbuf_prog(struct progbuf *pb)
{
	for (unsigned i = 0; i < PROG_MAX_CORES; i++) {
		GArray *a = pb->code[i];

		pb->prog.core[i].code = a != NULL ? (const uint64_t *)(void *)a->data : NULL;
		pb->prog.core[i].len = a != NULL ? a->len : 0;
	}
	return &pb->prog;
}

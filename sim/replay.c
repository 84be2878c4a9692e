/*
 * kmm-sim --replay FILE: a fuzz input (fuzz/decode.h) instead of a
 * scenario.  The machine is the fuzzer's (FZ_MEM_BYTES of RAM, a
 * FZ_ROOT_BITS root CNode) unless flags say otherwise, the reference
 * model is on for one core (as in the harness), the header's core count,
 * seed and PCT depth set --cores, --seed and --pct unless flags say
 * otherwise, the bytes decode into every core's ops exactly as in the
 * harness, and --emit-scenario writes those ops as scenario text (the
 * trace's op syntax, in core blocks, preceded by the machine statement,
 * model included) for scenarios/regress/.
 */
#include <errno.h>

#include "decode.h"
#include "fmt.h"
#include "progbuf.h"
#include "sim.h"
#include "trace.h"

/* The input's header: cores, seed and PCT depth, as the harness uses them. */
static void header_defaults(struct sim_opts *o)
{
	uint8_t head[FZ_HEADER_BYTES] = { 0 };
	struct fz_header h;
	FILE *f = fopen(o->file, "rb");
	size_t n = 0;

	if (f != NULL) {
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	fz_decode_header(head, n, &h);
	if (!o->cores_given)
		o->cores = h.cores;
	o->cores_given = true;
	o->seed = h.seed;
	if (!o->pct_given)
		o->pct = h.pct_depth;
}

void sim_replay_defaults(struct sim_opts *o)
{
	header_defaults(o);
	if (!o->model_given)
		o->model = o->cores == 1;   /* the harness compares every op with the model */
	if (!o->mem_given)
		o->mem = FZ_MEM_BYTES;
	if (!o->root_bits_given)
		o->root_bits = FZ_ROOT_BITS;
	o->mem_given = o->root_bits_given = true;
}

bool sim_replay_decode(const char *file, const struct kmm_bootinfo *bi, struct progbuf *pb,
		       uint64_t *seed)
{
	uint64_t *code = g_new(uint64_t, FZ_CODE_WORDS);
	GError *e = NULL;
	struct prog_cursor c;
	struct prog p;
	struct prog_op op;
	struct fz_header h;
	char *bytes;
	size_t len;
	bool ok = true;

	if (!g_file_get_contents(file, &bytes, &len, &e)) {
		fprintf(stderr, "kmm-sim: %s\n", e->message);
		g_error_free(e);
		g_free(code);
		return false;
	}
	fz_decode((const uint8_t *)bytes, len, bi, &h, code, &p);
	*seed = h.seed;
	for (unsigned core = 0; ok && core < h.cores; core++) {
		prog_cursor_init(&c, &p.core[core]);
		while (ok && prog_next(&c, &op) == PROG_OK)
			ok = progbuf_add(pb, &op);
	}
	g_free(bytes);
	g_free(code);
	return ok;
}

static void emit_op(FILE *f, const struct prog_op *op)
{
	char line[EXEC_LINE_MAX];
	struct fmt t;

	fmt_init(&t, line, sizeof(line));
	trace_op(&t, op);
	fprintf(f, "%.*s\n", (int)t.len, line);
}

bool sim_emit_scenario(const char *path, const struct sim_opts *o, const struct prog *p)
{
	FILE *f = fopen(path, "w");
	struct prog_cursor c;
	struct prog_op op;
	GString *mem = g_string_new(NULL);

	if (f == NULL) {
		fprintf(stderr, "kmm-sim: --emit-scenario %s: %s\n", path, g_strerror(errno));
		g_string_free(mem, TRUE);
		return false;
	}
	sim_fmt_size(mem, o->mem);
	fprintf(f, "# Decoded from the fuzz input %s:\n#   kmm-sim --replay %s\n"
		"# (no expectations: the invariants are the test; run it with\n"
		"#   --seed %llu%s%.0llu for the fuzzer's interleaving)\n\n"
		"machine mem=%s root_bits=%llu model=%s cores=%llu\n\n", o->file, o->file,
		(unsigned long long)o->seed, o->pct != 0 ? " --pct " : "",
		(unsigned long long)o->pct, mem->str, (unsigned long long)o->root_bits,
		o->model ? "on" : "off", (unsigned long long)o->cores);
	g_string_free(mem, TRUE);
	for (unsigned core = 0; core < o->cores; core++) {
		if (core > 0)
			fprintf(f, "core %u {\n", core);
		prog_cursor_init(&c, &p->core[core]);
		while (prog_next(&c, &op) == PROG_OK)
			emit_op(f, &op);
		if (core > 0)
			fprintf(f, "}\n");
	}
	return fclose(f) == 0;
}

/*
 * kmm-sim --emit-program FILE: write the expanded program and the
 * effective machine settings as a program blob (progblob.h), for the x86
 * image to run: core 0's stream, then one record per further core.
 */
#include <string.h>

#include "progblob.h"
#include "sim.h"

static void put_word(GString *s, uint64_t w)
{
	uint8_t b[8];

	for (unsigned i = 0; i < 8; i++)
		b[i] = (uint8_t)(w >> (8 * i));
	g_string_append_len(s, (const char *)b, 8);
}

static void put_stream(GString *out, const struct prog_stream *s)
{
	for (size_t i = 0; i < s->len; i++)
		put_word(out, s->code[i]);
}

bool sim_emit_program(const char *path, const struct sim_opts *o, const struct prog *p,
		      char **err)
{
	const struct prog_stream *s = &p->core[0];
	size_t name_bytes = strlen(o->file);
	GError *e = NULL;
	GString *out;
	bool ok;

	if (name_bytes > PROGBLOB_MAX_NAME) {
		*err = g_strdup_printf("%s: name longer than %u bytes", o->file,
				       PROGBLOB_MAX_NAME);
		return false;
	}
	out = g_string_new(NULL);
	put_word(out, PROGBLOB_MAGIC);
	put_word(out, o->mem);
	put_word(out, o->root_bits);
	put_word(out, o->preempt_units);
	put_word(out, (uint64_t)o->check);
	put_word(out, o->scribble_given ? PROGBLOB_SCRIBBLE | (uint8_t)o->scribble : 0);
	put_word(out, s->nops);
	put_word(out, s->len);
	put_word(out, name_bytes);
	g_string_append_len(out, o->file, (gssize)name_bytes);
	while (out->len % 8 != 0)
		g_string_append_c(out, '\0');
	put_stream(out, s);
	for (uint64_t c = 1; c < o->cores && c < PROG_MAX_CORES; c++) {
		put_word(out, p->core[c].nops);
		put_word(out, p->core[c].len);
		put_stream(out, &p->core[c]);
	}
	ok = g_file_set_contents(path, out->str, (gssize)out->len, &e);
	if (!ok) {
		*err = g_strdup(e->message);
		g_error_free(e);
	}
	g_string_free(out, TRUE);
	return ok;
}

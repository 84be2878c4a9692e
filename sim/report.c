/*
 * Small reports around a run: sizes in K/M/G, the boot info table and
 * the replay command.  The replay command spells out every setting that
 * changes behaviour, so it reproduces the run whatever the scenario's
 * machine statement or the defaults become.
 */
#include <string.h>

#include "sim.h"

void sim_fmt_size(GString *s, uint64_t bytes)
{
	static const char suffix[] = "GMK";

	for (unsigned i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * i;

		if (bytes != 0 && bytes % (1ull << shift) == 0) {
			g_string_append_printf(s, "%llu%c",
					       (unsigned long long)(bytes >> shift), suffix[i]);
			return;
		}
	}
	g_string_append_printf(s, "%llu", (unsigned long long)bytes);
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	}
	return 0;
}

bool sim_parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = n > 0 ? suffix_shift(s[n - 1]) : 0;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	char *digits = g_strndup(s + (hex ? 2 : 0), n - (hex ? 2 : 0) - (shift ? 1 : 0));
	guint64 v;
	bool ok = g_ascii_isxdigit(digits[0]) &&
		  g_ascii_string_to_unsigned(digits, hex ? 16 : 10, 0, G_MAXUINT64, &v, NULL) &&
		  v <= G_MAXUINT64 >> shift;

	g_free(digits);
	if (ok)
		*out = v << shift;
	return ok;
}

void sim_print_bootinfo(FILE *f, const struct kmm_bootinfo *bi)
{
	unsigned nram = 0, ndev = 0;
	GString *line = g_string_new(NULL);

	fprintf(f, "bootinfo: root cnode %u bits, untyped caps in slots 0x%x..0x%x, "
		"first free slot 0x%x, last slot 0x%x, %u untyped dropped\n",
		bi->root_cnode_bits, bi->untyped_first,
		bi->untyped_first + bi->untyped_count - 1, bi->empty_first,
		bi->empty_last, bi->untyped_dropped);
	for (uint32_t i = 0; i < bi->untyped_count && i < KMM_MAX_BOOT_UNTYPED; i++) {
		const struct kmm_boot_untyped *u = &bi->untyped[i];

		char name[16];

		g_snprintf(name, sizeof name, "%s%u", u->is_device ? "dev" : "ut",
			   u->is_device ? ndev++ : nram++);
		g_string_printf(line, "  %-6s slot 0x%-4x paddr 0x%-10llx size ", name,
				bi->untyped_first + i, (unsigned long long)u->paddr);
		sim_fmt_size(line, 1ull << u->size_bits);
		g_string_append_printf(line, " (2^%u)%s", u->size_bits,
				       u->is_device ? " device" : "");
		fprintf(f, "%s\n", line->str);
	}
	g_string_free(line, TRUE);
}

char *sim_replay_command(const struct sim_opts *o)
{
	static const char *const checks[] = { "every", "end", "off" };
	GString *s = g_string_new("kmm-sim");
	bool plain = strspn(o->file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_./-+=,:") == strlen(o->file);
	char *quoted = plain ? g_strdup(o->file) : g_shell_quote(o->file);

	g_string_append_printf(s, " --seed %llu --mem ", (unsigned long long)o->seed);
	sim_fmt_size(s, o->mem);
	g_string_append_printf(s, " --root-bits %llu --preempt-units %llu --cores %llu "
			       "--tlb-entries %llu",
			       (unsigned long long)o->root_bits,
			       (unsigned long long)o->preempt_units,
			       (unsigned long long)o->cores,
			       (unsigned long long)o->tlb_entries);
	if (o->scribble_given)
		g_string_append_printf(s, " --scribble %llu", (unsigned long long)o->scribble);
	if (o->model)
		g_string_append(s, " --model");
	if (o->cores > 1) {
		if (o->free)
			g_string_append(s, " --sched=free");
		if (o->pct != 0)
			g_string_append_printf(s, " --pct %llu", (unsigned long long)o->pct);
		if (o->preempt_rate != 0)
			g_string_append_printf(s, " --preempt-rate %llu",
					       (unsigned long long)o->preempt_rate);
		if (o->schedule != NULL)
			g_string_append_printf(s, " --schedule %s", o->schedule);
	}
	g_string_append_printf(s, " --check=%s %s%s", checks[o->check],
			       o->replay ? "--replay " : "", quoted);
	g_free(quoted);
	return g_string_free(s, FALSE);
}

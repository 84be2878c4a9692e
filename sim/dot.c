/*
 * The Graphviz picture (--dot FILE): the derivation tree, one box per
 * cap labelled with its slot, type and the fields that matter for it,
 * with edges from parent to child; and beside every untyped cap a table
 * of its memory: the objects carved from it at their offsets, unused
 * gaps (lost to alignment, or dead objects awaiting the next reset), the
 * watermark, and the free space above it.  An object belongs to the
 * untyped that is its nearest untyped ancestor in the tree.  `dot -Tsvg
 * FILE` renders it.
 */
#include <stdlib.h>

#include "names.h"
#include "sim.h"
#include "trace.h"

#define DOT_MAX_ROWS 64

struct dot_cap {
	struct kmm_cap_info info;
	uint64_t parent;          /* parent slot, 0 if none */
	int owner;                /* index of the nearest untyped ancestor, or -1 */
};

struct dot_obj {
	uint64_t paddr;
	uint32_t size_bits;
	enum kmm_cap_type type;
};

struct dot {
	GString *s;
	GArray *caps;             /* struct dot_cap, in derivation-list order */
	GHashTable *index;        /* slot paddr -> index + 1 */
	uint64_t caller;
};

static bool collect(const struct kmm_cap_info *cap, uint32_t depth, uint64_t parent,
		    void *ctx)
{
	struct dot_cap c = { *cap, parent, -1 };

	(void)depth;
	g_array_append_val((GArray *)ctx, c);
	return true;
}

static struct dot_cap *cap_at(struct dot *d, guint i)
{
	return &g_array_index(d->caps, struct dot_cap, i);
}

/* Walk the tree; list order puts parents first, so owners resolve in one pass. */
static void load(struct dot *d)
{
	uint64_t n = kmm_inspect_cap_count() + 1;
	uint64_t *stack = g_new(uint64_t, n);

	kmm_inspect_walk(collect, d->caps, stack, n);
	g_free(stack);
	for (guint i = 0; i < d->caps->len; i++) {
		struct dot_cap *c = cap_at(d, i);
		guint p = GPOINTER_TO_UINT(g_hash_table_lookup(d->index, &c->parent));

		g_hash_table_insert(d->index, &c->info.slot_paddr, GUINT_TO_POINTER(i + 1));
		if (p == 0)
			continue;
		c->owner = cap_at(d, p - 1)->info.type == KMM_CAP_TYPE_UNTYPED ?
			(int)(p - 1) : cap_at(d, p - 1)->owner;
	}
}

static void slot_text(struct dot *d, GString *s, uint64_t slot)
{
	char buf[64];
	struct fmt f;

	fmt_init(&f, buf, sizeof buf);
	trace_slot(&f, d->caller, slot);
	g_string_append(s, buf);
}

static void cap_node(struct dot *d, const struct dot_cap *c)
{
	char buf[EXEC_LINE_MAX];
	struct fmt f;

	fmt_init(&f, buf, sizeof buf);
	trace_cap(&f, &c->info);
	g_string_append_printf(d->s, "  s%llx [label=\"", (unsigned long long)c->info.slot_paddr);
	slot_text(d, d->s, c->info.slot_paddr);
	g_string_append(d->s, "\\n");
	for (const char *p = buf; *p != '\0'; p++) {
		if (*p == ' ')
			g_string_append(d->s, "\\n");
		else
			g_string_append_c(d->s, *p);
	}
	g_string_append_printf(d->s, "\"%s];\n", c->info.type == KMM_CAP_TYPE_UNTYPED ?
			       ", style=filled, fillcolor=lightyellow" : "");
	if (c->parent != 0)
		g_string_append_printf(d->s, "  s%llx -> s%llx;\n",
				       (unsigned long long)c->parent,
				       (unsigned long long)c->info.slot_paddr);
}

static int obj_cmp(const void *a, const void *b)
{
	const struct dot_obj *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return (int)x->type - (int)y->type;
}

/* The distinct objects owned by untyped u, sorted by address. */
static GArray *objects_of(struct dot *d, guint u)
{
	GArray *objs = g_array_new(FALSE, FALSE, sizeof(struct dot_obj));
	guint n = 0;

	for (guint i = 0; i < d->caps->len; i++) {
		const struct dot_cap *c = cap_at(d, i);
		struct dot_obj o = { c->info.paddr, c->info.size_bits, c->info.type };

		if (c->owner == (int)u && c->info.size_bits > 0)
			g_array_append_val(objs, o);
	}
	g_array_sort(objs, obj_cmp);
	for (guint i = 0; i < objs->len; i++) {
		struct dot_obj *o = &g_array_index(objs, struct dot_obj, i);

		if (n == 0 || obj_cmp(o, &g_array_index(objs, struct dot_obj, n - 1)) != 0)
			g_array_index(objs, struct dot_obj, n++) = *o;
	}
	g_array_set_size(objs, n);
	return objs;
}

static void row(GString *s, uint64_t off, const char *what, const char *color, uint64_t bytes)
{
	g_string_append_printf(s, "<tr><td align=\"right\">0x%llx</td><td bgcolor=\"%s\">%s</td>"
			       "<td align=\"right\">", (unsigned long long)off, color, what);
	if (bytes != 0)
		sim_fmt_size(s, bytes);
	g_string_append(s, "</td></tr>\n");
}

static void layout_rows(GString *s, const struct kmm_cap_info *u, GArray *objs)
{
	uint64_t at = 0, wm = 16 * u->free_index, size = 1ull << u->size_bits;

	for (guint i = 0; i < objs->len; i++) {
		const struct dot_obj *o = &g_array_index(objs, struct dot_obj, i);
		uint64_t off = o->paddr - u->paddr, bytes = 1ull << o->size_bits;

		if (i == DOT_MAX_ROWS) {
			g_string_append_printf(s, "<tr><td colspan=\"3\">... %u more objects</td></tr>\n",
					       objs->len - i);
			at = wm;
			break;
		}
		if (off > at)
			row(s, at, "unused", "white", off - at);
		row(s, off, names_get(&names_cap_types, o->type), "lightblue", bytes);
		at = off + bytes > at ? off + bytes : at;
	}
	if (wm > at)
		row(s, at, "unused", "white", wm - at);
	row(s, wm, "watermark", "orange", 0);
	if (size > wm)
		row(s, wm, "free", "palegreen", size - wm);
}

static void layout_node(struct dot *d, guint u)
{
	const struct kmm_cap_info *c = &cap_at(d, u)->info;
	GArray *objs = objects_of(d, u);
	GString *s = d->s;

	g_string_append_printf(s, "  u%llx [shape=plain, label=<<table border=\"0\" "
			       "cellborder=\"1\" cellspacing=\"0\">\n<tr><td colspan=\"3\">"
			       "<b>", (unsigned long long)c->slot_paddr);
	slot_text(d, s, c->slot_paddr);
	g_string_append(s, c->is_device ? " device untyped " : " untyped ");
	sim_fmt_size(s, 1ull << c->size_bits);
	g_string_append_printf(s, " at 0x%llx</b></td></tr>\n<tr><td>offset</td><td>contents"
			       "</td><td>bytes</td></tr>\n", (unsigned long long)c->paddr);
	layout_rows(s, c, objs);
	g_string_append_printf(s, "</table>>];\n  s%llx -> u%llx [style=dashed, arrowhead=none];\n",
			       (unsigned long long)c->slot_paddr, (unsigned long long)c->slot_paddr);
	g_array_free(objs, TRUE);
}

bool sim_write_dot(const char *path, uint64_t caller, char **err)
{
	struct dot d = { g_string_new(NULL), g_array_new(FALSE, FALSE, sizeof(struct dot_cap)),
			 g_hash_table_new(g_int64_hash, g_int64_equal), caller };
	GError *e = NULL;
	bool ok;

	load(&d);
	g_string_append(d.s, "digraph kmm {\n  rankdir=LR;\n  node [shape=box, "
			"fontname=\"monospace\", fontsize=10];\n");
	for (guint i = 0; i < d.caps->len; i++)
		cap_node(&d, cap_at(&d, i));
	for (guint i = 0; i < d.caps->len; i++) {
		if (cap_at(&d, i)->info.type == KMM_CAP_TYPE_UNTYPED)
			layout_node(&d, i);
	}
	g_string_append(d.s, "}\n");
	ok = g_file_set_contents(path, d.s->str, (gssize)d.s->len, &e);
	if (!ok) {
		*err = g_strdup(e->message);
		g_error_free(e);
	}
	g_hash_table_destroy(d.index);
	g_array_free(d.caps, TRUE);
	g_string_free(d.s, TRUE);
	return ok;
}

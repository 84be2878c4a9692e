/*
 * Slots and the derivation tree (reference b.6).
 *
 * seL4 keeps one doubly linked list of all caps and leaves the tree
 * implicit in it; the model keeps the tree explicit -- each node its parent
 * and its children in list order -- so that the list is simply the tree's
 * preorder.  Emptying a slot splices its children into its place, which is
 * exactly what unlinking a list node does to the implied tree.
 */
#include "model_int.h"

static const struct mcap null_cap;

struct mnode *mtree_at(struct model *m, uint64_t slot)
{
	return g_hash_table_lookup(m->slots, &slot);
}

/* The cap in slot; the null cap for an empty slot. */
const struct mcap *mtree_cap(struct model *m, uint64_t slot)
{
	struct mnode *n = mtree_at(m, slot);

	return n != NULL ? &n->cap : &null_cap;
}

/* A node for slot holding c, not yet placed in the tree. */
struct mnode *mtree_new(struct model *m, uint64_t slot, const struct mcap *c)
{
	struct mnode *n = g_new0(struct mnode, 1);

	n->slot = slot;
	n->cap = *c;
	n->children = g_ptr_array_new();
	g_hash_table_insert(m->slots, &n->slot, n);
	return n;
}

GPtrArray *mtree_siblings(struct model *m, struct mnode *n)
{
	return n->parent != NULL ? n->parent->children : m->roots;
}

guint mtree_index(GPtrArray *a, struct mnode *n)
{
	guint i;

	if (!g_ptr_array_find(a, n, &i))
		g_error("model: node not among its siblings");
	return i;
}

/* Preorder successor: the next node of the derivation list, or NULL. */
struct mnode *mtree_next(struct model *m, struct mnode *n)
{
	if (n->children->len > 0)
		return n->children->pdata[0];
	for (struct mnode *c = n; c != NULL; c = c->parent) {
		GPtrArray *sib = mtree_siblings(m, c);
		guint i = mtree_index(sib, c);

		if (i + 1 < sib->len)
			return sib->pdata[i + 1];
	}
	return NULL;
}

/* n goes directly after parent in the list: its first child. */
void mtree_add_child_first(struct mnode *parent, struct mnode *n)
{
	n->parent = parent;
	g_ptr_array_insert(parent->children, 0, n);
}

/* n goes directly after sibling's subtree, as its next sibling. */
void mtree_add_after(struct model *m, struct mnode *sibling, struct mnode *n)
{
	GPtrArray *sib = mtree_siblings(m, sibling);

	n->parent = sibling->parent;
	g_ptr_array_insert(sib, (gint)mtree_index(sib, sibling) + 1, n);
}

/* Empty a slot (b.6): children adopted in place, firstBadged handed on. */
void mtree_empty(struct model *m, struct mnode *n)
{
	struct mnode *next = mtree_next(m, n);
	GPtrArray *sib = mtree_siblings(m, n);
	guint i = mtree_index(sib, n);

	if (next != NULL)
		next->first_badged = next->first_badged || n->first_badged;
	g_ptr_array_remove_index(sib, i);
	for (guint k = 0; k < n->children->len; k++) {
		struct mnode *c = n->children->pdata[k];

		c->parent = n->parent;
		g_ptr_array_insert(sib, (gint)(i + k), c);
	}
	g_hash_table_remove(m->slots, &n->slot);
	g_ptr_array_free(n->children, TRUE);
	g_free(n);
}

/* Move (b.6): the node keeps its place in the tree, only its slot changes. */
void mtree_move(struct model *m, struct mnode *n, uint64_t to)
{
	g_hash_table_remove(m->slots, &n->slot);
	n->slot = to;
	g_hash_table_insert(m->slots, &n->slot, n);
}

/* Swap two slots' caps and nodes; either may be empty. */
void mtree_swap(struct model *m, uint64_t a, uint64_t b)
{
	struct mnode *na = mtree_at(m, a), *nb = mtree_at(m, b);

	if (na != NULL)
		g_hash_table_remove(m->slots, &na->slot);
	if (nb != NULL)
		g_hash_table_remove(m->slots, &nb->slot);
	if (na != NULL) {
		na->slot = b;
		g_hash_table_insert(m->slots, &na->slot, na);
	}
	if (nb != NULL) {
		nb->slot = a;
		g_hash_table_insert(m->slots, &nb->slot, nb);
	}
}

static void free_node(gpointer p)
{
	struct mnode *n = p;

	g_ptr_array_free(n->children, TRUE);
	g_free(n);
}

void mtree_free_all(struct model *m)
{
	g_list_free_full(g_hash_table_get_values(m->slots), free_node);
	g_hash_table_destroy(m->slots);
	g_ptr_array_free(m->roots, TRUE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-item"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ct-case-item.h"
#include "ct-search-fold.h"

/*
 * One row of a case list: what the lists show about a case, already
 * decrypted and formatted, so that binding a row never touches the store.
 */
struct _CtCaseItem
{
  GObject  parent_instance;

  /* The case id, reference, children and search key, one after another in
   * one allocation (strings); at a hundred thousand cases, one allocation
   * instead of four saves megabytes. */
  char       *strings;
  const char *case_id;
  const char *reference;
  const char *children;
  const char *search_key;
  /* Interned: thousands of items share a handful of each. */
  const char *step;
  const char *dso;
  gint64   due_at;
  gboolean closed;
  gboolean urgent;
  CtState  state;  /* CT_N_STATES when not known */
};

G_DEFINE_FINAL_TYPE (CtCaseItem, ct_case_item, G_TYPE_OBJECT)

static void
ct_case_item_finalize (GObject *object)
{
  CtCaseItem *self = CT_CASE_ITEM (object);

  g_free (self->strings);

  G_OBJECT_CLASS (ct_case_item_parent_class)->finalize (object);
}

static void
ct_case_item_class_init (CtCaseItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ct_case_item_finalize;
}

static void
ct_case_item_init (CtCaseItem *self)
{
  self->state = CT_N_STATES;
}

/**
 * ct_case_item_new:
 * @case_id: the case's record id
 * @reference: the case reference, e.g. "CT-2026-0001"
 * @children: (nullable): the child or children, as shown
 * @aliases: (nullable): other names the children are known by, searched but
 *   not shown
 * @step: (nullable): the current step of the procedure, as shown
 * @due_at: when the next step is due (unix microseconds), or 0
 * @dso: (nullable): the designated safeguarding officer's name
 * @closed: whether the case is closed
 *
 * Returns: (transfer full): a new item.
 */
CtCaseItem *
ct_case_item_new (const char *case_id,
                  const char *reference,
                  const char *children,
                  const char *aliases,
                  const char *step,
                  gint64      due_at,
                  const char *dso,
                  gboolean    closed)
{
  CtCaseItem *self = g_object_new (CT_TYPE_CASE_ITEM, NULL);
  g_autofree char *search_key = NULL;
  const char *parts[] = { case_id, reference, children, NULL };
  const char **fields[] = { &self->case_id, &self->reference, &self->children,
                            &self->search_key };
  gsize size = 0;
  char *at;
  GString *key;

  self->step = g_intern_string (step);
  self->dso = g_intern_string (dso);
  self->due_at = due_at;
  self->closed = !!closed;

  /* Folded once here, so that filtering thousands of rows as the user types
   * costs one substring search per row. */
  key = g_string_sized_new (128);
  g_string_append (key, reference ? reference : "");
  g_string_append_c (key, '\n');
  g_string_append (key, children ? children : "");
  g_string_append_c (key, '\n');
  g_string_append (key, aliases ? aliases : "");
  search_key = ct_search_fold (key->str, key->len);
  g_string_free (key, TRUE);
  parts[3] = search_key;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    size += parts[i] != NULL ? strlen (parts[i]) + 1 : 0;
  self->strings = g_malloc (size);
  at = self->strings;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gsize len;

      if (parts[i] == NULL)
        continue;
      len = strlen (parts[i]) + 1;
      memcpy (at, parts[i], len);
      *fields[i] = at;
      at += len;
    }

  return self;
}

/**
 * ct_case_item_new_in_state:
 * @case_id: the case's record id
 * @reference: the case reference
 * @children: (nullable): the child or children, as shown
 * @aliases: (nullable): other names the children are known by
 * @state: where the case stands in the procedure
 * @due_at: when the next step is due (unix microseconds), or 0
 * @dso: (nullable): the designated safeguarding officer's name
 *
 * An item for a case in @state: its step is the engine's sentence for the
 * state, and a closed case has nothing due.
 *
 * Returns: (transfer full): a new item.
 */
CtCaseItem *
ct_case_item_new_in_state (const char *case_id,
                           const char *reference,
                           const char *children,
                           const char *aliases,
                           CtState     state,
                           gint64      due_at,
                           const char *dso)
{
  gboolean closed = ct_state_is_closed (state);
  CtCaseItem *self = ct_case_item_new (case_id, reference, children, aliases,
                                       ct_procedure_summarise_state (state),
                                       closed ? 0 : due_at, dso, closed);

  self->state = state;
  return self;
}

const char *
ct_case_item_get_case_id (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->case_id;
}

const char *
ct_case_item_get_reference (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->reference;
}

const char *
ct_case_item_get_children (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->children;
}

const char *
ct_case_item_get_step (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->step;
}

gint64
ct_case_item_get_due_at (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), 0);
  return self->due_at;
}

const char *
ct_case_item_get_dso (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->dso;
}

gboolean
ct_case_item_get_closed (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), FALSE);
  return self->closed;
}

/**
 * ct_case_item_get_urgent:
 * @self: a #CtCaseItem
 *
 * Returns: %TRUE if the case is on the urgent path: a child may be at
 *   immediate risk and an urgent referral is due now
 */
gboolean
ct_case_item_get_urgent (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), FALSE);
  return self->urgent;
}

/**
 * ct_case_item_set_urgent:
 * @self: a #CtCaseItem
 * @urgent: whether the case is on the urgent path
 *
 * Marks an open case as on the urgent path; its step then says so, above
 * whatever else the state asks.
 */
void
ct_case_item_set_urgent (CtCaseItem *self,
                         gboolean    urgent)
{
  g_return_if_fail (CT_IS_CASE_ITEM (self));

  self->urgent = urgent && !self->closed;
  if (self->urgent)
    self->step = g_intern_string (_("Make an urgent referral now"));
}

/**
 * ct_case_item_matches:
 * @self: a #CtCaseItem
 * @folded_query: (nullable): the search text, already passed through
 *   ct_search_fold()
 *
 * Returns: %TRUE if the reference, a child's name or an alias contains
 *   @folded_query, or the query is empty.
 */
gboolean
ct_case_item_matches (CtCaseItem *self,
                      const char *folded_query)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), FALSE);

  if (folded_query == NULL || *folded_query == '\0')
    return TRUE;

  return strstr (self->search_key, folded_query) != NULL;
}

/**
 * ct_case_item_get_search_key:
 * @self: a #CtCaseItem
 *
 * Returns: the reference, children and aliases, folded with
 *   ct_search_fold() and separated by newlines: what a search query,
 *   folded the same way, is looked for in.
 */
const char *
ct_case_item_get_search_key (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), NULL);
  return self->search_key;
}

/**
 * ct_case_item_get_state:
 * @self: a #CtCaseItem
 *
 * Returns: where the case stands, or %CT_N_STATES if the item was made
 *   without it
 */
CtState
ct_case_item_get_state (CtCaseItem *self)
{
  g_return_val_if_fail (CT_IS_CASE_ITEM (self), CT_N_STATES);
  return self->state;
}

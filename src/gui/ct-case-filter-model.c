/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-filter-model"

#include "config.h"

#include <string.h>

#include "ct-case-filter-model.h"

/*
 * The cases a list shows: sorted once when the cases change, then filtered
 * as the user types, in that order, so that a keystroke never sorts.
 *
 * GTK's filter model asks its model for each item in turn, which takes and
 * drops a reference to every case object, scattered over memory: at a
 * hundred thousand cases that alone cost a few hundred milliseconds a
 * keystroke. Here what a filter looks at is copied, in sorted order, into
 * one array, and the search keys into one block of text, so that a filter
 * pass reads memory from start to end and touches no object.
 */
struct _CtCaseFilterModel
{
  GObject                parent_instance;

  GListModel            *cases;
  CtCaseEntrySortFunc    sort_func;
  CtCaseEntryFilterFunc  filter_func;
  CtCaseEntryFilterFunc  keep_func;
  gpointer               user_data;

  GArray                *entries; /* CtCaseEntry, sorted */
  char                  *keys;    /* every search key, nul-separated */
  GArray                *shown;   /* guint index into entries */
  guint                  n_read;  /* how many of the cases entries reflects */
};

static void ct_case_filter_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CtCaseFilterModel, ct_case_filter_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ct_case_filter_model_iface_init))

static GType
ct_case_filter_model_get_item_type (GListModel *model)
{
  return CT_TYPE_CASE_ITEM;
}

static guint
ct_case_filter_model_get_n_items (GListModel *model)
{
  return CT_CASE_FILTER_MODEL (model)->shown->len;
}

static gpointer
ct_case_filter_model_get_item (GListModel *model,
                               guint       position)
{
  CtCaseFilterModel *self = CT_CASE_FILTER_MODEL (model);
  guint index;

  if (position >= self->shown->len)
    return NULL;

  index = g_array_index (self->shown, guint, position);
  return g_object_ref (g_array_index (self->entries, CtCaseEntry, index).item);
}

static void
ct_case_filter_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ct_case_filter_model_get_item_type;
  iface->get_n_items = ct_case_filter_model_get_n_items;
  iface->get_item = ct_case_filter_model_get_item;
}

static void
clear_entries (CtCaseFilterModel *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    g_object_unref (g_array_index (self->entries, CtCaseEntry, i).item);
  g_array_set_size (self->entries, 0);
  g_clear_pointer (&self->keys, g_free);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  CtCaseFilterModel *self = user_data;

  return self->sort_func (a, b, self->user_data);
}

/* Fills @entry for @item (whose reference it takes); FALSE, with the
 * reference dropped, if the case is never shown. */
static gboolean
fill_entry (CtCaseFilterModel *self,
            CtCaseEntry       *entry,
            CtCaseItem        *item)
{
  entry->item = item;
  entry->reference = ct_case_item_get_reference (item);
  entry->search_key = ct_case_item_get_search_key (item);
  entry->due_at = ct_case_item_get_due_at (item);
  entry->state = ct_case_item_get_state (item);
  entry->closed = ct_case_item_get_closed (item);
  entry->urgent = ct_case_item_get_urgent (item);
  /* A case that can never be shown (a closed one in a list of open
   * cases) takes no room and no time in a search. */
  if (self->keep_func != NULL && !self->keep_func (entry, self->user_data))
    {
      g_object_unref (item);
      return FALSE;
    }
  return TRUE;
}

/* Copies every entry's search key, in order, into one block. The old
 * block, if any, is the caller's to free afterwards. */
static void
lay_out_keys (CtCaseFilterModel *self)
{
  gsize keys_size = 0;
  char *key;

  for (guint i = 0; i < self->entries->len; i++)
    keys_size += strlen (g_array_index (self->entries, CtCaseEntry, i).search_key) + 1;

  self->keys = g_malloc (keys_size + 1);
  key = self->keys;
  for (guint i = 0; i < self->entries->len; i++)
    {
      CtCaseEntry *entry = &g_array_index (self->entries, CtCaseEntry, i);
      gsize len = strlen (entry->search_key);

      memcpy (key, entry->search_key, len + 1);
      entry->search_key = key;
      key += len + 1;
    }
  *key = '\0';
}

/* Reads the cases again, sorts them and lays out their search keys. */
static void
load_entries (CtCaseFilterModel *self)
{
  guint n_cases = self->cases ? g_list_model_get_n_items (self->cases) : 0;
  guint n = 0;

  clear_entries (self);
  g_array_set_size (self->entries, n_cases);

  for (guint i = 0; i < n_cases; i++)
    if (fill_entry (self, &g_array_index (self->entries, CtCaseEntry, n),
                    g_list_model_get_item (self->cases, i)))
      n++;
  g_array_set_size (self->entries, n);
  self->n_read = n_cases;

  if (self->sort_func != NULL && n > 1)
    g_qsort_with_data (self->entries->data, n, sizeof (CtCaseEntry), compare_entries, self);

  lay_out_keys (self);
}

static gboolean
entry_shown (CtCaseFilterModel *self,
             guint              index)
{
  return self->filter_func == NULL ||
         self->filter_func (&g_array_index (self->entries, CtCaseEntry, index), self->user_data);
}

/* Filters again and says what changed: the first and last places that
 * differ, as one change. */
static void
refilter (CtCaseFilterModel *self,
          GtkFilterChange    change,
          gboolean           announce)
{
  g_autoptr(GArray) old = self->shown;
  guint prefix = 0;
  guint suffix = 0;

  self->shown = g_array_sized_new (FALSE, FALSE, sizeof (guint),
                                   change == GTK_FILTER_CHANGE_MORE_STRICT ? old->len
                                                                          : self->entries->len);

  if (change == GTK_FILTER_CHANGE_MORE_STRICT)
    {
      /* Only what was shown can still be. */
      for (guint i = 0; i < old->len; i++)
        {
          guint index = g_array_index (old, guint, i);

          if (entry_shown (self, index))
            g_array_append_val (self->shown, index);
        }
    }
  else if (change == GTK_FILTER_CHANGE_LESS_STRICT)
    {
      /* What was shown still is; only the rest need a look. */
      guint next = 0;

      for (guint index = 0; index < self->entries->len; index++)
        {
          if (next < old->len && g_array_index (old, guint, next) == index)
            {
              next++;
              g_array_append_val (self->shown, index);
            }
          else if (entry_shown (self, index))
            g_array_append_val (self->shown, index);
        }
    }
  else
    {
      for (guint index = 0; index < self->entries->len; index++)
        if (entry_shown (self, index))
          g_array_append_val (self->shown, index);
    }

  if (!announce)
    return;

  while (prefix < old->len && prefix < self->shown->len &&
         g_array_index (old, guint, prefix) == g_array_index (self->shown, guint, prefix))
    prefix++;
  while (suffix < old->len - prefix && suffix < self->shown->len - prefix &&
         g_array_index (old, guint, old->len - 1 - suffix) ==
         g_array_index (self->shown, guint, self->shown->len - 1 - suffix))
    suffix++;

  if (old->len != self->shown->len || prefix != old->len)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old->len - prefix - suffix,
                                self->shown->len - prefix - suffix);
}

/* Reads the cases again and filters them all; the indices shown before
 * point into the old entries, so the change is announced as all of them. */
static void
reload (CtCaseFilterModel *self)
{
  guint old_n = self->shown->len;

  load_entries (self);
  g_array_set_size (self->shown, 0);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT, FALSE);
  if (old_n > 0 || self->shown->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->shown->len);
}

/* Takes up cases added at the end of the list (a chunk of a load, a new
 * case): they are sorted among themselves and merged into the sorted
 * entries, so the cost grows with the cases added and one pass over the
 * rest, never a sort of them all. Only the places that changed are
 * announced. */
static void
append_entries (CtCaseFilterModel *self,
                guint              position,
                guint              added)
{
  g_autoptr(GArray) fresh = g_array_sized_new (FALSE, FALSE, sizeof (CtCaseEntry), added);
  g_autoptr(GPtrArray) old_shown = NULL;
  GArray *merged;
  char *old_keys;
  guint i = 0;
  guint j = 0;
  guint prefix = 0;
  guint suffix = 0;

  for (guint p = position; p < position + added; p++)
    {
      CtCaseEntry entry;

      if (fill_entry (self, &entry, g_list_model_get_item (self->cases, p)))
        g_array_append_val (fresh, entry);
    }
  self->n_read += added;
  if (fresh->len == 0)
    return;
  if (self->sort_func != NULL && fresh->len > 1)
    g_qsort_with_data (fresh->data, fresh->len, sizeof (CtCaseEntry), compare_entries, self);

  old_shown = g_ptr_array_sized_new (self->shown->len);
  for (guint k = 0; k < self->shown->len; k++)
    g_ptr_array_add (old_shown, g_array_index (self->entries, CtCaseEntry,
                                               g_array_index (self->shown, guint, k)).item);

  merged = g_array_sized_new (FALSE, FALSE, sizeof (CtCaseEntry), self->entries->len + fresh->len);
  while (i < self->entries->len || j < fresh->len)
    {
      CtCaseEntry *old = i < self->entries->len ? &g_array_index (self->entries, CtCaseEntry, i) : NULL;
      CtCaseEntry *new = j < fresh->len ? &g_array_index (fresh, CtCaseEntry, j) : NULL;

      /* Among equals, the case that was there first stays first. */
      if (new != NULL && (old == NULL || (self->sort_func != NULL &&
                                          self->sort_func (new, old, self->user_data) < 0)))
        {
          g_array_append_vals (merged, new, 1);
          j++;
        }
      else
        {
          g_array_append_vals (merged, old, 1);
          i++;
        }
    }
  g_array_unref (self->entries);
  self->entries = merged;
  old_keys = g_steal_pointer (&self->keys);
  lay_out_keys (self);
  g_free (old_keys);

  g_array_set_size (self->shown, 0);
  refilter (self, GTK_FILTER_CHANGE_DIFFERENT, FALSE);

  while (prefix < old_shown->len && prefix < self->shown->len &&
         g_ptr_array_index (old_shown, prefix) ==
         g_array_index (self->entries, CtCaseEntry, g_array_index (self->shown, guint, prefix)).item)
    prefix++;
  while (suffix < old_shown->len - prefix && suffix < self->shown->len - prefix &&
         g_ptr_array_index (old_shown, old_shown->len - 1 - suffix) ==
         g_array_index (self->entries, CtCaseEntry,
                        g_array_index (self->shown, guint, self->shown->len - 1 - suffix)).item)
    suffix++;

  if (old_shown->len != self->shown->len || prefix != old_shown->len)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_shown->len - prefix - suffix,
                                self->shown->len - prefix - suffix);
}

static void
on_cases_changed_cb (GListModel        *cases,
                     guint              position,
                     guint              removed,
                     guint              added,
                     CtCaseFilterModel *self)
{
  if (removed == 0 && position == self->n_read && self->n_read > 0)
    append_entries (self, position, added);
  else
    reload (self);
}

static void
ct_case_filter_model_dispose (GObject *object)
{
  CtCaseFilterModel *self = CT_CASE_FILTER_MODEL (object);

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed_cb, self);
  g_clear_object (&self->cases);
  clear_entries (self);

  G_OBJECT_CLASS (ct_case_filter_model_parent_class)->dispose (object);
}

static void
ct_case_filter_model_finalize (GObject *object)
{
  CtCaseFilterModel *self = CT_CASE_FILTER_MODEL (object);

  g_array_unref (self->entries);
  g_array_unref (self->shown);

  G_OBJECT_CLASS (ct_case_filter_model_parent_class)->finalize (object);
}

static void
ct_case_filter_model_class_init (CtCaseFilterModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_case_filter_model_dispose;
  object_class->finalize = ct_case_filter_model_finalize;
}

static void
ct_case_filter_model_init (CtCaseFilterModel *self)
{
  self->entries = g_array_new (FALSE, FALSE, sizeof (CtCaseEntry));
  self->shown = g_array_new (FALSE, FALSE, sizeof (guint));
}

/**
 * ct_case_filter_model_new:
 * @sort_func: orders two cases
 * @filter_func: says whether a case is shown
 * @keep_func: (nullable): says whether a case can ever be shown, whatever
 *   else @filter_func looks at; those it rejects are left out when the
 *   cases are read
 * @user_data: passed to both
 *
 * Returns: (transfer full): an empty model; give it cases with
 *   ct_case_filter_model_set_model().
 */
CtCaseFilterModel *
ct_case_filter_model_new (CtCaseEntrySortFunc   sort_func,
                          CtCaseEntryFilterFunc filter_func,
                          CtCaseEntryFilterFunc keep_func,
                          gpointer              user_data)
{
  CtCaseFilterModel *self = g_object_new (CT_TYPE_CASE_FILTER_MODEL, NULL);

  self->sort_func = sort_func;
  self->filter_func = filter_func;
  self->keep_func = keep_func;
  self->user_data = user_data;
  return self;
}

/**
 * ct_case_filter_model_set_model:
 * @self: a #CtCaseFilterModel
 * @cases: (nullable): a list model of #CtCaseItem
 *
 * Shows @cases, sorted and filtered.
 */
void
ct_case_filter_model_set_model (CtCaseFilterModel *self,
                                GListModel        *cases)
{
  g_return_if_fail (CT_IS_CASE_FILTER_MODEL (self));
  g_return_if_fail (cases == NULL || G_IS_LIST_MODEL (cases));

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed_cb, self);
  g_set_object (&self->cases, cases);
  if (cases != NULL)
    g_signal_connect (cases, "items-changed", G_CALLBACK (on_cases_changed_cb), self);

  reload (self);
}

/**
 * ct_case_filter_model_changed:
 * @self: a #CtCaseFilterModel
 * @change: how the filter changed
 *
 * Filters the cases again, after what the filter function looks at has
 * changed. A stricter filter looks only at the cases shown; a less strict
 * one only at those hidden.
 */
void
ct_case_filter_model_changed (CtCaseFilterModel *self,
                              GtkFilterChange    change)
{
  g_return_if_fail (CT_IS_CASE_FILTER_MODEL (self));

  refilter (self, change, TRUE);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-slot-model"

#include "config.h"

#include "ct-case-slot-model.h"

/*
 * The places of a case list, over a filtered list of cases. A list view
 * keeps a row widget for each item of its model that it has on screen or
 * near it (two hundred in GTK 4.8) and, when an item is removed, throws its
 * row away and builds a new one for whatever takes its place. When a search
 * narrows ten thousand cases, almost every row on screen shows another case,
 * and building and laying out two hundred rows from scratch took most of the
 * time between a keystroke and the list on screen.
 *
 * Here the items are places (CtCaseSlot), which stay as they are: a change
 * in the cases puts other cases in the places that exist, and the model
 * itself only grows or shrinks at its end. A row keeps its widgets and
 * changes only the text that differs.
 *
 * A slot exists only while someone holds it (the view's rows): at most a
 * few hundred, however many cases there are.
 */
struct _CtCaseSlotModel
{
  GObject     parent_instance;

  GListModel *cases;
  guint       n_items;
  GHashTable *slots; /* position -> borrowed CtCaseSlot, while it is alive */
};

static void ct_case_slot_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CtCaseSlotModel, ct_case_slot_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ct_case_slot_model_iface_init))

static GType
ct_case_slot_model_get_item_type (GListModel *model)
{
  return CT_TYPE_CASE_SLOT;
}

static guint
ct_case_slot_model_get_n_items (GListModel *model)
{
  return CT_CASE_SLOT_MODEL (model)->n_items;
}

static void
on_slot_finalized_cb (gpointer  user_data,
                      GObject  *where_the_object_was)
{
  CtCaseSlotModel *self = user_data;
  /* Weak references are told while the object is disposed, before its
   * memory goes, so its position can still be read. */
  gpointer key = GUINT_TO_POINTER (ct_case_slot_get_position (CT_CASE_SLOT (where_the_object_was)));

  if (g_hash_table_lookup (self->slots, key) == (gpointer) where_the_object_was)
    g_hash_table_remove (self->slots, key);
}

static void
forget_slot (CtCaseSlotModel *self,
             CtCaseSlot      *slot)
{
  g_object_weak_unref (G_OBJECT (slot), on_slot_finalized_cb, self);
}

static gpointer
ct_case_slot_model_get_item (GListModel *model,
                             guint       position)
{
  CtCaseSlotModel *self = CT_CASE_SLOT_MODEL (model);
  g_autoptr(CtCaseItem) item = NULL;
  CtCaseSlot *slot;

  if (position >= self->n_items)
    return NULL;

  slot = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  if (slot != NULL)
    return g_object_ref (slot);

  item = g_list_model_get_item (self->cases, position);
  slot = ct_case_slot_new (position, item);
  g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), slot);
  g_object_weak_ref (G_OBJECT (slot), on_slot_finalized_cb, self);
  return slot;
}

static void
ct_case_slot_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ct_case_slot_model_get_item_type;
  iface->get_n_items = ct_case_slot_model_get_n_items;
  iface->get_item = ct_case_slot_model_get_item;
}

static void
on_cases_changed_cb (GListModel      *cases,
                     guint            position,
                     guint            removed,
                     guint            added,
                     CtCaseSlotModel *self)
{
  guint old_n = self->n_items;
  guint new_n = g_list_model_get_n_items (cases);
  g_autoptr(GPtrArray) moved = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  self->n_items = new_n;

  /* Places past the new end go; the rest from @position on show whatever
   * case is there now. Collected first, because notifying a row can make
   * it drop its slot. */
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint at = GPOINTER_TO_UINT (key);

      if (at >= new_n)
        {
          forget_slot (self, value);
          g_hash_table_iter_remove (&iter);
        }
      else if (at >= position)
        g_ptr_array_add (moved, g_object_ref (value));
    }

  for (guint i = 0; i < moved->len; i++)
    {
      CtCaseSlot *slot = g_ptr_array_index (moved, i);
      g_autoptr(CtCaseItem) item = g_list_model_get_item (cases, ct_case_slot_get_position (slot));

      ct_case_slot_set_item (slot, item);
      g_object_unref (slot);
    }

  if (new_n < old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
  else if (new_n > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
}

static void
ct_case_slot_model_dispose (GObject *object)
{
  CtCaseSlotModel *self = CT_CASE_SLOT_MODEL (object);

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed_cb, self);
  g_clear_object (&self->cases);

  if (self->slots != NULL)
    {
      GHashTableIter iter;
      gpointer slot;

      g_hash_table_iter_init (&iter, self->slots);
      while (g_hash_table_iter_next (&iter, NULL, &slot))
        forget_slot (self, slot);
      g_clear_pointer (&self->slots, g_hash_table_unref);
    }

  G_OBJECT_CLASS (ct_case_slot_model_parent_class)->dispose (object);
}

static void
ct_case_slot_model_class_init (CtCaseSlotModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ct_case_slot_model_dispose;
}

static void
ct_case_slot_model_init (CtCaseSlotModel *self)
{
  self->slots = g_hash_table_new (NULL, NULL);
}

/**
 * ct_case_slot_model_new:
 * @cases: a list model of #CtCaseItem
 *
 * Returns: (transfer full): the places of a list showing @cases.
 */
CtCaseSlotModel *
ct_case_slot_model_new (GListModel *cases)
{
  CtCaseSlotModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (cases), NULL);

  self = g_object_new (CT_TYPE_CASE_SLOT_MODEL, NULL);
  self->cases = g_object_ref (cases);
  self->n_items = g_list_model_get_n_items (cases);
  g_signal_connect (cases, "items-changed", G_CALLBACK (on_cases_changed_cb), self);
  return self;
}

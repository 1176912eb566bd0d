/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-list-model"

#include "config.h"

#include "ct-case-list-model.h"

/*
 * The cases the store holds, as a list model for the views. Changes arrive
 * in batches (a whole load, one saved case) and each batch is announced with
 * one items-changed signal, so a view re-binds only what it shows.
 */
struct _CtCaseListModel
{
  GObject     parent_instance;

  GPtrArray  *items;
  GHashTable *by_case_id; /* borrowed case id -> position + 1 */
};

static void ct_case_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CtCaseListModel, ct_case_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ct_case_list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ct_case_list_model_get_item_type (GListModel *model)
{
  return CT_TYPE_CASE_ITEM;
}

static guint
ct_case_list_model_get_n_items (GListModel *model)
{
  return CT_CASE_LIST_MODEL (model)->items->len;
}

static gpointer
ct_case_list_model_get_item (GListModel *model,
                             guint       position)
{
  CtCaseListModel *self = CT_CASE_LIST_MODEL (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ct_case_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ct_case_list_model_get_item_type;
  iface->get_n_items = ct_case_list_model_get_n_items;
  iface->get_item = ct_case_list_model_get_item;
}

static void
ct_case_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CtCaseListModel *self = CT_CASE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_case_list_model_finalize (GObject *object)
{
  CtCaseListModel *self = CT_CASE_LIST_MODEL (object);

  g_clear_pointer (&self->by_case_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (ct_case_list_model_parent_class)->finalize (object);
}

static void
ct_case_list_model_class_init (CtCaseListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_case_list_model_finalize;
  object_class->get_property = ct_case_list_model_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_case_list_model_init (CtCaseListModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_case_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * ct_case_list_model_new:
 *
 * Returns: (transfer full): an empty model.
 */
CtCaseListModel *
ct_case_list_model_new (void)
{
  return g_object_new (CT_TYPE_CASE_LIST_MODEL, NULL);
}

/**
 * ct_case_list_model_replace_all:
 * @self: a #CtCaseListModel
 * @items: (element-type CtCaseItem): the new contents
 *
 * Replaces every item with @items, announced as one change.
 */
void
ct_case_list_model_replace_all (CtCaseListModel *self,
                                GPtrArray       *items)
{
  guint removed;

  g_return_if_fail (CT_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (items != NULL);

  removed = self->items->len;
  g_hash_table_remove_all (self->by_case_id);
  g_ptr_array_set_size (self->items, 0);

  for (guint i = 0; i < items->len; i++)
    {
      CtCaseItem *item = g_ptr_array_index (items, i);

      g_return_if_fail (CT_IS_CASE_ITEM (item));
      g_ptr_array_add (self->items, g_object_ref (item));
      g_hash_table_insert (self->by_case_id, (gpointer) ct_case_item_get_case_id (item),
                           GUINT_TO_POINTER (i + 1));
    }

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
  if (removed != self->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * ct_case_list_model_add_missing:
 * @self: a #CtCaseListModel
 * @items: (element-type CtCaseItem): cases read after the first
 *
 * Adds at the end those of @items whose case is not in @self yet,
 * announced as one change; a case already there (saved meanwhile) stays
 * as it is.
 */
void
ct_case_list_model_add_missing (CtCaseListModel *self,
                                GPtrArray       *items)
{
  guint before;

  g_return_if_fail (CT_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (items != NULL);

  before = self->items->len;
  for (guint i = 0; i < items->len; i++)
    {
      CtCaseItem *item = g_ptr_array_index (items, i);
      const char *case_id = ct_case_item_get_case_id (item);

      if (g_hash_table_contains (self->by_case_id, case_id))
        continue;
      g_ptr_array_add (self->items, g_object_ref (item));
      g_hash_table_insert (self->by_case_id, (gpointer) case_id,
                           GUINT_TO_POINTER (self->items->len));
    }

  if (self->items->len == before)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->items->len - before);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * ct_case_list_model_upsert:
 * @self: a #CtCaseListModel
 * @item: a case
 *
 * Replaces the item for the same case, or adds @item at the end.
 */
void
ct_case_list_model_upsert (CtCaseListModel *self,
                           CtCaseItem      *item)
{
  gpointer found;
  const char *case_id;

  g_return_if_fail (CT_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (CT_IS_CASE_ITEM (item));

  case_id = ct_case_item_get_case_id (item);
  found = g_hash_table_lookup (self->by_case_id, case_id);

  if (found != NULL)
    {
      guint position = GPOINTER_TO_UINT (found) - 1;
      CtCaseItem *old = g_ptr_array_index (self->items, position);

      g_ptr_array_index (self->items, position) = g_object_ref (item);
      /* The key borrowed the old item's string; point it at the new one
       * before the old item goes. */
      g_hash_table_replace (self->by_case_id, (gpointer) case_id, found);
      g_object_unref (old);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }

  g_ptr_array_add (self->items, g_object_ref (item));
  g_hash_table_insert (self->by_case_id, (gpointer) case_id,
                       GUINT_TO_POINTER (self->items->len));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/**
 * ct_case_list_model_lookup:
 * @self: a #CtCaseListModel
 * @case_id: a case's record id
 *
 * Returns: (transfer none) (nullable): the item for @case_id.
 */
CtCaseItem *
ct_case_list_model_lookup (CtCaseListModel *self,
                           const char      *case_id)
{
  gpointer found;

  g_return_val_if_fail (CT_IS_CASE_LIST_MODEL (self), NULL);

  found = g_hash_table_lookup (self->by_case_id, case_id);
  if (found == NULL)
    return NULL;

  return g_ptr_array_index (self->items, GPOINTER_TO_UINT (found) - 1);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-slot"

#include "config.h"

#include "ct-case-slot.h"

/*
 * One place in a case list, and the case shown there now. A search changes
 * which case each place shows, not the places: a row bound to a slot stays
 * where it is and only changes its text (see CtCaseSlotModel).
 */
struct _CtCaseSlot
{
  GObject     parent_instance;

  guint       position;
  CtCaseItem *item;
};

G_DEFINE_FINAL_TYPE (CtCaseSlot, ct_case_slot, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ct_case_slot_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CtCaseSlot *self = CT_CASE_SLOT (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_case_slot_dispose (GObject *object)
{
  CtCaseSlot *self = CT_CASE_SLOT (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (ct_case_slot_parent_class)->dispose (object);
}

static void
ct_case_slot_class_init (CtCaseSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_case_slot_dispose;
  object_class->get_property = ct_case_slot_get_property;

  /**
   * CtCaseSlot:item:
   *
   * The case shown in this place of the list.
   */
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, CT_TYPE_CASE_ITEM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_case_slot_init (CtCaseSlot *self)
{
}

/**
 * ct_case_slot_new:
 * @position: the place in the list
 * @item: the case shown there
 *
 * Returns: (transfer full): a new slot.
 */
CtCaseSlot *
ct_case_slot_new (guint       position,
                  CtCaseItem *item)
{
  CtCaseSlot *self = g_object_new (CT_TYPE_CASE_SLOT, NULL);

  self->position = position;
  self->item = item ? g_object_ref (item) : NULL;
  return self;
}

guint
ct_case_slot_get_position (CtCaseSlot *self)
{
  g_return_val_if_fail (CT_IS_CASE_SLOT (self), 0);
  return self->position;
}

/**
 * ct_case_slot_get_item:
 * @self: a #CtCaseSlot
 *
 * Returns: (transfer none) (nullable): the case shown in this place.
 */
CtCaseItem *
ct_case_slot_get_item (CtCaseSlot *self)
{
  g_return_val_if_fail (CT_IS_CASE_SLOT (self), NULL);
  return self->item;
}

/**
 * ct_case_slot_set_item:
 * @self: a #CtCaseSlot
 * @item: (nullable): the case to show in this place
 *
 * Puts another case in this place; notifies #CtCaseSlot:item if it differs.
 */
void
ct_case_slot_set_item (CtCaseSlot *self,
                       CtCaseItem *item)
{
  g_return_if_fail (CT_IS_CASE_SLOT (self));

  if (g_set_object (&self->item, item))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

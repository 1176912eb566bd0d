/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-choice-row"

#include "config.h"

#include "ct-choice-row.h"

/*
 * A question with a few answers shown side by side as toggle buttons, of
 * which one may be chosen. Unlike a drop-down, every answer is visible at
 * once, nothing is chosen until the user chooses, and each answer is a
 * button that keyboards and screen readers can press directly. The buttons
 * wrap onto more lines on narrow windows. Screen readers meet them as what
 * they are: a radio group named by the question, of radio buttons that are
 * checked or not.
 */
struct _CtChoiceRow
{
  AdwPreferencesRow  parent_instance;

  GtkLabel          *title_label;
  GtkBox            *options;
  GtkToggleButton   *group;
  GPtrArray         *values;
  GPtrArray         *buttons;
  char              *value;
};

G_DEFINE_FINAL_TYPE (CtChoiceRow, ct_choice_row, ADW_TYPE_PREFERENCES_ROW)

enum {
  PROP_0,
  PROP_VALUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_toggled_cb (GtkToggleButton *button,
               CtChoiceRow     *self)
{
  const char *value = NULL;

  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (button) ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                                     : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
  for (guint i = 0; i < self->buttons->len; i++)
    if (gtk_toggle_button_get_active (g_ptr_array_index (self->buttons, i)))
      value = g_ptr_array_index (self->values, i);

  if (g_strcmp0 (value, self->value) == 0)
    return;

  g_free (self->value);
  self->value = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

static void
ct_choice_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CtChoiceRow *self = CT_CHOICE_ROW (object);

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_choice_row_finalize (GObject *object)
{
  CtChoiceRow *self = CT_CHOICE_ROW (object);

  g_ptr_array_unref (self->values);
  g_ptr_array_unref (self->buttons);
  g_free (self->value);

  G_OBJECT_CLASS (ct_choice_row_parent_class)->finalize (object);
}

static void
ct_choice_row_class_init (CtChoiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_choice_row_finalize;
  object_class->get_property = ct_choice_row_get_property;

  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_choice_row_init (CtChoiceRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->values = g_ptr_array_new_with_free_func (g_free);
  self->buttons = g_ptr_array_new ();

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_wrap (self->title_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));

  self->options = g_object_new (GTK_TYPE_BOX,
                                "orientation", GTK_ORIENTATION_HORIZONTAL,
                                "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO_GROUP,
                                NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->options), "linked");
  gtk_widget_add_css_class (GTK_WIDGET (self->options), "ct-choice");
  gtk_widget_set_halign (GTK_WIDGET (self->options), GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->options));

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
}

/**
 * ct_choice_row_new:
 * @title: the question
 *
 * Returns: (transfer floating): a new row with no answers yet.
 */
GtkWidget *
ct_choice_row_new (const char *title)
{
  CtChoiceRow *self = g_object_new (CT_TYPE_CHOICE_ROW, "title", title, NULL);

  gtk_label_set_text (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->options), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  return GTK_WIDGET (self);
}

/**
 * ct_choice_row_add:
 * @self: a #CtChoiceRow
 * @value: what the answer is stored as
 * @label: what the answer says
 *
 * Adds an answer.
 */
void
ct_choice_row_add (CtChoiceRow *self,
                   const char  *value,
                   const char  *label)
{
  GtkWidget *button = g_object_new (GTK_TYPE_TOGGLE_BUTTON,
                                    "label", label,
                                    "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO,
                                    NULL);
  GtkWidget *text = gtk_button_get_child (GTK_BUTTON (button));

  /* Long answers wrap rather than widen the window. */
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_xalign (GTK_LABEL (text), 0);

  g_return_if_fail (CT_IS_CHOICE_ROW (self));

  if (self->group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->group);
  else
    self->group = GTK_TOGGLE_BUTTON (button);

  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED,
                               GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  g_signal_connect (button, "toggled", G_CALLBACK (on_toggled_cb), self);
  gtk_box_append (self->options, button);
  g_ptr_array_add (self->values, g_strdup (value));
  g_ptr_array_add (self->buttons, button);

  if (self->buttons->len > 2)
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->options), GTK_ORIENTATION_VERTICAL);
      gtk_box_set_spacing (self->options, 6);
      gtk_widget_remove_css_class (GTK_WIDGET (self->options), "linked");
      gtk_widget_set_halign (GTK_WIDGET (self->options), GTK_ALIGN_FILL);
    }
}

/**
 * ct_choice_row_get_value:
 * @self: a #CtChoiceRow
 *
 * Returns: (nullable): the chosen answer's value, or %NULL if none is.
 */
const char *
ct_choice_row_get_value (CtChoiceRow *self)
{
  g_return_val_if_fail (CT_IS_CHOICE_ROW (self), NULL);
  return self->value;
}

/**
 * ct_choice_row_set_value:
 * @self: a #CtChoiceRow
 * @value: (nullable): the answer to choose, or %NULL for none
 */
void
ct_choice_row_set_value (CtChoiceRow *self,
                         const char  *value)
{
  g_return_if_fail (CT_IS_CHOICE_ROW (self));

  for (guint i = 0; i < self->buttons->len; i++)
    gtk_toggle_button_set_active (g_ptr_array_index (self->buttons, i),
                                  g_strcmp0 (g_ptr_array_index (self->values, i), value) == 0);
}

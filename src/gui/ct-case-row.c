/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-row"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-case-row.h"
#include "ct-format.h"

/*
 * The widget a case list shows for one case. Views recycle rows: a row is
 * bound to one item after another and never owns data of its own.
 */
struct _CtCaseRow
{
  GtkWidget   parent_instance;

  CtCaseItem *item;

  GtkLabel   *children_label;
  GtkLabel   *due_label;
  GtkLabel   *step_label;
  GtkLabel   *reference_label;
  GtkLabel   *dso_label;
};

G_DEFINE_FINAL_TYPE (CtCaseRow, ct_case_row, GTK_TYPE_WIDGET)

static void
ct_case_row_dispose (GObject *object)
{
  CtCaseRow *self = CT_CASE_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (ct_case_row_parent_class)->dispose (object);
}

static void
ct_case_row_class_init (CtCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_case_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ct-case-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CtCaseRow, children_label);
  gtk_widget_class_bind_template_child (widget_class, CtCaseRow, due_label);
  gtk_widget_class_bind_template_child (widget_class, CtCaseRow, step_label);
  gtk_widget_class_bind_template_child (widget_class, CtCaseRow, reference_label);
  gtk_widget_class_bind_template_child (widget_class, CtCaseRow, dso_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ct-case-row");
}

/* The exact due time, written only when someone points at the time left:
 * setting a tooltip on every row as it is bound costs more than the rest of
 * binding it. */
static gboolean
on_due_query_tooltip_cb (GtkWidget  *label,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         CtCaseRow  *self)
{
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (self->item == NULL || ct_case_item_get_due_at (self->item) == 0)
    return FALSE;

  when = ct_format_instant (ct_case_item_get_due_at (self->item));
  text = g_strdup_printf (_("Due %s"), when);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
ct_case_row_init (CtCaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->due_label), TRUE);
  g_signal_connect (self->due_label, "query-tooltip", G_CALLBACK (on_due_query_tooltip_cb),
                    self);
}

/**
 * ct_case_row_new:
 *
 * Returns: (transfer floating): a new, unbound row.
 */
GtkWidget *
ct_case_row_new (void)
{
  return g_object_new (CT_TYPE_CASE_ROW, NULL);
}

static void
update_accessible_label (CtCaseRow *self)
{
  g_autoptr(GString) label = NULL;
  const char *parts[4];
  GtkWidget *parent;

  if (self->item == NULL)
    return;

  /* Screen readers read a row as one sentence: who, where in the procedure,
   * and how urgent; a closed case has nothing due, and says nothing of it. */
  parts[0] = ct_case_item_get_reference (self->item);
  parts[1] = gtk_label_get_text (self->children_label);
  parts[2] = gtk_label_get_text (self->step_label);
  parts[3] = gtk_label_get_text (self->due_label);
  label = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      if (label->len > 0)
        g_string_append (label, ", ");
      g_string_append (label, parts[i]);
    }

  /* The sentence goes on what takes the keyboard focus: in a list view,
   * the list's row around this widget. */
  parent = gtk_widget_get_parent (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (parent != NULL && gtk_widget_get_focusable (parent)
                                                  ? parent : GTK_WIDGET (self)),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label->str,
                                  -1);
}

/**
 * ct_case_row_update_due:
 * @self: a #CtCaseRow
 * @now: the current time, unix microseconds
 *
 * Refreshes the time left or overdue, which changes as time passes.
 */
void
ct_case_row_update_due (CtCaseRow *self,
                        gint64     now)
{
  g_autofree char *due = NULL;
  gboolean overdue = FALSE;

  g_return_if_fail (CT_IS_CASE_ROW (self));

  if (self->item != NULL)
    due = ct_format_due_relative (ct_case_item_get_due_at (self->item), now, &overdue);

  gtk_label_set_text (self->due_label, due ? due : "");
  /* An empty label would be read as "label". */
  gtk_widget_set_visible (GTK_WIDGET (self->due_label), due != NULL && *due != '\0');
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->due_label), "overdue");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->due_label), "overdue");

  update_accessible_label (self);
}

/**
 * ct_case_row_set_item:
 * @self: a #CtCaseRow
 * @item: (nullable): the case to show
 *
 * Binds the row to @item.
 */
void
ct_case_row_set_item (CtCaseRow  *self,
                      CtCaseItem *item)
{
  g_autofree char *dso = NULL;
  const char *children;
  const char *step;

  g_return_if_fail (CT_IS_CASE_ROW (self));

  if (!g_set_object (&self->item, item) || item == NULL)
    return;

  children = ct_case_item_get_children (item);
  step = ct_case_item_get_step (item);

  gtk_label_set_text (self->children_label,
                      children && *children ? children : _("No child named yet"));
  gtk_label_set_text (self->step_label, step ? step : "");
  /* The urgent path is shown above everything else, in the error colour. */
  if (ct_case_item_get_urgent (item))
    gtk_widget_add_css_class (GTK_WIDGET (self->step_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->step_label), "error");
  gtk_label_set_text (self->reference_label, ct_case_item_get_reference (item));
  if (ct_case_item_get_dso (item) != NULL && *ct_case_item_get_dso (item) != '\0')
    /* Translators: the designated safeguarding officer responsible for a case. */
    dso = g_strdup_printf (_("DSO: %s"), ct_case_item_get_dso (item));
  gtk_label_set_text (self->dso_label, dso ? dso : "");

  ct_case_row_update_due (self, g_get_real_time ());
}

/**
 * ct_case_row_get_item:
 * @self: a #CtCaseRow
 *
 * Returns: (transfer none) (nullable): the case shown.
 */
CtCaseItem *
ct_case_row_get_item (CtCaseRow *self)
{
  g_return_val_if_fail (CT_IS_CASE_ROW (self), NULL);
  return self->item;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-child-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-child-dialog.h"
#include "ct-choice-row.h"
#include "ct-format.h"

/*
 * Editing a child's details. The change is saved as a new version of the
 * record; the store keeps the previous one, so the history of what was known
 * when stays readable.
 */
typedef struct
{
  const char *field;
  const char *label;
} TextField;

static const TextField text_fields[] = {
  { "given-names", N_("Given names") },
  { "family-name", N_("Family name") },
  { "date-of-birth", N_("Date of birth (DD/MM/YYYY)") },
  { "gender", N_("Gender") },
  { "address", N_("Address") },
  { "area", N_("Local authority area where the child lives") },
  { "school", N_("School or setting") },
  { "gp", N_("GP") },
  { "language", N_("Language") },
  { "disability", N_("Disability or additional needs") },
  { "lead-worker", N_("Lead worker") },
  { "lead-worker-contact", N_("Lead worker’s contact") },
  { "agencies-involved", N_("Other agencies involved (school nurse, health visitor, CAMHS…)") },
  { "whereabouts", N_("Where the child is now") },
};

struct _CtChildDialog
{
  AdwWindow        parent_instance;

  CtRecord        *child;
  GtkWidget       *rows[G_N_ELEMENTS (text_fields)];
  CtChoiceRow     *status_row;
  GtkLabel        *problem_label;
  gboolean         saving;
};

G_DEFINE_FINAL_TYPE (CtChildDialog, ct_child_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * ct_child_dialog_build_record:
 * @self: a #CtChildDialog
 * @error: return location for an error
 *
 * Returns: (transfer full): a copy of the child with the changes, ready to
 *   be saved as a correction, or %NULL if something typed is not valid.
 */
CtRecord *
ct_child_dialog_build_record (CtChildDialog  *self,
                              GError        **error)
{
  g_autoptr(CtRecord) child = ct_record_copy (self->child);

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                      GTK_EDITABLE (self->rows[i]))));

      if (g_str_equal (text_fields[i].field, "date-of-birth") && *text != '\0')
        {
          g_autofree char *iso = NULL;

          if (!ct_parse_date (text, &iso))
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("The date of birth is not a date. Write it as day, month "
                                     "and year, for example 14/07/2015."));
              return NULL;
            }
          ct_record_set_string (child, "date-of-birth", iso);
          continue;
        }

      if ((g_str_equal (text_fields[i].field, "given-names") ||
           g_str_equal (text_fields[i].field, "family-name")) && *text == '\0')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("A child needs a given name and a family name."));
          return NULL;
        }

      if (*text != '\0')
        ct_record_set_string (child, text_fields[i].field, text);
      else
        ct_record_remove_field (child, text_fields[i].field);
    }

  if (ct_choice_row_get_value (self->status_row) != NULL)
    ct_record_set_string (child, "status", ct_choice_row_get_value (self->status_row));

  return g_steal_pointer (&child);
}

static void
on_save_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtChildDialog *self = CT_CHILD_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) child = ct_child_dialog_build_record (self, &error);

  if (child == NULL)
    {
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }

  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "child.save", FALSE);
  g_signal_emit (self, signals[SIGNAL_SAVE], 0, child);
}

/**
 * ct_child_dialog_save_finished:
 * @self: a #CtChildDialog
 * @error: (nullable): why the change was not saved
 *
 * Closes the form on success; otherwise says why and keeps what was typed.
 */
void
ct_child_dialog_save_finished (CtChildDialog *self,
                               const GError  *error)
{
  g_return_if_fail (CT_IS_CHILD_DIALOG (self));

  self->saving = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "child.save", TRUE);

  if (error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("The change was not saved: %s"),
                                                error->message);

    gtk_label_set_text (self->problem_label, message);
    gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
  }
}

static gboolean
ct_child_dialog_close_request (GtkWindow *window)
{
  if (CT_CHILD_DIALOG (window)->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (ct_child_dialog_parent_class)->close_request (window);
}

static void
ct_child_dialog_dispose (GObject *object)
{
  g_clear_object (&CT_CHILD_DIALOG (object)->child);

  G_OBJECT_CLASS (ct_child_dialog_parent_class)->dispose (object);
}

static void
ct_child_dialog_class_init (CtChildDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_child_dialog_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = ct_child_dialog_close_request;

  /**
   * CtChildDialog::save:
   * @self: the form
   * @child: the changed CHILD record
   *
   * Emitted when the user saves; the handler stores the change and calls
   * ct_child_dialog_save_finished().
   */
  signals[SIGNAL_SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CT_TYPE_RECORD);

  gtk_widget_class_install_action (widget_class, "child.save", NULL, on_save_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "child.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ct_child_dialog_init (CtChildDialog *self)
{
}

/**
 * ct_child_dialog_new:
 * @child: the CHILD record to edit
 *
 * Returns: (transfer full): a form filled with @child's details.
 */
CtChildDialog *
ct_child_dialog_new (CtRecord *child)
{
  CtChildDialog *self;
  GtkWidget *box, *header, *cancel, *save, *page, *group, *status_group, *problem_group;
  static const char *statuses[][2] = {
    { "none", N_("None known") },
    { "early-help", N_("Early help") },
    { "child-in-need", N_("Child in need") },
    { "child-protection-plan", N_("Child protection plan") },
    { "looked-after", N_("Looked after") },
  };

  g_return_val_if_fail (CT_IS_RECORD (child), NULL);

  self = g_object_new (CT_TYPE_CHILD_DIALOG,
                       "title", _("Edit the Child’s Details"),
                       "modal", TRUE,
                       "default-width", 600,
                       "default-height", 720,
                       "width-request", 360,
                       "height-request", 294,
                       NULL);
  self->child = g_object_ref (child);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "child.save");
  gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Save the child’s details"), -1);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Child"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Changes are kept as a new version; the earlier "
                                           "details stay in the record’s history."));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      const char *value = ct_record_get_string (child, text_fields[i].field);
      GtkWidget *row = adw_entry_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(text_fields[i].label));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(text_fields[i].label), -1);
      if (g_str_equal (text_fields[i].field, "date-of-birth") && value != NULL)
        {
          g_autofree char *text = ct_format_date_for_entry (value);

          gtk_editable_set_text (GTK_EDITABLE (row), text);
        }
      else if (value != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), value);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->rows[i] = row;
    }

  status_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (status_group), _("Status"));
  self->status_row = CT_CHOICE_ROW (ct_choice_row_new (_("The child’s status")));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    ct_choice_row_add (self->status_row, statuses[i][0], _(statuses[i][1]));
  ct_choice_row_set_value (self->status_row, ct_record_get_string (child, "status"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), GTK_WIDGET (self->status_row));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (status_group));

  problem_group = adw_preferences_group_new ();
  self->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->problem_label, TRUE);
  gtk_label_set_xalign (self->problem_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (problem_group),
                             GTK_WIDGET (self->problem_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (problem_group));

  adw_window_set_content (ADW_WINDOW (self), box);

  return self;
}

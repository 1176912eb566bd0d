/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-form-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-date-button.h"
#include "ct-form-window.h"
#include "ct-format.h"
#include "ct-procedure.h"

/*
 * A form that edits records in its own window: Cancel and Save in the
 * header bar (Ctrl+S saves, Escape cancels), the questions on a preferences
 * page, and a problem shown at the top in the error colour. Saving asks the
 * subclass for the records, emits ::save for the owner to store them, and
 * waits for ct_form_window_save_finished(): the form closes when they are
 * stored and otherwise stays open, filled in, saying why.
 */
typedef struct
{
  AdwPreferencesPage *page;
  GtkWidget          *save_button;
  GtkLabel           *problem_label;
  gboolean            saving;
} CtFormWindowPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (CtFormWindow, ct_form_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_problem (CtFormWindow *self,
              const char   *message)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  gtk_label_set_text (priv->problem_label, message);
  gtk_widget_set_visible (GTK_WIDGET (priv->problem_label), TRUE);
}

/**
 * ct_form_window_build_records:
 * @self: a #CtFormWindow
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtRecord): what the form would
 *   save, or %NULL if something typed is not valid.
 */
GPtrArray *
ct_form_window_build_records (CtFormWindow  *self,
                              GError       **error)
{
  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), NULL);
  g_return_val_if_fail (CT_FORM_WINDOW_GET_CLASS (self)->build_records != NULL, NULL);

  return CT_FORM_WINDOW_GET_CLASS (self)->build_records (self, error);
}

static void
on_save_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtFormWindow *self = CT_FORM_WINDOW (widget);
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  if (priv->saving)
    return;

  records = ct_form_window_build_records (self, &error);
  if (records == NULL)
    {
      show_problem (self, error->message);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (priv->problem_label), FALSE);
  if (records->len == 0)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  priv->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "form.save", FALSE);
  g_signal_emit (self, signals[SIGNAL_SAVE], 0, records);
}

/**
 * ct_form_window_save_finished:
 * @self: a #CtFormWindow
 * @error: (nullable): why the records were not saved
 *
 * Closes the form on success; otherwise says why and keeps what was typed.
 */
void
ct_form_window_save_finished (CtFormWindow *self,
                              const GError *error)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));

  priv->saving = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", TRUE);

  if (error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("The change was not saved: %s"),
                                                error->message);
    show_problem (self, message);
  }
}

/**
 * ct_form_window_get_page:
 * @self: a #CtFormWindow
 *
 * Returns: (transfer none): the page the subclass adds its groups to.
 */
AdwPreferencesPage *
ct_form_window_get_page (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), NULL);
  return priv->page;
}

/**
 * ct_form_window_set_save_label:
 * @self: a #CtFormWindow
 * @accessible_label: what a screen reader calls the Save button, e.g.
 *   "Save the child’s details"
 */
void
ct_form_window_set_save_label (CtFormWindow *self,
                               const char   *accessible_label)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (priv->save_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label, -1);
}

/**
 * ct_form_window_new_entry_row:
 * @label: the question, also the row's accessible name
 * @value: (nullable): what is already known
 *
 * Returns: (transfer floating): an entry row for a form.
 */
GtkWidget *
ct_form_window_new_entry_row (const char *label,
                              const char *value)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), value);

  return row;
}

static gboolean
is_date (const CtFormField *field)
{
  return g_str_equal (field->field, "date-of-birth");
}

/**
 * ct_form_window_add_fields:
 * @group: where the rows go
 * @fields: (array length=n_fields): the questions
 * @n_fields: how many
 * @record: (nullable): what is known already
 * @out_rows: (array length=n_fields) (out caller-allocates): the rows made
 *
 * Adds an entry row for each field, filled from @record; dates are shown as
 * they are typed, "DD/MM/YYYY".
 */
void
ct_form_window_add_fields (AdwPreferencesGroup  *group,
                           const CtFormField    *fields,
                           guint                 n_fields,
                           CtRecord             *record,
                           GtkWidget           **out_rows)
{
  for (guint i = 0; i < n_fields; i++)
    {
      const char *value = record != NULL ? ct_record_get_string (record, fields[i].field) : NULL;
      g_autofree char *date = NULL;

      if (is_date (&fields[i]))
        value = date = ct_format_date_for_entry (value);
      out_rows[i] = ct_form_window_new_entry_row (_(fields[i].label), value);
      if (is_date (&fields[i]))
        ct_date_button_attach (ADW_ENTRY_ROW (out_rows[i]));
      adw_preferences_group_add (group, out_rows[i]);
    }
}

/**
 * ct_form_window_read_fields:
 * @fields: (array length=n_fields): the questions
 * @n_fields: how many
 * @rows: (array length=n_fields): their rows
 * @answers: the answers to add to, from ct_answers_new()
 * @error: return location for an error
 *
 * Adds what was typed to @answers, under each field's name: an empty answer
 * is an empty text (which removes the field, see ct_details_change_record()),
 * a date is given as "YYYY-MM-DD".
 *
 * Returns: %FALSE, with @answers partly filled, if a date is not a date
 */
gboolean
ct_form_window_read_fields (const CtFormField  *fields,
                            guint               n_fields,
                            GtkWidget         **rows,
                            GHashTable         *answers,
                            GError            **error)
{
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (
                                                      GTK_EDITABLE (rows[i]))));
      g_autofree char *iso = NULL;

      if (*text != '\0' && is_date (&fields[i]) && !ct_parse_date (text, &iso))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* Translators: %s is the question, e.g. "Date of birth". */
                       _("“%s” is not a date. Write it as day, month and year, for example "
                         "14/07/2015, or leave it empty."),
                       _(fields[i].label));
          return FALSE;
        }

      ct_answers_set_text (answers, fields[i].field, iso != NULL ? iso : text);
    }

  return TRUE;
}

static gboolean
ct_form_window_close_request (GtkWindow *window)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (CT_FORM_WINDOW (window));

  /* Not while the records are being written. */
  if (priv->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (ct_form_window_parent_class)->close_request (window);
}

static void
ct_form_window_class_init (CtFormWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  GTK_WINDOW_CLASS (klass)->close_request = ct_form_window_close_request;

  /**
   * CtFormWindow::save:
   * @self: the form
   * @records: (element-type CtRecord): the new or changed records
   *
   * Emitted when the user saves a change; the handler stores the records
   * in one transaction and calls ct_form_window_save_finished().
   */
  signals[SIGNAL_SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, on_save_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "form.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
ct_form_window_init (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);
  GtkWidget *box, *header, *cancel, *problem_group;

  g_object_set (self,
                "modal", TRUE,
                "default-width", 600,
                "default-height", 720,
                "width-request", 360,
                "height-request", 294,
                NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  priv->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (priv->save_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (priv->save_button), "form.save");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), priv->save_button);
  gtk_box_append (GTK_BOX (box), header);

  priv->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (priv->page), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (priv->page));

  /* The problem goes first, where it is seen without scrolling. */
  problem_group = adw_preferences_group_new ();
  priv->problem_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (priv->problem_label, TRUE);
  gtk_label_set_xalign (priv->problem_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (priv->problem_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (priv->problem_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (problem_group),
                             GTK_WIDGET (priv->problem_label));
  adw_preferences_page_add (priv->page, ADW_PREFERENCES_GROUP (problem_group));

  adw_window_set_content (ADW_WINDOW (self), box);
}

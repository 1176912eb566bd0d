/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-form-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-date-button.h"
#include "ct-form-window.h"
#include "ct-format.h"
#include "ct-help.h"
#include "ct-procedure.h"

/*
 * A form in its own window: Cancel and Save in the header bar (Ctrl+S
 * saves, Escape cancels, F1 opens the help page if there is one), the
 * questions on a preferences page, and a problem shown at the top in the
 * error colour. The "form.save" action is enabled while the form is valid
 * and nothing is being saved; activating it asks the subclass to prepare
 * what it saves (prepare_save, by default build_records), emits ::save for
 * the owner to store it, and waits for ct_form_window_save_finished(): the
 * form closes when it is stored and otherwise stays open, filled in, saying
 * why.
 */
typedef struct
{
  AdwPreferencesPage *page;
  GtkWidget          *save_button;
  GtkWidget          *help_button;
  GtkLabel           *problem_label;
  GPtrArray          *records;
  char               *help_page;
  gboolean            valid;
  gboolean            saving;
} CtFormWindowPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (CtFormWindow, ct_form_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_HELP_PAGE,
  PROP_VALID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SAVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_save_action (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.save", priv->valid && !priv->saving);
}

/**
 * ct_form_window_show_problem:
 * @self: a #CtFormWindow
 * @message: what is wrong, as a sentence
 *
 * Shows @message at the top of the form and gives it the keyboard focus,
 * so that it is scrolled into view and screen readers read it out.
 */
void
ct_form_window_show_problem (CtFormWindow *self,
                             const char   *message)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));

  gtk_label_set_text (priv->problem_label, message);
  gtk_widget_set_visible (GTK_WIDGET (priv->problem_label), TRUE);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (priv->problem_label));
      gtk_label_select_region (priv->problem_label, 0, 0);
    }
}

/**
 * ct_form_window_hide_problem:
 * @self: a #CtFormWindow
 *
 * Hides the problem shown, once the user changes something.
 */
void
ct_form_window_hide_problem (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));
  gtk_widget_set_visible (GTK_WIDGET (priv->problem_label), FALSE);
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

/**
 * ct_form_window_get_records:
 * @self: a #CtFormWindow
 *
 * Returns: (transfer none) (element-type CtRecord) (nullable): the records
 *   being saved, for a ::save handler of a form that edits records.
 */
GPtrArray *
ct_form_window_get_records (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), NULL);
  return priv->records;
}

static gboolean
ct_form_window_real_prepare_save (CtFormWindow  *self,
                                  GError       **error)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);
  GPtrArray *records;

  if (CT_FORM_WINDOW_GET_CLASS (self)->build_records == NULL)
    return TRUE;

  records = ct_form_window_build_records (self, error);
  if (records == NULL)
    return FALSE;

  g_clear_pointer (&priv->records, g_ptr_array_unref);
  priv->records = records;
  return records->len > 0;
}

static void
ct_form_window_real_save_failed (CtFormWindow *self,
                                 const GError *error)
{
  g_autofree char *message = g_strdup_printf (_("The change was not saved: %s"),
                                              error->message);

  ct_form_window_show_problem (self, message);
}

static void
on_save_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtFormWindow *self = CT_FORM_WINDOW (widget);
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  if (priv->saving || !priv->valid)
    return;

  if (!CT_FORM_WINDOW_GET_CLASS (self)->prepare_save (self, &error))
    {
      if (error != NULL)
        ct_form_window_show_problem (self, error->message);
      else
        gtk_window_close (GTK_WINDOW (self));
      return;
    }

  ct_form_window_hide_problem (self);
  priv->saving = TRUE;
  update_save_action (self);
  g_signal_emit (self, signals[SIGNAL_SAVE], 0);
}

/**
 * ct_form_window_save_finished:
 * @self: a #CtFormWindow
 * @error: (nullable): why it was refused or not saved
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
  g_clear_pointer (&priv->records, g_ptr_array_unref);
  update_save_action (self);

  if (error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  CT_FORM_WINDOW_GET_CLASS (self)->save_failed (self, error);
}

/**
 * ct_form_window_get_saving:
 * @self: a #CtFormWindow
 *
 * Returns: %TRUE between ::save and ct_form_window_save_finished()
 */
gboolean
ct_form_window_get_saving (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), FALSE);
  return priv->saving;
}

/**
 * ct_form_window_get_valid:
 * @self: a #CtFormWindow
 *
 * Returns: whether the form can be saved as it is filled in
 */
gboolean
ct_form_window_get_valid (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), FALSE);
  return priv->valid;
}

/**
 * ct_form_window_set_valid:
 * @self: a #CtFormWindow
 * @valid: whether the form can be saved
 *
 * Enables or disables "form.save", and so the Save button and Ctrl+S.
 */
void
ct_form_window_set_valid (CtFormWindow *self,
                          gboolean      valid)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));

  valid = !!valid;
  if (priv->valid == valid)
    return;

  priv->valid = valid;
  update_save_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

/**
 * ct_form_window_get_help_page:
 * @self: a #CtFormWindow
 *
 * Returns: (nullable): the user guide's page about this form
 */
const char *
ct_form_window_get_help_page (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), NULL);
  return priv->help_page;
}

/**
 * ct_form_window_set_help_page:
 * @self: a #CtFormWindow
 * @help_page: (nullable): the id of the user guide's page about this form
 *
 * With a page, the form has a Help button, and F1 opens the page.
 */
void
ct_form_window_set_help_page (CtFormWindow *self,
                              const char   *help_page)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  g_return_if_fail (CT_IS_FORM_WINDOW (self));

  if (g_strcmp0 (priv->help_page, help_page) == 0)
    return;

  g_free (priv->help_page);
  priv->help_page = g_strdup (help_page);

  gtk_widget_set_visible (priv->help_button, help_page != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.help", help_page != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELP_PAGE]);
}

static void
on_help_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (CT_FORM_WINDOW (widget));

  if (priv->help_page != NULL)
    ct_help_show (GTK_WINDOW (widget), priv->help_page);
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
      /* So that ct_form_window_describe_field() can name it. */
      g_object_set_data (G_OBJECT (out_rows[i]), "ct-form-field", (gpointer) fields[i].field);
      if (is_date (&fields[i]))
        ct_date_button_attach (ADW_ENTRY_ROW (out_rows[i]));
      adw_preferences_group_add (group, out_rows[i]);
    }
}

static GtkWidget *
find_field_row (GtkWidget  *widget,
                const char *field)
{
  const char *here = g_object_get_data (G_OBJECT (widget), "ct-form-field");

  if (here != NULL && g_str_equal (here, field))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_field_row (child, field);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * ct_form_window_describe_field:
 * @self: a #CtFormWindow
 * @field: a record's field name, e.g. "agencies-involved"
 *
 * Returns: (transfer none): the question the form asks for @field, as the
 *   user reads it, or @field itself when the form has no row made by
 *   ct_form_window_add_fields() for it
 */
const char *
ct_form_window_describe_field (CtFormWindow *self,
                               const char   *field)
{
  GtkWidget *row;

  g_return_val_if_fail (CT_IS_FORM_WINDOW (self), field);

  row = find_field_row (GTK_WIDGET (self), field);
  if (row == NULL)
    return field;
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
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

  /* Not while it is being written. */
  if (priv->saving)
    return TRUE;

  return GTK_WINDOW_CLASS (ct_form_window_parent_class)->close_request (window);
}

static void
ct_form_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CtFormWindow *self = CT_FORM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HELP_PAGE:
      g_value_set_string (value, ct_form_window_get_help_page (self));
      break;

    case PROP_VALID:
      g_value_set_boolean (value, ct_form_window_get_valid (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_form_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CtFormWindow *self = CT_FORM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HELP_PAGE:
      ct_form_window_set_help_page (self, g_value_get_string (value));
      break;

    case PROP_VALID:
      ct_form_window_set_valid (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_form_window_finalize (GObject *object)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (CT_FORM_WINDOW (object));

  g_clear_pointer (&priv->records, g_ptr_array_unref);
  g_free (priv->help_page);

  G_OBJECT_CLASS (ct_form_window_parent_class)->finalize (object);
}

static void
ct_form_window_class_init (CtFormWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ct_form_window_finalize;
  object_class->get_property = ct_form_window_get_property;
  object_class->set_property = ct_form_window_set_property;
  GTK_WINDOW_CLASS (klass)->close_request = ct_form_window_close_request;
  klass->prepare_save = ct_form_window_real_prepare_save;
  klass->save_failed = ct_form_window_real_save_failed;

  /**
   * CtFormWindow:help-page:
   *
   * The id of the user guide's page about the form, or %NULL.
   */
  properties[PROP_HELP_PAGE] =
    g_param_spec_string ("help-page", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * CtFormWindow:valid:
   *
   * Whether the form can be saved as it is filled in; "form.save" follows it.
   */
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CtFormWindow::save:
   * @self: the form
   *
   * Emitted when the user saves. The handler stores what the form holds
   * (ct_form_window_get_records(), or a subclass's own getter) and calls
   * ct_form_window_save_finished().
   */
  signals[SIGNAL_SAVE] =
    g_signal_new ("save", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-form-window.ui");
  gtk_widget_class_bind_template_child_private (widget_class, CtFormWindow, page);
  gtk_widget_class_bind_template_child_private (widget_class, CtFormWindow, save_button);
  gtk_widget_class_bind_template_child_private (widget_class, CtFormWindow, help_button);
  gtk_widget_class_bind_template_child_private (widget_class, CtFormWindow, problem_label);

  gtk_widget_class_install_action (widget_class, "form.save", NULL, on_save_activated_cb);
  gtk_widget_class_install_action (widget_class, "form.help", NULL, on_help_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "form.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "form.help", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
ct_form_window_init (CtFormWindow *self)
{
  CtFormWindowPrivate *priv = ct_form_window_get_instance_private (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  priv->valid = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.help", FALSE);
}

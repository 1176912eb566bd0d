/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-step-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ct-choice-row.h"
#include "ct-form-window.h"
#include "ct-date-button.h"
#include "ct-document-file-name.h"
#include "ct-format.h"
#include "ct-help.h"
#include "ct-lawful-basis.h"
#include "ct-record.h"

#include "ct-step-dialog.h"

/*
 * One step of the procedure as a form: the questions the core's table
 * (ct_step_form_get()) lists for that step, in order, and when the step
 * happened. Save is enabled only when every question that is always needed
 * has an answer and the time can be read; the procedure engine then checks
 * the rest (a reason for each exception that holds, a time that is not
 * before the previous step, …) and, if something is wrong, says what, and
 * the form stays open with its answers.
 */

typedef struct
{
  const CtQuestion *question;
  GtkWidget        *widget;  /* an entry row, a text view or a choice row */
} Field;

struct _CtStepDialog
{
  CtFormWindow          parent_instance;

  const CtStepForm     *form;
  GArray               *fields;

  AdwPreferencesGroup  *when_group;
  AdwEntryRow          *when_date_row;
  AdwEntryRow          *when_time_row;
  AdwActionRow         *copy_row;     /* confirmation-sent only */
  GtkWidget            *copy_clear;
  GFile                *copy_file;
};

G_DEFINE_FINAL_TYPE (CtStepDialog, ct_step_dialog, CT_TYPE_FORM_WINDOW)

/**
 * ct_step_dialog_has_form:
 * @event: an event of the procedure
 *
 * Returns: %TRUE if the procedure has a form for @event.
 */
gboolean
ct_step_dialog_has_form (CtEvent event)
{
  return ct_step_form_get (event) != NULL;
}

/* The text of an entry or a text view, without surrounding blanks. */
static char *
get_field_text (Field *field)
{
  if (GTK_IS_TEXT_VIEW (field->widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
    }

  if (GTK_IS_EDITABLE (field->widget))
    return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->widget))));

  return NULL;
}

/* The answer as it would be stored: text, "yes"/"no", a choice's id, or an
 * ISO date; %NULL if there is none. *out_bad is set if something typed
 * cannot be read. */
static char *
get_field_value (Field    *field,
                 gboolean *out_bad)
{
  g_autofree char *text = NULL;

  *out_bad = FALSE;
  if (CT_IS_CHOICE_ROW (field->widget))
    return g_strdup (ct_choice_row_get_value (CT_CHOICE_ROW (field->widget)));

  text = get_field_text (field);
  if (text == NULL || *text == '\0')
    return NULL;

  if (field->question->kind == CT_ANSWER_DATE)
    {
      char *iso = NULL;

      if (!ct_parse_date (text, &iso))
        *out_bad = TRUE;
      return iso;
    }

  return g_steal_pointer (&text);
}

static gboolean
field_answered (Field *field)
{
  gboolean bad;
  g_autofree char *value = get_field_value (field, &bad);

  if (bad)
    return FALSE;

  switch (field->question->need)
    {
    case CT_QUESTION_REQUIRED:
      return value != NULL;
    case CT_QUESTION_CONFIRM:
      return g_strcmp0 (value, "yes") == 0;
    case CT_QUESTION_CONDITIONAL:
    case CT_QUESTION_OPTIONAL:
    default:
      return TRUE;
    }
}

/**
 * ct_step_dialog_get_occurred_at:
 * @self: a #CtStepDialog
 *
 * Returns: (transfer full) (nullable): when the step happened, as typed, or
 *   %NULL if it cannot be read
 */
GDateTime *
ct_step_dialog_get_occurred_at (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), NULL);

  return ct_parse_date_time (gtk_editable_get_text (GTK_EDITABLE (self->when_date_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->when_time_row)));
}

/**
 * ct_step_dialog_set_occurred_at:
 * @self: a #CtStepDialog
 * @occurred_at: when the step happened
 *
 * Fills in when the step happened, for a default the user can change.
 */
void
ct_step_dialog_set_occurred_at (CtStepDialog *self,
                                GDateTime    *occurred_at)
{
  g_autofree char *date = NULL;
  g_autofree char *time = NULL;

  g_return_if_fail (CT_IS_STEP_DIALOG (self));
  g_return_if_fail (occurred_at != NULL);

  ct_format_for_entries (occurred_at, &date, &time);
  gtk_editable_set_text (GTK_EDITABLE (self->when_date_row), date);
  gtk_editable_set_text (GTK_EDITABLE (self->when_time_row), time);
}

static gboolean
time_is_valid (CtStepDialog *self)
{
  g_autoptr(GDateTime) at = ct_step_dialog_get_occurred_at (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  /* A minute's grace: the form shows minutes, and "now" moves on. */
  return at != NULL && g_date_time_difference (at, now) < G_TIME_SPAN_MINUTE;
}

/**
 * ct_step_dialog_is_complete:
 * @self: a #CtStepDialog
 *
 * Returns: %TRUE when every question that is always needed has an answer,
 *   every date typed can be read, and when the step happened can be read
 *   and is not in the future.
 */
gboolean
ct_step_dialog_is_complete (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), FALSE);

  for (guint i = 0; i < self->fields->len; i++)
    if (!field_answered (&g_array_index (self->fields, Field, i)))
      return FALSE;

  return time_is_valid (self);
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
update_validity (CtStepDialog *self)
{
  gboolean time_ok = time_is_valid (self);

  set_row_error (GTK_WIDGET (self->when_date_row), !time_ok);
  set_row_error (GTK_WIDGET (self->when_time_row), !time_ok);
  ct_form_window_set_valid (CT_FORM_WINDOW (self), ct_step_dialog_is_complete (self));
}

/**
 * ct_step_dialog_get_answers:
 * @self: a #CtStepDialog
 *
 * Returns: (transfer full): the answers, for ct_workflow_record_async();
 *   yes/no questions as booleans, the rest as text (dates as YYYY-MM-DD);
 *   unanswered ones left out.
 */
GHashTable *
ct_step_dialog_get_answers (CtStepDialog *self)
{
  GHashTable *answers = ct_answers_new ();

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);
      gboolean bad;
      g_autofree char *value = get_field_value (field, &bad);

      if (value == NULL || bad)
        continue;
      if (field->question->kind == CT_ANSWER_YES_NO)
        ct_answers_set_boolean (answers, field->question->key, g_str_equal (value, "yes"));
      else
        ct_answers_set_text (answers, field->question->key, value);
    }

  return answers;
}

/**
 * ct_step_dialog_set_answer:
 * @self: a #CtStepDialog
 * @name: a question's name
 * @value: the answer: text, "yes"/"no", or a choice's value
 *
 * Fills in an answer, for a default the user can change.
 */
void
ct_step_dialog_set_answer (CtStepDialog *self,
                           const char   *name,
                           const char   *value)
{
  g_return_if_fail (CT_IS_STEP_DIALOG (self));

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = &g_array_index (self->fields, Field, i);

      if (g_strcmp0 (field->question->key, name) != 0)
        continue;

      if (GTK_IS_TEXT_VIEW (field->widget))
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->widget)),
                                  value ? value : "", -1);
      else if (GTK_IS_EDITABLE (field->widget))
        gtk_editable_set_text (GTK_EDITABLE (field->widget), value ? value : "");
      else
        ct_choice_row_set_value (CT_CHOICE_ROW (field->widget), value);
    }

  update_validity (self);
}

static void
on_field_changed_cb (CtStepDialog *self)
{
  ct_form_window_hide_problem (CT_FORM_WINDOW (self));
  update_validity (self);
}

static gboolean
ct_step_dialog_prepare_save (CtFormWindow  *form,
                             GError       **error)
{
  CtStepDialog *self = CT_STEP_DIALOG (form);

  if (!ct_step_dialog_is_complete (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Some answers the step needs are missing, or the time it "
                             "happened cannot be read."));
      return FALSE;
    }

  return TRUE;
}

/* The engine's message already says what the policy still needs. */
static void
ct_step_dialog_save_failed (CtFormWindow *form,
                            const GError *error)
{
  ct_form_window_show_problem (form, error->message);
  update_validity (CT_STEP_DIALOG (form));
}

CtEvent
ct_step_dialog_get_event (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), CT_N_EVENTS);
  return self->form->event;
}

static void
ct_step_dialog_finalize (GObject *object)
{
  CtStepDialog *self = CT_STEP_DIALOG (object);

  g_array_unref (self->fields);
  g_clear_object (&self->copy_file);

  G_OBJECT_CLASS (ct_step_dialog_parent_class)->finalize (object);
}

/**
 * ct_step_dialog_get_help_page:
 * @self: a #CtStepDialog
 *
 * Returns: (transfer full): the id of the user guide's page about this
 *   step, which the form's Help button and F1 open
 */
char *
ct_step_dialog_get_help_page (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), NULL);

  return ct_help_get_page_for_event (self->form->event);
}

static void
ct_step_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CT_TYPE_STEP_DIALOG);

  G_OBJECT_CLASS (ct_step_dialog_parent_class)->dispose (object);
}

static void
ct_step_dialog_class_init (CtStepDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CtFormWindowClass *form_class = CT_FORM_WINDOW_CLASS (klass);

  object_class->dispose = ct_step_dialog_dispose;
  object_class->finalize = ct_step_dialog_finalize;
  form_class->prepare_save = ct_step_dialog_prepare_save;
  form_class->save_failed = ct_step_dialog_save_failed;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-step-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CtStepDialog, when_group);
  gtk_widget_class_bind_template_child (widget_class, CtStepDialog, when_date_row);
  gtk_widget_class_bind_template_child (widget_class, CtStepDialog, when_time_row);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
}

static void
ct_step_dialog_init (CtStepDialog *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  gtk_widget_init_template (GTK_WIDGET (self));
  ct_date_button_attach (self->when_date_row);
}

static GtkWidget *
make_choice (const CtQuestion   *question,
             GListModel         *agencies,
             const char * const *bases)
{
  GtkWidget *row = ct_choice_row_new (_(question->label));

  switch (question->kind)
    {
    case CT_ANSWER_YES_NO:
      ct_choice_row_add (CT_CHOICE_ROW (row), "yes", _("Yes"));
      if (question->need != CT_QUESTION_CONFIRM)
        ct_choice_row_add (CT_CHOICE_ROW (row), "no", _("No"));
      break;

    case CT_ANSWER_CHOICE:
      {
        g_auto(GStrv) choices = g_strsplit (question->choices ? question->choices : "", "|", -1);

        /* Only the lawful bases the organisation can rely on. */
        gboolean is_basis = bases != NULL && g_str_equal (question->key, "lawful-basis");

        for (guint i = 0; choices[i] != NULL; i++)
          if (*choices[i] != '\0' &&
              (!is_basis || g_strv_contains (bases, choices[i])))
            ct_choice_row_add (CT_CHOICE_ROW (row), choices[i], ct_choice_get_label (choices[i]));
      }
      break;

    case CT_ANSWER_AGENCY:
      for (guint i = 0; agencies != NULL && i < g_list_model_get_n_items (agencies); i++)
        {
          g_autoptr(CtRecord) agency = g_list_model_get_item (agencies, i);
          const char *name = ct_record_get_string (agency, "name");

          if (name != NULL)
            ct_choice_row_add (CT_CHOICE_ROW (row), name, name);
        }
      break;

    case CT_ANSWER_TEXT:
    case CT_ANSWER_DATE:
    default:
      g_assert_not_reached ();
    }

  return row;
}

static GtkWidget *
make_entry (CtStepDialog *self,
            const char   *title,
            const char   *accessible)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_signal_connect_swapped (row, "changed", G_CALLBACK (on_field_changed_cb), self);
  return row;
}

/* A question answered in several lines: a group of its own, titled with the
 * question, around a text view. */
static GtkWidget *
make_text_view (CtStepDialog       *self,
                AdwPreferencesPage *page,
                const CtQuestion   *question)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *view = gtk_text_view_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(question->label));
  if (question->need == CT_QUESTION_OPTIONAL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("Optional"));
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  gtk_widget_set_size_request (view, -1, 96);
  gtk_widget_add_css_class (view, "card");
  gtk_widget_add_css_class (view, "ct-text-field");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(question->label), -1);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                            G_CALLBACK (on_field_changed_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), view);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  return view;
}

/* A copy of what confirmed a referral: chosen here, read and kept with the
 * step when it is saved. */
static void
set_copy_file (CtStepDialog *self,
               GFile        *file)
{
  g_set_object (&self->copy_file, file);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *display = g_filename_display_name (name);

      adw_action_row_set_subtitle (self->copy_row, display);
    }
  else
    adw_action_row_set_subtitle (self->copy_row, _("None chosen"));
  gtk_widget_set_visible (self->copy_clear, file != NULL);
}

static void
on_copy_chooser_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  g_autoptr(CtStepDialog) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      set_copy_file (self, file);
    }
  g_object_unref (chooser);
}

static void
on_copy_choose_clicked_cb (GtkButton    *button,
                           CtStepDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *folder_path = ct_document_get_default_folder ();
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);

  chooser = gtk_file_chooser_native_new (_("Choose the Copy to Keep"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Keep"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Only a starting point: the user can go anywhere from it. */
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  gtk_file_filter_set_name (filter, _("PDF documents and images"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_copy_chooser_response_cb),
                    g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_copy_clear_clicked_cb (GtkButton    *button,
                          CtStepDialog *self)
{
  set_copy_file (self, NULL);
}

static void
add_copy_group (CtStepDialog       *self,
                AdwPreferencesPage *page)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose…"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("A Copy of What Was Sent"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Optional. When the referral was confirmed another way (on the authority’s portal or their own form, say), keep a PDF or image of it with the case. It is stored encrypted, like the letters."));
  self->copy_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->copy_row), _("Copy to keep"));
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (choose), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Choose a copy to keep"), -1);
  g_signal_connect (choose, "clicked", G_CALLBACK (on_copy_choose_clicked_cb), self);
  self->copy_clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");
  gtk_widget_set_valign (self->copy_clear, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->copy_clear, "flat");
  gtk_widget_set_tooltip_text (self->copy_clear, _("Keep No Copy"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_clear),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Keep no copy"), -1);
  g_signal_connect (self->copy_clear, "clicked", G_CALLBACK (on_copy_clear_clicked_cb), self);
  adw_action_row_add_suffix (self->copy_row, self->copy_clear);
  adw_action_row_add_suffix (self->copy_row, choose);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->copy_row));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  set_copy_file (self, NULL);
}

/**
 * ct_step_dialog_set_copy_file:
 * @self: a #CtStepDialog for "confirmation-sent"
 * @file: (nullable): a PDF or image of what confirmed the referral, or %NULL
 *   for none
 *
 * Chooses the copy to keep with the step, as the "Choose…" button does.
 */
void
ct_step_dialog_set_copy_file (CtStepDialog *self,
                              GFile        *file)
{
  g_return_if_fail (CT_IS_STEP_DIALOG (self));
  g_return_if_fail (self->copy_row != NULL);

  set_copy_file (self, file);
}

/**
 * ct_step_dialog_get_copy_file:
 * @self: a #CtStepDialog
 *
 * Returns: (transfer none) (nullable): the copy of what confirmed a
 *   referral that the user chose to keep with the step, if any
 */
GFile *
ct_step_dialog_get_copy_file (CtStepDialog *self)
{
  g_return_val_if_fail (CT_IS_STEP_DIALOG (self), NULL);

  return self->copy_file;
}

static CtStepDialog *ct_step_dialog_new_full (CtEvent             event,
                                             GListModel         *agencies,
                                             const char * const *bases);

/**
 * ct_step_dialog_new:
 * @event: the step
 * @agencies: (nullable): AGENCY records to choose from, where the step asks
 *
 * Returns: (transfer full): a new form, dated now, offering every answer the
 *   step takes, or %NULL if there is none for @event.
 */
CtStepDialog *
ct_step_dialog_new (CtEvent     event,
                    GListModel *agencies)
{
  return ct_step_dialog_new_full (event, agencies, NULL);
}

/**
 * ct_step_dialog_new_for_organisation:
 * @event: the step
 * @agencies: (nullable): AGENCY records to choose from, where the step asks
 * @organisation_kind: (nullable): the organisation's kind, as set in
 *   Preferences
 *
 * Like ct_step_dialog_new(), but a lawful basis for sharing is chosen only
 * from those that fit an organisation of that kind (see
 * ct_lawful_basis_list_for()).
 *
 * Returns: (transfer full): a new form, dated now, or %NULL if there is
 *   none for @event.
 */
CtStepDialog *
ct_step_dialog_new_for_organisation (CtEvent     event,
                                     GListModel *agencies,
                                     const char *organisation_kind)
{
  return ct_step_dialog_new_full (event, agencies, ct_lawful_basis_list_for (organisation_kind));
}

static CtStepDialog *
ct_step_dialog_new_full (CtEvent             event,
                         GListModel         *agencies,
                         const char * const *bases)
{
  const CtStepForm *form = ct_step_form_get (event);
  CtStepDialog *self;
  Field field;
  AdwPreferencesPage *page;
  GtkWidget *group;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *help_page = NULL;
  gboolean have_agencies = agencies != NULL && g_list_model_get_n_items (agencies) > 0;

  g_return_val_if_fail (form != NULL, NULL);

  help_page = ct_help_get_page_for_event (event);
  self = g_object_new (CT_TYPE_STEP_DIALOG,
                       "title", _(form->title),
                       "help-page", help_page,
                       NULL);
  self->form = form;
  ct_form_window_set_save_label (CT_FORM_WINDOW (self), _("Save step"));
  page = ct_form_window_get_page (CT_FORM_WINDOW (self));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(form->title));
  if (form->description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _(form->description));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  for (guint i = 0; i < G_N_ELEMENTS (form->questions) && form->questions[i].key != NULL; i++)
    {
      const CtQuestion *question = &form->questions[i];

      field.question = question;

      if (question->kind == CT_ANSWER_TEXT && question->long_text)
        {
          field.widget = make_text_view (self, page, question);
          g_array_append_val (self->fields, field);
          /* The questions after it go below it, in a group of their own. */
          group = adw_preferences_group_new ();
          adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
          continue;
        }

      if (question->kind == CT_ANSWER_TEXT ||
          (question->kind == CT_ANSWER_AGENCY && !have_agencies))
        {
          g_autofree char *title = question->need == CT_QUESTION_OPTIONAL
            /* Translators: a question that need not be answered. */
            ? g_strdup_printf (_("%s (optional)"), _(question->label))
            : g_strdup (_(question->label));

          field.widget = make_entry (self, title, _(question->label));
        }
      else if (question->kind == CT_ANSWER_DATE)
        {
          /* Translators: a date question; the date is written as day/month/year. */
          g_autofree char *title = g_strdup_printf (_("%s (DD/MM/YYYY)"), _(question->label));

          field.widget = make_entry (self, title, _(question->label));
          ct_date_button_attach (ADW_ENTRY_ROW (field.widget));
        }
      else
        {
          field.widget = make_choice (question, agencies, bases);
          g_signal_connect_swapped (field.widget, "notify::value",
                                    G_CALLBACK (on_field_changed_cb), self);
        }

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), field.widget);
      g_array_append_val (self->fields, field);
    }

  if (event == CT_EVENT_CONFIRMATION_SENT)
    add_copy_group (self, page);

  adw_preferences_page_add (page, self->when_group);
  ct_step_dialog_set_occurred_at (self, now);
  update_validity (self);

  return self;
}

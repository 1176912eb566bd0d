/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-page"

#include "config.h"

#include <glib/gi18n.h>

#include <stdio.h>
#include <string.h>

#include "ct-alert.h"
#include "ct-case-page.h"
#include "ct-case-documents.h"
#include "ct-child-dialog.h"
#include "ct-confirmation-copy.h"
#include "ct-details.h"
#include "ct-person-dialog.h"
#include "ct-directory-dialog.h"
#include "ct-document-window.h"
#include "ct-format.h"
#include "ct-step-dialog.h"

/*
 * One case: who it is about, what the policy asks next and by when, the
 * steps that may be recorded now, its documents, its people and its
 * chronology. Every change goes through the workflow, one transaction per
 * step, and the page is read again afterwards.
 */
struct _CtCasePage
{
  AdwBin               parent_instance;

  CtWorkflow          *workflow;
  CtCaseFile          *file;
  char                *case_id;
  GCancellable        *cancellable;
  GPtrArray           *action_rows;
  gboolean             generating;

  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkLabel            *children_label;
  GtkLabel            *reference_label;
  GtkLabel            *next_summary_label;
  GtkLabel            *next_due_label;
  GtkLabel            *explanation_label;
  GtkWidget           *urgent_box;
  AdwPreferencesGroup *actions_group;
  GtkListBox          *documents_list;
  GtkListBox          *people_list;
  GtkListBox          *chronology_list;
};

G_DEFINE_FINAL_TYPE (CtCasePage, ct_case_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CASE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
describe_status (const char *status)
{
  /* The labels of stored ids live once, in the core's table. */
  return ct_choice_get_label (status != NULL ? status : "none");
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title ? title : "");
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* A screen reader reads the subtitle too: when, who, and when written up. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
    }
  gtk_list_box_append (list, row);

  return row;
}

static CtState
get_state (CtCasePage *self)
{
  CtState state = CT_STATE_NEW;

  if (self->file != NULL && ct_record_get_state (self->file->case_record) != NULL)
    ct_state_from_string (ct_record_get_state (self->file->case_record), &state, NULL);

  return state;
}

static void reload (CtCasePage *self);

/* Steps {{{ */

typedef struct
{
  CtCasePage   *self;
  CtStepDialog *dialog;
  GHashTable   *answers;
} StepData;

static void
step_data_free (StepData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->dialog);
  g_clear_pointer (&data->answers, g_hash_table_unref);
  g_free (data);
}

static void
show_notice (CtCasePage *self,
             const char *notice)
{
  GtkWidget *dialog;

  /* Something to act on now, such as escalation due on a day that is not a
   * working day: it stays until the user closes it. */
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Act on This Now"), notice);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Understood"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_step_recorded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  StepData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autofree char *notice = NULL;

  item = ct_workflow_record_finish (CT_WORKFLOW (source), result, &notice, &error);
  ct_form_window_save_finished (CT_FORM_WINDOW (data->dialog), error);
  if (item != NULL)
    {
      g_signal_emit (data->self, signals[SIGNAL_CASE_CHANGED], 0, item);
      reload (data->self);
      if (notice != NULL)
        show_notice (data->self, notice);
    }

  step_data_free (data);
}

static CtRecord *
find_agency (CtCasePage *self,
             const char *name)
{
  GListModel *agencies = ct_workflow_get_agencies (self->workflow);

  for (guint i = 0; name != NULL && i < g_list_model_get_n_items (agencies); i++)
    {
      g_autoptr(CtRecord) agency = g_list_model_get_item (agencies, i);

      if (g_strcmp0 (ct_record_get_string (agency, "name"), name) == 0)
        return g_steal_pointer (&agency);
    }

  return NULL;
}

static void
on_copy_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StepData *data = user_data;
  CtCasePage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) occurred_at = ct_step_dialog_get_occurred_at (data->dialog);
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *display = g_filename_display_name (name);
  CtRecord *copy = NULL;

  if (contents != NULL)
    copy = ct_confirmation_copy_new (contents, display,
                                     ct_record_get_reference (self->file->case_record),
                                     ct_workflow_get_actor_id (self->workflow), &error);
  if (copy == NULL)
    {
      ct_form_window_save_finished (CT_FORM_WINDOW (data->dialog), error);
      step_data_free (data);
      return;
    }

  g_ptr_array_add (records, copy);
  ct_answers_set_text (data->answers, "copy", display);
  ct_workflow_record_with_records_async (self->workflow, self->case_id,
                                         ct_step_dialog_get_event (data->dialog), data->answers,
                                         records, occurred_at, NULL, on_step_recorded_cb, data);
}

/* What a step writes besides its chronology entry (a referral, a new
 * version of the allegation, the letter marked as sent, …) is decided below
 * the window, by the procedure: the page hands over the answers and when
 * the step happened. */
static void
on_step_save_cb (CtStepDialog *dialog,
                 CtCasePage   *self)
{
  StepData *data = g_new0 (StepData, 1);
  g_autoptr(GDateTime) occurred_at = ct_step_dialog_get_occurred_at (dialog);
  GHashTable *answers = ct_step_dialog_get_answers (dialog);

  data->self = g_object_ref (self);
  data->dialog = g_object_ref (dialog);
  data->answers = answers;

  /* A copy of what confirmed the referral is read first (off the main
   * thread) and kept with the step, in the same transaction. */
  if (ct_step_dialog_get_copy_file (dialog) != NULL)
    {
      g_file_load_bytes_async (ct_step_dialog_get_copy_file (dialog), NULL,
                               on_copy_loaded_cb, data);
      return;
    }

  ct_workflow_record_async (self->workflow, self->case_id, ct_step_dialog_get_event (dialog),
                            answers, occurred_at, NULL, on_step_recorded_cb, data);
}

static CtStepDialog *
open_step (CtCasePage *self,
           CtEvent     event)
{
  CtRecord *organisation = ct_workflow_get_organisation (self->workflow);
  CtStepDialog *dialog =
    ct_step_dialog_new_for_organisation (event, ct_workflow_get_agencies (self->workflow),
                                         organisation != NULL
                                         ? ct_record_get_string (organisation, "organisation-kind")
                                         : NULL);

  /* Sensible starting answers the user can change. */
  if (event == CT_EVENT_ESCALATED && organisation != NULL)
    ct_step_dialog_set_answer (dialog, "safeguarding-lead",
                               ct_record_get_string (organisation, "dso-name"));
  if (event == CT_EVENT_REFERRAL_MADE || event == CT_EVENT_IMMEDIATE_RISK_REFERRAL)
    {
      GListModel *agencies = ct_workflow_get_agencies (self->workflow);
      const char *area = NULL;

      if (self->file->children->len > 0)
        area = ct_record_get_string (g_ptr_array_index (self->file->children, 0), "area");

      /* The authority for the area where the child lives; else the one
       * the organisation usually refers to. */
      for (guint i = 0; i < g_list_model_get_n_items (agencies); i++)
        {
          g_autoptr(CtRecord) agency = g_list_model_get_item (agencies, i);

          if (organisation != NULL &&
              g_strcmp0 (ct_record_get_string (organisation, "usual-authority"),
                         ct_record_get_id (agency)) == 0)
            ct_step_dialog_set_answer (dialog, "agency", ct_record_get_string (agency, "name"));
        }
      for (guint i = 0; i < g_list_model_get_n_items (agencies); i++)
        {
          g_autoptr(CtRecord) agency = g_list_model_get_item (agencies, i);

          if (g_list_model_get_n_items (agencies) == 1 ||
              (area != NULL && g_strcmp0 (ct_record_get_string (agency, "area"), area) == 0))
            ct_step_dialog_set_answer (dialog, "agency", ct_record_get_string (agency, "name"));
        }
      ct_step_dialog_set_answer (dialog, "referral-type", "child-protection");
      ct_step_dialog_set_answer (dialog, "lawful-basis", "legitimate-interests");
    }

  g_signal_connect_object (dialog, "save", G_CALLBACK (on_step_save_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
on_action_row_activated_cb (GtkButton  *button,
                            CtCasePage *self)
{
  CtEvent event = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "event"));

  open_step (self, event);
}

/* "case-page.record-step" with an event's name: the urgent path's buttons. */
static void
on_record_step_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CtCasePage *self = CT_CASE_PAGE (widget);
  CtEvent event;

  if (self->file == NULL ||
      !ct_event_from_string (g_variant_get_string (parameter, NULL), &event, NULL) ||
      !ct_procedure_event_allowed (get_state (self), event))
    return;

  open_step (self, event);
}

/* A call, a meeting, an email or a letter, on an open or a closed case. */
static void
on_add_note_activated_cb (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CtCasePage *self = CT_CASE_PAGE (widget);

  if (self->file == NULL)
    return;

  open_step (self, CT_EVENT_NOTE);
}

/* }}} */

/* Documents {{{ */

static CtRecord *
latest_referral (CtCasePage *self)
{
  CtRecord *latest = NULL;

  for (guint i = 0; i < self->file->referrals->len; i++)
    {
      CtRecord *referral = g_ptr_array_index (self->file->referrals, i);

      if (latest == NULL ||
          ct_record_get_int64 (referral, "made-at", 0) > ct_record_get_int64 (latest, "made-at", 0))
        latest = referral;
    }

  return latest;
}

static void open_document (CtCasePage *self,
                           CtRecord   *document);
static void show_referral_gaps (CtCasePage *self,
                                CtRecord   *document,
                                GtkWindow  *parent);

static gboolean
is_draft_referral (CtRecord *document)
{
  return g_strcmp0 (ct_record_get_string (document, "kind"), "referral-confirmation") == 0
         && ct_record_get_boolean (document, "draft", FALSE);
}

static void
on_document_made_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CtCasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = ct_case_document_generate_finish (result, &error);

  self->generating = FALSE;
  if (document == NULL)
    {
      ct_alert_show (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                     _("The Document Could Not Be Made"), error->message);
      reload (self);
      return;
    }

  reload (self);
  open_document (self, document);
}

/* A letter or report is made from what the store holds, off the main
 * thread, and kept as exact bytes with their SHA-256 (a new version if one
 * was made before); what is previewed, printed and saved is those bytes. */
static void
make_document (CtCasePage         *self,
               CtCaseDocumentKind  kind)
{
  if (self->generating || self->file == NULL)
    return;

  self->generating = TRUE;
  ct_case_document_generate_async (ct_workflow_get_store (self->workflow),
                                   ct_workflow_get_actor_id (self->workflow),
                                   ct_record_get_reference (self->file->case_record),
                                   kind, NULL, NULL, on_document_made_cb, g_object_ref (self));
}

static void
on_make_document_activated_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  CtCaseDocumentKind kind;

  if (ct_case_document_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    make_document (CT_CASE_PAGE (widget), kind);
}

static void
on_generate_activated_cb (GtkButton  *button,
                          CtCasePage *self)
{
  make_document (self, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
}

static void
on_generate_pack_activated_cb (GtkButton  *button,
                               CtCasePage *self)
{
  make_document (self, CT_CASE_DOCUMENT_REFERRAL_PACK);
}

static void
on_mark_sent_cb (CtDocumentWindow *window,
                 CtCasePage       *self)
{
  CtStepDialog *dialog;
  CtRecord *referral = latest_referral (self);
  g_autoptr(CtRecord) agency = NULL;

  /* A draft is never sent: say what it lacks, and where to fill it in. */
  if (is_draft_referral (ct_document_window_get_document (window)))
    {
      show_referral_gaps (self, ct_document_window_get_document (window), GTK_WINDOW (window));
      return;
    }

  dialog = open_step (self, CT_EVENT_CONFIRMATION_SENT);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  if (referral != NULL)
    {
      agency = find_agency (self, ct_record_get_string (referral, "agency-name"));
      ct_step_dialog_set_answer (dialog, "to-whom", ct_record_get_string (referral, "made-to"));
    }
  if (agency != NULL && ct_record_get_string (agency, "secure-email") != NULL)
    ct_step_dialog_set_answer (dialog, "method", "secure-email");

  g_signal_connect_object (dialog, "destroy", G_CALLBACK (gtk_window_close), window,
                           G_CONNECT_SWAPPED);
}

static void
open_document (CtCasePage *self,
               CtRecord   *document)
{
  g_autoptr(GError) error = NULL;
  CtDocumentWindow *window = ct_document_window_new (document, &error);

  if (window == NULL)
    {
      ct_alert_show (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                     _("The Document Could Not Be Shown"), error->message);
      return;
    }

  g_signal_connect_object (window, "mark-sent", G_CALLBACK (on_mark_sent_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_document_row_activated_cb (GtkButton  *button,
                              CtCasePage *self)
{
  open_document (self, g_object_get_data (G_OBJECT (button), "document"));
}

/* }}} */

/* A row that opens something. The row activates its button, so the whole
 * row can be clicked, and the button is what keyboards and screen readers
 * press. */
static GtkWidget *
add_open_button (AdwActionRow *row,
                 const char   *accessible,
                 GCallback     callback,
                 gpointer      self)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("go-next-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  g_signal_connect (button, "clicked", callback, self);
  adw_action_row_add_suffix (row, button);
  adw_action_row_set_activatable_widget (row, button);

  return button;
}

typedef struct
{
  CtFormWindow *form;
  GPtrArray *records;
  char *message;
} FormSave;

static void
form_save_free (FormSave *save)
{
  g_clear_object (&save->form);
  g_clear_pointer (&save->records, g_ptr_array_unref);
  g_free (save->message);
  g_free (save);
}

/* Each field of @fields that differs in @other, one a line. */
static void
append_fields (GString      *text,
               CtFormWindow *form,
               GVariant     *fields,
               GVariant     *other)
{
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autoptr(GVariant) theirs = g_variant_lookup_value (other, name, NULL);
      g_autofree char *shown = NULL;

      if (theirs != NULL && g_variant_equal (theirs, value))
        continue;
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        shown = g_variant_dup_string (value, NULL);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        shown = g_strdup (g_variant_get_boolean (value) ? _("Yes") : _("No"));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **list = g_variant_get_strv (value, NULL);

          shown = g_strjoinv (", ", (char **) list);
        }
      else
        shown = g_variant_print (value, FALSE);
      g_string_append_printf (text, "\n%s: %s", ct_form_window_describe_field (form, name), shown);
    }
}

static void
on_newer_version_read_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  FormSave *save = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) saved = ct_store_get_finish (CT_STORE (source), result, &error);
  CtRecord *mine = g_ptr_array_index (save->records, 0);
  g_autoptr(GString) body = g_string_new (save->message);

  /* Both versions side by side: what was saved meanwhile and what was
   * typed, which is still in the form to save again. */
  if (saved != NULL)
    {
      g_autoptr(GVariant) theirs = ct_record_dup_fields (saved);
      g_autoptr(GVariant) ours = ct_record_dup_fields (mine);

      g_string_append_printf (body, "\n\n%s", _("The version saved meanwhile:"));
      append_fields (body, save->form, theirs, ours);
      g_string_append_printf (body, "\n\n%s", _("Your version, still in the form:"));
      append_fields (body, save->form, ours, theirs);
    }
  ct_alert_show (GTK_WINDOW (save->form), _("Changed Since You Opened It"), body->str);
  form_save_free (save);
}

static void
on_form_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtCasePage *self = g_task_get_source_object (task);
  FormSave *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  ct_workflow_save_records_finish (CT_WORKFLOW (source), result, &error);
  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT) && save->records->len > 0)
    {
      FormSave *conflict = g_new0 (FormSave, 1);
      CtRecord *first = NULL;

      /* The form stays open with what was typed; the record that changed
       * is read again to show beside it. */
      for (guint i = 0; i < save->records->len && first == NULL; i++)
        if (ct_record_get_version (g_ptr_array_index (save->records, i)) > 0)
          first = g_ptr_array_index (save->records, i);
      if (first != NULL)
        {
          conflict->form = g_object_ref (save->form);
          conflict->records = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (conflict->records, g_object_ref (first));
          conflict->message = g_strdup (error->message);
          ct_form_window_save_finished (save->form, error);
          ct_store_get_async (ct_workflow_get_store (self->workflow), ct_record_get_kind (first),
                              ct_record_get_id (first), NULL, on_newer_version_read_cb, conflict);
          return;
        }
      g_free (conflict);
    }
  ct_form_window_save_finished (save->form, error);
  if (error == NULL)
    reload (self);
}

/* The child's and the people's forms: what they save is written in one
 * transaction, each changed record as a new version. */
static void
on_form_save_cb (CtFormWindow *form,
                 CtCasePage   *self)
{
  GTask *task = g_task_new (self, NULL, NULL, NULL);
  FormSave *save = g_new0 (FormSave, 1);

  GPtrArray *records = ct_form_window_get_records (form);

  save->form = g_object_ref (form);
  save->records = g_ptr_array_ref (records);
  g_task_set_task_data (task, save, (GDestroyNotify) form_save_free);
  ct_workflow_save_records_async (self->workflow, records, NULL, on_form_saved_cb, task);
}

static void
present_form (CtCasePage   *self,
              CtFormWindow *form)
{
  g_signal_connect_object (form, "save", G_CALLBACK (on_form_save_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (form),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (form));
}

static void
on_edit_child_clicked_cb (GtkButton  *button,
                          CtCasePage *self)
{
  present_form (self, CT_FORM_WINDOW (ct_child_dialog_new (g_object_get_data (G_OBJECT (button),
                                                                              "child"))));
}

static void
open_person_dialog (CtCasePage *self,
                    CtRecord   *person)
{
  if (self->file == NULL)
    return;

  present_form (self, CT_FORM_WINDOW (ct_person_dialog_new (
                        ct_record_get_id (self->file->case_record), self->file->children,
                        person, self->file->relationships)));
}

static void
on_explanations_saved_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(CtCasePage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ct_workflow_save_records_finish (CT_WORKFLOW (source), result, &error))
    {
      ct_alert_show (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                     _("The Explanations Could Not Be Saved"), error->message);
      return;
    }
  reload (self);
  /* The letter again, final if nothing is left unexplained. */
  make_document (self, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
}

/* An explanation is a recorded answer on the case ("key: why"), changed
 * through the one path for details. */
static void
save_explanations (CtCasePage       *self,
                   AdwMessageDialog *dialog)
{
  GPtrArray *rows = g_object_get_data (G_OBJECT (dialog), "explanation-rows");
  const char * const *existing = ct_record_get_strv (self->file->case_record,
                                                     "referral-explanations");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) list = NULL;
  gboolean any = FALSE;

  for (guint i = 0; existing != NULL && existing[i] != NULL; i++)
    g_strv_builder_add (builder, existing[i]);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      GtkEditable *row = g_ptr_array_index (rows, i);
      g_autofree char *why = g_strstrip (g_strdup (gtk_editable_get_text (row)));
      g_autofree char *entry = NULL;

      if (*why == '\0')
        continue;
      entry = g_strdup_printf ("%s: %s", (const char *) g_object_get_data (G_OBJECT (row), "gap-key"),
                               why);
      g_strv_builder_add (builder, entry);
      any = TRUE;
    }
  if (!any)
    return;

  list = g_strv_builder_end (builder);
  ct_answers_set_strv (answers, "referral-explanations", (const char * const *) list);
  changed = ct_details_change_record (self->file->case_record, answers, &error);
  if (changed == NULL)
    {
      ct_alert_show (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                     _("The Explanations Could Not Be Saved"), error->message);
      return;
    }
  records = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (records, g_steal_pointer (&changed));
  ct_workflow_save_records_async (self->workflow, records, NULL, on_explanations_saved_cb,
                                  g_object_ref (self));
}

/* The directory's entry for the authority this case was referred to, to
 * correct; if there is none, a new one for the area where the child lives. */
static void
open_case_authority (CtCasePage *self,
                     GtkWindow  *parent)
{
  GListModel *agencies = ct_workflow_get_agencies (self->workflow);
  g_autoptr(CtRecord) agency = NULL;
  const char *area = NULL;

  for (guint i = self->file->referrals->len; agency == NULL && i > 0; i--)
    {
      const char *agency_id = ct_record_get_string (g_ptr_array_index (self->file->referrals,
                                                                       i - 1), "agency-id");

      for (guint j = 0; agency_id != NULL && agency == NULL &&
                        j < g_list_model_get_n_items (agencies); j++)
        {
          g_autoptr(CtRecord) candidate = g_list_model_get_item (agencies, j);

          if (g_strcmp0 (ct_record_get_id (candidate), agency_id) == 0)
            agency = g_steal_pointer (&candidate);
        }
    }

  if (self->file->children->len > 0)
    area = ct_record_get_string (g_ptr_array_index (self->file->children, 0), "area");
  ct_directory_dialog_present (self->workflow, parent, CT_RECORD_KIND_AGENCY, agency,
                               agency == NULL ? area : NULL);
}

static void
on_gaps_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CtCasePage       *self)
{
  if (self->file == NULL)
    return;

  if (g_str_equal (response, "explain"))
    {
      GtkWindow *preview = gtk_window_get_transient_for (GTK_WINDOW (dialog));

      /* The draft is shown no more: the letter is produced again. */
      if (preview != NULL && CT_IS_DOCUMENT_WINDOW (preview))
        gtk_window_close (preview);
      save_explanations (self, dialog);
      return;
    }

  if (g_str_equal (response, "child") && self->file->children->len > 0)
    {
      const char *child_id = g_object_get_data (G_OBJECT (dialog), "child-id");
      CtRecord *child = g_ptr_array_index (self->file->children, 0);

      for (guint i = 0; child_id != NULL && i < self->file->children->len; i++)
        if (g_strcmp0 (ct_record_get_id (g_ptr_array_index (self->file->children, i)), child_id) == 0)
          child = g_ptr_array_index (self->file->children, i);
      present_form (self, CT_FORM_WINDOW (ct_child_dialog_new (child)));
    }
  else if (g_str_equal (response, "person"))
    open_person_dialog (self, NULL);
  else if (g_str_equal (response, "referral") &&
           ct_procedure_event_allowed (get_state (self), CT_EVENT_REFERRAL_DETAILS_ADDED))
    open_step (self, CT_EVENT_REFERRAL_DETAILS_ADDED);
  else if (g_str_equal (response, "agency"))
    open_case_authority (self, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
}

/* Lists what a draft referral letter lacks, each with the form that holds
 * it, with a button to the forms on this page. */
static void
show_referral_gaps (CtCasePage *self,
                    CtRecord   *document,
                    GtkWindow  *parent)
{
  const char * const *missing = ct_record_get_strv (document, "missing");
  g_autoptr(GString) body = g_string_new (_("The local authority needs the details below before "
                                            "the letter can be final and marked as sent. Fill "
                                            "each one in on the form named beside it, then "
                                            "produce the letter again."));
  gboolean child = FALSE, person = FALSE, referral = FALSE, concern = FALSE, agency = FALSE;
  const char *child_id = NULL;
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GPtrArray *rows = g_ptr_array_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    {
      CtReferralForm form = CT_REFERRAL_FORM_REFERRAL;
      const char *label = ct_referral_gap_describe (missing[i], &form);

      if (label == NULL)
        continue;
      child |= form == CT_REFERRAL_FORM_CHILD;
      person |= form == CT_REFERRAL_FORM_PERSON;
      referral |= form == CT_REFERRAL_FORM_REFERRAL;
      concern |= form == CT_REFERRAL_FORM_CONCERN;
      agency |= form == CT_REFERRAL_FORM_AGENCY;

      /* Or why it is not known: an explanation lets the letter be final. */
      {
        GtkWidget *row = adw_entry_row_new ();
        /* Translators: a missing detail, then the form that holds it. */
        g_autofree char *title = g_strdup_printf (_("%s (%s)"), label,
                                                  ct_referral_form_get_title (form));

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
        g_object_set_data_full (G_OBJECT (row), "gap-key", g_strdup (missing[i]), g_free);
        gtk_list_box_append (GTK_LIST_BOX (list), row);
        g_ptr_array_add (rows, row);
      }
    }
  g_string_append (body, _(" If a detail is not known, say why beside it."));
  if (child && self->file != NULL && self->file->children->len > 0)
    child_id = ct_record_get_id (g_ptr_array_index (self->file->children, 0));

  dialog = adw_message_dialog_new (parent != NULL ? parent
                                   : GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("This Letter Is a Draft"), body->str);
  gtk_window_set_title (GTK_WINDOW (dialog), _("This Letter Is a Draft"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Keep the Draft"));
  if (child_id != NULL)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "child",
                                     _("Open the _Child’s Details"));
  if (person)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "person",
                                     _("Add a _Parent or Carer"));
  /* Details of the referral, and what the organisation has done since the
   * concern was recorded, are added by a step of their own, which keeps the
   * referral and the concern as first recorded. */
  if ((referral || concern) && self->file != NULL &&
      ct_procedure_event_allowed (get_state (self), CT_EVENT_REFERRAL_DETAILS_ADDED))
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "referral",
                                     _("Add _Details to the Referral"));
  /* The local authority's address is kept in the directory. */
  if (agency)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "agency",
                                     _("Open the _Local Authority’s Details"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "explain",
                                   _("_Record the Explanations"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "explain",
                                              ADW_RESPONSE_SUGGESTED);
  {
    /* However many gaps, the dialog fits on the screen. */
    GtkWidget *scrolled = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                    GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
    gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  }
  g_object_set_data_full (G_OBJECT (dialog), "explanation-rows", rows,
                          (GDestroyNotify) g_ptr_array_unref);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "child-id", g_strdup (child_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_gaps_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_edit_person_clicked_cb (GtkButton  *button,
                           CtCasePage *self)
{
  open_person_dialog (self, g_object_get_data (G_OBJECT (button), "person"));
}

static void
on_add_person_activated_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  open_person_dialog (CT_CASE_PAGE (widget), NULL);
}

static void
add_edit_button (GtkWidget  *row,
                 const char *name,
                 const char *key,
                 CtRecord   *record,
                 GCallback   callback,
                 CtCasePage *self)
{
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  g_autofree char *label = g_strdup_printf (_("Edit %s"), name);

  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  gtk_widget_set_tooltip_text (edit, _("Edit"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_object_set_data_full (G_OBJECT (edit), key, g_object_ref (record), g_object_unref);
  g_signal_connect (edit, "clicked", callback, self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
}

static void
append_versions (GString  *subtitle,
                 CtRecord *record)
{
  g_autofree char *changed = NULL;

  if (ct_record_get_version (record) <= 1)
    return;

  changed = ct_format_instant (ct_record_get_updated_at (record));
  g_string_append_printf (subtitle,
                          g_dngettext (GETTEXT_PACKAGE,
                                       " · changed %s; %d earlier version kept",
                                       " · changed %s; %d earlier versions kept",
                                       ct_record_get_version (record) - 1),
                          changed, (int) (ct_record_get_version (record) - 1));
}

static char *
record_name (CtRecord *record)
{
  return g_strstrip (g_strdup_printf ("%s %s", ct_record_get_string (record, "given-names") ?: "",
                                      ct_record_get_string (record, "family-name") ?: ""));
}

/* How a person stands to each child, in words: "Mother of Alex Brown, has
 * parental responsibility, main carer, same household". */
static void
describe_person (CtCasePage *self,
                 CtRecord   *person,
                 GString    *subtitle)
{
  static const struct { const char *field; const char *yes; const char *no; } facts[] = {
    { "parental-responsibility", N_("has parental responsibility"),
      N_("no parental responsibility") },
    { "primary-carer", N_("main carer"), NULL },
    { "household-member", N_("same household"), N_("lives elsewhere") },
    { "alleged-person", N_("may be responsible for the harm"), NULL },
  };

  for (guint i = 0; i < self->file->relationships->len; i++)
    {
      CtRecord *rel = g_ptr_array_index (self->file->relationships, i);
      g_autofree char *child_name = NULL;

      if (g_strcmp0 (ct_record_get_string (rel, "person-id"), ct_record_get_id (person)) != 0)
        continue;

      for (guint c = 0; c < self->file->children->len; c++)
        {
          CtRecord *child = g_ptr_array_index (self->file->children, c);

          if (g_strcmp0 (ct_record_get_id (child), ct_record_get_string (rel, "child-id")) == 0)
            child_name = record_name (child);
        }

      if (subtitle->len > 0)
        g_string_append (subtitle, " · ");
      /* Translators: a person's relationship to a child, as in “Mother of Alex Brown”. */
      g_string_append_printf (subtitle, _("%s of %s"), ct_record_get_string (rel, "relation"),
                              child_name != NULL ? child_name : _("a child no longer in the case"));
      for (guint f = 0; f < G_N_ELEMENTS (facts); f++)
        {
          const char *text;

          if (!ct_record_has_field (rel, facts[f].field))
            continue;
          text = ct_record_get_boolean (rel, facts[f].field, FALSE) ? facts[f].yes : facts[f].no;
          if (text != NULL)
            g_string_append_printf (subtitle, ", %s", _(text));
        }
    }
}

static void
add_action_row (CtCasePage *self,
                const char *title,
                const char *subtitle,
                GCallback   callback,
                gpointer    data)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  button = add_open_button (ADW_ACTION_ROW (row), title, callback, self);
  g_object_set_data (G_OBJECT (button), "event", data);
  /* The button, named like the row, takes the focus: were the row to take
   * it too, a screen reader would read the step twice. */
  gtk_widget_set_focusable (row, FALSE);
  adw_preferences_group_add (self->actions_group, row);
  g_ptr_array_add (self->action_rows, row);
}

static void
show_file (CtCasePage *self)
{
  CtRecord *case_record = self->file->case_record;
  g_auto(CtCaseReading) reading = { 0, };
  CtState state = get_state (self);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GString) statuses = g_string_new (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  CtNextStep *step = NULL;
  g_autoptr(GArray) events = NULL;
  g_autoptr(GError) snapshot_error = NULL;
  g_autofree char *reference = NULL;

  for (guint i = 0; i < self->file->children->len; i++)
    {
      CtRecord *child = g_ptr_array_index (self->file->children, i);

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append_printf (names, "%s %s", ct_record_get_string (child, "given-names") ?: "",
                              ct_record_get_string (child, "family-name") ?: "");
      if (statuses->len == 0)
        g_string_append (statuses, describe_status (ct_record_get_string (child, "status")));
    }
  gtk_label_set_text (self->children_label, names->len ? names->str : _("No child named yet"));
  /* Translators: case reference · the child's status · where the case stands. */
  reference = g_strdup_printf (_("%s · %s · %s"), ct_record_get_reference (case_record),
                               statuses->len ? statuses->str : describe_status (NULL),
                               ct_state_get_title (state));
  gtk_label_set_text (self->reference_label, reference);

  /* What is due comes from the case as the case service reads it; if that
   * fails, the page says so rather than showing a wrong deadline. */
  if (ct_workflow_read_case (self->workflow, case_record,
                             self->file->children->len > 0
                               ? g_ptr_array_index (self->file->children, 0) : NULL,
                             now, &reading, &snapshot_error))
    step = reading.next;

  gtk_widget_remove_css_class (GTK_WIDGET (self->next_summary_label), "error");
  if (step != NULL)
    {
      gtk_label_set_text (self->next_summary_label, step->summary);
      gtk_label_set_text (self->explanation_label, step->explanation);
    }
  else
    {
      gtk_label_set_text (self->next_summary_label,
                          _("What is due next cannot be worked out"));
      gtk_widget_add_css_class (GTK_WIDGET (self->next_summary_label), "error");
      gtk_label_set_text (self->explanation_label,
                          snapshot_error != NULL ? snapshot_error->message : "");
    }

  /* On the urgent path, the urgent referral comes before anything else. */
  gtk_widget_set_visible (GTK_WIDGET (self->urgent_box),
                          step != NULL && step->urgent && !ct_state_is_closed (state));

  gtk_widget_remove_css_class (GTK_WIDGET (self->next_due_label), "overdue");
  if (step != NULL && step->has_due && step->due != NULL && !ct_state_is_closed (state))
    {
      gint64 due = g_date_time_to_unix (step->due) * G_USEC_PER_SEC;
      gboolean overdue;
      g_autofree char *relative = ct_format_due_relative (due, g_get_real_time (), &overdue);
      g_autofree char *when = ct_format_instant (due);
      /* Translators: "Due by 03/03/2026 23:59 (5 hours left)". */
      g_autofree char *due_text = g_strdup_printf (_("Due by %s (%s)"), when, relative);
      g_autofree char *text = NULL;

      /* A period the policy does not set is said to be ours. */
      if (!ct_clock_is_rule_of_policy (step->clock))
        text = g_strdup_printf ("%s\n%s", due_text,
                                _("This deadline is Caretrail’s default, not a rule of your policy; your organisation can change it in Preferences."));
      else
        text = g_steal_pointer (&due_text);

      gtk_label_set_text (self->next_due_label, text);
      if (overdue)
        gtk_widget_add_css_class (GTK_WIDGET (self->next_due_label), "overdue");
      gtk_widget_set_visible (GTK_WIDGET (self->next_due_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->next_due_label), FALSE);

  /* The steps that may be recorded now. */
  for (guint i = 0; i < self->action_rows->len; i++)
    adw_preferences_group_remove (self->actions_group, g_ptr_array_index (self->action_rows, i));
  g_ptr_array_set_size (self->action_rows, 0);

  if (state == CT_STATE_CONFIRMATION_DUE)
    add_action_row (self, _("Write the Confirmation Letter"),
                    _("Generates the letter that confirms the referral in writing, to preview, "
                      "print, save and mark as sent"),
                    G_CALLBACK (on_generate_activated_cb), NULL);
  if (state == CT_STATE_CONFIRMATION_DUE)
    add_action_row (self, _("Write the Referral Pack"),
                    _("The confirmation letter followed by the case chronology, as one PDF "
                      "with its pages numbered through"),
                    G_CALLBACK (on_generate_pack_activated_cb), NULL);

  /* What the case's recorded facts allow, when it could be read. */
  events = step != NULL ? ct_procedure_list_steps (&reading.snapshot) : ct_procedure_list_events (state);
  for (guint i = 0; i < events->len; i++)
    {
      CtEvent event = g_array_index (events, CtEvent, i);

      /* Notes have their own button, on open and closed cases alike. */
      if (event == CT_EVENT_NOTE || !ct_step_dialog_has_form (event))
        continue;
      add_action_row (self, ct_event_get_title (event), NULL,
                      G_CALLBACK (on_action_row_activated_cb), GUINT_TO_POINTER (event));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->actions_group), self->action_rows->len > 0);

  /* Documents. */
  clear_list (self->documents_list);
  for (guint i = 0; i < self->file->documents->len; i++)
    {
      CtRecord *document = g_ptr_array_index (self->file->documents, i);
      g_autofree char *made = ct_format_instant (ct_record_get_created_at (document));
      g_autofree char *subtitle = NULL;
      gint64 sent_at = ct_record_get_int64 (document, "sent-at", 0);
      GtkWidget *row;

      if (ct_confirmation_copy_is_copy (document))
        subtitle = g_strdup_printf (_("Kept %s · %s"), made,
                                    ct_record_get_string (document, "file-name") ?: "");
      else if (sent_at != 0)
        {
          g_autofree char *sent = ct_format_instant (sent_at);
          subtitle = g_strdup_printf (_("Generated %s · Sent %s by %s to %s"), made, sent,
                                      ct_record_get_string (document, "sent-how") ?: "",
                                      ct_record_get_string (document, "sent-to") ?: "");
        }
      else
        subtitle = g_strdup_printf (_("Generated %s · Not sent yet"), made);

      row = add_row (self->documents_list, ct_case_document_get_title (document), subtitle);
      /* An image kept as a copy is listed but has no Open button: only PDFs
       * open in the document window, and nothing is written out in
       * plaintext to open it elsewhere. */
      if (ct_record_get_bytes (document, "pdf") != NULL)
        {
          g_autofree char *open = g_strdup_printf (_("Open %s"),
                                                   ct_case_document_get_title (document));
          GtkWidget *button = add_open_button (ADW_ACTION_ROW (row), open,
                                               G_CALLBACK (on_document_row_activated_cb), self);

          g_object_set_data_full (G_OBJECT (button), "document", g_object_ref (document),
                                  g_object_unref);
        }
    }

  /* People: the children first, then the adults in their lives. */
  clear_list (self->people_list);
  for (guint i = 0; i < self->file->children->len; i++)
    {
      CtRecord *child = g_ptr_array_index (self->file->children, i);
      g_autofree char *name = record_name (child);
      g_autofree char *dob = ct_format_date (ct_record_get_string (child, "date-of-birth"));
      g_autoptr(GString) subtitle = g_string_new (_("Child"));
      GtkWidget *row;

      if (*dob != '\0')
        g_string_append_printf (subtitle, _(" · born %s"), dob);
      if (ct_record_get_string (child, "address") != NULL)
        g_string_append_printf (subtitle, " · %s", ct_record_get_string (child, "address"));
      if (ct_record_get_string (child, "area") != NULL)
        g_string_append_printf (subtitle, _(" · lives in %s"), ct_record_get_string (child, "area"));
      g_string_append_printf (subtitle, " · %s",
                              describe_status (ct_record_get_string (child, "status")));
      if (ct_record_get_string (child, "lead-worker") != NULL)
        g_string_append_printf (subtitle, _(" · lead worker %s"),
                                ct_record_get_string (child, "lead-worker"));
      if (ct_record_get_string (child, "agencies-involved") != NULL)
        g_string_append_printf (subtitle, _(" · also involved: %s"),
                                ct_record_get_string (child, "agencies-involved"));
      append_versions (subtitle, child);

      row = add_row (self->people_list, name, subtitle->str);
      add_edit_button (row, name, "child", child, G_CALLBACK (on_edit_child_clicked_cb), self);
    }

  for (guint i = 0; i < self->file->people->len; i++)
    {
      CtRecord *person = g_ptr_array_index (self->file->people, i);
      g_autofree char *name = record_name (person);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row;

      describe_person (self, person, subtitle);
      if (ct_record_get_string (person, "address") != NULL)
        g_string_append_printf (subtitle, " · %s", ct_record_get_string (person, "address"));
      append_versions (subtitle, person);

      row = add_row (self->people_list, name, subtitle->str);
      add_edit_button (row, name, "person", person, G_CALLBACK (on_edit_person_clicked_cb), self);
    }

  /* Chronology, oldest first. */
  clear_list (self->chronology_list);
  for (guint i = 0; i < self->file->chronology->len; i++)
    {
      CtRecord *entry = g_ptr_array_index (self->file->chronology, i);
      gint64 happened = ct_record_get_int64 (entry, "event", 0);
      gint64 recorded = ct_record_get_int64 (entry, "recorded-at", 0);
      g_autofree char *when = ct_format_instant (happened);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_autofree char *rendered_what = NULL;
      g_autofree char *rendered_why = NULL;
      const char *what = ct_record_get_string (entry, "what");
      const char *why = ct_record_get_string (entry, "why");
      const char *who = ct_record_get_string (entry, "who");

      /* Stored as the procedure words it; shown in the reader's language. */
      if (ct_procedure_render_entry (entry, &rendered_what, &rendered_why))
        {
          what = rendered_what;
          why = rendered_why;
        }

      /* Translators: when an entry happened and who recorded it:
       * "03/03/2026 14:05 · recorded by Dana Officer". */
      g_string_append_printf (subtitle, _("%s · recorded by %s"), when,
                              who != NULL ? who : _("someone not named"));
      /* An entry written up more than an hour later shows both times. */
      if (recorded - happened > G_TIME_SPAN_HOUR)
        {
          g_autofree char *written = ct_format_instant (recorded);

          g_string_append_printf (subtitle, _(" · written up %s"), written);
        }
      if (why != NULL)
        g_string_append_printf (subtitle, _(" · Why: %s"), why);
      if (ct_record_get_string (entry, "corrects") != NULL)
        g_string_append (subtitle, _(" · Correction of an earlier entry"));
      add_row (self->chronology_list, what, subtitle->str);
    }

  gtk_stack_set_visible_child_name (self->stack, "case");
}

static void
on_case_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CtCasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  CtCaseFile *file;

  file = ct_workflow_open_case_finish (CT_WORKFLOW (source), result, &error);
  gtk_spinner_stop (self->spinner);
  if (file == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  ct_case_file_free (self->file);
  self->file = file;
  show_file (self);
}

static void
reload (CtCasePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->file == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  ct_workflow_open_case_async (self->workflow, self->case_id, self->cancellable,
                               on_case_opened_cb, g_object_ref (self));
}

static void
ct_case_page_dispose (GObject *object)
{
  CtCasePage *self = CT_CASE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workflow);
  g_clear_pointer (&self->file, ct_case_file_free);
  g_clear_pointer (&self->case_id, g_free);
  g_clear_pointer (&self->action_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (ct_case_page_parent_class)->dispose (object);
}

static void
ct_case_page_class_init (CtCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_case_page_dispose;

  /**
   * CtCasePage::case-changed:
   * @self: the page
   * @item: the case as it now stands
   *
   * Emitted after a step was recorded.
   */
  signals[SIGNAL_CASE_CHANGED] =
    g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CT_TYPE_CASE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ct-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, children_label);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, reference_label);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, next_summary_label);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, next_due_label);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, urgent_box);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, actions_group);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, documents_list);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, people_list);
  gtk_widget_class_bind_template_child (widget_class, CtCasePage, chronology_list);

  gtk_widget_class_install_action (widget_class, "case-page.add-person", NULL,
                                   on_add_person_activated_cb);
  gtk_widget_class_install_action (widget_class, "case-page.make-document", "s",
                                   on_make_document_activated_cb);
  gtk_widget_class_install_action (widget_class, "case-page.record-step", "s",
                                   on_record_step_activated_cb);
  gtk_widget_class_install_action (widget_class, "case-page.add-note", NULL,
                                   on_add_note_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "case-page.add-note", NULL);
}

static void
ct_case_page_init (CtCasePage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->action_rows = g_ptr_array_new ();

  placeholder = gtk_label_new (_("No letters or reports yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->documents_list, placeholder);
}

/**
 * ct_case_page_new:
 *
 * Returns: (transfer floating): a new, empty case page.
 */
GtkWidget *
ct_case_page_new (void)
{
  return g_object_new (CT_TYPE_CASE_PAGE, NULL);
}

/**
 * ct_case_page_set_workflow:
 * @self: a #CtCasePage
 * @workflow: the open records
 */
void
ct_case_page_set_workflow (CtCasePage *self,
                           CtWorkflow *workflow)
{
  g_return_if_fail (CT_IS_CASE_PAGE (self));

  g_set_object (&self->workflow, workflow);
}

/**
 * ct_case_page_load:
 * @self: a #CtCasePage
 * @case_id: the case to show
 *
 * Reads the case without blocking and shows it.
 */
void
ct_case_page_load (CtCasePage *self,
                   const char *case_id)
{
  g_return_if_fail (CT_IS_CASE_PAGE (self));
  g_return_if_fail (self->workflow != NULL);

  if (g_strcmp0 (self->case_id, case_id) != 0)
    g_clear_pointer (&self->file, ct_case_file_free);
  g_free (self->case_id);
  self->case_id = g_strdup (case_id);
  reload (self);
}

/**
 * ct_case_page_reload:
 * @self: a #CtCasePage
 *
 * Reads the case shown again, if any, as when another desk changed it.
 */
void
ct_case_page_reload (CtCasePage *self)
{
  g_return_if_fail (CT_IS_CASE_PAGE (self));

  if (self->case_id != NULL && self->workflow != NULL)
    reload (self);
}

/**
 * ct_case_page_get_file:
 * @self: a #CtCasePage
 *
 * Returns: (transfer none) (nullable): the case shown.
 */
CtCaseFile *
ct_case_page_get_file (CtCasePage *self)
{
  g_return_val_if_fail (CT_IS_CASE_PAGE (self), NULL);
  return self->file;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-preferences-window"

#include "config.h"

#include <cairo.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-backups.h"
#include "ct-clock.h"
#include "ct-date-button.h"
#include "ct-details.h"
#include "ct-document-error.h"
#include "ct-format.h"
#include "ct-members-page.h"
#include "ct-paths.h"
#include "ct-preferences-window.h"
#include "ct-procedure.h"
#include "ct-store-location.h"

/*
 * The Letters group edits two optional fields of the ORGANISATION record
 * that the letter renderer reads (see ct-case-documents.h):
 * "letter-closing", the organisation's own closing paragraph, and
 * "logo-path", a PNG for the letterhead. A chosen logo is checked to be a
 * PNG cairo can read and copied into Caretrail's data folder, in a folder
 * named by its SHA-256, so moving or changing the original does not break
 * letters, and earlier versions of the record keep pointing at the image
 * they had.
 *
 * Every setting applies as it is changed, as in GNOME's own preferences:
 * there is no Save button. Typing is saved once it pauses, or when the
 * field is left or Enter pressed; a value that cannot be read is marked on
 * its row, with the reason below, and is not saved. Saves of the
 * organisation record go one at a time, each from the record as the last
 * one left it, and a save started as the window closes still finishes.
 */

#define APPLY_DELAY_MS 700

typedef enum
{
  PENDING_PROCEDURE = 1 << 0,
  PENDING_LETTERS   = 1 << 1,
} Pending;

#define MAX_LOGO_BYTES (5 * 1024 * 1024)

struct _CtPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  CtWorkflow           *workflow;
  GCancellable         *cancellable;
  GtkNativeDialog      *chooser;
  char                 *logo_path;   /* as saved, or being saved; NULL for none */
  gboolean              loading;     /* filling the fields, not the person typing */
  gboolean              saving;      /* a save of the organisation is running */
  Pending               pending;     /* saves waiting for it */
  guint                 procedure_timeout_id;
  guint                 letters_timeout_id;
  GCancellable         *backup_cancellable;

  AdwPreferencesGroup  *database_group;
  AdwEntryRow          *database_row;
  GtkLabel             *database_error_label;
  AdwActionRow         *reopen_row;
  AdwPreferencesGroup  *letters_group;
  GtkTextView          *closing_view;
  AdwActionRow         *logo_row;
  AdwComboRow          *kind_row;
  GtkLabel             *letters_error_label;
  AdwPreferencesGroup  *procedure_group;
  AdwEntryRow          *cutoff_row;
  AdwEntryRow          *out_of_hours_row;
  GtkSpinButton        *decision_spin;
  GtkSpinButton        *referral_spin;
  AdwEntryRow          *policy_row;
  GtkLabel             *procedure_error_label;

  AdwPreferencesPage   *backups_page;
  GtkWidget            *members_page;  /* only once records on a server are open */
  AdwActionRow         *folder_row;
  GtkSpinButton        *keep_spin;
  GtkSpinButton        *overdue_spin;
  AdwActionRow         *back_up_row;
  GtkButton            *cancel_backup_button;
  GtkProgressBar       *backup_progress;
  GtkLabel             *backups_error_label;
};

G_DEFINE_FINAL_TYPE (CtPreferencesWindow, ct_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_WORKFLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static CtRecord *
get_organisation (CtPreferencesWindow *self)
{
  return self->workflow != NULL ? ct_workflow_get_organisation (self->workflow) : NULL;
}

static void
show_letters_error (CtPreferencesWindow *self,
                    const char          *message)
{
  gtk_label_set_text (self->letters_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->letters_error_label), message != NULL);
}

static void
update_logo_row (CtPreferencesWindow *self)
{
  gboolean has_logo = self->logo_path != NULL && self->logo_path[0] != '\0';
  g_autofree char *name = has_logo ? g_path_get_basename (self->logo_path) : NULL;

  adw_action_row_set_subtitle (self->logo_row, has_logo ? name : _("None"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "letters.remove-logo",
                                 has_logo && get_organisation (self) != NULL);
}

static void
update_letters_actions (CtPreferencesWindow *self)
{
  gboolean ready = get_organisation (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "letters.choose-logo", ready);
  update_logo_row (self);
}

/* Fills the Letters group from the organisation record, or explains why
 * it cannot be changed. */
/* The kinds of organisation, as the organisation's details table lists
 * them; row 0 of the combo row is "not set". */
static const char * const *
organisation_kinds (void)
{
  return ct_details_lookup (CT_RECORD_KIND_ORGANISATION, "organisation-kind")->choices;
}

static guint
kind_index (const char *kind)
{
  const char * const *kinds = organisation_kinds ();

  for (guint i = 0; kind != NULL && kinds[i] != NULL; i++)
    if (g_str_equal (kinds[i], kind))
      return i + 1;
  return 0;
}

static void
load_letters (CtPreferencesWindow *self)
{
  CtRecord *organisation = get_organisation (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->closing_view);
  const char *closing = NULL;

  g_clear_pointer (&self->logo_path, g_free);
  show_letters_error (self, NULL);

  if (organisation == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->letters_group), FALSE);
      adw_preferences_group_set_description (self->letters_group,
                                             _("No database is open. Unlock or set up your "
                                               "records in the main window to change how "
                                               "letters look."));
      gtk_text_buffer_set_text (buffer, "", -1);
      update_letters_actions (self);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->letters_group), TRUE);
  adw_preferences_group_set_description (self->letters_group,
                                         _("Printed on every letter Caretrail writes, such as "
                                           "the written confirmation of a referral."));

  closing = ct_record_get_string (organisation, "letter-closing");
  self->loading = TRUE;
  gtk_text_buffer_set_text (buffer, closing != NULL ? closing : "", -1);
  adw_combo_row_set_selected (self->kind_row,
                              kind_index (ct_record_get_string (organisation, "organisation-kind")));
  self->loading = FALSE;
  self->logo_path = g_strdup (ct_record_get_string (organisation, "logo-path"));
  update_letters_actions (self);
}

/* Procedure {{{ */

/*
 * The Procedure group edits the ORGANISATION record's settings that the
 * case service reads for every deadline (ct_case_service_new_for_organisation):
 * "cutoff", "out-of-hours", "decision-working-days", "referral-working-days"
 * and "policy-reviewed". What cannot be read is refused here, so no
 * deadline is ever worked out from a guess.
 */

static void
show_procedure_error (CtPreferencesWindow *self,
                      const char          *message,
                      GtkWidget           *row)
{
  GtkWidget *rows[] = { GTK_WIDGET (self->cutoff_row), GTK_WIDGET (self->policy_row) };

  /* The row that cannot be read is marked, and named to assistive
   * technology by the reason. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      if (rows[i] == row)
        {
          gtk_widget_add_css_class (rows[i], "error");
          gtk_accessible_update_property (GTK_ACCESSIBLE (rows[i]),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
          gtk_accessible_update_state (GTK_ACCESSIBLE (rows[i]),
                                       GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                       -1);
        }
      else
        {
          gtk_widget_remove_css_class (rows[i], "error");
          gtk_accessible_reset_property (GTK_ACCESSIBLE (rows[i]),
                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
          gtk_accessible_reset_state (GTK_ACCESSIBLE (rows[i]), GTK_ACCESSIBLE_STATE_INVALID);
        }
    }

  gtk_label_set_text (self->procedure_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->procedure_error_label), message != NULL);
}

static void
load_procedure (CtPreferencesWindow *self)
{
  CtRecord *organisation = get_organisation (self);
  const char *policy;
  g_autofree char *policy_text = NULL;

  show_procedure_error (self, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->procedure_group), organisation != NULL);
  if (organisation == NULL)
    return;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->cutoff_row),
                         ct_record_get_string (organisation, "cutoff") ?: "16:00");
  gtk_editable_set_text (GTK_EDITABLE (self->out_of_hours_row),
                         ct_record_get_string (organisation, "out-of-hours") ?: "");
  gtk_spin_button_set_value (self->decision_spin,
                             (double) ct_record_get_int64 (organisation, "decision-working-days", 0));
  gtk_spin_button_set_value (self->referral_spin,
                             (double) ct_record_get_int64 (organisation, "referral-working-days", 0));
  policy = ct_record_get_string (organisation, "policy-reviewed");
  if (policy == NULL)
    policy = ct_record_get_string (organisation, "policy-adopted");
  policy_text = policy != NULL ? ct_format_date_for_entry (policy) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->policy_row), policy_text ?: "");
  self->loading = FALSE;
}

static void run_next_save (CtPreferencesWindow *self);

/* Reads the Procedure group into a changed organisation record, or says
 * on the row what cannot be read. Returns %NULL if there is nothing to
 * save. */
static CtRecord *
read_procedure (CtPreferencesWindow *self)
{
  CtRecord *organisation = get_organisation (self);
  g_autoptr(CtRecord) changed = NULL;
  g_autofree char *cutoff = NULL;
  g_autofree char *route = NULL;
  g_autofree char *policy_text = NULL;
  g_autofree char *policy = NULL;
  g_autoptr(GHashTable) answers = NULL;
  g_autoptr(GError) error = NULL;
  guint minutes;

  if (organisation == NULL)
    return NULL;

  cutoff = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cutoff_row))));
  route = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->out_of_hours_row))));
  policy_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->policy_row))));

  if (!ct_cutoff_parse (cutoff, &minutes, &error))
    {
      show_procedure_error (self, error->message, GTK_WIDGET (self->cutoff_row));
      return NULL;
    }
  if (policy_text[0] != '\0' && !ct_parse_date (policy_text, &policy))
    {
      show_procedure_error (self, _("The date the policy was adopted or last reviewed must be a real date, written as DD/MM/YYYY."),
                            GTK_WIDGET (self->policy_row));
      return NULL;
    }

  /* An empty out-of-hours route removes it; an empty policy date keeps the
   * one recorded. */
  answers = ct_answers_new ();
  ct_answers_set_text (answers, "cutoff", cutoff);
  ct_answers_set_text (answers, "out-of-hours", route);
  ct_answers_set_int64 (answers, "decision-working-days",
                        gtk_spin_button_get_value_as_int (self->decision_spin));
  ct_answers_set_int64 (answers, "referral-working-days",
                        gtk_spin_button_get_value_as_int (self->referral_spin));
  if (policy != NULL)
    ct_answers_set_text (answers, "policy-reviewed", policy);

  changed = ct_details_change_record (organisation, answers, &error);
  if (changed == NULL)
    {
      show_procedure_error (self, error->message, NULL);
      return NULL;
    }

  show_procedure_error (self, NULL, NULL);
  if (ct_record_equal_fields (changed, organisation))
    return NULL;
  return g_steal_pointer (&changed);
}

/* Reads the Letters group into a changed organisation record; %NULL if
 * there is nothing to save. */
static CtRecord *
read_letters (CtPreferencesWindow *self)
{
  CtRecord *organisation = get_organisation (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->closing_view);
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(GHashTable) answers = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *closing = NULL;
  GtkTextIter start, end;

  if (organisation == NULL)
    return NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  closing = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_strstrip (closing);

  /* Empty answers remove the closing and the logo. */
  answers = ct_answers_new ();
  ct_answers_set_text (answers, "letter-closing", closing);
  ct_answers_set_text (answers, "logo-path", self->logo_path != NULL ? self->logo_path : "");
  {
    guint selected = adw_combo_row_get_selected (self->kind_row);

    ct_answers_set_text (answers, "organisation-kind",
                         selected > 0 && selected != GTK_INVALID_LIST_POSITION
                         ? organisation_kinds ()[selected - 1] : "");
  }

  changed = ct_details_change_record (organisation, answers, &error);
  if (changed == NULL)
    {
      show_letters_error (self, error->message);
      return NULL;
    }
  if (ct_record_equal_fields (changed, organisation))
    return NULL;
  return g_steal_pointer (&changed);
}

static void
on_organisation_saved_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CtPreferencesWindow *self = g_task_get_source_object (task);
  Pending which = GPOINTER_TO_UINT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;

  /* Saved; but a window already closed has nothing to show it in. */
  if (self->cancellable == NULL || !gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      ct_workflow_update_organisation_finish (CT_WORKFLOW (source), result, &error);
      if (error != NULL)
        g_warning ("A setting could not be saved as Preferences closed: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!ct_workflow_update_organisation_finish (CT_WORKFLOW (source), result, &error))
    {
      /* What was typed stays in the form, to be saved with the next
       * change. */
      if (which == PENDING_PROCEDURE)
        show_procedure_error (self, error->message, NULL);
      else
        show_letters_error (self, error->message);
    }
  else if (which == PENDING_LETTERS)
    show_letters_error (self, NULL);

  run_next_save (self);
  g_task_return_boolean (task, TRUE);
}

/* Starts the next waiting save, unless one is running. */
static void
run_next_save (CtPreferencesWindow *self)
{
  while (!self->saving && self->pending != 0 && self->workflow != NULL)
    {
      Pending which = (self->pending & PENDING_PROCEDURE) ? PENDING_PROCEDURE : PENDING_LETTERS;
      g_autoptr(CtRecord) changed = NULL;
      GTask *task;

      self->pending &= ~which;
      changed = which == PENDING_PROCEDURE ? read_procedure (self) : read_letters (self);
      if (changed == NULL)
        continue;

      self->saving = TRUE;
      /* The task holds the window until the save is done; it is not
       * cancelled when the window closes, so the last change is kept. */
      task = g_task_new (self, NULL, NULL, NULL);
      g_task_set_source_tag (task, run_next_save);
      g_task_set_task_data (task, GUINT_TO_POINTER (which), NULL);
      ct_workflow_update_organisation_async (self->workflow, changed, NULL,
                                             on_organisation_saved_cb, task);
    }
}

static void
save_soon (CtPreferencesWindow *self,
           Pending              which)
{
  self->pending |= which;
  run_next_save (self);
}

static gboolean
on_procedure_timeout_cb (gpointer user_data)
{
  CtPreferencesWindow *self = user_data;

  self->procedure_timeout_id = 0;
  save_soon (self, PENDING_PROCEDURE);
  return G_SOURCE_REMOVE;
}

static gboolean
on_letters_timeout_cb (gpointer user_data)
{
  CtPreferencesWindow *self = user_data;

  self->letters_timeout_id = 0;
  save_soon (self, PENDING_LETTERS);
  return G_SOURCE_REMOVE;
}

/* Saves what is waiting for a pause in typing now. */
static void
flush_typing (CtPreferencesWindow *self)
{
  if (self->procedure_timeout_id != 0)
    {
      g_clear_handle_id (&self->procedure_timeout_id, g_source_remove);
      save_soon (self, PENDING_PROCEDURE);
    }
  if (self->letters_timeout_id != 0)
    {
      g_clear_handle_id (&self->letters_timeout_id, g_source_remove);
      save_soon (self, PENDING_LETTERS);
    }
}

static void
on_procedure_changed_cb (CtPreferencesWindow *self)
{
  if (self->loading || get_organisation (self) == NULL)
    return;
  g_clear_handle_id (&self->procedure_timeout_id, g_source_remove);
  self->procedure_timeout_id = g_timeout_add (APPLY_DELAY_MS, on_procedure_timeout_cb, self);
}

static void
on_closing_changed_cb (CtPreferencesWindow *self)
{
  if (self->loading || get_organisation (self) == NULL)
    return;
  g_clear_handle_id (&self->letters_timeout_id, g_source_remove);
  self->letters_timeout_id = g_timeout_add (APPLY_DELAY_MS, on_letters_timeout_cb, self);
}

static void
on_field_left_cb (CtPreferencesWindow *self)
{
  flush_typing (self);
}

/* Typing in @widget is saved after a pause, and at once when Enter is
 * pressed or the field is left. */
static void
watch_field (CtPreferencesWindow *self,
             GtkWidget           *widget,
             const char          *signal,
             GCallback            changed)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  if (signal != NULL)
    g_signal_connect_swapped (widget, signal, changed, self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_field_left_cb), self);
  gtk_widget_add_controller (widget, focus);
  if (ADW_IS_ENTRY_ROW (widget))
    g_signal_connect_swapped (widget, "entry-activated", G_CALLBACK (on_field_left_cb), self);
}

/* }}} */

/* Import {{{ */

typedef struct
{
  const guchar *data;
  gsize         length;
  gsize         offset;
} PngReader;

static cairo_status_t
read_png_cb (void          *closure,
             unsigned char *data,
             unsigned int   length)
{
  PngReader *reader = closure;

  if (length > reader->length - reader->offset)
    return CAIRO_STATUS_READ_ERROR;

  memcpy (data, reader->data + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

static void
import_logo_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *display = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *dest = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean empty;
  PngReader reader = { NULL, 0, 0 };
  gsize length = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_new_error (task, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO,
                               _("“%s” could not be read (%s). Choose a PNG image you can "
                                 "open."), display, error->message);
      return;
    }

  if (length > MAX_LOGO_BYTES)
    {
      g_task_return_new_error (task, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO,
                               _("“%s” is larger than 5 MB. Choose a smaller PNG image for "
                                 "the letterhead."), display);
      return;
    }

  reader.data = (const guchar *) contents;
  reader.length = length;
  surface = cairo_image_surface_create_from_png_stream (read_png_cb, &reader);
  status = cairo_surface_status (surface);
  empty = status == CAIRO_STATUS_SUCCESS &&
          (cairo_image_surface_get_width (surface) <= 0 ||
           cairo_image_surface_get_height (surface) <= 0);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS || empty)
    {
      g_task_return_new_error (task, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO,
                               _("“%s” is not a PNG image Caretrail can read. Save the logo "
                                 "as a PNG file and choose it again."), display);
      return;
    }

  checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  data_dir = ct_paths_get_data_dir ();
  /* Named by content, so a changed image never overwrites one an earlier
   * version of the record points at; the file keeps its own name. */
  dir = g_build_filename (data_dir, "letterhead", checksum, NULL);
  basename = g_file_get_basename (file);
  if (basename == NULL || basename[0] == '.' || strchr (basename, G_DIR_SEPARATOR) != NULL)
    {
      g_free (basename);
      basename = g_strdup ("logo.png");
    }
  dest = g_build_filename (dir, basename, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (!g_file_test (dest, G_FILE_TEST_IS_REGULAR) &&
       !g_file_set_contents_full (dest, contents, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                  0600, &error)))
    {
      g_task_return_new_error (task, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO,
                               _("The logo could not be copied into Caretrail’s data folder "
                                 "(%s). Check there is free space and try again."),
                               error != NULL ? error->message : g_strerror (errno));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&dest), g_free);
}

static void
on_logo_imported_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  CtPreferencesWindow *self = g_task_get_source_object (outer);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);

  if (path == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_letters_error (self, error->message);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  show_letters_error (self, NULL);
  g_free (self->logo_path);
  self->logo_path = g_steal_pointer (&path);
  update_logo_row (self);
  save_soon (self, PENDING_LETTERS);
  g_task_return_boolean (outer, TRUE);
}

/**
 * ct_preferences_window_import_logo_async:
 * @self: a #CtPreferencesWindow
 * @file: the image the person chose
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when done
 * @user_data: for @callback
 *
 * Checks that @file is a PNG image and copies it into Caretrail's data
 * folder, off the main thread. On success it becomes the letterhead logo
 * and is saved at once; on failure the reason is shown in the Letters
 * group and the logo is unchanged.
 */
void
ct_preferences_window_import_logo_async (CtPreferencesWindow *self,
                                         GFile               *file,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CT_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ct_preferences_window_import_logo_async);

  task = g_task_new (NULL, cancellable, on_logo_imported_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, import_logo_in_thread);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, import_logo_in_thread);
}

gboolean
ct_preferences_window_import_logo_finish (CtPreferencesWindow  *self,
                                          GAsyncResult         *result,
                                          GError              **error)
{
  g_return_val_if_fail (CT_IS_PREFERENCES_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ct_preferences_window_get_logo_path:
 * @self: a #CtPreferencesWindow
 *
 * Returns: (nullable): the letterhead logo the Letters group saved, or is
 *   saving: the copy in Caretrail's data folder, or %NULL for none.
 */
const char *
ct_preferences_window_get_logo_path (CtPreferencesWindow *self)
{
  g_return_val_if_fail (CT_IS_PREFERENCES_WINDOW (self), NULL);
  return self->logo_path;
}

/* }}} */

/* Actions {{{ */

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  CtPreferencesWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        ct_preferences_window_import_logo_async (self, file, self->cancellable, NULL, NULL);
    }

  g_clear_object (&self->chooser);
}

static void
choose_logo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose a Letterhead Logo"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                         _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
remove_logo_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);

  g_clear_pointer (&self->logo_path, g_free);
  show_letters_error (self, NULL);
  update_logo_row (self);
  save_soon (self, PENDING_LETTERS);
}

/* }}} */

/* Backups {{{ */

static CtStore *
get_store (CtPreferencesWindow *self)
{
  return self->workflow != NULL ? ct_workflow_get_store (self->workflow) : NULL;
}

static void
show_backups_error (CtPreferencesWindow *self,
                    const char          *message)
{
  gtk_label_set_text (self->backups_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->backups_error_label), message != NULL);
}

static void
update_backups (CtPreferencesWindow *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "backup-folder");
  g_autofree char *last = ct_backups_describe_last (self->settings);
  gboolean running = self->backup_cancellable != NULL;

  adw_action_row_set_subtitle (self->folder_row, folder[0] != '\0' ? folder : _("None chosen"));
  adw_action_row_set_subtitle (self->back_up_row, last);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.back-up",
                                 !running && folder[0] != '\0' && get_store (self) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_backup_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->backup_progress), running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.restore",
                                 !running && gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL);
}

static void
on_backup_settings_changed_cb (GSettings           *settings,
                               const char          *key,
                               CtPreferencesWindow *self)
{
  update_backups (self);
}

static void
on_folder_chosen_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  CtPreferencesWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        {
          show_backups_error (self, NULL);
          g_settings_set_string (self->settings, "backup-folder", path);
        }
      else if (file != NULL)
        show_backups_error (self, _("That folder cannot be used for backups, as it is not on a "
                                    "disk this computer can write to directly. Choose another."));
    }

  g_clear_object (&self->chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);
  g_autofree char *folder = g_settings_get_string (self->settings, "backup-folder");
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  /* Through the file chooser portal in a sandbox, which also gives
   * Caretrail access to the folder chosen. */
  chooser = gtk_file_chooser_native_new (_("Choose the Backup Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Choose"),
                                         _("_Cancel"));
  if (folder[0] != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) dir = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_folder_chosen_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
on_backup_progress_cb (double   fraction,
                       gpointer user_data)
{
  CtPreferencesWindow *self = user_data;

  gtk_progress_bar_set_fraction (self->backup_progress, fraction);
}

static void
on_backed_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CtPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ct_backups_back_up_finish (result, &error);

  g_clear_object (&self->backup_cancellable);
  update_backups (self);

  if (path == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_backups_error (self, _("The backup was stopped. No backup was left in the folder."));
      else
        show_backups_error (self, error->message);
      return;
    }

  show_backups_error (self, NULL);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("The records were backed up")));
}

static void
back_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);
  CtStore *store = get_store (self);

  if (store == NULL || self->backup_cancellable != NULL)
    return;

  show_backups_error (self, NULL);
  self->backup_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->backup_progress, 0);
  update_backups (self);
  ct_backups_back_up_async (self->settings, store, on_backup_progress_cb, g_object_ref (self),
                            g_object_unref, self->backup_cancellable, on_backed_up_cb,
                            g_object_ref (self));
}

static void
cancel_backup_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);

  g_cancellable_cancel (self->backup_cancellable);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (widget);
  GtkWindow *main_window = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (main_window == NULL)
    return;

  /* The main window restores it, and shows the records afterwards. */
  ct_backups_ask_restore (self->settings, GTK_WINDOW (self), GTK_WIDGET (main_window), TRUE);
}

/**
 * ct_preferences_window_restore_backup:
 * @self: a #CtPreferencesWindow
 * @path: a backup file
 *
 * Restores @path in the main window this window belongs to, as confirming
 * a file chosen with "Restore…" does, and closes this window.
 */
void
ct_preferences_window_restore_backup (CtPreferencesWindow *self,
                                      const char          *path)
{
  GtkWindow *main_window;

  g_return_if_fail (CT_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (path != NULL);

  main_window = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_return_if_fail (main_window != NULL);

  g_object_ref (main_window);
  gtk_window_close (GTK_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (main_window), "win.restore-backup", "s", path);
  g_object_unref (main_window);
}

/* }}} */

/* Where the records are kept {{{ */

/*
 * The "database" setting: empty for Caretrail's own file, or a file path,
 * or a postgresql:// server address. It applies with the row's apply
 * button or Enter, not while it is typed, since a half-typed address is
 * often a valid one; it is checked by the same parser every command of
 * caretrail-admin uses, and an address that cannot be used is marked on
 * the row, with the reason below, and not saved. The records already
 * open stay open until Caretrail reopens them, which the row offers.
 */

static void
show_database_error (CtPreferencesWindow *self,
                     const char          *message)
{
  GtkWidget *row = GTK_WIDGET (self->database_row);

  if (message != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (row, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
    }
  gtk_label_set_text (self->database_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->database_error_label), message != NULL);
}

static void
load_database (CtPreferencesWindow *self)
{
  g_autofree char *location = g_settings_get_string (self->settings, "database");
  g_autofree char *own = ct_paths_get_default_database ();
  g_autofree char *description = NULL;

  description = g_strdup_printf (_("A file on this computer, or the address of a shared server "
                                   "(postgresql://HOST/DATABASE?user=NAME). Leave it empty for "
                                   "Caretrail’s own file, %s."), own);
  adw_preferences_group_set_description (self->database_group, description);
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->database_row), location);
  self->loading = FALSE;
}

static void
on_database_changed_cb (CtPreferencesWindow *self)
{
  /* A new attempt is not marked with the last one's fault. */
  if (!self->loading)
    show_database_error (self, NULL);
}

static void
on_database_applied_cb (CtPreferencesWindow *self)
{
  g_autofree char *location = NULL;
  g_autofree char *saved = g_settings_get_string (self->settings, "database");
  g_autoptr(GError) error = NULL;

  location = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->database_row))));
  if (location[0] != '\0' && !ct_store_location_check (location, &error))
    {
      show_database_error (self, error->message);
      return;
    }

  show_database_error (self, NULL);
  if (g_strcmp0 (location, saved) == 0)
    return;
  g_settings_set_string (self->settings, "database", location);
  gtk_widget_set_visible (GTK_WIDGET (self->reopen_row), TRUE);
}

/* }}} */

static void
ct_preferences_window_constructed (GObject *object)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (ct_preferences_window_parent_class)->constructed (object);

  load_database (self);

  /* The backup settings are the application's own, saved as they change. */
  g_settings_bind (self->settings, "backup-keep", self->keep_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "backup-overdue-days", self->overdue_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::backup-folder",
                           G_CALLBACK (on_backup_settings_changed_cb), self, 0);
  g_signal_connect_object (self->settings, "changed::last-backup",
                           G_CALLBACK (on_backup_settings_changed_cb), self, 0);
  g_signal_connect_swapped (self, "notify::transient-for", G_CALLBACK (update_backups), self);

  load_letters (self);
  load_procedure (self);
  update_backups (self);
}

static gboolean
ct_preferences_window_close_request (GtkWindow *window)
{
  /* What was typed last is saved, not lost, when the window closes. */
  flush_typing (CT_PREFERENCES_WINDOW (window));

  return GTK_WINDOW_CLASS (ct_preferences_window_parent_class)->close_request (window);
}

static void
ct_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_WORKFLOW:
      ct_preferences_window_set_workflow (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_WORKFLOW:
      g_value_set_object (value, self->workflow);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_preferences_window_dispose (GObject *object)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (object);

  flush_typing (self);
  g_clear_handle_id (&self->procedure_timeout_id, g_source_remove);
  g_clear_handle_id (&self->letters_timeout_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  /* A backup under way goes on; it holds the application until done. */
  g_clear_object (&self->backup_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), CT_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->workflow);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ct_preferences_window_parent_class)->dispose (object);
}

static void
ct_preferences_window_finalize (GObject *object)
{
  CtPreferencesWindow *self = CT_PREFERENCES_WINDOW (object);

  g_free (self->logo_path);

  G_OBJECT_CLASS (ct_preferences_window_parent_class)->finalize (object);
}

static void
ct_preferences_window_class_init (CtPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ct_preferences_window_constructed;
  object_class->dispose = ct_preferences_window_dispose;
  object_class->finalize = ct_preferences_window_finalize;
  object_class->get_property = ct_preferences_window_get_property;
  object_class->set_property = ct_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * CtPreferencesWindow:workflow:
   *
   * The open database's workflow, whose organisation record the Letters
   * group edits; %NULL when no database is open.
   */
  properties[PROP_WORKFLOW] =
    g_param_spec_object ("workflow", NULL, NULL,
                         CT_TYPE_WORKFLOW,
                         G_PARAM_READWRITE |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  GTK_WINDOW_CLASS (klass)->close_request = ct_preferences_window_close_request;

  gtk_widget_class_install_action (widget_class, "letters.choose-logo", NULL,
                                   choose_logo_action);
  gtk_widget_class_install_action (widget_class, "letters.remove-logo", NULL,
                                   remove_logo_action);
  gtk_widget_class_install_action (widget_class, "backups.choose-folder", NULL,
                                   choose_folder_action);
  gtk_widget_class_install_action (widget_class, "backups.back-up", NULL, back_up_action);
  gtk_widget_class_install_action (widget_class, "backups.cancel", NULL, cancel_backup_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", NULL, restore_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, database_group);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, database_error_label);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, reopen_row);
  gtk_widget_class_bind_template_callback (widget_class, on_database_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_database_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, letters_group);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, closing_view);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, logo_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, letters_error_label);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, procedure_group);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, cutoff_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, out_of_hours_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, decision_spin);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, referral_spin);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, policy_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, procedure_error_label);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, backups_page);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, folder_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, keep_spin);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, overdue_spin);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, back_up_row);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, cancel_backup_button);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, backup_progress);
  gtk_widget_class_bind_template_child (widget_class, CtPreferencesWindow, backups_error_label);
}

static void
ct_preferences_window_init (CtPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  ct_date_button_attach (self->policy_row);

  watch_field (self, GTK_WIDGET (self->cutoff_row), "changed", G_CALLBACK (on_procedure_changed_cb));
  watch_field (self, GTK_WIDGET (self->out_of_hours_row), "changed",
               G_CALLBACK (on_procedure_changed_cb));
  watch_field (self, GTK_WIDGET (self->policy_row), "changed", G_CALLBACK (on_procedure_changed_cb));
  watch_field (self, GTK_WIDGET (self->decision_spin), "value-changed",
               G_CALLBACK (on_procedure_changed_cb));
  watch_field (self, GTK_WIDGET (self->referral_spin), "value-changed",
               G_CALLBACK (on_procedure_changed_cb));
  watch_field (self, GTK_WIDGET (self->closing_view), NULL, NULL);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->closing_view), "changed",
                            G_CALLBACK (on_closing_changed_cb), self);

  /* The kind of organisation decides which lawful bases for sharing a
   * referral offers; it applies at once, like the rest of this page. */
  {
    g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
    const char * const *ids = organisation_kinds ();

    gtk_string_list_append (kinds, _("Not set"));
    for (guint i = 0; ids[i] != NULL; i++)
      gtk_string_list_append (kinds, ct_choice_get_label (ids[i]));
    self->kind_row = ADW_COMBO_ROW (adw_combo_row_new ());
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), _("Kind of organisation"));
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->kind_row),
                                 _("Decides the lawful bases offered when information is shared"));
    adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
    adw_preferences_group_add (self->letters_group, GTK_WIDGET (self->kind_row));
    g_signal_connect_swapped (self->kind_row, "notify::selected",
                              G_CALLBACK (on_closing_changed_cb), self);
  }
}

/**
 * ct_preferences_window_new:
 * @settings: the application's settings
 *
 * Returns: (transfer full): a new preferences window.
 */
CtPreferencesWindow *
ct_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (CT_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}

CtWorkflow *
ct_preferences_window_get_workflow (CtPreferencesWindow *self)
{
  g_return_val_if_fail (CT_IS_PREFERENCES_WINDOW (self), NULL);
  return self->workflow;
}

/* Members exist only on a server: the page is there when records on one
 * are open. */
static void
update_members (CtPreferencesWindow *self)
{
  CtStore *store = self->workflow != NULL ? ct_workflow_get_store (self->workflow) : NULL;
  gboolean server = store != NULL && ct_store_location_is_server (ct_store_get_path (store));

  if (server && self->members_page == NULL)
    {
      self->members_page = ct_members_page_new ();
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (self->members_page));
    }
  if (self->members_page == NULL)
    return;
  gtk_widget_set_visible (self->members_page, server);
  ct_members_page_set_workflow (CT_MEMBERS_PAGE (self->members_page), server ? self->workflow : NULL);
}

/**
 * ct_preferences_window_get_members_page:
 * @self: a #CtPreferencesWindow
 *
 * Returns: (transfer none) (nullable): the Members page, once records on
 *   a server have been open
 */
GtkWidget *
ct_preferences_window_get_members_page (CtPreferencesWindow *self)
{
  g_return_val_if_fail (CT_IS_PREFERENCES_WINDOW (self), NULL);
  return self->members_page;
}

/**
 * ct_preferences_window_set_workflow:
 * @self: a #CtPreferencesWindow
 * @workflow: (nullable): the open database's workflow, loaded
 *
 * Lets the Letters and Procedure groups edit the organisation record of
 * @workflow, and the Backups page back it up. With %NULL, or before the
 * workflow has loaded, those groups are insensitive and say why.
 */
void
ct_preferences_window_set_workflow (CtPreferencesWindow *self,
                                    CtWorkflow          *workflow)
{
  g_return_if_fail (CT_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (workflow == NULL || CT_IS_WORKFLOW (workflow));

  if (!g_set_object (&self->workflow, workflow))
    return;

  g_clear_handle_id (&self->procedure_timeout_id, g_source_remove);
  g_clear_handle_id (&self->letters_timeout_id, g_source_remove);
  self->pending = 0;
  load_letters (self);
  load_procedure (self);
  update_backups (self);
  update_members (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKFLOW]);
}

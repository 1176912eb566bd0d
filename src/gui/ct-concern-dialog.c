/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-concern-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ct-choice-row.h"
#include "ct-alert.h"
#include "ct-concern-dialog.h"
#include "ct-date-button.h"
#include "ct-form-window.h"
#include "ct-format.h"
#include "ct-help.h"
#include "ct-procedure.h"

/*
 * The record-of-concern form, a #CtFormWindow. It checks what it can as
 * the user types, and the form is valid (so "form.save" is enabled) only
 * when everything the policy needs is there. Saving emits ::save; the owner
 * takes the answers of the "concern-recorded" step (see ct_step_form_get()
 * and ct_concern_dialog_get_answers()) and when the concern was raised,
 * records the step, and calls ct_form_window_save_finished(); what that
 * writes is the procedure's business. If that fails the form stays open and
 * filled, so nothing typed is lost.
 */
struct _CtConcernDialog
{
  CtFormWindow     parent_instance;

  GListModel      *staff;
  CtRecord        *existing_child;
  GHashTable      *answers;
  char            *last_lookup;

  AdwPreferencesGroup *risk_group;
  AdwPreferencesGroup *who_group;
  AdwPreferencesGroup *child_group;
  AdwPreferencesGroup *what_group;
  AdwPreferencesGroup *words_group;
  AdwPreferencesGroup *injuries_group;
  AdwPreferencesGroup *witnesses_group;
  AdwPreferencesGroup *actions_group;
  AdwPreferencesGroup *missing_group;
  CtChoiceRow     *risk_row;
  GtkWidget       *urgent_warning;
  AdwEntryRow     *raised_by_row;
  AdwComboRow     *how_row;
  AdwEntryRow     *when_date_row;
  AdwEntryRow     *when_time_row;
  AdwEntryRow     *incident_date_row;
  AdwEntryRow     *incident_time_row;
  AdwEntryRow     *harm_types_row;
  AdwEntryRow     *given_names_row;
  AdwEntryRow     *family_name_row;
  AdwEntryRow     *aliases_row;
  AdwEntryRow     *dob_row;
  AdwEntryRow     *address_row;
  AdwEntryRow     *area_row;
  AdwActionRow    *existing_child_row;
  GtkSwitch       *existing_child_switch;
  GtkTextView     *what_view;
  GtkTextView     *words_view;
  GtkTextView     *injuries_view;
  GtkTextView     *witnesses_view;
  GtkTextView     *actions_view;
  GtkLabel        *missing_label;
};

G_DEFINE_FINAL_TYPE (CtConcernDialog, ct_concern_dialog, CT_TYPE_FORM_WINDOW)

enum {
  SIGNAL_LOOKUP_CHILD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Stored values for how_row, in its order. */
static const char *how_values[] = { "in-person", "phone", "email", "letter", "other" };

static char *
get_entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static char *
get_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strstrip (text);
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || *text == '\0';
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

static GDateTime *
get_raised_at (CtConcernDialog *self,
               gboolean        *out_date_ok,
               gboolean        *out_time_ok)
{
  g_autofree char *date_text = get_entry_text (self->when_date_row);
  g_autofree char *time_text = get_entry_text (self->when_time_row);

  *out_date_ok = ct_parse_date (date_text, NULL);
  *out_time_ok = ct_parse_time_of_day (time_text, NULL, NULL);
  return ct_parse_date_time (date_text, time_text);
}

/* Fills in @missing with what still stops the form from being saved, in the
 * order the form asks for it. */
static void
collect_missing (CtConcernDialog *self,
                 GPtrArray       *missing)
{
  g_autofree char *raised_by = get_entry_text (self->raised_by_row);
  g_autofree char *given = get_entry_text (self->given_names_row);
  g_autofree char *family = get_entry_text (self->family_name_row);
  g_autofree char *dob = get_entry_text (self->dob_row);
  g_autofree char *incident = get_entry_text (self->incident_date_row);
  g_autofree char *incident_iso = NULL;
  g_autofree char *incident_time = get_entry_text (self->incident_time_row);
  g_autofree char *what = get_view_text (self->what_view);
  g_autoptr(GDateTime) raised_at = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean date_ok, time_ok;
  gboolean dob_ok;
  gboolean incident_ok, incident_time_ok;
  gboolean linked = self->existing_child != NULL &&
                    gtk_switch_get_active (self->existing_child_switch);

  if (ct_choice_row_get_value (self->risk_row) == NULL)
    g_ptr_array_add (missing, _("whether a child is at immediate risk"));

  if (is_blank (raised_by))
    g_ptr_array_add (missing, _("who raised the concern"));

  raised_at = get_raised_at (self, &date_ok, &time_ok);
  set_row_error (GTK_WIDGET (self->when_date_row), !date_ok);
  set_row_error (GTK_WIDGET (self->when_time_row), !time_ok);
  if (!date_ok || !time_ok)
    g_ptr_array_add (missing, _("the date and time it was raised"));
  else if (g_date_time_difference (raised_at, now) >= G_TIME_SPAN_MINUTE)
    {
      set_row_error (GTK_WIDGET (self->when_date_row), TRUE);
      set_row_error (GTK_WIDGET (self->when_time_row), TRUE);
      g_ptr_array_add (missing, _("a date and time that is not in the future"));
    }

  incident_ok = is_blank (incident) || ct_parse_date (incident, &incident_iso);
  set_row_error (GTK_WIDGET (self->incident_date_row), !incident_ok);
  /* The time of day is optional too, and goes with a date. */
  incident_time_ok = is_blank (incident_time) ||
                     (ct_parse_time_of_day (incident_time, NULL, NULL) &&
                      !is_blank (incident));
  set_row_error (GTK_WIDGET (self->incident_time_row), !incident_time_ok);
  if (!incident_ok)
    g_ptr_array_add (missing, _("a date of the incident written as day/month/year"));
  else if (!incident_time_ok)
    g_ptr_array_add (missing, _("a time of the incident written as HH:MM, with its date"));
  else if (incident_iso != NULL && date_ok && time_ok)
    {
      g_autofree char *raised_day = g_date_time_format (raised_at, "%Y-%m-%d");
      g_autoptr(GDateTime) incident_at = is_blank (incident_time)
                                         ? NULL : ct_parse_date_time (incident, incident_time);

      /* ISO dates compare as text. */
      if (strcmp (incident_iso, raised_day) > 0 ||
          (incident_at != NULL &&
           g_date_time_difference (incident_at, raised_at) > G_TIME_SPAN_MINUTE))
        {
          set_row_error (GTK_WIDGET (self->incident_date_row), TRUE);
          set_row_error (GTK_WIDGET (self->incident_time_row), incident_at != NULL);
          g_ptr_array_add (missing, _("a date of the incident that is not after the concern was raised"));
        }
    }

  if (!linked && (is_blank (given) || is_blank (family)))
    g_ptr_array_add (missing, _("the child’s given and family names"));

  dob_ok = is_blank (dob) || ct_parse_date (dob, NULL);
  set_row_error (GTK_WIDGET (self->dob_row), !dob_ok);
  if (!dob_ok)
    g_ptr_array_add (missing, _("a date of birth written as day/month/year"));

  if (is_blank (what))
    g_ptr_array_add (missing, _("what was seen or heard"));
}

/**
 * ct_concern_dialog_describe_missing:
 * @self: a #CtConcernDialog
 *
 * Returns: (transfer full) (nullable): a sentence saying what the form still
 *   needs before it can be saved, or %NULL when it can be saved.
 */
char *
ct_concern_dialog_describe_missing (CtConcernDialog *self)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GString) list = g_string_new (NULL);

  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), NULL);

  collect_missing (self, missing);
  if (missing->len == 0)
    return NULL;

  for (guint i = 0; i < missing->len; i++)
    {
      if (i > 0)
        g_string_append (list, i + 1 == missing->len ? _(" and ") : ", ");
      g_string_append (list, g_ptr_array_index (missing, i));
    }

  /* Translators: %s is a list such as "who raised the concern and what was
   * seen or heard". */
  return g_strdup_printf (_("To save, add %s."), list->str);
}

/**
 * ct_concern_dialog_is_valid:
 * @self: a #CtConcernDialog
 *
 * Returns: %TRUE when every required answer is there and makes sense.
 */
gboolean
ct_concern_dialog_is_valid (CtConcernDialog *self)
{
  g_autofree char *missing = NULL;

  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), FALSE);

  missing = ct_concern_dialog_describe_missing (self);
  return missing == NULL;
}

static void
maybe_lookup_child (CtConcernDialog *self)
{
  g_autofree char *given = get_entry_text (self->given_names_row);
  g_autofree char *family = get_entry_text (self->family_name_row);
  g_autofree char *dob_text = get_entry_text (self->dob_row);
  g_autofree char *dob = NULL;
  g_autofree char *key = NULL;

  if (is_blank (given) || is_blank (family) || !ct_parse_date (dob_text, &dob))
    return;

  key = g_strdup_printf ("%s\n%s\n%s", given, family, dob);
  if (g_strcmp0 (key, self->last_lookup) == 0)
    return;

  g_free (self->last_lookup);
  self->last_lookup = g_steal_pointer (&key);
  g_signal_emit (self, signals[SIGNAL_LOOKUP_CHILD], 0, given, family, dob);
}

static void
update_validity (CtConcernDialog *self)
{
  g_autofree char *missing = ct_concern_dialog_describe_missing (self);

  /* Before saving, say what a "yes" does. */
  gtk_widget_set_visible (self->urgent_warning, ct_concern_dialog_get_immediate_risk (self));

  ct_form_window_set_valid (CT_FORM_WINDOW (self), missing == NULL);
  gtk_label_set_text (self->missing_label, missing ? missing : "");
  gtk_widget_set_visible (GTK_WIDGET (self->missing_label), missing != NULL);
}

static void
on_field_changed_cb (CtConcernDialog *self)
{
  update_validity (self);
  maybe_lookup_child (self);
}

static void
on_buffer_changed_cb (GtkTextBuffer   *buffer,
                      CtConcernDialog *self)
{
  update_validity (self);
}

static char *
find_staff_id (CtConcernDialog *self,
               const char      *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);

  if (self->staff == NULL)
    return NULL;

  for (guint i = 0; i < g_list_model_get_n_items (self->staff); i++)
    {
      g_autoptr(CtRecord) staff = g_list_model_get_item (self->staff, i);
      g_autofree char *staff_name = NULL;

      if (ct_record_get_string (staff, "name") == NULL)
        continue;
      staff_name = g_utf8_casefold (ct_record_get_string (staff, "name"), -1);
      if (g_strcmp0 (staff_name, folded) == 0)
        return g_strdup (ct_record_get_id (staff));
    }

  return NULL;
}

static void
set_text_answer (GHashTable *answers,
                 const char *name,
                 const char *value)
{
  if (!is_blank (value))
    ct_answers_set_text (answers, name, value);
}

/**
 * ct_concern_dialog_get_immediate_risk:
 * @self: a #CtConcernDialog
 *
 * Returns: %TRUE if the form says a child is at immediate risk
 */
gboolean
ct_concern_dialog_get_immediate_risk (CtConcernDialog *self)
{
  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), FALSE);

  return g_strcmp0 (ct_choice_row_get_value (self->risk_row), "yes") == 0;
}

/**
 * ct_concern_dialog_get_raised_at:
 * @self: a #CtConcernDialog
 *
 * Returns: (transfer full) (nullable): when the concern was raised, as
 *   typed (UK time), or %NULL if it cannot be read
 */
GDateTime *
ct_concern_dialog_get_raised_at (CtConcernDialog *self)
{
  gboolean date_ok, time_ok;

  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), NULL);

  return get_raised_at (self, &date_ok, &time_ok);
}

/**
 * ct_concern_dialog_build_answers:
 * @self: a valid #CtConcernDialog
 *
 * The answers of the "concern-recorded" step, as ct_step_form_get() lists
 * them: who raised it (and their staff id, if they are on the staff), how,
 * what was seen or said, whether a child is at immediate risk, and either
 * the child already known ("child-id") or the new child's details.
 *
 * Returns: (transfer full) (nullable): the answers, or %NULL if the form is
 *   not valid.
 */
GHashTable *
ct_concern_dialog_build_answers (CtConcernDialog *self)
{
  g_autoptr(GHashTable) answers = NULL;
  g_autofree char *raised_by = NULL;
  g_autofree char *staff_id = NULL;
  guint how;

  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), NULL);

  if (!ct_concern_dialog_is_valid (self))
    return NULL;

  answers = ct_answers_new ();
  raised_by = get_entry_text (self->raised_by_row);
  ct_answers_set_text (answers, "raised-by", raised_by);
  staff_id = find_staff_id (self, raised_by);
  set_text_answer (answers, "raised-by-id", staff_id);
  how = adw_combo_row_get_selected (self->how_row);
  ct_answers_set_text (answers, "how", how < G_N_ELEMENTS (how_values) ? how_values[how] : "other");

  {
    g_autofree char *what = get_view_text (self->what_view);
    g_autofree char *words = get_view_text (self->words_view);
    g_autofree char *injuries = get_view_text (self->injuries_view);
    g_autofree char *witnesses = get_view_text (self->witnesses_view);
    g_autofree char *actions = get_view_text (self->actions_view);

    set_text_answer (answers, "what", what);
    set_text_answer (answers, "childs-words", words);
    set_text_answer (answers, "injuries", injuries);
    set_text_answer (answers, "witnesses", witnesses);
    set_text_answer (answers, "actions-taken", actions);
  }
  {
    g_autofree char *harm_types = get_entry_text (self->harm_types_row);

    set_text_answer (answers, "harm-types", harm_types);
  }
  {
    g_autofree char *incident_text = get_entry_text (self->incident_date_row);
    g_autofree char *incident = NULL;

    g_autofree char *incident_time = get_entry_text (self->incident_time_row);

    if (ct_parse_date (incident_text, &incident))
      {
        ct_answers_set_text (answers, "incident-date", incident);
        if (!is_blank (incident_time))
          ct_answers_set_text (answers, "incident-time", incident_time);
      }
  }
  ct_answers_set_boolean (answers, "immediate-risk", ct_concern_dialog_get_immediate_risk (self));

  if (self->existing_child != NULL && gtk_switch_get_active (self->existing_child_switch))
    ct_answers_set_text (answers, "child-id", ct_record_get_id (self->existing_child));
  else
    {
      g_autofree char *given = get_entry_text (self->given_names_row);
      g_autofree char *family = get_entry_text (self->family_name_row);
      g_autofree char *aliases = get_entry_text (self->aliases_row);
      g_autofree char *dob_text = get_entry_text (self->dob_row);
      g_autofree char *dob = NULL;
      g_autofree char *address = get_entry_text (self->address_row);
      g_autofree char *area = get_entry_text (self->area_row);

      set_text_answer (answers, "child-given-names", given);
      set_text_answer (answers, "child-family-name", family);
      set_text_answer (answers, "child-aliases", aliases);
      if (ct_parse_date (dob_text, &dob))
        ct_answers_set_text (answers, "child-date-of-birth", dob);
      set_text_answer (answers, "child-address", address);
      set_text_answer (answers, "child-area", area);
    }

  return g_steal_pointer (&answers);
}

static gboolean
ct_concern_dialog_prepare_save (CtFormWindow  *form,
                                GError       **error)
{
  CtConcernDialog *self = CT_CONCERN_DIALOG (form);
  g_autofree char *missing = ct_concern_dialog_describe_missing (self);

  if (missing != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, missing);
      return FALSE;
    }

  g_clear_pointer (&self->answers, g_hash_table_unref);
  self->answers = ct_concern_dialog_build_answers (self);
  return self->answers != NULL;
}

/**
 * ct_concern_dialog_get_answers:
 * @self: a #CtConcernDialog
 *
 * Returns: (transfer none) (nullable): the answers being saved, for a
 *   ::save handler: what ct_concern_dialog_build_answers() gave when the
 *   user saved
 */
GHashTable *
ct_concern_dialog_get_answers (CtConcernDialog *self)
{
  g_return_val_if_fail (CT_IS_CONCERN_DIALOG (self), NULL);

  return self->answers;
}

static void
ct_concern_dialog_save_failed (CtFormWindow *form,
                               const GError *error)
{
  g_autofree char *message =
    g_strdup_printf (_("%s Your notes are still here; try saving again."), error->message);

  /* A dialog, not a toast: the advice is often longer than a toast. */
  ct_alert_show (GTK_WINDOW (form), _("The Concern Was Not Saved"), message);
}

static void
ct_concern_dialog_dispose (GObject *object)
{
  CtConcernDialog *self = CT_CONCERN_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CT_TYPE_CONCERN_DIALOG);
  g_clear_object (&self->staff);
  g_clear_object (&self->existing_child);
  g_clear_pointer (&self->last_lookup, g_free);
  g_clear_pointer (&self->answers, g_hash_table_unref);

  G_OBJECT_CLASS (ct_concern_dialog_parent_class)->dispose (object);
}

static void
ct_concern_dialog_class_init (CtConcernDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CtFormWindowClass *form_class = CT_FORM_WINDOW_CLASS (klass);

  object_class->dispose = ct_concern_dialog_dispose;
  form_class->prepare_save = ct_concern_dialog_prepare_save;
  form_class->save_failed = ct_concern_dialog_save_failed;

  /**
   * CtConcernDialog::lookup-child:
   * @self: the form
   * @given_names: the given names typed
   * @family_name: the family name typed
   * @date_of_birth: the date of birth, ISO 8601
   *
   * Emitted when enough is typed to look for a child already known. The
   * handler calls ct_concern_dialog_offer_existing_child() if it finds one.
   */
  signals[SIGNAL_LOOKUP_CHILD] =
    g_signal_new ("lookup-child", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-concern-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, risk_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, who_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, child_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, what_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, words_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, injuries_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, witnesses_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, actions_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, missing_group);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, raised_by_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, how_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, when_date_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, when_time_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, incident_date_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, incident_time_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, harm_types_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, given_names_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, family_name_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, aliases_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, dob_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, area_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, existing_child_row);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, existing_child_switch);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, what_view);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, words_view);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, injuries_view);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, witnesses_view);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, actions_view);
  gtk_widget_class_bind_template_child (widget_class, CtConcernDialog, missing_label);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);

}

static void
ct_concern_dialog_init (CtConcernDialog *self)
{
  g_autoptr(GtkStringList) how = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = NULL;
  g_autofree char *time = NULL;
  g_autofree char *help_page = ct_help_get_page_for_event (CT_EVENT_CONCERN_RECORDED);
  AdwPreferencesPage *page;
  AdwPreferencesGroup *groups[9];
  GtkTextView *views[5];

  gtk_widget_init_template (GTK_WIDGET (self));

  page = ct_form_window_get_page (CT_FORM_WINDOW (self));
  groups[0] = self->risk_group;
  groups[1] = self->who_group;
  groups[2] = self->child_group;
  groups[3] = self->what_group;
  groups[4] = self->words_group;
  groups[5] = self->injuries_group;
  groups[6] = self->witnesses_group;
  groups[7] = self->actions_group;
  groups[8] = self->missing_group;
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    adw_preferences_page_add (page, groups[i]);

  /* The form records the first step of the procedure: its page in the guide. */
  ct_form_window_set_help_page (CT_FORM_WINDOW (self), help_page);
  ct_form_window_set_save_label (CT_FORM_WINDOW (self), _("Save concern"));

  ct_date_button_attach (self->when_date_row);
  ct_date_button_attach (self->incident_date_row);
  ct_date_button_attach (self->dob_row);

  self->risk_row = CT_CHOICE_ROW (ct_choice_row_new (_("Is a child at immediate risk?")));
  ct_choice_row_add (self->risk_row, "yes", _("Yes: refer at once"));
  ct_choice_row_add (self->risk_row, "no", _("No"));
  g_signal_connect_swapped (self->risk_row, "notify::value", G_CALLBACK (on_field_changed_cb),
                            self);
  adw_preferences_group_add (self->risk_group, GTK_WIDGET (self->risk_row));

  /* What a "yes" does, shown before saving so that no one is surprised. */
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *title = gtk_label_new (_("The case goes on the urgent path"));
    GtkWidget *text = gtk_label_new (_("An urgent referral to children’s social care is due now, as soon as you save: the case is shown above every other. Call the police on 999 in an emergency. Only a recorded decision, with its reason, takes the case off this path."));

    gtk_widget_add_css_class (box, "card");
    gtk_widget_set_margin_top (box, 12);
    gtk_label_set_xalign (GTK_LABEL (title), 0);
    gtk_label_set_wrap (GTK_LABEL (title), TRUE);
    gtk_widget_add_css_class (title, "heading");
    gtk_widget_add_css_class (title, "error");
    gtk_widget_set_margin_top (title, 12);
    gtk_widget_set_margin_start (title, 12);
    gtk_widget_set_margin_end (title, 12);
    gtk_label_set_xalign (GTK_LABEL (text), 0);
    gtk_label_set_wrap (GTK_LABEL (text), TRUE);
    gtk_widget_set_margin_start (text, 12);
    gtk_widget_set_margin_end (text, 12);
    gtk_widget_set_margin_bottom (text, 12);
    gtk_box_append (GTK_BOX (box), title);
    gtk_box_append (GTK_BOX (box), text);
    gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Urgent path warning"), -1);
    gtk_widget_set_visible (box, FALSE);
    adw_preferences_group_add (self->risk_group, box);
    self->urgent_warning = box;
  }

  how = gtk_string_list_new ((const char *[]) {
    _("In person"), _("By phone"), _("By email"), _("By letter"), _("Another way"), NULL
  });
  adw_combo_row_set_model (self->how_row, G_LIST_MODEL (how));

  ct_format_for_entries (now, &today, &time);
  gtk_editable_set_text (GTK_EDITABLE (self->when_date_row), today);
  gtk_editable_set_text (GTK_EDITABLE (self->when_time_row), time);

  views[0] = self->what_view;
  views[1] = self->words_view;
  views[2] = self->injuries_view;
  views[3] = self->witnesses_view;
  views[4] = self->actions_view;
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_signal_connect (gtk_text_view_get_buffer (views[i]), "changed",
                      G_CALLBACK (on_buffer_changed_cb), self);

  update_validity (self);
}

/**
 * ct_concern_dialog_new:
 *
 * Returns: (transfer full): a new, empty form, dated now.
 */
CtConcernDialog *
ct_concern_dialog_new (void)
{
  return g_object_new (CT_TYPE_CONCERN_DIALOG, NULL);
}

/**
 * ct_concern_dialog_set_staff:
 * @self: a #CtConcernDialog
 * @staff: (nullable): a model of STAFF #CtRecord
 *
 * Lets the form link "raised by" to a member of staff by name.
 */
void
ct_concern_dialog_set_staff (CtConcernDialog *self,
                             GListModel      *staff)
{
  g_return_if_fail (CT_IS_CONCERN_DIALOG (self));

  g_set_object (&self->staff, staff);
}

/**
 * ct_concern_dialog_offer_existing_child:
 * @self: a #CtConcernDialog
 * @child: (nullable): a CHILD record with the same name and date of birth
 *
 * Offers to link the concern to a child already known, instead of making a
 * new record for them.
 */
void
ct_concern_dialog_offer_existing_child (CtConcernDialog *self,
                                        CtRecord        *child)
{
  g_return_if_fail (CT_IS_CONCERN_DIALOG (self));

  g_set_object (&self->existing_child, child);

  if (child != NULL)
    {
      g_autofree char *dob = ct_format_date (ct_record_get_string (child, "date-of-birth"));
      g_autofree char *subtitle =
        g_strdup_printf (_("%s %s, born %s, is already known. Link this concern to their "
                           "record."),
                         ct_record_get_string (child, "given-names"),
                         ct_record_get_string (child, "family-name"), dob);

      adw_action_row_set_subtitle (self->existing_child_row, subtitle);
      gtk_switch_set_active (self->existing_child_switch, TRUE);
    }
  else
    gtk_switch_set_active (self->existing_child_switch, FALSE);

  gtk_widget_set_visible (GTK_WIDGET (self->existing_child_row), child != NULL);
  update_validity (self);
}

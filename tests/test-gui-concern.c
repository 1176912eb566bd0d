/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-concern"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "ct-calendar.h"
#include "ct-choice-row.h"
#include "ct-procedure.h"
#include "ct-concern-dialog.h"
#include "ct-date-button.h"
#include "ct-test-ui.h"

static void
set_entry (CtConcernDialog *dialog,
           const char      *label,
           const char      *text)
{
  GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), label);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
set_view (CtConcernDialog *dialog,
          const char      *label,
          const char      *text)
{
  GtkWidget *view = ct_test_ui_find_by_label (GTK_WIDGET (dialog), label);

  g_assert_nonnull (view);
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
}

/* 0: not answered, 1: yes, 2: no. */
static void
set_risk (CtConcernDialog *dialog,
          guint            answer)
{
  static const char *values[] = { NULL, "yes", "no" };
  GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Is a child at immediate risk?");

  g_assert_nonnull (row);
  g_assert_true (CT_IS_CHOICE_ROW (row));
  ct_choice_row_set_value (CT_CHOICE_ROW (row), values[answer]);
}

/* The Save button follows the form.save action: it can be pressed exactly
 * when the action is enabled. */
static gboolean
save_enabled (CtConcernDialog *dialog)
{
  GtkWidget *button = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Save concern");

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "form.save");
  return gtk_widget_get_sensitive (button);
}

static void
fill_valid (CtConcernDialog *dialog)
{
  set_risk (dialog, 2);
  set_entry (dialog, "Raised by", "Pat Keyworker");
  set_entry (dialog, "Date the concern was raised", "02/03/2026");
  set_entry (dialog, "Time the concern was raised", "09:15");
  set_entry (dialog, "Child’s given names", "Alex Jordan");
  set_entry (dialog, "Child’s family name", "Brown");
  set_entry (dialog, "Child’s other names", "AJ, Jojo ,");
  set_entry (dialog, "Child’s date of birth", "14/07/2015");
  set_entry (dialog, "Local authority area where the child lives", "Exampleshire");
  set_view (dialog, "What was seen or heard", "Bruise on the left forearm, about 3 cm.");
  set_view (dialog, "The child’s own words", "\"Dad grabbed me.\"");
}

static void
test_concern_validation (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autofree char *missing = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  /* Empty: nothing can be saved, and the form says what is missing. */
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "immediate risk"));
  g_assert_nonnull (strstr (missing, "who raised the concern"));
  g_assert_nonnull (strstr (missing, "what was seen or heard"));
  g_assert_null (ct_concern_dialog_build_answers (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-empty.png");

  fill_valid (dialog);
  g_assert_true (save_enabled (dialog));
  g_assert_true (ct_concern_dialog_is_valid (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-filled.png");

  /* The immediate-risk question must be answered, not left as it was. */
  set_risk (dialog, 0);
  g_assert_false (save_enabled (dialog));
  g_assert_false (gtk_widget_get_visible (ct_test_ui_find_by_label (GTK_WIDGET (dialog),
                                                                    "Urgent path warning")));
  set_risk (dialog, 1);
  g_assert_true (save_enabled (dialog));

  /* A "yes" says, before saving, what it does: the urgent path, a referral
   * due now. */
  {
    GtkWidget *warning = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Urgent path warning");
    GtkWidget *scrolled = gtk_widget_get_ancestor (warning, GTK_TYPE_SCROLLED_WINDOW);

    g_assert_true (gtk_widget_get_visible (warning));
    g_assert_nonnull (ct_test_ui_find_text (warning, "urgent path"));
    g_assert_nonnull (ct_test_ui_find_text (warning, "urgent referral"));
    ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
    if (scrolled != NULL)
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
    ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-urgent-path.png");
  }
  set_risk (dialog, 2);
  g_assert_false (gtk_widget_get_visible (ct_test_ui_find_by_label (GTK_WIDGET (dialog),
                                                                    "Urgent path warning")));
  set_risk (dialog, 1);

  /* A date that does not exist, or one in the future, is refused. */
  set_entry (dialog, "Child’s date of birth", "31/02/2015");
  g_assert_false (save_enabled (dialog));
  g_assert_true (gtk_widget_has_css_class (ct_test_ui_find_by_label (GTK_WIDGET (dialog),
                                                          "Child’s date of birth"), "error"));
  set_entry (dialog, "Child’s date of birth", "");
  g_assert_true (save_enabled (dialog));
  set_entry (dialog, "Date the concern was raised", "01/01/2099");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Date the concern was raised", "02/03/2026");
  set_entry (dialog, "Time the concern was raised", "25:00");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Time the concern was raised", "09:15");

  /* Blank narrative (only spaces) does not count. */
  set_view (dialog, "What was seen or heard", "   \n ");
  g_assert_false (save_enabled (dialog));
  set_view (dialog, "What was seen or heard", "Bruise on the left forearm.");
  set_entry (dialog, "Child’s family name", " ");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Child’s family name", "Brown");
  g_assert_true (save_enabled (dialog));

  /* When the incident happened is optional, but it must be a date, and not
   * after the concern was raised. */
  set_entry (dialog, "Date the incident happened", "last week");
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "a date of the incident written as day/month/year"));
  g_clear_pointer (&missing, g_free);
  set_entry (dialog, "Date the incident happened", "03/03/2026");
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "not after the concern was raised"));
  g_clear_pointer (&missing, g_free);
  set_entry (dialog, "Date the incident happened", "02/03/2026");
  g_assert_true (save_enabled (dialog));

  /* Its time of day is optional too: HH:MM, with its date, and not after
   * the concern was raised (09:15 that day). */
  set_entry (dialog, "Time the incident happened", "quarter past");
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "a time of the incident written as HH:MM"));
  g_clear_pointer (&missing, g_free);
  set_entry (dialog, "Time the incident happened", "10:30");
  g_assert_false (save_enabled (dialog));
  missing = ct_concern_dialog_describe_missing (dialog);
  g_assert_nonnull (strstr (missing, "not after the concern was raised"));
  g_clear_pointer (&missing, g_free);
  set_entry (dialog, "Time the incident happened", "08:05");
  g_assert_true (save_enabled (dialog));
  set_entry (dialog, "Date the incident happened", "");
  g_assert_false (save_enabled (dialog));
  set_entry (dialog, "Time the incident happened", "");
  g_assert_true (save_enabled (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
on_save_cb (CtConcernDialog  *dialog,
            GHashTable      **out)
{
  *out = g_hash_table_ref (ct_concern_dialog_get_answers (dialog));
}

static const char *
text_of (GHashTable *answers,
         const char *name)
{
  GVariant *value = g_hash_table_lookup (answers, name);

  if (value == NULL)
    return NULL;
  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_get_string (value, NULL);
}

/* The form hands over the answers of the "concern-recorded" step, as the
 * core's table names them, and when it was raised; it builds no records. */
static void
test_concern_answers (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(GHashTable) saved = NULL;
  g_autoptr(GDateTime) raised = g_date_time_new (ct_calendar_get_timezone (), 2026, 3, 2, 9, 15, 0);
  g_autoptr(GDateTime) raised_at = NULL;
  GVariant *risk;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  fill_valid (dialog);
  set_risk (dialog, 1);
  /* The incident, a few days before it was reported. */
  set_entry (dialog, "Date the incident happened", "27/02/2026");
  set_entry (dialog, "Time the incident happened", " 16:30 ");
  set_entry (dialog, "Kind of harm", "Physical, emotional");

  g_signal_connect (dialog, "save", G_CALLBACK (on_save_cb), &saved);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "form.save", NULL);
  g_assert_nonnull (saved);

  /* While the store writes, saving again is not possible. */
  g_assert_false (save_enabled (dialog));

  g_assert_cmpstr (text_of (saved, "raised-by"), ==, "Pat Keyworker");
  g_assert_null (text_of (saved, "raised-by-id"));
  g_assert_cmpstr (text_of (saved, "how"), ==, "in-person");
  g_assert_cmpstr (text_of (saved, "what"), ==, "Bruise on the left forearm, about 3 cm.");
  g_assert_cmpstr (text_of (saved, "childs-words"), ==, "\"Dad grabbed me.\"");
  g_assert_null (text_of (saved, "injuries"));
  g_assert_cmpstr (text_of (saved, "child-given-names"), ==, "Alex Jordan");
  g_assert_cmpstr (text_of (saved, "child-family-name"), ==, "Brown");
  g_assert_cmpstr (text_of (saved, "child-aliases"), ==, "AJ, Jojo ,");
  g_assert_cmpstr (text_of (saved, "child-date-of-birth"), ==, "2015-07-14");
  g_assert_cmpstr (text_of (saved, "child-area"), ==, "Exampleshire");
  g_assert_null (text_of (saved, "child-id"));
  g_assert_cmpstr (text_of (saved, "incident-date"), ==, "2026-02-27");
  g_assert_cmpstr (text_of (saved, "incident-time"), ==, "16:30");
  /* The engine splits it at the commas, as it does for the CLI's answer. */
  g_assert_cmpstr (text_of (saved, "harm-types"), ==, "Physical, emotional");
  risk = g_hash_table_lookup (saved, "immediate-risk");
  g_assert_nonnull (risk);
  g_assert_true (g_variant_is_of_type (risk, G_VARIANT_TYPE_BOOLEAN));
  g_assert_true (g_variant_get_boolean (risk));

  raised_at = ct_concern_dialog_get_raised_at (dialog);
  g_assert_nonnull (raised_at);
  g_assert_true (g_date_time_equal (raised_at, raised));

  /* Every answer is one the step's form in the core asks. */
  {
    const CtStepForm *form = ct_step_form_get (CT_EVENT_CONCERN_RECORDED);
    GHashTableIter iter;
    const char *key;

    g_hash_table_iter_init (&iter, saved);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
      {
        gboolean known = FALSE;

        for (guint i = 0; form->questions[i].key != NULL; i++)
          known |= g_str_equal (form->questions[i].key, key);
        g_assert_true (known);
      }
  }

  /* A failure keeps the form open and filled, and saving can be tried again. */
  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                                   "The disk is full.");
    ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (save_enabled (dialog));
  g_assert_true (ct_concern_dialog_is_valid (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), "concern-save-failed.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_concern_existing_child (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(CtRecord) known = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(GHashTable) answers = NULL;

  ct_record_set_string (known, "given-names", "Alex Jordan");
  ct_record_set_string (known, "family-name", "Brown");
  ct_record_set_string (known, "date-of-birth", "2015-07-14");

  gtk_window_present (GTK_WINDOW (dialog));
  fill_valid (dialog);
  ct_concern_dialog_offer_existing_child (dialog, known);
  answers = ct_concern_dialog_build_answers (dialog);

  /* No second record for the same child: the concern names the known one. */
  g_assert_cmpstr (text_of (answers, "child-id"), ==, ct_record_get_id (known));
  g_assert_null (text_of (answers, "child-given-names"));
  g_assert_null (text_of (answers, "child-date-of-birth"));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A failed save keeps every word of its advice in a dialog that stays,
 * and the form keeps what was typed. */
static void
test_concern_save_failed (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                                                 "The disk is full. Free some space on the disk that holds your records, for example by emptying the wastebasket, then save again.");
  GtkWidget *alert;
  const char *body;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Raised by", "Pat Keyworker");
  ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);

  alert = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (alert);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (alert));
  g_assert_nonnull (strstr (body, error->message));
  g_assert_nonnull (strstr (body, "Your notes are still here; try saving again."));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  ct_test_ui_wait_for_frame (alert);
  ct_test_ui_screenshot (alert, "concern-save-failed.png");

  gtk_window_destroy (GTK_WINDOW (alert));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
assert_calendar_shows (GtkCalendar *calendar,
                       int          year,
                       int          month,
                       int          day)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (calendar);

  g_assert_cmpint (g_date_time_get_year (shown), ==, year);
  g_assert_cmpint (g_date_time_get_month (shown), ==, month);
  g_assert_cmpint (g_date_time_get_day_of_month (shown), ==, day);
}

static void
test_concern_date_popover (void)
{
  CtConcernDialog *dialog = ct_concern_dialog_new ();
  g_autoptr(GDateTime) chosen = g_date_time_new (ct_calendar_get_timezone (), 2015, 7, 20, 12, 0, 0);
  GtkWidget *row;
  CtDateButton *button;
  GtkPopover *popover;
  GtkCalendar *calendar;

  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  /* Both of the form's dates have a calendar. */
  g_assert_cmpuint (ct_test_ui_assert_dates_have_calendars (GTK_WIDGET (dialog)), ==, 2);

  row = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Child’s date of birth");
  g_assert_nonnull (row);
  button = CT_DATE_BUTTON (ct_test_ui_find_by_type (row, CT_TYPE_DATE_BUTTON));
  g_assert_nonnull (button);
  g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (button), "Choose from a calendar"));
  popover = ct_date_button_get_popover (button);
  calendar = ct_date_button_get_calendar (button);

  /* A typed date is the one the calendar opens on. */
  gtk_editable_set_text (GTK_EDITABLE (row), "02/02/2011");
  gtk_popover_popup (popover);
  ct_test_ui_wait_for_frame (GTK_WIDGET (popover));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  assert_calendar_shows (calendar, 2011, 2, 2);
  ct_test_ui_screenshot (GTK_WIDGET (popover), "concern-date-popover.png");

  /* Typing while it is open moves it; a half-typed or impossible date
   * leaves it where it was. */
  gtk_editable_set_text (GTK_EDITABLE (row), "14/07/2015");
  assert_calendar_shows (calendar, 2015, 7, 14);
  gtk_editable_set_text (GTK_EDITABLE (row), "31/02/20");
  assert_calendar_shows (calendar, 2015, 7, 14);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "31/02/20");

  /* Choosing a day writes it, day first, and closes the calendar. */
  gtk_calendar_select_day (calendar, chosen);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "20/07/2015");
  ct_test_ui_spin (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  /* An empty entry opens on today, and writes nothing until a day is chosen. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  gtk_popover_popup (popover);
  ct_test_ui_wait_for_frame (GTK_WIDGET (popover));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  {
    g_autoptr(GDateTime) today = g_date_time_new_now (ct_calendar_get_timezone ());

    assert_calendar_shows (calendar, g_date_time_get_year (today), g_date_time_get_month (today),
                           g_date_time_get_day_of_month (today));
  }
  gtk_popover_popdown (popover);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Screenshots show the finished state, not a frame of an animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/concern/validation", test_concern_validation);
  g_test_add_func ("/ui/concern/answers", test_concern_answers);
  g_test_add_func ("/ui/concern/existing-child", test_concern_existing_child);
  g_test_add_func ("/ui/concern/save-failed", test_concern_save_failed);
  g_test_add_func ("/ui/concern/date-popover", test_concern_date_popover);

  return g_test_run ();
}

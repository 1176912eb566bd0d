/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-urgent"

#include "config.h"

#include <adwaita.h>

#include <string.h>

#include "ct-application.h"
#include "ct-case-list-view.h"
#include "ct-case-page.h"
#include "ct-choice-row.h"
#include "ct-concern-dialog.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"
#include "ct-user-dialog.h"
#include "ct-window.h"
#include "ct-workflow.h"

/*
 * The whole window, against a real store in the test session's keyring, as
 * a safeguarding officer uses it: say who is using Caretrail, record a
 * concern with a child at immediate risk through the concern form, and find
 * the case first in Needs Action, on the urgent path, until a decision with
 * its reason takes it off; add a note to the case.
 */

static CtApplication *app;

static void
wait_until (gboolean (*done) (gpointer),
            gpointer   data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!done (data))
    g_error ("Timed out waiting for %s", what);
}

static gboolean
user_dialog_shown (gpointer data)
{
  return ct_test_ui_find_toplevel (CT_TYPE_USER_DIALOG) != NULL;
}

static gboolean
widget_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (data));
}

static gboolean
workflow_loaded (gpointer data)
{
  return ct_window_get_workflow (CT_WINDOW (data)) != NULL;
}

/* The case list view on screen, if any. */
static CtCaseListView *
find_drawn_list (GtkWidget *root)
{
  if (!gtk_widget_is_drawable (root))
    return NULL;
  if (CT_IS_CASE_LIST_VIEW (root))
    return CT_CASE_LIST_VIEW (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CtCaseListView *found = find_drawn_list (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
set_text (GtkWidget  *root,
          const char *label,
          const char *text)
{
  ct_test_ui_type_into (root, label, text);
}

/* Records a concern through the form the window opens (Ctrl+N). */
static void
record_concern (CtWindow   *window,
                const char *given,
                const char *family,
                gboolean    immediate_risk,
                const char *incident_date)
{
  CtConcernDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.new-concern", NULL);
  dialog = CT_CONCERN_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_CONCERN_DIALOG));
  g_assert_nonnull (dialog);
  g_object_ref (dialog);
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  ct_test_ui_choose (GTK_WIDGET (dialog), "Is a child at immediate risk?",
                     immediate_risk ? "Yes: refer at once" : "No");
  set_text (GTK_WIDGET (dialog), "Raised by", "Pat Keyworker");
  set_text (GTK_WIDGET (dialog), "Child’s given names", given);
  set_text (GTK_WIDGET (dialog), "Child’s family name", family);
  set_text (GTK_WIDGET (dialog), "What was seen or heard",
            "Said they were afraid to go home tonight.");
  if (incident_date != NULL)
    set_text (GTK_WIDGET (dialog), "Date the incident happened", incident_date);
  g_assert_true (ct_concern_dialog_is_valid (dialog));
  g_assert_true (gtk_widget_get_visible (ct_test_ui_find_by_label (GTK_WIDGET (dialog),
                                                                   "Urgent path warning")) ==
                 immediate_risk);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "form.save", NULL);
  wait_until (widget_hidden, dialog, "the concern to be saved");
  g_object_unref (dialog);
}

static CtStepDialog *
wait_for_step_dialog (void)
{
  CtStepDialog *dialog = CT_STEP_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG));

  g_assert_nonnull (dialog);
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  return dialog;
}

static gboolean
can_save (CtStepDialog *dialog)
{
  return gtk_widget_is_sensitive (ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Save step"));
}

static gboolean
urgent_shown (gpointer data)
{
  return gtk_widget_is_drawable (ct_test_ui_find_by_label (GTK_WIDGET (data),
                                                           "Urgent referral due now"));
}

static gboolean
urgent_gone (gpointer data)
{
  return !urgent_shown (data);
}

static void
test_urgent_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("caretrail-urgent-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) deputy = NULL;
  g_autofree char *staff_id = NULL;
  CtStore *store;
  CtWindow *window;
  CtWorkflow *workflow;
  GtkWidget *dialog;
  GtkWidget *page;
  CtCaseListView *list;
  GListModel *shown;

  /* An office with two members of staff: Caretrail must ask which one is
   * using it. */
  store = ct_test_ui_set_up_office (path);
  deputy = ct_test_ui_make_record (CT_RECORD_KIND_STAFF, "name", "Sam Deputy",
                                   "role", "Office manager", NULL);
  ct_record_set_boolean (deputy, "is-deputy", TRUE);
  g_assert_true (ct_store_insert_sync (store, ct_record_get_id (deputy), deputy, &error));
  g_assert_no_error (error);
  ct_store_close (store);
  g_object_unref (store);

  g_settings_reset (ct_application_get_settings (app), "staff-id");
  window = ct_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, path);
  wait_until (workflow_loaded, window, "the records to open");
  wait_until (user_dialog_shown, NULL, "“Who is using Caretrail?”");
  workflow = ct_window_get_workflow (window);
  g_assert_null (ct_workflow_get_actor_id (workflow));

  /* Who is using Caretrail: the staff directory, names and roles. */
  dialog = ct_test_ui_find_toplevel (CT_TYPE_USER_DIALOG);
  ct_test_ui_wait_for_frame (dialog);
  g_assert_nonnull (ct_test_ui_find_text (dialog, "Sam Deputy"));
  g_assert_nonnull (ct_test_ui_find_text (dialog, "Office manager"));
  ct_test_ui_assert_operable (dialog);
  ct_test_ui_screenshot (dialog, "who-is-using-caretrail.png");
  {
    GtkWidget *row = ct_test_ui_find_by_label (dialog,
                                               "Dana Officer, Designated safeguarding officer");

    g_assert_true (GTK_IS_LIST_BOX_ROW (row));
    g_object_ref (dialog);
    gtk_widget_activate (row);
    wait_until (widget_hidden, dialog, "the prompt to close");
    g_object_unref (dialog);
  }
  g_assert_cmpstr (ct_workflow_get_actor_name (workflow), ==, "Dana Officer");
  staff_id = g_settings_get_string (ct_application_get_settings (app), "staff-id");
  g_assert_cmpstr (staff_id, ==, ct_workflow_get_actor_id (workflow));
  g_assert_nonnull (ct_test_ui_find_text (GTK_WIDGET (window), "Signed in as Dana Officer"));

  /* A concern with no immediate risk, then one with a child at immediate
   * risk, through the real form. */
  record_concern (window, "Robin", "Grey", FALSE, NULL);
  record_concern (window, "Alex", "Brown", TRUE, "01/01/2026");

  /* The window shows the new case, on the urgent path. */
  page = ct_test_ui_find_by_type (GTK_WIDGET (window), CT_TYPE_CASE_PAGE);
  g_assert_nonnull (page);
  wait_until (urgent_shown, page, "the urgent path on the case page");
  g_assert_nonnull (ct_test_ui_find_text (page, "Make an urgent referral now"));
  {
    CtCaseFile *file = ct_case_page_get_file (CT_CASE_PAGE (page));
    g_auto(CtCaseReading) reading = { 0, };
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    CtNextStep *step;

    g_assert_true (ct_workflow_read_case (workflow, file->case_record,
                                          g_ptr_array_index (file->children, 0), now, &reading,
                                          &error));
    g_assert_no_error (error);
    step = reading.next;
    g_assert_true (step->urgent);
    g_assert_true (step->has_due);
    g_assert_cmpint (step->clock, ==, CT_CLOCK_URGENT_REFERRAL);

    /* When the incident happened reached the concern's record and the
     * chronology, beside when it was reported. */
    {
      const char *case_id = ct_record_get_id (file->case_record);
      CtStore *case_store = ct_workflow_get_store (workflow);
      g_autoptr(GPtrArray) concerns = ct_store_list_sync (case_store, CT_RECORD_KIND_CONCERN,
                                                          case_id, &error);
      g_autoptr(GPtrArray) chronology = NULL;
      g_autoptr(GHashTable) answers = NULL;
      CtRecord *concern;

      g_assert_no_error (error);
      g_assert_cmpuint (concerns->len, ==, 1);
      concern = g_ptr_array_index (concerns, 0);
      g_assert_cmpstr (ct_record_get_string (concern, "incident-date"), ==, "2026-01-01");
      g_assert_cmpint (ct_record_get_int64 (concern, "raised-at", 0), >,
                       g_date_time_to_unix (now) * G_USEC_PER_SEC - 24 * G_TIME_SPAN_HOUR);

      chronology = ct_store_list_sync (case_store, CT_RECORD_KIND_CHRONOLOGY, case_id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (chronology->len, ==, 1);
      answers = ct_answers_from_variant (ct_record_get_answers (g_ptr_array_index (chronology, 0),
                                                                "answers"));
      g_assert_cmpstr (g_variant_get_string (g_hash_table_lookup (answers, "incident-date"), NULL),
                       ==, "2026-01-01");
    }
  }
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "case-page-urgent.png");

  /* Needs Action: the urgent case first, shown as urgent; the other case
   * there too, not urgent. */
  ct_window_show_section (window, "needs-action");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  list = find_drawn_list (GTK_WIDGET (window));
  g_assert_nonnull (list);
  shown = ct_case_list_view_get_shown (list);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
  {
    g_autoptr(CtCaseItem) first = g_list_model_get_item (shown, 0);
    g_autoptr(CtCaseItem) second = g_list_model_get_item (shown, 1);

    g_assert_cmpstr (ct_case_item_get_children (first), ==, "Alex Brown");
    g_assert_true (ct_case_item_get_urgent (first));
    g_assert_cmpint (ct_case_item_get_due_at (first), <=, g_get_real_time ());
    g_assert_cmpstr (ct_case_item_get_children (second), ==, "Robin Grey");
    g_assert_false (ct_case_item_get_urgent (second));
  }
  ct_test_ui_wait_for_text (GTK_WIDGET (list), "Make an urgent referral now");
  ct_test_ui_screenshot (GTK_WIDGET (window), "needs-action-urgent.png");

  /* A note on the case (Ctrl+Shift+N on the case page). */
  {
    g_autoptr(CtCaseItem) first = g_list_model_get_item (shown, 0);
    CtStepDialog *note;

    ct_window_open_case (window, ct_case_item_get_case_id (first));
    wait_until (urgent_shown, page, "the case page");
    gtk_widget_activate_action (page, "case-page.add-note", NULL);
    note = wait_for_step_dialog ();
    g_object_ref (note);
    g_assert_cmpint (ct_step_dialog_get_event (note), ==, CT_EVENT_NOTE);
    g_assert_false (can_save (note));
    ct_test_ui_choose (GTK_WIDGET (note), "What it was", "Telephone call");
    set_text (GTK_WIDGET (note), "Who was involved", "Exampleshire MASH duty worker");
    set_text (GTK_WIDGET (note), "What was said or written",
              "Asked whether the family is known; they will call back within the hour.");
    g_assert_true (can_save (note));
    /* Not in the future. */
    set_text (GTK_WIDGET (note), "When it happened", "01/01/2099");
    g_assert_false (can_save (note));
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      ct_step_dialog_set_occurred_at (note, now);
    }
    g_assert_true (can_save (note));
    ct_test_ui_assert_operable (GTK_WIDGET (note));
    ct_test_ui_wait_for_frame (GTK_WIDGET (note));
    ct_test_ui_screenshot (GTK_WIDGET (note), "note-form.png");
    gtk_widget_activate_action (GTK_WIDGET (note), "form.save", NULL);
    wait_until (widget_hidden, note, "the note to be saved");
    g_object_unref (note);
    ct_test_ui_wait_for_text (page, "Exampleshire MASH duty worker");
  }

  /* Only a recorded decision, with its reason, takes the case off the
   * urgent path; it cannot be dated before the concern. */
  {
    CtStepDialog *step;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    gtk_widget_activate_action (page, "case-page.record-step", "s",
                                "immediate-risk-reconsidered");
    step = wait_for_step_dialog ();
    g_object_ref (step);
    g_assert_cmpint (ct_step_dialog_get_event (step), ==, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED);
    set_text (GTK_WIDGET (step), "Why the child is not at immediate risk",
              "The MASH confirmed the child is staying with grandparents tonight.");
    ct_step_dialog_set_occurred_at (step, yesterday);
    gtk_widget_activate_action (GTK_WIDGET (step), "form.save", NULL);
    while (ct_test_ui_find_error (GTK_WIDGET (step)) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (ct_test_ui_find_error (GTK_WIDGET (step)));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (step)));
    g_assert_true (urgent_shown (page));
    ct_step_dialog_set_occurred_at (step, now);
    g_assert_true (can_save (step));
    gtk_widget_activate_action (GTK_WIDGET (step), "form.save", NULL);
    wait_until (widget_hidden, step, "the decision to be saved");
    g_object_unref (step);
    wait_until (urgent_gone, page, "the case to leave the urgent path");
  }

  /* A concern recorded after the cut-off on a Friday: escalation is due on
   * the Saturday, and the window says so at once, in a dialog that stays. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) friday = NULL;
    g_autofree char *date = NULL;
    CtConcernDialog *friday_form;
    GtkWidget *notice = NULL;
    int back = (g_date_time_get_day_of_week (now) + 2) % 7; /* days since Friday */
    gint64 deadline;

    /* The most recent Friday whose 17:30 has passed. */
    if (back == 0 && (g_date_time_get_hour (now) < 17 ||
                      (g_date_time_get_hour (now) == 17 && g_date_time_get_minute (now) < 31)))
      back = 7;
    friday = g_date_time_add_days (now, -back);
    date = g_date_time_format (friday, "%d/%m/%Y");

    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-concern", NULL);
    friday_form = CT_CONCERN_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_CONCERN_DIALOG));
    g_assert_nonnull (friday_form);
    g_object_ref (friday_form);
    ct_test_ui_wait_for_frame (GTK_WIDGET (friday_form));
    ct_test_ui_choose (GTK_WIDGET (friday_form), "Is a child at immediate risk?", "No");
    set_text (GTK_WIDGET (friday_form), "Raised by", "Pat Keyworker");
    set_text (GTK_WIDGET (friday_form), "Date the concern was raised", date);
    set_text (GTK_WIDGET (friday_form), "Time the concern was raised", "17:30");
    set_text (GTK_WIDGET (friday_form), "Child’s given names", "Sam");
    set_text (GTK_WIDGET (friday_form), "Child’s family name", "Fridayson");
    set_text (GTK_WIDGET (friday_form), "What was seen or heard", "A late call about a bruise.");
    gtk_widget_activate_action (GTK_WIDGET (friday_form), "form.save", NULL);
    wait_until (widget_hidden, friday_form, "the Friday concern to be saved");
    g_object_unref (friday_form);

    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while ((notice = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) == NULL &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (notice);
    g_test_message ("notice: %s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (notice)));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (notice)),
                              "which is not a working day"));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (notice)), "Saturday"));
    ct_test_ui_wait_for_frame (notice);
    ct_test_ui_screenshot (notice, "escalation-notice.png");
    gtk_window_destroy (GTK_WINDOW (notice));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = ct_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);

  g_test_add_func ("/ui/urgent/concern-to-needs-action", test_urgent_path);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}

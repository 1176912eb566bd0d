/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-allegation"

#include "config.h"

#include <adwaita.h>

#include <string.h>

#include "ct-case-page.h"
#include "ct-procedure.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

/*
 * The allegation path, from the report to its outcome, through the forms a
 * safeguarding officer sees: against a real store in the test session's
 * keyring, each later step is opened from the case page, filled in through
 * its entries and choice buttons (found by their accessible labels) and
 * saved. Each form must refuse to save while a decision lacks its reason;
 * the engine must move the case as the policy says; the chronology must
 * gain the step's entry, and the ALLEGATION record must keep what was
 * decided.
 */

/* The button that opens a step: the action row's title label carries the
 * same accessible name, and the button follows it in the row. */
/* Presses the answer @answer of the question labelled @question, as a
 * keyboard or screen reader user presses a CtChoiceRow's toggle button. */
/* Whether the form can be saved: its Save button follows the "form.save"
 * action's enabled state. */
static gboolean
can_save (CtStepDialog *dialog)
{
  GtkWidget *save = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Save step");

  g_assert_true (GTK_IS_BUTTON (save));
  return gtk_widget_is_sensitive (save);
}

static void
save (CtStepDialog *dialog)
{
  g_assert_true (can_save (dialog));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "form.save", NULL);
}

/* Saves a form the engine will refuse: the form stays open with every
 * answer, and says what is missing. */
static void
save_expecting_refusal (CtStepDialog *dialog,
                        const char   *message)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  save (dialog);
  while (ct_test_ui_find_text (GTK_WIDGET (dialog), message) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (ct_test_ui_find_text (GTK_WIDGET (dialog), message) == NULL)
    g_error ("The form did not say “%s”", message);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (CT_STEP_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG)) == dialog);
  /* The message has the keyboard focus, so that it is scrolled into view
   * and read out by screen readers. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (dialog)) == ct_test_ui_find_error (GTK_WIDGET (dialog)));
  /* Once refused, the form can be saved again after a change. */
  g_assert_true (can_save (dialog));
}

/* Saves a form the engine accepts, and waits until the page shows the
 * chronology entry it made. */
static void
save_expecting (CtStepDialog *dialog,
                GtkWidget    *page,
                const char   *entry)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_object_ref (dialog);
  save (dialog);
  while (gtk_widget_get_visible (GTK_WIDGET (dialog)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (gtk_widget_get_visible (GTK_WIDGET (dialog)))
    {
      GtkWidget *problem = ct_test_ui_find_error (GTK_WIDGET (dialog));
      g_error ("The step was not saved (%s)",
               problem ? gtk_label_get_text (GTK_LABEL (problem)) : "no message");
    }
  g_object_unref (dialog);
  ct_test_ui_wait_for_text (page, entry);
}

static CtStepDialog *
open_step (GtkWidget  *page,
           const char *title)
{
  GtkWidget *button;
  CtStepDialog *dialog;

  ct_test_ui_wait_for_text (page, title);
  button = ct_test_ui_find_button (page, title);
  if (button == NULL)
    g_error ("The case page offers no step “%s”", title);
  g_signal_emit_by_name (button, "clicked");
  dialog = CT_STEP_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG));
  g_assert_nonnull (dialog);
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));

  return dialog;
}

static void
screenshot (CtStepDialog *dialog,
            const char   *name)
{
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  ct_test_ui_screenshot (GTK_WIDGET (dialog), name);
}

static CtState
case_state (GtkWidget *page)
{
  CtCaseFile *file = ct_case_page_get_file (CT_CASE_PAGE (page));
  CtState state = CT_N_STATES;

  g_assert_nonnull (file);
  g_assert_true (ct_state_from_string (ct_record_get_state (file->case_record), &state, NULL));
  return state;
}

static guint
chronology_length (GtkWidget *page)
{
  return ct_case_page_get_file (CT_CASE_PAGE (page))->chronology->len;
}

/* The last chronology entry: what the step recorded, and from and to which
 * state. */
static void
assert_last_entry (GtkWidget  *page,
                   CtEvent     event,
                   CtState     from,
                   CtState     to,
                   const char *why)
{
  GPtrArray *chronology = ct_case_page_get_file (CT_CASE_PAGE (page))->chronology;
  CtRecord *entry = g_ptr_array_index (chronology, chronology->len - 1);

  g_assert_cmpstr (ct_record_get_string (entry, "procedure-event"), ==, ct_event_to_string (event));
  g_assert_cmpstr (ct_record_get_string (entry, "from-state"), ==, ct_state_to_string (from));
  g_assert_cmpstr (ct_record_get_string (entry, "to-state"), ==, ct_state_to_string (to));
  g_assert_cmpstr (ct_record_get_string (entry, "who"), ==, "Dana Officer");
  if (why != NULL)
    g_assert_cmpstr (ct_record_get_string (entry, "why"), ==, why);
}

static CtRecord *
read_allegation (CtStore    *store,
                 const char *case_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = ct_store_list_sync (store, CT_RECORD_KIND_ALLEGATION, case_id,
                                                     &error);

  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  return g_object_ref (g_ptr_array_index (records, 0));
}

typedef struct
{
  CtWorkflow    *workflow;
  GAsyncResult **result;
} ReportData;

/* What the main window does when the report form is saved: a new case on
 * the allegation path, opened by the step itself (see ct-window.c). */
static void
on_report_save_cb (CtStepDialog *dialog,
                   ReportData   *data)
{
  g_autoptr(GDateTime) occurred_at = ct_step_dialog_get_occurred_at (dialog);
  g_autoptr(GHashTable) answers = ct_step_dialog_get_answers (dialog);

  ct_workflow_record_async (data->workflow, NULL, CT_EVENT_ALLEGATION_REPORTED, answers,
                            occurred_at, NULL, ct_test_ui_on_done_cb, data->result);
}

static void
test_allegation_path (void)
{
  g_autofree char *dir = g_dir_make_tmp ("caretrail-allegation-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) reported = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autoptr(CtRecord) allegation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;
  ReportData report = { NULL, &reported };
  CtStepDialog *dialog;
  GtkWidget *page;
  GtkWindow *window;
  guint entries;
  gint64 before_lado;

  store = ct_test_ui_set_up_office (path);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  report.workflow = workflow;

  /* The report: the form will not save until each question is answered. */
  dialog = ct_step_dialog_new (CT_EVENT_ALLEGATION_REPORTED, NULL);
  g_signal_connect (dialog, "save", G_CALLBACK (on_report_save_cb), &report);
  gtk_window_present (GTK_WINDOW (dialog));
  ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Who it is about (name and role)",
             "Chris Volunteer, youth worker");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "What is alleged", "Shouted at and pushed a child.");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Who reported it", "A parent");
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Senior manager told", "Morgan Director");
  screenshot (dialog, "allegation-1-report.png");
  save (dialog);
  item = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&reported), NULL, &error);
  g_assert_no_error (error);
  ct_form_window_save_finished (CT_FORM_WINDOW (dialog), NULL);
  g_assert_cmpint (ct_case_item_get_due_at (item), >, 0); /* the LADO's clock */
  case_id = g_strdup (ct_case_item_get_case_id (item));

  page = ct_case_page_new ();
  ct_case_page_set_workflow (CT_CASE_PAGE (page), workflow);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 480, 1000);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  ct_case_page_load (CT_CASE_PAGE (page), case_id);
  ct_test_ui_wait_for_text (page, "Allegation reported by A parent against Chris Volunteer, youth worker");
  g_assert_cmpint (case_state (page), ==, CT_STATE_ALLEGATION_REPORTED);
  entries = chronology_length (page);
  g_assert_cmpuint (entries, ==, 1);

  /* Before the LADO is involved, the allegation cannot be concluded: the
   * page offers only what the policy allows now. */
  g_assert_null (ct_test_ui_find_button (page, "Conclude the allegation"));

  /* 1. Classify: an allegation, and of which kind, with the reason. */
  dialog = open_step (page, "Classify the allegation");
  g_assert_false (can_save (dialog));
  ct_test_ui_choose (GTK_WIDGET (dialog), "What this is", "An allegation");
  g_assert_false (can_save (dialog)); /* no reason yet */
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for this classification",
             "Pushing a child is alleged harm, not a matter of practice.");
  /* The kind of allegation is asked only for allegations, so the form lets
   * it be saved and the engine says it is missing. */
  save_expecting_refusal (dialog, "Say what kind of allegation this is");
  g_assert_cmpint (case_state (page), ==, CT_STATE_ALLEGATION_REPORTED);
  g_assert_cmpuint (chronology_length (page), ==, entries);
  ct_test_ui_choose (GTK_WIDGET (dialog), "What is alleged, if an allegation",
          "Harmed or may have harmed a child");
  screenshot (dialog, "allegation-2-classify.png");
  save_expecting (dialog, page, "Treated as an allegation: the person is said to have harmed");
  g_assert_cmpint (case_state (page), ==, CT_STATE_LADO_DUE);
  g_assert_cmpuint (chronology_length (page), ==, ++entries);
  assert_last_entry (page, CT_EVENT_ALLEGATION_CLASSIFIED, CT_STATE_ALLEGATION_REPORTED,
                     CT_STATE_LADO_DUE,
                     "Pushing a child is alleged harm, not a matter of practice.");
  allegation = read_allegation (store, case_id);
  g_assert_cmpstr (ct_record_get_string (allegation, "category"), ==, "harmed");
  g_clear_object (&allegation);

  /* 2. Inform the LADO: who and how are both needed. */
  dialog = open_step (page, "Record informing the LADO");
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "LADO informed", "Exampleshire LADO, Kim Officer");
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "How the LADO was informed", "Telephone, then email");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Advice given", "Stand the volunteer down while it is looked into.");
  screenshot (dialog, "allegation-3-lado.png");
  /* The form gives when it happened to the minute: now, unless changed. */
  before_lado = g_get_real_time () / (60 * G_USEC_PER_SEC) * (60 * G_USEC_PER_SEC);
  save_expecting (dialog, page, "The LADO, Exampleshire LADO, Kim Officer, was informed");
  g_assert_cmpint (case_state (page), ==, CT_STATE_ALLEGATION_MANAGED);
  g_assert_cmpuint (chronology_length (page), ==, ++entries);
  assert_last_entry (page, CT_EVENT_LADO_INFORMED, CT_STATE_LADO_DUE,
                     CT_STATE_ALLEGATION_MANAGED, NULL);
  allegation = read_allegation (store, case_id);
  g_assert_cmpint (ct_record_get_int64 (allegation, "lado-informed-at", 0), >=, before_lado);
  g_assert_cmpint (ct_record_get_int64 (allegation, "lado-informed-at", 0), <=, g_get_real_time ());
  g_clear_object (&allegation);

  /* The outcome waits for the regulated-activity and DBS decisions. */
  dialog = open_step (page, "Conclude the allegation");
  ct_test_ui_choose (GTK_WIDGET (dialog), "Outcome", "Unsubstantiated");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for the outcome", "Too early to say.");
  ct_test_ui_type_into (GTK_WIDGET (dialog),
                        "Support and information given to the person who raised it, and what they were told of the outcome",
                        "Told the parent the allegation was looked into; offered a meeting.");
  save_expecting_refusal (dialog, "Record whether the person was removed from regulated activity "
                                  "before concluding the allegation");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (chronology_length (page), ==, entries);

  /* 3. Regulated activity: the decision and its reason; if removed, whether
   * because of a risk of harm. */
  dialog = open_step (page, "Record the regulated-activity decision");
  g_assert_false (can_save (dialog));
  ct_test_ui_choose (GTK_WIDGET (dialog), "Was the person removed from regulated activity?", "Yes");
  g_assert_false (can_save (dialog)); /* a decision without its reason */
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for the decision",
             "Stood down from youth sessions on the LADO’s advice.");
  save_expecting_refusal (dialog, "Say whether the person was removed because they may pose a "
                                  "risk of harm to children");
  screenshot (dialog, "allegation-4-regulated-activity-refused.png");
  /* Nothing typed is lost. */
  {
    GtkWidget *view = ct_test_ui_find_by_type (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "Stood down from youth sessions on the LADO’s advice.");
  }
  ct_test_ui_choose (GTK_WIDGET (dialog), "Because they may pose a risk of harm to children?", "Yes");
  screenshot (dialog, "allegation-4-regulated-activity.png");
  save_expecting (dialog, page, "The person was removed from regulated activity because they "
                                "may pose a risk of harm to children.");
  g_assert_cmpint (case_state (page), ==, CT_STATE_ALLEGATION_MANAGED);
  g_assert_cmpuint (chronology_length (page), ==, ++entries);
  assert_last_entry (page, CT_EVENT_REGULATED_ACTIVITY_DECIDED, CT_STATE_ALLEGATION_MANAGED,
                     CT_STATE_ALLEGATION_MANAGED,
                     "Stood down from youth sessions on the LADO’s advice.");
  allegation = read_allegation (store, case_id);
  g_assert_true (ct_record_has_field (allegation, "removed-from-regulated-activity"));
  g_assert_true (ct_record_get_boolean (allegation, "removed-from-regulated-activity", FALSE));
  g_clear_object (&allegation);

  /* 4. The DBS referral: considered, and why. Someone removed because they
   * may pose a risk of harm must be referred: "no" is refused. */
  dialog = open_step (page, "Record the DBS referral decision");
  g_assert_false (can_save (dialog));
  ct_test_ui_choose (GTK_WIDGET (dialog), "Was a referral made to the Disclosure and Barring Service?", "No");
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for the decision", "The LADO’s enquiries continue.");
  save_expecting_refusal (dialog, "A referral to the Disclosure and Barring Service must be made "
                                  "when someone is removed from regulated activity");
  g_assert_cmpuint (chronology_length (page), ==, entries);
  ct_test_ui_choose (GTK_WIDGET (dialog), "Was a referral made to the Disclosure and Barring Service?", "Yes");
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for the decision",
             "Removed because of a risk of harm, so the duty to refer applies.");
  screenshot (dialog, "allegation-5-dbs.png");
  save_expecting (dialog, page, "A referral to the Disclosure and Barring Service was considered "
                                "and made.");
  g_assert_cmpint (case_state (page), ==, CT_STATE_ALLEGATION_MANAGED);
  g_assert_cmpuint (chronology_length (page), ==, ++entries);
  assert_last_entry (page, CT_EVENT_DBS_REFERRAL_DECIDED, CT_STATE_ALLEGATION_MANAGED,
                     CT_STATE_ALLEGATION_MANAGED,
                     "Removed because of a risk of harm, so the duty to refer applies.");
  allegation = read_allegation (store, case_id);
  g_assert_true (ct_record_get_boolean (allegation, "dbs-referral-considered", FALSE));
  g_clear_object (&allegation);

  /* 5. The outcome, with its reason; the case closes. */
  dialog = open_step (page, "Conclude the allegation");
  g_assert_false (can_save (dialog));
  ct_test_ui_choose (GTK_WIDGET (dialog), "Outcome", "Unsubstantiated");
  g_assert_false (can_save (dialog));
  ct_test_ui_type_into (GTK_WIDGET (dialog), "Reason for the outcome",
             "Accounts conflict and there is not enough evidence either way.");
  g_assert_false (can_save (dialog)); /* the person who raised it is not yet supported */
  ct_test_ui_type_into (GTK_WIDGET (dialog),
                        "Support and information given to the person who raised it, and what they were told of the outcome",
                        "Told the parent the allegation was looked into; offered a meeting.");
  screenshot (dialog, "allegation-6-outcome.png");
  save_expecting (dialog, page, "Allegation concluded: unsubstantiated.");
  g_assert_cmpint (case_state (page), ==, CT_STATE_CLOSED);
  g_assert_cmpuint (chronology_length (page), ==, ++entries);
  assert_last_entry (page, CT_EVENT_ALLEGATION_CONCLUDED, CT_STATE_ALLEGATION_MANAGED,
                     CT_STATE_CLOSED,
                     "Accounts conflict and there is not enough evidence either way.");

  /* The record keeps everything decided along the way. */
  allegation = read_allegation (store, case_id);
  g_assert_cmpstr (ct_record_get_string (allegation, "subject-name"), ==,
                   "Chris Volunteer, youth worker");
  g_assert_cmpstr (ct_record_get_string (allegation, "category"), ==, "harmed");
  g_assert_cmpint (ct_record_get_int64 (allegation, "lado-informed-at", 0), >=, before_lado);
  g_assert_true (ct_record_get_boolean (allegation, "removed-from-regulated-activity", FALSE));
  g_assert_true (ct_record_get_boolean (allegation, "dbs-referral-considered", FALSE));
  g_assert_cmpstr (ct_record_get_string (allegation, "outcome"), ==, "unsubstantiated");

  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "allegation-7-case-page.png");

  gtk_window_destroy (window);
  g_clear_object (&workflow);
  ct_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/allegation/steps-through-forms", test_allegation_path);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-submissions"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ct-procedure.h"
#include "ct-store-location.h"
#include "ct-store-members.h"
#include "ct-submission-item.h"
#include "ct-submissions-page.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"
#include "test-store-util.h"

/*
 * "New concerns from staff" against a real server (a throwaway cluster
 * started by tests/pg-run.sh): a concern handed in is listed with what
 * was said and who raised it, one handed in while the page is shown
 * appears when the store hears of it, and the button opens it as a case
 * in the name of the member of staff using Caretrail; without one chosen
 * it says so and opens nothing.
 */

#define WAIT_USEC (30 * G_USEC_PER_SEC)

static char *
hand_in (const char *location,
         const char *child,
         const char *what)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(GError) error = NULL;
  char *id = NULL;
  gint64 at = 0;

  ct_answers_set_text (answers, "raised-by", "Sam Sample");
  ct_answers_set_text (answers, "what", what);
  ct_answers_set_boolean (answers, "immediate-risk", FALSE);
  ct_answers_set_text (answers, "child-given-names", child);
  ct_answers_set_text (answers, "child-family-name", "Marchbanks");
  g_assert_true (ct_submission_submit_sync (location, answers, &id, &at, &error));
  g_assert_no_error (error);
  return id;
}

static void
wait_for_items (CtSubmissionsPage *page,
                guint              n,
                guint              n_new)
{
  GListModel *model = ct_submissions_page_get_model (page);
  gint64 deadline = g_get_monotonic_time () + WAIT_USEC;

  while ((g_list_model_get_n_items (model) != n || ct_submissions_page_get_n_new (page) != n_new) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_cmpuint (ct_submissions_page_get_n_new (page), ==, n_new);
}

static void
on_case_opened_cb (CtSubmissionsPage *page,
                   const char        *reference,
                   char             **out)
{
  g_free (*out);
  *out = g_strdup (reference);
}

static void
test_submissions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-submissions-XXXXXX", &error);
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *reference = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtSubmissionItem) newest = NULL;
  g_autoptr(CtSubmissionItem) opened = NULL;
  g_autofree char *subtitle = NULL;
  CtSubmissionsPage *page;
  GtkWidget *window;
  GtkWidget *label;
  gint64 deadline;

  g_assert_no_error (error);
  g_setenv ("CARETRAIL_TEST_BACKEND", "postgresql", TRUE);
  location = store_test_new_location (dir);
  g_assert_true (ct_store_location_set_up_server (location, &error));
  g_assert_no_error (error);
  store = ct_store_create_sync (location, &code, &error);
  g_assert_no_error (error);
  ct_record_set_string (org, "name", "Fernhill Primary School (test)");
  ct_record_set_string (org, "nation", "england-and-wales");
  g_assert_true (ct_store_insert_sync (store, "setup", org, &error));
  g_assert_no_error (error);
  ct_record_set_string (dso, "name", "Dana Fieldhouse");
  ct_record_set_boolean (dso, "is-dso", TRUE);
  g_assert_true (ct_store_insert_sync (store, "setup", dso, &error));
  g_assert_no_error (error);
  g_assert_true (ct_store_add_first_member_sync (store, "Dana Fieldhouse", &error));
  g_assert_no_error (error);

  first = hand_in (location, "Tobias", "Tobias said his uncle hits him.");

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);

  g_settings_set_string (settings, "staff-id", "");
  page = CT_SUBMISSIONS_PAGE (ct_submissions_page_new (settings));
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (page, "case-opened", G_CALLBACK (on_case_opened_cb), &reference);
  g_assert_nonnull (ct_test_ui_find_text (window, "No Concerns From Staff"));

  ct_submissions_page_set_workflow (page, workflow);
  wait_for_items (page, 1, 1);
  ct_test_ui_wait_for_text (window, "Tobias said his uncle hits him.");
  ct_test_ui_wait_for_text (window, "Raised by Sam Sample");

  /* Handed in from another desk while the page is shown: the store's
   * watch hears of it and the page lists it, newest first. */
  second = hand_in (location, "Rosalind", "Rosalind has bruises on her arm.");
  g_signal_connect_swapped (store, "changed-elsewhere", G_CALLBACK (ct_submissions_page_refresh), page);
  wait_for_items (page, 2, 2);
  newest = g_list_model_get_item (ct_submissions_page_get_model (page), 0);
  g_assert_cmpstr (ct_submission_item_get_id (newest), ==, second);
  g_assert_cmpstr (ct_submission_item_get_title (newest), ==, "Rosalind has bruises on her arm.");
  g_assert_true (ct_submission_item_can_open (newest));
  ct_test_ui_wait_for_frame (window);
  ct_test_ui_screenshot (window, "submissions.png");

  /* Nobody chosen as the user: it says so, and nothing becomes a case. */
  ct_submissions_page_open (page, first);
  label = ct_test_ui_find_error (window);
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "does not know who is using it"));
  g_assert_null (reference);

  /* As the DSO: the first concern becomes a case, raised when it was
   * handed in, and is marked so in the list. */
  g_settings_set_string (settings, "staff-id", ct_record_get_id (dso));
  ct_submissions_page_open (page, first);
  deadline = g_get_monotonic_time () + WAIT_USEC;
  while (reference == NULL && ct_test_ui_find_error (window) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  label = ct_test_ui_find_error (window);
  if (label != NULL)
    g_error ("The concern was not opened: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (reference);
  g_test_message ("case opened: %s", reference);
  wait_for_items (page, 2, 1);
  g_assert_null (ct_test_ui_find_error (window));
  opened = g_list_model_get_item (ct_submissions_page_get_model (page), 1);
  g_assert_cmpstr (ct_submission_item_get_id (opened), ==, first);
  g_assert_nonnull (ct_submission_item_get_case_id (opened));
  g_assert_false (ct_submission_item_can_open (opened));
  subtitle = ct_submission_item_dup_subtitle (opened);
  g_assert_nonnull (strstr (subtitle, "a case now"));

  listed = ct_store_list_submissions_sync (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    {
      CtSubmission *s = g_ptr_array_index (listed, i);

      g_assert_true ((s->case_id != NULL) == (strcmp (s->id, first) == 0));
    }

  /* Opening it again is refused with the store's reason. */
  g_clear_pointer (&reference, g_free);
  ct_submissions_page_open (page, first);
  deadline = g_get_monotonic_time () + WAIT_USEC;
  while (ct_test_ui_find_error (window) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  label = ct_test_ui_find_error (window);
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "already a case"));
  g_assert_null (reference);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workflow);
  ct_store_close (store);
  g_settings_set_string (settings, "staff-id", "");
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/submissions/open-as-case", test_submissions);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-server-restart"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ct-case-page.h"
#include "ct-child-dialog.h"
#include "ct-procedure.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"
#include "test-store-util.h"

/*
 * A form being edited while the server goes away, against a real server
 * (a throwaway cluster started by tests/pg-run.sh). Restarted while the
 * form is open, the server takes the save once the store reconnects.
 * Stopped, the save fails with a sentence, the form stays open with what
 * was typed, and once the server is back the same form saves. Saved
 * from another desk meanwhile, the form's save is refused, naming who
 * saved, with both versions shown and the form kept.
 */

#define WAIT_USEC (30 * G_USEC_PER_SEC)
#define AGENCIES "Other agencies involved (school nurse, health visitor, CAMHS…)"

static void
run_cluster (const char *what)
{
  g_autofree char *command = g_strdup_printf ("%s %s", g_getenv ("CARETRAIL_TEST_PG_RESTART"), what);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static GtkWidget *
open_child_form (GtkWidget  *page,
                 const char *agencies)
{
  GtkWidget *edit = ct_test_ui_find_button (page, "Edit Alex Brown");
  GtkWidget *dialog;

  g_assert_nonnull (edit);
  g_signal_emit_by_name (edit, "clicked");
  dialog = ct_test_ui_find_toplevel (CT_TYPE_CHILD_DIALOG);
  g_assert_nonnull (dialog);
  ct_test_ui_type_into (dialog, AGENCIES, agencies);
  return dialog;
}

static void
test_form_across_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-restart-XXXXXX", &error);
  g_autofree char *location = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) recorded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) concern = ct_answers_new ();
  g_autoptr(CtCaseItem) item = NULL;
  GtkWidget *page;
  GtkWidget *window;
  GtkWidget *dialog;
  GtkWidget *label;
  gint64 deadline;

  g_assert_no_error (error);
  location = store_test_new_location (dir);
  store = ct_test_ui_set_up_office (location);
  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  ct_answers_set_text (concern, "raised-by", "Pat Keyworker");
  ct_answers_set_text (concern, "what", "A bruise on the forearm.");
  ct_answers_set_text (concern, "how", "in-person");
  ct_answers_set_boolean (concern, "immediate-risk", FALSE);
  ct_answers_set_text (concern, "child-given-names", "Alex");
  ct_answers_set_text (concern, "child-family-name", "Brown");
  ct_answers_set_text (concern, "child-area", "Exampleshire");
  ct_workflow_record_async (workflow, NULL, CT_EVENT_CONCERN_RECORDED, concern, NULL,
                            NULL, ct_test_ui_on_done_cb, &recorded);
  item = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&recorded), NULL, &error);
  g_assert_no_error (error);

  page = ct_case_page_new ();
  ct_case_page_set_workflow (CT_CASE_PAGE (page), workflow);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 900);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  ct_case_page_load (CT_CASE_PAGE (page), ct_case_item_get_case_id (item));
  ct_test_ui_wait_for_text (page, "Alex Brown");

  /* Restarted while the form is open: the save goes through. */
  dialog = open_child_form (page, "School nurse");
  run_cluster ("restart");
  gtk_widget_activate_action (dialog, "form.save", NULL);
  ct_test_ui_wait_for_text (page, "also involved: School nurse");
  g_assert_null (ct_test_ui_find_toplevel (CT_TYPE_CHILD_DIALOG));

  /* Stopped while the form is open: told so, and the form keeps the text. */
  dialog = open_child_form (page, "School nurse; CAMHS");
  run_cluster ("stop");
  gtk_widget_activate_action (dialog, "form.save", NULL);
  deadline = g_get_monotonic_time () + WAIT_USEC;
  while (ct_test_ui_find_error (dialog) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  label = ct_test_ui_find_error (dialog);
  g_assert_nonnull (label);
  g_test_message ("with the server stopped: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_cmpuint (strlen (gtk_label_get_text (GTK_LABEL (label))), >, 20);
  g_assert_true (gtk_widget_get_visible (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ct_test_ui_find_by_label (dialog, AGENCIES))),
                   ==, "School nurse; CAMHS");

  /* Back again: the same form saves what was typed. */
  run_cluster ("start");
  gtk_widget_activate_action (dialog, "form.save", NULL);
  ct_test_ui_wait_for_text (page, "also involved: School nurse; CAMHS");
  g_assert_null (ct_test_ui_find_toplevel (CT_TYPE_CHILD_DIALOG));

  /* Saved from another desk while the form is open: refused, naming who
   * saved and when, with both versions shown and the form kept. */
  dialog = open_child_form (page, "Health visitor");
  {
    g_autoptr(CtStore) other_desk = ct_store_open_sync (location, &error);
    g_autoptr(CtRecord) child = NULL;
    CtCaseFile *file = ct_case_page_get_file (CT_CASE_PAGE (page));
    GtkWidget *alert;
    const char *body;

    g_assert_no_error (error);
    child = ct_store_get_sync (other_desk, CT_RECORD_KIND_CHILD,
                               ct_record_get_id (g_ptr_array_index (file->children, 0)), &error);
    g_assert_no_error (error);
    ct_record_set_string (child, "agencies-involved", "Police");
    g_assert_true (ct_store_update_sync (other_desk, ct_workflow_get_actor_id (workflow), child, &error));
    g_assert_no_error (error);
    ct_store_close (other_desk);

    gtk_widget_activate_action (dialog, "form.save", NULL);
    deadline = g_get_monotonic_time () + WAIT_USEC;
    while (ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    alert = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (alert);
    body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (alert));
    g_test_message ("%s", body);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (alert)), ==, "Changed Since You Opened It");
    g_assert_nonnull (strstr (body, "changed by Dana Officer at "));
    g_assert_nonnull (strstr (body, "Police"));
    g_assert_nonnull (strstr (body, "Health visitor"));
    /* Each difference is named by the form's question, never a stored key. */
    g_assert_nonnull (strstr (body, AGENCIES ": Police"));
    g_assert_null (strstr (body, "agencies-involved"));
    g_assert_true (gtk_widget_get_visible (dialog));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ct_test_ui_find_by_label (dialog, AGENCIES))),
                     ==, "Health visitor");
    gtk_window_destroy (GTK_WINDOW (alert));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workflow);
  ct_store_close (store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  if (g_getenv ("CARETRAIL_TEST_PG_RESTART") == NULL)
    {
      g_printerr ("Run this test with tests/pg-run.sh, which starts a PostgreSQL cluster for it.\n");
      return 77;
    }
  g_setenv ("CARETRAIL_TEST_BACKEND", "postgresql", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/server/form-across-restart", test_form_across_restart);

  return g_test_run ();
}

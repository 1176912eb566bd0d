/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-confirmation"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ct-case-page.h"
#include "ct-confirmation-copy.h"
#include "ct-directory-dialog.h"
#include "ct-document-window.h"
#include "ct-procedure.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

/* Confirming a referral without Caretrail's letter, in the app: the step
 * asks how it was confirmed and keeps the copy the user chose, encrypted
 * with the case, and the chronology says how. Against a real store. */

/* "key=value;b:flag=yes" answers, as the procedure's own tests write them. */
static GHashTable *
parse_answers (const char *text)
{
  GHashTable *answers = ct_answers_new ();
  g_auto(GStrv) pairs = g_strsplit (text, ";", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (pairs[i], "=", 2);

      if (g_str_has_prefix (kv[0], "b:"))
        ct_answers_set_boolean (answers, kv[0] + 2, g_strcmp0 (kv[1], "yes") == 0);
      else
        ct_answers_set_text (answers, kv[0], kv[1]);
    }
  return answers;
}

static CtCaseItem *
record (CtWorkflow *workflow,
        const char *case_id,
        CtEvent     event,
        const char *answers_text,
        GDateTime  *at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) answers = parse_answers (answers_text);
  g_autoptr(GError) error = NULL;
  CtCaseItem *item;

  ct_workflow_record_async (workflow, case_id, event, answers, at, NULL, ct_test_ui_on_done_cb,
                            &result);
  item = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  return item;
}

static void
test_confirm_with_their_form (void)
{
  g_autofree char *dir = g_dir_make_tmp ("caretrail-confirmation-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autofree char *form_path = g_build_filename (dir, "MARF Alex Brown.pdf", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_hours (now, -2);
  g_autoptr(GDateTime) t1 = g_date_time_add_minutes (start, 10);
  g_autoptr(GDateTime) t2 = g_date_time_add_minutes (start, 20);
  g_autoptr(GDateTime) t3 = g_date_time_add_minutes (start, 30);
  g_autoptr(GDateTime) t4 = g_date_time_add_minutes (start, 40);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) form_file = NULL;
  g_autoptr(GBytes) kept = NULL;
  static const char form_pdf[] = "%PDF-1.4\n% The authority's own referral form, as sent.\n";
  const char *type = NULL;
  g_autofree char *case_id = NULL;
  CtCaseFile *file;
  CtRecord *copy = NULL;
  GtkWidget *page, *dialog, *button;
  GtkWindow *window;
  gint64 deadline;

  store = ct_test_ui_set_up_office (path);
  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  item = record (workflow, NULL, CT_EVENT_CONCERN_RECORDED,
                 "raised-by=Pat Keyworker;how=in-person;what=A bruise on the forearm.;"
                 "b:immediate-risk=no;child-given-names=Alex;child-family-name=Brown;"
                 "child-date-of-birth=2015-07-14;child-area=Exampleshire", start);
  case_id = g_strdup (ct_case_item_get_case_id (item));
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_ESCALATED,
                 "line-manager=Jo Manager;safeguarding-lead=Dana Officer", t1);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_CONCERNS_REMAIN,
                 "reason=The account is specific.;b:family-member-responsible=no;"
                 "b:danger-to-others=no;b:criminal-investigation=no", t2);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_FAMILY_DISCUSSED,
                 "with-whom=the child's mother;summary=She agreed a referral would help.", t3);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_REFERRAL_MADE,
                 "agency=Exampleshire Children’s Services;how=telephone;to-whom=Chris Duty;"
                 "their-reference=EX-1;what-shared=Our notes.;referral-type=child-protection;"
                 "consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", t4);

  page = ct_case_page_new ();
  ct_case_page_set_workflow (CT_CASE_PAGE (page), workflow);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 600, 900);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  ct_case_page_load (CT_CASE_PAGE (page), case_id);
  ct_test_ui_wait_for_text (page, "Write the Referral Pack");

  button = ct_test_ui_find_button (page, "Record the written confirmation");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dialog = ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (ct_test_ui_find_text (dialog, "A Copy of What Was Sent"));

  /* The method is required: without it the step cannot be saved. */
  ct_test_ui_type_into (dialog, "Who it was sent to", "Exampleshire front door");
  g_assert_false (ct_step_dialog_is_complete (CT_STEP_DIALOG (dialog)));
  ct_test_ui_choose (dialog, "How it was confirmed", "On their own form");
  g_assert_true (ct_step_dialog_is_complete (CT_STEP_DIALOG (dialog)));

  g_assert_true (g_file_set_contents (form_path, form_pdf, sizeof form_pdf - 1, &error));
  g_assert_no_error (error);
  form_file = g_file_new_for_path (form_path);
  ct_step_dialog_set_copy_file (CT_STEP_DIALOG (dialog), form_file);
  g_assert_nonnull (ct_test_ui_find_text (dialog, "MARF Alex Brown.pdf"));
  ct_test_ui_wait_for_frame (dialog);
  ct_test_ui_screenshot (dialog, "confirmation-without-letter.png");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (gtk_widget_activate_action (dialog, "form.save", NULL));

  /* The case moves on; the copy is kept with it and reads back as given. */
  ct_test_ui_spin (1500);
  {
    GtkWidget *problem = dialog != NULL ? ct_test_ui_find_error (dialog) : NULL;

    if (problem != NULL)
      g_error ("The step was refused: %s", gtk_label_get_text (GTK_LABEL (problem)));
  }
  g_assert_null (dialog);
  ct_test_ui_wait_for_text (page, "on the local authority’s own form");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (copy == NULL && g_get_monotonic_time () < deadline)
    {
      file = ct_case_page_get_file (CT_CASE_PAGE (page));
      for (guint i = 0; file != NULL && i < file->documents->len; i++)
        if (ct_confirmation_copy_is_copy (g_ptr_array_index (file->documents, i)))
          copy = g_ptr_array_index (file->documents, i);
      if (copy == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (copy);
  kept = ct_confirmation_copy_get_bytes (copy, &type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "application/pdf");
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept),
                   form_pdf, sizeof form_pdf - 1);
  g_assert_cmpstr (ct_record_get_string (copy, "file-name"), ==, "MARF Alex Brown.pdf");
  ct_test_ui_wait_for_text (page, "MARF Alex Brown.pdf");
  ct_test_ui_wait_for_text (page, "Awaiting");

  gtk_window_destroy (window);
  g_clear_object (&workflow);
  ct_store_close (store);
}

static void
on_show_section_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  char **shown = user_data;

  g_free (*shown);
  *shown = g_variant_dup_string (parameter, NULL);
}

/* A dialog closes itself once answered; one that is still open is closed. */
static void
close_if_open (GtkWidget **dialog)
{
  ct_test_ui_spin (100);
  if (*dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (*dialog), (gpointer *) dialog);
      gtk_window_destroy (GTK_WINDOW (*dialog));
      *dialog = NULL;
    }
}

/* Opens the draft letter's list of what it lacks, as "Mark as sent" on a
 * draft does. */
static GtkWidget *
open_draft_gaps (GtkWidget *page)
{
  GtkWidget *window = NULL;
  GtkWidget *dialog = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (window == NULL && g_get_monotonic_time () < deadline)
    {
      window = ct_test_ui_find_toplevel (CT_TYPE_DOCUMENT_WINDOW);
      if (window == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (window);
  g_signal_emit_by_name (window, "mark-sent");
  dialog = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (ct_test_ui_find_text (dialog, "This Letter Is a Draft"));
  return dialog;
}

/* A draft letter lists what it lacks, with a button to each form that
 * holds it: the local authority's missing postal address opens the
 * directory, and what the organisation has done so far (which the
 * concern holds) opens the step that adds it. */
static void
test_draft_gaps_open_their_forms (void)
{
  g_autofree char *dir = g_dir_make_tmp ("caretrail-draft-gaps-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_hours (now, -2);
  g_autoptr(GDateTime) t1 = g_date_time_add_minutes (start, 10);
  g_autoptr(GDateTime) t2 = g_date_time_add_minutes (start, 20);
  g_autoptr(GDateTime) t3 = g_date_time_add_minutes (start, 30);
  g_autoptr(GDateTime) t4 = g_date_time_add_minutes (start, 40);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSimpleActionGroup) win_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) show_section = g_simple_action_new ("show-section", G_VARIANT_TYPE_STRING);
  g_autofree char *shown = NULL;
  g_autofree char *case_id = NULL;
  GtkWidget *page, *dialog, *button, *step;
  GtkWindow *window;

  store = ct_test_ui_set_up_office (path);
  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  /* Nothing said of what was done; every detail of the referral given. */
  item = record (workflow, NULL, CT_EVENT_CONCERN_RECORDED,
                 "raised-by=Pat Keyworker;how=in-person;what=A bruise on the forearm.;"
                 "b:immediate-risk=no;child-given-names=Alex;child-family-name=Brown;"
                 "child-date-of-birth=2015-07-14;child-area=Exampleshire", start);
  case_id = g_strdup (ct_case_item_get_case_id (item));
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_ESCALATED,
                 "line-manager=Jo Manager;safeguarding-lead=Dana Officer", t1);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_CONCERNS_REMAIN,
                 "reason=The account is specific.;b:family-member-responsible=no;"
                 "b:danger-to-others=no;b:criminal-investigation=no", t2);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_FAMILY_DISCUSSED,
                 "with-whom=the child's mother;summary=She agreed a referral would help.", t3);
  g_clear_object (&item);
  item = record (workflow, case_id, CT_EVENT_REFERRAL_MADE,
                 "agency=Exampleshire Children’s Services;how=telephone;to-whom=Chris Duty;"
                 "their-reference=EX-1;what-shared=Our notes.;referral-type=child-protection;"
                 "consent=given;consent-given-by=Sam Brown;b:parents-aware=yes;"
                 "threshold=child-in-need;risk=Moderate.;history=None known.;b:police-told=no;"
                 "what-wanted=An assessment.;lawful-basis=legitimate-interests;"
                 "b:raiser-told=yes;b:raiser-encouraged=yes", t4);
  g_clear_object (&item);

  page = ct_case_page_new ();
  ct_case_page_set_workflow (CT_CASE_PAGE (page), workflow);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 600, 900);
  gtk_window_set_child (window, page);
  /* The main window's action that shows one of its sections. */
  g_signal_connect (show_section, "activate", G_CALLBACK (on_show_section_cb), &shown);
  g_action_map_add_action (G_ACTION_MAP (win_actions), G_ACTION (show_section));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "win", G_ACTION_GROUP (win_actions));
  gtk_window_present (window);
  ct_case_page_load (CT_CASE_PAGE (page), case_id);
  ct_test_ui_wait_for_text (page, "Write the Confirmation Letter");

  button = ct_test_ui_find_button (page, "Write the Confirmation Letter");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dialog = open_draft_gaps (page);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  /* The authority's postal address is missing: its button opens the
   * directory's entry for the authority the case was referred to. */
  g_assert_nonnull (ct_test_ui_find_text (dialog, "The local authority’s postal address"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "agency"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), "agency"), ==,
                   "Open the _Local Authority’s Details");
  g_assert_null (ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "agency");
  g_assert_null (shown);
  close_if_open (&dialog);
  {
    GtkWidget *form = ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG);
    CtRecord *agency;
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    g_assert_nonnull (form);
    agency = ct_directory_dialog_get_record (CT_DIRECTORY_DIALOG (form));
    g_assert_nonnull (agency);
    g_assert_cmpstr (ct_record_get_string (agency, "name"), ==, "Exampleshire Children’s Services");
    ct_test_ui_type_into (form, "Postal address", "Civic Centre, Exampletown EX1 1EX");
    g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
    g_assert_true (gtk_widget_activate_action (form, "form.save", NULL));
    while (form != NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (form);
    agency = g_list_model_get_item (ct_workflow_get_agencies (workflow), 0);
    g_assert_cmpstr (ct_record_get_string (agency, "address"), ==,
                     "Civic Centre, Exampletown EX1 1EX");
    g_object_unref (agency);
  }

  /* No detail of the referral is missing, but what the organisation has
   * done is: the button opens the step that adds it. */
  dialog = open_draft_gaps (page);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_nonnull (ct_test_ui_find_text (dialog, "What the organisation has done so far"));
  g_assert_null (ct_test_ui_find_text (dialog, "What you ask the local authority to do"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "referral"));
  g_assert_null (ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "referral");
  step = ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG);
  g_assert_nonnull (step);
  ct_test_ui_type_into (step, "What the organisation has done so far", "We told the school nurse.");
  g_assert_true (ct_step_dialog_is_complete (CT_STEP_DIALOG (step)));
  g_object_add_weak_pointer (G_OBJECT (step), (gpointer *) &step);
  g_assert_true (gtk_widget_activate_action (step, "form.save", NULL));
  ct_test_ui_spin (1500);
  {
    GtkWidget *problem = step != NULL ? ct_test_ui_find_error (step) : NULL;

    if (problem != NULL)
      g_error ("The step was refused: %s", gtk_label_get_text (GTK_LABEL (problem)));
  }
  g_assert_null (step);
  ct_test_ui_wait_for_text (page, "What the organisation has done so far: We told the school nurse.");

  close_if_open (&dialog);
  {
    GtkWidget *preview = ct_test_ui_find_toplevel (CT_TYPE_DOCUMENT_WINDOW);

    if (preview != NULL)
      gtk_window_destroy (GTK_WINDOW (preview));
  }
  gtk_window_destroy (window);
  g_clear_object (&workflow);
  ct_store_close (store);
}

/* Waits on the main loop wake up now and then, so a wait that fails ends
 * with its message rather than hanging. */
static gboolean
on_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_timeout_add (200, on_tick_cb, NULL);
  g_test_add_func ("/ui/confirmation/without-caretrail-letter", test_confirm_with_their_form);
  g_test_add_func ("/ui/confirmation/draft-gaps-open-their-forms",
                   test_draft_gaps_open_their_forms);

  return g_test_run ();
}

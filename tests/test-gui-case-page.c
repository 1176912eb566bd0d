/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-case-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ct-case-page.h"
#include "ct-child-dialog.h"
#include "ct-document-window.h"
#include "ct-person-dialog.h"
#include "ct-step-dialog.h"
#include "ct-procedure.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

/* Against a real store in the test session's keyring: the workflow records
 * steps through the engine, and the case page shows what it recorded. */

static CtCaseItem *
apply (CtWorkflow *workflow,
       const char *case_id,
       CtEvent     event,
       GHashTable *answers,
       GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ct_workflow_record_async (workflow, case_id, event, answers, NULL, NULL, ct_test_ui_on_done_cb,
                            &result);
  return ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&result), NULL, error);
}

static void
test_case_page (void)
{
  g_autofree char *dir = g_dir_make_tmp ("caretrail-case-page-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  g_autoptr(GHashTable) concern = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) recorded = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autoptr(CtCaseItem) escalated = NULL;
  g_autoptr(GHashTable) answers = NULL;
  g_autoptr(GError) error = NULL;
  const char *child_ids[2] = { NULL, NULL };
  g_autofree char *child_id = NULL;
  GtkWidget *page;
  GtkWindow *window;

  store = ct_test_ui_set_up_office (path);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpstr (ct_workflow_get_actor_name (workflow), ==, "Dana Officer");
  g_assert_cmpuint (g_list_model_get_n_items (ct_workflow_get_agencies (workflow)), ==, 1);

  /* A concern, with the answers the form gives. */
  concern = ct_answers_new ();
  ct_answers_set_text (concern, "raised-by", "Pat Keyworker");
  ct_answers_set_text (concern, "what", "A bruise on the forearm.");
  ct_answers_set_text (concern, "how", "in-person");
  ct_answers_set_boolean (concern, "immediate-risk", FALSE);
  ct_answers_set_text (concern, "child-given-names", "Alex");
  ct_answers_set_text (concern, "child-family-name", "Brown");
  ct_answers_set_text (concern, "child-date-of-birth", "2015-07-14");
  ct_answers_set_text (concern, "child-area", "Exampleshire");
  {
    g_autoptr(GDateTime) an_hour_ago = g_date_time_add_hours (now, -1);

    ct_workflow_record_async (workflow, NULL, CT_EVENT_CONCERN_RECORDED, concern, an_hour_ago,
                              NULL, ct_test_ui_on_done_cb, &recorded);
  }
  item = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&recorded), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ct_case_item_get_reference (item), "CT-"));
  g_assert_cmpstr (ct_case_item_get_children (item), ==, "Alex Brown");
  g_assert_cmpint (ct_case_item_get_due_at (item), >, 0);
  g_assert_false (ct_case_item_get_closed (item));
  g_assert_false (ct_case_item_get_urgent (item));

  /* The engine refuses a step without what the policy needs, and nothing
   * is stored. */
  answers = ct_answers_new ();
  ct_answers_set_text (answers, "line-manager", "Jo Manager");
  escalated = apply (workflow, ct_case_item_get_case_id (item), CT_EVENT_ESCALATED, answers,
                     &error);
  g_assert_null (escalated);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
  g_clear_error (&error);

  ct_answers_set_text (answers, "safeguarding-lead", "Dana Officer");
  escalated = apply (workflow, ct_case_item_get_case_id (item), CT_EVENT_ESCALATED, answers,
                     &error);
  g_assert_no_error (error);
  g_assert_nonnull (escalated);
  /* Deciding is due by the end of the working day (Caretrail's default). */
  g_assert_cmpint (ct_case_item_get_due_at (escalated), >, g_get_real_time ());

  page = ct_case_page_new ();
  ct_case_page_set_workflow (CT_CASE_PAGE (page), workflow);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 360, 900);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  ct_case_page_load (CT_CASE_PAGE (page), ct_case_item_get_case_id (item));

  ct_test_ui_wait_for_text (page, "Alex Brown");
  ct_test_ui_wait_for_text (page, "Decide whether concerns remain");
  /* The deadline to decide is ours, not the policy's, and says so. */
  ct_test_ui_wait_for_text (page, "Caretrail’s default, not a rule of your policy");
  /* The chronology shows both steps, the later one naming who was involved. */
  ct_test_ui_wait_for_text (page, "Concern recorded, raised by Pat Keyworker");
  ct_test_ui_wait_for_text (page, "Concern discussed with the line manager, Jo Manager");
  g_assert_nonnull (ct_case_page_get_file (CT_CASE_PAGE (page)));
  g_assert_cmpuint (ct_case_page_get_file (CT_CASE_PAGE (page))->chronology->len, ==, 2);
  /* Each entry says who recorded it. */
  ct_test_ui_wait_for_text (page, "recorded by Dana Officer");
  child_id = g_strdup (ct_record_get_id (g_ptr_array_index (
                         ct_case_page_get_file (CT_CASE_PAGE (page))->children, 0)));
  child_ids[0] = child_id;
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "case-page-360.png");
  ct_test_ui_assert_operable (GTK_WIDGET (window));
  ct_test_ui_assert_speech (GTK_WIDGET (window));
  /* The children's names and the time left keep saying what they are, once
   * filled in. */
  {
    const char *expected[] = { "Children", "When the next step is due" };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        GtkWidget *label = ct_test_ui_find_by_description (page, expected[i]);

        g_assert_true (GTK_IS_LABEL (label));
        g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), !=, "");
      }
  }

  /* A step opens as a form on screen. */
  {
    GtkWidget *button = ct_test_ui_find_button (page, "Concerns remain");
    GtkWidget *dialog;

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    dialog = ct_test_ui_find_toplevel (CT_TYPE_STEP_DIALOG);
    g_assert_nonnull (dialog);
    ct_test_ui_wait_for_frame (dialog);
    g_assert_true (gtk_widget_get_mapped (dialog));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Editing the child keeps the earlier details as history. */
  {
    GtkWidget *edit = ct_test_ui_find_button (page, "Edit Alex Brown");
    GtkWidget *dialog;
    g_autoptr(GPtrArray) history = NULL;

    g_assert_nonnull (edit);
    g_signal_emit_by_name (edit, "clicked");
    dialog = ct_test_ui_find_toplevel (CT_TYPE_CHILD_DIALOG);
    g_assert_nonnull (dialog);
    gtk_editable_set_text (GTK_EDITABLE (ct_test_ui_find_by_label (dialog,
                                                        "Local authority area where the child lives")),
                           "Northshire");
    gtk_editable_set_text (GTK_EDITABLE (ct_test_ui_find_by_label (dialog, "Date of birth (DD/MM/YYYY)")),
                           "31/02/2015");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    /* A date that does not exist is refused and nothing is saved. */
    g_assert_true (gtk_widget_get_visible (dialog));
    gtk_editable_set_text (GTK_EDITABLE (ct_test_ui_find_by_label (dialog, "Date of birth (DD/MM/YYYY)")),
                           "14/07/2015");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    ct_test_ui_wait_for_text (page, "lives in Northshire");
    ct_test_ui_wait_for_text (page, "1 earlier version kept");
    history = ct_store_list_history_sync (store, CT_RECORD_KIND_CHILD, child_ids[0], &error);
    g_assert_no_error (error);
    g_assert_cmpuint (history->len, >=, 1);
  }

  /* The adults in the child's life: the form will not save someone until
   * it knows how they are related to the child; saving writes the person
   * and the link together, and the page says who has parental
   * responsibility. */
  {
    GtkWidget *dialog;
    CtCaseFile *file;
    CtRecord *person, *rel;
    GtkWidget *edit;
    g_autoptr(GPtrArray) history = NULL;
    g_autofree char *person_id = NULL;

    gtk_widget_activate_action (page, "case-page.add-person", NULL);
    dialog = ct_test_ui_find_toplevel (CT_TYPE_PERSON_DIALOG);
    g_assert_nonnull (dialog);
    ct_test_ui_type_into (dialog, "Given names", "Sam");
    ct_test_ui_type_into (dialog, "Family name", "Brown");
    ct_test_ui_choose (dialog, "Has parental responsibility for Alex Brown", "Yes");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    g_assert_true (gtk_widget_get_visible (dialog));
    g_assert_nonnull (ct_test_ui_find_text (dialog, "Say how this person is related to Alex Brown"));

    ct_test_ui_type_into (dialog, "Relationship to Alex Brown (mother, stepfather…)", "Mother");
    ct_test_ui_type_into (dialog, "Date of birth (DD/MM/YYYY)", "30/02/1988");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    g_assert_true (gtk_widget_get_visible (dialog));
    g_assert_nonnull (ct_test_ui_find_text (dialog, "is not a date"));
    /* What was typed is still there. */
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ct_test_ui_find_by_label (
                       dialog, "Relationship to Alex Brown (mother, stepfather…)"))), ==, "Mother");

    ct_test_ui_type_into (dialog, "Date of birth (DD/MM/YYYY)", "03/11/1988");
    ct_test_ui_choose (dialog, "Is the main carer of Alex Brown", "Yes");
    ct_test_ui_choose (dialog, "Lives in the same household as Alex Brown", "Yes");
    ct_test_ui_choose (dialog, "May be responsible for the harm to Alex Brown", "No");
    ct_test_ui_choose (dialog, "Has contact with other children", "Not known");
    ct_test_ui_wait_for_frame (dialog);
    ct_test_ui_screenshot (dialog, "person-dialog.png");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    ct_test_ui_wait_for_text (page, "Mother of Alex Brown, has parental responsibility, main carer, "
                          "same household");

    file = ct_case_page_get_file (CT_CASE_PAGE (page));
    g_assert_cmpuint (file->people->len, ==, 1);
    g_assert_cmpuint (file->relationships->len, ==, 1);
    person = g_ptr_array_index (file->people, 0);
    rel = g_ptr_array_index (file->relationships, 0);
    person_id = g_strdup (ct_record_get_id (person));
    g_assert_cmpstr (ct_record_get_string (person, "date-of-birth"), ==, "1988-11-03");
    g_assert_cmpstr (ct_record_get_string (rel, "person-id"), ==, person_id);
    g_assert_cmpstr (ct_record_get_string (rel, "child-id"), ==, child_ids[0]);
    g_assert_true (ct_record_get_boolean (rel, "parental-responsibility", FALSE));
    g_assert_false (ct_record_get_boolean (rel, "alleged-person", TRUE));
    g_assert_false (ct_record_has_field (rel, "access-to-other-children"));

    /* Editing: a new version, the earlier one kept; an unchanged link is
     * not written again. */
    edit = ct_test_ui_find_button (page, "Edit Sam Brown");
    g_assert_nonnull (edit);
    g_signal_emit_by_name (edit, "clicked");
    dialog = ct_test_ui_find_toplevel (CT_TYPE_PERSON_DIALOG);
    g_assert_nonnull (dialog);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ct_test_ui_find_by_label (
                       dialog, "Date of birth (DD/MM/YYYY)"))), ==, "03/11/1988");
    ct_test_ui_type_into (dialog, "Address", "4 Mill Lane, Exampleton");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    ct_test_ui_wait_for_text (page, "4 Mill Lane, Exampleton · changed");
    file = ct_case_page_get_file (CT_CASE_PAGE (page));
    g_assert_cmpint (ct_record_get_version (g_ptr_array_index (file->people, 0)), ==, 2);
    g_assert_cmpint (ct_record_get_version (g_ptr_array_index (file->relationships, 0)), ==, 1);
    history = ct_store_list_history_sync (store, CT_RECORD_KIND_PERSON, person_id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (history->len, >=, 1);

    /* The other agencies working with the child are part of the child's
     * details. */
    edit = ct_test_ui_find_button (page, "Edit Alex Brown");
    g_signal_emit_by_name (edit, "clicked");
    dialog = ct_test_ui_find_toplevel (CT_TYPE_CHILD_DIALOG);
    g_assert_nonnull (dialog);
    ct_test_ui_type_into (dialog, "Other agencies involved (school nurse, health visitor, CAMHS…)",
               "School nurse; CAMHS");
    gtk_widget_activate_action (dialog, "form.save", NULL);
    ct_test_ui_wait_for_text (page, "also involved: School nurse; CAMHS");
    ct_test_ui_wait_for_frame (GTK_WIDGET (window));
    ct_test_ui_screenshot (GTK_WIDGET (window), "case-page-people.png");
  }

  /* Reports of the case: made from the store, kept with the case, shown
   * from the kept bytes; only the referral confirmation is "sent" as a
   * step, so a report offers no Mark as Sent. */
  {
    static const char *kinds[] = { "chronology", "record-of-concern" };

    for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
      {
        GtkWidget *viewer = NULL;
        gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
        CtCaseFile *file;
        CtRecord *document;

        gtk_widget_activate_action (page, "case-page.make-document", "s", kinds[k]);
        while ((viewer = ct_test_ui_find_toplevel (CT_TYPE_DOCUMENT_WINDOW)) == NULL &&
               g_get_monotonic_time () < deadline)
          g_main_context_iteration (NULL, TRUE);
        g_assert_nonnull (viewer);
        /* The page reads the case again after keeping the document. */
        while (((file = ct_case_page_get_file (CT_CASE_PAGE (page))) == NULL ||
                file->documents->len < k + 1) && g_get_monotonic_time () < deadline)
          g_main_context_iteration (NULL, TRUE);
        g_assert_cmpuint (file->documents->len, ==, k + 1);
        document = g_ptr_array_index (file->documents, k);
        g_assert_cmpstr (ct_record_get_string (document, "kind"), ==, kinds[k]);
        g_assert_nonnull (ct_record_get_string (document, "sha256"));
        g_assert_false (gtk_widget_get_visible (ct_test_ui_find_by_label (viewer,
                                                                          "Mark as sent")));
        gtk_window_destroy (GTK_WINDOW (viewer));
        ct_test_ui_spin (100);
      }
    ct_test_ui_wait_for_text (page, "Not sent yet");
  }

  /* The allegation path opens a case of its own, with the LADO's clock. */
  {
    g_autoptr(GHashTable) reported = ct_answers_new ();
    g_autoptr(GAsyncResult) started = NULL;
    g_autoptr(CtCaseItem) allegation = NULL;

    ct_answers_set_text (reported, "about", "Chris Volunteer, youth worker");
    ct_answers_set_text (reported, "what", "Shouted at and pushed a child.");
    ct_answers_set_text (reported, "reported-by", "A parent");
    ct_answers_set_text (reported, "senior-manager", "Morgan Director");
    ct_workflow_record_async (workflow, NULL, CT_EVENT_ALLEGATION_REPORTED, reported, NULL, NULL,
                              ct_test_ui_on_done_cb, &started);
    allegation = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&started), NULL,
                                            &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ct_case_item_get_reference (allegation), !=,
                     ct_case_item_get_reference (item));
    g_assert_cmpint (ct_case_item_get_due_at (allegation), >, 0);
  }

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

  g_test_add_func ("/ui/case-page/steps-and-chronology", test_case_page);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-directory"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ct-case-documents.h"
#include "ct-directory-dialog.h"
#include "ct-directory-page.h"
#include "ct-directory.h"
#include "ct-procedure.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

/* The Directory page against a real store: a local authority is added with
 * its front door and corrected, as a DSO does it; a referral letter for a
 * case in its area is then addressed from it. A new deputy is added and
 * later leaves: kept, marked, and no longer offered. */

typedef struct
{
  char       *dir;
  char       *path;
  CtStore    *store;
  CtWorkflow *workflow;
  GtkWindow  *window;
  GtkWidget  *page;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("caretrail-directory-XXXXXX", NULL);
  fixture->path = g_build_filename (fixture->dir, "test.db", NULL);
  fixture->store = ct_test_ui_set_up_office (fixture->path);
  fixture->workflow = ct_workflow_new (fixture->store);
  ct_workflow_load_async (fixture->workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (fixture->workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  /* The only member of staff, the DSO, is the one using it. */
  g_assert_nonnull (ct_workflow_get_actor_id (fixture->workflow));

  fixture->page = ct_directory_page_new ();
  ct_directory_page_set_workflow (CT_DIRECTORY_PAGE (fixture->page), fixture->workflow);
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 720, 760);
  gtk_window_set_child (fixture->window, fixture->page);
  gtk_window_present (fixture->window);
  ct_test_ui_wait_for_frame (fixture->page);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->workflow);
  ct_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static CtDirectoryDialog *
open_form (GtkWidget  *page,
           const char *action)
{
  GtkWidget *form;

  g_assert_null (ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG));
  g_assert_true (gtk_widget_activate_action (page, action, NULL));
  form = ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG);
  g_assert_nonnull (form);
  ct_test_ui_wait_for_frame (form);
  return CT_DIRECTORY_DIALOG (form);
}

/* Saves the form and waits until the store has it and the form has closed;
 * fails with the form's message if it was refused. */
static void
save_form (CtDirectoryDialog *form)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (form), (gpointer *) &form);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form), "form.save", NULL));
  while (form != NULL && g_get_monotonic_time () < deadline)
    {
      GtkWidget *problem = ct_test_ui_find_error (GTK_WIDGET (form));

      if (problem != NULL && !ct_form_window_get_saving (CT_FORM_WINDOW (form)))
        g_error ("The form was refused: %s", gtk_label_get_text (GTK_LABEL (problem)));
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_null (form);
}

static CtRecord *
find_named (GListModel *model,
            const char *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CtRecord) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (ct_record_get_string (record, "name"), name) == 0)
        return g_steal_pointer (&record);
    }
  return NULL;
}

/* The row of the list box labelled @list_label showing @title. */
static GtkWidget *
find_row (GtkWidget  *page,
          const char *title)
{
  GtkWidget *row = ct_test_ui_find_by_label (page, title);

  g_assert_nonnull (row);
  g_assert_true (GTK_IS_LIST_BOX_ROW (row));
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  return row;
}

/* The switch named @question, as a screen reader finds it. */
static GtkWidget *
find_switch_under (GtkWidget  *root,
                   const char *question)
{
  if (GTK_IS_SWITCH (root))
    {
      g_autofree char *label = ct_test_ui_get_label (root);

      if (g_strcmp0 (label, question) == 0)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_switch_under (child, question);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_switch (GtkWidget  *form,
             const char *question)
{
  GtkWidget *found = find_switch_under (form, question);

  if (found == NULL)
    g_error ("No switch is named “%s”", question);
  return found;
}

static char *
pdf_text (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-pdf-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);
  return out;
}

static CtCaseItem *
record (CtWorkflow *workflow,
        const char *case_id,
        CtEvent     event,
        GHashTable *answers,
        GDateTime  *at)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtCaseItem *item;

  ct_workflow_record_async (workflow, case_id, event, answers, at, NULL, ct_test_ui_on_done_cb,
                            &result);
  item = ct_workflow_record_finish (workflow, ct_test_ui_wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  return item;
}

static void
test_authority_added_and_corrected (Fixture       *fixture,
                                    gconstpointer  data)
{
  static const char *name = "Northshire Children’s Services";
  static const char *address = "Front Door, County Hall, Northtown NT1 1AA";
  CtDirectoryDialog *form;
  g_autoptr(CtRecord) agency = NULL;
  g_autoptr(CtRecord) stored = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *problem;
  guint n_agencies = g_list_model_get_n_items (ct_workflow_get_agencies (fixture->workflow));

  /* Every control can be reached and named. */
  g_assert_cmpuint (ct_test_ui_assert_operable (fixture->page), ==, 2);
  find_row (fixture->page, "Exampleshire Children’s Services");

  /* A name is all that is needed, and it is needed. */
  form = open_form (fixture->page, "directory.add-agency");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (form)), ==, "Add a Local Authority or Agency");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form), "form.save", NULL));
  problem = ct_test_ui_find_error (GTK_WIDGET (form));
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)),
                            "Write the local authority’s or agency’s name"));
  g_assert_cmpuint (g_list_model_get_n_items (ct_workflow_get_agencies (fixture->workflow)), ==,
                    n_agencies);

  ct_test_ui_type_into (GTK_WIDGET (form), "Name", name);
  /* What was wrong is no longer said once the name is typed. */
  g_assert_null (ct_test_ui_find_error (GTK_WIDGET (form)));
  ct_test_ui_type_into (GTK_WIDGET (form), "Area it covers", "Northshire");
  ct_test_ui_choose (GTK_WIDGET (form), "Kind", "Multi-agency safeguarding hub");
  ct_test_ui_type_into (GTK_WIDGET (form), "Postal address", address);
  ct_test_ui_type_into (GTK_WIDGET (form), "Telephone", "0300 100 2000");
  ct_test_ui_type_into (GTK_WIDGET (form), "Secure email", "mash@northshire.gov.uk");
  ct_test_ui_type_into (GTK_WIDGET (form), "Out-of-hours telephone", "0300 100 9999");
  ct_test_ui_choose (GTK_WIDGET (form), "Written confirmation of a referral",
                     "Written confirmation within 2 working days");
  g_assert_cmpuint (ct_test_ui_assert_operable (GTK_WIDGET (form)), >=, 8);
  ct_test_ui_screenshot (GTK_WIDGET (form), "directory-agency-form.png");
  save_form (form);

  g_assert_cmpuint (g_list_model_get_n_items (ct_workflow_get_agencies (fixture->workflow)), ==,
                    n_agencies + 1);
  agency = find_named (ct_workflow_get_agencies (fixture->workflow), name);
  g_assert_nonnull (agency);
  g_assert_cmpstr (ct_record_get_string (agency, "address"), ==, address);
  g_assert_cmpstr (ct_record_get_string (agency, "kind"), ==, "mash");
  g_assert_cmpstr (ct_record_get_string (agency, "confirmation-period"), ==, "2wd");
  g_assert_cmpint (ct_record_get_version (agency), ==, 1);
  ct_test_ui_wait_for_text (fixture->page, address);

  /* Its row opens it; the telephone is corrected. */
  g_signal_emit_by_name (find_row (fixture->page, name), "activate");
  form = CT_DIRECTORY_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG));
  g_assert_nonnull (form);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (form)), ==,
                   "Edit the Local Authority or Agency");
  g_assert_cmpstr (ct_record_get_id (ct_directory_dialog_get_record (form)), ==,
                   ct_record_get_id (agency));
  ct_test_ui_type_into (GTK_WIDGET (form), "Telephone", "0300 100 3000");
  save_form (form);
  ct_test_ui_wait_for_text (fixture->page, "0300 100 3000");

  /* A new version; the first is kept in its history. */
  stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_AGENCY, ct_record_get_id (agency),
                              &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 2);
  g_assert_cmpstr (ct_record_get_string (stored, "phone"), ==, "0300 100 3000");
  g_assert_cmpstr (ct_record_get_string (stored, "address"), ==, address);
  history = ct_store_list_history_sync (fixture->store, CT_RECORD_KIND_AGENCY,
                                        ct_record_get_id (agency), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 0), "phone"), ==,
                   "0300 100 2000");

  ct_test_ui_screenshot (GTK_WIDGET (fixture->window), "directory.png");

  /* A referral for a child in Northshire: its letter is addressed from the
   * authority's front door, as corrected. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) start = g_date_time_add_hours (now, -2);
    g_autoptr(GDateTime) t1 = g_date_time_add_minutes (start, 10);
    g_autoptr(GDateTime) t2 = g_date_time_add_minutes (start, 20);
    g_autoptr(GDateTime) t3 = g_date_time_add_minutes (start, 30);
    g_autoptr(GDateTime) t4 = g_date_time_add_minutes (start, 40);
    g_autoptr(GHashTable) concern = ct_answers_new ();
    g_autoptr(GHashTable) escalated = ct_answers_new ();
    g_autoptr(GHashTable) remain = ct_answers_new ();
    g_autoptr(GHashTable) family = ct_answers_new ();
    g_autoptr(GHashTable) referral = ct_answers_new ();
    g_autoptr(CtCaseItem) item = NULL;
    g_autoptr(CtCaseItem) next = NULL;
    g_autoptr(CtRecord) case_record = NULL;
    g_autoptr(GBytes) pdf = NULL;
    g_autofree char *text = NULL;
    g_autofree char *case_id = NULL;

    ct_answers_set_text (concern, "raised-by", "Pat Keyworker");
    ct_answers_set_text (concern, "how", "in-person");
    ct_answers_set_text (concern, "what", "A bruise on the forearm.");
    ct_answers_set_boolean (concern, "immediate-risk", FALSE);
    ct_answers_set_text (concern, "child-given-names", "Alex");
    ct_answers_set_text (concern, "child-family-name", "Brown");
    ct_answers_set_text (concern, "child-date-of-birth", "2015-07-14");
    ct_answers_set_text (concern, "child-area", "Northshire");
    item = record (fixture->workflow, NULL, CT_EVENT_CONCERN_RECORDED, concern, start);
    case_id = g_strdup (ct_case_item_get_case_id (item));
    ct_answers_set_text (escalated, "line-manager", "Jo Manager");
    ct_answers_set_text (escalated, "safeguarding-lead", "Dana Officer");
    g_clear_object (&next);
    next = record (fixture->workflow, case_id, CT_EVENT_ESCALATED, escalated, t1);
    ct_answers_set_text (remain, "reason", "The account is specific.");
    ct_answers_set_boolean (remain, "family-member-responsible", FALSE);
    ct_answers_set_boolean (remain, "danger-to-others", FALSE);
    ct_answers_set_boolean (remain, "criminal-investigation", FALSE);
    g_clear_object (&next);
    next = record (fixture->workflow, case_id, CT_EVENT_CONCERNS_REMAIN, remain, t2);
    ct_answers_set_text (family, "with-whom", "the child's mother");
    ct_answers_set_text (family, "summary", "She agreed a referral would help.");
    g_clear_object (&next);
    next = record (fixture->workflow, case_id, CT_EVENT_FAMILY_DISCUSSED, family, t3);
    ct_answers_set_text (referral, "agency", name);
    ct_answers_set_text (referral, "how", "telephone");
    ct_answers_set_text (referral, "to-whom", "Chris Duty");
    ct_answers_set_text (referral, "their-reference", "NS-1");
    ct_answers_set_text (referral, "what-shared", "Our notes.");
    ct_answers_set_text (referral, "referral-type", "child-protection");
    ct_answers_set_text (referral, "consent", "given");
    ct_answers_set_boolean (referral, "raiser-told", TRUE);
    ct_answers_set_boolean (referral, "raiser-encouraged", TRUE);
    g_clear_object (&next);
    next = record (fixture->workflow, case_id, CT_EVENT_REFERRAL_MADE, referral, t4);

    case_record = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CASE, case_id, &error);
    g_assert_no_error (error);
    pdf = ct_case_document_render_sync (fixture->store,
                                        ct_workflow_get_actor_id (fixture->workflow),
                                        case_record, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION,
                                        NULL, &error);
    g_assert_no_error (error);
    text = pdf_text (pdf);
    g_assert_nonnull (strstr (text, name));
    g_assert_nonnull (strstr (text, "County Hall"));
    g_assert_nonnull (strstr (text, "NT1 1AA"));
    g_assert_nonnull (strstr (text, "mash@northshire.gov.uk"));
    /* Not from the office's other authority. */
    g_assert_null (strstr (text, "Exampleshire Children’s Services"));
  }
}

static void
test_staff_added_and_leaving (Fixture       *fixture,
                              gconstpointer  data)
{
  CtDirectoryDialog *form;
  g_autoptr(CtRecord) deputy = NULL;
  g_autoptr(CtRecord) stored = NULL;
  g_autoptr(CtRecord) still = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *toggle;

  form = open_form (fixture->page, "directory.add-staff");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (form)), ==, "Add a Member of Staff");
  /* Only someone already recorded can leave. */
  g_assert_null (find_switch_under (GTK_WIDGET (form), "No longer with us"));
  ct_test_ui_type_into (GTK_WIDGET (form), "Name", "   ");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (form), "form.save", NULL));
  g_assert_nonnull (ct_test_ui_find_error (GTK_WIDGET (form)));
  g_assert_nonnull (ct_test_ui_find_text (GTK_WIDGET (form), "Write the member of staff’s name"));

  ct_test_ui_type_into (GTK_WIDGET (form), "Name", "Sam Deputy");
  ct_test_ui_type_into (GTK_WIDGET (form), "Role or job title", "Head of Pastoral Care");
  ct_test_ui_type_into (GTK_WIDGET (form), "Email", "sam@example.org");
  toggle = find_switch (GTK_WIDGET (form), "Deputy Designated Safeguarding Officer");
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_cmpuint (ct_test_ui_assert_operable (GTK_WIDGET (form)), >=, 7);
  ct_test_ui_screenshot (GTK_WIDGET (form), "directory-staff-form.png");
  save_form (form);

  deputy = find_named (ct_workflow_get_staff (fixture->workflow), "Sam Deputy");
  g_assert_nonnull (deputy);
  g_assert_true (ct_record_get_boolean (deputy, "is-deputy", FALSE));
  g_assert_false (ct_record_has_field (deputy, "is-dso"));
  g_assert_false (ct_record_has_field (deputy, "left"));
  still = find_named (ct_workflow_get_current_staff (fixture->workflow), "Sam Deputy");
  g_assert_nonnull (still);
  g_clear_object (&still);
  ct_test_ui_wait_for_text (fixture->page, "Deputy Designated Safeguarding Officer");

  /* Opening and saving unchanged writes nothing. */
  g_signal_emit_by_name (find_row (fixture->page, "Sam Deputy"), "activate");
  form = CT_DIRECTORY_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG));
  g_assert_nonnull (form);
  save_form (form);
  stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_STAFF, ct_record_get_id (deputy),
                              &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 1);
  g_clear_object (&stored);

  /* They leave: kept, marked, no longer offered. */
  g_signal_emit_by_name (find_row (fixture->page, "Sam Deputy"), "activate");
  form = CT_DIRECTORY_DIALOG (ct_test_ui_find_toplevel (CT_TYPE_DIRECTORY_DIALOG));
  g_assert_nonnull (form);
  toggle = find_switch (GTK_WIDGET (form), "No longer with us");
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  save_form (form);

  stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_STAFF, ct_record_get_id (deputy),
                              &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 2);
  g_assert_true (ct_directory_staff_has_left (stored));
  g_assert_true (ct_record_get_boolean (stored, "is-deputy", FALSE));
  g_assert_cmpstr (ct_record_get_string (stored, "name"), ==, "Sam Deputy");
  g_clear_object (&still);
  still = find_named (ct_workflow_get_staff (fixture->workflow), "Sam Deputy");
  g_assert_nonnull (still);
  g_clear_object (&still);
  still = find_named (ct_workflow_get_current_staff (fixture->workflow), "Sam Deputy");
  g_assert_null (still);
  ct_test_ui_wait_for_text (fixture->page, "No longer with us");
  ct_test_ui_screenshot (GTK_WIDGET (fixture->window), "directory-staff-left.png");
}

/* A new authority's form, opened for a case whose child lives where no
 * authority is recorded, starts with that area. */
static void
test_new_authority_for_area (void)
{
  CtDirectoryDialog *form = ct_directory_dialog_new (CT_RECORD_KIND_AGENCY, NULL, "Westshire");
  GtkWidget *area;

  gtk_window_present (GTK_WINDOW (form));
  area = ct_test_ui_find_by_label (GTK_WIDGET (form), "Area it covers");
  g_assert_true (GTK_IS_EDITABLE (area));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (area)), ==, "Westshire");
  g_assert_null (ct_directory_dialog_get_record (form));
  gtk_window_destroy (GTK_WINDOW (form));
}

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
  g_test_add ("/ui/directory/authority-added-and-corrected", Fixture, NULL, fixture_set_up,
              test_authority_added_and_corrected, fixture_tear_down);
  g_test_add ("/ui/directory/staff-added-and-leaving", Fixture, NULL, fixture_set_up,
              test_staff_added_and_leaving, fixture_tear_down);

  g_test_add_func ("/ui/directory/new-authority-for-area", test_new_authority_for_area);

  return g_test_run ();
}

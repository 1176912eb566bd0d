/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-preferences"

#include "config.h"

#include <adwaita.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-case-documents.h"
#include "ct-paths.h"
#include "ct-case-service.h"
#include "ct-preferences-window.h"
#include "ct-store.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

/*
 * The Letters and Procedure groups of the Preferences window, against a
 * real store in the test session's keyring. Every setting applies as it
 * is changed, with no Save button: the closing paragraph and logo reach
 * the referral letter, a file that is not a PNG is refused and nothing is
 * saved, a value that cannot be read is marked on its row and not saved,
 * a failed save keeps what was typed, and closing the window keeps the
 * last change.
 */

#define REFERENCE "CT-2026-0077"
#define CLOSING "Please telephone our safeguarding lead on 01632 960777 with any questions about this referral."

static CtRecord *
insert (CtStore    *store,
        const char *staff_id,
        CtRecord   *record,
        const char *case_id)
{
  g_autoptr(GError) error = NULL;

  if (case_id != NULL)
    ct_record_set_case_id (record, case_id);
  g_assert_true (ct_store_insert_sync (store, staff_id, record, &error));
  g_assert_no_error (error);
  return record;
}

static char *
pdf_tool (const char *tool,
          GBytes     *pdf,
          gboolean    squeeze)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-prefs-pdf-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "letter.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *text_argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  const char *images_argv[] = { "pdfimages", "-list", path, NULL };
  int status = 0;
  GString *result = g_string_new (NULL);

  g_assert_no_error (error);
  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) (strcmp (tool, "pdftotext") == 0 ? text_argv : images_argv),
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);

  /* Whitespace dropped, so line wrapping does not matter. */
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    if (!squeeze || !g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (result, g_utf8_get_char (p));

  return g_string_free (result, FALSE);
}

static char *
squeeze (const char *text)
{
  GString *result = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (result, g_utf8_get_char (p));

  return g_string_free (result, FALSE);
}

static guint
count_images (GBytes *pdf)
{
  g_autofree char *list = pdf_tool ("pdfimages", pdf, FALSE);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);
  guint n = 0;

  /* Two header lines, then one line an image. */
  for (guint i = 2; lines[0] != NULL && lines[1] != NULL && lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;

  return n;
}

static char *
make_png (const char *dir)
{
  char *path = g_build_filename (dir, "our-logo.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 120, 40);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.1, 0.3, 0.6);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 10, 10, 100, 20);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return path;
}

/* Preferences apply at once: no button in the window saves. */
static void
assert_no_save_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (root));

      if (label != NULL && strstr (label, "Save") != NULL)
        g_error ("Preferences has a button “%s”", label);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_no_save_button (child);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition    condition,
            gpointer     data,
            const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!condition (data))
    g_error ("Timed out waiting for %s", what);
}

static gboolean
has_logo (gpointer workflow)
{
  return ct_record_has_field (ct_workflow_get_organisation (workflow), "logo-path");
}

static gboolean
has_no_logo (gpointer workflow)
{
  return !has_logo (workflow);
}

static gboolean
has_closing (gpointer workflow)
{
  return g_strcmp0 (ct_record_get_string (ct_workflow_get_organisation (workflow), "letter-closing"),
                    CLOSING) == 0;
}

static gboolean
error_shown (gpointer group)
{
  return ct_test_ui_find_error (group) != NULL;
}

static GBytes *
generate_letter (CtStore    *store,
                 const char *staff_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = NULL;
  GBytes *pdf;

  document = ct_case_document_generate_sync (store, staff_id, REFERENCE,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL,
                                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  pdf = ct_case_document_get_pdf (document, &error);
  g_assert_no_error (error);
  return pdf;
}

static gboolean
import_logo (CtPreferencesWindow *window,
             const char          *path,
             GError             **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  ct_preferences_window_import_logo_async (window, file, NULL, ct_test_ui_on_done_cb, &result);
  return ct_preferences_window_import_logo_finish (window, ct_test_ui_wait_result (&result), error);
}

static void
test_letters (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-prefs-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "prefs.db", NULL);
  g_autofree char *png = NULL;
  g_autofree char *not_png = g_build_filename (dir, "not-a-logo.png", NULL);
  g_autofree char *data_dir = ct_paths_get_data_dir ();
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtRecord) agency = ct_record_new (CT_RECORD_KIND_AGENCY);
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) referral = ct_record_new (CT_RECORD_KIND_REFERRAL);
  g_autoptr(CtRecord) stored = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *closing_squeezed = squeeze (CLOSING);
  const char *child_ids[2] = { NULL, NULL };
  const char *staff_id;
  CtPreferencesWindow *window;
  GtkWidget *group, *view, *label, *row;
  GtkTextBuffer *buffer;
  gint64 deadline;

  g_assert_no_error (error);

  /* A database with one referred case. */
  store = ct_store_create_sync (db, NULL, &error);
  g_assert_no_error (error);
  ct_record_set_string (org, "name", "Testbridge Mediation (test)");
  ct_record_set_string (org, "address", "9 Test Street\nTesttown TT1 1TT");
  ct_record_set_string (org, "phone", "01632 960500");
  ct_record_set_string (org, "nation", "england-and-wales");
  ct_record_set_string (org, "dso-name", "Dee Ess-Oh");
  insert (store, "setup", org, NULL);
  ct_record_set_string (dso, "name", "Dee Ess-Oh");
  ct_record_set_string (dso, "role", "DSO");
  ct_record_set_boolean (dso, "is-dso", TRUE);
  insert (store, "setup", dso, NULL);
  staff_id = ct_record_get_id (dso);
  ct_record_set_string (agency, "name", "Testshire Children’s Front Door");
  ct_record_set_string (agency, "address", "County Hall\nTesttown TT9 9TT");
  insert (store, staff_id, agency, NULL);
  ct_record_set_reference (case_record, REFERENCE);
  ct_record_set_string (case_record, "summary", "Robin disclosed being hit at home.");
  insert (store, staff_id, case_record, NULL);
  ct_record_set_string (child, "given-names", "Robin");
  ct_record_set_string (child, "family-name", "Testperson");
  ct_record_set_string (child, "date-of-birth", "2015-06-01");
  insert (store, staff_id, child, ct_record_get_id (case_record));
  child_ids[0] = ct_record_get_id (child);
  ct_record_set_strv (case_record, "child-ids", child_ids);
  g_assert_true (ct_store_update_sync (store, staff_id, case_record, &error));
  g_assert_no_error (error);
  ct_record_set_string (concern, "raised-by", staff_id);
  ct_record_set_int64 (concern, "raised-at", g_get_real_time ());
  ct_record_set_string (concern, "what", "Bruise seen on Robin’s cheek.");
  insert (store, staff_id, concern, ct_record_get_id (case_record));
  ct_record_set_string (referral, "agency-id", ct_record_get_id (agency));
  ct_record_set_int64 (referral, "made-at", g_get_real_time ());
  ct_record_set_string (referral, "made-by", staff_id);
  ct_record_set_string (referral, "made-to", "Kim Dutyworker");
  ct_record_set_string (referral, "what-wanted", "Please visit Robin today.");
  insert (store, staff_id, referral, ct_record_get_id (case_record));

  before = generate_letter (store, staff_id);
  before_text = pdf_tool ("pdftotext", before, TRUE);
  g_assert_null (strstr (before_text, closing_squeezed));
  g_assert_cmpuint (count_images (before), ==, 0);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ct_workflow_get_organisation (workflow));

  /* With no database open the group cannot be used, and says why. */
  window = ct_preferences_window_new (settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 760);
  gtk_window_present (GTK_WINDOW (window));
  group = ct_test_ui_find_by_type (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP);
  while (group != NULL &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)),
                    "Letters") != 0)
    group = gtk_widget_get_next_sibling (group);
  g_assert_nonnull (group);
  g_assert_false (gtk_widget_get_sensitive (group));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)),
                            "No database is open"));

  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_spin (300);
  ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-no-database.png");

  ct_preferences_window_set_workflow (window, workflow);
  g_assert_true (gtk_widget_get_sensitive (group));

  /* Every control has a name. */
  view = ct_test_ui_find_by_label (GTK_WIDGET (window), "Closing paragraph for letters");
  g_assert_true (GTK_IS_TEXT_VIEW (view));
  g_assert_true (GTK_IS_BUTTON (ct_test_ui_find_by_label (GTK_WIDGET (window),
                                               "Choose a letterhead logo")));
  g_assert_true (GTK_IS_BUTTON (ct_test_ui_find_by_label (GTK_WIDGET (window),
                                               "Remove the letterhead logo")));
  assert_no_save_button (GTK_WIDGET (window));

  /* A file that is not a PNG is refused with a reason; nothing is saved. */
  g_file_set_contents (not_png, "%PDF-1.4 this is not an image", -1, &error);
  g_assert_no_error (error);
  g_assert_false (import_logo (window, not_png, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO);
  g_assert_nonnull (strstr (error->message, "is not a PNG image"));
  g_clear_error (&error);
  label = ct_test_ui_find_error (group);
  g_assert_nonnull (label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "is not a PNG image"));
  g_assert_null (ct_preferences_window_get_logo_path (window));
  stored = ct_store_get_sync (store, CT_RECORD_KIND_ORGANISATION, ct_record_get_id (org), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 1);
  g_assert_false (ct_record_has_field (stored, "logo-path"));
  g_clear_object (&stored);

  /* A missing file is refused too. */
  {
    g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);

    g_assert_false (import_logo (window, missing, &error));
    g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO);
    g_clear_error (&error);
  }

  /* A real PNG is copied into the data folder, and saved at once. */
  png = make_png (dir);
  g_assert_true (import_logo (window, png, &error));
  g_assert_no_error (error);
  g_assert_nonnull (ct_preferences_window_get_logo_path (window));
  g_assert_true (g_str_has_prefix (ct_preferences_window_get_logo_path (window), data_dir));
  g_assert_true (g_file_test (ct_preferences_window_get_logo_path (window),
                              G_FILE_TEST_IS_REGULAR));
  row = ct_test_ui_find_by_label (GTK_WIDGET (window), "Choose a letterhead logo");
  row = gtk_widget_get_ancestor (row, ADW_TYPE_ACTION_ROW);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "our-logo.png");
  wait_until (has_logo, workflow, "the logo to be saved");
  /* The original can go; letters use the copy. */
  g_assert_cmpint (g_unlink (png), ==, 0);

  /* Typing is saved once it pauses. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, CLOSING "\n", -1);

  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-letters.png");

  wait_until (has_closing, workflow, "the closing paragraph to be saved");
  g_assert_cmpstr (ct_record_get_string (ct_workflow_get_organisation (workflow),
                                         "letter-closing"), ==, CLOSING);

  /* Saved in the store, the earlier version kept as history. */
  stored = ct_store_get_sync (store, CT_RECORD_KIND_ORGANISATION, ct_record_get_id (org), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 3);
  g_assert_cmpstr (ct_record_get_string (stored, "letter-closing"), ==, CLOSING);
  g_assert_cmpstr (ct_record_get_string (stored, "logo-path"), ==,
                   ct_preferences_window_get_logo_path (window));
  g_assert_cmpstr (ct_record_get_string (stored, "name"), ==, "Testbridge Mediation (test)");
  history = ct_store_list_history_sync (store, CT_RECORD_KIND_ORGANISATION,
                                        ct_record_get_id (org), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, >=, 2);

  /* The letter now ends with our paragraph and carries the logo. */
  after = generate_letter (store, staff_id);
  after_text = pdf_tool ("pdftotext", after, TRUE);
  g_assert_nonnull (strstr (after_text, closing_squeezed));
  /* After the letter's own last paragraph, before the signature. */
  g_assert_true (strstr (after_text, closing_squeezed) >
                 strstr (after_text, "Pleasetellus"));
  g_assert_cmpuint (count_images (after), >=, 1);

  /* Removing the logo takes it off the record at once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "letters.remove-logo", NULL));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "None");
  wait_until (has_no_logo, workflow, "the logo to be removed");
  g_clear_object (&stored);
  stored = ct_store_get_sync (store, CT_RECORD_KIND_ORGANISATION, ct_record_get_id (org), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (stored), ==, 4);
  g_assert_false (ct_record_has_field (stored, "logo-path"));
  g_assert_cmpstr (ct_record_get_string (stored, "letter-closing"), ==, CLOSING);

  /* A save that fails says so and keeps what was typed. */
  ct_store_close (store);
  gtk_text_buffer_set_text (buffer, "A second closing paragraph.", -1);
  {
    GtkWidget *error_label = NULL;

    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while ((error_label = ct_test_ui_find_error (group)) == NULL &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (error_label);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
    g_test_message ("Save failure shown as: %s", gtk_label_get_text (GTK_LABEL (error_label)));
  }
  {
    GtkTextIter start, end;
    g_autofree char *typed = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    typed = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (typed, ==, "A second closing paragraph.");
  }
  g_assert_cmpstr (ct_record_get_string (ct_workflow_get_organisation (workflow),
                                         "letter-closing"), ==, CLOSING);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workflow);
}

/* The procedure's timing settings: refused when they cannot be read, and
 * read by the same code that works out every deadline. */
static void
test_procedure (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-prefs-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "procedure.db", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtCaseService) service = NULL;
  CtPreferencesWindow *window;
  GtkWidget *group, *cutoff, *route, *decision, *policy, *label;
  gint64 deadline;

  g_assert_no_error (error);
  store = ct_store_create_sync (db, NULL, &error);
  g_assert_no_error (error);
  ct_record_set_string (org, "name", "Testbridge Mediation (test)");
  ct_record_set_string (org, "nation", "england-and-wales");
  ct_record_set_string (org, "cutoff", "16:00");
  insert (store, "setup", org, NULL);
  ct_record_set_string (dso, "name", "Dee Ess-Oh");
  ct_record_set_boolean (dso, "is-dso", TRUE);
  insert (store, "setup", dso, NULL);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  window = ct_preferences_window_new (settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 900);
  ct_preferences_window_set_workflow (window, workflow);
  gtk_window_present (GTK_WINDOW (window));

  group = ct_test_ui_find_by_type (GTK_WIDGET (window), ADW_TYPE_PREFERENCES_GROUP);
  while (group != NULL &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), "Procedure") != 0)
    group = gtk_widget_get_next_sibling (group);
  g_assert_nonnull (group);
  /* It says which timings are the policy's and which are ours. */
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)),
                            "not rules of the policy"));

  cutoff = ct_test_ui_find_by_label (GTK_WIDGET (window), "Cut-off for same-day escalation");
  route = ct_test_ui_find_by_label (GTK_WIDGET (window), "Out-of-hours route");
  decision = ct_test_ui_find_by_label (GTK_WIDGET (window), "Working days to decide after escalation");
  policy = ct_test_ui_find_by_label (GTK_WIDGET (window), "Date the safeguarding policy was adopted or last reviewed");
  g_assert_nonnull (cutoff);
  g_assert_nonnull (route);
  g_assert_nonnull (decision);
  g_assert_nonnull (policy);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (cutoff)), ==, "16:00");

  assert_no_save_button (GTK_WIDGET (window));
  /* The window's size is remembered by itself, not an option. */
  g_assert_null (ct_test_ui_find_text (GTK_WIDGET (window), "Window Size"));
  g_assert_null (ct_test_ui_find_text (GTK_WIDGET (window), "Remember"));

  /* A cut-off that cannot be read is marked on its row, said below, and
   * nothing is saved. */
  gtk_editable_set_text (GTK_EDITABLE (cutoff), "half four");
  wait_until (error_shown, group, "the cut-off to be refused");
  label = ct_test_ui_find_error (group);
  g_assert_nonnull (label);
  g_test_message ("cut-off refused: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_ancestor (cutoff, ADW_TYPE_ENTRY_ROW),
                                           "error"));
  g_assert_cmpstr (ct_record_get_string (ct_workflow_get_organisation (workflow), "cutoff"), ==, "16:00");

  gtk_editable_set_text (GTK_EDITABLE (cutoff), "17:30");
  gtk_editable_set_text (GTK_EDITABLE (route), "Ring Dee on 07700 900123, or the emergency duty team");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (decision), 1);
  gtk_editable_set_text (GTK_EDITABLE (policy), "01/11/2025");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-procedure.png");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_strcmp0 (ct_record_get_string (ct_workflow_get_organisation (workflow), "policy-reviewed"),
                    "2025-11-01") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  /* Read again, the mark on the row goes. */
  g_assert_null (ct_test_ui_find_error (group));
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_ancestor (cutoff, ADW_TYPE_ENTRY_ROW),
                                            "error"));

  /* What was saved is what the deadlines are worked out from. */
  service = ct_case_service_new_for_organisation (store, ct_workflow_get_organisation (workflow), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ct_case_service_get_settings (service)->cutoff_minutes, ==, 17 * 60 + 30);
  g_assert_cmpuint (ct_case_service_get_settings (service)->decision_working_days, ==, 1);
  g_assert_cmpstr (ct_case_service_get_out_of_hours (service), ==,
                   "Ring Dee on 07700 900123, or the emergency duty team");
  g_assert_cmpstr (ct_record_get_string (ct_workflow_get_organisation (workflow), "policy-reviewed"), ==,
                   "2025-11-01");

  /* A change made just before the window closes is kept. */
  g_object_ref (window);
  gtk_editable_set_text (GTK_EDITABLE (route), "Ring the emergency duty team");
  gtk_window_close (GTK_WINDOW (window));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_strcmp0 (ct_record_get_string (ct_workflow_get_organisation (workflow), "out-of-hours"),
                    "Ring the emergency duty team") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ct_record_get_string (ct_workflow_get_organisation (workflow), "out-of-hours"), ==,
                   "Ring the emergency duty team");
  g_object_unref (window);

  g_clear_object (&workflow);
  ct_store_close (store);
}

static GtkWidget *
find_group (GtkWidget  *window,
            const char *title)
{
  GtkWidget *group = ct_test_ui_find_by_type (window, ADW_TYPE_PREFERENCES_GROUP);

  while (group != NULL &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), title) != 0)
    group = gtk_widget_get_next_sibling (group);
  return group;
}

static gboolean
reopen_shown (GtkWidget *window)
{
  GtkWidget *label = ct_test_ui_find_text (window, "must reopen");

  return label != NULL && gtk_widget_is_visible (label);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Types @text into the row and applies it, as its apply button does. */
static void
apply_location (GtkWidget  *row,
                const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

static void
assert_location_refused (GtkWidget  *window,
                         GtkWidget  *row,
                         GtkWidget  *group,
                         GSettings  *settings,
                         const char *text,
                         const char *reason)
{
  g_autofree char *saved = g_settings_get_string (settings, "database");
  g_autofree char *after = NULL;
  GtkWidget *label;

  apply_location (row, text);
  label = ct_test_ui_find_error (group);
  g_assert_nonnull (label);
  g_test_message ("“%s” refused: %s", text, gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), reason));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  after = g_settings_get_string (settings, "database");
  g_assert_cmpstr (after, ==, saved);
  /* What was typed stays, to be corrected. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, text);
  g_assert_false (reopen_shown (window));
}

static void
assert_location_saved (GtkWidget  *window,
                       GtkWidget  *row,
                       GtkWidget  *group,
                       GSettings  *settings,
                       const char *text)
{
  g_autofree char *saved = NULL;

  apply_location (row, text);
  g_assert_null (ct_test_ui_find_error (group));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  saved = g_settings_get_string (settings, "database");
  g_assert_cmpstr (saved, ==, text);
  g_assert_true (reopen_shown (window));
}

static void
test_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-prefs-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "office.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "office.db", NULL);
  g_autofree char *own = ct_paths_get_default_database ();
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  CtPreferencesWindow *window;
  GtkWidget *group, *row, *reopen;

  g_assert_no_error (error);
  g_settings_set_string (settings, "database", "");

  window = ct_preferences_window_new (settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 900);
  gtk_window_present (GTK_WINDOW (window));

  group = find_group (GTK_WIDGET (window), "Records");
  g_assert_nonnull (group);
  row = ct_test_ui_find_by_label (GTK_WIDGET (window), "Where the records are kept");
  g_assert_nonnull (row);
  row = gtk_widget_get_ancestor (row, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  /* Empty is Caretrail's own file, which the group names. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), own));
  g_assert_false (reopen_shown (GTK_WIDGET (window)));

  /* The parser caretrail-admin uses refuses what it would refuse. */
  assert_location_refused (GTK_WIDGET (window), row, group, settings,
                           "postgresql://db.example.org/caretrail?user=dso&sslmode=require",
                           "sslmode=require");
  assert_location_refused (GTK_WIDGET (window), row, group, settings,
                           "postgresql://dso:hunter2@localhost/caretrail", "password");
  assert_location_refused (GTK_WIDGET (window), row, group, settings,
                           "postgresql://localhost/caretrail?nosuchoption=1", "cannot be read");
  assert_location_refused (GTK_WIDGET (window), row, group, settings,
                           "records/office.db", "not a full path");
  assert_location_refused (GTK_WIDGET (window), row, group, settings, missing, "does not exist");
  assert_location_refused (GTK_WIDGET (window), row, group, settings, dir, "is a folder");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-database-refused.png");

  /* Typing again takes the mark away. */
  gtk_editable_set_text (GTK_EDITABLE (row), "postgresql://");
  g_assert_null (ct_test_ui_find_error (group));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* A server on this computer, one elsewhere with its certificate
   * checked, a file, and back to Caretrail's own file: each is kept, and
   * the window says the records must be reopened, with a button that
   * does it. */
  assert_location_saved (GTK_WIDGET (window), row, group, settings,
                         "postgresql:///caretrail?host=/run/postgresql&user=dso");
  reopen = find_button (GTK_WIDGET (window), "_Reopen Now");
  g_assert_nonnull (reopen);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (reopen)), ==, "app.reopen-records");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-database-reopen.png");
  assert_location_saved (GTK_WIDGET (window), row, group, settings,
                         "postgresql://db.example.org/caretrail?user=dso&sslmode=verify-full");
  assert_location_saved (GTK_WIDGET (window), row, group, settings, file);
  {
    g_autofree char *saved = NULL;

    apply_location (row, "   ");
    saved = g_settings_get_string (settings, "database");
    g_assert_cmpstr (saved, ==, "");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_set_string (settings, "database", "");
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/preferences/letters", test_letters);
  g_test_add_func ("/ui/preferences/procedure", test_procedure);
  g_test_add_func ("/ui/preferences/database", test_database);

  return g_test_run ();
}

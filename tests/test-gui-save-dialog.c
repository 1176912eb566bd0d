/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-save-dialog"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ct-case-documents.h"
#include "ct-document-samples.h"
#include "ct-document-window.h"
#include "ct-test-ui.h"

/* Saving a kept letter from its window offers the name that says which case
 * it is for, what it is and when it was made, in the user's Documents
 * folder (their home folder when they have none), never in the folder the
 * app was started from. */

static CtRecord *
kept_letter (const char *reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = ct_document_render_referral_letter (ct_document_sample_referral_letter (),
                                                              &error);
  g_autoptr(GDateTime) made = g_date_time_new_utc (2026, 12, 2, 10, 30, 0);
  CtRecord *document = ct_record_new (CT_RECORD_KIND_DOCUMENT);

  g_assert_no_error (error);
  ct_record_set_string (document, "kind", "referral-confirmation");
  ct_record_set_bytes (document, "pdf", pdf);
  ct_record_set_string (document, "case-reference", reference);
  ct_record_set_int64 (document, "generated-at", g_date_time_to_unix (made) * G_USEC_PER_SEC);
  return document;
}

static void
write_user_dirs (const char *config_home,
                 const char *documents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (config_home, "user-dirs.dirs", NULL);
  g_autofree char *text = g_strdup_printf ("XDG_DOCUMENTS_DIR=\"%s\"\n", documents);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_reload_user_special_dirs_cache ();
}

/* Opens the letter's window, asks to save, and returns the file chooser
 * that appears, with its offered folder and name. */
static void
open_save_dialog (const char  *reference,
                  char       **out_folder,
                  char       **out_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = kept_letter (reference);
  CtDocumentWindow *window = ct_document_window_new (document, &error);
  GtkWidget *chooser = NULL;
  g_autoptr(GFile) folder = NULL;

  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "document.save", NULL));

  for (guint i = 0; i < 100 && chooser == NULL; i++)
    {
      chooser = ct_test_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG);
      if (chooser == NULL)
        ct_test_ui_spin (50);
    }
  g_assert_nonnull (chooser);

  /* The chooser loads its folder in the background. */
  for (guint i = 0; i < 100 && folder == NULL; i++)
    {
      folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser));
      if (folder == NULL)
        ct_test_ui_spin (50);
    }
  g_assert_nonnull (folder);
  *out_folder = g_file_get_path (folder);
  *out_name = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));

  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  ct_test_ui_spin (100);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_starts_in_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_dir_make_tmp ("ct-save-dialog-XXXXXX", &error);
  g_autofree char *config = g_build_filename (scratch, "config", NULL);
  g_autofree char *documents = g_build_filename (scratch, "Papers", NULL);
  g_autofree char *started_in = g_build_filename (scratch, "started-here", NULL);
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *other_folder = NULL;
  g_autofree char *other_name = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (documents, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (started_in, 0700), ==, 0);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  write_user_dirs (config, documents);
  /* The app may be started from any folder; the dialog must not care. */
  g_assert_cmpint (g_chdir (started_in), ==, 0);

  open_save_dialog ("CT-2026-0042", &folder, &name);
  g_assert_cmpstr (folder, ==, documents);
  g_assert_cmpstr (name, ==, "CT-2026-0042 Referral confirmation 2026-12-02.pdf");

  /* Another child's letter is offered under another name. */
  open_save_dialog ("CT-2026-0043", &other_folder, &other_name);
  g_assert_cmpstr (other_folder, ==, documents);
  g_assert_cmpstr (other_name, ==, "CT-2026-0043 Referral confirmation 2026-12-02.pdf");
  g_assert_cmpstr (name, !=, other_name);
}

static void
test_falls_back_to_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_dir_make_tmp ("ct-save-dialog-XXXXXX", &error);
  g_autofree char *config = g_build_filename (scratch, "config", NULL);
  g_autofree char *missing = g_build_filename (scratch, "No such folder", NULL);
  g_autofree char *started_in = g_build_filename (scratch, "started-here", NULL);
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (started_in, 0700), ==, 0);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  write_user_dirs (config, missing);
  g_assert_cmpint (g_chdir (started_in), ==, 0);

  open_save_dialog ("CT-2026-0042", &folder, &name);
  g_assert_cmpstr (folder, ==, g_get_home_dir ());
  g_assert_cmpstr (folder, !=, started_in);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/save-dialog/starts-in-documents", test_starts_in_documents);
  g_test_add_func ("/ui/save-dialog/falls-back-to-home", test_falls_back_to_home);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-backups"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-application.h"
#include "ct-backup-banner.h"
#include "ct-backup-folder.h"
#include "ct-backups.h"
#include "ct-preferences-window.h"
#include "ct-store.h"
#include "ct-test-ui.h"
#include "ct-unlock-page.h"
#include "ct-window.h"

/*
 * Backups through the app, in-process: the overdue banner, Back Up Now in
 * Preferences with the newest N kept, the backup made as the window
 * closes when the last is a day old, and restoring from the main window
 * and from the unlock page, with the records kept aside and a file that
 * is not a backup refused.
 */

#define DAY (G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND)

static CtApplication *app;

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition    condition,
            gpointer     data,
            const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!condition (data))
    g_error ("Timed out waiting for %s", what);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static guint
count_backups (const char *folder)
{
  g_autoptr(GPtrArray) backups = ct_backup_folder_list (folder, NULL);

  return backups != NULL ? backups->len : 0;
}

static guint
count_kept_aside (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (strstr (name, ".before-restore-") != NULL && !g_str_has_suffix (name, "-wal"))
      n++;
  return n;
}

static GSettings *
fresh_settings (const char *folder)
{
  GSettings *settings = ct_application_get_settings (app);

  g_settings_set_string (settings, "backup-folder", folder != NULL ? folder : "");
  g_settings_set_int64 (settings, "last-backup", 0);
  g_settings_reset (settings, "backup-keep");
  g_settings_reset (settings, "backup-overdue-days");
  return settings;
}

/* Banner {{{ */

static void
test_banner (void)
{
  GSettings *settings = fresh_settings (NULL);
  g_autoptr(GSettings) banner_settings = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *banner = ct_backup_banner_new ();
  CtBackupBanner *b = CT_BACKUP_BANNER (banner);

  gtk_window_set_child (GTK_WINDOW (window), banner);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 100);
  gtk_window_present (GTK_WINDOW (window));

  /* No backup yet: overdue. */
  g_assert_true (ct_backup_banner_get_revealed (b));
  g_assert_cmpstr (ct_backup_banner_get_title (b), ==, "No backup has been made yet");
  g_assert_nonnull (ct_test_ui_find_by_label (banner, "Back up now"));

  /* Nine days ago, with a week allowed: still overdue, and says when. */
  g_settings_set_int64 (settings, "last-backup", now_seconds () - 9 * DAY - 60);
  ct_test_ui_spin (50);
  g_assert_true (ct_backup_banner_get_revealed (b));
  g_assert_cmpstr (ct_backup_banner_get_title (b), ==, "Last backup 9 days ago");
  ct_test_ui_wait_for_frame (window);
  ct_test_ui_screenshot (window, "backup-banner.png");

  /* Allowed a fortnight, it is not overdue. */
  g_settings_set_int (settings, "backup-overdue-days", 14);
  ct_test_ui_spin (50);
  g_assert_false (ct_backup_banner_get_revealed (b));

  /* A backup just made: not overdue. */
  g_settings_reset (settings, "backup-overdue-days");
  g_settings_set_int64 (settings, "last-backup", now_seconds ());
  ct_test_ui_spin (50);
  g_assert_false (ct_backup_banner_get_revealed (b));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* }}} */

/* Preferences {{{ */

typedef struct
{
  GSettings *settings;
  gint64     before;
} LastBackup;

static gboolean
backed_up (gpointer data)
{
  LastBackup *last = data;

  return g_settings_get_int64 (last->settings, "last-backup") > last->before &&
         !g_application_get_is_busy (G_APPLICATION (app));
}

static gboolean
error_shown (gpointer data)
{
  return ct_test_ui_find_error (data) != NULL;
}

static CtWorkflow *
load_workflow (CtStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  CtWorkflow *workflow = ct_workflow_new (store);

  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  return workflow;
}

static void
test_preferences_back_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-gui-backups-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "records.db", NULL);
  g_autofree char *folder = g_build_filename (dir, "stick", NULL);
  g_autofree char *missing = g_build_filename (dir, "unplugged", NULL);
  GSettings *settings = fresh_settings (NULL);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  CtPreferencesWindow *window;
  GtkWidget *row, *spin, *progress;
  LastBackup last = { settings, 0 };

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  store = ct_test_ui_set_up_office (db);
  workflow = load_workflow (store);

  window = ct_preferences_window_new (settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  ct_preferences_window_set_workflow (window, workflow);
  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "backups");

  /* With no folder chosen there is nothing to back up to. */
  g_assert_nonnull (ct_test_ui_find_text (GTK_WIDGET (window), "None chosen"));
  g_assert_nonnull (ct_test_ui_find_text (GTK_WIDGET (window), "No backup has been made yet"));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "backups.back-up", NULL) &&
                  g_settings_get_int64 (settings, "last-backup") != 0);

  /* The folder, as the file chooser leaves it. */
  g_settings_set_string (settings, "backup-folder", folder);
  ct_test_ui_spin (50);
  g_assert_nonnull (ct_test_ui_find_text (GTK_WIDGET (window), folder));

  /* Keep two: set on the row, applied at once. */
  spin = ct_test_ui_find_by_label (GTK_WIDGET (window), "Number of backups to keep");
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 2);
  g_assert_cmpint (g_settings_get_int (settings, "backup-keep"), ==, 2);

  /* Back Up Now: the progress shows while it runs. */
  progress = ct_test_ui_find_by_label (GTK_WIDGET (window), "Backup progress");
  g_assert_true (GTK_IS_PROGRESS_BAR (progress));
  for (guint i = 0; i < 3; i++)
    {
      last.before = g_settings_get_int64 (settings, "last-backup") - 1;
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backups.back-up", NULL));
      g_assert_true (gtk_widget_get_visible (progress));
      if (i == 0)
        {
          ct_test_ui_wait_for_frame (GTK_WIDGET (window));
          ct_test_ui_screenshot (GTK_WIDGET (window), "preferences-backups.png");
        }
      wait_until (backed_up, &last, "the backup");
      ct_test_ui_spin (20);
      g_assert_false (gtk_widget_get_visible (progress));
      g_assert_cmpuint (count_backups (folder), ==, MIN (i + 1, 2));
    }
  row = ct_test_ui_find_by_label (GTK_WIDGET (window), "Back up now");
  row = gtk_widget_get_ancestor (row, ADW_TYPE_ACTION_ROW);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Last backup less than a day ago");

  /* A folder that is not there (a stick not plugged in) is said so. */
  g_settings_set_string (settings, "backup-folder", missing);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "backups.back-up", NULL));
  wait_until (error_shown, window, "the error");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (ct_test_ui_find_error (GTK_WIDGET (window)))),
                            "is not there"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workflow);
  ct_store_close (store);
}

/* }}} */

/* The main window {{{ */

static gboolean
workflow_open (gpointer data)
{
  return ct_window_get_workflow (data) != NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
not_busy (gpointer data)
{
  return !g_application_get_is_busy (G_APPLICATION (app));
}

static CtWindow *
open_window (const char *db)
{
  CtWindow *window = ct_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, db);
  return window;
}

/* Takes the message dialog shown, checks its heading and closes it. */
static char *
take_dialog (const char *heading)
{
  GtkWidget *dialog;
  char *body;

  wait_until (dialog_shown, NULL, heading);
  dialog = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_test_message ("%s: %s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)),
                  adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, heading);
  body = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  gtk_window_destroy (GTK_WINDOW (dialog));
  return body;
}

static void
set_staff (GSettings  *settings,
           const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_sync (db, &error);
  g_autoptr(GPtrArray) staff = NULL;

  g_assert_no_error (error);
  staff = ct_store_list_sync (store, CT_RECORD_KIND_STAFF, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (staff->len, >=, 1);
  g_settings_set_string (settings, "staff-id", ct_record_get_id (g_ptr_array_index (staff, 0)));
  ct_store_close (store);
}

static void
test_back_up_on_close (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-gui-backups-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "records.db", NULL);
  g_autofree char *folder = g_build_filename (dir, "stick", NULL);
  GSettings *settings = fresh_settings (folder);
  CtWindow *window;
  CtStore *store;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  store = ct_test_ui_set_up_office (db);
  ct_store_close (store);
  g_object_unref (store);
  set_staff (settings, db);

  /* Never backed up: closing the window backs up, and the application
   * stays until it is done. */
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  g_application_hold (G_APPLICATION (app));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (g_application_get_is_busy (G_APPLICATION (app)));
  wait_until (not_busy, NULL, "the backup on close");
  g_application_release (G_APPLICATION (app));
  g_assert_cmpuint (count_backups (folder), ==, 1);
  g_assert_cmpint (now_seconds () - g_settings_get_int64 (settings, "last-backup"), <, 60);
  /* The records were closed after it: they open again. */
  {
    g_autoptr(CtStore) again = ct_store_open_sync (db, &error);

    g_assert_no_error (error);
    ct_store_close (again);
  }

  /* Backed up an hour ago: closing does not back up again. */
  g_settings_set_int64 (settings, "last-backup", now_seconds () - 3600);
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (g_application_get_is_busy (G_APPLICATION (app)));
  ct_test_ui_spin (200);
  g_assert_cmpuint (count_backups (folder), ==, 1);

  /* A day and more ago: it backs up. */
  g_settings_set_int64 (settings, "last-backup", now_seconds () - DAY - 60);
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  gtk_window_close (GTK_WINDOW (window));
  wait_until (not_busy, NULL, "the backup on close");
  g_assert_cmpuint (count_backups (folder), ==, 2);

  /* With no folder, the banner's button opens Preferences at Backups,
   * where one is chosen. */
  g_settings_set_string (settings, "backup-folder", "");
  g_settings_set_int64 (settings, "last-backup", 0);
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  {
    GtkWidget *banner = ct_test_ui_find_by_type (GTK_WIDGET (window), CT_TYPE_BACKUP_BANNER);
    GtkWidget *preferences;

    g_assert_nonnull (banner);
    g_assert_true (ct_backup_banner_get_revealed (CT_BACKUP_BANNER (banner)));
    ct_test_ui_wait_for_frame (GTK_WIDGET (window));
    ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-backup-overdue.png");
    g_assert_true (gtk_widget_activate_action (banner, "banner.back-up", NULL));
    preferences = ct_test_ui_find_toplevel (CT_TYPE_PREFERENCES_WINDOW);
    g_assert_nonnull (preferences);
    g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (preferences)),
                     ==, "backups");
    gtk_window_destroy (GTK_WINDOW (preferences));
  }
  gtk_window_close (GTK_WINDOW (window));
  g_settings_set_string (settings, "backup-folder", folder);

  /* A backup started from the window (its banner) goes on when the
   * window closes at once, and the records are closed after it. */
  g_settings_set_int64 (settings, "last-backup", now_seconds () - 60);
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  ct_backups_back_up_async (settings, ct_workflow_get_store (ct_window_get_workflow (window)),
                            NULL, NULL, NULL, NULL, NULL, NULL);
  gtk_window_close (GTK_WINDOW (window));
  wait_until (not_busy, NULL, "the backup started before closing");
  g_assert_cmpuint (count_backups (folder), ==, 3);
  {
    g_autoptr(CtStore) again = ct_store_open_sync (db, &error);

    g_assert_no_error (error);
    ct_store_close (again);
  }

  /* No folder chosen: nothing is attempted. */
  g_settings_set_string (settings, "backup-folder", "");
  g_settings_set_int64 (settings, "last-backup", 0);
  window = open_window (db);
  wait_until (workflow_open, window, "the records");
  gtk_window_close (GTK_WINDOW (window));
  g_assert_false (g_application_get_is_busy (G_APPLICATION (app)));
}

static void
test_restore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-gui-backups-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "records.db", NULL);
  g_autofree char *outside = g_dir_make_tmp ("ct-gui-backup-files-XXXXXX", &error);
  g_autofree char *backup = g_build_filename (outside, "good.ctbackup", NULL);
  g_autofree char *text = g_build_filename (outside, "letter.ctbackup", NULL);
  g_autofree char *body = NULL;
  GSettings *settings = fresh_settings (NULL);
  CtWindow *window;
  CtStore *store;
  GtkWidget *unlock;

  g_assert_no_error (error);
  store = ct_test_ui_set_up_office (db);
  g_assert_true (ct_store_backup_sync (store, backup, CT_BACKUP_NONE, &error));
  g_assert_no_error (error);
  ct_store_close (store);
  g_object_unref (store);
  set_staff (settings, db);
  g_assert_true (g_file_set_contents (text, "Dear parent,\n", -1, NULL));

  window = open_window (db);
  wait_until (workflow_open, window, "the records");

  /* A file that is not a backup is refused, the records untouched and
   * open again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.restore-backup", "s", text));
  body = take_dialog ("The Backup Was Not Restored");
  g_assert_nonnull (strstr (body, "is not a Caretrail backup"));
  wait_until (workflow_open, window, "the records to open again");
  g_assert_cmpuint (count_kept_aside (dir), ==, 0);
  g_clear_pointer (&body, g_free);

  /* Through Preferences: the backup is restored and the records it
   * replaced are kept aside. */
  {
    CtPreferencesWindow *preferences = ct_preferences_window_new (settings);

    gtk_window_set_transient_for (GTK_WINDOW (preferences), GTK_WINDOW (window));
    ct_preferences_window_set_workflow (preferences, ct_window_get_workflow (window));
    gtk_window_present (GTK_WINDOW (preferences));
    g_assert_true (gtk_widget_get_sensitive (ct_test_ui_find_by_label (GTK_WIDGET (preferences),
                                                                       "Restore from a backup")));
    /* A change still waiting to be saved is saved before the records
     * close for the restore (a failed save would warn, ending the test). */
    gtk_editable_set_text (GTK_EDITABLE (ct_test_ui_find_by_label (GTK_WIDGET (preferences),
                                                                   "Out-of-hours route")),
                           "Ring the duty team");
    ct_preferences_window_restore_backup (preferences, backup);
  }
  body = take_dialog ("The Backup Was Restored");
  g_assert_nonnull (strstr (body, ".before-restore-"));
  wait_until (workflow_open, window, "the restored records");
  g_assert_cmpuint (count_kept_aside (dir), ==, 1);
  g_clear_pointer (&body, g_free);
  gtk_window_destroy (GTK_WINDOW (window));
  ct_test_ui_spin (200);

  /* From the unlock page: the records file is damaged, and the backup
   * puts them back. */
  {
    g_autofree char *contents = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (db, &contents, &len, NULL));
    memset (contents, 'x', MIN (len, 200));
    g_assert_true (g_file_set_contents (db, contents, len, NULL));
  }
  window = open_window (db);
  ct_test_ui_wait_for_text (GTK_WIDGET (window), "Damaged");
  unlock = ct_test_ui_find_by_type (GTK_WIDGET (window), CT_TYPE_UNLOCK_PAGE);
  g_assert_nonnull (unlock);
  g_assert_true (GTK_IS_BUTTON (ct_test_ui_find_by_label (unlock, "Restore from a backup")));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "unlock-restore.png");
  g_assert_true (gtk_widget_activate_action (unlock, "win.restore-backup", "s", backup));
  body = take_dialog ("The Backup Was Restored");
  wait_until (workflow_open, window, "the restored records");
  g_assert_cmpuint (count_kept_aside (dir), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* }}} */

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
  g_application_set_default (G_APPLICATION (app));

  g_test_add_func ("/ui/backups/banner", test_banner);
  g_test_add_func ("/ui/backups/preferences", test_preferences_back_up);
  g_test_add_func ("/ui/backups/on-close", test_back_up_on_close);
  g_test_add_func ("/ui/backups/restore", test_restore);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}

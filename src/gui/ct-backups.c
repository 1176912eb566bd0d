/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-backups"

#include "config.h"

#include "ct-backups.h"

#include <glib/gi18n.h>

#include "ct-store-error.h"

/*
 * Backups made from the app, by the settings chosen in Preferences: the
 * folder ("backup-folder"), how many to keep ("backup-keep") and when one
 * is overdue ("backup-overdue-days"). "last-backup" records when the last
 * one was made. While a backup runs the application is held, so closing
 * the last window does not end it half-way.
 */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

typedef struct
{
  GSettings *settings;
  CtStore   *store;
  gboolean   close_store;
} BackUp;

/* The backups under way, so that a window closing while one runs leaves
 * its records open until it is done. Main thread only. */
static GPtrArray *running;

static void
back_up_free (BackUp *backup)
{
  GApplication *app = g_application_get_default ();

  g_ptr_array_remove (running, backup);

  if (backup->close_store)
    ct_store_close (backup->store);
  g_clear_object (&backup->settings);
  g_clear_object (&backup->store);
  g_free (backup);

  if (app != NULL)
    {
      g_application_unmark_busy (app);
      g_application_release (app);
    }
}

static void
on_backed_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BackUp *backup = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ct_backup_folder_back_up_finish (result, &error);

  if (path == NULL)
    {
      /* Whoever asked shows why; a backup made as the window closed has
       * no one to tell but the log, and the banner says it is overdue
       * next time. */
      if (backup->close_store)
        g_message ("The backup made on closing failed: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_settings_set_int64 (backup->settings, "last-backup", now_seconds ());
  /* Written before the application may end. */
  g_settings_sync ();
  g_debug ("Backed up to %s", path);
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static void
start_back_up (GSettings                  *settings,
               CtStore                    *store,
               gboolean                    close_store,
               CtBackupFolderProgressFunc  progress,
               gpointer                    progress_data,
               GDestroyNotify              progress_destroy,
               GCancellable               *cancellable,
               GAsyncReadyCallback         callback,
               gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *folder = g_settings_get_string (settings, "backup-folder");
  GApplication *app = g_application_get_default ();
  BackUp *backup;

  backup = g_new0 (BackUp, 1);
  backup->settings = g_object_ref (settings);
  backup->store = g_object_ref (store);
  backup->close_store = close_store;
  if (running == NULL)
    running = g_ptr_array_new ();
  g_ptr_array_add (running, backup);
  if (app != NULL)
    {
      g_application_hold (app);
      g_application_mark_busy (app);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_backups_back_up_async);
  g_task_set_task_data (task, backup, (GDestroyNotify) back_up_free);

  if (folder[0] == '\0')
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                               _("No backup folder has been chosen. Choose one in Preferences, "
                                 "for example on a USB stick or a network share."));
      return;
    }

  ct_backup_folder_back_up_async (store, folder, (guint) g_settings_get_int (settings, "backup-keep"),
                                  progress, progress_data, progress_destroy, cancellable,
                                  on_backed_up_cb, g_object_ref (task));
}

/**
 * ct_backups_back_up_async:
 * @settings: the application's settings
 * @store: the open records
 * @progress: (nullable): told how far the copy has got
 *
 * Backs @store up into the chosen backup folder, keeping the newest
 * backups as set, off the main thread, and records when it was done.
 */
void
ct_backups_back_up_async (GSettings                  *settings,
                          CtStore                    *store,
                          CtBackupFolderProgressFunc  progress,
                          gpointer                    progress_data,
                          GDestroyNotify              progress_destroy,
                          GCancellable               *cancellable,
                          GAsyncReadyCallback         callback,
                          gpointer                    user_data)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (CT_IS_STORE (store));

  start_back_up (settings, store, FALSE, progress, progress_data, progress_destroy, cancellable,
                 callback, user_data);
}

/**
 * ct_backups_back_up_finish:
 *
 * Returns: (transfer full): the new backup's path, or %NULL
 */
char *
ct_backups_back_up_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ct_backups_back_up_on_close:
 * @settings: the application's settings
 * @store: (transfer none): the records of a window that is closing
 *
 * If a backup folder is chosen and the last backup is a day old or more,
 * backs @store up and then closes it; the application stays running until
 * that is done. A backup of @store already under way closes it when done.
 * Otherwise does nothing.
 *
 * Returns: %TRUE if a backup is under way, and @store will be closed by it
 */
gboolean
ct_backups_back_up_on_close (GSettings *settings,
                             CtStore   *store)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (CT_IS_STORE (store), FALSE);

  /* One already under way closes the records when it is done. */
  for (guint i = 0; running != NULL && i < running->len; i++)
    {
      BackUp *backup = g_ptr_array_index (running, i);

      if (backup->store == store)
        {
          backup->close_store = TRUE;
          return TRUE;
        }
    }

  folder = g_settings_get_string (settings, "backup-folder");
  if (folder[0] == '\0' ||
      !ct_backup_is_automatic_due (g_settings_get_int64 (settings, "last-backup"), now_seconds ()))
    return FALSE;

  start_back_up (settings, store, TRUE, NULL, NULL, NULL, NULL, NULL, NULL);
  return TRUE;
}

/**
 * ct_backups_is_overdue:
 *
 * Returns: whether no backup has been made yet, or the last is older than
 *   the days set
 */
gboolean
ct_backups_is_overdue (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  return ct_backup_is_overdue (g_settings_get_int64 (settings, "last-backup"), now_seconds (),
                               (guint) g_settings_get_int (settings, "backup-overdue-days"));
}

/**
 * ct_backups_describe_last:
 *
 * Returns: (transfer full): when the last backup was made, as a sentence
 */
char *
ct_backups_describe_last (GSettings *settings)
{
  gint64 last;
  gint64 days;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  last = g_settings_get_int64 (settings, "last-backup");
  if (last <= 0)
    return g_strdup (_("No backup has been made yet"));

  days = (now_seconds () - last) / (G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND);
  if (days < 1)
    return g_strdup (_("Last backup less than a day ago"));
  /* Translators: %d is a number of days, 1 or more. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last backup %d day ago",
                                       "Last backup %d days ago", (gulong) days),
                          (int) days);
}

/* Restoring {{{ */

typedef struct
{
  GtkWidget       *target;
  GtkNativeDialog *chooser;
  GtkWindow       *close_after;
  char            *path;
} AskRestore;

static void
ask_restore_free (AskRestore *ask)
{
  g_clear_object (&ask->target);
  g_clear_object (&ask->close_after);
  g_clear_object (&ask->chooser);
  g_free (ask->path);
  g_free (ask);
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  AskRestore *ask = user_data;

  if (g_strcmp0 (response, "restore") == 0)
    {
      /* Closed first, so that what it saves as it closes reaches the
       * records before they are closed for the restore. */
      if (ask->close_after != NULL)
        gtk_window_close (ask->close_after);
      gtk_widget_activate_action (ask->target, "win.restore-backup", "s", ask->path);
    }
  ask_restore_free (ask);
}

static void
on_restore_chosen_cb (GtkNativeDialog *chooser,
                      int              response,
                      gpointer         user_data)
{
  AskRestore *ask = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *body = NULL;
  g_autofree char *name = NULL;
  GtkWidget *dialog;
  GtkRoot *root;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  if (file != NULL)
    ask->path = g_file_get_path (file);
  if (ask->path == NULL)
    {
      ask_restore_free (ask);
      return;
    }

  name = g_file_get_basename (file);
  body = g_strdup_printf (_("The records will be replaced by the backup “%s”, once it has been "
                            "checked. Anything recorded since that backup was made will not be "
                            "in them. The current records are kept beside them, renamed, and "
                            "never deleted."), name);
  root = ask->close_after != NULL ? GTK_ROOT (ask->close_after) : gtk_widget_get_root (ask->target);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Restore This Backup?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response_cb), ask);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * ct_backups_ask_restore:
 * @settings: the application's settings
 * @parent: the window the file chooser belongs to
 * @target: a widget in the main window, or the main window itself
 * @close_parent: whether to close @parent once the restore has started
 *
 * Asks for a backup file (through the file chooser portal in a sandbox),
 * starting in the backup folder, then for confirmation, and then
 * activates "win.restore-backup" on @target with the file's path.
 */
void
ct_backups_ask_restore (GSettings *settings,
                        GtkWindow *parent,
                        GtkWidget *target,
                        gboolean   close_parent)
{
  g_autoptr(GtkFileFilter) backups = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *folder = NULL;
  GtkFileChooserNative *chooser;
  AskRestore *ask;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (GTK_IS_WIDGET (target));

  chooser = gtk_file_chooser_native_new (_("Choose a Backup to Restore"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                         _("_Cancel"));
  gtk_file_filter_set_name (backups, _("Caretrail backups"));
  gtk_file_filter_add_suffix (backups, "ctbackup");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), backups);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  folder = g_settings_get_string (settings, "backup-folder");
  if (folder[0] != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GFile) dir = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), dir, NULL);
    }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  ask = g_new0 (AskRestore, 1);
  ask->target = g_object_ref (target);
  if (close_parent && parent != NULL)
    ask->close_after = g_object_ref (parent);
  ask->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect (chooser, "response", G_CALLBACK (on_restore_chosen_cb), ask);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* }}} */

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

static void
back_up_free (BackUp *backup)
{
  GApplication *app = g_application_get_default ();

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
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The backup failed: %s", error->message);
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
 * that is done. Otherwise does nothing.
 *
 * Returns: %TRUE if a backup was started, and @store will be closed by it
 */
gboolean
ct_backups_back_up_on_close (GSettings *settings,
                             CtStore   *store)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);
  g_return_val_if_fail (CT_IS_STORE (store), FALSE);

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

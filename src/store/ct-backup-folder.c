/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-backup-folder"

#include "config.h"

#include "ct-backup-folder.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-store-error.h"

/*
 * A backup folder holds backups named by when they were made, in UTC so
 * that the names sort in the order the backups were made whatever the
 * clocks did in between: "caretrail-20261202T031500Z.ctbackup". Only the
 * newest few are kept. A file whose writing failed part-way has a hidden
 * name that says so (see CtBackupTarget) and is never taken for a backup;
 * one left behind because the folder went away mid-copy is removed the
 * next time a backup is made there.
 */

#define NAME_PREFIX "caretrail-"
#define NAME_SUFFIX ".ctbackup"
/* A partial file older than this is not being written by anyone. */
#define STALE_PARTIAL_SECONDS (60 * 60)

/**
 * ct_backup_folder_make_name:
 * @when: when the backup is made
 *
 * Returns: (transfer full): the file name of a backup made at @when
 */
char *
ct_backup_folder_make_name (GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when);

  return g_date_time_format (utc, NAME_PREFIX "%Y%m%dT%H%M%SZ" NAME_SUFFIX);
}

/**
 * ct_backup_folder_is_backup_name:
 * @basename: a file name
 *
 * Returns: whether @basename is the name of a complete backup
 */
gboolean
ct_backup_folder_is_backup_name (const char *basename)
{
  g_return_val_if_fail (basename != NULL, FALSE);

  return g_str_has_prefix (basename, NAME_PREFIX) && g_str_has_suffix (basename, NAME_SUFFIX) &&
         !ct_backup_target_is_partial_name (basename);
}

/* The order backups were made in: by the time in the name, then by the
 * number added to a second backup made within the same second. */
static guint
get_name_number (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dash = strrchr (base, '-');

  /* "caretrail-…Z-2.ctbackup": the number follows the time's "Z-". */
  if (dash == NULL || dash == base || dash[-1] != 'Z')
    return 1;
  return (guint) g_ascii_strtoull (dash + 1, NULL, 10);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  const char *path_a = *(const char * const *) a;
  const char *path_b = *(const char * const *) b;
  const char *time_a = strrchr (path_a, 'Z');
  const char *time_b = strrchr (path_b, 'Z');
  gsize len_a = time_a != NULL ? (gsize) (time_a - path_a) : strlen (path_a);
  gsize len_b = time_b != NULL ? (gsize) (time_b - path_b) : strlen (path_b);
  int cmp = strncmp (path_a, path_b, MIN (len_a, len_b));
  guint n_a, n_b;

  if (cmp != 0 || len_a != len_b)
    return cmp != 0 ? cmp : (len_a < len_b ? -1 : 1);
  n_a = get_name_number (path_a);
  n_b = get_name_number (path_b);
  return n_a < n_b ? -1 : n_a > n_b ? 1 : 0;
}

static void
set_folder_error (GError     **error,
                  const char  *folder,
                  const char  *reason)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
               _("The backup folder “%s” cannot be read: %s. Check that the disk is connected, or choose another folder in Preferences."),
               folder, reason);
}

/**
 * ct_backup_folder_list:
 * @folder: a backup folder
 *
 * Returns: (transfer full) (element-type utf8): the paths of the complete
 *   backups in @folder, oldest first; or %NULL if it cannot be read
 */
GPtrArray *
ct_backup_folder_list (const char  *folder,
                       GError     **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (folder != NULL, NULL);

  dir = g_dir_open (folder, 0, &local_error);
  if (dir == NULL)
    {
      set_folder_error (error, folder, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!ct_backup_folder_is_backup_name (name))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }

  g_ptr_array_sort (paths, compare_paths);
  return g_steal_pointer (&paths);
}

/* Removes what failed backups left behind long enough ago that no backup
 * still running can own it. */
static void
remove_stale_partials (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!ct_backup_target_is_partial_name (name) ||
          !g_str_has_prefix (name, "." NAME_PREFIX))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64) st.st_mtime > STALE_PARTIAL_SECONDS)
        g_unlink (path);
    }
}

/**
 * ct_backup_folder_prune:
 * @folder: a backup folder
 * @keep: how many backups to keep, at least 1
 *
 * Removes the oldest backups in @folder, keeping the newest @keep, and
 * what failed backups left there. Files that are not Caretrail backups
 * are never touched.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_backup_folder_prune (const char  *folder,
                        guint        keep,
                        GError     **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (folder != NULL, FALSE);

  keep = MAX (keep, 1);
  backups = ct_backup_folder_list (folder, error);
  if (backups == NULL)
    return FALSE;

  for (guint i = 0; i + keep < backups->len; i++)
    {
      const char *path = g_ptr_array_index (backups, i);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The old backup “%s” could not be removed: %s. The new backup was made."),
                       path, g_strerror (saved_errno));
          return FALSE;
        }
    }

  remove_stale_partials (folder);
  return TRUE;
}

/**
 * ct_backup_folder_back_up_sync:
 * @store: the open records
 * @folder: the backup folder; it must exist
 * @keep: how many backups to keep
 * @progress: (nullable): told how far the copy has got, on the store's
 *   thread
 * @user_data: for @progress
 * @cancellable: (nullable): stops the copy
 *
 * Backs @store up into a new file in @folder (see
 * ct_store_backup_full_sync()), then removes the oldest backups beyond
 * @keep. A backup that fails or is stopped leaves no file that looks like
 * a backup.
 *
 * Returns: (transfer full): the path of the new backup, or %NULL
 */
char *
ct_backup_folder_back_up_sync (CtStore               *store,
                               const char            *folder,
                               guint                  keep,
                               CtBackupProgressFunc   progress,
                               gpointer               user_data,
                               GCancellable          *cancellable,
                               GError               **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *name = ct_backup_folder_make_name (now);
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup folder “%s” is not there. Connect the disk it is on, or choose another folder in Preferences."),
                   folder);
      return NULL;
    }

  /* A second backup within the same second is numbered after the last,
   * so that it sorts as the newest. */
  {
    g_autoptr(GPtrArray) existing = ct_backup_folder_list (folder, NULL);
    g_autofree char *stem = g_strndup (name, strlen (name) - strlen (NAME_SUFFIX));
    guint n = 1;

    if (existing != NULL && existing->len > 0)
      {
        const char *last = g_ptr_array_index (existing, existing->len - 1);
        g_autofree char *last_name = g_path_get_basename (last);

        if (g_str_has_prefix (last_name, stem))
          n = get_name_number (last) + 1;
      }

    for (;; n++)
      {
        g_autofree char *numbered = n == 1 ? g_strdup (name)
                                           : g_strdup_printf ("%s-%u" NAME_SUFFIX, stem, n);

        g_free (path);
        path = g_build_filename (folder, numbered, NULL);
        if (n >= 1000 || ct_backup_target_check (path, CT_BACKUP_NONE, NULL))
          break;
      }
  }

  if (!ct_store_backup_full_sync (store, path, CT_BACKUP_NONE, progress, user_data, cancellable,
                                  error))
    return NULL;

  /* The backup is made; an old one that cannot be removed is only
   * reported. */
  if (!ct_backup_folder_prune (folder, keep, &local_error))
    g_warning ("%s", local_error->message);

  return g_steal_pointer (&path);
}

/* Async {{{ */

typedef struct
{
  CtStore                    *store;
  char                       *folder;
  guint                       keep;
  GMainContext               *context;
  CtBackupFolderProgressFunc  progress;
  gpointer                    progress_data;
  GDestroyNotify              progress_destroy;
  int                         last_percent;
  int                         pending_percent;   /* atomic; -1 for none */
} BackUpData;

static void
back_up_data_free (BackUpData *data)
{
  g_clear_object (&data->store);
  g_free (data->folder);
  g_main_context_unref (data->context);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_free (data);
}

static gboolean
report_progress_cb (gpointer user_data)
{
  GTask *task = user_data;
  BackUpData *data = g_task_get_task_data (task);
  int percent = g_atomic_int_get (&data->pending_percent);

  if (percent >= 0 && data->progress != NULL && !g_task_get_completed (task))
    data->progress (percent / 100.0, data->progress_data);
  return G_SOURCE_REMOVE;
}

/* On the store's thread: passes whole percents on to the caller's thread. */
static gboolean
on_copy_progress_cb (guint64  done,
                     guint64  total,
                     gpointer user_data)
{
  GTask *task = user_data;
  BackUpData *data = g_task_get_task_data (task);
  int percent = total > 0 ? (int) (done * 100 / total) : 100;

  if (percent != data->last_percent)
    {
      data->last_percent = percent;
      g_atomic_int_set (&data->pending_percent, percent);
      g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress_cb,
                                  g_object_ref (task), g_object_unref);
    }
  return TRUE;
}

static void
back_up_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  BackUpData *data = task_data;
  GError *error = NULL;
  char *path;

  path = ct_backup_folder_back_up_sync (data->store, data->folder, data->keep,
                                        on_copy_progress_cb, task, cancellable, &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * ct_backup_folder_back_up_async:
 * @progress: (nullable): told how far the copy has got, on this thread
 *
 * Runs ct_backup_folder_back_up_sync() off this thread. The store and the
 * task are held until it is done, so the backup finishes even if whoever
 * asked for it goes away.
 */
void
ct_backup_folder_back_up_async (CtStore                    *store,
                                const char                 *folder,
                                guint                       keep,
                                CtBackupFolderProgressFunc  progress,
                                gpointer                    progress_data,
                                GDestroyNotify              progress_destroy,
                                GCancellable               *cancellable,
                                GAsyncReadyCallback         callback,
                                gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  BackUpData *data;

  g_return_if_fail (CT_IS_STORE (store));
  g_return_if_fail (folder != NULL);

  data = g_new0 (BackUpData, 1);
  data->store = g_object_ref (store);
  data->folder = g_strdup (folder);
  data->keep = keep;
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->last_percent = -1;
  data->pending_percent = -1;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_backup_folder_back_up_async);
  g_task_set_task_data (task, data, (GDestroyNotify) back_up_data_free);
  g_task_run_in_thread (task, back_up_thread);
}

/**
 * ct_backup_folder_back_up_finish:
 *
 * Returns: (transfer full): the path of the new backup, or %NULL
 */
char *
ct_backup_folder_back_up_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *database;
  char *backup;
  char *saved;
} RestoreData;

static void
restore_data_free (RestoreData *data)
{
  g_free (data->database);
  g_free (data->backup);
  g_free (data->saved);
  g_free (data);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *data = task_data;
  GError *error = NULL;

  if (ct_store_restore_sync (data->database, data->backup, &data->saved, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ct_backup_folder_restore_async:
 * @database: the records to replace; they must be closed
 * @backup: the backup to put in their place
 *
 * Runs ct_store_restore_sync() off this thread.
 */
void
ct_backup_folder_restore_async (const char          *database,
                                const char          *backup,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *data;

  g_return_if_fail (database != NULL);
  g_return_if_fail (backup != NULL);

  data = g_new0 (RestoreData, 1);
  data->database = g_strdup (database);
  data->backup = g_strdup (backup);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_backup_folder_restore_async);
  g_task_set_task_data (task, data, (GDestroyNotify) restore_data_free);
  /* Once started, a restore runs to its end: stopping it half-way could
   * leave the records moved aside and nothing in their place. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, restore_thread);
}

/**
 * ct_backup_folder_restore_finish:
 * @out_saved_path: (out) (optional): where the replaced records were
 *   kept, or %NULL if there were none
 *
 * Returns: %TRUE if the backup was restored
 */
gboolean
ct_backup_folder_restore_finish (GAsyncResult  *result,
                                 char         **out_saved_path,
                                 GError       **error)
{
  RestoreData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (out_saved_path != NULL)
    *out_saved_path = g_steal_pointer (&data->saved);
  return TRUE;
}

/* }}} */

/* Rules {{{ */

/**
 * ct_backup_is_automatic_due:
 * @last_backup: when the last backup was made, in seconds since 1970, or 0
 *   for never
 * @now: the time now, in the same units
 *
 * Whether closing Caretrail should make a backup by itself: none was made
 * yet, the last is a day old or more, or the clock has gone back past it.
 */
gboolean
ct_backup_is_automatic_due (gint64 last_backup,
                            gint64 now)
{
  return last_backup <= 0 || now < last_backup ||
         now - last_backup >= CT_BACKUP_AUTOMATIC_INTERVAL;
}

/**
 * ct_backup_is_overdue:
 * @last_backup: when the last backup was made, in seconds since 1970, or 0
 *   for never
 * @now: the time now
 * @overdue_days: after how many days without one a backup is overdue
 *
 * Whether to warn that the records need backing up: there is no backup
 * yet, or the last is older than @overdue_days.
 */
gboolean
ct_backup_is_overdue (gint64 last_backup,
                      gint64 now,
                      guint  overdue_days)
{
  return last_backup <= 0 ||
         now - last_backup > (gint64) overdue_days * (G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND);
}

/* }}} */

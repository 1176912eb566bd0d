/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-backup"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/mount.h>
#include <utime.h>

#include "ct-backup-folder.h"
#include "ct-store-error.h"
#include "test-store-util.h"

/*
 * Backups into a folder and restores from one: the newest N are kept, a
 * copy that fails part-way (a full disk, a folder that goes away) leaves
 * nothing that looks like a backup, the automatic backup's rule, and each
 * kind of file a restore refuses, with the records left untouched.
 */

#define DAY (G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND)

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names of the files in @dir, sorted, joined by spaces. */
static char *
list_names (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return g_strdup ("");
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static guint
count_backups (const char *dir)
{
  g_autoptr(GPtrArray) backups = ct_backup_folder_list (dir, NULL);

  return backups != NULL ? backups->len : 0;
}

static void
touch (const char *path,
       gint64      mtime)
{
  struct utimbuf times = { (time_t) mtime, (time_t) mtime };

  g_assert_true (g_file_set_contents (path, "x", -1, NULL));
  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
add_records (CtStore *store,
             guint    n)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);
      g_autofree char *text = g_strnfill (1500, 'a' + i % 26);

      ct_record_set_string (task, "title", text);
      g_assert_true (ct_store_insert_sync (store, "test", task, &error));
      g_assert_no_error (error);
    }
}

/* Names {{{ */

static void
test_names (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/London");
  g_autoptr(GDateTime) summer = g_date_time_new (tz, 2026, 7, 1, 9, 5, 3);
  g_autofree char *name = ct_backup_folder_make_name (summer);

  /* In UTC, so the names sort in the order the backups were made. */
  g_assert_cmpstr (name, ==, "caretrail-20260701T080503Z.ctbackup");
  g_assert_true (ct_backup_folder_is_backup_name (name));
  g_assert_false (ct_backup_folder_is_backup_name (".caretrail-20260701T080503Z.ctbackup.partial-Ab12Cd"));
  g_assert_false (ct_backup_folder_is_backup_name ("holiday.jpg"));
  g_assert_false (ct_backup_folder_is_backup_name ("caretrail.db"));
}

/* }}} */

/* Rotation {{{ */

static void
test_prune (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-backup-XXXXXX", &error);
  g_autofree char *names = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *files[] = {
    "caretrail-20261101T100000Z.ctbackup",
    "caretrail-20261102T100000Z.ctbackup",
    "caretrail-20261103T100000Z.ctbackup",
    "caretrail-20261103T100000Z-2.ctbackup",
    "caretrail-20261103T100000Z-10.ctbackup",
    "caretrail-20261104T100000Z.ctbackup",
  };

  g_assert_no_error (error);
  /* Written out of order: the order is the names', not the disk's. */
  for (int i = G_N_ELEMENTS (files) - 1; i >= 0; i--)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      touch (path, now);
    }
  /* Not ours, and a partial file still being written: both left alone. A
   * partial file from a copy that failed long ago is removed. */
  {
    g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *fresh = g_build_filename (dir, ".caretrail-20261105T100000Z.ctbackup.partial-AAAAAA", NULL);
    g_autofree char *stale = g_build_filename (dir, ".caretrail-20261001T100000Z.ctbackup.partial-BBBBBB", NULL);

    touch (other, now - 30 * DAY);
    touch (fresh, now);
    touch (stale, now - 2 * DAY);
  }

  g_assert_cmpuint (count_backups (dir), ==, 6);
  g_assert_true (ct_backup_folder_prune (dir, 3, &error));
  g_assert_no_error (error);
  names = list_names (dir);
  g_assert_cmpstr (names, ==,
                   ".caretrail-20261105T100000Z.ctbackup.partial-AAAAAA "
                   "caretrail-20261103T100000Z-10.ctbackup "
                   "caretrail-20261103T100000Z-2.ctbackup "
                   "caretrail-20261104T100000Z.ctbackup "
                   "notes.txt");

  /* Keeping none is keeping one. */
  g_assert_true (ct_backup_folder_prune (dir, 0, &error));
  g_clear_pointer (&names, g_free);
  names = list_names (dir);
  g_assert_cmpstr (names, ==,
                   ".caretrail-20261105T100000Z.ctbackup.partial-AAAAAA "
                   "caretrail-20261104T100000Z.ctbackup notes.txt");

  remove_tree (dir);
}

static gboolean
on_progress_cb (guint64  done,
                guint64  total,
                gpointer user_data)
{
  GArray *seen = user_data;
  double fraction = total > 0 ? (double) done / total : 1;

  g_array_append_val (seen, fraction);
  return TRUE;
}

static void
test_back_up_and_keep (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (fixture->dir, "backups", NULL);
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *first = NULL;

  add_records (fixture->store, 300);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  first = ct_backup_folder_back_up_sync (fixture->store, folder, 2, on_progress_cb, seen, NULL,
                                         &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  /* Progress came in steps, ending at the whole file. */
  g_assert_cmpuint (seen->len, >=, 2);
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = ct_backup_folder_back_up_sync (fixture->store, folder, 2, NULL, NULL,
                                                             NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }

  /* Only the newest two are kept, and the first is gone. */
  backups = ct_backup_folder_list (folder, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 2);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));

  /* Each is a whole database that verifies. */
  for (guint i = 0; i < backups->len; i++)
    {
      g_autoptr(CtStore) copy = ct_store_open_read_only_sync (g_ptr_array_index (backups, i), &error);

      g_assert_no_error (error);
      g_assert_true (ct_store_verify_sync (copy, NULL, &error));
      g_assert_no_error (error);
      ct_store_close (copy);
    }
}

static gboolean
on_cancel_progress_cb (guint64  done,
                       guint64  total,
                       gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return TRUE;
}

static void
test_cancel (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (fixture->dir, "backups", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = NULL;
  g_autofree char *names = NULL;

  add_records (fixture->store, 300);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  path = ct_backup_folder_back_up_sync (fixture->store, folder, 10, on_cancel_progress_cb,
                                        cancellable, cancellable, &error);
  g_assert_null (path);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  names = list_names (folder);
  g_assert_cmpstr (names, ==, "");
}

/* }}} */

/* A copy that fails part-way {{{ */

/* A backup that fails leaves no file with a backup's name, and no partial
 * file either when the folder is still there to clean up. */
static void
assert_nothing_complete (const char *folder)
{
  g_autofree char *names = list_names (folder);

  g_test_message ("left in %s: “%s”", folder, names);
  g_assert_cmpuint (count_backups (folder), ==, 0);
  g_assert_null (strstr (names, ".ctbackup "));
  g_assert_false (g_str_has_suffix (names, ".ctbackup"));
}

static void
test_disk_full (StoreFixture  *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (fixture->dir, "stick", NULL);
  g_autofree char *path = NULL;
  g_autofree char *names = NULL;
  GStatBuf st;

  add_records (fixture->store, 400);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_test_message ("database: %" G_GINT64_FORMAT " bytes", (gint64) st.st_size);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  if (mount ("tmpfs", folder, "tmpfs", 0, "size=64k") != 0)
    {
      g_test_skip_printf ("a small tmpfs cannot be mounted here (%s)", g_strerror (errno));
      return;
    }

  path = ct_backup_folder_back_up_sync (fixture->store, folder, 10, NULL, NULL, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL);
  g_test_message ("full disk: %s", error->message);
  g_assert_nonnull (strstr (error->message, "the disk is full"));
  g_assert_null (strstr (error->message, ".partial-"));
  /* Cleaned up: nothing at all is left on the disk. */
  names = list_names (folder);
  g_assert_cmpstr (names, ==, "");

  /* The records are fine, and back up elsewhere. */
  g_clear_error (&error);
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (umount (folder), ==, 0);
}

typedef struct
{
  const char *folder;
  const char *gone;
  gboolean    pulled;
} PullData;

/* Takes the folder away while the copy is being written, as pulling out a
 * USB stick does. */
static gboolean
on_pull_progress_cb (guint64  done,
                     guint64  total,
                     gpointer user_data)
{
  PullData *pull = user_data;

  if (!pull->pulled && done > 0 && done < total)
    {
      g_assert_cmpint (g_rename (pull->folder, pull->gone), ==, 0);
      pull->pulled = TRUE;
    }
  return TRUE;
}

static void
test_folder_vanishes (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (fixture->dir, "stick", NULL);
  g_autofree char *gone = g_build_filename (fixture->dir, "stick-elsewhere", NULL);
  g_autofree char *path = NULL;
  g_autofree char *names = NULL;
  PullData pull = { folder, gone, FALSE };

  add_records (fixture->store, 400);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  path = ct_backup_folder_back_up_sync (fixture->store, folder, 10, on_pull_progress_cb, &pull,
                                        NULL, &error);
  g_assert_true (pull.pulled);
  g_assert_null (path);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO);
  g_test_message ("folder gone: %s", error->message);
  g_assert_nonnull (strstr (error->message, "No backup was left there"));
  g_clear_error (&error);

  /* Where the folder went, what was written has a name that says it is
   * partial; nothing is where the folder was. */
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  assert_nothing_complete (gone);
  names = list_names (gone);
  g_assert_true (g_str_has_prefix (names, ".caretrail-"));
  g_assert_nonnull (strstr (names, ".partial-"));

  /* Put back in, the next backup works, and what the failed one left is
   * removed once it is old. */
  g_assert_cmpint (g_rename (gone, folder), ==, 0);
  {
    g_auto(GStrv) left = g_strsplit (names, " ", -1);
    struct utimbuf old = { time (NULL) - 2 * DAY, time (NULL) - 2 * DAY };

    for (guint i = 0; left[i] != NULL; i++)
      {
        g_autofree char *partial = g_build_filename (folder, left[i], NULL);

        g_assert_cmpint (utime (partial, &old), ==, 0);
      }
  }
  path = ct_backup_folder_back_up_sync (fixture->store, folder, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&names, g_free);
  names = list_names (folder);
  g_assert_cmpuint (count_backups (folder), ==, 1);
  g_assert_null (strstr (names, ".partial-"));
}

static void
test_folder_missing (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (fixture->dir, "not-plugged-in", NULL);
  g_autofree char *path = NULL;

  path = ct_backup_folder_back_up_sync (fixture->store, folder, 10, NULL, NULL, NULL, &error);
  g_assert_null (path);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "is not there"));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

/* }}} */

/* Rules {{{ */

static void
test_rules (void)
{
  gint64 now = 1796000000;

  /* Closing backs up when there is none, or the last is a day old. */
  g_assert_true (ct_backup_is_automatic_due (0, now));
  g_assert_false (ct_backup_is_automatic_due (now - 60, now));
  g_assert_false (ct_backup_is_automatic_due (now - DAY + 1, now));
  g_assert_true (ct_backup_is_automatic_due (now - DAY, now));
  g_assert_true (ct_backup_is_automatic_due (now - 9 * DAY, now));
  /* A clock put back past the last backup does not stop backups. */
  g_assert_true (ct_backup_is_automatic_due (now + DAY, now));

  /* Overdue: none yet, or older than the days allowed. */
  g_assert_true (ct_backup_is_overdue (0, now, 7));
  g_assert_false (ct_backup_is_overdue (now - 7 * DAY, now, 7));
  g_assert_true (ct_backup_is_overdue (now - 7 * DAY - 1, now, 7));
  g_assert_true (ct_backup_is_overdue (now - 9 * DAY, now, 7));
  g_assert_false (ct_backup_is_overdue (now - 9 * DAY, now, 14));
}

/* }}} */

/* Refused restores {{{ */

static void
assert_restore_refused (StoreFixture *fixture,
                        const char   *backup,
                        int           code,
                        const char   *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = snapshot_dir (fixture->dir);
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *saved = NULL;

  g_assert_false (ct_store_restore_sync (fixture->path, backup, &saved, &error));
  g_assert_error (error, CT_STORE_ERROR, code);
  g_test_message ("%s: %s", backup, error->message);
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message, "Nothing has been changed"));
  g_assert_null (saved);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_restore_refusals (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *outside = g_dir_make_tmp ("ct-backup-files-XXXXXX", &error);
  g_autofree char *good = g_build_filename (outside, "good.ctbackup", NULL);
  g_autofree char *text = g_build_filename (outside, "minutes.ctbackup", NULL);
  g_autofree char *other_db = g_build_filename (outside, "other.db", NULL);
  g_autofree char *other = g_build_filename (outside, "other.ctbackup", NULL);
  g_autofree char *damaged = g_build_filename (outside, "damaged.ctbackup", NULL);
  g_autofree char *newer = g_build_filename (outside, "newer.ctbackup", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  add_records (fixture->store, 50);
  g_assert_true (ct_store_backup_sync (fixture->store, good, CT_BACKUP_NONE, &error));
  g_assert_no_error (error);

  /* Another organisation's records, made on this computer. */
  {
    g_autoptr(CtStore) other_store = ct_store_create_sync (other_db, NULL, &error);

    g_assert_no_error (error);
    add_records (other_store, 5);
    g_assert_true (ct_store_backup_sync (other_store, other, CT_BACKUP_NONE, &error));
    g_assert_no_error (error);
    ct_store_close (other_store);
  }

  g_assert_true (g_file_set_contents (text, "Minutes of the trustees' meeting\n", -1, NULL));

  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  contents[len - 100] ^= 0x55;
  g_assert_true (g_file_set_contents (damaged, contents, len, NULL));

  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (newer, contents, len, NULL));
  raw_exec (newer, "PRAGMA user_version = 9999");

  store_fixture_close (fixture);

  assert_restore_refused (fixture, text, CT_STORE_ERROR_NOT_A_DATABASE, "is not a Caretrail backup");
  assert_restore_refused (fixture, other, CT_STORE_ERROR_FOREIGN_DATABASE, "is a backup of other records");
  assert_restore_refused (fixture, newer, CT_STORE_ERROR_TOO_NEW, "made by a newer version of Caretrail");
  {
    g_autoptr(GError) damage = NULL;
    g_autoptr(GHashTable) before = snapshot_dir (fixture->dir);
    g_autoptr(GHashTable) after = NULL;

    g_assert_false (ct_store_restore_sync (fixture->path, damaged, NULL, &damage));
    g_assert_true (g_error_matches (damage, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT) ||
                   g_error_matches (damage, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED));
    g_test_message ("damaged: %s", damage->message);
    g_assert_nonnull (strstr (damage->message, "is damaged"));
    after = snapshot_dir (fixture->dir);
    assert_snapshots_equal (before, after);
  }

  /* The good one is restored, the records kept aside, never deleted. */
  g_assert_true (ct_store_restore_sync (fixture->path, good, &saved, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (saved, ".before-restore-"));

  /* A second restore at once (within the same second) keeps its own copy
   * aside: the first one kept is not replaced. */
  {
    g_autofree char *saved_again = NULL;
    g_autofree char *first_contents = NULL;
    g_autofree char *first_after = NULL;
    gsize first_len = 0, after_len = 0;

    g_assert_true (g_file_get_contents (saved, &first_contents, &first_len, NULL));
    g_assert_true (ct_store_restore_sync (fixture->path, good, &saved_again, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (saved_again, !=, saved);
    g_assert_true (g_file_test (saved_again, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_get_contents (saved, &first_after, &after_len, NULL));
    g_assert_cmpmem (first_contents, first_len, first_after, after_len);
  }
  store_fixture_reopen (fixture);

  remove_tree (outside);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  require_private_session ();

  g_test_add_func ("/store/backup/names", test_names);
  g_test_add_func ("/store/backup/prune", test_prune);
  g_test_add_func ("/store/backup/rules", test_rules);
  g_test_add ("/store/backup/keep-last", StoreFixture, NULL, store_fixture_set_up,
              test_back_up_and_keep, store_fixture_tear_down);
  g_test_add ("/store/backup/cancel", StoreFixture, NULL, store_fixture_set_up,
              test_cancel, store_fixture_tear_down);
  g_test_add ("/store/backup/disk-full", StoreFixture, NULL, store_fixture_set_up,
              test_disk_full, store_fixture_tear_down);
  g_test_add ("/store/backup/folder-vanishes", StoreFixture, NULL, store_fixture_set_up,
              test_folder_vanishes, store_fixture_tear_down);
  g_test_add ("/store/backup/folder-missing", StoreFixture, NULL, store_fixture_set_up,
              test_folder_missing, store_fixture_tear_down);
  g_test_add ("/store/restore/refusals", StoreFixture, NULL, store_fixture_set_up,
              test_restore_refusals, store_fixture_tear_down);

  return g_test_run ();
}

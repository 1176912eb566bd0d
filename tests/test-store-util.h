/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the store's tests. */

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct-store.h"

/* The store's tests write keys into the keyring, and one locks it: they
 * must only ever run in the private session tests/run-in-session.sh makes,
 * never against a person's own keyring. */
static inline void
require_private_session (void)
{
  if (g_strcmp0 (g_getenv ("CARETRAIL_IN_SESSION"), "1") != 0)
    {
      g_printerr ("These tests touch the keyring; run them with “meson test” or tests/run-in-session.sh.\n");
      exit (77);
    }
}

/* Whether the store's tests run against a PostgreSQL server (started by
 * tests/pg-run.sh) rather than a file: set CARETRAIL_TEST_BACKEND to
 * "postgresql". */
static inline gboolean
store_test_on_server (void)
{
  return g_strcmp0 (g_getenv ("CARETRAIL_TEST_BACKEND"), "postgresql") == 0;
}

/* Where a test's new database goes: a file in @dir, or a new, empty
 * database on the test's PostgreSQL cluster. */
static inline char *
store_test_new_location (const char *dir)
{
  static gint counter;
  const char *bindir = g_getenv ("CARETRAIL_TEST_PG_BINDIR");
  const char *socket_dir = g_getenv ("CARETRAIL_TEST_PG_SOCKET");
  const char *user = g_getenv ("CARETRAIL_TEST_PG_USER");
  g_autofree char *name = NULL;
  g_autofree char *createdb = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!store_test_on_server ())
    return g_build_filename (dir, "caretrail.db", NULL);

  if (bindir == NULL || socket_dir == NULL || user == NULL)
    {
      g_printerr ("Run the server variant of this test with tests/pg-run.sh.\n");
      exit (77);
    }

  name = g_strdup_printf ("ct_test_%d_%d", (int) getpid (), g_atomic_int_add (&counter, 1));
  createdb = g_build_filename (bindir, "createdb", NULL);
  {
    const char *argv[] = { createdb, "-h", socket_dir, "-U", user, name, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &err, &status, &error));
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("createdb failed: %s", err);

  escaped = g_uri_escape_string (socket_dir, NULL, FALSE);
  return g_strdup_printf ("postgresql://%s/%s?user=%s", escaped, name, user);
}

typedef struct
{
  char *dir;
  char *path;
  char *recovery_code;
  CtStore *store;
} StoreFixture;

static inline void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ct-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = store_test_new_location (fixture->dir);
  fixture->store = ct_store_create_sync (fixture->path, &fixture->recovery_code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static inline void
store_fixture_close (StoreFixture *fixture)
{
  if (fixture->store != NULL)
    {
      ct_store_close (fixture->store);
      g_clear_object (&fixture->store);
    }
}

static inline void
store_fixture_reopen (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  store_fixture_close (fixture);
  fixture->store = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static inline void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR))
          remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

static inline void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  store_fixture_close (fixture);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->recovery_code);
}

/* Every file in @dir with a checksum of its bytes: equal snapshots mean
 * nothing on disk changed. The database and its WAL are compared byte for
 * byte. */
static inline GHashTable *
snapshot_dir (const char *path)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      /* SQLite's shared-memory index of an open WAL changes whenever a
       * connection looks at it; it holds no data. */
      if (g_str_has_suffix (name, "-shm"))
        continue;

      g_assert_true (g_file_get_contents (child, &contents, &len, NULL));
      g_hash_table_insert (files, g_strdup (name),
                           g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *)contents, len));
    }

  return files;
}

static inline void
assert_snapshots_equal (GHashTable *before,
                        GHashTable *after)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *now = g_hash_table_lookup (after, key);

      if (g_strcmp0 (now, value) != 0)
        g_error ("%s changed on disk (%s -> %s)", (const char *)key, (const char *)value,
                 now != NULL ? now : "removed");
    }

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (before, key))
      g_error ("%s appeared on disk", (const char *)key);
}

/* Runs SQL on the file directly, as an attacker with the file would. */
static inline void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("raw SQL failed: %s: %s", sql, message);
  sqlite3_close (db);
}

static inline gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;

  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

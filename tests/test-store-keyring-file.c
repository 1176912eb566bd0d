/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-keyring-file"

#include "config.h"

#include <libsecret/secret.h>

#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-store.h"
#include "test-store-util.h"

/*
 * The keyring as a Flatpak has it: libsecret's file keyring, whose
 * password the Secret portal gives. Here the password comes from
 * SECRET_FILE_TEST_PASSWORD and the file lives in a folder of the test's
 * own, beside the session's real GNOME Keyring, which must stay untouched.
 *
 * libsecret reads the file once per process and keeps its items in
 * memory, as the app does. So each step that needs another password, or a
 * file moved aside, runs in a fresh process, as it would after the user
 * starts Caretrail again, and the parent never uses the keyring after one
 * of them has written to it.
 */

#define PASSWORD "the-password-the-portal-gave"
#define OTHER_PASSWORD "the-password-after-a-keyring-reset"

static char *keyring_dir;
static char *keyring_path;

static const SecretSchema key_schema = {
  "org.caretrail.Caretrail.MasterKey", SECRET_SCHEMA_NONE,
  { { "database-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

static const SecretSchema mark_schema = {
  "org.caretrail.Caretrail.AuditMark", SECRET_SCHEMA_NONE,
  { { "database-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/* How many items of @schema the session's Secret Service holds. */
static guint
count_secret_service_items (const SecretSchema *schema)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  guint n;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  items = secret_service_search_sync (service, schema, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

static gboolean
contains (GBytes     *haystack,
          const void *needle,
          gsize       needle_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (haystack, &len);

  return needle_len > 0 && memmem (data, len, needle, needle_len) != NULL;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Closing the store and opening it again reads the key back from the
 * file keyring, and the high-water mark written beside it; the Secret
 * Service is never asked. */
static void
test_reopen (StoreFixture  *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autofree char *mac_hex = NULL;
  gboolean found = FALSE;
  gint64 count = 0;

  for (int i = 0; i < 3; i++)
    store_fixture_reopen (fixture);
  store_fixture_close (fixture);

  g_assert_cmpint (ct_keyring_get_state (uuid), ==, CT_KEYRING_STATE_PRESENT);
  g_assert_true (ct_keyring_lookup_mark (uuid, &found, &count, &mac_hex, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (count, >, 0);
  g_assert_cmpuint (strlen (mac_hex), ==, 64);

  /* The mark is written after the key: both are still there, apart. */
  store_fixture_reopen (fixture);
  g_assert_cmpint (ct_keyring_get_state (uuid), ==, CT_KEYRING_STATE_PRESENT);

  g_assert_true (g_file_test (keyring_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_secret_service_items (&key_schema), ==, 0);
  g_assert_cmpuint (count_secret_service_items (&mark_schema), ==, 0);
}

/* The file keyring holds nothing readable: not the key (in base64 or raw),
 * not the database it belongs to, not the item labels or the mark, and
 * only its owner can read it. */
static void
test_no_plaintext (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autoptr(CtKey) key = NULL;
  char *key_text;
  const char *names[] = { keyring_path, NULL, NULL };
  g_autofree char *backup = g_strconcat (keyring_path, "~", NULL);
  GStatBuf st;

  store_fixture_close (fixture);
  key = ct_keyring_lookup_key (uuid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  key_text = ct_key_to_base64 (key);

  /* libsecret keeps the file's previous version beside it. */
  if (g_file_test (backup, G_FILE_TEST_EXISTS))
    names[1] = backup;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GBytes) bytes = read_file (names[i]);

      g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", names[i], g_bytes_get_size (bytes));
      g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
      g_assert_false (contains (bytes, key_text, strlen (key_text)));
      g_assert_false (contains (bytes, key->bytes, sizeof key->bytes));
      g_assert_false (contains (bytes, uuid, strlen (uuid)));
      g_assert_false (contains (bytes, "Caretrail", strlen ("Caretrail")));
      g_assert_false (contains (bytes, "caretrail", strlen ("caretrail")));
      g_assert_false (contains (bytes, fixture->recovery_code, strlen (fixture->recovery_code)));
      g_assert_false (contains (bytes, PASSWORD, strlen (PASSWORD)));

      g_assert_cmpint (g_stat (names[i], &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0077, ==, 0);
    }

  ct_crypto_free_string (key_text);
}

typedef struct
{
  char *uuid;
  guint8 mac[32];
  gboolean ok;
} MarkWriter;

/* Writes and reads back a mark of its own database, many times. */
static gpointer
write_marks (gpointer data)
{
  MarkWriter *writer = data;

  writer->ok = TRUE;
  for (gint64 count = 1; count <= 40 && writer->ok; count++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *mac_hex = NULL;
      g_autoptr(GString) expected_hex = g_string_new (NULL);
      gboolean found = FALSE;
      gint64 read_count = 0;

      writer->mac[0] = (guint8) count;
      for (gsize i = 0; i < sizeof writer->mac; i++)
        g_string_append_printf (expected_hex, "%02x", writer->mac[i]);
      if (!ct_keyring_store_mark (writer->uuid, count, writer->mac, sizeof writer->mac, &error) ||
          !ct_keyring_lookup_mark (writer->uuid, &found, &read_count, &mac_hex, &error))
        {
          g_printerr ("%s: %s\n", writer->uuid, error->message);
          writer->ok = FALSE;
        }
      else if (!found || read_count != count || g_strcmp0 (mac_hex, expected_hex->str) != 0)
        {
          g_printerr ("%s: wrote mark %" G_GINT64_FORMAT ", read back %s %" G_GINT64_FORMAT " %s\n",
                      writer->uuid, count, found ? "mark" : "no mark", read_count, mac_hex);
          writer->ok = FALSE;
        }
    }
  return NULL;
}

/* Stores write their marks from their worker threads while other threads
 * ask the keyring too. libsecret's file keyring is one object per process
 * that every write replaces: each thread still reads back exactly what it
 * wrote, and nothing it held is freed under it. */
static void
test_threads (void)
{
  MarkWriter writers[4];
  GThread *threads[G_N_ELEMENTS (writers)];

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      writers[i].uuid = g_uuid_string_random ();
      for (gsize b = 0; b < sizeof writers[i].mac; b++)
        writers[i].mac[b] = (guint8) (i * 32 + b);
      threads[i] = g_thread_new ("mark-writer", write_marks, &writers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_autoptr(GError) error = NULL;

      g_thread_join (threads[i]);
      g_assert_true (writers[i].ok);
      g_assert_true (ct_keyring_delete_mark (writers[i].uuid, &error));
      g_assert_no_error (error);
      g_free (writers[i].uuid);
    }
}

/* With another password the file opens to nothing: that is a locked
 * keyring, with its own message, and neither the database nor the file
 * changes, even when a recovery is tried. */
static void
test_wrong_password_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  const char *path = g_getenv ("CT_TEST_DATABASE");
  g_autofree char *new_path = g_strconcat (path, "-new", NULL);

  store = ct_store_open_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, keyring_path));
  g_assert_nonnull (strstr (error->message, "recovery code"));
  g_clear_error (&error);

  store = ct_store_open_read_only_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  /* Nothing is written to a keyring that does not open. */
  g_assert_false (ct_store_recover_sync (path, g_getenv ("CT_TEST_CODE"), &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);

  store = ct_store_create_sync (new_path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  g_assert_false (g_file_test (new_path, G_FILE_TEST_EXISTS));
}

static void
test_wrong_password (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) db_before = NULL;
  g_autoptr(GHashTable) db_after = NULL;
  g_autoptr(GHashTable) keyring_before = NULL;
  g_autoptr(GHashTable) keyring_after = NULL;

  store_fixture_close (fixture);
  db_before = snapshot_dir (fixture->dir);
  keyring_before = snapshot_dir (keyring_dir);

  g_setenv ("CT_TEST_DATABASE", fixture->path, TRUE);
  g_setenv ("CT_TEST_CODE", fixture->recovery_code, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", OTHER_PASSWORD, TRUE);
  g_test_trap_subprocess ("/store/keyring-file/3-wrong-password/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", PASSWORD, TRUE);
  g_test_trap_assert_passed ();

  db_after = snapshot_dir (fixture->dir);
  keyring_after = snapshot_dir (keyring_dir);
  assert_snapshots_equal (db_before, db_after);
  assert_snapshots_equal (keyring_before, keyring_after);
  g_assert_cmpuint (g_hash_table_size (keyring_before), ==, g_hash_table_size (keyring_after));

  /* With the right password the same database opens. */
  store_fixture_reopen (fixture);
}

/* A damaged keyring file is reported as such, and left as it is. */
static void
test_damaged_file_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;

  store = ct_store_open_sync (g_getenv ("CT_TEST_DATABASE"), &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "damaged"));
}

static void
test_damaged_file (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autofree char *damaged = g_build_filename (fixture->dir, "damaged.keyring", NULL);
  g_autoptr(GBytes) after = NULL;
  const char garbage[] = "GnomeKeyring\n\r\0\n not a keyring at all";

  store_fixture_close (fixture);
  g_assert_true (g_file_set_contents (damaged, garbage, sizeof garbage, NULL));

  g_setenv ("CT_TEST_DATABASE", fixture->path, TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", damaged, TRUE);
  g_test_trap_subprocess ("/store/keyring-file/4-damaged-file/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring_path, TRUE);
  g_test_trap_assert_passed ();

  after = read_file (damaged);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after), garbage, sizeof garbage);
}

/* After a keyring reset (the portal now gives another password) the user
 * moves the old file aside, starts again, and the recovery code puts the
 * key back into a new file. */
static void
test_reset_and_recover_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  const char *path = g_getenv ("CT_TEST_DATABASE");

  store = ct_store_open_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING);
  g_clear_error (&error);

  g_assert_false (ct_store_recover_sync (path, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (g_file_test (keyring_path, G_FILE_TEST_EXISTS));

  g_assert_true (ct_store_recover_sync (path, g_getenv ("CT_TEST_CODE"), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (keyring_path, G_FILE_TEST_IS_REGULAR));

  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  ct_store_close (store);
}

/* A later run, with the same password, finds the recovered key. */
static void
test_reopen_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;

  store = ct_store_open_sync (g_getenv ("CT_TEST_DATABASE"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  ct_store_close (store);
}

static void
test_reset_and_recover (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *aside = g_strconcat (keyring_path, ".old", NULL);
  g_autoptr(GBytes) old_before = NULL;
  g_autoptr(GBytes) old_after = NULL;

  store_fixture_close (fixture);

  /* From here on the parent's copy of the keyring is stale: it does not
   * use the keyring again. */
  g_assert_cmpint (g_rename (keyring_path, aside), ==, 0);
  old_before = read_file (aside);

  g_setenv ("CT_TEST_DATABASE", fixture->path, TRUE);
  g_setenv ("CT_TEST_CODE", fixture->recovery_code, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", OTHER_PASSWORD, TRUE);
  g_test_trap_subprocess ("/store/keyring-file/5-reset-and-recover/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_subprocess ("/store/keyring-file/5-reset-and-recover/reopen/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_setenv ("SECRET_FILE_TEST_PASSWORD", PASSWORD, TRUE);

  /* The old file is as it was. */
  old_after = read_file (aside);
  g_assert_true (g_bytes_equal (old_before, old_after));
  g_assert_cmpuint (count_secret_service_items (&key_schema), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  require_private_session ();

  /* A subprocess inherits the parent's folder and its password unless a
   * test changes them. */
  if (g_getenv ("CT_TEST_KEYRING_DIR") == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("ct-keyring-XXXXXX", NULL);

      g_assert_nonnull (dir);
      g_setenv ("CT_TEST_KEYRING_DIR", dir, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", PASSWORD, TRUE);
    }
  keyring_dir = g_strdup (g_getenv ("CT_TEST_KEYRING_DIR"));
  keyring_path = g_build_filename (keyring_dir, "default.keyring", NULL);
  if (g_getenv ("SECRET_FILE_TEST_PATH") == NULL)
    g_setenv ("SECRET_FILE_TEST_PATH", keyring_path, TRUE);
  g_setenv ("SECRET_BACKEND", "file", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/keyring-file/1-reopen", StoreFixture, NULL,
              store_fixture_set_up, test_reopen, store_fixture_tear_down);
  g_test_add ("/store/keyring-file/2-no-plaintext", StoreFixture, NULL,
              store_fixture_set_up, test_no_plaintext, store_fixture_tear_down);
  g_test_add_func ("/store/keyring-file/2-threads", test_threads);
  g_test_add ("/store/keyring-file/3-wrong-password", StoreFixture, NULL,
              store_fixture_set_up, test_wrong_password, store_fixture_tear_down);
  g_test_add_func ("/store/keyring-file/3-wrong-password/subprocess", test_wrong_password_subprocess);
  g_test_add ("/store/keyring-file/4-damaged-file", StoreFixture, NULL,
              store_fixture_set_up, test_damaged_file, store_fixture_tear_down);
  g_test_add_func ("/store/keyring-file/4-damaged-file/subprocess", test_damaged_file_subprocess);
  /* Last: it moves the keyring file aside. */
  g_test_add ("/store/keyring-file/5-reset-and-recover", StoreFixture, NULL,
              store_fixture_set_up, test_reset_and_recover, store_fixture_tear_down);
  g_test_add_func ("/store/keyring-file/5-reset-and-recover/subprocess", test_reset_and_recover_subprocess);
  g_test_add_func ("/store/keyring-file/5-reset-and-recover/reopen/subprocess", test_reopen_subprocess);

  status = g_test_run ();

  if (!g_test_subprocess ())
    remove_tree (keyring_dir);
  g_free (keyring_path);
  g_free (keyring_dir);
  return status;
}

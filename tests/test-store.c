/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include <libsecret/secret.h>

#include "ct-crypto.h"
#include "ct-format.h"
#include "ct-keyring.h"
#include "ct-store.h"
#include "test-store-util.h"

#define STAFF "staff-test-1"

/* Distinctive values that must never appear in plaintext on disk. */
#define SECRET_GIVEN "Quillabeth"
#define SECRET_FAMILY "Vantongeren"
#define SECRET_DOB "2013-02-17"
#define SECRET_NARRATIVE "bruise shaped like a horseshoe on her left forearm"
#define SECRET_ALIAS "Bethquill"

/* Records {{{ */

static void
test_record_accessors (void)
{
  g_autoptr(CtRecord) record = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) copy = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new ("\0\1\2", 3);
  g_autoptr(GBytes) got = NULL;
  const char *aliases[] = { "A", "B", NULL };
  CtRecordKind kind;

  g_assert_true (g_uuid_string_is_valid (ct_record_get_id (record)));
  g_assert_cmpint (ct_record_get_version (record), ==, 0);
  g_assert_null (ct_record_get_string (record, "given-names"));

  ct_record_set_string (record, "given-names", "Ann");
  ct_record_set_int64 (record, "n", -5);
  ct_record_set_boolean (record, "b", TRUE);
  ct_record_set_strv (record, "aliases", aliases);
  ct_record_set_bytes (record, "pdf", bytes);

  g_assert_cmpstr (ct_record_get_string (record, "given-names"), ==, "Ann");
  g_assert_cmpint (ct_record_get_int64 (record, "n", 0), ==, -5);
  g_assert_true (ct_record_get_boolean (record, "b", FALSE));
  g_assert_cmpstrv (ct_record_get_strv (record, "aliases"), aliases);
  got = ct_record_get_bytes (record, "pdf");
  g_assert_true (g_bytes_equal (got, bytes));
  /* The wrong type reads as missing. */
  g_assert_null (ct_record_get_string (record, "n"));
  g_assert_cmpint (ct_record_get_int64 (record, "given-names", 42), ==, 42);

  copy = ct_record_copy (record);
  g_assert_cmpstr (ct_record_get_id (copy), ==, ct_record_get_id (record));
  g_assert_true (ct_record_equal_fields (copy, record));
  ct_record_remove_field (copy, "b");
  g_assert_false (ct_record_has_field (copy, "b"));
  g_assert_false (ct_record_equal_fields (copy, record));

  g_assert_true (ct_record_kind_from_string ("info-sharing", &kind));
  g_assert_cmpint (kind, ==, CT_RECORD_KIND_INFO_SHARING);
  g_assert_false (ct_record_kind_from_string ("nonsense", &kind));
}

/* }}} */

/* Crypto {{{ */

static void
test_crypto_normalise (void)
{
  struct { const char *in; const char *out; } cases[] = {
    { "Zoë  O'Brien-Smith", "zoe obrien smith" },
    { "  ZOE OBRIEN smith ", "zoe obrien smith" },
    { "Zoe O’Brien Smith", "zoe obrien smith" },
    { "Ｚｏｅ", "zoe" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = ct_crypto_normalise_name (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static void
test_crypto_recovery_code (void)
{
  guint8 raw[CT_RECOVERY_BYTES];
  guint8 parsed[CT_RECOVERY_BYTES];
  g_autofree char *code = NULL;
  g_autofree char *sloppy = NULL;

  g_assert_true (ct_crypto_init (NULL));
  code = ct_crypto_generate_recovery_code (raw);
  g_autoptr(GError) error = NULL;

  /* Nine groups of four, with hyphens between. */
  g_assert_cmpuint (strlen (code), ==, 44);
  g_assert_true (ct_crypto_parse_recovery_code (code, parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (raw, sizeof raw, parsed, sizeof parsed);

  /* Case, spacing and hyphens do not matter. */
  sloppy = g_ascii_strdown (code, -1);
  for (char *p = sloppy; *p; p++)
    if (*p == '-')
      *p = ' ';
  g_assert_true (ct_crypto_parse_recovery_code (sloppy, parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (raw, sizeof raw, parsed, sizeof parsed);

  g_assert_false (ct_crypto_parse_recovery_code ("ABCD", parsed, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  g_clear_error (&error);
  g_assert_false (ct_crypto_parse_recovery_code ("UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU", parsed, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  g_clear_error (&error);
  g_assert_false (ct_crypto_parse_recovery_code ("", parsed, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
}

static void
test_crypto_seal (void)
{
  g_autoptr(CtKey) key = NULL;
  g_autoptr(CtKey) other = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *flipped = NULL;
  gsize len;

  g_assert_true (ct_crypto_init (NULL));
  key = ct_key_new_random ();
  other = ct_key_new_random ();
  sealed = ct_crypto_seal (key, "hello", 5, "ad-1");

  plain = ct_crypto_open (key, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "ad-1", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), "hello", 5);

  /* Wrong associated data, wrong key, flipped byte: all refused. */
  g_assert_null (ct_crypto_open (key, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "ad-2", &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_clear_error (&error);
  g_assert_null (ct_crypto_open (other, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "ad-1", &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_clear_error (&error);

  len = g_bytes_get_size (sealed);
  flipped = g_memdup2 (g_bytes_get_data (sealed, NULL), len);
  flipped[len / 2] ^= 0x01;
  g_assert_null (ct_crypto_open (key, flipped, len, "ad-1", &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

/* }}} */

/* Round trips {{{ */

static CtRecord *
make_record (CtRecordKind  kind,
             const char   *case_id,
             guint         n)
{
  CtRecord *record = ct_record_new (kind);
  g_autofree char *text = g_strdup_printf ("text of %s %u", ct_record_kind_to_string (kind), n);
  const char *list[] = { "one", "two", "three", NULL };
  static const guint8 pdf[] = { '%', 'P', 'D', 'F', 0, 1, 2, 255 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (pdf, sizeof pdf);

  if (kind != CT_RECORD_KIND_CASE)
    ct_record_set_case_id (record, case_id);
  ct_record_set_state (record, "concern-recorded");
  ct_record_set_due_at (record, 1790000000000000 + n);
  ct_record_set_string (record, "what", text);
  ct_record_set_int64 (record, "event", G_MININT64 + n);
  ct_record_set_boolean (record, "flag", n % 2 == 0);
  ct_record_set_strv (record, "list", list);
  ct_record_set_bytes (record, "pdf", bytes);

  return record;
}

static void
assert_same_record (CtRecord *expected,
                    CtRecord *got)
{
  g_assert_cmpint (ct_record_get_kind (got), ==, ct_record_get_kind (expected));
  g_assert_cmpstr (ct_record_get_id (got), ==, ct_record_get_id (expected));
  g_assert_cmpstr (ct_record_get_case_id (got), ==, ct_record_get_case_id (expected));
  g_assert_cmpstr (ct_record_get_state (got), ==, ct_record_get_state (expected));
  g_assert_cmpstr (ct_record_get_reference (got), ==, ct_record_get_reference (expected));
  g_assert_cmpint (ct_record_get_created_at (got), ==, ct_record_get_created_at (expected));
  g_assert_cmpint (ct_record_get_updated_at (got), ==, ct_record_get_updated_at (expected));
  g_assert_cmpint (ct_record_get_due_at (got), ==, ct_record_get_due_at (expected));
  g_assert_cmpint (ct_record_get_version (got), ==, ct_record_get_version (expected));
  g_assert_true (ct_record_equal_fields (got, expected));
}

/* Record ids are version 7 UUIDs (RFC 9562): the millisecond they were
 * made, then random bits; made one after another, they sort in order. */
static void
test_record_ids_time_ordered (void)
{
  gint64 before_ms = g_get_real_time () / 1000;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 after_ms;

  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(CtRecord) record = ct_record_new (CT_RECORD_KIND_CONCERN);

      g_ptr_array_add (ids, g_strdup (ct_record_get_id (record)));
    }
  after_ms = g_get_real_time () / 1000;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *hex = g_strndup (id, 8);
      guint64 ms;

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_cmpuint (strlen (id), ==, 36);
      g_assert_cmpint (id[14], ==, '7');
      g_assert_nonnull (strchr ("89ab", id[19]));
      /* The first 48 bits are the time in milliseconds. */
      ms = g_ascii_strtoull (hex, NULL, 16) << 16 | g_ascii_strtoull (id + 9, NULL, 16);
      g_assert_cmpuint (ms, >=, (guint64) before_ms);
      g_assert_cmpuint (ms, <=, (guint64) after_ms + 1);
      if (i > 0)
        g_assert_cmpstr (g_ptr_array_index (ids, i - 1), <, id);
      g_assert_true (g_hash_table_add (seen, (gpointer) id));
    }
}

/* A database made before ids were time-ordered has random (version 4)
 * ids: its records are read, corrected and listed by case as before. */
static void
test_random_ids_still_work (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *case_id = g_uuid_string_random ();
  g_autofree char *child_id = g_uuid_string_random ();
  g_autoptr(CtRecord) case_record = ct_record_new_full (CT_RECORD_KIND_CASE, case_id, NULL, "new",
                                                        "CT-2026-0001", 0, 0, 0, 0, NULL);
  g_autoptr(CtRecord) child = ct_record_new_full (CT_RECORD_KIND_CHILD, child_id, case_id, NULL,
                                                  NULL, 0, 0, 0, 0, NULL);
  g_autoptr(CtRecord) newer = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) read = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (case_id[14], ==, '4');
  ct_record_set_string (child, "given-names", "Pip");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  g_assert_no_error (error);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
  g_assert_no_error (error);
  ct_record_set_case_id (newer, case_id);
  ct_record_set_string (newer, "given-names", "Wren");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, newer, &error));
  g_assert_no_error (error);

  ct_record_set_string (child, "given-names", "Pippa");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, child, &error));
  g_assert_no_error (error);

  read = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, child_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (read, "given-names"), ==, "Pippa");
  g_assert_cmpint (ct_record_get_version (read), ==, 2);

  children = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHILD, case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (children->len, ==, 2);
}

static void
test_roundtrip_every_kind (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = make_record (CT_RECORD_KIND_CASE, NULL, 0);
  const char *case_id = ct_record_get_id (case_record);

  ct_record_set_reference (case_record, "CT-2026-0001");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (case_record), ==, 1);
  g_assert_cmpint (ct_record_get_created_at (case_record), >, 0);
  g_ptr_array_add (written, g_object_ref (case_record));

  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      CtRecord *in_case;
      CtRecord *no_case;

      if (kind == CT_RECORD_KIND_CASE)
        continue;

      in_case = make_record (kind, case_id, kind);
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, in_case, &error));
      g_assert_no_error (error);
      g_ptr_array_add (written, in_case);

      no_case = make_record (kind, NULL, kind + 100);
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, no_case, &error));
      g_assert_no_error (error);
      g_ptr_array_add (written, no_case);
    }

  /* Read back through a fresh connection, so nothing comes from memory. */
  store_fixture_reopen (fixture);

  for (guint i = 0; i < written->len; i++)
    {
      CtRecord *expected = g_ptr_array_index (written, i);
      g_autoptr(CtRecord) got = NULL;

      got = ct_store_get_sync (fixture->store, ct_record_get_kind (expected),
                               ct_record_get_id (expected), &error);
      g_assert_no_error (error);
      assert_same_record (expected, got);
    }

  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      g_autoptr(GPtrArray) all = ct_store_list_sync (fixture->store, kind, NULL, &error);
      g_autoptr(GPtrArray) in_case = ct_store_list_sync (fixture->store, kind, case_id, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (all->len, ==, kind == CT_RECORD_KIND_CASE ? 1 : 2);
      g_assert_cmpuint (in_case->len, ==, kind == CT_RECORD_KIND_CASE ? 0 : 1);
    }
}

static void
test_migrations_from_empty (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStoreStatus) status = NULL;
  g_autofree char *uuid = NULL;
  gint64 version = 0;

  status = ct_store_get_status_sync (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->schema_version, >=, 1);
  g_assert_cmpint (status->schema_version, ==, status->latest_schema_version);
  g_assert_cmpint (status->audit_entries, ==, 1);
  g_assert_cmpint (status->keyring_state, ==, CT_KEYRING_STATE_PRESENT);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    g_assert_cmpint (status->counts[kind], ==, 0);

  /* Only the user may read the file. */
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  g_assert_true (ct_store_peek_sync (fixture->path, &uuid, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (uuid, ==, ct_store_get_database_uuid (fixture->store));
  g_assert_cmpint (version, ==, status->latest_schema_version);
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} AsyncData;

static void
on_async_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = g_object_ref (result);
  g_main_loop_quit (data->loop);
}

static GAsyncResult *
wait_for (AsyncData *data)
{
  g_main_loop_run (data->loop);
  return data->result;
}

static void
test_roundtrip_async (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ct-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "async.db", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *code = NULL;
  AsyncData data = { loop, NULL };

  ct_store_create_async (path, NULL, on_async_done_cb, &data);
  store = ct_store_create_finish (wait_for (&data), &code, &error);
  g_clear_object (&data.result);
  g_assert_no_error (error);
  g_assert_nonnull (code);

  ct_record_set_string (child, "given-names", "Async");
  ct_store_insert_async (store, STAFF, child, NULL, on_async_done_cb, &data);
  /* The caller's record is untouched until the insert finishes. */
  g_assert_cmpint (ct_record_get_version (child), ==, 0);
  g_assert_true (ct_store_insert_finish (store, wait_for (&data), &error));
  g_clear_object (&data.result);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (child), ==, 1);

  ct_store_get_async (store, CT_RECORD_KIND_CHILD, ct_record_get_id (child), NULL, on_async_done_cb, &data);
  got = ct_store_get_finish (store, wait_for (&data), &error);
  g_clear_object (&data.result);
  g_assert_no_error (error);
  assert_same_record (child, got);

  ct_record_set_string (got, "given-names", "Async Corrected");
  ct_store_update_async (store, STAFF, got, NULL, on_async_done_cb, &data);
  g_assert_true (ct_store_update_finish (store, wait_for (&data), &error));
  g_clear_object (&data.result);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (got), ==, 2);

  ct_store_list_async (store, CT_RECORD_KIND_CHILD, NULL, NULL, on_async_done_cb, &data);
  list = ct_store_list_finish (store, wait_for (&data), &error);
  g_clear_object (&data.result);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);

  ct_store_verify_async (store, NULL, on_async_done_cb, &data);
  g_assert_true (ct_store_verify_finish (store, wait_for (&data), &error));
  g_clear_object (&data.result);
  g_assert_no_error (error);

  ct_store_close (store);
  g_clear_object (&store);

  ct_store_open_async (path, NULL, on_async_done_cb, &data);
  store = ct_store_open_finish (wait_for (&data), &error);
  g_clear_object (&data.result);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  ct_store_close (store);

  remove_tree (dir);
}

/* }}} */

/* Corrections and transactions {{{ */

static void
test_update_keeps_history (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  g_autoptr(CtRecord) stale = NULL;
  g_autoptr(CtRecord) current = NULL;
  g_autoptr(GPtrArray) history = NULL;

  ct_record_set_string (entry, "what", "first wording");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, entry, &error));
  stale = ct_record_copy (entry);

  ct_record_set_string (entry, "what", "second wording");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, entry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (entry), ==, 2);

  ct_record_set_string (entry, "what", "third wording");
  g_assert_true (ct_store_update_sync (fixture->store, "staff-test-2", entry, &error));
  g_assert_no_error (error);

  /* A correction made from an out-of-date copy is refused. */
  ct_record_set_string (stale, "what", "overwrite attempt");
  g_assert_false (ct_store_update_sync (fixture->store, STAFF, stale, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  store_fixture_reopen (fixture);
  current = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (current, "what"), ==, "third wording");
  g_assert_cmpint (ct_record_get_version (current), ==, 3);
  g_assert_cmpint (ct_record_get_created_at (current), ==, ct_record_get_created_at (entry));

  history = ct_store_list_history_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY,
                                        ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 0), "what"), ==, "first wording");
  g_assert_cmpint (ct_record_get_version (g_ptr_array_index (history, 0)), ==, 1);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 1), "what"), ==, "second wording");

  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
}

typedef struct
{
  CtRecord *case_record;
  CtRecord *concern;
  gboolean fail;
} TxnData;

static gboolean
txn_insert_two (CtStoreTransaction  *txn,
                gpointer             user_data,
                GError             **error)
{
  TxnData *data = user_data;
  g_autoptr(CtRecord) reread = NULL;

  if (!ct_store_transaction_insert (txn, STAFF, data->case_record, error) ||
      !ct_store_transaction_insert (txn, STAFF, data->concern, error) ||
      !ct_store_transaction_append_audit (txn, STAFF, "escalated", ct_record_get_id (data->case_record), error))
    return FALSE;

  /* Reads inside the transaction see its own writes. */
  reread = ct_store_transaction_get (txn, CT_RECORD_KIND_CONCERN, ct_record_get_id (data->concern), error);
  g_assert_nonnull (reread);

  if (data->fail)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "engine refused");
      return FALSE;
    }
  return TRUE;
}

/* Two desks (two stores, each with its own connection or file handle)
 * open one record. The second save is refused, naming who saved first
 * and when; the refused edit is still there to save again, and nothing
 * either desk wrote is lost. */
static void
test_update_conflict_two_desks (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) writer = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  g_autoptr(CtRecord) on_a = NULL;
  g_autoptr(CtRecord) on_b = NULL;
  g_autoptr(CtRecord) fresh = NULL;
  g_autoptr(CtRecord) current = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *when = NULL;
  g_autofree char *expected = NULL;
  CtStore *desk_b;

  ct_record_set_string (writer, "name", "Rowan Ashdown");
  ct_record_set_string (writer, "role", "Deputy DSO");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, writer, &error));
  g_assert_no_error (error);
  ct_record_set_string (entry, "what", "as recorded");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, entry, &error));
  g_assert_no_error (error);

  desk_b = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  on_a = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  on_b = ct_store_get_sync (desk_b, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);

  ct_record_set_string (on_b, "what", "the deputy's wording");
  g_assert_true (ct_store_update_sync (desk_b, ct_record_get_id (writer), on_b, &error));
  g_assert_no_error (error);

  ct_record_set_string (on_a, "what", "the DSO's wording");
  g_assert_false (ct_store_update_sync (fixture->store, STAFF, on_a, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT);
  when = ct_format_instant (ct_record_get_updated_at (on_b));
  expected = g_strdup_printf ("changed by Rowan Ashdown at %s since you opened it", when);
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);

  /* The refused edit is untouched, still at the version it was opened at. */
  g_assert_cmpstr (ct_record_get_string (on_a, "what"), ==, "the DSO's wording");
  g_assert_cmpint (ct_record_get_version (on_a), ==, 1);

  /* Saved again over the newer version, it is kept, and so is the
   * deputy's in the history. */
  fresh = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (fresh, "what"), ==, "the deputy's wording");
  ct_record_set_string (fresh, "what", ct_record_get_string (on_a, "what"));
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fresh, &error));
  g_assert_no_error (error);

  current = ct_store_get_sync (desk_b, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (current, "what"), ==, "the DSO's wording");
  g_assert_cmpint (ct_record_get_version (current), ==, 3);
  history = ct_store_list_history_sync (desk_b, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 1), "what"), ==, "the deputy's wording");

  ct_store_close (desk_b);
  g_object_unref (desk_b);
}

typedef struct
{
  CtStore *store;
  const char *record_id;
  const char *desk;
  guint steps;
  guint conflicts;
} Editor;

/* Adds a line to one record @steps times, opening it again and
 * repeating the edit whenever another desk saved first. */
static gpointer
edit_one_record (gpointer data)
{
  Editor *editor = data;

  for (guint i = 0; i < editor->steps; i++)
    for (;;)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(CtRecord) record = ct_store_get_sync (editor->store, CT_RECORD_KIND_CHRONOLOGY,
                                                        editor->record_id, &error);
        g_autofree char *what = NULL;

        g_assert_no_error (error);
        what = g_strdup_printf ("%s%s %u;", ct_record_get_string (record, "what"), editor->desk, i);
        ct_record_set_string (record, "what", what);
        if (ct_store_update_sync (editor->store, STAFF, record, &error))
          break;
        g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT);
        editor->conflicts++;
      }
  return NULL;
}

/* Two desks editing one record at the same time lose nothing: every
 * edit either lands on the latest version or is refused and repeated. */
static void
test_update_simultaneous_edits (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  g_autoptr(CtRecord) current = NULL;
  CtStore *desk_b;
  Editor a = { fixture->store, ct_record_get_id (entry), "A", 25, 0 };
  Editor b = { NULL, ct_record_get_id (entry), "B", 25, 0 };
  GThread *ta, *tb;
  CtStoreVerifyStats stats = { 0 };

  ct_record_set_string (entry, "what", "");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, entry, &error));
  g_assert_no_error (error);
  desk_b = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  b.store = desk_b;

  ta = g_thread_new ("desk-a", edit_one_record, &a);
  tb = g_thread_new ("desk-b", edit_one_record, &b);
  g_thread_join (ta);
  g_thread_join (tb);

  current = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (entry), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_version (current), ==, 1 + 50);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *from_a = g_strdup_printf ("A %u;", i);
      g_autofree char *from_b = g_strdup_printf ("B %u;", i);

      g_assert_nonnull (strstr (ct_record_get_string (current, "what"), from_a));
      g_assert_nonnull (strstr (ct_record_get_string (current, "what"), from_b));
    }
  g_test_message ("%u + %u edits were refused and repeated", a.conflicts, b.conflicts);

  g_assert_true (ct_store_verify_sync (desk_b, &stats, &error));
  g_assert_no_error (error);
  ct_store_close (desk_b);
  g_object_unref (desk_b);
}

static void
test_transaction_rollback_and_commit (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStoreStatus) before = NULL;
  g_autoptr(CtStoreStatus) after = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) concerns = NULL;
  TxnData txn = { ct_record_new (CT_RECORD_KIND_CASE), ct_record_new (CT_RECORD_KIND_CONCERN), TRUE };

  ct_record_set_reference (txn.case_record, "CT-2026-0002");
  ct_record_set_case_id (txn.concern, ct_record_get_id (txn.case_record));
  ct_record_set_string (txn.concern, "what", "first attempt");

  before = ct_store_get_status_sync (fixture->store, &error);
  g_assert_false (ct_store_run_transaction_sync (fixture->store, txn_insert_two, &txn, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);

  /* Nothing of it stayed: no records, no audit entries, no case key, and
   * the records are back to unsaved. */
  after = ct_store_get_status_sync (fixture->store, &error);
  g_assert_cmpint (after->counts[CT_RECORD_KIND_CASE], ==, 0);
  g_assert_cmpint (after->counts[CT_RECORD_KIND_CONCERN], ==, 0);
  g_assert_cmpint (after->audit_entries, ==, before->audit_entries);
  g_assert_cmpint (ct_record_get_version (txn.case_record), ==, 0);
  g_assert_cmpint (ct_record_get_version (txn.concern), ==, 0);

  /* The same records commit on a second try, under a case key that is
   * really stored. */
  txn.fail = FALSE;
  g_assert_true (ct_store_run_transaction_sync (fixture->store, txn_insert_two, &txn, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  concerns = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CONCERN,
                                 ct_record_get_id (txn.case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (concerns->len, ==, 1);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (concerns, 0), "what"), ==, "first attempt");

  audit = ct_store_list_audit_sync (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 4);
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 1))->action, ==, "create:case");
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 3))->action, ==, "escalated");
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 3))->staff_id, ==, STAFF);

  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);

  g_object_unref (txn.case_record);
  g_object_unref (txn.concern);
}

static void
test_audit_every_write_and_open (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) opened = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  CtAuditEntry *last;

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  ct_record_set_state (case_record, "escalated");
  g_assert_true (ct_store_update_sync (fixture->store, "staff-test-2", case_record, &error));
  opened = ct_store_open_case_sync (fixture->store, "staff-test-3", ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_state (opened), ==, "escalated");

  /* A write without a member of staff is refused. */
  g_assert_false (ct_store_insert_sync (fixture->store, NULL, ct_record_new (CT_RECORD_KIND_TASK), &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
  g_clear_error (&error);

  audit = ct_store_list_audit_sync (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audit->len, ==, 4);
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 0))->action, ==, "create-database");
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 1))->action, ==, "create:case");
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 2))->action, ==, "correct:case");
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, 2))->staff_id, ==, "staff-test-2");
  last = g_ptr_array_index (audit, 3);
  g_assert_cmpstr (last->action, ==, "open-case");
  g_assert_cmpstr (last->staff_id, ==, "staff-test-3");
  g_assert_cmpstr (last->record_id, ==, ct_record_get_id (case_record));
  g_assert_cmpint (last->at, >, 0);
}

/* }}} */

/* Blind index {{{ */

static void
test_find_children (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) other = ct_record_new (CT_RECORD_KIND_CHILD);
  const char *aliases[] = { "Zed O'Brien", NULL };
  struct { const char *given; const char *family; const char *dob; guint expected; } queries[] = {
    { "Zoë", "O'Brien-Smith", NULL, 1 },
    { "ZOE", "obrien smith", NULL, 1 },
    { "zed", "OBrien", NULL, 1 },
    { "Zoey", "O'Brien-Smith", "2015-04-01", 1 },  /* another spelling, same family and birth date */
    { "Zoey", "O'Brien-Smith", "2015-04-02", 0 },
    { "Amir", "O'Brien-Smith", NULL, 0 },
    { "", "", NULL, 0 },
  };

  ct_record_set_string (child, "given-names", "Zoë");
  ct_record_set_string (child, "family-name", "O'Brien-Smith");
  ct_record_set_string (child, "date-of-birth", "2015-04-01");
  ct_record_set_strv (child, "aliases", aliases);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
  ct_record_set_string (other, "given-names", "Amira");
  ct_record_set_string (other, "family-name", "Khan");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, other, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) found = ct_store_find_children_sync (fixture->store, queries[i].given,
                                                                queries[i].family, queries[i].dob, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (found->len, ==, queries[i].expected);
      if (found->len == 1)
        g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (found, 0)), ==, ct_record_get_id (child));
    }

  /* A correction of the name moves the index with it. */
  ct_record_set_string (child, "family-name", "Hartley");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, child, &error));
  {
    g_autoptr(GPtrArray) old_name = ct_store_find_children_sync (fixture->store, "Zoe", "O'Brien-Smith", NULL, &error);
    g_autoptr(GPtrArray) new_name = ct_store_find_children_sync (fixture->store, "Zoe", "Hartley", NULL, &error);

    g_assert_cmpuint (old_name->len, ==, 0);
    g_assert_cmpuint (new_name->len, ==, 1);
  }
}

/* }}} */

/* Nothing in plaintext {{{ */

static CtRecord *
insert_secret_child (StoreFixture *fixture,
                     const char   *case_id)
{
  g_autoptr(GError) error = NULL;
  CtRecord *child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) allegation = ct_record_new (CT_RECORD_KIND_ALLEGATION);
  const char *aliases[] = { SECRET_ALIAS, NULL };

  ct_record_set_case_id (child, case_id);
  ct_record_set_string (child, "given-names", SECRET_GIVEN);
  ct_record_set_string (child, "family-name", SECRET_FAMILY);
  ct_record_set_string (child, "date-of-birth", SECRET_DOB);
  ct_record_set_strv (child, "aliases", aliases);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
  g_assert_no_error (error);

  ct_record_set_case_id (concern, case_id);
  ct_record_set_string (concern, "what", SECRET_NARRATIVE);
  ct_record_set_string (concern, "childs-words", "Quillabeth said it was from the door");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, concern, &error));

  ct_record_set_case_id (allegation, case_id);
  ct_record_set_string (allegation, "subject-name", "Vantongeren the tutor");
  ct_record_set_string (allegation, "what", SECRET_NARRATIVE);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, allegation, &error));
  g_assert_no_error (error);

  return child;
}

static void
assert_no_secrets_in (const char *path)
{
  const char *needles[] = {
    SECRET_GIVEN, SECRET_FAMILY, SECRET_DOB, SECRET_NARRATIVE, SECRET_ALIAS,
    "quillabeth", "vantongeren", "horseshoe", "2013-02", "20130217",
  };

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    if (file_contains (path, needles[i]))
      g_error ("“%s” appears in plaintext in %s", needles[i], path);
}

static void
test_no_plaintext_on_disk (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *backup = g_build_filename (fixture->dir, "backup.db", NULL);

  ct_record_set_reference (case_record, "CT-2026-0003");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  child = insert_secret_child (fixture, ct_record_get_id (case_record));
  ct_record_set_string (child, "given-names", SECRET_GIVEN " Maria");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, child, &error));
  g_assert_no_error (error);

  /* The data are in the WAL now (the store is open, nothing checkpointed). */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (file_contains (wal, "CT-2026-0003"));
  assert_no_secrets_in (wal);
  assert_no_secrets_in (fixture->path);

  g_assert_true (ct_store_backup_sync (fixture->store, backup, CT_BACKUP_NONE, &error));
  g_assert_no_error (error);
  assert_no_secrets_in (backup);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (backup, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  /* The check is real: the plaintext reference is found in the backup. */
  g_assert_true (file_contains (backup, "CT-2026-0003"));

  store_fixture_close (fixture);
  assert_no_secrets_in (fixture->path);
}

/* }}} */

/* Tampering {{{ */

static void
expect_tampered (StoreFixture *fixture,
                 const char   *message_part)
{
  g_autoptr(GError) error = NULL;

  store_fixture_reopen (fixture);
  g_assert_false (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not name “%s”", error->message, message_part);
}

static void
setup_two_children (StoreFixture *fixture,
                    CtRecord    **out_a,
                    CtRecord    **out_b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  *out_a = ct_record_new (CT_RECORD_KIND_CHILD);
  *out_b = ct_record_new (CT_RECORD_KIND_CHILD);
  ct_record_set_case_id (*out_a, ct_record_get_id (case_record));
  ct_record_set_case_id (*out_b, ct_record_get_id (case_record));
  ct_record_set_string (*out_a, "given-names", "Alpha");
  ct_record_set_string (*out_b, "given-names", "Beta");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, *out_a, &error));
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, *out_b, &error));
  g_assert_no_error (error);

  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
  store_fixture_close (fixture);
}

static void
test_tamper_flip_ciphertext (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(CtRecord) a = NULL;
  g_autoptr(CtRecord) b = NULL;
  g_autoptr(CtRecord) got = NULL;
  g_autoptr(GError) error = NULL;

  setup_two_children (fixture, &a, &b);
  /* Flip one bit in the middle of the ciphertext. */
  {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    const guint8 *blob;
    guint8 *copy;
    int len;

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT data FROM children WHERE id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, ct_record_get_id (a), -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    blob = sqlite3_column_blob (stmt, 0);
    len = sqlite3_column_bytes (stmt, 0);
    copy = g_memdup2 (blob, len);
    sqlite3_finalize (stmt);
    copy[len / 2] ^= 0x04;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE children SET data = ? WHERE id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_blob (stmt, 1, copy, len, g_free);
    sqlite3_bind_text (stmt, 2, ct_record_get_id (a), -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  expect_tampered (fixture, ct_record_get_id (a));
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (a), &error);
  g_assert_null (got);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_clear_error (&error);

  /* The untouched record still reads. */
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (b), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (got, "given-names"), ==, "Beta");
}

static void
test_tamper_swap_rows (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(CtRecord) a = NULL;
  g_autoptr(CtRecord) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) got = NULL;
  g_autofree char *sql = NULL;

  setup_two_children (fixture, &a, &b);
  sql = g_strdup_printf ("CREATE TEMP TABLE t AS SELECT id, data FROM children;"
                         "UPDATE children SET data = (SELECT data FROM t WHERE id = '%s') WHERE id = '%s';"
                         "UPDATE children SET data = (SELECT data FROM t WHERE id = '%s') WHERE id = '%s';",
                         ct_record_get_id (b), ct_record_get_id (a),
                         ct_record_get_id (a), ct_record_get_id (b));
  raw_exec (fixture->path, sql);

  expect_tampered (fixture, NULL);
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (a), &error);
  g_assert_null (got);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

static void
test_tamper_plaintext_metadata (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autoptr(CtRecord) a = NULL;
  g_autoptr(CtRecord) b = NULL;
  g_autofree char *sql = NULL;

  setup_two_children (fixture, &a, &b);
  sql = g_strdup_printf ("UPDATE children SET state = 'closed' WHERE id = '%s'", ct_record_get_id (a));
  raw_exec (fixture->path, sql);
  expect_tampered (fixture, ct_record_get_id (a));
}

static void
test_tamper_move_between_tables (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CtRecord) a = NULL;
  g_autoptr(CtRecord) b = NULL;
  g_autofree char *sql = NULL;

  setup_two_children (fixture, &a, &b);
  /* Copy a child's row wholesale into the persons table. */
  sql = g_strdup_printf ("INSERT INTO persons (id, case_id, kind, state, reference, created_at, updated_at, due_at, version, data)"
                         " SELECT id, case_id, 'person', state, reference, created_at, updated_at, due_at, version, data"
                         " FROM children WHERE id = '%s'", ct_record_get_id (a));
  raw_exec (fixture->path, sql);
  expect_tampered (fixture, "persons");
}

static void
test_tamper_case_key (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_a = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) case_b = ct_record_new (CT_RECORD_KIND_CASE);
  g_autofree char *sql = NULL;

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_a, &error));
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_b, &error));
  store_fixture_close (fixture);

  /* Giving case B the wrapped key of case A is detected. */
  sql = g_strdup_printf ("UPDATE case_keys SET wrapped = (SELECT wrapped FROM case_keys WHERE case_id = '%s') WHERE case_id = '%s'",
                         ct_record_get_id (case_a), ct_record_get_id (case_b));
  raw_exec (fixture->path, sql);
  expect_tampered (fixture, ct_record_get_id (case_b));
}

static void
make_audit_log (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);

      ct_record_set_string (task, "title", "a task");
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, task, &error));
      g_assert_no_error (error);
    }
  /* Entries 1 (create-database) to 7 (the last task). */
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
  store_fixture_close (fixture);
}

static void
test_tamper_audit_edit (StoreFixture  *fixture,
                        gconstpointer  data)
{
  make_audit_log (fixture);
  raw_exec (fixture->path, "UPDATE audit_log SET staff_id = 'someone-else' WHERE seq = 4");
  expect_tampered (fixture, "entry 4 ");
}

static void
test_tamper_audit_edit_time (StoreFixture  *fixture,
                             gconstpointer  data)
{
  make_audit_log (fixture);
  raw_exec (fixture->path, "UPDATE audit_log SET at = at - 86400000000 WHERE seq = 3");
  expect_tampered (fixture, "entry 3 ");
}

static void
test_tamper_audit_delete (StoreFixture  *fixture,
                          gconstpointer  data)
{
  make_audit_log (fixture);
  raw_exec (fixture->path, "DELETE FROM audit_log WHERE seq = 5");
  expect_tampered (fixture, "entry 5 is missing");
}

static void
test_tamper_audit_delete_renumbered (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  make_audit_log (fixture);
  /* Delete entry 5 and close the gap, as a careful attacker would. */
  raw_exec (fixture->path, "DELETE FROM audit_log WHERE seq = 5;"
                           "UPDATE audit_log SET seq = seq - 1 WHERE seq > 5;");
  expect_tampered (fixture, "entry 5 ");
}

static void
test_tamper_audit_delete_last (StoreFixture  *fixture,
                               gconstpointer  data)
{
  make_audit_log (fixture);
  raw_exec (fixture->path, "DELETE FROM audit_log WHERE seq = 7");
  expect_tampered (fixture, "after entry 6");
}

static void
test_tamper_audit_insert (StoreFixture  *fixture,
                          gconstpointer  data)
{
  make_audit_log (fixture);
  /* A forged entry appended at the end, with a copied seal. */
  raw_exec (fixture->path, "INSERT INTO audit_log (seq, at, staff_id, action, record_id, mac)"
                           " SELECT 8, at + 1, staff_id, action, record_id, mac FROM audit_log WHERE seq = 7");
  expect_tampered (fixture, "entry 8 ");
}

static void
test_tamper_audit_reorder (StoreFixture  *fixture,
                           gconstpointer  data)
{
  make_audit_log (fixture);
  /* Swap the contents of entries 3 and 4, seals and all. */
  raw_exec (fixture->path, "UPDATE audit_log SET seq = 100 WHERE seq = 3;"
                           "UPDATE audit_log SET seq = 3 WHERE seq = 4;"
                           "UPDATE audit_log SET seq = 4 WHERE seq = 100;");
  expect_tampered (fixture, "entry 3 ");
}

/* }}} */

/* Failure modes {{{ */

static void
assert_open_fails (const char   *path,
                   CtStoreError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;

  store = ct_store_open_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, (gint) code);
  /* Every message is a full sentence. */
  g_assert_cmpuint (strlen (error->message), >, 30);
  g_test_message ("%s: %s", ct_store_error_code_to_string (code), error->message);
}

static void
test_fail_key_missing (StoreFixture  *fixture,
                       gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));

  store_fixture_close (fixture);
  g_assert_true (ct_keyring_delete_key (uuid, NULL));

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_KEY_MISSING);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_foreign_database (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autofree char *id_file = g_build_filename (g_get_user_config_dir (), "caretrail", "installation-id", NULL);
  g_autofree char *mine = NULL;
  g_autofree char *other = g_uuid_string_random ();

  store_fixture_close (fixture);
  g_assert_true (ct_keyring_delete_key (uuid, NULL));

  /* This installation is now a different one from the one that made the
   * database, as on a second computer. */
  g_assert_true (g_file_get_contents (id_file, &mine, NULL, NULL));
  g_assert_true (g_file_set_contents (id_file, other, -1, NULL));

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_FOREIGN_DATABASE);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);

  g_assert_true (g_file_set_contents (id_file, mine, -1, NULL));
}

static void
test_fail_wrong_key (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(CtKey) wrong = ct_key_new_random ();
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autoptr(GError) error = NULL;

  store_fixture_close (fixture);
  g_assert_true (ct_keyring_store_key (uuid, wrong, &error));
  g_assert_no_error (error);

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_WRONG_KEY);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_too_new (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;

  store_fixture_close (fixture);
  raw_exec (fixture->path, "PRAGMA user_version = 999");
  /* The raw connection may leave WAL files; only the database matters. */
  raw_exec (fixture->path, "PRAGMA wal_checkpoint(TRUNCATE)");

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_TOO_NEW);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_not_a_database (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autofree char *garbage = g_build_filename (fixture->dir, "garbage.db", NULL);
  g_autofree char *other_app = g_build_filename (fixture->dir, "other.db", NULL);
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  guint8 noise[8192];

  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = g_random_int_range (0, 256);
  g_assert_true (g_file_set_contents (garbage, (const char *)noise, sizeof noise, NULL));
  raw_exec (other_app, "PRAGMA journal_mode = DELETE; CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');");

  store_fixture_close (fixture);
  before = snapshot_dir (fixture->dir);
  assert_open_fails (garbage, CT_STORE_ERROR_NOT_A_DATABASE);
  assert_open_fails (other_app, CT_STORE_ERROR_NOT_A_DATABASE);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_corrupt (StoreFixture  *fixture,
                   gconstpointer  data)
{
  g_autofree char *contents = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  gsize len = 0;

  store_fixture_close (fixture);
  /* Damage everything after the first page: the schema and the tables. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  for (gsize i = 4096; i < len; i++)
    contents[i] = (char) (i * 7);
  g_assert_true (g_file_set_contents (fixture->path, contents, len, NULL));

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_CORRUPT);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_identity_missing (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;

  store_fixture_close (fixture);
  raw_exec (fixture->path, "DELETE FROM meta WHERE key = 'key-check'; PRAGMA wal_checkpoint(TRUNCATE);");

  before = snapshot_dir (fixture->dir);
  assert_open_fails (fixture->path, CT_STORE_ERROR_CORRUPT);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_no_database (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ct-store-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "missing.db", NULL);

  assert_open_fails (path, CT_STORE_ERROR_NO_DATABASE);
  /* Opening never creates a database. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_tree (dir);
}

static void
test_fail_create_exists (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(CtStore) again = NULL;

  store_fixture_close (fixture);
  before = snapshot_dir (fixture->dir);
  again = ct_store_create_sync (fixture->path, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

static void
test_fail_bad_recovery_code (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  guint8 raw[CT_RECOVERY_BYTES];
  g_autofree char *other_code = NULL;

  ct_crypto_init (NULL);
  other_code = ct_crypto_generate_recovery_code (raw);
  store_fixture_close (fixture);
  g_assert_true (ct_keyring_delete_key (uuid, NULL));

  before = snapshot_dir (fixture->dir);
  g_assert_false (ct_store_recover_sync (fixture->path, other_code, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  g_clear_error (&error);
  g_assert_false (ct_store_recover_sync (fixture->path, "not a code", &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);

  /* Nothing was put in the keyring either. */
  g_assert_cmpint (ct_keyring_get_state (uuid), ==, CT_KEYRING_STATE_MISSING);
}

/* }}} */

/* Recovery, backup, erasure {{{ */

static void
test_recover_after_keyring_reset (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(CtRecord) got = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autofree char *sloppy = NULL;

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  child = insert_secret_child (fixture, ct_record_get_id (case_record));
  store_fixture_close (fixture);

  g_assert_true (ct_keyring_delete_key (uuid, &error));
  assert_open_fails (fixture->path, CT_STORE_ERROR_KEY_MISSING);

  /* Typed in lower case with spaces, as a person might. */
  sloppy = g_ascii_strdown (fixture->recovery_code, -1);
  g_strdelimit (sloppy, "-", ' ');
  g_assert_true (ct_store_recover_sync (fixture->path, sloppy, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ct_keyring_get_state (uuid), ==, CT_KEYRING_STATE_PRESENT);

  store_fixture_reopen (fixture);
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (child), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (got, "given-names"), ==, SECRET_GIVEN);
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);

  audit = ct_store_list_audit_sync (fixture->store, &error);
  g_assert_cmpstr (((CtAuditEntry *)g_ptr_array_index (audit, audit->len - 1))->action, ==, "recover-key");
}

static void
test_recover_replaces_wrong_key (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtKey) wrong = ct_key_new_random ();
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));

  store_fixture_close (fixture);
  g_assert_true (ct_keyring_store_key (uuid, wrong, &error));
  assert_open_fails (fixture->path, CT_STORE_ERROR_WRONG_KEY);
  g_assert_true (ct_store_recover_sync (fixture->path, fixture->recovery_code, &error));
  g_assert_no_error (error);
  store_fixture_reopen (fixture);
}

static void
test_backup_and_restore (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (fixture->dir, "backup.db", NULL);
  g_autofree char *saved = NULL;
  g_autoptr(CtRecord) before = ct_record_new (CT_RECORD_KIND_TASK);
  g_autoptr(CtRecord) after = ct_record_new (CT_RECORD_KIND_TASK);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GHashTable) snap_before = NULL;
  g_autoptr(GHashTable) snap_after = NULL;
  g_autoptr(GBytes) last_backed_up = NULL;

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, before, &error));
  g_assert_true (ct_store_backup_sync (fixture->store, backup, CT_BACKUP_NONE, &error));
  g_assert_no_error (error);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, after, &error));

  /* Not while the database is open. */
  snap_before = snapshot_dir (fixture->dir);
  g_assert_false (ct_store_restore_sync (fixture->path, backup, NULL, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BUSY);
  g_clear_error (&error);
  snap_after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (snap_before, snap_after);
  g_clear_pointer (&snap_before, g_hash_table_unref);
  g_clear_pointer (&snap_after, g_hash_table_unref);

  /* The MAC of the backup's last audit entry: the backup's own. */
  {
    g_autoptr(GPtrArray) entries = ct_store_list_audit_sync (fixture->store, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < entries->len; i++)
      {
        CtAuditEntry *entry = g_ptr_array_index (entries, i);

        if (g_strcmp0 (entry->action, "backup") == 0)
          {
            g_clear_pointer (&last_backed_up, g_bytes_unref);
            last_backed_up = g_bytes_ref (entry->mac);
          }
      }
    g_assert_nonnull (last_backed_up);
  }

  store_fixture_close (fixture);

  /* A damaged backup is refused and nothing changes. The damage lands in
   * what the file holds whatever its layout: the last audit entry's MAC,
   * as well as near the end of the file (which may be free space). */
  {
    g_autofree char *damaged = g_build_filename (fixture->dir, "damaged.db", NULL);
    g_autofree char *contents = NULL;
    guint8 *mac;
    gsize len;

    g_assert_true (g_file_get_contents (backup, &contents, &len, NULL));
    contents[len - 100] ^= 0x55;
    mac = memmem (contents, len, g_bytes_get_data (last_backed_up, NULL), g_bytes_get_size (last_backed_up));
    g_assert_nonnull (mac);
    mac[7] ^= 0x55;
    g_assert_true (g_file_set_contents (damaged, contents, len, NULL));
    snap_before = snapshot_dir (fixture->dir);
    g_assert_false (ct_store_restore_sync (fixture->path, damaged, NULL, &error));
    g_assert_nonnull (error);
    g_test_message ("damaged backup: %s", error->message);
    g_clear_error (&error);
    snap_after = snapshot_dir (fixture->dir);
    assert_snapshots_equal (snap_before, snap_after);
  }

  g_assert_true (ct_store_restore_sync (fixture->path, backup, &saved, &error));
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  g_assert_true (g_file_test (saved, G_FILE_TEST_EXISTS));

  store_fixture_reopen (fixture);
  tasks = ct_store_list_sync (fixture->store, CT_RECORD_KIND_TASK, NULL, &error);
  g_assert_cmpuint (tasks->len, ==, 1);
  g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (tasks, 0)), ==, ct_record_get_id (before));
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);

  /* The database that was replaced is intact, with the later task. It
   * is another branch of the records now (its log ends at the same entry
   * as the restored one's, with another entry), so it does not open as it
   * is; going back to it is a restore too, which verifies it. */
  store_fixture_close (fixture);
  {
    g_autoptr(CtStore) old = ct_store_open_sync (saved, &error);

    g_assert_null (old);
    g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK);
    g_clear_error (&error);
  }
  g_assert_true (ct_store_restore_sync (fixture->path, saved, NULL, &error));
  g_assert_no_error (error);
  store_fixture_reopen (fixture);
  g_clear_pointer (&tasks, g_ptr_array_unref);
  tasks = ct_store_list_sync (fixture->store, CT_RECORD_KIND_TASK, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasks->len, ==, 2);
}

static void
test_erase_case (StoreFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) doomed = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) kept = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(CtRecord) got = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(CtRecord) kept_child = ct_record_new (CT_RECORD_KIND_CHILD);

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, doomed, &error));
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, kept, &error));
  child = insert_secret_child (fixture, ct_record_get_id (doomed));
  ct_record_set_case_id (kept_child, ct_record_get_id (kept));
  ct_record_set_string (kept_child, "given-names", "Kept");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, kept_child, &error));

  g_assert_true (ct_store_erase_case_sync (fixture->store, STAFF, ct_record_get_id (doomed), &error));
  g_assert_no_error (error);

  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (child), &error);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = ct_store_find_children_sync (fixture->store, SECRET_GIVEN, SECRET_FAMILY, NULL, &error);
  g_assert_cmpuint (found->len, ==, 0);

  store_fixture_reopen (fixture);
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&got);
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (kept_child), &error);
  g_assert_no_error (error);
  store_fixture_close (fixture);
  raw_exec (fixture->path, "PRAGMA wal_checkpoint(TRUNCATE)");
  {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM case_keys WHERE case_id = '%s'",
                                            ct_record_get_id (doomed));

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

/* }}} */

/* Hostile input {{{ */

static char *
make_megabyte (void)
{
  GString *text = g_string_sized_new (1024 * 1024 + 64);
  const char *pieces[] = { "Robert'); DROP TABLE children;-- ", "\"quoted\" ", "\u05E9\u05DC\u05D5\u05DD ",
                           "\U0001F476\U0001F3FD ", "\x01\x02\x1b[31m ", "é\u200F\u202E ", "\t\r\n" };
  guint i = 0;

  while (text->len < 1024 * 1024)
    g_string_append (text, pieces[i++ % G_N_ELEMENTS (pieces)]);
  return g_string_free (text, FALSE);
}

static gboolean
append_named_action (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  return ct_store_transaction_append_audit (txn, STAFF, "told Quillabeth's mother", NULL, error);
}

static void
test_hostile_input (StoreFixture  *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) got = NULL;
  g_autoptr(CtRecord) bad_ref = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) bad_state = ct_record_new (CT_RECORD_KIND_TASK);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *megabyte = make_megabyte ();
  const char *names[] = {
    "O'Neil \"Junior\"", "'; DELETE FROM audit_log; --", "x' OR '1'='1", "\u0645\u062D\u0645\u062F",
    "\U0001F600 \U0001F468\u200D\U0001F469\u200D\U0001F467", "tab\there\x7f\x1f", "%s%n%x", NULL,
  };

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  ct_record_set_case_id (child, ct_record_get_id (case_record));
  ct_record_set_string (child, "given-names", names[0]);
  ct_record_set_string (child, "family-name", names[1]);
  ct_record_set_strv (child, "aliases", names);
  ct_record_set_string (child, "address", names[3]);
  ct_record_set_string (child, "school", names[4]);
  ct_record_set_string (child, "gp", names[5]);
  ct_record_set_string (child, "religion", names[6]);
  ct_record_set_string (child, "narrative", megabyte);
  ct_record_set_string (child, "'; DROP TABLE cases; --", "field names are data too");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
  g_assert_no_error (error);

  store_fixture_reopen (fixture);
  got = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (child), &error);
  g_assert_no_error (error);
  g_assert_true (ct_record_equal_fields (got, child));
  g_assert_cmpstr (ct_record_get_string (got, "narrative"), ==, megabyte);
  g_assert_cmpstrv (ct_record_get_strv (got, "aliases"), names);

  found = ct_store_find_children_sync (fixture->store, names[0], names[1], NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  /* Plaintext columns refuse anything that could carry a name. */
  ct_record_set_reference (bad_ref, "CT-1'; DROP TABLE cases;--");
  g_assert_false (ct_store_insert_sync (fixture->store, STAFF, bad_ref, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
  g_clear_error (&error);
  ct_record_set_reference (bad_ref, "Quillabeth Vantongeren");
  g_assert_false (ct_store_insert_sync (fixture->store, STAFF, bad_ref, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
  g_clear_error (&error);
  ct_record_set_state (bad_state, "Quillabeth");
  g_assert_false (ct_store_insert_sync (fixture->store, STAFF, bad_state, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The audit log is plaintext: a staff id that could be a name or SQL is
   * refused, as are audit actions that are not short ids. */
  {
    g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);

    g_assert_false (ct_store_insert_sync (fixture->store, "'); DROP TABLE audit_log; --", task, &error));
    g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (ct_store_insert_sync (fixture->store, "Quillabeth Vantongeren", task, &error));
    g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (ct_store_run_transaction_sync (fixture->store, append_named_action, NULL, &error));
    g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_true (ct_store_insert_sync (fixture->store, "0b7e1a52-6f3c-4c1e-9a57-1d2c3b4a5f60", task, &error));
  }
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
}

/* }}} */

/* High-water mark {{{ */

static void
copy_bytes (const char *from,
            const char *to)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (to, contents, len, NULL));
}

static void
insert_tasks (StoreFixture *fixture,
              guint         n)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);

      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, task, &error));
      g_assert_no_error (error);
    }
}

static void
on_store_finalized (gpointer  data,
                    GObject  *where_the_object_was)
{
  GThread **thread = data;

  *thread = g_thread_self ();
}

/* A store dropped right after a call that waited for it goes there and
 * then, on the caller's thread: closed, its mark written, before the
 * caller does anything else with the file or the keyring, never later on
 * its worker thread. */
static void
test_close_last_reference_on_caller (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  store_fixture_close (fixture);
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);
      CtStore *store = ct_store_open_sync (fixture->path, &error);
      GThread *finalized_on = NULL;

      g_assert_no_error (error);
      g_object_weak_ref (G_OBJECT (store), on_store_finalized, &finalized_on);
      g_assert_true (ct_store_insert_sync (store, STAFF, task, &error));
      g_assert_no_error (error);
      g_object_unref (store);
      g_assert_true (finalized_on == g_thread_self ());
    }
  store_fixture_reopen (fixture);
}

static char *
last_audit_action (CtStore *store,
                   gint64  *out_seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = ct_store_list_audit_sync (store, &error);
  CtAuditEntry *last;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  last = g_ptr_array_index (entries, entries->len - 1);
  *out_seq = last->seq;
  return g_strdup (last->action);
}

/* An older copy of the file put back by hand is refused, read-only too,
 * and nothing changes; restoring the same copy is the way back, and the
 * log says so. */
static void
test_rollback_detected (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *old_copy = g_build_filename (fixture->dir, "old-copy.db", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *action = NULL;
  gint64 seq = 0;

  insert_tasks (fixture, 1);
  store_fixture_close (fixture);
  copy_bytes (fixture->path, old_copy);

  store_fixture_reopen (fixture);
  insert_tasks (fixture, 2);
  store_fixture_close (fixture);

  /* Put the older copy in place by hand. */
  copy_bytes (old_copy, fixture->path);
  before = snapshot_dir (fixture->dir);
  store = ct_store_open_sync (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK);
  g_test_message ("%s", error->message);
  /* It names both entries and the way back. */
  g_assert_nonnull (strstr (error->message, "entry 2,"));
  g_assert_nonnull (strstr (error->message, "entry 4."));
  g_assert_nonnull (strstr (error->message, "caretrail-admin restore"));
  g_clear_error (&error);

  store = ct_store_open_read_only_sync (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK);
  g_clear_error (&error);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);

  /* Restore takes it back on purpose. */
  g_assert_true (ct_store_restore_sync (fixture->path, old_copy, &saved, &error));
  g_assert_no_error (error);
  store_fixture_reopen (fixture);
  action = last_audit_action (fixture->store, &seq);
  g_assert_cmpstr (action, ==, "restore-backup");
  g_assert_cmpint (seq, ==, 3);
  g_assert_true (ct_store_verify_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);

  /* And the restored file goes on from there. */
  insert_tasks (fixture, 1);
  store_fixture_reopen (fixture);
}

/* A keyring without a mark (made before marks, or reset) takes the file
 * as it is, and from then on guards it. */
static void
test_rollback_missing_mark (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autofree char *old_copy = g_build_filename (fixture->dir, "old-copy.db", NULL);
  g_autofree char *newer = g_build_filename (fixture->dir, "newer.db", NULL);

  store_fixture_close (fixture);
  copy_bytes (fixture->path, old_copy);
  store_fixture_reopen (fixture);
  insert_tasks (fixture, 1);
  store_fixture_close (fixture);
  copy_bytes (fixture->path, newer);

  copy_bytes (old_copy, fixture->path);
  g_assert_true (ct_keyring_delete_mark (uuid, &error));
  g_assert_no_error (error);
  store_fixture_reopen (fixture);
  insert_tasks (fixture, 2);
  store_fixture_close (fixture);

  /* The file that was newer before is now behind what this computer
   * wrote. */
  copy_bytes (newer, fixture->path);
  assert_open_fails (fixture->path, CT_STORE_ERROR_ROLLED_BACK);
}

/* The mark is not written per record: a 200-record batch writes it a
 * handful of times at most (once per ten seconds), and closing writes the
 * batch's head, so putting back the file from before the batch is
 * caught. */
static void
test_rollback_mark_coalesced (StoreFixture  *fixture,
                              gconstpointer  data)
{
  g_autofree char *before_batch = g_build_filename (fixture->dir, "before-batch.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  gint64 started;
  guint writes;

  store_fixture_close (fixture);
  copy_bytes (fixture->path, before_batch);
  store_fixture_reopen (fixture);

  writes = ct_keyring_get_mark_writes ();
  started = g_get_monotonic_time ();
  insert_tasks (fixture, 200);
  g_test_message ("200 records in %.1f s: %u mark writes",
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                  ct_keyring_get_mark_writes () - writes);
  /* Without coalescing this would be 200. */
  g_assert_cmpuint (ct_keyring_get_mark_writes () - writes, <, 20);

  writes = ct_keyring_get_mark_writes ();
  store_fixture_close (fixture);
  g_assert_cmpuint (ct_keyring_get_mark_writes () - writes, ==, 1);

  copy_bytes (before_batch, fixture->path);
  store = ct_store_open_sync (fixture->path, &error);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK);
  g_assert_nonnull (strstr (error->message, "entry 201."));
}

/* A backup readable by others (0644) is restored as a database only the
 * user can read. */
static void
test_restore_private_mode (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (fixture->dir, "backup.db", NULL);
  GStatBuf st;

  g_assert_true (ct_store_backup_sync (fixture->store, backup, CT_BACKUP_NONE, &error));
  g_assert_no_error (error);
  store_fixture_close (fixture);
  g_assert_cmpint (g_chmod (backup, 0644), ==, 0);

  g_assert_true (ct_store_restore_sync (fixture->path, backup, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* The backup itself is left as it was. */
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
}

static void
assert_beside_wal_untouched (const char   *dir,
                             const char   *path,
                             gboolean      read_only,
                             CtStoreError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = snapshot_dir (dir);
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  store = read_only ? ct_store_open_read_only_sync (path, &error) : ct_store_open_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, (gint) code);
  /* snapshot_dir() leaves -shm out, so it is looked for by name. */
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  after = snapshot_dir (dir);
  assert_snapshots_equal (before, after);
}

/* What a crash leaves, a database and its WAL without a -shm, is left
 * byte for byte as it was by an open that fails, and no file appears;
 * an open that succeeds reads what the WAL holds. */
static void
test_fail_beside_wal (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);
  g_autoptr(CtKey) other_key = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) found = NULL;
  g_autofree char *uuid = g_strdup (ct_store_get_database_uuid (fixture->store));
  g_autofree char *crash_dir = g_build_filename (fixture->dir, "crash", NULL);
  g_autofree char *crash = g_build_filename (crash_dir, "caretrail.db", NULL);
  g_autofree char *crash_wal = g_strconcat (crash, "-wal", NULL);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, task, &error));
  g_assert_no_error (error);
  /* The store is open and idle: its file and WAL, copied now, are what a
   * power cut would leave. */
  g_assert_cmpint (g_mkdir (crash_dir, 0700), ==, 0);
  copy_bytes (fixture->path, crash);
  copy_bytes (wal, crash_wal);
  insert_tasks (fixture, 1);
  store_fixture_close (fixture);

  /* Older than what this computer wrote since. */
  assert_beside_wal_untouched (crash_dir, crash, FALSE, CT_STORE_ERROR_ROLLED_BACK);
  assert_beside_wal_untouched (crash_dir, crash, TRUE, CT_STORE_ERROR_ROLLED_BACK);

  /* The wrong key. */
  g_assert_true (ct_crypto_init (NULL));
  other_key = ct_key_new_random ();
  g_assert_true (ct_keyring_store_key (uuid, other_key, &error));
  g_assert_no_error (error);
  assert_beside_wal_untouched (crash_dir, crash, FALSE, CT_STORE_ERROR_WRONG_KEY);

  /* With the right key and no mark, it opens, and the record written just
   * before the copy, which is only in the WAL, is there. */
  g_assert_true (ct_store_recover_sync (fixture->path, fixture->recovery_code, &error));
  g_assert_no_error (error);
  g_assert_true (ct_keyring_delete_mark (uuid, &error));
  g_assert_no_error (error);
  store = ct_store_open_sync (crash, &error);
  g_assert_no_error (error);
  found = ct_store_get_sync (store, CT_RECORD_KIND_TASK, ct_record_get_id (task), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (ct_store_verify_sync (store, NULL, &error));
  g_assert_no_error (error);
  ct_store_close (store);
}

/* }}} */

/* Damaged settings {{{ */

/* A key check that is damaged is a damaged file: recovering the key
 * would not help, so the message must not send the user there. */
static void
test_fail_key_check_damaged (StoreFixture  *fixture,
                             gconstpointer  data)
{
  const char *values[] = {
    "x'00'",                                             /* not a MAC at all */
    "x'" "0000000000000000000000000000000000000000000000000000000000000000" "'", /* a MAC of nothing */
  };

  store_fixture_close (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) before = NULL;
      g_autoptr(GHashTable) after = NULL;
      g_autofree char *sql = g_strdup_printf ("UPDATE meta SET value = %s WHERE key = 'key-check'; "
                                              "PRAGMA wal_checkpoint(TRUNCATE);", values[i]);

      raw_exec (fixture->path, sql);
      before = snapshot_dir (fixture->dir);
      assert_open_fails (fixture->path, CT_STORE_ERROR_CORRUPT);
      g_assert_null (ct_store_open_read_only_sync (fixture->path, &error));
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "key check is damaged"));
      g_assert_null (strstr (error->message, "recover"));
      g_clear_error (&error);

      /* recover cannot mend it either, and says the same. */
      g_assert_false (ct_store_recover_sync (fixture->path, fixture->recovery_code, &error));
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "key check is damaged"));
      after = snapshot_dir (fixture->dir);
      assert_snapshots_equal (before, after);
    }
}

/* Recovery settings outside what Caretrail writes are refused at once,
 * by recover (which would otherwise stretch the code for hours) and by
 * every open, so verify reports them. */
static void
test_fail_recovery_limits (StoreFixture  *fixture,
                           gconstpointer  data)
{
  const struct { const char *key; const char *value; } cases[] = {
    { "recovery-opslimit", "x'0000010000000000'" },   /* 2^40 */
    { "recovery-opslimit", "x'00000000000f4240'" },   /* 10^6: allowed by libsodium, hours */
    { "recovery-opslimit", "x'0000000000000000'" },
    { "recovery-memlimit", "x'0000000100000000'" },   /* 4 GiB */
    { "recovery-memlimit", "x'01'" },                 /* not a number */
  };

  store_fixture_close (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *sql = g_strdup_printf ("UPDATE meta SET value = %s WHERE key = '%s'; "
                                              "PRAGMA wal_checkpoint(TRUNCATE);",
                                              cases[i].value, cases[i].key);
      g_autofree char *copy = g_strdup_printf ("%s.%u", fixture->path, i);
      gint64 started;

      copy_bytes (fixture->path, copy);
      raw_exec (copy, sql);

      started = g_get_monotonic_time ();
      g_assert_false (ct_store_recover_sync (copy, fixture->recovery_code, &error));
      /* Generous, so it cannot flake; stretching the code would take
       * hours, or run out of memory. */
      g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "recovery settings"));
      g_clear_error (&error);

      g_assert_null (ct_store_open_read_only_sync (copy, &error));
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "recovery settings"));
    }
}

/* }}} */

/* The audit log is plaintext: its actions come from fixed lists and its
 * record ids are record ids, so nothing typed can be written there. */
typedef struct
{
  const char *action;
  const char *record_id;
} AuditShape;

static gboolean
append_one (CtStoreTransaction  *txn,
            gpointer             user_data,
            GError             **error)
{
  const AuditShape *shape = user_data;

  return ct_store_transaction_append_audit (txn, STAFF, shape->action, shape->record_id, error);
}

static void
test_audit_fixed_shapes (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  const AuditShape refused[] = {
    { "jo-bloggs-born-01.02.2015", NULL },
    { "document-sent:secure-email:jo.bloggs", NULL },
    { "create:not-a-kind", NULL },
    { "escalated", "jo-bloggs" },
    { "escalated", "01.02.2015" },
  };
  const AuditShape accepted[] = {
    { "escalated", uuid },
    { "note", uuid },
    { "document-sent", uuid },
    { "document-kept:referral-confirmation", uuid },
    { "create:concern", uuid },
    { "backup", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      if (ct_store_run_transaction_sync (fixture->store, append_one, (gpointer) &refused[i], &error))
        g_error ("the audit log took “%s” for “%s”", refused[i].action,
                 refused[i].record_id != NULL ? refused[i].record_id : "(none)");
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!ct_store_run_transaction_sync (fixture->store, append_one, (gpointer) &accepted[i], &error))
        g_error ("the audit log refused “%s”: %s", accepted[i].action, error->message);
    }
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  g_test_init (&argc, &argv, NULL);

#define FIXTURE_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
/* Tests that read or edit the database file itself, which a server
 * database does not have: they run in the file variant only. */
#define FILE_TEST(path, func) \
  if (!store_test_on_server ()) \
    FIXTURE_TEST (path, func)

  g_test_add_func ("/store/record/accessors", test_record_accessors);
  g_test_add_func ("/store/record/time-ordered-ids", test_record_ids_time_ordered);
  FIXTURE_TEST ("/store/record/random-ids-still-work", test_random_ids_still_work);
  g_test_add_func ("/store/crypto/normalise", test_crypto_normalise);
  g_test_add_func ("/store/crypto/recovery-code", test_crypto_recovery_code);
  g_test_add_func ("/store/crypto/seal", test_crypto_seal);
  FIXTURE_TEST ("/store/roundtrip/every-kind", test_roundtrip_every_kind);
  g_test_add_func ("/store/roundtrip/async", test_roundtrip_async);
  FILE_TEST ("/store/migrations/from-empty", test_migrations_from_empty);
  FIXTURE_TEST ("/store/update/history", test_update_keeps_history);
  FIXTURE_TEST ("/store/update/conflict-two-desks", test_update_conflict_two_desks);
  FIXTURE_TEST ("/store/update/simultaneous-edits", test_update_simultaneous_edits);
  FIXTURE_TEST ("/store/transaction/rollback-and-commit", test_transaction_rollback_and_commit);
  FIXTURE_TEST ("/store/close/last-reference-on-caller", test_close_last_reference_on_caller);
  FIXTURE_TEST ("/store/audit/every-write-and-open", test_audit_every_write_and_open);
  FIXTURE_TEST ("/store/audit/fixed-shapes", test_audit_fixed_shapes);
  FIXTURE_TEST ("/store/blind-index/find-children", test_find_children);
  FILE_TEST ("/store/plaintext/none-on-disk", test_no_plaintext_on_disk);
  FILE_TEST ("/store/tamper/flip-ciphertext", test_tamper_flip_ciphertext);
  FILE_TEST ("/store/tamper/swap-rows", test_tamper_swap_rows);
  FILE_TEST ("/store/tamper/plaintext-metadata", test_tamper_plaintext_metadata);
  FILE_TEST ("/store/tamper/move-between-tables", test_tamper_move_between_tables);
  FILE_TEST ("/store/tamper/case-key", test_tamper_case_key);
  FILE_TEST ("/store/tamper/audit-edit", test_tamper_audit_edit);
  FILE_TEST ("/store/tamper/audit-edit-time", test_tamper_audit_edit_time);
  FILE_TEST ("/store/tamper/audit-delete", test_tamper_audit_delete);
  FILE_TEST ("/store/tamper/audit-delete-renumbered", test_tamper_audit_delete_renumbered);
  FILE_TEST ("/store/tamper/audit-delete-last", test_tamper_audit_delete_last);
  FILE_TEST ("/store/tamper/audit-insert", test_tamper_audit_insert);
  FILE_TEST ("/store/tamper/audit-reorder", test_tamper_audit_reorder);
  FIXTURE_TEST ("/store/failure/key-missing", test_fail_key_missing);
  FIXTURE_TEST ("/store/failure/foreign-database", test_fail_foreign_database);
  FIXTURE_TEST ("/store/failure/wrong-key", test_fail_wrong_key);
  FILE_TEST ("/store/failure/too-new", test_fail_too_new);
  FIXTURE_TEST ("/store/failure/not-a-database", test_fail_not_a_database);
  FILE_TEST ("/store/failure/corrupt", test_fail_corrupt);
  FILE_TEST ("/store/failure/identity-missing", test_fail_identity_missing);
  g_test_add_func ("/store/failure/no-database", test_fail_no_database);
  FIXTURE_TEST ("/store/failure/create-exists", test_fail_create_exists);
  FIXTURE_TEST ("/store/failure/bad-recovery-code", test_fail_bad_recovery_code);
  FIXTURE_TEST ("/store/recover/after-keyring-reset", test_recover_after_keyring_reset);
  FIXTURE_TEST ("/store/recover/replaces-wrong-key", test_recover_replaces_wrong_key);
  FILE_TEST ("/store/backup/restore", test_backup_and_restore);
  FILE_TEST ("/store/backup/restore-private-mode", test_restore_private_mode);
  FILE_TEST ("/store/rollback/detected", test_rollback_detected);
  FILE_TEST ("/store/rollback/missing-mark", test_rollback_missing_mark);
  FILE_TEST ("/store/rollback/mark-coalesced", test_rollback_mark_coalesced);
  FILE_TEST ("/store/failure/beside-wal", test_fail_beside_wal);
  FILE_TEST ("/store/failure/key-check-damaged", test_fail_key_check_damaged);
  FILE_TEST ("/store/failure/recovery-limits", test_fail_recovery_limits);
  FILE_TEST ("/store/erase/case", test_erase_case);
  FIXTURE_TEST ("/store/hostile/input", test_hostile_input);

  return g_test_run ();
}

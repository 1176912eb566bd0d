/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-summaries"

#include "config.h"

#include "ct-case-item.h"
#include "ct-crypto.h"
#include "ct-workflow.h"
#include "test-store-util.h"

/* ct_store_transaction_list_summaries() reads a few fields of many records
 * straight from their serialised form. These tests check it against the
 * whole records read the ordinary way, for every kind of value and every
 * width of GVariant's framing offsets, and that it fails closed on any
 * change to a record outside the store. */

#define STAFF "staff-1"

typedef struct
{
  const char * const *fields;
  GPtrArray *out;
  CtRecordKind kind;
} ListData;

static gboolean
list_summaries_body (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  ListData *data = user_data;

  data->out = ct_store_transaction_list_summaries (txn, data->kind, data->fields, error);
  return data->out != NULL;
}

static GPtrArray *
list_summaries (CtStore             *store,
                CtRecordKind         kind,
                const char * const  *fields,
                GError             **error)
{
  ListData data = { fields, NULL, kind };

  if (!ct_store_run_transaction_sync (store, list_summaries_body, &data, error))
    {
      g_clear_pointer (&data.out, g_ptr_array_unref);
      return NULL;
    }
  return data.out;
}

static GVariant *
record_field (CtRecord   *record,
              const char *name)
{
  g_autoptr(GVariant) fields = ct_record_dup_fields (record);

  return g_variant_lookup_value (fields, name, NULL);
}

/* Every summary has the metadata and the values of the full record. */
static void
assert_summaries_match (CtStore             *store,
                        CtRecordKind         kind,
                        const char * const  *fields)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = ct_store_list_sync (store, kind, NULL, &error);
  g_autoptr(GPtrArray) summaries = NULL;

  g_assert_no_error (error);
  summaries = list_summaries (store, kind, fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summaries);
  g_assert_cmpuint (summaries->len, ==, records->len);

  for (guint i = 0; i < records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (records, i);
      CtStoreSummary *summary = g_ptr_array_index (summaries, i);

      g_assert_cmpstr (summary->id, ==, ct_record_get_id (record));
      g_assert_cmpstr (summary->case_id, ==, ct_record_get_case_id (record));
      g_assert_cmpstr (summary->state, ==, ct_record_get_state (record));
      g_assert_cmpstr (summary->reference, ==, ct_record_get_reference (record));
      g_assert_cmpint (summary->created_at, ==, ct_record_get_created_at (record));
      g_assert_cmpint (summary->updated_at, ==, ct_record_get_updated_at (record));
      g_assert_cmpint (summary->due_at, ==, ct_record_get_due_at (record));
      g_assert_cmpint (summary->version, ==, ct_record_get_version (record));
      g_assert_cmpuint (summary->n_values, ==, g_strv_length ((char **) fields));

      for (guint f = 0; fields[f] != NULL; f++)
        {
          g_autoptr(GVariant) expected = record_field (record, fields[f]);

          if (expected == NULL)
            g_assert_null (summary->values[f]);
          else
            {
              g_assert_nonnull (summary->values[f]);
              if (!g_variant_equal (expected, summary->values[f]))
                {
                  g_autofree char *a = g_variant_print (expected, TRUE);
                  g_autofree char *b = g_variant_print (summary->values[f], TRUE);
                  g_error ("%s of %s: expected %s, read %s", fields[f], summary->id, a, b);
                }
            }
        }
    }
}

static char *
long_text (gsize len,
           char  c)
{
  char *text = g_malloc (len + 1);

  memset (text, c, len);
  text[len] = '\0';
  return text;
}

static void
test_summaries_match_records (StoreFixture  *fixture,
                              gconstpointer  data)
{
  static const char * const fields[] = {
    "given-names", "family-name", "aliases", "n", "flag", "bytes", "empty-aliases", "missing",
    "child-ids", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

  ct_record_set_reference (case_record, "CT-2026-0001");
  ct_record_set_state (case_record, "concern-recorded");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  g_assert_no_error (error);

  /* More than the store's threshold for unwrapping case keys in one go,
   * and records from a few bytes to more than 64 KiB, so the dictionaries
   * use 1-, 2- and 4-byte framing offsets. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
      g_autofree char *given = g_strdup_printf ("Zoë %u", i);
      g_autofree char *long_alias = long_text (i == 7 ? 70000 : i == 5 ? 300 : 3, 'a' + i % 26);
      const char *aliases[] = { "Zed", long_alias, "", NULL };
      static const guint8 raw[] = { 0, 1, 2, 255 };
      g_autoptr(GBytes) bytes = g_bytes_new_static (raw, i % 5);

      ct_record_set_case_id (child, ct_record_get_id (case_record));
      if (i % 10 != 9)
        {
          ct_record_set_string (child, "given-names", given);
          ct_record_set_string (child, "family-name", i % 3 ? "O’Brien" : "");
          ct_record_set_strv (child, "aliases", aliases);
          ct_record_set_int64 (child, "n", (gint64) i * G_GINT64_CONSTANT (1000000007));
          ct_record_set_boolean (child, "flag", i % 2);
          ct_record_set_strv (child, "empty-aliases", (const char * const[]) { NULL });
          ct_record_set_bytes (child, "bytes", bytes);
        }
      if (i % 4 == 0)
        ct_record_set_state (child, "state");
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
      g_assert_no_error (error);
    }

  assert_summaries_match (fixture->store, CT_RECORD_KIND_CHILD, fields);
  assert_summaries_match (fixture->store, CT_RECORD_KIND_CASE, fields);

  /* A fresh store, which unwraps every case key at once. */
  store_fixture_reopen (fixture);
  assert_summaries_match (fixture->store, CT_RECORD_KIND_CHILD, fields);
  assert_summaries_match (fixture->store, CT_RECORD_KIND_CASE, (const char * const[]) { NULL });
}

static void
test_summaries_in_creation_order (StoreFixture  *fixture,
                                  gconstpointer  data)
{
  static const char * const fields[] = { "child-ids", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(CtRecord) first = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) second = ct_record_new (CT_RECORD_KIND_CASE);
  const char *ids[] = { "child-a", "child-b", NULL };

  ct_record_set_reference (first, "CT-2026-0001");
  ct_record_set_strv (first, "child-ids", ids);
  ct_record_set_reference (second, "CT-2026-0002");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, first, &error));
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, second, &error));
  /* A correction keeps the record's place. */
  ct_record_set_state (first, "escalated");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, first, &error));
  g_assert_no_error (error);

  summaries = list_summaries (fixture->store, CT_RECORD_KIND_CASE, fields, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, 2);
  g_assert_cmpstr (((CtStoreSummary *) summaries->pdata[0])->reference, ==, "CT-2026-0001");
  g_assert_cmpstr (((CtStoreSummary *) summaries->pdata[0])->state, ==, "escalated");
  g_assert_cmpint (((CtStoreSummary *) summaries->pdata[0])->version, ==, 2);
  g_assert_cmpstr (((CtStoreSummary *) summaries->pdata[1])->reference, ==, "CT-2026-0002");
  g_assert_null (((CtStoreSummary *) summaries->pdata[1])->values[0]);
  {
    g_autofree const char **got = g_variant_get_strv (((CtStoreSummary *) summaries->pdata[0])->values[0], NULL);

    g_assert_cmpstrv (got, ids);
  }
}

static void
insert_children (StoreFixture *fixture,
                 guint         n,
                 char        **out_first_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);

      ct_record_set_case_id (child, ct_record_get_id (case_record));
      ct_record_set_string (child, "given-names", "Alpha");
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
      if (i == n / 2)
        *out_first_id = g_strdup (ct_record_get_id (child));
    }
  g_assert_no_error (error);
  store_fixture_close (fixture);
}

static void
raw_sql (const char *path,
         const char *sql)
{
  sqlite3 *db;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
expect_list_tampered (StoreFixture *fixture,
                      const char   *id)
{
  static const char * const fields[] = { "given-names", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = NULL;

  store_fixture_reopen (fixture);
  summaries = list_summaries (fixture->store, CT_RECORD_KIND_CHILD, fields, &error);
  g_assert_null (summaries);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, id));
}

static void
test_summaries_fail_closed_on_metadata (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;

  insert_children (fixture, 40, &id);
  sql = g_strdup_printf ("UPDATE children SET state = 'closed' WHERE id = '%s'", id);
  raw_sql (fixture->path, sql);
  expect_list_tampered (fixture, id);
}

static void
test_summaries_fail_closed_on_ciphertext (StoreFixture  *fixture,
                                          gconstpointer  data)
{
  g_autofree char *id = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  guint8 *copy;
  int len;

  insert_children (fixture, 3, &id);
  /* One bit of the ciphertext flipped. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT data FROM children WHERE id = ?", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  len = sqlite3_column_bytes (stmt, 0);
  copy = g_memdup2 (sqlite3_column_blob (stmt, 0), len);
  sqlite3_finalize (stmt);
  copy[len / 2] ^= 0x10;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE children SET data = ? WHERE id = ?", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, copy, len, g_free);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  expect_list_tampered (fixture, id);
}

static void
test_summaries_fail_closed_on_swapped_rows (StoreFixture  *fixture,
                                            gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;

  insert_children (fixture, 2, &id);
  /* Another record's ciphertext, valid in itself, moved into this row. */
  sql = g_strdup_printf ("UPDATE children SET data = (SELECT data FROM children WHERE id <> '%s')"
                         " WHERE id = '%s'", id, id);
  raw_sql (fixture->path, sql);
  expect_list_tampered (fixture, id);
}

static void
test_summaries_fail_closed_on_case_key (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  static const char * const fields[] = { "child-ids", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  /* Enough cases for the store to unwrap every case key in one go. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
      g_assert_no_error (error);
      if (i == 10)
        first = g_strdup (ct_record_get_id (case_record));
      if (i == 20)
        second = g_strdup (ct_record_get_id (case_record));
    }
  store_fixture_close (fixture);

  /* Two cases' keys swapped: each is a valid wrapped key, of another case. */
  sql = g_strdup_printf ("CREATE TEMP TABLE k AS SELECT case_id, wrapped FROM case_keys;"
                         "UPDATE case_keys SET wrapped = (SELECT wrapped FROM k WHERE case_id = '%s') WHERE case_id = '%s';"
                         "UPDATE case_keys SET wrapped = (SELECT wrapped FROM k WHERE case_id = '%s') WHERE case_id = '%s';",
                         second, first, first, second);
  raw_sql (fixture->path, sql);

  store_fixture_reopen (fixture);
  summaries = list_summaries (fixture->store, CT_RECORD_KIND_CASE, fields, &error);
  g_assert_null (summaries);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "case_keys"));
}

typedef struct
{
  GHashTable *seen;
  guint stop_after;            /* 0: never */
} WalkData;

static gboolean
count_summary_cb (const CtStoreSummary  *summary,
                  gpointer               user_data,
                  GError               **error)
{
  WalkData *walk = user_data;

  g_assert_false (g_hash_table_contains (walk->seen, summary->id));
  g_assert_cmpuint (summary->n_values, ==, 1);
  g_assert_cmpstr (g_variant_get_string (summary->values[0], NULL), ==, "Alpha");
  g_hash_table_add (walk->seen, g_strdup (summary->id));
  if (walk->stop_after > 0 && g_hash_table_size (walk->seen) == walk->stop_after)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stopped");
      return FALSE;
    }
  return TRUE;
}

static gboolean
walk_body (CtStoreTransaction  *txn,
           gpointer             user_data,
           GError             **error)
{
  static const char * const fields[] = { "given-names", NULL };

  return ct_store_transaction_foreach_summary (txn, CT_RECORD_KIND_CHILD, fields, count_summary_cb,
                                               user_data, error);
}

/* The walk gives each record once, and stops, with the callback's error,
 * when the callback says so. */
static void
test_summaries_foreach (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *id = NULL;
  WalkData walk = { seen, 0 };

  insert_children (fixture, 40, &id);
  store_fixture_reopen (fixture);
  g_assert_true (ct_store_run_transaction_sync (fixture->store, walk_body, &walk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 40);
  g_assert_true (g_hash_table_contains (seen, id));

  g_hash_table_remove_all (seen);
  walk.stop_after = 7;
  g_assert_false (ct_store_run_transaction_sync (fixture->store, walk_body, &walk, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 7);
}

/* The walk authenticates every record: a flipped bit in one record's
 * ciphertext stops it with the record named. */
static void
test_summaries_foreach_tampered (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *id = NULL;
  g_autofree char *sql = NULL;
  WalkData walk = { seen, 0 };

  insert_children (fixture, 40, &id);
  sql = g_strdup_printf ("UPDATE children SET data = (SELECT data FROM children WHERE id <> '%s' LIMIT 1)"
                         " WHERE id = '%s'", id, id);
  raw_sql (fixture->path, sql);
  store_fixture_reopen (fixture);
  g_assert_false (ct_store_run_transaction_sync (fixture->store, walk_body, &walk, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, id));
  g_assert_false (g_hash_table_contains (seen, id));
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *items;
  CtWorkflow *workflow;
  GError *error;
} Load;

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Load *load = user_data;

  load->workflow = ct_workflow_open_and_load_finish (result, &load->items, &load->error);
  g_main_loop_quit (load->loop);
}

/* The window's load gives the case list its items in the order the cases
 * were created, each naming its children, with cases
 * enough that the case keys are unwrapped in one batch. */
static void
test_workflow_load_order (StoreFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Load load = { NULL, NULL, NULL, NULL };
  const guint n = 60;
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);

  ct_record_set_string (organisation, "name", "Example Test Organisation (fictional)");
  ct_record_set_string (organisation, "dso-name", "Dana Demo");
  ct_record_set_string (organisation, "nation", "england-and-wales");
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, organisation, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
      g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04u", n - i);
      g_autofree char *family = g_strdup_printf ("Family%u", i);
      const char *aliases[] = { "Alias One", "Alias Two", NULL };
      const char *ids[] = { ct_record_get_id (child), NULL };

      ct_record_set_reference (case_record, reference);
      ct_record_set_state (case_record, "awaiting-decision");
      ct_record_set_strv (case_record, "child-ids", ids);
      ct_record_set_string (child, "given-names", "Sam");
      ct_record_set_string (child, "family-name", family);
      if (i % 2 == 0)
        ct_record_set_strv (child, "aliases", aliases);
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, case_record, &error));
      ct_record_set_case_id (child, ct_record_get_id (case_record));
      g_assert_true (ct_store_insert_sync (fixture->store, STAFF, child, &error));
      g_assert_no_error (error);
    }
  store_fixture_close (fixture);

  load.loop = g_main_loop_new (NULL, FALSE);
  ct_workflow_open_and_load_async (fixture->path, NULL, on_loaded_cb, &load);
  g_main_loop_run (load.loop);
  g_assert_no_error (load.error);
  g_assert_nonnull (load.workflow);
  g_assert_cmpuint (load.items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      CtCaseItem *item = g_ptr_array_index (load.items, i);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04u", n - i);
      g_autofree char *names = g_strdup_printf ("Sam Family%u", i);

      g_assert_cmpstr (ct_case_item_get_reference (item), ==, reference);
      g_assert_cmpstr (ct_case_item_get_children (item), ==, names);
    }

  ct_store_close (ct_workflow_get_store (load.workflow));
  g_ptr_array_unref (load.items);
  g_object_unref (load.workflow);
  g_main_loop_unref (load.loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  require_private_session ();
  g_test_init (&argc, &argv, NULL);
  if (!ct_crypto_init (&error))
    g_error ("%s", error->message);

  g_test_add ("/store/summaries/match-records", StoreFixture, NULL, store_fixture_set_up,
              test_summaries_match_records, store_fixture_tear_down);
  g_test_add ("/store/summaries/creation-order", StoreFixture, NULL, store_fixture_set_up,
              test_summaries_in_creation_order, store_fixture_tear_down);
  /* These edit the database file itself: the file variant only. */
  if (!store_test_on_server ())
    {
      g_test_add ("/store/summaries/tampered-metadata", StoreFixture, NULL, store_fixture_set_up,
                  test_summaries_fail_closed_on_metadata, store_fixture_tear_down);
      g_test_add ("/store/summaries/tampered-ciphertext", StoreFixture, NULL, store_fixture_set_up,
                  test_summaries_fail_closed_on_ciphertext, store_fixture_tear_down);
      g_test_add ("/store/summaries/swapped-rows", StoreFixture, NULL, store_fixture_set_up,
                  test_summaries_fail_closed_on_swapped_rows, store_fixture_tear_down);
      g_test_add ("/store/summaries/tampered-case-key", StoreFixture, NULL, store_fixture_set_up,
                  test_summaries_fail_closed_on_case_key, store_fixture_tear_down);
    }

  g_test_add ("/store/summaries/foreach", StoreFixture, NULL, store_fixture_set_up,
              test_summaries_foreach, store_fixture_tear_down);
  /* This one edits the database file itself too. */
  if (!store_test_on_server ())
    g_test_add ("/store/summaries/foreach-tampered", StoreFixture, NULL, store_fixture_set_up,
                test_summaries_foreach_tampered, store_fixture_tear_down);
  g_test_add ("/store/summaries/workflow-load-order", StoreFixture, NULL, store_fixture_set_up,
              test_workflow_load_order, store_fixture_tear_down);

  return g_test_run ();
}

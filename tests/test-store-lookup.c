/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-lookup"

#include "config.h"

#include "ct-case-documents.h"
#include "ct-store.h"
#include "ct-store-backend.h"
#include "test-store-util.h"

/*
 * Finding one record must not read the others: a case by its reference,
 * a child by the blind index and a document by its id each decrypt only
 * what they return. Each test proves it the hard way: every other record
 * of the kind has its ciphertext replaced, so that decrypting any of them
 * fails as tampered, and the lookup must still succeed.
 *
 * Also here: records read one at a time (cases in the order of their
 * references), the audit seal's cheaper check before a write, and the
 * migration that indexes the audit log of an older database.
 */

#define N_CASES 12
#define STAFF "test-staff"

typedef struct
{
  StoreFixture store;
  char *case_ids[N_CASES];
  char *child_ids[N_CASES];
  char *document_ids[N_CASES];
} Fixture;

static char *
reference_for (guint i)
{
  /* Inserted in an order unlike the references' own. */
  return g_strdup_printf ("CT-2026-%04u", (i * 7) % N_CASES + 1);
}

static void
insert (CtStore  *store,
        CtRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ct_store_insert_sync (store, STAFF, record, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  store_fixture_set_up (&fixture->store, data);

  for (guint i = 0; i < N_CASES; i++)
    {
      g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
      g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
      g_autoptr(CtRecord) document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
      g_autofree char *reference = reference_for (i);
      g_autofree char *family = g_strdup_printf ("Family%u", i);

      ct_record_set_reference (case_record, reference);
      ct_record_set_state (case_record, "concern-recorded");
      ct_record_set_string (case_record, "title", "Fictional case");
      insert (fixture->store.store, case_record);
      fixture->case_ids[i] = g_strdup (ct_record_get_id (case_record));

      ct_record_set_case_id (child, fixture->case_ids[i]);
      ct_record_set_string (child, "given-names", "Sample");
      ct_record_set_string (child, "family-name", family);
      ct_record_set_string (child, "date-of-birth", "2015-04-01");
      insert (fixture->store.store, child);
      fixture->child_ids[i] = g_strdup (ct_record_get_id (child));

      ct_record_set_case_id (document, fixture->case_ids[i]);
      ct_record_set_string (document, "kind", "record-of-concern");
      ct_record_set_string (document, "title", "Record of concern");
      insert (fixture->store.store, document);
      fixture->document_ids[i] = g_strdup (ct_record_get_id (document));
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  for (guint i = 0; i < N_CASES; i++)
    {
      g_free (fixture->case_ids[i]);
      g_free (fixture->child_ids[i]);
      g_free (fixture->document_ids[i]);
    }
  store_fixture_tear_down (&fixture->store, data);
}

/* Replaces the ciphertext of every row of @table but @keep's with bytes
 * that cannot authenticate, with the store closed, then reopens it. */
static void
corrupt_all_but (Fixture    *fixture,
                 const char *table,
                 const char *keep)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET data = randomblob(length(data)) WHERE id != '%s'",
                                          table, keep);

  store_fixture_close (&fixture->store);
  raw_exec (fixture->store.path, sql);
  store_fixture_reopen (&fixture->store);
}

/* Every other record of @kind really is unreadable now. */
static void
assert_list_fails (Fixture      *fixture,
                   CtRecordKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = ct_store_list_sync (fixture->store.store, kind, NULL, &error);

  g_assert_null (all);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

static void
test_case_by_reference (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) found = NULL;
  g_autoptr(CtRecord) by_id = NULL;
  g_autoptr(CtRecord) by_documents = NULL;
  g_autoptr(CtRecord) missing = NULL;
  g_autofree char *reference = reference_for (5);

  corrupt_all_but (fixture, "cases", fixture->case_ids[5]);
  assert_list_fails (fixture, CT_RECORD_KIND_CASE);

  found = ct_store_find_case_sync (fixture->store.store, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (found), ==, fixture->case_ids[5]);
  g_assert_cmpstr (ct_record_get_reference (found), ==, reference);
  g_assert_cmpstr (ct_record_get_string (found, "title"), ==, "Fictional case");

  /* A case id finds it too, as `letter --case` has always allowed. */
  by_id = ct_store_find_case_sync (fixture->store.store, fixture->case_ids[5], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_reference (by_id), ==, reference);

  /* The letters' own lookup goes the same way. */
  by_documents = ct_case_find_sync (fixture->store.store, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (by_documents), ==, fixture->case_ids[5]);

  missing = ct_store_find_case_sync (fixture->store.store, "CT-2026-9999", &error);
  g_assert_null (missing);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "CT-2026-9999"));
  g_clear_error (&error);

  /* A corrupted case found by its reference is reported, not skipped. */
  {
    g_autofree char *other = reference_for (6);
    g_autoptr(CtRecord) tampered = ct_store_find_case_sync (fixture->store.store, other, &error);

    g_assert_null (tampered);
    g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  }
}

static gboolean
find_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  CtRecord **out = user_data;

  *out = ct_store_transaction_find_case (txn, "CT-2026-0003", error);
  return *out != NULL;
}

static void
test_case_by_reference_in_transaction (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) found = NULL;
  const char *keep = NULL;

  for (guint i = 0; i < N_CASES; i++)
    {
      g_autofree char *reference = reference_for (i);

      if (g_str_equal (reference, "CT-2026-0003"))
        keep = fixture->case_ids[i];
    }
  g_assert_nonnull (keep);

  corrupt_all_but (fixture, "cases", keep);
  g_assert_true (ct_store_run_transaction_sync (fixture->store.store, find_in_transaction, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (found), ==, keep);
}

static gboolean
list_references_in_transaction (CtStoreTransaction  *txn,
                                gpointer             user_data,
                                GError             **error)
{
  GPtrArray **out = user_data;

  *out = ct_store_transaction_list_references (txn, "CT-2026-", error);
  return *out != NULL;
}

/* The references of a year are read from the index, never decrypted. */
static void
test_references_of_a_year (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) references = NULL;
  g_autoptr(CtRecord) other_year = ct_record_new (CT_RECORD_KIND_CASE);

  ct_record_set_reference (other_year, "CT-2025-0042");
  insert (fixture->store.store, other_year);
  corrupt_all_but (fixture, "cases", "none");

  g_assert_true (ct_store_run_transaction_sync (fixture->store.store, list_references_in_transaction,
                                                &references, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (references->len, ==, N_CASES);
  for (guint i = 0; i < references->len; i++)
    g_assert_true (g_str_has_prefix (g_ptr_array_index (references, i), "CT-2026-"));
}

typedef struct
{
  const char *prefix;
  char       *last;
  GPtrArray  *listed;
} LastReference;

static gboolean
last_reference_in_transaction (CtStoreTransaction  *txn,
                               gpointer             user_data,
                               GError             **error)
{
  LastReference *lookup = user_data;

  g_clear_pointer (&lookup->last, g_free);
  g_clear_pointer (&lookup->listed, g_ptr_array_unref);
  if (!ct_store_transaction_last_reference (txn, lookup->prefix, &lookup->last, error))
    return FALSE;
  lookup->listed = ct_store_transaction_list_references (txn, lookup->prefix, error);
  return lookup->listed != NULL;
}

/* The highest number among @references, worked out the long way, as
 * numbers: what the next reference was once computed from. */
static const char *
highest_listed (GPtrArray  *references,
                const char *prefix)
{
  const char *highest = NULL;
  guint64 highest_number = 0;

  for (guint i = 0; i < references->len; i++)
    {
      const char *reference = g_ptr_array_index (references, i);
      guint64 number;

      if (g_ascii_string_to_unsigned (reference + strlen (prefix), 10, 0, G_MAXUINT64, &number, NULL) &&
          (highest == NULL || number > highest_number))
        {
          highest = reference;
          highest_number = number;
        }
    }
  return highest;
}

static void
assert_last_reference (Fixture    *fixture,
                       const char *prefix,
                       const char *expected)
{
  g_autoptr(GError) error = NULL;
  LastReference lookup = { prefix, NULL, NULL };

  g_assert_true (ct_store_run_transaction_sync (fixture->store.store, last_reference_in_transaction,
                                                &lookup, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lookup.last, ==, expected);
  /* The same answer as reading every reference of the year. */
  g_assert_cmpstr (lookup.last, ==, highest_listed (lookup.listed, prefix));
  g_free (lookup.last);
  g_ptr_array_unref (lookup.listed);
}

static void
insert_case_with_reference (Fixture    *fixture,
                            const char *reference)
{
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

  ct_record_set_reference (case_record, reference);
  insert (fixture->store.store, case_record);
}

/* The year's highest reference is one lookup in the index of references,
 * numbers compared as numbers, other years and other forms left out, and
 * nothing decrypted. */
static void
test_last_reference_of_a_year (Fixture       *fixture,
                               gconstpointer  data)
{
  insert_case_with_reference (fixture, "CT-2025-0042");
  insert_case_with_reference (fixture, "CT-2027-0003");
  insert_case_with_reference (fixture, "CT-DEMO-00099");
  corrupt_all_but (fixture, "cases", "none");

  /* The fixture's cases are CT-2026-0001 to CT-2026-0012. */
  assert_last_reference (fixture, "CT-2026-", "CT-2026-0012");
  assert_last_reference (fixture, "CT-2025-", "CT-2025-0042");
  assert_last_reference (fixture, "CT-2027-", "CT-2027-0003");
  assert_last_reference (fixture, "CT-2028-", NULL);

  /* After a gap, the highest; a reference that is not the year's plain
   * number does not count. */
  insert_case_with_reference (fixture, "CT-2026-0020");
  insert_case_with_reference (fixture, "CT-2026-0500/A");
  insert_case_with_reference (fixture, "CT-2026-0600-B");
  assert_last_reference (fixture, "CT-2026-", "CT-2026-0020");

  /* Past 9,999 the number has five digits and sorts before 9999 as text. */
  insert_case_with_reference (fixture, "CT-2026-9999");
  assert_last_reference (fixture, "CT-2026-", "CT-2026-9999");
  insert_case_with_reference (fixture, "CT-2026-10000");
  assert_last_reference (fixture, "CT-2026-", "CT-2026-10000");
  insert_case_with_reference (fixture, "CT-2026-10001");
  insert_case_with_reference (fixture, "CT-2026-9998");
  assert_last_reference (fixture, "CT-2026-", "CT-2026-10001");
  assert_last_reference (fixture, "CT-2025-", "CT-2025-0042");
}

/* The fallback for a backend without the lookup compares the same way. */
static void
test_compare_reference_numbers (void)
{
  g_assert_cmpint (ct_store_backend_compare_numbers ("0012", "0020"), <, 0);
  g_assert_cmpint (ct_store_backend_compare_numbers ("10000", "9999"), >, 0);
  g_assert_cmpint (ct_store_backend_compare_numbers ("0100", "100"), ==, 0);
  g_assert_cmpint (ct_store_backend_compare_numbers ("0999", "1000"), <, 0);
  g_assert_cmpint (ct_store_backend_compare_numbers ("0001", "0001"), ==, 0);
}

static void
test_child_by_blind_index (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  corrupt_all_but (fixture, "children", fixture->child_ids[3]);
  assert_list_fails (fixture, CT_RECORD_KIND_CHILD);

  found = ct_store_find_children_sync (fixture->store.store, "Sample", "Family3", "2015-04-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (found, 0)), ==, fixture->child_ids[3]);
}

static void
test_document_by_id (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) found = NULL;

  corrupt_all_but (fixture, "documents", fixture->document_ids[8]);
  assert_list_fails (fixture, CT_RECORD_KIND_DOCUMENT);

  found = ct_store_get_sync (fixture->store.store, CT_RECORD_KIND_DOCUMENT, fixture->document_ids[8], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_case_id (found), ==, fixture->case_ids[8]);
  g_assert_cmpstr (ct_record_get_string (found, "kind"), ==, "record-of-concern");
}

static gboolean
collect_reference_cb (CtRecord  *record,
                      gpointer   user_data,
                      GError   **error)
{
  g_ptr_array_add (user_data, g_strdup (ct_record_get_reference (record)));
  return TRUE;
}

/* Cases come one at a time in the order of their references, each
 * authenticated: a damaged one stops the walk. */
static void
test_foreach (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (ct_store_foreach_sync (fixture->store.store, CT_RECORD_KIND_CASE, collect_reference_cb,
                                        references, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (references->len, ==, N_CASES);
  for (guint i = 0; i < references->len; i++)
    {
      g_autofree char *expected = g_strdup_printf ("CT-2026-%04u", i + 1);

      g_assert_cmpstr (g_ptr_array_index (references, i), ==, expected);
    }

  g_assert_true (ct_store_foreach_sync (fixture->store.store, CT_RECORD_KIND_CHILD, collect_reference_cb,
                                        children, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (children->len, ==, N_CASES);

  corrupt_all_but (fixture, "cases", fixture->case_ids[0]);
  g_assert_false (ct_store_foreach_sync (fixture->store.store, CT_RECORD_KIND_CASE, collect_reference_cb,
                                         again, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
insert_case (CtStore     *store,
             const char  *reference,
             GError     **error)
{
  g_autoptr(CtRecord) record = ct_record_new (CT_RECORD_KIND_CASE);

  ct_record_set_reference (record, reference);
  ct_store_insert_sync (store, STAFF, record, error);
}

/* The count before a write is taken once per connection; but an entry
 * deleted from the middle of the log by anything else while the store is
 * open must still stop the next write, as it did when every write
 * counted the log. */
static void
test_seal_check_sees_other_writers (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 entries;

  insert_case (fixture->store.store, "CT-2027-0001", &error);
  g_assert_no_error (error);
  entries = raw_int (fixture->store.path, "SELECT count(*) FROM audit_log");

  raw_exec (fixture->store.path, "DELETE FROM audit_log WHERE seq = 3");
  insert_case (fixture->store.store, "CT-2027-0002", &error);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "does not match its seal"));
  g_clear_error (&error);
  g_assert_cmpint (raw_int (fixture->store.path, "SELECT count(*) FROM audit_log"), ==, entries - 1);

  /* And so does the same deletion made while the store was closed. */
  store_fixture_reopen (&fixture->store);
  insert_case (fixture->store.store, "CT-2027-0003", &error);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

/* Writes by this store alone go on without recounting, and stay sound. */
static void
test_seal_check_own_writes (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *reference = g_strdup_printf ("CT-2027-%04u", i + 1);

      insert_case (fixture->store.store, reference, &error);
      g_assert_no_error (error);
    }

  /* Another writer that leaves the log sound is no reason to stop. */
  store_fixture_close (&fixture->store);
  store_fixture_reopen (&fixture->store);
  insert_case (fixture->store.store, "CT-2027-0100", &error);
  g_assert_no_error (error);

  g_assert_true (ct_store_verify_sync (fixture->store.store, NULL, &error));
  g_assert_no_error (error);
}

/* A database from before schema 3 gets the index its log is counted by
 * when it is next opened; nothing else changes and it stays verifiable. */
static void
test_migration_indexes_old_database (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) found = NULL;
  g_autofree char *reference = reference_for (2);
  gint64 entries;

  store_fixture_close (&fixture->store);
  raw_exec (fixture->store.path, "DROP INDEX audit_log_seq; ALTER TABLE audit_log DROP COLUMN member_id;"
                                 " ALTER TABLE audit_log DROP COLUMN signature; PRAGMA user_version = 2");
  g_assert_cmpint (raw_int (fixture->store.path, "SELECT count(*) FROM sqlite_schema WHERE name = 'audit_log_seq'"), ==, 0);
  entries = raw_int (fixture->store.path, "SELECT count(*) FROM audit_log");

  store_fixture_reopen (&fixture->store);
  g_assert_cmpint (raw_int (fixture->store.path, "PRAGMA user_version"), ==, 4);
  g_assert_cmpint (raw_int (fixture->store.path,
                            "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'audit_log_seq'"), ==, 1);
  /* The index covers every entry already in the log. */
  g_assert_cmpint (raw_int (fixture->store.path, "SELECT count(*) FROM audit_log INDEXED BY audit_log_seq WHERE seq > 0"),
                   ==, entries);

  found = ct_store_find_case_sync (fixture->store.store, reference, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (found), ==, fixture->case_ids[2]);

  insert_case (fixture->store.store, "CT-2027-0001", &error);
  g_assert_no_error (error);
  g_assert_true (ct_store_verify_sync (fixture->store.store, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/lookup/case-by-reference", test_case_by_reference);
  ADD ("/store/lookup/case-by-reference-in-transaction", test_case_by_reference_in_transaction);
  ADD ("/store/lookup/references-of-a-year", test_references_of_a_year);
  ADD ("/store/lookup/last-reference-of-a-year", test_last_reference_of_a_year);
  g_test_add_func ("/store/lookup/compare-reference-numbers", test_compare_reference_numbers);
  ADD ("/store/lookup/child-by-blind-index", test_child_by_blind_index);
  ADD ("/store/lookup/document-by-id", test_document_by_id);
  ADD ("/store/lookup/foreach", test_foreach);
  ADD ("/store/lookup/seal-check-sees-other-writers", test_seal_check_sees_other_writers);
  ADD ("/store/lookup/seal-check-own-writes", test_seal_check_own_writes);
  ADD ("/store/lookup/migration-indexes-old-database", test_migration_indexes_old_database);
#undef ADD

  return g_test_run ();
}

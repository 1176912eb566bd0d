/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-tamper"

#include "config.h"

#include "ct-keyring.h"
#include "ct-store.h"
#include "test-store-util.h"

/*
 * Someone who can write the database file but has no key edits it with
 * SQLite directly, then Caretrail is used as usual: one ordinary write (a
 * member of staff opens a case) and `caretrail-admin verify`. Every kind
 * of edit must be caught, by the write being refused or by verify.
 *
 * One small database is built once, like the demo: an organisation, a
 * member of staff, three cases each with a child, a concern and
 * chronology entries, some of them corrected so they have a history.
 * Each tampering works on a fresh copy of it (the key is kept in the
 * keyring by the database's UUID, so every copy opens with it).
 */

#define N_CASES 3

typedef struct
{
  char *case_id;
  char *child_id;
  char *concern_id;
  char *chronology_ids[2];
} DemoCase;

static struct
{
  char *dir;
  char *path;
  char *staff_id;
  DemoCase cases[N_CASES];
  guint n_copies;
} demo;

static void
insert (CtStore  *store,
        CtRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ct_store_insert_sync (store, demo.staff_id != NULL ? demo.staff_id : "caretrail-admin",
                                       record, &error));
  g_assert_no_error (error);
}

static void
correct (CtStore    *store,
         CtRecord   *record,
         const char *field,
         const char *value)
{
  g_autoptr(GError) error = NULL;

  ct_record_set_string (record, field, value);
  g_assert_true (ct_store_update_sync (store, demo.staff_id, record, &error));
  g_assert_no_error (error);
}

static void
build_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) staff = ct_record_new (CT_RECORD_KIND_STAFF);
  char *recovery_code = NULL;

  demo.dir = g_dir_make_tmp ("ct-tamper-XXXXXX", &error);
  g_assert_no_error (error);
  demo.path = g_build_filename (demo.dir, "demo.db", NULL);
  store = ct_store_create_sync (demo.path, &recovery_code, &error);
  g_assert_no_error (error);
  g_free (recovery_code);

  ct_record_set_string (organisation, "name", "Example Mediation");
  insert (store, organisation);
  ct_record_set_string (staff, "name", "Dana Shaw");
  ct_record_set_string (staff, "role", "dso");
  insert (store, staff);
  demo.staff_id = g_strdup (ct_record_get_id (staff));

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
      g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
      g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04u", i + 1);

      ct_record_set_reference (case_record, reference);
      ct_record_set_state (case_record, "new");
      insert (store, case_record);
      c->case_id = g_strdup (ct_record_get_id (case_record));

      ct_record_set_case_id (child, c->case_id);
      ct_record_set_string (child, "given-names", "Pip");
      ct_record_set_string (child, "family-name", "Example");
      ct_record_set_string (child, "date-of-birth", "2015-03-10");
      insert (store, child);
      c->child_id = g_strdup (ct_record_get_id (child));

      ct_record_set_case_id (concern, c->case_id);
      ct_record_set_state (concern, "awaiting-decision");
      ct_record_set_string (concern, "narrative", "A first account.");
      insert (store, concern);
      c->concern_id = g_strdup (ct_record_get_id (concern));

      for (guint j = 0; j < G_N_ELEMENTS (c->chronology_ids); j++)
        {
          g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);

          ct_record_set_case_id (entry, c->case_id);
          ct_record_set_string (entry, "summary", "Concern recorded");
          insert (store, entry);
          c->chronology_ids[j] = g_strdup (ct_record_get_id (entry));
          if (j == 0)
            correct (store, entry, "summary", "Concern recorded and discussed");
        }

      /* Histories: the concern corrected twice, the child and the case
       * once. */
      correct (store, concern, "narrative", "A second account.");
      correct (store, concern, "narrative", "A third account.");
      correct (store, child, "given-names", "Philippa");
      ct_record_set_state (case_record, "escalated");
      g_assert_true (ct_store_update_sync (store, demo.staff_id, case_record, &error));
      g_assert_no_error (error);
    }

  g_assert_true (ct_store_verify_sync (store, NULL, &error));
  g_assert_no_error (error);
  ct_store_close (store);
  /* One self-contained file to copy. */
  raw_exec (demo.path, "PRAGMA wal_checkpoint(TRUNCATE)");
}

static void
free_demo (void)
{
  g_free (demo.staff_id);
  for (guint i = 0; i < N_CASES; i++)
    {
      g_free (demo.cases[i].case_id);
      g_free (demo.cases[i].child_id);
      g_free (demo.cases[i].concern_id);
      for (guint j = 0; j < G_N_ELEMENTS (demo.cases[i].chronology_ids); j++)
        g_free (demo.cases[i].chronology_ids[j]);
    }
  remove_tree (demo.dir);
  g_free (demo.dir);
  g_free (demo.path);
}

static char *
copy_demo (void)
{
  g_autofree char *name = g_strdup_printf ("copy-%u.db", demo.n_copies++);
  char *path = g_build_filename (demo.dir, name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (demo.path);
  g_autoptr(GFile) to = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_autofree char *uuid = NULL;

  g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Every copy starts from the demo file, which is older than a copy an
   * earlier test wrote to: forget the high-water mark, as a fresh keyring
   * would, so that only the tampering under test is in the way. */
  g_assert_true (ct_store_peek_sync (path, &uuid, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ct_keyring_delete_mark (uuid, &error));
  g_assert_no_error (error);
  return path;
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

typedef enum
{
  CAUGHT_NOT,
  CAUGHT_BY_WRITE,   /* the write was refused (verify fails too) */
  CAUGHT_BY_VERIFY,  /* the write went through; verify failed */
} Caught;

/* Opens the copy, opens a case (a write), and verifies. @expect is a part
 * of the message that names the kind of tampering. */
static Caught
use_copy (const char *path,
          const char *write_case_id,
          const char *expect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) opened = NULL;
  g_autofree char *message = NULL;
  gint64 entries_before;
  Caught caught = CAUGHT_NOT;

  entries_before = count_rows (path, "SELECT count(*) FROM audit_log");
  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);

  opened = ct_store_open_case_sync (store, demo.staff_id, write_case_id, &error);
  if (opened == NULL)
    {
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
      g_assert_nonnull (strstr (error->message, "does not match its seal"));
      g_assert_nonnull (strstr (error->message, "caretrail-admin verify"));
      message = g_strdup (error->message);
      g_clear_error (&error);
      caught = CAUGHT_BY_WRITE;
    }

  if (!ct_store_verify_sync (store, NULL, &error))
    {
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
      if (caught == CAUGHT_NOT)
        {
          caught = CAUGHT_BY_VERIFY;
          message = g_strdup (error->message);
        }
    }
  else if (caught == CAUGHT_BY_WRITE)
    g_error ("The write was refused but verify passed: %s", message);

  ct_store_close (store);

  /* A refused write wrote nothing. */
  if (caught == CAUGHT_BY_WRITE)
    g_assert_cmpint (count_rows (path, "SELECT count(*) FROM audit_log"), ==, entries_before);

  if (caught != CAUGHT_NOT && expect != NULL && strstr (message, expect) == NULL)
    g_error ("The tampering was caught, but “%s” does not say “%s”", message, expect);
  if (caught != CAUGHT_NOT)
    g_debug ("%s", message);
  return caught;
}

typedef struct
{
  const char *name;
  guint detected;
  guint total;
} Tally;

static void
tamper_and_check (Tally      *tally,
                  const char *sql,
                  const char *write_case_id,
                  const char *expect)
{
  g_autofree char *path = copy_demo ();

  raw_exec (path, sql);
  tally->total++;
  if (use_copy (path, write_case_id, expect) != CAUGHT_NOT)
    tally->detected++;
  else
    g_test_message ("not detected (%s): %s", tally->name, sql);
}

static void
report (Tally *tally)
{
  g_test_message ("%-48s %u/%u detected", tally->name, tally->detected, tally->total);
  g_assert_cmpuint (tally->total, >, 0);
  g_assert_cmpuint (tally->detected, ==, tally->total);
}

/* The untampered copy takes the write and verifies: otherwise every check
 * below would pass for the wrong reason. */
static void
test_untouched (void)
{
  g_autofree char *path = copy_demo ();

  g_assert_cmpint (use_copy (path, demo.cases[0].case_id, NULL), ==, CAUGHT_NOT);
  /* And the copy, written to, is still sound. */
  g_assert_cmpint (use_copy (path, demo.cases[1].case_id, NULL), ==, CAUGHT_NOT);
}

static void
test_truncate_log (void)
{
  gint64 n = count_rows (demo.path, "SELECT count(*) FROM audit_log");
  const gint64 cut[] = { 1, 5, n - 3 };
  const char *names[] = { "delete the last audit entry", "delete the last 5 audit entries",
                          "delete all but 3 audit entries" };

  for (guint i = 0; i < G_N_ELEMENTS (cut); i++)
    {
      Tally tally = { names[i] };
      g_autofree char *sql = g_strdup_printf ("DELETE FROM audit_log WHERE seq > %" G_GINT64_FORMAT, n - cut[i]);

      tamper_and_check (&tally, sql, demo.cases[0].case_id, "does not match its seal");
      report (&tally);
    }
}

static void
test_delete_log_and_head (void)
{
  Tally tally = { "delete the whole audit log and its head" };

  tamper_and_check (&tally, "DELETE FROM audit_log; DELETE FROM meta WHERE key = 'audit-head'",
                    demo.cases[0].case_id, "seal is missing");
  report (&tally);
}

/* Deletes a record as an attacker who also tidies up would: its history
 * and its blind-index rows go too. */
static char *
delete_record_sql (const char *table,
                   const char *id)
{
  return g_strdup_printf ("DELETE FROM blind_index WHERE record_id = '%s';"
                          "DELETE FROM record_history WHERE tbl = '%s' AND id = '%s';"
                          "DELETE FROM %s WHERE id = '%s';",
                          id, table, id, table, id);
}

static void
test_delete_records (void)
{
  Tally concerns = { "delete a concern (with its history)" };
  Tally children = { "delete a child (with its history and index)" };
  Tally chronology = { "delete a chronology entry (with its history)" };

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      g_autofree char *concern_sql = delete_record_sql ("concerns", c->concern_id);
      g_autofree char *child_sql = delete_record_sql ("children", c->child_id);

      tamper_and_check (&concerns, concern_sql, c->case_id, c->concern_id);
      tamper_and_check (&children, child_sql, c->case_id, c->child_id);
      for (guint j = 0; j < G_N_ELEMENTS (c->chronology_ids); j++)
        {
          g_autofree char *sql = delete_record_sql ("chronology", c->chronology_ids[j]);

          tamper_and_check (&chronology, sql, c->case_id, "is missing");
        }
    }

  report (&concerns);
  report (&children);
  report (&chronology);
}

static void
test_delete_case (void)
{
  Tally tally = { "delete a whole case and its key" };

  for (guint i = 0; i < N_CASES; i++)
    {
      const char *id = demo.cases[i].case_id;
      g_autoptr(GString) sql = g_string_new (NULL);
      const char *tables[] = { "children", "concerns", "chronology" };

      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        g_string_append_printf (sql, "DELETE FROM blind_index WHERE record_id IN (SELECT id FROM %s WHERE case_id = '%s');"
                                     "DELETE FROM %s WHERE case_id = '%s';",
                                tables[t], id, tables[t], id);
      g_string_append_printf (sql, "DELETE FROM record_history WHERE case_id = '%s' OR id = '%s';"
                                   "DELETE FROM cases WHERE id = '%s';"
                                   "DELETE FROM case_keys WHERE case_id = '%s';",
                              id, id, id, id);
      /* The write opens another case. */
      tamper_and_check (&tally, sql->str, demo.cases[(i + 1) % N_CASES].case_id, id);
    }
  report (&tally);
}

/* The live row takes the columns of its previous version from the
 * history, which then goes: the old version authenticates on its own. */
static char *
rollback_sql (const char *table,
              const char *id)
{
  return g_strdup_printf ("UPDATE %s SET (state, reference, created_at, updated_at, due_at, version, data) ="
                          " (SELECT state, reference, created_at, updated_at, due_at, version, data"
                          "  FROM record_history WHERE tbl = '%s' AND id = '%s' ORDER BY version DESC LIMIT 1)"
                          " WHERE id = '%s';"
                          "DELETE FROM record_history WHERE tbl = '%s' AND id = '%s'"
                          " AND version = (SELECT version FROM %s WHERE id = '%s');",
                          table, table, id, id, table, id, table, id);
}

static void
test_rollback_record (void)
{
  Tally tally = { "roll a record back to its previous version" };

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      g_autofree char *concern = rollback_sql ("concerns", c->concern_id);
      g_autofree char *child = rollback_sql ("children", c->child_id);
      g_autofree char *chronology = rollback_sql ("chronology", c->chronology_ids[0]);
      g_autofree char *case_sql = rollback_sql ("cases", c->case_id);

      tamper_and_check (&tally, concern, c->case_id, "rolled back");
      tamper_and_check (&tally, child, c->case_id, "rolled back");
      tamper_and_check (&tally, chronology, c->case_id, "rolled back");
      /* A case rolled back can still be opened: it is the write. */
      tamper_and_check (&tally, case_sql, c->case_id, "rolled back");
    }
  report (&tally);
}

static void
test_plaintext_columns (void)
{
  Tally replaced = { "change a history row's replaced-at time" };
  Tally created = { "change the database's creation time" };
  Tally installation = { "change the database's installation id" };
  g_autofree char *new_installation = g_uuid_string_random ();
  g_autofree char *installation_sql = g_strdup_printf ("UPDATE meta SET value = CAST('%s' AS BLOB) WHERE key = 'installation-id'",
                                                       new_installation);
  gint64 n_history = count_rows (demo.path, "SELECT count(*) FROM record_history");
  gint64 created_at;
  g_autofree char *created_sql = NULL;

  /* The creation time is an eight-byte big-endian count of microseconds:
   * make it a day earlier. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    guint64 be;

    g_assert_cmpint (sqlite3_open (demo.path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'created-at'", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, sizeof be);
    memcpy (&be, sqlite3_column_blob (stmt, 0), sizeof be);
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    created_at = (gint64) GUINT64_FROM_BE (be) - G_GINT64_CONSTANT (86400000000);
  }
  created_sql = g_strdup_printf ("UPDATE meta SET value = X'%016" G_GINT64_MODIFIER "x' WHERE key = 'created-at'",
                                 (guint64) created_at);

  for (gint64 i = 0; i < n_history; i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE record_history SET replaced_at = replaced_at - 3600000000"
                                              " WHERE rowid = (SELECT rowid FROM record_history ORDER BY rowid LIMIT 1 OFFSET %" G_GINT64_FORMAT ")",
                                              i);

      tamper_and_check (&replaced, sql, demo.cases[0].case_id, "was replaced has been changed");
    }

  tamper_and_check (&created, created_sql, demo.cases[0].case_id, "does not match its seal");
  tamper_and_check (&installation, installation_sql, demo.cases[0].case_id, "does not match its seal");

  report (&replaced);
  report (&created);
  report (&installation);
}

static void
test_swap_ciphertexts (void)
{
  Tally tally = { "swap the ciphertexts of two rows" };

  for (guint i = 0; i < N_CASES; i++)
    {
      const char *a = demo.cases[i].child_id;
      const char *b = demo.cases[(i + 1) % N_CASES].child_id;
      g_autofree char *sql = g_strdup_printf ("CREATE TEMP TABLE t AS SELECT id, data FROM children;"
                                              "UPDATE children SET data = (SELECT data FROM t WHERE id = '%s') WHERE id = '%s';"
                                              "UPDATE children SET data = (SELECT data FROM t WHERE id = '%s') WHERE id = '%s';",
                                              b, a, a, b);

      tamper_and_check (&tally, sql, demo.cases[i].case_id, "altered or damaged");
    }
  report (&tally);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  require_private_session ();
  g_test_init (&argc, &argv, NULL);

  build_demo ();

  g_test_add_func ("/store/audit/tamper/untouched", test_untouched);
  g_test_add_func ("/store/audit/tamper/truncate-log", test_truncate_log);
  g_test_add_func ("/store/audit/tamper/delete-log-and-head", test_delete_log_and_head);
  g_test_add_func ("/store/audit/tamper/delete-records", test_delete_records);
  g_test_add_func ("/store/audit/tamper/delete-case", test_delete_case);
  g_test_add_func ("/store/audit/tamper/rollback-record", test_rollback_record);
  g_test_add_func ("/store/audit/tamper/plaintext-columns", test_plaintext_columns);
  g_test_add_func ("/store/audit/tamper/swap-ciphertexts", test_swap_ciphertexts);

  status = g_test_run ();
  free_demo ();
  return status;
}

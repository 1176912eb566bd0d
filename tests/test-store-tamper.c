/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-tamper"

#include "config.h"

#include "ct-keyring.h"
#include "ct-store-location.h"
#include "ct-store.h"
#include "test-store-util.h"

/*
 * Someone who can write the database file (or, with
 * CARETRAIL_TEST_BACKEND=postgresql under tests/pg-run.sh, the server's
 * database) but has no key edits it with SQLite (psql) directly, then
 * Caretrail is used as usual: one ordinary write (a
 * member of staff opens a case) and `caretrail-admin verify`. Every kind
 * of edit must be caught, by the write being refused or by verify.
 *
 * One small database is built once, like the demo: an organisation, a
 * member of staff, three cases each with a child, a concern and
 * chronology entries, some of them corrected so they have a history.
 * Each tampering works on a fresh copy of it (the key is kept in the
 * keyring by the database's UUID, so every copy opens with it); on a
 * server a copy is a new database made from the demo's as a template.
 *
 * A server is not trusted either: on one, rows replayed from an old
 * pg_dump, rows copied from another organisation's database, a newer
 * schema and a database that is not Caretrail's are tried as well.
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
  char *path;       /* a file, or a postgresql:// address */
  char *db_name;    /* on a server: the demo database's name */
  char *old_dump;   /* on a server: a pg_dump taken before the corrections */
  char *other_path; /* on a server: another organisation's database */
  char *other_db;
  char *staff_id;
  DemoCase cases[N_CASES];
  DemoCase other;
  guint n_copies;
} demo;

/* The server's programs and where it listens (see tests/pg-run.sh). */
static char *
pg_program (const char *name)
{
  return g_build_filename (g_getenv ("CARETRAIL_TEST_PG_BINDIR"), name, NULL);
}

static char *
pg_location (const char *db_name)
{
  g_autofree char *escaped = g_uri_escape_string (g_getenv ("CARETRAIL_TEST_PG_SOCKET"), NULL, FALSE);

  return g_strdup_printf ("postgresql://%s/%s?user=%s", escaped, db_name, g_getenv ("CARETRAIL_TEST_PG_USER"));
}

/* The database name in a location made by pg_location(). */
static char *
pg_db_name (const char *location)
{
  const char *start = strrchr (location, '/') + 1;

  return g_strndup (start, strcspn (start, "?"));
}

/* Runs a server program as the cluster's superuser; returns its output. */
static char *
pg_run (const char  *program,
        const char  *db_name,
        const char **extra)
{
  g_autofree char *path = pg_program (program);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, "-h");
  g_ptr_array_add (argv, (char *) g_getenv ("CARETRAIL_TEST_PG_SOCKET"));
  g_ptr_array_add (argv, "-U");
  g_ptr_array_add (argv, (char *) g_getenv ("CARETRAIL_TEST_PG_USER"));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  if (db_name != NULL)
    g_ptr_array_add (argv, (char *) db_name);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", program, err);
  return out;
}

/* psql as the superuser, in the caretrail schema, in one transaction. */
static char *
pg_sql (const char *db_name,
        const char *sql)
{
  g_autofree char *script = g_strconcat ("SET search_path TO caretrail; ", sql, NULL);
  const char *extra[] = { "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-c", script, NULL };

  return pg_run ("psql", db_name, extra);
}

/* Runs SQL on the database directly, as an attacker with the file (or
 * with the server) would. */
static void
tamper_exec (const char *location,
             const char *sql)
{
  if (store_test_on_server ())
    {
      g_autofree char *name = pg_db_name (location);

      g_free (pg_sql (name, sql));
    }
  else
    raw_exec (location, sql);
}

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
  demo.path = store_test_new_location (demo.dir);
  if (store_test_on_server ())
    demo.db_name = pg_db_name (demo.path);
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
        }
    }

  /* On a server, an old pg_dump: every record at its first version. */
  if (store_test_on_server ())
    {
      const char *extra[] = { "--data-only", "--column-inserts", "--schema=caretrail", NULL };

      demo.old_dump = pg_run ("pg_dump", demo.db_name, extra);
    }

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      g_autoptr(CtRecord) case_record = ct_store_get_sync (store, CT_RECORD_KIND_CASE, c->case_id, &error);
      g_autoptr(CtRecord) child = ct_store_get_sync (store, CT_RECORD_KIND_CHILD, c->child_id, &error);
      g_autoptr(CtRecord) concern = ct_store_get_sync (store, CT_RECORD_KIND_CONCERN, c->concern_id, &error);
      g_autoptr(CtRecord) entry = ct_store_get_sync (store, CT_RECORD_KIND_CHRONOLOGY, c->chronology_ids[0], &error);

      g_assert_no_error (error);
      /* Histories: the first chronology entry corrected once, the concern
       * twice, the child and the case once. */
      correct (store, entry, "summary", "Concern recorded and discussed");
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
  if (!store_test_on_server ())
    raw_exec (demo.path, "PRAGMA wal_checkpoint(TRUNCATE)");
}

/* On a server: another organisation's database, with its own key, and one
 * case with a child and a concern. */
static void
build_other (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  char *recovery_code = NULL;

  demo.other_path = store_test_new_location (demo.dir);
  demo.other_db = pg_db_name (demo.other_path);
  store = ct_store_create_sync (demo.other_path, &recovery_code, &error);
  g_assert_no_error (error);
  g_free (recovery_code);

  ct_record_set_string (organisation, "name", "Another Trust");
  insert (store, organisation);
  ct_record_set_reference (case_record, "CT-2026-0901");
  ct_record_set_state (case_record, "new");
  insert (store, case_record);
  demo.other.case_id = g_strdup (ct_record_get_id (case_record));
  ct_record_set_case_id (child, demo.other.case_id);
  ct_record_set_string (child, "given-names", "Pip");
  ct_record_set_string (child, "family-name", "Example");
  insert (store, child);
  demo.other.child_id = g_strdup (ct_record_get_id (child));
  ct_record_set_case_id (concern, demo.other.case_id);
  ct_record_set_state (concern, "awaiting-decision");
  ct_record_set_string (concern, "narrative", "A first account.");
  insert (store, concern);
  demo.other.concern_id = g_strdup (ct_record_get_id (concern));
  ct_store_close (store);
}

static void
free_demo (void)
{
  g_free (demo.staff_id);
  g_free (demo.db_name);
  g_free (demo.old_dump);
  g_free (demo.other_path);
  g_free (demo.other_db);
  g_free (demo.other.case_id);
  g_free (demo.other.child_id);
  g_free (demo.other.concern_id);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  char *path;

  if (store_test_on_server ())
    {
      g_autofree char *name = g_strdup_printf ("%s_copy_%u", demo.db_name, demo.n_copies++);
      const char *extra[] = { "-T", demo.db_name, NULL };

      g_free (pg_run ("createdb", name, extra));
      path = pg_location (name);
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("copy-%u.db", demo.n_copies++);
      g_autoptr(GFile) from = NULL;
      g_autoptr(GFile) to = NULL;

      path = g_build_filename (demo.dir, name, NULL);
      from = g_file_new_for_path (demo.path);
      to = g_file_new_for_path (path);
      g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }

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

  if (store_test_on_server ())
    {
      g_autofree char *name = pg_db_name (path);
      g_autofree char *out = pg_sql (name, sql);

      return g_ascii_strtoll (out, NULL, 10);
    }

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

  tamper_exec (path, sql);
  tally->total++;
  if (use_copy (path, write_case_id, expect) != CAUGHT_NOT)
    tally->detected++;
  else
    g_test_message ("not detected (%s): %s", tally->name, sql);
}

static void
report (Tally *tally)
{
  g_test_message ("%-52s %u/%u detected", tally->name, tally->detected, tally->total);
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
  gboolean server = store_test_on_server ();
  g_autofree char *new_installation = g_uuid_string_random ();
  g_autofree char *installation_sql = g_strdup_printf (server ? "UPDATE meta SET value = convert_to('%s', 'UTF8') WHERE key = 'installation-id'"
                                                              : "UPDATE meta SET value = CAST('%s' AS BLOB) WHERE key = 'installation-id'",
                                                       new_installation);
  gint64 n_history = count_rows (demo.path, "SELECT count(*) FROM record_history");
  gint64 created_at;
  g_autofree char *created_sql = NULL;

  /* The creation time is an eight-byte big-endian count of microseconds:
   * make it a day earlier. */
  if (server)
    {
      g_autofree char *hex = pg_sql (demo.db_name, "SELECT encode(value, 'hex') FROM meta WHERE key = 'created-at'");

      g_strstrip (hex);
      g_assert_cmpuint (strlen (hex), ==, 16);
      created_at = (gint64) g_ascii_strtoull (hex, NULL, 16) - G_GINT64_CONSTANT (86400000000);
    }
  else
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
  created_sql = g_strdup_printf (server ? "UPDATE meta SET value = '\\x%016" G_GINT64_MODIFIER "x'::bytea WHERE key = 'created-at'"
                                        : "UPDATE meta SET value = X'%016" G_GINT64_MODIFIER "x' WHERE key = 'created-at'",
                                 (guint64) created_at);

  for (gint64 i = 0; i < n_history; i++)
    {
      g_autofree char *sql = g_strdup_printf (server ? "UPDATE record_history SET replaced_at = replaced_at - 3600000000"
                                                       " WHERE (tbl, id, version) = (SELECT tbl, id, version FROM record_history"
                                                       " ORDER BY tbl, id, version LIMIT 1 OFFSET %" G_GINT64_FORMAT ")"
                                                     : "UPDATE record_history SET replaced_at = replaced_at - 3600000000"
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


/* The server's own: rows replayed from an old pg_dump {{{ */

/* The INSERT the old dump holds for the row of @table whose first column
 * is @id. */
static char *
old_dump_insert (const char *table,
                 const char *id)
{
  g_autofree char *prefix = g_strdup_printf ("INSERT INTO caretrail.%s ", table);
  g_autofree char *key = g_strdup_printf ("VALUES ('%s'", id);
  g_auto(GStrv) lines = g_strsplit (demo.old_dump, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix) && strstr (lines[i], key) != NULL)
      return g_strdup (lines[i]);
  g_error ("The old dump holds no row %s of %s", id, table);
}

static void
test_replay_old_dump (void)
{
  Tally records = { "replay a record's row from an old pg_dump" };
  Tally head = { "replay the audit head from an old pg_dump" };
  Tally log = { "replay the audit log and head from an old pg_dump" };
  g_autofree char *head_line = old_dump_insert ("meta", "audit-head");
  g_autofree char *head_sql = g_strdup_printf ("DELETE FROM meta WHERE key = 'audit-head'; %s", head_line);
  g_auto(GStrv) lines = g_strsplit (demo.old_dump, "\n", -1);
  g_autoptr(GString) log_sql = g_string_new ("DELETE FROM audit_log; DELETE FROM meta WHERE key = 'audit-head';");

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      struct { const char *table; const char *id; } rows[] = {
        { "concerns", c->concern_id }, { "children", c->child_id },
        { "chronology", c->chronology_ids[0] }, { "cases", c->case_id },
      };

      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          g_autofree char *line = old_dump_insert (rows[r].table, rows[r].id);
          /* The case row is referred to by its records: an attacker with
           * the server turns the checks off. */
          g_autofree char *sql = g_strdup_printf ("SET session_replication_role = replica; DELETE FROM %s WHERE id = '%s'; %s",
                                                  rows[r].table, rows[r].id, line);

          tamper_and_check (&records, sql, c->case_id, "rolled back");
        }
    }
  report (&records);

  tamper_and_check (&head, head_sql, demo.cases[0].case_id, "does not match its seal");
  report (&head);

  /* The log as it was, with its head: a chain that holds together, but
   * older than the records. */
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "INSERT INTO caretrail.audit_log "))
      g_string_append_printf (log_sql, " %s", lines[i]);
  g_string_append_printf (log_sql, " %s", head_line);
  tamper_and_check (&log, log_sql->str, demo.cases[0].case_id, NULL);
  report (&log);
}

/* The whole database put back from an old dump is consistent in itself:
 * the keyring's high-water mark of a desk that wrote since refuses it. */
static void
test_restore_old_dump (void)
{
  Tally tally = { "restore the whole database from an old pg_dump" };
  g_autofree char *path = copy_demo ();
  g_autofree char *name = pg_db_name (path);
  g_autofree char *dump_path = g_build_filename (demo.dir, "old.sql", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  const char *extra[] = { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", dump_path, NULL };

  /* A desk writes: its keyring keeps the head it wrote. */
  g_assert_cmpint (use_copy (path, demo.cases[0].case_id, NULL), ==, CAUGHT_NOT);

  g_assert_true (g_file_set_contents (dump_path, demo.old_dump, -1, &error));
  g_assert_no_error (error);
  g_free (pg_sql (name, "DO $$ DECLARE t text; BEGIN"
                        " FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'caretrail' LOOP"
                        " EXECUTE format('TRUNCATE caretrail.%I CASCADE', t); END LOOP; END $$"));
  g_free (pg_run ("psql", name, extra));

  tally.total++;
  store = ct_store_open_sync (path, &error);
  if (store == NULL && g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK))
    {
      tally.detected++;
      g_debug ("%s", error->message);
    }
  else
    g_test_message ("not detected (%s): %s", tally.name, error != NULL ? error->message : "opened");
  if (store != NULL)
    ct_store_close (store);
  report (&tally);
}

/* }}} */

/* The server's own: rows copied from another organisation {{{ */

/* An INSERT of the row of @table in the other organisation's database
 * whose id is @id, with @case_id (if given) in place of its case. */
static char *
other_row_insert (const char *table,
                  const char *id,
                  const char *case_id)
{
  g_autofree char *case_sql = case_id != NULL ? g_strdup_printf ("'%s'::text", case_id) : g_strdup ("case_id");
  g_autofree char *query = g_strdup_printf ("SELECT format('INSERT INTO %s (id, case_id, kind, state, reference, created_at,"
                                            " updated_at, due_at, version, data) VALUES (%%L, %%L, %%L, %%L, %%L, %%s, %%s, %%s, %%s, %%L::bytea);',"
                                            " id, %s, kind, state, reference, created_at, updated_at, due_at, version, data)"
                                            " FROM %s WHERE id = '%s'",
                                            table, case_sql, table, id);
  char *out = pg_sql (demo.other_db, query);

  g_strstrip (out);
  g_assert_true (g_str_has_prefix (out, "INSERT INTO"));
  return out;
}

static char *
other_value (char *sql)
{
  char *out = pg_sql (demo.other_db, sql);

  g_free (sql);
  g_strstrip (out);
  g_assert_cmpstr (out, !=, "");
  return out;
}

static void
test_copy_other_organisation (void)
{
  Tally concern = { "copy another organisation's concern into a case" };
  Tally data = { "replace a ciphertext with another organisation's" };
  Tally whole = { "copy another organisation's whole case and key" };
  Tally entry = { "append another organisation's audit entry" };
  Tally head = { "copy another organisation's audit head" };
  g_autofree char *other_data = other_value (g_strdup_printf ("SELECT encode(data, 'hex') FROM concerns WHERE id = '%s'",
                                                              demo.other.concern_id));
  g_autofree char *other_key = other_value (g_strdup_printf ("SELECT format('INSERT INTO case_keys VALUES (%%L, %%L::bytea);', case_id, wrapped)"
                                                             " FROM case_keys WHERE case_id = '%s'", demo.other.case_id));
  g_autofree char *other_entry = other_value (g_strdup ("SELECT format('INSERT INTO audit_log (seq, at, staff_id, action, record_id, mac, format, kind,"
                                              " case_id, version, digest, member_id, signature) VALUES ((SELECT max(seq) + 1 FROM audit_log),"
                                              " %s, %L, %L, %L, %L::bytea, %s, %L, %L, %s, %L::bytea, %L, %L::bytea);', at, staff_id, action,"
                                              " record_id, mac, format, kind, case_id, version, digest, member_id, signature)"
                                              " FROM audit_log ORDER BY seq DESC LIMIT 1"));
  g_autofree char *other_head = other_value (g_strdup ("SELECT encode(value, 'hex') FROM meta WHERE key = 'audit-head'"));
  g_autofree char *case_row = other_row_insert ("cases", demo.other.case_id, NULL);
  g_autofree char *child_row = other_row_insert ("children", demo.other.child_id, NULL);
  g_autofree char *concern_row = other_row_insert ("concerns", demo.other.concern_id, NULL);
  g_autofree char *whole_sql = g_strdup_printf ("%s %s %s %s", case_row, other_key, child_row, concern_row);
  g_autofree char *head_sql = g_strdup_printf ("UPDATE meta SET value = '\\x%s'::bytea WHERE key = 'audit-head'", other_head);

  for (guint i = 0; i < N_CASES; i++)
    {
      DemoCase *c = &demo.cases[i];
      g_autofree char *into = other_row_insert ("concerns", demo.other.concern_id, c->case_id);
      g_autofree char *data_sql = g_strdup_printf ("UPDATE concerns SET data = '\\x%s'::bytea WHERE id = '%s'",
                                                   other_data, c->concern_id);

      tamper_and_check (&concern, into, c->case_id, demo.other.concern_id);
      tamper_and_check (&data, data_sql, c->case_id, "altered or damaged");
      tamper_and_check (&whole, whole_sql, c->case_id, demo.other.case_id);
    }
  tamper_and_check (&entry, other_entry, demo.cases[0].case_id, "does not match its seal");
  tamper_and_check (&head, head_sql, demo.cases[0].case_id, "does not match its seal");

  report (&concern);
  report (&data);
  report (&whole);
  report (&entry);
  report (&head);
}

/* }}} */

/* The server's own: a newer schema, a database not Caretrail's {{{ */

static void
test_newer_schema (void)
{
  Tally tally = { "a server with a newer schema is refused" };
  g_autofree char *path = copy_demo ();
  g_autofree char *name = pg_db_name (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  gint64 entries;

  g_free (pg_sql (name, "UPDATE schema_version SET version = version + 1"));
  entries = count_rows (path, "SELECT count(*) FROM audit_log");

  for (guint read_only = 0; read_only < 2; read_only++)
    {
      tally.total++;
      store = read_only ? ct_store_open_read_only_sync (path, &error) : ct_store_open_sync (path, &error);
      g_assert_null (store);
      if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW) &&
          strstr (error->message, "holds a Caretrail database set up by a newer version") != NULL &&
          strstr (error->message, "Nothing on the server has been changed") != NULL)
        tally.detected++;
      else
        g_test_message ("not refused as newer: %s", error->message);
      g_clear_error (&error);
    }

  /* Nor does server-init touch it. */
  tally.total++;
  if (!ct_store_location_set_up_server (path, &error) &&
      g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW))
    tally.detected++;
  g_clear_error (&error);

  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM audit_log"), ==, entries);
  g_assert_cmpint (count_rows (path, "SELECT max(version) FROM schema_version"), ==,
                   count_rows (demo.path, "SELECT max(version) FROM schema_version") + 1);
  report (&tally);
}

static void
test_not_caretrail (void)
{
  Tally tally = { "a database that is not Caretrail's is refused" };
  g_autofree char *schema_name = g_strdup_printf ("%s_not_ours", demo.db_name);
  g_autofree char *public_name = g_strdup_printf ("%s_other_app", demo.db_name);
  g_autofree char *schema_path = pg_location (schema_name);
  g_autofree char *public_path = pg_location (public_name);
  g_autoptr(GError) error = NULL;
  CtStore *store;

  g_free (pg_run ("createdb", schema_name, NULL));
  g_free (pg_sql (schema_name, "CREATE SCHEMA caretrail; CREATE TABLE caretrail.accounts (id integer, owner text)"));
  g_free (pg_run ("createdb", public_name, NULL));
  g_free (pg_sql (public_name, "CREATE TABLE public.accounts (id integer, owner text)"));

  /* Another program's schema named caretrail. */
  tally.total++;
  store = ct_store_open_sync (schema_path, &error);
  g_assert_null (store);
  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_DATABASE) &&
      strstr (error->message, "that is not Caretrail’s") != NULL)
    tally.detected++;
  else
    g_test_message ("not refused as not Caretrail's: %s", error->message);
  g_clear_error (&error);

  /* Another program's database, with no Caretrail schema at all. */
  tally.total++;
  store = ct_store_open_sync (public_path, &error);
  g_assert_null (store);
  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE) &&
      strstr (error->message, "There is no Caretrail database on the server") != NULL)
    tally.detected++;
  else
    g_test_message ("not refused as no Caretrail database: %s", error->message);
  g_clear_error (&error);

  /* Neither was changed: no table or schema was added to either. */
  {
    g_autofree char *tables = pg_sql (schema_name, "SELECT count(*) FROM pg_tables WHERE schemaname = 'caretrail'");
    g_autofree char *schemas = pg_sql (public_name, "SELECT count(*) FROM pg_namespace WHERE nspname = 'caretrail'");

    g_assert_cmpint (g_ascii_strtoll (tables, NULL, 10), ==, 1);
    g_assert_cmpint (g_ascii_strtoll (schemas, NULL, 10), ==, 0);
  }
  report (&tally);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int status;

  require_private_session ();
  g_test_init (&argc, &argv, NULL);

  build_demo ();
  if (store_test_on_server ())
    build_other ();

  g_test_add_func ("/store/audit/tamper/untouched", test_untouched);
  g_test_add_func ("/store/audit/tamper/truncate-log", test_truncate_log);
  g_test_add_func ("/store/audit/tamper/delete-log-and-head", test_delete_log_and_head);
  g_test_add_func ("/store/audit/tamper/delete-records", test_delete_records);
  g_test_add_func ("/store/audit/tamper/delete-case", test_delete_case);
  g_test_add_func ("/store/audit/tamper/rollback-record", test_rollback_record);
  g_test_add_func ("/store/audit/tamper/plaintext-columns", test_plaintext_columns);
  g_test_add_func ("/store/audit/tamper/swap-ciphertexts", test_swap_ciphertexts);
  if (store_test_on_server ())
    {
      g_test_add_func ("/store/audit/tamper/server/replay-old-dump", test_replay_old_dump);
      g_test_add_func ("/store/audit/tamper/server/restore-old-dump", test_restore_old_dump);
      g_test_add_func ("/store/audit/tamper/server/copy-other-organisation", test_copy_other_organisation);
      g_test_add_func ("/store/audit/tamper/server/newer-schema", test_newer_schema);
      g_test_add_func ("/store/audit/tamper/server/not-caretrail", test_not_caretrail);
    }

  status = g_test_run ();
  free_demo ();
  return status;
}

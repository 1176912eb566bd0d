/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct-crypto.h"
#include "ct-sqlite-backend.h"
#include "ct-store.h"

/*
 * Inserts N fictional cases (a case, a child, a concern and a chronology
 * entry each) and reads them all back, twice:
 *
 *  - through CtStore: XChaCha20-Poly1305 per record, per-case keys, the
 *    HMAC audit chain, the blind index, on the store's worker thread;
 *  - through plain SQLite with no cryptography at all: the same tables,
 *    the same rows (record, audit entry, audit head, the two name-index
 *    entries of a child), the same pragmas and transaction batches, the
 *    fields serialised the same way but stored as they are.
 *
 * Children get made-up surnames that arrive in no particular order, as
 * real names do, so neither index is filled in sorted order.
 *
 * Both are repeated for several rounds (see main()) and the best of each
 * compared. Then times opening the encrypted database afresh and listing
 * every case. Run it with bench/bench-store.sh, inside a keyring session.
 */

#define BATCH 100

static CtRecord *
make_case (guint n)
{
  CtRecord *record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autofree char *reference = g_strdup_printf ("CT-BENCH-%06u", n);

  ct_record_set_reference (record, reference);
  ct_record_set_state (record, "awaiting-decision");
  ct_record_set_due_at (record, g_get_real_time () + (gint64) n * G_USEC_PER_SEC);
  ct_record_set_string (record, "title", "Fictional benchmark case");
  ct_record_set_string (record, "summary", "Sample text of moderate length standing in for a case summary written by a DSO.");
  ct_record_set_string (record, "pathway", "child-protection");
  return record;
}

/* A made-up surname that differs with n and sorts in no particular order,
 * as real names arrive. */
static char *
make_surname (guint n)
{
  static const char *syllables[] = { "ba", "ro", "ki", "len", "mo", "st", "ur", "ve", "an", "to",
                                     "li", "gar", "no", "we", "sha", "d", "pe", "ri", "co", "th" };
  GString *name = g_string_new (NULL);
  guint32 x = n * 2654435761u;

  for (guint i = 0; i < 4; i++, x /= G_N_ELEMENTS (syllables))
    g_string_append (name, syllables[x % G_N_ELEMENTS (syllables)]);
  g_string_append_printf (name, "%u", n);
  name->str[0] = g_ascii_toupper (name->str[0]);
  return g_string_free (name, FALSE);
}

static CtRecord *
make_child (guint       n,
            const char *case_id)
{
  CtRecord *record = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autofree char *family = make_surname (n);
  g_autofree char *dob = g_strdup_printf ("%04u-%02u-%02u", 2008 + n % 16, 1 + n % 12, 1 + n % 28);

  ct_record_set_case_id (record, case_id);
  ct_record_set_string (record, "given-names", "Sample");
  ct_record_set_string (record, "family-name", family);
  ct_record_set_string (record, "date-of-birth", dob);
  ct_record_set_string (record, "address", "1 Imaginary Lane, Nowhere Town, ZZ99 9ZZ");
  ct_record_set_string (record, "school", "Pretend Primary School");
  ct_record_set_string (record, "status", "child-in-need");
  return record;
}

static CtRecord *
make_note (CtRecordKind  kind,
           const char   *case_id)
{
  CtRecord *record = ct_record_new (kind);

  ct_record_set_case_id (record, case_id);
  ct_record_set_string (record, "what", "A fictional account of what was seen and said, about two hundred characters long, "
                                        "standing in for the narrative a member of staff writes on the reporting form.");
  ct_record_set_string (record, "who", "Demo Worker");
  ct_record_set_int64 (record, "event", g_get_real_time ());
  return record;
}

/* Encrypted {{{ */

typedef struct
{
  guint first;
  guint count;
} Batch;

static gboolean
insert_batch (CtStoreTransaction  *txn,
              gpointer             user_data,
              GError             **error)
{
  Batch *batch = user_data;

  for (guint i = 0; i < batch->count; i++)
    {
      g_autoptr(CtRecord) case_record = make_case (batch->first + i);
      const char *case_id = ct_record_get_id (case_record);
      g_autoptr(CtRecord) child = make_child (batch->first + i, case_id);
      g_autoptr(CtRecord) concern = make_note (CT_RECORD_KIND_CONCERN, case_id);
      g_autoptr(CtRecord) entry = make_note (CT_RECORD_KIND_CHRONOLOGY, case_id);

      if (!ct_store_transaction_insert (txn, "bench", case_record, error) ||
          !ct_store_transaction_insert (txn, "bench", child, error) ||
          !ct_store_transaction_insert (txn, "bench", concern, error) ||
          !ct_store_transaction_insert (txn, "bench", entry, error))
        return FALSE;
    }

  return TRUE;
}

static gsize
read_all_encrypted (CtStore *store)
{
  CtRecordKind kinds[] = { CT_RECORD_KIND_CASE, CT_RECORD_KIND_CHILD, CT_RECORD_KIND_CONCERN, CT_RECORD_KIND_CHRONOLOGY };
  g_autoptr(GError) error = NULL;
  gsize n = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) records = ct_store_list_sync (store, kinds[k], NULL, &error);

      if (records == NULL)
        g_error ("list: %s", error->message);
      n += records->len;
    }
  return n;
}

/* }}} */

/* Plain {{{ */

static sqlite3 *
plain_open (const char *path)
{
  g_autoptr(GBytes) sql = g_resources_lookup_data ("/org/caretrail/Caretrail/sql/0001-initial.sql", 0, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  sqlite3 *db;

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                        "PRAGMA secure_delete = ON;" CT_SQLITE_PERFORMANCE_PRAGMAS, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, text, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("plain: %s", sqlite3_errmsg (db));
  return db;
}

typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *insert[CT_RECORD_N_KINDS];
  sqlite3_stmt *audit;
  sqlite3_stmt *head;
  sqlite3_stmt *index;
  gint64 seq;
} Plain;

static void
plain_insert (Plain    *plain,
              CtRecord *record)
{
  CtRecordKind kind = ct_record_get_kind (record);
  g_autoptr(GVariant) fields = ct_record_dup_fields (record);
  g_autoptr(GBytes) data = g_variant_get_data_as_bytes (fields);
  sqlite3_stmt *stmt = plain->insert[kind];
  gint64 now = g_get_real_time ();

  if (stmt == NULL)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (kind, id, case_id, state, reference, created_at,"
                                              " updated_at, due_at, version, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                                              ct_record_kind_get_table (kind));
      sqlite3_prepare_v2 (plain->db, sql, -1, &stmt, NULL);
      plain->insert[kind] = stmt;
    }

  sqlite3_bind_text (stmt, 1, ct_record_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ct_record_get_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, ct_record_get_case_id (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, ct_record_get_state (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, ct_record_get_reference (record), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, ct_record_get_due_at (record));
  sqlite3_bind_blob (stmt, 9, g_bytes_get_data (data, NULL), g_bytes_get_size (data), SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("plain insert: %s", sqlite3_errmsg (plain->db));
  sqlite3_reset (stmt);

  if (kind == CT_RECORD_KIND_CHILD)
    {
      /* The same two index entries the store keeps, unhashed. */
      g_autofree char *name = g_strdup_printf ("%s %s", ct_record_get_string (record, "given-names"),
                                               ct_record_get_string (record, "family-name"));
      g_autofree char *family_dob = g_strdup_printf ("%s|%s", ct_record_get_string (record, "family-name"),
                                                     ct_record_get_string (record, "date-of-birth"));
      const char *tokens[] = { name, family_dob };

      for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
        {
          /* The column is a STRICT BLOB: text would be refused. */
          sqlite3_bind_blob (plain->index, 1, tokens[i], strlen (tokens[i]), SQLITE_TRANSIENT);
          sqlite3_bind_text (plain->index, 2, ct_record_get_id (record), -1, SQLITE_TRANSIENT);
          if (sqlite3_step (plain->index) != SQLITE_DONE)
            g_error ("plain index: %s", sqlite3_errmsg (plain->db));
          sqlite3_reset (plain->index);
        }
    }

  {
    g_autofree char *action = g_strconcat ("create:", ct_record_kind_to_string (kind), NULL);

    plain->seq++;
    sqlite3_bind_int64 (plain->audit, 1, plain->seq);
    sqlite3_bind_int64 (plain->audit, 2, now);
    sqlite3_bind_text (plain->audit, 3, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (plain->audit, 4, ct_record_get_id (record), -1, SQLITE_TRANSIENT);
    if (sqlite3_step (plain->audit) != SQLITE_DONE)
      g_error ("plain audit: %s", sqlite3_errmsg (plain->db));
    sqlite3_reset (plain->audit);
  }
}

/* The store writes its audit head once per transaction, just before the
 * commit; so does the plain run. */
static void
plain_write_head (Plain *plain)
{
  /* The same size as the store's sealed head: sequence number, last MAC
   * and the head's own MAC. */
  guint8 head[8 + 32 + 32] = { 0 };
  guint64 be = GUINT64_TO_BE ((guint64) plain->seq);

  memcpy (head, &be, sizeof be);
  sqlite3_bind_blob (plain->head, 1, head, sizeof head, SQLITE_TRANSIENT);
  if (sqlite3_step (plain->head) != SQLITE_DONE)
    g_error ("plain audit head: %s", sqlite3_errmsg (plain->db));
  sqlite3_reset (plain->head);
}

static void
plain_insert_all (Plain *plain,
                  guint  n_cases)
{
  sqlite3_prepare_v2 (plain->db, "INSERT INTO audit_log (seq, at, staff_id, action, record_id, mac)"
                                 " VALUES (?, ?, 'bench', ?, ?, zeroblob(32))", -1, &plain->audit, NULL);
  sqlite3_prepare_v2 (plain->db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit-head', ?)", -1, &plain->head, NULL);
  sqlite3_prepare_v2 (plain->db, "INSERT INTO blind_index (token, kind, record_id) VALUES (?, 'child', ?)", -1, &plain->index, NULL);

  for (guint first = 1; first <= n_cases; first += BATCH)
    {
      if (sqlite3_exec (plain->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        g_error ("plain begin: %s", sqlite3_errmsg (plain->db));
      for (guint n = first; n < first + BATCH && n <= n_cases; n++)
        {
          g_autoptr(CtRecord) case_record = make_case (n);
          const char *case_id = ct_record_get_id (case_record);
          g_autoptr(CtRecord) child = make_child (n, case_id);
          g_autoptr(CtRecord) concern = make_note (CT_RECORD_KIND_CONCERN, case_id);
          g_autoptr(CtRecord) entry = make_note (CT_RECORD_KIND_CHRONOLOGY, case_id);

          plain_insert (plain, case_record);
          plain_insert (plain, child);
          plain_insert (plain, concern);
          plain_insert (plain, entry);
        }
      plain_write_head (plain);
      if (sqlite3_exec (plain->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        g_error ("plain commit: %s", sqlite3_errmsg (plain->db));
    }
}

static gsize
plain_read_all (sqlite3 *db)
{
  CtRecordKind kinds[] = { CT_RECORD_KIND_CASE, CT_RECORD_KIND_CHILD, CT_RECORD_KIND_CONCERN, CT_RECORD_KIND_CHRONOLOGY };
  gsize n = 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *sql = g_strdup_printf ("SELECT id, case_id, state, reference, created_at, updated_at, due_at,"
                                              " version, data FROM %s ORDER BY created_at, id",
                                              ct_record_kind_get_table (kinds[k]));
      sqlite3_stmt *stmt;

      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, 8), sqlite3_column_bytes (stmt, 8));
          g_autoptr(GVariant) fields = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, data, FALSE));

          g_ptr_array_add (records, ct_record_new_full (kinds[k], (const char *) sqlite3_column_text (stmt, 0),
                                                        (const char *) sqlite3_column_text (stmt, 1),
                                                        (const char *) sqlite3_column_text (stmt, 2),
                                                        (const char *) sqlite3_column_text (stmt, 3),
                                                        sqlite3_column_int64 (stmt, 4), sqlite3_column_int64 (stmt, 5),
                                                        sqlite3_column_int64 (stmt, 6), sqlite3_column_int64 (stmt, 7),
                                                        fields));
        }
      sqlite3_finalize (stmt);
      n += records->len;
    }

  return n;
}

/* }}} */

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* CPU time of the whole process, every thread, in seconds. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Page faults of the whole process so far: fresh memory is costly. */
static double
page_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

static double
file_mib (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / (1024.0 * 1024.0) : 0;
}

typedef struct
{
  double insert;
  double read;
  double cpu;
  double faults;
} Times;

static void
remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static Times
run_encrypted (const char *path,
               guint       n_cases,
               gsize      *n_read)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  Times t;
  double cpu;
  gint64 start;

  store = ct_store_create_sync (path, NULL, &error);
  if (store == NULL)
    g_error ("create: %s", error->message);

  cpu = cpu_seconds ();
  t.faults = page_faults ();
  start = g_get_monotonic_time ();
  for (guint first = 1; first <= n_cases; first += BATCH)
    {
      Batch batch = { first, MIN (BATCH, n_cases - first + 1) };

      if (!ct_store_run_transaction_sync (store, insert_batch, &batch, &error))
        g_error ("insert: %s", error->message);
    }
  t.insert = seconds_since (start);

  start = g_get_monotonic_time ();
  *n_read = read_all_encrypted (store);
  t.read = seconds_since (start);
  ct_store_close (store);
  t.cpu = cpu_seconds () - cpu;
  t.faults = page_faults () - t.faults;
  return t;
}

static Times
run_plain (const char *path,
           guint       n_cases,
           gsize      *n_read)
{
  Plain plain = { 0 };
  Times t;
  double cpu;
  gint64 start;

  plain.db = plain_open (path);
  cpu = cpu_seconds ();
  t.faults = page_faults ();
  start = g_get_monotonic_time ();
  plain_insert_all (&plain, n_cases);
  t.insert = seconds_since (start);
  start = g_get_monotonic_time ();
  *n_read = plain_read_all (plain.db);
  t.read = seconds_since (start);
  for (guint i = 0; i < CT_RECORD_N_KINDS; i++)
    sqlite3_finalize (plain.insert[i]);
  sqlite3_finalize (plain.audit);
  sqlite3_finalize (plain.head);
  sqlite3_finalize (plain.index);
  sqlite3_close (plain.db);
  t.cpu = cpu_seconds () - cpu;
  t.faults = page_faults () - t.faults;
  return t;
}

static void
keep_best (Times       *best,
           const Times *t)
{
  best->insert = MIN (best->insert, t->insert);
  best->read = MIN (best->read, t->read);
  best->cpu = MIN (best->cpu, t->cpu);
  best->faults = MIN (best->faults, t->faults);
}

/*
 * Usage: bench-store [N_CASES [ROUNDS]]
 *
 * Each round builds both databases afresh, the encrypted one first in
 * odd rounds and the plain one first in even ones, so neither always
 * runs on a warmer (or busier) machine. Other work on the machine can
 * only add time, so the best of the rounds is the fairest figure; every
 * round's ratio is printed too.
 */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-bench-XXXXXX", NULL);
  g_autofree char *enc_path = g_build_filename (dir, "encrypted.db", NULL);
  g_autofree char *plain_path = g_build_filename (dir, "plain.db", NULL);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  guint n_cases = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 3;
  Times enc = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  Times plain = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
  double open_s, list_s;
  double enc_size = 0, plain_size = 0;
  gsize enc_n = 0, plain_n = 0;
  gint64 start;

  if (n_cases == 0 || rounds == 0)
    {
      g_printerr ("usage: bench-store [N_CASES [ROUNDS]]\n");
      return 2;
    }

  printf ("Caretrail store benchmark: %u cases, %u records (case, child, concern, chronology entry each), %u rounds\n",
          n_cases, n_cases * 4, rounds);

  for (guint round = 0; round < rounds; round++)
    {
      Times e, p;

      remove_db (enc_path);
      remove_db (plain_path);
      if (round % 2 == 0)
        {
          e = run_encrypted (enc_path, n_cases, &enc_n);
          p = run_plain (plain_path, n_cases, &plain_n);
        }
      else
        {
          p = run_plain (plain_path, n_cases, &plain_n);
          e = run_encrypted (enc_path, n_cases, &enc_n);
        }
      g_assert (enc_n == plain_n && enc_n == (gsize) n_cases * 4);
      enc_size = file_mib (enc_path);
      plain_size = file_mib (plain_path);
      keep_best (&enc, &e);
      keep_best (&plain, &p);
      printf ("round %u (%s first): encrypted %.3f + %.3f s, plain %.3f + %.3f s, ratio %.2fx (CPU %.2fx)\n",
              round + 1, round % 2 == 0 ? "encrypted" : "plain", e.insert, e.read, p.insert, p.read,
              (e.insert + e.read) / (p.insert + p.read), e.cpu / p.cpu);
      fflush (stdout);
    }

  start = g_get_monotonic_time ();
  store = ct_store_open_sync (enc_path, &error);
  if (store == NULL)
    g_error ("open: %s", error->message);
  open_s = seconds_since (start);
  start = g_get_monotonic_time ();
  cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  list_s = seconds_since (start);
  g_assert (cases != NULL && cases->len == n_cases);
  ct_store_close (store);

  printf ("best of %u rounds:\n", rounds);
  printf ("%-34s %10s %10s %10s\n", "", "insert s", "read s", "total s");
  printf ("%-34s %10.3f %10.3f %10.3f\n", "encrypted (CtStore)", enc.insert, enc.read, enc.insert + enc.read);
  printf ("%-34s %10.3f %10.3f %10.3f\n", "plain SQLite, no cryptography", plain.insert, plain.read, plain.insert + plain.read);
  printf ("%-34s %10.2fx %9.2fx %9.2fx  (target < 1.5x)\n", "ratio encrypted / plain", enc.insert / plain.insert,
          enc.read / plain.read, (enc.insert + enc.read) / (plain.insert + plain.read));
  printf ("CPU time, all threads: encrypted %.3f s, plain %.3f s, ratio %.2fx\n",
          enc.cpu, plain.cpu, enc.cpu / plain.cpu);
  printf ("page faults: encrypted %.0f, plain %.0f\n", enc.faults, plain.faults);
  printf ("file size: encrypted %.1f MiB, plain %.1f MiB\n", enc_size, plain_size);
  printf ("open the %u-case database: %.3f s; list every case: %.3f s; together: %.3f s (target < 1 s)\n",
          n_cases, open_s, list_s, open_s + list_s);

  remove_db (enc_path);
  remove_db (plain_path);
  g_rmdir (dir);
  return 0;
}

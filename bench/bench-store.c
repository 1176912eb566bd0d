/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-store"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct-case-item.h"
#include "ct-crypto.h"
#include "ct-procedure.h"
#include "ct-sqlite-backend.h"
#include "ct-store.h"
#include "ct-workflow.h"

/*
 * Inserts N fictional cases (a case, a child, a concern and a chronology
 * entry each, and the organisation whose DSO the case list shows) once:
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
 * Then, for several rounds (see main()), opens each database afresh and
 * loads the case list's items from it:
 *
 *  - encrypted: ct_workflow_open_and_load_async(), the very call the
 *    window makes at start, which opens the store (keyring, key check,
 *    audit head) and makes every CtCaseItem on the store's thread;
 *  - plain: sqlite3_open() and the same rows read with the sqlite3 C API
 *    (the organisation, staff and agencies whole; the cases and children
 *    for the fields the list shows), made into the same CtCaseItem
 *    objects, with no decryption.
 *
 * The best and the median of the rounds are compared. Run it with
 * bench/bench-store.sh, inside a keyring session.
 */

#define BATCH 100

static CtRecord *
make_organisation (void)
{
  CtRecord *record = ct_record_new (CT_RECORD_KIND_ORGANISATION);

  ct_record_set_string (record, "name", "Example Benchmark Organisation (fictional)");
  ct_record_set_string (record, "dso-name", "Dana Demo");
  ct_record_set_string (record, "nation", "england-and-wales");
  return record;
}

/* The case names its child, as the list shows the child's name. */
static CtRecord *
make_case (guint     n,
           CtRecord *child)
{
  CtRecord *record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autofree char *reference = g_strdup_printf ("CT-BENCH-%06u", n);
  const char *child_ids[] = { ct_record_get_id (child), NULL };

  ct_record_set_reference (record, reference);
  ct_record_set_state (record, "awaiting-decision");
  ct_record_set_due_at (record, g_get_real_time () + (gint64) n * G_USEC_PER_SEC);
  ct_record_set_string (record, "title", "Fictional benchmark case");
  ct_record_set_string (record, "summary", "Sample text of moderate length standing in for a case summary written by a DSO.");
  ct_record_set_string (record, "pathway", "child-protection");
  ct_record_set_strv (record, "child-ids", child_ids);
  ct_record_set_int64 (record, "procedure-flags", n % 7 == 0 ? CT_CASE_FLAG_IMMEDIATE_RISK : 0);
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
make_child (guint n)
{
  CtRecord *record = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autofree char *family = make_surname (n);
  g_autofree char *dob = g_strdup_printf ("%04u-%02u-%02u", 2008 + n % 16, 1 + n % 12, 1 + n % 28);

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

  if (batch->first == 1)
    {
      g_autoptr(CtRecord) organisation = make_organisation ();

      if (!ct_store_transaction_insert (txn, "bench", organisation, error))
        return FALSE;
    }

  for (guint i = 0; i < batch->count; i++)
    {
      g_autoptr(CtRecord) child = make_child (batch->first + i);
      g_autoptr(CtRecord) case_record = make_case (batch->first + i, child);
      const char *case_id = ct_record_get_id (case_record);

      g_autoptr(CtRecord) concern = make_note (CT_RECORD_KIND_CONCERN, case_id);
      g_autoptr(CtRecord) entry = make_note (CT_RECORD_KIND_CHRONOLOGY, case_id);

      ct_record_set_case_id (child, case_id);
      if (!ct_store_transaction_insert (txn, "bench", case_record, error) ||
          !ct_store_transaction_insert (txn, "bench", child, error) ||
          !ct_store_transaction_insert (txn, "bench", concern, error) ||
          !ct_store_transaction_insert (txn, "bench", entry, error))
        return FALSE;
    }

  return TRUE;
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

/* Opens the encrypted database and loads the case list's items, as the
 * window does at start; the store is closed again afterwards. */
static guint
open_and_list_encrypted (const char *path)
{
  Load load = { g_main_loop_new (NULL, FALSE), NULL, NULL, NULL };
  guint n;

  ct_workflow_open_and_load_async (path, NULL, on_loaded_cb, &load);
  g_main_loop_run (load.loop);
  if (load.workflow == NULL)
    g_error ("open and load: %s", load.error->message);

  n = load.items->len;
  ct_store_close (ct_workflow_get_store (load.workflow));
  g_ptr_array_unref (load.items);
  g_object_unref (load.workflow);
  g_main_loop_unref (load.loop);
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
      if (first == 1)
        {
          g_autoptr(CtRecord) organisation = make_organisation ();

          plain_insert (plain, organisation);
        }
      for (guint n = first; n < first + BATCH && n <= n_cases; n++)
        {
          g_autoptr(CtRecord) child = make_child (n);
          g_autoptr(CtRecord) case_record = make_case (n, child);
          const char *case_id = ct_record_get_id (case_record);

          g_autoptr(CtRecord) concern = make_note (CT_RECORD_KIND_CONCERN, case_id);
          g_autoptr(CtRecord) entry = make_note (CT_RECORD_KIND_CHRONOLOGY, case_id);

          ct_record_set_case_id (child, case_id);
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

/* The serialised fields of the row's @column, as they are stored. */
static GVariant *
plain_fields (sqlite3_stmt *stmt,
              int           column)
{
  g_autoptr(GBytes) data = g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));

  return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, data, FALSE));
}

/* A child's part of the list: its name and aliases. */
typedef struct
{
  char *given;
  char *family;
  char **aliases;
} PlainChild;

static void
plain_child_free (PlainChild *child)
{
  g_free (child->given);
  g_free (child->family);
  g_strfreev (child->aliases);
  g_free (child);
}

static char *
plain_string (GVariant *value)
{
  return value != NULL ? g_variant_dup_string (value, NULL) : NULL;
}

/* The same rows the window's load reads, through the sqlite3 C API with no
 * decryption, made into the same items. */
static guint
open_and_list_plain (const char *path)
{
  g_autoptr(GPtrArray) directory = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) plain_child_free);
  g_autofree char *dso = NULL;
  const CtRecordKind whole[] = { CT_RECORD_KIND_ORGANISATION, CT_RECORD_KIND_STAFF, CT_RECORD_KIND_AGENCY };
  sqlite3_stmt *stmt;
  sqlite3 *db;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                        CT_SQLITE_PERFORMANCE_PRAGMAS, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("plain open: %s", sqlite3_errmsg (db));

  /* The directory, whole, as the window reads it. */
  for (guint k = 0; k < G_N_ELEMENTS (whole); k++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id, case_id, state, reference, created_at, updated_at, due_at,"
                                              " version, data FROM %s", ct_record_kind_get_table (whole[k]));

      sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(GVariant) fields = plain_fields (stmt, 8);
          CtRecord *record = ct_record_new_full (whole[k], (const char *) sqlite3_column_text (stmt, 0),
                                                 (const char *) sqlite3_column_text (stmt, 1),
                                                 (const char *) sqlite3_column_text (stmt, 2),
                                                 (const char *) sqlite3_column_text (stmt, 3),
                                                 sqlite3_column_int64 (stmt, 4), sqlite3_column_int64 (stmt, 5),
                                                 sqlite3_column_int64 (stmt, 6), sqlite3_column_int64 (stmt, 7),
                                                 fields);

          if (whole[k] == CT_RECORD_KIND_ORGANISATION && dso == NULL)
            dso = g_strdup (ct_record_get_string (record, "dso-name"));
          g_ptr_array_add (directory, record);
        }
      sqlite3_finalize (stmt);
    }

  sqlite3_prepare_v2 (db, "SELECT id, data FROM children", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GVariant) fields = plain_fields (stmt, 1);
      g_autoptr(GVariant) given = g_variant_lookup_value (fields, "given-names", G_VARIANT_TYPE_STRING);
      g_autoptr(GVariant) family = g_variant_lookup_value (fields, "family-name", G_VARIANT_TYPE_STRING);
      g_autoptr(GVariant) aliases = g_variant_lookup_value (fields, "aliases", G_VARIANT_TYPE_STRING_ARRAY);
      PlainChild *child = g_new0 (PlainChild, 1);

      child->given = plain_string (given);
      child->family = plain_string (family);
      child->aliases = aliases != NULL ? g_variant_dup_strv (aliases, NULL) : NULL;
      g_hash_table_insert (children, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), child);
    }
  sqlite3_finalize (stmt);

  items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_prepare_v2 (db, "SELECT id, state, reference, due_at, data FROM cases", -1, &stmt, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GVariant) fields = plain_fields (stmt, 4);
      g_autoptr(GVariant) ids = g_variant_lookup_value (fields, "child-ids", G_VARIANT_TYPE_STRING_ARRAY);
      g_autoptr(GVariant) flags = g_variant_lookup_value (fields, "procedure-flags", G_VARIANT_TYPE_INT64);
      g_autoptr(GString) names = g_string_new (NULL);
      g_autoptr(GString) aliases = g_string_new (NULL);
      g_autofree const char **child_ids = ids != NULL ? g_variant_get_strv (ids, NULL) : NULL;
      const char *state_name = (const char *) sqlite3_column_text (stmt, 1);
      CtCaseItem *item;
      CtState state;

      for (guint i = 0; child_ids != NULL && child_ids[i] != NULL; i++)
        {
          PlainChild *child = g_hash_table_lookup (children, child_ids[i]);

          if (child == NULL)
            continue;
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append_printf (names, "%s %s", child->given ? child->given : "",
                                  child->family ? child->family : "");
          for (guint j = 0; child->aliases != NULL && child->aliases[j] != NULL; j++)
            g_string_append_printf (aliases, "%s\n", child->aliases[j]);
        }

      if (state_name != NULL && ct_state_from_string (state_name, &state, NULL))
        item = ct_case_item_new_in_state ((const char *) sqlite3_column_text (stmt, 0),
                                          (const char *) sqlite3_column_text (stmt, 2),
                                          names->str, aliases->str, state, sqlite3_column_int64 (stmt, 3), dso);
      else
        item = ct_case_item_new ((const char *) sqlite3_column_text (stmt, 0),
                                 (const char *) sqlite3_column_text (stmt, 2),
                                 names->str, aliases->str, state_name, sqlite3_column_int64 (stmt, 3), dso, FALSE);
      ct_case_item_set_urgent (item, flags != NULL && (g_variant_get_int64 (flags) & CT_CASE_FLAG_IMMEDIATE_RISK) != 0);
      g_ptr_array_add (items, item);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return items->len;
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

static double
file_mib (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size / (1024.0 * 1024.0) : 0;
}

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

static void
build_encrypted (const char *path,
                 guint       n_cases)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;

  store = ct_store_create_sync (path, NULL, &error);
  if (store == NULL)
    g_error ("create: %s", error->message);

  for (guint first = 1; first <= n_cases; first += BATCH)
    {
      Batch batch = { first, MIN (BATCH, n_cases - first + 1) };

      if (!ct_store_run_transaction_sync (store, insert_batch, &batch, &error))
        g_error ("insert: %s", error->message);
    }
  ct_store_close (store);
}

static void
build_plain (const char *path,
             guint       n_cases)
{
  Plain plain = { 0 };

  plain.db = plain_open (path);
  plain_insert_all (&plain, n_cases);
  for (guint i = 0; i < CT_RECORD_N_KINDS; i++)
    sqlite3_finalize (plain.insert[i]);
  sqlite3_finalize (plain.audit);
  sqlite3_finalize (plain.head);
  sqlite3_finalize (plain.index);
  sqlite3_close (plain.db);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, (int (*) (const void *, const void *)) compare_doubles);
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/*
 * Usage: bench-store [N_CASES [ROUNDS]]
 *
 * Builds both databases once, then opens and lists each ROUNDS times,
 * alternating which goes first, so neither always runs on a warmer (or
 * busier) machine. Other work on the machine can only add time, so the
 * best of the rounds is the fairest figure; the median is printed too.
 */
/* Opens and lists a database made earlier (by `caretrail-admin demo`,
 * whose key is in the keyring) ROUNDS times; peak resident memory too. */
static int
list_existing (const char *path,
               guint       rounds)
{
  g_autofree double *wall = g_new0 (double, rounds);
  g_autofree double *cpu_ms = g_new0 (double, rounds);
  double best = G_MAXDOUBLE, cpu_best = G_MAXDOUBLE;
  struct rusage usage;
  guint n = 0;

  for (guint round = 0; round < rounds; round++)
    {
      double cpu = cpu_seconds ();
      gint64 start = g_get_monotonic_time ();

      n = open_and_list_encrypted (path);
      wall[round] = seconds_since (start) * 1000;
      cpu_ms[round] = (cpu_seconds () - cpu) * 1000;
      best = MIN (best, wall[round]);
      cpu_best = MIN (cpu_best, cpu_ms[round]);
      printf ("round %u: %u items in %.0f ms (CPU %.0f ms)\n", round + 1, n, wall[round], cpu_ms[round]);
      fflush (stdout);
    }
  getrusage (RUSAGE_SELF, &usage);
  printf ("open and list %s's %u items: best %.0f ms, median %.0f ms; CPU best %.0f ms, median %.0f ms; "
          "peak resident memory %.0f MiB\n",
          path, n, best, median (wall, rounds), cpu_best, median (cpu_ms, rounds), usage.ru_maxrss / 1024.0);
  return 0;
}

/*
 * Usage: bench-store --database PATH [ROUNDS]
 *
 * Times only the encrypted open and list of an existing database.
 */
int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("ct-bench-XXXXXX", NULL);
  g_autofree char *enc_path = g_build_filename (dir, "encrypted.db", NULL);
  g_autofree char *plain_path = g_build_filename (dir, "plain.db", NULL);
  guint n_cases = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 5;
  g_autofree double *enc = NULL;
  g_autofree double *plain = NULL;
  g_autofree double *enc_cpu = NULL;
  g_autofree double *plain_cpu = NULL;
  double enc_best = G_MAXDOUBLE, plain_best = G_MAXDOUBLE;
  double enc_cpu_best = G_MAXDOUBLE, plain_cpu_best = G_MAXDOUBLE;
  double enc_median, plain_median;
  double enc_build_s, enc_build_cpu, plain_build_s, plain_build_cpu, cpu;
  gint64 start;

  if (argc > 2 && g_str_equal (argv[1], "--database"))
    {
      g_rmdir (dir);
      return list_existing (argv[2], argc > 3 ? (guint) MAX (atoi (argv[3]), 1) : 5);
    }

  if (n_cases == 0 || rounds == 0)
    {
      g_printerr ("usage: bench-store [N_CASES [ROUNDS]]\n");
      return 2;
    }
  enc = g_new0 (double, rounds);
  plain = g_new0 (double, rounds);
  enc_cpu = g_new0 (double, rounds);
  plain_cpu = g_new0 (double, rounds);

  printf ("Caretrail store benchmark: %u cases, %u records (case, child, concern, chronology entry each), %u rounds\n",
          n_cases, n_cases * 4, rounds);

  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  build_encrypted (enc_path, n_cases);
  enc_build_s = seconds_since (start);
  enc_build_cpu = cpu_seconds () - cpu;
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  build_plain (plain_path, n_cases);
  plain_build_s = seconds_since (start);
  plain_build_cpu = cpu_seconds () - cpu;
  printf ("insert: encrypted %.2f s (CPU %.2f s), plain %.2f s (CPU %.2f s), ratio %.2fx; "
          "files %.1f MiB and %.1f MiB\n",
          enc_build_s, enc_build_cpu, plain_build_s, plain_build_cpu, enc_build_s / plain_build_s,
          file_mib (enc_path), file_mib (plain_path));
  fflush (stdout);

  for (guint round = 0; round < rounds; round++)
    {
      for (guint which = 0; which < 2; which++)
        {
          gboolean encrypted = (round + which) % 2 == 0;
          guint n;

          cpu = cpu_seconds ();
          start = g_get_monotonic_time ();
          n = encrypted ? open_and_list_encrypted (enc_path) : open_and_list_plain (plain_path);
          if (n != n_cases)
            g_error ("listed %u items of %u cases", n, n_cases);
          if (encrypted)
            {
              enc[round] = seconds_since (start) * 1000;
              enc_cpu[round] = (cpu_seconds () - cpu) * 1000;
            }
          else
            {
              plain[round] = seconds_since (start) * 1000;
              plain_cpu[round] = (cpu_seconds () - cpu) * 1000;
            }
        }
      enc_best = MIN (enc_best, enc[round]);
      plain_best = MIN (plain_best, plain[round]);
      enc_cpu_best = MIN (enc_cpu_best, enc_cpu[round]);
      plain_cpu_best = MIN (plain_cpu_best, plain_cpu[round]);
      printf ("round %u (%s first): encrypted %.0f ms (CPU %.0f ms), plain %.0f ms (CPU %.0f ms), ratio %.2fx\n",
              round + 1, round % 2 == 0 ? "encrypted" : "plain", enc[round], enc_cpu[round], plain[round],
              plain_cpu[round], enc[round] / plain[round]);
      fflush (stdout);
    }

  enc_median = median (enc, rounds);
  plain_median = median (plain, rounds);
  printf ("open and list the case list's %u items (best of %u; median):\n", n_cases, rounds);
  printf ("  encrypted (ct_workflow_open_and_load_async)  %7.0f ms; %7.0f ms%s\n", enc_best, enc_median,
          n_cases == 10000 ? "   goal < 250 ms at 10,000 cases" : "");
  printf ("  plain SQLite, no cryptography                %7.0f ms; %7.0f ms\n", plain_best, plain_median);
  printf ("  ratio encrypted / plain                      %7.2fx; %7.2fx\n", enc_best / plain_best,
          enc_median / plain_median);
  printf ("  CPU time, all threads (best): encrypted %.0f ms, plain %.0f ms, ratio %.2fx\n",
          enc_cpu_best, plain_cpu_best, enc_cpu_best / plain_cpu_best);

  remove_db (enc_path);
  remove_db (plain_path);
  g_rmdir (dir);
  return 0;
}

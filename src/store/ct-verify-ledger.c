/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-verify-ledger"

#include "config.h"

#include "ct-verify-ledger.h"

#include <glib/gi18n.h>
#include <sqlite3.h>
#include <string.h>

#include "ct-store-error.h"

/*
 * Verify replays the whole audit log before it reads the records, so what
 * the log wrote must be kept somewhere until then: a hundred thousand
 * cases are millions of versions. They are kept in a private temporary
 * SQLite database (an empty file name: SQLite makes the file in the
 * temporary folder and deletes it on close), in one transaction that is
 * never committed, with no journal and a small page cache that spills to
 * the file. Its memory is the cache, whatever the size of the log.
 *
 * Record ids are random, so writing each entry into a table kept in their
 * order would touch a random page of it per entry, and once the table
 * outgrows the cache, read and write one. The entries are appended in the
 * log's order instead, and ct_verify_ledger_finish() sorts them (SQLite
 * sorts in runs on disk) into the tables looked up later, each filled
 * from its end. Each record found is then looked up by its primary key.
 */

/* The page cache, in KiB. */
#define LEDGER_CACHE_KIB 16384

enum
{
  STMT_APPEND,
  STMT_LOOKUP,
  STMT_SEE_LIVE,
  STMT_SEE_VERSION,
  N_STMTS
};

static const char *const statement_sql[N_STMTS] = {
  /* An erasure has no digest. */
  [STMT_APPEND] =
    "INSERT INTO log (kind, id, case_id, version, digest, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_LOOKUP] =
    "SELECT live_version, case_id, seen_live, found_version, found_updated_at, live_seq, live_digest"
    " FROM records WHERE kind = ?1 AND id = ?2",
  [STMT_SEE_LIVE] =
    "UPDATE records SET seen_live = 1, found_version = ?3, found_updated_at = ?4"
    " WHERE kind = ?1 AND id = ?2",
  /* A version no entry wrote is kept as seen with entry 0, so that it is
   * not reported missing as well as unwritten. */
  [STMT_SEE_VERSION] =
    "INSERT INTO versions (kind, id, version, digest, seq, seen) VALUES (?1, ?2, ?3, NULL, 0, 1)"
    " ON CONFLICT (kind, id, version) DO UPDATE SET seen = 1"
    " RETURNING seq, digest",
};

struct _CtVerifyLedger
{
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
};

static void
set_ledger_error (CtVerifyLedger  *self,
                  int              rc,
                  GError         **error)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  if ((rc & 0xff) == SQLITE_FULL)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL,
                 _("The temporary folder is full, so the database could not be verified. Nothing was changed: free some space in it and verify again."));
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                 _("Verify could not keep its working notes in the temporary folder (%s), so the database could not be verified. Nothing was changed: check that the temporary folder is present and has free space, and verify again."),
                 detail);
}

static gboolean
exec_sql (CtVerifyLedger  *self,
          const char      *sql,
          GError         **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_ledger_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Runs @stmt, bound, to its end and resets it. */
static gboolean
step_done (CtVerifyLedger  *self,
           sqlite3_stmt    *stmt,
           GError         **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_ledger_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
bind_record (CtVerifyLedger *self,
             int             which,
             CtRecordKind    kind,
             const char     *id)
{
  sqlite3_stmt *stmt = self->stmts[which];

  sqlite3_bind_int (stmt, 1, kind);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  return stmt;
}

/**
 * ct_verify_ledger_new:
 *
 * Returns: (transfer full): an empty ledger, or %NULL if its temporary
 *   database could not be made
 */
CtVerifyLedger *
ct_verify_ledger_new (GError **error)
{
  g_autoptr(CtVerifyLedger) self = g_new0 (CtVerifyLedger, 1);
  g_autofree char *pragmas = NULL;
  int rc;

  rc = sqlite3_open_v2 ("", &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_PRIVATECACHE |
                        SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_ledger_error (self, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);

  /* The file is thrown away, so nothing need survive a crash. */
  pragmas = g_strdup_printf ("PRAGMA journal_mode = OFF;"
                             "PRAGMA synchronous = OFF;"
                             "PRAGMA locking_mode = EXCLUSIVE;"
                             "PRAGMA temp_store = FILE;"
                             "PRAGMA mmap_size = 0;"
                             "PRAGMA cache_size = -%d;",
                             LEDGER_CACHE_KIB);
  if (!exec_sql (self, pragmas, error) ||
      !exec_sql (self,
                 "CREATE TABLE log ("
                 "  ord     INTEGER PRIMARY KEY,"
                 "  kind    INTEGER NOT NULL,"
                 "  id      TEXT NOT NULL,"
                 "  case_id TEXT,"
                 "  version INTEGER NOT NULL,"
                 "  digest  BLOB,"
                 "  seq     INTEGER NOT NULL"
                 ");"
                 "CREATE TABLE records ("
                 "  kind             INTEGER NOT NULL,"
                 "  id               TEXT NOT NULL,"
                 "  case_id          TEXT,"
                 "  live_version     INTEGER NOT NULL,"
                 "  seen_live        INTEGER NOT NULL DEFAULT 0,"
                 "  found_version    INTEGER NOT NULL DEFAULT 0,"
                 "  found_updated_at INTEGER NOT NULL DEFAULT 0,"
                 "  live_seq         INTEGER NOT NULL DEFAULT 0,"
                 "  live_digest      BLOB,"
                 "  PRIMARY KEY (kind, id)"
                 ") WITHOUT ROWID;"
                 "CREATE TABLE versions ("
                 "  kind    INTEGER NOT NULL,"
                 "  id      TEXT NOT NULL,"
                 "  version INTEGER NOT NULL,"
                 "  digest  BLOB,"
                 "  seq     INTEGER NOT NULL,"
                 "  seen    INTEGER NOT NULL DEFAULT 0,"
                 "  PRIMARY KEY (kind, id, version)"
                 ") WITHOUT ROWID;"
                 "BEGIN;",
                 error))
    return NULL;

  for (guint i = 0; i < N_STMTS; i++)
    {
      rc = sqlite3_prepare_v3 (self->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        {
          set_ledger_error (self, rc, error);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

/**
 * ct_verify_ledger_free:
 * @self: (nullable) (transfer full): a ledger
 *
 * Closes the ledger; SQLite deletes its file.
 */
void
ct_verify_ledger_free (CtVerifyLedger *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  sqlite3_close (self->db);
  g_free (self);
}

/**
 * ct_verify_ledger_write:
 * @digest: %CT_DIGEST_BYTES bytes
 * @seq: the audit entry that wrote it
 *
 * Records that entry @seq wrote @version of a record. The record's case
 * is the one its first write named. Entries are given in the log's order.
 */
gboolean
ct_verify_ledger_write (CtVerifyLedger  *self,
                        CtRecordKind     kind,
                        const char      *id,
                        const char      *case_id,
                        gint64           version,
                        const guint8    *digest,
                        gint64           seq,
                        GError         **error)
{
  sqlite3_stmt *stmt = bind_record (self, STMT_APPEND, kind, id);

  sqlite3_bind_text (stmt, 3, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, version);
  if (digest != NULL)
    sqlite3_bind_blob (stmt, 5, digest, CT_DIGEST_BYTES, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_int64 (stmt, 6, seq);
  return step_done (self, stmt, error);
}

/* Records that a record and every version of it were erased. */
gboolean
ct_verify_ledger_erase (CtVerifyLedger  *self,
                        CtRecordKind     kind,
                        const char      *id,
                        GError         **error)
{
  return ct_verify_ledger_write (self, kind, id, NULL, 0, NULL, 0, error);
}

/**
 * ct_verify_ledger_finish:
 *
 * Turns the entries written into the records and versions they leave
 * behind, as if each had been applied in turn: a later write of a version
 * replaces an earlier one, and an erasure removes what came before it.
 * Call it once, after the last write and before the first lookup.
 */
gboolean
ct_verify_ledger_finish (CtVerifyLedger  *self,
                         GError         **error)
{
  /* Erasures are few: the last of each record is kept in a small table,
   * and the entries before it are left out. Sorted by key, each record
   * or version is written where the last one was; in the order of the
   * log within it, so the first write of a record names its case, and
   * the last write of a version is the one that stays. */
  return exec_sql (self,
                   "CREATE TABLE erased ("
                   "  kind INTEGER NOT NULL,"
                   "  id   TEXT NOT NULL,"
                   "  ord  INTEGER NOT NULL,"
                   "  PRIMARY KEY (kind, id)"
                   ") WITHOUT ROWID;"
                   "INSERT INTO erased SELECT kind, id, max(ord) FROM log WHERE digest IS NULL GROUP BY kind, id;"
                   "CREATE VIEW standing AS SELECT * FROM log"
                   " WHERE digest IS NOT NULL"
                   "   AND NOT EXISTS (SELECT 1 FROM erased e"
                   "                   WHERE e.kind = log.kind AND e.id = log.id AND e.ord > log.ord);"
                   "INSERT INTO records (kind, id, case_id, live_version)"
                   " SELECT kind, id, case_id, version FROM standing WHERE true ORDER BY kind, id, ord"
                   " ON CONFLICT (kind, id) DO UPDATE SET live_version = max(live_version, excluded.live_version);"
                   "INSERT INTO versions (kind, id, version, digest, seq)"
                   " SELECT kind, id, version, digest, seq FROM standing WHERE true ORDER BY kind, id, version, ord"
                   " ON CONFLICT (kind, id, version) DO UPDATE SET digest = excluded.digest, seq = excluded.seq;"
                   /* A live row is checked against its record alone. */
                   "UPDATE records SET (live_seq, live_digest) ="
                   " (SELECT seq, digest FROM versions v"
                   "  WHERE v.kind = records.kind AND v.id = records.id AND v.version = records.live_version);"
                   "DROP VIEW standing;"
                   "DROP TABLE erased;"
                   "DROP TABLE log;",
                   error);
}

/**
 * ct_verify_ledger_lookup:
 * @out_record: (out caller-allocates): the record, when found; clear it
 *   with ct_verify_ledger_record_clear()
 * @out_found: (out): whether the log wrote the record
 *
 * Returns: %FALSE only if the ledger could not be read
 */
gboolean
ct_verify_ledger_lookup (CtVerifyLedger        *self,
                         CtRecordKind           kind,
                         const char            *id,
                         CtVerifyLedgerRecord  *out_record,
                         gboolean              *out_found,
                         GError               **error)
{
  sqlite3_stmt *stmt = bind_record (self, STMT_LOOKUP, kind, id);
  int rc;

  memset (out_record, 0, sizeof *out_record);
  *out_found = FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_found = TRUE;
      out_record->live_version = sqlite3_column_int64 (stmt, 0);
      out_record->case_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      out_record->seen_live = sqlite3_column_int (stmt, 2) != 0;
      out_record->found_version = sqlite3_column_int64 (stmt, 3);
      out_record->found_updated_at = sqlite3_column_int64 (stmt, 4);
      out_record->live_seq = sqlite3_column_int64 (stmt, 5);
      if (sqlite3_column_bytes (stmt, 6) == CT_DIGEST_BYTES)
        memcpy (out_record->live_digest, sqlite3_column_blob (stmt, 6), CT_DIGEST_BYTES);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      ct_verify_ledger_record_clear (out_record);
      *out_found = FALSE;
      set_ledger_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_verify_ledger_see_live:
 * @version: the version of the live row found
 * @updated_at: its updated-at
 *
 * Looks up a record as ct_verify_ledger_lookup() does and, if the log
 * wrote it, notes that its live row was found.
 */
gboolean
ct_verify_ledger_see_live (CtVerifyLedger        *self,
                           CtRecordKind           kind,
                           const char            *id,
                           gint64                 version,
                           gint64                 updated_at,
                           CtVerifyLedgerRecord  *out_record,
                           gboolean              *out_found,
                           GError               **error)
{
  sqlite3_stmt *stmt;

  if (!ct_verify_ledger_lookup (self, kind, id, out_record, out_found, error))
    return FALSE;
  if (!*out_found)
    return TRUE;

  stmt = bind_record (self, STMT_SEE_LIVE, kind, id);
  sqlite3_bind_int64 (stmt, 3, version);
  sqlite3_bind_int64 (stmt, 4, updated_at);
  if (!step_done (self, stmt, error))
    {
      ct_verify_ledger_record_clear (out_record);
      *out_found = FALSE;
      return FALSE;
    }
  out_record->seen_live = TRUE;
  out_record->found_version = version;
  out_record->found_updated_at = updated_at;
  return TRUE;
}

/**
 * ct_verify_ledger_see_version:
 * @out_digest: (out caller-allocates): what the log wrote for @version,
 *   zeroes if nothing
 * @out_seq: (out): the entry that wrote it, or 0 if none did
 *
 * Notes that @version of a record the log wrote was found in its
 * history, and says what the log wrote for it.
 */
gboolean
ct_verify_ledger_see_version (CtVerifyLedger  *self,
                              CtRecordKind     kind,
                              const char      *id,
                              gint64           version,
                              guint8           out_digest[CT_DIGEST_BYTES],
                              gint64          *out_seq,
                              GError         **error)
{
  sqlite3_stmt *stmt = bind_record (self, STMT_SEE_VERSION, kind, id);
  int rc;

  memset (out_digest, 0, CT_DIGEST_BYTES);
  *out_seq = 0;
  sqlite3_bind_int64 (stmt, 3, version);

  /* The change is made by the first step, which returns the row. */
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_seq = sqlite3_column_int64 (stmt, 0);
      if (sqlite3_column_bytes (stmt, 1) == CT_DIGEST_BYTES)
        memcpy (out_digest, sqlite3_column_blob (stmt, 1), CT_DIGEST_BYTES);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_ledger_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_verify_ledger_foreach:
 * @func: called for each record, in the order of kind and id
 *
 * Walks the ledger with a cursor: one record and its versions in memory
 * at a time.
 */
gboolean
ct_verify_ledger_foreach (CtVerifyLedger            *self,
                          CtVerifyLedgerRecordFunc   func,
                          gpointer                   user_data,
                          GError                   **error)
{
  g_autoptr(GArray) versions = g_array_new (FALSE, TRUE, sizeof (CtVerifyLedgerVersion));
  g_autofree char *id = NULL;
  CtVerifyLedgerRecord record = { 0 };
  CtRecordKind kind = 0;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  gboolean have_record = FALSE;
  int rc;

  /* Versions below the live one, after their record's row. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT r.kind, r.id, r.case_id, r.live_version, r.seen_live, r.live_seq,"
                           "       v.version, v.seq, v.seen"
                           " FROM records r"
                           " LEFT JOIN versions v"
                           "   ON v.kind = r.kind AND v.id = r.id AND v.version < r.live_version"
                           " ORDER BY r.kind, r.id, v.version",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_ledger_error (self, rc, error);
      return FALSE;
    }

  for (;;)
    {
      gboolean same;

      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        break;

      same = rc == SQLITE_ROW && have_record &&
             sqlite3_column_int (stmt, 0) == (int) kind &&
             g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), id) == 0;

      /* The record before is complete: give it, with the versions no
       * entry wrote after the last one some entry did. */
      if (have_record && !same)
        {
          for (gint64 version = versions->len + 1; version < record.live_version; version++)
            {
              CtVerifyLedgerVersion gap = { version, 0, FALSE };

              g_array_append_val (versions, gap);
            }
          ok = func (kind, id, &record, (CtVerifyLedgerVersion *) (gpointer) versions->data,
                     versions->len, user_data, error);
          ct_verify_ledger_record_clear (&record);
          g_clear_pointer (&id, g_free);
          g_array_set_size (versions, 0);
          have_record = FALSE;
          if (!ok)
            break;
        }
      if (rc == SQLITE_DONE)
        break;

      if (!have_record)
        {
          have_record = TRUE;
          kind = sqlite3_column_int (stmt, 0);
          id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          record.case_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          record.live_version = sqlite3_column_int64 (stmt, 3);
          record.seen_live = sqlite3_column_int (stmt, 4) != 0;
          record.live_seq = sqlite3_column_int64 (stmt, 5);
        }

      if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
        {
          CtVerifyLedgerVersion found = {
            sqlite3_column_int64 (stmt, 6),
            sqlite3_column_int64 (stmt, 7),
            sqlite3_column_int (stmt, 8) != 0,
          };

          for (gint64 version = versions->len + 1; version < found.version; version++)
            {
              CtVerifyLedgerVersion gap = { version, 0, FALSE };

              g_array_append_val (versions, gap);
            }
          if (found.version >= 1)
            g_array_append_val (versions, found);
        }
    }

  ct_verify_ledger_record_clear (&record);
  if (ok && rc != SQLITE_DONE)
    {
      set_ledger_error (self, rc, error);
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

/* Frees what a looked-up record holds. */
void
ct_verify_ledger_record_clear (CtVerifyLedgerRecord *record)
{
  g_clear_pointer (&record->case_id, g_free);
}

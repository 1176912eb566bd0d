/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-sqlite-backend"

#include "config.h"

#include "ct-sqlite-backend.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "ct-store-error.h"

/*
 * The SQLite backend keeps one file in WAL mode, with foreign keys on,
 * synchronous=FULL (a committed transaction survives a crash or a power
 * cut) and secure_delete on (freed pages are zeroed, so an erased case
 * leaves nothing behind). It only ever receives ciphertext.
 *
 * It is used from one thread at a time: the store's worker thread.
 */

/* Statements used for every record written. */
enum
{
  HOT_INSERT_ROW,                                   /* one per kind */
  HOT_APPEND_AUDIT = HOT_INSERT_ROW + CT_RECORD_N_KINDS,
  HOT_INSERT_BLIND,
  HOT_SET_CASE_KEY,
  N_HOT
};

struct _CtSqliteBackend
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  gboolean read_only;
  /* SQL text -> sqlite3_stmt */
  GHashTable *statements;
  /* The statements every write uses, found without hashing their text;
   * owned by `statements`. */
  sqlite3_stmt *hot[N_HOT];
  /* The per-table statements, written out once. */
  char *insert_sql[CT_RECORD_N_KINDS];
  char *get_sql[CT_RECORD_N_KINDS];
  /* Whether audit_log has the columns of schema 2: 0 unknown, 1 no, 2 yes.
   * A database opened read-only is never migrated, so both are read. */
  int audit_columns;
  /* While scanning: the page cache and memory map sizes to go back to. */
  gboolean scanning;
  gint64 saved_cache_size;
  gint64 saved_mmap_size;
};

static void ct_sqlite_backend_iface_init (CtStoreBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CtSqliteBackend, ct_sqlite_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CT_TYPE_STORE_BACKEND,
                                                      ct_sqlite_backend_iface_init))

#define ROW_COLUMNS "id, case_id, state, reference, created_at, updated_at, due_at, version, data"

static void
set_sqlite_error (CtSqliteBackend  *self,
                  int               rc,
                  GError          **error)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                   _("The database file “%s” is damaged (%s). Restore it from a backup with “caretrail-admin restore”."),
                   self->path, detail);
      break;
    case SQLITE_NOTADB:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_DATABASE,
                   _("The file “%s” is not a Caretrail database, or its first page is damaged. Check the path, or restore the database from a backup."),
                   self->path);
      break;
    case SQLITE_FULL:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL,
                   _("The disk is full, so the change was not saved. Nothing was lost: free some space and try again."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BUSY,
                   _("The database “%s” is in use by another program. Close it and try again."),
                   self->path);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The record could not be saved because it conflicts with what is already stored (%s)."),
                   detail);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    default:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The database “%s” could not be read or written (%s). Check that the disk is present and not full, and that you may write to the folder."),
                   self->path, detail);
      break;
    }
}

static sqlite3_stmt *
prepare (CtSqliteBackend  *self,
         const char       *sql,
         GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (self->db == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED,
                   _("The database is closed."));
      return NULL;
    }

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/* prepare(), remembering the statement in @slot of the hot statements. */
static sqlite3_stmt *
prepare_hot (CtSqliteBackend  *self,
             guint             slot,
             const char       *sql,
             GError          **error)
{
  sqlite3_stmt *stmt = self->hot[slot];

  if (stmt != NULL && self->db != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  stmt = prepare (self, sql, error);
  self->hot[slot] = stmt;
  return stmt;
}

/* Binds without copying: for a statement stepped to completion (and reset)
 * before the bound text or bytes go away. */
static void
bind_text_now (sqlite3_stmt *stmt,
               int           index,
               const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_bytes_now (sqlite3_stmt *stmt,
                int           index,
                GBytes       *bytes)
{
  gsize len = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (bytes != NULL)
    sqlite3_bind_blob64 (stmt, index, data != NULL ? data : "", len, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
exec (CtSqliteBackend  *self,
      const char       *sql,
      GError          **error)
{
  int rc;

  if (self->db == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED, _("The database is closed."));
      return FALSE;
    }

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
step_done (CtSqliteBackend  *self,
           sqlite3_stmt     *stmt,
           GError          **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           index,
            GBytes       *bytes)
{
  gsize len = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (bytes != NULL)
    sqlite3_bind_blob64 (stmt, index, data != NULL ? data : "", len, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, index));
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           index)
{
  const void *data;
  int len;

  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return NULL;

  data = sqlite3_column_blob (stmt, index);
  len = sqlite3_column_bytes (stmt, index);
  return g_bytes_new (data, len);
}

static CtStoreRow *
read_row (sqlite3_stmt *stmt,
          CtRecordKind  kind)
{
  CtStoreRow *row = ct_store_row_new ();

  row->kind = kind;
  row->id = column_text (stmt, 0);
  row->case_id = column_text (stmt, 1);
  row->state = column_text (stmt, 2);
  row->reference = column_text (stmt, 3);
  row->created_at = sqlite3_column_int64 (stmt, 4);
  row->updated_at = sqlite3_column_int64 (stmt, 5);
  row->due_at = sqlite3_column_int64 (stmt, 6);
  row->version = sqlite3_column_int64 (stmt, 7);
  row->data = column_bytes (stmt, 8);
  if (row->data == NULL)
    row->data = g_bytes_new (NULL, 0);

  return row;
}

static gboolean
ct_sqlite_backend_open (CtStoreBackend           *backend,
                        CtStoreBackendOpenFlags   flags,
                        GError                  **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  int open_flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  g_autofree char *wal_path = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm_path = g_strconcat (self->path, "-shm", NULL);
  g_autofree char *uri = NULL;
  gboolean heap_wal_index = FALSE;
  int rc;

  g_return_val_if_fail (self->db == NULL, FALSE);

  if (flags & CT_STORE_BACKEND_OPEN_READ_ONLY)
    open_flags |= SQLITE_OPEN_READONLY;
  else
    open_flags |= SQLITE_OPEN_READWRITE;
  if (flags & CT_STORE_BACKEND_OPEN_CREATE)
    open_flags |= SQLITE_OPEN_CREATE;

  if (!(flags & CT_STORE_BACKEND_OPEN_CREATE) &&
      !g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE,
                   _("There is no Caretrail database at “%s”. Create one with “caretrail-admin init”, or give the right path with --database."),
                   self->path);
      return FALSE;
    }

  /* A read-only look at a database that has no WAL beside it is made
   * "immutable": SQLite then creates no -wal or -shm file, so looking
   * leaves the folder exactly as it was. */
  if ((flags & CT_STORE_BACKEND_OPEN_READ_ONLY) && !g_file_test (wal_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *escaped = g_uri_escape_string (self->path, "/", FALSE);

      uri = g_strconcat ("file:", escaped, "?immutable=1", NULL);
      open_flags |= SQLITE_OPEN_URI;
    }
  /* A WAL without its -shm is what a crash leaves, and nobody has the
   * database open (an open WAL always has its -shm). A read-only
   * connection would create the -shm to read the WAL. A probe instead
   * opens the file for writing but only queries it, in exclusive locking
   * mode, where SQLite keeps the WAL index in its own memory, and never
   * checkpoints on close: the database, the WAL and the folder stay as
   * they were. The lock is held only for the probe's few reads. */
  else if ((flags & CT_STORE_BACKEND_OPEN_READ_ONLY) && (flags & CT_STORE_BACKEND_OPEN_PROBE) &&
           !g_file_test (shm_path, G_FILE_TEST_EXISTS) &&
           g_access (self->path, W_OK) == 0)
    {
      open_flags &= ~SQLITE_OPEN_READONLY;
      open_flags |= SQLITE_OPEN_READWRITE;
      heap_wal_index = TRUE;
    }

  rc = sqlite3_open_v2 (uri != NULL ? uri : self->path, &self->db, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, rc, error);
      sqlite3_close (self->db);
      self->db = NULL;
      return FALSE;
    }

  /* Only the user may read the file, even though it holds ciphertext;
   * SQLite gives the WAL and shared-memory files the same mode. */
  if (flags & CT_STORE_BACKEND_OPEN_CREATE)
    g_chmod (self->path, 0600);

  self->read_only = (flags & CT_STORE_BACKEND_OPEN_READ_ONLY) != 0;
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  if (heap_wal_index)
    {
      sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
      /* Both before the first read: query_only so nothing is written,
       * exclusive locking so no -shm is made. */
      if (!exec (self, "PRAGMA query_only = ON; PRAGMA locking_mode = EXCLUSIVE;", error))
        {
          ct_store_backend_close (backend);
          return FALSE;
        }
    }
  else if (!self->read_only)
    {
      /* journal_mode answers with a row, so it is run through exec too. */
      if (!exec (self, "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA secure_delete = ON;"
                       CT_SQLITE_PERFORMANCE_PRAGMAS, error))
        {
          ct_store_backend_close (backend);
          return FALSE;
        }
    }
  else if (!exec (self, "PRAGMA query_only = ON;" CT_SQLITE_PERFORMANCE_PRAGMAS, error))
    {
      ct_store_backend_close (backend);
      return FALSE;
    }

  return TRUE;
}

static void
ct_sqlite_backend_close (CtStoreBackend *backend)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);

  memset (self->hot, 0, sizeof self->hot);
  self->audit_columns = 0;
  g_hash_table_remove_all (self->statements);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
}

static gint64
query_pragma_int (CtSqliteBackend  *self,
                  const char       *sql,
                  GError          **error)
{
  sqlite3_stmt *stmt;
  gint64 value;
  int rc;

  if (!(stmt = prepare (self, sql, error)))
    return -1;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, rc, error);
      sqlite3_reset (stmt);
      return -1;
    }

  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gint64
ct_sqlite_backend_get_schema_version (CtStoreBackend  *backend,
                                      GError         **error)
{
  return query_pragma_int (CT_SQLITE_BACKEND (backend), "PRAGMA user_version", error);
}

static gboolean
ct_sqlite_backend_is_caretrail (CtStoreBackend  *backend,
                                GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  gint64 app_id;
  gint64 n_tables;

  /* Reading the schema is the first real read of the file, so a file
   * that is not SQLite at all fails here. */
  n_tables = query_pragma_int (self, "SELECT count(*) FROM sqlite_schema", error);
  if (n_tables < 0)
    return FALSE;

  app_id = query_pragma_int (self, "PRAGMA application_id", error);
  if (app_id < 0)
    return FALSE;

  if (app_id == CT_SQLITE_APPLICATION_ID)
    return TRUE;

  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_DATABASE,
               _("The file “%s” is not a Caretrail database. Check the path given with --database."),
               self->path);
  return FALSE;
}

typedef struct
{
  gint64 version;
  char *path;
} Migration;

static void
migration_free (gpointer data)
{
  Migration *m = data;

  g_free (m->path);
  g_free (m);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const Migration *ma = *(const Migration **)a;
  const Migration *mb = *(const Migration **)b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

/* Migrations are resources named NNNN-description.sql; NNNN is the schema
 * version the file brings the database to. */
static GPtrArray *
list_migrations (void)
{
  GPtrArray *migrations = g_ptr_array_new_with_free_func (migration_free);
  g_auto(GStrv) names = NULL;

  names = g_resources_enumerate_children (CT_SQLITE_MIGRATIONS_PATH,
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      Migration *m;
      char *end = NULL;
      gint64 version;

      if (!g_str_has_suffix (names[i], ".sql"))
        continue;
      version = g_ascii_strtoll (names[i], &end, 10);
      if (version <= 0 || end == names[i] || *end != '-')
        continue;

      m = g_new0 (Migration, 1);
      m->version = version;
      m->path = g_strconcat (CT_SQLITE_MIGRATIONS_PATH, names[i], NULL);
      g_ptr_array_add (migrations, m);
    }

  g_ptr_array_sort (migrations, compare_migrations);
  return migrations;
}

static gint64
ct_sqlite_backend_get_latest_schema_version (CtStoreBackend *backend)
{
  g_autoptr(GPtrArray) migrations = list_migrations ();

  if (migrations->len == 0)
    return 0;

  return ((Migration *)g_ptr_array_index (migrations, migrations->len - 1))->version;
}

static gboolean
ct_sqlite_backend_migrate (CtStoreBackend  *backend,
                           GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autoptr(GPtrArray) migrations = list_migrations ();
  gint64 current;

  if (migrations->len == 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("This copy of Caretrail is incomplete: its database definitions are missing. Reinstall Caretrail."));
      return FALSE;
    }

  current = ct_store_backend_get_schema_version (backend, error);
  if (current < 0)
    return FALSE;

  for (guint i = 0; i < migrations->len; i++)
    {
      Migration *m = g_ptr_array_index (migrations, i);
      g_autoptr(GBytes) sql = NULL;
      g_autofree char *text = NULL;
      g_autofree char *set_version = NULL;

      if (m->version <= current)
        continue;

      sql = g_resources_lookup_data (m->path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (sql == NULL)
        return FALSE;
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, m->version);

      /* Each migration and the version it reaches commit together. */
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (self, text, error) || !exec (self, set_version, error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec (self, "COMMIT", error))
        {
          exec (self, "ROLLBACK", NULL);
          return FALSE;
        }
      g_debug ("Migrated %s to schema %" G_GINT64_FORMAT, self->path, m->version);
      self->audit_columns = 0;
      self->hot[HOT_APPEND_AUDIT] = NULL;
    }

  return TRUE;
}

static gboolean
ct_sqlite_backend_begin (CtStoreBackend  *backend,
                         GError         **error)
{
  return exec (CT_SQLITE_BACKEND (backend), "BEGIN IMMEDIATE", error);
}

static gboolean
ct_sqlite_backend_commit (CtStoreBackend  *backend,
                          GError         **error)
{
  return exec (CT_SQLITE_BACKEND (backend), "COMMIT", error);
}

static void
ct_sqlite_backend_rollback (CtStoreBackend *backend)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);

  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    exec (self, "ROLLBACK", NULL);
}

/* Runs @sql, a query of one blob column by one text parameter, and returns
 * the blob of the first row, or %NULL with @error unset when there is none. */
static GBytes *
query_blob (CtSqliteBackend  *self,
            const char       *sql,
            const char       *param,
            GError          **error)
{
  sqlite3_stmt *stmt;
  GBytes *value = NULL;
  int rc;

  if (!(stmt = prepare (self, sql, error)))
    return NULL;

  bind_text (stmt, 1, param);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = column_bytes (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return value;
}

static GBytes *
ct_sqlite_backend_get_meta (CtStoreBackend  *backend,
                            const char      *key,
                            GError         **error)
{
  return query_blob (CT_SQLITE_BACKEND (backend),
                     "SELECT value FROM meta WHERE key = ?", key, error);
}

static gboolean
ct_sqlite_backend_set_meta (CtStoreBackend  *backend,
                            const char      *key,
                            GBytes          *value,
                            GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error)))
    return FALSE;

  bind_text (stmt, 1, key);
  bind_bytes (stmt, 2, value);
  return step_done (self, stmt, error);
}

static gboolean
ct_sqlite_backend_insert_row (CtStoreBackend    *backend,
                              const CtStoreRow  *row,
                              GError           **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  if (!(stmt = prepare_hot (self, HOT_INSERT_ROW + row->kind, self->insert_sql[row->kind], error)))
    return FALSE;

  bind_text_now (stmt, 1, ct_record_kind_to_string (row->kind));
  bind_text_now (stmt, 2, row->id);
  bind_text_now (stmt, 3, row->case_id);
  bind_text_now (stmt, 4, row->state);
  bind_text_now (stmt, 5, row->reference);
  sqlite3_bind_int64 (stmt, 6, row->created_at);
  sqlite3_bind_int64 (stmt, 7, row->updated_at);
  sqlite3_bind_int64 (stmt, 8, row->due_at);
  sqlite3_bind_int64 (stmt, 9, row->version);
  bind_bytes_now (stmt, 10, row->data);

  return step_done (self, stmt, error);
}

/* Copies the stored version of a row into the history, then writes the new
 * one over it, only if the stored version is the one before @row's. */
static gboolean
ct_sqlite_backend_update_row (CtStoreBackend    *backend,
                              const CtStoreRow  *row,
                              gint64             replaced_at,
                              GError           **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  const char *table = ct_record_kind_get_table (row->kind);
  g_autofree char *history_sql = NULL;
  g_autofree char *update_sql = NULL;
  sqlite3_stmt *stmt;

  history_sql = g_strdup_printf ("INSERT INTO record_history (tbl, id, version, case_id, kind, state, reference,"
                                 " created_at, updated_at, due_at, data, replaced_at)"
                                 " SELECT '%s', id, version, case_id, kind, state, reference, created_at,"
                                 " updated_at, due_at, data, ? FROM %s WHERE id = ? AND version = ?",
                                 table, table);
  if (!(stmt = prepare (self, history_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, replaced_at);
  bind_text (stmt, 2, row->id);
  sqlite3_bind_int64 (stmt, 3, row->version - 1);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) != 1)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT,
                   _("The record was changed by someone else since it was opened, so this change was not saved. Open the record again and repeat the change."));
      return FALSE;
    }

  update_sql = g_strdup_printf ("UPDATE %s SET case_id = ?, state = ?, reference = ?, updated_at = ?,"
                                " due_at = ?, version = ?, data = ? WHERE id = ? AND version = ?",
                                table);
  if (!(stmt = prepare (self, update_sql, error)))
    return FALSE;
  bind_text (stmt, 1, row->case_id);
  bind_text (stmt, 2, row->state);
  bind_text (stmt, 3, row->reference);
  sqlite3_bind_int64 (stmt, 4, row->updated_at);
  sqlite3_bind_int64 (stmt, 5, row->due_at);
  sqlite3_bind_int64 (stmt, 6, row->version);
  bind_bytes (stmt, 7, row->data);
  bind_text (stmt, 8, row->id);
  sqlite3_bind_int64 (stmt, 9, row->version - 1);

  return step_done (self, stmt, error);
}

static CtStoreRow *
ct_sqlite_backend_get_row (CtStoreBackend  *backend,
                           CtRecordKind     kind,
                           const char      *id,
                           GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  CtStoreRow *row = NULL;
  int rc;

  if (!(stmt = prepare (self, self->get_sql[kind], error)))
    return NULL;

  bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = read_row (stmt, kind);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                 _("The %s record “%s” does not exist."), ct_record_kind_to_string (kind), id);
  else
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return row;
}

static GPtrArray *
collect_rows (CtSqliteBackend  *self,
              sqlite3_stmt     *stmt,
              CtRecordKind      kind,
              GError          **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_store_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_row (stmt, kind));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* ORDER BY created_at, id; ids compare as SQLite's BINARY collation does. */
static int
compare_rows_by_creation (gconstpointer a,
                          gconstpointer b)
{
  const CtStoreRow *row_a = *(const CtStoreRow * const *) a;
  const CtStoreRow *row_b = *(const CtStoreRow * const *) b;

  if (row_a->created_at != row_b->created_at)
    return row_a->created_at < row_b->created_at ? -1 : 1;
  return strcmp (row_a->id, row_b->id);
}

static GPtrArray *
ct_sqlite_backend_list_rows (CtStoreBackend  *backend,
                             CtRecordKind     kind,
                             const char      *case_id,
                             GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  GPtrArray *rows;

  /* In the order they were created, sorted here rather than with ORDER BY:
   * SQLite's sorter would copy every row, ciphertext and all, to sort them
   * by columns no index covers. */
  sql = g_strdup_printf ("SELECT " ROW_COLUMNS " FROM %s%s",
                         ct_record_kind_get_table (kind),
                         case_id != NULL ? " WHERE case_id = ?" : "");
  if (!(stmt = prepare (self, sql, error)))
    return NULL;

  if (case_id != NULL)
    bind_text (stmt, 1, case_id);

  rows = collect_rows (self, stmt, kind, error);
  if (rows != NULL)
    g_ptr_array_sort (rows, compare_rows_by_creation);
  return rows;
}

static CtStoreRow *
ct_sqlite_backend_get_case_by_reference (CtStoreBackend  *backend,
                                         const char      *reference,
                                         GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  CtStoreRow *row = NULL;
  int rc;

  /* The reference column is UNIQUE, so this is one lookup in its index. */
  if (!(stmt = prepare (self, "SELECT " ROW_COLUMNS " FROM cases WHERE reference = ?", error)))
    return NULL;

  bind_text (stmt, 1, reference);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    row = read_row (stmt, CT_RECORD_KIND_CASE);
  else if (rc == SQLITE_DONE)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                 _("No case has the reference “%s”."), reference);
  else
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return row;
}

static GPtrArray *
ct_sqlite_backend_list_references (CtStoreBackend  *backend,
                                   const char      *prefix,
                                   GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *end = NULL;
  gsize len = strlen (prefix);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (len > 0 && (guchar) prefix[len - 1] < 0x7f, NULL);

  /* Every text that starts with @prefix sorts at or after it and before
   * @prefix with its last character raised by one: a range of the
   * reference's index, read without touching the table. */
  end = g_strdup (prefix);
  end[len - 1]++;
  if (!(stmt = prepare (self, "SELECT reference FROM cases WHERE reference >= ? AND reference < ?", error)))
    return NULL;

  bind_text (stmt, 1, prefix);
  bind_text (stmt, 2, end);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (references, column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&references);
}

static gboolean
ct_sqlite_backend_last_reference (CtStoreBackend  *backend,
                                  const char      *prefix,
                                  char           **out_reference,
                                  GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autofree char *end = NULL;
  gsize len = strlen (prefix);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (len > 0 && (guchar) prefix[len - 1] < 0x7f, FALSE);

  /* The references with @prefix are one range of the reference's index
   * (see ct_sqlite_backend_list_references()); only that range is read,
   * inside SQLite, and one reference comes out. They are compared as
   * numbers, as ct_store_backend_compare_numbers() does: CT-2026-10000
   * comes after CT-2026-9999, although it sorts before it as text. */
  end = g_strdup (prefix);
  end[len - 1]++;
  if (!(stmt = prepare (self,
                        "SELECT reference FROM cases"
                        " WHERE reference >= ?1 AND reference < ?2"
                        "   AND length(reference) > ?3"
                        "   AND substr(reference, ?3 + 1) NOT GLOB '*[^0-9]*'"
                        " ORDER BY length(ltrim(substr(reference, ?3 + 1), '0')) DESC,"
                        "          ltrim(substr(reference, ?3 + 1), '0') DESC"
                        " LIMIT 1",
                        error)))
    return FALSE;

  bind_text (stmt, 1, prefix);
  bind_text (stmt, 2, end);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) len);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_reference = column_text (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      g_clear_pointer (out_reference, g_free);
      set_sqlite_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gint64
ct_sqlite_backend_get_data_version (CtStoreBackend  *backend,
                                    GError         **error)
{
  return query_pragma_int (CT_SQLITE_BACKEND (backend), "PRAGMA data_version", error);
}

static GPtrArray *
ct_sqlite_backend_list_history (CtStoreBackend  *backend,
                                CtRecordKind     kind,
                                const char      *id,
                                GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  if (!(stmt = prepare (self,
                        "SELECT " ROW_COLUMNS " FROM record_history WHERE tbl = ?"
                        " AND (?2 IS NULL OR id = ?2) ORDER BY id, version",
                        error)))
    return NULL;

  bind_text (stmt, 1, ct_record_kind_get_table (kind));
  bind_text (stmt, 2, id);

  return collect_rows (self, stmt, kind, error);
}

static gint64
ct_sqlite_backend_count_rows (CtStoreBackend  *backend,
                              CtRecordKind     kind,
                              GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", ct_record_kind_get_table (kind));

  return query_pragma_int (CT_SQLITE_BACKEND (backend), sql, error);
}

static gboolean
ct_sqlite_backend_set_blind_index (CtStoreBackend  *backend,
                                   CtRecordKind     kind,
                                   const char      *record_id,
                                   GPtrArray       *tokens,
                                   gboolean         replace,
                                   GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  if (replace)
    {
      if (!(stmt = prepare (self, "DELETE FROM blind_index WHERE record_id = ?", error)))
        return FALSE;
      bind_text (stmt, 1, record_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    {
      if (!(stmt = prepare_hot (self, HOT_INSERT_BLIND,
                                "INSERT INTO blind_index (token, kind, record_id) VALUES (?, ?, ?)", error)))
        return FALSE;
      bind_bytes_now (stmt, 1, g_ptr_array_index (tokens, i));
      bind_text_now (stmt, 2, ct_record_kind_to_string (kind));
      bind_text_now (stmt, 3, record_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static GPtrArray *
ct_sqlite_backend_find_blind_index (CtStoreBackend  *backend,
                                    CtRecordKind     kind,
                                    GBytes          *token,
                                    GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare (self, "SELECT DISTINCT record_id FROM blind_index WHERE token = ? AND kind = ?", error)))
    return NULL;
  bind_bytes (stmt, 1, token);
  bind_text (stmt, 2, ct_record_kind_to_string (kind));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

static GBytes *
ct_sqlite_backend_get_case_key (CtStoreBackend  *backend,
                                const char      *case_id,
                                GError         **error)
{
  return query_blob (CT_SQLITE_BACKEND (backend),
                     "SELECT wrapped FROM case_keys WHERE case_id = ?", case_id, error);
}

static gboolean
ct_sqlite_backend_set_case_key (CtStoreBackend  *backend,
                                const char      *case_id,
                                GBytes          *wrapped,
                                GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  if (!(stmt = prepare_hot (self, HOT_SET_CASE_KEY, "INSERT INTO case_keys (case_id, wrapped) VALUES (?, ?)", error)))
    return FALSE;

  bind_text_now (stmt, 1, case_id);
  bind_bytes_now (stmt, 2, wrapped);
  return step_done (self, stmt, error);
}

/* Returns pairs: case id (char *) then wrapped key (GBytes *). */
static GPtrArray *
ct_sqlite_backend_list_case_keys (CtStoreBackend  *backend,
                                  GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  /* In no particular order: a scan of the table, not of its index. */
  if (!(stmt = prepare (self, "SELECT case_id, wrapped FROM case_keys", error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (pairs, column_text (stmt, 0));
      g_ptr_array_add (pairs, column_bytes (stmt, 1));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      for (guint i = 0; i < pairs->len; i += 2)
        {
          g_free (g_ptr_array_index (pairs, i));
          g_bytes_unref (g_ptr_array_index (pairs, i + 1));
        }
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&pairs);
}

static gboolean
ct_sqlite_backend_foreach_case_key (CtStoreBackend      *backend,
                                    CtStoreCaseKeyFunc   func,
                                    gpointer             user_data,
                                    GError             **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  if (!(stmt = prepare (self, "SELECT case_id, wrapped FROM case_keys", error)))
    return FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *case_id = column_text (stmt, 0);
      g_autoptr(GBytes) wrapped = column_bytes (stmt, 1);

      if (wrapped == NULL)
        wrapped = g_bytes_new (NULL, 0);
      ok = func (case_id, wrapped, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      ok = FALSE;
    }
  sqlite3_reset (stmt);
  return ok;
}

static gboolean
ct_sqlite_backend_erase_case (CtStoreBackend  *backend,
                              const char      *case_id,
                              GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;

  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      g_autofree char *index_sql = NULL;
      g_autofree char *sql = NULL;
      const char *table = ct_record_kind_get_table (kind);

      if (kind == CT_RECORD_KIND_CASE)
        continue;

      index_sql = g_strdup_printf ("DELETE FROM blind_index WHERE record_id IN (SELECT id FROM %s WHERE case_id = ?)", table);
      if (!(stmt = prepare (self, index_sql, error)))
        return FALSE;
      bind_text (stmt, 1, case_id);
      if (!step_done (self, stmt, error))
        return FALSE;

      sql = g_strdup_printf ("DELETE FROM %s WHERE case_id = ?", table);
      if (!(stmt = prepare (self, sql, error)))
        return FALSE;
      bind_text (stmt, 1, case_id);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  if (!(stmt = prepare (self, "DELETE FROM record_history WHERE case_id = ?1 OR (tbl = 'cases' AND id = ?1)", error)))
    return FALSE;
  bind_text (stmt, 1, case_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (!(stmt = prepare (self, "DELETE FROM cases WHERE id = ?", error)))
    return FALSE;
  bind_text (stmt, 1, case_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (!(stmt = prepare (self, "DELETE FROM case_keys WHERE case_id = ?", error)))
    return FALSE;
  bind_text (stmt, 1, case_id);
  return step_done (self, stmt, error);
}

/* Schema 2 added the columns by which an entry commits to what it wrote. */
static gboolean
has_audit_columns (CtSqliteBackend  *self,
                   GError          **error)
{
  if (self->audit_columns == 0)
    {
      gint64 version = query_pragma_int (self, "PRAGMA user_version", error);

      if (version < 0)
        return FALSE;
      self->audit_columns = version >= 4 ? 3 : version >= 2 ? 2 : 1;
    }
  return self->audit_columns >= 2;
}

#define AUDIT_COLUMNS_V1 "seq, at, staff_id, action, record_id, mac"
#define AUDIT_COLUMNS_V2 AUDIT_COLUMNS_V1 ", format, kind, case_id, version, digest"
/* Schema 4 added the member who signed an entry and their signature, for
 * entries copied from a server. */
#define AUDIT_COLUMNS_V3 AUDIT_COLUMNS_V2 ", member_id, signature"

static const char *
audit_columns (CtSqliteBackend *self)
{
  return self->audit_columns == 3 ? AUDIT_COLUMNS_V3 : self->audit_columns == 2 ? AUDIT_COLUMNS_V2
                                                                                 : AUDIT_COLUMNS_V1;
}

static gboolean
ct_sqlite_backend_append_audit (CtStoreBackend      *backend,
                                const CtAuditEntry  *entry,
                                GError             **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  GError *local_error = NULL;
  sqlite3_stmt *stmt;
  gboolean v2;

  v2 = has_audit_columns (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* An entry that commits to what it wrote cannot be kept in a log that
   * has no place for it: the database must be migrated first. */
  if ((!v2 && entry->format >= 2) || (self->audit_columns < 3 && entry->format >= 3))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The database “%s” must be brought up to date before it can be changed. Open it once with write access."),
                   self->path);
      return FALSE;
    }

  if (!(stmt = prepare_hot (self, HOT_APPEND_AUDIT,
                            self->audit_columns == 3
                              ? "INSERT INTO audit_log (" AUDIT_COLUMNS_V3 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                              : v2 ? "INSERT INTO audit_log (" AUDIT_COLUMNS_V2 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                   : "INSERT INTO audit_log (" AUDIT_COLUMNS_V1 ") VALUES (?, ?, ?, ?, ?, ?)",
                            error)))
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, entry->seq);
  sqlite3_bind_int64 (stmt, 2, entry->at);
  bind_text_now (stmt, 3, entry->staff_id);
  bind_text_now (stmt, 4, entry->action);
  bind_text_now (stmt, 5, entry->record_id);
  bind_bytes_now (stmt, 6, entry->mac);
  if (v2)
    {
      sqlite3_bind_int64 (stmt, 7, MAX (entry->format, 1));
      bind_text_now (stmt, 8, entry->kind);
      bind_text_now (stmt, 9, entry->case_id);
      sqlite3_bind_int64 (stmt, 10, entry->version);
      bind_bytes_now (stmt, 11, entry->digest);
    }
  if (self->audit_columns == 3)
    {
      bind_text_now (stmt, 12, entry->member_id);
      bind_bytes_now (stmt, 13, entry->signature);
    }
  return step_done (self, stmt, error);
}

static CtAuditEntry *
read_audit_entry (sqlite3_stmt *stmt)
{
  CtAuditEntry *entry = ct_audit_entry_new ();

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->at = sqlite3_column_int64 (stmt, 1);
  entry->staff_id = column_text (stmt, 2);
  entry->action = column_text (stmt, 3);
  entry->record_id = column_text (stmt, 4);
  entry->mac = column_bytes (stmt, 5);
  if (entry->mac == NULL)
    entry->mac = g_bytes_new (NULL, 0);
  entry->format = 1;
  if (sqlite3_column_count (stmt) > 6)
    {
      entry->format = sqlite3_column_int (stmt, 6);
      entry->kind = column_text (stmt, 7);
      entry->case_id = column_text (stmt, 8);
      entry->version = sqlite3_column_int64 (stmt, 9);
      entry->digest = column_bytes (stmt, 10);
    }
  if (sqlite3_column_count (stmt) > 11)
    {
      entry->member_id = column_text (stmt, 11);
      entry->signature = column_bytes (stmt, 12);
    }
  return entry;
}

/* Prepares "SELECT <audit columns> FROM audit_log @tail" for the schema. */
static sqlite3_stmt *
prepare_audit_select (CtSqliteBackend  *self,
                      const char       *tail,
                      GError          **error)
{
  g_autofree char *sql = NULL;
  GError *local_error = NULL;
  has_audit_columns (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  sql = g_strconcat ("SELECT ", audit_columns (self), " FROM audit_log ", tail, NULL);
  return prepare (self, sql, error);
}

/* Returns %NULL without an error when the log is empty. */
static CtAuditEntry *
ct_sqlite_backend_get_audit_head (CtStoreBackend  *backend,
                                  GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  CtAuditEntry *entry = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_audit_select (self, "ORDER BY seq DESC LIMIT 1", error)))
    return NULL;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = read_audit_entry (stmt);
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);

  return entry;
}

/* Returns %NULL without an error when no entry wrote @record_id. */
static CtAuditEntry *
ct_sqlite_backend_get_last_write (CtStoreBackend  *backend,
                                  const char      *record_id,
                                  GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  CtAuditEntry *entry = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = prepare_audit_select (self,
                                     "WHERE record_id = ? AND (action LIKE 'create:%' OR action LIKE 'correct:%')"
                                     " ORDER BY seq DESC LIMIT 1",
                                     error)))
    return NULL;
  bind_text (stmt, 1, record_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry = read_audit_entry (stmt);
  else if (rc != SQLITE_DONE)
    set_sqlite_error (self, rc, error);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return entry;
}

static GPtrArray *
ct_sqlite_backend_list_audit (CtStoreBackend  *backend,
                              GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_audit_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  /* Physical order (rowid) is the order of seq, since seq is the rowid. */
  if (!(stmt = prepare_audit_select (self, "ORDER BY seq", error)))
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, read_audit_entry (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

static gboolean ct_sqlite_backend_set_scanning (CtStoreBackend  *backend,
                                                gboolean         scanning,
                                                GError         **error);

static gint64
ct_sqlite_backend_count_audit (CtStoreBackend  *backend,
                               GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  gboolean was_scanning = self->scanning;
  gint64 count;

  /* Counting reads every leaf of the log's smallest index once: through
   * the small scanning cache, not the memory map, whose faults would each
   * bring in the pages around them. (SQLite keeps the map while a page of
   * it is in use; then this reads through the map as before.) */
  if (!ct_sqlite_backend_set_scanning (backend, TRUE, error))
    return -1;
  count = query_pragma_int (self, "SELECT count(*) FROM audit_log", error);
  if (!ct_sqlite_backend_set_scanning (backend, was_scanning, count < 0 ? NULL : error))
    return -1;
  return count;
}

/* Walks the log with a cursor, oldest first, one entry in memory at a
 * time. @func may query the backend, but not walk the log itself. */
static gboolean
ct_sqlite_backend_foreach_audit (CtStoreBackend         *backend,
                                 CtStoreAuditEntryFunc   func,
                                 gpointer                user_data,
                                 GError                **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  if (!(stmt = prepare_audit_select (self, "ORDER BY seq", error)))
    return FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CtAuditEntry) entry = read_audit_entry (stmt);

      ok = func (entry, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      ok = FALSE;
    }
  sqlite3_reset (stmt);
  return ok;
}

/* Walks the rows of @kind, or their earlier versions, with a cursor: one
 * row in memory at a time. The history is walked newest version first
 * for each record (the primary key's order, backwards, so SQLite need not
 * sort). @func may query the backend, but not walk the same rows. */
static gboolean
ct_sqlite_backend_foreach_row (CtStoreBackend   *backend,
                               CtRecordKind      kind,
                               gboolean          history,
                               const char       *case_id,
                               CtStoreRowFunc    func,
                               gpointer          user_data,
                               GError          **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  const char *table = ct_record_kind_get_table (kind);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  if (history)
    sql = g_strdup_printf ("SELECT " ROW_COLUMNS ", kind, replaced_at FROM record_history"
                           " WHERE tbl = ?1 AND (?2 IS NULL OR case_id = ?2)"
                           " ORDER BY tbl DESC, id DESC, version DESC");
  else
    sql = g_strdup_printf ("SELECT " ROW_COLUMNS ", kind, 0 FROM %s WHERE (?2 IS NULL OR case_id = ?2)",
                           table);
  if (!(stmt = prepare (self, sql, error)))
    return FALSE;
  if (history)
    bind_text (stmt, 1, table);
  bind_text (stmt, 2, case_id);

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CtStoreRow) row = read_row (stmt, kind);
      g_autofree char *stored_kind = column_text (stmt, 9);

      ok = func (row, stored_kind, sqlite3_column_int64 (stmt, 10), user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      ok = FALSE;
    }
  sqlite3_reset (stmt);
  return ok;
}

static gboolean
ct_sqlite_backend_foreach_case_by_reference (CtStoreBackend   *backend,
                                             CtStoreRowFunc    func,
                                             gpointer          user_data,
                                             GError          **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  /* In the order of the reference's unique index, so nothing is sorted
   * (or held) in memory; the id orders cases without a reference. */
  if (!(stmt = prepare (self, "SELECT " ROW_COLUMNS " FROM cases ORDER BY reference, id", error)))
    return FALSE;

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(CtStoreRow) row = read_row (stmt, CT_RECORD_KIND_CASE);

      ok = func (row, "case", 0, user_data, error);
    }
  if (ok && rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      ok = FALSE;
    }
  sqlite3_reset (stmt);
  return ok;
}

static gboolean
ct_sqlite_backend_foreach_case_by_due (CtStoreBackend   *backend,
                                       gint64            limit,
                                       CtStoreRowFunc    func,
                                       gpointer          user_data,
                                       GError          **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  static const char * const queries[] = {
    /* Through the index of due times; only cases due at the same moment
     * are sorted by reference in memory. */
    "SELECT " ROW_COLUMNS " FROM cases WHERE due_at > 0 ORDER BY due_at, reference DESC LIMIT ?1",
    "SELECT " ROW_COLUMNS " FROM cases WHERE due_at <= 0 ORDER BY reference DESC LIMIT ?1",
  };
  gboolean ok = TRUE;
  gint64 walked = 0;

  for (guint q = 0; ok && q < G_N_ELEMENTS (queries) && (limit < 0 || walked < limit); q++)
    {
      sqlite3_stmt *stmt;
      int rc = SQLITE_DONE;

      if (!(stmt = prepare (self, queries[q], error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, limit < 0 ? -1 : limit - walked);

      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(CtStoreRow) row = read_row (stmt, CT_RECORD_KIND_CASE);

          walked++;
          ok = func (row, "case", 0, user_data, error);
        }
      if (ok && rc != SQLITE_DONE)
        {
          set_sqlite_error (self, rc, error);
          ok = FALSE;
        }
      sqlite3_reset (stmt);
    }
  return ok;
}

static gboolean
ct_sqlite_backend_check_integrity (CtStoreBackend  *backend,
                                   GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3_stmt *stmt;
  g_autofree char *first = NULL;
  int rc;

  if (!(stmt = prepare (self, "PRAGMA integrity_check", error)))
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);

      if (first == NULL && g_strcmp0 (line, "ok") != 0)
        first = g_strdup (line);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, rc, error);
      return FALSE;
    }

  if (first == NULL)
    {
      if (!(stmt = prepare (self, "PRAGMA foreign_key_check", error)))
        return FALSE;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        first = g_strdup_printf ("a record in “%s” refers to a case that does not exist",
                                 sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }

  if (first != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                   _("The database file “%s” is damaged: %s. Restore it from a backup with “caretrail-admin restore”."),
                   self->path, first);
      return FALSE;
    }

  return TRUE;
}

/* Writes a backup into @destination, an empty regular file the caller has
 * just created for it (see CtBackupTarget), which is never created,
 * replaced or followed through a link here. On failure the caller removes
 * the file. */
/* A walk of the whole file through the memory map would leave every page
 * of it mapped, and counted in the process's memory, until the database is
 * closed; and the usual page cache is larger than a walk needs, since each
 * page is read once. While scanning, pages are read into a small cache. */
#define SCAN_CACHE_KIB 4096

static gboolean
ct_sqlite_backend_set_scanning (CtStoreBackend  *backend,
                                gboolean         scanning,
                                GError         **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  g_autofree char *sql = NULL;
  GError *local_error = NULL;

  scanning = !!scanning;
  if (scanning == self->scanning)
    return TRUE;

  if (scanning)
    {
      self->saved_cache_size = query_pragma_int (self, "PRAGMA cache_size", &local_error);
      if (local_error == NULL)
        self->saved_mmap_size = query_pragma_int (self, "PRAGMA mmap_size", &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      sql = g_strdup_printf ("PRAGMA mmap_size = 0; PRAGMA cache_size = -%d;", SCAN_CACHE_KIB);
    }
  else
    sql = g_strdup_printf ("PRAGMA mmap_size = %" G_GINT64_FORMAT "; PRAGMA cache_size = %" G_GINT64_FORMAT ";",
                           self->saved_mmap_size, self->saved_cache_size);

  if (!exec (self, sql, error))
    return FALSE;
  self->scanning = scanning;
  return TRUE;
}

/* Pages copied between two reports of progress: small enough for a bar
 * that moves and a cancel that is prompt, large enough to cost nothing. */
#define BACKUP_STEP_PAGES 32

static gboolean
ct_sqlite_backend_backup (CtStoreBackend        *backend,
                          const char            *destination,
                          CtBackupProgressFunc   progress,
                          gpointer               user_data,
                          GError               **error)
{
  CtSqliteBackend *self = CT_SQLITE_BACKEND (backend);
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  gboolean stopped = FALSE;
  gboolean was_scanning;
  int rc;

  if (self->db == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED, _("The database is closed."));
      return FALSE;
    }

  /* Read through a small page cache rather than the memory map, so that
   * copying a file of any size holds the same memory. The caller may have
   * turned scanning on already; then it stays on after the copy. */
  was_scanning = self->scanning;
  if (!ct_sqlite_backend_set_scanning (backend, TRUE, error))
    return FALSE;

  rc = sqlite3_open_v2 (destination, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  backup = sqlite3_backup_init (dest, "main", self->db, "main");
  if (backup == NULL)
    {
      rc = sqlite3_errcode (dest);
      goto fail;
    }

  /* The copy goes in steps so that progress can be shown. It stays a
   * consistent snapshot: the store's thread runs nothing else on this
   * connection until the copy is done, and SQLite starts the copy again
   * if another program writes to the file between two steps. */
  do
    {
      rc = sqlite3_backup_step (backup, progress != NULL ? BACKUP_STEP_PAGES : -1);
      if (rc == SQLITE_OK && progress != NULL)
        {
          int total = sqlite3_backup_pagecount (backup);
          int remaining = sqlite3_backup_remaining (backup);

          if (!progress ((guint64) (total - remaining), (guint64) total, user_data))
            stopped = TRUE;
        }
    }
  while (rc == SQLITE_OK && !stopped);
  if (rc == SQLITE_DONE && progress != NULL)
    progress ((guint64) sqlite3_backup_pagecount (backup),
              (guint64) sqlite3_backup_pagecount (backup), user_data);
  sqlite3_backup_finish (backup);
  if (stopped)
    {
      sqlite3_close (dest);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The backup was cancelled."));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto fail;

  /* A backup is one self-contained file: no WAL beside it. */
  rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  rc = sqlite3_close (dest);
  dest = NULL;
  if (rc != SQLITE_OK)
    goto fail;

  return ct_sqlite_backend_set_scanning (backend, was_scanning, error);

fail:
  ct_sqlite_backend_set_scanning (backend, was_scanning, NULL);
  /* Only the reason: the store says which backup failed, by its name. */
  g_set_error_literal (error, CT_STORE_ERROR,
                       (rc & 0xff) == SQLITE_FULL ? CT_STORE_ERROR_DISK_FULL : CT_STORE_ERROR_IO,
                       dest != NULL ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
  if (dest != NULL)
    sqlite3_close (dest);
  return FALSE;
}

static const char *
ct_sqlite_backend_get_location (CtStoreBackend *backend)
{
  return CT_SQLITE_BACKEND (backend)->path;
}

static void
ct_sqlite_backend_finalize (GObject *object)
{
  CtSqliteBackend *self = (CtSqliteBackend *)object;

  ct_sqlite_backend_close (CT_STORE_BACKEND (self));
  g_hash_table_unref (self->statements);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      g_free (self->insert_sql[kind]);
      g_free (self->get_sql[kind]);
    }
  g_free (self->path);

  G_OBJECT_CLASS (ct_sqlite_backend_parent_class)->finalize (object);
}

static void
ct_sqlite_backend_class_init (CtSqliteBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_sqlite_backend_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
ct_sqlite_backend_init (CtSqliteBackend *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      const char *table = ct_record_kind_get_table (kind);

      self->insert_sql[kind] = g_strdup_printf ("INSERT INTO %s (kind, " ROW_COLUMNS ")"
                                                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", table);
      self->get_sql[kind] = g_strdup_printf ("SELECT " ROW_COLUMNS " FROM %s WHERE id = ?", table);
    }
}

static void
ct_sqlite_backend_iface_init (CtStoreBackendInterface *iface)
{
  iface->open = ct_sqlite_backend_open;
  iface->close = ct_sqlite_backend_close;
  iface->get_schema_version = ct_sqlite_backend_get_schema_version;
  iface->get_latest_schema_version = ct_sqlite_backend_get_latest_schema_version;
  iface->is_caretrail = ct_sqlite_backend_is_caretrail;
  iface->migrate = ct_sqlite_backend_migrate;
  iface->begin = ct_sqlite_backend_begin;
  iface->commit = ct_sqlite_backend_commit;
  iface->rollback = ct_sqlite_backend_rollback;
  iface->get_meta = ct_sqlite_backend_get_meta;
  iface->set_meta = ct_sqlite_backend_set_meta;
  iface->insert_row = ct_sqlite_backend_insert_row;
  iface->update_row = ct_sqlite_backend_update_row;
  iface->get_row = ct_sqlite_backend_get_row;
  iface->list_rows = ct_sqlite_backend_list_rows;
  iface->get_case_by_reference = ct_sqlite_backend_get_case_by_reference;
  iface->list_references = ct_sqlite_backend_list_references;
  iface->last_reference = ct_sqlite_backend_last_reference;
  iface->get_data_version = ct_sqlite_backend_get_data_version;
  iface->list_history = ct_sqlite_backend_list_history;
  iface->count_rows = ct_sqlite_backend_count_rows;
  iface->set_blind_index = ct_sqlite_backend_set_blind_index;
  iface->find_blind_index = ct_sqlite_backend_find_blind_index;
  iface->get_case_key = ct_sqlite_backend_get_case_key;
  iface->set_case_key = ct_sqlite_backend_set_case_key;
  iface->list_case_keys = ct_sqlite_backend_list_case_keys;
  iface->foreach_case_key = ct_sqlite_backend_foreach_case_key;
  iface->erase_case = ct_sqlite_backend_erase_case;
  iface->append_audit = ct_sqlite_backend_append_audit;
  iface->get_audit_head = ct_sqlite_backend_get_audit_head;
  iface->list_audit = ct_sqlite_backend_list_audit;
  iface->count_audit = ct_sqlite_backend_count_audit;
  iface->foreach_audit = ct_sqlite_backend_foreach_audit;
  iface->foreach_row = ct_sqlite_backend_foreach_row;
  iface->foreach_case_by_reference = ct_sqlite_backend_foreach_case_by_reference;
  iface->foreach_case_by_due = ct_sqlite_backend_foreach_case_by_due;
  iface->check_integrity = ct_sqlite_backend_check_integrity;
  iface->set_scanning = ct_sqlite_backend_set_scanning;
  iface->backup = ct_sqlite_backend_backup;
  iface->get_location = ct_sqlite_backend_get_location;
  iface->get_last_write = ct_sqlite_backend_get_last_write;
}

/**
 * ct_sqlite_backend_new:
 * @path: the database file
 *
 * Returns: (transfer full): a backend for @path, not yet open
 */
CtSqliteBackend *
ct_sqlite_backend_new (const char *path)
{
  CtSqliteBackend *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (CT_TYPE_SQLITE_BACKEND, NULL);
  self->path = g_strdup (path);
  return self;
}

/**
 * ct_sqlite_backend_check_unused:
 * @path: a database file
 * @error: return location for %CT_STORE_ERROR_BUSY
 *
 * Checks that no other connection, in this process or another, has the
 * database open, by taking an exclusive lock for a moment. Nothing is
 * written.
 *
 * Returns: %TRUE if nobody else is using @path
 */
gboolean
ct_sqlite_backend_check_unused (const char  *path,
                                GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;", NULL, NULL, NULL);
  sqlite3_close_v2 (db);

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BUSY,
                   _("The database “%s” is open in Caretrail or another program. Close it, then try again."),
                   path);
      return FALSE;
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The database “%s” could not be checked (%s)."), path, sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

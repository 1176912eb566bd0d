/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-pg-backend"

#include "config.h"

#include "ct-pg-backend.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <libsecret/secret.h>
#include <sqlite3.h>
#include <string.h>

#include "ct-keyring.h"
#include "ct-sqlite-backend.h"
#include "ct-store-error.h"

/*
 * The PostgreSQL backend keeps the same tables as the SQLite one, in a
 * schema of their own ("caretrail"), on a server several desktops share.
 * The server is handed exactly the bytes the store gives a backend: ids,
 * kinds, states, references, times and versions in the clear, everything
 * else as ciphertext. It never holds a key.
 *
 * Every write transaction locks the one row of chain_head first (SELECT
 * ... FOR UPDATE), so that transactions from several desktops run one
 * after another: each one reads the audit log's head and appends to it
 * while no other can, and the chain stays one line, as it does in a file
 * with SQLite's single writer.
 *
 * A connection that drops (a server restart, a failover) is reset once
 * and the statement run again, unless it dropped inside a transaction:
 * then the transaction fails as a whole (the server has rolled it back)
 * and the next one reconnects.
 *
 * Schema 2 adds the members, the requests to join and what became of a
 * staff submission (ct-store-members.c reads and writes them through
 * ct_pg_backend_query(); ct-store-open.c takes the master key from the
 * members table when it has rows). What later schema versions add (each a
 * new entry of migrations[], with ct_pg_backend_set_up_roles() granting on
 * its tables):
 * Schema 3 adds the member who wrote an audit entry and their signature
 * of it (ct-store-audit.c); the file's schema 4 adds the same columns, so
 * that list_copy_tables() copies them like the others. A transaction
 * that changed a record notifies CT_PG_CHANGED_CHANNEL as it commits;
 * ct-pg-watch.c listens, so other desks refresh.
 */

#define MAX_PARAMS 16

struct _CtPgBackend
{
  GObject parent_instance;

  char *location;
  PGconn *conn;
  gboolean read_only;
  gboolean in_transaction;
  /* Set when the connection dropped inside the current transaction. */
  gboolean lost;
  /* Names the cursors of walks, which may nest. */
  guint n_cursors;
  /* Sent with each change so that this desk's watch can tell its own
   * changes from other desks'. Set once, read from any thread. */
  char *token;
  /* Whether the current transaction changed a record. */
  gboolean wrote;
};

static void ct_pg_backend_iface_init (CtStoreBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CtPgBackend, ct_pg_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CT_TYPE_STORE_BACKEND,
                                                      ct_pg_backend_iface_init))

#define ROW_COLUMNS "id, case_id, state, reference, created_at, updated_at, due_at, version, data"
#define AUDIT_COLUMNS "seq, at, staff_id, action, record_id, mac, format, kind, case_id, version, digest, member_id, signature"

/* Connection strings {{{ */

/**
 * ct_pg_backend_is_location:
 * @location: a database location, as given with --database
 *
 * Returns: whether @location names a PostgreSQL server rather than a file
 */
gboolean
ct_pg_backend_is_location (const char *location)
{
  return location != NULL &&
         (g_str_has_prefix (location, "postgresql://") || g_str_has_prefix (location, "postgres://"));
}

static const char *
option_value (PQconninfoOption *options,
              const char       *keyword)
{
  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (strcmp (o->keyword, keyword) == 0)
      return o->val != NULL && o->val[0] != '\0' ? o->val : NULL;
  return NULL;
}

/* A Unix socket folder, or the loopback interface, never leaves the
 * computer; anything else is the network. */
static gboolean
host_is_local (const char *host)
{
  return host == NULL || host[0] == '\0' || host[0] == '/' || host[0] == '@' ||
         g_ascii_strcasecmp (host, "localhost") == 0 || strcmp (host, "127.0.0.1") == 0 ||
         strcmp (host, "::1") == 0;
}

static gboolean
hosts_are_local (const char *list)
{
  g_auto(GStrv) hosts = NULL;

  if (list == NULL)
    return TRUE;
  hosts = g_strsplit (list, ",", -1);
  for (guint i = 0; hosts[i] != NULL; i++)
    if (!host_is_local (g_strstrip (hosts[i])))
      return FALSE;
  return TRUE;
}

/* Parses @location and checks what Caretrail asks of it: no password in
 * it, and a verified TLS connection to any host that is not this
 * computer. Sets *@out_add_verify_full when the string does not name an
 * sslmode and one must be added. */
static PQconninfoOption *
parse_location (const char  *location,
                gboolean    *out_add_verify_full,
                GError     **error)
{
  PQconninfoOption *options;
  char *message = NULL;
  const char *sslmode;
  gboolean local;

  if (out_add_verify_full != NULL)
    *out_add_verify_full = FALSE;

  options = PQconninfoParse (location, &message);
  if (options == NULL)
    {
      g_autofree char *detail = g_strdup (message != NULL ? g_strstrip (message) : "");

      PQfreemem (message);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The server address “%s” cannot be read (%s). Write it as postgresql://HOST/DATABASE?user=NAME."),
                   location, detail);
      return NULL;
    }

  if (option_value (options, "password") != NULL)
    {
      PQconninfoFree (options);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The server address contains a password. Take the password out of the address and keep it in the keyring instead, with “caretrail-admin server-password”."));
      return NULL;
    }

  local = hosts_are_local (option_value (options, "host")) &&
          hosts_are_local (option_value (options, "hostaddr"));
  if (local && option_value (options, "host") == NULL && option_value (options, "hostaddr") == NULL)
    {
      /* No host in the address: libpq takes one from PGHOST, PGHOSTADDR
       * or a service file, which may name another computer. */
      PQconninfoOption *defaults = PQconndefaults ();

      if (defaults != NULL)
        {
          local = hosts_are_local (option_value (defaults, "host")) &&
                  hosts_are_local (option_value (defaults, "hostaddr")) &&
                  option_value (defaults, "service") == NULL &&
                  option_value (options, "service") == NULL;
          PQconninfoFree (defaults);
        }
      else
        local = FALSE;
    }
  sslmode = option_value (options, "sslmode");
  if (!local)
    {
      if (sslmode == NULL && out_add_verify_full != NULL)
        *out_add_verify_full = TRUE;
      else if (sslmode != NULL && strcmp (sslmode, "verify-full") != 0)
        {
          /* Said before the options, which hold the string, are freed. */
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                       _("The server address asks for sslmode=%s. A server on another computer is only used over TLS with its certificate checked: use sslmode=verify-full, with the server’s certificate authority in ~/.postgresql/root.crt or named with sslrootcert."),
                       sslmode);
          PQconninfoFree (options);
          return NULL;
        }
    }

  return options;
}

/**
 * ct_pg_backend_check_location:
 * @location: a postgresql:// connection string
 * @error: return location for %CT_STORE_ERROR_INVALID
 *
 * Checks @location without connecting: it parses, holds no password, and
 * asks for sslmode=verify-full (or no sslmode, which becomes verify-full)
 * unless every host is this computer.
 *
 * Returns: %TRUE if Caretrail would connect with @location
 */
gboolean
ct_pg_backend_check_location (const char  *location,
                              GError     **error)
{
  PQconninfoOption *options = parse_location (location, NULL, error);

  if (options == NULL)
    return FALSE;
  PQconninfoFree (options);
  return TRUE;
}

/* }}} */

/* The password in the keyring {{{ */

static const SecretSchema *
get_password_schema (void)
{
  static const SecretSchema schema = {
    "org.caretrail.Caretrail.ServerPassword", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "dbname", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

#define PASSWORD_ATTRIBUTES(options) \
  "host", option_or_empty (options, "host"), \
  "port", option_or_empty (options, "port"), \
  "dbname", option_or_empty (options, "dbname"), \
  "user", option_or_empty (options, "user")

static const char *
option_or_empty (PQconninfoOption *options,
                 const char       *keyword)
{
  const char *value = option_value (options, keyword);

  return value != NULL ? value : "";
}

/* The password kept for the server, database and user @options name, or
 * %NULL. A keyring that cannot be asked is the same as no password: the
 * server then says whether it wants one. */
static char *
lookup_password (PQconninfoOption *options)
{
  g_autoptr(GError) local_error = NULL;
  char *password;

  ct_keyring_lock ();
  password = secret_password_lookup_sync (get_password_schema (), NULL, &local_error,
                                          PASSWORD_ATTRIBUTES (options), NULL);
  ct_keyring_unlock ();
  if (local_error != NULL)
    g_debug ("No server password from the keyring: %s", local_error->message);
  return password;
}

/**
 * ct_pg_backend_store_password:
 * @location: a postgresql:// connection string, without a password
 * @password: the password of the user it names
 * @error: return location for an error
 *
 * Keeps @password in the keyring for @location's host, port, database
 * and user. Connections to that server take it from there, so it is never
 * written into a connection string, a setting or a log.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_pg_backend_store_password (const char  *location,
                              const char  *password,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;
  PQconninfoOption *options;
  gboolean ok;

  g_return_val_if_fail (password != NULL, FALSE);

  options = parse_location (location, NULL, error);
  if (options == NULL)
    return FALSE;

  /* Translators: the label of a server password in the user's keyring */
  label = g_strdup_printf (_("Caretrail server password (%s@%s/%s)"),
                           option_or_empty (options, "user"), option_or_empty (options, "host"),
                           option_or_empty (options, "dbname"));
  ct_keyring_lock ();
  ok = secret_password_store_sync (get_password_schema (), SECRET_COLLECTION_DEFAULT, label,
                                   password, NULL, &local_error, PASSWORD_ATTRIBUTES (options), NULL);
  ct_keyring_unlock ();
  PQconninfoFree (options);
  if (!ok)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring refused to keep the server password (%s). Check that the keyring is unlocked and try again."),
                   local_error != NULL ? local_error->message : "");
      return FALSE;
    }
  return TRUE;
}

/* }}} */

/* Running statements {{{ */

typedef struct
{
  int n;
  const char *values[MAX_PARAMS];
  int lengths[MAX_PARAMS];
  int formats[MAX_PARAMS];
  char ints[MAX_PARAMS][24];
} Params;

static void
param_text (Params     *p,
            const char *text)
{
  g_assert (p->n < MAX_PARAMS);
  p->values[p->n] = text;
  p->lengths[p->n] = 0;
  p->formats[p->n] = 0;
  p->n++;
}

static void
param_int64 (Params *p,
             gint64  value)
{
  g_assert (p->n < MAX_PARAMS);
  g_snprintf (p->ints[p->n], sizeof p->ints[p->n], "%" G_GINT64_FORMAT, value);
  p->values[p->n] = p->ints[p->n];
  p->lengths[p->n] = 0;
  p->formats[p->n] = 0;
  p->n++;
}

static void
param_data (Params     *p,
            const void *data,
            gsize       len)
{
  g_assert (p->n < MAX_PARAMS);
  p->values[p->n] = data != NULL ? data : "";
  p->lengths[p->n] = (int) len;
  p->formats[p->n] = 1;
  p->n++;
}

static void
param_bytes (Params *p,
             GBytes *bytes)
{
  gsize len = 0;
  const void *data;

  if (bytes == NULL)
    {
      param_text (p, NULL);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  param_data (p, data, len);
}

static void
set_closed (GError **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED, _("The database is closed."));
}

static void
set_pg_error (CtPgBackend  *self,
              PGresult     *result,
              GError      **error)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *detail = NULL;

  /* The server's one-line message, without its context lines. */
  if (result != NULL && PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) != NULL)
    detail = g_strdup (PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY));
  else
    detail = g_strdup (result != NULL && PQresultErrorMessage (result)[0] != '\0'
                         ? PQresultErrorMessage (result)
                         : self->conn != NULL ? PQerrorMessage (self->conn) : "");
  g_strstrip (detail);

  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                 _("The connection to the server “%s” was lost (%s). Check that the server is running and reachable, then try again."),
                 self->location, detail);
  else if (state != NULL && (strcmp (state, "40001") == 0 || strcmp (state, "40P01") == 0 ||
                             strcmp (state, "55P03") == 0))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BUSY,
                 _("The server “%s” was busy with another change, so this one was not saved. Try again."),
                 self->location);
  else if (state != NULL && g_str_has_prefix (state, "23"))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                 _("The record could not be saved because it conflicts with what is already stored (%s)."),
                 detail);
  else if (state != NULL && strcmp (state, "42501") == 0)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                 _("The server “%s” refused access (%s). Ask whoever looks after the server to make your user a member of %s."),
                 self->location, detail, CT_PG_MEMBER_ROLE);
  else if (state != NULL && strcmp (state, "53100") == 0)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL,
                 _("The server’s disk is full, so the change was not saved. Nothing was lost: ask whoever looks after the server to free some space, then try again."));
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                 _("The server database “%s” could not be read or written (%s)."),
                 self->location, detail);
}

static void
set_lost_in_transaction (CtPgBackend  *self,
                         GError      **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
               _("The connection to the server “%s” was lost in the middle of a change, so none of the change was saved. Check that the server is running, then try again."),
               self->location);
}

/* Whether statements can be sent: the backend is open, and no connection
 * was lost in the middle of the current change. */
static gboolean
check_usable (CtPgBackend  *self,
              GError      **error)
{
  if (self->conn == NULL)
    {
      set_closed (error);
      return FALSE;
    }
  if (self->lost)
    {
      set_lost_in_transaction (self, error);
      return FALSE;
    }
  return TRUE;
}

/* Settings every connection starts with, again after a reset. */
static gboolean
set_up_session (CtPgBackend  *self,
                GError      **error)
{
  PGresult *result;
  gboolean ok;

  result = PQexec (self->conn,
                   self->read_only
                     ? "SET search_path TO " CT_PG_SCHEMA "; SET client_min_messages TO warning;"
                       " SET default_transaction_read_only TO on"
                     : "SET search_path TO " CT_PG_SCHEMA "; SET client_min_messages TO warning");
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    set_pg_error (self, result, error);
  PQclear (result);
  return ok;
}

static gboolean
reconnect (CtPgBackend  *self,
           GError      **error)
{
  g_debug ("Reconnecting to %s", self->location);
  PQreset (self->conn);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      set_pg_error (self, NULL, error);
      return FALSE;
    }
  return set_up_session (self, error);
}

/* Runs @sql with @params (or none), asking for binary results. A
 * connection found broken outside a transaction is reset and the
 * statement run once more. */
static PGresult *
run (CtPgBackend   *self,
     const char    *sql,
     const Params  *params,
     GError       **error)
{
  for (guint attempt = 0;; attempt++)
    {
      PGresult *result;
      ExecStatusType status;

      if (!check_usable (self, error))
        return NULL;
      if (PQstatus (self->conn) != CONNECTION_OK)
        {
          if (self->in_transaction)
            {
              self->lost = TRUE;
              set_lost_in_transaction (self, error);
              return NULL;
            }
          if (!reconnect (self, error))
            return NULL;
        }

      result = PQexecParams (self->conn, sql, params != NULL ? params->n : 0, NULL,
                             params != NULL ? params->values : NULL,
                             params != NULL ? params->lengths : NULL,
                             params != NULL ? params->formats : NULL, 1);
      status = PQresultStatus (result);
      if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return result;

      if (PQstatus (self->conn) != CONNECTION_OK)
        {
          PQclear (result);
          if (self->in_transaction)
            {
              self->lost = TRUE;
              set_lost_in_transaction (self, error);
              return NULL;
            }
          if (attempt == 0)
            continue;
          set_pg_error (self, NULL, error);
          return NULL;
        }

      set_pg_error (self, result, error);
      PQclear (result);
      return NULL;
    }
}

static gboolean
run_command (CtPgBackend   *self,
             const char    *sql,
             const Params  *params,
             GError       **error)
{
  PGresult *result = run (self, sql, params, error);

  PQclear (result);
  return result != NULL;
}

/* Runs several statements, without parameters, in one go. */
static gboolean
run_script (CtPgBackend  *self,
            const char   *sql,
            GError      **error)
{
  PGresult *result;
  gboolean ok;

  if (self->conn == NULL)
    {
      set_closed (error);
      return FALSE;
    }
  result = PQexec (self->conn, sql);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK;
  if (!ok)
    set_pg_error (self, result, error);
  PQclear (result);
  return ok;
}

static char *
get_text (const PGresult *result,
          int             row,
          int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_strndup (PQgetvalue (result, row, column), PQgetlength (result, row, column));
}

/* An integer in binary form: bigint, integer or smallint, big-endian. */
static gint64
get_int64 (const PGresult *result,
           int             row,
           int             column)
{
  const guint8 *p = (const guint8 *) PQgetvalue (result, row, column);
  int len = PQgetlength (result, row, column);
  guint64 value = 0;

  if (PQgetisnull (result, row, column))
    return 0;
  for (int i = 0; i < len && i < 8; i++)
    value = (value << 8) | p[i];
  if (len == 4)
    return (gint32) (guint32) value;
  if (len == 2)
    return (gint16) (guint16) value;
  return (gint64) value;
}

static GBytes *
get_bytes (const PGresult *result,
           int             row,
           int             column)
{
  if (PQgetisnull (result, row, column))
    return NULL;
  return g_bytes_new (PQgetvalue (result, row, column), PQgetlength (result, row, column));
}

static gint64
query_int64 (CtPgBackend   *self,
             const char    *sql,
             const Params  *params,
             GError       **error)
{
  PGresult *result = run (self, sql, params, error);
  gint64 value;

  if (result == NULL)
    return -1;
  value = PQntuples (result) > 0 ? get_int64 (result, 0, 0) : 0;
  PQclear (result);
  return value;
}

static CtStoreRow *
read_row (const PGresult *result,
          int             i,
          CtRecordKind    kind)
{
  CtStoreRow *row = ct_store_row_new ();

  row->kind = kind;
  row->id = get_text (result, i, 0);
  row->case_id = get_text (result, i, 1);
  row->state = get_text (result, i, 2);
  row->reference = get_text (result, i, 3);
  row->created_at = get_int64 (result, i, 4);
  row->updated_at = get_int64 (result, i, 5);
  row->due_at = get_int64 (result, i, 6);
  row->version = get_int64 (result, i, 7);
  row->data = get_bytes (result, i, 8);
  if (row->data == NULL)
    row->data = g_bytes_new (NULL, 0);
  return row;
}

/* }}} */

/* Opening and the schema {{{ */

static gboolean
schema_exists (CtPgBackend  *self,
               GError      **error)
{
  GError *local_error = NULL;
  gint64 n;

  n = query_int64 (self, "SELECT count(*) FROM pg_namespace WHERE nspname = '" CT_PG_SCHEMA "'",
                   NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return n > 0;
}

/**
 * ct_pg_backend_connect:
 * @self: a backend
 * @error: return location for an error
 *
 * Makes a new connection to the server @self names, as ct_store_backend_open()
 * does (TLS for a remote host, the password from the keyring). It may be
 * called from any thread.
 *
 * Returns: (transfer full) (nullable): the connection, to close with PQfinish()
 */
PGconn *
ct_pg_backend_connect (CtPgBackend  *self,
                       GError      **error)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autofree char *password = NULL;
  PQconninfoOption *options;
  gboolean add_verify_full = FALSE;
  PGconn *conn;

  options = parse_location (self->location, &add_verify_full, error);
  if (options == NULL)
    return NULL;

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && o->val[0] != '\0')
      {
        g_ptr_array_add (keywords, o->keyword);
        g_ptr_array_add (values, o->val);
      }
  if (add_verify_full)
    {
      g_ptr_array_add (keywords, "sslmode");
      g_ptr_array_add (values, "verify-full");
    }
  if (option_value (options, "application_name") == NULL)
    {
      g_ptr_array_add (keywords, "application_name");
      g_ptr_array_add (values, "caretrail");
    }
  if (option_value (options, "connect_timeout") == NULL)
    {
      g_ptr_array_add (keywords, "connect_timeout");
      g_ptr_array_add (values, "10");
    }
  password = lookup_password (options);
  if (password != NULL)
    {
      g_ptr_array_add (keywords, "password");
      g_ptr_array_add (values, password);
    }
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);

  conn = PQconnectdbParams ((const char * const *) keywords->pdata,
                                  (const char * const *) values->pdata, 0);
  PQconninfoFree (options);
  if (password != NULL)
    {
      secret_password_wipe (g_steal_pointer (&password));
    }

  if (conn == NULL || PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *detail = g_strdup (conn != NULL ? PQerrorMessage (conn) : "");

      g_strstrip (detail);
      if (PQconnectionNeedsPassword (conn))
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                     _("The server “%s” asks for a password, and none is kept in the keyring for it. Store it with “caretrail-admin server-password”."),
                     self->location);
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                     _("Caretrail could not connect to the server “%s” (%s). Check that the server is running and that the address is right."),
                     self->location, detail);
      PQfinish (conn);
      return NULL;
    }

  return conn;
}

static gboolean
ct_pg_backend_open (CtStoreBackend           *backend,
                    CtStoreBackendOpenFlags   flags,
                    GError                  **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  GError *local_error = NULL;
  gboolean exists;

  g_return_val_if_fail (self->conn == NULL, FALSE);

  self->conn = ct_pg_backend_connect (self, error);
  if (self->conn == NULL)
    return FALSE;

  self->read_only = (flags & CT_STORE_BACKEND_OPEN_READ_ONLY) != 0;
  self->in_transaction = FALSE;
  self->lost = FALSE;

  if (!set_up_session (self, error))
    {
      ct_store_backend_close (backend);
      return FALSE;
    }

  exists = schema_exists (self, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      ct_store_backend_close (backend);
      return FALSE;
    }
  if (!exists && !(flags & CT_STORE_BACKEND_OPEN_CREATE))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE,
                   _("There is no Caretrail database on the server “%s”. Create one with “caretrail-admin server-init”, or give the right address with --database."),
                   self->location);
      ct_store_backend_close (backend);
      return FALSE;
    }

  return TRUE;
}

static void
ct_pg_backend_close (CtStoreBackend *backend)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);

  g_clear_pointer (&self->conn, PQfinish);
  self->in_transaction = FALSE;
  self->lost = FALSE;
}

static gboolean
version_table_exists (CtPgBackend  *self,
                      GError      **error)
{
  GError *local_error = NULL;
  gint64 n;

  n = query_int64 (self, "SELECT count(*) FROM pg_tables WHERE schemaname = '" CT_PG_SCHEMA "'"
                         " AND tablename = 'schema_version'", NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return n > 0;
}

static gint64
ct_pg_backend_get_schema_version (CtStoreBackend  *backend,
                                  GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  GError *local_error = NULL;

  if (!version_table_exists (self, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return -1;
        }
      return 0;
    }
  return query_int64 (self, "SELECT max(version) FROM schema_version", NULL, error);
}

static gboolean
ct_pg_backend_is_caretrail (CtStoreBackend  *backend,
                            GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  GError *local_error = NULL;

  if (version_table_exists (self, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_DATABASE,
               _("The database on the server “%s” has a schema named “%s” that is not Caretrail’s. Check the address given with --database."),
               self->location, CT_PG_SCHEMA);
  return FALSE;
}

/* Schema 1: the tables of the SQLite schema 2, with the same columns, so
 * that a file and a server copy into each other column for column, plus
 * the chain's head row and the staff submissions. Text that is sorted
 * sorts bytewise ("C"), as SQLite sorts it. */
static char *
build_schema_1 (void)
{
  GString *sql = g_string_new (NULL);

  g_string_append (sql,
                   "CREATE TABLE schema_version (version bigint NOT NULL);\n"
                   "INSERT INTO schema_version VALUES (0);\n"
                   "CREATE TABLE chain_head (id integer PRIMARY KEY CHECK (id = 1));\n"
                   "INSERT INTO chain_head VALUES (1);\n"
                   "CREATE TABLE meta (key text COLLATE \"C\" PRIMARY KEY, value bytea NOT NULL);\n"
                   "CREATE TABLE case_keys (case_id text COLLATE \"C\" PRIMARY KEY, wrapped bytea NOT NULL);\n");

  /* The cases first: every other table refers to them. */
  for (int pass = 0; pass < 2; pass++)
    for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
      {
        const char *table = ct_record_kind_get_table (kind);
        gboolean is_case = kind == CT_RECORD_KIND_CASE;

        if (is_case != (pass == 0))
          continue;
        g_string_append_printf (sql,
                                "CREATE TABLE %s (\n"
                                "  id text COLLATE \"C\" PRIMARY KEY,\n"
                                "  case_id text COLLATE \"C\"%s,\n"
                                "  kind text NOT NULL CHECK (kind = '%s'),\n"
                                "  state text,\n"
                                "  reference text%s,\n"
                                "  created_at bigint NOT NULL,\n"
                                "  updated_at bigint NOT NULL,\n"
                                "  due_at bigint NOT NULL DEFAULT 0,\n"
                                "  version bigint NOT NULL CHECK (version >= 1),\n"
                                "  data bytea NOT NULL);\n",
                                table, is_case ? "" : " REFERENCES cases (id)",
                                ct_record_kind_to_string (kind), is_case ? " UNIQUE" : "");
        if (!is_case)
          g_string_append_printf (sql, "CREATE INDEX %s_case_id ON %s (case_id);\n", table, table);
      }

  g_string_append (sql,
                   "CREATE TABLE record_history (\n"
                   "  tbl text COLLATE \"C\" NOT NULL,\n"
                   "  id text COLLATE \"C\" NOT NULL,\n"
                   "  version bigint NOT NULL,\n"
                   "  case_id text COLLATE \"C\",\n"
                   "  kind text NOT NULL,\n"
                   "  state text,\n"
                   "  reference text,\n"
                   "  created_at bigint NOT NULL,\n"
                   "  updated_at bigint NOT NULL,\n"
                   "  due_at bigint NOT NULL DEFAULT 0,\n"
                   "  data bytea NOT NULL,\n"
                   "  replaced_at bigint NOT NULL,\n"
                   "  PRIMARY KEY (tbl, id, version));\n"
                   "CREATE INDEX record_history_case_id ON record_history (case_id);\n"
                   "CREATE TABLE blind_index (\n"
                   "  token bytea NOT NULL,\n"
                   "  kind text NOT NULL,\n"
                   "  record_id text COLLATE \"C\" NOT NULL);\n"
                   "CREATE INDEX blind_index_token ON blind_index (token);\n"
                   "CREATE INDEX blind_index_record ON blind_index (record_id);\n"
                   "CREATE TABLE audit_log (\n"
                   "  seq bigint PRIMARY KEY,\n"
                   "  at bigint NOT NULL,\n"
                   "  staff_id text,\n"
                   "  action text NOT NULL,\n"
                   "  record_id text,\n"
                   "  mac bytea NOT NULL,\n"
                   "  format bigint NOT NULL DEFAULT 1,\n"
                   "  kind text,\n"
                   "  case_id text,\n"
                   "  version bigint NOT NULL DEFAULT 0,\n"
                   "  digest bytea);\n"
                   /* Concerns sealed by staff to the organisation's
                    * submission key. Staff may add a row and do nothing
                    * else (see ct_pg_backend_set_up_roles()). */
                   "CREATE TABLE submissions (\n"
                   "  id text COLLATE \"C\" PRIMARY KEY,\n"
                   "  submitted_at timestamptz NOT NULL DEFAULT now(),\n"
                   "  submitted_by name NOT NULL DEFAULT current_user,\n"
                   "  sealed bytea NOT NULL);\n"
                   "ALTER TABLE submissions ENABLE ROW LEVEL SECURITY;\n");
  return g_string_free (sql, FALSE);
}

/* Schema 2: the organisation's members and the requests to join, and
 * what a member did with a staff submission. Members' names are sealed to
 * the organisation's submission key, so the server never holds them; the
 * submission public key is read through a function, so that staff, who
 * may read no table, can still seal a concern to it. */
static char *
build_schema_2 (void)
{
  return g_strdup ("CREATE TABLE member_requests (\n"
                   "  id text COLLATE \"C\" PRIMARY KEY,\n"
                   "  requested_at timestamptz NOT NULL DEFAULT now(),\n"
                   "  requested_by name NOT NULL DEFAULT current_user,\n"
                   "  box_public_key bytea NOT NULL,\n"
                   "  sign_public_key bytea NOT NULL,\n"
                   "  name_sealed bytea NOT NULL);\n"
                   "ALTER TABLE member_requests ENABLE ROW LEVEL SECURITY;\n"
                   "CREATE TABLE members (\n"
                   "  id text COLLATE \"C\" PRIMARY KEY,\n"
                   "  pg_user name NOT NULL,\n"
                   "  added_at timestamptz NOT NULL DEFAULT now(),\n"
                   "  box_public_key bytea NOT NULL UNIQUE,\n"
                   "  sign_public_key bytea NOT NULL,\n"
                   "  name_sealed bytea NOT NULL,\n"
                   "  sealed_master bytea NOT NULL);\n"
                   "ALTER TABLE submissions ADD COLUMN case_id text COLLATE \"C\",\n"
                   "  ADD COLUMN accepted_at timestamptz;\n"
                   "CREATE FUNCTION submission_public_key () RETURNS bytea\n"
                   "  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = " CT_PG_SCHEMA ", pg_temp\n"
                   "  AS $$ SELECT value FROM " CT_PG_SCHEMA ".meta WHERE key = 'submission-public-key' $$;\n"
                   "REVOKE ALL ON FUNCTION submission_public_key () FROM PUBLIC;\n");
}

/* Schema 3: each audit entry a member writes names them (their keys' id)
 * and carries their Ed25519 signature, as the file's schema 4 does. */
static char *
build_schema_3 (void)
{
  return g_strdup ("ALTER TABLE audit_log ADD COLUMN member_id text,\n"
                   "  ADD COLUMN signature bytea;\n");
}

/* Schema 4: what a keyring's member keys are on the server (a member, a
 * request waiting, removed, or unknown: a request declined), for someone
 * whose login may read no table. It answers only about keys the caller
 * already holds, and the answer only chooses which message to show. */
static char *
build_schema_4 (void)
{
  return g_strdup ("CREATE FUNCTION membership_status (box_key bytea, member_id text) RETURNS text\n"
                   "  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = " CT_PG_SCHEMA ", pg_temp\n"
                   "  AS $$ SELECT CASE\n"
                   "    WHEN EXISTS (SELECT 1 FROM " CT_PG_SCHEMA ".members WHERE box_public_key = box_key) THEN 'member'\n"
                   "    WHEN EXISTS (SELECT 1 FROM " CT_PG_SCHEMA ".member_requests WHERE box_public_key = box_key) THEN 'requested'\n"
                   "    WHEN EXISTS (SELECT 1 FROM " CT_PG_SCHEMA ".meta WHERE key = 'member-keys:' || member_id) THEN 'removed'\n"
                   "    ELSE 'unknown' END $$;\n"
                   "REVOKE ALL ON FUNCTION membership_status (bytea, text) FROM PUBLIC;\n");
}

typedef char *(*BuildMigration) (void);

static const BuildMigration migrations[] = {
  build_schema_1,
  build_schema_2,
  build_schema_3,
  build_schema_4,
};

static gint64
ct_pg_backend_get_latest_schema_version (CtStoreBackend *backend)
{
  return G_N_ELEMENTS (migrations);
}

static gboolean
ct_pg_backend_migrate (CtStoreBackend  *backend,
                       GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  GError *local_error = NULL;
  gint64 current;

  /* A server that is up to date is left alone: members need no right to
   * create anything on it. */
  current = ct_pg_backend_get_schema_version (backend, error);
  if (current < 0)
    return FALSE;
  if (current >= (gint64) G_N_ELEMENTS (migrations))
    return TRUE;

  if (!schema_exists (self, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (!run_command (self, "CREATE SCHEMA IF NOT EXISTS " CT_PG_SCHEMA, NULL, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autofree char *sql = NULL;
      g_autofree char *set_version = NULL;
      gint64 version = i + 1;
      gint64 reached;

      /* Each migration and the version it reaches commit together; the
       * lock keeps two desktops from running the same one at once. */
      if (!run_command (self, "BEGIN", NULL, error))
        return FALSE;
      self->in_transaction = TRUE;
      if (!run_command (self, "SELECT pg_advisory_xact_lock(hashtext('caretrail-migrate'))", NULL, error))
        goto fail;
      reached = ct_pg_backend_get_schema_version (backend, error);
      if (reached < 0)
        goto fail;
      if (reached >= version)
        {
          ct_store_backend_rollback (backend);
          continue;
        }

      sql = migrations[i] ();
      set_version = g_strdup_printf ("UPDATE schema_version SET version = %" G_GINT64_FORMAT, version);
      if (!run_script (self, sql, error) || !run_script (self, set_version, error) ||
          !run_command (self, "COMMIT", NULL, error))
        goto fail;
      self->in_transaction = FALSE;
      g_debug ("Migrated %s to schema %" G_GINT64_FORMAT, self->location, version);
    }

  return TRUE;

fail:
  ct_store_backend_rollback (backend);
  return FALSE;
}

/**
 * ct_pg_backend_check_empty:
 * @self: an open backend
 * @error: return location for %CT_STORE_ERROR_EXISTS
 *
 * Checks that the server holds no Caretrail database yet (its schema may
 * exist, without a database identity in it).
 *
 * Returns: %TRUE if a database may be created there
 */
gboolean
ct_pg_backend_check_empty (CtPgBackend  *self,
                           GError      **error)
{
  GError *local_error = NULL;
  gint64 n;

  g_return_val_if_fail (CT_IS_PG_BACKEND (self), FALSE);

  if (!version_table_exists (self, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return TRUE;
    }

  n = query_int64 (self, "SELECT count(*) FROM meta", NULL, error);
  if (n < 0)
    return FALSE;
  if (n > 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS,
                   _("The server “%s” already holds a Caretrail database. It has not been changed."),
                   self->location);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_pg_backend_set_up_roles:
 * @self: an open backend whose schema is up to date, connected as a user
 *   that may create roles and owns the schema
 * @error: return location for an error
 *
 * Creates the roles (if missing) and what they may do: members of
 * %CT_PG_MEMBER_ROLE read and write every table; members of
 * %CT_PG_STAFF_ROLE may insert a submission in their own name, and
 * nothing else: no table, not even the submissions, can be read by them.
 * The server enforces this with grants and row-level security, whatever
 * program connects.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_pg_backend_set_up_roles (CtPgBackend  *self,
                            GError      **error)
{
  static const char sql[] =
    "DO $$ BEGIN\n"
    "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" CT_PG_MEMBER_ROLE "') THEN\n"
    "    CREATE ROLE " CT_PG_MEMBER_ROLE " NOLOGIN;\n"
    "  END IF;\n"
    "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" CT_PG_STAFF_ROLE "') THEN\n"
    "    CREATE ROLE " CT_PG_STAFF_ROLE " NOLOGIN;\n"
    "  END IF;\n"
    "END $$;\n"
    "REVOKE ALL ON SCHEMA " CT_PG_SCHEMA " FROM PUBLIC;\n"
    "REVOKE ALL ON ALL TABLES IN SCHEMA " CT_PG_SCHEMA " FROM PUBLIC, " CT_PG_STAFF_ROLE ";\n"
    "GRANT USAGE ON SCHEMA " CT_PG_SCHEMA " TO " CT_PG_MEMBER_ROLE ", " CT_PG_STAFF_ROLE ";\n"
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " CT_PG_SCHEMA " TO " CT_PG_MEMBER_ROLE ";\n"
    "REVOKE UPDATE, DELETE, TRUNCATE ON schema_version FROM " CT_PG_MEMBER_ROLE ";\n"
    "GRANT INSERT ON submissions TO " CT_PG_STAFF_ROLE ";\n"
    "DROP POLICY IF EXISTS staff_submit ON submissions;\n"
    "CREATE POLICY staff_submit ON submissions FOR INSERT TO " CT_PG_STAFF_ROLE "\n"
    "  WITH CHECK (submitted_by = current_user);\n"
    "DROP POLICY IF EXISTS members_all ON submissions;\n"
    "CREATE POLICY members_all ON submissions FOR ALL TO " CT_PG_MEMBER_ROLE "\n"
    "  USING (true) WITH CHECK (true);\n"
    /* Anyone with a login in either role may ask to join, in their own
     * name; only members read the requests and act on them. */
    "GRANT INSERT ON member_requests TO " CT_PG_STAFF_ROLE ";\n"
    "DROP POLICY IF EXISTS request_join ON member_requests;\n"
    "CREATE POLICY request_join ON member_requests FOR INSERT TO " CT_PG_STAFF_ROLE "\n"
    "  WITH CHECK (requested_by = current_user);\n"
    "DROP POLICY IF EXISTS members_all ON member_requests;\n"
    "CREATE POLICY members_all ON member_requests FOR ALL TO " CT_PG_MEMBER_ROLE "\n"
    "  USING (true) WITH CHECK (true);\n"
    "GRANT EXECUTE ON FUNCTION submission_public_key () TO " CT_PG_MEMBER_ROLE ", " CT_PG_STAFF_ROLE ";\n"
    "GRANT EXECUTE ON FUNCTION membership_status (bytea, text) TO " CT_PG_MEMBER_ROLE ", " CT_PG_STAFF_ROLE ";\n";

  PGresult *result;
  gboolean may;

  g_return_val_if_fail (CT_IS_PG_BACKEND (self), FALSE);

  result = run (self, "SELECT rolsuper OR rolcreaterole, current_user::text FROM pg_roles"
                      " WHERE rolname = current_user", NULL, error);
  if (result == NULL)
    return FALSE;
  may = PQntuples (result) == 1 && *PQgetvalue (result, 0, 0) != 0;
  if (!may)
    {
      g_autofree char *user = PQntuples (result) == 1 ? get_text (result, 0, 1) : g_strdup ("?");

      PQclear (result);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The server user “%s” may not create roles, so the server was not set up. Give an address whose user has the CREATEROLE right (such as the server’s administrator), then try again."),
                   user);
      return FALSE;
    }
  PQclear (result);
  return run_script (self, sql, error);
}

/**
 * ct_pg_backend_query:
 * @self: an open backend
 * @sql: one statement, with parameters $1, $2…
 * @n_params: how many parameters
 * @params: (array length=n_params): each parameter's bytes, passed in
 *   binary form (so a text or bytea parameter as it is), or %NULL for NULL
 * @error: return location for an error
 *
 * Runs a statement of the tables that are only on a server (members,
 * requests to join, staff submissions). Results come in binary form: text
 * and bytea as they are, integers as ct_pg_value_int64() reads them.
 *
 * Returns: (transfer full): the rows, each a #GPtrArray of #GBytes (%NULL
 *   for NULL), or %NULL on error
 */
GPtrArray *
ct_pg_backend_query (CtPgBackend   *self,
                     const char    *sql,
                     guint          n_params,
                     GBytes *const *params,
                     GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Params p = { 0 };
  PGresult *result;

  g_return_val_if_fail (CT_IS_PG_BACKEND (self), NULL);
  g_return_val_if_fail (n_params <= MAX_PARAMS, NULL);

  for (guint i = 0; i < n_params; i++)
    param_bytes (&p, params[i]);
  result = run (self, sql, &p, error);
  if (result == NULL)
    return NULL;
  for (int r = 0; r < PQntuples (result); r++)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

      for (int c = 0; c < PQnfields (result); c++)
        g_ptr_array_add (row, get_bytes (result, r, c));
      g_ptr_array_add (rows, row);
    }
  PQclear (result);
  return g_steal_pointer (&rows);
}

/**
 * ct_pg_value_int64:
 * @value: (nullable): a bigint, integer or smallint in binary form
 *
 * Returns: its value; 0 for %NULL
 */
gint64
ct_pg_value_int64 (GBytes *value)
{
  const guint8 *p;
  gsize len = 0;
  guint64 v = 0;

  if (value == NULL)
    return 0;
  p = g_bytes_get_data (value, &len);
  for (gsize i = 0; i < len && i < 8; i++)
    v = (v << 8) | p[i];
  if (len == 4)
    return (gint32) (guint32) v;
  if (len == 2)
    return (gint16) (guint16) v;
  return (gint64) v;
}

/* }}} */

/* Transactions {{{ */

static gboolean
ct_pg_backend_begin (CtStoreBackend  *backend,
                     GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);

  /* BEGIN may reconnect first; once it has run, a lost connection fails
   * the whole transaction. */
  if (!run_command (self, "BEGIN ISOLATION LEVEL READ COMMITTED", NULL, error))
    return FALSE;
  self->in_transaction = TRUE;
  self->lost = FALSE;
  self->wrote = FALSE;

  /* The chain's head, locked until COMMIT or ROLLBACK: a transaction on
   * another desktop waits here, then sees everything this one wrote. */
  if (!run_command (self, "SELECT id FROM chain_head WHERE id = 1 FOR UPDATE", NULL, error))
    {
      ct_store_backend_rollback (backend);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ct_pg_backend_commit (CtStoreBackend  *backend,
                      GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  PGresult *result;
  gboolean ok;

  if (!check_usable (self, error))
    return FALSE;

  /* Delivered to the other desks' watches only if the change commits. */
  if (self->wrote)
    {
      Params p = { 0 };

      param_text (&p, self->token);
      if (!run_command (self, "SELECT pg_notify('" CT_PG_CHANGED_CHANNEL "', $1)", &p, error))
        return FALSE;
      self->wrote = FALSE;
    }

  result = PQexec (self->conn, "COMMIT");
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok && PQstatus (self->conn) != CONNECTION_OK)
    {
      /* The server may have committed before the connection went. */
      self->lost = TRUE;
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The connection to the server “%s” was lost while a change was being saved, so it may not have been saved. Open the record again to see whether it was."),
                   self->location);
    }
  else if (!ok)
    set_pg_error (self, result, error);
  PQclear (result);
  if (ok)
    self->in_transaction = FALSE;
  return ok;
}

static void
ct_pg_backend_rollback (CtStoreBackend *backend)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);

  if (self->conn != NULL && self->in_transaction && PQstatus (self->conn) == CONNECTION_OK)
    PQclear (PQexec (self->conn, "ROLLBACK"));
  /* A connection that dropped took its transaction with it: the server
   * rolled it back, and the next statement reconnects. */
  self->in_transaction = FALSE;
  self->lost = FALSE;
  self->wrote = FALSE;
}

/* }}} */

/* Meta, rows and keys {{{ */

static GBytes *
query_bytes (CtPgBackend  *self,
             const char   *sql,
             const char   *param,
             GError      **error)
{
  Params p = { 0 };
  PGresult *result;
  GBytes *value = NULL;

  param_text (&p, param);
  result = run (self, sql, &p, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    value = get_bytes (result, 0, 0);
  PQclear (result);
  return value;
}

static GBytes *
ct_pg_backend_get_meta (CtStoreBackend  *backend,
                        const char      *key,
                        GError         **error)
{
  return query_bytes (CT_PG_BACKEND (backend), "SELECT value FROM meta WHERE key = $1", key, error);
}

static gboolean
ct_pg_backend_set_meta (CtStoreBackend  *backend,
                        const char      *key,
                        GBytes          *value,
                        GError         **error)
{
  Params p = { 0 };

  param_text (&p, key);
  param_bytes (&p, value);
  return run_command (CT_PG_BACKEND (backend),
                      "INSERT INTO meta (key, value) VALUES ($1, $2)"
                      " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                      &p, error);
}

static gboolean
ct_pg_backend_insert_row (CtStoreBackend    *backend,
                          const CtStoreRow  *row,
                          GError           **error)
{
  g_autofree char *sql = NULL;
  Params p = { 0 };

  CT_PG_BACKEND (backend)->wrote = TRUE;
  sql = g_strdup_printf ("INSERT INTO %s (kind, " ROW_COLUMNS ")"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                         ct_record_kind_get_table (row->kind));
  param_text (&p, ct_record_kind_to_string (row->kind));
  param_text (&p, row->id);
  param_text (&p, row->case_id);
  param_text (&p, row->state);
  param_text (&p, row->reference);
  param_int64 (&p, row->created_at);
  param_int64 (&p, row->updated_at);
  param_int64 (&p, row->due_at);
  param_int64 (&p, row->version);
  param_bytes (&p, row->data);
  return run_command (CT_PG_BACKEND (backend), sql, &p, error);
}

/* Copies the stored version of a row into the history, then writes the new
 * one over it, only if the stored version is the one before @row's. */
static gboolean
ct_pg_backend_update_row (CtStoreBackend    *backend,
                          const CtStoreRow  *row,
                          gint64             replaced_at,
                          GError           **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  const char *table = ct_record_kind_get_table (row->kind);
  g_autofree char *history_sql = NULL;
  g_autofree char *update_sql = NULL;
  Params p = { 0 };
  Params q = { 0 };
  PGresult *result;
  gboolean moved;

  self->wrote = TRUE;
  history_sql = g_strdup_printf ("INSERT INTO record_history (tbl, id, version, case_id, kind, state, reference,"
                                 " created_at, updated_at, due_at, data, replaced_at)"
                                 " SELECT '%s', id, version, case_id, kind, state, reference, created_at,"
                                 " updated_at, due_at, data, $1 FROM %s WHERE id = $2 AND version = $3",
                                 table, table);
  param_int64 (&p, replaced_at);
  param_text (&p, row->id);
  param_int64 (&p, row->version - 1);
  result = run (self, history_sql, &p, error);
  if (result == NULL)
    return FALSE;
  moved = strcmp (PQcmdTuples (result), "1") == 0;
  PQclear (result);
  if (!moved)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT,
                   _("The record was changed by someone else since it was opened, so this change was not saved. Open the record again and repeat the change."));
      return FALSE;
    }

  update_sql = g_strdup_printf ("UPDATE %s SET case_id = $1, state = $2, reference = $3, updated_at = $4,"
                                " due_at = $5, version = $6, data = $7 WHERE id = $8 AND version = $9",
                                table);
  param_text (&q, row->case_id);
  param_text (&q, row->state);
  param_text (&q, row->reference);
  param_int64 (&q, row->updated_at);
  param_int64 (&q, row->due_at);
  param_int64 (&q, row->version);
  param_bytes (&q, row->data);
  param_text (&q, row->id);
  param_int64 (&q, row->version - 1);
  return run_command (self, update_sql, &q, error);
}

static CtStoreRow *
ct_pg_backend_get_row (CtStoreBackend  *backend,
                       CtRecordKind     kind,
                       const char      *id,
                       GError         **error)
{
  g_autofree char *sql = NULL;
  Params p = { 0 };
  PGresult *result;
  CtStoreRow *row = NULL;

  sql = g_strdup_printf ("SELECT " ROW_COLUMNS " FROM %s WHERE id = $1", ct_record_kind_get_table (kind));
  param_text (&p, id);
  result = run (CT_PG_BACKEND (backend), sql, &p, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    row = read_row (result, 0, kind);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                 _("The %s record “%s” does not exist."), ct_record_kind_to_string (kind), id);
  PQclear (result);
  return row;
}

static GPtrArray *
collect_rows (CtPgBackend   *self,
              const char    *sql,
              const Params  *params,
              CtRecordKind   kind,
              GError       **error)
{
  GPtrArray *rows;
  PGresult *result = run (self, sql, params, error);
  int n;

  if (result == NULL)
    return NULL;
  n = PQntuples (result);
  rows = g_ptr_array_new_full (n, (GDestroyNotify) ct_store_row_free);
  for (int i = 0; i < n; i++)
    g_ptr_array_add (rows, read_row (result, i, kind));
  PQclear (result);
  return rows;
}

static GPtrArray *
ct_pg_backend_list_rows (CtStoreBackend  *backend,
                         CtRecordKind     kind,
                         const char      *case_id,
                         GError         **error)
{
  g_autofree char *sql = NULL;
  Params p = { 0 };

  /* In the order they were created; ids sort bytewise, as in SQLite. */
  sql = g_strdup_printf ("SELECT " ROW_COLUMNS " FROM %s%s ORDER BY created_at, id",
                         ct_record_kind_get_table (kind),
                         case_id != NULL ? " WHERE case_id = $1" : "");
  if (case_id != NULL)
    param_text (&p, case_id);
  return collect_rows (CT_PG_BACKEND (backend), sql, &p, kind, error);
}

/* The reference with @prefix and the highest number after it, as
 * ct_store_backend_last_reference() describes it: the server compares
 * them and sends one back, with no ciphertext. */
static gboolean
ct_pg_backend_last_reference (CtStoreBackend  *backend,
                              const char      *prefix,
                              char           **out_reference,
                              GError         **error)
{
  Params p = { 0 };
  PGresult *result;

  param_text (&p, prefix);
  param_int64 (&p, (gint64) strlen (prefix));
  result = run (CT_PG_BACKEND (backend),
                "SELECT reference FROM cases"
                " WHERE starts_with(reference, $1) AND length(reference) > $2::bigint"
                "   AND substr(reference, ($2::bigint + 1)::int) ~ '^[0-9]+$'"
                " ORDER BY length(ltrim(substr(reference, ($2::bigint + 1)::int), '0')) DESC,"
                "          ltrim(substr(reference, ($2::bigint + 1)::int), '0') COLLATE \"C\" DESC"
                " LIMIT 1",
                &p, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    *out_reference = get_text (result, 0, 0);
  PQclear (result);
  return TRUE;
}

static GPtrArray *
ct_pg_backend_list_history (CtStoreBackend  *backend,
                            CtRecordKind     kind,
                            const char      *id,
                            GError         **error)
{
  Params p = { 0 };

  param_text (&p, ct_record_kind_get_table (kind));
  param_text (&p, id);
  return collect_rows (CT_PG_BACKEND (backend),
                       "SELECT " ROW_COLUMNS " FROM record_history WHERE tbl = $1"
                       " AND ($2::text IS NULL OR id = $2) ORDER BY id, version",
                       &p, kind, error);
}

static gint64
ct_pg_backend_count_rows (CtStoreBackend  *backend,
                          CtRecordKind     kind,
                          GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", ct_record_kind_get_table (kind));

  return query_int64 (CT_PG_BACKEND (backend), sql, NULL, error);
}

static gboolean
ct_pg_backend_set_blind_index (CtStoreBackend  *backend,
                               CtRecordKind     kind,
                               const char      *record_id,
                               GPtrArray       *tokens,
                               gboolean         replace,
                               GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);

  if (replace)
    {
      Params p = { 0 };

      param_text (&p, record_id);
      if (!run_command (self, "DELETE FROM blind_index WHERE record_id = $1", &p, error))
        return FALSE;
    }

  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    {
      Params p = { 0 };

      param_bytes (&p, g_ptr_array_index (tokens, i));
      param_text (&p, ct_record_kind_to_string (kind));
      param_text (&p, record_id);
      if (!run_command (self, "INSERT INTO blind_index (token, kind, record_id) VALUES ($1, $2, $3)", &p, error))
        return FALSE;
    }

  return TRUE;
}

static GPtrArray *
ct_pg_backend_find_blind_index (CtStoreBackend  *backend,
                                CtRecordKind     kind,
                                GBytes          *token,
                                GError         **error)
{
  GPtrArray *ids;
  Params p = { 0 };
  PGresult *result;

  param_bytes (&p, token);
  param_text (&p, ct_record_kind_to_string (kind));
  result = run (CT_PG_BACKEND (backend),
                "SELECT DISTINCT record_id FROM blind_index WHERE token = $1 AND kind = $2", &p, error);
  if (result == NULL)
    return NULL;
  ids = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (ids, get_text (result, i, 0));
  PQclear (result);
  return ids;
}

static GBytes *
ct_pg_backend_get_case_key (CtStoreBackend  *backend,
                            const char      *case_id,
                            GError         **error)
{
  return query_bytes (CT_PG_BACKEND (backend), "SELECT wrapped FROM case_keys WHERE case_id = $1",
                      case_id, error);
}

static gboolean
ct_pg_backend_set_case_key (CtStoreBackend  *backend,
                            const char      *case_id,
                            GBytes          *wrapped,
                            GError         **error)
{
  Params p = { 0 };

  param_text (&p, case_id);
  param_bytes (&p, wrapped);
  return run_command (CT_PG_BACKEND (backend), "INSERT INTO case_keys (case_id, wrapped) VALUES ($1, $2)",
                      &p, error);
}

/* Returns pairs: case id (char *) then wrapped key (GBytes *). */
static GPtrArray *
ct_pg_backend_list_case_keys (CtStoreBackend  *backend,
                              GError         **error)
{
  GPtrArray *pairs;
  PGresult *result = run (CT_PG_BACKEND (backend), "SELECT case_id, wrapped FROM case_keys", NULL, error);

  if (result == NULL)
    return NULL;
  pairs = g_ptr_array_new ();
  for (int i = 0; i < PQntuples (result); i++)
    {
      g_ptr_array_add (pairs, get_text (result, i, 0));
      g_ptr_array_add (pairs, get_bytes (result, i, 1));
    }
  PQclear (result);
  return pairs;
}

static gboolean
ct_pg_backend_foreach_case_key (CtStoreBackend      *backend,
                                CtStoreCaseKeyFunc   func,
                                gpointer             user_data,
                                GError             **error)
{
  PGresult *result = run (CT_PG_BACKEND (backend), "SELECT case_id, wrapped FROM case_keys", NULL, error);
  gboolean ok = TRUE;

  if (result == NULL)
    return FALSE;
  for (int i = 0; ok && i < PQntuples (result); i++)
    {
      g_autofree char *case_id = get_text (result, i, 0);
      g_autoptr(GBytes) wrapped = get_bytes (result, i, 1);

      if (wrapped == NULL)
        wrapped = g_bytes_new (NULL, 0);
      ok = func (case_id, wrapped, user_data, error);
    }
  PQclear (result);
  return ok;
}

static gboolean
ct_pg_backend_erase_case (CtStoreBackend  *backend,
                          const char      *case_id,
                          GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  Params p = { 0 };

  self->wrote = TRUE;
  param_text (&p, case_id);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      g_autofree char *index_sql = NULL;
      g_autofree char *sql = NULL;
      const char *table = ct_record_kind_get_table (kind);

      if (kind == CT_RECORD_KIND_CASE)
        continue;

      index_sql = g_strdup_printf ("DELETE FROM blind_index WHERE record_id IN (SELECT id FROM %s WHERE case_id = $1)", table);
      sql = g_strdup_printf ("DELETE FROM %s WHERE case_id = $1", table);
      if (!run_command (self, index_sql, &p, error) || !run_command (self, sql, &p, error))
        return FALSE;
    }

  return run_command (self, "DELETE FROM record_history WHERE case_id = $1 OR (tbl = 'cases' AND id = $1)", &p, error) &&
         run_command (self, "DELETE FROM cases WHERE id = $1", &p, error) &&
         run_command (self, "DELETE FROM case_keys WHERE case_id = $1", &p, error);
}

/* }}} */

/* The audit log {{{ */

static gboolean
ct_pg_backend_append_audit (CtStoreBackend      *backend,
                            const CtAuditEntry  *entry,
                            GError             **error)
{
  Params p = { 0 };

  param_int64 (&p, entry->seq);
  param_int64 (&p, entry->at);
  param_text (&p, entry->staff_id);
  param_text (&p, entry->action);
  param_text (&p, entry->record_id);
  param_bytes (&p, entry->mac);
  param_int64 (&p, MAX (entry->format, 1));
  param_text (&p, entry->kind);
  param_text (&p, entry->case_id);
  param_int64 (&p, entry->version);
  param_bytes (&p, entry->digest);
  param_text (&p, entry->member_id);
  param_bytes (&p, entry->signature);
  return run_command (CT_PG_BACKEND (backend),
                      "INSERT INTO audit_log (" AUDIT_COLUMNS ")"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                      &p, error);
}

static CtAuditEntry *
read_audit_entry (const PGresult *result,
                  int             i)
{
  CtAuditEntry *entry = ct_audit_entry_new ();

  entry->seq = get_int64 (result, i, 0);
  entry->at = get_int64 (result, i, 1);
  entry->staff_id = get_text (result, i, 2);
  entry->action = get_text (result, i, 3);
  entry->record_id = get_text (result, i, 4);
  entry->mac = get_bytes (result, i, 5);
  if (entry->mac == NULL)
    entry->mac = g_bytes_new (NULL, 0);
  entry->format = (int) get_int64 (result, i, 6);
  entry->kind = get_text (result, i, 7);
  entry->case_id = get_text (result, i, 8);
  entry->version = get_int64 (result, i, 9);
  entry->digest = get_bytes (result, i, 10);
  entry->member_id = get_text (result, i, 11);
  entry->signature = get_bytes (result, i, 12);
  return entry;
}

/* Returns %NULL without an error when the log is empty. */
static CtAuditEntry *
ct_pg_backend_get_audit_head (CtStoreBackend  *backend,
                              GError         **error)
{
  PGresult *result = run (CT_PG_BACKEND (backend),
                          "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq DESC LIMIT 1", NULL, error);
  CtAuditEntry *entry = NULL;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    entry = read_audit_entry (result, 0);
  PQclear (result);
  return entry;
}

/* Returns %NULL without an error when no entry wrote @record_id. */
static CtAuditEntry *
ct_pg_backend_get_last_write (CtStoreBackend  *backend,
                              const char      *record_id,
                              GError         **error)
{
  Params p = { 0 };
  PGresult *result;
  CtAuditEntry *entry = NULL;

  param_text (&p, record_id);
  result = run (CT_PG_BACKEND (backend),
                "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE record_id = $1"
                " AND (action LIKE 'create:%' OR action LIKE 'correct:%') ORDER BY seq DESC LIMIT 1",
                &p, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    entry = read_audit_entry (result, 0);
  PQclear (result);
  return entry;
}

static GPtrArray *
ct_pg_backend_list_audit (CtStoreBackend  *backend,
                          GError         **error)
{
  PGresult *result = run (CT_PG_BACKEND (backend),
                          "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq", NULL, error);
  GPtrArray *entries;

  if (result == NULL)
    return NULL;
  entries = g_ptr_array_new_full (PQntuples (result), (GDestroyNotify) ct_audit_entry_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (entries, read_audit_entry (result, i));
  PQclear (result);
  return entries;
}

static gint64
ct_pg_backend_count_audit (CtStoreBackend  *backend,
                           GError         **error)
{
  return query_int64 (CT_PG_BACKEND (backend), "SELECT count(*) FROM audit_log", NULL, error);
}

/* Walks a query's rows a page at a time through a cursor, so that a long
 * log or a large table is never all in memory at once. Outside a
 * transaction the walk makes one of its own. */
typedef gboolean (*PageFunc) (const PGresult  *page,
                              int              i,
                              gpointer         user_data,
                              GError         **error);

#define PAGE_ROWS 500

static gboolean
walk_with_cursor (CtPgBackend   *self,
                  const char    *sql,
                  const Params  *params,
                  PageFunc       func,
                  gpointer       user_data,
                  GError       **error)
{
  guint serial = ++self->n_cursors;
  g_autofree char *declare = g_strdup_printf ("DECLARE ct_walk_%u NO SCROLL CURSOR FOR %s", serial, sql);
  g_autofree char *fetch = g_strdup_printf ("FETCH %d FROM ct_walk_%u", PAGE_ROWS, serial);
  g_autofree char *close_sql = g_strdup_printf ("CLOSE ct_walk_%u", serial);
  gboolean own_transaction = !self->in_transaction;
  gboolean ok = TRUE;

  if (own_transaction)
    {
      if (!run_command (self, "BEGIN ISOLATION LEVEL REPEATABLE READ", NULL, error))
        return FALSE;
      self->in_transaction = TRUE;
    }

  ok = run_command (self, declare, params, error);
  while (ok)
    {
      PGresult *page = run (self, fetch, NULL, error);
      int n;

      if (page == NULL)
        {
          ok = FALSE;
          break;
        }
      n = PQntuples (page);
      for (int i = 0; ok && i < n; i++)
        ok = func (page, i, user_data, error);
      PQclear (page);
      if (n < PAGE_ROWS)
        break;
    }
  if (ok)
    ok = run_command (self, close_sql, NULL, error);

  if (own_transaction)
    {
      if (ok)
        ok = ct_pg_backend_commit (CT_STORE_BACKEND (self), error);
      if (!ok)
        ct_store_backend_rollback (CT_STORE_BACKEND (self));
    }
  else if (!ok && !self->lost && self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    {
      /* A cursor left open would clash with the next walk; an error
       * inside the transaction fails it anyway. */
      PQclear (PQexec (self->conn, close_sql));
    }
  return ok;
}

typedef struct
{
  CtStoreAuditEntryFunc func;
  gpointer user_data;
} AuditWalk;

static gboolean
audit_page_cb (const PGresult  *page,
               int              i,
               gpointer         user_data,
               GError         **error)
{
  AuditWalk *walk = user_data;
  g_autoptr(CtAuditEntry) entry = read_audit_entry (page, i);

  return walk->func (entry, walk->user_data, error);
}

static gboolean
ct_pg_backend_foreach_audit (CtStoreBackend         *backend,
                             CtStoreAuditEntryFunc   func,
                             gpointer                user_data,
                             GError                **error)
{
  AuditWalk walk = { func, user_data };

  return walk_with_cursor (CT_PG_BACKEND (backend), "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY seq",
                           NULL, audit_page_cb, &walk, error);
}

typedef struct
{
  CtRecordKind kind;
  CtStoreRowFunc func;
  gpointer user_data;
} RowWalk;

static gboolean
row_page_cb (const PGresult  *page,
             int              i,
             gpointer         user_data,
             GError         **error)
{
  RowWalk *walk = user_data;
  g_autoptr(CtStoreRow) row = read_row (page, i, walk->kind);
  g_autofree char *stored_kind = get_text (page, i, 9);

  return walk->func (row, stored_kind, get_int64 (page, i, 10), walk->user_data, error);
}

static gboolean
ct_pg_backend_foreach_row (CtStoreBackend   *backend,
                           CtRecordKind      kind,
                           gboolean          history,
                           const char       *case_id,
                           CtStoreRowFunc    func,
                           gpointer          user_data,
                           GError          **error)
{
  const char *table = ct_record_kind_get_table (kind);
  g_autofree char *sql = NULL;
  RowWalk walk = { kind, func, user_data };
  Params p = { 0 };

  if (history)
    {
      sql = g_strdup ("SELECT " ROW_COLUMNS ", kind, replaced_at FROM record_history"
                      " WHERE tbl = $1 AND ($2::text IS NULL OR case_id = $2)"
                      " ORDER BY tbl DESC, id DESC, version DESC");
      param_text (&p, table);
      param_text (&p, case_id);
    }
  else
    {
      sql = g_strdup_printf ("SELECT " ROW_COLUMNS ", kind, 0::bigint FROM %s"
                             " WHERE ($1::text IS NULL OR case_id = $1)", table);
      param_text (&p, case_id);
    }
  return walk_with_cursor (CT_PG_BACKEND (backend), sql, &p, row_page_cb, &walk, error);
}

/* The server keeps its own pages whole; what can be checked from here is
 * that every record's case exists, as SQLite's foreign_key_check does. */
static gboolean
ct_pg_backend_check_integrity (CtStoreBackend  *backend,
                               GError         **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);

  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    {
      g_autofree char *sql = NULL;
      const char *table = ct_record_kind_get_table (kind);
      gint64 n;

      if (kind == CT_RECORD_KIND_CASE)
        continue;
      sql = g_strdup_printf ("SELECT count(*) FROM %s r WHERE r.case_id IS NOT NULL"
                             " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = r.case_id)", table);
      n = query_int64 (self, sql, NULL, error);
      if (n < 0)
        return FALSE;
      if (n > 0)
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                       _("The server database “%s” is damaged: a record in “%s” refers to a case that does not exist. Restore it from a backup."),
                       self->location, table);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
ct_pg_backend_set_scanning (CtStoreBackend  *backend,
                            gboolean         scanning,
                            GError         **error)
{
  return TRUE;
}

/* }}} */

/* Copying between a file and a server {{{ */

/* The tables a database holds, with their columns and what each holds:
 * T text, I integer, B bytes. The cases come before the tables that refer
 * to them. */
typedef struct
{
  char *name;
  const char *columns;
  const char *types;
} CopyTable;

#define RECORD_COPY_COLUMNS "id, case_id, kind, state, reference, created_at, updated_at, due_at, version, data"
#define RECORD_COPY_TYPES "TTTTTIIIIB"

static GPtrArray *
list_copy_tables (void)
{
  GPtrArray *tables = g_ptr_array_new ();
  CopyTable *t;

#define ADD_TABLE(n, c, ty) \
  t = g_new0 (CopyTable, 1); t->name = g_strdup (n); t->columns = (c); t->types = (ty); \
  g_ptr_array_add (tables, t)

  ADD_TABLE ("meta", "key, value", "TB");
  ADD_TABLE ("case_keys", "case_id, wrapped", "TB");
  ADD_TABLE ("cases", RECORD_COPY_COLUMNS, RECORD_COPY_TYPES);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    if (kind != CT_RECORD_KIND_CASE)
      {
        ADD_TABLE (ct_record_kind_get_table (kind), RECORD_COPY_COLUMNS, RECORD_COPY_TYPES);
      }
  ADD_TABLE ("record_history",
             "tbl, id, version, case_id, kind, state, reference, created_at, updated_at, due_at, data, replaced_at",
             "TTITTTTIIIBI");
  ADD_TABLE ("blind_index", "token, kind, record_id", "BTT");
  ADD_TABLE ("audit_log", AUDIT_COLUMNS, "IITTTBITTIBTB");
#undef ADD_TABLE

  return tables;
}

static void
copy_tables_free (GPtrArray *tables)
{
  for (guint i = 0; i < tables->len; i++)
    {
      CopyTable *t = g_ptr_array_index (tables, i);

      g_free (t->name);
      g_free (t);
    }
  g_ptr_array_free (tables, TRUE);
}

static char *
make_placeholders (const char *types,
                   gboolean    dollar)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; types[i] != '\0'; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      if (dollar)
        g_string_append_printf (s, "$%u", i + 1);
      else
        g_string_append_c (s, '?');
    }
  return g_string_free (s, FALSE);
}

/* A file whose tables have a column the copy does not know would lose it:
 * such a file is from a newer Caretrail, and is refused. */
static gboolean
check_sqlite_columns (sqlite3     *db,
                      CopyTable   *t,
                      const char  *path,
                      GError     **error)
{
  g_auto(GStrv) known = g_strsplit (t->columns, ", ", -1);
  g_autofree char *sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s')", t->name);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *unknown = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The file “%s” could not be read (%s)."), path, sqlite3_errmsg (db));
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && unknown == NULL)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_strv_contains ((const char * const *) known, name))
        unknown = g_strdup (name);
    }
  sqlite3_finalize (stmt);

  if (unknown != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW,
                   _("The file “%s” has a column (%s.%s) this version of Caretrail cannot copy to or from a server. Update Caretrail and try again."),
                   path, t->name, unknown);
      return FALSE;
    }
  return TRUE;
}

static void
set_sqlite_copy_error (sqlite3     *db,
                       const char  *path,
                       GError     **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
               _("The file “%s” could not be read or written (%s)."), path, sqlite3_errmsg (db));
}

/* Rows sent to the server before their results are read: a copy sends
 * them a batch at a time rather than waiting for each one. */
#define PIPELINE_ROWS 256

/* Ends a batch of a pipeline and reads its results: %FALSE with @error
 * set if any statement of it failed. */
static gboolean
sync_pipeline (CtPgBackend  *self,
               GError      **error)
{
  gboolean ok = TRUE;

  if (!PQpipelineSync (self->conn))
    {
      set_pg_error (self, NULL, error);
      return FALSE;
    }
  for (;;)
    {
      PGresult *result = PQgetResult (self->conn);
      ExecStatusType status;

      if (result == NULL)
        {
          if (PQstatus (self->conn) != CONNECTION_OK)
            {
              if (ok)
                set_pg_error (self, NULL, error);
              return FALSE;
            }
          continue;
        }
      status = PQresultStatus (result);
      if (status == PGRES_PIPELINE_SYNC)
        {
          PQclear (result);
          return ok;
        }
      if (ok && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        {
          if (status != PGRES_PIPELINE_ABORTED)
            set_pg_error (self, result, error);
          else
            g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                         _("The server database “%s” could not be written."), self->location);
          ok = FALSE;
        }
      PQclear (result);
    }
}

/* Copies every row of @t from the file to the server. */
static gboolean
copy_table_to_server (CtPgBackend  *self,
                      sqlite3      *db,
                      const char   *path,
                      CopyTable    *t,
                      GError      **error)
{
  g_autofree char *select_sql = g_strdup_printf ("SELECT %s FROM %s", t->columns, t->name);
  g_autofree char *placeholders = make_placeholders (t->types, TRUE);
  g_autofree char *insert_sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", t->name, t->columns, placeholders);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  guint pending = 0;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (db, select_sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_copy_error (db, path, error);
      return FALSE;
    }
  if (!PQenterPipelineMode (self->conn))
    {
      sqlite3_finalize (stmt);
      set_pg_error (self, NULL, error);
      return FALSE;
    }

  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Params p = { 0 };

      for (int i = 0; t->types[i] != '\0'; i++)
        {
          if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
            param_text (&p, NULL);
          else if (t->types[i] == 'I')
            param_int64 (&p, sqlite3_column_int64 (stmt, i));
          else if (t->types[i] == 'B')
            {
              const void *data = sqlite3_column_blob (stmt, i);

              param_data (&p, data, sqlite3_column_bytes (stmt, i));
            }
          else
            param_text (&p, (const char *) sqlite3_column_text (stmt, i));
        }
      /* The parameters are copied into the connection's buffer here, so
       * the row may be stepped past at once. */
      if (!PQsendQueryParams (self->conn, insert_sql, p.n, NULL, p.values, p.lengths, p.formats, 1))
        {
          set_pg_error (self, NULL, error);
          ok = FALSE;
          break;
        }
      if (++pending == PIPELINE_ROWS)
        {
          ok = sync_pipeline (self, error);
          pending = 0;
        }
    }
  if (ok && pending > 0)
    ok = sync_pipeline (self, error);
  if (ok && rc != SQLITE_DONE)
    {
      set_sqlite_copy_error (db, path, error);
      ok = FALSE;
    }
  sqlite3_finalize (stmt);

  if (!ok && PQstatus (self->conn) == CONNECTION_OK && PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF)
    sync_pipeline (self, NULL);
  if (PQstatus (self->conn) == CONNECTION_OK && !PQexitPipelineMode (self->conn) && ok)
    {
      set_pg_error (self, NULL, error);
      ok = FALSE;
    }
  return ok;
}

/**
 * ct_pg_backend_import_sqlite:
 * @self: an open backend whose schema is up to date and holds no database
 * @path: a database file at the latest schema, not in use
 * @error: return location for an error
 *
 * Copies every row of the file to the server, in one transaction, exactly
 * as stored: ciphertext, wrapped keys, the sealed settings and the whole
 * audit chain. The database keeps its identity, so the key in the keyring
 * and the recovery code open the server copy as they opened the file.
 *
 * Returns: %TRUE on success; on failure the server is left as it was
 */
gboolean
ct_pg_backend_import_sqlite (CtPgBackend  *self,
                             const char   *path,
                             GError      **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  sqlite3 *db = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (CT_IS_PG_BACKEND (self), FALSE);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      set_sqlite_copy_error (db, path, error);
      sqlite3_close (db);
      return FALSE;
    }

  tables = list_copy_tables ();
  for (guint i = 0; ok && i < tables->len; i++)
    ok = check_sqlite_columns (db, g_ptr_array_index (tables, i), path, error);

  if (ok)
    ok = ct_pg_backend_begin (CT_STORE_BACKEND (self), error);
  if (ok)
    {
      ok = ct_pg_backend_check_empty (self, error) && sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
      for (guint i = 0; ok && i < tables->len; i++)
        ok = copy_table_to_server (self, db, path, g_ptr_array_index (tables, i), error);
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
      if (ok)
        ok = ct_pg_backend_commit (CT_STORE_BACKEND (self), error);
      if (!ok)
        ct_pg_backend_rollback (CT_STORE_BACKEND (self));
    }

  copy_tables_free (g_steal_pointer (&tables));
  sqlite3_close (db);
  return ok;
}

/* Copies every row of @t from the server to the file. */
static gboolean
copy_table_to_file (CtPgBackend  *self,
                    sqlite3      *db,
                    const char   *path,
                    CopyTable    *t,
                    GError      **error)
{
  g_autofree char *select_sql = g_strdup_printf ("SELECT %s FROM %s", t->columns, t->name);
  g_autofree char *placeholders = make_placeholders (t->types, FALSE);
  g_autofree char *insert_sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", t->name, t->columns, placeholders);
  sqlite3_stmt *stmt = NULL;
  PGresult *result;
  gboolean ok = TRUE;

  result = run (self, select_sql, NULL, error);
  if (result == NULL)
    return FALSE;
  if (sqlite3_prepare_v2 (db, insert_sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      PQclear (result);
      set_sqlite_copy_error (db, path, error);
      return FALSE;
    }

  for (int row = 0; ok && row < PQntuples (result); row++)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      for (int i = 0; t->types[i] != '\0'; i++)
        {
          if (PQgetisnull (result, row, i))
            sqlite3_bind_null (stmt, i + 1);
          else if (t->types[i] == 'I')
            sqlite3_bind_int64 (stmt, i + 1, get_int64 (result, row, i));
          else if (t->types[i] == 'B')
            sqlite3_bind_blob64 (stmt, i + 1, PQgetvalue (result, row, i), PQgetlength (result, row, i),
                                 SQLITE_STATIC);
          else
            sqlite3_bind_text (stmt, i + 1, PQgetvalue (result, row, i), PQgetlength (result, row, i),
                               SQLITE_STATIC);
        }
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_sqlite_copy_error (db, path, error);
          ok = FALSE;
        }
    }

  sqlite3_finalize (stmt);
  PQclear (result);
  return ok;
}

/* A backup of a server is the usual file: a SQLite database at the latest
 * schema holding the server's rows as they are, which opens with the same
 * key and recovery code, and restores and verifies like any other. */
static gboolean
ct_pg_backend_backup (CtStoreBackend        *backend,
                      const char            *destination,
                      CtBackupProgressFunc   progress,
                      gpointer               user_data,
                      GError               **error)
{
  CtPgBackend *self = CT_PG_BACKEND (backend);
  g_autoptr(CtSqliteBackend) file = NULL;
  g_autoptr(GPtrArray) tables = NULL;
  sqlite3 *db = NULL;
  gboolean ok;

  /* The file's tables, made by its own migrations. */
  file = ct_sqlite_backend_new (destination);
  ok = ct_store_backend_open (CT_STORE_BACKEND (file), CT_STORE_BACKEND_OPEN_CREATE, error) &&
       ct_store_backend_migrate (CT_STORE_BACKEND (file), error);
  ct_store_backend_close (CT_STORE_BACKEND (file));
  if (!ok)
    return FALSE;

  if (sqlite3_open_v2 (destination, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
    {
      set_sqlite_copy_error (db, destination, error);
      sqlite3_close (db);
      return FALSE;
    }

  tables = list_copy_tables ();
  for (guint i = 0; ok && i < tables->len; i++)
    ok = check_sqlite_columns (db, g_ptr_array_index (tables, i), destination, error);

  /* One snapshot of the server for the whole copy. */
  if (ok)
    {
      ok = run_command (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, error);
      if (ok)
        {
          self->in_transaction = TRUE;
          if (sqlite3_exec (db, "PRAGMA foreign_keys = ON; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
            {
              set_sqlite_copy_error (db, destination, error);
              ok = FALSE;
            }
          /* Progress is told in tables copied. */
          for (guint i = 0; ok && i < tables->len; i++)
            {
              ok = copy_table_to_file (self, db, destination, g_ptr_array_index (tables, i), error);
              if (ok && progress != NULL && !progress (i + 1, tables->len, user_data))
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The backup was cancelled."));
                  ok = FALSE;
                }
            }
          if (ok && sqlite3_exec (db, "COMMIT; PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
            {
              set_sqlite_copy_error (db, destination, error);
              ok = FALSE;
            }
          ct_pg_backend_rollback (backend);
        }
    }

  copy_tables_free (g_steal_pointer (&tables));
  if (sqlite3_close (db) != SQLITE_OK && ok)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup could not be written to “%s”. Check the destination and try again."),
                   destination);
      ok = FALSE;
    }
  return ok;
}

/* }}} */

static const char *
ct_pg_backend_get_location (CtStoreBackend *backend)
{
  return CT_PG_BACKEND (backend)->location;
}

static void
ct_pg_backend_finalize (GObject *object)
{
  CtPgBackend *self = (CtPgBackend *)object;

  ct_pg_backend_close (CT_STORE_BACKEND (self));
  g_free (self->location);
  g_free (self->token);

  G_OBJECT_CLASS (ct_pg_backend_parent_class)->finalize (object);
}

static void
ct_pg_backend_class_init (CtPgBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_pg_backend_finalize;
}

static void
ct_pg_backend_init (CtPgBackend *self)
{
  self->token = g_uuid_string_random ();
}

/**
 * ct_pg_backend_get_token:
 * @self: a backend
 *
 * Returns: the payload this backend's change notifications carry
 */
const char *
ct_pg_backend_get_token (CtPgBackend *self)
{
  g_return_val_if_fail (CT_IS_PG_BACKEND (self), NULL);
  return self->token;
}

static void
ct_pg_backend_iface_init (CtStoreBackendInterface *iface)
{
  iface->open = ct_pg_backend_open;
  iface->close = ct_pg_backend_close;
  iface->get_schema_version = ct_pg_backend_get_schema_version;
  iface->get_latest_schema_version = ct_pg_backend_get_latest_schema_version;
  iface->is_caretrail = ct_pg_backend_is_caretrail;
  iface->migrate = ct_pg_backend_migrate;
  iface->begin = ct_pg_backend_begin;
  iface->commit = ct_pg_backend_commit;
  iface->rollback = ct_pg_backend_rollback;
  iface->get_meta = ct_pg_backend_get_meta;
  iface->set_meta = ct_pg_backend_set_meta;
  iface->insert_row = ct_pg_backend_insert_row;
  iface->update_row = ct_pg_backend_update_row;
  iface->get_row = ct_pg_backend_get_row;
  iface->list_rows = ct_pg_backend_list_rows;
  iface->last_reference = ct_pg_backend_last_reference;
  iface->list_history = ct_pg_backend_list_history;
  iface->count_rows = ct_pg_backend_count_rows;
  iface->set_blind_index = ct_pg_backend_set_blind_index;
  iface->find_blind_index = ct_pg_backend_find_blind_index;
  iface->get_case_key = ct_pg_backend_get_case_key;
  iface->set_case_key = ct_pg_backend_set_case_key;
  iface->list_case_keys = ct_pg_backend_list_case_keys;
  iface->foreach_case_key = ct_pg_backend_foreach_case_key;
  iface->erase_case = ct_pg_backend_erase_case;
  iface->append_audit = ct_pg_backend_append_audit;
  iface->get_audit_head = ct_pg_backend_get_audit_head;
  iface->list_audit = ct_pg_backend_list_audit;
  iface->count_audit = ct_pg_backend_count_audit;
  iface->foreach_audit = ct_pg_backend_foreach_audit;
  iface->foreach_row = ct_pg_backend_foreach_row;
  iface->check_integrity = ct_pg_backend_check_integrity;
  iface->set_scanning = ct_pg_backend_set_scanning;
  iface->backup = ct_pg_backend_backup;
  iface->get_location = ct_pg_backend_get_location;
  iface->get_last_write = ct_pg_backend_get_last_write;
}

/**
 * ct_pg_backend_new:
 * @location: a postgresql:// connection string, without a password
 *
 * Returns: (transfer full): a backend for the server @location names, not
 *   yet connected
 */
CtPgBackend *
ct_pg_backend_new (const char *location)
{
  CtPgBackend *self;

  g_return_val_if_fail (location != NULL, NULL);

  self = g_object_new (CT_TYPE_PG_BACKEND, NULL);
  self->location = g_strdup (location);
  return self;
}

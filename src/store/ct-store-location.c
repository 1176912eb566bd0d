/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store-location"

#include "config.h"

#include "ct-store-location.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-pg-backend.h"
#include "ct-store-error.h"
#include "ct-sqlite-backend.h"

/*
 * A database location is a file path (SQLite, the single-desk default) or
 * a postgresql:// connection string (a server several desks share). Every
 * place that turns a location into a backend asks here.
 */

/**
 * ct_store_location_is_server:
 * @location: a database location
 *
 * Returns: whether @location is a server rather than a file
 */
gboolean
ct_store_location_is_server (const char *location)
{
  return ct_pg_backend_is_location (location);
}

/**
 * ct_store_location_new_backend:
 * @location: a database file, or a postgresql:// connection string
 *
 * Returns: (transfer full): a backend for @location, not yet open
 */
CtStoreBackend *
ct_store_location_new_backend (const char *location)
{
  g_return_val_if_fail (location != NULL, NULL);

  if (ct_pg_backend_is_location (location))
    return CT_STORE_BACKEND (ct_pg_backend_new (location));
  return CT_STORE_BACKEND (ct_sqlite_backend_new (location));
}

/**
 * ct_store_location_check:
 * @location: a database location, as a person typed it
 * @error: return location for %CT_STORE_ERROR_INVALID
 *
 * Checks @location without opening it: a server address must parse, hold
 * no password and ask for a verified TLS connection to any other
 * computer (see ct_pg_backend_check_location()); a file must be a full
 * path in a folder that exists and not be a folder itself.
 *
 * Returns: %TRUE if Caretrail could open records at @location
 */
gboolean
ct_store_location_check (const char  *location,
                         GError     **error)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (location != NULL, FALSE);

  if (ct_pg_backend_is_location (location))
    return ct_pg_backend_check_location (location, error);

  if (strstr (location, "://") != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is neither a file nor a server address. A server address starts with postgresql://."),
                   location);
      return FALSE;
    }
  if (!g_path_is_absolute (location))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is not a full path. Give the whole path of the file, starting with /."),
                   location);
      return FALSE;
    }
  if (g_file_test (location, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is a folder. Give the path of a file in it."), location);
      return FALSE;
    }
  folder = g_path_get_dirname (location);
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The folder “%s” does not exist. Choose a file in a folder that does."),
                   folder);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_store_location_check_empty:
 * @location: a postgresql:// connection string
 * @error: return location for %CT_STORE_ERROR_EXISTS or a connection error
 *
 * Connects to the server and checks that it holds no Caretrail database
 * yet; makes the schema if there is none.
 *
 * Returns: %TRUE if a database may be created there
 */
gboolean
ct_store_location_check_empty (const char  *location,
                               GError     **error)
{
  g_autoptr(CtPgBackend) backend = NULL;
  gboolean ok;

  g_return_val_if_fail (ct_pg_backend_is_location (location), FALSE);

  backend = ct_pg_backend_new (location);
  if (!ct_store_backend_open (CT_STORE_BACKEND (backend), CT_STORE_BACKEND_OPEN_CREATE, error))
    return FALSE;
  ok = ct_pg_backend_check_empty (backend, error);
  ct_store_backend_close (CT_STORE_BACKEND (backend));
  return ok;
}

/* A server set up by a newer Caretrail is left to it: this version does
 * not know what roles and rules its tables need. */
static gboolean
check_not_newer (CtStoreBackend  *backend,
                 GError         **error)
{
  gint64 version = ct_store_backend_get_schema_version (backend, error);
  gint64 latest = ct_store_backend_get_latest_schema_version (backend);

  if (version < 0)
    return FALSE;
  if (version > latest)
    {
      ct_store_location_set_too_new (error, ct_store_backend_get_location (backend), version, latest);
      return FALSE;
    }
  return TRUE;
}

static CtPgBackend *
open_server (const char  *location,
             GError     **error)
{
  g_autoptr(CtPgBackend) backend = NULL;

  if (!ct_pg_backend_is_location (location))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is not a server address. Give one that starts with postgresql://."),
                   location);
      return NULL;
    }

  backend = ct_pg_backend_new (location);
  if (!ct_store_backend_open (CT_STORE_BACKEND (backend), CT_STORE_BACKEND_OPEN_CREATE, error))
    return NULL;
  if (!ct_store_backend_migrate (CT_STORE_BACKEND (backend), error))
    {
      ct_store_backend_close (CT_STORE_BACKEND (backend));
      return NULL;
    }
  return g_steal_pointer (&backend);
}

/**
 * ct_store_location_set_up_server:
 * @location: a postgresql:// connection string naming a user that may
 *   create roles and owns (or may create) the caretrail schema
 * @error: return location for an error
 *
 * Brings the server's schema up to date and creates the roles members and
 * staff are given, with what each may do (see
 * ct_pg_backend_set_up_roles()). Running it again changes nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_location_set_up_server (const char  *location,
                                 GError     **error)
{
  g_autoptr(CtPgBackend) backend = open_server (location, error);
  gboolean ok;

  if (backend == NULL)
    return FALSE;
  ok = check_not_newer (CT_STORE_BACKEND (backend), error) &&
       ct_pg_backend_set_up_roles (backend, error);
  ct_store_backend_close (CT_STORE_BACKEND (backend));
  return ok;
}

/**
 * ct_store_location_import_file:
 * @file: a database file, at the latest schema and not in use
 * @location: a server that holds no Caretrail database yet
 * @error: return location for an error
 *
 * Copies the database in @file, exactly as stored, to the server, and
 * sets up the server's roles. The copy keeps the file's identity, key and
 * recovery code. Check it afterwards with ct_store_verify_sync().
 *
 * Returns: %TRUE on success; on failure the server holds no database
 */
gboolean
ct_store_location_import_file (const char  *file,
                               const char  *location,
                               GError     **error)
{
  g_autoptr(CtPgBackend) backend = NULL;
  gboolean ok;

  if (ct_pg_backend_is_location (file))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is a server, not a database file. Copy a server with “caretrail-admin backup”, then migrate the backup."),
                   file);
      return FALSE;
    }

  backend = open_server (location, error);
  if (backend == NULL)
    return FALSE;
  /* The roles first: a server user that may not create them is told so
   * before anything is copied. */
  ok = ct_pg_backend_set_up_roles (backend, error) &&
       ct_pg_backend_import_sqlite (backend, file, error);
  ct_store_backend_close (CT_STORE_BACKEND (backend));
  return ok;
}

/**
 * ct_store_location_store_password:
 * @location: a postgresql:// connection string, without a password
 * @password: the password of the user it names
 *
 * Keeps @password in the keyring for the server, database and user of
 * @location (see ct_pg_backend_store_password()).
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_location_store_password (const char  *location,
                                  const char  *password,
                                  GError     **error)
{
  if (!ct_pg_backend_is_location (location))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("“%s” is not a server address. Give one that starts with postgresql://."),
                   location);
      return FALSE;
    }
  return ct_pg_backend_store_password (location, password, error);
}

/**
 * ct_store_location_set_too_new:
 * @error: return location for %CT_STORE_ERROR_TOO_NEW
 * @location: the database's location
 * @version: its schema version
 * @latest: the newest schema version this Caretrail understands
 *
 * Says that the database at @location was written by a newer Caretrail,
 * in the words that fit a file or a server.
 */
void
ct_store_location_set_too_new (GError     **error,
                               const char  *location,
                               gint64       version,
                               gint64       latest)
{
  if (ct_pg_backend_is_location (location))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW,
                 _("The server “%s” holds a Caretrail database set up by a newer version of Caretrail (schema %" G_GINT64_FORMAT "; this version understands up to %" G_GINT64_FORMAT "). Update Caretrail on this computer to use it. Nothing on the server has been changed."),
                 location, version, latest);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW,
                 _("This database was saved by a newer version of Caretrail (schema %" G_GINT64_FORMAT "; this version understands up to %" G_GINT64_FORMAT "). Update Caretrail to open it. The file has not been changed."),
                 version, latest);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-private.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-sqlite-backend.h"
#include "ct-store-location.h"
#include "ct-store-members.h"

/*
 * Opening, creating, recovering, peeking at, restoring, backing up and
 * closing a database file.
 */

/* The Argon2id limits a file may ask the recovery code to be stretched
 * with. Anything outside is a damaged (or doctored) file, refused before
 * any work, so that recover cannot be made to run for hours or to ask for
 * more memory than a desktop has. */
#define RECOVERY_OPSLIMIT_MIN ((gint64) crypto_pwhash_OPSLIMIT_MIN)
#define RECOVERY_OPSLIMIT_MAX ((gint64) crypto_pwhash_OPSLIMIT_MODERATE * 4)
#define RECOVERY_MEMLIMIT_MIN ((gint64) crypto_pwhash_MEMLIMIT_MIN)
#define RECOVERY_MEMLIMIT_MAX ((gint64) 1024 * 1024 * 1024)

/* Opening {{{ */

static char *
get_installation_id (gboolean   create,
                     GError   **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "caretrail", NULL);
  g_autofree char *file = g_build_filename (dir, "installation-id", NULL);
  g_autofree char *contents = NULL;

  if (g_file_get_contents (file, &contents, NULL, NULL))
    {
      g_strstrip (contents);
      if (g_uuid_string_is_valid (contents))
        return g_steal_pointer (&contents);
    }

  if (!create)
    return NULL;

  g_free (contents);
  contents = g_uuid_string_random ();
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (file, contents, -1, NULL))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("Caretrail could not write its settings folder “%s”. Check that you may write to your home folder."),
                   dir);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

typedef struct
{
  char *uuid;
  char *installation;
  GBytes *key_check;
  GBytes *vault;
  GBytes *root_sealed;
  gint64 schema_version;
} Header;

static void
header_clear (Header *h)
{
  g_clear_pointer (&h->uuid, g_free);
  g_clear_pointer (&h->installation, g_free);
  g_clear_pointer (&h->key_check, g_bytes_unref);
  g_clear_pointer (&h->vault, g_bytes_unref);
  g_clear_pointer (&h->root_sealed, g_bytes_unref);
}

static void
set_key_check_damaged (GError         **error,
                       CtStoreBackend  *backend)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
               _("The database at “%s” is damaged: its key check is damaged, so the key cannot be checked against it. Nothing has been changed. Restore the database from a backup with “caretrail-admin restore”."),
               ct_store_backend_get_location (backend));
}

/* The recovery settings are read from the file, so they are bounded
 * before anything uses them: a doctored file must not make recover run
 * for hours or ask for gigabytes. Missing values are left to recover,
 * which says the recovery information is damaged. */
static gboolean
check_recovery_limits (CtStoreBackend  *backend,
                       GError         **error)
{
  g_autoptr(GBytes) ops = NULL;
  g_autoptr(GBytes) mem = NULL;
  GError *local_error = NULL;
  gint64 opslimit = 0;
  gint64 memlimit = 0;

  ops = ct_store_backend_get_meta (backend, META_RECOVERY_OPS, &local_error);
  if (local_error == NULL)
    mem = ct_store_backend_get_meta (backend, META_RECOVERY_MEM, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if ((ops != NULL && (!bytes_to_int64 (ops, &opslimit) ||
                       opslimit < RECOVERY_OPSLIMIT_MIN || opslimit > RECOVERY_OPSLIMIT_MAX)) ||
      (mem != NULL && (!bytes_to_int64 (mem, &memlimit) ||
                       memlimit < RECOVERY_MEMLIMIT_MIN || memlimit > RECOVERY_MEMLIMIT_MAX)))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                   _("The database at “%s” is damaged: its recovery settings are outside what Caretrail ever writes (%s %" G_GINT64_FORMAT ", %s %" G_GINT64_FORMAT "). Nothing has been changed. Restore the database from a backup with “caretrail-admin restore”."),
                   ct_store_backend_get_location (backend),
                   META_RECOVERY_OPS, opslimit, META_RECOVERY_MEM, memlimit);
      return FALSE;
    }

  return TRUE;
}

/* Reads the plaintext header of a database through a read-only
 * connection; nothing is written. */
static gboolean
read_header (CtStoreBackend  *backend,
             Header          *out,
             GError         **error)
{
  g_autoptr(GBytes) uuid = NULL;
  g_autoptr(GBytes) installation = NULL;
  GError *local_error = NULL;
  gint64 latest;

  if (!ct_store_backend_is_caretrail (backend, error))
    return FALSE;

  out->schema_version = ct_store_backend_get_schema_version (backend, error);
  if (out->schema_version < 0)
    return FALSE;

  latest = ct_store_backend_get_latest_schema_version (backend);
  if (out->schema_version > latest)
    {
      ct_store_location_set_too_new (error, ct_store_backend_get_location (backend),
                                     out->schema_version, latest);
      return FALSE;
    }

  if (out->schema_version < 1)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                   _("The database at “%s” was never finished being created. Remove it and run “caretrail-admin init” again, or restore it from a backup."),
                   ct_store_backend_get_location (backend));
      return FALSE;
    }

  uuid = ct_store_backend_get_meta (backend, META_UUID, &local_error);
  if (local_error == NULL)
    installation = ct_store_backend_get_meta (backend, META_INSTALLATION, &local_error);
  if (local_error == NULL)
    out->key_check = ct_store_backend_get_meta (backend, META_KEY_CHECK, &local_error);
  if (local_error == NULL)
    out->vault = ct_store_backend_get_meta (backend, META_VAULT, &local_error);
  if (local_error == NULL)
    out->root_sealed = ct_store_backend_get_meta (backend, META_ROOT_SEALED, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  out->uuid = bytes_to_string (uuid);
  out->installation = bytes_to_string (installation);

  if (out->uuid == NULL || !g_uuid_string_is_valid (out->uuid) ||
      out->key_check == NULL || out->vault == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                   _("The database at “%s” is damaged: its identity is missing. Restore it from a backup."),
                   ct_store_backend_get_location (backend));
      return FALSE;
    }

  /* A key check that is not a MAC at all is a damaged file, not a sign
   * that the keyring holds the wrong key. */
  if (g_bytes_get_size (out->key_check) != CT_MAC_BYTES)
    {
      set_key_check_damaged (error, backend);
      return FALSE;
    }

  return check_recovery_limits (backend, error);
}

/* Takes the master key, checks it belongs to the database, derives the
 * sub-keys and unwraps the vault key. The master key is wiped by the
 * caller. */
static gboolean
install_keys (CtStore      *self,
              const CtKey  *master,
              Header       *header,
              GError      **error)
{
  g_autoptr(GBytes) check = NULL;
  g_autofree char *vault_label = NULL;

  if (!ct_store_priv_keys_derive_sealed (&self->keys, master, header->root_sealed, header->uuid, error))
    return FALSE;
  vault_label = ct_store_priv_make_label ("vault", header->uuid, NULL);
  self->keys.vault = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (header->vault, NULL),
                                           g_bytes_get_size (header->vault), vault_label, NULL);

  check = ct_store_priv_compute_key_check (self->keys.check, header->uuid);
  if (g_bytes_get_size (check) != g_bytes_get_size (header->key_check) ||
      !ct_crypto_equal (g_bytes_get_data (check, NULL), g_bytes_get_data (header->key_check, NULL),
                        g_bytes_get_size (check)))
    {
      /* If the key opens the vault, it is this database's key and the
       * check itself is what is damaged: recovering the key would not
       * help. Only a key that authenticates nothing is the wrong key. */
      gboolean key_fits = self->keys.vault != NULL;

      ct_store_priv_keys_clear (&self->keys);
      if (key_fits)
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                     _("This database is damaged: its key check is damaged, although the key in the keyring fits it. Nothing has been changed. Restore the database from a backup with “caretrail-admin restore”."));
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_WRONG_KEY,
                     _("The key in the keyring does not open this database: it belongs to another database with the same name, or it has been replaced. Run “caretrail-admin recover” with this database’s recovery code."));
      return FALSE;
    }

  if (self->keys.vault == NULL)
    {
      ct_store_priv_keys_clear (&self->keys);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The key of the allegations vault in this database has been altered or damaged. Restore the database from a backup."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
baseline_row_cb (CtStoreRow        *row,
                 const char        *stored_kind,
                 gint64             replaced_at,
                 gpointer           user_data,
                 GError           **error)
{
  CtStore *self = user_data;
  g_autofree char *action = g_strconcat ("baseline:", ct_record_kind_to_string (row->kind), NULL);
  guint8 digest[CT_DIGEST_BYTES];
  AuditSubject subject = { row->kind, row->id, row->case_id, row->version, digest };

  ct_store_priv_digest_row (self, row, digest);
  return ct_store_priv_append_audit_full (self, SYSTEM_STAFF, action, row->id, &subject, error);
}

static gboolean
upgrade_audit_body (CtStoreTransaction  *txn,
                    Op                  *op,
                    GError             **error)
{
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    if (!ct_store_backend_foreach_row (txn->store->backend, kind, TRUE, NULL, baseline_row_cb,
                                       txn->store, error) ||
        !ct_store_backend_foreach_row (txn->store->backend, kind, FALSE, NULL, baseline_row_cb,
                                       txn->store, error))
      return FALSE;

  return ct_store_priv_append_audit (txn->store, SYSTEM_STAFF, "upgrade-audit-log", NULL, error);
}

/* A log written before schema 2 has entries that do not say what they
 * wrote. The first time such a database is opened for writing, one
 * "baseline:<kind>" entry per stored version commits to the records as
 * they are, and verify checks the records against the log from there on.
 * The entries before stay checked as a chain only ("unverified legacy").
 * If the log does not match its seal, nothing is written: the next write
 * is refused and verify says why. */
static gboolean
upgrade_audit_log (CtStore  *self,
                   GError  **error)
{
  g_autoptr(CtAuditEntry) last = NULL;
  g_autoptr(GError) local_error = NULL;
  Op op = { 0 };

  last = ct_store_backend_get_audit_head (self->backend, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (last == NULL || last->format >= 2)
    return TRUE;

  if (!ct_store_priv_run_in_transaction (self, upgrade_audit_body, &op, &local_error))
    {
      if (!g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_message ("%s", local_error->message);
    }

  return TRUE;
}

static void
set_rolled_back (GError       **error,
                 const char    *path,
                 gint64         file_count,
                 gint64         mark_count)
{
  if (file_count < mark_count)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK,
                 _("The database at “%s” is older than the records this computer last wrote to it: its audit log ends at entry %" G_GINT64_FORMAT ", but this computer has written up to entry %" G_GINT64_FORMAT ". It may be an old copy, or a backup put in place by hand. Nothing has been changed. If you meant to go back to it, restore it with “caretrail-admin restore”; otherwise find the newer file."),
                 path, file_count, mark_count);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK,
                 _("The database at “%s” is not the one this computer last wrote to: its audit log ends at entry %" G_GINT64_FORMAT " as expected, but with a different entry. It may be another copy of the records, or a backup put in place by hand. Nothing has been changed. If you meant to go back to it, restore it with “caretrail-admin restore”; otherwise find the file this computer last wrote."),
                 path, file_count);
}

/* Reads the file's sealed head through @probe into the store's mark and,
 * unless @ignore_mark, compares it with the high-water mark in the
 * keyring. A head whose seal does not hold is not compared (there is
 * nothing trustworthy to compare): the next write refuses it and verify
 * says why. Sets *@out_set_mark when the keyring's mark is missing or
 * behind the file. */
static gboolean
check_mark (CtStore         *self,
            CtStoreBackend  *probe,
            gboolean         ignore_mark,
            gboolean        *out_set_mark,
            GError         **error)
{
  g_autoptr(CtAuditEntry) last = NULL;
  g_autoptr(GBytes) head_value = NULL;
  g_autofree char *mark_hex = NULL;
  g_autofree char *file_hex = NULL;
  GError *local_error = NULL;
  guint8 meta_mac[CT_MAC_BYTES];
  const char *problem = NULL;
  gint64 mark_count = 0;
  gboolean found = FALSE;

  *out_set_mark = FALSE;
  self->mark_known = FALSE;
  self->mark_dirty = FALSE;

  /* The mark is read before the head: another program on this computer
   * writing to the same server meanwhile moves both on, and a head read
   * after the mark is never behind it. */
  if (!ignore_mark &&
      !ct_keyring_lookup_mark (self->database_uuid, &found, &mark_count, &mark_hex, error))
    return FALSE;

  last = ct_store_backend_get_audit_head (probe, &local_error);
  if (local_error == NULL)
    head_value = ct_store_backend_get_meta (probe, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!ct_store_priv_compute_meta_mac (self, probe, meta_mac, error))
    return FALSE;

  if (!ct_store_priv_read_sealed_head (self, head_value, meta_mac, last != NULL ? last->format : 2,
                                       &self->mark_seq, self->mark_mac, &problem))
    return TRUE;
  self->mark_known = TRUE;

  if (ignore_mark)
    return TRUE;

  if (!found)
    {
      *out_set_mark = TRUE;
      return TRUE;
    }

  file_hex = ct_store_priv_mac_to_hex (self->mark_mac);
  if (self->mark_seq < mark_count ||
      (self->mark_seq == mark_count && g_strcmp0 (file_hex, mark_hex) != 0))
    {
      set_rolled_back (error, self->path, self->mark_seq, mark_count);
      return FALSE;
    }

  *out_set_mark = self->mark_seq != mark_count;
  return TRUE;
}

/* check_mark() through @probe, opened when the file had no WAL. A probe
 * of a file without a WAL reads the file alone, as immutable; if another
 * process began to write meanwhile, its WAL holds entries the probe did
 * not see, and the file would look older than it is. So a file that looks
 * rolled back is looked at again, through a fresh probe, if a WAL has
 * appeared beside it since. */
static gboolean
check_mark_probed (CtStore         *self,
                   CtStoreBackend  *probe,
                   gboolean         had_wal,
                   gboolean         ignore_mark,
                   gboolean        *out_set_mark,
                   GError         **error)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  GError *local_error = NULL;

  for (guint attempt = 0;; attempt++)
    {
      if (check_mark (self, probe, ignore_mark, out_set_mark, &local_error))
        return TRUE;

      if (!g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_ROLLED_BACK) ||
          had_wal || !g_file_test (wal, G_FILE_TEST_EXISTS) || attempt > 0)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
      had_wal = TRUE;

      ct_store_backend_close (probe);
      if (!ct_store_backend_open (probe, CT_STORE_BACKEND_OPEN_READ_ONLY | CT_STORE_BACKEND_OPEN_PROBE,
                                  error))
        return FALSE;
    }
}

static gboolean
open_internal (CtStore   *self,
               gboolean   read_only,
               gboolean   ignore_mark,
               GError   **error)
{
  g_autoptr(CtStoreBackend) probe = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  Header header = { 0 };
  CtKey *master;
  gboolean had_wal;
  gboolean set_mark = FALSE;
  gboolean ok;

  if (!ct_crypto_init (error))
    return FALSE;
  had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);

  /* Everything is checked through a read-only probe first, so that a
   * database that cannot be opened is left exactly as it was: not a byte
   * of it or of its WAL changes, and no file appears beside it. */
  probe = ct_store_location_new_backend (self->path);
  if (!ct_store_backend_open (probe, CT_STORE_BACKEND_OPEN_READ_ONLY | CT_STORE_BACKEND_OPEN_PROBE,
                              error))
    return FALSE;

  if (!read_header (probe, &header, error))
    {
      ct_store_backend_close (probe);
      header_clear (&header);
      return FALSE;
    }

  /* The key generation is read before the key: if another desk rotates
   * the key in between, this one's next write sees it has moved on. */
  self->key_generation = ct_store_priv_read_key_generation (probe, error);
  if (self->key_generation < 0)
    {
      ct_store_backend_close (probe);
      header_clear (&header);
      return FALSE;
    }

  /* On a server with members, the master key is sealed to this keyring's
   * member key; otherwise it is in the keyring itself. */
  master = NULL;
  if (ct_store_priv_find_member_master (probe, &master, &key_error) && master == NULL)
    master = ct_keyring_lookup_key (header.uuid, &key_error);
  if (master == NULL)
    {
      ct_store_backend_close (probe);
      if (g_error_matches (key_error, CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING))
        {
          g_autofree char *mine = get_installation_id (FALSE, NULL);

          if (g_strcmp0 (mine, header.installation) != 0)
            {
              g_clear_error (&key_error);
              g_set_error (&key_error, CT_STORE_ERROR, CT_STORE_ERROR_FOREIGN_DATABASE,
                           _("This database was created on another computer or by another user account, and its key is not in your keyring. Run “caretrail-admin recover” and enter the recovery code that was shown when it was created."));
            }
        }
      g_propagate_error (error, g_steal_pointer (&key_error));
      header_clear (&header);
      return FALSE;
    }

  self->database_uuid = g_strdup (header.uuid);
  ok = install_keys (self, master, &header, error);
  ct_key_free (master);
  header_clear (&header);
  if (ok)
    ok = check_mark_probed (self, probe, had_wal, ignore_mark, &set_mark, error);
  ct_store_backend_close (probe);
  if (!ok)
    {
      ct_store_priv_keys_clear (&self->keys);
      return FALSE;
    }

  self->read_only = read_only;
  self->audit_cached = FALSE;
  g_clear_object (&self->backend);
  self->backend = ct_store_location_new_backend (self->path);
  if (!ct_store_backend_open (self->backend,
                              read_only ? CT_STORE_BACKEND_OPEN_READ_ONLY : 0, error) ||
      (!read_only && !ct_store_backend_migrate (self->backend, error)) ||
      !ct_store_priv_compute_meta_mac (self, self->backend, self->meta_mac, error) ||
      (!read_only && !upgrade_audit_log (self, error)))
    {
      ct_store_priv_keys_clear (&self->keys);
      ct_store_backend_close (self->backend);
      self->mark_dirty = FALSE;
      return FALSE;
    }

  /* A keyring with no mark for the file (made before marks were kept, or
   * new after recover) takes the file's head as it is; a mark behind the
   * file is brought up to it. Only a store that may write moves it. */
  if (!read_only && set_mark && self->mark_known)
    {
      self->mark_dirty = TRUE;
      ct_store_priv_flush_mark (self, TRUE);
    }

  return TRUE;
}

static gboolean
run_open (CtStore  *self,
          Op       *op,
          GError  **error)
{
  GError *local_error = NULL;

  if (open_internal (self, op->read_only, op->ignore_mark, &local_error))
    return TRUE;
  /* Someone removed, or not yet approved, is told so rather than that
   * the server refused them. */
  ct_membership_explain_error (self->path, &local_error);
  g_propagate_error (error, local_error);
  return FALSE;
}

static const CtStoreOp open_op = { .run_boolean = run_open };

static CtStore *
store_new (const char *path)
{
  CtStore *self = g_object_new (CT_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  ct_store_priv_start_worker (self);
  return self;
}

static CtStore *
finish_open (GAsyncResult  *result,
             GError       **error)
{
  g_autoptr(CtStore) self = g_object_ref (g_task_get_source_object (G_TASK (result)));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      ct_store_priv_close_internal (self);
      return NULL;
    }
  ct_store_priv_start_watch (self);
  return g_steal_pointer (&self);
}

/**
 * ct_store_open_sync:
 * @path: the database file
 * @error: return location for an error
 *
 * Opens an existing database, taking its key from the keyring. On failure
 * the file is left exactly as it was, and @error says why:
 * %CT_STORE_ERROR_NO_SECRET_SERVICE, %CT_STORE_ERROR_KEYRING_LOCKED,
 * %CT_STORE_ERROR_KEY_MISSING, %CT_STORE_ERROR_WRONG_KEY,
 * %CT_STORE_ERROR_FOREIGN_DATABASE, %CT_STORE_ERROR_TOO_NEW,
 * %CT_STORE_ERROR_NOT_A_DATABASE, %CT_STORE_ERROR_NO_DATABASE,
 * %CT_STORE_ERROR_CORRUPT, %CT_STORE_ERROR_IO.
 *
 * Returns: (transfer full) (nullable): the store
 */
CtStore *
ct_store_open_sync (const char  *path,
                    GError     **error)
{
  g_autoptr(CtStore) self = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Op *op = ct_store_priv_op_new ();

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path);
  result = ct_store_priv_run_sync (self, &open_op, op, ct_store_open_sync);
  return finish_open (result, error);
}

/**
 * ct_store_open_read_only_sync:
 *
 * Like ct_store_open_sync(), but the database is never written, not even
 * to bring its schema up to date. Used to verify backups.
 *
 * Returns: (transfer full) (nullable): the store
 */
CtStore *
ct_store_open_read_only_sync (const char  *path,
                              GError     **error)
{
  g_autoptr(CtStore) self = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Op *op = ct_store_priv_op_new ();

  g_return_val_if_fail (path != NULL, NULL);

  op->read_only = TRUE;
  self = store_new (path);
  result = ct_store_priv_run_sync (self, &open_op, op, ct_store_open_read_only_sync);
  return finish_open (result, error);
}

/* Opens @path without comparing it with the high-water mark: for restore
 * only, which verifies the file first and then moves the mark to it. */
static CtStore *
open_ignoring_mark (const char  *path,
                    gboolean     read_only,
                    GError     **error)
{
  g_autoptr(CtStore) self = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Op *op = ct_store_priv_op_new ();

  op->read_only = read_only;
  op->ignore_mark = TRUE;
  self = store_new (path);
  result = ct_store_priv_run_sync (self, &open_op, op, open_ignoring_mark);
  return finish_open (result, error);
}

/**
 * ct_store_open_async:
 *
 * Opens a database on the store's worker thread. See ct_store_open_sync().
 */
void
ct_store_open_async (const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(CtStore) self = NULL;

  g_return_if_fail (path != NULL);

  self = store_new (path);
  ct_store_priv_run_async (self, &open_op, ct_store_priv_op_new (), cancellable, callback,
                           user_data, ct_store_open_async);
}

CtStore *
ct_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return finish_open (result, error);
}

/* }}} */

/* Creating {{{ */

static gboolean
write_new_database (CtStore      *self,
                    const char   *tmp_path,
                    const char   *uuid,
                    const CtKey  *master,
                    char        **out_code,
                    GError      **error)
{
  g_autoptr(CtStoreBackend) backend = NULL;
  g_autofree char *installation = NULL;
  g_autofree char *vault_label = NULL;
  g_autofree char *recovery_ad = NULL;
  g_autoptr(GBytes) check = NULL;
  g_autoptr(GBytes) vault_wrapped = NULL;
  g_autoptr(GBytes) recovery_wrapped = NULL;
  g_autoptr(CtKey) vault = NULL;
  g_autoptr(CtKey) recovery_key = NULL;
  guint8 raw[CT_RECOVERY_BYTES];
  guint8 salt[CT_SALT_BYTES];
  char *code;
  CtStoreTransaction txn;
  gboolean ok;

  installation = get_installation_id (TRUE, error);
  if (installation == NULL)
    return FALSE;

  ct_store_priv_keys_derive (&self->keys, master);
  self->database_uuid = g_strdup (uuid);

  vault = ct_key_new_random ();
  vault_label = ct_store_priv_make_label ("vault", uuid, NULL);
  vault_wrapped = ct_crypto_wrap_key (self->keys.wrap, vault, vault_label);
  check = ct_store_priv_compute_key_check (self->keys.check, uuid);

  code = ct_crypto_generate_recovery_code (raw);
  ct_crypto_random (salt, sizeof salt);
  recovery_key = ct_crypto_key_from_recovery (raw, salt, ct_crypto_recovery_opslimit (),
                                              ct_crypto_recovery_memlimit (), error);
  ct_crypto_wipe (raw, sizeof raw);
  if (recovery_key == NULL)
    {
      ct_crypto_free_string (code);
      return FALSE;
    }
  recovery_ad = ct_store_priv_make_label ("recovery", uuid, NULL);
  recovery_wrapped = ct_crypto_seal (recovery_key, master->bytes, CT_KEY_BYTES, recovery_ad);

  backend = ct_store_location_new_backend (tmp_path);
  self->backend = g_object_ref (backend);
  self->audit_cached = FALSE;
  if (!ct_store_backend_open (backend, CT_STORE_BACKEND_OPEN_CREATE, error) ||
      !ct_store_backend_migrate (backend, error) ||
      !ct_store_backend_begin (backend, error))
    {
      ct_crypto_free_string (code);
      return FALSE;
    }

  ct_store_priv_txn_init (&txn, self);
  self->creating = TRUE;
  ok = (ct_store_backend_set_meta (backend, META_UUID, string_bytes (uuid), error) &&
        ct_store_backend_set_meta (backend, META_INSTALLATION, string_bytes (installation), error) &&
        ct_store_backend_set_meta (backend, META_CREATED, int64_bytes (g_get_real_time ()), error) &&
        ct_store_backend_set_meta (backend, META_KEY_CHECK, check, error) &&
        ct_store_backend_set_meta (backend, META_VAULT, vault_wrapped, error) &&
        ct_store_backend_set_meta (backend, META_RECOVERY_SALT, g_bytes_new (salt, sizeof salt), error) &&
        ct_store_backend_set_meta (backend, META_RECOVERY_OPS, int64_bytes (ct_crypto_recovery_opslimit ()), error) &&
        ct_store_backend_set_meta (backend, META_RECOVERY_MEM, int64_bytes (ct_crypto_recovery_memlimit ()), error) &&
        ct_store_backend_set_meta (backend, META_RECOVERY_WRAPPED, recovery_wrapped, error) &&
        ct_store_priv_compute_meta_mac (self, backend, self->meta_mac, error) &&
        ct_store_priv_append_audit (self, SYSTEM_STAFF, "create-database", NULL, error) &&
        ct_store_priv_flush_audit_head (self, error) &&
        ct_store_backend_commit (backend, error));
  if (!ok)
    ct_store_backend_rollback (backend);
  ct_store_priv_txn_finish (&txn, ok);
  self->creating = FALSE;

  ct_store_backend_close (backend);
  g_clear_object (&self->backend);
  ct_store_priv_keys_clear (&self->keys);
  g_clear_pointer (&self->database_uuid, g_free);

  if (!ok)
    {
      ct_crypto_free_string (code);
      return FALSE;
    }

  *out_code = code;
  return TRUE;
}

static void
remove_database_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (journal);
  g_unlink (path);
}

/* A database on a server is made in place, in one transaction: there is
 * no file to put in place by renaming. */
static gboolean
create_on_server (CtStore  *self,
                  Op       *op,
                  GError  **error)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CtKey) master = NULL;

  if (!ct_store_location_check_empty (self->path, error))
    return FALSE;

  master = ct_key_new_random ();
  if (!ct_keyring_store_key (uuid, master, error))
    return FALSE;

  if (!write_new_database (self, self->path, uuid, master, &op->recovery_code, error))
    {
      ct_keyring_delete_key (uuid, NULL);
      return FALSE;
    }

  return open_internal (self, FALSE, FALSE, error);
}

static gboolean
run_create (CtStore  *self,
            Op       *op,
            GError  **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *tmp_path = g_strconcat (self->path, ".creating", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CtKey) master = NULL;

  if (!ct_crypto_init (error))
    return FALSE;

  if (ct_store_location_is_server (self->path))
    return create_on_server (self, op, error);

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS,
                   _("A database already exists at “%s”. It has not been changed. To start again, move it away first."),
                   self->path);
      return FALSE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The folder “%s” could not be created: %s."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* The key goes into the keyring first: if the keyring cannot take it,
   * no database is left behind that nobody could open. */
  master = ct_key_new_random ();
  if (!ct_keyring_store_key (uuid, master, error))
    return FALSE;

  remove_database_files (tmp_path);
  if (!write_new_database (self, tmp_path, uuid, master, &op->recovery_code, error))
    {
      remove_database_files (tmp_path);
      ct_keyring_delete_key (uuid, NULL);
      return FALSE;
    }

  /* Renaming makes the database appear whole or not at all. */
  if (g_file_test (self->path, G_FILE_TEST_EXISTS) || g_rename (tmp_path, self->path) != 0)
    {
      int saved_errno = errno;

      remove_database_files (tmp_path);
      ct_keyring_delete_key (uuid, NULL);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The new database could not be put in place at “%s”: %s."),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }

  return open_internal (self, FALSE, FALSE, error);
}

static const CtStoreOp create_op = { .run_boolean = run_create };

static CtStore *
finish_create (GAsyncResult  *result,
               char         **out_recovery_code,
               GError       **error)
{
  Op *op = g_task_get_task_data (G_TASK (result));
  CtStore *self = finish_open (result, error);

  if (self != NULL && out_recovery_code != NULL)
    *out_recovery_code = g_steal_pointer (&op->recovery_code);
  return self;
}

/**
 * ct_store_create_sync:
 * @path: where to create the database; nothing may exist there yet
 * @out_recovery_code: (out) (optional): the recovery code; show it once,
 *   then free it with ct_crypto_free_string()
 * @error: return location for an error
 *
 * Creates a database with a new random master key, stored in the
 * keyring, and a recovery code that can put the key back.
 *
 * Returns: (transfer full) (nullable): the open store
 */
CtStore *
ct_store_create_sync (const char  *path,
                      char       **out_recovery_code,
                      GError     **error)
{
  g_autoptr(CtStore) self = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path);
  result = ct_store_priv_run_sync (self, &create_op, ct_store_priv_op_new (), ct_store_create_sync);
  return finish_create (result, out_recovery_code, error);
}

void
ct_store_create_async (const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(CtStore) self = NULL;

  g_return_if_fail (path != NULL);

  self = store_new (path);
  ct_store_priv_run_async (self, &create_op, ct_store_priv_op_new (), cancellable, callback,
                           user_data, ct_store_create_async);
}

CtStore *
ct_store_create_finish (GAsyncResult  *result,
                        char         **out_recovery_code,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return finish_create (result, out_recovery_code, error);
}

/* }}} */

/* Recovery, peeking, restoring {{{ */

static gboolean
admin_audit_body (CtStoreTransaction  *txn,
                  Op                  *op,
                  GError             **error)
{
  return ct_store_priv_append_audit (txn->store, op->staff_id, op->code, op->id, error);
}

static const CtStoreOp admin_audit_op = { .body = admin_audit_body };

static gboolean
append_admin_audit (CtStore     *self,
                    const char  *action,
                    GError     **error)
{
  Op *op = ct_store_priv_op_new ();

  op->staff_id = g_strdup (SYSTEM_STAFF);
  op->code = g_strdup (action);
  return ct_store_priv_call_boolean (self, &admin_audit_op, op, append_admin_audit, error);
}

static gboolean
recover_internal (const char  *path,
                  const char  *recovery_code,
                  GError     **error)
{
  g_autoptr(CtStoreBackend) probe = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) ops = NULL;
  g_autoptr(GBytes) mem = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) master_bytes = NULL;
  g_autoptr(CtKey) recovery_key = NULL;
  g_autoptr(CtKey) master = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *ad = NULL;
  Header header = { 0 };
  guint8 raw[CT_RECOVERY_BYTES];
  gint64 opslimit = 0, memlimit = 0;
  GError *local_error = NULL;
  gboolean ok;

  if (!ct_crypto_init (error))
    return FALSE;

  if (!ct_crypto_parse_recovery_code (recovery_code, raw, error))
    return FALSE;

  probe = ct_store_location_new_backend (path);
  if (!ct_store_backend_open (probe, CT_STORE_BACKEND_OPEN_READ_ONLY | CT_STORE_BACKEND_OPEN_PROBE,
                              error))
    {
      ct_crypto_wipe (raw, sizeof raw);
      return FALSE;
    }

  ok = read_header (probe, &header, error);
  if (ok)
    {
      salt = ct_store_backend_get_meta (probe, META_RECOVERY_SALT, &local_error);
      if (local_error == NULL)
        ops = ct_store_backend_get_meta (probe, META_RECOVERY_OPS, &local_error);
      if (local_error == NULL)
        mem = ct_store_backend_get_meta (probe, META_RECOVERY_MEM, &local_error);
      if (local_error == NULL)
        wrapped = ct_store_backend_get_meta (probe, META_RECOVERY_WRAPPED, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          ok = FALSE;
        }
      else if (salt == NULL || g_bytes_get_size (salt) != CT_SALT_BYTES || wrapped == NULL ||
               !bytes_to_int64 (ops, &opslimit) || !bytes_to_int64 (mem, &memlimit))
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CORRUPT,
                       _("The recovery information in the database is damaged, so the recovery code cannot be used. Restore the database from a backup."));
          ok = FALSE;
        }
    }
  ct_store_backend_close (probe);

  if (ok)
    {
      recovery_key = ct_crypto_key_from_recovery (raw, g_bytes_get_data (salt, NULL),
                                                  opslimit, memlimit, error);
      ok = recovery_key != NULL;
    }
  ct_crypto_wipe (raw, sizeof raw);

  if (ok)
    {
      ad = ct_store_priv_make_label ("recovery", header.uuid, NULL);
      master_bytes = ct_crypto_open (recovery_key, g_bytes_get_data (wrapped, NULL),
                                     g_bytes_get_size (wrapped), ad, NULL);
      if (master_bytes != NULL)
        master = ct_key_new_from_bytes (g_bytes_get_data (master_bytes, NULL),
                                        g_bytes_get_size (master_bytes));
      if (master == NULL)
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE,
                       _("That recovery code does not belong to this database. Check each group of four and try again."));
          ok = FALSE;
        }
    }

  if (ok)
    {
      /* Make sure the key really opens the database before it replaces
       * whatever the keyring holds. */
      g_autoptr(CtStore) probe_store = g_object_new (CT_TYPE_STORE, NULL);
      ok = install_keys (probe_store, master, &header, error);
    }

  if (ok)
    ok = ct_keyring_store_key (header.uuid, master, error);
  header_clear (&header);
  if (!ok)
    return FALSE;

  /* The recovery itself is recorded in the audit log. */
  store = ct_store_open_sync (path, error);
  if (store == NULL)
    return FALSE;

  return append_admin_audit (store, "recover-key", error);
}

/**
 * ct_store_recover_sync:
 * @path: the database whose key is lost
 * @recovery_code: the code shown when the database was created
 * @error: return location for an error, such as
 *   %CT_STORE_ERROR_BAD_RECOVERY_CODE
 *
 * Unwraps the master key with the recovery code (Argon2id) and puts it
 * back in the keyring, replacing any other key kept for the database.
 *
 * Returns: %TRUE if the database can now be opened
 */
gboolean
ct_store_recover_sync (const char  *path,
                       const char  *recovery_code,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (recovery_code != NULL, FALSE);

  return recover_internal (path, recovery_code, error);
}

static void
recover_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Op *op = task_data;
  GError *error = NULL;

  if (recover_internal (op->path, op->code, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ct_store_recover_async (const char          *path,
                        const char          *recovery_code,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Op *op = ct_store_priv_op_new ();

  op->path = g_strdup (path);
  op->code = g_strdup (recovery_code);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_store_recover_async);
  g_task_set_task_data (task, op, ct_store_priv_op_free);
  g_task_run_in_thread (task, recover_thread);
}

gboolean
ct_store_recover_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ct_store_peek_sync:
 * @path: a database file
 * @out_database_uuid: (out) (optional): its UUID
 * @out_schema_version: (out) (optional): its schema version
 *
 * Reads the plaintext identity of a database without its key and without
 * writing anything.
 *
 * Returns: %TRUE if @path is a Caretrail database this version can read
 */
gboolean
ct_store_peek_sync (const char  *path,
                    char       **out_database_uuid,
                    gint64      *out_schema_version,
                    GError     **error)
{
  g_autoptr(CtStoreBackend) probe = ct_store_location_new_backend (path);
  Header header = { 0 };
  gboolean ok;

  if (!ct_store_backend_open (probe, CT_STORE_BACKEND_OPEN_READ_ONLY | CT_STORE_BACKEND_OPEN_PROBE,
                              error))
    return FALSE;

  ok = read_header (probe, &header, error);
  if (ok && out_database_uuid != NULL)
    *out_database_uuid = g_steal_pointer (&header.uuid);
  if (ok && out_schema_version != NULL)
    *out_schema_version = header.schema_version;
  header_clear (&header);
  ct_store_backend_close (probe);
  return ok;
}

/* Copies @from to a new file @to that only the user may read, whatever
 * the mode of @from: the copy becomes the live database. */
static gboolean
copy_file_private (const char  *from,
                   const char  *to,
                   GError     **error)
{
  g_autoptr(GFile) src = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) local_error = NULL;

  in = g_file_read (src, NULL, &local_error);
  if (in != NULL)
    out = g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                          NULL, &local_error);
  if (out != NULL &&
      g_output_stream_splice (G_OUTPUT_STREAM (out), G_INPUT_STREAM (in),
                              G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, &local_error) >= 0 &&
      g_chmod (to, 0600) == 0)
    return TRUE;

  if (local_error == NULL)
    local_error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (errno), g_strerror (errno));
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
               _("“%s” could not be copied to “%s”: %s."), from, to, local_error->message);
  return FALSE;
}

static gboolean
run_reset_mark (CtStore  *self,
                Op       *op,
                GError  **error)
{
  if (!self->mark_known)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The restored database’s audit log does not match its seal. Run “caretrail-admin verify” on it."));
      return FALSE;
    }
  return ct_store_priv_write_mark (self, error);
}

static const CtStoreOp reset_mark_op = { .run_boolean = run_reset_mark };

/* Makes the file's head, as it is now, the high-water mark, even if it is
 * below the mark kept before. */
static gboolean
reset_mark (CtStore  *self,
            GError  **error)
{
  return ct_store_priv_call_boolean (self, &reset_mark_op, ct_store_priv_op_new (), reset_mark,
                                     error);
}

/* Says why @backup_path is refused, from @cause, in words about a backup
 * rather than about the records: each kind of file that cannot be
 * restored has its own sentence. */

/* Moves the current database at @path aside, under a name with @stamp that
 * no other file has: an earlier file kept aside, even one from a restore in
 * the same second, is never replaced. Returns the new name, or %NULL with
 * errno set. */
static char *
move_aside (const char *path,
            const char *stamp)
{
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *name = n == 1
                              ? g_strdup_printf ("%s.before-restore-%s", path, stamp)
                              : g_strdup_printf ("%s.before-restore-%s-%u", path, stamp, n);

      /* A hard link fails rather than replace a file that is there. */
      if (link (path, name) == 0)
        {
          if (g_unlink (path) != 0)
            {
              int saved_errno = errno;

              g_unlink (name);
              errno = saved_errno;
              return NULL;
            }
          return g_steal_pointer (&name);
        }
      if (errno == EEXIST)
        continue;
      if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
        return NULL;
      /* A file system without hard links: look first, then rename. */
      if (g_file_test (name, G_FILE_TEST_EXISTS))
        continue;
      return g_rename (path, name) == 0 ? g_steal_pointer (&name) : NULL;
    }
  errno = EEXIST;
  return NULL;
}

static void
explain_refused_backup (const char  *backup_path,
                        GError      *cause,
                        GError     **error)
{
  if (cause->domain != CT_STORE_ERROR)
    {
      g_propagate_prefixed_error (error, g_error_copy (cause), _("The backup was not restored: "));
      return;
    }

  switch ((CtStoreError) cause->code)
    {
    case CT_STORE_ERROR_NOT_A_DATABASE:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_DATABASE,
                   _("“%s” is not a Caretrail backup, so it was not restored. Nothing has been changed. Choose a backup file that Caretrail made."),
                   backup_path);
      break;

    case CT_STORE_ERROR_TOO_NEW:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW,
                   _("“%s” was made by a newer version of Caretrail than this one, so it was not restored. Nothing has been changed. Update Caretrail, then restore it."),
                   backup_path);
      break;

    case CT_STORE_ERROR_CORRUPT:
    case CT_STORE_ERROR_TAMPERED:
      g_set_error (error, CT_STORE_ERROR, cause->code,
                   _("“%s” is damaged, so it was not restored. Nothing has been changed. Try an older backup. (What was found: %s)"),
                   backup_path, cause->message);
      break;

    case CT_STORE_ERROR_FOREIGN_DATABASE:
    case CT_STORE_ERROR_KEY_MISSING:
    case CT_STORE_ERROR_WRONG_KEY:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_FOREIGN_DATABASE,
                   _("“%s” is a backup of records whose key is not in your keyring, such as another organisation’s, so it was not restored. Nothing has been changed. If it is a backup of your own records from another computer, put their key back with the recovery code first."),
                   backup_path);
      break;

    default:
      g_propagate_prefixed_error (error, g_error_copy (cause), _("The backup was not restored: "));
      break;
    }
}

/**
 * ct_store_restore_sync:
 * @path: the database to replace; it must not be open
 * @backup_path: a backup made by ct_store_backup_sync()
 * @out_saved_path: (out) (optional): where the current database was kept
 *
 * Verifies the backup completely (integrity, audit chain, every
 * ciphertext) with the key in the keyring, moves the current database
 * aside (never deleting it), then puts the backup in its place, readable
 * by the user only. The high-water mark moves back to the restored file
 * and a "restore-backup" entry is appended to its log. Fails
 * with %CT_STORE_ERROR_BUSY, changing nothing, while the database is open
 * anywhere. A file that is refused leaves the current database untouched,
 * with its own error: %CT_STORE_ERROR_NOT_A_DATABASE (not a Caretrail
 * file), %CT_STORE_ERROR_CORRUPT or %CT_STORE_ERROR_TAMPERED (damaged),
 * %CT_STORE_ERROR_FOREIGN_DATABASE (other records) or
 * %CT_STORE_ERROR_TOO_NEW (made by a newer version).
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_restore_sync (const char  *path,
                       const char  *backup_path,
                       char       **out_saved_path,
                       GError     **error)
{
  g_autofree char *staging = g_strconcat (path, ".restoring", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *backup_uuid = NULL;
  g_autofree char *current_uuid = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autoptr(GError) local_error = NULL;
  CtStore *store;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (ct_store_location_is_server (path))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A backup cannot be restored over a server database. Copy it to a new, empty server database with “caretrail-admin migrate --from %s --to ADDRESS”."),
                   backup_path);
      return FALSE;
    }

  /* Verify a private copy so the backup file itself is never touched. */
  remove_database_files (staging);
  if (!copy_file_private (backup_path, staging, error))
    {
      remove_database_files (staging);
      return FALSE;
    }

  if (!ct_store_peek_sync (staging, &backup_uuid, NULL, &local_error))
    {
      remove_database_files (staging);
      explain_refused_backup (backup_path, local_error, error);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS) &&
      ct_store_peek_sync (path, &current_uuid, NULL, NULL) &&
      g_strcmp0 (current_uuid, backup_uuid) != 0)
    {
      remove_database_files (staging);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_FOREIGN_DATABASE,
                   _("“%s” is a backup of other records (another organisation’s, or another database’s), not of the records at “%s”, so it was not restored. Nothing has been changed. Choose a backup of your own records."),
                   backup_path, path);
      return FALSE;
    }

  /* Replacing a database that is open would leave its user writing to
   * the copy kept aside. */
  /* A file too damaged to be checked is not in use by anyone: it is what
   * a restore is for, and it is kept aside like any other. */
  if (g_file_test (path, G_FILE_TEST_EXISTS) && !ct_sqlite_backend_check_unused (path, &local_error))
    {
      if (g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_BUSY))
        {
          remove_database_files (staging);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_clear_error (&local_error);
    }

  /* A backup is older than the records written since: it is checked
   * against itself, not against the high-water mark. */
  store = open_ignoring_mark (staging, TRUE, &local_error);
  ok = store != NULL && ct_store_verify_sync (store, NULL, &local_error);
  if (store != NULL)
    {
      ct_store_close (store);
      g_object_unref (store);
    }
  if (!ok)
    {
      remove_database_files (staging);
      explain_refused_backup (backup_path, local_error, error);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *saved_wal = NULL;

      saved = move_aside (path, stamp);
      if (saved == NULL)
        {
          int saved_errno = errno;

          remove_database_files (staging);
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The current database could not be moved aside: %s. Nothing has been changed."),
                       g_strerror (saved_errno));
          return FALSE;
        }
      saved_wal = g_strconcat (saved, "-wal", NULL);
      /* Its WAL holds committed changes: keep it beside it. */
      if (g_file_test (wal, G_FILE_TEST_EXISTS))
        g_rename (wal, saved_wal);
      {
        g_autofree char *shm = g_strconcat (path, "-shm", NULL);
        g_unlink (shm);
      }
    }

  if (g_rename (staging, path) != 0)
    {
      int saved_errno = errno;

      if (saved != NULL)
        g_rename (saved, path);
      remove_database_files (staging);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The backup could not be put in place: %s. The current database has been left as it was."),
                   g_strerror (saved_errno));
      return FALSE;
    }
  remove_database_files (staging);

  /* Restoring is the deliberate way back to an older file: the
   * high-water mark moves back to the restored file's head, and the
   * restore is recorded in its audit log (which moves the mark on by that
   * entry when the store closes). */
  store = open_ignoring_mark (path, FALSE, error);
  if (store == NULL)
    return FALSE;
  ok = reset_mark (store, error) && append_admin_audit (store, "restore-backup", error);
  ct_store_close (store);
  g_object_unref (store);
  if (!ok)
    return FALSE;

  if (out_saved_path != NULL)
    *out_saved_path = g_steal_pointer (&saved);
  return TRUE;
}

/* }}} */

/* Backing up {{{ */

static gboolean
backup_audit_body (CtStoreTransaction  *txn,
                   Op                  *op,
                   GError             **error)
{
  return ct_store_priv_append_audit (txn->store, SYSTEM_STAFF, "backup", NULL, error);
}

static gboolean
run_backup (CtStore  *self,
            Op       *op,
            GError  **error)
{
  gboolean ok;

  /* Everything a backup reads (the audit log counted before its entry is
   * appended, then every page copied) is read through the small scanning
   * cache rather than the memory map, so its memory does not grow with the
   * file. */
  if (!ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;

  /* The backup records itself, so the copy's audit log ends with it. */
  ok = (self->read_only || ct_store_priv_run_in_transaction (self, backup_audit_body, op, error)) &&
       ct_store_backend_backup (self->backend, op->path, op->progress, op->progress_data, error);

  if (!ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static const CtStoreOp backup_op = { .run_boolean = run_backup };

typedef struct
{
  CtBackupProgressFunc  func;
  gpointer              data;
  GCancellable         *cancellable;
} BackupProgress;

static gboolean
on_backup_progress_cb (guint64  done,
                       guint64  total,
                       gpointer user_data)
{
  BackupProgress *progress = user_data;

  if (g_cancellable_is_cancelled (progress->cancellable))
    return FALSE;
  return progress->func == NULL || progress->func (done, total, progress->data);
}

/**
 * ct_store_backup_sync:
 * @destination: the backup file
 * @flags: %CT_BACKUP_REPLACE to replace an existing regular file
 *
 * Copies a consistent snapshot of the open database to @destination
 * while it stays in use. The copy is as encrypted as the original and
 * opens with the same key or recovery code. It is written only to a new
 * file or, with %CT_BACKUP_REPLACE, over a regular file: a symbolic link,
 * folder, pipe or device is refused before anything is written, even to
 * the audit log (see CtBackupTarget).
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_backup_sync (CtStore        *self,
                      const char     *destination,
                      CtBackupFlags   flags,
                      GError        **error)
{
  return ct_store_backup_full_sync (self, destination, flags, NULL, NULL, NULL, error);
}

/**
 * ct_store_backup_full_sync:
 * @destination: the backup file
 * @flags: %CT_BACKUP_REPLACE to replace an existing regular file
 * @progress: (nullable): told how far the copy has got, on the store's
 *   thread
 * @user_data: for @progress
 * @cancellable: (nullable): stops the copy
 *
 * Like ct_store_backup_sync(), with progress and a way to stop. The copy
 * is written under a temporary name and only renamed to @destination once
 * it is complete and on the disk; a copy that is stopped or fails leaves
 * nothing at @destination.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_backup_full_sync (CtStore               *self,
                           const char            *destination,
                           CtBackupFlags          flags,
                           CtBackupProgressFunc   progress,
                           gpointer               user_data,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CtBackupTarget) target = NULL;
  BackupProgress wrapper = { progress, user_data, cancellable };
  g_autoptr(GError) local_error = NULL;
  Op *op;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  target = ct_backup_target_create (destination, flags, error);
  if (target == NULL)
    return FALSE;

  op = ct_store_priv_op_new ();
  op->path = g_strdup (ct_backup_target_get_path (target));
  /* The caller waits below, so the wrapper outlives the copy. */
  op->progress = on_backup_progress_cb;
  op->progress_data = &wrapper;
  result = ct_store_priv_run_sync (self, &backup_op, op, ct_store_backup_full_sync);
  if (!g_task_propagate_boolean (G_TASK (result), &local_error))
    {
      /* Said of the backup's own name, not of the temporary file. */
      if (g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL))
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_DISK_FULL,
                     _("The backup could not be written to “%s”: the disk is full. No backup was left there; free some space or choose another folder, then try again."),
                     destination);
      else if (g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_IO))
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                     _("The backup could not be written to “%s”. No backup was left there; check that the disk is still connected and that you may write to it, then try again. (What went wrong: %s)"),
                     destination, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return ct_backup_target_commit (target, error);
}

/* }}} */

/* Closing {{{ */

void
ct_store_priv_close_internal (CtStore *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  ct_store_priv_stop_watch (self);

  if (self->worker != NULL)
    {
      Request *quit = g_new0 (Request, 1);

      g_async_queue_push (self->queue, quit);
      if (g_thread_self () != self->worker)
        g_thread_join (self->worker);
      else
        g_thread_unref (self->worker);
      self->worker = NULL;
    }
  g_clear_pointer (&self->queue, g_async_queue_unref);

  /* The worker has stopped: the mark is this thread's now. */
  ct_store_priv_flush_mark (self, TRUE);

  if (self->backend != NULL)
    ct_store_backend_close (self->backend);
  ct_store_priv_keys_clear (&self->keys);
}

/**
 * ct_store_close:
 * @self: a #CtStore
 *
 * Finishes the requests already queued, closes the database and wipes the
 * keys from memory. Later requests fail with %CT_STORE_ERROR_CLOSED.
 */
void
ct_store_close (CtStore *self)
{
  g_return_if_fail (CT_IS_STORE (self));
  ct_store_priv_close_internal (self);
}

/* }}} */

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-members.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <string.h>

#include "ct-keyring.h"
#include "ct-pg-backend.h"
#include "ct-pg-watch.h"
#include "ct-store-private.h"

/*
 * An organisation on a server, after Bitwarden's model. Its master key is
 * random; the server holds it sealed (crypto_box_seal) to each member's
 * X25519 public key, in the members table, and each member's secret key
 * is in their own keyring. A new member asks to join from their own
 * computer; a member approves, which seals the master key to them.
 *
 * Rotating the master key does not re-encrypt records. The first master
 * key stays the database's root (the audit chain, the blind index, the
 * records that belong to no case and the key check are derived from it)
 * and is kept sealed under the new master key (META_ROOT_SEALED); what
 * changes is the key that wraps the case keys, the vault key and the
 * submission key, which is derived from the current master key. A member
 * removed before a rotation holds neither the new master key nor the key
 * that wraps the case keys, so they cannot open a case written after it.
 *
 * Staff hand in concerns sealed to the organisation's submission key
 * pair: its public key is on the server for anyone with a login, its
 * secret key wrapped like a case key. Members' names are sealed to it as
 * well, so the server holds no name.
 */

#define SUBMISSION_LABEL "submission"
#define ROOT_LABEL "root"

static gboolean remember_keys (const char  *location,
                               GBytes      *box_public,
                               GBytes      *sign_public,
                               GError     **error);

void
ct_member_info_free (CtMemberInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->name);
  g_free (info->pg_user);
  g_free (info->fingerprint);
  g_free (info);
}

void
ct_submission_free (CtSubmission *submission)
{
  if (submission == NULL)
    return;
  g_free (submission->id);
  g_free (submission->submitted_by);
  g_clear_pointer (&submission->answers, g_hash_table_unref);
  g_free (submission->case_id);
  g_free (submission);
}

/* Helpers {{{ */

static void
set_not_on_server (GError **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
               _("Members, join requests and staff submissions are kept only in a database on a server. Give a postgresql:// address."));
}

static CtPgBackend *
get_pg (CtStoreBackend  *backend,
        GError         **error)
{
  if (!CT_IS_PG_BACKEND (backend))
    {
      set_not_on_server (error);
      return NULL;
    }
  return CT_PG_BACKEND (backend);
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static char *
bytes_to_text (GBytes *bytes)
{
  gsize len = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

static char *
hex_of (const guint8 *data,
        gsize         len)
{
  char *hex = g_malloc (len * 2 + 1);

  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

static GBytes *
row_value (GPtrArray *rows,
           guint      row,
           guint      column)
{
  GPtrArray *r = g_ptr_array_index (rows, row);

  return column < r->len ? g_ptr_array_index (r, column) : NULL;
}

static gboolean
is_public_key (GBytes *bytes)
{
  return bytes != NULL && g_bytes_get_size (bytes) == crypto_box_PUBLICKEYBYTES;
}

/* A hash of both public keys: a member's id in the audit log, and (in
 * groups of four hex digits) the fingerprint two people read to each
 * other. */
static void
member_hash (GBytes *box_public,
             GBytes *sign_public,
             guint8  out[16])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, (const guint8 *) "caretrail-member", 16, 16);
  crypto_generichash_update (&state, g_bytes_get_data (box_public, NULL), g_bytes_get_size (box_public));
  crypto_generichash_update (&state, g_bytes_get_data (sign_public, NULL), g_bytes_get_size (sign_public));
  crypto_generichash_final (&state, out, 16);
}

/**
 * ct_store_priv_member_id_for_keys:
 * @box_public: a member's X25519 public key
 * @sign_public: their Ed25519 public key
 *
 * Returns: (transfer full): the id that names the member in the audit
 *   log: their fingerprint, in lower-case hex without spaces
 */
char *
ct_store_priv_member_id_for_keys (GBytes *box_public,
                                  GBytes *sign_public)
{
  guint8 hash[16];

  member_hash (box_public, sign_public, hash);
  return hex_of (hash, sizeof hash);
}

static char *
make_fingerprint (GBytes *box_public,
                  GBytes *sign_public)
{
  g_autofree char *hex = ct_store_priv_member_id_for_keys (box_public, sign_public);
  GString *out = g_string_new (NULL);

  for (guint i = 0; hex[i] != '\0'; i += 4)
    g_string_append_printf (out, "%s%.4s", i > 0 ? " " : "", hex + i);
  return g_string_free (out, FALSE);
}

static GBytes *
box_seal (const void *data,
          gsize       len,
          GBytes     *public_key)
{
  guint8 *sealed = g_malloc (len + crypto_box_SEALBYTES);

  crypto_box_seal (sealed, data, len, g_bytes_get_data (public_key, NULL));
  return g_bytes_new_take (sealed, len + crypto_box_SEALBYTES);
}

/* Opens @sealed with the key pair (@public_key, @secret) into secure
 * memory; wipe and free the result with sodium_free(). */
static guint8 *
box_open (GBytes      *sealed,
          GBytes      *public_key,
          const CtKey *secret,
          gsize       *out_len)
{
  gsize len = sealed != NULL ? g_bytes_get_size (sealed) : 0;
  guint8 *plain;

  if (len < crypto_box_SEALBYTES || !is_public_key (public_key))
    return NULL;
  plain = sodium_malloc (len - crypto_box_SEALBYTES + 1);
  if (plain == NULL)
    return NULL;
  if (crypto_box_seal_open (plain, g_bytes_get_data (sealed, NULL), len,
                            g_bytes_get_data (public_key, NULL), secret->bytes) != 0)
    {
      sodium_free (plain);
      return NULL;
    }
  *out_len = len - crypto_box_SEALBYTES;
  return plain;
}

/* A member's two key pairs: the secret keys go into the keyring, the
 * public keys are returned. */
static gboolean
make_member_keys (GBytes  **out_box_public,
                  GBytes  **out_sign_public,
                  GError  **error)
{
  g_autoptr(CtKey) box_secret = ct_key_new_random ();
  g_autoptr(CtKey) sign_seed = ct_key_new_random ();
  guint8 box_public[crypto_box_PUBLICKEYBYTES];
  guint8 sign_public[crypto_sign_PUBLICKEYBYTES];
  guint8 *sign_secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
  g_autofree char *hex = NULL;

  if (sign_secret == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO, _("There is not enough locked memory for new keys."));
      return FALSE;
    }
  crypto_scalarmult_base (box_public, box_secret->bytes);
  crypto_sign_seed_keypair (sign_public, sign_secret, sign_seed->bytes);
  sodium_free (sign_secret);

  hex = hex_of (box_public, sizeof box_public);
  if (!ct_keyring_store_member_keys (hex, box_secret, sign_seed, error))
    return FALSE;
  *out_box_public = g_bytes_new (box_public, sizeof box_public);
  *out_sign_public = g_bytes_new (sign_public, sizeof sign_public);
  return TRUE;
}

static GPtrArray *
query (CtPgBackend  *pg,
       const char   *sql,
       GError      **error,
       ...)
{
  GBytes *params[8];
  guint n = 0;
  va_list args;

  va_start (args, error);
  for (GBytes *b = va_arg (args, GBytes *); b != NULL && n < G_N_ELEMENTS (params); b = va_arg (args, GBytes *))
    params[n++] = b;
  va_end (args);
  return ct_pg_backend_query (pg, sql, n, params, error);
}

/* Tells the other desks' watches (and anyone waiting to be approved)
 * that the members or requests changed: delivered when the transaction
 * commits, or at once outside one. */
static gboolean
notify_changed (CtPgBackend  *pg,
                GError      **error)
{
  g_autoptr(GBytes) token = text_bytes (ct_pg_backend_get_token (pg));
  g_autoptr(GPtrArray) done = query (pg, "SELECT pg_notify('" CT_PG_CHANGED_CHANNEL "', $1)", error, token, NULL);

  return done != NULL;
}

static gboolean
has_members_table (CtPgBackend  *pg,
                   GError      **error)
{
  g_autoptr(GPtrArray) rows = query (pg, "SELECT 1 FROM pg_tables WHERE schemaname = '" CT_PG_SCHEMA "'"
                                         " AND tablename = 'members'", error, NULL);

  return rows != NULL && rows->len > 0;
}

/* }}} */

/* Opening {{{ */

/* Finds the member whose keys this keyring holds: unseals the master key
 * sealed to them and, if asked, gives their id and signing seed. The seed
 * must be the one whose public key the members table holds, or the member
 * could sign nothing that verifies. */
static gboolean
find_own_member (CtStoreBackend  *backend,
                 CtKey          **out_master,
                 char           **out_member_id,
                 CtKey          **out_sign_seed,
                 GError         **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  GError *local_error = NULL;
  CtPgBackend *pg;

  *out_master = NULL;
  if (!CT_IS_PG_BACKEND (backend))
    return TRUE;
  pg = CT_PG_BACKEND (backend);
  if (!has_members_table (pg, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return TRUE;
    }

  rows = query (pg, "SELECT box_public_key, sealed_master, sign_public_key FROM members", error, NULL);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    return TRUE;

  for (guint i = 0; i < rows->len; i++)
    {
      GBytes *public_key = row_value (rows, i, 0);
      GBytes *sign_public = row_value (rows, i, 2);
      g_autoptr(CtKey) secret = NULL;
      g_autoptr(CtKey) seed = NULL;
      g_autofree char *hex = NULL;
      guint8 *plain;
      gsize len = 0;

      if (!is_public_key (public_key))
        continue;
      hex = hex_of (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
      if (!ct_keyring_lookup_member_keys (hex, &secret, out_sign_seed != NULL ? &seed : NULL, error))
        return FALSE;
      if (secret == NULL)
        continue;

      plain = box_open (row_value (rows, i, 1), public_key, secret, &len);
      if (plain == NULL || len != CT_KEY_BYTES)
        {
          if (plain != NULL)
            sodium_free (plain);
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                       _("The organisation’s key sealed to you on the server “%s” does not open with your member key: it has been altered or damaged. Ask another member to remove you and approve you again."),
                       ct_store_backend_get_location (backend));
          return FALSE;
        }
      *out_master = ct_key_new_from_bytes (plain, len);
      sodium_free (plain);

      if (out_sign_seed != NULL)
        {
          guint8 derived[crypto_sign_PUBLICKEYBYTES];
          guint8 *sign_secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
          gboolean matches;

          if (sign_secret == NULL || seed == NULL)
            {
              if (sign_secret != NULL)
                sodium_free (sign_secret);
              g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING,
                           _("Your signing key is missing from your keyring, so nothing you write on the server “%s” could be signed. Ask another member to remove you and approve you again."),
                           ct_store_backend_get_location (backend));
              return FALSE;
            }
          crypto_sign_seed_keypair (derived, sign_secret, seed->bytes);
          sodium_free (sign_secret);
          matches = sign_public != NULL && g_bytes_get_size (sign_public) == sizeof derived &&
                    sodium_memcmp (derived, g_bytes_get_data (sign_public, NULL), sizeof derived) == 0;
          if (!matches)
            {
              g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                           _("Your signing key on the server “%s” is not the one in your keyring: the members table has been altered. Nothing was written. Report this to the Designated Safeguarding Officer."),
                           ct_store_backend_get_location (backend));
              return FALSE;
            }
          *out_sign_seed = g_steal_pointer (&seed);
          *out_member_id = ct_store_priv_member_id_for_keys (public_key, sign_public);
        }
      return TRUE;
    }

  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER,
               _("You are not a member of the organisation on the server “%s”: no key in your keyring is among its members’. You may have been removed, or your request to join has not been approved yet. Ask the Designated Safeguarding Officer."),
               ct_store_backend_get_location (backend));
  return FALSE;
}

/**
 * ct_store_priv_find_member_master:
 * @backend: an open backend
 * @out_master: (out): the master key, or %NULL if @backend has no members
 *   (a file, or a server that keeps the key in a keyring as a file does)
 * @error: return location for %CT_STORE_ERROR_NOT_A_MEMBER and others
 *
 * Unseals the master key with the member key in this keyring that the
 * server's members table names.
 *
 * Returns: %FALSE on error
 */
gboolean
ct_store_priv_find_member_master (CtStoreBackend  *backend,
                                  CtKey          **out_master,
                                  GError         **error)
{
  return find_own_member (backend, out_master, NULL, NULL, error);
}

/**
 * ct_store_priv_find_member_signer:
 * @backend: an open backend
 * @out_member_id: (out): the id of the member whose keys this keyring
 *   holds, or %NULL if @backend has no members or none of them is here
 * @out_sign_seed: (out): their Ed25519 seed, or %NULL likewise
 * @error: return location for an error
 *
 * Returns: %FALSE on error
 */
gboolean
ct_store_priv_find_member_signer (CtStoreBackend  *backend,
                                  char           **out_member_id,
                                  CtKey          **out_sign_seed,
                                  GError         **error)
{
  g_autoptr(CtKey) master = NULL;
  GError *local_error = NULL;

  *out_member_id = NULL;
  *out_sign_seed = NULL;
  if (find_own_member (backend, &master, out_member_id, out_sign_seed, &local_error))
    return TRUE;
  /* Not a member: there is nobody to sign for. Opening the store says so
   * already, where it matters. */
  if (g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER))
    {
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Every member's public keys are kept in meta under their id, also after
 * they are removed, so that the entries they signed still verify. The
 * server could change the value, but the id is a hash of both keys: a
 * changed key matches no id. */
#define META_MEMBER_KEYS_PREFIX "member-keys:"

static gboolean
keep_member_keys (CtStore  *self,
                  GBytes   *box_public,
                  GBytes   *sign_public,
                  char    **out_member_id,
                  GError  **error)
{
  g_autofree char *id = ct_store_priv_member_id_for_keys (box_public, sign_public);
  g_autofree char *key = g_strconcat (META_MEMBER_KEYS_PREFIX, id, NULL);
  g_autoptr(GByteArray) both = g_byte_array_new ();
  g_autoptr(GBytes) value = NULL;

  g_byte_array_append (both, g_bytes_get_data (box_public, NULL), g_bytes_get_size (box_public));
  g_byte_array_append (both, g_bytes_get_data (sign_public, NULL), g_bytes_get_size (sign_public));
  value = g_byte_array_free_to_bytes (g_steal_pointer (&both));
  if (!ct_store_backend_set_meta (self->backend, key, value, error))
    return FALSE;
  if (out_member_id != NULL)
    *out_member_id = g_steal_pointer (&id);
  return TRUE;
}

/**
 * ct_store_priv_lookup_member_sign_key:
 * @backend: an open backend
 * @member_id: a member's id, as an audit entry names them
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the Ed25519 public key of the
 *   member @member_id names, present or removed, or %NULL (without an
 *   error) if the database keeps no keys whose hash is @member_id
 */
GBytes *
ct_store_priv_lookup_member_sign_key (CtStoreBackend  *backend,
                                      const char      *member_id,
                                      GError         **error)
{
  g_autofree char *key = g_strconcat (META_MEMBER_KEYS_PREFIX, member_id, NULL);
  g_autoptr(GBytes) value = NULL;
  g_autoptr(GBytes) box_public = NULL;
  g_autoptr(GBytes) sign_public = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;

  value = ct_store_backend_get_meta (backend, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (value == NULL || g_bytes_get_size (value) != crypto_box_PUBLICKEYBYTES + crypto_sign_PUBLICKEYBYTES)
    return NULL;
  box_public = g_bytes_new_from_bytes (value, 0, crypto_box_PUBLICKEYBYTES);
  sign_public = g_bytes_new_from_bytes (value, crypto_box_PUBLICKEYBYTES, crypto_sign_PUBLICKEYBYTES);
  id = ct_store_priv_member_id_for_keys (box_public, sign_public);
  if (!g_str_equal (id, member_id))
    return NULL;
  return g_steal_pointer (&sign_public);
}

/**
 * ct_store_priv_keys_derive_sealed:
 * @keys: the keys to fill
 * @master: the current master key
 * @root_sealed: (nullable): the first master key sealed under @master, once
 *   the master key has been rotated
 * @uuid: the database's id
 * @error: return location for %CT_STORE_ERROR_WRONG_KEY
 *
 * Derives the store's keys: from the first master key, except the key
 * that wraps keys, which comes from the current one.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_priv_keys_derive_sealed (Keys         *keys,
                                  const CtKey  *master,
                                  GBytes       *root_sealed,
                                  const char   *uuid,
                                  GError      **error)
{
  g_autoptr(CtKey) seal_key = NULL;
  g_autoptr(CtKey) root = NULL;
  g_autoptr(GBytes) root_bytes = NULL;
  g_autofree char *label = NULL;

  if (root_sealed == NULL)
    {
      ct_store_priv_keys_derive (keys, master);
      return TRUE;
    }

  seal_key = ct_key_derive (master, CT_SUBKEY_ROOT);
  label = ct_store_priv_make_label (ROOT_LABEL, uuid, NULL);
  root_bytes = ct_crypto_open (seal_key, g_bytes_get_data (root_sealed, NULL), g_bytes_get_size (root_sealed),
                               label, NULL);
  if (root_bytes != NULL)
    root = ct_key_new_from_bytes (g_bytes_get_data (root_bytes, NULL), g_bytes_get_size (root_bytes));
  if (root == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_WRONG_KEY,
                   _("The key you hold is not this organisation’s current key: it was replaced when the key was rotated. Ask a member to approve you again, or use the recovery code."));
      return FALSE;
    }
  ct_store_priv_keys_derive (keys, root);
  g_clear_pointer (&keys->wrap, ct_key_free);
  keys->wrap = ct_key_derive (master, CT_SUBKEY_WRAP);
  return TRUE;
}

/**
 * ct_store_priv_read_key_generation:
 * @backend: an open backend
 * @error: return location for an error
 *
 * Returns: how many times the master key of @backend's database has been
 *   rotated (0 if never), or -1 on error
 */
gint64
ct_store_priv_read_key_generation (CtStoreBackend  *backend,
                                   GError         **error)
{
  g_autoptr(GBytes) value = NULL;
  GError *local_error = NULL;
  gint64 generation = 0;

  value = ct_store_backend_get_meta (backend, META_KEY_GENERATION, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }
  if (value != NULL && (!bytes_to_int64 (value, &generation) || generation < 0))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The record of the organisation’s key changes on the server “%s” has been altered or damaged. Nothing was written. Report this to the Designated Safeguarding Officer."),
                   ct_store_backend_get_location (backend));
      return -1;
    }
  return generation;
}

static void
set_keys_changed (CtStore  *self,
                  GError  **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_WRONG_KEY,
               _("The organisation’s keys were changed on the server “%s” since Caretrail opened it, and this computer could not take up the new ones. Nothing was written. Close the records and open them again."),
               self->path);
}

/**
 * ct_store_priv_follow_rotation:
 * @self: a store, inside a write transaction (which holds the chain's
 *   lock, so no rotation can commit meanwhile)
 * @error: return location for an error
 *
 * A desk that opened the database before another member rotated the
 * master key still holds the key that wrapped case keys before: a case
 * key it wrapped now would open with the old master key, which a removed
 * member may have kept. So every write first compares the key generation
 * on the server with the one its keys were taken up at and, if it has
 * moved on, unseals the new master key with this keyring's member key and
 * takes up the key that wraps from it. The keys derived from the first
 * master key (the audit chain's, the blind index's, the vault key) do not
 * change with a rotation, and must come out the same, or nothing is
 * written. A member removed meanwhile is told so.
 *
 * Returns: %TRUE if the store's keys are the current ones
 */
gboolean
ct_store_priv_follow_rotation (CtStore  *self,
                               GError  **error)
{
  g_autoptr(CtKey) master = NULL;
  g_autoptr(CtKey) root_seal = NULL;
  g_autoptr(CtKey) root = NULL;
  g_autoptr(CtKey) audit = NULL;
  g_autoptr(CtKey) wrap = NULL;
  g_autoptr(CtKey) vault = NULL;
  g_autoptr(GBytes) root_sealed = NULL;
  g_autoptr(GBytes) root_bytes = NULL;
  g_autoptr(GBytes) vault_wrapped = NULL;
  g_autofree char *root_label = NULL;
  g_autofree char *vault_label = NULL;
  GError *local_error = NULL;
  gint64 generation;

  if (!CT_IS_PG_BACKEND (self->backend) || self->creating)
    return TRUE;
  generation = ct_store_priv_read_key_generation (self->backend, error);
  if (generation < 0)
    return FALSE;
  if (generation == self->key_generation)
    return TRUE;

  if (!ct_store_priv_find_member_master (self->backend, &master, error))
    return FALSE;
  if (master != NULL)
    root_sealed = ct_store_backend_get_meta (self->backend, META_ROOT_SEALED, &local_error);
  if (local_error == NULL && master != NULL)
    vault_wrapped = ct_store_backend_get_meta (self->backend, META_VAULT, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (master == NULL || root_sealed == NULL || vault_wrapped == NULL)
    {
      set_keys_changed (self, error);
      return FALSE;
    }

  root_seal = ct_key_derive (master, CT_SUBKEY_ROOT);
  root_label = ct_store_priv_make_label (ROOT_LABEL, self->database_uuid, NULL);
  root_bytes = ct_crypto_open (root_seal, g_bytes_get_data (root_sealed, NULL), g_bytes_get_size (root_sealed),
                               root_label, NULL);
  if (root_bytes != NULL)
    root = ct_key_new_from_bytes (g_bytes_get_data (root_bytes, NULL), g_bytes_get_size (root_bytes));
  if (root != NULL)
    audit = ct_key_derive (root, CT_SUBKEY_AUDIT);
  wrap = ct_key_derive (master, CT_SUBKEY_WRAP);
  vault_label = ct_store_priv_make_label ("vault", self->database_uuid, NULL);
  vault = ct_crypto_unwrap_key (wrap, g_bytes_get_data (vault_wrapped, NULL), g_bytes_get_size (vault_wrapped),
                                vault_label, NULL);
  if (audit == NULL || vault == NULL || self->keys.audit == NULL || self->keys.vault == NULL ||
      !ct_crypto_equal (audit->bytes, self->keys.audit->bytes, CT_KEY_BYTES) ||
      !ct_crypto_equal (vault->bytes, self->keys.vault->bytes, CT_KEY_BYTES))
    {
      set_keys_changed (self, error);
      return FALSE;
    }

  /* The settings a rotation changes are sealed into the head afresh. */
  if (!ct_store_priv_compute_meta_mac (self, self->backend, self->meta_mac, error))
    return FALSE;
  /* A keyring that kept the old key for backups keeps the new one, as on
   * the desk that rotated. */
  if (ct_keyring_get_state (self->database_uuid) == CT_KEYRING_STATE_PRESENT &&
      !ct_keyring_store_key (self->database_uuid, master, error))
    return FALSE;
  ct_key_free (self->keys.wrap);
  self->keys.wrap = g_steal_pointer (&wrap);
  self->key_generation = generation;
  self->audit_cached = FALSE;
  g_debug ("Took up the organisation’s key of generation %" G_GINT64_FORMAT, generation);
  return TRUE;
}

/* }}} */

/* Submission key {{{ */

/* The submission key pair's secret key, unwrapped, checked against the
 * public key staff seal to. */
static CtKey *
read_submission_secret (CtStore  *self,
                        GBytes  **out_public,
                        GError  **error)
{
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *label = NULL;
  guint8 derived[crypto_box_PUBLICKEYBYTES];
  GError *local_error = NULL;
  CtKey *secret = NULL;

  public_key = ct_store_backend_get_meta (self->backend, META_SUBMISSION_PUBLIC, &local_error);
  if (local_error == NULL)
    wrapped = ct_store_backend_get_meta (self->backend, META_SUBMISSION_SECRET, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (wrapped != NULL)
    {
      label = ct_store_priv_make_label (SUBMISSION_LABEL, self->database_uuid, NULL);
      secret = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                                     g_bytes_get_size (wrapped), label, NULL);
    }
  if (secret != NULL && is_public_key (public_key))
    crypto_scalarmult_base (derived, secret->bytes);
  if (secret == NULL || !is_public_key (public_key) ||
      sodium_memcmp (derived, g_bytes_get_data (public_key, NULL), sizeof derived) != 0)
    {
      ct_key_free (secret);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The organisation’s submission key on the server is missing or has been altered, so concerns from staff cannot be opened. Report this to whoever looks after the server."));
      return NULL;
    }
  if (out_public != NULL)
    *out_public = g_steal_pointer (&public_key);
  return secret;
}

static gboolean
ensure_submission_key (CtStore  *self,
                       GBytes  **out_public,
                       GError  **error)
{
  g_autoptr(GBytes) existing = NULL;
  g_autoptr(CtKey) secret = NULL;
  g_autofree char *label = NULL;
  guint8 public_key[crypto_box_PUBLICKEYBYTES];
  GError *local_error = NULL;

  existing = ct_store_backend_get_meta (self->backend, META_SUBMISSION_PUBLIC, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (existing != NULL)
    {
      secret = read_submission_secret (self, out_public, error);
      return secret != NULL;
    }

  secret = ct_key_new_random ();
  crypto_scalarmult_base (public_key, secret->bytes);
  label = ct_store_priv_make_label (SUBMISSION_LABEL, self->database_uuid, NULL);
  if (!ct_store_backend_set_meta (self->backend, META_SUBMISSION_PUBLIC,
                                  g_bytes_new (public_key, sizeof public_key), error) ||
      !ct_store_backend_set_meta (self->backend, META_SUBMISSION_SECRET,
                                  ct_crypto_wrap_key (self->keys.wrap, secret, label), error))
    return FALSE;
  *out_public = g_bytes_new (public_key, sizeof public_key);
  return TRUE;
}

/* }}} */

/* Members {{{ */

static gboolean
grant_member_role (CtPgBackend  *pg,
                   GBytes       *pg_user,
                   gboolean      grant,
                   GError      **error)
{
  g_autoptr(GPtrArray) rows = query (pg, "SELECT quote_ident($1::text)", error, pg_user, NULL);
  g_autofree char *ident = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) done = NULL;

  if (rows == NULL)
    return FALSE;
  ident = bytes_to_text (row_value (rows, 0, 0));
  sql = grant ? g_strconcat ("GRANT " CT_PG_MEMBER_ROLE " TO ", ident, NULL)
              : g_strconcat ("REVOKE " CT_PG_MEMBER_ROLE " FROM ", ident, NULL);
  done = ct_pg_backend_query (pg, sql, 0, NULL, error);
  return done != NULL;
}

typedef struct
{
  const char *name;
  const char *id;
  const char *fingerprint;
  const CtKey *recovery_key;
  const guint8 *recovery_salt;
  CtCaseService *service;
  const char *staff_id;
  GPtrArray *out_list;
  char *out_text;
  gboolean requests;
} MemberOp;

static gboolean
add_first_member_body (CtStoreTransaction  *txn,
                       gpointer             user_data,
                       GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(GBytes) submission_public = NULL;
  g_autoptr(GBytes) box_public = NULL;
  g_autoptr(GBytes) sign_public = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autoptr(GBytes) name_sealed = NULL;
  g_autoptr(GBytes) sealed_master = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(CtKey) master = NULL;
  g_autofree char *member_id = NULL;

  if (pg == NULL || !ensure_submission_key (self, &submission_public, error))
    return FALSE;
  if (!ct_store_priv_find_member_master (self->backend, &master, error))
    return FALSE;
  if (master != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS,
                   _("The organisation on this server has members already. Ask to join with “caretrail-admin member-request”."));
      return FALSE;
    }
  master = ct_keyring_lookup_key (self->database_uuid, error);
  if (master == NULL || !make_member_keys (&box_public, &sign_public, error))
    return FALSE;

  id = text_bytes (op->id);
  name_sealed = box_seal (op->name, strlen (op->name), submission_public);
  sealed_master = box_seal (master->bytes, CT_KEY_BYTES, box_public);
  rows = query (pg, "INSERT INTO members (id, pg_user, box_public_key, sign_public_key, name_sealed, sealed_master)"
                    " VALUES ($1, current_user, $2, $3, $4, $5)",
                error, id, box_public, sign_public, name_sealed, sealed_master, NULL);
  /* The entry names the new member by their keys' id: verify accepts
   * signatures only from members an entry added, and the first member's
   * entry is the first one signed (by them, since they are a member as
   * soon as their row is in). */
  return rows != NULL && keep_member_keys (self, box_public, sign_public, &member_id, error) &&
         ct_store_priv_append_audit (self, SYSTEM_STAFF, "add-member", member_id, error) &&
         remember_keys (self->path, box_public, sign_public, error);
}

/**
 * ct_store_add_first_member_sync:
 * @store: a store on a server, just created, whose key is in this keyring
 * @name: the first member's name
 * @error: return location for an error
 *
 * Makes the organisation's submission key pair, makes this keyring's
 * member keys and seals the master key to them. The store opens through
 * the member key from then on; the master key stays in this keyring too,
 * so that a backup made here (a file) opens here as any file does.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_add_first_member_sync (CtStore     *store,
                                const char  *name,
                                GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  MemberOp op = { .name = name, .id = id };

  return ct_store_run_transaction_sync (store, add_first_member_body, &op, error);
}

/**
 * ct_member_request_sync:
 * @location: a server's address, whose user is in the staff role
 * @name: the name of the person asking to join
 * @out_fingerprint: (out): the fingerprint of their public keys
 * @error: return location for an error
 *
 * Makes this keyring's member keys and asks to join the organisation on
 * the server.
 *
 * Returns: (transfer full): the request's id, or %NULL on error
 */
char *
ct_member_request_sync (const char  *location,
                        const char  *name,
                        char       **out_fingerprint,
                        GError     **error)
{
  g_autoptr(CtPgBackend) pg = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) box_public = NULL;
  g_autoptr(GBytes) sign_public = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autoptr(GBytes) name_sealed = NULL;
  g_autofree char *request_id = NULL;
  GBytes *submission_public;

  if (!ct_crypto_init (error))
    return NULL;
  if (!ct_pg_backend_is_location (location))
    {
      set_not_on_server (error);
      return NULL;
    }
  pg = ct_pg_backend_new (location);
  if (!ct_store_backend_open (CT_STORE_BACKEND (pg), 0, error))
    return NULL;
  rows = query (pg, "SELECT " CT_PG_SCHEMA ".submission_public_key ()", error, NULL);
  submission_public = rows != NULL && rows->len == 1 ? row_value (rows, 0, 0) : NULL;
  if (rows != NULL && !is_public_key (submission_public))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE,
                 _("The organisation on the server “%s” is not set up for members yet. Ask whoever set it up to run “caretrail-admin server-init”."),
                 location);
  if (!is_public_key (submission_public) || !make_member_keys (&box_public, &sign_public, error))
    {
      ct_store_backend_close (CT_STORE_BACKEND (pg));
      return NULL;
    }

  request_id = g_uuid_string_random ();
  id = text_bytes (request_id);
  name_sealed = box_seal (name, strlen (name), submission_public);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = query (pg, "INSERT INTO member_requests (id, box_public_key, sign_public_key, name_sealed)"
                    " VALUES ($1, $2, $3, $4)",
                error, id, box_public, sign_public, name_sealed, NULL);
  if (rows != NULL && !notify_changed (pg, error))
    g_clear_pointer (&rows, g_ptr_array_unref);
  ct_store_backend_close (CT_STORE_BACKEND (pg));
  if (rows == NULL || !remember_keys (location, box_public, sign_public, error))
    return NULL;
  *out_fingerprint = make_fingerprint (box_public, sign_public);
  return g_steal_pointer (&request_id);
}

static char *
open_name (GBytes      *sealed,
           GBytes      *submission_public,
           const CtKey *submission_secret)
{
  gsize len = 0;
  guint8 *plain = box_open (sealed, submission_public, submission_secret, &len);
  char *name;

  if (plain == NULL)
    return g_strdup (_("(name cannot be read)"));
  plain[len] = '\0';
  name = g_utf8_validate ((const char *) plain, len, NULL) ? g_strndup ((const char *) plain, len)
                                                            : g_strdup (_("(name cannot be read)"));
  sodium_free (plain);
  return name;
}

static gboolean
list_members_body (CtStoreTransaction  *txn,
                   gpointer             user_data,
                   GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(GBytes) submission_public = NULL;
  g_autoptr(CtKey) submission_secret = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (pg == NULL)
    return FALSE;
  submission_secret = read_submission_secret (self, &submission_public, error);
  if (submission_secret == NULL)
    return FALSE;
  rows = query (pg, op->requests
                  ? "SELECT id, requested_by::text, box_public_key, sign_public_key, name_sealed,"
                    " (extract(epoch FROM requested_at) * 1000000)::bigint FROM member_requests ORDER BY requested_at"
                  : "SELECT id, pg_user::text, box_public_key, sign_public_key, name_sealed,"
                    " (extract(epoch FROM added_at) * 1000000)::bigint FROM members ORDER BY added_at",
                error, NULL);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      CtMemberInfo *info = g_new0 (CtMemberInfo, 1);

      info->id = bytes_to_text (row_value (rows, i, 0));
      info->pg_user = bytes_to_text (row_value (rows, i, 1));
      info->fingerprint = make_fingerprint (row_value (rows, i, 2), row_value (rows, i, 3));
      info->name = open_name (row_value (rows, i, 4), submission_public, submission_secret);
      info->at = ct_pg_value_int64 (row_value (rows, i, 5));
      g_ptr_array_add (op->out_list, info);
    }
  return TRUE;
}

/**
 * ct_store_list_members_sync:
 * @store: a store on a server
 * @requests: list the requests to join rather than the members
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtMemberInfo): the members or
 *   requests, oldest first, or %NULL on error
 */
GPtrArray *
ct_store_list_members_sync (CtStore   *store,
                            gboolean   requests,
                            GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_member_info_free);
  MemberOp op = { .out_list = list, .requests = requests };

  if (!ct_store_run_transaction_sync (store, list_members_body, &op, error))
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
approve_body (CtStoreTransaction  *txn,
              gpointer             user_data,
              GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autoptr(GBytes) sealed_master = NULL;
  g_autoptr(CtKey) master = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *member_id = NULL;
  GBytes *box_public;

  if (pg == NULL)
    return FALSE;
  id = text_bytes (op->id);
  rows = query (pg, "SELECT requested_by::text, box_public_key, sign_public_key, name_sealed"
                    " FROM member_requests WHERE id = $1", error, id, NULL);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("There is no request to join with the id “%s”. “caretrail-admin member-requests” lists them."),
                   op->id);
      return FALSE;
    }
  box_public = row_value (rows, 0, 1);
  if (!is_public_key (box_public) || row_value (rows, 0, 2) == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The request to join “%s” is damaged. Ask them to ask again."), op->id);
      return FALSE;
    }
  fingerprint = make_fingerprint (box_public, row_value (rows, 0, 2));
  if (g_strcmp0 (fingerprint, op->fingerprint) != 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The fingerprint given does not match the request’s (%s). Nobody was approved. Compare it with the one shown on the new member’s computer."),
                   fingerprint);
      return FALSE;
    }
  if (!ct_store_priv_find_member_master (self->backend, &master, error))
    return FALSE;
  if (master == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("This organisation’s key is kept in a keyring, not sealed to members, so nobody can be approved."));
      return FALSE;
    }

  sealed_master = box_seal (master->bytes, CT_KEY_BYTES, box_public);
  done = query (pg, "INSERT INTO members (id, pg_user, box_public_key, sign_public_key, name_sealed, sealed_master)"
                    " SELECT id, requested_by, box_public_key, sign_public_key, name_sealed, $2"
                    " FROM member_requests WHERE id = $1",
                error, id, sealed_master, NULL);
  if (done == NULL)
    return FALSE;
  g_clear_pointer (&done, g_ptr_array_unref);
  done = query (pg, "DELETE FROM member_requests WHERE id = $1", error, id, NULL);
  return done != NULL && grant_member_role (pg, row_value (rows, 0, 0), TRUE, error) &&
         notify_changed (pg, error) &&
         keep_member_keys (self, box_public, row_value (rows, 0, 2), &member_id, error) &&
         ct_store_priv_append_audit (self, SYSTEM_STAFF, "approve-member", member_id, error);
}

/**
 * ct_store_approve_member_sync:
 * @store: a store on a server, opened by a member
 * @request_id: the request to join
 * @fingerprint: the fingerprint the new member read out, which must be
 *   the request's
 * @error: return location for an error
 *
 * Seals the master key to the new member and gives their server login the
 * member role. The member keeps the request's id.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_approve_member_sync (CtStore     *store,
                              const char  *request_id,
                              const char  *fingerprint,
                              GError     **error)
{
  MemberOp op = { .id = request_id, .fingerprint = fingerprint };

  return ct_store_run_transaction_sync (store, approve_body, &op, error);
}

static gboolean
decline_body (CtStoreTransaction  *txn,
              gpointer             user_data,
              GError             **error)
{
  MemberOp *op = user_data;
  CtPgBackend *pg = get_pg (txn->store->backend, error);
  g_autoptr(GBytes) id = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  if (pg == NULL)
    return FALSE;
  id = text_bytes (op->id);
  rows = query (pg, "DELETE FROM member_requests WHERE id = $1 RETURNING id", error, id, NULL);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("There is no request to join with the id “%s”. “caretrail-admin member-requests” lists them."),
                   op->id);
      return FALSE;
    }
  return notify_changed (pg, error) &&
         ct_store_priv_append_audit (txn->store, SYSTEM_STAFF, "decline-member", op->id, error);
}

/**
 * ct_store_decline_member_sync:
 * @store: a store on a server, opened by a member
 * @request_id: the request to join
 * @error: return location for an error
 *
 * Deletes the request; the person who asked is told it was declined when
 * their Caretrail next asks.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_decline_member_sync (CtStore     *store,
                              const char  *request_id,
                              GError     **error)
{
  MemberOp op = { .id = request_id };

  return ct_store_run_transaction_sync (store, decline_body, &op, error);
}

static gboolean
remove_body (CtStoreTransaction  *txn,
             gpointer             user_data,
             GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autofree char *member_id = NULL;

  if (pg == NULL)
    return FALSE;
  id = text_bytes (op->id);
  rows = query (pg, "SELECT pg_user::text, (SELECT count(*) FROM members), box_public_key, sign_public_key"
                    " FROM members WHERE id = $1",
                error, id, NULL);
  if (rows == NULL)
    return FALSE;
  if (rows->len == 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("There is no member with the id “%s”. “caretrail-admin members” lists them."), op->id);
      return FALSE;
    }
  if (ct_pg_value_int64 (row_value (rows, 0, 1)) <= 1)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("That is the organisation’s last member: without them nobody could open the records. Approve another member first."));
      return FALSE;
    }
  done = query (pg, "DELETE FROM members WHERE id = $1", error, id, NULL);
  if (done == NULL)
    return FALSE;
  /* The login keeps the role while another member row uses it. */
  others = query (pg, "SELECT 1 FROM members WHERE pg_user = $1::text::name", error, row_value (rows, 0, 0), NULL);
  if (others == NULL)
    return FALSE;
  if (others->len == 0 && !grant_member_role (pg, row_value (rows, 0, 0), FALSE, error))
    return FALSE;
  if (!notify_changed (pg, error))
    return FALSE;
  /* Their public keys stay in meta, so that what they signed still
   * verifies; the entry names them, so that nothing signed by them after
   * it does. */
  member_id = ct_store_priv_member_id_for_keys (row_value (rows, 0, 2), row_value (rows, 0, 3));
  return ct_store_priv_append_audit (self, SYSTEM_STAFF, "remove-member", member_id, error);
}

/**
 * ct_store_remove_member_sync:
 * @store: a store on a server, opened by a member
 * @member_id: the member to remove
 * @error: return location for an error
 *
 * Deletes the member's sealed master key and takes the member role from
 * their server login. Rotate the master key afterwards
 * (ct_store_rotate_master_sync()), so that what they may have kept opens
 * nothing written since.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_remove_member_sync (CtStore     *store,
                             const char  *member_id,
                             GError     **error)
{
  MemberOp op = { .id = member_id };

  return ct_store_run_transaction_sync (store, remove_body, &op, error);
}

/* }}} */

/* Rotation {{{ */

typedef struct
{
  CtStore *store;
  const CtKey *old_wrap;
  const CtKey *new_wrap;
  GPtrArray *ids;
  GPtrArray *wrapped;
} Rewrap;

static gboolean
rewrap_case_key_cb (const char  *case_id,
                    GBytes      *wrapped,
                    gpointer     user_data,
                    GError     **error)
{
  Rewrap *r = user_data;
  g_autofree char *label = ct_store_priv_make_label ("case", r->store->database_uuid, case_id);
  g_autoptr(CtKey) key = NULL;

  key = ct_crypto_unwrap_key (r->old_wrap, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), label, NULL);
  if (key == NULL)
    {
      ct_store_priv_set_tampered (error, "case_keys", case_id);
      return FALSE;
    }
  g_ptr_array_add (r->ids, g_strdup (case_id));
  g_ptr_array_add (r->wrapped, ct_crypto_wrap_key (r->new_wrap, key, label));
  return TRUE;
}

static gboolean
rotate_body (CtStoreTransaction  *txn,
             gpointer             user_data,
             GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(CtKey) master = NULL;
  g_autoptr(CtKey) new_master = NULL;
  g_autoptr(CtKey) new_wrap = NULL;
  g_autoptr(CtKey) root = NULL;
  g_autoptr(CtKey) root_seal = NULL;
  g_autoptr(CtKey) submission_secret = NULL;
  g_autoptr(GBytes) root_sealed = NULL;
  g_autoptr(GBytes) root_bytes = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) wrapped = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) members = NULL;
  g_autofree char *root_label = ct_store_priv_make_label (ROOT_LABEL, self->database_uuid, NULL);
  g_autofree char *recovery_label = ct_store_priv_make_label ("recovery", self->database_uuid, NULL);
  g_autofree char *vault_label = ct_store_priv_make_label ("vault", self->database_uuid, NULL);
  g_autofree char *submission_label = ct_store_priv_make_label (SUBMISSION_LABEL, self->database_uuid, NULL);
  GError *local_error = NULL;
  gint64 generation;
  Rewrap r;

  if (pg == NULL || !ct_store_priv_find_member_master (self->backend, &master, error))
    return FALSE;
  if (master == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("This organisation’s key is kept in a keyring, not sealed to members, so it cannot be rotated."));
      return FALSE;
    }
  generation = ct_store_priv_read_key_generation (self->backend, error);
  if (generation < 0)
    return FALSE;

  /* The root: the first master key, sealed under the current one once
   * the key has been rotated before. */
  root_sealed = ct_store_backend_get_meta (self->backend, META_ROOT_SEALED, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (root_sealed == NULL)
    root = ct_key_copy (master);
  else
    {
      g_autoptr(CtKey) old_seal = ct_key_derive (master, CT_SUBKEY_ROOT);

      root_bytes = ct_crypto_open (old_seal, g_bytes_get_data (root_sealed, NULL), g_bytes_get_size (root_sealed),
                                   root_label, NULL);
      if (root_bytes != NULL)
        root = ct_key_new_from_bytes (g_bytes_get_data (root_bytes, NULL), g_bytes_get_size (root_bytes));
      if (root == NULL)
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                       _("The organisation’s first key, sealed on the server, has been altered, so the key was not rotated."));
          return FALSE;
        }
    }
  submission_secret = read_submission_secret (self, NULL, error);
  if (submission_secret == NULL)
    return FALSE;

  /* The entry first: appending checks the sealed head against the
   * settings as they were; the head written at commit seals the new ones. */
  if (!ct_store_priv_append_audit (self, SYSTEM_STAFF, "rotate-master-key", NULL, error))
    return FALSE;

  new_master = ct_key_new_random ();
  new_wrap = ct_key_derive (new_master, CT_SUBKEY_WRAP);
  root_seal = ct_key_derive (new_master, CT_SUBKEY_ROOT);

  r = (Rewrap) { self, self->keys.wrap, new_wrap, ids, wrapped };
  if (!ct_store_backend_foreach_case_key (self->backend, rewrap_case_key_cb, &r, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GBytes) case_id = text_bytes (g_ptr_array_index (ids, i));
      g_autoptr(GPtrArray) done = query (pg, "UPDATE case_keys SET wrapped = $2 WHERE case_id = $1", error,
                                         case_id, g_ptr_array_index (wrapped, i), NULL);

      if (done == NULL)
        return FALSE;
    }

  if (!ct_store_backend_set_meta (self->backend, META_VAULT,
                                  ct_crypto_wrap_key (new_wrap, self->keys.vault, vault_label), error) ||
      !ct_store_backend_set_meta (self->backend, META_SUBMISSION_SECRET,
                                  ct_crypto_wrap_key (new_wrap, submission_secret, submission_label), error) ||
      !ct_store_backend_set_meta (self->backend, META_ROOT_SEALED,
                                  ct_crypto_seal (root_seal, root->bytes, CT_KEY_BYTES, root_label), error) ||
      !ct_store_backend_set_meta (self->backend, META_RECOVERY_SALT,
                                  g_bytes_new (op->recovery_salt, CT_SALT_BYTES), error) ||
      !ct_store_backend_set_meta (self->backend, META_RECOVERY_OPS,
                                  int64_bytes (ct_crypto_recovery_opslimit ()), error) ||
      !ct_store_backend_set_meta (self->backend, META_RECOVERY_MEM,
                                  int64_bytes (ct_crypto_recovery_memlimit ()), error) ||
      !ct_store_backend_set_meta (self->backend, META_RECOVERY_WRAPPED,
                                  ct_crypto_seal (op->recovery_key, new_master->bytes, CT_KEY_BYTES, recovery_label), error) ||
      !ct_store_backend_set_meta (self->backend, META_KEY_GENERATION, int64_bytes (generation + 1), error))
    return FALSE;

  members = query (pg, "SELECT id, box_public_key FROM members", error, NULL);
  if (members == NULL)
    return FALSE;
  for (guint i = 0; i < members->len; i++)
    {
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GPtrArray) done = NULL;

      if (!is_public_key (row_value (members, i, 1)))
        continue;
      sealed = box_seal (new_master->bytes, CT_KEY_BYTES, row_value (members, i, 1));
      done = query (pg, "UPDATE members SET sealed_master = $2 WHERE id = $1", error,
                    row_value (members, i, 0), sealed, NULL);
      if (done == NULL)
        return FALSE;
    }

  /* From here on this store wraps with the new key, and the sealed
   * settings it changed are sealed into the audit head afresh. */
  /* A keyring that kept the old key for backups keeps the new one. */
  if (ct_keyring_get_state (self->database_uuid) == CT_KEYRING_STATE_PRESENT &&
      !ct_keyring_store_key (self->database_uuid, new_master, error))
    return FALSE;

  ct_key_free (self->keys.wrap);
  self->keys.wrap = g_steal_pointer (&new_wrap);
  self->key_generation = generation + 1;
  return ct_store_priv_compute_meta_mac (self, self->backend, self->meta_mac, error);
}

/**
 * ct_store_rotate_master_sync:
 * @store: a store on a server, opened by a member
 * @out_recovery_code: (out): the organisation's new recovery code; show it
 *   once, as when the database was made
 * @error: return location for an error
 *
 * Makes a new master key, wraps every case key, the vault key and the
 * submission key under it (the records themselves are not re-encrypted)
 * and seals it to every remaining member; the old master key is no longer
 * stored anywhere. A new recovery code recovers the new key; the old code
 * opens nothing any more, so a member removed before the rotation who
 * knew it cannot use it. Other desks that have the database open take up
 * the new key at their next write (ct_store_priv_follow_rotation()).
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_rotate_master_sync (CtStore     *store,
                             char       **out_recovery_code,
                             GError     **error)
{
  g_autoptr(CtKey) recovery_key = NULL;
  guint8 raw[CT_RECOVERY_BYTES];
  guint8 salt[CT_SALT_BYTES];
  MemberOp op = { 0 };
  char *code;

  g_return_val_if_fail (out_recovery_code != NULL, FALSE);

  /* The new code is stretched before the transaction, which holds the
   * chain's lock and would keep every other desk waiting meanwhile. */
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

  op.recovery_key = recovery_key;
  op.recovery_salt = salt;
  if (!ct_store_run_transaction_sync (store, rotate_body, &op, error))
    {
      ct_crypto_free_string (code);
      return FALSE;
    }
  *out_recovery_code = code;
  return TRUE;
}

/* }}} */

/* Submissions {{{ */

/* Which server a pinned key belongs to: its host, port and database,
 * whoever logs in. */
static char *
server_identity (const char *location)
{
  PQconninfoOption *options = PQconninfoParse (location, NULL);
  const char *host = "", *port = "", *dbname = "";
  char *identity;

  if (options == NULL)
    return g_strdup (location);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "host"))
        host = o->val;
      else if (g_str_equal (o->keyword, "port"))
        port = o->val;
      else if (g_str_equal (o->keyword, "dbname"))
        dbname = o->val;
    }
  identity = g_strdup_printf ("%s:%s/%s", host, port, dbname);
  PQconninfoFree (options);
  return identity;
}

/* Staff can check the submission key against nothing they hold: the
 * members' public keys come from the same server, so a hostile server
 * that swaps the submission key can as easily swap the keys that would
 * have signed it, and a signature checked against them would prove
 * nothing. Without a trust anchor on the staff member's own computer, the
 * first key seen is pinned (trust on first use, in their configuration
 * folder) and any other key afterwards is refused, with nothing sent. */
static gboolean
check_pinned_submission_key (const char  *location,
                             GBytes      *public_key,
                             GError     **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "caretrail", NULL);
  g_autofree char *path = g_build_filename (dir, "submission-keys.ini", NULL);
  g_autofree char *identity = server_identity (location);
  g_autofree char *hex = hex_of (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
  g_autofree char *pinned = NULL;
  g_autoptr(GKeyFile) file = g_key_file_new ();
  GError *local_error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The organisation keys you trust, in %s, cannot be read (%s), so nothing was sent."),
                       path, local_error->message);
          g_error_free (local_error);
          return FALSE;
        }
      g_clear_error (&local_error);
    }

  pinned = g_key_file_get_string (file, identity, "submission-public-key", NULL);
  if (pinned != NULL)
    {
      if (g_str_equal (pinned, hex))
        return TRUE;
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The organisation’s key on the server “%s” is not the one your concerns were sealed to before, so nothing was sent: someone may be trying to read them. Tell the Designated Safeguarding Officer in person."),
                   location);
      return FALSE;
    }

  g_key_file_set_string (file, identity, "submission-public-key", hex);
  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_key_file_save_to_file (file, path, &local_error))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The organisation’s key could not be kept in %s (%s), so nothing was sent."),
                   path, local_error != NULL ? local_error->message : g_strerror (errno));
      g_clear_error (&local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_submission_submit_sync:
 * @location: a server's address, whose user is in the staff role
 * @answers: the concern's answers (see ct_step_form_get() for
 *   %CT_EVENT_CONCERN_RECORDED)
 * @out_id: (out): the receipt's id
 * @out_submitted_at: (out): when the server took it, unix microseconds
 * @error: return location for an error
 *
 * Seals the concern to the organisation's submission public key and hands
 * it in. Nothing is read from the server but that public key.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_submission_submit_sync (const char  *location,
                           GHashTable  *answers,
                           char       **out_id,
                           gint64      *out_submitted_at,
                           GError     **error)
{
  g_autoptr(CtPgBackend) pg = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autofree char *receipt = NULL;
  GBytes *public_key;
  guint8 *plain;
  gsize size;
  gboolean ok;

  if (!ct_crypto_init (error))
    return FALSE;
  if (!ct_pg_backend_is_location (location))
    {
      set_not_on_server (error);
      return FALSE;
    }
  pg = ct_pg_backend_new (location);
  if (!ct_store_backend_open (CT_STORE_BACKEND (pg), 0, error))
    return FALSE;
  rows = query (pg, "SELECT " CT_PG_SCHEMA ".submission_public_key ()", error, NULL);
  public_key = rows != NULL && rows->len == 1 ? row_value (rows, 0, 0) : NULL;
  if (rows != NULL && !is_public_key (public_key))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE,
                 _("The organisation on the server “%s” cannot take concerns from staff yet. Ask the Designated Safeguarding Officer."),
                 location);
  if (!is_public_key (public_key) || !check_pinned_submission_key (location, public_key, error))
    {
      ct_store_backend_close (CT_STORE_BACKEND (pg));
      return FALSE;
    }

  /* Serialised into a buffer of its own (GVariant needs it aligned, as
   * sodium_malloc() does not), sealed, and wiped. */
  fields = g_variant_ref_sink (ct_answers_to_variant (answers));
  size = g_variant_get_size (fields);
  plain = g_malloc0 (size + 8);
  g_variant_store (fields, plain);
  sealed = box_seal (plain, size, public_key);
  sodium_memzero (plain, size);
  g_free (plain);

  receipt = g_uuid_string_random ();
  id = text_bytes (receipt);
  /* The time is the transaction's, which is what the row's default
   * takes: staff may not read the row back. */
  ok = (done = query (pg, "BEGIN", error, NULL)) != NULL;
  g_clear_pointer (&done, g_ptr_array_unref);
  if (ok)
    ok = (done = query (pg, "INSERT INTO submissions (id, sealed) VALUES ($1, $2)", error, id, sealed, NULL)) != NULL;
  g_clear_pointer (&done, g_ptr_array_unref);
  g_clear_pointer (&rows, g_ptr_array_unref);
  if (ok)
    ok = (rows = query (pg, "SELECT (extract(epoch FROM now()) * 1000000)::bigint", error, NULL)) != NULL;
  /* The members' desks list the new concern when this commits. */
  if (ok)
    {
      g_autoptr(GBytes) token = text_bytes (ct_pg_backend_get_token (pg));

      ok = (done = query (pg, "SELECT pg_notify('" CT_PG_CHANGED_CHANNEL "', $1)", error, token, NULL)) != NULL;
      g_clear_pointer (&done, g_ptr_array_unref);
    }
  if (ok)
    ok = (done = query (pg, "COMMIT", error, NULL)) != NULL;
  else
    done = query (pg, "ROLLBACK", NULL, NULL);
  ct_store_backend_close (CT_STORE_BACKEND (pg));
  if (!ok)
    return FALSE;

  *out_id = g_steal_pointer (&receipt);
  *out_submitted_at = ct_pg_value_int64 (row_value (rows, 0, 0));
  return TRUE;
}

static GHashTable *
open_submission (GBytes      *sealed,
                 GBytes      *public_key,
                 const CtKey *secret)
{
  g_autoptr(GVariant) fields = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  guint8 *plain = box_open (sealed, public_key, secret, &len);

  if (plain == NULL)
    return NULL;
  bytes = ct_crypto_bytes_new_wiped (plain, len);
  sodium_free (plain);
  /* Untrusted: GVariant checks each part as it is read. */
  fields = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  return ct_answers_from_variant (fields);
}

static gboolean
list_submissions_body (CtStoreTransaction  *txn,
                       gpointer             user_data,
                       GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  CtPgBackend *pg = get_pg (self->backend, error);
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(CtKey) secret = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) id = op->id != NULL ? text_bytes (op->id) : NULL;

  if (pg == NULL)
    return FALSE;
  secret = read_submission_secret (self, &public_key, error);
  if (secret == NULL)
    return FALSE;
  rows = query (pg, op->id != NULL
                  ? "SELECT id, (extract(epoch FROM submitted_at) * 1000000)::bigint, submitted_by::text, sealed, case_id"
                    " FROM submissions WHERE id = $1"
                  : "SELECT id, (extract(epoch FROM submitted_at) * 1000000)::bigint, submitted_by::text, sealed, case_id"
                    " FROM submissions ORDER BY submitted_at, id",
                error, id, NULL);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      CtSubmission *s = g_new0 (CtSubmission, 1);

      s->id = bytes_to_text (row_value (rows, i, 0));
      s->submitted_at = ct_pg_value_int64 (row_value (rows, i, 1));
      s->submitted_by = bytes_to_text (row_value (rows, i, 2));
      s->answers = open_submission (row_value (rows, i, 3), public_key, secret);
      s->case_id = bytes_to_text (row_value (rows, i, 4));
      g_ptr_array_add (op->out_list, s);
    }
  return TRUE;
}

/**
 * ct_store_list_submissions_sync:
 * @store: a store on a server, opened by a member
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtSubmission): every concern
 *   handed in by staff, oldest first (one that cannot be opened has %NULL
 *   answers), or %NULL on error
 */
GPtrArray *
ct_store_list_submissions_sync (CtStore  *store,
                                GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_submission_free);
  MemberOp op = { .out_list = list };

  if (!ct_store_run_transaction_sync (store, list_submissions_body, &op, error))
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
accept_body (CtStoreTransaction  *txn,
             gpointer             user_data,
             GError             **error)
{
  MemberOp *op = user_data;
  CtStore *self = txn->store;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GPtrArray) done = NULL;
  g_autoptr(GBytes) id = NULL;
  g_autoptr(GBytes) case_id = NULL;
  CtSubmission *s;

  if (!list_submissions_body (txn, op, error))
    return FALSE;
  if (op->out_list->len == 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("There is no concern from staff with the id “%s”. “caretrail-admin submissions” lists them."),
                   op->id);
      return FALSE;
    }
  s = g_ptr_array_index (op->out_list, 0);
  if (s->case_id != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT,
                   _("The concern “%s” is already a case."), op->id);
      return FALSE;
    }
  if (s->answers == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The concern “%s” cannot be opened with the organisation’s submission key: it was not sealed by Caretrail, or it has been altered."),
                   op->id);
      return FALSE;
    }

  /* The concern was raised when it was handed in: the escalation clock
   * starts then, not when a member got to it. */
  at = g_date_time_new_from_unix_utc (s->submitted_at / G_USEC_PER_SEC);
  t = ct_case_service_record_in_transaction (op->service, txn, NULL, CT_EVENT_CONCERN_RECORDED, s->answers,
                                             op->staff_id, at, &case_record, error);
  if (t == NULL)
    return FALSE;

  id = text_bytes (op->id);
  case_id = text_bytes (ct_record_get_id (case_record));
  done = query (CT_PG_BACKEND (self->backend),
                "UPDATE submissions SET case_id = $2, accepted_at = now() WHERE id = $1", error, id, case_id, NULL);
  if (done == NULL ||
      !ct_store_priv_append_audit (self, op->staff_id, "accept-submission", ct_record_get_id (case_record), error))
    return FALSE;
  op->out_text = g_strdup (ct_record_get_reference (case_record));
  return TRUE;
}

/**
 * ct_store_accept_submission_sync:
 * @store: a store on a server, opened by a member
 * @service: the case service of @store
 * @submission_id: the concern handed in
 * @staff_id: the member of staff opening the case
 * @error: return location for an error
 *
 * Opens a case with the concern, through the case service's concern step,
 * as raised when it was handed in. The sealed original stays on the
 * server, marked with the case it became.
 *
 * Returns: (transfer full): the new case's reference, or %NULL on error
 */
char *
ct_store_accept_submission_sync (CtStore        *store,
                                 CtCaseService  *service,
                                 const char     *submission_id,
                                 const char     *staff_id,
                                 GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_submission_free);
  MemberOp op = { .id = submission_id, .service = service, .staff_id = staff_id, .out_list = list };

  if (!ct_store_run_transaction_sync (store, accept_body, &op, error))
    {
      g_free (op.out_text);
      return NULL;
    }
  return op.out_text;
}

/* }}} */

/* Membership on this computer {{{ */

/*
 * Which member keys this computer made for which server, by public key
 * only (the secret keys are in the keyring), in memberships.ini in the
 * configuration folder, with the organisation's name once it is known.
 * With them, someone not (or no longer) a member is told why: asked and
 * waiting, declined, or removed. The server answers through
 * membership_status(), which anyone with a login may call about keys they
 * hold; a hostile server could lie, but the answer only chooses a message:
 * nothing opens or is sent because of it.
 */

static char *
memberships_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "caretrail", "memberships.ini", NULL);
}

static GKeyFile *
load_memberships (GError **error)
{
  g_autofree char *path = memberships_path ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  GError *local_error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The list of organisations you asked to join, in %s, cannot be read (%s)."),
                       path, local_error->message);
          g_error_free (local_error);
          return NULL;
        }
      g_clear_error (&local_error);
    }
  return g_steal_pointer (&file);
}

static gboolean
save_memberships (GKeyFile  *file,
                  GError   **error)
{
  g_autofree char *path = memberships_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  GError *local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 || !g_key_file_save_to_file (file, path, &local_error))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("Caretrail could not keep a note of the organisation in %s (%s). Check that you may write to your home folder."),
                   path, local_error != NULL ? local_error->message : g_strerror (errno));
      g_clear_error (&local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
remember_keys (const char  *location,
               GBytes      *box_public,
               GBytes      *sign_public,
               GError     **error)
{
  g_autoptr(GKeyFile) file = load_memberships (error);
  g_autofree char *identity = server_identity (location);
  g_autofree char *hex = NULL;
  g_autofree char *member_id = NULL;

  if (file == NULL)
    return FALSE;
  hex = hex_of (g_bytes_get_data (box_public, NULL), g_bytes_get_size (box_public));
  member_id = ct_store_priv_member_id_for_keys (box_public, sign_public);
  g_key_file_set_string (file, identity, "box-public-key", hex);
  g_key_file_set_string (file, identity, "member-id", member_id);
  return save_memberships (file, error);
}

/**
 * ct_membership_remember_organisation:
 * @location: a server's address
 * @name: the organisation's name, as its records give it
 * @error: return location for an error
 *
 * Keeps @name with this computer's keys for @location, so that messages
 * about the membership can name the organisation when its records cannot
 * be read. Does nothing if this computer made no keys for @location.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_membership_remember_organisation (const char  *location,
                                     const char  *name,
                                     GError     **error)
{
  g_autoptr(GKeyFile) file = load_memberships (error);
  g_autofree char *identity = server_identity (location);
  g_autofree char *known = NULL;

  if (file == NULL)
    return FALSE;
  if (!g_key_file_has_group (file, identity))
    return TRUE;
  known = g_key_file_get_string (file, identity, "organisation", NULL);
  if (g_strcmp0 (known, name) == 0)
    return TRUE;
  g_key_file_set_string (file, identity, "organisation", name);
  return save_memberships (file, error);
}

/**
 * ct_membership_watch_new:
 * @location: a server's address
 * @func: called on the thread-default main context when something on the
 *   server changed, such as a request being approved
 * @user_data: data for @func
 *
 * Listens for changes on the server, as an open store does, for someone
 * waiting to be approved, who may read nothing there yet: ask again with
 * ct_membership_lookup_sync() when @func is called. Stop it with
 * ct_pg_watch_stop().
 *
 * Returns: (transfer full) (nullable): the watch, or %NULL for an address
 *   that is not a server's
 */
CtPgWatch *
ct_membership_watch_new (const char  *location,
                         void       (*func) (gpointer user_data),
                         gpointer     user_data)
{
  g_autoptr(CtPgBackend) pg = NULL;
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  if (!ct_pg_backend_is_location (location))
    return NULL;
  pg = ct_pg_backend_new (location);
  return ct_pg_watch_new (pg, context, func, user_data);
}

/**
 * ct_membership_watch_stop:
 * @watch: (transfer full): a watch from ct_membership_watch_new()
 *
 * Stops listening; the watch's function is not called again.
 */
void
ct_membership_watch_stop (CtPgWatch *watch)
{
  ct_pg_watch_stop (watch);
}

/**
 * ct_membership_lookup_sync:
 * @location: a server's address
 * @out_membership: (out): what the keys this computer made for @location
 *   are on the server
 * @error: return location for an error
 *
 * Asks the server about the member keys this computer made for it, if
 * any; none is %CT_MEMBERSHIP_NONE, without asking.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_membership_lookup_sync (const char    *location,
                           CtMembership  *out_membership,
                           GError       **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(CtPgBackend) pg = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GBytes) box_public = NULL;
  g_autoptr(GBytes) member_id = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *id = NULL;
  g_autofree char *status = NULL;
  guint8 raw[crypto_box_PUBLICKEYBYTES];
  gsize len = 0;

  *out_membership = CT_MEMBERSHIP_NONE;
  if (!ct_pg_backend_is_location (location))
    return TRUE;
  file = load_memberships (error);
  if (file == NULL)
    return FALSE;
  identity = server_identity (location);
  hex = g_key_file_get_string (file, identity, "box-public-key", NULL);
  id = g_key_file_get_string (file, identity, "member-id", NULL);
  if (hex == NULL || id == NULL ||
      sodium_hex2bin (raw, sizeof raw, hex, strlen (hex), NULL, &len, NULL) != 0 || len != sizeof raw)
    return TRUE;

  if (!ct_crypto_init (error))
    return FALSE;
  pg = ct_pg_backend_new (location);
  if (!ct_store_backend_open (CT_STORE_BACKEND (pg), 0, error))
    return FALSE;
  box_public = g_bytes_new (raw, sizeof raw);
  member_id = text_bytes (id);
  rows = query (pg, "SELECT " CT_PG_SCHEMA ".membership_status ($1, $2)", error, box_public, member_id, NULL);
  ct_store_backend_close (CT_STORE_BACKEND (pg));
  if (rows == NULL || rows->len != 1)
    {
      if (rows != NULL)
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                     _("The server “%s” did not say whether you are a member."), location);
      return FALSE;
    }
  status = bytes_to_text (row_value (rows, 0, 0));
  if (g_strcmp0 (status, "member") == 0)
    *out_membership = CT_MEMBERSHIP_MEMBER;
  else if (g_strcmp0 (status, "requested") == 0)
    *out_membership = CT_MEMBERSHIP_REQUESTED;
  else if (g_strcmp0 (status, "removed") == 0)
    *out_membership = CT_MEMBERSHIP_REMOVED;
  else
    *out_membership = CT_MEMBERSHIP_DECLINED;
  return TRUE;
}

/**
 * ct_membership_explain_error:
 * @location: the address of a server that could not be opened
 * @error: (inout): why not
 *
 * Replaces @error, when the server says this computer's keys were
 * removed, are waiting for approval or were declined, with a sentence
 * that says so. Any other error, or one about a file, is left as it is.
 */
void
ct_membership_explain_error (const char  *location,
                             GError     **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *organisation = NULL;
  g_autofree char *name = NULL;
  CtMembership membership = CT_MEMBERSHIP_NONE;

  if (error == NULL || *error == NULL || !ct_pg_backend_is_location (location) ||
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* What the server says about the keys only matters if it was the
   * keys, or the login's rights, that kept the records shut. */
  if (!ct_membership_lookup_sync (location, &membership, NULL) ||
      membership == CT_MEMBERSHIP_NONE || membership == CT_MEMBERSHIP_MEMBER)
    return;

  file = load_memberships (NULL);
  identity = server_identity (location);
  organisation = file != NULL ? g_key_file_get_string (file, identity, "organisation", NULL) : NULL;
  /* Translators: how a message names an organisation whose name is not
   * known here; %s is a server's address. */
  name = organisation != NULL ? g_strdup (organisation)
                              : g_strdup_printf (_("the organisation on the server “%s”"), location);

  g_clear_error (error);
  switch (membership)
    {
    case CT_MEMBERSHIP_REMOVED:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER,
                   _("Your membership of %s has been removed, so its records no longer open here. If this is a mistake, ask its Designated Safeguarding Officer, then ask to join again."),
                   name);
      break;
    case CT_MEMBERSHIP_REQUESTED:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER,
                   _("Your request to join %s has not been approved yet. Read your fingerprint to a member, who approves you, then try again."),
                   name);
      break;
    case CT_MEMBERSHIP_DECLINED:
    default:
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER,
                   _("Your request to join %s was declined, so its records do not open here. Ask its Designated Safeguarding Officer, then ask to join again if they agree."),
                   name);
      break;
    }
}

/* }}} */

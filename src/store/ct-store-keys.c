/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-crypto.h"

/*
 * The store's keys and the envelope of every row: the sub-keys derived from
 * the master key, the key check, the case keys wrapped by the wrapping
 * sub-key, the encryption and authentication of rows with their associated
 * data, and the blind index of names.
 */

/* Keys {{{ */

void
ct_store_priv_keys_clear (Keys *keys)
{
  g_clear_pointer (&keys->wrap, ct_key_free);
  g_clear_pointer (&keys->audit, ct_key_free);
  g_clear_pointer (&keys->audit_hmac, ct_hmac_key_free);
  g_clear_pointer (&keys->blind, ct_key_free);
  g_clear_pointer (&keys->general, ct_key_free);
  g_clear_pointer (&keys->check, ct_key_free);
  g_clear_pointer (&keys->vault, ct_key_free);
  if (keys->case_keys != NULL)
    {
      /* Thousands of case keys are wiped in one pass rather than one by one. */
      g_autoptr(GPtrArray) case_keys = g_ptr_array_new_full (g_hash_table_size (keys->case_keys), NULL);
      GHashTableIter iter;
      gpointer case_id, key;

      g_hash_table_iter_init (&iter, keys->case_keys);
      while (g_hash_table_iter_next (&iter, &case_id, &key))
        {
          g_hash_table_iter_steal (&iter);
          g_free (case_id);
          g_ptr_array_add (case_keys, key);
        }
      ct_key_free_many ((CtKey **) case_keys->pdata, case_keys->len);
      g_clear_pointer (&keys->case_keys, g_hash_table_unref);
    }
}

void
ct_store_priv_keys_derive (Keys        *keys,
                           const CtKey *master)
{
  ct_store_priv_keys_clear (keys);
  keys->wrap = ct_key_derive (master, CT_SUBKEY_WRAP);
  keys->audit = ct_key_derive (master, CT_SUBKEY_AUDIT);
  keys->audit_hmac = ct_hmac_key_new (keys->audit);
  keys->blind = ct_key_derive (master, CT_SUBKEY_BLIND);
  keys->general = ct_key_derive (master, CT_SUBKEY_GENERAL);
  keys->check = ct_key_derive (master, CT_SUBKEY_CHECK);
  keys->case_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) ct_key_free);
  keys->case_keys_loaded = FALSE;
}

GBytes *
ct_store_priv_compute_key_check (const CtKey *check_key,
                                 const char  *uuid)
{
  g_autofree char *text = g_strconcat ("caretrail key check|", uuid, NULL);
  guint8 mac[CT_MAC_BYTES];

  ct_crypto_hmac (check_key, text, strlen (text), mac);
  return g_bytes_new (mac, sizeof mac);
}

char *
ct_store_priv_make_label (const char *what,
                          const char *uuid,
                          const char *id)
{
  return g_strdup_printf ("%s|%s|%s", what, uuid, id != NULL ? id : "");
}

/* }}} */

/* Encryption of rows {{{ */

void
ct_store_priv_set_tampered (GError     **error,
                            const char  *table,
                            const char  *id)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The record “%s” in “%s” has been altered or damaged outside Caretrail: its encrypted data does not match. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
               id, table);
}

/* The associated data of a record's ciphertext: the database, the table,
 * the row, the column and every plaintext column, length-prefixed. So the
 * ciphertext cannot move to another row, table, database or version, and
 * the plaintext metadata beside it cannot be changed unnoticed. */
void
ct_store_priv_record_associated_data (CtStore          *self,
                                      const CtStoreRow *row,
                                      Buf              *buf)
{
  buf_init (buf);
  append_field (buf, "caretrail-record-v1");
  append_field (buf, self->database_uuid);
  append_field (buf, ct_record_kind_get_table (row->kind));
  append_field (buf, row->id);
  append_field (buf, "data");
  append_int64 (buf, row->version);
  append_field (buf, row->case_id);
  append_field (buf, row->state);
  append_field (buf, row->reference);
  append_int64 (buf, row->created_at);
  append_int64 (buf, row->updated_at);
  append_int64 (buf, row->due_at);
}

void
ct_store_priv_set_case_key_missing (GError     **error,
                                    const char  *case_id)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The key of case “%s” is missing from the database, so its records cannot be read. The case may have been erased, or the file altered: restore it from a backup."),
               case_id);
}

/* Reads the key of @case_id from the file and unwraps it. Returns %NULL
 * without an error if the file has none. */
CtKey *
ct_store_priv_read_case_key (CtStore     *self,
                             const char  *case_id,
                             GError     **error)
{
  g_autoptr(GBytes) wrapped = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;
  CtKey *key;

  wrapped = ct_store_backend_get_case_key (self->backend, case_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (wrapped == NULL)
    return NULL;

  label = ct_store_priv_make_label ("case", self->database_uuid, case_id);
  key = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                              g_bytes_get_size (wrapped), label, NULL);
  if (key == NULL)
    {
      gint64 generation_before = self->key_generation;

      /* A key wrapped since another desk rotated the master key opens
       * with the new key only: take it up, then try once more. */
      if (!ct_store_priv_follow_rotation (self, error))
        return NULL;
      if (self->key_generation != generation_before)
        key = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                                    g_bytes_get_size (wrapped), label, NULL);
    }
  if (key == NULL)
    ct_store_priv_set_tampered (error, "case_keys", case_id);
  return key;
}

static CtKey *
lookup_case_key (CtStore             *self,
                 CtStoreTransaction  *txn,
                 const char          *case_id,
                 gboolean             create,
                 gboolean             new_case,
                 GError             **error)
{
  GError *local_error = NULL;
  CtKey *key = NULL;

  key = g_hash_table_lookup (self->keys.case_keys, case_id);
  if (key != NULL)
    return key;

  /* A case being created has no key yet (records of a case can only be
   * stored once the case is), so there is nothing to look up. */
  if (!new_case)
    {
      key = ct_store_priv_read_case_key (self, case_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

  if (key != NULL)
    ;
  else if (create && txn != NULL)
    {
      g_autoptr(GBytes) new_wrapped = NULL;
      g_autofree char *label = ct_store_priv_make_label ("case", self->database_uuid, case_id);

      key = ct_key_new_random ();
      new_wrapped = ct_crypto_wrap_key (self->keys.wrap, key, label);
      if (!ct_store_backend_set_case_key (self->backend, case_id, new_wrapped, error))
        {
          ct_key_free (key);
          return NULL;
        }
      g_ptr_array_add (txn->new_case_ids, g_strdup (case_id));
    }
  else
    {
      ct_store_priv_set_case_key_missing (error, case_id);
      return NULL;
    }

  g_hash_table_insert (self->keys.case_keys, g_strdup (case_id), key);
  return key;
}

const char *
ct_store_priv_row_case_key_id (const CtStoreRow *row)
{
  if (row->kind == CT_RECORD_KIND_CASE)
    return row->id;
  return row->case_id;
}

CtKey *
ct_store_priv_key_for_row (CtStore             *self,
                           CtStoreTransaction  *txn,
                           const CtStoreRow    *row,
                           gboolean             create,
                           GError             **error)
{
  const char *case_id = ct_store_priv_row_case_key_id (row);

  if (row->kind == CT_RECORD_KIND_ALLEGATION)
    return self->keys.vault;
  if (case_id == NULL)
    return self->keys.general;
  return lookup_case_key (self, txn, case_id, create,
                          create && row->kind == CT_RECORD_KIND_CASE && row->version == 1,
                          error);
}

CtStoreRow *
ct_store_priv_row_from_record (CtRecord *record)
{
  CtStoreRow *row = ct_store_row_new ();

  row->kind = ct_record_get_kind (record);
  row->id = g_strdup (ct_record_get_id (record));
  row->case_id = g_strdup (ct_record_get_case_id (record));
  row->state = g_strdup (ct_record_get_state (record));
  row->reference = g_strdup (ct_record_get_reference (record));
  row->created_at = ct_record_get_created_at (record);
  row->updated_at = ct_record_get_updated_at (record);
  row->due_at = ct_record_get_due_at (record);
  row->version = ct_record_get_version (record);
  return row;
}

/* The digest by which an audit entry commits to a stored row: its
 * ciphertext and its associated data. */
void
ct_store_priv_digest_row (CtStore          *self,
                          const CtStoreRow *row,
                          guint8            out[CT_DIGEST_BYTES])
{
  Buf ad;

  ct_store_priv_record_associated_data (self, row, &ad);
  ct_crypto_digest_sealed (ad.data, ad.len, g_bytes_get_data (row->data, NULL),
                           g_bytes_get_size (row->data), out);
  buf_clear (&ad);
}

gboolean
ct_store_priv_encrypt_row (CtStore             *self,
                           CtStoreTransaction  *txn,
                           CtStoreRow          *row,
                           CtRecord            *record,
                           guint8               out_digest[CT_DIGEST_BYTES],
                           GError             **error)
{
  g_autoptr(GVariant) fields = ct_record_dup_fields (record);
  Buf ad;
  gsize size = g_variant_get_size (fields);
  guint8 *buffer;
  guint8 *plain;
  CtKey *key;

  key = ct_store_priv_key_for_row (self, txn, row, TRUE, error);
  if (key == NULL)
    return FALSE;

  /* Serialise straight into the sealed message's buffer, where it is
   * encrypted in place, so no copy of the plaintext is left behind. The
   * dictionary was just built from its parts, so this writes it in normal
   * form. */
  buffer = ct_crypto_seal_buffer_new (size, &plain);
  g_variant_store (fields, plain);
  ct_store_priv_record_associated_data (self, row, &ad);
  g_clear_pointer (&row->data, g_bytes_unref);
  row->data = ct_crypto_seal_in_place (key, buffer, size, ad.data, ad.len);
  ct_crypto_digest_sealed (ad.data, ad.len, g_bytes_get_data (row->data, NULL),
                           g_bytes_get_size (row->data), out_digest);
  buf_clear (&ad);

  return TRUE;
}

/* Builds the record that @row and its decrypted fields @plain describe. */
CtRecord *
ct_store_priv_record_from_plaintext (CtStoreRow *row,
                                     GBytes     *plain)
{
  g_autoptr(GVariant) fields = NULL;

  /* Authenticated, so these are the bytes some version of the store
   * serialised. They are still not trusted to be in normal form: GVariant
   * takes trusted data at its word, and a damaged entry then gives a NULL
   * name (a crash below) or a string without its nul. Untrusted, GVariant
   * checks each part as it is read and gives a damaged one as empty. */
  fields = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, plain, FALSE));

  /* The record takes the row's strings rather than copying them. */
  return ct_record_new_take (row->kind, g_steal_pointer (&row->id), g_steal_pointer (&row->case_id),
                             g_steal_pointer (&row->state), g_steal_pointer (&row->reference),
                             row->created_at, row->updated_at, row->due_at, row->version,
                             fields);
}

/* Decrypts @row with @key, authenticating it with its associated data;
 * takes the row's strings. */
CtRecord *
ct_store_priv_decrypt_row_with_key (CtStore      *self,
                                    CtStoreRow   *row,
                                    const CtKey  *key,
                                    GError      **error)
{
  g_autoptr(GBytes) plain = NULL;
  Buf ad;

  ct_store_priv_record_associated_data (self, row, &ad);
  plain = ct_crypto_open_full (key, g_bytes_get_data (row->data, NULL), g_bytes_get_size (row->data),
                               ad.data, ad.len, NULL);
  buf_clear (&ad);
  if (plain == NULL)
    {
      ct_store_priv_set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
      return NULL;
    }

  return ct_store_priv_record_from_plaintext (row, plain);
}

CtRecord *
ct_store_priv_decrypt_row (CtStore           *self,
                           CtStoreRow        *row,
                           GError           **error)
{
  CtKey *key;

  key = ct_store_priv_key_for_row (self, NULL, row, FALSE, error);
  if (key == NULL)
    return NULL;

  return ct_store_priv_decrypt_row_with_key (self, row, key, error);
}

GPtrArray *
ct_store_priv_decrypt_rows (CtStore    *self,
                            GPtrArray  *rows,
                            GError    **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    {
      CtRecord *record = ct_store_priv_decrypt_row (self, g_ptr_array_index (rows, i), error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
      /* The ciphertext is not needed any more: freeing it now lets the
       * next records reuse its memory. */
      g_clear_pointer (&g_ptr_array_index (rows, i), ct_store_row_free);
    }

  return g_steal_pointer (&records);
}

/* }}} */

/* Blind index {{{ */

GBytes *
ct_store_priv_blind_token (CtStore    *self,
                           const char *purpose,
                           const char *value)
{
  guint8 out[CT_MAC_BYTES];

  ct_crypto_blind_index (self->keys.blind, purpose, value, out);
  return g_bytes_new (out, sizeof out);
}

char *
ct_store_priv_full_name (const char *given,
                         const char *family)
{
  g_autofree char *joined = g_strjoin (" ", given != NULL ? given : "", family != NULL ? family : "", NULL);

  return ct_crypto_normalise_name (joined);
}

GPtrArray *
ct_store_priv_blind_tokens_for_record (CtStore  *self,
                                       CtRecord *record)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *name = ct_store_priv_full_name (ct_record_get_string (record, "given-names"),
                                                   ct_record_get_string (record, "family-name"));
  g_autofree char *family = ct_crypto_normalise_name (ct_record_get_string (record, "family-name"));
  const char *dob = ct_record_get_string (record, "date-of-birth");
  const char * const *aliases = ct_record_get_strv (record, "aliases");

  if (*name != '\0')
    g_ptr_array_add (tokens, ct_store_priv_blind_token (self, "name", name));
  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
    {
      g_autofree char *alias = ct_crypto_normalise_name (aliases[i]);

      if (*alias != '\0')
        g_ptr_array_add (tokens, ct_store_priv_blind_token (self, "name", alias));
    }
  if (dob != NULL && *dob != '\0' && *family != '\0')
    {
      g_autofree char *family_dob = g_strconcat (family, "|", dob, NULL);

      g_ptr_array_add (tokens, ct_store_priv_blind_token (self, "family-dob", family_dob));
    }

  return tokens;
}

/* }}} */

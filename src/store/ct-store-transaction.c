/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-crypto.h"
#include "ct-format.h"

/*
 * Transactions: inserting, correcting and reading records inside one
 * database transaction, reading a few fields of many records for lists,
 * and the CtStoreTransaction API that a caller's function is given.
 */

/* Reading chosen fields of many records {{{ */

/* A record's fields are an a{sv} dictionary serialised by g_variant_store().
 * Reading a handful of them from many records goes straight through the
 * serialised form (GVariant's own, documented framing): no dictionary is
 * built and nothing else is copied out of the plaintext. Everything is
 * bounds-checked; a dictionary that is not framed as GVariant frames one
 * is refused. */

static gsize
framing_offset_size (gsize size)
{
  if (size > G_MAXUINT32)
    return 8;
  if (size > G_MAXUINT16)
    return 4;
  if (size > G_MAXUINT8)
    return 2;
  return size > 0 ? 1 : 0;
}

static gsize
read_framing_offset (const guint8 *at,
                     gsize         offset_size)
{
  guint64 value = 0;

  for (gsize i = 0; i < offset_size; i++)
    value |= (guint64) at[i] << (8 * i);
  return (gsize) value;
}

static gsize
align8 (gsize offset)
{
  return (offset + 7) & ~(gsize) 7;
}

/* Sets values[i] to the value of the entry named names[i] of the
 * serialised a{sv} @data, copied into memory that is wiped when freed.
 * Should a name appear twice, the last entry wins, as it does when
 * ct_record_new_take() reads the whole dictionary. */
static gboolean
pick_fields (const guint8        *data,
             gsize                size,
             const char * const  *names,
             guint                n_names,
             GVariant           **values)
{
  gsize offset_size, table, n_entries, end = 0;

  if (size == 0)
    return TRUE;

  offset_size = framing_offset_size (size);
  table = read_framing_offset (data + size - offset_size, offset_size);
  if (table > size - offset_size || (size - table) % offset_size != 0)
    return FALSE;
  n_entries = (size - table) / offset_size;

  for (gsize i = 0; i < n_entries; i++)
    {
      gsize start = i == 0 ? 0 : align8 (end);
      const guint8 *entry;
      gsize entry_size, entry_offset_size, key_end, value_start, value_end, nul;

      end = read_framing_offset (data + table + i * offset_size, offset_size);
      if (start > end || end > table)
        return FALSE;

      entry = data + start;
      entry_size = end - start;
      entry_offset_size = framing_offset_size (entry_size);
      if (entry_size < 2 + entry_offset_size)
        return FALSE;
      key_end = read_framing_offset (entry + entry_size - entry_offset_size, entry_offset_size);
      value_start = align8 (key_end);
      value_end = entry_size - entry_offset_size;
      if (key_end < 1 || value_start > value_end || entry[key_end - 1] != '\0')
        return FALSE;

      for (guint f = 0; f < n_names; f++)
        {
          const guint8 *value = entry + value_start;
          gsize value_size = value_end - value_start;
          const char *type_string;
          const char *type_end;
          g_autoptr(GBytes) bytes = NULL;

          if (strlen (names[f]) != key_end - 1 || memcmp (entry, names[f], key_end - 1) != 0)
            continue;

          /* A variant is its value's bytes, a nul and the value's type. */
          for (nul = value_size; nul > 0 && value[nul - 1] != '\0'; nul--)
            ;
          if (nul == 0)
            return FALSE;
          type_string = (const char *) value + nul;
          type_end = (const char *) value + value_size;
          if (!g_variant_type_string_scan (type_string, type_end, &type_end) ||
              type_end != (const char *) value + value_size ||
              !g_variant_type_is_definite ((const GVariantType *) type_string))
            return FALSE;

          bytes = ct_crypto_bytes_new_wiped (value, nul - 1);
          g_clear_pointer (&values[f], g_variant_unref);
          /* Only the framing around the value is checked above, not the
           * value itself: a string without its nul, say. Untrusted, GVariant
           * checks it when it is read, as it does in ct_store_priv_decrypt_row(). */
          values[f] = g_variant_ref_sink (g_variant_new_from_bytes ((const GVariantType *) type_string,
                                                                    bytes, FALSE));
        }
    }

  return TRUE;
}

/**
 * ct_store_summary_free:
 * @summary: (nullable): a #CtStoreSummary
 */
void
ct_store_summary_free (CtStoreSummary *summary)
{
  if (summary == NULL)
    return;

  g_free (summary->id);
  g_free (summary->case_id);
  g_free (summary->state);
  g_free (summary->reference);
  for (guint i = 0; i < summary->n_values; i++)
    g_clear_pointer (&summary->values[i], g_variant_unref);
  g_free (summary->values);
  g_free (summary);
}

/* Entry points for the fuzz targets in tests/fuzz (ct-store-private.h). */

gboolean
ct_store_pick_fields (const guint8        *data,
                      gsize                size,
                      const char * const  *names,
                      guint                n_names,
                      GVariant           **values)
{
  return pick_fields (data, size, names, n_names, values);
}

CtRecord *
ct_store_record_from_plaintext (CtStoreRow *row,
                                GBytes     *plain)
{
  return ct_store_priv_record_from_plaintext (row, plain);
}

/* }}} */

/* Transactions {{{ */

void
ct_store_priv_txn_init (CtStoreTransaction *txn,
                        CtStore            *self)
{
  txn->store = self;
  /* The audit head read by an earlier transaction is kept: the first
   * append checks, under the write lock, that no other connection has
   * committed since (see load_audit_head()). */
  self->audit_head_dirty = FALSE;
  txn->new_case_ids = g_ptr_array_new_with_free_func (g_free);
  txn->snapshots = g_array_new (FALSE, FALSE, sizeof (Snapshot));
  txn->valid = TRUE;
}

void
ct_store_priv_txn_finish (CtStoreTransaction *txn,
                          gboolean            committed)
{
  for (guint i = 0; i < txn->snapshots->len; i++)
    {
      Snapshot *s = &g_array_index (txn->snapshots, Snapshot, i);

      /* A rolled-back write leaves the record as it was before. */
      if (!committed)
        ct_record_set_stored_metadata (s->record, s->created_at, s->updated_at, s->version);
      g_object_unref (s->record);
    }
  g_array_unref (txn->snapshots);

  if (!committed)
    txn->store->audit_cached = FALSE;
  if (!committed)
    for (guint i = 0; i < txn->new_case_ids->len; i++)
      g_hash_table_remove (txn->store->keys.case_keys, g_ptr_array_index (txn->new_case_ids, i));
  g_ptr_array_unref (txn->new_case_ids);
  txn->valid = FALSE;
}

static void
txn_snapshot (CtStoreTransaction *txn,
              CtRecord           *record)
{
  Snapshot s = {
    g_object_ref (record),
    ct_record_get_created_at (record),
    ct_record_get_updated_at (record),
    ct_record_get_version (record),
  };

  g_array_append_val (txn->snapshots, s);
}

static gboolean
check_writable (CtStore  *self,
                GError  **error)
{
  if (self->read_only)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("This database was opened for reading only, so it cannot be changed."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_reference (CtRecord  *record,
                 GError   **error)
{
  const char *reference = ct_record_get_reference (record);

  if (reference == NULL)
    return TRUE;

  /* The reference is stored in plaintext: only an opaque label is
   * accepted, never something that could be a name. */
  for (const char *p = reference; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '/')
      {
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                     _("A case reference may only hold capital letters, digits, “-” and “/”, such as CT-2026-0001, because it is stored unencrypted."));
        return FALSE;
      }

  if (strlen (reference) > 64)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A case reference may be at most 64 characters long."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_state (CtRecord  *record,
             GError   **error)
{
  const char *state = ct_record_get_state (record);

  if (state == NULL)
    return TRUE;

  for (const char *p = state; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      {
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                     _("A workflow state must be a short name in lower-case letters, digits and “-”, because it is stored unencrypted."));
        return FALSE;
      }
  return TRUE;
}

/* "create:<kind>" or "correct:<kind>", written out once per kind. */
static const char *
audit_action (gboolean     create,
              CtRecordKind kind)
{
  static char *actions[2][CT_RECORD_N_KINDS];
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint k = 0; k < CT_RECORD_N_KINDS; k++)
        {
          actions[0][k] = g_strconcat ("correct:", ct_record_kind_to_string (k), NULL);
          actions[1][k] = g_strconcat ("create:", ct_record_kind_to_string (k), NULL);
        }
      g_once_init_leave (&initialised, 1);
    }

  return actions[create ? 1 : 0][kind];
}

gboolean
ct_store_priv_txn_insert (CtStoreTransaction  *txn,
                          const char          *staff_id,
                          CtRecord            *record,
                          GError             **error)
{
  CtStore *self = txn->store;
  CtStoreRow stack_row = { 0 };
  CtStoreRow *row = &stack_row;
  guint8 digest[CT_DIGEST_BYTES];
  AuditSubject subject;
  gint64 now;
  gboolean ok;

  if (!check_writable (self, error) || !ct_store_priv_check_staff (staff_id, error) ||
      !check_reference (record, error) || !check_state (record, error))
    return FALSE;

  if (ct_record_get_version (record) != 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The record “%s” has already been saved; change it with a correction instead."),
                   ct_record_get_id (record));
      return FALSE;
    }

  if (ct_record_get_kind (record) == CT_RECORD_KIND_CASE &&
      ct_record_get_case_id (record) != NULL &&
      g_strcmp0 (ct_record_get_case_id (record), ct_record_get_id (record)) != 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A case cannot belong to another case."));
      return FALSE;
    }

  /* The row borrows the record's strings; only its ciphertext is its own. */
  now = g_get_real_time ();
  row->kind = ct_record_get_kind (record);
  row->id = (char *) ct_record_get_id (record);
  row->case_id = (char *) ct_record_get_case_id (record);
  row->state = (char *) ct_record_get_state (record);
  row->reference = (char *) ct_record_get_reference (record);
  row->due_at = ct_record_get_due_at (record);
  row->created_at = now;
  row->updated_at = now;
  row->version = 1;

  ok = ct_store_priv_encrypt_row (self, txn, row, record, digest, error) &&
       ct_store_backend_insert_row (self->backend, row, error);
  g_clear_pointer (&row->data, g_bytes_unref);
  if (!ok)
    return FALSE;

  if (row->kind == CT_RECORD_KIND_CHILD || row->kind == CT_RECORD_KIND_PERSON)
    {
      g_autoptr(GPtrArray) tokens = ct_store_priv_blind_tokens_for_record (self, record);

      if (!ct_store_backend_set_blind_index (self->backend, row->kind, row->id, tokens, FALSE, error))
        return FALSE;
    }

  subject = (AuditSubject) { row->kind, row->id, row->case_id, row->version, digest };
  if (!ct_store_priv_append_audit_full (self, staff_id, audit_action (TRUE, row->kind), row->id, &subject, error))
    return FALSE;

  txn_snapshot (txn, record);
  ct_record_set_stored_metadata (record, now, now, 1);
  return TRUE;
}

/* The name of the member of staff who wrote the stored version of
 * @stored, from the audit entry that wrote it and their staff record. */
static char *
lookup_last_writer (CtStore           *self,
                    const CtStoreRow  *stored)
{
  g_autoptr(CtAuditEntry) entry = NULL;
  g_autoptr(CtRecord) staff = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  entry = ct_store_backend_get_last_write (self->backend, stored->id, &local_error);
  if (entry == NULL || entry->staff_id == NULL)
    {
      if (local_error != NULL)
        g_debug ("Could not find who last wrote %s: %s", stored->id, local_error->message);
      return g_strdup (_("another member of staff"));
    }
  if (g_strcmp0 (entry->staff_id, SYSTEM_STAFF) == 0)
    return g_strdup (_("an administrator"));

  staff = ct_store_priv_store_get (self, CT_RECORD_KIND_STAFF, entry->staff_id, &local_error);
  name = staff != NULL ? ct_record_get_string (staff, "name") : NULL;
  if (name == NULL || *name == '\0')
    return g_strdup (_("another member of staff"));
  return g_strdup (name);
}

/* Refuses a save over a version newer than the one the record was read
 * at, saying who wrote the newer one and when. */
static void
set_conflict_error (CtStore           *self,
                    const CtStoreRow  *stored,
                    GError           **error)
{
  g_autofree char *name = lookup_last_writer (self, stored);
  g_autofree char *when = ct_format_instant (stored->updated_at);

  /* Translators: the first %s is a person's name, the second a date and
   * time such as "Tue 1 Dec 2026, 16:30". */
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT,
               _("This record was changed by %s at %s since you opened it, so your change was not saved. Compare the two versions and save yours again if it is still right."),
               name, when);
}

gboolean
ct_store_priv_txn_update (CtStoreTransaction  *txn,
                          const char          *staff_id,
                          CtRecord            *record,
                          GError             **error)
{
  CtStore *self = txn->store;
  g_autoptr(CtStoreRow) stored = NULL;
  g_autoptr(CtStoreRow) row = NULL;
  guint8 digest[CT_DIGEST_BYTES];
  AuditSubject subject;
  gint64 now;

  if (!check_writable (self, error) || !ct_store_priv_check_staff (staff_id, error) ||
      !check_reference (record, error) || !check_state (record, error))
    return FALSE;

  stored = ct_store_backend_get_row (self->backend, ct_record_get_kind (record),
                                     ct_record_get_id (record), error);
  if (stored == NULL)
    return FALSE;

  if (stored->version != ct_record_get_version (record))
    {
      set_conflict_error (self, stored, error);
      return FALSE;
    }

  if (g_strcmp0 (stored->case_id, ct_record_get_case_id (record)) != 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A record cannot be moved to another case."));
      return FALSE;
    }

  now = MAX (g_get_real_time (), stored->updated_at + 1);
  row = ct_store_priv_row_from_record (record);
  row->created_at = stored->created_at;
  row->updated_at = now;
  row->version = stored->version + 1;

  if (!ct_store_priv_encrypt_row (self, txn, row, record, digest, error) ||
      !ct_store_backend_update_row (self->backend, row, now, error))
    return FALSE;

  if (row->kind == CT_RECORD_KIND_CHILD || row->kind == CT_RECORD_KIND_PERSON)
    {
      g_autoptr(GPtrArray) tokens = ct_store_priv_blind_tokens_for_record (self, record);

      if (!ct_store_backend_set_blind_index (self->backend, row->kind, row->id, tokens, TRUE, error))
        return FALSE;
    }

  subject = (AuditSubject) { row->kind, row->id, row->case_id, row->version, digest };
  if (!ct_store_priv_append_audit_full (self, staff_id, audit_action (FALSE, row->kind), row->id, &subject, error))
    return FALSE;

  txn_snapshot (txn, record);
  ct_record_set_stored_metadata (record, row->created_at, now, row->version);
  return TRUE;
}

CtRecord *
ct_store_priv_store_get (CtStore       *self,
                         CtRecordKind   kind,
                         const char    *id,
                         GError       **error)
{
  g_autoptr(CtStoreRow) row = NULL;

  if (id == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, _("No record was named."));
      return NULL;
    }

  row = ct_store_backend_get_row (self->backend, kind, id, error);
  if (row == NULL)
    return NULL;

  return ct_store_priv_decrypt_row (self, row, error);
}

/* Finds a case by its reference through the reference's index, or failing
 * that (when @also_id) by its id, and decrypts that one case alone. */
CtRecord *
ct_store_priv_store_find_case (CtStore     *self,
                               const char  *reference,
                               gboolean     also_id,
                               GError     **error)
{
  g_autoptr(CtStoreRow) row = NULL;
  GError *local_error = NULL;

  if (reference == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, _("No case was named."));
      return NULL;
    }

  row = ct_store_backend_get_case_by_reference (self->backend, reference, &local_error);
  if (row == NULL && also_id && g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (&local_error);
      row = ct_store_backend_get_row (self->backend, CT_RECORD_KIND_CASE, reference, &local_error);
    }
  if (row == NULL && g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (&local_error);
      g_set_error (&local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("No case has the reference “%s”. Run “caretrail-admin cases” to list them."),
                   reference);
    }
  if (row == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return ct_store_priv_decrypt_row (self, row, error);
}

/* Unwraps every case key in one query, before a listing that would
 * otherwise look them up one by one. Keys added later by another process
 * are still found one at a time. */
static gboolean
preload_case_keys (CtStore  *self,
                   GError  **error)
{
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GString) ad = NULL;
  gsize prefix_len;
  gboolean ok = TRUE;
  CtKeyBatch *batch;

  if (self->keys.case_keys_loaded)
    return TRUE;

  pairs = ct_store_backend_list_case_keys (self->backend, error);
  if (pairs == NULL)
    return FALSE;

  /* The associated data ct_crypto_unwrap_key() uses for a case key,
   * "key|" and ct_store_priv_make_label ("case", uuid, case_id), built once up to the
   * case id. */
  ad = g_string_new ("key|case|");
  g_string_append (ad, self->database_uuid);
  g_string_append_c (ad, '|');
  prefix_len = ad->len;

  /* Every key is written in one batch: see ct_key_batch_begin(). Nothing
   * in the loop makes or frees a key any other way. */
  batch = ct_key_batch_begin ();
  for (guint i = 0; i < pairs->len; i += 2)
    {
      char *case_id = g_ptr_array_index (pairs, i);
      GBytes *wrapped = g_ptr_array_index (pairs, i + 1);

      if (ok && !g_hash_table_contains (self->keys.case_keys, case_id))
        {
          guint8 raw[2 * CT_KEY_BYTES];
          gsize raw_len = 0;
          CtKey *key = NULL;

          g_string_truncate (ad, prefix_len);
          g_string_append (ad, case_id);
          if (ct_crypto_open_into (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                                   g_bytes_get_size (wrapped), ad->str, ad->len, raw, sizeof raw,
                                   &raw_len) &&
              raw_len == CT_KEY_BYTES)
            key = ct_key_batch_add (batch, raw, raw_len);
          ct_crypto_wipe (raw, sizeof raw);

          if (key == NULL)
            {
              ct_store_priv_set_tampered (error, "case_keys", case_id);
              ok = FALSE;
            }
          else
            {
              /* The table takes the id. */
              g_hash_table_insert (self->keys.case_keys, case_id, key);
              case_id = NULL;
            }
        }
      g_free (case_id);
      g_bytes_unref (wrapped);
    }
  ct_key_batch_end (batch);

  self->keys.case_keys_loaded = ok;
  return ok;
}

GPtrArray *
ct_store_priv_store_list (CtStore       *self,
                          CtRecordKind   kind,
                          const char    *case_id,
                          GError       **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  rows = ct_store_backend_list_rows (self->backend, kind, case_id, error);
  if (rows == NULL)
    return NULL;

  if (case_id == NULL && rows->len > 32 && kind != CT_RECORD_KIND_ALLEGATION &&
      !preload_case_keys (self, error))
    return NULL;

  return ct_store_priv_decrypt_rows (self, rows, error);
}

typedef struct
{
  CtStore *store;
  const char * const *fields;
  guint n_fields;
  GVariant **values;           /* n_fields, reused for every record */
  guint8 *plain;               /* reused for every record, wiped after each */
  gsize plain_size;
  CtStoreSummaryFunc func;
  gpointer user_data;
} SummaryWalk;

/* Decrypts one row into the walk's buffer, authenticated with its
 * associated data exactly as ct_store_priv_decrypt_row() does, and hands
 * its plaintext metadata and fields to the walk's function. */
static gboolean
summary_walk_row_cb (CtStoreRow  *row,
                     const char  *stored_kind,
                     gint64       replaced_at,
                     gpointer     user_data,
                     GError     **error)
{
  SummaryWalk *walk = user_data;
  gsize sealed_len = g_bytes_get_size (row->data);
  gsize plain_len = 0;
  CtStoreSummary summary = { 0 };
  CtKey *key;
  Buf ad;
  gboolean ok;

  key = ct_store_priv_key_for_row (walk->store, NULL, row, FALSE, error);
  if (key == NULL)
    return FALSE;

  if (ct_crypto_open_size (sealed_len) > walk->plain_size)
    {
      ct_crypto_wipe (walk->plain, walk->plain_size);
      g_free (walk->plain);
      walk->plain_size = MAX (ct_crypto_open_size (sealed_len), 2 * walk->plain_size);
      walk->plain = g_malloc (walk->plain_size);
    }

  ct_store_priv_record_associated_data (walk->store, row, &ad);
  ok = ct_crypto_open_into (key, g_bytes_get_data (row->data, NULL), sealed_len, ad.data, ad.len,
                            walk->plain, walk->plain_size, &plain_len);
  buf_clear (&ad);
  if (!ok)
    {
      ct_store_priv_set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
      return FALSE;
    }

  ok = pick_fields (walk->plain, plain_len, walk->fields, walk->n_fields, walk->values);
  if (plain_len > 0)
    ct_crypto_wipe (walk->plain, plain_len);
  if (!ok)
    ct_store_priv_set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
  else
    {
      summary.id = row->id;
      summary.case_id = row->case_id;
      summary.state = row->state;
      summary.reference = row->reference;
      summary.created_at = row->created_at;
      summary.updated_at = row->updated_at;
      summary.due_at = row->due_at;
      summary.version = row->version;
      summary.values = walk->values;
      summary.n_values = walk->n_fields;
      ok = walk->func (&summary, walk->user_data, error);
    }

  for (guint f = 0; f < walk->n_fields; f++)
    g_clear_pointer (&walk->values[f], g_variant_unref);
  return ok;
}

/* Walks every record of @kind with the backend's cursor, one row in memory
 * at a time, each decrypted into the same buffer; see
 * ct_store_transaction_foreach_summary(). */
static gboolean
store_foreach_summary (CtStore             *self,
                       CtRecordKind         kind,
                       const char * const  *fields,
                       CtStoreSummaryFunc   func,
                       gpointer             user_data,
                       GError             **error)
{
  SummaryWalk walk = { self, fields, g_strv_length ((char **) fields), NULL, NULL, 4096, func, user_data };
  gint64 n_rows;
  gboolean ok;

  /* Case keys are unwrapped in one pass when there are many records, as
   * for ct_store_priv_store_list(). */
  if (kind != CT_RECORD_KIND_ALLEGATION)
    {
      n_rows = ct_store_backend_count_rows (self->backend, kind, error);
      if (n_rows < 0 || (n_rows > 32 && !preload_case_keys (self, error)))
        return FALSE;
    }

  /* Each page is read once: through the small scanning cache, so that the
   * page cache does not grow with the file for the rest of the session. */
  if (!ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;
  walk.values = g_new0 (GVariant *, walk.n_fields + 1);
  walk.plain = g_malloc (walk.plain_size);
  ok = ct_store_backend_foreach_row (self->backend, kind, FALSE, NULL, summary_walk_row_cb, &walk, error);
  ct_crypto_wipe (walk.plain, walk.plain_size);
  g_free (walk.plain);
  g_free (walk.values);
  if (!ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

/* The cases in the order of their due times; see
 * ct_store_transaction_foreach_case_summary_by_due(). */
static gboolean
store_foreach_case_summary_by_due (CtStore             *self,
                                   const char * const  *fields,
                                   gint64               limit,
                                   CtStoreSummaryFunc   func,
                                   gpointer             user_data,
                                   GError             **error)
{
  SummaryWalk walk = { self, fields, g_strv_length ((char **) fields), NULL, NULL, 4096, func, user_data };
  gint64 n_rows;
  gboolean ok;

  /* The first few cases unwrap their own keys, however many there are;
   * a walk of them all unwraps every key in one pass. */
  if (limit < 0)
    {
      n_rows = ct_store_backend_count_rows (self->backend, CT_RECORD_KIND_CASE, error);
      if (n_rows < 0 || (n_rows > 32 && !preload_case_keys (self, error)))
        return FALSE;
    }

  /* A walk of every case reads each page once, as above. */
  if (limit < 0 && !ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;
  walk.values = g_new0 (GVariant *, walk.n_fields + 1);
  walk.plain = g_malloc (walk.plain_size);
  ok = ct_store_backend_foreach_case_by_due (self->backend, limit, summary_walk_row_cb, &walk,
                                             error);
  ct_crypto_wipe (walk.plain, walk.plain_size);
  g_free (walk.plain);
  g_free (walk.values);
  if (limit < 0 && !ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static gboolean
collect_summary_cb (const CtStoreSummary  *summary,
                    gpointer               user_data,
                    GError               **error)
{
  GPtrArray *summaries = user_data;
  CtStoreSummary *copy = g_new0 (CtStoreSummary, 1);

  copy->id = g_strdup (summary->id);
  copy->case_id = g_strdup (summary->case_id);
  copy->state = g_strdup (summary->state);
  copy->reference = g_strdup (summary->reference);
  copy->created_at = summary->created_at;
  copy->updated_at = summary->updated_at;
  copy->due_at = summary->due_at;
  copy->version = summary->version;
  copy->n_values = summary->n_values;
  copy->values = g_new0 (GVariant *, summary->n_values + 1);
  for (guint f = 0; f < summary->n_values; f++)
    copy->values[f] = summary->values[f] != NULL ? g_variant_ref (summary->values[f]) : NULL;
  g_ptr_array_add (summaries, copy);
  return TRUE;
}

/* ORDER BY created_at, id, as ct_store_backend_list_rows() returns rows. */
static int
compare_summaries_by_creation (gconstpointer a,
                               gconstpointer b)
{
  const CtStoreSummary *x = *(const CtStoreSummary * const *) a;
  const CtStoreSummary *y = *(const CtStoreSummary * const *) b;

  if (x->created_at != y->created_at)
    return x->created_at < y->created_at ? -1 : 1;
  return strcmp (x->id, y->id);
}

static GPtrArray *
store_list_summaries (CtStore             *self,
                      CtRecordKind         kind,
                      const char * const  *fields,
                      GError             **error)
{
  g_autoptr(GPtrArray) summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_store_summary_free);

  if (!store_foreach_summary (self, kind, fields, collect_summary_cb, summaries, error))
    return NULL;
  g_ptr_array_sort (summaries, compare_summaries_by_creation);
  return g_steal_pointer (&summaries);
}

gboolean
ct_store_priv_run_in_transaction (CtStore  *self,
                                  TxnBody   body,
                                  Op       *op,
                                  GError  **error)
{
  CtStoreTransaction txn;
  gboolean appended;
  gboolean ok;

  if (!check_writable (self, error))
    return FALSE;

  if (!ct_store_backend_begin (self->backend, error))
    return FALSE;

  ct_store_priv_txn_init (&txn, self);
  ok = ct_store_priv_follow_rotation (self, error) && body (&txn, op, error);
  appended = ok && self->audit_head_dirty;
  if (ok)
    ok = ct_store_priv_flush_audit_head (self, error) && ct_store_backend_commit (self->backend, error);
  if (!ok)
    ct_store_backend_rollback (self->backend);
  ct_store_priv_txn_finish (&txn, ok);

  if (ok && appended)
    ct_store_priv_note_committed_head (self);

  return ok;
}

/**
 * ct_store_transaction_insert:
 * @txn: the transaction
 * @staff_id: the member of staff making the record
 * @record: a record never saved before (version 0)
 * @error: return location for an error
 *
 * Encrypts and saves @record, indexes a child's or person's names, and
 * appends a "create:<kind>" audit entry. On success @record's version,
 * created-at and updated-at are set; they are put back if the transaction
 * rolls back.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_transaction_insert (CtStoreTransaction  *txn,
                             const char          *staff_id,
                             CtRecord            *record,
                             GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (CT_IS_RECORD (record), FALSE);
  return ct_store_priv_txn_insert (txn, staff_id, record, error);
}

/**
 * ct_store_transaction_update:
 * @record: a record read from the store, then changed
 *
 * Saves a correction of @record: the stored version is kept in the
 * history and the new one gets the next version number. Fails with
 * %CT_STORE_ERROR_CONFLICT if the record changed since it was read.
 * Appends a "correct:<kind>" audit entry.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_transaction_update (CtStoreTransaction  *txn,
                             const char          *staff_id,
                             CtRecord            *record,
                             GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (CT_IS_RECORD (record), FALSE);
  return ct_store_priv_txn_update (txn, staff_id, record, error);
}

/**
 * ct_store_transaction_get:
 *
 * Returns: (transfer full) (nullable): the record, as this transaction
 *   sees it
 */
CtRecord *
ct_store_transaction_get (CtStoreTransaction  *txn,
                          CtRecordKind         kind,
                          const char          *id,
                          GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, NULL);
  return ct_store_priv_store_get (txn->store, kind, id, error);
}

/**
 * ct_store_transaction_list:
 * @case_id: (nullable): only records of this case
 *
 * Returns: (transfer full) (element-type CtRecord) (nullable): records
 *   of @kind in the order they were created
 */
GPtrArray *
ct_store_transaction_list (CtStoreTransaction  *txn,
                           CtRecordKind         kind,
                           const char          *case_id,
                           GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, NULL);
  return ct_store_priv_store_list (txn->store, kind, case_id, error);
}

/**
 * ct_store_transaction_list_summaries:
 * @txn: the transaction
 * @kind: the kind of record
 * @fields: (array zero-terminated=1): the names of the fields wanted
 * @error: return location for an error
 *
 * Reads every record of @kind for a list that shows a few of their fields:
 * each record is decrypted and authenticated as by
 * ct_store_transaction_list(), but only its plaintext metadata and @fields
 * are kept, which is much faster for thousands of records. A summary is
 * for reading only; it cannot be saved back.
 *
 * Returns: (transfer full) (element-type CtStoreSummary) (nullable): the
 *   records of @kind in the order they were created
 */
GPtrArray *
ct_store_transaction_list_summaries (CtStoreTransaction  *txn,
                                     CtRecordKind         kind,
                                     const char * const  *fields,
                                     GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);
  g_return_val_if_fail (fields != NULL, NULL);
  return store_list_summaries (txn->store, kind, fields, error);
}

/**
 * ct_store_transaction_foreach_summary:
 * @txn: the transaction
 * @kind: the kind of record
 * @fields: (array zero-terminated=1): the names of the fields wanted
 * @func: (scope call): called with each record's summary
 * @user_data: for @func
 * @error: return location for an error
 *
 * Walks every record of @kind as ct_store_transaction_list_summaries()
 * reads them, each decrypted and authenticated in turn, but with only one
 * record in memory at a time and in no particular order. The summary
 * given to @func, its strings and values are only valid during the call:
 * @func copies (or refs) what it keeps. A record that fails to
 * authenticate stops the walk with %CT_STORE_ERROR_TAMPERED, as does
 * @func returning %FALSE with its own error.
 *
 * Returns: %TRUE if every record was walked
 */
gboolean
ct_store_transaction_foreach_summary (CtStoreTransaction  *txn,
                                      CtRecordKind         kind,
                                      const char * const  *fields,
                                      CtStoreSummaryFunc   func,
                                      gpointer             user_data,
                                      GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return store_foreach_summary (txn->store, kind, fields, func, user_data, error);
}

/**
 * ct_store_transaction_count:
 * @txn: the transaction
 * @kind: which records
 * @error: return location for a #GError
 *
 * Counts the records of @kind without reading them.
 *
 * Returns: how many there are, or -1 with @error set
 */
gint64
ct_store_transaction_count (CtStoreTransaction  *txn,
                            CtRecordKind         kind,
                            GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, -1);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, -1);
  return ct_store_backend_count_rows (txn->store->backend, kind, error);
}

/**
 * ct_store_transaction_foreach_case_summary_by_due:
 * @txn: the transaction
 * @fields: (array zero-terminated=1): the fields to pick
 * @limit: how many cases at most, or -1 for every case
 * @func: (scope call): called with each case's summary
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * As ct_store_transaction_foreach_summary() for cases, in the order of
 * their due times: soonest first, then those with nothing due, the newest
 * reference first among cases due at once. The first of them can be read
 * without reading the rest. @func may read other records through @txn.
 *
 * Returns: %TRUE if the cases were walked
 */
gboolean
ct_store_transaction_foreach_case_summary_by_due (CtStoreTransaction  *txn,
                                                  const char * const  *fields,
                                                  gint64               limit,
                                                  CtStoreSummaryFunc   func,
                                                  gpointer             user_data,
                                                  GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return store_foreach_case_summary_by_due (txn->store, fields, limit, func, user_data, error);
}

/**
 * ct_store_transaction_foreach:
 * @txn: the transaction
 * @kind: which records
 * @func: (scope call): called with each record
 * @user_data: data for @func
 * @error: return location for a #GError
 *
 * ct_store_foreach_sync() within a transaction: the records are read one
 * at a time, cases in the order of their references, and @func may read
 * other records through @txn meanwhile (but not write).
 *
 * Returns: %TRUE if every record was read and @func never failed
 */
gboolean
ct_store_transaction_foreach (CtStoreTransaction  *txn,
                              CtRecordKind         kind,
                              CtStoreRecordFunc    func,
                              gpointer             user_data,
                              GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  return ct_store_priv_store_foreach (txn->store, kind, func, user_data, error);
}

/**
 * ct_store_transaction_find_case:
 * @txn: the transaction
 * @reference: a case reference, such as "CT-2026-0001"
 * @error: return location for a #GError
 *
 * Finds a case by its reference through the index of references and
 * decrypts that case alone.
 *
 * Returns: (transfer full): the case, or %NULL with @error set
 *   (%CT_STORE_ERROR_NOT_FOUND when no case has that reference)
 */
CtRecord *
ct_store_transaction_find_case (CtStoreTransaction  *txn,
                                const char          *reference,
                                GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, NULL);
  return ct_store_priv_store_find_case (txn->store, reference, FALSE, error);
}

/**
 * ct_store_transaction_list_references:
 * @txn: the transaction
 * @prefix: the start every reference listed has, such as "CT-2026-"
 * @error: return location for a #GError
 *
 * Lists the references of the cases whose reference starts with @prefix.
 * References are stored unencrypted and indexed, so this reads the index
 * alone and decrypts nothing.
 *
 * Returns: (transfer full) (element-type utf8): the references, in no
 *   particular order
 */
GPtrArray *
ct_store_transaction_list_references (CtStoreTransaction  *txn,
                                      const char          *prefix,
                                      GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, NULL);
  g_return_val_if_fail (prefix != NULL && *prefix != '\0', NULL);
  return ct_store_backend_list_references (txn->store->backend, prefix, error);
}

/**
 * ct_store_transaction_last_reference:
 * @txn: the transaction
 * @prefix: the start of the references looked at, such as "CT-2026-"
 * @out_reference: (out) (transfer full) (nullable): the reference, or
 *   %NULL if no case has one
 * @error: return location for a #GError
 *
 * Finds the case reference that is @prefix followed by a number, and by
 * digits alone, with the highest number (CT-2026-10000 is higher than
 * CT-2026-9999). It is read from the index of references alone: nothing is
 * decrypted, and no reference without @prefix is read.
 *
 * Returns: %TRUE on success, even if no reference was found
 */
gboolean
ct_store_transaction_last_reference (CtStoreTransaction  *txn,
                                     const char          *prefix,
                                     char               **out_reference,
                                     GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (prefix != NULL && *prefix != '\0', FALSE);
  g_return_val_if_fail (out_reference != NULL, FALSE);
  return ct_store_backend_last_reference (txn->store->backend, prefix, out_reference, error);
}

/**
 * ct_store_transaction_append_audit:
 * @staff_id: who did it
 * @action: what was done, a short kebab-case name such as "referral-sent"
 * @record_id: (nullable): the record it was done to
 *
 * Appends an entry to the audit log, chained to the one before.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_transaction_append_audit (CtStoreTransaction  *txn,
                                   const char          *staff_id,
                                   const char          *action,
                                   const char          *record_id,
                                   GError             **error)
{
  g_return_val_if_fail (txn != NULL && txn->valid, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if (!check_writable (txn->store, error) || !ct_store_priv_check_staff (staff_id, error))
    return FALSE;

  if (!ct_store_priv_is_audit_action (action) || (record_id != NULL && !ct_store_priv_is_record_id (record_id)))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("An audit entry names its action and record with short ids only, because the audit log is not encrypted."));
      return FALSE;
    }

  return ct_store_priv_append_audit (txn->store, staff_id, action, record_id, error);
}

/* }}} */

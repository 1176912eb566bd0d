/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-procedure.h"
#include "ct-store.h"
#include "ct-store-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-paths.h"
#include "ct-sqlite-backend.h"
#include "ct-verify-ledger.h"

/*
 * CtStore encrypts records and hands ciphertext to a CtStoreBackend.
 *
 * One worker thread owns the backend. Every request, synchronous or not,
 * is a GTask pushed on a queue that the worker takes in order; results
 * are returned on the caller's main context by GTask. The `_sync`
 * functions run the same request and iterate a private main context until
 * it completes.
 *
 * Keys: the master key (in the keyring) is read when the database is
 * opened, used to derive the sub-keys (ct-crypto.h) and wiped at once.
 * Each case has a random data key wrapped by the wrapping sub-key and kept
 * in `case_keys`; allegations use a separate vault key, also wrapped;
 * records outside any case use the general sub-key.
 */

#define META_UUID "database-uuid"
#define META_INSTALLATION "installation-id"
#define META_CREATED "created-at"
#define META_KEY_CHECK "key-check"
#define META_VAULT "vault-key"
#define META_RECOVERY_SALT "recovery-salt"
#define META_RECOVERY_OPS "recovery-opslimit"
#define META_RECOVERY_MEM "recovery-memlimit"
#define META_RECOVERY_WRAPPED "recovery-wrapped-key"
#define META_AUDIT_HEAD "audit-head"

#define SYSTEM_STAFF "caretrail-admin"

/* The high-water mark in the keyring is written at most this often while
 * records are written, and always when the store closes. */
#define MARK_INTERVAL_USEC (10 * G_USEC_PER_SEC)

/* The Argon2id limits a file may ask the recovery code to be stretched
 * with. Anything outside is a damaged (or doctored) file, refused before
 * any work, so that recover cannot be made to run for hours or to ask for
 * more memory than a desktop has. */
#define RECOVERY_OPSLIMIT_MIN ((gint64) crypto_pwhash_OPSLIMIT_MIN)
#define RECOVERY_OPSLIMIT_MAX ((gint64) crypto_pwhash_OPSLIMIT_MODERATE * 4)
#define RECOVERY_MEMLIMIT_MIN ((gint64) crypto_pwhash_MEMLIMIT_MIN)
#define RECOVERY_MEMLIMIT_MAX ((gint64) 1024 * 1024 * 1024)

typedef struct
{
  CtKey *wrap;
  CtKey *audit;
  CtHmacKey *audit_hmac;    /* the audit key, prepared for many MACs */
  CtKey *blind;
  CtKey *general;
  CtKey *check;
  CtKey *vault;
  /* case id -> CtKey, unwrapped case keys */
  GHashTable *case_keys;
  /* whether every case key in the file has been unwrapped once */
  gboolean case_keys_loaded;
} Keys;

struct _CtStore
{
  GObject parent_instance;

  char *path;
  char *database_uuid;
  gboolean read_only;

  CtStoreBackend *backend;
  Keys keys;

  GThread *worker;
  GAsyncQueue *queue;
  gboolean closed;

  /* The last audit entry, read once per transaction (which holds the
   * write lock, so no other process can append meanwhile). */
  gboolean audit_cached;
  gboolean audit_head_dirty;
  gint64 audit_seq;
  guint8 audit_mac[CT_MAC_BYTES];
  /* The MAC of the sealed settings, as read when the database was opened
   * (compute_meta_mac()). */
  guint8 meta_mac[CT_MAC_BYTES];
  /* Set while a new database is written, before its log has a head. */
  gboolean creating;

  /* The high-water mark: the last audit head this store committed (or
   * found when it opened), whether the keyring has it yet, and when the
   * keyring was last written. Touched by the worker thread only, and by
   * close_internal() once the worker has stopped. */
  gint64 mark_seq;
  guint8 mark_mac[CT_MAC_BYTES];
  gboolean mark_known;
  gboolean mark_dirty;
  gint64 mark_written_at;
};

G_DEFINE_FINAL_TYPE (CtStore, ct_store, G_TYPE_OBJECT)

typedef struct
{
  CtRecord *record;
  gint64 created_at;
  gint64 updated_at;
  gint64 version;
} Snapshot;

struct _CtStoreTransaction
{
  CtStore *store;
  /* case ids whose keys were created in this transaction */
  GPtrArray *new_case_ids;
  /* records whose metadata this transaction changed */
  GArray *snapshots;
  gboolean valid;
};

typedef void (*WorkerFunc) (CtStore *self,
                            GTask   *task);

typedef struct
{
  WorkerFunc func;
  GTask *task;
} Request;

/* The data of every request. */
typedef struct
{
  CtRecordKind kind;
  char *path;
  char *id;
  char *case_id;
  char *staff_id;
  char *given;
  char *family;
  char *dob;
  char *code;
  CtRecord *record;      /* the worker's copy */
  CtRecord *original;    /* the caller's record, touched on its thread only */
  CtStoreTransactionFunc func;
  gpointer func_data;
  GDestroyNotify func_destroy;
  char *recovery_code;   /* out: from create */
  CtStoreVerifyStats stats;
  gboolean read_only;
  /* Open without comparing the file with the high-water mark: only for
   * restore, which checks the file itself and then moves the mark. */
  gboolean ignore_mark;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->path);
  g_free (op->id);
  g_free (op->case_id);
  g_free (op->staff_id);
  g_free (op->given);
  g_free (op->family);
  g_free (op->dob);
  ct_crypto_free_string (op->code);
  ct_crypto_free_string (op->recovery_code);
  g_clear_object (&op->record);
  g_clear_object (&op->original);
  if (op->func_destroy != NULL)
    op->func_destroy (op->func_data);
  g_free (op);
}

static Op *
op_new (void)
{
  return g_new0 (Op, 1);
}

/* Keys {{{ */

static void
keys_clear (Keys *keys)
{
  g_clear_pointer (&keys->wrap, ct_key_free);
  g_clear_pointer (&keys->audit, ct_key_free);
  g_clear_pointer (&keys->audit_hmac, ct_hmac_key_free);
  g_clear_pointer (&keys->blind, ct_key_free);
  g_clear_pointer (&keys->general, ct_key_free);
  g_clear_pointer (&keys->check, ct_key_free);
  g_clear_pointer (&keys->vault, ct_key_free);
  g_clear_pointer (&keys->case_keys, g_hash_table_unref);
}

static void
keys_derive (Keys        *keys,
             const CtKey *master)
{
  keys_clear (keys);
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

static GBytes *
compute_key_check (const CtKey *check_key,
                   const char  *uuid)
{
  g_autofree char *text = g_strconcat ("caretrail key check|", uuid, NULL);
  guint8 mac[CT_MAC_BYTES];

  ct_crypto_hmac (check_key, text, strlen (text), mac);
  return g_bytes_new (mac, sizeof mac);
}

static char *
make_label (const char *what,
            const char *uuid,
            const char *id)
{
  return g_strdup_printf ("%s|%s|%s", what, uuid, id != NULL ? id : "");
}

/* }}} */

/* Small helpers {{{ */

static void
set_tampered (GError     **error,
              const char  *table,
              const char  *id)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The record “%s” in “%s” has been altered or damaged outside Caretrail: its encrypted data does not match. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
               id, table);
}

static char *
bytes_to_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  GString *hex = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static GBytes *
string_bytes (const char *str)
{
  return g_bytes_new (str, strlen (str));
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

static GBytes *
int64_bytes (gint64 value)
{
  guint64 be = GUINT64_TO_BE ((guint64)value);

  return g_bytes_new (&be, sizeof be);
}

static gboolean
bytes_to_int64 (GBytes *bytes,
                gint64 *out)
{
  guint64 be;

  if (bytes == NULL || g_bytes_get_size (bytes) != sizeof be)
    return FALSE;
  memcpy (&be, g_bytes_get_data (bytes, NULL), sizeof be);
  *out = (gint64)GUINT64_FROM_BE (be);
  return TRUE;
}

/* A byte buffer that lives on the stack unless it outgrows it: the
 * associated data and MAC input of every record are built in one, so
 * writing a record allocates nothing for them. Wiped by buf_clear(). */
typedef struct
{
  guint8 *data;
  gsize len;
  gsize size;
  guint8 inline_data[512];
} Buf;

static void
buf_init (Buf *buf)
{
  buf->data = buf->inline_data;
  buf->len = 0;
  buf->size = sizeof buf->inline_data;
}

static void
buf_clear (Buf *buf)
{
  ct_crypto_wipe (buf->data, buf->len);
  if (buf->data != buf->inline_data)
    g_free (buf->data);
  buf_init (buf);
}

static void
buf_append (Buf        *buf,
            const void *data,
            gsize       len)
{
  if (buf->len + len > buf->size)
    {
      gsize size = MAX (buf->size * 2, buf->len + len);
      guint8 *bigger = g_malloc (size);

      memcpy (bigger, buf->data, buf->len);
      if (buf->data != buf->inline_data)
        {
          ct_crypto_wipe (buf->data, buf->len);
          g_free (buf->data);
        }
      buf->data = bigger;
      buf->size = size;
    }

  memcpy (buf->data + buf->len, data, len);
  buf->len += len;
}

static void
append_field (Buf        *buf,
              const char *value)
{
  guint32 len = value != NULL ? strlen (value) : G_MAXUINT32;
  guint32 be = GUINT32_TO_BE (len);

  buf_append (buf, &be, sizeof be);
  if (value != NULL)
    buf_append (buf, value, len);
}

static void
append_int64 (Buf    *buf,
              gint64  value)
{
  guint64 be = GUINT64_TO_BE ((guint64)value);

  buf_append (buf, &be, sizeof be);
}

/* The associated data of a record's ciphertext: the database, the table,
 * the row, the column and every plaintext column, length-prefixed. So the
 * ciphertext cannot move to another row, table, database or version, and
 * the plaintext metadata beside it cannot be changed unnoticed. */
static void
record_associated_data (CtStore          *self,
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

/* Staff ids, audit actions and record ids are stored unencrypted in the
 * audit log, so only opaque tokens are accepted: lower-case letters,
 * digits, "-", "_", ":" and ".", such as a record's UUID. */
static gboolean
is_opaque_token (const char *str)
{
  gsize len = 0;

  if (str == NULL || *str == '\0')
    return FALSE;

  for (const char *p = str; *p != '\0'; p++, len++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) &&
        *p != '-' && *p != '_' && *p != ':' && *p != '.')
      return FALSE;

  return len <= 200;
}

/* A record id is a UUID, as ct_record_new() makes it: nothing typed. */
static gboolean
is_record_id (const char *str)
{
  return str != NULL && g_uuid_string_is_valid (str) && strlen (str) == 36 &&
         is_opaque_token (str);
}

/* The actions the audit log names come from fixed lists: the procedure's
 * steps, the store's own writes ("create:<kind>", "correct:<kind>",
 * "erase:<kind>", "baseline:<kind>"), and a few named events. Anything
 * else could carry typed text into the plaintext log. */
static gboolean
is_audit_action (const char *action)
{
  static const char * const fixed[] = {
    "open-case", "open:case", "create-database", "upgrade-audit-log", "backup",
    "restore-backup", "erase-case", "document-sent", NULL
  };
  static const char * const kind_prefixes[] = { "create:", "correct:", "erase:", "baseline:", NULL };
  CtEvent event;
  CtRecordKind kind;

  if (action == NULL)
    return FALSE;
  if (ct_event_from_string (action, &event, NULL) || g_strv_contains (fixed, action))
    return TRUE;
  for (guint i = 0; kind_prefixes[i] != NULL; i++)
    if (g_str_has_prefix (action, kind_prefixes[i]))
      return ct_record_kind_from_string (action + strlen (kind_prefixes[i]), &kind);
  /* A kept document names its kind: lower-case words and hyphens. */
  if (g_str_has_prefix (action, "document-kept:"))
    {
      const char *p = action + strlen ("document-kept:");

      if (*p == '\0' || strlen (p) > 40)
        return FALSE;
      for (; *p != '\0'; p++)
        if (!g_ascii_islower (*p) && *p != '-')
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

static gboolean
check_staff (const char  *staff_id,
             GError     **error)
{
  if (staff_id == NULL || *staff_id == '\0')
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("Every change must name the member of staff who made it."));
      return FALSE;
    }

  if (!is_opaque_token (staff_id))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A member of staff must be named in the audit log by their record’s id, never by name, because the log is not encrypted."));
      return FALSE;
    }

  return TRUE;
}

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

/* }}} */

/* Encryption of rows {{{ */

static void
set_case_key_missing (GError     **error,
                      const char  *case_id)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The key of case “%s” is missing from the database, so its records cannot be read. The case may have been erased, or the file altered: restore it from a backup."),
               case_id);
}

/* Reads the key of @case_id from the file and unwraps it. Returns %NULL
 * without an error if the file has none. */
static CtKey *
read_case_key (CtStore     *self,
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

  label = make_label ("case", self->database_uuid, case_id);
  key = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                              g_bytes_get_size (wrapped), label, NULL);
  if (key == NULL)
    set_tampered (error, "case_keys", case_id);
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
      key = read_case_key (self, case_id, &local_error);
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
      g_autofree char *label = make_label ("case", self->database_uuid, case_id);

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
      set_case_key_missing (error, case_id);
      return NULL;
    }

  g_hash_table_insert (self->keys.case_keys, g_strdup (case_id), key);
  return key;
}

static const char *
row_case_key_id (const CtStoreRow *row)
{
  if (row->kind == CT_RECORD_KIND_CASE)
    return row->id;
  return row->case_id;
}

static CtKey *
key_for_row (CtStore             *self,
             CtStoreTransaction  *txn,
             const CtStoreRow    *row,
             gboolean             create,
             GError             **error)
{
  const char *case_id = row_case_key_id (row);

  if (row->kind == CT_RECORD_KIND_ALLEGATION)
    return self->keys.vault;
  if (case_id == NULL)
    return self->keys.general;
  return lookup_case_key (self, txn, case_id, create,
                          create && row->kind == CT_RECORD_KIND_CASE && row->version == 1,
                          error);
}

static CtStoreRow *
row_from_record (CtRecord *record)
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
static void
digest_row (CtStore          *self,
            const CtStoreRow *row,
            guint8            out[CT_DIGEST_BYTES])
{
  Buf ad;

  record_associated_data (self, row, &ad);
  ct_crypto_digest_sealed (ad.data, ad.len, g_bytes_get_data (row->data, NULL),
                           g_bytes_get_size (row->data), out);
  buf_clear (&ad);
}

static gboolean
encrypt_row (CtStore             *self,
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

  key = key_for_row (self, txn, row, TRUE, error);
  if (key == NULL)
    return FALSE;

  /* Serialise straight into the sealed message's buffer, where it is
   * encrypted in place, so no copy of the plaintext is left behind. The
   * dictionary was just built from its parts, so this writes it in normal
   * form. */
  buffer = ct_crypto_seal_buffer_new (size, &plain);
  g_variant_store (fields, plain);
  record_associated_data (self, row, &ad);
  g_clear_pointer (&row->data, g_bytes_unref);
  row->data = ct_crypto_seal_in_place (key, buffer, size, ad.data, ad.len);
  ct_crypto_digest_sealed (ad.data, ad.len, g_bytes_get_data (row->data, NULL),
                           g_bytes_get_size (row->data), out_digest);
  buf_clear (&ad);

  return TRUE;
}

/* Builds the record that @row and its decrypted fields @plain describe. */
static CtRecord *
record_from_plaintext (CtStoreRow *row,
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
static CtRecord *
decrypt_row_with_key (CtStore      *self,
                      CtStoreRow   *row,
                      const CtKey  *key,
                      GError      **error)
{
  g_autoptr(GBytes) plain = NULL;
  Buf ad;

  record_associated_data (self, row, &ad);
  plain = ct_crypto_open_full (key, g_bytes_get_data (row->data, NULL), g_bytes_get_size (row->data),
                               ad.data, ad.len, NULL);
  buf_clear (&ad);
  if (plain == NULL)
    {
      set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
      return NULL;
    }

  return record_from_plaintext (row, plain);
}

static CtRecord *
decrypt_row (CtStore           *self,
             CtStoreRow        *row,
             GError           **error)
{
  CtKey *key;

  key = key_for_row (self, NULL, row, FALSE, error);
  if (key == NULL)
    return NULL;

  return decrypt_row_with_key (self, row, key, error);
}

static GPtrArray *
decrypt_rows (CtStore    *self,
              GPtrArray  *rows,
              GError    **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    {
      CtRecord *record = decrypt_row (self, g_ptr_array_index (rows, i), error);

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
           * checks it when it is read, as it does in decrypt_row(). */
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
  return record_from_plaintext (row, plain);
}

/* }}} */

/* Blind index {{{ */

static GBytes *
blind_token (CtStore    *self,
             const char *purpose,
             const char *value)
{
  guint8 out[CT_MAC_BYTES];

  ct_crypto_blind_index (self->keys.blind, purpose, value, out);
  return g_bytes_new (out, sizeof out);
}

static char *
full_name (const char *given,
           const char *family)
{
  g_autofree char *joined = g_strjoin (" ", given != NULL ? given : "", family != NULL ? family : "", NULL);

  return ct_crypto_normalise_name (joined);
}

static GPtrArray *
blind_tokens_for_record (CtStore  *self,
                         CtRecord *record)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *name = full_name (ct_record_get_string (record, "given-names"),
                                     ct_record_get_string (record, "family-name"));
  g_autofree char *family = ct_crypto_normalise_name (ct_record_get_string (record, "family-name"));
  const char *dob = ct_record_get_string (record, "date-of-birth");
  const char * const *aliases = ct_record_get_strv (record, "aliases");

  if (*name != '\0')
    g_ptr_array_add (tokens, blind_token (self, "name", name));
  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
    {
      g_autofree char *alias = ct_crypto_normalise_name (aliases[i]);

      if (*alias != '\0')
        g_ptr_array_add (tokens, blind_token (self, "name", alias));
    }
  if (dob != NULL && *dob != '\0' && *family != '\0')
    {
      g_autofree char *family_dob = g_strconcat (family, "|", dob, NULL);

      g_ptr_array_add (tokens, blind_token (self, "family-dob", family_dob));
    }

  return tokens;
}

/* }}} */

/* Audit chain {{{ */

/* What an audit entry says a write did: the record, and a digest of the
 * ciphertext and associated data written (%NULL for an erasure). */
typedef struct
{
  CtRecordKind kind;
  const char *id;
  const char *case_id;
  gint64 version;
  const guint8 *digest;
} AuditSubject;

static void
append_bytes_field (Buf        *buf,
                    GBytes     *bytes)
{
  gsize len = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  guint32 be = GUINT32_TO_BE (bytes != NULL ? (guint32)len : G_MAXUINT32);

  buf_append (buf, &be, sizeof be);
  if (len > 0)
    buf_append (buf, data, len);
}

/* Format 1 entries (before schema 2) are sealed over the columns they
 * had; format 2 entries also over what they wrote. The two inputs cannot
 * be mistaken for one another: after the previous MAC, format 1 has the
 * database's UUID and format 2 a label of another length. */
static void
audit_mac (CtStore            *self,
           const guint8       *previous,
           const CtAuditEntry *entry,
           guint8              out[CT_MAC_BYTES])
{
  Buf buf;

  buf_init (&buf);
  buf_append (&buf, previous, CT_MAC_BYTES);
  if (entry->format >= 2)
    append_field (&buf, "caretrail-audit-v2");
  append_field (&buf, self->database_uuid);
  append_int64 (&buf, entry->seq);
  append_int64 (&buf, entry->at);
  append_field (&buf, entry->staff_id);
  append_field (&buf, entry->action);
  append_field (&buf, entry->record_id);
  if (entry->format >= 2)
    {
      append_int64 (&buf, entry->format);
      append_field (&buf, entry->kind);
      append_field (&buf, entry->case_id);
      append_int64 (&buf, entry->version);
      append_bytes_field (&buf, entry->digest);
    }
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, out);
  buf_clear (&buf);
}

/* The plaintext settings of the database that no ciphertext binds: its
 * UUID, the installation that made it, when, and the key check, vault and
 * recovery values. The sealed head covers their MAC, so changing any of
 * them is detected before the next write and by verify. */
static const char * const sealed_meta_keys[] = {
  META_UUID, META_INSTALLATION, META_CREATED, META_KEY_CHECK, META_VAULT,
  META_RECOVERY_SALT, META_RECOVERY_OPS, META_RECOVERY_MEM, META_RECOVERY_WRAPPED,
};

static gboolean
compute_meta_mac (CtStore         *self,
                  CtStoreBackend  *backend,
                  guint8           out[CT_MAC_BYTES],
                  GError         **error)
{
  Buf buf;

  buf_init (&buf);
  append_field (&buf, "caretrail-meta-v1");
  for (guint i = 0; i < G_N_ELEMENTS (sealed_meta_keys); i++)
    {
      g_autoptr(GBytes) value = NULL;
      GError *local_error = NULL;

      value = ct_store_backend_get_meta (backend, sealed_meta_keys[i], &local_error);
      if (local_error != NULL)
        {
          buf_clear (&buf);
          g_propagate_error (error, local_error);
          return FALSE;
        }
      append_field (&buf, sealed_meta_keys[i]);
      append_bytes_field (&buf, value);
    }
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, out);
  buf_clear (&buf);
  return TRUE;
}

/* The head of schema 1: the last entry's seq and MAC, sealed. */
static GBytes *
audit_head_value_v1 (CtStore      *self,
                     gint64        seq,
                     const guint8 *mac)
{
  Buf buf;
  guint8 head_mac[CT_MAC_BYTES];
  GBytes *value;

  buf_init (&buf);
  append_field (&buf, "audit-head");
  append_field (&buf, self->database_uuid);
  append_int64 (&buf, seq);
  buf_append (&buf, mac, CT_MAC_BYTES);
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, head_mac);
  buf_clear (&buf);

  append_int64 (&buf, seq);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, head_mac, CT_MAC_BYTES);
  value = g_bytes_new (buf.data, buf.len);
  buf_clear (&buf);
  return value;
}

#define HEAD_V2_MAGIC "CTH2"
#define HEAD_V2_SIZE (4 + 8 + CT_MAC_BYTES + CT_MAC_BYTES)

/* The head kept in meta: how many entries the log holds, the last one's
 * MAC and the MAC of the sealed settings, all sealed. So removing entries
 * from the end of the log, or the whole log, or changing a setting, is
 * detected before the next write. */
static GBytes *
audit_head_value (CtStore      *self,
                  gint64        count,
                  const guint8 *mac,
                  const guint8 *meta_mac)
{
  Buf buf;
  guint8 head_mac[CT_MAC_BYTES];
  GBytes *value;

  buf_init (&buf);
  append_field (&buf, "audit-head-v2");
  append_field (&buf, self->database_uuid);
  append_int64 (&buf, count);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, meta_mac, CT_MAC_BYTES);
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, head_mac);
  buf_clear (&buf);

  buf_append (&buf, HEAD_V2_MAGIC, 4);
  append_int64 (&buf, count);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, head_mac, CT_MAC_BYTES);
  value = g_bytes_new (buf.data, buf.len);
  buf_clear (&buf);
  return value;
}

/* Reads the sealed head. Returns FALSE with @problem set if it is
 * missing or its seal does not hold; a schema 1 head (which does not seal
 * the settings) is accepted only when @last_format says the log ends with
 * an entry written before schema 2. */
static gboolean
read_sealed_head (CtStore       *self,
                  GBytes        *value,
                  const guint8  *meta_mac,
                  int            last_format,
                  gint64        *out_count,
                  guint8         out_mac[CT_MAC_BYTES],
                  const char   **problem)
{
  gsize len = 0;
  const guint8 *data = value != NULL ? g_bytes_get_data (value, &len) : NULL;
  g_autoptr(GBytes) expected = NULL;
  guint64 be;

  if (value == NULL)
    {
      *problem = N_("its seal is missing");
      return FALSE;
    }

  if (len == HEAD_V2_SIZE && memcmp (data, HEAD_V2_MAGIC, 4) == 0)
    {
      memcpy (&be, data + 4, sizeof be);
      *out_count = (gint64)GUINT64_FROM_BE (be);
      memcpy (out_mac, data + 12, CT_MAC_BYTES);
      expected = audit_head_value (self, *out_count, out_mac, meta_mac);
    }
  else if (len == 8 + 2 * CT_MAC_BYTES && last_format < 2)
    {
      memcpy (&be, data, sizeof be);
      *out_count = (gint64)GUINT64_FROM_BE (be);
      memcpy (out_mac, data + 8, CT_MAC_BYTES);
      expected = audit_head_value_v1 (self, *out_count, out_mac);
    }

  if (expected == NULL || !g_bytes_equal (expected, value))
    {
      *problem = N_("its seal, or a setting it covers such as the installation or the creation time, has been altered");
      return FALSE;
    }

  return TRUE;
}

/* @detail is translated already. */
static void
set_seal_broken (GError     **error,
                 const char  *detail)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The audit log does not match its seal (%s), so nothing was saved. The file may have been tampered with or damaged. Run “caretrail-admin verify”, then restore the database from a backup and report this to your Designated Safeguarding Officer."),
               detail);
}

/* Before the first append of a transaction (which holds the write lock,
 * so no other process can append meanwhile): the sealed head must name
 * the log's actual last entry and count. This reads the head, the last
 * entry and the count, never the whole chain. */
static gboolean
load_audit_head (CtStore  *self,
                 GError  **error)
{
  g_autoptr(CtAuditEntry) last = NULL;
  g_autoptr(GBytes) head_value = NULL;
  GError *local_error = NULL;
  const char *problem = NULL;
  guint8 sealed_mac[CT_MAC_BYTES];
  gint64 sealed_count = 0;
  gint64 count;

  if (self->audit_cached)
    return TRUE;

  last = ct_store_backend_get_audit_head (self->backend, &local_error);
  if (local_error == NULL)
    head_value = ct_store_backend_get_meta (self->backend, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* A database being created has neither a log nor a head yet. */
  if (self->creating && last == NULL && head_value == NULL)
    {
      self->audit_seq = 0;
      memset (self->audit_mac, 0, CT_MAC_BYTES);
      self->audit_cached = TRUE;
      return TRUE;
    }

  if (!read_sealed_head (self, head_value, self->meta_mac, last != NULL ? last->format : 2,
                         &sealed_count, sealed_mac, &problem))
    {
      set_seal_broken (error, _(problem));
      return FALSE;
    }

  count = ct_store_backend_count_audit (self->backend, error);
  if (count < 0)
    return FALSE;

  if (last == NULL || count != sealed_count || last->seq != sealed_count)
    {
      g_autofree char *detail = g_strdup_printf (_("the seal counts %" G_GINT64_FORMAT " entries, the log holds %" G_GINT64_FORMAT " ending at entry %" G_GINT64_FORMAT),
                                                 sealed_count, count, last != NULL ? last->seq : 0);

      set_seal_broken (error, detail);
      return FALSE;
    }

  if (g_bytes_get_size (last->mac) != CT_MAC_BYTES ||
      !ct_crypto_equal (sealed_mac, g_bytes_get_data (last->mac, NULL), CT_MAC_BYTES))
    {
      set_seal_broken (error, _("its last entry is not the one sealed"));
      return FALSE;
    }

  self->audit_seq = last->seq;
  memcpy (self->audit_mac, sealed_mac, CT_MAC_BYTES);
  self->audit_cached = TRUE;
  return TRUE;
}

static gboolean
append_audit_full (CtStore             *self,
                   const char          *staff_id,
                   const char          *action,
                   const char          *record_id,
                   const AuditSubject  *subject,
                   GError             **error)
{
  guint8 mac[CT_MAC_BYTES];
  GBytes *mac_bytes;
  GBytes *digest_bytes = NULL;
  CtAuditEntry entry = { 0 };
  gboolean ok;

  if (!load_audit_head (self, error))
    return FALSE;

  /* The entry borrows its strings: it only lives for this call. */
  entry.seq = self->audit_seq + 1;
  entry.at = g_get_real_time ();
  entry.staff_id = (char *) staff_id;
  entry.action = (char *) action;
  entry.record_id = (char *) record_id;
  entry.format = 2;
  if (subject != NULL)
    {
      entry.kind = (char *) ct_record_kind_to_string (subject->kind);
      entry.case_id = (char *) subject->case_id;
      entry.version = subject->version;
      if (subject->digest != NULL)
        digest_bytes = g_bytes_new_static (subject->digest, CT_DIGEST_BYTES);
      entry.digest = digest_bytes;
    }
  audit_mac (self, self->audit_mac, &entry, mac);
  mac_bytes = g_bytes_new_static (mac, sizeof mac);
  entry.mac = mac_bytes;

  ok = ct_store_backend_append_audit (self->backend, &entry, error);
  g_bytes_unref (mac_bytes);
  g_clear_pointer (&digest_bytes, g_bytes_unref);
  if (!ok)
    {
      self->audit_cached = FALSE;
      return FALSE;
    }

  self->audit_seq = entry.seq;
  memcpy (self->audit_mac, mac, CT_MAC_BYTES);
  self->audit_head_dirty = TRUE;
  return TRUE;
}

static gboolean
append_audit (CtStore     *self,
              const char  *staff_id,
              const char  *action,
              const char  *record_id,
              GError     **error)
{
  return append_audit_full (self, staff_id, action, record_id, NULL, error);
}

/* The sealed head is written once, just before the transaction commits. */
static gboolean
flush_audit_head (CtStore  *self,
                  GError  **error)
{
  g_autoptr(GBytes) head_value = NULL;

  if (!self->audit_head_dirty)
    return TRUE;

  head_value = audit_head_value (self, self->audit_seq, self->audit_mac, self->meta_mac);
  if (!ct_store_backend_set_meta (self->backend, META_AUDIT_HEAD, head_value, error))
    return FALSE;

  self->audit_head_dirty = FALSE;
  return TRUE;
}

/* }}} */

/* High-water mark {{{ */

/*
 * The sealed head proves the log and the records agree with each other,
 * but a whole older copy of the file agrees with itself too. So the
 * keyring, beside the key, keeps the last head this computer committed:
 * a file whose head is below it (or at the same entry, but a different
 * one) is an old copy put back, and is refused when it opens. Restore
 * moves the mark on purpose.
 *
 * The mark is written from the worker thread at most once per
 * MARK_INTERVAL_USEC while records are written, and when the store
 * closes, not once per record.
 */

static char *
mac_to_hex (const guint8 *mac)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (mac, CT_MAC_BYTES);

  return bytes_to_hex (bytes);
}

static gboolean
write_mark (CtStore  *self,
            GError  **error)
{
  /* Even a refusal waits for the next interval, so a locked keyring does
   * not cost a call per record. */
  self->mark_written_at = g_get_monotonic_time ();
  if (!ct_keyring_store_mark (self->database_uuid, self->mark_seq, self->mark_mac,
                              CT_MAC_BYTES, error))
    return FALSE;

  self->mark_dirty = FALSE;
  return TRUE;
}

/* Best effort: the records are saved whatever the keyring says. A mark
 * left behind only means that putting back a copy made since it goes
 * unnoticed. */
static void
flush_mark (CtStore  *self,
            gboolean  force)
{
  g_autoptr(GError) error = NULL;

  if (!self->mark_dirty || self->database_uuid == NULL)
    return;
  if (!force && g_get_monotonic_time () - self->mark_written_at < MARK_INTERVAL_USEC)
    return;

  if (!write_mark (self, &error))
    g_message ("The audit high-water mark of %s was not updated: %s",
               self->database_uuid, error->message);
}

/* After a commit that appended to the log. */
static void
note_committed_head (CtStore *self)
{
  self->mark_seq = self->audit_seq;
  memcpy (self->mark_mac, self->audit_mac, CT_MAC_BYTES);
  self->mark_known = TRUE;
  self->mark_dirty = TRUE;
  flush_mark (self, FALSE);
}

/* }}} */

/* Transactions {{{ */

static void
txn_init (CtStoreTransaction *txn,
          CtStore            *self)
{
  txn->store = self;
  self->audit_cached = FALSE;
  self->audit_head_dirty = FALSE;
  txn->new_case_ids = g_ptr_array_new_with_free_func (g_free);
  txn->snapshots = g_array_new (FALSE, FALSE, sizeof (Snapshot));
  txn->valid = TRUE;
}

static void
txn_finish (CtStoreTransaction *txn,
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

static gboolean
txn_insert (CtStoreTransaction  *txn,
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

  if (!check_writable (self, error) || !check_staff (staff_id, error) ||
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

  ok = encrypt_row (self, txn, row, record, digest, error) &&
       ct_store_backend_insert_row (self->backend, row, error);
  g_clear_pointer (&row->data, g_bytes_unref);
  if (!ok)
    return FALSE;

  if (row->kind == CT_RECORD_KIND_CHILD || row->kind == CT_RECORD_KIND_PERSON)
    {
      g_autoptr(GPtrArray) tokens = blind_tokens_for_record (self, record);

      if (!ct_store_backend_set_blind_index (self->backend, row->kind, row->id, tokens, FALSE, error))
        return FALSE;
    }

  subject = (AuditSubject) { row->kind, row->id, row->case_id, row->version, digest };
  if (!append_audit_full (self, staff_id, audit_action (TRUE, row->kind), row->id, &subject, error))
    return FALSE;

  txn_snapshot (txn, record);
  ct_record_set_stored_metadata (record, now, now, 1);
  return TRUE;
}

static gboolean
txn_update (CtStoreTransaction  *txn,
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

  if (!check_writable (self, error) || !check_staff (staff_id, error) ||
      !check_reference (record, error) || !check_state (record, error))
    return FALSE;

  stored = ct_store_backend_get_row (self->backend, ct_record_get_kind (record),
                                     ct_record_get_id (record), error);
  if (stored == NULL)
    return FALSE;

  if (stored->version != ct_record_get_version (record))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT,
                   _("The record was changed by someone else since it was opened, so this change was not saved. Open the record again and repeat the change."));
      return FALSE;
    }

  if (g_strcmp0 (stored->case_id, ct_record_get_case_id (record)) != 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A record cannot be moved to another case."));
      return FALSE;
    }

  now = MAX (g_get_real_time (), stored->updated_at + 1);
  row = row_from_record (record);
  row->created_at = stored->created_at;
  row->updated_at = now;
  row->version = stored->version + 1;

  if (!encrypt_row (self, txn, row, record, digest, error) ||
      !ct_store_backend_update_row (self->backend, row, now, error))
    return FALSE;

  if (row->kind == CT_RECORD_KIND_CHILD || row->kind == CT_RECORD_KIND_PERSON)
    {
      g_autoptr(GPtrArray) tokens = blind_tokens_for_record (self, record);

      if (!ct_store_backend_set_blind_index (self->backend, row->kind, row->id, tokens, TRUE, error))
        return FALSE;
    }

  subject = (AuditSubject) { row->kind, row->id, row->case_id, row->version, digest };
  if (!append_audit_full (self, staff_id, audit_action (FALSE, row->kind), row->id, &subject, error))
    return FALSE;

  txn_snapshot (txn, record);
  ct_record_set_stored_metadata (record, row->created_at, now, row->version);
  return TRUE;
}

static CtRecord *
store_get (CtStore       *self,
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

  return decrypt_row (self, row, error);
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

  if (self->keys.case_keys_loaded)
    return TRUE;

  pairs = ct_store_backend_list_case_keys (self->backend, error);
  if (pairs == NULL)
    return FALSE;

  /* The associated data ct_crypto_unwrap_key() uses for a case key,
   * "key|" and make_label ("case", uuid, case_id), built once up to the
   * case id. */
  ad = g_string_new ("key|case|");
  g_string_append (ad, self->database_uuid);
  g_string_append_c (ad, '|');
  prefix_len = ad->len;

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
            key = ct_key_new_from_bytes (raw, raw_len);
          ct_crypto_wipe (raw, sizeof raw);

          if (key == NULL)
            {
              set_tampered (error, "case_keys", case_id);
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

  self->keys.case_keys_loaded = ok;
  return ok;
}

static GPtrArray *
store_list (CtStore       *self,
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

  return decrypt_rows (self, rows, error);
}

/* Decrypts every record of @kind, each into the same buffer, keeping only
 * the plaintext metadata and @fields. Each record is authenticated with
 * its associated data exactly as decrypt_row() does; the buffer is wiped
 * after each record and freed at the end. */
static GPtrArray *
store_list_summaries (CtStore             *self,
                      CtRecordKind         kind,
                      const char * const  *fields,
                      GError             **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  guint n_fields = g_strv_length ((char **) fields);
  gsize plain_size = 4096;
  guint8 *plain = g_malloc (plain_size);
  gboolean ok = TRUE;

  rows = ct_store_backend_list_rows (self->backend, kind, NULL, error);
  if (rows == NULL)
    return NULL;

  if (rows->len > 32 && kind != CT_RECORD_KIND_ALLEGATION && !preload_case_keys (self, error))
    return NULL;

  summaries = g_ptr_array_new_full (rows->len, (GDestroyNotify) ct_store_summary_free);
  for (guint i = 0; ok && i < rows->len; i++)
    {
      CtStoreRow *row = g_ptr_array_index (rows, i);
      gsize sealed_len = g_bytes_get_size (row->data);
      gsize plain_len = 0;
      CtStoreSummary *summary;
      CtKey *key;
      Buf ad;

      key = key_for_row (self, NULL, row, FALSE, error);
      if (key == NULL)
        {
          ok = FALSE;
          break;
        }

      if (ct_crypto_open_size (sealed_len) > plain_size)
        {
          ct_crypto_wipe (plain, plain_size);
          g_free (plain);
          plain_size = MAX (ct_crypto_open_size (sealed_len), 2 * plain_size);
          plain = g_malloc (plain_size);
        }

      record_associated_data (self, row, &ad);
      ok = ct_crypto_open_into (key, g_bytes_get_data (row->data, NULL), sealed_len, ad.data,
                                ad.len, plain, plain_size, &plain_len);
      buf_clear (&ad);
      if (!ok)
        {
          set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
          break;
        }

      summary = g_new0 (CtStoreSummary, 1);
      summary->n_values = n_fields;
      summary->values = g_new0 (GVariant *, n_fields + 1);
      ok = pick_fields (plain, plain_len, fields, n_fields, summary->values);
      if (plain_len > 0)
        ct_crypto_wipe (plain, plain_len);
      if (!ok)
        {
          ct_store_summary_free (summary);
          set_tampered (error, ct_record_kind_get_table (row->kind), row->id);
          break;
        }

      summary->id = g_steal_pointer (&row->id);
      summary->case_id = g_steal_pointer (&row->case_id);
      summary->state = g_steal_pointer (&row->state);
      summary->reference = g_steal_pointer (&row->reference);
      summary->created_at = row->created_at;
      summary->updated_at = row->updated_at;
      summary->due_at = row->due_at;
      summary->version = row->version;
      g_ptr_array_add (summaries, summary);
      g_clear_pointer (&g_ptr_array_index (rows, i), ct_store_row_free);
    }

  ct_crypto_wipe (plain, plain_size);
  g_free (plain);

  if (!ok)
    return NULL;

  return g_steal_pointer (&summaries);
}

typedef gboolean (*TxnBody) (CtStoreTransaction  *txn,
                             Op                  *op,
                             GError             **error);

static gboolean
run_in_transaction (CtStore  *self,
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

  txn_init (&txn, self);
  ok = body (&txn, op, error);
  appended = ok && self->audit_head_dirty;
  if (ok)
    ok = flush_audit_head (self, error) && ct_store_backend_commit (self->backend, error);
  if (!ok)
    ct_store_backend_rollback (self->backend);
  txn_finish (&txn, ok);

  if (ok && appended)
    note_committed_head (self);

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
  return txn_insert (txn, staff_id, record, error);
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
  return txn_update (txn, staff_id, record, error);
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
  return store_get (txn->store, kind, id, error);
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
  return store_list (txn->store, kind, case_id, error);
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

  if (!check_writable (txn->store, error) || !check_staff (staff_id, error))
    return FALSE;

  if (!is_audit_action (action) || (record_id != NULL && !is_record_id (record_id)))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("An audit entry names its action and record with short ids only, because the audit log is not encrypted."));
      return FALSE;
    }

  return append_audit (txn->store, staff_id, action, record_id, error);
}

/* }}} */

/* Worker thread {{{ */

static gpointer
worker_main (gpointer data)
{
  GAsyncQueue *queue = data;
  /* A store whose high-water mark is to be written at @mark_due, if no
   * request comes first. Not a reference: the store pushes the request
   * to quit before it goes away, and that request is taken before the
   * wait could end, so the store is alive whenever the wait times out. */
  CtStore *mark_store = NULL;
  gint64 mark_due = 0;

  for (;;)
    {
      Request *request;
      CtStore *self;

      if (mark_store != NULL)
        {
          gint64 wait = mark_due - g_get_monotonic_time ();

          request = wait > 0 ? g_async_queue_timeout_pop (queue, wait) : g_async_queue_try_pop (queue);
          if (request == NULL)
            {
              flush_mark (mark_store, TRUE);
              mark_store = NULL;
              continue;
            }
        }
      else
        request = g_async_queue_pop (queue);

      if (request->func == NULL)
        {
          g_free (request);
          break;
        }

      self = g_task_get_source_object (request->task);
      if (g_task_return_error_if_cancelled (request->task))
        ;
      else
        request->func (self, request->task);

      /* Read before the task (and maybe the store) goes. */
      if (self->mark_dirty && !self->closed)
        {
          mark_store = self;
          mark_due = self->mark_written_at + MARK_INTERVAL_USEC;
        }
      else if (mark_store == self)
        mark_store = NULL;

      g_object_unref (request->task);
      g_free (request);
    }

  g_async_queue_unref (queue);
  return NULL;
}

static void
start_worker (CtStore *self)
{
  self->queue = g_async_queue_new ();
  self->worker = g_thread_new ("ct-store", worker_main, g_async_queue_ref (self->queue));
}

static void
push_request (CtStore    *self,
              WorkerFunc  func,
              GTask      *task)
{
  Request *request;

  if (self->closed || self->worker == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED,
                               _("The database has been closed."));
      g_object_unref (task);
      return;
    }

  request = g_new0 (Request, 1);
  request->func = func;
  request->task = task;
  g_async_queue_push (self->queue, request);
}

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs @func on the worker and waits for it, iterating a private main
 * context so the caller's own main loop is not re-entered. */
static GAsyncResult *
run_sync (CtStore    *self,
          WorkerFunc  func,
          Op         *op,
          gpointer    source_tag)
{
  GMainContext *context = g_main_context_new ();
  GAsyncResult *result = NULL;
  GTask *task;

  g_main_context_push_thread_default (context);

  task = g_task_new (self, NULL, on_sync_done_cb, &result);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);

  if (self->worker != NULL && g_thread_self () == self->worker)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                               _("The store cannot be called from inside one of its own transactions."));
      g_object_unref (task);
    }
  else
    push_request (self, func, task);

  while (result == NULL)
    g_main_context_iteration (context, TRUE);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return result;
}

static GTask *
make_task (CtStore             *self,
           Op                  *op,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);
  return task;
}

/* }}} */

/* Object {{{ */

static void
close_internal (CtStore *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;

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
  flush_mark (self, TRUE);

  if (self->backend != NULL)
    ct_store_backend_close (self->backend);
  keys_clear (&self->keys);
}

static void
ct_store_finalize (GObject *object)
{
  CtStore *self = (CtStore *)object;

  close_internal (self);
  g_clear_object (&self->backend);
  g_free (self->path);
  g_free (self->database_uuid);

  G_OBJECT_CLASS (ct_store_parent_class)->finalize (object);
}

static void
ct_store_class_init (CtStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_store_finalize;
}

static void
ct_store_init (CtStore *self)
{
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
  close_internal (self);
}

/**
 * ct_store_get_default_path:
 *
 * Returns: (transfer full): where Caretrail keeps its database by default
 */
char *
ct_store_get_default_path (void)
{
  return ct_paths_get_default_database ();
}

const char *
ct_store_get_path (CtStore *self)
{
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  return self->path;
}

const char *
ct_store_get_database_uuid (CtStore *self)
{
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  return self->database_uuid;
}

gboolean
ct_store_is_read_only (CtStore *self)
{
  g_return_val_if_fail (CT_IS_STORE (self), TRUE);
  return self->read_only;
}

void
ct_store_status_free (CtStoreStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->path);
  g_free (status->database_uuid);
  g_free (status->audit_head);
  g_free (status);
}

/* }}} */

/* Opening {{{ */

typedef struct
{
  char *uuid;
  char *installation;
  GBytes *key_check;
  GBytes *vault;
  gint64 schema_version;
} Header;

static void
header_clear (Header *h)
{
  g_clear_pointer (&h->uuid, g_free);
  g_clear_pointer (&h->installation, g_free);
  g_clear_pointer (&h->key_check, g_bytes_unref);
  g_clear_pointer (&h->vault, g_bytes_unref);
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
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TOO_NEW,
                   _("This database was saved by a newer version of Caretrail (schema %" G_GINT64_FORMAT "; this version understands up to %" G_GINT64_FORMAT "). Update Caretrail to open it. The file has not been changed."),
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

  keys_derive (&self->keys, master);
  vault_label = make_label ("vault", header->uuid, NULL);
  self->keys.vault = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (header->vault, NULL),
                                           g_bytes_get_size (header->vault), vault_label, NULL);

  check = compute_key_check (self->keys.check, header->uuid);
  if (g_bytes_get_size (check) != g_bytes_get_size (header->key_check) ||
      !ct_crypto_equal (g_bytes_get_data (check, NULL), g_bytes_get_data (header->key_check, NULL),
                        g_bytes_get_size (check)))
    {
      /* If the key opens the vault, it is this database's key and the
       * check itself is what is damaged: recovering the key would not
       * help. Only a key that authenticates nothing is the wrong key. */
      gboolean key_fits = self->keys.vault != NULL;

      keys_clear (&self->keys);
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
      keys_clear (&self->keys);
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

  digest_row (self, row, digest);
  return append_audit_full (self, SYSTEM_STAFF, action, row->id, &subject, error);
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

  return append_audit (txn->store, SYSTEM_STAFF, "upgrade-audit-log", NULL, error);
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

  if (!run_in_transaction (self, upgrade_audit_body, &op, &local_error))
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

  last = ct_store_backend_get_audit_head (probe, &local_error);
  if (local_error == NULL)
    head_value = ct_store_backend_get_meta (probe, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!compute_meta_mac (self, probe, meta_mac, error))
    return FALSE;

  if (!read_sealed_head (self, head_value, meta_mac, last != NULL ? last->format : 2,
                         &self->mark_seq, self->mark_mac, &problem))
    return TRUE;
  self->mark_known = TRUE;

  if (ignore_mark)
    return TRUE;

  if (!ct_keyring_lookup_mark (self->database_uuid, &found, &mark_count, &mark_hex, error))
    return FALSE;

  if (!found)
    {
      *out_set_mark = TRUE;
      return TRUE;
    }

  file_hex = mac_to_hex (self->mark_mac);
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
  probe = CT_STORE_BACKEND (ct_sqlite_backend_new (self->path));
  if (!ct_store_backend_open (probe, CT_STORE_BACKEND_OPEN_READ_ONLY | CT_STORE_BACKEND_OPEN_PROBE,
                              error))
    return FALSE;

  if (!read_header (probe, &header, error))
    {
      ct_store_backend_close (probe);
      header_clear (&header);
      return FALSE;
    }

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
      keys_clear (&self->keys);
      return FALSE;
    }

  self->read_only = read_only;
  self->audit_cached = FALSE;
  g_clear_object (&self->backend);
  self->backend = CT_STORE_BACKEND (ct_sqlite_backend_new (self->path));
  if (!ct_store_backend_open (self->backend,
                              read_only ? CT_STORE_BACKEND_OPEN_READ_ONLY : 0, error) ||
      (!read_only && !ct_store_backend_migrate (self->backend, error)) ||
      !compute_meta_mac (self, self->backend, self->meta_mac, error) ||
      (!read_only && !upgrade_audit_log (self, error)))
    {
      keys_clear (&self->keys);
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
      flush_mark (self, TRUE);
    }

  return TRUE;
}

static void
worker_open (CtStore *self,
             GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!open_internal (self, op->read_only, op->ignore_mark, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static CtStore *
store_new (const char *path)
{
  CtStore *self = g_object_new (CT_TYPE_STORE, NULL);

  self->path = g_strdup (path);
  start_worker (self);
  return self;
}

static CtStore *
finish_open (GAsyncResult  *result,
             GError       **error)
{
  g_autoptr(CtStore) self = g_object_ref (g_task_get_source_object (G_TASK (result)));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      close_internal (self);
      return NULL;
    }
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
  Op *op = op_new ();

  g_return_val_if_fail (path != NULL, NULL);

  self = store_new (path);
  result = run_sync (self, worker_open, op, ct_store_open_sync);
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
  Op *op = op_new ();

  g_return_val_if_fail (path != NULL, NULL);

  op->read_only = TRUE;
  self = store_new (path);
  result = run_sync (self, worker_open, op, ct_store_open_read_only_sync);
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
  Op *op = op_new ();

  op->read_only = read_only;
  op->ignore_mark = TRUE;
  self = store_new (path);
  result = run_sync (self, worker_open, op, open_ignoring_mark);
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
  push_request (self, worker_open,
                make_task (self, op_new (), cancellable, callback, user_data, ct_store_open_async));
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

  keys_derive (&self->keys, master);
  self->database_uuid = g_strdup (uuid);

  vault = ct_key_new_random ();
  vault_label = make_label ("vault", uuid, NULL);
  vault_wrapped = ct_crypto_wrap_key (self->keys.wrap, vault, vault_label);
  check = compute_key_check (self->keys.check, uuid);

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
  recovery_ad = make_label ("recovery", uuid, NULL);
  recovery_wrapped = ct_crypto_seal (recovery_key, master->bytes, CT_KEY_BYTES, recovery_ad);

  backend = CT_STORE_BACKEND (ct_sqlite_backend_new (tmp_path));
  self->backend = g_object_ref (backend);
  self->audit_cached = FALSE;
  if (!ct_store_backend_open (backend, CT_STORE_BACKEND_OPEN_CREATE, error) ||
      !ct_store_backend_migrate (backend, error) ||
      !ct_store_backend_begin (backend, error))
    {
      ct_crypto_free_string (code);
      return FALSE;
    }

  txn_init (&txn, self);
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
        compute_meta_mac (self, backend, self->meta_mac, error) &&
        append_audit (self, SYSTEM_STAFF, "create-database", NULL, error) &&
        flush_audit_head (self, error) &&
        ct_store_backend_commit (backend, error));
  if (!ok)
    ct_store_backend_rollback (backend);
  txn_finish (&txn, ok);
  self->creating = FALSE;

  ct_store_backend_close (backend);
  g_clear_object (&self->backend);
  keys_clear (&self->keys);
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

static void
worker_create (CtStore *self,
               GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *tmp_path = g_strconcat (self->path, ".creating", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(CtKey) master = NULL;
  GError *error = NULL;

  if (!ct_crypto_init (&error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS,
                               _("A database already exists at “%s”. It has not been changed. To start again, move it away first."),
                               self->path);
      return;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                               _("The folder “%s” could not be created: %s."),
                               dir, g_strerror (saved_errno));
      return;
    }

  /* The key goes into the keyring first: if the keyring cannot take it,
   * no database is left behind that nobody could open. */
  master = ct_key_new_random ();
  if (!ct_keyring_store_key (uuid, master, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  remove_database_files (tmp_path);
  if (!write_new_database (self, tmp_path, uuid, master, &op->recovery_code, &error))
    {
      remove_database_files (tmp_path);
      ct_keyring_delete_key (uuid, NULL);
      g_task_return_error (task, error);
      return;
    }

  /* Renaming makes the database appear whole or not at all. */
  if (g_file_test (self->path, G_FILE_TEST_EXISTS) || g_rename (tmp_path, self->path) != 0)
    {
      int saved_errno = errno;

      remove_database_files (tmp_path);
      ct_keyring_delete_key (uuid, NULL);
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                               _("The new database could not be put in place at “%s”: %s."),
                               self->path, g_strerror (saved_errno));
      return;
    }

  if (!open_internal (self, FALSE, FALSE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

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
  result = run_sync (self, worker_create, op_new (), ct_store_create_sync);
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
  push_request (self, worker_create,
                make_task (self, op_new (), cancellable, callback, user_data, ct_store_create_async));
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
  return append_audit (txn->store, op->staff_id, op->code, op->id, error);
}

static void
worker_admin_audit (CtStore *self,
                    GTask   *task)
{
  GError *error = NULL;

  if (run_in_transaction (self, admin_audit_body, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
append_admin_audit (CtStore     *self,
                    const char  *action,
                    GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Op *op = op_new ();

  op->staff_id = g_strdup (SYSTEM_STAFF);
  op->code = g_strdup (action);
  result = run_sync (self, worker_admin_audit, op, append_admin_audit);
  return g_task_propagate_boolean (G_TASK (result), error);
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

  probe = CT_STORE_BACKEND (ct_sqlite_backend_new (path));
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
      ad = make_label ("recovery", header.uuid, NULL);
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
  Op *op = op_new ();

  op->path = g_strdup (path);
  op->code = g_strdup (recovery_code);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_store_recover_async);
  g_task_set_task_data (task, op, op_free);
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
  g_autoptr(CtStoreBackend) probe = CT_STORE_BACKEND (ct_sqlite_backend_new (path));
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

static void
worker_reset_mark (CtStore *self,
                   GTask   *task)
{
  GError *error = NULL;

  if (!self->mark_known)
    g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                             _("The restored database’s audit log does not match its seal. Run “caretrail-admin verify” on it."));
  else if (!write_mark (self, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Makes the file's head, as it is now, the high-water mark, even if it is
 * below the mark kept before. */
static gboolean
reset_mark (CtStore  *self,
            GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  result = run_sync (self, worker_reset_mark, op_new (), reset_mark);
  return g_task_propagate_boolean (G_TASK (result), error);
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
 * anywhere.
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
  CtStore *store;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  /* Verify a private copy so the backup file itself is never touched. */
  remove_database_files (staging);
  if (!copy_file_private (backup_path, staging, error))
    {
      remove_database_files (staging);
      return FALSE;
    }

  if (!ct_store_peek_sync (staging, &backup_uuid, NULL, error))
    {
      remove_database_files (staging);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS) &&
      ct_store_peek_sync (path, &current_uuid, NULL, NULL) &&
      g_strcmp0 (current_uuid, backup_uuid) != 0)
    {
      remove_database_files (staging);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The backup “%s” is of a different database from the one at “%s”. Nothing has been changed. Restore it to another path with --database."),
                   backup_path, path);
      return FALSE;
    }

  /* Replacing a database that is open would leave its user writing to
   * the copy kept aside. */
  if (g_file_test (path, G_FILE_TEST_EXISTS) && !ct_sqlite_backend_check_unused (path, error))
    {
      remove_database_files (staging);
      return FALSE;
    }

  /* A backup is older than the records written since: it is checked
   * against itself, not against the high-water mark. */
  store = open_ignoring_mark (staging, TRUE, error);
  ok = store != NULL && ct_store_verify_sync (store, NULL, error);
  if (store != NULL)
    {
      ct_store_close (store);
      g_object_unref (store);
    }
  if (!ok)
    {
      g_prefix_error (error, _("The backup was not restored: "));
      remove_database_files (staging);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *saved_wal = NULL;

      saved = g_strdup_printf ("%s.before-restore-%s", path, stamp);
      saved_wal = g_strconcat (saved, "-wal", NULL);
      if (g_rename (path, saved) != 0)
        {
          int saved_errno = errno;

          remove_database_files (staging);
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                       _("The current database could not be moved aside: %s. Nothing has been changed."),
                       g_strerror (saved_errno));
          return FALSE;
        }
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

/* Records {{{ */

static gboolean
check_task (CtStore       *self,
            GAsyncResult  *result,
            gpointer       source_tag)
{
  return g_task_is_valid (result, self) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

static gboolean
insert_body (CtStoreTransaction  *txn,
             Op                  *op,
             GError             **error)
{
  return txn_insert (txn, op->staff_id, op->record, error);
}

static gboolean
update_body (CtStoreTransaction  *txn,
             Op                  *op,
             GError             **error)
{
  return txn_update (txn, op->staff_id, op->record, error);
}

static void
worker_insert (CtStore *self,
               GTask   *task)
{
  GError *error = NULL;

  if (run_in_transaction (self, insert_body, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
worker_update (CtStore *self,
               GTask   *task)
{
  GError *error = NULL;

  if (run_in_transaction (self, update_body, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static Op *
op_new_for_write (const char *staff_id,
                  CtRecord   *record)
{
  Op *op = op_new ();

  op->staff_id = g_strdup (staff_id);
  op->record = ct_record_copy (record);
  op->original = g_object_ref (record);
  return op;
}

/* Runs on the caller's thread: copies what the store set back into the
 * caller's own record. */
static gboolean
finish_write (GAsyncResult  *result,
              GError       **error)
{
  Op *op = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  ct_record_set_stored_metadata (op->original,
                                 ct_record_get_created_at (op->record),
                                 ct_record_get_updated_at (op->record),
                                 ct_record_get_version (op->record));
  return TRUE;
}

/**
 * ct_store_insert_async:
 * @self: a #CtStore
 * @staff_id: the member of staff making the record
 * @record: a new record (version 0); it is copied, and its version and
 *   timestamps are set when the insert finishes
 *
 * Encrypts and saves a new record, with its audit entry, in one
 * transaction.
 */
void
ct_store_insert_async (CtStore             *self,
                       const char          *staff_id,
                       CtRecord            *record,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (CT_IS_RECORD (record));

  push_request (self, worker_insert,
                make_task (self, op_new_for_write (staff_id, record), cancellable,
                           callback, user_data, ct_store_insert_async));
}

gboolean
ct_store_insert_finish (CtStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_insert_async), FALSE);
  return finish_write (result, error);
}

gboolean
ct_store_insert_sync (CtStore     *self,
                      const char  *staff_id,
                      CtRecord    *record,
                      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CT_IS_RECORD (record), FALSE);

  result = run_sync (self, worker_insert, op_new_for_write (staff_id, record), ct_store_insert_sync);
  return finish_write (result, error);
}

/**
 * ct_store_update_async:
 * @record: a record read from the store and changed
 *
 * Saves a correction. The previous version stays in the history, see
 * ct_store_list_history_sync().
 */
void
ct_store_update_async (CtStore             *self,
                       const char          *staff_id,
                       CtRecord            *record,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (CT_IS_RECORD (record));

  push_request (self, worker_update,
                make_task (self, op_new_for_write (staff_id, record), cancellable,
                           callback, user_data, ct_store_update_async));
}

gboolean
ct_store_update_finish (CtStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_update_async), FALSE);
  return finish_write (result, error);
}

gboolean
ct_store_update_sync (CtStore     *self,
                      const char  *staff_id,
                      CtRecord    *record,
                      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (CT_IS_RECORD (record), FALSE);

  result = run_sync (self, worker_update, op_new_for_write (staff_id, record), ct_store_update_sync);
  return finish_write (result, error);
}

static void
worker_get (CtStore *self,
            GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  CtRecord *record;

  record = store_get (self, op->kind, op->id, &error);
  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, record, g_object_unref);
}

static Op *
op_new_for_read (CtRecordKind  kind,
                 const char   *id,
                 const char   *case_id)
{
  Op *op = op_new ();

  op->kind = kind;
  op->id = g_strdup (id);
  op->case_id = g_strdup (case_id);
  return op;
}

/**
 * ct_store_get_async:
 *
 * Reads and decrypts one record. Fails with %CT_STORE_ERROR_NOT_FOUND or,
 * if its ciphertext does not authenticate, %CT_STORE_ERROR_TAMPERED.
 */
void
ct_store_get_async (CtStore             *self,
                    CtRecordKind         kind,
                    const char          *id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (kind < CT_RECORD_N_KINDS);

  push_request (self, worker_get,
                make_task (self, op_new_for_read (kind, id, NULL), cancellable, callback,
                           user_data, ct_store_get_async));
}

CtRecord *
ct_store_get_finish (CtStore       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_get_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CtRecord *
ct_store_get_sync (CtStore       *self,
                   CtRecordKind   kind,
                   const char    *id,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  result = run_sync (self, worker_get, op_new_for_read (kind, id, NULL), ct_store_get_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
worker_list (CtStore *self,
             GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *records;

  records = store_list (self, op->kind, op->case_id, &error);
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ct_store_list_async:
 * @case_id: (nullable): only the records of this case
 *
 * Reads and decrypts every record of @kind, oldest first.
 */
void
ct_store_list_async (CtStore             *self,
                     CtRecordKind         kind,
                     const char          *case_id,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (kind < CT_RECORD_N_KINDS);

  push_request (self, worker_list,
                make_task (self, op_new_for_read (kind, NULL, case_id), cancellable, callback,
                           user_data, ct_store_list_async));
}

/**
 * ct_store_list_finish:
 *
 * Returns: (transfer full) (element-type CtRecord): the records
 */
GPtrArray *
ct_store_list_finish (CtStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_list_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
ct_store_list_sync (CtStore       *self,
                    CtRecordKind   kind,
                    const char    *case_id,
                    GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  result = run_sync (self, worker_list, op_new_for_read (kind, NULL, case_id), ct_store_list_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
worker_list_history (CtStore *self,
                     GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GPtrArray) rows = NULL;
  GError *error = NULL;
  GPtrArray *records = NULL;

  rows = ct_store_backend_list_history (self->backend, op->kind, op->id, &error);
  if (rows != NULL)
    records = decrypt_rows (self, rows, &error);

  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ct_store_list_history_async:
 * @id: (nullable): the record whose earlier versions are wanted, or %NULL
 *   for those of every record of @kind
 *
 * Reads the earlier versions of corrected records, oldest first. Current
 * versions are not included.
 */
void
ct_store_list_history_async (CtStore             *self,
                             CtRecordKind         kind,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (kind < CT_RECORD_N_KINDS);

  push_request (self, worker_list_history,
                make_task (self, op_new_for_read (kind, id, NULL), cancellable, callback,
                           user_data, ct_store_list_history_async));
}

GPtrArray *
ct_store_list_history_finish (CtStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_list_history_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
ct_store_list_history_sync (CtStore       *self,
                            CtRecordKind   kind,
                            const char    *id,
                            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  result = run_sync (self, worker_list_history, op_new_for_read (kind, id, NULL),
                     ct_store_list_history_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
open_case_body (CtStoreTransaction  *txn,
                Op                  *op,
                GError             **error)
{
  if (!check_staff (op->staff_id, error))
    return FALSE;

  op->record = store_get (txn->store, CT_RECORD_KIND_CASE, op->case_id, error);
  if (op->record == NULL)
    return FALSE;

  return append_audit (txn->store, op->staff_id, "open-case", op->case_id, error);
}

static void
worker_open_case (CtStore *self,
                  GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (run_in_transaction (self, open_case_body, op, &error))
    g_task_return_pointer (task, g_steal_pointer (&op->record), g_object_unref);
  else
    g_task_return_error (task, error);
}

static Op *
op_new_for_case (const char *staff_id,
                 const char *case_id)
{
  Op *op = op_new ();

  op->staff_id = g_strdup (staff_id);
  op->case_id = g_strdup (case_id);
  return op;
}

/**
 * ct_store_open_case_async:
 * @staff_id: who is opening the case file
 * @case_id: the case
 *
 * Reads a case record and records in the audit log that @staff_id opened
 * it. Use this, not ct_store_get_async(), whenever a person opens a case.
 */
void
ct_store_open_case_async (CtStore             *self,
                          const char          *staff_id,
                          const char          *case_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (case_id != NULL);

  push_request (self, worker_open_case,
                make_task (self, op_new_for_case (staff_id, case_id), cancellable, callback,
                           user_data, ct_store_open_case_async));
}

CtRecord *
ct_store_open_case_finish (CtStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_open_case_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CtRecord *
ct_store_open_case_sync (CtStore     *self,
                         const char  *staff_id,
                         const char  *case_id,
                         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  result = run_sync (self, worker_open_case, op_new_for_case (staff_id, case_id),
                     ct_store_open_case_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  CtRecordKind kind;
  char *id;
  gint64 version;
} ErasedRecord;

static void
erased_record_clear (gpointer data)
{
  g_free (((ErasedRecord *) data)->id);
}

static gboolean
collect_erased_cb (CtStoreRow        *row,
                   const char        *stored_kind,
                   gint64             replaced_at,
                   gpointer           user_data,
                   GError           **error)
{
  ErasedRecord erased = { row->kind, g_strdup (row->id), row->version };

  g_array_append_val ((GArray *) user_data, erased);
  return TRUE;
}

/* Each record erased gets an "erase:<kind>" entry naming its kind, id and
 * last version, and the case itself an "erase-case" entry, so that verify
 * knows exactly which records should be gone. */
static gboolean
erase_case_body (CtStoreTransaction  *txn,
                 Op                  *op,
                 GError             **error)
{
  CtStore *self = txn->store;
  g_autoptr(CtStoreRow) row = NULL;
  g_autoptr(GArray) erased = NULL;
  AuditSubject subject;

  if (!check_staff (op->staff_id, error))
    return FALSE;

  row = ct_store_backend_get_row (self->backend, CT_RECORD_KIND_CASE, op->case_id, error);
  if (row == NULL)
    return FALSE;

  erased = g_array_new (FALSE, FALSE, sizeof (ErasedRecord));
  g_array_set_clear_func (erased, erased_record_clear);
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    if (kind != CT_RECORD_KIND_CASE &&
        !ct_store_backend_foreach_row (self->backend, kind, FALSE, op->case_id,
                                       collect_erased_cb, erased, error))
      return FALSE;

  if (!ct_store_backend_erase_case (self->backend, op->case_id, error))
    return FALSE;

  for (guint i = 0; i < erased->len; i++)
    {
      ErasedRecord *e = &g_array_index (erased, ErasedRecord, i);
      g_autofree char *action = g_strconcat ("erase:", ct_record_kind_to_string (e->kind), NULL);

      subject = (AuditSubject) { e->kind, e->id, op->case_id, e->version, NULL };
      if (!append_audit_full (self, op->staff_id, action, e->id, &subject, error))
        return FALSE;
    }

  subject = (AuditSubject) { CT_RECORD_KIND_CASE, op->case_id, op->case_id, row->version, NULL };
  return append_audit_full (self, op->staff_id, "erase-case", op->case_id, &subject, error);
}

static void
worker_erase_case (CtStore *self,
                   GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (run_in_transaction (self, erase_case_body, op, &error))
    {
      g_hash_table_remove (self->keys.case_keys, op->case_id);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

/**
 * ct_store_erase_case_sync:
 * @staff_id: who erases it
 * @case_id: the case to erase
 *
 * Erases a case: its key, every record that belongs to it and their
 * history. Freed pages are zeroed (secure_delete), and without the key
 * any copy of the old ciphertext cannot be read. The audit log keeps an
 * "erase-case" entry naming only the case id.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_store_erase_case_sync (CtStore     *self,
                          const char  *staff_id,
                          const char  *case_id,
                          GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL, FALSE);

  result = run_sync (self, worker_erase_case, op_new_for_case (staff_id, case_id),
                     ct_store_erase_case_sync);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
add_matches (CtStore     *self,
             GHashTable  *seen,
             GPtrArray   *records,
             GBytes      *token,
             GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;

  ids = ct_store_backend_find_blind_index (self->backend, CT_RECORD_KIND_CHILD, token, error);
  if (ids == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      CtRecord *record;

      if (g_hash_table_contains (seen, id))
        continue;

      record = store_get (self, CT_RECORD_KIND_CHILD, id, error);
      if (record == NULL)
        return FALSE;
      g_hash_table_add (seen, g_strdup (id));
      g_ptr_array_add (records, record);
    }

  return TRUE;
}

static void
worker_find_children (CtStore *self,
                      GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *name = full_name (op->given, op->family);
  g_autofree char *family = ct_crypto_normalise_name (op->family);
  GError *error = NULL;

  if (*name != '\0')
    {
      g_autoptr(GBytes) token = blind_token (self, "name", name);

      if (!add_matches (self, seen, records, token, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  if (op->dob != NULL && *op->dob != '\0' && *family != '\0')
    {
      g_autofree char *family_dob = g_strconcat (family, "|", op->dob, NULL);
      g_autoptr(GBytes) token = blind_token (self, "family-dob", family_dob);

      if (!add_matches (self, seen, records, token, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static Op *
op_new_for_find (const char *given,
                 const char *family,
                 const char *dob)
{
  Op *op = op_new ();

  op->given = g_strdup (given);
  op->family = g_strdup (family);
  op->dob = g_strdup (dob);
  return op;
}

/**
 * ct_store_find_children_async:
 * @given_names: (nullable): given names as typed
 * @family_name: (nullable): family name as typed
 * @date_of_birth: (nullable): ISO date of birth
 *
 * Finds children already known, without decrypting every record: by the
 * blind index of their normalised full name (or any alias), and of their
 * family name with date of birth. Case, accents, punctuation and spacing
 * do not matter.
 */
void
ct_store_find_children_async (CtStore             *self,
                              const char          *given_names,
                              const char          *family_name,
                              const char          *date_of_birth,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));

  push_request (self, worker_find_children,
                make_task (self, op_new_for_find (given_names, family_name, date_of_birth),
                           cancellable, callback, user_data, ct_store_find_children_async));
}

GPtrArray *
ct_store_find_children_finish (CtStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_find_children_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
ct_store_find_children_sync (CtStore     *self,
                             const char  *given_names,
                             const char  *family_name,
                             const char  *date_of_birth,
                             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  result = run_sync (self, worker_find_children,
                     op_new_for_find (given_names, family_name, date_of_birth),
                     ct_store_find_children_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

/* Caller transactions {{{ */

static gboolean
caller_body (CtStoreTransaction  *txn,
             Op                  *op,
             GError             **error)
{
  GError *local_error = NULL;

  if (op->func (txn, op->func_data, &local_error))
    return TRUE;

  if (local_error == NULL)
    g_set_error (&local_error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                 _("The change was abandoned, and nothing was saved."));
  g_propagate_error (error, local_error);
  return FALSE;
}

static void
worker_transaction (CtStore *self,
                    GTask   *task)
{
  GError *error = NULL;

  if (run_in_transaction (self, caller_body, g_task_get_task_data (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ct_store_run_transaction_sync:
 * @self: a #CtStore
 * @func: what to do; it runs on the store's worker thread
 * @user_data: data for @func
 * @error: return location for an error
 *
 * Runs @func in one database transaction: every insert, update and audit
 * entry it makes commits together if it returns %TRUE, or is rolled back
 * together if it returns %FALSE or the commit fails.
 *
 * Returns: %TRUE if the transaction committed
 */
gboolean
ct_store_run_transaction_sync (CtStore                 *self,
                               CtStoreTransactionFunc   func,
                               gpointer                 user_data,
                               GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Op *op = op_new ();

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  op->func = func;
  op->func_data = user_data;
  result = run_sync (self, worker_transaction, op, ct_store_run_transaction_sync);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ct_store_run_transaction_async:
 * @user_data_destroy: (nullable): frees @user_data once @func has run
 *
 * The asynchronous twin of ct_store_run_transaction_sync(). @func runs on
 * the worker thread; @callback on the caller's main context.
 */
void
ct_store_run_transaction_async (CtStore                *self,
                                CtStoreTransactionFunc  func,
                                gpointer                user_data,
                                GDestroyNotify          user_data_destroy,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                callback_data)
{
  Op *op;

  g_return_if_fail (CT_IS_STORE (self));
  g_return_if_fail (func != NULL);

  op = op_new ();
  op->func = func;
  op->func_data = user_data;
  op->func_destroy = user_data_destroy;
  push_request (self, worker_transaction,
                make_task (self, op, cancellable, callback, callback_data,
                           ct_store_run_transaction_async));
}

gboolean
ct_store_run_transaction_finish (CtStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_run_transaction_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Administration {{{ */

#define MAX_PROBLEMS_SHOWN 20

/* Verify reads every row of a file that can hold a hundred thousand cases,
 * so what it holds does not grow with the file: what the audit log wrote
 * is kept on disk (a CtVerifyLedger), the rows are read one at a time
 * through a small page cache, and one case key is unwrapped at a time. */
typedef struct
{
  CtStore *self;
  CtStoreVerifyStats *stats;
  guint8 previous[CT_MAC_BYTES];
  gint64 expected_seq;
  int last_format;
  /* Whether the log says what its entries wrote (any format 2 entry), so
   * that the records can be matched against it. */
  gboolean replaying;
  /* What each entry wrote: which versions of which records, and their
   * digests. */
  CtVerifyLedger *ledger;
  GPtrArray *problems;
  guint n_problems;
  /* The key of the case whose rows are being read, unless the store holds
   * it already; wiped when a row of another case comes. */
  char *case_key_id;
  CtKey *case_key;
  /* The record whose history is being walked, newest version first: what
   * the log wrote of it, and the version seen last and when it was
   * written, which is when the version before it was replaced. */
  CtRecordKind history_kind;
  char *history_id;
  gboolean history_found;
  CtVerifyLedgerRecord history_record;
  gint64 next_version;
  gint64 next_updated_at;
} Verify;

static void
verify_clear (Verify *v)
{
  g_clear_pointer (&v->case_key, ct_key_free);
  g_clear_pointer (&v->case_key_id, g_free);
  g_clear_pointer (&v->history_id, g_free);
  ct_verify_ledger_record_clear (&v->history_record);
}

static void
add_problem (Verify     *v,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (Verify     *v,
             const char *format,
             ...)
{
  va_list args;

  v->n_problems++;
  if (v->problems->len >= MAX_PROBLEMS_SHOWN)
    return;
  va_start (args, format);
  g_ptr_array_add (v->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The case a record belongs to, for a message: a case is its own. */
static const char *
case_label (CtRecordKind  kind,
            const char   *id,
            const char   *case_id)
{
  if (case_id == NULL && kind == CT_RECORD_KIND_CASE)
    return id;
  return case_id != NULL ? case_id : _("none");
}

/* Replays one format 2 entry: a write sets what a version of a record must
 * be; an erasure removes the record and its history. */
static gboolean
replay_entry (Verify              *v,
              const CtAuditEntry  *entry,
              GError             **error)
{
  CtRecordKind kind;

  if (entry->kind == NULL)
    return TRUE;

  if (!ct_record_kind_from_string (entry->kind, &kind) || entry->record_id == NULL)
    {
      add_problem (v, _("audit entry %" G_GINT64_FORMAT " names a record Caretrail does not know (“%s”)"),
                   entry->seq, entry->kind);
      return TRUE;
    }

  if (entry->digest == NULL)
    return ct_verify_ledger_erase (v->ledger, kind, entry->record_id, error);

  if (entry->version < 1 || entry->version > G_MAXINT32 ||
      g_bytes_get_size (entry->digest) != CT_DIGEST_BYTES)
    {
      add_problem (v, _("audit entry %" G_GINT64_FORMAT " is malformed"), entry->seq);
      return TRUE;
    }

  return ct_verify_ledger_write (v->ledger, kind, entry->record_id, entry->case_id, entry->version,
                                 g_bytes_get_data (entry->digest, NULL), entry->seq, error);
}

static gboolean
verify_entry_cb (const CtAuditEntry  *entry,
                 gpointer             user_data,
                 GError             **error)
{
  Verify *v = user_data;
  CtStore *self = v->self;
  guint8 mac[CT_MAC_BYTES];

  if (entry->seq != v->expected_seq)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: entry %" G_GINT64_FORMAT " is missing (the next entry is %" G_GINT64_FORMAT "). Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   v->expected_seq, entry->seq);
      return FALSE;
    }

  audit_mac (self, v->previous, entry, mac);
  if (g_bytes_get_size (entry->mac) != CT_MAC_BYTES ||
      !ct_crypto_equal (mac, g_bytes_get_data (entry->mac, NULL), CT_MAC_BYTES) ||
      (entry->format < 2 && v->last_format >= 2))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: entry %" G_GINT64_FORMAT " (%s) does not match its seal. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   entry->seq, entry->action != NULL ? entry->action : "?");
      return FALSE;
    }

  memcpy (v->previous, mac, CT_MAC_BYTES);
  v->expected_seq++;
  v->last_format = entry->format;
  v->stats->audit_entries++;

  if (entry->format < 2)
    {
      v->stats->legacy_entries++;
      return TRUE;
    }

  v->replaying = TRUE;
  return replay_entry (v, entry, error);
}

/* Checks the chain entry by entry (streamed), replays what the entries
 * wrote, and checks the sealed head against the chain's end and the
 * settings as they are in the file now. */
static gboolean
verify_audit (Verify  *v,
              GError **error)
{
  CtStore *self = v->self;
  g_autoptr(GBytes) head_value = NULL;
  GError *local_error = NULL;
  const char *problem = NULL;
  guint8 meta_mac[CT_MAC_BYTES];
  guint8 sealed_mac[CT_MAC_BYTES];
  gint64 sealed_count = 0;
  gint64 count;

  v->expected_seq = 1;
  if (!ct_store_backend_foreach_audit (self->backend, verify_entry_cb, v, error))
    return FALSE;
  count = v->expected_seq - 1;

  head_value = ct_store_backend_get_meta (self->backend, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!compute_meta_mac (self, self->backend, meta_mac, error))
    return FALSE;

  if (!read_sealed_head (self, head_value, meta_mac, count > 0 ? v->last_format : 2,
                         &sealed_count, sealed_mac, &problem))
    {
      if (count == 0 && head_value == NULL)
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                     _("The audit log has been altered: it is empty and its seal is missing, so the whole log has been removed. Restore the database from a backup and report this to your Designated Safeguarding Officer."));
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                     _("The audit log has been altered: %s. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                     _(problem));
      return FALSE;
    }

  if (sealed_count != count ||
      (count > 0 && !ct_crypto_equal (sealed_mac, v->previous, CT_MAC_BYTES)))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: its seal counts %" G_GINT64_FORMAT " entries, but the log ends after entry %" G_GINT64_FORMAT ", so entries have been removed from its end. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   sealed_count, count);
      return FALSE;
    }

  return TRUE;
}


/* The key to decrypt @row with. A case key the store holds is used as it
 * is; any other is unwrapped for this row and kept only until a row of
 * another case comes, so that verify never holds every case key at once.
 * The rows of a case are mostly stored together, so most rows need no
 * unwrapping. */
static const CtKey *
verify_key_for_row (Verify            *v,
                    const CtStoreRow  *row,
                    GError           **error)
{
  CtStore *self = v->self;
  const char *case_id = row_case_key_id (row);
  GError *local_error = NULL;
  CtKey *key;

  if (row->kind == CT_RECORD_KIND_ALLEGATION)
    return self->keys.vault;
  if (case_id == NULL)
    return self->keys.general;

  key = g_hash_table_lookup (self->keys.case_keys, case_id);
  if (key != NULL)
    return key;
  if (v->case_key != NULL && g_str_equal (v->case_key_id, case_id))
    return v->case_key;

  g_clear_pointer (&v->case_key, ct_key_free);
  g_clear_pointer (&v->case_key_id, g_free);
  key = read_case_key (self, case_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (key == NULL)
    {
      set_case_key_missing (error, case_id);
      return NULL;
    }

  v->case_key = key;
  v->case_key_id = g_strdup (case_id);
  return key;
}

/* Authenticates @row and returns its record; takes the row's strings. */
static CtRecord *
verify_decrypt_row (Verify      *v,
                    CtStoreRow  *row,
                    GError     **error)
{
  const CtKey *key = verify_key_for_row (v, row, error);

  if (key == NULL)
    return NULL;
  return decrypt_row_with_key (v->self, row, key, error);
}

static gboolean
verify_row_cb (CtStoreRow  *row,
               const char  *stored_kind,
               gint64       replaced_at,
               gpointer     user_data,
               GError     **error)
{
  Verify *v = user_data;
  g_autoptr(CtRecord) record = NULL;
  g_autofree char *id = g_strdup (row->id);
  g_autofree char *case_id = g_strdup (row->case_id);
  CtRecordKind row_kind = row->kind;
  const char *kind = ct_record_kind_to_string (row_kind);
  guint8 digest[CT_DIGEST_BYTES];
  gint64 version = row->version;
  gint64 updated_at = row->updated_at;
  CtVerifyLedgerRecord e;
  gboolean found;

  digest_row (v->self, row, digest);
  /* Authenticates the ciphertext with its associated data; takes the
   * row's strings. */
  record = verify_decrypt_row (v, row, error);
  if (record == NULL)
    return FALSE;
  v->stats->records++;

  if (!v->replaying)
    return TRUE;

  if (!ct_verify_ledger_see_live (v->ledger, row_kind, id, version, updated_at, &e, &found, error))
    return FALSE;
  if (!found)
    {
      add_problem (v, _("the %s record %s (case %s) is in the file, but no audit entry wrote it"),
                   kind, id, case_label (row_kind, id, case_id));
      return TRUE;
    }

  if (version < e.live_version)
    add_problem (v, _("the %s record %s (case %s) is at version %" G_GINT64_FORMAT ", older than version %" G_GINT64_FORMAT " written by audit entry %" G_GINT64_FORMAT ": it has been rolled back"),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_version, e.live_seq);
  else if (version > e.live_version)
    add_problem (v, _("the %s record %s (case %s) is at version %" G_GINT64_FORMAT ", newer than version %" G_GINT64_FORMAT " written by audit entry %" G_GINT64_FORMAT),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_version, e.live_seq);
  else if (e.live_seq == 0 || !ct_crypto_equal (e.live_digest, digest, CT_DIGEST_BYTES))
    add_problem (v, _("the %s record %s (case %s) version %" G_GINT64_FORMAT " is not what audit entry %" G_GINT64_FORMAT " wrote"),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_seq);

  ct_verify_ledger_record_clear (&e);
  return TRUE;
}

static gboolean
verify_history_cb (CtStoreRow  *row,
                   const char  *stored_kind,
                   gint64       replaced_at,
                   gpointer     user_data,
                   GError     **error)
{
  Verify *v = user_data;
  g_autoptr(CtRecord) record = NULL;
  g_autofree char *id = g_strdup (row->id);
  g_autofree char *case_id = g_strdup (row->case_id);
  CtRecordKind row_kind = row->kind;
  const char *kind = ct_record_kind_to_string (row_kind);
  guint8 digest[CT_DIGEST_BYTES];
  guint8 expected_digest[CT_DIGEST_BYTES];
  gint64 version = row->version;
  gint64 updated_at = row->updated_at;
  gint64 seq;
  const CtVerifyLedgerRecord *e = &v->history_record;

  digest_row (v->self, row, digest);
  record = verify_decrypt_row (v, row, error);
  if (record == NULL)
    return FALSE;
  v->stats->history++;

  if (g_strcmp0 (stored_kind, kind) != 0)
    add_problem (v, _("the kind of version %" G_GINT64_FORMAT " of the %s record %s (case %s) in its history has been changed"),
                 version, kind, id, case_label (row_kind, id, case_id));

  if (!v->replaying)
    return TRUE;

  /* The history of another record starts: its newest version was
   * replaced by the live row, if that was found. */
  if (v->history_id == NULL || v->history_kind != row_kind || !g_str_equal (v->history_id, id))
    {
      ct_verify_ledger_record_clear (&v->history_record);
      g_free (v->history_id);
      v->history_id = g_strdup (id);
      v->history_kind = row_kind;
      if (!ct_verify_ledger_lookup (v->ledger, row_kind, id, &v->history_record, &v->history_found, error))
        return FALSE;
      v->next_version = v->history_found && e->seen_live ? e->found_version : 0;
      v->next_updated_at = v->history_found && e->seen_live ? e->found_updated_at : 0;
    }

  if (!v->history_found || version < 1 || version >= e->live_version)
    {
      add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) is in its history, but no audit entry wrote it"),
                   version, kind, id, case_label (row_kind, id, case_id));
      return TRUE;
    }

  if (!ct_verify_ledger_see_version (v->ledger, row_kind, id, version, expected_digest, &seq, error))
    return FALSE;
  if (seq == 0 || !ct_crypto_equal (expected_digest, digest, CT_DIGEST_BYTES))
    add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) in its history is not what audit entry %" G_GINT64_FORMAT " wrote"),
                 version, kind, id, case_label (row_kind, id, e->case_id), seq);

  /* A version is replaced when the next one is written: the time is kept
   * in plaintext beside it, and the next version's authenticated
   * updated-at says what it must be. */
  if (v->next_version == version + 1 && replaced_at != v->next_updated_at)
    add_problem (v, _("the time version %" G_GINT64_FORMAT " of the %s record %s (case %s) was replaced has been changed"),
                 version, kind, id, case_label (row_kind, id, e->case_id));
  v->next_version = version;
  v->next_updated_at = updated_at;
  return TRUE;
}

/* Whatever the log says should be in the file and was not found. */
static gboolean
report_missing_cb (CtRecordKind                 record_kind,
                   const char                  *id,
                   const CtVerifyLedgerRecord  *e,
                   const CtVerifyLedgerVersion *versions,
                   guint                        n_versions,
                   gpointer                     user_data,
                   GError                     **error)
{
  Verify *v = user_data;
  const char *kind = ct_record_kind_to_string (record_kind);

  if (!e->seen_live)
    add_problem (v, _("the %s record %s (case %s) is missing; audit entry %" G_GINT64_FORMAT " wrote its version %" G_GINT64_FORMAT),
                 kind, id, case_label (record_kind, id, e->case_id), e->live_seq, e->live_version);

  for (guint i = 0; i < n_versions; i++)
    if (!versions[i].seen)
      add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) is missing from its history; audit entry %" G_GINT64_FORMAT " wrote it"),
                   versions[i].version, kind, id, case_label (record_kind, id, e->case_id), versions[i].seq);
  return TRUE;
}

/* Each case key is unwrapped, to be sure it does, and wiped at once. */
static gboolean
verify_case_key_cb (const char  *case_id,
                    GBytes      *wrapped,
                    gpointer     user_data,
                    GError     **error)
{
  Verify *v = user_data;
  CtStore *self = v->self;
  g_autofree char *label = make_label ("case", self->database_uuid, case_id);
  g_autoptr(CtKey) key = NULL;
  CtVerifyLedgerRecord e;
  gboolean found;

  key = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                              g_bytes_get_size (wrapped), label, NULL);
  if (key == NULL)
    {
      set_tampered (error, "case_keys", case_id);
      return FALSE;
    }
  v->stats->case_keys++;

  if (!v->replaying)
    return TRUE;

  if (!ct_verify_ledger_lookup (v->ledger, CT_RECORD_KIND_CASE, case_id, &e, &found, error))
    return FALSE;
  if (!found)
    add_problem (v, _("the key of case %s is in the file, but no audit entry wrote that case"),
                 case_id);
  ct_verify_ledger_record_clear (&e);
  return TRUE;
}

/* Every check that reads the file, in order; the differences from the log
 * are left in @v. */
static gboolean
verify_file (Verify  *v,
             GError **error)
{
  CtStore *self = v->self;

  if (!ct_store_backend_check_integrity (self->backend, error))
    return FALSE;

  if (!verify_audit (v, error))
    return FALSE;
  if (v->replaying && !ct_verify_ledger_finish (v->ledger, error))
    return FALSE;

  /* Every case key must unwrap… */
  if (!ct_store_backend_foreach_case_key (self->backend, verify_case_key_cb, v, error))
    return FALSE;

  /* …and every ciphertext, current or historical, must authenticate and,
   * from the first entry that says what it wrote, be exactly what the log
   * says: no record or version missing, added, older or newer. Rows are
   * read one at a time. */
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    if (!ct_store_backend_foreach_row (self->backend, kind, FALSE, NULL, verify_row_cb, v, error) ||
        !ct_store_backend_foreach_row (self->backend, kind, TRUE, NULL, verify_history_cb, v, error))
      return FALSE;

  if (v->replaying && !ct_verify_ledger_foreach (v->ledger, report_missing_cb, v, error))
    return FALSE;

  return TRUE;
}

static gboolean
verify_internal (CtStore             *self,
                 CtStoreVerifyStats  *stats,
                 GError             **error)
{
  g_autoptr(CtVerifyLedger) ledger = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  Verify v = { 0 };
  gboolean ok;

  memset (stats, 0, sizeof *stats);

  ledger = ct_verify_ledger_new (error);
  if (ledger == NULL)
    return FALSE;

  v.self = self;
  v.stats = stats;
  v.expected_seq = 1;
  v.ledger = ledger;
  v.problems = problems;

  if (!ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;
  ok = verify_file (&v, error);
  verify_clear (&v);
  /* A failure to go back is only reported if nothing failed before. */
  if (!ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  if (!ok)
    return FALSE;

  if (v.n_problems > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "The records do not match the audit log: %u difference was found, so records have been deleted, added or replaced outside Caretrail. Restore the database from a backup and report this to your Designated Safeguarding Officer.",
                                           "The records do not match the audit log: %u differences were found, so records have been deleted, added or replaced outside Caretrail. Restore the database from a backup and report this to your Designated Safeguarding Officer.",
                                           v.n_problems),
                              v.n_problems);
      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (message, "\n  • %s", (const char *) g_ptr_array_index (problems, i));
      if (v.n_problems > problems->len)
        g_string_append_printf (message, "\n  • %s",
                                _("and more; fix the file by restoring it, then verify again"));
      g_set_error_literal (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED, message->str);
      return FALSE;
    }

  return TRUE;
}

static void
worker_verify (CtStore *self,
               GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (verify_internal (self, &op->stats, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ct_store_verify_sync:
 * @out_stats: (out) (optional): how much was checked
 *
 * Checks the SQLite file's integrity, the audit chain (naming the first
 * bad entry), and authenticates every case key and every ciphertext,
 * current and historical.
 *
 * Returns: %TRUE if everything checked out; otherwise @error says what
 *   failed first (%CT_STORE_ERROR_CORRUPT or %CT_STORE_ERROR_TAMPERED)
 */
gboolean
ct_store_verify_sync (CtStore             *self,
                      CtStoreVerifyStats  *out_stats,
                      GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Op *op;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);

  result = run_sync (self, worker_verify, op_new (), ct_store_verify_sync);
  op = g_task_get_task_data (G_TASK (result));
  if (out_stats != NULL)
    *out_stats = op->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ct_store_verify_async (CtStore             *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CT_IS_STORE (self));

  push_request (self, worker_verify,
                make_task (self, op_new (), cancellable, callback, user_data,
                           ct_store_verify_async));
}

gboolean
ct_store_verify_finish (CtStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_verify_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
worker_status (CtStore *self,
               GTask   *task)
{
  g_autoptr(CtStoreStatus) status = g_new0 (CtStoreStatus, 1);
  g_autoptr(CtAuditEntry) head = NULL;
  GError *error = NULL;

  status->path = g_strdup (self->path);
  status->database_uuid = g_strdup (self->database_uuid);
  status->schema_version = ct_store_backend_get_schema_version (self->backend, &error);
  status->latest_schema_version = ct_store_backend_get_latest_schema_version (self->backend);
  for (guint kind = 0; error == NULL && kind < CT_RECORD_N_KINDS; kind++)
    status->counts[kind] = ct_store_backend_count_rows (self->backend, kind, &error);
  if (error == NULL)
    head = ct_store_backend_get_audit_head (self->backend, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (head != NULL)
    {
      status->audit_entries = head->seq;
      status->audit_head_at = head->at;
      status->audit_head = bytes_to_hex (head->mac);
    }
  status->keyring_state = ct_keyring_get_state (self->database_uuid);

  g_task_return_pointer (task, g_steal_pointer (&status), (GDestroyNotify) ct_store_status_free);
}

/**
 * ct_store_get_status_sync:
 *
 * Returns: (transfer full): the database's path, schema version, record
 *   counts, audit head and keyring state
 */
CtStoreStatus *
ct_store_get_status_sync (CtStore  *self,
                          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  result = run_sync (self, worker_status, op_new (), ct_store_get_status_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
worker_list_audit (CtStore *self,
                   GTask   *task)
{
  GError *error = NULL;
  GPtrArray *entries;

  entries = ct_store_backend_list_audit (self->backend, &error);
  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ct_store_list_audit_sync:
 *
 * Returns: (transfer full) (element-type CtAuditEntry): the audit log,
 *   oldest first. Run ct_store_verify_sync() to check it.
 */
GPtrArray *
ct_store_list_audit_sync (CtStore  *self,
                          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  result = run_sync (self, worker_list_audit, op_new (), ct_store_list_audit_sync);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
backup_audit_body (CtStoreTransaction  *txn,
                   Op                  *op,
                   GError             **error)
{
  return append_audit (txn->store, SYSTEM_STAFF, "backup", NULL, error);
}

static void
worker_backup (CtStore *self,
               GTask   *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  /* The backup records itself, so the copy's audit log ends with it. */
  if ((!self->read_only && !run_in_transaction (self, backup_audit_body, op, &error)) ||
      !ct_store_backend_backup (self->backend, op->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CtBackupTarget) target = NULL;
  Op *op;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  target = ct_backup_target_create (destination, flags, error);
  if (target == NULL)
    return FALSE;

  op = op_new ();
  op->path = g_strdup (ct_backup_target_get_path (target));
  result = run_sync (self, worker_backup, op, ct_store_backup_sync);
  return g_task_propagate_boolean (G_TASK (result), error) &&
         ct_backup_target_commit (target, error);
}

/* }}} */

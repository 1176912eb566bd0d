/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include "ct-crypto.h"
#include "ct-record.h"
#include "ct-store.h"
#include "ct-store-backend.h"

G_BEGIN_DECLS

/*
 * The store's readers of decrypted fields, for the fuzz targets in
 * tests/fuzz, which feed them arbitrary bytes. Not for use by the app.
 */

/* Sets values[i] to the value named names[i] in the serialised a{sv}
 * @data (what ct_store_transaction_list_summaries() reads); %FALSE if
 * @data is not framed as GVariant frames a dictionary. */
gboolean  ct_store_pick_fields           (const guint8        *data,
                                          gsize                size,
                                          const char * const  *names,
                                          guint                n_names,
                                          GVariant           **values);

/* The record @row describes with the decrypted fields @plain; takes
 * @row's strings. */
CtRecord *ct_store_record_from_plaintext (CtStoreRow          *row,
                                          GBytes              *plain);

/*
 * What the parts of CtStore share. The store is one class written in
 * several files, one concern each: ct-store.c (the object and the public
 * one-call API), ct-store-keys.c, ct-store-audit.c, ct-store-transaction.c,
 * ct-store-worker.c and ct-store-open.c. Nothing here is for use outside
 * src/store.
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
/* On a server whose master key has been rotated: the first master key,
 * sealed under the current one (ct-store-members.c). */
#define META_ROOT_SEALED "root-sealed"
/* How many times the master key has been rotated, as an eight-byte count;
 * missing before the first rotation. */
#define META_KEY_GENERATION "key-generation"
#define META_SUBMISSION_PUBLIC "submission-public-key"
#define META_SUBMISSION_SECRET "submission-secret-key"
#define SYSTEM_STAFF "caretrail-admin"

void ct_store_priv_start_watch (CtStore *self);
void ct_store_priv_stop_watch  (CtStore *self);

/* The high-water mark in the keyring is written at most this often while
 * records are written, and always when the store closes. */
#define MARK_INTERVAL_USEC (10 * G_USEC_PER_SEC)

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
  gint64 audit_data_version;
  gboolean audit_head_dirty;
  gint64 audit_seq;
  guint8 audit_mac[CT_MAC_BYTES];
  /* The MAC of the sealed settings, as read when the database was opened
   * (ct_store_priv_compute_meta_mac()). */
  guint8 meta_mac[CT_MAC_BYTES];
  /* Set while a new database is written, before its log has a head. */
  gboolean creating;

  /* On a server with members: the member this keyring holds the keys of,
   * who signs every audit entry this store writes (format 3). Looked up
   * by the first append that needs it; kept once found. */
  char *member_id;
  CtKey *member_sign_seed;
  /* The key generation (META_KEY_GENERATION) the keys were taken up at. */
  gint64 key_generation;

  /* The high-water mark: the last audit head this store committed (or
   * found when it opened), whether the keyring has it yet, and when the
   * keyring was last written. Touched by the worker thread only, and by
   * ct_store_priv_close_internal() once the worker has stopped. */
  gint64 mark_seq;
  guint8 mark_mac[CT_MAC_BYTES];
  gboolean mark_known;
  gboolean mark_dirty;
  gint64 mark_written_at;

  /* Other desks' changes to a server database (ct-pg-watch.c), heard on
   * the main context the store was made on. */
  GMainContext *context;
  struct _CtPgWatch *watch;
};

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

typedef struct _CtStoreOp CtStoreOp;

typedef struct
{
  const CtStoreOp *op;    /* %NULL: the worker quits */
  GTask *task;
  /* Set on the task's main context once the worker has let go of the
   * task (a _sync call waits for it). */
  gboolean *released;
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
  CtStoreRecordFunc record_func;
  char *recovery_code;   /* out: from create */
  CtStoreVerifyStats stats;
  gboolean read_only;
  /* Open without comparing the file with the high-water mark: only for
   * restore, which checks the file itself and then moves the mark. */
  gboolean ignore_mark;
  /* backup: told how far the copy has got, and may stop it */
  CtBackupProgressFunc progress;
  gpointer progress_data;
} Op;

static inline char *
bytes_to_hex (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  GString *hex = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static inline GBytes *
string_bytes (const char *str)
{
  return g_bytes_new (str, strlen (str));
}

static inline char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

static inline GBytes *
int64_bytes (gint64 value)
{
  guint64 be = GUINT64_TO_BE ((guint64)value);

  return g_bytes_new (&be, sizeof be);
}

static inline gboolean
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

static inline void
buf_init (Buf *buf)
{
  buf->data = buf->inline_data;
  buf->len = 0;
  buf->size = sizeof buf->inline_data;
}

static inline void
buf_clear (Buf *buf)
{
  ct_crypto_wipe (buf->data, buf->len);
  if (buf->data != buf->inline_data)
    g_free (buf->data);
  buf_init (buf);
}

static inline void
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

static inline void
append_field (Buf        *buf,
              const char *value)
{
  guint32 len = value != NULL ? strlen (value) : G_MAXUINT32;
  guint32 be = GUINT32_TO_BE (len);

  buf_append (buf, &be, sizeof be);
  if (value != NULL)
    buf_append (buf, value, len);
}

static inline void
append_int64 (Buf    *buf,
              gint64  value)
{
  guint64 be = GUINT64_TO_BE ((guint64)value);

  buf_append (buf, &be, sizeof be);
}

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

typedef gboolean (*TxnBody) (CtStoreTransaction  *txn,
                             Op                  *op,
                             GError             **error);

/*
 * One operation the worker thread runs for a request, its data being an Op
 * (ct-store-worker.c). Each public operation declares one, and its
 * `_async`, `_finish` and `_sync` functions are then a few lines each:
 * ct_store_priv_run_async() queues it, ct_store_priv_run_sync() queues it
 * and waits, and the result is taken from the GTask as usual.
 *
 * Exactly one of the three functions is set. @body runs inside one
 * transaction (ct_store_priv_run_in_transaction()) and the result is
 * whether it committed; @run_boolean returns a boolean result; and
 * @run_pointer returns a pointer result, freed with @result_free, or
 * %NULL with @error set.
 */
struct _CtStoreOp
{
  TxnBody body;
  gboolean (*run_boolean) (CtStore  *self,
                           Op       *op,
                           GError  **error);
  gpointer (*run_pointer) (CtStore  *self,
                           Op       *op,
                           GError  **error);
  GDestroyNotify result_free;
};

/* ct-store-keys.c */

void
ct_store_priv_keys_clear (Keys *keys);

void
ct_store_priv_keys_derive (Keys        *keys,
                           const CtKey *master);

GBytes *
ct_store_priv_compute_key_check (const CtKey *check_key,
                                 const char  *uuid);

char *
ct_store_priv_make_label (const char *what,
                          const char *uuid,
                          const char *id);

void
ct_store_priv_set_tampered (GError     **error,
                            const char  *table,
                            const char  *id);

void
ct_store_priv_record_associated_data (CtStore          *self,
                                      const CtStoreRow *row,
                                      Buf              *buf);

void
ct_store_priv_set_case_key_missing (GError     **error,
                                    const char  *case_id);

CtKey *
ct_store_priv_read_case_key (CtStore     *self,
                             const char  *case_id,
                             GError     **error);

const char *
ct_store_priv_row_case_key_id (const CtStoreRow *row);

CtKey *
ct_store_priv_key_for_row (CtStore             *self,
                           CtStoreTransaction  *txn,
                           const CtStoreRow    *row,
                           gboolean             create,
                           GError             **error);

CtStoreRow *
ct_store_priv_row_from_record (CtRecord *record);

void
ct_store_priv_digest_row (CtStore          *self,
                          const CtStoreRow *row,
                          guint8            out[CT_DIGEST_BYTES]);

gboolean
ct_store_priv_encrypt_row (CtStore             *self,
                           CtStoreTransaction  *txn,
                           CtStoreRow          *row,
                           CtRecord            *record,
                           guint8               out_digest[CT_DIGEST_BYTES],
                           GError             **error);

CtRecord *
ct_store_priv_record_from_plaintext (CtStoreRow *row,
                                     GBytes     *plain);

CtRecord *
ct_store_priv_decrypt_row_with_key (CtStore      *self,
                                    CtStoreRow   *row,
                                    const CtKey  *key,
                                    GError      **error);

CtRecord *
ct_store_priv_decrypt_row (CtStore           *self,
                           CtStoreRow        *row,
                           GError           **error);

GPtrArray *
ct_store_priv_decrypt_rows (CtStore    *self,
                            GPtrArray  *rows,
                            GError    **error);

GBytes *
ct_store_priv_blind_token (CtStore    *self,
                           const char *purpose,
                           const char *value);

char *
ct_store_priv_full_name (const char *given,
                         const char *family);

GPtrArray *
ct_store_priv_blind_tokens_for_record (CtStore  *self,
                                       CtRecord *record);

/* ct-store-audit.c */

gboolean
ct_store_priv_is_record_id (const char *str);

gboolean
ct_store_priv_is_audit_action (const char *action);

gboolean
ct_store_priv_check_staff (const char  *staff_id,
                           GError     **error);

void
ct_store_priv_audit_mac (CtStore            *self,
                         const guint8       *previous,
                         const CtAuditEntry *entry,
                         guint8              out[CT_MAC_BYTES]);

gboolean
ct_store_priv_compute_meta_mac (CtStore         *self,
                                CtStoreBackend  *backend,
                                guint8           out[CT_MAC_BYTES],
                                GError         **error);

gboolean
ct_store_priv_read_sealed_head (CtStore       *self,
                                GBytes        *value,
                                const guint8  *meta_mac,
                                int            last_format,
                                gint64        *out_count,
                                guint8         out_mac[CT_MAC_BYTES],
                                const char   **problem);

gboolean
ct_store_priv_append_audit_full (CtStore             *self,
                                 const char          *staff_id,
                                 const char          *action,
                                 const char          *record_id,
                                 const AuditSubject  *subject,
                                 GError             **error);

gboolean
ct_store_priv_append_audit (CtStore     *self,
                            const char  *staff_id,
                            const char  *action,
                            const char  *record_id,
                            GError     **error);

gboolean
ct_store_priv_flush_audit_head (CtStore  *self,
                                GError  **error);

char *
ct_store_priv_mac_to_hex (const guint8 *mac);

gboolean
ct_store_priv_write_mark (CtStore  *self,
                          GError  **error);

void
ct_store_priv_flush_mark (CtStore  *self,
                          gboolean  force);

void
ct_store_priv_note_committed_head (CtStore *self);

gboolean
ct_store_priv_verify_internal (CtStore             *self,
                               CtStoreVerifyStats  *stats,
                               GError             **error);

/* ct-store-transaction.c */

void
ct_store_priv_txn_init (CtStoreTransaction *txn,
                        CtStore            *self);

void
ct_store_priv_txn_finish (CtStoreTransaction *txn,
                          gboolean            committed);

gboolean
ct_store_priv_txn_insert (CtStoreTransaction  *txn,
                          const char          *staff_id,
                          CtRecord            *record,
                          GError             **error);

gboolean
ct_store_priv_txn_update (CtStoreTransaction  *txn,
                          const char          *staff_id,
                          CtRecord            *record,
                          GError             **error);

gboolean
ct_store_priv_store_foreach (CtStore            *self,
                             CtRecordKind        kind,
                             CtStoreRecordFunc   func,
                             gpointer            user_data,
                             GError            **error);

CtRecord *
ct_store_priv_store_find_case (CtStore     *self,
                               const char  *reference,
                               gboolean     also_id,
                               GError     **error);
CtRecord *
ct_store_priv_store_get (CtStore       *self,
                         CtRecordKind   kind,
                         const char    *id,
                         GError       **error);

GPtrArray *
ct_store_priv_store_list (CtStore       *self,
                          CtRecordKind   kind,
                          const char    *case_id,
                          GError       **error);

gboolean
ct_store_priv_run_in_transaction (CtStore  *self,
                                  TxnBody   body,
                                  Op       *op,
                                  GError  **error);

/* ct-store-worker.c */

void
ct_store_priv_op_free (gpointer data);

Op *
ct_store_priv_op_new (void);

void
ct_store_priv_start_worker (CtStore *self);

void
ct_store_priv_run_async (CtStore             *self,
                         const CtStoreOp     *store_op,
                         Op                  *op,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag);

GAsyncResult *
ct_store_priv_run_sync (CtStore         *self,
                        const CtStoreOp *store_op,
                        Op              *op,
                        gpointer         source_tag);

gboolean
ct_store_priv_call_boolean (CtStore          *self,
                            const CtStoreOp  *store_op,
                            Op               *op,
                            gpointer          source_tag,
                            GError          **error);

gpointer
ct_store_priv_call_pointer (CtStore          *self,
                            const CtStoreOp  *store_op,
                            Op               *op,
                            gpointer          source_tag,
                            GError          **error);

/* ct-store-open.c */

void
ct_store_priv_close_internal (CtStore *self);

/* ct-store-members.c */
gboolean ct_store_priv_find_member_master (CtStoreBackend  *backend,
                                           CtKey          **out_master,
                                           GError         **error);
gboolean ct_store_priv_find_member_signer (CtStoreBackend  *backend,
                                           char           **out_member_id,
                                           CtKey          **out_sign_seed,
                                           GError         **error);
char    *ct_store_priv_member_id_for_keys (GBytes          *box_public,
                                           GBytes          *sign_public);
GBytes  *ct_store_priv_lookup_member_sign_key (CtStoreBackend  *backend,
                                               const char      *member_id,
                                               GError         **error);
gboolean ct_store_priv_keys_derive_sealed (Keys            *keys,
                                           const CtKey     *master,
                                           GBytes          *root_sealed,
                                           const char      *uuid,
                                           GError         **error);
gint64   ct_store_priv_read_key_generation (CtStoreBackend  *backend,
                                            GError         **error);
gboolean ct_store_priv_follow_rotation    (CtStore         *self,
                                           GError         **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-backup-target.h"
#include "ct-record.h"

G_BEGIN_DECLS

/**
 * CtStoreRow:
 *
 * One record as a backend sees it: plaintext metadata and the ciphertext of
 * everything else. A backend never sees a decrypted field.
 */
typedef struct
{
  CtRecordKind kind;
  char *id;
  char *case_id;
  char *state;
  char *reference;
  gint64 created_at;
  gint64 updated_at;
  gint64 due_at;
  gint64 version;
  GBytes *data;
} CtStoreRow;

CtStoreRow *ct_store_row_new  (void);
void        ct_store_row_free (CtStoreRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtStoreRow, ct_store_row_free)

/**
 * CtAuditEntry:
 * @format: 1 for an entry written before entries committed to what they
 *   wrote (its @kind, @case_id, @version and @digest are unset), 2 after,
 *   3 for an entry a member of an organisation on a server signed
 * @kind: (nullable): the kind of record written or erased, as a string
 * @case_id: (nullable): that record's case
 * @version: the version written or erased, or 0
 * @digest: (nullable): a hash of the ciphertext and associated data
 *   written; %NULL for an erasure or an entry that wrote no record
 * @member_id: (nullable): format 3: the fingerprint of the keys of the
 *   member who wrote the entry
 * @signature: (nullable): format 3: that member's Ed25519 signature of
 *   the bytes the MAC covers
 *
 * One entry of the audit log. @mac chains it to the entry before.
 */
typedef struct
{
  gint64 seq;
  gint64 at;
  char *staff_id;
  char *action;
  char *record_id;
  GBytes *mac;
  int format;
  char *kind;
  char *case_id;
  gint64 version;
  GBytes *digest;
  char *member_id;
  GBytes *signature;
} CtAuditEntry;

CtAuditEntry *ct_audit_entry_new  (void);
void          ct_audit_entry_free (CtAuditEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtAuditEntry, ct_audit_entry_free)

/* Called for each row or audit entry of a walk; return %FALSE (with @error
 * set) to stop it. @stored_kind is the row's `kind` column as stored, and
 * @replaced_at is only set for rows of the history. The function may take
 * the row's strings and bytes (leaving %NULL behind). */
typedef gboolean (*CtStoreRowFunc)        (CtStoreRow          *row,
                                           const char          *stored_kind,
                                           gint64               replaced_at,
                                           gpointer             user_data,
                                           GError             **error);
typedef gboolean (*CtStoreAuditEntryFunc) (const CtAuditEntry  *entry,
                                           gpointer             user_data,
                                           GError             **error);
/* Called for each case key of a walk, with the key as stored (wrapped). */
typedef gboolean (*CtStoreCaseKeyFunc)    (const char          *case_id,
                                           GBytes              *wrapped,
                                           gpointer             user_data,
                                           GError             **error);

typedef enum
{
  CT_STORE_BACKEND_OPEN_READ_ONLY = 1 << 0,
  CT_STORE_BACKEND_OPEN_CREATE = 1 << 1,
  /* With READ_ONLY: a short look that must leave no file behind, not even
   * a -shm beside a WAL, so that an open that fails changes nothing. */
  CT_STORE_BACKEND_OPEN_PROBE = 1 << 2,
} CtStoreBackendOpenFlags;

#define CT_TYPE_STORE_BACKEND (ct_store_backend_get_type ())
G_DECLARE_INTERFACE (CtStoreBackend, ct_store_backend, CT, STORE_BACKEND, GObject)

/*
 * Every method is synchronous and is called from the store's one worker
 * thread: a backend needs no locking of its own.
 */
struct _CtStoreBackendInterface
{
  GTypeInterface parent_iface;

  gboolean      (*open)               (CtStoreBackend           *self,
                                       CtStoreBackendOpenFlags   flags,
                                       GError                  **error);
  void          (*close)              (CtStoreBackend           *self);
  gint64        (*get_schema_version) (CtStoreBackend           *self,
                                       GError                  **error);
  gint64        (*get_latest_schema_version) (CtStoreBackend    *self);
  gboolean      (*is_caretrail)       (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*migrate)            (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*begin)              (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*commit)             (CtStoreBackend           *self,
                                       GError                  **error);
  void          (*rollback)           (CtStoreBackend           *self);
  GBytes       *(*get_meta)           (CtStoreBackend           *self,
                                       const char               *key,
                                       GError                  **error);
  gboolean      (*set_meta)           (CtStoreBackend           *self,
                                       const char               *key,
                                       GBytes                   *value,
                                       GError                  **error);
  gboolean      (*insert_row)         (CtStoreBackend           *self,
                                       const CtStoreRow         *row,
                                       GError                  **error);
  gboolean      (*update_row)         (CtStoreBackend           *self,
                                       const CtStoreRow         *row,
                                       gint64                    replaced_at,
                                       GError                  **error);
  CtStoreRow   *(*get_row)            (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       const char               *id,
                                       GError                  **error);
  GPtrArray    *(*list_rows)          (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       const char               *case_id,
                                       GError                  **error);
  CtStoreRow   *(*get_case_by_reference) (CtStoreBackend        *self,
                                       const char               *reference,
                                       GError                  **error);
  GPtrArray    *(*list_references)    (CtStoreBackend           *self,
                                       const char               *prefix,
                                       GError                  **error);
  gboolean      (*last_reference)     (CtStoreBackend           *self,
                                       const char               *prefix,
                                       char                    **out_reference,
                                       GError                  **error);
  gint64        (*get_data_version)   (CtStoreBackend           *self,
                                       GError                  **error);
  GPtrArray    *(*list_history)       (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       const char               *id,
                                       GError                  **error);
  gint64        (*count_rows)         (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       GError                  **error);
  gboolean      (*set_blind_index)    (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       const char               *record_id,
                                       GPtrArray                *tokens,
                                       gboolean                  replace,
                                       GError                  **error);
  GPtrArray    *(*find_blind_index)   (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       GBytes                   *token,
                                       GError                  **error);
  GBytes       *(*get_case_key)       (CtStoreBackend           *self,
                                       const char               *case_id,
                                       GError                  **error);
  gboolean      (*set_case_key)       (CtStoreBackend           *self,
                                       const char               *case_id,
                                       GBytes                   *wrapped,
                                       GError                  **error);
  GPtrArray    *(*list_case_keys)     (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*foreach_case_key)   (CtStoreBackend           *self,
                                       CtStoreCaseKeyFunc        func,
                                       gpointer                  user_data,
                                       GError                  **error);
  gboolean      (*erase_case)         (CtStoreBackend           *self,
                                       const char               *case_id,
                                       GError                  **error);
  gboolean      (*append_audit)       (CtStoreBackend           *self,
                                       const CtAuditEntry       *entry,
                                       GError                  **error);
  CtAuditEntry *(*get_audit_head)     (CtStoreBackend           *self,
                                       GError                  **error);
  GPtrArray    *(*list_audit)         (CtStoreBackend           *self,
                                       GError                  **error);
  gint64        (*count_audit)        (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*foreach_audit)      (CtStoreBackend           *self,
                                       CtStoreAuditEntryFunc     func,
                                       gpointer                  user_data,
                                       GError                  **error);
  gboolean      (*foreach_row)        (CtStoreBackend           *self,
                                       CtRecordKind              kind,
                                       gboolean                  history,
                                       const char               *case_id,
                                       CtStoreRowFunc            func,
                                       gpointer                  user_data,
                                       GError                  **error);
  gboolean      (*foreach_case_by_reference) (CtStoreBackend    *self,
                                       CtStoreRowFunc            func,
                                       gpointer                  user_data,
                                       GError                  **error);
  gboolean      (*foreach_case_by_due) (CtStoreBackend          *self,
                                       gint64                    limit,
                                       CtStoreRowFunc            func,
                                       gpointer                  user_data,
                                       GError                  **error);
  gboolean      (*check_integrity)    (CtStoreBackend           *self,
                                       GError                  **error);
  gboolean      (*set_scanning)       (CtStoreBackend           *self,
                                       gboolean                  scanning,
                                       GError                  **error);
  gboolean      (*backup)             (CtStoreBackend           *self,
                                       const char               *destination,
                                       CtBackupProgressFunc      progress,
                                       gpointer                  user_data,
                                       GError                  **error);
  const char   *(*get_location)       (CtStoreBackend           *self);
  CtAuditEntry *(*get_last_write)     (CtStoreBackend           *self,
                                       const char               *record_id,
                                       GError                  **error);
};

gboolean      ct_store_backend_open               (CtStoreBackend *self, CtStoreBackendOpenFlags flags, GError **error);
void          ct_store_backend_close              (CtStoreBackend *self);
gint64        ct_store_backend_get_schema_version (CtStoreBackend *self, GError **error);
gint64        ct_store_backend_get_latest_schema_version (CtStoreBackend *self);
gboolean      ct_store_backend_is_caretrail       (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_migrate            (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_begin              (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_commit             (CtStoreBackend *self, GError **error);
void          ct_store_backend_rollback           (CtStoreBackend *self);
GBytes       *ct_store_backend_get_meta           (CtStoreBackend *self, const char *key, GError **error);
gboolean      ct_store_backend_set_meta           (CtStoreBackend *self, const char *key, GBytes *value, GError **error);
gboolean      ct_store_backend_insert_row         (CtStoreBackend *self, const CtStoreRow *row, GError **error);
gboolean      ct_store_backend_update_row         (CtStoreBackend *self, const CtStoreRow *row, gint64 replaced_at, GError **error);
CtStoreRow   *ct_store_backend_get_row            (CtStoreBackend *self, CtRecordKind kind, const char *id, GError **error);
GPtrArray    *ct_store_backend_list_rows          (CtStoreBackend *self, CtRecordKind kind, const char *case_id, GError **error);
CtStoreRow   *ct_store_backend_get_case_by_reference (CtStoreBackend *self, const char *reference, GError **error);
GPtrArray    *ct_store_backend_list_references    (CtStoreBackend *self, const char *prefix, GError **error);
gboolean      ct_store_backend_last_reference     (CtStoreBackend *self, const char *prefix, char **out_reference, GError **error);
int           ct_store_backend_compare_numbers    (const char *a, const char *b);
#define CT_STORE_BACKEND_DATA_VERSION_UNKNOWN G_GINT64_CONSTANT (-2)
gint64        ct_store_backend_get_data_version   (CtStoreBackend *self, GError **error);
GPtrArray    *ct_store_backend_list_history       (CtStoreBackend *self, CtRecordKind kind, const char *id, GError **error);
gint64        ct_store_backend_count_rows         (CtStoreBackend *self, CtRecordKind kind, GError **error);
gboolean      ct_store_backend_set_blind_index    (CtStoreBackend *self, CtRecordKind kind, const char *record_id, GPtrArray *tokens, gboolean replace, GError **error);
GPtrArray    *ct_store_backend_find_blind_index   (CtStoreBackend *self, CtRecordKind kind, GBytes *token, GError **error);
GBytes       *ct_store_backend_get_case_key       (CtStoreBackend *self, const char *case_id, GError **error);
gboolean      ct_store_backend_set_case_key       (CtStoreBackend *self, const char *case_id, GBytes *wrapped, GError **error);
GPtrArray    *ct_store_backend_list_case_keys     (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_foreach_case_key   (CtStoreBackend *self, CtStoreCaseKeyFunc func, gpointer user_data, GError **error);
gboolean      ct_store_backend_erase_case         (CtStoreBackend *self, const char *case_id, GError **error);
gboolean      ct_store_backend_append_audit       (CtStoreBackend *self, const CtAuditEntry *entry, GError **error);
CtAuditEntry *ct_store_backend_get_audit_head     (CtStoreBackend *self, GError **error);
GPtrArray    *ct_store_backend_list_audit         (CtStoreBackend *self, GError **error);
gint64        ct_store_backend_count_audit        (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_foreach_audit      (CtStoreBackend *self, CtStoreAuditEntryFunc func, gpointer user_data, GError **error);
gboolean      ct_store_backend_foreach_row        (CtStoreBackend *self, CtRecordKind kind, gboolean history, const char *case_id, CtStoreRowFunc func, gpointer user_data, GError **error);
gboolean      ct_store_backend_foreach_case_by_reference (CtStoreBackend *self, CtStoreRowFunc func, gpointer user_data, GError **error);
gboolean      ct_store_backend_foreach_case_by_due (CtStoreBackend *self, gint64 limit, CtStoreRowFunc func, gpointer user_data, GError **error);
gboolean      ct_store_backend_check_integrity    (CtStoreBackend *self, GError **error);
gboolean      ct_store_backend_set_scanning       (CtStoreBackend *self, gboolean scanning, GError **error);
gboolean      ct_store_backend_backup             (CtStoreBackend *self, const char *destination, CtBackupProgressFunc progress, gpointer user_data, GError **error);
const char   *ct_store_backend_get_location       (CtStoreBackend *self);
CtAuditEntry *ct_store_backend_get_last_write     (CtStoreBackend *self, const char *record_id, GError **error);

G_END_DECLS

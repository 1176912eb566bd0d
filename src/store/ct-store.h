/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-backup-target.h"
#include "ct-record.h"
#include "ct-store-backend.h"
#include "ct-store-error.h"

G_BEGIN_DECLS

/*
 * CtStore: the encrypted record store every part of Caretrail writes
 * through.
 *
 * - Open with ct_store_open_async() (or create with ct_store_create_async(),
 *   which hands back the recovery code to show once). Every failure is a
 *   #CtStoreError with a sentence to show as it is.
 * - Read with ct_store_get_async() / ct_store_list_async(); use
 *   ct_store_open_case_async() when a person opens a case file, so the
 *   opening is audited. ct_store_find_children_async() finds a known child,
 *   ct_store_find_case_sync() a case by its reference; neither decrypts
 *   any other record.
 *   A list of thousands of records that shows a few fields of each reads
 *   them with ct_store_transaction_list_summaries().
 * - Write with ct_store_insert_async() / ct_store_update_async(), or several
 *   writes at once with ct_store_run_transaction_async(): all of it commits
 *   or none of it does. Every write names the member of staff (their staff
 *   record's id) and is appended to the audit log.
 * - Everything runs on the store's own worker thread; callbacks come back
 *   on the caller's main context. The `_sync` twins are for the command
 *   line and tests, never for the GUI's main thread.
 */

#define CT_TYPE_STORE (ct_store_get_type ())
G_DECLARE_FINAL_TYPE (CtStore, ct_store, CT, STORE, GObject)

/**
 * CtStoreTransaction:
 *
 * Handed to a #CtStoreTransactionFunc. Everything done through it commits
 * together when the function returns %TRUE, or is rolled back together
 * when it returns %FALSE. It is only valid during the call.
 */
typedef struct _CtStoreTransaction CtStoreTransaction;

/**
 * CtStoreTransactionFunc:
 * @txn: the transaction
 * @user_data: data given to ct_store_run_transaction_sync()
 * @error: where to put the reason for rolling back
 *
 * Runs on the store's worker thread: it must not touch widgets, nor call
 * the store's own `_sync` or `_async` functions (use the
 * `ct_store_transaction_*` ones).
 *
 * Returns: %TRUE to commit, %FALSE (with @error set) to roll back
 */
typedef gboolean (*CtStoreTransactionFunc) (CtStoreTransaction  *txn,
                                            gpointer             user_data,
                                            GError             **error);

/**
 * CtStoreRecordFunc:
 * @record: (transfer none): one record, decrypted and authenticated
 * @user_data: the data given with the function
 * @error: return location for a #GError
 *
 * Called by ct_store_foreach_sync() for each record, on the store's worker
 * thread: it must not call the store. Take a reference to keep @record.
 *
 * Returns: %TRUE to go on, %FALSE with @error set to stop
 */
typedef gboolean (*CtStoreRecordFunc) (CtRecord  *record,
                                       gpointer   user_data,
                                       GError   **error);

typedef struct
{
  char *path;
  char *database_uuid;
  gint64 schema_version;
  gint64 latest_schema_version;
  gint64 counts[CT_RECORD_N_KINDS];
  gint64 audit_entries;
  gint64 audit_head_at;
  char *audit_head;            /* hex MAC of the last entry, or NULL */
  int keyring_state;           /* a CtKeyringState */
} CtStoreStatus;

/**
 * CtStoreSummary:
 * @id: the record's id
 * @case_id: (nullable): its case
 * @state: (nullable): its workflow state
 * @reference: (nullable): its reference
 * @created_at: when it was created, in microseconds since 1970
 * @updated_at: when it was last changed
 * @due_at: when its next step is due, or 0
 * @version: its version
 * @values: (array length=n_values): the fields asked for, in the order
 *   asked, each %NULL if the record has no such field
 * @n_values: how many fields were asked for
 *
 * What ct_store_transaction_list_summaries() reads of one record.
 */
typedef struct
{
  char *id;
  char *case_id;
  char *state;
  char *reference;
  gint64 created_at;
  gint64 updated_at;
  gint64 due_at;
  gint64 version;
  GVariant **values;
  guint n_values;
} CtStoreSummary;

void ct_store_summary_free (CtStoreSummary *summary);

/* Called for each record of ct_store_transaction_foreach_summary(); return
 * %FALSE (with @error set) to stop the walk. */
typedef gboolean (*CtStoreSummaryFunc) (const CtStoreSummary  *summary,
                                        gpointer               user_data,
                                        GError               **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtStoreSummary, ct_store_summary_free)

void ct_store_status_free (CtStoreStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtStoreStatus, ct_store_status_free)

typedef struct
{
  gint64 records;
  gint64 history;
  gint64 case_keys;
  gint64 audit_entries;
  gint64 legacy_entries;       /* of audit_entries, written before entries
                                * said what they wrote: checked as a chain
                                * only */
  gint64 signed_entries;       /* of audit_entries, signed by the member
                                * who wrote them, each signature checked */
} CtStoreVerifyStats;

char       *ct_store_get_default_path   (void);

/* Creating and opening. */
CtStore    *ct_store_create_sync        (const char           *path,
                                         char                **out_recovery_code,
                                         GError              **error);
void        ct_store_create_async       (const char           *path,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
CtStore    *ct_store_create_finish      (GAsyncResult         *result,
                                         char                **out_recovery_code,
                                         GError              **error);
CtStore    *ct_store_open_sync          (const char           *path,
                                         GError              **error);
CtStore    *ct_store_open_read_only_sync (const char          *path,
                                         GError              **error);
void        ct_store_open_async         (const char           *path,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
CtStore    *ct_store_open_finish        (GAsyncResult         *result,
                                         GError              **error);
gboolean    ct_store_recover_sync       (const char           *path,
                                         const char           *recovery_code,
                                         GError              **error);
void        ct_store_recover_async      (const char           *path,
                                         const char           *recovery_code,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    ct_store_recover_finish     (GAsyncResult         *result,
                                         GError              **error);
gboolean    ct_store_peek_sync          (const char           *path,
                                         char                **out_database_uuid,
                                         gint64               *out_schema_version,
                                         GError              **error);
gboolean    ct_store_restore_sync       (const char           *path,
                                         const char           *backup_path,
                                         char                **out_saved_path,
                                         GError              **error);
void        ct_store_close              (CtStore              *self);

const char *ct_store_get_path           (CtStore              *self);
const char *ct_store_get_database_uuid  (CtStore              *self);
gboolean    ct_store_is_read_only       (CtStore              *self);

/* Records. */
gboolean    ct_store_insert_sync        (CtStore              *self,
                                         const char           *staff_id,
                                         CtRecord             *record,
                                         GError              **error);
void        ct_store_insert_async       (CtStore              *self,
                                         const char           *staff_id,
                                         CtRecord             *record,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    ct_store_insert_finish      (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
gboolean    ct_store_update_sync        (CtStore              *self,
                                         const char           *staff_id,
                                         CtRecord             *record,
                                         GError              **error);
void        ct_store_update_async       (CtStore              *self,
                                         const char           *staff_id,
                                         CtRecord             *record,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean    ct_store_update_finish      (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
CtRecord   *ct_store_get_sync           (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *id,
                                         GError              **error);
void        ct_store_get_async          (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
CtRecord   *ct_store_get_finish         (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
CtRecord   *ct_store_find_case_sync     (CtStore              *self,
                                         const char           *reference,
                                         GError              **error);
gboolean    ct_store_foreach_sync       (CtStore              *self,
                                         CtRecordKind          kind,
                                         CtStoreRecordFunc     func,
                                         gpointer              user_data,
                                         GError              **error);
GPtrArray  *ct_store_list_sync          (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *case_id,
                                         GError              **error);
void        ct_store_list_async         (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *case_id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *ct_store_list_finish        (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
GPtrArray  *ct_store_list_history_sync  (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *id,
                                         GError              **error);
void        ct_store_list_history_async (CtStore              *self,
                                         CtRecordKind          kind,
                                         const char           *id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *ct_store_list_history_finish (CtStore             *self,
                                         GAsyncResult         *result,
                                         GError              **error);
CtRecord   *ct_store_open_case_sync     (CtStore              *self,
                                         const char           *staff_id,
                                         const char           *case_id,
                                         GError              **error);
void        ct_store_open_case_async    (CtStore              *self,
                                         const char           *staff_id,
                                         const char           *case_id,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
CtRecord   *ct_store_open_case_finish   (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
GPtrArray  *ct_store_find_children_sync (CtStore              *self,
                                         const char           *given_names,
                                         const char           *family_name,
                                         const char           *date_of_birth,
                                         GError              **error);
void        ct_store_find_children_async (CtStore             *self,
                                         const char           *given_names,
                                         const char           *family_name,
                                         const char           *date_of_birth,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
GPtrArray  *ct_store_find_children_finish (CtStore            *self,
                                         GAsyncResult         *result,
                                         GError              **error);
gboolean    ct_store_erase_case_sync    (CtStore              *self,
                                         const char           *staff_id,
                                         const char           *case_id,
                                         GError              **error);

/* Transactions, for the procedure engine. */
gboolean    ct_store_run_transaction_sync   (CtStore                *self,
                                             CtStoreTransactionFunc  func,
                                             gpointer                user_data,
                                             GError                **error);
void        ct_store_run_transaction_async  (CtStore                *self,
                                             CtStoreTransactionFunc  func,
                                             gpointer                user_data,
                                             GDestroyNotify          user_data_destroy,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                callback_data);
gboolean    ct_store_run_transaction_finish (CtStore                *self,
                                             GAsyncResult           *result,
                                             GError                **error);

gboolean    ct_store_transaction_insert       (CtStoreTransaction  *txn,
                                               const char          *staff_id,
                                               CtRecord            *record,
                                               GError             **error);
gboolean    ct_store_transaction_update       (CtStoreTransaction  *txn,
                                               const char          *staff_id,
                                               CtRecord            *record,
                                               GError             **error);
CtRecord   *ct_store_transaction_get          (CtStoreTransaction  *txn,
                                               CtRecordKind         kind,
                                               const char          *id,
                                               GError             **error);
GPtrArray  *ct_store_transaction_list         (CtStoreTransaction  *txn,
                                               CtRecordKind         kind,
                                               const char          *case_id,
                                               GError             **error);
GPtrArray  *ct_store_transaction_list_summaries (CtStoreTransaction  *txn,
                                                 CtRecordKind         kind,
                                                 const char * const  *fields,
                                                 GError             **error);
gboolean    ct_store_transaction_foreach_summary (CtStoreTransaction  *txn,
                                                  CtRecordKind         kind,
                                                  const char * const  *fields,
                                                  CtStoreSummaryFunc   func,
                                                  gpointer             user_data,
                                                  GError             **error);
gint64      ct_store_transaction_count        (CtStoreTransaction  *txn,
                                               CtRecordKind         kind,
                                               GError             **error);
gboolean    ct_store_transaction_foreach_case_summary_by_due (CtStoreTransaction  *txn,
                                                              const char * const  *fields,
                                                              gint64               limit,
                                                              CtStoreSummaryFunc   func,
                                                              gpointer             user_data,
                                                              GError             **error);
gboolean    ct_store_transaction_foreach      (CtStoreTransaction  *txn,
                                               CtRecordKind         kind,
                                               CtStoreRecordFunc    func,
                                               gpointer             user_data,
                                               GError             **error);
CtRecord   *ct_store_transaction_find_case    (CtStoreTransaction  *txn,
                                               const char          *reference,
                                               GError             **error);
GPtrArray  *ct_store_transaction_list_references (CtStoreTransaction  *txn,
                                                  const char          *prefix,
                                                  GError             **error);
gboolean    ct_store_transaction_last_reference  (CtStoreTransaction  *txn,
                                                  const char          *prefix,
                                                  char               **out_reference,
                                                  GError             **error);
gboolean    ct_store_transaction_append_audit (CtStoreTransaction  *txn,
                                               const char          *staff_id,
                                               const char          *action,
                                               const char          *record_id,
                                               GError             **error);

/* Administration. */
gboolean       ct_store_verify_sync     (CtStore              *self,
                                         CtStoreVerifyStats   *out_stats,
                                         GError              **error);
void           ct_store_verify_async    (CtStore              *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean       ct_store_verify_finish   (CtStore              *self,
                                         GAsyncResult         *result,
                                         GError              **error);
CtStoreStatus *ct_store_get_status_sync (CtStore              *self,
                                         GError              **error);
GPtrArray     *ct_store_list_audit_sync (CtStore              *self,
                                         GError              **error);
gboolean       ct_store_backup_sync     (CtStore              *self,
                                         const char           *destination,
                                         CtBackupFlags         flags,
                                         GError              **error);
gboolean       ct_store_backup_full_sync (CtStore             *self,
                                          const char          *destination,
                                          CtBackupFlags        flags,
                                          CtBackupProgressFunc progress,
                                          gpointer             user_data,
                                          GCancellable        *cancellable,
                                          GError             **error);

G_END_DECLS

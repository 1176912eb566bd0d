/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store.h"
#include "ct-store-private.h"

#include <glib/gi18n.h>

#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-paths.h"
#include "ct-pg-watch.h"

/*
 * CtStore encrypts records and hands ciphertext to a CtStoreBackend.
 *
 * One worker thread owns the backend. Every request, synchronous or not,
 * is a GTask pushed on a queue that the worker takes in order; results
 * are returned on the caller's main context by GTask. The `_sync`
 * functions run the same request and iterate a private main context until
 * it completes. Each operation is declared once, as a CtStoreOp
 * (ct-store-private.h) that ct-store-worker.c runs.
 *
 * Keys: the master key (in the keyring) is read when the database is
 * opened, used to derive the sub-keys (ct-crypto.h) and wiped at once.
 * Each case has a random data key wrapped by the wrapping sub-key and kept
 * in `case_keys`; allegations use a separate vault key, also wrapped;
 * records outside any case use the general sub-key.
 */

/* Object {{{ */

G_DEFINE_FINAL_TYPE (CtStore, ct_store, G_TYPE_OBJECT)

enum {
  CHANGED_ELSEWHERE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
ct_store_finalize (GObject *object)
{
  CtStore *self = (CtStore *)object;

  ct_store_priv_close_internal (self);
  g_clear_object (&self->backend);
  g_free (self->path);
  g_free (self->database_uuid);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->member_id);
  g_clear_pointer (&self->member_sign_seed, ct_key_free);

  G_OBJECT_CLASS (ct_store_parent_class)->finalize (object);
}

static void
ct_store_class_init (CtStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_store_finalize;

  /**
   * CtStore::changed-elsewhere:
   * @self: the store
   *
   * Another desk changed records in this store's database (a server
   * database only). Emitted on the main context the store was opened
   * from, within a second of the change; what shows records should read
   * them again.
   */
  signals[CHANGED_ELSEWHERE] =
    g_signal_new ("changed-elsewhere",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
ct_store_init (CtStore *self)
{
  self->context = g_main_context_ref_thread_default ();
}

static void
on_watch_heard_cb (gpointer user_data)
{
  CtStore *self = user_data;

  g_signal_emit (self, signals[CHANGED_ELSEWHERE], 0);
}

/* Listens for other desks' changes when the database is on a server and
 * this store may write (a read-only look, as the command line makes, has
 * nothing to refresh). */
void
ct_store_priv_start_watch (CtStore *self)
{
  if (self->watch != NULL || self->read_only || self->closed || !CT_IS_PG_BACKEND (self->backend))
    return;
  self->watch = ct_pg_watch_new (CT_PG_BACKEND (self->backend), self->context,
                                 on_watch_heard_cb, self);
}

void
ct_store_priv_stop_watch (CtStore *self)
{
  g_clear_pointer (&self->watch, ct_pg_watch_stop);
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
  return ct_store_priv_txn_insert (txn, op->staff_id, op->record, error);
}

static gboolean
update_body (CtStoreTransaction  *txn,
             Op                  *op,
             GError             **error)
{
  return ct_store_priv_txn_update (txn, op->staff_id, op->record, error);
}

static const CtStoreOp insert_op = { .body = insert_body };
static const CtStoreOp update_op = { .body = update_body };

static Op *
op_new_for_write (const char *staff_id,
                  CtRecord   *record)
{
  Op *op = ct_store_priv_op_new ();

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

  ct_store_priv_run_async (self, &insert_op, op_new_for_write (staff_id, record), cancellable,
                           callback, user_data, ct_store_insert_async);
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

  result = ct_store_priv_run_sync (self, &insert_op, op_new_for_write (staff_id, record), ct_store_insert_sync);
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

  ct_store_priv_run_async (self, &update_op, op_new_for_write (staff_id, record), cancellable,
                           callback, user_data, ct_store_update_async);
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

  result = ct_store_priv_run_sync (self, &update_op, op_new_for_write (staff_id, record), ct_store_update_sync);
  return finish_write (result, error);
}

static gpointer
run_get (CtStore  *self,
         Op       *op,
         GError  **error)
{
  return ct_store_priv_store_get (self, op->kind, op->id, error);
}

static const CtStoreOp get_op = { .run_pointer = run_get, .result_free = g_object_unref };

static Op *
op_new_for_read (CtRecordKind  kind,
                 const char   *id,
                 const char   *case_id)
{
  Op *op = ct_store_priv_op_new ();

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

  ct_store_priv_run_async (self, &get_op, op_new_for_read (kind, id, NULL), cancellable, callback,
                           user_data, ct_store_get_async);
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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  return ct_store_priv_call_pointer (self, &get_op, op_new_for_read (kind, id, NULL),
                                     ct_store_get_sync, error);
}

static gpointer
run_find_case (CtStore  *self,
               Op       *op,
               GError  **error)
{
  return ct_store_priv_store_find_case (self, op->id, TRUE, error);
}

static const CtStoreOp find_case_op = { .run_pointer = run_find_case, .result_free = g_object_unref };

/**
 * ct_store_find_case_sync:
 * @reference: a case reference, such as "CT-2026-0001", or a case id
 *
 * Finds a case through the index of references (or its id) and decrypts
 * that case alone, so its cost does not grow with the number of cases.
 * Fails with %CT_STORE_ERROR_NOT_FOUND or, if its ciphertext does not
 * authenticate, %CT_STORE_ERROR_TAMPERED.
 *
 * Returns: (transfer full): the case record, or %NULL with @error set
 */
CtRecord *
ct_store_find_case_sync (CtStore     *self,
                         const char  *reference,
                         GError     **error)
{
  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  return ct_store_priv_call_pointer (self, &find_case_op, op_new_for_read (CT_RECORD_KIND_CASE, reference, NULL),
                                     ct_store_find_case_sync, error);
}

typedef struct
{
  CtStore *self;
  CtStoreRecordFunc func;
  gpointer user_data;
} Foreach;

static gboolean
foreach_row_cb (CtStoreRow  *row,
                const char  *stored_kind,
                gint64       replaced_at,
                gpointer     user_data,
                GError     **error)
{
  Foreach *each = user_data;
  g_autoptr(CtRecord) record = NULL;

  /* The record takes the row's strings; the cursor frees the rest. */
  record = ct_store_priv_decrypt_row (each->self, row, error);
  if (record == NULL)
    return FALSE;

  return each->func (record, each->user_data, error);
}

gboolean
ct_store_priv_store_foreach (CtStore            *self,
                             CtRecordKind        kind,
                             CtStoreRecordFunc   func,
                             gpointer            user_data,
                             GError            **error)
{
  Foreach each = { self, func, user_data };
  gboolean ok;

  /* Each page is read once: through a small page cache rather than the
   * memory map, so that memory stays the same however large the file. */
  if (!ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;
  if (kind == CT_RECORD_KIND_CASE)
    ok = ct_store_backend_foreach_case_by_reference (self->backend, foreach_row_cb, &each, error);
  else
    ok = ct_store_backend_foreach_row (self->backend, kind, FALSE, NULL, foreach_row_cb, &each, error);
  if (!ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

static gboolean
run_foreach (CtStore  *self,
             Op       *op,
             GError  **error)
{
  return ct_store_priv_store_foreach (self, op->kind, op->record_func, op->func_data, error);
}

static const CtStoreOp foreach_op = { .run_boolean = run_foreach };

/**
 * ct_store_foreach_sync:
 * @kind: which records
 * @func: (scope call): called with each record, on the store's thread
 * @user_data: data for @func
 *
 * Reads, decrypts and authenticates every record of @kind one at a time,
 * calling @func with each, so that memory does not grow with the number
 * of records. Cases come in the order of their references; other records
 * in no particular order. Stops at the first record that does not
 * authenticate (%CT_STORE_ERROR_TAMPERED) or when @func fails.
 *
 * Returns: %TRUE if every record was read and @func never failed
 */
gboolean
ct_store_foreach_sync (CtStore            *self,
                       CtRecordKind        kind,
                       CtStoreRecordFunc   func,
                       gpointer            user_data,
                       GError            **error)
{
  Op *op;

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  op = op_new_for_read (kind, NULL, NULL);
  op->record_func = func;
  op->func_data = user_data;
  return ct_store_priv_call_boolean (self, &foreach_op, op, ct_store_foreach_sync, error);
}

static gpointer
run_list (CtStore  *self,
          Op       *op,
          GError  **error)
{
  return ct_store_priv_store_list (self, op->kind, op->case_id, error);
}

static const CtStoreOp list_op = {
  .run_pointer = run_list,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

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

  ct_store_priv_run_async (self, &list_op, op_new_for_read (kind, NULL, case_id), cancellable,
                           callback, user_data, ct_store_list_async);
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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  return ct_store_priv_call_pointer (self, &list_op, op_new_for_read (kind, NULL, case_id),
                                     ct_store_list_sync, error);
}

static gpointer
run_list_history (CtStore  *self,
                  Op       *op,
                  GError  **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  rows = ct_store_backend_list_history (self->backend, op->kind, op->id, error);
  if (rows == NULL)
    return NULL;
  return ct_store_priv_decrypt_rows (self, rows, error);
}

static const CtStoreOp list_history_op = {
  .run_pointer = run_list_history,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

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

  ct_store_priv_run_async (self, &list_history_op, op_new_for_read (kind, id, NULL), cancellable,
                           callback, user_data, ct_store_list_history_async);
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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);

  return ct_store_priv_call_pointer (self, &list_history_op, op_new_for_read (kind, id, NULL),
                                     ct_store_list_history_sync, error);
}

static gboolean
open_case_body (CtStoreTransaction  *txn,
                Op                  *op,
                GError             **error)
{
  if (!ct_store_priv_check_staff (op->staff_id, error))
    return FALSE;

  op->record = ct_store_priv_store_get (txn->store, CT_RECORD_KIND_CASE, op->case_id, error);
  if (op->record == NULL)
    return FALSE;

  return ct_store_priv_append_audit (txn->store, op->staff_id, "open-case", op->case_id, error);
}

static gpointer
run_open_case (CtStore  *self,
               Op       *op,
               GError  **error)
{
  if (!ct_store_priv_run_in_transaction (self, open_case_body, op, error))
    return NULL;
  return g_steal_pointer (&op->record);
}

static const CtStoreOp open_case_op = { .run_pointer = run_open_case, .result_free = g_object_unref };

static Op *
op_new_for_case (const char *staff_id,
                 const char *case_id)
{
  Op *op = ct_store_priv_op_new ();

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

  ct_store_priv_run_async (self, &open_case_op, op_new_for_case (staff_id, case_id), cancellable,
                           callback, user_data, ct_store_open_case_async);
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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);

  return ct_store_priv_call_pointer (self, &open_case_op, op_new_for_case (staff_id, case_id),
                                     ct_store_open_case_sync, error);
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

  if (!ct_store_priv_check_staff (op->staff_id, error))
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
      if (!ct_store_priv_append_audit_full (self, op->staff_id, action, e->id, &subject, error))
        return FALSE;
    }

  subject = (AuditSubject) { CT_RECORD_KIND_CASE, op->case_id, op->case_id, row->version, NULL };
  return ct_store_priv_append_audit_full (self, op->staff_id, "erase-case", op->case_id, &subject, error);
}

static gboolean
run_erase_case (CtStore  *self,
                Op       *op,
                GError  **error)
{
  if (!ct_store_priv_run_in_transaction (self, erase_case_body, op, error))
    return FALSE;
  g_hash_table_remove (self->keys.case_keys, op->case_id);
  return TRUE;
}

static const CtStoreOp erase_case_op = { .run_boolean = run_erase_case };

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
  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_id != NULL, FALSE);

  return ct_store_priv_call_boolean (self, &erase_case_op, op_new_for_case (staff_id, case_id),
                                     ct_store_erase_case_sync, error);
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

      record = ct_store_priv_store_get (self, CT_RECORD_KIND_CHILD, id, error);
      if (record == NULL)
        return FALSE;
      g_hash_table_add (seen, g_strdup (id));
      g_ptr_array_add (records, record);
    }

  return TRUE;
}

static gpointer
run_find_children (CtStore  *self,
                   Op       *op,
                   GError  **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *name = ct_store_priv_full_name (op->given, op->family);
  g_autofree char *family = ct_crypto_normalise_name (op->family);

  if (*name != '\0')
    {
      g_autoptr(GBytes) token = ct_store_priv_blind_token (self, "name", name);

      if (!add_matches (self, seen, records, token, error))
        return NULL;
    }

  if (op->dob != NULL && *op->dob != '\0' && *family != '\0')
    {
      g_autofree char *family_dob = g_strconcat (family, "|", op->dob, NULL);
      g_autoptr(GBytes) token = ct_store_priv_blind_token (self, "family-dob", family_dob);

      if (!add_matches (self, seen, records, token, error))
        return NULL;
    }

  return g_steal_pointer (&records);
}

static const CtStoreOp find_children_op = {
  .run_pointer = run_find_children,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

static Op *
op_new_for_find (const char *given,
                 const char *family,
                 const char *dob)
{
  Op *op = ct_store_priv_op_new ();

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

  ct_store_priv_run_async (self, &find_children_op,
                           op_new_for_find (given_names, family_name, date_of_birth), cancellable,
                           callback, user_data, ct_store_find_children_async);
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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  return ct_store_priv_call_pointer (self, &find_children_op,
                                     op_new_for_find (given_names, family_name, date_of_birth),
                                     ct_store_find_children_sync, error);
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

static const CtStoreOp transaction_op = { .body = caller_body };

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
  Op *op = ct_store_priv_op_new ();

  g_return_val_if_fail (CT_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  op->func = func;
  op->func_data = user_data;
  return ct_store_priv_call_boolean (self, &transaction_op, op, ct_store_run_transaction_sync,
                                     error);
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

  op = ct_store_priv_op_new ();
  op->func = func;
  op->func_data = user_data;
  op->func_destroy = user_data_destroy;
  ct_store_priv_run_async (self, &transaction_op, op, cancellable, callback, callback_data,
                           ct_store_run_transaction_async);
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

static gboolean
run_verify (CtStore  *self,
            Op       *op,
            GError  **error)
{
  return ct_store_priv_verify_internal (self, &op->stats, error);
}

static const CtStoreOp verify_op = { .run_boolean = run_verify };

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

  result = ct_store_priv_run_sync (self, &verify_op, ct_store_priv_op_new (), ct_store_verify_sync);
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

  ct_store_priv_run_async (self, &verify_op, ct_store_priv_op_new (), cancellable, callback,
                           user_data, ct_store_verify_async);
}

gboolean
ct_store_verify_finish (CtStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (check_task (self, result, ct_store_verify_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
run_status (CtStore  *self,
            Op       *op,
            GError  **error)
{
  g_autoptr(CtStoreStatus) status = g_new0 (CtStoreStatus, 1);
  g_autoptr(CtAuditEntry) head = NULL;
  GError *local_error = NULL;

  status->path = g_strdup (self->path);
  status->database_uuid = g_strdup (self->database_uuid);
  status->schema_version = ct_store_backend_get_schema_version (self->backend, &local_error);
  status->latest_schema_version = ct_store_backend_get_latest_schema_version (self->backend);
  for (guint kind = 0; local_error == NULL && kind < CT_RECORD_N_KINDS; kind++)
    status->counts[kind] = ct_store_backend_count_rows (self->backend, kind, &local_error);
  if (local_error == NULL)
    head = ct_store_backend_get_audit_head (self->backend, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (head != NULL)
    {
      status->audit_entries = head->seq;
      status->audit_head_at = head->at;
      status->audit_head = bytes_to_hex (head->mac);
    }
  status->keyring_state = ct_keyring_get_state (self->database_uuid);

  return g_steal_pointer (&status);
}

static const CtStoreOp status_op = {
  .run_pointer = run_status,
  .result_free = (GDestroyNotify) ct_store_status_free,
};

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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  return ct_store_priv_call_pointer (self, &status_op, ct_store_priv_op_new (),
                                     ct_store_get_status_sync, error);
}

static gpointer
run_list_audit (CtStore  *self,
                Op       *op,
                GError  **error)
{
  return ct_store_backend_list_audit (self->backend, error);
}

static const CtStoreOp list_audit_op = {
  .run_pointer = run_list_audit,
  .result_free = (GDestroyNotify) g_ptr_array_unref,
};

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
  g_return_val_if_fail (CT_IS_STORE (self), NULL);

  return ct_store_priv_call_pointer (self, &list_audit_op, ct_store_priv_op_new (),
                                     ct_store_list_audit_sync, error);
}

/* }}} */

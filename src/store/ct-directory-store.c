/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-directory-store"

#include "config.h"

#include "ct-directory-store.h"

#include <glib/gi18n.h>

#include "ct-case-service.h"
#include "ct-store-error.h"

/*
 * Storing an agency or a member of staff: the one path the app's forms and
 * `caretrail-admin agency` and `staff` share. The record is made from the
 * answers by ct_directory_make_record(); a new one is added, a changed one
 * is saved as a new version that keeps the one before in its history (and
 * is refused if someone saved it meanwhile); either way the audit log says
 * who did it.
 */

typedef struct
{
  char     *actor_id;
  CtRecord *record;    /* what to write */
  CtRecord *existing;  /* what was read, or NULL for a new record */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->actor_id);
  g_clear_object (&data->record);
  g_clear_object (&data->existing);
  g_free (data);
}

static gboolean
save_in_transaction (CtStoreTransaction  *txn,
                     gpointer             user_data,
                     GError             **error)
{
  SaveData *data = user_data;
  g_autoptr(CtRecord) actor = NULL;

  /* The first member of staff of a directory with none yet adds
   * themselves, as setup does; every other change names who made it. */
  if (data->actor_id == NULL)
    {
      gint64 n_staff = ct_store_transaction_count (txn, CT_RECORD_KIND_STAFF, error);

      if (n_staff < 0)
        return FALSE;
      if (n_staff > 0 || data->existing != NULL ||
          ct_record_get_kind (data->record) != CT_RECORD_KIND_STAFF)
        {
          g_set_error_literal (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                               _("Say who is making the change with --by STAFF-ID. "
                                 "“caretrail-admin staff” lists the ids."));
          return FALSE;
        }
      return ct_store_transaction_insert (txn, ct_record_get_id (data->record), data->record,
                                          error);
    }

  actor = ct_case_service_find_staff (txn, data->actor_id, error);
  if (actor == NULL)
    return FALSE;

  if (data->existing == NULL)
    return ct_store_transaction_insert (txn, data->actor_id, data->record, error);
  return ct_store_transaction_update (txn, data->actor_id, data->record, error);
}

/* Makes what is to be stored; %NULL with @error set if an answer is refused,
 * and a data with no record if nothing changed. */
static SaveData *
prepare (const char    *actor_id,
         CtRecordKind   kind,
         CtRecord      *existing,
         GHashTable    *answers,
         GError       **error)
{
  g_autoptr(CtRecord) record = ct_directory_make_record (kind, existing, answers, error);
  SaveData *data;

  if (record == NULL)
    return NULL;

  data = g_new0 (SaveData, 1);
  data->actor_id = g_strdup (actor_id);
  data->existing = existing != NULL ? g_object_ref (existing) : NULL;
  if (existing == NULL || !ct_record_equal_fields (record, existing))
    data->record = g_steal_pointer (&record);
  return data;
}

/**
 * ct_directory_save_sync:
 * @store: an open store
 * @actor_id: (nullable): the member of staff making the change; %NULL only
 *   to add the first member of staff of a directory that has none, who is
 *   then recorded as having added themselves
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @existing: (nullable): the record as read from @store, to change; %NULL
 *   to add a new one
 * @answers: the details, from ct_answers_new(); see ct_directory_make_record()
 * @error: return location for an error
 *
 * Adds an agency or a member of staff, or saves a change to one as a new
 * version. A change that changes nothing writes nothing.
 *
 * Returns: (transfer full): the record as stored, or %NULL if refused
 */
CtRecord *
ct_directory_save_sync (CtStore       *store,
                        const char    *actor_id,
                        CtRecordKind   kind,
                        CtRecord      *existing,
                        GHashTable    *answers,
                        GError       **error)
{
  SaveData *data;
  CtRecord *saved;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (answers != NULL, NULL);

  data = prepare (actor_id, kind, existing, answers, error);
  if (data == NULL)
    return NULL;

  if (data->record == NULL)
    saved = g_object_ref (existing);
  else if (ct_store_run_transaction_sync (store, save_in_transaction, data, error))
    saved = g_object_ref (data->record);
  else
    saved = NULL;

  save_data_free (data);
  return saved;
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (data->record), g_object_unref);
}

/**
 * ct_directory_save_async:
 * @store: an open store
 * @actor_id: the member of staff making the change
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @existing: (nullable): the record to change, or %NULL to add one
 * @answers: the details, from ct_answers_new()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * Does what ct_directory_save_sync() does, on the store's thread.
 */
void
ct_directory_save_async (CtStore             *store,
                         const char          *actor_id,
                         CtRecordKind         kind,
                         CtRecord            *existing,
                         GHashTable          *answers,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SaveData *data;

  g_return_if_fail (CT_IS_STORE (store));
  g_return_if_fail (answers != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_directory_save_async);

  if (actor_id == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND, "%s",
                               _("Nobody is signed in, and every entry must name who made it. Choose who is using Caretrail from the main menu (Change User…), then try again."));
      return;
    }

  data = prepare (actor_id, kind, existing, answers, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->record == NULL)
    {
      g_task_return_pointer (task, g_object_ref (existing), g_object_unref);
      save_data_free (data);
      return;
    }

  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  ct_store_run_transaction_async (store, save_in_transaction, data, NULL, cancellable,
                                  on_saved_cb, g_steal_pointer (&task));
}

/**
 * ct_directory_save_finish:
 * @store: the store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the record as stored, or %NULL if refused
 */
CtRecord *
ct_directory_save_finish (CtStore       *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store-backend"

#include "config.h"

#include "ct-store-backend.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ct-store-error.h"

/*
 * CtStoreBackend is the seam between the encrypting store and the place
 * the ciphertext is kept. The SQLite backend is the only one today; a
 * server backend would implement the same methods.
 */

G_DEFINE_INTERFACE (CtStoreBackend, ct_store_backend, G_TYPE_OBJECT)

static void
ct_store_backend_default_init (CtStoreBackendInterface *iface)
{
}

CtStoreRow *
ct_store_row_new (void)
{
  return g_new0 (CtStoreRow, 1);
}

void
ct_store_row_free (CtStoreRow *row)
{
  if (row == NULL)
    return;
  g_free (row->id);
  g_free (row->case_id);
  g_free (row->state);
  g_free (row->reference);
  g_clear_pointer (&row->data, g_bytes_unref);
  g_free (row);
}

CtAuditEntry *
ct_audit_entry_new (void)
{
  return g_new0 (CtAuditEntry, 1);
}

void
ct_audit_entry_free (CtAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->staff_id);
  g_free (entry->action);
  g_free (entry->record_id);
  g_free (entry->kind);
  g_free (entry->case_id);
  g_clear_pointer (&entry->mac, g_bytes_unref);
  g_clear_pointer (&entry->digest, g_bytes_unref);
  g_free (entry->member_id);
  g_clear_pointer (&entry->signature, g_bytes_unref);
  g_free (entry);
}

gboolean
ct_store_backend_open (CtStoreBackend *self,
    CtStoreBackendOpenFlags flags,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->open (self, flags, error);
}

void
ct_store_backend_close (CtStoreBackend *self)
{
  g_return_if_fail (CT_IS_STORE_BACKEND (self));
  CT_STORE_BACKEND_GET_IFACE (self)->close (self);
}

gint64
ct_store_backend_get_schema_version (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), -1);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_schema_version (self, error);
}

gint64
ct_store_backend_get_latest_schema_version (CtStoreBackend *self)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), -1);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_latest_schema_version (self);
}

gboolean
ct_store_backend_is_caretrail (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->is_caretrail (self, error);
}

gboolean
ct_store_backend_migrate (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->migrate (self, error);
}

gboolean
ct_store_backend_begin (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->begin (self, error);
}

gboolean
ct_store_backend_commit (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->commit (self, error);
}

void
ct_store_backend_rollback (CtStoreBackend *self)
{
  g_return_if_fail (CT_IS_STORE_BACKEND (self));
  CT_STORE_BACKEND_GET_IFACE (self)->rollback (self);
}

GBytes *
ct_store_backend_get_meta (CtStoreBackend *self,
    const char *key,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_meta (self, key, error);
}

gboolean
ct_store_backend_set_meta (CtStoreBackend *self,
    const char *key,
    GBytes *value,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->set_meta (self, key, value, error);
}

gboolean
ct_store_backend_insert_row (CtStoreBackend *self,
    const CtStoreRow *row,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->insert_row (self, row, error);
}

gboolean
ct_store_backend_update_row (CtStoreBackend *self,
    const CtStoreRow *row,
    gint64 replaced_at,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->update_row (self, row, replaced_at, error);
}

CtStoreRow *
ct_store_backend_get_row (CtStoreBackend *self,
    CtRecordKind kind,
    const char *id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_row (self, kind, id, error);
}

GPtrArray *
ct_store_backend_list_rows (CtStoreBackend *self,
    CtRecordKind kind,
    const char *case_id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->list_rows (self, kind, case_id, error);
}

/* The case whose plaintext reference is @reference, found through the
 * reference's unique index, or %NULL with %CT_STORE_ERROR_NOT_FOUND. A
 * backend without its own lookup has its case rows compared instead: no
 * record is decrypted either way. */
CtStoreRow *
ct_store_backend_get_case_by_reference (CtStoreBackend *self,
    const char *reference,
    GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  if (CT_STORE_BACKEND_GET_IFACE (self)->get_case_by_reference != NULL)
    return CT_STORE_BACKEND_GET_IFACE (self)->get_case_by_reference (self, reference, error);

  rows = ct_store_backend_list_rows (self, CT_RECORD_KIND_CASE, NULL, error);
  if (rows == NULL)
    return NULL;
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (((CtStoreRow *) g_ptr_array_index (rows, i))->reference, reference) == 0)
      return g_ptr_array_steal_index (rows, i);

  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
               _("No case has the reference “%s”."), reference);
  return NULL;
}

/* The case references that start with @prefix, read from the index alone:
 * no record is read or decrypted. */
GPtrArray *
ct_store_backend_list_references (CtStoreBackend *self,
    const char *prefix,
    GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) references = NULL;

  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  if (CT_STORE_BACKEND_GET_IFACE (self)->list_references != NULL)
    return CT_STORE_BACKEND_GET_IFACE (self)->list_references (self, prefix, error);

  rows = ct_store_backend_list_rows (self, CT_RECORD_KIND_CASE, NULL, error);
  if (rows == NULL)
    return NULL;
  references = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *reference = ((CtStoreRow *) g_ptr_array_index (rows, i))->reference;

      if (reference != NULL && g_str_has_prefix (reference, prefix))
        g_ptr_array_add (references, g_strdup (reference));
    }
  return g_steal_pointer (&references);
}

/* Orders two strings of digits by the numbers they write: the one with
 * more digits after its leading zeros is the greater, and of two as long
 * the one that sorts later. */
int
ct_store_backend_compare_numbers (const char *a,
                                  const char *b)
{
  gsize la, lb;

  while (*a == '0')
    a++;
  while (*b == '0')
    b++;
  la = strlen (a);
  lb = strlen (b);
  if (la != lb)
    return la < lb ? -1 : 1;
  return strcmp (a, b);
}

static gboolean
is_number (const char *str)
{
  if (*str == '\0')
    return FALSE;
  for (; *str != '\0'; str++)
    if (!g_ascii_isdigit (*str))
      return FALSE;
  return TRUE;
}

/* Sets @out_reference to the case reference that is @prefix followed by
 * digits alone with the highest number, or to %NULL if there is none. A
 * backend reads it from the index of references; a backend without that
 * lookup lists the references with @prefix. */
gboolean
ct_store_backend_last_reference (CtStoreBackend  *self,
                                 const char      *prefix,
                                 char           **out_reference,
                                 GError         **error)
{
  g_autoptr(GPtrArray) references = NULL;
  gsize len = strlen (prefix);
  const char *last = NULL;

  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  g_return_val_if_fail (out_reference != NULL, FALSE);

  *out_reference = NULL;
  if (CT_STORE_BACKEND_GET_IFACE (self)->last_reference != NULL)
    return CT_STORE_BACKEND_GET_IFACE (self)->last_reference (self, prefix, out_reference, error);

  references = ct_store_backend_list_references (self, prefix, error);
  if (references == NULL)
    return FALSE;
  for (guint i = 0; i < references->len; i++)
    {
      const char *reference = g_ptr_array_index (references, i);

      if (g_str_has_prefix (reference, prefix) && is_number (reference + len) &&
          (last == NULL || ct_store_backend_compare_numbers (reference + len, last + len) > 0))
        last = reference;
    }
  *out_reference = g_strdup (last);
  return TRUE;
}

/* A number that changes whenever another connection commits to the
 * database; this connection's own commits leave it as it was. -1 with
 * @error set on failure; CT_STORE_BACKEND_DATA_VERSION_UNKNOWN from a
 * backend that cannot tell, which must then be read afresh every time. */
gint64
ct_store_backend_get_data_version (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), -1);
  if (CT_STORE_BACKEND_GET_IFACE (self)->get_data_version == NULL)
    return CT_STORE_BACKEND_DATA_VERSION_UNKNOWN;
  return CT_STORE_BACKEND_GET_IFACE (self)->get_data_version (self, error);
}

GPtrArray *
ct_store_backend_list_history (CtStoreBackend *self,
    CtRecordKind kind,
    const char *id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->list_history (self, kind, id, error);
}

gint64
ct_store_backend_count_rows (CtStoreBackend *self,
    CtRecordKind kind,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), -1);
  return CT_STORE_BACKEND_GET_IFACE (self)->count_rows (self, kind, error);
}

gboolean
ct_store_backend_set_blind_index (CtStoreBackend *self,
    CtRecordKind kind,
    const char *record_id,
    GPtrArray *tokens,
    gboolean replace,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->set_blind_index (self, kind, record_id, tokens, replace, error);
}

GPtrArray *
ct_store_backend_find_blind_index (CtStoreBackend *self,
    CtRecordKind kind,
    GBytes *token,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->find_blind_index (self, kind, token, error);
}

GBytes *
ct_store_backend_get_case_key (CtStoreBackend *self,
    const char *case_id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_case_key (self, case_id, error);
}

gboolean
ct_store_backend_set_case_key (CtStoreBackend *self,
    const char *case_id,
    GBytes *wrapped,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->set_case_key (self, case_id, wrapped, error);
}

GPtrArray *
ct_store_backend_list_case_keys (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->list_case_keys (self, error);
}

/* Walks the case keys with a cursor, one in memory at a time, in no
 * particular order. @func may query the backend, but not walk the keys. */
gboolean
ct_store_backend_foreach_case_key (CtStoreBackend *self,
    CtStoreCaseKeyFunc func,
    gpointer user_data,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->foreach_case_key (self, func, user_data, error);
}

gboolean
ct_store_backend_erase_case (CtStoreBackend *self,
    const char *case_id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->erase_case (self, case_id, error);
}

gboolean
ct_store_backend_append_audit (CtStoreBackend *self,
    const CtAuditEntry *entry,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->append_audit (self, entry, error);
}

CtAuditEntry *
ct_store_backend_get_audit_head (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_audit_head (self, error);
}

GPtrArray *
ct_store_backend_list_audit (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->list_audit (self, error);
}

gint64
ct_store_backend_count_audit (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), -1);
  return CT_STORE_BACKEND_GET_IFACE (self)->count_audit (self, error);
}

gboolean
ct_store_backend_foreach_audit (CtStoreBackend *self,
    CtStoreAuditEntryFunc func,
    gpointer user_data,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->foreach_audit (self, func, user_data, error);
}

gboolean
ct_store_backend_foreach_row (CtStoreBackend *self,
    CtRecordKind kind,
    gboolean history,
    const char *case_id,
    CtStoreRowFunc func,
    gpointer user_data,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->foreach_row (self, kind, history, case_id, func, user_data, error);
}

static int
compare_rows_by_reference (gconstpointer a,
                           gconstpointer b)
{
  const CtStoreRow *row_a = *(const CtStoreRow * const *) a;
  const CtStoreRow *row_b = *(const CtStoreRow * const *) b;
  int r = g_strcmp0 (row_a->reference, row_b->reference);

  return r != 0 ? r : g_strcmp0 (row_a->id, row_b->id);
}

/* Walks the cases with a cursor in the order of their references (those
 * without one first), one row in memory at a time. A backend without such
 * a cursor has its case rows read and sorted first. */
gboolean
ct_store_backend_foreach_case_by_reference (CtStoreBackend *self,
    CtStoreRowFunc func,
    gpointer user_data,
    GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  if (CT_STORE_BACKEND_GET_IFACE (self)->foreach_case_by_reference != NULL)
    return CT_STORE_BACKEND_GET_IFACE (self)->foreach_case_by_reference (self, func, user_data, error);

  rows = ct_store_backend_list_rows (self, CT_RECORD_KIND_CASE, NULL, error);
  if (rows == NULL)
    return FALSE;
  g_ptr_array_sort (rows, compare_rows_by_reference);
  for (guint i = 0; i < rows->len; i++)
    if (!func (g_ptr_array_index (rows, i), "case", 0, user_data, error))
      return FALSE;
  return TRUE;
}

/* The case lists' order by due time: cases with a step due, soonest
 * first, then those with nothing due; newest reference first among equals. */
static int
compare_rows_by_due (gconstpointer a,
                     gconstpointer b)
{
  const CtStoreRow *row_a = *(const CtStoreRow * const *) a;
  const CtStoreRow *row_b = *(const CtStoreRow * const *) b;

  if (row_a->due_at != row_b->due_at)
    {
      if (row_a->due_at == 0)
        return 1;
      if (row_b->due_at == 0)
        return -1;
      return row_a->due_at < row_b->due_at ? -1 : 1;
    }
  return -g_strcmp0 (row_a->reference, row_b->reference);
}

/**
 * ct_store_backend_foreach_case_by_due:
 * @limit: how many cases at most, or -1 for all
 *
 * Walks the cases in the order of their due times (those with nothing due
 * last; the newest reference first among cases due at once), so that the
 * cases at the top of the case lists can be read before the rest. A
 * backend without such a cursor has its case rows read and sorted first.
 */
gboolean
ct_store_backend_foreach_case_by_due (CtStoreBackend *self,
    gint64 limit,
    CtStoreRowFunc func,
    gpointer user_data,
    GError **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  if (CT_STORE_BACKEND_GET_IFACE (self)->foreach_case_by_due != NULL)
    return CT_STORE_BACKEND_GET_IFACE (self)->foreach_case_by_due (self, limit, func, user_data,
                                                                   error);

  rows = ct_store_backend_list_rows (self, CT_RECORD_KIND_CASE, NULL, error);
  if (rows == NULL)
    return FALSE;
  g_ptr_array_sort (rows, compare_rows_by_due);
  for (guint i = 0; i < rows->len && (limit < 0 || i < limit); i++)
    if (!func (g_ptr_array_index (rows, i), "case", 0, user_data, error))
      return FALSE;
  return TRUE;
}

gboolean
ct_store_backend_check_integrity (CtStoreBackend *self,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->check_integrity (self, error);
}

/**
 * ct_store_backend_set_scanning:
 * @scanning: whether walks of the whole file follow
 *
 * While scanning, the backend reads through a small cache, so that reading
 * every row of a large file takes memory that does not grow with it.
 * Turning it off again restores what the backend had before.
 */
gboolean
ct_store_backend_set_scanning (CtStoreBackend *self,
    gboolean scanning,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->set_scanning (self, scanning, error);
}

gboolean
ct_store_backend_backup (CtStoreBackend *self,
    const char *destination,
    CtBackupProgressFunc progress,
    gpointer user_data,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), FALSE);
  return CT_STORE_BACKEND_GET_IFACE (self)->backup (self, destination, progress, user_data, error);
}

const char *
ct_store_backend_get_location (CtStoreBackend *self)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_location (self);
}

/**
 * ct_store_backend_get_last_write:
 * @self: a backend
 * @record_id: a record's id
 *
 * Finds the last audit entry that created or corrected @record_id: the
 * one that wrote its stored version.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL (without an
 *   error) if the log has none
 */
CtAuditEntry *
ct_store_backend_get_last_write (CtStoreBackend *self,
    const char *record_id,
    GError **error)
{
  g_return_val_if_fail (CT_IS_STORE_BACKEND (self), NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  return CT_STORE_BACKEND_GET_IFACE (self)->get_last_write (self, record_id, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-store.h"

G_BEGIN_DECLS

/* How often a backup is made by itself when Caretrail closes. */
#define CT_BACKUP_AUTOMATIC_INTERVAL (G_TIME_SPAN_DAY / G_TIME_SPAN_SECOND)

/**
 * CtBackupFolderProgressFunc:
 * @fraction: how much of the copy is done, from 0 to 1
 * @user_data: data given with the function
 *
 * Told, on the thread that started the backup, how far it has got.
 */
typedef void (*CtBackupFolderProgressFunc) (double   fraction,
                                            gpointer user_data);

char      *ct_backup_folder_make_name        (GDateTime                   *when);
gboolean   ct_backup_folder_is_backup_name   (const char                  *basename);
GPtrArray *ct_backup_folder_list             (const char                  *folder,
                                              GError                     **error);
gboolean   ct_backup_folder_prune            (const char                  *folder,
                                              guint                        keep,
                                              GError                     **error);
char      *ct_backup_folder_back_up_sync     (CtStore                     *store,
                                              const char                  *folder,
                                              guint                        keep,
                                              CtBackupProgressFunc         progress,
                                              gpointer                     user_data,
                                              GCancellable                *cancellable,
                                              GError                     **error);
void       ct_backup_folder_back_up_async    (CtStore                     *store,
                                              const char                  *folder,
                                              guint                        keep,
                                              CtBackupFolderProgressFunc   progress,
                                              gpointer                     progress_data,
                                              GDestroyNotify               progress_destroy,
                                              GCancellable                *cancellable,
                                              GAsyncReadyCallback          callback,
                                              gpointer                     user_data);
char      *ct_backup_folder_back_up_finish   (GAsyncResult                *result,
                                              GError                     **error);
void       ct_backup_folder_restore_async    (const char                  *database,
                                              const char                  *backup,
                                              GCancellable                *cancellable,
                                              GAsyncReadyCallback          callback,
                                              gpointer                     user_data);
gboolean   ct_backup_folder_restore_finish   (GAsyncResult                *result,
                                              char                       **out_saved_path,
                                              GError                     **error);

gboolean   ct_backup_is_automatic_due        (gint64                       last_backup,
                                              gint64                       now);
gboolean   ct_backup_is_overdue              (gint64                       last_backup,
                                              gint64                       now,
                                              guint                        overdue_days);

G_END_DECLS

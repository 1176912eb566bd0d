/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-backup-folder.h"
#include "ct-store.h"

G_BEGIN_DECLS

void      ct_backups_back_up_async        (GSettings                   *settings,
                                           CtStore                     *store,
                                           CtBackupFolderProgressFunc   progress,
                                           gpointer                     progress_data,
                                           GDestroyNotify               progress_destroy,
                                           GCancellable                *cancellable,
                                           GAsyncReadyCallback          callback,
                                           gpointer                     user_data);
char     *ct_backups_back_up_finish       (GAsyncResult                *result,
                                           GError                     **error);
gboolean  ct_backups_back_up_on_close     (GSettings                   *settings,
                                           CtStore                     *store);
gboolean  ct_backups_is_overdue           (GSettings                   *settings);
char     *ct_backups_describe_last        (GSettings                   *settings);
void      ct_backups_ask_restore          (GSettings                   *settings,
                                           GtkWindow                   *parent,
                                           GtkWidget                   *target,
                                           gboolean                     close_parent);

G_END_DECLS

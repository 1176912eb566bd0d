/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CtBackupFlags:
 * @CT_BACKUP_NONE: write only to a new file
 * @CT_BACKUP_REPLACE: an existing regular file may be replaced
 *
 * How a backup may treat its destination.
 */
typedef enum
{
  CT_BACKUP_NONE = 0,
  CT_BACKUP_REPLACE = 1 << 0,
} CtBackupFlags;

/* The file a backup is written to: a new file made for it alone. */
typedef struct _CtBackupTarget CtBackupTarget;

/**
 * CtBackupProgressFunc:
 * @done: pages copied so far
 * @total: pages to copy
 * @user_data: data given with the function
 *
 * Told, on the store's own thread, how far a backup has got.
 *
 * Returns: %FALSE to stop the backup
 */
typedef gboolean (*CtBackupProgressFunc) (guint64  done,
                                          guint64  total,
                                          gpointer user_data);

gboolean        ct_backup_target_check    (const char      *destination,
                                           CtBackupFlags    flags,
                                           GError         **error);
CtBackupTarget *ct_backup_target_create   (const char      *destination,
                                           CtBackupFlags    flags,
                                           GError         **error);
const char     *ct_backup_target_get_path (CtBackupTarget  *target);
gboolean        ct_backup_target_is_partial_name (const char *basename);
gboolean        ct_backup_target_commit   (CtBackupTarget  *target,
                                           GError         **error);
void            ct_backup_target_free     (CtBackupTarget  *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtBackupTarget, ct_backup_target_free)

G_END_DECLS

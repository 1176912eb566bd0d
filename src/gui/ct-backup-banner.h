/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_BACKUP_BANNER (ct_backup_banner_get_type ())

G_DECLARE_FINAL_TYPE (CtBackupBanner, ct_backup_banner, CT, BACKUP_BANNER, AdwBin)

GtkWidget  *ct_backup_banner_new          (void);
void        ct_backup_banner_update       (CtBackupBanner *self);
gboolean    ct_backup_banner_get_revealed (CtBackupBanner *self);
const char *ct_backup_banner_get_title    (CtBackupBanner *self);

G_END_DECLS

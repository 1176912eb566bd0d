/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_UNLOCK_PAGE (ct_unlock_page_get_type ())

G_DECLARE_FINAL_TYPE (CtUnlockPage, ct_unlock_page, CT, UNLOCK_PAGE, AdwBin)

GtkWidget  *ct_unlock_page_new              (void);
void        ct_unlock_page_set_error        (CtUnlockPage *self,
                                             const GError *error);
const char *ct_unlock_page_get_title        (CtUnlockPage *self);
void        ct_unlock_page_recovery_failed  (CtUnlockPage *self,
                                             const GError *error);

G_END_DECLS

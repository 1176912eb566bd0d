/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_USER_DIALOG (ct_user_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtUserDialog, ct_user_dialog, CT, USER_DIALOG, AdwWindow)

CtUserDialog *ct_user_dialog_new    (GListModel   *staff,
                                     const char   *current_id);
void          ct_user_dialog_choose (CtUserDialog *self,
                                     const char   *staff_id);

G_END_DECLS

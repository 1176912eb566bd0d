/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-form-window.h"
#include "ct-record.h"

G_BEGIN_DECLS

#define CT_TYPE_CHILD_DIALOG (ct_child_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtChildDialog, ct_child_dialog, CT, CHILD_DIALOG, CtFormWindow)

CtChildDialog *ct_child_dialog_new           (CtRecord      *child);
CtRecord      *ct_child_dialog_build_record  (CtChildDialog *self,
                                              GError       **error);

G_END_DECLS

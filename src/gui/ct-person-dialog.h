/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-form-window.h"
#include "ct-record.h"

G_BEGIN_DECLS

#define CT_TYPE_PERSON_DIALOG (ct_person_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtPersonDialog, ct_person_dialog, CT, PERSON_DIALOG, CtFormWindow)

CtPersonDialog *ct_person_dialog_new            (const char     *case_id,
                                                 GPtrArray      *children,
                                                 CtRecord       *person,
                                                 GPtrArray      *relationships);

G_END_DECLS

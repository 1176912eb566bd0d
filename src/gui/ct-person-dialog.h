/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-record.h"

G_BEGIN_DECLS

#define CT_TYPE_PERSON_DIALOG (ct_person_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtPersonDialog, ct_person_dialog, CT, PERSON_DIALOG, AdwWindow)

CtPersonDialog *ct_person_dialog_new            (const char     *case_id,
                                                 GPtrArray      *children,
                                                 CtRecord       *person,
                                                 GPtrArray      *relationships);
GPtrArray      *ct_person_dialog_build_records  (CtPersonDialog *self,
                                                 GError        **error);
void            ct_person_dialog_save_finished  (CtPersonDialog *self,
                                                 const GError   *error);

G_END_DECLS

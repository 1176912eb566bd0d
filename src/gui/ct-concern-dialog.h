/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-form-window.h"
#include "ct-record.h"

G_BEGIN_DECLS

#define CT_TYPE_CONCERN_DIALOG (ct_concern_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtConcernDialog, ct_concern_dialog, CT, CONCERN_DIALOG, CtFormWindow)

CtConcernDialog *ct_concern_dialog_new                 (void);
void             ct_concern_dialog_set_staff           (CtConcernDialog *self,
                                                        GListModel      *staff);
void             ct_concern_dialog_offer_existing_child (CtConcernDialog *self,
                                                         CtRecord        *child);
gboolean         ct_concern_dialog_is_valid            (CtConcernDialog *self);
char            *ct_concern_dialog_describe_missing    (CtConcernDialog *self);
GHashTable      *ct_concern_dialog_build_answers       (CtConcernDialog *self);
GHashTable      *ct_concern_dialog_get_answers         (CtConcernDialog *self);
GDateTime       *ct_concern_dialog_get_raised_at       (CtConcernDialog *self);
gboolean         ct_concern_dialog_get_immediate_risk  (CtConcernDialog *self);

G_END_DECLS

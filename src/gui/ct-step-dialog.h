/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-form-window.h"
#include "ct-procedure.h"

G_BEGIN_DECLS

#define CT_TYPE_STEP_DIALOG (ct_step_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtStepDialog, ct_step_dialog, CT, STEP_DIALOG, CtFormWindow)

gboolean      ct_step_dialog_has_form      (CtEvent       event);
CtStepDialog *ct_step_dialog_new           (CtEvent       event,
                                            GListModel   *agencies);
CtStepDialog *ct_step_dialog_new_for_organisation (CtEvent     event,
                                                   GListModel *agencies,
                                                   const char *organisation_kind);
CtEvent       ct_step_dialog_get_event     (CtStepDialog *self);
char         *ct_step_dialog_get_help_page (CtStepDialog *self);
void          ct_step_dialog_set_answer    (CtStepDialog *self,
                                            const char   *name,
                                            const char   *value);
GHashTable   *ct_step_dialog_get_answers   (CtStepDialog *self);
GDateTime    *ct_step_dialog_get_occurred_at (CtStepDialog *self);
void          ct_step_dialog_set_occurred_at (CtStepDialog *self,
                                            GDateTime    *occurred_at);
gboolean      ct_step_dialog_is_complete   (CtStepDialog *self);
GFile        *ct_step_dialog_get_copy_file (CtStepDialog *self);
void          ct_step_dialog_set_copy_file (CtStepDialog *self,
                                            GFile        *file);

G_END_DECLS

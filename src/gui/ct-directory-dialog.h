/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-form-window.h"
#include "ct-record.h"
#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_DIRECTORY_DIALOG (ct_directory_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CtDirectoryDialog, ct_directory_dialog, CT, DIRECTORY_DIALOG, CtFormWindow)

CtDirectoryDialog *ct_directory_dialog_new         (CtRecordKind       kind,
                                                    CtRecord          *record,
                                                    const char        *area);
CtRecordKind       ct_directory_dialog_get_kind    (CtDirectoryDialog *self);
CtRecord          *ct_directory_dialog_get_record  (CtDirectoryDialog *self);
GHashTable        *ct_directory_dialog_get_answers (CtDirectoryDialog *self);

GtkWindow         *ct_directory_dialog_present     (CtWorkflow        *workflow,
                                                    GtkWindow         *parent,
                                                    CtRecordKind       kind,
                                                    CtRecord          *record,
                                                    const char        *area);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-application.h"
#include "ct-case-list-model.h"
#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_WINDOW (ct_window_get_type ())

G_DECLARE_FINAL_TYPE (CtWindow, ct_window, CT, WINDOW, AdwApplicationWindow)

CtWindow        *ct_window_new             (CtApplication *application);
CtCaseListModel *ct_window_get_cases       (CtWindow      *self);
void             ct_window_show_section    (CtWindow      *self,
                                            const char    *section);
const char      *ct_window_get_section     (CtWindow      *self);
void             ct_window_add_toast       (CtWindow      *self,
                                            const char    *message);
void             ct_window_preload_records (const char    *path);
void             ct_window_open_records    (CtWindow      *self,
                                            const char    *path);
void             ct_window_open_case       (CtWindow      *self,
                                            const char    *case_id);
CtWorkflow      *ct_window_get_workflow    (CtWindow      *self);

GtkWindow       *ct_window_ask_user        (CtWindow        *self);
GtkShortcutsWindow *ct_window_ensure_help_overlay (CtWindow   *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-application.h"
#include "ct-case-list-model.h"

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

G_END_DECLS

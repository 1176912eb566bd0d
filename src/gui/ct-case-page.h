/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_PAGE (ct_case_page_get_type ())

G_DECLARE_FINAL_TYPE (CtCasePage, ct_case_page, CT, CASE_PAGE, AdwBin)

GtkWidget  *ct_case_page_new          (void);
void        ct_case_page_set_workflow (CtCasePage *self,
                                       CtWorkflow *workflow);
void        ct_case_page_load         (CtCasePage *self,
                                       const char *case_id);
CtCaseFile *ct_case_page_get_file     (CtCasePage *self);

void        ct_case_page_reload        (CtCasePage *self);

G_END_DECLS

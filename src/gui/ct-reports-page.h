/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_REPORTS_PAGE (ct_reports_page_get_type ())

G_DECLARE_FINAL_TYPE (CtReportsPage, ct_reports_page, CT, REPORTS_PAGE, AdwBin)

GtkWidget *ct_reports_page_new       (void);
void       ct_reports_page_set_cases (CtReportsPage *self,
                                      GListModel    *cases);
void       ct_reports_page_set_workflow (CtReportsPage *self,
                                         CtWorkflow    *workflow);
void       ct_reports_page_set_now   (CtReportsPage *self,
                                      gint64         now);

G_END_DECLS

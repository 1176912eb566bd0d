/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_SUBMISSIONS_PAGE (ct_submissions_page_get_type ())

G_DECLARE_FINAL_TYPE (CtSubmissionsPage, ct_submissions_page, CT, SUBMISSIONS_PAGE, AdwBin)

GtkWidget  *ct_submissions_page_new          (GSettings         *settings);
void        ct_submissions_page_set_workflow (CtSubmissionsPage *self,
                                              CtWorkflow        *workflow);
void        ct_submissions_page_refresh      (CtSubmissionsPage *self);
GListModel *ct_submissions_page_get_model    (CtSubmissionsPage *self);
guint       ct_submissions_page_get_n_new    (CtSubmissionsPage *self);
void        ct_submissions_page_open         (CtSubmissionsPage *self,
                                              const char        *submission_id);

G_END_DECLS

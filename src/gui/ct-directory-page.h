/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_DIRECTORY_PAGE (ct_directory_page_get_type ())

G_DECLARE_FINAL_TYPE (CtDirectoryPage, ct_directory_page, CT, DIRECTORY_PAGE, AdwBin)

GtkWidget  *ct_directory_page_new          (void);
void        ct_directory_page_set_workflow (CtDirectoryPage *self,
                                            CtWorkflow      *workflow);
GListModel *ct_directory_page_get_agencies (CtDirectoryPage *self);
GListModel *ct_directory_page_get_staff    (CtDirectoryPage *self);

G_END_DECLS

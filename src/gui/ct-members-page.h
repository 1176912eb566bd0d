/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_MEMBERS_PAGE (ct_members_page_get_type ())

G_DECLARE_FINAL_TYPE (CtMembersPage, ct_members_page, CT, MEMBERS_PAGE, AdwPreferencesPage)

GtkWidget  *ct_members_page_new           (void);
void        ct_members_page_set_workflow  (CtMembersPage *self,
                                           CtWorkflow    *workflow);
void        ct_members_page_refresh       (CtMembersPage *self);
GListModel *ct_members_page_get_members   (CtMembersPage *self);
GListModel *ct_members_page_get_requests  (CtMembersPage *self);
void        ct_members_page_ask_approve   (CtMembersPage *self,
                                           const char    *request_id);
void        ct_members_page_ask_remove    (CtMembersPage *self,
                                           const char    *member_id);

G_END_DECLS

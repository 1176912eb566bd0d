/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-case-item.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_LIST_MODEL (ct_case_list_model_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseListModel, ct_case_list_model, CT, CASE_LIST_MODEL, GObject)

CtCaseListModel *ct_case_list_model_new       (void);
void             ct_case_list_model_replace_all (CtCaseListModel *self,
                                                 GPtrArray       *items);
void             ct_case_list_model_add_missing (CtCaseListModel *self,
                                                 GPtrArray       *items);
void             ct_case_list_model_upsert    (CtCaseListModel *self,
                                               CtCaseItem      *item);
CtCaseItem      *ct_case_list_model_lookup    (CtCaseListModel *self,
                                               const char      *case_id);

G_END_DECLS

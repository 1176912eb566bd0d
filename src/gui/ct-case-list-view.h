/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-case-item.h"

G_BEGIN_DECLS

/**
 * CtCaseListKind:
 * @CT_CASE_LIST_NEEDS_ACTION: open cases with a step due, soonest (most
 *   overdue) first
 * @CT_CASE_LIST_OPEN: every open case
 * @CT_CASE_LIST_CLOSED: every closed case
 */
typedef enum
{
  CT_CASE_LIST_NEEDS_ACTION,
  CT_CASE_LIST_OPEN,
  CT_CASE_LIST_CLOSED,
} CtCaseListKind;

/**
 * CtCaseListFilter:
 * @CT_CASE_LIST_FILTER_ALL: no filter
 * @CT_CASE_LIST_FILTER_OVERDUE: only cases with an overdue step
 * @CT_CASE_LIST_FILTER_DUE_SOON: only cases with a step due within a day
 *   (overdue included)
 *
 * The state filters offered above a list of open cases.
 */
typedef enum
{
  CT_CASE_LIST_FILTER_ALL,
  CT_CASE_LIST_FILTER_OVERDUE,
  CT_CASE_LIST_FILTER_DUE_SOON,
} CtCaseListFilter;

#define CT_TYPE_CASE_LIST_VIEW (ct_case_list_view_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseListView, ct_case_list_view, CT, CASE_LIST_VIEW, AdwBin)

GtkWidget  *ct_case_list_view_new             (CtCaseListKind    kind);
void        ct_case_list_view_set_model       (CtCaseListView   *self,
                                               GListModel       *cases);
void        ct_case_list_view_set_search_text (CtCaseListView   *self,
                                               const char       *text);
void        ct_case_list_view_set_filter      (CtCaseListView   *self,
                                               CtCaseListFilter  filter);
GListModel *ct_case_list_view_get_shown       (CtCaseListView   *self);
void        ct_case_list_view_focus_search    (CtCaseListView   *self);
void        ct_case_list_view_set_now         (CtCaseListView   *self,
                                               gint64            now);

G_END_DECLS

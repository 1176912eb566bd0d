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

/**
 * CtCaseListStage:
 * @CT_CASE_LIST_STAGE_ALL: every stage
 * @CT_CASE_LIST_STAGE_TO_ESCALATE: a concern is recorded and must be escalated
 * @CT_CASE_LIST_STAGE_DECISION_DUE: escalated or seeking advice; the
 *   organisation must decide
 * @CT_CASE_LIST_STAGE_REFERRAL: concerns remain: the family is to be spoken
 *   to, a referral is to be made or confirmed in writing
 * @CT_CASE_LIST_STAGE_AWAITING_OUTCOME: referred; waiting for the local
 *   authority's decision, or challenging it
 * @CT_CASE_LIST_STAGE_AFTER_OUTCOME: the outcome is known, or the
 *   organisation is monitoring
 * @CT_CASE_LIST_STAGE_ALLEGATION: an allegation against someone who works
 *   with children
 *
 * Where open cases stand in the procedure: the procedure engine's states,
 * grouped as a safeguarding officer looks for them.
 */
typedef enum
{
  CT_CASE_LIST_STAGE_ALL,
  CT_CASE_LIST_STAGE_TO_ESCALATE,
  CT_CASE_LIST_STAGE_DECISION_DUE,
  CT_CASE_LIST_STAGE_REFERRAL,
  CT_CASE_LIST_STAGE_AWAITING_OUTCOME,
  CT_CASE_LIST_STAGE_AFTER_OUTCOME,
  CT_CASE_LIST_STAGE_ALLEGATION,
  CT_CASE_LIST_N_STAGES,
} CtCaseListStage;

#define CT_TYPE_CASE_LIST_VIEW (ct_case_list_view_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseListView, ct_case_list_view, CT, CASE_LIST_VIEW, AdwBin)

GtkWidget  *ct_case_list_view_new             (CtCaseListKind    kind);
void        ct_case_list_view_set_model       (CtCaseListView   *self,
                                               GListModel       *cases);
void        ct_case_list_view_set_search_text (CtCaseListView   *self,
                                               const char       *text);
void        ct_case_list_view_set_filter      (CtCaseListView   *self,
                                               CtCaseListFilter  filter);
void        ct_case_list_view_set_stage       (CtCaseListView   *self,
                                               CtCaseListStage   stage);
GListModel *ct_case_list_view_get_shown       (CtCaseListView   *self);
void        ct_case_list_view_focus_search    (CtCaseListView   *self);
void        ct_case_list_view_set_now         (CtCaseListView   *self,
                                               gint64            now);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-case-item.h"
#include "ct-case-service.h"
#include "ct-procedure.h"
#include "ct-record.h"
#include "ct-store.h"

G_BEGIN_DECLS

/**
 * CtCaseFile:
 * @case_record: the CASE
 * @children: (element-type CtRecord): its CHILD records
 * @concerns: (element-type CtRecord): its CONCERN records
 * @chronology: (element-type CtRecord): its CHRONOLOGY, in the order it
 *   happened (ct_case_service_sort_chronology())
 * @referrals: (element-type CtRecord): its REFERRAL records
 * @documents: (element-type CtRecord): its DOCUMENT records, oldest first
 * @people: (element-type CtRecord): its PERSON records (parents, carers and
 *   other adults), oldest first
 * @relationships: (element-type CtRecord): its RELATIONSHIP records, each
 *   linking one person to one child
 *
 * Everything the case page shows about one case.
 */
typedef struct
{
  CtRecord  *case_record;
  GPtrArray *children;
  GPtrArray *concerns;
  GPtrArray *chronology;
  GPtrArray *referrals;
  GPtrArray *documents;
  GPtrArray *people;
  GPtrArray *relationships;
} CtCaseFile;

void ct_case_file_free (CtCaseFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtCaseFile, ct_case_file_free)

#define CT_TYPE_WORKFLOW (ct_workflow_get_type ())

G_DECLARE_FINAL_TYPE (CtWorkflow, ct_workflow, CT, WORKFLOW, GObject)

CtWorkflow  *ct_workflow_new                  (CtStore             *store);
CtStore     *ct_workflow_get_store            (CtWorkflow          *self);
CtCalendar  *ct_workflow_get_calendar         (CtWorkflow          *self);
CtRecord    *ct_workflow_get_organisation     (CtWorkflow          *self);
GListModel  *ct_workflow_get_staff            (CtWorkflow          *self);
GListModel  *ct_workflow_get_current_staff    (CtWorkflow          *self);
GListModel  *ct_workflow_get_agencies         (CtWorkflow          *self);
const char  *ct_workflow_get_actor_name       (CtWorkflow          *self);
const char  *ct_workflow_get_actor_id         (CtWorkflow          *self);
gboolean     ct_workflow_set_actor_id         (CtWorkflow          *self,
                                               const char          *staff_id);
CtRecord    *ct_workflow_find_staff           (CtWorkflow          *self,
                                               const char          *staff_id);
gint64       ct_workflow_get_policy_review_due (CtWorkflow         *self);
gboolean     ct_workflow_read_case            (CtWorkflow          *self,
                                               CtRecord            *case_record,
                                               CtRecord            *child,
                                               GDateTime           *now,
                                               CtCaseReading       *out_reading,
                                               GError             **error);

void         ct_workflow_setup_async          (const char          *path,
                                               GPtrArray           *records,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CtStore     *ct_workflow_setup_finish         (GAsyncResult        *result,
                                               char               **out_recovery_code,
                                               GError             **error);

void         ct_workflow_load_async           (CtWorkflow          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray   *ct_workflow_load_finish          (CtWorkflow          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void         ct_workflow_open_and_load_async  (const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CtWorkflow  *ct_workflow_open_and_load_finish (GAsyncResult        *result,
                                               GPtrArray          **out_items,
                                               GError             **error);

void         ct_workflow_open_and_load_first_async (const char     *path,
                                               guint                n_first,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
guint        ct_workflow_open_and_load_get_n_cases (GAsyncResult   *result);

/**
 * CtWorkflowChunkFunc:
 * @items: (element-type CtCaseItem): a chunk of cases
 * @user_data: the data given with the function
 *
 * Takes a chunk of the cases read by ct_workflow_load_rest_async().
 */
typedef void (*CtWorkflowChunkFunc) (GPtrArray *items,
                                     gpointer   user_data);

void         ct_workflow_load_rest_async      (CtWorkflow          *self,
                                               GPtrArray           *shown,
                                               CtWorkflowChunkFunc  chunk_func,
                                               gpointer             chunk_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     ct_workflow_load_rest_finish     (CtWorkflow          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void         ct_workflow_record_with_records_async (CtWorkflow     *self,
                                               const char          *case_id,
                                               CtEvent              event,
                                               GHashTable          *answers,
                                               GPtrArray           *records,
                                               GDateTime           *occurred_at,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void         ct_workflow_record_async         (CtWorkflow          *self,
                                               const char          *case_id,
                                               CtEvent              event,
                                               GHashTable          *answers,
                                               GDateTime           *occurred_at,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CtCaseItem  *ct_workflow_record_finish        (CtWorkflow          *self,
                                               GAsyncResult        *result,
                                               char               **out_notice,
                                               GError             **error);

void         ct_workflow_open_case_async      (CtWorkflow          *self,
                                               const char          *case_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CtCaseFile  *ct_workflow_open_case_finish     (CtWorkflow          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void         ct_workflow_update_organisation_async  (CtWorkflow          *self,
                                                     CtRecord            *organisation,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean     ct_workflow_update_organisation_finish (CtWorkflow          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

void         ct_workflow_save_records_async   (CtWorkflow          *self,
                                               GPtrArray           *records,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     ct_workflow_save_records_finish  (CtWorkflow          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void         ct_workflow_save_directory_async  (CtWorkflow          *self,
                                               CtRecordKind         kind,
                                               CtRecord            *existing,
                                               GHashTable          *answers,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
CtRecord    *ct_workflow_save_directory_finish (CtWorkflow         *self,
                                               GAsyncResult        *result,
                                               GError             **error);

CtCaseItem  *ct_workflow_make_item            (CtWorkflow          *self,
                                               CtRecord            *case_record,
                                               GHashTable          *children_by_id);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-procedure.h"
#include "ct-store.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-case-service
 * @title: CtCaseService
 *
 * Applies the procedure (ct-procedure.h) to cases kept in a #CtStore. Each
 * accepted event is written in one transaction: the case's new state (in
 * the plaintext `state` column) and next due time, its running clocks and
 * recorded facts (encrypted fields of the case), a chronology entry, and an
 * audit entry named after the event. A refused event writes nothing.
 *
 * What the engine keeps on the CASE record, all encrypted:
 * - `clock-<name>` (int64): when each running clock started, unix
 *   microseconds; a stopped clock has no field. Names as
 *   ct_clock_kind_to_string(), e.g. `clock-written-confirmation`.
 * - `procedure-flags` (int64): the #CtCaseFlags recorded so far.
 * - `confirmation-period` (string): the referred authority's period, e.g.
 *   "24h", if it is not the organisation's default.
 * - `closed-reason` (string): the reason given when the case closed.
 *
 * - `last-step-at` (int64): when the latest procedure step happened; a
 *   step cannot be recorded as happening before it.
 *
 * Each chronology entry (CHRONOLOGY record) holds `who` (the name of the
 * member of staff who recorded it) and `staff-id`, `what`, `why`, `event`
 * (when it happened, as the person recording it said), `recorded-at`, and `procedure-event`, `from-state`,
 * `to-state`, `details` (every answer recorded, one per line), `answers`
 * (the answers themselves, by their stable ids, as an a{sv}) and `entry`
 * (the whole entry as one paragraph).
 *
 * ct_case_service_record_in_transaction() is the one place that does this
 * (ct_case_service_apply_in_transaction() is the same for callers that sign
 * with a name of their own);
 * ct_case_service_apply_sync() runs it in a transaction of its own, and a
 * caller that writes more in the same transaction (a new case with its
 * first event, several events or several cases at once) runs it in its
 * own.
 *
 * A case the application created straight into "concern-recorded" without
 * the escalation clock (the concern form does this) is read as if the clock
 * had started when the case record was created.
 */

/**
 * CtCaseReading:
 * @snapshot: the case as the engine knows it (its reference points into the
 *   CASE record read)
 * @next: what is due next and by when
 * @due: for each running clock, when it is due; %NULL otherwise
 *
 * A case as the procedure sees it, with the organisation's settings: what
 * the app's case page and `caretrail-admin show` both display. Clear with
 * ct_case_reading_clear().
 */
typedef struct
{
  CtCaseSnapshot  snapshot;
  CtNextStep     *next;
  GDateTime      *due[CT_N_CLOCKS];
} CtCaseReading;

void ct_case_reading_clear (CtCaseReading *reading);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CtCaseReading, ct_case_reading_clear)

#define CT_TYPE_CASE_SERVICE (ct_case_service_get_type ())
G_DECLARE_FINAL_TYPE (CtCaseService, ct_case_service, CT, CASE_SERVICE, GObject)

CtCaseService *ct_case_service_new            (CtStore               *store,
                                               CtCalendar            *calendar,
                                               const CtClockSettings *settings);
CtCaseService *ct_case_service_new_for_store_sync (CtStore           *store,
                                               GError               **error);
CtCaseService *ct_case_service_new_for_organisation (CtStore         *store,
                                               CtRecord              *organisation,
                                               GError               **error);
const char    *ct_case_service_get_out_of_hours (CtCaseService       *self);
GDateTime     *ct_case_service_get_policy_review_due (CtCaseService  *self);

CtCalendar    *ct_case_service_get_calendar   (CtCaseService         *self);
const CtClockSettings *ct_case_service_get_settings (CtCaseService   *self);

gboolean       ct_case_service_read_snapshot  (CtCaseService         *self,
                                               CtRecord              *case_record,
                                               CtRecord              *child,
                                               CtCaseSnapshot        *out_snapshot,
                                               GError               **error);
gboolean       ct_case_service_read_case      (CtCaseService         *self,
                                               CtRecord              *case_record,
                                               CtRecord              *child,
                                               GDateTime             *now,
                                               CtCaseReading         *out_reading,
                                               GError               **error);
void           ct_case_service_write_snapshot (CtCaseService         *self,
                                               const CtCaseSnapshot  *snapshot,
                                               CtRecord              *case_record);

CtTransition  *ct_case_service_apply_sync     (CtCaseService         *self,
                                               const char            *case_id,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               const char            *staff_id,
                                               const char            *actor,
                                               GDateTime             *at,
                                               GError               **error);

CtTransition  *ct_case_service_apply_in_transaction (CtCaseService      *self,
                                                    CtStoreTransaction *txn,
                                                    CtRecord           *case_record,
                                                    CtEvent             event,
                                                    GHashTable         *answers,
                                                    GPtrArray          *extra_records,
                                                    const char         *staff_id,
                                                    const char         *actor,
                                                    GDateTime          *at,
                                                    GError            **error);

CtRecord      *ct_case_service_find_staff     (CtStoreTransaction    *txn,
                                               const char            *staff_id,
                                               GError               **error);
CtTransition  *ct_case_service_record_in_transaction (CtCaseService    *self,
                                               CtStoreTransaction    *txn,
                                               CtRecord              *case_record,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               const char            *staff_id,
                                               GDateTime             *occurred_at,
                                               CtRecord             **out_case,
                                               GError               **error);
CtTransition  *ct_case_service_record_sync    (CtCaseService         *self,
                                               const char            *reference,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               const char            *staff_id,
                                               GDateTime             *occurred_at,
                                               CtRecord             **out_case,
                                               GError               **error);
CtTransition  *ct_case_service_record_with_records_sync (CtCaseService *self,
                                               const char            *reference,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               GPtrArray             *records,
                                               const char            *staff_id,
                                               GDateTime             *occurred_at,
                                               CtRecord             **out_case,
                                               GError               **error);
void           ct_case_service_record_async   (CtCaseService         *self,
                                               const char            *case_id,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               const char            *staff_id,
                                               GDateTime             *occurred_at,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
void           ct_case_service_record_with_records_async (CtCaseService *self,
                                               const char            *case_id,
                                               CtEvent                event,
                                               GHashTable            *answers,
                                               GPtrArray             *records,
                                               const char            *staff_id,
                                               GDateTime             *occurred_at,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
CtTransition  *ct_case_service_record_finish  (CtCaseService         *self,
                                               GAsyncResult          *result,
                                               CtRecord             **out_case,
                                               GError               **error);

void           ct_case_service_sort_chronology (GPtrArray            *chronology);
CtRecord      *ct_case_service_find_case_sync (CtCaseService         *self,
                                               const char            *reference,
                                               GError               **error);
CtNextStep    *ct_case_service_next_step_sync (CtCaseService         *self,
                                               const char            *reference,
                                               GDateTime             *now,
                                               GError               **error);
gboolean       ct_case_service_read_case_sync (CtCaseService         *self,
                                               const char            *reference,
                                               GDateTime             *now,
                                               CtRecord             **out_case,
                                               CtCaseReading         *out_reading,
                                               GError               **error);
GPtrArray     *ct_case_service_list_due_sync  (CtCaseService         *self,
                                               GDateTime             *now,
                                               gboolean               overdue_only,
                                               GError               **error);

G_END_DECLS

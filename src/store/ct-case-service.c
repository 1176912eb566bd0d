/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-service"

#include "config.h"

#include "ct-case-service.h"
#include "ct-step-records.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

struct _CtCaseService
{
  GObject          parent_instance;

  CtStore         *store;
  CtCalendar      *calendar;
  CtClockSettings  settings;
  char            *out_of_hours;
  char            *organisation_kind;
  gint64           policy_from;   /* when the policy was adopted or last reviewed, or 0 */
};

G_DEFINE_FINAL_TYPE (CtCaseService, ct_case_service, G_TYPE_OBJECT)

#define FIELD_FLAGS "procedure-flags"
#define FIELD_PERIOD "confirmation-period"
#define FIELD_LAST_STEP "last-step-at"

/* Summaries with the plaintext columns only. */

static char *
clock_field (CtClockKind clock)
{
  return g_strconcat ("clock-", ct_clock_kind_to_string (clock), NULL);
}

static void
ct_case_service_dispose (GObject *object)
{
  CtCaseService *self = (CtCaseService *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->calendar);
  g_clear_pointer (&self->out_of_hours, g_free);
  g_clear_pointer (&self->organisation_kind, g_free);

  G_OBJECT_CLASS (ct_case_service_parent_class)->dispose (object);
}

static void
ct_case_service_class_init (CtCaseServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_case_service_dispose;
}

static void
ct_case_service_init (CtCaseService *self)
{
  ct_clock_settings_init_defaults (&self->settings);
}

/**
 * ct_case_service_new:
 * @store: an open store
 * @calendar: the organisation's calendar
 * @settings: (nullable): the organisation's clock settings, or %NULL for
 *   the defaults
 *
 * Returns: (transfer full): a case service
 */
CtCaseService *
ct_case_service_new (CtStore               *store,
                     CtCalendar            *calendar,
                     const CtClockSettings *settings)
{
  CtCaseService *self;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);

  self = g_object_new (CT_TYPE_CASE_SERVICE, NULL);
  self->store = g_object_ref (store);
  self->calendar = g_object_ref (calendar);
  if (settings != NULL)
    self->settings = *settings;
  return self;
}

/* Reads a whole number of working days from an organisation setting. */
static gboolean
read_days (CtRecord    *organisation,
           const char  *field,
           guint       *out_days,
           GError     **error)
{
  gint64 days;

  if (!ct_record_has_field (organisation, field))
    return TRUE;

  days = ct_record_get_int64 (organisation, field, -1);
  if (days < 0 || days > 30)
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_PERIOD,
                   _("The organisation’s setting “%s” cannot be read, so no deadline can be worked out. Set it again in Preferences."),
                   field);
      return FALSE;
    }
  *out_days = (guint) days;
  return TRUE;
}

/**
 * ct_case_service_new_for_organisation:
 * @store: an open store
 * @organisation: (nullable): the ORGANISATION record, or %NULL if none is
 *   recorded yet
 * @error: return location for an error
 *
 * Creates a case service with the organisation's settings: its nation (for
 * bank holidays), cut-off time, the days allowed to decide and to refer
 * (Caretrail's defaults unless set), its out-of-hours route, and its kind
 * (which lawful bases for sharing the engine accepts from it). Without an
 * organisation: England and Wales, 16:00 and the defaults. A setting that
 * cannot be read is an error rather than a guess, since every deadline
 * depends on them; the app and the command line read them here alike.
 *
 * Returns: (transfer full) (nullable): a case service
 */
CtCaseService *
ct_case_service_new_for_organisation (CtStore   *store,
                                      CtRecord  *organisation,
                                      GError   **error)
{
  g_autoptr(CtCalendar) calendar = NULL;
  CtCaseService *self;
  CtClockSettings settings;
  CtNation nation = CT_NATION_ENGLAND_WALES;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (organisation == NULL || CT_IS_RECORD (organisation), NULL);

  ct_clock_settings_init_defaults (&settings);

  if (organisation != NULL)
    {
      const char *nation_text = ct_record_get_string (organisation, "nation");
      const char *cutoff_text = ct_record_get_string (organisation, "cutoff");

      if (nation_text != NULL && !ct_nation_from_string (nation_text, &nation, error))
        return NULL;
      if (cutoff_text != NULL && !ct_cutoff_parse (cutoff_text, &settings.cutoff_minutes, error))
        return NULL;
      if (!read_days (organisation, "decision-working-days", &settings.decision_working_days, error) ||
          !read_days (organisation, "referral-working-days", &settings.referral_working_days, error))
        return NULL;
    }

  calendar = ct_calendar_new (nation, error);
  if (calendar == NULL)
    return NULL;

  self = ct_case_service_new (store, calendar, &settings);
  if (organisation != NULL)
    {
      const char *reviewed = ct_record_get_string (organisation, "policy-reviewed");
      const char *adopted = ct_record_get_string (organisation, "policy-adopted");
      const char *from = reviewed != NULL ? reviewed : adopted;

      self->out_of_hours = g_strdup (ct_record_get_string (organisation, "out-of-hours"));
      /* The lawful bases for sharing the engine accepts depend on it. */
      self->organisation_kind = g_strdup (ct_record_get_string (organisation, "organisation-kind"));
      /* The policy review clock (seed 000: review the policy every year)
       * runs from its adoption or its last review. */
      if (from != NULL)
        {
          GTimeZone *tz = ct_calendar_get_timezone ();
          g_autofree char *noon = g_strconcat (from, "T12:00:00", NULL);
          g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (noon, tz);

          if (start == NULL)
            {
              g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME,
                           _("The date the safeguarding policy was adopted or reviewed (“%s”) cannot be read. Set it again in Preferences."),
                           from);
              g_object_unref (self);
              return NULL;
            }
          self->policy_from = g_date_time_to_unix (start) * G_USEC_PER_SEC;
        }
    }
  return self;
}

/**
 * ct_case_service_new_for_store_sync:
 * @store: an open store
 * @error: return location for an error
 *
 * Creates a case service with the settings of the organisation recorded in
 * @store, read by ct_case_service_new_for_organisation().
 *
 * Returns: (transfer full) (nullable): a case service
 */
CtCaseService *
ct_case_service_new_for_store_sync (CtStore  *store,
                                    GError  **error)
{
  g_autoptr(GPtrArray) organisations = NULL;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);

  organisations = ct_store_list_sync (store, CT_RECORD_KIND_ORGANISATION, NULL, error);
  if (organisations == NULL)
    return NULL;

  return ct_case_service_new_for_organisation (store,
                                               organisations->len > 0 ? g_ptr_array_index (organisations, 0) : NULL,
                                               error);
}

/**
 * ct_case_service_get_policy_review_due:
 * @self: a case service
 *
 * Returns: (transfer full) (nullable): when the organisation's safeguarding
 *   policy is due for review (yearly from its adoption or last review), or
 *   %NULL if no date is recorded
 */
GDateTime *
ct_case_service_get_policy_review_due (CtCaseService *self)
{
  g_autoptr(GDateTime) start = NULL;

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);

  if (self->policy_from <= 0)
    return NULL;
  start = g_date_time_new_from_unix_utc (self->policy_from / G_USEC_PER_SEC);
  return ct_clock_due (self->calendar, &self->settings, CT_CLOCK_POLICY_REVIEW, start, NULL);
}

/**
 * ct_case_service_get_out_of_hours:
 * @self: a case service
 *
 * Returns: (nullable): the organisation's out-of-hours route
 */
const char *
ct_case_service_get_out_of_hours (CtCaseService *self)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  return self->out_of_hours;
}

/**
 * ct_case_service_get_calendar:
 * @self: a case service
 *
 * Returns: (transfer none): the organisation's calendar
 */
CtCalendar *
ct_case_service_get_calendar (CtCaseService *self)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  return self->calendar;
}

/**
 * ct_case_service_get_settings:
 * @self: a case service
 *
 * Returns: the organisation's clock settings
 */
const CtClockSettings *
ct_case_service_get_settings (CtCaseService *self)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  return &self->settings;
}

/**
 * ct_case_service_read_snapshot:
 * @self: a case service
 * @case_record: a CASE record
 * @child: (nullable): the case's child, for the date of birth
 * @out_snapshot: (out caller-allocates): the snapshot
 * @error: return location for an error
 *
 * Reads what the engine needs from a stored case. The snapshot's
 * reference points into @case_record.
 *
 * Returns: %TRUE on success; %FALSE if the state or a stored period cannot
 *   be read
 */
gboolean
ct_case_service_read_snapshot (CtCaseService  *self,
                               CtRecord       *case_record,
                               CtRecord       *child,
                               CtCaseSnapshot *out_snapshot,
                               GError        **error)
{
  const char *state = ct_record_get_state (case_record);
  const char *period = ct_record_get_string (case_record, FIELD_PERIOD);
  const char *dob = child != NULL ? ct_record_get_string (child, "date-of-birth") : NULL;

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), FALSE);
  g_return_val_if_fail (CT_IS_RECORD (case_record), FALSE);
  g_return_val_if_fail (out_snapshot != NULL, FALSE);

  ct_case_snapshot_init (out_snapshot);
  out_snapshot->reference = ct_record_get_reference (case_record);
  out_snapshot->settings = self->settings;

  if (state != NULL && !ct_state_from_string (state, &out_snapshot->state, error))
    return FALSE;
  if (period != NULL && !ct_period_parse (period, &out_snapshot->settings.confirmation_period, error))
    return FALSE;

  out_snapshot->flags = (CtCaseFlags) ct_record_get_int64 (case_record, FIELD_FLAGS, 0);
  out_snapshot->last_step_at = ct_record_get_int64 (case_record, FIELD_LAST_STEP, 0);

  for (guint c = 0; c < CT_N_CLOCKS; c++)
    {
      g_autofree char *field = clock_field ((CtClockKind) c);

      if (ct_record_has_field (case_record, field))
        {
          out_snapshot->clocks[c].running = TRUE;
          out_snapshot->clocks[c].started_at = ct_record_get_int64 (case_record, field, 0);
          /* A clock whose start cannot be read fails safe: it is an error,
           * not a deadline in 1970 or no deadline at all. */
          if (out_snapshot->clocks[c].started_at <= 0)
            {
              g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME,
                           _("When the clock “%s” of case %s started cannot be read, so its deadline cannot be worked out. Restore the database from a backup."),
                           ct_clock_kind_to_string ((CtClockKind) c),
                           out_snapshot->reference ? out_snapshot->reference : "");
              return FALSE;
            }
        }
    }

  /* The concern form creates cases straight into "concern-recorded". */
  if (out_snapshot->state == CT_STATE_CONCERN_RECORDED &&
      !ct_record_has_field (case_record, "clock-escalation") &&
      ct_record_get_created_at (case_record) > 0)
    {
      out_snapshot->clocks[CT_CLOCK_ESCALATION].running = TRUE;
      out_snapshot->clocks[CT_CLOCK_ESCALATION].started_at = ct_record_get_created_at (case_record);
    }

  /* An unreadable date of birth counts as unknown: the retention review
   * then runs from the closing date, which never comes earlier. */
  if (dob != NULL && strlen (dob) == 10 && dob[4] == '-' && dob[7] == '-')
    {
      guint y = (guint) g_ascii_strtoull (dob, NULL, 10);
      guint m = (guint) g_ascii_strtoull (dob + 5, NULL, 10);
      guint d = (guint) g_ascii_strtoull (dob + 8, NULL, 10);

      if (g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
        g_date_set_dmy (&out_snapshot->child_birth, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
    }

  return TRUE;
}

/**
 * ct_case_reading_clear:
 * @reading: a reading filled by ct_case_service_read_case()
 *
 * Frees what @reading holds; it can be filled again.
 */
void
ct_case_reading_clear (CtCaseReading *reading)
{
  g_return_if_fail (reading != NULL);

  g_clear_pointer (&reading->next, ct_next_step_free);
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    g_clear_pointer (&reading->due[c], g_date_time_unref);
}

/**
 * ct_case_service_read_case:
 * @self: a case service
 * @case_record: a CASE record
 * @child: (nullable): the case's first child, for the date of birth
 * @now: the time to judge lateness by
 * @out_reading: (out caller-allocates): the case as the procedure sees it
 * @error: return location for an error
 *
 * Reads a case as the procedure sees it: its snapshot (failing safe, as
 * ct_case_service_read_snapshot() does), what is due next, and when each
 * running clock is due, all with the organisation's settings. The one
 * reader the app and the command line show a case's deadlines from.
 *
 * Returns: %TRUE on success; on failure @out_reading holds nothing
 */
gboolean
ct_case_service_read_case (CtCaseService  *self,
                           CtRecord       *case_record,
                           CtRecord       *child,
                           GDateTime      *now,
                           CtCaseReading  *out_reading,
                           GError        **error)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (out_reading != NULL, FALSE);

  memset (out_reading, 0, sizeof *out_reading);
  if (!ct_case_service_read_snapshot (self, case_record, child, &out_reading->snapshot, error))
    return FALSE;

  out_reading->next = ct_procedure_next_step (self->calendar, &out_reading->snapshot, now);
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    out_reading->due[c] = ct_case_snapshot_get_due (&out_reading->snapshot, self->calendar, (CtClockKind) c);
  return TRUE;
}

/**
 * ct_case_service_write_snapshot:
 * @self: a case service
 * @snapshot: the case as the engine left it
 * @case_record: the CASE record to update (not saved)
 *
 * Copies the state, recorded facts, running clocks, the authority's
 * confirmation period and the next due time (that of the next step, as
 * ct_procedure_next_step() gives it) into @case_record.
 */
void
ct_case_service_write_snapshot (CtCaseService        *self,
                                const CtCaseSnapshot *snapshot,
                                CtRecord             *case_record)
{
  gint64 next_due = 0;
  g_autofree char *period = NULL;
  g_autofree char *default_period = NULL;
  g_autoptr(GDateTime) epoch = NULL;
  g_autoptr(CtNextStep) step = NULL;

  g_return_if_fail (CT_IS_CASE_SERVICE (self));
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (CT_IS_RECORD (case_record));

  ct_record_set_state (case_record, ct_state_to_string (snapshot->state));
  ct_record_set_int64 (case_record, FIELD_FLAGS, (gint64) snapshot->flags);
  if (snapshot->last_step_at > 0)
    ct_record_set_int64 (case_record, FIELD_LAST_STEP, snapshot->last_step_at);

  for (guint c = 0; c < CT_N_CLOCKS; c++)
    {
      g_autofree char *field = clock_field ((CtClockKind) c);

      if (snapshot->clocks[c].running)
        ct_record_set_int64 (case_record, field, snapshot->clocks[c].started_at);
      else if (ct_record_has_field (case_record, field))
        {
          ct_record_remove_field (case_record, field);
        }
    }

  period = ct_period_to_string (&snapshot->settings.confirmation_period);
  default_period = ct_period_to_string (&self->settings.confirmation_period);
  if (g_strcmp0 (period, default_period) != 0)
    ct_record_set_string (case_record, FIELD_PERIOD, period);
  else if (ct_record_has_field (case_record, FIELD_PERIOD))
    ct_record_remove_field (case_record, FIELD_PERIOD);

  /* The next due time is that of the next step, as ct_procedure_next_step()
   * (and so `caretrail-admin next`) gives it: not always the earliest
   * clock, since while written confirmation is due that is the
   * organisation's own next step. Lateness does not matter here. */
  epoch = g_date_time_new_from_unix_utc (0);
  step = ct_procedure_next_step (self->calendar, snapshot, epoch);
  if (step != NULL && step->has_due && step->due != NULL)
    next_due = g_date_time_to_unix (step->due) * G_USEC_PER_SEC;

  ct_record_set_due_at (case_record, next_due);
}

/* The case's first child, or NULL; only a real failure is an error. A
 * child among @extra_records (made by the same step) is used as it is. */
static gboolean
get_child (CtStoreTransaction  *txn,
           CtRecord            *case_record,
           GPtrArray           *extra_records,
           CtRecord           **out_child,
           GError             **error)
{
  const char * const *child_ids = ct_record_get_strv (case_record, "child-ids");
  g_autoptr(GError) local_error = NULL;

  *out_child = NULL;
  if (child_ids == NULL || child_ids[0] == NULL)
    return TRUE;

  for (guint i = 0; extra_records != NULL && i < extra_records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (extra_records, i);

      if (ct_record_get_kind (record) == CT_RECORD_KIND_CHILD &&
          g_strcmp0 (ct_record_get_id (record), child_ids[0]) == 0)
        {
          *out_child = g_object_ref (record);
          return TRUE;
        }
    }

  *out_child = ct_store_transaction_get (txn, CT_RECORD_KIND_CHILD, child_ids[0], &local_error);
  if (*out_child == NULL && !g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* A referral naming an agency from the directory takes that agency's name
 * and written-confirmation period unless the answers give them. */
static gboolean
add_agency_answers (CtStoreTransaction  *txn,
                    CtEvent              event,
                    GHashTable          *answers,
                    GError             **error)
{
  GVariant *id;
  g_autoptr(CtRecord) agency = NULL;
  const char *name, *period;

  if (event != CT_EVENT_REFERRAL_MADE && event != CT_EVENT_IMMEDIATE_RISK_REFERRAL)
    return TRUE;

  id = g_hash_table_lookup (answers, "agency-id");
  if (id != NULL && g_variant_is_of_type (id, G_VARIANT_TYPE_STRING))
    {
      agency = ct_store_transaction_get (txn, CT_RECORD_KIND_AGENCY, g_variant_get_string (id, NULL), error);
      if (agency == NULL)
        return FALSE;
    }
  else
    {
      /* An agency named as it is in the directory is that agency. */
      GVariant *named = g_hash_table_lookup (answers, "agency");
      g_autoptr(GPtrArray) agencies = NULL;

      if (named == NULL || !g_variant_is_of_type (named, G_VARIANT_TYPE_STRING))
        return TRUE;
      agencies = ct_store_transaction_list (txn, CT_RECORD_KIND_AGENCY, NULL, error);
      if (agencies == NULL)
        return FALSE;
      for (guint i = 0; i < agencies->len && agency == NULL; i++)
        if (g_strcmp0 (ct_record_get_string (g_ptr_array_index (agencies, i), "name"),
                       g_variant_get_string (named, NULL)) == 0)
          agency = g_object_ref (g_ptr_array_index (agencies, i));
      if (agency == NULL)
        return TRUE;
      ct_answers_set_text (answers, "agency-id", ct_record_get_id (agency));
    }

  name = ct_record_get_string (agency, "name");
  period = ct_record_get_string (agency, "confirmation-period");
  if (name != NULL && !g_hash_table_contains (answers, "agency"))
    ct_answers_set_text (answers, "agency", name);
  if (period != NULL && !g_hash_table_contains (answers, "confirmation-period"))
    ct_answers_set_text (answers, "confirmation-period", period);
  return TRUE;
}

/* Runs the procedure on the case as stored in @case_record. The child's date
 * of birth only matters to the retention review, so the child is read only
 * when that clock runs before or after the event. */
static CtTransition *
run_procedure (CtCaseService       *self,
               CtStoreTransaction  *txn,
               CtRecord            *case_record,
               gboolean             is_new,
               CtEvent              event,
               GHashTable          *answers,
               GPtrArray           *extra_records,
               const CtStepContext *context,
               GError             **error)
{
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(CtTransition) t = NULL;
  gboolean have_child = FALSE;
  CtCaseSnapshot snapshot;

  if (ct_record_has_field (case_record, "clock-retention-review"))
    {
      if (!get_child (txn, case_record, extra_records, &child, error))
        return NULL;
      have_child = TRUE;
    }

  if (!ct_case_service_read_snapshot (self, case_record, child, &snapshot, error))
    return NULL;
  if (is_new)
    snapshot.state = CT_STATE_NEW;

  t = ct_procedure_record (self->calendar, &snapshot, event, answers, context, error);
  if (t == NULL || have_child || !t->snapshot.clocks[CT_CLOCK_RETENTION_REVIEW].running)
    return g_steal_pointer (&t);

  /* The retention review has just started: work it out again from the
   * child's date of birth, if there is a child. */
  if (!get_child (txn, case_record, extra_records, &child, error))
    return NULL;
  if (child == NULL)
    return g_steal_pointer (&t);

  g_clear_pointer (&t, ct_transition_free);
  if (!ct_case_service_read_snapshot (self, case_record, child, &snapshot, error))
    return NULL;
  if (is_new)
    snapshot.state = CT_STATE_NEW;
  return ct_procedure_record (self->calendar, &snapshot, event, answers, context, error);
}

/* Writes one accepted step: the case, the records the caller and the step
 * made, the chronology entry and the audit entry. */
static CtTransition *
store_step (CtCaseService        *self,
            CtStoreTransaction   *txn,
            CtRecord             *case_record,
            CtEvent               event,
            GHashTable           *answers,
            GPtrArray            *extra_records,
            CtStepContext        *context,
            GError              **error)
{
  g_autoptr(CtRecord) chronology = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(GHashTable) all_answers = ct_answers_new ();
  const char *case_id;
  gboolean is_new;

  is_new = ct_record_get_version (case_record) == 0;
  if (is_new && ct_record_get_state (case_record) != NULL &&
      g_strcmp0 (ct_record_get_state (case_record), ct_state_to_string (CT_STATE_NEW)) != 0)
    {
      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                   _("A new case must start in the state “new”, not “%s”. Record its first event instead of setting its state."),
                   ct_record_get_state (case_record));
      return NULL;
    }

  if (answers != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, answers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_replace (all_answers, g_strdup (key), g_variant_ref (value));
    }

  if (!add_agency_answers (txn, event, all_answers, error))
    return NULL;

  context->case_id = ct_record_get_id (case_record);
  if (context->out_of_hours == NULL)
    context->out_of_hours = self->out_of_hours;

  t = run_procedure (self, txn, case_record, is_new, event, all_answers, extra_records, context, error);
  if (t == NULL)
    return NULL;

  if (is_new)
    ct_step_records_fill_case (case_record, t, all_answers);
  ct_case_service_write_snapshot (self, &t->snapshot, case_record);
  if (ct_state_is_closed (t->to) && !ct_state_is_closed (t->from) && t->why != NULL)
    ct_record_set_string (case_record, "closed-reason", t->why);
  if (is_new)
    {
      if (!ct_store_transaction_insert (txn, context->staff_id, case_record, error))
        return NULL;
    }
  else if (!ct_store_transaction_update (txn, context->staff_id, case_record, error))
    return NULL;
  case_id = ct_record_get_id (case_record);

  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *records = pass == 0 ? t->records : extra_records;

      for (guint i = 0; records != NULL && i < records->len; i++)
        {
          CtRecord *record = g_ptr_array_index (records, i);

          if (ct_record_get_version (record) == 0)
            {
              if (ct_record_get_case_id (record) == NULL &&
                  ct_record_get_kind (record) != CT_RECORD_KIND_CHILD)
                ct_record_set_case_id (record, case_id);
              if (!ct_store_transaction_insert (txn, context->staff_id, record, error))
                return NULL;
            }
          else if (!ct_store_transaction_update (txn, context->staff_id, record, error))
            return NULL;
        }
    }

  chronology = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  ct_record_set_case_id (chronology, case_id);
  ct_record_set_string (chronology, "who", t->actor);
  if (t->actor_id != NULL)
    ct_record_set_string (chronology, "staff-id", t->actor_id);
  ct_record_set_string (chronology, "what", t->what);
  if (t->why != NULL)
    ct_record_set_string (chronology, "why", t->why);
  ct_record_set_int64 (chronology, "event", g_date_time_to_unix (t->at) * G_USEC_PER_SEC);
  ct_record_set_int64 (chronology, "recorded-at", g_date_time_to_unix (t->recorded_at) * G_USEC_PER_SEC);
  ct_record_set_string (chronology, "procedure-event", ct_event_to_string (t->event));
  ct_record_set_string (chronology, "from-state", ct_state_to_string (t->from));
  ct_record_set_string (chronology, "to-state", ct_state_to_string (t->to));
  ct_record_set_string (chronology, "details", t->details);
  ct_record_set_answers (chronology, "answers", ct_answers_to_variant (all_answers));
  ct_record_set_int64 (chronology, "wording", t->wording);
  ct_record_set_string (chronology, "entry", t->entry);
  if (t->event == CT_EVENT_CORRECTION)
    {
      GVariant *corrects = g_hash_table_lookup (all_answers, "corrects");

      if (corrects != NULL && g_variant_is_of_type (corrects, G_VARIANT_TYPE_STRING))
        ct_record_set_string (chronology, "corrects", g_variant_get_string (corrects, NULL));
    }
  if (!ct_store_transaction_insert (txn, context->staff_id, chronology, error))
    return NULL;

  if (!ct_store_transaction_append_audit (txn, context->staff_id, ct_event_to_string (t->event),
                                          case_id, error))
    return NULL;

  /* The snapshot's reference pointed into the record as first read. */
  t->snapshot.reference = g_intern_string (ct_record_get_reference (case_record));
  return g_steal_pointer (&t);
}

/**
 * ct_case_service_apply_in_transaction:
 * @self: a case service
 * @txn: the caller's transaction
 * @case_record: the CASE record, as read in @txn, or a new one never saved
 *   (version 0, state "new" or unset) which is inserted; updated in place
 * @event: what happened
 * @answers: (nullable): its answers (see ct-procedure.h); for a referral,
 *   "agency-id" may name an AGENCY record whose name and confirmation
 *   period are used unless given. Not changed.
 * @extra_records: (nullable) (element-type CtRecord): records besides those
 *   the step itself makes (version 0: inserted, with the case's id if they
 *   have none and are not a CHILD; otherwise saved as a correction)
 * @staff_id: the member of staff recording it, for the audit log
 * @actor: their name as the chronology shows it
 * @at: when it happened (and when it is recorded)
 * @error: return location for a #CT_PROCEDURE_ERROR or #CT_STORE_ERROR
 *
 * The step written as ct_case_service_record_in_transaction() writes it,
 * for callers that name the actor themselves (the sample data, tests).
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_apply_in_transaction (CtCaseService       *self,
                                      CtStoreTransaction  *txn,
                                      CtRecord            *case_record,
                                      CtEvent              event,
                                      GHashTable          *answers,
                                      GPtrArray           *extra_records,
                                      const char          *staff_id,
                                      const char          *actor,
                                      GDateTime           *at,
                                      GError             **error)
{
  CtStepContext context = { NULL, };

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  g_return_val_if_fail (txn != NULL, NULL);
  g_return_val_if_fail (CT_IS_RECORD (case_record), NULL);
  g_return_val_if_fail (ct_record_get_kind (case_record) == CT_RECORD_KIND_CASE, NULL);
  g_return_val_if_fail (staff_id != NULL, NULL);
  g_return_val_if_fail (at != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context.staff_id = staff_id;
  context.staff_name = actor;
  context.occurred_at = at;
  context.recorded_at = at;
  context.organisation_kind = self->organisation_kind;
  return store_step (self, txn, case_record, event, answers, extra_records, &context, error);
}

/* The next reference in the year of @now: CT-YYYY-NNNN, one more than the
 * highest of that year. Only that highest one is looked up, in the index
 * of references; no case is decrypted and no other year is read. */
static char *
next_reference (CtStoreTransaction  *txn,
                GDateTime           *now,
                GError             **error)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, ct_calendar_get_timezone ());
  int year = g_date_time_get_year (local);
  g_autofree char *prefix = g_strdup_printf ("CT-%d-", year);
  g_autofree char *last_reference = NULL;
  guint64 last = 0;

  if (!ct_store_transaction_last_reference (txn, prefix, &last_reference, error))
    return NULL;

  if (last_reference != NULL &&
      !g_ascii_string_to_unsigned (last_reference + strlen (prefix), 10, 0, G_MAXUINT - 1, &last, NULL))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("The case reference “%s” is too high to number the next case after it."),
                   last_reference);
      return NULL;
    }

  return g_strdup_printf ("CT-%d-%04u", year, (guint) last + 1);
}

/* The case's latest record of @kind that @accept takes, or NULL. */
static CtRecord *
find_latest (CtStoreTransaction  *txn,
             CtRecordKind         kind,
             const char          *case_id,
             gboolean           (*accept) (CtRecord *),
             GError             **error)
{
  g_autoptr(GPtrArray) records = ct_store_transaction_list (txn, kind, case_id, error);
  CtRecord *latest = NULL;

  if (records == NULL)
    return NULL;

  for (guint i = 0; i < records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (records, i);

      if ((accept == NULL || accept (record)) &&
          (latest == NULL || ct_record_get_created_at (record) >= ct_record_get_created_at (latest)))
        latest = record;
    }

  return latest != NULL ? g_object_ref (latest) : NULL;
}

/* The concern the referral letter describes: the first one raised. */
static CtRecord *
find_first_concern (CtStoreTransaction  *txn,
                    const char          *case_id,
                    GError             **error)
{
  g_autoptr(GPtrArray) concerns = ct_store_transaction_list (txn, CT_RECORD_KIND_CONCERN, case_id,
                                                             error);
  CtRecord *first = NULL;

  if (concerns == NULL)
    return NULL;
  for (guint i = 0; i < concerns->len; i++)
    {
      CtRecord *concern = g_ptr_array_index (concerns, i);

      if (first == NULL ||
          ct_record_get_int64 (concern, "raised-at", ct_record_get_created_at (concern)) <
          ct_record_get_int64 (first, "raised-at", ct_record_get_created_at (first)))
        first = concern;
    }
  return first != NULL ? g_object_ref (first) : NULL;
}

static gboolean
is_unsent_confirmation (CtRecord *document)
{
  /* The pack holds the same letter, so sending it confirms the referral. */
  return (g_strcmp0 (ct_record_get_string (document, "kind"), "referral-confirmation") == 0 ||
          g_strcmp0 (ct_record_get_string (document, "kind"), "referral-pack") == 0) &&
         ct_record_get_int64 (document, "sent-at", 0) == 0;
}

/**
 * ct_case_service_find_staff:
 * @txn: a transaction
 * @staff_id: a STAFF record's id
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the member of staff, or %NULL with a
 *   %CT_STORE_ERROR_NOT_FOUND error that says how to find the right id
 */
CtRecord *
ct_case_service_find_staff (CtStoreTransaction  *txn,
                            const char          *staff_id,
                            GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  CtRecord *staff;

  if (staff_id == NULL || staff_id[0] == '\0')
    {
      g_set_error_literal (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                           _("Say who is recording this: every entry names the member of staff who made it."));
      return NULL;
    }

  staff = ct_store_transaction_get (txn, CT_RECORD_KIND_STAFF, staff_id, &local_error);
  if (staff == NULL && g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                   _("No member of staff has the id “%s”. Run “caretrail-admin staff” to list them."),
                   staff_id);
      return NULL;
    }
  if (staff == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return staff;
}

static CtTransition *record_step_in_transaction (CtCaseService       *self,
                                                 CtStoreTransaction  *txn,
                                                 CtRecord            *case_record,
                                                 CtEvent              event,
                                                 GHashTable          *answers,
                                                 GPtrArray           *extra_records,
                                                 const char          *staff_id,
                                                 GDateTime           *occurred_at,
                                                 CtRecord           **out_case,
                                                 GError             **error);

static gboolean
has_confirmation_copy (GPtrArray *records)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (records, i);

      if (ct_record_get_kind (record) == CT_RECORD_KIND_DOCUMENT &&
          g_strcmp0 (ct_record_get_string (record, "kind"), "confirmation-copy") == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * ct_case_service_record_in_transaction:
 * @self: a case service
 * @txn: the caller's transaction
 * @case_record: (nullable): the CASE as read in @txn (updated in place); a
 *   new CASE never stored (version 0) that already has its reference, such
 *   as the sample data's; or %NULL to open a new case with the year's next
 *   reference
 * @event: what happened: for a new case, "concern-recorded" or
 *   "allegation-reported"
 * @answers: (nullable): its answers, as ct_step_form_get() lists them
 * @staff_id: the id of the member of staff recording it (a STAFF record)
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @out_case: (out) (optional) (transfer full): the case as it now stands
 * @error: return location for a #CT_PROCEDURE_ERROR or #CT_STORE_ERROR
 *
 * THE way a step is recorded, for the app, the command line and the sample
 * data alike: the engine decides (ct_procedure_record()) and this writes
 * everything it returns in @txn: the case's state, clocks and next due
 * time, the records the step makes (the concern and a new child, a
 * referral, a decision, a new version of the allegation, the confirmation
 * letter marked as sent, …), the chronology entry signed by the member of
 * staff, and the audit entry. A new case gets the next reference of the
 * year. A refused step writes nothing.
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_record_in_transaction (CtCaseService       *self,
                                       CtStoreTransaction  *txn,
                                       CtRecord            *case_record,
                                       CtEvent              event,
                                       GHashTable          *answers,
                                       const char          *staff_id,
                                       GDateTime           *occurred_at,
                                       CtRecord           **out_case,
                                       GError             **error)
{
  return record_step_in_transaction (self, txn, case_record, event, answers, NULL, staff_id,
                                     occurred_at, out_case, error);
}

/* ct_case_service_record_in_transaction(), with records of the caller's
 * (a kept copy of the written confirmation, say) written with the step. */
static CtTransition *
record_step_in_transaction (CtCaseService       *self,
                            CtStoreTransaction  *txn,
                            CtRecord            *case_record,
                            CtEvent              event,
                            GHashTable          *answers,
                            GPtrArray           *extra_records,
                            const char          *staff_id,
                            GDateTime           *occurred_at,
                            CtRecord           **out_case,
                            GError             **error)
{
  g_autoptr(CtRecord) staff = NULL;
  g_autoptr(CtRecord) allegation = NULL;
  g_autoptr(CtRecord) letter = NULL;
  g_autoptr(CtRecord) referral = NULL;
  g_autoptr(CtRecord) concern = NULL;
  g_autoptr(CtRecord) new_case = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) local_error = NULL;
  CtStepContext context = { NULL, };
  CtTransition *t;

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  g_return_val_if_fail (txn != NULL, NULL);
  g_return_val_if_fail (case_record == NULL || CT_IS_RECORD (case_record), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  staff = ct_case_service_find_staff (txn, staff_id, error);
  if (staff == NULL)
    return NULL;

  if (case_record == NULL)
    {
      g_autofree char *reference = NULL;

      if (event != CT_EVENT_CONCERN_RECORDED && event != CT_EVENT_ALLEGATION_REPORTED)
        {
          g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                       _("A new case opens with a concern (concern-recorded) or an allegation against a worker (allegation-reported), not with “%s”."),
                       ct_event_to_string (event));
          return NULL;
        }
      reference = next_reference (txn, now, error);
      if (reference == NULL)
        return NULL;
      new_case = ct_record_new (CT_RECORD_KIND_CASE);
      ct_record_set_reference (new_case, reference);
      case_record = new_case;
    }
  else if (ct_record_get_version (case_record) > 0)
    {
      if (event == CT_EVENT_ALLEGATION_CLASSIFIED || event == CT_EVENT_LADO_INFORMED ||
          event == CT_EVENT_REGULATED_ACTIVITY_DECIDED || event == CT_EVENT_DBS_REFERRAL_DECIDED ||
          event == CT_EVENT_ALLEGATION_CONCLUDED)
        {
          allegation = find_latest (txn, CT_RECORD_KIND_ALLEGATION, ct_record_get_id (case_record),
                                    NULL, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
      /* Details are added to the referral the letter confirms: the latest. */
      if (event == CT_EVENT_REFERRAL_DETAILS_ADDED)
        {
          referral = find_latest (txn, CT_RECORD_KIND_REFERRAL, ct_record_get_id (case_record),
                                  NULL, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (referral == NULL)
            {
              g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                                   _("No referral has been recorded in this case, so there is nothing "
                                     "to add details to. Record the referral first."));
              return NULL;
            }
          /* What the organisation has done so far is kept with the concern. */
          concern = find_first_concern (txn, ct_record_get_id (case_record), &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (concern == NULL && answers != NULL &&
              g_hash_table_contains (answers, "actions-taken"))
            {
              g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                                   _("No concern has been recorded in this case, so what the "
                                     "organisation has done cannot be kept with it."));
              return NULL;
            }
        }
      /* A referral confirmed with a copy of something else kept (the
       * authority's own form, say) leaves Caretrail's letter unsent. */
      if (event == CT_EVENT_CONFIRMATION_SENT && !has_confirmation_copy (extra_records))
        {
          letter = find_latest (txn, CT_RECORD_KIND_DOCUMENT, ct_record_get_id (case_record),
                                is_unsent_confirmation, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          /* A letter kept as a draft lacks details the local authority
           * needs: it is never recorded as sent. */
          if (letter != NULL && ct_record_get_boolean (letter, "draft", FALSE))
            {
              g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                           _("The confirmation letter is a draft: details the local authority "
                             "needs are missing. Fill in or explain each one, produce the "
                             "letter again, and then mark it as sent."));
              return NULL;
            }
        }
    }

  context.staff_id = ct_record_get_id (staff);
  context.staff_name = ct_record_get_string (staff, "name");
  context.occurred_at = occurred_at != NULL ? occurred_at : now;
  context.recorded_at = now;
  context.allegation = allegation;
  context.pending_letter = letter;
  context.referral = referral;
  context.concern = concern;
  context.organisation_kind = self->organisation_kind;

  t = store_step (self, txn, case_record, event, answers, extra_records, &context, error);
  if (t != NULL && out_case != NULL)
    *out_case = g_object_ref (case_record);
  return t;
}

typedef struct
{
  CtCaseService *self;
  char          *case_id;
  char          *reference;
  CtEvent        event;
  GHashTable    *answers;
  char          *staff_id;
  GDateTime     *occurred_at;
  GPtrArray     *extra_records;
  CtTransition  *result;
  CtRecord      *case_out;
} RecordData;

static void
record_data_free (RecordData *data)
{
  g_clear_object (&data->self);
  g_free (data->case_id);
  g_free (data->reference);
  g_clear_pointer (&data->answers, g_hash_table_unref);
  g_free (data->staff_id);
  g_clear_pointer (&data->occurred_at, g_date_time_unref);
  g_clear_pointer (&data->extra_records, g_ptr_array_unref);
  g_clear_pointer (&data->result, ct_transition_free);
  g_clear_object (&data->case_out);
  g_free (data);
}

static gboolean
record_in_transaction (CtStoreTransaction  *txn,
                       gpointer             user_data,
                       GError             **error)
{
  RecordData *data = user_data;
  g_autoptr(CtRecord) case_record = NULL;

  g_clear_pointer (&data->result, ct_transition_free);
  g_clear_object (&data->case_out);

  if (data->case_id != NULL)
    {
      case_record = ct_store_transaction_get (txn, CT_RECORD_KIND_CASE, data->case_id, error);
      if (case_record == NULL)
        return FALSE;
    }
  else if (data->reference != NULL)
    {
      /* Through the index of references: no other case is decrypted. */
      case_record = ct_store_transaction_find_case (txn, data->reference, error);
      if (case_record == NULL)
        return FALSE;
    }

  data->result = record_step_in_transaction (data->self, txn, case_record, data->event,
                                             data->answers, data->extra_records, data->staff_id,
                                             data->occurred_at, &data->case_out, error);
  return data->result != NULL;
}

static RecordData *
record_data_new (CtCaseService *self,
                 const char    *case_id,
                 const char    *reference,
                 CtEvent        event,
                 GHashTable    *answers,
                 const char    *staff_id,
                 GDateTime     *occurred_at)
{
  RecordData *data = g_new0 (RecordData, 1);

  data->self = g_object_ref (self);
  data->case_id = g_strdup (case_id);
  data->reference = g_strdup (reference);
  data->event = event;
  data->answers = answers != NULL ? g_hash_table_ref (answers) : ct_answers_new ();
  data->staff_id = g_strdup (staff_id);
  data->occurred_at = occurred_at != NULL ? g_date_time_ref (occurred_at) : NULL;
  return data;
}

/* Runs one step, with @extra_records (nullable) written in the same
 * transaction: the body of both synchronous recorders. */
static CtTransition *
record_in_store (CtCaseService  *self,
                 const char     *reference,
                 CtEvent         event,
                 GHashTable     *answers,
                 GPtrArray      *extra_records,
                 const char     *staff_id,
                 GDateTime      *occurred_at,
                 CtRecord      **out_case,
                 GError        **error)
{
  RecordData *data = record_data_new (self, NULL, reference, event, answers, staff_id,
                                      occurred_at);
  CtTransition *t = NULL;

  if (extra_records != NULL)
    data->extra_records = g_ptr_array_ref (extra_records);
  if (ct_store_run_transaction_sync (self->store, record_in_transaction, data, error))
    {
      t = g_steal_pointer (&data->result);
      if (out_case != NULL)
        *out_case = g_steal_pointer (&data->case_out);
    }
  record_data_free (data);
  return t;
}

/**
 * ct_case_service_record_sync:
 * @self: a case service
 * @reference: (nullable): the case's reference, or %NULL to open a new case
 * @event: what happened
 * @answers: (nullable): its answers
 * @staff_id: who is recording it
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @out_case: (out) (optional) (transfer full): the case as it now stands
 * @error: return location for an error
 *
 * ct_case_service_record_in_transaction() in a transaction of its own.
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_record_sync (CtCaseService  *self,
                             const char     *reference,
                             CtEvent         event,
                             GHashTable     *answers,
                             const char     *staff_id,
                             GDateTime      *occurred_at,
                             CtRecord      **out_case,
                             GError        **error)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);

  return record_in_store (self, reference, event, answers, NULL, staff_id, occurred_at,
                          out_case, error);
}

/**
 * ct_case_service_record_with_records_sync:
 * @self: a case service
 * @reference: the case's reference
 * @event: what happened
 * @answers: (nullable): its answers
 * @records: (element-type CtRecord): new records of the caller's, written
 *   with the step in the same transaction (they are given the case's id)
 * @staff_id: who is recording it
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @out_case: (out) (optional) (transfer full): the case as it now stands
 * @error: return location for an error
 *
 * ct_case_service_record_sync(), keeping @records with the step: all of
 * them are written, or none. A DOCUMENT record of kind "confirmation-copy"
 * with "confirmation-sent" is the copy of what confirmed the referral, and
 * Caretrail's own letter, if one is waiting, stays unsent.
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_record_with_records_sync (CtCaseService  *self,
                                          const char     *reference,
                                          CtEvent         event,
                                          GHashTable     *answers,
                                          GPtrArray      *records,
                                          const char     *staff_id,
                                          GDateTime      *occurred_at,
                                          CtRecord      **out_case,
                                          GError        **error)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  g_return_val_if_fail (reference != NULL, NULL);
  g_return_val_if_fail (records != NULL, NULL);

  return record_in_store (self, reference, event, answers, records, staff_id, occurred_at,
                          out_case, error);
}

static void
on_record_finished_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecordData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!ct_store_run_transaction_finish (CT_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  (void) data;
}

/**
 * ct_case_service_record_async:
 * @self: a case service
 * @case_id: (nullable): the CASE record's id, or %NULL to open a new case
 * @event: what happened
 * @answers: (nullable): its answers
 * @staff_id: who is recording it
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * ct_case_service_record_in_transaction() on the store's thread.
 */
void
ct_case_service_record_async (CtCaseService       *self,
                              const char          *case_id,
                              CtEvent              event,
                              GHashTable          *answers,
                              const char          *staff_id,
                              GDateTime           *occurred_at,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ct_case_service_record_with_records_async (self, case_id, event, answers, NULL, staff_id,
                                             occurred_at, cancellable, callback, user_data);
}

/**
 * ct_case_service_record_with_records_async:
 * @self: a case service
 * @case_id: (nullable): the CASE record's id, or %NULL to open a new case
 * @event: what happened
 * @answers: (nullable): its answers
 * @records: (nullable) (element-type CtRecord): new records of the
 *   caller's, written with the step (see
 *   ct_case_service_record_with_records_sync())
 * @staff_id: who is recording it
 * @occurred_at: (nullable): when it happened; %NULL for now
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done; finish with ct_case_service_record_finish()
 * @user_data: for @callback
 */
void
ct_case_service_record_with_records_async (CtCaseService       *self,
                                           const char          *case_id,
                                           CtEvent              event,
                                           GHashTable          *answers,
                                           GPtrArray           *records,
                                           const char          *staff_id,
                                           GDateTime           *occurred_at,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;
  RecordData *data;

  g_return_if_fail (CT_IS_CASE_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_case_service_record_async);
  data = record_data_new (self, case_id, NULL, event, answers, staff_id, occurred_at);
  if (records != NULL)
    data->extra_records = g_ptr_array_ref (records);
  g_task_set_task_data (task, data, (GDestroyNotify) record_data_free);
  ct_store_run_transaction_async (self->store, record_in_transaction, data, NULL, cancellable,
                                  on_record_finished_cb, task);
}

/**
 * ct_case_service_record_finish:
 * @self: a case service
 * @result: the result
 * @out_case: (out) (optional) (transfer full): the case as it now stands
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_record_finish (CtCaseService  *self,
                               GAsyncResult   *result,
                               CtRecord      **out_case,
                               GError        **error)
{
  RecordData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  if (out_case != NULL)
    *out_case = g_steal_pointer (&data->case_out);
  return g_steal_pointer (&data->result);
}

typedef struct
{
  CtCaseService *self;
  const char    *case_id;
  CtEvent        event;
  GHashTable    *answers;
  const char    *staff_id;
  const char    *actor;
  GDateTime     *at;
  CtTransition  *result;
} ApplyData;

static gboolean
apply_in_transaction (CtStoreTransaction  *txn,
                      gpointer             user_data,
                      GError             **error)
{
  ApplyData *data = user_data;
  g_autoptr(CtRecord) case_record = NULL;

  case_record = ct_store_transaction_get (txn, CT_RECORD_KIND_CASE, data->case_id, error);
  if (case_record == NULL)
    return FALSE;

  data->result = ct_case_service_apply_in_transaction (data->self, txn, case_record, data->event,
                                                       data->answers, NULL, data->staff_id,
                                                       data->actor, data->at, error);
  return data->result != NULL;
}

/**
 * ct_case_service_apply_sync:
 * @self: a case service
 * @case_id: the CASE record's id
 * @event: what happened
 * @answers: (nullable): its answers (see ct-procedure.h); for a referral,
 *   "agency-id" may name an AGENCY record whose name and confirmation
 *   period are used unless given
 * @staff_id: the member of staff recording it, for the audit log
 * @actor: their name as the chronology shows it
 * @at: when it happened
 * @error: return location for a #CT_PROCEDURE_ERROR or #CT_STORE_ERROR
 *
 * Applies @event to the stored case in a transaction of its own, with
 * ct_case_service_apply_in_transaction(): state, clocks, chronology entry
 * and audit entry are written together, or nothing is.
 *
 * Returns: (transfer full) (nullable): the transition
 */
CtTransition *
ct_case_service_apply_sync (CtCaseService  *self,
                            const char     *case_id,
                            CtEvent         event,
                            GHashTable     *answers,
                            const char     *staff_id,
                            const char     *actor,
                            GDateTime      *at,
                            GError        **error)
{
  ApplyData data = { self, case_id, event, answers, staff_id, actor, at, NULL };

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  g_return_val_if_fail (case_id != NULL, NULL);
  g_return_val_if_fail (at != NULL, NULL);

  if (!ct_store_run_transaction_sync (self->store, apply_in_transaction, &data, error))
    {
      g_clear_pointer (&data.result, ct_transition_free);
      return NULL;
    }

  return data.result;
}

static int
compare_chronology (gconstpointer a,
                    gconstpointer b)
{
  CtRecord *ra = *(CtRecord **) a;
  CtRecord *rb = *(CtRecord **) b;
  gint64 ea = ct_record_get_int64 (ra, "event", ct_record_get_created_at (ra));
  gint64 eb = ct_record_get_int64 (rb, "event", ct_record_get_created_at (rb));
  gint64 qa = ct_record_get_int64 (ra, "recorded-at", ct_record_get_created_at (ra));
  gint64 qb = ct_record_get_int64 (rb, "recorded-at", ct_record_get_created_at (rb));

  if (ea != eb)
    return ea < eb ? -1 : 1;
  if (qa != qb)
    return qa < qb ? -1 : 1;
  return 0;
}

/**
 * ct_case_service_sort_chronology:
 * @chronology: (element-type CtRecord): a case's CHRONOLOGY records
 *
 * Puts a chronology in the order a reader follows it: by when each entry
 * happened, then by when it was recorded. The app and the command line
 * show it in this one order.
 */
void
ct_case_service_sort_chronology (GPtrArray *chronology)
{
  g_return_if_fail (chronology != NULL);
  g_ptr_array_sort (chronology, compare_chronology);
}

/**
 * ct_case_service_find_case_sync:
 * @self: a case service
 * @reference: a case reference such as "CT-2026-0001"
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the CASE record
 */
CtRecord *
ct_case_service_find_case_sync (CtCaseService  *self,
                                const char     *reference,
                                GError        **error)
{
  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);

  /* Through the index of references: no other case is decrypted. */
  return ct_store_find_case_sync (self->store, reference, error);
}

static CtRecord *
load_child (CtCaseService  *self,
            CtRecord       *case_record,
            GError        **error)
{
  const char * const *child_ids = ct_record_get_strv (case_record, "child-ids");
  g_autoptr(GError) local_error = NULL;
  CtRecord *child;

  if (child_ids == NULL || child_ids[0] == NULL)
    return NULL;

  child = ct_store_get_sync (self->store, CT_RECORD_KIND_CHILD, child_ids[0], &local_error);
  if (child == NULL && !g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return child;
}

/**
 * ct_case_service_next_step_sync:
 * @self: a case service
 * @reference: a case reference
 * @now: the time to judge lateness by
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): what is due next for the case, and by when
 */
CtNextStep *
ct_case_service_next_step_sync (CtCaseService  *self,
                                const char     *reference,
                                GDateTime      *now,
                                GError        **error)
{
  g_autoptr(CtRecord) case_record = NULL;
  g_auto(CtCaseReading) reading = { 0, };

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);

  if (!ct_case_service_read_case_sync (self, reference, now, &case_record, &reading, error))
    return NULL;
  return g_steal_pointer (&reading.next);
}

/**
 * ct_case_service_read_case_sync:
 * @self: a case service
 * @reference: a case reference
 * @now: the time to judge lateness by
 * @out_case: (out) (transfer full): the CASE record, which the reading's
 *   snapshot points into: keep it while using @out_reading
 * @out_reading: (out caller-allocates): the case as the procedure sees it
 * @error: return location for an error
 *
 * Finds a case by its reference and reads it as ct_case_service_read_case()
 * does, with its child's date of birth.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_case_service_read_case_sync (CtCaseService  *self,
                                const char     *reference,
                                GDateTime      *now,
                                CtRecord      **out_case,
                                CtCaseReading  *out_reading,
                                GError        **error)
{
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(GError) child_error = NULL;

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (out_case != NULL && out_reading != NULL, FALSE);

  memset (out_reading, 0, sizeof *out_reading);
  case_record = ct_case_service_find_case_sync (self, reference, error);
  if (case_record == NULL)
    return FALSE;

  child = load_child (self, case_record, &child_error);
  if (child_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&child_error));
      return FALSE;
    }

  if (!ct_case_service_read_case (self, case_record, child, now, out_reading, error))
    return FALSE;
  *out_case = g_steal_pointer (&case_record);
  return TRUE;
}

/**
 * ct_case_service_list_due_sync:
 * @self: a case service
 * @now: the time to judge lateness by
 * @overdue_only: list only what is overdue
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type CtDueItem) (nullable): the running
 *   clocks of every stored case, earliest first
 */
typedef struct
{
  CtCaseService *self;
  CtStoreTransaction *txn;
  GDateTime *now;
  gboolean overdue_only;
  GPtrArray *items;
} ListDue;

/* Adds one case's running clocks; the case is not kept. */
static gboolean
add_due_items_cb (CtRecord  *record,
                  gpointer   user_data,
                  GError   **error)
{
  ListDue *list = user_data;
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GError *local_error = NULL;
  CtCaseSnapshot snapshot;

  /* The child's date of birth only matters to the retention review. */
  if (ct_record_has_field (record, "clock-retention-review") &&
      !get_child (list->txn, record, NULL, &child, error))
    return FALSE;

  if (!ct_case_service_read_snapshot (list->self, record, child, &snapshot, &local_error))
    {
      g_propagate_prefixed_error (error, local_error, _("Case %s: "),
                                  ct_record_get_reference (record) ? ct_record_get_reference (record) : ct_record_get_id (record));
      return FALSE;
    }

  items = ct_procedure_list_due (list->self->calendar, &snapshot, 1, list->now, list->overdue_only);
  g_ptr_array_extend_and_steal (list->items, g_steal_pointer (&items));
  return TRUE;
}

static gboolean
list_due_in_transaction (CtStoreTransaction  *txn,
                         gpointer             user_data,
                         GError             **error)
{
  ListDue *list = user_data;

  list->txn = txn;
  return ct_store_transaction_foreach (txn, CT_RECORD_KIND_CASE, add_due_items_cb, list, error);
}

GPtrArray *
ct_case_service_list_due_sync (CtCaseService  *self,
                               GDateTime      *now,
                               gboolean        overdue_only,
                               GError        **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_due_item_free);
  ListDue list = { self, NULL, now, overdue_only, items };

  g_return_val_if_fail (CT_IS_CASE_SERVICE (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  /* One case at a time, each with its child when the retention review
   * needs it: memory holds the clocks listed, never every case. */
  if (!ct_store_run_transaction_sync (self->store, list_due_in_transaction, &list, error))
    return NULL;

  /* The organisation's own clock: reviewing its safeguarding policy. */
  if (self->policy_from > 0)
    {
      g_autoptr(GPtrArray) policy_items = NULL;
      CtCaseSnapshot policy;

      ct_case_snapshot_init (&policy);
      policy.settings = self->settings;
      policy.clocks[CT_CLOCK_POLICY_REVIEW].running = TRUE;
      policy.clocks[CT_CLOCK_POLICY_REVIEW].started_at = self->policy_from;
      policy_items = ct_procedure_list_due (self->calendar, &policy, 1, now, overdue_only);
      g_ptr_array_extend_and_steal (items, g_steal_pointer (&policy_items));
    }

  ct_due_items_sort (items);
  return g_steal_pointer (&items);
}

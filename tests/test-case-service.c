/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-case-service"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ct-case-service.h"
#include "ct-crypto.h"

#define STAFF "staff-dana"
#define ACTOR "Dana Shaw (DSO)"

typedef struct
{
  char          *dir;
  char          *path;
  CtStore       *store;
  CtCaseService *service;
  char          *case_id;
  char          *agency_id;
} Fixture;

static GDateTime *
instant (const char *iso)
{
  g_autoptr(GError) error = NULL;
  GDateTime *dt = ct_clock_parse_instant (iso, &error);

  g_assert_no_error (error);
  return dt;
}

static char *
format_us (gint64 us)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return ct_clock_format_iso8601 (dt);
}

static GHashTable *
answers (const char *first_name,
         ...)
{
  GHashTable *table = ct_answers_new ();
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (strcmp (value, "yes") == 0 || strcmp (value, "no") == 0)
        ct_answers_set_boolean (table, name, strcmp (value, "yes") == 0);
      else
        ct_answers_set_text (table, name, value);
    }
  va_end (args);
  return table;
}

static void
insert (Fixture  *fixture,
        CtRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, record, &error));
  g_assert_no_error (error);
}

/* A case "CT-2026-0001" in state "new" for a child born 10 March 2015, in a
 * Scottish organisation whose cut-off is 15:00, and a 24-hour authority. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) agency = ct_record_new (CT_RECORD_KIND_AGENCY);
  const char *child_ids[2] = { ct_record_get_id (child), NULL };
  char *recovery_code = NULL;

  fixture->dir = g_dir_make_tmp ("ct-case-service-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "caretrail.db", NULL);
  fixture->store = ct_store_create_sync (fixture->path, &recovery_code, &error);
  g_assert_no_error (error);
  ct_crypto_free_string (recovery_code);

  ct_record_set_string (organisation, "name", "Example Mediation");
  ct_record_set_string (organisation, "nation", "scotland");
  ct_record_set_string (organisation, "cutoff", "15:00");
  insert (fixture, organisation);

  ct_record_set_string (agency, "name", "Example Council Children’s Services");
  ct_record_set_string (agency, "kind", "children-social-care");
  ct_record_set_string (agency, "confirmation-period", "24h");
  insert (fixture, agency);
  fixture->agency_id = g_strdup (ct_record_get_id (agency));

  ct_record_set_reference (case_record, "CT-2026-0001");
  ct_record_set_state (case_record, "new");
  ct_record_set_strv (case_record, "child-ids", child_ids);
  insert (fixture, case_record);
  fixture->case_id = g_strdup (ct_record_get_id (case_record));

  ct_record_set_case_id (child, fixture->case_id);
  ct_record_set_string (child, "given-names", "Pip");
  ct_record_set_string (child, "date-of-birth", "2015-03-10");
  insert (fixture, child);

  fixture->service = ct_case_service_new_for_store_sync (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_calendar_get_nation (ct_case_service_get_calendar (fixture->service)), ==, CT_NATION_SCOTLAND);
  g_assert_cmpuint (ct_case_service_get_settings (fixture->service)->cutoff_minutes, ==, 15 * 60);
}

static void
fixture_close (Fixture *fixture)
{
  g_clear_object (&fixture->service);
  if (fixture->store != NULL)
    ct_store_close (fixture->store);
  g_clear_object (&fixture->store);
}

static void
fixture_reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture_close (fixture);
  fixture->store = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  fixture->service = ct_case_service_new_for_store_sync (fixture->store, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_close (fixture);
  remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->case_id);
  g_free (fixture->agency_id);
}

static CtTransition *
apply (Fixture     *fixture,
       CtEvent      event,
       GHashTable  *table,
       const char  *when,
       GError     **error)
{
  g_autoptr(GHashTable) owned = table;
  g_autoptr(GDateTime) at = instant (when);

  return ct_case_service_apply_sync (fixture->service, fixture->case_id, event, owned,
                                     STAFF, ACTOR, at, error);
}

static CtRecord *
get_case (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  CtRecord *record = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CASE, fixture->case_id, &error);

  g_assert_no_error (error);
  return record;
}

static guint
count_chronology (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, fixture->case_id, &error);

  g_assert_no_error (error);
  return list->len;
}

static guint
count_audit (Fixture    *fixture,
             const char *action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = ct_store_list_audit_sync (fixture->store, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      CtAuditEntry *entry = g_ptr_array_index (entries, i);

      if (action == NULL ||
          (g_strcmp0 (entry->action, action) == 0 && g_strcmp0 (entry->record_id, fixture->case_id) == 0))
        n++;
    }
  return n;
}

static void
test_apply_writes_everything (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) record = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autofree char *due = NULL;
  CtRecord *entry;

  /* Friday 27 November 2026 at 15:30: after the 15:00 cut-off, so due the
   * following day, Saturday (seed 000), not the next working day (Tuesday:
   * Monday is St Andrew's Day in Scotland). */
  t = apply (fixture, CT_EVENT_CONCERN_RECORDED,
             answers ("raised-by", "Sam Patel", "how", "phone", "what", "A child seemed frightened of going home.", "immediate-risk", "no", NULL),
             "2026-11-27T15:30", &error);
  g_assert_no_error (error);
  g_assert_cmpint (t->to, ==, CT_STATE_CONCERN_RECORDED);
  g_assert_cmpstr (t->snapshot.reference, ==, "CT-2026-0001");

  record = get_case (fixture);
  g_assert_cmpstr (ct_record_get_state (record), ==, "concern-recorded");
  due = format_us (ct_record_get_due_at (record));
  g_assert_cmpstr (due, ==, "2026-11-28T23:59:59+00:00");
  g_assert_true (ct_record_has_field (record, "clock-escalation"));
  g_assert_nonnull (t->notice);

  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, fixture->case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chronology->len, ==, 1);
  entry = g_ptr_array_index (chronology, 0);
  g_assert_cmpstr (ct_record_get_string (entry, "who"), ==, ACTOR);
  g_assert_cmpstr (ct_record_get_string (entry, "what"), ==, "Concern recorded, raised by Sam Patel (phone): A child seemed frightened of going home.");
  g_assert_cmpstr (ct_record_get_string (entry, "procedure-event"), ==, "concern-recorded");
  g_assert_cmpstr (ct_record_get_string (entry, "from-state"), ==, "new");
  g_assert_cmpstr (ct_record_get_string (entry, "to-state"), ==, "concern-recorded");
  g_assert_cmpint (ct_record_get_int64 (entry, "event", 0), ==, g_date_time_to_unix (t->at) * G_USEC_PER_SEC);

  g_assert_cmpuint (count_audit (fixture, "concern-recorded"), ==, 1);
}

static void
test_refused_writes_nothing (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) first = NULL;
  g_autoptr(CtTransition) skipped = NULL;
  g_autoptr(CtTransition) incomplete = NULL;
  g_autoptr(CtRecord) before = NULL;
  g_autoptr(CtRecord) after = NULL;
  guint audit_before, chronology_before;

  first = apply (fixture, CT_EVENT_CONCERN_RECORDED,
                 answers ("raised-by", "Sam", "what", "Bruising seen.", "immediate-risk", "no", NULL), "2026-11-23T10:00", &error);
  g_assert_no_error (error);

  before = get_case (fixture);
  audit_before = count_audit (fixture, NULL);
  chronology_before = count_chronology (fixture);

  /* A step the procedure does not allow yet. */
  skipped = apply (fixture, CT_EVENT_REFERRAL_MADE, answers ("agency-id", fixture->agency_id, NULL),
                   "2026-11-23T11:00", &error);
  g_assert_null (skipped);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  /* A guard that is not met. */
  incomplete = apply (fixture, CT_EVENT_ESCALATED, answers ("safeguarding-lead", "Dana Shaw", NULL),
                      "2026-11-23T11:00", &error);
  g_assert_null (incomplete);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
  g_assert_cmpstr (error->message, ==, "Say which line manager the concern was discussed with.");

  after = get_case (fixture);
  g_assert_cmpint (ct_record_get_version (after), ==, ct_record_get_version (before));
  g_assert_cmpstr (ct_record_get_state (after), ==, "concern-recorded");
  g_assert_cmpuint (count_audit (fixture, NULL), ==, audit_before);
  g_assert_cmpuint (count_chronology (fixture), ==, chronology_before);
}

static void
test_whole_case (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct
  {
    CtEvent     event;
    const char *when;
    const char *state;
  } steps[] = {
    { CT_EVENT_CONCERN_RECORDED, "2026-11-23T09:00", "concern-recorded" },
    { CT_EVENT_ESCALATED, "2026-11-23T11:00", "escalated" },
    { CT_EVENT_CONCERNS_REMAIN, "2026-11-23T12:00", "referral-due" },
    { CT_EVENT_REFERRAL_MADE, "2026-11-23T13:00", "confirmation-due" },
  };
  GHashTable *step_answers[G_N_ELEMENTS (steps)] = { NULL, };
  g_autoptr(CtRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *due = NULL;

  step_answers[0] = answers ("raised-by", "Sam", "what", "The child said her father hits her.", "immediate-risk", "no", NULL);
  step_answers[1] = answers ("line-manager", "Ruth", "safeguarding-lead", "Dana", NULL);
  step_answers[2] = answers ("reason", "A clear disclosure.", "family-member-responsible", "yes",
                             "family-member-responsible-reason", "She named her father.",
                             "danger-to-others", "no", "criminal-investigation", "no", NULL);
  /* The agency's name and 24-hour period come from the directory. */
  step_answers[3] = answers ("agency-id", fixture->agency_id, "how", "telephone", "to-whom", "Duty worker",
                             "their-reference", "EX-1", "what-shared", "The disclosure.",
                             "referral-type", "child-protection", "consent", "not-sought",
                             "consent-reason", "Her father might harm her if told.",
                             "raiser-told", "yes", "raiser-encouraged", "yes", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(CtTransition) t = apply (fixture, steps[i].event, g_steal_pointer (&step_answers[i]), steps[i].when, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (ct_state_to_string (t->to), ==, steps[i].state);
      if (steps[i].event == CT_EVENT_REFERRAL_MADE)
        g_assert_nonnull (strstr (t->what, "Example Council Children’s Services"));
    }

  record = get_case (fixture);
  g_assert_cmpstr (ct_record_get_string (record, "confirmation-period"), ==, "24h");
  /* The earliest running clock is the written confirmation, 24 hours on. */
  due = format_us (ct_record_get_due_at (record));
  g_assert_cmpstr (due, ==, "2026-11-24T13:00:00+00:00");
  g_assert_false (ct_record_has_field (record, "clock-escalation"));
  g_assert_cmpuint (count_chronology (fixture), ==, 4);

  /* Everything survives closing and reopening the database. */
  fixture_reopen (fixture);
  {
    g_autoptr(CtTransition) family = NULL;
    g_autoptr(CtTransition) agreed = NULL;
    g_autoptr(CtTransition) sent = NULL;
    g_autoptr(CtTransition) outcome = NULL;
    g_autoptr(CtTransition) closed = NULL;
    g_autoptr(CtRecord) final = NULL;
    g_autofree char *retention = NULL;

    /* The exception recorded earlier still holds the family back. */
    family = apply (fixture, CT_EVENT_FAMILY_DISCUSSED,
                    answers ("with-whom", "mother", "summary", "Told her of the referral.", NULL),
                    "2026-11-23T14:00", &error);
    g_assert_null (family);
    g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
    g_clear_error (&error);

    agreed = apply (fixture, CT_EVENT_FAMILY_APPROACH_AGREED,
                    answers ("agreed-with", "csc", "agreed-by", "Duty worker", NULL), "2026-11-23T14:30", &error);
    g_assert_no_error (error);
    sent = apply (fixture, CT_EVENT_CONFIRMATION_SENT,
                  answers ("method", "secure-email", "to-whom", "Duty worker", NULL), "2026-11-23T15:00", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sent->clocks_stopped, ==, 1u << CT_CLOCK_WRITTEN_CONFIRMATION);
    outcome = apply (fixture, CT_EVENT_OUTCOME_RECORDED,
                     answers ("outcome", "child-protection-enquiry", "informed-by", "Duty worker", NULL),
                     "2026-11-24T10:00", &error);
    g_assert_no_error (error);
    closed = apply (fixture, CT_EVENT_CASE_CLOSED,
                    answers ("reason", "The enquiry is complete.", "raiser-support", "Sam was told the outcome.", NULL), "2027-01-10T10:00", &error);
    g_assert_no_error (error);

    final = get_case (fixture);
    g_assert_cmpstr (ct_record_get_state (final), ==, "closed");
    g_assert_cmpstr (ct_record_get_string (final, "closed-reason"), ==, "The enquiry is complete.");
    /* Records kept to the child's 25th birthday. */
    retention = format_us (ct_record_get_due_at (final));
    g_assert_cmpstr (retention, ==, "2040-03-10T23:59:59+00:00");
    g_assert_true (ct_record_has_field (final, "clock-retention-review"));
    g_assert_false (ct_record_has_field (final, "clock-la-decision"));
    g_assert_cmpuint (count_chronology (fixture), ==, 8);
    g_assert_cmpuint (count_audit (fixture, "case-closed"), ==, 1);
  }

  {
    g_autoptr(GError) verify_error = NULL;

    g_assert_true (ct_store_verify_sync (fixture->store, NULL, &verify_error));
    g_assert_no_error (verify_error);
  }
}

static void
test_next_and_overdue (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtNextStep) evening = NULL;
  g_autoptr(CtNextStep) late = NULL;
  g_autoptr(CtNextStep) missing = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GDateTime) monday_evening = instant ("2026-11-23T20:00");
  g_autoptr(GDateTime) tuesday = instant ("2026-11-24T09:00");
  g_autoptr(CtRecord) second = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) second_stored = NULL;
  g_autoptr(GDateTime) second_created = NULL;
  g_autoptr(GDateTime) second_due = NULL;
  g_autofree char *due = NULL;
  guint seen_first = 0, seen_second = 0;

  /* Monday 14:00, before the 15:00 cut-off: due by the end of Monday. */
  t = apply (fixture, CT_EVENT_CONCERN_RECORDED,
             answers ("raised-by", "Sam", "what", "Bruising seen.", "immediate-risk", "no", NULL), "2026-11-23T14:00", &error);
  g_assert_no_error (error);

  /* A case the concern form made directly, with no clock of its own: its
   * escalation is read as starting when the record was created. */
  ct_record_set_reference (second, "CT-2026-0002");
  ct_record_set_state (second, "concern-recorded");
  insert (fixture, second);
  second_stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CASE, ct_record_get_id (second), &error);
  g_assert_no_error (error);
  second_created = g_date_time_new_from_unix_utc (ct_record_get_created_at (second_stored) / G_USEC_PER_SEC);
  second_due = ct_clock_escalation_due (ct_case_service_get_calendar (fixture->service), second_created, 15 * 60);

  evening = ct_case_service_next_step_sync (fixture->service, "CT-2026-0001", monday_evening, &error);
  g_assert_no_error (error);
  g_assert_cmpint (evening->state, ==, CT_STATE_CONCERN_RECORDED);
  g_assert_true (evening->has_due);
  g_assert_cmpint (evening->clock, ==, CT_CLOCK_ESCALATION);
  due = ct_clock_format_iso8601 (evening->due);
  g_assert_cmpstr (due, ==, "2026-11-23T23:59:59+00:00");
  g_assert_false (evening->overdue);
  g_assert_cmpstr (evening->summary, ==, ct_procedure_summarise_state (CT_STATE_CONCERN_RECORDED));

  late = ct_case_service_next_step_sync (fixture->service, "CT-2026-0001", tuesday, &error);
  g_assert_no_error (error);
  g_assert_true (late->overdue);

  missing = ct_case_service_next_step_sync (fixture->service, "CT-2026-9999", tuesday, &error);
  g_assert_null (missing);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "CT-2026-9999"));
  g_clear_error (&error);

  all = ct_case_service_list_due_sync (fixture->service, tuesday, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 2);
  for (guint i = 0; i < all->len; i++)
    {
      CtDueItem *item = g_ptr_array_index (all, i);

      g_assert_cmpint (item->clock, ==, CT_CLOCK_ESCALATION);
      if (g_strcmp0 (item->reference, "CT-2026-0002") == 0)
        {
          g_assert_true (g_date_time_equal (item->due, second_due));
          seen_second++;
        }
      else
        {
          g_assert_cmpstr (item->reference, ==, "CT-2026-0001");
          g_assert_true (item->overdue);
          seen_first++;
        }
    }
  g_assert_cmpuint (seen_first, ==, 1);
  g_assert_cmpuint (seen_second, ==, 1);

  overdue = ct_case_service_list_due_sync (fixture->service, tuesday, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (overdue->len, ==, 1 + (g_date_time_compare (second_due, tuesday) < 0));
  g_assert_cmpstr (((CtDueItem *) g_ptr_array_index (overdue, 0))->reference, ==, "CT-2026-0001");
}

/* The command line over the same database: next and overdue. */
static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  const char *admin = g_getenv ("CARETRAIL_ADMIN");
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (admin == NULL)
    {
      g_test_skip ("CARETRAIL_ADMIN is not set");
      return;
    }

  t = apply (fixture, CT_EVENT_ALLEGATION_REPORTED,
             answers ("about", "A. Volunteer", "what", "Shouted at a child.", "reported-by", "Sam",
                      "senior-manager", "Morgan", NULL),
             "2026-11-27T16:30", &error);
  g_assert_no_error (error);
  fixture_close (fixture);

  {
    const char *argv[] = { admin, "next", "--case", "CT-2026-0001", "--database", fixture->path,
                           "--at", "2026-11-30T12:00", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("next failed: %s", err);
    /* Scotland: Monday 30 November is St Andrew's Day, so the LADO is due
     * by the end of Tuesday. */
    g_assert_nonnull (strstr (out, "CT-2026-0001: Allegation reported\n"));
    g_assert_nonnull (strstr (out, "Due: 2026-12-01T23:59:59+00:00 (lado)\n"));
    g_assert_null (strstr (out, "OVERDUE"));
    g_assert_nonnull (strstr (out, "Why: "));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *argv[] = { admin, "overdue", "--database", fixture->path, "--at", "2026-12-02T09:00", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("overdue failed: %s", err);
    g_assert_nonnull (strstr (out, "CT-2026-0001"));
    g_assert_nonnull (strstr (out, "2026-12-01T23:59:59+00:00"));
    g_assert_nonnull (strstr (out, "lado"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *argv[] = { admin, "overdue", "--database", fixture->path, "--at", "2026-11-30T09:00", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (out, ==, "Nothing is overdue.\n");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  {
    const char *argv[] = { admin, "next", "--case", "CT-2026-0404", "--database", fixture->path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "No case has the reference “CT-2026-0404”"));
  }
}

typedef struct
{
  Fixture   *fixture;
  CtRecord  *case_record;
  CtRecord  *child;
  CtRecord  *concern;
  gboolean   refuse;      /* end with a refused event, failing the transaction */
  guint      applied;
} InTransaction;

static gboolean
apply_several_in_transaction (CtStoreTransaction  *txn,
                              gpointer             user_data,
                              GError             **error)
{
  InTransaction *data = user_data;
  CtCaseService *service = data->fixture->service;
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) concern_answers = answers ("raised-by", "Sam", "what", "Bruising seen.", "immediate-risk", "no", NULL);
  g_autoptr(GHashTable) escalated_answers = answers ("line-manager", "Ruth", "safeguarding-lead", "Dana", NULL);
  g_autoptr(GHashTable) nfa_answers = answers ("reason", "A simple explanation was confirmed.",
                                               "staff-support-discussed", "yes",
                                               "raiser-support", "Sam was thanked and told the outcome.", NULL);
  g_autoptr(GDateTime) monday = instant ("2026-11-23T09:00");
  g_autoptr(GDateTime) later = instant ("2026-11-23T10:00");
  g_autoptr(GDateTime) closing = instant ("2026-11-24T10:00");
  g_autoptr(CtTransition) first = NULL;
  g_autoptr(CtTransition) second = NULL;
  g_autoptr(CtTransition) third = NULL;

  g_ptr_array_add (extra, g_object_ref (data->child));
  g_ptr_array_add (extra, g_object_ref (data->concern));
  first = ct_case_service_apply_in_transaction (service, txn, data->case_record, CT_EVENT_CONCERN_RECORDED,
                                                concern_answers, extra, STAFF, ACTOR, monday, error);
  if (first == NULL)
    return FALSE;
  data->applied++;
  g_assert_cmpint (ct_record_get_version (data->case_record), ==, 1);
  g_assert_cmpstr (ct_record_get_state (data->case_record), ==, "concern-recorded");
  g_assert_cmpstr (first->snapshot.reference, ==, "CT-2026-0100");

  if (data->refuse)
    {
      g_autoptr(GHashTable) none = ct_answers_new ();
      g_autoptr(CtTransition) refused = NULL;

      refused = ct_case_service_apply_in_transaction (service, txn, data->case_record, CT_EVENT_REFERRAL_MADE,
                                                      none, NULL, STAFF, ACTOR, later, error);
      g_assert_null (refused);
      /* A refused event leaves the caller's record as it was. */
      g_assert_cmpint (ct_record_get_version (data->case_record), ==, 1);
      g_assert_cmpstr (ct_record_get_state (data->case_record), ==, "concern-recorded");
      return FALSE;
    }

  /* The same record goes on to the next events, with no need to read it. */
  second = ct_case_service_apply_in_transaction (service, txn, data->case_record, CT_EVENT_ESCALATED,
                                                 escalated_answers, NULL, STAFF, ACTOR, later, error);
  if (second == NULL)
    return FALSE;
  data->applied++;
  third = ct_case_service_apply_in_transaction (service, txn, data->case_record, CT_EVENT_NO_CONCERNS_REMAIN,
                                                nfa_answers, NULL, STAFF, ACTOR, closing, error);
  if (third == NULL)
    return FALSE;
  data->applied++;
  return TRUE;
}

static void
test_apply_in_transaction (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) stored = NULL;
  g_autoptr(CtRecord) stored_concern = NULL;
  g_autoptr(CtRecord) stored_child = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autofree char *due = NULL;
  const char *child_ids[2] = { ct_record_get_id (child), NULL };
  InTransaction in = { fixture, case_record, child, concern, TRUE, 0 };
  guint audit_before = count_audit (fixture, NULL);

  ct_record_set_reference (case_record, "CT-2026-0100");
  ct_record_set_state (case_record, "new");
  ct_record_set_strv (case_record, "child-ids", child_ids);
  ct_record_set_case_id (child, ct_record_get_id (case_record));
  ct_record_set_string (child, "given-names", "Wren");
  ct_record_set_string (child, "date-of-birth", "2016-07-04");
  ct_record_set_string (concern, "what", "Bruising seen.");

  /* A refused event fails the caller's transaction: the new case, its
   * child and its concern are not written at all. */
  g_assert_false (ct_store_run_transaction_sync (fixture->store, apply_several_in_transaction, &in, &error));
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpuint (in.applied, ==, 1);
  g_assert_cmpint (ct_record_get_version (case_record), ==, 0);
  g_assert_cmpint (ct_record_get_version (child), ==, 0);
  stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CASE, ct_record_get_id (case_record), &error);
  g_assert_null (stored);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_audit (fixture, NULL), ==, audit_before);

  /* The record still says "concern-recorded"; a new case must start at "new". */
  {
    g_autoptr(CtRecord) wrong = ct_record_new (CT_RECORD_KIND_CASE);
    InTransaction bad = { fixture, wrong, child, concern, FALSE, 0 };

    ct_record_set_state (wrong, "escalated");
    g_assert_false (ct_store_run_transaction_sync (fixture->store, apply_several_in_transaction, &bad, &error));
    g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
    g_assert_nonnull (strstr (error->message, "new"));
    g_clear_error (&error);
    g_assert_cmpuint (bad.applied, ==, 0);
  }

  /* Three events in one transaction: the case is created, escalated and
   * closed; the retention review runs to the child's 25th birthday, read
   * from the child made by the first event. */
  ct_record_set_state (case_record, "new");
  in.refuse = FALSE;
  in.applied = 0;
  g_assert_true (ct_store_run_transaction_sync (fixture->store, apply_several_in_transaction, &in, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (in.applied, ==, 3);

  stored = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CASE, ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_state (stored), ==, "closed-nfa");
  g_assert_cmpint (ct_record_get_version (stored), ==, 3);
  g_assert_cmpstr (ct_record_get_string (stored, "closed-reason"), ==, "A simple explanation was confirmed.");
  due = format_us (ct_record_get_due_at (stored));
  g_assert_cmpstr (due, ==, "2041-07-04T23:59:59+01:00");

  stored_concern = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CONCERN, ct_record_get_id (concern), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_case_id (stored_concern), ==, ct_record_get_id (case_record));
  stored_child = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD, ct_record_get_id (child), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (stored_child, "given-names"), ==, "Wren");

  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chronology->len, ==, 3);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (chronology, 0), "from-state"), ==, "new");
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (chronology, 2), "to-state"), ==, "closed-nfa");
}

/* A member of staff in the directory, as the app's setup makes one. */
static char *
add_staff (Fixture    *fixture,
           const char *name)
{
  g_autoptr(CtRecord) staff = ct_record_new (CT_RECORD_KIND_STAFF);

  ct_record_set_string (staff, "name", name);
  ct_record_set_string (staff, "role", "Designated Safeguarding Officer");
  insert (fixture, staff);
  return g_strdup (ct_record_get_id (staff));
}

/* The one path: a new case opened by its concern, timed from when it
 * happened and signed by the member of staff recording it. */
static void
test_record_opens_case (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *dana = add_staff (fixture, "Dana Shaw");
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtTransition) refused = NULL;
  g_autoptr(CtTransition) escalated = NULL;
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GPtrArray) concerns = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) two_hours_ago = g_date_time_add_hours (now, -2);
  g_autoptr(GDateTime) one_hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) three_hours_ago = g_date_time_add_hours (now, -3);
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *expected_reference = NULL;
  g_autoptr(GDateTime) local_now = g_date_time_to_timezone (now, ct_calendar_get_timezone ());
  guint chronology_before = 0;
  CtRecord *entry;

  /* Someone not in the staff directory cannot record anything. */
  refused = ct_case_service_record_sync (fixture->service, NULL, CT_EVENT_CONCERN_RECORDED,
                                         answers ("raised-by", "Sam", "what", "Bruising seen.", "immediate-risk", "no", NULL),
                                         "nobody", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "caretrail-admin staff"));
  g_clear_error (&error);

  t = ct_case_service_record_sync (fixture->service, NULL, CT_EVENT_CONCERN_RECORDED,
                                   answers ("raised-by", "Sam Patel", "what", "Bruising on her arm.",
                                            "immediate-risk", "yes", "child-given-names", "Ava",
                                            "child-family-name", "Example", NULL),
                                   dana, two_hours_ago, &case_record, &error);
  g_assert_no_error (error);
  /* The fixture's own case is CT-2026-0001. */
  expected_reference = g_strdup_printf ("CT-%d-%s", g_date_time_get_year (local_now),
                                        g_date_time_get_year (local_now) == 2026 ? "0002" : "0001");
  g_assert_cmpstr (ct_record_get_reference (case_record), ==, expected_reference);
  g_assert_cmpstr (ct_record_get_state (case_record), ==, "concern-recorded");
  g_assert_cmpstr (t->actor, ==, "Dana Shaw");
  g_assert_cmpstr (t->actor_id, ==, dana);
  /* The urgent clock runs from when it happened: it is already due. */
  g_assert_cmpint (ct_record_get_due_at (case_record), ==, g_date_time_to_unix (two_hours_ago) * G_USEC_PER_SEC);
  g_assert_nonnull (ct_record_get_strv (case_record, "child-ids"));

  concerns = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CONCERN, ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (concerns->len, ==, 1);
  g_assert_true (ct_record_get_boolean (g_ptr_array_index (concerns, 0), "immediate-risk", FALSE));
  g_assert_cmpint (ct_record_get_int64 (g_ptr_array_index (concerns, 0), "raised-at", 0), ==,
                   g_date_time_to_unix (two_hours_ago) * G_USEC_PER_SEC);

  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chronology->len, ==, 1);
  entry = g_ptr_array_index (chronology, 0);
  g_assert_cmpstr (ct_record_get_string (entry, "who"), ==, "Dana Shaw");
  g_assert_cmpstr (ct_record_get_string (entry, "staff-id"), ==, dana);
  g_assert_cmpint (ct_record_get_int64 (entry, "event", 0), ==, g_date_time_to_unix (two_hours_ago) * G_USEC_PER_SEC);
  g_assert_cmpint (ct_record_get_int64 (entry, "recorded-at", 0), >=, g_date_time_to_unix (now) * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (ct_record_get_string (entry, "entry"), "(recorded "));
  chronology_before = chronology->len;

  /* Before the step it follows, or in the future: refused, nothing written. */
  escalated = ct_case_service_record_sync (fixture->service, expected_reference, CT_EVENT_ESCALATED,
                                           answers ("line-manager", "Ruth", "safeguarding-lead", "Dana", NULL),
                                           dana, three_hours_ago, NULL, &error);
  g_assert_null (escalated);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME);
  g_clear_error (&error);
  escalated = ct_case_service_record_sync (fixture->service, expected_reference, CT_EVENT_ESCALATED,
                                           answers ("line-manager", "Ruth", "safeguarding-lead", "Dana", NULL),
                                           dana, tomorrow, NULL, &error);
  g_assert_null (escalated);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME);
  g_clear_error (&error);
  g_clear_pointer (&chronology, g_ptr_array_unref);
  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (case_record), &error);
  g_assert_cmpuint (chronology->len, ==, chronology_before);

  /* Escalated an hour ago: the decision clock (our default) now runs too,
   * and the case is still on the urgent path. */
  escalated = ct_case_service_record_sync (fixture->service, expected_reference, CT_EVENT_ESCALATED,
                                           answers ("line-manager", "Ruth", "safeguarding-lead", "Dana", NULL),
                                           dana, one_hour_ago, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (escalated->snapshot.clocks[CT_CLOCK_DECISION].running);
  g_assert_true (escalated->snapshot.clocks[CT_CLOCK_URGENT_REFERRAL].running);
}

/* One reader of the organisation's settings and of a case: anything it
 * cannot read is an error, never a guess. */
static void
test_fails_safe (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(GError) error = NULL;
  CtCaseSnapshot snapshot;

  ct_record_set_string (organisation, "nation", "atlantis");
  service = ct_case_service_new_for_organisation (fixture->store, organisation, &error);
  g_assert_null (service);
  g_assert_nonnull (error);
  g_clear_error (&error);

  ct_record_set_string (organisation, "nation", "wales");
  ct_record_set_string (organisation, "nation", "england-and-wales");
  ct_record_set_string (organisation, "cutoff", "25:99");
  service = ct_case_service_new_for_organisation (fixture->store, organisation, &error);
  g_assert_null (service);
  g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_CUTOFF);
  g_clear_error (&error);

  ct_record_set_string (organisation, "cutoff", "16:00");
  ct_record_set_string (organisation, "policy-adopted", "last spring");
  service = ct_case_service_new_for_organisation (fixture->store, organisation, &error);
  g_assert_null (service);
  g_assert_nonnull (error);
  g_clear_error (&error);

  ct_record_set_string (organisation, "policy-adopted", "2025-11-01");
  ct_record_set_string (organisation, "out-of-hours", "the DSO's mobile, 07700 900123");
  service = ct_case_service_new_for_organisation (fixture->store, organisation, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_case_service_get_out_of_hours (service), ==, "the DSO's mobile, 07700 900123");

  ct_record_set_state (case_record, "concern-recorded");
  ct_record_set_string (case_record, "clock-escalation", "yesterday");
  g_assert_false (ct_case_service_read_snapshot (service, case_record, NULL, &snapshot, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  ct_record_remove_field (case_record, "clock-escalation");
  ct_record_set_state (case_record, "somewhere-new");
  g_assert_false (ct_case_service_read_snapshot (service, case_record, NULL, &snapshot, &error));
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_UNKNOWN_STATE);
}

/* The policy review clock runs from the policy's adoption, yearly. */
static void
test_policy_review (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = instant ("2026-11-23T10:00");
  g_autoptr(GPtrArray) overdue = NULL;
  gboolean found = FALSE;

  ct_record_set_string (organisation, "policy-adopted", "2025-11-01");
  service = ct_case_service_new_for_organisation (fixture->store, organisation, &error);
  g_assert_no_error (error);
  overdue = ct_case_service_list_due_sync (service, now, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < overdue->len; i++)
    {
      CtDueItem *item = g_ptr_array_index (overdue, i);

      if (item->clock == CT_CLOCK_POLICY_REVIEW)
        {
          g_autofree char *due = ct_clock_format_iso8601 (item->due);

          g_assert_null (item->reference);
          g_assert_cmpstr (due, ==, "2026-11-01T23:59:59+00:00");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
insert_case_with_reference (Fixture    *fixture,
                            const char *reference)
{
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

  ct_record_set_reference (case_record, reference);
  ct_record_set_state (case_record, "new");
  insert (fixture, case_record);
}

/* Opens a case with a new concern and returns its reference. */
static char *
open_case (Fixture    *fixture,
           const char *staff_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) case_record = NULL;

  t = ct_case_service_record_sync (fixture->service, NULL, CT_EVENT_CONCERN_RECORDED,
                                   answers ("raised-by", "Sam Patel", "what", "Bruising on her arm.",
                                            "immediate-risk", "no", NULL),
                                   staff_id, NULL, &case_record, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  return g_strdup (ct_record_get_reference (case_record));
}

/* A new case takes one more than the highest number of this year: after a
 * gap, after 9,999, whatever the years before and after hold. */
static void
test_next_reference (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dana = add_staff (fixture, "Dana Shaw");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = g_date_time_to_timezone (now, ct_calendar_get_timezone ());
  int year = g_date_time_get_year (local);
  g_autofree char *last_year = g_strdup_printf ("CT-%d-0050", year - 1);
  g_autofree char *next_year = g_strdup_printf ("CT-%d-0100", year + 1);
  g_autofree char *gap = g_strdup_printf ("CT-%d-0007", year);
  g_autofree char *high = g_strdup_printf ("CT-%d-9999", year);
  g_autofree char *first = NULL;
  g_autofree char *after_gap = NULL;
  g_autofree char *after_high = NULL;
  g_autofree char *after_that = NULL;
  g_autofree char *expected = NULL;

  /* The fixture's own case is CT-2026-0001: the first of this year is
   * either the one after it or the year's first. */
  insert_case_with_reference (fixture, last_year);
  insert_case_with_reference (fixture, next_year);
  first = open_case (fixture, dana);
  expected = g_strdup_printf ("CT-%d-%s", year, year == 2026 ? "0002" : "0001");
  g_assert_cmpstr (first, ==, expected);

  insert_case_with_reference (fixture, gap);
  after_gap = open_case (fixture, dana);
  g_free (expected);
  expected = g_strdup_printf ("CT-%d-0008", year);
  g_assert_cmpstr (after_gap, ==, expected);

  insert_case_with_reference (fixture, high);
  after_high = open_case (fixture, dana);
  g_free (expected);
  expected = g_strdup_printf ("CT-%d-10000", year);
  g_assert_cmpstr (after_high, ==, expected);

  /* CT-YYYY-10000 sorts before CT-YYYY-9999 as text, not as a number. */
  after_that = open_case (fixture, dana);
  g_free (expected);
  expected = g_strdup_printf ("CT-%d-10001", year);
  g_assert_cmpstr (after_that, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/case-service/apply-writes-everything", Fixture, NULL,
              fixture_set_up, test_apply_writes_everything, fixture_tear_down);
  g_test_add ("/case-service/refused-writes-nothing", Fixture, NULL,
              fixture_set_up, test_refused_writes_nothing, fixture_tear_down);
  g_test_add ("/case-service/apply-in-transaction", Fixture, NULL,
              fixture_set_up, test_apply_in_transaction, fixture_tear_down);
  g_test_add ("/case-service/whole-case", Fixture, NULL,
              fixture_set_up, test_whole_case, fixture_tear_down);
  g_test_add ("/case-service/next-and-overdue", Fixture, NULL,
              fixture_set_up, test_next_and_overdue, fixture_tear_down);
  g_test_add ("/case-service/cli", Fixture, NULL,
              fixture_set_up, test_cli, fixture_tear_down);
  g_test_add ("/case-service/record-opens-case", Fixture, NULL,
              fixture_set_up, test_record_opens_case, fixture_tear_down);
  g_test_add ("/case-service/fails-safe", Fixture, NULL,
              fixture_set_up, test_fails_safe, fixture_tear_down);
  g_test_add ("/case-service/policy-review", Fixture, NULL,
              fixture_set_up, test_policy_review, fixture_tear_down);
  g_test_add ("/case-service/next-reference", Fixture, NULL,
              fixture_set_up, test_next_reference, fixture_tear_down);

  return g_test_run ();
}

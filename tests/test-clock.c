/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-clock"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-clock.h"
#include "ct-format.h"

static CtCalendar *calendars[CT_N_NATIONS];

/* Reads "2026-11-23T15:59:00" as UK local time, or with an explicit offset. */
static GDateTime *
instant (const char *iso)
{
  GDateTime *dt = g_date_time_new_from_iso8601 (iso, ct_calendar_get_timezone ());

  g_assert_nonnull (dt);
  return dt;
}

static void
assert_due (GDateTime  *due,
            const char *expected,
            const char *what)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (due);
  text = ct_clock_format_iso8601 (due);
  if (g_strcmp0 (text, expected) != 0)
    g_error ("%s: expected %s, got %s", what, expected, text);
}

typedef struct
{
  CtNation    nation;
  const char *recorded;
  const char *cutoff;
  const char *expected;
  const char *why;
  gboolean    not_working_day;
} EscalationCase;

static void
test_escalation (void)
{
  static const EscalationCase cases[] = {
    /* Seed 000: "the same day, or if later in the day and impractical to
     * do so the following day". The following calendar day, weekend or
     * bank holiday alike: a child does not wait for Easter Tuesday. The
     * last column is whether the day it falls due is not a working day,
     * so the app must point to the out-of-hours route. */
    { CT_NATION_ENGLAND_WALES, "2026-11-23T15:59:00", "16:00", "2026-11-23T23:59:59+00:00", "one minute before the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T15:59:59", "16:00", "2026-11-23T23:59:59+00:00", "one second before the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T16:00:00", "16:00", "2026-11-24T23:59:59+00:00", "at the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T16:01:00", "16:00", "2026-11-24T23:59:59+00:00", "one minute after the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T00:00:00", "16:00", "2026-11-23T23:59:59+00:00", "just after midnight", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T12:29:00", "12:30", "2026-11-23T23:59:59+00:00", "before an early cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-23T12:31:00", "12:30", "2026-11-24T23:59:59+00:00", "after an early cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-27T16:01:00", "16:00", "2026-11-28T23:59:59+00:00", "Friday after the cut-off: Saturday, not Monday", TRUE },
    { CT_NATION_SCOTLAND, "2026-11-29T16:01:00", "16:00", "2026-11-30T23:59:59+00:00", "Sunday after the cut-off: St Andrew's Day in Scotland", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-11-29T16:01:00", "16:00", "2026-11-30T23:59:59+00:00", "Sunday after the cut-off: a working Monday in England", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-11-28T10:00:00", "16:00", "2026-11-28T23:59:59+00:00", "Saturday morning: the same day", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-11-29T09:00:00", "16:00", "2026-11-29T23:59:59+00:00", "Sunday morning: the same day", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-04-03T09:00:00", "16:00", "2026-04-03T23:59:59+01:00", "Good Friday morning: the same day", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-04-05T17:00:00", "16:00", "2026-04-06T23:59:59+01:00", "Easter Sunday evening: Easter Monday, not Tuesday", TRUE },
    { CT_NATION_SCOTLAND, "2026-04-05T17:00:00", "16:00", "2026-04-06T23:59:59+01:00", "Easter Sunday evening in Scotland (no Easter Monday holiday)", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-12-24T15:00:00", "16:00", "2026-12-24T23:59:59+00:00", "Christmas Eve before the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-12-24T17:00:00", "16:00", "2026-12-25T23:59:59+00:00", "Christmas Eve after the cut-off: Christmas Day", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-12-31T17:00:00", "16:00", "2027-01-01T23:59:59+00:00", "New Year's Eve after the cut-off", TRUE },
    { CT_NATION_NORTHERN_IRELAND, "2026-03-16T17:00:00", "16:00", "2026-03-17T23:59:59+00:00", "before St Patrick's Day", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-03-16T17:00:00", "16:00", "2026-03-17T23:59:59+00:00", "St Patrick's Day is not a holiday in England", FALSE },
    /* British Summer Time starts 01:00 UTC on Sunday 29 March 2026 and ends
     * 01:00 UTC on Sunday 25 October 2026. */
    { CT_NATION_ENGLAND_WALES, "2026-03-28T16:30:00", "16:00", "2026-03-29T23:59:59+01:00", "Saturday before the clocks go forward", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-03-29T01:30:00Z", "16:00", "2026-03-29T23:59:59+01:00", "during the change to summer time", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-03-30T14:59:00Z", "16:00", "2026-03-30T23:59:59+01:00", "15:59 BST is before a 16:00 cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-03-30T15:00:00Z", "16:00", "2026-03-31T23:59:59+01:00", "16:00 BST is at the cut-off", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-10-24T16:30:00", "16:00", "2026-10-25T23:59:59+00:00", "Saturday before the clocks go back", TRUE },
    { CT_NATION_ENGLAND_WALES, "2026-10-26T15:59:00Z", "16:00", "2026-10-26T23:59:59+00:00", "Monday after the clocks go back", FALSE },
    { CT_NATION_ENGLAND_WALES, "2026-10-23T23:30:00Z", "16:00", "2026-10-24T23:59:59+01:00", "00:30 BST on Saturday, 23:30 UTC on Friday", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) recorded = instant (cases[i].recorded);
      g_autoptr(GDateTime) due = NULL;
      guint cutoff;

      g_assert_true (ct_cutoff_parse (cases[i].cutoff, &cutoff, NULL));
      due = ct_clock_escalation_due (calendars[cases[i].nation], recorded, cutoff);
      assert_due (due, cases[i].expected, cases[i].why);
      if (ct_clock_escalation_notice (calendars[cases[i].nation], recorded, cutoff, NULL) !=
          cases[i].not_working_day)
        g_error ("%s: expected the due day %sto be a working day", cases[i].why,
                 cases[i].not_working_day ? "not " : "");
    }
}

typedef struct
{
  CtNation    nation;
  const char *start;
  const char *period;
  const char *expected;
  const char *why;
} PeriodCase;

static void
test_periods (void)
{
  static const PeriodCase cases[] = {
    { CT_NATION_ENGLAND_WALES, "2026-11-23T10:00:00", "48h", "2026-11-25T10:00:00+00:00", "48 hours midweek" },
    { CT_NATION_ENGLAND_WALES, "2026-11-27T10:00:00", "48h", "2026-11-29T10:00:00+00:00", "48 hours run through the weekend" },
    { CT_NATION_ENGLAND_WALES, "2026-11-27T10:00:00", "2wd", "2026-12-01T23:59:59+00:00", "2 working days over the weekend" },
    { CT_NATION_SCOTLAND, "2026-11-27T10:00:00", "2wd", "2026-12-02T23:59:59+00:00", "2 working days over St Andrew's Day" },
    { CT_NATION_ENGLAND_WALES, "2026-12-24T15:00:00", "24h", "2026-12-25T15:00:00+00:00", "hours run through Christmas" },
    { CT_NATION_ENGLAND_WALES, "2026-12-24T15:00:00", "2wd", "2026-12-30T23:59:59+00:00", "working days skip Christmas" },
    { CT_NATION_ENGLAND_WALES, "2026-12-24T15:00:00", "2d", "2026-12-26T23:59:59+00:00", "calendar days" },
    { CT_NATION_ENGLAND_WALES, "2026-04-02T11:00:00", "2wd", "2026-04-08T23:59:59+01:00", "2 working days over Easter" },
    { CT_NATION_SCOTLAND, "2026-04-02T11:00:00", "2wd", "2026-04-07T23:59:59+01:00", "2 working days over Easter in Scotland" },
    { CT_NATION_ENGLAND_WALES, "2026-04-02T11:00:00", "48h", "2026-04-04T11:00:00+01:00", "48 hours over Easter" },
    /* Elapsed hours across the clock changes: 48 real hours. */
    { CT_NATION_ENGLAND_WALES, "2026-03-27T10:00:00", "48h", "2026-03-29T11:00:00+01:00", "48 hours into summer time" },
    { CT_NATION_ENGLAND_WALES, "2026-10-23T10:00:00", "48h", "2026-10-25T09:00:00+00:00", "48 hours out of summer time" },
    { CT_NATION_ENGLAND_WALES, "2026-03-28T10:00:00", "24h", "2026-03-29T11:00:00+01:00", "24 hours across the change" },
    { CT_NATION_NORTHERN_IRELAND, "2026-07-10T12:00:00", "1wd", "2026-07-14T23:59:59+01:00", "over the Twelfth (substitute Monday 13)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) start = instant (cases[i].start);
      g_autoptr(GDateTime) due = NULL;
      g_autoptr(GError) error = NULL;
      CtPeriod period;

      g_assert_true (ct_period_parse (cases[i].period, &period, &error));
      g_assert_no_error (error);
      due = ct_clock_period_due (calendars[cases[i].nation], start, &period);
      assert_due (due, cases[i].expected, cases[i].why);
    }
}

static void
test_period_parse (void)
{
  static const struct { const char *text; guint amount; CtPeriodUnit unit; } good[] = {
    { "48h", 48, CT_PERIOD_HOURS },
    { "24h", 24, CT_PERIOD_HOURS },
    { "1h", 1, CT_PERIOD_HOURS },
    { "9999h", 9999, CT_PERIOD_HOURS },
    { "2wd", 2, CT_PERIOD_WORKING_DAYS },
    { "1wd", 1, CT_PERIOD_WORKING_DAYS },
    { "3d", 3, CT_PERIOD_DAYS },
  };
  static const char * const bad[] = {
    "", "48", "h", "wd", "0h", "0wd", "048h", "48 h", " 48h", "48h ", "48H", "2WD",
    "2 wd", "-1h", "+1h", "10000h", "1.5h", "2w", "2dw", "48hours", "99999999999999999999h",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      CtPeriod period;
      g_autofree char *back = NULL;

      g_assert_true (ct_period_parse (good[i].text, &period, NULL));
      g_assert_cmpuint (period.amount, ==, good[i].amount);
      g_assert_cmpint (period.unit, ==, good[i].unit);
      back = ct_period_to_string (&period);
      g_assert_cmpstr (back, ==, good[i].text);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      CtPeriod period = { 7, CT_PERIOD_DAYS };

      if (ct_period_parse (bad[i], &period, &error))
        g_error ("“%s” was accepted as a period", bad[i]);
      g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_PERIOD);
      g_assert_nonnull (strstr (error->message, "48h, 24h or 2wd"));
      /* A refused period leaves the output alone. */
      g_assert_cmpuint (period.amount, ==, 7);
    }

  {
    g_autoptr(GError) error = NULL;
    CtPeriod period;

    g_assert_false (ct_period_parse (NULL, &period, &error));
    g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_PERIOD);
  }
}

static void
test_cutoff_parse (void)
{
  static const struct { const char *text; guint minutes; } good[] = {
    { "16:00", 960 }, { "00:00", 0 }, { "23:59", 1439 }, { "09:30", 570 },
  };
  static const char * const bad[] = {
    "", "24:00", "16:60", "4:00", "16.00", "1600", "16:00 ", " 16:00", "16:0", "ab:cd", "-1:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      guint minutes = 0;

      g_assert_true (ct_cutoff_parse (good[i].text, &minutes, NULL));
      g_assert_cmpuint (minutes, ==, good[i].minutes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      guint minutes = 42;

      if (ct_cutoff_parse (bad[i], &minutes, &error))
        g_error ("“%s” was accepted as a cut-off", bad[i]);
      g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_CUTOFF);
      g_assert_nonnull (strstr (error->message, "HH:MM"));
      g_assert_cmpuint (minutes, ==, 42);
    }
}

typedef struct
{
  CtNation     nation;
  CtClockKind  kind;
  const char  *start;
  const char  *expected;
  const char  *why;
} DueCase;

static void
test_clock_due (void)
{
  static const DueCase cases[] = {
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_ESCALATION, "2026-11-23T15:59:00", "2026-11-23T23:59:59+00:00", "escalation before the cut-off" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_URGENT_REFERRAL, "2026-11-28T22:15:00", "2026-11-28T22:15:00+00:00", "an urgent referral is due at once, even on a Saturday night" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_DECISION, "2026-11-23T10:00:00", "2026-11-23T23:59:59+00:00", "decide by the end of the same working day (our default)" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_DECISION, "2026-11-28T10:00:00", "2026-11-30T23:59:59+00:00", "escalated on a Saturday: decide by the end of Monday" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_REFERRAL, "2026-12-24T17:00:00", "2026-12-24T23:59:59+00:00", "refer the same working day" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_REFERRAL, "2026-12-25T09:00:00", "2026-12-29T23:59:59+00:00", "concerns remain on Christmas Day: refer by the next working day" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_WRITTEN_CONFIRMATION, "2026-11-27T10:00:00", "2026-11-29T10:00:00+00:00", "written confirmation, 48h default" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_LA_DECISION, "2026-11-27T10:00:00", "2026-11-30T23:59:59+00:00", "LA decision: 1 working day from Friday" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_LA_DECISION, "2026-11-23T09:00:00", "2026-11-24T23:59:59+00:00", "LA decision: 1 working day from Monday" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_LA_CHASE, "2026-11-27T10:00:00", "2026-12-02T23:59:59+00:00", "chase at 3 working days from Friday" },
    { CT_NATION_SCOTLAND, CT_CLOCK_LA_CHASE, "2026-11-27T10:00:00", "2026-12-03T23:59:59+00:00", "chase in Scotland over St Andrew's Day" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_LA_CHASE, "2026-12-23T10:00:00", "2026-12-30T23:59:59+00:00", "chase over Christmas" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_LADO, "2026-04-02T17:00:00", "2026-04-07T23:59:59+01:00", "LADO over Easter" },
    { CT_NATION_SCOTLAND, CT_CLOCK_LADO, "2026-04-02T17:00:00", "2026-04-06T23:59:59+01:00", "LADO over Easter in Scotland" },
    { CT_NATION_NORTHERN_IRELAND, CT_CLOCK_LADO, "2026-12-31T09:00:00", "2027-01-04T23:59:59+00:00", "LADO over New Year" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_POLICY_REVIEW, "2026-06-01T10:00:00", "2027-06-01T23:59:59+01:00", "policy review after a year" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_POLICY_REVIEW, "2024-02-29T10:00:00", "2025-02-28T23:59:59+00:00", "policy adopted on 29 February" },
    { CT_NATION_ENGLAND_WALES, CT_CLOCK_RETENTION_REVIEW, "2026-11-23T10:00:00", "2051-11-23T23:59:59+00:00", "retention without a date of birth" },
  };
  CtClockSettings settings;

  ct_clock_settings_init_defaults (&settings);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) start = instant (cases[i].start);
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) due = ct_clock_due (calendars[cases[i].nation], &settings,
                                               cases[i].kind, start, &error);

      g_assert_no_error (error);
      assert_due (due, cases[i].expected, cases[i].why);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) due = ct_clock_due (calendars[0], &settings, CT_CLOCK_LADO, NULL, &error);

    g_assert_null (due);
    g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_MISSING_START);
  }

  /* A per-authority period changes the written-confirmation clock. */
  {
    g_autoptr(GDateTime) start = instant ("2026-11-27T10:00:00");
    g_autoptr(GDateTime) due24 = NULL;
    g_autoptr(GDateTime) due2wd = NULL;

    g_assert_true (ct_period_parse ("24h", &settings.confirmation_period, NULL));
    due24 = ct_clock_due (calendars[0], &settings, CT_CLOCK_WRITTEN_CONFIRMATION, start, NULL);
    assert_due (due24, "2026-11-28T10:00:00+00:00", "24h authority");
    g_assert_true (ct_period_parse ("2wd", &settings.confirmation_period, NULL));
    due2wd = ct_clock_due (calendars[0], &settings, CT_CLOCK_WRITTEN_CONFIRMATION, start, NULL);
    assert_due (due2wd, "2026-12-01T23:59:59+00:00", "2wd authority");
  }
}

static void
test_retention (void)
{
  g_autoptr(GDateTime) closed = instant ("2026-11-23T10:00:00");
  g_autoptr(GDateTime) child = NULL;
  g_autoptr(GDateTime) young_worker = NULL;
  g_autoptr(GDateTime) old_worker = NULL;
  g_autoptr(GDateTime) unknown_worker = NULL;
  GDate dob;

  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 10, G_DATE_MARCH, 2015);
  child = ct_clock_retention_due (&dob, closed, 25);
  assert_due (child, "2040-03-10T23:59:59+00:00", "child's 25th birthday");

  /* Retirement (1990 + 67 = 2057) is later than 10 years (2036). */
  g_date_set_dmy (&dob, 1, G_DATE_MAY, 1990);
  young_worker = ct_clock_allegation_retention_due (&dob, 67, closed, 10);
  assert_due (young_worker, "2057-05-01T23:59:59+01:00", "retirement is later");

  /* Ten years (2036) is later than retirement (1960 + 67 = 2027). */
  g_date_set_dmy (&dob, 1, G_DATE_JANUARY, 1960);
  old_worker = ct_clock_allegation_retention_due (&dob, 67, closed, 10);
  assert_due (old_worker, "2036-11-23T23:59:59+00:00", "ten years is later");

  unknown_worker = ct_clock_allegation_retention_due (NULL, 67, closed, 10);
  assert_due (unknown_worker, "2036-11-23T23:59:59+00:00", "date of birth unknown");
}

static void
test_kind_names (void)
{
  for (guint i = 0; i < CT_N_CLOCKS; i++)
    {
      CtClockKind kind;

      g_assert_true (ct_clock_kind_from_string (ct_clock_kind_to_string ((CtClockKind) i), &kind));
      g_assert_cmpint (kind, ==, i);
      g_assert_nonnull (ct_clock_kind_describe ((CtClockKind) i));
    }
  {
    CtClockKind kind;

    g_assert_false (ct_clock_kind_from_string ("tea-break", &kind));
    g_assert_cmpstr (ct_clock_kind_to_string (CT_CLOCK_LA_CHASE), ==, "la-chase");
  }
}

static void
test_format_winter_offset (void)
{
  /* Winter times carry +00:00, never "Z", so they read as UK local time. */
  g_autoptr(GDateTime) t = instant ("2026-01-05T09:00:00Z");
  g_autofree char *text = ct_clock_format_iso8601 (t);

  g_assert_cmpstr (text, ==, "2026-01-05T09:00:00+00:00");
}

static void
test_parse_instant (void)
{
  static const struct { const char *text; const char *expected; } good[] = {
    { "2026-11-23T15:59", "2026-11-23T15:59:00+00:00" },
    { "2026-11-23 15:59", "2026-11-23T15:59:00+00:00" },
    { "2026-11-23T15:59:30", "2026-11-23T15:59:30+00:00" },
    { "2026-07-01T09:00", "2026-07-01T09:00:00+01:00" },
    { "2026-07-01T08:00Z", "2026-07-01T09:00:00+01:00" },
    { "2026-07-01T09:00:00+01:00", "2026-07-01T09:00:00+01:00" },
    /* Either side of the changes, and an exact time within them. */
    { "2026-03-29T00:59", "2026-03-29T00:59:00+00:00" },
    { "2026-03-29T02:00", "2026-03-29T02:00:00+01:00" },
    { "2026-10-25T00:59", "2026-10-25T00:59:00+01:00" },
    { "2026-10-25T02:00", "2026-10-25T02:00:00+00:00" },
    { "2026-10-25T01:30:00+01:00", "2026-10-25T01:30:00+01:00" },
    { "2026-10-25T01:30:00+00:00", "2026-10-25T01:30:00+00:00" },
  };
  static const struct { const char *text; const char *needle; } bad[] = {
    { "", "is not a time" },
    { "2026-11-23", "is not a time" },
    { "23/11/2026 15:59", "is not a time" },
    { "2026-11-23T25:00", "is not a time" },
    { "2026-02-30T10:00", "is not a time" },
    { "2026-11-23T15:59 tomorrow", "is not a time" },
    { "2026-03-29T01:30", "did not happen in the UK" },
    { "2026-10-25T01:30", "happened twice in the UK" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) t = ct_clock_parse_instant (good[i].text, &error);

      g_assert_no_error (error);
      assert_due (t, good[i].expected, good[i].text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) t = ct_clock_parse_instant (bad[i].text, &error);

      if (t != NULL)
        g_error ("“%s” was accepted", bad[i].text);
      g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("“%s”: “%s” lacks “%s”", bad[i].text, error->message, bad[i].needle);
    }
}

/* Times outside 1900–2200 are refused with their own error, whether the
 * year is written so or only reached through the offset; near the years 1
 * and 9999 GLib cannot apply an offset at all, which crashed before. */
static void
test_parse_instant_range (void)
{
  static const char *out_of_range[] = {
    "1899-12-31T23:59", "1899-12-31T23:30-01:00", "0001-01-01T00:00+01:00", "0001-01-01T00:00",
    "2201-01-01T00:00", "2200-12-31T23:30-05:00", "9999-12-31T23:59-05:00", "9999-12-31T23:59",
  };
  static const char *edges[] = { "1900-01-01T00:00", "2200-12-31T23:59:59", "2200-12-31T22:00Z" };
  g_autofree char *dob = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) t = ct_clock_parse_instant (out_of_range[i], &error);

      if (t != NULL)
        g_error ("“%s” was accepted", out_of_range[i]);
      g_assert_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_OUT_OF_RANGE);
      g_assert_nonnull (strstr (error->message, "the date must be between 1900 and 2200"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) t = ct_clock_parse_instant (edges[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (t);
    }

  /* Dates typed in forms: the same years. */
  g_assert_false (ct_parse_date ("31/12/1899", NULL));
  g_assert_false (ct_parse_date ("01/01/2201", NULL));
  g_assert_false (ct_parse_date ("1850-06-01", NULL));
  g_assert_true (ct_parse_date ("01/01/1900", &dob));
  g_assert_cmpstr (dob, ==, "1900-01-01");
  g_clear_pointer (&dob, g_free);
  g_assert_true (ct_parse_date ("31.12.2200", &dob));
  g_assert_cmpstr (dob, ==, "2200-12-31");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  for (guint n = 0; n < CT_N_NATIONS; n++)
    {
      g_autoptr(GError) error = NULL;

      calendars[n] = ct_calendar_new ((CtNation) n, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/clock/escalation", test_escalation);
  g_test_add_func ("/clock/periods", test_periods);
  g_test_add_func ("/clock/period-parse", test_period_parse);
  g_test_add_func ("/clock/cutoff-parse", test_cutoff_parse);
  g_test_add_func ("/clock/due", test_clock_due);
  g_test_add_func ("/clock/retention", test_retention);
  g_test_add_func ("/clock/kind-names", test_kind_names);
  g_test_add_func ("/clock/format-winter-offset", test_format_winter_offset);
  g_test_add_func ("/clock/parse-instant", test_parse_instant);
  g_test_add_func ("/clock/parse-instant-range", test_parse_instant_range);

  ret = g_test_run ();

  for (guint n = 0; n < CT_N_NATIONS; n++)
    g_clear_object (&calendars[n]);

  return ret;
}

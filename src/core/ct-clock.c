/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-clock"

#include "config.h"

#include "ct-clock.h"

#include <glib/gi18n.h>
#include <string.h>

/* The definitions these functions implement are written out in ct-clock.h. */

G_DEFINE_QUARK (ct-clock-error-quark, ct_clock_error)

static const char * const clock_names[CT_N_CLOCKS] = {
  "escalation",
  "urgent-referral",
  "decision",
  "referral",
  "written-confirmation",
  "la-decision",
  "la-chase",
  "lado",
  "policy-review",
  "retention-review",
};

#define MAX_PERIOD_AMOUNT 9999

/**
 * ct_clock_kind_to_string:
 * @kind: a clock
 *
 * Returns: the stable kebab-case name of @kind
 */
const char *
ct_clock_kind_to_string (CtClockKind kind)
{
  g_return_val_if_fail (kind < CT_N_CLOCKS, NULL);
  return clock_names[kind];
}

/**
 * ct_clock_kind_from_string:
 * @str: a clock's kebab-case name
 * @out_kind: (out): the clock
 *
 * Returns: %TRUE if @str names a clock
 */
gboolean
ct_clock_kind_from_string (const char  *str,
                           CtClockKind *out_kind)
{
  g_return_val_if_fail (out_kind != NULL, FALSE);

  for (guint i = 0; str != NULL && i < CT_N_CLOCKS; i++)
    {
      if (strcmp (str, clock_names[i]) == 0)
        {
          *out_kind = (CtClockKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * ct_clock_kind_describe:
 * @kind: a clock
 *
 * Returns: what has to be done when @kind falls due, as a translated phrase
 *   that completes "… is due"
 */
const char *
ct_clock_kind_describe (CtClockKind kind)
{
  switch (kind)
    {
    case CT_CLOCK_ESCALATION:
      return _("Escalating the concern to the line manager and the safeguarding lead");
    case CT_CLOCK_URGENT_REFERRAL:
      return _("An urgent referral: the child may be at immediate risk");
    case CT_CLOCK_DECISION:
      return _("Deciding whether concerns remain, none remain, or advice is needed");
    case CT_CLOCK_REFERRAL:
      return _("Referring the child to children’s social care");
    case CT_CLOCK_WRITTEN_CONFIRMATION:
      return _("Written confirmation of the referral");
    case CT_CLOCK_LA_DECISION:
      return _("The local authority’s decision on the referral");
    case CT_CLOCK_LA_CHASE:
      return _("Chasing the local authority for its decision");
    case CT_CLOCK_LADO:
      return _("Informing the local authority designated officer (LADO)");
    case CT_CLOCK_POLICY_REVIEW:
      return _("Reviewing the safeguarding policy");
    case CT_CLOCK_RETENTION_REVIEW:
      return _("Reviewing whether the case records are still needed");
    case CT_N_CLOCKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ct_clock_settings_init_defaults:
 * @settings: (out caller-allocates): settings to fill
 *
 * Fills @settings with the procedure's defaults: cut-off 16:00, written
 * confirmation within 48 hours, local authority decision within 1 working
 * day, chase at 3 working days, LADO within 1 working day, policy review
 * yearly, records kept to the child's 25th birthday, allegation records to
 * retirement at 67 or 10 years, whichever is later.
 */
void
ct_clock_settings_init_defaults (CtClockSettings *settings)
{
  g_return_if_fail (settings != NULL);

  memset (settings, 0, sizeof *settings);
  settings->cutoff_minutes = 16 * 60;
  settings->confirmation_period.amount = 48;
  settings->confirmation_period.unit = CT_PERIOD_HOURS;
  settings->la_decision_working_days = 1;
  settings->la_chase_working_days = 3;
  settings->lado_working_days = 1;
  settings->policy_review_years = 1;
  settings->retention_years = 25;
  settings->retirement_age = 67;
  settings->allegation_retention_years = 10;
}

/**
 * ct_period_parse:
 * @text: a period: a whole number from 1 to 9999 followed at once by "h"
 *   (hours), "d" (calendar days) or "wd" (working days), e.g. "48h", "2wd"
 * @out_period: (out caller-allocates): the period
 * @error: return location for a #CT_CLOCK_ERROR_BAD_PERIOD error
 *
 * Reads a period strictly: no spaces, signs, leading zeros or other units.
 *
 * Returns: %TRUE if @text is a period
 */
gboolean
ct_period_parse (const char  *text,
                 CtPeriod    *out_period,
                 GError     **error)
{
  const char *p = text;
  guint64 amount = 0;
  guint digits = 0;
  CtPeriodUnit unit;

  g_return_val_if_fail (out_period != NULL, FALSE);

  if (p == NULL)
    p = "";

  while (g_ascii_isdigit (*p) && digits < 5)
    {
      amount = amount * 10 + (guint64) (*p - '0');
      digits++;
      p++;
    }

  if (strcmp (p, "h") == 0)
    unit = CT_PERIOD_HOURS;
  else if (strcmp (p, "d") == 0)
    unit = CT_PERIOD_DAYS;
  else if (strcmp (p, "wd") == 0)
    unit = CT_PERIOD_WORKING_DAYS;
  else
    goto bad;

  if (digits == 0 || text[0] == '0' || amount < 1 || amount > MAX_PERIOD_AMOUNT)
    goto bad;

  out_period->amount = (guint) amount;
  out_period->unit = unit;
  return TRUE;

bad:
  g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_PERIOD,
               _("“%s” is not a period Caretrail understands. Write a whole number from 1 to 9999 followed by h for hours, d for days or wd for working days, for example 48h, 24h or 2wd."),
               text != NULL ? text : "");
  return FALSE;
}

/**
 * ct_period_to_string:
 * @period: a period
 *
 * Returns: (transfer full): @period written as ct_period_parse() reads it
 */
char *
ct_period_to_string (const CtPeriod *period)
{
  g_return_val_if_fail (period != NULL, NULL);

  switch (period->unit)
    {
    case CT_PERIOD_HOURS:
      return g_strdup_printf ("%uh", period->amount);
    case CT_PERIOD_DAYS:
      return g_strdup_printf ("%ud", period->amount);
    case CT_PERIOD_WORKING_DAYS:
      return g_strdup_printf ("%uwd", period->amount);
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ct_cutoff_parse:
 * @text: a 24-hour local time written HH:MM, from 00:00 to 23:59
 * @out_minutes: (out): minutes after midnight
 * @error: return location for a #CT_CLOCK_ERROR_BAD_CUTOFF error
 *
 * Returns: %TRUE if @text is a cut-off time
 */
gboolean
ct_cutoff_parse (const char  *text,
                 guint       *out_minutes,
                 GError     **error)
{
  guint h, m;

  g_return_val_if_fail (out_minutes != NULL, FALSE);

  if (text == NULL || strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    goto bad;

  h = (guint) ((text[0] - '0') * 10 + (text[1] - '0'));
  m = (guint) ((text[3] - '0') * 10 + (text[4] - '0'));
  if (h > 23 || m > 59)
    goto bad;

  *out_minutes = h * 60 + m;
  return TRUE;

bad:
  g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_CUTOFF,
               _("“%s” is not a cut-off time. Write it as HH:MM on the 24-hour clock, for example 16:00."),
               text != NULL ? text : "");
  return FALSE;
}

/* Whether @utc, shown in UK time, reads as the wall-clock time @local. */
static gboolean
reads_as (GDateTime *utc,
          GDateTime *local)
{
  g_autoptr(GDateTime) uk = NULL;

  /* NULL is a time outside what GDateTime can hold (before year 1). */
  if (utc == NULL)
    return FALSE;
  uk = g_date_time_to_timezone (utc, ct_calendar_get_timezone ());
  if (uk == NULL)
    return FALSE;

  return g_date_time_get_year (uk) == g_date_time_get_year (local) &&
         g_date_time_get_day_of_year (uk) == g_date_time_get_day_of_year (local) &&
         g_date_time_get_hour (uk) == g_date_time_get_hour (local) &&
         g_date_time_get_minute (uk) == g_date_time_get_minute (local) &&
         g_date_time_get_second (uk) == g_date_time_get_second (local);
}

/**
 * ct_clock_check_year:
 * @year: the year of a date the user gave
 * @text: the date or time as the user wrote it, for the message
 * @error: return location for a %CT_CLOCK_ERROR_OUT_OF_RANGE error
 *
 * Returns: %TRUE if @year is from %CT_CLOCK_MIN_YEAR to %CT_CLOCK_MAX_YEAR
 */
gboolean
ct_clock_check_year (int          year,
                     const char  *text,
                     GError     **error)
{
  if (year >= CT_CLOCK_MIN_YEAR && year <= CT_CLOCK_MAX_YEAR)
    return TRUE;

  g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_OUT_OF_RANGE,
               /* Translators: the first %s is the date as typed, then two years */
               _("“%s” cannot be used: the date must be between %d and %d. Check the year."),
               text != NULL ? text : "", CT_CLOCK_MIN_YEAR, CT_CLOCK_MAX_YEAR);
  return FALSE;
}

/* @instant in UK time, if its UK date is in the years Caretrail reads. */
static GDateTime *
to_uk_in_range (GDateTime   *instant,
                const char  *text,
                GError     **error)
{
  g_autoptr(GDateTime) uk = g_date_time_to_timezone (instant, ct_calendar_get_timezone ());

  /* GLib gives no time at all past the year 9999. */
  if (!ct_clock_check_year (uk != NULL ? g_date_time_get_year (uk) : G_MAXINT, text, error))
    return NULL;
  return g_steal_pointer (&uk);
}

/**
 * ct_clock_parse_instant:
 * @text: an ISO 8601 date and time, e.g. "2026-11-23T15:59",
 *   "2026-11-23 15:59:30" or "2026-03-30T14:59:00Z"
 * @error: return location for a %CT_CLOCK_ERROR_BAD_TIME error
 *
 * Reads a time. Seconds may be left out, and a space may stand for the "T".
 * With an offset ("Z", "+01:00") the time is exact. Without one it is UK
 * wall-clock time, and it is refused if it did not happen (the hour skipped
 * when the clocks go forward) or happened twice (the hour repeated when they
 * go back), rather than guessing: give the offset for those. Years before
 * %CT_CLOCK_MIN_YEAR or after %CT_CLOCK_MAX_YEAR (in the text, or in UK
 * time) are refused with %CT_CLOCK_ERROR_OUT_OF_RANGE.
 *
 * Returns: (transfer full): the instant in UK time, or %NULL
 */
GDateTime *
ct_clock_parse_instant (const char  *text,
                        GError     **error)
{
  g_autofree char *normal = NULL;
  g_autoptr(GDateTime) as_utc = NULL;
  g_autoptr(GDateTime) gmt = NULL;
  g_autoptr(GDateTime) bst = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gboolean gmt_fits, bst_fits;
  gsize len;

  if (text == NULL || (len = strlen (text)) < 16 || text[4] != '-' ||
      text[7] != '-' || (text[10] != 'T' && text[10] != ' ') || text[13] != ':')
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” is not a time. Write it as YYYY-MM-DDTHH:MM, for example 2026-11-23T15:59, optionally with seconds and an offset such as +01:00."),
                text != NULL ? text : "");
      return NULL;
    }

  /* The year first: GLib cannot represent some times near the years 1 and
   * 9999 once an offset or a clock change is applied. */
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isdigit (text[i]))
      {
        g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” is not a time. Write it as YYYY-MM-DDTHH:MM, for example 2026-11-23T15:59, optionally with seconds and an offset such as +01:00."),
                     text);
        return NULL;
      }
  if (!ct_clock_check_year (g_ascii_digit_value (text[0]) * 1000 + g_ascii_digit_value (text[1]) * 100 +
                            g_ascii_digit_value (text[2]) * 10 + g_ascii_digit_value (text[3]),
                            text, error))
    return NULL;

  normal = g_strdup (text);
  normal[10] = 'T';
  /* Add the seconds GLib requires when they are left out. */
  if (len == 16 || (len > 16 && (normal[16] == 'Z' || normal[16] == '+' || normal[16] == '-')))
    {
      g_autofree char *head = g_strndup (normal, 16);

      g_free (normal);
      normal = g_strconcat (head, ":00", text + 16, NULL);
    }

  /* Read it as if it were UTC, to learn whether it carries an offset. */
  as_utc = g_date_time_new_from_iso8601 (normal, utc);
  if (as_utc == NULL)
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” is not a time. Write it as YYYY-MM-DDTHH:MM, for example 2026-11-23T15:59, optionally with seconds and an offset such as +01:00."),
                text);
      return NULL;
    }

  {
    const char *tail = normal + 19;

    while (*tail == '.' || g_ascii_isdigit (*tail))
      tail++;
    if (*tail != '\0')
      return to_uk_in_range (as_utc, text, error);
  }

  /* UK wall-clock time: GMT (+00:00) or BST (+01:00); exactly one must fit. */
  gmt = g_date_time_ref (as_utc);
  bst = g_date_time_add_hours (as_utc, -1);
  if (bst == NULL)
    {
      /* The first hour of year 1, which GDateTime cannot hold as BST. */
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” is not a time. Write it as YYYY-MM-DDTHH:MM, for example 2026-11-23T15:59, optionally with seconds and an offset such as +01:00."),
                   text);
      return NULL;
    }
  gmt_fits = reads_as (gmt, as_utc);
  bst_fits = reads_as (bst, as_utc);

  if (gmt_fits && bst_fits)
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” happened twice in the UK, because the clocks went back an hour that night. Add +01:00 for the first time or +00:00 for the second."),
                text);
      return NULL;
    }
  if (!gmt_fits && !bst_fits)
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME, _("“%s” did not happen in the UK, because the clocks went forward an hour that night. Check the time."),
                text);
      return NULL;
    }

  return to_uk_in_range (gmt_fits ? gmt : bst, text, error);
}

/**
 * ct_clock_end_of_day:
 * @date: a valid date
 *
 * Returns: (transfer full): 23:59:59 UK local time on @date
 */
GDateTime *
ct_clock_end_of_day (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_date_time_new (ct_calendar_get_timezone (),
                          g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date), 23, 59, 59);
}

/**
 * ct_clock_local_date:
 * @instant: an instant in any time zone
 * @out_date: (out caller-allocates): the UK date of @instant
 */
void
ct_clock_local_date (GDateTime *instant,
                     GDate     *out_date)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_if_fail (instant != NULL);
  g_return_if_fail (out_date != NULL);

  local = g_date_time_to_timezone (instant, ct_calendar_get_timezone ());
  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
}

/**
 * ct_clock_format_iso8601:
 * @instant: an instant
 *
 * Returns: (transfer full): @instant in UK local time as ISO 8601 with its
 *   offset, e.g. "2026-03-30T23:59:59+01:00" ("+00:00" in winter, never "Z")
 */
char *
ct_clock_format_iso8601 (GDateTime *instant)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (instant != NULL, NULL);

  local = g_date_time_to_timezone (instant, ct_calendar_get_timezone ());
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

/**
 * ct_clock_escalation_due:
 * @calendar: the organisation's calendar
 * @recorded: when the concern was recorded
 * @cutoff_minutes: the office's cut-off, minutes after local midnight
 *
 * Before the cut-off: the end of that day. At or after the cut-off: the
 * end of the following day, whether or not it is a working day (seed 000).
 *
 * Returns: (transfer full): when the concern must have been escalated
 */
GDateTime *
ct_clock_escalation_due (CtCalendar *calendar,
                         GDateTime  *recorded,
                         guint       cutoff_minutes)
{
  GDate due;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (recorded != NULL, NULL);

  ct_clock_escalation_notice (calendar, recorded, cutoff_minutes, &due);
  return ct_clock_end_of_day (&due);
}

/**
 * ct_clock_escalation_notice:
 * @calendar: the organisation's calendar
 * @recorded: when the concern was recorded
 * @cutoff_minutes: the office's cut-off, minutes after local midnight
 * @out_due_date: (out) (optional): the date escalation is due by the end of
 *
 * Escalation is due the same day, or the following day when the concern is
 * recorded at or after the cut-off (seed 000): calendar days, whatever the
 * day of the week.
 *
 * Returns: %TRUE if the day escalation falls due is not a working day, so
 *   the person recording the concern should be told to escalate now or use
 *   the out-of-hours route
 */
gboolean
ct_clock_escalation_notice (CtCalendar *calendar,
                            GDateTime  *recorded,
                            guint       cutoff_minutes,
                            GDate      *out_due_date)
{
  g_autoptr(GDateTime) local = NULL;
  GDate day;
  int seconds_into_day;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (recorded != NULL, FALSE);

  local = g_date_time_to_timezone (recorded, ct_calendar_get_timezone ());
  ct_clock_local_date (local, &day);
  seconds_into_day = g_date_time_get_hour (local) * 3600 +
                     g_date_time_get_minute (local) * 60 +
                     g_date_time_get_second (local);

  if (seconds_into_day >= (int) cutoff_minutes * 60)
    g_date_add_days (&day, 1);

  if (out_due_date != NULL)
    *out_due_date = day;
  return !ct_calendar_is_working_day (calendar, &day);
}

/**
 * ct_clock_is_rule_of_policy:
 * @kind: a clock
 *
 * Returns: %TRUE if the seeds (the policy and the statutory guidance) set
 *   @kind's period; %FALSE if it is Caretrail's own default, which the
 *   organisation may change and the app labels "our default"
 */
gboolean
ct_clock_is_rule_of_policy (CtClockKind kind)
{
  return kind != CT_CLOCK_DECISION && kind != CT_CLOCK_REFERRAL && kind != CT_CLOCK_LA_CHASE;
}

/**
 * ct_clock_same_working_day_due:
 * @calendar: the organisation's calendar
 * @start: when the clock started
 * @working_days: 0 for the same working day, or how many working days after
 *
 * Returns: (transfer full): the end of @start's date if it is a working day
 *   and @working_days is 0 (otherwise the end of the next working day), or
 *   the end of the @working_days-th working day after @start's date
 */
GDateTime *
ct_clock_same_working_day_due (CtCalendar *calendar,
                               GDateTime  *start,
                               guint       working_days)
{
  GDate day, due;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (start != NULL, NULL);

  if (working_days > 0)
    return ct_clock_working_days_due (calendar, start, working_days);

  ct_clock_local_date (start, &day);
  if (ct_calendar_is_working_day (calendar, &day))
    due = day;
  else
    ct_calendar_add_working_days (calendar, &day, 1, &due);
  return ct_clock_end_of_day (&due);
}

/**
 * ct_clock_working_days_due:
 * @calendar: the organisation's calendar
 * @start: when the clock started
 * @working_days: how many working days are allowed, at least 1
 *
 * Returns: (transfer full): the end of the @working_days-th working day after
 *   the UK date of @start
 */
GDateTime *
ct_clock_working_days_due (CtCalendar *calendar,
                           GDateTime  *start,
                           guint       working_days)
{
  GDate day, due;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (working_days >= 1, NULL);

  ct_clock_local_date (start, &day);
  ct_calendar_add_working_days (calendar, &day, working_days, &due);
  return ct_clock_end_of_day (&due);
}

/**
 * ct_clock_period_due:
 * @calendar: the organisation's calendar
 * @start: when the clock started
 * @period: the period allowed
 *
 * Returns: (transfer full): for hours, @start plus that many elapsed hours;
 *   for days, the end of the N-th day after @start's date; for working days,
 *   as ct_clock_working_days_due()
 */
GDateTime *
ct_clock_period_due (CtCalendar     *calendar,
                     GDateTime      *start,
                     const CtPeriod *period)
{
  g_autoptr(GDateTime) due = NULL;
  GDate day;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (start != NULL, NULL);
  g_return_val_if_fail (period != NULL && period->amount >= 1, NULL);

  switch (period->unit)
    {
    case CT_PERIOD_HOURS:
      due = g_date_time_add_hours (start, (int) period->amount);
      return g_date_time_to_timezone (due, ct_calendar_get_timezone ());

    case CT_PERIOD_DAYS:
      ct_clock_local_date (start, &day);
      g_date_add_days (&day, period->amount);
      return ct_clock_end_of_day (&day);

    case CT_PERIOD_WORKING_DAYS:
      return ct_clock_working_days_due (calendar, start, period->amount);

    default:
      g_return_val_if_reached (NULL);
    }
}

static void
add_years (GDate *date,
           guint  years)
{
  /* GDate clamps 29 February to 28 February in a common year. */
  g_date_add_years (date, years);
}

/**
 * ct_clock_policy_review_due:
 * @adopted: when the policy was adopted
 * @years: the review interval
 *
 * Returns: (transfer full): the end of the same date @years later
 */
GDateTime *
ct_clock_policy_review_due (const GDate *adopted,
                            guint        years)
{
  GDate due;

  g_return_val_if_fail (adopted != NULL && g_date_valid (adopted), NULL);

  due = *adopted;
  add_years (&due, years);
  return ct_clock_end_of_day (&due);
}

/**
 * ct_clock_retention_due:
 * @child_birth: (nullable): the child's date of birth, if known
 * @closed: when the case closed
 * @years: how long after birth the records are kept (25 by default)
 *
 * Returns: (transfer full): the end of the day the child turns @years, or,
 *   without a date of birth, the end of the same date @years after closing
 */
GDateTime *
ct_clock_retention_due (const GDate *child_birth,
                        GDateTime   *closed,
                        guint        years)
{
  GDate due;

  g_return_val_if_fail (closed != NULL, NULL);

  if (child_birth != NULL && g_date_valid (child_birth))
    due = *child_birth;
  else
    ct_clock_local_date (closed, &due);

  add_years (&due, years);
  return ct_clock_end_of_day (&due);
}

/**
 * ct_clock_allegation_retention_due:
 * @person_birth: (nullable): the date of birth of the person the allegation
 *   is about, if known
 * @retirement_age: their normal retirement age
 * @closed: when the case closed
 * @min_years: the minimum period after closing (10 by default)
 *
 * Returns: (transfer full): the later of the person's retirement date and
 *   @min_years after closing, each at the end of its day
 */
GDateTime *
ct_clock_allegation_retention_due (const GDate *person_birth,
                                   guint        retirement_age,
                                   GDateTime   *closed,
                                   guint        min_years)
{
  GDate after_closing, retirement;

  g_return_val_if_fail (closed != NULL, NULL);

  ct_clock_local_date (closed, &after_closing);
  add_years (&after_closing, min_years);

  if (person_birth != NULL && g_date_valid (person_birth))
    {
      retirement = *person_birth;
      add_years (&retirement, retirement_age);
      if (g_date_compare (&retirement, &after_closing) > 0)
        return ct_clock_end_of_day (&retirement);
    }

  return ct_clock_end_of_day (&after_closing);
}

/**
 * ct_clock_due:
 * @calendar: the organisation's calendar
 * @settings: the organisation's clock settings
 * @kind: the clock
 * @start: what starts it: the concern recorded, the verbal referral made, the
 *   allegation reported, the policy adopted or the case closed
 * @error: return location for a #CT_CLOCK_ERROR
 *
 * The due instant of @kind started at @start. The retention review computed
 * here does not know the child's date of birth, so it is 25 years after
 * closing; use ct_clock_retention_due() when the date of birth is known.
 *
 * Returns: (transfer full): the due instant in UK local time
 */
GDateTime *
ct_clock_due (CtCalendar            *calendar,
              const CtClockSettings *settings,
              CtClockKind            kind,
              GDateTime             *start,
              GError               **error)
{
  GDate day;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  if (start == NULL)
    {
      g_set_error (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_MISSING_START,
                   _("The clock “%s” has not started, so it has no due time."),
                   ct_clock_kind_to_string (kind));
      return NULL;
    }

  switch (kind)
    {
    case CT_CLOCK_ESCALATION:
      return ct_clock_escalation_due (calendar, start, settings->cutoff_minutes);
    case CT_CLOCK_URGENT_REFERRAL:
      return g_date_time_to_timezone (start, ct_calendar_get_timezone ());
    case CT_CLOCK_DECISION:
      return ct_clock_same_working_day_due (calendar, start, settings->decision_working_days);
    case CT_CLOCK_REFERRAL:
      return ct_clock_same_working_day_due (calendar, start, settings->referral_working_days);
    case CT_CLOCK_WRITTEN_CONFIRMATION:
      return ct_clock_period_due (calendar, start, &settings->confirmation_period);
    case CT_CLOCK_LA_DECISION:
      return ct_clock_working_days_due (calendar, start, MAX (1, settings->la_decision_working_days));
    case CT_CLOCK_LA_CHASE:
      return ct_clock_working_days_due (calendar, start, MAX (1, settings->la_chase_working_days));
    case CT_CLOCK_LADO:
      return ct_clock_working_days_due (calendar, start, MAX (1, settings->lado_working_days));
    case CT_CLOCK_POLICY_REVIEW:
      ct_clock_local_date (start, &day);
      return ct_clock_policy_review_due (&day, settings->policy_review_years);
    case CT_CLOCK_RETENTION_REVIEW:
      return ct_clock_retention_due (NULL, start, settings->retention_years);
    case CT_N_CLOCKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

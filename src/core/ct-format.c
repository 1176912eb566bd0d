/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-format"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ct-format.h"
#include "ct-calendar.h"
#include "ct-clock.h"

/**
 * ct_format_due_relative:
 * @due_at: the due instant, unix microseconds (UTC)
 * @now: the current instant, unix microseconds (UTC)
 * @out_overdue: (out) (optional): set to %TRUE when @due_at has passed
 *
 * Says how long is left until @due_at, or how long ago it passed, in the
 * largest unit that reads naturally ("2 hours left", "Overdue by 3 days").
 *
 * Returns: (transfer full): the text, or %NULL when @due_at is 0 (nothing due).
 */
char *
ct_format_due_relative (gint64    due_at,
                        gint64    now,
                        gboolean *out_overdue)
{
  gint64 diff;
  gboolean overdue;
  gint64 minutes;
  gint64 hours;
  gint64 days;

  if (out_overdue != NULL)
    *out_overdue = FALSE;

  if (due_at == 0)
    return NULL;

  overdue = due_at <= now;
  diff = overdue ? now - due_at : due_at - now;
  minutes = diff / G_USEC_PER_SEC / 60;
  hours = minutes / 60;
  days = hours / 24;

  if (out_overdue != NULL)
    *out_overdue = overdue;

  if (overdue)
    {
      if (days >= 1)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Overdue by %d day",
                                             "Overdue by %d days", days), (int) days);
      if (hours >= 1)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Overdue by %d hour",
                                             "Overdue by %d hours", hours), (int) hours);
      if (minutes >= 1)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Overdue by %d minute",
                                             "Overdue by %d minutes", minutes), (int) minutes);
      return g_strdup (_("Overdue now"));
    }

  if (days >= 2)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day left", "%d days left", days),
                            (int) days);
  if (hours >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour left", "%d hours left", hours),
                            (int) hours);
  if (minutes >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute left", "%d minutes left",
                                         minutes), (int) minutes);
  return g_strdup (_("Due now"));
}

/**
 * ct_format_instant:
 * @instant: unix microseconds (UTC)
 *
 * Returns: (transfer full): @instant as a date and time in UK time, with
 *   the month in words ("Tue 1 Dec 2026, 16:30")
 */
char *
ct_format_instant (gint64 instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");

  /* Deadlines are UK time wherever the computer thinks it is, and a date
   * written with its month in words cannot be misread (01/12 or 12/01). */
  local = g_date_time_to_timezone (utc, ct_calendar_get_timezone ());
  /* Translators: a date and time such as "Tue 1 Dec 2026, 16:30"; see the
   * strftime manual. Keep the month in words so it cannot be misread. */
  return g_date_time_format (local, _("%a %-d %b %Y, %H:%M"));
}

/**
 * ct_format_date:
 * @iso_date: (nullable): a date as "YYYY-MM-DD"
 *
 * Returns: (transfer full): the date with its month in words ("2 February
 *   2011"), or an empty string when @iso_date is not a date
 */
char *
ct_format_date (const char *iso_date)
{
  g_autoptr(GDateTime) dt = NULL;
  int y, m, d;

  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return g_strdup ("");

  dt = g_date_time_new_utc (y, m, d, 12, 0, 0);
  if (dt == NULL)
    return g_strdup ("");

  return ct_format_day (dt);
}

/**
 * ct_format_day:
 * @date: a date, in the time zone it is to be read in
 *
 * The one way a day is written out in the app and in documents. The
 * locale's short forms (%x, %c, %D) are never used: on an American desktop
 * they turn 12 February into "02/12/26".
 *
 * Returns: (transfer full): the day with its month in words ("2 February
 *   2011")
 */
char *
ct_format_day (GDateTime *date)
{
  g_return_val_if_fail (date != NULL, NULL);

  /* Translators: a date such as "2 February 2011"; see the strftime manual.
   * Keep the month in words so it cannot be misread. */
  return g_date_time_format (date, _("%-d %B %Y"));
}

/**
 * ct_format_day_and_time:
 * @date: an instant, in the time zone it is to be read in
 *
 * Returns: (transfer full): the day with its month in words and the time
 *   on the 24-hour clock ("5 March 2026 at 14:05"), as documents write it
 */
char *
ct_format_day_and_time (GDateTime *date)
{
  g_return_val_if_fail (date != NULL, NULL);

  /* Translators: a date and time in a document, as in "5 March 2026 at
   * 14:05"; see the strftime manual. Keep the month in words. */
  return g_date_time_format (date, _("%-d %B %Y at %H:%M"));
}

/**
 * ct_format_weekday:
 * @date: a valid date
 *
 * Returns: (transfer full): the date with its weekday and month in words
 *   ("Saturday 5 December 2026"), for a deadline that falls on a day the
 *   office is closed
 */
char *
ct_format_weekday (const GDate *date)
{
  char text[128];

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  /* Translators: a date such as "Saturday 5 December 2026"; see the
   * strftime manual. Keep the month in words so it cannot be misread. */
  if (g_date_strftime (text, sizeof text, _("%A %-d %B %Y"), date) == 0)
    return g_strdup ("");

  return g_strdup (text);
}

/**
 * ct_format_date_for_entry:
 * @iso_date: (nullable): "YYYY-MM-DD"
 *
 * Returns: (transfer full): the date as it is typed in a form,
 *   "DD/MM/YYYY", which ct_parse_date() reads back; "" if there is none.
 */
char *
ct_format_date_for_entry (const char *iso_date)
{
  int y, m, d;

  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return g_strdup ("");

  return g_strdup_printf ("%02d/%02d/%04d", d, m, y);
}

static gboolean
is_valid_date (int y,
               int m,
               int d)
{
  /* Checked before g_date_valid_dmy() narrows them: as a GDateDay, day
   * 259 would be day 3. */
  return y >= CT_CLOCK_MIN_YEAR && y <= CT_CLOCK_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
         g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/**
 * ct_parse_date:
 * @text: what the user typed
 * @out_iso_date: (out) (optional): the date as "YYYY-MM-DD"
 *
 * Reads a date written the way people in the United Kingdom write it
 * ("31/12/2019", "31.12.2019", "31-12-2019") or in ISO 8601 ("2019-12-31").
 * Years before %CT_CLOCK_MIN_YEAR or after %CT_CLOCK_MAX_YEAR are refused.
 *
 * Returns: %TRUE if @text is a real date in those years.
 */
gboolean
ct_parse_date (const char  *text,
               char       **out_iso_date)
{
  g_autofree char *stripped = NULL;
  int a = 0, b = 0, c = 0;
  int y, m, d;
  char sep1, sep2;
  char extra;

  if (out_iso_date != NULL)
    *out_iso_date = NULL;
  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));

  if (sscanf (stripped, "%d%c%d%c%d%c", &a, &sep1, &b, &sep2, &c, &extra) != 5)
    return FALSE;
  if (sep1 != sep2 || (sep1 != '/' && sep1 != '-' && sep1 != '.'))
    return FALSE;

  if (a > 31)
    {
      y = a;
      m = b;
      d = c;
    }
  else
    {
      d = a;
      m = b;
      y = c;
    }

  if (!is_valid_date (y, m, d))
    return FALSE;

  if (out_iso_date != NULL)
    *out_iso_date = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
  return TRUE;
}

/**
 * ct_parse_time_of_day:
 * @text: a time as "HH:MM" in 24-hour form
 * @out_hour: (out) (optional): the hour
 * @out_minute: (out) (optional): the minute
 *
 * Returns: %TRUE if @text is a time of day.
 */
gboolean
ct_parse_time_of_day (const char *text,
                      int        *out_hour,
                      int        *out_minute)
{
  int h, m;
  char extra;

  if (text == NULL || sscanf (text, "%d:%d%c", &h, &m, &extra) != 2)
    return FALSE;
  if (h < 0 || h > 23 || m < 0 || m > 59)
    return FALSE;

  if (out_hour != NULL)
    *out_hour = h;
  if (out_minute != NULL)
    *out_minute = m;
  return TRUE;
}

/**
 * ct_parse_date_time:
 * @date_text: a date as ct_parse_date() reads it
 * @time_text: a time of day as ct_parse_time_of_day() reads it
 *
 * Reads when something happened, typed as a date and a time in UK time
 * (Europe/London), which is the time every clock in Caretrail runs in.
 *
 * Returns: (transfer full) (nullable): the instant, or %NULL if either
 *   part cannot be read
 */
GDateTime *
ct_parse_date_time (const char *date_text,
                    const char *time_text)
{
  g_autofree char *iso = NULL;
  g_autofree char *time = time_text != NULL ? g_strstrip (g_strdup (time_text)) : NULL;
  int y, m, d, hour, minute;

  if (!ct_parse_date (date_text, &iso) || !ct_parse_time_of_day (time, &hour, &minute) ||
      sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3)
    return NULL;

  return g_date_time_new (ct_calendar_get_timezone (), y, m, d, hour, minute, 0);
}

/**
 * ct_format_for_entries:
 * @instant: an instant
 * @out_date: (out) (transfer full): its date in UK time, "DD/MM/YYYY"
 * @out_time: (out) (transfer full): its time of day in UK time, "HH:MM"
 *
 * Writes an instant as ct_parse_date_time() reads it back.
 */
void
ct_format_for_entries (GDateTime  *instant,
                       char      **out_date,
                       char      **out_time)
{
  g_autoptr(GDateTime) uk = g_date_time_to_timezone (instant, ct_calendar_get_timezone ());

  *out_date = g_date_time_format (uk, "%d/%m/%Y");
  *out_time = g_date_time_format (uk, "%H:%M");
}

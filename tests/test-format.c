/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-format"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "ct-calendar.h"
#include "ct-format.h"

/* Run once as it is, and once by format-en-us.sh under an American locale,
 * whose short date form reads 1 December 2026 as "12/01/26". Every date
 * Caretrail shows must read the same under both. */

static void
test_format_locale_is_active (void)
{
  const char *wanted = g_getenv ("CT_TEST_LOCALE");
  g_autoptr(GDateTime) day = g_date_time_new_utc (2026, 2, 12, 9, 0, 0);
  g_autofree char *short_form = NULL;

  if (wanted == NULL)
    {
      g_test_skip ("Run under the desktop's own locale; format-en-us.sh runs the American one");
      return;
    }

  /* Proves the locale took hold, so the checks below could catch %x. */
  g_assert_cmpstr (setlocale (LC_TIME, NULL), ==, wanted);
  short_form = g_date_time_format (day, "%x");
  g_assert_cmpstr (short_form, ==, "02/12/2026");
}

static void
test_format_instant (void)
{
  /* 1 December 2026 at 16:30 UK time (GMT). */
  g_autoptr(GDateTime) due = g_date_time_new (ct_calendar_get_timezone (), 2026, 12, 1, 16, 30, 0);
  g_autoptr(GDateTime) summer = g_date_time_new_from_iso8601 ("2026-06-01T23:59:00+01:00", NULL);
  g_autofree char *shown = ct_format_instant (g_date_time_to_unix (due) * G_USEC_PER_SEC);
  g_autofree char *shown_summer = ct_format_instant (g_date_time_to_unix (summer) *
                                                     G_USEC_PER_SEC);

  g_assert_cmpstr (shown, ==, "Tue 1 Dec 2026, 16:30");
  g_assert_cmpstr (shown_summer, ==, "Mon 1 Jun 2026, 23:59");
}

static void
test_format_dates (void)
{
  g_autofree char *birth = ct_format_date ("2011-02-02");
  g_autofree char *twelfth = ct_format_date ("2026-02-12");
  g_autofree char *none = ct_format_date (NULL);
  g_autofree char *junk = ct_format_date ("02/02/11");
  g_autoptr(GDateTime) letter = g_date_time_new (ct_calendar_get_timezone (), 2026, 3, 5, 14, 5, 0);
  g_autofree char *day = ct_format_day (letter);
  g_autofree char *day_time = ct_format_day_and_time (letter);

  g_assert_cmpstr (birth, ==, "2 February 2011");
  g_assert_cmpstr (twelfth, ==, "12 February 2026");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (junk, ==, "");
  g_assert_cmpstr (day, ==, "5 March 2026");
  g_assert_cmpstr (day_time, ==, "5 March 2026 at 14:05");
  {
    GDate saturday;
    g_autofree char *weekday = NULL;

    g_date_clear (&saturday, 1);
    g_date_set_dmy (&saturday, 5, G_DATE_DECEMBER, 2026);
    weekday = ct_format_weekday (&saturday);
    g_assert_cmpstr (weekday, ==, "Saturday 5 December 2026");
  }
}

static void
test_format_entries_round_trip (void)
{
  g_autoptr(GDateTime) when = g_date_time_new (ct_calendar_get_timezone (), 2026, 12, 1, 9, 5, 0);
  g_autoptr(GDateTime) back = NULL;
  g_autofree char *date = NULL;
  g_autofree char *time = NULL;
  g_autofree char *entry = ct_format_date_for_entry ("2026-12-01");
  g_autofree char *iso = NULL;

  /* Typed dates are always day first, whatever the locale says. */
  ct_format_for_entries (when, &date, &time);
  g_assert_cmpstr (date, ==, "01/12/2026");
  g_assert_cmpstr (time, ==, "09:05");
  g_assert_cmpstr (entry, ==, "01/12/2026");
  back = ct_parse_date_time (date, time);
  g_assert_nonnull (back);
  g_assert_true (g_date_time_equal (back, when));
  g_assert_true (ct_parse_date ("01/12/2026", &iso));
  g_assert_cmpstr (iso, ==, "2026-12-01");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/locale-is-active", test_format_locale_is_active);
  g_test_add_func ("/format/instant", test_format_instant);
  g_test_add_func ("/format/dates", test_format_dates);
  g_test_add_func ("/format/entries-round-trip", test_format_entries_round_trip);

  return g_test_run ();
}

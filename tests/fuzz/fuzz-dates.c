/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-dates"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-calendar.h"
#include "ct-clock.h"
#include "ct-format.h"
#include "fuzz-common.h"

/*
 * Every parser of a typed or stored date, time, period or cut-off: the
 * same text goes to each. A GError is a fine answer; what a parser accepts
 * must be in range and read back the same when written out again.
 */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  /* Load the time zone once, outside any input. */
  (void) ct_calendar_get_timezone ();
  return 0;
}

static void
check_instant (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) instant = ct_clock_parse_instant (text, &error);

  FUZZ_CHECK ((instant == NULL) == (error != NULL));
  /* Written out, it reads back as the same instant: checked for the years
   * records are kept for, not for Europe/London's local mean time of 1847
   * and before. */
  if (instant != NULL && g_date_time_get_year (instant) >= 1900 &&
      g_date_time_get_year (instant) <= 9998)
    {
      g_autofree char *written = ct_clock_format_iso8601 (instant);
      g_autoptr(GError) again_error = NULL;
      g_autoptr(GDateTime) again = NULL;

      FUZZ_CHECK (written != NULL);
      again = ct_clock_parse_instant (written, &again_error);
      FUZZ_CHECK (again != NULL);
      FUZZ_CHECK (g_date_time_to_unix (again) == g_date_time_to_unix (instant));
    }
}

static void
check_period (const char *text)
{
  g_autoptr(GError) error = NULL;
  CtPeriod period = { 0, };

  if (ct_period_parse (text, &period, &error))
    {
      g_autofree char *written = ct_period_to_string (&period);

      FUZZ_CHECK (error == NULL);
      FUZZ_CHECK (period.amount >= 1 && period.amount <= 9999);
      FUZZ_CHECK (g_strcmp0 (written, text) == 0);
    }
  else
    FUZZ_CHECK (error != NULL);
}

static void
check_cutoff (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint minutes = G_MAXUINT;

  if (ct_cutoff_parse (text, &minutes, &error))
    {
      FUZZ_CHECK (error == NULL);
      FUZZ_CHECK (minutes < 24 * 60);
    }
  else
    FUZZ_CHECK (error != NULL);
}

static void
check_date (const char *text)
{
  g_autofree char *iso = NULL;

  if (ct_parse_date (text, &iso))
    {
      g_autofree char *entry = NULL;
      g_autofree char *again = NULL;
      int y, m, d;
      char extra;

      /* Exactly "YYYY-MM-DD", a real day, and it reads back as itself. */
      FUZZ_CHECK (iso != NULL && strlen (iso) == 10);
      FUZZ_CHECK (sscanf (iso, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3);
      FUZZ_CHECK (g_date_valid_dmy (d, m, y));
      entry = ct_format_date_for_entry (iso);
      FUZZ_CHECK (ct_parse_date (entry, &again));
      FUZZ_CHECK (g_strcmp0 (iso, again) == 0);
    }
  else
    FUZZ_CHECK (iso == NULL);
}

static void
check_time_of_day (const char *text)
{
  int h = -1, m = -1;

  if (ct_parse_time_of_day (text, &h, &m))
    FUZZ_CHECK (h >= 0 && h <= 23 && m >= 0 && m <= 59);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autoptr(GDateTime) when = NULL;
  char *newline;

  check_instant (text);
  check_period (text);
  check_cutoff (text);
  check_date (text);
  check_time_of_day (text);

  /* A form's date and time entries: the date before a newline, the time
   * after it. */
  newline = strchr (text, '\n');
  if (newline != NULL)
    {
      *newline = '\0';
      when = ct_parse_date_time (text, newline + 1);
      if (when != NULL)
        {
          g_autofree char *date = NULL;
          g_autofree char *time = NULL;
          g_autoptr(GDateTime) again = NULL;

          ct_format_for_entries (when, &date, &time);
          again = ct_parse_date_time (date, time);
          FUZZ_CHECK (again != NULL);
        }
    }

  return 0;
}

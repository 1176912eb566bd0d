/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-calendar"

#include "config.h"

#include <string.h>

#include "ct-calendar.h"
#include "fuzz-common.h"

/*
 * The bank-holiday overrides file (data/bank-holidays.ini, compiled in, or
 * any file given to ct_calendar_new_from_data()). Damaged data must be a
 * GError; data that loads must give a calendar whose working days can be
 * counted in the years it names.
 */

#define MAX_YEARS 4

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

/* The years the data seems to be about: every "date=YYYY" or
 * "replaces=YYYY", so that the overrides are applied, not just read. */
static guint
find_years (const char *text,
            gsize       size,
            int         years[MAX_YEARS])
{
  guint n = 0;

  for (gsize i = 0; i + 4 <= size && n < MAX_YEARS; i++)
    {
      if (i > 0 && text[i - 1] != '=')
        continue;
      if (g_ascii_isdigit (text[i]) && g_ascii_isdigit (text[i + 1]) &&
          g_ascii_isdigit (text[i + 2]) && g_ascii_isdigit (text[i + 3]))
        {
          int year = (text[i] - '0') * 1000 + (text[i + 1] - '0') * 100 +
                     (text[i + 2] - '0') * 10 + (text[i + 3] - '0');

          if (year >= 1)
            years[n++] = year;
        }
    }
  return n;
}

static void
exercise (CtCalendar *calendar,
          int         year)
{
  g_autoptr(GPtrArray) holidays = ct_calendar_list_bank_holidays (calendar, year);
  GDate from, to;

  for (guint i = 0; i < holidays->len; i++)
    {
      const CtBankHoliday *h = g_ptr_array_index (holidays, i);
      g_autofree char *name = NULL;

      FUZZ_CHECK (g_date_valid (&h->date));
      FUZZ_CHECK (h->name != NULL && g_utf8_validate (h->name, -1, NULL));
      FUZZ_CHECK (ct_calendar_is_bank_holiday (calendar, &h->date, &name));
      FUZZ_CHECK (!ct_calendar_is_working_day (calendar, &h->date));
    }

  /* The clocks count working days from a date in that year. */
  if (year < 9999)
    {
      g_date_clear (&from, 1);
      g_date_set_dmy (&from, 20, G_DATE_DECEMBER, (GDateYear) year);
      ct_calendar_add_working_days (calendar, &from, 10, &to);
      FUZZ_CHECK (g_date_valid (&to));
      FUZZ_CHECK (ct_calendar_is_working_day (calendar, &to));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  int years[MAX_YEARS];
  guint n_years = find_years ((const char *) data, size, years);

  for (CtNation nation = 0; nation < CT_N_NATIONS; nation++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CtCalendar) calendar = NULL;

      calendar = ct_calendar_new_from_data (nation, (const char *) data, (gssize) size, &error);
      FUZZ_CHECK ((calendar == NULL) == (error != NULL));
      if (calendar == NULL)
        continue;

      FUZZ_CHECK (ct_calendar_get_nation (calendar) == nation);
      for (guint i = 0; i < n_years; i++)
        exercise (calendar, years[i]);
    }

  return 0;
}

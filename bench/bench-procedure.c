/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-procedure"

#include "config.h"

#include "ct-procedure.h"

/* How long the engine's pure functions take: counting working days, and
 * listing what is overdue across many cases (the "overdue" view). */

static double
seconds_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCalendar) calendar = ct_calendar_new (CT_NATION_SCOTLAND, &error);
  g_autoptr(GDateTime) now = g_date_time_new (ct_calendar_get_timezone (), 2026, 11, 23, 9, 0, 0);
  g_autoptr(GArray) snapshots = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  guint n_cases = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint n_sums = 100000;
  gint64 start;
  GDate from, out;

  if (calendar == NULL)
    g_error ("%s", error->message);

  /* Working-day arithmetic over 40 years of dates (holidays cached per year). */
  g_date_clear (&from, 1);
  g_date_set_dmy (&from, 1, G_DATE_JANUARY, 2000);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_sums; i++)
    {
      GDate d = from;

      g_date_add_days (&d, i % 14600);
      ct_calendar_add_working_days (calendar, &d, 3, &out);
    }
  g_print ("add 3 working days: %u calls in %.3f s (%.2f us each)\n", n_sums,
           seconds_since (start), seconds_since (start) * 1e6 / n_sums);

  /* Overdue across many cases, each with the three referral clocks running. */
  snapshots = g_array_sized_new (FALSE, FALSE, sizeof (CtCaseSnapshot), n_cases);
  for (guint i = 0; i < n_cases; i++)
    {
      CtCaseSnapshot s;
      gint64 started = (g_date_time_to_unix (now) - (gint64) (i % 2000) * 3600) * G_USEC_PER_SEC;

      ct_case_snapshot_init (&s);
      s.reference = "CT-BENCH";
      s.state = CT_STATE_CONFIRMATION_DUE;
      for (guint c = CT_CLOCK_WRITTEN_CONFIRMATION; c <= CT_CLOCK_LA_CHASE; c++)
        {
          s.clocks[c].running = TRUE;
          s.clocks[c].started_at = started;
        }
      g_array_append_val (snapshots, s);
    }
  start = g_get_monotonic_time ();
  overdue = ct_procedure_list_due (calendar, (const CtCaseSnapshot *) (void *) snapshots->data,
                                   snapshots->len, now, TRUE);
  g_print ("overdue across %u cases (%u clocks): %u overdue, in %.3f s\n", n_cases, n_cases * 3,
           overdue->len, seconds_since (start));

  return 0;
}

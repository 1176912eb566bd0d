/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-letters"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ct-document-samples.h"
#include "ct-documents.h"

/*
 * Renders the sample referral letter COUNT times and prints the time taken.
 * The first render, which loads the fonts, is timed separately.
 *
 *   bench-letters [COUNT] [FILE.pdf]
 *
 * With FILE.pdf the last letter is written there, for the script to turn
 * into the Word document that LibreOffice converts.
 */
int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  const CtReferralLetter *letter = ct_document_sample_referral_letter ();
  int count = argc > 1 ? atoi (argv[1]) : 100;
  gint64 start, first, total;
  struct timespec cpu_start, cpu_end;
  double per_letter, cpu_per_letter;

  if (count < 1)
    {
      g_printerr ("Usage: bench-letters [COUNT] [FILE.pdf]\n");
      return 2;
    }

  start = g_get_monotonic_time ();
  pdf = ct_document_render_referral_letter (letter, &error);
  first = g_get_monotonic_time () - start;
  if (pdf == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
  start = g_get_monotonic_time ();
  for (int i = 0; i < count; i++)
    {
      g_bytes_unref (pdf);
      pdf = ct_document_render_referral_letter (letter, &error);
      if (pdf == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  total = g_get_monotonic_time () - start;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &cpu_end);
  per_letter = (double) total / count / 1000.0;
  cpu_per_letter = ((cpu_end.tv_sec - cpu_start.tv_sec) * 1e3
                    + (cpu_end.tv_nsec - cpu_start.tv_nsec) / 1e6) / count;

  if (argc > 2 && !g_file_set_contents (argv[2], g_bytes_get_data (pdf, NULL),
                                        g_bytes_get_size (pdf), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  printf ("first letter (loads fonts): %.2f ms\n", first / 1000.0);
  printf ("letters: %d\n", count);
  printf ("total: %.1f ms\n", total / 1000.0);
  printf ("per letter: %.3f ms\n", per_letter);
  printf ("cpu per letter: %.3f ms\n", cpu_per_letter);
  printf ("pdf bytes: %zu\n", g_bytes_get_size (pdf));

  return 0;
}

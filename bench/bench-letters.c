/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-letters"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ct-document-samples.h"
#include "ct-documents.h"

/*
 * Times producing documents, in process.
 *
 *   bench-letters warm [COUNT]
 *     For each kind of document: one render to load the fonts (not counted),
 *     then COUNT renders timed one by one; median and 90th percentile. Each
 *     timed document differs from the last in everything a case supplies
 *     (names, references, what happened), as a day's letters do, so only
 *     the wording every letter shares can be reused. The referral letter is
 *     also timed rendered again unchanged.
 *
 *   bench-letters first [KIND] [FILE.pdf]
 *     Renders one document in this fresh process and prints the time the
 *     render took, fonts and all: the first letter of a process. With
 *     FILE.pdf the document is written there.
 *
 * KIND is referral-confirmation (the default), record-of-concern,
 * blank-record-of-concern, chronology or recovery-sheet.
 */

typedef enum
{
  KIND_REFERRAL,
  KIND_RECORD,
  KIND_BLANK_RECORD,
  KIND_CHRONOLOGY,
  KIND_RECOVERY,
  N_KINDS
} Kind;

static const char *kind_names[N_KINDS] = {
  "referral-confirmation", "record-of-concern", "blank-record-of-concern",
  "chronology", "recovery-sheet",
};

static const char *given[] = { "Pip", "Wren", "Juniper", "Ottoline", "Barnaby", "Clementine", "Rafferty" };
static const char *family[] = { "Exampleton", "Sampleworth", "Fictionby", "Placeholder", "Demoford" };

/* A copy of @text that differs for every @n, kept in @keep. */
static const char *
vary (GPtrArray  *keep,
      const char *text,
      guint       n)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strdup_printf ("%s (%s %s, %u)", text, given[n % G_N_ELEMENTS (given)],
                          family[(n / 7) % G_N_ELEMENTS (family)], n);
  g_ptr_array_add (keep, copy);
  return copy;
}

static const char *
reference (GPtrArray *keep,
           guint      n)
{
  char *ref = g_strdup_printf ("NFM-2026-%05u", n);

  g_ptr_array_add (keep, ref);
  return ref;
}

/* Renders document @n of @kind; n == 0 is the sample unchanged. */
static GBytes *
render (Kind     kind,
        guint    n,
        GError **error)
{
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);

  switch (kind)
    {
    case KIND_REFERRAL:
      {
        CtReferralLetter letter = *ct_document_sample_referral_letter ();
        g_autofree CtReferralChild *children = g_memdup2 (letter.children,
                                                          letter.n_children * sizeof *children);
        g_autofree CtReferralAdult *adults = g_memdup2 (letter.adults,
                                                        letter.n_adults * sizeof *adults);

        if (n == 0)
          return ct_document_render_referral_letter (&letter, error);

        letter.our_reference = reference (keep, n);
        letter.their_reference = vary (keep, letter.their_reference, n);
        letter.verbal_referral_to = vary (keep, letter.verbal_referral_to, n);
        for (guint i = 0; i < letter.n_children; i++)
          {
            children[i].given_names = given[(n + i) % G_N_ELEMENTS (given)];
            children[i].family_name = vary (keep, children[i].family_name, n);
            children[i].address = vary (keep, children[i].address, n);
            children[i].school = vary (keep, children[i].school, n);
            children[i].whereabouts = vary (keep, children[i].whereabouts, n);
          }
        for (guint i = 0; i < letter.n_adults; i++)
          {
            adults[i].name = vary (keep, adults[i].name, n);
            adults[i].address = vary (keep, adults[i].address, n);
            adults[i].contact = vary (keep, adults[i].contact, n);
          }
        letter.children = children;
        letter.adults = adults;
        letter.household = vary (keep, letter.household, n);
        letter.concern_summary = vary (keep, letter.concern_summary, n);
        letter.words_recorded = vary (keep, letter.words_recorded, n);
        letter.risk = vary (keep, letter.risk, n);
        letter.person_responsible = vary (keep, letter.person_responsible, n);
        letter.actions_taken = vary (keep, letter.actions_taken, n);
        letter.family_not_told_reason = vary (keep, letter.family_not_told_reason, n);
        letter.consent_reason = vary (keep, letter.consent_reason, n);
        letter.request = vary (keep, letter.request, n);
        return ct_document_render_referral_letter (&letter, error);
      }

    case KIND_RECORD:
    case KIND_BLANK_RECORD:
      {
        CtRecordOfConcern record = *ct_document_sample_record_of_concern ();

        record.blank = kind == KIND_BLANK_RECORD;
        if (n > 0)
          {
            record.case_reference = reference (keep, n);
            record.child_name = vary (keep, record.child_name, n);
            record.child_address = vary (keep, record.child_address, n);
            record.how_it_arose = vary (keep, record.how_it_arose, n);
            record.what_happened = vary (keep, record.what_happened, n);
            record.child_words = vary (keep, record.child_words, n);
            record.injuries = vary (keep, record.injuries, n);
            record.witnesses = vary (keep, record.witnesses, n);
            record.action_taken = vary (keep, record.action_taken, n);
          }
        return ct_document_render_record_of_concern (&record, error);
      }

    case KIND_CHRONOLOGY:
      {
        CtChronologyReport report = *ct_document_sample_chronology ();
        g_autofree CtChronologyEntry *entries = g_memdup2 (report.entries,
                                                           report.n_entries * sizeof *entries);

        if (n > 0)
          {
            report.case_reference = reference (keep, n);
            report.children = vary (keep, report.children, n);
            for (guint i = 0; i < report.n_entries; i++)
              {
                entries[i].what = vary (keep, entries[i].what, n);
                entries[i].why = vary (keep, entries[i].why, n);
              }
            report.entries = entries;
          }
        return ct_document_render_chronology (&report, error);
      }

    case KIND_RECOVERY:
      {
        CtRecoverySheet sheet = *ct_document_sample_recovery_sheet ();

        if (n > 0)
          {
            sheet.database_id = vary (keep, sheet.database_id, n);
            sheet.recovery_code = vary (keep, sheet.recovery_code, n);
          }
        return ct_document_render_recovery_sheet (&sheet, error);
      }

    case N_KINDS:
    default:
      g_assert_not_reached ();
    }
}

static double
cpu_ms (void)
{
  struct timespec t;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The value at @p (0–1) of sorted @v, nearest rank. */
static double
percentile (const double *v,
            guint         n,
            double        p)
{
  guint rank = (guint) (p * n + 0.999999);

  return v[CLAMP (rank, 1, n) - 1];
}

static gboolean
time_renders (Kind        kind,
              guint       count,
              gboolean    same,
              const char *label)
{
  g_autofree double *ms = g_new0 (double, count);
  double cpu_start, cpu_total;
  gsize bytes = 0;

  cpu_start = cpu_ms ();
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = NULL;
      gint64 start = g_get_monotonic_time ();

      pdf = render (kind, same ? 0 : i + 1, &error);
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      if (pdf == NULL)
        {
          g_printerr ("%s: %s\n", kind_names[kind], error->message);
          return FALSE;
        }
      bytes += g_bytes_get_size (pdf);
    }
  cpu_total = cpu_ms () - cpu_start;

  qsort (ms, count, sizeof (double), compare_doubles);
  printf ("warm %-40s median %7.2f ms  p90 %7.2f ms  cpu %6.2f ms  %6zu bytes\n",
          label, percentile (ms, count, 0.5), percentile (ms, count, 0.9),
          cpu_total / count, bytes / count);
  return TRUE;
}

static int
run_warm (guint count)
{
  for (Kind kind = 0; kind < N_KINDS; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) first = render (kind, 0, &error);

      if (first == NULL)
        {
          g_printerr ("%s: %s\n", kind_names[kind], error->message);
          return 1;
        }
      if (!time_renders (kind, count, FALSE, kind_names[kind]))
        return 1;
      if (kind == KIND_REFERRAL
          && !time_renders (kind, count, TRUE, "referral-confirmation, same letter again"))
        return 1;
    }

  return 0;
}

static int
run_first (Kind        kind,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  double cpu_start = cpu_ms ();
  gint64 start = g_get_monotonic_time ();
  double wall, cpu;

  pdf = render (kind, 0, &error);
  wall = (g_get_monotonic_time () - start) / 1000.0;
  cpu = cpu_ms () - cpu_start;
  if (pdf == NULL)
    {
      g_printerr ("%s: %s\n", kind_names[kind], error->message);
      return 1;
    }
  if (path != NULL && !g_file_set_contents (path, g_bytes_get_data (pdf, NULL),
                                            g_bytes_get_size (pdf), &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  printf ("first %s %.2f ms cpu %.2f ms\n", kind_names[kind], wall, cpu);
  return 0;
}

static Kind
parse_kind (const char *name)
{
  for (Kind kind = 0; kind < N_KINDS; kind++)
    if (g_strcmp0 (name, kind_names[kind]) == 0)
      return kind;
  return N_KINDS;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 2 && strcmp (argv[1], "warm") == 0)
    {
      int count = argc > 2 ? atoi (argv[2]) : 50;

      if (count >= 1)
        return run_warm (count);
    }
  else if (argc >= 2 && strcmp (argv[1], "first") == 0)
    {
      Kind kind = parse_kind (argc > 2 ? argv[2] : kind_names[KIND_REFERRAL]);

      if (kind != N_KINDS)
        return run_first (kind, argc > 3 ? argv[3] : NULL);
    }

  g_printerr ("Usage: bench-letters warm [COUNT]\n"
              "       bench-letters first [KIND] [FILE.pdf]\n");
  return 2;
}

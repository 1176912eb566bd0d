/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-writers"

#include "config.h"

#include <stdlib.h>

#include "ct-store.h"

/*
 * One writer of bench/bench-writers.sh: a desk that records steps on one
 * shared case as fast as it can. Each step is what a person does: read
 * the case's tally (a record every desk edits), then in one transaction
 * add a chronology entry and save the tally one higher. A save over a
 * tally another desk saved since it was read is refused (a version
 * conflict); the desk reads it again and redoes the step, as a person
 * would after "changed by NAME since you opened it". So with no lost
 * update the tally ends at the number of steps, and the case holds one
 * entry per step.
 *
 *   bench-writers setup ADDRESS             prints the case's and tally's ids
 *   bench-writers write ADDRESS CASE TALLY WRITER STEPS
 *   bench-writers check ADDRESS CASE TALLY EXPECTED
 */

#define STAFF "bench-writer"

typedef struct
{
  CtRecord *tally;
  const char *case_id;
  const char *summary;
} Step;

static gboolean
step_body (CtStoreTransaction  *txn,
           gpointer             user_data,
           GError             **error)
{
  Step *step = user_data;
  g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  const char *count = ct_record_get_string (step->tally, "summary");
  g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, g_ascii_strtoll (count, NULL, 10) + 1);

  ct_record_set_case_id (entry, step->case_id);
  ct_record_set_string (entry, "summary", step->summary);
  if (!ct_store_transaction_insert (txn, STAFF, entry, error))
    return FALSE;
  ct_record_set_string (step->tally, "summary", next);
  return ct_store_transaction_update (txn, STAFF, step->tally, error);
}

static int
setup (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_sync (address, &error);
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) tally = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);

  if (store == NULL)
    g_error ("%s", error->message);
  ct_record_set_reference (case_record, "CT-BENCH-0001");
  ct_record_set_state (case_record, "new");
  if (!ct_store_insert_sync (store, STAFF, case_record, &error))
    g_error ("%s", error->message);
  ct_record_set_case_id (tally, ct_record_get_id (case_record));
  ct_record_set_string (tally, "summary", "0");
  if (!ct_store_insert_sync (store, STAFF, tally, &error))
    g_error ("%s", error->message);
  g_print ("%s %s\n", ct_record_get_id (case_record), ct_record_get_id (tally));
  ct_store_close (store);
  return 0;
}

static int
write_steps (const char *address,
             const char *case_id,
             const char *tally_id,
             const char *writer,
             guint       n_steps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_sync (address, &error);
  guint conflicts = 0;
  gint64 start;

  if (store == NULL)
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_steps; i++)
    {
      g_autofree char *summary = g_strdup_printf ("writer %s step %u", writer, i + 1);

      for (;;)
        {
          g_autoptr(CtRecord) tally = ct_store_get_sync (store, CT_RECORD_KIND_CHRONOLOGY, tally_id, &error);
          Step step = { tally, case_id, summary };

          if (tally == NULL)
            g_error ("%s", error->message);
          if (ct_store_run_transaction_sync (store, step_body, &step, &error))
            break;
          if (!g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_CONFLICT))
            g_error ("writer %s, step %u: %s", writer, i + 1, error->message);
          g_clear_error (&error);
          conflicts++;
        }
    }
  g_print ("writer %s: %u steps in %.2f s, %u version conflicts redone\n", writer, n_steps,
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC, conflicts);
  ct_store_close (store);
  return 0;
}

static int
check (const char *address,
       const char *case_id,
       const char *tally_id,
       gint64      expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_read_only_sync (address, &error);
  g_autoptr(CtRecord) tally = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 count, stored;

  if (store == NULL)
    g_error ("%s", error->message);
  tally = ct_store_get_sync (store, CT_RECORD_KIND_CHRONOLOGY, tally_id, &error);
  if (tally == NULL)
    g_error ("%s", error->message);
  entries = ct_store_list_sync (store, CT_RECORD_KIND_CHRONOLOGY, case_id, &error);
  if (entries == NULL)
    g_error ("%s", error->message);
  count = g_ascii_strtoll (ct_record_get_string (tally, "summary"), NULL, 10);
  /* Every entry but the tally itself is a step. */
  stored = (gint64) entries->len - 1;
  g_print ("steps written %" G_GINT64_FORMAT ", entries stored %" G_GINT64_FORMAT ", tally %" G_GINT64_FORMAT
           " (version %" G_GINT64_FORMAT "): lost updates %" G_GINT64_FORMAT "\n",
           expected, stored, count, ct_record_get_version (tally), (expected - stored) + (expected - count));
  ct_store_close (store);
  return stored == expected && count == expected && ct_record_get_version (tally) == expected + 1 ? 0 : 1;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "setup"))
    return setup (argv[2]);
  if (argc == 7 && g_str_equal (argv[1], "write"))
    return write_steps (argv[2], argv[3], argv[4], argv[5], (guint) g_ascii_strtoull (argv[6], NULL, 10));
  if (argc == 6 && g_str_equal (argv[1], "check"))
    return check (argv[2], argv[3], argv[4], g_ascii_strtoll (argv[5], NULL, 10));
  g_printerr ("Usage: bench-writers setup ADDRESS | write ADDRESS CASE TALLY WRITER STEPS"
              " | check ADDRESS CASE TALLY EXPECTED\n");
  return 2;
}

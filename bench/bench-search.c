/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-search"

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct-case-item.h"
#include "ct-case-list-model.h"
#include "ct-case-list-view.h"
#include "ct-procedure.h"
#include "ct-search-fold.h"

/*
 * Search as you type in a large case list: the time from a keystroke
 * reaching the search to the frame that shows the filtered list painted.
 *
 * The real CtCaseListView, with its row template, fills a window; it is
 * loaded with N fictional cases shaped like those `caretrail-admin demo`
 * makes (CT-DEMO references, made-up names, some with accents, every stage,
 * due times over 90 days either side of now). The same keystrokes are then
 * typed into a plain GtkListView of one GtkLabel per row over the same
 * names, filtered by a substring search of keys folded in advance: the least
 * a GTK list can do, measured in the same run as the baseline.
 *
 * Each keystroke puts the new text in the search entry and applies it at
 * once (the entry's own search delay is left out: it is a pause the app
 * chooses, not work), then waits for the frame clock's after-paint. The
 * next keystroke comes a short while after that frame.
 *
 *   xvfb-run -a env GSK_RENDERER=cairo _build/bench/bench-search [N...]
 *
 * N defaults to 10000 and 100000.
 */

#define GOAL_MEDIAN_MS 50.0
#define GOAL_P90_MS    100.0
#define ROUNDS         2
#define PAUSE_MS       30

/* What a safeguarding officer might type: names with and without their
 * accents, a reference, a name that is not there, each typed a letter at a
 * time and then deleted a letter at a time. */
static const char *typed[] = {
  "Ni Bhriain",
  "ct-demo-0042",
  "wren s",
  "J\xc3\xbcniper",
  "zzq",
};

static const char *given[] = {
  "Pip", "Wren", "Juniper", "Ottoline", "Barnaby", "Clementine", "Rafferty", "Marigold",
  "Tobias", "Primrose", "Jasper", "Hazel", "Florian", "Saffron", "Linus", "Bramble",
  "Aoife", "Si\xc3\xa2n", "Zo\xc3\xab", "Se\xc3\xa1n", "Ren\xc3\xa9" "e", "\xc3\x89lodie",
  "Mairead", "Dafydd", "Oisin", "Niamh", "Eluned", "Tomasz",
};

static const char *family[] = {
  "Exampleton", "Sampleworth", "Fictionby", "Placeholder", "Demoford", "Testbridge",
  "Mockley", "Madeupshire", "N\xc3\xad Bhriain", "\xc3\x93 Sample", "Ll\xc5\xb7n-Example",
  "M\xc3\xbcller-Demo", "Sampleson", "Notreal", "Inventwick", "Pretendham",
};

typedef struct
{
  const char *name;
  GtkWidget  *window;
  GtkWidget  *entry; /* the baseline's entry */
  GtkWidget  *view;  /* the CtCaseListView, if it is the real list */
  GtkCustomFilter *filter; /* the baseline's filter */
  char       *folded_query;
  GArray     *samples_ms;
} Subject;

static GPtrArray *keystrokes; /* the text after each keystroke */

static GPtrArray *
make_keystrokes (void)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      const char *word = typed[i];
      glong len = g_utf8_strlen (word, -1);

      for (glong n = 1; n <= len; n++)
        g_ptr_array_add (keys, g_strndup (word, g_utf8_offset_to_pointer (word, n) - word));
      for (glong n = len - 1; n >= 0; n--)
        g_ptr_array_add (keys, g_strndup (word, g_utf8_offset_to_pointer (word, n) - word));
    }

  return keys;
}

static GPtrArray *
make_cases (guint n)
{
  GPtrArray *cases = g_ptr_array_new_full (n, g_object_unref);
  gint64 now = g_get_real_time ();
  GRand *rand = g_rand_new_with_seed (42);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("bench-case-%07u", i);
      g_autofree char *reference = g_strdup_printf ("CT-DEMO-%05u", i + 1);
      const char *first = given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))];
      const char *last = family[g_rand_int_range (rand, 0, G_N_ELEMENTS (family))];
      g_autofree char *children = NULL;
      g_autofree char *alias = NULL;
      CtState state = (CtState) g_rand_int_range (rand, CT_STATE_CONCERN_RECORDED, CT_N_STATES);
      gint64 due = now + g_rand_int_range (rand, -90 * 24, 90 * 24) * G_USEC_PER_SEC * 3600;
      CtCaseItem *item;

      if (i % 7 == 0)
        children = g_strdup_printf ("%s %s, %s %s", first, last,
                                    given[(i / 7) % G_N_ELEMENTS (given)], last);
      else
        children = g_strdup_printf ("%s %s", first, last);
      if (i % 5 == 0)
        alias = g_strdup_printf ("%.3s", first);

      item = ct_case_item_new_in_state (id, reference, children, alias, state, due,
                                        "Dana Demo (DSO)");
      g_ptr_array_add (cases, item);
    }

  g_rand_free (rand);
  return cases;
}

/* The baseline: a plain list of labels over the same names. */

static gboolean
baseline_filter (gpointer item,
                 gpointer user_data)
{
  Subject *subject = user_data;

  if (subject->folded_query == NULL || *subject->folded_query == '\0')
    return TRUE;
  return strstr (gtk_string_object_get_string (item), subject->folded_query) != NULL;
}

static void
on_label_setup_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (list_item, label);
}

static void
on_label_bind_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (list_item)));
}

static void
make_baseline (Subject   *subject,
               GPtrArray *cases)
{
  GtkStringList *strings = gtk_string_list_new (NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list;

  for (guint i = 0; i < cases->len; i++)
    {
      CtCaseItem *item = g_ptr_array_index (cases, i);
      g_autofree char *line = g_strdup_printf ("%s %s", ct_case_item_get_reference (item),
                                               ct_case_item_get_children (item));
      g_autofree char *folded = ct_search_fold (line, -1);

      gtk_string_list_append (strings, folded);
    }

  subject->filter = gtk_custom_filter_new (baseline_filter, subject, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (strings),
                                        g_object_ref (GTK_FILTER (subject->filter)));
  g_signal_connect (factory, "setup", G_CALLBACK (on_label_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (on_label_bind_cb), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (filtered))),
                            factory);

  subject->entry = gtk_search_entry_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), subject->entry);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_window_set_child (GTK_WINDOW (subject->window), box);
}

static void
make_caretrail (Subject         *subject,
                CtCaseListModel *model)
{
  subject->view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (subject->view), G_LIST_MODEL (model));
  gtk_window_set_child (GTK_WINDOW (subject->window), subject->view);
}

static void
type_text (Subject    *subject,
           const char *text)
{
  g_autofree char *old = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (subject->view != NULL)
    {
      ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (subject->view), text);
      return;
    }

  old = g_steal_pointer (&subject->folded_query);
  subject->folded_query = ct_search_fold (text, -1);
  gtk_editable_set_text (GTK_EDITABLE (subject->entry), text);
  if (g_str_has_prefix (subject->folded_query, old))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (g_str_has_prefix (old, subject->folded_query))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  gtk_filter_changed (GTK_FILTER (subject->filter), change);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gboolean      *painted)
{
  *painted = TRUE;
}

static void
wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb),
                                     &painted);

  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  if (!painted)
    g_error ("%s: no frame was painted in 30 s", gtk_window_get_title (GTK_WINDOW (widget)));
}

static void
spin (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
show (Subject *subject)
{
  gtk_window_present (GTK_WINDOW (subject->window));
  while (!gtk_widget_get_mapped (subject->window))
    g_main_context_iteration (NULL, TRUE);
  wait_for_paint (subject->window);
  spin (200);
}

static void
run_keystrokes (Subject *subject)
{
  for (guint i = 0; i < keystrokes->len; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      type_text (subject, g_ptr_array_index (keystrokes, i));
      wait_for_paint (subject->window);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (subject->samples_ms, ms);
      spin (PAUSE_MS);
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *samples,
            double  p)
{
  g_autoptr(GArray) sorted = g_array_copy (samples);
  double rank;
  guint lower;

  g_array_sort (sorted, compare_doubles);
  rank = p * (sorted->len - 1);
  lower = (guint) rank;
  if (lower + 1 >= sorted->len)
    return g_array_index (sorted, double, sorted->len - 1);
  return g_array_index (sorted, double, lower) +
         (rank - lower) * (g_array_index (sorted, double, lower + 1) -
                           g_array_index (sorted, double, lower));
}

static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

static void
bench_size (guint n)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  Subject subjects[2] = {
    { .name = "CtCaseListView" },
    { .name = "GtkListView of GtkLabel" },
  };
  long rss_before = resident_kib ();
  gint64 start;
  double load_ms, show_ms;

  start = g_get_monotonic_time ();
  cases = make_cases (n);
  ct_case_list_model_replace_all (model, cases);
  load_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_clear_pointer (&cases, g_ptr_array_unref);

  for (guint s = 0; s < G_N_ELEMENTS (subjects); s++)
    {
      subjects[s].window = gtk_window_new ();
      gtk_window_set_title (GTK_WINDOW (subjects[s].window), subjects[s].name);
      gtk_window_set_default_size (GTK_WINDOW (subjects[s].window), 900, 800);
      subjects[s].samples_ms = g_array_new (FALSE, FALSE, sizeof (double));
      subjects[s].folded_query = g_strdup ("");
    }

  make_caretrail (&subjects[0], model);
  {
    g_autoptr(GPtrArray) again = make_cases (n);

    make_baseline (&subjects[1], again);
  }

  start = g_get_monotonic_time ();
  show (&subjects[0]);
  show_ms = (g_get_monotonic_time () - start) / 1000.0;
  gtk_widget_set_visible (subjects[0].window, FALSE);

  /* Alternated, so that whatever else the machine is doing falls on
   * both alike. */
  for (guint round = 0; round < ROUNDS; round++)
    for (guint s = 0; s < G_N_ELEMENTS (subjects); s++)
      {
        show (&subjects[s]);
        run_keystrokes (&subjects[s]);
        gtk_widget_set_visible (subjects[s].window, FALSE);
        spin (50);
      }

  printf ("\n%u cases: items made and listed in %.0f ms; first frame of the list in %.0f ms; "
          "resident memory %ld MiB (%+ld MiB)\n",
          n, load_ms, show_ms, resident_kib () / 1024, (resident_kib () - rss_before) / 1024);
  printf ("  %-26s %9s %9s %9s\n", "keystroke to painted list", "median", "p90", "max");
  for (guint s = 0; s < G_N_ELEMENTS (subjects); s++)
    printf ("  %-26s %6.1f ms %6.1f ms %6.1f ms\n", subjects[s].name,
            percentile (subjects[s].samples_ms, 0.5), percentile (subjects[s].samples_ms, 0.9),
            percentile (subjects[s].samples_ms, 1.0));
  printf ("  %-26s <%5.0f ms <%5.0f ms\n", "goal", GOAL_MEDIAN_MS, GOAL_P90_MS);
  printf ("  %-26s %6.2f    %6.2f\n", "ratio to the plain list",
          percentile (subjects[0].samples_ms, 0.5) / percentile (subjects[1].samples_ms, 0.5),
          percentile (subjects[0].samples_ms, 0.9) / percentile (subjects[1].samples_ms, 0.9));
  printf ("  %s: %s\n", subjects[0].name,
          percentile (subjects[0].samples_ms, 0.5) < GOAL_MEDIAN_MS &&
          percentile (subjects[0].samples_ms, 0.9) < GOAL_P90_MS ? "meets the goal"
                                                                  : "MISSES the goal");
  fflush (stdout);

  for (guint s = 0; s < G_N_ELEMENTS (subjects); s++)
    {
      gtk_window_destroy (GTK_WINDOW (subjects[s].window));
      g_array_unref (subjects[s].samples_ms);
      g_free (subjects[s].folded_query);
      g_clear_object (&subjects[s].filter);
    }
  spin (100);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_init ();
  adw_init ();

  /* The app's own style sheet, as the app loads it. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  keystrokes = make_keystrokes ();
  printf ("bench-search: %u keystrokes, %d rounds, each list alternately; renderer %s\n",
          keystrokes->len, ROUNDS,
          g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)");

  if (argc > 1)
    {
      for (int i = 1; i < argc; i++)
        bench_size ((guint) g_ascii_strtoull (argv[i], NULL, 10));
    }
  else
    {
      bench_size (10000);
      bench_size (100000);
    }

  g_ptr_array_unref (keystrokes);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-case-list"

#include "config.h"

#include <adwaita.h>

#include "ct-case-list-model.h"
#include "ct-case-list-view.h"
#include "ct-case-row.h"
#include "ct-format.h"
#include "ct-test-ui.h"

#define HOUR (G_USEC_PER_SEC * G_GINT64_CONSTANT (3600))

/* A fixed "now" so that what is overdue does not depend on when the test
 * runs: 2026-03-02 10:00 UTC. */
#define NOW (G_GINT64_CONSTANT (1772445600) * G_USEC_PER_SEC)

static guint items_changed_count;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  items_changed_count++;
}

static CtCaseItem *
make_case (guint    n,
           gint64   due_at,
           gboolean closed)
{
  g_autofree char *id = g_strdup_printf ("case-%05u", n);
  g_autofree char *reference = g_strdup_printf ("CT-2026-%05u", n);
  g_autofree char *child = g_strdup_printf ("Child%u Example", n);
  g_autofree char *alias = g_strdup_printf ("Nick%u", n);

  return ct_case_item_new (id, reference, child, alias, "Escalate the concern",
                           due_at, "Dana Officer", closed);
}

static GPtrArray *
make_cases (guint n)
{
  GPtrArray *cases = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      /* A third overdue, a third due later, a third closed. */
      gint64 due = NOW + (i % 3 == 0 ? -1 : 1) * HOUR * (1 + i % 50);

      g_ptr_array_add (cases, make_case (i, i % 3 == 2 ? 0 : due, i % 3 == 2));
    }

  return cases;
}

static void
test_model_one_signal_per_batch (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (1000);
  g_autoptr(CtCaseItem) changed = make_case (5, NOW, FALSE);
  g_autoptr(CtCaseItem) added = make_case (5000, 0, FALSE);
  g_autoptr(CtCaseItem) item = NULL;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), NULL);

  items_changed_count = 0;
  ct_case_list_model_replace_all (model, cases);
  g_assert_cmpuint (items_changed_count, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == CT_TYPE_CASE_ITEM);

  /* Updating a case replaces it in place; a new case is appended. */
  ct_case_list_model_upsert (model, changed);
  g_assert_cmpuint (items_changed_count, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  item = g_list_model_get_item (G_LIST_MODEL (model), 5);
  g_assert_true (item == changed);
  g_assert_true (ct_case_list_model_lookup (model, "case-00005") == changed);

  ct_case_list_model_upsert (model, added);
  g_assert_cmpuint (items_changed_count, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1001);
  g_assert_true (ct_case_list_model_lookup (model, "case-05000") == added);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 1001));
}

static void
test_item_matches (void)
{
  g_autoptr(CtCaseItem) item = ct_case_item_new ("id", "CT-2026-0042", "Zoë Ångström",
                                                 "Zo, Little Z", "step", 0, NULL, FALSE);
  g_autofree char *q1 = g_utf8_casefold ("zoË", -1);
  g_autofree char *q2 = g_utf8_casefold ("little z", -1);
  g_autofree char *q3 = g_utf8_casefold ("ct-2026-0042", -1);

  g_assert_true (ct_case_item_matches (item, NULL));
  g_assert_true (ct_case_item_matches (item, ""));
  g_assert_true (ct_case_item_matches (item, q1));
  g_assert_true (ct_case_item_matches (item, q2));
  g_assert_true (ct_case_item_matches (item, q3));
  g_assert_false (ct_case_item_matches (item, "smith"));
}

static void
test_format_due (void)
{
  gboolean overdue = TRUE;
  g_autofree char *none = ct_format_due_relative (0, NOW, &overdue);
  g_autofree char *left = ct_format_due_relative (NOW + 3 * HOUR + 60 * G_USEC_PER_SEC, NOW,
                                                  &overdue);
  g_autofree char *late = NULL;
  g_autofree char *days = NULL;
  g_autofree char *iso = NULL;
  int h, m;

  g_assert_null (none);
  g_assert_false (overdue);
  g_assert_cmpstr (left, ==, "3 hours left");
  g_assert_false (overdue);

  late = ct_format_due_relative (NOW - 2 * HOUR, NOW, &overdue);
  g_assert_cmpstr (late, ==, "Overdue by 2 hours");
  g_assert_true (overdue);

  days = ct_format_due_relative (NOW - 50 * HOUR, NOW, &overdue);
  g_assert_cmpstr (days, ==, "Overdue by 2 days");

  g_assert_true (ct_parse_date ("31/12/2019", &iso));
  g_assert_cmpstr (iso, ==, "2019-12-31");
  g_clear_pointer (&iso, g_free);
  g_assert_true (ct_parse_date (" 2019-02-28 ", &iso));
  g_assert_cmpstr (iso, ==, "2019-02-28");
  g_assert_false (ct_parse_date ("29/02/2019", NULL));
  g_assert_false (ct_parse_date ("12/31/2019", NULL));
  g_assert_false (ct_parse_date ("yesterday", NULL));
  g_assert_false (ct_parse_date ("1/2/3/4", NULL));
  g_assert_true (ct_parse_time_of_day ("16:00", &h, &m));
  g_assert_cmpint (h, ==, 16);
  g_assert_false (ct_parse_time_of_day ("24:00", NULL, NULL));
  g_assert_false (ct_parse_time_of_day ("4pm", NULL, NULL));
}

static GtkWindow *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));

  return window;
}

static CtCaseItem *
shown_item (CtCaseListView *view,
            guint           position)
{
  return g_list_model_get_item (ct_case_list_view_get_shown (view), position);
}

static void
test_view_kinds_and_order (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (30);
  GtkWidget *needs = ct_case_list_view_new (CT_CASE_LIST_NEEDS_ACTION);
  GtkWidget *closed = ct_case_list_view_new (CT_CASE_LIST_CLOSED);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWindow *window;
  GListModel *shown;
  gint64 last_due = G_MININT64;

  ct_case_list_model_replace_all (model, cases);
  gtk_widget_set_vexpand (needs, TRUE);
  gtk_widget_set_vexpand (closed, TRUE);
  gtk_box_append (GTK_BOX (box), needs);
  gtk_box_append (GTK_BOX (box), closed);
  ct_case_list_view_set_now (CT_CASE_LIST_VIEW (needs), NOW);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (needs), G_LIST_MODEL (model));
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (closed), G_LIST_MODEL (model));
  window = show_in_window (box, 600, 800);

  /* Needs action: the 20 open cases with a due step, most overdue first. */
  shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (needs));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 20);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(CtCaseItem) item = shown_item (CT_CASE_LIST_VIEW (needs), i);

      g_assert_false (ct_case_item_get_closed (item));
      g_assert_cmpint (ct_case_item_get_due_at (item), >=, last_due);
      last_due = ct_case_item_get_due_at (item);
    }

  shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (closed));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 10);

  /* The state filter: only the overdue ones. */
  ct_case_list_view_set_filter (CT_CASE_LIST_VIEW (needs), CT_CASE_LIST_FILTER_OVERDUE);
  shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (needs));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 10);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(CtCaseItem) item = shown_item (CT_CASE_LIST_VIEW (needs), i);
      g_assert_cmpint (ct_case_item_get_due_at (item), <=, NOW);
    }
  ct_case_list_view_set_filter (CT_CASE_LIST_VIEW (needs), CT_CASE_LIST_FILTER_ALL);

  /* Search by alias and by reference. */
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (needs), "nick13");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (needs), "ct-2026-0000");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 7); /* 0,1,3,4,6,7,9 */
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (needs), "nobody");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (needs), "");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 20);

  gtk_window_destroy (window);
}

static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (CT_IS_CASE_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static GtkWidget *
find_label_with_text (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with_text (child, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_view_rows_show_overdue (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWindow *window;
  GtkWidget *late;
  GtkWidget *left;

  g_ptr_array_add (cases, ct_case_item_new ("a", "CT-2026-0001", "Alex Brown", NULL,
                                            "Escalate the concern", NOW - 3 * HOUR,
                                            "Dana Officer", FALSE));
  g_ptr_array_add (cases, ct_case_item_new ("b", "CT-2026-0002", "Sam Green", NULL,
                                            "Confirm the referral in writing",
                                            NOW + 5 * HOUR, "Dana Officer", FALSE));
  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_now (CT_CASE_LIST_VIEW (view), NOW);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (view), G_LIST_MODEL (model));
  window = show_in_window (view, 360, 500);
  ct_test_ui_spin (100);

  collect_rows (view, rows);
  g_assert_cmpuint (rows->len, ==, 2);

  late = find_label_with_text (view, "Overdue by 3 hours");
  g_assert_nonnull (late);
  g_assert_true (gtk_widget_has_css_class (late, "overdue"));
  left = find_label_with_text (view, "5 hours left");
  g_assert_nonnull (left);
  g_assert_false (gtk_widget_has_css_class (left, "overdue"));
  g_assert_nonnull (find_label_with_text (view, "Alex Brown"));
  g_assert_nonnull (find_label_with_text (view, "DSO: Dana Officer"));

  ct_test_ui_screenshot (GTK_WIDGET (window), "case-list-360.png");
  gtk_window_destroy (window);
}

static void
test_view_ten_thousand (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (10000);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  GListModel *shown;
  GtkWindow *window;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  gint64 start;
  gint64 load_us;
  gint64 search_us;
  gint64 clear_us;

  ct_case_list_view_set_now (CT_CASE_LIST_VIEW (view), NOW);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (view), G_LIST_MODEL (model));
  window = show_in_window (view, 800, 700);
  shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (view));

  start = g_get_monotonic_time ();
  ct_case_list_model_replace_all (model, cases);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  load_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 6667);

  /* Only the rows on screen are built, not one per case. */
  collect_rows (view, rows);
  g_assert_cmpuint (rows->len, <, 500);

  start = g_get_monotonic_time ();
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "child9999 ");
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "nick9999");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  search_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);

  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "nick9998");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0); /* 9998 is closed */

  start = g_get_monotonic_time ();
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  clear_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 6667);

  /* Figures for people to read; the benchmark is in bench/. */
  g_test_message ("10,000 cases: load and first frame %.1f ms, search %.1f ms, "
                  "clear search %.1f ms", load_us / 1000.0, search_us / 1000.0,
                  clear_us / 1000.0);
  g_print ("# 10,000 cases: load and first frame %.1f ms, search %.1f ms, "
           "clear search %.1f ms\n", load_us / 1000.0, search_us / 1000.0,
           clear_us / 1000.0);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Screenshots show the finished state, not a frame of an animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/case-list/model/one-signal-per-batch", test_model_one_signal_per_batch);
  g_test_add_func ("/ui/case-list/item/matches", test_item_matches);
  g_test_add_func ("/ui/case-list/format/due", test_format_due);
  g_test_add_func ("/ui/case-list/view/kinds-and-order", test_view_kinds_and_order);
  g_test_add_func ("/ui/case-list/view/overdue-rows", test_view_rows_show_overdue);
  g_test_add_func ("/ui/case-list/view/ten-thousand", test_view_ten_thousand);

  return g_test_run ();
}

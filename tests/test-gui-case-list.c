/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-case-list"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ct-case-list-model.h"
#include "ct-case-list-view.h"
#include "ct-case-row.h"
#include "ct-format.h"
#include "ct-procedure.h"
#include "ct-search-fold.h"
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
  g_autoptr(CtCaseItem) item = ct_case_item_new ("id", "CT-2026-0042", "Zo\xc3\xab \xc3\x85ngstr\xc3\xb6m",
                                                 "Zo, Little Z", "step", 0, NULL, FALSE);
  g_autofree char *q1 = ct_search_fold ("zo\xc3\x8b", -1);
  g_autofree char *q2 = ct_search_fold ("little z", -1);
  g_autofree char *q3 = ct_search_fold ("ct-2026-0042", -1);
  g_autofree char *q4 = ct_search_fold ("Zoe Angstrom", -1);

  g_assert_true (ct_case_item_matches (item, NULL));
  g_assert_true (ct_case_item_matches (item, ""));
  g_assert_true (ct_case_item_matches (item, q1));
  g_assert_true (ct_case_item_matches (item, q2));
  g_assert_true (ct_case_item_matches (item, q3));
  g_assert_true (ct_case_item_matches (item, q4));
  g_assert_false (ct_case_item_matches (item, "smith"));
}

/* A name is found however it is typed or pasted: without its accents, in
 * capitals, or with the accent as a combining mark. */
static void
test_view_search_accents (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  GListModel *shown;
  const char *queries[] = {
    "Ni Bhriain",
    "nI BHRIAIN",
    "N\xc3\xad Bhriain",
    "Ni\xcc\x81 Bhriain",
    "ni bhr",
  };

  g_ptr_array_add (cases, ct_case_item_new ("a", "CT-2026-0001", "Aoife N\xc3\xad Bhriain", NULL,
                                            "Escalate the concern", NOW + HOUR, NULL, FALSE));
  g_ptr_array_add (cases, ct_case_item_new ("b", "CT-2026-0002", "Sam Green", NULL,
                                            "Escalate the concern", NOW + 2 * HOUR, NULL, FALSE));
  /* Written with a combining acute accent, as pasted from some documents. */
  g_ptr_array_add (cases, ct_case_item_new ("c", "CT-2026-0003", "Ciara Ni\xcc\x81 Bhriain", NULL,
                                            "Escalate the concern", NOW + 3 * HOUR, NULL, FALSE));
  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_now (CT_CASE_LIST_VIEW (view), NOW);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (view), G_LIST_MODEL (model));
  shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (view));

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(CtCaseItem) first = NULL;
      g_autoptr(CtCaseItem) second = NULL;

      ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), queries[i]);
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
      /* Still in the list's order: soonest due first. */
      first = g_list_model_get_item (shown, 0);
      second = g_list_model_get_item (shown, 1);
      g_assert_cmpstr (ct_case_item_get_case_id (first), ==, "a");
      g_assert_cmpstr (ct_case_item_get_case_id (second), ==, "c");
    }

  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "Bhriainn");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  ct_case_list_view_set_search_text (CT_CASE_LIST_VIEW (view), "");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 3);

  g_object_ref_sink (view);
  g_object_unref (view);
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

  /* Dates cannot be misread: the month in words, times in UK time
   * (23:59 BST is not shown as 22:59), whatever the desktop's zone. */
  {
    g_autoptr(GDateTime) summer = g_date_time_new_from_iso8601 ("2026-06-01T23:59:00+01:00", NULL);
    g_autofree char *shown_time = ct_format_instant (g_date_time_to_unix (summer) * G_USEC_PER_SEC);
    g_autofree char *birth = ct_format_date ("2011-02-02");

    g_assert_cmpstr (shown_time, ==, "Mon 1 Jun 2026, 23:59");
    g_assert_cmpstr (birth, ==, "2 February 2011");
  }

  g_assert_true (ct_parse_date ("31/12/2019", &iso));
  g_assert_cmpstr (iso, ==, "2019-12-31");
  g_clear_pointer (&iso, g_free);
  g_assert_true (ct_parse_date (" 2019-02-28 ", &iso));
  g_assert_cmpstr (iso, ==, "2019-02-28");
  g_assert_false (ct_parse_date ("29/02/2019", NULL));
  g_assert_false (ct_parse_date ("12/31/2019", NULL));
  /* Not day 3 (259 narrowed to a byte), as tests/fuzz/fuzz-dates found. */
  g_assert_false (ct_parse_date ("2019-12-259", NULL));
  g_assert_false (ct_parse_date ("259/12/2019", NULL));
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

  /* A single click or tap opens a case. */
  g_assert_true (gtk_list_view_get_single_click_activate (
                   GTK_LIST_VIEW (ct_test_ui_find_by_type (needs, GTK_TYPE_LIST_VIEW))));

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

static GtkWidget *
first_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_label (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static int
compare_row_tops (gconstpointer a,
                  gconstpointer b)
{
  const graphene_rect_t *ra = *(graphene_rect_t * const *) a;
  const graphene_rect_t *rb = *(graphene_rect_t * const *) b;

  return ra->origin.y < rb->origin.y ? -1 : ra->origin.y > rb->origin.y;
}

/* Every row the user can see shows, in its text, the case at its place in
 * the list: the list's order, with nothing left from an earlier search. */
static void
assert_visible_rows_follow (CtCaseListView *view)
{
  GtkWidget *list = ct_test_ui_find_by_type (GTK_WIDGET (view), GTK_TYPE_LIST_VIEW);
  GListModel *shown = ct_case_list_view_get_shown (view);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) visible = g_ptr_array_new_with_free_func (g_free);
  guint first = G_MAXUINT;
  int height = gtk_widget_get_height (list);

  collect_rows (list, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (row) || !gtk_widget_compute_bounds (row, list, &bounds))
        continue;
      if (bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height)
        continue;

      /* The row goes first so that the sort by position carries it. */
      {
        struct { graphene_rect_t bounds; GtkWidget *row; } *entry = g_malloc (sizeof *entry);

        entry->bounds = bounds;
        entry->row = row;
        g_ptr_array_add (visible, entry);
      }
    }

  g_ptr_array_sort (visible, compare_row_tops);
  g_assert_cmpuint (visible->len, >=, MIN (5, g_list_model_get_n_items (shown)));

  for (guint i = 0; i < visible->len; i++)
    {
      struct { graphene_rect_t bounds; GtkWidget *row; } *entry = g_ptr_array_index (visible, i);
      CtCaseItem *item = ct_case_row_get_item (CT_CASE_ROW (entry->row));
      g_autoptr(CtCaseItem) expected = NULL;

      g_assert_nonnull (item);
      if (first == G_MAXUINT)
        {
          for (guint p = 0; p < g_list_model_get_n_items (shown) && first == G_MAXUINT; p++)
            {
              g_autoptr(CtCaseItem) at = g_list_model_get_item (shown, p);
              if (at == item)
                first = p;
            }
          g_assert_cmpuint (first, !=, G_MAXUINT);
        }

      expected = g_list_model_get_item (shown, first + i);
      g_assert_true (item == expected);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (first_label (entry->row))), ==,
                       ct_case_item_get_children (item));
    }
}

static void
scroll_list_to (CtCaseListView *view,
                double          fraction)
{
  GtkWidget *list = ct_test_ui_find_by_type (GTK_WIDGET (view), GTK_TYPE_LIST_VIEW);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  double upper = gtk_adjustment_get_upper (vadjustment);
  double page = gtk_adjustment_get_page_size (vadjustment);

  gtk_adjustment_set_value (vadjustment, fraction * MAX (0, upper - page));
  ct_test_ui_wait_for_frame (list);
  ct_test_ui_wait_for_frame (list);
}

/* The rows on screen keep up with searches and scrolling in a long list,
 * though rows far from view take their cases only when they come near. */
static void
test_view_rows_follow_search (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (10000);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  CtCaseListView *list = CT_CASE_LIST_VIEW (view);
  const char *searches[] = { "child1", "child12", "child1", "", "nick99", "" };
  GtkWindow *window;

  ct_case_list_view_set_now (list, NOW);
  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_model (list, G_LIST_MODEL (model));
  window = show_in_window (view, 800, 700);
  ct_test_ui_wait_for_frame (view);
  assert_visible_rows_follow (list);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      ct_case_list_view_set_search_text (list, searches[i]);
      ct_test_ui_wait_for_frame (view);
      assert_visible_rows_follow (list);

      scroll_list_to (list, 0.5);
      assert_visible_rows_follow (list);
      scroll_list_to (list, 0.02);
      assert_visible_rows_follow (list);
      scroll_list_to (list, 1.0);
      assert_visible_rows_follow (list);
    }

  /* A case changed while it is far off screen shows its new text when
   * it comes into view. */
  scroll_list_to (list, 0.0);
  {
    GListModel *shown = ct_case_list_view_get_shown (list);
    guint middle = g_list_model_get_n_items (shown) / 2;
    g_autoptr(CtCaseItem) old = g_list_model_get_item (shown, middle);
    g_autoptr(CtCaseItem) renamed = ct_case_item_new (ct_case_item_get_case_id (old),
                                                      ct_case_item_get_reference (old),
                                                      "Renamed Child", NULL,
                                                      ct_case_item_get_step (old),
                                                      ct_case_item_get_due_at (old),
                                                      ct_case_item_get_dso (old),
                                                      ct_case_item_get_closed (old));
    GtkWidget *label;

    ct_case_list_model_upsert (model, renamed);
    ct_test_ui_wait_for_frame (view);
    assert_visible_rows_follow (list);
    scroll_list_to (list, (double) middle / g_list_model_get_n_items (shown));
    assert_visible_rows_follow (list);
    label = find_label_with_text (view, "Renamed Child");
    g_assert_nonnull (label);
    g_assert_true (gtk_widget_get_mapped (label));
  }

  gtk_window_destroy (window);
}

/* The order the open list promises, written out independently of the view:
 * soonest due first, nothing due last, then newest reference first. */
static int
compare_open_order (gconstpointer a,
                    gconstpointer b)
{
  CtCaseItem *x = *(CtCaseItem * const *) a;
  CtCaseItem *y = *(CtCaseItem * const *) b;
  gint64 dx = ct_case_item_get_due_at (x);
  gint64 dy = ct_case_item_get_due_at (y);

  if (dx != dy)
    {
      if (dx == 0 || dy == 0)
        return dx == 0 ? 1 : -1;
      return dx < dy ? -1 : 1;
    }
  return -strcmp (ct_case_item_get_reference (x), ct_case_item_get_reference (y));
}

/* Whatever way a search gets to a query (typing on, deleting back, pasting
 * something else), the list shows exactly the matching open cases, in the
 * list's order. */
static void
test_view_search_keeps_order (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (3000);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  CtCaseListView *list = CT_CASE_LIST_VIEW (view);
  const char *queries[] = { "c", "ch", "child1", "child12", "child1", "", "nick2", "NICK2 ",
                            "ick29", "ct-2026-01", "ct-2026-0", "zzz", "", "child29" };
  GListModel *shown;

  ct_case_list_view_set_now (list, NOW);
  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_model (list, G_LIST_MODEL (model));
  shown = ct_case_list_view_get_shown (list);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GPtrArray) expected = g_ptr_array_new ();
      g_autofree char *folded = ct_search_fold (queries[q], -1);

      ct_case_list_view_set_search_text (list, queries[q]);

      for (guint i = 0; i < cases->len; i++)
        {
          CtCaseItem *item = g_ptr_array_index (cases, i);
          g_autofree char *key = g_strdup_printf ("%s\n%s\nnick%u",
                                                  ct_case_item_get_reference (item),
                                                  ct_case_item_get_children (item), i);
          g_autofree char *folded_key = ct_search_fold (key, -1);

          if (!ct_case_item_get_closed (item) && strstr (folded_key, folded) != NULL)
            g_ptr_array_add (expected, item);
        }
      g_ptr_array_sort (expected, compare_open_order);

      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected->len);
      for (guint i = 0; i < expected->len; i++)
        {
          g_autoptr(CtCaseItem) item = g_list_model_get_item (shown, i);

          g_assert_true (item == g_ptr_array_index (expected, i));
        }
    }

  /* A case saved while a search is in force takes its place in order. */
  {
    g_autoptr(CtCaseItem) added = ct_case_item_new ("case-new", "CT-2026-99999", "Child29 New",
                                                    NULL, "Escalate the concern", NOW - 100 * HOUR,
                                                    "Dana Officer", FALSE);
    g_autoptr(CtCaseItem) first = NULL;

    ct_case_list_model_upsert (model, added);
    first = g_list_model_get_item (shown, 0);
    g_assert_true (first == added);
  }

  g_object_ref_sink (view);
  g_object_unref (view);
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

/* The stages a safeguarding officer filters by, written out here rather than
 * taken from the view, so that a state put in the wrong stage is caught. */
static const struct
{
  CtCaseListStage stage;
  const char     *label;
  CtState         states[4];
} expected_stages[] = {
  { CT_CASE_LIST_STAGE_TO_ESCALATE, "To escalate",
    { CT_STATE_NEW, CT_STATE_CONCERN_RECORDED, CT_N_STATES } },
  { CT_CASE_LIST_STAGE_DECISION_DUE, "Decision due",
    { CT_STATE_ESCALATED, CT_STATE_CONSULTING, CT_N_STATES } },
  { CT_CASE_LIST_STAGE_REFERRAL, "Family discussion or referral",
    { CT_STATE_FAMILY_DISCUSSION, CT_STATE_REFERRAL_DUE, CT_STATE_CONFIRMATION_DUE,
      CT_N_STATES } },
  { CT_CASE_LIST_STAGE_AWAITING_OUTCOME, "Referred, awaiting the outcome",
    { CT_STATE_AWAITING_DECISION, CT_STATE_OUTCOME_DISPUTED, CT_N_STATES } },
  { CT_CASE_LIST_STAGE_AFTER_OUTCOME, "Outcome known or monitoring",
    { CT_STATE_OUTCOME_RECORDED, CT_STATE_MONITORING, CT_N_STATES } },
  { CT_CASE_LIST_STAGE_ALLEGATION, "Allegations against staff",
    { CT_STATE_ALLEGATION_REPORTED, CT_STATE_LADO_DUE, CT_STATE_ALLEGATION_MANAGED,
      CT_N_STATES } },
};

/* Every state of the engine, open and closed, in turn. */
static CtState
state_of_case (guint n)
{
  return (CtState) (n % CT_N_STATES);
}

static gboolean
stage_has_state (guint   stage_index,
                 CtState state)
{
  for (guint i = 0; expected_stages[stage_index].states[i] != CT_N_STATES; i++)
    if (expected_stages[stage_index].states[i] == state)
      return TRUE;
  return FALSE;
}

/* When case n's next step is due: every other case is overdue, a quarter
 * are due within a day, a quarter later. */
static gint64
due_of_case (guint n)
{
  if (n % 2 == 0)
    return NOW - HOUR * (1 + n % 7);
  if (n % 4 == 1)
    return NOW + HOUR * (1 + n % 7);
  return NOW + 24 * HOUR * (2 + n % 7);
}

static gboolean
due_matches (guint            n,
             CtCaseListFilter due_filter)
{
  switch (due_filter)
    {
    case CT_CASE_LIST_FILTER_OVERDUE:
      return due_of_case (n) <= NOW;
    case CT_CASE_LIST_FILTER_DUE_SOON:
      return due_of_case (n) <= NOW + 24 * HOUR;
    case CT_CASE_LIST_FILTER_ALL:
    default:
      return TRUE;
    }
}

/* Cases as the workflow makes them, each in its state. Case n is in state
 * n % CT_N_STATES. */
static GPtrArray *
make_cases_in_states (guint n)
{
  GPtrArray *cases = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      CtState state = state_of_case (i);
      g_autofree char *id = g_strdup_printf ("case-%05u", i);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%05u", i);
      g_autofree char *child = g_strdup_printf ("Child%u Example", i);
      g_autofree char *alias = g_strdup_printf ("Nick%u", i);

      g_ptr_array_add (cases, ct_case_item_new_in_state (id, reference, child, alias, state,
                                                         due_of_case (i), "Dana Officer"));
    }

  return cases;
}

static guint
case_number (CtCaseItem *item)
{
  const char *reference = ct_case_item_get_reference (item);

  return (guint) g_ascii_strtoull (reference + strlen ("CT-2026-"), NULL, 10);
}

/* Counts, by going through every case, how many a filter should show. */
static guint
count_expected (guint            n_cases,
                int              stage_index,
                CtCaseListFilter due_filter,
                const char      *prefix)
{
  guint expected = 0;

  for (guint i = 0; i < n_cases; i++)
    {
      CtState state = state_of_case (i);
      g_autofree char *alias = g_strdup_printf ("nick%u", i);

      if (ct_state_is_closed (state))
        continue;
      if (stage_index >= 0 && !stage_has_state (stage_index, state))
        continue;
      if (!due_matches (i, due_filter))
        continue;
      if (prefix != NULL && !g_str_has_prefix (alias, prefix))
        continue;
      expected++;
    }

  return expected;
}

static void
assert_shown_in_stage (CtCaseListView   *view,
                       int               stage_index,
                       CtCaseListFilter  due_filter,
                       const char       *prefix)
{
  GListModel *shown = ct_case_list_view_get_shown (view);
  guint n = g_list_model_get_n_items (shown);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtCaseItem) item = g_list_model_get_item (shown, i);
      guint number = case_number (item);
      g_autofree char *alias = g_strdup_printf ("nick%u", number);

      g_assert_false (ct_case_item_get_closed (item));
      if (stage_index >= 0)
        g_assert_true (stage_has_state (stage_index, state_of_case (number)));
      g_assert_true (due_matches (number, due_filter));
      if (prefix != NULL)
        g_assert_true (g_str_has_prefix (alias, prefix));
    }
}

/* Presses a filter choice as a keyboard or screen reader user does: opens
 * the filter menu and activates the button, which GTK then clicks. */
static void
press_choice (GtkMenuButton *filter_button,
              GtkWidget     *choice)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_menu_button_popup (filter_button);
  ct_test_ui_wait_for_frame (choice);
  gtk_widget_activate (choice);
  while (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gtk_menu_button_popdown (filter_button);
}

static void
test_view_stage_filters (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases_in_states (CT_N_STATES * 12);
  guint n_cases = cases->len;
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  CtCaseListView *list = CT_CASE_LIST_VIEW (view);
  GListModel *shown;
  GtkWindow *window;
  GtkWidget *filter_button;
  GtkWidget *choice;
  GtkPopover *popover;
  guint total = 0;

  /* Every open state is in exactly one stage. */
  for (guint s = 0; s < CT_N_STATES; s++)
    {
      guint stages_holding = 0;

      for (guint i = 0; i < G_N_ELEMENTS (expected_stages); i++)
        stages_holding += stage_has_state (i, (CtState) s);
      g_assert_cmpuint (stages_holding, ==, ct_state_is_closed ((CtState) s) ? 0 : 1);
    }

  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_now (list, NOW);
  ct_case_list_view_set_model (list, G_LIST_MODEL (model));
  window = show_in_window (view, 360, 640);
  shown = ct_case_list_view_get_shown (list);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (n_cases, -1, CT_CASE_LIST_FILTER_ALL, NULL));

  /* The filter is a labelled button; its choices are labelled toggle
   * buttons, which keyboards and screen readers can press. */
  filter_button = ct_test_ui_find_by_label (view, "Filter cases");
  g_assert_true (GTK_IS_MENU_BUTTON (filter_button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (filter_button));
  g_assert_nonnull (popover);
  g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (popover), "Stage in the procedure"));
  g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (popover), "When the next step is due"));
  choice = ct_test_ui_find_by_label (GTK_WIDGET (popover), "All stages");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (choice));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice)));

  /* Each stage, chosen as the user does, shows exactly its cases. */
  for (guint i = 0; i < G_N_ELEMENTS (expected_stages); i++)
    {
      guint expected = count_expected (n_cases, i, CT_CASE_LIST_FILTER_ALL, NULL);

      choice = ct_test_ui_find_by_label (GTK_WIDGET (popover), expected_stages[i].label);
      g_assert_true (GTK_IS_TOGGLE_BUTTON (choice));
      press_choice (GTK_MENU_BUTTON (filter_button), choice);
      g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice)));
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected);
      g_assert_cmpuint (expected, >, 0);
      assert_shown_in_stage (list, i, CT_CASE_LIST_FILTER_ALL, NULL);
      total += expected;

      /* With search: "nick1" matches 1, 10–19, 100–199. */
      ct_case_list_view_set_search_text (list, "nick1");
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                        count_expected (n_cases, i, CT_CASE_LIST_FILTER_ALL, "nick1"));
      assert_shown_in_stage (list, i, CT_CASE_LIST_FILTER_ALL, "nick1");

      /* With search and the due filter. */
      ct_case_list_view_set_filter (list, CT_CASE_LIST_FILTER_OVERDUE);
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                        count_expected (n_cases, i, CT_CASE_LIST_FILTER_OVERDUE, "nick1"));
      assert_shown_in_stage (list, i, CT_CASE_LIST_FILTER_OVERDUE, "nick1");

      ct_case_list_view_set_search_text (list, "");
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                        count_expected (n_cases, i, CT_CASE_LIST_FILTER_OVERDUE, NULL));
      assert_shown_in_stage (list, i, CT_CASE_LIST_FILTER_OVERDUE, NULL);
      ct_case_list_view_set_filter (list, CT_CASE_LIST_FILTER_ALL);
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, expected);
    }

  /* The stages between them hold every open case. */
  g_assert_cmpuint (total, ==, count_expected (n_cases, -1, CT_CASE_LIST_FILTER_ALL, NULL));

  /* The due filters, from one to another in every order, with and without
   * a stage: each change must show exactly the matching cases, whether it
   * narrows or widens the list. */
  for (int stage_index = -1; stage_index < 2; stage_index++)
    {
      static const CtCaseListFilter order[] = {
        CT_CASE_LIST_FILTER_OVERDUE, CT_CASE_LIST_FILTER_DUE_SOON, CT_CASE_LIST_FILTER_OVERDUE,
        CT_CASE_LIST_FILTER_ALL, CT_CASE_LIST_FILTER_DUE_SOON, CT_CASE_LIST_FILTER_ALL,
      };

      ct_case_list_view_set_stage (list, stage_index < 0 ? CT_CASE_LIST_STAGE_ALL
                                                         : expected_stages[stage_index].stage);
      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          ct_case_list_view_set_filter (list, order[i]);
          g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                            count_expected (n_cases, stage_index, order[i], NULL));
          assert_shown_in_stage (list, stage_index, order[i], NULL);
        }
    }
  g_assert_cmpuint (count_expected (n_cases, -1, CT_CASE_LIST_FILTER_DUE_SOON, NULL), <,
                    count_expected (n_cases, -1, CT_CASE_LIST_FILTER_ALL, NULL));
  g_assert_cmpuint (count_expected (n_cases, -1, CT_CASE_LIST_FILTER_OVERDUE, NULL), <,
                    count_expected (n_cases, -1, CT_CASE_LIST_FILTER_DUE_SOON, NULL));
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_ALL);

  /* The programmatic setter presses the same buttons. */
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_ALLEGATION);
  choice = ct_test_ui_find_by_label (GTK_WIDGET (popover), "Allegations against staff");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (choice)));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (n_cases, 5, CT_CASE_LIST_FILTER_ALL, NULL));

  /* A stage and a search with nothing in common say so. */
  ct_case_list_view_set_search_text (list, "nobody");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "case-list-stage-no-results.png");
  ct_case_list_view_set_search_text (list, "");

  /* The choices as they look, with one stage chosen. */
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_AWAITING_OUTCOME);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (n_cases, 3, CT_CASE_LIST_FILTER_ALL, NULL));

  /* A case that moves on leaves the stage at once: case 7 was awaiting the
   * local authority's decision, which is now recorded. */
  g_assert_cmpint (state_of_case (7), ==, CT_STATE_AWAITING_DECISION);
  {
    g_autoptr(CtCaseItem) moved = ct_case_item_new_in_state ("case-00007", "CT-2026-00007",
                                                             "Child7 Example", "Nick7",
                                                             CT_STATE_OUTCOME_RECORDED, 0,
                                                             "Dana Officer");

    ct_case_list_model_upsert (model, moved);
    g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                      count_expected (n_cases, 3, CT_CASE_LIST_FILTER_ALL, NULL) - 1);
    for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
      {
        g_autoptr(CtCaseItem) item = g_list_model_get_item (shown, i);
        g_assert_cmpstr (ct_case_item_get_case_id (item), !=, "case-00007");
      }
  }
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "case-list-stage-filtered.png");
  gtk_menu_button_popup (GTK_MENU_BUTTON (filter_button));
  ct_test_ui_wait_for_frame (GTK_WIDGET (popover));
  ct_test_ui_spin (100);
  ct_test_ui_screenshot (GTK_WIDGET (popover), "case-list-stage-filter-menu.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (filter_button));

  /* Back to every stage; case 7 is still open, in its new stage. */
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_ALL);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (n_cases, -1, CT_CASE_LIST_FILTER_ALL, NULL));
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_AFTER_OUTCOME);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (n_cases, 4, CT_CASE_LIST_FILTER_ALL, NULL) + 1);

  gtk_window_destroy (window);
}

/* The first frame with cases builds only the rows the screen can show,
 * not the two hundred GTK's list view builds for any model it is given;
 * right after it, the list view has every case's place. */
static void
test_view_first_frame_rows (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases (1000);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *list;
  GListModel *places;
  GtkWindow *window;
  GdkMonitor *monitor;
  GdkRectangle area;

  ct_case_list_view_set_now (CT_CASE_LIST_VIEW (view), NOW);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (view), G_LIST_MODEL (model));
  window = show_in_window (view, 800, 700);
  list = ct_test_ui_find_by_type (view, GTK_TYPE_LIST_VIEW);
  places = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));

  /* No more places than rows of at least 40 pixels fill the monitor. */
  monitor = gdk_display_get_monitor_at_surface (gtk_widget_get_display (view),
                                                gtk_native_get_surface (GTK_NATIVE (window)));
  g_assert_nonnull (monitor);
  gdk_monitor_get_geometry (monitor, &area);
  ct_case_list_model_replace_all (model, cases);
  g_assert_cmpuint (g_list_model_get_n_items (places), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (places), <=, (guint) area.height / 40 + 2);
  collect_rows (view, rows);
  g_assert_cmpuint (rows->len, <=, (guint) area.height / 40 + 3);

  /* Once drawn, every case has its place. */
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (places), ==,
                    g_list_model_get_n_items (ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (view))));
  g_assert_cmpuint (g_list_model_get_n_items (places), >, 600);

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

static void
test_view_ten_thousand_stages (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = make_cases_in_states (10000);
  GtkWidget *view = ct_case_list_view_new (CT_CASE_LIST_OPEN);
  CtCaseListView *list = CT_CASE_LIST_VIEW (view);
  GListModel *shown;
  GtkWindow *window;
  gint64 start;
  gint64 stage_us = 0;
  gint64 filter_us = 0;
  gint64 narrow_us;
  gint64 widen_us;
  gint64 all_us;
  gint64 offscreen_us;

  ct_case_list_model_replace_all (model, cases);
  ct_case_list_view_set_now (list, NOW);
  ct_case_list_view_set_model (list, G_LIST_MODEL (model));
  window = show_in_window (view, 800, 700);
  shown = ct_case_list_view_get_shown (list);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (10000, -1, CT_CASE_LIST_FILTER_ALL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (expected_stages); i++)
    {
      start = g_get_monotonic_time ();
      ct_case_list_view_set_stage (list, expected_stages[i].stage);
      filter_us = MAX (filter_us, g_get_monotonic_time () - start);
      ct_test_ui_wait_for_frame (GTK_WIDGET (window));
      stage_us = MAX (stage_us, g_get_monotonic_time () - start);
      g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (10000, i, CT_CASE_LIST_FILTER_ALL, NULL));
    }
  assert_shown_in_stage (list, G_N_ELEMENTS (expected_stages) - 1, CT_CASE_LIST_FILTER_ALL, NULL);

  /* Typing narrows the stage's cases; the due filter narrows them more. */
  start = g_get_monotonic_time ();
  ct_case_list_view_set_search_text (list, "nick9");
  ct_case_list_view_set_search_text (list, "nick99");
  ct_case_list_view_set_filter (list, CT_CASE_LIST_FILTER_OVERDUE);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  narrow_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    count_expected (10000, G_N_ELEMENTS (expected_stages) - 1, CT_CASE_LIST_FILTER_OVERDUE, "nick99"));
  assert_shown_in_stage (list, G_N_ELEMENTS (expected_stages) - 1, CT_CASE_LIST_FILTER_OVERDUE, "nick99");

  start = g_get_monotonic_time ();
  ct_case_list_view_set_filter (list, CT_CASE_LIST_FILTER_ALL);
  ct_case_list_view_set_search_text (list, "");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  widen_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    count_expected (10000, G_N_ELEMENTS (expected_stages) - 1, CT_CASE_LIST_FILTER_ALL, NULL));

  start = g_get_monotonic_time ();
  ct_case_list_view_set_stage (list, CT_CASE_LIST_STAGE_ALL);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  all_us = g_get_monotonic_time () - start;
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, count_expected (10000, -1, CT_CASE_LIST_FILTER_ALL, NULL));

  gtk_window_destroy (window);

  /* The filtering alone, in a view that is not on screen, so that no rows
   * are bound: the slowest of 60 changes of stage. */
  {
    GtkWidget *offscreen = g_object_ref_sink (ct_case_list_view_new (CT_CASE_LIST_OPEN));
    GListModel *offscreen_shown;

    ct_case_list_view_set_now (CT_CASE_LIST_VIEW (offscreen), NOW);
    ct_case_list_view_set_model (CT_CASE_LIST_VIEW (offscreen), G_LIST_MODEL (model));
    offscreen_shown = ct_case_list_view_get_shown (CT_CASE_LIST_VIEW (offscreen));
    offscreen_us = 0;
    for (guint i = 0; i < 60; i++)
      {
        guint stage_index = i % G_N_ELEMENTS (expected_stages);

        start = g_get_monotonic_time ();
        ct_case_list_view_set_stage (CT_CASE_LIST_VIEW (offscreen),
                                     expected_stages[stage_index].stage);
        offscreen_us = MAX (offscreen_us, g_get_monotonic_time () - start);
        g_assert_cmpuint (g_list_model_get_n_items (offscreen_shown), ==,
                          count_expected (10000, stage_index, CT_CASE_LIST_FILTER_ALL, NULL));
      }
    g_object_unref (offscreen);
  }

  /* Figures for people to read; each includes painting the next frame but
   * the first, which is the filtering alone. */
  g_print ("# 10,000 cases: choose a stage: filter %.1f ms, with the frame %.1f ms (slowest "
           "of six); search and overdue within it %.1f ms; clear both %.1f ms; back to all "
           "stages %.1f ms\n",
           filter_us / 1000.0, stage_us / 1000.0, narrow_us / 1000.0, widen_us / 1000.0,
           all_us / 1000.0);
  g_print ("# 10,000 cases, no rows on screen: choose a stage %.1f ms (slowest of 60)\n",
           offscreen_us / 1000.0);
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
  g_test_add_func ("/ui/case-list/view/search-accents", test_view_search_accents);
  g_test_add_func ("/ui/case-list/view/rows-follow-search", test_view_rows_follow_search);
  g_test_add_func ("/ui/case-list/view/search-keeps-order", test_view_search_keeps_order);
  g_test_add_func ("/ui/case-list/view/kinds-and-order", test_view_kinds_and_order);
  g_test_add_func ("/ui/case-list/view/overdue-rows", test_view_rows_show_overdue);
  g_test_add_func ("/ui/case-list/view/stage-filters", test_view_stage_filters);
  g_test_add_func ("/ui/case-list/view/first-frame-rows", test_view_first_frame_rows);
  g_test_add_func ("/ui/case-list/view/ten-thousand", test_view_ten_thousand);
  g_test_add_func ("/ui/case-list/view/ten-thousand-stages", test_view_ten_thousand_stages);

  return g_test_run ();
}

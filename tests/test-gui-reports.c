/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-reports"

#include "config.h"

#include <adwaita.h>

#include "ct-case-item.h"
#include "ct-reports-page.h"
#include "ct-format.h"
#include "ct-store.h"
#include <string.h>
#include "ct-test-ui.h"

#define NOW (G_GINT64_CONSTANT (1795000000) * G_USEC_PER_SEC)
#define HOUR G_TIME_SPAN_HOUR

static GtkWidget *
find_figure (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "numeric"))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_figure (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The number shown in the row called @row_title. */
static const char *
label_text (GtkWidget  *root,
            const char *row_title)
{
  GtkWidget *found = ct_test_ui_find_by_label (root, row_title);
  GtkWidget *row, *figure;

  g_assert_nonnull (found);
  row = ADW_IS_ACTION_ROW (found) ? found : gtk_widget_get_ancestor (found, ADW_TYPE_ACTION_ROW);
  g_assert_nonnull (row);
  figure = find_figure (row);
  g_assert_nonnull (figure);
  return gtk_label_get_text (GTK_LABEL (figure));
}

static void
spin_until_text (GtkWidget  *root,
                 const char *row_title,
                 const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_strcmp0 (label_text (root, row_title), expected) != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (label_text (root, row_title), ==, expected);
}

static void
add (GListStore *store,
     const char *reference,
     const char *step,
     gint64      due_at,
     gboolean    closed)
{
  g_autoptr(CtCaseItem) item = ct_case_item_new (reference, reference, "A Child", NULL, step,
                                                 due_at, "Dana Officer", closed);
  g_list_store_append (store, item);
}

static void
test_reports_counts (void)
{
  g_autoptr(GListStore) cases = g_list_store_new (CT_TYPE_CASE_ITEM);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *page = ct_reports_page_new ();

  add (cases, "CT-2026-0001", "Escalate the concern", NOW - 2 * HOUR, FALSE);
  add (cases, "CT-2026-0002", "Escalate the concern", NOW + 3 * HOUR, FALSE);
  add (cases, "CT-2026-0003", "Escalate the concern", NOW + 30 * HOUR, FALSE);
  add (cases, "CT-2026-0004", "Confirm the referral in writing", NOW - HOUR, FALSE);
  add (cases, "CT-2026-0005", "Decide whether concerns remain", 0, FALSE);
  add (cases, "CT-2026-0006", "Closed", 0, TRUE);
  add (cases, "CT-2026-0007", "Closed", NOW - 100 * HOUR, TRUE);

  ct_reports_page_set_now (CT_REPORTS_PAGE (page), NOW);
  ct_reports_page_set_cases (CT_REPORTS_PAGE (page), G_LIST_MODEL (cases));
  gtk_window_set_default_size (window, 360, 800);
  gtk_window_set_child (window, page);
  gtk_window_present (window);

  g_assert_cmpstr (label_text (page, "Open cases"), ==, "5");
  g_assert_cmpstr (label_text (page, "Closed cases"), ==, "2");
  /* A closed case's old due time is not overdue. */
  g_assert_cmpstr (label_text (page, "Steps overdue"), ==, "2");
  g_assert_cmpstr (label_text (page, "Steps due within a day"), ==, "1");

  /* By step, most first; each row is read with its number. */
  g_assert_cmpstr (label_text (page, "Escalate the concern: 3 cases"), ==, "3");
  g_assert_cmpstr (label_text (page, "Confirm the referral in writing: 1 case"), ==, "1");
  g_assert_nonnull (ct_test_ui_find_by_label (page, "Decide whether concerns remain: 1 case"));
  g_assert_null (ct_test_ui_find_by_label (page, "Closed: 2 cases"));

  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "reports-page.png");

  /* The page follows the list: a case moving on changes the figures. */
  g_list_store_remove (cases, 3);
  add (cases, "CT-2026-0004", "Wait for the local authority’s decision", NOW + 48 * HOUR, FALSE);
  spin_until_text (page, "Steps overdue", "1");
  g_assert_nonnull (ct_test_ui_find_by_label (page,
                                              "Wait for the local authority’s decision: 1 case"));
  g_assert_null (ct_test_ui_find_by_label (page, "Confirm the referral in writing: 1 case"));

  /* With no cases, nothing is left over. */
  g_list_store_remove_all (cases);
  spin_until_text (page, "Open cases", "0");
  g_assert_null (ct_test_ui_find_by_label (page, "Escalate the concern: 3 cases"));

  gtk_window_destroy (window);
}

/* The organisation's yearly policy review is shown, overdue when it is. */
static void
test_reports_policy_review (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-reports-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "reports.db", NULL);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(GListStore) cases = g_list_store_new (CT_TYPE_CASE_ITEM);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *page = ct_reports_page_new ();
  GtkWidget *row;
  const char *subtitle;

  g_assert_no_error (error);
  store = ct_store_create_sync (db, NULL, &error);
  g_assert_no_error (error);
  ct_record_set_string (org, "name", "Testbridge Mediation (test)");
  ct_record_set_string (org, "nation", "england-and-wales");
  /* Adopted on 1 June 2025: the review was due by the end of 1 June 2026. */
  ct_record_set_string (org, "policy-adopted", "2025-06-01");
  g_assert_true (ct_store_insert_sync (store, "setup", org, &error));
  g_assert_no_error (error);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  ct_reports_page_set_now (CT_REPORTS_PAGE (page), NOW);
  ct_reports_page_set_cases (CT_REPORTS_PAGE (page), G_LIST_MODEL (cases));
  ct_reports_page_set_workflow (CT_REPORTS_PAGE (page), workflow);
  gtk_window_set_default_size (window, 360, 800);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_spin (200);

  row = ct_test_ui_find_by_label (page, "Yearly review of the policy");
  g_assert_nonnull (row);
  row = gtk_widget_get_ancestor (row, ADW_TYPE_ACTION_ROW) ?: row;
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_test_message ("policy review: %s", subtitle);
  g_assert_true (g_str_has_prefix (subtitle, "Overdue: it was due by"));
  {
    g_autoptr(GDateTime) due = g_date_time_new_from_iso8601 ("2026-06-01T23:59:59+01:00", NULL);
    g_autofree char *when = ct_format_instant (g_date_time_to_unix (due) * G_USEC_PER_SEC);

    g_assert_nonnull (strstr (subtitle, when));
  }

  gtk_window_destroy (window);
  g_clear_object (&workflow);
  ct_store_close (store);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/reports/counts", test_reports_counts);
  g_test_add_func ("/ui/reports/policy-review", test_reports_policy_review);

  return g_test_run ();
}

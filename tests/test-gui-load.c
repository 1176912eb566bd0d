/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-load"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include <string.h>

#include "ct-application.h"
#include "ct-case-list-model.h"
#include "ct-test-ui.h"
#include "ct-window.h"
#include "ct-workflow.h"

/* Loading the case lists at startup, against a real store in the test
 * session's keyring: the items the load makes from the records' summaries
 * are the ones the workflow makes from whole records, and records opened
 * before the window exists reach the window that asks for them. */

#define N_CASES 45

static CtApplication *app;

typedef struct
{
  char *dir;
  char *path;
} Records;

static void
records_clear (Records *records)
{
  g_autoptr(GDir) dir = g_dir_open (records->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (records->dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (records->dir);
  g_free (records->dir);
  g_free (records->path);
}

static gboolean
insert_all (CtStoreTransaction  *txn,
            gpointer             user_data,
            GError             **error)
{
  GPtrArray *records = user_data;

  for (guint i = 0; i < records->len; i++)
    if (!ct_store_transaction_insert (txn, "staff-1", g_ptr_array_index (records, i), error))
      return FALSE;
  return TRUE;
}

/* A database with an organisation and N_CASES cases: some with two
 * children, one of them also a child of another case, some with aliases,
 * some closed, one naming a child that is not there; then closed. */
static void
records_init (Records *records)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *shared_child = NULL;

  records->dir = g_dir_make_tmp ("caretrail-load-XXXXXX", NULL);
  records->path = g_build_filename (records->dir, "test.db", NULL);

  store = ct_test_ui_set_up_office (records->path);

  for (guint i = 0; i < N_CASES; i++)
    {
      CtRecord *case_record = ct_record_new (CT_RECORD_KIND_CASE);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04u", i + 1);
      g_autofree char *given = g_strdup_printf ("Zoë %u", i);
      g_autoptr(GPtrArray) child_ids = g_ptr_array_new ();
      CtRecord *child = ct_test_ui_make_record (CT_RECORD_KIND_CHILD, "given-names", given,
                              "family-name", i % 2 ? "O’Brien" : "Smith", NULL);

      ct_record_set_reference (case_record, reference);
      ct_record_set_state (case_record, i % 5 == 4 ? "closed" : "concern-recorded");
      ct_record_set_due_at (case_record, g_get_real_time () + (gint64) i * G_TIME_SPAN_HOUR);
      ct_record_set_case_id (child, ct_record_get_id (case_record));
      if (i % 3 == 0)
        {
          const char *aliases[] = { "Zed", "Bo Tan", NULL };
          ct_record_set_strv (child, "aliases", aliases);
        }
      g_ptr_array_add (cases, case_record);
      g_ptr_array_add (cases, child);
      g_ptr_array_add (child_ids, (gpointer) ct_record_get_id (child));

      if (i == 3)
        shared_child = ct_record_get_id (child);
      if (i % 4 == 1)
        {
          CtRecord *sibling = ct_test_ui_make_record (CT_RECORD_KIND_CHILD, "given-names", "Kit", NULL);

          ct_record_set_case_id (sibling, ct_record_get_id (case_record));
          g_ptr_array_add (cases, sibling);
          g_ptr_array_add (child_ids, (gpointer) ct_record_get_id (sibling));
        }
      if (i == 10)
        g_ptr_array_add (child_ids, (gpointer) shared_child);
      if (i == 11)
        g_ptr_array_add (child_ids, "no-such-child");
      g_ptr_array_add (child_ids, NULL);
      ct_record_set_strv (case_record, "child-ids", (const char * const *) child_ids->pdata);
    }

  g_assert_true (ct_store_run_transaction_sync (store, insert_all, cases, &error));
  g_assert_no_error (error);
  ct_store_close (store);
}

/* The items a loaded workflow makes from whole records, one by one. */
static GPtrArray *
items_from_records (CtWorkflow *workflow)
{
  CtStore *store = ct_workflow_get_store (workflow);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  g_autoptr(GPtrArray) children = ct_store_list_sync (store, CT_RECORD_KIND_CHILD, NULL, &error);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < children->len; i++)
    g_hash_table_insert (by_id, (gpointer) ct_record_get_id (children->pdata[i]),
                         children->pdata[i]);
  for (guint i = 0; i < cases->len; i++)
    g_ptr_array_add (items, ct_workflow_make_item (workflow, cases->pdata[i], by_id));

  return items;
}

static void
assert_items_equal (GPtrArray *got,
                    GPtrArray *expected)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    {
      CtCaseItem *a = got->pdata[i];
      CtCaseItem *b = expected->pdata[i];

      g_assert_cmpstr (ct_case_item_get_case_id (a), ==, ct_case_item_get_case_id (b));
      g_assert_cmpstr (ct_case_item_get_reference (a), ==, ct_case_item_get_reference (b));
      g_assert_cmpstr (ct_case_item_get_children (a), ==, ct_case_item_get_children (b));
      g_assert_cmpstr (ct_case_item_get_step (a), ==, ct_case_item_get_step (b));
      g_assert_cmpint (ct_case_item_get_due_at (a), ==, ct_case_item_get_due_at (b));
      g_assert_cmpstr (ct_case_item_get_dso (a), ==, ct_case_item_get_dso (b));
      g_assert_cmpint (ct_case_item_get_closed (a), ==, ct_case_item_get_closed (b));
      /* Aliases are searched, not shown. */
      g_assert_cmpint (ct_case_item_matches (a, "bo tan"), ==, ct_case_item_matches (b, "bo tan"));
    }
}

static void
test_load_matches_records (void)
{
  Records records;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  CtCaseItem *item;

  records_init (&records);
  store = ct_store_open_sync (records.path, &error);
  g_assert_no_error (error);
  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, N_CASES);
  g_assert_cmpstr (ct_workflow_get_actor_name (workflow), ==, "Dana Officer");

  expected = items_from_records (workflow);
  assert_items_equal (items, expected);

  /* Spot checks of what the lists show. */
  item = items->pdata[1];
  g_assert_cmpstr (ct_case_item_get_reference (item), ==, "CT-2026-0002");
  g_assert_cmpstr (ct_case_item_get_children (item), ==, "Zoë 1 O’Brien, Kit ");
  g_assert_cmpstr (ct_case_item_get_dso (item), ==, "Dana Officer");
  item = items->pdata[10];
  g_assert_cmpstr (ct_case_item_get_children (item), ==, "Zoë 10 Smith, Zoë 3 O’Brien");
  item = items->pdata[11];
  g_assert_cmpstr (ct_case_item_get_children (item), ==, "Zoë 11 O’Brien");
  item = items->pdata[0];
  g_assert_true (ct_case_item_matches (item, "bo tan"));
  g_assert_false (ct_case_item_get_closed (item));
  item = items->pdata[4];
  g_assert_true (ct_case_item_get_closed (item));
  g_assert_cmpint (ct_case_item_get_due_at (item), ==, 0);

  ct_store_close (store);
  records_clear (&records);
}

static void
test_open_and_load (void)
{
  Records records;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) failed = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;

  records_init (&records);
  ct_workflow_open_and_load_async (records.path, NULL, ct_test_ui_on_done_cb, &loaded);
  workflow = ct_workflow_open_and_load_finish (ct_test_ui_wait_result (&loaded), &items, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workflow);
  g_assert_cmpuint (items->len, ==, N_CASES);
  g_assert_cmpstr (ct_workflow_get_actor_name (workflow), ==, "Dana Officer");
  expected = items_from_records (workflow);
  assert_items_equal (items, expected);
  ct_store_close (ct_workflow_get_store (workflow));

  /* A database that is not there is said so, and nothing is made. */
  missing = g_build_filename (records.dir, "missing.db", NULL);
  ct_workflow_open_and_load_async (missing, NULL, ct_test_ui_on_done_cb, &failed);
  g_assert_null (ct_workflow_open_and_load_finish (ct_test_ui_wait_result (&failed), &none, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_DATABASE);
  g_assert_null (none);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  records_clear (&records);
}

static void
on_chunk_cb (GPtrArray *items,
             gpointer   user_data)
{
  GPtrArray *chunks = user_data;

  g_ptr_array_add (chunks, g_ptr_array_ref (items));
}

/* The first cases by due time come first, alone, with their children's
 * names (a child of another case, and one that is not there, included);
 * the rest follow in chunks, soonest due first, none twice. */
static void
test_first_then_rest (void)
{
  Records records;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) rest = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  guint n_first = 12;

  records_init (&records);
  ct_workflow_open_and_load_first_async (records.path, n_first, NULL, ct_test_ui_on_done_cb,
                                         &loaded);
  workflow = ct_workflow_open_and_load_finish (ct_test_ui_wait_result (&loaded), &first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workflow);
  g_assert_cmpuint (ct_workflow_open_and_load_get_n_cases (loaded), ==, N_CASES);

  /* Every case is due an hour after the one before: due order is the
   * order the cases were made in. */
  expected = items_from_records (workflow);
  {
    g_autoptr(GPtrArray) head = g_ptr_array_new ();

    for (guint i = 0; i < n_first; i++)
      g_ptr_array_add (head, expected->pdata[i]);
    assert_items_equal (first, head);
  }

  ct_workflow_load_rest_async (workflow, first, on_chunk_cb, chunks, NULL,
                               ct_test_ui_on_done_cb, &rest);
  g_assert_true (ct_workflow_load_rest_finish (workflow, ct_test_ui_wait_result (&rest), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (chunks->len, >, 0);

  for (guint i = 0; i < first->len; i++)
    g_ptr_array_add (all, g_object_ref (first->pdata[i]));
  for (guint c = 0; c < chunks->len; c++)
    {
      GPtrArray *chunk = chunks->pdata[c];

      g_assert_cmpuint (chunk->len, >, 0);
      for (guint i = 0; i < chunk->len; i++)
        g_ptr_array_add (all, g_object_ref (chunk->pdata[i]));
    }
  for (guint i = 0; i < all->len; i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) ct_case_item_get_case_id (all->pdata[i])));
  assert_items_equal (all, expected);

  ct_store_close (ct_workflow_get_store (workflow));
  records_clear (&records);
}

static void
wait_for_cases (CtWindow *window,
                guint     n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GListModel *cases = G_LIST_MODEL (ct_window_get_cases (window));

  while (g_list_model_get_n_items (cases) < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (cases), ==, n);
}

/* Records preloaded for one path reach the window that opens that path,
 * whether they are ready before it asks or only after. */
static void
test_window_takes_preload (void)
{
  Records records;
  CtWindow *window;
  CtWorkflow *workflow;

  records_init (&records);

  /* Ready before the window asks. */
  ct_window_preload_records (records.path);
  ct_test_ui_spin (1500);
  window = ct_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, records.path);
  wait_for_cases (window, N_CASES);
  workflow = ct_window_get_workflow (window);
  g_assert_nonnull (workflow);
  g_assert_cmpstr (ct_workflow_get_actor_name (workflow), ==, "Dana Officer");
  {
    g_autoptr(CtCaseItem) first = g_list_model_get_item (G_LIST_MODEL (ct_window_get_cases (window)), 0);

    g_assert_cmpstr (ct_case_item_get_reference (first), ==, "CT-2026-0001");
    g_assert_cmpstr (ct_case_item_get_dso (first), ==, "Dana Officer");
  }
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  /* A file on one desk has no concerns from staff: the section is hidden. */
  {
    GtkWidget *row = ct_test_ui_find_by_label (GTK_WIDGET (window), "New concerns from staff");

    g_assert_true (GTK_IS_LIST_BOX_ROW (row));
    g_assert_false (gtk_widget_get_visible (row));
  }
  ct_store_close (ct_workflow_get_store (workflow));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Asked for at once: the window waits for them. */
  ct_window_preload_records (records.path);
  window = ct_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, records.path);
  wait_for_cases (window, N_CASES);
  ct_store_close (ct_workflow_get_store (ct_window_get_workflow (window)));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Closed before they arrive: the closed window takes them without a
   * critical warning (which would end the test) and closes them as it
   * goes, and the next window gets records of its own. */
  ct_window_preload_records (records.path);
  window = ct_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, records.path);
  gtk_window_destroy (GTK_WINDOW (window));
  ct_test_ui_spin (3000);
  window = ct_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  ct_window_open_records (window, records.path);
  wait_for_cases (window, N_CASES);
  ct_store_close (ct_workflow_get_store (ct_window_get_workflow (window)));
  gtk_window_destroy (GTK_WINDOW (window));

  records_clear (&records);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = ct_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);

  g_test_add_func ("/ui/load/matches-records", test_load_matches_records);
  g_test_add_func ("/ui/load/open-and-load", test_open_and_load);
  g_test_add_func ("/ui/load/first-then-rest", test_first_then_rest);
  g_test_add_func ("/ui/load/window-takes-preload", test_window_takes_preload);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-one-path"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ct-case-service.h"
#include "ct-workflow.h"

/*
 * One path for every step: the sample data (`caretrail-admin demo`), the
 * app (CtWorkflow, which the windows call) and the command line
 * (`caretrail-admin record`) must write the same records for the same step.
 * The demo makes its cases; each case's chronology keeps the answers every
 * step was recorded with; those steps are then recorded again, with the
 * same answers, times and member of staff, through the app's path and
 * through the command line, and the three cases' records are compared
 * field by field (leaving out what differs by nature: ids, and when each
 * entry was typed in).
 */

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

typedef struct
{
  CtEvent    event;
  GVariant  *answers;
  GDateTime *at;
  char      *staff_id;
} Step;

static void
step_clear (Step *step)
{
  g_clear_pointer (&step->answers, g_variant_unref);
  g_clear_pointer (&step->at, g_date_time_unref);
  g_clear_pointer (&step->staff_id, g_free);
}

static void
run_admin (const char * const *args)
{
  const char *admin = g_getenv ("CARETRAIL_ADMIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (admin);
  g_ptr_array_add (argv, (gpointer) admin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("caretrail-admin %s failed: %s%s", args[0], out, err);
}

static char *
run_admin_output (GPtrArray *args)
{
  const char *admin = g_getenv ("CARETRAIL_ADMIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) admin);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("caretrail-admin record failed: %s%s", out, err);
  return g_strstrip (g_steal_pointer (&out));
}

static int
compare_steps (gconstpointer a,
               gconstpointer b)
{
  const Step *sa = a, *sb = b;

  return g_date_time_compare (sa->at, sb->at);
}

/* The steps of a case, in the order they happened, from its chronology. */
static GArray *
read_steps (CtStore    *store,
            const char *case_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chronology = ct_store_list_sync (store, CT_RECORD_KIND_CHRONOLOGY, case_id, &error);
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (Step));

  g_assert_no_error (error);
  g_array_set_clear_func (steps, (GDestroyNotify) step_clear);
  for (guint i = 0; i < chronology->len; i++)
    {
      CtRecord *entry = g_ptr_array_index (chronology, i);
      Step step = { 0, };

      g_assert_true (ct_event_from_string (ct_record_get_string (entry, "procedure-event"), &step.event, NULL));
      step.answers = g_variant_ref (ct_record_get_answers (entry, "answers"));
      step.at = g_date_time_new_from_unix_utc (ct_record_get_int64 (entry, "event", 0) / G_USEC_PER_SEC);
      step.staff_id = g_strdup (ct_record_get_string (entry, "staff-id"));
      g_assert_nonnull (step.staff_id);
      g_array_append_val (steps, step);
    }
  g_array_sort (steps, compare_steps);
  return steps;
}

/* What the directory filled in from the agency's name is worked out again
 * on every path; the forms and the command line name the agency. */
static gboolean
is_derived (CtEvent     event,
            const char *key)
{
  return (event == CT_EVENT_REFERRAL_MADE || event == CT_EVENT_IMMEDIATE_RISK_REFERRAL) &&
         (g_str_equal (key, "agency-id") || g_str_equal (key, "confirmation-period"));
}

static GHashTable *
answers_for_app (const Step *step)
{
  GHashTable *answers = ct_answers_from_variant (step->answers);

  g_hash_table_remove (answers, "agency-id");
  g_hash_table_remove (answers, "confirmation-period");
  return answers;
}

/* The steps recorded again through the app's own path. */
static char *
replay_in_app (CtStore *store,
               GArray  *steps)
{
  g_autoptr(CtWorkflow) workflow = ct_workflow_new (store);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;

  ct_workflow_load_async (workflow, NULL, on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, wait_result (&loaded), &error);
  g_assert_no_error (error);

  for (guint i = 0; i < steps->len; i++)
    {
      const Step *step = &g_array_index (steps, Step, i);
      g_autoptr(GHashTable) answers = answers_for_app (step);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(CtCaseItem) item = NULL;

      g_assert_true (ct_workflow_set_actor_id (workflow, step->staff_id));
      ct_workflow_record_async (workflow, case_id, step->event, answers, step->at, NULL, on_done_cb, &result);
      item = ct_workflow_record_finish (workflow, wait_result (&result), NULL, &error);
      if (error != NULL)
        g_error ("the app refused %s: %s", ct_event_to_string (step->event), error->message);
      if (case_id == NULL)
        case_id = g_strdup (ct_case_item_get_case_id (item));
    }
  return g_steal_pointer (&case_id);
}

/* The steps recorded again with `caretrail-admin record`. */
static char *
replay_on_command_line (const char *path,
                        GArray     *steps)
{
  g_autofree char *reference = NULL;

  for (guint i = 0; i < steps->len; i++)
    {
      const Step *step = &g_array_index (steps, Step, i);
      g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *out = NULL;
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_ptr_array_add (args, g_strdup ("record"));
      g_ptr_array_add (args, g_strdup ("--database"));
      g_ptr_array_add (args, g_strdup (path));
      if (reference == NULL)
        g_ptr_array_add (args, g_strdup ("--new"));
      else
        {
          g_ptr_array_add (args, g_strdup ("--case"));
          g_ptr_array_add (args, g_strdup (reference));
        }
      g_ptr_array_add (args, g_strdup (ct_event_to_string (step->event)));
      g_ptr_array_add (args, g_strdup ("--at"));
      g_ptr_array_add (args, ct_clock_format_iso8601 (step->at));
      g_ptr_array_add (args, g_strdup ("--by"));
      g_ptr_array_add (args, g_strdup (step->staff_id));

      g_variant_iter_init (&iter, step->answers);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
        {
          if (is_derived (step->event, key))
            continue;
          if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
            g_ptr_array_add (args, g_strdup_printf ("%s=%s", key, g_variant_get_boolean (value) ? "yes" : "no"));
          else
            g_ptr_array_add (args, g_strdup_printf ("%s=%s", key, g_variant_get_string (value, NULL)));
        }

      out = run_admin_output (args);
      if (reference == NULL)
        reference = g_strdup (out);
    }
  return g_steal_pointer (&reference);
}

static CtRecord *
find_case (CtStore    *store,
           const char *reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    if (g_strcmp0 (ct_record_get_reference (g_ptr_array_index (cases, i)), reference) == 0)
      return g_object_ref (g_ptr_array_index (cases, i));
  g_error ("no case %s", reference);
  return NULL;
}

/* A record's fields as text, without what differs by nature between two
 * recordings of the same step: ids, and when it was typed in. */
static char *
describe (CtRecord *record)
{
  g_autoptr(GVariant) fields = ct_record_dup_fields (record);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  g_autoptr(GVariant) kept = NULL;
  g_autofree char *printed = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (g_str_equal (key, "recorded-at") || g_str_equal (key, "child-ids") ||
          g_str_equal (key, "child-id") || g_str_equal (key, "demo") ||
          g_str_equal (key, "title") || g_str_equal (key, "summary") ||
          g_str_equal (key, "answers"))
        continue;
      if (g_str_equal (key, "entry"))
        {
          /* "… (recorded 2026-12-02T10:00:00+00:00), who: what" */
          const char *text = g_variant_get_string (value, NULL);
          const char *open = strstr (text, " (recorded ");
          const char *close = open != NULL ? strstr (open, "), ") : NULL;
          g_autofree char *without = NULL;
          g_autofree char *head = NULL;

          if (open != NULL && close != NULL)
            without = g_strconcat (head = g_strndup (text, (gsize) (open - text)), close + 1, NULL);
          else
            without = g_strdup (text);

          g_variant_builder_add (&builder, "{sv}", key, g_variant_new_string (without));
          continue;
        }
      g_variant_builder_add (&builder, "{sv}", key, value);
    }
  kept = g_variant_ref_sink (g_variant_builder_end (&builder));
  printed = g_variant_print (kept, FALSE);
  return g_strdup_printf ("%s %s %s", ct_record_kind_to_string (ct_record_get_kind (record)),
                          ct_record_get_state (record) ?: "-", printed);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Every record a case's steps wrote, described and sorted. */
static GPtrArray *
describe_case (CtStore    *store,
               const char *reference)
{
  static const CtRecordKind kinds[] = {
    CT_RECORD_KIND_CONCERN, CT_RECORD_KIND_DECISION, CT_RECORD_KIND_REFERRAL,
    CT_RECORD_KIND_CONSULTATION, CT_RECORD_KIND_INFO_SHARING, CT_RECORD_KIND_ALLEGATION,
    CT_RECORD_KIND_CHRONOLOGY, CT_RECORD_KIND_CHILD,
  };
  g_autoptr(CtRecord) case_record = find_case (store, reference);
  GPtrArray *described = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (described, describe (case_record));
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) records = ct_store_list_sync (store, kinds[k], ct_record_get_id (case_record), &error);

      g_assert_no_error (error);
      for (guint i = 0; i < records->len; i++)
        g_ptr_array_add (described, describe (g_ptr_array_index (records, i)));
    }
  g_ptr_array_sort (described, compare_strings);
  return described;
}

static void
assert_same (GPtrArray  *expected,
             GPtrArray  *got,
             const char *path)
{
  for (guint i = 0; i < MAX (expected->len, got->len); i++)
    {
      const char *e = i < expected->len ? g_ptr_array_index (expected, i) : "(nothing)";
      const char *g = i < got->len ? g_ptr_array_index (got, i) : "(nothing)";

      if (g_strcmp0 (e, g) != 0)
        g_error ("%s wrote a different record:\n  demo: %s\n  %s: %s", path, e, path, g);
    }
}

static void
test_same_records (void)
{
  /* The sample paths that cover the most steps: a referral followed to
   * monitoring, an urgent referral chased, an allegation concluded, and a
   * complaint that is not an allegation. */
  static const char * const references[] = {
    "CT-DEMO-00010", "CT-DEMO-00017", "CT-DEMO-00018", "CT-DEMO-00019", "CT-DEMO-00014",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-one-path-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "caretrail.db", NULL);
  const char *init[] = { "init", "--database", path, NULL };
  const char *demo[] = { "demo", "--database", path, "--cases", "20", NULL };
  g_autoptr(GPtrArray) app_references = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cli_references = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) all_steps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  CtStore *store;

  g_assert_no_error (error);
  run_admin (init);
  run_admin (demo);

  /* The app's path, in this process. */
  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autoptr(CtRecord) demo_case = find_case (store, references[i]);
      GArray *steps = read_steps (store, ct_record_get_id (demo_case));
      g_autofree char *case_id = NULL;
      g_autoptr(CtRecord) app_case = NULL;

      g_assert_cmpuint (steps->len, >=, 2);
      g_ptr_array_add (all_steps, steps);
      case_id = replay_in_app (store, steps);
      app_case = ct_store_get_sync (store, CT_RECORD_KIND_CASE, case_id, &error);
      g_assert_no_error (error);
      g_ptr_array_add (app_references, g_strdup (ct_record_get_reference (app_case)));
    }
  ct_store_close (store);
  g_object_unref (store);

  /* The command line's, in its own processes. */
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    g_ptr_array_add (cli_references, replay_on_command_line (path, g_ptr_array_index (all_steps, i)));

  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autoptr(GPtrArray) from_demo = describe_case (store, references[i]);
      g_autoptr(GPtrArray) from_app = describe_case (store, g_ptr_array_index (app_references, i));
      g_autoptr(GPtrArray) from_cli = describe_case (store, g_ptr_array_index (cli_references, i));

      g_test_message ("%s: %u records, recorded again as %s (app) and %s (command line)",
                      references[i], from_demo->len, (char *) g_ptr_array_index (app_references, i),
                      (char *) g_ptr_array_index (cli_references, i));
      assert_same (from_demo, from_app, "the app");
      assert_same (from_demo, from_cli, "the command line");
    }
  ct_store_close (store);
  g_object_unref (store);
}

/* The directory: what the app's forms save (through CtWorkflow) and what
 * `caretrail-admin agency` and `staff` save are the same records, version
 * for version. */

typedef struct
{
  const char *option;  /* caretrail-admin's, without "--" */
  const char *field;
  const char *value;   /* "yes" or "no" for a yes/no detail */
  gboolean    yes_no;
} DirectoryAnswer;

static const DirectoryAnswer agency_added[] = {
  { "name", "name", "Northshire Children’s Services", FALSE },
  { "kind", "kind", "mash", FALSE },
  { "area", "area", "Northshire", FALSE },
  { "address", "address", "Front Door, County Hall, Northtown NT1 1AA", FALSE },
  { "phone", "phone", "0300 100 2000", FALSE },
  { "secure-email", "secure-email", "mash@northshire.gov.uk", FALSE },
  { "out-of-hours", "out-of-hours", "0300 100 9999", FALSE },
  { "confirmation-period", "confirmation-period", "2wd", FALSE },
  { NULL, }
};

static const DirectoryAnswer agency_corrected[] = {
  { "phone", "phone", "0300 100 3000", FALSE },
  { "out-of-hours", "out-of-hours", "", FALSE },
  { NULL, }
};

static const DirectoryAnswer staff_added[] = {
  { "name", "name", "Sam Deputy", FALSE },
  { "role", "role", "Head of Pastoral Care", FALSE },
  { "email", "email", "sam@example.org", FALSE },
  { "deputy", "is-deputy", "yes", TRUE },
  { NULL, }
};

static const DirectoryAnswer staff_left[] = {
  { "left", "left", "yes", TRUE },
  { NULL, }
};

static GHashTable *
directory_answers (const DirectoryAnswer *answers)
{
  GHashTable *table = ct_answers_new ();

  for (guint i = 0; answers[i].option != NULL; i++)
    if (answers[i].yes_no)
      ct_answers_set_boolean (table, answers[i].field, g_str_equal (answers[i].value, "yes"));
    else
      ct_answers_set_text (table, answers[i].field, answers[i].value);
  return table;
}

static CtRecord *
save_in_app (CtWorkflow            *workflow,
             CtRecordKind           kind,
             CtRecord              *existing,
             const DirectoryAnswer *answers)
{
  g_autoptr(GHashTable) table = directory_answers (answers);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CtRecord *saved;

  ct_workflow_save_directory_async (workflow, kind, existing, table, NULL, on_done_cb, &result);
  saved = ct_workflow_save_directory_finish (workflow, wait_result (&result), &error);
  g_assert_no_error (error);
  return saved;
}

static char *
save_on_command_line (const char            *path,
                      const char            *command,
                      const char            *edit_id,
                      const char            *staff_id,
                      const DirectoryAnswer *answers)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (args, g_strdup (command));
  g_ptr_array_add (args, g_strdup (edit_id != NULL ? "edit" : "add"));
  g_ptr_array_add (args, g_strdup ("--database"));
  g_ptr_array_add (args, g_strdup (path));
  g_ptr_array_add (args, g_strdup ("--by"));
  g_ptr_array_add (args, g_strdup (staff_id));
  for (guint i = 0; answers[i].option != NULL; i++)
    g_ptr_array_add (args, g_strdup_printf ("--%s=%s", answers[i].option, answers[i].value));
  if (edit_id != NULL)
    g_ptr_array_add (args, g_strdup (edit_id));
  return run_admin_output (args);
}

/* Every version of a directory entry, described without its id and times. */
static GPtrArray *
describe_versions (CtStore      *store,
                   CtRecordKind  kind,
                   const char   *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = ct_store_list_history_sync (store, kind, id, &error);
  g_autoptr(CtRecord) current = NULL;
  GPtrArray *described = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  current = ct_store_get_sync (store, kind, id, &error);
  g_assert_no_error (error);
  g_ptr_array_add (history, g_object_ref (current));
  for (guint i = 0; i < history->len; i++)
    {
      CtRecord *version = g_ptr_array_index (history, i);
      g_autofree char *fields = describe (version);

      g_ptr_array_add (described, g_strdup_printf ("v%" G_GINT64_FORMAT " %s",
                                                   ct_record_get_version (version), fields));
    }
  return described;
}

static void
test_same_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-one-path-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "caretrail.db", NULL);
  const char *init[] = { "init", "--database", path, NULL };
  const char *demo[] = { "demo", "--database", path, "--cases", "1", NULL };
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtRecord) app_agency = NULL;
  g_autoptr(CtRecord) app_staff = NULL;
  g_autoptr(CtRecord) corrected = NULL;
  g_autofree char *staff_id = NULL;
  g_autofree char *cli_agency = NULL;
  g_autofree char *cli_staff = NULL;
  CtStore *store;

  g_assert_no_error (error);
  run_admin (init);
  run_admin (demo);

  /* The app's path. */
  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, wait_result (&loaded), &error);
  g_assert_no_error (error);
  {
    g_autoptr(CtRecord) dso = g_list_model_get_item (ct_workflow_get_staff (workflow), 0);

    staff_id = g_strdup (ct_record_get_id (dso));
  }
  g_assert_true (ct_workflow_set_actor_id (workflow, staff_id));
  app_agency = save_in_app (workflow, CT_RECORD_KIND_AGENCY, NULL, agency_added);
  corrected = save_in_app (workflow, CT_RECORD_KIND_AGENCY, app_agency, agency_corrected);
  g_clear_object (&app_agency);
  app_agency = g_steal_pointer (&corrected);
  app_staff = save_in_app (workflow, CT_RECORD_KIND_STAFF, NULL, staff_added);
  corrected = save_in_app (workflow, CT_RECORD_KIND_STAFF, app_staff, staff_left);
  g_clear_object (&workflow);
  ct_store_close (store);
  g_object_unref (store);

  /* The command line's. */
  cli_agency = save_on_command_line (path, "agency", NULL, staff_id, agency_added);
  g_free (save_on_command_line (path, "agency", cli_agency, staff_id, agency_corrected));
  cli_staff = save_on_command_line (path, "staff", NULL, staff_id, staff_added);
  g_free (save_on_command_line (path, "staff", cli_staff, staff_id, staff_left));

  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) app = describe_versions (store, CT_RECORD_KIND_AGENCY,
                                                  ct_record_get_id (app_agency));
    g_autoptr(GPtrArray) cli = describe_versions (store, CT_RECORD_KIND_AGENCY, cli_agency);

    g_assert_cmpuint (app->len, ==, 2);
    g_test_message ("agency: %s", (char *) g_ptr_array_index (app, 1));
    assert_same (app, cli, "the command line");
  }
  {
    g_autoptr(GPtrArray) app = describe_versions (store, CT_RECORD_KIND_STAFF,
                                                  ct_record_get_id (app_staff));
    g_autoptr(GPtrArray) cli = describe_versions (store, CT_RECORD_KIND_STAFF, cli_staff);

    g_assert_cmpuint (app->len, ==, 2);
    g_test_message ("staff: %s", (char *) g_ptr_array_index (app, 1));
    assert_same (app, cli, "the command line");
  }
  ct_store_close (store);
  g_object_unref (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/one-path/same-records", test_same_records);
  g_test_add_func ("/one-path/same-directory", test_same_directory);
  return g_test_run ();
}

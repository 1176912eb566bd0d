/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-rotation"

#include "config.h"

#include "ct-store-location.h"
#include "ct-store-members.h"
#include "ct-store.h"
#include "test-store-util.h"

/*
 * Two desks on one server, each with its own keyring: the DSO's (this
 * process, in the session's keyring) and the deputy's (caretrail-admin
 * with a HOME and a keyring file of its own). The DSO's desk opens the
 * records; then the deputy rotates the organisation's key. The DSO's desk
 * still holds the key that wrapped case keys before, and its next write
 * must not wrap with it: it takes up the new key and the case it writes
 * opens with the new key only. When the deputy removes the DSO and rotates
 * again, the DSO's open desk is told it is no longer a member and writes
 * nothing.
 *
 * Run under tests/pg-run.sh with CARETRAIL_TEST_BACKEND=postgresql.
 */

static struct
{
  char *dir;
  char *location;
  char *staff_id;
} office;

/* Runs caretrail-admin as the deputy, on their own computer; returns its
 * standard output, or %NULL if it failed (its standard error in @out_err). */
static char *
run_deputy (const char * const  *args,
            const char          *input,
            char               **out_err)
{
  g_autofree char *home = g_build_filename (office.dir, "deputy", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *keyring = g_build_filename (home, "keyring", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (g_mkdir_with_parents (home, 0700), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "deputy-keyring", TRUE);

  g_ptr_array_add (argv, (char *) g_getenv ("CARETRAIL_ADMIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (out_err != NULL)
    *out_err = g_strdup (err);
  if (!g_subprocess_get_successful (process))
    {
      g_test_message ("caretrail-admin %s failed: %s", args[0], err);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* The value after "@label: " in @text. */
static char *
find_line (const char *text,
           const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *prefix = g_strconcat (label, ": ", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  g_error ("No “%s” in: %s", label, text);
}

static void
insert (CtStore  *store,
        CtRecord *record)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ct_store_insert_sync (store, office.staff_id != NULL ? office.staff_id : "caretrail-admin",
                                       record, &error));
  g_assert_no_error (error);
}

/* A case with a child, written through @store; returns the child's id. */
static char *
write_case (CtStore     *store,
            const char  *reference,
            const char  *given_names,
            char       **out_case_id,
            GError     **error)
{
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);

  ct_record_set_reference (case_record, reference);
  ct_record_set_state (case_record, "new");
  if (!ct_store_insert_sync (store, office.staff_id, case_record, error))
    return NULL;
  ct_record_set_case_id (child, ct_record_get_id (case_record));
  ct_record_set_string (child, "given-names", given_names);
  ct_record_set_string (child, "family-name", "Marchbanks");
  if (!ct_store_insert_sync (store, office.staff_id, child, error))
    return NULL;
  if (out_case_id != NULL)
    *out_case_id = g_strdup (ct_record_get_id (case_record));
  return g_strdup (ct_record_get_id (child));
}

static void
set_up_office (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autofree char *code = NULL;
  g_autofree char *request = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *fingerprint = NULL;

  office.dir = g_dir_make_tmp ("ct-rotation-XXXXXX", &error);
  g_assert_no_error (error);
  office.location = store_test_new_location (office.dir);

  g_assert_true (ct_store_location_set_up_server (office.location, &error));
  g_assert_no_error (error);
  store = ct_store_create_sync (office.location, &code, &error);
  g_assert_no_error (error);
  ct_record_set_string (organisation, "name", "Fernhill Primary School");
  insert (store, organisation);
  ct_record_set_string (dso, "name", "Dana Fieldhouse");
  ct_record_set_string (dso, "role", "dso");
  insert (store, dso);
  office.staff_id = g_strdup (ct_record_get_id (dso));
  g_assert_true (ct_store_add_first_member_sync (store, "Dana Fieldhouse", &error));
  g_assert_no_error (error);

  /* The deputy asks from their own computer; the DSO approves. */
  {
    const char *args[] = { "member-request", office.location, "--name", "Dev Deputy", NULL };

    request = run_deputy (args, NULL, NULL);
    g_assert_nonnull (request);
  }
  request_id = find_line (request, "Request");
  fingerprint = find_line (request, "Fingerprint");
  g_assert_true (ct_store_approve_member_sync (store, request_id, fingerprint, &error));
  g_assert_no_error (error);
  ct_store_close (store);
}

static char *
find_member (CtStore    *store,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = ct_store_list_members_sync (store, FALSE, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < members->len; i++)
    {
      CtMemberInfo *info = g_ptr_array_index (members, i);

      if (g_strcmp0 (info->name, name) == 0)
        return g_strdup (info->id);
    }
  g_error ("No member named %s", name);
}

static void
deputy_rotates (void)
{
  const char *args[] = { "rotate", office.location, NULL };
  g_autofree char *out = run_deputy (args, NULL, NULL);

  g_assert_nonnull (out);
  g_assert_nonnull (strstr (out, "New recovery code"));
}

static gboolean
deputy_verifies (void)
{
  const char *args[] = { "verify", "--database", office.location, NULL };
  g_autofree char *out = run_deputy (args, NULL, NULL);

  return out != NULL;
}

static void
on_changed_elsewhere_cb (CtStore *store,
                         gpointer user_data)
{
  guint *heard = user_data;

  (*heard)++;
}

/* Runs the main context until *@heard is above zero; %FALSE after half
 * a minute. */
static gboolean
wait_to_hear (const guint *heard)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*heard == 0)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (G_USEC_PER_SEC / 1000);
    }
  return TRUE;
}

/* The deputy's desk, in a process of its own with the deputy's keyring:
 * opens the records, says "listening" once its watch listens, then each
 * time it hears of a change looks for the case @reference and, once it
 * reads it, says when (on the monotonic clock, which every process on
 * this computer shares). */
static int
deputy_watch (const char *location,
              const char *reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_sync (location, &error);
  guint heard = 0;

  if (store == NULL)
    {
      g_printerr ("The deputy's desk could not open the records: %s\n", error->message);
      return 1;
    }
  g_signal_connect (store, "changed-elsewhere", G_CALLBACK (on_changed_elsewhere_cb), &heard);
  if (!wait_to_hear (&heard))
    return 2;
  g_print ("listening\n");
  fflush (stdout);
  for (;;)
    {
      g_autoptr(CtRecord) found = NULL;

      heard = 0;
      if (!wait_to_hear (&heard))
        {
          g_printerr ("The deputy's desk heard of no case %s\n", reference);
          return 3;
        }
      found = ct_store_find_case_sync (store, reference, &error);
      if (found != NULL)
        {
          g_print ("seen %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
          return 0;
        }
      if (!g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
        {
          g_printerr ("The deputy's desk could not read %s: %s\n", reference, error->message);
          return 4;
        }
      g_clear_error (&error);
    }
}

/* The deputy's desk, on another computer with its own keyring, reads a
 * case the DSO records within a second of its being recorded. */
static void
test_deputy_sees_within_a_second (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) desk = NULL;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  g_autofree char *home = g_build_filename (office.dir, "deputy", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *keyring = g_build_filename (home, "keyring", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) watcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  gint64 before, recorded, seen;

  g_assert_no_error (error);
  desk = ct_store_open_sync (office.location, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "deputy-keyring", TRUE);
  watcher = g_subprocess_launcher_spawn (launcher, &error, self, "--deputy-watch", office.location,
                                         "CT-2026-0100", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (watcher));

  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "listening");
  g_clear_pointer (&line, g_free);

  ct_record_set_reference (case_record, "CT-2026-0100");
  ct_record_set_state (case_record, "new");
  before = g_get_monotonic_time ();
  g_assert_true (ct_store_insert_sync (desk, office.staff_id, case_record, &error));
  g_assert_no_error (error);
  recorded = g_get_monotonic_time ();

  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "seen "));
  seen = g_ascii_strtoll (line + 5, NULL, 10);
  g_test_message ("saving took %.0f ms; the deputy read the case %.0f ms after it was saved",
                  (recorded - before) / 1000.0, (seen - recorded) / 1000.0);
  g_assert_true (g_subprocess_wait_check (watcher, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seen, >, before);
  g_assert_cmpint (seen - recorded, <, G_USEC_PER_SEC);
}

/* A desk opened before another rotated the key writes with the new key. */
static void
test_write_after_rotation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) desk = NULL;
  g_autoptr(CtStore) reader = NULL;
  g_autoptr(CtStore) fresh = NULL;
  g_autoptr(CtRecord) child = NULL;
  g_autofree char *first_child = NULL;
  g_autofree char *second_child = NULL;
  g_autofree char *second_case = NULL;

  desk = ct_store_open_sync (office.location, &error);
  g_assert_no_error (error);
  first_child = write_case (desk, "CT-2026-0001", "Quillon", NULL, &error);
  g_assert_no_error (error);
  /* A second desk that has read no case key yet. */
  reader = ct_store_open_sync (office.location, &error);
  g_assert_no_error (error);

  deputy_rotates ();

  /* The desk's next write takes up the new key. */
  second_child = write_case (desk, "CT-2026-0002", "Rosalind", &second_case, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second_child);

  /* The case key it wrapped opens with the new master key: the deputy,
   * who holds only that, verifies every case key and record. */
  g_assert_true (deputy_verifies ());

  /* A desk opened now (with the new key only) reads it, and verifies. */
  fresh = ct_store_open_sync (office.location, &error);
  g_assert_no_error (error);
  child = ct_store_get_sync (fresh, CT_RECORD_KIND_CHILD, second_child, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (child, "given-names"), ==, "Rosalind");
  g_clear_object (&child);
  g_assert_true (ct_store_verify_sync (fresh, NULL, &error));
  g_assert_no_error (error);
  ct_store_close (fresh);

  /* The desk that opened before and has read nothing reads a case key
   * wrapped under the new key. */
  child = ct_store_get_sync (reader, CT_RECORD_KIND_CHILD, first_child, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_string (child, "given-names"), ==, "Quillon");
  g_clear_object (&child);
  ct_store_close (reader);

  /* And the first desk writes on after a second rotation too. */
  deputy_rotates ();
  g_free (write_case (desk, "CT-2026-0003", "Tobias", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ct_store_verify_sync (desk, NULL, &error));
  g_assert_no_error (error);
  ct_store_close (desk);
  g_assert_true (deputy_verifies ());
}

/* A desk whose member was removed, and the key rotated, while it was
 * open is told so, and writes nothing. */
static void
test_removed_while_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) desk = NULL;
  g_autofree char *dso_member = NULL;
  g_autofree char *child = NULL;
  CtStoreVerifyStats stats = { 0 };

  desk = ct_store_open_sync (office.location, &error);
  g_assert_no_error (error);
  dso_member = find_member (desk, "Dana Fieldhouse");
  g_assert_true (ct_store_verify_sync (desk, &stats, &error));
  g_assert_no_error (error);

  {
    const char *args[] = { "member-remove", office.location, dso_member, NULL };
    g_autofree char *out = run_deputy (args, NULL, NULL);

    g_assert_nonnull (out);
  }
  deputy_rotates ();

  child = write_case (desk, "CT-2026-0004", "Wren", NULL, &error);
  g_assert_null (child);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER);
  g_assert_nonnull (strstr (error->message, "You are not a member"));
  g_clear_error (&error);
  ct_store_close (desk);

  /* Nothing was written: the deputy verifies the log as it was, plus the
   * removal and the rotation. */
  {
    const char *args[] = { "verify", "--database", office.location, NULL };
    g_autofree char *out = run_deputy (args, NULL, NULL);
    g_autofree char *expected = g_strdup_printf ("; %" G_GINT64_FORMAT " audit entries;", stats.audit_entries + 2);

    g_assert_nonnull (out);
    if (strstr (out, expected) == NULL)
      g_error ("expected %" G_GINT64_FORMAT " audit entries after the refused write: %s", stats.audit_entries + 2, out);
  }

  /* And opening again says so too. */
  desk = ct_store_open_sync (office.location, &error);
  g_assert_null (desk);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (argc == 4 && strcmp (argv[1], "--deputy-watch") == 0)
    return deputy_watch (argv[2], argv[3]);
  require_private_session ();
  if (!store_test_on_server () || g_getenv ("CARETRAIL_ADMIN") == NULL)
    {
      g_printerr ("Run this test with meson test (it needs a server and caretrail-admin).\n");
      return 77;
    }
  g_test_init (&argc, &argv, NULL);
  set_up_office ();

  g_test_add_func ("/store/members/deputy-sees-within-a-second", test_deputy_sees_within_a_second);
  g_test_add_func ("/store/members/write-after-rotation", test_write_after_rotation);
  g_test_add_func ("/store/members/removed-while-open", test_removed_while_open);

  status = g_test_run ();
  remove_tree (office.dir);
  g_free (office.dir);
  g_free (office.location);
  g_free (office.staff_id);
  return status;
}

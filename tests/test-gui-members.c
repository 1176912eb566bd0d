/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-members"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ct-members-page.h"
#include "ct-member-item.h"
#include "ct-preferences-window.h"
#include "ct-setup-assistant.h"
#include "ct-store-error.h"
#include "ct-store-location.h"
#include "ct-store-members.h"
#include "ct-test-ui.h"
#include "ct-unlock-page.h"
#include "ct-workflow.h"
#include "test-store-util.h"

/*
 * Joining an organisation on a server and approving members, in the app
 * and with caretrail-admin, on a throwaway cluster (tests/pg-run.sh). The
 * other person is caretrail-admin run with a home and a keyring of its
 * own, as on another computer. A request made in the setup assistant is
 * approved with the CLI and the assistant opens the records; one made
 * with the CLI is approved on the Members page; both sides list the same
 * members with the same fingerprints; someone removed is told so, in the
 * app and by the CLI.
 */

#define WAIT_USEC (60 * G_USEC_PER_SEC)

/* Runs caretrail-admin as someone else, on their own computer. */
static int
run_admin (const char  *home,
           char       **out,
           char       **err,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *keyring = g_build_filename (home, "keyring", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("CARETRAIL_ADMIN"));
  va_start (args, err);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_nonnull (g_getenv ("CARETRAIL_ADMIN"));
  g_mkdir_with_parents (home, 0700);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "SECRET_BACKEND", "file", TRUE);
  env = g_environ_setenv (env, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  env = g_environ_setenv (env, "SECRET_FILE_TEST_PASSWORD", "other-computer", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &stdout_text, &stderr_text, &status, &error));
  g_assert_no_error (error);
  if (out != NULL)
    {
      g_free (*out);
      *out = g_steal_pointer (&stdout_text);
    }
  if (err != NULL)
    {
      g_free (*err);
      *err = g_steal_pointer (&stderr_text);
    }
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static void
psql (const char *location,
      const char *sql)
{
  g_autofree char *bin = g_build_filename (g_getenv ("CARETRAIL_TEST_PG_BINDIR"), "psql", NULL);
  const char *argv[] = { bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", location, "-c", sql, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("psql failed: %s", err);
}

/* @location with its user replaced by @user. */
static char *
as_user (const char *location,
         const char *user)
{
  const char *q = strstr (location, "?user=");

  g_assert_nonnull (q);
  return g_strdup_printf ("%.*s?user=%s", (int) (q - location), location, user);
}

/* The id of the line of `caretrail-admin members` (or member-requests)
 * that shows @fingerprint, or NULL. */
static char *
find_listed (const char *listing,
             const char *fingerprint)
{
  g_auto(GStrv) lines = g_strsplit (listing, "\n", -1);
  g_autofree char *bracketed = g_strdup_printf ("[%s]", fingerprint);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], bracketed) != NULL)
      return g_strndup (lines[i], strcspn (lines[i], " "));
  return NULL;
}

static void
wait_until (gboolean (*done) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_USEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (done (data));
}

static gboolean
has_fingerprint (gpointer data)
{
  CtSetupAssistant *assistant = data;

  return g_str_equal (ct_setup_assistant_get_page (assistant), "waiting") &&
         *ct_setup_assistant_get_fingerprint (assistant) != '\0';
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static void
on_joined_cb (CtSetupAssistant *assistant,
              const char       *location,
              char            **out)
{
  g_free (*out);
  *out = g_strdup (location);
}

static void
test_join_from_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-members-XXXXXX", &error);
  g_autofree char *dso_home = g_build_filename (dir, "dso", NULL);
  g_autofree char *location = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *request = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *listed = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) members = NULL;
  GtkWidget *window;
  GtkWidget *assistant;
  GtkWidget *unlock;

  g_assert_no_error (error);
  location = store_test_new_location (dir);
  g_assert_cmpint (run_admin (dso_home, NULL, &err, "server-init", location, "--organisation",
                              "Fernhill Primary School (test)", "--dso", "Dana Fieldhouse", NULL), ==, 0);
  psql (location, "CREATE ROLE dev_join LOGIN IN ROLE caretrail_staff");
  mine = as_user (location, "dev_join");

  /* Asking to join, in the setup assistant. */
  assistant = ct_setup_assistant_new ();
  /* Longer than the test waits: the approval must be heard through the
   * server's change notification, not found by asking again. */
  ct_setup_assistant_set_poll_interval (CT_SETUP_ASSISTANT (assistant), 2 * WAIT_USEC / 1000);
  g_signal_connect (assistant, "joined", G_CALLBACK (on_joined_cb), &joined);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  gtk_window_set_child (GTK_WINDOW (window), assistant);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (assistant, "setup.join", NULL));
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "join");
  g_assert_false (ct_setup_assistant_can_continue (CT_SETUP_ASSISTANT (assistant)));

  /* Not a server: refused by the same parser the CLI uses, nothing sent. */
  ct_test_ui_type_into (window, "Server address", "/tmp/office.db");
  ct_test_ui_type_into (window, "Your name", "Dev Deputy");
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));
  g_assert_nonnull (ct_test_ui_find_error (window));
  g_assert_cmpstr (ct_setup_assistant_get_page (CT_SETUP_ASSISTANT (assistant)), ==, "join");

  ct_test_ui_type_into (window, "Server address", mine);
  g_assert_cmpuint (ct_test_ui_assert_operable (window), >=, 4);
  ct_test_ui_wait_for_frame (window);
  ct_test_ui_screenshot (window, "join-form.png");
  ct_setup_assistant_next (CT_SETUP_ASSISTANT (assistant));
  wait_until (has_fingerprint, assistant);
  fingerprint = g_strdup (ct_setup_assistant_get_fingerprint (CT_SETUP_ASSISTANT (assistant)));
  g_test_message ("fingerprint: %s", fingerprint);
  ct_test_ui_wait_for_text (window, fingerprint);
  ct_test_ui_assert_operable (window);
  ct_test_ui_wait_for_frame (window);
  ct_test_ui_screenshot (window, "join-waiting.png");

  /* Until approved the records do not open, and the CLI says why. */
  g_assert_null (ct_store_open_sync (mine, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER);
  g_assert_nonnull (strstr (error->message, "has not been approved yet"));
  g_clear_error (&error);

  /* The DSO sees the request, with the same fingerprint, and approves it. */
  g_assert_cmpint (run_admin (dso_home, &out, &err, "member-requests", location, NULL), ==, 0);
  request = find_listed (out, fingerprint);
  g_assert_nonnull (request);
  g_assert_nonnull (strstr (out, "Dev Deputy (Deputy Designated Safeguarding Officer)"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_admin (dso_home, NULL, &err, "member-approve", location, request,
                              "--fingerprint", fingerprint, NULL), ==, 0);

  /* The assistant hears of it and hands the records over. */
  {
    gint64 approved = g_get_monotonic_time ();

    wait_until (is_set, &joined);
    g_test_message ("approval heard after %.0f ms", (g_get_monotonic_time () - approved) / 1000.0);
  }
  g_assert_cmpstr (joined, ==, mine);
  store = ct_store_open_sync (mine, &error);
  g_assert_no_error (error);
  g_assert_true (ct_membership_remember_organisation (mine, "Fernhill Primary School (test)", &error));
  g_assert_no_error (error);

  /* Both sides list the same two members. */
  members = ct_store_list_members_sync (store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 2);
  g_assert_cmpint (run_admin (dso_home, &out, &err, "members", location, NULL), ==, 0);
  for (guint i = 0; i < members->len; i++)
    {
      CtMemberInfo *m = g_ptr_array_index (members, i);
      g_autofree char *id = find_listed (out, m->fingerprint);

      g_assert_cmpstr (id, ==, m->id);
    }
  listed = find_listed (out, fingerprint);
  g_assert_cmpstr (listed, ==, request);
  ct_store_close (store);
  g_clear_object (&store);
  g_clear_pointer (&out, g_free);

  /* Removed: opening says so, naming the organisation, and the app's
   * page shows it. */
  g_assert_cmpint (run_admin (dso_home, NULL, &err, "member-remove", location, request, NULL), ==, 0);
  g_assert_null (ct_store_open_sync (mine, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_A_MEMBER);
  g_assert_nonnull (strstr (error->message, "Your membership of Fernhill Primary School (test) has been removed"));
  unlock = ct_unlock_page_new ();
  ct_unlock_page_set_error (CT_UNLOCK_PAGE (unlock), error);
  gtk_window_set_child (GTK_WINDOW (window), unlock);
  ct_test_ui_wait_for_text (window, "has been removed");
  /* No recovery code or backup helps someone who is not a member. */
  g_assert_false (gtk_widget_get_visible (ct_test_ui_find_by_label (unlock, "Enter recovery code")));
  g_assert_false (gtk_widget_get_visible (ct_test_ui_find_by_label (unlock, "Restore from a backup")));
  g_assert_true (gtk_widget_get_visible (ct_test_ui_find_by_label (unlock, "Try again")));
  ct_test_ui_wait_for_frame (window);
  ct_test_ui_screenshot (window, "membership-removed.png");

  gtk_window_destroy (GTK_WINDOW (window));
  remove_tree (dir);
}

typedef struct
{
  GListModel *model;
  guint       n;
} Count;

static gboolean
has_count (gpointer data)
{
  Count *c = data;

  return g_list_model_get_n_items (c->model) == c->n;
}

static void
wait_for_count (GListModel *model,
                guint       n)
{
  Count c = { model, n };

  wait_until (has_count, &c);
}

static GtkWidget *
wait_for_dialog (void)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_USEC;
  GtkWidget *dialog;

  while ((dialog = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_nonnull (dialog);
  return dialog;
}

static void
test_approve_in_app (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("caretrail-members-XXXXXX", &error);
  g_autofree char *dev_home = g_build_filename (dir, "dev", NULL);
  g_autofree char *location = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *code = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtPreferencesWindow) prefs = NULL;
  CtMembersPage *page;
  GtkWidget *button;
  GtkWidget *dialog;

  g_assert_no_error (error);
  g_setenv ("CARETRAIL_TEST_BACKEND", "postgresql", TRUE);
  location = store_test_new_location (dir);
  g_assert_true (ct_store_location_set_up_server (location, &error));
  g_assert_no_error (error);
  store = ct_store_create_sync (location, &code, &error);
  g_assert_no_error (error);
  ct_record_set_string (org, "name", "Ashgrove Academy (test)");
  ct_record_set_string (org, "nation", "england-and-wales");
  g_assert_true (ct_store_insert_sync (store, "setup", org, &error));
  ct_record_set_string (dso, "name", "Dana Fieldhouse");
  ct_record_set_boolean (dso, "is-dso", TRUE);
  g_assert_true (ct_store_insert_sync (store, "setup", dso, &error));
  g_assert_true (ct_store_add_first_member_sync (store, "Dana Fieldhouse", &error));
  g_assert_no_error (error);
  psql (location, "CREATE ROLE dev_app LOGIN IN ROLE caretrail_staff");
  theirs = as_user (location, "dev_app");

  /* They ask with the CLI, on their own computer. */
  g_assert_cmpint (run_admin (dev_home, &out, &err, "member-request", theirs, "--name", "Dev Deputy", NULL), ==, 0);
  {
    const char *f = strstr (out, "Fingerprint: ");

    g_assert_nonnull (f);
    fingerprint = g_strndup (f + strlen ("Fingerprint: "), strcspn (f + strlen ("Fingerprint: "), "\n"));
  }
  g_clear_pointer (&out, g_free);

  workflow = ct_workflow_new (store);
  ct_workflow_load_async (workflow, NULL, ct_test_ui_on_done_cb, &loaded);
  items = ct_workflow_load_finish (workflow, ct_test_ui_wait_result (&loaded), &error);
  g_assert_no_error (error);

  prefs = g_object_ref_sink (ct_preferences_window_new (settings));
  gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 700);
  ct_preferences_window_set_workflow (prefs, workflow);
  page = CT_MEMBERS_PAGE (ct_preferences_window_get_members_page (prefs));
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (page)));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_count (ct_members_page_get_requests (page), 1);
  wait_for_count (ct_members_page_get_members (page), 1);
  ct_test_ui_wait_for_text (GTK_WIDGET (prefs), fingerprint);
  /* When they asked reads as every date does: "Wed 2 Dec 2026, 07:34". */
  {
    GtkWidget *line = ct_test_ui_find_text (GTK_WIDGET (prefs), fingerprint);

    g_assert_true (GTK_IS_LABEL (line));
    g_assert_true (g_regex_match_simple ("asked (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}, [0-9]{2}:[0-9]{2}",
                                         gtk_label_get_text (GTK_LABEL (line)), 0, 0));
  }
  g_assert_cmpuint (ct_test_ui_assert_operable (GTK_WIDGET (page)), >=, 2);
  ct_test_ui_wait_for_frame (GTK_WIDGET (prefs));
  ct_test_ui_screenshot (GTK_WIDGET (prefs), "members-request.png");

  /* Approve…: the dialog shows the fingerprint to compare. */
  button = ct_test_ui_find_by_label (GTK_WIDGET (prefs), "Approve Dev Deputy");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dialog = wait_for_dialog ();
  g_assert_nonnull (ct_test_ui_find_text (dialog, fingerprint));
  ct_test_ui_wait_for_frame (dialog);
  ct_test_ui_screenshot (dialog, "members-approve.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "approve");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_count (ct_members_page_get_members (page), 2);
  wait_for_count (ct_members_page_get_requests (page), 0);
  g_assert_null (ct_test_ui_find_error (GTK_WIDGET (prefs)));
  ct_test_ui_wait_for_frame (GTK_WIDGET (prefs));
  ct_test_ui_screenshot (GTK_WIDGET (prefs), "members.png");

  /* The new member's CLI lists the same members, fingerprints and ids. */
  g_assert_cmpint (run_admin (dev_home, &out, &err, "members", theirs, NULL), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CtMemberItem) item = g_list_model_get_item (ct_members_page_get_members (page), i);
      g_autofree char *id = find_listed (out, ct_member_item_get_fingerprint (item));

      g_assert_cmpstr (id, ==, ct_member_item_get_id (item));
    }
  g_assert_nonnull (find_listed (out, fingerprint));
  g_clear_pointer (&out, g_free);

  /* A request made while the page is shown appears when the server
   * announces it; declined, the person who asked is told so. */
  psql (location, "CREATE ROLE bea_app LOGIN IN ROLE caretrail_staff");
  {
    g_autofree char *bea_home = g_build_filename (dir, "bea", NULL);
    g_autofree char *bea = as_user (location, "bea_app");

    g_assert_cmpint (run_admin (bea_home, NULL, &err, "member-request", bea, "--name", "Bea Board", NULL), ==, 0);
    wait_for_count (ct_members_page_get_requests (page), 1);
    button = ct_test_ui_find_by_label (GTK_WIDGET (prefs), "Approve Bea Board");
    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    dialog = wait_for_dialog ();
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "decline");
    gtk_window_destroy (GTK_WINDOW (dialog));
    wait_for_count (ct_members_page_get_requests (page), 0);
    g_assert_cmpuint (g_list_model_get_n_items (ct_members_page_get_members (page)), ==, 2);
    g_assert_cmpint (run_admin (bea_home, NULL, &err, "cases", "--database", bea, NULL), !=, 0);
    g_assert_nonnull (strstr (err, "was declined"));
  }

  /* Remove…: confirmed, then the page says a rotation should follow. */
  button = ct_test_ui_find_by_label (GTK_WIDGET (prefs), "Remove Dev Deputy");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  dialog = wait_for_dialog ();
  g_assert_nonnull (ct_test_ui_find_text (dialog, "rotate"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_count (ct_members_page_get_members (page), 1);
  dialog = wait_for_dialog ();
  g_assert_nonnull (ct_test_ui_find_text (dialog, "caretrail-admin rotate"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The removed member's CLI says so. */
  g_assert_cmpint (run_admin (dev_home, &out, &err, "cases", "--database", theirs, NULL), !=, 0);
  g_test_message ("removed member: %s", err);
  g_assert_nonnull (strstr (err, "has been removed"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  g_clear_object (&workflow);
  ct_store_close (store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_setenv ("CARETRAIL_TEST_BACKEND", "postgresql", TRUE);

  g_test_add_func ("/ui/members/join-from-app", test_join_from_app);
  g_test_add_func ("/ui/members/approve-in-app", test_approve_in_app);

  return g_test_run ();
}

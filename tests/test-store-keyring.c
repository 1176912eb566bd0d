/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-keyring"

#include "config.h"

#include <libsecret/secret.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-store.h"
#include "test-store-util.h"

/*
 * The two keyring failures that need a keyring in a particular state:
 * none running at all, and locked. Both are real: a D-Bus session bus with
 * no Secret Service on it, and the harness's GNOME Keyring locked through
 * the Secret Service API. Locking cannot be undone without a prompt, so
 * the locked test runs last in this program (each test program has its
 * own keyring, see run-in-session.sh).
 */

static const char empty_bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:dir=%s</listen>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* Starts a session bus on which nothing can be activated. */
static GPid
start_empty_bus (const char  *dir,
                 char       **out_address)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_strdup_printf (empty_bus_config, dir);
  g_autofree char *config_path = g_build_filename (dir, "bus.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config-file=", config_path, NULL);
  const char *argv[] = { "dbus-daemon", config_arg, "--nofork", "--print-address=1", NULL };
  GString *address = g_string_new (NULL);
  GPid pid;
  int out_fd;
  char c;

  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                            G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  while (read (out_fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (address, c);
  close (out_fd);
  g_assert_cmpuint (address->len, >, 0);

  *out_address = g_string_free (address, FALSE);
  return pid;
}

static void
stop_process (GPid pid)
{
  int status;

  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
}

static void
test_no_secret_service_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *new_path = NULL;
  const char *path = g_getenv ("CT_TEST_DATABASE");

  /* Before anything touches D-Bus, move to the empty bus. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", g_getenv ("CT_TEST_EMPTY_BUS"), TRUE);

  store = ct_store_open_sync (path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE);
  g_clear_error (&error);

  /* Nor can a database be created without somewhere to keep its key. */
  new_path = g_strconcat (path, "-new", NULL);
  store = ct_store_create_sync (new_path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE);
  g_assert_false (g_file_test (new_path, G_FILE_TEST_EXISTS));
}

static void
test_no_secret_service (StoreFixture  *fixture,
                        gconstpointer  data)
{
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autofree char *bus_dir = g_dir_make_tmp ("ct-bus-XXXXXX", NULL);
  g_autofree char *address = NULL;
  GPid bus;

  store_fixture_close (fixture);
  bus = start_empty_bus (bus_dir, &address);

  before = snapshot_dir (fixture->dir);
  g_setenv ("CT_TEST_DATABASE", fixture->path, TRUE);
  g_setenv ("CT_TEST_EMPTY_BUS", address, TRUE);
  g_test_trap_subprocess ("/store/keyring/no-secret-service/subprocess", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);

  stop_process (bus);
  remove_tree (bus_dir);

  /* With the keyring back, the same database opens. */
  store_fixture_reopen (fixture);
}

static void
test_keyring_locked (StoreFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *new_path = g_build_filename (fixture->dir, "new.db", NULL);
  GList *objects;

  store_fixture_close (fixture);

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_list_free (objects);
  g_assert_true (secret_collection_get_locked (collection));

  before = snapshot_dir (fixture->dir);
  store = ct_store_open_sync (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  store = ct_store_create_sync (new_path, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED);
  after = snapshot_dir (fixture->dir);
  assert_snapshots_equal (before, after);
}

int
main (int   argc,
      char *argv[])
{
  require_private_session ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/keyring/no-secret-service", StoreFixture, NULL,
              store_fixture_set_up, test_no_secret_service, store_fixture_tear_down);
  g_test_add_func ("/store/keyring/no-secret-service/subprocess", test_no_secret_service_subprocess);
  /* Last: the keyring stays locked afterwards. */
  g_test_add ("/store/keyring/zz-locked", StoreFixture, NULL,
              store_fixture_set_up, test_keyring_locked, store_fixture_tear_down);

  return g_test_run ();
}

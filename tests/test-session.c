/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <libsecret/secret.h>

/* The test harness promises every test a real, unlocked Secret Service on a
 * private bus, and a home folder of its own. The store's tests rely on both. */

static const SecretSchema test_schema = {
  "org.caretrail.Caretrail.Test", SECRET_SCHEMA_NONE,
  {
    { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static void
test_session_secret_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  gboolean stored;

  stored = secret_password_store_sync (&test_schema, SECRET_COLLECTION_DEFAULT,
                                       "Caretrail harness check", "not-a-real-secret",
                                       NULL, &error,
                                       "purpose", "harness-check",
                                       NULL);
  g_assert_no_error (error);
  g_assert_true (stored);

  found = secret_password_lookup_sync (&test_schema, NULL, &error,
                                       "purpose", "harness-check",
                                       NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "not-a-real-secret");

  g_assert_true (secret_password_clear_sync (&test_schema, NULL, &error,
                                             "purpose", "harness-check",
                                             NULL));
  g_assert_no_error (error);
}

static void
test_session_private_home (void)
{
  const char *home = g_get_home_dir ();
  const char *real_home = g_getenv ("CARETRAIL_IN_SESSION");

  g_assert_cmpstr (real_home, ==, "1");
  g_assert_true (g_str_has_prefix (home, g_get_tmp_dir ()));
  g_assert_true (g_str_has_prefix (g_get_user_data_dir (), g_get_tmp_dir ()));
  g_assert_nonnull (g_getenv ("DISPLAY"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/secret-service", test_session_secret_service);
  g_test_add_func ("/session/private-home", test_session_private_home);

  return g_test_run ();
}

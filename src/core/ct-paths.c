/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-paths"

#include "config.h"

#include "ct-paths.h"

/**
 * ct_paths_get_data_dir:
 *
 * Returns: (transfer full): the folder that holds Caretrail's own data under
 *   the user's data directory. Inside the Flatpak sandbox this is the
 *   application's private data directory.
 */
char *
ct_paths_get_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "caretrail", NULL);
}

/**
 * ct_paths_get_default_database:
 *
 * Returns: (transfer full): the path of the database the app opens when no
 *   other is named.
 */
char *
ct_paths_get_default_database (void)
{
  g_autofree char *dir = ct_paths_get_data_dir ();

  return g_build_filename (dir, "caretrail.db", NULL);
}

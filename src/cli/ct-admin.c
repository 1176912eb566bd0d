/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-admin-commands.h"

/**
 * ct_admin_print_error:
 * @command: the command that failed
 * @error: what went wrong
 *
 * Prints @error as one sentence on standard error, prefixed with the command.
 */
void
ct_admin_print_error (const char   *command,
                      const GError *error)
{
  g_printerr ("caretrail-admin %s: %s\n", command, error->message);
}

/**
 * ct_admin_parse_options:
 * @context: the command's option context
 * @command: the command's name
 * @argc: (inout): argument count
 * @argv: (inout): arguments
 *
 * Parses a command's options, printing a clear message on failure.
 *
 * Returns: 0 on success, or the exit status to return (2 for a usage error).
 */
int
ct_admin_parse_options (GOptionContext   *context,
                        const char       *command,
                        int              *argc,
                        char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      ct_admin_print_error (command, error);
      g_printerr (_("Run “caretrail-admin %s --help” to see its options.\n"), command);
      return 2;
    }

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-admin-commands.h"
#include "ct-case-service.h"

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
  /* A failure that forgot to say why is still reported as a failure. */
  if (error == NULL)
    {
      g_printerr ("caretrail-admin %s: %s\n", command,
                  _("It failed for a reason Caretrail did not record. Please report this."));
      return;
    }
  g_printerr ("caretrail-admin %s: %s\n", command, error->message);
}

/**
 * ct_admin_fail:
 * @command: the command that failed
 * @error: what went wrong
 *
 * Prints @error (see ct_admin_print_error()).
 *
 * Returns: 1, the exit status of a command that failed
 */
int
ct_admin_fail (const char   *command,
               const GError *error)
{
  ct_admin_print_error (command, error);
  return 1;
}

/**
 * ct_admin_usage_error:
 * @command: the command that was misused
 * @message: what was wrong with how it was called
 *
 * Prints @message and where to find the command's options.
 *
 * Returns: 2, the exit status of a usage error
 */
int
ct_admin_usage_error (const char *command,
                      const char *message)
{
  g_printerr ("caretrail-admin %s: %s\n", command, message);
  g_printerr (_("Run “caretrail-admin %s --help” to see its options.\n"), command);
  return 2;
}

/**
 * ct_admin_option_context_new:
 * @parameters: (nullable): what follows the options, for --help
 * @summary: what the command does
 *
 * Returns: (transfer full): an option context whose texts are translated
 */
GOptionContext *
ct_admin_option_context_new (const char *parameters,
                             const char *summary)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  return context;
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

/**
 * ct_admin_open_service:
 * @command: the command, for error messages
 * @database: (nullable): the database file, or %NULL for the app's own
 * @out_store: (out) (transfer full): the opened store
 *
 * Opens the store and the case service that records steps in it, printing
 * the error on failure.
 *
 * Returns: (transfer full) (nullable): the case service, or %NULL
 */
CtCaseService *
ct_admin_open_service (const char  *command,
                       const char  *database,
                       CtStore    **out_store)
{
  g_autofree char *path = database != NULL ? g_strdup (database) : ct_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  CtCaseService *service;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    {
      ct_admin_print_error (command, error);
      return NULL;
    }

  service = ct_case_service_new_for_store_sync (store, &error);
  if (service == NULL)
    {
      ct_admin_print_error (command, error);
      ct_store_close (store);
      return NULL;
    }

  *out_store = g_steal_pointer (&store);
  return service;
}

/**
 * ct_admin_json_append_string:
 * @json: the JSON text being written
 * @value: (nullable): a UTF-8 string, or %NULL for JSON null
 *
 * Appends @value as a JSON string, escaped as RFC 8259 requires: quotation
 * mark, reverse solidus and every control character. Invalid UTF-8 is
 * replaced rather than passed on, so the output always parses.
 */
void
ct_admin_json_append_string (GString    *json,
                             const char *value)
{
  g_autofree char *valid = NULL;

  if (value == NULL)
    {
      g_string_append (json, "null");
      return;
    }

  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (json, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (json, "\\\"");
          break;
        case '\\':
          g_string_append (json, "\\\\");
          break;
        case '\n':
          g_string_append (json, "\\n");
          break;
        case '\r':
          g_string_append (json, "\\r");
          break;
        case '\t':
          g_string_append (json, "\\t");
          break;
        case '\b':
          g_string_append (json, "\\b");
          break;
        case '\f':
          g_string_append (json, "\\f");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (json, "\\u%04x", c);
          else
            g_string_append_c (json, (char) c);
        }
    }
  g_string_append_c (json, '"');
}

/**
 * ct_admin_json_append_member:
 * @json: the JSON text being written
 * @first: whether this is the object's first member
 * @name: the member's name
 *
 * Appends the separator (unless @first) and `"name": `; the caller appends
 * the value.
 */
void
ct_admin_json_append_member (GString    *json,
                             gboolean    first,
                             const char *name)
{
  if (!first)
    g_string_append (json, ", ");
  ct_admin_json_append_string (json, name);
  g_string_append (json, ": ");
}

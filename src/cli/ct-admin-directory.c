/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-directory"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-admin-commands.h"
#include "ct-details.h"
#include "ct-directory-store.h"
#include "ct-format.h"
#include "ct-procedure.h"

/*
 * caretrail-admin agency add|edit|list|history and staff add|edit|list|
 * history: the organisation's directory from the command line. Adding and
 * changing go through ct_directory_save_sync(), the path the app's forms
 * take; nothing is deleted, and a member of staff who has left is marked
 * with --left yes.
 */

/* One option of the add and edit commands: the record's field it sets. */
typedef struct
{
  const char *option;
  const char *field;
  gboolean    yes_no;
  const char *description;
  const char *arg_description;
} DirectoryOption;

static const DirectoryOption agency_options[] = {
  { "name", "name", FALSE, N_("Its name, e.g. “Exampleshire Children’s Services”"), N_("TEXT") },
  { "kind", "kind", FALSE, N_("children-social-care, mash, police, nspcc, lado or early-help"), N_("KIND") },
  { "area", "area", FALSE, N_("The area it covers, where the child lives"), N_("TEXT") },
  { "address", "address", FALSE, N_("Its front door’s postal address, which letters are addressed from"), N_("TEXT") },
  { "phone", "phone", FALSE, N_("Its front door’s telephone"), N_("NUMBER") },
  { "secure-email", "secure-email", FALSE, N_("Its front door’s secure email"), N_("ADDRESS") },
  { "out-of-hours", "out-of-hours", FALSE, N_("Its out-of-hours telephone"), N_("NUMBER") },
  { "confirmation-period", "confirmation-period", FALSE, N_("When it wants written confirmation of a referral: 48h, 24h or 2wd"), N_("PERIOD") },
};

static const DirectoryOption staff_options[] = {
  { "name", "name", FALSE, N_("Their name"), N_("TEXT") },
  { "role", "role", FALSE, N_("Their role or job title"), N_("TEXT") },
  { "email", "email", FALSE, N_("Their email"), N_("ADDRESS") },
  { "phone", "phone", FALSE, N_("Their telephone"), N_("NUMBER") },
  { "dso", "is-dso", TRUE, N_("Whether they are a Designated Safeguarding Officer: yes or no"), N_("YES-OR-NO") },
  { "deputy", "is-deputy", TRUE, N_("Whether they are a deputy: yes or no"), N_("YES-OR-NO") },
  { "sbm", "is-sbm", TRUE, N_("Whether they are the Senior Board Member for safeguarding: yes or no"), N_("YES-OR-NO") },
  { "left", "left", TRUE, N_("Whether they are no longer with the organisation: yes or no"), N_("YES-OR-NO") },
};

#define MAX_OPTIONS MAX (G_N_ELEMENTS (agency_options), G_N_ELEMENTS (staff_options))

typedef struct
{
  CtRecordKind           kind;
  const char            *command;  /* "agency" or "staff" */
  const DirectoryOption *options;
  guint                  n_options;
} Directory;

static const Directory agencies = {
  CT_RECORD_KIND_AGENCY, "agency", agency_options, G_N_ELEMENTS (agency_options)
};
static const Directory staff = {
  CT_RECORD_KIND_STAFF, "staff", staff_options, G_N_ELEMENTS (staff_options)
};

static CtStore *
open_store (const char  *command,
            const char  *database,
            int         *out_status)
{
  g_autofree char *path = database != NULL ? g_strdup (database) : ct_store_get_default_path ();
  g_autoptr(GError) error = NULL;
  CtStore *store = ct_store_open_sync (path, &error);

  if (store == NULL)
    *out_status = ct_admin_fail (command, error);
  return store;
}

/* The record named by @key: its id, or its name if only one has it. */
static CtRecord *
find_record (CtStore          *store,
             const Directory  *directory,
             const char       *key,
             GError          **error)
{
  g_autoptr(GPtrArray) records = ct_store_list_sync (store, directory->kind, NULL, error);
  g_autofree char *folded = g_utf8_casefold (key, -1);
  CtRecord *found = NULL;
  guint n_named = 0;

  if (records == NULL)
    return NULL;

  for (guint i = 0; i < records->len; i++)
    if (g_strcmp0 (ct_record_get_id (g_ptr_array_index (records, i)), key) == 0)
      return g_object_ref (g_ptr_array_index (records, i));

  for (guint i = 0; i < records->len; i++)
    {
      const char *name = ct_record_get_string (g_ptr_array_index (records, i), "name");
      g_autofree char *name_folded = g_utf8_casefold (name != NULL ? name : "", -1);

      if (g_str_equal (name_folded, folded))
        {
          found = g_ptr_array_index (records, i);
          n_named++;
        }
    }

  if (n_named == 1)
    return g_object_ref (found);

  if (n_named > 1)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                 directory->kind == CT_RECORD_KIND_AGENCY
                 /* Translators: %s is a name. */
                 ? _("More than one local authority or agency is called “%s”. Name the one to "
                     "change by its id, which “caretrail-admin agency list” shows.")
                 : _("More than one member of staff is called “%s”. Name the one to change by "
                     "their id, which “caretrail-admin staff” shows."),
                 key);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND,
                 directory->kind == CT_RECORD_KIND_AGENCY
                 /* Translators: %s is what was given: a name or an id. */
                 ? _("No local authority or agency is called “%s” or has that id. "
                     "“caretrail-admin agency list” lists them.")
                 : _("No member of staff is called “%s” or has that id. "
                     "“caretrail-admin staff” lists them."),
                 key);
  return NULL;
}

/* add and edit {{{ */

static int
save (const Directory *directory,
      gboolean         edit,
      int              argc,
      char           **argv)
{
  g_autofree char *command = g_strdup_printf ("%s %s", directory->command, edit ? "edit" : "add");
  g_autofree char *database = NULL;
  g_autofree char *staff_id = NULL;
  char *values[MAX_OPTIONS] = { NULL, };
  GOptionEntry entries[MAX_OPTIONS + 3] = { { NULL, }, };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) existing = NULL;
  g_autoptr(CtRecord) saved = NULL;
  guint n = 0;
  int status = 0;

  for (guint i = 0; i < directory->n_options; i++)
    entries[n++] = (GOptionEntry) { directory->options[i].option, 0, 0, G_OPTION_ARG_STRING,
                                    &values[i], directory->options[i].description,
                                    directory->options[i].arg_description };
  entries[n++] = (GOptionEntry) { "by", 0, 0, G_OPTION_ARG_STRING, &staff_id,
                                  N_("The id of the member of staff making the change (see “caretrail-admin staff”)"),
                                  N_("STAFF-ID") };
  entries[n++] = (GOptionEntry) { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database,
                                  N_("The database to use (default: the app’s own database)"),
                                  N_("PATH") };

  if (directory->kind == CT_RECORD_KIND_AGENCY)
    context = ct_admin_option_context_new (edit ? _("ID-OR-NAME") : NULL,
                                           edit ? _("Correct a local authority’s or agency’s details. The version before is kept in its history; an empty value (--phone \"\") removes a detail.")
                                                : _("Add a local authority or agency to the directory. Only --name is needed."));
  else
    context = ct_admin_option_context_new (edit ? _("ID-OR-NAME") : NULL,
                                           edit ? _("Correct a member of staff’s details, or say they have left with --left yes. The version before is kept in its history; nothing is deleted.")
                                                : _("Add a member of staff to the directory. Only --name is needed, and --by unless it is the first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, command, &argc, &argv);
  if (status != 0)
    goto out;

  if (edit && argc != 2)
    {
      status = ct_admin_usage_error (command, directory->kind == CT_RECORD_KIND_AGENCY
                                     ? _("Name the local authority or agency to change, by its id or its name.")
                                     : _("Name the member of staff to change, by their id or their name."));
      goto out;
    }
  if (!edit && argc != 1)
    {
      status = ct_admin_usage_error (command, _("This command takes no arguments besides its options; give the name with --name."));
      goto out;
    }
  /* Only the first member of staff can be added without saying by whom:
   * the store refuses it once there is anyone to name. */
  if (staff_id == NULL && (edit || directory->kind != CT_RECORD_KIND_STAFF))
    {
      status = ct_admin_usage_error (command, _("Say who is making the change with --by STAFF-ID. “caretrail-admin staff” lists the ids."));
      goto out;
    }

  for (guint i = 0; i < directory->n_options; i++)
    {
      const DirectoryOption *option = &directory->options[i];

      if (values[i] == NULL)
        continue;
      if (!option->yes_no || *values[i] == '\0')
        ct_answers_set_text (answers, option->field, values[i]);
      else if (g_str_equal (values[i], "yes") || g_str_equal (values[i], "no"))
        ct_answers_set_boolean (answers, option->field, g_str_equal (values[i], "yes"));
      else
        {
          g_autofree char *message = g_strdup_printf (_("--%s takes yes or no, not “%s”."),
                                                      option->option, values[i]);
          status = ct_admin_usage_error (command, message);
          goto out;
        }
    }
  if (edit && g_hash_table_size (answers) == 0)
    {
      status = ct_admin_usage_error (command, _("Say what to change, for example --phone \"0300 123 4567\"."));
      goto out;
    }

  store = open_store (command, database, &status);
  if (store == NULL)
    goto out;

  if (edit && (existing = find_record (store, directory, argv[1], &error)) == NULL)
    status = ct_admin_fail (command, error);
  else if ((saved = ct_directory_save_sync (store, staff_id, directory->kind, existing, answers,
                                            &error)) == NULL)
    status = ct_admin_fail (command, error);
  else
    g_print ("%s\n", ct_record_get_id (saved));
  ct_store_close (store);

out:
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_free (values[i]);
  return status;
}

/* }}} */

/* list and history {{{ */

static void
append_fields_json (GString  *out,
                    CtRecord *record)
{
  g_autoptr(GVariant) fields = ct_record_dup_fields (record);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  ct_admin_json_append_member (out, TRUE, "id");
  ct_admin_json_append_string (out, ct_record_get_id (record));
  ct_admin_json_append_member (out, FALSE, "version");
  g_string_append_printf (out, "%" G_GINT64_FORMAT, ct_record_get_version (record));
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      ct_admin_json_append_member (out, FALSE, key);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        ct_admin_json_append_string (out, g_variant_get_string (value, NULL));
      else
        {
          g_autofree char *printed = g_variant_print (value, FALSE);

          ct_admin_json_append_string (out, printed);
        }
    }
}

static void
print_fields (CtRecord   *record,
              const char *indent)
{
  const DirectoryOption *options = ct_record_get_kind (record) == CT_RECORD_KIND_AGENCY
                                   ? agency_options : staff_options;
  guint n_options = ct_record_get_kind (record) == CT_RECORD_KIND_AGENCY
                    ? G_N_ELEMENTS (agency_options) : G_N_ELEMENTS (staff_options);

  for (guint i = 0; i < n_options; i++)
    {
      const char *field = options[i].field;

      if (!ct_record_has_field (record, field))
        continue;
      if (options[i].yes_no)
        g_print ("%s%-20s %s\n", indent, options[i].option,
                 ct_record_get_boolean (record, field, FALSE) ? _("yes") : _("no"));
      else
        g_print ("%s%-20s %s\n", indent, options[i].option, ct_record_get_string (record, field));
    }
}

/* Prints {"KEY": [RECORD, …]}, each record with its id, version and
 * every field. */
static void
print_records_json (const char *key,
                    GPtrArray  *records)
{
  g_autoptr(GString) out = g_string_new ("{");

  ct_admin_json_append_member (out, TRUE, key);
  g_string_append (out, "[");
  for (guint i = 0; i < records->len; i++)
    {
      g_string_append (out, i > 0 ? ", {" : "{");
      append_fields_json (out, g_ptr_array_index (records, i));
      g_string_append (out, "}");
    }
  g_string_append (out, "]}\n");
  g_print ("%s", out->str);
}

static int
list_agencies (int    argc,
               char **argv)
{
  g_autofree char *database = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (NULL, _("List the local authorities and agencies: their ids, names, areas and front doors."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "agency list", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("agency list", _("This command takes no arguments besides its options."));

  store = open_store ("agency list", database, &status);
  if (store == NULL)
    return status;
  records = ct_store_list_sync (store, CT_RECORD_KIND_AGENCY, NULL, &error);
  ct_store_close (store);
  if (records == NULL)
    return ct_admin_fail ("agency list", error);

  if (json)
    {
      print_records_json ("agencies", records);
      return 0;
    }

  if (records->len == 0)
    {
      g_print ("%s\n", _("No local authorities or agencies are recorded yet. Add one with “caretrail-admin agency add”."));
      return 0;
    }

  for (guint i = 0; i < records->len; i++)
    {
      CtRecord *agency = g_ptr_array_index (records, i);

      g_print ("%s%s  %s\n", i > 0 ? "\n" : "", ct_record_get_id (agency),
               ct_record_get_string (agency, "name"));
      print_fields (agency, "    ");
    }
  return 0;
}

static int
show_history (const Directory *directory,
              int              argc,
              char           **argv)
{
  g_autofree char *command = g_strdup_printf ("%s history", directory->command);
  g_autofree char *database = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ID-OR-NAME"), _("Show every version of an entry in the directory, oldest first, with when it was saved."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) current = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, command, &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error (command, _("Name the entry, by its id or its name."));

  store = open_store (command, database, &status);
  if (store == NULL)
    return status;
  current = find_record (store, directory, argv[1], &error);
  if (current != NULL)
    versions = ct_store_list_history_sync (store, directory->kind, ct_record_get_id (current),
                                           &error);
  ct_store_close (store);
  if (versions == NULL)
    return ct_admin_fail (command, error);
  g_ptr_array_add (versions, g_object_ref (current));

  if (json)
    {
      print_records_json ("versions", versions);
      return 0;
    }

  for (guint i = 0; i < versions->len; i++)
    {
      CtRecord *version = g_ptr_array_index (versions, i);
      g_autofree char *when = ct_format_instant (ct_record_get_updated_at (version));

      /* Translators: a version of a record, then when it was saved. */
      g_print (_("%sVersion %" G_GINT64_FORMAT ", saved %s\n"), i > 0 ? "\n" : "",
               ct_record_get_version (version), when);
      print_fields (version, "    ");
    }
  return 0;
}

/* }}} */

static void
print_help (const Directory *directory)
{
  g_print (_("Usage: caretrail-admin %s SUBCOMMAND [OPTION…]\n\n"), directory->command);
  if (directory->kind == CT_RECORD_KIND_AGENCY)
    g_print ("%s\n\n", _("The local authorities and agencies in the directory. Nothing is deleted: each change is kept as a new version."));
  else
    g_print ("%s\n\n", _("The members of staff in the directory. Nothing is deleted: each change is kept as a new version, and someone who has left is marked with --left yes."));
  g_print ("%s\n", _("Subcommands:"));
  g_print ("  %-10s %s\n", "list", directory->kind == CT_RECORD_KIND_AGENCY
           ? _("List them, with their ids")
           : _("List them, with their ids (the default)"));
  g_print ("  %-10s %s\n", "add", _("Add one"));
  g_print ("  %-10s %s\n", "edit", _("Correct one, named by its id or its name"));
  g_print ("  %-10s %s\n", "history", _("Show every version of one"));
  g_print ("\n%s\n", _("Run “caretrail-admin COMMAND SUBCOMMAND --help” for a subcommand’s options."));
}

static int
dispatch (const Directory *directory,
          int              argc,
          char           **argv)
{
  const char *sub = argc > 1 ? argv[1] : NULL;
  g_autofree char *name = NULL;

  if (g_strcmp0 (sub, "--help") == 0 || g_strcmp0 (sub, "-h") == 0)
    {
      print_help (directory);
      return 0;
    }

  /* A subcommand's help and messages name it in full: "agency add". */
  if (sub != NULL && *sub != '-')
    {
      name = g_strdup_printf ("%s %s", directory->command, sub);
      argv[1] = name;
    }

  if (g_strcmp0 (sub, "add") == 0)
    return save (directory, FALSE, argc - 1, argv + 1);
  if (g_strcmp0 (sub, "edit") == 0)
    return save (directory, TRUE, argc - 1, argv + 1);
  if (g_strcmp0 (sub, "history") == 0)
    return show_history (directory, argc - 1, argv + 1);
  if (g_strcmp0 (sub, "list") == 0)
    {
      if (directory->kind == CT_RECORD_KIND_AGENCY)
        return list_agencies (argc - 1, argv + 1);
      return ct_admin_cmd_staff_list (argc - 1, argv + 1);
    }

  /* With no subcommand, staff lists, as it always has. */
  if (directory->kind == CT_RECORD_KIND_STAFF && (sub == NULL || *sub == '-'))
    return ct_admin_cmd_staff_list (argc, argv);

  if (sub == NULL || *sub == '-')
    return ct_admin_usage_error (directory->command, _("Say what to do: add, edit, list or history."));
  {
    g_autofree char *message = g_strdup_printf (_("“%s” is not something %s can do: say add, edit, list or history."),
                                                sub, directory->command);
    return ct_admin_usage_error (directory->command, message);
  }
}

/**
 * ct_admin_cmd_agency:
 * @argc: argument count; argv[0] is "agency"
 * @argv: arguments
 *
 * `caretrail-admin agency add|edit|list|history`: the local authorities
 * and agencies in the directory.
 *
 * Returns: 0 on success, 1 if refused or failed, 2 on a usage error
 */
int
ct_admin_cmd_agency (int    argc,
                     char **argv)
{
  return dispatch (&agencies, argc, argv);
}

/**
 * ct_admin_cmd_staff:
 * @argc: argument count; argv[0] is "staff"
 * @argv: arguments
 *
 * `caretrail-admin staff [list|add|edit|history]`: the members of staff in
 * the directory; with no subcommand, lists them.
 *
 * Returns: 0 on success, 1 if refused or failed, 2 on a usage error
 */
int
ct_admin_cmd_staff (int    argc,
                    char **argv)
{
  return dispatch (&staff, argc, argv);
}

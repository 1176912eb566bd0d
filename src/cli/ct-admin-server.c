/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-server"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ct-admin-commands.h"
#include "ct-crypto.h"
#include "ct-details.h"
#include "ct-procedure.h"
#include "ct-store-location.h"
#include "ct-store-members.h"
#include "ct-store.h"

/*
 * caretrail-admin commands for a database on a PostgreSQL server:
 * server-init, migrate and server-password. Every other command takes a
 * server address with --database as it takes a file.
 */

#define ADMIN_STAFF "caretrail-admin"

static void
print_recovery_code (const char *code)
{
  g_print (_("Its key is in your keyring.\n\n"));
  g_print (_("Recovery code (shown only this once):\n\n    %s\n\n"), code);
  g_print ("%s\n", _("Write it down or print it, and keep it locked away, apart from the computer. "
                     "With it the database can be opened on another computer or after the keyring is lost "
                     "(“caretrail-admin recover”). Without it, a lost keyring means lost records."));
}

/* Verifies the database at @location as “caretrail-admin verify” does. */
static gboolean
verify_location (const char  *location,
                 GError     **error)
{
  g_autoptr(CtStore) store = NULL;
  CtStoreVerifyStats stats = { 0 };
  gboolean ok;

  store = ct_store_open_sync (location, error);
  if (store == NULL)
    return FALSE;
  ok = ct_store_verify_sync (store, &stats, error);
  if (ok)
    g_print (_("%s is intact: %" G_GINT64_FORMAT " audit entries, %" G_GINT64_FORMAT " case keys, "
               "%" G_GINT64_FORMAT " records and %" G_GINT64_FORMAT " earlier versions checked.\n"),
             location, stats.audit_entries, stats.case_keys, stats.records, stats.history);
  ct_store_close (store);
  return ok;
}

/* server-init {{{ */

typedef struct
{
  CtRecord *organisation;
  CtRecord *dso;
} FirstRecords;

static gboolean
insert_first_records (CtStoreTransaction  *txn,
                      gpointer             user_data,
                      GError             **error)
{
  FirstRecords *first = user_data;

  return ct_store_transaction_insert (txn, ADMIN_STAFF, first->organisation, error) &&
         ct_store_transaction_insert (txn, ADMIN_STAFF, first->dso, error);
}

int
ct_admin_cmd_server_init (int    argc,
                          char **argv)
{
  static char *organisation_name = NULL;
  static char *dso_name = NULL;
  static char *dso_contact = NULL;
  static char *nation = NULL;
  static const GOptionEntry entries[] = {
    { "organisation", 'o', 0, G_OPTION_ARG_STRING, &organisation_name, N_("The organisation’s name"), N_("NAME") },
    { "dso", 0, 0, G_OPTION_ARG_STRING, &dso_name, N_("The Designated Safeguarding Officer’s name"), N_("NAME") },
    { "dso-contact", 0, 0, G_OPTION_ARG_STRING, &dso_contact, N_("The DSO’s phone number or email address"), N_("CONTACT") },
    { "nation", 0, 0, G_OPTION_ARG_STRING, &nation,
      N_("Where the organisation is: england-and-wales (default), scotland or northern-ireland"), N_("NATION") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDRESS"));
  g_autoptr(GHashTable) org_answers = NULL;
  g_autoptr(GHashTable) dso_answers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  FirstRecords first = { NULL, NULL };
  const char *location;
  char *code = NULL;
  gboolean ok;
  int status;

  g_option_context_set_summary (context,
                                _("Set up a Caretrail database on a PostgreSQL server: its tables, the roles "
                                  "caretrail_member and caretrail_staff, the organisation and its Designated "
                                  "Safeguarding Officer. The server only ever holds ciphertext; the key goes into "
                                  "your keyring and a recovery code is printed. ADDRESS is a connection string "
                                  "such as postgresql://db.example.org/caretrail?user=admin&sslmode=verify-full, "
                                  "naming a user that may create roles. Run on a server that already holds a Caretrail "
                                  "database, it only brings its tables, roles and access rules up to date."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "server-init", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error ("server-init", _("Give the server’s address, and nothing else."));
  location = argv[1];
  if (!ct_store_location_is_server (location))
    return ct_admin_usage_error ("server-init", _("The address must start with postgresql://. For a database file, use “caretrail-admin init”."));

  /* A server that holds a Caretrail database already has its schema,
   * roles and access rules brought up to what this version sets up, and
   * nothing else: no record, key or member is touched. A server made by
   * an older Caretrail needs this once. */
  if (!ct_store_location_check_empty (location, &error))
    {
      if (!g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS))
        return ct_admin_fail ("server-init", error);
      g_clear_error (&error);
      if (!ct_store_location_set_up_server (location, &error))
        return ct_admin_fail ("server-init", error);
      g_print (_("%s already holds a Caretrail database. Its tables, roles and access rules are now up to date; "
                 "no record, key or member was changed.\n"), location);
      if (organisation_name != NULL || dso_name != NULL)
        g_print ("%s\n", _("The organisation and DSO given were not used: the database has them already."));
      return 0;
    }

  if (organisation_name == NULL || dso_name == NULL)
    return ct_admin_usage_error ("server-init", _("Give the organisation’s name with --organisation and the DSO’s with --dso."));

  /* The records are made first, so that a refused answer leaves nothing
   * behind on the server. */
  org_answers = ct_answers_new ();
  ct_answers_set_text (org_answers, "name", organisation_name);
  ct_answers_set_text (org_answers, "nation", nation != NULL ? nation : "england-and-wales");
  ct_answers_set_text (org_answers, "dso-name", dso_name);
  if (dso_contact != NULL)
    ct_answers_set_text (org_answers, "dso-contact", dso_contact);
  dso_answers = ct_answers_new ();
  ct_answers_set_text (dso_answers, "name", dso_name);
  ct_answers_set_text (dso_answers, "role", _("Designated Safeguarding Officer"));
  if (dso_contact != NULL)
    ct_answers_set_text (dso_answers, strchr (dso_contact, '@') ? "email" : "phone", dso_contact);
  ct_answers_set_boolean (dso_answers, "is-dso", TRUE);

  first.organisation = ct_details_new_record (CT_RECORD_KIND_ORGANISATION, NULL, org_answers, &error);
  if (first.organisation != NULL)
    first.dso = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, dso_answers, &error);
  if (first.dso == NULL)
    {
      g_clear_object (&first.organisation);
      return ct_admin_fail ("server-init", error);
    }

  /* The schema and the roles first: a server user that may not create
   * roles is told so before any key is made. */
  ok = ct_store_location_set_up_server (location, &error);
  if (ok)
    store = ct_store_create_sync (location, &code, &error);
  ok = store != NULL &&
       ct_store_run_transaction_sync (store, insert_first_records, &first, &error) &&
       ct_store_add_first_member_sync (store, dso_name, &error);
  if (store != NULL)
    ct_store_close (store);
  g_clear_object (&first.organisation);
  g_clear_object (&first.dso);

  if (code != NULL && store != NULL)
    {
      /* The database exists, even if a later step failed: its recovery
       * code must not be lost. */
      g_print (_("Created the Caretrail database on %s\n"), location);
      print_recovery_code (code);
    }
  ct_crypto_free_string (code);
  if (!ok)
    return ct_admin_fail ("server-init", error);

  g_print (_("Members of the role %s may read and write the records; members of %s may only hand in concerns.\n"),
           "caretrail_member", "caretrail_staff");
  return 0;
}

/* }}} */

/* migrate {{{ */

int
ct_admin_cmd_migrate (int    argc,
                      char **argv)
{
  static char *from = NULL;
  static char *to = NULL;
  static const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("The database file to copy"), N_("FILE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The server to copy it to, which holds no database yet"), N_("ADDRESS") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  int status;

  g_option_context_set_summary (context,
                                _("Copy a single-desk database file to a PostgreSQL server, exactly as stored "
                                  "(ciphertext, keys and audit log), then verify the copy. The file is left as it "
                                  "was; the server copy opens with the same key and recovery code."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "migrate", &argc, &argv);
  if (status != 0)
    return status;
  if (from == NULL || to == NULL || argc != 1)
    return ct_admin_usage_error ("migrate", _("Give the file with --from and the server with --to."));
  if (!ct_store_location_is_server (to))
    return ct_admin_usage_error ("migrate", _("The address given with --to must start with postgresql://."));

  /* Opening the file checks its key and seal and brings its schema up to
   * date, so the rows copied are what this version writes. */
  store = ct_store_open_sync (from, &error);
  if (store == NULL)
    return ct_admin_fail ("migrate", error);
  ct_store_close (store);

  if (!ct_store_location_import_file (from, to, &error))
    return ct_admin_fail ("migrate", error);
  g_print (_("Copied %s to %s\n"), from, to);

  if (!verify_location (to, &error))
    return ct_admin_fail ("migrate", error);
  return 0;
}

/* }}} */

/* server-password {{{ */

/* Reads one line from standard input, without echo when it is a terminal. */
static char *
read_secret_line (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char line[1024];
  char *result = NULL;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  if (fgets (line, sizeof line, stdin) != NULL)
    {
      line[strcspn (line, "\r\n")] = '\0';
      result = g_strdup (line);
    }
  ct_crypto_wipe (line, sizeof line);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  return result;
}

int
ct_admin_cmd_server_password (int    argc,
                              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDRESS"));
  g_autoptr(GError) error = NULL;
  char *password;
  gboolean ok;
  int status;

  g_option_context_set_summary (context,
                                _("Read the password of the server user named in ADDRESS from standard input and "
                                  "keep it in the keyring. Caretrail takes it from there whenever it connects, so "
                                  "it is never written in an address, a setting or a log."));
  status = ct_admin_parse_options (context, "server-password", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error ("server-password", _("Give the server’s address, and nothing else."));

  password = read_secret_line (_("Password: "));
  if (password == NULL || password[0] == '\0')
    {
      ct_crypto_free_string (password);
      return ct_admin_usage_error ("server-password", _("No password was given on standard input."));
    }
  ok = ct_store_location_store_password (argv[1], password, &error);
  ct_crypto_free_string (password);
  if (!ok)
    return ct_admin_fail ("server-password", error);

  g_print (_("The password for %s is in your keyring.\n"), argv[1]);
  return 0;
}

/* }}} */

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "caretrail-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-crypto.h"

/* One line per command; each command's code lives in src/cli/ct-admin-*.c. */
static const CtAdminCommand commands[] = {
  { "init", N_("Create an encrypted database and print its recovery code"), ct_admin_cmd_init },
  { "status", N_("Show the database, its schema, record counts, keyring and audit head"), ct_admin_cmd_status },
  { "verify", N_("Check the database, the audit chain and every encrypted value"), ct_admin_cmd_verify },
  { "backup", N_("Copy the database, while in use, to a file"), ct_admin_cmd_backup },
  { "restore", N_("Verify a backup and put it in place of the database"), ct_admin_cmd_restore },
  { "recover", N_("Put the key back in the keyring with the recovery code"), ct_admin_cmd_recover },
  { "cases", N_("List the cases with their state and next due time"), ct_admin_cmd_cases },
  { "demo", N_("Add fictional sample cases"), ct_admin_cmd_demo },
  { "letter", N_("Produce a letter or report as a PDF"), ct_admin_cmd_letter },
  { "due", N_("Print when a step of the procedure is due"), ct_admin_cmd_due },
  { "next", N_("Print a case’s next step and when it is due"), ct_admin_cmd_next },
  { "overdue", N_("List every overdue step across the cases"), ct_admin_cmd_overdue },
  { "steps", N_("List the steps the procedure allows now in a case, and their answers"), ct_admin_cmd_steps },
  { "staff", N_("List, add or correct the members of staff (list, add, edit, history)"), ct_admin_cmd_staff },
  { "agency", N_("List, add or correct the local authorities and agencies (list, add, edit, history)"), ct_admin_cmd_agency },
  { "record", N_("Record a step of the procedure, or open a case with one"), ct_admin_cmd_record },
  { "note", N_("Add a call, meeting, letter or note to a case’s chronology"), ct_admin_cmd_note },
  { "show", N_("Show a case’s state, clocks, next step and chronology"), ct_admin_cmd_show },
  { "server-init", N_("Set up a database, its roles and its DSO on a PostgreSQL server"), ct_admin_cmd_server_init },
  { "migrate", N_("Copy a database file to a PostgreSQL server, then verify it"), ct_admin_cmd_migrate },
  { "server-password", N_("Keep a PostgreSQL server’s password in the keyring"), ct_admin_cmd_server_password },
  { "member-request", N_("Ask to join the organisation on a server as a member"), ct_admin_cmd_member_request },
  { "member-requests", N_("List the requests to join the organisation on a server"), ct_admin_cmd_member_requests },
  { "members", N_("List the members of the organisation on a server"), ct_admin_cmd_members },
  { "member-approve", N_("Approve a request to join, after comparing its fingerprint"), ct_admin_cmd_member_approve },
  { "member-decline", N_("Decline a request to join"), ct_admin_cmd_member_decline },
  { "member-remove", N_("Remove a member: their key and their server role"), ct_admin_cmd_member_remove },
  { "rotate", N_("Replace the organisation’s master key on a server"), ct_admin_cmd_rotate },
  { "submit", N_("Hand in a concern as staff, sealed so only members can read it"), ct_admin_cmd_submit },
  { "submissions", N_("List the concerns handed in by staff"), ct_admin_cmd_submissions },
  { "submission-accept", N_("Open a case with a concern handed in by staff"), ct_admin_cmd_submission_accept },
  { NULL, NULL, NULL }
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: caretrail-admin COMMAND [OPTION…]"));
  fprintf (stream, "%s\n\n", _("Administer a Caretrail safeguarding database."));
  fprintf (stream, "%s\n", _("Commands:"));
  for (const CtAdminCommand *c = commands; c->name != NULL; c++)
    fprintf (stream, "  %-15s %s\n", c->name, _(c->summary));
  fprintf (stream, "\n%s\n", _("Options:"));
  fprintf (stream, "  %-15s %s\n", "--help", _("Show this help"));
  fprintf (stream, "  %-15s %s\n", "--version", _("Show the version"));
  fprintf (stream, "\n%s\n", _("Run “caretrail-admin COMMAND --help” for a command’s options."));
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything else: no core dump or debugger may see a key. */
  ct_crypto_protect_process ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("caretrail-admin %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (const CtAdminCommand *c = commands; c->name != NULL; c++)
    {
      if (strcmp (argv[1], c->name) == 0)
        return c->func (argc - 1, argv + 1);
    }

  g_printerr (_("caretrail-admin: “%s” is not a command.\n"), argv[1]);
  g_printerr ("%s\n", _("Run “caretrail-admin --help” to see the commands."));
  return 2;
}

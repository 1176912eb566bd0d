/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-members"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-calendar.h"
#include "ct-clock.h"
#include "ct-crypto.h"
#include "ct-store-location.h"
#include "ct-store-members.h"

/*
 * caretrail-admin commands for the members of an organisation on a server
 * (member-request, member-requests, members, member-approve,
 * member-decline, member-remove, rotate) and for concerns handed in by staff (submit,
 * submissions, submission-accept). Each takes the server's address.
 */

static CtStore *
open_server_store (const char *command,
                   const char *location)
{
  g_autoptr(GError) error = NULL;
  CtStore *store;

  if (!ct_store_location_is_server (location))
    {
      ct_admin_usage_error (command, _("The address must start with postgresql://."));
      return NULL;
    }
  store = ct_store_open_sync (location, &error);
  if (store == NULL)
    ct_admin_fail (command, error);
  return store;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, ct_calendar_get_timezone ()) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* Members {{{ */

int
ct_admin_cmd_member_request (int    argc,
                             char **argv)
{
  g_autofree char *name = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Your name, as the other members know you"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS"),
                                                                   _("Ask to join the organisation on a server as a member (a deputy or board member). "
                                                                     "Your keys are made and kept in your keyring; the server gets only their public "
                                                                     "halves. A member approves you with “caretrail-admin member-approve”, after you "
                                                                     "have read them the fingerprint printed here."));
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *id = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "member-request", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error ("member-request", _("Give the server’s address, and nothing else."));
  if (name == NULL || *g_strstrip (name) == '\0')
    return ct_admin_usage_error ("member-request", _("Give your name with --name."));

  id = ct_member_request_sync (argv[1], name, &fingerprint, &error);
  if (id == NULL)
    return ct_admin_fail ("member-request", error);
  g_print (_("Request: %s\n"), id);
  g_print (_("Fingerprint: %s\n"), fingerprint);
  g_print ("%s\n", _("Read the fingerprint to the member who approves you, in person or by phone: it must match what they see."));
  return 0;
}

static int
list_members (const char  *command,
              int          argc,
              char       **argv,
              gboolean     requests)
{
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS"),
                                                                   requests ? _("List the requests to join the organisation on a server, with their fingerprints.")
                                                                            : _("List the members of the organisation on a server, with their fingerprints."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int status;

  status = ct_admin_parse_options (context, command, &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error (command, _("Give the server’s address, and nothing else."));
  store = open_server_store (command, argv[1]);
  if (store == NULL)
    return 1;
  list = ct_store_list_members_sync (store, requests, &error);
  ct_store_close (store);
  if (list == NULL)
    return ct_admin_fail (command, error);
  for (guint i = 0; i < list->len; i++)
    {
      CtMemberInfo *m = g_ptr_array_index (list, i);
      g_autofree char *at = format_time (m->at);

      g_print ("%s  %s  %s  %s  [%s]\n", m->id, at, m->pg_user, m->name, m->fingerprint);
    }
  if (list->len == 0)
    g_print ("%s\n", requests ? _("No requests to join.") : _("No members."));
  return 0;
}

int
ct_admin_cmd_member_requests (int    argc,
                              char **argv)
{
  return list_members ("member-requests", argc, argv, TRUE);
}

int
ct_admin_cmd_members (int    argc,
                      char **argv)
{
  return list_members ("members", argc, argv, FALSE);
}

int
ct_admin_cmd_member_approve (int    argc,
                             char **argv)
{
  g_autofree char *fingerprint = NULL;
  const GOptionEntry entries[] = {
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &fingerprint,
      N_("The fingerprint the new member read to you; without it, the request’s is shown and nobody is approved"), N_("FINGERPRINT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS REQUEST-ID"),
                                                                   _("Approve a request to join: the organisation’s key is sealed to the new member "
                                                                     "and their server login becomes a member. Compare fingerprints first: run without "
                                                                     "--fingerprint to see the request’s."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "member-approve", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 3)
    return ct_admin_usage_error ("member-approve", _("Give the server’s address and the request’s id."));
  store = open_server_store ("member-approve", argv[1]);
  if (store == NULL)
    return 1;

  if (fingerprint == NULL)
    {
      g_autoptr(GPtrArray) list = ct_store_list_members_sync (store, TRUE, &error);

      ct_store_close (store);
      if (list == NULL)
        return ct_admin_fail ("member-approve", error);
      for (guint i = 0; i < list->len; i++)
        {
          CtMemberInfo *m = g_ptr_array_index (list, i);

          if (strcmp (m->id, argv[2]) != 0)
            continue;
          g_print (_("%s (server login %s) asks to join.\nFingerprint: %s\n"), m->name, m->pg_user, m->fingerprint);
          g_print ("%s\n", _("If it matches what they read to you, run this again with --fingerprint and the fingerprint. Nobody has been approved."));
          return 1;
        }
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("There is no request to join with the id “%s”."), argv[2]);
      return ct_admin_fail ("member-approve", error);
    }

  if (!ct_store_approve_member_sync (store, argv[2], g_strstrip (fingerprint), &error))
    {
      ct_store_close (store);
      return ct_admin_fail ("member-approve", error);
    }
  ct_store_close (store);
  g_print (_("Approved %s: they are a member now.\n"), argv[2]);
  return 0;
}

int
ct_admin_cmd_member_decline (int    argc,
                             char **argv)
{
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS REQUEST-ID"),
                                                                   _("Decline a request to join: it is deleted, and the person "
                                                                     "who asked is told so when their Caretrail next asks."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  gboolean ok;
  int status;

  status = ct_admin_parse_options (context, "member-decline", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 3)
    return ct_admin_usage_error ("member-decline", _("Give the server’s address and the request’s id."));
  store = open_server_store ("member-decline", argv[1]);
  if (store == NULL)
    return 1;
  ok = ct_store_decline_member_sync (store, argv[2], &error);
  ct_store_close (store);
  if (!ok)
    return ct_admin_fail ("member-decline", error);
  g_print (_("Declined %s.\n"), argv[2]);
  return 0;
}

int
ct_admin_cmd_member_remove (int    argc,
                            char **argv)
{
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS MEMBER-ID"),
                                                                   _("Remove a member: their copy of the organisation’s key is deleted and their "
                                                                     "server login loses the member role. Then run “caretrail-admin rotate”, so that "
                                                                     "nothing written afterwards opens with a key they kept."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  gboolean ok;
  int status;

  status = ct_admin_parse_options (context, "member-remove", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 3)
    return ct_admin_usage_error ("member-remove", _("Give the server’s address and the member’s id (see “caretrail-admin members”)."));
  store = open_server_store ("member-remove", argv[1]);
  if (store == NULL)
    return 1;
  ok = ct_store_remove_member_sync (store, argv[2], &error);
  ct_store_close (store);
  if (!ok)
    return ct_admin_fail ("member-remove", error);
  g_print (_("Removed %s. Now rotate the organisation’s key with “caretrail-admin rotate”.\n"), argv[2]);
  return 0;
}

int
ct_admin_cmd_rotate (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS"),
                                                                   _("Replace the organisation’s master key: every case key is wrapped under a new "
                                                                     "one (the records are not re-encrypted) and it is sealed to each member. A new "
                                                                     "recovery code is printed; the old one no longer recovers anything."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  char *code = NULL;
  gboolean ok;
  int status;

  status = ct_admin_parse_options (context, "rotate", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error ("rotate", _("Give the server’s address, and nothing else."));

  store = open_server_store ("rotate", argv[1]);
  if (store == NULL)
    return 1;
  ok = ct_store_rotate_master_sync (store, &code, &error);
  ct_store_close (store);
  if (!ok)
    return ct_admin_fail ("rotate", error);
  g_print ("%s\n\n", _("The organisation’s key has been replaced and sealed to each member."));
  g_print (_("New recovery code (shown only this once):\n\n    %s\n\n"), code);
  g_print ("%s\n", _("Write it down or print it, and keep it locked away, apart from the computer. "
                     "The old recovery code no longer recovers the key: destroy it."));
  ct_crypto_free_string (code);
  return 0;
}

/* }}} */

/* Submissions {{{ */

/* KEY=VALUE lines from @path (“-” for standard input), each appended to
 * @args. */
static gboolean
read_answer_lines (const char  *path,
                   GPtrArray   *args,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (strcmp (path, "-") == 0)
    {
      GString *in = g_string_new (NULL);
      char buf[4096];
      size_t n;

      while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
        g_string_append_len (in, buf, n);
      contents = g_string_free (in, FALSE);
    }
  else if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (args, g_strdup (lines[i]));
  return TRUE;
}

int
ct_admin_cmd_submit (int    argc,
                     char **argv)
{
  g_autofree char *from = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from, N_("Read the answers from FILE, one KEY=VALUE a line (“-” for standard input)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS [KEY=VALUE…]"),
                                                                   _("Hand in a concern about a child, as a member of staff. It is sealed on this computer "
                                                                     "so that only the organisation’s members can read it; you get a receipt. The "
                                                                     "answers are those of the concern step: see “caretrail-admin steps --new”."));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  g_autofree char *when = NULL;
  gint64 at = 0;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "submit", &argc, &argv);
  if (status != 0)
    return status;
  if (argc < 2)
    return ct_admin_usage_error ("submit", _("Give the server’s address, then the concern’s answers."));
  if (!ct_store_location_is_server (argv[1]))
    return ct_admin_usage_error ("submit", _("The address must start with postgresql://."));
  for (int i = 2; i < argc; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  if (from != NULL && !read_answer_lines (from, args, &error))
    return ct_admin_fail ("submit", error);
  if (args->len == 0)
    return ct_admin_usage_error ("submit", _("Give the concern’s answers as KEY=VALUE, for example what=\"What was said\"."));
  if (!ct_admin_parse_answers (ct_step_form_get (CT_EVENT_CONCERN_RECORDED), (char **) args->pdata,
                               args->len, answers, &error))
    return ct_admin_usage_error ("submit", error->message);

  if (!ct_submission_submit_sync (argv[1], answers, &id, &at, &error))
    return ct_admin_fail ("submit", error);
  when = format_time (at);
  g_print (_("Receipt: %s\n"), id);
  g_print (_("Handed in: %s\n"), when);
  g_print ("%s\n", _("Only the organisation’s safeguarding members can read it. Keep the receipt."));
  return 0;
}

int
ct_admin_cmd_submissions (int    argc,
                          char **argv)
{
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS"), _("List the new concerns handed in by staff, and those already made cases."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int status;

  status = ct_admin_parse_options (context, "submissions", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 2)
    return ct_admin_usage_error ("submissions", _("Give the server’s address, and nothing else."));
  store = open_server_store ("submissions", argv[1]);
  if (store == NULL)
    return 1;
  list = ct_store_list_submissions_sync (store, &error);
  ct_store_close (store);
  if (list == NULL)
    return ct_admin_fail ("submissions", error);

  g_print ("%s\n", _("New concerns from staff:"));
  for (guint i = 0; i < list->len; i++)
    {
      CtSubmission *s = g_ptr_array_index (list, i);
      g_autofree char *when = format_time (s->submitted_at);
      GVariant *raised = s->answers != NULL ? g_hash_table_lookup (s->answers, "raised-by") : NULL;
      GVariant *what = s->answers != NULL ? g_hash_table_lookup (s->answers, "what") : NULL;

      g_print ("%s  %s  %s  %s  %s%s\n", s->id, when, s->submitted_by,
               raised != NULL && g_variant_is_of_type (raised, G_VARIANT_TYPE_STRING) ? g_variant_get_string (raised, NULL) : "-",
               s->answers == NULL ? _("(cannot be opened)")
                                  : what != NULL && g_variant_is_of_type (what, G_VARIANT_TYPE_STRING) ? g_variant_get_string (what, NULL) : "",
               s->case_id != NULL ? _("  (a case now)") : "");
    }
  return 0;
}

int
ct_admin_cmd_submission_accept (int    argc,
                                char **argv)
{
  g_autofree char *staff_id = NULL;
  const GOptionEntry entries[] = {
    { "by", 0, 0, G_OPTION_ARG_STRING, &staff_id, N_("The id of the member of staff opening the case (see “caretrail-admin staff”)"), N_("STAFF-ID") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("ADDRESS ID"),
                                                                   _("Open a case with a concern handed in by staff, as raised when it was handed in. "
                                                                     "The new case’s reference is printed on its own line."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtCaseService) service = NULL;
  g_autofree char *reference = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "submission-accept", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 3)
    return ct_admin_usage_error ("submission-accept", _("Give the server’s address and the concern’s id."));
  if (staff_id == NULL)
    return ct_admin_usage_error ("submission-accept", _("Say who is opening the case with --by STAFF-ID. “caretrail-admin staff” lists the ids."));
  if (!ct_store_location_is_server (argv[1]))
    return ct_admin_usage_error ("submission-accept", _("The address must start with postgresql://."));

  service = ct_admin_open_service ("submission-accept", argv[1], &store);
  if (service == NULL)
    return 1;
  reference = ct_store_accept_submission_sync (store, service, argv[2], staff_id, &error);
  ct_store_close (store);
  if (reference == NULL)
    return ct_admin_fail ("submission-accept", error);
  g_print ("%s\n", reference);
  return 0;
}

/* }}} */

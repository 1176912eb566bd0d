/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-case-service.h"
#include "ct-store.h"

G_BEGIN_DECLS

/* Each command parses its own options from argv (argv[0] is the command name)
 * and returns the process exit status. */
typedef int (*CtAdminCommandFunc) (int    argc,
                                   char **argv);

typedef struct
{
  const char         *name;
  const char         *summary;
  CtAdminCommandFunc  func;
} CtAdminCommand;

void ct_admin_print_error (const char   *command,
                           const GError *error);
int  ct_admin_parse_options (GOptionContext   *context,
                             const char       *command,
                             int              *argc,
                             char           ***argv);
int  ct_admin_fail (const char   *command,
                    const GError *error);
int  ct_admin_usage_error (const char *command,
                           const char *message);
GOptionContext *ct_admin_option_context_new (const char *parameters,
                                             const char *summary);

CtCaseService *ct_admin_open_service (const char  *command,
                                      const char  *database,
                                      CtStore    **out_store);
gboolean ct_admin_parse_answers (const CtStepForm  *form,
                                 char             **args,
                                 int                n_args,
                                 GHashTable        *answers,
                                 GError           **error);
void ct_admin_json_append_string (GString    *json,
                                  const char *value);
void ct_admin_json_append_member (GString    *json,
                                  gboolean    first,
                                  const char *name);

int  ct_admin_cmd_letter (int argc, char **argv);
int  ct_admin_cmd_init (int argc, char **argv);
int  ct_admin_cmd_status (int argc, char **argv);
int  ct_admin_cmd_verify (int argc, char **argv);
int  ct_admin_cmd_backup (int argc, char **argv);
int  ct_admin_cmd_restore (int argc, char **argv);
int  ct_admin_cmd_recover (int argc, char **argv);
int  ct_admin_cmd_cases (int argc, char **argv);
int  ct_admin_cmd_demo (int argc, char **argv);
int  ct_admin_cmd_due (int argc, char **argv);
int  ct_admin_cmd_next (int argc, char **argv);
int  ct_admin_cmd_overdue (int argc, char **argv);
int  ct_admin_cmd_steps (int argc, char **argv);
int  ct_admin_cmd_staff (int argc, char **argv);
int  ct_admin_cmd_staff_list (int argc, char **argv);
int  ct_admin_cmd_agency (int argc, char **argv);
int  ct_admin_cmd_record (int argc, char **argv);
int  ct_admin_cmd_note (int argc, char **argv);
int  ct_admin_cmd_show (int argc, char **argv);
int  ct_admin_cmd_server_init (int argc, char **argv);
int  ct_admin_cmd_server_password (int argc, char **argv);
int  ct_admin_cmd_migrate (int argc, char **argv);
int  ct_admin_cmd_member_request (int argc, char **argv);
int  ct_admin_cmd_member_requests (int argc, char **argv);
int  ct_admin_cmd_members (int argc, char **argv);
int  ct_admin_cmd_member_approve (int argc, char **argv);
int  ct_admin_cmd_member_decline (int argc, char **argv);
int  ct_admin_cmd_member_remove (int argc, char **argv);
int  ct_admin_cmd_rotate (int argc, char **argv);
int  ct_admin_cmd_submit (int argc, char **argv);
int  ct_admin_cmd_submissions (int argc, char **argv);
int  ct_admin_cmd_submission_accept (int argc, char **argv);

G_END_DECLS

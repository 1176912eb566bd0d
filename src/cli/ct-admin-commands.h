/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

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

G_END_DECLS

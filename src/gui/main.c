/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "caretrail"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ct-application.h"
#include "ct-crypto.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CtApplication) app = NULL;

  /* Before anything else: no core dump or debugger may see a key. */
  ct_crypto_protect_process ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = ct_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

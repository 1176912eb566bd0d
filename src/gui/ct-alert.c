/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-alert"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-alert.h"

/**
 * ct_alert_show:
 * @parent: the window the problem happened in
 * @heading: what went wrong, in a few words
 * @body: what happened and what to do, in full
 *
 * Says that something failed in a dialog that stays until it is closed, so
 * that all of the advice can be read: a toast would cut it short and go.
 *
 * Returns: (transfer none): the dialog, already presented
 */
GtkWidget *
ct_alert_show (GtkWindow  *parent,
               const char *heading,
               const char *body)
{
  GtkWidget *dialog;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (heading != NULL && body != NULL, NULL);

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

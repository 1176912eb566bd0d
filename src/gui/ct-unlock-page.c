/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-unlock-page"

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "ct-alert.h"
#include "ct-backups.h"
#include "ct-crypto.h"
#include "ct-store-error.h"
#include "ct-unlock-page.h"

/*
 * Shown when the records cannot be opened: says in plain words why (no
 * keyring, a locked keyring, a missing or wrong key, a damaged file) and
 * offers what can be done: try again, enter the recovery code, or restore
 * a backup.
 */
struct _CtUnlockPage
{
  AdwBin         parent_instance;

  AdwStatusPage *status_page;
  GtkButton     *retry_button;
  GtkButton     *recovery_button;
  GtkButton     *restore_button;
};

G_DEFINE_FINAL_TYPE (CtUnlockPage, ct_unlock_page, ADW_TYPE_BIN)

enum {
  SIGNAL_RETRY,
  SIGNAL_RECOVER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * ct_unlock_page_set_error:
 * @self: a #CtUnlockPage
 * @error: why the records could not be opened
 *
 * Explains @error and offers what can be done about it.
 */
void
ct_unlock_page_set_error (CtUnlockPage *self,
                          const GError *error)
{
  const char *title = _("The Records Could Not Be Opened");
  const char *advice = NULL;
  const char *icon = "dialog-password-symbolic";
  gboolean recovery = FALSE;
  gboolean specific = FALSE;
  gboolean member = FALSE;
  g_autofree char *description = NULL;

  g_return_if_fail (CT_IS_UNLOCK_PAGE (self));
  g_return_if_fail (error != NULL);

  if (error->domain == CT_STORE_ERROR)
    {
      switch ((CtStoreError) error->code)
        {
        case CT_STORE_ERROR_NO_SECRET_SERVICE:
          title = _("No Keyring Is Running");
          advice = _("The key to the records is kept in your keyring, and no keyring service "
                     "is running. Log out and in again, or start your desktop’s keyring, then "
                     "try again.");
          break;

        case CT_STORE_ERROR_KEYRING_LOCKED:
          title = _("Your Keyring Is Locked");
          advice = _("Unlock your keyring with your login password when your desktop asks, "
                     "then try again.");
          icon = "system-lock-screen-symbolic";
          break;

        case CT_STORE_ERROR_KEY_MISSING:
        case CT_STORE_ERROR_FOREIGN_DATABASE:
          title = _("The Key Is Not in Your Keyring");
          advice = _("The records are here but their key is not, for example after moving to "
                     "a new computer or resetting the keyring. Enter the recovery code from the "
                     "recovery sheet to put the key back.");
          recovery = TRUE;
          break;

        case CT_STORE_ERROR_WRONG_KEY:
          title = _("The Key Does Not Fit");
          advice = _("Your keyring holds a key that does not open these records. Enter the "
                     "recovery code from the recovery sheet to put the right key back.");
          recovery = TRUE;
          break;

        case CT_STORE_ERROR_TOO_NEW:
          title = _("These Records Need a Newer Caretrail");
          advice = _("A newer version of Caretrail has written to these records. Update "
                     "Caretrail, then open them again.");
          break;

        case CT_STORE_ERROR_CORRUPT:
        case CT_STORE_ERROR_TAMPERED:
        case CT_STORE_ERROR_NOT_A_DATABASE:
          specific = TRUE;
          title = _("The Records File Is Damaged");
          advice = _("Nothing has been changed. Restore the latest backup with “Restore "
                     "From a Backup”, or ask whoever supports your computers.");
          icon = "dialog-warning-symbolic";
          break;

        case CT_STORE_ERROR_ROLLED_BACK:
          specific = TRUE;
          title = _("This Is an Older Copy of the Records");
          advice = _("Nothing has been changed. The records file is older than the records "
                     "this computer last saved, so newer records are missing from it. Find the "
                     "newer file, or, to go back to this copy on purpose, restore it with "
                     "“Restore From a Backup”.");
          icon = "dialog-warning-symbolic";
          break;

        case CT_STORE_ERROR_NOT_A_MEMBER:
          /* The store says whether this desk was removed, is waiting or
           * was declined, and names the organisation. */
          specific = TRUE;
          member = TRUE;
          title = _("You Are Not a Member");
          icon = "system-users-symbolic";
          break;

        case CT_STORE_ERROR_BUSY:
          title = _("The Records Are in Use");
          advice = _("Another program has the records open. Close it, then try again.");
          break;

        default:
          break;
        }
    }

  /* Said once: where the page's own advice covers the problem, the store's
   * message would only repeat it; where the store names what it found (a
   * damaged or older file), its message is the advice. */
  if (advice != NULL && !specific)
    description = g_strdup (advice);
  else if (specific)
    description = g_strdup (error->message);
  else if (strstr (error->message, _("Nothing has been changed")) != NULL)
    description = g_strdup (error->message);
  else
    /* The store's messages end with what to do (often "try again", which
     * the Try Again button offers too): only the assurance is added. */
    description = g_strdup_printf (_("%s Nothing has been changed."), error->message);

  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  adw_status_page_set_icon_name (self->status_page, icon);

  /* Someone who is not (or no longer) a member of the organisation on a
   * server has no key to recover and no file to restore: only asking the
   * server again helps. */
  gtk_widget_set_visible (GTK_WIDGET (self->recovery_button), !member);
  gtk_widget_set_visible (GTK_WIDGET (self->restore_button), !member);

  /* Offered for any other problem, since a code is the last resort for any
   * key problem, but made the main action when it is the answer. */
  if (recovery)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->recovery_button), "suggested-action");
      gtk_widget_remove_css_class (GTK_WIDGET (self->retry_button), "suggested-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->recovery_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->retry_button), "suggested-action");
    }
}

/**
 * ct_unlock_page_get_title:
 * @self: a #CtUnlockPage
 *
 * Returns: the headline shown.
 */
const char *
ct_unlock_page_get_title (CtUnlockPage *self)
{
  g_return_val_if_fail (CT_IS_UNLOCK_PAGE (self), NULL);

  return adw_status_page_get_title (self->status_page);
}

static void
on_retry_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_RETRY], 0);
}

static void
on_recovery_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         CtUnlockPage     *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *code = NULL;

  if (g_strcmp0 (response, "recover") == 0)
    {
      code = g_strdup (gtk_editable_get_text (entry));
      g_signal_emit (self, signals[SIGNAL_RECOVER], 0, code);
      ct_crypto_wipe_string (code);
    }

  gtk_editable_set_text (entry, "");
}

static void
on_code_changed_cb (GtkEditable      *entry,
                    AdwMessageDialog *dialog)
{
  const char *text = gtk_editable_get_text (entry);
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      n++;

  adw_message_dialog_set_response_enabled (dialog, "recover", n >= 16);
}

static void
on_recover_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CtUnlockPage *self = CT_UNLOCK_PAGE (widget);
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Enter the Recovery Code"),
                                   _("Type the code from the recovery sheet kept when "
                                     "Caretrail was set up. Spaces and dashes do not "
                                     "matter."));
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Recovery code"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "recover", _("_Open Records"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "recover",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "recover", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "recover");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (entry, "changed", G_CALLBACK (on_code_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_recovery_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_restore_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkRoot *root = gtk_widget_get_root (widget);

  /* The window restores it, and opens what is in place afterwards. */
  ct_backups_ask_restore (settings, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, widget,
                          FALSE);
}

/**
 * ct_unlock_page_recovery_failed:
 * @self: a #CtUnlockPage
 * @error: why the code did not open the records
 *
 * Says that the recovery code did not work and why.
 */
void
ct_unlock_page_recovery_failed (CtUnlockPage *self,
                                const GError *error)
{
  const char *body = error->message;

  g_return_if_fail (CT_IS_UNLOCK_PAGE (self));

  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE))
    body = _("That code does not open these records. Check each character against the "
             "recovery sheet and try again.");

  ct_alert_show (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                 _("The Records Are Still Locked"), body);
}

static void
ct_unlock_page_class_init (CtUnlockPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * CtUnlockPage::retry:
   * @self: the page
   *
   * Emitted when the user asks to try opening the records again.
   */
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * CtUnlockPage::recover:
   * @self: the page
   * @code: the recovery code typed; wiped after the signal
   *
   * Emitted when the user has typed a recovery code.
   */
  signals[SIGNAL_RECOVER] =
    g_signal_new ("recover", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-unlock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CtUnlockPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CtUnlockPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, CtUnlockPage, recovery_button);
  gtk_widget_class_bind_template_child (widget_class, CtUnlockPage, restore_button);

  gtk_widget_class_install_action (widget_class, "unlock.retry", NULL, on_retry_activated_cb);
  gtk_widget_class_install_action (widget_class, "unlock.recover", NULL,
                                   on_recover_activated_cb);
  gtk_widget_class_install_action (widget_class, "unlock.restore", NULL,
                                   on_restore_activated_cb);
}

static void
ct_unlock_page_init (CtUnlockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ct_unlock_page_new:
 *
 * Returns: (transfer floating): a new page.
 */
GtkWidget *
ct_unlock_page_new (void)
{
  return g_object_new (CT_TYPE_UNLOCK_PAGE, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-backup-banner"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-backup-banner.h"
#include "ct-backups.h"
#include "ct-preferences-window.h"
#include "ct-window.h"

/*
 * Across the top of the main window's content when a backup is overdue
 * (none yet, or the last older than the days set in Preferences): says
 * when the last was made, and backs up at once. With no backup folder
 * chosen, the button opens Preferences, where one is chosen. It looks
 * again whenever the settings change and every hour.
 */

#define RECHECK_SECONDS (60 * 60)

struct _CtBackupBanner
{
  AdwBin          parent_instance;

  GSettings      *settings;
  GCancellable   *cancellable;
  guint           recheck_id;
  gboolean        running;

  GtkRevealer    *revealer;
  GtkLabel       *title_label;
  GtkButton      *back_up_button;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (CtBackupBanner, ct_backup_banner, ADW_TYPE_BIN)

/**
 * ct_backup_banner_update:
 * @self: a #CtBackupBanner
 *
 * Shows the banner if a backup is overdue, and hides it if not.
 */
void
ct_backup_banner_update (CtBackupBanner *self)
{
  g_autofree char *title = NULL;

  g_return_if_fail (CT_IS_BACKUP_BANNER (self));

  if (self->running)
    return;

  title = ct_backups_describe_last (self->settings);
  gtk_label_set_text (self->title_label, title);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_revealer_set_reveal_child (self->revealer, ct_backups_is_overdue (self->settings));
}

static void
on_settings_changed_cb (GSettings      *settings,
                        const char     *key,
                        CtBackupBanner *self)
{
  ct_backup_banner_update (self);
}

static gboolean
on_recheck_cb (gpointer user_data)
{
  ct_backup_banner_update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_progress_cb (double   fraction,
                gpointer user_data)
{
  CtBackupBanner *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
on_backed_up_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CtBackupBanner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ct_backups_back_up_finish (result, &error);
  GtkRoot *root;

  self->running = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_up_button), TRUE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  ct_backup_banner_update (self);
  if (path == NULL)
    {
      /* The whole sentence stays in the banner, with the button to try
       * again. */
      gtk_label_set_text (self->title_label, error->message);
      gtk_revealer_set_reveal_child (self->revealer, TRUE);
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (CT_IS_WINDOW (root))
    ct_window_add_toast (CT_WINDOW (root), _("The records were backed up."));
}

static void
back_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CtBackupBanner *self = CT_BACKUP_BANNER (widget);
  g_autofree char *folder = g_settings_get_string (self->settings, "backup-folder");
  GtkRoot *root = gtk_widget_get_root (widget);
  CtWorkflow *workflow = CT_IS_WINDOW (root) ? ct_window_get_workflow (CT_WINDOW (root)) : NULL;

  if (self->running)
    return;

  if (folder[0] == '\0' || workflow == NULL)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      /* A folder is chosen first, on the Backups page of Preferences. */
      gtk_widget_activate_action (widget, "app.preferences", NULL);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

          if (CT_IS_PREFERENCES_WINDOW (toplevel) && gtk_widget_get_visible (toplevel))
            adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (toplevel),
                                                          "backups");
        }
      return;
    }

  self->running = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_up_button), FALSE);
  gtk_label_set_text (self->title_label, _("Backing up the records…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  ct_backups_back_up_async (self->settings, ct_workflow_get_store (workflow),
                            on_progress_cb, g_object_ref (self), g_object_unref,
                            self->cancellable, on_backed_up_cb, g_object_ref (self));
}

static void
ct_backup_banner_dispose (GObject *object)
{
  CtBackupBanner *self = CT_BACKUP_BANNER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->recheck_id, g_source_remove);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ct_backup_banner_parent_class)->dispose (object);
}

static void
ct_backup_banner_class_init (CtBackupBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_backup_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-backup-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, CtBackupBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, CtBackupBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, CtBackupBanner, back_up_button);
  gtk_widget_class_bind_template_child (widget_class, CtBackupBanner, progress_bar);

  gtk_widget_class_install_action (widget_class, "banner.back-up", NULL, back_up_action);
}

static void
ct_backup_banner_init (CtBackupBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect (self->settings, "changed::last-backup", G_CALLBACK (on_settings_changed_cb),
                    self);
  g_signal_connect (self->settings, "changed::backup-overdue-days",
                    G_CALLBACK (on_settings_changed_cb), self);
  self->recheck_id = g_timeout_add_seconds (RECHECK_SECONDS, on_recheck_cb, self);
  ct_backup_banner_update (self);
}

/**
 * ct_backup_banner_new:
 *
 * Returns: (transfer floating): a new banner
 */
GtkWidget *
ct_backup_banner_new (void)
{
  return g_object_new (CT_TYPE_BACKUP_BANNER, NULL);
}

/**
 * ct_backup_banner_get_revealed:
 *
 * Returns: whether the banner is shown
 */
gboolean
ct_backup_banner_get_revealed (CtBackupBanner *self)
{
  g_return_val_if_fail (CT_IS_BACKUP_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

/**
 * ct_backup_banner_get_title:
 *
 * Returns: what the banner says
 */
const char *
ct_backup_banner_get_title (CtBackupBanner *self)
{
  g_return_val_if_fail (CT_IS_BACKUP_BANNER (self), NULL);
  return gtk_label_get_text (self->title_label);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-application"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-application.h"
#include "ct-help.h"
#include "ct-preferences-window.h"
#include "ct-store.h"
#include "ct-window.h"

struct _CtApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CtApplication, ct_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
  { NULL }
};

static int
ct_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

/* The database the app opens: the one named in the settings (a file, or
 * a postgresql:// server), or else its own file. */
static char *
get_database_location (CtApplication *self)
{
  g_autofree char *location = g_settings_get_string (self->settings, "database");

  if (location[0] != '\0')
    return g_steal_pointer (&location);
  return ct_store_get_default_path ();
}

static void
ct_application_activate (GApplication *app)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      g_autofree char *path = get_database_location (CT_APPLICATION (app));

      window = GTK_WINDOW (ct_window_new (CT_APPLICATION (app)));
      gtk_window_present (window);
      /* Presented first, so the window appears at once and shows progress
       * while the records are unlocked. */
      ct_window_open_records (CT_WINDOW (window), path);
      return;
    }

  gtk_window_present (window);
}

static void
on_about_activated_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CtApplication *self = user_data;
  static const char *developers[] = { N_("The Caretrail developers"), NULL };
  GtkWindow *parent;
  AdwAboutWindow *about;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  /* A window of the application, so that its keys (Ctrl+W, F1) work here too. */
  gtk_window_set_application (GTK_WINDOW (about), GTK_APPLICATION (self));
  adw_about_window_set_application_name (about, _("Caretrail"));
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _(developers[0]));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about,
                                 _("Record safeguarding concerns about children, follow your "
                                   "safeguarding procedure step by step, and keep a confidential "
                                   "chronology of what was known, decided and done."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, _("© 2026 The Caretrail developers"));
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (about), parent);
      gtk_window_set_modal (GTK_WINDOW (about), TRUE);
    }
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_preferences_activated_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CtApplication *self = user_data;
  GtkWindow *parent;
  CtPreferencesWindow *preferences;

  parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  preferences = ct_preferences_window_new (self->settings);
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  if (CT_IS_WINDOW (parent))
    ct_preferences_window_set_workflow (preferences, ct_window_get_workflow (CT_WINDOW (parent)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
on_help_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CtApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (parent == NULL)
    return;

  ct_help_show (parent, g_variant_get_string (parameter, NULL));
}

static void
on_quit_activated_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  CtApplication *self = user_data;
  GList *windows;

  /* Closing each window lets it save its state before the application ends. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }

  /* A backup started as a window closed holds the application, and ends
   * it when done. */
  if (!g_application_get_is_busy (G_APPLICATION (self)))
    g_application_quit (G_APPLICATION (self));
}

/* Closes every window, each saving its state and backing up as it does
 * when closed by hand, and opens the records named in the settings now
 * in a new main window. */
static void
on_reopen_records_activated_cb (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  CtApplication *self = user_data;
  GList *windows;

  g_application_hold (G_APPLICATION (self));
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
  g_application_activate (G_APPLICATION (self));
  g_application_release (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", on_about_activated_cb },
  { "preferences", on_preferences_activated_cb },
  { "help", on_help_activated_cb, "s" },
  { "quit", on_quit_activated_cb },
  { "reopen-records", on_reopen_records_activated_cb },
};

static void
ct_application_startup (GApplication *app)
{
  CtApplication *self = CT_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };
  static const char *help_accels[] = { "F1", NULL };

  /* Start reading the records while GTK starts. */
  {
    g_autofree char *path = get_database_location (self);

    ct_window_preload_records (path);
  }

  G_APPLICATION_CLASS (ct_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         help_overlay_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help::index", help_accels);
  /* Every window, forms included, closes with Ctrl+W. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
ct_application_dispose (GObject *object)
{
  CtApplication *self = CT_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ct_application_parent_class)->dispose (object);
}

static void
ct_application_class_init (CtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ct_application_dispose;

  app_class->activate = ct_application_activate;
  app_class->startup = ct_application_startup;
  app_class->handle_local_options = ct_application_handle_local_options;
}

static void
ct_application_init (CtApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

/**
 * ct_application_new:
 *
 * Returns: (transfer full): the Caretrail application.
 */
CtApplication *
ct_application_new (void)
{
  return g_object_new (CT_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * ct_application_get_settings:
 * @self: a #CtApplication
 *
 * Returns: (transfer none): the application's settings.
 */
GSettings *
ct_application_get_settings (CtApplication *self)
{
  g_return_val_if_fail (CT_IS_APPLICATION (self), NULL);

  return self->settings;
}

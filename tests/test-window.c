/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "ct-application.h"
#include "ct-test-ui.h"
#include "ct-window.h"

static CtApplication *app;

static CtWindow *
show_window (void)
{
  CtWindow *window = ct_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));

  return window;
}

static void
test_window_empty_state (void)
{
  CtWindow *window = show_window ();
  AdwStatusPage *page;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Caretrail");

  page = ADW_STATUS_PAGE (ct_test_ui_find_by_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE));
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (page)));
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Cases Yet");

  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-empty.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
menu_has_action (GMenuModel *model,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_strcmp0 (name, action) == 0)
        return TRUE;

      section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }

  return FALSE;
}

static void
test_window_primary_menu (void)
{
  CtWindow *window = show_window ();
  GtkMenuButton *button;
  GMenuModel *model;

  button = GTK_MENU_BUTTON (ct_test_ui_find_by_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON));
  g_assert_nonnull (button);
  g_assert_true (gtk_menu_button_get_primary (button));

  model = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (model);
  g_assert_true (menu_has_action (model, "app.preferences"));
  g_assert_true (menu_has_action (model, "win.show-help-overlay"));
  g_assert_true (menu_has_action (model, "app.about"));

  /* The shortcuts window comes from the resource GtkApplication loads itself. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_remembers_size (void)
{
  GSettings *settings = ct_application_get_settings (app);
  CtWindow *window;
  int width;
  int height;

  g_settings_set_int (settings, "window-width", 800);
  g_settings_set_int (settings, "window-height", 500);

  window = ct_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 500);

  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1024);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  /* With the preference off, the window opens at its natural default. */
  g_settings_set_boolean (settings, "remember-window-size", FALSE);
  window = ct_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 960);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "remember-window-size");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

static void
test_app_about_and_preferences (void)
{
  CtWindow *window = show_window ();
  GtkWindow *about;
  GtkWindow *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==,
                   "Caretrail");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  ct_test_ui_wait_for_frame (GTK_WIDGET (about));
  ct_test_ui_screenshot (GTK_WIDGET (about), "about.png");
  gtk_window_destroy (about);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (preferences));
  ct_test_ui_screenshot (GTK_WIDGET (preferences), "preferences.png");
  gtk_window_destroy (preferences);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_app_accels (void)
{
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) prefs = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                               "app.preferences");
  g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                              "win.show-help-overlay");

  g_assert_true (g_strv_contains ((const char * const *) quit, "<Control>q"));
  g_assert_true (g_strv_contains ((const char * const *) prefs, "<Control>comma"));
  g_assert_true (g_strv_contains ((const char * const *) help, "<Control>question"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = ct_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("Could not register the application: %s", error->message);
  /* Registering runs startup, which installs the actions and accelerators. */

  g_test_add_func ("/ui/window/empty-state", test_window_empty_state);
  g_test_add_func ("/ui/window/primary-menu", test_window_primary_menu);
  g_test_add_func ("/ui/window/remembers-size", test_window_remembers_size);
  g_test_add_func ("/ui/app/about-and-preferences", test_app_about_and_preferences);
  g_test_add_func ("/ui/app/accels", test_app_accels);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}

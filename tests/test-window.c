/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "ct-application.h"
#include "ct-case-page.h"
#include "ct-child-dialog.h"
#include "ct-concern-dialog.h"
#include "ct-help.h"
#include "ct-document-window.h"
#include "ct-step-dialog.h"
#include "ct-user-dialog.h"
#include "ct-reports-page.h"
#include "ct-test-ui.h"
#include "ct-split-view.h"
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

/* The first status page that is on screen, depth first. */
static AdwStatusPage *
find_drawn_status_page (GtkWidget *root)
{
  if (!gtk_widget_is_drawable (root))
    return NULL;

  if (ADW_IS_STATUS_PAGE (root))
    return ADW_STATUS_PAGE (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *found = find_drawn_status_page (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
test_window_empty_state (void)
{
  CtWindow *window = show_window ();
  AdwStatusPage *page;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Caretrail");

  page = find_drawn_status_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (page)));
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Cases Yet");

  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-empty.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_sections (void)
{
  CtWindow *window = show_window ();
  AdwStatusPage *page;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_real_time ();

  g_assert_cmpstr (ct_window_get_section (window), ==, "needs-action");

  g_ptr_array_add (cases, ct_case_item_new ("1", "CT-2026-0001", "Alex Brown", NULL,
                                            "Escalate the concern", now - G_TIME_SPAN_HOUR,
                                            "Dana Officer", FALSE));
  g_ptr_array_add (cases, ct_case_item_new ("2", "CT-2026-0002", "Sam Green", NULL,
                                            "Wait for the local authority's decision",
                                            now + 20 * G_TIME_SPAN_HOUR, "Dana Officer",
                                            FALSE));
  g_ptr_array_add (cases, ct_case_item_new ("3", "CT-2025-0107", "Robin Grey", NULL,
                                            "Closed: no further action", 0, "Dana Officer",
                                            TRUE));
  ct_case_list_model_replace_all (ct_window_get_cases (window), cases);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  g_assert_null (find_drawn_status_page (GTK_WIDGET (window)));
  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-needs-action.png");
  ct_test_ui_assert_operable (GTK_WIDGET (window));

  ct_window_show_section (window, "closed");
  g_assert_cmpstr (ct_window_get_section (window), ==, "closed");
  ct_window_show_section (window, "directory");
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  page = find_drawn_status_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "The Directory Is Empty");

  /* The reports page counts the same cases the lists show; Alt+5 shows it. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
    gboolean bound = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
          continue;
        for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
          {
            g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
            g_autofree char *trigger = gtk_shortcut_trigger_to_string (
                                         gtk_shortcut_get_trigger (shortcut));
            GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
            GVariant *args = gtk_shortcut_get_arguments (shortcut);

            if (g_str_equal (trigger, "<Alt>5") && GTK_IS_NAMED_ACTION (action) &&
                g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                             "win.show-section") &&
                args != NULL && g_str_equal (g_variant_get_string (args, NULL), "reports"))
              bound = TRUE;
          }
      }
    g_assert_true (bound);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-section", "s", "reports");
  g_assert_cmpstr (ct_window_get_section (window), ==, "reports");
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (ct_test_ui_find_by_label (GTK_WIDGET (window),
                                     "Wait for the local authority's decision: 1 case") == NULL &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_nonnull (ct_test_ui_find_by_label (GTK_WIDGET (window),
                                              "Wait for the local authority's decision: 1 case"));
  /* The stack cross-fades from the directory; the picture is taken once
   * the reports page is all there is. */
  {
    GtkWidget *stack = gtk_widget_get_ancestor (ct_test_ui_find_by_type (GTK_WIDGET (window),
                                                                         CT_TYPE_REPORTS_PAGE),
                                                GTK_TYPE_STACK);

    while (gtk_stack_get_transition_running (GTK_STACK (stack)))
      g_main_context_iteration (NULL, TRUE);
  }
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-reports.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_narrow (void)
{
  CtWindow *window = ct_window_new (app);
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *split;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_spin (200);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);

  /* At phone width only one pane fits: the sidebar first, then the list. */
  split = ct_test_ui_find_by_type (GTK_WIDGET (window), CT_TYPE_SPLIT_VIEW);
  g_assert_nonnull (split);
  g_assert_true (ct_split_view_get_folded (CT_SPLIT_VIEW (split)));
  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-360-sidebar.png");

  /* Folded, the sidebar is what shows first: its sections, not a blank pane. */
  g_assert_false (ct_split_view_get_showing_content (CT_SPLIT_VIEW (split)));
  g_assert_true (gtk_widget_is_drawable (ct_test_ui_find_by_label (GTK_WIDGET (window),
                                                                   "Needs action")));
  g_assert_cmpint (gtk_widget_get_width (ct_split_view_get_sidebar (CT_SPLIT_VIEW (split))),
                   >=, 300);

  /* Forty cases with long names must not push the window wider than a phone. */
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("%d", i + 1);
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04d", i + 1);
      g_autofree char *name = g_strdup_printf ("Alexandra Bartholomew-Fitzwilliam %d", i + 1);

      g_ptr_array_add (cases, ct_case_item_new (id, reference, name, "Lexi",
                                                "Confirm the referral in writing within 48 hours",
                                                g_get_real_time () - (i + 1) * G_TIME_SPAN_HOUR,
                                                "Dana Officer-Longname", FALSE));
    }
  ct_case_list_model_replace_all (ct_window_get_cases (window), cases);
  ct_window_show_section (window, "needs-action");
  ct_test_ui_spin (400);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  g_assert_true (ct_split_view_get_showing_content (CT_SPLIT_VIEW (split)));
  {
    int minimum = 0;

    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1,
                        &minimum, NULL, NULL, NULL);
    g_assert_cmpint (minimum, <=, 360);
  }
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  /* The way back to the sections is on screen when folded. */
  g_assert_true (gtk_widget_is_drawable (ct_test_ui_find_by_label (GTK_WIDGET (window), "Back")));
  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-360-list.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL);
  ct_test_ui_spin (400);
  g_assert_false (ct_split_view_get_showing_content (CT_SPLIT_VIEW (split)));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "main-window-360-sidebar-back.png");

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

  button = GTK_MENU_BUTTON (ct_test_ui_find_by_label (GTK_WIDGET (window), "Main Menu"));
  g_assert_nonnull (button);
  g_assert_true (gtk_menu_button_get_primary (button));

  model = gtk_menu_button_get_menu_model (button);
  g_assert_nonnull (model);
  g_assert_true (menu_has_action (model, "app.preferences"));
  g_assert_true (menu_has_action (model, "win.show-help-overlay"));
  g_assert_true (menu_has_action (model, "app.about"));

  /* The shortcuts window is made when first asked for, by its action. */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (ct_window_ensure_help_overlay (window)));
  g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) ==
                 ct_window_ensure_help_overlay (window));

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
  /* The app's keys (Ctrl+W, F1) work in it, and its date has a calendar. */
  g_assert_true (gtk_window_get_application (preferences) == GTK_APPLICATION (app));
  g_assert_cmpuint (ct_test_ui_assert_dates_have_calendars (GTK_WIDGET (preferences)), >=, 1);
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
  {
    g_auto(GStrv) close = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "window.close");

    g_assert_true (g_strv_contains ((const char * const *) close, "<Control>w"));
  }
}

/* A key as the shortcuts window should list it: the keyval in lower case,
 * and the keypad and unshifted twins of a key folded into the key itself. */
static char *
normalise_key (guint           keyval,
               GdkModifierType modifiers)
{
  switch (keyval)
    {
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      keyval = GDK_KEY_plus;
      break;
    case GDK_KEY_KP_Subtract:
      keyval = GDK_KEY_minus;
      break;
    case GDK_KEY_KP_0:
      keyval = GDK_KEY_0;
      break;
    default:
      break;
    }

  return gtk_accelerator_name (gdk_keyval_to_lower (keyval),
                               modifiers & gtk_accelerator_get_default_mod_mask ());
}

static void
add_trigger_keys (GtkShortcutTrigger *trigger,
                  GHashTable         *keys,
                  const char         *where)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    g_hash_table_insert (keys,
                         normalise_key (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                        gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))),
                         g_strdup (where));
  else if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      add_trigger_keys (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        keys, where);
      add_trigger_keys (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                        keys, where);
    }
}

/* Every key bound by the classes of @widget and the widgets inside it. */
static void
collect_bound_keys (GtkWidget  *widget,
                    GHashTable *keys)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      /* Only the app's own bindings: GTK's widgets bring their own (a text
       * entry's Ctrl+A), which the shortcuts window does not repeat. */
      if (!GTK_IS_SHORTCUT_CONTROLLER (controller) ||
          !g_str_has_prefix (G_OBJECT_TYPE_NAME (widget), "Ct"))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          add_trigger_keys (gtk_shortcut_get_trigger (shortcut), keys, G_OBJECT_TYPE_NAME (widget));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_bound_keys (child, keys);
}

/* Every key the shortcuts window shows, with ranges such as "<alt>1...5"
 * counted as each key in them. */
static void
collect_listed_keys (GtkWidget  *widget,
                     GHashTable *keys)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *action = NULL;
      g_autofree char *title = NULL;
      g_auto(GStrv) accels = NULL;

      g_object_get (widget, "accelerator", &accelerator, "action-name", &action,
                    "title", &title, NULL);
      if (action != NULL)
        accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
      else
        accels = g_strsplit (accelerator != NULL ? accelerator : "", " ", -1);

      /* Each entry shows a key: an action with none would show nothing. */
      g_assert_nonnull (accels);
      if (accels[0] == NULL || *accels[0] == '\0')
        g_error ("“%s” in the shortcuts window has no key", title);

      for (guint i = 0; accels[i] != NULL; i++)
        {
          g_auto(GStrv) range = g_strsplit (accels[i], "...", 2);
          guint first, last;
          GdkModifierType modifiers;

          if (*accels[i] == '\0')
            continue;
          g_assert_true (gtk_accelerator_parse (range[0], &first, &modifiers));
          last = first;
          if (range[1] != NULL)
            g_assert_true (gtk_accelerator_parse (range[1], &last, NULL));
          for (guint keyval = first; keyval <= last; keyval++)
            g_hash_table_add (keys, normalise_key (keyval, modifiers));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_listed_keys (child, keys);
}

static gboolean
closes_with_ctrl_w (GtkWidget *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_w &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == GDK_CONTROL_MASK &&
              GTK_IS_NAMED_ACTION (action) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                           "window.close"))
            return TRUE;
        }
    }

  return FALSE;
}

static void
test_app_shortcuts_window_complete (void)
{
  CtWindow *window = ct_window_new (app);
  g_autoptr(GHashTable) bound = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  GtkWidget *others[] = {
    GTK_WIDGET (ct_step_dialog_new (CT_EVENT_ESCALATED, NULL)),
    GTK_WIDGET (ct_concern_dialog_new ()),
    g_object_new (CT_TYPE_DOCUMENT_WINDOW, NULL),
    g_object_new (CT_TYPE_CHILD_DIALOG, NULL),
    g_object_new (CT_TYPE_USER_DIALOG, NULL),
  };
  GHashTableIter iter;
  const char *key;
  const char *where;

  /* The window makes each section's page, and the case page, when first
   * shown: all of them are shown before their keys are collected. */
  {
    static const char *sections[] = { "needs-action", "open", "closed", "directory", "reports" };

    for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
      ct_window_show_section (window, sections[i]);
  }
  collect_bound_keys (GTK_WIDGET (window), bound);
  {
    GtkWidget *case_page = g_object_ref_sink (ct_case_page_new ());

    collect_bound_keys (case_page, bound);
    g_object_unref (case_page);
  }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      /* Every window closes with Ctrl+W, as the shortcuts window says. */
      if (!closes_with_ctrl_w (others[i]))
        g_error ("%s does not close with Ctrl+W", G_OBJECT_TYPE_NAME (others[i]));
      collect_bound_keys (others[i], bound);
      gtk_window_destroy (GTK_WINDOW (others[i]));
    }
  /* What GTK's and libadwaita's own window classes bind (Tab, the arrows,
   * the inspector's keys) is theirs to document, not the app's. */
  {
    g_autoptr(GHashTable) toolkit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    GtkWidget *plain[] = { adw_window_new (), gtk_window_new () };

    for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
      {
        g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (plain[i]);

        for (guint j = 0; j < g_list_model_get_n_items (controllers); j++)
          {
            g_autoptr(GObject) controller = g_list_model_get_item (controllers, j);

            if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
              continue;
            for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
              {
                g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);

                add_trigger_keys (gtk_shortcut_get_trigger (shortcut), toolkit, "GTK");
              }
          }
        gtk_window_destroy (GTK_WINDOW (plain[i]));
      }
    g_hash_table_iter_init (&iter, toolkit);
    while (g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
      g_hash_table_remove (bound, key);
  }

  /* The keys the application sets for its actions (Ctrl+Q, F1, Ctrl+W…). */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint keyval;
          GdkModifierType modifiers;

          g_assert_true (gtk_accelerator_parse (accels[j], &keyval, &modifiers));
          g_hash_table_insert (bound, normalise_key (keyval, modifiers), g_strdup (actions[i]));
        }
    }
  /* Keys people rely on are among those checked. */
  {
    g_autofree char *f1 = normalise_key (GDK_KEY_F1, 0);
    g_autofree char *close = normalise_key (GDK_KEY_w, GDK_CONTROL_MASK);
    g_autofree char *note = normalise_key (GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
    g_autofree char *escape = normalise_key (GDK_KEY_Escape, 0);

    g_assert_true (g_hash_table_contains (bound, f1));
    g_assert_true (g_hash_table_contains (bound, close));
    g_assert_true (g_hash_table_contains (bound, note));
    g_assert_true (g_hash_table_contains (bound, escape));
  }

  collect_listed_keys (GTK_WIDGET (ct_window_ensure_help_overlay (window)), listed);

  g_hash_table_iter_init (&iter, bound);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &where))
    if (!g_hash_table_contains (listed, key))
      g_error ("%s (from %s) is missing from the shortcuts window", key, where);
  g_test_message ("%u keys bound, all listed", g_hash_table_size (bound));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_app_help (void)
{
  CtWindow *window = show_window ();
  GMenuModel *model;
  g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                              "app.help::index");
  g_autofree char *index_uri = ct_help_get_uri ("index");
  g_autofree char *step_uri = NULL;
  g_autofree char *page = ct_help_get_page_for_event (CT_EVENT_REFERRAL_MADE);

  /* F1 and the main menu open the guide's first page. */
  g_assert_true (g_strv_contains ((const char * const *) help, "F1"));
  model = gtk_menu_button_get_menu_model (
            GTK_MENU_BUTTON (ct_test_ui_find_by_label (GTK_WIDGET (window), "Main Menu")));
  g_assert_true (menu_has_action (model, "app.help"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "help"));
  g_assert_true (g_variant_type_equal (
                   g_action_group_get_action_parameter_type (G_ACTION_GROUP (app), "help"),
                   G_VARIANT_TYPE_STRING));
  g_assert_cmpstr (index_uri, ==, "help:org.caretrail.Caretrail");
  g_assert_cmpstr (page, ==, "step-referral-made");
  step_uri = ct_help_get_uri (page);
  g_assert_cmpstr (step_uri, ==, "help:org.caretrail.Caretrail/step-referral-made");

  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add_func ("/ui/window/sections", test_window_sections);
  g_test_add_func ("/ui/window/narrow", test_window_narrow);
  g_test_add_func ("/ui/window/primary-menu", test_window_primary_menu);
  g_test_add_func ("/ui/window/remembers-size", test_window_remembers_size);
  g_test_add_func ("/ui/app/about-and-preferences", test_app_about_and_preferences);
  g_test_add_func ("/ui/app/accels", test_app_accels);
  g_test_add_func ("/ui/app/shortcuts-window-complete", test_app_shortcuts_window_complete);
  g_test_add_func ("/ui/app/help", test_app_help);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-help"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ct-concern-dialog.h"
#include "ct-help.h"
#include "ct-procedure.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"

/* The guide's page @page, read from the source tree; fails if it is missing,
 * has another id, or is not installed by help/meson.build. */
static void
assert_page_exists (const char *page)
{
  g_autofree char *file = g_strdup_printf ("%s.page", page);
  g_autofree char *path = g_build_filename (g_getenv ("CARETRAIL_SOURCE_ROOT"), "help", "C",
                                            file, NULL);
  g_autofree char *build = g_build_filename (g_getenv ("CARETRAIL_SOURCE_ROOT"), "help",
                                             "meson.build", NULL);
  g_autofree char *text = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *id = g_strdup_printf ("id=\"%s\"", page);
  g_autofree char *listed = g_strdup_printf ("'%s'", file);
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("The guide has no page for %s: %s", page, error->message);
  g_assert_nonnull (strstr (text, id));
  g_assert_nonnull (strstr (text, "<section id=\"policy\">"));
  g_assert_true (g_file_get_contents (build, &listing, NULL, NULL));
  if (strstr (listing, listed) == NULL)
    g_error ("%s is not installed by help/meson.build", file);
}

static void
test_help_every_step_has_a_page (void)
{
  for (CtEvent event = 0; event < CT_N_EVENTS; event++)
    {
      g_autofree char *page = ct_help_get_page_for_event (event);

      g_assert_true (g_str_has_prefix (page, "step-"));
      g_assert_cmpstr (page + strlen ("step-"), ==, ct_event_to_string (event));
      assert_page_exists (page);
    }
}

static void
test_help_step_forms_link_their_page (void)
{
  guint forms = 0;

  for (CtEvent event = 0; event < CT_N_EVENTS; event++)
    {
      CtStepDialog *dialog;
      g_autofree char *page = NULL;

      if (!ct_step_dialog_has_form (event))
        continue;
      dialog = ct_step_dialog_new (event, NULL);
      page = ct_step_dialog_get_help_page (dialog);
      g_assert_cmpstr (page + strlen ("step-"), ==, ct_event_to_string (event));
      assert_page_exists (page);
      {
        GtkWidget *button = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Help on this step");

        g_assert_nonnull (button);
        g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==,
                         "form.help");
      }
      gtk_window_destroy (GTK_WINDOW (dialog));
      forms++;
    }
  g_assert_cmpuint (forms, >=, 15);

  /* At phone width the Help button still fits beside Cancel and Save. */
  {
    CtStepDialog *dialog = ct_step_dialog_new (CT_EVENT_REFERRAL_MADE, NULL);
    GtkWidget *button;

    gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 640);
    gtk_window_present (GTK_WINDOW (dialog));
    ct_test_ui_wait_for_frame (GTK_WIDGET (dialog));
    ct_test_ui_spin (100);
    button = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Help on this step");
    g_assert_true (gtk_widget_is_drawable (button));
    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=, 400);
    ct_test_ui_screenshot (GTK_WIDGET (dialog), "step-form-360-help.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* The concern form is the first step's form. */
  {
    CtConcernDialog *dialog = ct_concern_dialog_new ();
    GtkWidget *button = ct_test_ui_find_by_label (GTK_WIDGET (dialog), "Help on this step");

    g_assert_nonnull (button);
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "form.help");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
}

static void
test_help_topic_pages (void)
{
  static const char *pages[] = {
    "index", "getting-started", "procedure", "allegations", "notes", "letters", "backups",
    "keyboard", "directory",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.page", pages[i]);
      g_autofree char *path = g_build_filename (g_getenv ("CARETRAIL_SOURCE_ROOT"), "help", "C",
                                                file, NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
}

/* Without a help viewer, F1 explains in a dialog, with all its advice,
 * rather than doing nothing. */
static void
test_help_without_viewer (void)
{
  g_autoptr(GAppInfo) viewer = g_app_info_get_default_for_uri_scheme ("help");
  GtkWindow *window;
  GtkWidget *alert = NULL;
  gint64 deadline;

  if (viewer != NULL)
    {
      g_test_skip ("A help viewer is installed, so the guide would open");
      return;
    }

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_help_show (window, "index");

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((alert = ct_test_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (alert);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (alert)), ==,
                   "The Help Could Not Be Opened");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (alert)),
                            "install Yelp, then press F1 again. Your records are not affected."));
  gtk_window_destroy (GTK_WINDOW (alert));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/help/every-step-has-a-page", test_help_every_step_has_a_page);
  g_test_add_func ("/help/step-forms-link-their-page", test_help_step_forms_link_their_page);
  g_test_add_func ("/help/topic-pages", test_help_topic_pages);
  g_test_add_func ("/help/without-viewer", test_help_without_viewer);

  return g_test_run ();
}

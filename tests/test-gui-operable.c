/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-operable"

#include "config.h"

#include <adwaita.h>

#include "ct-child-dialog.h"
#include "ct-concern-dialog.h"
#include "ct-person-dialog.h"
#include "ct-setup-assistant.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"
#include "ct-unlock-page.h"

/* Every form a DSO fills in, checked as a keyboard and screen reader user
 * meets it: each control that can be used takes the keyboard focus and has
 * a name. The case page and the main window are checked in their own
 * tests, with records in them. */

static guint
check_window (GtkWindow *window)
{
  guint n;

  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  n = ct_test_ui_assert_operable (GTK_WIDGET (window));
  g_test_message ("%s: %u controls, %u dates with a calendar", G_OBJECT_TYPE_NAME (window), n,
                  ct_test_ui_assert_dates_have_calendars (GTK_WIDGET (window)));
  g_assert_cmpuint (n, >, 0);
  gtk_window_destroy (window);

  return n;
}

static guint
check_page (GtkWidget *page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 800, 700);
  gtk_window_set_child (window, page);
  return check_window (window);
}

static void
test_step_forms (void)
{
  guint forms = 0;

  for (CtEvent event = 0; event < CT_N_EVENTS; event++)
    {
      if (!ct_step_dialog_has_form (event))
        continue;
      check_window (GTK_WINDOW (ct_step_dialog_new (event, NULL)));
      forms++;
    }
  g_test_message ("%u step forms checked", forms);
  g_assert_cmpuint (forms, >=, 15);
}

static void
test_record_forms (void)
{
  g_autoptr(CtRecord) child = ct_test_ui_make_record (CT_RECORD_KIND_CHILD,
                                                      "given-names", "Alex",
                                                      "family-name", "Brown", NULL);
  g_autoptr(GPtrArray) children = g_ptr_array_new ();

  g_ptr_array_add (children, child);
  check_window (GTK_WINDOW (ct_concern_dialog_new ()));
  check_window (GTK_WINDOW (ct_child_dialog_new (child)));
  check_window (GTK_WINDOW (ct_person_dialog_new ("case-1", children, NULL, NULL)));
}

static void
test_first_run_pages (void)
{
  check_page (ct_setup_assistant_new ());
  check_page (ct_unlock_page_new ());
}

/* The check itself: an icon button with no name, and a control that cannot
 * take the focus, are both reported. */
static void
test_check_finds_problems (void)
{
  if (g_test_subprocess ())
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *unfocusable = gtk_button_new_with_label ("Go");

      gtk_box_append (GTK_BOX (box), gtk_button_new_from_icon_name ("edit-delete-symbolic"));
      gtk_widget_set_focusable (unfocusable, FALSE);
      gtk_box_append (GTK_BOX (box), unfocusable);
      check_page (box);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GtkButton*has no accessible name*");
  g_test_trap_assert_stderr ("*GtkButton*cannot take the keyboard focus*");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/operable/check-finds-problems", test_check_finds_problems);
  g_test_add_func ("/ui/operable/step-forms", test_step_forms);
  g_test_add_func ("/ui/operable/record-forms", test_record_forms);
  g_test_add_func ("/ui/operable/first-run-pages", test_first_run_pages);

  return g_test_run ();
}

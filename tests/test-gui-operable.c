/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-operable"

#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>
#include <string.h>

#include "ct-case-item.h"
#include "ct-case-list-model.h"
#include "ct-case-list-view.h"
#include "ct-case-row.h"
#include "ct-child-dialog.h"
#include "ct-choice-row.h"
#include "ct-document-window.h"
#include "ct-concern-dialog.h"
#include "ct-person-dialog.h"
#include "ct-setup-assistant.h"
#include "ct-step-dialog.h"
#include "ct-test-ui.h"
#include "ct-unlock-page.h"

/* Every form a DSO fills in, checked as a keyboard and screen reader user
 * meets it: each control that can be used takes the keyboard focus and has
 * a name. The case page and the main window are checked in their own
 * tests, with records in them.
 * And what a screen reader says, with ct_test_ui_assert_speech(). */

static guint
check_window (GtkWindow *window)
{
  guint n;

  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  n = ct_test_ui_assert_operable (GTK_WIDGET (window));
  ct_test_ui_assert_speech (GTK_WIDGET (window));
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

/* The checks of what is said: each kind of problem is reported. */
static void
test_check_finds_speech_problems (void)
{
  if (g_test_subprocess ())
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *list = gtk_list_box_new ();
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *answers = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *yes = gtk_toggle_button_new_with_label ("Yes");
      GtkWidget *no = gtk_toggle_button_new_with_label ("No");
      GtkWidget *doubled = gtk_button_new_with_label ("Go");
      GtkWidget *page = gtk_picture_new ();

      /* A row named by nothing; inside it, a button named like it. */
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      gtk_box_append (GTK_BOX (box), list);
      /* "Go Go", and "_Delete". */
      gtk_accessible_update_property (GTK_ACCESSIBLE (doubled), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Go Go", -1);
      gtk_box_append (GTK_BOX (box), doubled);
      gtk_box_append (GTK_BOX (box), gtk_button_new_with_mnemonic ("_Delete"));
      /* Yes and No as plain toggle buttons. */
      gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (no), GTK_TOGGLE_BUTTON (yes));
      gtk_box_append (GTK_BOX (answers), yes);
      gtk_box_append (GTK_BOX (answers), no);
      gtk_box_append (GTK_BOX (box), answers);
      /* A page of a letter as a picture only. */
      gtk_widget_add_css_class (page, "ct-page");
      gtk_widget_set_size_request (page, 20, 20);
      gtk_accessible_update_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Page 1 of 1", -1);
      gtk_box_append (GTK_BOX (box), page);
      /* An empty label. */
      gtk_box_append (GTK_BOX (box), gtk_label_new (""));

      {
        GtkWindow *window = GTK_WINDOW (gtk_window_new ());

        gtk_window_set_child (window, box);
        gtk_window_present (window);
        ct_test_ui_wait_for_frame (GTK_WIDGET (window));
        ct_test_ui_assert_speech (GTK_WIDGET (window));
      }
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*GtkListBoxRow*a row that takes the focus with no name*");
  g_test_trap_assert_stderr ("*GtkButton*named twice over: \"Go Go\"*");
  g_test_trap_assert_stderr ("*GtkButton*reads a mnemonic underscore: \"_Delete\"*");
  g_test_trap_assert_stderr ("*GtkToggleButton*(\"Yes\") is one of several answers but is not a radio button*");
  g_test_trap_assert_stderr ("*GtkBox*holds answers but is not a named radio group*");
  g_test_trap_assert_stderr ("*GtkPicture*(\"Page 1 of 1\") is a page with no text*");
  g_test_trap_assert_stderr ("*GtkLabel*an empty label on show*");
}

static GtkWidget *
find_by_label_prefix (GtkWidget  *root,
                      const char *prefix)
{
  g_autofree char *label = ct_test_ui_get_label (root);

  if (label != NULL && g_str_has_prefix (label, prefix))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_label_prefix (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Rows of the case list, an open case and a closed one, as they take the
 * keyboard focus: each is read as its sentence. */
static void
test_case_list (void)
{
  g_autoptr(CtCaseListModel) model = ct_case_list_model_new ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_real_time ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *open = ct_case_list_view_new (CT_CASE_LIST_NEEDS_ACTION);
  GtkWidget *closed = ct_case_list_view_new (CT_CASE_LIST_CLOSED);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *row;

  g_ptr_array_add (cases, ct_case_item_new ("a", "CT-2026-0001", "Alex Brown", NULL,
                                            "Escalate the concern", now + G_TIME_SPAN_HOUR,
                                            "Dana Officer", FALSE));
  g_ptr_array_add (cases, ct_case_item_new ("b", "CT-2026-0002", "Sam Green", NULL,
                                            "Closed", 0, "Dana Officer", TRUE));
  ct_case_list_model_replace_all (model, cases);
  gtk_widget_set_vexpand (open, TRUE);
  gtk_widget_set_vexpand (closed, TRUE);
  gtk_box_append (GTK_BOX (box), open);
  gtk_box_append (GTK_BOX (box), closed);
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (open), G_LIST_MODEL (model));
  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (closed), G_LIST_MODEL (model));
  gtk_window_set_default_size (window, 600, 700);
  gtk_window_set_child (window, box);
  gtk_window_present (window);
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));

  /* The sentence is on what takes the focus, not on a part of it. */
  row = find_by_label_prefix (open, "CT-2026-0001, Alex Brown, Escalate the concern, ");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_focusable (row));
  row = ct_test_ui_find_by_label (closed, "CT-2026-0002, Sam Green, Closed");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_focusable (row));

  check_window (window);
}

/* A letter whose text says "Dear Ms Brown", on one page. */
static cairo_status_t
on_pdf_write_cb (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
make_letter (void)
{
  GByteArray *bytes = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (on_pdf_write_cb, bytes,
                                                                  595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 72, 100);
  cairo_show_text (cr, "Dear Ms Brown");
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (bytes);
}

/* The preview reads out the letter, page by page, not only "Page 1 of 1". */
static void
test_document_preview (void)
{
  g_autoptr(GBytes) pdf = make_letter ();
  g_autoptr(CtRecord) document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
  g_autoptr(GError) error = NULL;
  CtDocumentWindow *window;
  GtkWidget *page;
  gint64 deadline;

  ct_record_set_string (document, "title", "Referral confirmation");
  ct_record_set_string (document, "kind", "referral-confirmation");
  ct_record_set_bytes (document, "pdf", pdf);
  window = ct_document_window_new (document, &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((page = ct_test_ui_find_by_label (GTK_WIDGET (window), "Page 1 of 1")) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (page);
  g_assert_true (GTK_IS_PICTURE (page));
  g_assert_nonnull (strstr (ct_document_window_get_page_text (window, 0), "Dear Ms Brown"));
  {
    g_autofree char *text = ct_test_ui_get_description (page);

    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "Dear Ms Brown"));
  }
  /* The page names stay what the end-to-end test and screen readers find. */
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  check_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/operable/check-finds-problems", test_check_finds_problems);
  g_test_add_func ("/ui/operable/check-finds-speech-problems", test_check_finds_speech_problems);
  g_test_add_func ("/ui/operable/step-forms", test_step_forms);
  g_test_add_func ("/ui/operable/case-list", test_case_list);
  g_test_add_func ("/ui/operable/document-preview", test_document_preview);
  g_test_add_func ("/ui/operable/record-forms", test_record_forms);
  g_test_add_func ("/ui/operable/first-run-pages", test_first_run_pages);

  return g_test_run ();
}

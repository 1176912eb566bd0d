/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-gui-documents"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "ct-document-samples.h"
#include "ct-document-window.h"
#include "ct-pdf-actions.h"
#include "ct-pdf-preview.h"
#include "ct-record.h"
#include "ct-test-ui.h"

static GBytes *
render_sample_letter (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = ct_document_render_referral_letter (ct_document_sample_referral_letter (),
                                                    &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

static char *
pdf_to_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { NULL, "-enc", "UTF-8", path, "-", NULL };

  g_assert_nonnull (program);
  argv[0] = program;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* The words of a text, one space between each, so that layout differences
 * between two renderings of the same page do not matter. NFKC folds the
 * typographic ligatures (“ﬁ”) that a re-drawn page may report for “fi”. */
static char *
words_of (const char *text)
{
  g_autofree char *folded = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_auto(GStrv) words = g_strsplit_set (folded, " \t\n\r\f", -1);
  GString *joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, words[i]);
    }

  return g_string_free (joined, FALSE);
}

static void
test_print_exports_kept_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = render_sample_letter ();
  g_autoptr(CtPdfPreview) kept = NULL;
  g_autoptr(CtPdfPreview) printed = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GBytes) printed_bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *kept_path = NULL;
  g_autofree char *printed_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *kept_text = NULL;
  g_autofree char *printed_text = NULL;
  g_autofree char *kept_words = NULL;
  g_autofree char *printed_words = NULL;
  gsize length;
  GtkPrintOperationResult result;

  dir = g_dir_make_tmp ("ct-print-XXXXXX", &error);
  g_assert_no_error (error);
  kept_path = g_build_filename (dir, "kept.pdf", NULL);
  printed_path = g_build_filename (dir, "printed.pdf", NULL);
  g_assert_true (g_file_set_contents (kept_path, g_bytes_get_data (pdf, NULL),
                                      g_bytes_get_size (pdf), &error));
  g_assert_no_error (error);

  kept = ct_pdf_preview_new (pdf, &error);
  g_assert_no_error (error);

  /* The same operation the Print button runs, sent to a file instead of the
   * print dialog. */
  operation = ct_pdf_print_operation_new (pdf, "Referral letter", &error);
  g_assert_no_error (error);
  g_assert_nonnull (operation);
  gtk_print_operation_set_export_filename (operation, printed_path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, GTK_PRINT_OPERATION_RESULT_APPLY);

  g_assert_true (g_file_get_contents (printed_path, &contents, &length, &error));
  g_assert_no_error (error);
  printed_bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  printed = ct_pdf_preview_new (printed_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ct_pdf_preview_get_n_pages (kept), >=, 1);
  g_assert_cmpuint (ct_pdf_preview_get_n_pages (printed), ==, ct_pdf_preview_get_n_pages (kept));

  printed_text = pdf_to_text (printed_path);
  g_assert_nonnull (strstr (printed_text, "MASH/26/88310"));
  g_assert_nonnull (strstr (printed_text, "NFM-2026-0142"));
  g_assert_nonnull (strstr (printed_text, "Example-Fictional"));
  g_assert_nonnull (strstr (printed_text, "Northmoor Family Mediation"));

  /* Every word of the kept letter is printed, in the same order. */
  kept_text = pdf_to_text (kept_path);
  kept_words = words_of (kept_text);
  printed_words = words_of (printed_text);
  g_assert_cmpuint (strlen (kept_words), >, 500);
  g_assert_cmpstr (printed_words, ==, kept_words);

  g_unlink (kept_path);
  g_unlink (printed_path);
  g_rmdir (dir);
}

static void
test_print_refuses_unreadable_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.7\nnot really", 19);
  g_autoptr(GtkPrintOperation) operation = ct_pdf_print_operation_new (junk, "Junk", &error);

  g_assert_null (operation);
  g_assert_nonnull (error);
}

/* Waits until the first page is shown rendered @expected_width pixels wide,
 * and returns the width seen. */
static int
wait_for_page_width (CtDocumentWindow *window,
                     int               expected_width)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int width = 0;

  while (g_get_monotonic_time () < deadline)
    {
      GtkWidget *picture = ct_test_ui_find_by_type (GTK_WIDGET (window), GTK_TYPE_PICTURE);
      GdkPaintable *paintable = picture ? gtk_picture_get_paintable (GTK_PICTURE (picture)) : NULL;

      if (paintable != NULL)
        {
          width = gdk_paintable_get_intrinsic_width (paintable);
          if (ABS (width - expected_width) <= 1)
            break;
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return width;
}

static int
expected_width (CtDocumentWindow *window,
                CtPdfPreview     *preview,
                double            zoom)
{
  double page_width = 0;

  g_assert_true (ct_pdf_preview_get_page_size (preview, 0, &page_width, NULL, NULL));
  return (int) (page_width * zoom * 96.0 / 72.0
                * gtk_widget_get_scale_factor (GTK_WIDGET (window)) + 0.5);
}

static void
test_zoom (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = render_sample_letter ();
  g_autoptr(CtRecord) document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
  g_autoptr(CtPdfPreview) preview = NULL;
  CtDocumentWindow *window;
  GtkWidget *zoom_in, *zoom_out, *reset;
  int width_100, width;

  preview = ct_pdf_preview_new (pdf, &error);
  g_assert_no_error (error);
  ct_record_set_string (document, "title", "Referral confirmation (sample)");
  ct_record_set_bytes (document, "pdf", pdf);

  window = ct_document_window_new (document, &error);
  g_assert_no_error (error);
  g_assert_nonnull (window);
  gtk_window_present (GTK_WINDOW (window));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));

  zoom_in = ct_test_ui_find_by_label (GTK_WIDGET (window), "Zoom In");
  zoom_out = ct_test_ui_find_by_label (GTK_WIDGET (window), "Zoom Out");
  reset = ct_test_ui_find_by_label (GTK_WIDGET (window), "Reset zoom");
  g_assert_true (GTK_IS_BUTTON (zoom_in));
  g_assert_true (GTK_IS_BUTTON (zoom_out));
  g_assert_true (GTK_IS_BUTTON (reset));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (zoom_in), ==, "Zoom In");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (zoom_out), ==, "Zoom Out");

  /* At 100% every page is rendered, and only reset is unavailable. */
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 1.0);
  width_100 = expected_width (window, preview, 1.0);
  g_assert_cmpint (wait_for_page_width (window, width_100), ==, width_100);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (reset)))), ==, "100%");
  g_assert_true (gtk_widget_get_sensitive (zoom_in));
  g_assert_true (gtk_widget_get_sensitive (zoom_out));
  g_assert_false (gtk_widget_get_sensitive (reset));

  /* Zooming in renders the pages again, larger. */
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 1.25);
  width = wait_for_page_width (window, expected_width (window, preview, 1.25));
  g_assert_cmpint (width, ==, expected_width (window, preview, 1.25));
  g_assert_cmpint (width, >, width_100);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (reset)))), ==, "125%");
  g_assert_true (gtk_widget_get_sensitive (reset));

  /* Up to the limit, where zooming in is no longer offered. */
  for (guint i = 0; i < 10 && gtk_widget_get_sensitive (zoom_in); i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 3.0);
  g_assert_false (gtk_widget_get_sensitive (zoom_in));
  g_assert_true (gtk_widget_get_sensitive (zoom_out));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (reset)))), ==, "300%");
  width = wait_for_page_width (window, expected_width (window, preview, 3.0));
  g_assert_cmpint (width, ==, expected_width (window, preview, 3.0));
  /* A further zoom in, by the shortcut's action, changes nothing. */
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 3.0);

  /* Reset returns to 100%. */
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-reset", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 1.0);
  g_assert_false (gtk_widget_get_sensitive (reset));
  g_assert_cmpint (wait_for_page_width (window, width_100), ==, width_100);

  /* Down to the lower limit. */
  for (guint i = 0; i < 10 && gtk_widget_get_sensitive (zoom_out); i++)
    gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-out", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 0.5);
  g_assert_false (gtk_widget_get_sensitive (zoom_out));
  g_assert_true (gtk_widget_get_sensitive (zoom_in));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (reset)))), ==, "50%");
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-out", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 0.5);
  width = wait_for_page_width (window, expected_width (window, preview, 0.5));
  g_assert_cmpint (width, ==, expected_width (window, preview, 0.5));
  g_assert_cmpint (width, <, width_100);

  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "document-window-zoom-50.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "document.zoom-in", NULL);
  g_assert_cmpfloat (ct_document_window_get_zoom (window), ==, 1.25);
  wait_for_page_width (window, expected_width (window, preview, 1.25));
  ct_test_ui_wait_for_frame (GTK_WIDGET (window));
  ct_test_ui_screenshot (GTK_WIDGET (window), "document-window-zoom-125.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/documents/print-exports-kept-pdf", test_print_exports_kept_pdf);
  g_test_add_func ("/ui/documents/print-refuses-unreadable-pdf",
                   test_print_refuses_unreadable_pdf);
  g_test_add_func ("/ui/documents/zoom", test_zoom);

  return g_test_run ();
}

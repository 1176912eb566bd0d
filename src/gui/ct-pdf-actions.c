/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-pdf-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-pdf-actions.h"
#include "ct-document-file-name.h"
#include "ct-pdf-preview.h"

/*
 * Printing and saving a generated PDF. Both work from the stored bytes, so
 * what is printed or saved is exactly what was kept.
 */

static void
on_begin_print_cb (GtkPrintOperation *operation,
                   GtkPrintContext   *context,
                   CtPdfPreview      *preview)
{
  gtk_print_operation_set_n_pages (operation, ct_pdf_preview_get_n_pages (preview));
}

static void
on_draw_page_cb (GtkPrintOperation *operation,
                 GtkPrintContext   *context,
                 int                page_nr,
                 CtPdfPreview      *preview)
{
  g_autoptr(GError) error = NULL;

  if (!ct_pdf_preview_draw_page (preview, page_nr, gtk_print_context_get_cairo_context (context),
                                 gtk_print_context_get_width (context),
                                 gtk_print_context_get_height (context), &error))
    g_warning ("Page %d could not be drawn for printing: %s", page_nr + 1, error->message);
}

/**
 * ct_pdf_print_operation_new:
 * @pdf: the document
 * @job_name: the name the print queue shows
 * @error: return location for an error
 *
 * Sets up a print operation whose every page is drawn from @pdf's bytes,
 * scaled to fit the sheet. The caller chooses how to run it: ct_pdf_print()
 * shows the print dialog; tests export to a file.
 *
 * Returns: (transfer full): the operation, or %NULL if @pdf is not a
 *   readable PDF.
 */
GtkPrintOperation *
ct_pdf_print_operation_new (GBytes      *pdf,
                            const char  *job_name,
                            GError     **error)
{
  GtkPrintOperation *operation;
  CtPdfPreview *preview;

  g_return_val_if_fail (pdf != NULL, NULL);

  preview = ct_pdf_preview_new (pdf, error);
  if (preview == NULL)
    return NULL;

  operation = gtk_print_operation_new ();
  g_object_set_data_full (G_OBJECT (operation), "ct-pdf-preview", preview, g_object_unref);
  if (job_name != NULL)
    gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print_cb), preview);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page_cb), preview);

  return operation;
}

/**
 * ct_pdf_print:
 * @parent: the window the print dialog belongs to
 * @pdf: the document
 * @job_name: the name the print queue shows
 * @error: return location for an error
 *
 * Shows the print dialog and prints @pdf, every page drawn from its bytes.
 *
 * Returns: %FALSE if the document could not be read or printing failed to
 *   start.
 */
gboolean
ct_pdf_print (GtkWindow   *parent,
              GBytes      *pdf,
              const char  *job_name,
              GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  GtkPrintOperationResult result;

  g_return_val_if_fail (pdf != NULL, FALSE);

  operation = ct_pdf_print_operation_new (pdf, job_name, error);
  if (operation == NULL)
    return FALSE;

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, error);

  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

typedef struct
{
  GBytes         *pdf;
  CtPdfSavedFunc  done;
  gpointer        user_data;
  GFile          *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_pointer (&data->pdf, g_bytes_unref);
  g_clear_object (&data->file);
  g_free (data);
}

static void
on_replace_finished_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autoptr(GError) friendly =
        g_error_new (error->domain, error->code,
                     _("The file could not be saved: %s. Choose another folder and try "
                       "again."), error->message);
      data->done (NULL, friendly, data->user_data);
    }
  else
    data->done (data->file, NULL, data->user_data);

  save_data_free (data);
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        gpointer         user_data)
{
  SaveData *data = user_data;

  if (response != GTK_RESPONSE_ACCEPT)
    {
      save_data_free (data);
      g_object_unref (chooser);
      return;
    }

  data->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);

  g_file_replace_contents_bytes_async (data->file, data->pdf, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                       on_replace_finished_cb, data);
}

/**
 * ct_pdf_save_chooser_new:
 * @parent: (nullable): the window the file chooser belongs to
 * @suggested_name: the file name offered
 *
 * Makes the file chooser ct_pdf_save() shows: it offers @suggested_name in
 * the user's Documents folder (their home folder when there is none), never
 * the folder the app was started from. In a sandbox it is the portal's.
 *
 * Returns: (transfer full): the chooser, not yet shown
 */
GtkFileChooserNative *
ct_pdf_save_chooser_new (GtkWindow  *parent,
                         const char *suggested_name)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *folder_path = ct_document_get_default_folder ();
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  g_autoptr(GError) error = NULL;

  chooser = gtk_file_chooser_native_new (_("Save as PDF"), parent,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Only a starting point: when it cannot be set, the chooser picks its own
   * and the user can still go anywhere. */
  if (!gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error))
    g_debug ("Could not start the save dialog in %s: %s", folder_path, error->message);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  return chooser;
}

/**
 * ct_pdf_save:
 * @parent: the window the file chooser belongs to
 * @pdf: the document
 * @suggested_name: the file name offered
 * @done: called with the file once written, or with the error; not called
 *   if the user cancels
 * @user_data: for @done
 *
 * Asks where to save @pdf, then writes its bytes there without blocking.
 */
void
ct_pdf_save (GtkWindow      *parent,
             GBytes         *pdf,
             const char     *suggested_name,
             CtPdfSavedFunc  done,
             gpointer        user_data)
{
  GtkFileChooserNative *chooser;
  SaveData *data;

  g_return_if_fail (pdf != NULL);
  g_return_if_fail (done != NULL);

  chooser = ct_pdf_save_chooser_new (parent, suggested_name);

  data = g_new0 (SaveData, 1);
  data->pdf = g_bytes_ref (pdf);
  data->done = done;
  data->user_data = user_data;

  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-pdf-preview"

#include "config.h"

#include "ct-pdf-preview.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <poppler.h>

/*
 * Opens the exact bytes of a stored document with poppler so they can be
 * shown and printed. Nothing is rendered again from the case: what is shown
 * and printed is what was kept.
 *
 * poppler-glib in Debian 12 has no g_autoptr support, so its objects are
 * released by hand. Poppler documents are not safe to use from two threads
 * at once, so every use of the document holds the lock: pages can then be
 * rendered on worker threads while the window stays responsive.
 */

/* A preview larger than this many pixels on a side is refused. */
#define MAX_PIXELS 16384

struct _CtPdfPreview
{
  GObject parent_instance;

  GBytes *bytes;
  PopplerDocument *document;
  GMutex lock;
};

G_DEFINE_FINAL_TYPE (CtPdfPreview, ct_pdf_preview, G_TYPE_OBJECT)

static void
ct_pdf_preview_finalize (GObject *object)
{
  CtPdfPreview *self = CT_PDF_PREVIEW (object);

  if (self->document != NULL)
    g_object_unref (self->document);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ct_pdf_preview_parent_class)->finalize (object);
}

static void
ct_pdf_preview_class_init (CtPdfPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ct_pdf_preview_finalize;
}

static void
ct_pdf_preview_init (CtPdfPreview *self)
{
  g_mutex_init (&self->lock);
}

/**
 * ct_pdf_preview_new:
 * @pdf: the bytes of a PDF
 * @error: return location for a #GError
 *
 * Opens a PDF for preview and printing.
 *
 * Returns: (transfer full): a new #CtPdfPreview, or %NULL with @error set to
 *   %CT_DOCUMENT_ERROR_PREVIEW
 */
CtPdfPreview *
ct_pdf_preview_new (GBytes  *pdf,
                    GError **error)
{
  g_autoptr(GError) local_error = NULL;
  PopplerDocument *document;
  CtPdfPreview *self;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  document = poppler_document_new_from_bytes (pdf, NULL, &local_error);
  if (document == NULL || poppler_document_get_n_pages (document) < 1)
    {
      if (document != NULL)
        g_object_unref (document);
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_PREVIEW,
                   _("The document could not be opened for viewing (%s). It may be "
                     "damaged; produce it again from the case."),
                   local_error != NULL ? local_error->message : _("it has no pages"));
      return NULL;
    }

  self = g_object_new (CT_TYPE_PDF_PREVIEW, NULL);
  self->bytes = g_bytes_ref (pdf);
  self->document = document;

  return self;
}

/**
 * ct_pdf_preview_get_bytes:
 * @self: a #CtPdfPreview
 *
 * Returns: (transfer none): the bytes being previewed, for saving
 */
GBytes *
ct_pdf_preview_get_bytes (CtPdfPreview *self)
{
  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), NULL);

  return self->bytes;
}

guint
ct_pdf_preview_get_n_pages (CtPdfPreview *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  return poppler_document_get_n_pages (self->document);
}

static PopplerPage *
get_page (CtPdfPreview  *self,
          guint          page,
          GError       **error)
{
  PopplerPage *poppler_page = NULL;
  guint n_pages = poppler_document_get_n_pages (self->document);

  if (page < n_pages)
    poppler_page = poppler_document_get_page (self->document, page);

  if (poppler_page == NULL)
    g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NO_SUCH_PAGE,
                 _("Page %u does not exist: the document has %u pages."),
                 page + 1, n_pages);

  return poppler_page;
}

/**
 * ct_pdf_preview_get_page_size:
 * @self: a #CtPdfPreview
 * @page: page index, from 0
 * @width: (out) (optional): width in points
 * @height: (out) (optional): height in points
 * @error: return location for a #GError
 */
gboolean
ct_pdf_preview_get_page_size (CtPdfPreview  *self,
                              guint          page,
                              double        *width,
                              double        *height,
                              GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  PopplerPage *poppler_page;
  double w, h;

  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  poppler_page = get_page (self, page, error);
  if (poppler_page == NULL)
    return FALSE;

  poppler_page_get_size (poppler_page, &w, &h);
  g_object_unref (poppler_page);

  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;

  return TRUE;
}

/**
 * ct_pdf_preview_get_page_text:
 * @self: a #CtPdfPreview
 * @page: page index, from 0
 * @error: return location for a #GError
 *
 * The words printed on a page, in reading order, for those who cannot see
 * the rendered image (screen readers) and for searching.
 *
 * Returns: (transfer full): the page's text, possibly empty, or %NULL with
 *   @error set
 */
char *
ct_pdf_preview_get_page_text (CtPdfPreview  *self,
                              guint          page,
                              GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  PopplerPage *poppler_page;
  char *text;

  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  poppler_page = get_page (self, page, error);
  if (poppler_page == NULL)
    return NULL;

  text = poppler_page_get_text (poppler_page);
  g_object_unref (poppler_page);

  return text != NULL ? text : g_strdup ("");
}

/**
 * ct_pdf_preview_render_page:
 * @self: a #CtPdfPreview
 * @page: page index, from 0
 * @scale: pixels per point (1.0 is 72 dpi)
 * @error: return location for a #GError
 *
 * Renders a page on white, for showing on screen.
 *
 * Returns: (transfer full): an image surface, or %NULL with @error set
 */
cairo_surface_t *
ct_pdf_preview_render_page (CtPdfPreview  *self,
                            guint          page,
                            double         scale,
                            GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  PopplerPage *poppler_page;
  cairo_surface_t *surface;
  cairo_t *cr;
  double w, h;
  int pw, ph;

  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  poppler_page = get_page (self, page, error);
  if (poppler_page == NULL)
    return NULL;

  poppler_page_get_size (poppler_page, &w, &h);
  pw = (int) (w * scale + 0.5);
  ph = (int) (h * scale + 0.5);
  if (scale <= 0 || pw < 1 || ph < 1 || pw > MAX_PIXELS || ph > MAX_PIXELS)
    {
      g_object_unref (poppler_page);
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The page cannot be shown at this zoom level. Choose a smaller zoom."));
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (poppler_page, cr);
  cairo_destroy (cr);
  g_object_unref (poppler_page);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_RENDER,
                   _("The page could not be drawn (%s)."),
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }

  return surface;
}

/**
 * ct_pdf_preview_draw_page:
 * @self: a #CtPdfPreview
 * @page: page index, from 0
 * @cr: a cairo context, such as a print context's
 * @width: width of the area to draw in, in @cr's units
 * @height: height of the area to draw in, in @cr's units
 * @error: return location for a #GError
 *
 * Draws a page scaled to fit the area and centred in it, as for printing.
 * Use it from a GtkPrintOperation's draw-page handler with the print
 * context's cairo context, width and height.
 */
gboolean
ct_pdf_preview_draw_page (CtPdfPreview  *self,
                          guint          page,
                          cairo_t       *cr,
                          double         width,
                          double         height,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  PopplerPage *poppler_page;
  double w, h, scale;

  g_return_val_if_fail (CT_IS_PDF_PREVIEW (self), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  poppler_page = get_page (self, page, error);
  if (poppler_page == NULL)
    return FALSE;

  poppler_page_get_size (poppler_page, &w, &h);
  scale = MIN (width / w, height / h);

  cairo_save (cr);
  cairo_translate (cr, (width - w * scale) / 2, (height - h * scale) / 2);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (poppler_page, cr);
  cairo_restore (cr);
  g_object_unref (poppler_page);

  return TRUE;
}

typedef struct
{
  guint page;
  double scale;
} RenderRequest;

static void
render_page_thread_cb (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RenderRequest *request = task_data;
  GError *error = NULL;
  cairo_surface_t *surface;

  if (g_task_return_error_if_cancelled (task))
    return;

  surface = ct_pdf_preview_render_page (CT_PDF_PREVIEW (source_object), request->page,
                                        request->scale, &error);
  if (surface == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

/**
 * ct_pdf_preview_render_page_async:
 * @self: a #CtPdfPreview
 * @page: page index, from 0
 * @scale: pixels per point
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the calling thread's main context when done
 * @user_data: data for @callback
 *
 * Does ct_pdf_preview_render_page() on a worker thread.
 */
void
ct_pdf_preview_render_page_async (CtPdfPreview        *self,
                                  guint                page,
                                  double               scale,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RenderRequest *request;

  g_return_if_fail (CT_IS_PDF_PREVIEW (self));

  request = g_new0 (RenderRequest, 1);
  request->page = page;
  request->scale = scale;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_pdf_preview_render_page_async);
  g_task_set_task_data (task, request, g_free);
  g_task_run_in_thread (task, render_page_thread_cb);
}

/**
 * ct_pdf_preview_render_page_finish:
 * @self: a #CtPdfPreview
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): an image surface, or %NULL with @error set
 */
cairo_surface_t *
ct_pdf_preview_render_page_finish (CtPdfPreview  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ct_pdf_preview_render_page_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "ct-document-error.h"

G_BEGIN_DECLS

#define CT_TYPE_PDF_PREVIEW (ct_pdf_preview_get_type ())

G_DECLARE_FINAL_TYPE (CtPdfPreview, ct_pdf_preview, CT, PDF_PREVIEW, GObject)

CtPdfPreview    *ct_pdf_preview_new           (GBytes        *pdf,
                                               GError       **error);
GBytes          *ct_pdf_preview_get_bytes     (CtPdfPreview  *self);
guint            ct_pdf_preview_get_n_pages   (CtPdfPreview  *self);
gboolean         ct_pdf_preview_get_page_size (CtPdfPreview  *self,
                                               guint          page,
                                               double        *width,
                                               double        *height,
                                               GError       **error);
char            *ct_pdf_preview_get_page_text (CtPdfPreview  *self,
                                               guint          page,
                                               GError       **error);
cairo_surface_t *ct_pdf_preview_render_page   (CtPdfPreview  *self,
                                               guint          page,
                                               double         scale,
                                               GError       **error);
void             ct_pdf_preview_render_page_async  (CtPdfPreview        *self,
                                                    guint                page,
                                                    double               scale,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
cairo_surface_t *ct_pdf_preview_render_page_finish (CtPdfPreview        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
gboolean         ct_pdf_preview_draw_page     (CtPdfPreview  *self,
                                               guint          page,
                                               cairo_t       *cr,
                                               double         width,
                                               double         height,
                                               GError       **error);

G_END_DECLS

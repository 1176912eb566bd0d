/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-record.h"

G_BEGIN_DECLS

#define CT_TYPE_DOCUMENT_WINDOW (ct_document_window_get_type ())

G_DECLARE_FINAL_TYPE (CtDocumentWindow, ct_document_window, CT, DOCUMENT_WINDOW, AdwWindow)

CtDocumentWindow *ct_document_window_new          (CtRecord         *document,
                                                   GError          **error);
CtRecord         *ct_document_window_get_document (CtDocumentWindow *self);
guint             ct_document_window_get_n_pages  (CtDocumentWindow *self);
double            ct_document_window_get_zoom     (CtDocumentWindow *self);
const char       *ct_document_window_get_page_text (CtDocumentWindow *self,
                                                    guint             page);

G_END_DECLS

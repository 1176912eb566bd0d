/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-letterhead.h"
#include "ct-pdf-writer.h"

G_BEGIN_DECLS

CtPdfWriter *ct_document_writer_new      (const CtLetterhead *letterhead,
                                          const char         *title,
                                          const char         *subject,
                                          const char         *running_header,
                                          GDateTime          *created);
char        *ct_document_format_date     (GDateTime          *date);
char        *ct_document_format_datetime (GDateTime          *date);
const char  *ct_document_or_not_recorded (const char         *text);
gboolean     ct_document_has_text        (const char         *text);
gboolean     ct_document_require         (const char         *value,
                                          const char         *what,
                                          GError            **error);

G_END_DECLS

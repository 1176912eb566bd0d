/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-chronology-report.h"
#include "ct-letterhead.h"
#include "ct-pdf-writer.h"
#include "ct-referral-letter.h"

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
CtPdfWriter *ct_document_build_referral_letter (const CtReferralLetter    *letter,
                                                GError                  **error);
CtPdfWriter *ct_document_build_chronology      (const CtChronologyReport  *report,
                                                GError                   **error);

G_END_DECLS

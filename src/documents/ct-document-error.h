/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CtDocumentError:
 * @CT_DOCUMENT_ERROR_INVALID_INPUT: the document is missing something it
 *   cannot be produced without, or a value is out of range.
 * @CT_DOCUMENT_ERROR_LOGO: the letterhead logo could not be read as a PNG.
 * @CT_DOCUMENT_ERROR_RENDER: cairo failed while drawing the PDF.
 * @CT_DOCUMENT_ERROR_TOO_LONG: the document would be longer than the page
 *   limit.
 * @CT_DOCUMENT_ERROR_PREVIEW: PDF bytes could not be opened for preview.
 * @CT_DOCUMENT_ERROR_NO_SUCH_PAGE: a page outside the document was asked for.
 * @CT_DOCUMENT_ERROR_NOT_FOUND: the case or document asked for does not exist.
 * @CT_DOCUMENT_ERROR_DAMAGED: a stored document does not match its recorded
 *   SHA-256.
 *
 * Errors from producing or previewing documents.
 */
typedef enum
{
  CT_DOCUMENT_ERROR_INVALID_INPUT,
  CT_DOCUMENT_ERROR_LOGO,
  CT_DOCUMENT_ERROR_RENDER,
  CT_DOCUMENT_ERROR_TOO_LONG,
  CT_DOCUMENT_ERROR_PREVIEW,
  CT_DOCUMENT_ERROR_NO_SUCH_PAGE,
  CT_DOCUMENT_ERROR_NOT_FOUND,
  CT_DOCUMENT_ERROR_DAMAGED,
} CtDocumentError;

#define CT_DOCUMENT_ERROR (ct_document_error_quark ())

GQuark ct_document_error_quark (void);

G_END_DECLS

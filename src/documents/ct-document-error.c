/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-documents"

#include "config.h"

#include "ct-document-error.h"

G_DEFINE_QUARK (ct-document-error-quark, ct_document_error)

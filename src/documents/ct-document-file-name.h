/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-case-documents.h"

G_BEGIN_DECLS

char *ct_document_file_name               (const char         *reference,
                                           const char         *what,
                                           GDateTime          *date);
char *ct_case_document_file_name          (const char         *reference,
                                           CtCaseDocumentKind  kind,
                                           GDateTime          *date);
char *ct_case_document_get_file_name      (CtRecord           *document);
char *ct_document_get_default_folder      (void);

G_END_DECLS

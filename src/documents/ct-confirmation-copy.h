/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-document-error.h"
#include "ct-record.h"

G_BEGIN_DECLS

/* A copy of a file larger than this is refused. */
#define CT_CONFIRMATION_COPY_MAX_BYTES (25 * 1024 * 1024)

CtRecord *ct_confirmation_copy_new       (GBytes      *contents,
                                          const char  *file_name,
                                          const char  *reference,
                                          const char  *staff_id,
                                          GError     **error);
CtRecord *ct_confirmation_copy_new_from_file (GFile   *file,
                                          const char  *reference,
                                          const char  *staff_id,
                                          GCancellable *cancellable,
                                          GError     **error);
gboolean  ct_confirmation_copy_is_copy   (CtRecord    *document);
GBytes   *ct_confirmation_copy_get_bytes (CtRecord    *document,
                                          const char **content_type,
                                          GError     **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-document-error.h"

G_BEGIN_DECLS

/**
 * CtRecoverySheet:
 * @organisation: the organisation's name
 * @database_id: the identifier of the database the code opens
 * @created: (nullable): when the code was made; now when %NULL
 * @recovery_code: the code; letters and digits, any separators are ignored
 *
 * The sheet kept in the office safe that lets the DSO open the database when
 * the key in the keyring is lost.
 */
typedef struct
{
  const char *organisation;
  const char *database_id;
  GDateTime  *created;
  const char *recovery_code;
} CtRecoverySheet;

GBytes *ct_document_render_recovery_sheet (const CtRecoverySheet  *sheet,
                                           GError                **error);

char   *ct_recovery_code_group            (const char             *code);

G_END_DECLS

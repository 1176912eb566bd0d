/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-document-error.h"
#include "ct-letterhead.h"

G_BEGIN_DECLS

/**
 * CtRecordOfConcern:
 *
 * The organisation's form for recording a concern. When @blank is %TRUE the
 * form is printed for paper use, with ruled space in place of every answer,
 * and every other field is ignored. Strings are borrowed UTF-8 and may be
 * %NULL.
 */
typedef struct
{
  CtLetterhead  letterhead;
  gboolean      blank;

  const char   *case_reference;
  const char   *raised_by_name;
  const char   *raised_by_role;
  GDateTime    *concern_at;           /* when it was seen or heard */
  GDateTime    *recorded_at;          /* when this record was made */
  const char   *how_it_arose;         /* seen, told, disclosed, reported by someone else */

  const char   *child_name;
  const char   *child_aliases;
  GDateTime    *child_date_of_birth;
  const char   *child_address;
  const char   *child_school;

  const char   *what_happened;
  const char   *child_words;
  const char   *injuries;
  const char   *witnesses;
  const char   *action_taken;

  const char   *line_manager;
  GDateTime    *line_manager_told_at;
  const char   *dso;
  GDateTime    *dso_told_at;
} CtRecordOfConcern;

GBytes *ct_document_render_record_of_concern (const CtRecordOfConcern  *record,
                                              GError                  **error);

G_END_DECLS

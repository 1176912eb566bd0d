/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-document-error.h"
#include "ct-letterhead.h"

G_BEGIN_DECLS

/**
 * CtChronologyEntry:
 * @when: when it happened (required)
 * @who: who did it or said it
 * @what: what happened
 * @why: the reason given for a decision, if any
 * @corrects: 0, or the number (from 1) of the entry this one corrects
 *
 * One entry in a case chronology. Entries are never edited: a mistake is put
 * right by a later entry that corrects it, and the report marks it as such.
 */
typedef struct
{
  GDateTime  *when;
  const char *who;
  const char *what;
  const char *why;
  guint       corrects;
} CtChronologyEntry;

typedef struct
{
  CtLetterhead             letterhead;
  const char              *case_reference;
  const char              *children;          /* the children the case is about */
  GDateTime               *produced_at;       /* (nullable): now when NULL */
  const char              *produced_by;
  const CtChronologyEntry *entries;
  guint                    n_entries;
} CtChronologyReport;

GBytes *ct_document_render_chronology (const CtChronologyReport  *report,
                                       GError                   **error);

G_END_DECLS

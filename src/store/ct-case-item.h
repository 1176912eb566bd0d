/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-procedure.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_ITEM (ct_case_item_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseItem, ct_case_item, CT, CASE_ITEM, GObject)

CtCaseItem *ct_case_item_new              (const char  *case_id,
                                           const char  *reference,
                                           const char  *children,
                                           const char  *aliases,
                                           const char  *step,
                                           gint64       due_at,
                                           const char  *dso,
                                           gboolean     closed);
CtCaseItem *ct_case_item_new_in_state     (const char  *case_id,
                                           const char  *reference,
                                           const char  *children,
                                           const char  *aliases,
                                           CtState      state,
                                           gint64       due_at,
                                           const char  *dso);
const char *ct_case_item_get_case_id      (CtCaseItem  *self);
const char *ct_case_item_get_reference    (CtCaseItem  *self);
const char *ct_case_item_get_children     (CtCaseItem  *self);
const char *ct_case_item_get_step         (CtCaseItem  *self);
gint64      ct_case_item_get_due_at       (CtCaseItem  *self);
const char *ct_case_item_get_dso          (CtCaseItem  *self);
gboolean    ct_case_item_get_closed       (CtCaseItem  *self);
gboolean    ct_case_item_get_urgent       (CtCaseItem  *self);
void        ct_case_item_set_urgent       (CtCaseItem  *self,
                                           gboolean     urgent);
CtState     ct_case_item_get_state        (CtCaseItem  *self);
const char *ct_case_item_get_search_key  (CtCaseItem  *self);
gboolean    ct_case_item_matches          (CtCaseItem  *self,
                                           const char  *folded_query);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ct-case-item.h"

G_BEGIN_DECLS

/**
 * CtCaseEntry:
 * @item: the case
 * @reference: the case's reference
 * @search_key: the case's folded search key (see ct_case_item_get_search_key())
 * @due_at: when the next step is due, or 0
 * @state: where the case stands, or %CT_N_STATES
 * @closed: whether the case is closed
 * @urgent: whether the case is on the urgent path
 *
 * What sorting and filtering look at in one case, copied side by side with
 * the others so that filtering a hundred thousand cases reads memory in
 * order.
 */
typedef struct
{
  CtCaseItem *item;
  const char *reference;
  const char *search_key;
  gint64      due_at;
  CtState     state;
  guint8      closed;
  guint8      urgent;
} CtCaseEntry;

typedef int      (*CtCaseEntrySortFunc)   (const CtCaseEntry *a,
                                           const CtCaseEntry *b,
                                           gpointer           user_data);
typedef gboolean (*CtCaseEntryFilterFunc) (const CtCaseEntry *entry,
                                           gpointer           user_data);

#define CT_TYPE_CASE_FILTER_MODEL (ct_case_filter_model_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseFilterModel, ct_case_filter_model, CT, CASE_FILTER_MODEL, GObject)

CtCaseFilterModel *ct_case_filter_model_new       (CtCaseEntrySortFunc    sort_func,
                                                   CtCaseEntryFilterFunc  filter_func,
                                                   CtCaseEntryFilterFunc  keep_func,
                                                   gpointer               user_data);
void               ct_case_filter_model_set_model (CtCaseFilterModel     *self,
                                                   GListModel            *cases);
void               ct_case_filter_model_changed   (CtCaseFilterModel     *self,
                                                   GtkFilterChange        change);

G_END_DECLS

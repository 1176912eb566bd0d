/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ct-case-item.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_ROW (ct_case_row_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseRow, ct_case_row, CT, CASE_ROW, GtkWidget)

GtkWidget  *ct_case_row_new         (void);
void        ct_case_row_set_item    (CtCaseRow  *self,
                                     CtCaseItem *item);
CtCaseItem *ct_case_row_get_item    (CtCaseRow  *self);
void        ct_case_row_update_due  (CtCaseRow  *self,
                                     gint64      now);

G_END_DECLS

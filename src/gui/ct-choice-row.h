/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_CHOICE_ROW (ct_choice_row_get_type ())

G_DECLARE_FINAL_TYPE (CtChoiceRow, ct_choice_row, CT, CHOICE_ROW, AdwPreferencesRow)

GtkWidget  *ct_choice_row_new       (const char   *title);
void        ct_choice_row_add       (CtChoiceRow  *self,
                                     const char   *value,
                                     const char   *label);
const char *ct_choice_row_get_value (CtChoiceRow  *self);
void        ct_choice_row_set_value (CtChoiceRow  *self,
                                     const char   *value);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-case-item.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_SLOT (ct_case_slot_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseSlot, ct_case_slot, CT, CASE_SLOT, GObject)

CtCaseSlot *ct_case_slot_new      (guint       position,
                                   CtCaseItem *item);
guint       ct_case_slot_get_position (CtCaseSlot *self);
CtCaseItem *ct_case_slot_get_item (CtCaseSlot *self);
void        ct_case_slot_set_item (CtCaseSlot *self,
                                   CtCaseItem *item);

G_END_DECLS

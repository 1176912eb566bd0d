/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-case-slot.h"

G_BEGIN_DECLS

#define CT_TYPE_CASE_SLOT_MODEL (ct_case_slot_model_get_type ())

G_DECLARE_FINAL_TYPE (CtCaseSlotModel, ct_case_slot_model, CT, CASE_SLOT_MODEL, GObject)

CtCaseSlotModel *ct_case_slot_model_new (GListModel *cases);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-store-members.h"

G_BEGIN_DECLS

#define CT_TYPE_MEMBER_ITEM (ct_member_item_get_type ())

G_DECLARE_FINAL_TYPE (CtMemberItem, ct_member_item, CT, MEMBER_ITEM, GObject)

CtMemberItem *ct_member_item_new             (const CtMemberInfo *info,
                                              gboolean            request);
const char   *ct_member_item_get_id          (CtMemberItem *self);
const char   *ct_member_item_get_name        (CtMemberItem *self);
const char   *ct_member_item_get_fingerprint (CtMemberItem *self);
gboolean      ct_member_item_is_request      (CtMemberItem *self);
char         *ct_member_item_dup_subtitle    (CtMemberItem *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-store-members.h"

G_BEGIN_DECLS

#define CT_TYPE_SUBMISSION_ITEM (ct_submission_item_get_type ())

G_DECLARE_FINAL_TYPE (CtSubmissionItem, ct_submission_item, CT, SUBMISSION_ITEM, GObject)

CtSubmissionItem *ct_submission_item_new          (const CtSubmission *submission);
const char       *ct_submission_item_get_id       (CtSubmissionItem   *self);
const char       *ct_submission_item_get_title    (CtSubmissionItem   *self);
char             *ct_submission_item_dup_subtitle (CtSubmissionItem   *self);
gint64            ct_submission_item_get_submitted_at (CtSubmissionItem *self);
const char       *ct_submission_item_get_case_id  (CtSubmissionItem   *self);
gboolean          ct_submission_item_can_open     (CtSubmissionItem   *self);

G_END_DECLS

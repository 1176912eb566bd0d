/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-record.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-details
 * @title: Details that are not procedure steps
 *
 * The one place that makes or changes a record that is not a procedure
 * step: an organisation, a member of staff, an agency, a child, a person, a
 * relationship between a person and a child, and a new case before its
 * first step. Forms, the setup assistant, the preferences and the command
 * line collect answers (ct_answers_new(), ct_answers_set_text(),
 * ct_answers_set_boolean(), ct_answers_set_int64(), ct_answers_set_strv())
 * and pass them here; the table of each kind says which keys it may set and
 * what type each must be.
 *
 * An empty text answer ("") to any detail removes it from the record: that
 * is how a form says "left empty" or, for a yes/no detail, "not known".
 *
 * All functions here are pure: they return new records and change nothing
 * they are given.
 */

#define CT_DETAILS_ERROR (ct_details_error_quark ())

/**
 * CtDetailsError:
 * @CT_DETAILS_ERROR_NOT_A_DETAIL_KIND: records of this kind are made by the
 *   procedure's steps, not from details
 * @CT_DETAILS_ERROR_UNKNOWN_DETAIL: the kind has no detail with that key
 * @CT_DETAILS_ERROR_WRONG_TYPE: the answer is not of the detail's type
 * @CT_DETAILS_ERROR_BAD_DATE: a date is not a real date written YYYY-MM-DD
 * @CT_DETAILS_ERROR_BAD_CHOICE: the answer is not one of the detail's choices
 */
typedef enum
{
  CT_DETAILS_ERROR_NOT_A_DETAIL_KIND,
  CT_DETAILS_ERROR_UNKNOWN_DETAIL,
  CT_DETAILS_ERROR_WRONG_TYPE,
  CT_DETAILS_ERROR_BAD_DATE,
  CT_DETAILS_ERROR_BAD_CHOICE,
} CtDetailsError;

/**
 * CtDetailType:
 * @CT_DETAIL_TEXT: text ("s")
 * @CT_DETAIL_YES_NO: yes or no ("b"); an empty text answer means not known
 * @CT_DETAIL_DATE: a date, "YYYY-MM-DD" ("s")
 * @CT_DETAIL_LIST: a list of strings ("as")
 * @CT_DETAIL_NUMBER: a whole number ("x")
 * @CT_DETAIL_CHOICE: one of a fixed set of stored ids ("s")
 *
 * What kind of answer a detail takes.
 */
typedef enum
{
  CT_DETAIL_TEXT,
  CT_DETAIL_YES_NO,
  CT_DETAIL_DATE,
  CT_DETAIL_LIST,
  CT_DETAIL_NUMBER,
  CT_DETAIL_CHOICE,
} CtDetailType;

/**
 * CtDetail:
 * @key: the stable key: the answer's name and the record's field
 * @type: what kind of answer it takes
 * @choices: (nullable) (array zero-terminated=1): for %CT_DETAIL_CHOICE,
 *   the stored ids it may take
 *
 * One detail a form may set.
 */
typedef struct
{
  const char         *key;
  CtDetailType        type;
  const char * const *choices;
} CtDetail;

GQuark          ct_details_error_quark   (void);

gboolean        ct_details_kind_is_detail (CtRecordKind  kind);
const CtDetail *ct_details_get_details   (CtRecordKind  kind,
                                          guint        *n_details);
const CtDetail *ct_details_lookup        (CtRecordKind  kind,
                                          const char   *key);

CtRecord       *ct_details_new_record    (CtRecordKind  kind,
                                          const char   *case_id,
                                          GHashTable   *answers,
                                          GError      **error);
CtRecord       *ct_details_change_record (CtRecord     *existing,
                                          GHashTable   *answers,
                                          GError      **error);
CtRecord       *ct_details_new_case      (const char   *reference,
                                          GHashTable   *answers,
                                          GError      **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-document-error.h"
#include "ct-store.h"

G_BEGIN_DECLS

/*
 * Besides the fields ct-record.h lists, these optional fields are read when
 * present:
 * - ORGANISATION: logo-path (a PNG for the letterhead), letter-closing (the
 *   organisation's own closing paragraph for letters).
 * - REFERRAL: made-to (the person at the local authority who took the
 *   call; "taken-by" is accepted too), la-reference (the authority's own
 *   reference).
 * - CASE: procedure-flags (CtCaseFlags), for whether the family knows.
 * - CHRONOLOGY: the state "concerns-remain", for why the family was not
 *   told when no DECISION names an exception.
 * - CONCERN: line-manager, line-manager-told-at, dso, dso-told-at.
 * DOCUMENT records written here carry kind, title, pdf, sha256,
 * generated-at, generated-by, case-reference, document-version (from 1) and
 * supersedes (the id of the version before), and sent-at, sent-how, sent-to
 * once sent.
 */

/**
 * CtCaseDocumentKind:
 * @CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION: the written confirmation of the
 *   case's latest referral ("referral-confirmation")
 * @CT_CASE_DOCUMENT_RECORD_OF_CONCERN: the case's first concern on the
 *   reporting form ("record-of-concern")
 * @CT_CASE_DOCUMENT_CHRONOLOGY: the case chronology ("chronology")
 * @CT_CASE_DOCUMENT_REFERRAL_PACK: the written confirmation of the latest
 *   referral followed by the case chronology, as one document with its pages
 *   numbered through ("referral-pack")
 */
typedef enum
{
  CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION,
  CT_CASE_DOCUMENT_RECORD_OF_CONCERN,
  CT_CASE_DOCUMENT_CHRONOLOGY,
  CT_CASE_DOCUMENT_REFERRAL_PACK,
} CtCaseDocumentKind;

/**
 * CtCaseDocumentOptions:
 * @logo_path: (nullable): a PNG for the letterhead; when %NULL the
 *   organisation record's "logo-path" field is used, if any
 * @closing_paragraph: (nullable): the organisation's own closing paragraph
 *   for letters; when %NULL its "letter-closing" field is used, if any
 * @now: (nullable): the date to put on the document; now when %NULL
 */
typedef struct
{
  const char *logo_path;
  const char *closing_paragraph;
  GDateTime  *now;
} CtCaseDocumentOptions;

/**
 * CtReferralForm:
 * @CT_REFERRAL_FORM_CHILD: the child's details
 * @CT_REFERRAL_FORM_PERSON: the parents, carers and other adults
 * @CT_REFERRAL_FORM_CONCERN: the concern as recorded
 * @CT_REFERRAL_FORM_REFERRAL: the referral step
 * @CT_REFERRAL_FORM_AGENCY: the local authority in the directory
 *
 * The form that holds a detail a referral needs.
 */
typedef enum
{
  CT_REFERRAL_FORM_CHILD,
  CT_REFERRAL_FORM_PERSON,
  CT_REFERRAL_FORM_CONCERN,
  CT_REFERRAL_FORM_REFERRAL,
  CT_REFERRAL_FORM_AGENCY,
} CtReferralForm;

/**
 * CtReferralGap:
 * @key: the stable key of the detail, such as "child.date-of-birth"; an
 *   explanation recorded under it fills the gap
 * @form: the form that holds it
 * @record_id: (nullable): the record to open in that form, if there is one
 * @label: what is missing, in words
 *
 * A detail the written confirmation of a referral needs and does not have.
 */
typedef struct
{
  char           *key;
  CtReferralForm  form;
  char           *record_id;
  char           *label;
} CtReferralGap;

void        ct_referral_gap_free              (CtReferralGap                *gap);
const char *ct_referral_form_get_title        (CtReferralForm                form);
const char *ct_referral_gap_describe          (const char                   *key,
                                               CtReferralForm               *out_form);
GPtrArray  *ct_case_document_referral_gaps_sync (CtStore                    *store,
                                               const char                   *staff_id,
                                               const char                   *reference,
                                               GError                      **error);

const char *ct_case_document_kind_to_string   (CtCaseDocumentKind            kind);
gboolean    ct_case_document_kind_from_string (const char                   *str,
                                               CtCaseDocumentKind           *out_kind);
const char *ct_case_document_get_title        (CtRecord                     *document);
gboolean    ct_case_document_is_send_method   (const char                   *method);

CtRecord   *ct_case_find_sync                 (CtStore                      *store,
                                               const char                   *reference,
                                               GError                      **error);
GBytes     *ct_case_document_render_sync      (CtStore                      *store,
                                               const char                   *staff_id,
                                               CtRecord                     *case_record,
                                               CtCaseDocumentKind            kind,
                                               const CtCaseDocumentOptions  *options,
                                               GError                      **error);
CtRecord   *ct_case_document_generate_sync    (CtStore                      *store,
                                               const char                   *staff_id,
                                               const char                   *reference,
                                               CtCaseDocumentKind            kind,
                                               const CtCaseDocumentOptions  *options,
                                               GError                      **error);
void        ct_case_document_generate_async   (CtStore                      *store,
                                               const char                   *staff_id,
                                               const char                   *reference,
                                               CtCaseDocumentKind            kind,
                                               const CtCaseDocumentOptions  *options,
                                               GCancellable                 *cancellable,
                                               GAsyncReadyCallback           callback,
                                               gpointer                      user_data);
CtRecord   *ct_case_document_generate_finish  (GAsyncResult                 *result,
                                               GError                      **error);
CtRecord   *ct_case_document_get_latest_sync  (CtStore                      *store,
                                               const char                   *reference,
                                               CtCaseDocumentKind            kind,
                                               GError                      **error);
GBytes     *ct_case_document_get_pdf          (CtRecord                     *document,
                                               GError                      **error);
gboolean    ct_case_document_mark_sent_sync   (CtStore                      *store,
                                               const char                   *staff_id,
                                               CtRecord                     *document,
                                               gint64                        sent_at,
                                               const char                   *sent_how,
                                               const char                   *sent_to,
                                               GError                      **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CtRecordKind:
 *
 * The kinds of record Caretrail keeps. Each kind has its own table in the
 * store. Only the metadata of a record (id, kind, case id, workflow state,
 * case reference, timestamps, due date and version) is kept in plaintext;
 * every field below is encrypted.
 *
 * Field names are kebab-case. Dates are ISO 8601 strings ("2026-03-01"),
 * instants are gint64 unix microseconds (UTC), flags are booleans, lists
 * are string arrays, references to other records hold their id.
 *
 * - ORGANISATION: name, address, phone, email, nation
 *   (england-and-wales|scotland|northern-ireland), cutoff ("HH:MM", the
 *   office's cut-off time for same-day escalation), policy-adopted (ISO
 *   date), dso-name, dso-contact, deputy-name, deputy-contact, sbm-name,
 *   sbm-contact.
 * - STAFF: name, role, email, phone, is-dso, is-deputy, is-sbm, left
 *   (booleans; left: no longer with the organisation).
 * - AGENCY: name, kind (children-social-care|mash|police|nspcc|lado|
 *   early-help), area, phone, secure-email, out-of-hours, address,
 *   confirmation-period ("48h", "24h", "2wd").
 * - CHILD: given-names, family-name, aliases (strv), date-of-birth (ISO
 *   date; the expected date for an unborn child), unborn (boolean), gender,
 *   address, area (local authority area where the child lives), school, gp,
 *   ethnicity, religion, language, interpreter-needed (boolean), disability,
 *   status (none|early-help|child-in-need|child-protection-plan|
 *   looked-after), lead-worker, lead-worker-contact, agencies-involved (free
 *   text: other agencies working with the child), whereabouts, safe-now
 *   (boolean).
 * - PERSON: given-names, family-name, aliases (strv), date-of-birth, gender,
 *   address, phone, email, role (free text, e.g. "mother").
 * - RELATIONSHIP: child-id, person-id, relation (free text), and the flags
 *   parental-responsibility, primary-carer, household-member,
 *   alleged-person (booleans), access-to-other-children (boolean).
 * - CASE: the plaintext reference (e.g. "CT-2026-0001") is metadata, see
 *   ct_record_get_reference(); fields: title, child-ids (strv), summary,
 *   pathway (child-protection|early-help|allegation), closed-reason.
 * - CONCERN: raised-by (staff id), raised-at (int64), how (in person,
 *   phone, email…), what, childs-words, injuries, witnesses, actions-taken,
 *   incident-date ("YYYY-MM-DD"), incident-time ("HH:MM", UK time, if
 *   known), harm-types (strv), immediate-risk (boolean), domestic-abuse (boolean),
 *   international (boolean).
 * - CHRONOLOGY: who, what, why, event (int64 instant the entry is about),
 *   corrects (id of the entry this one corrects, if any).
 * - DECISION: question, answer, reason, decided-by (staff id),
 *   exception (e.g. family-member-responsible|danger|criminal-investigation).
 * - CONSULTATION: with (agency id or "nspcc-anonymous"), anonymous
 *   (boolean), when (int64), advice, by (staff id).
 * - REFERRAL: agency-id, agency-name, type (child-protection|early-help),
 *   urgency, made-at (int64), made-how, made-by (staff id), made-to (who
 *   took it), their-reference, what-shared, parents-aware (boolean),
 *   parents-consent (yes|no|not-sought), consent-reason, withheld,
 *   client-consent, confidentiality-override-reason, what-wanted,
 *   la-decision, la-decision-at (int64).
 * - INFO_SHARING: what, with, when (int64), purpose, lawful-basis,
 *   consent-sought (boolean), consent-given (boolean), consent-reason,
 *   shared (boolean), reason-not-shared.
 * - ALLEGATION: subject-staff-id, subject-name, category (harmed|offence|
 *   risk-of-harm|unsuitability), what, reported-at (int64), reported-to,
 *   lado-informed-at (int64), removed-from-regulated-activity (boolean),
 *   dbs-referral-considered (boolean), outcome. Allegations are encrypted
 *   under a separate vault key.
 * - TASK: title, detail, assignee (staff id), done (boolean), done-at
 *   (int64), clock (name of the clock that set the due date). The due time
 *   is metadata: ct_record_get_due_at().
 * - DOCUMENT: kind (e.g. referral-confirmation), title, pdf (bytes), sha256
 *   (hex), sent-at (int64), sent-how, sent-to.
 */
typedef enum
{
  CT_RECORD_KIND_ORGANISATION,
  CT_RECORD_KIND_STAFF,
  CT_RECORD_KIND_AGENCY,
  CT_RECORD_KIND_CHILD,
  CT_RECORD_KIND_PERSON,
  CT_RECORD_KIND_RELATIONSHIP,
  CT_RECORD_KIND_CASE,
  CT_RECORD_KIND_CONCERN,
  CT_RECORD_KIND_CHRONOLOGY,
  CT_RECORD_KIND_DECISION,
  CT_RECORD_KIND_CONSULTATION,
  CT_RECORD_KIND_REFERRAL,
  CT_RECORD_KIND_INFO_SHARING,
  CT_RECORD_KIND_ALLEGATION,
  CT_RECORD_KIND_TASK,
  CT_RECORD_KIND_DOCUMENT,
  CT_RECORD_N_KINDS,
} CtRecordKind;

#define CT_TYPE_RECORD_KIND (ct_record_kind_get_type ())
GType         ct_record_kind_get_type    (void) G_GNUC_CONST;

const char   *ct_record_kind_to_string   (CtRecordKind  kind);
gboolean      ct_record_kind_from_string (const char   *str,
                                          CtRecordKind *out_kind);
const char   *ct_record_kind_get_table   (CtRecordKind  kind);

#define CT_TYPE_RECORD (ct_record_get_type ())
G_DECLARE_FINAL_TYPE (CtRecord, ct_record, CT, RECORD, GObject)

char         *ct_record_make_id          (void);
CtRecord     *ct_record_new              (CtRecordKind  kind);
CtRecord     *ct_record_new_full         (CtRecordKind  kind,
                                          const char   *id,
                                          const char   *case_id,
                                          const char   *state,
                                          const char   *reference,
                                          gint64        created_at,
                                          gint64        updated_at,
                                          gint64        due_at,
                                          gint64        version,
                                          GVariant     *fields);
CtRecord     *ct_record_new_take         (CtRecordKind  kind,
                                          char         *id,
                                          char         *case_id,
                                          char         *state,
                                          char         *reference,
                                          gint64        created_at,
                                          gint64        updated_at,
                                          gint64        due_at,
                                          gint64        version,
                                          GVariant     *fields);
CtRecord     *ct_record_copy             (CtRecord     *self);

CtRecordKind  ct_record_get_kind         (CtRecord     *self);
const char   *ct_record_get_id           (CtRecord     *self);
const char   *ct_record_get_case_id      (CtRecord     *self);
void          ct_record_set_case_id      (CtRecord     *self,
                                          const char   *case_id);
const char   *ct_record_get_state        (CtRecord     *self);
void          ct_record_set_state        (CtRecord     *self,
                                          const char   *state);
const char   *ct_record_get_reference    (CtRecord     *self);
void          ct_record_set_reference    (CtRecord     *self,
                                          const char   *reference);
gint64        ct_record_get_created_at   (CtRecord     *self);
gint64        ct_record_get_updated_at   (CtRecord     *self);
gint64        ct_record_get_due_at       (CtRecord     *self);
void          ct_record_set_due_at       (CtRecord     *self,
                                          gint64        due_at);
gint64        ct_record_get_version      (CtRecord     *self);

/* Used by the store after a write; not for general use. */
void          ct_record_set_stored_metadata (CtRecord  *self,
                                             gint64     created_at,
                                             gint64     updated_at,
                                             gint64     version);

gboolean      ct_record_has_field        (CtRecord     *self,
                                          const char   *name);
void          ct_record_remove_field     (CtRecord     *self,
                                          const char   *name);
const char   *ct_record_get_string       (CtRecord     *self,
                                          const char   *name);
void          ct_record_set_string       (CtRecord     *self,
                                          const char   *name,
                                          const char   *value);
gint64        ct_record_get_int64        (CtRecord     *self,
                                          const char   *name,
                                          gint64        default_value);
void          ct_record_set_int64        (CtRecord     *self,
                                          const char   *name,
                                          gint64        value);
gboolean      ct_record_get_boolean      (CtRecord     *self,
                                          const char   *name,
                                          gboolean      default_value);
void          ct_record_set_boolean      (CtRecord     *self,
                                          const char   *name,
                                          gboolean      value);
const char * const *ct_record_get_strv   (CtRecord     *self,
                                          const char   *name);
void          ct_record_set_strv         (CtRecord     *self,
                                          const char   *name,
                                          const char * const *value);
GVariant     *ct_record_get_answers      (CtRecord     *self,
                                          const char   *name);
void          ct_record_set_answers      (CtRecord     *self,
                                          const char   *name,
                                          GVariant     *answers);
GBytes       *ct_record_get_bytes        (CtRecord     *self,
                                          const char   *name);
void          ct_record_set_bytes        (CtRecord     *self,
                                          const char   *name,
                                          GBytes       *value);

GVariant     *ct_record_dup_fields       (CtRecord     *self);
gboolean      ct_record_equal_fields     (CtRecord     *a,
                                          CtRecord     *b);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-step-records"

#include "config.h"

#include "ct-step-records.h"

#include "ct-format.h"

#include <string.h>

static const char *
text_answer (GHashTable *answers,
             const char *name)
{
  GVariant *value = answers != NULL ? g_hash_table_lookup (answers, name) : NULL;
  const char *text;

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;
  text = g_variant_get_string (value, NULL);
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return text;
  return NULL;
}

static gboolean
yes_answer (GHashTable *answers,
            const char *name,
            gboolean   *out_value)
{
  GVariant *value = answers != NULL ? g_hash_table_lookup (answers, name) : NULL;

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return FALSE;
  *out_value = g_variant_get_boolean (value);
  return TRUE;
}

/* Copies a text answer into a field, if it was given. */
static void
copy_text (CtRecord   *record,
           const char *field,
           GHashTable *answers,
           const char *name)
{
  const char *text = text_answer (answers, name);

  if (text != NULL)
    ct_record_set_string (record, field, text);
}

static void
copy_boolean (CtRecord   *record,
              const char *field,
              GHashTable *answers,
              const char *name)
{
  gboolean value;

  if (yes_answer (answers, name, &value))
    ct_record_set_boolean (record, field, value);
}

static gint64
usec (GDateTime *instant)
{
  return g_date_time_to_unix (instant) * G_USEC_PER_SEC;
}

static CtRecord *
new_record (CtRecordKind         kind,
            const CtStepContext *context)
{
  CtRecord *record = ct_record_new (kind);

  if (context->case_id != NULL)
    ct_record_set_case_id (record, context->case_id);
  return record;
}

/* A new child named in the concern's answers ("child-given-names", …). */
static CtRecord *
make_child (GHashTable          *answers,
            const CtStepContext *context)
{
  const char *aliases = text_answer (answers, "child-aliases");
  CtRecord *child;

  if (text_answer (answers, "child-given-names") == NULL &&
      text_answer (answers, "child-family-name") == NULL)
    return NULL;

  child = new_record (CT_RECORD_KIND_CHILD, context);
  ct_record_set_string (child, "given-names", text_answer (answers, "child-given-names") ?: "");
  ct_record_set_string (child, "family-name", text_answer (answers, "child-family-name") ?: "");
  if (aliases != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (aliases, ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) cleaned = NULL;

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (*parts[i] != '\0')
            g_strv_builder_add (builder, parts[i]);
        }
      cleaned = g_strv_builder_end (builder);
      ct_record_set_strv (child, "aliases", (const char * const *) cleaned);
    }
  copy_text (child, "date-of-birth", answers, "child-date-of-birth");
  copy_text (child, "address", answers, "child-address");
  copy_text (child, "area", answers, "child-area");
  ct_record_set_string (child, "status", "none");
  return child;
}

static CtRecord *
make_concern (const CtTransition  *t,
              GHashTable          *answers,
              const CtStepContext *context)
{
  CtRecord *concern = new_record (CT_RECORD_KIND_CONCERN, context);
  const char *raised_by = text_answer (answers, "raised-by");
  gboolean risk = FALSE;

  ct_record_set_string (concern, "raised-by", text_answer (answers, "raised-by-id") ?: raised_by);
  ct_record_set_string (concern, "raised-by-name", raised_by);
  ct_record_set_int64 (concern, "raised-at", usec (t->at));
  ct_record_set_string (concern, "how", text_answer (answers, "how") ?: "other");
  copy_text (concern, "what", answers, "what");
  copy_text (concern, "childs-words", answers, "childs-words");
  copy_text (concern, "injuries", answers, "injuries");
  copy_text (concern, "witnesses", answers, "witnesses");
  copy_text (concern, "actions-taken", answers, "actions-taken");
  if (text_answer (answers, "harm-types") != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text_answer (answers, "harm-types"), ",", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) kinds = NULL;

      for (guint i = 0; parts[i] != NULL; i++)
        {
          g_strstrip (parts[i]);
          if (*parts[i] != '\0')
            g_strv_builder_add (builder, parts[i]);
        }
      kinds = g_strv_builder_end (builder);
      if (kinds[0] != NULL)
        ct_record_set_strv (concern, "harm-types", (const char * const *) kinds);
    }
  copy_text (concern, "incident-date", answers, "incident-date");
  {
    int hour, minute;

    /* Kept as HH:MM, however it was typed ("9:5" is 09:05). */
    if (ct_parse_time_of_day (text_answer (answers, "incident-time"), &hour, &minute))
      {
        g_autofree char *time = g_strdup_printf ("%02d:%02d", hour, minute);

        ct_record_set_string (concern, "incident-time", time);
      }
  }
  yes_answer (answers, "immediate-risk", &risk);
  ct_record_set_boolean (concern, "immediate-risk", risk);
  return concern;
}

static const char * const family_exceptions[] = {
  "family-member-responsible", "danger-to-others", "criminal-investigation",
};

static CtRecord *
make_decision (const CtTransition  *t,
               GHashTable          *answers,
               const CtStepContext *context,
               const char          *answer)
{
  CtRecord *decision = new_record (CT_RECORD_KIND_DECISION, context);

  ct_record_set_string (decision, "question", "concerns-remain");
  ct_record_set_string (decision, "answer", answer);
  copy_text (decision, "reason", answers, "reason");
  /* The exceptions to telling the family that hold, each with its reason,
   * so the letter can say why the family was not told. */
  {
    const char *held[G_N_ELEMENTS (family_exceptions) + 1] = { NULL };
    guint n_held = 0;

    for (guint i = 0; i < G_N_ELEMENTS (family_exceptions); i++)
      {
        gboolean holds = FALSE;
        g_autofree char *reason_key = g_strconcat (family_exceptions[i], "-reason", NULL);

        if (!yes_answer (answers, family_exceptions[i], &holds) || !holds)
          continue;
        held[n_held++] = family_exceptions[i];
        copy_text (decision, reason_key, answers, reason_key);
      }
    if (n_held > 0)
      {
        ct_record_set_string (decision, "exception", held[0]);
        ct_record_set_strv (decision, "exceptions", held);
      }
  }
  ct_record_set_string (decision, "decided-by", t->actor_id ?: t->actor);
  ct_record_set_int64 (decision, "decided-at", usec (t->at));
  return decision;
}

static CtRecord *
make_referral (const CtTransition  *t,
               GHashTable          *answers,
               const CtStepContext *context)
{
  CtRecord *referral = new_record (CT_RECORD_KIND_REFERRAL, context);
  const char *consent = text_answer (answers, "consent");
  gboolean urgent = t->event == CT_EVENT_IMMEDIATE_RISK_REFERRAL;

  ct_record_set_state (referral, "made");
  copy_text (referral, "agency-id", answers, "agency-id");
  ct_record_set_string (referral, "agency-name", text_answer (answers, "agency") ?: "");
  ct_record_set_string (referral, "type", text_answer (answers, "referral-type") ?: "child-protection");
  ct_record_set_string (referral, "urgency", urgent ? "immediate" : "standard");
  ct_record_set_int64 (referral, "made-at", usec (t->at));
  ct_record_set_string (referral, "made-how", text_answer (answers, "how") ?: "");
  ct_record_set_string (referral, "made-by", t->actor_id ?: t->actor);
  ct_record_set_string (referral, "made-to", text_answer (answers, "to-whom") ?: "");
  copy_text (referral, "their-reference", answers, "their-reference");
  copy_text (referral, "what-shared", answers, "what-shared");
  copy_text (referral, "risk", answers, "risk");
  if (consent != NULL)
    ct_record_set_string (referral, "parents-consent",
                          g_str_equal (consent, "given") ? "yes" :
                          g_str_equal (consent, "refused") ? "no" : "not-sought");
  copy_text (referral, "consent-reason", answers, "consent-reason");
  copy_text (referral, "consent-given-by", answers, "consent-given-by");
  copy_boolean (referral, "parents-aware", answers, "parents-aware");
  copy_text (referral, "withheld", answers, "withheld");
  copy_text (referral, "threshold", answers, "threshold");
  copy_text (referral, "history", answers, "history");
  copy_text (referral, "strengths", answers, "strengths");
  copy_boolean (referral, "police-told", answers, "police-told");
  copy_text (referral, "crime-reference", answers, "crime-reference");
  copy_text (referral, "what-wanted", answers, "what-wanted");
  copy_text (referral, "lawful-basis", answers, "lawful-basis");
  copy_boolean (referral, "raiser-told", answers, "raiser-told");
  copy_boolean (referral, "raiser-encouraged", answers, "raiser-encouraged");
  copy_text (referral, "raiser-reason", answers, "raiser-reason");
  return referral;
}

static CtRecord *
make_consultation (const CtTransition  *t,
                   GHashTable          *answers,
                   const CtStepContext *context)
{
  CtRecord *consultation = new_record (CT_RECORD_KIND_CONSULTATION, context);
  const char *consulted = text_answer (answers, "consulted");
  gboolean anonymous = FALSE;

  if (t->event == CT_EVENT_INTERNATIONAL_ADVICE_RECORDED)
    {
      ct_record_set_string (consultation, "with", "other-jurisdiction");
      copy_text (consultation, "jurisdiction", answers, "jurisdiction");
    }
  else
    {
      yes_answer (answers, "anonymous", &anonymous);
      ct_record_set_string (consultation, "with",
                            g_strcmp0 (consulted, "nspcc") == 0 && anonymous ? "nspcc-anonymous" :
                            consulted ?: "");
      ct_record_set_boolean (consultation, "anonymous", anonymous);
    }
  copy_text (consultation, "adviser", answers, "adviser");
  ct_record_set_int64 (consultation, "when", usec (t->at));
  copy_text (consultation, "advice", answers, "advice");
  return consultation;
}

static CtRecord *
make_sharing (const CtTransition  *t,
              GHashTable          *answers,
              const CtStepContext *context)
{
  CtRecord *sharing = new_record (CT_RECORD_KIND_INFO_SHARING, context);

  copy_boolean (sharing, "shared", answers, "shared");
  copy_text (sharing, "what", answers, "what");
  copy_text (sharing, "with", answers, "with-whom");
  ct_record_set_int64 (sharing, "when", usec (t->at));
  copy_text (sharing, "purpose", answers, "purpose");
  copy_text (sharing, "lawful-basis", answers, "lawful-basis");
  copy_boolean (sharing, "consent-sought", answers, "consent-sought");
  copy_boolean (sharing, "consent-given", answers, "consent-given");
  copy_text (sharing, "consent-reason", answers, "consent-reason");
  copy_text (sharing, "reason", answers, "reason");
  return sharing;
}

/* The ALLEGATION record keeps what each of its steps decided: a new one
 * when it is reported, a new version of it after. */
static CtRecord *
make_allegation (const CtTransition  *t,
                 GHashTable          *answers,
                 const CtStepContext *context)
{
  CtRecord *allegation;
  gboolean value;

  if (t->event == CT_EVENT_ALLEGATION_REPORTED)
    {
      allegation = new_record (CT_RECORD_KIND_ALLEGATION, context);
      copy_text (allegation, "subject-name", answers, "about");
      copy_text (allegation, "what", answers, "what");
      copy_text (allegation, "reported-by", answers, "reported-by");
      ct_record_set_int64 (allegation, "reported-at", usec (t->at));
      copy_text (allegation, "reported-to", answers, "senior-manager");
      ct_record_set_state (allegation, ct_state_to_string (t->to));
      return allegation;
    }

  if (context->allegation == NULL)
    return NULL;

  allegation = ct_record_copy (context->allegation);
  ct_record_set_state (allegation, ct_state_to_string (t->to));
  switch (t->event)
    {
    case CT_EVENT_ALLEGATION_CLASSIFIED:
      copy_text (allegation, "classification", answers, "classification");
      copy_text (allegation, "category", answers, "category");
      copy_boolean (allegation, "lado-consulted", answers, "lado-consulted");
      break;
    case CT_EVENT_LADO_INFORMED:
      ct_record_set_int64 (allegation, "lado-informed-at", usec (t->at));
      copy_text (allegation, "lado", answers, "lado");
      break;
    case CT_EVENT_REGULATED_ACTIVITY_DECIDED:
      if (yes_answer (answers, "removed", &value))
        ct_record_set_boolean (allegation, "removed-from-regulated-activity", value);
      break;
    case CT_EVENT_DBS_REFERRAL_DECIDED:
      ct_record_set_boolean (allegation, "dbs-referral-considered", TRUE);
      copy_boolean (allegation, "dbs-referral-made", answers, "referral-made");
      break;
    case CT_EVENT_ALLEGATION_CONCLUDED:
      copy_text (allegation, "outcome", answers, "outcome");
      break;
    default:
      break;
    }
  return allegation;
}

/* The details of a referral a "referral-details-added" step may carry,
 * besides what the organisation has done (which the concern holds). */
static const char * const referral_detail_names[] = {
  "threshold", "risk", "history", "strengths", "police-told", "crime-reference",
  "parents-aware", "consent-given-by", "withheld", "what-wanted", "lawful-basis",
};

/* Details added to a referral after it was made: its next version, with
 * each detail answered written over what it said before; none if the step
 * added nothing to the referral itself. */
static CtRecord *
make_referral_details (GHashTable          *answers,
                       const CtStepContext *context)
{
  CtRecord *referral;
  gboolean any = FALSE;

  if (context->referral == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (referral_detail_names) && !any; i++)
    {
      gboolean value;

      any = text_answer (answers, referral_detail_names[i]) != NULL ||
            yes_answer (answers, referral_detail_names[i], &value);
    }
  if (!any)
    return NULL;

  referral = ct_record_copy (context->referral);
  copy_text (referral, "threshold", answers, "threshold");
  copy_text (referral, "risk", answers, "risk");
  copy_text (referral, "history", answers, "history");
  copy_text (referral, "strengths", answers, "strengths");
  copy_boolean (referral, "police-told", answers, "police-told");
  copy_text (referral, "crime-reference", answers, "crime-reference");
  copy_boolean (referral, "parents-aware", answers, "parents-aware");
  copy_text (referral, "consent-given-by", answers, "consent-given-by");
  copy_text (referral, "withheld", answers, "withheld");
  copy_text (referral, "what-wanted", answers, "what-wanted");
  copy_text (referral, "lawful-basis", answers, "lawful-basis");
  return referral;
}

/* What the organisation has done so far, said after the concern was
 * recorded: the next version of the concern, the earlier one kept. */
static CtRecord *
make_concern_details (GHashTable          *answers,
                      const CtStepContext *context)
{
  CtRecord *concern;

  if (context->concern == NULL || text_answer (answers, "actions-taken") == NULL)
    return NULL;

  concern = ct_record_copy (context->concern);
  copy_text (concern, "actions-taken", answers, "actions-taken");
  return concern;
}

/* The confirmation letter waiting to be sent is the one being sent. */
static CtRecord *
make_sent_letter (const CtTransition  *t,
                  GHashTable          *answers,
                  const CtStepContext *context)
{
  CtRecord *sent;

  if (context->pending_letter == NULL)
    return NULL;

  sent = ct_record_copy (context->pending_letter);
  ct_record_set_int64 (sent, "sent-at", usec (t->at));
  ct_record_set_string (sent, "sent-how", text_answer (answers, "how") ?: "");
  ct_record_set_string (sent, "sent-to", text_answer (answers, "to-whom") ?: "");
  ct_record_set_state (sent, "sent");
  return sent;
}

static void
add (GPtrArray *records,
     CtRecord  *record)
{
  if (record != NULL)
    g_ptr_array_add (records, record);
}

/**
 * ct_step_records_build:
 * @transition: an accepted step
 * @answers: (nullable): its answers
 * @context: who recorded it, and the records it may change
 *
 * Returns: (transfer full) (element-type CtRecord): the records the step
 *   makes (version 0, to be inserted) or changes (a copy of a stored record,
 *   to be saved as its next version), in the order they should be written
 */
GPtrArray *
ct_step_records_build (const CtTransition  *transition,
                       GHashTable          *answers,
                       const CtStepContext *context)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (transition != NULL, records);
  g_return_val_if_fail (context != NULL, records);

  switch (transition->event)
    {
    case CT_EVENT_CONCERN_RECORDED:
      add (records, make_child (answers, context));
      add (records, make_concern (transition, answers, context));
      break;
    case CT_EVENT_NO_CONCERNS_REMAIN:
      add (records, make_decision (transition, answers, context, "no"));
      break;
    case CT_EVENT_CONCERNS_REMAIN:
      add (records, make_decision (transition, answers, context, "yes"));
      break;
    case CT_EVENT_UNCERTAIN:
      add (records, make_decision (transition, answers, context, "uncertain"));
      break;
    case CT_EVENT_ADVICE_RECORDED:
    case CT_EVENT_INTERNATIONAL_ADVICE_RECORDED:
      add (records, make_consultation (transition, answers, context));
      break;
    case CT_EVENT_REFERRAL_MADE:
    case CT_EVENT_IMMEDIATE_RISK_REFERRAL:
      add (records, make_referral (transition, answers, context));
      break;
    case CT_EVENT_REFERRAL_DETAILS_ADDED:
      add (records, make_referral_details (answers, context));
      add (records, make_concern_details (answers, context));
      break;
    case CT_EVENT_INFORMATION_SHARING_DECIDED:
      add (records, make_sharing (transition, answers, context));
      break;
    case CT_EVENT_CONFIRMATION_SENT:
      add (records, make_sent_letter (transition, answers, context));
      break;
    case CT_EVENT_ALLEGATION_REPORTED:
    case CT_EVENT_ALLEGATION_CLASSIFIED:
    case CT_EVENT_LADO_INFORMED:
    case CT_EVENT_REGULATED_ACTIVITY_DECIDED:
    case CT_EVENT_DBS_REFERRAL_DECIDED:
    case CT_EVENT_ALLEGATION_CONCLUDED:
      add (records, make_allegation (transition, answers, context));
      break;
    default:
      break;
    }

  return records;
}

/**
 * ct_step_records_fill_case:
 * @case_record: a new CASE, not yet stored
 * @transition: the step that opens it
 * @answers: (nullable): its answers
 *
 * Fills a new case's own fields from the step that opens it: its pathway,
 * its summary (the start of what was seen, said or alleged) and its child,
 * either one already known ("child-id") or the new CHILD among the step's
 * records.
 */
void
ct_step_records_fill_case (CtRecord           *case_record,
                           const CtTransition *transition,
                           GHashTable         *answers)
{
  const char *what = text_answer (answers, "what");
  const char *child_ids[2] = { text_answer (answers, "child-id"), NULL };

  g_return_if_fail (CT_IS_RECORD (case_record));
  g_return_if_fail (transition != NULL);

  ct_record_set_string (case_record, "pathway",
                        transition->event == CT_EVENT_ALLEGATION_REPORTED ? "allegation" : "child-protection");
  if (what != NULL && !ct_record_has_field (case_record, "summary"))
    {
      g_autofree char *summary = g_utf8_substring (what, 0, MIN (g_utf8_strlen (what, -1), 200));

      ct_record_set_string (case_record, "summary", summary);
    }

  for (guint i = 0; transition->records != NULL && i < transition->records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (transition->records, i);

      if (ct_record_get_kind (record) == CT_RECORD_KIND_CHILD)
        child_ids[0] = ct_record_get_id (record);
    }

  if (child_ids[0] != NULL && ct_record_get_strv (case_record, "child-ids") == NULL)
    ct_record_set_strv (case_record, "child-ids", child_ids);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-procedure"

#include "config.h"

#include "ct-format.h"
#include "ct-lawful-basis.h"
#include "ct-procedure.h"
#include "ct-step-records.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (ct-procedure-error-quark, ct_procedure_error)

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

static const char * const state_names[CT_N_STATES] = {
  [CT_STATE_NEW] = "new",
  [CT_STATE_CONCERN_RECORDED] = "concern-recorded",
  [CT_STATE_ESCALATED] = "escalated",
  [CT_STATE_CONSULTING] = "consulting",
  [CT_STATE_FAMILY_DISCUSSION] = "family-discussion",
  [CT_STATE_REFERRAL_DUE] = "referral-due",
  [CT_STATE_CONFIRMATION_DUE] = "confirmation-due",
  [CT_STATE_AWAITING_DECISION] = "awaiting-decision",
  [CT_STATE_OUTCOME_RECORDED] = "outcome-recorded",
  [CT_STATE_OUTCOME_DISPUTED] = "outcome-disputed",
  [CT_STATE_MONITORING] = "monitoring",
  [CT_STATE_ALLEGATION_REPORTED] = "allegation-reported",
  [CT_STATE_LADO_DUE] = "lado-due",
  [CT_STATE_ALLEGATION_MANAGED] = "allegation-managed",
  [CT_STATE_CLOSED_NFA] = "closed-nfa",
  [CT_STATE_CLOSED] = "closed",
};

static const char * const state_titles[CT_N_STATES] = {
  [CT_STATE_NEW] = N_("New"),
  [CT_STATE_CONCERN_RECORDED] = N_("Concern recorded"),
  [CT_STATE_ESCALATED] = N_("Escalated, decision due"),
  [CT_STATE_CONSULTING] = N_("Seeking advice"),
  [CT_STATE_FAMILY_DISCUSSION] = N_("Family to be spoken to"),
  [CT_STATE_REFERRAL_DUE] = N_("Referral due"),
  [CT_STATE_CONFIRMATION_DUE] = N_("Written confirmation due"),
  [CT_STATE_AWAITING_DECISION] = N_("Awaiting the local authority’s decision"),
  [CT_STATE_OUTCOME_RECORDED] = N_("Outcome recorded"),
  [CT_STATE_OUTCOME_DISPUTED] = N_("Outcome challenged"),
  [CT_STATE_MONITORING] = N_("Monitoring"),
  [CT_STATE_ALLEGATION_REPORTED] = N_("Allegation reported"),
  [CT_STATE_LADO_DUE] = N_("LADO to be informed"),
  [CT_STATE_ALLEGATION_MANAGED] = N_("Allegation being managed"),
  [CT_STATE_CLOSED_NFA] = N_("Closed, no further action"),
  [CT_STATE_CLOSED] = N_("Closed"),
};

static const char * const event_names[CT_N_EVENTS] = {
  [CT_EVENT_CONCERN_RECORDED] = "concern-recorded",
  [CT_EVENT_ESCALATED] = "escalated",
  [CT_EVENT_IMMEDIATE_RISK_REFERRAL] = "immediate-risk-referral",
  [CT_EVENT_IMMEDIATE_RISK_RECONSIDERED] = "immediate-risk-reconsidered",
  [CT_EVENT_NO_CONCERNS_REMAIN] = "no-concerns-remain",
  [CT_EVENT_CONCERNS_REMAIN] = "concerns-remain",
  [CT_EVENT_UNCERTAIN] = "uncertain",
  [CT_EVENT_ADVICE_RECORDED] = "advice-recorded",
  [CT_EVENT_FAMILY_DISCUSSED] = "family-discussed",
  [CT_EVENT_FAMILY_APPROACH_AGREED] = "family-approach-agreed",
  [CT_EVENT_REFERRAL_MADE] = "referral-made",
  [CT_EVENT_CONFIRMATION_SENT] = "confirmation-sent",
  [CT_EVENT_LA_CHASED] = "la-chased",
  [CT_EVENT_OUTCOME_RECORDED] = "outcome-recorded",
  [CT_EVENT_OUTCOME_DISPUTED] = "outcome-disputed",
  [CT_EVENT_MONITORING_STARTED] = "monitoring-started",
  [CT_EVENT_CASE_CLOSED] = "case-closed",
  [CT_EVENT_ALLEGATION_REPORTED] = "allegation-reported",
  [CT_EVENT_ALLEGATION_CLASSIFIED] = "allegation-classified",
  [CT_EVENT_LADO_INFORMED] = "lado-informed",
  [CT_EVENT_REGULATED_ACTIVITY_DECIDED] = "regulated-activity-decided",
  [CT_EVENT_DBS_REFERRAL_DECIDED] = "dbs-referral-decided",
  [CT_EVENT_ALLEGATION_CONCLUDED] = "allegation-concluded",
  [CT_EVENT_INFORMATION_SHARING_DECIDED] = "information-sharing-decided",
  [CT_EVENT_INTERNATIONAL_ADVICE_RECORDED] = "international-advice-recorded",
  [CT_EVENT_CORRECTION] = "correction",
  [CT_EVENT_NOTE] = "note",
  [CT_EVENT_REFERRAL_DETAILS_ADDED] = "referral-details-added",
};

static const char * const event_titles[CT_N_EVENTS] = {
  [CT_EVENT_CONCERN_RECORDED] = N_("Record a concern"),
  [CT_EVENT_ESCALATED] = N_("Record the escalation"),
  [CT_EVENT_IMMEDIATE_RISK_REFERRAL] = N_("Urgent referral: immediate risk"),
  [CT_EVENT_IMMEDIATE_RISK_RECONSIDERED] = N_("No urgent referral needed"),
  [CT_EVENT_NO_CONCERNS_REMAIN] = N_("No concerns remain"),
  [CT_EVENT_CONCERNS_REMAIN] = N_("Concerns remain"),
  [CT_EVENT_UNCERTAIN] = N_("Uncertain: seek advice"),
  [CT_EVENT_ADVICE_RECORDED] = N_("Record the advice"),
  [CT_EVENT_FAMILY_DISCUSSED] = N_("Record the discussion with the family"),
  [CT_EVENT_FAMILY_APPROACH_AGREED] = N_("Record agreement to approach the family"),
  [CT_EVENT_REFERRAL_MADE] = N_("Record the referral"),
  [CT_EVENT_CONFIRMATION_SENT] = N_("Record the written confirmation"),
  [CT_EVENT_LA_CHASED] = N_("Record chasing the local authority"),
  [CT_EVENT_OUTCOME_RECORDED] = N_("Record the local authority’s decision"),
  [CT_EVENT_OUTCOME_DISPUTED] = N_("Challenge the decision"),
  [CT_EVENT_MONITORING_STARTED] = N_("Start monitoring"),
  [CT_EVENT_CASE_CLOSED] = N_("Close the case"),
  [CT_EVENT_ALLEGATION_REPORTED] = N_("Report an allegation against a worker"),
  [CT_EVENT_ALLEGATION_CLASSIFIED] = N_("Classify the allegation"),
  [CT_EVENT_LADO_INFORMED] = N_("Record informing the LADO"),
  [CT_EVENT_REGULATED_ACTIVITY_DECIDED] = N_("Record the regulated-activity decision"),
  [CT_EVENT_DBS_REFERRAL_DECIDED] = N_("Record the DBS referral decision"),
  [CT_EVENT_ALLEGATION_CONCLUDED] = N_("Conclude the allegation"),
  [CT_EVENT_INFORMATION_SHARING_DECIDED] = N_("Record an information-sharing decision"),
  [CT_EVENT_INTERNATIONAL_ADVICE_RECORDED] = N_("Record advice from another jurisdiction"),
  [CT_EVENT_CORRECTION] = N_("Correct an earlier entry"),
  [CT_EVENT_NOTE] = N_("Add a note"),
  [CT_EVENT_REFERRAL_DETAILS_ADDED] = N_("Add details to the referral"),
};

/**
 * ct_state_to_string:
 * @state: a state
 *
 * Returns: the stable kebab-case name of @state, as stored in the database
 */
const char *
ct_state_to_string (CtState state)
{
  g_return_val_if_fail (state < CT_N_STATES, NULL);
  return state_names[state];
}

/**
 * ct_state_from_string:
 * @str: a state's kebab-case name
 * @out_state: (out): the state
 * @error: return location for a %CT_PROCEDURE_ERROR_UNKNOWN_STATE error
 *
 * Returns: %TRUE if @str names a state
 */
gboolean
ct_state_from_string (const char  *str,
                      CtState     *out_state,
                      GError     **error)
{
  g_return_val_if_fail (out_state != NULL, FALSE);

  for (guint i = 0; str != NULL && i < CT_N_STATES; i++)
    {
      if (strcmp (str, state_names[i]) == 0)
        {
          *out_state = (CtState) i;
          return TRUE;
        }
    }

  g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_UNKNOWN_STATE,
               _("The case is in a state Caretrail does not know (“%s”). The database may come from a newer version of Caretrail."),
               str != NULL ? str : "");
  return FALSE;
}

/**
 * ct_state_get_title:
 * @state: a state
 *
 * Returns: a short translated title for @state
 */
const char *
ct_state_get_title (CtState state)
{
  g_return_val_if_fail (state < CT_N_STATES, NULL);
  return _(state_titles[state]);
}

/**
 * ct_state_is_closed:
 * @state: a state
 *
 * Returns: %TRUE for the closed states
 */
gboolean
ct_state_is_closed (CtState state)
{
  return state == CT_STATE_CLOSED || state == CT_STATE_CLOSED_NFA;
}

/**
 * ct_event_to_string:
 * @event: an event
 *
 * Returns: the stable kebab-case name of @event
 */
const char *
ct_event_to_string (CtEvent event)
{
  g_return_val_if_fail (event < CT_N_EVENTS, NULL);
  return event_names[event];
}

/**
 * ct_event_from_string:
 * @str: an event's kebab-case name
 * @out_event: (out): the event
 * @error: return location for a %CT_PROCEDURE_ERROR_UNKNOWN_EVENT error
 *
 * Returns: %TRUE if @str names an event
 */
gboolean
ct_event_from_string (const char  *str,
                      CtEvent     *out_event,
                      GError     **error)
{
  g_return_val_if_fail (out_event != NULL, FALSE);

  for (guint i = 0; str != NULL && i < CT_N_EVENTS; i++)
    {
      if (strcmp (str, event_names[i]) == 0)
        {
          *out_event = (CtEvent) i;
          return TRUE;
        }
    }

  g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_UNKNOWN_EVENT,
               _("“%s” is not a step of the safeguarding procedure."),
               str != NULL ? str : "");
  return FALSE;
}

/**
 * ct_event_get_title:
 * @event: an event
 *
 * Returns: a short translated title for @event, e.g. for a button
 */
const char *
ct_event_get_title (CtEvent event)
{
  g_return_val_if_fail (event < CT_N_EVENTS, NULL);
  return _(event_titles[event]);
}

/* ------------------------------------------------------------------------ */
/* Answers                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * ct_answers_new:
 *
 * Returns: (transfer full): an empty table of answers, from kebab-case
 *   names to #GVariant values
 */
GHashTable *
ct_answers_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_variant_unref);
}

/**
 * ct_answers_set_text:
 * @answers: answers from ct_answers_new()
 * @name: the answer's kebab-case name
 * @value: the text
 */
void
ct_answers_set_text (GHashTable *answers,
                     const char *name,
                     const char *value)
{
  g_return_if_fail (answers != NULL && name != NULL && value != NULL);
  g_hash_table_replace (answers, g_strdup (name),
                        g_variant_ref_sink (g_variant_new_string (value)));
}

/**
 * ct_answers_set_boolean:
 * @answers: answers from ct_answers_new()
 * @name: the answer's kebab-case name
 * @value: yes or no
 */
void
ct_answers_set_boolean (GHashTable *answers,
                        const char *name,
                        gboolean    value)
{
  g_return_if_fail (answers != NULL && name != NULL);
  g_hash_table_replace (answers, g_strdup (name),
                        g_variant_ref_sink (g_variant_new_boolean (value)));
}

/**
 * ct_answers_set_int64:
 * @answers: answers from ct_answers_new()
 * @name: the answer's kebab-case name
 * @value: a whole number
 */
void
ct_answers_set_int64 (GHashTable *answers,
                      const char *name,
                      gint64      value)
{
  g_return_if_fail (answers != NULL && name != NULL);
  g_hash_table_replace (answers, g_strdup (name),
                        g_variant_ref_sink (g_variant_new_int64 (value)));
}

/**
 * ct_answers_set_strv:
 * @answers: answers from ct_answers_new()
 * @name: the answer's kebab-case name
 * @value: (array zero-terminated=1): a list of strings
 */
void
ct_answers_set_strv (GHashTable         *answers,
                     const char         *name,
                     const char * const *value)
{
  g_return_if_fail (answers != NULL && name != NULL && value != NULL);
  g_hash_table_replace (answers, g_strdup (name),
                        g_variant_ref_sink (g_variant_new_strv (value, -1)));
}

/**
 * ct_answers_from_variant:
 * @dict: a dictionary of type a{sv}
 *
 * Returns: (transfer full): the answers in @dict
 */
GHashTable *
ct_answers_from_variant (GVariant *dict)
{
  GHashTable *answers = ct_answers_new ();
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (dict != NULL, answers);
  g_return_val_if_fail (g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT), answers);

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    g_hash_table_replace (answers, g_strdup (key), value);

  return answers;
}

/* qsort() comparison for an array of strings. */
static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * ct_answers_to_variant:
 * @answers: answers
 *
 * Returns: (transfer floating): @answers as an a{sv} dictionary, keys sorted
 */
GVariant *
ct_answers_to_variant (GHashTable *answers)
{
  GVariantBuilder builder;
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (answers != NULL)
    {
      keys = g_hash_table_get_keys_as_array (answers, &n);
      qsort (keys, n, sizeof (gpointer), compare_names);
      for (guint i = 0; i < n; i++)
        g_variant_builder_add (&builder, "{sv}", (const char *) keys[i],
                               g_hash_table_lookup (answers, keys[i]));
    }
  return g_variant_builder_end (&builder);
}

/* ------------------------------------------------------------------------ */
/* The procedure table                                                       */
/* ------------------------------------------------------------------------ */

typedef enum
{
  REQ_TEXT,    /* non-blank text */
  REQ_YES_NO,  /* a yes/no answer, either way */
  REQ_YES,     /* must be yes */
  REQ_CHOICE,  /* one of the '|'-separated choices */
} RequirementKind;

/*
 * One thing the policy requires to have been recorded before an event is
 * accepted. @when, if set, limits the requirement to events whose answers
 * match it: "name=value" or "name!=value", where booleans read "yes"/"no";
 * an unanswered name matches neither.
 */
typedef struct
{
  const char      *answer;
  RequirementKind  kind;
  const char      *choices;
  const char      *when;
  const char      *missing;
} Requirement;

/* Chooses between rows with the same state and event (NULL: always). */
typedef gboolean (*RouteFunc) (const CtCaseSnapshot *snapshot,
                               GHashTable           *answers);

/* Checks facts recorded by earlier events; sets a message if unmet. */
typedef const char * (*FactCheckFunc) (const CtCaseSnapshot *snapshot,
                                       GHashTable           *answers);

#define MAX_REQUIREMENTS 16

struct _CtTransitionRule
{
  guint32         from;      /* mask of (1 << CtState) */
  CtEvent         event;
  RouteFunc       route;
  Requirement     requires[MAX_REQUIREMENTS];
  FactCheckFunc   check;
  CtState         to;        /* SAME: stays where it is */
  guint           start;     /* mask of (1 << CtClockKind) */
  guint           stop;
  const char     *what;      /* chronology wording, see expand_template() */
  const char     *why;
};

#define SAME CT_N_STATES
#define S(x) (1u << CT_STATE_##x)
#define C(x) (1u << CT_CLOCK_##x)

#define CHILD_PROTECTION_OPEN (S (CONCERN_RECORDED) | S (ESCALATED) | S (CONSULTING) | \
                               S (FAMILY_DISCUSSION) | S (REFERRAL_DUE) |              \
                               S (CONFIRMATION_DUE) | S (AWAITING_DECISION) |          \
                               S (OUTCOME_RECORDED) | S (OUTCOME_DISPUTED) | S (MONITORING))
#define AFTER_DECISION_TO_REFER (S (REFERRAL_DUE) | S (CONFIRMATION_DUE) | S (AWAITING_DECISION) | \
                                 S (OUTCOME_RECORDED) | S (OUTCOME_DISPUTED) | S (MONITORING))
/* Open, with a referral made: the written confirmation and what follows. */
#define AFTER_REFERRAL (S (CONFIRMATION_DUE) | S (AWAITING_DECISION) | S (OUTCOME_RECORDED) | \
                        S (OUTCOME_DISPUTED) | S (MONITORING))
#define EVERY_CASE (((1u << CT_N_STATES) - 1) & ~S (NEW))
#define REFERRAL_CLOCKS (C (WRITTEN_CONFIRMATION) | C (LA_DECISION) | C (LA_CHASE))
/* The clocks between a concern and its referral; a referral stops them. */
#define BEFORE_REFERRAL_CLOCKS (C (ESCALATION) | C (URGENT_REFERRAL) | C (DECISION) | C (REFERRAL))

/* After every case, whatever its outcome (seed 000): support for the person
 * who raised the concern, and telling them the outcome. */
#define RAISER_SUPPORT \
  { "raiser-support", REQ_TEXT, NULL, NULL, N_("Say how the person who raised the concern was supported, and what they were told of the outcome.") }
/* Where a referral is made, the person who raised the concern is told, and
 * encouraged to refer it themselves too, unless that could put the child at
 * risk (seed 000). */
#define RAISER_TOLD \
  { "raiser-told", REQ_YES_NO, NULL, NULL, N_("Say whether the person who raised the concern was told that a referral is being made.") }, \
  { "raiser-encouraged", REQ_YES_NO, NULL, "raiser-told=yes", N_("Say whether the person who raised the concern was encouraged to refer it themselves too.") }, \
  { "raiser-reason", REQ_TEXT, NULL, "raiser-told=no", N_("A reason is needed for not telling the person who raised the concern about the referral (for example, that it could put the child at further risk).") }, \
  { "raiser-reason", REQ_TEXT, NULL, "raiser-encouraged=no", N_("A reason is needed for not encouraging the person who raised the concern to refer it themselves.") }
#define RAISER_TOLD_WORDING \
  "[?raiser-told: The person who raised the concern was told of the referral[?raiser-encouraged: and encouraged to refer it themselves too.][!raiser-encouraged: but not encouraged to refer it themselves: {raiser-reason}.]][!raiser-told: The person who raised the concern was not told of the referral: {raiser-reason}.]"

static gboolean route_no_exception_family_not_told (const CtCaseSnapshot *, GHashTable *);
static gboolean route_exception_holds (const CtCaseSnapshot *, GHashTable *);
static gboolean route_no_exception_family_told (const CtCaseSnapshot *, GHashTable *);
static gboolean route_is_allegation (const CtCaseSnapshot *, GHashTable *);
static gboolean route_is_not_allegation (const CtCaseSnapshot *, GHashTable *);
static gboolean route_allegation_lado_not_told (const CtCaseSnapshot *, GHashTable *);
static gboolean route_allegation_lado_told (const CtCaseSnapshot *, GHashTable *);
static gboolean route_immediate_risk (const CtCaseSnapshot *, GHashTable *);
static const char *check_urgent_path (const CtCaseSnapshot *, GHashTable *);
static const char *check_family_may_be_approached (const CtCaseSnapshot *, GHashTable *);
static const char *check_dbs_decision (const CtCaseSnapshot *, GHashTable *);
static const char *check_allegation_complete (const CtCaseSnapshot *, GHashTable *);
static const char *check_referral_details_given (const CtCaseSnapshot *, GHashTable *);

/*
 * THE PROCEDURE. One row per transition, in the order of the policy
 * (PROCEDURE.md; seed 000 "Procedures when a safeguarding concern arises",
 * seeds 002, 003 and 004). For an event in a state the first row whose
 * state mask contains the state and whose route (if any) accepts the answers
 * is used; its requirements and fact check are its guard.
 *
 * Wording: {name} is replaced by an answer; a [segment] is left out unless
 * every answer it names was given; "[?name: …]" is kept only if that answer
 * is yes (or non-blank), "[!name: …]" only if it is no or not given; the text
 * after the colon, spaces included, is the segment. Translators: keep the
 * {names} and [?names:] as they are.
 *
 * Besides moving the case, some events record facts later guards read (see
 * record_facts()): an exception to telling the family, agreement to approach
 * the family, the family told, the regulated-activity and DBS decisions.
 * Closing a case stops every clock and starts the retention review.
 */
static const CtTransitionRule transitions[] = {
  /* 1. Record the concern on the reporting form; escalation is due the same
   *    working day (the next one after the office's cut-off). A new concern
   *    while monitoring starts the procedure again. */
  /* 1/3. Whoever records it says whether the child is at immediate risk:
   *      "yes" puts the case on the urgent path at once. */
  { S (NEW) | S (MONITORING), CT_EVENT_CONCERN_RECORDED, route_immediate_risk,
    { { "raised-by", REQ_TEXT, NULL, NULL, N_("Say who raised the concern.") },
      { "what", REQ_TEXT, NULL, NULL, N_("Describe what was seen or said.") },
      { "immediate-risk", REQ_YES_NO, NULL, NULL, N_("Say whether the child may be at immediate risk of harm.") } },
    NULL, CT_STATE_CONCERN_RECORDED, C (ESCALATION) | C (URGENT_REFERRAL), 0,
    N_("Concern recorded, raised by {raised-by}[ ({how})]: {what}[ The child said: “{childs-words}”.] The child may be at immediate risk: an urgent referral is due now."),
    NULL },
  { S (NEW) | S (MONITORING), CT_EVENT_CONCERN_RECORDED, NULL,
    { { "raised-by", REQ_TEXT, NULL, NULL, N_("Say who raised the concern.") },
      { "what", REQ_TEXT, NULL, NULL, N_("Describe what was seen or said.") },
      { "immediate-risk", REQ_YES_NO, NULL, NULL, N_("Say whether the child may be at immediate risk of harm.") } },
    NULL, CT_STATE_CONCERN_RECORDED, C (ESCALATION), 0,
    N_("Concern recorded, raised by {raised-by}[ ({how})]: {what}[ The child said: “{childs-words}”.]"),
    NULL },

  /* 2. Escalate to the line manager with the DSO, deputy or board member. */
  { S (CONCERN_RECORDED), CT_EVENT_ESCALATED, NULL,
    { { "line-manager", REQ_TEXT, NULL, NULL, N_("Say which line manager the concern was discussed with.") },
      { "safeguarding-lead", REQ_TEXT, NULL, NULL, N_("Say which safeguarding lead (DSO, deputy DSO or safeguarding board member) was involved.") } },
    NULL, CT_STATE_ESCALATED, C (DECISION), C (ESCALATION),
    N_("Concern discussed with the line manager, {line-manager}, and the safeguarding lead, {safeguarding-lead}.[ {summary}]"),
    NULL },

  /* 3. Immediate risk: refer at once (police in an emergency), skipping the
   *    rest. Written confirmation and the local authority's clocks start. */
  { CHILD_PROTECTION_OPEN & ~(S (CONFIRMATION_DUE) | S (AWAITING_DECISION) | S (OUTCOME_DISPUTED)),
    CT_EVENT_IMMEDIATE_RISK_REFERRAL, NULL,
    { { "risk", REQ_TEXT, NULL, NULL, N_("Describe why the child needs immediate protection.") },
      { "agency", REQ_TEXT, NULL, NULL, N_("Say which agency took the urgent referral: children’s social care, or the police in an emergency.") },
      { "how", REQ_TEXT, NULL, NULL, N_("Say how the urgent referral was made.") },
      { "to-whom", REQ_TEXT, NULL, NULL, N_("Say who took the urgent referral.") },
      RAISER_TOLD },
    NULL, CT_STATE_CONFIRMATION_DUE, REFERRAL_CLOCKS, BEFORE_REFERRAL_CLOCKS,
    N_("Urgent referral made at once to {agency} ({how}), taken by {to-whom}, because a child needed immediate protection.[ Their reference: {their-reference}.] The family is approached only once children’s social care or the police agrees." RAISER_TOLD_WORDING),
    N_("{risk}") },
  /* 3a. Only a recorded decision, with its reason, takes a case off the
   *     urgent path without an urgent referral. */
  { CHILD_PROTECTION_OPEN & ~(S (CONFIRMATION_DUE) | S (AWAITING_DECISION) | S (OUTCOME_DISPUTED)),
    CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, NULL,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for deciding that the child is not at immediate risk.") } },
    check_urgent_path, SAME, 0, C (URGENT_REFERRAL),
    N_("Decided that the child is not at immediate risk, so no urgent referral is needed; the procedure continues as usual."),
    N_("{reason}") },

  /* 7. No concerns remain: no further action; the staff member and line
   *    manager discuss support for the staff member. */
  { S (ESCALATED) | S (FAMILY_DISCUSSION) | S (REFERRAL_DUE), CT_EVENT_NO_CONCERNS_REMAIN, NULL,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for deciding that no concerns remain.") },
      { "staff-support-discussed", REQ_YES, NULL, NULL, N_("Record that the staff member and their line manager have discussed support for the staff member.") },
      RAISER_SUPPORT },
    NULL, CT_STATE_CLOSED_NFA, C (RETENTION_REVIEW), 0,
    N_("Decided that no concerns remain: no further child protection action. Support for the staff member was discussed with their line manager. Support and information for the person who raised it: {raiser-support}"),
    N_("{reason}") },

  /* 4. Concerns remain: discuss with the family unless an exception holds. */
  { S (ESCALATED), CT_EVENT_CONCERNS_REMAIN, route_no_exception_family_not_told,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for deciding that concerns remain.") },
      { "family-member-responsible", REQ_YES_NO, NULL, NULL, N_("Say whether a family member might be responsible for the harm.") },
      { "danger-to-others", REQ_YES_NO, NULL, NULL, N_("Say whether someone might be put in danger by involving the family.") },
      { "criminal-investigation", REQ_YES_NO, NULL, NULL, N_("Say whether telling the family might interfere with a criminal investigation.") } },
    NULL, CT_STATE_FAMILY_DISCUSSION, C (REFERRAL), C (DECISION),
    N_("Decided that concerns remain. None of the exceptions applies, so the concern is to be discussed with the family."),
    N_("{reason}") },
  /* 4a. …each exception recorded with its reason; the family is approached
   *     only after children's social care (or the police) agrees. */
  { S (ESCALATED), CT_EVENT_CONCERNS_REMAIN, route_exception_holds,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for deciding that concerns remain.") },
      { "family-member-responsible", REQ_YES_NO, NULL, NULL, N_("Say whether a family member might be responsible for the harm.") },
      { "danger-to-others", REQ_YES_NO, NULL, NULL, N_("Say whether someone might be put in danger by involving the family.") },
      { "criminal-investigation", REQ_YES_NO, NULL, NULL, N_("Say whether telling the family might interfere with a criminal investigation.") },
      { "family-member-responsible-reason", REQ_TEXT, NULL, "family-member-responsible=yes", N_("A reason is needed for believing a family member might be responsible for the harm.") },
      { "danger-to-others-reason", REQ_TEXT, NULL, "danger-to-others=yes", N_("A reason is needed for believing someone might be put in danger by involving the family.") },
      { "criminal-investigation-reason", REQ_TEXT, NULL, "criminal-investigation=yes", N_("A reason is needed for believing telling the family might interfere with a criminal investigation.") } },
    NULL, CT_STATE_REFERRAL_DUE, C (REFERRAL), C (DECISION),
    N_("Decided that concerns remain and that the family is not to be told yet; it may be approached only once children’s social care, or the police, agrees.[?family-member-responsible: A family member might be responsible: {family-member-responsible-reason}.][?danger-to-others: Someone might be put in danger: {danger-to-others-reason}.][?criminal-investigation: It might interfere with a criminal investigation: {criminal-investigation-reason}.]"),
    N_("{reason}") },
  /* 4b. …or the family has already been spoken to: the referral is next. */
  { S (ESCALATED), CT_EVENT_CONCERNS_REMAIN, route_no_exception_family_told,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for deciding that concerns remain.") } },
    NULL, CT_STATE_REFERRAL_DUE, C (REFERRAL), C (DECISION),
    N_("Decided that concerns remain. The family has already been spoken to, so a referral is to be made."),
    N_("{reason}") },

  /* 5. Uncertain: consult children's social care where the child lives, or
   *    the NSPCC helpline without naming the child or family. */
  { S (ESCALATED) | S (FAMILY_DISCUSSION) | S (REFERRAL_DUE), CT_EVENT_UNCERTAIN, NULL,
    { { "reason", REQ_TEXT, NULL, NULL, N_("Say what is uncertain about the concern, so that the advice sought can address it.") } },
    NULL, CT_STATE_CONSULTING, 0, 0,
    N_("Still uncertain about the concern; advice to be sought."),
    N_("{reason}") },
  /* 5a. The advice is recorded, and the decision is taken again. */
  { S (CONSULTING), CT_EVENT_ADVICE_RECORDED, NULL,
    { { "consulted", REQ_CHOICE, "csc|nspcc", NULL, N_("Say who was consulted: children’s social care (csc) or the NSPCC helpline (nspcc).") },
      { "anonymous", REQ_YES, NULL, "consulted=nspcc", N_("The NSPCC helpline is consulted without naming the child or family: record that the consultation was anonymous.") },
      { "anonymous", REQ_YES_NO, NULL, "consulted=csc", N_("Say whether the child and family were named to children’s social care.") },
      { "advice", REQ_TEXT, NULL, NULL, N_("Record the advice that was given.") } },
    NULL, CT_STATE_ESCALATED, 0, 0,
    N_("Advice sought from {consulted}[ ({adviser})][?anonymous: without naming the child or family]: {advice}"),
    NULL },

  /* 4c. The family is told (no exception): then the referral, if still needed. */
  { S (FAMILY_DISCUSSION), CT_EVENT_FAMILY_DISCUSSED, NULL,
    { { "with-whom", REQ_TEXT, NULL, NULL, N_("Say which family members the concern was discussed with.") },
      { "summary", REQ_TEXT, NULL, NULL, N_("Record what was said in the discussion with the family.") } },
    NULL, CT_STATE_REFERRAL_DUE, 0, 0,
    N_("Concern discussed with the family ({with-whom}): {summary}"),
    NULL },
  /* 4d. Later discussions with the family, once any agreement needed is recorded. */
  { AFTER_DECISION_TO_REFER, CT_EVENT_FAMILY_DISCUSSED, NULL,
    { { "with-whom", REQ_TEXT, NULL, NULL, N_("Say which family members the concern was discussed with.") },
      { "summary", REQ_TEXT, NULL, NULL, N_("Record what was said in the discussion with the family.") } },
    check_family_may_be_approached, SAME, 0, 0,
    N_("Concern discussed with the family ({with-whom}): {summary}"),
    NULL },
  { AFTER_DECISION_TO_REFER, CT_EVENT_FAMILY_APPROACH_AGREED, NULL,
    { { "agreed-with", REQ_CHOICE, "csc|police", NULL, N_("Say who agreed that the family may be approached: children’s social care (csc) or the police (police).") },
      { "agreed-by", REQ_TEXT, NULL, NULL, N_("Say who at that agency agreed that the family may be approached.") } },
    NULL, SAME, 0, 0,
    N_("Agreement that the family may now be approached was given by {agreed-by} of {agreed-with}."),
    NULL },

  /* 6. Refer to children's social care for the area where the child lives;
   *    confirm in writing within the authority's period. Early help is
   *    voluntary: only with the family's consent. */
  { S (REFERRAL_DUE), CT_EVENT_REFERRAL_MADE, NULL,
    { { "agency", REQ_TEXT, NULL, NULL, N_("Say which children’s social care team, for the area where the child lives, the referral was made to.") },
      { "how", REQ_TEXT, NULL, NULL, N_("Say how the referral was made (for example by telephone or online form).") },
      { "to-whom", REQ_TEXT, NULL, NULL, N_("Say who took the referral.") },
      { "their-reference", REQ_TEXT, NULL, NULL, N_("Record the local authority’s reference for the referral.") },
      { "what-shared", REQ_TEXT, NULL, NULL, N_("Record what information was shared in the referral.") },
      { "referral-type", REQ_CHOICE, "child-protection|early-help", NULL, N_("Say whether this is a child protection referral (child-protection) or an early help referral (early-help).") },
      { "consent", REQ_CHOICE, "given|refused|not-sought", NULL, N_("Say whether the family consented to the referral: given, refused or not-sought.") },
      { "consent-reason", REQ_TEXT, NULL, "consent!=given", N_("A reason is needed for referring without the family’s consent.") },
      { "consent", REQ_CHOICE, "given", "referral-type=early-help", N_("Early help is voluntary: an early help referral needs the family’s consent.") },
      RAISER_TOLD },
    NULL, CT_STATE_CONFIRMATION_DUE, REFERRAL_CLOCKS, BEFORE_REFERRAL_CLOCKS,
    N_("Referral for {referral-type} made to {agency} ({how}), taken by {to-whom}, reference {their-reference}. Shared: {what-shared}. The family’s consent: {consent}." RAISER_TOLD_WORDING),
    N_("{consent-reason}") },
  /* The referral may be confirmed with Caretrail's letter or without it (on
   * the authority's portal or its own form, say): either way the method is
   * recorded. Entries made before there was a method keep their "how". */
  { S (CONFIRMATION_DUE), CT_EVENT_CONFIRMATION_SENT, NULL,
    { { "method", REQ_CHOICE, "portal|their-form|secure-email|email|post|hand", NULL, N_("Say how the referral was confirmed in writing: on the local authority’s portal (portal), on their own form (their-form), by secure email (secure-email), by email (email), by post (post) or by hand (hand).") },
      { "to-whom", REQ_TEXT, NULL, NULL, N_("Say who the written confirmation was sent to.") } },
    NULL, CT_STATE_AWAITING_DECISION, 0, C (WRITTEN_CONFIRMATION),
    N_("Referral confirmed in writing to {to-whom}[ ({method})][ ({how})].[ A copy of what was sent is kept with the case ({copy}).]"),
    NULL },

  /* After the referral: the local authority decides within 1 working day;
   * chase at 3 working days (and again 3 working days after each chase). */
  { S (AWAITING_DECISION), CT_EVENT_LA_CHASED, NULL,
    { { "how", REQ_TEXT, NULL, NULL, N_("Say how the local authority was chased.") },
      { "with-whom", REQ_TEXT, NULL, NULL, N_("Say who at the local authority was contacted.") } },
    NULL, SAME, C (LA_CHASE), 0,
    N_("Local authority chased for its decision ({how}, {with-whom}).[ Reply: {response}]"),
    NULL },
  { S (AWAITING_DECISION) | S (OUTCOME_DISPUTED), CT_EVENT_OUTCOME_RECORDED, NULL,
    { { "outcome", REQ_CHOICE, "nfa|early-help|child-in-need-assessment|child-protection-enquiry", NULL, N_("Record the local authority’s decision: nfa, early-help, child-in-need-assessment or child-protection-enquiry.") },
      { "informed-by", REQ_TEXT, NULL, NULL, N_("Say who at the local authority gave the decision.") },
      { "family-consent", REQ_YES, NULL, "outcome=early-help", N_("Early help is voluntary: record that the family consented before recording early help as the outcome.") } },
    NULL, CT_STATE_OUTCOME_RECORDED, 0, C (LA_DECISION) | C (LA_CHASE),
    N_("The local authority’s decision: {outcome} (given by {informed-by})."),
    N_("{reason}") },
  { S (OUTCOME_RECORDED), CT_EVENT_OUTCOME_DISPUTED, NULL,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for challenging the local authority’s decision.") },
      { "raised-with", REQ_TEXT, NULL, NULL, N_("Say who the disagreement was raised with under the escalation policy.") } },
    NULL, CT_STATE_OUTCOME_DISPUTED, 0, 0,
    N_("The local authority’s decision was challenged under the escalation policy with {raised-with}."),
    N_("{reason}") },
  { S (OUTCOME_RECORDED), CT_EVENT_MONITORING_STARTED, NULL,
    { { "plan", REQ_TEXT, NULL, NULL, N_("Say what will be monitored, by whom and how.") } },
    NULL, CT_STATE_MONITORING, 0, 0,
    N_("Monitoring started: {plan}"),
    NULL },
  { S (OUTCOME_RECORDED) | S (MONITORING), CT_EVENT_CASE_CLOSED, NULL,
    { { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for closing the case.") },
      RAISER_SUPPORT },
    NULL, CT_STATE_CLOSED, C (RETENTION_REVIEW), 0,
    N_("Case closed. Support and information for the person who raised the concern: {raiser-support}"),
    N_("{reason}") },

  /* Allegations against someone who works with children (seed 004): a senior
   * manager at once; the LADO within 1 working day. */
  { S (NEW), CT_EVENT_ALLEGATION_REPORTED, NULL,
    { { "about", REQ_TEXT, NULL, NULL, N_("Say who the allegation is about (their name and role).") },
      { "what", REQ_TEXT, NULL, NULL, N_("Describe what is alleged.") },
      { "reported-by", REQ_TEXT, NULL, NULL, N_("Say who reported the allegation.") },
      { "senior-manager", REQ_TEXT, NULL, NULL, N_("Say which senior manager the allegation was reported to; it must go to one at once.") } },
    NULL, CT_STATE_ALLEGATION_REPORTED, C (LADO), 0,
    N_("Allegation reported by {reported-by} against {about}, and passed at once to the senior manager ({senior-manager}): {what}"),
    NULL },
  /* An allegation, a concern about the quality of care or practice, or a
   * complaint: only allegations go to the LADO. */
  { S (ALLEGATION_REPORTED), CT_EVENT_ALLEGATION_CLASSIFIED, route_allegation_lado_not_told,
    { { "classification", REQ_CHOICE, "allegation|quality-of-care|complaint", NULL, N_("Say whether this is an allegation, a concern about the quality of care or practice, or a complaint (allegation, quality-of-care or complaint).") },
      { "category", REQ_CHOICE, "harmed|offence|risk-of-harm|unsuitability", NULL, N_("Say what kind of allegation this is: harmed, offence, risk-of-harm or unsuitability.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for how the matter was classified.") } },
    NULL, CT_STATE_LADO_DUE, 0, 0,
    N_("Treated as an allegation: the person is said to have {category}. The LADO is to be informed."),
    N_("{reason}") },
  /* The LADO may be told before the organisation's own triage is recorded. */
  { S (ALLEGATION_REPORTED), CT_EVENT_ALLEGATION_CLASSIFIED, route_allegation_lado_told,
    { { "classification", REQ_CHOICE, "allegation|quality-of-care|complaint", NULL, N_("Say whether this is an allegation, a concern about the quality of care or practice, or a complaint (allegation, quality-of-care or complaint).") },
      { "category", REQ_CHOICE, "harmed|offence|risk-of-harm|unsuitability", NULL, N_("Say what kind of allegation this is: harmed, offence, risk-of-harm or unsuitability.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for how the matter was classified.") } },
    NULL, CT_STATE_ALLEGATION_MANAGED, 0, 0,
    N_("Treated as an allegation: the person is said to have {category}. The LADO has already been informed."),
    N_("{reason}") },
  /* Classing it as not an allegation says whether the LADO was consulted;
   * the LADO clock stops only with that said. */
  { S (ALLEGATION_REPORTED), CT_EVENT_ALLEGATION_CLASSIFIED, route_is_not_allegation,
    { { "classification", REQ_CHOICE, "allegation|quality-of-care|complaint", NULL, N_("Say whether this is an allegation, a concern about the quality of care or practice, or a complaint (allegation, quality-of-care or complaint).") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for how the matter was classified.") },
      { "handled-under", REQ_TEXT, NULL, NULL, N_("Say which procedure will deal with it instead (for example the complaints procedure).") },
      { "lado-consulted", REQ_YES_NO, NULL, NULL, N_("Say whether the LADO was consulted about treating this as not an allegation.") },
      { "lado-advice", REQ_TEXT, NULL, "lado-consulted=yes", N_("Record what the LADO advised.") },
      { "lado-not-consulted-reason", REQ_TEXT, NULL, "lado-consulted=no", N_("A reason is needed for not consulting the LADO before treating this as not an allegation.") },
      RAISER_SUPPORT },
    NULL, CT_STATE_CLOSED, C (RETENTION_REVIEW), 0,
    N_("Treated as {classification}, not an allegation; it will be dealt with under {handled-under}.[?lado-consulted: The LADO was consulted and advised: {lado-advice}][!lado-consulted: The LADO was not consulted: {lado-not-consulted-reason}] The one-working-day clock for informing the LADO stops with this decision. Support and information for the person who raised it: {raiser-support}"),
    N_("{reason}") },
  { S (ALLEGATION_REPORTED), CT_EVENT_LADO_INFORMED, NULL,
    { { "lado", REQ_TEXT, NULL, NULL, N_("Say which designated officer (LADO) was informed.") },
      { "how", REQ_TEXT, NULL, NULL, N_("Say how the LADO was informed.") } },
    NULL, SAME, 0, C (LADO),
    N_("The LADO, {lado}, was informed ({how}).[ Advice: {advice}]"),
    NULL },
  { S (LADO_DUE), CT_EVENT_LADO_INFORMED, NULL,
    { { "lado", REQ_TEXT, NULL, NULL, N_("Say which designated officer (LADO) was informed.") },
      { "how", REQ_TEXT, NULL, NULL, N_("Say how the LADO was informed.") } },
    NULL, CT_STATE_ALLEGATION_MANAGED, 0, C (LADO),
    N_("The LADO, {lado}, was informed ({how}).[ Advice: {advice}]"),
    NULL },
  { S (ALLEGATION_MANAGED), CT_EVENT_REGULATED_ACTIVITY_DECIDED, NULL,
    { { "removed", REQ_YES_NO, NULL, NULL, N_("Say whether the person was removed from regulated activity (or would have been, had they not left).") },
      { "because-of-risk", REQ_YES_NO, NULL, "removed=yes", N_("Say whether the person was removed because they may pose a risk of harm to children.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for the decision about regulated activity.") } },
    NULL, SAME, 0, 0,
    N_("[?removed: The person was removed from regulated activity[?because-of-risk: because they may pose a risk of harm to children].][!removed: The person was not removed from regulated activity.]"),
    N_("{reason}") },
  { S (ALLEGATION_MANAGED), CT_EVENT_DBS_REFERRAL_DECIDED, NULL,
    { { "referral-made", REQ_YES_NO, NULL, NULL, N_("Say whether a referral to the Disclosure and Barring Service was made.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for the decision about a Disclosure and Barring Service referral.") } },
    check_dbs_decision, SAME, 0, 0,
    N_("A referral to the Disclosure and Barring Service was considered[?referral-made: and made][!referral-made: and not made]."),
    N_("{reason}") },
  { S (ALLEGATION_MANAGED), CT_EVENT_ALLEGATION_CONCLUDED, NULL,
    { { "outcome", REQ_CHOICE, "substantiated|unsubstantiated|unfounded|false|malicious", NULL, N_("Record the outcome of the allegation: substantiated, unsubstantiated, unfounded, false or malicious.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for the outcome of the allegation.") },
      RAISER_SUPPORT },
    check_allegation_complete, CT_STATE_CLOSED, C (RETENTION_REVIEW), 0,
    N_("Allegation concluded: {outcome}. Support and information for the person who raised it: {raiser-support}"),
    N_("{reason}") },

  /* Information sharing at any point (seed 003, the seven golden rules):
   * what, with whom, why, on what lawful basis, consent, safety, and the
   * reasons whether or not information was shared. */
  { EVERY_CASE, CT_EVENT_INFORMATION_SHARING_DECIDED, NULL,
    { { "shared", REQ_YES_NO, NULL, NULL, N_("Say whether information was shared.") },
      { "purpose", REQ_TEXT, NULL, NULL, N_("Say what the information was, or would have been, shared for.") },
      { "safety-wellbeing", REQ_TEXT, NULL, NULL, N_("Say how the safety and well-being of the child and others affected were weighed.") },
      { "consent-sought", REQ_YES_NO, NULL, NULL, N_("Say whether consent to share was sought.") },
      { "consent-given", REQ_YES_NO, NULL, "consent-sought=yes", N_("Say whether consent to share was given.") },
      { "consent-reason", REQ_TEXT, NULL, "consent-sought=no", N_("A reason is needed for not seeking consent to share.") },
      { "what", REQ_TEXT, NULL, "shared=yes", N_("Record what information was shared.") },
      { "with-whom", REQ_TEXT, NULL, "shared=yes", N_("Record who the information was shared with.") },
      { "lawful-basis", REQ_TEXT, NULL, "shared=yes", N_("Record the lawful basis for sharing the information.") },
      { "necessary-proportionate", REQ_YES, NULL, "shared=yes", N_("Confirm that what was shared was necessary, proportionate, relevant, adequate and accurate.") },
      { "how-shared", REQ_TEXT, NULL, "shared=yes", N_("Say how the information was shared securely and when.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for the decision whether to share information.") } },
    NULL, SAME, 0, 0,
    N_("[?shared: Information shared with {with-whom} ({how-shared}): {what}. Lawful basis: {lawful-basis}.][!shared: Decided not to share information.] Purpose: {purpose}.[?consent-sought: Consent was sought[?consent-given: and given][!consent-given: and not given].][!consent-sought: Consent was not sought: {consent-reason}.][ Advice taken: {advice-sought}.] Safety and well-being: {safety-wellbeing}"),
    N_("{reason}") },

  /* International cases (seed 000): another jurisdiction may forbid
   * reporting or require it; record that advice was sought there. */
  { EVERY_CASE, CT_EVENT_INTERNATIONAL_ADVICE_RECORDED, NULL,
    { { "jurisdiction", REQ_TEXT, NULL, NULL, N_("Say which country or jurisdiction the advice is about.") },
      { "adviser", REQ_TEXT, NULL, NULL, N_("Say who gave the advice (for example a lawyer in that country, or the central authority).") },
      { "advice", REQ_TEXT, NULL, NULL, N_("Record the advice that was given.") } },
    NULL, SAME, 0, 0,
    N_("Advice sought about {jurisdiction} from {adviser}: {advice}"),
    NULL },

  /* Corrections are new entries; the entry corrected stays as it was. */
  { EVERY_CASE, CT_EVENT_CORRECTION, NULL,
    { { "corrects", REQ_TEXT, NULL, NULL, N_("Say which entry this corrects.") },
      { "correction", REQ_TEXT, NULL, NULL, N_("Write the corrected account.") },
      { "reason", REQ_TEXT, NULL, NULL, N_("A reason is needed for the correction.") } },
    NULL, SAME, 0, 0,
    N_("Correction to entry {corrects}: {correction}"),
    N_("{reason}") },

  /* A note at any time, on any case, open or closed: a call, a meeting, an
   * email or letter, or a note, with what was decided and why. */
  { EVERY_CASE, CT_EVENT_NOTE, NULL,
    { { "kind", REQ_CHOICE, "phone-call|meeting|email-received|email-sent|letter-received|letter-sent|note", NULL, N_("Say what kind of note this is: phone-call, meeting, email-received, email-sent, letter-received, letter-sent or note.") },
      { "summary", REQ_TEXT, NULL, NULL, N_("Record what was said or written.") } },
    NULL, SAME, 0, 0,
    N_("{kind}[ with {with-whom}]: {summary}[ Decided: {decided}]"),
    N_("{reason}") },

  /* Once a referral is made, the details its written confirmation needs
   * can be added or corrected: a new version of the referral, the earlier
   * one kept, and an entry saying what was added. State and clocks stay. */
  { AFTER_REFERRAL, CT_EVENT_REFERRAL_DETAILS_ADDED, NULL,
    { { 0 } },
    check_referral_details_given, SAME, 0, 0,
    N_("Details added to the referral.[ Level of need believed to apply: {threshold}.][ View of the risk: {risk}][ Earlier concerns and history: {history}][ Strengths and protective factors: {strengths}][ What the organisation has done so far: {actions-taken}][ Police told: {police-told}.][ Crime reference: {crime-reference}.][ Parents or carers aware of the referral: {parents-aware}.][ Consent given by: {consent-given-by}.][ Not to be shared with the family: {withheld}][ Asked of the local authority: {what-wanted}][ Lawful basis for sharing: {lawful-basis}.]"),
    N_("{reason}") },
};

/* Display wording for the values of choice answers. */
static const struct { const char *value; const char *display; } choice_words[] = {
  { "in-person", N_("in person") },
  { "csc", N_("children’s social care") },
  { "nspcc", N_("the NSPCC helpline") },
  { "police", N_("the police") },
  { "child-protection", N_("child protection") },
  { "early-help", N_("early help") },
  { "given", N_("given") },
  { "refused", N_("refused") },
  { "not-sought", N_("not sought") },
  { "nfa", N_("no further action") },
  { "child-in-need-assessment", N_("an assessment of a child in need") },
  { "child-protection-enquiry", N_("a child protection enquiry") },
  { "legitimate-interests", N_("legitimate interests (UK GDPR Article 6(1)(f))") },
  { "vital-interests", N_("vital interests (UK GDPR Article 6(1)(d))") },
  { "legal-obligation", N_("a legal obligation (UK GDPR Article 6(1)(c))") },
  { "public-task", N_("a public task (UK GDPR Article 6(1)(e))") },
  { "allegation", N_("an allegation") },
  { "quality-of-care", N_("a concern about the quality of care or practice") },
  { "complaint", N_("a complaint") },
  { "harmed", N_("harmed, or may have harmed, a child") },
  { "offence", N_("possibly committed a criminal offence against or related to a child") },
  { "risk-of-harm", N_("behaved towards a child in a way that indicates they may pose a risk of harm to children") },
  { "unsuitability", N_("behaved in a way that indicates they may not be suitable to work with children") },
  { "substantiated", N_("substantiated") },
  { "unsubstantiated", N_("unsubstantiated") },
  { "unfounded", N_("unfounded") },
  { "false", N_("false") },
  { "malicious", N_("malicious") },
  { "phone-call", N_("Telephone call") },
  { "meeting", N_("Meeting") },
  { "email-received", N_("Email received") },
  { "email-sent", N_("Email sent") },
  { "letter-received", N_("Letter received") },
  { "letter-sent", N_("Letter sent") },
  { "note", N_("Note") },
  { "post", N_("by post") },
  { "secure-email", N_("by secure email") },
  { "hand", N_("by hand") },
  { "portal", N_("through the local authority’s online portal") },
  { "their-form", N_("on the local authority’s own form") },
  { "universal", N_("universal services") },
  { "child-in-need", N_("a child in need") },
  { "child-protection-threshold", N_("child protection (significant harm)") },
};

/* ------------------------------------------------------------------------ */
/* Answer helpers                                                            */
/* ------------------------------------------------------------------------ */

static GVariant *
lookup_answer (GHashTable *answers,
               const char *name)
{
  return answers != NULL ? g_hash_table_lookup (answers, name) : NULL;
}

static gboolean
answer_is_yes (GHashTable *answers,
               const char *name)
{
  GVariant *v = lookup_answer (answers, name);

  return v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN) &&
         g_variant_get_boolean (v);
}

static gboolean
answer_is_no (GHashTable *answers,
              const char *name)
{
  GVariant *v = lookup_answer (answers, name);

  return v != NULL && g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN) &&
         !g_variant_get_boolean (v);
}

/* A non-blank string answer, or NULL. */
static const char *
answer_text (GHashTable *answers,
             const char *name)
{
  GVariant *v = lookup_answer (answers, name);
  const char *s;

  if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    return NULL;
  s = g_variant_get_string (v, NULL);
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return s;
  return NULL;
}

/* Whether the answer is given in a way a [?name] segment counts as yes. */
static gboolean
answer_is_affirmative (GHashTable *answers,
                       const char *name)
{
  return answer_is_yes (answers, name) || answer_text (answers, name) != NULL;
}

/**
 * ct_choice_get_wording:
 * @value: the stable id of a choice
 * @translate: whether to translate it
 *
 * Returns: (nullable): how the choice reads in a chronology sentence
 *   ("children’s social care" for "csc"), translated or as written here
 *   for what is stored, or %NULL if it has no wording of its own
 */
const char *
ct_choice_get_wording (const char *value,
                       gboolean    translate)
{
  g_return_val_if_fail (value != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (choice_words); i++)
    if (strcmp (value, choice_words[i].value) == 0)
      return translate ? _(choice_words[i].display) : choice_words[i].display;
  return NULL;
}

/* The wording of a choice: translated for display, or as written here for
 * the stored chronology, which holds no translated text. */
static const char *
display_choice (const char *value,
                gboolean    translate)
{
  const char *wording = ct_choice_get_wording (value, translate);

  return wording != NULL ? wording : value;
}

/* How an answer reads in the chronology, or NULL if not given. */
static char *
format_answer (GHashTable *answers,
               const char *name,
               gboolean    translate)
{
  GVariant *v = lookup_answer (answers, name);

  if (v == NULL)
    return NULL;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (v) ? (translate ? _("yes") : "yes") : (translate ? _("no") : "no"));
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    {
      const char *s = answer_text (answers, name);
      return s != NULL ? g_strdup (display_choice (s, translate)) : NULL;
    }
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (g_variant_get_int64 (v) / G_USEC_PER_SEC);
      return dt != NULL ? ct_clock_format_iso8601 (dt) : NULL;
    }
  return g_variant_print (v, FALSE);
}

/* "name=value" / "name!=value"; yes/no compare booleans. Unanswered names
 * match neither form. */
static gboolean
condition_holds (const char *condition,
                 GHashTable *answers)
{
  g_autofree char *name = NULL;
  const char *value;
  const char *eq = strchr (condition, '=');
  gboolean negate;
  GVariant *v;
  gboolean equal;

  g_return_val_if_fail (eq != NULL, FALSE);

  negate = eq > condition && eq[-1] == '!';
  name = g_strndup (condition, (gsize) (eq - condition) - (negate ? 1 : 0));
  value = eq + 1;

  v = lookup_answer (answers, name);
  if (v == NULL)
    return FALSE;

  if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
    equal = (g_variant_get_boolean (v) ? strcmp (value, "yes") : strcmp (value, "no")) == 0;
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
    equal = g_strcmp0 (answer_text (answers, name), value) == 0;
  else
    return FALSE;

  return negate ? !equal : equal;
}

static gboolean
choice_is_one_of (const char *value,
                  const char *choices)
{
  g_auto(GStrv) list = g_strsplit (choices, "|", -1);

  return value != NULL && g_strv_contains ((const char * const *) list, value);
}

/* ------------------------------------------------------------------------ */
/* Routes and fact checks                                                    */
/* ------------------------------------------------------------------------ */

static gboolean
any_family_exception (GHashTable *answers)
{
  return answer_is_yes (answers, "family-member-responsible") ||
         answer_is_yes (answers, "danger-to-others") ||
         answer_is_yes (answers, "criminal-investigation");
}

static gboolean
no_family_exception (GHashTable *answers)
{
  return answer_is_no (answers, "family-member-responsible") &&
         answer_is_no (answers, "danger-to-others") &&
         answer_is_no (answers, "criminal-investigation");
}

static gboolean
route_no_exception_family_not_told (const CtCaseSnapshot *snapshot,
                                    GHashTable           *answers)
{
  return no_family_exception (answers) &&
         !(snapshot->flags & CT_CASE_FLAG_FAMILY_DISCUSSED);
}

static gboolean
route_exception_holds (const CtCaseSnapshot *snapshot,
                       GHashTable           *answers)
{
  return any_family_exception (answers);
}

static gboolean
route_no_exception_family_told (const CtCaseSnapshot *snapshot,
                                GHashTable           *answers)
{
  return no_family_exception (answers) &&
         (snapshot->flags & CT_CASE_FLAG_FAMILY_DISCUSSED);
}

static gboolean
route_is_allegation (const CtCaseSnapshot *snapshot,
                     GHashTable           *answers)
{
  return g_strcmp0 (answer_text (answers, "classification"), "allegation") == 0;
}

static gboolean
route_is_not_allegation (const CtCaseSnapshot *snapshot,
                         GHashTable           *answers)
{
  return choice_is_one_of (answer_text (answers, "classification"), "quality-of-care|complaint");
}

static gboolean
route_allegation_lado_not_told (const CtCaseSnapshot *snapshot,
                                GHashTable           *answers)
{
  return route_is_allegation (snapshot, answers) &&
         !(snapshot->flags & CT_CASE_FLAG_LADO_INFORMED);
}

static gboolean
route_allegation_lado_told (const CtCaseSnapshot *snapshot,
                            GHashTable           *answers)
{
  return route_is_allegation (snapshot, answers) &&
         (snapshot->flags & CT_CASE_FLAG_LADO_INFORMED);
}

static gboolean
route_immediate_risk (const CtCaseSnapshot *snapshot,
                      GHashTable           *answers)
{
  return answer_is_yes (answers, "immediate-risk");
}

static const char *
check_urgent_path (const CtCaseSnapshot *snapshot,
                   GHashTable           *answers)
{
  if (!(snapshot->flags & CT_CASE_FLAG_IMMEDIATE_RISK))
    return N_("The case is not on the urgent path: nobody recorded that the child may be at immediate risk.");
  return NULL;
}

static const char *
check_family_may_be_approached (const CtCaseSnapshot *snapshot,
                                GHashTable           *answers)
{
  if ((snapshot->flags & CT_CASE_FLAG_FAMILY_EXCEPTION) &&
      !(snapshot->flags & CT_CASE_FLAG_FAMILY_APPROACH_AGREED))
    return N_("The family may be approached only after children’s social care, or the police where there is a criminal investigation, has agreed: record that agreement first.");
  return NULL;
}

static const char *
check_dbs_decision (const CtCaseSnapshot *snapshot,
                    GHashTable           *answers)
{
  if (!(snapshot->flags & CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED))
    return N_("Record whether the person was removed from regulated activity before the decision about a Disclosure and Barring Service referral.");
  if ((snapshot->flags & CT_CASE_FLAG_REMOVED_FOR_RISK) && answer_is_no (answers, "referral-made"))
    return N_("A referral to the Disclosure and Barring Service must be made when someone is removed from regulated activity because they may pose a risk of harm to children.");
  return NULL;
}

static const char *
check_allegation_complete (const CtCaseSnapshot *snapshot,
                           GHashTable           *answers)
{
  if (!(snapshot->flags & CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED))
    return N_("Record whether the person was removed from regulated activity before concluding the allegation.");
  if (!(snapshot->flags & CT_CASE_FLAG_DBS_DECIDED))
    return N_("Record whether a referral to the Disclosure and Barring Service was considered before concluding the allegation.");
  if ((snapshot->flags & CT_CASE_FLAG_REMOVED_FOR_RISK) && !(snapshot->flags & CT_CASE_FLAG_DBS_REFERRED))
    return N_("A referral to the Disclosure and Barring Service must be made when someone is removed from regulated activity because they may pose a risk of harm to children.");
  return NULL;
}

/* The details a "referral-details-added" step may add to the referral, as
 * the referral step's optional questions name them. */
static const char * const referral_details[] = {
  "threshold", "risk", "history", "strengths", "police-told", "crime-reference",
  "parents-aware", "consent-given-by", "withheld", "what-wanted", "lawful-basis",
  "actions-taken",
};

static const char *
check_referral_details_given (const CtCaseSnapshot *snapshot,
                              GHashTable           *answers)
{
  const char *threshold = answer_text (answers, "threshold");
  const char *basis = answer_text (answers, "lawful-basis");

  if (threshold != NULL &&
      !choice_is_one_of (threshold, "universal|early-help|child-in-need|child-protection-threshold"))
    return N_("Give the level of need as universal, early-help, child-in-need or child-protection-threshold.");
  if (basis != NULL &&
      !choice_is_one_of (basis, "legitimate-interests|vital-interests|legal-obligation|public-task"))
    return N_("Give the lawful basis for sharing as legitimate-interests, vital-interests, legal-obligation or public-task.");
  for (guint i = 0; i < G_N_ELEMENTS (referral_details); i++)
    if (answer_text (answers, referral_details[i]) != NULL ||
        answer_is_yes (answers, referral_details[i]) || answer_is_no (answers, referral_details[i]))
      return NULL;
  return N_("Give at least one detail to add to the referral.");
}

/* The facts an accepted event records for later guards. */
static void
record_facts (CtCaseSnapshot *snapshot,
              CtEvent         event,
              GHashTable     *answers)
{
  switch (event)
    {
    case CT_EVENT_CONCERN_RECORDED:
      /* A new concern (while monitoring) is decided afresh: what was agreed
       * about the family for the last one does not carry over. */
      snapshot->flags &= ~(CT_CASE_FLAG_FAMILY_EXCEPTION | CT_CASE_FLAG_FAMILY_APPROACH_AGREED |
                           CT_CASE_FLAG_FAMILY_DISCUSSED | CT_CASE_FLAG_IMMEDIATE_RISK |
                           CT_CASE_FLAG_URGENT_REFERRAL_MADE);
      if (answer_is_yes (answers, "immediate-risk"))
        snapshot->flags |= CT_CASE_FLAG_IMMEDIATE_RISK;
      break;
    case CT_EVENT_IMMEDIATE_RISK_REFERRAL:
      /* The person responsible may be in the family: after an urgent
       * referral the family is approached only once children's social care
       * or the police agrees. */
      snapshot->flags &= ~CT_CASE_FLAG_IMMEDIATE_RISK;
      snapshot->flags |= CT_CASE_FLAG_URGENT_REFERRAL_MADE | CT_CASE_FLAG_FAMILY_EXCEPTION;
      break;
    case CT_EVENT_IMMEDIATE_RISK_RECONSIDERED:
      snapshot->flags &= ~CT_CASE_FLAG_IMMEDIATE_RISK;
      break;
    case CT_EVENT_REFERRAL_MADE:
    case CT_EVENT_NO_CONCERNS_REMAIN:
      snapshot->flags &= ~CT_CASE_FLAG_IMMEDIATE_RISK;
      break;
    case CT_EVENT_LADO_INFORMED:
      snapshot->flags |= CT_CASE_FLAG_LADO_INFORMED;
      break;
    case CT_EVENT_ALLEGATION_REPORTED:
      snapshot->flags |= CT_CASE_FLAG_ALLEGATION;
      break;
    case CT_EVENT_CONCERNS_REMAIN:
      if (any_family_exception (answers))
        snapshot->flags |= CT_CASE_FLAG_FAMILY_EXCEPTION;
      break;
    case CT_EVENT_FAMILY_APPROACH_AGREED:
      snapshot->flags |= CT_CASE_FLAG_FAMILY_APPROACH_AGREED;
      break;
    case CT_EVENT_FAMILY_DISCUSSED:
      snapshot->flags |= CT_CASE_FLAG_FAMILY_DISCUSSED;
      break;
    case CT_EVENT_REGULATED_ACTIVITY_DECIDED:
      snapshot->flags |= CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED;
      if (answer_is_yes (answers, "removed") && answer_is_yes (answers, "because-of-risk"))
        snapshot->flags |= CT_CASE_FLAG_REMOVED_FOR_RISK;
      else
        snapshot->flags &= ~CT_CASE_FLAG_REMOVED_FOR_RISK;
      break;
    case CT_EVENT_DBS_REFERRAL_DECIDED:
      snapshot->flags |= CT_CASE_FLAG_DBS_DECIDED;
      if (answer_is_yes (answers, "referral-made"))
        snapshot->flags |= CT_CASE_FLAG_DBS_REFERRED;
      break;
    default:
      break;
    }
}

/* ------------------------------------------------------------------------ */
/* Wording                                                                   */
/* ------------------------------------------------------------------------ */

/* Expands {name} placeholders in @tmpl (at most @len bytes). Returns FALSE
 * if a placeholder has no answer. */
static gboolean
expand_span (GString    *out,
             const char *tmpl,
             gsize       len,
             GHashTable *answers,
             gboolean    translate)
{
  const char *p = tmpl;
  const char *end = tmpl + len;
  gboolean complete = TRUE;

  while (p < end)
    {
      if (*p == '{')
        {
          const char *close = memchr (p, '}', (gsize) (end - p));
          g_autofree char *name = NULL;
          g_autofree char *value = NULL;

          if (close == NULL)
            break;
          name = g_strndup (p + 1, (gsize) (close - p - 1));
          value = format_answer (answers, name, translate);
          if (value == NULL)
            complete = FALSE;
          else
            g_string_append (out, value);
          p = close + 1;

          /* An answer that ends a sentence itself takes the place of the
           * wording's full stop, so "notes." never reads "notes..", and a
           * quotation that ends its own sentence, “… plate.”, is not
           * followed by another. */
          if (value != NULL && value[0] != '\0' &&
              strchr (".!?", value[strlen (value) - 1]) != NULL)
            {
              static const char close_quote[] = "\u201d";
              gsize quote_len = sizeof close_quote - 1;

              if (p < end && *p == '.')
                p++;
              else if ((gsize) (end - p) > quote_len && memcmp (p, close_quote, quote_len) == 0 &&
                       p[quote_len] == '.')
                {
                  g_string_append_len (out, p, (gssize) quote_len);
                  p += quote_len + 1;
                }
            }
        }
      else if (*p == '[')
        {
          /* A nested segment: find its matching close. */
          const char *q = p + 1;
          int depth = 1;
          gboolean include = TRUE;
          const char *body = p + 1;
          g_autoptr(GString) inner = g_string_new (NULL);

          while (q < end && depth > 0)
            {
              if (*q == '[')
                depth++;
              else if (*q == ']')
                depth--;
              if (depth > 0)
                q++;
            }

          if (*body == '?' || *body == '!')
            {
              const char *colon = memchr (body, ':', (gsize) (q - body));
              g_autofree char *name = NULL;

              if (colon == NULL)
                colon = q;
              name = g_strndup (body + 1, (gsize) (colon - body - 1));
              if (*body == '?')
                include = answer_is_affirmative (answers, name);
              else
                include = !answer_is_affirmative (answers, name);
              body = colon < q ? colon + 1 : q;
            }

          if (include && expand_span (inner, body, (gsize) (q - body), answers, translate))
            g_string_append_len (out, inner->str, (gssize) inner->len);
          p = q < end ? q + 1 : end;
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  return complete;
}

static char *
expand_template (const char *tmpl,
                 GHashTable *answers,
                 gboolean    translate)
{
  GString *out = g_string_new (NULL);
  const char *text = translate ? _(tmpl) : tmpl;

  expand_span (out, text, strlen (text), answers, translate);
  g_strstrip (out->str);
  out->len = strlen (out->str);
  return g_string_free (out, FALSE);
}

static char *
format_details (GHashTable *answers,
                gboolean    translate)
{
  GString *out = g_string_new (NULL);
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  if (answers == NULL)
    return g_string_free (out, FALSE);

  keys = g_hash_table_get_keys_as_array (answers, &n);
  qsort (keys, n, sizeof (gpointer), compare_names);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *value = format_answer (answers, keys[i], translate);

      if (value != NULL)
        g_string_append_printf (out, "%s%s: %s", out->len > 0 ? "\n" : "",
                                (const char *) keys[i], value);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Applying events                                                           */
/* ------------------------------------------------------------------------ */

/**
 * ct_case_snapshot_init:
 * @snapshot: (out caller-allocates): a snapshot to initialise
 *
 * Sets @snapshot to a new case: state %CT_STATE_NEW, no flags, no clocks,
 * default settings, no dates of birth.
 */
void
ct_case_snapshot_init (CtCaseSnapshot *snapshot)
{
  g_return_if_fail (snapshot != NULL);

  memset (snapshot, 0, sizeof *snapshot);
  snapshot->state = CT_STATE_NEW;
  ct_clock_settings_init_defaults (&snapshot->settings);
  g_date_clear (&snapshot->child_birth, 1);
  g_date_clear (&snapshot->person_birth, 1);
}

/**
 * ct_case_snapshot_get_due:
 * @snapshot: a case
 * @calendar: the organisation's calendar
 * @clock: a clock
 *
 * Returns: (transfer full) (nullable): when @clock is due, or %NULL if it is
 *   not running
 */
GDateTime *
ct_case_snapshot_get_due (const CtCaseSnapshot *snapshot,
                          CtCalendar           *calendar,
                          CtClockKind           clock)
{
  g_autoptr(GDateTime) start = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (clock < CT_N_CLOCKS, NULL);

  if (!snapshot->clocks[clock].running)
    return NULL;

  start = g_date_time_new_from_unix_utc (snapshot->clocks[clock].started_at / G_USEC_PER_SEC);
  if (start == NULL)
    return NULL;

  if (clock == CT_CLOCK_RETENTION_REVIEW)
    {
      if (snapshot->flags & CT_CASE_FLAG_ALLEGATION)
        return ct_clock_allegation_retention_due (&snapshot->person_birth,
                                                  snapshot->settings.retirement_age,
                                                  start,
                                                  snapshot->settings.allegation_retention_years);
      return ct_clock_retention_due (&snapshot->child_birth, start,
                                     snapshot->settings.retention_years);
    }

  return ct_clock_due (calendar, &snapshot->settings, clock, start, NULL);
}

static gboolean
rule_matches_state (const CtTransitionRule *rule,
                    CtState                 state)
{
  return (rule->from & (1u << state)) != 0;
}

/**
 * ct_procedure_event_allowed:
 * @state: a state
 * @event: an event
 *
 * Returns: %TRUE if the procedure lets @event happen in @state (its guard
 *   may still refuse it)
 */
gboolean
ct_procedure_event_allowed (CtState state,
                            CtEvent event)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].event == event && rule_matches_state (&transitions[i], state))
      return TRUE;
  return FALSE;
}

/**
 * ct_procedure_list_events:
 * @state: a state
 *
 * Returns: (transfer full) (element-type CtEvent): the events that may
 *   happen in @state, in the order of the procedure
 */
GArray *
ct_procedure_list_events (CtState state)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (CtEvent));
  gboolean seen[CT_N_EVENTS] = { FALSE, };

  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      CtEvent e = transitions[i].event;

      if (!seen[e] && rule_matches_state (&transitions[i], state))
        {
          seen[e] = TRUE;
          g_array_append_val (events, e);
        }
    }
  return events;
}

/**
 * ct_procedure_list_steps:
 * @snapshot: a case
 *
 * The steps a case can take now, as a form or the command line offers them:
 * the events its state allows, without those its recorded facts rule out
 * (taking a case off the urgent path when it is not on it).
 *
 * Returns: (transfer full) (element-type CtEvent): the steps, in the order
 *   of the procedure
 */
GArray *
ct_procedure_list_steps (const CtCaseSnapshot *snapshot)
{
  GArray *events;

  g_return_val_if_fail (snapshot != NULL, NULL);

  events = ct_procedure_list_events (snapshot->state);
  for (guint i = events->len; i > 0; i--)
    if (g_array_index (events, CtEvent, i - 1) == CT_EVENT_IMMEDIATE_RISK_RECONSIDERED &&
        !(snapshot->flags & CT_CASE_FLAG_IMMEDIATE_RISK))
      g_array_remove_index (events, i - 1);
  return events;
}

guint
ct_procedure_get_n_rules (void)
{
  return G_N_ELEMENTS (transitions);
}

guint32
ct_procedure_rule_get_from (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (transitions), 0);
  return transitions[index].from;
}

CtEvent
ct_procedure_rule_get_event (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (transitions), CT_N_EVENTS);
  return transitions[index].event;
}

CtState
ct_procedure_rule_get_to (guint   index,
                          CtState from)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (transitions), CT_N_STATES);
  return transitions[index].to == SAME ? from : transitions[index].to;
}

/* Checks @rule's requirements against @answers; all unmet ones are named. */
static gboolean
check_requirements (const CtTransitionRule *rule,
                    const CtCaseSnapshot   *snapshot,
                    GHashTable             *answers,
                    GError                **error)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(GString) bad = g_string_new (NULL);

  for (guint i = 0; i < MAX_REQUIREMENTS && rule->requires[i].answer != NULL; i++)
    {
      const Requirement *req = &rule->requires[i];
      GVariant *v = lookup_answer (answers, req->answer);
      gboolean ok = FALSE;

      if (req->when != NULL && !condition_holds (req->when, answers))
        continue;

      switch (req->kind)
        {
        case REQ_TEXT:
          if (v != NULL && !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
            {
              g_autofree char *msg = g_strdup_printf (_("The answer “%s” must be text."), req->answer);
              g_string_append_printf (bad, "%s%s", bad->len ? " " : "", msg);
              continue;
            }
          ok = answer_text (answers, req->answer) != NULL;
          break;

        case REQ_YES_NO:
        case REQ_YES:
          if (v != NULL && !g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
            {
              g_autofree char *msg = g_strdup_printf (_("The answer “%s” must be yes or no."), req->answer);
              g_string_append_printf (bad, "%s%s", bad->len ? " " : "", msg);
              continue;
            }
          ok = req->kind == REQ_YES ? answer_is_yes (answers, req->answer) : v != NULL;
          break;

        case REQ_CHOICE:
          if (v != NULL && !g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
            {
              g_autofree char *msg = g_strdup_printf (_("The answer “%s” must be text."), req->answer);
              g_string_append_printf (bad, "%s%s", bad->len ? " " : "", msg);
              continue;
            }
          ok = choice_is_one_of (answer_text (answers, req->answer), req->choices);
          break;

        default:
          g_assert_not_reached ();
        }

      if (!ok)
        g_string_append_printf (missing, "%s%s", missing->len ? " " : "", _(req->missing));
    }

  if (bad->len > 0)
    {
      g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER, bad->str);
      return FALSE;
    }

  if (missing->len == 0 && rule->check != NULL)
    {
      const char *unmet = rule->check (snapshot, answers);

      if (unmet != NULL)
        g_string_append (missing, _(unmet));
    }

  if (missing->len > 0)
    {
      g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER, missing->str);
      return FALSE;
    }

  return TRUE;
}

static const CtTransitionRule *
find_rule (const CtCaseSnapshot *snapshot,
           CtEvent               event,
           GHashTable           *answers)
{
  const CtTransitionRule *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    {
      const CtTransitionRule *rule = &transitions[i];

      if (rule->event != event || !rule_matches_state (rule, snapshot->state))
        continue;
      if (first == NULL)
        first = rule;
      if (rule->route == NULL || rule->route (snapshot, answers))
        return rule;
    }

  /* No route fits the answers (typically because the answer that decides
   * the route is missing): the first row's requirements will say what is
   * missing. */
  return first;
}

/**
 * ct_procedure_apply:
 * @calendar: the organisation's calendar
 * @snapshot: the case as it stands
 * @event: what happened
 * @answers: (nullable): the answers recorded with it
 * @actor: who is recording it
 * @at: when it happened, and when it is recorded
 * @error: return location for a #CT_PROCEDURE_ERROR
 *
 * ct_procedure_record() for a step recorded as it happens, by @actor (a
 * name, with no staff id).
 *
 * Returns: (transfer full): the transition, or %NULL if it was refused
 */
CtTransition *
ct_procedure_apply (CtCalendar           *calendar,
                    const CtCaseSnapshot *snapshot,
                    CtEvent               event,
                    GHashTable           *answers,
                    const char           *actor,
                    GDateTime            *at,
                    GError              **error)
{
  CtStepContext context = { NULL, };

  context.staff_name = actor;
  context.occurred_at = at;
  context.recorded_at = at;
  return ct_procedure_record (calendar, snapshot, event, answers, &context, error);
}

/**
 * ct_event_is_procedure_step:
 * @event: an event
 *
 * Returns: %TRUE for the steps of the procedure; %FALSE for notes,
 *   corrections and details added to a referral, which add to the
 *   chronology at any time without moving the case, and may be about
 *   anything in its past
 */
gboolean
ct_event_is_procedure_step (CtEvent event)
{
  return event != CT_EVENT_NOTE && event != CT_EVENT_CORRECTION &&
         event != CT_EVENT_REFERRAL_DETAILS_ADDED;
}

/* A step happened when the person recording it says: never in the future,
 * and never before the step it follows. A minute's grace allows for the
 * clock moving on while the form was filled in. */
static gboolean
check_when (const CtCaseSnapshot *snapshot,
            CtEvent               event,
            GDateTime            *occurred,
            GDateTime            *recorded,
            GError              **error)
{
  gint64 occurred_us = g_date_time_to_unix (occurred) * G_USEC_PER_SEC +
                       g_date_time_get_microsecond (occurred);
  gint64 recorded_us = g_date_time_to_unix (recorded) * G_USEC_PER_SEC +
                       g_date_time_get_microsecond (recorded);

  if (occurred_us > recorded_us + 60 * G_USEC_PER_SEC)
    {
      g_autofree char *when = ct_clock_format_iso8601 (occurred);

      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME,
                   _("The time given for when this happened (%s) is in the future. Give the time it happened, or leave it as now."),
                   when);
      return FALSE;
    }

  if (ct_event_is_procedure_step (event) && snapshot->last_step_at > 0 &&
      occurred_us / G_USEC_PER_SEC < snapshot->last_step_at / G_USEC_PER_SEC)
    {
      g_autoptr(GDateTime) last = g_date_time_new_from_unix_utc (snapshot->last_step_at / G_USEC_PER_SEC);
      g_autofree char *last_text = ct_clock_format_iso8601 (last);
      g_autofree char *when = ct_clock_format_iso8601 (occurred);

      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME,
                   _("This step cannot have happened at %s, before the step it follows (recorded as happening at %s). Check the time, or record a correction of the earlier entry."),
                   when, last_text);
      return FALSE;
    }

  return TRUE;
}

/* "When" in a chronology entry: when it happened, and when it was recorded
 * if that was more than an hour later, since a court may ask. */
static char *
format_when (GDateTime *occurred,
             GDateTime *recorded,
             gboolean   translate)
{
  g_autofree char *when = ct_clock_format_iso8601 (occurred);
  g_autofree char *recorded_text = NULL;

  if (g_date_time_difference (recorded, occurred) <= G_TIME_SPAN_HOUR)
    return g_steal_pointer (&when);

  recorded_text = ct_clock_format_iso8601 (recorded);
  /* Translators: when something happened, then when it was written down */
  /* Translators: when something happened, then when it was written down */
  return g_strdup_printf (translate ? _("%s (recorded %s)") : "%s (recorded %s)", when, recorded_text);
}

/* Escalation due on a day that is not a working day: say so as the concern
 * is recorded, and name the way to reach someone out of hours. */
static char *
escalation_notice (CtCalendar *calendar,
                   GDateTime  *recorded,
                   guint       cutoff_minutes,
                   const char *out_of_hours)
{
  GDate due;
  g_autofree char *day = NULL;

  if (!ct_clock_escalation_notice (calendar, recorded, cutoff_minutes, &due))
    return NULL;

  day = ct_format_weekday (&due);

  if (out_of_hours != NULL && out_of_hours[0] != '\0')
    return g_strdup_printf (_("Escalation is due by the end of %s, which is not a working day. Escalate it now, or use the out-of-hours route: %s"),
                            day, out_of_hours);
  return g_strdup_printf (_("Escalation is due by the end of %s, which is not a working day. Escalate it now, or use the local authority’s emergency duty team. Set your organisation’s out-of-hours route in Preferences."),
                          day);
}

static char *
make_notice (CtCalendar          *calendar,
             const CtTransition  *t,
             const CtStepContext *context)
{
  if (!(t->clocks_started & (1u << CT_CLOCK_ESCALATION)))
    return NULL;
  return escalation_notice (calendar, t->at, t->snapshot.settings.cutoff_minutes, context->out_of_hours);
}

/**
 * ct_procedure_clock_due:
 * @calendar: the organisation's calendar
 * @settings: the clock settings
 * @clock: a clock
 * @start: when it starts
 * @out_notice: (out) (optional) (nullable): for the escalation, what the
 *   person recording the concern must be told when it falls due on a day
 *   that is not a working day
 * @error: return location for an error
 *
 * When @clock, started at @start, is due, as every case's clocks are
 * worked out: for `caretrail-admin due` and anyone asking "by when?".
 *
 * Returns: (transfer full) (nullable): the due instant
 */
GDateTime *
ct_procedure_clock_due (CtCalendar            *calendar,
                        const CtClockSettings *settings,
                        CtClockKind            clock,
                        GDateTime             *start,
                        char                 **out_notice,
                        GError               **error)
{
  GDateTime *due;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  if (out_notice != NULL)
    *out_notice = NULL;

  due = ct_clock_due (calendar, settings, clock, start, error);
  if (due == NULL)
    {
      /* Past the end of the calendar GLib can count to, a clock has no
       * due time: say so rather than nothing. */
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, CT_CLOCK_ERROR, CT_CLOCK_ERROR_BAD_TIME,
                             _("No due time can be worked out: it would fall after the year 9999. Give a time in the present era."));
      return NULL;
    }

  if (out_notice != NULL && clock == CT_CLOCK_ESCALATION)
    *out_notice = escalation_notice (calendar, start, settings->cutoff_minutes, NULL);
  return due;
}

/* The whole chronology entry: when, who, what, and why. */
static char *
format_entry (const char *when,
              const char *actor,
              const char *what,
              const char *why,
              gboolean    translate)
{
  if (why != NULL)
    /* Translators: when, who, what happened, and the reason for it */
    return g_strdup_printf (translate ? _("%s, %s: %s Reason: %s") : "%s, %s: %s Reason: %s",
                            when, actor, what, why);
  /* Translators: when, who, what happened */
  return g_strdup_printf (translate ? _("%s, %s: %s") : "%s, %s: %s", when, actor, what);
}

/* A rule's wording, as a stable number: its place among the rules for the
 * same event. Rules are only ever added after the others for an event. */
static guint
wording_of (const CtTransitionRule *rule)
{
  guint n = 0;

  for (const CtTransitionRule *r = transitions; r < rule; r++)
    if (r->event == rule->event)
      n++;
  return n;
}

static const CtTransitionRule *
rule_of_wording (CtEvent event,
                 guint   wording)
{
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].event == event && n++ == wording)
      return &transitions[i];
  return NULL;
}

/**
 * ct_procedure_render_entry:
 * @chronology: a CHRONOLOGY record the case service wrote
 * @out_what: (out) (transfer full): what happened, in the reader's language
 * @out_why: (out) (transfer full) (nullable): the reason given, if any
 *
 * The chronology stores no translated text: its "what" and "why" are
 * written as the procedure's own wording has them, with the step's id
 * ("procedure-event"), the wording it used ("wording") and its answers
 * ("answers") beside them. This shows an entry again in the language of
 * whoever reads it.
 *
 * Returns: %TRUE if the entry could be shown again; %FALSE for entries
 *   without their answers (written by an earlier version), whose stored
 *   text should be shown as it is
 */
gboolean
ct_procedure_render_entry (CtRecord  *chronology,
                           char     **out_what,
                           char     **out_why)
{
  const CtTransitionRule *rule;
  g_autoptr(GHashTable) answers = NULL;
  GVariant *stored;
  CtEvent event;

  g_return_val_if_fail (CT_IS_RECORD (chronology), FALSE);
  g_return_val_if_fail (out_what != NULL && out_why != NULL, FALSE);

  *out_what = NULL;
  *out_why = NULL;
  stored = ct_record_get_answers (chronology, "answers");
  if (stored == NULL || !ct_record_has_field (chronology, "wording") ||
      !ct_event_from_string (ct_record_get_string (chronology, "procedure-event"), &event, NULL))
    return FALSE;

  rule = rule_of_wording (event, (guint) ct_record_get_int64 (chronology, "wording", 0));
  if (rule == NULL)
    return FALSE;

  answers = ct_answers_from_variant (stored);
  *out_what = expand_template (rule->what, answers, TRUE);
  *out_why = rule->why != NULL ? expand_template (rule->why, answers, TRUE) : NULL;
  if (*out_why != NULL && (*out_why)[0] == '\0')
    g_clear_pointer (out_why, g_free);
  return TRUE;
}

/* A lawful basis for sharing must be one the organisation can rely on: a
 * legal obligation or a public task is one only a body the law gives it to
 * has (ct-lawful-basis.c). Text that is not one of the ids, as older
 * information-sharing decisions hold, is left as it was written. */
static gboolean
check_lawful_basis (GHashTable  *answers,
                    const char  *organisation_kind,
                    GError     **error)
{
  const char *basis = answer_text (answers, "lawful-basis");

  if (basis == NULL || !ct_lawful_basis_is_known (basis) ||
      ct_lawful_basis_fits (basis, organisation_kind))
    return TRUE;

  if (organisation_kind == NULL)
    g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER,
                 _("“%s” is not a lawful basis this organisation can rely on: no kind of "
                   "organisation is set in Preferences, and a legal obligation or a public task "
                   "is one only a body the law gives it to has. Choose legitimate interests, or "
                   "vital interests in an emergency."),
                 ct_choice_get_label (basis));
  else
    g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER,
                 /* Translators: a lawful basis, then a kind of organisation */
                 _("“%s” is not a lawful basis an organisation of this kind (%s, as set in "
                   "Preferences) can rely on: a legal obligation or a public task is one only a "
                   "body the law gives it to has. Choose legitimate interests, or vital interests "
                   "in an emergency."),
                 ct_choice_get_label (basis), ct_choice_get_label (organisation_kind));
  return FALSE;
}

/* When the incident happened: a date, and a time of day ("HH:MM", UK
 * time) if it is known; never after the concern was reported. */
static gboolean
check_incident (GHashTable  *answers,
                GDateTime   *reported_at,
                GError     **error)
{
  const char *date = answer_text (answers, "incident-date");
  const char *time = answer_text (answers, "incident-time");
  g_autoptr(GDateTime) incident = NULL;

  if (time == NULL)
    return TRUE;
  if (!ct_parse_time_of_day (time, NULL, NULL))
    {
      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER,
                   _("Write the time of the incident on the 24-hour clock as HH:MM, for "
                     "example 16:30, not “%s”."),
                   time);
      return FALSE;
    }
  if (date == NULL)
    {
      g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER,
                           _("Give the date of the incident with its time."));
      return FALSE;
    }
  incident = ct_parse_date_time (date, time);
  if (incident == NULL)
    {
      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER,
                   _("The date of the incident (“%s”) cannot be read: write it as YYYY-MM-DD."),
                   date);
      return FALSE;
    }
  if (g_date_time_difference (incident, reported_at) > G_TIME_SPAN_MINUTE)
    {
      g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME,
                           _("The incident cannot have happened after the concern was reported: "
                             "check its date and time."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_procedure_record:
 * @calendar: the organisation's calendar
 * @snapshot: the case as it stands
 * @event: what happened
 * @answers: (nullable): the answers recorded with it
 * @context: who records it, when it happened, and the records it may change
 * @error: return location for a #CT_PROCEDURE_ERROR
 *
 * Applies @event to the case if the procedure allows it, every answer its
 * guard requires is given, and it happened neither in the future nor
 * before the step it follows. Nothing is changed: the result describes
 * everything the step writes (the new state, the chronology entry, the
 * clocks started from when it happened, and the records it makes), for the
 * caller to store in one transaction.
 *
 * Returns: (transfer full): the transition, or %NULL if it was refused
 */
CtTransition *
ct_procedure_record (CtCalendar           *calendar,
                     const CtCaseSnapshot *snapshot,
                     CtEvent               event,
                     GHashTable           *answers,
                     const CtStepContext  *context,
                     GError              **error)
{
  const CtTransitionRule *rule;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *when = NULL;
  const char *period_text;
  GDateTime *recorded;
  guint stop, start;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (snapshot->state < CT_N_STATES, NULL);
  g_return_val_if_fail (event < CT_N_EVENTS, NULL);
  g_return_val_if_fail (context != NULL && context->occurred_at != NULL, NULL);

  if (context->staff_name == NULL || context->staff_name[0] == '\0')
    {
      g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER,
                           _("Say who is recording this step."));
      return NULL;
    }

  recorded = context->recorded_at;
  if (recorded == NULL)
    recorded = now = g_date_time_new_now_utc ();

  rule = find_rule (snapshot, event, answers);
  if (rule == NULL)
    {
      g_set_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED,
                   /* Translators: “%s” are an action and a case's state */
                   _("“%s” cannot be recorded while the case is at “%s”. %s"),
                   ct_event_get_title (event), ct_state_get_title (snapshot->state),
                   ct_procedure_summarise_state (snapshot->state));
      return NULL;
    }

  if (!check_requirements (rule, snapshot, answers, error))
    return NULL;
  if (!check_when (snapshot, event, context->occurred_at, recorded, error))
    return NULL;
  if (!check_lawful_basis (answers, context->organisation_kind, error))
    return NULL;
  if (event == CT_EVENT_CONCERN_RECORDED &&
      !check_incident (answers, context->occurred_at, error))
    return NULL;

  t = g_new0 (CtTransition, 1);
  t->event = event;
  t->from = snapshot->state;
  t->to = rule->to == SAME ? snapshot->state : rule->to;
  t->actor = g_strdup (context->staff_name);
  t->actor_id = g_strdup (context->staff_id);
  t->at = g_date_time_to_timezone (context->occurred_at, ct_calendar_get_timezone ());
  t->recorded_at = g_date_time_to_timezone (recorded, ct_calendar_get_timezone ());
  t->snapshot = *snapshot;
  t->snapshot.state = t->to;
  if (ct_event_is_procedure_step (event))
    t->snapshot.last_step_at = MAX (snapshot->last_step_at,
                                    g_date_time_to_unix (t->at) * G_USEC_PER_SEC);

  /* A referral can carry the authority's own written-confirmation period. */
  period_text = answer_text (answers, "confirmation-period");
  if (period_text != NULL &&
      (event == CT_EVENT_REFERRAL_MADE || event == CT_EVENT_IMMEDIATE_RISK_REFERRAL))
    {
      g_autoptr(GError) period_error = NULL;
      CtPeriod period;

      if (!ct_period_parse (period_text, &period, &period_error))
        {
          g_set_error_literal (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER,
                               period_error->message);
          return NULL;
        }
      t->snapshot.settings.confirmation_period = period;
    }

  record_facts (&t->snapshot, event, answers);

  /* Closing stops every clock; the retention review then starts. Entries
   * added to a closed case leave its retention review running. */
  stop = rule->stop;
  if (ct_state_is_closed (t->to) && !ct_state_is_closed (t->from))
    stop = (1u << CT_N_CLOCKS) - 1;

  /* The deadline to decide, and to refer, runs from the first time it was
   * set: seeking advice, or deciding again after it, does not restart it. */
  start = rule->start;
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    if ((start & (1u << c)) && (c == CT_CLOCK_DECISION || c == CT_CLOCK_REFERRAL) &&
        t->snapshot.clocks[c].running && !(stop & (1u << c)))
      start &= ~(1u << c);

  for (guint c = 0; c < CT_N_CLOCKS; c++)
    {
      if ((stop & (1u << c)) && t->snapshot.clocks[c].running)
        {
          t->snapshot.clocks[c].running = FALSE;
          t->clocks_stopped |= 1u << c;
        }
    }
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    {
      if (start & (1u << c))
        {
          t->snapshot.clocks[c].running = TRUE;
          t->snapshot.clocks[c].started_at = g_date_time_to_unix (t->at) * G_USEC_PER_SEC;
          t->clocks_started |= 1u << c;
          t->clocks_stopped &= ~(1u << c);
          t->due[c] = ct_case_snapshot_get_due (&t->snapshot, calendar, (CtClockKind) c);
        }
    }

  /* What is stored holds no translated text: the chronology is written as
   * the wording here has it, and the stored answers and wording let it be
   * shown again in the reader's language (ct_procedure_render_entry()). */
  t->wording = wording_of (rule);
  t->what = expand_template (rule->what, answers, FALSE);
  t->why = rule->why != NULL ? expand_template (rule->why, answers, FALSE) : NULL;
  if (t->why != NULL && t->why[0] == '\0')
    g_clear_pointer (&t->why, g_free);
  t->details = format_details (answers, FALSE);

  when = format_when (t->at, t->recorded_at, FALSE);
  t->entry = format_entry (when, t->actor, t->what, t->why, FALSE);

  t->notice = make_notice (calendar, t, context);
  t->records = ct_step_records_build (t, answers, context);

  return g_steal_pointer (&t);
}

/**
 * ct_transition_free:
 * @transition: (transfer full) (nullable): a transition
 */
void
ct_transition_free (CtTransition *transition)
{
  if (transition == NULL)
    return;

  g_free (transition->actor);
  g_free (transition->actor_id);
  g_clear_pointer (&transition->at, g_date_time_unref);
  g_clear_pointer (&transition->recorded_at, g_date_time_unref);
  g_clear_pointer (&transition->records, g_ptr_array_unref);
  g_free (transition->notice);
  g_free (transition->what);
  g_free (transition->why);
  g_free (transition->details);
  g_free (transition->entry);
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    g_clear_pointer (&transition->due[c], g_date_time_unref);
  g_free (transition);
}

/* ------------------------------------------------------------------------ */
/* Explanations                                                              */
/* ------------------------------------------------------------------------ */

static const char * const state_summaries[CT_N_STATES] = {
  [CT_STATE_NEW] = N_("Record the concern on the reporting form."),
  [CT_STATE_CONCERN_RECORDED] = N_("Discuss the concern with your line manager and a safeguarding lead today."),
  [CT_STATE_ESCALATED] = N_("Decide whether concerns remain, none remain, or advice is needed."),
  [CT_STATE_CONSULTING] = N_("Seek advice and record it."),
  [CT_STATE_FAMILY_DISCUSSION] = N_("Discuss the concern with the child’s family."),
  [CT_STATE_REFERRAL_DUE] = N_("Refer the child to children’s social care where the child lives."),
  [CT_STATE_CONFIRMATION_DUE] = N_("Confirm the referral in writing."),
  [CT_STATE_AWAITING_DECISION] = N_("Wait for the local authority’s decision, and chase it if it is late."),
  [CT_STATE_OUTCOME_RECORDED] = N_("Close the case or decide how to monitor it, or challenge the decision."),
  [CT_STATE_OUTCOME_DISPUTED] = N_("Pursue the challenge and record the decision that results."),
  [CT_STATE_MONITORING] = N_("Keep watch as planned, and record any new concern."),
  [CT_STATE_ALLEGATION_REPORTED] = N_("Decide whether this is an allegation, a quality-of-care concern or a complaint."),
  [CT_STATE_LADO_DUE] = N_("Inform the local authority designated officer (LADO)."),
  [CT_STATE_ALLEGATION_MANAGED] = N_("Record the regulated-activity and DBS decisions, then the outcome."),
  [CT_STATE_CLOSED_NFA] = N_("Nothing more is required. Keep the records until their review date."),
  [CT_STATE_CLOSED] = N_("Nothing more is required. Keep the records until their review date."),
};

static const char * const state_explanations[CT_N_STATES] = {
  [CT_STATE_NEW] =
    N_("Write down the concern as soon as you can: who raised it, when and how, what was seen or said (in the child’s own words where there are any), any injuries, any witnesses and anything already done. An accurate first record is what every later decision rests on."),
  [CT_STATE_CONCERN_RECORDED] =
    N_("The policy asks for a concern to be raised with the line manager the same day, with the designated safeguarding officer, their deputy or the safeguarding board member involved. If it came in too late in the day to do so, it is due by the end of the following day, even if that is a weekend or bank holiday: use the out-of-hours route then. Raising it quickly means a decision about the child’s safety is not delayed. If a child needs protecting now, make an urgent referral straight away instead."),
  [CT_STATE_ESCALATED] =
    N_("Having discussed the concern, decide what happens next and record why; Caretrail’s default is to decide by the end of the working day (an organisation setting, not a rule of the policy), and seeking advice does not stop that clock. If concerns remain, the family is normally told first, unless a family member may be responsible, someone may be put in danger, or a criminal investigation could be harmed. If you are unsure, seek advice. If no concerns remain, record the reason and make sure the staff member who raised it is supported. A recorded reason lets the decision be understood and checked later."),
  [CT_STATE_CONSULTING] =
    N_("When it is unclear whether to refer, the safeguarding lead may talk the concern through with children’s social care where the child lives, or with the NSPCC helpline without naming the child or family. Record who gave the advice and what it was; the decision is then taken again in the light of it."),
  [CT_STATE_FAMILY_DISCUSSION] =
    N_("Concerns remain and none of the exceptions applies, so the policy asks for the concern to be discussed with the child’s family before a referral. Being open with families builds trust and is expected by the information-sharing rules. Record who you spoke to and what was said."),
  [CT_STATE_REFERRAL_DUE] =
    N_("Concerns remain, so the safeguarding lead refers the child to children’s social care for the area where the child lives (often through its multi-agency safeguarding hub). Record the agency, how and to whom the referral was made, their reference, what was shared, and whether the family consented or why consent was not sought. If an exception means the family has not been told, approach them only once children’s social care, or the police, agrees."),
  [CT_STATE_CONFIRMATION_DUE] =
    N_("A spoken referral must be confirmed in writing within the local authority’s period (48 hours unless the authority asks for less or for working days). Written confirmation gives the authority an accurate record to act on and shows what was passed on and when."),
  [CT_STATE_AWAITING_DECISION] =
    N_("The local authority should decide what to do within one working day and tell you. If nothing is heard, chase it after three working days. If its decision seems wrong for the child, use the safeguarding partnership’s escalation policy."),
  [CT_STATE_OUTCOME_RECORDED] =
    N_("The local authority has decided. Record whether the organisation will keep watch or close the case, and why. If the decision seems wrong for the child, challenge it under the escalation policy. Early help goes ahead only with the family’s consent."),
  [CT_STATE_OUTCOME_DISPUTED] =
    N_("The local authority’s decision has been challenged under the escalation policy. Keep a record of each contact, and record the decision that results."),
  [CT_STATE_MONITORING] =
    N_("The organisation is keeping watch as planned. Record any new concern straight away: it starts the procedure again. Close the case, with a reason, when monitoring is no longer needed."),
  [CT_STATE_ALLEGATION_REPORTED] =
    N_("An allegation against someone who works with children must go to a senior manager at once, and the local authority designated officer (LADO) must be told within one working day. First decide, and record why, whether this is an allegation (harm, a possible offence, a risk of harm, or unsuitability to work with children), a concern about the quality of care or practice, or a complaint."),
  [CT_STATE_LADO_DUE] =
    N_("Tell the local authority designated officer (LADO) about the allegation within one working day, and record their advice. The LADO oversees allegations against people who work with children and coordinates with the police and children’s social care."),
  [CT_STATE_ALLEGATION_MANAGED] =
    N_("Record whether the person was removed from regulated activity and why. If they were removed because they may pose a risk of harm to children, a referral to the Disclosure and Barring Service must be made; failing to make one without good reason is an offence. Then record the outcome of the allegation."),
  [CT_STATE_CLOSED_NFA] =
    N_("No concerns remained, so no further child protection action was needed, and the staff member’s support was discussed. The records are kept securely, readable only by the safeguarding leads, until their retention review."),
  [CT_STATE_CLOSED] =
    N_("The case is closed. The records are kept securely, readable only by the safeguarding leads, until their retention review. Corrections can still be added as new entries."),
};

/**
 * ct_procedure_explain_state:
 * @state: a state
 *
 * Returns: what the policy asks for now and why, in plain words (translated)
 */
const char *
ct_procedure_explain_state (CtState state)
{
  g_return_val_if_fail (state < CT_N_STATES, NULL);
  return _(state_explanations[state]);
}

/**
 * ct_procedure_summarise_state:
 * @state: a state
 *
 * Returns: the next step in @state, one short sentence (translated)
 */
const char *
ct_procedure_summarise_state (CtState state)
{
  g_return_val_if_fail (state < CT_N_STATES, NULL);
  return _(state_summaries[state]);
}

/**
 * ct_next_step_free:
 * @step: (transfer full) (nullable): a next step
 */
void
ct_next_step_free (CtNextStep *step)
{
  if (step == NULL)
    return;
  g_free (step->summary);
  g_free (step->explanation);
  g_clear_pointer (&step->due, g_date_time_unref);
  g_free (step);
}

/**
 * ct_due_item_free:
 * @item: (transfer full) (nullable): a due item
 */
void
ct_due_item_free (CtDueItem *item)
{
  if (item == NULL)
    return;
  g_free (item->reference);
  g_clear_pointer (&item->due, g_date_time_unref);
  g_free (item->description);
  g_free (item);
}

/**
 * ct_procedure_next_step:
 * @calendar: the organisation's calendar
 * @snapshot: a case
 * @now: the time to judge lateness by
 *
 * What is due next for the case and by when: the step its state asks for
 * and, among its running clocks, the one due first, except that while
 * written confirmation of a referral is due, its clock is the one given
 * (it is the organisation's own step; the local authority's decision may
 * fall due sooner).
 *
 * Returns: (transfer full): the next step
 */
CtNextStep *
ct_procedure_next_step (CtCalendar           *calendar,
                        const CtCaseSnapshot *snapshot,
                        GDateTime            *now)
{
  CtNextStep *step;

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (snapshot != NULL && snapshot->state < CT_N_STATES, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  step = g_new0 (CtNextStep, 1);
  step->state = snapshot->state;
  step->summary = g_strdup (ct_procedure_summarise_state (snapshot->state));
  step->explanation = g_strdup (ct_procedure_explain_state (snapshot->state));

  /* A child who may be at immediate risk comes before everything else. */
  if (snapshot->clocks[CT_CLOCK_URGENT_REFERRAL].running)
    {
      g_free (step->summary);
      g_free (step->explanation);
      step->summary = g_strdup (_("Make an urgent referral now: the child may be at immediate risk."));
      step->explanation = g_strdup (_("Whoever recorded the concern said the child may be at immediate risk. If a child needs protecting now, refer at once to children’s social care for the area where the child lives, or call the police on 999 in an emergency; everything else can wait. Only a recorded decision, with its reason, that the child is not at immediate risk takes the case off this urgent path."));
      step->urgent = TRUE;
      step->has_due = TRUE;
      step->clock = CT_CLOCK_URGENT_REFERRAL;
      step->due = ct_case_snapshot_get_due (snapshot, calendar, CT_CLOCK_URGENT_REFERRAL);
      step->overdue = step->due != NULL && g_date_time_compare (step->due, now) <= 0;
      return step;
    }

  for (guint c = 0; c < CT_N_CLOCKS; c++)
    {
      g_autoptr(GDateTime) due = ct_case_snapshot_get_due (snapshot, calendar, (CtClockKind) c);

      if (due == NULL)
        continue;

      /* While written confirmation is due, that is the organisation's own
       * next step, even if the local authority's decision falls due first. */
      if (snapshot->state == CT_STATE_CONFIRMATION_DUE && c == CT_CLOCK_WRITTEN_CONFIRMATION)
        {
          g_clear_pointer (&step->due, g_date_time_unref);
          step->due = g_steal_pointer (&due);
          step->clock = (CtClockKind) c;
          step->has_due = TRUE;
          break;
        }

      if (step->due == NULL || g_date_time_compare (due, step->due) < 0)
        {
          g_clear_pointer (&step->due, g_date_time_unref);
          step->due = g_steal_pointer (&due);
          step->clock = (CtClockKind) c;
          step->has_due = TRUE;
        }
    }

  if (step->due != NULL)
    step->overdue = g_date_time_compare (step->due, now) < 0;

  return step;
}

static int
compare_due_items (gconstpointer a,
                   gconstpointer b)
{
  const CtDueItem *ia = *(CtDueItem * const *) a;
  const CtDueItem *ib = *(CtDueItem * const *) b;
  gboolean urgent_a = ia->clock == CT_CLOCK_URGENT_REFERRAL;
  gboolean urgent_b = ib->clock == CT_CLOCK_URGENT_REFERRAL;
  int r;

  /* A child who may be at immediate risk comes before everything else,
   * however long anything else has been overdue. */
  if (urgent_a != urgent_b)
    return urgent_a ? -1 : 1;
  r = g_date_time_compare (ia->due, ib->due);

  return r != 0 ? r : g_strcmp0 (ia->reference, ib->reference);
}

/**
 * ct_due_items_sort:
 * @items: (element-type CtDueItem): due items
 *
 * Sorts @items as ct_procedure_list_due() does: the urgent referrals
 * first, then by when each is due, then by case reference. For lists
 * gathered a case at a time.
 */
void
ct_due_items_sort (GPtrArray *items)
{
  g_return_if_fail (items != NULL);
  g_ptr_array_sort (items, compare_due_items);
}

/**
 * ct_procedure_list_due:
 * @calendar: the organisation's calendar
 * @snapshots: (array length=n_snapshots): cases
 * @n_snapshots: how many
 * @now: the time to judge lateness by
 * @overdue_only: list only clocks whose due time has passed
 *
 * Every running clock across the cases (or only the overdue ones): urgent
 * referrals first, then the earliest first.
 *
 * Returns: (transfer full) (element-type CtDueItem): the clocks
 */
GPtrArray *
ct_procedure_list_due (CtCalendar           *calendar,
                       const CtCaseSnapshot *snapshots,
                       gsize                 n_snapshots,
                       GDateTime            *now,
                       gboolean              overdue_only)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_due_item_free);

  g_return_val_if_fail (CT_IS_CALENDAR (calendar), items);
  g_return_val_if_fail (now != NULL, items);
  g_return_val_if_fail (snapshots != NULL || n_snapshots == 0, items);

  for (gsize i = 0; i < n_snapshots; i++)
    {
      for (guint c = 0; c < CT_N_CLOCKS; c++)
        {
          g_autoptr(GDateTime) due = ct_case_snapshot_get_due (&snapshots[i], calendar, (CtClockKind) c);
          CtDueItem *item;
          gboolean overdue;

          if (due == NULL)
            continue;
          overdue = g_date_time_compare (due, now) < 0;
          if (overdue_only && !overdue)
            continue;

          item = g_new0 (CtDueItem, 1);
          item->reference = g_strdup (snapshots[i].reference);
          item->state = snapshots[i].state;
          item->clock = (CtClockKind) c;
          item->due = g_steal_pointer (&due);
          item->overdue = overdue;
          item->description = g_strdup (ct_clock_kind_describe ((CtClockKind) c));
          g_ptr_array_add (items, item);
        }
    }

  g_ptr_array_sort (items, compare_due_items);
  return items;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-calendar.h"
#include "ct-clock.h"
#include "ct-record.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-procedure
 * @title: The safeguarding procedure
 *
 * The procedure an organisation follows when a safeguarding concern arises,
 * as one table of transitions (see `transitions[]` in ct-procedure.c): from
 * which states an event may happen, what must have been recorded for it
 * (its guard), the state it leads to, the clocks it starts and stops, and the
 * wording of the chronology entry it leaves.
 *
 * An event carries its answers: a #GHashTable from kebab-case names to
 * #GVariant values, made with ct_answers_new(). Text answers are strings
 * ("s"), yes/no answers are booleans ("b"). If a guard is not met the event
 * is refused with a #CT_PROCEDURE_ERROR naming what is missing, and nothing
 * changes. An accepted event yields a #CtTransition: the new state, a
 * chronology entry (who, when, what, why), and the clocks started and
 * stopped. The past is never edited: a correction is a new entry
 * (%CT_EVENT_CORRECTION) that names the entry it corrects.
 *
 * All functions here are pure: they read a #CtCaseSnapshot and return new
 * values, so they can be tested without a database.
 */

#define CT_PROCEDURE_ERROR (ct_procedure_error_quark ())

/**
 * CtProcedureError:
 * @CT_PROCEDURE_ERROR_NOT_ALLOWED: the event cannot happen in the case's state
 * @CT_PROCEDURE_ERROR_MISSING_ANSWER: something the policy requires was not recorded
 * @CT_PROCEDURE_ERROR_BAD_ANSWER: an answer has the wrong type or value
 * @CT_PROCEDURE_ERROR_UNKNOWN_STATE: a state name was not recognised
 * @CT_PROCEDURE_ERROR_UNKNOWN_EVENT: an event name was not recognised
 * @CT_PROCEDURE_ERROR_BAD_TIME: when the step happened is in the future, or
 *   before the step it follows
 */
typedef enum
{
  CT_PROCEDURE_ERROR_NOT_ALLOWED,
  CT_PROCEDURE_ERROR_MISSING_ANSWER,
  CT_PROCEDURE_ERROR_BAD_ANSWER,
  CT_PROCEDURE_ERROR_UNKNOWN_STATE,
  CT_PROCEDURE_ERROR_UNKNOWN_EVENT,
  CT_PROCEDURE_ERROR_BAD_TIME,
} CtProcedureError;

/**
 * CtState:
 * @CT_STATE_NEW: no case yet ("new")
 * @CT_STATE_CONCERN_RECORDED: a concern is on the reporting form; it must be escalated ("concern-recorded")
 * @CT_STATE_ESCALATED: discussed with the line manager and a safeguarding lead; a decision is due ("escalated")
 * @CT_STATE_CONSULTING: uncertain; advice is being sought ("consulting")
 * @CT_STATE_FAMILY_DISCUSSION: concerns remain; the family is to be spoken to ("family-discussion")
 * @CT_STATE_REFERRAL_DUE: concerns remain; a referral is to be made ("referral-due")
 * @CT_STATE_CONFIRMATION_DUE: referral made; written confirmation due ("confirmation-due")
 * @CT_STATE_AWAITING_DECISION: confirmed; waiting for the local authority ("awaiting-decision")
 * @CT_STATE_OUTCOME_RECORDED: the local authority's decision is known ("outcome-recorded")
 * @CT_STATE_OUTCOME_DISPUTED: the decision is being challenged ("outcome-disputed")
 * @CT_STATE_MONITORING: the organisation keeps watch ("monitoring")
 * @CT_STATE_ALLEGATION_REPORTED: allegation against a worker reported to a senior manager ("allegation-reported")
 * @CT_STATE_LADO_DUE: treated as an allegation; the LADO must be informed ("lado-due")
 * @CT_STATE_ALLEGATION_MANAGED: LADO informed; allegation being managed ("allegation-managed")
 * @CT_STATE_CLOSED_NFA: closed, no concerns remaining, no further action ("closed-nfa")
 * @CT_STATE_CLOSED: closed ("closed")
 *
 * Where a case stands. The strings are stored in the database.
 */
typedef enum
{
  CT_STATE_NEW,
  CT_STATE_CONCERN_RECORDED,
  CT_STATE_ESCALATED,
  CT_STATE_CONSULTING,
  CT_STATE_FAMILY_DISCUSSION,
  CT_STATE_REFERRAL_DUE,
  CT_STATE_CONFIRMATION_DUE,
  CT_STATE_AWAITING_DECISION,
  CT_STATE_OUTCOME_RECORDED,
  CT_STATE_OUTCOME_DISPUTED,
  CT_STATE_MONITORING,
  CT_STATE_ALLEGATION_REPORTED,
  CT_STATE_LADO_DUE,
  CT_STATE_ALLEGATION_MANAGED,
  CT_STATE_CLOSED_NFA,
  CT_STATE_CLOSED,
  CT_N_STATES,
} CtState;

/**
 * CtEvent:
 * @CT_EVENT_CONCERN_RECORDED: a concern was recorded ("concern-recorded")
 * @CT_EVENT_ESCALATED: it was discussed with the line manager and a safeguarding lead ("escalated")
 * @CT_EVENT_IMMEDIATE_RISK_REFERRAL: urgent referral because a child needs immediate protection ("immediate-risk-referral")
 * @CT_EVENT_IMMEDIATE_RISK_RECONSIDERED: decided, with a reason, that no urgent referral is needed after all ("immediate-risk-reconsidered")
 * @CT_EVENT_NO_CONCERNS_REMAIN: decided no concerns remain ("no-concerns-remain")
 * @CT_EVENT_CONCERNS_REMAIN: decided concerns remain ("concerns-remain")
 * @CT_EVENT_UNCERTAIN: decided advice is needed ("uncertain")
 * @CT_EVENT_ADVICE_RECORDED: advice received and recorded ("advice-recorded")
 * @CT_EVENT_FAMILY_DISCUSSED: the concern was discussed with the family ("family-discussed")
 * @CT_EVENT_FAMILY_APPROACH_AGREED: children's social care or the police agreed the family may be approached ("family-approach-agreed")
 * @CT_EVENT_REFERRAL_MADE: referral made to children's social care ("referral-made")
 * @CT_EVENT_CONFIRMATION_SENT: referral confirmed in writing ("confirmation-sent")
 * @CT_EVENT_LA_CHASED: the local authority was chased ("la-chased")
 * @CT_EVENT_OUTCOME_RECORDED: the local authority's decision was recorded ("outcome-recorded")
 * @CT_EVENT_OUTCOME_DISPUTED: the decision was challenged under the escalation policy ("outcome-disputed")
 * @CT_EVENT_MONITORING_STARTED: the organisation will monitor ("monitoring-started")
 * @CT_EVENT_CASE_CLOSED: the case was closed ("case-closed")
 * @CT_EVENT_ALLEGATION_REPORTED: an allegation against a worker was reported ("allegation-reported")
 * @CT_EVENT_ALLEGATION_CLASSIFIED: allegation, quality-of-care concern or complaint ("allegation-classified")
 * @CT_EVENT_LADO_INFORMED: the LADO was informed ("lado-informed")
 * @CT_EVENT_REGULATED_ACTIVITY_DECIDED: removal from regulated activity decided ("regulated-activity-decided")
 * @CT_EVENT_DBS_REFERRAL_DECIDED: DBS referral considered or made ("dbs-referral-decided")
 * @CT_EVENT_ALLEGATION_CONCLUDED: the allegation's outcome ("allegation-concluded")
 * @CT_EVENT_INFORMATION_SHARING_DECIDED: a decision to share information or not ("information-sharing-decided")
 * @CT_EVENT_INTERNATIONAL_ADVICE_RECORDED: advice sought in another jurisdiction ("international-advice-recorded")
 * @CT_EVENT_CORRECTION: a correction of an earlier entry ("correction")
 * @CT_EVENT_NOTE: a chronology entry that is not a procedure step: a call, a
 *   meeting, an email or letter, a note ("note")
 * @CT_EVENT_REFERRAL_DETAILS_ADDED: details added to, or corrected in, the
 *   referral after it was made ("referral-details-added")
 *
 * What can happen to a case. The strings are stored in the database.
 */
typedef enum
{
  CT_EVENT_CONCERN_RECORDED,
  CT_EVENT_ESCALATED,
  CT_EVENT_IMMEDIATE_RISK_REFERRAL,
  CT_EVENT_IMMEDIATE_RISK_RECONSIDERED,
  CT_EVENT_NO_CONCERNS_REMAIN,
  CT_EVENT_CONCERNS_REMAIN,
  CT_EVENT_UNCERTAIN,
  CT_EVENT_ADVICE_RECORDED,
  CT_EVENT_FAMILY_DISCUSSED,
  CT_EVENT_FAMILY_APPROACH_AGREED,
  CT_EVENT_REFERRAL_MADE,
  CT_EVENT_CONFIRMATION_SENT,
  CT_EVENT_LA_CHASED,
  CT_EVENT_OUTCOME_RECORDED,
  CT_EVENT_OUTCOME_DISPUTED,
  CT_EVENT_MONITORING_STARTED,
  CT_EVENT_CASE_CLOSED,
  CT_EVENT_ALLEGATION_REPORTED,
  CT_EVENT_ALLEGATION_CLASSIFIED,
  CT_EVENT_LADO_INFORMED,
  CT_EVENT_REGULATED_ACTIVITY_DECIDED,
  CT_EVENT_DBS_REFERRAL_DECIDED,
  CT_EVENT_ALLEGATION_CONCLUDED,
  CT_EVENT_INFORMATION_SHARING_DECIDED,
  CT_EVENT_INTERNATIONAL_ADVICE_RECORDED,
  CT_EVENT_CORRECTION,
  CT_EVENT_NOTE,
  CT_EVENT_REFERRAL_DETAILS_ADDED,
  CT_N_EVENTS,
} CtEvent;

/**
 * CtCaseFlags:
 * @CT_CASE_FLAG_NONE: nothing recorded yet
 * @CT_CASE_FLAG_ALLEGATION: the case is an allegation against a worker
 * @CT_CASE_FLAG_FAMILY_EXCEPTION: an exception holds: the family must not be approached without agreement
 * @CT_CASE_FLAG_FAMILY_APPROACH_AGREED: children's social care or the police agreed the family may be approached
 * @CT_CASE_FLAG_FAMILY_DISCUSSED: the concern was discussed with the family
 * @CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED: removal from regulated activity was decided
 * @CT_CASE_FLAG_REMOVED_FOR_RISK: removed from regulated activity because of a risk of harm
 * @CT_CASE_FLAG_DBS_DECIDED: a DBS referral was considered
 * @CT_CASE_FLAG_DBS_REFERRED: a DBS referral was made
 * @CT_CASE_FLAG_IMMEDIATE_RISK: the concern was recorded with the child at
 *   immediate risk, and no urgent referral or decision has yet taken the
 *   case off the urgent path
 * @CT_CASE_FLAG_URGENT_REFERRAL_MADE: an urgent referral was made
 * @CT_CASE_FLAG_LADO_INFORMED: the LADO was informed of the allegation
 *
 * Facts recorded earlier that later guards depend on.
 */
typedef enum
{
  CT_CASE_FLAG_NONE                       = 0,
  CT_CASE_FLAG_ALLEGATION                 = 1 << 0,
  CT_CASE_FLAG_FAMILY_EXCEPTION           = 1 << 1,
  CT_CASE_FLAG_FAMILY_APPROACH_AGREED     = 1 << 2,
  CT_CASE_FLAG_FAMILY_DISCUSSED           = 1 << 3,
  CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED = 1 << 4,
  CT_CASE_FLAG_REMOVED_FOR_RISK           = 1 << 5,
  CT_CASE_FLAG_DBS_DECIDED                = 1 << 6,
  CT_CASE_FLAG_DBS_REFERRED               = 1 << 7,
  CT_CASE_FLAG_IMMEDIATE_RISK             = 1 << 8,
  CT_CASE_FLAG_URGENT_REFERRAL_MADE       = 1 << 9,
  CT_CASE_FLAG_LADO_INFORMED              = 1 << 10,
} CtCaseFlags;

/**
 * CtClockState:
 * @running: whether the clock is running
 * @started_at: when it started, unix microseconds (UTC)
 */
typedef struct
{
  gboolean running;
  gint64   started_at;
} CtClockState;

/**
 * CtCaseSnapshot:
 * @reference: (nullable): the case reference, e.g. "CT-2026-0001" (not owned)
 * @state: where the case stands
 * @flags: facts recorded earlier
 * @clocks: each clock's state, indexed by #CtClockKind
 * @settings: the clock settings that apply to this case (the office's
 *   cut-off, the referred authority's confirmation period, …)
 * @child_birth: the child's date of birth, or an invalid (cleared) date
 * @person_birth: for an allegation, the date of birth of the person it is
 *   about, or an invalid date
 * @last_step_at: when the latest procedure step happened, unix
 *   microseconds (UTC), or 0 for a new case; a step cannot be said to have
 *   happened before it
 *
 * What the engine needs to know about a case. Plain data: copy it by value.
 * Initialise with ct_case_snapshot_init().
 */
typedef struct
{
  const char      *reference;
  CtState          state;
  CtCaseFlags      flags;
  CtClockState     clocks[CT_N_CLOCKS];
  CtClockSettings  settings;
  GDate            child_birth;
  GDate            person_birth;
  gint64           last_step_at;
} CtCaseSnapshot;

/**
 * CtStepContext:
 * @staff_id: the id of the member of staff recording the step (STAFF record)
 * @staff_name: their name, as the chronology shows it
 * @occurred_at: when the step happened, as the person recording it says
 * @recorded_at: (nullable): when it is being recorded; %NULL for now
 * @case_id: (nullable): the case's id, for the records the step makes
 * @allegation: (nullable): the case's ALLEGATION record as it stands, for
 *   the allegation's steps to update
 * @pending_letter: (nullable): the latest referral-confirmation DOCUMENT not
 *   yet sent, which a "confirmation-sent" step marks as sent
 * @out_of_hours: (nullable): the organisation's out-of-hours route, named
 *   when escalation falls due on a day that is not a working day
 * @referral: (nullable): the case's latest REFERRAL record as it stands, for
 *   a "referral-details-added" step to write its next version
 * @concern: (nullable): the CONCERN record the referral letter describes,
 *   as it stands, for a "referral-details-added" step that says what the
 *   organisation has done so far ("actions-taken") to write its next version
 * @organisation_kind: (nullable): the organisation's kind, as set in
 *   Preferences ("charity", "law-firm", …); a lawful basis for sharing
 *   that does not fit it is refused (see ct_lawful_basis_fits())
 *
 * Who records a step, when it happened, and the records it may change.
 * Plain data, nothing owned: every pointer must outlive the call.
 */
typedef struct
{
  const char *staff_id;
  const char *staff_name;
  GDateTime  *occurred_at;
  GDateTime  *recorded_at;
  const char *case_id;
  CtRecord   *allegation;
  CtRecord   *pending_letter;
  const char *out_of_hours;
  CtRecord   *referral;
  CtRecord   *concern;
  const char *organisation_kind;
} CtStepContext;

/**
 * CtTransition:
 * @event: the event applied
 * @from: the state before
 * @to: the state after
 * @actor: who recorded it, by name
 * @actor_id: (nullable): who recorded it, by staff id
 * @at: when it happened (UK local time)
 * @recorded_at: when it was recorded (UK local time)
 * @what: the chronology's "what" sentence, as the procedure's own wording
 *   has it (never translated: it is stored)
 * @why: (nullable): the reason given, if the event has one
 * @details: every answer recorded, one "name: value" line each, sorted
 * @entry: the whole chronology entry as one paragraph: when, who, what, why
 * @clocks_started: a mask of (1 << #CtClockKind) started (or restarted)
 * @clocks_stopped: a mask of (1 << #CtClockKind) stopped
 * @due: for each started clock, its due instant; %NULL otherwise
 * @snapshot: the case after the event
 * @wording: which of the event's wordings the chronology entry uses (see
 *   ct_procedure_render_entry())
 * @records: (element-type CtRecord): the records the step makes besides its
 *   chronology entry (a REFERRAL, a DECISION, the CONCERN and a new CHILD,
 *   a new version of the ALLEGATION, …), not yet stored; new ones carry the
 *   case's id when the context gave it
 * @notice: (nullable): something the person recording it must be told now,
 *   such as escalation falling due on a day that is not a working day
 *
 * The result of an accepted event. Free with ct_transition_free().
 */
typedef struct
{
  CtEvent         event;
  CtState         from;
  CtState         to;
  char           *actor;
  char           *actor_id;
  GDateTime      *at;
  GDateTime      *recorded_at;
  char           *what;
  char           *why;
  char           *details;
  char           *entry;
  guint           clocks_started;
  guint           clocks_stopped;
  GDateTime      *due[CT_N_CLOCKS];
  CtCaseSnapshot  snapshot;
  guint           wording;
  GPtrArray      *records;
  char           *notice;
} CtTransition;

/**
 * CtDueItem:
 * @reference: (nullable): the case's reference
 * @state: the case's state
 * @clock: the clock
 * @due: when it is due
 * @overdue: whether @due had passed at the time asked about
 * @description: what is due, as a translated sentence fragment
 *
 * One running clock of one case.
 */
typedef struct
{
  char        *reference;
  CtState      state;
  CtClockKind  clock;
  GDateTime   *due;
  gboolean     overdue;
  char        *description;
} CtDueItem;

/**
 * CtNextStep:
 * @state: the case's state
 * @summary: what to do next, one translated sentence
 * @explanation: what the policy asks now and why, translated
 * @has_due: whether a clock is running
 * @clock: the running clock due first (if @has_due)
 * @due: (nullable): when it is due
 * @overdue: whether @due had passed at the time asked about
 * @urgent: whether the case is on the urgent path (a child may be at
 *   immediate risk and no urgent referral has been made)
 *
 * What is due next for a case and by when. Free with ct_next_step_free().
 */
typedef struct
{
  CtState      state;
  char        *summary;
  char        *explanation;
  gboolean     has_due;
  CtClockKind  clock;
  GDateTime   *due;
  gboolean     overdue;
  gboolean     urgent;
} CtNextStep;

GQuark        ct_procedure_error_quark   (void);

const char   *ct_state_to_string         (CtState       state);
gboolean      ct_state_from_string       (const char   *str,
                                          CtState      *out_state,
                                          GError      **error);
const char   *ct_state_get_title         (CtState       state);
gboolean      ct_state_is_closed         (CtState       state);

const char   *ct_event_to_string         (CtEvent       event);
gboolean      ct_event_from_string       (const char   *str,
                                          CtEvent      *out_event,
                                          GError      **error);
const char   *ct_event_get_title         (CtEvent       event);

GHashTable   *ct_answers_new             (void);
void          ct_answers_set_text        (GHashTable   *answers,
                                          const char   *name,
                                          const char   *value);
void          ct_answers_set_boolean     (GHashTable   *answers,
                                          const char   *name,
                                          gboolean      value);
void          ct_answers_set_int64       (GHashTable   *answers,
                                          const char   *name,
                                          gint64        value);
void          ct_answers_set_strv        (GHashTable   *answers,
                                          const char   *name,
                                          const char * const *value);
GHashTable   *ct_answers_from_variant    (GVariant     *dict);
GVariant     *ct_answers_to_variant      (GHashTable   *answers);

void          ct_case_snapshot_init      (CtCaseSnapshot *snapshot);
GDateTime    *ct_case_snapshot_get_due   (const CtCaseSnapshot *snapshot,
                                          CtCalendar   *calendar,
                                          CtClockKind   clock);

gboolean      ct_procedure_event_allowed (CtState       state,
                                          CtEvent       event);
GArray       *ct_procedure_list_events   (CtState       state);
GArray       *ct_procedure_list_steps    (const CtCaseSnapshot *snapshot);
CtTransition *ct_procedure_apply         (CtCalendar           *calendar,
                                          const CtCaseSnapshot *snapshot,
                                          CtEvent               event,
                                          GHashTable           *answers,
                                          const char           *actor,
                                          GDateTime            *at,
                                          GError              **error);
CtTransition *ct_procedure_record        (CtCalendar           *calendar,
                                          const CtCaseSnapshot *snapshot,
                                          CtEvent               event,
                                          GHashTable           *answers,
                                          const CtStepContext  *context,
                                          GError              **error);
gboolean      ct_event_is_procedure_step (CtEvent       event);
gboolean      ct_procedure_render_entry  (CtRecord     *chronology,
                                          char        **out_what,
                                          char        **out_why);
GDateTime    *ct_procedure_clock_due     (CtCalendar            *calendar,
                                          const CtClockSettings *settings,
                                          CtClockKind            clock,
                                          GDateTime             *start,
                                          char                 **out_notice,
                                          GError               **error);
void          ct_transition_free         (CtTransition *transition);

/**
 * CtAnswerKind:
 * @CT_ANSWER_TEXT: free text
 * @CT_ANSWER_YES_NO: yes or no
 * @CT_ANSWER_CHOICE: one of a fixed set of ids
 * @CT_ANSWER_DATE: a date, YYYY-MM-DD
 * @CT_ANSWER_AGENCY: the name of an agency (the directory offers them)
 *
 * What kind of answer a question takes.
 */
typedef enum
{
  CT_ANSWER_TEXT,
  CT_ANSWER_YES_NO,
  CT_ANSWER_CHOICE,
  CT_ANSWER_DATE,
  CT_ANSWER_AGENCY,
} CtAnswerKind;

/**
 * CtQuestionNeed:
 * @CT_QUESTION_REQUIRED: always needed
 * @CT_QUESTION_CONFIRM: must be answered yes
 * @CT_QUESTION_CONDITIONAL: needed only with some other answers (the
 *   engine says which when it is missing)
 * @CT_QUESTION_OPTIONAL: never needed
 */
typedef enum
{
  CT_QUESTION_REQUIRED,
  CT_QUESTION_CONFIRM,
  CT_QUESTION_CONDITIONAL,
  CT_QUESTION_OPTIONAL,
} CtQuestionNeed;

/**
 * CtQuestion:
 * @key: the answer's stable kebab-case name
 * @kind: what kind of answer it takes
 * @need: whether it is needed
 * @label: its label, untranslated (pass it through gettext to show it)
 * @long_text: whether the answer is usually several lines
 * @choices: (nullable): for a choice, "id|id|…"
 *
 * One question a step asks. Labels live here once, for the app's forms and
 * the command line alike.
 */
typedef struct
{
  const char     *key;
  CtAnswerKind    kind;
  CtQuestionNeed  need;
  const char     *label;
  gboolean        long_text;
  const char     *choices;
} CtQuestion;

/**
 * CtStepForm:
 * @event: the step
 * @title: the form's title, untranslated
 * @description: (nullable): what the policy asks at this step, untranslated
 * @questions: the questions, in order, ended by one whose key is %NULL
 */
typedef struct
{
  CtEvent     event;
  const char *title;
  const char *description;
  CtQuestion  questions[32];
} CtStepForm;

const CtStepForm *ct_step_form_get       (CtEvent       event);
const char   *ct_answer_kind_to_string   (CtAnswerKind  kind);
const char   *ct_choice_get_label        (const char   *value);
const char   *ct_choice_get_label_full   (const char   *value,
                                          gboolean      translate);
const char   *ct_choice_get_wording      (const char   *value,
                                          gboolean      translate);
const char   *ct_question_need_to_string (CtQuestionNeed need);

const char   *ct_procedure_explain_state (CtState       state);
const char   *ct_procedure_summarise_state (CtState     state);

CtNextStep   *ct_procedure_next_step     (CtCalendar           *calendar,
                                          const CtCaseSnapshot *snapshot,
                                          GDateTime            *now);
void          ct_next_step_free          (CtNextStep   *step);

GPtrArray    *ct_procedure_list_due      (CtCalendar           *calendar,
                                          const CtCaseSnapshot *snapshots,
                                          gsize                 n_snapshots,
                                          GDateTime            *now,
                                          gboolean              overdue_only);
void          ct_due_item_free           (CtDueItem    *item);
void          ct_due_items_sort          (GPtrArray    *items);

/* For tests and documentation: the transition table itself. */
typedef struct _CtTransitionRule CtTransitionRule;
guint         ct_procedure_get_n_rules   (void);
guint32       ct_procedure_rule_get_from (guint         index);
CtEvent       ct_procedure_rule_get_event (guint        index);
CtState       ct_procedure_rule_get_to   (guint         index,
                                          CtState       from);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtTransition, ct_transition_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtNextStep, ct_next_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtDueItem, ct_due_item_free)

G_END_DECLS

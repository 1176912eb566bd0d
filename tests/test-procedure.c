/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-procedure"

#include "config.h"

#include <string.h>

#include "ct-procedure.h"

static CtCalendar *england;

/* Answers written compactly: "name=text;b:name=yes;b:other=no". */
static GHashTable *
answers_from_spec (const char *spec)
{
  GHashTable *answers = ct_answers_new ();
  g_auto(GStrv) parts = NULL;

  if (spec == NULL || spec[0] == '\0')
    return answers;

  parts = g_strsplit (spec, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');

      g_assert_nonnull (eq);
      *eq = '\0';
      if (g_str_has_prefix (parts[i], "b:"))
        ct_answers_set_boolean (answers, parts[i] + 2, strcmp (eq + 1, "yes") == 0);
      else
        ct_answers_set_text (answers, parts[i], eq + 1);
    }
  return answers;
}

static GDateTime *
instant (const char *iso)
{
  GDateTime *dt = g_date_time_new_from_iso8601 (iso, ct_calendar_get_timezone ());

  g_assert_nonnull (dt);
  return dt;
}

static CtTransition *
apply_spec (const CtCaseSnapshot *snapshot,
            CtEvent               event,
            const char           *spec,
            const char           *when,
            GError              **error)
{
  g_autoptr(GHashTable) answers = answers_from_spec (spec);
  g_autoptr(GDateTime) at = instant (when != NULL ? when : "2026-11-23T10:00:00");

  return ct_procedure_apply (england, snapshot, event, answers, "Dana Shaw (DSO)", at, error);
}

static CtState
state_named (const char *name)
{
  CtState state;

  if (!ct_state_from_string (name, &state, NULL))
    g_error ("unknown state %s", name);
  return state;
}

static char *
format_due (GDateTime *due)
{
  return due != NULL ? ct_clock_format_iso8601 (due) : g_strdup ("(none)");
}

/* ------------------------------------------------------------------------ */
/* Answers that satisfy each event's guard, and the policy's matrix          */
/* ------------------------------------------------------------------------ */

static const char * const good_answers[CT_N_EVENTS] = {
  [CT_EVENT_CONCERN_RECORDED] = "raised-by=Sam Patel (mediator);how=in person;what=The child said her stepfather hit her with a belt.;childs-words=He hits me when Mum is out;b:immediate-risk=no",
  [CT_EVENT_ESCALATED] = "line-manager=Ruth Adams;safeguarding-lead=Dana Shaw",
  [CT_EVENT_IMMEDIATE_RISK_REFERRAL] = "risk=The child says she will be hurt tonight.;agency=Leeds Children's Social Care;how=telephone;to-whom=Duty social worker Ali Khan;b:raiser-told=yes;b:raiser-encouraged=yes",
  [CT_EVENT_IMMEDIATE_RISK_RECONSIDERED] = "reason=The father has left the home and the child is with her grandmother.",
  [CT_EVENT_NO_CONCERNS_REMAIN] = "reason=The mark was explained by a documented sports injury.;b:staff-support-discussed=yes;raiser-support=Thanked Sam and told him the outcome.",
  [CT_EVENT_CONCERNS_REMAIN] = "reason=The account is specific and consistent.;b:family-member-responsible=no;b:danger-to-others=no;b:criminal-investigation=no",
  [CT_EVENT_UNCERTAIN] = "reason=It is unclear whether the remark was a joke.",
  [CT_EVENT_ADVICE_RECORDED] = "consulted=nspcc;b:anonymous=yes;advice=Refer to children's social care.",
  [CT_EVENT_FAMILY_DISCUSSED] = "with-whom=the child's mother;summary=She agreed a referral would help.",
  [CT_EVENT_FAMILY_APPROACH_AGREED] = "agreed-with=csc;agreed-by=Team manager Jo Reed",
  [CT_EVENT_REFERRAL_MADE] = "agency=Leeds Children's Social Care (front door);how=telephone;to-whom=Ali Khan;their-reference=LCC-12345;what-shared=The child's account and our notes.;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes",
  [CT_EVENT_CONFIRMATION_SENT] = "method=secure-email;to-whom=Ali Khan",
  [CT_EVENT_LA_CHASED] = "how=telephone;with-whom=Duty team;response=Decision expected tomorrow.",
  [CT_EVENT_OUTCOME_RECORDED] = "outcome=child-protection-enquiry;informed-by=Ali Khan",
  [CT_EVENT_OUTCOME_DISPUTED] = "reason=The decision ignores the child's own account.;raised-with=Service manager Pat Lowe",
  [CT_EVENT_MONITORING_STARTED] = "plan=The mediator reports any further remark to the DSO at each session.",
  [CT_EVENT_CASE_CLOSED] = "reason=The local authority's enquiry is complete and our involvement has ended.;raiser-support=Thanked Sam and told him the outcome.",
  [CT_EVENT_ALLEGATION_REPORTED] = "about=Chris Lee, volunteer;what=Seen grabbing a child by the arm.;reported-by=Sam Patel;senior-manager=Morgan Ellis",
  [CT_EVENT_ALLEGATION_CLASSIFIED] = "classification=allegation;category=harmed;reason=A child was hurt.",
  [CT_EVENT_LADO_INFORMED] = "lado=Leeds LADO team;how=telephone;advice=Suspend from contact with children.",
  [CT_EVENT_REGULATED_ACTIVITY_DECIDED] = "b:removed=no;reason=The LADO advised supervision instead.",
  [CT_EVENT_DBS_REFERRAL_DECIDED] = "b:referral-made=no;reason=Not removed from regulated activity.",
  [CT_EVENT_ALLEGATION_CONCLUDED] = "outcome=unsubstantiated;reason=Witnesses disagreed.;raiser-support=Thanked Sam and told him the outcome.",
  [CT_EVENT_INFORMATION_SHARING_DECIDED] = "b:shared=yes;purpose=to support the enquiry;safety-wellbeing=Sharing protects the child.;b:consent-sought=no;consent-reason=Asking could put the child at risk.;what=Our notes of the disclosure;with-whom=Leeds Children's Social Care;lawful-basis=UK GDPR article 6(1)(e);b:necessary-proportionate=yes;how-shared=secure email on the day;reason=The child's safety comes first.",
  [CT_EVENT_INTERNATIONAL_ADVICE_RECORDED] = "jurisdiction=Poland;adviser=Anna Nowak, family lawyer in Warsaw;advice=Reporting is permitted and a referral there is not required.",
  [CT_EVENT_CORRECTION] = "corrects=3;correction=The call was at 10:15, not 11:15.;reason=The time was mistyped.",
  [CT_EVENT_NOTE] = "kind=phone-call;with-whom=the child's mother;summary=She asked what happens next.;decided=Call back tomorrow.;reason=She was upset.",
  [CT_EVENT_REFERRAL_DETAILS_ADDED] = "risk=She may be hit again tonight.;threshold=child-protection-threshold;b:police-told=no;what-wanted=Please visit today.",
};

/* Flags a case needs before the good answers satisfy the event's guard. */
static CtCaseFlags
flags_needed (CtEvent event)
{
  switch (event)
    {
    case CT_EVENT_DBS_REFERRAL_DECIDED:
      return CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED;
    case CT_EVENT_ALLEGATION_CONCLUDED:
      return CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_DBS_DECIDED;
    case CT_EVENT_IMMEDIATE_RISK_RECONSIDERED:
      return CT_CASE_FLAG_IMMEDIATE_RISK;
    default:
      return CT_CASE_FLAG_NONE;
    }
}

/* The policy, written out by hand: in which states each event is allowed,
 * and where it leads ("same" = stays). */
static const struct { CtEvent event; const char *from; const char *to; } policy[] = {
  { CT_EVENT_CONCERN_RECORDED, "new monitoring", "concern-recorded" },
  { CT_EVENT_ESCALATED, "concern-recorded", "escalated" },
  { CT_EVENT_IMMEDIATE_RISK_REFERRAL, "concern-recorded escalated consulting family-discussion referral-due outcome-recorded monitoring", "confirmation-due" },
  { CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, "concern-recorded escalated consulting family-discussion referral-due outcome-recorded monitoring", "same" },
  { CT_EVENT_NO_CONCERNS_REMAIN, "escalated family-discussion referral-due", "closed-nfa" },
  { CT_EVENT_CONCERNS_REMAIN, "escalated", "family-discussion" },
  { CT_EVENT_UNCERTAIN, "escalated family-discussion referral-due", "consulting" },
  { CT_EVENT_ADVICE_RECORDED, "consulting", "escalated" },
  { CT_EVENT_FAMILY_DISCUSSED, "family-discussion referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring", "same" },
  { CT_EVENT_FAMILY_APPROACH_AGREED, "referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring", "same" },
  { CT_EVENT_REFERRAL_MADE, "referral-due", "confirmation-due" },
  { CT_EVENT_CONFIRMATION_SENT, "confirmation-due", "awaiting-decision" },
  { CT_EVENT_LA_CHASED, "awaiting-decision", "same" },
  { CT_EVENT_OUTCOME_RECORDED, "awaiting-decision outcome-disputed", "outcome-recorded" },
  { CT_EVENT_OUTCOME_DISPUTED, "outcome-recorded", "outcome-disputed" },
  { CT_EVENT_MONITORING_STARTED, "outcome-recorded", "monitoring" },
  { CT_EVENT_CASE_CLOSED, "outcome-recorded monitoring", "closed" },
  { CT_EVENT_ALLEGATION_REPORTED, "new", "allegation-reported" },
  { CT_EVENT_ALLEGATION_CLASSIFIED, "allegation-reported", "lado-due" },
  { CT_EVENT_LADO_INFORMED, "allegation-reported lado-due", "allegation-managed" },
  { CT_EVENT_REGULATED_ACTIVITY_DECIDED, "allegation-managed", "same" },
  { CT_EVENT_DBS_REFERRAL_DECIDED, "allegation-managed", "same" },
  { CT_EVENT_ALLEGATION_CONCLUDED, "allegation-managed", "closed" },
  { CT_EVENT_INFORMATION_SHARING_DECIDED, "concern-recorded escalated consulting family-discussion referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring allegation-reported lado-due allegation-managed closed-nfa closed", "same" },
  { CT_EVENT_INTERNATIONAL_ADVICE_RECORDED, "concern-recorded escalated consulting family-discussion referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring allegation-reported lado-due allegation-managed closed-nfa closed", "same" },
  { CT_EVENT_CORRECTION, "concern-recorded escalated consulting family-discussion referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring allegation-reported lado-due allegation-managed closed-nfa closed", "same" },
  { CT_EVENT_NOTE, "concern-recorded escalated consulting family-discussion referral-due confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring allegation-reported lado-due allegation-managed closed-nfa closed", "same" },
  { CT_EVENT_REFERRAL_DETAILS_ADDED, "confirmation-due awaiting-decision outcome-recorded outcome-disputed monitoring", "same" },
};

static void
test_matrix (void)
{
  guint accepted = 0, refused = 0;

  g_assert_cmpuint (G_N_ELEMENTS (policy), ==, CT_N_EVENTS);

  for (guint p = 0; p < G_N_ELEMENTS (policy); p++)
    {
      CtEvent event = policy[p].event;
      g_auto(GStrv) from = g_strsplit (policy[p].from, " ", -1);

      g_assert_cmpint (event, ==, p);

      for (guint s = 0; s < CT_N_STATES; s++)
        {
          gboolean allowed = g_strv_contains ((const char * const *) from, ct_state_to_string ((CtState) s));
          CtCaseSnapshot snapshot;
          g_autoptr(GError) error = NULL;
          g_autoptr(CtTransition) t = NULL;

          ct_case_snapshot_init (&snapshot);
          snapshot.state = (CtState) s;
          snapshot.flags = flags_needed (event);

          if (ct_procedure_event_allowed ((CtState) s, event) != allowed)
            g_error ("%s in %s: the table says %s, the policy %s", ct_event_to_string (event),
                     ct_state_to_string ((CtState) s), allowed ? "no" : "yes", allowed ? "yes" : "no");

          t = apply_spec (&snapshot, event, good_answers[event], NULL, &error);
          if (allowed)
            {
              CtState expected;

              if (error != NULL)
                g_error ("%s in %s refused: %s", ct_event_to_string (event),
                         ct_state_to_string ((CtState) s), error->message);
              g_assert_nonnull (t);
              if (strcmp (policy[p].to, "same") == 0)
                expected = (event == CT_EVENT_FAMILY_DISCUSSED && s == CT_STATE_FAMILY_DISCUSSION)
                           ? CT_STATE_REFERRAL_DUE : (CtState) s;
              else if (event == CT_EVENT_LADO_INFORMED && s == CT_STATE_ALLEGATION_REPORTED)
                expected = (CtState) s; /* told before the organisation's own triage */
              else
                expected = state_named (policy[p].to);
              if (t->to != expected)
                g_error ("%s in %s led to %s, not %s", ct_event_to_string (event),
                         ct_state_to_string ((CtState) s), ct_state_to_string (t->to),
                         ct_state_to_string (expected));
              g_assert_cmpint (t->from, ==, s);
              g_assert_cmpint (t->snapshot.state, ==, expected);
              g_assert_cmpstr (t->what, !=, "");
              g_assert_nonnull (strstr (t->entry, "Dana Shaw (DSO)"));
              g_assert_nonnull (strstr (t->entry, "2026-11-23T10:00:00+00:00"));
              accepted++;
            }
          else
            {
              g_assert_null (t);
              g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
              g_assert_nonnull (strstr (error->message, "cannot be recorded while the case is at"));
              refused++;
            }
        }
    }

  g_test_message ("%u transitions accepted, %u refused", accepted, refused);
  g_assert_cmpuint (accepted + refused, ==, CT_N_STATES * CT_N_EVENTS);

  /* Every row of the table is reachable from a state it names. */
  for (guint r = 0; r < ct_procedure_get_n_rules (); r++)
    g_assert_cmpuint (ct_procedure_rule_get_from (r), !=, 0);
}

/* ------------------------------------------------------------------------ */
/* Guards                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  const char  *state;
  CtCaseFlags  flags;
  CtEvent      event;
  const char  *answers;
  int          code;
  const char  *message;
} GuardCase;

static const GuardCase guard_cases[] = {
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "what=x;b:immediate-risk=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who raised the concern." },
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "raised-by=Sam;b:immediate-risk=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Describe what was seen or said." },
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "raised-by=   ;what=x;b:immediate-risk=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who raised the concern." },
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who raised the concern. Describe what was seen or said. Say whether the child may be at immediate risk of harm." },
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "b:raised-by=yes;what=x;b:immediate-risk=no", CT_PROCEDURE_ERROR_BAD_ANSWER, "The answer “raised-by” must be text." },
  /* Whoever records the concern says whether the child is at immediate risk. */
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "raised-by=Sam;what=x", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the child may be at immediate risk of harm." },
  { "new", 0, CT_EVENT_CONCERN_RECORDED, "raised-by=Sam;what=x;immediate-risk=yes", CT_PROCEDURE_ERROR_BAD_ANSWER, "The answer “immediate-risk” must be yes or no." },
  /* Only a case on the urgent path can be taken off it, and with a reason. */
  { "concern-recorded", 0, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, "reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "The case is not on the urgent path: nobody recorded that the child may be at immediate risk." },
  { "concern-recorded", CT_CASE_FLAG_IMMEDIATE_RISK, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, "", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for deciding that the child is not at immediate risk." },
  /* Telling the person who raised it about a referral (seed 000). */
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;agency=a;how=h;to-whom=w", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the person who raised the concern was told that a referral is being made." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;agency=a;how=h;to-whom=w;b:raiser-told=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for not telling the person who raised the concern about the referral (for example, that it could put the child at further risk)." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the person who raised the concern was encouraged to refer it themselves too." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for not encouraging the person who raised the concern to refer it themselves." },
  /* Support for the person who raised it, after every case. */
  { "escalated", 0, CT_EVENT_NO_CONCERNS_REMAIN, "reason=Explained.;b:staff-support-discussed=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the person who raised the concern was supported, and what they were told of the outcome." },
  { "monitoring", 0, CT_EVENT_CASE_CLOSED, "reason=Monitoring no longer needed.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the person who raised the concern was supported, and what they were told of the outcome." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_DBS_DECIDED, CT_EVENT_ALLEGATION_CONCLUDED, "outcome=false;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the person who raised the concern was supported, and what they were told of the outcome." },
  /* Classing an allegation as something else says whether the LADO was consulted. */
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=complaint;reason=r;handled-under=h;raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the LADO was consulted about treating this as not an allegation." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=complaint;reason=r;handled-under=h;raiser-support=s;b:lado-consulted=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for not consulting the LADO before treating this as not an allegation." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=quality-of-care;reason=r;handled-under=h;raiser-support=s;b:lado-consulted=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record what the LADO advised." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=complaint;reason=r;handled-under=h;b:lado-consulted=yes;lado-advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the person who raised the concern was supported, and what they were told of the outcome." },
  /* Details added to a referral: at least one, and a choice from its list. */
  { "awaiting-decision", 0, CT_EVENT_REFERRAL_DETAILS_ADDED, "reason=r;history=   ", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Give at least one detail to add to the referral." },
  { "confirmation-due", 0, CT_EVENT_REFERRAL_DETAILS_ADDED, "risk=r;threshold=high", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Give the level of need as universal, early-help, child-in-need or child-protection-threshold." },
  { "confirmation-due", 0, CT_EVENT_REFERRAL_DETAILS_ADDED, "lawful-basis=consent", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Give the lawful basis for sharing as legitimate-interests, vital-interests, legal-obligation or public-task." },
  /* Notes and advice from another jurisdiction. */
  { "closed", 0, CT_EVENT_NOTE, "summary=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say what kind of note this is: phone-call, meeting, email-received, email-sent, letter-received, letter-sent or note." },
  { "closed", 0, CT_EVENT_NOTE, "kind=phone-call", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record what was said or written." },
  { "escalated", 0, CT_EVENT_INTERNATIONAL_ADVICE_RECORDED, "adviser=a;advice=x", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which country or jurisdiction the advice is about." },
  { "concern-recorded", 0, CT_EVENT_ESCALATED, "safeguarding-lead=Dana", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which line manager the concern was discussed with." },
  { "concern-recorded", 0, CT_EVENT_ESCALATED, "line-manager=Ruth", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which safeguarding lead (DSO, deputy DSO or safeguarding board member) was involved." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "agency=a;how=h;to-whom=w;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Describe why the child needs immediate protection." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;how=h;to-whom=w;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which agency took the urgent referral: children’s social care, or the police in an emergency." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;agency=a;to-whom=w;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the urgent referral was made." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;agency=a;how=h;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who took the urgent referral." },
  { "escalated", 0, CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=r;agency=a;how=h;to-whom=w;b:raiser-told=yes;b:raiser-encouraged=yes;confirmation-period=2 days", CT_PROCEDURE_ERROR_BAD_ANSWER, "“2 days” is not a period Caretrail understands. Write a whole number from 1 to 9999 followed by h for hours, d for days or wd for working days, for example 48h, 24h or 2wd." },
  /* No concerns remain: a reason, and the staff member's support. */
  { "escalated", 0, CT_EVENT_NO_CONCERNS_REMAIN, "b:staff-support-discussed=yes;raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for deciding that no concerns remain." },
  { "escalated", 0, CT_EVENT_NO_CONCERNS_REMAIN, "reason=Explained.;raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record that the staff member and their line manager have discussed support for the staff member." },
  { "escalated", 0, CT_EVENT_NO_CONCERNS_REMAIN, "reason=Explained.;b:staff-support-discussed=no;raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record that the staff member and their line manager have discussed support for the staff member." },
  { "escalated", 0, CT_EVENT_NO_CONCERNS_REMAIN, "reason=Explained.;staff-support-discussed=yes;raiser-support=s", CT_PROCEDURE_ERROR_BAD_ANSWER, "The answer “staff-support-discussed” must be yes or no." },
  /* Concerns remain: each exception answered, each that holds with its reason. */
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "b:family-member-responsible=no;b:danger-to-others=no;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for deciding that concerns remain." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:danger-to-others=no;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether a family member might be responsible for the harm." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=no;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether someone might be put in danger by involving the family." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=no;b:danger-to-others=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether telling the family might interfere with a criminal investigation." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=yes;b:danger-to-others=no;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for believing a family member might be responsible for the harm." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=no;b:danger-to-others=yes;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for believing someone might be put in danger by involving the family." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=no;b:danger-to-others=no;b:criminal-investigation=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for believing telling the family might interfere with a criminal investigation." },
  { "escalated", 0, CT_EVENT_CONCERNS_REMAIN, "reason=r;b:family-member-responsible=yes;b:danger-to-others=yes;b:criminal-investigation=no;danger-to-others-reason=d", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for believing a family member might be responsible for the harm." },
  { "escalated", CT_CASE_FLAG_FAMILY_DISCUSSED, CT_EVENT_CONCERNS_REMAIN, "b:family-member-responsible=no;b:danger-to-others=no;b:criminal-investigation=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for deciding that concerns remain." },
  { "escalated", 0, CT_EVENT_UNCERTAIN, "", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say what is uncertain about the concern, so that the advice sought can address it." },
  /* Consultation: with whom; NSPCC anonymously; the advice. */
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who was consulted: children’s social care (csc) or the NSPCC helpline (nspcc)." },
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "consulted=childline;advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who was consulted: children’s social care (csc) or the NSPCC helpline (nspcc)." },
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "consulted=nspcc;advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "The NSPCC helpline is consulted without naming the child or family: record that the consultation was anonymous." },
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "consulted=nspcc;b:anonymous=no;advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "The NSPCC helpline is consulted without naming the child or family: record that the consultation was anonymous." },
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "consulted=csc;advice=a", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the child and family were named to children’s social care." },
  { "consulting", 0, CT_EVENT_ADVICE_RECORDED, "consulted=csc;b:anonymous=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record the advice that was given." },
  /* The family. */
  { "family-discussion", 0, CT_EVENT_FAMILY_DISCUSSED, "summary=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which family members the concern was discussed with." },
  { "family-discussion", 0, CT_EVENT_FAMILY_DISCUSSED, "with-whom=w", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record what was said in the discussion with the family." },
  { "referral-due", CT_CASE_FLAG_FAMILY_EXCEPTION, CT_EVENT_FAMILY_DISCUSSED, "with-whom=w;summary=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "The family may be approached only after children’s social care, or the police where there is a criminal investigation, has agreed: record that agreement first." },
  { "awaiting-decision", CT_CASE_FLAG_FAMILY_EXCEPTION, CT_EVENT_FAMILY_DISCUSSED, "with-whom=w;summary=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "The family may be approached only after children’s social care, or the police where there is a criminal investigation, has agreed: record that agreement first." },
  { "referral-due", 0, CT_EVENT_FAMILY_APPROACH_AGREED, "agreed-by=Jo", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who agreed that the family may be approached: children’s social care (csc) or the police (police)." },
  { "referral-due", 0, CT_EVENT_FAMILY_APPROACH_AGREED, "agreed-with=police", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who at that agency agreed that the family may be approached." },
  /* The referral. */
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which children’s social care team, for the area where the child lives, the referral was made to." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the referral was made (for example by telephone or online form)." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who took the referral." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;what-shared=s;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record the local authority’s reference for the referral." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;referral-type=child-protection;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record what information was shared in the referral." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;consent=given;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether this is a child protection referral (child-protection) or an early help referral (early-help)." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the family consented to the referral: given, refused or not-sought." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=not-sought;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for referring without the family’s consent." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=refused;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for referring without the family’s consent." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=early-help;consent=refused;consent-reason=c;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Early help is voluntary: an early help referral needs the family’s consent." },
  { "referral-due", 0, CT_EVENT_REFERRAL_MADE, "agency=a;how=h;to-whom=w;their-reference=r;what-shared=s;referral-type=child-protection;consent=given;confirmation-period=0h;b:raiser-told=yes;b:raiser-encouraged=yes", CT_PROCEDURE_ERROR_BAD_ANSWER, "“0h” is not a period Caretrail understands. Write a whole number from 1 to 9999 followed by h for hours, d for days or wd for working days, for example 48h, 24h or 2wd." },
  { "confirmation-due", 0, CT_EVENT_CONFIRMATION_SENT, "to-whom=w;how=by secure email", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the referral was confirmed in writing: on the local authority’s portal (portal), on their own form (their-form), by secure email (secure-email), by email (email), by post (post) or by hand (hand)." },
  { "confirmation-due", 0, CT_EVENT_CONFIRMATION_SENT, "to-whom=w;method=carrier-pigeon", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the referral was confirmed in writing: on the local authority’s portal (portal), on their own form (their-form), by secure email (secure-email), by email (email), by post (post) or by hand (hand)." },
  { "confirmation-due", 0, CT_EVENT_CONFIRMATION_SENT, "method=portal", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who the written confirmation was sent to." },
  { "awaiting-decision", 0, CT_EVENT_LA_CHASED, "with-whom=w", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the local authority was chased." },
  { "awaiting-decision", 0, CT_EVENT_LA_CHASED, "how=h", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who at the local authority was contacted." },
  /* The local authority's decision; early help only with consent. */
  { "awaiting-decision", 0, CT_EVENT_OUTCOME_RECORDED, "outcome=section-47;informed-by=i", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record the local authority’s decision: nfa, early-help, child-in-need-assessment or child-protection-enquiry." },
  { "awaiting-decision", 0, CT_EVENT_OUTCOME_RECORDED, "outcome=nfa", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who at the local authority gave the decision." },
  { "awaiting-decision", 0, CT_EVENT_OUTCOME_RECORDED, "outcome=early-help;informed-by=i", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Early help is voluntary: record that the family consented before recording early help as the outcome." },
  { "awaiting-decision", 0, CT_EVENT_OUTCOME_RECORDED, "outcome=early-help;informed-by=i;b:family-consent=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Early help is voluntary: record that the family consented before recording early help as the outcome." },
  { "outcome-recorded", 0, CT_EVENT_OUTCOME_DISPUTED, "raised-with=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for challenging the local authority’s decision." },
  { "outcome-recorded", 0, CT_EVENT_OUTCOME_DISPUTED, "reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who the disagreement was raised with under the escalation policy." },
  { "outcome-recorded", 0, CT_EVENT_MONITORING_STARTED, "", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say what will be monitored, by whom and how." },
  { "monitoring", 0, CT_EVENT_CASE_CLOSED, "raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for closing the case." },
  /* Allegations. */
  { "new", 0, CT_EVENT_ALLEGATION_REPORTED, "what=w;reported-by=r;senior-manager=m", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who the allegation is about (their name and role)." },
  { "new", 0, CT_EVENT_ALLEGATION_REPORTED, "about=a;reported-by=r;senior-manager=m", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Describe what is alleged." },
  { "new", 0, CT_EVENT_ALLEGATION_REPORTED, "about=a;what=w;senior-manager=m", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say who reported the allegation." },
  { "new", 0, CT_EVENT_ALLEGATION_REPORTED, "about=a;what=w;reported-by=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which senior manager the allegation was reported to; it must go to one at once." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "category=harmed;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether this is an allegation, a concern about the quality of care or practice, or a complaint (allegation, quality-of-care or complaint)." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=allegation;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say what kind of allegation this is: harmed, offence, risk-of-harm or unsuitability." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=allegation;category=harmed", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for how the matter was classified." },
  { "allegation-reported", 0, CT_EVENT_ALLEGATION_CLASSIFIED, "classification=complaint;reason=r;b:lado-consulted=yes;lado-advice=a;raiser-support=s", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which procedure will deal with it instead (for example the complaints procedure)." },
  { "lado-due", 0, CT_EVENT_LADO_INFORMED, "how=h", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which designated officer (LADO) was informed." },
  { "lado-due", 0, CT_EVENT_LADO_INFORMED, "lado=l", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the LADO was informed." },
  { "allegation-managed", 0, CT_EVENT_REGULATED_ACTIVITY_DECIDED, "reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the person was removed from regulated activity (or would have been, had they not left)." },
  { "allegation-managed", 0, CT_EVENT_REGULATED_ACTIVITY_DECIDED, "b:removed=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether the person was removed because they may pose a risk of harm to children." },
  { "allegation-managed", 0, CT_EVENT_REGULATED_ACTIVITY_DECIDED, "b:removed=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for the decision about regulated activity." },
  { "allegation-managed", 0, CT_EVENT_DBS_REFERRAL_DECIDED, "b:referral-made=no;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record whether the person was removed from regulated activity before the decision about a Disclosure and Barring Service referral." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED, CT_EVENT_DBS_REFERRAL_DECIDED, "reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether a referral to the Disclosure and Barring Service was made." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED, CT_EVENT_DBS_REFERRAL_DECIDED, "b:referral-made=yes", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for the decision about a Disclosure and Barring Service referral." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_REMOVED_FOR_RISK, CT_EVENT_DBS_REFERRAL_DECIDED, "b:referral-made=no;reason=We do not think it necessary.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A referral to the Disclosure and Barring Service must be made when someone is removed from regulated activity because they may pose a risk of harm to children." },
  { "allegation-managed", 0, CT_EVENT_ALLEGATION_CONCLUDED, "outcome=false;reason=r;raiser-support=Thanked Sam and told him the outcome.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record whether the person was removed from regulated activity before concluding the allegation." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED, CT_EVENT_ALLEGATION_CONCLUDED, "outcome=false;reason=r;raiser-support=Thanked Sam and told him the outcome.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record whether a referral to the Disclosure and Barring Service was considered before concluding the allegation." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_REMOVED_FOR_RISK | CT_CASE_FLAG_DBS_DECIDED, CT_EVENT_ALLEGATION_CONCLUDED, "outcome=substantiated;reason=r;raiser-support=Thanked Sam and told him the outcome.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A referral to the Disclosure and Barring Service must be made when someone is removed from regulated activity because they may pose a risk of harm to children." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_DBS_DECIDED, CT_EVENT_ALLEGATION_CONCLUDED, "reason=r;raiser-support=Thanked Sam and told him the outcome.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record the outcome of the allegation: substantiated, unsubstantiated, unfounded, false or malicious." },
  { "allegation-managed", CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_DBS_DECIDED, CT_EVENT_ALLEGATION_CONCLUDED, "outcome=false;raiser-support=Thanked Sam and told him the outcome.", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for the outcome of the allegation." },
  /* Information sharing: the seven golden rules' questions. */
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "purpose=p;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether information was shared." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say what the information was, or would have been, shared for." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;purpose=p;b:consent-sought=yes;b:consent-given=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say how the safety and well-being of the child and others affected were weighed." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;purpose=p;safety-wellbeing=s;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether consent to share was sought." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;purpose=p;safety-wellbeing=s;b:consent-sought=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say whether consent to share was given." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;purpose=p;safety-wellbeing=s;b:consent-sought=no;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for not seeking consent to share." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=no;purpose=p;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=no", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for the decision whether to share information." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=yes;purpose=p;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=yes;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Record what information was shared. Record who the information was shared with. Record the lawful basis for sharing the information. Confirm that what was shared was necessary, proportionate, relevant, adequate and accurate. Say how the information was shared securely and when." },
  { "escalated", 0, CT_EVENT_INFORMATION_SHARING_DECIDED, "b:shared=yes;purpose=p;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=yes;reason=r;what=w;with-whom=x;lawful-basis=l;b:necessary-proportionate=no;how-shared=h", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Confirm that what was shared was necessary, proportionate, relevant, adequate and accurate." },
  /* Corrections. */
  { "closed", 0, CT_EVENT_CORRECTION, "correction=c;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Say which entry this corrects." },
  { "closed", 0, CT_EVENT_CORRECTION, "corrects=1;reason=r", CT_PROCEDURE_ERROR_MISSING_ANSWER, "Write the corrected account." },
  { "closed", 0, CT_EVENT_CORRECTION, "corrects=1;correction=c", CT_PROCEDURE_ERROR_MISSING_ANSWER, "A reason is needed for the correction." },
  /* Order matters: closed cases take no new steps, skipped steps are refused. */
  { "concern-recorded", 0, CT_EVENT_REFERRAL_MADE, NULL, CT_PROCEDURE_ERROR_NOT_ALLOWED, "“Record the referral” cannot be recorded while the case is at “Concern recorded”. Discuss the concern with your line manager and a safeguarding lead today." },
  { "closed-nfa", 0, CT_EVENT_CONCERNS_REMAIN, NULL, CT_PROCEDURE_ERROR_NOT_ALLOWED, "“Concerns remain” cannot be recorded while the case is at “Closed, no further action”. Nothing more is required. Keep the records until their review date." },
};

static void
test_guards (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (guard_cases); i++)
    {
      const GuardCase *c = &guard_cases[i];
      const char *spec = c->answers != NULL ? c->answers : good_answers[c->event];
      CtCaseSnapshot snapshot;
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = NULL;

      ct_case_snapshot_init (&snapshot);
      snapshot.state = state_named (c->state);
      snapshot.flags = c->flags;

      t = apply_spec (&snapshot, c->event, spec, NULL, &error);
      if (t != NULL)
        g_error ("guard case %u (%s in %s) was accepted", i, ct_event_to_string (c->event), c->state);
      g_assert_error (error, CT_PROCEDURE_ERROR, c->code);
      if (g_strcmp0 (error->message, c->message) != 0)
        g_error ("guard case %u (%s in %s):\n  expected: %s\n  got:      %s", i,
                 ct_event_to_string (c->event), c->state, c->message, error->message);
    }
}

static void
test_actor_required (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GHashTable) answers = answers_from_spec (good_answers[CT_EVENT_CONCERN_RECORDED]);
  g_autoptr(GDateTime) at = instant ("2026-11-23T10:00:00");
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) t = NULL;

  ct_case_snapshot_init (&snapshot);
  t = ct_procedure_apply (england, &snapshot, CT_EVENT_CONCERN_RECORDED, answers, "", at, &error);
  g_assert_null (t);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
  g_assert_cmpstr (error->message, ==, "Say who is recording this step.");
}

/* ------------------------------------------------------------------------ */
/* Routes, facts and clocks                                                  */
/* ------------------------------------------------------------------------ */

static void
test_routes (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) exception = NULL;
  g_autoptr(CtTransition) told = NULL;
  g_autoptr(CtTransition) complaint = NULL;
  g_autoptr(CtTransition) quality = NULL;

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_ESCALATED;

  /* An exception holds: straight to the referral, family not to be told. */
  exception = apply_spec (&snapshot, CT_EVENT_CONCERNS_REMAIN,
                          "reason=Specific disclosure.;b:family-member-responsible=yes;family-member-responsible-reason=The child named her stepfather.;b:danger-to-others=no;b:criminal-investigation=yes;criminal-investigation-reason=The police are investigating.",
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (exception->to, ==, CT_STATE_REFERRAL_DUE);
  g_assert_true (exception->snapshot.flags & CT_CASE_FLAG_FAMILY_EXCEPTION);
  g_assert_cmpstr (exception->what, ==,
                   "Decided that concerns remain and that the family is not to be told yet; it may be approached only once children’s social care, or the police, agrees."
                   " A family member might be responsible: The child named her stepfather."
                   " It might interfere with a criminal investigation: The police are investigating.");
  g_assert_cmpstr (exception->why, ==, "Specific disclosure.");

  /* The family already spoken to (after advice): referral next. */
  snapshot.flags = CT_CASE_FLAG_FAMILY_DISCUSSED;
  told = apply_spec (&snapshot, CT_EVENT_CONCERNS_REMAIN, good_answers[CT_EVENT_CONCERNS_REMAIN], NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (told->to, ==, CT_STATE_REFERRAL_DUE);
  g_assert_false (told->snapshot.flags & CT_CASE_FLAG_FAMILY_EXCEPTION);

  /* Not an allegation: handled elsewhere, the LADO clock stops. */
  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_ALLEGATION_REPORTED;
  snapshot.flags = CT_CASE_FLAG_ALLEGATION;
  snapshot.clocks[CT_CLOCK_LADO].running = TRUE;
  snapshot.clocks[CT_CLOCK_LADO].started_at = G_GINT64_CONSTANT (1795000000) * G_USEC_PER_SEC;
  complaint = apply_spec (&snapshot, CT_EVENT_ALLEGATION_CLASSIFIED,
                          "classification=complaint;reason=About fees, not about a child.;handled-under=the complaints procedure;b:lado-consulted=yes;lado-advice=Not an allegation, so no LADO involvement is needed.;raiser-support=The parent was thanked and told how the complaint will be handled.",
                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (complaint->to, ==, CT_STATE_CLOSED);
  /* The LADO clock never stops silently: the entry says so, and whether the
   * LADO was consulted. */
  g_assert_cmpstr (complaint->what, ==, "Treated as a complaint, not an allegation; it will be dealt with under the complaints procedure. The LADO was consulted and advised: Not an allegation, so no LADO involvement is needed. The one-working-day clock for informing the LADO stops with this decision. Support and information for the person who raised it: The parent was thanked and told how the complaint will be handled.");
  g_assert_cmpuint (complaint->clocks_stopped, ==, 1u << CT_CLOCK_LADO);
  g_assert_cmpuint (complaint->clocks_started, ==, 1u << CT_CLOCK_RETENTION_REVIEW);

  /* A new concern while monitoring starts afresh with the family. */
  {
    g_autoptr(CtTransition) again = NULL;

    ct_case_snapshot_init (&snapshot);
    snapshot.state = CT_STATE_MONITORING;
    snapshot.flags = CT_CASE_FLAG_FAMILY_DISCUSSED | CT_CASE_FLAG_FAMILY_EXCEPTION | CT_CASE_FLAG_FAMILY_APPROACH_AGREED;
    again = apply_spec (&snapshot, CT_EVENT_CONCERN_RECORDED, good_answers[CT_EVENT_CONCERN_RECORDED], NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (again->to, ==, CT_STATE_CONCERN_RECORDED);
    g_assert_cmpuint (again->snapshot.flags, ==, CT_CASE_FLAG_NONE);
    g_assert_true (again->snapshot.clocks[CT_CLOCK_ESCALATION].running);

    ct_case_snapshot_init (&snapshot);
    snapshot.state = CT_STATE_ALLEGATION_REPORTED;
    snapshot.flags = CT_CASE_FLAG_ALLEGATION;
  }

  quality = apply_spec (&snapshot, CT_EVENT_ALLEGATION_CLASSIFIED,
                        "classification=quality-of-care;reason=Poor record-keeping, no harm.;handled-under=supervision;b:lado-consulted=no;lado-not-consulted-reason=No child was involved.;raiser-support=s",
                        NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (quality->what, "a concern about the quality of care or practice"));
  g_assert_nonnull (strstr (quality->what, "The LADO was not consulted: No child was involved."));
}

typedef struct
{
  CtEvent     event;
  const char *state;
  const char *answers;
  const char *at;
  CtClockKind clock;
  const char *expected;
} ClockCase;

static void
test_transition_clocks (void)
{
  static const ClockCase cases[] = {
    /* Recorded a minute before and after the cut-off. */
    { CT_EVENT_CONCERN_RECORDED, "new", NULL, "2026-11-27T15:59:00", CT_CLOCK_ESCALATION, "2026-11-27T23:59:59+00:00" },
    /* After the cut-off on a Friday: the following day, Saturday (seed 000). */
    { CT_EVENT_CONCERN_RECORDED, "new", NULL, "2026-11-27T16:01:00", CT_CLOCK_ESCALATION, "2026-11-28T23:59:59+00:00" },
    /* A child at immediate risk: an urgent referral is due at once. */
    { CT_EVENT_CONCERN_RECORDED, "new", "raised-by=Sam;what=She said she cannot go home tonight.;b:immediate-risk=yes", "2026-11-27T16:55:00", CT_CLOCK_URGENT_REFERRAL, "2026-11-27T16:55:00+00:00" },
    /* Between escalation and referral, a clock in every state (our defaults:
     * the same working day). */
    { CT_EVENT_ESCALATED, "concern-recorded", NULL, "2026-11-27T11:00:00", CT_CLOCK_DECISION, "2026-11-27T23:59:59+00:00" },
    { CT_EVENT_ESCALATED, "concern-recorded", NULL, "2026-11-28T11:00:00", CT_CLOCK_DECISION, "2026-11-30T23:59:59+00:00" },
    { CT_EVENT_CONCERNS_REMAIN, "escalated", NULL, "2026-11-27T11:00:00", CT_CLOCK_REFERRAL, "2026-11-27T23:59:59+00:00" },
    /* Referral on Friday: 48 hours, 1 and 3 working days. */
    { CT_EVENT_REFERRAL_MADE, "referral-due", NULL, "2026-11-27T11:00:00", CT_CLOCK_WRITTEN_CONFIRMATION, "2026-11-29T11:00:00+00:00" },
    { CT_EVENT_REFERRAL_MADE, "referral-due", NULL, "2026-11-27T11:00:00", CT_CLOCK_LA_DECISION, "2026-11-30T23:59:59+00:00" },
    { CT_EVENT_REFERRAL_MADE, "referral-due", NULL, "2026-11-27T11:00:00", CT_CLOCK_LA_CHASE, "2026-12-02T23:59:59+00:00" },
    /* The authority's own period travels with the referral. */
    { CT_EVENT_REFERRAL_MADE, "referral-due",
      "agency=Kirklees;how=online form;to-whom=Duty;their-reference=K1;what-shared=notes;referral-type=child-protection;consent=given;confirmation-period=2wd;b:raiser-told=yes;b:raiser-encouraged=yes",
      "2026-11-27T11:00:00", CT_CLOCK_WRITTEN_CONFIRMATION, "2026-12-01T23:59:59+00:00" },
    { CT_EVENT_IMMEDIATE_RISK_REFERRAL, "concern-recorded",
      "risk=r;agency=West Yorkshire Police;how=999;to-whom=Control room;confirmation-period=24h;b:raiser-told=no;raiser-reason=It could put the child at further risk.",
      "2026-12-24T18:00:00", CT_CLOCK_WRITTEN_CONFIRMATION, "2026-12-25T18:00:00+00:00" },
    { CT_EVENT_IMMEDIATE_RISK_REFERRAL, "concern-recorded", NULL, "2026-12-24T18:00:00", CT_CLOCK_LA_DECISION, "2026-12-29T23:59:59+00:00" },
    /* A chase restarts the chase clock. */
    { CT_EVENT_LA_CHASED, "awaiting-decision", NULL, "2026-12-02T10:00:00", CT_CLOCK_LA_CHASE, "2026-12-07T23:59:59+00:00" },
    /* The LADO within 1 working day, over Easter. */
    { CT_EVENT_ALLEGATION_REPORTED, "new", NULL, "2026-04-02T17:30:00", CT_CLOCK_LADO, "2026-04-07T23:59:59+01:00" },
    /* Closing without a date of birth: 25 years after closing. */
    { CT_EVENT_NO_CONCERNS_REMAIN, "escalated", NULL, "2026-11-23T10:00:00", CT_CLOCK_RETENTION_REVIEW, "2051-11-23T23:59:59+00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CtCaseSnapshot snapshot;
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = NULL;
      g_autofree char *due = NULL;
      g_autoptr(GDateTime) again = NULL;
      g_autofree char *again_text = NULL;

      ct_case_snapshot_init (&snapshot);
      snapshot.state = state_named (cases[i].state);
      t = apply_spec (&snapshot, cases[i].event,
                      cases[i].answers != NULL ? cases[i].answers : good_answers[cases[i].event],
                      cases[i].at, &error);
      g_assert_no_error (error);
      g_assert_true (t->clocks_started & (1u << cases[i].clock));
      due = format_due (t->due[cases[i].clock]);
      if (g_strcmp0 (due, cases[i].expected) != 0)
        g_error ("clock case %u: %s due %s, expected %s", i,
                 ct_clock_kind_to_string (cases[i].clock), due, cases[i].expected);

      /* The snapshot after the event gives the same due time. */
      again = ct_case_snapshot_get_due (&t->snapshot, england, cases[i].clock);
      again_text = format_due (again);
      g_assert_cmpstr (again_text, ==, due);
    }
}

static void
test_retention_on_close (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) child = NULL;
  g_autoptr(CtTransition) worker = NULL;
  g_autofree char *child_due = NULL;
  g_autofree char *worker_due = NULL;

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_MONITORING;
  g_date_set_dmy (&snapshot.child_birth, 10, G_DATE_MARCH, 2015);
  child = apply_spec (&snapshot, CT_EVENT_CASE_CLOSED, good_answers[CT_EVENT_CASE_CLOSED], NULL, &error);
  g_assert_no_error (error);
  child_due = format_due (child->due[CT_CLOCK_RETENTION_REVIEW]);
  g_assert_cmpstr (child_due, ==, "2040-03-10T23:59:59+00:00");

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_ALLEGATION_MANAGED;
  snapshot.flags = CT_CASE_FLAG_ALLEGATION | CT_CASE_FLAG_REGULATED_ACTIVITY_DECIDED | CT_CASE_FLAG_DBS_DECIDED;
  g_date_set_dmy (&snapshot.person_birth, 1, G_DATE_MAY, 1990);
  worker = apply_spec (&snapshot, CT_EVENT_ALLEGATION_CONCLUDED, good_answers[CT_EVENT_ALLEGATION_CONCLUDED], NULL, &error);
  g_assert_no_error (error);
  worker_due = format_due (worker->due[CT_CLOCK_RETENTION_REVIEW]);
  g_assert_cmpstr (worker_due, ==, "2057-05-01T23:59:59+01:00");
}

/* ------------------------------------------------------------------------ */
/* Whole paths                                                               */
/* ------------------------------------------------------------------------ */

typedef struct
{
  CtEvent     event;
  const char *answers;   /* NULL: the good answers */
  const char *at;
  const char *state;     /* expected state after, or NULL if refused */
  const char *entry;     /* expected chronology entry, or substring if it starts with '~' */
} Step;

/* Walks @steps from a new case; returns the chronology left. */
static GPtrArray *
walk (const Step *steps,
      gsize       n_steps,
      CtCaseSnapshot *out_snapshot)
{
  GPtrArray *chronology = g_ptr_array_new_with_free_func (g_free);
  CtCaseSnapshot snapshot;

  ct_case_snapshot_init (&snapshot);

  for (gsize i = 0; i < n_steps; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = apply_spec (&snapshot, steps[i].event,
                                              steps[i].answers != NULL ? steps[i].answers : good_answers[steps[i].event],
                                              steps[i].at, &error);

      if (steps[i].state == NULL)
        {
          if (t != NULL)
            g_error ("step %" G_GSIZE_FORMAT " (%s) should have been refused", i, ct_event_to_string (steps[i].event));
          g_assert_nonnull (error);
          if (steps[i].entry != NULL)
            g_assert_cmpstr (error->message, ==, steps[i].entry);
          continue;
        }

      if (t == NULL)
        g_error ("step %" G_GSIZE_FORMAT " (%s in %s) refused: %s", i, ct_event_to_string (steps[i].event),
                 ct_state_to_string (snapshot.state), error->message);
      if (t->to != state_named (steps[i].state))
        g_error ("step %" G_GSIZE_FORMAT " (%s) led to %s, not %s", i, ct_event_to_string (steps[i].event),
                 ct_state_to_string (t->to), steps[i].state);
      if (steps[i].entry != NULL)
        {
          if (steps[i].entry[0] == '~')
            {
              if (strstr (t->entry, steps[i].entry + 1) == NULL)
                g_error ("step %" G_GSIZE_FORMAT ": “%s” not in “%s”", i, steps[i].entry + 1, t->entry);
            }
          else if (strcmp (t->entry, steps[i].entry) != 0)
            g_error ("step %" G_GSIZE_FORMAT ":\n  expected: %s\n  got:      %s", i, steps[i].entry, t->entry);
        }

      g_ptr_array_add (chronology, g_strdup (t->entry));
      snapshot = t->snapshot;
    }

  if (out_snapshot != NULL)
    *out_snapshot = snapshot;
  return chronology;
}

static void
test_path_no_concerns (void)
{
  static const Step steps[] = {
    /* A quotation that ends its own sentence takes no second full stop. */
    { CT_EVENT_CONCERN_RECORDED, "raised-by=Sam Patel;how=in-person;what=A child seemed withdrawn.;childs-words=I miss Grandad.;b:immediate-risk=no", "2026-11-23T09:15:00", "concern-recorded",
      "2026-11-23T09:15:00+00:00, Dana Shaw (DSO): Concern recorded, raised by Sam Patel (in person): A child seemed withdrawn. The child said: “I miss Grandad.”" },
    { CT_EVENT_ESCALATED, "line-manager=Ruth Adams;safeguarding-lead=Dana Shaw;summary=Discussed by phone.", "2026-11-23T11:00:00", "escalated",
      "2026-11-23T11:00:00+00:00, Dana Shaw (DSO): Concern discussed with the line manager, Ruth Adams, and the safeguarding lead, Dana Shaw. Discussed by phone." },
    { CT_EVENT_NO_CONCERNS_REMAIN, "reason=A bereavement explains it, and the school knows.;raiser-support=Thanked Sam and told him the outcome.", "2026-11-23T14:00:00", NULL,
      "Record that the staff member and their line manager have discussed support for the staff member." },
    { CT_EVENT_NO_CONCERNS_REMAIN, "reason=A bereavement explains it, and the school knows.;b:staff-support-discussed=yes;raiser-support=Thanked Sam and told him the outcome.", "2026-11-23T14:00:00", "closed-nfa",
      "2026-11-23T14:00:00+00:00, Dana Shaw (DSO): Decided that no concerns remain: no further child protection action. Support for the staff member was discussed with their line manager. Support and information for the person who raised it: Thanked Sam and told him the outcome. Reason: A bereavement explains it, and the school knows." },
    { CT_EVENT_CORRECTION, "corrects=1;correction=The concern was raised by phone, not in person.;reason=Mistyped.", "2026-11-24T09:00:00", "closed-nfa",
      "2026-11-24T09:00:00+00:00, Dana Shaw (DSO): Correction to entry 1: The concern was raised by phone, not in person. Reason: Mistyped." },
  };
  CtCaseSnapshot end;
  g_autoptr(GPtrArray) chronology = NULL;

  chronology = walk (steps, G_N_ELEMENTS (steps), &end);
  g_assert_cmpuint (chronology->len, ==, 4);
  g_assert_cmpint (end.state, ==, CT_STATE_CLOSED_NFA);
  g_assert_false (end.clocks[CT_CLOCK_ESCALATION].running);
  g_assert_true (end.clocks[CT_CLOCK_RETENTION_REVIEW].running);
}

static void
test_path_referral (void)
{
  static const Step steps[] = {
    { CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-26T16:30:00", "concern-recorded", "~Concern recorded, raised by Sam Patel (mediator) (in person): The child said her stepfather hit her with a belt. The child said: “He hits me when Mum is out”." },
    { CT_EVENT_ESCALATED, NULL, "2026-11-27T09:30:00", "escalated", NULL },
    { CT_EVENT_CONCERNS_REMAIN, NULL, "2026-11-27T10:00:00", "family-discussion",
      "2026-11-27T10:00:00+00:00, Dana Shaw (DSO): Decided that concerns remain. None of the exceptions applies, so the concern is to be discussed with the family. Reason: The account is specific and consistent." },
    { CT_EVENT_REFERRAL_MADE, NULL, "2026-11-27T10:10:00", NULL,
      "“Record the referral” cannot be recorded while the case is at “Family to be spoken to”. Discuss the concern with the child’s family." },
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-11-27T10:30:00", "referral-due",
      "2026-11-27T10:30:00+00:00, Dana Shaw (DSO): Concern discussed with the family (the child's mother): She agreed a referral would help." },
    { CT_EVENT_REFERRAL_MADE, NULL, "2026-11-27T11:00:00", "confirmation-due",
      "2026-11-27T11:00:00+00:00, Dana Shaw (DSO): Referral for child protection made to Leeds Children's Social Care (front door) (telephone), taken by Ali Khan, reference LCC-12345. Shared: The child's account and our notes. The family’s consent: given. The person who raised the concern was told of the referral and encouraged to refer it themselves too." },
    { CT_EVENT_OUTCOME_RECORDED, NULL, "2026-11-27T15:00:00", NULL, NULL },
    { CT_EVENT_CONFIRMATION_SENT, NULL, "2026-11-27T14:00:00", "awaiting-decision",
      "2026-11-27T14:00:00+00:00, Dana Shaw (DSO): Referral confirmed in writing to Ali Khan (by secure email)." },
    { CT_EVENT_LA_CHASED, NULL, "2026-12-03T09:00:00", "awaiting-decision",
      "2026-12-03T09:00:00+00:00, Dana Shaw (DSO): Local authority chased for its decision (telephone, Duty team). Reply: Decision expected tomorrow." },
    { CT_EVENT_OUTCOME_RECORDED, "outcome=early-help;informed-by=Ali Khan;b:family-consent=yes", "2026-12-04T10:00:00", "outcome-recorded",
      "2026-12-04T10:00:00+00:00, Dana Shaw (DSO): The local authority’s decision: early help (given by Ali Khan)." },
    { CT_EVENT_INFORMATION_SHARING_DECIDED, NULL, "2026-12-04T11:00:00", "outcome-recorded",
      "2026-12-04T11:00:00+00:00, Dana Shaw (DSO): Information shared with Leeds Children's Social Care (secure email on the day): Our notes of the disclosure. Lawful basis: UK GDPR article 6(1)(e). Purpose: to support the enquiry. Consent was not sought: Asking could put the child at risk. Safety and well-being: Sharing protects the child. Reason: The child's safety comes first." },
    { CT_EVENT_MONITORING_STARTED, NULL, "2026-12-04T12:00:00", "monitoring", "~Monitoring started: The mediator reports any further remark to the DSO at each session." },
    { CT_EVENT_CASE_CLOSED, NULL, "2027-03-01T12:00:00", "closed",
      "2027-03-01T12:00:00+00:00, Dana Shaw (DSO): Case closed. Support and information for the person who raised the concern: Thanked Sam and told him the outcome. Reason: The local authority's enquiry is complete and our involvement has ended." },
  };
  CtCaseSnapshot end;
  g_autoptr(GPtrArray) chronology = walk (steps, G_N_ELEMENTS (steps), &end);

  g_assert_cmpuint (chronology->len, ==, 11);
  g_assert_cmpint (end.state, ==, CT_STATE_CLOSED);
  for (guint c = 0; c < CT_N_CLOCKS; c++)
    g_assert_cmpint (end.clocks[c].running, ==, c == CT_CLOCK_RETENTION_REVIEW);
  g_assert_true (end.flags & CT_CASE_FLAG_FAMILY_DISCUSSED);
}

static void
test_path_exception_and_advice (void)
{
  static const Step steps[] = {
    { CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-23T10:00:00", "concern-recorded", NULL },
    { CT_EVENT_ESCALATED, NULL, "2026-11-23T12:00:00", "escalated", NULL },
    { CT_EVENT_UNCERTAIN, NULL, "2026-11-23T12:10:00", "consulting",
      "2026-11-23T12:10:00+00:00, Dana Shaw (DSO): Still uncertain about the concern; advice to be sought. Reason: It is unclear whether the remark was a joke." },
    { CT_EVENT_ADVICE_RECORDED, NULL, "2026-11-23T13:00:00", "escalated",
      "2026-11-23T13:00:00+00:00, Dana Shaw (DSO): Advice sought from the NSPCC helpline without naming the child or family: Refer to children's social care." },
    { CT_EVENT_CONCERNS_REMAIN,
      "reason=The NSPCC advised a referral.;b:family-member-responsible=yes;family-member-responsible-reason=The remark was about her father.;b:danger-to-others=no;b:criminal-investigation=no",
      "2026-11-23T13:10:00", "referral-due", "~The remark was about her father." },
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-11-23T13:20:00", NULL,
      "The family may be approached only after children’s social care, or the police where there is a criminal investigation, has agreed: record that agreement first." },
    { CT_EVENT_REFERRAL_MADE,
      "agency=Bradford Children's Social Care;how=telephone;to-whom=Lee Ward;their-reference=BD-9;what-shared=The remark and context.;referral-type=child-protection;consent=not-sought;consent-reason=Telling the family could increase the risk to the child.;b:raiser-told=yes;b:raiser-encouraged=no;raiser-reason=They are the child's grandmother and could tip off the father.",
      "2026-11-23T14:00:00", "confirmation-due", "~The family’s consent: not sought. The person who raised the concern was told of the referral but not encouraged to refer it themselves: They are the child's grandmother and could tip off the father. Reason: Telling the family could increase the risk to the child." },
    { CT_EVENT_FAMILY_APPROACH_AGREED, "agreed-with=csc;agreed-by=Lee Ward", "2026-11-23T15:00:00", "confirmation-due",
      "2026-11-23T15:00:00+00:00, Dana Shaw (DSO): Agreement that the family may now be approached was given by Lee Ward of children’s social care." },
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-11-24T10:00:00", "confirmation-due", NULL },
    { CT_EVENT_CONFIRMATION_SENT, NULL, "2026-11-24T11:00:00", "awaiting-decision", NULL },
    { CT_EVENT_OUTCOME_RECORDED, "outcome=nfa;informed-by=Lee Ward;reason=Threshold not met.", "2026-11-25T10:00:00", "outcome-recorded",
      "2026-11-25T10:00:00+00:00, Dana Shaw (DSO): The local authority’s decision: no further action (given by Lee Ward). Reason: Threshold not met." },
    { CT_EVENT_OUTCOME_DISPUTED, NULL, "2026-11-25T12:00:00", "outcome-disputed", "~challenged under the escalation policy with Service manager Pat Lowe." },
    { CT_EVENT_OUTCOME_RECORDED, "outcome=child-in-need-assessment;informed-by=Pat Lowe", "2026-11-27T10:00:00", "outcome-recorded", "~an assessment of a child in need" },
    { CT_EVENT_CASE_CLOSED, NULL, "2027-01-15T10:00:00", "closed", NULL },
  };
  CtCaseSnapshot end;
  g_autoptr(GPtrArray) chronology = walk (steps, G_N_ELEMENTS (steps), &end);

  g_assert_cmpuint (chronology->len, ==, 13);
  g_assert_true (end.flags & CT_CASE_FLAG_FAMILY_EXCEPTION);
  g_assert_true (end.flags & CT_CASE_FLAG_FAMILY_APPROACH_AGREED);
}

static void
test_path_immediate_risk (void)
{
  static const Step steps[] = {
    { CT_EVENT_CONCERN_RECORDED, NULL, "2026-12-24T17:40:00", "concern-recorded", NULL },
    { CT_EVENT_IMMEDIATE_RISK_REFERRAL, "risk=The child is afraid to go home tonight.;agency=the police;how=999 call;to-whom=the control room;their-reference=WYP-77;b:raiser-told=no;raiser-reason=The child told us directly.", "2026-12-24T17:45:00", "confirmation-due",
      "2026-12-24T17:45:00+00:00, Dana Shaw (DSO): Urgent referral made at once to the police (999 call), taken by the control room, because a child needed immediate protection. Their reference: WYP-77. The family is approached only once children’s social care or the police agrees. The person who raised the concern was not told of the referral: The child told us directly. Reason: The child is afraid to go home tonight." },
    /* After an urgent referral the family is approached only with agreement. */
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-12-24T18:00:00", NULL,
      "The family may be approached only after children’s social care, or the police where there is a criminal investigation, has agreed: record that agreement first." },
    { CT_EVENT_FAMILY_APPROACH_AGREED, "agreed-with=police;agreed-by=PC Ann Hale", "2026-12-24T18:30:00", "confirmation-due", NULL },
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-12-24T19:00:00", "confirmation-due", NULL },
    { CT_EVENT_CONFIRMATION_SENT, NULL, "2026-12-25T09:00:00", "awaiting-decision", NULL },
    { CT_EVENT_OUTCOME_RECORDED, NULL, "2026-12-29T09:00:00", "outcome-recorded", "~a child protection enquiry" },
    { CT_EVENT_CASE_CLOSED, NULL, "2027-02-01T09:00:00", "closed", NULL },
  };
  CtCaseSnapshot end;
  g_autoptr(GPtrArray) chronology = walk (steps, G_N_ELEMENTS (steps), &end);

  g_assert_cmpuint (chronology->len, ==, 7);
  g_assert_true (end.flags & CT_CASE_FLAG_URGENT_REFERRAL_MADE);
}

static void
test_path_allegation (void)
{
  static const Step steps[] = {
    { CT_EVENT_ALLEGATION_REPORTED, NULL, "2026-11-27T16:45:00", "allegation-reported",
      "2026-11-27T16:45:00+00:00, Dana Shaw (DSO): Allegation reported by Sam Patel against Chris Lee, volunteer, and passed at once to the senior manager (Morgan Ellis): Seen grabbing a child by the arm." },
    { CT_EVENT_ALLEGATION_CLASSIFIED, "classification=allegation;category=risk-of-harm;reason=Rough handling of a child.", "2026-11-27T17:00:00", "lado-due",
      "2026-11-27T17:00:00+00:00, Dana Shaw (DSO): Treated as an allegation: the person is said to have behaved towards a child in a way that indicates they may pose a risk of harm to children. The LADO is to be informed. Reason: Rough handling of a child." },
    { CT_EVENT_LADO_INFORMED, NULL, "2026-11-30T09:00:00", "allegation-managed",
      "2026-11-30T09:00:00+00:00, Dana Shaw (DSO): The LADO, Leeds LADO team, was informed (telephone). Advice: Suspend from contact with children." },
    { CT_EVENT_ALLEGATION_CONCLUDED, "outcome=substantiated;reason=CCTV.;raiser-support=Thanked Sam and told him the outcome.", "2026-11-30T10:00:00", NULL,
      "Record whether the person was removed from regulated activity before concluding the allegation." },
    { CT_EVENT_REGULATED_ACTIVITY_DECIDED, "b:removed=yes;b:because-of-risk=yes;reason=The LADO advised removal pending enquiries.", "2026-11-30T10:00:00", "allegation-managed",
      "2026-11-30T10:00:00+00:00, Dana Shaw (DSO): The person was removed from regulated activity because they may pose a risk of harm to children. Reason: The LADO advised removal pending enquiries." },
    { CT_EVENT_DBS_REFERRAL_DECIDED, "b:referral-made=no;reason=We would rather wait.", "2026-11-30T11:00:00", NULL,
      "A referral to the Disclosure and Barring Service must be made when someone is removed from regulated activity because they may pose a risk of harm to children." },
    { CT_EVENT_DBS_REFERRAL_DECIDED, "b:referral-made=yes;reason=Removed because of a risk of harm.", "2026-11-30T11:00:00", "allegation-managed",
      "2026-11-30T11:00:00+00:00, Dana Shaw (DSO): A referral to the Disclosure and Barring Service was considered and made. Reason: Removed because of a risk of harm." },
    { CT_EVENT_ALLEGATION_CONCLUDED, "outcome=substantiated;reason=CCTV confirmed the account.;raiser-support=Thanked Sam and told him the outcome.", "2027-01-10T10:00:00", "closed",
      "2027-01-10T10:00:00+00:00, Dana Shaw (DSO): Allegation concluded: substantiated. Support and information for the person who raised it: Thanked Sam and told him the outcome. Reason: CCTV confirmed the account." },
  };
  CtCaseSnapshot end;
  g_autoptr(GPtrArray) chronology = walk (steps, G_N_ELEMENTS (steps), &end);

  g_assert_cmpuint (chronology->len, ==, 6);
  g_assert_true (end.flags & CT_CASE_FLAG_ALLEGATION);
  g_assert_true (end.flags & CT_CASE_FLAG_DBS_REFERRED);
  g_assert_false (end.clocks[CT_CLOCK_LADO].running);
}

static void
test_path_not_shared (void)
{
  static const Step steps[] = {
    { CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-23T10:00:00", "concern-recorded", NULL },
    { CT_EVENT_INFORMATION_SHARING_DECIDED,
      "b:shared=no;purpose=a request from the other parent's solicitor;safety-wellbeing=Sharing could expose the child's new address.;b:consent-sought=yes;b:consent-given=no;reason=No lawful basis and a risk to the child.",
      "2026-11-23T11:00:00", "concern-recorded",
      "2026-11-23T11:00:00+00:00, Dana Shaw (DSO): Decided not to share information. Purpose: a request from the other parent's solicitor. Consent was sought and not given. Safety and well-being: Sharing could expose the child's new address. Reason: No lawful basis and a risk to the child." },
  };
  g_autoptr(GPtrArray) chronology = walk (steps, G_N_ELEMENTS (steps), NULL);

  g_assert_cmpuint (chronology->len, ==, 2);
}

/* ------------------------------------------------------------------------ */
/* Next steps and overdue                                                    */
/* ------------------------------------------------------------------------ */

static void
start_clock (CtCaseSnapshot *snapshot,
             CtClockKind     clock,
             const char     *iso)
{
  g_autoptr(GDateTime) t = instant (iso);

  snapshot->clocks[clock].running = TRUE;
  snapshot->clocks[clock].started_at = g_date_time_to_unix (t) * G_USEC_PER_SEC;
}

static void
test_next_step (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GDateTime) now = instant ("2026-11-30T09:00:00");
  g_autoptr(CtNextStep) fresh = NULL;
  g_autoptr(CtNextStep) referred = NULL;
  g_autoptr(CtNextStep) family = NULL;
  g_autofree char *due = NULL;

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_CONCERN_RECORDED;
  start_clock (&snapshot, CT_CLOCK_ESCALATION, "2026-11-30T08:30:00");
  fresh = ct_procedure_next_step (england, &snapshot, now);
  g_assert_true (fresh->has_due);
  g_assert_cmpint (fresh->clock, ==, CT_CLOCK_ESCALATION);
  g_assert_false (fresh->overdue);
  g_assert_cmpstr (fresh->summary, ==, "Discuss the concern with your line manager and a safeguarding lead today.");
  g_assert_nonnull (strstr (fresh->explanation, "same day"));

  /* After a referral on Thursday 26 November: written confirmation (48h)
   * is due first, and by Monday morning it is overdue. */
  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_CONFIRMATION_DUE;
  start_clock (&snapshot, CT_CLOCK_WRITTEN_CONFIRMATION, "2026-11-26T15:00:00");
  start_clock (&snapshot, CT_CLOCK_LA_DECISION, "2026-11-26T15:00:00");
  start_clock (&snapshot, CT_CLOCK_LA_CHASE, "2026-11-26T15:00:00");
  referred = ct_procedure_next_step (england, &snapshot, now);
  g_assert_cmpint (referred->clock, ==, CT_CLOCK_WRITTEN_CONFIRMATION);
  due = format_due (referred->due);
  g_assert_cmpstr (due, ==, "2026-11-28T15:00:00+00:00");
  g_assert_true (referred->overdue);

  /* No clock: the step without a deadline. */
  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_FAMILY_DISCUSSION;
  family = ct_procedure_next_step (england, &snapshot, now);
  g_assert_false (family->has_due);
  g_assert_null (family->due);
  g_assert_false (family->overdue);
}

static void
test_overdue (void)
{
  CtCaseSnapshot cases[4];
  g_autoptr(GDateTime) now = instant ("2026-12-01T09:00:00");
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) all = NULL;
  /* Earliest first; equal times in reference order. */
  static const char * const expected[][3] = {
    { "CT-2026-0003", "la-decision", "2026-11-26T23:59:59+00:00" },
    { "CT-2026-0003", "written-confirmation", "2026-11-27T10:00:00+00:00" },
    { "CT-2026-0001", "escalation", "2026-11-27T23:59:59+00:00" },
    { "CT-2026-0003", "la-chase", "2026-11-30T23:59:59+00:00" },
    { "CT-2026-0004", "lado", "2026-11-30T23:59:59+00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    ct_case_snapshot_init (&cases[i]);

  /* 1: concern recorded Friday before the cut-off, never escalated. */
  cases[0].reference = "CT-2026-0001";
  cases[0].state = CT_STATE_CONCERN_RECORDED;
  start_clock (&cases[0], CT_CLOCK_ESCALATION, "2026-11-27T10:00:00");
  /* 2: concern recorded this morning: not overdue. */
  cases[1].reference = "CT-2026-0002";
  cases[1].state = CT_STATE_CONCERN_RECORDED;
  start_clock (&cases[1], CT_CLOCK_ESCALATION, "2026-12-01T08:00:00");
  /* 3: referral on Wednesday 25th with a 2-day (48h) confirmation. */
  cases[2].reference = "CT-2026-0003";
  cases[2].state = CT_STATE_CONFIRMATION_DUE;
  start_clock (&cases[2], CT_CLOCK_WRITTEN_CONFIRMATION, "2026-11-25T10:00:00");
  start_clock (&cases[2], CT_CLOCK_LA_DECISION, "2026-11-25T10:00:00");
  start_clock (&cases[2], CT_CLOCK_LA_CHASE, "2026-11-25T10:00:00");
  /* 4: allegation reported Friday: LADO due by the end of Monday. */
  cases[3].reference = "CT-2026-0004";
  cases[3].state = CT_STATE_LADO_DUE;
  cases[3].flags = CT_CASE_FLAG_ALLEGATION;
  start_clock (&cases[3], CT_CLOCK_LADO, "2026-11-27T12:00:00");

  overdue = ct_procedure_list_due (england, cases, G_N_ELEMENTS (cases), now, TRUE);
  g_assert_cmpuint (overdue->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < overdue->len; i++)
    {
      CtDueItem *item = g_ptr_array_index (overdue, i);
      g_autofree char *due = format_due (item->due);

      g_assert_cmpstr (item->reference, ==, expected[i][0]);
      g_assert_cmpstr (ct_clock_kind_to_string (item->clock), ==, expected[i][1]);
      g_assert_cmpstr (due, ==, expected[i][2]);
      g_assert_true (item->overdue);
      g_assert_nonnull (item->description);
    }

  /* Everything running: the concern recorded this morning is not overdue. */
  all = ct_procedure_list_due (england, cases, G_N_ELEMENTS (cases), now, FALSE);
  g_assert_cmpuint (all->len, ==, 6);
  {
    guint n_overdue = 0;

    for (guint i = 0; i < all->len; i++)
      n_overdue += ((CtDueItem *) g_ptr_array_index (all, i))->overdue;
    g_assert_cmpuint (n_overdue, ==, 5);
  }
}

/* ------------------------------------------------------------------------ */
/* The policy's gaps, closed (one test for each)                            */
/* ------------------------------------------------------------------------ */

/* Records @event with a context: who, when it happened, when recorded. */
static CtTransition *
record_at (const CtCaseSnapshot *snapshot,
           CtEvent               event,
           const char           *spec,
           const char           *occurred,
           const char           *recorded,
           GError              **error)
{
  g_autoptr(GHashTable) answers = answers_from_spec (spec != NULL ? spec : good_answers[event]);
  g_autoptr(GDateTime) occurred_at = instant (occurred);
  g_autoptr(GDateTime) recorded_at = instant (recorded != NULL ? recorded : occurred);
  CtStepContext context = { NULL, };

  context.staff_id = "staff-dana";
  context.staff_name = "Dana Shaw (DSO)";
  context.occurred_at = occurred_at;
  context.recorded_at = recorded_at;
  context.case_id = "case-1";
  return ct_procedure_record (england, snapshot, event, answers, &context, error);
}

/* 1. "Child at immediate risk? Yes" puts the case on the urgent path at
 *    once: due immediately, first among everything due, and only a recorded
 *    decision with its reason (or the urgent referral) takes it off. */
static void
test_gap_immediate_risk (void)
{
  CtCaseSnapshot snapshot, others[2];
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) recorded = NULL;
  g_autoptr(CtTransition) escalated = NULL;
  g_autoptr(CtTransition) off = NULL;
  g_autoptr(CtTransition) refused = NULL;
  g_autoptr(CtNextStep) step = NULL;
  g_autoptr(CtNextStep) after = NULL;
  g_autoptr(GDateTime) now = instant ("2026-11-27T17:00:00");
  g_autoptr(GPtrArray) due = NULL;
  g_autofree char *due_text = NULL;

  ct_case_snapshot_init (&snapshot);
  recorded = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED,
                        "raised-by=Sam Patel;what=She said her father will hurt her tonight.;b:immediate-risk=yes",
                        "2026-11-27T16:55:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (recorded->snapshot.flags & CT_CASE_FLAG_IMMEDIATE_RISK);
  g_assert_true (recorded->snapshot.clocks[CT_CLOCK_URGENT_REFERRAL].running);
  due_text = format_due (recorded->due[CT_CLOCK_URGENT_REFERRAL]);
  g_assert_cmpstr (due_text, ==, "2026-11-27T16:55:00+00:00");
  g_assert_nonnull (strstr (recorded->what, "an urgent referral is due now"));

  step = ct_procedure_next_step (england, &recorded->snapshot, now);
  g_assert_true (step->urgent);
  g_assert_true (step->overdue);
  g_assert_cmpint (step->clock, ==, CT_CLOCK_URGENT_REFERRAL);
  g_assert_nonnull (strstr (step->summary, "urgent referral"));

  /* First among everything due, even a concern recorded a week earlier. */
  recorded->snapshot.reference = "CT-2026-0009";
  ct_case_snapshot_init (&others[0]);
  others[0] = recorded->snapshot;
  ct_case_snapshot_init (&others[1]);
  others[1].reference = "CT-2026-0001";
  others[1].state = CT_STATE_CONCERN_RECORDED;
  start_clock (&others[1], CT_CLOCK_ESCALATION, "2026-11-20T10:00:00");
  due = ct_procedure_list_due (england, others, 2, now, FALSE);
  g_assert_cmpuint (due->len, >=, 2);
  g_assert_cmpstr (((CtDueItem *) g_ptr_array_index (due, 0))->reference, ==, "CT-2026-0009");
  g_assert_cmpint (((CtDueItem *) g_ptr_array_index (due, 0))->clock, ==, CT_CLOCK_URGENT_REFERRAL);

  /* "No urgent referral needed" is offered only on the urgent path. */
  {
    g_autoptr(GArray) urgent_steps = ct_procedure_list_steps (&recorded->snapshot);
    g_autoptr(GArray) ordinary_steps = NULL;
    CtCaseSnapshot ordinary = recorded->snapshot;
    gboolean offered = FALSE;

    for (guint i = 0; i < urgent_steps->len; i++)
      offered |= g_array_index (urgent_steps, CtEvent, i) == CT_EVENT_IMMEDIATE_RISK_RECONSIDERED;
    g_assert_true (offered);

    ordinary.flags &= ~CT_CASE_FLAG_IMMEDIATE_RISK;
    ordinary_steps = ct_procedure_list_steps (&ordinary);
    for (guint i = 0; i < ordinary_steps->len; i++)
      g_assert_cmpint (g_array_index (ordinary_steps, CtEvent, i), !=, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED);
    g_assert_cmpuint (ordinary_steps->len, ==, urgent_steps->len - 1);
  }

  /* Escalating does not take it off the urgent path. */
  escalated = record_at (&recorded->snapshot, CT_EVENT_ESCALATED, NULL, "2026-11-27T17:05:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (escalated->snapshot.clocks[CT_CLOCK_URGENT_REFERRAL].running);

  /* A decision without its reason is refused; with it, the case is off. */
  refused = record_at (&escalated->snapshot, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, "", "2026-11-27T17:10:00", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
  g_clear_error (&error);
  off = record_at (&escalated->snapshot, CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, NULL, "2026-11-27T17:10:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (off->snapshot.clocks[CT_CLOCK_URGENT_REFERRAL].running);
  g_assert_false (off->snapshot.flags & CT_CASE_FLAG_IMMEDIATE_RISK);
  g_assert_cmpstr (off->why, ==, "The father has left the home and the child is with her grandmother.");
  after = ct_procedure_next_step (england, &off->snapshot, now);
  g_assert_false (after->urgent);

  /* "No" is the ordinary path. */
  {
    g_autoptr(CtTransition) ordinary = NULL;

    ct_case_snapshot_init (&snapshot);
    ordinary = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-27T10:00:00", NULL, &error);
    g_assert_no_error (error);
    g_assert_false (ordinary->snapshot.clocks[CT_CLOCK_URGENT_REFERRAL].running);
  }
}

/* 2. A clock runs in every state between recording and the referral, and
 *    `overdue` lists a case left in any of them. */
static void
test_gap_clocks_before_referral (void)
{
  static const struct { CtEvent event; const char *spec; const char *at; CtState state; CtClockKind clock; } path[] = {
    { CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-23T10:00:00", CT_STATE_CONCERN_RECORDED, CT_CLOCK_ESCALATION },
    { CT_EVENT_ESCALATED, NULL, "2026-11-23T11:00:00", CT_STATE_ESCALATED, CT_CLOCK_DECISION },
    { CT_EVENT_UNCERTAIN, NULL, "2026-11-23T11:30:00", CT_STATE_CONSULTING, CT_CLOCK_DECISION },
    { CT_EVENT_ADVICE_RECORDED, NULL, "2026-11-23T12:00:00", CT_STATE_ESCALATED, CT_CLOCK_DECISION },
    { CT_EVENT_CONCERNS_REMAIN, NULL, "2026-11-23T12:30:00", CT_STATE_FAMILY_DISCUSSION, CT_CLOCK_REFERRAL },
    { CT_EVENT_FAMILY_DISCUSSED, NULL, "2026-11-23T13:00:00", CT_STATE_REFERRAL_DUE, CT_CLOCK_REFERRAL },
  };
  g_autoptr(GDateTime) later = instant ("2026-11-30T09:00:00");
  CtCaseSnapshot snapshot;

  ct_case_snapshot_init (&snapshot);
  snapshot.reference = "CT-2026-0005";
  for (guint i = 0; i < G_N_ELEMENTS (path); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = record_at (&snapshot, path[i].event, path[i].spec, path[i].at, NULL, &error);
      g_autoptr(GPtrArray) overdue = NULL;
      gboolean listed = FALSE;

      g_assert_no_error (error);
      g_assert_cmpint (t->to, ==, path[i].state);
      if (!t->snapshot.clocks[path[i].clock].running)
        g_error ("no %s clock in %s", ct_clock_kind_to_string (path[i].clock), ct_state_to_string (t->to));

      /* Left there for a week, the case is overdue. */
      t->snapshot.reference = "CT-2026-0005";
      overdue = ct_procedure_list_due (england, &t->snapshot, 1, later, TRUE);
      for (guint j = 0; j < overdue->len; j++)
        listed |= ((CtDueItem *) g_ptr_array_index (overdue, j))->clock == path[i].clock;
      if (!listed)
        g_error ("a case left in %s is not listed as overdue", ct_state_to_string (t->to));

      /* Seeking advice, and deciding again after it, does not restart the
       * deadline to decide: it runs from the escalation. */
      if (path[i].clock == CT_CLOCK_DECISION)
        {
          g_autoptr(GDateTime) escalated = instant ("2026-11-23T11:00:00");

          g_assert_cmpint (t->snapshot.clocks[CT_CLOCK_DECISION].started_at, ==,
                           g_date_time_to_unix (escalated) * G_USEC_PER_SEC);
        }
      snapshot = t->snapshot;
    }

  /* The referral stops them all. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CtTransition) referred = record_at (&snapshot, CT_EVENT_REFERRAL_MADE, NULL, "2026-11-23T14:00:00", NULL, &error);

    g_assert_no_error (error);
    g_assert_false (referred->snapshot.clocks[CT_CLOCK_REFERRAL].running);
    g_assert_false (referred->snapshot.clocks[CT_CLOCK_DECISION].running);
    g_assert_false (referred->snapshot.clocks[CT_CLOCK_ESCALATION].running);
  }

  /* Which periods are the policy's and which are ours. */
  g_assert_true (ct_clock_is_rule_of_policy (CT_CLOCK_ESCALATION));
  g_assert_true (ct_clock_is_rule_of_policy (CT_CLOCK_WRITTEN_CONFIRMATION));
  g_assert_true (ct_clock_is_rule_of_policy (CT_CLOCK_LADO));
  g_assert_false (ct_clock_is_rule_of_policy (CT_CLOCK_DECISION));
  g_assert_false (ct_clock_is_rule_of_policy (CT_CLOCK_REFERRAL));
}

/* 3. Each step is timed from when it happened and signed by who recorded
 *    it: a referral phoned at 10:05 and typed up at 15:40 is due in writing
 *    48 hours from 10:05, and the chronology shows both times. */
static void
test_gap_when_and_who (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) referral = NULL;
  g_autoptr(CtTransition) future = NULL;
  g_autoptr(CtTransition) before = NULL;
  g_autoptr(CtTransition) soon = NULL;
  g_autoptr(CtTransition) note = NULL;
  g_autofree char *due = NULL;
  CtRecord *made;

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_REFERRAL_DUE;
  {
    g_autoptr(GDateTime) last = instant ("2026-11-23T09:00:00");

    snapshot.last_step_at = g_date_time_to_unix (last) * G_USEC_PER_SEC;
  }

  referral = record_at (&snapshot, CT_EVENT_REFERRAL_MADE, NULL, "2026-11-23T10:05:00", "2026-11-23T15:40:00", &error);
  g_assert_no_error (error);
  due = format_due (referral->due[CT_CLOCK_WRITTEN_CONFIRMATION]);
  g_assert_cmpstr (due, ==, "2026-11-25T10:05:00+00:00");
  g_assert_cmpstr (referral->actor_id, ==, "staff-dana");
  g_assert_true (g_str_has_prefix (referral->entry,
                                   "2026-11-23T10:05:00+00:00 (recorded 2026-11-23T15:40:00+00:00), Dana Shaw (DSO): Referral"));
  g_assert_cmpint (referral->snapshot.last_step_at, ==,
                   g_date_time_to_unix (referral->at) * G_USEC_PER_SEC);
  /* The records it writes say when it happened and who made it. */
  g_assert_cmpuint (referral->records->len, ==, 1);
  made = g_ptr_array_index (referral->records, 0);
  g_assert_cmpint (ct_record_get_kind (made), ==, CT_RECORD_KIND_REFERRAL);
  g_assert_cmpint (ct_record_get_int64 (made, "made-at", 0), ==,
                   g_date_time_to_unix (referral->at) * G_USEC_PER_SEC);
  g_assert_cmpint (g_date_time_get_hour (referral->at), ==, 10);
  g_assert_cmpint (g_date_time_get_minute (referral->at), ==, 5);
  g_assert_cmpstr (ct_record_get_string (made, "made-by"), ==, "staff-dana");
  g_assert_cmpstr (ct_record_get_case_id (made), ==, "case-1");

  /* Within the hour: one time only. */
  soon = record_at (&snapshot, CT_EVENT_REFERRAL_MADE, NULL, "2026-11-23T10:05:00", "2026-11-23T10:50:00", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (soon->entry, "2026-11-23T10:05:00+00:00, Dana Shaw (DSO): "));

  /* Never in the future. */
  future = record_at (&snapshot, CT_EVENT_REFERRAL_MADE, NULL, "2026-11-23T16:00:00", "2026-11-23T15:40:00", &error);
  g_assert_null (future);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME);
  g_assert_nonnull (strstr (error->message, "in the future"));
  g_clear_error (&error);

  /* Never before the step it follows. */
  before = record_at (&snapshot, CT_EVENT_REFERRAL_MADE, NULL, "2026-11-23T08:59:00", "2026-11-23T15:40:00", &error);
  g_assert_null (before);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_TIME);
  g_assert_nonnull (strstr (error->message, "before the step it follows"));
  g_clear_error (&error);

  /* A note may be about an earlier call, but does not move the case. */
  note = record_at (&snapshot, CT_EVENT_NOTE, NULL, "2026-11-23T08:30:00", "2026-11-23T15:40:00", &error);
  g_assert_no_error (error);
  g_assert_cmpint (note->to, ==, CT_STATE_REFERRAL_DUE);
  g_assert_cmpint (note->snapshot.last_step_at, ==, snapshot.last_step_at);
  g_assert_cmpuint (note->clocks_started | note->clocks_stopped, ==, 0);
  g_assert_nonnull (strstr (note->entry, "Telephone call with the child's mother: She asked what happens next. Decided: Call back tomorrow. Reason: She was upset."));
}

/* 5. The LADO can be told as soon as an allegation is reported, and the
 *    LADO clock never stops without saying so. */
static void
test_gap_lado (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) reported = NULL;
  g_autoptr(CtTransition) told = NULL;
  g_autoptr(CtTransition) classified = NULL;

  ct_case_snapshot_init (&snapshot);
  reported = record_at (&snapshot, CT_EVENT_ALLEGATION_REPORTED, NULL, "2026-11-27T16:45:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reported->snapshot.clocks[CT_CLOCK_LADO].running);

  told = record_at (&reported->snapshot, CT_EVENT_LADO_INFORMED, NULL, "2026-11-27T17:00:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (told->to, ==, CT_STATE_ALLEGATION_REPORTED);
  g_assert_false (told->snapshot.clocks[CT_CLOCK_LADO].running);
  g_assert_true (told->snapshot.flags & CT_CASE_FLAG_LADO_INFORMED);

  classified = record_at (&told->snapshot, CT_EVENT_ALLEGATION_CLASSIFIED, NULL, "2026-11-28T09:00:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (classified->to, ==, CT_STATE_ALLEGATION_MANAGED);
  g_assert_nonnull (strstr (classified->what, "The LADO has already been informed."));
}

/* 6. Escalation after the cut-off on a Friday is due on Saturday, and the
 *    person recording it is told that is not a working day, with the
 *    organisation's out-of-hours route. */
static void
test_gap_escalation_notice (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) friday = NULL;
  g_autoptr(CtTransition) monday = NULL;
  g_autoptr(GHashTable) answers = answers_from_spec (good_answers[CT_EVENT_CONCERN_RECORDED]);
  g_autoptr(GDateTime) at = instant ("2026-11-27T16:30:00");
  g_autofree char *due = NULL;
  CtStepContext context = { NULL, };

  context.staff_id = "staff-dana";
  context.staff_name = "Dana Shaw (DSO)";
  context.occurred_at = at;
  context.recorded_at = at;
  context.out_of_hours = "call Dana on 07700 900123";

  ct_case_snapshot_init (&snapshot);
  friday = ct_procedure_record (england, &snapshot, CT_EVENT_CONCERN_RECORDED, answers, &context, &error);
  g_assert_no_error (error);
  due = format_due (friday->due[CT_CLOCK_ESCALATION]);
  g_assert_cmpstr (due, ==, "2026-11-28T23:59:59+00:00");
  g_assert_nonnull (friday->notice);
  g_assert_nonnull (strstr (friday->notice, "Saturday 28 November"));
  g_assert_nonnull (strstr (friday->notice, "not a working day"));
  g_assert_nonnull (strstr (friday->notice, "call Dana on 07700 900123"));

  monday = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED, NULL, "2026-11-23T10:00:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (monday->notice);
}

/* What each step writes is decided here once: the same records for the
 * app, the command line and the sample data. */
static void
test_step_records (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtTransition) concern = NULL;
  g_autoptr(CtTransition) decision = NULL;
  g_autoptr(CtTransition) advice = NULL;
  g_autoptr(CtRecord) allegation = ct_record_new (CT_RECORD_KIND_ALLEGATION);
  g_autoptr(CtTransition) classified = NULL;
  CtRecord *child = NULL, *concern_record = NULL;

  ct_case_snapshot_init (&snapshot);
  concern = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED,
                       "raised-by=Sam Patel;raised-by-id=staff-sam;how=phone;what=w;b:immediate-risk=no;child-given-names=Ava;child-family-name=Example;child-date-of-birth=2015-04-01;child-aliases=Avy, A. E.",
                       "2026-11-23T10:00:00", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < concern->records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (concern->records, i);

      if (ct_record_get_kind (record) == CT_RECORD_KIND_CHILD)
        child = record;
      else if (ct_record_get_kind (record) == CT_RECORD_KIND_CONCERN)
        concern_record = record;
    }
  g_assert_nonnull (child);
  g_assert_nonnull (concern_record);
  g_assert_cmpstr (ct_record_get_string (child, "given-names"), ==, "Ava");
  g_assert_cmpstr (ct_record_get_string (child, "date-of-birth"), ==, "2015-04-01");
  g_assert_cmpstr (ct_record_get_strv (child, "aliases")[1], ==, "A. E.");
  g_assert_cmpstr (ct_record_get_string (concern_record, "raised-by"), ==, "staff-sam");
  g_assert_cmpstr (ct_record_get_string (concern_record, "raised-by-name"), ==, "Sam Patel");
  g_assert_false (ct_record_get_boolean (concern_record, "immediate-risk", TRUE));

  snapshot.state = CT_STATE_ESCALATED;
  decision = record_at (&snapshot, CT_EVENT_CONCERNS_REMAIN, NULL, "2026-11-23T12:00:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decision->records->len, ==, 1);
  g_assert_cmpint (ct_record_get_kind (g_ptr_array_index (decision->records, 0)), ==, CT_RECORD_KIND_DECISION);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (decision->records, 0), "answer"), ==, "yes");

  snapshot.state = CT_STATE_CONCERN_RECORDED;
  advice = record_at (&snapshot, CT_EVENT_INTERNATIONAL_ADVICE_RECORDED, NULL, "2026-11-23T12:00:00", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (advice->records->len, ==, 1);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (advice->records, 0), "jurisdiction"), ==, "Poland");

  /* The allegation's own record gets a new version with the decision. */
  ct_record_set_string (allegation, "subject-name", "Chris Lee");
  snapshot.state = CT_STATE_ALLEGATION_REPORTED;
  {
    g_autoptr(GHashTable) answers = answers_from_spec (good_answers[CT_EVENT_ALLEGATION_CLASSIFIED]);
    g_autoptr(GDateTime) at = instant ("2026-11-23T12:00:00");
    CtStepContext context = { "staff-dana", "Dana Shaw (DSO)", at, at, "case-1", allegation, NULL, NULL };

    classified = ct_procedure_record (england, &snapshot, CT_EVENT_ALLEGATION_CLASSIFIED, answers, &context, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (classified->records->len, ==, 1);
  g_assert_cmpstr (ct_record_get_id (g_ptr_array_index (classified->records, 0)), ==, ct_record_get_id (allegation));
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (classified->records, 0), "classification"), ==, "allegation");
  g_assert_cmpstr (ct_record_get_state (g_ptr_array_index (classified->records, 0)), ==, "lado-due");

  /* Details added to a referral: its next version, with only what was
   * answered changed, and the case left where it was. */
  {
    g_autoptr(CtRecord) referral = ct_record_new (CT_RECORD_KIND_REFERRAL);
    g_autoptr(GHashTable) answers = answers_from_spec (good_answers[CT_EVENT_REFERRAL_DETAILS_ADDED]);
    g_autoptr(GDateTime) at = instant ("2026-11-23T12:00:00");
    g_autoptr(CtTransition) added = NULL;
    CtRecord *next;
    CtStepContext context = { "staff-dana", "Dana Shaw (DSO)", at, at, "case-1", NULL, NULL, NULL, referral };

    ct_record_set_string (referral, "made-to", "Ali Khan");
    ct_record_set_string (referral, "risk", "Unclear.");
    ct_record_set_boolean (referral, "parents-aware", TRUE);
    snapshot.state = CT_STATE_AWAITING_DECISION;
    added = ct_procedure_record (england, &snapshot, CT_EVENT_REFERRAL_DETAILS_ADDED, answers, &context, &error);
    g_assert_no_error (error);
    g_assert_cmpint (added->to, ==, CT_STATE_AWAITING_DECISION);
    g_assert_cmpuint (added->clocks_started | added->clocks_stopped, ==, 0);
    g_assert_cmpuint (added->records->len, ==, 1);
    next = g_ptr_array_index (added->records, 0);
    g_assert_cmpstr (ct_record_get_id (next), ==, ct_record_get_id (referral));
    g_assert_cmpstr (ct_record_get_string (next, "risk"), ==, "She may be hit again tonight.");
    g_assert_cmpstr (ct_record_get_string (next, "threshold"), ==, "child-protection-threshold");
    g_assert_false (ct_record_get_boolean (next, "police-told", TRUE));
    g_assert_true (ct_record_get_boolean (next, "parents-aware", FALSE));
    g_assert_cmpstr (ct_record_get_string (next, "made-to"), ==, "Ali Khan");
    g_assert_cmpstr (ct_record_get_string (referral, "risk"), ==, "Unclear.");
    g_assert_cmpstr (added->what, ==, "Details added to the referral. Level of need believed to apply: child protection (significant harm). View of the risk: She may be hit again tonight. Police told: no. Asked of the local authority: Please visit today.");
  }
}

/* What the organisation has done so far can be said after the concern was
 * recorded: the referral-details step writes the next version of the
 * concern that holds it (and no new referral if nothing else was added),
 * and its entry says what was added. */
static void
test_details_actions_taken (void)
{
  CtCaseSnapshot snapshot;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) referral = ct_record_new (CT_RECORD_KIND_REFERRAL);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(GHashTable) answers = answers_from_spec ("actions-taken=We spoke to the school the same day.");
  g_autoptr(GHashTable) both = answers_from_spec ("actions-taken=We spoke to the school.;risk=High.");
  g_autoptr(GDateTime) at = instant ("2026-11-23T12:00:00");
  g_autoptr(CtTransition) added = NULL;
  g_autoptr(CtTransition) added_both = NULL;
  CtStepContext context = { NULL, };
  CtRecord *next;

  ct_case_snapshot_init (&snapshot);
  snapshot.state = CT_STATE_CONFIRMATION_DUE;
  ct_record_set_string (concern, "what", "A bruise.");
  ct_record_set_string (referral, "made-to", "Ali Khan");
  context.staff_id = "staff-dana";
  context.staff_name = "Dana Shaw (DSO)";
  context.occurred_at = at;
  context.recorded_at = at;
  context.case_id = "case-1";
  context.referral = referral;
  context.concern = concern;

  added = ct_procedure_record (england, &snapshot, CT_EVENT_REFERRAL_DETAILS_ADDED, answers,
                               &context, &error);
  g_assert_no_error (error);
  g_assert_cmpint (added->to, ==, CT_STATE_CONFIRMATION_DUE);
  g_assert_cmpuint (added->records->len, ==, 1);
  next = g_ptr_array_index (added->records, 0);
  g_assert_cmpint (ct_record_get_kind (next), ==, CT_RECORD_KIND_CONCERN);
  g_assert_cmpstr (ct_record_get_id (next), ==, ct_record_get_id (concern));
  g_assert_cmpstr (ct_record_get_string (next, "actions-taken"), ==, "We spoke to the school the same day.");
  g_assert_cmpstr (ct_record_get_string (next, "what"), ==, "A bruise.");
  g_assert_null (ct_record_get_string (concern, "actions-taken"));
  g_assert_cmpstr (added->what, ==, "Details added to the referral. What the organisation has done so far: We spoke to the school the same day.");

  /* With a detail of the referral too, both records move on. */
  added_both = ct_procedure_record (england, &snapshot, CT_EVENT_REFERRAL_DETAILS_ADDED, both,
                                    &context, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added_both->records->len, ==, 2);
  g_assert_cmpint (ct_record_get_kind (g_ptr_array_index (added_both->records, 0)), ==, CT_RECORD_KIND_REFERRAL);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (added_both->records, 0), "risk"), ==, "High.");
  g_assert_cmpint (ct_record_get_kind (g_ptr_array_index (added_both->records, 1)), ==, CT_RECORD_KIND_CONCERN);

  /* The form asks for it. */
  {
    const CtStepForm *form = ct_step_form_get (CT_EVENT_REFERRAL_DETAILS_ADDED);
    gboolean asked = FALSE;

    for (guint q = 0; form->questions[q].key != NULL; q++)
      asked |= g_str_equal (form->questions[q].key, "actions-taken");
    g_assert_true (asked);
  }
}

/* A lawful basis for sharing must fit the kind of organisation: the engine
 * refuses one that does not, whatever form it came from. */
static void
test_lawful_basis_fits_kind (void)
{
  static const struct { CtEvent event; const char *state; const char *spec; } steps[] = {
    { CT_EVENT_REFERRAL_DETAILS_ADDED, "confirmation-due", "lawful-basis=" },
    { CT_EVENT_REFERRAL_MADE, "referral-due",
      "agency=a;how=h;to-whom=t;their-reference=r;what-shared=w;referral-type=child-protection;"
      "consent=given;b:raiser-told=yes;b:raiser-encouraged=yes;lawful-basis=" },
    { CT_EVENT_INFORMATION_SHARING_DECIDED, "escalated",
      "b:shared=yes;purpose=p;safety-wellbeing=s;b:consent-sought=yes;b:consent-given=yes;reason=r;"
      "what=w;with-whom=x;b:necessary-proportionate=yes;how-shared=h;lawful-basis=" },
  };
  g_autoptr(GDateTime) at = instant ("2026-11-23T12:00:00");

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      static const struct { const char *kind; const char *basis; gboolean ok; } cases[] = {
        { "charity", "public-task", FALSE },
        { "law-firm", "legal-obligation", FALSE },
        { NULL, "public-task", FALSE },
        { "charity", "legitimate-interests", TRUE },
        { "mediation-service", "vital-interests", TRUE },
        { NULL, "legitimate-interests", TRUE },
        { "other-organisation", "public-task", TRUE },
      };

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          g_autofree char *spec = g_strconcat (steps[i].spec, cases[c].basis, NULL);
          g_autoptr(GHashTable) answers = answers_from_spec (spec);
          g_autoptr(GError) error = NULL;
          g_autoptr(CtTransition) t = NULL;
          CtCaseSnapshot snapshot;
          CtStepContext context = { NULL, };

          ct_case_snapshot_init (&snapshot);
          snapshot.state = state_named (steps[i].state);
          context.staff_name = "Dana Shaw (DSO)";
          context.occurred_at = at;
          context.recorded_at = at;
          context.organisation_kind = cases[c].kind;
          t = ct_procedure_record (england, &snapshot, steps[i].event, answers, &context, &error);
          if (cases[c].ok)
            {
              g_assert_no_error (error);
              g_assert_nonnull (t);
            }
          else
            {
              g_assert_null (t);
              g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER);
              g_assert_nonnull (strstr (error->message, "Choose legitimate interests"));
              if (cases[c].kind != NULL)
                g_assert_nonnull (strstr (error->message, ct_choice_get_label (cases[c].kind)));
              else
                g_assert_nonnull (strstr (error->message, "no kind of organisation is set"));
            }
        }
    }
}

/* When the incident happened: a date, and a time of day if known, never
 * after the concern was reported; kept with the concern. */
static void
test_incident_time (void)
{
  static const struct { const char *extra; int code; } refused[] = {
    { "incident-time=4.30pm;incident-date=2026-11-20", CT_PROCEDURE_ERROR_BAD_ANSWER },
    { "incident-time=25:00;incident-date=2026-11-20", CT_PROCEDURE_ERROR_BAD_ANSWER },
    { "incident-time=16:30", CT_PROCEDURE_ERROR_MISSING_ANSWER },
    { "incident-time=10:30;incident-date=2026-11-23", CT_PROCEDURE_ERROR_BAD_TIME },
  };
  const char *base = "raised-by=Sam;what=w;b:immediate-risk=no;";
  CtCaseSnapshot snapshot;

  ct_case_snapshot_init (&snapshot);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *spec = g_strconcat (base, refused[i].extra, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED, spec,
                                             "2026-11-23T10:00:00", NULL, &error);

      g_assert_null (t);
      g_assert_error (error, CT_PROCEDURE_ERROR, refused[i].code);
    }

  {
    g_autofree char *spec = g_strconcat (base, "incident-time=9:05;incident-date=2026-11-20", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(CtTransition) t = record_at (&snapshot, CT_EVENT_CONCERN_RECORDED, spec,
                                           "2026-11-23T10:00:00", NULL, &error);
    CtRecord *concern = NULL;

    g_assert_no_error (error);
    for (guint i = 0; i < t->records->len; i++)
      if (ct_record_get_kind (g_ptr_array_index (t->records, i)) == CT_RECORD_KIND_CONCERN)
        concern = g_ptr_array_index (t->records, i);
    g_assert_nonnull (concern);
    g_assert_cmpstr (ct_record_get_string (concern, "incident-date"), ==, "2026-11-20");
    g_assert_cmpstr (ct_record_get_string (concern, "incident-time"), ==, "09:05");
  }
}

/* The chronology stores the procedure's own wording with the answers and
 * the wording used, and shows the same entry again from them. */
static void
test_render_entry (void)
{
  guint rendered = 0;

  for (guint p = 0; p < G_N_ELEMENTS (policy); p++)
    {
      CtEvent event = policy[p].event;
      g_auto(GStrv) from = g_strsplit (policy[p].from, " ", -1);
      CtCaseSnapshot snapshot;
      g_autoptr(GError) error = NULL;
      g_autoptr(CtTransition) t = NULL;
      g_autoptr(GHashTable) answers = answers_from_spec (good_answers[event]);
      g_autoptr(CtRecord) entry = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
      g_autofree char *what = NULL;
      g_autofree char *why = NULL;

      ct_case_snapshot_init (&snapshot);
      g_assert_true (ct_state_from_string (from[0], &snapshot.state, NULL));
      snapshot.flags = flags_needed (event);
      t = apply_spec (&snapshot, event, good_answers[event], NULL, &error);
      g_assert_no_error (error);

      ct_record_set_string (entry, "procedure-event", ct_event_to_string (event));
      ct_record_set_int64 (entry, "wording", t->wording);
      ct_record_set_answers (entry, "answers", ct_answers_to_variant (answers));
      g_assert_true (ct_procedure_render_entry (entry, &what, &why));
      g_assert_cmpstr (what, ==, t->what);
      g_assert_cmpstr (why, ==, t->why);
      rendered++;
    }
  g_assert_cmpuint (rendered, ==, CT_N_EVENTS);

  /* An entry without its answers is shown as it was stored. */
  {
    g_autoptr(CtRecord) old = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
    g_autofree char *what = NULL;
    g_autofree char *why = NULL;

    ct_record_set_string (old, "procedure-event", "escalated");
    ct_record_set_string (old, "what", "Discussed.");
    g_assert_false (ct_procedure_render_entry (old, &what, &why));
    g_assert_null (what);
  }
}

/* Every step has a form, every choice a label, every label one home. */
static void
test_step_forms (void)
{
  for (guint e = 0; e < CT_N_EVENTS; e++)
    {
      const CtStepForm *form = ct_step_form_get ((CtEvent) e);

      if (form == NULL)
        g_error ("no form for %s", ct_event_to_string ((CtEvent) e));
      g_assert_cmpint (form->event, ==, e);
      for (guint q = 0; q < G_N_ELEMENTS (form->questions) && form->questions[q].key != NULL; q++)
        {
          const CtQuestion *question = &form->questions[q];

          g_assert_nonnull (question->label);
          if (question->kind == CT_ANSWER_CHOICE)
            {
              g_auto(GStrv) ids = g_strsplit (question->choices, "|", -1);

              for (guint i = 0; ids[i] != NULL; i++)
                if (g_strcmp0 (ct_choice_get_label (ids[i]), ids[i]) == 0)
                  g_error ("the choice %s of %s has no label", ids[i], question->key);
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Names and explanations                                                    */
/* ------------------------------------------------------------------------ */

static void
test_names (void)
{
  g_autoptr(GError) error = NULL;
  CtState state;
  CtEvent event;

  for (guint s = 0; s < CT_N_STATES; s++)
    {
      const char *name = ct_state_to_string ((CtState) s);

      g_assert_true (ct_state_from_string (name, &state, NULL));
      g_assert_cmpint (state, ==, s);
      for (const char *p = name; *p; p++)
        g_assert_true (g_ascii_islower (*p) || *p == '-');
      g_assert_cmpstr (ct_state_get_title ((CtState) s), !=, "");
    }
  for (guint e = 0; e < CT_N_EVENTS; e++)
    {
      const char *name = ct_event_to_string ((CtEvent) e);

      g_assert_true (ct_event_from_string (name, &event, NULL));
      g_assert_cmpint (event, ==, e);
      for (const char *p = name; *p; p++)
        g_assert_true (g_ascii_islower (*p) || *p == '-');
      g_assert_cmpstr (ct_event_get_title ((CtEvent) e), !=, "");
    }

  /* The strings stored in the database must never change. */
  g_assert_cmpstr (ct_state_to_string (CT_STATE_CONFIRMATION_DUE), ==, "confirmation-due");
  g_assert_cmpstr (ct_state_to_string (CT_STATE_CLOSED_NFA), ==, "closed-nfa");
  g_assert_cmpstr (ct_event_to_string (CT_EVENT_IMMEDIATE_RISK_REFERRAL), ==, "immediate-risk-referral");

  g_assert_false (ct_state_from_string ("Closed", &state, &error));
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_UNKNOWN_STATE);
  g_clear_error (&error);
  g_assert_false (ct_event_from_string ("skip-ahead", &event, &error));
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_UNKNOWN_EVENT);
}

static void
test_explanations (void)
{
  for (guint s = 0; s < CT_N_STATES; s++)
    {
      const char *explain = ct_procedure_explain_state ((CtState) s);
      const char *summary = ct_procedure_summarise_state ((CtState) s);
      g_autoptr(GArray) events = ct_procedure_list_events ((CtState) s);

      g_assert_nonnull (explain);
      g_assert_cmpuint (strlen (explain), >, 80);
      g_assert_true (g_str_has_suffix (explain, "."));
      g_assert_nonnull (summary);
      g_assert_true (g_str_has_suffix (summary, "."));

      /* Every state but "new" lets information sharing and corrections be
       * recorded; "new" starts a concern or an allegation. */
      g_assert_cmpuint (events->len, >, 0);
    }

  g_assert_nonnull (strstr (ct_procedure_explain_state (CT_STATE_CONFIRMATION_DUE), "in writing"));
  g_assert_nonnull (strstr (ct_procedure_explain_state (CT_STATE_AWAITING_DECISION), "three working days"));
  g_assert_nonnull (strstr (ct_procedure_explain_state (CT_STATE_ALLEGATION_MANAGED), "Disclosure and Barring Service"));
  g_assert_nonnull (strstr (ct_procedure_explain_state (CT_STATE_CONSULTING), "NSPCC"));
}

static void
test_answers_variant (void)
{
  g_autoptr(GHashTable) answers = answers_from_spec (good_answers[CT_EVENT_NO_CONCERNS_REMAIN]);
  g_autoptr(GVariant) dict = g_variant_ref_sink (ct_answers_to_variant (answers));
  g_autoptr(GHashTable) back = ct_answers_from_variant (dict);
  g_autofree char *printed = g_variant_print (dict, FALSE);

  g_assert_cmpstr (printed, ==, "{'raiser-support': <'Thanked Sam and told him the outcome.'>, 'reason': <'The mark was explained by a documented sports injury.'>, 'staff-support-discussed': <true>}");
  g_assert_cmpuint (g_hash_table_size (back), ==, 3);
  g_assert_true (g_variant_get_boolean (g_hash_table_lookup (back, "staff-support-discussed")));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  england = ct_calendar_new (CT_NATION_ENGLAND_WALES, &error);
  g_assert_no_error (error);

  g_test_add_func ("/procedure/names", test_names);
  g_test_add_func ("/procedure/matrix", test_matrix);
  g_test_add_func ("/procedure/guards", test_guards);
  g_test_add_func ("/procedure/actor-required", test_actor_required);
  g_test_add_func ("/procedure/routes", test_routes);
  g_test_add_func ("/procedure/clocks", test_transition_clocks);
  g_test_add_func ("/procedure/retention-on-close", test_retention_on_close);
  g_test_add_func ("/procedure/path/no-concerns", test_path_no_concerns);
  g_test_add_func ("/procedure/path/referral", test_path_referral);
  g_test_add_func ("/procedure/path/exception-and-advice", test_path_exception_and_advice);
  g_test_add_func ("/procedure/path/immediate-risk", test_path_immediate_risk);
  g_test_add_func ("/procedure/path/allegation", test_path_allegation);
  g_test_add_func ("/procedure/path/not-shared", test_path_not_shared);
  g_test_add_func ("/procedure/next-step", test_next_step);
  g_test_add_func ("/procedure/overdue", test_overdue);
  g_test_add_func ("/procedure/explanations", test_explanations);
  g_test_add_func ("/procedure/gap/immediate-risk", test_gap_immediate_risk);
  g_test_add_func ("/procedure/gap/clocks-before-referral", test_gap_clocks_before_referral);
  g_test_add_func ("/procedure/gap/when-and-who", test_gap_when_and_who);
  g_test_add_func ("/procedure/gap/lado", test_gap_lado);
  g_test_add_func ("/procedure/gap/escalation-notice", test_gap_escalation_notice);
  g_test_add_func ("/procedure/step-records", test_step_records);
  g_test_add_func ("/procedure/details-actions-taken", test_details_actions_taken);
  g_test_add_func ("/procedure/lawful-basis-fits-kind", test_lawful_basis_fits_kind);
  g_test_add_func ("/procedure/incident-time", test_incident_time);
  g_test_add_func ("/procedure/step-forms", test_step_forms);
  g_test_add_func ("/procedure/render-entry", test_render_entry);
  g_test_add_func ("/procedure/answers-variant", test_answers_variant);

  ret = g_test_run ();
  g_clear_object (&england);
  return ret;
}

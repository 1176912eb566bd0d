/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-step-forms"

#include "config.h"

#include "ct-procedure.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * The questions each step asks, with their labels, once for the app's forms
 * and `caretrail-admin steps`. Which answers the policy requires, and when,
 * is the engine's table in ct-procedure.c; "need" here tells a form which
 * questions must be answered before it can be saved and which only
 * sometimes (the engine names what is missing).
 */

#define TEXT(k, l)      { k, CT_ANSWER_TEXT, CT_QUESTION_REQUIRED, l, FALSE, NULL }
#define LONG(k, l)      { k, CT_ANSWER_TEXT, CT_QUESTION_REQUIRED, l, TRUE, NULL }
#define OPTIONAL(k, l)  { k, CT_ANSWER_TEXT, CT_QUESTION_OPTIONAL, l, FALSE, NULL }
#define OPTLONG(k, l)   { k, CT_ANSWER_TEXT, CT_QUESTION_OPTIONAL, l, TRUE, NULL }
#define IFTEXT(k, l)    { k, CT_ANSWER_TEXT, CT_QUESTION_CONDITIONAL, l, FALSE, NULL }
#define YESNO(k, l)     { k, CT_ANSWER_YES_NO, CT_QUESTION_REQUIRED, l, FALSE, NULL }
#define MAYBE(k, l)     { k, CT_ANSWER_YES_NO, CT_QUESTION_CONDITIONAL, l, FALSE, NULL }
#define CONFIRM(k, l)   { k, CT_ANSWER_YES_NO, CT_QUESTION_CONFIRM, l, FALSE, NULL }
#define CHOICE(k, l, c) { k, CT_ANSWER_CHOICE, CT_QUESTION_REQUIRED, l, FALSE, c }
#define OPTCHOICE(k, l, c) { k, CT_ANSWER_CHOICE, CT_QUESTION_OPTIONAL, l, FALSE, c }
#define PICK(k, l, c)   { k, CT_ANSWER_CHOICE, CT_QUESTION_CONDITIONAL, l, FALSE, c }
#define DATE(k, l)      { k, CT_ANSWER_DATE, CT_QUESTION_OPTIONAL, l, FALSE, NULL }
#define OPTYESNO(k, l)  { k, CT_ANSWER_YES_NO, CT_QUESTION_OPTIONAL, l, FALSE, NULL }
#define AGENCY(k, l)    { k, CT_ANSWER_AGENCY, CT_QUESTION_REQUIRED, l, FALSE, NULL }

#define RAISER_TOLD_QUESTIONS                                                                   \
  YESNO ("raiser-told", N_("Was the person who raised the concern told of the referral?")),     \
  MAYBE ("raiser-encouraged", N_("Were they encouraged to refer it themselves too?")),          \
  IFTEXT ("raiser-reason", N_("Reason they were not told or not encouraged"))
#define RAISER_SUPPORT_QUESTION \
  LONG ("raiser-support", N_("Support and information given to the person who raised it, and what they were told of the outcome"))

static const CtStepForm forms[] = {
  { CT_EVENT_CONCERN_RECORDED, N_("Record a Concern"),
    N_("Write down the concern as soon as you can, in the words used. Say whether the child may be at immediate risk: if so, the case goes on the urgent path at once."),
    { TEXT ("raised-by", N_("Who raised the concern")),
      OPTIONAL ("raised-by-id", N_("Their staff id, if they are on the staff")),
      OPTCHOICE ("how", N_("How it came to light"), "in-person|phone|email|letter|other"),
      LONG ("what", N_("What was seen or said")),
      OPTLONG ("childs-words", N_("The child’s own words")),
      OPTLONG ("injuries", N_("Injuries seen")),
      OPTLONG ("witnesses", N_("Witnesses")),
      OPTLONG ("actions-taken", N_("Actions already taken")),
      OPTIONAL ("harm-types", N_("Kind of harm (physical, emotional, sexual, neglect…), separated by commas")),
      DATE ("incident-date", N_("When it happened, if not when it was reported")),
      OPTIONAL ("incident-time", N_("The time of day it happened, as HH:MM, if known")),
      YESNO ("immediate-risk", N_("Is the child at immediate risk?")),
      OPTIONAL ("child-id", N_("A child already known to Caretrail (their id)")),
      OPTIONAL ("child-given-names", N_("The child’s given names")),
      OPTIONAL ("child-family-name", N_("The child’s family name")),
      OPTIONAL ("child-aliases", N_("Other names the child is known by, separated by commas")),
      DATE ("child-date-of-birth", N_("The child’s date of birth")),
      OPTIONAL ("child-address", N_("The child’s address")),
      OPTIONAL ("child-area", N_("The local authority area where the child lives")) } },
  { CT_EVENT_ESCALATED, N_("Escalate the Concern"),
    N_("Discuss the concern with the line manager and a safeguarding lead: the DSO, deputy DSO or safeguarding board member."),
    { TEXT ("line-manager", N_("Line manager it was discussed with")),
      TEXT ("safeguarding-lead", N_("Safeguarding lead involved")),
      OPTIONAL ("summary", N_("What was agreed")) } },
  { CT_EVENT_IMMEDIATE_RISK_REFERRAL, N_("Urgent Referral"),
    N_("A child needs immediate protection: refer at once to children’s social care, or call the police on 999 in an emergency. The family is then approached only once children’s social care or the police agrees."),
    { LONG ("risk", N_("Why the child needs immediate protection")),
      AGENCY ("agency", N_("Agency that took the referral")),
      TEXT ("how", N_("How the referral was made")),
      TEXT ("to-whom", N_("Who took the referral")),
      OPTIONAL ("their-reference", N_("Their reference")),
      RAISER_TOLD_QUESTIONS } },
  { CT_EVENT_IMMEDIATE_RISK_RECONSIDERED, N_("No Urgent Referral Needed"),
    N_("Take the case off the urgent path only if you have decided the child is not at immediate risk. Record why: the decision may be examined later."),
    { LONG ("reason", N_("Why the child is not at immediate risk")) } },
  { CT_EVENT_NO_CONCERNS_REMAIN, N_("No Concerns Remain"),
    N_("Close the case with no further action. Record why, that support for the staff member who raised the concern was discussed, and what they were told."),
    { LONG ("reason", N_("Why no concerns remain")),
      CONFIRM ("staff-support-discussed", N_("Support for the staff member was discussed with their line manager")),
      RAISER_SUPPORT_QUESTION } },
  { CT_EVENT_CONCERNS_REMAIN, N_("Concerns Remain"),
    N_("The family is to be told unless an exception holds. For each exception that holds, give the reason: the family is then approached only after children’s social care, or the police, agrees."),
    { LONG ("reason", N_("Why concerns remain")),
      YESNO ("family-member-responsible", N_("Might a family member be responsible for the harm?")),
      IFTEXT ("family-member-responsible-reason", N_("Reason a family member might be responsible")),
      YESNO ("danger-to-others", N_("Might telling the family put someone in danger?")),
      IFTEXT ("danger-to-others-reason", N_("Reason someone might be put in danger")),
      YESNO ("criminal-investigation", N_("Might telling the family interfere with a criminal investigation?")),
      IFTEXT ("criminal-investigation-reason", N_("Reason it might interfere with an investigation")) } },
  { CT_EVENT_UNCERTAIN, N_("Seek Advice"),
    N_("If you are unsure, consult children’s social care where the child lives, or the NSPCC helpline without naming the child or family. The deadline to decide keeps running."),
    { LONG ("reason", N_("What is uncertain")) } },
  { CT_EVENT_ADVICE_RECORDED, N_("Record the Advice"),
    NULL,
    { CHOICE ("consulted", N_("Who was consulted"), "csc|nspcc"),
      YESNO ("anonymous", N_("Was the consultation anonymous?")),
      OPTIONAL ("adviser", N_("Name of the adviser")),
      LONG ("advice", N_("Advice given")) } },
  { CT_EVENT_FAMILY_DISCUSSED, N_("Discuss With the Family"),
    NULL,
    { TEXT ("with-whom", N_("Family members spoken to")),
      LONG ("summary", N_("What was said")) } },
  { CT_EVENT_FAMILY_APPROACH_AGREED, N_("Agreement to Approach the Family"),
    NULL,
    { CHOICE ("agreed-with", N_("Agreed by"), "csc|police"),
      TEXT ("agreed-by", N_("Name of the person who agreed")) } },
  { CT_EVENT_REFERRAL_MADE, N_("Make the Referral"),
    N_("Refer to children’s social care for the area where the child lives, then confirm the referral in writing within that authority’s period. Tell the person who raised the concern, and encourage them to refer it too, unless that could put the child at risk."),
    { AGENCY ("agency", N_("Local authority referred to")),
      TEXT ("how", N_("How the referral was made")),
      TEXT ("to-whom", N_("Who took the referral")),
      TEXT ("their-reference", N_("Their reference")),
      LONG ("what-shared", N_("What was shared")),
      CHOICE ("referral-type", N_("Type of referral"), "child-protection|early-help"),
      CHOICE ("consent", N_("The family’s consent"), "given|refused|not-sought"),
      IFTEXT ("consent-reason", N_("Reason for referring without consent")),
      OPTIONAL ("consent-given-by", N_("Who gave consent")),
      OPTYESNO ("parents-aware", N_("Do the parents or carers know of the referral?")),
      OPTLONG ("withheld", N_("Anything not to be shared with the family")),
      OPTCHOICE ("threshold", N_("Level of need you believe applies"), "universal|early-help|child-in-need|child-protection-threshold"),
      OPTLONG ("risk", N_("Your view of the risk, and why")),
      OPTLONG ("history", N_("Earlier concerns and history")),
      OPTLONG ("strengths", N_("Strengths and protective factors")),
      OPTYESNO ("police-told", N_("Have the police been told?")),
      OPTIONAL ("crime-reference", N_("Police crime reference")),
      OPTLONG ("what-wanted", N_("What you ask the local authority to do")),
      OPTCHOICE ("lawful-basis", N_("Lawful basis for sharing"), "legitimate-interests|vital-interests|legal-obligation|public-task"),
      RAISER_TOLD_QUESTIONS } },
  { CT_EVENT_CONFIRMATION_SENT, N_("Record the Written Confirmation"),
    N_("Say how the referral was confirmed in writing: with Caretrail’s letter, or another way, such as the local authority’s portal or their own form."),
    { CHOICE ("method", N_("How it was confirmed"), "portal|their-form|secure-email|email|post|hand"),
      TEXT ("to-whom", N_("Who it was sent to")),
      OPTIONAL ("how", N_("Details, such as the address or the portal’s reference")) } },
  { CT_EVENT_LA_CHASED, N_("Chase the Local Authority"),
    N_("The local authority should decide within one working day of the referral and tell you. If you have heard nothing, chase it."),
    { TEXT ("how", N_("How they were chased")),
      TEXT ("with-whom", N_("Who was contacted")),
      OPTIONAL ("response", N_("Their reply")) } },
  { CT_EVENT_OUTCOME_RECORDED, N_("Record the Outcome"),
    NULL,
    { CHOICE ("outcome", N_("The local authority’s decision"), "nfa|early-help|child-in-need-assessment|child-protection-enquiry"),
      TEXT ("informed-by", N_("Who gave the decision")),
      OPTIONAL ("reason", N_("Reasons given")),
      MAYBE ("family-consent", N_("Did the family consent (needed for early help)?")) } },
  { CT_EVENT_OUTCOME_DISPUTED, N_("Challenge the Decision"),
    N_("If the outcome seems wrong, use the safeguarding partnership’s escalation policy."),
    { LONG ("reason", N_("Why the decision is challenged")),
      TEXT ("raised-with", N_("Raised with")) } },
  { CT_EVENT_MONITORING_STARTED, N_("Keep Watch"),
    NULL,
    { LONG ("plan", N_("What will be monitored, by whom and how")) } },
  { CT_EVENT_CASE_CLOSED, N_("Close the Case"),
    N_("Every case ends with support and information for the person who raised the concern, whatever the outcome."),
    { LONG ("reason", N_("Why the case is closed")),
      RAISER_SUPPORT_QUESTION } },
  { CT_EVENT_ALLEGATION_REPORTED, N_("Report an Allegation Against a Worker"),
    N_("An allegation that someone who works with children has harmed a child, may have committed an offence against one, or has behaved in a way that suggests a risk to children goes to a senior manager at once, and to the LADO within one working day."),
    { TEXT ("about", N_("Who it is about (name and role)")),
      LONG ("what", N_("What is alleged")),
      TEXT ("reported-by", N_("Who reported it")),
      TEXT ("senior-manager", N_("Senior manager told")) } },
  { CT_EVENT_ALLEGATION_CLASSIFIED, N_("Classify the Allegation"),
    N_("Only allegations go to the LADO: a concern about the quality of care or practice, or a complaint, is dealt with under another procedure. Say whether the LADO was consulted: the LADO’s one-working-day clock stops only with that recorded."),
    { CHOICE ("classification", N_("What this is"), "allegation|quality-of-care|complaint"),
      PICK ("category", N_("What is alleged, if an allegation"), "harmed|offence|risk-of-harm|unsuitability"),
      LONG ("reason", N_("Reason for this classification")),
      IFTEXT ("handled-under", N_("Procedure that will deal with it instead")),
      MAYBE ("lado-consulted", N_("If not an allegation: was the LADO consulted?")),
      IFTEXT ("lado-advice", N_("What the LADO advised")),
      IFTEXT ("lado-not-consulted-reason", N_("Reason the LADO was not consulted")),
      IFTEXT ("raiser-support", N_("If not an allegation: support and information given to the person who raised it")) } },
  { CT_EVENT_LADO_INFORMED, N_("Inform the LADO"),
    N_("The LADO can be told at any time after the allegation is reported, before or after your own classification."),
    { TEXT ("lado", N_("LADO informed")),
      TEXT ("how", N_("How the LADO was informed")),
      OPTIONAL ("advice", N_("Advice given")) } },
  { CT_EVENT_REGULATED_ACTIVITY_DECIDED, N_("Regulated Activity"),
    NULL,
    { YESNO ("removed", N_("Was the person removed from regulated activity?")),
      MAYBE ("because-of-risk", N_("Because they may pose a risk of harm to children?")),
      LONG ("reason", N_("Reason for the decision")) } },
  { CT_EVENT_DBS_REFERRAL_DECIDED, N_("Disclosure and Barring Service"),
    NULL,
    { YESNO ("referral-made", N_("Was a referral made to the Disclosure and Barring Service?")),
      LONG ("reason", N_("Reason for the decision")) } },
  { CT_EVENT_ALLEGATION_CONCLUDED, N_("Conclude the Allegation"),
    NULL,
    { CHOICE ("outcome", N_("Outcome"), "substantiated|unsubstantiated|unfounded|false|malicious"),
      LONG ("reason", N_("Reason for the outcome")),
      RAISER_SUPPORT_QUESTION } },
  { CT_EVENT_INFORMATION_SHARING_DECIDED, N_("Information-Sharing Decision"),
    N_("Record every decision to share information or not, with the reasons, whether or not anything was shared."),
    { YESNO ("shared", N_("Was information shared?")),
      TEXT ("purpose", N_("Purpose")),
      IFTEXT ("what", N_("What was shared")),
      IFTEXT ("with-whom", N_("Shared with")),
      PICK ("lawful-basis", N_("Lawful basis"), "legitimate-interests|vital-interests|legal-obligation|public-task"),
      IFTEXT ("how-shared", N_("How and when it was shared")),
      MAYBE ("necessary-proportionate", N_("Was it necessary, proportionate, relevant, adequate and accurate?")),
      TEXT ("safety-wellbeing", N_("How safety and well-being were weighed")),
      YESNO ("consent-sought", N_("Was consent sought?")),
      MAYBE ("consent-given", N_("Was consent given?")),
      IFTEXT ("consent-reason", N_("Reason consent was not sought")),
      LONG ("reason", N_("Reason for the decision")) } },
  { CT_EVENT_INTERNATIONAL_ADVICE_RECORDED, N_("Advice From Another Jurisdiction"),
    N_("Another country’s law may forbid reporting, or require it. Record that advice was sought there, from whom, and what it was."),
    { TEXT ("jurisdiction", N_("Country or jurisdiction")),
      TEXT ("adviser", N_("Who gave the advice")),
      LONG ("advice", N_("Advice given")) } },
  { CT_EVENT_CORRECTION, N_("Correct an Earlier Entry"),
    N_("The entry corrected stays as it was; the correction is added after it."),
    { TEXT ("corrects", N_("Entry corrected")),
      LONG ("correction", N_("The corrected account")),
      LONG ("reason", N_("Reason for the correction")) } },
  { CT_EVENT_NOTE, N_("Add a Note"),
    N_("A call, a meeting, an email or letter, or a note: when it happened, who was involved, what was said, and anything decided and why."),
    { CHOICE ("kind", N_("What it was"), "phone-call|meeting|email-received|email-sent|letter-received|letter-sent|note"),
      OPTIONAL ("with-whom", N_("Who was involved")),
      LONG ("summary", N_("What was said or written")),
      OPTLONG ("decided", N_("What was decided")),
      OPTLONG ("reason", N_("Why")) } },
  { CT_EVENT_REFERRAL_DETAILS_ADDED, N_("Add Details to the Referral"),
    N_("Add what the referral did not say, or correct it, once you know it: the written confirmation needs these details. Answer only what you are adding or correcting; the referral as first recorded is kept."),
    { OPTCHOICE ("threshold", N_("Level of need you believe applies"), "universal|early-help|child-in-need|child-protection-threshold"),
      OPTLONG ("risk", N_("Your view of the risk, and why")),
      OPTLONG ("history", N_("Earlier concerns and history")),
      OPTLONG ("strengths", N_("Strengths and protective factors")),
      OPTLONG ("actions-taken", N_("What the organisation has done so far")),
      OPTYESNO ("police-told", N_("Have the police been told?")),
      OPTIONAL ("crime-reference", N_("Police crime reference")),
      OPTYESNO ("parents-aware", N_("Do the parents or carers know of the referral?")),
      OPTIONAL ("consent-given-by", N_("Who gave consent")),
      OPTLONG ("withheld", N_("Anything not to be shared with the family")),
      OPTLONG ("what-wanted", N_("What you ask the local authority to do")),
      OPTCHOICE ("lawful-basis", N_("Lawful basis for sharing"), "legitimate-interests|vital-interests|legal-obligation|public-task"),
      OPTLONG ("reason", N_("Why they are added or corrected now")) } },
};

/* The labels of choice answers in forms, keyed by the stable ids stored. */
static const struct { const char *id; const char *label; } choice_labels[] = {
  { "in-person", N_("In person") },
  { "phone", N_("By telephone") },
  { "email", N_("By email") },
  { "letter", N_("By letter") },
  { "other", N_("Another way") },
  { "csc", N_("Children’s social care") },
  { "nspcc", N_("NSPCC helpline") },
  { "police", N_("Police") },
  { "child-protection", N_("Child protection") },
  { "early-help", N_("Early help") },
  { "given", N_("Given") },
  { "refused", N_("Refused") },
  { "not-sought", N_("Not sought") },
  { "nfa", N_("No further action") },
  { "child-in-need-assessment", N_("Child in need assessment") },
  { "child-protection-enquiry", N_("Child protection enquiry") },
  { "allegation", N_("An allegation") },
  { "quality-of-care", N_("A concern about quality of care or practice") },
  { "complaint", N_("A complaint") },
  { "harmed", N_("Harmed or may have harmed a child") },
  { "offence", N_("Possibly committed an offence against a child") },
  { "risk-of-harm", N_("Behaved in a way that indicates a risk of harm") },
  { "unsuitability", N_("Behaved in a way that indicates unsuitability to work with children") },
  { "substantiated", N_("Substantiated") },
  { "unsubstantiated", N_("Unsubstantiated") },
  { "unfounded", N_("Unfounded") },
  { "false", N_("False") },
  { "malicious", N_("Malicious") },
  /* A child's status (seed 003: be clear about the child's status). */
  { "none", N_("No status known") },
  { "child-in-need", N_("Child in need") },
  { "child-protection-plan", N_("Child protection plan") },
  { "looked-after", N_("Looked after") },
  /* How a referral was confirmed in writing. */
  { "portal", N_("On the local authority’s portal") },
  { "their-form", N_("On their own form") },
  { "secure-email", N_("By secure email") },
  { "post", N_("By post") },
  { "hand", N_("By hand") },
  /* How urgent a referral is, as the engine stores it. */
  { "standard", N_("Within the usual time") },
  { "immediate", N_("Immediate: the child may be at immediate risk") },
  /* The level of need the referrer believes applies. */
  { "universal", N_("Universal services") },
  { "child-protection-threshold", N_("Child protection (significant harm)") },
  /* Lawful bases for sharing (ct-lawful-basis.c says what each rests on). */
  { "legitimate-interests", N_("Legitimate interests (UK GDPR Article 6(1)(f))") },
  { "vital-interests", N_("Vital interests, in an emergency (UK GDPR Article 6(1)(d))") },
  { "legal-obligation", N_("Legal obligation (UK GDPR Article 6(1)(c))") },
  { "public-task", N_("Public task (UK GDPR Article 6(1)(e))") },
  /* Whether a child needs an interpreter (the child's form). */
  { "interpreter-needed", N_("An interpreter is needed") },
  { "interpreter-not-needed", N_("No interpreter is needed") },
  { "child-born", N_("Born: the date is the date of birth") },
  { "child-unborn", N_("Not yet born: the date is the expected date of birth") },
  { "child-safe-now", N_("We believe the child is safe at the moment") },
  { "child-not-known-safe", N_("We do not know that the child is safe") },
  /* Kinds of organisation (Preferences). */
  { "law-firm", N_("Law firm") },
  { "mediation-service", N_("Mediation service") },
  { "counselling-practice", N_("Counselling practice") },
  { "charity", N_("Charity") },
  { "other-organisation", N_("Another kind of organisation") },
  /* Genders and relationships as sample data and older forms store them. */
  { "male", N_("Male") },
  { "female", N_("Female") },
  { "non-binary", N_("Non-binary") },
  { "parent", N_("Parent") },
  { "mother", N_("Mother") },
  { "father", N_("Father") },
  { "step-parent", N_("Step-parent") },
  { "carer", N_("Carer") },
  { "grandparent", N_("Grandparent") },
  { "sibling", N_("Brother or sister") },
  { "foster-carer", N_("Foster carer") },
};

/**
 * ct_step_form_get:
 * @event: a step
 *
 * Returns: (nullable): the questions @event asks, or %NULL if it has no form
 */
const CtStepForm *
ct_step_form_get (CtEvent event)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (forms[i].event == event)
      return &forms[i];
  return NULL;
}

/**
 * ct_choice_get_label:
 * @value: the stable id of a choice, such as "csc"
 *
 * Returns: its translated label for a form, or @value itself if it has none
 */
const char *
ct_choice_get_label (const char *value)
{
  return ct_choice_get_label_full (value, TRUE);
}

/**
 * ct_choice_get_label_full:
 * @value: the stable id of a choice
 * @translate: whether to translate the label
 *
 * Returns: its label, translated or as written here (for what is stored),
 *   or @value itself if it has none
 */
const char *
ct_choice_get_label_full (const char *value,
                          gboolean    translate)
{
  g_return_val_if_fail (value != NULL, NULL);

  const char *wording;

  for (guint i = 0; i < G_N_ELEMENTS (choice_labels); i++)
    if (strcmp (choice_labels[i].id, value) == 0)
      return translate ? _(choice_labels[i].label) : choice_labels[i].label;
  /* A choice whose sentence wording is also its label (the kinds of note). */
  wording = ct_choice_get_wording (value, translate);
  return wording != NULL ? wording : value;
}

/**
 * ct_answer_kind_to_string:
 * @kind: a kind of answer
 *
 * Returns: its stable name: "text", "yes-no", "choice", "date" or "agency"
 */
const char *
ct_answer_kind_to_string (CtAnswerKind kind)
{
  static const char * const names[] = { "text", "yes-no", "choice", "date", "agency" };

  g_return_val_if_fail (kind < G_N_ELEMENTS (names), NULL);
  return names[kind];
}

/**
 * ct_question_need_to_string:
 * @need: whether a question is needed
 *
 * Returns: its stable name: "required", "must-be-yes", "sometimes" or
 *   "optional"
 */
const char *
ct_question_need_to_string (CtQuestionNeed need)
{
  static const char * const names[] = { "required", "must-be-yes", "sometimes", "optional" };

  g_return_val_if_fail (need < G_N_ELEMENTS (names), NULL);
  return names[need];
}

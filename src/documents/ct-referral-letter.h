/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-document-error.h"
#include "ct-letterhead.h"

G_BEGIN_DECLS

/**
 * CtReferralType:
 * @CT_REFERRAL_CHILD_PROTECTION: a child protection referral
 * @CT_REFERRAL_EARLY_HELP: a request for early help, made with the family's consent
 */
typedef enum
{
  CT_REFERRAL_CHILD_PROTECTION,
  CT_REFERRAL_EARLY_HELP,
} CtReferralType;

/**
 * CtFamilyAware:
 * @CT_FAMILY_AWARE_NOT_RECORDED: not recorded
 * @CT_FAMILY_AWARE_YES: the family knows about the referral
 * @CT_FAMILY_AWARE_NO: the family has not been told; the reason is required
 */
typedef enum
{
  CT_FAMILY_AWARE_NOT_RECORDED,
  CT_FAMILY_AWARE_YES,
  CT_FAMILY_AWARE_NO,
} CtFamilyAware;

/**
 * CtConsent:
 * @CT_CONSENT_NOT_RECORDED: not recorded
 * @CT_CONSENT_GIVEN: consent to the referral was given
 * @CT_CONSENT_REFUSED: consent was refused and the referral was made anyway
 * @CT_CONSENT_NOT_SOUGHT: consent was not sought; the reason is required
 */
typedef enum
{
  CT_CONSENT_NOT_RECORDED,
  CT_CONSENT_GIVEN,
  CT_CONSENT_REFUSED,
  CT_CONSENT_NOT_SOUGHT,
} CtConsent;

/**
 * CtReferralChild:
 *
 * A child named in the referral. Only the names are required; anything left
 * %NULL is shown as not recorded, or left out where it is optional.
 */
typedef struct
{
  const char *given_names;
  const char *family_name;
  const char *aliases;
  GDateTime  *date_of_birth;     /* (nullable) */
  gboolean    unborn;            /* date_of_birth is the expected date */
  const char *gender;
  const char *address;
  const char *school;
  const char *gp;
  const char *nhs_number;
  const char *ethnicity;
  const char *religion;
  const char *language;
  gboolean    interpreter_needed;
  const char *needs;             /* disability or additional needs */
  const char *whereabouts;       /* where the child is now, and whether safe */
} CtReferralChild;

/**
 * CtReferralAdult:
 *
 * A parent, carer or other significant adult. When
 * @parental_responsibility_unknown is set, the letter says it is not known
 * whether they have parental responsibility.
 */
typedef struct
{
  const char *name;
  const char *relationship;
  GDateTime  *date_of_birth;     /* (nullable) */
  gboolean    parental_responsibility;
  gboolean    parental_responsibility_unknown;
  const char *address;
  const char *contact;
} CtReferralAdult;

/**
 * CtReferralLetter:
 *
 * Everything the written confirmation of a referral says. Every string is
 * borrowed UTF-8 and may be %NULL unless said otherwise; the required ones are
 * the organisation's name, the recipient, the date and time of the verbal
 * referral and who took it, at least one child, the concern summary and the
 * DSO's name.
 */
typedef struct
{
  CtLetterhead           letterhead;
  GDateTime             *date;                  /* (nullable): today when NULL */

  const char            *recipient_name;        /* the local authority's front door */
  const char            *recipient_address;
  const char            *our_reference;
  const char            *their_reference;

  CtReferralType         type;
  const char            *urgency;
  GDateTime             *verbal_referral_at;
  const char            *verbal_referral_to;    /* the person who took the call */
  const char            *verbal_referral_by;    /* who made it, if not the DSO */

  const CtReferralChild *children;
  guint                  n_children;
  const CtReferralAdult *adults;
  guint                  n_adults;
  const char            *other_children;        /* siblings and other children */
  const char            *household;             /* other household members */
  const char            *agencies;              /* agencies already involved */

  const char            *concern_summary;
  const char            *injuries;              /* injuries seen, as recorded */
  const char            *witnesses;
  GDateTime             *incident_date;         /* (nullable): when it happened */
  gboolean               incident_time_known;   /* whether incident_date has its time of day */
  GDateTime             *reported_at;           /* (nullable): when it was reported */
  const char            *harm_type;
  const char            *words_recorded;        /* the child's words, as recorded */
  const char            *history;
  const char            *risk;
  const char            *person_responsible;    /* alleged, and access to other children */
  const char            *strengths;             /* strengths and protective factors */
  const char            *threshold;             /* the level of need the referrer believes applies */
  const char            *police;                /* whether the police were told, in words */
  const char            *crime_reference;
  const char            *actions_taken;

  CtFamilyAware          family_aware;
  const char            *family_not_told_reason;
  const char            *withhold_from_family;

  CtConsent              consent;
  const char            *consent_given_by;
  const char            *consent_reason;        /* why not sought, or why proceeding without */
  const char            *lawful_basis;          /* a sentence, or the basis as recorded */
  const char            *special_category;      /* (nullable): the condition for special category data */

  const char            *request;               /* what we ask the authority to do */
  const char            *not_known;             /* details not known, each with why */

  const char            *dso_name;
  const char            *dso_role;
  const char            *dso_phone;
  const char            *dso_email;

  const char            *closing_paragraph;     /* the organisation's own, from settings */

  gboolean               draft;                 /* details are missing: marked DRAFT on every page */
} CtReferralLetter;

GBytes *ct_document_render_referral_letter (const CtReferralLetter  *letter,
                                            GError                 **error);

G_END_DECLS

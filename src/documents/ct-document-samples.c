/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-document-samples"

#include "config.h"

#include "ct-document-samples.h"

#include "ct-lawful-basis.h"

/*
 * Sample data. Every person, place, number and address here is invented:
 * telephone numbers are from the range reserved for drama, email addresses
 * use example.org, and the organisation says it is a sample.
 */

#define SAMPLE_ORG_NAME "Northmoor Family Mediation (SAMPLE — fictional)"
#define SAMPLE_ORG_ADDRESS "14 Example Row\nNorthmoor\nNM1 4XX"
#define SAMPLE_ORG_PHONE "01632 960100"
#define SAMPLE_ORG_EMAIL "safeguarding@northmoor-mediation.example.org"

static GDateTime *
london (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/London");

  if (tz == NULL)
    tz = g_time_zone_new_utc ();

  return g_date_time_new (tz, year, month, day, hour, minute, 0);
}

static const CtReferralLetter *
build_referral_letter (void)
{
  static CtReferralChild children[2];
  static CtReferralAdult adults[3];
  static CtReferralLetter letter;

  children[0] = (CtReferralChild) {
    .given_names = "Maya Rose",
    .family_name = "Example-Fictional",
    .aliases = "Maya Fictional; مايا",
    .date_of_birth = london (2016, 3, 14, 0, 0),
    .gender = "Female",
    .address = "3 Sample Close, Northmoor, NM2 7XX",
    .school = "Northmoor Example Primary School (Year 5)",
    .gp = "Dr A. Placeholder, Example Lane Surgery",
    .nhs_number = "999 000 0001 (sample)",
    .ethnicity = "Mixed White and Arab",
    .language = "English and Arabic",
    .interpreter_needed = FALSE,
    .whereabouts = "At school today; staff there know to keep her on site until collected "
                   "by her grandmother, with whom she is safe.",
  };
  children[1] = (CtReferralChild) {
    .given_names = "Sami",
    .family_name = "Example-Fictional",
    .date_of_birth = london (2022, 9, 2, 0, 0),
    .gender = "Male",
    .address = "3 Sample Close, Northmoor, NM2 7XX",
    .school = "Little Acorns Example Nursery",
    .whereabouts = "At nursery; collected by his grandmother today.",
  };

  adults[0] = (CtReferralAdult) {
    .name = "Leila Example-Fictional",
    .relationship = "Mother",
    .parental_responsibility = TRUE,
    .address = "3 Sample Close, Northmoor, NM2 7XX",
    .contact = "07700 900123",
  };
  adults[1] = (CtReferralAdult) {
    .name = "Daniel Fictional",
    .relationship = "Father; lives apart from the children",
    .parental_responsibility = TRUE,
    .address = "Flat 2, 8 Invented Street, Northmoor, NM3 1XX",
    .contact = "07700 900456",
  };
  adults[2] = (CtReferralAdult) {
    .name = "Noor Example",
    .relationship = "Maternal grandmother",
    .parental_responsibility = FALSE,
    .address = "21 Pretend Avenue, Northmoor, NM2 9XX",
  };

  letter = (CtReferralLetter) {
    .letterhead = {
      .name = SAMPLE_ORG_NAME,
      .address = SAMPLE_ORG_ADDRESS,
      .phone = SAMPLE_ORG_PHONE,
      .email = SAMPLE_ORG_EMAIL,
    },
    .date = london (2026, 11, 24, 9, 30),
    .recipient_name = "Children’s Services Front Door (MASH)",
    .recipient_address = "Northmoor Example Council\nCivic Centre\nNorthmoor\nNM1 1XX",
    .our_reference = "NFM-2026-0142",
    .their_reference = "MASH/26/88310",
    .type = CT_REFERRAL_CHILD_PROTECTION,
    .urgency = "Same day — the children are safe today, but not at home tonight",
    .verbal_referral_at = london (2026, 11, 23, 15, 40),
    .verbal_referral_to = "Priya Sampleworth, duty social worker",
    .children = children,
    .n_children = G_N_ELEMENTS (children),
    .adults = adults,
    .n_adults = G_N_ELEMENTS (adults),
    .other_children = "None known.",
    .household = "Mr Karl Madeup, the mother’s partner, has lived at the address since "
                 "the summer.",
    .agencies = "None known to us. The school may hold its own records.",
    .concern_summary = "During a mediation session on 23 November 2026 the mother said that "
                       "her partner had hit her in front of the children the night before, "
                       "and that Maya had tried to stop him. Maya later told our child "
                       "consultant that she was frightened to go home.",
    .harm_type = "Physical harm; emotional harm from domestic abuse in the home",
    .words_recorded = "“Karl shouted and pushed Mum into the door. I got in the way and he "
                      "grabbed my arm. I don’t want to go home when he’s there.”",
    .history = "No earlier concerns have been recorded by us.",
    .risk = "We believe there is a risk of significant harm to both children while "
            "Mr Madeup is in the home, because the violence was recent and Maya was hurt.",
    .person_responsible = "Mr Karl Madeup, the mother’s partner. We do not know whether he "
                          "has contact with other children.",
    .actions_taken = "The DSO was told within the hour and made the telephone referral the "
                     "same afternoon. The mother has arranged for the children to stay with "
                     "their grandmother tonight. We have recorded the concern, the "
                     "discussion and our decision to refer, with our reasons.",
    .family_aware = CT_FAMILY_AWARE_NO,
    .family_not_told_reason = "Telling the family now could put the mother and the children "
                              "at greater risk from the person believed to be responsible.",
    .withhold_from_family = "The child consultant’s notes of what Maya said.",
    .consent = CT_CONSENT_NOT_SOUGHT,
    .consent_reason = "Asking for consent would have caused delay and could have increased "
                      "the risk of significant harm to the children.",
    .lawful_basis = ct_lawful_basis_get_sentence ("legitimate-interests"),
    .special_category = ct_lawful_basis_get_special_category_sentence (),
    .threshold = "Child protection (significant harm)",
    .police = "The police have not been told by us; the mother has not reported the assault.",
    .strengths = "The grandmother lives nearby, is protective, and can care for both "
                 "children. Maya talks to her teacher and to our child consultant.",
    .incident_date = london (2026, 11, 22, 0, 0),
    .request = "Please consider whether the children need protection tonight, carry out "
               "any enquiries you think necessary, and tell us the outcome.",
    .dso_name = "Hannah Sample",
    .dso_role = "Designated Safeguarding Officer",
    .dso_phone = "01632 960101",
    .dso_email = "h.sample@northmoor-mediation.example.org",
    .closing_paragraph = "Northmoor Family Mediation is a sample organisation. This letter "
                         "shows the layout of a referral confirmation and contains no real "
                         "information about any person.",
  };

  return &letter;
}

const CtReferralLetter *
ct_document_sample_referral_letter (void)
{
  static gsize once = 0;
  static const CtReferralLetter *letter;

  if (g_once_init_enter (&once))
    {
      letter = build_referral_letter ();
      g_once_init_leave (&once, 1);
    }

  return letter;
}

const CtRecordOfConcern *
ct_document_sample_record_of_concern (void)
{
  static gsize once = 0;
  static CtRecordOfConcern record;

  if (g_once_init_enter (&once))
    {
      record = (CtRecordOfConcern) {
        .letterhead = {
          .name = SAMPLE_ORG_NAME,
          .address = SAMPLE_ORG_ADDRESS,
          .phone = SAMPLE_ORG_PHONE,
          .email = SAMPLE_ORG_EMAIL,
        },
        .case_reference = "NFM-2026-0142",
        .raised_by_name = "Tom Invented",
        .raised_by_role = "Child consultant",
        .concern_at = london (2026, 11, 23, 14, 10),
        .recorded_at = london (2026, 11, 23, 14, 35),
        .how_it_arose = "Maya spoke to me during a child consultation session, without being "
                        "asked about home.",
        .child_name = "Maya Rose Example-Fictional",
        .child_aliases = "Maya Fictional",
        .child_date_of_birth = london (2016, 3, 14, 0, 0),
        .child_address = "3 Sample Close, Northmoor, NM2 7XX",
        .child_school = "Northmoor Example Primary School",
        .what_happened = "Maya became quiet when asked about weekends, then said that Karl had "
                         "pushed her mother and grabbed her arm. She pulled up her sleeve to "
                         "show me.",
        .child_words = "“Karl shouted and pushed Mum into the door. I got in the way and he "
                       "grabbed my arm. I don’t want to go home when he’s there.”",
        .injuries = "Four small round bruises on the upper left arm, yellow-green in colour. "
                    "I did not touch them.",
        .witnesses = "No one else was in the room.",
        .action_taken = "I told Maya I would need to tell someone whose job is to keep "
                        "children safe. I ended the session calmly and told the DSO at once.",
        .line_manager = "Asha Pretend, Head of Service",
        .line_manager_told_at = london (2026, 11, 23, 14, 40),
        .dso = "Hannah Sample",
        .dso_told_at = london (2026, 11, 23, 14, 40),
      };
      g_once_init_leave (&once, 1);
    }

  return &record;
}

const CtChronologyReport *
ct_document_sample_chronology (void)
{
  static gsize once = 0;
  static CtChronologyEntry entries[7];
  static CtChronologyReport report;

  if (g_once_init_enter (&once))
    {
      entries[0] = (CtChronologyEntry) {
        london (2026, 11, 23, 14, 35), "Tom Invented, child consultant",
        "Recorded a concern after Maya described an assault at home and showed bruising.",
        NULL, 0 };
      entries[1] = (CtChronologyEntry) {
        london (2026, 11, 23, 14, 40), "Tom Invented",
        "Told the line manager and the DSO in person.",
        "Our policy asks for escalation on the same day.", 0 };
      entries[2] = (CtChronologyEntry) {
        london (2026, 11, 23, 15, 5), "Hannah Sample, DSO",
        "Decided to refer to children’s social care without telling the family first.",
        "Recent violence, a child hurt, and telling the family could increase the risk.", 0 };
      entries[3] = (CtChronologyEntry) {
        london (2026, 11, 23, 15, 40), "Hannah Sample, DSO",
        "Referred by telephone to the Front Door; taken by Priya Sampleworth.",
        NULL, 0 };
      entries[4] = (CtChronologyEntry) {
        london (2026, 11, 23, 16, 2), "Hannah Sample, DSO",
        "Recorded the time of the referral call as 15:40.",
        "The call log shows the call began at 15:34.", 4 };
      entries[5] = (CtChronologyEntry) {
        london (2026, 11, 24, 9, 30), "Hannah Sample, DSO",
        "Sent the written confirmation of the referral by secure email.",
        "Written confirmation is due within 48 hours of the call.", 0 };
      entries[6] = (CtChronologyEntry) {
        london (2026, 11, 24, 11, 15), "Priya Sampleworth (local authority)",
        "Telephoned: the referral has been accepted for a strategy discussion.",
        NULL, 0 };

      report = (CtChronologyReport) {
        .letterhead = {
          .name = SAMPLE_ORG_NAME,
          .address = SAMPLE_ORG_ADDRESS,
          .phone = SAMPLE_ORG_PHONE,
          .email = SAMPLE_ORG_EMAIL,
        },
        .case_reference = "NFM-2026-0142",
        .children = "Maya Rose Example-Fictional and Sami Example-Fictional",
        .produced_at = london (2026, 11, 24, 12, 0),
        .produced_by = "Hannah Sample, DSO",
        .entries = entries,
        .n_entries = G_N_ELEMENTS (entries),
      };
      g_once_init_leave (&once, 1);
    }

  return &report;
}

const CtRecoverySheet *
ct_document_sample_recovery_sheet (void)
{
  static gsize once = 0;
  static CtRecoverySheet sheet;

  if (g_once_init_enter (&once))
    {
      sheet = (CtRecoverySheet) {
        .organisation = SAMPLE_ORG_NAME,
        .database_id = "sample-0000-fictional",
        .created = london (2026, 11, 23, 9, 0),
        /* Not a real code: it opens nothing. */
        .recovery_code = "SAMPLECODEXXXXXXFICTIONALNOTREAL0000",
      };
      g_once_init_leave (&once, 1);
    }

  return &sheet;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-referral-letter"

#include "config.h"

#include "ct-referral-letter.h"

#include <glib/gi18n.h>

#include "ct-document-private.h"

/*
 * The written confirmation of a referral made by telephone. It follows the
 * order of a local authority's referral form, so the person who receives it
 * can copy it across section by section.
 */

static char *
child_full_name (const CtReferralChild *child)
{
  if (ct_document_has_text (child->given_names) && ct_document_has_text (child->family_name))
    /* Translators: a child's full name: given names, then family name. */
    return g_strdup_printf (C_("full name", "%s %s"), child->given_names, child->family_name);
  if (ct_document_has_text (child->given_names))
    return g_strdup (child->given_names);
  return g_strdup (child->family_name);
}

static gboolean
validate (const CtReferralLetter  *letter,
          GError                 **error)
{
  if (!ct_document_require (letter->letterhead.name, _("the organisation’s name"), error)
      || !ct_document_require (letter->recipient_name,
                               _("the local authority the referral was made to"), error)
      || !ct_document_require (letter->verbal_referral_to,
                               _("the name of the person who took the referral"), error)
      || !ct_document_require (letter->concern_summary, _("the summary of the concern"), error)
      || !ct_document_require (letter->dso_name,
                               _("the name of the Designated Safeguarding Officer"), error))
    return FALSE;

  if (letter->verbal_referral_at == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The letter cannot be produced because the date and time of the "
                     "telephone referral are missing. Record when the referral was made "
                     "and try again."));
      return FALSE;
    }

  if (letter->n_children == 0 || letter->children == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The letter cannot be produced because no child is named in the "
                     "referral. Add the child’s details to the case and try again."));
      return FALSE;
    }

  for (guint i = 0; i < letter->n_children; i++)
    {
      const CtReferralChild *child = &letter->children[i];

      if (!ct_document_has_text (child->given_names) && !ct_document_has_text (child->family_name))
        {
          g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                       _("The letter cannot be produced because child %u of %u has no "
                         "name. Add the child’s name to the case, or “Not known” if it "
                         "is not known, and try again."),
                       i + 1, letter->n_children);
          return FALSE;
        }
    }

  return TRUE;
}

static void
add_optional_field (CtPdfWriter *writer,
                    const char  *label,
                    const char  *value)
{
  if (ct_document_has_text (value))
    ct_pdf_writer_add_field (writer, label, value);
}

static void
add_child (CtPdfWriter           *writer,
           const CtReferralChild *child,
           gboolean               several)
{
  g_autofree char *name = child_full_name (child);
  g_autofree char *dob = NULL;

  if (several)
    ct_pdf_writer_add_heading (writer, 2, name);

  ct_pdf_writer_add_field (writer, _("Given names"), ct_document_or_not_recorded (child->given_names));
  ct_pdf_writer_add_field (writer, _("Family name"), ct_document_or_not_recorded (child->family_name));
  add_optional_field (writer, _("Also known as"), child->aliases);

  if (child->date_of_birth != NULL)
    {
      dob = ct_document_format_date (child->date_of_birth);
      ct_pdf_writer_add_field (writer,
                               child->unborn ? _("Expected date of birth") : _("Date of birth"),
                               dob);
    }
  add_optional_field (writer, _("Gender"), child->gender);
  add_optional_field (writer, _("Address"), child->address);
  add_optional_field (writer, _("School or setting"), child->school);
  add_optional_field (writer, _("GP"), child->gp);
  add_optional_field (writer, _("NHS number"), child->nhs_number);
  add_optional_field (writer, _("Ethnicity"), child->ethnicity);
  add_optional_field (writer, _("Religion"), child->religion);

  if (ct_document_has_text (child->language))
    {
      g_autofree char *language = NULL;

      if (child->interpreter_needed)
        /* Translators: a child's first language, when an interpreter is needed. */
        language = g_strdup_printf (_("%s (an interpreter is needed)"), child->language);
      else
        language = g_strdup (child->language);
      ct_pdf_writer_add_field (writer, _("First language"), language);
    }

  add_optional_field (writer, _("Disability or additional needs"), child->needs);
  add_optional_field (writer, _("Where the child is now"), child->whereabouts);
}

static void
add_adult (CtPdfWriter           *writer,
           const CtReferralAdult *adult)
{
  ct_pdf_writer_add_heading (writer, 2, ct_document_or_not_recorded (adult->name));
  add_optional_field (writer, _("Relationship to the child"), adult->relationship);
  if (adult->date_of_birth != NULL)
    {
      g_autofree char *dob = ct_document_format_date (adult->date_of_birth);

      ct_pdf_writer_add_field (writer, _("Date of birth"), dob);
    }
  ct_pdf_writer_add_field (writer, _("Parental responsibility"),
                           adult->parental_responsibility
                           ? _("Has parental responsibility")
                           : adult->parental_responsibility_unknown
                           ? _("Not known")
                           : _("Does not have parental responsibility"));
  add_optional_field (writer, _("Address"), adult->address);
  add_optional_field (writer, _("Contact"), adult->contact);
}

static void
add_family_section (CtPdfWriter            *writer,
                    const CtReferralLetter *letter)
{
  /* Nothing recorded: no section that would only say so. */
  if (letter->family_aware == CT_FAMILY_AWARE_NOT_RECORDED
      && !ct_document_has_text (letter->withhold_from_family))
    return;

  ct_pdf_writer_add_heading (writer, 1, _("The family’s knowledge of this referral"));

  switch (letter->family_aware)
    {
    case CT_FAMILY_AWARE_YES:
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                   _("The family knows that we have made this referral."));
      break;

    case CT_FAMILY_AWARE_NO:
      if (ct_document_has_text (letter->family_not_told_reason))
        {
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                       _("The family has not been told about this referral. "
                                         "Please do not tell them about it without first "
                                         "agreeing this with us. Our reason is:"));
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->family_not_told_reason);
        }
      else
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                     _("The family has not been told about this referral. "
                                       "Please do not tell them about it without first "
                                       "agreeing this with us."));
      break;

    case CT_FAMILY_AWARE_NOT_RECORDED:
    default:
      break;
    }

  if (ct_document_has_text (letter->withhold_from_family))
    {
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_STRONG,
                                   _("Please do not share the following with the family:"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->withhold_from_family);
    }
}

static void
add_consent_section (CtPdfWriter            *writer,
                     const CtReferralLetter *letter)
{
  if (letter->consent == CT_CONSENT_NOT_RECORDED && !ct_document_has_text (letter->lawful_basis))
    return;

  ct_pdf_writer_add_heading (writer, 1, _("Consent and the basis for sharing"));

  switch (letter->consent)
    {
    case CT_CONSENT_GIVEN:
      if (ct_document_has_text (letter->consent_given_by))
        {
          g_autofree char *text =
            g_strdup_printf (_("Consent to this referral was given by %s."),
                             letter->consent_given_by);
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, text);
        }
      else
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                     _("Consent to this referral was given."));
      break;

    case CT_CONSENT_REFUSED:
      if (ct_document_has_text (letter->consent_reason))
        {
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                       _("Consent to this referral was refused. We have made it "
                                         "without consent because:"));
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->consent_reason);
        }
      else
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                     _("Consent to this referral was refused. We have made it "
                                       "without consent."));
      break;

    case CT_CONSENT_NOT_SOUGHT:
      if (ct_document_has_text (letter->consent_reason))
        {
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                       _("We did not ask for consent to this referral because:"));
          ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->consent_reason);
        }
      else
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                     _("We did not ask for consent to this referral."));
      break;

    case CT_CONSENT_NOT_RECORDED:
    default:
      break;
    }

  if (ct_document_has_text (letter->lawful_basis))
    {
      ct_pdf_writer_add_heading (writer, 2, _("Lawful basis for sharing"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->lawful_basis);
      if (ct_document_has_text (letter->special_category))
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->special_category);
    }
}

/* Lays out the letter, ready to render on its own or in a pack. */
CtPdfWriter *
ct_document_build_referral_letter (const CtReferralLetter  *letter,
                                   GError                 **error)
{
  g_autoptr(CtPdfWriter) writer = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GString) refs = g_string_new (NULL);
  g_autoptr(GString) recipient = g_string_new (NULL);
  g_autofree char *date = NULL;
  g_autofree char *verbal_at = NULL;
  g_autofree char *header = NULL;
  g_autofree char *opening = NULL;
  g_autofree char *subject = NULL;
  GDateTime *letter_date;

  g_return_val_if_fail (letter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate (letter, error))
    return NULL;

  letter_date = letter->date != NULL ? letter->date : now;
  date = ct_document_format_date (letter_date);
  verbal_at = ct_document_format_datetime (letter->verbal_referral_at);

  {
    g_autofree char *first_child = child_full_name (&letter->children[0]);

    if (letter->n_children > 1)
      /* Translators: the subject line; %s is the first child's name, %u how
       * many other children are named. */
      subject = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Confirmation of a safeguarding referral: %s and %u other child",
                                              "Confirmation of a safeguarding referral: %s and %u other children",
                                              letter->n_children - 1),
                                 first_child, letter->n_children - 1);
    else
      subject = g_strdup_printf (_("Confirmation of a safeguarding referral: %s"), first_child);
  }

  if (ct_document_has_text (letter->our_reference))
    /* Translators: running header on pages after the first. */
    header = g_strdup_printf (_("Confirmation of a safeguarding referral — our reference %s"),
                              letter->our_reference);
  else
    header = g_strdup (_("Confirmation of a safeguarding referral"));

  writer = ct_document_writer_new (&letter->letterhead,
                                   _("Confirmation of a safeguarding referral"),
                                   subject, header, letter_date);
  /* A letter with details missing says so on every page, at the top and
   * the bottom, where the protective marking is. */
  if (letter->draft)
    ct_pdf_writer_set_marking (writer, _("DRAFT — NOT TO BE SENT — OFFICIAL-SENSITIVE"));

  /* The recipient on the left, dates and references on the right, as on
   * any business letter. */
  g_string_append (recipient, letter->recipient_name);
  if (ct_document_has_text (letter->recipient_address))
    g_string_append_printf (recipient, "\n%s", letter->recipient_address);

  g_string_append_printf (refs, _("Date: %s"), date);
  g_string_append_c (refs, '\n');
  g_string_append_printf (refs, _("Our reference: %s"),
                          ct_document_or_not_recorded (letter->our_reference));
  g_string_append_c (refs, '\n');
  g_string_append_printf (refs, _("Your reference: %s"),
                          ct_document_has_text (letter->their_reference)
                          ? letter->their_reference : _("Not yet given"));
  ct_pdf_writer_add_columns (writer, recipient->str, refs->str);

  ct_pdf_writer_add_title (writer, letter->draft
                                   ? _("DRAFT: Confirmation of a safeguarding referral")
                                   : _("Confirmation of a safeguarding referral"));

  /* The children named at the top, so the letter is matched to the right
   * referral at a glance. */
  {
    g_autoptr(GString) about = g_string_new (NULL);

    for (guint i = 0; i < letter->n_children; i++)
      {
        const CtReferralChild *child = &letter->children[i];
        g_autofree char *name = child_full_name (child);

        if (about->len > 0)
          g_string_append_c (about, '\n');
        if (child->date_of_birth != NULL)
          {
            g_autofree char *born = ct_document_format_date (child->date_of_birth);

            if (child->unborn)
              /* Translators: a child's name and expected date of birth. */
              g_string_append_printf (about, _("%s, due %s"), name, born);
            else
              /* Translators: a child's name and date of birth. */
              g_string_append_printf (about, _("%s, born %s"), name, born);
          }
        else
          g_string_append (about, name);
      }
    ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_STRONG, about->str);
  }

  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, _("Dear colleague,"));
  /* Translators: %s is a date and time; the second %s is a person's name. */
  opening = g_strdup_printf (_("This letter confirms in writing the safeguarding referral we "
                               "made to you by telephone on %s, which was taken by %s. It "
                               "sets out what we told you and what we have done since."),
                             verbal_at, letter->verbal_referral_to);
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, opening);

  /* The referral. */
  ct_pdf_writer_add_heading (writer, 1, _("The referral"));
  ct_pdf_writer_add_field (writer, _("Kind of referral"),
                           letter->type == CT_REFERRAL_EARLY_HELP
                           ? _("Early help") : _("Child protection"));
  add_optional_field (writer, _("Urgency"), letter->urgency);
  ct_pdf_writer_add_field (writer, _("Made by telephone on"), verbal_at);
  ct_pdf_writer_add_field (writer, _("Taken by"), letter->verbal_referral_to);
  add_optional_field (writer, _("Made by"), letter->verbal_referral_by);

  /* The children. */
  ct_pdf_writer_add_heading (writer, 1,
                             g_dngettext (GETTEXT_PACKAGE, "The child", "The children",
                                          letter->n_children));
  for (guint i = 0; i < letter->n_children; i++)
    add_child (writer, &letter->children[i], letter->n_children > 1);

  /* Parents, carers and others around the child. */
  if (letter->n_adults > 0)
    ct_pdf_writer_add_heading (writer, 1, _("Parents and carers"));
  for (guint i = 0; i < letter->n_adults; i++)
    add_adult (writer, &letter->adults[i]);

  if (ct_document_has_text (letter->other_children) || ct_document_has_text (letter->household)
      || ct_document_has_text (letter->agencies))
    {
      ct_pdf_writer_add_heading (writer, 1, _("Others in the child’s life"));
      add_optional_field (writer, _("Brothers, sisters and other children"), letter->other_children);
      add_optional_field (writer, _("Others in the household"), letter->household);
      add_optional_field (writer, _("Agencies already involved"), letter->agencies);
    }

  /* The concern. */
  ct_pdf_writer_add_heading (writer, 1, _("Our concern"));
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->concern_summary);
  add_optional_field (writer, _("Injuries seen"), letter->injuries);
  add_optional_field (writer, _("Witnesses"), letter->witnesses);
  if (letter->incident_date != NULL)
    {
      g_autofree char *when = letter->incident_time_known
                              ? ct_document_format_datetime (letter->incident_date)
                              : ct_document_format_date (letter->incident_date);

      ct_pdf_writer_add_field (writer, _("When it happened"), when);
    }
  if (letter->reported_at != NULL)
    {
      g_autofree char *when = ct_document_format_datetime (letter->reported_at);

      ct_pdf_writer_add_field (writer, _("When it was reported to us"), when);
    }
  add_optional_field (writer, _("Kind of harm"), letter->harm_type);
  add_optional_field (writer, _("Level of need we believe applies"), letter->threshold);
  add_optional_field (writer, _("The police"), letter->police);
  add_optional_field (writer, _("Police crime reference"), letter->crime_reference);

  if (ct_document_has_text (letter->words_recorded))
    {
      ct_pdf_writer_add_heading (writer, 2, _("The words recorded"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_NOTE,
                                   _("Exactly as written down at the time, without correction."));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_QUOTE, letter->words_recorded);
    }
  if (ct_document_has_text (letter->history))
    {
      ct_pdf_writer_add_heading (writer, 2, _("Earlier concerns and history"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->history);
    }
  if (ct_document_has_text (letter->risk))
    {
      ct_pdf_writer_add_heading (writer, 2, _("Our view of the risk"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->risk);
    }
  if (ct_document_has_text (letter->person_responsible))
    {
      ct_pdf_writer_add_heading (writer, 2, _("The person believed to be responsible"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->person_responsible);
    }

  if (ct_document_has_text (letter->strengths))
    {
      ct_pdf_writer_add_heading (writer, 2, _("Strengths and protective factors"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->strengths);
    }

  if (ct_document_has_text (letter->actions_taken))
    {
      ct_pdf_writer_add_heading (writer, 1, _("What we have done"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->actions_taken);
    }

  if (ct_document_has_text (letter->not_known))
    {
      ct_pdf_writer_add_heading (writer, 1, _("What we do not know"));
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->not_known);
    }

  add_family_section (writer, letter);
  add_consent_section (writer, letter);

  ct_pdf_writer_add_heading (writer, 1, _("What we ask you to do"));
  if (ct_document_has_text (letter->request))
    ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->request);
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                               _("Please tell us what you decide to do, and quote our "
                                 "reference when you reply. If you need anything more from "
                                 "us, contact the Designated Safeguarding Officer directly "
                                 "using the details below."));

  if (ct_document_has_text (letter->closing_paragraph))
    ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, letter->closing_paragraph);
  /* The signature never stands alone on the last page. */
  ct_pdf_writer_keep_with_next (writer);

  {
    g_autoptr(GString) contact = g_string_new (NULL);

    if (ct_document_has_text (letter->dso_phone))
      g_string_append_printf (contact, _("Direct line: %s"), letter->dso_phone);
    if (ct_document_has_text (letter->dso_email))
      {
        if (contact->len > 0)
          g_string_append_c (contact, '\n');
        g_string_append_printf (contact, _("Email: %s"), letter->dso_email);
      }

    ct_pdf_writer_add_signature_block (writer, _("Yours faithfully,"), letter->dso_name,
                                       ct_document_has_text (letter->dso_role)
                                       ? letter->dso_role
                                       : _("Designated Safeguarding Officer"),
                                       contact->len > 0 ? contact->str : NULL);
  }

  return g_steal_pointer (&writer);
}

/**
 * ct_document_render_referral_letter:
 * @letter: what the letter says
 * @error: return location for a #GError
 *
 * Produces the written confirmation of a referral as an A4 PDF.
 *
 * Returns: (transfer full): the exact bytes of the PDF, or %NULL with @error
 *   set (%CT_DOCUMENT_ERROR_INVALID_INPUT when something required is missing)
 */
GBytes *
ct_document_render_referral_letter (const CtReferralLetter  *letter,
                                    GError                 **error)
{
  g_autoptr(CtPdfWriter) writer = ct_document_build_referral_letter (letter, error);

  if (writer == NULL)
    return NULL;
  return ct_pdf_writer_render (writer, NULL, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-record-of-concern"

#include "config.h"

#include "ct-record-of-concern.h"

#include <glib/gi18n.h>

#include "ct-document-private.h"

/*
 * The organisation's form for recording a concern. The same questions are
 * asked in the same order whether the form is filled in from a case or
 * printed blank for someone to write on.
 */

typedef enum
{
  ANSWER_SHORT,     /* one line: a name, a date */
  ANSWER_LONG,      /* a paragraph */
} AnswerKind;

static void
add_answer (CtPdfWriter            *writer,
            const CtRecordOfConcern *record,
            AnswerKind              kind,
            const char             *question,
            const char             *answer)
{
  if (record->blank)
    {
      if (kind == ANSWER_SHORT)
        ct_pdf_writer_add_blank_field (writer, question);
      else
        ct_pdf_writer_add_ruled_space (writer, question, 6);
      return;
    }

  if (kind == ANSWER_SHORT)
    ct_pdf_writer_add_field (writer, question, ct_document_or_not_recorded (answer));
  else
    {
      ct_pdf_writer_add_heading (writer, 2, question);
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, ct_document_or_not_recorded (answer));
    }
}

static void
add_time_answer (CtPdfWriter             *writer,
                 const CtRecordOfConcern *record,
                 const char              *question,
                 GDateTime               *when)
{
  g_autofree char *text = record->blank ? NULL : ct_document_format_datetime (when);

  add_answer (writer, record, ANSWER_SHORT, question, text);
}

/**
 * ct_document_render_record_of_concern:
 * @record: the record, or a blank form
 * @error: return location for a #GError
 *
 * Produces the record of concern form as an A4 PDF.
 *
 * Returns: (transfer full): the exact bytes of the PDF, or %NULL with @error set
 */
GBytes *
ct_document_render_record_of_concern (const CtRecordOfConcern  *record,
                                      GError                  **error)
{
  g_autoptr(CtPdfWriter) writer = NULL;
  g_autofree char *dob = NULL;
  g_autofree char *header = NULL;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ct_document_require (record->letterhead.name, _("the organisation’s name"), error))
    return NULL;

  if (!record->blank && ct_document_has_text (record->case_reference))
    header = g_strdup_printf (_("Record of a safeguarding concern — case %s"),
                              record->case_reference);
  else
    header = g_strdup (_("Record of a safeguarding concern"));

  writer = ct_document_writer_new (&record->letterhead, _("Record of a safeguarding concern"),
                                   record->blank ? _("Blank form for paper use") : header,
                                   header, record->recorded_at);

  ct_pdf_writer_add_title (writer, _("Record of a safeguarding concern"));

  if (record->blank)
    {
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_NOTE,
                                   _("Fill this in as soon as you can, in ink, and give it to "
                                     "the Designated Safeguarding Officer today. Write down what "
                                     "you saw and heard, not what you think it means. Where the "
                                     "child spoke, use their own words. Do not investigate or "
                                     "ask leading questions."));
    }
  else
    add_answer (writer, record, ANSWER_SHORT, _("Case reference"), record->case_reference);

  ct_pdf_writer_add_heading (writer, 1, _("Who is raising the concern"));
  add_answer (writer, record, ANSWER_SHORT, _("Name"), record->raised_by_name);
  add_answer (writer, record, ANSWER_SHORT, _("Role"), record->raised_by_role);
  add_time_answer (writer, record, _("When it was seen or heard"), record->concern_at);
  add_time_answer (writer, record, _("When this record was made"), record->recorded_at);
  add_answer (writer, record, ANSWER_LONG, _("How the concern came about"), record->how_it_arose);

  ct_pdf_writer_add_heading (writer, 1, _("The child"));
  add_answer (writer, record, ANSWER_SHORT, _("Name"), record->child_name);
  add_answer (writer, record, ANSWER_SHORT, _("Also known as"), record->child_aliases);
  dob = record->blank ? NULL : ct_document_format_date (record->child_date_of_birth);
  add_answer (writer, record, ANSWER_SHORT, _("Date of birth"), dob);
  add_answer (writer, record, ANSWER_SHORT, _("Address"), record->child_address);
  add_answer (writer, record, ANSWER_SHORT, _("School or setting"), record->child_school);

  ct_pdf_writer_add_heading (writer, 1, _("The concern"));
  add_answer (writer, record, ANSWER_LONG, _("What was seen or heard"), record->what_happened);
  if (record->blank)
    ct_pdf_writer_add_ruled_space (writer, _("What the child said, in their own words"), 6);
  else
    {
      ct_pdf_writer_add_heading (writer, 2, _("What the child said, in their own words"));
      if (ct_document_has_text (record->child_words))
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_QUOTE, record->child_words);
      else
        ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, _("Not recorded"));
    }
  add_answer (writer, record, ANSWER_LONG, _("Any injuries seen"), record->injuries);
  add_answer (writer, record, ANSWER_LONG, _("Anyone else who saw or heard it"), record->witnesses);
  add_answer (writer, record, ANSWER_LONG, _("What has been done so far"), record->action_taken);

  ct_pdf_writer_add_heading (writer, 1, _("Who has been told"));
  add_answer (writer, record, ANSWER_SHORT, _("Line manager"), record->line_manager);
  add_time_answer (writer, record, _("Line manager told on"), record->line_manager_told_at);
  add_answer (writer, record, ANSWER_SHORT, _("Designated Safeguarding Officer"), record->dso);
  add_time_answer (writer, record, _("DSO told on"), record->dso_told_at);

  if (record->blank)
    {
      ct_pdf_writer_add_heading (writer, 1, _("Signature"));
      ct_pdf_writer_add_blank_field (writer, _("Signed"));
      ct_pdf_writer_add_blank_field (writer, _("Date and time"));
    }

  return ct_pdf_writer_render (writer, NULL, error);
}

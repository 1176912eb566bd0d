/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-documents"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-document-samples.h"
#include "ct-documents.h"

/*
 * caretrail-admin letter: produce a document as a PDF file.
 *
 * Documents for a stored case (--case) need the case store, which this
 * command does not use yet; --sample produces the same documents from
 * fictional sample data so the layout can be checked.
 */

typedef enum
{
  KIND_REFERRAL_CONFIRMATION,
  KIND_RECORD_OF_CONCERN,
  KIND_BLANK_RECORD_OF_CONCERN,
  KIND_CHRONOLOGY,
  KIND_RECOVERY_SHEET,
  KIND_INVALID,
} DocumentKind;

static const struct
{
  const char *name;
  DocumentKind kind;
} kinds[] = {
  { "referral-confirmation", KIND_REFERRAL_CONFIRMATION },
  { "record-of-concern", KIND_RECORD_OF_CONCERN },
  { "blank-record-of-concern", KIND_BLANK_RECORD_OF_CONCERN },
  { "chronology", KIND_CHRONOLOGY },
  { "recovery-sheet", KIND_RECOVERY_SHEET },
};

static DocumentKind
parse_kind (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (name, kinds[i].name) == 0)
      return kinds[i].kind;

  return KIND_INVALID;
}

static GBytes *
render_sample (DocumentKind   kind,
               const char    *logo,
               const char    *closing,
               GError       **error)
{
  switch (kind)
    {
    case KIND_REFERRAL_CONFIRMATION:
      {
        CtReferralLetter letter = *ct_document_sample_referral_letter ();

        if (logo != NULL)
          letter.letterhead.logo_path = logo;
        if (closing != NULL)
          letter.closing_paragraph = closing;
        return ct_document_render_referral_letter (&letter, error);
      }

    case KIND_RECORD_OF_CONCERN:
    case KIND_BLANK_RECORD_OF_CONCERN:
      {
        CtRecordOfConcern record = *ct_document_sample_record_of_concern ();

        record.blank = kind == KIND_BLANK_RECORD_OF_CONCERN;
        if (logo != NULL)
          record.letterhead.logo_path = logo;
        return ct_document_render_record_of_concern (&record, error);
      }

    case KIND_CHRONOLOGY:
      {
        CtChronologyReport report = *ct_document_sample_chronology ();

        if (logo != NULL)
          report.letterhead.logo_path = logo;
        return ct_document_render_chronology (&report, error);
      }

    case KIND_RECOVERY_SHEET:
      return ct_document_render_recovery_sheet (ct_document_sample_recovery_sheet (), error);

    case KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

/**
 * ct_admin_cmd_letter:
 * @argc: argument count; argv[0] is "letter"
 * @argv: arguments
 *
 * Produces a letter or report as a PDF file.
 *
 * Returns: the exit status
 */
int
ct_admin_cmd_letter (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *case_ref = NULL;
  g_autofree char *kind_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *logo = NULL;
  g_autofree char *closing = NULL;
  gboolean sample = FALSE;
  DocumentKind kind;
  int status;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &case_ref,
      N_("The reference of the case the document is for"), N_("REF") },
    { "sample", 0, 0, G_OPTION_ARG_NONE, &sample,
      N_("Use fictional sample data instead of a case"), NULL },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
      N_("referral-confirmation (the default), record-of-concern, blank-record-of-concern, "
         "chronology or recovery-sheet"), N_("KIND") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The PDF file to write"), N_("FILE.pdf") },
    { "logo", 0, 0, G_OPTION_ARG_FILENAME, &logo,
      N_("A PNG logo for the letterhead (with --sample)"), N_("FILE.png") },
    { "closing", 0, 0, G_OPTION_ARG_STRING, &closing,
      N_("The organisation’s closing paragraph (with --sample)"), N_("TEXT") },
    { NULL }
  };

  context = g_option_context_new (_("— produce a letter or report as a PDF"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "letter", &argc, &argv);
  if (status != 0)
    return status;

  kind = parse_kind (kind_name != NULL ? kind_name : "referral-confirmation");
  if (kind == KIND_INVALID)
    {
      g_printerr (_("caretrail-admin letter: “%s” is not a kind of document. Use "
                    "referral-confirmation, record-of-concern, blank-record-of-concern, "
                    "chronology or recovery-sheet.\n"), kind_name);
      return 2;
    }

  if (output == NULL)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: say where to write the PDF with --output FILE.pdf."));
      return 2;
    }

  if (sample == (case_ref != NULL))
    {
      g_printerr ("%s\n", _("caretrail-admin letter: give either --case REF or --sample."));
      return 2;
    }

  if (case_ref != NULL)
    {
      /* Documents for a stored case need the case store. */
      g_printerr (_("caretrail-admin letter: documents for case “%s” cannot be produced "
                    "from the command line yet. Use the Caretrail app, or --sample to check "
                    "the layout.\n"), case_ref);
      return 1;
    }

  if (kind == KIND_RECOVERY_SHEET && (logo != NULL || closing != NULL))
    {
      g_printerr ("%s\n", _("caretrail-admin letter: the recovery sheet has no logo or closing paragraph."));
      return 2;
    }

  pdf = render_sample (kind, logo, closing, &error);
  if (pdf == NULL)
    {
      ct_admin_print_error ("letter", error);
      return 1;
    }

  /* Written whole to a temporary file and renamed, so an interrupted run
   * never leaves half a PDF under the requested name. */
  file = g_file_new_for_commandline_arg (output);
  if (!g_file_replace_contents (file, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, &error))
    {
      ct_admin_print_error ("letter", error);
      return 1;
    }

  return 0;
}

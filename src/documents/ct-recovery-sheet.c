/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-recovery-sheet"

#include "config.h"

#include "ct-recovery-sheet.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-crypto.h"
#include "ct-document-private.h"

#define GROUP_SIZE 4
#define GROUPS_PER_LINE 3


/**
 * ct_recovery_code_group:
 * @code: a recovery code
 *
 * Writes a recovery code the way it is easiest to copy by hand: upper case,
 * in groups of four separated by spaces, three groups to a line (the nine
 * groups of a recovery code make three lines). Anything
 * other than letters and digits is dropped.
 *
 * Returns: (transfer full): the grouped code; free it with ct_crypto_free_string()
 *   so that it is wiped first
 */
char *
ct_recovery_code_group (const char *code)
{
  GString *out;
  guint n = 0;

  g_return_val_if_fail (code != NULL, NULL);

  out = g_string_sized_new (strlen (code) * 2 + 1);
  for (const char *p = code; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        continue;

      if (n > 0 && n % (GROUP_SIZE * GROUPS_PER_LINE) == 0)
        g_string_append_c (out, '\n');
      else if (n > 0 && n % GROUP_SIZE == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, g_ascii_toupper (*p));
      n++;
    }

  /* Do not let a realloc leave a copy of the code behind: the buffer was
   * sized for the whole code up front. */
  return g_string_free (out, FALSE);
}

/**
 * ct_document_render_recovery_sheet:
 * @sheet: the code and what it opens
 * @error: return location for a #GError
 *
 * Produces the recovery sheet for the office safe. The PDF holds the code in
 * plain text: print it, and do not save it.
 *
 * Returns: (transfer full): the bytes of the PDF, or %NULL with @error set
 */
GBytes *
ct_document_render_recovery_sheet (const CtRecoverySheet  *sheet,
                                   GError                **error)
{
  g_autoptr(CtPdfWriter) writer = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *created = NULL;
  CtLetterhead letterhead = { 0 };
  char *grouped = NULL;
  gboolean has_code = FALSE;

  g_return_val_if_fail (sheet != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ct_document_require (sheet->organisation, _("the organisation’s name"), error)
      || !ct_document_require (sheet->database_id, _("the database identifier"), error))
    return NULL;

  for (const char *p = sheet->recovery_code; p != NULL && *p != '\0'; p++)
    has_code |= g_ascii_isalnum (*p);
  if (!has_code)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The recovery sheet cannot be produced because there is no recovery "
                     "code. Make a new recovery code and try again."));
      return NULL;
    }

  letterhead.name = sheet->organisation;
  created = ct_document_format_datetime (sheet->created != NULL ? sheet->created : now);
  writer = ct_document_writer_new (&letterhead, _("Caretrail recovery sheet"),
                                   _("Recovery code for the safeguarding database"),
                                   _("Caretrail recovery sheet"), sheet->created);

  ct_pdf_writer_add_title (writer, _("Recovery sheet for the safeguarding database"));
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_STRONG,
                               _("Keep this sheet in the office safe. Anyone who has it can "
                                 "open every safeguarding record in the database."));

  ct_pdf_writer_add_field (writer, _("Database"), sheet->database_id);
  ct_pdf_writer_add_field (writer, _("Code made on"), created);

  grouped = ct_recovery_code_group (sheet->recovery_code);
  ct_pdf_writer_add_heading (writer, 1, _("Recovery code"));
  ct_pdf_writer_add_code (writer, grouped, 20);
  ct_crypto_free_string (grouped);

  ct_pdf_writer_add_heading (writer, 1, _("When to use it"));
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                               _("Caretrail keeps the key to the database in this computer’s "
                                 "keyring. If that key is lost — the computer is replaced, the "
                                 "user account is removed, or the keyring is reset — the "
                                 "database can only be opened with this code."));

  ct_pdf_writer_add_heading (writer, 1, _("How to use it"));
  ct_pdf_writer_add_list_item (writer, _("Start Caretrail. When it says it cannot open the "
                                         "database, choose to use the recovery code."));
  ct_pdf_writer_add_list_item (writer, _("Type the code exactly as printed above. Spaces and "
                                         "capital letters do not matter."));
  ct_pdf_writer_add_list_item (writer, _("Once the database is open, make a new recovery "
                                         "code in Caretrail, put its sheet in the safe and "
                                         "shred this one."));

  ct_pdf_writer_add_heading (writer, 1, _("Keeping it safe"));
  ct_pdf_writer_add_list_item (writer, _("Do not photograph, scan, email or copy this sheet."));
  ct_pdf_writer_add_list_item (writer, _("Only the Designated Safeguarding Officer, the Deputy "
                                         "and the Safeguarding Board Member should have access "
                                         "to the safe."));
  ct_pdf_writer_add_list_item (writer, _("If you think someone else has seen the code, make a "
                                         "new one in Caretrail straight away."));

  ct_pdf_writer_add_heading (writer, 1, _("Record of safe keeping"));
  ct_pdf_writer_add_blank_field (writer, _("Put in the safe by"));
  ct_pdf_writer_add_blank_field (writer, _("Date"));

  return ct_pdf_writer_render (writer, NULL, error);
}

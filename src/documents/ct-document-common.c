/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-documents"

#include "config.h"

#include "ct-document-private.h"
#include "ct-format.h"

#include <glib/gi18n.h>

/*
 * Pieces every document shares: the writer with its letterhead and
 * metadata, and the way dates and missing values are written.
 */

gboolean
ct_document_has_text (const char *text)
{
  if (text == NULL)
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

const char *
ct_document_or_not_recorded (const char *text)
{
  return ct_document_has_text (text) ? text : _("Not recorded");
}

/* @what names the missing item in a sentence: "the organisation’s name". */
gboolean
ct_document_require (const char  *value,
                     const char  *what,
                     GError     **error)
{
  if (ct_document_has_text (value))
    return TRUE;

  g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
               _("The document cannot be produced because %s is missing. "
                 "Add it to the case or the settings and try again."),
               what);
  return FALSE;
}

char *
ct_document_format_date (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("Not recorded"));

  return ct_format_day (date);
}

char *
ct_document_format_datetime (GDateTime *date)
{
  if (date == NULL)
    return g_strdup (_("Not recorded"));

  return ct_format_day_and_time (date);
}

/**
 * ct_document_writer_new:
 * @letterhead: (nullable): the organisation's letterhead
 * @title: the document title, for the metadata
 * @subject: (nullable): the subject, for the metadata
 * @running_header: (nullable): the line at the top of later pages
 * @created: (nullable): the creation date for the metadata
 *
 * Returns: (transfer full): a writer set up the way every document starts
 */
CtPdfWriter *
ct_document_writer_new (const CtLetterhead *letterhead,
                        const char         *title,
                        const char         *subject,
                        const char         *running_header,
                        GDateTime          *created)
{
  CtPdfWriter *writer = ct_pdf_writer_new ();
  const char *author = NULL;

  if (letterhead != NULL && ct_document_has_text (letterhead->name))
    {
      g_autoptr(GString) details = g_string_new (NULL);

      if (ct_document_has_text (letterhead->address))
        g_string_append (details, letterhead->address);
      if (ct_document_has_text (letterhead->phone))
        {
          if (details->len > 0)
            g_string_append_c (details, '\n');
          /* Translators: the telephone line of the letterhead. */
          g_string_append_printf (details, _("Telephone %s"), letterhead->phone);
        }
      if (ct_document_has_text (letterhead->email))
        g_string_append_printf (details, "%s%s", details->len ? "\n" : "", letterhead->email);

      ct_pdf_writer_set_letterhead (writer, letterhead->name,
                                    details->len ? details->str : NULL,
                                    letterhead->logo_path);
      author = letterhead->name;
    }

  ct_pdf_writer_set_metadata (writer, title, author, subject,
                              _("safeguarding; OFFICIAL-SENSITIVE"), created);
  ct_pdf_writer_set_running_header (writer, running_header);

  return writer;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-chronology-report"

#include "config.h"

#include "ct-chronology-report.h"

#include <glib/gi18n.h>

#include "ct-document-private.h"

/* Lays out the chronology, ready to render on its own or in a pack. */
CtPdfWriter *
ct_document_build_chronology (const CtChronologyReport  *report,
                              GError                   **error)
{
  static const double widths[] = { 0.6, 1.5, 1.5, 3.6, 2.4 };
  const char *titles[] = {
    C_("chronology column", "No."),
    C_("chronology column", "When"),
    C_("chronology column", "Who"),
    C_("chronology column", "What happened"),
    C_("chronology column", "Why"),
  };
  g_autoptr(CtPdfWriter) writer = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *header = NULL;
  g_autofree char *produced = NULL;
  GDateTime *produced_at;

  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ct_document_require (report->letterhead.name, _("the organisation’s name"), error)
      || !ct_document_require (report->case_reference, _("the case reference"), error))
    return NULL;

  for (guint i = 0; i < report->n_entries; i++)
    {
      const CtChronologyEntry *entry = &report->entries[i];

      if (entry->when == NULL || entry->corrects > i)
        {
          g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                       _("The chronology cannot be produced because entry %u has no time "
                         "or corrects an entry that does not come before it. Check the "
                         "case’s chronology and try again."),
                       i + 1);
          return NULL;
        }
    }

  produced_at = report->produced_at != NULL ? report->produced_at : now;
  produced = ct_document_format_datetime (produced_at);
  header = g_strdup_printf (_("Case chronology — case %s"), report->case_reference);

  writer = ct_document_writer_new (&report->letterhead, _("Case chronology"), header, header,
                                   produced_at);

  ct_pdf_writer_add_title (writer, _("Case chronology"));
  ct_pdf_writer_add_field (writer, _("Case reference"), report->case_reference);
  ct_pdf_writer_add_field (writer, _("About"), ct_document_or_not_recorded (report->children));
  ct_pdf_writer_add_field (writer, _("Produced on"), produced);
  if (ct_document_has_text (report->produced_by))
    ct_pdf_writer_add_field (writer, _("Produced by"), report->produced_by);
  ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_NOTE,
                               _("Entries are listed in the order they happened and are never "
                                 "changed. A mistake is put right by a later entry, shown "
                                 "shaded, that says which entry it corrects."));

  if (report->n_entries == 0)
    {
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY,
                                   _("Nothing has been recorded in this case yet."));
      return g_steal_pointer (&writer);
    }

  ct_pdf_writer_begin_table (writer, G_N_ELEMENTS (widths), widths, titles);
  for (guint i = 0; i < report->n_entries; i++)
    {
      const CtChronologyEntry *entry = &report->entries[i];
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      g_autofree char *when = ct_document_format_datetime (entry->when);
      g_autofree char *what = NULL;
      const char *cells[5];

      if (entry->corrects > 0)
        /* Translators: %u is the number of the entry being corrected. */
        what = g_strdup_printf (_("Correction to entry %u: %s"), entry->corrects,
                                ct_document_or_not_recorded (entry->what));
      else
        what = g_strdup (ct_document_or_not_recorded (entry->what));

      cells[0] = number;
      cells[1] = when;
      cells[2] = ct_document_or_not_recorded (entry->who);
      cells[3] = what;
      cells[4] = ct_document_has_text (entry->why) ? entry->why : "";
      ct_pdf_writer_add_table_row (writer, cells,
                                   entry->corrects > 0 ? CT_PDF_ROW_CORRECTION : CT_PDF_ROW_NONE);
    }
  ct_pdf_writer_end_table (writer);

  return g_steal_pointer (&writer);
}

/**
 * ct_document_render_chronology:
 * @report: the case and its entries, oldest first
 * @error: return location for a #GError
 *
 * Produces the case chronology as an A4 PDF: a table of when, who, what and
 * why, with corrections shown as corrections of the entry they put right.
 *
 * Returns: (transfer full): the exact bytes of the PDF, or %NULL with @error set
 */
GBytes *
ct_document_render_chronology (const CtChronologyReport  *report,
                               GError                   **error)
{
  g_autoptr(CtPdfWriter) writer = ct_document_build_chronology (report, error);

  if (writer == NULL)
    return NULL;
  return ct_pdf_writer_render (writer, NULL, error);
}

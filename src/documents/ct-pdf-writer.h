/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ct-document-error.h"

G_BEGIN_DECLS

/* A4 in PostScript points. */
#define CT_PDF_PAGE_WIDTH   595.2756
#define CT_PDF_PAGE_HEIGHT  841.8898

/* Body text lies inside these margins; the protective marking, the running
 * header and the page numbers lie in the band between the outer margin and
 * the body margin. No text is drawn outside the outer margin. */
#define CT_PDF_MARGIN_LEFT   56.6929  /* 20 mm */
#define CT_PDF_MARGIN_RIGHT  56.6929
#define CT_PDF_MARGIN_TOP    70.8661  /* 25 mm */
#define CT_PDF_MARGIN_BOTTOM 70.8661
#define CT_PDF_MARGIN_OUTER  28.3465  /* 10 mm */

/* A document longer than this is refused rather than produced. */
#define CT_PDF_MAX_PAGES 2000

/**
 * CtPdfTextStyle:
 * @CT_PDF_TEXT_BODY: ordinary paragraph text.
 * @CT_PDF_TEXT_QUOTE: words recorded as said, set off and italic.
 * @CT_PDF_TEXT_STRONG: bold paragraph.
 * @CT_PDF_TEXT_SMALL: small print.
 * @CT_PDF_TEXT_NOTE: small italic grey note, such as a form instruction.
 */
typedef enum
{
  CT_PDF_TEXT_BODY,
  CT_PDF_TEXT_QUOTE,
  CT_PDF_TEXT_STRONG,
  CT_PDF_TEXT_SMALL,
  CT_PDF_TEXT_NOTE,
} CtPdfTextStyle;

/**
 * CtPdfRowFlags:
 * @CT_PDF_ROW_NONE: nothing special.
 * @CT_PDF_ROW_CORRECTION: a table row that corrects an earlier one; drawn
 *   shaded and italic so it is seen as such.
 */
typedef enum
{
  CT_PDF_ROW_NONE = 0,
  CT_PDF_ROW_CORRECTION = 1 << 0,
} CtPdfRowFlags;

/* A CtPdfWriter lays out and draws one document. Make it, fill it and
 * render it on one thread (any thread: each has its own Pango context), and
 * do not share it between threads. */
#define CT_TYPE_PDF_WRITER (ct_pdf_writer_get_type ())

G_DECLARE_FINAL_TYPE (CtPdfWriter, ct_pdf_writer, CT, PDF_WRITER, GObject)

CtPdfWriter *ct_pdf_writer_new                 (void);

void         ct_pdf_writer_set_metadata        (CtPdfWriter    *self,
                                                const char     *title,
                                                const char     *author,
                                                const char     *subject,
                                                const char     *keywords,
                                                GDateTime      *created);
void         ct_pdf_writer_set_marking         (CtPdfWriter    *self,
                                                const char     *marking);
void         ct_pdf_writer_set_running_header  (CtPdfWriter    *self,
                                                const char     *text);
void         ct_pdf_writer_set_letterhead      (CtPdfWriter    *self,
                                                const char     *name,
                                                const char     *details,
                                                const char     *logo_path);

void         ct_pdf_writer_add_title           (CtPdfWriter    *self,
                                                const char     *text);
void         ct_pdf_writer_add_heading         (CtPdfWriter    *self,
                                                guint           level,
                                                const char     *text);
void         ct_pdf_writer_add_paragraph       (CtPdfWriter    *self,
                                                CtPdfTextStyle  style,
                                                const char     *text);
void         ct_pdf_writer_add_field           (CtPdfWriter    *self,
                                                const char     *label,
                                                const char     *value);
void         ct_pdf_writer_add_blank_field     (CtPdfWriter    *self,
                                                const char     *label);
void         ct_pdf_writer_add_list_item       (CtPdfWriter    *self,
                                                const char     *text);
void         ct_pdf_writer_add_columns         (CtPdfWriter    *self,
                                                const char     *left,
                                                const char     *right);
void         ct_pdf_writer_begin_table         (CtPdfWriter    *self,
                                                guint           n_columns,
                                                const double   *widths,
                                                const char    **titles);
void         ct_pdf_writer_add_table_row       (CtPdfWriter    *self,
                                                const char    **cells,
                                                CtPdfRowFlags   flags);
void         ct_pdf_writer_end_table           (CtPdfWriter    *self);
void         ct_pdf_writer_add_ruled_space     (CtPdfWriter    *self,
                                                const char     *label,
                                                guint           n_lines);
void         ct_pdf_writer_add_signature_block (CtPdfWriter    *self,
                                                const char     *lead_in,
                                                const char     *name,
                                                const char     *role,
                                                const char     *contact);
void         ct_pdf_writer_add_code            (CtPdfWriter    *self,
                                                const char     *text,
                                                double          size);
void         ct_pdf_writer_add_spacer          (CtPdfWriter    *self,
                                                double          points);
void         ct_pdf_writer_keep_with_next      (CtPdfWriter    *self);
void         ct_pdf_writer_add_page_break      (CtPdfWriter    *self);

GBytes      *ct_pdf_writer_render              (CtPdfWriter    *self,
                                                guint          *n_pages,
                                                GError        **error);
GBytes      *ct_pdf_writer_render_pack         (CtPdfWriter   **writers,
                                                guint           n_writers,
                                                guint          *n_pages,
                                                GError        **error);

char        *ct_pdf_text_sanitize              (const char     *text);

G_END_DECLS

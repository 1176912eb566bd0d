/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-pdf-writer"

#include "config.h"

#include "ct-pdf-writer.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

/*
 * A small layout engine for A4 documents.
 *
 * Content is appended as rows. A row has one or more cells side by side, each
 * a PangoLayout wrapped to its own width. Rows are cut into "lines" (line i of
 * a row is line i of every cell) and placed line by line, so a page can break
 * between two lines but never through one. Headings and other rows marked
 * keep-with-next only go on a page that also has room for the start of what
 * follows them. Placement is done once, before drawing, so the total page
 * count is known when "Page N of M" is drawn.
 */

#define BODY_WIDTH (CT_PDF_PAGE_WIDTH - CT_PDF_MARGIN_LEFT - CT_PDF_MARGIN_RIGHT)
#define BODY_TOP CT_PDF_MARGIN_TOP
#define BODY_BOTTOM (CT_PDF_PAGE_HEIGHT - CT_PDF_MARGIN_BOTTOM)

#define FIELD_LABEL_WIDTH 150.0
#define FIELD_GAP 12.0
#define TABLE_GAP 14.0
#define TABLE_PAD 3.0
#define RULED_LINE_HEIGHT 22.0
#define MIN_LINES_AT_FOOT 2

typedef enum
{
  ROW_TEXT,
  ROW_RULED,
  ROW_SPACER,
  ROW_PAGE_BREAK,
} RowKind;

/* A laid-out, measured piece of text. Blocks are shared: the same text in
 * the same font, width and alignment is laid out once per process and
 * reused, by any number of cells and documents, until the cache lets it go.
 * A block never changes once made. */
typedef struct
{
  gatomicrefcount ref_count;
  PangoLayout *layout;
  double height;                /* of the whole layout */
  guint n_lines;
  PangoLayoutLine **lines;
  double *line_height;
  double *line_baseline;
  double *line_x;
} TextBlock;

typedef struct
{
  TextBlock *text;
  double x;
  double width;
} Cell;

typedef struct
{
  RowKind kind;
  GArray *cells;                /* of Cell */
  guint n_lines;
  double *heights;              /* per row line, padding included */
  double *text_offsets;         /* where text starts inside a line slot */
  double *baselines;            /* shared baseline of the cells, per line */
  double rule_width;            /* ROW_RULED: length of the rules, 0 for full */
  double space_before;
  double space_after;
  double pad;                   /* table cell padding above and below */
  gboolean keep_with_next;
  gboolean keep_together;
  int header_row;               /* table header to repeat, or -1 */
  gboolean is_table_row;
  gboolean is_table_header;
  gboolean correction;
  gboolean quote_bar;
  gboolean fill_in;             /* a rule to write an answer on beside the label */
  const char *tag;
  guint outline_level;          /* 0 when not in the outline */
  char *outline_text;
} Row;

typedef struct
{
  guint row;
  guint first_line;
  guint n_lines;
  guint page;
  double y;
} Slice;

struct _CtPdfWriter
{
  GObject parent_instance;

  GArray *rows;                 /* of Row */
  int current_table_header;
  guint table_columns;
  double *table_widths;

  char *title;
  char *author;
  char *subject;
  char *keywords;
  GDateTime *created;
  char *marking;
  char *running_header;

  char *letterhead_name;
  char *letterhead_details;
  char *logo_path;
};

G_DEFINE_FINAL_TYPE (CtPdfWriter, ct_pdf_writer, G_TYPE_OBJECT)

/* Text is laid out with one font map and one Pango context for the whole
 * process, so fonts are found, opened and measured once however many
 * documents are made and on whichever threads. Pango font maps are not
 * thread-safe: every use of the context, and of anything laid out with it,
 * happens with text_lock held. The lock is recursive so that a function
 * holding it may call another that takes it. */
static GRecMutex text_lock;
static PangoContext *text_context;

/* Laid-out text kept for reuse, keyed by font, width, alignment and text.
 * Only short texts are kept (labels, headings, dates, the sentences every
 * letter has); long ones rarely come again and would only use memory. */
#define TEXT_CACHE_MAX_TEXT 320
#define TEXT_CACHE_MAX_ENTRIES 1024
static GHashTable *text_cache;

static void
text_lock_acquire (void)
{
  g_rec_mutex_lock (&text_lock);
}

static void
text_lock_release (void)
{
  g_rec_mutex_unlock (&text_lock);
}

/* Holds text_lock until the end of the enclosing scope. */
#define TEXT_LOCKED() \
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) text_locker_ = g_rec_mutex_locker_new (&text_lock)

static PangoContext *
get_text_context (void)
{
  PangoFontMap *map;
  cairo_font_options_t *options;

  if (text_context != NULL)
    return text_context;

  /* Pango measures each font it loads (its average character width) with
   * a layout of its own, on a new context of the same font map, asking for
   * the font by its real family name and its size in device units. With
   * the font map at the resolution used here, and the text asking for that
   * family by name (see resolve_font_family()), those layouts find the
   * fonts already loaded instead of matching and loading every font a
   * second time. */
  map = pango_cairo_font_map_new ();
  pango_cairo_font_map_set_resolution (PANGO_CAIRO_FONT_MAP (map), 72.0);
  text_context = pango_font_map_create_context (map);
  g_object_unref (map);

  /* Lay text out in PDF points with unhinted metrics, so that what is
   * measured is exactly what is drawn on the PDF surface. */
  pango_cairo_context_set_resolution (text_context, 72.0);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (text_context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (text_context, FALSE);

  return text_context;
}

/* The documents ask for generic families ("Sans", "Monospace"). Each
 * generic family, weight and style is looked up once and replaced by the
 * family of the font it finds, such as "Noto Sans": the same font is
 * chosen, with the same fallback fonts after it (the real family is already
 * first in the generic family's list), and fonts are loaded once rather
 * than twice (see get_text_context()). Call with text_lock held. */
static void
resolve_font_family (PangoFontDescription *desc)
{
  static GHashTable *resolved;
  g_autoptr(PangoFontDescription) style = pango_font_description_copy (desc);
  g_autofree char *key = NULL;
  const char *family;

  pango_font_description_unset_fields (style, PANGO_FONT_MASK_SIZE);
  key = pango_font_description_to_string (style);

  if (resolved == NULL)
    resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  family = g_hash_table_lookup (resolved, key);
  if (family == NULL)
    {
      g_autoptr(PangoFont) font = NULL;

      pango_font_description_set_size (style, 10 * PANGO_SCALE);
      font = pango_context_load_font (get_text_context (), style);
      if (font != NULL)
        {
          g_autoptr(PangoFontDescription) found = pango_font_describe (font);

          if (pango_font_description_get_family (found) != NULL)
            family = g_intern_string (pango_font_description_get_family (found));
        }
      if (family == NULL)
        family = g_intern_string (pango_font_description_get_family (desc));
      g_hash_table_insert (resolved, g_steal_pointer (&key), (gpointer) family);
    }

  pango_font_description_set_family_static (desc, family);
}

static void
replace_str (char       **field,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static void text_block_unref (TextBlock *block);

static void
cell_clear (Cell *cell)
{
  g_clear_pointer (&cell->text, text_block_unref);
}

static void
row_clear (gpointer data)
{
  Row *row = data;

  if (row->cells != NULL)
    {
      for (guint i = 0; i < row->cells->len; i++)
        cell_clear (&g_array_index (row->cells, Cell, i));
      g_array_unref (row->cells);
    }
  g_free (row->heights);
  g_free (row->text_offsets);
  g_free (row->baselines);
  g_free (row->outline_text);
}

static void
ct_pdf_writer_finalize (GObject *object)
{
  CtPdfWriter *self = CT_PDF_WRITER (object);

  /* Letting go of laid-out text may release fonts held by the font map. */
  text_lock_acquire ();
  g_clear_pointer (&self->rows, g_array_unref);
  text_lock_release ();
  g_clear_pointer (&self->table_widths, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->keywords, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->marking, g_free);
  g_clear_pointer (&self->running_header, g_free);
  g_clear_pointer (&self->letterhead_name, g_free);
  g_clear_pointer (&self->letterhead_details, g_free);
  g_clear_pointer (&self->logo_path, g_free);

  G_OBJECT_CLASS (ct_pdf_writer_parent_class)->finalize (object);
}

static void
ct_pdf_writer_class_init (CtPdfWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_pdf_writer_finalize;
}

static void
ct_pdf_writer_init (CtPdfWriter *self)
{
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_array_set_clear_func (self->rows, row_clear);
  self->current_table_header = -1;
  self->marking = g_strdup ("OFFICIAL-SENSITIVE");
}

/**
 * ct_pdf_writer_new:
 *
 * Creates an empty A4 document.
 *
 * Returns: (transfer full): a new #CtPdfWriter
 */
CtPdfWriter *
ct_pdf_writer_new (void)
{
  return g_object_new (CT_TYPE_PDF_WRITER, NULL);
}

/**
 * ct_pdf_text_sanitize:
 * @text: (nullable): text from a record
 *
 * Makes text safe to lay out: invalid UTF-8 is repaired, line endings become
 * "\n", tabs become spaces and any other control character becomes U+FFFD so
 * that its presence stays visible.
 *
 * Returns: (transfer full): the cleaned text
 */
char *
ct_pdf_text_sanitize (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        {
          if (p[1] != '\n')
            g_string_append_c (out, '\n');
        }
      else if (c == '\n')
        g_string_append_c (out, '\n');
      else if (c == '\t')
        g_string_append_c (out, ' ');
      else if (c == 0x2028 || c == 0x2029)
        g_string_append_c (out, '\n');
      else if (c < 0x20 || (c >= 0x7f && c < 0xa0))
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Call with text_lock held. @clean is text already sanitised. */
static PangoLayout *
create_layout_clean (const char     *font,
                     const char     *clean,
                     double          width,
                     PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (get_text_context ());
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);
  PangoAttrList *attrs = pango_attr_list_new ();

  resolve_font_family (desc);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  /* Break inside a word when it is wider than the column, so nothing ever
   * runs into the margin; no hyphen is added, so the text can be copied
   * back out exactly. */
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_auto_dir (layout, TRUE);
  pango_layout_set_line_spacing (layout, 1.2);
  pango_attr_list_insert (attrs, pango_attr_insert_hyphens_new (FALSE));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, clean, -1);

  return layout;
}

/* Call with text_lock held. */
static PangoLayout *
create_layout (const char     *font,
               const char     *text,
               double          width,
               PangoAlignment  alignment)
{
  g_autofree char *clean = ct_pdf_text_sanitize (text);

  return create_layout_clean (font, clean, width, alignment);
}

static TextBlock *
text_block_ref (TextBlock *block)
{
  g_atomic_ref_count_inc (&block->ref_count);
  return block;
}

/* Call with text_lock held: the last reference lets go of the layout. */
static void
text_block_unref (TextBlock *block)
{
  if (!g_atomic_ref_count_dec (&block->ref_count))
    return;

  for (guint i = 0; i < block->n_lines; i++)
    pango_layout_line_unref (block->lines[i]);
  g_free (block->lines);
  g_free (block->line_height);
  g_free (block->line_baseline);
  g_free (block->line_x);
  g_object_unref (block->layout);
  g_free (block);
}

/* Lays @layout out and measures each of its lines, once; takes @layout.
 * Call with text_lock held. */
static TextBlock *
text_block_new (PangoLayout *layout)
{
  TextBlock *block = g_new0 (TextBlock, 1);
  PangoLayoutIter *iter;
  GSList *lines;
  guint i = 0;
  int w, h;

  g_atomic_ref_count_init (&block->ref_count);
  block->layout = layout;
  block->n_lines = pango_layout_get_line_count (layout);
  block->lines = g_new0 (PangoLayoutLine *, block->n_lines);
  block->line_height = g_new0 (double, block->n_lines);
  block->line_baseline = g_new0 (double, block->n_lines);
  block->line_x = g_new0 (double, block->n_lines);
  pango_layout_get_size (layout, &w, &h);
  block->height = (double) h / PANGO_SCALE;

  lines = pango_layout_get_lines_readonly (layout);
  for (GSList *l = lines; l != NULL && i < block->n_lines; l = l->next, i++)
    block->lines[i] = pango_layout_line_ref (l->data);

  iter = pango_layout_get_iter (layout);
  i = 0;
  do
    {
      PangoRectangle logical;
      int y0, y1;

      if (i >= block->n_lines)
        break;

      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      block->line_height[i] = (double) (y1 - y0) / PANGO_SCALE;
      block->line_baseline[i] = (double) (pango_layout_iter_get_baseline (iter) - y0) / PANGO_SCALE;
      block->line_x[i] = (double) logical.x / PANGO_SCALE;
      i++;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  return block;
}

/* Returns laid-out text, from the cache when the same text was laid out the
 * same way before. Call with text_lock held. */
static TextBlock *
lookup_text_block (const char     *font,
                   const char     *text,
                   double          width,
                   PangoAlignment  alignment)
{
  g_autofree char *clean = ct_pdf_text_sanitize (text);
  g_autofree char *key = NULL;
  TextBlock *block;

  if (strlen (clean) > TEXT_CACHE_MAX_TEXT)
    return text_block_new (create_layout_clean (font, clean, width, alignment));

  /* The width in Pango units is what the layout is given, so two widths
   * that round the same way lay the text out the same way. */
  key = g_strdup_printf ("%s\037%d\037%d\037%s", font, (int) (width * PANGO_SCALE),
                         (int) alignment, clean);
  if (text_cache == NULL)
    text_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) text_block_unref);

  block = g_hash_table_lookup (text_cache, key);
  if (block != NULL)
    return text_block_ref (block);

  /* Documents in use keep their own references, so emptying the cache
   * only means laying some text out again. */
  if (g_hash_table_size (text_cache) >= TEXT_CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (text_cache);

  block = text_block_new (create_layout_clean (font, clean, width, alignment));
  g_hash_table_insert (text_cache, g_steal_pointer (&key), text_block_ref (block));

  return block;
}

static Row *
append_row (CtPdfWriter *self,
            RowKind      kind)
{
  Row row = { 0 };

  row.kind = kind;
  row.header_row = -1;
  row.tag = "P";
  g_array_append_val (self->rows, row);

  return &g_array_index (self->rows, Row, self->rows->len - 1);
}

static void
row_add_cell (CtPdfWriter    *self,
              Row            *row,
              const char     *font,
              const char     *text,
              double          x,
              double          width,
              PangoAlignment  alignment)
{
  Cell cell = { 0 };
  TEXT_LOCKED ();

  if (row->cells == NULL)
    row->cells = g_array_new (FALSE, TRUE, sizeof (Cell));

  cell.text = lookup_text_block (font, text, width, alignment);
  cell.x = x;
  cell.width = width;
  g_array_append_val (row->cells, cell);
}

/* Works out the height of every line of a text row from its cells. */
static void
row_finish (Row *row)
{
  guint n = 0;

  for (guint c = 0; c < row->cells->len; c++)
    n = MAX (n, g_array_index (row->cells, Cell, c).text->n_lines);

  row->n_lines = n;
  row->heights = g_new0 (double, n);
  row->text_offsets = g_new0 (double, n);
  row->baselines = g_new0 (double, n);

  /* Cells side by side share a baseline, even in different fonts. */
  for (guint i = 0; i < n; i++)
    {
      double ascent = 0, descent = 0;

      for (guint c = 0; c < row->cells->len; c++)
        {
          Cell *cell = &g_array_index (row->cells, Cell, c);

          if (i < cell->text->n_lines)
            {
              ascent = MAX (ascent, cell->text->line_baseline[i]);
              descent = MAX (descent, cell->text->line_height[i] - cell->text->line_baseline[i]);
            }
        }
      row->baselines[i] = ascent;
      row->heights[i] = ascent + descent;
    }

  if (n > 0 && row->pad > 0)
    {
      row->heights[0] += row->pad;
      row->text_offsets[0] = row->pad;
      row->heights[n - 1] += row->pad;
    }
}

void
ct_pdf_writer_set_metadata (CtPdfWriter *self,
                            const char  *title,
                            const char  *author,
                            const char  *subject,
                            const char  *keywords,
                            GDateTime   *created)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));

  replace_str (&self->title, title);
  replace_str (&self->author, author);
  replace_str (&self->subject, subject);
  replace_str (&self->keywords, keywords);
  g_clear_pointer (&self->created, g_date_time_unref);
  if (created != NULL)
    self->created = g_date_time_ref (created);
}

/**
 * ct_pdf_writer_set_marking:
 * @self: a #CtPdfWriter
 * @marking: (nullable): the protective marking, or %NULL for none
 *
 * Sets the marking drawn at the top and bottom of every page. It is
 * "OFFICIAL-SENSITIVE" unless changed.
 */
void
ct_pdf_writer_set_marking (CtPdfWriter *self,
                           const char  *marking)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));
  replace_str (&self->marking, marking);
}

/**
 * ct_pdf_writer_set_running_header:
 * @self: a #CtPdfWriter
 * @text: (nullable): a short line shown at the top of every page after the
 *   first, such as the document title and reference
 */
void
ct_pdf_writer_set_running_header (CtPdfWriter *self,
                                  const char  *text)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));
  replace_str (&self->running_header, text);
}

/**
 * ct_pdf_writer_set_letterhead:
 * @self: a #CtPdfWriter
 * @name: the organisation's name
 * @details: (nullable): address and contact lines, separated by newlines
 * @logo_path: (nullable): a PNG file drawn at the top right of the first page
 *
 * Gives the first page a letterhead.
 */
void
ct_pdf_writer_set_letterhead (CtPdfWriter *self,
                              const char  *name,
                              const char  *details,
                              const char  *logo_path)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));

  replace_str (&self->letterhead_name, name);
  replace_str (&self->letterhead_details, details);
  replace_str (&self->logo_path, logo_path);
}

void
ct_pdf_writer_add_title (CtPdfWriter *self,
                         const char  *text)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->tag = "H1";
  row->space_before = 6;
  row->space_after = 10;
  row->keep_with_next = TRUE;
  row_add_cell (self, row, "Sans Bold 15", text, 0, BODY_WIDTH, PANGO_ALIGN_LEFT);
  row_finish (row);
}

/**
 * ct_pdf_writer_add_heading:
 * @self: a #CtPdfWriter
 * @level: 1 for a section, 2 for a subsection
 * @text: the heading
 *
 * Adds a heading. It is listed in the PDF outline and is never left at the
 * foot of a page without the text that follows it.
 */
void
ct_pdf_writer_add_heading (CtPdfWriter *self,
                           guint        level,
                           const char  *text)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  level = CLAMP (level, 1, 2);
  row = append_row (self, ROW_TEXT);
  row->tag = level == 1 ? "H2" : "H3";
  row->space_before = level == 1 ? 14 : 8;
  row->space_after = level == 1 ? 5 : 3;
  row->keep_with_next = TRUE;
  row->keep_together = TRUE;
  row->outline_level = level;
  row->outline_text = ct_pdf_text_sanitize (text);
  row_add_cell (self, row, level == 1 ? "Sans Bold 11.5" : "Sans Bold 10",
                text, 0, BODY_WIDTH, PANGO_ALIGN_LEFT);
  row_finish (row);
}

void
ct_pdf_writer_add_paragraph (CtPdfWriter    *self,
                             CtPdfTextStyle  style,
                             const char     *text)
{
  const char *font = "Sans 10";
  double x = 0;
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->space_after = 6;

  switch (style)
    {
    case CT_PDF_TEXT_QUOTE:
      font = "Sans Italic 10";
      x = 16;
      row->quote_bar = TRUE;
      break;
    case CT_PDF_TEXT_STRONG:
      font = "Sans Bold 10";
      break;
    case CT_PDF_TEXT_SMALL:
      font = "Sans 8.5";
      break;
    case CT_PDF_TEXT_NOTE:
      font = "Sans Italic 8.5";
      row->space_after = 3;
      break;
    case CT_PDF_TEXT_BODY:
    default:
      break;
    }

  row_add_cell (self, row, font, text, x, BODY_WIDTH - x, PANGO_ALIGN_LEFT);
  row_finish (row);
}

/**
 * ct_pdf_writer_add_field:
 * @self: a #CtPdfWriter
 * @label: what the value is
 * @value: (nullable): the value
 *
 * Adds a labelled row: the label on the left, the value beside it.
 */
void
ct_pdf_writer_add_field (CtPdfWriter *self,
                         const char  *label,
                         const char  *value)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->space_after = 3;
  row_add_cell (self, row, "Sans Bold 9.5", label, 0, FIELD_LABEL_WIDTH, PANGO_ALIGN_LEFT);
  row_add_cell (self, row, "Sans 10", value, FIELD_LABEL_WIDTH + FIELD_GAP,
                BODY_WIDTH - FIELD_LABEL_WIDTH - FIELD_GAP, PANGO_ALIGN_LEFT);
  row_finish (row);
}

/**
 * ct_pdf_writer_add_blank_field:
 * @self: a #CtPdfWriter
 * @label: what is to be written
 *
 * Adds a label with a rule beside it to write the answer on, for forms
 * printed blank.
 */
void
ct_pdf_writer_add_blank_field (CtPdfWriter *self,
                               const char  *label)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->space_before = 6;
  row->space_after = 3;
  row->fill_in = TRUE;
  row->pad = 4;
  row_add_cell (self, row, "Sans Bold 9.5", label, 0, FIELD_LABEL_WIDTH, PANGO_ALIGN_LEFT);
  row_finish (row);
}

void
ct_pdf_writer_add_list_item (CtPdfWriter *self,
                             const char  *text)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->space_after = 3;
  row_add_cell (self, row, "Sans 10", "•", 6, 10, PANGO_ALIGN_LEFT);
  row_add_cell (self, row, "Sans 10", text, 20, BODY_WIDTH - 20, PANGO_ALIGN_LEFT);
  row_finish (row);
}

/**
 * ct_pdf_writer_add_columns:
 * @self: a #CtPdfWriter
 * @left: (nullable): text for the left column, such as an address
 * @right: (nullable): text for the right column, such as dates and references
 */
void
ct_pdf_writer_add_columns (CtPdfWriter *self,
                           const char  *left,
                           const char  *right)
{
  const double left_width = BODY_WIDTH * 0.56;
  const double right_x = BODY_WIDTH * 0.60;
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_TEXT);
  row->space_after = 14;
  row->keep_together = TRUE;
  row_add_cell (self, row, "Sans 10", left, 0, left_width, PANGO_ALIGN_LEFT);
  row_add_cell (self, row, "Sans 9.5", right, right_x, BODY_WIDTH - right_x, PANGO_ALIGN_LEFT);
  row_finish (row);
}

static void
add_table_cells (CtPdfWriter  *self,
                 Row          *row,
                 const char  **cells,
                 const char   *font)
{
  double x = 0;

  for (guint c = 0; c < self->table_columns; c++)
    {
      double width = self->table_widths[c] * BODY_WIDTH;

      row_add_cell (self, row, font, cells[c], x + TABLE_GAP / 2,
                    width - TABLE_GAP, PANGO_ALIGN_LEFT);
      x += width;
    }
}

/**
 * ct_pdf_writer_begin_table:
 * @self: a #CtPdfWriter
 * @n_columns: number of columns
 * @widths: (array length=n_columns): the share of the width each column takes
 * @titles: (array length=n_columns): column titles
 *
 * Starts a table. Its title row is repeated at the top of every page the
 * table continues on.
 */
void
ct_pdf_writer_begin_table (CtPdfWriter  *self,
                           guint         n_columns,
                           const double *widths,
                           const char  **titles)
{
  double total = 0;
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));
  g_return_if_fail (n_columns > 0 && widths != NULL && titles != NULL);

  g_clear_pointer (&self->table_widths, g_free);
  self->table_widths = g_new0 (double, n_columns);
  self->table_columns = n_columns;
  for (guint c = 0; c < n_columns; c++)
    total += widths[c];
  for (guint c = 0; c < n_columns; c++)
    self->table_widths[c] = widths[c] / total;

  row = append_row (self, ROW_TEXT);
  row->is_table_row = TRUE;
  row->is_table_header = TRUE;
  row->keep_with_next = TRUE;
  row->keep_together = TRUE;
  row->pad = TABLE_PAD;
  row->space_before = 4;
  add_table_cells (self, row, titles, "Sans Bold 9");
  row_finish (row);

  self->current_table_header = self->rows->len - 1;
}

void
ct_pdf_writer_add_table_row (CtPdfWriter   *self,
                             const char   **cells,
                             CtPdfRowFlags  flags)
{
  gboolean correction = (flags & CT_PDF_ROW_CORRECTION) != 0;
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));
  g_return_if_fail (self->current_table_header >= 0);

  row = append_row (self, ROW_TEXT);
  row->is_table_row = TRUE;
  row->header_row = self->current_table_header;
  row->correction = correction;
  row->pad = TABLE_PAD;
  add_table_cells (self, row, cells, correction ? "Sans Italic 9" : "Sans 9");
  row_finish (row);
}

void
ct_pdf_writer_end_table (CtPdfWriter *self)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));

  self->current_table_header = -1;
  ct_pdf_writer_add_spacer (self, 8);
}

/**
 * ct_pdf_writer_add_ruled_space:
 * @self: a #CtPdfWriter
 * @label: (nullable): what to write in the space
 * @n_lines: number of ruled lines for handwriting
 *
 * Adds ruled lines for filling in by hand, as on a blank paper form.
 */
void
ct_pdf_writer_add_ruled_space (CtPdfWriter *self,
                               const char  *label,
                               guint        n_lines)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  if (label != NULL)
    {
      row = append_row (self, ROW_TEXT);
      row->keep_with_next = TRUE;
      row->space_before = 4;
      row_add_cell (self, row, "Sans Bold 9.5", label, 0, BODY_WIDTH, PANGO_ALIGN_LEFT);
      row_finish (row);
    }

  row = append_row (self, ROW_RULED);
  row->space_after = 6;
  row->n_lines = MAX (n_lines, 1);
  row->heights = g_new0 (double, row->n_lines);
  row->text_offsets = g_new0 (double, row->n_lines);
  for (guint i = 0; i < row->n_lines; i++)
    row->heights[i] = RULED_LINE_HEIGHT;
}

/**
 * ct_pdf_writer_add_signature_block:
 * @self: a #CtPdfWriter
 * @lead_in: (nullable): a closing line such as "Yours faithfully,"
 * @name: (nullable): who signs
 * @role: (nullable): their role
 * @contact: (nullable): how to reach them directly
 *
 * Adds a signature block that is kept whole on one page.
 */
void
ct_pdf_writer_add_signature_block (CtPdfWriter *self,
                                   const char  *lead_in,
                                   const char  *name,
                                   const char  *role,
                                   const char  *contact)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  if (lead_in != NULL)
    {
      row = append_row (self, ROW_TEXT);
      row->space_before = 10;
      row->keep_with_next = TRUE;
      row_add_cell (self, row, "Sans 10", lead_in, 0, BODY_WIDTH, PANGO_ALIGN_LEFT);
      row_finish (row);
    }

  /* Room for a handwritten signature above a rule. */
  row = append_row (self, ROW_RULED);
  row->keep_with_next = TRUE;
  row->n_lines = 1;
  row->heights = g_new0 (double, 1);
  row->text_offsets = g_new0 (double, 1);
  row->heights[0] = 34;
  row->rule_width = BODY_WIDTH * 0.45;
  row->space_after = 4;

  row = append_row (self, ROW_TEXT);
  row->keep_together = TRUE;
  row->space_after = 8;
  {
    g_autoptr(GString) text = g_string_new (NULL);

    if (name != NULL)
      g_string_append (text, name);
    if (role != NULL)
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", role);
    if (contact != NULL)
      g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", contact);
    row_add_cell (self, row, "Sans 10", text->str, 0, BODY_WIDTH * 0.6, PANGO_ALIGN_LEFT);
  }
  row_finish (row);
}

/**
 * ct_pdf_writer_add_code:
 * @self: a #CtPdfWriter
 * @text: text to show large in a monospace font, centred
 * @size: font size in points
 */
void
ct_pdf_writer_add_code (CtPdfWriter *self,
                        const char  *text,
                        double       size)
{
  g_autofree char *font = NULL;
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  font = g_strdup_printf ("Monospace Bold %g", CLAMP (size, 6.0, 48.0));
  row = append_row (self, ROW_TEXT);
  row->space_before = 10;
  row->space_after = 10;
  row->keep_together = TRUE;
  row->pad = 10;
  row->is_table_row = TRUE;
  row_add_cell (self, row, font, text, 0, BODY_WIDTH, PANGO_ALIGN_CENTER);
  row_finish (row);
}

void
ct_pdf_writer_add_spacer (CtPdfWriter *self,
                          double       points)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));

  row = append_row (self, ROW_SPACER);
  row->space_after = MAX (points, 0);
}

/**
 * ct_pdf_writer_keep_with_next:
 * @self: a #CtPdfWriter
 *
 * Keeps the block added last whole and on the same page as the next one,
 * such as a letter's last paragraph with its signature.
 */
void
ct_pdf_writer_keep_with_next (CtPdfWriter *self)
{
  Row *row;

  g_return_if_fail (CT_IS_PDF_WRITER (self));
  g_return_if_fail (self->rows->len > 0);

  row = &g_array_index (self->rows, Row, self->rows->len - 1);
  row->keep_with_next = TRUE;
}

void
ct_pdf_writer_add_page_break (CtPdfWriter *self)
{
  g_return_if_fail (CT_IS_PDF_WRITER (self));

  append_row (self, ROW_PAGE_BREAK);
}

/* Placement ------------------------------------------------------------- */

typedef struct
{
  CtPdfWriter *self;
  GArray *slices;
  guint page;
  double y;
  double first_page_top;
} Placer;

static double
page_top (Placer *placer)
{
  return placer->page == 0 ? placer->first_page_top : BODY_TOP;
}

static double
row_height (Row *row)
{
  double h = 0;

  for (guint i = 0; i < row->n_lines; i++)
    h += row->heights[i];

  return h;
}

/* The room a row needs at the foot of a page before it may start there: all
 * of it when it must stay whole or stay with what follows, otherwise its
 * first few lines. */
static double
row_needed (CtPdfWriter *self,
            guint        index,
            guint        depth)
{
  Row *row = &g_array_index (self->rows, Row, index);
  double need = 0;

  if (row->kind == ROW_SPACER || row->kind == ROW_PAGE_BREAK)
    return 0;

  /* A long block cannot be kept whole: it only needs room to start. */
  if ((row->keep_together || row->keep_with_next)
      && row_height (row) <= (BODY_BOTTOM - BODY_TOP) / 3)
    need = row_height (row);
  else
    for (guint i = 0; i < MIN (row->n_lines, MIN_LINES_AT_FOOT); i++)
      need += row->heights[i];

  if (row->keep_with_next && depth < 8 && index + 1 < self->rows->len)
    {
      Row *next = &g_array_index (self->rows, Row, index + 1);

      if (next->kind != ROW_PAGE_BREAK)
        need += row->space_after + next->space_before + row_needed (self, index + 1, depth + 1);
    }

  return need;
}

static gboolean
new_page (Placer  *placer,
          GError **error)
{
  placer->page++;
  placer->y = page_top (placer);

  if (placer->page >= CT_PDF_MAX_PAGES)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_TOO_LONG,
                   _("The document would be longer than %d pages, so it was not produced. "
                     "Shorten the text in the record and try again."),
                   CT_PDF_MAX_PAGES);
      return FALSE;
    }

  return TRUE;
}

static void
emit_slice (Placer *placer,
            guint   row,
            guint   first,
            guint   n)
{
  Slice slice = { row, first, n, placer->page, placer->y };
  Row *r = &g_array_index (placer->self->rows, Row, row);

  g_array_append_val (placer->slices, slice);
  for (guint i = first; i < first + n; i++)
    placer->y += r->heights[i];
}

static gboolean
place_rows (Placer  *placer,
            GError **error)
{
  CtPdfWriter *self = placer->self;
  const double epsilon = 0.001;

  for (guint r = 0; r < self->rows->len; r++)
    {
      Row *row = &g_array_index (self->rows, Row, r);
      gboolean at_top = placer->y <= page_top (placer) + epsilon;
      guint i = 0;

      if (row->kind == ROW_PAGE_BREAK)
        {
          if (!at_top && !new_page (placer, error))
            return FALSE;
          continue;
        }

      if (row->kind == ROW_SPACER)
        {
          /* Space is dropped at the top of a page. */
          if (!at_top)
            placer->y = MIN (placer->y + row->space_after, BODY_BOTTOM);
          continue;
        }

      if (!at_top)
        placer->y += row->space_before;

      if (!at_top && placer->y + row_needed (self, r, 0) > BODY_BOTTOM + epsilon)
        {
          if (!new_page (placer, error))
            return FALSE;
        }

      while (i < row->n_lines)
        {
          guint j = i;
          double y = placer->y;

          at_top = placer->y <= page_top (placer) + epsilon;

          /* A table continued on a new page gets its title row again. */
          if (at_top && row->header_row >= 0 && (i > 0 || r > 0))
            {
              Row *header = &g_array_index (self->rows, Row, row->header_row);

              emit_slice (placer, row->header_row, 0, header->n_lines);
              y = placer->y;
            }

          while (j < row->n_lines && y + row->heights[j] <= BODY_BOTTOM + epsilon)
            y += row->heights[j++];

          /* A line taller than a whole page can only be drawn as it is. */
          if (j == i && placer->y <= page_top (placer) + 50)
            j = i + 1;

          /* Do not leave a single line of a long paragraph alone at the top
           * of the next page. */
          if (j < row->n_lines && j - i >= 3 && row->n_lines - j == 1)
            j--;

          if (j > i)
            emit_slice (placer, r, i, j - i);
          i = j;

          if (i < row->n_lines && !new_page (placer, error))
            return FALSE;
        }

      placer->y += row->space_after;
    }

  return TRUE;
}

/* Drawing --------------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  cairo_t *cr;
  guint first_page;             /* of this writer's pages, in the whole file */
  guint n_pages;                /* in the whole file */
  int outline_parent;
  cairo_surface_t *logo;
  double logo_width;
  double logo_height;
  TextBlock *letterhead_name;
  TextBlock *letterhead_details;
  TextBlock *marking;
  PangoLayout *running_header;
} Painter;

static void
show_layout_at (cairo_t     *cr,
                PangoLayout *layout,
                double       x,
                double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

static void
draw_page_furniture (CtPdfWriter *self,
                     Painter     *painter,
                     guint        page)
{
  cairo_t *cr = painter->cr;
  const double width = CT_PDF_PAGE_WIDTH - 2 * CT_PDF_MARGIN_OUTER;
  g_autofree char *number = NULL;
  TextBlock *block;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  if (self->marking != NULL && self->marking[0] != '\0')
    {
      double h;

      if (painter->marking == NULL)
        painter->marking = lookup_text_block ("Sans Bold 9", self->marking,
                                              width, PANGO_ALIGN_CENTER);
      h = painter->marking->height;
      show_layout_at (cr, painter->marking->layout, CT_PDF_MARGIN_OUTER, CT_PDF_MARGIN_OUTER + 2);
      show_layout_at (cr, painter->marking->layout, CT_PDF_MARGIN_OUTER,
                      CT_PDF_PAGE_HEIGHT - CT_PDF_MARGIN_OUTER - h - 2);
    }

  if (page > 0 && self->running_header != NULL)
    {
      if (painter->running_header == NULL)
        {
          painter->running_header = create_layout ("Sans 8", self->running_header,
                                                   BODY_WIDTH, PANGO_ALIGN_LEFT);
          /* One line only: a long header is shortened rather than wrapped. */
          pango_layout_set_ellipsize (painter->running_header, PANGO_ELLIPSIZE_END);
          pango_layout_set_height (painter->running_header, 0);
        }
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      show_layout_at (cr, painter->running_header, CT_PDF_MARGIN_LEFT,
                      BODY_TOP - layout_height (painter->running_header) - 8);
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, CT_PDF_MARGIN_LEFT, BODY_TOP - 5);
      cairo_line_to (cr, CT_PDF_MARGIN_LEFT + BODY_WIDTH, BODY_TOP - 5);
      cairo_stroke (cr);
    }

  /* Translators: page numbering at the foot of every page. */
  number = g_strdup_printf (_("Page %u of %u"), painter->first_page + page + 1,
                            painter->n_pages);
  block = lookup_text_block ("Sans 8.5", number, BODY_WIDTH, PANGO_ALIGN_RIGHT);
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  show_layout_at (cr, block->layout, CT_PDF_MARGIN_LEFT, BODY_BOTTOM + 8);
  text_block_unref (block);

  cairo_restore (cr);
}

static gboolean
prepare_letterhead (CtPdfWriter *self,
                    Painter     *painter,
                    double      *height,
                    GError     **error)
{
  const double logo_max_w = 140, logo_max_h = 60;
  double text_width = BODY_WIDTH;
  double text_height = 0;

  *height = 0;

  if (self->logo_path != NULL && self->logo_path[0] != '\0')
    {
      cairo_surface_t *logo = cairo_image_surface_create_from_png (self->logo_path);
      int w, h;
      double scale;

      if (cairo_surface_status (logo) != CAIRO_STATUS_SUCCESS
          || cairo_image_surface_get_width (logo) <= 0
          || cairo_image_surface_get_height (logo) <= 0)
        {
          g_autofree char *display = g_filename_display_name (self->logo_path);

          cairo_surface_destroy (logo);
          g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO,
                       _("The letterhead logo “%s” could not be read as a PNG image. "
                         "Choose a PNG file in the organisation settings, or remove the logo."),
                       display);
          return FALSE;
        }

      w = cairo_image_surface_get_width (logo);
      h = cairo_image_surface_get_height (logo);
      scale = MIN (logo_max_w / w, logo_max_h / h);
      painter->logo = logo;
      painter->logo_width = w * scale;
      painter->logo_height = h * scale;
      text_width -= painter->logo_width + 16;
      *height = painter->logo_height;
    }

  if (self->letterhead_name != NULL)
    {
      painter->letterhead_name = lookup_text_block ("Sans Bold 16", self->letterhead_name,
                                                    text_width, PANGO_ALIGN_LEFT);
      text_height += painter->letterhead_name->height + 3;
    }
  if (self->letterhead_details != NULL)
    {
      painter->letterhead_details = lookup_text_block ("Sans 8.5", self->letterhead_details,
                                                       text_width, PANGO_ALIGN_LEFT);
      text_height += painter->letterhead_details->height;
    }

  *height = MAX (*height, text_height);
  if (*height > 0)
    *height += 14;              /* the rule under the letterhead and its space */

  /* A letterhead that fills the page leaves no room for the letter. */
  if (*height > (BODY_BOTTOM - BODY_TOP) / 2)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The organisation’s letterhead is too long to fit on the page. "
                     "Shorten the address and contact details in the organisation settings."));
      return FALSE;
    }

  return TRUE;
}

static void
draw_letterhead (CtPdfWriter *self,
                 Painter     *painter,
                 double       height)
{
  cairo_t *cr = painter->cr;
  double y = BODY_TOP;

  if (height <= 0)
    return;

  cairo_save (cr);

  if (painter->logo != NULL)
    {
      double scale = painter->logo_width / cairo_image_surface_get_width (painter->logo);

      cairo_save (cr);
      cairo_translate (cr, CT_PDF_MARGIN_LEFT + BODY_WIDTH - painter->logo_width, BODY_TOP);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, painter->logo, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
    }

  cairo_set_source_rgb (cr, 0.08, 0.20, 0.36);
  if (painter->letterhead_name != NULL)
    {
      show_layout_at (cr, painter->letterhead_name->layout, CT_PDF_MARGIN_LEFT, y);
      y += painter->letterhead_name->height + 3;
    }
  cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
  if (painter->letterhead_details != NULL)
    show_layout_at (cr, painter->letterhead_details->layout, CT_PDF_MARGIN_LEFT, y);

  cairo_set_source_rgb (cr, 0.08, 0.20, 0.36);
  cairo_set_line_width (cr, 1.2);
  cairo_move_to (cr, CT_PDF_MARGIN_LEFT, BODY_TOP + height - 8);
  cairo_line_to (cr, CT_PDF_MARGIN_LEFT + BODY_WIDTH, BODY_TOP + height - 8);
  cairo_stroke (cr);

  cairo_restore (cr);
}

static void
draw_slice (CtPdfWriter *self,
            Painter     *painter,
            Slice       *slice)
{
  Row *row = &g_array_index (self->rows, Row, slice->row);
  cairo_t *cr = painter->cr;
  const double x0 = CT_PDF_MARGIN_LEFT;
  double h = 0;
  double y;

  for (guint i = slice->first_line; i < slice->first_line + slice->n_lines; i++)
    h += row->heights[i];

  cairo_save (cr);

  if (row->is_table_header || row->correction)
    {
      if (row->is_table_header)
        cairo_set_source_rgb (cr, 0.88, 0.91, 0.95);
      else
        cairo_set_source_rgb (cr, 1.0, 0.96, 0.84);
      cairo_rectangle (cr, x0, slice->y, BODY_WIDTH, h);
      cairo_fill (cr);
    }

  if (row->is_table_row)
    {
      cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      cairo_set_line_width (cr, 0.5);
      cairo_rectangle (cr, x0, slice->y, BODY_WIDTH, h);
      cairo_stroke (cr);
    }

  if (row->fill_in && slice->first_line + slice->n_lines == row->n_lines)
    {
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      cairo_set_line_width (cr, 0.5);
      cairo_move_to (cr, x0 + FIELD_LABEL_WIDTH + FIELD_GAP, slice->y + h - 2);
      cairo_line_to (cr, x0 + BODY_WIDTH, slice->y + h - 2);
      cairo_stroke (cr);
    }

  if (row->quote_bar)
    {
      cairo_set_source_rgb (cr, 0.55, 0.62, 0.72);
      cairo_set_line_width (cr, 2);
      cairo_move_to (cr, x0 + 5, slice->y + 1);
      cairo_line_to (cr, x0 + 5, slice->y + h - 3);
      cairo_stroke (cr);
    }

  if (row->kind == ROW_RULED)
    {
      cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
      cairo_set_line_width (cr, 0.5);
      y = slice->y;
      for (guint i = slice->first_line; i < slice->first_line + slice->n_lines; i++)
        {
          y += row->heights[i];
          cairo_move_to (cr, x0, y - 2);
          cairo_line_to (cr, x0 + (row->rule_width > 0 ? row->rule_width : BODY_WIDTH), y - 2);
        }
      cairo_stroke (cr);
      cairo_restore (cr);
      return;
    }

  if (row->outline_level > 0 && slice->first_line == 0)
    {
      g_autofree char *link = g_strdup_printf ("page=%u pos=[%.2f %.2f]",
                                               painter->first_page + slice->page + 1,
                                               x0, slice->y);
      int id = cairo_pdf_surface_add_outline (painter->surface,
                                              row->outline_level == 1
                                              ? CAIRO_PDF_OUTLINE_ROOT
                                              : painter->outline_parent,
                                              row->outline_text, link, 0);
      if (row->outline_level == 1)
        painter->outline_parent = id;
    }

  cairo_tag_begin (cr, row->tag, NULL);
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (row->outline_level > 0)
    cairo_set_source_rgb (cr, 0.08, 0.20, 0.36);

  y = slice->y;
  for (guint i = slice->first_line; i < slice->first_line + slice->n_lines; i++)
    {
      for (guint c = 0; c < row->cells->len; c++)
        {
          Cell *cell = &g_array_index (row->cells, Cell, c);

          if (i >= cell->text->n_lines)
            continue;

          cairo_move_to (cr, x0 + cell->x + cell->text->line_x[i],
                         y + row->text_offsets[i] + row->baselines[i]);
          pango_cairo_show_layout_line (cr, cell->text->lines[i]);
        }
      y += row->heights[i];
    }
  cairo_tag_end (cr, row->tag);

  cairo_restore (cr);
}

static cairo_status_t
write_to_byte_array_cb (void                *closure,
                        const unsigned char *data,
                        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static char *
format_pdf_date (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

typedef struct
{
  GArray *slices;               /* of Slice */
  Painter painter;
  guint n_pages;
  double letterhead_height;
} Part;

static void
part_clear (Part *part)
{
  g_clear_pointer (&part->slices, g_array_unref);
  g_clear_pointer (&part->painter.logo, cairo_surface_destroy);
  g_clear_pointer (&part->painter.letterhead_name, text_block_unref);
  g_clear_pointer (&part->painter.letterhead_details, text_block_unref);
  g_clear_pointer (&part->painter.marking, text_block_unref);
  g_clear_object (&part->painter.running_header);
}

/* Lays out and draws one or more documents into one PDF, one after the
 * other, each starting on a new page with its own letterhead, marking and
 * running header, and the pages numbered through the whole file. The
 * metadata is the first document's. */
static GBytes *
render_parts (CtPdfWriter  **writers,
              guint          n_writers,
              guint         *n_pages,
              GError       **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (128 * 1024);
  g_autofree Part *parts = g_new0 (Part, n_writers);
  CtPdfWriter *first = writers[0];
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  cairo_status_t status;
  guint total = 0;
  gboolean ok = FALSE;

  text_lock_acquire ();
  for (guint w = 0; w < n_writers; w++)
    {
      Part *part = &parts[w];
      Placer placer = { 0 };

      part->slices = g_array_new (FALSE, FALSE, sizeof (Slice));
      if (!prepare_letterhead (writers[w], &part->painter, &part->letterhead_height, error))
        goto out;

      placer.self = writers[w];
      placer.slices = part->slices;
      placer.first_page_top = BODY_TOP + part->letterhead_height;
      placer.y = placer.first_page_top;
      if (!place_rows (&placer, error))
        goto out;

      part->n_pages = placer.page + 1;
      part->painter.first_page = total;
      total += part->n_pages;
      if (total > CT_PDF_MAX_PAGES)
        {
          g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_TOO_LONG,
                       _("The document would be longer than %d pages, so it was not produced. "
                         "Shorten the text in the record and try again."),
                       CT_PDF_MAX_PAGES);
          goto out;
        }
    }

  surface = cairo_pdf_surface_create_for_stream (write_to_byte_array_cb, bytes,
                                                 CT_PDF_PAGE_WIDTH, CT_PDF_PAGE_HEIGHT);
  cr = cairo_create (surface);

  if (first->title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, first->title);
  if (first->author != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, first->author);
  if (first->subject != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, first->subject);
  if (first->keywords != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, first->keywords);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  PACKAGE_NAME " " PACKAGE_VERSION);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *date = format_pdf_date (first->created != NULL ? first->created : now);

    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
  }

  cairo_tag_begin (cr, "Document", NULL);
  for (guint w = 0; w < n_writers; w++)
    {
      Part *part = &parts[w];
      Painter *painter = &part->painter;
      guint slice_index = 0;

      painter->surface = surface;
      painter->cr = cr;
      painter->n_pages = total;
      painter->outline_parent = CAIRO_PDF_OUTLINE_ROOT;

      for (guint page = 0; page < part->n_pages; page++)
        {
          draw_page_furniture (writers[w], painter, page);
          if (page == 0)
            draw_letterhead (writers[w], painter, part->letterhead_height);

          while (slice_index < part->slices->len
                 && g_array_index (part->slices, Slice, slice_index).page == page)
            draw_slice (writers[w], painter,
                        &g_array_index (part->slices, Slice, slice_index++));

          cairo_show_page (cr);
        }
    }
  cairo_tag_end (cr, "Document");

  g_clear_pointer (&cr, cairo_destroy);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_RENDER,
                   _("The PDF could not be produced (%s). Nothing was saved; try again, "
                     "and report the problem if it persists."),
                   cairo_status_to_string (status));
      goto out;
    }

  if (n_pages != NULL)
    *n_pages = total;
  ok = TRUE;

out:
  g_clear_pointer (&cr, cairo_destroy);
  g_clear_pointer (&surface, cairo_surface_destroy);
  for (guint w = 0; w < n_writers; w++)
    part_clear (&parts[w]);
  text_lock_release ();

  if (!ok)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * ct_pdf_writer_render:
 * @self: a #CtPdfWriter
 * @n_pages: (out) (optional): the number of pages produced
 * @error: return location for a #GError
 *
 * Lays out everything added so far and produces the PDF.
 *
 * Returns: (transfer full): the bytes of the PDF file, or %NULL on error
 */
GBytes *
ct_pdf_writer_render (CtPdfWriter  *self,
                      guint        *n_pages,
                      GError      **error)
{
  g_return_val_if_fail (CT_IS_PDF_WRITER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return render_parts (&self, 1, n_pages, error);
}

/**
 * ct_pdf_writer_render_pack:
 * @writers: (array length=n_writers): the documents, in order
 * @n_writers: how many (at least one)
 * @n_pages: (out) (optional): the number of pages produced
 * @error: return location for a #GError
 *
 * Produces one PDF holding the documents one after the other. Each starts
 * on a new page and keeps its own letterhead, protective marking and
 * running header; the pages are numbered through the whole file ("Page 3
 * of 7" counts the pages of every document). The file's title and other
 * metadata are the first document's.
 *
 * Returns: (transfer full): the bytes of the PDF file, or %NULL on error
 */
GBytes *
ct_pdf_writer_render_pack (CtPdfWriter **writers,
                           guint         n_writers,
                           guint        *n_pages,
                           GError      **error)
{
  g_return_val_if_fail (writers != NULL && n_writers > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint w = 0; w < n_writers; w++)
    g_return_val_if_fail (CT_IS_PDF_WRITER (writers[w]), NULL);

  return render_parts (writers, n_writers, n_pages, error);
}

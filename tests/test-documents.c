/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-documents"

#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-document-samples.h"
#include "ct-documents.h"
#include "ct-pdf-writer.h"

/*
 * The documents are checked with the tools a reader of the PDF would use:
 * poppler's pdftotext, pdffonts, pdfinfo and pdftoppm, and qpdf.
 */

static char *tmpdir;

static char *
write_pdf (GBytes     *pdf,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);

  return path;
}

/* Runs a tool and returns what it printed; the test fails if it fails. */
static char *
run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);

  return out;
}

static char *
pdftotext (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  return run_tool (argv);
}

/* Drops whitespace and the bidi marks pdftotext adds around
 * right-to-left runs, so text wrapped at any point still compares equal. */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e))
        continue;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static void
assert_contains_in_order (const char         *text,
                          const char * const *expected)
{
  g_autofree char *hay = squeeze (text);
  const char *cursor = hay;

  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *needle = squeeze (expected[i]);
      const char *found = strstr (cursor, needle);

      if (found == NULL)
        {
          if (strstr (hay, needle) != NULL)
            g_error ("“%s” is in the document but out of order (item %u)", expected[i], i);
          g_error ("“%s” is missing from the document (item %u)", expected[i], i);
        }
      cursor = found + strlen (needle);
    }
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run_tool (argv);
  const char *line = strstr (info, "\nPages:");

  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("\nPages:"), NULL, 10);
}

static void
assert_info (const char *info,
             const char *key,
             const char *expected)
{
  g_autofree char *prefix = g_strdup_printf ("\n%s:", key);
  g_autofree char *hay = g_strconcat ("\n", info, NULL);
  const char *line = strstr (hay, prefix);
  g_autofree char *value = NULL;
  const char *end;

  if (line == NULL)
    g_error ("pdfinfo shows no %s", key);
  line += strlen (prefix);
  end = strchr (line, '\n');
  value = g_strstrip (g_strndup (line, end != NULL ? (gsize) (end - line) : strlen (line)));
  g_assert_cmpstr (value, ==, expected);
}

static GBytes *
render_letter (const CtReferralLetter *letter)
{
  g_autoptr(GError) error = NULL;
  GBytes *pdf = ct_document_render_referral_letter (letter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

static void
assert_fonts_embedded (const char *path)
{
  const char *argv[] = { "pdffonts", path, NULL };
  g_autofree char *out = run_tool (argv);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint fonts = 0;

  /* Two heading lines, then one line per font; from the right the columns
   * are object number, generation, uni, sub, emb. */
  for (guint i = 2; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint c = 0; cols[c] != NULL; c++)
        if (cols[c][0] != '\0')
          g_ptr_array_add (words, cols[c]);
      if (words->len == 0)
        continue;

      g_assert_cmpuint (words->len, >=, 6);
      if (g_strcmp0 (words->pdata[words->len - 5], "yes") != 0)
        g_error ("Font not embedded: %s", lines[i]);
      fonts++;
    }

  g_assert_cmpuint (fonts, >, 0);
}

static void
assert_qpdf_clean (const char *path)
{
  const char *argv[] = { "qpdf", "--check", path, NULL };
  g_autofree char *out = run_tool (argv);

  g_assert_nonnull (strstr (out, "No syntax or stream encoding errors found"));
}

typedef struct
{
  double x0, y0, x1, y1;
  char *word;
} Word;

static void
word_clear (gpointer data)
{
  g_free (((Word *) data)->word);
}

/* Every word on every page with its box, from pdftotext -bbox. Pages are
 * separated by an entry with a NULL word. */
static GArray *
pdf_words (const char *path)
{
  const char *argv[] = { "pdftotext", "-bbox", "-enc", "UTF-8", path, "-", NULL };
  g_autofree char *html = run_tool (argv);
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  GArray *words = g_array_new (FALSE, TRUE, sizeof (Word));

  g_array_set_clear_func (words, word_clear);
  regex = g_regex_new ("<page |<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" "
                       "xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>",
                       0, 0, NULL);
  g_regex_match (regex, html, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *all = g_match_info_fetch (match, 0);
      Word word = { 0 };

      if (!g_str_has_prefix (all, "<page"))
        {
          g_autofree char *x0 = g_match_info_fetch (match, 1);
          g_autofree char *y0 = g_match_info_fetch (match, 2);
          g_autofree char *x1 = g_match_info_fetch (match, 3);
          g_autofree char *y1 = g_match_info_fetch (match, 4);

          word.x0 = g_ascii_strtod (x0, NULL);
          word.y0 = g_ascii_strtod (y0, NULL);
          word.x1 = g_ascii_strtod (x1, NULL);
          word.y1 = g_ascii_strtod (y1, NULL);
          word.word = g_match_info_fetch (match, 5);
        }
      g_array_append_val (words, word);
      g_match_info_next (match, NULL);
    }

  return words;
}

static gboolean
is_furniture_word (const char *word)
{
  return g_str_equal (word, "OFFICIAL-SENSITIVE") || g_str_equal (word, "Page")
         || g_str_equal (word, "of") || g_ascii_isdigit (word[0]);
}

/* No text outside the body margins, and nothing but the marking and the
 * page number in the band at the foot of the page. */
static void
assert_within_margins (const char *path)
{
  g_autoptr(GArray) words = pdf_words (path);
  const double slack = 1.0;
  guint counted = 0;

  for (guint i = 0; i < words->len; i++)
    {
      Word *w = &g_array_index (words, Word, i);

      if (w->word == NULL)
        continue;
      counted++;

      if (w->x0 < CT_PDF_MARGIN_LEFT - slack
          || w->x1 > CT_PDF_PAGE_WIDTH - CT_PDF_MARGIN_RIGHT + slack
          || w->y0 < CT_PDF_MARGIN_OUTER - slack
          || w->y1 > CT_PDF_PAGE_HEIGHT - CT_PDF_MARGIN_OUTER + slack)
        g_error ("“%.40s” lies outside the margins (%.1f,%.1f)-(%.1f,%.1f)",
                 w->word, w->x0, w->y0, w->x1, w->y1);

      if (w->y1 > CT_PDF_PAGE_HEIGHT - CT_PDF_MARGIN_BOTTOM + slack && !is_furniture_word (w->word))
        g_error ("“%.40s” runs into the foot of the page (y %.1f)", w->word, w->y1);
    }

  g_assert_cmpuint (counted, >, 0);
}

static CtReferralLetter
minimal_letter (void)
{
  static const CtReferralChild child = {
    .given_names = "Alex",
    .family_name = "Testcase",
  };
  CtReferralLetter letter = {
    .letterhead = { .name = "Test Organisation" },
    .recipient_name = "Test Authority Front Door",
    .verbal_referral_at = NULL,
    .verbal_referral_to = "A. Duty-Worker",
    .children = &child,
    .n_children = 1,
    .concern_summary = "One line of concern.",
    .dso_name = "D. S. Officer",
  };

  letter.verbal_referral_at = g_date_time_new_utc (2026, 11, 23, 10, 15, 0);
  letter.date = g_date_time_new_utc (2026, 11, 24, 9, 0, 0);
  return letter;
}

static void
clear_minimal_letter (CtReferralLetter *letter)
{
  g_date_time_unref (letter->verbal_referral_at);
  g_date_time_unref (letter->date);
}

static void
test_referral_fields_in_order (void)
{
  const CtReferralLetter *letter = ct_document_sample_referral_letter ();
  g_autoptr(GBytes) pdf = render_letter (letter);
  g_autofree char *path = write_pdf (pdf, "referral.pdf");
  g_autofree char *text = pdftotext (path);
  const char *header[] = {
    letter->letterhead.name, "14 Example Row", letter->letterhead.phone,
    letter->letterhead.email, NULL
  };
  const char *recipient[] = { letter->recipient_name, "Civic Centre", NULL };
  const char *refs[] = {
    "24 November 2026", letter->our_reference, letter->their_reference, NULL
  };
  const char *body[] = {
    "Confirmation of a safeguarding referral",
    "23 November 2026 at 15:40", letter->verbal_referral_to,
    "Child protection", letter->urgency,
    letter->children[0].given_names, letter->children[0].family_name,
    letter->children[0].aliases, "14 March 2016", letter->children[0].gender,
    letter->children[0].address, letter->children[0].school, letter->children[0].gp,
    letter->children[0].language, letter->children[0].whereabouts,
    letter->children[1].given_names, "2 September 2022", letter->children[1].school,
    letter->adults[0].name, letter->adults[0].relationship, "Has parental responsibility",
    letter->adults[0].address, letter->adults[0].contact,
    letter->adults[1].name, letter->adults[1].relationship, "Has parental responsibility",
    letter->adults[2].name, letter->adults[2].relationship,
    "Does not have parental responsibility",
    letter->other_children, letter->household, letter->agencies,
    letter->concern_summary, letter->harm_type, letter->words_recorded, letter->history,
    letter->risk, letter->person_responsible, letter->actions_taken,
    "has not been told", letter->family_not_told_reason, letter->withhold_from_family,
    "did not ask for consent", letter->consent_reason, letter->lawful_basis,
    letter->request, letter->closing_paragraph,
    "Yours faithfully", letter->dso_name, letter->dso_role, letter->dso_phone,
    letter->dso_email,
    NULL
  };

  assert_contains_in_order (text, header);
  assert_contains_in_order (text, recipient);
  assert_contains_in_order (text, refs);
  assert_contains_in_order (text, body);

  /* The marking is on every page, top and bottom. */
  {
    g_auto(GStrv) pages = g_strsplit (text, "\f", -1);
    guint n = pdf_pages (path);

    for (guint i = 0; i < n; i++)
      {
        g_autofree char *number = g_strdup_printf ("Page %u of %u", i + 1, n);
        const char *first = strstr (pages[i], "OFFICIAL-SENSITIVE");

        g_assert_nonnull (first);
        g_assert_nonnull (strstr (first + 1, "OFFICIAL-SENSITIVE"));
        g_assert_nonnull (strstr (pages[i], number));
      }
  }
}

static void
test_referral_fonts_and_structure (void)
{
  g_autoptr(GBytes) pdf = render_letter (ct_document_sample_referral_letter ());
  g_autofree char *path = write_pdf (pdf, "referral-fonts.pdf");

  assert_fonts_embedded (path);
  assert_qpdf_clean (path);
  assert_within_margins (path);
}

static void
test_referral_metadata_short (void)
{
  CtReferralLetter letter = minimal_letter ();
  g_autoptr(GBytes) pdf = render_letter (&letter);
  g_autofree char *path = write_pdf (pdf, "short.pdf");
  const char *argv[] = { "pdfinfo", "-isodates", path, NULL };
  g_autofree char *info = run_tool (argv);
  g_autofree char *text = pdftotext (path);
  const char *missing[] = { "One line of concern.", NULL };

  assert_info (info, "Title", "Confirmation of a safeguarding referral");
  assert_info (info, "Author", "Test Organisation");
  assert_info (info, "Subject", "Confirmation of a safeguarding referral: Alex Testcase");
  assert_info (info, "Creator", "Caretrail " PACKAGE_VERSION);
  assert_info (info, "CreationDate", "2026-11-24T09:00:00Z");
  assert_info (info, "Tagged", "yes");
  assert_info (info, "Page size", "595.276 x 841.89 pts (A4)");

  /* A one-line concern with nothing else recorded fits on two pages, and
   * has no section that only says nothing was recorded. */
  g_assert_cmpuint (pdf_pages (path), <=, 2);
  g_assert_null (strstr (text, "We have not recorded"));
  assert_contains_in_order (text, missing);
  assert_qpdf_clean (path);
  clear_minimal_letter (&letter);
}

static void
test_referral_long (void)
{
  CtReferralLetter letter = minimal_letter ();
  g_autoptr(GString) concern = g_string_new (NULL);
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *last = NULL;
  guint n;

  /* Twenty pages or so of numbered paragraphs. */
  for (guint i = 1; i <= 300; i++)
    g_string_append_printf (concern,
                            "Paragraph %u. The concern was discussed again with the staff "
                            "member, who described what was seen in the waiting room and "
                            "what the child said afterwards, in the same words each time, "
                            "and the notes were read back and agreed.\n", i);
  letter.concern_summary = concern->str;
  pdf = render_letter (&letter);
  path = write_pdf (pdf, "long.pdf");
  text = pdftotext (path);
  n = pdf_pages (path);

  g_assert_cmpuint (n, >=, 18);
  g_assert_cmpuint (n, <=, 24);
  last = g_strdup_printf ("Page %u of %u", n, n);
  g_assert_nonnull (strstr (text, last));
  g_assert_nonnull (strstr (text, "Paragraph 300."));
  assert_within_margins (path);
  assert_fonts_embedded (path);
  assert_qpdf_clean (path);

  /* Every paragraph survives whole and in order. */
  {
    g_autofree char *hay = squeeze (text);
    const char *cursor = hay;

    for (guint i = 1; i <= 300; i++)
      {
        g_autofree char *needle = g_strdup_printf ("Paragraph%u.Theconcernwasdiscussed", i);

        cursor = strstr (cursor, needle);
        g_assert_nonnull (cursor);
      }
  }
  clear_minimal_letter (&letter);
}

/* A referral about an unborn child gives the expected date of birth. */
static void
test_unborn_child (void)
{
  CtReferralLetter letter = minimal_letter ();
  CtReferralChild child = { 0 };
  g_autoptr(GDateTime) due = g_date_time_new_utc (2027, 3, 1, 12, 0, 0);
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hay = NULL;

  child.given_names = "Baby";
  child.family_name = "Brown";
  child.date_of_birth = due;
  child.unborn = TRUE;
  letter.children = &child;

  pdf = render_letter (&letter);
  path = write_pdf (pdf, "unborn.pdf");
  text = pdftotext (path);
  hay = squeeze (text);
  /* squeeze() drops the spaces. */
  g_assert_nonnull (strstr (hay, "Expecteddateofbirth1March2027"));
  g_assert_null (strstr (hay, "Dateofbirth"));
  clear_minimal_letter (&letter);
}

static void
test_hostile_text (void)
{
  CtReferralLetter letter = minimal_letter ();
  CtReferralChild child = { 0 };
  g_autoptr(GString) concern = g_string_new (NULL);
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *hay = NULL;
  g_autofree char *long_word = g_strnfill (10000, 'x');
  const char *pieces[] = {
    ") Tj", "%%EOF", "(unbalanced", "back\\slash \\\\ \\(", "<< /Type /Catalog >>",
    "endstream endobj", "مرحبا بالعالم", "שלום עולם", "Καλημέρα", "Привет", "नमस्ते",
    "☺ ♥ ✓", NULL
  };

  for (guint i = 0; pieces[i] != NULL; i++)
    g_string_append_printf (concern, "%s ", pieces[i]);
  g_string_append (concern, "ctl\x01\x07\x1b\x7f end ");
  g_string_append (concern, long_word);
  g_string_append (concern, " after 😀 done");

  child.given_names = "محمد ) Tj";
  child.family_name = "כהן-Smith";
  letter.children = &child;
  letter.concern_summary = concern->str;
  letter.words_recorded = "%%EOF\n) Tj\n\\";
  letter.dso_name = "Zoë O’Brien-Ndiaye";

  pdf = render_letter (&letter);
  path = write_pdf (pdf, "hostile.pdf");
  assert_qpdf_clean (path);
  assert_fonts_embedded (path);
  assert_within_margins (path);

  text = pdftotext (path);
  assert_contains_in_order (text, pieces);
  hay = squeeze (text);
  g_assert_nonnull (strstr (hay, "ctl\357\277\275\357\277\275\357\277\275\357\277\275end"));
  /* The long word comes back whole, though wrapped and perhaps split by a
   * page break. */
  {
    guint run = 0, total = 0;

    for (const char *p = hay; ; p++)
      {
        if (*p == 'x')
          run++;
        else
          {
            if (run >= 20)
              total += run;
            run = 0;
          }
        if (*p == '\0')
          break;
      }
    g_assert_cmpuint (total, ==, 10000);
  }
  g_assert_nonnull (strstr (hay, "Zoë"));
  /* In a right-to-left paragraph pdftotext gives the runs in visual
   * order; either way every character comes back. */
  g_assert_true (strstr (hay, "כהן-Smith") != NULL || strstr (hay, "Smith-כהן") != NULL);
  clear_minimal_letter (&letter);
}

static void
test_headings_never_orphaned (void)
{
  g_autoptr(CtPdfWriter) writer = ct_pdf_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GArray) words = NULL;
  g_autofree char *path = NULL;
  guint pages = 0;
  double lowest_y = 0;
  const char *lowest = NULL;

  /* Paragraphs of varied length so headings fall at every height. */
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GString) para = g_string_new (NULL);
      g_autofree char *heading = g_strdup_printf ("Heading%02u", i);

      ct_pdf_writer_add_heading (writer, 1 + i % 2, heading);
      for (guint j = 0; j < 7 + (i * 13) % 37; j++)
        g_string_append (para, "body text for the section ");
      ct_pdf_writer_add_paragraph (writer, CT_PDF_TEXT_BODY, para->str);
    }
  pdf = ct_pdf_writer_render (writer, &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages, >, 5);
  path = write_pdf (pdf, "headings.pdf");
  g_assert_cmpuint (pdf_pages (path), ==, pages);
  words = pdf_words (path);

  /* The lowest body word on each page must not belong to a heading. */
  for (guint i = 0; i <= words->len; i++)
    {
      Word *w = i < words->len ? &g_array_index (words, Word, i) : NULL;

      if (w == NULL || w->word == NULL)
        {
          if (lowest != NULL && g_str_has_prefix (lowest, "Heading"))
            g_error ("%s is orphaned at the foot of a page", lowest);
          lowest = NULL;
          lowest_y = 0;
          continue;
        }
      if (is_furniture_word (w->word) || w->y1 > CT_PDF_PAGE_HEIGHT - CT_PDF_MARGIN_BOTTOM)
        continue;
      if (w->y1 >= lowest_y)
        {
          lowest_y = w->y1;
          lowest = w->word;
        }
    }
  assert_within_margins (path);
}

static void
test_record_of_concern (void)
{
  g_autoptr(GError) error = NULL;
  CtRecordOfConcern record = *ct_document_sample_record_of_concern ();
  g_autoptr(GBytes) filled = ct_document_render_record_of_concern (&record, &error);
  g_autoptr(GBytes) blank = NULL;
  g_autofree char *filled_path = NULL;
  g_autofree char *blank_path = NULL;
  g_autofree char *filled_text = NULL;
  g_autofree char *blank_text = NULL;
  const char *expected[] = {
    "Record of a safeguarding concern", record.case_reference, record.raised_by_name,
    record.raised_by_role, "23 November 2026 at 14:10", "23 November 2026 at 14:35",
    record.how_it_arose, record.child_name, record.child_aliases, "14 March 2016",
    record.child_address, record.child_school, record.what_happened, record.child_words,
    record.injuries, record.witnesses, record.action_taken, record.line_manager,
    record.dso, NULL
  };

  g_assert_no_error (error);
  filled_path = write_pdf (filled, "record.pdf");
  filled_text = pdftotext (filled_path);
  assert_contains_in_order (filled_text, expected);
  assert_qpdf_clean (filled_path);

  record.blank = TRUE;
  blank = ct_document_render_record_of_concern (&record, &error);
  g_assert_no_error (error);
  blank_path = write_pdf (blank, "record-blank.pdf");
  blank_text = pdftotext (blank_path);
  /* A blank form asks the questions and holds none of the case's answers. */
  g_assert_nonnull (strstr (blank_text, "What the child said, in their own words"));
  g_assert_null (strstr (blank_text, record.child_name));
  g_assert_null (strstr (blank_text, record.case_reference));
  g_assert_null (strstr (blank_text, "Not recorded"));
  assert_qpdf_clean (blank_path);
  assert_within_margins (blank_path);
}

static void
test_chronology (void)
{
  g_autoptr(GError) error = NULL;
  const CtChronologyReport *report = ct_document_sample_chronology ();
  g_autoptr(GBytes) pdf = ct_document_render_chronology (report, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  CtChronologyEntry bad[] = { { NULL, "x", "y", NULL, 0 } };
  CtChronologyReport broken = *report;
  GBytes *none;
  const char *expected[] = {
    report->case_reference, report->entries[0].what, report->entries[3].what,
    "Correction to entry 4", report->entries[4].why, report->entries[6].what, NULL
  };

  g_assert_no_error (error);
  path = write_pdf (pdf, "chronology.pdf");
  text = pdftotext (path);
  assert_contains_in_order (text, expected);
  assert_qpdf_clean (path);
  assert_within_margins (path);

  /* An entry longer than a page continues on the next, under the column
   * titles again, and stays inside the margins. */
  {
    g_autoptr(GString) what = g_string_new (NULL);
    g_autoptr(GBytes) long_pdf = NULL;
    g_autofree char *long_path = NULL;
    g_autofree char *long_text = NULL;
    g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 23, 9, 0, 0);
    CtChronologyEntry entries[] = {
      { when, "Someone", NULL, "Because", 0 },
      { when, "Someone else", "Short entry after the long one.", NULL, 1 },
    };
    CtChronologyReport long_report = *report;

    for (guint i = 0; i < 400; i++)
      g_string_append_printf (what, "line %u of a very long chronology entry; ", i);
    entries[0].what = what->str;
    long_report.entries = entries;
    long_report.n_entries = G_N_ELEMENTS (entries);
    long_pdf = ct_document_render_chronology (&long_report, &error);
    g_assert_no_error (error);
    long_path = write_pdf (long_pdf, "chronology-long.pdf");
    g_assert_cmpuint (pdf_pages (long_path), >=, 3);
    assert_qpdf_clean (long_path);
    assert_within_margins (long_path);
    long_text = pdftotext (long_path);
    {
      const char *order[] = { "line 0 of", "line 399 of", "Correction to entry 1", NULL };
      g_auto(GStrv) pages = g_strsplit (long_text, "\f", -1);

      assert_contains_in_order (long_text, order);
      /* The column titles are repeated on the second page. */
      g_assert_nonnull (strstr (pages[1], "What happened"));
    }
  }

  broken.entries = bad;
  broken.n_entries = 1;
  none = ct_document_render_chronology (&broken, &error);
  g_assert_null (none);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
}

static void
test_recovery_sheet (void)
{
  g_autoptr(GError) error = NULL;
  CtRecoverySheet sheet = *ct_document_sample_recovery_sheet ();
  g_autoptr(GBytes) pdf = ct_document_render_recovery_sheet (&sheet, &error);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *grouped = ct_recovery_code_group ("ab-cd efgh1234 5678 90XYZ");
  GBytes *none;

  g_assert_cmpstr (grouped, ==, "ABCD EFGH 1234\n5678 90XY Z");
  g_assert_no_error (error);
  path = write_pdf (pdf, "recovery.pdf");
  text = pdftotext (path);
  g_assert_nonnull (strstr (text, "SAMP LECO DEXX"));
  g_assert_nonnull (strstr (text, sheet.database_id));
  g_assert_cmpuint (pdf_pages (path), ==, 1);
  assert_qpdf_clean (path);
  assert_fonts_embedded (path);

  sheet.recovery_code = " - ";
  none = ct_document_render_recovery_sheet (&sheet, &error);
  g_assert_null (none);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
}

static void
test_invalid_input (void)
{
  CtReferralLetter letter = minimal_letter ();
  CtReferralLetter copy;
  g_autoptr(GError) error = NULL;
  GBytes *pdf;

  copy = letter;
  copy.n_children = 0;
  pdf = ct_document_render_referral_letter (&copy, &error);
  g_assert_null (pdf);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  copy = letter;
  copy.verbal_referral_at = NULL;
  pdf = ct_document_render_referral_letter (&copy, &error);
  g_assert_null (pdf);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  copy = letter;
  copy.dso_name = "   ";
  pdf = ct_document_render_referral_letter (&copy, &error);
  g_assert_null (pdf);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  copy = letter;
  copy.letterhead.logo_path = "/nonexistent/logo.png";
  pdf = ct_document_render_referral_letter (&copy, &error);
  g_assert_null (pdf);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_LOGO);
  g_clear_error (&error);

  clear_minimal_letter (&letter);
}

static char *
make_logo (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 80);
  cairo_t *cr = cairo_create (surface);
  char *path = g_build_filename (tmpdir, "logo.png", NULL);

  cairo_set_source_rgb (cr, 0.1, 0.3, 0.6);
  cairo_arc (cr, 40, 40, 36, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.9, 0.5, 0.1);
  cairo_rectangle (cr, 90, 30, 100, 20);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return path;
}

static void
write_first_page_png (const char *pdf_path,
                      const char *name)
{
  g_autofree char *prefix = g_test_build_filename (G_TEST_BUILT, name, NULL);
  g_autofree char *png = g_strdup_printf ("%s.png", prefix);
  g_autofree char *contents = NULL;
  const char *argv[] = {
    "pdftoppm", "-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1", pdf_path, prefix, NULL
  };
  g_autofree char *out = run_tool (argv);
  gsize len = 0;

  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpint (memcmp (contents, "\211PNG", 4), ==, 0);
  g_test_message ("First page written to %s", png);
}

static void
test_first_page_pngs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *logo = make_logo ();
  CtReferralLetter letter = *ct_document_sample_referral_letter ();
  CtRecordOfConcern record = *ct_document_sample_record_of_concern ();
  CtChronologyReport report = *ct_document_sample_chronology ();
  g_autoptr(GBytes) letter_pdf = NULL;
  g_autoptr(GBytes) record_pdf = NULL;
  g_autoptr(GBytes) blank_pdf = NULL;
  g_autoptr(GBytes) chronology_pdf = NULL;
  g_autoptr(GBytes) recovery_pdf = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL, *p5 = NULL;

  letter.letterhead.logo_path = logo;
  record.letterhead.logo_path = logo;
  report.letterhead.logo_path = logo;
  letter_pdf = render_letter (&letter);
  record_pdf = ct_document_render_record_of_concern (&record, &error);
  g_assert_no_error (error);
  record.blank = TRUE;
  blank_pdf = ct_document_render_record_of_concern (&record, &error);
  g_assert_no_error (error);
  chronology_pdf = ct_document_render_chronology (&report, &error);
  g_assert_no_error (error);
  recovery_pdf = ct_document_render_recovery_sheet (ct_document_sample_recovery_sheet (), &error);
  g_assert_no_error (error);

  p1 = write_pdf (letter_pdf, "letter-logo.pdf");
  p2 = write_pdf (record_pdf, "record-logo.pdf");
  p3 = write_pdf (blank_pdf, "blank-logo.pdf");
  p4 = write_pdf (chronology_pdf, "chronology-logo.pdf");
  p5 = write_pdf (recovery_pdf, "recovery-sample.pdf");
  assert_qpdf_clean (p1);
  assert_within_margins (p1);

  /* The logo is in the letterhead, once. */
  {
    const char *argv[] = { "pdfimages", "-list", p1, NULL };
    g_autofree char *list = run_tool (argv);
    g_auto(GStrv) lines = g_strsplit (list, "\n", -1);
    guint images = 0;

    /* Two heading lines, then one line per image (and its soft mask). */
    for (guint i = 2; lines[i] != NULL; i++)
      {
        g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
        g_autoptr(GPtrArray) words = g_ptr_array_new ();

        for (guint c = 0; cols[c] != NULL; c++)
          if (cols[c][0] != '\0')
            g_ptr_array_add (words, cols[c]);
        if (words->len > 2 && g_str_equal (words->pdata[2], "image"))
          {
            g_assert_cmpstr (words->pdata[0], ==, "1");
            images++;
          }
      }
    g_assert_cmpuint (images, ==, 1);
  }

  write_first_page_png (p1, "documents-referral-letter-page1");
  write_first_page_png (p2, "documents-record-of-concern-page1");
  write_first_page_png (p3, "documents-blank-record-of-concern-page1");
  write_first_page_png (p4, "documents-chronology-page1");
  write_first_page_png (p5, "documents-recovery-sheet-page1");
}

static void
on_page_rendered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_preview (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = render_letter (ct_document_sample_referral_letter ());
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.5 not really", 19);
  g_autoptr(CtPdfPreview) preview = ct_pdf_preview_new (pdf, &error);
  g_autofree char *path = write_pdf (pdf, "preview.pdf");
  cairo_surface_t *surface;
  cairo_surface_t *print_surface;
  cairo_t *cr;
  double w = 0, h = 0;
  guint dark = 0;

  g_assert_no_error (error);
  /* What is previewed, printed and saved is the very bytes produced. */
  g_assert_true (g_bytes_equal (ct_pdf_preview_get_bytes (preview), pdf));
  g_assert_cmpuint (ct_pdf_preview_get_n_pages (preview), ==, pdf_pages (path));

  g_assert_true (ct_pdf_preview_get_page_size (preview, 0, &w, &h, &error));
  g_assert_cmpfloat_with_epsilon (w, CT_PDF_PAGE_WIDTH, 0.01);
  g_assert_cmpfloat_with_epsilon (h, CT_PDF_PAGE_HEIGHT, 0.01);

  surface = ct_pdf_preview_render_page (preview, 0, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 595);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 842);
  cairo_surface_flush (surface);
  {
    const guchar *data = cairo_image_surface_get_data (surface);
    int stride = cairo_image_surface_get_stride (surface);

    for (int y = 0; y < 842; y++)
      for (int x = 0; x < 595; x++)
        {
          guint32 pixel = *(const guint32 *) (data + y * stride + x * 4);

          if ((pixel & 0xff) < 128)
            dark++;
        }
  }
  g_assert_cmpuint (dark, >, 1000);
  cairo_surface_destroy (surface);

  /* Drawing for print onto a context the size of the paper. */
  print_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 300);
  cr = cairo_create (print_surface);
  g_assert_true (ct_pdf_preview_draw_page (preview, 1, cr, 300, 300, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (print_surface);

  g_assert_null (ct_pdf_preview_render_page (preview, 99, 1.0, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NO_SUCH_PAGE);
  g_clear_error (&error);

  g_assert_null (ct_pdf_preview_render_page (preview, 0, 1000.0, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_null (ct_pdf_preview_new (junk, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_PREVIEW);
  g_clear_error (&error);

  /* Every page rendered at once on worker threads, as the preview window
   * does, each coming back whole. */
  {
    guint n = ct_pdf_preview_get_n_pages (preview);
    g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_set_size (results, n);
    for (guint i = 0; i < n; i++)
      ct_pdf_preview_render_page_async (preview, i, 0.5, NULL, on_page_rendered_cb,
                                        &g_ptr_array_index (results, i));
    for (guint i = 0; i < n; i++)
      while (g_ptr_array_index (results, i) == NULL)
        g_main_context_iteration (NULL, TRUE);

    for (guint i = 0; i < n; i++)
      {
        cairo_surface_t *page =
          ct_pdf_preview_render_page_finish (preview, g_ptr_array_index (results, i), &error);

        g_assert_no_error (error);
        g_assert_cmpint (cairo_image_surface_get_width (page), ==, 298);
        cairo_surface_destroy (page);
      }
  }
}

static void
test_sanitize (void)
{
  g_autofree char *a = ct_pdf_text_sanitize ("a\r\nb\rc\td\001e\x7f");
  g_autofree char *b = ct_pdf_text_sanitize ("bad \xff\xfe utf8");
  g_autofree char *c = ct_pdf_text_sanitize (NULL);

  g_assert_cmpstr (a, ==, "a\nb\nc d\357\277\275e\357\277\275");
  g_assert_true (g_utf8_validate (b, -1, NULL));
  g_assert_cmpstr (c, ==, "");
}

/* Text laid out once is reused by later documents: a letter made after
 * many others, in a process whose fonts and layouts are warm, is byte for
 * byte the letter a fresh process makes. */
static void
test_reused_text_same_bytes (void)
{
  /* The subprocess has a temporary folder of its own, so the file is named
   * after the parent process. */
  g_autofree char *name = g_strdup_printf ("ct-documents-fresh-%ld.pdf",
                                           (long) (g_test_subprocess () ? getppid () : getpid ()));
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), name, NULL);
  g_autofree char *fresh = NULL;
  gsize fresh_len = 0;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) pdf = ct_document_render_referral_letter (ct_document_sample_referral_letter (),
                                                                  &error);

      g_assert_no_error (error);
      g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
      g_assert_no_error (error);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (path, &fresh, &fresh_len, NULL));
  g_unlink (path);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      CtReferralLetter letter = *ct_document_sample_referral_letter ();
      g_autofree char *summary = g_strdup_printf ("%s Version %u.", letter.concern_summary, i);
      g_autoptr(GBytes) other = NULL;
      g_autoptr(GBytes) again = NULL;

      /* A different letter in between, sharing most of its wording. */
      letter.concern_summary = summary;
      other = ct_document_render_referral_letter (&letter, &error);
      g_assert_no_error (error);
      g_assert_false (g_bytes_get_size (other) == fresh_len
                      && memcmp (g_bytes_get_data (other, NULL), fresh, fresh_len) == 0);

      again = ct_document_render_referral_letter (ct_document_sample_referral_letter (), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), fresh, fresh_len);
    }
}

#define N_RENDER_THREADS 4
#define N_RENDERS 6

/* Letter @i of thread @t: the sample with a concern of its own, so every
 * thread lays out text no other has. */
static GBytes *
render_numbered_letter (guint t,
                        guint i)
{
  g_autoptr(GError) error = NULL;
  CtReferralLetter letter = *ct_document_sample_referral_letter ();
  g_autofree char *summary = g_strdup_printf ("Thread %u, letter %u: %s", t, i, letter.concern_summary);
  g_autofree char *reference = g_strdup_printf ("NFM-%u-%u", t, i);
  GBytes *pdf;

  letter.concern_summary = summary;
  letter.our_reference = reference;
  pdf = ct_document_render_referral_letter (&letter, &error);
  g_assert_no_error (error);

  return pdf;
}

static gpointer
render_in_thread (gpointer data)
{
  guint t = GPOINTER_TO_UINT (data);
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < N_RENDERS; i++)
    g_ptr_array_add (results, render_numbered_letter (t, i));

  return results;
}

/* Documents made on several threads at once, as the app makes them, come
 * out exactly as when made one at a time. */
static void
test_threads_same_bytes (void)
{
  GThread *threads[N_RENDER_THREADS];

  for (guint t = 0; t < N_RENDER_THREADS; t++)
    threads[t] = g_thread_new ("render", render_in_thread, GUINT_TO_POINTER (t));

  for (guint t = 0; t < N_RENDER_THREADS; t++)
    {
      g_autoptr(GPtrArray) results = g_thread_join (threads[t]);

      g_assert_cmpuint (results->len, ==, N_RENDERS);
      for (guint i = 0; i < results->len; i++)
        {
          g_autoptr(GBytes) alone = render_numbered_letter (t, i);

          g_assert_true (g_bytes_equal (g_ptr_array_index (results, i), alone));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("ct-documents-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/documents/sanitize", test_sanitize);
  g_test_add_func ("/documents/referral/unborn-child", test_unborn_child);
  g_test_add_func ("/documents/referral/fields-in-order", test_referral_fields_in_order);
  g_test_add_func ("/documents/referral/fonts-and-structure", test_referral_fonts_and_structure);
  g_test_add_func ("/documents/referral/metadata-short", test_referral_metadata_short);
  g_test_add_func ("/documents/referral/long", test_referral_long);
  g_test_add_func ("/documents/referral/hostile-text", test_hostile_text);
  g_test_add_func ("/documents/referral/invalid-input", test_invalid_input);
  g_test_add_func ("/documents/layout/headings-never-orphaned", test_headings_never_orphaned);
  g_test_add_func ("/documents/record-of-concern", test_record_of_concern);
  g_test_add_func ("/documents/chronology", test_chronology);
  g_test_add_func ("/documents/recovery-sheet", test_recovery_sheet);
  g_test_add_func ("/documents/preview", test_preview);
  g_test_add_func ("/documents/first-page-pngs", test_first_page_pngs);
  g_test_add_func ("/documents/reused-text-same-bytes", test_reused_text_same_bytes);
  g_test_add_func ("/documents/threads-same-bytes", test_threads_same_bytes);

  status = g_test_run ();

  if (status == 0)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
      g_autoptr(GFileEnumerator) children =
        g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
      GFileInfo *info;

      while (children != NULL
             && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *child = g_build_filename (tmpdir, g_file_info_get_name (info), NULL);

          g_unlink (child);
          g_object_unref (info);
        }
      g_rmdir (tmpdir);
    }
  g_free (tmpdir);

  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-document-files"

#include "config.h"

#include <string.h>

#include "ct-case-documents.h"
#include "ct-confirmation-copy.h"
#include "ct-document-file-name.h"

static GDateTime *
day (int year, int month, int d)
{
  return g_date_time_new_utc (year, month, d, 12, 0, 0);
}

static void
test_name_parts (void)
{
  g_autoptr(GDateTime) date = day (2026, 12, 2);
  g_autofree char *letter = ct_case_document_file_name ("CT-2026-0042",
                                                        CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, date);
  g_autofree char *pack = ct_case_document_file_name ("CT-2026-0042",
                                                      CT_CASE_DOCUMENT_REFERRAL_PACK, date);
  g_autofree char *chronology = ct_case_document_file_name ("CT-2026-0042",
                                                            CT_CASE_DOCUMENT_CHRONOLOGY, date);
  g_autofree char *concern = ct_case_document_file_name ("CT-2026-0042",
                                                         CT_CASE_DOCUMENT_RECORD_OF_CONCERN, date);

  g_assert_cmpstr (letter, ==, "CT-2026-0042 Referral confirmation 2026-12-02.pdf");
  g_assert_cmpstr (pack, ==, "CT-2026-0042 Referral pack 2026-12-02.pdf");
  g_assert_cmpstr (chronology, ==, "CT-2026-0042 Chronology 2026-12-02.pdf");
  g_assert_cmpstr (concern, ==, "CT-2026-0042 Record of concern 2026-12-02.pdf");
}

/* Two cases never get the same name for the same kind of letter on the same
 * day, and one case's letters of different days differ too. */
static void
test_unique_per_case (void)
{
  g_autoptr(GDateTime) date = day (2026, 12, 2);
  g_autoptr(GDateTime) next = day (2026, 12, 3);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 1; i <= 500; i++)
    {
      g_autofree char *reference = g_strdup_printf ("CT-2026-%04u", i);
      char *name = ct_case_document_file_name (reference, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION,
                                               date);

      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, name);
      name = ct_case_document_file_name (reference, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, next);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, name);
    }
}

static void
assert_safe (const char *name)
{
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_true (g_str_has_suffix (name, ".pdf"));
  g_assert_cmpuint (strlen (name), <=, 255);
  g_assert_true (name[0] != '.' && name[0] != ' ');
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_false (c < 0x80 && strchr ("/\\:*?\"<>|", (int) c) != NULL);
      g_assert_false (c < 0x20 || c == 0x7f);
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_FORMAT);
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_CONTROL);
    }
}

static void
test_unsafe_characters (void)
{
  g_autoptr(GDateTime) date = day (2026, 1, 5);
  g_autofree char *long_ref = g_strnfill (10000, 'x');
  g_autofree char *odd = NULL;
  g_autofree char *slashes = ct_document_file_name ("CT/2026\\0042", "Referral: confirmation?", date);
  g_autofree char *controls = ct_document_file_name ("CT\n2026\t\x01" "0042", "Letter\u200e", date);
  g_autofree char *dots = ct_document_file_name ("../../etc", "passwd", date);
  g_autofree char *longest = ct_document_file_name (long_ref, "Referral confirmation", date);
  g_autofree char *arabic = ct_document_file_name ("CT-\u0645\u0631\u064a\u0645", "Chronology", date);
  g_autofree char *invalid = ct_document_file_name ("CT-\xff\xfe", "Chronology", date);

  g_assert_cmpstr (slashes, ==, "CT-2026-0042 Referral- confirmation- 2026-01-05.pdf");
  g_assert_cmpstr (controls, ==, "CT 2026 -0042 Letter- 2026-01-05.pdf");
  g_assert_cmpstr (dots, ==, "-..-etc passwd 2026-01-05.pdf");
  g_assert_true (g_str_has_suffix (longest, " 2026-01-05.pdf"));
  g_assert_cmpstr (arabic, ==, "CT-\u0645\u0631\u064a\u0645 Chronology 2026-01-05.pdf");
  odd = ct_document_file_name (NULL, "Chronology", date);
  g_assert_cmpstr (odd, ==, "Chronology 2026-01-05.pdf");
  {
    const char *names[] = { slashes, controls, dots, longest, arabic, invalid, odd };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      assert_safe (names[i]);
  }
}

/* The date is the document's day in the UK: just after midnight in summer
 * is already the next day there. */
static void
test_name_from_kept_document (void)
{
  g_autoptr(CtRecord) document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
  g_autoptr(GDateTime) made = g_date_time_new_utc (2026, 7, 1, 23, 30, 0);
  g_autofree char *name = NULL;

  ct_record_set_string (document, "kind", "referral-pack");
  ct_record_set_string (document, "case-reference", "CT-2026-0007");
  ct_record_set_int64 (document, "generated-at", g_date_time_to_unix (made) * G_USEC_PER_SEC);
  name = ct_case_document_get_file_name (document);
  g_assert_cmpstr (name, ==, "CT-2026-0007 Referral pack 2026-07-02.pdf");
}

static void
test_confirmation_copy (void)
{
  static const guchar png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.7\nform\n", 14);
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
  g_autoptr(CtRecord) copy = NULL;
  g_autoptr(CtRecord) image_copy = NULL;
  g_autoptr(CtRecord) refused = NULL;
  g_autoptr(CtRecord) tampered = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) other = g_bytes_new_static ("%PDF-1.7\nfake\n", 14);
  g_autofree char *name = NULL;
  const char *type = NULL;

  copy = ct_confirmation_copy_new (pdf, "Their form.pdf", "CT-2026-0042", "staff-1", &error);
  g_assert_no_error (error);
  g_assert_true (ct_confirmation_copy_is_copy (copy));
  back = ct_confirmation_copy_get_bytes (copy, &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, pdf));
  g_assert_cmpstr (type, ==, "application/pdf");
  g_assert_cmpstr (ct_record_get_string (copy, "file-name"), ==, "Their form.pdf");

  image_copy = ct_confirmation_copy_new (image, "photo.png", "CT-2026-0042", "staff-1", &error);
  g_assert_no_error (error);
  g_clear_pointer (&back, g_bytes_unref);
  back = ct_confirmation_copy_get_bytes (image_copy, &type, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, image));
  g_assert_cmpstr (type, ==, "image/png");
  ct_record_set_int64 (image_copy, "generated-at",
                       (gint64) 1796212800 * G_USEC_PER_SEC); /* 2026-12-02 */
  name = ct_case_document_get_file_name (image_copy);
  g_assert_cmpstr (name, ==, "CT-2026-0042 Referral confirmation copy 2026-12-02.png");

  refused = ct_confirmation_copy_new (text, "notes.txt", "CT-2026-0042", "staff-1", &error);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_assert_null (refused);
  g_clear_error (&error);

  /* Bytes that are not what was kept are refused, not handed out. */
  tampered = ct_record_copy (copy);
  ct_record_set_bytes (tampered, "pdf", other);
  g_clear_pointer (&back, g_bytes_unref);
  back = ct_confirmation_copy_get_bytes (tampered, NULL, &error);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED);
  g_assert_null (back);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/documents/file-name/parts", test_name_parts);
  g_test_add_func ("/documents/file-name/unique-per-case", test_unique_per_case);
  g_test_add_func ("/documents/file-name/unsafe-characters", test_unsafe_characters);
  g_test_add_func ("/documents/file-name/kept-document", test_name_from_kept_document);
  g_test_add_func ("/documents/confirmation-copy", test_confirmation_copy);

  return g_test_run ();
}

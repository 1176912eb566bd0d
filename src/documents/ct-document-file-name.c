/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-document-file-name"

#include "config.h"

#include "ct-document-file-name.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * The names documents are saved under. A saved letter or report is found
 * again by its name alone, so the name says which case it belongs to, what
 * it is and when it was made: "CT-2026-0042 Referral confirmation
 * 2026-12-02.pdf". Two cases never share a reference, so letters for
 * different children never get the same name and never overwrite each
 * other.
 */

/* Names longer than this (in bytes, before ".pdf") are shortened: most file
 * systems refuse names over 255 bytes. */
#define MAX_NAME_BYTES 200

static gboolean
is_unsafe (gunichar c)
{
  /* Folder separators, characters Windows and FAT (USB sticks) refuse, and
   * anything that is not a visible character or a space. */
  return c < 0x20 || c == 0x7f || strchr ("/\\:*?\"<>|", (int) c) != NULL
         || g_unichar_type (c) == G_UNICODE_CONTROL
         || g_unichar_type (c) == G_UNICODE_FORMAT
         || g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR
         || g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR;
}

/* Appends @text with unsafe characters replaced by "-" and runs of spaces
 * made one; invalid UTF-8 is replaced too. */
static void
append_safe (GString    *name,
             const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || is_unsafe (c))
        c = g_unichar_isspace (c) ? ' ' : '-';
      if (c == ' ' && (name->len == 0 || name->str[name->len - 1] == ' '))
        continue;
      g_string_append_unichar (name, c);
    }
}

/**
 * ct_document_file_name:
 * @reference: (nullable): the case reference, such as "CT-2026-0042"
 * @what: what the document is, such as "Referral confirmation"
 * @date: (nullable): the document's date; today when %NULL
 *
 * Makes the name a document is saved under: the case reference, what it is
 * and its date (year-month-day, so names sort by date), with characters that
 * are unsafe in file names replaced by "-", ending in ".pdf".
 *
 * Returns: (transfer full): the file name, without a folder
 */
char *
ct_document_file_name (const char *reference,
                       const char *what,
                       GDateTime  *date)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (what != NULL, NULL);

  if (date == NULL)
    {
      g_autoptr(GTimeZone) london = g_time_zone_new_identifier ("Europe/London");

      now = london != NULL ? g_date_time_new_now (london) : g_date_time_new_now_utc ();
      date = now;
    }
  day = g_date_time_format (date, "%Y-%m-%d");

  append_safe (name, reference);
  if (name->len > 0 && name->str[name->len - 1] != ' ')
    g_string_append_c (name, ' ');
  append_safe (name, what);

  /* A very long reference or title is cut at a character boundary so the
   * date and the extension always fit. */
  if (name->len > MAX_NAME_BYTES)
    {
      const char *end = g_utf8_find_prev_char (name->str, name->str + MAX_NAME_BYTES + 1);

      g_string_truncate (name, end - name->str);
    }
  while (name->len > 0 && name->str[name->len - 1] == ' ')
    g_string_truncate (name, name->len - 1);
  /* A name starting with a dot would be hidden. */
  while (name->len > 0 && (name->str[0] == '.' || name->str[0] == ' '))
    g_string_erase (name, 0, 1);

  if (name->len > 0)
    g_string_append_c (name, ' ');
  g_string_append_printf (name, "%s.pdf", day);

  return g_string_free (g_steal_pointer (&name), FALSE);
}

static const char *
kind_file_words (CtCaseDocumentKind kind)
{
  switch (kind)
    {
    case CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION:
      /* Translators: part of a file name, "CT-2026-0042 Referral confirmation 2026-12-02.pdf". */
      return _("Referral confirmation");
    case CT_CASE_DOCUMENT_RECORD_OF_CONCERN:
      /* Translators: part of a file name. */
      return _("Record of concern");
    case CT_CASE_DOCUMENT_CHRONOLOGY:
      /* Translators: part of a file name. */
      return _("Chronology");
    case CT_CASE_DOCUMENT_REFERRAL_PACK:
      /* Translators: part of a file name: the referral letter with the chronology. */
      return _("Referral pack");
    default:
      return _("Document");
    }
}

/**
 * ct_case_document_file_name:
 * @reference: the case reference
 * @kind: which document
 * @date: (nullable): the document's date; today when %NULL
 *
 * Returns: (transfer full): the name a document of @kind for the case is
 *   saved under, such as "CT-2026-0042 Referral confirmation 2026-12-02.pdf"
 */
char *
ct_case_document_file_name (const char         *reference,
                            CtCaseDocumentKind  kind,
                            GDateTime          *date)
{
  return ct_document_file_name (reference, kind_file_words (kind), date);
}

/**
 * ct_case_document_get_file_name:
 * @document: a kept DOCUMENT record
 *
 * The name @document is saved under by default: its case's reference, its
 * kind and the day it was made (UK time).
 *
 * Returns: (transfer full): the file name
 */
char *
ct_case_document_get_file_name (CtRecord *document)
{
  g_autoptr(GTimeZone) london = g_time_zone_new_identifier ("Europe/London");
  g_autoptr(GDateTime) made = NULL;
  const char *reference;
  const char *content_type;
  char *name;
  gint64 generated_at;
  CtCaseDocumentKind kind;

  g_return_val_if_fail (CT_IS_RECORD (document), NULL);

  /* Documents kept before the reference was recorded with them fall back to
   * their case's id, which is as unique. */
  reference = ct_record_get_string (document, "case-reference");
  if (reference == NULL)
    reference = ct_record_get_case_id (document);

  generated_at = ct_record_get_int64 (document, "generated-at", 0);
  if (generated_at > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (generated_at / G_USEC_PER_SEC);

      if (utc != NULL)
        made = london != NULL ? g_date_time_to_timezone (utc, london) : g_date_time_ref (utc);
    }

  if (ct_case_document_kind_from_string (ct_record_get_string (document, "kind"), &kind))
    return ct_case_document_file_name (reference, kind, made);

  /* A kept copy of a confirmation may be an image: it keeps its type. */
  name = ct_document_file_name (reference,
                                g_strcmp0 (ct_record_get_string (document, "kind"),
                                           "confirmation-copy") == 0
                                ? _("Referral confirmation copy")
                                : ct_case_document_get_title (document),
                                made);
  content_type = ct_record_get_string (document, "content-type");
  if (g_strcmp0 (content_type, "image/png") == 0 || g_strcmp0 (content_type, "image/jpeg") == 0)
    {
      g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".pdf"));

      g_free (name);
      name = g_strconcat (stem, g_strcmp0 (content_type, "image/png") == 0 ? ".png" : ".jpg",
                          NULL);
    }
  return name;
}

/**
 * ct_document_get_default_folder:
 *
 * Where documents are saved unless the user picks another folder: their
 * Documents folder, or their home folder when there is none. Never the
 * folder the program happened to be started in.
 *
 * Returns: (transfer full): a folder path
 */
char *
ct_document_get_default_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR))
    return g_strdup (documents);

  return g_strdup (g_get_home_dir ());
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-confirmation-copy"

#include "config.h"

#include "ct-confirmation-copy.h"

#include <glib/gi18n.h>
#include <string.h>

/*
 * A copy of what confirmed a referral in writing when it was not
 * Caretrail's own letter: the authority's own form, a page saved from its
 * portal, a photograph of a posted letter. It is kept as a DOCUMENT record
 * of kind "confirmation-copy", encrypted with the case like every letter,
 * with the SHA-256 of its bytes. A PDF is kept in the "pdf" field, so it
 * can be previewed, printed and saved as letters are; an image in "image".
 * The file's name ("file-name") and type ("content-type") are kept too.
 */

static const char *
sniff_content_type (GBytes *contents)
{
  gsize size;
  const guchar *data = g_bytes_get_data (contents, &size);

  if (size >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "application/pdf";
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  return NULL;
}

/**
 * ct_confirmation_copy_new:
 * @contents: the file's bytes
 * @file_name: (nullable): the file's name, to show and to save it under
 * @reference: the case's reference, for the name it is saved under
 * @staff_id: who is keeping it
 * @error: return location for a #GError
 *
 * Makes the record that keeps a copy of a written confirmation, to be
 * stored with the "confirmation-sent" step (see
 * ct_case_service_record_with_records_sync()). Only a PDF, PNG or JPEG
 * file is accepted.
 *
 * Returns: (transfer full): a new DOCUMENT record, or %NULL with @error set
 */
CtRecord *
ct_confirmation_copy_new (GBytes      *contents,
                          const char  *file_name,
                          const char  *reference,
                          const char  *staff_id,
                          GError     **error)
{
  g_autoptr(CtRecord) document = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *name = NULL;
  const char *content_type;

  g_return_val_if_fail (contents != NULL, NULL);

  if (g_bytes_get_size (contents) > CT_CONFIRMATION_COPY_MAX_BYTES)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The copy is larger than %d MB, so it was not kept. Save a smaller PDF "
                     "or image of the confirmation and try again."),
                   CT_CONFIRMATION_COPY_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  content_type = sniff_content_type (contents);
  if (content_type == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The copy must be a PDF, PNG or JPEG file. Save the confirmation as one "
                     "of those and try again."));
      return NULL;
    }

  name = g_utf8_make_valid (file_name != NULL ? file_name : "", -1);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, contents);
  document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
  ct_record_set_string (document, "kind", "confirmation-copy");
  ct_record_set_string (document, "title", N_("Copy of the written confirmation"));
  ct_record_set_bytes (document, strcmp (content_type, "application/pdf") == 0 ? "pdf" : "image",
                       contents);
  ct_record_set_string (document, "content-type", content_type);
  if (name[0] != '\0')
    ct_record_set_string (document, "file-name", name);
  ct_record_set_string (document, "sha256", sha256);
  ct_record_set_int64 (document, "generated-at", g_get_real_time ());
  if (staff_id != NULL)
    ct_record_set_string (document, "generated-by", staff_id);
  if (reference != NULL)
    ct_record_set_string (document, "case-reference", reference);

  return g_steal_pointer (&document);
}

/**
 * ct_confirmation_copy_new_from_file:
 * @file: the file the user chose
 * @reference: the case's reference
 * @staff_id: who is keeping it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @file and makes the record that keeps it (see
 * ct_confirmation_copy_new()). Blocks: call it off the main thread.
 *
 * Returns: (transfer full): a new DOCUMENT record, or %NULL with @error set
 */
CtRecord *
ct_confirmation_copy_new_from_file (GFile         *file,
                                    const char    *reference,
                                    const char    *staff_id,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  /* Refused before it is read, so a huge file is never loaded. */
  if (g_file_info_get_size (info) > CT_CONFIRMATION_COPY_MAX_BYTES)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The copy is larger than %d MB, so it was not kept. Save a smaller PDF "
                     "or image of the confirmation and try again."),
                   CT_CONFIRMATION_COPY_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  contents = g_file_load_bytes (file, cancellable, NULL, error);
  if (contents == NULL)
    return NULL;

  name = g_strdup (g_file_info_get_display_name (info));
  return ct_confirmation_copy_new (contents, name, reference, staff_id, error);
}

/**
 * ct_confirmation_copy_is_copy:
 * @document: a DOCUMENT record
 *
 * Returns: %TRUE if @document is a kept copy of a written confirmation
 */
gboolean
ct_confirmation_copy_is_copy (CtRecord *document)
{
  g_return_val_if_fail (CT_IS_RECORD (document), FALSE);

  return g_strcmp0 (ct_record_get_string (document, "kind"), "confirmation-copy") == 0;
}

/**
 * ct_confirmation_copy_get_bytes:
 * @document: a kept copy
 * @content_type: (out) (optional) (transfer none): its type, such as
 *   "application/pdf"
 * @error: return location for a #GError
 *
 * Returns the kept bytes after checking them against their recorded SHA-256.
 *
 * Returns: (transfer full): the bytes, or %NULL with @error set
 *   (%CT_DOCUMENT_ERROR_DAMAGED when they do not match)
 */
GBytes *
ct_confirmation_copy_get_bytes (CtRecord    *document,
                                const char **content_type,
                                GError     **error)
{
  GBytes *contents;
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (CT_IS_RECORD (document), NULL);

  contents = ct_record_get_bytes (document, "pdf");
  if (contents == NULL)
    contents = ct_record_get_bytes (document, "image");
  if (contents == NULL || !ct_confirmation_copy_is_copy (document))
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED,
                   _("The kept copy has no content. Keep the copy again from the file you have."));
      return NULL;
    }

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, contents);
  if (g_strcmp0 (sha256, ct_record_get_string (document, "sha256")) != 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED,
                   _("The kept copy does not match the fingerprint recorded when it was kept, "
                     "so it has been changed or damaged. Run “caretrail-admin verify” and "
                     "report this to the Designated Safeguarding Officer."));
      return NULL;
    }

  if (content_type != NULL)
    *content_type = ct_record_get_string (document, "content-type");
  return g_bytes_ref (contents);
}

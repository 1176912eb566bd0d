/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-documents"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-case-service.h"
#include "ct-case-documents.h"
#include "ct-confirmation-copy.h"
#include "ct-details.h"
#include "ct-document-samples.h"
#include "ct-document-file-name.h"
#include "ct-documents.h"
#include "ct-store.h"

/*
 * caretrail-admin letter: produce a document as a PDF file.
 *
 * With --case the document is made from a stored case and its exact bytes
 * are kept in the database (a new version each time), with their SHA-256 in
 * the audit log; the file written is those kept bytes. --stored writes the
 * newest kept version without producing it again. --sample makes the same
 * documents from fictional sample data, to check the layout.
 */

#define ADMIN_STAFF "caretrail-admin"

typedef enum
{
  KIND_REFERRAL_CONFIRMATION,
  KIND_RECORD_OF_CONCERN,
  KIND_BLANK_RECORD_OF_CONCERN,
  KIND_CHRONOLOGY,
  KIND_RECOVERY_SHEET,
  KIND_REFERRAL_PACK,
  KIND_CONFIRMATION_COPY,
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
  { "referral-pack", KIND_REFERRAL_PACK },
  { "confirmation-copy", KIND_CONFIRMATION_COPY },
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

    case KIND_REFERRAL_PACK:
    case KIND_CONFIRMATION_COPY:
    case KIND_INVALID:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
write_file (const char  *output,
            GBytes      *pdf,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (output);

  /* Written whole to a temporary file and renamed, so an interrupted run
   * never leaves half a PDF under the requested name. */
  return g_file_replace_contents (file, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                  NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, error);
}

/* Writes the newest kept copy of what confirmed the case's referral (kept
 * with "caretrail-admin record confirmation-sent --copy FILE"), checked
 * against its fingerprint. */
static int
write_confirmation_copy (const char *reference,
                         const char *database,
                         const char *output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *default_output = NULL;
  CtRecord *copy = NULL;

  path = database != NULL ? g_strdup (database) : ct_store_get_default_path ();
  store = ct_store_open_sync (path, &error);
  if (store != NULL)
    case_record = ct_case_find_sync (store, reference, &error);
  if (case_record != NULL)
    documents = ct_store_list_sync (store, CT_RECORD_KIND_DOCUMENT,
                                    ct_record_get_id (case_record), &error);
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      CtRecord *document = g_ptr_array_index (documents, i);

      if (ct_confirmation_copy_is_copy (document)
          && (copy == NULL
              || ct_record_get_int64 (document, "generated-at", 0)
                 >= ct_record_get_int64 (copy, "generated-at", 0)))
        copy = document;
    }
  if (documents != NULL && copy == NULL)
    g_set_error (&error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NOT_FOUND,
                 _("No copy of the written confirmation is kept for case “%s”."), reference);
  if (copy != NULL)
    contents = ct_confirmation_copy_get_bytes (copy, NULL, &error);
  if (contents != NULL && (output == NULL || g_file_test (output, G_FILE_TEST_IS_DIR)))
    {
      g_autofree char *name = ct_case_document_get_file_name (copy);

      default_output = g_build_filename (output != NULL ? output : ".", name, NULL);
      output = default_output;
    }
  if (contents == NULL || !write_file (output, contents, &error))
    {
      ct_admin_print_error ("letter", error);
      if (store != NULL)
        ct_store_close (store);
      return 1;
    }

  g_print (_("Wrote the kept copy of the written confirmation for case %s to %s\n"),
           reference, output);
  g_print (_("SHA-256: %s\n"), ct_record_get_string (copy, "sha256"));
  ct_store_close (store);
  return 0;
}

/* Prints what the referral letter lacks, each with the form that holds it.
 * Returns how many gaps there are, or -1 with @error set. */
static int
print_referral_gaps (CtStore     *store,
                     const char  *reference,
                     GError     **error)
{
  g_autoptr(GPtrArray) gaps = ct_case_document_referral_gaps_sync (store, ADMIN_STAFF, reference,
                                                                     error);

  if (gaps == NULL)
    return -1;
  if (gaps->len == 0)
    {
      g_print (_("Nothing the local authority needs is missing from the referral letter for case %s.\n"),
               reference);
      return 0;
    }

  g_print (_("The referral letter for case %s is a DRAFT until these are filled in or explained:\n"),
           reference);
  for (guint i = 0; i < gaps->len; i++)
    {
      CtReferralGap *gap = g_ptr_array_index (gaps, i);

      /* Translators: a missing detail, the form that holds it, and the key to
       * explain it with (caretrail-admin letter --explain KEY=WHY). */
      g_print (_("  %s (in %s; explain with --explain %s=WHY)\n"), gap->label,
               ct_referral_form_get_title (gap->form), gap->key);
    }
  return (int) gaps->len;
}

/* Records explanations ("key=why") for details the referral lacks, on the
 * case, through the one path that changes details. */
static gboolean
record_explanations (CtStore             *store,
                     const char          *reference,
                     const char * const  *explanations,
                     GError             **error)
{
  g_autoptr(CtRecord) case_record = ct_case_find_sync (store, reference, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) changed = NULL;
  g_auto(GStrv) list = NULL;
  const char * const *existing;

  if (case_record == NULL)
    return FALSE;

  existing = ct_record_get_strv (case_record, "referral-explanations");
  for (guint i = 0; existing != NULL && existing[i] != NULL; i++)
    g_strv_builder_add (builder, existing[i]);
  for (guint i = 0; explanations[i] != NULL; i++)
    {
      const char *equals = strchr (explanations[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *entry = NULL;

      if (equals == NULL || equals == explanations[i] || equals[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not an explanation. Write the detail’s key, “=”, then why it "
                         "is missing, for example child.nhs-number=Not known to us."),
                       explanations[i]);
          return FALSE;
        }
      key = g_strndup (explanations[i], equals - explanations[i]);
      entry = g_strdup_printf ("%s: %s", key, equals + 1);
      g_strv_builder_add (builder, entry);
    }
  list = g_strv_builder_end (builder);
  ct_answers_set_strv (answers, "referral-explanations", (const char * const *) list);
  changed = ct_details_change_record (case_record, answers, error);
  return changed != NULL && ct_store_update_sync (store, ADMIN_STAFF, changed, error);
}

static int
write_case_document (const char   *reference,
                     DocumentKind  kind,
                     const char   *database,
                     const char   *logo,
                     const char   *closing,
                     gboolean      stored,
                     const char   *sent_how,
                     const char   *sent_to,
                     const char   *staff_id,
                     const char   *output,
                     gboolean      missing,
                     const char * const *explanations)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = NULL;
  g_autofree char *default_output = NULL;
  CtCaseDocumentKind case_kind;
  CtCaseDocumentOptions options = { logo, closing, NULL };
  gboolean marking_only = sent_how != NULL && output == NULL;

  switch (kind)
    {
    case KIND_REFERRAL_CONFIRMATION:
      case_kind = CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION;
      break;
    case KIND_RECORD_OF_CONCERN:
      case_kind = CT_CASE_DOCUMENT_RECORD_OF_CONCERN;
      break;
    case KIND_CHRONOLOGY:
      case_kind = CT_CASE_DOCUMENT_CHRONOLOGY;
      break;
    case KIND_REFERRAL_PACK:
      case_kind = CT_CASE_DOCUMENT_REFERRAL_PACK;
      break;
    case KIND_BLANK_RECORD_OF_CONCERN:
    case KIND_RECOVERY_SHEET:
    case KIND_CONFIRMATION_COPY:
    case KIND_INVALID:
    default:
      g_printerr ("%s\n", _("caretrail-admin letter: with --case, the kind must be "
                            "referral-confirmation, referral-pack, record-of-concern or "
                            "chronology."));
      return 2;
    }

  if ((stored || sent_how != NULL) && (logo != NULL || closing != NULL))
    {
      g_printerr ("%s\n", _("caretrail-admin letter: --stored and --mark-sent use the kept "
                            "document as it is, so they take no --logo or --closing."));
      return 2;
    }

  path = database != NULL ? g_strdup (database) : ct_store_get_default_path ();
  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    {
      ct_admin_print_error ("letter", error);
      return 1;
    }

  if (explanations != NULL && !record_explanations (store, reference, explanations, &error))
    {
      ct_admin_print_error ("letter", error);
      ct_store_close (store);
      return 1;
    }
  if (missing || (explanations != NULL && output == NULL && sent_how == NULL))
    {
      int n_gaps = print_referral_gaps (store, reference, &error);

      if (n_gaps < 0)
        ct_admin_print_error ("letter", error);
      ct_store_close (store);
      return n_gaps < 0 ? 1 : 0;
    }

  /* Sending the written confirmation of a referral is a step of the
   * procedure: it is recorded as the app records it, through the case
   * service, which marks the confirmation waiting to be sent as sent and
   * stops its clock. */
  if (sent_how != NULL && (case_kind == CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION
                           || case_kind == CT_CASE_DOCUMENT_REFERRAL_PACK))
    {
      g_autoptr(CtCaseService) service = ct_case_service_new_for_store_sync (store, &error);
      g_autoptr(GHashTable) answers = ct_answers_new ();
      g_autoptr(CtTransition) sent = NULL;

      ct_answers_set_text (answers, "method", sent_how);
      ct_answers_set_text (answers, "to-whom", sent_to);
      if (service != NULL)
        sent = ct_case_service_record_sync (service, reference, CT_EVENT_CONFIRMATION_SENT, answers,
                                            staff_id, NULL, NULL, &error);
      if (sent == NULL)
        {
          ct_admin_print_error ("letter", error);
          ct_store_close (store);
          return 1;
        }
      g_print (_("Recorded “%s” in case %s, which is now: %s.\n"),
               ct_event_get_title (CT_EVENT_CONFIRMATION_SENT), reference,
               ct_state_get_title (sent->to));
      if (output == NULL)
        {
          ct_store_close (store);
          return 0;
        }
      stored = TRUE;
      sent_how = NULL;
    }

  if (stored || sent_how != NULL)
    document = ct_case_document_get_latest_sync (store, reference, case_kind, &error);
  else
    document = ct_case_document_generate_sync (store, ADMIN_STAFF, reference, case_kind,
                                               &options, &error);

  /* What is written is what was kept, checked against its fingerprint. */
  if (document != NULL)
    pdf = ct_case_document_get_pdf (document, &error);
  if (pdf != NULL && sent_how != NULL
      && !ct_case_document_mark_sent_sync (store, ADMIN_STAFF, document, g_get_real_time (),
                                           sent_how, sent_to, &error))
    g_clear_pointer (&pdf, g_bytes_unref);
  /* Without --output, or with a folder as --output, the file gets the name
   * the app's save dialog offers: the case reference, the kind and the
   * date. --mark-sent alone writes nothing. */
  if (pdf != NULL && (output == NULL ? !marking_only : g_file_test (output, G_FILE_TEST_IS_DIR)))
    {
      g_autofree char *name = ct_case_document_get_file_name (document);

      default_output = g_build_filename (output != NULL ? output : ".", name, NULL);
      output = default_output;
    }
  if (pdf == NULL || (output != NULL && !write_file (output, pdf, &error)))
    {
      ct_admin_print_error ("letter", error);
      ct_store_close (store);
      return 1;
    }

  if (sent_how != NULL)
    g_print (_("Recorded version %" G_GINT64_FORMAT " of the %s for case %s as sent (%s)\n"),
             ct_record_get_int64 (document, "document-version", 1),
             ct_case_document_kind_to_string (case_kind), reference, sent_how);
  if (output != NULL)
    g_print (_("Wrote version %" G_GINT64_FORMAT " of the %s for case %s to %s\n"),
             ct_record_get_int64 (document, "document-version", 1),
             ct_case_document_kind_to_string (case_kind), reference, output);
  g_print (_("SHA-256: %s\n"), ct_record_get_string (document, "sha256"));
  if (ct_record_get_boolean (document, "draft", FALSE)
      && print_referral_gaps (store, reference, &error) < 0)
    ct_admin_print_error ("letter", error);
  ct_store_close (store);
  return 0;
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
  g_autofree char *case_ref = NULL;
  g_autofree char *kind_name = NULL;
  g_autofree char *output = NULL;
  g_autofree char *logo = NULL;
  g_autofree char *closing = NULL;
  g_autofree char *database = NULL;
  g_autofree char *sent_how = NULL;
  g_autofree char *sent_to = NULL;
  g_autofree char *staff_id = NULL;
  gboolean sample = FALSE;
  gboolean stored = FALSE;
  gboolean pack = FALSE;
  gboolean missing = FALSE;
  g_auto(GStrv) explanations = NULL;
  DocumentKind kind;
  int status;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &case_ref,
      N_("The reference of the case the document is for"), N_("REF") },
    { "sample", 0, 0, G_OPTION_ARG_NONE, &sample,
      N_("Use fictional sample data instead of a case"), NULL },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name,
      N_("referral-confirmation (the default), referral-pack, record-of-concern, "
         "blank-record-of-concern, chronology or recovery-sheet; confirmation-copy (with "
         "--stored) writes the copy kept of how the referral was confirmed"), N_("KIND") },
    { "pack", 0, 0, G_OPTION_ARG_NONE, &pack,
      N_("The referral pack: the written confirmation followed by the case chronology, in "
         "one PDF with its pages numbered through (the same as --kind referral-pack)"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The PDF file to write, or a folder to write it in (with --case, by default "
         "“REF Kind YYYY-MM-DD.pdf” in the current folder)"), N_("FILE.pdf") },
    { "logo", 0, 0, G_OPTION_ARG_FILENAME, &logo,
      N_("A PNG logo for the letterhead (with --sample)"), N_("FILE.png") },
    { "closing", 0, 0, G_OPTION_ARG_STRING, &closing,
      N_("The organisation’s closing paragraph, instead of the one in its settings"), N_("TEXT") },
    { "stored", 0, 0, G_OPTION_ARG_NONE, &stored,
      N_("Write the newest kept version instead of producing the document again (with --case)"), NULL },
    { "mark-sent", 0, 0, G_OPTION_ARG_STRING, &sent_how,
      N_("Record that the newest kept version was sent now, and how: post, email, secure-email, hand or portal (with --case)"), N_("HOW") },
    { "sent-to", 0, 0, G_OPTION_ARG_STRING, &sent_to,
      N_("Who it was sent to (with --mark-sent)"), N_("WHOM") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &staff_id,
      N_("The member of staff who sent the written confirmation of a referral (with --mark-sent)"), N_("STAFF-ID") },
    { "missing", 0, 0, G_OPTION_ARG_NONE, &missing,
      N_("List what the referral letter lacks for the local authority, and the form that holds each (with --case)"), NULL },
    { "explain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &explanations,
      N_("Record why a detail the referral letter lacks is missing, so the letter can be final (with --case; repeat for each)"), N_("KEY=WHY") },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database,
      N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };

  context = g_option_context_new (_("— produce a letter or report as a PDF"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "letter", &argc, &argv);
  if (status != 0)
    return status;

  if (pack && kind_name != NULL && g_strcmp0 (kind_name, "referral-pack") != 0)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: --pack is a kind of document of its own, so it takes no --kind."));
      return 2;
    }
  kind = parse_kind (pack ? "referral-pack" : kind_name != NULL ? kind_name : "referral-confirmation");
  if (kind == KIND_INVALID)
    {
      g_printerr (_("caretrail-admin letter: “%s” is not a kind of document. Use "
                    "referral-confirmation, referral-pack, record-of-concern, "
                    "blank-record-of-concern, chronology or recovery-sheet.\n"), kind_name);
      return 2;
    }

  if (output == NULL && case_ref == NULL && sent_how == NULL && !missing && explanations == NULL)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: say where to write the PDF with --output FILE.pdf."));
      return 2;
    }

  if (sample == (case_ref != NULL))
    {
      g_printerr ("%s\n", _("caretrail-admin letter: give either --case REF or --sample."));
      return 2;
    }

  if (sent_to != NULL && sent_how == NULL)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: --sent-to goes with --mark-sent."));
      return 2;
    }

  if (case_ref != NULL)
    {
      if (sent_how != NULL && !ct_case_document_is_send_method (sent_how))
        {
          g_printerr (_("caretrail-admin letter: “%s” is not a way of sending Caretrail records. Use post, email, secure-email, hand or portal.\n"),
                      sent_how);
          return 2;
        }
      if (sent_how != NULL && (kind == KIND_REFERRAL_CONFIRMATION || kind == KIND_REFERRAL_PACK)
          && (staff_id == NULL || sent_to == NULL))
        {
          g_printerr ("%s\n", _("caretrail-admin letter: sending the written confirmation is a step of the procedure: say who sent it with --by STAFF-ID and to whom with --sent-to."));
          return 2;
        }
      if (kind == KIND_CONFIRMATION_COPY)
        {
          if (!stored || sent_how != NULL || logo != NULL || closing != NULL)
            {
              g_printerr ("%s\n", _("caretrail-admin letter: the copy of the written confirmation is kept as it was given: write it with --stored, and nothing else."));
              return 2;
            }
          return write_confirmation_copy (case_ref, database, output);
        }
      return write_case_document (case_ref, kind, database, logo, closing, stored,
                                  sent_how, sent_to, staff_id, output, missing,
                                  (const char * const *) explanations);
    }

  if (stored || database != NULL || sent_how != NULL)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: --stored, --mark-sent and --database go "
                            "with --case."));
      return 2;
    }

  if (kind == KIND_REFERRAL_PACK || kind == KIND_CONFIRMATION_COPY)
    {
      g_printerr ("%s\n", _("caretrail-admin letter: that kind of document belongs to a case: use it with --case REF."));
      return 2;
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

  if (!write_file (output, pdf, &error))
    {
      ct_admin_print_error ("letter", error);
      return 1;
    }

  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-documents-case"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ct-case-documents.h"
#include "ct-crypto.h"
#include "ct-documents.h"
#include "ct-procedure.h"
#include "ct-store.h"

/*
 * Documents made from a real encrypted store: the case's records reach the
 * letter, the exact bytes are kept with their SHA-256 in the audit log,
 * reopening gives the same bytes, and a correction makes a new version
 * while the old one stays.
 */

#define STAFF "test-dso"
#define REFERENCE "CT-2026-0042"

typedef struct
{
  char *dir;
  char *path;
  CtStore *store;
  CtRecord *case_record;
  CtRecord *child;
  CtRecord *referral;
  GDateTime *now;
} Fixture;

static CtRecord *
insert (Fixture      *fixture,
        CtRecord     *record,
        const char   *case_id)
{
  g_autoptr(GError) error = NULL;

  if (case_id != NULL)
    ct_record_set_case_id (record, case_id);
  g_assert_true (ct_store_insert_sync (fixture->store, STAFF, record, &error));
  g_assert_no_error (error);

  return record;
}

static gint64
usec (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(CtRecord) dso = ct_record_new (CT_RECORD_KIND_STAFF);
  g_autoptr(CtRecord) agency = ct_record_new (CT_RECORD_KIND_AGENCY);
  g_autoptr(CtRecord) person = ct_record_new (CT_RECORD_KIND_PERSON);
  g_autoptr(CtRecord) alleged = ct_record_new (CT_RECORD_KIND_PERSON);
  g_autoptr(CtRecord) rel = ct_record_new (CT_RECORD_KIND_RELATIONSHIP);
  g_autoptr(CtRecord) rel2 = ct_record_new (CT_RECORD_KIND_RELATIONSHIP);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) decision = ct_record_new (CT_RECORD_KIND_DECISION);
  g_autoptr(CtRecord) sharing = ct_record_new (CT_RECORD_KIND_INFO_SHARING);
  g_autoptr(CtRecord) entry1 = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  g_autoptr(CtRecord) entry2 = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  const char *harms[] = { "physical", "emotional", NULL };
  const char *aliases[] = { "Robin Testperson", NULL };
  const char *child_ids[2] = { NULL, NULL };
  const char *case_id;

  fixture->dir = g_dir_make_tmp ("ct-documents-case-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "case.db", NULL);
  fixture->store = ct_store_create_sync (fixture->path, NULL, &error);
  g_assert_no_error (error);
  fixture->now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);

  ct_record_set_string (org, "name", "Testbridge Family Law (test)");
  ct_record_set_string (org, "address", "9 Test Street\nTesttown TT1 1TT");
  ct_record_set_string (org, "phone", "01632 960500");
  ct_record_set_string (org, "letter-closing", "Our closing paragraph from the settings.");
  insert (fixture, org, NULL);

  ct_record_set_string (dso, "name", "Dee Ess-Oh");
  ct_record_set_string (dso, "role", "Compliance Officer and DSO");
  ct_record_set_string (dso, "phone", "01632 960501");
  ct_record_set_string (dso, "email", "dso@testbridge.example.org");
  ct_record_set_boolean (dso, "is-dso", TRUE);
  insert (fixture, dso, NULL);

  ct_record_set_string (agency, "name", "Testshire Children’s Front Door");
  ct_record_set_string (agency, "address", "County Hall\nTesttown TT9 9TT");
  ct_record_set_string (agency, "kind", "mash");
  insert (fixture, agency, NULL);

  fixture->case_record = ct_record_new (CT_RECORD_KIND_CASE);
  ct_record_set_reference (fixture->case_record, REFERENCE);
  ct_record_set_string (fixture->case_record, "summary", "Robin disclosed being hit at home.");
  insert (fixture, fixture->case_record, NULL);
  case_id = ct_record_get_id (fixture->case_record);

  fixture->child = ct_record_new (CT_RECORD_KIND_CHILD);
  ct_record_set_string (fixture->child, "given-names", "Robin");
  ct_record_set_string (fixture->child, "family-name", "Testperson-عمر");
  ct_record_set_strv (fixture->child, "aliases", aliases);
  ct_record_set_string (fixture->child, "date-of-birth", "2015-06-01");
  ct_record_set_string (fixture->child, "address", "1 Old Road, Testtown");
  ct_record_set_string (fixture->child, "school", "Testtown Primary");
  ct_record_set_string (fixture->child, "status", "child-in-need");
  ct_record_set_string (fixture->child, "lead-worker", "Lee Worker");
  ct_record_set_string (fixture->child, "agencies-involved", "School nurse; CAMHS");
  ct_record_set_boolean (fixture->child, "safe-now", TRUE);
  ct_record_set_string (fixture->child, "gender", "female");
  ct_record_set_string (fixture->child, "ethnicity", "White British");
  ct_record_set_string (fixture->child, "language", "English");
  insert (fixture, fixture->child, case_id);

  child_ids[0] = ct_record_get_id (fixture->child);
  ct_record_set_strv (fixture->case_record, "child-ids", child_ids);
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fixture->case_record, &error));
  g_assert_no_error (error);

  ct_record_set_string (person, "given-names", "Pat");
  ct_record_set_string (person, "family-name", "Testperson");
  ct_record_set_string (person, "address", "1 Old Road, Testtown");
  insert (fixture, person, case_id);
  ct_record_set_string (rel, "child-id", ct_record_get_id (fixture->child));
  ct_record_set_string (rel, "person-id", ct_record_get_id (person));
  ct_record_set_string (rel, "relation", "Mother");
  ct_record_set_boolean (rel, "parental-responsibility", TRUE);
  insert (fixture, rel, case_id);

  ct_record_set_string (alleged, "given-names", "Sam");
  ct_record_set_string (alleged, "family-name", "Madeup");
  insert (fixture, alleged, case_id);
  ct_record_set_string (rel2, "child-id", ct_record_get_id (fixture->child));
  ct_record_set_string (rel2, "person-id", ct_record_get_id (alleged));
  ct_record_set_string (rel2, "relation", "Mother’s partner");
  ct_record_set_boolean (rel2, "alleged-person", TRUE);
  ct_record_set_boolean (rel2, "access-to-other-children", TRUE);
  insert (fixture, rel2, case_id);

  ct_record_set_string (concern, "raised-by", ct_record_get_id (dso));
  ct_record_set_int64 (concern, "raised-at", usec (2026, 11, 23, 9, 30));
  ct_record_set_string (concern, "how", "phone");
  ct_record_set_string (concern, "what", "Bruise seen on Robin’s cheek at the meeting.");
  ct_record_set_string (concern, "childs-words", "Sam hit me when I spilt my drink.");
  ct_record_set_string (concern, "injuries", "Bruise on the left cheek.");
  ct_record_set_string (concern, "actions-taken", "The DSO spoke to Robin’s school the same day.");
  ct_record_set_strv (concern, "harm-types", harms);
  insert (fixture, concern, case_id);

  ct_record_set_string (decision, "question", "Tell the family first?");
  ct_record_set_string (decision, "answer", "no");
  ct_record_set_string (decision, "exception", "family-member-responsible");
  ct_record_set_string (decision, "reason", "The partner lives in the home.");
  insert (fixture, decision, case_id);

  fixture->referral = ct_record_new (CT_RECORD_KIND_REFERRAL);
  ct_record_set_string (fixture->referral, "agency-id", ct_record_get_id (agency));
  ct_record_set_string (fixture->referral, "type", "child-protection");
  ct_record_set_string (fixture->referral, "urgency", "Today");
  ct_record_set_int64 (fixture->referral, "made-at", usec (2026, 11, 23, 14, 5));
  ct_record_set_string (fixture->referral, "made-by", ct_record_get_id (dso));
  ct_record_set_string (fixture->referral, "made-to", "Kim Dutyworker");
  ct_record_set_string (fixture->referral, "la-reference", "TS/REF/777");
  ct_record_set_boolean (fixture->referral, "parents-aware", FALSE);
  ct_record_set_string (fixture->referral, "parents-consent", "not-sought");
  ct_record_set_string (fixture->referral, "consent-reason", "Asking would put Robin at risk.");
  ct_record_set_string (fixture->referral, "what-wanted", "Please visit Robin today.");
  ct_record_set_string (fixture->referral, "risk", "Robin may be hit again tonight.");
  ct_record_set_string (fixture->referral, "threshold", "child-protection-threshold");
  ct_record_set_string (fixture->referral, "history", "None known to us.");
  ct_record_set_boolean (fixture->referral, "police-told", FALSE);
  insert (fixture, fixture->referral, case_id);

  ct_record_set_string (sharing, "with", ct_record_get_id (agency));
  ct_record_set_string (sharing, "lawful-basis", "Public task, Article 6(1)(e)");
  insert (fixture, sharing, case_id);

  ct_record_set_string (entry1, "who", "Dee Ess-Oh");
  ct_record_set_string (entry1, "what", "Referred by telephone at 14:50.");
  ct_record_set_int64 (entry1, "event", usec (2026, 11, 23, 14, 5));
  insert (fixture, entry1, case_id);
  ct_record_set_string (entry2, "who", "Dee Ess-Oh");
  ct_record_set_string (entry2, "what", "The call was at 14:05, not 14:50.");
  ct_record_set_string (entry2, "why", "Typing slip.");
  ct_record_set_string (entry2, "corrects", ct_record_get_id (entry1));
  ct_record_set_int64 (entry2, "event", usec (2026, 11, 23, 16, 0));
  insert (fixture, entry2, case_id);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GFile) dir = g_file_new_for_path (fixture->dir);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  ct_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->case_record);
  g_clear_object (&fixture->child);
  g_clear_object (&fixture->referral);
  g_clear_pointer (&fixture->now, g_date_time_unref);

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static char *
pdf_text (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-pdf-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "doc.pdf", NULL);
  g_autofree char *err = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  char *out = NULL;
  int status = 0;
  GString *squeezed = g_string_new (NULL);

  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (dir);

  /* Whitespace and bidi marks dropped, so wrapping does not matter. */
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && !(c >= 0x202a && c <= 0x202e) && c != 0x200e && c != 0x200f)
        g_string_append_unichar (squeezed, c);
    }
  g_free (out);

  return g_string_free (squeezed, FALSE);
}

static void
assert_text_in_order (const char         *text,
                      const char * const *expected)
{
  const char *cursor = text;

  for (guint i = 0; expected[i] != NULL; i++)
    {
      g_autofree char *needle = g_strdelimit (g_strdup (expected[i]), " \n", '\x01');
      GString *squeezed = g_string_new (NULL);
      const char *found;

      for (const char *p = needle; *p != '\0'; p++)
        if (*p != '\x01')
          g_string_append_c (squeezed, *p);
      found = strstr (cursor, squeezed->str);
      if (found == NULL)
        g_error ("“%s” is missing or out of order", expected[i]);
      cursor = found + squeezed->len;
      g_string_free (squeezed, TRUE);
    }
}

static CtRecord *
generate (Fixture            *fixture,
          CtCaseDocumentKind  kind)
{
  g_autoptr(GError) error = NULL;
  CtCaseDocumentOptions options = { NULL, NULL, fixture->now };
  CtRecord *document = ct_case_document_generate_sync (fixture->store, STAFF, REFERENCE, kind,
                                                       &options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

static void
test_referral_from_case (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  g_autoptr(GBytes) pdf = ct_case_document_get_pdf (document, &error);
  g_autofree char *text = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *action = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  gboolean audited = FALSE;
  const char *expected[] = {
    "Testbridge Family Law (test)", "Testshire Children’s Front Door", "24 November 2026",
    REFERENCE, "TS/REF/777", "23 November 2026 at 14:05", "Kim Dutyworker",
    "Robin", "Testperson-عمر", "Robin Testperson", "1 June 2015", "Testtown Primary",
    "We believe the child is safe", "Pat Testperson", "Mother", "Has parental responsibility",
    "Sam Madeup", "Mother’s partner", "Not known", "Lee Worker",
    "Also involved: School nurse; CAMHS.",
    "Bruise seen on Robin’s cheek", "physical; emotional",
    "Sam hit me when I spilt my drink.", "This person has access to other children.",
    "The DSO spoke to Robin’s school", "has not been told",
    "A family member may be responsible for the harm.", "The partner lives in the home.",
    "did not ask for consent", "Asking would put Robin at risk.",
    "Public task, Article 6(1)(e)", "Please visit Robin today.",
    "Our closing paragraph from the settings.",
    "Dee Ess-Oh", "Compliance Officer and DSO", "01632 960501", "dso@testbridge.example.org",
    NULL
  };

  g_assert_no_error (error);
  text = pdf_text (pdf);
  if (g_getenv ("CT_DUMP")) g_printerr ("%s\n", text);
  assert_text_in_order (text, expected);

  /* Kept with its fingerprint, in the record and in the audit log. */
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  g_assert_cmpstr (ct_record_get_string (document, "sha256"), ==, sha);
  g_assert_cmpstr (ct_record_get_string (document, "kind"), ==, "referral-confirmation");
  g_assert_cmpint (ct_record_get_int64 (document, "document-version", 0), ==, 1);
  /* The plaintext log names what kind of document was kept; its
   * fingerprint stays in the encrypted record. */
  g_assert_cmpstr (ct_record_get_string (document, "sha256"), ==, sha);
  action = g_strdup ("document-kept:referral-confirmation");
  audit = ct_store_list_audit_sync (fixture->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      CtAuditEntry *entry = g_ptr_array_index (audit, i);

      if (g_strcmp0 (entry->action, action) == 0)
        {
          g_assert_cmpstr (entry->record_id, ==, ct_record_get_id (document));
          g_assert_cmpstr (entry->staff_id, ==, STAFF);
          audited = TRUE;
        }
    }
  g_assert_true (audited);
}

static void
test_reopen_same_bytes (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  g_autoptr(GBytes) made = ct_case_document_get_pdf (document, &error);
  g_autoptr(CtRecord) reopened = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(CtPdfPreview) preview = NULL;
  g_autoptr(CtStore) again = NULL;

  /* Reopening the database and the document gives the same bytes, not a
   * new rendering. */
  ct_store_close (fixture->store);
  g_clear_object (&fixture->store);
  again = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);
  fixture->store = g_object_ref (again);

  reopened = ct_case_document_get_latest_sync (fixture->store, REFERENCE,
                                               CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (reopened), ==, ct_record_get_id (document));
  kept = ct_case_document_get_pdf (reopened, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (made, kept));

  preview = ct_pdf_preview_new (kept, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (ct_pdf_preview_get_bytes (preview), made));
}

static void
test_new_version_after_correction (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) first = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  g_autoptr(GBytes) first_pdf = ct_case_document_get_pdf (first, &error);
  g_autoptr(CtRecord) second = NULL;
  g_autoptr(GBytes) second_pdf = NULL;
  g_autoptr(CtRecord) old = NULL;
  g_autoptr(GBytes) old_pdf = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;

  ct_record_set_string (fixture->child, "address", "2 New Road, Testtown");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fixture->child, &error));
  g_assert_no_error (error);

  second = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  second_pdf = ct_case_document_get_pdf (second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_int64 (second, "document-version", 0), ==, 2);
  g_assert_cmpstr (ct_record_get_string (second, "supersedes"), ==, ct_record_get_id (first));
  g_assert_cmpstr (ct_record_get_id (second), !=, ct_record_get_id (first));

  second_text = pdf_text (second_pdf);
  g_assert_nonnull (strstr (second_text, "2NewRoad,Testtown"));

  /* The first version stays exactly as it was. */
  old = ct_store_get_sync (fixture->store, CT_RECORD_KIND_DOCUMENT, ct_record_get_id (first), &error);
  g_assert_no_error (error);
  old_pdf = ct_case_document_get_pdf (old, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (old_pdf, first_pdf));
  first_text = pdf_text (old_pdf);
  g_assert_null (strstr (first_text, "2NewRoad"));

  /* The newest is what is reopened. */
  {
    g_autoptr(CtRecord) latest =
      ct_case_document_get_latest_sync (fixture->store, REFERENCE,
                                        CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ct_record_get_id (latest), ==, ct_record_get_id (second));
  }
}

static void
test_mark_sent (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  g_autoptr(GBytes) pdf = ct_case_document_get_pdf (document, &error);
  g_autoptr(CtRecord) sent = NULL;
  g_autoptr(GBytes) sent_pdf = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  CtAuditEntry *last;

  g_assert_false (ct_case_document_mark_sent_sync (fixture->store, STAFF, document, 0, "post",
                                                   NULL, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (ct_case_document_mark_sent_sync (fixture->store, STAFF, document,
                                                  usec (2026, 11, 24, 11, 0), "secure-email",
                                                  "frontdoor@testshire.example.org", &error));
  g_assert_no_error (error);

  sent = ct_store_get_sync (fixture->store, CT_RECORD_KIND_DOCUMENT, ct_record_get_id (document), &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_int64 (sent, "sent-at", 0), ==, usec (2026, 11, 24, 11, 0));
  g_assert_cmpstr (ct_record_get_string (sent, "sent-how"), ==, "secure-email");
  sent_pdf = ct_case_document_get_pdf (sent, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (sent_pdf, pdf));

  audit = ct_store_list_audit_sync (fixture->store, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (audit, audit->len - 1);
  /* The plaintext audit log names the action and the record, nothing typed. */
  g_assert_cmpstr (last->action, ==, "document-sent");
  g_assert_cmpstr (last->record_id, ==, ct_record_get_id (document));

  /* Only the ways Caretrail knows: a name or a date typed here would be
   * free text. */
  g_assert_false (ct_case_document_mark_sent_sync (fixture->store, STAFF, document,
                                                   usec (2026, 11, 24, 12, 0), "Jo Bloggs 01/02/2015",
                                                   NULL, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
}

static void
test_damaged_document_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = generate (fixture, CT_CASE_DOCUMENT_CHRONOLOGY);
  g_autoptr(CtRecord) tampered = ct_record_copy (document);
  g_autoptr(GBytes) pdf = ct_case_document_get_pdf (document, &error);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GBytes) altered = NULL;
  GBytes *none;

  g_assert_no_error (error);
  g_byte_array_append (bytes, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  bytes->data[bytes->len / 2] ^= 0x01;
  altered = g_bytes_new (bytes->data, bytes->len);
  ct_record_set_bytes (tampered, "pdf", altered);

  none = ct_case_document_get_pdf (tampered, &error);
  g_assert_null (none);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED);
  g_clear_error (&error);

  /* Nor can a damaged document be marked as sent. */
  g_assert_false (ct_case_document_mark_sent_sync (fixture->store, STAFF, tampered,
                                                   usec (2026, 11, 24, 11, 0), "post", NULL, &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED);
}

static void
test_other_documents (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) chronology = generate (fixture, CT_CASE_DOCUMENT_CHRONOLOGY);
  g_autoptr(CtRecord) record = generate (fixture, CT_CASE_DOCUMENT_RECORD_OF_CONCERN);
  g_autoptr(GBytes) chronology_pdf = ct_case_document_get_pdf (chronology, &error);
  g_autoptr(GBytes) record_pdf = ct_case_document_get_pdf (record, &error);
  g_autofree char *chronology_text = pdf_text (chronology_pdf);
  g_autofree char *record_text = pdf_text (record_pdf);
  const char *chronology_expected[] = {
    "Case chronology", REFERENCE, "Robin Testperson-عمر",
    "Referred by telephone at 14:50.", "Correction to entry 1", "The call was at 14:05",
    "Typing slip.", NULL
  };
  const char *record_expected[] = {
    "Record of a safeguarding concern", REFERENCE, "Dee Ess-Oh", "Compliance Officer and DSO",
    "23 November 2026 at 09:30", "By telephone", "Robin Testperson-عمر", "1 June 2015",
    "Bruise seen on Robin’s cheek", "Sam hit me when I spilt my drink.",
    "Bruise on the left cheek.", NULL
  };

  g_assert_no_error (error);
  assert_text_in_order (chronology_text, chronology_expected);
  assert_text_in_order (record_text, record_expected);
  g_assert_cmpstr (ct_record_get_string (record, "kind"), ==, "record-of-concern");
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  CtRecord *document;

  before = ct_store_list_sync (fixture->store, CT_RECORD_KIND_DOCUMENT, NULL, &error);
  g_assert_no_error (error);

  document = ct_case_document_generate_sync (fixture->store, STAFF, "CT-NO-SUCH",
                                             CT_CASE_DOCUMENT_CHRONOLOGY, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A letter that cannot name who took the call is refused, and nothing
   * is kept. */
  ct_record_remove_field (fixture->referral, "made-to");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fixture->referral, &error));
  g_assert_no_error (error);
  document = ct_case_document_generate_sync (fixture->store, STAFF, REFERENCE,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  after = ct_store_list_sync (fixture->store, CT_RECORD_KIND_DOCUMENT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);

  document = ct_case_document_get_latest_sync (fixture->store, REFERENCE,
                                               CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, &error);
  g_assert_null (document);
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NOT_FOUND);
}

static void
test_family_from_procedure (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *text = NULL;

  /* Without "parents-aware" on the referral, what the procedure recorded
   * about the family decides. */
  ct_record_remove_field (fixture->referral, "parents-aware");
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fixture->referral, &error));
  g_assert_no_error (error);
  ct_record_set_int64 (fixture->case_record, "procedure-flags", CT_CASE_FLAG_FAMILY_DISCUSSED);
  g_assert_true (ct_store_update_sync (fixture->store, STAFF, fixture->case_record, &error));
  g_assert_no_error (error);

  document = generate (fixture, CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION);
  pdf = ct_case_document_get_pdf (document, &error);
  g_assert_no_error (error);
  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Thefamilyknowsthatwehavemadethisreferral."));
  g_assert_null (strstr (text, "hasnotbeentold"));
}

static void
on_generated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_generate_async (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CtRecord) document = NULL;
  CtCaseDocumentOptions options = { NULL, "Closing given by the caller.", fixture->now };

  ct_case_document_generate_async (fixture->store, STAFF, REFERENCE,
                                   CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, &options, NULL,
                                   on_generated_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  document = ct_case_document_generate_finish (result, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) pdf = ct_case_document_get_pdf (document, &error);
    g_autofree char *text = pdf_text (pdf);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (text, "Closinggivenbythecaller."));
    g_assert_null (strstr (text, "Ourclosingparagraphfromthesettings."));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (ct_crypto_init (NULL));

#define ADD(path, func) \
  g_test_add ("/documents/case/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("referral-from-case", test_referral_from_case);
  ADD ("reopen-same-bytes", test_reopen_same_bytes);
  ADD ("new-version-after-correction", test_new_version_after_correction);
  ADD ("mark-sent", test_mark_sent);
  ADD ("damaged-document-refused", test_damaged_document_refused);
  ADD ("other-documents", test_other_documents);
  ADD ("refusals", test_refusals);
  ADD ("generate-async", test_generate_async);
  ADD ("family-from-procedure", test_family_from_procedure);

  return g_test_run ();
}

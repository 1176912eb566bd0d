/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-referral-letter"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ct-case-documents.h"
#include "ct-case-service.h"
#include "ct-clock.h"
#include "ct-details.h"
#include "ct-pdf-writer.h"
#include "ct-procedure.h"

/*
 * The written confirmation of a referral, from a case built as the app and
 * the command line build one: the concern, escalation and decision through
 * the case service (as the windows record steps), the child, the parents and
 * the directory through ct-details (as the forms save them), and the
 * referral itself through `caretrail-admin record`. Every detail entered
 * must appear in the letter, in words, in its own section; a case that lacks
 * what the local authority needs gives a DRAFT that cannot be marked as
 * sent; hostile text in every field renders whole and inside the page.
 */

typedef struct
{
  char     *dir;
  char     *path;
  CtStore  *store;
  CtCaseService *service;
  char     *staff_id;
  char     *reference;
  char     *child_id;
} Fixture;

/* One detail entered, the section of the letter it belongs in, and the
 * words the letter must show for it. */
typedef struct
{
  const char *section;
  const char *shown;
} Expect;

static GHashTable *
answers_from (const char * const *pairs)
{
  GHashTable *answers = ct_answers_new ();

  for (guint i = 0; pairs[i] != NULL; i += 2)
    {
      if (g_str_equal (pairs[i + 1], "yes") || g_str_equal (pairs[i + 1], "no"))
        ct_answers_set_boolean (answers, pairs[i], g_str_equal (pairs[i + 1], "yes"));
      else
        ct_answers_set_text (answers, pairs[i], pairs[i + 1]);
    }
  return answers;
}

static CtRecord *
new_detail (Fixture            *fixture,
            CtRecordKind        kind,
            const char         *case_id,
            const char * const *pairs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = answers_from (pairs);
  CtRecord *record = ct_details_new_record (kind, case_id, answers, &error);

  g_assert_no_error (error);
  g_assert_true (ct_store_insert_sync (fixture->store, fixture->staff_id, record, &error));
  g_assert_no_error (error);
  return record;
}

static void
run_admin (const char * const *args,
           int                 expected_status,
           char              **out_stdout)
{
  const char *admin = g_getenv ("CARETRAIL_ADMIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (admin);
  g_ptr_array_add (argv, (gpointer) admin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (expected_status == 0 && !g_spawn_check_wait_status (status, NULL))
    g_error ("caretrail-admin %s failed: %s%s", args[0], out, err);
  if (expected_status != 0 && g_spawn_check_wait_status (status, NULL))
    g_error ("caretrail-admin %s should have failed: %s", args[0], out);
  if (out_stdout != NULL)
    *out_stdout = g_steal_pointer (&out);
}

/* Runs caretrail-admin, which must exit with @expected_exit; returns what
 * it wrote to standard error. */
static char *
run_admin_exit (const char * const *args,
                int                 expected_exit)
{
  const char *admin = g_getenv ("CARETRAIL_ADMIN");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) exit_error = NULL;
  g_autofree char *out = NULL;
  char *err = NULL;
  int status = 0;

  g_assert_nonnull (admin);
  g_ptr_array_add (argv, (gpointer) admin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (g_spawn_check_wait_status (status, &exit_error))
    g_assert_cmpint (expected_exit, ==, 0);
  else if (exit_error->domain != G_SPAWN_EXIT_ERROR || exit_error->code != expected_exit)
    g_error ("caretrail-admin %s: %s (expected exit %d): %s%s", args[0], exit_error->message,
             expected_exit, out, err);
  return err;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) org = NULL;
  g_autoptr(CtRecord) staff = NULL;
  g_autoptr(CtRecord) agency = NULL;
  const char *init[4] = { "init", "--database", NULL, NULL };

  fixture->dir = g_dir_make_tmp ("ct-referral-letter-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "caretrail.db", NULL);
  init[2] = fixture->path;
  run_admin (init, 0, NULL);
  fixture->store = ct_store_open_sync (fixture->path, &error);
  g_assert_no_error (error);

  fixture->staff_id = g_strdup ("setup");
  staff = new_detail (fixture, CT_RECORD_KIND_STAFF, NULL, (const char *[]) {
    "name", "Dee Ess-Oh", "role", "Designated Safeguarding Officer", "phone", "01632 960501",
    "email", "dso@example.org", "is-dso", "yes", NULL });
  g_free (fixture->staff_id);
  fixture->staff_id = g_strdup (ct_record_get_id (staff));
  org = new_detail (fixture, CT_RECORD_KIND_ORGANISATION, NULL, (const char *[]) {
    "name", "Testbridge Family Mediation", "address", "9 Test Street\nTesttown TT1 1TT",
    "organisation-kind", "mediation-service", "nation", "england-and-wales", NULL });
  agency = new_detail (fixture, CT_RECORD_KIND_AGENCY, NULL, (const char *[]) {
    "name", "Testshire Children’s Front Door", "kind", "mash",
    "address", "County Hall, Front Door Lane, Testtown TT9 9TT", "phone", "01632 960999",
    "secure-email", "frontdoor@testshire.example.gov.uk", "out-of-hours", "01632 960000",
    "confirmation-period", "48h", NULL });

  fixture->service = ct_case_service_new_for_store_sync (fixture->store, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->service);
  if (fixture->store != NULL)
    ct_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_remove (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
  g_free (fixture->staff_id);
  g_free (fixture->reference);
  g_free (fixture->child_id);
}

/* A step through the case service, as the app records it. */
static void
record_step (Fixture            *fixture,
             CtEvent             event,
             int                 hours_ago,
             const char * const *pairs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = answers_from (pairs);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_hours (now, -hours_ago);
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(CtTransition) t = NULL;

  t = ct_case_service_record_sync (fixture->service, fixture->reference, event, answers,
                                   fixture->staff_id, at, &case_record, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  if (fixture->reference == NULL)
    {
      const char * const *child_ids = ct_record_get_strv (case_record, "child-ids");

      fixture->reference = g_strdup (ct_record_get_reference (case_record));
      g_assert_nonnull (child_ids);
      fixture->child_id = g_strdup (child_ids[0]);
    }
}

/* The referral step through `caretrail-admin record`. */
static void
record_referral_by_cli (Fixture            *fixture,
                        int                 hours_ago,
                        const char * const *pairs)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_hours (now, -hours_ago);

  g_ptr_array_add (args, g_strdup ("record"));
  g_ptr_array_add (args, g_strdup ("--database"));
  g_ptr_array_add (args, g_strdup (fixture->path));
  g_ptr_array_add (args, g_strdup ("--case"));
  g_ptr_array_add (args, g_strdup (fixture->reference));
  g_ptr_array_add (args, g_strdup (ct_event_to_string (CT_EVENT_REFERRAL_MADE)));
  g_ptr_array_add (args, g_strdup ("--at"));
  g_ptr_array_add (args, ct_clock_format_iso8601 (at));
  g_ptr_array_add (args, g_strdup ("--by"));
  g_ptr_array_add (args, g_strdup (fixture->staff_id));
  for (guint i = 0; pairs[i] != NULL; i += 2)
    g_ptr_array_add (args, g_strdup_printf ("%s=%s", pairs[i], pairs[i + 1]));
  g_ptr_array_add (args, NULL);
  run_admin ((const char * const *) args->pdata, 0, NULL);
}

/* The child's form: a new version of the child with the details typed. */
static void
change_child (Fixture            *fixture,
              const char * const *pairs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = answers_from (pairs);
  g_autoptr(CtRecord) child = ct_store_get_sync (fixture->store, CT_RECORD_KIND_CHILD,
                                                fixture->child_id, &error);
  g_autoptr(CtRecord) changed = NULL;

  g_assert_no_error (error);
  changed = ct_details_change_record (child, answers, &error);
  g_assert_no_error (error);
  g_assert_true (ct_store_update_sync (fixture->store, fixture->staff_id, changed, &error));
  g_assert_no_error (error);
}

/* The person form: a person and how they stand to the child. */
static void
add_person (Fixture            *fixture,
            const char * const *person,
            const char * const *relationship)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_case_find_sync (fixture->store, fixture->reference, &error);
  g_autoptr(CtRecord) p = NULL;
  g_autoptr(GHashTable) answers = NULL;
  g_autoptr(CtRecord) rel = NULL;

  g_assert_no_error (error);
  p = new_detail (fixture, CT_RECORD_KIND_PERSON, ct_record_get_id (case_record), person);
  answers = answers_from (relationship);
  ct_answers_set_text (answers, "child-id", fixture->child_id);
  ct_answers_set_text (answers, "person-id", ct_record_get_id (p));
  rel = ct_details_new_record (CT_RECORD_KIND_RELATIONSHIP, ct_record_get_id (case_record), answers,
                               &error);
  g_assert_no_error (error);
  g_assert_true (ct_store_insert_sync (fixture->store, fixture->staff_id, rel, &error));
  g_assert_no_error (error);
}

/* The text of a PDF, one string a page. */
static GPtrArray *
pdf_pages_text (const char *path)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };
  g_auto(GStrv) pages = NULL;
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  pages = g_strsplit (out, "\f", -1);
  for (guint i = 0; pages[i] != NULL; i++)
    if (*g_strstrip (pages[i]) != '\0')
      g_ptr_array_add (result, g_strdup (pages[i]));
  return result;
}

/* Text with every space, line break and control character taken out, so a
 * value wrapped across lines or pages can still be found whole. */
static char *
squeeze (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == 0xFFFD || c == 0x200E ||
          c == 0x200F || c == 0x00AD || c == '-' || c == 0x2010)
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Page furniture (markings, running headers, page numbers) repeats on
 * every page; the body is what lies between. */
static char *
letter_body (GPtrArray *pages)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < pages->len; i++)
    {
      g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (pages, i), "\n", -1);

      for (guint j = 0; lines[j] != NULL; j++)
        {
          guint page, of;

          if (strstr (lines[j], "OFFICIAL-SENSITIVE") != NULL
              || g_str_has_prefix (lines[j], "Confirmation of a safeguarding referral — our reference")
              || sscanf (lines[j], "Page %u of %u", &page, &of) == 2)
            continue;
          g_string_append_printf (body, "%s\n", lines[j]);
        }
    }
  return g_string_free (body, FALSE);
}

/* @shown lies after the heading @section and before the next of @order. */
static void
assert_in_section (const char         *text,
                   const char * const *order,
                   const char         *section,
                   const char         *shown)
{
  g_autofree char *squeezed = squeeze (text);
  g_autofree char *want = squeeze (shown);
  g_autofree char *heading = squeeze (section);
  const char *start = strstr (squeezed, heading);
  const char *end = NULL;
  const char *found;
  gboolean after = FALSE;

  if (start == NULL)
    g_error ("the letter has no section “%s”", section);
  for (guint i = 0; order[i] != NULL && end == NULL; i++)
    {
      g_autofree char *next = squeeze (order[i]);

      if (after)
        end = strstr (start + strlen (heading), next);
      if (g_str_equal (order[i], section))
        after = TRUE;
    }
  found = strstr (start, want);
  if (found == NULL || (end != NULL && found >= end))
    g_error ("“%.60s” is not in the section “%s”", shown, section);
}

static void
write_page_pngs (const char *pdf_path,
                 const char *name)
{
  const char *build = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *dir = g_build_filename (build != NULL ? build : ".", "referral-letter-pages", NULL);
  g_autofree char *prefix = g_build_filename (dir, name, NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "60", pdf_path, prefix, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_mkdir_with_parents (dir, 0755);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Every word of every page lies on the page, inside the side margins. */
static void
assert_on_page (const char *path)
{
  const char *argv[] = { "pdftotext", "-bbox", path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  guint words = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  for (const char *p = strstr (out, "<word "); p != NULL; p = strstr (p + 1, "<word "))
    {
      double x0 = g_ascii_strtod (strstr (p, "xMin=\"") + 6, NULL);
      double y0 = g_ascii_strtod (strstr (p, "yMin=\"") + 6, NULL);
      double x1 = g_ascii_strtod (strstr (p, "xMax=\"") + 6, NULL);
      double y1 = g_ascii_strtod (strstr (p, "yMax=\"") + 6, NULL);

      words++;
      if (x0 < CT_PDF_MARGIN_LEFT - 1 || x1 > CT_PDF_PAGE_WIDTH - CT_PDF_MARGIN_RIGHT + 1
          || y0 < 0 || y1 > CT_PDF_PAGE_HEIGHT)
        g_error ("a word lies outside the page's margins: %.80s", p);
    }
  g_assert_cmpuint (words, >, 0);
}

static char *
write_document (Fixture    *fixture,
                CtRecord   *document,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = ct_case_document_get_pdf (document, &error);
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                      &error));
  g_assert_no_error (error);
  return path;
}

/* The sections of the letter, in order. */
static const char * const sections[] = {
  "The referral", "The child", "Parents and carers", "Others in the child’s life", "Our concern",
  "The words recorded", "Earlier concerns and history", "Our view of the risk",
  "The person believed to be responsible", "Strengths and protective factors", "What we have done",
  "The family’s knowledge of this referral", "Consent and the basis for sharing",
  "What we ask you to do", NULL
};

/* Builds the case with @v(key) for each detail a person types, so the
 * same case can be built with ordinary and with hostile text. */
typedef const char *(*ValueFunc) (const char *key);

static void
build_full_case (Fixture   *fixture,
                 ValueFunc  v)
{
  record_step (fixture, CT_EVENT_CONCERN_RECORDED, 6, (const char *[]) {
    "raised-by", v ("raised-by"), "how", "in-person", "what", v ("what"),
    "childs-words", v ("childs-words"), "actions-taken", v ("actions-taken"),
    "injuries", v ("injuries"), "witnesses", v ("witnesses"), "child-aliases", v ("child-aliases"),
    "harm-types", v ("harm-types"),
    "incident-date", "2026-01-10", "incident-time", "16:30", "immediate-risk", "no",
    "child-given-names", v ("child-given-names"), "child-family-name", v ("child-family-name"),
    "child-date-of-birth", "2015-06-01", "child-address", v ("child-address"), NULL });
  change_child (fixture, (const char *[]) {
    "gender", "female", "school", v ("school"), "gp", v ("gp"), "nhs-number", v ("nhs-number"),
    "ethnicity", v ("ethnicity"), "religion", v ("religion"), "language", v ("language"),
    "interpreter-needed", "yes", "disability", v ("disability"),
    "other-children", v ("other-children"), "household-members", v ("household-members"),
    "whereabouts", v ("whereabouts"), "safe-now", "no", "status", "child-in-need",
    "lead-worker", v ("lead-worker"), "agencies-involved", v ("agencies-involved"), NULL });
  add_person (fixture, (const char *[]) {
    "given-names", v ("parent-given-names"), "family-name", v ("parent-family-name"),
    "date-of-birth", "1988-03-04", "address", v ("parent-address"), "phone", v ("parent-phone"),
    NULL },
    (const char *[]) { "relation", "mother", "parental-responsibility", "yes",
                       "household-member", "yes", NULL });
  add_person (fixture, (const char *[]) {
    "given-names", v ("alleged-given-names"), "family-name", v ("alleged-family-name"),
    "date-of-birth", "1985-07-08", NULL },
    (const char *[]) { "relation", "step-parent", "parental-responsibility", "no",
                       "alleged-person", "yes", "access-to-other-children", "yes", NULL });
  record_step (fixture, CT_EVENT_ESCALATED, 5, (const char *[]) {
    "line-manager", v ("line-manager"), "safeguarding-lead", "Dee Ess-Oh", NULL });
  record_step (fixture, CT_EVENT_CONCERNS_REMAIN, 4, (const char *[]) {
    "reason", v ("remain-reason"), "family-member-responsible", "yes",
    "family-member-responsible-reason", v ("exception-reason"), "danger-to-others", "no",
    "criminal-investigation", "no", NULL });
  record_referral_by_cli (fixture, 3, (const char *[]) {
    "agency", "Testshire Children’s Front Door", "how", "phone", "to-whom", v ("to-whom"),
    "their-reference", v ("their-reference"), "what-shared", v ("what-shared"),
    "referral-type", "child-protection", "consent", "not-sought",
    "consent-reason", v ("consent-reason"), "parents-aware", "no", "withheld", v ("withheld"),
    "threshold", "child-protection-threshold", "risk", v ("risk"), "history", v ("history"),
    "strengths", v ("strengths"), "police-told", "yes", "crime-reference", v ("crime-reference"),
    "what-wanted", v ("what-wanted"), "lawful-basis", "legitimate-interests",
    "raiser-told", "yes", "raiser-encouraged", "yes", NULL });
}

static const char *
plain_value (const char *key)
{
  static const struct { const char *key; const char *value; } values[] = {
    { "raised-by", "Sam Teacher" },
    { "what", "Robin arrived with a bruise on the cheek and said it hurt." },
    { "childs-words", "Sam hit me when I spilt my drink." },
    { "actions-taken", "The DSO spoke to Robin’s school the same day." },
    { "injuries", "A red mark, 3 cm across, on the left cheek." },
    { "witnesses", "Alex Classmate saw Robin arrive." },
    { "child-aliases", "Robbie Oldname" },
    { "harm-types", "Physical abuse, emotional abuse" },
    { "whereabouts", "At school until 15:15, then at home." },
    { "lead-worker", "Jo Earlyhelp" },
    { "agencies-involved", "School nurse; CAMHS waiting list." },
    { "child-given-names", "Robin" },
    { "child-family-name", "Testperson" },
    { "child-address", "1 Old Road, Testtown TT2 2TT" },
    { "school", "Testtown Primary" },
    { "gp", "Dr Green, Testtown Surgery" },
    { "nhs-number", "943 476 5919" },
    { "ethnicity", "Mixed White and Black Caribbean" },
    { "religion", "Church of England" },
    { "language", "Polish" },
    { "disability", "Asthma; uses an inhaler." },
    { "other-children", "Kit Testperson, aged 4, lives in the home." },
    { "household-members", "Grandmother Ada Testperson stays at weekends." },
    { "parent-given-names", "Pat" },
    { "parent-family-name", "Testperson" },
    { "parent-address", "1 Old Road, Testtown TT2 2TT" },
    { "parent-phone", "07700 900123" },
    { "alleged-given-names", "Sam" },
    { "alleged-family-name", "Madeup" },
    { "line-manager", "Lee Manager" },
    { "remain-reason", "The account was clear and consistent." },
    { "exception-reason", "Robin named the mother’s partner." },
    { "to-whom", "Kim Dutyworker" },
    { "their-reference", "TS/REF/777" },
    { "what-shared", "The concern and Robin’s words." },
    { "consent-reason", "Asking would put Robin at risk." },
    { "withheld", "Robin’s exact words, until the police have spoken to Robin." },
    { "risk", "Robin may be hit again tonight: the partner is at home." },
    { "history", "A bruise was noted in March and explained as a fall." },
    { "strengths", "Robin’s grandmother is protective and close by." },
    { "crime-reference", "CRIME/2026/4242" },
    { "what-wanted", "Please visit Robin today and tell us what you decide." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (g_str_equal (values[i].key, key))
      return values[i].value;
  g_error ("no value for %s", key);
}

static void
test_full_case (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const Expect expected[] = {
    { "The referral", "Child protection" },
    { "The referral", "Kim Dutyworker" },
    { "The referral", "Within the usual time" },
    { "The child", "Robin" },
    { "The child", "Testperson" },
    { "The child", "1 June 2015" },
    { "The child", "Female" },
    { "The child", plain_value ("child-address") },
    { "The child", plain_value ("school") },
    { "The child", plain_value ("gp") },
    { "The child", plain_value ("nhs-number") },
    { "The child", plain_value ("ethnicity") },
    { "The child", plain_value ("religion") },
    { "The child", "Polish (an interpreter is needed)" },
    { "The child", plain_value ("disability") },
    { "The child", plain_value ("child-aliases") },
    { "The child", plain_value ("whereabouts") },
    { "The child", "We do not know that the child is safe at the moment." },
    { "Parents and carers", "Pat Testperson" },
    { "Parents and carers", "Mother" },
    { "Parents and carers", "4 March 1988" },
    { "Parents and carers", "Has parental responsibility" },
    { "Parents and carers", plain_value ("parent-phone") },
    { "Parents and carers", plain_value ("parent-address") },
    { "Parents and carers", "Sam Madeup" },
    { "Parents and carers", "Step-parent" },
    { "Parents and carers", "8 July 1985" },
    { "Others in the child’s life", plain_value ("other-children") },
    { "Others in the child’s life", plain_value ("household-members") },
    { "Others in the child’s life", "Pat Testperson (Mother)" },
    { "Others in the child’s life", "Robin Testperson is a child in need." },
    { "Others in the child’s life", plain_value ("lead-worker") },
    { "Others in the child’s life", plain_value ("agencies-involved") },
    { "Our concern", plain_value ("what") },
    { "Our concern", plain_value ("injuries") },
    { "Our concern", plain_value ("witnesses") },
    { "Our concern", "Physical abuse; emotional abuse" },
    { "Our concern", "When it was reported to us" },
    { "Our concern", "10 January 2026 at 16:30" },
    { "Our concern", "Child protection (significant harm)" },
    { "Our concern", "The police have been told." },
    { "Our concern", plain_value ("crime-reference") },
    { "The words recorded", plain_value ("childs-words") },
    { "Earlier concerns and history", plain_value ("history") },
    { "Our view of the risk", plain_value ("risk") },
    { "The person believed to be responsible", "This person has access to other children." },
    { "Strengths and protective factors", plain_value ("strengths") },
    { "What we have done", plain_value ("actions-taken") },
    { "The family’s knowledge of this referral", "A family member may be responsible for the harm." },
    { "The family’s knowledge of this referral", plain_value ("exception-reason") },
    { "The family’s knowledge of this referral", plain_value ("withheld") },
    { "Consent and the basis for sharing", plain_value ("consent-reason") },
    { "Consent and the basis for sharing", "UK GDPR Article 6(1)(f)" },
    { "Consent and the basis for sharing", "Schedule 1, Part 2, paragraph 18" },
    { "What we ask you to do", plain_value ("what-wanted") },
    /* The referrer: the DSO who signs, with their role and contact. */
    { "What we ask you to do", "Dee Ess-Oh" },
    { "What we ask you to do", "Designated Safeguarding Officer" },
    { "What we ask you to do", "01632 960501" },
    { "What we ask you to do", "dso@example.org" },
  };
  /* Stored ids and raw values that must never reach the letter. */
  static const char * const raw[] = {
    "standard", "female", "step-parent", "legitimate-interests", "not-sought",
    "child-protection-threshold", "child-in-need", "in-person", "mediation-service", "48h",
    "Schedule 8", "Not recorded", "TRUE", "FALSE",
  };

  build_full_case (fixture, plain_value);

  gaps = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                              fixture->reference, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < gaps->len; i++)
    g_printerr ("gap: %s\n", ((CtReferralGap *) g_ptr_array_index (gaps, i))->key);
  g_assert_cmpuint (gaps->len, ==, 0);

  document = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ct_record_get_boolean (document, "draft", FALSE));
  path = write_document (fixture, document, "full.pdf");
  write_page_pngs (path, "full");
  pages = pdf_pages_text (path);
  text = letter_body (pages);

  /* Addressed from the directory, with the authority's own reference. */
  g_assert_nonnull (strstr (text, "County Hall, Front Door Lane"));
  {
    g_autofree char *squeezed = squeeze (text);
    g_autofree char *their = squeeze ("Your reference: TS/REF/777");

    g_assert_nonnull (strstr (squeezed, their));
  }
  g_assert_nonnull (strstr (text, "frontdoor@testshire.example.gov.uk"));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_in_section (text, sections, expected[i].section, expected[i].shown);

  /* Never a stored id, never a section that says nothing, the narrative
   * once, and no draft marking. */
  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    if (strstr (text, raw[i]) != NULL)
      g_error ("the letter shows the stored value “%s”", raw[i]);
  /* A value that ends its own sentence is not given a second full stop. */
  g_assert_null (strstr (text, ".."));
  for (guint i = 0; i < pages->len; i++)
    g_assert_null (strstr (g_ptr_array_index (pages, i), "DRAFT"));
  {
    const char *first = strstr (text, "Robin arrived with a bruise");

    g_assert_nonnull (first);
    g_assert_null (strstr (first + 1, "Robin arrived with a bruise"));
  }

  /* A final letter can be marked as sent. */
  g_assert_true (ct_case_document_mark_sent_sync (fixture->store, fixture->staff_id, document,
                                                  g_get_real_time (), "secure-email",
                                                  "Kim Dutyworker", &error));
  g_assert_no_error (error);
}

static void
test_draft (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GHashTable) sent = ct_answers_new ();
  g_autoptr(CtTransition) t = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gboolean child_gap = FALSE, referral_gap = FALSE, agency_gap = FALSE, person_gap = FALSE;

  /* A case with only what the steps insist on. */
  record_step (fixture, CT_EVENT_CONCERN_RECORDED, 6, (const char *[]) {
    "raised-by", "Sam Teacher", "what", "A bruise was seen.", "immediate-risk", "no",
    "child-given-names", "Robin", "child-family-name", "Testperson", NULL });
  record_step (fixture, CT_EVENT_ESCALATED, 5, (const char *[]) {
    "line-manager", "Lee Manager", "safeguarding-lead", "Dee Ess-Oh", NULL });
  record_step (fixture, CT_EVENT_CONCERNS_REMAIN, 4, (const char *[]) {
    "reason", "Not explained.", "family-member-responsible", "no", "danger-to-others", "no",
    "criminal-investigation", "no", NULL });
  record_step (fixture, CT_EVENT_FAMILY_DISCUSSED, 3, (const char *[]) {
    "with-whom", "Pat Testperson", "summary", "Told of the concern.", NULL });
  record_referral_by_cli (fixture, 2, (const char *[]) {
    "agency", "Testshire Children’s Front Door", "how", "phone", "to-whom", "Kim Dutyworker",
    "their-reference", "TS/1", "what-shared", "The concern.", "referral-type", "child-protection",
    "consent", "given", "raiser-told", "yes", "raiser-encouraged", "yes", NULL });

  gaps = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                              fixture->reference, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gaps->len, >, 0);
  for (guint i = 0; i < gaps->len; i++)
    {
      CtReferralGap *gap = g_ptr_array_index (gaps, i);

      g_assert_nonnull (gap->label);
      g_assert_nonnull (ct_referral_form_get_title (gap->form));
      child_gap |= g_str_equal (gap->key, "child.date-of-birth") && gap->form == CT_REFERRAL_FORM_CHILD
                   && g_strcmp0 (gap->record_id, fixture->child_id) == 0;
      referral_gap |= g_str_equal (gap->key, "referral.what-wanted")
                      && gap->form == CT_REFERRAL_FORM_REFERRAL;
      person_gap |= g_str_equal (gap->key, "people.parents") && gap->form == CT_REFERRAL_FORM_PERSON;
      agency_gap |= g_str_has_prefix (gap->key, "agency.");
    }
  g_assert_true (child_gap);
  g_assert_true (referral_gap);
  g_assert_true (person_gap);
  /* The directory's authority has its postal address. */
  g_assert_false (agency_gap);

  document = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ct_record_get_boolean (document, "draft", FALSE));
  path = write_document (fixture, document, "draft.pdf");
  write_page_pngs (path, "draft");
  pages = pdf_pages_text (path);
  g_assert_cmpuint (pages->len, >=, 1);
  for (guint i = 0; i < pages->len; i++)
    g_assert_nonnull (strstr (g_ptr_array_index (pages, i), "DRAFT"));
  text = letter_body (pages);
  g_assert_null (strstr (text, "Not recorded"));

  /* Neither the document service nor the procedure's step marks it sent. */
  g_assert_false (ct_case_document_mark_sent_sync (fixture->store, fixture->staff_id, document,
                                                   g_get_real_time (), "secure-email", "Kim",
                                                   &error));
  g_assert_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  ct_answers_set_text (sent, "method", "secure-email");
  ct_answers_set_text (sent, "how", "secure email");
  ct_answers_set_text (sent, "to-whom", "Kim Dutyworker");
  t = ct_case_service_record_sync (fixture->service, fixture->reference, CT_EVENT_CONFIRMATION_SENT,
                                   sent, fixture->staff_id, NULL, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "draft"));
  g_clear_error (&error);

  /* Explaining every gap (a recorded answer, on the case) makes the letter
   * final, and the explanations go into it. */
  {
    g_autoptr(CtRecord) case_record = ct_case_find_sync (fixture->store, fixture->reference, &error);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_autoptr(GHashTable) answers = ct_answers_new ();
    g_autoptr(CtRecord) changed = NULL;
    g_autoptr(GPtrArray) after = NULL;
    g_autoptr(CtRecord) final = NULL;
    g_autoptr(CtTransition) ok = NULL;
    g_auto(GStrv) list = NULL;

    for (guint i = 0; i < gaps->len; i++)
      {
        g_autofree char *entry = g_strdup_printf ("%s: Not known to us yet.",
                                                  ((CtReferralGap *) g_ptr_array_index (gaps, i))->key);

        g_strv_builder_add (builder, entry);
      }
    list = g_strv_builder_end (builder);
    ct_answers_set_strv (answers, "referral-explanations", (const char * const *) list);
    changed = ct_details_change_record (case_record, answers, &error);
    g_assert_no_error (error);
    g_assert_true (ct_store_update_sync (fixture->store, fixture->staff_id, changed, &error));
    g_assert_no_error (error);

    after = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                                 fixture->reference, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (after->len, ==, 0);
    final = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                            CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
    g_assert_no_error (error);
    g_assert_false (ct_record_get_boolean (final, "draft", FALSE));
    ok = ct_case_service_record_sync (fixture->service, fixture->reference,
                                      CT_EVENT_CONFIRMATION_SENT, sent, fixture->staff_id, NULL,
                                      NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (ok);
  }
}

/* Whether @gaps holds the gap @key. */
static gboolean
has_gap (GPtrArray  *gaps,
         const char *key)
{
  for (guint i = 0; i < gaps->len; i++)
    if (g_str_equal (((CtReferralGap *) g_ptr_array_index (gaps, i))->key, key))
      return TRUE;
  return FALSE;
}

/* The case's one REFERRAL, as it now stands. */
static CtRecord *
latest_referral (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_case_find_sync (fixture->store, fixture->reference, &error);
  g_autoptr(GPtrArray) referrals = NULL;

  g_assert_no_error (error);
  referrals = ct_store_list_sync (fixture->store, CT_RECORD_KIND_REFERRAL,
                                  ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (referrals->len, ==, 1);
  return g_object_ref (g_ptr_array_index (referrals, 0));
}

/* Details the referral lacked are added after it by a step of their own,
 * from the command line and through the case service: each time a new
 * version of the referral, the earlier kept, an entry in the chronology,
 * the case where it was, and the gaps filled. */
static void
test_details_added (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after_cli = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autoptr(CtRecord) referral = NULL;
  g_autoptr(CtRecord) case_before = NULL;
  g_autoptr(CtRecord) case_after = NULL;
  g_autoptr(CtTransition) refused = NULL;
  g_autoptr(GHashTable) nothing = ct_answers_new ();
  g_autofree char *at = NULL;
  guint entries = 0;

  record_step (fixture, CT_EVENT_CONCERN_RECORDED, 6, (const char *[]) {
    "raised-by", "Sam Teacher", "what", "A bruise was seen.", "immediate-risk", "no",
    "child-given-names", "Robin", "child-family-name", "Testperson", NULL });

  /* No referral yet: the step is not there to take. */
  refused = ct_case_service_record_sync (fixture->service, fixture->reference,
                                         CT_EVENT_REFERRAL_DETAILS_ADDED, nothing,
                                         fixture->staff_id, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_NOT_ALLOWED);
  g_clear_error (&error);

  record_step (fixture, CT_EVENT_ESCALATED, 5, (const char *[]) {
    "line-manager", "Lee Manager", "safeguarding-lead", "Dee Ess-Oh", NULL });
  record_step (fixture, CT_EVENT_CONCERNS_REMAIN, 4, (const char *[]) {
    "reason", "Not explained.", "family-member-responsible", "no", "danger-to-others", "no",
    "criminal-investigation", "no", NULL });
  record_step (fixture, CT_EVENT_FAMILY_DISCUSSED, 3, (const char *[]) {
    "with-whom", "Pat Testperson", "summary", "Told of the concern.", NULL });
  record_referral_by_cli (fixture, 2, (const char *[]) {
    "agency", "Testshire Children’s Front Door", "how", "phone", "to-whom", "Kim Dutyworker",
    "their-reference", "TS/1", "what-shared", "The concern.", "referral-type", "child-protection",
    "consent", "given", "raiser-told", "yes", "raiser-encouraged", "yes", NULL });

  before = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                                fixture->reference, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 6; i++)
    {
      static const char * const keys[] = { "referral.risk", "referral.threshold", "referral.history",
                                           "referral.police-told", "referral.what-wanted",
                                           "referral.consent-given-by" };

      if (!has_gap (before, keys[i]))
        g_error ("the draft does not lack %s", keys[i]);
    }
  case_before = ct_case_find_sync (fixture->store, fixture->reference, &error);
  g_assert_no_error (error);

  /* With no detail given, nothing is written. */
  refused = ct_case_service_record_sync (fixture->service, fixture->reference,
                                         CT_EVENT_REFERRAL_DETAILS_ADDED, nothing,
                                         fixture->staff_id, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_MISSING_ANSWER);
  g_clear_error (&error);
  referral = latest_referral (fixture);
  g_assert_cmpint (ct_record_get_version (referral), ==, 1);
  g_clear_object (&referral);

  /* From the command line, as `caretrail-admin record` reads the form. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) when = g_date_time_add_hours (now, -1);
    const char *args[] = { "record", "--database", fixture->path, "--case", fixture->reference,
                           "referral-details-added", "--at", NULL, "--by", fixture->staff_id,
                           "risk=Robin may be hit again.", "threshold=child-protection-threshold",
                           "police-told=no", NULL };

    at = ct_clock_format_iso8601 (when);
    args[7] = at;
    run_admin (args, 0, NULL);
  }
  referral = latest_referral (fixture);
  g_assert_cmpint (ct_record_get_version (referral), ==, 2);
  g_assert_cmpstr (ct_record_get_string (referral, "risk"), ==, "Robin may be hit again.");
  g_assert_cmpstr (ct_record_get_string (referral, "threshold"), ==, "child-protection-threshold");
  g_assert_false (ct_record_get_boolean (referral, "police-told", TRUE));
  /* What the referral step recorded stays. */
  g_assert_cmpstr (ct_record_get_string (referral, "their-reference"), ==, "TS/1");
  g_assert_cmpstr (ct_record_get_string (referral, "made-to"), ==, "Kim Dutyworker");
  g_clear_object (&referral);

  after_cli = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                                   fixture->reference, &error);
  g_assert_no_error (error);
  g_assert_false (has_gap (after_cli, "referral.risk"));
  g_assert_false (has_gap (after_cli, "referral.threshold"));
  g_assert_false (has_gap (after_cli, "referral.police-told"));
  g_assert_true (has_gap (after_cli, "referral.what-wanted"));

  /* Then the rest, as the app records it. */
  record_step (fixture, CT_EVENT_REFERRAL_DETAILS_ADDED, 0, (const char *[]) {
    "history", "None known to us.", "what-wanted", "Please visit Robin today.",
    "consent-given-by", "Pat Testperson", "lawful-basis", "legitimate-interests",
    "parents-aware", "yes", NULL });
  after = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                               fixture->reference, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < after->len; i++)
    {
      CtReferralGap *gap = g_ptr_array_index (after, i);

      if (gap->form == CT_REFERRAL_FORM_REFERRAL)
        g_error ("the referral still lacks %s", gap->key);
    }
  g_assert_cmpuint (after->len, <, before->len);

  referral = latest_referral (fixture);
  g_assert_cmpint (ct_record_get_version (referral), ==, 3);
  g_assert_cmpstr (ct_record_get_string (referral, "what-wanted"), ==, "Please visit Robin today.");
  g_assert_cmpstr (ct_record_get_string (referral, "risk"), ==, "Robin may be hit again.");
  g_assert_true (ct_record_get_boolean (referral, "parents-aware", FALSE));

  /* Both earlier versions are kept, oldest first. */
  history = ct_store_list_history_sync (fixture->store, CT_RECORD_KIND_REFERRAL,
                                        ct_record_get_id (referral), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (ct_record_get_version (g_ptr_array_index (history, 0)), ==, 1);
  g_assert_null (ct_record_get_string (g_ptr_array_index (history, 0), "risk"));
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 1), "risk"), ==,
                   "Robin may be hit again.");
  g_assert_null (ct_record_get_string (g_ptr_array_index (history, 1), "what-wanted"));

  /* Two entries say what was added; the case and its clocks stay. */
  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY,
                                   ct_record_get_case_id (referral), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chronology->len; i++)
    {
      CtRecord *entry = g_ptr_array_index (chronology, i);

      if (g_strcmp0 (ct_record_get_string (entry, "procedure-event"), "referral-details-added") != 0)
        continue;
      entries++;
      g_assert_nonnull (strstr (ct_record_get_string (entry, "what"), "Details added to the referral."));
      if (strstr (ct_record_get_string (entry, "what"), "View of the risk: Robin may be hit again.") == NULL)
        g_assert_nonnull (strstr (ct_record_get_string (entry, "what"),
                                  "Asked of the local authority: Please visit Robin today."));
    }
  g_assert_cmpuint (entries, ==, 2);
  case_after = ct_case_find_sync (fixture->store, fixture->reference, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_state (case_after), ==, "confirmation-due");
  g_assert_cmpint (ct_record_get_due_at (case_after), ==, ct_record_get_due_at (case_before));

  /* The letter now says who gave consent, in its section. */
  {
    g_autoptr(CtRecord) document = NULL;
    g_autoptr(GPtrArray) pages = NULL;
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;

    document = ct_case_document_generate_sync (fixture->store, fixture->staff_id,
                                               fixture->reference,
                                               CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
    g_assert_no_error (error);
    path = write_document (fixture, document, "details-added.pdf");
    pages = pdf_pages_text (path);
    text = letter_body (pages);
    assert_in_section (text, sections, "Consent and the basis for sharing",
                       "Consent to this referral was given by Pat Testperson.");
    g_remove (path);
  }
}

/* The latest version of the case's first concern. */
static CtRecord *
first_concern (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) case_record = ct_case_find_sync (fixture->store, fixture->reference, &error);
  g_autoptr(GPtrArray) concerns = NULL;

  g_assert_no_error (error);
  concerns = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CONCERN,
                                 ct_record_get_id (case_record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (concerns->len, ==, 1);
  return g_object_ref (g_ptr_array_index (concerns, 0));
}

/* A concern recorded, escalated and referred (by the command line) with
 * nothing said of what the organisation has done, and the incident's
 * date without a time. */
static void
build_case_without_actions (Fixture *fixture)
{
  record_step (fixture, CT_EVENT_CONCERN_RECORDED, 6, (const char *[]) {
    "raised-by", "Sam Teacher", "what", "A bruise was seen.", "immediate-risk", "no",
    "incident-date", "2026-01-10",
    "child-given-names", "Robin", "child-family-name", "Testperson", NULL });
  record_step (fixture, CT_EVENT_ESCALATED, 5, (const char *[]) {
    "line-manager", "Lee Manager", "safeguarding-lead", "Dee Ess-Oh", NULL });
  record_step (fixture, CT_EVENT_CONCERNS_REMAIN, 4, (const char *[]) {
    "reason", "Not explained.", "family-member-responsible", "no", "danger-to-others", "no",
    "criminal-investigation", "no", NULL });
  record_step (fixture, CT_EVENT_FAMILY_DISCUSSED, 3, (const char *[]) {
    "with-whom", "Pat Testperson", "summary", "Told of the concern.", NULL });
  record_referral_by_cli (fixture, 2, (const char *[]) {
    "agency", "Testshire Children’s Front Door", "how", "phone", "to-whom", "Kim Dutyworker",
    "their-reference", "TS/1", "what-shared", "The concern.", "referral-type", "child-protection",
    "consent", "given", "raiser-told", "yes", "raiser-encouraged", "yes", NULL });
}

/* What the organisation has done, said only once the referral is made:
 * the referral-details step keeps it with the concern (a new version, the
 * earlier kept), from the command line and through the case service, and
 * the letter then has it under "What we have done". The incident's date
 * without a time reads as a date alone. */
static void
test_actions_taken_later (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autoptr(CtRecord) concern = NULL;
  g_autoptr(CtRecord) referral = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *at = NULL;
  guint entries = 0;

  build_case_without_actions (fixture);
  before = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                                fixture->reference, &error);
  g_assert_no_error (error);
  g_assert_true (has_gap (before, "concern.actions-taken"));
  concern = first_concern (fixture);
  g_assert_cmpint (ct_record_get_version (concern), ==, 1);
  g_assert_null (ct_record_get_string (concern, "actions-taken"));
  g_clear_object (&concern);

  /* From the command line. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) when = g_date_time_add_hours (now, -1);
    const char *args[] = { "record", "--database", fixture->path, "--case", fixture->reference,
                           "referral-details-added", "--at", NULL, "--by", fixture->staff_id,
                           "actions-taken=We told the school nurse.", NULL };

    at = ct_clock_format_iso8601 (when);
    args[7] = at;
    run_admin (args, 0, NULL);
  }
  concern = first_concern (fixture);
  g_assert_cmpint (ct_record_get_version (concern), ==, 2);
  g_assert_cmpstr (ct_record_get_string (concern, "actions-taken"), ==, "We told the school nurse.");
  g_assert_cmpstr (ct_record_get_string (concern, "what"), ==, "A bruise was seen.");
  g_clear_object (&concern);
  /* Nothing was added to the referral itself: it is as first recorded. */
  referral = latest_referral (fixture);
  g_assert_cmpint (ct_record_get_version (referral), ==, 1);

  /* Then corrected as the app records it: a third version. */
  record_step (fixture, CT_EVENT_REFERRAL_DETAILS_ADDED, 0, (const char *[]) {
    "actions-taken", "We told the school nurse and kept Robin in the office until home time.",
    NULL });
  concern = first_concern (fixture);
  g_assert_cmpint (ct_record_get_version (concern), ==, 3);
  history = ct_store_list_history_sync (fixture->store, CT_RECORD_KIND_CONCERN,
                                        ct_record_get_id (concern), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_null (ct_record_get_string (g_ptr_array_index (history, 0), "actions-taken"));
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (history, 1), "actions-taken"), ==,
                   "We told the school nurse.");

  /* Each time an entry says what was added. */
  chronology = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CHRONOLOGY,
                                   ct_record_get_case_id (concern), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < chronology->len; i++)
    {
      CtRecord *entry = g_ptr_array_index (chronology, i);

      if (g_strcmp0 (ct_record_get_string (entry, "procedure-event"), "referral-details-added") != 0)
        continue;
      entries++;
      g_assert_nonnull (strstr (ct_record_get_string (entry, "what"),
                                "What the organisation has done so far: We told the school nurse"));
    }
  g_assert_cmpuint (entries, ==, 2);

  after = ct_case_document_referral_gaps_sync (fixture->store, fixture->staff_id,
                                               fixture->reference, &error);
  g_assert_no_error (error);
  g_assert_false (has_gap (after, "concern.actions-taken"));

  document = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_no_error (error);
  path = write_document (fixture, document, "actions-later.pdf");
  pages = pdf_pages_text (path);
  text = letter_body (pages);
  assert_in_section (text, sections, "What we have done",
                     "We told the school nurse and kept Robin in the office until home time.");
  g_assert_null (strstr (text, "We told the school nurse.\n"));
  /* A date without a time reads as before. */
  assert_in_section (text, sections, "Our concern", "10 January 2026");
  g_assert_null (strstr (text, "10 January 2026 at"));
}

/* A lawful basis that does not fit the kind of organisation (a mediation
 * service here) is refused by the engine, through the case service as the
 * app records it and through `caretrail-admin record` (exit 1, with the
 * engine's reason); nothing is written. */
static void
test_lawful_basis_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) referral = NULL;
  g_autofree char *err = NULL;
  g_autofree char *at = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) when = g_date_time_add_hours (now, -1);
  const char *args[] = { "record", "--database", fixture->path, "--case", NULL,
                         "referral-details-added", "--at", NULL, "--by", fixture->staff_id,
                         "lawful-basis=public-task", NULL };

  build_case_without_actions (fixture);

  ct_answers_set_text (answers, "lawful-basis", "public-task");
  t = ct_case_service_record_sync (fixture->service, fixture->reference,
                                   CT_EVENT_REFERRAL_DETAILS_ADDED, answers, fixture->staff_id,
                                   NULL, NULL, &error);
  g_assert_null (t);
  g_assert_error (error, CT_PROCEDURE_ERROR, CT_PROCEDURE_ERROR_BAD_ANSWER);
  g_assert_nonnull (strstr (error->message, "Mediation service"));
  g_clear_error (&error);

  at = ct_clock_format_iso8601 (when);
  args[4] = fixture->reference;
  args[7] = at;
  err = run_admin_exit (args, 1);
  g_assert_nonnull (strstr (err, "is not a lawful basis an organisation of this kind"));
  g_assert_nonnull (strstr (err, "Mediation service"));

  referral = latest_referral (fixture);
  g_assert_cmpint (ct_record_get_version (referral), ==, 1);
  g_assert_null (ct_record_get_string (referral, "lawful-basis"));
  g_clear_object (&referral);

  /* One that fits is taken. */
  ct_answers_set_text (answers, "lawful-basis", "legitimate-interests");
  t = ct_case_service_record_sync (fixture->service, fixture->reference,
                                   CT_EVENT_REFERRAL_DETAILS_ADDED, answers, fixture->staff_id,
                                   NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  referral = latest_referral (fixture);
  g_assert_cmpstr (ct_record_get_string (referral, "lawful-basis"), ==, "legitimate-interests");
}

/* The incident's time of day through `caretrail-admin record`: kept with
 * the concern; a time that cannot be read is refused with the reason. */
static void
test_incident_time_cli (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  const char *bad[] = { "record", "--database", fixture->path, "--new", "concern-recorded",
                        "--by", fixture->staff_id, "raised-by=Sam", "what=A bruise.",
                        "immediate-risk=no", "child-given-names=Robin",
                        "child-family-name=Testperson", "incident-date=2026-01-10",
                        "incident-time=half four", NULL };
  const char *good[] = { "record", "--database", fixture->path, "--new", "concern-recorded",
                         "--by", fixture->staff_id, "raised-by=Sam", "what=A bruise.",
                         "immediate-risk=no", "child-given-names=Robin",
                         "child-family-name=Testperson", "incident-date=2026-01-10",
                         "incident-time=16:30", NULL };

  err = run_admin_exit (bad, 1);
  g_assert_nonnull (strstr (err, "HH:MM"));
  cases = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CONCERN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 0);
  g_clear_pointer (&cases, g_ptr_array_unref);

  run_admin (good, 0, &out);
  cases = ct_store_list_sync (fixture->store, CT_RECORD_KIND_CONCERN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (cases, 0), "incident-date"), ==,
                   "2026-01-10");
  g_assert_cmpstr (ct_record_get_string (g_ptr_array_index (cases, 0), "incident-time"), ==,
                   "16:30");
}

/* Hostile text: right-to-left, combining marks, PDF syntax, control
 * characters, and in the long fields 10,000 characters without a space. */
static const char *
hostile_value (const char *key)
{
  static GHashTable *values = NULL;
  char *value;

  if (values == NULL)
    values = g_hash_table_new (g_str_hash, g_str_equal);
  value = g_hash_table_lookup (values, key);
  if (value == NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      /* A tag of the key, so each field can be found in the letter. */
      g_string_append_printf (text, "K%uX ", g_str_hash (key) % 100000);
      g_string_append (text, "\u202Eعمر بن خالد\u202C Zo\u0308e\u0301 Z\u0336a\u0337l\u0338g\u0334o "
                             "(x) /Type /Catalog << /S /JavaScript >> endobj \\) % \x01\x07\x1b"
                             " \t");
      if (g_str_equal (key, "what") || g_str_equal (key, "history") || g_str_equal (key, "risk"))
        for (guint i = 0; i < 10000; i++)
          g_string_append_c (text, "abcdefghij"[i % 10]);
      value = g_string_free (g_steal_pointer (&text), FALSE);
      g_hash_table_insert (values, (gpointer) key, value);
    }
  return value;
}

static void
test_hostile_text (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *squeezed = NULL;
  static const char * const typed[] = {
    "what", "childs-words", "actions-taken", "child-given-names", "child-family-name",
    "child-address", "school", "gp", "nhs-number", "ethnicity", "religion", "language",
    "disability", "other-children", "household-members", "parent-given-names",
    "parent-family-name", "parent-address", "parent-phone", "alleged-given-names",
    "alleged-family-name", "exception-reason", "to-whom", "their-reference", "consent-reason",
    "withheld", "risk", "history", "strengths", "crime-reference", "what-wanted", "injuries",
    "witnesses", "child-aliases", "harm-types", "whereabouts", "lead-worker", "agencies-involved",
    "agency-address", "agency-secure-email",
  };
  g_autoptr(GPtrArray) agencies = NULL;
  g_autoptr(CtRecord) agency = NULL;

  /* The authority's details in the directory, typed as hostile as the
   * rest: its postal address and secure email are in the letter, and what
   * the letter does not show is kept whole. */
  agencies = ct_store_list_sync (fixture->store, CT_RECORD_KIND_AGENCY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (agencies->len, ==, 1);
  {
    g_autoptr(GHashTable) answers = answers_from ((const char *[]) {
      "address", hostile_value ("agency-address"),
      "secure-email", hostile_value ("agency-secure-email"),
      "out-of-hours", hostile_value ("agency-out-of-hours"),
      "phone", hostile_value ("agency-phone"), NULL });
    g_autoptr(CtRecord) changed = ct_details_change_record (g_ptr_array_index (agencies, 0),
                                                            answers, &error);

    g_assert_no_error (error);
    g_assert_true (ct_store_update_sync (fixture->store, fixture->staff_id, changed, &error));
    g_assert_no_error (error);
    agency = ct_store_get_sync (fixture->store, CT_RECORD_KIND_AGENCY, ct_record_get_id (changed),
                                &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ct_record_get_string (agency, "out-of-hours"), ==,
                     hostile_value ("agency-out-of-hours"));
    g_assert_cmpstr (ct_record_get_string (agency, "phone"), ==, hostile_value ("agency-phone"));
  }

  build_full_case (fixture, hostile_value);
  document = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                             CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_no_error (error);
  path = write_document (fixture, document, "hostile.pdf");
  write_page_pngs (path, "hostile");
  assert_on_page (path);
  pages = pdf_pages_text (path);
  text = letter_body (pages);
  squeezed = squeeze (text);

  /* Each field's text is there whole: its tag, the long run, the PDF
   * syntax and the accented and combining letters. */
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autofree char *want = squeeze (hostile_value (typed[i]));
      g_autofree char *tag = g_strdup_printf ("K%uX", g_str_hash (typed[i]) % 100000);
      const char *at = strstr (squeezed, tag);
      g_autofree char *latin = squeeze ("Zo\u0308e\u0301 Z\u0336a\u0337l\u0338g\u0334o "
                                        "(x) /Type /Catalog << /S /JavaScript >> endobj \\) %");

      if (at == NULL)
        g_error ("the text of “%s” is missing from the letter", typed[i]);
      if (strstr (at, latin) == NULL)
        g_error ("the text of “%s” lost characters", typed[i]);
      if (strlen (want) > 10000)
        {
          g_autofree char *run = g_strndup (want + strlen (want) - 10000, 10000);

          if (strstr (at, run) == NULL)
            g_error ("the 10,000 characters of “%s” are not all in the letter", typed[i]);
        }
    }
  g_assert_nonnull (strstr (text, "عمر"));

  /* The long runs wrap onto further pages, not off the page: a bounded
   * number of A4 pages, each numbered. */
  g_assert_cmpuint (pages->len, >=, 2);
  g_assert_cmpuint (pages->len, <=, 20);
  for (guint i = 0; i < pages->len; i++)
    {
      g_autofree char *number = g_strdup_printf ("Page %u of %u", i + 1, pages->len);

      g_assert_nonnull (strstr (g_ptr_array_index (pages, i), number));
    }
}

/* The referral pack of a case with nothing missing: the final letter and
 * the chronology, pages numbered through, the marking on each, no DRAFT. */
static void
test_final_pack (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) letter = NULL;
  g_autoptr(CtRecord) pack = NULL;
  g_autoptr(GPtrArray) letter_pages = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *letter_path = NULL;
  g_autofree char *path = NULL;

  build_full_case (fixture, plain_value);
  letter = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                           CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION, NULL, &error);
  g_assert_no_error (error);
  letter_path = write_document (fixture, letter, "final-letter.pdf");
  letter_pages = pdf_pages_text (letter_path);
  pack = ct_case_document_generate_sync (fixture->store, fixture->staff_id, fixture->reference,
                                         CT_CASE_DOCUMENT_REFERRAL_PACK, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ct_record_get_boolean (pack, "draft", FALSE));
  path = write_document (fixture, pack, "final-pack.pdf");
  write_page_pngs (path, "final-pack");
  assert_on_page (path);
  pages = pdf_pages_text (path);
  g_assert_cmpuint (pages->len, >, letter_pages->len);
  g_assert_nonnull (strstr (g_ptr_array_index (pages, 0), "Confirmation of a safeguarding referral"));
  g_assert_nonnull (strstr (g_ptr_array_index (pages, letter_pages->len), "Case chronology"));
  for (guint i = 0; i < pages->len; i++)
    {
      const char *page = g_ptr_array_index (pages, i);
      g_autofree char *number = g_strdup_printf ("Page %u of %u", i + 1, pages->len);

      g_assert_nonnull (strstr (page, number));
      g_assert_nonnull (strstr (page, "OFFICIAL-SENSITIVE"));
      if (strstr (page, "DRAFT") != NULL)
        g_error ("page %u of a final pack is marked DRAFT", i + 1);
    }
  g_remove (letter_path);
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/documents/referral-letter/" name, Fixture, NULL, fixture_set_up, func, \
              fixture_tear_down)
  ADD ("full-case", test_full_case);
  ADD ("draft", test_draft);
  ADD ("details-added", test_details_added);
  ADD ("actions-taken-later", test_actions_taken_later);
  ADD ("lawful-basis-refused", test_lawful_basis_refused);
  ADD ("incident-time-cli", test_incident_time_cli);
  ADD ("hostile-text", test_hostile_text);
  ADD ("final-pack", test_final_pack);
#undef ADD

  return g_test_run ();
}

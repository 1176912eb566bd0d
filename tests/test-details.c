/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "ct-details.h"
#include "ct-procedure.h"

/* The records forms make that are not procedure steps, made and changed in
 * one place (src/core/ct-details.c). */

static void
test_new_organisation (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) org = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "name", "Example Law LLP");
  ct_answers_set_text (answers, "nation", "scotland");
  ct_answers_set_text (answers, "cutoff", "16:00");
  ct_answers_set_text (answers, "policy-adopted", "2026-01-05");
  ct_answers_set_int64 (answers, "decision-working-days", 1);
  ct_answers_set_text (answers, "email", "");

  org = ct_details_new_record (CT_RECORD_KIND_ORGANISATION, NULL, answers, &error);
  g_assert_no_error (error);
  g_assert_nonnull (org);
  g_assert_cmpint (ct_record_get_kind (org), ==, CT_RECORD_KIND_ORGANISATION);
  g_assert_nonnull (ct_record_get_id (org));
  g_assert_null (ct_record_get_case_id (org));
  g_assert_cmpstr (ct_record_get_string (org, "name"), ==, "Example Law LLP");
  g_assert_cmpstr (ct_record_get_string (org, "nation"), ==, "scotland");
  g_assert_cmpstr (ct_record_get_string (org, "cutoff"), ==, "16:00");
  g_assert_cmpstr (ct_record_get_string (org, "policy-adopted"), ==, "2026-01-05");
  g_assert_cmpint (ct_record_get_int64 (org, "decision-working-days", -1), ==, 1);
  /* An empty answer is left out, not stored as empty text. */
  g_assert_false (ct_record_has_field (org, "email"));
}

static void
test_new_staff (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) staff = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "name", "Dana Demo");
  ct_answers_set_text (answers, "role", "Designated Safeguarding Officer");
  ct_answers_set_text (answers, "phone", "01632 960000");
  ct_answers_set_boolean (answers, "is-dso", TRUE);
  ct_answers_set_boolean (answers, "is-deputy", FALSE);

  staff = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (staff), ==, CT_RECORD_KIND_STAFF);
  g_assert_cmpstr (ct_record_get_string (staff, "name"), ==, "Dana Demo");
  g_assert_cmpstr (ct_record_get_string (staff, "phone"), ==, "01632 960000");
  g_assert_true (ct_record_get_boolean (staff, "is-dso", FALSE));
  g_assert_true (ct_record_has_field (staff, "is-deputy"));
  g_assert_false (ct_record_get_boolean (staff, "is-deputy", TRUE));
  g_assert_false (ct_record_has_field (staff, "is-sbm"));
}

static void
test_new_agency (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) agency = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "name", "Borough Children's Services");
  ct_answers_set_text (answers, "kind", "children-social-care");
  ct_answers_set_text (answers, "area", "Borough");
  ct_answers_set_text (answers, "confirmation-period", "2wd");

  agency = ct_details_new_record (CT_RECORD_KIND_AGENCY, NULL, answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (agency), ==, CT_RECORD_KIND_AGENCY);
  g_assert_cmpstr (ct_record_get_string (agency, "kind"), ==, "children-social-care");
  g_assert_cmpstr (ct_record_get_string (agency, "area"), ==, "Borough");
  g_assert_cmpstr (ct_record_get_string (agency, "confirmation-period"), ==, "2wd");
}

static void
test_new_child (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) child = NULL;
  g_autoptr(GError) error = NULL;
  const char *aliases[] = { "Sam", "Sammy", NULL };

  ct_answers_set_text (answers, "given-names", "Sam");
  ct_answers_set_text (answers, "family-name", "Example");
  ct_answers_set_text (answers, "date-of-birth", "2015-07-14");
  ct_answers_set_strv (answers, "aliases", aliases);
  ct_answers_set_text (answers, "status", "child-in-need");
  ct_answers_set_boolean (answers, "interpreter-needed", FALSE);

  child = ct_details_new_record (CT_RECORD_KIND_CHILD, "case-1", answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (child), ==, CT_RECORD_KIND_CHILD);
  g_assert_cmpstr (ct_record_get_case_id (child), ==, "case-1");
  g_assert_cmpstr (ct_record_get_string (child, "date-of-birth"), ==, "2015-07-14");
  g_assert_cmpstrv (ct_record_get_strv (child, "aliases"), aliases);
  g_assert_cmpstr (ct_record_get_string (child, "status"), ==, "child-in-need");
  g_assert_true (ct_record_has_field (child, "interpreter-needed"));
}

static void
test_new_person (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) person = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "given-names", "Alex");
  ct_answers_set_text (answers, "family-name", "Example");
  ct_answers_set_text (answers, "role", "mother");
  ct_answers_set_text (answers, "address", "1 Imaginary Lane");
  ct_answers_set_text (answers, "phone", "");

  person = ct_details_new_record (CT_RECORD_KIND_PERSON, "case-1", answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (person), ==, CT_RECORD_KIND_PERSON);
  g_assert_cmpstr (ct_record_get_case_id (person), ==, "case-1");
  g_assert_cmpstr (ct_record_get_string (person, "given-names"), ==, "Alex");
  g_assert_cmpstr (ct_record_get_string (person, "role"), ==, "mother");
  g_assert_false (ct_record_has_field (person, "phone"));
}

static void
test_new_relationship (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) rel = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "child-id", "child-1");
  ct_answers_set_text (answers, "person-id", "person-1");
  ct_answers_set_text (answers, "relation", "mother");
  ct_answers_set_boolean (answers, "parental-responsibility", TRUE);
  ct_answers_set_boolean (answers, "alleged-person", FALSE);
  /* "Not known" is an empty answer. */
  ct_answers_set_text (answers, "primary-carer", "");

  rel = ct_details_new_record (CT_RECORD_KIND_RELATIONSHIP, "case-1", answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (rel), ==, CT_RECORD_KIND_RELATIONSHIP);
  g_assert_cmpstr (ct_record_get_string (rel, "child-id"), ==, "child-1");
  g_assert_cmpstr (ct_record_get_string (rel, "person-id"), ==, "person-1");
  g_assert_true (ct_record_get_boolean (rel, "parental-responsibility", FALSE));
  g_assert_true (ct_record_has_field (rel, "alleged-person"));
  g_assert_false (ct_record_get_boolean (rel, "alleged-person", TRUE));
  g_assert_false (ct_record_has_field (rel, "primary-carer"));
}

static void
test_new_case (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "title", "Fictional demonstration case");
  ct_answers_set_boolean (answers, "demo", TRUE);

  case_record = ct_details_new_case ("CT-DEMO-00001", answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ct_record_get_kind (case_record), ==, CT_RECORD_KIND_CASE);
  g_assert_cmpstr (ct_record_get_reference (case_record), ==, "CT-DEMO-00001");
  g_assert_cmpstr (ct_record_get_string (case_record, "title"), ==, "Fictional demonstration case");
  g_assert_true (ct_record_get_boolean (case_record, "demo", FALSE));

  /* What a case's steps write is not a detail. */
  g_clear_object (&case_record);
  ct_answers_set_text (answers, "pathway", "early-help");
  case_record = ct_details_new_case ("CT-DEMO-00002", answers, &error);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_UNKNOWN_DETAIL);
  g_assert_null (case_record);
}

/* A change of each kind keeps the record's id and everything not answered,
 * and leaves the record it was given as it was. */
static void
test_change_each_kind (void)
{
  struct {
    CtRecordKind kind;
    const char *changed;
    const char *kept;
  } kinds[] = {
    { CT_RECORD_KIND_ORGANISATION, "name", "address" },
    { CT_RECORD_KIND_STAFF, "role", "name" },
    { CT_RECORD_KIND_AGENCY, "phone", "name" },
    { CT_RECORD_KIND_CHILD, "school", "given-names" },
    { CT_RECORD_KIND_PERSON, "address", "given-names" },
    { CT_RECORD_KIND_RELATIONSHIP, "relation", "child-id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GHashTable) first = ct_answers_new ();
      g_autoptr(GHashTable) second = ct_answers_new ();
      g_autoptr(CtRecord) record = NULL;
      g_autoptr(CtRecord) changed = NULL;
      g_autoptr(GError) error = NULL;

      ct_answers_set_text (first, kinds[i].changed, "before");
      ct_answers_set_text (first, kinds[i].kept, "unchanged");
      record = ct_details_new_record (kinds[i].kind, "case-1", first, &error);
      g_assert_no_error (error);

      ct_answers_set_text (second, kinds[i].changed, "after");
      changed = ct_details_change_record (record, second, &error);
      g_assert_no_error (error);
      g_assert_true (changed != record);
      g_assert_cmpint (ct_record_get_kind (changed), ==, kinds[i].kind);
      g_assert_cmpstr (ct_record_get_id (changed), ==, ct_record_get_id (record));
      g_assert_cmpstr (ct_record_get_case_id (changed), ==, "case-1");
      g_assert_cmpstr (ct_record_get_string (changed, kinds[i].changed), ==, "after");
      g_assert_cmpstr (ct_record_get_string (changed, kinds[i].kept), ==, "unchanged");
      g_assert_cmpstr (ct_record_get_string (record, kinds[i].changed), ==, "before");
    }
}

static void
test_change_keeps_unrelated_fields (void)
{
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(GError) error = NULL;

  /* Fields written by a step, which no form asks about, stay. */
  ct_record_set_case_id (child, "case-1");
  ct_record_set_string (child, "given-names", "Sam");
  ct_record_set_boolean (child, "safe-now", TRUE);
  ct_record_set_string (child, "written-by-a-step", "kept");

  ct_answers_set_text (answers, "school", "Example Primary");
  changed = ct_details_change_record (child, answers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ct_record_get_id (changed), ==, ct_record_get_id (child));
  g_assert_cmpstr (ct_record_get_string (changed, "given-names"), ==, "Sam");
  g_assert_true (ct_record_get_boolean (changed, "safe-now", FALSE));
  g_assert_cmpstr (ct_record_get_string (changed, "written-by-a-step"), ==, "kept");
  g_assert_cmpstr (ct_record_get_string (changed, "school"), ==, "Example Primary");
  g_assert_false (ct_record_has_field (child, "school"));
}

static void
test_empty_answer_removes (void)
{
  g_autoptr(CtRecord) org = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(GError) error = NULL;

  ct_record_set_string (org, "name", "Example Law LLP");
  ct_record_set_string (org, "letter-closing", "Yours faithfully");
  ct_record_set_string (org, "policy-reviewed", "2026-01-05");
  ct_record_set_int64 (org, "decision-working-days", 2);

  /* An empty text removes a detail of any type. */
  ct_answers_set_text (answers, "letter-closing", "");
  ct_answers_set_text (answers, "policy-reviewed", "");
  ct_answers_set_text (answers, "decision-working-days", "");
  changed = ct_details_change_record (org, answers, &error);
  g_assert_no_error (error);
  g_assert_false (ct_record_has_field (changed, "letter-closing"));
  g_assert_false (ct_record_has_field (changed, "policy-reviewed"));
  g_assert_false (ct_record_has_field (changed, "decision-working-days"));
  g_assert_cmpstr (ct_record_get_string (changed, "name"), ==, "Example Law LLP");
  g_assert_cmpstr (ct_record_get_string (org, "letter-closing"), ==, "Yours faithfully");

  /* A yes/no answered "not known". */
  {
    g_autoptr(CtRecord) rel = ct_record_new (CT_RECORD_KIND_RELATIONSHIP);
    g_autoptr(GHashTable) unknown = ct_answers_new ();
    g_autoptr(CtRecord) changed_rel = NULL;

    ct_record_set_boolean (rel, "household-member", TRUE);
    ct_answers_set_text (unknown, "household-member", "");
    changed_rel = ct_details_change_record (rel, unknown, &error);
    g_assert_no_error (error);
    g_assert_false (ct_record_has_field (changed_rel, "household-member"));
  }
}

static void
test_unknown_key_refused (void)
{
  g_autoptr(CtRecord) person = ct_record_new (CT_RECORD_KIND_PERSON);
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) changed = NULL;
  g_autoptr(CtRecord) made = NULL;
  g_autoptr(GError) error = NULL;

  ct_record_set_string (person, "given-names", "Alex");
  ct_answers_set_text (answers, "given-names", "Alexandra");
  ct_answers_set_text (answers, "shoe-size", "7");

  changed = ct_details_change_record (person, answers, &error);
  g_assert_null (changed);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_UNKNOWN_DETAIL);
  g_assert_cmpstr (error->message, ==,
                   "There is no detail “shoe-size” for a person. The details that can be set "
                   "are: given-names, family-name, aliases, date-of-birth, gender, address, "
                   "phone, email, role, demo.");
  /* Nothing was changed, not even the answer that was good. */
  g_assert_cmpstr (ct_record_get_string (person, "given-names"), ==, "Alex");
  g_clear_error (&error);

  made = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, answers, &error);
  g_assert_null (made);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_UNKNOWN_DETAIL);
  g_assert_nonnull (strstr (error->message, "for a member of staff"));
}

static void
test_bad_date_refused (void)
{
  const char *bad[] = { "14/07/2015", "2015-02-30", "2015-13-01", "2015-7-14", "yesterday",
                        "2015-07-14T10:00" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GHashTable) answers = ct_answers_new ();
      g_autoptr(CtRecord) child = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      ct_answers_set_text (answers, "given-names", "Sam");
      ct_answers_set_text (answers, "date-of-birth", bad[i]);
      child = ct_details_new_record (CT_RECORD_KIND_CHILD, "case-1", answers, &error);
      g_assert_null (child);
      g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_BAD_DATE);
      expected = g_strdup_printf ("“%s” is not a date for “date-of-birth”. Write it as year, "
                                  "month and day, for example 2015-07-14.", bad[i]);
      g_assert_cmpstr (error->message, ==, expected);
    }

  /* A leap day is a date. */
  {
    g_autoptr(GHashTable) answers = ct_answers_new ();
    g_autoptr(CtRecord) child = NULL;
    g_autoptr(GError) error = NULL;

    ct_answers_set_text (answers, "date-of-birth", "2016-02-29");
    child = ct_details_new_record (CT_RECORD_KIND_CHILD, "case-1", answers, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ct_record_get_string (child, "date-of-birth"), ==, "2016-02-29");
  }
}

static void
test_wrong_type_refused (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "is-dso", "yes");
  record = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, answers, &error);
  g_assert_null (record);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "The detail “is-dso” must be yes or no.");
  g_clear_error (&error);
  g_hash_table_remove_all (answers);

  ct_answers_set_text (answers, "decision-working-days", "2");
  record = ct_details_new_record (CT_RECORD_KIND_ORGANISATION, NULL, answers, &error);
  g_assert_null (record);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "The detail “decision-working-days” must be a whole number.");
  g_clear_error (&error);
  g_hash_table_remove_all (answers);

  ct_answers_set_boolean (answers, "name", TRUE);
  record = ct_details_new_record (CT_RECORD_KIND_AGENCY, NULL, answers, &error);
  g_assert_null (record);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "The detail “name” must be text.");
}

static void
test_bad_choice_refused (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) org = NULL;
  g_autoptr(GError) error = NULL;

  ct_answers_set_text (answers, "nation", "wales");
  org = ct_details_new_record (CT_RECORD_KIND_ORGANISATION, NULL, answers, &error);
  g_assert_null (org);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_BAD_CHOICE);
  g_assert_cmpstr (error->message, ==,
                   "“wales” is not a choice for “nation”. The choices are: england-and-wales, "
                   "scotland, northern-ireland.");
}

static void
test_step_kinds_refused (void)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 99;

  g_assert_false (ct_details_kind_is_detail (CT_RECORD_KIND_REFERRAL));
  g_assert_null (ct_details_get_details (CT_RECORD_KIND_REFERRAL, &n));
  g_assert_cmpuint (n, ==, 0);

  ct_answers_set_text (answers, "what", "Something");
  record = ct_details_new_record (CT_RECORD_KIND_CONCERN, "case-1", answers, &error);
  g_assert_null (record);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_NOT_A_DETAIL_KIND);
  g_clear_error (&error);

  record = ct_details_change_record (concern, answers, &error);
  g_assert_null (record);
  g_assert_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_NOT_A_DETAIL_KIND);
}

static void
test_table (void)
{
  const CtDetail *details;
  const CtDetail *detail;
  guint n = 0;

  details = ct_details_get_details (CT_RECORD_KIND_CHILD, &n);
  g_assert_nonnull (details);
  g_assert_cmpuint (n, >, 10);

  detail = ct_details_lookup (CT_RECORD_KIND_CHILD, "date-of-birth");
  g_assert_nonnull (detail);
  g_assert_cmpint (detail->type, ==, CT_DETAIL_DATE);
  detail = ct_details_lookup (CT_RECORD_KIND_CHILD, "aliases");
  g_assert_cmpint (detail->type, ==, CT_DETAIL_LIST);
  detail = ct_details_lookup (CT_RECORD_KIND_RELATIONSHIP, "alleged-person");
  g_assert_cmpint (detail->type, ==, CT_DETAIL_YES_NO);
  detail = ct_details_lookup (CT_RECORD_KIND_ORGANISATION, "referral-working-days");
  g_assert_cmpint (detail->type, ==, CT_DETAIL_NUMBER);
  g_assert_null (ct_details_lookup (CT_RECORD_KIND_PERSON, "status"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/details/new/organisation", test_new_organisation);
  g_test_add_func ("/details/new/staff", test_new_staff);
  g_test_add_func ("/details/new/agency", test_new_agency);
  g_test_add_func ("/details/new/child", test_new_child);
  g_test_add_func ("/details/new/person", test_new_person);
  g_test_add_func ("/details/new/relationship", test_new_relationship);
  g_test_add_func ("/details/new/case", test_new_case);
  g_test_add_func ("/details/change/each-kind", test_change_each_kind);
  g_test_add_func ("/details/change/keeps-unrelated", test_change_keeps_unrelated_fields);
  g_test_add_func ("/details/change/empty-removes", test_empty_answer_removes);
  g_test_add_func ("/details/refused/unknown-key", test_unknown_key_refused);
  g_test_add_func ("/details/refused/bad-date", test_bad_date_refused);
  g_test_add_func ("/details/refused/wrong-type", test_wrong_type_refused);
  g_test_add_func ("/details/refused/bad-choice", test_bad_choice_refused);
  g_test_add_func ("/details/refused/step-kinds", test_step_kinds_refused);
  g_test_add_func ("/details/table", test_table);

  return g_test_run ();
}

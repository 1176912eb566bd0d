/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-details"

#include "config.h"

#include "ct-details.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_QUARK (ct-details-error-quark, ct_details_error)

static const char * const nations[] = {
  "england-and-wales", "scotland", "northern-ireland", NULL
};
static const char * const agency_kinds[] = {
  "children-social-care", "mash", "police", "nspcc", "lado", "early-help", NULL
};
static const char * const confirmation_periods[] = { "48h", "24h", "2wd", NULL };
static const char * const organisation_kinds[] = {
  "law-firm", "mediation-service", "counselling-practice", "charity", "other-organisation", NULL
};
static const char * const child_statuses[] = {
  "none", "early-help", "child-in-need", "child-protection-plan", "looked-after", NULL
};

/* Every kind's records may carry "demo": caretrail-admin demo marks what it
 * makes, so sample data can be told from real data. */
#define DEMO_DETAIL { "demo", CT_DETAIL_YES_NO, NULL }

static const CtDetail organisation_details[] = {
  { "name", CT_DETAIL_TEXT, NULL },
  { "address", CT_DETAIL_TEXT, NULL },
  { "phone", CT_DETAIL_TEXT, NULL },
  { "email", CT_DETAIL_TEXT, NULL },
  { "nation", CT_DETAIL_CHOICE, nations },
  { "cutoff", CT_DETAIL_TEXT, NULL },
  { "out-of-hours", CT_DETAIL_TEXT, NULL },
  { "policy-adopted", CT_DETAIL_DATE, NULL },
  { "policy-reviewed", CT_DETAIL_DATE, NULL },
  { "decision-working-days", CT_DETAIL_NUMBER, NULL },
  { "referral-working-days", CT_DETAIL_NUMBER, NULL },
  { "dso-name", CT_DETAIL_TEXT, NULL },
  { "dso-contact", CT_DETAIL_TEXT, NULL },
  { "deputy-name", CT_DETAIL_TEXT, NULL },
  { "deputy-contact", CT_DETAIL_TEXT, NULL },
  { "sbm-name", CT_DETAIL_TEXT, NULL },
  { "sbm-contact", CT_DETAIL_TEXT, NULL },
  { "letter-closing", CT_DETAIL_TEXT, NULL },
  { "logo-path", CT_DETAIL_TEXT, NULL },
  /* The kind of organisation, which decides the lawful bases it can rely on. */
  { "organisation-kind", CT_DETAIL_CHOICE, organisation_kinds },
  /* The local authority the organisation usually refers to (an agency id). */
  { "usual-authority", CT_DETAIL_TEXT, NULL },
  DEMO_DETAIL,
};

static const CtDetail staff_details[] = {
  { "name", CT_DETAIL_TEXT, NULL },
  { "role", CT_DETAIL_TEXT, NULL },
  { "email", CT_DETAIL_TEXT, NULL },
  { "phone", CT_DETAIL_TEXT, NULL },
  { "is-dso", CT_DETAIL_YES_NO, NULL },
  { "is-deputy", CT_DETAIL_YES_NO, NULL },
  { "is-sbm", CT_DETAIL_YES_NO, NULL },
  /* No longer with the organisation: kept, since the chronology names them,
   * but no longer offered as someone to choose. */
  { "left", CT_DETAIL_YES_NO, NULL },
  DEMO_DETAIL,
};

static const CtDetail agency_details[] = {
  { "name", CT_DETAIL_TEXT, NULL },
  { "kind", CT_DETAIL_CHOICE, agency_kinds },
  { "area", CT_DETAIL_TEXT, NULL },
  { "phone", CT_DETAIL_TEXT, NULL },
  { "secure-email", CT_DETAIL_TEXT, NULL },
  { "out-of-hours", CT_DETAIL_TEXT, NULL },
  { "address", CT_DETAIL_TEXT, NULL },
  { "confirmation-period", CT_DETAIL_CHOICE, confirmation_periods },
  DEMO_DETAIL,
};

static const CtDetail child_details[] = {
  { "given-names", CT_DETAIL_TEXT, NULL },
  { "family-name", CT_DETAIL_TEXT, NULL },
  { "aliases", CT_DETAIL_LIST, NULL },
  { "date-of-birth", CT_DETAIL_DATE, NULL },
  { "unborn", CT_DETAIL_YES_NO, NULL },
  { "gender", CT_DETAIL_TEXT, NULL },
  { "address", CT_DETAIL_TEXT, NULL },
  { "area", CT_DETAIL_TEXT, NULL },
  { "school", CT_DETAIL_TEXT, NULL },
  { "gp", CT_DETAIL_TEXT, NULL },
  { "nhs-number", CT_DETAIL_TEXT, NULL },
  { "ethnicity", CT_DETAIL_TEXT, NULL },
  { "religion", CT_DETAIL_TEXT, NULL },
  { "language", CT_DETAIL_TEXT, NULL },
  { "interpreter-needed", CT_DETAIL_YES_NO, NULL },
  { "disability", CT_DETAIL_TEXT, NULL },
  { "status", CT_DETAIL_CHOICE, child_statuses },
  { "lead-worker", CT_DETAIL_TEXT, NULL },
  { "lead-worker-contact", CT_DETAIL_TEXT, NULL },
  { "agencies-involved", CT_DETAIL_TEXT, NULL },
  { "whereabouts", CT_DETAIL_TEXT, NULL },
  { "safe-now", CT_DETAIL_YES_NO, NULL },
  /* The household, as the child's referral describes it. */
  { "other-children", CT_DETAIL_TEXT, NULL },
  { "household-members", CT_DETAIL_TEXT, NULL },
  DEMO_DETAIL,
};

static const CtDetail person_details[] = {
  { "given-names", CT_DETAIL_TEXT, NULL },
  { "family-name", CT_DETAIL_TEXT, NULL },
  { "aliases", CT_DETAIL_LIST, NULL },
  { "date-of-birth", CT_DETAIL_DATE, NULL },
  { "gender", CT_DETAIL_TEXT, NULL },
  { "address", CT_DETAIL_TEXT, NULL },
  { "phone", CT_DETAIL_TEXT, NULL },
  { "email", CT_DETAIL_TEXT, NULL },
  { "role", CT_DETAIL_TEXT, NULL },
  DEMO_DETAIL,
};

static const CtDetail relationship_details[] = {
  { "child-id", CT_DETAIL_TEXT, NULL },
  { "person-id", CT_DETAIL_TEXT, NULL },
  { "relation", CT_DETAIL_TEXT, NULL },
  { "parental-responsibility", CT_DETAIL_YES_NO, NULL },
  { "primary-carer", CT_DETAIL_YES_NO, NULL },
  { "household-member", CT_DETAIL_YES_NO, NULL },
  { "alleged-person", CT_DETAIL_YES_NO, NULL },
  { "access-to-other-children", CT_DETAIL_YES_NO, NULL },
  DEMO_DETAIL,
};

/* Only what a case is called. Everything else on a case (its children, its
 * pathway, why it was closed) is written by the procedure's steps. */
static const CtDetail case_details[] = {
  { "title", CT_DETAIL_TEXT, NULL },
  { "summary", CT_DETAIL_TEXT, NULL },
  /* What the DSO recorded for a detail a referral lacks ("key: why"), so
   * the letter can be final without it. */
  { "referral-explanations", CT_DETAIL_LIST, NULL },
  DEMO_DETAIL,
};

typedef struct
{
  const CtDetail *details;
  guint           n_details;
  const char     *name;  /* translatable, with its article: "a person" */
} KindDetails;

#define KIND_DETAILS(table, name) { table, G_N_ELEMENTS (table), name }

static const KindDetails kind_details[CT_RECORD_N_KINDS] = {
  [CT_RECORD_KIND_ORGANISATION] = KIND_DETAILS (organisation_details, N_("an organisation")),
  [CT_RECORD_KIND_STAFF] = KIND_DETAILS (staff_details, N_("a member of staff")),
  [CT_RECORD_KIND_AGENCY] = KIND_DETAILS (agency_details, N_("an agency")),
  [CT_RECORD_KIND_CHILD] = KIND_DETAILS (child_details, N_("a child")),
  [CT_RECORD_KIND_PERSON] = KIND_DETAILS (person_details, N_("a person")),
  [CT_RECORD_KIND_RELATIONSHIP] = KIND_DETAILS (relationship_details, N_("a relationship")),
  [CT_RECORD_KIND_CASE] = KIND_DETAILS (case_details, N_("a case")),
};

/**
 * ct_details_kind_is_detail:
 * @kind: a kind of record
 *
 * Returns: %TRUE if records of @kind are made and changed from details
 *   here, %FALSE if only the procedure's steps write them.
 */
gboolean
ct_details_kind_is_detail (CtRecordKind kind)
{
  return kind < CT_RECORD_N_KINDS && kind_details[kind].details != NULL;
}

/**
 * ct_details_get_details:
 * @kind: a kind of record
 * @n_details: (out): how many details it has
 *
 * Returns: (array length=n_details) (transfer none) (nullable): the
 *   details a form may set on a record of @kind, or %NULL if it has none.
 */
const CtDetail *
ct_details_get_details (CtRecordKind  kind,
                        guint        *n_details)
{
  g_return_val_if_fail (n_details != NULL, NULL);

  if (!ct_details_kind_is_detail (kind))
    {
      *n_details = 0;
      return NULL;
    }

  *n_details = kind_details[kind].n_details;
  return kind_details[kind].details;
}

/**
 * ct_details_lookup:
 * @kind: a kind of record
 * @key: a detail's key
 *
 * Returns: (nullable) (transfer none): the detail called @key, or %NULL
 */
const CtDetail *
ct_details_lookup (CtRecordKind  kind,
                   const char   *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (!ct_details_kind_is_detail (kind))
    return NULL;

  for (guint i = 0; i < kind_details[kind].n_details; i++)
    if (g_str_equal (kind_details[kind].details[i].key, key))
      return &kind_details[kind].details[i];

  return NULL;
}

static char *
join_keys (CtRecordKind kind)
{
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = 0; i < kind_details[kind].n_details; i++)
    {
      if (i > 0)
        g_string_append (keys, ", ");
      g_string_append (keys, kind_details[kind].details[i].key);
    }

  return g_string_free (g_steal_pointer (&keys), FALSE);
}

static const char *
describe_type (CtDetailType type)
{
  switch (type)
    {
    case CT_DETAIL_TEXT:
      return _("text");
    case CT_DETAIL_YES_NO:
      return _("yes or no");
    case CT_DETAIL_DATE:
      return _("a date written as YYYY-MM-DD");
    case CT_DETAIL_LIST:
      return _("a list of text");
    case CT_DETAIL_NUMBER:
      return _("a whole number");
    case CT_DETAIL_CHOICE:
      return _("one of its choices");
    default:
      g_assert_not_reached ();
    }
}

/* A real date in the Gregorian calendar, written exactly "YYYY-MM-DD". */
static gboolean
is_iso_date (const char *text)
{
  guint64 year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);

  return year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
         g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

/* The GVariant type an answer to @type must have; an empty string is
 * accepted for every type apart from this. */
static const GVariantType *
answer_type (CtDetailType type)
{
  switch (type)
    {
    case CT_DETAIL_TEXT:
    case CT_DETAIL_DATE:
    case CT_DETAIL_CHOICE:
      return G_VARIANT_TYPE_STRING;
    case CT_DETAIL_YES_NO:
      return G_VARIANT_TYPE_BOOLEAN;
    case CT_DETAIL_LIST:
      return G_VARIANT_TYPE_STRING_ARRAY;
    case CT_DETAIL_NUMBER:
      return G_VARIANT_TYPE_INT64;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_empty_text (GVariant *value)
{
  return g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) &&
         *g_variant_get_string (value, NULL) == '\0';
}

/* Checks one answer against the table of @kind. */
static gboolean
check_answer (CtRecordKind   kind,
              const char    *key,
              GVariant      *value,
              GError       **error)
{
  const CtDetail *detail = ct_details_lookup (kind, key);

  if (detail == NULL)
    {
      g_autofree char *keys = join_keys (kind);

      g_set_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_UNKNOWN_DETAIL,
                   /* Translators: the first %s is a detail's key, e.g. "shoe-size"; the
                    * second names the record, e.g. "a person"; the third lists the keys. */
                   _("There is no detail “%s” for %s. The details that can be set are: %s."),
                   key, _(kind_details[kind].name), keys);
      return FALSE;
    }

  if (is_empty_text (value))
    return TRUE;

  if (!g_variant_is_of_type (value, answer_type (detail->type)))
    {
      g_set_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_WRONG_TYPE,
                   /* Translators: %s is a detail's key, then what it takes, e.g. "yes or no". */
                   _("The detail “%s” must be %s."),
                   key, describe_type (detail->type));
      return FALSE;
    }

  if (detail->type == CT_DETAIL_DATE && !is_iso_date (g_variant_get_string (value, NULL)))
    {
      g_set_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_BAD_DATE,
                   /* Translators: the first %s is what was given, the second a detail's key. */
                   _("“%s” is not a date for “%s”. Write it as year, month and day, for "
                     "example 2015-07-14."),
                   g_variant_get_string (value, NULL), key);
      return FALSE;
    }

  if (detail->type == CT_DETAIL_CHOICE &&
      !g_strv_contains (detail->choices, g_variant_get_string (value, NULL)))
    {
      g_autofree char *choices = g_strjoinv (", ", (char **) detail->choices);

      g_set_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_BAD_CHOICE,
                   /* Translators: the first %s is what was given, the second a detail's
                    * key, the third lists the choices. */
                   _("“%s” is not a choice for “%s”. The choices are: %s."),
                   g_variant_get_string (value, NULL), key, choices);
      return FALSE;
    }

  return TRUE;
}

/* Checks every answer before anything is changed, so a refused change
 * leaves nothing half done. */
static gboolean
check_answers (CtRecordKind   kind,
               GHashTable    *answers,
               GError       **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (!ct_details_kind_is_detail (kind))
    {
      g_set_error (error, CT_DETAILS_ERROR, CT_DETAILS_ERROR_NOT_A_DETAIL_KIND,
                   _("Records of this kind are written by the steps of the procedure, not "
                     "from a form of details."));
      return FALSE;
    }

  g_hash_table_iter_init (&iter, answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!check_answer (kind, key, value, error))
      return FALSE;

  return TRUE;
}

/* Writes checked answers into @record. */
static void
apply_answers (CtRecord   *record,
               GHashTable *answers)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *field = key;
      GVariant *answer = value;

      if (is_empty_text (answer))
        ct_record_remove_field (record, field);
      else if (g_variant_is_of_type (answer, G_VARIANT_TYPE_STRING))
        ct_record_set_string (record, field, g_variant_get_string (answer, NULL));
      else if (g_variant_is_of_type (answer, G_VARIANT_TYPE_BOOLEAN))
        ct_record_set_boolean (record, field, g_variant_get_boolean (answer));
      else if (g_variant_is_of_type (answer, G_VARIANT_TYPE_INT64))
        ct_record_set_int64 (record, field, g_variant_get_int64 (answer));
      else if (g_variant_is_of_type (answer, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const char **strv = g_variant_get_strv (answer, NULL);

          ct_record_set_strv (record, field, strv);
        }
      else
        g_assert_not_reached ();
    }
}

/**
 * ct_details_new_record:
 * @kind: what to make: an organisation, member of staff, agency, child,
 *   person, relationship or case
 * @case_id: (nullable): the case the record belongs to, or %NULL for the
 *   organisation's directory
 * @answers: the details, from ct_answers_new()
 * @error: return location for a #CT_DETAILS_ERROR
 *
 * Makes a new record with a new id from @answers. Empty text answers are
 * left out.
 *
 * Returns: (transfer full): the record, not yet stored, or %NULL if an
 *   answer is not one of @kind's details or not of its type.
 */
CtRecord *
ct_details_new_record (CtRecordKind   kind,
                       const char    *case_id,
                       GHashTable    *answers,
                       GError       **error)
{
  g_autoptr(CtRecord) record = NULL;

  g_return_val_if_fail (kind < CT_RECORD_N_KINDS, NULL);
  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_answers (kind, answers, error))
    return NULL;

  record = ct_record_new (kind);
  if (case_id != NULL)
    ct_record_set_case_id (record, case_id);
  apply_answers (record, answers);

  return g_steal_pointer (&record);
}

/**
 * ct_details_change_record:
 * @existing: the stored record
 * @answers: the details to change, from ct_answers_new()
 * @error: return location for a #CT_DETAILS_ERROR
 *
 * Makes a copy of @existing with @answers applied: the same id, case and
 * metadata, the details not answered as they were, and each detail
 * answered with an empty text removed. @existing is not changed.
 *
 * Returns: (transfer full): the changed copy, to be stored as a new
 *   version, or %NULL if an answer is refused.
 */
CtRecord *
ct_details_change_record (CtRecord     *existing,
                          GHashTable   *answers,
                          GError      **error)
{
  g_autoptr(CtRecord) record = NULL;

  g_return_val_if_fail (CT_IS_RECORD (existing), NULL);
  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_answers (ct_record_get_kind (existing), answers, error))
    return NULL;

  record = ct_record_copy (existing);
  apply_answers (record, answers);

  return g_steal_pointer (&record);
}

/**
 * ct_details_new_case:
 * @reference: the case's reference, e.g. "CT-DEMO-00001"
 * @answers: the case's details (title, summary), from ct_answers_new()
 * @error: return location for a #CT_DETAILS_ERROR
 *
 * Makes a case that is not yet stored, with its reference chosen by the
 * caller rather than the next of the year. Its first step stores it.
 *
 * Returns: (transfer full): the case, or %NULL if an answer is refused.
 */
CtRecord *
ct_details_new_case (const char   *reference,
                     GHashTable   *answers,
                     GError      **error)
{
  g_autoptr(CtRecord) record = NULL;

  g_return_val_if_fail (reference != NULL && *reference != '\0', NULL);

  record = ct_details_new_record (CT_RECORD_KIND_CASE, NULL, answers, error);
  if (record == NULL)
    return NULL;

  ct_record_set_reference (record, reference);
  return g_steal_pointer (&record);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-documents"

#include "config.h"

#include "ct-case-documents.h"
#include "ct-case-service.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ct-document-private.h"
#include "ct-documents.h"
#include "ct-format.h"
#include "ct-lawful-basis.h"
#include "ct-procedure.h"

/*
 * Documents made from a stored case.
 *
 * The case's records are read (opening the case, which the audit log
 * records), mapped onto the plain structures the documents are drawn from,
 * rendered, and the exact PDF bytes are kept in the store as a DOCUMENT
 * record with their SHA-256 in the audit log. Producing a document again
 * after a correction adds a new DOCUMENT record that supersedes the old one;
 * the old one stays, exactly as it was.
 */

static const char * const kind_names[] = {
  [CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION] = "referral-confirmation",
  [CT_CASE_DOCUMENT_RECORD_OF_CONCERN] = "record-of-concern",
  [CT_CASE_DOCUMENT_CHRONOLOGY] = "chronology",
  [CT_CASE_DOCUMENT_REFERRAL_PACK] = "referral-pack",
};

const char *
ct_case_document_kind_to_string (CtCaseDocumentKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

gboolean
ct_case_document_kind_from_string (const char         *str,
                                   CtCaseDocumentKind *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (str, kind_names[i]) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* The titles as written here; a document's record keeps this (no translated
 * text is stored), and ct_case_document_get_title() translates it. */
static const char *
kind_title (CtCaseDocumentKind kind)
{
  switch (kind)
    {
    case CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION:
      return N_("Confirmation of a safeguarding referral");
    case CT_CASE_DOCUMENT_RECORD_OF_CONCERN:
      return N_("Record of a safeguarding concern");
    case CT_CASE_DOCUMENT_REFERRAL_PACK:
      return N_("Referral pack: confirmation and chronology");
    case CT_CASE_DOCUMENT_CHRONOLOGY:
    default:
      return N_("Case chronology");
    }
}

/**
 * ct_case_document_get_title:
 * @document: a DOCUMENT record
 *
 * Returns: the document's title in the reader's language, from its kind
 */
const char *
ct_case_document_get_title (CtRecord *document)
{
  CtCaseDocumentKind kind;

  g_return_val_if_fail (CT_IS_RECORD (document), NULL);

  if (ct_case_document_kind_from_string (ct_record_get_string (document, "kind"), &kind))
    return _(kind_title (kind));
  /* Other kept documents (a copy of a confirmation) store their title as
   * written in the code, untranslated. */
  if (ct_record_get_string (document, "title") != NULL)
    return _(ct_record_get_string (document, "title"));
  return _("Document");
}

/* Everything a document borrows lives here until it is rendered. */
typedef struct
{
  GPtrArray *strings;
  GPtrArray *dates;
  GTimeZone *london;
} Pool;

static void
pool_init (Pool *pool)
{
  pool->strings = g_ptr_array_new_with_free_func (g_free);
  pool->dates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_date_time_unref);
  pool->london = g_time_zone_new_identifier ("Europe/London");
  if (pool->london == NULL)
    pool->london = g_time_zone_new_utc ();
}

static void
pool_clear (Pool *pool)
{
  g_clear_pointer (&pool->strings, g_ptr_array_unref);
  g_clear_pointer (&pool->dates, g_ptr_array_unref);
  g_clear_pointer (&pool->london, g_time_zone_unref);
}

static const char *
pool_take (Pool *pool,
           char *text)
{
  if (text == NULL)
    return NULL;

  g_ptr_array_add (pool->strings, text);
  return text;
}

/* @text without one full stop at its end, for a sentence that adds its own. */
static const char *
pool_without_full_stop (Pool       *pool,
                        const char *text)
{
  char *copy;
  gsize len;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  len = strlen (copy);
  if (len > 0 && copy[len - 1] == '.')
    copy[len - 1] = '\0';
  return pool_take (pool, copy);
}

static GDateTime *
pool_instant (Pool   *pool,
              gint64  usec)
{
  g_autoptr(GDateTime) utc = NULL;
  GDateTime *local;

  if (usec <= 0)
    return NULL;

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return NULL;

  local = g_date_time_to_timezone (utc, pool->london);
  g_ptr_array_add (pool->dates, local);
  return local;
}

static GDateTime *
pool_date (Pool       *pool,
           const char *iso)
{
  int y, m, d;
  GDateTime *date;

  if (iso == NULL || sscanf (iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return NULL;

  date = g_date_time_new (pool->london, y, m, d, 0, 0, 0);
  if (date != NULL)
    g_ptr_array_add (pool->dates, date);
  return date;
}

static const char *
field (CtRecord   *record,
       const char *name)
{
  const char *value;

  if (record == NULL)
    return NULL;

  value = ct_record_get_string (record, name);
  return ct_document_has_text (value) ? value : NULL;
}

static const char *
join_strv (Pool       *pool,
           CtRecord   *record,
           const char *name)
{
  const char * const *values = record != NULL ? ct_record_get_strv (record, name) : NULL;

  if (values == NULL || values[0] == NULL)
    return NULL;

  return pool_take (pool, g_strjoinv ("; ", (char **) values));
}

/* Joins the non-empty pieces with @separator; any piece may be NULL. */
static const char *
join_pieces (Pool               *pool,
             const char         *separator,
             const char * const *pieces,
             guint               n_pieces)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < n_pieces; i++)
    {
      if (!ct_document_has_text (pieces[i]))
        continue;
      if (out->len > 0)
        g_string_append (out, separator);
      g_string_append (out, pieces[i]);
    }

  if (out->len == 0)
    return NULL;

  return pool_take (pool, g_string_free (g_steal_pointer (&out), FALSE));
}

#define join_text(pool, separator, ...) \
  join_pieces ((pool), (separator), (const char * const []) { __VA_ARGS__ }, \
               G_N_ELEMENTS (((const char * const []) { __VA_ARGS__ })))

static const char *
person_name (Pool     *pool,
             CtRecord *person)
{
  return join_text (pool, " ", field (person, "given-names"), field (person, "family-name"));
}

/* The records of one case, and the directory around it. */
typedef struct
{
  CtRecord *case_record;
  CtRecord *organisation;
  GPtrArray *staff;
  GPtrArray *agencies;
  GPtrArray *children;
  GPtrArray *people;
  GPtrArray *relationships;
  GPtrArray *concerns;
  GPtrArray *chronology;
  GPtrArray *decisions;
  GPtrArray *referrals;
  GPtrArray *sharing;
} CaseData;

static void
case_data_clear (CaseData *data)
{
  g_clear_object (&data->case_record);
  g_clear_object (&data->organisation);
  g_clear_pointer (&data->staff, g_ptr_array_unref);
  g_clear_pointer (&data->agencies, g_ptr_array_unref);
  g_clear_pointer (&data->children, g_ptr_array_unref);
  g_clear_pointer (&data->people, g_ptr_array_unref);
  g_clear_pointer (&data->relationships, g_ptr_array_unref);
  g_clear_pointer (&data->concerns, g_ptr_array_unref);
  g_clear_pointer (&data->chronology, g_ptr_array_unref);
  g_clear_pointer (&data->decisions, g_ptr_array_unref);
  g_clear_pointer (&data->referrals, g_ptr_array_unref);
  g_clear_pointer (&data->sharing, g_ptr_array_unref);
}

static CtRecord *
find_by_id (GPtrArray  *records,
            const char *id)
{
  if (id == NULL)
    return NULL;

  for (guint i = 0; i < records->len; i++)
    if (g_strcmp0 (ct_record_get_id (g_ptr_array_index (records, i)), id) == 0)
      return g_ptr_array_index (records, i);

  return NULL;
}

static gboolean
load_case (CtStore     *store,
           const char  *staff_id,
           CtRecord    *case_record,
           CaseData    *data,
           GError     **error)
{
  const char *case_id = ct_record_get_id (case_record);
  g_autoptr(GPtrArray) organisations = NULL;
  struct { GPtrArray **list; CtRecordKind kind; gboolean in_case; } lists[] = {
    { &data->staff, CT_RECORD_KIND_STAFF, FALSE },
    { &data->agencies, CT_RECORD_KIND_AGENCY, FALSE },
    { &data->children, CT_RECORD_KIND_CHILD, TRUE },
    { &data->people, CT_RECORD_KIND_PERSON, TRUE },
    { &data->relationships, CT_RECORD_KIND_RELATIONSHIP, TRUE },
    { &data->concerns, CT_RECORD_KIND_CONCERN, TRUE },
    { &data->chronology, CT_RECORD_KIND_CHRONOLOGY, TRUE },
    { &data->decisions, CT_RECORD_KIND_DECISION, TRUE },
    { &data->referrals, CT_RECORD_KIND_REFERRAL, TRUE },
    { &data->sharing, CT_RECORD_KIND_INFO_SHARING, TRUE },
  };

  /* Opening the case records in the audit log who read it. */
  data->case_record = ct_store_open_case_sync (store, staff_id, case_id, error);
  if (data->case_record == NULL)
    return FALSE;

  organisations = ct_store_list_sync (store, CT_RECORD_KIND_ORGANISATION, NULL, error);
  if (organisations == NULL)
    return FALSE;
  if (organisations->len == 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The organisation’s details have not been entered, so there is no "
                     "letterhead. Add them in the organisation settings and try again."));
      return FALSE;
    }
  data->organisation = g_object_ref (g_ptr_array_index (organisations, 0));

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      *lists[i].list = ct_store_list_sync (store, lists[i].kind,
                                           lists[i].in_case ? case_id : NULL, error);
      if (*lists[i].list == NULL)
        return FALSE;
    }

  return TRUE;
}

static void
fill_letterhead (CtLetterhead                *letterhead,
                 CaseData                    *data,
                 const CtCaseDocumentOptions *options)
{
  letterhead->name = field (data->organisation, "name");
  letterhead->address = field (data->organisation, "address");
  letterhead->phone = field (data->organisation, "phone");
  letterhead->email = field (data->organisation, "email");
  letterhead->logo_path = options != NULL && options->logo_path != NULL
                          ? options->logo_path : field (data->organisation, "logo-path");
}

static gint
compare_by_int64_field (CtRecord   *a,
                        CtRecord   *b,
                        const char *name)
{
  gint64 ta = ct_record_get_int64 (a, name, ct_record_get_created_at (a));
  gint64 tb = ct_record_get_int64 (b, name, ct_record_get_created_at (b));

  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

static gint
compare_concerns_cb (gconstpointer a,
                     gconstpointer b)
{
  return compare_by_int64_field (*(CtRecord **) a, *(CtRecord **) b, "raised-at");
}

static gint
compare_referrals_cb (gconstpointer a,
                      gconstpointer b)
{
  return compare_by_int64_field (*(CtRecord **) a, *(CtRecord **) b, "made-at");
}

/* The case's children, in the order the case lists them. */
static GPtrArray *
case_children (CaseData *data)
{
  const char * const *ids = ct_record_get_strv (data->case_record, "child-ids");
  GPtrArray *children = g_ptr_array_new ();

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      CtRecord *child = find_by_id (data->children, ids[i]);

      if (child != NULL)
        g_ptr_array_add (children, child);
    }

  /* Children recorded in the case but not listed on it still belong in
   * the letter. */
  for (guint i = 0; i < data->children->len; i++)
    if (!g_ptr_array_find (children, g_ptr_array_index (data->children, i), NULL))
      g_ptr_array_add (children, g_ptr_array_index (data->children, i));

  return children;
}

static const char *
staff_name (Pool       *pool,
            CaseData   *data,
            const char *staff_id)
{
  CtRecord *staff = find_by_id (data->staff, staff_id);

  if (staff == NULL)
    return staff_id;

  return join_text (pool, ", ", field (staff, "name"), field (staff, "role"));
}

static const char *
status_text (const char *status)
{
  if (g_strcmp0 (status, "early-help") == 0)
    return _("receiving early help");
  if (g_strcmp0 (status, "child-in-need") == 0)
    return _("a child in need");
  if (g_strcmp0 (status, "child-protection-plan") == 0)
    return _("subject to a child protection plan");
  if (g_strcmp0 (status, "looked-after") == 0)
    return _("looked after");
  return NULL;
}

/* How a concern came to light, as the concern form records it, in words;
 * anything else was typed by someone and is shown as it is. */
static const char *
how_text (const char *how)
{
  if (g_strcmp0 (how, "in-person") == 0)
    return _("In person");
  if (g_strcmp0 (how, "phone") == 0)
    return _("By telephone");
  if (g_strcmp0 (how, "email") == 0)
    return _("By email");
  if (g_strcmp0 (how, "letter") == 0)
    return _("By letter");
  if (g_strcmp0 (how, "other") == 0)
    return _("Another way");
  return how;
}

static const char *
exception_text (const char *exception)
{
  if (g_strcmp0 (exception, "family-member-responsible") == 0)
    return _("A family member may be responsible for the harm.");
  if (g_strcmp0 (exception, "danger-to-others") == 0 || g_strcmp0 (exception, "danger") == 0)
    return _("Telling the family could put someone in danger.");
  if (g_strcmp0 (exception, "criminal-investigation") == 0)
    return _("Telling the family could interfere with a criminal investigation.");
  return exception;
}

/* A stored id in words, through the one table of labels; text someone
 * typed comes back as it is. */
static const char *
in_words (const char *value)
{
  return value != NULL ? ct_choice_get_label (value) : NULL;
}

/* What the referral letter is drawn from, with what it lacks. */
typedef struct
{
  CtReferralLetter letter;
  GArray          *children;   /* CtReferralChild */
  GArray          *adults;     /* CtReferralAdult */
  GPtrArray       *gaps;       /* CtReferralGap */
  GString         *agencies;
  GString         *not_told;
  GString         *responsible;
  GString         *household;
  GString         *other_children;
  GString         *explained;
  GString         *recipient;
} ReferralDraft;

static void
referral_draft_init (ReferralDraft *draft)
{
  *draft = (ReferralDraft) { 0 };
  draft->children = g_array_new (FALSE, TRUE, sizeof (CtReferralChild));
  draft->adults = g_array_new (FALSE, TRUE, sizeof (CtReferralAdult));
  draft->gaps = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_referral_gap_free);
  draft->agencies = g_string_new (NULL);
  draft->not_told = g_string_new (NULL);
  draft->responsible = g_string_new (NULL);
  draft->household = g_string_new (NULL);
  draft->other_children = g_string_new (NULL);
  draft->explained = g_string_new (NULL);
  draft->recipient = g_string_new (NULL);
}

static void
referral_draft_clear (ReferralDraft *draft)
{
  g_clear_pointer (&draft->children, g_array_unref);
  g_clear_pointer (&draft->adults, g_array_unref);
  g_clear_pointer (&draft->gaps, g_ptr_array_unref);
  g_string_free (draft->agencies, TRUE);
  g_string_free (draft->not_told, TRUE);
  g_string_free (draft->responsible, TRUE);
  g_string_free (draft->household, TRUE);
  g_string_free (draft->other_children, TRUE);
  g_string_free (draft->explained, TRUE);
  g_string_free (draft->recipient, TRUE);
}

/**
 * ct_referral_gap_free:
 * @gap: (transfer full): a gap
 */
void
ct_referral_gap_free (CtReferralGap *gap)
{
  if (gap == NULL)
    return;
  g_free (gap->key);
  g_free (gap->record_id);
  g_free (gap->label);
  g_free (gap);
}

/**
 * ct_referral_form_get_title:
 * @form: a form
 *
 * Returns: the form's name, for a button that opens it
 */
const char *
ct_referral_form_get_title (CtReferralForm form)
{
  switch (form)
    {
    case CT_REFERRAL_FORM_CHILD:
      return _("The child’s details");
    case CT_REFERRAL_FORM_PERSON:
      return _("Parents and carers");
    case CT_REFERRAL_FORM_CONCERN:
      return _("The concern");
    case CT_REFERRAL_FORM_REFERRAL:
      return _("The referral");
    case CT_REFERRAL_FORM_AGENCY:
    default:
      return _("The local authority in the directory");
    }
}

/* What each detail a referral needs is called, and the form that holds it. */
static const struct
{
  const char     *key;
  CtReferralForm  form;
  const char     *label;
} gap_table[] = {
  { "agency.address", CT_REFERRAL_FORM_AGENCY, N_("The local authority’s postal address") },
  { "child.date-of-birth", CT_REFERRAL_FORM_CHILD, N_("The child’s date of birth, or the expected date") },
  { "child.gender", CT_REFERRAL_FORM_CHILD, N_("The child’s gender") },
  { "child.address", CT_REFERRAL_FORM_CHILD, N_("The child’s address") },
  { "child.school", CT_REFERRAL_FORM_CHILD, N_("The child’s school or setting") },
  { "child.ethnicity", CT_REFERRAL_FORM_CHILD, N_("The child’s ethnicity") },
  { "child.language", CT_REFERRAL_FORM_CHILD, N_("The child’s first language, and whether an interpreter is needed") },
  { "people.parents", CT_REFERRAL_FORM_PERSON, N_("The child’s parents or carers") },
  { "concern.actions-taken", CT_REFERRAL_FORM_CONCERN, N_("What the organisation has done so far") },
  { "referral.risk", CT_REFERRAL_FORM_REFERRAL, N_("Your view of the risk to the child, and why") },
  { "referral.threshold", CT_REFERRAL_FORM_REFERRAL, N_("The level of need you believe applies") },
  { "referral.history", CT_REFERRAL_FORM_REFERRAL, N_("Earlier concerns and history, or that there are none known") },
  { "referral.police-told", CT_REFERRAL_FORM_REFERRAL, N_("Whether the police have been told") },
  { "referral.parents-aware", CT_REFERRAL_FORM_REFERRAL, N_("Whether the parents or carers know of the referral") },
  { "referral.consent", CT_REFERRAL_FORM_REFERRAL, N_("Whether consent to the referral was given") },
  { "referral.consent-reason", CT_REFERRAL_FORM_REFERRAL, N_("The reason for referring without consent") },
  { "referral.consent-given-by", CT_REFERRAL_FORM_REFERRAL, N_("Who gave consent to the referral") },
  { "referral.lawful-basis", CT_REFERRAL_FORM_REFERRAL, N_("The lawful basis for sharing") },
  { "referral.lawful-basis-fits", CT_REFERRAL_FORM_REFERRAL, N_("A lawful basis that fits the kind of organisation set in Preferences (a legal obligation or public task is rarely one a private or voluntary body has)") },
  { "referral.what-wanted", CT_REFERRAL_FORM_REFERRAL, N_("What you ask the local authority to do") },
};

/**
 * ct_referral_gap_describe:
 * @key: a gap's key, as a kept draft's "missing" list holds it
 * @out_form: (out) (optional): the form that holds it
 *
 * Returns: (nullable): what is missing, in words, or %NULL for a key that
 *   is not known
 */
const char *
ct_referral_gap_describe (const char     *key,
                          CtReferralForm *out_form)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (gap_table); i++)
    if (g_str_equal (gap_table[i].key, key))
      {
        if (out_form != NULL)
          *out_form = gap_table[i].form;
        return _(gap_table[i].label);
      }
  return NULL;
}

/* The explanation recorded for @key ("key: why"), if there is one. */
static const char *
find_explanation (CaseData   *data,
                  const char *key)
{
  const char * const *explanations = ct_record_get_strv (data->case_record, "referral-explanations");
  gsize len = strlen (key);

  for (guint i = 0; explanations != NULL && explanations[i] != NULL; i++)
    if (strncmp (explanations[i], key, len) == 0 && explanations[i][len] == ':')
      {
        const char *why = explanations[i] + len + 1;

        while (*why == ' ')
          why++;
        return *why != '\0' ? why : NULL;
      }
  return NULL;
}

/* Notes a detail the letter needs when it is missing, unless an explanation
 * was recorded for it: then the letter says what was explained instead. */
static void
need (ReferralDraft  *draft,
      CaseData       *data,
      gboolean        present,
      const char     *key,
      CtRecord       *record)
{
  const char *why, *label;
  CtReferralForm form = CT_REFERRAL_FORM_REFERRAL;
  CtReferralGap *gap;

  if (present)
    return;

  label = ct_referral_gap_describe (key, &form);
  g_return_if_fail (label != NULL);
  why = find_explanation (data, key);
  if (why != NULL)
    {
      if (draft->explained->len > 0)
        g_string_append_c (draft->explained, '\n');
      /* Translators: what is missing from a referral, then why. */
      g_string_append_printf (draft->explained, _("%s: %s"), label, why);
      return;
    }

  gap = g_new0 (CtReferralGap, 1);
  gap->key = g_strdup (key);
  gap->form = form;
  gap->record_id = record != NULL ? g_strdup (ct_record_get_id (record)) : NULL;
  gap->label = g_strdup (label);
  g_ptr_array_add (draft->gaps, gap);
}

static void
append_line (GString    *out,
             const char *text)
{
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append (out, text);
}

/* Fills @draft from the case: the letter, and what it lacks. */
static gboolean
fill_referral (Pool                        *pool,
               CaseData                    *data,
               const CtCaseDocumentOptions *options,
               ReferralDraft               *draft,
               GError                     **error)
{
  g_autoptr(GPtrArray) children = case_children (data);
  g_autoptr(GPtrArray) adult_ids = g_ptr_array_new ();
  CtReferralLetter *letter = &draft->letter;
  CtRecord *referral, *agency, *concern = NULL, *sharing = NULL, *dso = NULL;
  const char *consent, *basis;
  gint64 flags;

  if (data->referrals->len == 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("No referral has been recorded in this case, so there is nothing to "
                     "confirm. Record the referral first."));
      return FALSE;
    }

  g_ptr_array_sort (data->referrals, compare_referrals_cb);
  referral = g_ptr_array_index (data->referrals, data->referrals->len - 1);
  agency = find_by_id (data->agencies, field (referral, "agency-id"));
  if (agency == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The referral does not say which local authority it was made to. "
                     "Choose the agency on the referral and try again."));
      return FALSE;
    }

  g_ptr_array_sort (data->concerns, compare_concerns_cb);
  if (data->concerns->len > 0)
    concern = g_ptr_array_index (data->concerns, 0);

  /* The information-sharing record for this referral, or the latest. */
  for (guint i = 0; i < data->sharing->len; i++)
    {
      CtRecord *record = g_ptr_array_index (data->sharing, i);

      if (sharing == NULL || g_strcmp0 (field (record, "with"), ct_record_get_id (agency)) == 0)
        sharing = record;
    }

  for (guint i = 0; i < data->staff->len; i++)
    if (ct_record_get_boolean (g_ptr_array_index (data->staff, i), "is-dso", FALSE))
      dso = g_ptr_array_index (data->staff, i);

  fill_letterhead (&letter->letterhead, data, options);
  letter->date = options != NULL ? options->now : NULL;

  /* Addressed from the directory: the front door's name and postal
   * address, and how else it takes referrals. */
  letter->recipient_name = field (agency, "name");
  if (field (agency, "address") != NULL)
    append_line (draft->recipient, field (agency, "address"));
  if (field (agency, "secure-email") != NULL)
    append_line (draft->recipient, pool_take (pool, g_strdup_printf (_("Secure email: %s"),
                                                                      field (agency, "secure-email"))));
  letter->recipient_address = draft->recipient->len > 0 ? draft->recipient->str : NULL;
  need (draft, data, field (agency, "address") != NULL,
        "agency.address", agency);

  letter->our_reference = ct_record_get_reference (data->case_record);
  letter->their_reference = field (referral, "their-reference") != NULL
                            ? field (referral, "their-reference") : field (referral, "la-reference");
  letter->type = g_strcmp0 (field (referral, "type"), "early-help") == 0
                 ? CT_REFERRAL_EARLY_HELP : CT_REFERRAL_CHILD_PROTECTION;
  letter->urgency = in_words (field (referral, "urgency"));
  letter->verbal_referral_at = pool_instant (pool, ct_record_get_int64 (referral, "made-at", 0));
  /* "made-to" is what the app records; "taken-by" is accepted too. */
  letter->verbal_referral_to = field (referral, "made-to") != NULL ? field (referral, "made-to")
                                                                  : field (referral, "taken-by");
  if (field (referral, "made-by") != NULL)
    letter->verbal_referral_by = staff_name (pool, data, field (referral, "made-by"));

  /* The children, and the adults around them. */
  for (guint i = 0; i < children->len; i++)
    {
      CtRecord *child = g_ptr_array_index (children, i);
      CtReferralChild c = { 0 };
      const char *safe = NULL;

      c.given_names = field (child, "given-names");
      c.family_name = field (child, "family-name");
      c.aliases = join_strv (pool, child, "aliases");
      c.date_of_birth = pool_date (pool, field (child, "date-of-birth"));
      c.unborn = ct_record_get_boolean (child, "unborn", FALSE);
      c.gender = in_words (field (child, "gender"));
      c.address = field (child, "address");
      c.school = field (child, "school");
      c.gp = field (child, "gp");
      c.nhs_number = field (child, "nhs-number");
      c.ethnicity = field (child, "ethnicity");
      c.religion = field (child, "religion");
      c.language = field (child, "language");
      c.interpreter_needed = ct_record_get_boolean (child, "interpreter-needed", FALSE);
      c.needs = field (child, "disability");
      if (ct_record_has_field (child, "safe-now"))
        safe = ct_record_get_boolean (child, "safe-now", FALSE)
               ? _("We believe the child is safe at the moment.")
               : _("We do not know that the child is safe at the moment.");
      c.whereabouts = join_text (pool, " ", field (child, "whereabouts"), safe);
      g_array_append_val (draft->children, c);

      need (draft, data, c.date_of_birth != NULL,
            "child.date-of-birth", child);
      need (draft, data, c.gender != NULL,
            "child.gender", child);
      need (draft, data, c.address != NULL,
            "child.address", child);
      need (draft, data, c.school != NULL,
            "child.school", child);
      need (draft, data, c.ethnicity != NULL,
            "child.ethnicity", child);
      need (draft, data, c.language != NULL,
            "child.language", child);

      if (field (child, "other-children") != NULL)
        append_line (draft->other_children, field (child, "other-children"));
      if (field (child, "household-members") != NULL)
        append_line (draft->household, field (child, "household-members"));

      if (status_text (field (child, "status")) != NULL || field (child, "lead-worker") != NULL ||
          field (child, "agencies-involved") != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%s %s", c.given_names ? c.given_names : "",
                                                   c.family_name ? c.family_name : "");
          const char *status = status_text (field (child, "status"));
          GString *agencies = draft->agencies;

          if (agencies->len > 0)
            g_string_append_c (agencies, '\n');
          if (status != NULL)
            /* Translators: a child's status, as in “Maya Example is a child in need.” */
            g_string_append_printf (agencies, _("%s is %s."), g_strstrip (name), status);
          else
            g_string_append_printf (agencies, "%s:", g_strstrip (name));
          if (field (child, "lead-worker") != NULL)
            {
              g_string_append_c (agencies, ' ');
              g_string_append_printf (agencies, _("Lead worker: %s."),
                                      pool_without_full_stop (pool,
                                                              join_text (pool, ", ",
                                                                         field (child, "lead-worker"),
                                                                         field (child, "lead-worker-contact"))));
            }
          if (field (child, "agencies-involved") != NULL)
            {
              g_string_append_c (agencies, ' ');
              g_string_append_printf (agencies, _("Also involved: %s."),
                                      pool_without_full_stop (pool, field (child, "agencies-involved")));
            }
        }
    }

  for (guint i = 0; i < data->relationships->len; i++)
    {
      CtRecord *rel = g_ptr_array_index (data->relationships, i);
      CtRecord *person = find_by_id (data->people, field (rel, "person-id"));
      const char *relation;
      guint index;

      if (person == NULL)
        continue;
      relation = in_words (field (rel, "relation") != NULL ? field (rel, "relation")
                                                           : field (person, "role"));

      if (ct_record_get_boolean (rel, "alleged-person", FALSE) && !g_ptr_array_find (adult_ids, person, NULL))
        {
          GString *responsible = draft->responsible;

          if (responsible->len > 0)
            g_string_append_c (responsible, '\n');
          g_string_append (responsible, person_name (pool, person) ?: _("Name not known"));
          if (relation != NULL)
            g_string_append_printf (responsible, " (%s)", relation);
          g_string_append (responsible, ". ");
          if (!ct_record_has_field (rel, "access-to-other-children"))
            g_string_append (responsible, _("We do not know whether this person has access to "
                                            "other children."));
          else if (ct_record_get_boolean (rel, "access-to-other-children", FALSE))
            g_string_append (responsible, _("This person has access to other children."));
          else
            g_string_append (responsible, _("We do not believe this person has access to other "
                                            "children."));
        }

      /* One entry a person, however many of the children they are
       * related to; parental responsibility for any of them counts. */
      if (g_ptr_array_find (adult_ids, person, &index))
        {
          CtReferralAdult *adult = &g_array_index (draft->adults, CtReferralAdult, index);

          if (ct_record_has_field (rel, "parental-responsibility"))
            {
              adult->parental_responsibility |= ct_record_get_boolean (rel,
                                                                       "parental-responsibility",
                                                                       FALSE);
              adult->parental_responsibility_unknown = FALSE;
            }
          continue;
        }

      {
        CtReferralAdult adult = { 0 };

        adult.name = person_name (pool, person) ?: _("Name not known");
        adult.relationship = relation;
        adult.date_of_birth = pool_date (pool, field (person, "date-of-birth"));
        adult.parental_responsibility = ct_record_get_boolean (rel, "parental-responsibility", FALSE);
        adult.parental_responsibility_unknown = !ct_record_has_field (rel,
                                                                      "parental-responsibility");
        adult.address = field (person, "address");
        adult.contact = join_text (pool, "; ", field (person, "phone"), field (person, "email"));
        g_array_append_val (draft->adults, adult);
        g_ptr_array_add (adult_ids, person);

        if (ct_record_get_boolean (rel, "household-member", FALSE))
          {
            g_autofree char *line = relation != NULL
                                    ? g_strdup_printf ("%s (%s)", adult.name, relation)
                                    : g_strdup (adult.name);

            append_line (draft->household, line);
          }
      }
    }
  need (draft, data, draft->adults->len > 0,
        "people.parents", NULL);

  letter->children = (const CtReferralChild *) draft->children->data;
  letter->n_children = draft->children->len;
  letter->adults = (const CtReferralAdult *) draft->adults->data;
  letter->n_adults = draft->adults->len;
  letter->agencies = draft->agencies->len > 0 ? draft->agencies->str : NULL;
  letter->household = draft->household->len > 0 ? draft->household->str : NULL;
  letter->other_children = draft->other_children->len > 0 ? draft->other_children->str : NULL;

  /* The concern once: as recorded, or the case's summary when no concern
   * says more. */
  letter->concern_summary = field (concern, "what") != NULL ? field (concern, "what")
                                                            : field (data->case_record, "summary");
  letter->injuries = field (concern, "injuries");
  letter->witnesses = field (concern, "witnesses");
  letter->incident_date = pool_date (pool, field (concern, "incident-date"));
  /* With its time of day when that is known; older concerns have none. */
  if (letter->incident_date != NULL)
    {
      int hour, minute;

      if (ct_parse_time_of_day (field (concern, "incident-time"), &hour, &minute))
        {
          int y, m, d;
          GDateTime *at;

          /* Built as a wall-clock time, so a day the clocks change on
           * reads as it was written. */
          g_date_time_get_ymd (letter->incident_date, &y, &m, &d);
          at = g_date_time_new (pool->london, y, m, d, hour, minute, 0);

          if (at != NULL)
            {
              g_ptr_array_add (pool->dates, at);
              letter->incident_date = at;
              letter->incident_time_known = TRUE;
            }
        }
    }
  letter->reported_at = concern != NULL ? pool_instant (pool, ct_record_get_int64 (concern, "raised-at", 0))
                                        : NULL;
  letter->harm_type = join_strv (pool, concern, "harm-types");
  letter->words_recorded = field (concern, "childs-words");
  letter->person_responsible = draft->responsible->len > 0 ? draft->responsible->str : NULL;
  letter->actions_taken = field (concern, "actions-taken");
  need (draft, data, letter->actions_taken != NULL,
        "concern.actions-taken", concern);

  letter->history = field (referral, "history");
  letter->risk = field (referral, "risk");
  letter->strengths = field (referral, "strengths");
  letter->threshold = in_words (field (referral, "threshold"));
  need (draft, data, letter->risk != NULL,
        "referral.risk", referral);
  need (draft, data, letter->threshold != NULL,
        "referral.threshold", referral);
  need (draft, data, letter->history != NULL,
        "referral.history", referral);

  if (ct_record_has_field (referral, "police-told"))
    letter->police = ct_record_get_boolean (referral, "police-told", FALSE)
                     ? _("The police have been told.") : _("The police have not been told.");
  letter->crime_reference = field (referral, "crime-reference");
  need (draft, data, letter->police != NULL,
        "referral.police-told", referral);

  /* What the family knows, and the recorded exceptions if they were not
   * told. */
  flags = ct_record_get_int64 (data->case_record, "procedure-flags", 0);
  if (ct_record_has_field (referral, "parents-aware"))
    letter->family_aware = ct_record_get_boolean (referral, "parents-aware", FALSE)
                           ? CT_FAMILY_AWARE_YES : CT_FAMILY_AWARE_NO;
  else if (flags & CT_CASE_FLAG_FAMILY_EXCEPTION)
    letter->family_aware = CT_FAMILY_AWARE_NO;
  else if (flags & CT_CASE_FLAG_FAMILY_DISCUSSED)
    letter->family_aware = CT_FAMILY_AWARE_YES;
  need (draft, data, letter->family_aware != CT_FAMILY_AWARE_NOT_RECORDED,
        "referral.parents-aware", referral);

  for (guint i = 0; i < data->decisions->len; i++)
    {
      CtRecord *decision = g_ptr_array_index (data->decisions, i);
      const char * const *held = ct_record_get_strv (decision, "exceptions");
      const char *single[] = { field (decision, "exception"), NULL };

      if (held == NULL)
        held = single;
      for (guint j = 0; held[j] != NULL; j++)
        {
          g_autofree char *reason_key = g_strconcat (held[j], "-reason", NULL);
          const char *reason = field (decision, reason_key) != NULL
                               ? field (decision, reason_key) : field (decision, "reason");

          append_line (draft->not_told, exception_text (held[j]));
          if (reason != NULL)
            g_string_append_printf (draft->not_told, " %s", reason);
        }
    }
  /* Without a decision naming the exception, the reason the procedure
   * recorded when concerns remained. */
  if (draft->not_told->len == 0)
    for (guint i = 0; i < data->chronology->len; i++)
      {
        CtRecord *entry = g_ptr_array_index (data->chronology, i);

        if (g_strcmp0 (ct_record_get_state (entry), "concerns-remain") == 0
            && field (entry, "what") != NULL)
          g_string_assign (draft->not_told, field (entry, "what"));
      }
  letter->family_not_told_reason = draft->not_told->len > 0 ? draft->not_told->str : NULL;
  letter->withhold_from_family = field (referral, "withheld");

  consent = field (referral, "parents-consent");
  if (g_strcmp0 (consent, "yes") == 0)
    letter->consent = CT_CONSENT_GIVEN;
  else if (g_strcmp0 (consent, "no") == 0)
    letter->consent = CT_CONSENT_REFUSED;
  else if (g_strcmp0 (consent, "not-sought") == 0)
    letter->consent = CT_CONSENT_NOT_SOUGHT;
  letter->consent_given_by = field (referral, "consent-given-by");
  letter->consent_reason = join_text (pool, "\n", field (referral, "consent-reason"),
                                      field (referral, "confidentiality-override-reason"));
  need (draft, data, letter->consent != CT_CONSENT_NOT_RECORDED,
        "referral.consent", referral);
  need (draft, data, letter->consent == CT_CONSENT_NOT_RECORDED || letter->consent == CT_CONSENT_GIVEN
                     || letter->consent_reason != NULL,
        "referral.consent-reason", referral);
  need (draft, data, letter->consent != CT_CONSENT_GIVEN || letter->consent_given_by != NULL,
        "referral.consent-given-by", referral);

  /* The lawful basis: the referral's, or the information-sharing
   * decision's; an id becomes its plain-English sentence. */
  basis = field (referral, "lawful-basis") != NULL ? field (referral, "lawful-basis")
                                                   : field (sharing, "lawful-basis");
  if (ct_lawful_basis_is_known (basis))
    {
      letter->lawful_basis = ct_lawful_basis_get_sentence (basis);
      letter->special_category = ct_lawful_basis_get_special_category_sentence ();
      need (draft, data, ct_lawful_basis_fits (basis, field (data->organisation, "organisation-kind")),
        "referral.lawful-basis-fits", referral);
    }
  else
    letter->lawful_basis = basis;
  need (draft, data, letter->lawful_basis != NULL,
        "referral.lawful-basis", referral);

  letter->request = field (referral, "what-wanted");
  need (draft, data, letter->request != NULL,
        "referral.what-wanted", referral);

  if (dso != NULL)
    {
      letter->dso_name = field (dso, "name");
      letter->dso_role = field (dso, "role");
      letter->dso_phone = field (dso, "phone");
      letter->dso_email = field (dso, "email");
    }
  if (letter->dso_name == NULL)
    {
      letter->dso_name = field (data->organisation, "dso-name");
      letter->dso_phone = field (data->organisation, "dso-contact");
    }
  letter->closing_paragraph = options != NULL && options->closing_paragraph != NULL
                              ? options->closing_paragraph
                              : field (data->organisation, "letter-closing");
  letter->not_known = draft->explained->len > 0 ? draft->explained->str : NULL;
  letter->draft = draft->gaps->len > 0;

  if (letter->verbal_referral_at == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The referral does not record when the telephone call was made. "
                     "Add the date and time of the call to the referral and try again."));
      return FALSE;
    }
  if (letter->verbal_referral_to == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("The referral does not record who took the call at the local "
                     "authority. Add their name to the referral and try again."));
      return FALSE;
    }

  return TRUE;
}

static CtPdfWriter *
build_referral (Pool                        *pool,
                CaseData                    *data,
                const CtCaseDocumentOptions *options,
                GPtrArray                  **out_gaps,
                GError                     **error)
{
  ReferralDraft draft;
  CtPdfWriter *writer = NULL;

  referral_draft_init (&draft);
  if (fill_referral (pool, data, options, &draft, error))
    writer = ct_document_build_referral_letter (&draft.letter, error);
  if (writer != NULL && out_gaps != NULL)
    *out_gaps = g_ptr_array_ref (draft.gaps);
  referral_draft_clear (&draft);
  return writer;
}

/**
 * ct_case_document_referral_gaps_sync:
 * @store: an open store
 * @staff_id: who is asking (opening the case is audited)
 * @reference: the case reference (or id)
 * @error: return location for a #GError
 *
 * Lists what the written confirmation of the case's referral lacks for the
 * local authority it was made to, each gap naming the form that holds it.
 * A gap for which an explanation was recorded is not listed. While any gap
 * remains, the letter is a draft and cannot be marked as sent. Blocks.
 *
 * Returns: (transfer full) (element-type CtReferralGap): the gaps, empty
 *   when the letter can be final, or %NULL with @error set
 */
GPtrArray *
ct_case_document_referral_gaps_sync (CtStore     *store,
                                     const char  *staff_id,
                                     const char  *reference,
                                     GError     **error)
{
  g_autoptr(CtRecord) case_record = NULL;
  CaseData data = { 0 };
  ReferralDraft draft;
  Pool pool;
  GPtrArray *gaps = NULL;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  case_record = ct_case_find_sync (store, reference, error);
  if (case_record == NULL)
    return NULL;

  pool_init (&pool);
  referral_draft_init (&draft);
  if (load_case (store, staff_id, case_record, &data, error)
      && fill_referral (&pool, &data, NULL, &draft, error))
    gaps = g_ptr_array_ref (draft.gaps);
  referral_draft_clear (&draft);
  case_data_clear (&data);
  pool_clear (&pool);
  return gaps;
}

static GBytes *
render_record_of_concern (Pool                        *pool,
                          CaseData                    *data,
                          const CtCaseDocumentOptions *options,
                          GError                     **error)
{
  g_autoptr(GPtrArray) children = case_children (data);
  CtRecordOfConcern record = { 0 };
  CtRecord *concern, *child = NULL, *raised_by;

  if (data->concerns->len == 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("No concern has been recorded in this case yet. Record the concern "
                     "first, or print a blank form."));
      return NULL;
    }

  g_ptr_array_sort (data->concerns, compare_concerns_cb);
  concern = g_ptr_array_index (data->concerns, 0);
  raised_by = find_by_id (data->staff, field (concern, "raised-by"));
  if (children->len > 0)
    child = g_ptr_array_index (children, 0);

  fill_letterhead (&record.letterhead, data, options);
  record.case_reference = ct_record_get_reference (data->case_record);
  record.raised_by_name = raised_by != NULL ? field (raised_by, "name") : field (concern, "raised-by");
  record.raised_by_role = field (raised_by, "role");
  record.concern_at = pool_instant (pool, ct_record_get_int64 (concern, "raised-at", 0));
  record.recorded_at = pool_instant (pool, ct_record_get_created_at (concern));
  record.how_it_arose = how_text (field (concern, "how"));
  record.child_name = person_name (pool, child);
  record.child_aliases = join_strv (pool, child, "aliases");
  record.child_date_of_birth = pool_date (pool, field (child, "date-of-birth"));
  record.child_address = field (child, "address");
  record.child_school = field (child, "school");
  record.what_happened = field (concern, "what");
  record.child_words = field (concern, "childs-words");
  record.injuries = field (concern, "injuries");
  record.witnesses = field (concern, "witnesses");
  record.action_taken = field (concern, "actions-taken");
  record.line_manager = field (concern, "line-manager");
  record.line_manager_told_at = pool_instant (pool, ct_record_get_int64 (concern, "line-manager-told-at", 0));
  record.dso = field (concern, "dso");
  record.dso_told_at = pool_instant (pool, ct_record_get_int64 (concern, "dso-told-at", 0));

  return ct_document_render_record_of_concern (&record, error);
}

static CtPdfWriter *
build_chronology (Pool                        *pool,
                  CaseData                    *data,
                  const char                  *staff_id,
                  const CtCaseDocumentOptions *options,
                  GError                     **error)
{
  g_autoptr(GPtrArray) children = case_children (data);
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (CtChronologyEntry));
  g_autoptr(GString) names = g_string_new (NULL);
  CtChronologyReport report = { 0 };

  ct_case_service_sort_chronology (data->chronology);
  for (guint i = 0; i < data->chronology->len; i++)
    {
      CtRecord *record = g_ptr_array_index (data->chronology, i);
      CtChronologyEntry entry = { 0 };
      const char *corrects = field (record, "corrects");
      gint64 when = ct_record_get_int64 (record, "event", ct_record_get_created_at (record));

      entry.when = pool_instant (pool, when);
      entry.who = field (record, "who");
      entry.what = field (record, "what");
      entry.why = field (record, "why");
      for (guint j = 0; corrects != NULL && j < i; j++)
        if (g_strcmp0 (ct_record_get_id (g_ptr_array_index (data->chronology, j)), corrects) == 0)
          entry.corrects = j + 1;
      g_array_append_val (entries, entry);
    }

  for (guint i = 0; i < children->len; i++)
    {
      if (names->len > 0)
        g_string_append (names, "; ");
      g_string_append (names, person_name (pool, g_ptr_array_index (children, i)));
    }

  fill_letterhead (&report.letterhead, data, options);
  report.case_reference = ct_record_get_reference (data->case_record);
  report.children = names->len > 0 ? names->str : NULL;
  report.produced_at = options != NULL ? options->now : NULL;
  report.produced_by = staff_name (pool, data, staff_id);
  report.entries = (const CtChronologyEntry *) entries->data;
  report.n_entries = entries->len;

  return ct_document_build_chronology (&report, error);
}

/* The referral pack: the written confirmation, then the chronology, in one
 * file with its pages numbered through. */
static GBytes *
render_pack (Pool                        *pool,
             CaseData                    *data,
             const char                  *staff_id,
             const CtCaseDocumentOptions *options,
             GPtrArray                  **out_gaps,
             GError                     **error)
{
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(CtPdfWriter) letter = build_referral (pool, data, options, &gaps, error);
  g_autoptr(CtPdfWriter) chronology = NULL;
  CtPdfWriter *parts[2];
  GBytes *pdf;

  if (letter == NULL)
    return NULL;
  chronology = build_chronology (pool, data, staff_id, options, error);
  if (chronology == NULL)
    return NULL;

  /* A pack whose letter is a draft is a draft throughout: the chronology's
   * pages say so too, where the letter's do. */
  if (gaps != NULL && gaps->len > 0)
    ct_pdf_writer_set_marking (chronology, _("DRAFT — NOT TO BE SENT — OFFICIAL-SENSITIVE"));

  parts[0] = letter;
  parts[1] = chronology;
  pdf = ct_pdf_writer_render_pack (parts, G_N_ELEMENTS (parts), NULL, error);
  if (pdf != NULL && out_gaps != NULL)
    *out_gaps = g_steal_pointer (&gaps);
  return pdf;
}

static GBytes *
render_writer (CtPdfWriter  *writer,
               GError      **error)
{
  g_autoptr(CtPdfWriter) owned = writer;

  if (owned == NULL)
    return NULL;
  return ct_pdf_writer_render (owned, NULL, error);
}

static GBytes *render_case (CtStore                     *store,
                            const char                  *staff_id,
                            CtRecord                    *case_record,
                            CtCaseDocumentKind           kind,
                            const CtCaseDocumentOptions *options,
                            GPtrArray                  **out_gaps,
                            GError                     **error);

/**
 * ct_case_find_sync:
 * @store: an open store
 * @reference: a case reference, such as "CT-2026-0001", or a case id
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the case record, or %NULL with @error set
 */
CtRecord *
ct_case_find_sync (CtStore     *store,
                   const char  *reference,
                   GError     **error)
{
  GError *local_error = NULL;
  CtRecord *record;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  /* Through the index of references: no other case is decrypted. */
  record = ct_store_find_case_sync (store, reference, &local_error);
  if (record != NULL)
    return record;

  if (g_error_matches (local_error, CT_STORE_ERROR, CT_STORE_ERROR_NOT_FOUND))
    {
      g_clear_error (&local_error);
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NOT_FOUND,
                   _("No case has the reference “%s”. Check the reference against the list "
                     "of cases and try again."),
                   reference);
      return NULL;
    }

  g_propagate_error (error, local_error);
  return NULL;
}

/**
 * ct_case_document_render_sync:
 * @store: an open store
 * @staff_id: who is producing the document
 * @case_record: the case
 * @kind: which document
 * @options: (nullable): letterhead logo, closing paragraph and date
 * @error: return location for a #GError
 *
 * Produces a document from a case without keeping it. Opening the case is
 * recorded in the audit log. Blocks: call it from a worker thread.
 *
 * Returns: (transfer full): the PDF bytes, or %NULL with @error set
 */
GBytes *
ct_case_document_render_sync (CtStore                      *store,
                              const char                   *staff_id,
                              CtRecord                     *case_record,
                              CtCaseDocumentKind            kind,
                              const CtCaseDocumentOptions  *options,
                              GError                      **error)
{
  return render_case (store, staff_id, case_record, kind, options, NULL, error);
}

/* Renders a document; for a referral, also says what the letter lacks
 * (@out_gaps, when not %NULL). */
static GBytes *
render_case (CtStore                      *store,
             const char                   *staff_id,
             CtRecord                     *case_record,
             CtCaseDocumentKind            kind,
             const CtCaseDocumentOptions  *options,
             GPtrArray                   **out_gaps,
             GError                      **error)
{
  CaseData data = { 0 };
  CtCaseDocumentOptions filled = { 0 };
  Pool pool;
  GBytes *pdf = NULL;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (CT_IS_RECORD (case_record), NULL);

  pool_init (&pool);

  /* Documents are dated in UK time, whatever the computer's time zone. */
  if (options != NULL)
    filled = *options;
  if (filled.now == NULL)
    {
      filled.now = g_date_time_new_now (pool.london);
      g_ptr_array_add (pool.dates, filled.now);
    }
  options = &filled;
  if (load_case (store, staff_id, case_record, &data, error))
    {
      switch (kind)
        {
        case CT_CASE_DOCUMENT_REFERRAL_CONFIRMATION:
          pdf = render_writer (build_referral (&pool, &data, options, out_gaps, error), error);
          break;
        case CT_CASE_DOCUMENT_RECORD_OF_CONCERN:
          pdf = render_record_of_concern (&pool, &data, options, error);
          break;
        case CT_CASE_DOCUMENT_CHRONOLOGY:
          pdf = render_writer (build_chronology (&pool, &data, staff_id, options, error), error);
          break;
        case CT_CASE_DOCUMENT_REFERRAL_PACK:
          pdf = render_pack (&pool, &data, staff_id, options, out_gaps, error);
          break;
        default:
          g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                       _("That kind of document cannot be produced from a case."));
          break;
        }
    }

  case_data_clear (&data);
  pool_clear (&pool);
  return pdf;
}

static gboolean
is_document_of_kind (CtRecord           *record,
                     CtCaseDocumentKind  kind)
{
  return g_strcmp0 (ct_record_get_string (record, "kind"),
                    ct_case_document_kind_to_string (kind)) == 0;
}

static CtRecord *
latest_document (GPtrArray          *documents,
                 CtCaseDocumentKind  kind)
{
  CtRecord *latest = NULL;

  for (guint i = 0; i < documents->len; i++)
    {
      CtRecord *record = g_ptr_array_index (documents, i);

      if (!is_document_of_kind (record, kind))
        continue;
      if (latest == NULL
          || ct_record_get_int64 (record, "document-version", 0)
             > ct_record_get_int64 (latest, "document-version", 0))
        latest = record;
    }

  return latest;
}

typedef struct
{
  const char *staff_id;
  CtRecord *document;
  const char *audit_action;
} StoreDocument;

static gboolean
store_document_cb (CtStoreTransaction  *txn,
                   gpointer             user_data,
                   GError             **error)
{
  StoreDocument *store = user_data;

  return ct_store_transaction_insert (txn, store->staff_id, store->document, error)
         && ct_store_transaction_append_audit (txn, store->staff_id, store->audit_action,
                                               ct_record_get_id (store->document), error);
}

/**
 * ct_case_document_generate_sync:
 * @store: an open store
 * @staff_id: who is producing the document
 * @reference: the case reference (or id)
 * @kind: which document
 * @options: (nullable): letterhead logo, closing paragraph and date
 * @error: return location for a #GError
 *
 * Produces a document from a case and keeps its exact bytes in the store as
 * a new DOCUMENT record, with the SHA-256 of the bytes in the audit log. A
 * document produced before for the same case and kind is kept and marked as
 * superseded by the new one. Blocks: call it from a worker thread, or use
 * ct_case_document_generate_async().
 *
 * Returns: (transfer full): the stored DOCUMENT record, or %NULL with @error set
 */
CtRecord *
ct_case_document_generate_sync (CtStore                      *store,
                                const char                   *staff_id,
                                const char                   *reference,
                                CtCaseDocumentKind            kind,
                                const CtCaseDocumentOptions  *options,
                                GError                      **error)
{
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(CtRecord) document = NULL;
  g_autoptr(GPtrArray) gaps = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *action = NULL;
  StoreDocument request;
  CtRecord *previous;

  g_return_val_if_fail (CT_IS_STORE (store), NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  case_record = ct_case_find_sync (store, reference, error);
  if (case_record == NULL)
    return NULL;

  pdf = render_case (store, staff_id, case_record, kind, options, &gaps, error);
  if (pdf == NULL)
    return NULL;

  documents = ct_store_list_sync (store, CT_RECORD_KIND_DOCUMENT,
                                  ct_record_get_id (case_record), error);
  if (documents == NULL)
    return NULL;
  previous = latest_document (documents, kind);

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
  ct_record_set_case_id (document, ct_record_get_id (case_record));
  ct_record_set_string (document, "kind", ct_case_document_kind_to_string (kind));
  ct_record_set_string (document, "title", kind_title (kind));
  ct_record_set_bytes (document, "pdf", pdf);
  ct_record_set_string (document, "sha256", sha256);
  ct_record_set_int64 (document, "generated-at", g_get_real_time ());
  ct_record_set_string (document, "generated-by", staff_id);
  ct_record_set_string (document, "case-reference", ct_record_get_reference (case_record));
  ct_record_set_int64 (document, "document-version",
                       previous != NULL ? ct_record_get_int64 (previous, "document-version", 1) + 1 : 1);
  if (previous != NULL)
    ct_record_set_string (document, "supersedes", ct_record_get_id (previous));
  /* A letter with details missing is kept as a draft, with the keys of what
   * it lacks, so nothing later can mark it as sent. */
  if (gaps != NULL && gaps->len > 0)
    {
      g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
      g_auto(GStrv) missing = NULL;

      for (guint i = 0; i < gaps->len; i++)
        g_strv_builder_add (keys, ((CtReferralGap *) g_ptr_array_index (gaps, i))->key);
      missing = g_strv_builder_end (keys);
      ct_record_set_boolean (document, "draft", TRUE);
      ct_record_set_strv (document, "missing", (const char * const *) missing);
    }

  /* The fingerprint stays in the encrypted record: the plaintext audit log
   * names only what kind of document was kept. */
  action = g_strdup_printf ("document-kept:%s", ct_case_document_kind_to_string (kind));
  request = (StoreDocument) { staff_id, document, action };
  if (!ct_store_run_transaction_sync (store, store_document_cb, &request, error))
    return NULL;

  return g_steal_pointer (&document);
}

typedef struct
{
  CtStore *store;
  char *staff_id;
  char *reference;
  CtCaseDocumentKind kind;
  char *logo_path;
  char *closing_paragraph;
  GDateTime *now;
} GenerateData;

static void
generate_data_free (gpointer data)
{
  GenerateData *gd = data;

  g_clear_object (&gd->store);
  g_free (gd->staff_id);
  g_free (gd->reference);
  g_free (gd->logo_path);
  g_free (gd->closing_paragraph);
  g_clear_pointer (&gd->now, g_date_time_unref);
  g_free (gd);
}

static void
generate_thread_cb (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GenerateData *gd = task_data;
  CtCaseDocumentOptions options = { gd->logo_path, gd->closing_paragraph, gd->now };
  GError *error = NULL;
  CtRecord *document;

  if (g_task_return_error_if_cancelled (task))
    return;

  document = ct_case_document_generate_sync (gd->store, gd->staff_id, gd->reference,
                                             gd->kind, &options, &error);
  if (document == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, document, g_object_unref);
}

/**
 * ct_case_document_generate_async:
 *
 * Does ct_case_document_generate_sync() on a worker thread.
 */
void
ct_case_document_generate_async (CtStore                      *store,
                                 const char                   *staff_id,
                                 const char                   *reference,
                                 CtCaseDocumentKind            kind,
                                 const CtCaseDocumentOptions  *options,
                                 GCancellable                 *cancellable,
                                 GAsyncReadyCallback           callback,
                                 gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  GenerateData *gd;

  g_return_if_fail (CT_IS_STORE (store));
  g_return_if_fail (reference != NULL);

  gd = g_new0 (GenerateData, 1);
  gd->store = g_object_ref (store);
  gd->staff_id = g_strdup (staff_id);
  gd->reference = g_strdup (reference);
  gd->kind = kind;
  if (options != NULL)
    {
      gd->logo_path = g_strdup (options->logo_path);
      gd->closing_paragraph = g_strdup (options->closing_paragraph);
      gd->now = options->now != NULL ? g_date_time_ref (options->now) : NULL;
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ct_case_document_generate_async);
  g_task_set_task_data (task, gd, generate_data_free);
  g_task_run_in_thread (task, generate_thread_cb);
}

/**
 * ct_case_document_generate_finish:
 *
 * Returns: (transfer full): the stored DOCUMENT record, or %NULL with @error set
 */
CtRecord *
ct_case_document_generate_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ct_case_document_generate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ct_case_document_get_latest_sync:
 * @store: an open store
 * @reference: the case reference (or id)
 * @kind: which document
 * @error: return location for a #GError
 *
 * Finds the newest kept document of @kind for a case, without producing it
 * again.
 *
 * Returns: (transfer full): the DOCUMENT record, or %NULL with @error set
 *   (%CT_DOCUMENT_ERROR_NOT_FOUND when none has been kept)
 */
CtRecord *
ct_case_document_get_latest_sync (CtStore             *store,
                                  const char          *reference,
                                  CtCaseDocumentKind   kind,
                                  GError             **error)
{
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  CtRecord *latest;

  case_record = ct_case_find_sync (store, reference, error);
  if (case_record == NULL)
    return NULL;

  documents = ct_store_list_sync (store, CT_RECORD_KIND_DOCUMENT,
                                  ct_record_get_id (case_record), error);
  if (documents == NULL)
    return NULL;

  latest = latest_document (documents, kind);
  if (latest == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_NOT_FOUND,
                   _("No %s has been kept for case “%s” yet. Produce it first."),
                   ct_case_document_kind_to_string (kind), reference);
      return NULL;
    }

  return g_object_ref (latest);
}

/**
 * ct_case_document_get_pdf:
 * @document: a DOCUMENT record
 * @error: return location for a #GError
 *
 * Returns the kept bytes after checking them against their recorded SHA-256.
 *
 * Returns: (transfer full): the PDF bytes, or %NULL with @error set to
 *   %CT_DOCUMENT_ERROR_DAMAGED when they do not match
 */
GBytes *
ct_case_document_get_pdf (CtRecord  *document,
                          GError   **error)
{
  GBytes *pdf;
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (CT_IS_RECORD (document), NULL);

  pdf = ct_record_get_bytes (document, "pdf");
  if (pdf == NULL)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED,
                   _("The kept document has no content. Produce it again from the case."));
      return NULL;
    }

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  if (g_strcmp0 (sha256, ct_record_get_string (document, "sha256")) != 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_DAMAGED,
                   _("The kept document does not match the fingerprint recorded when it "
                     "was made, so it has been changed or damaged. Run “caretrail-admin "
                     "verify” and report this to the Designated Safeguarding Officer."));
      return NULL;
    }

  return g_bytes_ref (pdf);
}

typedef struct
{
  const char *staff_id;
  CtRecord *document;
  const char *audit_action;
} MarkSent;

static gboolean
mark_sent_cb (CtStoreTransaction  *txn,
              gpointer             user_data,
              GError             **error)
{
  MarkSent *mark = user_data;

  return ct_store_transaction_update (txn, mark->staff_id, mark->document, error)
         && ct_store_transaction_append_audit (txn, mark->staff_id, mark->audit_action,
                                               ct_record_get_id (mark->document), error);
}

/**
 * ct_case_document_is_send_method:
 * @method: (nullable): how a document was sent
 *
 * Returns: %TRUE if @method is one of the ways Caretrail records: "post",
 *   "email", "secure-email", "hand" or "portal"
 */
gboolean
ct_case_document_is_send_method (const char *method)
{
  static const char * const methods[] = { "post", "email", "secure-email", "hand", "portal", NULL };

  return method != NULL && g_strv_contains (methods, method);
}

/**
 * ct_case_document_mark_sent_sync:
 * @store: an open store
 * @staff_id: who sent it
 * @document: the DOCUMENT record that was sent
 * @sent_at: when, in unix microseconds
 * @sent_how: how: "post", "email", "secure-email", "hand" or "portal"
 * @sent_to: (nullable): to whom
 * @error: return location for a #GError
 *
 * Records that a kept document was sent. The PDF bytes are not touched.
 */
gboolean
ct_case_document_mark_sent_sync (CtStore     *store,
                                 const char  *staff_id,
                                 CtRecord    *document,
                                 gint64       sent_at,
                                 const char  *sent_how,
                                 const char  *sent_to,
                                 GError     **error)
{
  g_autoptr(CtRecord) updated = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *action = NULL;
  MarkSent mark;

  g_return_val_if_fail (CT_IS_STORE (store), FALSE);
  g_return_val_if_fail (CT_IS_RECORD (document), FALSE);

  if (!ct_case_document_is_send_method (sent_how) || sent_at <= 0)
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("Say when the document was sent, and how: post, email, secure-email, hand or portal."));
      return FALSE;
    }

  if (ct_record_get_boolean (document, "draft", FALSE))
    {
      g_set_error (error, CT_DOCUMENT_ERROR, CT_DOCUMENT_ERROR_INVALID_INPUT,
                   _("This letter is a draft: details the local authority needs are missing. "
                     "Fill in or explain each one, produce the letter again, and then mark it "
                     "as sent."));
      return FALSE;
    }

  /* Never record as sent something that is not what was kept. */
  pdf = ct_case_document_get_pdf (document, error);
  if (pdf == NULL)
    return FALSE;

  updated = ct_record_copy (document);
  ct_record_set_int64 (updated, "sent-at", sent_at);
  ct_record_set_string (updated, "sent-how", sent_how);
  if (sent_to != NULL)
    ct_record_set_string (updated, "sent-to", sent_to);

  /* The audit log is plaintext: it names the action and the record only;
   * how and to whom are in the document's encrypted record. */
  action = g_strdup ("document-sent");
  mark = (MarkSent) { staff_id, updated, action };
  return ct_store_run_transaction_sync (store, mark_sent_cb, &mark, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-directory"

#include "config.h"

#include "ct-directory.h"

#include <glib/gi18n.h>

#include "ct-details.h"

G_DEFINE_QUARK (ct-directory-error-quark, ct_directory_error)

typedef struct
{
  const char *id;
  const char *label;
} Label;

/* The stored ids and what the user reads for them: the one table of each. */
static const Label agency_kinds[] = {
  { "children-social-care", N_("Children’s social care") },
  { "mash", N_("Multi-agency safeguarding hub") },
  { "police", N_("Police") },
  { "nspcc", N_("NSPCC helpline") },
  { "lado", N_("Local authority designated officer") },
  { "early-help", N_("Early help") },
};

static const Label periods[] = {
  { "48h", N_("Written confirmation within 48 hours") },
  { "24h", N_("Written confirmation within 24 hours") },
  { "2wd", N_("Written confirmation within 2 working days") },
};


/**
 * ct_directory_kind_is_directory:
 * @kind: a kind of record
 *
 * Returns: %TRUE for agencies and members of staff
 */
gboolean
ct_directory_kind_is_directory (CtRecordKind kind)
{
  return kind == CT_RECORD_KIND_AGENCY || kind == CT_RECORD_KIND_STAFF;
}

/**
 * ct_directory_get_agency_kinds:
 *
 * Returns: (array zero-terminated=1) (transfer none): the stored ids of the
 *   kinds of agency, in the order a form offers them
 */
const char * const *
ct_directory_get_agency_kinds (void)
{
  /* The choices the details accept, so the two never differ. */
  return ct_details_lookup (CT_RECORD_KIND_AGENCY, "kind")->choices;
}

/**
 * ct_directory_describe_agency_kind:
 * @kind: (nullable): a stored kind of agency
 *
 * Returns: (transfer none): the kind in words, translated; "Agency" for a
 *   kind not known
 */
const char *
ct_directory_describe_agency_kind (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (agency_kinds); i++)
    if (g_strcmp0 (agency_kinds[i].id, kind) == 0)
      return _(agency_kinds[i].label);
  return _("Agency");
}

/**
 * ct_directory_get_periods:
 *
 * Returns: (array zero-terminated=1) (transfer none): the stored ids of the
 *   periods an authority allows for written confirmation
 */
const char * const *
ct_directory_get_periods (void)
{
  return ct_details_lookup (CT_RECORD_KIND_AGENCY, "confirmation-period")->choices;
}

/**
 * ct_directory_describe_period:
 * @period: (nullable): a stored period, e.g. "48h"
 *
 * Returns: (transfer none): the period in words, translated; an authority
 *   that has not said allows 48 hours
 */
const char *
ct_directory_describe_period (const char *period)
{
  for (guint i = 0; i < G_N_ELEMENTS (periods); i++)
    if (g_strcmp0 (periods[i].id, period) == 0)
      return _(periods[i].label);
  return _(periods[0].label);
}

/**
 * ct_directory_staff_has_left:
 * @staff: a STAFF record
 *
 * Returns: %TRUE if the member of staff is no longer with the organisation
 */
gboolean
ct_directory_staff_has_left (CtRecord *staff)
{
  g_return_val_if_fail (CT_IS_RECORD (staff), FALSE);
  return ct_record_get_boolean (staff, "left", FALSE);
}

/**
 * ct_directory_describe_roles:
 * @staff: a STAFF record
 *
 * Returns: (transfer full): the member of staff's roles in words, e.g.
 *   "Designated Safeguarding Officer, Head of Pastoral Care", or "" if none
 *   is recorded
 */
char *
ct_directory_describe_roles (CtRecord *staff)
{
  g_autoptr(GString) roles = g_string_new (NULL);
  const char *role;

  g_return_val_if_fail (CT_IS_RECORD (staff), NULL);

  if (ct_record_get_boolean (staff, "is-dso", FALSE))
    g_string_append (roles, _("Designated Safeguarding Officer"));
  if (ct_record_get_boolean (staff, "is-deputy", FALSE))
    g_string_append_printf (roles, "%s%s", roles->len > 0 ? ", " : "",
                            _("Deputy Designated Safeguarding Officer"));
  if (ct_record_get_boolean (staff, "is-sbm", FALSE))
    g_string_append_printf (roles, "%s%s", roles->len > 0 ? ", " : "",
                            _("Senior Board Member for safeguarding"));
  role = ct_record_get_string (staff, "role");
  if (role != NULL && *role != '\0')
    g_string_append_printf (roles, "%s%s", roles->len > 0 ? ", " : "", role);

  return g_string_free (g_steal_pointer (&roles), FALSE);
}

static gboolean
has_name (CtRecord *record)
{
  const char *name = ct_record_get_string (record, "name");
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));

  return *stripped != '\0';
}

/**
 * ct_directory_make_record:
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @existing: (nullable): the stored record to change, or %NULL for a new one
 * @answers: the details, from ct_answers_new(); an empty text removes a
 *   detail
 * @error: return location for a #CT_DIRECTORY_ERROR or #CT_DETAILS_ERROR
 *
 * Makes the record the directory would store: a new agency or member of
 * staff, or a changed copy of @existing with the same id. Nothing is
 * compulsory but a name, and a name cannot be taken away.
 *
 * Returns: (transfer full): the record, not yet stored, or %NULL if an
 *   answer is refused
 */
CtRecord *
ct_directory_make_record (CtRecordKind   kind,
                          CtRecord      *existing,
                          GHashTable    *answers,
                          GError       **error)
{
  g_autoptr(CtRecord) record = NULL;

  g_return_val_if_fail (existing == NULL || CT_IS_RECORD (existing), NULL);
  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!ct_directory_kind_is_directory (kind) ||
      (existing != NULL && ct_record_get_kind (existing) != kind))
    {
      g_set_error_literal (error, CT_DIRECTORY_ERROR, CT_DIRECTORY_ERROR_NOT_DIRECTORY,
                           _("Only local authorities, agencies and members of staff are kept "
                             "in the directory."));
      return NULL;
    }

  if (existing != NULL)
    record = ct_details_change_record (existing, answers, error);
  else
    record = ct_details_new_record (kind, NULL, answers, error);
  if (record == NULL)
    return NULL;

  if (!has_name (record))
    {
      g_set_error_literal (error, CT_DIRECTORY_ERROR, CT_DIRECTORY_ERROR_NO_NAME,
                           kind == CT_RECORD_KIND_AGENCY
                           ? _("Write the local authority’s or agency’s name: it is how "
                               "referrals and letters name it.")
                           : _("Write the member of staff’s name: it is how the chronology "
                               "names what they did."));
      return NULL;
    }

  /* A name is kept as typed, without spaces around it. */
  {
    g_autofree char *name = g_strstrip (g_strdup (ct_record_get_string (record, "name")));

    ct_record_set_string (record, "name", name);
  }

  return g_steal_pointer (&record);
}

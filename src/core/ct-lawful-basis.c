/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-lawful-basis"

#include "config.h"

#include "ct-lawful-basis.h"

#include <glib/gi18n.h>

typedef struct
{
  const char *id;
  const char *citation;   /* untranslated: the law's own words */
  const char *sentence;   /* translatable */
  gboolean    any_kind;   /* fits every kind of organisation */
} LawfulBasis;

/* Safeguarding by a private or voluntary body usually rests on legitimate
 * interests, or on vital interests in an emergency; a legal obligation or a
 * public task fits only a body that has one. Special category data (health,
 * ethnicity, religion) needs a condition as well: DPA 2018 Schedule 1 Part 2
 * paragraph 18. */
static const LawfulBasis bases[] = {
  { "legitimate-interests", "UK GDPR Article 6(1)(f)",
    N_("We share this information because protecting the child from harm is a legitimate "
       "interest that outweighs the family’s interest in privacy (UK GDPR Article 6(1)(f), "
       "legitimate interests)."), TRUE },
  { "vital-interests", "UK GDPR Article 6(1)(d)",
    N_("We share this information because it is needed at once to protect the child’s life "
       "or safety (UK GDPR Article 6(1)(d), vital interests)."), TRUE },
  { "legal-obligation", "UK GDPR Article 6(1)(c)",
    N_("We share this information because the law requires us to (UK GDPR Article 6(1)(c), "
       "legal obligation)."), FALSE },
  { "public-task", "UK GDPR Article 6(1)(e)",
    N_("We share this information to carry out a task in the public interest that the law "
       "gives us (UK GDPR Article 6(1)(e), public task)."), FALSE },
};

static const char * const all_ids[] = {
  "legitimate-interests", "vital-interests", "legal-obligation", "public-task", NULL
};
static const char * const usual_ids[] = { "legitimate-interests", "vital-interests", NULL };

static const LawfulBasis *
lookup (const char *basis)
{
  for (guint i = 0; basis != NULL && i < G_N_ELEMENTS (bases); i++)
    if (g_str_equal (bases[i].id, basis))
      return &bases[i];
  return NULL;
}

/**
 * ct_lawful_basis_list_for:
 * @organisation_kind: (nullable): the organisation's kind, such as "charity"
 *
 * Returns: (transfer none): the ids of the bases that fit, the usual first
 */
const char * const *
ct_lawful_basis_list_for (const char *organisation_kind)
{
  return g_strcmp0 (organisation_kind, "other-organisation") == 0 ? all_ids : usual_ids;
}

/**
 * ct_lawful_basis_fits:
 * @basis: a basis id
 * @organisation_kind: (nullable): the organisation's kind
 *
 * Returns: %TRUE if @basis is one an organisation of that kind can rely on
 */
gboolean
ct_lawful_basis_fits (const char *basis,
                      const char *organisation_kind)
{
  return basis != NULL && g_strv_contains (ct_lawful_basis_list_for (organisation_kind), basis);
}

/**
 * ct_lawful_basis_is_known:
 * @basis: (nullable): a basis id
 *
 * Returns: %TRUE if @basis is one of the ids here
 */
gboolean
ct_lawful_basis_is_known (const char *basis)
{
  return lookup (basis) != NULL;
}

/**
 * ct_lawful_basis_get_citation:
 * @basis: a basis id
 *
 * Returns: (nullable): the article, such as "UK GDPR Article 6(1)(f)"
 */
const char *
ct_lawful_basis_get_citation (const char *basis)
{
  const LawfulBasis *found = lookup (basis);

  return found != NULL ? found->citation : NULL;
}

/**
 * ct_lawful_basis_get_sentence:
 * @basis: a basis id
 *
 * Returns: (nullable): the plain-English sentence for the letter
 */
const char *
ct_lawful_basis_get_sentence (const char *basis)
{
  const LawfulBasis *found = lookup (basis);

  return found != NULL ? _(found->sentence) : NULL;
}

/**
 * ct_lawful_basis_get_special_category_sentence:
 *
 * Returns: the sentence on special category data, which every safeguarding
 *   referral carries
 */
const char *
ct_lawful_basis_get_special_category_sentence (void)
{
  return _("Where this includes information about health, ethnicity or religion, we rely on "
           "the condition for safeguarding children and individuals at risk (Data Protection "
           "Act 2018, Schedule 1, Part 2, paragraph 18).");
}

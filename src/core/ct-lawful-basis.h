/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SECTION:ct-lawful-basis
 * @title: Lawful bases for sharing
 *
 * The lawful bases on which an organisation may share a child's information
 * for safeguarding, keyed by stable ids ("legitimate-interests",
 * "vital-interests", "legal-obligation", "public-task"), with the articles
 * they rest on and a plain-English sentence for the letter. Which fit
 * depends on the kind of organisation set in Preferences: a law firm,
 * mediation service, counselling practice or charity normally has no legal
 * obligation or public task to share, so those are offered only to "other".
 */

const char * const *ct_lawful_basis_list_for   (const char *organisation_kind);
gboolean            ct_lawful_basis_fits       (const char *basis,
                                                const char *organisation_kind);
gboolean            ct_lawful_basis_is_known   (const char *basis);
const char         *ct_lawful_basis_get_citation (const char *basis);
const char         *ct_lawful_basis_get_sentence (const char *basis);
const char         *ct_lawful_basis_get_special_category_sentence (void);

G_END_DECLS

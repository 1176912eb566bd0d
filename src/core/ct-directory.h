/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-record.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-directory
 * @title: The organisation's directory
 *
 * The local authorities and agencies the organisation refers to (AGENCY
 * records) and the members of staff its policy names (STAFF records). The
 * app's forms and `caretrail-admin agency` and `staff` make and change them
 * here, from answers (ct_answers_new()), and store them with
 * ct_directory_save_sync() or ct_directory_save_async(): one path for both.
 *
 * Nothing in the directory is ever deleted, since the chronology names the
 * people and agencies it speaks of. A member of staff who has left is
 * marked "left" and is no longer offered as someone to choose.
 */

#define CT_DIRECTORY_ERROR (ct_directory_error_quark ())

/**
 * CtDirectoryError:
 * @CT_DIRECTORY_ERROR_NO_NAME: the record would have no name
 * @CT_DIRECTORY_ERROR_NOT_DIRECTORY: the record is not an agency or a
 *   member of staff
 */
typedef enum
{
  CT_DIRECTORY_ERROR_NO_NAME,
  CT_DIRECTORY_ERROR_NOT_DIRECTORY,
} CtDirectoryError;

GQuark              ct_directory_error_quark          (void);

gboolean            ct_directory_kind_is_directory    (CtRecordKind  kind);
CtRecord           *ct_directory_make_record          (CtRecordKind  kind,
                                                       CtRecord     *existing,
                                                       GHashTable   *answers,
                                                       GError      **error);

const char * const *ct_directory_get_agency_kinds     (void);
const char         *ct_directory_describe_agency_kind (const char   *kind);
const char * const *ct_directory_get_periods          (void);
const char         *ct_directory_describe_period      (const char   *period);
gboolean            ct_directory_staff_has_left       (CtRecord     *staff);
char               *ct_directory_describe_roles       (CtRecord     *staff);

G_END_DECLS

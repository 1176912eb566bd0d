/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * CtLetterhead:
 * @name: the organisation's name (required)
 * @address: (nullable): postal address, one line per line
 * @phone: (nullable): main telephone number
 * @email: (nullable): main email address
 * @logo_path: (nullable): a PNG image shown at the top right of the first page
 *
 * The organisation's letterhead, from its settings. All strings are borrowed
 * UTF-8 and are not freed by the document functions.
 */
typedef struct
{
  const char *name;
  const char *address;
  const char *phone;
  const char *email;
  const char *logo_path;
} CtLetterhead;

G_END_DECLS

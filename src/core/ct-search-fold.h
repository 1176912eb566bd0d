/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ct_search_fold (const char *text,
                      gssize      length);

G_END_DECLS

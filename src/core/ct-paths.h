/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ct_paths_get_data_dir         (void);
char *ct_paths_get_default_database (void);

G_END_DECLS

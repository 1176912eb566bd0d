/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-store-backend.h"

G_BEGIN_DECLS

#define CT_SQLITE_APPLICATION_ID 1129599537 /* "CTr1" */
#define CT_SQLITE_MIGRATIONS_PATH "/org/caretrail/Caretrail/sql/"

/* A 32 MiB page cache and memory-mapped reads: the file holds only
 * ciphertext, so mapping it exposes nothing that reading would not. */
#define CT_SQLITE_PERFORMANCE_PRAGMAS "PRAGMA cache_size = -32768; PRAGMA mmap_size = 0;"

#define CT_TYPE_SQLITE_BACKEND (ct_sqlite_backend_get_type ())
G_DECLARE_FINAL_TYPE (CtSqliteBackend, ct_sqlite_backend, CT, SQLITE_BACKEND, GObject)

CtSqliteBackend *ct_sqlite_backend_new          (const char  *path);
gboolean         ct_sqlite_backend_check_unused (const char  *path,
                                                 GError     **error);

G_END_DECLS

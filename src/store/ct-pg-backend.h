/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "ct-store-backend.h"

G_BEGIN_DECLS

/* The schema a server database keeps Caretrail's tables in, and the roles
 * server-init creates: members read and write every table; staff may only
 * add a row to the submissions table. */
#define CT_PG_SCHEMA "caretrail"
#define CT_PG_MEMBER_ROLE "caretrail_member"
#define CT_PG_STAFF_ROLE "caretrail_staff"

/* The channel every transaction that changes a record notifies, with the
 * writing backend's token (ct_pg_backend_get_token()) as payload. */
#define CT_PG_CHANGED_CHANNEL "caretrail_changed"

#define CT_TYPE_PG_BACKEND (ct_pg_backend_get_type ())
G_DECLARE_FINAL_TYPE (CtPgBackend, ct_pg_backend, CT, PG_BACKEND, GObject)

gboolean     ct_pg_backend_is_location       (const char    *location);
gboolean     ct_pg_backend_check_location    (const char    *location,
                                              GError       **error);
CtPgBackend *ct_pg_backend_new               (const char    *location);
gboolean     ct_pg_backend_check_empty       (CtPgBackend   *self,
                                              GError       **error);
gboolean     ct_pg_backend_set_up_roles      (CtPgBackend   *self,
                                              GError       **error);
gboolean     ct_pg_backend_import_sqlite     (CtPgBackend   *self,
                                              const char    *path,
                                              GError       **error);
PGconn      *ct_pg_backend_connect           (CtPgBackend   *self,
                                              GError       **error);
const char  *ct_pg_backend_get_token         (CtPgBackend   *self);
gboolean     ct_pg_backend_store_password    (const char    *location,
                                              const char    *password,
                                              GError       **error);

GPtrArray   *ct_pg_backend_query             (CtPgBackend   *self,
                                              const char    *sql,
                                              guint          n_params,
                                              GBytes *const *params,
                                              GError       **error);
gint64       ct_pg_value_int64               (GBytes        *value);

G_END_DECLS

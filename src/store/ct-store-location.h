/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-store-backend.h"

G_BEGIN_DECLS

gboolean        ct_store_location_is_server   (const char *location);
CtStoreBackend *ct_store_location_new_backend (const char *location);
gboolean        ct_store_location_check       (const char *location,
                                               GError    **error);
gboolean        ct_store_location_check_empty (const char *location,
                                               GError    **error);

gboolean        ct_store_location_set_up_server (const char *location,
                                                 GError    **error);
gboolean        ct_store_location_import_file   (const char *file,
                                                 const char *location,
                                                 GError    **error);
gboolean        ct_store_location_store_password (const char *location,
                                                  const char *password,
                                                  GError    **error);
void            ct_store_location_set_too_new    (GError    **error,
                                                  const char *location,
                                                  gint64      version,
                                                  gint64      latest);

G_END_DECLS

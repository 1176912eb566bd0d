/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ct-directory.h"
#include "ct-store.h"

G_BEGIN_DECLS

CtRecord *ct_directory_save_sync   (CtStore              *store,
                                    const char           *actor_id,
                                    CtRecordKind          kind,
                                    CtRecord             *existing,
                                    GHashTable           *answers,
                                    GError              **error);
void      ct_directory_save_async  (CtStore              *store,
                                    const char           *actor_id,
                                    CtRecordKind          kind,
                                    CtRecord             *existing,
                                    GHashTable           *answers,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
CtRecord *ct_directory_save_finish (CtStore              *store,
                                    GAsyncResult         *result,
                                    GError              **error);

G_END_DECLS

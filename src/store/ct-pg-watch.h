/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ct-pg-backend.h"

G_BEGIN_DECLS

/**
 * CtPgWatchFunc:
 * @user_data: data given to ct_pg_watch_new()
 *
 * Called on the watch's main context when another desk changed records,
 * at most once per batch of changes, and once after the watch reconnects
 * (changes made meanwhile were not heard).
 */
typedef void (*CtPgWatchFunc) (gpointer user_data);

typedef struct _CtPgWatch CtPgWatch;

CtPgWatch *ct_pg_watch_new  (CtPgBackend   *backend,
                             GMainContext  *context,
                             CtPgWatchFunc  func,
                             gpointer       user_data);
void       ct_pg_watch_stop (CtPgWatch     *watch);

G_END_DECLS

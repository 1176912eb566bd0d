/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-pg-watch"

#include "config.h"

#include "ct-pg-watch.h"

#include <glib-unix.h>

/*
 * Hears other desks' changes to a server database: a connection of its
 * own LISTENs on CT_PG_CHANGED_CHANNEL, and a GSource on its socket, on
 * the store's main context, reads the notifications as they come. The
 * connection is made on a thread of its own (it may take seconds); when
 * it drops, the watch connects again after a pause.
 *
 * The watch is shared by its owner and the thread connecting it, hence
 * the reference count; everything else happens on the main context. The
 * thread hands its connection over through a source on that context,
 * never by calling in itself: while no thread has acquired the context
 * (a command-line program making synchronous calls, say), a call through
 * g_main_context_invoke() would run on the connecting thread, beside
 * ct_pg_watch_stop() on the owner's.
 */

#define RETRY_SECONDS 2

struct _CtPgWatch
{
  gatomicrefcount ref_count;
  CtPgBackend *backend;
  GMainContext *context;
  CtPgWatchFunc func;
  gpointer user_data;

  /* Guards @pending and, against the connecting thread, @stopped. */
  GMutex lock;
  /* The source that hands a new connection to the main context. */
  GSource *pending;

  /* Touched on the main context only. */
  PGconn *conn;
  GSource *source;
  GSource *retry;
  /* Set by ct_pg_watch_stop(): nothing is called any more. */
  gboolean stopped;
};

typedef struct
{
  CtPgWatch *watch;
  PGconn *conn;
} Connected;

static void connect_in_thread (CtPgWatch *watch);

static CtPgWatch *
watch_ref (CtPgWatch *watch)
{
  g_atomic_ref_count_inc (&watch->ref_count);
  return watch;
}

static void
watch_unref (CtPgWatch *watch)
{
  if (!g_atomic_ref_count_dec (&watch->ref_count))
    return;
  g_clear_pointer (&watch->conn, PQfinish);
  g_clear_object (&watch->backend);
  g_main_context_unref (watch->context);
  g_mutex_clear (&watch->lock);
  g_free (watch);
}

static void
drop_connection (CtPgWatch *watch)
{
  if (watch->source != NULL)
    {
      g_source_destroy (watch->source);
      g_clear_pointer (&watch->source, g_source_unref);
    }
  g_clear_pointer (&watch->conn, PQfinish);
}

static gboolean
on_retry_cb (gpointer data)
{
  CtPgWatch *watch = data;

  g_clear_pointer (&watch->retry, g_source_unref);
  if (!watch->stopped)
    connect_in_thread (watch);
  return G_SOURCE_REMOVE;
}

static void
retry_later (CtPgWatch *watch)
{
  drop_connection (watch);
  if (watch->stopped || watch->retry != NULL)
    return;
  watch->retry = g_timeout_source_new_seconds (RETRY_SECONDS);
  g_source_set_callback (watch->retry, on_retry_cb, watch_ref (watch), (GDestroyNotify) watch_unref);
  g_source_attach (watch->retry, watch->context);
}

static gboolean
on_socket_readable_cb (int          fd,
                       GIOCondition condition,
                       gpointer     data)
{
  CtPgWatch *watch = data;
  const char *own = ct_pg_backend_get_token (watch->backend);
  gboolean changed = FALSE;
  PGnotify *notify;

  if (watch->stopped)
    return G_SOURCE_CONTINUE;

  if (!PQconsumeInput (watch->conn) || PQstatus (watch->conn) != CONNECTION_OK)
    {
      g_debug ("The watch's connection dropped: %s", PQerrorMessage (watch->conn));
      /* Destroying the source from inside its own callback is allowed;
       * returning REMOVE as well keeps GLib from calling it again. */
      retry_later (watch);
      return G_SOURCE_REMOVE;
    }

  while ((notify = PQnotifies (watch->conn)) != NULL)
    {
      if (g_strcmp0 (notify->extra, own) != 0)
        changed = TRUE;
      PQfreemem (notify);
    }

  if (changed)
    watch->func (watch->user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_connected_cb (gpointer data)
{
  Connected *connected = data;
  CtPgWatch *watch = connected->watch;

  g_mutex_lock (&watch->lock);
  g_clear_pointer (&watch->pending, g_source_unref);
  g_mutex_unlock (&watch->lock);

  if (watch->stopped)
    {
      g_clear_pointer (&connected->conn, PQfinish);
      return G_SOURCE_REMOVE;
    }
  if (connected->conn == NULL)
    {
      retry_later (watch);
      return G_SOURCE_REMOVE;
    }

  watch->conn = g_steal_pointer (&connected->conn);
  watch->source = g_unix_fd_source_new (PQsocket (watch->conn), G_IO_IN | G_IO_ERR | G_IO_HUP);
  g_source_set_callback (watch->source, G_SOURCE_FUNC (on_socket_readable_cb), watch, NULL);
  g_source_attach (watch->source, watch->context);

  /* Changes made while the watch was not listening were not heard: after
   * a connection dropped, and also before the first one, as the store
   * was read when it opened, before this connection listened. */
  watch->func (watch->user_data);
  return G_SOURCE_REMOVE;
}

static void
connected_free (gpointer data)
{
  Connected *connected = data;

  g_clear_pointer (&connected->conn, PQfinish);
  watch_unref (connected->watch);
  g_free (connected);
}

static gpointer
connect_thread (gpointer data)
{
  Connected *connected = data;
  CtPgWatch *watch = connected->watch;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) source = NULL;
  PGresult *result;

  connected->conn = ct_pg_backend_connect (connected->watch->backend, &error);
  if (connected->conn != NULL)
    {
      result = PQexec (connected->conn, "LISTEN " CT_PG_CHANGED_CHANNEL);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          g_debug ("LISTEN failed: %s", PQerrorMessage (connected->conn));
          g_clear_pointer (&connected->conn, PQfinish);
        }
      PQclear (result);
    }
  else
    g_debug ("The watch could not connect: %s", error->message);

  if (connected->conn != NULL)
    PQsetnonblocking (connected->conn, 1);

  /* The context is kept until the source is unreferenced below: the
   * owner may run the source, stop the watch and drop the context first. */
  context = g_main_context_ref (watch->context);
  g_mutex_lock (&watch->lock);
  if (!watch->stopped)
    {
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, on_connected_cb, g_steal_pointer (&connected), connected_free);
      g_source_set_static_name (source, "[caretrail] server watch connected");
      watch->pending = g_source_ref (source);
      g_source_attach (source, context);
    }
  g_mutex_unlock (&watch->lock);
  if (connected != NULL)
    connected_free (connected);
  return NULL;
}

static void
connect_in_thread (CtPgWatch *watch)
{
  Connected *connected = g_new0 (Connected, 1);

  connected->watch = watch_ref (watch);
  g_thread_unref (g_thread_new ("ct-pg-watch", connect_thread, connected));
}

/**
 * ct_pg_watch_new:
 * @backend: the store's backend, for its address and token
 * @context: the main context to call @func on
 * @func: called when another desk changed records
 * @user_data: data for @func
 *
 * Starts listening for other desks' changes; the connection is made in
 * the background. Stop it with ct_pg_watch_stop() on @context's thread.
 *
 * Returns: (transfer full): the watch
 */
CtPgWatch *
ct_pg_watch_new (CtPgBackend   *backend,
                 GMainContext  *context,
                 CtPgWatchFunc  func,
                 gpointer       user_data)
{
  CtPgWatch *watch = g_new0 (CtPgWatch, 1);

  g_atomic_ref_count_init (&watch->ref_count);
  g_mutex_init (&watch->lock);
  watch->backend = g_object_ref (backend);
  watch->context = g_main_context_ref (context);
  watch->func = func;
  watch->user_data = user_data;
  connect_in_thread (watch);
  return watch;
}

/**
 * ct_pg_watch_stop:
 * @watch: (transfer full): a watch
 *
 * Stops listening and closes the watch's connection; @func is not called
 * again.
 */
void
ct_pg_watch_stop (CtPgWatch *watch)
{
  g_return_if_fail (watch != NULL);

  /* A connection made but not yet handed over is closed now, not when
   * (or if) the context runs again. */
  g_mutex_lock (&watch->lock);
  watch->stopped = TRUE;
  if (watch->pending != NULL)
    {
      g_source_destroy (watch->pending);
      g_clear_pointer (&watch->pending, g_source_unref);
    }
  g_mutex_unlock (&watch->lock);
  drop_connection (watch);
  if (watch->retry != NULL)
    {
      g_source_destroy (watch->retry);
      g_clear_pointer (&watch->retry, g_source_unref);
    }
  watch_unref (watch);
}

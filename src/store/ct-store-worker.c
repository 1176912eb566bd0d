/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-private.h"

#include <glib/gi18n.h>

#include "ct-crypto.h"

/*
 * The worker thread that owns the backend, and the queue of requests it
 * takes in order.
 */

/* Requests {{{ */

void
ct_store_priv_op_free (gpointer data)
{
  Op *op = data;

  g_free (op->path);
  g_free (op->id);
  g_free (op->case_id);
  g_free (op->staff_id);
  g_free (op->given);
  g_free (op->family);
  g_free (op->dob);
  ct_crypto_free_string (op->code);
  ct_crypto_free_string (op->recovery_code);
  g_clear_object (&op->record);
  g_clear_object (&op->original);
  if (op->func_destroy != NULL)
    op->func_destroy (op->func_data);
  g_free (op);
}

Op *
ct_store_priv_op_new (void)
{
  return g_new0 (Op, 1);
}

/* }}} */

/* Worker thread {{{ */

static gboolean
on_request_released_cb (gpointer data)
{
  Request *request = data;

  if (request->released != NULL)
    *request->released = TRUE;
  return G_SOURCE_REMOVE;
}

static void
request_free (gpointer data)
{
  Request *request = data;

  g_object_unref (request->task);
  g_free (request);
}

/*
 * The task holds the store. Were the worker to drop the task itself, it
 * could drop the last reference to the store (its caller having let go
 * as soon as the result came), and the store would be finalised on the
 * worker: closed, and its high-water mark written, after the call that
 * used it returned, beside whatever the caller did next. So the task is
 * let go on the main context it returns to, as its result was.
 */
static void
release_request (Request *request)
{
  /* Once attached, the source may run, and a _sync caller return and
   * drop its context, before the source is unreferenced here; unref
   * locks the source's context, so it is kept until then. */
  g_autoptr(GMainContext) context = g_main_context_ref (g_task_get_context (request->task));
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_request_released_cb, request, request_free);
  g_source_set_static_name (source, "[caretrail] release store request");
  g_source_attach (source, context);
}

/* Runs @store_op for @task, on the worker thread. */
static void
run_op (CtStore         *self,
        const CtStoreOp *store_op,
        GTask           *task)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (store_op->body != NULL || store_op->run_boolean != NULL)
    {
      gboolean ok;

      if (store_op->body != NULL)
        ok = ct_store_priv_run_in_transaction (self, store_op->body, op, &error);
      else
        ok = store_op->run_boolean (self, op, &error);

      if (ok)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, error);
    }
  else
    {
      gpointer result = store_op->run_pointer (self, op, &error);

      if (result != NULL)
        g_task_return_pointer (task, result, store_op->result_free);
      else
        g_task_return_error (task, error);
    }
}

static gpointer
worker_main (gpointer data)
{
  GAsyncQueue *queue = data;
  /* A store whose high-water mark is to be written at @mark_due, if no
   * request comes first. Not a reference: the store pushes the request
   * to quit before it goes away, and that request is taken before the
   * wait could end, so the store is alive whenever the wait times out. */
  CtStore *mark_store = NULL;
  gint64 mark_due = 0;

  for (;;)
    {
      Request *request;
      CtStore *self;

      if (mark_store != NULL)
        {
          gint64 wait = mark_due - g_get_monotonic_time ();

          request = wait > 0 ? g_async_queue_timeout_pop (queue, wait) : g_async_queue_try_pop (queue);
          if (request == NULL)
            {
              ct_store_priv_flush_mark (mark_store, TRUE);
              mark_store = NULL;
              continue;
            }
        }
      else
        request = g_async_queue_pop (queue);

      if (request->op == NULL)
        {
          g_free (request);
          break;
        }

      self = g_task_get_source_object (request->task);
      if (g_task_return_error_if_cancelled (request->task))
        ;
      else
        run_op (self, request->op, request->task);

      /* Read before the task (and maybe the store) goes. */
      if (self->mark_dirty && !self->closed)
        {
          mark_store = self;
          mark_due = self->mark_written_at + MARK_INTERVAL_USEC;
        }
      else if (mark_store == self)
        mark_store = NULL;

      release_request (request);
    }

  g_async_queue_unref (queue);
  return NULL;
}

void
ct_store_priv_start_worker (CtStore *self)
{
  self->queue = g_async_queue_new ();
  self->worker = g_thread_new ("ct-store", worker_main, g_async_queue_ref (self->queue));
}

static void
push_request (CtStore         *self,
              const CtStoreOp *store_op,
              GTask           *task,
              gboolean        *released)
{
  Request *request;

  if (self->closed || self->worker == NULL)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_CLOSED,
                               _("The database has been closed."));
      g_object_unref (task);
      if (released != NULL)
        *released = TRUE;
      return;
    }

  request = g_new0 (Request, 1);
  request->op = store_op;
  request->task = task;
  request->released = released;
  g_async_queue_push (self->queue, request);
}

/* Queues @store_op with @op (which the task takes) for the worker; the
 * result reaches @callback on the caller's thread-default main context. */
void
ct_store_priv_run_async (CtStore             *self,
                         const CtStoreOp     *store_op,
                         Op                  *op,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data,
                         gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, ct_store_priv_op_free);
  push_request (self, store_op, task, NULL);
}

static void
on_sync_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs @store_op on the worker and waits for it, iterating a private main
 * context so the caller's own main loop is not re-entered. Returns the
 * finished task, whose data is still @op. */
GAsyncResult *
ct_store_priv_run_sync (CtStore         *self,
                        const CtStoreOp *store_op,
                        Op              *op,
                        gpointer         source_tag)
{
  GMainContext *context = g_main_context_new ();
  GAsyncResult *result = NULL;
  gboolean released = FALSE;
  GTask *task;

  g_main_context_push_thread_default (context);

  task = g_task_new (self, NULL, on_sync_done_cb, &result);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, ct_store_priv_op_free);

  if (self->worker != NULL && g_thread_self () == self->worker)
    {
      g_task_return_new_error (task, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                               _("The store cannot be called from inside one of its own transactions."));
      g_object_unref (task);
      released = TRUE;
    }
  else
    push_request (self, store_op, task, &released);

  /* Until the worker has let go of the task too, so that the store is
   * finalised on this thread if the caller drops it next. */
  while (result == NULL || !released)
    g_main_context_iteration (context, TRUE);

  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return result;
}

/* ct_store_priv_run_sync(), for an operation whose result is a boolean. */
gboolean
ct_store_priv_call_boolean (CtStore          *self,
                            const CtStoreOp  *store_op,
                            Op               *op,
                            gpointer          source_tag,
                            GError          **error)
{
  g_autoptr(GAsyncResult) result = ct_store_priv_run_sync (self, store_op, op, source_tag);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ct_store_priv_run_sync(), for an operation whose result is a pointer. */
gpointer
ct_store_priv_call_pointer (CtStore          *self,
                            const CtStoreOp  *store_op,
                            Op               *op,
                            gpointer          source_tag,
                            GError          **error)
{
  g_autoptr(GAsyncResult) result = ct_store_priv_run_sync (self, store_op, op, source_tag);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

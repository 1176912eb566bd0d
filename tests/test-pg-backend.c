/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The store on a PostgreSQL server: a real, throwaway cluster started by
 * tests/pg-run.sh, which passes its address and a command that restarts
 * it. Each test makes a database of its own. */

#include "config.h"

#include <libpq-fe.h>

#include "ct-details.h"
#include "ct-pg-backend.h"
#include "ct-procedure.h"
#include "ct-store-location.h"
#include "ct-store.h"
#include "test-store-util.h"

static const char *socket_dir;
static const char *superuser;
static const char *restart_command;

/* A new, empty database on the cluster; returns its postgresql:// address. */
static char *
make_database (const char *name)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s user=%s dbname=postgres", socket_dir, superuser);
  g_autofree char *sql = g_strdup_printf ("DROP DATABASE IF EXISTS %s; ", name);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  g_autofree char *escaped = g_uri_escape_string (socket_dir, NULL, FALSE);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  result = PQexec (conn, create);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);

  return g_strdup_printf ("postgresql://%s/%s?user=%s", escaped, name, superuser);
}

static void
restart_server (void)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (restart_command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static CtRecord *
new_staff (const char *name)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(GError) error = NULL;
  CtRecord *record;

  ct_answers_set_text (answers, "name", name);
  ct_answers_set_text (answers, "role", "Teacher");
  record = ct_details_new_record (CT_RECORD_KIND_STAFF, NULL, answers, &error);
  g_assert_no_error (error);
  return record;
}

static gboolean
insert_one_cb (CtStoreTransaction  *txn,
               gpointer             user_data,
               GError             **error)
{
  g_autoptr(CtRecord) record = new_staff (user_data);

  return ct_store_transaction_insert (txn, "test", record, error);
}

static void
insert_staff (CtStore    *store,
              const char *name)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ct_store_run_transaction_sync (store, insert_one_cb, (gpointer) name, &error));
  g_assert_no_error (error);
}

static guint
count_staff (CtStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) staff = ct_store_list_sync (store, CT_RECORD_KIND_STAFF, NULL, &error);

  g_assert_no_error (error);
  return staff->len;
}

static void
assert_intact (CtStore *store,
               gint64   expected_records)
{
  g_autoptr(GError) error = NULL;
  CtStoreVerifyStats stats = { 0 };

  g_assert_true (ct_store_verify_sync (store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.records, ==, expected_records);
}

static CtStore *
create_store (const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  CtStore *store = ct_store_create_sync (location, &code, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_nonnull (code);
  return store;
}

static void
close_store (CtStore *store)
{
  ct_store_close (store);
  g_object_unref (store);
}

/* What is written comes back after reopening, and a second create on the
 * same server is refused. */
static void
test_round_trip (void)
{
  g_autofree char *location = make_database ("ct_round_trip");
  g_autoptr(GError) error = NULL;
  CtStore *store = create_store (location);
  CtStore *again;

  insert_staff (store, "Alex Example");
  close_store (store);

  store = ct_store_open_sync (location, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_staff (store), ==, 1);
  assert_intact (store, 1);
  close_store (store);

  again = ct_store_create_sync (location, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_EXISTS);
}

static gboolean
insert_cases_cb (CtStoreTransaction  *txn,
                 gpointer             user_data,
                 GError             **error)
{
  const char * const *references = user_data;

  for (guint i = 0; references[i] != NULL; i++)
    {
      g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);

      ct_record_set_reference (case_record, references[i]);
      if (!ct_store_transaction_insert (txn, "test", case_record, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *prefix;
  char       *last;
} LastReference;

static gboolean
last_reference_cb (CtStoreTransaction  *txn,
                   gpointer             user_data,
                   GError             **error)
{
  LastReference *lookup = user_data;

  g_clear_pointer (&lookup->last, g_free);
  return ct_store_transaction_last_reference (txn, lookup->prefix, &lookup->last, error);
}

static void
assert_last_reference (CtStore    *store,
                       const char *prefix,
                       const char *expected)
{
  g_autoptr(GError) error = NULL;
  LastReference lookup = { prefix, NULL };

  g_assert_true (ct_store_run_transaction_sync (store, last_reference_cb, &lookup, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (lookup.last, ==, expected);
  g_free (lookup.last);
}

/* The server finds the year's highest reference as a number, as SQLite
 * does: after a gap, past 9,999, other years and other forms left out. */
static void
test_last_reference (void)
{
  g_autofree char *location = make_database ("ct_last_reference");
  CtStore *store = create_store (location);
  const char *references[] = {
    "CT-2026-0001", "CT-2026-0002", "CT-2026-0009", "CT-2025-0042", "CT-2026-0500/A",
    "CT-DEMO-00099", NULL
  };
  const char *more[] = { "CT-2026-9999", "CT-2026-10000", "CT-2026-9998", NULL };
  g_autoptr(GError) error = NULL;

  assert_last_reference (store, "CT-2026-", NULL);
  g_assert_true (ct_store_run_transaction_sync (store, insert_cases_cb, references, &error));
  g_assert_no_error (error);
  assert_last_reference (store, "CT-2026-", "CT-2026-0009");
  assert_last_reference (store, "CT-2025-", "CT-2025-0042");
  assert_last_reference (store, "CT-2027-", NULL);
  g_assert_true (ct_store_run_transaction_sync (store, insert_cases_cb, more, &error));
  g_assert_no_error (error);
  assert_last_reference (store, "CT-2026-", "CT-2026-10000");
  close_store (store);
}

/* An address that would send the records over the network unchecked, or
 * that carries a password, is refused before anything connects. */
static void
test_refused_addresses (void)
{
  static const char *refused[] = {
    "postgresql://db.example.org/caretrail?sslmode=require",
    "postgresql://db.example.org/caretrail?sslmode=disable",
    "postgres://10.0.0.5/caretrail?sslmode=prefer",
    "postgresql://user:secret@localhost/caretrail",
    "postgresql://localhost/caretrail?password=secret",
  };
  static const char *accepted[] = {
    "postgresql://db.example.org/caretrail?sslmode=verify-full",
    "postgresql://db.example.org/caretrail",
    "postgresql://localhost/caretrail?sslmode=disable",
    "postgresql://%2Ftmp%2Fsock/caretrail",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      CtStore *store = ct_store_open_sync (refused[i], &error);

      g_assert_null (store);
      g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID);
      g_assert_null (strstr (error->message, "secret"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ct_store_location_is_server (accepted[i]));
      g_assert_true (ct_pg_backend_check_location (accepted[i], &error));
      g_assert_no_error (error);
    }
}

/* A listener on another address than this computer's own (127.0.0.2 is
 * on the loopback interface, but Caretrail does not count it as local)
 * that notes how each client begins: with a request for TLS, or with a
 * plain start-up message. It answers that it has no TLS and hangs up. */
typedef struct
{
  GSocket *socket;
  guint16 port;
  GThread *thread;
  guint tls_requests;
  guint plain_starts;
} FakeServer;

static gpointer
fake_server_run (gpointer data)
{
  FakeServer *server = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (server->socket, NULL, &error);
      guint8 packet[8];
      gssize got = 0;

      if (client == NULL)
        break;
      g_socket_set_timeout (client, 5);
      while (got < (gssize) sizeof packet)
        {
          gssize n = g_socket_receive (client, (char *) packet + got, sizeof packet - got, NULL, NULL);

          if (n <= 0)
            break;
          got += n;
        }
      if (got < (gssize) sizeof packet)
        continue;
      /* SSLRequest: length 8, then the code 1234 5679. */
      if (GUINT32_FROM_BE (*(guint32 *) packet) == 8 && GUINT32_FROM_BE (*(guint32 *) (packet + 4)) == 80877103)
        g_atomic_int_inc (&server->tls_requests);
      else
        g_atomic_int_inc (&server->plain_starts);
      g_socket_send (client, "N", 1, NULL, NULL);
      g_socket_close (client, NULL);
    }
  return NULL;
}

static FakeServer *
fake_server_start (void)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  server->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (server->socket, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (server->socket, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (server->socket, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->thread = g_thread_new ("fake-server", fake_server_run, server);
  return server;
}

static void
fake_server_stop (FakeServer *server)
{
  g_socket_shutdown (server->socket, TRUE, TRUE, NULL);
  g_socket_close (server->socket, NULL);
  g_thread_join (server->thread);
  g_object_unref (server->socket);
  g_free (server);
}

/* Opening @location reaches @server, asks it for TLS first and, told
 * there is none, gives up without sending anything in the clear. */
static void
assert_only_over_tls (FakeServer *server,
                      const char *location)
{
  g_autoptr(GError) error = NULL;
  CtStore *store;
  guint before = g_atomic_int_get (&server->tls_requests);

  store = ct_store_open_sync (location, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  if (g_atomic_int_get (&server->plain_starts) != 0)
    g_error ("“%s” (PGHOST=%s) spoke to another computer without TLS", location, g_getenv ("PGHOST"));
  g_assert_cmpuint (g_atomic_int_get (&server->tls_requests), >, before);
}

/* A server on another computer is reached only over TLS with its
 * certificate checked, however the address names it and whatever libpq's
 * environment asks for. */
static void
test_tls_to_other_computers (void)
{
  FakeServer *server = fake_server_start ();
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  g_autofree char *by_host = g_strdup_printf ("postgresql://127.0.0.2:%s/caretrail?user=dana", port);
  g_autofree char *by_hostaddr = g_strdup_printf ("postgresql:///caretrail?hostaddr=127.0.0.2&port=%s&user=dana", port);
  g_autofree char *plain = g_strdup_printf ("host=127.0.0.2 port=%s dbname=caretrail user=dana sslmode=disable", port);
  PGconn *conn;

  /* The fake server tells a plain start-up from a request for TLS. */
  conn = PQconnectdb (plain);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_BAD);
  PQfinish (conn);
  g_assert_cmpuint (g_atomic_int_get (&server->plain_starts), ==, 1);
  g_atomic_int_set (&server->plain_starts, 0);

  g_setenv ("PGSSLMODE", "disable", TRUE);
  assert_only_over_tls (server, by_host);
  assert_only_over_tls (server, by_hostaddr);

  /* No host in the address: libpq would take it from PGHOST. */
  g_setenv ("PGHOST", "127.0.0.2", TRUE);
  g_setenv ("PGPORT", port, TRUE);
  assert_only_over_tls (server, "postgresql:///caretrail?user=dana");
  g_unsetenv ("PGHOST");
  g_setenv ("PGHOSTADDR", "127.0.0.2", TRUE);
  assert_only_over_tls (server, "postgresql:///caretrail?user=dana");

  g_unsetenv ("PGHOSTADDR");
  g_unsetenv ("PGPORT");
  g_unsetenv ("PGSSLMODE");
  fake_server_stop (server);
}

typedef struct
{
  CtStore *store;
  const char *prefix;
  guint n;
} Writer;

static gpointer
write_many (gpointer data)
{
  Writer *writer = data;

  for (guint i = 0; i < writer->n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", writer->prefix, i);

      insert_staff (writer->store, name);
    }
  return NULL;
}

/* Two connections (two stores, as on two desktops) appending at once: the
 * row lock on the chain's head puts their transactions one after
 * another, so the audit chain stays one line and nothing is lost. */
static void
test_concurrent_appends (void)
{
  g_autofree char *location = make_database ("ct_concurrent");
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStoreStatus) status = NULL;
  CtStore *first = create_store (location);
  CtStore *second = ct_store_open_sync (location, &error);
  Writer a = { first, "Desk A", 40 };
  Writer b = { second, "Desk B", 40 };
  GThread *ta, *tb;
  gint64 entries_before;

  g_assert_no_error (error);
  status = ct_store_get_status_sync (first, &error);
  g_assert_no_error (error);
  entries_before = status->audit_entries;

  ta = g_thread_new ("desk-a", write_many, &a);
  tb = g_thread_new ("desk-b", write_many, &b);
  g_thread_join (ta);
  g_thread_join (tb);

  g_assert_cmpuint (count_staff (first), ==, 80);
  assert_intact (first, 80);
  assert_intact (second, 80);
  g_clear_pointer (&status, ct_store_status_free);
  status = ct_store_get_status_sync (second, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->audit_entries, ==, entries_before + 80);

  close_store (first);
  close_store (second);
}

/* A server restart between two changes: the next change reconnects. */
static void
test_restart_reconnects (void)
{
  g_autofree char *location = make_database ("ct_restart");
  CtStore *store = create_store (location);

  insert_staff (store, "Before Restart");
  restart_server ();
  insert_staff (store, "After Restart");
  g_assert_cmpuint (count_staff (store), ==, 2);
  assert_intact (store, 2);
  close_store (store);
}

static gboolean
insert_across_restart_cb (CtStoreTransaction  *txn,
                          gpointer             user_data,
                          GError             **error)
{
  g_autoptr(CtRecord) first = new_staff ("First Half");
  g_autoptr(CtRecord) second = new_staff ("Second Half");

  if (!ct_store_transaction_insert (txn, "test", first, error))
    return FALSE;
  restart_server ();
  return ct_store_transaction_insert (txn, "test", second, error);
}

/* A restart in the middle of a change fails the change as a whole, with
 * a sentence saying so; nothing of it is kept, and the next change
 * reconnects. */
static void
test_restart_mid_transaction (void)
{
  g_autofree char *location = make_database ("ct_restart_txn");
  g_autoptr(GError) error = NULL;
  CtStore *store = create_store (location);

  insert_staff (store, "Kept");
  g_assert_false (ct_store_run_transaction_sync (store, insert_across_restart_cb, NULL, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "none of the change was saved"));

  g_assert_cmpuint (count_staff (store), ==, 1);
  insert_staff (store, "Afterwards");
  g_assert_cmpuint (count_staff (store), ==, 2);
  assert_intact (store, 2);
  close_store (store);
}

static void
on_changed_elsewhere_cb (CtStore *store,
                         gpointer user_data)
{
  guint *heard = user_data;

  (*heard)++;
}

/* Runs the main context until *@count is above zero, failing the test
 * after a minute. */
static void
iterate_until_heard (const guint *count)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*count == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (G_USEC_PER_SEC / 100);
    }
}

/* Waits until @listener's watch listens: once connected, it reports a
 * change, as it cannot know what was written before it listened. */
static void
wait_until_listening (CtStore *listener)
{
  guint heard = 0;
  gulong handler = g_signal_connect (listener, "changed-elsewhere",
                                     G_CALLBACK (on_changed_elsewhere_cb), &heard);

  iterate_until_heard (&heard);
  g_signal_handler_disconnect (listener, handler);
}

/* One write on @writer is heard by @listener, whose watch listens. */
static void
assert_heard (CtStore    *writer,
              CtStore    *listener,
              const char *name)
{
  guint heard = 0;
  gulong handler = g_signal_connect (listener, "changed-elsewhere",
                                     G_CALLBACK (on_changed_elsewhere_cb), &heard);

  insert_staff (writer, name);
  iterate_until_heard (&heard);
  g_signal_handler_disconnect (listener, handler);
}

/* Two desks on one server: a change on either is heard by the other. */
static void
test_changed_elsewhere (void)
{
  g_autofree char *location = make_database ("ct_changed_elsewhere");
  g_autoptr(GError) error = NULL;
  CtStore *first = create_store (location);
  CtStore *second = ct_store_open_sync (location, &error);

  g_assert_no_error (error);
  wait_until_listening (first);
  wait_until_listening (second);
  assert_heard (first, second, "Written On A");
  assert_heard (second, first, "Written On B");

  close_store (first);
  close_store (second);
}

typedef struct
{
  guint heard;
  GThread *thread;
} Hearing;

static void
on_heard_where_cb (CtStore  *store,
                   gpointer  user_data)
{
  Hearing *hearing = user_data;

  hearing->heard++;
  hearing->thread = g_thread_self ();
}

/* How many connections to @dbname are listening for changes. */
static guint
count_listeners (const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s user=%s dbname=postgres", socket_dir, superuser);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE datname = '%s'"
                                          " AND query = 'LISTEN " CT_PG_CHANGED_CHANNEL "'", dbname);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;
  guint n;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  n = (guint) g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (conn);
  return n;
}

/* After the server restarts, the watch connects again on a thread of its
 * own and, as changes may have gone unheard meanwhile, says so: on the
 * store's main context, even while nobody is running that context at the
 * moment the connection is made (here: the test, not iterating). */
static void
test_changed_elsewhere_after_restart (void)
{
  g_autofree char *location = make_database ("ct_heard_after_restart");
  g_autoptr(GError) error = NULL;
  CtStore *first = create_store (location);
  CtStore *second = ct_store_open_sync (location, &error);
  Hearing hearing = { 0 };
  gulong handler;
  gint64 deadline;

  g_assert_no_error (error);
  wait_until_listening (second);
  assert_heard (first, second, "Before The Restart");

  handler = g_signal_connect (second, "changed-elsewhere", G_CALLBACK (on_heard_where_cb), &hearing);
  restart_server ();

  /* The context runs until the watch has seen its connection drop and
   * started to connect again, which it does after a pause. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (count_listeners ("ct_heard_after_restart") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  /* Listening again; the connection is being handed over. The context
   * is left alone for a while, so a handover on the connecting thread
   * would show. */
  g_usleep (G_USEC_PER_SEC / 2);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (hearing.heard == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  g_assert_true (hearing.thread == g_thread_self ());

  g_signal_handler_disconnect (second, handler);
  close_store (first);
  close_store (second);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  require_private_session ();

  socket_dir = g_getenv ("CARETRAIL_TEST_PG_SOCKET");
  superuser = g_getenv ("CARETRAIL_TEST_PG_USER");
  restart_command = g_getenv ("CARETRAIL_TEST_PG_RESTART");
  if (socket_dir == NULL || superuser == NULL || restart_command == NULL)
    {
      g_printerr ("Run this test with tests/pg-run.sh, which starts a PostgreSQL cluster for it.\n");
      return 77;
    }

  g_test_add_func ("/store/pg/round-trip", test_round_trip);
  g_test_add_func ("/store/pg/last-reference", test_last_reference);
  g_test_add_func ("/store/pg/refused-addresses", test_refused_addresses);
  g_test_add_func ("/store/pg/tls-to-other-computers", test_tls_to_other_computers);
  g_test_add_func ("/store/pg/concurrent-appends", test_concurrent_appends);
  g_test_add_func ("/store/pg/restart-reconnects", test_restart_reconnects);
  g_test_add_func ("/store/pg/restart-mid-transaction", test_restart_mid_transaction);
  g_test_add_func ("/store/pg/changed-elsewhere", test_changed_elsewhere);
  g_test_add_func ("/store/pg/changed-elsewhere-after-restart", test_changed_elsewhere_after_restart);
  return g_test_run ();
}

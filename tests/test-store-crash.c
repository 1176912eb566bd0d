/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-crash"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-store.h"
#include "test-store-util.h"

/*
 * Crash safety: a child process writes records as fast as it can and is
 * killed with SIGKILL at a random moment, many times over. After every
 * kill the database must open, pass the integrity check, the audit chain
 * and the authentication of every ciphertext, and hold every record whose
 * transaction the child saw commit.
 */

#define DEFAULT_ROUNDS 30

typedef struct
{
  guint n;
  char *case_id;
  char *concern_id;
} ChildBatch;

static gboolean
child_write (CtStoreTransaction  *txn,
             gpointer             user_data,
             GError             **error)
{
  ChildBatch *batch = user_data;
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autofree char *text = g_strdup_printf ("concern number %u", batch->n);

  ct_record_set_state (case_record, "concern-recorded");
  ct_record_set_case_id (child, ct_record_get_id (case_record));
  ct_record_set_string (child, "given-names", "Crash");
  ct_record_set_string (child, "family-name", text);
  ct_record_set_case_id (concern, ct_record_get_id (case_record));
  ct_record_set_string (concern, "what", text);

  if (!ct_store_transaction_insert (txn, "crash-writer", case_record, error) ||
      !ct_store_transaction_insert (txn, "crash-writer", child, error) ||
      !ct_store_transaction_insert (txn, "crash-writer", concern, error))
    return FALSE;

  /* A correction too, so the history table is written under fire. */
  ct_record_set_string (concern, "what", "corrected");
  if (!ct_store_transaction_update (txn, "crash-writer", concern, error))
    return FALSE;

  g_free (batch->case_id);
  g_free (batch->concern_id);
  batch->case_id = g_strdup (ct_record_get_id (case_record));
  batch->concern_id = g_strdup (ct_record_get_id (concern));
  return TRUE;
}

/* The child: write until killed, printing each committed case. */
static int
run_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = ct_store_open_sync (path, &error);
  ChildBatch batch = { 0 };

  if (store == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }

  /* Tell the parent the store is open, so that it can aim its kill at the
   * writing rather than at a slow start (sanitizer builds start slowly). */
  printf ("ready\n");
  fflush (stdout);

  for (batch.n = 0;; batch.n++)
    {
      if (!ct_store_run_transaction_sync (store, child_write, &batch, &error))
        {
          g_printerr ("writer: %s\n", error->message);
          return 1;
        }
      /* Only now is the transaction known to be committed. */
      printf ("%s %s\n", batch.case_id, batch.concern_id);
      fflush (stdout);
    }
}

/* Whether the writer has said "ready" and then reported a commit. */
static gboolean
has_committed (GString *output)
{
  const char *ready = strstr (output->str, "ready\n");

  return ready != NULL && strchr (ready + strlen ("ready\n"), '\n') != NULL;
}

/* Reads the writer's output into @output until it has opened the store
 * and committed its first transaction, or fails the test after a minute.
 * How long that takes depends on the machine (and on a sanitizer build)
 * alone, so the kill that follows is timed from it. */
static void
wait_for_first_commit (int      fd,
                       GString *output)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!has_committed (output))
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      char buf[4096];
      ssize_t n;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (fd, buf, sizeof buf);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (output, buf, n);
    }
}

static void
test_crash_sigkill (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-crash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr(GHashTable) committed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(CtStore) created = NULL;
  const char *rounds_env = g_getenv ("CT_CRASH_ROUNDS");
  guint rounds = rounds_env != NULL ? (guint) atoi (rounds_env) : DEFAULT_ROUNDS;
  guint kills_mid_write = 0;

  created = ct_store_create_sync (path, NULL, &error);
  g_assert_no_error (error);
  ct_store_close (created);

  for (guint round = 0; round < rounds; round++)
    {
      const char *argv[] = { g_test_get_filename (G_TEST_BUILT, "test-store-crash", NULL),
                             "--writer", path, NULL };
      g_autoptr(GString) output = g_string_new (NULL);
      g_autoptr(CtStore) store = NULL;
      g_auto(GStrv) lines = NULL;
      CtStoreVerifyStats stats;
      GPid pid;
      int out_fd;
      int status;
      char buf[4096];
      ssize_t n;
      guint before = g_hash_table_size (committed);

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);

      /* Kill at a random point: one round in five while it opens, the
       * others at a random moment once it is writing. */
      if (round % 5 == 0)
        g_usleep (g_random_int_range (1, 50) * 1000);
      else
        {
          wait_for_first_commit (out_fd, output);
          g_usleep (g_random_int_range (0, 300) * 1000);
        }
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);
      g_assert_true (WIFSIGNALED (status));

      while ((n = read (out_fd, buf, sizeof buf)) > 0)
        g_string_append_len (output, buf, n);
      close (out_fd);

      /* Only whole lines were surely committed. */
      lines = g_strsplit (output->str, "\n", -1);
      for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
        {
          g_auto(GStrv) ids = NULL;

          if (g_str_equal (lines[i], "ready"))
            continue;
          ids = g_strsplit (lines[i], " ", 2);

          g_assert_cmpuint (g_strv_length (ids), ==, 2);
          g_hash_table_insert (committed, g_strdup (ids[0]), g_strdup (ids[1]));
        }
      if (g_hash_table_size (committed) > before)
        kills_mid_write++;

      store = ct_store_open_sync (path, &error);
      g_assert_no_error (error);
      g_assert_true (ct_store_verify_sync (store, &stats, &error));
      g_assert_no_error (error);

      {
        g_autoptr(GPtrArray) cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
        g_autoptr(GPtrArray) concerns = ct_store_list_sync (store, CT_RECORD_KIND_CONCERN, NULL, &error);
        g_autoptr(GPtrArray) history = ct_store_list_history_sync (store, CT_RECORD_KIND_CONCERN, NULL, &error);
        g_autoptr(GHashTable) stored_cases = g_hash_table_new (g_str_hash, g_str_equal);
        g_autoptr(GHashTable) stored_concerns = g_hash_table_new (g_str_hash, g_str_equal);
        g_autoptr(GHashTable) corrected = g_hash_table_new (g_str_hash, g_str_equal);
        GHashTableIter iter;
        gpointer case_id, concern_id;

        g_assert_no_error (error);
        for (guint i = 0; i < cases->len; i++)
          {
            CtRecord *record = g_ptr_array_index (cases, i);

            g_assert_cmpstr (ct_record_get_state (record), ==, "concern-recorded");
            g_hash_table_add (stored_cases, (gpointer) ct_record_get_id (record));
          }
        for (guint i = 0; i < concerns->len; i++)
          {
            CtRecord *record = g_ptr_array_index (concerns, i);

            /* Each transaction inserts and corrects its concern: a
             * concern is never seen half-way. */
            g_assert_cmpstr (ct_record_get_string (record, "what"), ==, "corrected");
            g_hash_table_add (stored_concerns, (gpointer) ct_record_get_id (record));
          }
        for (guint i = 0; i < history->len; i++)
          g_hash_table_add (corrected, (gpointer) ct_record_get_id (g_ptr_array_index (history, i)));
        g_assert_cmpuint (history->len, ==, concerns->len);

        g_hash_table_iter_init (&iter, committed);
        while (g_hash_table_iter_next (&iter, &case_id, &concern_id))
          {
            g_assert_true (g_hash_table_contains (stored_cases, case_id));
            g_assert_true (g_hash_table_contains (stored_concerns, concern_id));
            g_assert_true (g_hash_table_contains (corrected, concern_id));
          }
      }

      g_test_message ("round %u: %u committed cases so far, %" G_GINT64_FORMAT " records verified",
                      round, g_hash_table_size (committed), stats.records);
      ct_store_close (store);
    }

  /* The test must have killed writers in the middle of their work. */
  g_assert_cmpuint (kills_mid_write, >, rounds / 4);
  g_assert_cmpuint (g_hash_table_size (committed), >, 0);

  remove_tree (dir);
}

/* The child for the full-disk test: the file size limit stands in for a
 * full disk. Writes until the store refuses, then says how. */
static int
run_filler (const char *path,
            const char *limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) after = NULL;
  struct rlimit rl;
  ChildBatch batch = { 0 };

  rl.rlim_cur = rl.rlim_max = (rlim_t) g_ascii_strtoull (limit, NULL, 10);
  signal (SIGXFSZ, SIG_IGN);
  if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
    return 2;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    {
      printf ("OPEN-FAILED %s\n", ct_store_error_code_to_string (error->code));
      return 0;
    }

  for (batch.n = 0; batch.n < 100000; batch.n++)
    {
      if (!ct_store_run_transaction_sync (store, child_write, &batch, &error))
        break;
      printf ("%s %s\n", batch.case_id, batch.concern_id);
      fflush (stdout);
    }
  if (error == NULL)
    return 3;

  printf ("FAILED %s %s\n", error->domain == CT_STORE_ERROR ? ct_store_error_code_to_string (error->code) : "other",
          error->message);
  g_clear_error (&error);

  /* The store is still usable for reading. */
  after = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  printf ("READ %s\n", after != NULL ? "ok" : error->message);
  fflush (stdout);
  g_free (batch.case_id);
  g_free (batch.concern_id);
  return 0;
}

static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-full-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "full.db", NULL);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) lines = NULL;
  g_autofree char *limit = NULL;
  const char *argv[] = { g_test_get_filename (G_TEST_BUILT, "test-store-crash", NULL),
                         "--filler", path, NULL, NULL };
  guint committed = 0;
  gboolean failed = FALSE, read_ok = FALSE;
  GStatBuf st;
  GPid pid;
  int out_fd, status;
  char buf[4096];
  ssize_t n;

  store = ct_store_create_sync (path, NULL, &error);
  g_assert_no_error (error);
  ct_store_close (store);
  g_clear_object (&store);

  /* Room for a few hundred kilobytes more, no more. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  limit = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) st.st_size + 400 * 1024);
  argv[3] = limit;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  while ((n = read (out_fd, buf, sizeof buf)) > 0)
    g_string_append_len (output, buf, n);
  close (out_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  g_assert_true (ct_store_verify_sync (store, NULL, &error));
  g_assert_no_error (error);
  cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    g_hash_table_add (stored, (gpointer) ct_record_get_id (g_ptr_array_index (cases, i)));

  lines = g_strsplit (output->str, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "FAILED "))
        {
          /* The write was refused with its own error, not a crash. */
          g_test_message ("%s", lines[i]);
          g_assert_true (g_str_has_prefix (lines[i], "FAILED disk-full ") ||
                         g_str_has_prefix (lines[i], "FAILED io "));
          failed = TRUE;
        }
      else if (g_str_has_prefix (lines[i], "READ "))
        {
          g_assert_cmpstr (lines[i], ==, "READ ok");
          read_ok = TRUE;
        }
      else if (*lines[i] != '\0')
        {
          g_auto(GStrv) ids = g_strsplit (lines[i], " ", 2);

          g_assert_true (g_hash_table_contains (stored, ids[0]));
          committed++;
        }
    }

  g_assert_true (failed);
  g_assert_true (read_ok);
  g_assert_cmpuint (committed, >, 0);
  g_assert_cmpuint (cases->len, ==, committed);
  ct_store_close (store);
  remove_tree (dir);
}

/* Several processes write to one database at once, as the app and
 * caretrail-admin may; all are killed mid-write. The audit chain stays
 * whole and every committed record is there. */
static void
test_concurrent_writers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ct-conc-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shared.db", NULL);
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  const char *argv[] = { g_test_get_filename (G_TEST_BUILT, "test-store-crash", NULL),
                         "--writer", path, NULL };
  enum { N_WRITERS = 3 };
  GPid pids[N_WRITERS];
  int fds[N_WRITERS];
  GString *outputs[N_WRITERS];
  guint committed = 0;
  CtStoreVerifyStats stats;
  gint64 deadline;

  store = ct_store_create_sync (path, NULL, &error);
  g_assert_no_error (error);
  ct_store_close (store);
  g_clear_object (&store);

  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pids[i], NULL, &fds[i], NULL, &error);
      g_assert_no_error (error);
    }

  /* Killed once every writer has committed (however long the machine
   * takes to start three of them), at a random moment after that. */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  for (guint i = 0; i < N_WRITERS; i++)
    outputs[i] = g_string_new (NULL);
  for (guint i = 0; i < N_WRITERS; i++)
    {
      while (!has_committed (outputs[i]))
        {
          struct pollfd pfds[N_WRITERS];
          char buf[4096];

          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          /* All are read, so none blocks on a full pipe meanwhile. */
          for (guint j = 0; j < N_WRITERS; j++)
            pfds[j] = (struct pollfd) { fds[j], POLLIN, 0 };
          if (poll (pfds, N_WRITERS, 100) <= 0)
            continue;
          for (guint j = 0; j < N_WRITERS; j++)
            if (pfds[j].revents & (POLLIN | POLLHUP))
              {
                ssize_t n = read (fds[j], buf, sizeof buf);

                /* A writer that ended before it was killed failed. */
                g_assert_cmpint (n, >, 0);
                g_string_append_len (outputs[j], buf, n);
              }
        }
    }
  g_usleep (g_random_int_range (0, 500) * 1000);
  for (guint i = 0; i < N_WRITERS; i++)
    kill (pids[i], SIGKILL);

  store = ct_store_open_sync (path, &error);
  g_assert_no_error (error);
  g_assert_true (ct_store_verify_sync (store, &stats, &error));
  g_assert_no_error (error);
  cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < cases->len; i++)
    g_hash_table_add (stored, (gpointer) ct_record_get_id (g_ptr_array_index (cases, i)));

  for (guint i = 0; i < N_WRITERS; i++)
    {
      g_autoptr(GString) output = outputs[i];
      g_auto(GStrv) lines = NULL;
      guint mine = 0;
      char buf[4096];
      ssize_t n;
      int status;

      g_assert_cmpint (waitpid (pids[i], &status, 0), ==, pids[i]);
      g_spawn_close_pid (pids[i]);
      while ((n = read (fds[i], buf, sizeof buf)) > 0)
        g_string_append_len (output, buf, n);
      close (fds[i]);

      lines = g_strsplit (output->str, "\n", -1);
      for (guint j = 0; lines[j] != NULL && lines[j + 1] != NULL; j++)
        {
          g_auto(GStrv) ids = NULL;

          if (g_str_equal (lines[j], "ready"))
            continue;
          ids = g_strsplit (lines[j], " ", 2);
          g_assert_true (g_hash_table_contains (stored, ids[0]));
          mine++;
        }
      /* Every writer got its turn. */
      g_assert_cmpuint (mine, >, 0);
      committed += mine;
    }

  g_test_message ("%u cases committed by %d writers; %" G_GINT64_FORMAT " audit entries verified",
                  committed, N_WRITERS, stats.audit_entries);
  g_assert_cmpuint (cases->len, >=, committed);
  ct_store_close (store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "--filler"))
    return run_filler (argv[2], argv[3]);

  require_private_session ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/crash/sigkill", test_crash_sigkill);
  g_test_add_func ("/store/crash/disk-full", test_disk_full);
  g_test_add_func ("/store/crash/concurrent-writers", test_concurrent_writers);
  return g_test_run ();
}

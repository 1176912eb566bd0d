/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-store"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-admin-commands.h"
#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-procedure.h"
#include "ct-store.h"

/*
 * caretrail-admin commands that look after the database: init, status,
 * verify, backup, restore, recover, cases and demo. Each takes
 * --database PATH (default: the app's own database).
 */

#define ADMIN_STAFF "caretrail-admin"

static char *database_option;

static const GOptionEntry database_entries[] = {
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database_option,
    N_("The database to use (default: the app’s own database)"), N_("PATH") },
  { NULL }
};

/* Parses a command's options; returns the database path, or NULL with
 * *status set to the exit status to return. */
static char *
parse_command (const char          *command,
               const char          *parameters,
               const char          *summary,
               const GOptionEntry  *extra,
               int                 *argc,
               char              ***argv,
               int                 *status)
{
  g_autoptr(GOptionContext) context = NULL;

  g_clear_pointer (&database_option, g_free);
  context = g_option_context_new (parameters);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, database_entries, GETTEXT_PACKAGE);
  if (extra != NULL)
    g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);

  *status = ct_admin_parse_options (context, command, argc, argv);
  if (*status != 0)
    return NULL;

  return database_option != NULL ? g_strdup (database_option) : ct_store_get_default_path ();
}

static int
fail (const char   *command,
      const GError *error)
{
  ct_admin_print_error (command, error);
  return 1;
}

static int
usage_error (const char *command,
             const char *message)
{
  g_printerr ("caretrail-admin %s: %s\n", command, message);
  g_printerr (_("Run “caretrail-admin %s --help” to see its options.\n"), command);
  return 2;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (usec <= 0)
    return g_strdup ("-");

  utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* init {{{ */

int
ct_admin_cmd_init (int    argc,
                   char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  char *code = NULL;
  int status;

  path = parse_command ("init", NULL,
                        _("Create a new encrypted database, put its key in the keyring and print its recovery code."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_create_sync (path, &code, &error);
  if (store == NULL)
    return fail ("init", error);

  g_print (_("Created the Caretrail database %s\n"), path);
  g_print (_("Its key is in your keyring.\n\n"));
  g_print (_("Recovery code (shown only this once):\n\n    %s\n\n"), code);
  g_print ("%s\n", _("Write it down or print it, and keep it locked away, apart from the computer. "
                     "With it the database can be opened on another computer or after the keyring is lost "
                     "(“caretrail-admin recover”). Without it, a lost keyring means lost records."));
  ct_crypto_free_string (code);
  ct_store_close (store);
  return 0;
}

/* }}} */

/* status {{{ */

int
ct_admin_cmd_status (int    argc,
                     char **argv)
{
  g_autofree char *path = NULL;
  g_autofree char *uuid = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) peek_error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtStoreStatus) st = NULL;
  gint64 schema = 0;
  int status;

  path = parse_command ("status", NULL,
                        _("Show the database’s path, schema version, record counts, keyring state and audit head."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    {
      /* Say as much as can be known without the key. */
      g_print (_("Database:        %s\n"), path);
      if (ct_store_peek_sync (path, &uuid, &schema, &peek_error))
        {
          g_print (_("Database id:     %s\n"), uuid);
          g_print (_("Schema version:  %" G_GINT64_FORMAT "\n"), schema);
          g_print (_("Keyring:         %s\n"), ct_keyring_state_to_string (ct_keyring_get_state (uuid)));
        }
      return fail ("status", error);
    }

  st = ct_store_get_status_sync (store, &error);
  if (st == NULL)
    return fail ("status", error);

  g_print (_("Database:        %s\n"), st->path);
  g_print (_("Database id:     %s\n"), st->database_uuid);
  g_print (_("Schema version:  %" G_GINT64_FORMAT " (this version of Caretrail: %" G_GINT64_FORMAT ")\n"),
           st->schema_version, st->latest_schema_version);
  g_print (_("Keyring:         %s\n"), ct_keyring_state_to_string (st->keyring_state));
  if (st->audit_head != NULL)
    {
      g_autofree char *when = format_time (st->audit_head_at);

      g_print (_("Audit log:       %" G_GINT64_FORMAT " entries, last at %s, head %s\n"),
               st->audit_entries, when, st->audit_head);
    }
  else
    g_print (_("Audit log:       empty\n"));
  g_print (_("Records:\n"));
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    g_print ("  %-14s %" G_GINT64_FORMAT "\n", ct_record_kind_to_string (kind), st->counts[kind]);

  ct_store_close (store);
  return 0;
}

/* }}} */

/* verify {{{ */

int
ct_admin_cmd_verify (int    argc,
                     char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  CtStoreVerifyStats stats = { 0 };
  int status;

  path = parse_command ("verify", NULL,
                        _("Check the file’s integrity, the audit chain and every encrypted value."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return fail ("verify", error);

  if (!ct_store_verify_sync (store, &stats, &error))
    return fail ("verify", error);

  g_print (_("%s is intact.\n"), path);
  g_print (_("Checked: the file’s integrity; %" G_GINT64_FORMAT " audit entries; %" G_GINT64_FORMAT " case keys; "
             "%" G_GINT64_FORMAT " records and %" G_GINT64_FORMAT " earlier versions, each authenticated.\n"),
           stats.audit_entries, stats.case_keys, stats.records, stats.history);
  ct_store_close (store);
  return 0;
}

/* }}} */

/* backup and restore {{{ */

int
ct_admin_cmd_backup (int    argc,
                     char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  int status;

  path = parse_command ("backup", _("FILE"),
                        _("Copy the database, while it is in use, to FILE. The copy stays encrypted."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (argc != 2)
    return usage_error ("backup", _("Name the backup file, once."));

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return fail ("backup", error);

  if (!ct_store_backup_sync (store, argv[1], &error))
    return fail ("backup", error);

  g_print (_("Backed up %s to %s\n"), path, argv[1]);
  ct_store_close (store);
  return 0;
}

int
ct_admin_cmd_restore (int    argc,
                      char **argv)
{
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  path = parse_command ("restore", _("FILE"),
                        _("Verify the backup FILE, keep the current database aside, and put the backup in its place."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (argc != 2)
    return usage_error ("restore", _("Name the backup file, once."));

  if (!ct_store_restore_sync (path, argv[1], &saved, &error))
    return fail ("restore", error);

  g_print (_("Restored %s from %s\n"), path, argv[1]);
  if (saved != NULL)
    g_print (_("The database it replaced is kept as %s\n"), saved);
  return 0;
}

/* }}} */

/* recover {{{ */

int
ct_admin_cmd_recover (int    argc,
                      char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char line[256];
  gboolean ok;
  int status;

  path = parse_command ("recover", NULL,
                        _("Read the recovery code from standard input and put the database’s key back in the keyring."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (isatty (STDIN_FILENO))
    g_printerr ("%s", _("Recovery code: "));

  if (fgets (line, sizeof line, stdin) == NULL)
    {
      ct_crypto_wipe (line, sizeof line);
      return usage_error ("recover", _("No recovery code was given on standard input."));
    }

  ok = ct_store_recover_sync (path, line, &error);
  ct_crypto_wipe (line, sizeof line);
  if (!ok)
    return fail ("recover", error);

  g_print (_("The key of %s is back in the keyring. Caretrail can open the database again.\n"), path);
  return 0;
}

/* }}} */

/* cases {{{ */

static int
compare_references (gconstpointer a,
                    gconstpointer b)
{
  CtRecord *ra = *(CtRecord **)a;
  CtRecord *rb = *(CtRecord **)b;

  return g_strcmp0 (ct_record_get_reference (ra), ct_record_get_reference (rb));
}

int
ct_admin_cmd_cases (int    argc,
                    char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autoptr(GHashTable) next_due = NULL;
  int status;

  path = parse_command ("cases", NULL,
                        _("List the cases: reference, state and when the next step is due."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return fail ("cases", error);

  cases = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  if (cases != NULL)
    tasks = ct_store_list_sync (store, CT_RECORD_KIND_TASK, NULL, &error);
  if (cases == NULL || tasks == NULL)
    return fail ("cases", error);

  /* The next due time is the earliest of the case's own and its open
   * tasks'. */
  next_due = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < tasks->len; i++)
    {
      CtRecord *task = g_ptr_array_index (tasks, i);
      gint64 due = ct_record_get_due_at (task);
      const char *case_id = ct_record_get_case_id (task);
      gint64 current;

      if (due <= 0 || case_id == NULL || ct_record_get_boolean (task, "done", FALSE))
        continue;
      current = GPOINTER_TO_SIZE (g_hash_table_lookup (next_due, case_id));
      if (sizeof (gpointer) >= sizeof (gint64) && (current == 0 || due < current))
        g_hash_table_insert (next_due, (gpointer) case_id, GSIZE_TO_POINTER ((gsize) due));
    }

  g_ptr_array_sort (cases, compare_references);
  g_print ("%-16s %-22s %s\n", _("REFERENCE"), _("STATE"), _("NEXT DUE"));
  for (guint i = 0; i < cases->len; i++)
    {
      CtRecord *record = g_ptr_array_index (cases, i);
      gint64 due = ct_record_get_due_at (record);
      gint64 task_due = GPOINTER_TO_SIZE (g_hash_table_lookup (next_due, ct_record_get_id (record)));
      g_autofree char *when = NULL;

      if (task_due > 0 && (due <= 0 || task_due < due))
        due = task_due;
      when = format_time (due);
      g_print ("%-16s %-22s %s\n",
               ct_record_get_reference (record) != NULL ? ct_record_get_reference (record) : "-",
               ct_record_get_state (record) != NULL ? ct_record_get_state (record) : "-",
               when);
    }

  ct_store_close (store);
  return 0;
}

/* }}} */

/* demo {{{ */

static const char *demo_given[] = {
  "Pip", "Wren", "Juniper", "Ottoline", "Barnaby", "Clementine", "Rafferty", "Marigold",
  "Tobias", "Primrose", "Jasper", "Hazel", "Florian", "Saffron", "Linus", "Bramble",
};

static const char *demo_family[] = {
  "Exampleton", "Sampleworth", "Fictionby", "Placeholder", "Demoford", "Testbridge",
  "Mockley", "Madeupshire",
};

typedef struct
{
  guint first;
  guint count;
  const char *org_id;
  const char *staff_id;
  const char *mash_id;
  gint64 now;
  GRand *rand;
} DemoBatch;

static void
mark_demo (CtRecord *record)
{
  ct_record_set_boolean (record, "demo", TRUE);
}

static gboolean
insert_demo_case (CtStoreTransaction  *txn,
                  DemoBatch           *batch,
                  guint                n,
                  GError             **error)
{
  g_autoptr(CtRecord) case_record = ct_record_new (CT_RECORD_KIND_CASE);
  g_autoptr(CtRecord) child = ct_record_new (CT_RECORD_KIND_CHILD);
  g_autoptr(CtRecord) parent = ct_record_new (CT_RECORD_KIND_PERSON);
  g_autoptr(CtRecord) relationship = ct_record_new (CT_RECORD_KIND_RELATIONSHIP);
  g_autoptr(CtRecord) concern = ct_record_new (CT_RECORD_KIND_CONCERN);
  g_autoptr(CtRecord) chronology = ct_record_new (CT_RECORD_KIND_CHRONOLOGY);
  g_autofree char *reference = g_strdup_printf ("CT-DEMO-%05u", n);
  g_autofree char *dob = NULL;
  const char *given = demo_given[n % G_N_ELEMENTS (demo_given)];
  const char *family = demo_family[(n / G_N_ELEMENTS (demo_given)) % G_N_ELEMENTS (demo_family)];
  /* Spread the cases over every stage after "new". */
  CtState state = CT_STATE_CONCERN_RECORDED + n % (CT_N_STATES - CT_STATE_CONCERN_RECORDED);
  const char *state_name = ct_state_to_string (state);
  const char *case_id = ct_record_get_id (case_record);
  const char *child_ids[2] = { ct_record_get_id (child), NULL };
  gint64 raised_at = batch->now - (gint64) g_rand_int_range (batch->rand, 1, 90 * 24) * (gint64) G_USEC_PER_SEC * 3600;
  gboolean closed = state == CT_STATE_CLOSED || state == CT_STATE_CLOSED_NFA;
  gboolean allegation = state == CT_STATE_ALLEGATION_REPORTED || state == CT_STATE_LADO_DUE ||
                        state == CT_STATE_ALLEGATION_MANAGED;

  dob = g_strdup_printf ("%04d-%02d-%02d", 2010 + (int)(n % 14), 1 + (int)(n % 12), 1 + (int)(n % 28));

  ct_record_set_reference (case_record, reference);
  ct_record_set_state (case_record, state_name);
  if (!closed)
    ct_record_set_due_at (case_record, batch->now + (gint64) g_rand_int_range (batch->rand, -48, 24 * 7) * (gint64) G_USEC_PER_SEC * 3600);
  ct_record_set_string (case_record, "title", "Fictional demonstration case");
  ct_record_set_strv (case_record, "child-ids", child_ids);
  ct_record_set_string (case_record, "summary", "Sample record made by caretrail-admin demo. None of these people exist.");
  ct_record_set_string (case_record, "pathway", allegation ? "allegation" : "child-protection");
  if (closed)
    ct_record_set_string (case_record, "closed-reason", "Demonstration: no further action needed.");
  mark_demo (case_record);
  if (!ct_store_transaction_insert (txn, batch->staff_id, case_record, error))
    return FALSE;

  ct_record_set_case_id (child, case_id);
  ct_record_set_string (child, "given-names", given);
  ct_record_set_string (child, "family-name", family);
  ct_record_set_string (child, "date-of-birth", dob);
  ct_record_set_string (child, "gender", n % 2 ? "female" : "male");
  ct_record_set_string (child, "address", "1 Imaginary Lane, Nowhere Town, ZZ99 9ZZ");
  ct_record_set_string (child, "area", "Demonstration Borough");
  ct_record_set_string (child, "school", "Pretend Primary School");
  ct_record_set_string (child, "language", "English");
  ct_record_set_boolean (child, "interpreter-needed", FALSE);
  ct_record_set_string (child, "status", "none");
  mark_demo (child);
  if (!ct_store_transaction_insert (txn, batch->staff_id, child, error))
    return FALSE;

  ct_record_set_case_id (parent, case_id);
  ct_record_set_string (parent, "given-names", "Alex");
  ct_record_set_string (parent, "family-name", family);
  ct_record_set_string (parent, "role", "parent");
  ct_record_set_string (parent, "address", "1 Imaginary Lane, Nowhere Town, ZZ99 9ZZ");
  mark_demo (parent);
  if (!ct_store_transaction_insert (txn, batch->staff_id, parent, error))
    return FALSE;

  ct_record_set_case_id (relationship, case_id);
  ct_record_set_string (relationship, "child-id", ct_record_get_id (child));
  ct_record_set_string (relationship, "person-id", ct_record_get_id (parent));
  ct_record_set_string (relationship, "relation", "parent");
  ct_record_set_boolean (relationship, "parental-responsibility", TRUE);
  ct_record_set_boolean (relationship, "primary-carer", TRUE);
  ct_record_set_boolean (relationship, "household-member", TRUE);
  mark_demo (relationship);
  if (!ct_store_transaction_insert (txn, batch->staff_id, relationship, error))
    return FALSE;

  ct_record_set_case_id (concern, case_id);
  ct_record_set_string (concern, "raised-by", batch->staff_id);
  ct_record_set_int64 (concern, "raised-at", raised_at);
  ct_record_set_string (concern, "how", "in-person");
  ct_record_set_string (concern, "what", "Demonstration concern: this text is fictional and describes no real event.");
  ct_record_set_boolean (concern, "immediate-risk", FALSE);
  mark_demo (concern);
  if (!ct_store_transaction_insert (txn, batch->staff_id, concern, error))
    return FALSE;

  ct_record_set_case_id (chronology, case_id);
  ct_record_set_string (chronology, "who", "Demo Worker");
  ct_record_set_string (chronology, "what", "Concern recorded on the reporting form (fictional).");
  ct_record_set_string (chronology, "why", "Demonstration data.");
  ct_record_set_int64 (chronology, "event", raised_at);
  mark_demo (chronology);
  if (!ct_store_transaction_insert (txn, batch->staff_id, chronology, error))
    return FALSE;

  if (state >= CT_STATE_ESCALATED)
    {
      g_autoptr(CtRecord) decision = ct_record_new (CT_RECORD_KIND_DECISION);

      ct_record_set_case_id (decision, case_id);
      ct_record_set_string (decision, "question", "Do concerns remain?");
      ct_record_set_string (decision, "answer", closed ? "no" : "yes");
      ct_record_set_string (decision, "reason", "Fictional reasoning for the demonstration.");
      ct_record_set_string (decision, "decided-by", batch->staff_id);
      mark_demo (decision);
      if (!ct_store_transaction_insert (txn, batch->staff_id, decision, error))
        return FALSE;
    }

  if (state == CT_STATE_CONSULTING)
    {
      g_autoptr(CtRecord) consultation = ct_record_new (CT_RECORD_KIND_CONSULTATION);

      ct_record_set_case_id (consultation, case_id);
      ct_record_set_string (consultation, "with", "nspcc-anonymous");
      ct_record_set_boolean (consultation, "anonymous", TRUE);
      ct_record_set_int64 (consultation, "when", batch->now);
      ct_record_set_string (consultation, "advice", "Fictional advice: keep a close record and review.");
      mark_demo (consultation);
      if (!ct_store_transaction_insert (txn, batch->staff_id, consultation, error))
        return FALSE;
    }

  if (state >= CT_STATE_CONFIRMATION_DUE && state <= CT_STATE_MONITORING)
    {
      g_autoptr(CtRecord) referral = ct_record_new (CT_RECORD_KIND_REFERRAL);
      g_autoptr(CtRecord) sharing = ct_record_new (CT_RECORD_KIND_INFO_SHARING);
      g_autoptr(CtRecord) task = ct_record_new (CT_RECORD_KIND_TASK);

      ct_record_set_case_id (referral, case_id);
      ct_record_set_state (referral, "made");
      ct_record_set_string (referral, "agency-id", batch->mash_id);
      ct_record_set_string (referral, "type", "child-protection");
      ct_record_set_int64 (referral, "made-at", raised_at + (gint64) G_USEC_PER_SEC * 3600);
      ct_record_set_string (referral, "made-how", "phone");
      ct_record_set_string (referral, "parents-consent", "not-sought");
      ct_record_set_string (referral, "consent-reason", "Fictional: would increase risk.");
      mark_demo (referral);
      if (!ct_store_transaction_insert (txn, batch->staff_id, referral, error))
        return FALSE;

      ct_record_set_case_id (sharing, case_id);
      ct_record_set_string (sharing, "what", "Fictional referral details");
      ct_record_set_string (sharing, "with", batch->mash_id);
      ct_record_set_int64 (sharing, "when", raised_at + (gint64) G_USEC_PER_SEC * 3600);
      ct_record_set_string (sharing, "purpose", "Safeguarding referral (demonstration)");
      ct_record_set_string (sharing, "lawful-basis", "Public task (demonstration)");
      ct_record_set_boolean (sharing, "shared", TRUE);
      mark_demo (sharing);
      if (!ct_store_transaction_insert (txn, batch->staff_id, sharing, error))
        return FALSE;

      ct_record_set_case_id (task, case_id);
      ct_record_set_due_at (task, batch->now + (gint64) g_rand_int_range (batch->rand, 1, 72) * (gint64) G_USEC_PER_SEC * 3600);
      ct_record_set_string (task, "title", state == CT_STATE_CONFIRMATION_DUE
                                           ? "Confirm the referral in writing"
                                           : "Chase the local authority's decision");
      ct_record_set_boolean (task, "done", FALSE);
      mark_demo (task);
      if (!ct_store_transaction_insert (txn, batch->staff_id, task, error))
        return FALSE;
    }

  if (state >= CT_STATE_AWAITING_DECISION && state <= CT_STATE_MONITORING)
    {
      g_autoptr(CtRecord) document = ct_record_new (CT_RECORD_KIND_DOCUMENT);
      static const char fake_pdf[] = "%PDF-1.4\n% fictional demonstration document\n%%EOF\n";
      g_autoptr(GBytes) pdf = g_bytes_new_static (fake_pdf, sizeof fake_pdf - 1);
      g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);

      ct_record_set_case_id (document, case_id);
      ct_record_set_string (document, "kind", "referral-confirmation");
      ct_record_set_string (document, "title", "Written confirmation of referral (demonstration)");
      ct_record_set_bytes (document, "pdf", pdf);
      ct_record_set_string (document, "sha256", sha);
      ct_record_set_int64 (document, "sent-at", raised_at + (gint64) G_USEC_PER_SEC * 7200);
      ct_record_set_string (document, "sent-how", "secure-email");
      mark_demo (document);
      if (!ct_store_transaction_insert (txn, batch->staff_id, document, error))
        return FALSE;
    }

  if (allegation)
    {
      g_autoptr(CtRecord) record = ct_record_new (CT_RECORD_KIND_ALLEGATION);

      ct_record_set_case_id (record, case_id);
      ct_record_set_state (record, state_name);
      ct_record_set_string (record, "subject-name", "A. Nonexistent-Worker");
      ct_record_set_string (record, "category", "unsuitability");
      ct_record_set_string (record, "what", "Fictional allegation for the demonstration.");
      ct_record_set_int64 (record, "reported-at", raised_at);
      mark_demo (record);
      if (!ct_store_transaction_insert (txn, batch->staff_id, record, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
insert_demo_batch (CtStoreTransaction  *txn,
                   gpointer             user_data,
                   GError             **error)
{
  DemoBatch *batch = user_data;

  for (guint i = 0; i < batch->count; i++)
    if (!insert_demo_case (txn, batch, batch->first + i, error))
      return FALSE;

  return TRUE;
}

typedef struct
{
  CtRecord *organisation;
  CtRecord *staff;
  CtRecord *mash;
} DemoDirectory;

static gboolean
insert_demo_directory (CtStoreTransaction  *txn,
                       gpointer             user_data,
                       GError             **error)
{
  DemoDirectory *dir = user_data;

  ct_record_set_string (dir->organisation, "name", "Example Family Law LLP (fictional)");
  ct_record_set_string (dir->organisation, "address", "2 Specimen Street, Nowhere Town, ZZ99 9ZZ");
  ct_record_set_string (dir->organisation, "nation", "england-and-wales");
  ct_record_set_string (dir->organisation, "cutoff", "16:00");
  ct_record_set_string (dir->organisation, "policy-adopted", "2026-01-05");
  ct_record_set_string (dir->organisation, "dso-name", "Dana Demo");
  ct_record_set_string (dir->organisation, "dso-contact", "01632 960000");
  mark_demo (dir->organisation);

  ct_record_set_string (dir->staff, "name", "Dana Demo");
  ct_record_set_string (dir->staff, "role", "Designated Safeguarding Officer");
  ct_record_set_boolean (dir->staff, "is-dso", TRUE);
  mark_demo (dir->staff);

  ct_record_set_string (dir->mash, "name", "Demonstration Borough Children's Services (fictional)");
  ct_record_set_string (dir->mash, "kind", "mash");
  ct_record_set_string (dir->mash, "area", "Demonstration Borough");
  ct_record_set_string (dir->mash, "phone", "01632 960001");
  ct_record_set_string (dir->mash, "secure-email", "mash@example.invalid");
  ct_record_set_string (dir->mash, "confirmation-period", "48h");
  mark_demo (dir->mash);

  return ct_store_transaction_insert (txn, ADMIN_STAFF, dir->organisation, error) &&
         ct_store_transaction_insert (txn, ADMIN_STAFF, dir->staff, error) &&
         ct_store_transaction_insert (txn, ADMIN_STAFF, dir->mash, error);
}

int
ct_admin_cmd_demo (int    argc,
                   char **argv)
{
  static int n_cases = 24;
  static const GOptionEntry entries[] = {
    { "cases", 'n', 0, G_OPTION_ARG_INT, &n_cases, N_("How many cases to make (default 24)"), N_("N") },
    { NULL }
  };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260401);
  DemoDirectory dir = { 0 };
  guint first;
  int status;

  path = parse_command ("demo", NULL,
                        _("Add clearly fictional sample cases, spread over every stage of the procedure, for demonstrations and benchmarks."),
                        entries, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (n_cases < 1 || n_cases > 1000000)
    return usage_error ("demo", _("--cases must be between 1 and 1000000."));

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return fail ("demo", error);

  existing = ct_store_list_sync (store, CT_RECORD_KIND_CASE, NULL, &error);
  if (existing == NULL)
    return fail ("demo", error);
  first = existing->len + 1;

  dir.organisation = ct_record_new (CT_RECORD_KIND_ORGANISATION);
  dir.staff = ct_record_new (CT_RECORD_KIND_STAFF);
  dir.mash = ct_record_new (CT_RECORD_KIND_AGENCY);
  if (!ct_store_run_transaction_sync (store, insert_demo_directory, &dir, &error))
    {
      g_object_unref (dir.organisation);
      g_object_unref (dir.staff);
      g_object_unref (dir.mash);
      return fail ("demo", error);
    }

  /* Batches keep each transaction short without paying for a commit per
   * record. */
  for (guint done = 0; done < (guint) n_cases;)
    {
      DemoBatch batch = {
        .first = first + done,
        .count = MIN (100, (guint) n_cases - done),
        .staff_id = ct_record_get_id (dir.staff),
        .mash_id = ct_record_get_id (dir.mash),
        .now = g_get_real_time (),
        .rand = rand,
      };

      if (!ct_store_run_transaction_sync (store, insert_demo_batch, &batch, &error))
        {
          g_object_unref (dir.organisation);
          g_object_unref (dir.staff);
          g_object_unref (dir.mash);
          return fail ("demo", error);
        }
      done += batch.count;
    }

  g_print (_("Added %d fictional cases to %s\n"), n_cases, path);
  g_object_unref (dir.organisation);
  g_object_unref (dir.staff);
  g_object_unref (dir.mash);
  ct_store_close (store);
  return 0;
}

/* }}} */

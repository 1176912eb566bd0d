/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-store"

#include "config.h"

#include <glib/gi18n.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ct-admin-commands.h"
#include "ct-case-service.h"
#include "ct-crypto.h"
#include "ct-details.h"
#include "ct-keyring.h"
#include "ct-procedure.h"
#include "ct-store-backend.h"
#include "ct-store-members.h"
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
    N_("The database to use: a file, or a server as postgresql://… (default: the app’s own database)"), N_("PATH") },
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
    return ct_admin_fail ("init", error);

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
      return ct_admin_fail ("status", error);
    }

  st = ct_store_get_status_sync (store, &error);
  if (st == NULL)
    return ct_admin_fail ("status", error);

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

/* Who signed the log's entries: each member with how many entries and
 * which, by their name where they are still a member. Called after
 * verify has checked every signature. */
static void
free_string (gpointer data)
{
  g_string_free (data, TRUE);
}

static void
print_signers (CtStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = ct_store_list_audit_sync (store, &error);
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        free_string);

  if (entries == NULL)
    {
      g_printerr ("%s\n", error->message);
      return;
    }
  /* Names are only shown when they can be read; the fingerprints are
   * what the signatures prove. */
  members = ct_store_list_members_sync (store, FALSE, &error);
  if (members == NULL)
    g_clear_error (&error);
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      CtMemberInfo *m = g_ptr_array_index (members, i);
      g_auto(GStrv) groups = g_strsplit (m->fingerprint, " ", -1);

      g_hash_table_insert (names, g_strjoinv ("", groups), g_strdup (m->name));
    }

  for (guint i = 0; i < entries->len; i++)
    {
      CtAuditEntry *e = g_ptr_array_index (entries, i);
      GString *seqs;

      if (e->member_id == NULL)
        continue;
      seqs = g_hash_table_lookup (counts, e->member_id);
      if (seqs == NULL)
        {
          seqs = g_string_new (NULL);
          g_hash_table_insert (counts, e->member_id, seqs);
          g_ptr_array_add (order, e->member_id);
        }
      g_string_append_printf (seqs, "%s%" G_GINT64_FORMAT, seqs->len > 0 ? " " : "", e->seq);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *id = g_ptr_array_index (order, i);
      const char *name = g_hash_table_lookup (names, id);

      /* TRANSLATORS: a member's name (or “a former member”), their
       * fingerprint, then the numbers of the entries they signed */
      g_print (_("Signed by %s (%s): entries %s\n"), name != NULL ? name : _("a former member"), id,
               ((GString *) g_hash_table_lookup (counts, id))->str);
    }
}

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
                        _("Check the database’s integrity, the audit chain and every encrypted value."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return ct_admin_fail ("verify", error);

  if (!ct_store_verify_sync (store, &stats, &error))
    return ct_admin_fail ("verify", error);

  g_print (_("%s is intact.\n"), path);
  g_print (_("Checked: the database’s integrity; %" G_GINT64_FORMAT " audit entries; %" G_GINT64_FORMAT " case keys; "
             "%" G_GINT64_FORMAT " records and %" G_GINT64_FORMAT " earlier versions, each authenticated.\n"),
           stats.audit_entries, stats.case_keys, stats.records, stats.history);
  if (stats.legacy_entries > 0)
    g_print (_("%" G_GINT64_FORMAT " of the audit entries were written by an older Caretrail, before entries said what they wrote: they are checked as a chain only (unverified legacy). The records are checked against the entries written since.\n"),
             stats.legacy_entries);
  if (stats.signed_entries > 0)
    {
      g_print (_("%" G_GINT64_FORMAT " of the audit entries are signed by the member who wrote them, each signature checked against that member’s public key.\n"),
               stats.signed_entries);
      print_signers (store);
    }
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
  gboolean force = FALSE;
  CtBackupFlags flags;
  int status;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace FILE if it is an existing regular file"), NULL },
    { NULL }
  };

  path = parse_command ("backup", _("FILE"),
                        _("Copy the database, while it is in use, to FILE, a new file. The copy stays encrypted. "
                          "An existing file is replaced only with --force, and only if it is a regular file: "
                          "never a symbolic link, folder, pipe or device."),
                        entries, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (argc != 2)
    return ct_admin_usage_error ("backup", _("Name the backup file, once."));

  /* Refuse a bad destination before the database is even opened. */
  flags = force ? CT_BACKUP_REPLACE : CT_BACKUP_NONE;
  if (!ct_backup_target_check (argv[1], flags, &error))
    return ct_admin_fail ("backup", error);

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return ct_admin_fail ("backup", error);

  if (!ct_store_backup_sync (store, argv[1], flags, &error))
    return ct_admin_fail ("backup", error);

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
    return ct_admin_usage_error ("restore", _("Name the backup file, once."));

  if (!ct_store_restore_sync (path, argv[1], &saved, &error))
    return ct_admin_fail ("restore", error);

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
      return ct_admin_usage_error ("recover", _("No recovery code was given on standard input."));
    }

  ok = ct_store_recover_sync (path, line, &error);
  ct_crypto_wipe (line, sizeof line);
  if (!ok)
    return ct_admin_fail ("recover", error);

  g_print (_("The key of %s is back in the keyring. Caretrail can open the database again.\n"), path);
  return 0;
}

/* }}} */

/* cases {{{ */

/* The next due time of each case's open tasks, by case id. */
static gboolean
note_task_due_cb (CtRecord  *task,
                  gpointer   user_data,
                  GError   **error)
{
  GHashTable *next_due = user_data;
  gint64 due = ct_record_get_due_at (task);
  const char *case_id = ct_record_get_case_id (task);
  gpointer current;

  if (due <= 0 || case_id == NULL || ct_record_get_boolean (task, "done", FALSE))
    return TRUE;
  current = g_hash_table_lookup (next_due, case_id);
  if (current == NULL || due < *(gint64 *) current)
    g_hash_table_insert (next_due, g_strdup (case_id), g_memdup2 (&due, sizeof due));
  return TRUE;
}

static gboolean
print_case_cb (CtRecord  *record,
               gpointer   user_data,
               GError   **error)
{
  GHashTable *next_due = user_data;
  gint64 due = ct_record_get_due_at (record);
  gint64 *task_due = g_hash_table_lookup (next_due, ct_record_get_id (record));
  g_autofree char *when = NULL;

  if (task_due != NULL && (due <= 0 || *task_due < due))
    due = *task_due;
  when = format_time (due);
  g_print ("%-16s %-22s %s\n",
           ct_record_get_reference (record) != NULL ? ct_record_get_reference (record) : "-",
           ct_record_get_state (record) != NULL ? ct_record_get_state (record) : "-",
           when);
  return TRUE;
}

int
ct_admin_cmd_cases (int    argc,
                    char **argv)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GHashTable) next_due = NULL;
  int status;

  path = parse_command ("cases", NULL,
                        _("List the cases: reference, state and when the next step is due."),
                        NULL, &argc, &argv, &status);
  if (path == NULL)
    return status;

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return ct_admin_fail ("cases", error);

  /* The next due time is the earliest of the case's own and its open
   * tasks'. Records are read one at a time, and the cases come in the
   * order of their references, so memory holds only the open tasks' due
   * times, however many cases there are. */
  next_due = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!ct_store_foreach_sync (store, CT_RECORD_KIND_TASK, note_task_due_cb, next_due, &error))
    return ct_admin_fail ("cases", error);

  g_print ("%-16s %-22s %s\n", _("REFERENCE"), _("STATE"), _("NEXT DUE"));
  if (!ct_store_foreach_sync (store, CT_RECORD_KIND_CASE, print_case_cb, next_due, &error))
    return ct_admin_fail ("cases", error);

  ct_store_close (store);
  return 0;
}

/* }}} */

/* demo {{{ */

/*
 * The sample cases are made the way real ones are: each is opened and
 * moved on through the one path every step takes
 * (ct_case_service_record_in_transaction()), one step at a time, with
 * answers only, at instants spread over the last 90 days, signed by the
 * demo member of staff. So their states, clocks, next due times, the records
 * each step makes, chronologies and audit entries are exactly what the app
 * writes, and `cases`, `next`, `overdue` and `show` agree about them.
 * Everything is fictional: the case, its parent and the directory records
 * carry "demo": true, references read CT-DEMO-NNNNN, and the names are
 * made up.
 */

static const char *demo_given[] = {
  "Pip", "Wren", "Juniper", "Ottoline", "Barnaby", "Clementine", "Rafferty", "Marigold",
  "Tobias", "Primrose", "Jasper", "Hazel", "Florian", "Saffron", "Linus", "Bramble",
};

static const char *demo_family[] = {
  "Exampleton", "Sampleworth", "Fictionby", "Placeholder", "Demoford", "Testbridge",
  "Mockley", "Madeupshire",
};

#define DEMO_ACTOR "Dana Demo (DSO)"
#define DEMO_WORKER "Sam Sample"
#define DEMO_DAYS 90

/* One step a sample case goes through: a procedure event with one set of
 * answers, and the records it makes. */
typedef enum
{
  DEMO_END,
  DEMO_CONCERN,
  DEMO_ESCALATE,
  DEMO_NO_CONCERNS,
  DEMO_REMAIN_TELL_FAMILY,
  DEMO_REMAIN_EXCEPTION,
  DEMO_UNCERTAIN,
  DEMO_ADVICE,
  DEMO_FAMILY_DISCUSSED,
  DEMO_REFER,
  DEMO_URGENT_REFER,
  DEMO_SHARE,
  DEMO_CONFIRM,
  DEMO_CHASE,
  DEMO_OUTCOME_ASSESSMENT,
  DEMO_OUTCOME_NFA,
  DEMO_OUTCOME_EARLY_HELP,
  DEMO_DISPUTE,
  DEMO_MONITOR,
  DEMO_CLOSE,
  DEMO_ALLEGATION,
  DEMO_CLASSIFY_ALLEGATION,
  DEMO_CLASSIFY_COMPLAINT,
  DEMO_LADO,
  DEMO_REGULATED_ACTIVITY,
  DEMO_DBS,
  DEMO_CONCLUDE,
} DemoStep;

/* Cases a transaction of `demo` adds. Each page a transaction dirties goes
 * to the write-ahead log and back to the file once per commit: with random
 * record ids, which scattered every case over each table's index, going
 * from 100 to 1,000 cut the writes of 2,000 cases added to 18,000 by 43%
 * (175,746 to 99,801) and the syncs from 82 to 10. Ids are now
 * time-ordered (ct_record_make_id()), so a case's index entries go at the
 * end of each index, beside the last case's. */
#define DEMO_BATCH 1000
#define DEMO_MAX_STEPS 12

/* The paths the sample cases take, one after another, so that every state
 * after "new" is reached: the comment is the state each path ends in. */
static const DemoStep demo_paths[][DEMO_MAX_STEPS] = {
  /* concern-recorded */
  { DEMO_CONCERN },
  /* escalated */
  { DEMO_CONCERN, DEMO_ESCALATE },
  /* consulting */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_UNCERTAIN },
  /* family-discussion */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_UNCERTAIN, DEMO_ADVICE, DEMO_REMAIN_TELL_FAMILY },
  /* referral-due */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_TELL_FAMILY, DEMO_FAMILY_DISCUSSED },
  /* confirmation-due */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_EXCEPTION, DEMO_REFER, DEMO_SHARE },
  /* awaiting-decision */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_TELL_FAMILY, DEMO_FAMILY_DISCUSSED, DEMO_REFER,
    DEMO_SHARE, DEMO_CONFIRM },
  /* outcome-recorded */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_EXCEPTION, DEMO_REFER, DEMO_SHARE, DEMO_CONFIRM,
    DEMO_OUTCOME_ASSESSMENT },
  /* outcome-disputed */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_EXCEPTION, DEMO_REFER, DEMO_SHARE, DEMO_CONFIRM,
    DEMO_CHASE, DEMO_OUTCOME_NFA, DEMO_DISPUTE },
  /* monitoring */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_TELL_FAMILY, DEMO_FAMILY_DISCUSSED, DEMO_REFER,
    DEMO_SHARE, DEMO_CONFIRM, DEMO_OUTCOME_EARLY_HELP, DEMO_MONITOR },
  /* allegation-reported */
  { DEMO_ALLEGATION },
  /* lado-due */
  { DEMO_ALLEGATION, DEMO_CLASSIFY_ALLEGATION },
  /* allegation-managed */
  { DEMO_ALLEGATION, DEMO_CLASSIFY_ALLEGATION, DEMO_LADO, DEMO_REGULATED_ACTIVITY },
  /* closed-nfa */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_NO_CONCERNS },
  /* closed */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_EXCEPTION, DEMO_REFER, DEMO_SHARE, DEMO_CONFIRM,
    DEMO_OUTCOME_ASSESSMENT, DEMO_CLOSE },
  /* confirmation-due, after an urgent referral */
  { DEMO_CONCERN, DEMO_URGENT_REFER, DEMO_SHARE },
  /* awaiting-decision, chased */
  { DEMO_CONCERN, DEMO_URGENT_REFER, DEMO_SHARE, DEMO_CONFIRM, DEMO_CHASE },
  /* closed: an allegation concluded */
  { DEMO_ALLEGATION, DEMO_CLASSIFY_ALLEGATION, DEMO_LADO, DEMO_REGULATED_ACTIVITY, DEMO_DBS,
    DEMO_CONCLUDE },
  /* closed: a complaint, not an allegation */
  { DEMO_ALLEGATION, DEMO_CLASSIFY_COMPLAINT },
  /* closed after monitoring */
  { DEMO_CONCERN, DEMO_ESCALATE, DEMO_REMAIN_TELL_FAMILY, DEMO_FAMILY_DISCUSSED, DEMO_REFER,
    DEMO_SHARE, DEMO_CONFIRM, DEMO_OUTCOME_EARLY_HELP, DEMO_MONITOR, DEMO_CLOSE },
};

typedef struct
{
  CtCaseService *service;
  guint          first;      /* the first case's number */
  guint          count;      /* how many cases in this batch */
  guint          total;      /* how many cases in the whole run */
  guint          total_first;
  const char    *staff_id;
  const char    *mash_id;
  gint64         now;        /* unix microseconds */
  GRand         *rand;
} DemoBatch;

/* What the steps of one case share. */
typedef struct
{
  DemoBatch  *batch;
  CtRecord   *case_record;
  const char *family;
  const char *given;
  guint       n;
  gboolean    urgent;     /* the case takes the immediate-risk path */
} DemoCase;

/* Answers as name/value pairs; "yes" and "no" are yes/no answers. */
static GHashTable *
demo_answers (const char *first_name,
              ...)
{
  GHashTable *answers = ct_answers_new ();
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (strcmp (value, "yes") == 0 || strcmp (value, "no") == 0)
        ct_answers_set_boolean (answers, name, strcmp (value, "yes") == 0);
      else
        ct_answers_set_text (answers, name, value);
    }
  va_end (args);
  return answers;
}

/* A record that is not a step, made from @answers (which it takes) by
 * ct-details as the app's forms make theirs, and marked as sample data. */
static CtRecord *
demo_details (CtRecordKind   kind,
              const char    *case_id,
              GHashTable    *answers,
              GError       **error)
{
  g_autoptr(GHashTable) owned = answers;

  ct_answers_set_boolean (owned, "demo", TRUE);
  return ct_details_new_record (kind, case_id, owned, error);
}

/* A parent with parental responsibility for the child the concern named.
 * People are not steps of the procedure: they are stored as the case page
 * stores them, in the same transaction. */
static gboolean
insert_demo_parent (DemoCase            *demo,
                    CtStoreTransaction  *txn,
                    GError             **error)
{
  const char * const *child_ids = ct_record_get_strv (demo->case_record, "child-ids");
  const char *case_id = ct_record_get_id (demo->case_record);
  g_autoptr(CtRecord) parent = NULL;
  g_autoptr(CtRecord) relationship = NULL;

  if (child_ids == NULL || child_ids[0] == NULL)
    return TRUE;

  parent = demo_details (CT_RECORD_KIND_PERSON, case_id,
                         demo_answers ("given-names", "Alex",
                                       "family-name", demo->family,
                                       "role", "parent",
                                       "address", "1 Imaginary Lane, Nowhere Town, ZZ99 9ZZ",
                                       NULL),
                         error);
  if (parent == NULL)
    return FALSE;

  relationship = demo_details (CT_RECORD_KIND_RELATIONSHIP, case_id,
                               demo_answers ("child-id", child_ids[0],
                                             "person-id", ct_record_get_id (parent),
                                             "relation", "parent",
                                             "parental-responsibility", "yes",
                                             "primary-carer", "yes",
                                             "household-member", "yes",
                                             NULL),
                               error);
  if (relationship == NULL)
    return FALSE;

  return ct_store_transaction_insert (txn, demo->batch->staff_id, parent, error) &&
         ct_store_transaction_insert (txn, demo->batch->staff_id, relationship, error);
}

/* Records one sample step with its answers only, through the one path every
 * step takes (ct_case_service_record_in_transaction()): the engine makes the
 * concern and the child, decisions, referrals, consultations, sharing
 * decisions and the allegation's versions from them. */
static gboolean
apply_demo_step (DemoCase            *demo,
                 CtStoreTransaction  *txn,
                 DemoStep             step,
                 gint64               at_us,
                 GError             **error)
{
  DemoBatch *batch = demo->batch;
  g_autoptr(GHashTable) answers = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_utc (at_us / G_USEC_PER_SEC);
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) case_out = NULL;
  CtEvent event;

  switch (step)
    {
    case DEMO_CONCERN:
      {
        g_autofree char *dob = g_strdup_printf ("%04d-%02d-%02d", 2010 + (int) (demo->n % 14),
                                                1 + (int) (demo->n % 12), 1 + (int) (demo->n % 28));

        event = CT_EVENT_CONCERN_RECORDED;
        answers = demo_answers ("raised-by", DEMO_WORKER, "raised-by-id", batch->staff_id, "how", "in-person",
                                "what", "Demonstration concern: this text is fictional and describes no real event.",
                                "immediate-risk", demo->urgent ? "yes" : "no",
                                "child-given-names", demo->given, "child-family-name", demo->family,
                                "child-date-of-birth", dob,
                                "child-address", "1 Imaginary Lane, Nowhere Town, ZZ99 9ZZ",
                                "child-area", "Demonstration Borough", NULL);
      }
      break;
    case DEMO_ESCALATE:
      event = CT_EVENT_ESCALATED;
      answers = demo_answers ("line-manager", "Lee Line-Manager (fictional)", "safeguarding-lead", DEMO_ACTOR, NULL);
      break;
    case DEMO_NO_CONCERNS:
      event = CT_EVENT_NO_CONCERNS_REMAIN;
      answers = demo_answers ("reason", "Fictional: a simple explanation was confirmed.",
                              "staff-support-discussed", "yes",
                              "raiser-support", "Fictional: thanked and told the outcome.", NULL);
      break;
    case DEMO_REMAIN_TELL_FAMILY:
      event = CT_EVENT_CONCERNS_REMAIN;
      answers = demo_answers ("reason", "Fictional: the concern was not explained.",
                              "family-member-responsible", "no", "danger-to-others", "no",
                              "criminal-investigation", "no", NULL);
      break;
    case DEMO_REMAIN_EXCEPTION:
      event = CT_EVENT_CONCERNS_REMAIN;
      answers = demo_answers ("reason", "Fictional: the child's account was clear.",
                              "family-member-responsible", "yes",
                              "family-member-responsible-reason", "Fictional: the child named a family member.",
                              "danger-to-others", "no", "criminal-investigation", "no", NULL);
      break;
    case DEMO_UNCERTAIN:
      event = CT_EVENT_UNCERTAIN;
      answers = demo_answers ("reason", "Fictional: unclear whether the threshold is met.", NULL);
      break;
    case DEMO_ADVICE:
      event = CT_EVENT_ADVICE_RECORDED;
      answers = demo_answers ("consulted", "nspcc", "anonymous", "yes",
                              "advice", "Fictional advice: speak to the family and keep a close record.", NULL);
      break;
    case DEMO_FAMILY_DISCUSSED:
      event = CT_EVENT_FAMILY_DISCUSSED;
      answers = demo_answers ("with-whom", "Alex, the parent (fictional)",
                              "summary", "Fictional: the parent agreed to a referral.", NULL);
      break;
    case DEMO_REFER:
      {
        const char *consent = ct_record_get_int64 (demo->case_record, "procedure-flags", 0) & CT_CASE_FLAG_FAMILY_EXCEPTION
                              ? "not-sought" : "given";

        event = CT_EVENT_REFERRAL_MADE;
        answers = demo_answers ("agency-id", batch->mash_id, "how", "telephone",
                                "to-whom", "Duty social worker (fictional)", "their-reference", "DEMO-REF",
                                "what-shared", "Fictional details of the concern.",
                                "referral-type", "child-protection", "consent", consent,
                                "raiser-told", "yes", "raiser-encouraged", "yes", NULL);
        if (strcmp (consent, "given") != 0)
          ct_answers_set_text (answers, "consent-reason", "Fictional: asking would increase the risk to the child.");
      }
      break;
    case DEMO_URGENT_REFER:
      event = CT_EVENT_IMMEDIATE_RISK_REFERRAL;
      answers = demo_answers ("risk", "Fictional: the child said they were afraid to go home tonight.",
                              "agency-id", batch->mash_id, "how", "telephone",
                              "to-whom", "Duty social worker (fictional)",
                              "raiser-told", "no", "raiser-reason", "Fictional: telling them could put the child at further risk.", NULL);
      break;
    case DEMO_SHARE:
      event = CT_EVENT_INFORMATION_SHARING_DECIDED;
      answers = demo_answers ("shared", "yes", "purpose", "Safeguarding referral (demonstration)",
                              "safety-wellbeing", "Fictional: sharing was needed to keep the child safe.",
                              "consent-sought", "no", "consent-reason", "Fictional: asking would increase the risk.",
                              "what", "Fictional referral details", "with-whom", "Demonstration Borough Children's Services",
                              "lawful-basis", "legitimate-interests", "necessary-proportionate", "yes",
                              "how-shared", "By telephone, then secure email", "reason", "Fictional: the child's safety comes first.",
                              NULL);
      break;
    case DEMO_CONFIRM:
      event = CT_EVENT_CONFIRMATION_SENT;
      answers = demo_answers ("method", "secure-email", "to-whom", "Duty social worker (fictional)", NULL);
      break;
    case DEMO_CHASE:
      event = CT_EVENT_LA_CHASED;
      answers = demo_answers ("how", "telephone", "with-whom", "Team manager (fictional)", NULL);
      break;
    case DEMO_OUTCOME_ASSESSMENT:
      event = CT_EVENT_OUTCOME_RECORDED;
      answers = demo_answers ("outcome", "child-in-need-assessment", "informed-by", "Duty social worker (fictional)", NULL);
      break;
    case DEMO_OUTCOME_NFA:
      event = CT_EVENT_OUTCOME_RECORDED;
      answers = demo_answers ("outcome", "nfa", "informed-by", "Duty social worker (fictional)", NULL);
      break;
    case DEMO_OUTCOME_EARLY_HELP:
      event = CT_EVENT_OUTCOME_RECORDED;
      answers = demo_answers ("outcome", "early-help", "informed-by", "Duty social worker (fictional)",
                              "family-consent", "yes", NULL);
      break;
    case DEMO_DISPUTE:
      event = CT_EVENT_OUTCOME_DISPUTED;
      answers = demo_answers ("reason", "Fictional: the concerns were not addressed.",
                              "raised-with", "Team manager (fictional)", NULL);
      break;
    case DEMO_MONITOR:
      event = CT_EVENT_MONITORING_STARTED;
      answers = demo_answers ("plan", "Fictional: the key worker checks in at each session and records what is seen.", NULL);
      break;
    case DEMO_CLOSE:
      event = CT_EVENT_CASE_CLOSED;
      answers = demo_answers ("reason", "Demonstration: no further action needed.",
                              "raiser-support", "Fictional: thanked and told the outcome.", NULL);
      break;
    case DEMO_ALLEGATION:
      event = CT_EVENT_ALLEGATION_REPORTED;
      answers = demo_answers ("about", "A. Nonexistent-Worker, volunteer (fictional)",
                              "what", "Fictional allegation for the demonstration.",
                              "reported-by", DEMO_WORKER, "senior-manager", "Morgan Manager (fictional)", NULL);
      break;
    case DEMO_CLASSIFY_ALLEGATION:
      event = CT_EVENT_ALLEGATION_CLASSIFIED;
      answers = demo_answers ("classification", "allegation", "category", "unsuitability",
                              "reason", "Fictional: the behaviour described would meet the threshold.", NULL);
      break;
    case DEMO_CLASSIFY_COMPLAINT:
      event = CT_EVENT_ALLEGATION_CLASSIFIED;
      answers = demo_answers ("classification", "complaint", "reason", "Fictional: a complaint about manner, not harm.",
                              "handled-under", "the complaints procedure", "lado-consulted", "yes",
                              "lado-advice", "Fictional: the LADO agreed it is not an allegation.",
                              "raiser-support", "Fictional: thanked and told the outcome.", NULL);
      break;
    case DEMO_LADO:
      event = CT_EVENT_LADO_INFORMED;
      answers = demo_answers ("lado", "Demonstration Borough LADO (fictional)", "how", "telephone", NULL);
      break;
    case DEMO_REGULATED_ACTIVITY:
      event = CT_EVENT_REGULATED_ACTIVITY_DECIDED;
      answers = demo_answers ("removed", "yes", "because-of-risk", "no",
                              "reason", "Fictional: stood down while the matter is looked into.", NULL);
      break;
    case DEMO_DBS:
      event = CT_EVENT_DBS_REFERRAL_DECIDED;
      answers = demo_answers ("referral-made", "no", "reason", "Fictional: the threshold for a referral is not met.", NULL);
      break;
    case DEMO_CONCLUDE:
      event = CT_EVENT_ALLEGATION_CONCLUDED;
      answers = demo_answers ("outcome", "unsubstantiated", "reason", "Fictional: there was not enough evidence.",
                              "raiser-support", "Fictional: thanked and told the outcome.", NULL);
      break;
    case DEMO_END:
    default:
      g_assert_not_reached ();
    }

  t = ct_case_service_record_in_transaction (batch->service, txn, demo->case_record, event, answers,
                                             batch->staff_id, at, &case_out, error);
  if (t == NULL)
    {
      g_prefix_error (error, _("Sample case %s, step “%s”: "),
                      ct_record_get_reference (demo->case_record), ct_event_to_string (event));
      return FALSE;
    }

  if (event == CT_EVENT_CONCERN_RECORDED)
    return insert_demo_parent (demo, txn, error);
  return TRUE;
}

static gboolean
insert_demo_case (CtStoreTransaction  *txn,
                  DemoBatch           *batch,
                  guint                n,
                  GError             **error)
{
  g_autofree char *reference = g_strdup_printf ("CT-DEMO-%05u", n);
  g_autoptr(GHashTable) case_answers = demo_answers (
    "title", "Fictional demonstration case",
    "summary", "Sample record made by caretrail-admin demo. None of these people exist.",
    "demo", "yes",
    NULL);
  /* A new case never stored, with a reference that says it is a sample: the
   * first step inserts it (so a run of 10,000 cases does not look up the
   * year's last reference 10,000 times), and each step updates it in place. */
  g_autoptr(CtRecord) case_record = ct_details_new_case (reference, case_answers, error);
  const DemoStep *path = demo_paths[(n - 1) % G_N_ELEMENTS (demo_paths)];
  guint n_steps = 0;
  DemoCase demo = {
    .batch = batch,
    .case_record = case_record,
    .given = demo_given[n % G_N_ELEMENTS (demo_given)],
    .family = demo_family[(n / G_N_ELEMENTS (demo_given)) % G_N_ELEMENTS (demo_family)],
    .n = n,
  };
  /* The cases of a run start in order over the last 90 days, more of them
   * lately, so that the newest are still within their deadlines. */
  double left = (double) (batch->total_first + batch->total - n) / (double) batch->total;
  gint64 age = MAX ((gint64) (left * left * DEMO_DAYS * G_TIME_SPAN_DAY), 20 * G_TIME_SPAN_MINUTE);
  gint64 start = batch->now - age;
  gint64 gap;

  if (case_record == NULL)
    return FALSE;

  while (n_steps < DEMO_MAX_STEPS && path[n_steps] != DEMO_END)
    {
      demo.urgent |= path[n_steps] == DEMO_URGENT_REFER;
      n_steps++;
    }

  /* Steps follow each other within hours or days, and all are in the past.
   * The random gap is drawn once: MIN() evaluates its arguments twice, and a
   * second draw could put the last steps in the future, which the engine
   * refuses. */
  gap = (gint64) g_rand_int_range (batch->rand, 2, 30) * G_TIME_SPAN_HOUR;
  gap = MIN (age / (n_steps + 1), gap);

  for (guint i = 0; i < n_steps; i++)
    if (!apply_demo_step (&demo, txn, path[i], start + (gint64) i * gap, error))
      return FALSE;

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
  gboolean  organisation_exists;
} DemoDirectory;

/* The demo's directory: an organisation, the member of staff who records
 * the sample steps and the MASH they refer to, made from answers by
 * ct-details as the setup assistant makes them. */
static gboolean
make_demo_directory (DemoDirectory  *dir,
                     GError        **error)
{
  dir->organisation = demo_details (CT_RECORD_KIND_ORGANISATION, NULL,
                                    demo_answers ("name", "Example Family Law LLP (fictional)",
                                                  "address", "2 Specimen Street, Nowhere Town, ZZ99 9ZZ",
                                                  "nation", "england-and-wales",
                                                  "cutoff", "16:00",
                                                  "policy-adopted", "2026-01-05",
                                                  "dso-name", "Dana Demo",
                                                  "dso-contact", "01632 960000",
                                                  NULL),
                                    error);
  if (dir->organisation == NULL)
    return FALSE;

  dir->staff = demo_details (CT_RECORD_KIND_STAFF, NULL,
                             demo_answers ("name", "Dana Demo",
                                           "role", "Designated Safeguarding Officer",
                                           "is-dso", "yes",
                                           NULL),
                             error);
  if (dir->staff == NULL)
    return FALSE;

  dir->mash = demo_details (CT_RECORD_KIND_AGENCY, NULL,
                            demo_answers ("name", "Demonstration Borough Children's Services (fictional)",
                                          "kind", "mash",
                                          "area", "Demonstration Borough",
                                          "phone", "01632 960001",
                                          "secure-email", "mash@example.invalid",
                                          "confirmation-period", "48h",
                                          NULL),
                            error);
  return dir->mash != NULL;
}

static void
demo_directory_clear (DemoDirectory *dir)
{
  g_clear_object (&dir->organisation);
  g_clear_object (&dir->staff);
  g_clear_object (&dir->mash);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoDirectory, demo_directory_clear)

static gboolean
insert_demo_directory (CtStoreTransaction  *txn,
                       gpointer             user_data,
                       GError             **error)
{
  DemoDirectory *dir = user_data;

  /* A database that already has its organisation keeps it: its nation and
   * cut-off time set every deadline. */
  if (dir->organisation_exists)
    return ct_store_transaction_insert (txn, ADMIN_STAFF, dir->staff, error) &&
           ct_store_transaction_insert (txn, ADMIN_STAFF, dir->mash, error);

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
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(CtStoreStatus) existing = NULL;
  g_autoptr(GPtrArray) organisations = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260401);
  g_auto(DemoDirectory) dir = { NULL, NULL, NULL, FALSE };
  gint64 now = g_get_real_time ();
  guint first;
  int status;

  path = parse_command ("demo", NULL,
                        _("Add clearly fictional sample cases, spread over every stage of the procedure, for demonstrations and benchmarks."),
                        entries, &argc, &argv, &status);
  if (path == NULL)
    return status;

  if (n_cases < 1 || n_cases > 1000000)
    return ct_admin_usage_error ("demo", _("--cases must be between 1 and 1000000."));

  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return ct_admin_fail ("demo", error);

  /* Counted, not read: the cases already there need not be decrypted. */
  existing = ct_store_get_status_sync (store, &error);
  if (existing != NULL)
    organisations = ct_store_list_sync (store, CT_RECORD_KIND_ORGANISATION, NULL, &error);
  if (existing == NULL || organisations == NULL)
    return ct_admin_fail ("demo", error);
  first = (guint) existing->counts[CT_RECORD_KIND_CASE] + 1;
  dir.organisation_exists = organisations->len > 0;

  if (!make_demo_directory (&dir, &error) ||
      !ct_store_run_transaction_sync (store, insert_demo_directory, &dir, &error))
    return ct_admin_fail ("demo", error);

  /* The same service `next` and `overdue` use, so the clocks agree. */
  service = ct_case_service_new_for_store_sync (store, &error);
  if (service == NULL)
    return ct_admin_fail ("demo", error);

  /* Batches keep each transaction short without paying for a commit per
   * record. */
  for (guint done = 0; done < (guint) n_cases;)
    {
      DemoBatch batch = {
        .service = service,
        .first = first + done,
        .count = MIN (DEMO_BATCH, (guint) n_cases - done),
        .total = (guint) n_cases,
        .total_first = first,
        .staff_id = ct_record_get_id (dir.staff),
        .mash_id = ct_record_get_id (dir.mash),
        .now = now,
        .rand = rand,
      };

      if (!ct_store_run_transaction_sync (store, insert_demo_batch, &batch, &error))
        return ct_admin_fail ("demo", error);
      done += batch.count;
    }

  g_print (_("Added %d fictional cases to %s\n"), n_cases, path);
  g_clear_object (&service);
  ct_store_close (store);
  return 0;
}

/* }}} */

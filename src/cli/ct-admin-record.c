/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-record"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-calendar.h"
#include "ct-case-service.h"
#include "ct-clock.h"
#include "ct-confirmation-copy.h"
#include "ct-procedure.h"
#include "ct-store.h"

/*
 * caretrail-admin commands that follow a case through the procedure:
 * steps (what may be recorded now), staff (who may record it), record and
 * note (record a step or a chronology entry) and show (where a case stands).
 *
 * Nothing here decides anything: every step is recorded through
 * ct_case_service_record_sync(), the one path the app takes too, and every
 * deadline comes from the engine. This file only turns arguments into
 * answers and results into text or JSON.
 */

/* An instant stored as unix microseconds, in ISO 8601 UK time, or NULL. */
static char *
format_usec (gint64 usec)
{
  g_autoptr(GDateTime) instant = NULL;

  if (usec <= 0)
    return NULL;
  instant = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return instant != NULL ? ct_clock_format_iso8601 (instant) : NULL;
}

static void
json_append_bool (GString  *json,
                  gboolean  value)
{
  g_string_append (json, value ? "true" : "false");
}

/* steps {{{ */

/* The choice ids of @question, or NULL. */
static GStrv
question_choices (const CtQuestion *question)
{
  if (question->kind != CT_ANSWER_CHOICE || question->choices == NULL)
    return NULL;
  return g_strsplit (question->choices, "|", -1);
}

static gboolean
question_is_required (const CtQuestion *question)
{
  return question->need == CT_QUESTION_REQUIRED || question->need == CT_QUESTION_CONFIRM;
}

static void
append_step_json (GString    *json,
                  CtEvent     event)
{
  const CtStepForm *form = ct_step_form_get (event);

  g_string_append (json, "{");
  ct_admin_json_append_member (json, TRUE, "id");
  ct_admin_json_append_string (json, ct_event_to_string (event));
  ct_admin_json_append_member (json, FALSE, "title");
  ct_admin_json_append_string (json, form != NULL ? _(form->title) : ct_event_get_title (event));
  ct_admin_json_append_member (json, FALSE, "description");
  ct_admin_json_append_string (json, form != NULL && form->description != NULL ? _(form->description) : NULL);
  /* Every step also says when it happened. */
  ct_admin_json_append_member (json, FALSE, "at");
  g_string_append (json, "{");
  ct_admin_json_append_member (json, TRUE, "option");
  ct_admin_json_append_string (json, "--at");
  ct_admin_json_append_member (json, FALSE, "kind");
  ct_admin_json_append_string (json, "date-time");
  ct_admin_json_append_member (json, FALSE, "format");
  ct_admin_json_append_string (json, "ISO 8601");
  ct_admin_json_append_member (json, FALSE, "default");
  ct_admin_json_append_string (json, "now");
  ct_admin_json_append_member (json, FALSE, "label");
  ct_admin_json_append_string (json, _("When it happened (UK time unless an offset is given); not in the future, not before the step it follows"));
  g_string_append (json, "}");

  ct_admin_json_append_member (json, FALSE, "answers");
  g_string_append (json, "[");
  for (guint q = 0; form != NULL && form->questions[q].key != NULL; q++)
    {
      const CtQuestion *question = &form->questions[q];
      g_auto(GStrv) choices = question_choices (question);

      g_string_append (json, q > 0 ? ", {" : "{");
      ct_admin_json_append_member (json, TRUE, "key");
      ct_admin_json_append_string (json, question->key);
      ct_admin_json_append_member (json, FALSE, "kind");
      ct_admin_json_append_string (json, ct_answer_kind_to_string (question->kind));
      ct_admin_json_append_member (json, FALSE, "need");
      ct_admin_json_append_string (json, ct_question_need_to_string (question->need));
      ct_admin_json_append_member (json, FALSE, "required");
      json_append_bool (json, question_is_required (question));
      ct_admin_json_append_member (json, FALSE, "label");
      ct_admin_json_append_string (json, _(question->label));
      if (choices != NULL)
        {
          ct_admin_json_append_member (json, FALSE, "choices");
          g_string_append (json, "[");
          for (guint c = 0; choices[c] != NULL; c++)
            {
              g_string_append (json, c > 0 ? ", {" : "{");
              ct_admin_json_append_member (json, TRUE, "id");
              ct_admin_json_append_string (json, choices[c]);
              ct_admin_json_append_member (json, FALSE, "label");
              ct_admin_json_append_string (json, ct_choice_get_label (choices[c]));
              g_string_append (json, "}");
            }
          g_string_append (json, "]");
        }
      g_string_append (json, "}");
    }
  g_string_append (json, "]}");
}

static const char *
need_description (CtQuestionNeed need)
{
  switch (need)
    {
    case CT_QUESTION_REQUIRED:
      return _("required");
    case CT_QUESTION_CONFIRM:
      return _("required, must be yes");
    case CT_QUESTION_CONDITIONAL:
      return _("sometimes required");
    case CT_QUESTION_OPTIONAL:
    default:
      return _("optional");
    }
}

static void
print_step (CtEvent event)
{
  const CtStepForm *form = ct_step_form_get (event);

  g_print ("\n%s — %s\n", ct_event_to_string (event),
           form != NULL ? _(form->title) : ct_event_get_title (event));
  if (form != NULL && form->description != NULL)
    g_print ("  %s\n", _(form->description));
  /* Translators: the option every step takes; keep --at as it is */
  g_print ("  %-34s %s\n", "--at TIME", _("when it happened, ISO 8601 (default now)"));
  for (guint q = 0; form != NULL && form->questions[q].key != NULL; q++)
    {
      const CtQuestion *question = &form->questions[q];
      g_auto(GStrv) choices = question_choices (question);
      g_autofree char *key = g_strdup_printf ("%s=%s", question->key,
                                              ct_answer_kind_to_string (question->kind));

      g_print ("  %-34s %s (%s)\n", key, _(question->label), need_description (question->need));
      for (guint c = 0; choices != NULL && choices[c] != NULL; c++)
        g_print ("  %-34s   %s: %s\n", "", choices[c], ct_choice_get_label (choices[c]));
    }
}

/**
 * ct_admin_cmd_steps:
 * @argc: argument count; argv[0] is "steps"
 * @argv: arguments
 *
 * `caretrail-admin steps (--case REF | --new) [--json]` lists the steps the
 * procedure allows now, with the answers each takes.
 *
 * Returns: 0 on success, 1 on failure, 2 on a usage error
 */
int
ct_admin_cmd_steps (int    argc,
                    char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *reference = NULL;
  gboolean new_case = FALSE;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The case’s reference, e.g. CT-2026-0001"), N_("REF") },
    { "new", 0, 0, G_OPTION_ARG_NONE, &new_case, N_("List the steps that open a new case"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (NULL, _("List the steps the procedure allows now in a case, or that open a new one, and the answers each takes."));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) events = NULL;
  CtState state = CT_STATE_NEW;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "steps", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("steps", _("This command takes no arguments besides its options."));
  if (new_case == (reference != NULL))
    return ct_admin_usage_error ("steps", _("Say which case with --case REF, or ask about a new case with --new."));

  if (reference != NULL)
    {
      g_autoptr(CtStore) store = NULL;
      g_autoptr(CtCaseService) service = NULL;
      g_autoptr(CtRecord) case_record = NULL;
      CtCaseSnapshot snapshot;

      service = ct_admin_open_service ("steps", database, &store);
      if (service == NULL)
        return 1;
      case_record = ct_case_service_find_case_sync (service, reference, &error);
      if (case_record == NULL || !ct_case_service_read_snapshot (service, case_record, NULL, &snapshot, &error))
        {
          ct_store_close (store);
          return ct_admin_fail ("steps", error);
        }
      state = snapshot.state;
      events = ct_procedure_list_steps (&snapshot);
      ct_store_close (store);
    }
  else
    events = ct_procedure_list_events (state);

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{");
      gboolean first = TRUE;

      ct_admin_json_append_member (out, TRUE, "case");
      ct_admin_json_append_string (out, reference);
      ct_admin_json_append_member (out, FALSE, "state");
      ct_admin_json_append_string (out, ct_state_to_string (state));
      ct_admin_json_append_member (out, FALSE, "state-title");
      ct_admin_json_append_string (out, ct_state_get_title (state));
      ct_admin_json_append_member (out, FALSE, "steps");
      g_string_append (out, "[");
      for (guint i = 0; i < events->len; i++)
        {
          CtEvent event = g_array_index (events, CtEvent, i);

          /* A note is not a procedure step: it has its own command. */
          if (event == CT_EVENT_NOTE)
            continue;
          if (!first)
            g_string_append (out, ", ");
          first = FALSE;
          append_step_json (out, event);
        }
      g_string_append (out, "]}\n");
      g_print ("%s", out->str);
      return 0;
    }

  if (reference != NULL)
    g_print (_("Steps the procedure allows now in case %s (%s):\n"), reference, ct_state_get_title (state));
  else
    g_print ("%s\n", _("Steps that open a new case:"));
  for (guint i = 0; i < events->len; i++)
    {
      CtEvent event = g_array_index (events, CtEvent, i);

      if (event != CT_EVENT_NOTE)
        print_step (event);
    }
  g_print ("\n%s\n", _("Record one with “caretrail-admin record”, giving each answer as KEY=VALUE (yes-no answers are yes or no)."));
  if (reference != NULL)
    g_print ("%s\n", _("Add a call, meeting, letter or note to the chronology with “caretrail-admin note”."));
  return 0;
}

/* }}} */

/* staff {{{ */

/**
 * ct_admin_cmd_staff_list:
 * @argc: argument count; argv[0] is "staff" or "list"
 * @argv: arguments
 *
 * `caretrail-admin staff [list] [--json]` lists the staff directory: the
 * ids that `record --by` takes, and who is no longer with the organisation.
 *
 * Returns: 0 on success, 1 on failure, 2 on a usage error
 */
int
ct_admin_cmd_staff_list (int    argc,
                         char **argv)
{
  g_autofree char *database = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (NULL, _("List the members of staff: the id “record --by” takes, name, role and whether they are a Designated Safeguarding Officer."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(GPtrArray) staff = NULL;
  g_autofree char *path = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "staff", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("staff", _("This command takes no arguments besides its options."));

  path = database != NULL ? g_strdup (database) : ct_store_get_default_path ();
  store = ct_store_open_sync (path, &error);
  if (store == NULL)
    return ct_admin_fail ("staff", error);
  staff = ct_store_list_sync (store, CT_RECORD_KIND_STAFF, NULL, &error);
  ct_store_close (store);
  if (staff == NULL)
    return ct_admin_fail ("staff", error);

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{\"staff\": [");

      for (guint i = 0; i < staff->len; i++)
        {
          CtRecord *member = g_ptr_array_index (staff, i);

          g_string_append (out, i > 0 ? ", {" : "{");
          ct_admin_json_append_member (out, TRUE, "id");
          ct_admin_json_append_string (out, ct_record_get_id (member));
          ct_admin_json_append_member (out, FALSE, "name");
          ct_admin_json_append_string (out, ct_record_get_string (member, "name"));
          ct_admin_json_append_member (out, FALSE, "role");
          ct_admin_json_append_string (out, ct_record_get_string (member, "role"));
          ct_admin_json_append_member (out, FALSE, "is-dso");
          json_append_bool (out, ct_record_get_boolean (member, "is-dso", FALSE));
          ct_admin_json_append_member (out, FALSE, "left");
          json_append_bool (out, ct_record_get_boolean (member, "left", FALSE));
          g_string_append (out, "}");
        }
      g_string_append (out, "]}\n");
      g_print ("%s", out->str);
      return 0;
    }

  if (staff->len == 0)
    {
      g_print ("%s\n", _("No members of staff are recorded yet. Add them in Caretrail’s Directory or with “caretrail-admin staff add”."));
      return 0;
    }

  g_print ("%-38s %-24s %-5s %s\n", _("ID"), _("NAME"), _("DSO"), _("ROLE"));
  for (guint i = 0; i < staff->len; i++)
    {
      CtRecord *member = g_ptr_array_index (staff, i);
      const char *name = ct_record_get_string (member, "name");
      const char *role = ct_record_get_string (member, "role");

      g_print ("%-38s %-24s %-5s %s%s\n", ct_record_get_id (member), name != NULL ? name : "-",
               ct_record_get_boolean (member, "is-dso", FALSE) ? _("yes") : _("no"),
               role != NULL ? role : "-",
               ct_record_get_boolean (member, "left", FALSE) ? _(" (no longer with us)") : "");
    }
  return 0;
}

/* }}} */

/* record and note {{{ */

static char *
list_keys (const CtStepForm *form)
{
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint q = 0; form != NULL && form->questions[q].key != NULL; q++)
    g_string_append_printf (keys, "%s%s", q > 0 ? ", " : "", form->questions[q].key);
  return g_string_free (g_steal_pointer (&keys), FALSE);
}

/* Reads KEY=VALUE arguments into answers, as @form's questions take them:
 * yes-no answers become booleans, choices must be one of their ids. */
gboolean
ct_admin_parse_answers (const CtStepForm  *form,
               char             **args,
               int                n_args,
               GHashTable        *answers,
               GError           **error)
{
  for (int i = 0; i < n_args; i++)
    {
      const char *eq = strchr (args[i], '=');
      g_autofree char *key = NULL;
      const char *value;
      const CtQuestion *question = NULL;

      if (eq == NULL || eq == args[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not an answer: write each one as KEY=VALUE, for example what=\"What was said\"."),
                       args[i]);
          return FALSE;
        }
      key = g_strndup (args[i], eq - args[i]);
      value = eq + 1;

      for (guint q = 0; form != NULL && form->questions[q].key != NULL && question == NULL; q++)
        if (strcmp (form->questions[q].key, key) == 0)
          question = &form->questions[q];
      if (question == NULL)
        {
          g_autofree char *keys = list_keys (form);

          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a question of the step “%s”. Its questions are: %s."),
                       key, ct_event_to_string (form->event), keys);
          return FALSE;
        }
      if (g_hash_table_contains (answers, key))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is answered twice. Give each answer once."), key);
          return FALSE;
        }

      switch (question->kind)
        {
        case CT_ANSWER_YES_NO:
          if (strcmp (value, "yes") != 0 && strcmp (value, "no") != 0)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("“%s” is answered yes or no, not “%s”."), key, value);
              return FALSE;
            }
          ct_answers_set_boolean (answers, key, strcmp (value, "yes") == 0);
          break;
        case CT_ANSWER_CHOICE:
          {
            g_auto(GStrv) choices = question_choices (question);

            if (choices != NULL && !g_strv_contains ((const char * const *) choices, value))
              {
                g_autofree char *ids = g_strjoinv (", ", choices);

                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("“%s” is not one of the answers to “%s”. Choose one of: %s."),
                             value, key, ids);
                return FALSE;
              }
            ct_answers_set_text (answers, key, value);
          }
          break;
        case CT_ANSWER_DATE:
          {
            GDate date;

            g_date_clear (&date, 1);
            if (strlen (value) == 10)
              g_date_set_parse (&date, value);
            if (strlen (value) != 10 || value[4] != '-' || value[7] != '-' || !g_date_valid (&date))
              {
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("“%s” is a date: write it as YYYY-MM-DD, not “%s”."), key, value);
                return FALSE;
              }
            if (!ct_clock_check_year (g_date_get_year (&date), value, error))
              return FALSE;
            ct_answers_set_text (answers, key, value);
          }
          break;
        case CT_ANSWER_TEXT:
        case CT_ANSWER_AGENCY:
        default:
          ct_answers_set_text (answers, key, value);
          break;
        }
    }
  return TRUE;
}

/* Records @event through the case service, the one path a step takes, and
 * prints the outcome. */
static int
record_step (const char  *command,
             const char  *database,
             const char  *reference,
             CtEvent      event,
             GHashTable  *answers,
             const char  *staff_id,
             const char  *at_text,
             const char  *copy_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(CtTransition) t = NULL;
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GDateTime) at = NULL;

  if (at_text != NULL)
    {
      at = ct_clock_parse_instant (at_text, &error);
      if (at == NULL)
        return ct_admin_usage_error (command, error->message);
    }

  service = ct_admin_open_service (command, database, &store);
  if (service == NULL)
    return 1;

  if (copy_path != NULL)
    {
      /* The copy is read and checked before anything is written, and kept
       * with the step in one transaction: both, or neither. */
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (copy_path);
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
      CtRecord *copy = ct_confirmation_copy_new_from_file (file, reference, staff_id, NULL,
                                                          &error);

      if (copy == NULL)
        {
          ct_store_close (store);
          return ct_admin_fail (command, error);
        }
      g_ptr_array_add (records, copy);
      ct_answers_set_text (answers, "copy",
                           ct_record_get_string (copy, "file-name") ?: _("a copy"));
      t = ct_case_service_record_with_records_sync (service, reference, event, answers, records,
                                                    staff_id, at, &case_record, &error);
    }
  else
    t = ct_case_service_record_sync (service, reference, event, answers, staff_id, at, &case_record, &error);
  ct_store_close (store);
  if (t == NULL)
    return ct_admin_fail (command, error);

  if (reference == NULL)
    {
      /* Only the reference, so that scripts can capture it. */
      g_print ("%s\n", ct_record_get_reference (case_record));
    }
  else if (event == CT_EVENT_NOTE)
    {
      g_print (_("Added to the chronology of case %s: %s\n"), reference, t->what);
    }
  else
    {
      g_print (_("Recorded “%s” in case %s, which is now: %s.\n"),
               ct_event_get_title (event), reference, ct_state_get_title (t->to));
    }

  if (t->notice != NULL)
    g_printerr (_("caretrail-admin %s: notice: %s\n"), command, t->notice);
  return 0;
}

/**
 * ct_admin_cmd_record:
 * @argc: argument count; argv[0] is "record"
 * @argv: arguments
 *
 * `caretrail-admin record (--case REF | --new) STEP [--at TIME] --by STAFF-ID
 * KEY=VALUE…` records a step of the procedure, as the app does.
 *
 * Returns: 0 on success, 1 if the step is refused or fails, 2 on a usage error
 */
int
ct_admin_cmd_record (int    argc,
                     char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *staff_id = NULL;
  g_autofree char *copy_path = NULL;
  gboolean new_case = FALSE;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The case’s reference, e.g. CT-2026-0001"), N_("REF") },
    { "new", 0, 0, G_OPTION_ARG_NONE, &new_case, N_("Open a new case with this step (concern-recorded or allegation-reported)"), NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When it happened, e.g. 2026-11-23T15:59 (UK time unless an offset is given; default now)"), N_("TIME") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &staff_id, N_("The id of the member of staff recording it (see “caretrail-admin staff”)"), N_("STAFF-ID") },
    { "copy", 0, 0, G_OPTION_ARG_FILENAME, &copy_path, N_("With confirmation-sent: a PDF, PNG or JPEG copy of what confirmed the referral, kept encrypted with the case"), N_("FILE") },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("STEP KEY=VALUE…"),
                                                                   _("Record a step of the procedure in a case, or open a new case with its first step.\n"
                                                                     "“caretrail-admin steps” lists the steps allowed now and the answers each takes.\n"
                                                                     "A new case’s reference is printed on its own line."));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = ct_answers_new ();
  const CtStepForm *form;
  CtEvent event;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "record", &argc, &argv);
  if (status != 0)
    return status;
  if (new_case == (reference != NULL))
    return ct_admin_usage_error ("record", _("Say which case with --case REF, or open a new one with --new."));
  if (argc < 2)
    return ct_admin_usage_error ("record", _("Name the step to record, for example escalated. “caretrail-admin steps” lists them."));
  if (staff_id == NULL)
    return ct_admin_usage_error ("record", _("Say who is recording this with --by STAFF-ID. “caretrail-admin staff” lists the ids."));

  if (!ct_event_from_string (argv[1], &event, &error))
    return ct_admin_usage_error ("record", error->message);
  if (event == CT_EVENT_NOTE)
    return ct_admin_usage_error ("record", _("Add a note with “caretrail-admin note”."));

  form = ct_step_form_get (event);
  if (!ct_admin_parse_answers (form, argv + 2, argc - 2, answers, &error))
    return ct_admin_usage_error ("record", error->message);

  if (copy_path != NULL && (event != CT_EVENT_CONFIRMATION_SENT || reference == NULL))
    return ct_admin_usage_error ("record", _("--copy keeps a copy of the written confirmation of a referral: it goes with the step confirmation-sent and --case REF."));

  return record_step ("record", database, reference, event, answers, staff_id, at_text, copy_path);
}

/**
 * ct_admin_cmd_note:
 * @argc: argument count; argv[0] is "note"
 * @argv: arguments
 *
 * `caretrail-admin note --case REF [--at TIME] --by STAFF-ID KIND KEY=VALUE…`
 * adds a call, meeting, email, letter or note to a case's chronology.
 *
 * Returns: 0 on success, 1 if it is refused or fails, 2 on a usage error
 */
int
ct_admin_cmd_note (int    argc,
                   char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *at_text = NULL;
  g_autofree char *staff_id = NULL;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The case’s reference, e.g. CT-2026-0001"), N_("REF") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("When it happened, e.g. 2026-11-23T15:59 (UK time unless an offset is given; default now)"), N_("TIME") },
    { "by", 0, 0, G_OPTION_ARG_STRING, &staff_id, N_("The id of the member of staff recording it (see “caretrail-admin staff”)"), N_("STAFF-ID") },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (_("KIND KEY=VALUE…"),
                                                                   _("Add an entry to a case’s chronology that is not a step of the procedure.\n"
                                                                     "KIND is phone-call, meeting, email-received, email-sent, letter-received,\n"
                                                                     "letter-sent or note. Answers: summary=… (required), with-whom=…, decided=…, reason=…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) answers = ct_answers_new ();
  const CtStepForm *form = ct_step_form_get (CT_EVENT_NOTE);
  g_autofree char *kind = NULL;
  char **rest;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "note", &argc, &argv);
  if (status != 0)
    return status;
  if (reference == NULL)
    return ct_admin_usage_error ("note", _("Say which case with --case, for example --case CT-2026-0001."));
  if (argc < 2)
    return ct_admin_usage_error ("note", _("Say what it was: phone-call, meeting, email-received, email-sent, letter-received, letter-sent or note."));
  if (staff_id == NULL)
    return ct_admin_usage_error ("note", _("Say who is recording this with --by STAFF-ID. “caretrail-admin staff” lists the ids."));

  /* The kind is the note's first answer, checked like the others. */
  kind = g_strdup_printf ("kind=%s", argv[1]);
  rest = g_new0 (char *, argc);
  rest[0] = kind;
  for (int i = 2; i < argc; i++)
    rest[i - 1] = argv[i];
  if (!ct_admin_parse_answers (form, rest, argc - 1, answers, &error))
    {
      g_free (rest);
      return ct_admin_usage_error ("note", error->message);
    }
  g_free (rest);

  return record_step ("note", database, reference, CT_EVENT_NOTE, answers, staff_id, at_text, NULL);
}

/* }}} */

/* show {{{ */

/**
 * ct_admin_cmd_show:
 * @argc: argument count; argv[0] is "show"
 * @argv: arguments
 *
 * `caretrail-admin show --case REF [--json]` prints where a case stands: its
 * state, its running clocks and when each is due, its next step, and its
 * chronology.
 *
 * Returns: 0 on success, 1 on failure, 2 on a usage error
 */
int
ct_admin_cmd_show (int    argc,
                   char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *reference = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The case’s reference, e.g. CT-2026-0001"), N_("REF") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &database, N_("The database to use (default: the app’s own database)"), N_("PATH") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = ct_admin_option_context_new (NULL, _("Show where a case stands: its state, every running clock and when it is due, the next step, and the chronology."));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(CtRecord) case_record = NULL;
  g_autoptr(GPtrArray) chronology = NULL;
  g_autoptr(GDateTime) now_utc = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) now = g_date_time_to_timezone (now_utc, ct_calendar_get_timezone ());
  g_auto(CtCaseReading) reading = { 0, };
  const CtCaseSnapshot *snapshot_ptr = &reading.snapshot;
  GDateTime **due = reading.due;
  CtNextStep *next;
  int status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "show", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("show", _("This command takes no arguments besides its options."));
  if (reference == NULL)
    return ct_admin_usage_error ("show", _("Say which case with --case, for example --case CT-2026-0001."));

  service = ct_admin_open_service ("show", database, &store);
  if (service == NULL)
    return 1;
  if (!ct_case_service_read_case_sync (service, reference, now, &case_record, &reading, &error))
    {
      ct_store_close (store);
      return ct_admin_fail ("show", error);
    }
  chronology = ct_store_list_sync (store, CT_RECORD_KIND_CHRONOLOGY, ct_record_get_id (case_record), &error);
  ct_store_close (store);
  if (chronology == NULL)
    return ct_admin_fail ("show", error);
  ct_case_service_sort_chronology (chronology);

  next = reading.next;

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{");
      g_autofree char *next_due = next->has_due && next->due != NULL ? ct_clock_format_iso8601 (next->due) : NULL;
      gboolean first = TRUE;

      ct_admin_json_append_member (out, TRUE, "reference");
      ct_admin_json_append_string (out, reference);
      ct_admin_json_append_member (out, FALSE, "state");
      g_string_append (out, "{");
      ct_admin_json_append_member (out, TRUE, "id");
      ct_admin_json_append_string (out, ct_state_to_string (snapshot_ptr->state));
      ct_admin_json_append_member (out, FALSE, "title");
      ct_admin_json_append_string (out, ct_state_get_title (snapshot_ptr->state));
      g_string_append (out, "}");

      ct_admin_json_append_member (out, FALSE, "next-step");
      g_string_append (out, "{");
      ct_admin_json_append_member (out, TRUE, "summary");
      ct_admin_json_append_string (out, next->summary);
      ct_admin_json_append_member (out, FALSE, "urgent");
      json_append_bool (out, next->urgent);
      ct_admin_json_append_member (out, FALSE, "clock");
      ct_admin_json_append_string (out, next->has_due ? ct_clock_kind_to_string (next->clock) : NULL);
      ct_admin_json_append_member (out, FALSE, "due");
      ct_admin_json_append_string (out, next_due);
      ct_admin_json_append_member (out, FALSE, "overdue");
      json_append_bool (out, next->has_due && next->overdue);
      g_string_append (out, "}");

      ct_admin_json_append_member (out, FALSE, "clocks");
      g_string_append (out, "[");
      for (guint c = 0; c < CT_N_CLOCKS; c++)
        {
          g_autofree char *started = NULL;
          g_autofree char *when = NULL;

          if (!snapshot_ptr->clocks[c].running)
            continue;
          started = format_usec (snapshot_ptr->clocks[c].started_at);
          when = due[c] != NULL ? ct_clock_format_iso8601 (due[c]) : NULL;
          g_string_append (out, first ? "{" : ", {");
          first = FALSE;
          ct_admin_json_append_member (out, TRUE, "id");
          ct_admin_json_append_string (out, ct_clock_kind_to_string ((CtClockKind) c));
          ct_admin_json_append_member (out, FALSE, "description");
          ct_admin_json_append_string (out, ct_clock_kind_describe ((CtClockKind) c));
          ct_admin_json_append_member (out, FALSE, "started-at");
          ct_admin_json_append_string (out, started);
          ct_admin_json_append_member (out, FALSE, "due");
          ct_admin_json_append_string (out, when);
          ct_admin_json_append_member (out, FALSE, "overdue");
          json_append_bool (out, due[c] != NULL && g_date_time_compare (due[c], now) < 0);
          ct_admin_json_append_member (out, FALSE, "period");
          ct_admin_json_append_string (out, ct_clock_is_rule_of_policy ((CtClockKind) c) ? "policy" : "our-default");
          g_string_append (out, "}");
        }
      g_string_append (out, "]");

      ct_admin_json_append_member (out, FALSE, "chronology");
      g_string_append (out, "[");
      for (guint i = 0; i < chronology->len; i++)
        {
          CtRecord *entry = g_ptr_array_index (chronology, i);
          g_autofree char *at = format_usec (ct_record_get_int64 (entry, "event", 0));
          g_autofree char *recorded = format_usec (ct_record_get_int64 (entry, "recorded-at", 0));

          g_string_append (out, i > 0 ? ", {" : "{");
          ct_admin_json_append_member (out, TRUE, "at");
          ct_admin_json_append_string (out, at);
          ct_admin_json_append_member (out, FALSE, "recorded-at");
          ct_admin_json_append_string (out, recorded);
          ct_admin_json_append_member (out, FALSE, "who");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "who"));
          ct_admin_json_append_member (out, FALSE, "staff-id");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "staff-id"));
          ct_admin_json_append_member (out, FALSE, "step");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "procedure-event"));
          ct_admin_json_append_member (out, FALSE, "what");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "what"));
          ct_admin_json_append_member (out, FALSE, "why");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "why"));
          ct_admin_json_append_member (out, FALSE, "details");
          ct_admin_json_append_string (out, ct_record_get_string (entry, "details"));
          g_string_append (out, "}");
        }
      g_string_append (out, "]}\n");
      g_print ("%s", out->str);
    }
  else
    {
      g_print (_("Case %s\n"), reference);
      g_print (_("State: %s (%s)\n"), ct_state_get_title (snapshot_ptr->state), ct_state_to_string (snapshot_ptr->state));
      if (next->urgent)
        g_print ("%s\n", _("URGENT: a child may be at immediate risk and no urgent referral has been made."));
      g_print (_("Next: %s\n"), next->summary);

      g_print ("\n%s\n", _("Clocks:"));
      {
        gboolean any = FALSE;

        for (guint c = 0; c < CT_N_CLOCKS; c++)
          {
            g_autofree char *when = NULL;

            if (!snapshot_ptr->clocks[c].running)
              continue;
            any = TRUE;
            when = due[c] != NULL ? ct_clock_format_iso8601 (due[c]) : g_strdup ("-");
            /* Translators: a clock's name, when it is due, what it is for and whose rule its period is */
            g_print (_("  %-22s due %s%s — %s (%s)\n"), ct_clock_kind_to_string ((CtClockKind) c), when,
                     due[c] != NULL && g_date_time_compare (due[c], now) < 0 ? _(" OVERDUE") : "",
                     ct_clock_kind_describe ((CtClockKind) c),
                     ct_clock_is_rule_of_policy ((CtClockKind) c) ? _("the policy’s rule") : _("our default, a setting"));
          }
        if (!any)
          g_print ("  %s\n", _("none running"));
      }

      g_print ("\n%s\n", _("Chronology:"));
      if (chronology->len == 0)
        g_print ("  %s\n", _("no entries"));
      for (guint i = 0; i < chronology->len; i++)
        {
          CtRecord *entry = g_ptr_array_index (chronology, i);
          gint64 at_us = ct_record_get_int64 (entry, "event", 0);
          gint64 recorded_us = ct_record_get_int64 (entry, "recorded-at", 0);
          g_autofree char *at = format_usec (at_us);
          const char *who = ct_record_get_string (entry, "who");
          const char *staff_id = ct_record_get_string (entry, "staff-id");
          const char *step = ct_record_get_string (entry, "procedure-event");
          const char *what = ct_record_get_string (entry, "what");
          const char *why = ct_record_get_string (entry, "why");
          g_autofree char *rendered_what = NULL;
          g_autofree char *rendered_why = NULL;

          /* Stored as the procedure words it; shown in the reader's language. */
          if (ct_procedure_render_entry (entry, &rendered_what, &rendered_why))
            {
              what = rendered_what;
              why = rendered_why;
            }

          g_print ("  %s  [%s] %s\n", at != NULL ? at : "-", step != NULL ? step : "-", what != NULL ? what : "");
          if (staff_id != NULL)
            g_print (_("      by %s (staff id %s)\n"), who != NULL ? who : "-", staff_id);
          else
            g_print (_("      by %s\n"), who != NULL ? who : "-");
          /* Say when it was recorded when that was not at the time. */
          if (recorded_us > 0 && llabs (recorded_us - at_us) >= G_TIME_SPAN_MINUTE)
            {
              g_autofree char *recorded = format_usec (recorded_us);

              g_print (_("      recorded %s\n"), recorded);
            }
          if (why != NULL)
            g_print (_("      why: %s\n"), why);
        }
    }

  return 0;
}

/* }}} */

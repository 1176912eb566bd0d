/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-procedure"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-calendar.h"
#include "ct-case-service.h"
#include "ct-clock.h"
#include "ct-procedure.h"

/* caretrail-admin due: the due instant of one of the procedure's clocks. */

static const struct
{
  const char  *event;
  CtClockKind  clock;
} due_events[] = {
  { "concern-recorded", CT_CLOCK_ESCALATION },
  { "referral-made", CT_CLOCK_WRITTEN_CONFIRMATION },
  { "la-decision", CT_CLOCK_LA_DECISION },
  { "la-chase", CT_CLOCK_LA_CHASE },
  { "allegation-reported", CT_CLOCK_LADO },
};

/**
 * ct_admin_cmd_due:
 * @argc: argument count; argv[0] is "due"
 * @argv: arguments
 *
 * `caretrail-admin due EVENT --at TIME [--nation NATION] [--cutoff HH:MM]
 * [--period PERIOD]` prints, in ISO 8601 UK time, when the clock that EVENT
 * starts at TIME is due: concern-recorded (escalation), referral-made
 * (written confirmation), la-decision, la-chase, allegation-reported (LADO).
 *
 * Escalation is due the same day, or the following calendar day when the
 * concern is recorded at or after the cut-off, even if that day is a
 * weekend or bank holiday (seed 000): a warning on standard error says so
 * when it is not a working day.
 *
 * Returns: 0 on success, 1 if the calendar cannot be loaded, 2 on a usage error
 */
int
ct_admin_cmd_due (int    argc,
                  char **argv)
{
  g_autofree char *at_text = NULL;
  g_autofree char *notice = NULL;
  g_autofree char *nation_text = NULL;
  g_autofree char *cutoff_text = NULL;
  g_autofree char *period_text = NULL;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text,
      N_("When the event happened, e.g. 2026-11-23T15:59 (UK time unless an offset is given)"), N_("TIME") },
    { "nation", 0, 0, G_OPTION_ARG_STRING, &nation_text,
      N_("Whose bank holidays apply: england-wales (default), scotland or northern-ireland"), N_("NATION") },
    { "cutoff", 0, 0, G_OPTION_ARG_STRING, &cutoff_text,
      N_("The office’s cut-off time for same-day escalation (default 16:00)"), N_("HH:MM") },
    { "period", 0, 0, G_OPTION_ARG_STRING, &period_text,
      N_("The local authority’s written-confirmation period: 48h (default), 24h, 2wd…"), N_("PERIOD") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("EVENT"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCalendar) calendar = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GString) events = g_string_new (NULL);
  CtClockSettings settings;
  CtNation nation = CT_NATION_ENGLAND_WALES;
  const char *event;
  gboolean found = FALSE;
  CtClockKind clock = CT_CLOCK_ESCALATION;
  int status;

  for (guint i = 0; i < G_N_ELEMENTS (due_events); i++)
    g_string_append_printf (events, "%s%s", i ? ", " : "", due_events[i].event);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Print when the clock started by EVENT at TIME is due, in UK time.\n"
                                  "EVENT is one of concern-recorded (escalation), referral-made (written\n"
                                  "confirmation), la-decision, la-chase or allegation-reported (LADO).\n\n"
                                  "A concern must be escalated the same day, or by the end of the following\n"
                                  "day if it is recorded at or after the cut-off time, even when that day is\n"
                                  "a weekend or a bank holiday: then a warning says to escalate now or use\n"
                                  "the out-of-hours route."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  status = ct_admin_parse_options (context, "due", &argc, &argv);
  if (status != 0)
    return status;

  if (argc != 2)
    {
      g_autofree char *msg = g_strdup_printf (_("Give exactly one event: %s."), events->str);
      return ct_admin_usage_error ("due", msg);
    }
  event = argv[1];

  for (guint i = 0; i < G_N_ELEMENTS (due_events); i++)
    {
      if (strcmp (event, due_events[i].event) == 0)
        {
          clock = due_events[i].clock;
          found = TRUE;
        }
    }
  if (!found)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” is not an event with a clock. Use one of %s."),
                                              event, events->str);
      return ct_admin_usage_error ("due", msg);
    }

  if (at_text == NULL)
    return ct_admin_usage_error ("due", _("Say when the event happened with --at, for example --at 2026-11-23T15:59."));

  ct_clock_settings_init_defaults (&settings);

  if (nation_text != NULL && !ct_nation_from_string (nation_text, &nation, &error))
    return ct_admin_usage_error ("due", error->message);
  if (cutoff_text != NULL && !ct_cutoff_parse (cutoff_text, &settings.cutoff_minutes, &error))
    return ct_admin_usage_error ("due", error->message);
  if (period_text != NULL)
    {
      if (clock != CT_CLOCK_WRITTEN_CONFIRMATION)
        return ct_admin_usage_error ("due", _("--period applies only to referral-made (the written confirmation)."));
      if (!ct_period_parse (period_text, &settings.confirmation_period, &error))
        return ct_admin_usage_error ("due", error->message);
    }
  if (cutoff_text != NULL && clock != CT_CLOCK_ESCALATION)
    return ct_admin_usage_error ("due", _("--cutoff applies only to concern-recorded (the escalation)."));

  at = ct_clock_parse_instant (at_text, &error);
  if (at == NULL)
    return ct_admin_usage_error ("due", error->message);

  calendar = ct_calendar_new (nation, &error);
  if (calendar == NULL)
    {
      ct_admin_print_error ("due", error);
      return 1;
    }

  due = ct_procedure_clock_due (calendar, &settings, clock, at, &notice, &error);
  if (due == NULL)
    {
      ct_admin_print_error ("due", error);
      return 1;
    }

  text = ct_clock_format_iso8601 (due);
  g_print ("%s\n", text);
  if (notice != NULL)
    g_printerr (_("caretrail-admin due: warning: %s\n"), notice);
  return 0;
}

/* caretrail-admin next and overdue: the procedure over the stored cases. */

/* --at, or the present moment. */
static GDateTime *
parse_now (const char  *text,
           GError     **error)
{
  if (text == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      return g_date_time_to_timezone (now, ct_calendar_get_timezone ());
    }
  return ct_clock_parse_instant (text, error);
}

/**
 * ct_admin_cmd_next:
 * @argc: argument count; argv[0] is "next"
 * @argv: arguments
 *
 * `caretrail-admin next --case REF [--database PATH] [--at TIME]` prints the
 * case's state, what the policy asks for next and why, and when it is due.
 *
 * Returns: 0 on success, 1 on failure, 2 on a usage error
 */
int
ct_admin_cmd_next (int    argc,
                   char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *at_text = NULL;
  const GOptionEntry entries[] = {
    { "case", 0, 0, G_OPTION_ARG_STRING, &reference, N_("The case’s reference, e.g. CT-2026-0001"), N_("REF") },
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, N_("The database file (default: the app’s own)"), N_("PATH") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Judge lateness at this time instead of now"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(CtNextStep) step = NULL;
  g_autoptr(GDateTime) now = NULL;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Print what the procedure asks for next in a case, why, and by when."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "next", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("next", _("Name the case with --case only."));
  if (reference == NULL)
    return ct_admin_usage_error ("next", _("Say which case with --case, for example --case CT-2026-0001."));

  now = parse_now (at_text, &error);
  if (now == NULL)
    return ct_admin_usage_error ("next", error->message);

  service = ct_admin_open_service ("next", database, &store);
  if (service == NULL)
    return 1;

  step = ct_case_service_next_step_sync (service, reference, now, &error);
  ct_store_close (store);
  if (step == NULL)
    {
      ct_admin_print_error ("next", error);
      return 1;
    }

  g_print ("%s: %s\n", reference, ct_state_get_title (step->state));
  g_print (_("Next: %s\n"), step->summary);
  if (step->has_due)
    {
      g_autofree char *due = ct_clock_format_iso8601 (step->due);

      /* Translators: the due time, the clock's name, and whether it has passed */
      g_print (_("Due: %s (%s)%s\n"), due, ct_clock_kind_to_string (step->clock),
               step->overdue ? _(" OVERDUE") : "");
    }
  else
    {
      g_print ("%s\n", _("Due: no deadline"));
    }
  g_print (_("Why: %s\n"), step->explanation);
  return 0;
}

/**
 * ct_admin_cmd_overdue:
 * @argc: argument count; argv[0] is "overdue"
 * @argv: arguments
 *
 * `caretrail-admin overdue [--database PATH] [--at TIME]` lists every step
 * whose due time has passed, across all cases, the most overdue first.
 *
 * Returns: 0 on success (whether or not anything is overdue), 1 on failure,
 *   2 on a usage error
 */
int
ct_admin_cmd_overdue (int    argc,
                      char **argv)
{
  g_autofree char *database = NULL;
  g_autofree char *at_text = NULL;
  const GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, N_("The database file (default: the app’s own)"), N_("PATH") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at_text, N_("Judge lateness at this time instead of now"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autoptr(CtCaseService) service = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GDateTime) now = NULL;
  int status;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("List every step of the procedure that is overdue, across all cases."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  status = ct_admin_parse_options (context, "overdue", &argc, &argv);
  if (status != 0)
    return status;
  if (argc != 1)
    return ct_admin_usage_error ("overdue", _("This command takes no arguments besides its options."));

  now = parse_now (at_text, &error);
  if (now == NULL)
    return ct_admin_usage_error ("overdue", error->message);

  service = ct_admin_open_service ("overdue", database, &store);
  if (service == NULL)
    return 1;

  items = ct_case_service_list_due_sync (service, now, TRUE, &error);
  ct_store_close (store);
  if (items == NULL)
    {
      ct_admin_print_error ("overdue", error);
      return 1;
    }

  if (items->len == 0)
    {
      g_print ("%s\n", _("Nothing is overdue."));
      return 0;
    }

  g_print ("%-16s %-26s %-22s %s\n", _("REFERENCE"), _("DUE"), _("CLOCK"), _("WHAT"));
  for (guint i = 0; i < items->len; i++)
    {
      CtDueItem *item = g_ptr_array_index (items, i);
      g_autofree char *due = ct_clock_format_iso8601 (item->due);

      g_print ("%-16s %-26s %-22s %s\n", item->reference != NULL ? item->reference : "-",
               due, ct_clock_kind_to_string (item->clock), item->description);
    }
  return 0;
}

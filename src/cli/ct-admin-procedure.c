/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-admin-procedure"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-admin-commands.h"
#include "ct-calendar.h"
#include "ct-clock.h"

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

static int
due_usage_error (const char *message)
{
  g_printerr ("caretrail-admin due: %s\n", message);
  g_printerr (_("Run “caretrail-admin %s --help” to see its options.\n"), "due");
  return 2;
}

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
 * Returns: 0 on success, 1 if the calendar cannot be loaded, 2 on a usage error
 */
int
ct_admin_cmd_due (int    argc,
                  char **argv)
{
  g_autofree char *at_text = NULL;
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
                                  "confirmation), la-decision, la-chase or allegation-reported (LADO)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  status = ct_admin_parse_options (context, "due", &argc, &argv);
  if (status != 0)
    return status;

  if (argc != 2)
    {
      g_autofree char *msg = g_strdup_printf (_("Give exactly one event: %s."), events->str);
      return due_usage_error (msg);
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
      return due_usage_error (msg);
    }

  if (at_text == NULL)
    return due_usage_error (_("Say when the event happened with --at, for example --at 2026-11-23T15:59."));

  ct_clock_settings_init_defaults (&settings);

  if (nation_text != NULL && !ct_nation_from_string (nation_text, &nation, &error))
    return due_usage_error (error->message);
  if (cutoff_text != NULL && !ct_cutoff_parse (cutoff_text, &settings.cutoff_minutes, &error))
    return due_usage_error (error->message);
  if (period_text != NULL)
    {
      if (clock != CT_CLOCK_WRITTEN_CONFIRMATION)
        return due_usage_error (_("--period applies only to referral-made (the written confirmation)."));
      if (!ct_period_parse (period_text, &settings.confirmation_period, &error))
        return due_usage_error (error->message);
    }
  if (cutoff_text != NULL && clock != CT_CLOCK_ESCALATION)
    return due_usage_error (_("--cutoff applies only to concern-recorded (the escalation)."));

  at = ct_clock_parse_instant (at_text, &error);
  if (at == NULL)
    return due_usage_error (error->message);

  calendar = ct_calendar_new (nation, &error);
  if (calendar == NULL)
    {
      ct_admin_print_error ("due", error);
      return 1;
    }

  due = ct_clock_due (calendar, &settings, clock, at, &error);
  if (due == NULL)
    {
      ct_admin_print_error ("due", error);
      return 1;
    }

  text = ct_clock_format_iso8601 (due);
  g_print ("%s\n", text);
  return 0;
}

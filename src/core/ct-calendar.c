/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-calendar"

#include "config.h"

#include "ct-calendar.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

/*
 * Bank holidays are computed from the rules that define them, so the calendar
 * never goes stale for an ordinary year:
 *
 *   all nations        New Year's Day (1 January), Good Friday, the early May
 *                      bank holiday (first Monday in May), the spring bank
 *                      holiday (last Monday in May), Christmas Day, Boxing Day
 *   England and Wales  Easter Monday; summer bank holiday (last Monday in August)
 *   Scotland           2 January; summer bank holiday (first Monday in August);
 *                      St Andrew's Day (30 November); no Easter Monday
 *   Northern Ireland   Easter Monday; St Patrick's Day (17 March); Battle of the
 *                      Boyne (12 July); summer bank holiday (last Monday in August)
 *
 * A holiday that falls on a Saturday or Sunday is replaced by a substitute
 * day: the next weekday that is not already a holiday. Holidays that fall on
 * weekdays are placed first and the weekend ones are then substituted in date
 * order, which gives the right answer when two holidays fall at the same
 * weekend: Christmas on Saturday and Boxing Day on Sunday give Monday 27 and
 * Tuesday 28 December; Christmas on Sunday gives Boxing Day on Monday 26 and
 * the Christmas substitute on Tuesday 27; in Scotland, New Year's Day on a
 * Sunday gives 2 January on Monday and the substitute on Tuesday 3 January.
 *
 * One-off holidays proclaimed by the government, and holidays moved for a
 * year, come from data/bank-holidays.ini, compiled into the GResource so the
 * application can never run without it.
 */

#define LONDON_RULE "GMT0BST,M3.5.0/1,M10.5.0"

typedef struct
{
  GDate  date;
  GDate  replaces;   /* invalid unless the entry moves a holiday */
  char  *name;
} Override;

struct _CtCalendar
{
  GObject     parent_instance;

  CtNation    nation;
  GPtrArray  *overrides;   /* Override*, for this nation only */

  GMutex      lock;
  GHashTable *years;       /* GINT_TO_POINTER (year) -> GHashTable (julian -> name) */
};

G_DEFINE_FINAL_TYPE (CtCalendar, ct_calendar, G_TYPE_OBJECT)

G_DEFINE_QUARK (ct-calendar-error-quark, ct_calendar_error)

static const char * const nation_names[CT_N_NATIONS] = {
  "england-wales",
  "scotland",
  "northern-ireland",
};

/**
 * ct_nation_to_string:
 * @nation: a nation
 *
 * Returns: the stable kebab-case name of @nation, as stored in settings.
 */
const char *
ct_nation_to_string (CtNation nation)
{
  g_return_val_if_fail (nation < CT_N_NATIONS, NULL);
  return nation_names[nation];
}

/**
 * ct_nation_get_display_name:
 * @nation: a nation
 *
 * Returns: the translated name of @nation for people to read.
 */
const char *
ct_nation_get_display_name (CtNation nation)
{
  switch (nation)
    {
    case CT_NATION_ENGLAND_WALES:
      return _("England and Wales");
    case CT_NATION_SCOTLAND:
      return _("Scotland");
    case CT_NATION_NORTHERN_IRELAND:
      return _("Northern Ireland");
    case CT_N_NATIONS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ct_nation_from_string:
 * @str: a nation's name: "england-wales", "scotland" or "northern-ireland"
 *   ("england-and-wales" is accepted too)
 * @out_nation: (out): where to put the nation
 * @error: return location for a #CT_CALENDAR_ERROR_UNKNOWN_NATION error
 *
 * Returns: %TRUE if @str names a nation
 */
gboolean
ct_nation_from_string (const char  *str,
                       CtNation    *out_nation,
                       GError     **error)
{
  g_return_val_if_fail (out_nation != NULL, FALSE);

  if (str != NULL)
    {
      for (guint i = 0; i < CT_N_NATIONS; i++)
        {
          if (strcmp (str, nation_names[i]) == 0)
            {
              *out_nation = (CtNation) i;
              return TRUE;
            }
        }
      if (strcmp (str, "england-and-wales") == 0)
        {
          *out_nation = CT_NATION_ENGLAND_WALES;
          return TRUE;
        }
    }

  g_set_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_UNKNOWN_NATION,
               _("“%s” is not a nation Caretrail knows. Use england-wales, scotland or northern-ireland."),
               str != NULL ? str : "");
  return FALSE;
}

/**
 * ct_calendar_get_timezone:
 *
 * Every clock in Caretrail runs in UK time. This returns Europe/London from
 * the system's time zone database, or, if that is missing, the equivalent
 * POSIX rule (GMT, with British Summer Time from 01:00 UTC on the last Sunday
 * in March to 01:00 UTC on the last Sunday in October).
 *
 * Returns: (transfer none): the Europe/London time zone
 */
GTimeZone *
ct_calendar_get_timezone (void)
{
  static GTimeZone *london;

  if (g_once_init_enter (&london))
    {
      GTimeZone *tz = g_time_zone_new_identifier ("Europe/London");

      if (tz == NULL)
        {
          g_warning ("The time zone Europe/London is not installed (install tzdata); using the built-in UK rule.");
          tz = g_time_zone_new_identifier (LONDON_RULE);
        }
      g_once_init_leave (&london, tz);
    }

  return london;
}

/**
 * ct_calendar_compute_easter:
 * @year: a Gregorian year
 * @out_date: (out caller-allocates): Easter Sunday of @year
 *
 * Computes Easter Sunday with the anonymous Gregorian algorithm (Meeus,
 * Jones, Butcher).
 */
void
ct_calendar_compute_easter (int    year,
                            GDate *out_date)
{
  int a = year % 19;
  int b = year / 100;
  int c = year % 100;
  int d = b / 4;
  int e = b % 4;
  int f = (b + 8) / 25;
  int g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4;
  int k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31;
  int day = ((h + l - 7 * m + 114) % 31) + 1;

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

void
ct_bank_holiday_free (CtBankHoliday *holiday)
{
  if (holiday == NULL)
    return;
  g_free (holiday->name);
  g_free (holiday);
}

static void
override_free (gpointer data)
{
  Override *o = data;

  g_free (o->name);
  g_free (o);
}

static gboolean
is_weekend (const GDate *date)
{
  GDateWeekday wd = g_date_get_weekday (date);

  return wd == G_DATE_SATURDAY || wd == G_DATE_SUNDAY;
}

/* The first Monday of @month in @year. */
static void
first_monday (int         year,
              GDateMonth  month,
              GDate      *out)
{
  g_date_clear (out, 1);
  g_date_set_dmy (out, 1, month, (GDateYear) year);
  while (g_date_get_weekday (out) != G_DATE_MONDAY)
    g_date_add_days (out, 1);
}

/* The last Monday of @month in @year. */
static void
last_monday (int         year,
             GDateMonth  month,
             GDate      *out)
{
  g_date_clear (out, 1);
  g_date_set_dmy (out, g_date_get_days_in_month (month, (GDateYear) year),
                  month, (GDateYear) year);
  while (g_date_get_weekday (out) != G_DATE_MONDAY)
    g_date_subtract_days (out, 1);
}

typedef struct
{
  GDate       date;
  const char *name;  /* untranslated */
} RuleHoliday;

static void
add_rule (GArray     *rules,
          int         year,
          GDateMonth  month,
          int         day,
          const char *name)
{
  RuleHoliday h;

  g_date_clear (&h.date, 1);
  g_date_set_dmy (&h.date, (GDateDay) day, month, (GDateYear) year);
  h.name = name;
  g_array_append_val (rules, h);
}

static void
add_rule_date (GArray      *rules,
               const GDate *date,
               const char  *name)
{
  RuleHoliday h;

  h.date = *date;
  h.name = name;
  g_array_append_val (rules, h);
}

static int
compare_rule_holidays (gconstpointer a,
                       gconstpointer b)
{
  return g_date_compare (&((const RuleHoliday *) a)->date,
                         &((const RuleHoliday *) b)->date);
}

/* The holidays the standing rules give for @year, with substitute days. */
static GHashTable *
compute_rule_holidays (CtNation nation,
                       int      year)
{
  g_autoptr(GArray) rules = g_array_new (FALSE, FALSE, sizeof (RuleHoliday));
  GHashTable *days = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GDate easter, d;

  ct_calendar_compute_easter (year, &easter);

  add_rule (rules, year, G_DATE_JANUARY, 1, N_("New Year’s Day"));
  if (nation == CT_NATION_SCOTLAND)
    add_rule (rules, year, G_DATE_JANUARY, 2, N_("2 January"));
  if (nation == CT_NATION_NORTHERN_IRELAND)
    add_rule (rules, year, G_DATE_MARCH, 17, N_("St Patrick’s Day"));

  d = easter;
  g_date_subtract_days (&d, 2);
  add_rule_date (rules, &d, N_("Good Friday"));
  if (nation != CT_NATION_SCOTLAND)
    {
      d = easter;
      g_date_add_days (&d, 1);
      add_rule_date (rules, &d, N_("Easter Monday"));
    }

  first_monday (year, G_DATE_MAY, &d);
  add_rule_date (rules, &d, N_("Early May bank holiday"));
  last_monday (year, G_DATE_MAY, &d);
  add_rule_date (rules, &d, N_("Spring bank holiday"));

  if (nation == CT_NATION_NORTHERN_IRELAND)
    add_rule (rules, year, G_DATE_JULY, 12, N_("Battle of the Boyne (Orangemen’s Day)"));

  if (nation == CT_NATION_SCOTLAND)
    first_monday (year, G_DATE_AUGUST, &d);
  else
    last_monday (year, G_DATE_AUGUST, &d);
  add_rule_date (rules, &d, N_("Summer bank holiday"));

  if (nation == CT_NATION_SCOTLAND)
    add_rule (rules, year, G_DATE_NOVEMBER, 30, N_("St Andrew’s Day"));

  add_rule (rules, year, G_DATE_DECEMBER, 25, N_("Christmas Day"));
  add_rule (rules, year, G_DATE_DECEMBER, 26, N_("Boxing Day"));

  g_array_sort (rules, compare_rule_holidays);

  /* Weekday holidays first, so substitutes never land on them. */
  for (guint i = 0; i < rules->len; i++)
    {
      const RuleHoliday *h = &g_array_index (rules, RuleHoliday, i);

      if (!is_weekend (&h->date))
        g_hash_table_insert (days, GUINT_TO_POINTER (g_date_get_julian (&h->date)),
                             g_strdup (_(h->name)));
    }

  /* Then each weekend holiday, in date order, moves to the next free weekday. */
  for (guint i = 0; i < rules->len; i++)
    {
      const RuleHoliday *h = &g_array_index (rules, RuleHoliday, i);

      if (!is_weekend (&h->date))
        continue;

      d = h->date;
      do
        g_date_add_days (&d, 1);
      while (is_weekend (&d) ||
             g_hash_table_contains (days, GUINT_TO_POINTER (g_date_get_julian (&d))));

      g_hash_table_insert (days, GUINT_TO_POINTER (g_date_get_julian (&d)),
                           /* Translators: %s is a bank holiday's name */
                           g_strdup_printf (_("%s (substitute day)"), _(h->name)));
    }

  return days;
}

/* Must be called with the lock held. */
static GHashTable *
lookup_year_locked (CtCalendar *self,
                    int         year)
{
  GHashTable *days = g_hash_table_lookup (self->years, GINT_TO_POINTER (year));

  if (days != NULL)
    return days;

  days = compute_rule_holidays (self->nation, year);

  for (guint i = 0; i < self->overrides->len; i++)
    {
      const Override *o = g_ptr_array_index (self->overrides, i);

      if (g_date_valid (&o->replaces) && g_date_get_year (&o->replaces) == year)
        g_hash_table_remove (days, GUINT_TO_POINTER (g_date_get_julian (&o->replaces)));
    }
  for (guint i = 0; i < self->overrides->len; i++)
    {
      const Override *o = g_ptr_array_index (self->overrides, i);

      if (g_date_get_year (&o->date) == year)
        g_hash_table_insert (days, GUINT_TO_POINTER (g_date_get_julian (&o->date)),
                             g_strdup (o->name));
    }

  g_hash_table_insert (self->years, GINT_TO_POINTER (year), days);
  return days;
}

static void
ct_calendar_finalize (GObject *object)
{
  CtCalendar *self = (CtCalendar *) object;

  g_clear_pointer (&self->overrides, g_ptr_array_unref);
  g_clear_pointer (&self->years, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ct_calendar_parent_class)->finalize (object);
}

static void
ct_calendar_class_init (CtCalendarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ct_calendar_finalize;
}

static void
ct_calendar_init (CtCalendar *self)
{
  g_mutex_init (&self->lock);
  self->overrides = g_ptr_array_new_with_free_func (override_free);
  self->years = g_hash_table_new_full (NULL, NULL, NULL,
                                       (GDestroyNotify) g_hash_table_unref);
}

/* Strict YYYY-MM-DD. */
static gboolean
parse_iso_date (const char *text,
                GDate      *out)
{
  guint y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = (guint) g_ascii_strtoull (text, NULL, 10);
  m = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
  return TRUE;
}

static gboolean
bad_data (GError    **error,
          const char *group,
          const char *problem)
{
  g_set_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_BAD_DATA,
               /* Translators: the first %s is an entry's name, the second what is wrong with it */
               _("The bank-holiday data is damaged: in entry “%s”, %s. Reinstall Caretrail or correct data/bank-holidays.ini."),
               group, problem);
  return FALSE;
}

static gboolean
load_overrides (CtCalendar  *self,
                const char  *data,
                gssize       length,
                GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (keyfile, data, length < 0 ? strlen (data) : (gsize) length,
                                  G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_BAD_DATA,
                   _("The bank-holiday data could not be read (%s). Reinstall Caretrail or correct data/bank-holidays.ini."),
                   local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *group = groups[i];
      g_auto(GStrv) keys = g_key_file_get_keys (keyfile, group, NULL, NULL);
      g_autofree char *date_text = NULL;
      g_autofree char *replaces_text = NULL;
      g_autofree char *name = NULL;
      g_auto(GStrv) nations = NULL;
      gboolean for_us = FALSE;
      Override *o;

      for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
        {
          if (g_strcmp0 (keys[k], "date") != 0 && g_strcmp0 (keys[k], "replaces") != 0 &&
              g_strcmp0 (keys[k], "name") != 0 && g_strcmp0 (keys[k], "nations") != 0)
            {
              g_autofree char *problem = g_strdup_printf (_("the key “%s” is not known"), keys[k]);
              return bad_data (error, group, problem);
            }
        }

      date_text = g_key_file_get_string (keyfile, group, "date", NULL);
      name = g_key_file_get_locale_string (keyfile, group, "name", NULL, NULL);
      nations = g_key_file_get_string_list (keyfile, group, "nations", NULL, NULL);
      replaces_text = g_key_file_get_string (keyfile, group, "replaces", NULL);

      o = g_new0 (Override, 1);
      g_date_clear (&o->date, 1);
      g_date_clear (&o->replaces, 1);
      o->name = g_steal_pointer (&name);

      if (!parse_iso_date (date_text, &o->date))
        {
          override_free (o);
          return bad_data (error, group, _("the date must be written YYYY-MM-DD"));
        }
      if (replaces_text != NULL &&
          (!parse_iso_date (replaces_text, &o->replaces) ||
           g_date_get_year (&o->replaces) != g_date_get_year (&o->date)))
        {
          override_free (o);
          return bad_data (error, group, _("the replaced date must be written YYYY-MM-DD, in the same year"));
        }
      if (o->name == NULL || o->name[0] == '\0')
        {
          override_free (o);
          return bad_data (error, group, _("the holiday has no name"));
        }
      if (nations == NULL || nations[0] == NULL)
        {
          override_free (o);
          return bad_data (error, group, _("no nations are listed"));
        }
      for (guint n = 0; nations[n] != NULL; n++)
        {
          CtNation nation;

          if (!ct_nation_from_string (g_strstrip (nations[n]), &nation, NULL))
            {
              g_autofree char *problem = g_strdup_printf (_("“%s” is not a nation"), nations[n]);
              override_free (o);
              return bad_data (error, group, problem);
            }
          if (nation == self->nation)
            for_us = TRUE;
        }

      if (!for_us)
        {
          override_free (o);
          continue;
        }

      /* A moved holiday must replace a day the rules actually give, or the
       * data and the rules disagree and neither can be trusted. */
      if (g_date_valid (&o->replaces))
        {
          g_autoptr(GHashTable) days = compute_rule_holidays (self->nation,
                                                              g_date_get_year (&o->replaces));

          if (!g_hash_table_contains (days, GUINT_TO_POINTER (g_date_get_julian (&o->replaces))))
            {
              override_free (o);
              return bad_data (error, group, _("the replaced date is not a bank holiday by the standing rules"));
            }
        }

      g_ptr_array_add (self->overrides, o);
    }

  return TRUE;
}

/**
 * ct_calendar_new_from_data:
 * @nation: the nation whose bank holidays apply
 * @data: the contents of a bank-holidays.ini file
 * @length: the length of @data, or -1 if it is nul-terminated
 * @error: return location for a #CT_CALENDAR_ERROR
 *
 * Creates a working-day calendar from the standing rules plus the one-off
 * holidays in @data. Each group of @data is one holiday with the keys `date`
 * (YYYY-MM-DD), `name`, `nations` (a list of nation names) and, for a moved
 * holiday, `replaces` (the date the rules would have given).
 *
 * Returns: (transfer full): a new calendar, or %NULL if @data is damaged
 */
CtCalendar *
ct_calendar_new_from_data (CtNation     nation,
                           const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(CtCalendar) self = NULL;

  g_return_val_if_fail (nation < CT_N_NATIONS, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (CT_TYPE_CALENDAR, NULL);
  self->nation = nation;

  if (!load_overrides (self, data, length, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * ct_calendar_new:
 * @nation: the nation whose bank holidays apply
 * @error: return location for a #CT_CALENDAR_ERROR
 *
 * Creates a working-day calendar from the standing rules plus the one-off
 * holidays compiled into the application at %CT_CALENDAR_RESOURCE_PATH.
 * If that data is missing or damaged the calendar is not created: clocks
 * computed without it could be a day out.
 *
 * Returns: (transfer full): a new calendar, or %NULL on error
 */
CtCalendar *
ct_calendar_new (CtNation   nation,
                 GError   **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data;

  bytes = g_resources_lookup_data (CT_CALENDAR_RESOURCE_PATH,
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_MISSING_DATA,
                   _("The list of proclaimed bank holidays is missing from this build of Caretrail, so working days cannot be counted safely. Reinstall Caretrail."));
      return NULL;
    }

  data = g_bytes_get_data (bytes, &size);
  return ct_calendar_new_from_data (nation, data, (gssize) size, error);
}

/**
 * ct_calendar_get_nation:
 * @self: a calendar
 *
 * Returns: the nation whose bank holidays @self follows
 */
CtNation
ct_calendar_get_nation (CtCalendar *self)
{
  g_return_val_if_fail (CT_IS_CALENDAR (self), CT_NATION_ENGLAND_WALES);
  return self->nation;
}

/**
 * ct_calendar_is_bank_holiday:
 * @self: a calendar
 * @date: a valid date
 * @out_name: (out) (optional) (transfer full): the holiday's name
 *
 * Returns: %TRUE if @date is a bank holiday (including substitute days) in
 *   the calendar's nation
 */
gboolean
ct_calendar_is_bank_holiday (CtCalendar  *self,
                             const GDate *date,
                             char       **out_name)
{
  GHashTable *days;
  const char *name;

  g_return_val_if_fail (CT_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  g_mutex_lock (&self->lock);
  days = lookup_year_locked (self, g_date_get_year (date));
  name = g_hash_table_lookup (days, GUINT_TO_POINTER (g_date_get_julian (date)));
  if (out_name != NULL)
    *out_name = g_strdup (name);
  g_mutex_unlock (&self->lock);

  return name != NULL;
}

/**
 * ct_calendar_is_working_day:
 * @self: a calendar
 * @date: a valid date
 *
 * Returns: %TRUE if @date is Monday to Friday and not a bank holiday
 */
gboolean
ct_calendar_is_working_day (CtCalendar  *self,
                            const GDate *date)
{
  g_return_val_if_fail (CT_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return !is_weekend (date) && !ct_calendar_is_bank_holiday (self, date, NULL);
}

/**
 * ct_calendar_add_working_days:
 * @self: a calendar
 * @from: a valid date (need not be a working day)
 * @n: how many working days to count
 * @out_date: (out caller-allocates): the @n-th working day after @from
 *
 * Counts @n working days strictly after @from: with @n = 1 this is the next
 * working day (Friday gives Monday, unless Monday is a bank holiday). With
 * @n = 0, @out_date is @from if that is a working day, otherwise the next one.
 */
void
ct_calendar_add_working_days (CtCalendar  *self,
                              const GDate *from,
                              guint        n,
                              GDate       *out_date)
{
  GDate d;

  g_return_if_fail (CT_IS_CALENDAR (self));
  g_return_if_fail (from != NULL && g_date_valid (from));
  g_return_if_fail (out_date != NULL);

  d = *from;
  if (n == 0)
    {
      while (!ct_calendar_is_working_day (self, &d))
        g_date_add_days (&d, 1);
    }
  else
    {
      while (n > 0)
        {
          g_date_add_days (&d, 1);
          if (ct_calendar_is_working_day (self, &d))
            n--;
        }
    }
  *out_date = d;
}

static int
compare_holidays (gconstpointer a,
                  gconstpointer b)
{
  const CtBankHoliday *ha = *(CtBankHoliday * const *) a;
  const CtBankHoliday *hb = *(CtBankHoliday * const *) b;

  return g_date_compare (&ha->date, &hb->date);
}

/**
 * ct_calendar_list_bank_holidays:
 * @self: a calendar
 * @year: a year
 *
 * Returns: (transfer full) (element-type CtBankHoliday): the bank holidays
 *   of @year in date order
 */
GPtrArray *
ct_calendar_list_bank_holidays (CtCalendar *self,
                                int         year)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_bank_holiday_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (CT_IS_CALENDAR (self), list);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, lookup_year_locked (self, year));
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CtBankHoliday *h = g_new0 (CtBankHoliday, 1);

      g_date_clear (&h->date, 1);
      g_date_set_julian (&h->date, GPOINTER_TO_UINT (key));
      h->name = g_strdup (value);
      g_ptr_array_add (list, h);
    }
  g_mutex_unlock (&self->lock);

  g_ptr_array_sort (list, compare_holidays);
  return list;
}

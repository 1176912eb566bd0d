/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-calendar"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ct-calendar.h"

/* The published bank holidays of each nation, 2018 to 2027, written out by
 * hand (not computed), including the 2020, 2022 and 2023 proclamations and
 * every substitute day. Month-day pairs; the year is the row's. */
typedef struct
{
  int         year;
  const char *days;   /* "MM-DD MM-DD …" */
} YearTable;

static const YearTable england_wales[] = {
  { 2018, "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26" },
  { 2019, "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26" },
  { 2020, "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28" },
  { 2021, "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28" },
  { 2022, "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27" },
  { 2023, "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26" },
  { 2024, "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26" },
  { 2025, "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26" },
  { 2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28" },
  { 2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28" },
};

static const YearTable scotland[] = {
  { 2018, "01-01 01-02 03-30 05-07 05-28 08-06 11-30 12-25 12-26" },
  { 2019, "01-01 01-02 04-19 05-06 05-27 08-05 12-02 12-25 12-26" },
  { 2020, "01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28" },
  { 2021, "01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28" },
  { 2022, "01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27" },
  { 2023, "01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26" },
  { 2024, "01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26" },
  { 2025, "01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26" },
  { 2026, "01-01 01-02 04-03 05-04 05-25 08-03 11-30 12-25 12-28" },
  { 2027, "01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28" },
};

static const YearTable northern_ireland[] = {
  { 2018, "01-01 03-19 03-30 04-02 05-07 05-28 07-12 08-27 12-25 12-26" },
  { 2019, "01-01 03-18 04-19 04-22 05-06 05-27 07-12 08-26 12-25 12-26" },
  { 2020, "01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28" },
  { 2021, "01-01 03-17 04-02 04-05 05-03 05-31 07-12 08-30 12-27 12-28" },
  { 2022, "01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27" },
  { 2023, "01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26" },
  { 2024, "01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26" },
  { 2025, "01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26" },
  { 2026, "01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28" },
  { 2027, "01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28" },
};

static CtCalendar *
calendar_for (CtNation nation)
{
  g_autoptr(GError) error = NULL;
  CtCalendar *calendar = ct_calendar_new (nation, &error);

  g_assert_no_error (error);
  g_assert_nonnull (calendar);
  return calendar;
}

static void
date_from_iso (const char *iso,
               GDate      *out)
{
  guint y, m, d;

  g_assert_cmpint (sscanf (iso, "%u-%u-%u", &y, &m, &d), ==, 3);
  g_date_clear (out, 1);
  g_date_set_dmy (out, (GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

static void
check_nation (CtNation         nation,
              const YearTable *table,
              gsize            n_years)
{
  g_autoptr(CtCalendar) calendar = calendar_for (nation);

  for (gsize i = 0; i < n_years; i++)
    {
      g_autoptr(GPtrArray) list = ct_calendar_list_bank_holidays (calendar, table[i].year);
      g_autoptr(GString) got = g_string_new (NULL);
      int holidays_seen = 0;
      GDate d;

      for (guint k = 0; k < list->len; k++)
        {
          CtBankHoliday *h = g_ptr_array_index (list, k);

          g_string_append_printf (got, "%s%02u-%02u", k ? " " : "",
                                  g_date_get_month (&h->date), g_date_get_day (&h->date));
          g_assert_nonnull (h->name);
          g_assert_cmpstr (h->name, !=, "");
        }
      if (g_strcmp0 (got->str, table[i].days) != 0)
        g_error ("%s %d: expected %s, got %s", ct_nation_to_string (nation),
                 table[i].year, table[i].days, got->str);

      /* Every day of the year agrees with the list. */
      g_date_clear (&d, 1);
      g_date_set_dmy (&d, 1, G_DATE_JANUARY, (GDateYear) table[i].year);
      while (g_date_get_year (&d) == table[i].year)
        {
          g_autofree char *md = g_strdup_printf ("%02u-%02u", g_date_get_month (&d), g_date_get_day (&d));
          gboolean listed = strstr (table[i].days, md) != NULL;
          GDateWeekday wd = g_date_get_weekday (&d);

          g_assert_cmpint (ct_calendar_is_bank_holiday (calendar, &d, NULL), ==, listed);
          g_assert_cmpint (ct_calendar_is_working_day (calendar, &d), ==,
                           !listed && wd != G_DATE_SATURDAY && wd != G_DATE_SUNDAY);
          holidays_seen += listed;
          g_date_add_days (&d, 1);
        }
      g_assert_cmpint (holidays_seen, ==, (int) list->len);
    }
}

static void
test_holidays_england_wales (void)
{
  check_nation (CT_NATION_ENGLAND_WALES, england_wales, G_N_ELEMENTS (england_wales));
}

static void
test_holidays_scotland (void)
{
  check_nation (CT_NATION_SCOTLAND, scotland, G_N_ELEMENTS (scotland));
}

static void
test_holidays_northern_ireland (void)
{
  check_nation (CT_NATION_NORTHERN_IRELAND, northern_ireland, G_N_ELEMENTS (northern_ireland));
}

static void
test_easter (void)
{
  static const char * const easters[] = {
    "1961-04-02", "2000-04-23", "2008-03-23", "2011-04-24", "2018-04-01",
    "2019-04-21", "2020-04-12", "2021-04-04", "2022-04-17", "2023-04-09",
    "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2038-04-25",
    "2285-03-22",
  };

  for (guint i = 0; i < G_N_ELEMENTS (easters); i++)
    {
      GDate expected, got;
      g_autofree char *text = NULL;

      date_from_iso (easters[i], &expected);
      ct_calendar_compute_easter (g_date_get_year (&expected), &got);
      text = format_date (&got);
      g_assert_cmpstr (text, ==, easters[i]);
    }
}

static void
test_substitute_names (void)
{
  g_autoptr(CtCalendar) ew = calendar_for (CT_NATION_ENGLAND_WALES);
  g_autoptr(CtCalendar) sc = calendar_for (CT_NATION_SCOTLAND);
  g_autofree char *name = NULL;
  g_autofree char *name2 = NULL;
  g_autofree char *name3 = NULL;
  GDate d;

  /* 2022: Christmas on a Sunday; Boxing Day keeps Monday 26, Christmas Day's
   * substitute is Tuesday 27. */
  date_from_iso ("2022-12-27", &d);
  g_assert_true (ct_calendar_is_bank_holiday (ew, &d, &name));
  g_assert_cmpstr (name, ==, "Christmas Day (substitute day)");

  /* 2023 in Scotland: New Year's Day on a Sunday, 2 January on Monday, and the
   * substitute for New Year's Day on Tuesday 3 January. */
  date_from_iso ("2023-01-03", &d);
  g_assert_true (ct_calendar_is_bank_holiday (sc, &d, &name2));
  g_assert_cmpstr (name2, ==, "New Year’s Day (substitute day)");

  /* A proclaimed holiday carries the name from the data file. */
  date_from_iso ("2022-09-19", &d);
  g_assert_true (ct_calendar_is_bank_holiday (sc, &d, &name3));
  g_assert_nonnull (strstr (name3, "State Funeral"));
}

typedef struct
{
  CtNation    nation;
  const char *from;
  guint       n;
  const char *expected;
} AddCase;

static void
test_add_working_days (void)
{
  static const AddCase cases[] = {
    /* An ordinary week, and over a weekend. */
    { CT_NATION_ENGLAND_WALES, "2026-11-23", 1, "2026-11-24" },
    { CT_NATION_ENGLAND_WALES, "2026-11-27", 1, "2026-11-30" },
    { CT_NATION_ENGLAND_WALES, "2026-11-28", 1, "2026-11-30" },
    { CT_NATION_ENGLAND_WALES, "2026-11-27", 3, "2026-12-02" },
    { CT_NATION_ENGLAND_WALES, "2026-11-28", 0, "2026-11-30" },
    { CT_NATION_ENGLAND_WALES, "2026-11-27", 0, "2026-11-27" },
    /* St Andrew's Day 2026 is Monday 30 November in Scotland only. */
    { CT_NATION_SCOTLAND, "2026-11-27", 1, "2026-12-01" },
    { CT_NATION_NORTHERN_IRELAND, "2026-11-27", 1, "2026-11-30" },
    /* Easter 2026: Good Friday 3 April everywhere; Easter Monday 6 April
     * except in Scotland. */
    { CT_NATION_ENGLAND_WALES, "2026-04-02", 1, "2026-04-07" },
    { CT_NATION_SCOTLAND, "2026-04-02", 1, "2026-04-06" },
    { CT_NATION_NORTHERN_IRELAND, "2026-04-02", 1, "2026-04-07" },
    { CT_NATION_ENGLAND_WALES, "2026-04-02", 3, "2026-04-09" },
    /* Christmas and New Year 2026-27: Christmas Friday, Boxing Day Saturday
     * (substitute Monday 28), New Year's Day Friday; Scotland also Monday 4
     * January 2027 (2 January on a Saturday). */
    { CT_NATION_ENGLAND_WALES, "2026-12-24", 1, "2026-12-29" },
    { CT_NATION_ENGLAND_WALES, "2026-12-31", 1, "2027-01-04" },
    { CT_NATION_SCOTLAND, "2026-12-31", 1, "2027-01-05" },
    { CT_NATION_NORTHERN_IRELAND, "2026-12-31", 1, "2027-01-04" },
    { CT_NATION_ENGLAND_WALES, "2026-12-24", 3, "2026-12-31" },
    /* Christmas 2021: Saturday and Sunday, substitutes 27 and 28. */
    { CT_NATION_ENGLAND_WALES, "2021-12-24", 1, "2021-12-29" },
    { CT_NATION_SCOTLAND, "2021-12-31", 1, "2022-01-05" },
    { CT_NATION_ENGLAND_WALES, "2021-12-31", 1, "2022-01-04" },
    /* Northern Ireland: St Patrick's Day 2024 on Sunday, substitute Monday 18;
     * the Twelfth 2025 on Saturday, substitute Monday 14 July. */
    { CT_NATION_NORTHERN_IRELAND, "2024-03-15", 1, "2024-03-19" },
    { CT_NATION_ENGLAND_WALES, "2024-03-15", 1, "2024-03-18" },
    { CT_NATION_NORTHERN_IRELAND, "2025-07-11", 1, "2025-07-15" },
    { CT_NATION_SCOTLAND, "2025-07-11", 1, "2025-07-14" },
    /* The 2022 jubilee and funeral, and the 2023 coronation. */
    { CT_NATION_ENGLAND_WALES, "2022-06-01", 1, "2022-06-06" },
    { CT_NATION_SCOTLAND, "2022-09-16", 1, "2022-09-20" },
    { CT_NATION_NORTHERN_IRELAND, "2023-05-05", 1, "2023-05-09" },
  };

  CtCalendar *calendars[CT_N_NATIONS] = { NULL, };

  for (guint n = 0; n < CT_N_NATIONS; n++)
    calendars[n] = calendar_for ((CtNation) n);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate from, got;
      g_autofree char *text = NULL;

      date_from_iso (cases[i].from, &from);
      ct_calendar_add_working_days (calendars[cases[i].nation], &from, cases[i].n, &got);
      text = format_date (&got);
      if (g_strcmp0 (text, cases[i].expected) != 0)
        g_error ("%s: %u working day(s) after %s: expected %s, got %s",
                 ct_nation_to_string (cases[i].nation), cases[i].n, cases[i].from,
                 cases[i].expected, text);
    }

  for (guint n = 0; n < CT_N_NATIONS; n++)
    g_clear_object (&calendars[n]);
}

static void
test_rules_without_data (void)
{
  /* Without the data file the standing rules still apply, but 2020's early
   * May holiday falls on its rule date, which is why the data is required. */
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCalendar) calendar = ct_calendar_new_from_data (CT_NATION_ENGLAND_WALES, "", 0, &error);
  GDate d;

  g_assert_no_error (error);
  date_from_iso ("2020-05-04", &d);
  g_assert_true (ct_calendar_is_bank_holiday (calendar, &d, NULL));
  date_from_iso ("2020-05-08", &d);
  g_assert_false (ct_calendar_is_bank_holiday (calendar, &d, NULL));
}

static void
test_data_nations (void)
{
  /* A one-off holiday for one nation only. */
  const char *data =
    "[test]\n"
    "date=2030-06-14\n"
    "name=Test holiday\n"
    "nations=scotland\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCalendar) sc = ct_calendar_new_from_data (CT_NATION_SCOTLAND, data, -1, &error);
  g_autoptr(CtCalendar) ew = ct_calendar_new_from_data (CT_NATION_ENGLAND_WALES, data, -1, &error);
  GDate d;

  g_assert_no_error (error);
  date_from_iso ("2030-06-14", &d);
  g_assert_true (ct_calendar_is_bank_holiday (sc, &d, NULL));
  g_assert_false (ct_calendar_is_bank_holiday (ew, &d, NULL));
}

static void
test_data_damaged (void)
{
  static const struct { const char *data; const char *needle; } cases[] = {
    { "[x]\ndate=2030-13-01\nname=X\nnations=scotland\n", "YYYY-MM-DD" },
    { "[x]\ndate=30-01-01\nname=X\nnations=scotland\n", "YYYY-MM-DD" },
    { "[x]\nname=X\nnations=scotland\n", "YYYY-MM-DD" },
    { "[x]\ndate=2030-01-07\nnations=scotland\n", "no name" },
    { "[x]\ndate=2030-01-07\nname=X\n", "no nations" },
    { "[x]\ndate=2030-01-07\nname=X\nnations=wales\n", "“wales” is not a nation" },
    { "[x]\ndate=2030-01-07\nname=X\nnations=scotland\ncolour=blue\n", "“colour” is not known" },
    /* 2030-05-07 is a Tuesday: no rule gives it, so it cannot be moved. */
    { "[x]\ndate=2030-05-10\nreplaces=2030-05-07\nname=X\nnations=scotland\n", "not a bank holiday" },
    { "[x]\ndate=2030-05-10\nreplaces=2031-05-05\nname=X\nnations=scotland\n", "same year" },
    { "this is not a key file", "could not be read" },
    /* Found by fuzzing: a list with malformed escapes made GLib's own list
     * parser overwrite its error (a warning); it is read as plain text. */
    { "[a]\nnations=a\\;\\q\\\ndate=2026-01-01\nname=x\n", "is not a nation" },
    { "[a]\ndate=2026-01-01\nname=Wedding\221of\nnations=scotland\n", "name is not text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CtCalendar) calendar = ct_calendar_new_from_data (CT_NATION_SCOTLAND, cases[i].data, -1, &error);

      g_assert_null (calendar);
      g_assert_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_BAD_DATA);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i].needle);
    }
}

static void
test_nation_names (void)
{
  g_autoptr(GError) error = NULL;
  CtNation nation;

  for (guint n = 0; n < CT_N_NATIONS; n++)
    {
      g_assert_true (ct_nation_from_string (ct_nation_to_string ((CtNation) n), &nation, NULL));
      g_assert_cmpint (nation, ==, n);
      g_assert_nonnull (ct_nation_get_display_name ((CtNation) n));
    }
  g_assert_true (ct_nation_from_string ("england-and-wales", &nation, NULL));
  g_assert_cmpint (nation, ==, CT_NATION_ENGLAND_WALES);
  g_assert_cmpstr (ct_nation_to_string (CT_NATION_NORTHERN_IRELAND), ==, "northern-ireland");

  g_assert_false (ct_nation_from_string ("wales", &nation, &error));
  g_assert_error (error, CT_CALENDAR_ERROR, CT_CALENDAR_ERROR_UNKNOWN_NATION);
  g_assert_nonnull (strstr (error->message, "england-wales, scotland or northern-ireland"));
}

static void
test_timezone (void)
{
  GTimeZone *tz = ct_calendar_get_timezone ();
  g_autoptr(GDateTime) winter = g_date_time_new (tz, 2026, 1, 15, 12, 0, 0);
  g_autoptr(GDateTime) summer = g_date_time_new (tz, 2026, 7, 15, 12, 0, 0);

  g_assert_cmpint (g_date_time_get_utc_offset (winter), ==, 0);
  g_assert_cmpint (g_date_time_get_utc_offset (summer), ==, G_TIME_SPAN_HOUR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/calendar/easter", test_easter);
  g_test_add_func ("/calendar/holidays/england-wales", test_holidays_england_wales);
  g_test_add_func ("/calendar/holidays/scotland", test_holidays_scotland);
  g_test_add_func ("/calendar/holidays/northern-ireland", test_holidays_northern_ireland);
  g_test_add_func ("/calendar/holidays/substitute-names", test_substitute_names);
  g_test_add_func ("/calendar/working-days/add", test_add_working_days);
  g_test_add_func ("/calendar/data/rules-without-data", test_rules_without_data);
  g_test_add_func ("/calendar/data/per-nation", test_data_nations);
  g_test_add_func ("/calendar/data/damaged", test_data_damaged);
  g_test_add_func ("/calendar/nation-names", test_nation_names);
  g_test_add_func ("/calendar/timezone", test_timezone);

  return g_test_run ();
}

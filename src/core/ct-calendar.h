/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CtNation:
 * @CT_NATION_ENGLAND_WALES: England and Wales ("england-wales")
 * @CT_NATION_SCOTLAND: Scotland ("scotland")
 * @CT_NATION_NORTHERN_IRELAND: Northern Ireland ("northern-ireland")
 *
 * The nations of the United Kingdom whose bank holidays differ. The nation an
 * organisation is in decides which days are working days for its clocks.
 */
typedef enum
{
  CT_NATION_ENGLAND_WALES,
  CT_NATION_SCOTLAND,
  CT_NATION_NORTHERN_IRELAND,
  CT_N_NATIONS,
} CtNation;

#define CT_CALENDAR_ERROR (ct_calendar_error_quark ())

/**
 * CtCalendarError:
 * @CT_CALENDAR_ERROR_UNKNOWN_NATION: a nation name was not recognised
 * @CT_CALENDAR_ERROR_BAD_DATA: the bank-holiday data file could not be read
 * @CT_CALENDAR_ERROR_MISSING_DATA: the bank-holiday data file is missing
 *
 * Errors from the working-day calendar.
 */
typedef enum
{
  CT_CALENDAR_ERROR_UNKNOWN_NATION,
  CT_CALENDAR_ERROR_BAD_DATA,
  CT_CALENDAR_ERROR_MISSING_DATA,
} CtCalendarError;

/**
 * CT_CALENDAR_RESOURCE_PATH:
 *
 * Where the one-off bank holidays proclaimed by the government are compiled
 * into the application (from data/bank-holidays.ini).
 */
#define CT_CALENDAR_RESOURCE_PATH "/org/caretrail/Caretrail/bank-holidays.ini"

GQuark       ct_calendar_error_quark   (void);

const char  *ct_nation_to_string       (CtNation     nation);
gboolean     ct_nation_from_string     (const char  *str,
                                        CtNation    *out_nation,
                                        GError     **error);
const char  *ct_nation_get_display_name (CtNation    nation);

GTimeZone   *ct_calendar_get_timezone  (void);

#define CT_TYPE_CALENDAR (ct_calendar_get_type ())
G_DECLARE_FINAL_TYPE (CtCalendar, ct_calendar, CT, CALENDAR, GObject)

CtCalendar  *ct_calendar_new           (CtNation     nation,
                                        GError     **error);
CtCalendar  *ct_calendar_new_from_data (CtNation     nation,
                                        const char  *data,
                                        gssize       length,
                                        GError     **error);

CtNation     ct_calendar_get_nation    (CtCalendar  *self);
gboolean     ct_calendar_is_bank_holiday (CtCalendar  *self,
                                        const GDate *date,
                                        char       **out_name);
gboolean     ct_calendar_is_working_day (CtCalendar *self,
                                        const GDate *date);
void         ct_calendar_add_working_days (CtCalendar  *self,
                                        const GDate *from,
                                        guint        n,
                                        GDate       *out_date);
GPtrArray   *ct_calendar_list_bank_holidays (CtCalendar *self,
                                        int          year);

void         ct_calendar_compute_easter (int         year,
                                        GDate      *out_date);

/**
 * CtBankHoliday:
 * @date: the day off
 * @name: its name, e.g. "Boxing Day (substitute day)"
 *
 * One bank holiday, as listed by ct_calendar_list_bank_holidays().
 */
typedef struct
{
  GDate  date;
  char  *name;
} CtBankHoliday;

void         ct_bank_holiday_free      (CtBankHoliday *holiday);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtBankHoliday, ct_bank_holiday_free)

G_END_DECLS

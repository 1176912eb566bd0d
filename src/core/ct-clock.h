/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-calendar.h"

G_BEGIN_DECLS

/**
 * SECTION:ct-clock
 * @title: Clocks
 *
 * Every deadline the safeguarding procedure sets, as a due instant in
 * Europe/London time. These definitions are the ones Caretrail uses
 * everywhere (next-step panel, letters, `caretrail-admin due`):
 *
 * - **End of a day** is 23:59:59 UK local time on that date (GMT or BST,
 *   whichever is in force that day).
 *
 * - **Within N working days** of an instant T means by the end of the N-th
 *   working day after the date of T, not counting T's own date. So "within
 *   1 working day" of anything on a Friday (or on the Saturday or Sunday
 *   after it) is the end of Monday, or of Tuesday if Monday is a bank
 *   holiday. The whole of the next working day is given whatever the hour
 *   of T, because an organisation cannot be expected to finish a day's task
 *   in the minutes left before midnight. Used by the local authority's
 *   decision (1 working day), the chase (3 working days), the LADO (1
 *   working day) and written confirmation periods such as "2wd".
 *
 * - **Escalating a concern** (seed 000: "the same day, or if later in the
 *   day and impractical to do so the following day"): a concern recorded
 *   strictly before the office's cut-off time (local wall-clock time, e.g.
 *   16:00) is due by the end of that day; one recorded at or after the
 *   cut-off is due by the end of the following day. Calendar days, not
 *   working days: a child does not wait for the weekend to pass. When the
 *   day it falls due is not a working day, ct_clock_escalation_notice()
 *   says so, so the app can point to the out-of-hours route.
 *
 * - **An urgent referral** (a child at immediate risk) is due at once: its
 *   due instant is the moment the concern happened.
 *
 * - **Deciding after escalation** and **making the referral** once concerns
 *   remain are Caretrail's defaults, not seed rules: by the end of the same
 *   working day (0 working days; a day that is not a working day gives the
 *   next one), each an organisation setting.
 *
 * - **A period in hours** ("48h", "24h") is elapsed time: 48 real hours,
 *   counted through weekends and bank holidays (the policy says 48 hours,
 *   not 2 working days). Across a change to or from British Summer Time the
 *   local wall-clock time of the due instant therefore moves by an hour.
 *
 * - **A period in days** ("2d") is calendar days: by the end of the N-th
 *   day after the date of T.
 *
 * - **Policy review**: the end of the same date N years after adoption
 *   (29 February gives 28 February).
 *
 * - **Retention review**: the end of the child's 25th birthday (or N-th);
 *   if the date of birth is not known, 25 years after the case closed, so
 *   records are never reviewed early. For an allegation against someone who
 *   works with children: the later of their normal retirement date (their
 *   date of birth plus the retirement age) and 10 years after the case
 *   closed; if their date of birth is not known, 10 years after closing.
 */

#define CT_CLOCK_ERROR (ct_clock_error_quark ())

/**
 * CtClockError:
 * @CT_CLOCK_ERROR_BAD_PERIOD: a period such as "48h" could not be read
 * @CT_CLOCK_ERROR_BAD_CUTOFF: a cut-off time such as "16:00" could not be read
 * @CT_CLOCK_ERROR_MISSING_START: the clock needs a start that was not given
 * @CT_CLOCK_ERROR_BAD_TIME: a time could not be read, or did not happen (or
 *   happened twice) in the UK because of a clock change
 * @CT_CLOCK_ERROR_OUT_OF_RANGE: a date or time is before %CT_CLOCK_MIN_YEAR
 *   or after %CT_CLOCK_MAX_YEAR
 *
 * Errors from the clocks.
 */
typedef enum
{
  CT_CLOCK_ERROR_BAD_PERIOD,
  CT_CLOCK_ERROR_BAD_CUTOFF,
  CT_CLOCK_ERROR_MISSING_START,
  CT_CLOCK_ERROR_BAD_TIME,
  CT_CLOCK_ERROR_OUT_OF_RANGE,
} CtClockError;

/* The years in which Caretrail reads dates and times: wide enough for any
 * date of birth, policy date or event, narrow enough that no deadline
 * worked out from one runs off the end of what GLib can represent. */
#define CT_CLOCK_MIN_YEAR 1900
#define CT_CLOCK_MAX_YEAR 2200

/**
 * CtClockKind:
 * @CT_CLOCK_ESCALATION: escalate a recorded concern ("escalation")
 * @CT_CLOCK_URGENT_REFERRAL: refer at once a child at immediate risk ("urgent-referral")
 * @CT_CLOCK_DECISION: decide after escalation: refer, consult or no further action ("decision")
 * @CT_CLOCK_REFERRAL: make the referral once concerns remain ("referral")
 * @CT_CLOCK_WRITTEN_CONFIRMATION: confirm a referral in writing ("written-confirmation")
 * @CT_CLOCK_LA_DECISION: the local authority's decision on a referral ("la-decision")
 * @CT_CLOCK_LA_CHASE: chase the local authority if nothing is heard ("la-chase")
 * @CT_CLOCK_LADO: inform the LADO of an allegation ("lado")
 * @CT_CLOCK_POLICY_REVIEW: review the safeguarding policy ("policy-review")
 * @CT_CLOCK_RETENTION_REVIEW: review whether to keep a closed case's records ("retention-review")
 *
 * The clocks the procedure keeps.
 */
typedef enum
{
  CT_CLOCK_ESCALATION,
  CT_CLOCK_URGENT_REFERRAL,
  CT_CLOCK_DECISION,
  CT_CLOCK_REFERRAL,
  CT_CLOCK_WRITTEN_CONFIRMATION,
  CT_CLOCK_LA_DECISION,
  CT_CLOCK_LA_CHASE,
  CT_CLOCK_LADO,
  CT_CLOCK_POLICY_REVIEW,
  CT_CLOCK_RETENTION_REVIEW,
  CT_N_CLOCKS,
} CtClockKind;

/**
 * CtPeriodUnit:
 * @CT_PERIOD_HOURS: elapsed hours ("h")
 * @CT_PERIOD_DAYS: calendar days ("d")
 * @CT_PERIOD_WORKING_DAYS: working days ("wd")
 */
typedef enum
{
  CT_PERIOD_HOURS,
  CT_PERIOD_DAYS,
  CT_PERIOD_WORKING_DAYS,
} CtPeriodUnit;

/**
 * CtPeriod:
 * @amount: how many units, 1 to 9999
 * @unit: the unit
 *
 * A period such as a local authority's written-confirmation period.
 */
typedef struct
{
  guint        amount;
  CtPeriodUnit unit;
} CtPeriod;

/**
 * CtClockSettings:
 * @cutoff_minutes: the office's cut-off, in minutes after local midnight
 *   (default 16:00)
 * @decision_working_days: deciding after escalation, in working days after
 *   the escalation's date; 0 is the same working day (default 0; our default)
 * @referral_working_days: making the referral once concerns remain; 0 is
 *   the same working day (default 0; our default)
 * @confirmation_period: written confirmation of a referral (default 48h)
 * @la_decision_working_days: the local authority's decision (default 1)
 * @la_chase_working_days: when to chase the local authority (default 3)
 * @lado_working_days: informing the LADO (default 1)
 * @policy_review_years: policy review (default 1)
 * @retention_years: years after a child's birth to keep records (default 25)
 * @retirement_age: normal retirement age for allegation records (default 67)
 * @allegation_retention_years: minimum years to keep allegation records
 *   (default 10)
 *
 * The settings every clock reads. Initialise with
 * ct_clock_settings_init_defaults().
 */
typedef struct
{
  guint    cutoff_minutes;
  guint    decision_working_days;
  guint    referral_working_days;
  CtPeriod confirmation_period;
  guint    la_decision_working_days;
  guint    la_chase_working_days;
  guint    lado_working_days;
  guint    policy_review_years;
  guint    retention_years;
  guint    retirement_age;
  guint    allegation_retention_years;
} CtClockSettings;

GQuark       ct_clock_error_quark          (void);
gboolean     ct_clock_check_year           (int           year,
                                            const char   *text,
                                            GError      **error);

const char  *ct_clock_kind_to_string       (CtClockKind   kind);
gboolean     ct_clock_kind_from_string     (const char   *str,
                                            CtClockKind  *out_kind);
const char  *ct_clock_kind_describe        (CtClockKind   kind);

void         ct_clock_settings_init_defaults (CtClockSettings *settings);

gboolean     ct_period_parse               (const char   *text,
                                            CtPeriod     *out_period,
                                            GError      **error);
char        *ct_period_to_string           (const CtPeriod *period);
gboolean     ct_cutoff_parse               (const char   *text,
                                            guint        *out_minutes,
                                            GError      **error);

GDateTime   *ct_clock_parse_instant        (const char   *text,
                                            GError      **error);
GDateTime   *ct_clock_end_of_day           (const GDate  *date);
void         ct_clock_local_date           (GDateTime    *instant,
                                            GDate        *out_date);
char        *ct_clock_format_iso8601       (GDateTime    *instant);

GDateTime   *ct_clock_escalation_due       (CtCalendar   *calendar,
                                            GDateTime    *recorded,
                                            guint         cutoff_minutes);
gboolean     ct_clock_escalation_notice    (CtCalendar   *calendar,
                                            GDateTime    *recorded,
                                            guint         cutoff_minutes,
                                            GDate        *out_due_date);
gboolean     ct_clock_is_rule_of_policy    (CtClockKind   kind);
GDateTime   *ct_clock_same_working_day_due (CtCalendar   *calendar,
                                            GDateTime    *start,
                                            guint         working_days);
GDateTime   *ct_clock_working_days_due     (CtCalendar   *calendar,
                                            GDateTime    *start,
                                            guint         working_days);
GDateTime   *ct_clock_period_due           (CtCalendar   *calendar,
                                            GDateTime    *start,
                                            const CtPeriod *period);
GDateTime   *ct_clock_policy_review_due    (const GDate  *adopted,
                                            guint         years);
GDateTime   *ct_clock_retention_due        (const GDate  *child_birth,
                                            GDateTime    *closed,
                                            guint         years);
GDateTime   *ct_clock_allegation_retention_due (const GDate *person_birth,
                                            guint         retirement_age,
                                            GDateTime    *closed,
                                            guint         min_years);

GDateTime   *ct_clock_due                  (CtCalendar            *calendar,
                                            const CtClockSettings *settings,
                                            CtClockKind            kind,
                                            GDateTime             *start,
                                            GError               **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *ct_format_due_relative (gint64      due_at,
                                  gint64      now,
                                  gboolean   *out_overdue);
char     *ct_format_instant      (gint64      instant);
char     *ct_format_date         (const char *iso_date);
char     *ct_format_day          (GDateTime  *date);
char     *ct_format_day_and_time (GDateTime  *date);
char     *ct_format_weekday      (const GDate *date);
char     *ct_format_date_for_entry (const char *iso_date);
gboolean  ct_parse_date          (const char *text,
                                  char      **out_iso_date);
gboolean  ct_parse_time_of_day   (const char *text,
                                  int        *out_hour,
                                  int        *out_minute);

GDateTime *ct_parse_date_time     (const char *date_text,
                                   const char *time_text);
void       ct_format_for_entries  (GDateTime  *instant,
                                   char      **out_date,
                                   char      **out_time);

G_END_DECLS

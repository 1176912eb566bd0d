/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_DATE_BUTTON (ct_date_button_get_type ())

G_DECLARE_FINAL_TYPE (CtDateButton, ct_date_button, CT, DATE_BUTTON, AdwBin)

GtkWidget   *ct_date_button_new          (GtkEditable  *entry);
GtkWidget   *ct_date_button_attach       (AdwEntryRow  *row);
GtkEditable *ct_date_button_get_entry    (CtDateButton *self);
GtkCalendar *ct_date_button_get_calendar (CtDateButton *self);
GtkPopover  *ct_date_button_get_popover  (CtDateButton *self);

G_END_DECLS

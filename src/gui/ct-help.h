/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ct-procedure.h"

G_BEGIN_DECLS

char *ct_help_get_uri          (const char *page);
char *ct_help_get_page_for_event (CtEvent   event);
void  ct_help_show             (GtkWindow  *parent,
                                const char *page);

G_END_DECLS

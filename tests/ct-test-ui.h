/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void       ct_test_ui_wait_for_frame (GtkWidget  *widget);
void       ct_test_ui_screenshot     (GtkWidget  *widget,
                                      const char *name);
GtkWidget *ct_test_ui_find_by_type   (GtkWidget  *root,
                                      GType       type);
GtkWidget *ct_test_ui_find_by_label  (GtkWidget  *root,
                                      const char *label);
void       ct_test_ui_spin           (guint       milliseconds);

G_END_DECLS

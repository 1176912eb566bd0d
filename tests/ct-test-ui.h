/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ct-record.h"
#include "ct-store.h"

G_BEGIN_DECLS

void       ct_test_ui_wait_for_frame (GtkWidget  *widget);
void       ct_test_ui_screenshot     (GtkWidget  *widget,
                                      const char *name);
GtkWidget *ct_test_ui_find_by_type   (GtkWidget  *root,
                                      GType       type);
GtkWidget *ct_test_ui_find_by_label  (GtkWidget  *root,
                                      const char *label);
void       ct_test_ui_spin           (guint       milliseconds);

GtkWidget *ct_test_ui_find_text      (GtkWidget  *root,
                                      const char *text);
void       ct_test_ui_wait_for_text  (GtkWidget  *root,
                                      const char *text);
GtkWidget *ct_test_ui_find_error     (GtkWidget  *root);
GtkWidget *ct_test_ui_find_toplevel  (GType       type);
GtkWidget *ct_test_ui_find_button    (GtkWidget  *root,
                                      const char *label);
void       ct_test_ui_type_into      (GtkWidget  *root,
                                      const char *label,
                                      const char *text);
void       ct_test_ui_choose         (GtkWidget  *root,
                                      const char *question,
                                      const char *answer);

guint      ct_test_ui_assert_operable (GtkWidget *root);
guint      ct_test_ui_assert_dates_have_calendars (GtkWidget *root);
void       ct_test_ui_assert_speech  (GtkWidget  *root);
char      *ct_test_ui_get_label      (GtkWidget  *widget);
char      *ct_test_ui_get_description (GtkWidget *widget);
GtkWidget *ct_test_ui_find_by_description (GtkWidget  *root,
                                           const char *description);

GAsyncResult *ct_test_ui_wait_result (GAsyncResult **slot);
void       ct_test_ui_on_done_cb     (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data);
CtRecord  *ct_test_ui_make_record    (CtRecordKind  kind,
                                      ...) G_GNUC_NULL_TERMINATED;
CtStore   *ct_test_ui_set_up_office  (const char   *path);

G_END_DECLS

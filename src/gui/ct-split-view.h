/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_SPLIT_VIEW (ct_split_view_get_type ())

G_DECLARE_FINAL_TYPE (CtSplitView, ct_split_view, CT, SPLIT_VIEW, AdwBin)

GtkWidget *ct_split_view_new          (void);
void       ct_split_view_set_sidebar  (CtSplitView *self,
                                       GtkWidget   *sidebar);
GtkWidget *ct_split_view_get_sidebar  (CtSplitView *self);
void       ct_split_view_set_content  (CtSplitView *self,
                                       GtkWidget   *content);
GtkWidget *ct_split_view_get_content  (CtSplitView *self);
gboolean   ct_split_view_get_folded   (CtSplitView *self);
void       ct_split_view_show_content (CtSplitView *self);
void       ct_split_view_show_sidebar (CtSplitView *self);
gboolean   ct_split_view_get_showing_content (CtSplitView *self);

G_END_DECLS

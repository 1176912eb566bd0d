/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*CtPdfSavedFunc) (GFile        *file,
                                const GError *error,
                                gpointer      user_data);

GtkPrintOperation *ct_pdf_print_operation_new (GBytes      *pdf,
                                               const char  *job_name,
                                               GError     **error);

gboolean ct_pdf_print (GtkWindow     *parent,
                       GBytes        *pdf,
                       const char    *job_name,
                       GError       **error);
GtkFileChooserNative *ct_pdf_save_chooser_new (GtkWindow   *parent,
                                               const char  *suggested_name);

void     ct_pdf_save  (GtkWindow     *parent,
                       GBytes        *pdf,
                       const char    *suggested_name,
                       CtPdfSavedFunc done,
                       gpointer       user_data);

G_END_DECLS

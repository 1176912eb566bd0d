/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-record.h"

G_BEGIN_DECLS

/**
 * CtFormField:
 * @field: the record's field; "date-of-birth" is read and shown as a date
 * @label: the question, translatable (N_())
 *
 * A line of text a form asks for.
 */
typedef struct
{
  const char *field;
  const char *label;
} CtFormField;

#define CT_TYPE_FORM_WINDOW (ct_form_window_get_type ())

G_DECLARE_DERIVABLE_TYPE (CtFormWindow, ct_form_window, CT, FORM_WINDOW, AdwWindow)

/**
 * CtFormWindowClass:
 * @build_records: returns the records to save (an empty array if nothing
 *   changed), or %NULL with @error set if something typed is not valid
 */
struct _CtFormWindowClass
{
  AdwWindowClass parent_class;

  GPtrArray *(*build_records) (CtFormWindow  *self,
                               GError       **error);

  gpointer padding[4];
};

AdwPreferencesPage *ct_form_window_get_page        (CtFormWindow *self);
void                ct_form_window_set_save_label  (CtFormWindow *self,
                                                    const char   *accessible_label);
GPtrArray          *ct_form_window_build_records   (CtFormWindow *self,
                                                    GError      **error);
void                ct_form_window_save_finished   (CtFormWindow *self,
                                                    const GError *error);

GtkWidget          *ct_form_window_new_entry_row   (const char   *label,
                                                    const char   *value);
void                ct_form_window_add_fields      (AdwPreferencesGroup *group,
                                                    const CtFormField   *fields,
                                                    guint                n_fields,
                                                    CtRecord            *record,
                                                    GtkWidget          **out_rows);
gboolean            ct_form_window_read_fields     (const CtFormField   *fields,
                                                    guint                n_fields,
                                                    GtkWidget          **rows,
                                                    GHashTable          *answers,
                                                    GError             **error);

G_END_DECLS

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
 * @build_records: for a form that edits records: returns the records to save
 *   (an empty array if nothing changed), or %NULL with @error set if
 *   something typed is not valid
 * @prepare_save: called when the user saves; returns %TRUE if ::save is to
 *   be emitted, %FALSE with @error set to say what is wrong, or %FALSE
 *   without an error to close the form with nothing to save. The default
 *   calls @build_records.
 * @save_failed: shows why the owner could not save; the default says
 *   "The change was not saved: …"
 */
struct _CtFormWindowClass
{
  AdwWindowClass parent_class;

  GPtrArray *(*build_records) (CtFormWindow  *self,
                               GError       **error);
  gboolean   (*prepare_save)  (CtFormWindow  *self,
                               GError       **error);
  void       (*save_failed)   (CtFormWindow  *self,
                               const GError  *error);

  gpointer padding[4];
};

AdwPreferencesPage *ct_form_window_get_page        (CtFormWindow *self);
void                ct_form_window_set_save_label  (CtFormWindow *self,
                                                    const char   *accessible_label);
const char         *ct_form_window_get_help_page   (CtFormWindow *self);
void                ct_form_window_set_help_page   (CtFormWindow *self,
                                                    const char   *help_page);
gboolean            ct_form_window_get_valid       (CtFormWindow *self);
void                ct_form_window_set_valid       (CtFormWindow *self,
                                                    gboolean      valid);
gboolean            ct_form_window_get_saving      (CtFormWindow *self);
GPtrArray          *ct_form_window_build_records   (CtFormWindow *self,
                                                    GError      **error);
GPtrArray          *ct_form_window_get_records     (CtFormWindow *self);
void                ct_form_window_show_problem    (CtFormWindow *self,
                                                    const char   *message);
void                ct_form_window_hide_problem    (CtFormWindow *self);
void                ct_form_window_save_finished   (CtFormWindow *self,
                                                    const GError *error);

GtkWidget          *ct_form_window_new_entry_row   (const char   *label,
                                                    const char   *value);
void                ct_form_window_add_fields      (AdwPreferencesGroup *group,
                                                    const CtFormField   *fields,
                                                    guint                n_fields,
                                                    CtRecord            *record,
                                                    GtkWidget          **out_rows);
const char         *ct_form_window_describe_field  (CtFormWindow        *self,
                                                    const char          *field);
gboolean            ct_form_window_read_fields     (const CtFormField   *fields,
                                                    guint                n_fields,
                                                    GtkWidget          **rows,
                                                    GHashTable          *answers,
                                                    GError             **error);

G_END_DECLS

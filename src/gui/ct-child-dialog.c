/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-child-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-child-dialog.h"
#include "ct-choice-row.h"
#include "ct-details.h"
#include "ct-form-window.h"
#include "ct-procedure.h"

/*
 * Editing a child's details. The change is saved as a new version of the
 * record; the store keeps the previous one, so the history of what was known
 * when stays readable.
 */
static const CtFormField text_fields[] = {
  { "given-names", N_("Given names") },
  { "family-name", N_("Family name") },
  { "date-of-birth", N_("Date of birth (DD/MM/YYYY)") },
  { "gender", N_("Gender") },
  { "address", N_("Address") },
  { "area", N_("Local authority area where the child lives") },
  { "school", N_("School or setting") },
  { "gp", N_("GP") },
  { "nhs-number", N_("NHS number") },
  { "ethnicity", N_("Ethnicity") },
  { "religion", N_("Religion") },
  { "language", N_("First language") },
  { "disability", N_("Disability or additional needs") },
  { "lead-worker", N_("Lead worker") },
  { "lead-worker-contact", N_("Lead worker’s contact") },
  { "agencies-involved", N_("Other agencies involved (school nurse, health visitor, CAMHS…)") },
  { "whereabouts", N_("Where the child is now") },
  { "other-children", N_("Brothers, sisters and other children in the household") },
  { "household-members", N_("Other members of the household") },
};

struct _CtChildDialog
{
  CtFormWindow     parent_instance;

  CtRecord        *child;
  GtkWidget       *rows[G_N_ELEMENTS (text_fields)];
  CtChoiceRow     *status_row;
  CtChoiceRow     *interpreter_row;
  CtChoiceRow     *safe_row;
  CtChoiceRow     *unborn_row;
};

G_DEFINE_FINAL_TYPE (CtChildDialog, ct_child_dialog, CT_TYPE_FORM_WINDOW)

/**
 * ct_child_dialog_build_record:
 * @self: a #CtChildDialog
 * @error: return location for an error
 *
 * Returns: (transfer full): a copy of the child with the changes, ready to
 *   be saved as a correction, or %NULL if something typed is not valid.
 */
CtRecord *
ct_child_dialog_build_record (CtChildDialog  *self,
                              GError        **error)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();
  g_autoptr(CtRecord) child = NULL;

  if (!ct_form_window_read_fields (text_fields, G_N_ELEMENTS (text_fields), self->rows, answers,
                                   error))
    return NULL;

  if (ct_choice_row_get_value (self->status_row) != NULL)
    ct_answers_set_text (answers, "status", ct_choice_row_get_value (self->status_row));
  if (ct_choice_row_get_value (self->interpreter_row) != NULL)
    ct_answers_set_boolean (answers, "interpreter-needed",
                            g_str_equal (ct_choice_row_get_value (self->interpreter_row),
                                         "interpreter-needed"));
  if (ct_choice_row_get_value (self->unborn_row) != NULL)
    ct_answers_set_boolean (answers, "unborn",
                            g_str_equal (ct_choice_row_get_value (self->unborn_row),
                                         "child-unborn"));
  if (ct_choice_row_get_value (self->safe_row) != NULL)
    ct_answers_set_boolean (answers, "safe-now",
                            g_str_equal (ct_choice_row_get_value (self->safe_row),
                                         "child-safe-now"));

  child = ct_details_change_record (self->child, answers, error);
  if (child == NULL)
    return NULL;

  if (ct_record_get_string (child, "given-names") == NULL ||
      ct_record_get_string (child, "family-name") == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A child needs a given name and a family name."));
      return NULL;
    }

  return g_steal_pointer (&child);
}

static GPtrArray *
ct_child_dialog_build_records (CtFormWindow  *form,
                               GError       **error)
{
  CtChildDialog *self = CT_CHILD_DIALOG (form);
  g_autoptr(CtRecord) child = ct_child_dialog_build_record (self, error);
  GPtrArray *records;

  if (child == NULL)
    return NULL;

  records = g_ptr_array_new_with_free_func (g_object_unref);
  if (!ct_record_equal_fields (child, self->child))
    g_ptr_array_add (records, g_steal_pointer (&child));

  return records;
}

static void
ct_child_dialog_dispose (GObject *object)
{
  g_clear_object (&CT_CHILD_DIALOG (object)->child);

  G_OBJECT_CLASS (ct_child_dialog_parent_class)->dispose (object);
}

static void
ct_child_dialog_class_init (CtChildDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ct_child_dialog_dispose;
  CT_FORM_WINDOW_CLASS (klass)->build_records = ct_child_dialog_build_records;
}

static void
ct_child_dialog_init (CtChildDialog *self)
{
}

/**
 * ct_child_dialog_new:
 * @child: the CHILD record to edit
 *
 * Returns: (transfer full): a form filled with @child's details.
 */
CtChildDialog *
ct_child_dialog_new (CtRecord *child)
{
  CtChildDialog *self;
  AdwPreferencesPage *page;
  GtkWidget *group, *status_group;
  /* The ids as the child's record keeps them; their labels live once, in
   * the core's table. */
  static const char * const statuses[] = {
    "none", "early-help", "child-in-need", "child-protection-plan", "looked-after",
  };

  g_return_val_if_fail (CT_IS_RECORD (child), NULL);

  self = g_object_new (CT_TYPE_CHILD_DIALOG,
                       "title", _("Edit the Child’s Details"),
                       NULL);
  self->child = g_object_ref (child);
  ct_form_window_set_save_label (CT_FORM_WINDOW (self), _("Save the child’s details"));
  page = ct_form_window_get_page (CT_FORM_WINDOW (self));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("The Child"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Changes are kept as a new version; the earlier "
                                           "details stay in the record’s history."));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));

  ct_form_window_add_fields (ADW_PREFERENCES_GROUP (group), text_fields,
                             G_N_ELEMENTS (text_fields), child, self->rows);

  /* A referral may be about an unborn child: the date above is then the
   * expected date of birth, and the letter says so. */
  self->unborn_row = CT_CHOICE_ROW (ct_choice_row_new (_("Born or not yet born")));
  ct_choice_row_add (self->unborn_row, "child-born", ct_choice_get_label ("child-born"));
  ct_choice_row_add (self->unborn_row, "child-unborn", ct_choice_get_label ("child-unborn"));
  if (ct_record_has_field (child, "unborn"))
    ct_choice_row_set_value (self->unborn_row,
                             ct_record_get_boolean (child, "unborn", FALSE)
                             ? "child-unborn" : "child-born");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->unborn_row));

  status_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (status_group), _("Status"));
  self->status_row = CT_CHOICE_ROW (ct_choice_row_new (_("The child’s status")));
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    ct_choice_row_add (self->status_row, statuses[i], ct_choice_get_label (statuses[i]));
  ct_choice_row_set_value (self->status_row, ct_record_get_string (child, "status"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), GTK_WIDGET (self->status_row));

  /* Whether an interpreter is needed: a yes/no detail, not known until
   * answered. */
  self->interpreter_row = CT_CHOICE_ROW (ct_choice_row_new (_("Interpreter")));
  ct_choice_row_add (self->interpreter_row, "interpreter-needed",
                     ct_choice_get_label ("interpreter-needed"));
  ct_choice_row_add (self->interpreter_row, "interpreter-not-needed",
                     ct_choice_get_label ("interpreter-not-needed"));
  if (ct_record_has_field (child, "interpreter-needed"))
    ct_choice_row_set_value (self->interpreter_row,
                             ct_record_get_boolean (child, "interpreter-needed", FALSE)
                             ? "interpreter-needed" : "interpreter-not-needed");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->interpreter_row));

  /* Whether the child is safe where they are now, as the referral asks;
   * not known until answered. */
  self->safe_row = CT_CHOICE_ROW (ct_choice_row_new (_("Is the child safe now?")));
  ct_choice_row_add (self->safe_row, "child-safe-now", ct_choice_get_label ("child-safe-now"));
  ct_choice_row_add (self->safe_row, "child-not-known-safe",
                     ct_choice_get_label ("child-not-known-safe"));
  if (ct_record_has_field (child, "safe-now"))
    ct_choice_row_set_value (self->safe_row,
                             ct_record_get_boolean (child, "safe-now", FALSE)
                             ? "child-safe-now" : "child-not-known-safe");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->safe_row));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (status_group));

  return self;
}

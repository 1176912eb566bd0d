/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-directory-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-choice-row.h"
#include "ct-directory-dialog.h"
#include "ct-directory.h"
#include "ct-procedure.h"

/*
 * Adding or editing a local authority or agency, or a member of staff, in
 * the organisation's directory. The form only collects answers; what is
 * stored, and how, is ct_directory_make_record()'s and
 * ct_workflow_save_directory_async()'s business, the same as for
 * `caretrail-admin agency` and `staff`. A change is kept as a new version;
 * nothing is deleted, and someone who has left is marked so.
 */

static const CtFormField agency_fields[] = {
  { "name", N_("Name") },
  { "area", N_("Area it covers") },
};

static const CtFormField front_door_fields[] = {
  { "address", N_("Postal address") },
  { "phone", N_("Telephone") },
  { "secure-email", N_("Secure email") },
  { "out-of-hours", N_("Out-of-hours telephone") },
};

static const CtFormField staff_fields[] = {
  { "name", N_("Name") },
  { "role", N_("Role or job title") },
  { "email", N_("Email") },
  { "phone", N_("Telephone") },
};

/* The safeguarding roles a member of staff may hold, and the one switch
 * that marks someone as having left. */
static const CtFormField staff_flags[] = {
  { "is-dso", N_("Designated Safeguarding Officer") },
  { "is-deputy", N_("Deputy Designated Safeguarding Officer") },
  { "is-sbm", N_("Senior Board Member for safeguarding") },
  { "left", N_("No longer with us") },
};

struct _CtDirectoryDialog
{
  CtFormWindow  parent_instance;

  CtRecordKind  kind;
  CtRecord     *record;   /* the stored one, or NULL for a new one */
  GHashTable   *answers;  /* what is being saved */

  GtkWidget    *rows[G_N_ELEMENTS (agency_fields)];
  GtkWidget    *front_door_rows[G_N_ELEMENTS (front_door_fields)];
  GtkWidget    *staff_rows[G_N_ELEMENTS (staff_fields)];
  GtkWidget    *flag_switches[G_N_ELEMENTS (staff_flags)];
  CtChoiceRow  *kind_row;
  CtChoiceRow  *period_row;
};

G_DEFINE_FINAL_TYPE (CtDirectoryDialog, ct_directory_dialog, CT_TYPE_FORM_WINDOW)

/* A switch that is off leaves out a flag that was never set, so that
 * opening and saving a form changes nothing. */
static void
add_flag_answer (CtDirectoryDialog *self,
                 GHashTable        *answers,
                 guint              index)
{
  const char *field = staff_flags[index].field;

  if (gtk_switch_get_active (GTK_SWITCH (self->flag_switches[index])))
    ct_answers_set_boolean (answers, field, TRUE);
  else if (self->record != NULL && ct_record_has_field (self->record, field))
    ct_answers_set_boolean (answers, field, FALSE);
  else
    ct_answers_set_text (answers, field, "");
}

static void
add_choice_answer (GHashTable  *answers,
                   const char  *field,
                   CtChoiceRow *row)
{
  const char *value = ct_choice_row_get_value (row);

  ct_answers_set_text (answers, field, value != NULL ? value : "");
}

static GHashTable *
collect_answers (CtDirectoryDialog  *self,
                 GError            **error)
{
  g_autoptr(GHashTable) answers = ct_answers_new ();

  if (self->kind == CT_RECORD_KIND_AGENCY)
    {
      if (!ct_form_window_read_fields (agency_fields, G_N_ELEMENTS (agency_fields), self->rows,
                                       answers, error) ||
          !ct_form_window_read_fields (front_door_fields, G_N_ELEMENTS (front_door_fields),
                                       self->front_door_rows, answers, error))
        return NULL;
      add_choice_answer (answers, "kind", self->kind_row);
      add_choice_answer (answers, "confirmation-period", self->period_row);
    }
  else
    {
      if (!ct_form_window_read_fields (staff_fields, G_N_ELEMENTS (staff_fields),
                                       self->staff_rows, answers, error))
        return NULL;
      for (guint i = 0; i < G_N_ELEMENTS (staff_flags); i++)
        if (self->flag_switches[i] != NULL)
          add_flag_answer (self, answers, i);
    }

  return g_steal_pointer (&answers);
}

/* Checks what was typed as the store will, so that a refusal (a name left
 * empty) is shown in the form at once; a form that changes nothing closes
 * without writing. */
static gboolean
ct_directory_dialog_prepare_save (CtFormWindow  *form,
                                  GError       **error)
{
  CtDirectoryDialog *self = CT_DIRECTORY_DIALOG (form);
  g_autoptr(GHashTable) answers = collect_answers (self, error);
  g_autoptr(CtRecord) record = NULL;

  if (answers == NULL)
    return FALSE;

  record = ct_directory_make_record (self->kind, self->record, answers, error);
  if (record == NULL)
    return FALSE;
  if (self->record != NULL && ct_record_equal_fields (record, self->record))
    return FALSE;

  g_clear_pointer (&self->answers, g_hash_table_unref);
  self->answers = g_steal_pointer (&answers);
  return TRUE;
}

static void
ct_directory_dialog_dispose (GObject *object)
{
  CtDirectoryDialog *self = CT_DIRECTORY_DIALOG (object);

  g_clear_object (&self->record);
  g_clear_pointer (&self->answers, g_hash_table_unref);

  G_OBJECT_CLASS (ct_directory_dialog_parent_class)->dispose (object);
}

static void
ct_directory_dialog_class_init (CtDirectoryDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ct_directory_dialog_dispose;
  CT_FORM_WINDOW_CLASS (klass)->prepare_save = ct_directory_dialog_prepare_save;
}

static void
ct_directory_dialog_init (CtDirectoryDialog *self)
{
}

static GtkWidget *
add_group (CtDirectoryDialog *self,
           const char        *title,
           const char        *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ct_form_window_get_page (CT_FORM_WINDOW (self)),
                            ADW_PREFERENCES_GROUP (group));
  return group;
}

static void
build_agency_form (CtDirectoryDialog *self,
                   const char        *area)
{
  const char * const *kinds = ct_directory_get_agency_kinds ();
  const char * const *periods = ct_directory_get_periods ();
  GtkWidget *group;

  group = add_group (self, _("Local Authority or Agency"),
                     self->record != NULL
                     ? _("Changes are kept as a new version; the earlier details stay in the "
                         "record’s history.")
                     : _("Only the name is needed now; the rest can be added later."));
  ct_form_window_add_fields (ADW_PREFERENCES_GROUP (group), agency_fields,
                             G_N_ELEMENTS (agency_fields), self->record, self->rows);
  if (self->record == NULL && area != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->rows[1]), area);

  self->kind_row = CT_CHOICE_ROW (ct_choice_row_new (_("Kind")));
  for (guint i = 0; kinds[i] != NULL; i++)
    ct_choice_row_add (self->kind_row, kinds[i], ct_directory_describe_agency_kind (kinds[i]));
  if (self->record != NULL)
    ct_choice_row_set_value (self->kind_row, ct_record_get_string (self->record, "kind"));
  else
    ct_choice_row_set_value (self->kind_row, "children-social-care");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->kind_row));

  group = add_group (self, _("Front Door"),
                     _("Where referrals go: the letter confirming a referral is addressed "
                       "from these details."));
  ct_form_window_add_fields (ADW_PREFERENCES_GROUP (group), front_door_fields,
                             G_N_ELEMENTS (front_door_fields), self->record,
                             self->front_door_rows);

  self->period_row = CT_CHOICE_ROW (ct_choice_row_new (_("Written confirmation of a referral")));
  for (guint i = 0; periods[i] != NULL; i++)
    ct_choice_row_add (self->period_row, periods[i], ct_directory_describe_period (periods[i]));
  if (self->record != NULL)
    ct_choice_row_set_value (self->period_row,
                             ct_record_get_string (self->record, "confirmation-period"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->period_row));
}

static GtkWidget *
new_switch_row (const char *title,
                const char *subtitle,
                gboolean    active,
                GtkWidget **out_switch)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out_switch = toggle;
  return row;
}

static void
build_staff_form (CtDirectoryDialog *self)
{
  GtkWidget *group;

  group = add_group (self, _("Member of Staff"),
                     self->record != NULL
                     ? _("Changes are kept as a new version; the earlier details stay in the "
                         "record’s history.")
                     : _("Only the name is needed now; the rest can be added later."));
  ct_form_window_add_fields (ADW_PREFERENCES_GROUP (group), staff_fields,
                             G_N_ELEMENTS (staff_fields), self->record, self->staff_rows);

  group = add_group (self, _("Safeguarding Roles"), NULL);
  for (guint i = 0; i < 3; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               new_switch_row (_(staff_flags[i].label), NULL,
                                               self->record != NULL &&
                                               ct_record_get_boolean (self->record,
                                                                      staff_flags[i].field,
                                                                      FALSE),
                                               &self->flag_switches[i]));

  /* Someone who has left stays in the directory, since the chronology
   * names them; only someone already recorded can leave. */
  if (self->record != NULL)
    {
      group = add_group (self, _("Leaving"), NULL);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 new_switch_row (_(staff_flags[3].label),
                                                 _("They stay in the directory and in the "
                                                   "chronology, but are no longer offered as "
                                                   "someone to choose."),
                                                 ct_directory_staff_has_left (self->record),
                                                 &self->flag_switches[3]));
    }
}

static void
on_changed_cb (CtDirectoryDialog *self)
{
  ct_form_window_hide_problem (CT_FORM_WINDOW (self));
}

/* What was wrong is no longer said once something is changed. */
static void
watch_changes (CtDirectoryDialog *self,
               GtkWidget        **rows,
               guint              n_rows,
               const char        *signal)
{
  for (guint i = 0; i < n_rows; i++)
    if (rows[i] != NULL)
      g_signal_connect_object (rows[i], signal, G_CALLBACK (on_changed_cb), self,
                               G_CONNECT_SWAPPED);
}

/**
 * ct_directory_dialog_new:
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @record: (nullable): the record to edit, or %NULL to add one
 * @area: (nullable): for a new agency, the area it covers
 *
 * Returns: (transfer full): a form for an agency or a member of staff.
 */
CtDirectoryDialog *
ct_directory_dialog_new (CtRecordKind  kind,
                         CtRecord     *record,
                         const char   *area)
{
  CtDirectoryDialog *self;
  const char *title;

  g_return_val_if_fail (ct_directory_kind_is_directory (kind), NULL);
  g_return_val_if_fail (record == NULL || ct_record_get_kind (record) == kind, NULL);

  if (kind == CT_RECORD_KIND_AGENCY)
    title = record != NULL ? _("Edit the Local Authority or Agency")
                           : _("Add a Local Authority or Agency");
  else
    title = record != NULL ? _("Edit the Member of Staff") : _("Add a Member of Staff");

  self = g_object_new (CT_TYPE_DIRECTORY_DIALOG,
                       "title", title,
                       "help-page", "directory",
                       NULL);
  self->kind = kind;
  self->record = record != NULL ? g_object_ref (record) : NULL;

  if (kind == CT_RECORD_KIND_AGENCY)
    {
      ct_form_window_set_save_label (CT_FORM_WINDOW (self),
                                     _("Save the local authority’s or agency’s details"));
      build_agency_form (self, area);
      watch_changes (self, self->rows, G_N_ELEMENTS (self->rows), "changed");
      watch_changes (self, self->front_door_rows, G_N_ELEMENTS (self->front_door_rows),
                     "changed");
      watch_changes (self, (GtkWidget **) &self->kind_row, 1, "notify::value");
      watch_changes (self, (GtkWidget **) &self->period_row, 1, "notify::value");
    }
  else
    {
      ct_form_window_set_save_label (CT_FORM_WINDOW (self),
                                     _("Save the member of staff’s details"));
      build_staff_form (self);
      watch_changes (self, self->staff_rows, G_N_ELEMENTS (self->staff_rows), "changed");
      watch_changes (self, self->flag_switches, G_N_ELEMENTS (self->flag_switches),
                     "notify::active");
    }

  return self;
}

CtRecordKind
ct_directory_dialog_get_kind (CtDirectoryDialog *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_DIALOG (self), CT_RECORD_KIND_AGENCY);
  return self->kind;
}

/**
 * ct_directory_dialog_get_record:
 * @self: a #CtDirectoryDialog
 *
 * Returns: (transfer none) (nullable): the record being edited, or %NULL
 *   for a new one
 */
CtRecord *
ct_directory_dialog_get_record (CtDirectoryDialog *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_DIALOG (self), NULL);
  return self->record;
}

/**
 * ct_directory_dialog_get_answers:
 * @self: a #CtDirectoryDialog
 *
 * Returns: (transfer none) (nullable): what is being saved, for a ::save
 *   handler
 */
GHashTable *
ct_directory_dialog_get_answers (CtDirectoryDialog *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_DIALOG (self), NULL);
  return self->answers;
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CtDirectoryDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtRecord) record = NULL;

  record = ct_workflow_save_directory_finish (CT_WORKFLOW (source), result, &error);
  ct_form_window_save_finished (CT_FORM_WINDOW (self), error);
}

static void
on_save_cb (CtDirectoryDialog *self,
            CtWorkflow        *workflow)
{
  ct_workflow_save_directory_async (workflow, self->kind, self->record, self->answers, NULL,
                                    on_saved_cb, g_object_ref (self));
}

/**
 * ct_directory_dialog_present:
 * @workflow: the open records
 * @parent: (nullable): the window it belongs to
 * @kind: %CT_RECORD_KIND_AGENCY or %CT_RECORD_KIND_STAFF
 * @record: (nullable): the record to edit, or %NULL to add one
 * @area: (nullable): for a new agency, the area it covers
 *
 * Shows the form; what it saves goes through @workflow.
 *
 * Returns: (transfer none): the form
 */
GtkWindow *
ct_directory_dialog_present (CtWorkflow   *workflow,
                             GtkWindow    *parent,
                             CtRecordKind  kind,
                             CtRecord     *record,
                             const char   *area)
{
  CtDirectoryDialog *self;

  g_return_val_if_fail (CT_IS_WORKFLOW (workflow), NULL);

  self = ct_directory_dialog_new (kind, record, area);
  g_signal_connect_data (self, "save", G_CALLBACK (on_save_cb), g_object_ref (workflow),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-directory-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-directory-dialog.h"
#include "ct-directory-page.h"
#include "ct-directory.h"
#include "ct-record.h"

/*
 * The agencies the organisation refers to and the staff its policy names,
 * each the workflow's model of CtRecord shown as rows. A row opens its
 * record's form; the buttons above each list add one. The models change
 * when a form's change is stored, so the rows follow.
 */
struct _CtDirectoryPage
{
  AdwBin      parent_instance;

  CtWorkflow *workflow;
  GListModel *agencies;
  GListModel *staff;

  GtkStack   *stack;
  GtkListBox *agencies_list;
  GtkListBox *staff_list;
};

G_DEFINE_FINAL_TYPE (CtDirectoryPage, ct_directory_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_WORKFLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title != NULL ? title : "",
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Edit"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  return row;
}

static void
append_detail (GString    *text,
               const char *separator,
               const char *detail)
{
  if (detail == NULL || *detail == '\0')
    return;
  if (text->len > 0)
    g_string_append (text, separator);
  g_string_append (text, detail);
}

static GtkWidget *
create_agency_row (gpointer item,
                   gpointer user_data)
{
  CtRecord *record = item;
  g_autoptr(GString) subtitle = g_string_new (ct_directory_describe_agency_kind (
                                                ct_record_get_string (record, "kind")));
  const char *address = ct_record_get_string (record, "address");

  append_detail (subtitle, ", ", ct_record_get_string (record, "area"));
  append_detail (subtitle, " · ", ct_directory_describe_period (
                                    ct_record_get_string (record, "confirmation-period")));
  append_detail (subtitle, " · ", ct_record_get_string (record, "phone"));
  if (address != NULL && *address != '\0')
    append_detail (subtitle, "\n", address);
  else
    append_detail (subtitle, "\n", _("No postal address recorded"));

  return new_row (ct_record_get_string (record, "name"), subtitle->str);
}

static GtkWidget *
create_staff_row (gpointer item,
                  gpointer user_data)
{
  CtRecord *record = item;
  g_autofree char *roles = ct_directory_describe_roles (record);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *contact = ct_record_get_string (record, "email");
  GtkWidget *row;

  if (ct_directory_staff_has_left (record))
    append_detail (subtitle, " · ", _("No longer with us"));
  append_detail (subtitle, " · ", roles);
  if (contact == NULL || *contact == '\0')
    contact = ct_record_get_string (record, "phone");
  append_detail (subtitle, " · ", contact);

  row = new_row (ct_record_get_string (record, "name"), subtitle->str);
  if (ct_directory_staff_has_left (record))
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
update_stack (CtDirectoryPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, self->workflow != NULL ? "list" : "empty");
}

static GtkWindow *
get_parent (CtDirectoryPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
on_row_activated_cb (GtkListBox      *list,
                     GtkListBoxRow   *row,
                     CtDirectoryPage *self)
{
  GListModel *model = list == self->agencies_list ? self->agencies : self->staff;
  g_autoptr(CtRecord) record = NULL;

  if (self->workflow == NULL || model == NULL)
    return;

  record = g_list_model_get_item (model, gtk_list_box_row_get_index (row));
  if (record != NULL)
    ct_directory_dialog_present (self->workflow, get_parent (self), ct_record_get_kind (record),
                                 record, NULL);
}

static void
on_add_activated_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CtDirectoryPage *self = CT_DIRECTORY_PAGE (widget);

  if (self->workflow == NULL)
    return;

  ct_directory_dialog_present (self->workflow, get_parent (self),
                               g_str_equal (action_name, "directory.add-agency")
                               ? CT_RECORD_KIND_AGENCY : CT_RECORD_KIND_STAFF,
                               NULL, NULL);
}

/**
 * ct_directory_page_set_workflow:
 * @self: a #CtDirectoryPage
 * @workflow: (nullable): the open records, or %NULL for none
 *
 * Shows @workflow's agencies and staff, and saves what its forms change
 * through it.
 */
void
ct_directory_page_set_workflow (CtDirectoryPage *self,
                                CtWorkflow      *workflow)
{
  g_return_if_fail (CT_IS_DIRECTORY_PAGE (self));
  g_return_if_fail (workflow == NULL || CT_IS_WORKFLOW (workflow));

  if (!g_set_object (&self->workflow, workflow))
    return;

  g_clear_object (&self->agencies);
  g_clear_object (&self->staff);
  if (workflow != NULL)
    {
      self->agencies = g_object_ref (ct_workflow_get_agencies (workflow));
      self->staff = g_object_ref (ct_workflow_get_staff (workflow));
    }
  gtk_list_box_bind_model (self->agencies_list, self->agencies, create_agency_row, self, NULL);
  gtk_list_box_bind_model (self->staff_list, self->staff, create_staff_row, self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "directory.add-agency", workflow != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "directory.add-staff", workflow != NULL);
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKFLOW]);
}

static void
ct_directory_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CtDirectoryPage *self = CT_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKFLOW:
      g_value_set_object (value, self->workflow);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_directory_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CtDirectoryPage *self = CT_DIRECTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKFLOW:
      ct_directory_page_set_workflow (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_directory_page_dispose (GObject *object)
{
  CtDirectoryPage *self = CT_DIRECTORY_PAGE (object);

  /* AdwBin unparents the template's child itself. */
  g_clear_object (&self->agencies);
  g_clear_object (&self->staff);
  g_clear_object (&self->workflow);

  G_OBJECT_CLASS (ct_directory_page_parent_class)->dispose (object);
}

static void
ct_directory_page_class_init (CtDirectoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_directory_page_dispose;
  object_class->get_property = ct_directory_page_get_property;
  object_class->set_property = ct_directory_page_set_property;

  /**
   * CtDirectoryPage:workflow:
   *
   * The open records whose directory the page shows, or %NULL.
   */
  properties[PROP_WORKFLOW] =
    g_param_spec_object ("workflow", NULL, NULL, CT_TYPE_WORKFLOW,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-directory-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, agencies_list);
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, staff_list);

  gtk_widget_class_install_action (widget_class, "directory.add-agency", NULL,
                                   on_add_activated_cb);
  gtk_widget_class_install_action (widget_class, "directory.add-staff", NULL,
                                   on_add_activated_cb);
}

static void
ct_directory_page_init (CtDirectoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->agencies_list, "row-activated",
                           G_CALLBACK (on_row_activated_cb), self, 0);
  g_signal_connect_object (self->staff_list, "row-activated",
                           G_CALLBACK (on_row_activated_cb), self, 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "directory.add-agency", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "directory.add-staff", FALSE);
  update_stack (self);
}

/**
 * ct_directory_page_new:
 *
 * Returns: (transfer floating): a new directory page, empty until
 *   ct_directory_page_set_workflow()
 */
GtkWidget *
ct_directory_page_new (void)
{
  return g_object_new (CT_TYPE_DIRECTORY_PAGE, NULL);
}

/**
 * ct_directory_page_get_agencies:
 * @self: a #CtDirectoryPage
 *
 * Returns: (transfer none) (nullable): the agencies shown, a model of
 *   #CtRecord
 */
GListModel *
ct_directory_page_get_agencies (CtDirectoryPage *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_PAGE (self), NULL);
  return self->agencies;
}

/**
 * ct_directory_page_get_staff:
 * @self: a #CtDirectoryPage
 *
 * Returns: (transfer none) (nullable): the staff shown, everyone who has
 *   been on it, a model of #CtRecord
 */
GListModel *
ct_directory_page_get_staff (CtDirectoryPage *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_PAGE (self), NULL);
  return self->staff;
}

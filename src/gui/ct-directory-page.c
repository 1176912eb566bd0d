/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-directory-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-directory-page.h"
#include "ct-record.h"

/*
 * The agencies the organisation refers to and the staff its policy names,
 * each list a model of CtRecord shown as rows.
 */
struct _CtDirectoryPage
{
  AdwBin      parent_instance;

  GListStore *agencies;
  GListStore *staff;

  GtkStack   *stack;
  GtkListBox *agencies_list;
  GtkListBox *staff_list;
};

G_DEFINE_FINAL_TYPE (CtDirectoryPage, ct_directory_page, ADW_TYPE_BIN)

static const char *
describe_agency_kind (const char *kind)
{
  if (g_strcmp0 (kind, "children-social-care") == 0)
    return _("Children’s social care");
  if (g_strcmp0 (kind, "mash") == 0)
    return _("Multi-agency safeguarding hub");
  if (g_strcmp0 (kind, "police") == 0)
    return _("Police");
  if (g_strcmp0 (kind, "nspcc") == 0)
    return _("NSPCC helpline");
  if (g_strcmp0 (kind, "lado") == 0)
    return _("Local authority designated officer");
  if (g_strcmp0 (kind, "early-help") == 0)
    return _("Early help");
  return _("Agency");
}

static const char *
describe_period (const char *period)
{
  if (g_strcmp0 (period, "24h") == 0)
    return _("written confirmation within 24 hours");
  if (g_strcmp0 (period, "2wd") == 0)
    return _("written confirmation within 2 working days");
  return _("written confirmation within 48 hours");
}

static GtkWidget *
create_agency_row (gpointer item,
                   gpointer user_data)
{
  CtRecord *record = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;
  const char *area = ct_record_get_string (record, "area");
  const char *phone = ct_record_get_string (record, "phone");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ct_record_get_string (record, "name"));
  subtitle = g_strdup_printf ("%s%s%s · %s%s%s",
                              describe_agency_kind (ct_record_get_string (record, "kind")),
                              area && *area ? ", " : "", area ? area : "",
                              describe_period (ct_record_get_string (record,
                                                                     "confirmation-period")),
                              phone && *phone ? " · " : "", phone ? phone : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  return row;
}

static GtkWidget *
create_staff_row (gpointer item,
                  gpointer user_data)
{
  CtRecord *record = item;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) roles = g_string_new (ct_record_get_string (record, "role"));
  const char *contact = ct_record_get_string (record, "email");

  if (contact == NULL || *contact == '\0')
    contact = ct_record_get_string (record, "phone");
  if (contact != NULL && *contact != '\0')
    g_string_append_printf (roles, roles->len ? " · %s" : "%s", contact);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ct_record_get_string (record, "name"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), roles->str);

  return row;
}

static void
update_stack (CtDirectoryPage *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->agencies)) == 0 &&
                   g_list_model_get_n_items (G_LIST_MODEL (self->staff)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
ct_directory_page_dispose (GObject *object)
{
  CtDirectoryPage *self = CT_DIRECTORY_PAGE (object);

  /* AdwBin unparents the template's child itself. */
  g_clear_object (&self->agencies);
  g_clear_object (&self->staff);

  G_OBJECT_CLASS (ct_directory_page_parent_class)->dispose (object);
}

static void
ct_directory_page_class_init (CtDirectoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_directory_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-directory-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, agencies_list);
  gtk_widget_class_bind_template_child (widget_class, CtDirectoryPage, staff_list);
}

static void
ct_directory_page_init (CtDirectoryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->agencies = g_list_store_new (CT_TYPE_RECORD);
  self->staff = g_list_store_new (CT_TYPE_RECORD);
  gtk_list_box_bind_model (self->agencies_list, G_LIST_MODEL (self->agencies),
                           create_agency_row, self, NULL);
  gtk_list_box_bind_model (self->staff_list, G_LIST_MODEL (self->staff),
                           create_staff_row, self, NULL);
  update_stack (self);
}

/**
 * ct_directory_page_new:
 *
 * Returns: (transfer floating): a new, empty directory page.
 */
GtkWidget *
ct_directory_page_new (void)
{
  return g_object_new (CT_TYPE_DIRECTORY_PAGE, NULL);
}

/**
 * ct_directory_page_set_records:
 * @self: a #CtDirectoryPage
 * @records: (element-type CtRecord): AGENCY and STAFF records; others are
 *   ignored
 *
 * Replaces what the page shows.
 */
void
ct_directory_page_set_records (CtDirectoryPage *self,
                               GPtrArray       *records)
{
  g_autoptr(GPtrArray) agencies = g_ptr_array_new ();
  g_autoptr(GPtrArray) staff = g_ptr_array_new ();

  g_return_if_fail (CT_IS_DIRECTORY_PAGE (self));

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      CtRecord *record = g_ptr_array_index (records, i);

      if (ct_record_get_kind (record) == CT_RECORD_KIND_AGENCY)
        g_ptr_array_add (agencies, record);
      else if (ct_record_get_kind (record) == CT_RECORD_KIND_STAFF)
        g_ptr_array_add (staff, record);
    }

  g_list_store_splice (self->agencies, 0, g_list_model_get_n_items (G_LIST_MODEL (self->agencies)),
                       agencies->pdata, agencies->len);
  g_list_store_splice (self->staff, 0, g_list_model_get_n_items (G_LIST_MODEL (self->staff)),
                       staff->pdata, staff->len);
  update_stack (self);
}

/**
 * ct_directory_page_get_agencies:
 * @self: a #CtDirectoryPage
 *
 * Returns: (transfer none): the agencies, a model of #CtRecord.
 */
GListModel *
ct_directory_page_get_agencies (CtDirectoryPage *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_PAGE (self), NULL);
  return G_LIST_MODEL (self->agencies);
}

/**
 * ct_directory_page_get_staff:
 * @self: a #CtDirectoryPage
 *
 * Returns: (transfer none): the staff, a model of #CtRecord.
 */
GListModel *
ct_directory_page_get_staff (CtDirectoryPage *self)
{
  g_return_val_if_fail (CT_IS_DIRECTORY_PAGE (self), NULL);
  return G_LIST_MODEL (self->staff);
}

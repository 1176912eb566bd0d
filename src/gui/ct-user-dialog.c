/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-user-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-record.h"
#include "ct-user-dialog.h"

/*
 * "Who is using Caretrail?": the staff directory, names and roles, to choose
 * from. Every entry Caretrail writes names the member of staff who made it,
 * so the app asks on first use under a desktop account, and again from the
 * main menu ("Change User…"). Choosing a row emits ::chosen with their id.
 */
struct _CtUserDialog
{
  AdwWindow   parent_instance;

  GListModel *staff;
  char       *current_id;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (CtUserDialog, ct_user_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
describe_role (CtRecord *staff)
{
  const char *role = ct_record_get_string (staff, "role");
  g_autoptr(GString) text = g_string_new (role);

  if (ct_record_get_boolean (staff, "is-dso", FALSE))
    g_string_append_printf (text, "%s%s", text->len ? " · " : "",
                            _("Designated safeguarding officer"));
  else if (ct_record_get_boolean (staff, "is-deputy", FALSE))
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", _("Deputy DSO"));
  else if (ct_record_get_boolean (staff, "is-sbm", FALSE))
    g_string_append_printf (text, "%s%s", text->len ? " · " : "",
                            _("Safeguarding board member"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_row_activated_cb (GtkListBox    *list,
                     GtkListBoxRow *row,
                     CtUserDialog  *self)
{
  g_autoptr(CtRecord) staff = g_list_model_get_item (self->staff,
                                                     (guint) gtk_list_box_row_get_index (row));

  if (staff != NULL)
    ct_user_dialog_choose (self, ct_record_get_id (staff));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  CtUserDialog *self = user_data;
  CtRecord *staff = item;
  const char *name = ct_record_get_string (staff, "name");
  g_autofree char *role = describe_role (staff);
  g_autofree char *accessible = NULL;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name ? name : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), role);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (g_strcmp0 (ct_record_get_id (staff), self->current_id) == 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               gtk_image_new_from_icon_name ("object-select-symbolic"));
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               gtk_image_new_from_icon_name ("go-next-symbolic"));

  /* Translators: a member of staff to choose; "Dana Officer, Compliance officer". */
  accessible = *role ? g_strdup_printf (_("%s, %s"), name ? name : "", role)
                     : g_strdup (name ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  return row;
}

static void
ct_user_dialog_dispose (GObject *object)
{
  CtUserDialog *self = CT_USER_DIALOG (object);

  g_clear_object (&self->staff);
  g_clear_pointer (&self->current_id, g_free);

  G_OBJECT_CLASS (ct_user_dialog_parent_class)->dispose (object);
}

static void
ct_user_dialog_class_init (CtUserDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_user_dialog_dispose;

  /**
   * CtUserDialog::chosen:
   * @self: the dialog
   * @staff_id: the id of the member of staff chosen
   *
   * Emitted when someone says who they are; the dialog then closes.
   */
  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
ct_user_dialog_init (CtUserDialog *self)
{
}

/**
 * ct_user_dialog_new:
 * @staff: a model of STAFF #CtRecord
 * @current_id: (nullable): who is using Caretrail now, if anyone
 *
 * Returns: (transfer full): a new dialog listing @staff.
 */
CtUserDialog *
ct_user_dialog_new (GListModel *staff,
                    const char *current_id)
{
  CtUserDialog *self;
  GtkWidget *box, *header, *cancel, *page, *group, *list;

  g_return_val_if_fail (G_IS_LIST_MODEL (staff), NULL);

  self = g_object_new (CT_TYPE_USER_DIALOG,
                       "title", _("Who Is Using Caretrail?"),
                       "modal", TRUE,
                       "default-width", 480,
                       "default-height", 520,
                       "width-request", 360,
                       "height-request", 294,
                       NULL);
  self->staff = g_object_ref (staff);
  self->current_id = g_strdup (current_id);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cancel"), -1);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  gtk_box_append (GTK_BOX (box), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Who Is Using Caretrail?"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Every entry you make names you as the member of staff who made it. Choose yourself; you can change this later from the main menu."));

  list = gtk_list_box_new ();
  self->list = GTK_LIST_BOX (list);
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Members of staff"), -1);
  gtk_list_box_bind_model (self->list, staff, create_row, self, NULL);
  g_signal_connect (list, "row-activated", G_CALLBACK (on_row_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_box_append (GTK_BOX (box), page);

  adw_window_set_content (ADW_WINDOW (self), box);
  return self;
}

/**
 * ct_user_dialog_choose:
 * @self: a #CtUserDialog
 * @staff_id: a member of staff's id
 *
 * Chooses a member of staff, as activating their row does.
 */
void
ct_user_dialog_choose (CtUserDialog *self,
                       const char   *staff_id)
{
  g_return_if_fail (CT_IS_USER_DIALOG (self));
  g_return_if_fail (staff_id != NULL);

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, staff_id);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

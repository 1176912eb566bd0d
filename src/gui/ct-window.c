/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-case-list-view.h"
#include "ct-concern-dialog.h"
#include "ct-directory-page.h"
#include "ct-split-view.h"
#include "ct-window.h"

struct _CtWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  CtCaseListModel      *cases;

  GtkWidget            *needs_action_view;
  GtkWidget            *open_view;
  GtkWidget            *closed_view;
  GtkWidget            *directory_page;

  AdwHeaderBar         *header_bar;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  CtSplitView          *split_view;
  GtkListBox           *sidebar_list;
  GtkListBoxRow        *needs_action_row;
  GtkListBoxRow        *open_row;
  GtkListBoxRow        *closed_row;
  GtkListBoxRow        *directory_row;
  GtkLabel             *needs_action_count;
  GtkLabel             *open_count;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  GtkMenuButton        *primary_menu_button;
  GtkSpinner           *loading_spinner;
};

G_DEFINE_FINAL_TYPE (CtWindow, ct_window, ADW_TYPE_APPLICATION_WINDOW)

static void
restore_window_state (CtWindow *self)
{
  int width;
  int height;

  if (!g_settings_get_boolean (self->settings, "remember-window-size"))
    return;

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CtWindow *self)
{
  int width;
  int height;

  if (!g_settings_get_boolean (self->settings, "remember-window-size"))
    return;

  /* The default size tracks the unmaximized size, which is what should come
   * back when the window is next opened unmaximized. */
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
ct_window_close_request (GtkWindow *window)
{
  save_window_state (CT_WINDOW (window));

  return GTK_WINDOW_CLASS (ct_window_parent_class)->close_request (window);
}

static const char *
get_section_title (const char *section)
{
  if (g_strcmp0 (section, "needs-action") == 0)
    return _("Needs Action");
  if (g_strcmp0 (section, "open") == 0)
    return _("Open Cases");
  if (g_strcmp0 (section, "closed") == 0)
    return _("Closed Cases");
  if (g_strcmp0 (section, "directory") == 0)
    return _("Directory");
  return _("Caretrail");
}

static void
update_counts (CtWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->cases);
  guint n = g_list_model_get_n_items (model);
  guint n_due = 0;
  guint n_open = 0;
  char text[16];

  /* One pass over the items the store loaded; cheap even for many
   * thousands, and only done when the model changes. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtCaseItem) item = g_list_model_get_item (model, i);

      if (ct_case_item_get_closed (item))
        continue;
      n_open++;
      if (ct_case_item_get_due_at (item) != 0)
        n_due++;
    }

  g_snprintf (text, sizeof text, "%u", n_due);
  gtk_label_set_text (self->needs_action_count, n_due > 0 ? text : "");
  g_snprintf (text, sizeof text, "%u", n_open);
  gtk_label_set_text (self->open_count, n_open > 0 ? text : "");
}

static void
on_cases_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     CtWindow   *self)
{
  update_counts (self);
}

static void
select_section (CtWindow   *self,
                const char *section)
{
  GtkListBoxRow *row = NULL;

  if (g_strcmp0 (section, "needs-action") == 0)
    row = self->needs_action_row;
  else if (g_strcmp0 (section, "open") == 0)
    row = self->open_row;
  else if (g_strcmp0 (section, "closed") == 0)
    row = self->closed_row;
  else if (g_strcmp0 (section, "directory") == 0)
    row = self->directory_row;

  g_return_if_fail (row != NULL);

  gtk_list_box_select_row (self->sidebar_list, row);
  gtk_stack_set_visible_child_name (self->content_stack, section);
  adw_window_title_set_title (self->content_title, get_section_title (section));
}

static void
on_sidebar_row_activated_cb (GtkListBox    *list,
                             GtkListBoxRow *row,
                             CtWindow      *self)
{
  select_section (self, gtk_widget_get_name (GTK_WIDGET (row)));
  ct_split_view_show_content (self->split_view);
}

static void
on_case_activated_cb (CtCaseListView *view,
                      CtCaseItem     *item,
                      CtWindow       *self)
{
  /* The case page arrives with the procedure engine; until then say so
   * rather than do nothing. */
  g_autofree char *message =
    g_strdup_printf (_("Case %s cannot be opened in this version yet."),
                     ct_case_item_get_reference (item));

  ct_window_add_toast (self, message);
}

static void
on_concern_saved_cb (CtConcernDialog *dialog,
                     GPtrArray       *records,
                     CtWindow        *self)
{
  g_autoptr(GError) error = NULL;

  /* Saving goes through the encrypted store, which this window is not yet
   * connected to; say so rather than pretend the concern was kept. */
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("No records are open, so nothing can be saved yet."));
  ct_concern_dialog_save_finished (dialog, error);
}

static void
on_new_concern_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);
  CtConcernDialog *dialog = ct_concern_dialog_new ();

  g_signal_connect_object (dialog, "save", G_CALLBACK (on_concern_saved_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_go_back_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);

  ct_split_view_show_sidebar (self->split_view);
}

static void
on_search_activated_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_visible_child (self->content_stack);

  if (!CT_IS_CASE_LIST_VIEW (page))
    {
      select_section (self, "open");
      page = self->open_view;
    }

  ct_split_view_show_content (self->split_view);
  ct_case_list_view_focus_search (CT_CASE_LIST_VIEW (page));
}

static void
add_case_view (CtWindow       *self,
               GtkWidget     **out_view,
               CtCaseListKind  kind,
               const char     *name)
{
  GtkWidget *view = ct_case_list_view_new (kind);

  ct_case_list_view_set_model (CT_CASE_LIST_VIEW (view), G_LIST_MODEL (self->cases));
  g_signal_connect_object (view, "case-activated", G_CALLBACK (on_case_activated_cb), self, 0);
  gtk_stack_add_named (self->content_stack, view, name);
  *out_view = view;
}

static void
ct_window_constructed (GObject *object)
{
  CtWindow *self = CT_WINDOW (object);
  GtkApplication *app;

  G_OBJECT_CLASS (ct_window_parent_class)->constructed (object);

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (CT_IS_APPLICATION (app))
    self->settings = g_object_ref (ct_application_get_settings (CT_APPLICATION (app)));
  else
    self->settings = g_settings_new (APPLICATION_ID);

  restore_window_state (self);
}

static void
ct_window_dispose (GObject *object)
{
  CtWindow *self = CT_WINDOW (object);

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed_cb, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), CT_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->cases);

  G_OBJECT_CLASS (ct_window_parent_class)->dispose (object);
}

static void
ct_window_class_init (CtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = ct_window_constructed;
  object_class->dispose = ct_window_dispose;

  window_class->close_request = ct_window_close_request;

  g_type_ensure (CT_TYPE_SPLIT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ct-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CtWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, split_view);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, needs_action_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, open_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, closed_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, directory_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, needs_action_count);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, open_count);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, loading_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.new-concern", NULL,
                                   on_new_concern_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, on_go_back_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, on_search_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-concern", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.go-back", NULL);
}

static void
ct_window_init (CtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cases = ct_case_list_model_new ();
  g_signal_connect (self->cases, "items-changed", G_CALLBACK (on_cases_changed_cb), self);

  add_case_view (self, &self->needs_action_view, CT_CASE_LIST_NEEDS_ACTION, "needs-action");
  add_case_view (self, &self->open_view, CT_CASE_LIST_OPEN, "open");
  add_case_view (self, &self->closed_view, CT_CASE_LIST_CLOSED, "closed");
  self->directory_page = ct_directory_page_new ();
  gtk_stack_add_named (self->content_stack, self->directory_page, "directory");

  select_section (self, "needs-action");
  update_counts (self);
}

/**
 * ct_window_new:
 * @application: the #CtApplication the window belongs to
 *
 * Returns: (transfer full): a new main window.
 */
CtWindow *
ct_window_new (CtApplication *application)
{
  return g_object_new (CT_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * ct_window_get_cases:
 * @self: a #CtWindow
 *
 * Returns: (transfer none): the cases every list in the window shows.
 */
CtCaseListModel *
ct_window_get_cases (CtWindow *self)
{
  g_return_val_if_fail (CT_IS_WINDOW (self), NULL);

  return self->cases;
}

/**
 * ct_window_show_section:
 * @self: a #CtWindow
 * @section: "needs-action", "open", "closed" or "directory"
 *
 * Shows a section of the sidebar, as if the user had chosen it.
 */
void
ct_window_show_section (CtWindow   *self,
                        const char *section)
{
  g_return_if_fail (CT_IS_WINDOW (self));

  select_section (self, section);
  ct_split_view_show_content (self->split_view);
}

/**
 * ct_window_get_section:
 * @self: a #CtWindow
 *
 * Returns: the name of the section shown.
 */
const char *
ct_window_get_section (CtWindow *self)
{
  g_return_val_if_fail (CT_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->content_stack);
}

/**
 * ct_window_add_toast:
 * @self: a #CtWindow
 * @message: a full sentence
 *
 * Shows @message briefly at the bottom of the window.
 */
void
ct_window_add_toast (CtWindow   *self,
                     const char *message)
{
  g_return_if_fail (CT_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

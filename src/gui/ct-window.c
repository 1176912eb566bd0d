/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-backup-banner.h"
#include "ct-backups.h"
#include "ct-case-list-view.h"
#include "ct-case-page.h"
#include "ct-concern-dialog.h"
#include "ct-crypto.h"
#include "ct-directory-page.h"
#include "ct-directory.h"
#include "ct-reports-page.h"
#include "ct-setup-assistant.h"
#include "ct-store-members.h"
#include "ct-split-view.h"
#include "ct-step-dialog.h"
#include "ct-store-location.h"
#include "ct-submissions-page.h"
#include "ct-store.h"
#include "ct-unlock-page.h"
#include "ct-user-dialog.h"
#include "ct-window.h"
#include "ct-workflow.h"

/* How long opening the records may take before the spinner turns. */
#define SPINNER_DELAY_MS 500

struct _CtWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  CtCaseListModel      *cases;
  char                 *database_path;
  CtStore              *store;
  CtWorkflow           *workflow;
  GCancellable         *cancellable;
  /* The store whose changed-elsewhere signal reloads the lists. */
  CtStore              *watched_store;
  gboolean              reloading;
  gboolean              reload_again;
  /* While the cases below the first screen are still being read. */
  gboolean              loading_rest;
  guint                 n_cases_stored;
  guint                 n_due;
  guint                 n_open;
  gboolean              probe_shown;
  GCancellable         *rest_cancellable;
  /* The cases shown first, while the rest wait for them to be drawn. */
  GPtrArray            *rest_shown;
  GdkFrameClock        *rest_clock;
  gulong                rest_paint_handler;
  guint                 rest_timeout;

  GtkWidget            *setup_assistant;
  GtkWidget            *unlock_page;
  GtkWidget            *case_page;

  GtkWidget            *needs_action_view;
  GtkWidget            *open_view;
  GtkWidget            *closed_view;
  GtkWidget            *directory_page;
  GtkWidget            *reports_page;
  GtkWidget            *submissions_page;

  AdwHeaderBar         *header_bar;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  CtSplitView          *split_view;
  GtkListBox           *sidebar_list;
  GtkListBoxRow        *needs_action_row;
  GtkListBoxRow        *open_row;
  GtkListBoxRow        *closed_row;
  GtkListBoxRow        *directory_row;
  GtkListBoxRow        *reports_row;
  GtkListBoxRow        *submissions_row;
  GtkLabel             *submissions_count;
  GtkLabel             *needs_action_count;
  GtkLabel             *open_count;
  AdwWindowTitle       *content_title;
  GtkStack             *content_stack;
  GtkMenuButton        *primary_menu_button;
  GtkWidget            *loading_handle;
  gint64                loading_frame;
  GtkSpinner           *loading_spinner;
  GtkLabel             *loading_label;
  guint                 spinner_timeout;
};

G_DEFINE_FINAL_TYPE (CtWindow, ct_window, ADW_TYPE_APPLICATION_WINDOW)

static void on_restore_backup_activated_cb (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter);

static void
restore_window_state (CtWindow *self)
{
  int width;
  int height;

  /* The window opens as it was last left, as GNOME's own apps do. */
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
  CtWindow *self = CT_WINDOW (window);

  save_window_state (self);

  /* If a backup is due, it is made as the window goes, and the records are
   * closed when it is done; the application waits for it. */
  if (self->store != NULL && ct_backups_back_up_on_close (self->settings, self->store))
    g_clear_object (&self->store);

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
  if (g_strcmp0 (section, "reports") == 0)
    return _("Reports");
  if (g_strcmp0 (section, "submissions") == 0)
    return _("New Concerns From Staff");
  return _("Caretrail");
}

/* Counts the cases from @from on into the counts shown in the sidebar. */
static void
update_counts (CtWindow *self,
               guint     from)
{
  GListModel *model = G_LIST_MODEL (self->cases);
  guint n = g_list_model_get_n_items (model);
  char text[16];

  if (from == 0)
    self->n_due = self->n_open = 0;

  /* One pass over the items the store loaded (or only those added at the
   * end, as they come in while loading); cheap even for many thousands. */
  for (guint i = from; i < n; i++)
    {
      g_autoptr(CtCaseItem) item = g_list_model_get_item (model, i);

      if (ct_case_item_get_closed (item))
        continue;
      self->n_open++;
      if (ct_case_item_get_due_at (item) != 0)
        self->n_due++;
    }

  g_snprintf (text, sizeof text, "%u", self->n_due);
  gtk_label_set_text (self->needs_action_count, self->n_due > 0 ? text : "");
  g_snprintf (text, sizeof text, "%u", self->n_open);
  gtk_label_set_text (self->open_count, self->n_open > 0 ? text : "");
}

static void
on_cases_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     CtWindow   *self)
{
  /* Cases added at the end (read while loading, or new) are counted on
   * their own; any other change counts them all again. */
  if (removed == 0 && position + added == g_list_model_get_n_items (model))
    update_counts (self, position);
  else
    update_counts (self, 0);
}

static void ensure_section (CtWindow   *self,
                            const char *section);

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
  else if (g_strcmp0 (section, "reports") == 0)
    row = self->reports_row;
  else if (g_strcmp0 (section, "submissions") == 0)
    row = self->submissions_row;

  g_return_if_fail (row != NULL);

  ensure_section (self, section);
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
on_case_changed_cb (CtCasePage *page,
                    CtCaseItem *item,
                    CtWindow   *self)
{
  ct_case_list_model_upsert (self->cases, item);
}

static void
on_case_activated_cb (CtCaseListView *view,
                      CtCaseItem     *item,
                      CtWindow       *self)
{
  if (self->workflow == NULL)
    {
      ct_window_add_toast (self, _("No records are open, so the case cannot be shown."));
      return;
    }

  ct_window_open_case (self, ct_case_item_get_case_id (item));
}

/* Something the person who recorded a step must act on now (escalation due
 * on a day that is not a working day, and the out-of-hours route): a dialog
 * that stays until it is closed, rather than a toast that goes. */
static void
show_notice (CtWindow   *self,
             const char *notice)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Act on This Now"), notice);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Understood"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_concern_recorded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(CtConcernDialog) dialog = user_data;
  CtWindow *self = CT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autofree char *notice = NULL;

  item = ct_workflow_record_finish (CT_WORKFLOW (source), result, &notice, &error);
  ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);
  if (item == NULL || self == NULL)
    return;

  ct_case_list_model_upsert (self->cases, item);
  {
    g_autofree char *message = NULL;

    if (ct_case_item_get_urgent (item))
      message = g_strdup_printf (_("Concern recorded as case %s: make an urgent referral now"),
                                 ct_case_item_get_reference (item));
    else
      message = g_strdup_printf (_("Concern recorded as case %s"),
                                 ct_case_item_get_reference (item));
    ct_window_add_toast (self, message);
  }
  ct_window_open_case (self, ct_case_item_get_case_id (item));
  if (notice != NULL)
    show_notice (self, notice);
}

static void
on_concern_saved_cb (CtConcernDialog *dialog,
                     CtWindow        *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) raised_at = NULL;

  if (self->workflow == NULL)
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                   _("No records are open, so nothing can be saved yet."));
      ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);
      return;
    }

  raised_at = ct_concern_dialog_get_raised_at (dialog);
  ct_workflow_record_async (self->workflow, NULL, CT_EVENT_CONCERN_RECORDED,
                            ct_concern_dialog_get_answers (dialog), raised_at,
                            NULL, on_concern_recorded_cb, g_object_ref (dialog));
}

static void
on_children_found_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CtConcernDialog) dialog = user_data;
  g_autoptr(GPtrArray) children = NULL;

  children = ct_store_find_children_finish (CT_STORE (source), result, NULL);
  if (children != NULL && children->len > 0)
    ct_concern_dialog_offer_existing_child (dialog, g_ptr_array_index (children, 0));
}

static void
on_lookup_child_cb (CtConcernDialog *dialog,
                    const char      *given_names,
                    const char      *family_name,
                    const char      *date_of_birth,
                    CtWindow        *self)
{
  if (self->store == NULL)
    return;

  ct_store_find_children_async (self->store, given_names, family_name, date_of_birth, NULL,
                                on_children_found_cb, g_object_ref (dialog));
}

static void
on_new_concern_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);
  CtConcernDialog *dialog = ct_concern_dialog_new ();

  g_signal_connect_object (dialog, "save", G_CALLBACK (on_concern_saved_cb), self, 0);
  g_signal_connect_object (dialog, "lookup-child", G_CALLBACK (on_lookup_child_cb), self, 0);
  if (self->workflow != NULL)
    ct_concern_dialog_set_staff (dialog, ct_workflow_get_current_staff (self->workflow));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_allegation_started_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(CtStepDialog) dialog = user_data;
  CtWindow *self = CT_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtCaseItem) item = NULL;
  g_autofree char *notice = NULL;

  item = ct_workflow_record_finish (CT_WORKFLOW (source), result, &notice, &error);
  ct_form_window_save_finished (CT_FORM_WINDOW (dialog), error);
  if (item == NULL || self == NULL)
    return;

  ct_case_list_model_upsert (self->cases, item);
  ct_window_open_case (self, ct_case_item_get_case_id (item));
  if (notice != NULL)
    show_notice (self, notice);
}

/* The allegation opens a case; what it writes (the ALLEGATION record, the
 * case's title) is the procedure's business. */
static void
on_allegation_save_cb (CtStepDialog *dialog,
                       CtWindow     *self)
{
  g_autoptr(GDateTime) occurred_at = ct_step_dialog_get_occurred_at (dialog);
  g_autoptr(GHashTable) answers = ct_step_dialog_get_answers (dialog);

  ct_workflow_record_async (self->workflow, NULL, CT_EVENT_ALLEGATION_REPORTED, answers,
                            occurred_at, NULL, on_allegation_started_cb, g_object_ref (dialog));
}

static void
on_new_allegation_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);
  CtStepDialog *dialog;

  if (self->workflow == NULL)
    {
      ct_window_add_toast (self, _("No records are open, so nothing can be recorded yet."));
      return;
    }

  dialog = ct_step_dialog_new (CT_EVENT_ALLEGATION_REPORTED, NULL);
  g_signal_connect_object (dialog, "save", G_CALLBACK (on_allegation_save_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Who is using Caretrail {{{ */

static void
update_user_subtitle (CtWindow *self)
{
  const char *name = self->workflow ? ct_workflow_get_actor_name (self->workflow) : NULL;
  g_autofree char *subtitle = NULL;

  if (name != NULL)
    /* Translators: shown under the window's title; %s is a member of staff. */
    subtitle = g_strdup_printf (_("Signed in as %s"), name);
  else if (self->workflow != NULL)
    subtitle = g_strdup (_("Nobody signed in"));
  adw_window_title_set_subtitle (self->content_title, subtitle ? subtitle : "");
}

static void
on_actor_changed_cb (CtWorkflow *workflow,
                     GParamSpec *pspec,
                     CtWindow   *self)
{
  update_user_subtitle (self);
}

static void
on_user_chosen_cb (CtUserDialog *dialog,
                   const char   *staff_id,
                   CtWindow     *self)
{
  if (self->workflow == NULL || !ct_workflow_set_actor_id (self->workflow, staff_id))
    return;

  g_settings_set_string (self->settings, "staff-id", staff_id);
  {
    g_autofree char *message = g_strdup_printf (_("Signed in as %s"),
                                                ct_workflow_get_actor_name (self->workflow));
    ct_window_add_toast (self, message);
  }
}

/**
 * ct_window_ask_user:
 * @self: a #CtWindow with records open
 *
 * Asks who is using Caretrail, listing the staff directory.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL if no records
 *   are open
 */
GtkWindow *
ct_window_ask_user (CtWindow *self)
{
  CtUserDialog *dialog;

  g_return_val_if_fail (CT_IS_WINDOW (self), NULL);

  if (self->workflow == NULL)
    return NULL;

  dialog = ct_user_dialog_new (ct_workflow_get_current_staff (self->workflow),
                               ct_workflow_get_actor_id (self->workflow));
  g_signal_connect_object (dialog, "chosen", G_CALLBACK (on_user_chosen_cb), self, 0);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

/* On opening the records: the member of staff chosen under this desktop
 * account, if they are still on the staff; else the only one, if there is
 * one; else ask. */
static void
choose_user (CtWindow *self)
{
  g_autofree char *saved = g_settings_get_string (self->settings, "staff-id");
  g_autoptr(CtRecord) member = ct_workflow_find_staff (self->workflow, saved);
  /* Someone who has left is not chosen, and not offered. */
  GListModel *staff = ct_workflow_get_current_staff (self->workflow);

  g_signal_connect_object (self->workflow, "notify::actor-name",
                           G_CALLBACK (on_actor_changed_cb), self, 0);

  if (member != NULL && !ct_directory_staff_has_left (member))
    {
      ct_workflow_set_actor_id (self->workflow, ct_record_get_id (member));
    }
  else if (g_list_model_get_n_items (staff) == 1)
    {
      g_autoptr(CtRecord) only = g_list_model_get_item (staff, 0);

      ct_workflow_set_actor_id (self->workflow, ct_record_get_id (only));
      g_settings_set_string (self->settings, "staff-id", ct_record_get_id (only));
    }
  else
    {
      ct_workflow_set_actor_id (self->workflow, NULL);
      if (g_list_model_get_n_items (staff) > 1)
        ct_window_ask_user (self);
    }

  update_user_subtitle (self);
}

static void
on_change_user_activated_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);

  if (ct_window_ask_user (self) == NULL)
    ct_window_add_toast (self, _("No records are open, so there is no staff list to choose from."));
}

/* }}} */

static void
on_show_section_activated_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  ct_window_show_section (CT_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_go_back_activated_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);

  /* From a case, back to the list it was opened from; from a list, back to
   * the sidebar. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "case") == 0)
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->sidebar_list);

      select_section (self, row ? gtk_widget_get_name (GTK_WIDGET (row)) : "needs-action");
      return;
    }

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
on_submissions_changed_cb (CtWindow *self)
{
  guint n = ct_submissions_page_get_n_new (CT_SUBMISSIONS_PAGE (self->submissions_page));
  g_autofree char *text = n > 0 ? g_strdup_printf ("%u", n) : g_strdup ("");

  gtk_label_set_text (self->submissions_count, text);
}

static void reload_elsewhere_changes (CtWindow *self);

static void
on_submission_opened_cb (CtWindow   *self,
                         const char *reference)
{
  g_autofree char *message = g_strdup_printf (_("The concern is now case %s"), reference);

  ct_window_add_toast (self, message);
  reload_elsewhere_changes (self);
}

/* Whether the records open are on a server, where staff hand concerns in. */
static gboolean
is_on_server (CtWindow *self)
{
  return self->store != NULL && ct_store_location_is_server (ct_store_get_path (self->store));
}

static void
ensure_submissions_page (CtWindow *self)
{
  if (self->submissions_page != NULL)
    return;

  self->submissions_page = ct_submissions_page_new (self->settings);
  gtk_stack_add_named (self->content_stack, self->submissions_page, "submissions");
  g_signal_connect_object (self->submissions_page, "notify::n-new",
                           G_CALLBACK (on_submissions_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->submissions_page, "case-opened",
                           G_CALLBACK (on_submission_opened_cb), self, G_CONNECT_SWAPPED);
  if (self->workflow != NULL && is_on_server (self))
    ct_submissions_page_set_workflow (CT_SUBMISSIONS_PAGE (self->submissions_page),
                                      self->workflow);
}

/* Makes the page of @section (or of "case") the first time it is to be
 * shown, for the records open then. */
static void
ensure_section (CtWindow   *self,
                const char *section)
{
  if (g_strcmp0 (section, "needs-action") == 0)
    {
      if (self->needs_action_view == NULL)
        add_case_view (self, &self->needs_action_view, CT_CASE_LIST_NEEDS_ACTION, section);
    }
  else if (g_strcmp0 (section, "open") == 0)
    {
      if (self->open_view == NULL)
        add_case_view (self, &self->open_view, CT_CASE_LIST_OPEN, section);
    }
  else if (g_strcmp0 (section, "closed") == 0)
    {
      if (self->closed_view == NULL)
        add_case_view (self, &self->closed_view, CT_CASE_LIST_CLOSED, section);
    }
  else if (g_strcmp0 (section, "directory") == 0)
    {
      if (self->directory_page != NULL)
        return;
      self->directory_page = ct_directory_page_new ();
      if (self->workflow != NULL)
        ct_directory_page_set_workflow (CT_DIRECTORY_PAGE (self->directory_page), self->workflow);
      gtk_stack_add_named (self->content_stack, self->directory_page, section);
    }
  else if (g_strcmp0 (section, "reports") == 0)
    {
      if (self->reports_page != NULL)
        return;
      self->reports_page = ct_reports_page_new ();
      ct_reports_page_set_cases (CT_REPORTS_PAGE (self->reports_page), G_LIST_MODEL (self->cases));
      if (self->workflow != NULL)
        ct_reports_page_set_workflow (CT_REPORTS_PAGE (self->reports_page), self->workflow);
      gtk_stack_add_named (self->content_stack, self->reports_page, section);
    }
  else if (g_strcmp0 (section, "submissions") == 0)
    ensure_submissions_page (self);
  else if (g_strcmp0 (section, "case") == 0)
    {
      if (self->case_page != NULL)
        return;
      self->case_page = ct_case_page_new ();
      g_signal_connect_object (self->case_page, "case-changed", G_CALLBACK (on_case_changed_cb),
                               self, 0);
      if (self->workflow != NULL)
        ct_case_page_set_workflow (CT_CASE_PAGE (self->case_page), self->workflow);
      gtk_stack_add_named (self->content_stack, self->case_page, section);
    }
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

static void stop_waiting_to_load_rest (CtWindow *self);


static void
ct_window_dispose (GObject *object)
{
  CtWindow *self = CT_WINDOW (object);

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_cases_changed_cb, self);

  g_clear_handle_id (&self->spinner_timeout, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->rest_cancellable);
  g_clear_object (&self->rest_cancellable);
  stop_waiting_to_load_rest (self);
  g_clear_object (&self->workflow);
  if (self->watched_store != NULL)
    g_signal_handlers_disconnect_by_data (self->watched_store, self);
  g_clear_object (&self->watched_store);
  if (self->store != NULL)
    ct_store_close (self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->database_path, g_free);

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
  g_type_ensure (CT_TYPE_BACKUP_BANNER);

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
  gtk_widget_class_bind_template_child (widget_class, CtWindow, reports_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, submissions_row);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, submissions_count);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, needs_action_count);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, open_count);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, loading_handle);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CtWindow, loading_label);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.new-concern", NULL,
                                   on_new_concern_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.new-allegation", NULL,
                                   on_new_allegation_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, on_go_back_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.change-user", NULL,
                                   on_change_user_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, on_search_activated_cb);
  gtk_widget_class_install_action (widget_class, "win.restore-backup", "s",
                                   on_restore_backup_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-concern", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "win.go-back", NULL);

  /* Alt+1 to Alt+5: the sidebar's sections, in its order. */
  gtk_widget_class_install_action (widget_class, "win.show-section", "s",
                                   on_show_section_activated_cb);
  {
    static const char *sections[] = { "needs-action", "open", "closed", "directory", "reports" };

    for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                           "win.show-section", "s", sections[i]);
  }
}

/* The shortcuts window is made the first time it is asked for, not with
 * every main window: GtkApplicationWindow only adds its own
 * "show-help-overlay" action when there is none. */
static void
on_show_help_overlay_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (user_data);
  GtkShortcutsWindow *overlay = ct_window_ensure_help_overlay (CT_WINDOW (window));

  gtk_window_present (GTK_WINDOW (overlay));
}

/**
 * ct_window_ensure_help_overlay:
 * @self: a #CtWindow
 *
 * Returns: (transfer none): the window's shortcuts window, made now if it
 *   has not been shown before
 */
GtkShortcutsWindow *
ct_window_ensure_help_overlay (CtWindow *self)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (self);
  GtkShortcutsWindow *overlay;

  g_return_val_if_fail (CT_IS_WINDOW (self), NULL);

  overlay = gtk_application_window_get_help_overlay (window);
  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource (RESOURCE_PREFIX "/ct-help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }
  return overlay;
}

static void
ct_window_init (CtWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  {
    g_autoptr(GSimpleAction) action = g_simple_action_new ("show-help-overlay", NULL);

    g_signal_connect_object (action, "activate", G_CALLBACK (on_show_help_overlay_cb), self, 0);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
  }

  self->cancellable = g_cancellable_new ();
  self->cases = ct_case_list_model_new ();
  g_signal_connect (self->cases, "items-changed", G_CALLBACK (on_cases_changed_cb), self);

  /* The sections' pages are made when first shown (see ensure_section()):
   * only the first list is drawn as the window opens. */
  select_section (self, "needs-action");
  update_counts (self, 0);
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
 * @section: "needs-action", "open", "closed", "directory" or "reports"
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

/* Opening the records {{{ */

/* For bench/bench-startup.sh: with CARETRAIL_STARTUP_PROBE set, say when
 * the window and then the loaded case list have been drawn (after the
 * paint of the frame that shows them, on the system's monotonic clock,
 * which the benchmark reads too), and quit after the list if it is
 * "quit". */
typedef struct
{
  GtkWidget  *widget;
  const char *what;
  gulong      handler;
} ProbePaint;

static void
on_probe_painted_cb (GdkFrameClock *clock,
                     gpointer       user_data)
{
  ProbePaint *paint = user_data;
  const char *probe = g_getenv ("CARETRAIL_STARTUP_PROBE");

  g_print ("caretrail-startup: %s %" G_GINT64_FORMAT "\n", paint->what, g_get_monotonic_time ());
  if (g_str_equal (paint->what, "cases-shown"))
    {
      CtWindow *self = CT_WINDOW (paint->widget);

      self->probe_shown = TRUE;
      /* Quits once every case is read too, so that the peak memory
       * measured is that of the whole load. */
      if (g_strcmp0 (probe, "quit") == 0 && !self->loading_rest)
        {
          GtkApplication *app = gtk_window_get_application (GTK_WINDOW (paint->widget));

          if (app != NULL)
            g_application_quit (G_APPLICATION (app));
        }
    }

  g_signal_handler_disconnect (clock, paint->handler);
}

static void
probe_paint_free (gpointer  data,
                  GClosure *closure)
{
  ProbePaint *paint = data;

  g_object_unref (paint->widget);
  g_free (paint);
}

static gboolean
on_probe_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  ProbePaint *paint = g_new0 (ProbePaint, 1);

  paint->widget = g_object_ref (widget);
  paint->what = user_data;
  paint->handler = g_signal_connect_data (clock, "after-paint", G_CALLBACK (on_probe_painted_cb),
                                          paint, probe_paint_free, 0);
  return G_SOURCE_REMOVE;
}

/* Says when something happened, straight away rather than on screen. */
static void
probe_now (const char *what)
{
  if (g_getenv ("CARETRAIL_STARTUP_PROBE") != NULL)
    g_print ("caretrail-startup: %s %" G_GINT64_FORMAT "\n", what, g_get_monotonic_time ());
}

static void
probe_next_frame (CtWindow   *self,
                  const char *what)
{
  if (g_getenv ("CARETRAIL_STARTUP_PROBE") == NULL)
    return;

  gtk_widget_add_tick_callback (GTK_WIDGET (self), on_probe_tick_cb, (gpointer) what, NULL);
}

static void open_store (CtWindow *self);

static gboolean
on_spinner_timeout_cb (gpointer user_data)
{
  CtWindow *self = user_data;

  self->spinner_timeout = 0;
  gtk_spinner_start (self->loading_spinner);
  return G_SOURCE_REMOVE;
}

/* Shows that the records are being opened. The spinner only turns if it
 * takes a while: each of its frames is drawn on the thread that then has
 * the cases to lay out, and the records are mostly open by the time it
 * would be noticed. */
static void
show_loading (CtWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (gtk_stack_get_visible_child (self->main_stack) != self->loading_handle)
    self->loading_frame = clock != NULL ? gdk_frame_clock_get_frame_counter (clock) : -1;
  gtk_widget_set_visible (self->loading_handle, TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  if (self->spinner_timeout == 0 && !gtk_spinner_get_spinning (self->loading_spinner))
    self->spinner_timeout = g_timeout_add (SPINNER_DELAY_MS, on_spinner_timeout_cb, self);
}

/* Shows the cases. If the page saying the records are being opened never
 * reached the screen (they were read by the time the first frame was
 * drawn), the cases replace it at once, rather than fading in over a page
 * that was never seen, and it is hidden, so that it is not laid out. */
static void
show_cases_page (CtWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (gtk_stack_get_visible_child (self->main_stack) == self->loading_handle &&
      (clock == NULL || gdk_frame_clock_get_frame_counter (clock) == self->loading_frame))
    {
      gtk_stack_set_visible_child_full (self->main_stack, "cases", GTK_STACK_TRANSITION_TYPE_NONE);
      gtk_widget_set_visible (self->loading_handle, FALSE);
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack, "cases");
}

static void
stop_loading (CtWindow *self)
{
  g_clear_handle_id (&self->spinner_timeout, g_source_remove);
  gtk_spinner_stop (self->loading_spinner);
}

static void ensure_pages (CtWindow *self);

/* Shows why the records could not be opened or read. */
static void
show_records_error (CtWindow *self,
                    GError   *error)
{
  stop_loading (self);
  ensure_pages (self);
  ct_unlock_page_set_error (CT_UNLOCK_PAGE (self->unlock_page), error);
  gtk_stack_set_visible_child_name (self->main_stack, "unlock");
}

static void reload_elsewhere_changes (CtWindow *self);

static void
on_reloaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  self->reloading = FALSE;
  items = ct_workflow_load_finish (CT_WORKFLOW (source), result, &error);
  if (items == NULL)
    {
      /* The lists stay as they were; the next change tries again. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the cases again: %s", error->message);
      return;
    }

  ct_case_list_model_replace_all (self->cases, items);
  if (self->case_page != NULL)
    ct_case_page_reload (CT_CASE_PAGE (self->case_page));
  if (self->reload_again)
    reload_elsewhere_changes (self);
}

/* Reads the cases again, and the case shown, after another desk changed
 * records; changes heard during a reload make one more. */
static void
reload_elsewhere_changes (CtWindow *self)
{
  if (self->workflow == NULL)
    return;
  /* Changes heard while the rest of the cases are read are read once that
   * is done. */
  if (self->reloading || self->loading_rest)
    {
      self->reload_again = TRUE;
      return;
    }
  self->reloading = TRUE;
  self->reload_again = FALSE;
  ct_workflow_load_async (self->workflow, self->cancellable, on_reloaded_cb, g_object_ref (self));
}

static void
on_store_changed_elsewhere_cb (CtStore  *store,
                               CtWindow *self)
{
  reload_elsewhere_changes (self);
  if (self->submissions_page != NULL && gtk_widget_get_visible (GTK_WIDGET (self->submissions_row)))
    ct_submissions_page_refresh (CT_SUBMISSIONS_PAGE (self->submissions_page));
}

static void
watch_store (CtWindow *self)
{
  if (self->watched_store == self->store)
    return;
  if (self->watched_store != NULL)
    g_signal_handlers_disconnect_by_func (self->watched_store, on_store_changed_elsewhere_cb, self);
  g_set_object (&self->watched_store, self->store);
  if (self->store != NULL)
    g_signal_connect_object (self->store, "changed-elsewhere",
                             G_CALLBACK (on_store_changed_elsewhere_cb), self, 0);
}

/* Shows the cases and the directory read by self->workflow. */
static void
show_loaded (CtWindow  *self,
             GPtrArray *items)
{
  if (self->reports_page != NULL)
    ct_reports_page_set_workflow (CT_REPORTS_PAGE (self->reports_page), self->workflow);
  {
    gint64 start = g_get_monotonic_time ();

    ct_case_list_model_replace_all (self->cases, items);
    g_debug ("Showed %u cases in the lists in %.0f ms", items->len,
             (g_get_monotonic_time () - start) / 1000.0);
  }

  if (self->directory_page != NULL)
    ct_directory_page_set_workflow (CT_DIRECTORY_PAGE (self->directory_page), self->workflow);
  if (self->case_page != NULL)
    ct_case_page_set_workflow (CT_CASE_PAGE (self->case_page), self->workflow);

  /* Staff hand concerns in to a server; a file on one desk has none. Their
   * page is made at once on a server, for the count in the sidebar. */
  {
    gboolean server = is_on_server (self);

    gtk_widget_set_visible (GTK_WIDGET (self->submissions_row), server);
    if (server)
      ensure_submissions_page (self);
    if (self->submissions_page != NULL)
      ct_submissions_page_set_workflow (CT_SUBMISSIONS_PAGE (self->submissions_page),
                                        server ? self->workflow : NULL);
    /* So that, should this desk's membership be removed, the message
     * can name the organisation it can no longer read. */
    if (server)
      {
        CtRecord *org = ct_workflow_get_organisation (self->workflow);
        const char *name = org != NULL ? ct_record_get_string (org, "name") : NULL;
        g_autoptr(GError) error = NULL;

        if (name != NULL && !ct_membership_remember_organisation (ct_store_get_path (self->store), name, &error))
          g_warning ("%s", error->message);
      }
  }

  watch_store (self);
  stop_loading (self);
  show_cases_page (self);
  probe_next_frame (self, "cases-shown");
  choose_user (self);
}

/* How many cases are read before the window shows any: more than the
 * first screen of the lists can show. */
#define FIRST_CASES 100

/* The longest the rest of the cases wait for the first ones to be drawn. */
#define REST_DELAY_MAX_MS 250

static void
update_loading_label (CtWindow *self)
{
  g_autofree char *text = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->cases));

  gtk_widget_set_visible (GTK_WIDGET (self->loading_label), self->loading_rest);
  if (!self->loading_rest)
    return;

  /* Translators: shown while the cases are read, below the sections;
   * the first number is how many have been read, the second how many
   * there are. */
  text = g_strdup_printf (_("Loading %'u of %'u cases…"), MIN (n, self->n_cases_stored),
                          self->n_cases_stored);
  gtk_label_set_text (self->loading_label, text);
}

static void
on_rest_chunk_cb (GPtrArray *items,
                  gpointer   user_data)
{
  CtWindow *self = user_data;

  ct_case_list_model_add_missing (self->cases, items);
  update_loading_label (self);
}

static void
on_rest_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = ct_workflow_load_rest_finish (CT_WORKFLOW (source), result, &error);

  /* A load of other records has taken over. */
  if (CT_WORKFLOW (source) != self->workflow ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading_rest = FALSE;
  update_loading_label (self);
  probe_now ("cases-loaded");
  if (!ok)
    {
      show_records_error (self, error);
      return;
    }

  if (self->probe_shown && g_strcmp0 (g_getenv ("CARETRAIL_STARTUP_PROBE"), "quit") == 0)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      if (app != NULL)
        g_application_quit (G_APPLICATION (app));
    }

  if (self->reload_again)
    reload_elsewhere_changes (self);
}

static void
stop_waiting_to_load_rest (CtWindow *self)
{
  g_clear_handle_id (&self->rest_timeout, g_source_remove);
  if (self->rest_clock != NULL)
    g_clear_signal_handler (&self->rest_paint_handler, self->rest_clock);
  g_clear_object (&self->rest_clock);
  g_clear_pointer (&self->rest_shown, g_ptr_array_unref);
}

/* Starts reading the cases not in self->rest_shown. */
static void
load_rest (CtWindow *self)
{
  g_autoptr(GPtrArray) shown = g_steal_pointer (&self->rest_shown);

  /* A timeout that has called this is gone already. */
  self->rest_timeout = 0;
  stop_waiting_to_load_rest (self);
  if (shown == NULL || self->workflow == NULL)
    return;

  self->rest_cancellable = g_cancellable_new ();
  ct_workflow_load_rest_async (self->workflow, shown, on_rest_chunk_cb, self,
                               self->rest_cancellable, on_rest_loaded_cb, g_object_ref (self));
}

/* Shows the first cases read and starts reading the rest: see
 * ct_workflow_open_and_load_first_async(). */
static void
show_first_loaded (CtWindow  *self,
                   GPtrArray *items,
                   guint      n_cases)
{
  self->n_cases_stored = n_cases;
  self->loading_rest = items->len < n_cases;
  self->reload_again = FALSE;
  show_loaded (self, items);
  update_loading_label (self);
  if (!self->loading_rest)
    {
      probe_now ("cases-loaded");
      return;
    }

  g_cancellable_cancel (self->rest_cancellable);
  g_clear_object (&self->rest_cancellable);
  stop_waiting_to_load_rest (self);

  /* The rest are read once the first cases are on screen: on a small
   * machine, reading and decrypting them takes a core that drawing the
   * first frame needs. If no frame comes soon (a window not on screen),
   * they are read anyway. */
  self->rest_shown = g_ptr_array_ref (items);
  self->rest_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (self->rest_clock == NULL)
    {
      load_rest (self);
      return;
    }
  g_object_ref (self->rest_clock);
  self->rest_paint_handler = g_signal_connect_swapped (self->rest_clock, "after-paint",
                                                       G_CALLBACK (load_rest), self);
  self->rest_timeout = g_timeout_add_once (REST_DELAY_MAX_MS, (GSourceOnceFunc) load_rest, self);
}

/* Stops reading the rest of the cases of records no longer shown. */
static void
stop_loading_rest (CtWindow *self)
{
  g_cancellable_cancel (self->rest_cancellable);
  g_clear_object (&self->rest_cancellable);
  stop_waiting_to_load_rest (self);
  self->loading_rest = FALSE;
  update_loading_label (self);
}

static void
on_loaded_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  items = ct_workflow_load_finish (CT_WORKFLOW (source), result, &error);
  probe_now ("cases-loaded");
  if (items == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_records_error (self, error);
      return;
    }

  show_loaded (self, items);
}

static void
load_records (CtWindow *self,
              CtStore  *store)
{
  stop_loading_rest (self);
  g_set_object (&self->store, store);
  g_clear_object (&self->workflow);
  self->workflow = ct_workflow_new (store);
  ct_workflow_load_async (self->workflow, self->cancellable, on_loaded_cb, g_object_ref (self));
}

static void
on_opened_and_loaded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(CtWorkflow) workflow = NULL;

  workflow = ct_workflow_open_and_load_finish (result, &items, &error);
  probe_now ("first-cases-loaded");
  if (workflow == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_records_error (self, error);
      return;
    }

  g_set_object (&self->store, ct_workflow_get_store (workflow));
  g_set_object (&self->workflow, workflow);
  show_first_loaded (self, items, ct_workflow_open_and_load_get_n_cases (result));
}

/* Records opened and read before any window asked for them: see
 * ct_window_preload_records(). Only ever touched on the main thread. */
typedef struct
{
  char       *path;
  gboolean    done;
  CtWorkflow *workflow;  /* NULL if the records could not be opened or read */
  GPtrArray  *items;
  guint       n_cases;   /* how many cases the store holds */
  GError     *error;
  CtWindow   *window;    /* (owned) (nullable): the window waiting for them */
} Preload;

static Preload *preload;

static void
preload_free (Preload *p)
{
  g_free (p->path);
  g_clear_object (&p->workflow);
  g_clear_pointer (&p->items, g_ptr_array_unref);
  g_clear_error (&p->error);
  g_clear_object (&p->window);
  g_free (p);
}

/* Hands the records over to the window that asked for them, once both
 * the records and the window are there. */
static void
preload_deliver (Preload *p)
{
  CtWindow *self = p->window;

  if (!p->done || self == NULL)
    return;

  if (preload == p)
    preload = NULL;

  /* A window disposed while it waited has nothing left to show them in.
   * (One that was only closed is still whole, since it is held here: it
   * takes the records and closes them when it goes.) */
  if (self->cancellable == NULL)
    {
      if (p->workflow != NULL)
        ct_store_close (ct_workflow_get_store (p->workflow));
    }
  else if (p->workflow == NULL)
    show_records_error (self, p->error);
  else
    {
      g_set_object (&self->store, ct_workflow_get_store (p->workflow));
      g_set_object (&self->workflow, p->workflow);
      show_first_loaded (self, p->items, p->n_cases);
    }

  preload_free (p);
}

static void
on_preload_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Preload *p = user_data;

  p->workflow = ct_workflow_open_and_load_finish (result, &p->items, &p->error);
  if (p->workflow != NULL)
    p->n_cases = ct_workflow_open_and_load_get_n_cases (result);
  probe_now ("first-cases-loaded");
  p->done = TRUE;
  preload_deliver (p);
}

/**
 * ct_window_preload_records:
 * @path: the database file
 *
 * Starts opening and reading the records at @path before there is a
 * window to show them, so that they are ready, or nearly, by the time the
 * window first appears: the application calls this as it starts, and
 * ct_window_open_records() with the same @path takes the records up. Does
 * nothing if there is no database at @path yet, or if records are already
 * being read.
 */
void
ct_window_preload_records (const char *path)
{
  g_return_if_fail (path != NULL);

  if (preload != NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  probe_now ("preloading-records");
  preload = g_new0 (Preload, 1);
  preload->path = g_strdup (path);
  ct_workflow_open_and_load_first_async (path, FIRST_CASES, NULL, on_preload_loaded_cb, preload);
}

/* Takes up records that ct_window_preload_records() started reading from
 * @path, if any. */
static gboolean
take_preload (CtWindow   *self,
              const char *path)
{
  if (preload == NULL || preload->window != NULL || g_strcmp0 (preload->path, path) != 0)
    return FALSE;

  show_loading (self);
  preload->window = g_object_ref (self);
  preload_deliver (preload);
  return TRUE;
}

static void
open_store (CtWindow *self)
{
  stop_loading_rest (self);
  show_loading (self);
  /* Opened and the first cases read in one go, without waiting for this
   * thread between the two: it is busy drawing the window's first frames.
   * The rest are read once those are shown. */
  ct_workflow_open_and_load_first_async (self->database_path, FIRST_CASES, self->cancellable,
                                         on_opened_and_loaded_cb, g_object_ref (self));
}

static void
on_restored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (!ct_backup_folder_restore_finish (result, &saved, &error))
    dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Backup Was Not Restored"),
                                     error->message);
  else
    {
      if (saved != NULL)
        body = g_strdup_printf (_("The records it replaced were kept, renamed “%s”, in the same "
                                  "folder."), saved);
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Backup Was Restored"), body);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));

  /* Whichever records are in place now are opened: the restored ones, or
   * the ones a refused backup left untouched. */
  open_store (self);
}

static void
on_restore_backup_activated_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  CtWindow *self = CT_WINDOW (widget);

  if (self->database_path == NULL)
    return;

  show_loading (self);
  /* A restore never replaces records that are open. */
  g_clear_object (&self->workflow);
  if (self->store != NULL)
    ct_store_close (self->store);
  g_clear_object (&self->store);
  ct_backup_folder_restore_async (self->database_path, g_variant_get_string (parameter, NULL),
                                  NULL, on_restored_cb, g_object_ref (self));
}

static void
on_unlock_retry_cb (CtUnlockPage *page,
                    CtWindow     *self)
{
  open_store (self);
}

static void
on_recovered_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ct_store_recover_finish (result, &error))
    {
      gtk_stack_set_visible_child_name (self->main_stack, "unlock");
      ct_unlock_page_recovery_failed (CT_UNLOCK_PAGE (self->unlock_page), error);
      return;
    }

  ct_window_add_toast (self, _("The key is back in your keyring."));
  open_store (self);
}

static void
on_unlock_recover_cb (CtUnlockPage *page,
                      const char   *code,
                      CtWindow     *self)
{
  show_loading (self);
  ct_store_recover_async (self->database_path, code, self->cancellable, on_recovered_cb,
                          g_object_ref (self));
}

static void
on_setup_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CtWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtStore) store = NULL;
  g_autofree char *code = NULL;

  store = ct_workflow_setup_finish (result, &code, &error);
  if (store == NULL)
    {
      ct_setup_assistant_creation_failed (CT_SETUP_ASSISTANT (self->setup_assistant), error);
      return;
    }

  g_set_object (&self->store, store);
  ct_setup_assistant_show_recovery_code (CT_SETUP_ASSISTANT (self->setup_assistant), code,
                                         ct_store_get_database_uuid (store));
  ct_crypto_wipe_string (code);
}

static void
on_setup_create_cb (CtSetupAssistant *assistant,
                    GPtrArray        *records,
                    CtWindow         *self)
{
  /* Whoever sets Caretrail up is its first member of staff, the DSO, and
   * uses it from then on. */
  for (guint i = 0; i < records->len; i++)
    if (ct_record_get_kind (g_ptr_array_index (records, i)) == CT_RECORD_KIND_STAFF)
      {
        g_settings_set_string (self->settings, "staff-id",
                               ct_record_get_id (g_ptr_array_index (records, i)));
        break;
      }

  ct_workflow_setup_async (self->database_path, records, self->cancellable, on_setup_done_cb,
                           g_object_ref (self));
}

static void
on_setup_finished_cb (CtSetupAssistant *assistant,
                      CtWindow         *self)
{
  gtk_widget_set_visible (self->loading_handle, TRUE);
  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  load_records (self, self->store);
}

/* Approved: the records on the server are this desk's from now on. */
static void
on_setup_joined_cb (CtSetupAssistant *assistant,
                    const char       *location,
                    CtWindow         *self)
{
  g_settings_set_string (self->settings, "database", location);
  g_free (self->database_path);
  self->database_path = g_strdup (location);
  open_store (self);
}

static void
ensure_pages (CtWindow *self)
{
  if (self->setup_assistant != NULL)
    return;

  self->setup_assistant = ct_setup_assistant_new ();
  g_signal_connect_object (self->setup_assistant, "create", G_CALLBACK (on_setup_create_cb),
                           self, 0);
  g_signal_connect_object (self->setup_assistant, "finished",
                           G_CALLBACK (on_setup_finished_cb), self, 0);
  g_signal_connect_object (self->setup_assistant, "joined",
                           G_CALLBACK (on_setup_joined_cb), self, 0);
  gtk_stack_add_named (self->main_stack, self->setup_assistant, "setup");

  self->unlock_page = ct_unlock_page_new ();
  g_signal_connect_object (self->unlock_page, "retry", G_CALLBACK (on_unlock_retry_cb), self, 0);
  g_signal_connect_object (self->unlock_page, "recover", G_CALLBACK (on_unlock_recover_cb),
                           self, 0);
  gtk_stack_add_named (self->main_stack, self->unlock_page, "unlock");
}

/**
 * ct_window_open_records:
 * @self: a #CtWindow
 * @path: the database file
 *
 * Opens the records at @path without blocking, showing progress; or, if
 * there are none yet, the setup assistant; or, if they cannot be opened,
 * why not and what to do.
 */
void
ct_window_open_records (CtWindow   *self,
                        const char *path)
{
  g_return_if_fail (CT_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  probe_now ("opening-records");
  probe_next_frame (self, "window-shown");
  g_free (self->database_path);
  self->database_path = g_strdup (path);

  /* A server is set up with “caretrail-admin server-init”, never from
   * here: one that holds no database says so when it is opened. */
  if (!ct_store_location_is_server (path) && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      ensure_pages (self);
      gtk_stack_set_visible_child_name (self->main_stack, "setup");
      return;
    }

  /* The unlock page is made only if the records cannot be opened. */
  if (preload != NULL && take_preload (self, path))
    return;

  open_store (self);
}

/**
 * ct_window_open_case:
 * @self: a #CtWindow
 * @case_id: the case
 *
 * Shows the case page for @case_id.
 */
void
ct_window_open_case (CtWindow   *self,
                     const char *case_id)
{
  g_return_if_fail (CT_IS_WINDOW (self));

  CtCaseItem *item = ct_case_list_model_lookup (self->cases, case_id);

  ensure_section (self, "case");
  ct_case_page_load (CT_CASE_PAGE (self->case_page), case_id);
  gtk_stack_set_visible_child_name (self->content_stack, "case");
  /* Translators: the title of a case's page; %s is its reference. */
  if (item != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Case %s"), ct_case_item_get_reference (item));
      adw_window_title_set_title (self->content_title, title);
    }
  else
    adw_window_title_set_title (self->content_title, _("Case"));
  ct_split_view_show_content (self->split_view);
}

/**
 * ct_window_get_workflow:
 * @self: a #CtWindow
 *
 * Returns: (transfer none) (nullable): the open records, if any.
 */
CtWorkflow *
ct_window_get_workflow (CtWindow *self)
{
  g_return_val_if_fail (CT_IS_WINDOW (self), NULL);

  return self->workflow;
}

/* }}} */

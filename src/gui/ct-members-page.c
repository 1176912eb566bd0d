/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-members-page"

#include "config.h"

#include "ct-members-page.h"

#include <glib/gi18n.h>

#include "ct-member-item.h"
#include "ct-store-members.h"

/*
 * The members of the organisation on a server and the requests to join,
 * with their fingerprints, through the same store functions as
 * caretrail-admin's members, member-approve, member-decline and
 * member-remove. Approving asks the member to compare the fingerprint
 * with the one the new member reads out; removing says that the key
 * should be rotated next. The store is asked off the main thread; the
 * lists are read again when another desk changes something.
 */

struct _CtMembersPage
{
  AdwPreferencesPage   parent_instance;

  CtWorkflow          *workflow;
  CtStore             *watched;
  GCancellable        *cancellable;
  GListStore          *members;
  GListStore          *requests;
  guint                generation;

  AdwPreferencesGroup *requests_group;
  AdwPreferencesGroup *members_group;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (CtMembersPage, ct_members_page, ADW_TYPE_PREFERENCES_PAGE)

typedef enum
{
  MEMBER_APPROVE,
  MEMBER_DECLINE,
  MEMBER_REMOVE,
} MemberAction;

typedef struct
{
  CtStore      *store;
  MemberAction  action;
  char         *id;
  char         *fingerprint;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_object (&data->store);
  g_free (data->id);
  g_free (data->fingerprint);
  g_free (data);
}

static void
show_error (CtMembersPage *self,
            const char    *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static CtStore *
get_store (CtMembersPage *self)
{
  return self->workflow != NULL ? ct_workflow_get_store (self->workflow) : NULL;
}

/* Listing {{{ */

typedef struct
{
  GPtrArray *members;
  GPtrArray *requests;
} Lists;

static void
lists_free (Lists *lists)
{
  g_clear_pointer (&lists->members, g_ptr_array_unref);
  g_clear_pointer (&lists->requests, g_ptr_array_unref);
  g_free (lists);
}

static void
list_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CtStore *store = task_data;
  GError *error = NULL;
  Lists *lists = g_new0 (Lists, 1);

  lists->members = ct_store_list_members_sync (store, FALSE, &error);
  if (lists->members != NULL)
    lists->requests = ct_store_list_members_sync (store, TRUE, &error);
  if (lists->requests == NULL)
    {
      lists_free (lists);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lists, (GDestroyNotify) lists_free);
}

static void
fill (GListStore *store,
      GPtrArray  *list,
      gboolean    request)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (items, ct_member_item_new (g_ptr_array_index (list, i), request));
  /* One items-changed for the batch. */
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), items->pdata, items->len);
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CtMembersPage *self = CT_MEMBERS_PAGE (source);
  g_autoptr(GError) error = NULL;
  Lists *lists = g_task_propagate_pointer (G_TASK (result), &error);

  if (GPOINTER_TO_UINT (user_data) != self->generation)
    {
      g_clear_pointer (&lists, lists_free);
      return;
    }
  if (lists == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  fill (self->members, lists->members, FALSE);
  fill (self->requests, lists->requests, TRUE);
  lists_free (lists);
}

/**
 * ct_members_page_refresh:
 * @self: a #CtMembersPage
 *
 * Reads the members and the requests to join again.
 */
void
ct_members_page_refresh (CtMembersPage *self)
{
  g_autoptr(GTask) task = NULL;
  CtStore *store;

  g_return_if_fail (CT_IS_MEMBERS_PAGE (self));

  store = get_store (self);
  if (store == NULL)
    return;
  self->generation++;
  task = g_task_new (self, self->cancellable, on_listed_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, ct_members_page_refresh);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  g_task_run_in_thread (task, list_in_thread);
}

/* }}} */

/* Approving, declining and removing {{{ */

static void
act_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ActionData *data = task_data;
  GError *error = NULL;
  gboolean ok = FALSE;

  switch (data->action)
    {
    case MEMBER_APPROVE:
      ok = ct_store_approve_member_sync (data->store, data->id, data->fingerprint, &error);
      break;
    case MEMBER_DECLINE:
      ok = ct_store_decline_member_sync (data->store, data->id, &error);
      break;
    case MEMBER_REMOVE:
      ok = ct_store_remove_member_sync (data->store, data->id, &error);
      break;
    }
  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_acted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CtMembersPage *self = CT_MEMBERS_PAGE (source);
  g_autoptr(GError) error = NULL;
  MemberAction action = GPOINTER_TO_INT (user_data);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  if (action == MEMBER_REMOVE)
    {
      GtkWidget *dialog;

      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       _("Now Rotate the Organisation’s Key"),
                                       _("The member has been removed. Until the organisation’s key is "
                                         "rotated, a copy of it they may have kept would still open the "
                                         "records. Rotate it now with “caretrail-admin rotate”, and keep "
                                         "the new recovery code it prints in place of the old one."));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  ct_members_page_refresh (self);
}

static void
act (CtMembersPage *self,
     MemberAction   action,
     const char    *id,
     const char    *fingerprint)
{
  g_autoptr(GTask) task = NULL;
  ActionData *data;
  CtStore *store = get_store (self);

  if (store == NULL)
    return;
  data = g_new0 (ActionData, 1);
  data->store = g_object_ref (store);
  data->action = action;
  data->id = g_strdup (id);
  data->fingerprint = g_strdup (fingerprint);
  task = g_task_new (self, self->cancellable, on_acted_cb, GINT_TO_POINTER (action));
  g_task_set_source_tag (task, act);
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);
  g_task_run_in_thread (task, act_in_thread);
}

static CtMemberItem *
find_item (GListStore *store,
           const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(CtMemberItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_strcmp0 (ct_member_item_get_id (item), id) == 0)
        return item;
    }
  return NULL;
}

static void
on_dialog_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       CtMembersPage    *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "member-id");
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "fingerprint");

  if (g_strcmp0 (response, "approve") == 0)
    act (self, MEMBER_APPROVE, id, fingerprint);
  else if (g_strcmp0 (response, "decline") == 0)
    act (self, MEMBER_DECLINE, id, NULL);
  else if (g_strcmp0 (response, "remove") == 0)
    act (self, MEMBER_REMOVE, id, NULL);
}

static GtkWidget *
new_dialog (CtMembersPage *self,
            CtMemberItem  *item,
            const char    *heading,
            const char    *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              heading, body);

  /* The dialog carries what it is about, so that a list refreshed
   * meanwhile cannot change whom it approves or removes. */
  g_object_set_data_full (G_OBJECT (dialog), "member-id", g_strdup (ct_member_item_get_id (item)), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "fingerprint",
                          g_strdup (ct_member_item_get_fingerprint (item)), g_free);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_dialog_response_cb), self, 0);
  return dialog;
}

/**
 * ct_members_page_ask_approve:
 * @self: a #CtMembersPage
 * @request_id: a request to join that the page lists
 *
 * Asks the member to compare the request's fingerprint with the one the
 * new member reads out, and approves the request if they say it matches.
 */
void
ct_members_page_ask_approve (CtMembersPage *self,
                             const char    *request_id)
{
  CtMemberItem *item;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkWidget *label;

  g_return_if_fail (CT_IS_MEMBERS_PAGE (self));
  item = find_item (self->requests, request_id);
  if (item == NULL)
    return;

  heading = g_strdup_printf (_("Approve %s?"), ct_member_item_get_name (item));
  body = g_strdup_printf (_("Ask %s to read out the fingerprint their Caretrail shows, in person or by "
                            "telephone. Approve only if every group matches this one. If it does not, "
                            "someone else may have asked in their name."),
                          ct_member_item_get_name (item));
  dialog = new_dialog (self, item, heading, body);
  label = gtk_label_new (ct_member_item_get_fingerprint (item));
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fingerprint to compare"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "decline", _("_Decline"),
                                    "approve", _("_It Matches: Approve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decline",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "approve",
                                              ADW_RESPONSE_SUGGESTED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * ct_members_page_ask_remove:
 * @self: a #CtMembersPage
 * @member_id: a member that the page lists
 *
 * Asks the member to confirm, and removes @member_id if they do.
 */
void
ct_members_page_ask_remove (CtMembersPage *self,
                            const char    *member_id)
{
  CtMemberItem *item;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_return_if_fail (CT_IS_MEMBERS_PAGE (self));
  item = find_item (self->members, member_id);
  if (item == NULL)
    return;

  heading = g_strdup_printf (_("Remove %s?"), ct_member_item_get_name (item));
  body = g_strdup_printf (_("Their copy of the organisation’s key is deleted from the server and their "
                            "login may no longer read the records. What they signed still verifies. "
                            "Afterwards, rotate the organisation’s key, so that nothing written from "
                            "then on opens with a copy %s may have kept."),
                          ct_member_item_get_name (item));
  dialog = new_dialog (self, item, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "remove", _("_Remove"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* }}} */

/* Rows {{{ */

static void
on_row_button_clicked_cb (GtkButton     *button,
                          CtMembersPage *self)
{
  CtMemberItem *item = g_object_get_data (G_OBJECT (button), "item");

  if (ct_member_item_is_request (item))
    ct_members_page_ask_approve (self, ct_member_item_get_id (item));
  else
    ct_members_page_ask_remove (self, ct_member_item_get_id (item));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  CtMembersPage *self = user_data;
  CtMemberItem *member = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *subtitle = ct_member_item_dup_subtitle (member);
  g_autofree char *accessible = NULL;
  gboolean request = ct_member_item_is_request (member);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ct_member_item_get_name (member));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_with_mnemonic (request ? _("_Approve…") : _("_Remove…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (request)
    gtk_widget_add_css_class (button, "suggested-action");
  /* Translators: the accessible name of a button; %s is a person's name */
  accessible = g_strdup_printf (request ? _("Approve %s") : _("Remove %s"), ct_member_item_get_name (member));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  /* The button's item is the row's, and lives as long as the row. */
  g_object_set_data_full (G_OBJECT (button), "item", g_object_ref (member), g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_row_button_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

static GtkWidget *
add_list (AdwPreferencesGroup *group,
          GListModel          *model,
          const char          *accessible,
          const char          *empty,
          CtMembersPage       *self)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *placeholder = gtk_label_new (empty);

  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), model, create_row_cb, self, NULL);
  adw_preferences_group_add (group, list);
  return list;
}

/* }}} */

static void
on_changed_elsewhere_cb (CtStore       *store,
                         CtMembersPage *self)
{
  ct_members_page_refresh (self);
}

/**
 * ct_members_page_set_workflow:
 * @self: a #CtMembersPage
 * @workflow: (nullable): the open records, on a server
 *
 * Lists the members and requests of @workflow's organisation, and reads
 * them again whenever another desk changes something.
 */
void
ct_members_page_set_workflow (CtMembersPage *self,
                              CtWorkflow    *workflow)
{
  g_return_if_fail (CT_IS_MEMBERS_PAGE (self));

  if (!g_set_object (&self->workflow, workflow))
    return;
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, on_changed_elsewhere_cb, self);
  g_set_object (&self->watched, get_store (self));
  if (self->watched != NULL)
    g_signal_connect_object (self->watched, "changed-elsewhere", G_CALLBACK (on_changed_elsewhere_cb), self, 0);
  g_list_store_remove_all (self->members);
  g_list_store_remove_all (self->requests);
  show_error (self, NULL);
  ct_members_page_refresh (self);
}

GListModel *
ct_members_page_get_members (CtMembersPage *self)
{
  g_return_val_if_fail (CT_IS_MEMBERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->members);
}

GListModel *
ct_members_page_get_requests (CtMembersPage *self)
{
  g_return_val_if_fail (CT_IS_MEMBERS_PAGE (self), NULL);
  return G_LIST_MODEL (self->requests);
}

static void
ct_members_page_dispose (GObject *object)
{
  CtMembersPage *self = CT_MEMBERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->watched != NULL)
    g_signal_handlers_disconnect_by_func (self->watched, on_changed_elsewhere_cb, self);
  g_clear_object (&self->watched);
  g_clear_object (&self->workflow);
  G_OBJECT_CLASS (ct_members_page_parent_class)->dispose (object);
}

static void
ct_members_page_finalize (GObject *object)
{
  CtMembersPage *self = CT_MEMBERS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->members);
  g_clear_object (&self->requests);
  G_OBJECT_CLASS (ct_members_page_parent_class)->finalize (object);
}

static void
ct_members_page_class_init (CtMembersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_members_page_dispose;
  object_class->finalize = ct_members_page_finalize;
}

static void
ct_members_page_init (CtMembersPage *self)
{
  AdwPreferencesGroup *errors;

  self->cancellable = g_cancellable_new ();
  self->members = g_list_store_new (CT_TYPE_MEMBER_ITEM);
  self->requests = g_list_store_new (CT_TYPE_MEMBER_ITEM);

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("Members"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "system-users-symbolic");

  self->requests_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->requests_group, _("Requests to Join"));
  adw_preferences_group_set_description (self->requests_group,
                                         _("Approve someone only after they have read you the fingerprint "
                                           "their Caretrail shows, and it matches the one here."));
  add_list (self->requests_group, G_LIST_MODEL (self->requests), _("Requests to join"),
            _("No requests to join"), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->requests_group);

  self->members_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->members_group, _("Members"));
  adw_preferences_group_set_description (self->members_group,
                                         _("Everyone who can open the records on this server."));
  add_list (self->members_group, G_LIST_MODEL (self->members), _("Members"), _("No members"), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->members_group);

  errors = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  adw_preferences_group_add (errors, GTK_WIDGET (self->error_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), errors);
}

/**
 * ct_members_page_new:
 *
 * Returns: (transfer floating): a new, empty page
 */
GtkWidget *
ct_members_page_new (void)
{
  return g_object_new (CT_TYPE_MEMBERS_PAGE, NULL);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-submissions-page"

#include "config.h"

#include "ct-submissions-page.h"

#include <glib/gi18n.h>

#include "ct-case-service.h"
#include "ct-store-members.h"
#include "ct-submission-item.h"

/*
 * "New concerns from staff": the concerns staff handed in to the
 * organisation's server, newest first, each with a button that opens it
 * as a case in the name of the member of staff using Caretrail (the
 * "staff-id" setting), as "caretrail-admin submission-accept" does. The
 * store is asked off the main thread; the list is read again whenever
 * refresh is asked for (the window does so when the store hears of a
 * change elsewhere) and after a concern becomes a case, which emits
 * "case-opened" with the new case's reference.
 */

struct _CtSubmissionsPage
{
  AdwBin        parent_instance;

  GSettings    *settings;
  CtWorkflow   *workflow;
  GListStore   *items;
  GCancellable *cancellable;
  guint         generation;   /* of the newest refresh asked for */
  gboolean      opening;

  GtkStack     *stack;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (CtSubmissionsPage, ct_submissions_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_N_NEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CASE_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (CtSubmissionsPage *self,
            const char        *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Listing {{{ */

static void
list_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CtStore *store = task_data;
  GError *error = NULL;
  GPtrArray *list = ct_store_list_submissions_sync (store, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static gint
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const CtSubmission *x = *(const CtSubmission **) a;
  const CtSubmission *y = *(const CtSubmission **) b;

  return x->submitted_at < y->submitted_at ? 1 : x->submitted_at > y->submitted_at ? -1 : 0;
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CtSubmissionsPage *self = CT_SUBMISSIONS_PAGE (source);
  guint generation = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) items = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || generation != self->generation)
    return;
  if (list == NULL)
    {
      show_error (self, error->message);
      return;
    }

  show_error (self, NULL);
  g_ptr_array_sort (list, compare_newest_first);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (items, ct_submission_item_new (g_ptr_array_index (list, i)));
  /* One change for the whole list. */
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_NEW]);
}

/**
 * ct_submissions_page_refresh:
 * @self: a #CtSubmissionsPage
 *
 * Reads the concerns from staff again. A refresh asked for while another
 * runs supersedes it.
 */
void
ct_submissions_page_refresh (CtSubmissionsPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CT_IS_SUBMISSIONS_PAGE (self));

  if (self->workflow == NULL)
    return;
  self->generation++;
  task = g_task_new (self, self->cancellable, on_listed_cb, GUINT_TO_POINTER (self->generation));
  g_task_set_source_tag (task, ct_submissions_page_refresh);
  g_task_set_task_data (task, g_object_ref (ct_workflow_get_store (self->workflow)), g_object_unref);
  g_task_run_in_thread (task, list_in_thread);
}

/* }}} */

/* Opening one as a case {{{ */

typedef struct
{
  CtStore *store;
  char    *submission_id;
  char    *staff_id;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->store);
  g_free (data->submission_id);
  g_free (data->staff_id);
  g_free (data);
}

static void
open_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr(CtCaseService) service = NULL;
  GError *error = NULL;
  char *reference;

  service = ct_case_service_new_for_store_sync (data->store, &error);
  if (service == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reference = ct_store_accept_submission_sync (data->store, service, data->submission_id,
                                               data->staff_id, &error);
  if (reference == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reference, g_free);
}

static void
on_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CtSubmissionsPage *self = CT_SUBMISSIONS_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->opening = FALSE;
  if (reference == NULL)
    show_error (self, error->message);
  else
    {
      show_error (self, NULL);
      g_signal_emit (self, signals[CASE_OPENED], 0, reference);
    }
  ct_submissions_page_refresh (self);
}

/**
 * ct_submissions_page_open:
 * @self: a #CtSubmissionsPage
 * @submission_id: a concern from staff, by its receipt's id
 *
 * Opens the concern as a case, raised when it was handed in, in the name
 * of the member of staff using Caretrail. What goes wrong is said on the
 * page; nothing changes then.
 */
void
ct_submissions_page_open (CtSubmissionsPage *self,
                          const char        *submission_id)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *staff_id = NULL;
  OpenData *data;

  g_return_if_fail (CT_IS_SUBMISSIONS_PAGE (self));
  g_return_if_fail (submission_id != NULL);

  if (self->workflow == NULL || self->opening)
    return;
  staff_id = g_settings_get_string (self->settings, "staff-id");
  if (staff_id[0] == '\0' || ct_workflow_find_staff (self->workflow, staff_id) == NULL)
    {
      show_error (self, _("Caretrail does not know who is using it, so it cannot say who opened "
                          "the case. Choose yourself with Change User in the main menu, then try "
                          "again."));
      return;
    }

  show_error (self, NULL);
  data = g_new0 (OpenData, 1);
  data->store = g_object_ref (ct_workflow_get_store (self->workflow));
  data->submission_id = g_strdup (submission_id);
  data->staff_id = g_steal_pointer (&staff_id);
  self->opening = TRUE;
  task = g_task_new (self, self->cancellable, on_opened_cb, NULL);
  g_task_set_source_tag (task, ct_submissions_page_open);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_in_thread);
}

static void
on_open_clicked_cb (GtkButton         *button,
                    CtSubmissionsPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "submission-id");

  if (id != NULL)
    ct_submissions_page_open (self, id);
}

/* }}} */

/* The list's rows {{{ */

static void
on_setup_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CtSubmissionsPage        *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open as a Case"));

  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 9);
  gtk_widget_set_margin_bottom (row, 9);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_box_append (GTK_BOX (row), texts);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_open_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (row), button);
  g_object_set_data (G_OBJECT (row), "title", title);
  g_object_set_data (G_OBJECT (row), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (row), "open-button", button);
  gtk_list_item_set_child (list_item, row);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
on_bind_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CtSubmissionsPage        *self)
{
  CtSubmissionItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "open-button");
  g_autofree char *subtitle = ct_submission_item_dup_subtitle (item);
  g_autofree char *label = NULL;

  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "title"), ct_submission_item_get_title (item));
  gtk_label_set_text (g_object_get_data (G_OBJECT (row), "subtitle"), subtitle);
  g_object_set_data_full (G_OBJECT (button), "submission-id",
                          g_strdup (ct_submission_item_get_id (item)), g_free);
  gtk_widget_set_visible (button, ct_submission_item_can_open (item));
  /* Translators: the button's name to a screen reader; %s is the concern. */
  label = g_strdup_printf (_("Open as a case: %s"), ct_submission_item_get_title (item));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* }}} */

static void
ct_submissions_page_dispose (GObject *object)
{
  CtSubmissionsPage *self = CT_SUBMISSIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workflow);
  g_clear_object (&self->settings);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (ct_submissions_page_parent_class)->dispose (object);
}

static void
ct_submissions_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CtSubmissionsPage *self = CT_SUBMISSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_N_NEW:
      g_value_set_uint (value, ct_submissions_page_get_n_new (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_submissions_page_class_init (CtSubmissionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_submissions_page_dispose;
  object_class->get_property = ct_submissions_page_get_property;

  /**
   * CtSubmissionsPage:n-new:
   *
   * How many concerns from staff are not cases yet.
   */
  properties[PROP_N_NEW] =
    g_param_spec_uint ("n-new", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CtSubmissionsPage::case-opened:
   * @self: the page
   * @reference: the new case's reference
   *
   * A concern from staff has become a case.
   */
  signals[CASE_OPENED] =
    g_signal_new ("case-opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ct_submissions_page_init (CtSubmissionsPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *empty = adw_status_page_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *list;

  self->cancellable = g_cancellable_new ();
  self->items = g_list_store_new (CT_TYPE_SUBMISSION_ITEM);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "mail-inbox-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Concerns From Staff"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Concerns that staff hand in from their own Caretrail appear "
                                     "here, to be opened as cases."));

  g_signal_connect_object (factory, "setup", G_CALLBACK (on_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (on_bind_cb), self, 0);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)))),
                            factory);
  gtk_widget_add_css_class (list, "card");
  gtk_widget_set_valign (list, GTK_ALIGN_START);
  gtk_widget_set_margin_top (list, 12);
  gtk_widget_set_margin_bottom (list, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Concerns handed in by staff"), -1);
  adw_clamp_set_child (ADW_CLAMP (clamp), list);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  adw_bin_set_child (ADW_BIN (self), box);
}

/**
 * ct_submissions_page_new:
 * @settings: the application's settings, for who is using Caretrail
 *
 * Returns: (transfer full): a new, empty page
 */
GtkWidget *
ct_submissions_page_new (GSettings *settings)
{
  CtSubmissionsPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CT_TYPE_SUBMISSIONS_PAGE, NULL);
  self->settings = g_object_ref (settings);
  return GTK_WIDGET (self);
}

/**
 * ct_submissions_page_set_workflow:
 * @self: a #CtSubmissionsPage
 * @workflow: (nullable): the open records, on a server
 *
 * Lists the concerns from staff held with @workflow's records.
 */
void
ct_submissions_page_set_workflow (CtSubmissionsPage *self,
                                  CtWorkflow        *workflow)
{
  g_return_if_fail (CT_IS_SUBMISSIONS_PAGE (self));
  g_return_if_fail (workflow == NULL || CT_IS_WORKFLOW (workflow));

  if (!g_set_object (&self->workflow, workflow))
    return;
  self->generation++;
  g_list_store_remove_all (self->items);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  show_error (self, NULL);
  ct_submissions_page_refresh (self);
}

GListModel *
ct_submissions_page_get_model (CtSubmissionsPage *self)
{
  g_return_val_if_fail (CT_IS_SUBMISSIONS_PAGE (self), NULL);
  return G_LIST_MODEL (self->items);
}

/**
 * ct_submissions_page_get_n_new:
 * @self: a #CtSubmissionsPage
 *
 * Returns: how many concerns listed are not cases yet
 */
guint
ct_submissions_page_get_n_new (CtSubmissionsPage *self)
{
  guint n = 0;

  g_return_val_if_fail (CT_IS_SUBMISSIONS_PAGE (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(CtSubmissionItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (ct_submission_item_get_case_id (item) == NULL)
        n++;
    }
  return n;
}

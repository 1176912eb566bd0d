/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-reports-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-case-item.h"
#include "ct-format.h"
#include "ct-reports-page.h"
#include "ct-workflow.h"

/*
 * The caseload at a glance, for the DSO and for anyone they answer to: how
 * many cases are open and closed, how many steps are overdue or due within a
 * day, and where the open cases stand in the procedure. Worked out from the
 * same list the sidebar shows, again whenever it changes.
 */
struct _CtReportsPage
{
  AdwBin               parent_instance;

  GListModel          *cases;
  CtWorkflow          *workflow;
  AdwActionRow        *policy_row;
  gulong               items_changed_id;
  guint                update_id;
  gboolean             stale; /* the cases changed while the page was hidden */
  gint64               now;   /* 0: the real time */

  GtkLabel            *open_label;
  GtkLabel            *closed_label;
  GtkLabel            *overdue_label;
  GtkLabel            *due_soon_label;
  AdwPreferencesGroup *stages_group;
  GPtrArray           *stage_rows;
};

G_DEFINE_FINAL_TYPE (CtReportsPage, ct_reports_page, ADW_TYPE_BIN)

typedef struct
{
  const char *step;
  guint       count;
  guint       overdue;
} StepCount;

static int
compare_step_counts (gconstpointer a,
                     gconstpointer b)
{
  const StepCount *sa = a;
  const StepCount *sb = b;

  if (sa->count != sb->count)
    return sa->count < sb->count ? 1 : -1;
  return g_strcmp0 (sa->step, sb->step);
}

static void
set_count (GtkLabel *label,
           guint     count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_text (label, text);
}

static void
update (CtReportsPage *self)
{
  gint64 now = self->now != 0 ? self->now : g_get_real_time ();
  guint n = self->cases != NULL ? g_list_model_get_n_items (self->cases) : 0;
  guint open = 0, closed = 0, overdue = 0, due_soon = 0;
  g_autoptr(GHashTable) by_step = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) steps = g_array_new (FALSE, TRUE, sizeof (StepCount));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CtCaseItem) item = g_list_model_get_item (self->cases, i);
      gint64 due_at = ct_case_item_get_due_at (item);
      const char *step = ct_case_item_get_step (item);
      gpointer index;

      if (ct_case_item_get_closed (item))
        {
          closed++;
          continue;
        }

      open++;
      if (due_at > 0 && due_at < now)
        overdue++;
      else if (due_at > 0 && due_at - now <= G_TIME_SPAN_DAY)
        due_soon++;

      if (step == NULL)
        step = "";
      if (!g_hash_table_lookup_extended (by_step, step, NULL, &index))
        {
          StepCount count = { step, 0, 0 };

          index = GUINT_TO_POINTER (steps->len);
          g_array_append_val (steps, count);
          g_hash_table_insert (by_step, (gpointer) step, index);
        }
      g_array_index (steps, StepCount, GPOINTER_TO_UINT (index)).count++;
      if (due_at > 0 && due_at < now)
        g_array_index (steps, StepCount, GPOINTER_TO_UINT (index)).overdue++;
    }

  /* The organisation's own clock (seed 000: review the policy yearly). */
  {
    gint64 policy_due = self->workflow != NULL ? ct_workflow_get_policy_review_due (self->workflow) : 0;

    gtk_widget_remove_css_class (GTK_WIDGET (self->policy_row), "error");
    if (policy_due == 0)
      adw_action_row_set_subtitle (self->policy_row,
                                   _("Not known: say when your policy was adopted or last reviewed in Preferences"));
    else
      {
        g_autofree char *when = ct_format_instant (policy_due);
        g_autofree char *text = policy_due < now
                                ? g_strdup_printf (_("Overdue: it was due by %s"), when)
                                : g_strdup_printf (_("Due by %s"), when);

        adw_action_row_set_subtitle (self->policy_row, text);
        if (policy_due < now)
          gtk_widget_add_css_class (GTK_WIDGET (self->policy_row), "error");
      }
  }

  set_count (self->open_label, open);
  set_count (self->closed_label, closed);
  set_count (self->overdue_label, overdue);
  set_count (self->due_soon_label, due_soon);
  if (overdue > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->overdue_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->overdue_label), "error");

  /* The steps the strings point at belong to items the model keeps. */
  g_array_sort (steps, compare_step_counts);
  for (guint i = 0; i < self->stage_rows->len; i++)
    adw_preferences_group_remove (self->stages_group, g_ptr_array_index (self->stage_rows, i));
  g_ptr_array_set_size (self->stage_rows, 0);

  for (guint i = 0; i < steps->len; i++)
    {
      StepCount *count = &g_array_index (steps, StepCount, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *number = gtk_label_new (NULL);
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     *count->step != '\0' ? count->step : _("No step recorded"));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      if (count->overdue > 0)
        {
          subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u overdue", "%u overdue",
                                                   count->overdue),
                                      count->overdue);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      set_count (GTK_LABEL (number), count->count);
      gtk_widget_add_css_class (number, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), number);
      {
        /* Translators: a step of the procedure, then how many open cases
         * wait for it, as a screen reader reads the row. */
        g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u case",
                                                               "%s: %u cases", count->count),
                                                  count->step, count->count);
        gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
      }
      adw_preferences_group_add (self->stages_group, row);
      g_ptr_array_add (self->stage_rows, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->stages_group), steps->len > 0);
}

static gboolean
on_update_idle_cb (gpointer user_data)
{
  CtReportsPage *self = user_data;

  self->update_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

/* A batch of changes makes one update, after it; while the page is not
 * shown, none (it is brought up to date when it is). */
static void
queue_update (CtReportsPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->update_id == 0)
    self->update_id = g_idle_add (on_update_idle_cb, self);
}

static void
on_items_changed_cb (GListModel    *model,
                     guint          position,
                     guint          removed,
                     guint          added,
                     CtReportsPage *self)
{
  queue_update (self);
}

static void
ct_reports_page_map (GtkWidget *widget)
{
  CtReportsPage *self = CT_REPORTS_PAGE (widget);

  GTK_WIDGET_CLASS (ct_reports_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      update (self);
    }
}

static void
ct_reports_page_dispose (GObject *object)
{
  CtReportsPage *self = CT_REPORTS_PAGE (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  if (self->cases != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->cases);
  g_clear_object (&self->cases);
  g_clear_object (&self->workflow);
  g_clear_pointer (&self->stage_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (ct_reports_page_parent_class)->dispose (object);
}

static void
ct_reports_page_class_init (CtReportsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ct_reports_page_dispose;
  widget_class->map = ct_reports_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, open_label);
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, closed_label);
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, overdue_label);
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, due_soon_label);
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, stages_group);
  gtk_widget_class_bind_template_child (widget_class, CtReportsPage, policy_row);
}

static void
ct_reports_page_init (CtReportsPage *self)
{
  self->stage_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ct_reports_page_set_workflow:
 * @self: a #CtReportsPage
 * @workflow: (nullable): the open records, for the organisation's own
 *   clocks
 */
void
ct_reports_page_set_workflow (CtReportsPage *self,
                              CtWorkflow    *workflow)
{
  g_return_if_fail (CT_IS_REPORTS_PAGE (self));

  if (g_set_object (&self->workflow, workflow))
    queue_update (self);
}

/**
 * ct_reports_page_new:
 *
 * Returns: (transfer floating): a new reports page with no cases.
 */
GtkWidget *
ct_reports_page_new (void)
{
  return g_object_new (CT_TYPE_REPORTS_PAGE, NULL);
}

/**
 * ct_reports_page_set_cases:
 * @self: a #CtReportsPage
 * @cases: (nullable): a model of #CtCaseItem
 *
 * Reports on @cases, and again whenever it changes while the page is
 * shown.
 */
void
ct_reports_page_set_cases (CtReportsPage *self,
                           GListModel    *cases)
{
  g_return_if_fail (CT_IS_REPORTS_PAGE (self));
  g_return_if_fail (cases == NULL || G_IS_LIST_MODEL (cases));

  if (self->cases != NULL)
    g_clear_signal_handler (&self->items_changed_id, self->cases);
  g_set_object (&self->cases, cases);
  if (cases != NULL)
    self->items_changed_id = g_signal_connect (cases, "items-changed",
                                               G_CALLBACK (on_items_changed_cb), self);
  queue_update (self);
}

/**
 * ct_reports_page_set_now:
 * @self: a #CtReportsPage
 * @now: the time to count overdue steps against, in unix microseconds, or
 *   0 for the real time
 *
 * For tests, which need a fixed time.
 */
void
ct_reports_page_set_now (CtReportsPage *self,
                         gint64         now)
{
  g_return_if_fail (CT_IS_REPORTS_PAGE (self));

  self->now = now;
  queue_update (self);
}

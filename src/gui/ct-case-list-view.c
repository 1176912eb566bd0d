/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-case-list-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-case-list-view.h"
#include "ct-case-filter-model.h"
#include "ct-case-row.h"
#include "ct-case-slot-model.h"
#include "ct-search-fold.h"
#include "ct-procedure.h"

/*
 * A list of cases with search-as-you-type, a filter by stage in the
 * procedure and a filter by when the next step is due. The cases come from a
 * shared model; each view narrows it (needs action, open, closed), filters it
 * and sorts it, all through GTK's list models so that only the rows on screen
 * are ever built.
 *
 * The filters are offered as two groups of toggle buttons in a popover: every
 * choice is visible, and each is a button that keyboards and screen readers
 * can press (a drop-down's items expose no action to assistive technologies
 * in GTK 4.8).
 */

#define STATE_BIT(s) (1u << (s))

typedef struct
{
  const char *title;
  guint32     states; /* STATE_BIT of each CtState in the stage */
} StageInfo;

/* The procedure engine's open states, grouped as a safeguarding officer
 * looks for them: what the organisation itself must do next, then what it is
 * waiting for. Every open state is in exactly one stage. */
static const StageInfo stages[CT_CASE_LIST_N_STAGES] = {
  [CT_CASE_LIST_STAGE_ALL] = { N_("All stages"), 0 },
  [CT_CASE_LIST_STAGE_TO_ESCALATE] = {
    N_("To escalate"),
    STATE_BIT (CT_STATE_NEW) | STATE_BIT (CT_STATE_CONCERN_RECORDED) },
  [CT_CASE_LIST_STAGE_DECISION_DUE] = {
    N_("Decision due"),
    STATE_BIT (CT_STATE_ESCALATED) | STATE_BIT (CT_STATE_CONSULTING) },
  [CT_CASE_LIST_STAGE_REFERRAL] = {
    N_("Family discussion or referral"),
    STATE_BIT (CT_STATE_FAMILY_DISCUSSION) | STATE_BIT (CT_STATE_REFERRAL_DUE) |
    STATE_BIT (CT_STATE_CONFIRMATION_DUE) },
  [CT_CASE_LIST_STAGE_AWAITING_OUTCOME] = {
    N_("Referred, awaiting the outcome"),
    STATE_BIT (CT_STATE_AWAITING_DECISION) | STATE_BIT (CT_STATE_OUTCOME_DISPUTED) },
  [CT_CASE_LIST_STAGE_AFTER_OUTCOME] = {
    N_("Outcome known or monitoring"),
    STATE_BIT (CT_STATE_OUTCOME_RECORDED) | STATE_BIT (CT_STATE_MONITORING) },
  [CT_CASE_LIST_STAGE_ALLEGATION] = {
    N_("Allegations against staff"),
    STATE_BIT (CT_STATE_ALLEGATION_REPORTED) | STATE_BIT (CT_STATE_LADO_DUE) |
    STATE_BIT (CT_STATE_ALLEGATION_MANAGED) },
};

static const char * const due_titles[] = {
  [CT_CASE_LIST_FILTER_ALL] = N_("Any time"),
  [CT_CASE_LIST_FILTER_OVERDUE] = N_("Overdue"),
  [CT_CASE_LIST_FILTER_DUE_SOON] = N_("Due within a day"),
};
struct _CtCaseListView
{
  AdwBin               parent_instance;

  CtCaseListKind       kind;
  CtCaseListFilter     filter_mode;
  CtCaseListStage      stage;
  char                *folded_query;
  gint64               fixed_now;
  guint                tick_source;
  GHashTable          *rows; /* bound CtCaseRow -> its CtCaseSlot */
  GHashTable          *stale_rows; /* bound rows not showing their slot's case yet */
  double               row_pitch; /* height of a row and the space after it */
  guint                flush_tick;
  GPtrArray           *spare_rows; /* CtCaseRow kept for the next list item */

  GListModel          *cases;
  gboolean             model_attached;
  CtCaseFilterModel   *filter_model;
  CtCaseSlotModel     *slot_model;
  GtkSliceListModel   *first_rows; /* the slots the list view is given; see FIRST_ROWS */
  GdkFrameClock       *first_paint_clock;
  gulong               first_paint_handler;
  guint                all_rows_idle;
  GtkSingleSelection  *selection;

  GtkSearchEntry      *search_entry;
  GtkMenuButton       *filter_button;
  GtkLabel            *filter_label;
  GtkBox              *stage_box;
  GtkBox              *due_box;
  GtkToggleButton     *stage_buttons[CT_CASE_LIST_N_STAGES];
  GtkToggleButton     *due_buttons[G_N_ELEMENTS (due_titles)];
  GtkStack            *stack;
  GtkListView         *list_view;
  AdwStatusPage       *empty_page;
  GtkButton           *empty_button;
};

G_DEFINE_FINAL_TYPE (CtCaseListView, ct_case_list_view, ADW_TYPE_BIN)

/* GTK 4.8's list view builds, binds and lays out a row for each of the
 * first two hundred or so items the moment it has them, though a window
 * shows a tenth of that; at start-up that made the first frame with the
 * cases wait for two hundred rows. Until the list has first been drawn
 * with cases in it, the list view is given only as many places as the
 * screen can show (at most FIRST_ROWS); the rest follow straight after
 * that frame. */
#define FIRST_ROWS 64

enum {
  SIGNAL_CASE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gint64
get_now (CtCaseListView *self)
{
  return self->fixed_now != 0 ? self->fixed_now : g_get_real_time ();
}

/* Whether a case belongs in this kind of list at all. */
static gboolean
keep_case (const CtCaseEntry *entry,
           gpointer           user_data)
{
  CtCaseListView *self = user_data;

  switch (self->kind)
    {
    case CT_CASE_LIST_NEEDS_ACTION:
      return !entry->closed && (entry->due_at != 0 || entry->urgent);

    case CT_CASE_LIST_OPEN:
      return !entry->closed;

    case CT_CASE_LIST_CLOSED:
      return entry->closed;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
filter_case (const CtCaseEntry *entry,
             gpointer           user_data)
{
  CtCaseListView *self = user_data;
  gint64 due_at = entry->due_at;

  if (!keep_case (entry, user_data))
    return FALSE;

  switch (self->filter_mode)
    {
    case CT_CASE_LIST_FILTER_OVERDUE:
      if (due_at == 0 || due_at > get_now (self))
        return FALSE;
      break;

    case CT_CASE_LIST_FILTER_DUE_SOON:
      if (due_at == 0 || due_at > get_now (self) + G_TIME_SPAN_DAY)
        return FALSE;
      break;

    case CT_CASE_LIST_FILTER_ALL:
    default:
      break;
    }

  if (self->stage != CT_CASE_LIST_STAGE_ALL)
    {
      CtState state = entry->state;

      if (state == CT_N_STATES || (stages[self->stage].states & STATE_BIT (state)) == 0)
        return FALSE;
    }

  return self->folded_query == NULL || *self->folded_query == '\0' ||
         strstr (entry->search_key, self->folded_query) != NULL;
}

static int
sort_cases (const CtCaseEntry *a,
            const CtCaseEntry *b,
            gpointer           user_data)
{
  CtCaseListView *self = user_data;

  if (self->kind != CT_CASE_LIST_CLOSED)
    {
      /* A case on the urgent path comes above everything else. */
      if (a->urgent != b->urgent)
        return a->urgent ? -1 : 1;

      /* Soonest due first, so the most overdue step is at the top; cases
       * with nothing due go last. */
      if (a->due_at != b->due_at)
        {
          if (a->due_at == 0)
            return 1;
          if (b->due_at == 0)
            return -1;
          return a->due_at < b->due_at ? -1 : 1;
        }
    }

  /* Newest reference first. */
  return -g_strcmp0 (a->reference, b->reference);
}

/* Shows the page @name of the stack. The pages that say there is nothing
 * to list are hidden while another is shown, so that a list on screen
 * does not style, measure and load the icons of pages nobody sees. */
static void
show_page (CtCaseListView *self,
           const char     *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);
  GtkWidget *shown = gtk_stack_get_visible_child (self->stack);

  if (page == shown)
    return;

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (self->stack, page);
  if (shown != NULL && shown != gtk_stack_get_child_by_name (self->stack, "list"))
    gtk_widget_set_visible (shown, FALSE);
}

static void
update_stack (CtCaseListView *self)
{
  guint n_total = self->cases ? g_list_model_get_n_items (self->cases) : 0;
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  gboolean searching = (self->folded_query != NULL && *self->folded_query != '\0') ||
                       self->filter_mode != CT_CASE_LIST_FILTER_ALL ||
                       self->stage != CT_CASE_LIST_STAGE_ALL;

  if (n_shown > 0)
    {
      show_page (self, "list");
      return;
    }

  if (searching && n_total > 0)
    {
      show_page (self, "no-results");
      return;
    }

  if (n_total == 0)
    {
      adw_status_page_set_title (self->empty_page, _("No Cases Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Concerns you record about a child will appear here, "
                                         "with every step your safeguarding procedure asks for "
                                         "and when it is due."));
      gtk_widget_set_visible (GTK_WIDGET (self->empty_button), TRUE);
    }
  else if (self->kind == CT_CASE_LIST_NEEDS_ACTION)
    {
      adw_status_page_set_title (self->empty_page, _("Nothing Needs Action"));
      adw_status_page_set_description (self->empty_page,
                                       _("No step of any open case is waiting to be done."));
      gtk_widget_set_visible (GTK_WIDGET (self->empty_button), FALSE);
    }
  else if (self->kind == CT_CASE_LIST_OPEN)
    {
      adw_status_page_set_title (self->empty_page, _("No Open Cases"));
      adw_status_page_set_description (self->empty_page,
                                       _("Every case has been closed."));
      gtk_widget_set_visible (GTK_WIDGET (self->empty_button), TRUE);
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Closed Cases"));
      adw_status_page_set_description (self->empty_page,
                                       _("Cases appear here once they are closed, with the "
                                         "reason they were closed."));
      gtk_widget_set_visible (GTK_WIDGET (self->empty_button), FALSE);
    }

  show_page (self, "empty");
}

static void attach_model (CtCaseListView *self);

/* A new search or filter shows its best matches: the list's places stay
 * put when what they show changes, so go back to the first. */
static void
scroll_to_top (CtCaseListView *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  if (vadjustment != NULL)
    gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_lower (vadjustment));
}

static void
on_items_changed_cb (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     CtCaseListView *self)
{
  update_stack (self);
}

static void
on_search_changed_cb (GtkSearchEntry *entry,
                      CtCaseListView *self)
{
  g_autofree char *old = g_steal_pointer (&self->folded_query);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  self->folded_query = ct_search_fold (text, -1);
  /* The entry says its text changed after a pause, even when the text is
   * what was searched for already. */
  if (g_strcmp0 (old, self->folded_query) == 0)
    return;

  scroll_to_top (self);

  /* Typing more only narrows the list, deleting only widens it: telling the
   * filter model lets it look at fewer rows. */
  if (old != NULL && g_str_has_prefix (self->folded_query, old))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (old != NULL && g_str_has_prefix (old, self->folded_query))
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  ct_case_filter_model_changed (self->filter_model, change);
  update_stack (self);
}

/* Shows the filters in force on the button, so that a list narrowed by
 * them is never mistaken for every case. */
static void
update_filter_button (CtCaseListView *self)
{
  g_autofree char *description = NULL;
  const char *stage = _(stages[self->stage].title);
  const char *due = _(due_titles[self->filter_mode]);

  if (self->stage == CT_CASE_LIST_STAGE_ALL && self->filter_mode == CT_CASE_LIST_FILTER_ALL)
    {
      gtk_label_set_text (self->filter_label, _("All cases"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
    }
  else
    {
      gtk_label_set_text (self->filter_label,
                          self->stage != CT_CASE_LIST_STAGE_ALL ? stage : due);
      gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
    }

  /* Translators: the filters in force on a case list: a stage of the
   * procedure, then when the next step is due. */
  description = g_strdup_printf (_("Showing: %s; %s"), stage, due);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/* How a change of filter moves the set of cases shown. Telling the filter
 * model lets it look again only at the rows that can change. */
static GtkFilterChange
compare_stages (CtCaseListStage from,
                CtCaseListStage to)
{
  if (from == CT_CASE_LIST_STAGE_ALL)
    return GTK_FILTER_CHANGE_MORE_STRICT;
  if (to == CT_CASE_LIST_STAGE_ALL)
    return GTK_FILTER_CHANGE_LESS_STRICT;
  return GTK_FILTER_CHANGE_DIFFERENT;
}

static GtkFilterChange
compare_due_filters (CtCaseListFilter from,
                     CtCaseListFilter to)
{
  /* Overdue cases are a subset of those due within a day, which are a
   * subset of all. */
  static const int strictness[] = {
    [CT_CASE_LIST_FILTER_ALL] = 0,
    [CT_CASE_LIST_FILTER_DUE_SOON] = 1,
    [CT_CASE_LIST_FILTER_OVERDUE] = 2,
  };

  return strictness[to] > strictness[from] ? GTK_FILTER_CHANGE_MORE_STRICT
                                           : GTK_FILTER_CHANGE_LESS_STRICT;
}

static void
apply_stage (CtCaseListView  *self,
             CtCaseListStage  stage)
{
  GtkFilterChange change;

  if (stage == self->stage)
    return;

  change = compare_stages (self->stage, stage);
  self->stage = stage;
  scroll_to_top (self);
  ct_case_filter_model_changed (self->filter_model, change);
  update_filter_button (self);
  update_stack (self);
}

static void
apply_due_filter (CtCaseListView   *self,
                  CtCaseListFilter  filter)
{
  GtkFilterChange change;

  if (filter == self->filter_mode)
    return;

  change = compare_due_filters (self->filter_mode, filter);
  self->filter_mode = filter;
  scroll_to_top (self);
  ct_case_filter_model_changed (self->filter_model, change);
  update_filter_button (self);
  update_stack (self);
}

static void
on_stage_toggled_cb (GtkToggleButton *button,
                     CtCaseListView  *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  for (guint i = 0; i < CT_CASE_LIST_N_STAGES; i++)
    if (self->stage_buttons[i] == button)
      apply_stage (self, (CtCaseListStage) i);
}

static void
on_due_toggled_cb (GtkToggleButton *button,
                   CtCaseListView  *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (due_titles); i++)
    if (self->due_buttons[i] == button)
      apply_due_filter (self, (CtCaseListFilter) i);
}

/* One choice of a filter: a toggle button in a group of which one is always
 * pressed, left-aligned like a menu item. */
static GtkToggleButton *
add_choice (GtkBox          *box,
            GtkToggleButton *group,
            const char      *title,
            const char      *description)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (labels), label);

  if (description != NULL)
    {
      GtkWidget *detail = gtk_label_new (description);

      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (detail), 36);
      gtk_widget_add_css_class (detail, "caption");
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_box_append (GTK_BOX (labels), detail);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                      -1);
    }

  gtk_button_set_child (GTK_BUTTON (button), labels);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  if (group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
  gtk_box_append (box, button);

  return GTK_TOGGLE_BUTTON (button);
}

static void
build_filter_choices (CtCaseListView *self)
{
  for (guint i = 0; i < CT_CASE_LIST_N_STAGES; i++)
    {
      g_autoptr(GString) states = g_string_new (NULL);

      /* Each stage says which of the procedure's steps it holds. */
      for (guint s = 0; s < CT_N_STATES; s++)
        {
          if ((stages[i].states & STATE_BIT (s)) == 0 || s == CT_STATE_NEW)
            continue;
          if (states->len > 0)
            /* Translators: between the names of the procedure's steps that
             * a stage of the case list holds. */
            g_string_append (states, _("; "));
          g_string_append (states, ct_state_get_title ((CtState) s));
        }

      self->stage_buttons[i] = add_choice (self->stage_box, self->stage_buttons[0],
                                           _(stages[i].title),
                                           states->len > 0 ? states->str : NULL);
      g_signal_connect (self->stage_buttons[i], "toggled", G_CALLBACK (on_stage_toggled_cb),
                        self);
    }

  for (guint i = 0; i < G_N_ELEMENTS (due_titles); i++)
    {
      self->due_buttons[i] = add_choice (self->due_box, self->due_buttons[0],
                                         _(due_titles[i]), NULL);
      g_signal_connect (self->due_buttons[i], "toggled", G_CALLBACK (on_due_toggled_cb), self);
    }

  gtk_toggle_button_set_active (self->stage_buttons[CT_CASE_LIST_STAGE_ALL], TRUE);
  gtk_toggle_button_set_active (self->due_buttons[CT_CASE_LIST_FILTER_ALL], TRUE);
}

static void
on_list_activated_cb (GtkListView    *list_view,
                      guint           position,
                      CtCaseListView *self)
{
  g_autoptr(CtCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);

  if (item != NULL)
    g_signal_emit (self, signals[SIGNAL_CASE_ACTIVATED], 0, item);
}

/* GTK 4.8's list view keeps no spare rows of its own: a list item, and
 * the row in it, is dropped for each place a search removes from the end of
 * the list or that scrolls out of reach, and a new one is made for each
 * place that comes back. The rows are kept aside here instead, when their
 * list item lets go of its case, and given to the next list item shown, so
 * that typing, deleting and scrolling never build a row from its template
 * twice. */
#define MAX_SPARE_ROWS 512

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     CtCaseListView           *self)
{
  /* The row is put in when the list item is given its case. */
}

static GtkWidget *
take_row (CtCaseListView *self)
{
  if (self->spare_rows != NULL && self->spare_rows->len > 0)
    return g_ptr_array_steal_index_fast (self->spare_rows, self->spare_rows->len - 1);

  return g_object_ref_sink (ct_case_row_new ());
}

static void
give_back_row (CtCaseListView *self,
               GtkListItem    *list_item)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);

  if (row == NULL)
    return;

  if (self->spare_rows != NULL && self->spare_rows->len < MAX_SPARE_ROWS)
    g_ptr_array_add (self->spare_rows, g_object_ref (row));
  gtk_list_item_set_child (list_item, NULL);
}

static void
show_item (CtCaseListView *self,
           CtCaseRow      *row,
           CtCaseItem     *item)
{
  /* Binding shows the time left against the real time; a view with a fixed
   * time (in tests) measures against that instead. */
  ct_case_row_set_item (row, item);
  if (self->fixed_now != 0)
    ct_case_row_update_due (row, self->fixed_now);
}

/* The list view keeps two hundred rows around the ones on screen, and a
 * search changes the case in nearly all of them. Laying out the text of
 * rows nobody can see cost more than everything else between a keystroke
 * and the frame, so a row far from the visible part of the list takes its
 * new case only when scrolling brings it near. Every row is one line of
 * each label, so one that is behind keeps its height. */
#define ROWS_AROUND 24

static gboolean
is_near_view (CtCaseListView *self,
              guint           position)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  double page, first, last;

  if (vadjustment == NULL || self->row_pitch <= 0)
    return TRUE;

  page = gtk_adjustment_get_page_size (vadjustment);
  if (page <= 0)
    return TRUE;

  first = gtk_adjustment_get_value (vadjustment) / self->row_pitch;
  last = (gtk_adjustment_get_value (vadjustment) + page) / self->row_pitch;
  return position + ROWS_AROUND >= first && position <= last + ROWS_AROUND;
}

static void
update_row (CtCaseListView *self,
            CtCaseRow      *row,
            CtCaseSlot     *slot)
{
  if (is_near_view (self, ct_case_slot_get_position (slot)))
    {
      g_hash_table_remove (self->stale_rows, row);
      show_item (self, row, ct_case_slot_get_item (slot));
    }
  else
    g_hash_table_add (self->stale_rows, row);
}

static void
on_slot_item_changed_cb (CtCaseSlot *slot,
                         GParamSpec *pspec,
                         CtCaseRow  *row)
{
  CtCaseListView *self = CT_CASE_LIST_VIEW (gtk_widget_get_ancestor (GTK_WIDGET (row),
                                                                     CT_TYPE_CASE_LIST_VIEW));

  if (self != NULL && ct_case_slot_get_item (slot) != NULL)
    update_row (self, row, slot);
}

static gboolean
on_flush_tick_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  CtCaseListView *self = CT_CASE_LIST_VIEW (widget);
  GHashTableIter iter;
  gpointer row;

  self->flush_tick = 0;

  /* Before the frame is laid out, the rows scrolling brought near take
   * their cases. */
  g_hash_table_iter_init (&iter, self->stale_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    {
      CtCaseSlot *slot = g_hash_table_lookup (self->rows, row);

      if (slot == NULL)
        g_hash_table_iter_remove (&iter);
      else if (is_near_view (self, ct_case_slot_get_position (slot)))
        {
          g_hash_table_iter_remove (&iter);
          show_item (self, row, ct_case_slot_get_item (slot));
        }
    }

  return G_SOURCE_REMOVE;
}

static void
on_scrolled_cb (CtCaseListView *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->first_rows));

  /* The list view sets the height of the whole list as it lays it out,
   * for the places it has then. */
  if (vadjustment != NULL && n_items > 0 && gtk_adjustment_get_upper (vadjustment) > 0)
    self->row_pitch = gtk_adjustment_get_upper (vadjustment) / n_items;

  if (self->flush_tick == 0 && g_hash_table_size (self->stale_rows) > 0)
    self->flush_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_flush_tick_cb,
                                                     NULL, NULL);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    CtCaseListView           *self)
{
  CtCaseSlot *slot = gtk_list_item_get_item (list_item);
  g_autoptr(GtkWidget) row = take_row (self);

  gtk_list_item_set_child (list_item, row);
  g_hash_table_insert (self->rows, row, slot);
  update_row (self, CT_CASE_ROW (row), slot);
  g_signal_connect_object (slot, "notify::item", G_CALLBACK (on_slot_item_changed_cb), row, 0);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      CtCaseListView           *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  CtCaseSlot *slot = gtk_list_item_get_item (list_item);

  if (row == NULL)
    return;

  if (slot != NULL)
    g_signal_handlers_disconnect_by_func (slot, on_slot_item_changed_cb, row);
  if (self->rows != NULL)
    {
      g_hash_table_remove (self->rows, row);
      g_hash_table_remove (self->stale_rows, row);
    }
  give_back_row (self, list_item);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  CtCaseListView *self = user_data;
  GHashTableIter iter;
  gpointer row;
  gint64 now = get_now (self);

  /* Time left changes by the minute; only the rows on screen need it. */
  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (!g_hash_table_contains (self->stale_rows, row))
      ct_case_row_update_due (row, now);

  if (self->filter_mode != CT_CASE_LIST_FILTER_ALL)
    ct_case_filter_model_changed (self->filter_model, GTK_FILTER_CHANGE_DIFFERENT);

  return G_SOURCE_CONTINUE;
}

static void
stop_waiting_for_first_paint (CtCaseListView *self)
{
  if (self->first_paint_clock != NULL)
    g_clear_signal_handler (&self->first_paint_handler, self->first_paint_clock);
  g_clear_object (&self->first_paint_clock);
}

static gboolean
on_all_rows_idle_cb (gpointer user_data)
{
  CtCaseListView *self = user_data;

  self->all_rows_idle = 0;
  gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

/* Once a frame has shown cases, the list view gets all the places. */
static void
on_first_paint_cb (GdkFrameClock  *clock,
                   CtCaseListView *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->first_rows)) == 0)
    return;

  stop_waiting_for_first_paint (self);
  if (self->all_rows_idle == 0)
    self->all_rows_idle = g_idle_add (on_all_rows_idle_cb, self);
}

/* How many rows the tallest the window can be shows at most: the height
 * of its monitor over the height of an empty row, which is no taller than
 * one showing a case. */
static guint
count_rows_on_screen (CtCaseListView *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  GdkMonitor *monitor = NULL;
  g_autoptr(GtkWidget) row = NULL;
  GdkRectangle area;
  int row_height;

  if (surface != NULL)
    monitor = gdk_display_get_monitor_at_surface (gdk_surface_get_display (surface), surface);
  if (monitor == NULL)
    return FIRST_ROWS;

  gdk_monitor_get_geometry (monitor, &area);
  row = take_row (self);
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, -1, &row_height, NULL, NULL, NULL);
  if (self->spare_rows != NULL && self->spare_rows->len < MAX_SPARE_ROWS)
    g_ptr_array_add (self->spare_rows, g_steal_pointer (&row));
  if (row_height <= 0)
    return FIRST_ROWS;

  return CLAMP (area.height / row_height + 2, 1, FIRST_ROWS);
}

static void
attach_model (CtCaseListView *self)
{
  if (self->model_attached)
    return;

  self->model_attached = TRUE;
  ct_case_filter_model_set_model (self->filter_model, self->cases);
}

static void
ct_case_list_view_map (GtkWidget *widget)
{
  CtCaseListView *self = CT_CASE_LIST_VIEW (widget);

  /* Before the cases are attached: the list view builds rows for the
   * places it is given at once. */
  if (gtk_slice_list_model_get_size (self->first_rows) != G_MAXUINT &&
      self->first_paint_clock == NULL)
    {
      self->first_paint_clock = gtk_widget_get_frame_clock (widget);
      if (self->first_paint_clock == NULL)
        gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
      else
        {
          gtk_slice_list_model_set_size (self->first_rows, count_rows_on_screen (self));
          g_object_ref (self->first_paint_clock);
          self->first_paint_handler =
            g_signal_connect (self->first_paint_clock, "after-paint",
                              G_CALLBACK (on_first_paint_cb), self);
        }
    }

  attach_model (self);
  update_stack (self);

  GTK_WIDGET_CLASS (ct_case_list_view_parent_class)->map (widget);
}

static void
ct_case_list_view_unmap (GtkWidget *widget)
{
  stop_waiting_for_first_paint (CT_CASE_LIST_VIEW (widget));

  GTK_WIDGET_CLASS (ct_case_list_view_parent_class)->unmap (widget);
}

static void
ct_case_list_view_dispose (GObject *object)
{
  CtCaseListView *self = CT_CASE_LIST_VIEW (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_handle_id (&self->all_rows_idle, g_source_remove);
  stop_waiting_for_first_paint (self);
  /* The filter model may outlive the view, in the list view's hands: it
   * must not call back into it. */
  if (self->filter_model != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->filter_model, on_items_changed_cb, self);
      ct_case_filter_model_set_model (self->filter_model, NULL);
    }
  if (self->flush_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->flush_tick);
  self->flush_tick = 0;
  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_items_changed_cb, self);

  /* AdwBin unparents the template's child itself. */

  g_clear_object (&self->selection);
  g_clear_object (&self->first_rows);
  g_clear_object (&self->slot_model);
  self->filter_model = NULL;
  g_clear_object (&self->cases);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->stale_rows, g_hash_table_unref);
  g_clear_pointer (&self->spare_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (ct_case_list_view_parent_class)->dispose (object);
}

static void
ct_case_list_view_finalize (GObject *object)
{
  CtCaseListView *self = CT_CASE_LIST_VIEW (object);

  g_free (self->folded_query);

  G_OBJECT_CLASS (ct_case_list_view_parent_class)->finalize (object);
}

static void
ct_case_list_view_class_init (CtCaseListViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_case_list_view_dispose;
  object_class->finalize = ct_case_list_view_finalize;
  widget_class->map = ct_case_list_view_map;
  widget_class->unmap = ct_case_list_view_unmap;

  /**
   * CtCaseListView::case-activated:
   * @self: the view
   * @item: the #CtCaseItem chosen
   *
   * Emitted when the user opens a case from the list.
   */
  signals[SIGNAL_CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CT_TYPE_CASE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-case-list-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, filter_label);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, stage_box);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, due_box);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, stack);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, list_view);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CtCaseListView, empty_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activated_cb);
}

static void
ct_case_list_view_init (CtCaseListView *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkAdjustment *vadjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_hash_table_new (NULL, NULL);
  self->stale_rows = g_hash_table_new (NULL, NULL);
  self->spare_rows = g_ptr_array_new_with_free_func (g_object_unref);
  /* Sorted when the cases change, then filtered in that order: typing in
   * the search entry filters an already sorted list and never sorts
   * thousands of cases again. */
  self->filter_model = ct_case_filter_model_new (sort_cases, filter_case, keep_case, self);
  /* The list view shows places that stay put while the cases in them
   * change, so that a search re-uses the rows on screen (see
   * CtCaseSlotModel). */
  self->slot_model = ct_case_slot_model_new (G_LIST_MODEL (self->filter_model));
  /* The slots hold the filter model, which self->filter_model borrows. */
  g_object_unref (self->filter_model);
  self->first_rows = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->slot_model)), 0,
                                               FIRST_ROWS);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->first_rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (self->filter_model, "items-changed", G_CALLBACK (on_items_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_scrolled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "changed", G_CALLBACK (on_scrolled_cb), self,
                           G_CONNECT_SWAPPED);

  build_filter_choices (self);
  update_filter_button (self);

  self->tick_source = g_timeout_add_seconds (60, on_tick_cb, self);
  update_stack (self);
}

/**
 * ct_case_list_view_new:
 * @kind: which cases the view shows
 *
 * Returns: (transfer floating): a new view.
 */
GtkWidget *
ct_case_list_view_new (CtCaseListKind kind)
{
  CtCaseListView *self = g_object_new (CT_TYPE_CASE_LIST_VIEW, NULL);

  self->kind = kind;
  gtk_widget_set_visible (GTK_WIDGET (self->filter_button), kind != CT_CASE_LIST_CLOSED);
  ct_case_filter_model_changed (self->filter_model, GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);

  return GTK_WIDGET (self);
}

/**
 * ct_case_list_view_set_model:
 * @self: a #CtCaseListView
 * @cases: (nullable): a list model of #CtCaseItem
 *
 * Shows @cases, narrowed by the view's kind.
 */
void
ct_case_list_view_set_model (CtCaseListView *self,
                             GListModel     *cases)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));
  g_return_if_fail (cases == NULL || G_IS_LIST_MODEL (cases));

  if (self->cases != NULL)
    g_signal_handlers_disconnect_by_func (self->cases, on_items_changed_cb, self);
  g_set_object (&self->cases, cases);
  if (cases != NULL)
    g_signal_connect (cases, "items-changed", G_CALLBACK (on_items_changed_cb), self);

  /* Sorting and filtering thousands of cases is done for the lists people
   * look at: a view that is not on screen takes the model when it is first
   * shown. */
  self->model_attached = FALSE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) || cases == NULL)
    attach_model (self);
  update_stack (self);
}

/**
 * ct_case_list_view_set_search_text:
 * @self: a #CtCaseListView
 * @text: what to search for
 *
 * Types @text into the search entry, as the user would.
 */
void
ct_case_list_view_set_search_text (CtCaseListView *self,
                                   const char     *text)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* The entry delays search-changed while typing; apply it now. */
  on_search_changed_cb (self->search_entry, self);
}

/**
 * ct_case_list_view_set_filter:
 * @self: a #CtCaseListView
 * @filter: the state filter
 *
 * Shows only cases whose next step is due as @filter says, as the user
 * would choose it from the filter menu.
 */
void
ct_case_list_view_set_filter (CtCaseListView   *self,
                              CtCaseListFilter  filter)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));
  g_return_if_fail ((guint) filter < G_N_ELEMENTS (due_titles));

  gtk_toggle_button_set_active (self->due_buttons[filter], TRUE);
}

/**
 * ct_case_list_view_set_stage:
 * @self: a #CtCaseListView
 * @stage: the stage to show
 *
 * Shows only cases at @stage of the procedure, as the user would choose it
 * from the filter menu.
 */
void
ct_case_list_view_set_stage (CtCaseListView  *self,
                             CtCaseListStage  stage)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));
  g_return_if_fail ((guint) stage < CT_CASE_LIST_N_STAGES);

  gtk_toggle_button_set_active (self->stage_buttons[stage], TRUE);
}

/**
 * ct_case_list_view_get_shown:
 * @self: a #CtCaseListView
 *
 * Returns: (transfer none): the cases shown, in the order shown.
 */
GListModel *
ct_case_list_view_get_shown (CtCaseListView *self)
{
  g_return_val_if_fail (CT_IS_CASE_LIST_VIEW (self), NULL);

  attach_model (self);
  return G_LIST_MODEL (self->filter_model);
}

/**
 * ct_case_list_view_focus_search:
 * @self: a #CtCaseListView
 *
 * Moves the keyboard focus to the search entry.
 */
void
ct_case_list_view_focus_search (CtCaseListView *self)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * ct_case_list_view_set_now:
 * @self: a #CtCaseListView
 * @now: the time to measure due dates against, or 0 for the real time
 *
 * Fixes the view's idea of now, so that what is overdue can be tested.
 */
void
ct_case_list_view_set_now (CtCaseListView *self,
                           gint64          now)
{
  g_return_if_fail (CT_IS_CASE_LIST_VIEW (self));

  self->fixed_now = now;
  ct_case_filter_model_changed (self->filter_model, GTK_FILTER_CHANGE_DIFFERENT);
  on_tick_cb (self);
  update_stack (self);
}

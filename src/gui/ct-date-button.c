/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-date-button"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "ct-calendar.h"
#include "ct-date-button.h"
#include "ct-format.h"

/*
 * A calendar beside a date typed as DD/MM/YYYY. The entry stays the one
 * place the date lives: opening the calendar shows the date typed (or
 * today), typing moves the calendar, and choosing a day writes it into the
 * entry and closes the calendar.
 */
struct _CtDateButton
{
  AdwBin       parent_instance;

  GtkEditable *entry;
  GtkWidget   *menu_button;
  GtkPopover  *popover;
  GtkCalendar *calendar;
  gulong       changed_handler;
  /* Set while the calendar is moved to match the entry, so that the
   * move is not taken for a day the user chose. */
  gboolean     syncing;
};

G_DEFINE_FINAL_TYPE (CtDateButton, ct_date_button, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ENTRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The date in the entry, or today in UK time when nothing readable is there. */
static GDateTime *
get_entry_date (CtDateButton *self,
                gboolean     *out_typed)
{
  g_autofree char *iso = NULL;
  int y, m, d;

  *out_typed = FALSE;
  if (self->entry != NULL && ct_parse_date (gtk_editable_get_text (self->entry), &iso) &&
      sscanf (iso, "%d-%d-%d", &y, &m, &d) == 3)
    {
      *out_typed = TRUE;
      return g_date_time_new (ct_calendar_get_timezone (), y, m, d, 12, 0, 0);
    }

  return g_date_time_new_now (ct_calendar_get_timezone ());
}

static void
sync_calendar (CtDateButton *self,
               gboolean      even_if_untyped)
{
  g_autoptr(GDateTime) date = NULL;
  gboolean typed;

  date = get_entry_date (self, &typed);
  if (date == NULL || (!typed && !even_if_untyped))
    return;

  self->syncing = TRUE;
  gtk_calendar_select_day (self->calendar, date);
  self->syncing = FALSE;
}

static void
on_entry_changed_cb (GtkEditable  *entry,
                     CtDateButton *self)
{
  /* Typing a whole date moves the open calendar to it. */
  sync_calendar (self, FALSE);
}

static void
on_popover_shown_cb (GtkPopover   *popover,
                     CtDateButton *self)
{
  sync_calendar (self, TRUE);
}

static void
on_day_selected_cb (GtkCalendar  *calendar,
                    CtDateButton *self)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *text = NULL;

  if (self->syncing || self->entry == NULL)
    return;

  date = gtk_calendar_get_date (calendar);
  iso = g_strdup_printf ("%04d-%02d-%02d", g_date_time_get_year (date),
                         g_date_time_get_month (date), g_date_time_get_day_of_month (date));
  text = ct_format_date_for_entry (iso);
  gtk_editable_set_text (self->entry, text);
  gtk_editable_set_position (self->entry, -1);
  gtk_popover_popdown (self->popover);
}

static void
set_entry (CtDateButton *self,
           GtkEditable  *entry)
{
  g_return_if_fail (self->entry == NULL);

  if (entry == NULL)
    return;

  /* The button lives inside or beside the entry, so a weak pointer is
   * enough: the entry outliving the button is the usual case. */
  self->entry = entry;
  g_object_add_weak_pointer (G_OBJECT (entry), (gpointer *) &self->entry);
  self->changed_handler = g_signal_connect (entry, "changed",
                                            G_CALLBACK (on_entry_changed_cb), self);
}

static void
ct_date_button_dispose (GObject *object)
{
  CtDateButton *self = CT_DATE_BUTTON (object);

  if (self->entry != NULL)
    {
      g_clear_signal_handler (&self->changed_handler, self->entry);
      g_object_remove_weak_pointer (G_OBJECT (self->entry), (gpointer *) &self->entry);
      self->entry = NULL;
    }

  G_OBJECT_CLASS (ct_date_button_parent_class)->dispose (object);
}

static void
ct_date_button_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CtDateButton *self = CT_DATE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_date_button_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CtDateButton *self = CT_DATE_BUTTON (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      set_entry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_date_button_class_init (CtDateButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ct_date_button_dispose;
  object_class->get_property = ct_date_button_get_property;
  object_class->set_property = ct_date_button_set_property;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL, GTK_TYPE_EDITABLE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_date_button_init (CtDateButton *self)
{
  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  g_signal_connect (self->calendar, "day-selected", G_CALLBACK (on_day_selected_cb), self);

  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, GTK_WIDGET (self->calendar));
  g_signal_connect (self->popover, "show", G_CALLBACK (on_popover_shown_cb), self);

  self->menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->menu_button), "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->menu_button), GTK_WIDGET (self->popover));
  gtk_widget_set_valign (self->menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->menu_button, "flat");
  gtk_widget_set_tooltip_text (self->menu_button, _("Choose from a Calendar"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose from a calendar"),
                                  -1);

  adw_bin_set_child (ADW_BIN (self), self->menu_button);
}

/**
 * ct_date_button_new:
 * @entry: where the date is typed, as DD/MM/YYYY
 *
 * Returns: (transfer floating): a button that opens a calendar for @entry.
 */
GtkWidget *
ct_date_button_new (GtkEditable *entry)
{
  g_return_val_if_fail (GTK_IS_EDITABLE (entry), NULL);

  return g_object_new (CT_TYPE_DATE_BUTTON, "entry", entry, NULL);
}

/**
 * ct_date_button_attach:
 * @row: an entry row a date is typed into
 *
 * Puts a calendar button at the end of @row.
 *
 * Returns: (transfer none): the button
 */
GtkWidget *
ct_date_button_attach (AdwEntryRow *row)
{
  GtkWidget *button;

  g_return_val_if_fail (ADW_IS_ENTRY_ROW (row), NULL);

  button = ct_date_button_new (GTK_EDITABLE (row));
  adw_entry_row_add_suffix (row, button);
  return button;
}

GtkEditable *
ct_date_button_get_entry (CtDateButton *self)
{
  g_return_val_if_fail (CT_IS_DATE_BUTTON (self), NULL);
  return self->entry;
}

GtkCalendar *
ct_date_button_get_calendar (CtDateButton *self)
{
  g_return_val_if_fail (CT_IS_DATE_BUTTON (self), NULL);
  return self->calendar;
}

GtkPopover *
ct_date_button_get_popover (CtDateButton *self)
{
  g_return_val_if_fail (CT_IS_DATE_BUTTON (self), NULL);
  return self->popover;
}

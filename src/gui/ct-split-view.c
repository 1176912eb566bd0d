/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-split-view"

#include "config.h"

#include "ct-split-view.h"

/*
 * A sidebar beside a content area that folds into one pane at a time on
 * narrow windows. It is built on AdwLeaflet, the adaptive container of
 * libadwaita 1.2; this class is the one place that knows it, so that moving
 * to AdwNavigationSplitView later touches nothing else.
 */
struct _CtSplitView
{
  AdwBin      parent_instance;

  AdwLeaflet *leaflet;
  GtkWidget  *separator;
  GtkWidget  *sidebar;
  GtkWidget  *content;
};

G_DEFINE_FINAL_TYPE (CtSplitView, ct_split_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SIDEBAR,
  PROP_CONTENT,
  PROP_FOLDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_folded_changed_cb (AdwLeaflet  *leaflet,
                      GParamSpec  *pspec,
                      CtSplitView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}

static void
ct_split_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CtSplitView *self = CT_SPLIT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR:
      g_value_set_object (value, self->sidebar);
      break;

    case PROP_CONTENT:
      g_value_set_object (value, self->content);
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, ct_split_view_get_folded (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_split_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CtSplitView *self = CT_SPLIT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR:
      ct_split_view_set_sidebar (self, g_value_get_object (value));
      break;

    case PROP_CONTENT:
      ct_split_view_set_content (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ct_split_view_class_init (CtSplitViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = ct_split_view_get_property;
  object_class->set_property = ct_split_view_set_property;

  properties[PROP_SIDEBAR] =
    g_param_spec_object ("sidebar", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTENT] =
    g_param_spec_object ("content", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ct_split_view_init (CtSplitView *self)
{
  AdwLeafletPage *page;

  self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  adw_leaflet_set_can_unfold (self->leaflet, TRUE);
  g_signal_connect (self->leaflet, "notify::folded", G_CALLBACK (on_folded_changed_cb), self);

  self->separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_add_css_class (self->separator, "sidebar");
  page = adw_leaflet_append (self->leaflet, self->separator);
  adw_leaflet_page_set_navigatable (page, FALSE);

  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->leaflet));
}

/**
 * ct_split_view_new:
 *
 * Returns: (transfer floating): a new, empty split view.
 */
GtkWidget *
ct_split_view_new (void)
{
  return g_object_new (CT_TYPE_SPLIT_VIEW, NULL);
}

/**
 * ct_split_view_set_sidebar:
 * @self: a #CtSplitView
 * @sidebar: (nullable): the sidebar
 */
void
ct_split_view_set_sidebar (CtSplitView *self,
                           GtkWidget   *sidebar)
{
  g_return_if_fail (CT_IS_SPLIT_VIEW (self));

  if (self->sidebar == sidebar)
    return;

  if (self->sidebar != NULL)
    adw_leaflet_remove (self->leaflet, self->sidebar);

  self->sidebar = sidebar;
  if (sidebar != NULL)
    {
      gtk_widget_set_hexpand (sidebar, FALSE);
      adw_leaflet_prepend (self->leaflet, sidebar);
      /* The separator was the leaflet's first child, and so its visible one:
       * folded, that would fill the window with a blank grey pane. The
       * sidebar is where a folded window starts. */
      if (adw_leaflet_get_visible_child (self->leaflet) == self->separator)
        adw_leaflet_set_visible_child (self->leaflet, sidebar);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDEBAR]);
}

GtkWidget *
ct_split_view_get_sidebar (CtSplitView *self)
{
  g_return_val_if_fail (CT_IS_SPLIT_VIEW (self), NULL);
  return self->sidebar;
}

/**
 * ct_split_view_set_content:
 * @self: a #CtSplitView
 * @content: (nullable): the content
 */
void
ct_split_view_set_content (CtSplitView *self,
                           GtkWidget   *content)
{
  g_return_if_fail (CT_IS_SPLIT_VIEW (self));

  if (self->content == content)
    return;

  if (self->content != NULL)
    adw_leaflet_remove (self->leaflet, self->content);

  self->content = content;
  if (content != NULL)
    {
      gtk_widget_set_hexpand (content, TRUE);
      adw_leaflet_append (self->leaflet, content);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT]);
}

GtkWidget *
ct_split_view_get_content (CtSplitView *self)
{
  g_return_val_if_fail (CT_IS_SPLIT_VIEW (self), NULL);
  return self->content;
}

/**
 * ct_split_view_get_folded:
 * @self: a #CtSplitView
 *
 * Returns: %TRUE when only one pane fits and is shown at a time.
 */
gboolean
ct_split_view_get_folded (CtSplitView *self)
{
  g_return_val_if_fail (CT_IS_SPLIT_VIEW (self), FALSE);
  return adw_leaflet_get_folded (self->leaflet);
}

/**
 * ct_split_view_show_content:
 * @self: a #CtSplitView
 *
 * Shows the content pane; when folded, it replaces the sidebar.
 */
void
ct_split_view_show_content (CtSplitView *self)
{
  g_return_if_fail (CT_IS_SPLIT_VIEW (self));

  if (self->content != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->content);
}

/**
 * ct_split_view_show_sidebar:
 * @self: a #CtSplitView
 *
 * Shows the sidebar; when folded, it replaces the content.
 */
void
ct_split_view_show_sidebar (CtSplitView *self)
{
  g_return_if_fail (CT_IS_SPLIT_VIEW (self));

  if (self->sidebar != NULL)
    adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

/**
 * ct_split_view_get_showing_content:
 * @self: a #CtSplitView
 *
 * Returns: %TRUE if the content pane is the one on screen (always %TRUE
 *   when not folded).
 */
gboolean
ct_split_view_get_showing_content (CtSplitView *self)
{
  g_return_val_if_fail (CT_IS_SPLIT_VIEW (self), FALSE);

  if (!adw_leaflet_get_folded (self->leaflet))
    return TRUE;

  return adw_leaflet_get_visible_child (self->leaflet) == self->content;
}

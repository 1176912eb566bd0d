/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-test-ui"

#include "config.h"

#include "ct-test-ui.h"

static gboolean
on_timeout_elapsed_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * ct_test_ui_spin:
 * @milliseconds: how long to run the main loop
 *
 * Runs the default main context for a while, so that queued work happens.
 */
void
ct_test_ui_spin (guint milliseconds)
{
  gboolean done = FALSE;

  g_timeout_add (milliseconds, on_timeout_elapsed_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  gboolean *painted = user_data;

  *painted = TRUE;
}

/**
 * ct_test_ui_wait_for_frame:
 * @widget: a widget in a window that is being shown
 *
 * Waits until @widget is mapped and its window has painted a frame.
 */
void
ct_test_ui_wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);
}

/**
 * ct_test_ui_screenshot:
 * @widget: a mapped widget
 * @name: file name, without folder
 *
 * Renders @widget as it is on screen into a PNG in the build directory, for
 * people to review.
 */
void
ct_test_ui_screenshot (GtkWidget  *widget,
                       const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* A window that has just been shown, or has just lost a modal dialog,
   * may not have drawn its contents yet: wait for a frame that has them. */
  for (int attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      if (attempt > 0)
        {
          ct_test_ui_spin (100);
          ct_test_ui_wait_for_frame (widget);
        }
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                        &GRAPHENE_RECT_INIT (0, 0, width, height));

  path = g_test_build_filename (G_TEST_BUILT, "screenshots", name, NULL);
  g_mkdir_with_parents (g_test_get_dir (G_TEST_BUILT), 0755);
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_mkdir_with_parents (dir, 0755);
  }
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot written to %s", path);
}

/**
 * ct_test_ui_find_by_type:
 * @root: where to start
 * @type: the type to look for
 *
 * Returns: (transfer none) (nullable): the first widget of @type under @root,
 *   depth first.
 */
GtkWidget *
ct_test_ui_find_by_type (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ct_test_ui_find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * ct_test_ui_find_by_label:
 * @root: where to start
 * @label: an accessible label
 *
 * Finds a widget by its accessible label, the way a screen reader (and the
 * end-to-end test) finds it. The widget itself is tried before its children,
 * because the inner parts of a row may repeat the row's label.
 *
 * Returns: (transfer none) (nullable): the first widget labelled @label under
 *   @root, depth first.
 */
GtkWidget *
ct_test_ui_find_by_label (GtkWidget  *root,
                          const char *label)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
    {
      g_autofree char *mismatch =
        gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL, label);

      if (mismatch == NULL)
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ct_test_ui_find_by_label (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

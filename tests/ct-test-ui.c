/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-test-ui"

#include "config.h"

#include "ct-choice-row.h"
#include "ct-date-button.h"
#include "ct-test-ui.h"
#include "ct-workflow.h"

#include <adwaita.h>
#include <string.h>

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

/**
 * ct_test_ui_find_text:
 * @root: where to start
 * @text: part of a label's text
 *
 * Returns: (transfer none) (nullable): the first label under @root whose
 *   text contains @text.
 */
GtkWidget *
ct_test_ui_find_text (GtkWidget  *root,
                      const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ct_test_ui_find_text (child, text);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * ct_test_ui_wait_for_text:
 * @root: where to look
 * @text: part of a label's text
 *
 * Runs the main loop until a label under @root shows @text; fails the test
 * if none does within 30 seconds.
 */
void
ct_test_ui_wait_for_text (GtkWidget  *root,
                          const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (ct_test_ui_find_text (root, text) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (ct_test_ui_find_text (root, text) == NULL)
    g_error ("No label with “%s” appeared", text);
}

/**
 * ct_test_ui_find_error:
 * @root: where to start
 *
 * Returns: (transfer none) (nullable): the first visible label under @root
 *   shown in the error colour: a form's message saying what went wrong.
 */
GtkWidget *
ct_test_ui_find_error (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "error") &&
      gtk_widget_get_visible (root))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ct_test_ui_find_error (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * ct_test_ui_find_toplevel:
 * @type: a window type
 *
 * Returns: (transfer none) (nullable): a visible toplevel of @type.
 */
GtkWidget *
ct_test_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }

  return NULL;
}

/**
 * ct_test_ui_find_button:
 * @root: where to start
 * @label: the button's accessible name
 *
 * An action row's title label carries the same name as the button that
 * follows it in the row; this finds the button.
 *
 * Returns: (transfer none) (nullable): the button.
 */
GtkWidget *
ct_test_ui_find_button (GtkWidget  *root,
                        const char *label)
{
  GtkWidget *found = ct_test_ui_find_by_label (root, label);

  while (found != NULL && !GTK_IS_BUTTON (found))
    {
      GtkWidget *row = gtk_widget_get_ancestor (found, ADW_TYPE_ACTION_ROW);

      found = row != NULL ? ct_test_ui_find_by_type (row, GTK_TYPE_BUTTON) : NULL;
    }

  return found;
}

/**
 * ct_test_ui_type_into:
 * @root: where to look
 * @label: an entry's or a text view's accessible name
 * @text: what to type
 */
/* Like ct_test_ui_find_by_label(), but only an entry or a text view: a
 * group's title label may carry the same name as the text view below it. */
static GtkWidget *
find_input_by_label (GtkWidget  *root,
                     const char *label)
{
  if ((GTK_IS_EDITABLE (root) || GTK_IS_TEXT_VIEW (root)) &&
      gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
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
      GtkWidget *found = find_input_by_label (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
ct_test_ui_type_into (GtkWidget  *root,
                      const char *label,
                      const char *text)
{
  GtkWidget *entry = find_input_by_label (root, label);

  if (entry != NULL && GTK_IS_TEXT_VIEW (entry))
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (entry)), text, -1);
      return;
    }
  if (entry == NULL || !GTK_IS_EDITABLE (entry))
    g_error ("No text entry labelled “%s”", label);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/**
 * ct_test_ui_choose:
 * @root: where to look
 * @question: a CtChoiceRow's accessible name
 * @answer: the label of the answer to press
 *
 * Presses the answer as a keyboard or screen reader user presses a
 * CtChoiceRow's toggle button.
 */
void
ct_test_ui_choose (GtkWidget  *root,
                   const char *question,
                   const char *answer)
{
  GtkWidget *row = ct_test_ui_find_by_label (root, question);
  GtkWidget *button;

  if (row == NULL)
    g_error ("No question labelled “%s”", question);
  button = ct_test_ui_find_by_label (row, answer);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
}

/**
 * ct_test_ui_wait_result:
 * @slot: where ct_test_ui_on_done_cb() puts the result
 *
 * Runs the main loop until an asynchronous call has finished.
 *
 * Returns: (transfer none): the result
 */
GAsyncResult *
ct_test_ui_wait_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

/**
 * ct_test_ui_on_done_cb:
 * @user_data: a `GAsyncResult **` to store the result in
 *
 * A #GAsyncReadyCallback for ct_test_ui_wait_result().
 */
void
ct_test_ui_on_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/**
 * ct_test_ui_make_record:
 * @kind: the kind of record
 * @...: field names and string values, ending with %NULL
 *
 * Returns: (transfer full): a new record with those fields.
 */
CtRecord *
ct_test_ui_make_record (CtRecordKind kind,
                        ...)
{
  CtRecord *record = ct_record_new (kind);
  va_list args;
  const char *name;

  va_start (args, kind);
  while ((name = va_arg (args, const char *)) != NULL)
    ct_record_set_string (record, name, va_arg (args, const char *));
  va_end (args);

  return record;
}

static gboolean
has_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;

  /* A button is named by the text it shows (GTK makes every button
   * "labelled by" its child, even an icon, so that relation says nothing). */
  if (!GTK_IS_BUTTON (widget))
    return gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                             GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  else
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (label != NULL && *label != '\0' && gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
        return TRUE;
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (ADW_IS_BUTTON_CONTENT (child) && adw_button_content_get_label (ADW_BUTTON_CONTENT (child)) != NULL &&
          *adw_button_content_get_label (ADW_BUTTON_CONTENT (child)) != '\0')
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_EDITABLE (widget) ||
         GTK_IS_TEXT_VIEW (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_DROP_DOWN (widget) || ADW_IS_COMBO_ROW (widget);
}

static void
audit (GtkWidget *widget,
       GString   *problems,
       guint     *n_controls)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return;

  /* The window's own buttons (close, minimise) belong to GTK. */
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;

  if (is_control (widget) && gtk_widget_is_sensitive (widget))
    {
      GtkWidget *focus = widget;

      (*n_controls)++;
      /* A menu button takes the focus with the button inside it. */
      if (GTK_IS_MENU_BUTTON (widget))
        focus = ct_test_ui_find_by_type (widget, GTK_TYPE_BUTTON);
      /* An entry takes the focus with the text inside it. */
      else if (GTK_IS_EDITABLE (widget) && gtk_editable_get_delegate (GTK_EDITABLE (widget)) != NULL)
        focus = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (widget)));
      if (focus == NULL || !gtk_widget_get_focusable (focus))
        g_string_append_printf (problems, "  %s %p cannot take the keyboard focus\n",
                                G_OBJECT_TYPE_NAME (widget), widget);
      if (!has_name (widget))
        g_string_append_printf (problems, "  %s %p (%s) has no accessible name\n",
                                G_OBJECT_TYPE_NAME (widget), widget,
                                gtk_widget_get_tooltip_text (widget) ?: "no tooltip");

      /* An entry's inner text and a menu button's inner button are parts
       * of the same control. */
      if (GTK_IS_EDITABLE (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
          ADW_IS_COMBO_ROW (widget))
        return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit (child, problems, n_controls);
}

/**
 * ct_test_ui_assert_operable:
 * @root: a window or page that is shown
 *
 * Checks that every control under @root that can be used now (buttons,
 * toggles, menu buttons, text entries) can take the keyboard focus and has
 * a name a screen reader can say; fails the test naming each one that
 * cannot.
 *
 * Returns: how many controls were checked
 */
guint
ct_test_ui_assert_operable (GtkWidget *root)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_controls = 0;

  audit (root, problems, &n_controls);
  if (problems->len > 0)
    g_error ("Controls a keyboard or screen reader user could not use:\n%s", problems->str);

  return n_controls;
}

/**
 * ct_test_ui_set_up_office:
 * @path: where to create the database
 *
 * Sets up a database the way the setup assistant does, for Riverside Family
 * Mediation in England: its DSO, Dana Officer, and one local authority,
 * Exampleshire Children’s Services (24 hours to confirm a referral).
 *
 * Returns: (transfer full): the open store
 */
CtStore *
ct_test_ui_set_up_office (const char *path)
{
  g_autoptr(GPtrArray) setup = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  CtRecord *staff;
  CtStore *store;

  g_ptr_array_add (setup, ct_test_ui_make_record (CT_RECORD_KIND_ORGANISATION,
                                                  "name", "Riverside Family Mediation",
                                                  "nation", "england-and-wales", "cutoff", "16:00",
                                                  "dso-name", "Dana Officer", NULL));
  staff = ct_test_ui_make_record (CT_RECORD_KIND_STAFF, "name", "Dana Officer", NULL);
  ct_record_set_boolean (staff, "is-dso", TRUE);
  g_ptr_array_add (setup, staff);
  g_ptr_array_add (setup, ct_test_ui_make_record (CT_RECORD_KIND_AGENCY,
                                                  "name", "Exampleshire Children’s Services",
                                                  "area", "Exampleshire",
                                                  "confirmation-period", "24h", NULL));

  ct_workflow_setup_async (path, setup, NULL, ct_test_ui_on_done_cb, &result);
  store = ct_workflow_setup_finish (ct_test_ui_wait_result (&result), &code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (code);

  return store;
}

/**
 * ct_test_ui_assert_dates_have_calendars:
 * @root: where to start
 *
 * Checks that every entry row asking for a date typed as DD/MM/YYYY has a
 * calendar button for that row.
 *
 * Returns: how many date rows there are
 */
guint
ct_test_ui_assert_dates_have_calendars (GtkWidget *root)
{
  guint n = 0;

  if (ADW_IS_ENTRY_ROW (root) &&
      strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), "DD/MM/YYYY") != NULL)
    {
      GtkWidget *button = ct_test_ui_find_by_type (root, CT_TYPE_DATE_BUTTON);

      if (button == NULL)
        g_error ("The date row “%s” has no calendar",
                 adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)));
      g_assert_true (ct_date_button_get_entry (CT_DATE_BUTTON (button)) == GTK_EDITABLE (root));
      n++;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += ct_test_ui_assert_dates_have_calendars (child);

  return n;
}

/**
 * ct_test_ui_get_label:
 * @widget: a widget
 *
 * GTK 4.8 has no getter for accessible properties, but its test API reports
 * the value that did not match.
 *
 * Returns: (transfer full) (nullable): the accessible label @widget was
 *   given, or %NULL
 */
char *
ct_test_ui_get_label (GtkWidget *widget)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                             GTK_ACCESSIBLE_PROPERTY_LABEL, "\x01");
}

char *
ct_test_ui_get_description (GtkWidget *widget)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION))
    return NULL;
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                             GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "\x01");
}

/* What is read for a widget: its label, or for a button without one the
 * text it shows. */
static char *
get_spoken_name (GtkWidget *widget)
{
  char *label = ct_test_ui_get_label (widget);

  if (label != NULL)
    return label;
  /* A preferences row is labelled by its title. */
  if (ADW_IS_PREFERENCES_ROW (widget))
    return g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (!GTK_IS_BUTTON (widget))
    return NULL;
  if (gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    return g_strdup (gtk_button_get_label (GTK_BUTTON (widget)));
  return NULL;
}

static gboolean
is_row (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  return GTK_IS_LIST_BOX_ROW (widget) || g_str_equal (type, "GtkListItemWidget") ||
         g_str_equal (type, "GtkColumnViewRowWidget");
}

/* "Record the escalation Record the escalation" */
static gboolean
is_doubled (const char *name)
{
  gsize len = strlen (name);
  gsize half = len / 2;

  return len >= 3 && len % 2 == 1 && name[half] == ' ' && strncmp (name, name + half + 1, half) == 0;
}

/* "_Save": an underscore before a letter, at the start of a word. */
static gboolean
has_mnemonic (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '_' && (p == name || p[-1] == ' ') && g_ascii_isalnum (p[1]))
      return TRUE;
  return FALSE;
}

/* Whether the keyboard can reach @widget: it takes the focus, and nothing
 * around it keeps the focus from its children. */
static gboolean
takes_focus (GtkWidget *widget)
{
  if (!gtk_widget_get_focusable (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_can_focus (w))
      return FALSE;

  return TRUE;
}

static void
audit_speech (GtkWidget  *widget,
              const char *focus_name,
              GString    *problems)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);
  g_autofree char *name = NULL;
  gboolean focusable;

  /* What is not on screen (a closed popover, a hidden page) is not read. */
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_WINDOW_CONTROLS (widget))
    return;

  name = get_spoken_name (widget);
  focusable = takes_focus (widget);

  if (is_row (widget) && focusable && (name == NULL || *name == '\0') &&
      !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    g_string_append_printf (problems, "  %s %p in %s is a row that takes the focus with no "
                            "name\n", type, widget,
                            G_OBJECT_TYPE_NAME (gtk_widget_get_parent (gtk_widget_get_parent (widget))));

  if (name != NULL && is_doubled (name))
    g_string_append_printf (problems, "  %s %p is named twice over: \"%s\"\n", type, widget, name);

  if (name != NULL && has_mnemonic (name))
    g_string_append_printf (problems, "  %s %p reads a mnemonic underscore: \"%s\"\n",
                            type, widget, name);

  if (focusable && name != NULL && *name != '\0' && focus_name != NULL &&
      g_str_equal (name, focus_name))
    g_string_append_printf (problems, "  %s %p repeats the name of the row around it: \"%s\"\n",
                            type, widget, name);

  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) == '\0' &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) != GTK_ACCESSIBLE_ROLE_NONE)
    g_string_append_printf (problems, "  %s %p is an empty label on show, read as \"label\"\n",
                            type, widget);

  if (GTK_IS_TOGGLE_BUTTON (widget) && GTK_IS_BOX (gtk_widget_get_parent (widget)))
    {
      GtkWidget *box = gtk_widget_get_parent (widget);
      guint toggles = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        toggles += GTK_IS_TOGGLE_BUTTON (child) && !GTK_IS_MENU_BUTTON (child);

      /* Toggle buttons side by side, of which one is chosen, are a radio
       * group: a screen reader says "radio button, 1 of 2, checked". */
      if (toggles >= 2 || CT_IS_CHOICE_ROW (gtk_widget_get_ancestor (widget, CT_TYPE_CHOICE_ROW)))
        {
          g_autofree char *group_name = ct_test_ui_get_label (box);

          if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) !=
              GTK_ACCESSIBLE_ROLE_RADIO)
            g_string_append_printf (problems, "  %s %p (\"%s\") is one of several answers but is "
                                    "not a radio button\n", type, widget, name ? name : "");
          if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (box)) !=
              GTK_ACCESSIBLE_ROLE_RADIO_GROUP || group_name == NULL || *group_name == '\0')
            g_string_append_printf (problems, "  %s %p holds answers but is not a named radio "
                                    "group\n", G_OBJECT_TYPE_NAME (box), box);
        }
    }

  if (GTK_IS_PICTURE (widget) && gtk_widget_has_css_class (widget, "ct-page"))
    {
      g_autofree char *text = ct_test_ui_get_description (widget);

      if (text == NULL || *g_strstrip (text) == '\0')
        g_string_append_printf (problems, "  %s %p (\"%s\") is a page with no text for a screen "
                                "reader\n", type, widget, name ? name : "");
    }

  if (focusable && is_row (widget) && name != NULL)
    focus_name = name;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit_speech (child, focus_name, problems);
}

/**
 * ct_test_ui_assert_speech:
 * @root: a window or page that is shown
 *
 * Checks what a screen reader would say of what is on screen: every row
 * that takes the focus has a name of its own; no name is said twice,
 * neither within itself ("Save Save") nor by a control and the row around
 * it; no mnemonic underscore is read out ("_Save"); no empty label is shown
 * (it would be read as "label"); answers of which one is chosen are radio
 * buttons in a named radio group; and a previewed page offers its text.
 * Fails the test naming each problem.
 */
void
ct_test_ui_assert_speech (GtkWidget *root)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  audit_speech (root, NULL, problems);
  if (problems->len > 0)
    g_error ("What a screen reader would say wrongly:\n%s", problems->str);
}

/**
 * ct_test_ui_find_by_description:
 * @root: where to start
 * @description: an accessible description
 *
 * Returns: (transfer none) (nullable): the first widget under @root, depth
 *   first, that a screen reader describes as @description
 */
GtkWidget *
ct_test_ui_find_by_description (GtkWidget  *root,
                                const char *description)
{
  g_autofree char *found = ct_test_ui_get_description (root);

  if (g_strcmp0 (found, description) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *widget = ct_test_ui_find_by_description (child, description);

      if (widget != NULL)
        return widget;
    }

  return NULL;
}

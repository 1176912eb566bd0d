/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-document-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-case-documents.h"
#include "ct-alert.h"
#include "ct-document-window.h"
#include "ct-pdf-actions.h"
#include "ct-document-file-name.h"
#include "ct-pdf-preview.h"

/*
 * A stored document, previewed page by page from its kept bytes, with Print,
 * Save and Mark as Sent. Pages are rendered off the main thread. Each page
 * is an image for those who see it and carries the page's text as its
 * accessible description for those who hear it.
 */
struct _CtDocumentWindow
{
  AdwWindow        parent_instance;

  CtRecord        *document;
  CtPdfPreview    *preview;

  GCancellable    *render_cancellable;
  guint            zoom_step;

  AdwToastOverlay *toast_overlay;
  GtkBox          *pages_box;
  GPtrArray       *page_texts;
  GtkButton       *sent_button;
  GtkButton       *zoom_reset_button;
  GtkLabel        *zoom_label;
};

/* Zoom levels the preview steps through; 1.0 shows the page at its printed
 * size on a 96 dpi screen. */
static const double zoom_levels[] = { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0 };
#define ZOOM_DEFAULT_STEP 2
#define SCREEN_PIXELS_PER_POINT (96.0 / 72.0)

G_DEFINE_FINAL_TYPE (CtDocumentWindow, ct_document_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_MARK_SENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (CtDocumentWindow *self,
            const char       *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
on_print_activated_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CtDocumentWindow *self = CT_DOCUMENT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!ct_pdf_print (GTK_WINDOW (self), ct_pdf_preview_get_bytes (self->preview),
                     ct_case_document_get_title (self->document), &error))
    {
      g_autofree char *message =
        g_strdup_printf (_("%s Check the printer and try again, or save it and print the file."),
                         error->message);

      ct_alert_show (GTK_WINDOW (self), _("The Document Could Not Be Printed"), message);
    }
}

static void
on_saved_cb (GFile        *file,
             const GError *error,
             gpointer      user_data)
{
  g_autoptr(CtDocumentWindow) self = user_data;

  if (error != NULL)
    {
      ct_alert_show (GTK_WINDOW (self), _("The Document Was Not Saved"), error->message);
      return;
    }

  {
    g_autofree char *name = g_file_get_basename (file);
    g_autofree char *message = g_strdup_printf (_("Saved as “%s”"), name);

    show_toast (self, message);
  }
}

static void
on_save_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtDocumentWindow *self = CT_DOCUMENT_WINDOW (widget);
  g_autofree char *name = ct_case_document_get_file_name (self->document);

  ct_pdf_save (GTK_WINDOW (self), ct_pdf_preview_get_bytes (self->preview), name, on_saved_cb,
               g_object_ref (self));
}

static void
on_mark_sent_activated_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  CtDocumentWindow *self = CT_DOCUMENT_WINDOW (widget);

  g_signal_emit (self, signals[SIGNAL_MARK_SENT], 0);
}

typedef struct
{
  CtPdfPreview *preview;
  double        scale;
  gboolean      want_text;
} RenderData;

typedef struct
{
  GPtrArray *surfaces;  /* cairo_surface_t, one per page that rendered */
  GPtrArray *texts;     /* (nullable) char *, one per page */
} RenderResult;

static void
render_data_free (RenderData *data)
{
  g_clear_object (&data->preview);
  g_free (data);
}

static void
render_result_free (RenderResult *result)
{
  g_clear_pointer (&result->surfaces, g_ptr_array_unref);
  g_clear_pointer (&result->texts, g_ptr_array_unref);
  g_free (result);
}

static void
render_pages_in_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  RenderData *data = task_data;
  CtPdfPreview *preview = data->preview;
  RenderResult *result = g_new0 (RenderResult, 1);
  g_autoptr(GError) error = NULL;

  result->surfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  /* The text does not change with the zoom: it is read once. */
  if (data->want_text)
    result->texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ct_pdf_preview_get_n_pages (preview); i++)
    {
      cairo_surface_t *surface;

      if (g_cancellable_is_cancelled (cancellable))
        break;

      surface = ct_pdf_preview_render_page (preview, i, data->scale, &error);
      if (surface == NULL)
        {
          g_warning ("Page %u could not be rendered: %s", i + 1, error->message);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (result->surfaces, surface);

      if (result->texts != NULL)
        {
          char *text = ct_pdf_preview_get_page_text (preview, i, &error);

          if (text == NULL)
            {
              g_warning ("The text of page %u could not be read: %s", i + 1, error->message);
              g_clear_error (&error);
            }
          g_ptr_array_add (result->texts, text);
        }
    }

  g_task_return_pointer (task, result, (GDestroyNotify) render_result_free);
}

static void
on_pages_rendered_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CtDocumentWindow) self = user_data;
  RenderResult *rendered = g_task_propagate_pointer (G_TASK (result), NULL);
  GPtrArray *pages;
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  GtkWidget *child;

  /* NULL when cancelled: a newer zoom level is being rendered. */
  if (rendered == NULL)
    return;

  pages = rendered->surfaces;
  if (rendered->texts != NULL && self->page_texts == NULL)
    self->page_texts = g_steal_pointer (&rendered->texts);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_box))) != NULL)
    gtk_box_remove (self->pages_box, child);

  for (guint i = 0; i < pages->len; i++)
    {
      cairo_surface_t *surface = g_ptr_array_index (pages, i);
      int width = cairo_image_surface_get_width (surface);
      int height = cairo_image_surface_get_height (surface);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      g_autofree char *label = g_strdup_printf (_("Page %u of %u"), i + 1, pages->len);
      const char *text = NULL;
      GtkWidget *picture;

      cairo_surface_flush (surface);
      bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                           (gsize) cairo_image_surface_get_stride (surface) * height);
      texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes,
                                        cairo_image_surface_get_stride (surface));

      if (self->page_texts != NULL && i < self->page_texts->len)
        text = g_ptr_array_index (self->page_texts, i);

      picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
      gtk_widget_set_size_request (picture, width / scale_factor, height / scale_factor);
      gtk_widget_add_css_class (picture, "card");
      gtk_widget_add_css_class (picture, "ct-page");
      /* A screen reader says the page's number, then reads what it says. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text ? text : "",
                                      -1);
      gtk_box_append (self->pages_box, picture);
    }

  render_result_free (rendered);
}

static void
start_render (CtDocumentWindow *self)
{
  g_autoptr(GTask) task = NULL;
  RenderData *data;

  /* Only the newest zoom level's pages are shown. */
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();

  data = g_new0 (RenderData, 1);
  data->preview = g_object_ref (self->preview);
  data->want_text = self->page_texts == NULL;
  data->scale = zoom_levels[self->zoom_step] * SCREEN_PIXELS_PER_POINT
                * gtk_widget_get_scale_factor (GTK_WIDGET (self));

  task = g_task_new (NULL, self->render_cancellable, on_pages_rendered_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_render);
  g_task_set_task_data (task, data, (GDestroyNotify) render_data_free);
  g_task_run_in_thread (task, render_pages_in_thread);
}

static void
set_zoom_step (CtDocumentWindow *self,
               guint             step)
{
  g_autofree char *percent = NULL;
  g_autofree char *description = NULL;

  step = MIN (step, G_N_ELEMENTS (zoom_levels) - 1);
  self->zoom_step = step;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "document.zoom-in",
                                 step + 1 < G_N_ELEMENTS (zoom_levels));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "document.zoom-out", step > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "document.zoom-reset",
                                 step != ZOOM_DEFAULT_STEP);

  /* TRANSLATORS: the zoom level of the preview, such as “125%” */
  percent = g_strdup_printf (_("%d%%"), (int) (zoom_levels[step] * 100 + 0.5));
  /* TRANSLATORS: read by screen readers on the zoom button, such as “Zoom level 125%” */
  description = g_strdup_printf (_("Zoom level %s"), percent);
  if (self->zoom_reset_button != NULL)
    {
      gtk_label_set_label (self->zoom_label, percent);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_reset_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
    }

  if (self->preview != NULL)
    start_render (self);
}

static void
on_zoom_activated_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CtDocumentWindow *self = CT_DOCUMENT_WINDOW (widget);

  if (g_str_equal (action_name, "document.zoom-in"))
    {
      if (self->zoom_step + 1 < G_N_ELEMENTS (zoom_levels))
        set_zoom_step (self, self->zoom_step + 1);
    }
  else if (g_str_equal (action_name, "document.zoom-out"))
    {
      if (self->zoom_step > 0)
        set_zoom_step (self, self->zoom_step - 1);
    }
  else if (self->zoom_step != ZOOM_DEFAULT_STEP)
    set_zoom_step (self, ZOOM_DEFAULT_STEP);
}

static void
on_scale_factor_notified_cb (CtDocumentWindow *self)
{
  /* Pages are rendered for the screen's pixels; a new screen needs new ones. */
  if (self->preview != NULL)
    start_render (self);
}

static void
ct_document_window_dispose (GObject *object)
{
  CtDocumentWindow *self = CT_DOCUMENT_WINDOW (object);

  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->document);
  g_clear_object (&self->preview);
  g_clear_pointer (&self->page_texts, g_ptr_array_unref);

  G_OBJECT_CLASS (ct_document_window_parent_class)->dispose (object);
}

static void
ct_document_window_class_init (CtDocumentWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ct_document_window_dispose;

  /**
   * CtDocumentWindow::mark-sent:
   * @self: the window
   *
   * Emitted when the user says the document has been sent.
   */
  signals[SIGNAL_MARK_SENT] =
    g_signal_new ("mark-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ct-document-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CtDocumentWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CtDocumentWindow, pages_box);
  gtk_widget_class_bind_template_child (widget_class, CtDocumentWindow, sent_button);
  gtk_widget_class_bind_template_child (widget_class, CtDocumentWindow, zoom_reset_button);
  gtk_widget_class_bind_template_child (widget_class, CtDocumentWindow, zoom_label);

  gtk_widget_class_install_action (widget_class, "document.print", NULL, on_print_activated_cb);
  gtk_widget_class_install_action (widget_class, "document.save", NULL, on_save_activated_cb);
  gtk_widget_class_install_action (widget_class, "document.mark-sent", NULL,
                                   on_mark_sent_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "document.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "document.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);

  gtk_widget_class_install_action (widget_class, "document.zoom-in", NULL, on_zoom_activated_cb);
  gtk_widget_class_install_action (widget_class, "document.zoom-out", NULL, on_zoom_activated_cb);
  gtk_widget_class_install_action (widget_class, "document.zoom-reset", NULL,
                                   on_zoom_activated_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "document.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "document.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "document.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "document.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "document.zoom-reset", NULL);
}

static void
ct_document_window_init (CtDocumentWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->zoom_step = ZOOM_DEFAULT_STEP;
}

/**
 * ct_document_window_new:
 * @document: a DOCUMENT record with its PDF bytes
 * @error: return location for an error
 *
 * Returns: (transfer full): a window previewing @document, or %NULL if its
 *   bytes are not a readable PDF.
 */
CtDocumentWindow *
ct_document_window_new (CtRecord  *document,
                        GError   **error)
{
  g_autoptr(CtDocumentWindow) self = NULL;
  GBytes *pdf;
  const char *title;

  g_return_val_if_fail (CT_IS_RECORD (document), NULL);

  pdf = ct_record_get_bytes (document, "pdf");
  if (pdf == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This document has no stored file."));
      return NULL;
    }

  self = g_object_new (CT_TYPE_DOCUMENT_WINDOW, NULL);
  title = ct_case_document_get_title (document);
  if (title != NULL)
    gtk_window_set_title (GTK_WINDOW (self), title);
  self->document = g_object_ref (document);
  self->preview = ct_pdf_preview_new (pdf, error);
  if (self->preview == NULL)
    return NULL;

  /* Sending the confirmation of a referral is a step of the procedure;
   * reports are printed or saved. */
  if (ct_record_get_int64 (document, "sent-at", 0) != 0 ||
      (g_strcmp0 (ct_record_get_string (document, "kind"), "referral-confirmation") != 0 &&
       g_strcmp0 (ct_record_get_string (document, "kind"), "referral-pack") != 0))
    gtk_widget_set_visible (GTK_WIDGET (self->sent_button), FALSE);

  set_zoom_step (self, ZOOM_DEFAULT_STEP);
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_notified_cb),
                    NULL);

  return g_steal_pointer (&self);
}

/**
 * ct_document_window_get_page_text:
 * @self: a #CtDocumentWindow
 * @page: page index, from 0
 *
 * Returns: (nullable): the text a screen reader is given for @page, or
 *   %NULL until the pages have been read
 */
const char *
ct_document_window_get_page_text (CtDocumentWindow *self,
                                  guint             page)
{
  g_return_val_if_fail (CT_IS_DOCUMENT_WINDOW (self), NULL);

  if (self->page_texts == NULL || page >= self->page_texts->len)
    return NULL;
  return g_ptr_array_index (self->page_texts, page);
}

/**
 * ct_document_window_get_document:
 * @self: a #CtDocumentWindow
 *
 * Returns: (transfer none): the document shown.
 */
CtRecord *
ct_document_window_get_document (CtDocumentWindow *self)
{
  g_return_val_if_fail (CT_IS_DOCUMENT_WINDOW (self), NULL);
  return self->document;
}

/**
 * ct_document_window_get_n_pages:
 * @self: a #CtDocumentWindow
 *
 * Returns: the number of pages of the document.
 */
guint
ct_document_window_get_n_pages (CtDocumentWindow *self)
{
  g_return_val_if_fail (CT_IS_DOCUMENT_WINDOW (self), 0);
  return ct_pdf_preview_get_n_pages (self->preview);
}

/**
 * ct_document_window_get_zoom:
 * @self: a #CtDocumentWindow
 *
 * Returns: the preview's zoom level, 1.0 being the printed size.
 */
double
ct_document_window_get_zoom (CtDocumentWindow *self)
{
  g_return_val_if_fail (CT_IS_DOCUMENT_WINDOW (self), 1.0);
  return zoom_levels[self->zoom_step];
}

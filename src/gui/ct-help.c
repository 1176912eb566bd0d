/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-help"

#include "config.h"

#include <glib/gi18n.h>

#include "ct-alert.h"
#include "ct-help.h"

/*
 * The user guide is a Mallard document installed for Yelp under the
 * application's id (help/meson.build); a page is opened by its id.
 */

/**
 * ct_help_get_uri:
 * @page: (nullable): a page id of the guide, such as "step-escalated";
 *   %NULL or "index" for its first page
 *
 * Returns: (transfer full): the help: URI that opens @page
 */
char *
ct_help_get_uri (const char *page)
{
  if (page == NULL || *page == '\0' || g_str_equal (page, "index"))
    return g_strdup ("help:" APPLICATION_ID);

  return g_strdup_printf ("help:" APPLICATION_ID "/%s", page);
}

/**
 * ct_help_get_page_for_event:
 * @event: a step of the procedure
 *
 * Returns: (transfer full): the id of the guide's page about @event
 */
char *
ct_help_get_page_for_event (CtEvent event)
{
  return g_strdup_printf ("step-%s", ct_event_to_string (event));
}

static void
on_uri_shown_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (gtk_show_uri_full_finish (parent, result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_debug ("Could not open the user guide: %s", error->message);
  if (gtk_widget_get_mapped (GTK_WIDGET (parent)))
    ct_alert_show (parent, _("The Help Could Not Be Opened"),
                   _("The guide is read with GNOME’s help viewer, Yelp, which did not start. "
                     "Ask whoever looks after this computer to install Yelp, then press F1 "
                     "again. Your records are not affected."));
}

/**
 * ct_help_show:
 * @parent: the window asking
 * @page: (nullable): a page id of the guide, or %NULL for its first page
 *
 * Opens the user guide at @page. If it cannot be opened, @parent says why.
 */
void
ct_help_show (GtkWindow  *parent,
              const char *page)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));

  uri = ct_help_get_uri (page);
  gtk_show_uri_full (parent, uri, GDK_CURRENT_TIME, NULL, on_uri_shown_cb,
                     g_object_ref (parent));
}

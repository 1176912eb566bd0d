/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ct-workflow.h"

G_BEGIN_DECLS

#define CT_TYPE_PREFERENCES_WINDOW (ct_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CtPreferencesWindow, ct_preferences_window, CT, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

CtPreferencesWindow *ct_preferences_window_new               (GSettings            *settings);
CtWorkflow          *ct_preferences_window_get_workflow      (CtPreferencesWindow  *self);
void                 ct_preferences_window_set_workflow      (CtPreferencesWindow  *self,
                                                              CtWorkflow           *workflow);
void                 ct_preferences_window_import_logo_async (CtPreferencesWindow  *self,
                                                              GFile                *file,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean             ct_preferences_window_import_logo_finish (CtPreferencesWindow *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
const char          *ct_preferences_window_get_logo_path     (CtPreferencesWindow  *self);
void                 ct_preferences_window_restore_backup    (CtPreferencesWindow  *self,
                                                              const char           *path);
GtkWidget           *ct_preferences_window_get_members_page  (CtPreferencesWindow  *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CT_TYPE_SETUP_ASSISTANT (ct_setup_assistant_get_type ())

G_DECLARE_FINAL_TYPE (CtSetupAssistant, ct_setup_assistant, CT, SETUP_ASSISTANT, AdwBin)

GtkWidget  *ct_setup_assistant_new                (void);
GPtrArray  *ct_setup_assistant_build_records      (CtSetupAssistant  *self,
                                                   GError           **error);
const char *ct_setup_assistant_get_page           (CtSetupAssistant *self);
gboolean    ct_setup_assistant_can_continue       (CtSetupAssistant *self);
void        ct_setup_assistant_next               (CtSetupAssistant *self);
void        ct_setup_assistant_show_recovery_code (CtSetupAssistant *self,
                                                   const char       *recovery_code,
                                                   const char       *database_id);
void        ct_setup_assistant_creation_failed    (CtSetupAssistant *self,
                                                   const GError     *error);
void        ct_setup_assistant_set_poll_interval  (CtSetupAssistant *self,
                                                   guint             milliseconds);
const char *ct_setup_assistant_get_fingerprint    (CtSetupAssistant *self);

G_END_DECLS

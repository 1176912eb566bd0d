/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "ct-crypto.h"

G_BEGIN_DECLS

typedef enum
{
  CT_KEYRING_STATE_PRESENT,
  CT_KEYRING_STATE_MISSING,
  CT_KEYRING_STATE_LOCKED,
  CT_KEYRING_STATE_NO_SERVICE,
} CtKeyringState;

void            ct_keyring_lock        (void);
void            ct_keyring_unlock      (void);

gboolean        ct_keyring_store_key   (const char   *database_uuid,
                                        const CtKey  *key,
                                        GError      **error);
CtKey          *ct_keyring_lookup_key  (const char   *database_uuid,
                                        GError      **error);
gboolean        ct_keyring_delete_key  (const char   *database_uuid,
                                        GError      **error);
CtKeyringState  ct_keyring_get_state   (const char   *database_uuid);

gboolean        ct_keyring_store_mark  (const char   *database_uuid,
                                        gint64        audit_count,
                                        const guint8 *audit_mac,
                                        gsize         audit_mac_len,
                                        GError      **error);
gboolean        ct_keyring_lookup_mark (const char   *database_uuid,
                                        gboolean     *out_found,
                                        gint64       *out_audit_count,
                                        char        **out_audit_mac_hex,
                                        GError      **error);
gboolean        ct_keyring_delete_mark (const char   *database_uuid,
                                        GError      **error);
guint           ct_keyring_get_mark_writes (void);
const char     *ct_keyring_state_to_string (CtKeyringState state);

gboolean        ct_keyring_store_member_keys  (const char   *public_key_hex,
                                               const CtKey  *box_secret,
                                               const CtKey  *sign_seed,
                                               GError      **error);
gboolean        ct_keyring_lookup_member_keys (const char   *public_key_hex,
                                               CtKey       **out_box_secret,
                                               CtKey       **out_sign_seed,
                                               GError      **error);

G_END_DECLS

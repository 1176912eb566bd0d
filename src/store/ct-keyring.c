/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-keyring"

#include "config.h"

#include "ct-keyring.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "ct-store-error.h"

/*
 * The master key of each database lives in the Secret Service (GNOME
 * Keyring, KWallet…) as one item, found by the database's UUID. Caretrail
 * never asks the keyring to prompt: a locked keyring is reported so the
 * user can unlock it with the tools of their desktop, instead of a dialog
 * appearing from a background thread.
 */

#define ATTRIBUTE_DATABASE "database-uuid"
#define MARK_PREFIX "caretrail-audit-mark-v1"

/* How many times a high-water mark was written, for the tests. */
static guint mark_writes;

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "org.caretrail.Caretrail.MasterKey", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_DATABASE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

/*
 * Beside the key, a second item under a schema of its own holds the
 * database's high-water mark: how many audit entries this computer last
 * saw committed, and the last one's MAC. Both are kept in the item's
 * secret, not in its attributes (which are plaintext): the only attribute
 * is the database's UUID, as for the key.
 */
static const SecretSchema *
get_mark_schema (void)
{
  static const SecretSchema schema = {
    "org.caretrail.Caretrail.AuditMark", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_DATABASE, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

static SecretService *
get_service (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  SecretService *service;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                                     NULL, &local_error);
  if (service == NULL)
    {
      g_debug ("No Secret Service: %s", local_error->message);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE,
                   _("The system keyring is not running, so the safeguarding records cannot be unlocked. Log in to a desktop session with a keyring (such as GNOME Keyring) and try again."));
      return NULL;
    }

  return service;
}

/* The first unlocked item a search found (or %NULL), and whether any was
 * locked; takes the list. */
static SecretItem *
take_unlocked_item (GList    *items,
                    gboolean *out_any_locked)
{
  SecretItem *unlocked = NULL;

  *out_any_locked = FALSE;
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        *out_any_locked = TRUE;
      else if (unlocked == NULL)
        unlocked = g_object_ref (l->data);
    }
  g_list_free_full (items, g_object_unref);
  return unlocked;
}

static GHashTable *
make_attributes (const char *database_uuid)
{
  return secret_attributes_build (get_schema (), ATTRIBUTE_DATABASE, database_uuid, NULL);
}

static GHashTable *
make_mark_attributes (const char *database_uuid)
{
  return secret_attributes_build (get_mark_schema (), ATTRIBUTE_DATABASE, database_uuid, NULL);
}

static gboolean
default_collection_is_locked (SecretService *service)
{
  g_autoptr(SecretCollection) collection = NULL;

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, NULL);
  return collection != NULL && secret_collection_get_locked (collection);
}

static void
set_locked_error (GError **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED,
               _("The keyring that holds the key to the safeguarding records is locked. Unlock it (for example in Passwords and Keys, or by logging in again) and try again."));
}

/**
 * ct_keyring_store_key:
 * @database_uuid: the database the key opens
 * @key: the master key
 * @error: return location for an error
 *
 * Stores @key in the default collection, replacing any key already kept
 * for @database_uuid.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_keyring_store_key (const char   *database_uuid,
                      const CtKey  *key,
                      GError      **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;
  char *text;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!(service = get_service (error)))
    return FALSE;

  if (default_collection_is_locked (service))
    {
      set_locked_error (error);
      return FALSE;
    }

  text = ct_key_to_base64 (key);
  value = secret_value_new (text, -1, "text/plain");
  ct_crypto_free_string (text);

  attributes = make_attributes (database_uuid);
  /* Translators: the label of the key in the user's keyring */
  label = g_strdup_printf (_("Caretrail safeguarding records key (%s)"), database_uuid);

  if (!secret_service_store_sync (service, get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                  label, value, NULL, &local_error))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring refused to store the key to the safeguarding records (%s). Check that the keyring is unlocked and try again."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * ct_keyring_lookup_key:
 * @database_uuid: the database whose key is wanted
 * @error: return location for %CT_STORE_ERROR_NO_SECRET_SERVICE,
 *   %CT_STORE_ERROR_KEYRING_LOCKED or %CT_STORE_ERROR_KEY_MISSING
 *
 * Returns: (transfer full) (nullable): the master key
 */
CtKey *
ct_keyring_lookup_key (const char  *database_uuid,
                       GError     **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *items;
  SecretItem *unlocked = NULL;
  gboolean any_locked = FALSE;
  CtKey *key = NULL;

  g_return_val_if_fail (database_uuid != NULL, NULL);

  if (!(service = get_service (error)))
    return NULL;

  attributes = make_attributes (database_uuid);
  items = secret_service_search_sync (service, get_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not be searched for the key to the safeguarding records (%s)."),
                   local_error->message);
      return NULL;
    }

  unlocked = take_unlocked_item (items, &any_locked);

  if (unlocked == NULL)
    {
      if (any_locked || default_collection_is_locked (service))
        set_locked_error (error);
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING,
                     _("The key to these safeguarding records is no longer in the keyring. Run “caretrail-admin recover” and enter the recovery code to put it back."));
      return NULL;
    }

  if (secret_item_load_secret_sync (unlocked, NULL, &local_error))
    {
      g_autoptr(SecretValue) value = secret_item_get_secret (unlocked);

      if (value != NULL)
        key = ct_key_new_from_base64 (secret_value_get_text (value));
    }
  g_object_unref (unlocked);

  if (key == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_WRONG_KEY,
                   _("The key kept in the keyring for these safeguarding records is damaged. Run “caretrail-admin recover” and enter the recovery code to replace it."));
      return NULL;
    }

  return key;
}

/**
 * ct_keyring_delete_key:
 *
 * Removes the key kept for @database_uuid, if any.
 */
gboolean
ct_keyring_delete_key (const char  *database_uuid,
                       GError     **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(service = get_service (error)))
    return FALSE;

  attributes = make_attributes (database_uuid);
  if (!secret_service_clear_sync (service, get_schema (), attributes, NULL, &local_error) &&
      local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The key could not be removed from the keyring (%s)."), local_error->message);
      return FALSE;
    }

  /* The high-water mark goes with the key. */
  return ct_keyring_delete_mark (database_uuid, error);
}

/**
 * ct_keyring_delete_mark:
 *
 * Removes the high-water mark kept for @database_uuid, if any, as a
 * keyring reset would: the next open takes the file's head as the mark.
 */
gboolean
ct_keyring_delete_mark (const char  *database_uuid,
                        GError     **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(service = get_service (error)))
    return FALSE;

  attributes = make_mark_attributes (database_uuid);
  if (!secret_service_clear_sync (service, get_mark_schema (), attributes, NULL, &local_error) &&
      local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The audit high-water mark could not be removed from the keyring (%s)."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * ct_keyring_get_state:
 *
 * Returns: whether the key for @database_uuid can be read, without
 *   reading it
 */
CtKeyringState
ct_keyring_get_state (const char *database_uuid)
{
  g_autoptr(GError) error = NULL;
  CtKey *key;

  key = ct_keyring_lookup_key (database_uuid, &error);
  if (key != NULL)
    {
      ct_key_free (key);
      return CT_KEYRING_STATE_PRESENT;
    }

  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE))
    return CT_KEYRING_STATE_NO_SERVICE;
  if (g_error_matches (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED))
    return CT_KEYRING_STATE_LOCKED;
  return CT_KEYRING_STATE_MISSING;
}

const char *
ct_keyring_state_to_string (CtKeyringState state)
{
  switch (state)
    {
    case CT_KEYRING_STATE_PRESENT: return _("key present and unlocked");
    case CT_KEYRING_STATE_MISSING: return _("key missing");
    case CT_KEYRING_STATE_LOCKED: return _("keyring locked");
    case CT_KEYRING_STATE_NO_SERVICE: return _("no keyring running");
    default: return "";
    }
}

/**
 * ct_keyring_store_mark:
 * @database_uuid: the database the mark belongs to
 * @audit_count: how many audit entries the database's log holds
 * @audit_mac: the MAC of the last of them
 * @audit_mac_len: the length of @audit_mac
 * @error: return location for an error
 *
 * Keeps the database's high-water mark beside its key, replacing the
 * mark kept before. A file whose sealed audit head is below the mark is
 * older than what this computer last wrote to it.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_keyring_store_mark (const char    *database_uuid,
                       gint64         audit_count,
                       const guint8  *audit_mac,
                       gsize          audit_mac_len,
                       GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) text = g_string_new (MARK_PREFIX);
  g_autofree char *label = NULL;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (audit_mac != NULL || audit_mac_len == 0, FALSE);

  if (!(service = get_service (error)))
    return FALSE;

  if (default_collection_is_locked (service))
    {
      set_locked_error (error);
      return FALSE;
    }

  g_string_append_printf (text, " %" G_GINT64_FORMAT " ", audit_count);
  for (gsize i = 0; i < audit_mac_len; i++)
    g_string_append_printf (text, "%02x", audit_mac[i]);
  value = secret_value_new (text->str, -1, "text/plain");

  attributes = make_mark_attributes (database_uuid);
  /* Translators: the label of an item in the user's keyring */
  label = g_strdup_printf (_("Caretrail audit high-water mark (%s)"), database_uuid);

  if (!secret_service_store_sync (service, get_mark_schema (), attributes,
                                  SECRET_COLLECTION_DEFAULT, label, value, NULL, &local_error))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring refused to store the audit high-water mark of the safeguarding records (%s). Check that the keyring is unlocked and try again."),
                   local_error->message);
      return FALSE;
    }

  g_atomic_int_inc (&mark_writes);
  return TRUE;
}

static gboolean
parse_mark (const char  *text,
            gint64      *out_count,
            char       **out_mac_hex)
{
  g_auto(GStrv) parts = NULL;
  gint64 count;
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, " ", -1);
  if (g_strv_length (parts) != 3 || g_strcmp0 (parts[0], MARK_PREFIX) != 0)
    return FALSE;

  count = g_ascii_strtoll (parts[1], &end, 10);
  if (end == parts[1] || *end != '\0' || count < 0)
    return FALSE;
  for (const char *c = parts[2]; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c) || g_ascii_isupper (*c))
      return FALSE;

  *out_count = count;
  *out_mac_hex = g_strdup (parts[2]);
  return TRUE;
}

/**
 * ct_keyring_lookup_mark:
 * @database_uuid: the database whose mark is wanted
 * @out_found: (out): whether the keyring holds a mark for it
 * @out_audit_count: (out): the audit entry count of the mark
 * @out_audit_mac_hex: (out) (transfer full): the last entry's MAC, in
 *   lower-case hexadecimal
 * @error: return location for an error
 *
 * A keyring made before marks were kept, or reset since, holds none:
 * that is not an error (@out_found is %FALSE). Nor is a mark that cannot
 * be read, which is treated as missing.
 *
 * Returns: %FALSE if the keyring could not be asked
 */
gboolean
ct_keyring_lookup_mark (const char  *database_uuid,
                        gboolean    *out_found,
                        gint64      *out_audit_count,
                        char       **out_audit_mac_hex,
                        GError     **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SecretItem) unlocked = NULL;
  gboolean any_locked = FALSE;
  GList *items;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (out_found != NULL && out_audit_count != NULL && out_audit_mac_hex != NULL, FALSE);

  *out_found = FALSE;
  if (!(service = get_service (error)))
    return FALSE;

  attributes = make_mark_attributes (database_uuid);
  items = secret_service_search_sync (service, get_mark_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not be searched for the audit high-water mark of the safeguarding records (%s)."),
                   local_error->message);
      return FALSE;
    }

  unlocked = take_unlocked_item (items, &any_locked);

  if (unlocked == NULL)
    {
      if (any_locked)
        {
          set_locked_error (error);
          return FALSE;
        }
      return TRUE;
    }

  if (!secret_item_load_secret_sync (unlocked, NULL, &local_error))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not return the audit high-water mark of the safeguarding records (%s)."),
                   local_error->message);
      return FALSE;
    }

  {
    g_autoptr(SecretValue) value = secret_item_get_secret (unlocked);

    if (value != NULL &&
        parse_mark (secret_value_get_text (value), out_audit_count, out_audit_mac_hex))
      *out_found = TRUE;
    else
      g_message ("The audit high-water mark kept for %s cannot be read; it is treated as missing.",
                 database_uuid);
  }

  return TRUE;
}

/**
 * ct_keyring_get_mark_writes:
 *
 * Returns: how many times this process has written a high-water mark;
 *   the tests use it to check that marks are not written per record
 */
guint
ct_keyring_get_mark_writes (void)
{
  return (guint) g_atomic_int_get (&mark_writes);
}

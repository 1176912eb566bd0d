/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-keyring"

#include "config.h"

#include "ct-keyring.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "ct-store-error.h"

/*
 * The master key of each database is kept through libsecret's password
 * API, as one item found by the database's UUID. libsecret picks where it
 * goes:
 *
 * - on a desktop, the Secret Service (GNOME Keyring, KWallet…) over D-Bus;
 * - inside a Flatpak, an encrypted file of the application's own
 *   ($XDG_DATA_HOME/keyrings/default.keyring in the sandbox), whose
 *   password the Secret portal hands out, so the sandbox needs no access to
 *   the Secret Service's bus name. The tests reach the same code with
 *   SECRET_BACKEND=file, SECRET_FILE_TEST_PATH and
 *   SECRET_FILE_TEST_PASSWORD.
 *
 * The portal tells applications apart by opening /proc/PID/root of the
 * caller. The process is made non-dumpable at start-up (see
 * ct_crypto_protect_process()), which denies that to other processes of
 * the same user in the same user namespace; but a Flatpak runs in a user
 * namespace the user owns, and the portal, outside it, holds every
 * capability over it, so the portal still reads the sandbox's root. A
 * non-sandboxed Caretrail does not use the portal for its keyring.
 *
 * Caretrail never asks the keyring to prompt: a locked keyring is reported
 * so the user can unlock it with the tools of their desktop, instead of a
 * dialog appearing from a background thread. libsecret's lookup would ask
 * the Secret Service to unlock a locked item it found, so each lookup
 * first searches without unlocking and stops if only locked items match.
 * The file has no lock of its own, but a password it was not made with
 * opens nothing in it; that is reported as a locked keyring too, and
 * nothing is written to such a file.
 */

#define ATTRIBUTE_DATABASE "database-uuid"
#define MARK_PREFIX "caretrail-audit-mark-v1"

/* How many times a high-water mark was written, for the tests. */
static guint mark_writes;

/*
 * Every call into libsecret in the process holds this lock. The keyring
 * is asked from several threads (each store's worker, which writes the
 * high-water mark; the thread that connects a server watch; the thread
 * that calls the store), and libsecret's file keyring is one object per
 * process whose items are replaced, not locked, on every write: two
 * threads in it at once read items another thread is freeing. Recursive,
 * as the functions below call one another.
 */
static GRecMutex keyring_lock;

/**
 * ct_keyring_lock:
 *
 * Takes the lock every call into libsecret holds, for code outside this
 * file that calls libsecret itself. Release it with ct_keyring_unlock().
 */
void
ct_keyring_lock (void)
{
  g_rec_mutex_lock (&keyring_lock);
}

void
ct_keyring_unlock (void)
{
  g_rec_mutex_unlock (&keyring_lock);
}

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

/* Keyring access {{{ */

/* Where libsecret keeps a file keyring, for messages. */
static char *
get_file_keyring_path (void)
{
  const char *test_path = g_getenv ("SECRET_FILE_TEST_PATH");

  if (test_path != NULL && *test_path != '\0')
    return g_strdup (test_path);
  return g_build_filename (g_get_user_data_dir (), "keyrings", "default.keyring", NULL);
}

/*
 * Whether libsecret's password functions use a file keyring rather than
 * the Secret Service: libsecret chooses the file inside a Flatpak or a
 * Snap (when the Secret portal is there; without it, the Secret Service
 * is tried and cannot be reached from the sandbox), and when
 * SECRET_BACKEND says so.
 */
static gboolean
uses_file_keyring (void)
{
  return g_strcmp0 (g_getenv ("SECRET_BACKEND"), "file") == 0 ||
         g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ||
         g_getenv ("SNAP_NAME") != NULL;
}

static void
set_no_service_error (GError **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE,
               _("The system keyring is not running, so the safeguarding records cannot be unlocked. Log in to a desktop session with a keyring (such as GNOME Keyring) and try again."));
}

static void
set_locked_error (GError **error)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED,
               _("The keyring that holds the key to the safeguarding records is locked. Unlock it (for example in Passwords and Keys, or by logging in again) and try again."));
}

/*
 * Checks that the file keyring opens with its password. Each item is
 * sealed with a key made from the password, and so are its attributes, so
 * with the wrong password a search for the database finds nothing, just as
 * when no key was ever stored; asking for every item tells the two apart.
 * In a Flatpak the file holds Caretrail's items only. The first call also
 * reads the file and asks the portal for its password.
 */
static gboolean
check_file_keyring (GError **error)
{
  g_autoptr(GHashTable) everything = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  GList *items;

  items = secret_password_searchv_sync (NULL, everything, SECRET_SEARCH_ALL, NULL, &local_error);
  g_list_free_full (items, g_object_unref);
  if (local_error == NULL)
    return TRUE;

  g_debug ("The file keyring does not open: %s", local_error->message);
  path = get_file_keyring_path ();
  if (g_error_matches (local_error, SECRET_ERROR, SECRET_ERROR_INVALID_FILE_FORMAT))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                 _("The keyring file “%s” is damaged, so the key to the safeguarding records cannot be read. Nothing has been changed. Move that file aside, start Caretrail again and enter the recovery code to put the key back."),
                 path);
  else if (g_error_matches (local_error, SECRET_ERROR, SECRET_ERROR_PROTOCOL))
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING_LOCKED,
                 _("The keyring file “%s” does not open with the password the desktop gives Caretrail for it, so the key to the safeguarding records cannot be read. Nothing has been changed. If the desktop’s keyring was reset, move that file aside, start Caretrail again and enter the recovery code to put the key back."),
                 path);
  else
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_NO_SECRET_SERVICE,
                 _("The keyring could not be opened through the desktop’s Secret portal (%s), so the safeguarding records cannot be unlocked. Log in to a desktop session with a keyring (such as GNOME Keyring) and try again."),
                 local_error->message);
  return FALSE;
}

static gboolean
default_collection_is_locked (SecretService *service)
{
  g_autoptr(SecretCollection) collection = NULL;

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, NULL);
  return collection != NULL && secret_collection_get_locked (collection);
}

/*
 * Makes sure the keyring libsecret's password functions will use can be
 * reached: the Secret Service is running (it is returned in
 * @out_service), or the file keyring opens (@out_service is %NULL). With
 * @for_writing, also that it can take an item without a prompt: the
 * Secret Service's default collection is unlocked.
 */
static gboolean
open_keyring (gboolean        for_writing,
              SecretService **out_service,
              GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  SecretService *service;

  *out_service = NULL;
  if (uses_file_keyring ())
    return check_file_keyring (error);

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &local_error);
  if (service == NULL)
    {
      g_debug ("No Secret Service: %s", local_error->message);
      set_no_service_error (error);
      return FALSE;
    }

  if (for_writing && default_collection_is_locked (service))
    {
      g_object_unref (service);
      set_locked_error (error);
      return FALSE;
    }

  *out_service = service;
  return TRUE;
}

typedef enum
{
  FIND_NONE,
  FIND_LOCKED,
  FIND_UNLOCKED,
} FindResult;

/*
 * Whether an unlocked item matches, without unlocking anything: a
 * Secret Service search may return several items (one per collection
 * holding the attributes), and libsecret's lookup returns the first
 * unlocked one among them. File keyring items are never locked.
 */
static FindResult
find_items (const SecretSchema  *schema,
            GHashTable          *attributes,
            GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  FindResult found = FIND_NONE;
  GList *items;

  items = secret_password_searchv_sync (schema, attributes, SECRET_SEARCH_ALL, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FIND_NONE;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
        {
          if (found == FIND_NONE)
            found = FIND_LOCKED;
        }
      else
        found = FIND_UNLOCKED;
    }
  g_list_free_full (items, g_object_unref);
  return found;
}

/*
 * The secret stored under @schema and @attributes, in non-pageable memory
 * (free it with secret_password_free()), or %NULL with @out_found saying
 * whether nothing or only locked items matched, or with @error set.
 */
static char *
lookup_secret (const SecretSchema  *schema,
               GHashTable          *attributes,
               FindResult          *out_found,
               GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;

  *out_found = find_items (schema, attributes, &local_error);
  if (*out_found != FIND_UNLOCKED)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  secret = secret_password_lookupv_nonpageable_sync (schema, attributes, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Removed between the search and the lookup. */
  if (secret == NULL)
    *out_found = FIND_NONE;
  return secret;
}

/* }}} */

/*
 * The attributes name the schema as well as the database. The Secret
 * Service matches the schema's name by itself, but libsecret's file
 * keyring (0.20) only matches the attributes it is given: without the
 * name, the key and the high-water mark of one database would be the same
 * item there, and storing the mark would replace the key.
 */
static GHashTable *
make_schema_attributes (const SecretSchema *schema,
                        const char         *database_uuid)
{
  GHashTable *attributes;

  attributes = secret_attributes_build (schema, ATTRIBUTE_DATABASE, database_uuid, NULL);
  g_hash_table_replace (attributes, g_strdup ("xdg:schema"), g_strdup (schema->name));
  return attributes;
}

static GHashTable *
make_attributes (const char *database_uuid)
{
  return make_schema_attributes (get_schema (), database_uuid);
}

static GHashTable *
make_mark_attributes (const char *database_uuid)
{
  return make_schema_attributes (get_mark_schema (), database_uuid);
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;
  char *text;
  gboolean stored;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!open_keyring (TRUE, &service, error))
    return FALSE;

  attributes = make_attributes (database_uuid);
  /* Translators: the label of the key in the user's keyring */
  label = g_strdup_printf (_("Caretrail safeguarding records key (%s)"), database_uuid);

  /* libsecret copies the text into its own non-pageable memory. */
  text = ct_key_to_base64 (key);
  stored = secret_password_storev_sync (get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                        label, text, NULL, &local_error);
  ct_crypto_free_string (text);

  if (!stored)
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  FindResult found;
  char *text;
  CtKey *key;

  g_return_val_if_fail (database_uuid != NULL, NULL);

  if (!open_keyring (FALSE, &service, error))
    return NULL;

  attributes = make_attributes (database_uuid);
  text = lookup_secret (get_schema (), attributes, &found, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not be searched for the key to the safeguarding records (%s)."),
                   local_error->message);
      return NULL;
    }

  if (text == NULL)
    {
      /* A file keyring that does not open was reported by open_keyring(). */
      if (service != NULL &&
          (found == FIND_LOCKED || default_collection_is_locked (service)))
        {
          set_locked_error (error);
          return NULL;
        }

      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEY_MISSING,
                   _("The key to these safeguarding records is no longer in the keyring. Run “caretrail-admin recover” and enter the recovery code to put it back."));
      return NULL;
    }

  key = ct_key_new_from_base64 (text);
  secret_password_free (text);

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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!open_keyring (FALSE, &service, error))
    return FALSE;

  attributes = make_attributes (database_uuid);
  if (!secret_password_clearv_sync (get_schema (), attributes, NULL, &local_error) &&
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!open_keyring (FALSE, &service, error))
    return FALSE;

  attributes = make_mark_attributes (database_uuid);
  if (!secret_password_clearv_sync (get_mark_schema (), attributes, NULL, &local_error) &&
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) text = g_string_new (MARK_PREFIX);
  g_autofree char *label = NULL;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (audit_mac != NULL || audit_mac_len == 0, FALSE);

  if (!open_keyring (TRUE, &service, error))
    return FALSE;

  g_string_append_printf (text, " %" G_GINT64_FORMAT " ", audit_count);
  for (gsize i = 0; i < audit_mac_len; i++)
    g_string_append_printf (text, "%02x", audit_mac[i]);

  attributes = make_mark_attributes (database_uuid);
  /* Translators: the label of an item in the user's keyring */
  label = g_strdup_printf (_("Caretrail audit high-water mark (%s)"), database_uuid);

  if (!secret_password_storev_sync (get_mark_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                    label, text->str, NULL, &local_error))
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
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  FindResult found;
  char *text;

  g_return_val_if_fail (database_uuid != NULL, FALSE);
  g_return_val_if_fail (out_found != NULL && out_audit_count != NULL && out_audit_mac_hex != NULL, FALSE);

  *out_found = FALSE;
  if (!open_keyring (FALSE, &service, error))
    return FALSE;

  attributes = make_mark_attributes (database_uuid);
  text = lookup_secret (get_mark_schema (), attributes, &found, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not return the audit high-water mark of the safeguarding records (%s)."),
                   local_error->message);
      return FALSE;
    }

  if (text == NULL)
    {
      /* Only locked marks: the one that counts may be among them. */
      if (found == FIND_LOCKED)
        {
          set_locked_error (error);
          return FALSE;
        }
      return TRUE;
    }

  if (parse_mark (text, out_audit_count, out_audit_mac_hex))
    *out_found = TRUE;
  else
    g_message ("The audit high-water mark kept for %s cannot be read; it is treated as missing.",
               database_uuid);
  secret_password_free (text);

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

/* Member keys {{{ */

/*
 * A member of an organisation on a server holds two key pairs of their
 * own: an X25519 pair, to which the server seals the organisation's
 * master key, and an Ed25519 pair to sign with. Both secret keys are one
 * item, under a schema of its own; its only attribute is the X25519
 * public key, which the server's members table names, so that the item
 * is found from the table without knowing the database.
 */
#define ATTRIBUTE_PUBLIC_KEY "public-key"

static const SecretSchema *
get_member_schema (void)
{
  static const SecretSchema schema = {
    "org.caretrail.Caretrail.MemberKey", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_PUBLIC_KEY, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  };

  return &schema;
}

static GHashTable *
make_member_attributes (const char *public_key_hex)
{
  const SecretSchema *schema = get_member_schema ();
  GHashTable *attributes;

  attributes = secret_attributes_build (schema, ATTRIBUTE_PUBLIC_KEY, public_key_hex, NULL);
  g_hash_table_replace (attributes, g_strdup ("xdg:schema"), g_strdup (schema->name));
  return attributes;
}

/**
 * ct_keyring_store_member_keys:
 * @public_key_hex: the member's X25519 public key, in hex
 * @box_secret: the X25519 secret key
 * @sign_seed: the seed of the Ed25519 key pair
 * @error: return location for an error
 *
 * Keeps a member's secret keys in the default collection.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_keyring_store_member_keys (const char   *public_key_hex,
                              const CtKey  *box_secret,
                              const CtKey  *sign_seed,
                              GError      **error)
{
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;
  char *box_text;
  char *sign_text;
  char *text;
  gboolean stored;

  g_return_val_if_fail (public_key_hex != NULL && box_secret != NULL && sign_seed != NULL, FALSE);

  if (!open_keyring (TRUE, &service, error))
    return FALSE;

  attributes = make_member_attributes (public_key_hex);
  /* Translators: the label of a member's keys in the user's keyring */
  label = g_strdup_printf (_("Caretrail member keys (%.16s)"), public_key_hex);
  box_text = ct_key_to_base64 (box_secret);
  sign_text = ct_key_to_base64 (sign_seed);
  text = g_strconcat (box_text, ":", sign_text, NULL);
  ct_crypto_free_string (box_text);
  ct_crypto_free_string (sign_text);
  stored = secret_password_storev_sync (get_member_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                        label, text, NULL, &local_error);
  ct_crypto_free_string (text);
  if (!stored)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring refused to store your member keys (%s). Check that the keyring is unlocked and try again."),
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * ct_keyring_lookup_member_keys:
 * @public_key_hex: an X25519 public key, in hex
 * @out_box_secret: (out) (optional): the X25519 secret key, or %NULL if
 *   the keyring holds none for @public_key_hex
 * @out_sign_seed: (out) (optional): the Ed25519 seed, likewise
 * @error: return location for an error
 *
 * Returns: %FALSE if the keyring could not be searched or the item is
 *   damaged; %TRUE otherwise, whether or not the keys were found
 */
gboolean
ct_keyring_lookup_member_keys (const char  *public_key_hex,
                               CtKey      **out_box_secret,
                               CtKey      **out_sign_seed,
                               GError     **error)
{
  G_GNUC_UNUSED g_autoptr(GRecMutexLocker) locker = g_rec_mutex_locker_new (&keyring_lock);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) local_error = NULL;
  FindResult found;
  char *text;
  char *colon;
  CtKey *box = NULL;
  CtKey *sign = NULL;

  if (out_box_secret != NULL)
    *out_box_secret = NULL;
  if (out_sign_seed != NULL)
    *out_sign_seed = NULL;

  if (!open_keyring (FALSE, &service, error))
    return FALSE;

  attributes = make_member_attributes (public_key_hex);
  text = lookup_secret (get_member_schema (), attributes, &found, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_KEYRING,
                   _("The keyring could not be searched for your member keys (%s)."),
                   local_error->message);
      return FALSE;
    }
  if (text == NULL)
    {
      if (service != NULL && (found == FIND_LOCKED || default_collection_is_locked (service)))
        {
          set_locked_error (error);
          return FALSE;
        }
      return TRUE;
    }

  colon = strchr (text, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      box = ct_key_new_from_base64 (text);
      sign = ct_key_new_from_base64 (colon + 1);
    }
  secret_password_free (text);
  if (box == NULL || sign == NULL)
    {
      ct_key_free (box);
      ct_key_free (sign);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_WRONG_KEY,
                   _("Your member keys in the keyring are damaged. Ask another member to remove you, then ask to join again with “caretrail-admin member-request”."));
      return FALSE;
    }

  if (out_box_secret != NULL)
    *out_box_secret = box;
  else
    ct_key_free (box);
  if (out_sign_seed != NULL)
    *out_sign_seed = sign;
  else
    ct_key_free (sign);
  return TRUE;
}

/* }}} */

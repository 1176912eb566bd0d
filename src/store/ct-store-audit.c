/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-store"

#include "config.h"

#include "ct-store-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ct-crypto.h"
#include "ct-keyring.h"
#include "ct-pg-backend.h"
#include "ct-procedure.h"
#include "ct-verify-ledger.h"

#include <sodium.h>

/*
 * The audit log: which ids and actions it may name, its MAC chain and the
 * sealed head over it, the high-water mark kept in the keyring, and verify,
 * which replays the log against every row of the file.
 */

/* Ids and actions the log may name {{{ */

/* Staff ids, audit actions and record ids are stored unencrypted in the
 * audit log, so only opaque tokens are accepted: lower-case letters,
 * digits, "-", "_", ":" and ".", such as a record's UUID. */
static gboolean
is_opaque_token (const char *str)
{
  gsize len = 0;

  if (str == NULL || *str == '\0')
    return FALSE;

  for (const char *p = str; *p != '\0'; p++, len++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) &&
        *p != '-' && *p != '_' && *p != ':' && *p != '.')
      return FALSE;

  return len <= 200;
}

/* A record id is a UUID, as ct_record_new() makes it: nothing typed. */
gboolean
ct_store_priv_is_record_id (const char *str)
{
  return str != NULL && g_uuid_string_is_valid (str) && strlen (str) == 36 &&
         is_opaque_token (str);
}

/* The actions the audit log names come from fixed lists: the procedure's
 * steps, the store's own writes ("create:<kind>", "correct:<kind>",
 * "erase:<kind>", "baseline:<kind>"), and a few named events. Anything
 * else could carry typed text into the plaintext log. */
gboolean
ct_store_priv_is_audit_action (const char *action)
{
  static const char * const fixed[] = {
    "open-case", "open:case", "create-database", "upgrade-audit-log", "backup",
    "restore-backup", "erase-case", "document-sent", NULL
  };
  static const char * const kind_prefixes[] = { "create:", "correct:", "erase:", "baseline:", NULL };
  CtEvent event;
  CtRecordKind kind;

  if (action == NULL)
    return FALSE;
  if (ct_event_from_string (action, &event, NULL) || g_strv_contains (fixed, action))
    return TRUE;
  for (guint i = 0; kind_prefixes[i] != NULL; i++)
    if (g_str_has_prefix (action, kind_prefixes[i]))
      return ct_record_kind_from_string (action + strlen (kind_prefixes[i]), &kind);
  /* A kept document names its kind: lower-case words and hyphens. */
  if (g_str_has_prefix (action, "document-kept:"))
    {
      const char *p = action + strlen ("document-kept:");

      if (*p == '\0' || strlen (p) > 40)
        return FALSE;
      for (; *p != '\0'; p++)
        if (!g_ascii_islower (*p) && *p != '-')
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

gboolean
ct_store_priv_check_staff (const char  *staff_id,
                           GError     **error)
{
  if (staff_id == NULL || *staff_id == '\0')
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("Every change must name the member of staff who made it."));
      return FALSE;
    }

  if (!is_opaque_token (staff_id))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_INVALID,
                   _("A member of staff must be named in the audit log by their record’s id, never by name, because the log is not encrypted."));
      return FALSE;
    }

  return TRUE;
}

/* }}} */

/* Audit chain {{{ */

static void
append_bytes_field (Buf        *buf,
                    GBytes     *bytes)
{
  gsize len = 0;
  const void *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  guint32 be = GUINT32_TO_BE (bytes != NULL ? (guint32)len : G_MAXUINT32);

  buf_append (buf, &be, sizeof be);
  if (len > 0)
    buf_append (buf, data, len);
}

/* The bytes an entry's MAC covers, after the previous entry's MAC.
 * Format 1 entries (before schema 2) are sealed over the columns they
 * had; format 2 entries also over what they wrote; format 3 entries also
 * over the member who wrote them. The inputs cannot be mistaken for one
 * another: after the previous MAC, format 1 has the database's UUID and
 * the others a label of another length, and formats 2 and 3 state their
 * format before the fields that differ. */
static void
audit_entry_bytes (CtStore            *self,
                   const guint8       *previous,
                   const CtAuditEntry *entry,
                   Buf                *buf)
{
  buf_append (buf, previous, CT_MAC_BYTES);
  if (entry->format >= 2)
    append_field (buf, "caretrail-audit-v2");
  append_field (buf, self->database_uuid);
  append_int64 (buf, entry->seq);
  append_int64 (buf, entry->at);
  append_field (buf, entry->staff_id);
  append_field (buf, entry->action);
  append_field (buf, entry->record_id);
  if (entry->format >= 2)
    {
      append_int64 (buf, entry->format);
      append_field (buf, entry->kind);
      append_field (buf, entry->case_id);
      append_int64 (buf, entry->version);
      append_bytes_field (buf, entry->digest);
    }
  if (entry->format >= 3)
    append_field (buf, entry->member_id);
}

void
ct_store_priv_audit_mac (CtStore            *self,
                         const guint8       *previous,
                         const CtAuditEntry *entry,
                         guint8              out[CT_MAC_BYTES])
{
  Buf buf;

  buf_init (&buf);
  audit_entry_bytes (self, previous, entry, &buf);
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, out);
  buf_clear (&buf);
}

/* What a member signs: a label, then the bytes the MAC covers (which
 * begin with the previous entry's MAC, so a signed entry cannot be moved
 * to another place in the chain). The label keeps an entry's signature
 * from being taken for a signature the member makes of anything else. */
#define AUDIT_SIGNATURE_LABEL "caretrail-audit-signature-v1"

static void
audit_signed_bytes (CtStore            *self,
                    const guint8       *previous,
                    const CtAuditEntry *entry,
                    Buf                *buf)
{
  append_field (buf, AUDIT_SIGNATURE_LABEL);
  audit_entry_bytes (self, previous, entry, buf);
}

/* Signs @entry as the store's member; @out is crypto_sign_BYTES long. */
static gboolean
sign_audit_entry (CtStore            *self,
                  const guint8       *previous,
                  const CtAuditEntry *entry,
                  guint8             *out,
                  GError            **error)
{
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  guint8 *secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
  Buf buf;

  if (secret == NULL)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("There is not enough locked memory to sign the change, so nothing was saved."));
      return FALSE;
    }
  crypto_sign_seed_keypair (public_key, secret, self->member_sign_seed->bytes);
  buf_init (&buf);
  audit_signed_bytes (self, previous, entry, &buf);
  crypto_sign_detached (out, NULL, buf.data, buf.len, secret);
  buf_clear (&buf);
  sodium_free (secret);
  return TRUE;
}

static gboolean
check_audit_signature (CtStore            *self,
                       const guint8       *previous,
                       const CtAuditEntry *entry,
                       GBytes             *public_key)
{
  Buf buf;
  gboolean ok;

  if (entry->signature == NULL || g_bytes_get_size (entry->signature) != crypto_sign_BYTES ||
      public_key == NULL || g_bytes_get_size (public_key) != crypto_sign_PUBLICKEYBYTES)
    return FALSE;
  buf_init (&buf);
  audit_signed_bytes (self, previous, entry, &buf);
  ok = crypto_sign_verify_detached (g_bytes_get_data (entry->signature, NULL), buf.data, buf.len,
                                    g_bytes_get_data (public_key, NULL)) == 0;
  buf_clear (&buf);
  return ok;
}

/* Whether this store's entries are signed, and by whom. A file has one
 * desk, whose keyring holds the key every MAC is made with: a signature
 * made with another key from the same keyring would prove nothing the
 * MAC does not, so entries in a file are not signed. On a server every
 * member holds the MAC key, so each signs what they write, and no other
 * member (nor the server, which holds neither) can write in their name.
 * The member is looked up once; a server without members (yet) is asked
 * again at the next write, since the first member may just have been
 * added. */
static gboolean
ensure_signer (CtStore  *self,
               GError  **error)
{
  if (self->member_id != NULL)
    return TRUE;
  return ct_store_priv_find_member_signer (self->backend, &self->member_id, &self->member_sign_seed, error);
}

/* The plaintext settings of the database that no ciphertext binds: its
 * UUID, the installation that made it, when, and the key check, vault and
 * recovery values. The sealed head covers their MAC, so changing any of
 * them is detected before the next write and by verify. */
static const char * const sealed_meta_keys[] = {
  META_UUID, META_INSTALLATION, META_CREATED, META_KEY_CHECK, META_VAULT,
  META_RECOVERY_SALT, META_RECOVERY_OPS, META_RECOVERY_MEM, META_RECOVERY_WRAPPED,
};

gboolean
ct_store_priv_compute_meta_mac (CtStore         *self,
                                CtStoreBackend  *backend,
                                guint8           out[CT_MAC_BYTES],
                                GError         **error)
{
  Buf buf;

  buf_init (&buf);
  append_field (&buf, "caretrail-meta-v1");
  for (guint i = 0; i < G_N_ELEMENTS (sealed_meta_keys); i++)
    {
      g_autoptr(GBytes) value = NULL;
      GError *local_error = NULL;

      value = ct_store_backend_get_meta (backend, sealed_meta_keys[i], &local_error);
      if (local_error != NULL)
        {
          buf_clear (&buf);
          g_propagate_error (error, local_error);
          return FALSE;
        }
      append_field (&buf, sealed_meta_keys[i]);
      append_bytes_field (&buf, value);
    }
  /* The key generation is sealed once there is one: a database never
   * rotated seals what it always did. */
  {
    g_autoptr(GBytes) value = NULL;
    GError *local_error = NULL;

    value = ct_store_backend_get_meta (backend, META_KEY_GENERATION, &local_error);
    if (local_error != NULL)
      {
        buf_clear (&buf);
        g_propagate_error (error, local_error);
        return FALSE;
      }
    if (value != NULL)
      {
        append_field (&buf, META_KEY_GENERATION);
        append_bytes_field (&buf, value);
      }
  }
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, out);
  buf_clear (&buf);
  return TRUE;
}

/* The head of schema 1: the last entry's seq and MAC, sealed. */
static GBytes *
audit_head_value_v1 (CtStore      *self,
                     gint64        seq,
                     const guint8 *mac)
{
  Buf buf;
  guint8 head_mac[CT_MAC_BYTES];
  GBytes *value;

  buf_init (&buf);
  append_field (&buf, "audit-head");
  append_field (&buf, self->database_uuid);
  append_int64 (&buf, seq);
  buf_append (&buf, mac, CT_MAC_BYTES);
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, head_mac);
  buf_clear (&buf);

  append_int64 (&buf, seq);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, head_mac, CT_MAC_BYTES);
  value = g_bytes_new (buf.data, buf.len);
  buf_clear (&buf);
  return value;
}

#define HEAD_V2_MAGIC "CTH2"
#define HEAD_V2_SIZE (4 + 8 + CT_MAC_BYTES + CT_MAC_BYTES)

/* The head kept in meta: how many entries the log holds, the last one's
 * MAC and the MAC of the sealed settings, all sealed. So removing entries
 * from the end of the log, or the whole log, or changing a setting, is
 * detected before the next write. */
static GBytes *
audit_head_value (CtStore      *self,
                  gint64        count,
                  const guint8 *mac,
                  const guint8 *meta_mac)
{
  Buf buf;
  guint8 head_mac[CT_MAC_BYTES];
  GBytes *value;

  buf_init (&buf);
  append_field (&buf, "audit-head-v2");
  append_field (&buf, self->database_uuid);
  append_int64 (&buf, count);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, meta_mac, CT_MAC_BYTES);
  ct_crypto_hmac_prepared (self->keys.audit_hmac, buf.data, buf.len, head_mac);
  buf_clear (&buf);

  buf_append (&buf, HEAD_V2_MAGIC, 4);
  append_int64 (&buf, count);
  buf_append (&buf, mac, CT_MAC_BYTES);
  buf_append (&buf, head_mac, CT_MAC_BYTES);
  value = g_bytes_new (buf.data, buf.len);
  buf_clear (&buf);
  return value;
}

/* Reads the sealed head. Returns FALSE with @problem set if it is
 * missing or its seal does not hold; a schema 1 head (which does not seal
 * the settings) is accepted only when @last_format says the log ends with
 * an entry written before schema 2. */
gboolean
ct_store_priv_read_sealed_head (CtStore       *self,
                                GBytes        *value,
                                const guint8  *meta_mac,
                                int            last_format,
                                gint64        *out_count,
                                guint8         out_mac[CT_MAC_BYTES],
                                const char   **problem)
{
  gsize len = 0;
  const guint8 *data = value != NULL ? g_bytes_get_data (value, &len) : NULL;
  g_autoptr(GBytes) expected = NULL;
  guint64 be;

  if (value == NULL)
    {
      *problem = N_("its seal is missing");
      return FALSE;
    }

  if (len == HEAD_V2_SIZE && memcmp (data, HEAD_V2_MAGIC, 4) == 0)
    {
      memcpy (&be, data + 4, sizeof be);
      *out_count = (gint64)GUINT64_FROM_BE (be);
      memcpy (out_mac, data + 12, CT_MAC_BYTES);
      expected = audit_head_value (self, *out_count, out_mac, meta_mac);
    }
  else if (len == 8 + 2 * CT_MAC_BYTES && last_format < 2)
    {
      memcpy (&be, data, sizeof be);
      *out_count = (gint64)GUINT64_FROM_BE (be);
      memcpy (out_mac, data + 8, CT_MAC_BYTES);
      expected = audit_head_value_v1 (self, *out_count, out_mac);
    }

  if (expected == NULL || !g_bytes_equal (expected, value))
    {
      *problem = N_("its seal, or a setting it covers such as the installation or the creation time, has been altered");
      return FALSE;
    }

  return TRUE;
}

/* @detail is translated already. */
static void
set_seal_broken (GError     **error,
                 const char  *detail)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The audit log does not match its seal (%s), so nothing was saved. The file may have been tampered with or damaged. Run “caretrail-admin verify”, then restore the database from a backup and report this to your Designated Safeguarding Officer."),
               detail);
}

/* Before the first append of a transaction (which holds the write lock,
 * so no other process can append meanwhile): the sealed head must name
 * the log's actual last entry and count. This reads the head, the last
 * entry and the count, never the whole chain.
 *
 * Counting the log costs time in proportion to its length, so it is done
 * once per connection and again whenever anything but this connection has
 * committed to the file since (SQLite's data_version tells): between two
 * of our own transactions the log and its head are exactly what this
 * connection wrote, which it knows already. A rolled-back or failed
 * transaction forgets what it knew (ct_store_priv_txn_finish()). */
static gboolean
load_audit_head (CtStore  *self,
                 GError  **error)
{
  g_autoptr(CtAuditEntry) last = NULL;
  g_autoptr(GBytes) head_value = NULL;
  GError *local_error = NULL;
  const char *problem = NULL;
  guint8 sealed_mac[CT_MAC_BYTES];
  gint64 sealed_count = 0;
  gint64 count;
  gint64 data_version;

  data_version = ct_store_backend_get_data_version (self->backend, error);
  if (data_version < 0 && data_version != CT_STORE_BACKEND_DATA_VERSION_UNKNOWN)
    return FALSE;

  /* A backend that cannot tell whether another connection wrote is
   * checked afresh in every transaction, as it always was. */
  if (self->audit_cached && data_version == self->audit_data_version &&
      (data_version != CT_STORE_BACKEND_DATA_VERSION_UNKNOWN || self->audit_head_dirty))
    return TRUE;
  self->audit_cached = FALSE;
  self->audit_data_version = data_version;

  last = ct_store_backend_get_audit_head (self->backend, &local_error);
  if (local_error == NULL)
    head_value = ct_store_backend_get_meta (self->backend, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  /* A database being created has neither a log nor a head yet. */
  if (self->creating && last == NULL && head_value == NULL)
    {
      self->audit_seq = 0;
      memset (self->audit_mac, 0, CT_MAC_BYTES);
      self->audit_cached = TRUE;
      return TRUE;
    }

  if (!ct_store_priv_read_sealed_head (self, head_value, self->meta_mac, last != NULL ? last->format : 2,
                                       &sealed_count, sealed_mac, &problem))
    {
      set_seal_broken (error, _(problem));
      return FALSE;
    }

  count = ct_store_backend_count_audit (self->backend, error);
  if (count < 0)
    return FALSE;

  if (last == NULL || count != sealed_count || last->seq != sealed_count)
    {
      g_autofree char *detail = g_strdup_printf (_("the seal counts %" G_GINT64_FORMAT " entries, the log holds %" G_GINT64_FORMAT " ending at entry %" G_GINT64_FORMAT),
                                                 sealed_count, count, last != NULL ? last->seq : 0);

      set_seal_broken (error, detail);
      return FALSE;
    }

  if (g_bytes_get_size (last->mac) != CT_MAC_BYTES ||
      !ct_crypto_equal (sealed_mac, g_bytes_get_data (last->mac, NULL), CT_MAC_BYTES))
    {
      set_seal_broken (error, _("its last entry is not the one sealed"));
      return FALSE;
    }

  self->audit_seq = last->seq;
  memcpy (self->audit_mac, sealed_mac, CT_MAC_BYTES);
  self->audit_cached = TRUE;
  return TRUE;
}

gboolean
ct_store_priv_append_audit_full (CtStore             *self,
                                 const char          *staff_id,
                                 const char          *action,
                                 const char          *record_id,
                                 const AuditSubject  *subject,
                                 GError             **error)
{
  guint8 mac[CT_MAC_BYTES];
  guint8 signature[crypto_sign_BYTES];
  GBytes *mac_bytes;
  GBytes *digest_bytes = NULL;
  GBytes *signature_bytes = NULL;
  CtAuditEntry entry = { 0 };
  gboolean ok;

  if (!load_audit_head (self, error) || !ensure_signer (self, error))
    return FALSE;

  /* The entry borrows its strings: it only lives for this call. */
  entry.seq = self->audit_seq + 1;
  entry.at = g_get_real_time ();
  entry.staff_id = (char *) staff_id;
  entry.action = (char *) action;
  entry.record_id = (char *) record_id;
  entry.format = 2;
  if (subject != NULL)
    {
      entry.kind = (char *) ct_record_kind_to_string (subject->kind);
      entry.case_id = (char *) subject->case_id;
      entry.version = subject->version;
      if (subject->digest != NULL)
        digest_bytes = g_bytes_new_static (subject->digest, CT_DIGEST_BYTES);
      entry.digest = digest_bytes;
    }
  if (self->member_id != NULL)
    {
      entry.format = 3;
      entry.member_id = self->member_id;
      if (!sign_audit_entry (self, self->audit_mac, &entry, signature, error))
        {
          g_clear_pointer (&digest_bytes, g_bytes_unref);
          return FALSE;
        }
      signature_bytes = g_bytes_new_static (signature, sizeof signature);
      entry.signature = signature_bytes;
    }
  ct_store_priv_audit_mac (self, self->audit_mac, &entry, mac);
  mac_bytes = g_bytes_new_static (mac, sizeof mac);
  entry.mac = mac_bytes;

  ok = ct_store_backend_append_audit (self->backend, &entry, error);
  g_bytes_unref (mac_bytes);
  g_clear_pointer (&digest_bytes, g_bytes_unref);
  g_clear_pointer (&signature_bytes, g_bytes_unref);
  if (!ok)
    {
      self->audit_cached = FALSE;
      return FALSE;
    }

  self->audit_seq = entry.seq;
  memcpy (self->audit_mac, mac, CT_MAC_BYTES);
  self->audit_head_dirty = TRUE;
  return TRUE;
}

gboolean
ct_store_priv_append_audit (CtStore     *self,
                            const char  *staff_id,
                            const char  *action,
                            const char  *record_id,
                            GError     **error)
{
  return ct_store_priv_append_audit_full (self, staff_id, action, record_id, NULL, error);
}

/* The sealed head is written once, just before the transaction commits. */
gboolean
ct_store_priv_flush_audit_head (CtStore  *self,
                                GError  **error)
{
  g_autoptr(GBytes) head_value = NULL;

  if (!self->audit_head_dirty)
    return TRUE;

  head_value = audit_head_value (self, self->audit_seq, self->audit_mac, self->meta_mac);
  if (!ct_store_backend_set_meta (self->backend, META_AUDIT_HEAD, head_value, error))
    return FALSE;

  self->audit_head_dirty = FALSE;
  return TRUE;
}

/* }}} */

/* High-water mark {{{ */

/*
 * The sealed head proves the log and the records agree with each other,
 * but a whole older copy of the file agrees with itself too. So the
 * keyring, beside the key, keeps the last head this computer committed:
 * a file whose head is below it (or at the same entry, but a different
 * one) is an old copy put back, and is refused when it opens. Restore
 * moves the mark on purpose.
 *
 * The mark is written from the worker thread at most once per
 * MARK_INTERVAL_USEC while records are written, and when the store
 * closes, not once per record.
 */

char *
ct_store_priv_mac_to_hex (const guint8 *mac)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (mac, CT_MAC_BYTES);

  return bytes_to_hex (bytes);
}

gboolean
ct_store_priv_write_mark (CtStore  *self,
                          GError  **error)
{
  /* Even a refusal waits for the next interval, so a locked keyring does
   * not cost a call per record. */
  self->mark_written_at = g_get_monotonic_time ();
  if (!ct_keyring_store_mark (self->database_uuid, self->mark_seq, self->mark_mac,
                              CT_MAC_BYTES, error))
    return FALSE;

  self->mark_dirty = FALSE;
  return TRUE;
}

/* Best effort: the records are saved whatever the keyring says. A mark
 * left behind only means that putting back a copy made since it goes
 * unnoticed. */
void
ct_store_priv_flush_mark (CtStore  *self,
                          gboolean  force)
{
  g_autoptr(GError) error = NULL;

  if (!self->mark_dirty || self->database_uuid == NULL)
    return;
  if (!force && g_get_monotonic_time () - self->mark_written_at < MARK_INTERVAL_USEC)
    return;

  if (!ct_store_priv_write_mark (self, &error))
    g_message ("The audit high-water mark of %s was not updated: %s",
               self->database_uuid, error->message);
}

/* After a commit that appended to the log. */
void
ct_store_priv_note_committed_head (CtStore *self)
{
  self->mark_seq = self->audit_seq;
  memcpy (self->mark_mac, self->audit_mac, CT_MAC_BYTES);
  self->mark_known = TRUE;
  self->mark_dirty = TRUE;
  ct_store_priv_flush_mark (self, FALSE);
}

/* }}} */

/* Verify {{{ */

#define MAX_PROBLEMS_SHOWN 20

/* Verify reads every row of a file that can hold a hundred thousand cases,
 * so what it holds does not grow with the file: what the audit log wrote
 * is kept on disk (a CtVerifyLedger), the rows are read one at a time
 * through a small page cache, and one case key is unwrapped at a time. */
typedef struct
{
  CtStore *self;
  CtStoreVerifyStats *stats;
  guint8 previous[CT_MAC_BYTES];
  gint64 expected_seq;
  int last_format;
  /* Whether the log says what its entries wrote (any format 2 entry), so
   * that the records can be matched against it. */
  gboolean replaying;
  /* What each entry wrote: which versions of which records, and their
   * digests. */
  CtVerifyLedger *ledger;
  GPtrArray *problems;
  guint n_problems;
  /* The key of the case whose rows are being read, unless the store holds
   * it already; wiped when a row of another case comes. */
  char *case_key_id;
  CtKey *case_key;
  /* The record whose history is being walked, newest version first: what
   * the log wrote of it, and the version seen last and when it was
   * written, which is when the version before it was replaced. */
  CtRecordKind history_kind;
  char *history_id;
  gboolean history_found;
  CtVerifyLedgerRecord history_record;
  gint64 next_version;
  gint64 next_updated_at;
  /* The members the log has added (id -> 1) and removed (id -> seq of
   * the entry that removed them), and each one's signing key as the
   * database keeps it. Once an entry is signed, every later one must be
   * on a server. */
  GHashTable *members;
  GHashTable *sign_keys;
  gint64 first_signed_seq;
} Verify;

static void
verify_clear (Verify *v)
{
  g_clear_pointer (&v->members, g_hash_table_unref);
  g_clear_pointer (&v->sign_keys, g_hash_table_unref);
  g_clear_pointer (&v->case_key, ct_key_free);
  g_clear_pointer (&v->case_key_id, g_free);
  g_clear_pointer (&v->history_id, g_free);
  ct_verify_ledger_record_clear (&v->history_record);
}

static void
add_problem (Verify     *v,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (Verify     *v,
             const char *format,
             ...)
{
  va_list args;

  v->n_problems++;
  if (v->problems->len >= MAX_PROBLEMS_SHOWN)
    return;
  va_start (args, format);
  g_ptr_array_add (v->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The case a record belongs to, for a message: a case is its own. */
static const char *
case_label (CtRecordKind  kind,
            const char   *id,
            const char   *case_id)
{
  if (case_id == NULL && kind == CT_RECORD_KIND_CASE)
    return id;
  return case_id != NULL ? case_id : _("none");
}

/* Replays one format 2 entry: a write sets what a version of a record must
 * be; an erasure removes the record and its history. */
static gboolean
replay_entry (Verify              *v,
              const CtAuditEntry  *entry,
              GError             **error)
{
  CtRecordKind kind;

  if (entry->kind == NULL)
    return TRUE;

  if (!ct_record_kind_from_string (entry->kind, &kind) || entry->record_id == NULL)
    {
      add_problem (v, _("audit entry %" G_GINT64_FORMAT " names a record Caretrail does not know (“%s”)"),
                   entry->seq, entry->kind);
      return TRUE;
    }

  if (entry->digest == NULL)
    return ct_verify_ledger_erase (v->ledger, kind, entry->record_id, error);

  if (entry->version < 1 || entry->version > G_MAXINT32 ||
      g_bytes_get_size (entry->digest) != CT_DIGEST_BYTES)
    {
      add_problem (v, _("audit entry %" G_GINT64_FORMAT " is malformed"), entry->seq);
      return TRUE;
    }

  return ct_verify_ledger_write (v->ledger, kind, entry->record_id, entry->case_id, entry->version,
                                 g_bytes_get_data (entry->digest, NULL), entry->seq, error);
}

static void
set_signature_broken (GError            **error,
                      const CtAuditEntry *entry,
                      const char         *detail)
{
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
               _("The audit log has been altered: entry %" G_GINT64_FORMAT " (%s) %s. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
               entry->seq, entry->action != NULL ? entry->action : "?", detail);
}

/* A signed entry (format 3) must be signed, over the bytes its MAC covers
 * and the previous entry's MAC, by the member it names, with the key the
 * database keeps for that id (whose hash the id is); that member must have
 * been added by an entry before it (the first member's own entry adds
 * them) and not removed since. After the first signed entry, a server's
 * entries must all be signed: a member, who holds the MAC key, could
 * otherwise write unsigned entries in nobody's name. A file copied from a
 * server goes on unsigned, on the desk that holds it. */
static gboolean
verify_signer (Verify              *v,
               const CtAuditEntry  *entry,
               GError             **error)
{
  CtStore *self = v->self;
  gboolean adds = g_strcmp0 (entry->action, "add-member") == 0 ||
                  g_strcmp0 (entry->action, "approve-member") == 0;
  gpointer removed_at = NULL;
  GBytes *public_key;

  if (entry->format < 3)
    {
      if (v->first_signed_seq > 0 && CT_IS_PG_BACKEND (self->backend))
        {
          set_signature_broken (error, entry, _("is not signed, although the entries before it are"));
          return FALSE;
        }
      return TRUE;
    }

  if (entry->member_id == NULL || *entry->member_id == '\0')
    {
      set_signature_broken (error, entry, _("names no member"));
      return FALSE;
    }

  if (v->members == NULL)
    {
      v->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      v->sign_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
    }

  /* The first signed entry adds its own signer. */
  if (v->first_signed_seq == 0 && g_hash_table_size (v->members) == 0 && adds &&
      g_strcmp0 (entry->record_id, entry->member_id) == 0)
    g_hash_table_insert (v->members, g_strdup (entry->member_id), GINT_TO_POINTER (-1));

  if (!g_hash_table_lookup_extended (v->members, entry->member_id, NULL, &removed_at))
    {
      g_autofree char *detail = g_strdup_printf (_("is signed by %s, whom no entry before it added as a member"),
                                                 entry->member_id);

      set_signature_broken (error, entry, detail);
      return FALSE;
    }
  if (GPOINTER_TO_INT (removed_at) > 0)
    {
      g_autofree char *detail = g_strdup_printf (_("is signed by %s, who had been removed as a member by entry %d"),
                                                 entry->member_id, GPOINTER_TO_INT (removed_at));

      set_signature_broken (error, entry, detail);
      return FALSE;
    }

  public_key = g_hash_table_lookup (v->sign_keys, entry->member_id);
  if (public_key == NULL)
    {
      GError *local_error = NULL;

      public_key = ct_store_priv_lookup_member_sign_key (self->backend, entry->member_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (public_key == NULL)
        {
          g_autofree char *detail = g_strdup_printf (_("is signed by %s, whose public key the database does not hold"),
                                                     entry->member_id);

          set_signature_broken (error, entry, detail);
          return FALSE;
        }
      g_hash_table_insert (v->sign_keys, g_strdup (entry->member_id), public_key);
    }

  if (!check_audit_signature (self, v->previous, entry, public_key))
    {
      g_autofree char *detail = g_strdup_printf (_("does not carry the signature of %s, the member it names: it has been altered or forged"),
                                                 entry->member_id);

      set_signature_broken (error, entry, detail);
      return FALSE;
    }

  if (v->first_signed_seq == 0)
    v->first_signed_seq = entry->seq;
  v->stats->signed_entries++;

  if (adds && entry->record_id != NULL)
    g_hash_table_insert (v->members, g_strdup (entry->record_id), GINT_TO_POINTER (-1));
  else if (g_strcmp0 (entry->action, "remove-member") == 0 && entry->record_id != NULL &&
           entry->seq <= G_MAXINT)
    g_hash_table_insert (v->members, g_strdup (entry->record_id), GINT_TO_POINTER ((int) entry->seq));
  return TRUE;
}

static gboolean
verify_entry_cb (const CtAuditEntry  *entry,
                 gpointer             user_data,
                 GError             **error)
{
  Verify *v = user_data;
  CtStore *self = v->self;
  guint8 mac[CT_MAC_BYTES];

  if (entry->seq != v->expected_seq)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: entry %" G_GINT64_FORMAT " is missing (the next entry is %" G_GINT64_FORMAT "). Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   v->expected_seq, entry->seq);
      return FALSE;
    }

  ct_store_priv_audit_mac (self, v->previous, entry, mac);
  if (g_bytes_get_size (entry->mac) != CT_MAC_BYTES ||
      !ct_crypto_equal (mac, g_bytes_get_data (entry->mac, NULL), CT_MAC_BYTES) ||
      (entry->format < 2 && v->last_format >= 2))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: entry %" G_GINT64_FORMAT " (%s) does not match its seal. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   entry->seq, entry->action != NULL ? entry->action : "?");
      return FALSE;
    }

  if (!verify_signer (v, entry, error))
    return FALSE;

  memcpy (v->previous, mac, CT_MAC_BYTES);
  v->expected_seq++;
  v->last_format = entry->format;
  v->stats->audit_entries++;

  if (entry->format < 2)
    {
      v->stats->legacy_entries++;
      return TRUE;
    }

  v->replaying = TRUE;
  return replay_entry (v, entry, error);
}

/* Checks the chain entry by entry (streamed), replays what the entries
 * wrote, and checks the sealed head against the chain's end and the
 * settings as they are in the file now. */
static gboolean
verify_audit (Verify  *v,
              GError **error)
{
  CtStore *self = v->self;
  g_autoptr(GBytes) head_value = NULL;
  GError *local_error = NULL;
  const char *problem = NULL;
  guint8 meta_mac[CT_MAC_BYTES];
  guint8 sealed_mac[CT_MAC_BYTES];
  gint64 sealed_count = 0;
  gint64 count;

  v->expected_seq = 1;
  if (!ct_store_backend_foreach_audit (self->backend, verify_entry_cb, v, error))
    return FALSE;
  count = v->expected_seq - 1;

  head_value = ct_store_backend_get_meta (self->backend, META_AUDIT_HEAD, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (!ct_store_priv_compute_meta_mac (self, self->backend, meta_mac, error))
    return FALSE;

  if (!ct_store_priv_read_sealed_head (self, head_value, meta_mac, count > 0 ? v->last_format : 2,
                                       &sealed_count, sealed_mac, &problem))
    {
      if (count == 0 && head_value == NULL)
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                     _("The audit log has been altered: it is empty and its seal is missing, so the whole log has been removed. Restore the database from a backup and report this to your Designated Safeguarding Officer."));
      else
        g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                     _("The audit log has been altered: %s. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                     _(problem));
      return FALSE;
    }

  if (sealed_count != count ||
      (count > 0 && !ct_crypto_equal (sealed_mac, v->previous, CT_MAC_BYTES)))
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("The audit log has been altered: its seal counts %" G_GINT64_FORMAT " entries, but the log ends after entry %" G_GINT64_FORMAT ", so entries have been removed from its end. Restore the database from a backup and report this to your Designated Safeguarding Officer."),
                   sealed_count, count);
      return FALSE;
    }

  return TRUE;
}

/* The key to decrypt @row with. A case key the store holds is used as it
 * is; any other is unwrapped for this row and kept only until a row of
 * another case comes, so that verify never holds every case key at once.
 * The rows of a case are mostly stored together, so most rows need no
 * unwrapping. */
static const CtKey *
verify_key_for_row (Verify            *v,
                    const CtStoreRow  *row,
                    GError           **error)
{
  CtStore *self = v->self;
  const char *case_id = ct_store_priv_row_case_key_id (row);
  GError *local_error = NULL;
  CtKey *key;

  if (row->kind == CT_RECORD_KIND_ALLEGATION)
    return self->keys.vault;
  if (case_id == NULL)
    return self->keys.general;

  key = g_hash_table_lookup (self->keys.case_keys, case_id);
  if (key != NULL)
    return key;
  if (v->case_key != NULL && g_str_equal (v->case_key_id, case_id))
    return v->case_key;

  g_clear_pointer (&v->case_key, ct_key_free);
  g_clear_pointer (&v->case_key_id, g_free);
  key = ct_store_priv_read_case_key (self, case_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (key == NULL)
    {
      ct_store_priv_set_case_key_missing (error, case_id);
      return NULL;
    }

  v->case_key = key;
  v->case_key_id = g_strdup (case_id);
  return key;
}

/* Authenticates @row and returns its record; takes the row's strings. */
static CtRecord *
verify_decrypt_row (Verify      *v,
                    CtStoreRow  *row,
                    GError     **error)
{
  const CtKey *key = verify_key_for_row (v, row, error);

  if (key == NULL)
    return NULL;
  return ct_store_priv_decrypt_row_with_key (v->self, row, key, error);
}

static gboolean
verify_row_cb (CtStoreRow  *row,
               const char  *stored_kind,
               gint64       replaced_at,
               gpointer     user_data,
               GError     **error)
{
  Verify *v = user_data;
  g_autoptr(CtRecord) record = NULL;
  g_autofree char *id = g_strdup (row->id);
  g_autofree char *case_id = g_strdup (row->case_id);
  CtRecordKind row_kind = row->kind;
  const char *kind = ct_record_kind_to_string (row_kind);
  guint8 digest[CT_DIGEST_BYTES];
  gint64 version = row->version;
  gint64 updated_at = row->updated_at;
  CtVerifyLedgerRecord e;
  gboolean found;

  ct_store_priv_digest_row (v->self, row, digest);
  /* Authenticates the ciphertext with its associated data; takes the
   * row's strings. */
  record = verify_decrypt_row (v, row, error);
  if (record == NULL)
    return FALSE;
  v->stats->records++;

  if (!v->replaying)
    return TRUE;

  if (!ct_verify_ledger_see_live (v->ledger, row_kind, id, version, updated_at, &e, &found, error))
    return FALSE;
  if (!found)
    {
      add_problem (v, _("the %s record %s (case %s) is in the file, but no audit entry wrote it"),
                   kind, id, case_label (row_kind, id, case_id));
      return TRUE;
    }

  if (version < e.live_version)
    add_problem (v, _("the %s record %s (case %s) is at version %" G_GINT64_FORMAT ", older than version %" G_GINT64_FORMAT " written by audit entry %" G_GINT64_FORMAT ": it has been rolled back"),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_version, e.live_seq);
  else if (version > e.live_version)
    add_problem (v, _("the %s record %s (case %s) is at version %" G_GINT64_FORMAT ", newer than version %" G_GINT64_FORMAT " written by audit entry %" G_GINT64_FORMAT),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_version, e.live_seq);
  else if (e.live_seq == 0 || !ct_crypto_equal (e.live_digest, digest, CT_DIGEST_BYTES))
    add_problem (v, _("the %s record %s (case %s) version %" G_GINT64_FORMAT " is not what audit entry %" G_GINT64_FORMAT " wrote"),
                 kind, id, case_label (row_kind, id, e.case_id), version, e.live_seq);

  ct_verify_ledger_record_clear (&e);
  return TRUE;
}

static gboolean
verify_history_cb (CtStoreRow  *row,
                   const char  *stored_kind,
                   gint64       replaced_at,
                   gpointer     user_data,
                   GError     **error)
{
  Verify *v = user_data;
  g_autoptr(CtRecord) record = NULL;
  g_autofree char *id = g_strdup (row->id);
  g_autofree char *case_id = g_strdup (row->case_id);
  CtRecordKind row_kind = row->kind;
  const char *kind = ct_record_kind_to_string (row_kind);
  guint8 digest[CT_DIGEST_BYTES];
  guint8 expected_digest[CT_DIGEST_BYTES];
  gint64 version = row->version;
  gint64 updated_at = row->updated_at;
  gint64 seq;
  const CtVerifyLedgerRecord *e = &v->history_record;

  ct_store_priv_digest_row (v->self, row, digest);
  record = verify_decrypt_row (v, row, error);
  if (record == NULL)
    return FALSE;
  v->stats->history++;

  if (g_strcmp0 (stored_kind, kind) != 0)
    add_problem (v, _("the kind of version %" G_GINT64_FORMAT " of the %s record %s (case %s) in its history has been changed"),
                 version, kind, id, case_label (row_kind, id, case_id));

  if (!v->replaying)
    return TRUE;

  /* The history of another record starts: its newest version was
   * replaced by the live row, if that was found. */
  if (v->history_id == NULL || v->history_kind != row_kind || !g_str_equal (v->history_id, id))
    {
      ct_verify_ledger_record_clear (&v->history_record);
      g_free (v->history_id);
      v->history_id = g_strdup (id);
      v->history_kind = row_kind;
      if (!ct_verify_ledger_lookup (v->ledger, row_kind, id, &v->history_record, &v->history_found, error))
        return FALSE;
      v->next_version = v->history_found && e->seen_live ? e->found_version : 0;
      v->next_updated_at = v->history_found && e->seen_live ? e->found_updated_at : 0;
    }

  if (!v->history_found || version < 1 || version >= e->live_version)
    {
      add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) is in its history, but no audit entry wrote it"),
                   version, kind, id, case_label (row_kind, id, case_id));
      return TRUE;
    }

  if (!ct_verify_ledger_see_version (v->ledger, row_kind, id, version, expected_digest, &seq, error))
    return FALSE;
  if (seq == 0 || !ct_crypto_equal (expected_digest, digest, CT_DIGEST_BYTES))
    add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) in its history is not what audit entry %" G_GINT64_FORMAT " wrote"),
                 version, kind, id, case_label (row_kind, id, e->case_id), seq);

  /* A version is replaced when the next one is written: the time is kept
   * in plaintext beside it, and the next version's authenticated
   * updated-at says what it must be. */
  if (v->next_version == version + 1 && replaced_at != v->next_updated_at)
    add_problem (v, _("the time version %" G_GINT64_FORMAT " of the %s record %s (case %s) was replaced has been changed"),
                 version, kind, id, case_label (row_kind, id, e->case_id));
  v->next_version = version;
  v->next_updated_at = updated_at;
  return TRUE;
}

/* Whatever the log says should be in the file and was not found. */
static gboolean
report_missing_cb (CtRecordKind                 record_kind,
                   const char                  *id,
                   const CtVerifyLedgerRecord  *e,
                   const CtVerifyLedgerVersion *versions,
                   guint                        n_versions,
                   gpointer                     user_data,
                   GError                     **error)
{
  Verify *v = user_data;
  const char *kind = ct_record_kind_to_string (record_kind);

  if (!e->seen_live)
    add_problem (v, _("the %s record %s (case %s) is missing; audit entry %" G_GINT64_FORMAT " wrote its version %" G_GINT64_FORMAT),
                 kind, id, case_label (record_kind, id, e->case_id), e->live_seq, e->live_version);

  for (guint i = 0; i < n_versions; i++)
    if (!versions[i].seen)
      add_problem (v, _("version %" G_GINT64_FORMAT " of the %s record %s (case %s) is missing from its history; audit entry %" G_GINT64_FORMAT " wrote it"),
                   versions[i].version, kind, id, case_label (record_kind, id, e->case_id), versions[i].seq);
  return TRUE;
}

/* Each case key is unwrapped, to be sure it does, and wiped at once. */
static gboolean
verify_case_key_cb (const char  *case_id,
                    GBytes      *wrapped,
                    gpointer     user_data,
                    GError     **error)
{
  Verify *v = user_data;
  CtStore *self = v->self;
  g_autofree char *label = ct_store_priv_make_label ("case", self->database_uuid, case_id);
  g_autoptr(CtKey) key = NULL;
  CtVerifyLedgerRecord e;
  gboolean found;

  key = ct_crypto_unwrap_key (self->keys.wrap, g_bytes_get_data (wrapped, NULL),
                              g_bytes_get_size (wrapped), label, NULL);
  if (key == NULL)
    {
      ct_store_priv_set_tampered (error, "case_keys", case_id);
      return FALSE;
    }
  v->stats->case_keys++;

  if (!v->replaying)
    return TRUE;

  if (!ct_verify_ledger_lookup (v->ledger, CT_RECORD_KIND_CASE, case_id, &e, &found, error))
    return FALSE;
  if (!found)
    add_problem (v, _("the key of case %s is in the file, but no audit entry wrote that case"),
                 case_id);
  ct_verify_ledger_record_clear (&e);
  return TRUE;
}

/* Every check that reads the file, in order; the differences from the log
 * are left in @v. */
static gboolean
verify_file (Verify  *v,
             GError **error)
{
  CtStore *self = v->self;

  if (!ct_store_backend_check_integrity (self->backend, error))
    return FALSE;

  if (!verify_audit (v, error))
    return FALSE;
  if (v->replaying && !ct_verify_ledger_finish (v->ledger, error))
    return FALSE;

  /* Every case key must unwrap… */
  if (!ct_store_backend_foreach_case_key (self->backend, verify_case_key_cb, v, error))
    return FALSE;

  /* …and every ciphertext, current or historical, must authenticate and,
   * from the first entry that says what it wrote, be exactly what the log
   * says: no record or version missing, added, older or newer. Rows are
   * read one at a time. */
  for (guint kind = 0; kind < CT_RECORD_N_KINDS; kind++)
    if (!ct_store_backend_foreach_row (self->backend, kind, FALSE, NULL, verify_row_cb, v, error) ||
        !ct_store_backend_foreach_row (self->backend, kind, TRUE, NULL, verify_history_cb, v, error))
      return FALSE;

  if (v->replaying && !ct_verify_ledger_foreach (v->ledger, report_missing_cb, v, error))
    return FALSE;

  return TRUE;
}

gboolean
ct_store_priv_verify_internal (CtStore             *self,
                               CtStoreVerifyStats  *stats,
                               GError             **error)
{
  g_autoptr(CtVerifyLedger) ledger = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  Verify v = { 0 };
  gboolean ok;

  memset (stats, 0, sizeof *stats);

  ledger = ct_verify_ledger_new (error);
  if (ledger == NULL)
    return FALSE;

  v.self = self;
  v.stats = stats;
  v.expected_seq = 1;
  v.ledger = ledger;
  v.problems = problems;

  if (!ct_store_backend_set_scanning (self->backend, TRUE, error))
    return FALSE;
  ok = verify_file (&v, error);
  verify_clear (&v);
  /* A failure to go back is only reported if nothing failed before. */
  if (!ct_store_backend_set_scanning (self->backend, FALSE, ok ? error : NULL))
    ok = FALSE;
  if (!ok)
    return FALSE;

  if (v.n_problems > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "The records do not match the audit log: %u difference was found, so records have been deleted, added or replaced outside Caretrail. Restore the database from a backup and report this to your Designated Safeguarding Officer.",
                                           "The records do not match the audit log: %u differences were found, so records have been deleted, added or replaced outside Caretrail. Restore the database from a backup and report this to your Designated Safeguarding Officer.",
                                           v.n_problems),
                              v.n_problems);
      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (message, "\n  • %s", (const char *) g_ptr_array_index (problems, i));
      if (v.n_problems > problems->len)
        g_string_append_printf (message, "\n  • %s",
                                _("and more; fix the file by restoring it, then verify again"));
      g_set_error_literal (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED, message->str);
      return FALSE;
    }

  return TRUE;
}

/* }}} */

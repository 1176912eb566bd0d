/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CT_KEY_BYTES 32
#define CT_MAC_BYTES 32
#define CT_SALT_BYTES 16
#define CT_RECOVERY_BYTES 20
#define CT_DIGEST_BYTES 32

/* A 256-bit key, wiped when freed with ct_key_free(). */
typedef struct
{
  guint8 bytes[CT_KEY_BYTES];
} CtKey;

/* Many keys made at once: see ct_key_batch_begin(). */
typedef struct _CtKeyBatch CtKeyBatch;

/* Sub-keys derived from a database's master key with crypto_kdf. */
typedef enum
{
  CT_SUBKEY_WRAP = 1,       /* wraps case keys and the vault key */
  CT_SUBKEY_AUDIT = 2,      /* HMAC-SHA-256 chain of the audit log */
  CT_SUBKEY_BLIND = 3,      /* blind index of names and dates of birth */
  CT_SUBKEY_GENERAL = 4,    /* records that belong to no case */
  CT_SUBKEY_CHECK = 5,      /* proves the master key belongs to the file */
  CT_SUBKEY_ROOT = 6,       /* seals the first master key once it is rotated */
} CtSubkey;

gboolean  ct_crypto_init                 (GError      **error);
void      ct_crypto_protect_process      (void);

CtKey    *ct_key_new_random              (void);
CtKey    *ct_key_new_from_bytes          (const guint8 *bytes,
                                          gsize         len);
CtKey    *ct_key_copy                    (const CtKey  *key);
CtKey    *ct_key_derive                  (const CtKey  *master,
                                          CtSubkey      subkey);
void      ct_key_free                    (CtKey        *key);
CtKeyBatch *ct_key_batch_begin           (void);
CtKey    *ct_key_batch_add               (CtKeyBatch   *batch,
                                          const guint8 *bytes,
                                          gsize         len);
void      ct_key_batch_end               (CtKeyBatch   *batch);
void      ct_key_free_many               (CtKey       **keys,
                                          guint         n_keys);
char     *ct_key_to_base64               (const CtKey  *key);
CtKey    *ct_key_new_from_base64         (const char   *text);

GBytes   *ct_crypto_seal                 (const CtKey  *key,
                                          const void   *plaintext,
                                          gsize         len,
                                          const char   *associated_data);
GBytes   *ct_crypto_open                 (const CtKey  *key,
                                          const guint8 *sealed,
                                          gsize         len,
                                          const char   *associated_data,
                                          GError      **error);
GBytes   *ct_crypto_seal_full            (const CtKey  *key,
                                          const void   *plaintext,
                                          gsize         len,
                                          const void   *ad,
                                          gsize         ad_len);
guint8   *ct_crypto_seal_buffer_new      (gsize         len,
                                          guint8      **plaintext);
GBytes   *ct_crypto_seal_in_place        (const CtKey  *key,
                                          guint8       *buffer,
                                          gsize         len,
                                          const void   *ad,
                                          gsize         ad_len);
GBytes   *ct_crypto_open_full            (const CtKey  *key,
                                          const guint8 *sealed,
                                          gsize         len,
                                          const void   *ad,
                                          gsize         ad_len,
                                          GError      **error);
gboolean  ct_crypto_open_into            (const CtKey  *key,
                                          const guint8 *sealed,
                                          gsize         len,
                                          const void   *ad,
                                          gsize         ad_len,
                                          guint8       *out,
                                          gsize         out_size,
                                          gsize        *out_len);
gsize     ct_crypto_open_size            (gsize         len);
GBytes   *ct_crypto_bytes_new_wiped      (const void   *data,
                                          gsize         len);
GBytes   *ct_crypto_wrap_key             (const CtKey  *kek,
                                          const CtKey  *key,
                                          const char   *label);
CtKey    *ct_crypto_unwrap_key           (const CtKey  *kek,
                                          const guint8 *wrapped,
                                          gsize         len,
                                          const char   *label,
                                          GError      **error);

void      ct_crypto_hmac                 (const CtKey  *key,
                                          const void   *data,
                                          gsize         len,
                                          guint8        out[CT_MAC_BYTES]);
/* An HMAC-SHA-256 key with its pads hashed once, for many MACs. */
typedef struct _CtHmacKey CtHmacKey;

CtHmacKey *ct_hmac_key_new               (const CtKey     *key);
void      ct_hmac_key_free               (CtHmacKey       *hkey);
void      ct_crypto_hmac_prepared        (const CtHmacKey *hkey,
                                          const void      *data,
                                          gsize            len,
                                          guint8           out[CT_MAC_BYTES]);
gboolean  ct_crypto_hmac_verify          (const CtKey  *key,
                                          const void   *data,
                                          gsize         len,
                                          const guint8 *mac,
                                          gsize         mac_len);
gboolean  ct_crypto_equal                (const guint8 *a,
                                          const guint8 *b,
                                          gsize         len);

char     *ct_crypto_normalise_name       (const char   *name);
void      ct_crypto_digest_sealed        (const void   *ad,
                                          gsize         ad_len,
                                          const guint8 *sealed,
                                          gsize         sealed_len,
                                          guint8        out[CT_DIGEST_BYTES]);
void      ct_crypto_blind_index          (const CtKey  *key,
                                          const char   *purpose,
                                          const char   *value,
                                          guint8        out[CT_MAC_BYTES]);

void      ct_crypto_random               (void         *buf,
                                          gsize         len);
char     *ct_crypto_generate_recovery_code (guint8     out_raw[CT_RECOVERY_BYTES]);
gboolean  ct_crypto_parse_recovery_code  (const char   *code,
                                          guint8        out_raw[CT_RECOVERY_BYTES],
                                          GError      **error);
CtKey    *ct_crypto_key_from_recovery    (const guint8  raw[CT_RECOVERY_BYTES],
                                          const guint8  salt[CT_SALT_BYTES],
                                          guint64       opslimit,
                                          gsize         memlimit,
                                          GError      **error);
guint64   ct_crypto_recovery_opslimit    (void);
gsize     ct_crypto_recovery_memlimit    (void);
void      ct_crypto_wipe                 (void         *buf,
                                          gsize         len);
void      ct_crypto_wipe_string          (char         *str);
void      ct_crypto_free_string          (char         *str);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtKey, ct_key_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CtHmacKey, ct_hmac_key_free)

G_END_DECLS

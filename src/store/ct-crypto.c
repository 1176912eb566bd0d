/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ct-crypto"

#include "config.h"

#include "ct-crypto.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "ct-store-error.h"

/*
 * Every use of libsodium in Caretrail lives in this file, so that the
 * choice of primitives can be read (and reviewed) in one place:
 *
 *  - XChaCha20-Poly1305 (IETF) for every ciphertext, with associated data
 *    naming where the ciphertext belongs;
 *  - crypto_kdf (BLAKE2b) to derive purpose-specific sub-keys from the
 *    master key;
 *  - HMAC-SHA-256 for the audit chain;
 *  - keyed BLAKE2b (crypto_generichash) for the blind index;
 *  - Argon2id (crypto_pwhash) to turn a recovery code into a key.
 */

#define SEAL_FORMAT 1
#define SEAL_HEADER (1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
#define KDF_CONTEXT "CtStore1"

G_STATIC_ASSERT (CT_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
G_STATIC_ASSERT (CT_KEY_BYTES == crypto_kdf_KEYBYTES);
G_STATIC_ASSERT (CT_KEY_BYTES == crypto_auth_hmacsha256_KEYBYTES);
G_STATIC_ASSERT (CT_MAC_BYTES == crypto_auth_hmacsha256_BYTES);
G_STATIC_ASSERT (CT_SALT_BYTES == crypto_pwhash_SALTBYTES);
G_STATIC_ASSERT (sizeof KDF_CONTEXT - 1 == crypto_kdf_CONTEXTBYTES);

/**
 * ct_crypto_init:
 *
 * Initialises libsodium. Safe to call more than once.
 *
 * Returns: %TRUE on success
 */
gboolean
ct_crypto_init (GError **error)
{
  static gsize chosen = 0;

  /* libsodium's ChaCha20-based generator, seeded from the kernel, gives
   * nonces without a system call each; it is thread- and fork-safe. It
   * must be chosen before sodium_init(). */
  if (g_once_init_enter (&chosen))
    {
      randombytes_set_implementation (&randombytes_internal_implementation);
      g_once_init_leave (&chosen, 1);
    }

  if (sodium_init () < 0)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("The encryption library could not start, so no records can be read or written. Restart the computer and try again."));
      return FALSE;
    }

  return TRUE;
}

/**
 * ct_crypto_protect_process:
 *
 * Keeps the process's memory, where keys and decrypted records live, from
 * being written out when it crashes or read by a debugger: the core file
 * limit is set to zero, hard as well as soft so that nothing in the process
 * can raise it again, and the process is made non-dumpable, which also
 * stops other processes of the same user from attaching to it with ptrace
 * or reading its memory through /proc. Call it first thing in main(),
 * before any secret is read. Failures are only warned about: they leave
 * the process as protected as the system allows, and refusing to start
 * would leave the records unreachable.
 */
void
ct_crypto_protect_process (void)
{
  struct rlimit none = { 0, 0 };

  if (setrlimit (RLIMIT_CORE, &none) != 0)
    g_warning ("Could not turn off core dumps: %s", g_strerror (errno));

  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_warning ("Could not make the process non-dumpable: %s", g_strerror (errno));
}

/* Keys {{{ */

/*
 * Keys live in locked, guarded memory from sodium_malloc(): never swapped
 * out (mlock), left out of core dumps (MADV_DONTDUMP), fenced by guard
 * pages, away from the ordinary heap where an over-read of some other
 * buffer could reach them, and read-only except while a key is written or
 * wiped. sodium_malloc() maps several pages per call, and a store holds one
 * key per case (ten thousand cases would exhaust the process's mappings and
 * its locked-memory limit), so keys are carved out of slabs: one
 * sodium_malloc()ed page holds many keys, and is given back with
 * sodium_free() when its last key is freed. If the locked-memory limit is
 * reached, sodium_malloc() still returns memory that is guarded, only not
 * locked.
 */

#define KEY_SLAB_BYTES 4064    /* one 4 KiB page less libsodium's canary */
#define KEYS_PER_SLAB (KEY_SLAB_BYTES / sizeof (CtKey))

G_STATIC_ASSERT (sizeof (CtKey) == CT_KEY_BYTES);
G_STATIC_ASSERT (KEYS_PER_SLAB <= 4 * 32);

/* The bookkeeping is not secret, and must stay writable while the keys
 * are read-only, so it lives on the ordinary heap. */
typedef struct _KeySlab KeySlab;

struct _KeySlab
{
  KeySlab *next;
  CtKey *keys;                 /* KEYS_PER_SLAB keys, from sodium_malloc() */
  guint n_used;
  guint32 used[4];             /* a bit per key in use */
};

/* Guards the slab list and every write to a slab. Keys are read without it:
 * a slab is only ever made more writable while it is held. */
static GMutex key_lock;
static KeySlab *key_slabs;

typedef void (*KeyFillFunc) (guint8        out[CT_KEY_BYTES],
                             gconstpointer data);

static KeySlab *
key_slab_new (void)
{
  KeySlab *slab;

  /* sodium_malloc() needs libsodium's page size, which sodium_init() learns. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  slab = g_new0 (KeySlab, 1);
  slab->keys = sodium_malloc (KEYS_PER_SLAB * sizeof (CtKey));
  if (slab->keys == NULL)
    g_error ("Could not allocate %d bytes of guarded memory for keys", KEY_SLAB_BYTES);
  sodium_memzero (slab->keys, KEYS_PER_SLAB * sizeof (CtKey));
  return slab;
}

static CtKey *
key_new_filled (KeyFillFunc   fill,
                gconstpointer data)
{
  KeySlab *slab;
  CtKey *key = NULL;

  g_mutex_lock (&key_lock);

  for (slab = key_slabs; slab != NULL; slab = slab->next)
    if (slab->n_used < KEYS_PER_SLAB)
      break;

  if (slab == NULL)
    {
      slab = key_slab_new ();
      slab->next = key_slabs;
      key_slabs = slab;
    }
  else
    sodium_mprotect_readwrite (slab->keys);

  for (guint i = 0; i < KEYS_PER_SLAB; i++)
    {
      if ((slab->used[i / 32] & (1u << (i % 32))) == 0)
        {
          slab->used[i / 32] |= 1u << (i % 32);
          slab->n_used++;
          key = &slab->keys[i];
          break;
        }
    }
  g_assert (key != NULL);

  fill (key->bytes, data);
  sodium_mprotect_readonly (slab->keys);

  g_mutex_unlock (&key_lock);
  return key;
}

static void
fill_random (guint8        out[CT_KEY_BYTES],
             gconstpointer data)
{
  randombytes_buf (out, CT_KEY_BYTES);
}

static void
fill_copy (guint8        out[CT_KEY_BYTES],
           gconstpointer data)
{
  memcpy (out, data, CT_KEY_BYTES);
}

typedef struct
{
  const CtKey *master;
  CtSubkey subkey;
} DeriveData;

static void
fill_derived (guint8        out[CT_KEY_BYTES],
              gconstpointer data)
{
  const DeriveData *derive = data;

  crypto_kdf_derive_from_key (out, CT_KEY_BYTES, derive->subkey, KDF_CONTEXT,
                              derive->master->bytes);
}

CtKey *
ct_key_new_random (void)
{
  return key_new_filled (fill_random, NULL);
}

CtKey *
ct_key_new_from_bytes (const guint8 *bytes,
                       gsize         len)
{
  g_return_val_if_fail (bytes != NULL, NULL);

  if (len != CT_KEY_BYTES)
    return NULL;

  return key_new_filled (fill_copy, bytes);
}

CtKey *
ct_key_copy (const CtKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  return ct_key_new_from_bytes (key->bytes, CT_KEY_BYTES);
}

/**
 * ct_key_derive:
 * @master: the master key
 * @subkey: which sub-key
 *
 * Returns: (transfer full): the sub-key for @subkey
 */
CtKey *
ct_key_derive (const CtKey *master,
               CtSubkey     subkey)
{
  DeriveData derive = { master, subkey };

  g_return_val_if_fail (master != NULL, NULL);

  return key_new_filled (fill_derived, &derive);
}

/**
 * ct_key_free:
 * @key: (nullable) (transfer full): a key
 *
 * Wipes @key and gives back its locked memory.
 */
void
ct_key_free (CtKey *key)
{
  KeySlab **link;

  if (key == NULL)
    return;

  g_mutex_lock (&key_lock);

  for (link = &key_slabs; *link != NULL; link = &(*link)->next)
    {
      KeySlab *slab = *link;

      if (key >= slab->keys && key < slab->keys + KEYS_PER_SLAB)
        {
          guint i = key - slab->keys;

          slab->used[i / 32] &= ~(1u << (i % 32));
          slab->n_used--;
          if (slab->n_used == 0)
            {
              *link = slab->next;
              /* sodium_free() wipes the whole slab before unmapping it. */
              sodium_free (slab->keys);
              g_free (slab);
            }
          else
            {
              sodium_mprotect_readwrite (slab->keys);
              sodium_memzero (key, sizeof *key);
              sodium_mprotect_readonly (slab->keys);
            }

          g_mutex_unlock (&key_lock);
          return;
        }
    }

  g_mutex_unlock (&key_lock);
  g_critical ("ct_key_free: %p is not a key", (void *) key);
}

/*
 * Many keys at once, as a store does when it unwraps every case key before
 * a listing: each slab is made writable once for all the keys written to
 * it, rather than twice for each key.
 */
struct _CtKeyBatch
{
  KeySlab *writable;           /* the slab open for writing, or NULL */
};

/**
 * ct_key_batch_begin:
 *
 * Starts adding many keys with ct_key_batch_add(). No other key can be
 * made or freed until ct_key_batch_end(), so nothing between the two
 * calls may make or free a key any other way.
 *
 * Returns: (transfer full): the batch; end it with ct_key_batch_end()
 */
CtKeyBatch *
ct_key_batch_begin (void)
{
  g_mutex_lock (&key_lock);
  return g_new0 (CtKeyBatch, 1);
}

/**
 * ct_key_batch_add:
 * @batch: a batch from ct_key_batch_begin()
 * @bytes: the key's bytes
 * @len: their length, %CT_KEY_BYTES
 *
 * Returns: (transfer full) (nullable): the key, as ct_key_new_from_bytes()
 *   makes it; %NULL if @len is wrong
 */
CtKey *
ct_key_batch_add (CtKeyBatch   *batch,
                  const guint8 *bytes,
                  gsize         len)
{
  KeySlab *slab = batch->writable;
  CtKey *key = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);

  if (len != CT_KEY_BYTES)
    return NULL;

  if (slab == NULL || slab->n_used == KEYS_PER_SLAB)
    {
      if (slab != NULL)
        sodium_mprotect_readonly (slab->keys);

      for (slab = key_slabs; slab != NULL; slab = slab->next)
        if (slab->n_used < KEYS_PER_SLAB)
          break;
      if (slab == NULL)
        {
          slab = key_slab_new ();
          slab->next = key_slabs;
          key_slabs = slab;
        }
      else
        sodium_mprotect_readwrite (slab->keys);
      batch->writable = slab;
    }

  for (guint i = 0; i < KEYS_PER_SLAB; i++)
    {
      if ((slab->used[i / 32] & (1u << (i % 32))) == 0)
        {
          slab->used[i / 32] |= 1u << (i % 32);
          slab->n_used++;
          key = &slab->keys[i];
          break;
        }
    }
  g_assert (key != NULL);

  memcpy (key->bytes, bytes, CT_KEY_BYTES);
  return key;
}

/**
 * ct_key_batch_end:
 * @batch: (transfer full): a batch from ct_key_batch_begin()
 *
 * Makes the keys read-only again and lets other keys be made.
 */
void
ct_key_batch_end (CtKeyBatch *batch)
{
  if (batch->writable != NULL)
    sodium_mprotect_readonly (batch->writable->keys);
  g_free (batch);
  g_mutex_unlock (&key_lock);
}

static int
compare_key_addresses (gconstpointer a,
                       gconstpointer b)
{
  guintptr x = (guintptr) *(CtKey * const *) a;
  guintptr y = (guintptr) *(CtKey * const *) b;

  return x < y ? -1 : x > y;
}

/* Gives back @slab if it holds no key, or makes it read-only again. */
static void
key_slab_close (KeySlab *slab)
{
  KeySlab **link;

  if (slab->n_used > 0)
    {
      sodium_mprotect_readonly (slab->keys);
      return;
    }

  for (link = &key_slabs; *link != slab; link = &(*link)->next)
    ;
  *link = slab->next;
  /* sodium_free() wipes the whole slab before unmapping it. */
  sodium_free (slab->keys);
  g_free (slab);
}

/**
 * ct_key_free_many:
 * @keys: (array length=n_keys) (transfer full): keys, in any order
 * @n_keys: how many
 *
 * Wipes and frees each of @keys as ct_key_free() does, making each slab
 * writable once rather than once per key. @keys is reordered.
 */
void
ct_key_free_many (CtKey **keys,
                  guint   n_keys)
{
  KeySlab *slab = NULL;

  if (n_keys == 0)
    return;

  /* In address order, the keys of one slab come together. */
  qsort (keys, n_keys, sizeof *keys, compare_key_addresses);

  g_mutex_lock (&key_lock);
  for (guint k = 0; k < n_keys; k++)
    {
      CtKey *key = keys[k];
      guint i;

      if (key == NULL)
        continue;

      if (slab == NULL || key < slab->keys || key >= slab->keys + KEYS_PER_SLAB)
        {
          if (slab != NULL)
            key_slab_close (slab);
          for (slab = key_slabs; slab != NULL; slab = slab->next)
            if (key >= slab->keys && key < slab->keys + KEYS_PER_SLAB)
              break;
          if (slab == NULL)
            {
              g_critical ("ct_key_free_many: %p is not a key", (void *) key);
              continue;
            }
          sodium_mprotect_readwrite (slab->keys);
        }

      i = key - slab->keys;
      slab->used[i / 32] &= ~(1u << (i % 32));
      slab->n_used--;
      sodium_memzero (key, sizeof *key);
    }
  if (slab != NULL)
    key_slab_close (slab);
  g_mutex_unlock (&key_lock);
}

/* }}} */

/**
 * ct_key_to_base64:
 *
 * Returns: (transfer full): the key as base64; free it with
 *   ct_crypto_free_string(), which wipes it
 */
char *
ct_key_to_base64 (const CtKey *key)
{
  gsize len = sodium_base64_ENCODED_LEN (CT_KEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
  char *text = g_malloc (len);

  sodium_bin2base64 (text, len, key->bytes, CT_KEY_BYTES, sodium_base64_VARIANT_ORIGINAL);
  return text;
}

CtKey *
ct_key_new_from_base64 (const char *text)
{
  guint8 raw[CT_KEY_BYTES + 8];
  gsize raw_len = 0;
  CtKey *key = NULL;

  if (text == NULL)
    return NULL;

  if (sodium_base642bin (raw, sizeof raw, text, strlen (text), " \n", &raw_len, NULL,
                         sodium_base64_VARIANT_ORIGINAL) == 0 &&
      raw_len == CT_KEY_BYTES)
    key = ct_key_new_from_bytes (raw, raw_len);

  sodium_memzero (raw, sizeof raw);
  return key;
}

static void
wipe_and_free (gpointer data)
{
  /* The length is stored in front of the buffer so it can be wiped. */
  gsize *block = (gsize *)data - 1;

  sodium_memzero (block, *block + sizeof (gsize));
  g_free (block);
}

static guint8 *
alloc_wiped_buffer (gsize len)
{
  gsize *block = g_malloc (len + sizeof (gsize));

  *block = len;
  return (guint8 *)(block + 1);
}

/**
 * ct_crypto_seal_full:
 * @key: the data key
 * @plaintext: the bytes to encrypt
 * @len: length of @plaintext
 * @ad: associated data: where the ciphertext belongs
 * @ad_len: length of @ad
 *
 * Encrypts with XChaCha20-Poly1305 under a fresh random nonce.
 *
 * Returns: (transfer full): format byte, nonce and ciphertext
 */
/* Nonces {{{ */

/* Nonces are public, but must never repeat. Each thread draws them from
 * libsodium's generator in blocks, which spares the generator's fork check
 * (a getpid() system call) on every record. A forked child starts with an
 * empty block, so parent and child never hand out the same nonce. */
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define NONCE_POOL_BYTES (NONCE_BYTES * 128)

typedef struct
{
  guint8 bytes[NONCE_POOL_BYTES];
  gsize used;
  gboolean filled;
} NoncePool;

static _Thread_local NoncePool nonce_pool;

static void
nonce_pool_forget (void)
{
  sodium_memzero (&nonce_pool, sizeof nonce_pool);
}

static void
take_nonce (guint8 out[NONCE_BYTES])
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      pthread_atfork (NULL, NULL, nonce_pool_forget);
      g_once_init_leave (&registered, 1);
    }

  if (!nonce_pool.filled || nonce_pool.used + NONCE_BYTES > NONCE_POOL_BYTES)
    {
      randombytes_buf (nonce_pool.bytes, NONCE_POOL_BYTES);
      nonce_pool.used = 0;
      nonce_pool.filled = TRUE;
    }

  memcpy (out, nonce_pool.bytes + nonce_pool.used, NONCE_BYTES);
  /* Each nonce is handed out once: its bytes are cleared as it is taken. */
  sodium_memzero (nonce_pool.bytes + nonce_pool.used, NONCE_BYTES);
  nonce_pool.used += NONCE_BYTES;
}

/* }}} */

GBytes *
ct_crypto_seal_full (const CtKey *key,
                     const void  *plaintext,
                     gsize        len,
                     const void  *ad,
                     gsize        ad_len)
{
  gsize out_len = SEAL_HEADER + len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  guint8 *out;
  unsigned long long ct_len = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (ad != NULL || ad_len == 0, NULL);

  out = g_malloc (out_len);
  out[0] = SEAL_FORMAT;
  take_nonce (out + 1);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + SEAL_HEADER, &ct_len,
                                              plaintext, len, ad, ad_len,
                                              NULL, out + 1, key->bytes);
  g_assert (ct_len + SEAL_HEADER == out_len);

  return g_bytes_new_take (out, out_len);
}

/**
 * ct_crypto_seal_buffer_new:
 * @len: length of the plaintext to come
 * @plaintext: (out): where to write the plaintext
 *
 * Allocates the buffer of a sealed message, so that a caller can write the
 * plaintext straight into it and ct_crypto_seal_in_place() encrypt it
 * there, with no second copy of the plaintext to wipe.
 *
 * Returns: (transfer full): the buffer, for ct_crypto_seal_in_place()
 */
/* Where the sealed message starts in a buffer from
 * ct_crypto_seal_buffer_new(): far enough in that the plaintext after the
 * header is 8-byte aligned, as a serialised GVariant must be. */
static guint8 *
sealed_start (guint8 *buffer)
{
  return buffer + (8 - ((guintptr) buffer + SEAL_HEADER) % 8) % 8;
}

guint8 *
ct_crypto_seal_buffer_new (gsize    len,
                           guint8 **plaintext)
{
  guint8 *buffer = g_malloc (7 + SEAL_HEADER + len + crypto_aead_xchacha20poly1305_ietf_ABYTES);

  *plaintext = sealed_start (buffer) + SEAL_HEADER;
  return buffer;
}

/**
 * ct_crypto_seal_in_place:
 * @key: the data key
 * @buffer: (transfer full): from ct_crypto_seal_buffer_new(), with @len
 *   bytes of plaintext written
 * @len: length of the plaintext
 * @ad: associated data: where the ciphertext belongs
 * @ad_len: length of @ad
 *
 * Encrypts the plaintext in @buffer where it lies, exactly as
 * ct_crypto_seal_full() would, overwriting it with the ciphertext.
 *
 * Returns: (transfer full): @buffer as the sealed message
 */
GBytes *
ct_crypto_seal_in_place (const CtKey *key,
                         guint8      *buffer,
                         gsize        len,
                         const void  *ad,
                         gsize        ad_len)
{
  gsize out_len = SEAL_HEADER + len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  unsigned long long ct_len = 0;
  guint8 *out;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (buffer != NULL, NULL);
  g_return_val_if_fail (ad != NULL || ad_len == 0, NULL);

  out = sealed_start (buffer);
  out[0] = SEAL_FORMAT;
  take_nonce (out + 1);
  /* libsodium encrypts in place when the message and ciphertext are one. */
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + SEAL_HEADER, &ct_len,
                                              out + SEAL_HEADER, len, ad, ad_len,
                                              NULL, out + 1, key->bytes);
  g_assert (ct_len + SEAL_HEADER == out_len);

  return g_bytes_new_with_free_func (out, out_len, g_free, buffer);
}

/**
 * ct_crypto_seal:
 * @associated_data: where the ciphertext belongs, as a string
 *
 * ct_crypto_seal_full() with a string as associated data.
 */
GBytes *
ct_crypto_seal (const CtKey *key,
                const void  *plaintext,
                gsize        len,
                const char  *associated_data)
{
  g_return_val_if_fail (associated_data != NULL, NULL);
  return ct_crypto_seal_full (key, plaintext, len, associated_data, strlen (associated_data));
}

/**
 * ct_crypto_open_full:
 * @key: the data key
 * @sealed: what ct_crypto_seal_full() returned
 * @len: length of @sealed
 * @ad: the same associated data used to seal
 * @ad_len: length of @ad
 * @error: return location for a %CT_STORE_ERROR_TAMPERED error
 *
 * Returns: (transfer full) (nullable): the plaintext, which is wiped when
 *   the last reference goes, or %NULL if authentication failed
 */
GBytes *
ct_crypto_open_full (const CtKey  *key,
                     const guint8 *sealed,
                     gsize         len,
                     const void   *ad,
                     gsize         ad_len,
                     GError      **error)
{
  unsigned long long plain_len = 0;
  guint8 *plain;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (ad != NULL || ad_len == 0, NULL);

  if (sealed == NULL || len < SEAL_HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
      sealed[0] != SEAL_FORMAT)
    {
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("Encrypted data in the database is damaged or has been altered."));
      return NULL;
    }

  plain = alloc_wiped_buffer (len - SEAL_HEADER);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plain, &plain_len, NULL,
                                                  sealed + SEAL_HEADER, len - SEAL_HEADER,
                                                  ad, ad_len, sealed + 1, key->bytes) != 0)
    {
      wipe_and_free (plain);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                   _("Encrypted data in the database is damaged or has been altered."));
      return NULL;
    }

  return g_bytes_new_with_free_func (plain, plain_len, wipe_and_free, plain);
}

/**
 * ct_crypto_bytes_new_wiped:
 * @data: (nullable): plaintext to copy
 * @len: its length
 *
 * Returns: (transfer full): a copy of @data that is wiped when the last
 *   reference goes
 */
GBytes *
ct_crypto_bytes_new_wiped (const void *data,
                           gsize       len)
{
  guint8 *copy = alloc_wiped_buffer (len);

  if (len > 0)
    memcpy (copy, data, len);
  return g_bytes_new_with_free_func (copy, len, wipe_and_free, copy);
}

/**
 * ct_crypto_open_into:
 * @key: the data key
 * @sealed: what ct_crypto_seal_full() returned
 * @len: length of @sealed
 * @ad: the same associated data used to seal
 * @ad_len: length of @ad
 * @out: where to write the plaintext
 * @out_size: the size of @out, at least ct_crypto_open_size() of @len
 * @out_len: (out): the length of the plaintext
 *
 * ct_crypto_open_full() into a buffer of the caller's, which a reader of
 * many records can use for each in turn. The caller wipes @out when done
 * with the plaintext. On failure nothing is left in @out.
 *
 * Returns: %TRUE if @sealed was authenticated and opened
 */
gboolean
ct_crypto_open_into (const CtKey  *key,
                     const guint8 *sealed,
                     gsize         len,
                     const void   *ad,
                     gsize         ad_len,
                     guint8       *out,
                     gsize         out_size,
                     gsize        *out_len)
{
  unsigned long long plain_len = 0;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (ad != NULL || ad_len == 0, FALSE);
  g_return_val_if_fail (out != NULL && out_len != NULL, FALSE);

  *out_len = 0;
  if (sealed == NULL || len < SEAL_HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES ||
      sealed[0] != SEAL_FORMAT || out_size < ct_crypto_open_size (len))
    return FALSE;

  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &plain_len, NULL,
                                                  sealed + SEAL_HEADER, len - SEAL_HEADER,
                                                  ad, ad_len, sealed + 1, key->bytes) != 0)
    {
      /* libsodium writes nothing when authentication fails, but be sure. */
      sodium_memzero (out, out_size);
      return FALSE;
    }

  *out_len = plain_len;
  return TRUE;
}

/**
 * ct_crypto_open_size:
 * @len: the length of a sealed message
 *
 * Returns: how big a buffer ct_crypto_open_into() needs for it.
 */
gsize
ct_crypto_open_size (gsize len)
{
  if (len < SEAL_HEADER + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return 0;
  return len - SEAL_HEADER - crypto_aead_xchacha20poly1305_ietf_ABYTES;
}

/**
 * ct_crypto_open:
 * @associated_data: the string used with ct_crypto_seal()
 *
 * ct_crypto_open_full() with a string as associated data.
 */
GBytes *
ct_crypto_open (const CtKey  *key,
                const guint8 *sealed,
                gsize         len,
                const char   *associated_data,
                GError      **error)
{
  g_return_val_if_fail (associated_data != NULL, NULL);
  return ct_crypto_open_full (key, sealed, len, associated_data, strlen (associated_data), error);
}

GBytes *
ct_crypto_wrap_key (const CtKey *kek,
                    const CtKey *key,
                    const char  *label)
{
  g_autofree char *ad = g_strconcat ("key|", label, NULL);

  return ct_crypto_seal (kek, key->bytes, CT_KEY_BYTES, ad);
}

CtKey *
ct_crypto_unwrap_key (const CtKey  *kek,
                      const guint8 *wrapped,
                      gsize         len,
                      const char   *label,
                      GError      **error)
{
  g_autofree char *ad = g_strconcat ("key|", label, NULL);
  g_autoptr(GBytes) plain = NULL;
  CtKey *key;

  plain = ct_crypto_open (kek, wrapped, len, ad, error);
  if (plain == NULL)
    return NULL;

  key = ct_key_new_from_bytes (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  if (key == NULL)
    g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED,
                 _("A key stored in the database is damaged."));
  return key;
}

void
ct_crypto_hmac (const CtKey *key,
                const void  *data,
                gsize        len,
                guint8       out[CT_MAC_BYTES])
{
  crypto_auth_hmacsha256 (out, data, len, key->bytes);
}

struct _CtHmacKey
{
  crypto_auth_hmacsha256_state state;
};

/**
 * ct_hmac_key_new:
 * @key: an HMAC-SHA-256 key
 *
 * Prepares @key for many MACs: the key's inner and outer pads are hashed
 * once, here, instead of for every message. The result is as secret as
 * @key; free it with ct_hmac_key_free(), which wipes it.
 *
 * Returns: (transfer full): the prepared key
 */
CtHmacKey *
ct_hmac_key_new (const CtKey *key)
{
  CtHmacKey *hkey;

  g_return_val_if_fail (key != NULL, NULL);

  /* As secret as the key, so it is kept in locked memory too. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  hkey = sodium_malloc (sizeof *hkey);
  if (hkey == NULL)
    g_error ("Could not allocate guarded memory for a key");
  crypto_auth_hmacsha256_init (&hkey->state, key->bytes, CT_KEY_BYTES);
  return hkey;
}

void
ct_hmac_key_free (CtHmacKey *hkey)
{
  /* sodium_free() wipes the memory before unmapping it. */
  if (hkey != NULL)
    sodium_free (hkey);
}

/**
 * ct_crypto_hmac_prepared:
 *
 * The same MAC as ct_crypto_hmac() under the key @hkey was made from.
 */
void
ct_crypto_hmac_prepared (const CtHmacKey *hkey,
                         const void      *data,
                         gsize            len,
                         guint8           out[CT_MAC_BYTES])
{
  crypto_auth_hmacsha256_state state;

  g_return_if_fail (hkey != NULL);

  state = hkey->state;
  crypto_auth_hmacsha256_update (&state, data, len);
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

gboolean
ct_crypto_hmac_verify (const CtKey  *key,
                       const void   *data,
                       gsize         len,
                       const guint8 *mac,
                       gsize         mac_len)
{
  if (mac == NULL || mac_len != CT_MAC_BYTES)
    return FALSE;

  return crypto_auth_hmacsha256_verify (mac, data, len, key->bytes) == 0;
}

/**
 * ct_crypto_equal:
 *
 * Compares in constant time.
 */
gboolean
ct_crypto_equal (const guint8 *a,
                 const guint8 *b,
                 gsize         len)
{
  return sodium_memcmp (a, b, len) == 0;
}

/**
 * ct_crypto_normalise_name:
 * @name: a name as typed
 *
 * Normalises a name for the blind index so that "Zoë  O'Brien-Smith" and
 * "zoe obrien smith" match: compatibility decomposition, accents dropped,
 * case folded, apostrophes removed, other punctuation and runs of space
 * turned into one space.
 *
 * Returns: (transfer full): the normalised name, possibly empty
 */
char *
ct_crypto_normalise_name (const char *name)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *out;
  gboolean pending_space = FALSE;

  if (name == NULL)
    return g_strdup ("");

  /* Plain ASCII, as most names are: NFKD leaves it as it is and case
   * folding only lowers capitals, so the same rules can be applied byte
   * by byte without converting the text twice. */
  {
    const char *p;

    for (p = name; *p != '\0' && (guchar) *p < 0x80; p++)
      ;
    if (*p == '\0')
      {
        out = g_string_sized_new (p - name);
        for (p = name; *p != '\0'; p++)
          {
            if (*p == '\'')
              continue;
            if (g_ascii_isalnum (*p))
              {
                if (pending_space && out->len > 0)
                  g_string_append_c (out, ' ');
                pending_space = FALSE;
                g_string_append_c (out, g_ascii_tolower (*p));
              }
            else
              pending_space = TRUE;
          }
        return g_string_free (out, FALSE);
      }
  }

  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup ("");

  decomposed = g_utf8_normalize (name, -1, G_NORMALIZE_NFKD);
  folded = g_utf8_casefold (decomposed, -1);
  out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK ||
          type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK ||
          c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC)
        continue;

      if (g_unichar_isalnum (c))
        {
          if (pending_space && out->len > 0)
            g_string_append_c (out, ' ');
          pending_space = FALSE;
          g_string_append_unichar (out, c);
        }
      else
        pending_space = TRUE;
    }

  return g_string_free (out, FALSE);
}

/**
 * ct_crypto_digest_sealed:
 * @ad: the associated data a value was sealed with
 * @sealed: the sealed value
 * @out: where to put the digest
 *
 * An unkeyed BLAKE2b-256 hash of a sealed value and its associated data,
 * each length-prefixed, by which an audit entry commits to what it wrote.
 * It needs no key: it is only trusted inside a MAC.
 */
void
ct_crypto_digest_sealed (const void   *ad,
                         gsize         ad_len,
                         const guint8 *sealed,
                         gsize         sealed_len,
                         guint8        out[CT_DIGEST_BYTES])
{
  static const char label[] = "caretrail-sealed-digest-v1";
  crypto_generichash_state state;
  guint64 be;

  crypto_generichash_init (&state, NULL, 0, CT_DIGEST_BYTES);
  crypto_generichash_update (&state, (const guint8 *)label, sizeof label);
  be = GUINT64_TO_BE ((guint64)ad_len);
  crypto_generichash_update (&state, (const guint8 *)&be, sizeof be);
  crypto_generichash_update (&state, ad, ad_len);
  be = GUINT64_TO_BE ((guint64)sealed_len);
  crypto_generichash_update (&state, (const guint8 *)&be, sizeof be);
  crypto_generichash_update (&state, sealed, sealed_len);
  crypto_generichash_final (&state, out, CT_DIGEST_BYTES);
}

/**
 * ct_crypto_blind_index:
 * @key: the blind-index key
 * @purpose: what is indexed, e.g. "name" or "dob"
 * @value: the normalised value
 * @out: the keyed hash
 *
 * Computes keyed BLAKE2b over purpose and value, so equal values can be
 * found without storing or decrypting them.
 */
void
ct_crypto_blind_index (const CtKey *key,
                       const char  *purpose,
                       const char  *value,
                       guint8       out[CT_MAC_BYTES])
{
  crypto_generichash_state state;
  guint8 zero = 0;

  crypto_generichash_init (&state, key->bytes, CT_KEY_BYTES, CT_MAC_BYTES);
  crypto_generichash_update (&state, (const guint8 *)purpose, strlen (purpose));
  crypto_generichash_update (&state, &zero, 1);
  crypto_generichash_update (&state, (const guint8 *)value, strlen (value));
  crypto_generichash_final (&state, out, CT_MAC_BYTES);
  sodium_memzero (&state, sizeof state);
}

void
ct_crypto_random (void  *buf,
                  gsize  len)
{
  randombytes_buf (buf, len);
}

/* Crockford's base32: no I, L, O or U, so a code read aloud is unambiguous. */
static const char recovery_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Recovery codes {{{ */

/*
 * A recovery code spells its 160 random bits in 32 characters. Codes made
 * since version 2 of the format add four check characters, so they have 36
 * characters in nine groups of four; codes made before have the 32 alone,
 * in eight groups, and are still accepted. The check characters let a
 * mistyped code be refused at once, before the second or so of Argon2id
 * that a wrong code costs, and with a message that says it was mistyped
 * rather than wrong.
 *
 * Each character is a symbol of GF(32), and check symbol j (1 to 4) is
 * the sum over the data symbols d_i of d_i·α^(j·(i+1)). Any one changed
 * character, any two changed characters and any two swapped characters are
 * caught (except the first and last data characters, 31 apart, where α's
 * powers repeat); other mistakes slip through one time in a million.
 */
#define RECOVERY_DATA_CHARS (CT_RECOVERY_BYTES * 8 / 5)
#define RECOVERY_CHECK_CHARS 4
#define RECOVERY_GROUP 4

G_STATIC_ASSERT (CT_RECOVERY_BYTES * 8 % 5 == 0);

/* Multiplication in GF(32) = GF(2)[x] / (x⁵ + x² + 1). */
static guint
gf32_mul (guint a,
          guint b)
{
  guint product = 0;

  for (guint i = 0; i < 5; i++)
    {
      if (b & (1u << i))
        product ^= a;
      a <<= 1;
      if (a & 0x20)
        a ^= 0x25;
    }
  return product;
}

static void
recovery_checksum (const guint8 data[RECOVERY_DATA_CHARS],
                   guint8       out[RECOVERY_CHECK_CHARS])
{
  guint power = 1;  /* α^(i+1), with α = x = 2 */

  memset (out, 0, RECOVERY_CHECK_CHARS);
  for (guint i = 0; i < RECOVERY_DATA_CHARS; i++)
    {
      guint weight;

      power = gf32_mul (power, 2);
      weight = power;
      for (guint j = 0; j < RECOVERY_CHECK_CHARS; j++)
        {
          out[j] ^= gf32_mul (data[i], weight);
          weight = gf32_mul (weight, power);
        }
    }
}

/**
 * ct_crypto_generate_recovery_code:
 * @out_raw: the 160 random bits the code spells
 *
 * Returns: (transfer full): a code like "7K2M-…" in nine groups of four,
 *   the last four characters a check of the others; free it with
 *   ct_crypto_free_string()
 */
char *
ct_crypto_generate_recovery_code (guint8 out_raw[CT_RECOVERY_BYTES])
{
  GString *code = g_string_sized_new (48);
  guint8 symbols[RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS];
  guint bits = 0;
  guint32 acc = 0;
  guint n = 0;

  randombytes_buf (out_raw, CT_RECOVERY_BYTES);

  for (guint i = 0; i < CT_RECOVERY_BYTES; i++)
    {
      acc = (acc << 8) | out_raw[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          symbols[n++] = (acc >> bits) & 31;
        }
    }
  acc = 0;
  g_assert (n == RECOVERY_DATA_CHARS);
  recovery_checksum (symbols, symbols + RECOVERY_DATA_CHARS);

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    {
      if (i > 0 && i % RECOVERY_GROUP == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, recovery_alphabet[symbols[i]]);
    }
  sodium_memzero (symbols, sizeof symbols);

  return g_string_free (code, FALSE);
}

/**
 * ct_crypto_parse_recovery_code:
 * @code: a recovery code as typed: case, spaces and hyphens do not matter,
 *   and O, I and L are read as 0, 1 and 1
 * @out_raw: the 160 bits it spells
 * @error: return location for a %CT_STORE_ERROR_BAD_RECOVERY_CODE error
 *
 * Reads a recovery code of either format: 36 characters whose last four
 * check the others, or (from before the check characters) 32. Nothing
 * slow happens here, so a mistyped code is refused at once.
 *
 * Returns: %TRUE if @code has the right shape and its check characters
 *   agree; on failure @out_raw is wiped
 */
gboolean
ct_crypto_parse_recovery_code (const char  *code,
                               guint8       out_raw[CT_RECOVERY_BYTES],
                               GError     **error)
{
  guint8 symbols[RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS];
  guint8 check[RECOVERY_CHECK_CHARS];
  guint32 acc = 0;
  guint bits = 0;
  guint n_bytes = 0;
  guint n_chars = 0;
  gboolean ok = FALSE;

  sodium_memzero (out_raw, CT_RECOVERY_BYTES);
  if (code == NULL)
    goto bad_shape;

  for (const char *p = code; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);
      const char *pos;

      if (c == '-' || g_ascii_isspace (c))
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';

      pos = strchr (recovery_alphabet, c);
      if (pos == NULL || c == '\0' || n_chars == G_N_ELEMENTS (symbols))
        goto bad_shape;

      symbols[n_chars++] = pos - recovery_alphabet;
    }

  if (n_chars == RECOVERY_DATA_CHARS + RECOVERY_CHECK_CHARS)
    {
      recovery_checksum (symbols, check);
      if (!ct_crypto_equal (check, symbols + RECOVERY_DATA_CHARS, RECOVERY_CHECK_CHARS))
        {
          g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE,
                       _("The recovery code has a typing mistake: its last characters do not match the others. Check each character against the recovery sheet and try again."));
          goto out;
        }
    }
  else if (n_chars != RECOVERY_DATA_CHARS)
    goto bad_shape;

  for (guint i = 0; i < RECOVERY_DATA_CHARS; i++)
    {
      acc = (acc << 5) | symbols[i];
      bits += 5;
      if (bits >= 8)
        {
          bits -= 8;
          out_raw[n_bytes++] = (acc >> bits) & 0xff;
        }
    }
  g_assert (n_bytes == CT_RECOVERY_BYTES);
  ok = TRUE;
  goto out;

bad_shape:
  g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE,
               _("That is not a recovery code: a recovery code has 36 letters and digits in nine groups of four (32 in eight groups if it was made by an older Caretrail). Check it against the recovery sheet and try again."));

out:
  acc = 0;
  sodium_memzero (symbols, sizeof symbols);
  sodium_memzero (check, sizeof check);
  if (!ok)
    sodium_memzero (out_raw, CT_RECOVERY_BYTES);
  return ok;
}

/* }}} */

/*
 * The recovery code carries 160 random bits, so Argon2id is there to make
 * each guess expensive rather than to stretch a weak password; the
 * interactive limits keep recovery quick on an office laptop.
 */
guint64
ct_crypto_recovery_opslimit (void)
{
  return crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

gsize
ct_crypto_recovery_memlimit (void)
{
  return crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

CtKey *
ct_crypto_key_from_recovery (const guint8  raw[CT_RECOVERY_BYTES],
                             const guint8  salt[CT_SALT_BYTES],
                             guint64       opslimit,
                             gsize         memlimit,
                             GError      **error)
{
  guint8 derived[CT_KEY_BYTES];
  CtKey *key;

  /* Argon2id takes a while: it writes to the stack, not under the key
   * slabs' lock, and the copy is wiped at once. */
  if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > G_MAXSIZE / 2 ||
      crypto_pwhash (derived, CT_KEY_BYTES, (const char *)raw, CT_RECOVERY_BYTES, salt,
                     opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      sodium_memzero (derived, sizeof derived);
      g_set_error (error, CT_STORE_ERROR, CT_STORE_ERROR_IO,
                   _("There is not enough memory to check the recovery code. Close other programs and try again."));
      return NULL;
    }

  key = ct_key_new_from_bytes (derived, CT_KEY_BYTES);
  sodium_memzero (derived, sizeof derived);
  return key;
}

/**
 * ct_crypto_wipe:
 * @buf: (nullable): memory that held a secret
 * @len: the number of bytes to wipe
 *
 * Overwrites @len bytes at @buf with zeros in a way the compiler may not
 * optimise away. Code above the store wipes secrets with this (or with
 * ct_crypto_wipe_string() and ct_crypto_free_string()) so that only the
 * store talks to libsodium.
 */
void
ct_crypto_wipe (void  *buf,
                gsize  len)
{
  if (buf != NULL)
    sodium_memzero (buf, len);
}

/**
 * ct_crypto_wipe_string:
 * @str: (nullable): a string that held a secret
 *
 * Overwrites the characters of @str with zeros, leaving it allocated (and
 * empty) for its owner to free.
 */
void
ct_crypto_wipe_string (char *str)
{
  if (str != NULL)
    sodium_memzero (str, strlen (str));
}

/**
 * ct_crypto_free_string:
 * @str: (nullable) (transfer full): a string that held a secret
 *
 * Wipes and frees a string that held a secret.
 */
void
ct_crypto_free_string (char *str)
{
  if (str != NULL)
    {
      sodium_memzero (str, strlen (str));
      g_free (str);
    }
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-crypto"

#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct-crypto.h"
#include "ct-store-error.h"

/*
 * The primitives the store's fast paths rely on: a prepared HMAC key gives
 * the same MACs as the plain one, a message sealed in place opens like any
 * other, and nonces drawn in blocks never repeat, not even across fork().
 */

#define NONCE_OFFSET 1
#define NONCE_BYTES 24

static void
test_hmac_prepared (void)
{
  g_autoptr(CtKey) key = ct_key_new_random ();
  g_autoptr(CtKey) other = ct_key_new_random ();
  g_autoptr(CtHmacKey) prepared = ct_hmac_key_new (key);
  gsize lengths[] = { 0, 1, 31, 55, 56, 63, 64, 65, 152, 1000 };
  guint8 data[1000];

  for (gsize i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 7 + 3);

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      guint8 expected[CT_MAC_BYTES];
      guint8 got[CT_MAC_BYTES];
      guint8 wrong[CT_MAC_BYTES];

      ct_crypto_hmac (key, data, lengths[i], expected);
      ct_crypto_hmac_prepared (prepared, data, lengths[i], got);
      g_assert_cmpmem (got, sizeof got, expected, sizeof expected);
      /* Twice: the prepared state is not used up. */
      ct_crypto_hmac_prepared (prepared, data, lengths[i], got);
      g_assert_cmpmem (got, sizeof got, expected, sizeof expected);
      g_assert_true (ct_crypto_hmac_verify (key, data, lengths[i], got, sizeof got));

      ct_crypto_hmac (other, data, lengths[i], wrong);
      g_assert_false (ct_crypto_equal (wrong, got, CT_MAC_BYTES));
    }
}

static GBytes *
seal_in_place (const CtKey *key,
               const char  *text,
               const char  *ad)
{
  gsize len = strlen (text);
  guint8 *plain;
  guint8 *buffer = ct_crypto_seal_buffer_new (len, &plain);

  /* GVariant data is written here: it must be 8-byte aligned. */
  g_assert_cmpuint ((guintptr) plain % 8, ==, 0);
  memcpy (plain, text, len);
  return ct_crypto_seal_in_place (key, buffer, len, ad, strlen (ad));
}

static void
test_seal_in_place (void)
{
  g_autoptr(CtKey) key = ct_key_new_random ();
  const char *text = "A narrative that must come back exactly as it was written.";
  const char *ad = "table|row|column";
  g_autoptr(GBytes) sealed = seal_in_place (key, text, ad);
  g_autoptr(GBytes) sealed_full = ct_crypto_seal_full (key, text, strlen (text), ad, strlen (ad));
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) refused = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize len;

  /* The same format as ct_crypto_seal_full(). */
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, g_bytes_get_size (sealed_full));
  data = g_bytes_get_data (sealed, &len);
  g_assert_null (memmem (data, len, "narrative", strlen ("narrative")));

  opened = ct_crypto_open_full (key, data, len, ad, strlen (ad), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), text, strlen (text));

  refused = ct_crypto_open_full (key, data, len, "table|other-row|column",
                                 strlen ("table|other-row|column"), &error);
  g_assert_null (refused);
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_TAMPERED);
}

static void
test_nonces_unique (void)
{
  g_autoptr(CtKey) key = ct_key_new_random ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);

  /* Several blocks of nonces, through both ways of sealing. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(GBytes) sealed = i % 2 == 0 ? seal_in_place (key, "x", "ad")
                                            : ct_crypto_seal_full (key, "x", 1, "ad", 2);
      GBytes *nonce = g_bytes_new_from_bytes (sealed, NONCE_OFFSET, NONCE_BYTES);

      g_assert_false (g_hash_table_contains (seen, nonce));
      g_hash_table_add (seen, nonce);
    }
}

static void
test_nonces_after_fork (void)
{
  g_autoptr(CtKey) key = ct_key_new_random ();
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) in_parent = NULL;
  guint8 from_child[NONCE_BYTES];
  int fds[2];
  int status = 0;
  gssize n_read;
  pid_t pid;

  /* Start a block of nonces in this thread, then fork. */
  first = ct_crypto_seal_full (key, "x", 1, "ad", 2);
  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GBytes) in_child = ct_crypto_seal_full (key, "x", 1, "ad", 2);
      const guint8 *data = g_bytes_get_data (in_child, NULL);

      close (fds[0]);
      _exit (write (fds[1], data + NONCE_OFFSET, NONCE_BYTES) == NONCE_BYTES ? 0 : 1);
    }

  close (fds[1]);
  n_read = read (fds[0], from_child, sizeof from_child);
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  in_parent = ct_crypto_seal_full (key, "x", 1, "ad", 2);
  if (n_read == 0)
    {
      /* libsodium's generator refuses to run in a forked child whose
       * parent used it (it aborts): failing closed is safe too. What must
       * never happen is the child quietly taking the parent's next nonce. */
      g_assert_true (WIFSIGNALED (status));
      return;
    }

  g_assert_cmpint (n_read, ==, NONCE_BYTES);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  /* The parent's next nonce is not the one the child used. */
  g_assert_false (memcmp ((const guint8 *) g_bytes_get_data (in_parent, NULL) + NONCE_OFFSET,
                          from_child, NONCE_BYTES) == 0);
  g_assert_false (memcmp ((const guint8 *) g_bytes_get_data (first, NULL) + NONCE_OFFSET,
                          from_child, NONCE_BYTES) == 0);
}

/* ASCII names take a short cut; it must agree with the full Unicode rules,
 * which a trailing combining accent (itself dropped) forces. */
static void
test_normalise_ascii (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  const char *fixed[] = { "", " ", "O'Brien", "  Anne-Marie   SMITH ", "d'Arcy\tJones\n", "X AE A-12",
                          "Mc Donald's", "\x01\x1f\x7f", "ALL CAPS 123" };

  for (guint i = 0; i < G_N_ELEMENTS (fixed) + 2000; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *slow_input = NULL;
      g_autofree char *fast = NULL;
      g_autofree char *slow = NULL;

      if (i < G_N_ELEMENTS (fixed))
        name = g_strdup (fixed[i]);
      else
        {
          guint len = g_rand_int_range (rand, 0, 24);

          name = g_malloc (len + 1);
          for (guint j = 0; j < len; j++)
            name[j] = (char) g_rand_int_range (rand, 1, 128);
          name[len] = '\0';
        }

      slow_input = g_strconcat (name, "\xcc\x81", NULL);
      fast = ct_crypto_normalise_name (name);
      slow = ct_crypto_normalise_name (slow_input);
      g_assert_cmpstr (fast, ==, slow);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (ct_crypto_init (NULL));

  g_test_add_func ("/store/crypto/hmac-prepared", test_hmac_prepared);
  g_test_add_func ("/store/crypto/seal-in-place", test_seal_in_place);
  g_test_add_func ("/store/crypto/nonces-unique", test_nonces_unique);
  g_test_add_func ("/store/crypto/nonces-after-fork", test_nonces_after_fork);
  g_test_add_func ("/store/crypto/normalise-ascii", test_normalise_ascii);

  return g_test_run ();
}

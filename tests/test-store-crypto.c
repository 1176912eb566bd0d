/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store-crypto"

#include "config.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* Core dumps off, hard limit included, and the process not dumpable. Run in
 * a subprocess, which first undoes whatever limits the test runner set, so
 * the test fails if ct_crypto_protect_process() does nothing. */
static void
test_protect_process (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit limit;

      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      limit.rlim_cur = limit.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), ==, 0);
      g_assert_cmpint (prctl (PR_SET_DUMPABLE, 1, 0, 0, 0), ==, 0);
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 1);
      if (limit.rlim_max == 0)
        g_test_message ("the hard core limit is already 0 here: only the dumpable flag is a real check");

      ct_crypto_protect_process ();

      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      g_assert_cmpuint (limit.rlim_cur, ==, 0);
      g_assert_cmpuint (limit.rlim_max, ==, 0);
      g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
      /* The hard limit cannot be raised again by the process. */
      limit.rlim_cur = limit.rlim_max = 1024 * 1024;
      g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), !=, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static guint
count_mappings (void)
{
  g_autofree char *maps = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (const char *p = maps; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

/* Keys are kept in guarded memory, but not one mapping per key: a store
 * holds a key per case, and ten thousand cases must not exhaust the
 * process's mappings. Keys survive their neighbours being freed. */
static void
test_keys_many (void)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_key_free);
  g_autoptr(CtKey) first = ct_key_new_random ();
  g_autoptr(CtKey) copy = ct_key_copy (first);
  guint before = count_mappings ();

  for (guint i = 0; i < 20000; i++)
    g_ptr_array_add (keys, ct_key_new_random ());
  g_test_message ("mappings: %u before 20000 keys, %u with them", before, count_mappings ());
  g_assert_cmpuint (count_mappings (), <, before + 2000);

  /* Free every other key, then check a derived key and the copy. */
  for (guint i = keys->len; i > 0; i -= 2)
    g_ptr_array_remove_index_fast (keys, i - 1);
  g_assert_cmpmem (first->bytes, CT_KEY_BYTES, copy->bytes, CT_KEY_BYTES);
  {
    g_autoptr(CtKey) a = ct_key_derive (first, CT_SUBKEY_AUDIT);
    g_autoptr(CtKey) b = ct_key_derive (copy, CT_SUBKEY_AUDIT);

    g_assert_cmpmem (a->bytes, CT_KEY_BYTES, b->bytes, CT_KEY_BYTES);
  }
  g_ptr_array_set_size (keys, 0);
}

/* A key cannot be overwritten by a stray write: its page is read-only. */
static void
test_keys_read_only (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CtKey) key = ct_key_new_random ();
      volatile guint8 *bytes = key->bytes;

      bytes[0] ^= 1;
      /* Not reached: the write above faults. */
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

/* Keys made in one batch hold their bytes, share slabs with keys made one
 * at a time, and are read-only once the batch ends; freeing many at once,
 * in any order, wipes exactly those and gives back emptied slabs. */
static void
test_keys_batch (void)
{
  g_autoptr(GPtrArray) singles = g_ptr_array_new_with_free_func ((GDestroyNotify) ct_key_free);
  g_autoptr(GPtrArray) batched = g_ptr_array_new ();
  g_autoptr(GPtrArray) doomed = g_ptr_array_new ();
  guint before = count_mappings ();
  guint8 raw[CT_KEY_BYTES];
  CtKeyBatch *batch;

  for (guint i = 0; i < 50; i++)
    g_ptr_array_add (singles, ct_key_new_random ());

  batch = ct_key_batch_begin ();
  g_assert_null (ct_key_batch_add (batch, raw, CT_KEY_BYTES - 1));
  for (guint i = 0; i < 5000; i++)
    {
      memset (raw, 0, sizeof raw);
      memcpy (raw, &i, sizeof i);
      g_ptr_array_add (batched, ct_key_batch_add (batch, raw, sizeof raw));
    }
  ct_key_batch_end (batch);
  g_assert_cmpuint (count_mappings (), <, before + 1000);

  for (guint i = 0; i < batched->len; i++)
    {
      CtKey *key = g_ptr_array_index (batched, i);
      guint n;

      memcpy (&n, key->bytes, sizeof n);
      g_assert_cmpuint (n, ==, i);
    }

  /* Free the odd ones and a few single keys, shuffled. */
  for (guint i = 1; i < batched->len; i += 2)
    g_ptr_array_add (doomed, g_ptr_array_index (batched, i));
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (doomed, g_ptr_array_steal_index (singles, singles->len - 1));
  for (guint i = doomed->len - 1; i > 0; i--)
    {
      guint j = g_random_int_range (0, i + 1);
      gpointer t = doomed->pdata[i];

      doomed->pdata[i] = doomed->pdata[j];
      doomed->pdata[j] = t;
    }
  ct_key_free_many ((CtKey **) doomed->pdata, doomed->len);

  for (guint i = 0; i < batched->len; i += 2)
    {
      CtKey *key = g_ptr_array_index (batched, i);
      guint n;

      memcpy (&n, key->bytes, sizeof n);
      g_assert_cmpuint (n, ==, i);
    }
  {
    g_autoptr(CtKey) copy = ct_key_copy (g_ptr_array_index (singles, 0));

    g_assert_cmpmem (copy->bytes, CT_KEY_BYTES, ((CtKey *) g_ptr_array_index (singles, 0))->bytes,
                     CT_KEY_BYTES);
  }

  /* The rest, then every slab the batch made is given back. */
  g_ptr_array_set_size (doomed, 0);
  for (guint i = 0; i < batched->len; i += 2)
    g_ptr_array_add (doomed, g_ptr_array_index (batched, i));
  ct_key_free_many ((CtKey **) doomed->pdata, doomed->len);
  g_ptr_array_set_size (singles, 0);
  g_assert_cmpuint (count_mappings (), <=, before + 8);
}

/* A key made in a batch is read-only once the batch ends. */
static void
test_keys_batch_read_only (void)
{
  if (g_test_subprocess ())
    {
      guint8 raw[CT_KEY_BYTES] = { 1 };
      CtKeyBatch *batch = ct_key_batch_begin ();
      CtKey *key = ct_key_batch_add (batch, raw, sizeof raw);
      volatile guint8 *bytes;

      ct_key_batch_end (batch);
      bytes = key->bytes;
      bytes[0] ^= 1;
      /* Not reached: the write above faults. */
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

static char
other_code_char (char c,
                 guint k)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const char *pos = strchr (alphabet, c);

  g_assert_nonnull (pos);
  return alphabet[(pos - alphabet + k) % 32];
}

static void
assert_mistyped (const char *code)
{
  g_autoptr(GError) error = NULL;
  guint8 raw[CT_RECOVERY_BYTES];

  g_assert_false (ct_crypto_parse_recovery_code (code, raw, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  g_assert_nonnull (strstr (error->message, "typing mistake"));
  g_assert_nonnull (strstr (error->message, "recovery sheet"));
}

/* Every one-character typo in a new recovery code, and every swap of two
 * neighbouring characters, is refused by the parser itself, which runs no
 * Argon2id: the user hears at once that the code was mistyped. */
static void
test_recovery_code_typo (void)
{
  g_autoptr(GTimer) timer = NULL;
  guint n_tried = 0;

  for (guint round = 0; round < 20; round++)
    {
      guint8 raw[CT_RECOVERY_BYTES];
      guint8 parsed[CT_RECOVERY_BYTES];
      g_autoptr(GError) error = NULL;
      g_autofree char *code = ct_crypto_generate_recovery_code (raw);
      g_autofree char *typed = g_strdup (code);

      g_assert_cmpuint (strlen (code), ==, 9 * 4 + 8);
      g_assert_true (ct_crypto_parse_recovery_code (code, parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (raw, sizeof raw, parsed, sizeof parsed);

      g_clear_pointer (&timer, g_timer_destroy);
      timer = g_timer_new ();
      for (guint i = 0; code[i] != '\0'; i++)
        {
          if (code[i] == '-')
            continue;
          for (guint k = 1; k < 32; k++)
            {
              typed[i] = other_code_char (code[i], k);
              assert_mistyped (typed);
              n_tried++;
            }
          typed[i] = code[i];

          if (code[i + 1] != '\0' && code[i + 1] != '-' && code[i + 1] != code[i])
            {
              typed[i] = code[i + 1];
              typed[i + 1] = code[i];
              assert_mistyped (typed);
              typed[i] = code[i];
              typed[i + 1] = code[i + 1];
              n_tried++;
            }
        }
      g_test_message ("%u mistyped codes refused so far; this code's in %.4f s",
                      n_tried, g_timer_elapsed (timer, NULL));
    }
}

/* Codes made before the check characters (32 characters in eight groups)
 * still open their databases. */
static void
test_recovery_code_old_format (void)
{
  g_autoptr(GError) error = NULL;
  guint8 raw[CT_RECOVERY_BYTES];
  guint8 parsed[CT_RECOVERY_BYTES];
  guint8 ones[CT_RECOVERY_BYTES];
  g_autofree char *code = NULL;

  /* A fixed old code: 32 × "Z" (31) is 160 bits set. */
  memset (ones, 0xff, sizeof ones);
  g_assert_true (ct_crypto_parse_recovery_code ("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (ones, sizeof ones, parsed, sizeof parsed);

  /* A new code without its check group is the old code of the same bits. */
  code = ct_crypto_generate_recovery_code (raw);
  code[8 * 4 + 7] = '\0';
  g_assert_true (ct_crypto_parse_recovery_code (code, parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (raw, sizeof raw, parsed, sizeof parsed);

  /* Neither 32 nor 36 characters: not a code. */
  code[8 * 4 + 6] = '\0';
  g_assert_false (ct_crypto_parse_recovery_code (code, parsed, &error));
  g_assert_error (error, CT_STORE_ERROR, CT_STORE_ERROR_BAD_RECOVERY_CODE);
  g_assert_null (strstr (error->message, "typing mistake"));
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
  g_test_add_func ("/store/crypto/protect-process", test_protect_process);
  g_test_add_func ("/store/crypto/keys-many", test_keys_many);
  g_test_add_func ("/store/crypto/keys-read-only", test_keys_read_only);
  g_test_add_func ("/store/crypto/keys-batch", test_keys_batch);
  g_test_add_func ("/store/crypto/keys-batch-read-only", test_keys_batch_read_only);
  g_test_add_func ("/store/crypto/recovery-code-typo", test_recovery_code_typo);
  g_test_add_func ("/store/crypto/recovery-code-old-format", test_recovery_code_old_format);

  return g_test_run ();
}

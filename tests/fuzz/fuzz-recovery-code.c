/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-recovery-code"

#include "config.h"

#include <string.h>

#include "ct-crypto.h"
#include "fuzz-common.h"

/*
 * The text a person types when they have lost the keyring: the recovery
 * code parser, and the name normaliser of the blind index (the other
 * parser of typed text in ct-crypto.c). A code that parses must spell the
 * same 160 bits when written out canonically and read again.
 */

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Writes @raw as ct_crypto_generate_recovery_code() writes a code. */
static char *
write_code (const guint8 raw[CT_RECOVERY_BYTES])
{
  GString *code = g_string_new (NULL);
  guint32 acc = 0;
  guint bits = 0;
  guint n = 0;

  for (guint i = 0; i < CT_RECOVERY_BYTES; i++)
    {
      acc = (acc << 8) | raw[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          if (n > 0 && n % 4 == 0)
            g_string_append_c (code, '-');
          g_string_append_c (code, alphabet[(acc >> bits) & 31]);
          n++;
        }
    }
  return g_string_free (code, FALSE);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return ct_crypto_init (NULL) ? 0 : 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autofree char *normal = NULL;
  g_autoptr(GError) error = NULL;
  guint8 raw[CT_RECOVERY_BYTES];
  guint8 again[CT_RECOVERY_BYTES];

  memset (raw, 0xAA, sizeof raw);
  if (ct_crypto_parse_recovery_code (text, raw, &error))
    {
      g_autofree char *code = write_code (raw);
      g_autofree char *lower = g_ascii_strdown (code, -1);

      FUZZ_CHECK (strlen (code) == 39);
      FUZZ_CHECK (ct_crypto_parse_recovery_code (code, again, NULL));
      FUZZ_CHECK (memcmp (raw, again, sizeof raw) == 0);
      FUZZ_CHECK (ct_crypto_parse_recovery_code (lower, again, NULL));
      FUZZ_CHECK (memcmp (raw, again, sizeof raw) == 0);
    }
  else
    {
      /* A code that is refused says why, and leaves nothing of itself behind. */
      FUZZ_CHECK (error != NULL && error->message != NULL && error->message[0] != '\0');
      for (gsize i = 0; i < sizeof raw; i++)
        FUZZ_CHECK (raw[i] == 0);
    }

  normal = ct_crypto_normalise_name (text);
  FUZZ_CHECK (normal != NULL);
  FUZZ_CHECK (g_utf8_validate (normal, -1, NULL));
  FUZZ_CHECK (normal[0] != ' ');
  FUZZ_CHECK (strstr (normal, "  ") == NULL);
  FUZZ_CHECK (!g_str_has_suffix (normal, " "));

  return 0;
}

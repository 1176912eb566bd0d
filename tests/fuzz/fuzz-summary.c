/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-summary"

#include "config.h"

#include <string.h>

#include "ct-store-private.h"
#include "fuzz-common.h"

/*
 * The store's summary reader, ct_store_pick_fields(), reads chosen entries
 * of a serialised a{sv} without building the dictionary: a second reader of
 * GVariant's framing. On any bytes it must either refuse them or return
 * values that are safe to read. On bytes GVariant itself holds to be a
 * dictionary in normal form (what the store writes) it must agree with
 * GVariant: succeed, and give each name the value of its last entry.
 */

static const char * const fixed_names[] = {
  "name", "given-names", "family-name", "date-of-birth", "aliases", "done",
  "raised-at", "pdf", "answers", "", "a",
};

#define MAX_NAMES 64

/* Reads a value all the way through, as a caller of the summaries might. */
static void
read_value (GVariant *value)
{
  g_autofree char *printed = NULL;

  FUZZ_CHECK (g_variant_type_is_definite (g_variant_get_type (value)));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      gsize len;
      const char *str = g_variant_get_string (value, &len);

      FUZZ_CHECK (strlen (str) == len);
    }
  printed = g_variant_print (value, TRUE);
  FUZZ_CHECK (printed != NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GHashTable) last = NULL;
  GVariant **values;
  gboolean normal;
  gboolean ok;

  for (gsize i = 0; i < G_N_ELEMENTS (fixed_names); i++)
    g_ptr_array_add (names, g_strdup (fixed_names[i]));

  /* GVariant's own reading of the same bytes, untrusted so that it checks. */
  dict = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));
  normal = g_variant_is_normal_form (dict);
  if (normal)
    {
      GVariantIter iter;
      const char *key;
      GVariant *value;

      last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_variant_unref);
      g_variant_iter_init (&iter, dict);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (!g_hash_table_contains (last, key) && names->len < MAX_NAMES)
            g_ptr_array_add (names, g_strdup (key));
          g_hash_table_replace (last, g_strdup (key), value);
        }
    }
  g_ptr_array_add (names, NULL);

  values = g_new0 (GVariant *, names->len);
  ok = ct_store_pick_fields (data, size, (const char * const *) names->pdata, names->len - 1,
                             values);

  if (normal)
    FUZZ_CHECK (ok);

  for (guint i = 0; i + 1 < names->len; i++)
    {
      if (values[i] == NULL)
        {
          if (ok && normal)
            FUZZ_CHECK (!g_hash_table_contains (last, names->pdata[i]));
          continue;
        }

      read_value (values[i]);
      if (ok && normal)
        {
          GVariant *expected = g_hash_table_lookup (last, names->pdata[i]);

          FUZZ_CHECK (expected != NULL);
          FUZZ_CHECK (g_variant_equal (values[i], expected));
        }
    }

  for (guint i = 0; i + 1 < names->len; i++)
    g_clear_pointer (&values[i], g_variant_unref);
  g_free (values);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-record"

#include "config.h"

#include <string.h>

#include "ct-store-private.h"
#include "fuzz-common.h"

/*
 * The record decoder: how the decrypted bytes of a row become a CtRecord
 * (ct_store_record_from_plaintext(), which decrypt_row() calls). The first
 * byte picks the kind of record; the rest are the plaintext. Whatever they
 * are, building the record and reading every field through CtRecord's
 * getters must be safe.
 */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
read_field (CtRecord   *record,
            const char *name)
{
  const char *str;
  const char * const *strv;
  g_autoptr(GBytes) bytes = NULL;
  GVariant *answers;

  FUZZ_CHECK (ct_record_has_field (record, name));

  str = ct_record_get_string (record, name);
  if (str != NULL)
    FUZZ_CHECK (strlen (str) < G_MAXSIZE);

  strv = ct_record_get_strv (record, name);
  for (gsize i = 0; strv != NULL && strv[i] != NULL; i++)
    FUZZ_CHECK (strlen (strv[i]) < G_MAXSIZE);

  (void) ct_record_get_int64 (record, name, 0);
  (void) ct_record_get_boolean (record, name, FALSE);

  bytes = ct_record_get_bytes (record, name);
  if (bytes != NULL)
    {
      gsize size;
      const guint8 *p = g_bytes_get_data (bytes, &size);
      g_autoptr(GBytes) copy = g_bytes_new (p, size);

      /* Every byte is read, as a PDF viewer would. */
      FUZZ_CHECK (g_bytes_equal (bytes, copy));
    }

  answers = ct_record_get_answers (record, name);
  if (answers != NULL)
    {
      g_autofree char *printed = g_variant_print (answers, TRUE);

      FUZZ_CHECK (printed != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(CtStoreRow) row = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(CtRecord) record = NULL;
  g_autoptr(CtRecord) copy = NULL;
  g_autoptr(GVariant) fields = NULL;
  g_autofree char *printed = NULL;
  GVariantIter iter;
  const char *name;

  if (size < 1)
    return 0;

  row = ct_store_row_new ();
  row->kind = data[0] % CT_RECORD_N_KINDS;
  row->id = g_strdup ("0b7a5f3e-2c1d-4e8f-9a6b-fuzz");
  row->case_id = g_strdup ("case-1");
  row->state = g_strdup ("open");
  row->reference = g_strdup ("CT-2026-0001");
  row->created_at = 1767225600000000;
  row->updated_at = 1767225600000000;
  row->version = 1;

  plain = g_bytes_new (data + 1, size - 1);
  record = ct_store_record_from_plaintext (row, plain);
  FUZZ_CHECK (record != NULL);
  FUZZ_CHECK (g_strcmp0 (ct_record_get_id (record), "0b7a5f3e-2c1d-4e8f-9a6b-fuzz") == 0);

  fields = ct_record_dup_fields (record);
  FUZZ_CHECK (g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT));
  printed = g_variant_print (fields, TRUE);
  FUZZ_CHECK (printed != NULL);

  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    read_field (record, name);

  /* What the store writes back after an edit: a copy serialises equal. */
  copy = ct_record_copy (record);
  FUZZ_CHECK (ct_record_equal_fields (record, copy));

  return 0;
}
